r"""RMSprop (Tieleman & Hinton 2012), centered (Graves 2013), with momentum."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import (Optimizer, accepts_schedules, full_like_float, is_active, power, trace, weight_decay_lines,
                         weight_decay_step, zeros_like_float)

__all__ = ["rmsprop", "update", "init", "equations", "State"]


class State(NamedTuple):
    """``count`` = updates applied; ``v`` mean square; ``g_bar`` mean gradient (centered); ``b`` momentum."""

    count: int
    v: np.ndarray
    g_bar: np.ndarray | None
    b: np.ndarray | None


def equations(momentum: Any = 0.0, centered: bool = False, weight_decay: Any = 0.0,
              decoupled_weight_decay: bool = False, eps_in_sqrt: bool = False, lr_in_buffer: bool = False,
              bias_correction: bool = False, nesterov: bool = False) -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    lines = list(weight_decay_lines(weight_decay, decoupled_weight_decay))
    lines.append(("v", r"v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2"))
    if centered:
        lines.append(("g_bar", r"\bar g_t = \rho\, \bar g_{t-1} + (1-\rho)\, g_t"))
    v, gb = "v_t", r"\bar g_t"
    if bias_correction:
        lines.append(("v_hat", r"\hat v_t = v_t / (1-\rho^t)"))
        v = r"\hat v_t"
        if centered:
            lines.append(("g_bar_hat", r"\hat{\bar g}_t = \bar g_t / (1-\rho^t)"))
            gb = r"\hat{\bar g}_t"
    ms = f"{v} - {gb}^2" if centered else v
    den = rf"\sqrt{{{ms} + \epsilon}}" if eps_in_sqrt else rf"\sqrt{{{ms}}} + \epsilon"
    lines.append(("denom", rf"\delta_t = {den}"))
    d = " + d_t" if is_active(weight_decay) and decoupled_weight_decay else ""
    if is_active(momentum) or nesterov:
        if lr_in_buffer:
            lines.append(("b", r"b_t = \mu\, b_{t-1} + \alpha_t\, g_t / \delta_t"))
            step = r"-(\alpha_t\, g_t / \delta_t + \mu\, b_t)" if nesterov else r"-b_t"
        else:
            lines.append(("b", r"b_t = \mu\, b_{t-1} + g_t / \delta_t"))
            step = r"-\alpha_t\, (g_t / \delta_t + \mu\, b_t)" if nesterov else r"-\alpha_t\, b_t"
    else:
        step = r"-\alpha_t\, g_t / \delta_t"
    lines.append(("delta", rf"\Delta\theta_t = {step}" + d))
    return tuple(lines)


def init(theta: np.ndarray, initial_mean_square: Any = 0.0, centered: bool = False, use_momentum: bool = False) -> State:
    zeros = zeros_like_float(theta)
    return State(0, full_like_float(theta, initial_mean_square), zeros if centered else None,
                 zeros if use_momentum else None)


def update(theta, grad, state, lr, decay, eps, momentum, centered, eps_in_sqrt=False, lr_in_buffer=False,
           bias_correction=False, nesterov=False, initial_mean_square=0.0, weight_decay=0.0,
           decoupled_weight_decay=False):
    t = state.count + 1
    g, d, wd = weight_decay_step(theta, grad, lr, weight_decay, decoupled_weight_decay)  # g_t ← g_t + λθ  or  d_t = -αλθ
    fields = dict(wd)
    v = fields["v"] = decay * state.v + (1 - decay) * g**2      # v_t = ρ v_{t-1} + (1-ρ) g_t²
    g_bar = None
    if centered:
        g_bar = fields["g_bar"] = decay * state.g_bar + (1 - decay) * g  # ḡ_t = ρ ḡ_{t-1} + (1-ρ) g_t
    v_, g_bar_ = v, g_bar
    if bias_correction:                                          # (optax; XLA divides by multiplying
        c = 1 / (1 - power(decay, t))                            #  with the reciprocal, and so do we)
        v_ = fields["v_hat"] = v * c                             # v̂_t = v_t / (1-ρᵗ)
        if centered:
            g_bar_ = fields["g_bar_hat"] = g_bar * c             # ḡ̂_t = ḡ_t / (1-ρᵗ)
    ms = v_ - g_bar_**2 if centered else v_                      # mean square (minus squared mean)
    if eps_in_sqrt:
        denom = np.sqrt(ms + eps)                                # δ_t = √(v_t + ε)
    else:
        denom = np.sqrt(ms) + eps                                # δ_t = √v_t + ε
    fields["denom"] = denom
    b = None
    if state.b is not None:
        u = lr * g / denom if lr_in_buffer else g / denom        # what enters the buffer
        b = fields["b"] = momentum * state.b + u                 # b_t = μ b_{t-1} + (α_t) g_t / δ_t
        if lr_in_buffer:
            delta = -(u + momentum * b) if nesterov else -b      # Δθ_t = -(α g/δ + μ b_t)  or  -b_t
        else:
            delta = -lr * (u + momentum * b) if nesterov else -lr * b  # Δθ_t = -α (g/δ + μ b_t)  or  -α b_t
    else:
        delta = -lr * g / denom                                  # Δθ_t = -α_t g_t / δ_t
    if d is not None:
        delta = delta + d                                        #        (+ d_t)
    return theta + delta, State(t, v, g_bar, b), trace(**fields, delta=delta)


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
        \bar g_t &= \rho\, \bar g_{t-1} + (1-\rho)\, g_t \quad\text{(centered only)} \\
        \delta_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \quad(\bar g_t = 0\text{ unless centered}) \\
        b_t &= \mu\, b_{t-1} + g_t/\delta_t \quad\text{(if } \mu > 0) \\
        \Delta\theta_t &= -\alpha_t\, b_t \quad\text{(or } -\alpha_t\, g_t/\delta_t \text{ without momentum)}

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-2 (PyTorch; TF1 has none, Keras 1e-3).
    decay : float or (B,) array in [0, 1)
        :math:`\rho` (PyTorch ``alpha``, Keras ``rho``, TF1/optax ``decay``). Default 0.99
        (PyTorch); the others use 0.9.
    eps : float or (B,) array in (0, inf)
        :math:`\epsilon`. Default 1e-8 (PyTorch, optax); TF1 1e-10, Keras 1e-7.
    momentum : float or (B,) array in [0, 1)
        :math:`\mu`. Default 0 (no buffer).
    centered : bool
        Subtract the squared mean gradient (Graves 2013).
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

    References
    ----------
    T. Tieleman & G. Hinton (2012). Lecture 6.5, rmsprop: Divide the gradient by a running average
    of its recent magnitude. Coursera, *Neural Networks for Machine Learning*. A. Graves (2013).
    Generating Sequences With Recurrent Neural Networks. arXiv:1308.0850.

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
    return Optimizer(
        owner, hp,
        equations(momentum, centered, weight_decay, decoupled_weight_decay, eps_in_sqrt, lr_in_buffer,
                  bias_correction, nesterov),
        lambda theta: init(theta, ims, centered, use_momentum), update,
        flags=tuple(flags),
    )
