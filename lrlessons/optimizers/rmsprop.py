r"""RMSprop (Tieleman & Hinton 2012), centered (Graves 2013), bias-corrected (optax), with momentum.

RMSprop divides the gradient by :math:`\delta_t`, a running root mean square of recent
gradients. The canonical :func:`update` is the lecture's rule with ε outside the root
(PyTorch ``RMSprop``). Each variant is a whole update of its own:

* where ε sits: :func:`update_eps_in_sqrt`, :math:`\sqrt{v_t + \epsilon}` (TF1, Keras, optax);
* centered (Graves 2013, eq. 38–41): :func:`update_centered`, :func:`update_centered_eps_in_sqrt`
  subtract the squared running mean :math:`\bar g_t^2`;
* bias-corrected (optax ``bias_correction=True``): :func:`update_bias_corrected`,
  :func:`update_bias_corrected_eps_in_sqrt`, :func:`update_centered_bias_corrected`,
  :func:`update_centered_bias_corrected_eps_in_sqrt`.

With momentum, RMSprop is momentum gradient descent on the scaled gradient :math:`g_t/\delta_t`
(Graves 2013, eq. 40): one of :func:`momentum_step` (PyTorch), :func:`velocity_step` (the
learning rate inside the buffer: TF1, Keras, optax), :func:`nesterov_step` and
:func:`velocity_nesterov_step` (optax ``nesterov=True``) replaces the last line of the update.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import (Optimizer, Update, accepts_schedules, full_like_float, is_active, trace_of, trace_type,
                   zeros_like_float)

__all__ = ["rmsprop", "update", "update_eps_in_sqrt", "update_centered", "update_centered_eps_in_sqrt",
           "update_bias_corrected", "update_bias_corrected_eps_in_sqrt", "update_centered_bias_corrected",
           "update_centered_bias_corrected_eps_in_sqrt", "momentum_step", "velocity_step", "nesterov_step",
           "velocity_nesterov_step", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates applied; ``v`` mean square; ``g_bar`` mean gradient (centered); ``b`` momentum."""

    count: int
    v: np.ndarray
    g_bar: np.ndarray | None = None
    b: np.ndarray | None = None


# -- Tieleman & Hinton: the root of a running mean square ---------------------------------------
EQUATIONS = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("denom", r"\delta_t = \sqrt{v_t} + \epsilon"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, decay, eps):
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    denom = np.sqrt(v) + eps                             # δ_t = √v_t + ε
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return theta + delta, State(state.count + 1, v), Trace(v, denom, delta)


EPS_IN_SQRT = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("denom", r"\delta_t = \sqrt{v_t + \epsilon}"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)


def update_eps_in_sqrt(theta, grad, state, lr, decay, eps):
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    denom = np.sqrt(v + eps)                             # δ_t = √(v_t + ε)
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return theta + delta, State(state.count + 1, v), Trace(v, denom, delta)


# -- centered (Graves 2013): the root of a running variance --------------------------------------
CENTERED = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("g_bar", r"\bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t"),
    ("denom", r"\delta_t = \sqrt{v_t - \bar g_t^2} + \epsilon"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)
CenteredTrace = trace_of(CENTERED)


def update_centered(theta, grad, state, lr, decay, eps):
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    g_bar = decay * state.g_bar + (1 - decay) * grad     # ḡ_t = ρ ḡ_{t-1} + (1-ρ) g_t
    denom = np.sqrt(v - g_bar**2) + eps                  # δ_t = √(v_t - ḡ_t²) + ε
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return theta + delta, State(state.count + 1, v, g_bar), CenteredTrace(v, g_bar, denom, delta)


CENTERED_EPS_IN_SQRT = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("g_bar", r"\bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t"),
    ("denom", r"\delta_t = \sqrt{v_t - \bar g_t^2 + \epsilon}"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)


def update_centered_eps_in_sqrt(theta, grad, state, lr, decay, eps):
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    g_bar = decay * state.g_bar + (1 - decay) * grad     # ḡ_t = ρ ḡ_{t-1} + (1-ρ) g_t
    denom = np.sqrt(v - g_bar**2 + eps)                  # δ_t = √(v_t - ḡ_t² + ε)
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return theta + delta, State(state.count + 1, v, g_bar), CenteredTrace(v, g_bar, denom, delta)


# -- bias-corrected (optax bias_correction=True; XLA divides by multiplying with the reciprocal,
#    and so do these) ------------------------------------------------------------------------
BIAS_CORRECTED = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("v_hat", r"\hat v_t = v_t / (1-\rho^t)"),
    ("denom", r"\delta_t = \sqrt{\hat v_t} + \epsilon"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)
BiasCorrectedTrace = trace_of(BIAS_CORRECTED)


def update_bias_corrected(theta, grad, state, lr, decay, eps):
    t = state.count + 1
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    v_hat = v * (1 / (1 - decay**t))                     # v̂_t = v_t / (1-ρᵗ)
    denom = np.sqrt(v_hat) + eps                         # δ_t = √v̂_t + ε
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return theta + delta, State(t, v), BiasCorrectedTrace(v, v_hat, denom, delta)


BIAS_CORRECTED_EPS_IN_SQRT = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("v_hat", r"\hat v_t = v_t / (1-\rho^t)"),
    ("denom", r"\delta_t = \sqrt{\hat v_t + \epsilon}"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)


def update_bias_corrected_eps_in_sqrt(theta, grad, state, lr, decay, eps):
    t = state.count + 1
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    v_hat = v * (1 / (1 - decay**t))                     # v̂_t = v_t / (1-ρᵗ)
    denom = np.sqrt(v_hat + eps)                         # δ_t = √(v̂_t + ε)
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return theta + delta, State(t, v), BiasCorrectedTrace(v, v_hat, denom, delta)


CENTERED_BIAS_CORRECTED = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("g_bar", r"\bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t"),
    ("v_hat", r"\hat v_t = v_t / (1-\rho^t)"),
    ("g_bar_hat", r"\hat{\bar g}_t = \bar g_t / (1-\rho^t)"),
    ("denom", r"\delta_t = \sqrt{\hat v_t - \hat{\bar g}_t^2} + \epsilon"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)
CenteredBiasCorrectedTrace = trace_of(CENTERED_BIAS_CORRECTED)


def update_centered_bias_corrected(theta, grad, state, lr, decay, eps):
    t = state.count + 1
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    g_bar = decay * state.g_bar + (1 - decay) * grad     # ḡ_t = ρ ḡ_{t-1} + (1-ρ) g_t
    c = 1 / (1 - decay**t)                               # 1 / (1-ρᵗ)
    v_hat = v * c                                        # v̂_t = v_t / (1-ρᵗ)
    g_bar_hat = g_bar * c                                # ḡ̂_t = ḡ_t / (1-ρᵗ)
    denom = np.sqrt(v_hat - g_bar_hat**2) + eps          # δ_t = √(v̂_t - ḡ̂_t²) + ε
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return (theta + delta, State(t, v, g_bar),
            CenteredBiasCorrectedTrace(v, g_bar, v_hat, g_bar_hat, denom, delta))


CENTERED_BIAS_CORRECTED_EPS_IN_SQRT = (
    ("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"),
    ("g_bar", r"\bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t"),
    ("v_hat", r"\hat v_t = v_t / (1-\rho^t)"),
    ("g_bar_hat", r"\hat{\bar g}_t = \bar g_t / (1-\rho^t)"),
    ("denom", r"\delta_t = \sqrt{\hat v_t - \hat{\bar g}_t^2 + \epsilon}"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \delta_t"),
)


def update_centered_bias_corrected_eps_in_sqrt(theta, grad, state, lr, decay, eps):
    t = state.count + 1
    v = decay * state.v + (1 - decay) * grad**2          # v_t = ρ v_{t-1} + (1-ρ) g_t²
    g_bar = decay * state.g_bar + (1 - decay) * grad     # ḡ_t = ρ ḡ_{t-1} + (1-ρ) g_t
    c = 1 / (1 - decay**t)                               # 1 / (1-ρᵗ)
    v_hat = v * c                                        # v̂_t = v_t / (1-ρᵗ)
    g_bar_hat = g_bar * c                                # ḡ̂_t = ḡ_t / (1-ρᵗ)
    denom = np.sqrt(v_hat - g_bar_hat**2 + eps)          # δ_t = √(v̂_t - ḡ̂_t² + ε)
    delta = -lr * grad / denom                           # Δθ_t = -α_t g_t / δ_t
    return (theta + delta, State(t, v, g_bar),
            CenteredBiasCorrectedTrace(v, g_bar, v_hat, g_bar_hat, denom, delta))


# -- momentum on the scaled gradient g_t/δ_t: (b_t, Δθ_t) in place of Δθ_t = -α_t g_t/δ_t ------
MOMENTUM = (
    ("b", r"b_t = \mu\, b_{t-1} + g_t / \delta_t"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, b_t"),
)


def momentum_step(grad, denom, b, lr, momentum):
    """PyTorch: the learning rate outside the buffer."""
    b = momentum * b + grad / denom                      # b_t = μ b_{t-1} + g_t / δ_t
    return b, -lr * b                                    # Δθ_t = -α_t b_t


VELOCITY = (
    ("b", r"b_t = \mu\, b_{t-1} + \alpha_t\, g_t / \delta_t"),
    ("delta", r"\Delta\theta_t = -b_t"),
)


def velocity_step(grad, denom, b, lr, momentum):
    """TF1, Keras, optax (whose ``trace`` comes after the learning rate): lr inside the buffer."""
    b = momentum * b + lr * grad / denom                 # b_t = μ b_{t-1} + α_t g_t / δ_t
    return b, -b                                         # Δθ_t = -b_t


NESTEROV = (
    ("b", r"b_t = \mu\, b_{t-1} + g_t / \delta_t"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, (g_t / \delta_t + \mu\, b_t)"),
)


def nesterov_step(grad, denom, b, lr, momentum):
    """Nesterov's look-ahead, the learning rate outside the buffer."""
    u = grad / denom                                     # g_t / δ_t
    b = momentum * b + u                                 # b_t = μ b_{t-1} + g_t / δ_t
    return b, -lr * (u + momentum * b)                   # Δθ_t = -α_t (g_t/δ_t + μ b_t)


VELOCITY_NESTEROV = (
    ("b", r"b_t = \mu\, b_{t-1} + \alpha_t\, g_t / \delta_t"),
    ("delta", r"\Delta\theta_t = -(\alpha_t\, g_t / \delta_t + \mu\, b_t)"),
)


def velocity_nesterov_step(grad, denom, b, lr, momentum):
    """optax ``rmsprop(nesterov=True)``: Nesterov's look-ahead, lr inside the buffer."""
    u = lr * grad / denom                                # α_t g_t / δ_t
    b = momentum * b + u                                 # b_t = μ b_{t-1} + α_t g_t / δ_t
    return b, -(u + momentum * b)                        # Δθ_t = -(α_t g_t/δ_t + μ b_t)


def _with_momentum(inner: Update, step: Callable, step_equations: tuple) -> Update:
    """``inner`` whose last line, :math:`\\Delta\\theta_t = -\\alpha_t g_t/\\delta_t`, becomes ``step``."""
    traced = trace_type((*(f for f, _ in inner.equations[:-1]), *(f for f, _ in step_equations)))
    run = inner.fn

    def fn(theta, grad, state, lr, momentum, **hp):
        _, new_state, tr = run(theta, grad, state, lr, **hp)
        b, delta = step(grad, tr.denom, state.b, lr, momentum)
        return theta + delta, new_state._replace(b=b), traced(*tr[:-1], b, delta)

    return Update(fn, (*inner.equations[:-1], *step_equations), ("momentum", *inner.names), (*inner.parts, step))


def init(theta: np.ndarray, initial_mean_square: Any = 0.0, centered: bool = False, use_momentum: bool = False) -> State:
    zeros = zeros_like_float(theta)
    return State(0, full_like_float(theta, initial_mean_square), zeros if centered else None,
                 zeros if use_momentum else None)


_UPDATES = {  # (centered, bias_correction, eps_in_sqrt) -> (update, equations)
    (False, False, False): (update, EQUATIONS),
    (False, False, True): (update_eps_in_sqrt, EPS_IN_SQRT),
    (True, False, False): (update_centered, CENTERED),
    (True, False, True): (update_centered_eps_in_sqrt, CENTERED_EPS_IN_SQRT),
    (False, True, False): (update_bias_corrected, BIAS_CORRECTED),
    (False, True, True): (update_bias_corrected_eps_in_sqrt, BIAS_CORRECTED_EPS_IN_SQRT),
    (True, True, False): (update_centered_bias_corrected, CENTERED_BIAS_CORRECTED),
    (True, True, True): (update_centered_bias_corrected_eps_in_sqrt, CENTERED_BIAS_CORRECTED_EPS_IN_SQRT),
}
_STEPS = {  # (nesterov, lr_in_buffer) -> (step, equations)
    (False, False): (momentum_step, MOMENTUM),
    (False, True): (velocity_step, VELOCITY),
    (True, False): (nesterov_step, NESTEROV),
    (True, True): (velocity_nesterov_step, VELOCITY_NESTEROV),
}


def pick_update(centered: bool, bias_correction: bool, eps_in_sqrt: bool, use_momentum: bool, nesterov: bool,
                lr_in_buffer: bool) -> Update:
    """The update for these options."""
    chosen = Update.of(*_UPDATES[bool(centered), bool(bias_correction), bool(eps_in_sqrt)])
    if use_momentum:
        chosen = _with_momentum(chosen, *_STEPS[bool(nesterov), bool(lr_in_buffer)])
    return chosen


@suggest_keywords
@accepts_schedules
def rmsprop(lr: Any = 1e-2, decay: Any = 0.99, eps: Any = 1e-8, momentum: Any = 0.0, centered: bool = False,
            weight_decay: Any = 0.0, decoupled_weight_decay: bool = False, eps_in_sqrt: bool = False,
            lr_in_buffer: bool = False, initial_mean_square: Any = 0.0, bias_correction: bool = False,
            nesterov: bool = False) -> Optimizer:
    r"""RMSprop: divide the gradient by a running root mean square of recent gradients.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\rho` the ``decay``, :math:`\epsilon`
    the ``eps``, :math:`\mu` the ``momentum`` and :math:`v_0` the ``initial_mean_square``.
    With the defaults (PyTorch ``RMSprop``):

    .. math::
        v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
        \delta_t &= \sqrt{v_t} + \epsilon \\
        \Delta\theta_t &= -\alpha_t\, g_t / \delta_t

    centered: :math:`\bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t` and
    :math:`\delta_t = \sqrt{v_t - \bar g_t^2} + \epsilon`; with momentum :math:`\mu > 0`:
    :math:`b_t = \mu\, b_{t-1} + g_t/\delta_t`, :math:`\Delta\theta_t = -\alpha_t\, b_t`.

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-2 (PyTorch; TF1 has none, Keras 1e-3).
    decay : float or (B,) array in [0, 1)
        :math:`\rho` (PyTorch ``alpha``, Keras ``rho``, TF1/optax ``decay``). Default 0.99
        (PyTorch); the others use 0.9.
    eps : float or (B,) array in (0, inf)
        :math:`\epsilon`. Default 1e-8 (PyTorch, optax); TF1 1e-10, Keras 1e-7.
    momentum : float, (B,) array or schedule, in [0, 1)
        :math:`\mu`. Default 0 (no buffer).
    centered : bool
        Subtract the squared mean gradient (Graves 2013). See Notes for a variance that rounds
        below 0 (every framework, and lrlessons, then gives NaN).
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda` (L2, PyTorch, unless ``decoupled_weight_decay``). Default 0.
    decoupled_weight_decay : bool
        ``True`` for Keras ``weight_decay``: :math:`d_t = -\alpha_t\lambda\theta_{t-1}` added to the step.
    eps_in_sqrt : bool
        ``False`` (PyTorch, optax ``eps_in_sqrt=False``): :math:`\sqrt{v_t} + \epsilon`. ``True``
        (TF1, Keras, optax default): :math:`\sqrt{v_t + \epsilon}`.
    lr_in_buffer : bool
        ``False`` (PyTorch): :math:`b_t = \mu b_{t-1} + g_t/\delta_t`, :math:`\Delta\theta_t = -\alpha_t b_t`.
        ``True`` (TF1, Keras, optax, whose trace comes after the learning rate):
        :math:`b_t = \mu b_{t-1} + \alpha_t g_t/\delta_t`, :math:`\Delta\theta_t = -b_t`.
        Identical for a constant learning rate.
    initial_mean_square : float or (B,) array in [0, inf)
        :math:`v_0`. Default 0; TF1 ``RMSPropOptimizer`` starts at **1.0**; optax ``initial_scale``.
    bias_correction : bool
        optax ``bias_correction=True``: use :math:`\hat v_t = v_t/(1-\rho^t)` (and
        :math:`\hat{\bar g}_t`) in :math:`\delta_t`.
    nesterov : bool
        optax ``nesterov=True``: :math:`\Delta\theta_t = -(\alpha_t g_t/\delta_t + \mu b_t)`
        (with ``lr_in_buffer``). Requires ``momentum > 0``.

    Notes
    -----
    The first step with :math:`g = 0.01`, as a multiple of lr: TF1 0.0105 (:math:`v_0 = 1`),
    Keras 3.15, optax 3.16, PyTorch 10.0 (:math:`\rho = 0.99`).

    **Centered, when the variance is 0.** :math:`v_t - \bar g_t^2` is a variance, never negative
    in exact arithmetic, but once the gradient has been (nearly) constant for a while it is the
    difference of two equal numbers and rounds to 0 or to a few units in the last place below
    it: with :math:`g = 0.7` every step and :math:`\rho = 0.5` it is :math:`-5.6\cdot10^{-17}`
    at update 54. No framework clamps it. PyTorch takes ``(v - ḡ²).sqrt()`` and adds ε after
    (``torch/optim/rmsprop.py``): NaN. TF1's kernel (``ApplyCenteredRMSProp`` in
    ``tensorflow/core/kernels/training_ops.cc``: ``sqrt(ms - mg² + ε)``), Keras
    (``keras/src/optimizers/rmsprop.py``: ``sqrt(velocity - average_grad² + ε)``) and optax
    (``scale_by_stddev``: ``rsqrt(ν - |μ|² + ε)``, or ``1/(sqrt(ν - |μ|²) + ε)`` with
    ``eps_in_sqrt=False``) give NaN only when the rounding error exceeds ε (ε inside the root
    absorbs −5.6e-17). lrlessons computes each variant as its framework does, NaN included
    (``eps_in_sqrt`` picks the form): :func:`lrlessons.run` rejects that update and reports the
    run as diverged at it (``diverged_at = 54`` above), so a plot never draws the NaN. Before
    that, the tiny variance makes :math:`\delta_t \approx \epsilon` and the steps huge:
    centered RMSprop expects gradients that vary.

    References
    ----------
    T. Tieleman & G. Hinton (2012). Lecture 6.5, rmsprop: Divide the gradient by a running average
    of its recent magnitude. Coursera, *Neural Networks for Machine Learning*. A. Graves (2013).
    Generating Sequences With Recurrent Neural Networks. arXiv:1308.0850, eq. 38–41.
    PyTorch ``torch/optim/rmsprop.py``; TF ``tensorflow/core/kernels/training_ops.cc``
    (``ApplyRMSProp``, ``ApplyCenteredRMSProp``); optax ``optax/_src/transform.py``
    (``scale_by_rms``, ``scale_by_stddev``).

    >>> opt = rmsprop(lr=0.01)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([0.01]), opt.init(np.array([1.0])))
    >>> print(f"{float(tr.delta[0]) / 0.01:.2f}")
    -10.00
    """
    owner = "rmsprop"
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "decay", decay, 0, 1, "left")
    check_interval(owner, "eps", eps, 0, None, "neither")
    check_interval(owner, "momentum", momentum, 0, 1, "left")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    check_interval(owner, "initial_mean_square", initial_mean_square, 0, None, "left")
    flags = dict(centered=centered, decoupled_weight_decay=decoupled_weight_decay, eps_in_sqrt=eps_in_sqrt,
                 lr_in_buffer=lr_in_buffer, bias_correction=bias_correction, nesterov=nesterov)
    for name, flag in flags.items():
        check_bool(owner, name, flag)
    if nesterov:
        check_interval(owner, "momentum", momentum, 0, 1, "neither")
    use_momentum = is_active(momentum) or nesterov
    ims = initial_mean_square
    hp = dict(lr=lr, decay=decay, eps=eps, momentum=momentum, weight_decay=weight_decay,
              initial_mean_square=ims, **flags)
    return Optimizer(owner, hp,
                     pick_update(centered, bias_correction, eps_in_sqrt, use_momentum, nesterov, lr_in_buffer),
                     lambda theta: init(theta, ims, centered, use_momentum))
