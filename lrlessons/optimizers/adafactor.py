r"""Adafactor (Shazeer & Stern 2018, Algorithms 4 and 5) and its framework variants.

Adafactor keeps, for a matrix parameter, only the running means of the squared gradient along
its rows (:math:`R_t`, one number per row) and its columns (:math:`C_t`, one per column) and
rebuilds the second moment as their outer product, :math:`\hat V_t = R_t C_t / \bar R_t`
(memory :math:`m + n` instead of :math:`mn`); a vector keeps the full :math:`\hat V_t`. The step
is relative to the parameter's size, :math:`\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,\rho_t`,
and the update is clipped to a root mean square of at most :math:`d`. With :math:`t` the 1-based
update number, :math:`c` = ``beta2_decay`` (< 0) and the means taken over one row or column:

.. math::
    \hat\beta_{2t} &= 1 - t^{c} \\
    R_t &= \hat\beta_{2t} R_{t-1} + (1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{cols}}(G_t^2 + \epsilon_1) \\
    C_t &= \hat\beta_{2t} C_{t-1} + (1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{rows}}(G_t^2 + \epsilon_1) \\
    \hat V_t &= R_t C_t / \mathrm{mean}(R_t) \quad\text{(a vector: } \hat V_t = \hat\beta_{2t}\hat V_{t-1} + (1-\hat\beta_{2t})(G_t^2 + \epsilon_1)) \\
    U_t &= G_t / \sqrt{\hat V_t}, \qquad \hat U_t = U_t / \max(1, \mathrm{RMS}(U_t)/d) \\
    \rho_t &= \min(\alpha, 1/\sqrt t), \qquad \alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \rho_t \\
    \Delta\theta_t &= -\alpha_t\, \hat U_t

The paper writes row and column *sums*; their ratio :math:`R_t C_t / (1^\top R_t)` is the same
number as with means. The variants, each a whole update with its own equations:

* :func:`update_eps1_on_v_hat` (PyTorch ``Adafactor``): :math:`\epsilon_1` clamps :math:`\hat V_t`
  from below instead of being added to :math:`G_t^2`; weight decay :math:`\theta(1 - \alpha\lambda)`
  after :math:`\alpha_t` is taken; ``maximize``.
* :func:`update_float32_means` (Keras ``Adafactor``): every mean in float32, as Keras 3 on the JAX
  backend computes ``ops.mean`` of float64 input; weight decay before the step.
* :func:`update_optax` (optax ``adafactor``): no relative step (:math:`\alpha` multiplies), optional
  parameter scale, momentum and a decay rate in float32, weight decay added unscaled.

Factoring and batching: a parameter with two or more axes is factored over two of them (the last
two; optax's variant: the two largest); a vector, or any parameter whose second-largest axis is
shorter than ``min_dim_size_to_factor``, keeps the full :math:`\hat V_t`. "One parameter" follows
``lrlessons._batch.run_axes``: when a hyperparameter is a ``(B,)`` array, ``theta[i]`` is
run i's parameter (its own factoring and RMS); otherwise the whole ``theta`` is one parameter.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._batch import float_dtype, run_axes
from .._checks import check_bool, check_choice, check_integer, check_interval, suggest_keywords
from .base import Optimizer, Update, is_active, trace_of

__all__ = ["adafactor", "update", "update_eps1_on_v_hat", "update_float32_means", "update_optax",
           "factored_dims", "mean_float32", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates applied; ``r``, ``c`` the row and column means (a factored parameter,
    shaped like ``theta`` with a 1 on the averaged axis), or ``v`` the full second moment;
    ``m`` optax's momentum (optax variant only, float32 with ``float32_momentum``)."""

    count: int
    r: np.ndarray | None
    c: np.ndarray | None
    v: np.ndarray | None
    m: np.ndarray | None = None


# -- helpers ---------------------------------------------------------------------------------------
def factored_dims(shape: tuple, rule: str = "last", min_dim_size_to_factor: int = 0) -> tuple | None:
    """The axes ``(d1, d0)`` of one parameter of ``shape`` to factor over, or ``None`` (keep all of V).

    ``R`` averages over ``d0``, ``C`` over ``d1``. ``rule="last"`` (PyTorch, Keras): the last two
    axes, ``d1 = -2``, ``d0 = -1``. ``rule="largest"`` (optax ``_factored_dims``): ``d0`` the largest
    axis, ``d1`` the second largest. Either way nothing is factored when the parameter has fewer
    than two axes or its second-largest axis is shorter than ``min_dim_size_to_factor``.

    >>> factored_dims((4, 3)), factored_dims((4, 3), "largest"), factored_dims((4, 3), "largest", 128)
    ((0, 1), (1, 0), None)
    """
    if len(shape) < 2:
        return None
    order = np.argsort(shape, kind="stable")
    if shape[order[-2]] < min_dim_size_to_factor:
        return None
    if rule == "last":
        return len(shape) - 2, len(shape) - 1
    return int(order[-2]), int(order[-1])


def _rms(x, axes):
    """Root mean square over one parameter's axes (kept as unit axes, so it broadcasts per run)."""
    return np.sqrt(np.mean(x * x, axis=axes, keepdims=True))


def _sum_float32(x32, axis):
    s = np.zeros(np.delete(np.array(x32.shape), axis).tolist(), np.float32)
    for i in range(x32.shape[axis]):                     # sequential, as XLA reduces these shapes
        s = (s + np.take(x32, i, axis=axis)).astype(np.float32)
    return s


def mean_float32(x, axes):
    """``keras.ops.mean`` of float64 input on the JAX backend: a float32 mean, cast back to float64.

    Keras computes the mean in ``result_type(float64, float32)``, which Keras resolves to float32
    (``keras/src/backend/jax/numpy.py``, ``mean``). Emulated exactly: entries rounded to float32,
    summed in float32 along the axis in order, times ``float32(1/n)`` (XLA turns the division by n
    into that product); a whole 2-D parameter with an even number of rows sums each row, then the
    rows in two interleaved lanes, ``(R0 + R2) + (R1 + R3)``. XLA's reduction order depends on the
    shape: this was verified bit for bit on vectors, single axes of any matrix, and whole (4, 3),
    (2, 6), (3, 4), (3, 5), (5, 3) matrices (the shapes of the fixtures). ``axes`` are trailing
    axes; they are kept as unit axes.
    """
    x = np.asarray(x)
    x32 = x.astype(np.float32)
    axes = tuple(a % x32.ndim for a in axes) if x32.ndim else ()
    lead = x32.ndim - len(axes)
    n = int(np.prod([x32.shape[a] for a in axes], dtype=np.int64))
    if len(axes) == 2 and x32.shape[lead] % 2 == 0:
        rows = _sum_float32(x32, x32.ndim - 1)           # (..., m): each row in order
        s = (_sum_float32(rows[..., 0::2], rows.ndim - 1) + _sum_float32(rows[..., 1::2], rows.ndim - 1))
        s = s.astype(np.float32)
    elif len(axes) == 1:
        s = _sum_float32(x32, axes[0])
    elif axes:
        s = _sum_float32(x32.reshape(x32.shape[:lead] + (n,)), lead)
    else:
        s, n = x32, 1
    out = (s * np.float32(1.0 / n)).astype(np.float32).astype(x.dtype)    # cast back (float64 stays float64)
    return np.expand_dims(out, axes) if axes else out


# -- Algorithms 4 and 5 (means instead of sums; the ratio is the same) ----------------------------
EQUATIONS = (
    ("beta2_hat", r"\hat\beta_{2t} = 1 - t^{c}"),
    ("v_hat", r"\hat V_t = \begin{cases} R_t C_t / \mathrm{mean}(R_t), & R_t = \hat\beta_{2t} R_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{cols}}(G_t^2 + \epsilon_1),\ C_t = \hat\beta_{2t} C_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{rows}}(G_t^2 + \epsilon_1) \\ \hat\beta_{2t} \hat V_{t-1} + "
              r"(1-\hat\beta_{2t})(G_t^2 + \epsilon_1) & \text{(not factored)} \end{cases}"),
    ("u", r"U_t = G_t / \sqrt{\hat V_t}"),
    ("u_hat", r"\hat U_t = U_t / \max(1, \mathrm{RMS}(U_t)/d)"),
    ("alpha", r"\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \min(\alpha, 1/\sqrt{t})"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat U_t"),
)
Trace = trace_of(EQUATIONS)


def _second_moment(state, g2, beta2_hat, axes):
    """R_t, C_t and V̂_t (factored over ``axes`` = (d1, d0)), or V_t, from the squares ``g2``."""
    if state.r is None:
        v = beta2_hat * state.v + (1 - beta2_hat) * g2                    # V_t = β̂ V_{t-1} + (1-β̂)(G²+ε₁)
        return None, None, v, v
    d1, d0 = axes
    r = beta2_hat * state.r + (1 - beta2_hat) * np.mean(g2, axis=d0, keepdims=True)  # R_t: row means
    c = beta2_hat * state.c + (1 - beta2_hat) * np.mean(g2, axis=d1, keepdims=True)  # C_t: column means
    v_hat = r * c / np.mean(r, axis=d1, keepdims=True)                              # V̂_t = R_t C_t / mean(R_t)
    return r, c, None, v_hat


def _factor_axes(theta, state, axes, rule):
    """The absolute axes (d1, d0) of a factored state, checked against the run's parameter."""
    if state.r is None:
        return None
    if len(axes) < 2:
        raise ValueError(f"This adafactor state is factored (for a matrix) but one run's parameter has shape "
                         f"{theta.shape[axes[0]:] if axes else ()}: a (B,) hyperparameter makes each row of theta "
                         f"its own run. Make the state with init() for the same hyperparameters.")
    dims = factored_dims(theta.shape[axes[0]:], rule)
    return axes[0] + dims[0], axes[0] + dims[1]


def update(theta, grad, state, lr, beta2_decay, eps1, eps2, clip_threshold):
    t = state.count + 1                                  # t counts updates from 1
    axes = run_axes(theta, lr, beta2_decay, eps1, eps2, clip_threshold)   # one parameter
    beta2_hat = 1 - float(t) ** beta2_decay              # β̂₂ₜ = 1 - t^c
    g2 = grad * grad + eps1                              # G_t² + ε₁
    r, c, v, v_hat = _second_moment(state, g2, beta2_hat, _factor_axes(theta, state, axes, "last"))
    u = grad / np.sqrt(v_hat)                            # U_t = G_t / √V̂_t
    u_hat = u / np.maximum(1.0, _rms(u, axes) / clip_threshold)      # Û_t = U_t / max(1, RMS(U_t)/d)
    rho = np.minimum(lr, 1 / math.sqrt(t))         # ρ_t = min(α, 1/√t)
    alpha = np.maximum(eps2, _rms(theta, axes)) * rho    # α_t = max(ε₂, RMS(θ_{t-1})) ρ_t
    delta = -alpha * u_hat                               # Δθ_t = -α_t Û_t
    return theta + delta, State(t, r, c, v), Trace(beta2_hat, v_hat, u, u_hat, alpha, delta)


# -- PyTorch: ε₁ clamps V̂ (and mean(R)); decay θ(1 - αλ) after α_t; maximize -------------------------
EPS1_ON_V_HAT = (
    ("beta2_hat", r"\hat\beta_{2t} = 1 - t^{c}"),
    ("v_hat", r"\hat V_t = \begin{cases} R_t C_t / \max(\mathrm{mean}(R_t), \epsilon_1), & R_t = \hat\beta_{2t} R_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{cols}}(G_t^2),\ C_t = \hat\beta_{2t} C_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{rows}}(G_t^2) \\ \hat\beta_{2t} \hat V_{t-1} + "
              r"(1-\hat\beta_{2t})\, G_t^2 & \text{(a vector)} \end{cases}"),
    ("u", r"U_t = G_t / \sqrt{\max(\hat V_t, \epsilon_1^2)}"),
    ("u_hat", r"\hat U_t = U_t / \max(1, \mathrm{RMS}(U_t)/d)"),
    ("alpha", r"\alpha_t = \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \min(\alpha, 1/\sqrt{t})"),
    ("delta", r"\Delta\theta_t = -\alpha\lambda\,\theta_{t-1} - \alpha_t\, \hat U_t"),
)
Eps1OnVHatTrace = trace_of(EPS1_ON_V_HAT)


def update_eps1_on_v_hat(theta, grad, state, lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay, maximize):
    t = state.count + 1
    axes = run_axes(theta, lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay)
    g = -grad if maximize else grad                      # ascend: G_t = -g_t
    beta2_hat = 1 - float(t) ** beta2_decay              # β̂₂ₜ = 1 - t^c
    dims = _factor_axes(theta, state, axes, "last")
    g2 = g * g                                           # G_t² (no ε₁ here)
    if dims is None:
        r = c = None
        v = v_hat = beta2_hat * state.v + (1 - beta2_hat) * g2             # V_t = β̂ V_{t-1} + (1-β̂) G²
    else:
        d1, d0 = dims
        v = None
        r = beta2_hat * state.r + (1 - beta2_hat) * np.mean(g2, axis=d0, keepdims=True)   # R_t
        c = beta2_hat * state.c + (1 - beta2_hat) * np.mean(g2, axis=d1, keepdims=True)   # C_t
        v_hat = r * c / np.maximum(np.mean(r, axis=d1, keepdims=True), eps1)              # V̂_t = R C / max(mean R, ε₁)
    u = g / np.sqrt(np.maximum(v_hat, eps1 * eps1))      # U_t = G_t / √max(V̂_t, ε₁²)
    u_hat = u / np.maximum(1.0, _rms(u, axes) / clip_threshold)      # Û_t = U_t / max(1, RMS(U_t)/d)
    rho = np.minimum(lr, 1 / math.sqrt(t))         # ρ_t = min(α, 1/√t)
    alpha = np.maximum(eps2, _rms(theta, axes)) * rho    # α_t = max(ε₂, RMS(θ_{t-1})) ρ_t
    new = theta * (1 - lr * weight_decay) - alpha * u_hat    # θ_t = θ_{t-1}(1 - αλ) - α_t Û_t
    delta = new - theta
    return new, State(t, r, c, v), Eps1OnVHatTrace(beta2_hat, v_hat, u, u_hat, alpha, delta)


# -- Keras (JAX backend, float64 variables): every mean in float32; decay before α_t --------------
FLOAT32_MEANS = (
    ("decay", r"d_t = -\alpha\lambda\,\theta_{t-1}, \quad \theta' = \theta_{t-1} + d_t"),
    ("beta2_hat", r"\hat\beta_{2t} = 1 - t^{c}"),
    ("v_hat", r"\hat V_t = \begin{cases} R_t C_t / \mathrm{mean}_{32}(R_t), & R_t = \hat\beta_{2t} R_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{32,\mathrm{cols}}(G_t^2 + \epsilon_1),\ C_t = \ldots\mathrm{mean}_{32,\mathrm{rows}} \\ "
              r"\hat\beta_{2t} \hat V_{t-1} + (1-\hat\beta_{2t})(G_t^2 + \epsilon_1) & \text{(a vector)} \end{cases}"),
    ("u", r"U_t = G_t / \sqrt{\hat V_t}"),
    ("u_hat", r"\hat U_t = U_t / \max(1, \sqrt{\mathrm{mean}_{32}(U_t^2)}/d)"),
    ("alpha", r"\alpha_t = \max(\epsilon_2, \sqrt{\mathrm{mean}_{32}(\theta'^2)})\, \min(\alpha, 1/\sqrt{t})"),
    ("delta", r"\Delta\theta_t = d_t - \alpha_t\, \hat U_t"),
)
Float32MeansTrace = trace_of(FLOAT32_MEANS)


def update_float32_means(theta, grad, state, lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay):
    t = state.count + 1
    axes = run_axes(theta, lr, beta2_decay, eps1, eps2, clip_threshold, weight_decay)
    decayed = theta - theta * weight_decay * lr          # θ' = θ_{t-1} - θ_{t-1} λ α  (before the step)
    rho = np.minimum(lr, 1 / math.sqrt(t))         # ρ_t = min(α, 1/√t)
    alpha = np.maximum(eps2, np.sqrt(mean_float32(decayed * decayed, axes))) * rho  # α_t from θ'
    g2 = grad * grad + eps1                              # G_t² + ε₁
    beta2_hat = 1 - float(t) ** beta2_decay              # β̂₂ₜ = 1 - t^c
    dims = _factor_axes(theta, state, axes, "last")
    if dims is None:
        r = c = None
        v = v_hat = beta2_hat * state.v + (1 - beta2_hat) * g2
    else:
        v = None
        r = beta2_hat * state.r + (1 - beta2_hat) * mean_float32(g2, (-1,))   # R_t: float32 row means
        c = beta2_hat * state.c + (1 - beta2_hat) * mean_float32(g2, (-2,))   # C_t: float32 column means
        v_hat = r / mean_float32(r, (-2,)) * c           # V̂_t = (R_t / mean₃₂(R_t)) C_t
    u = grad / np.sqrt(v_hat)                            # U_t = G_t / √V̂_t
    u_hat = u / np.maximum(1.0, np.sqrt(mean_float32(u * u, axes)) / clip_threshold)  # Û_t
    new = decayed - alpha * u_hat                        # θ_t = θ' - α_t Û_t
    decay = decayed - theta
    return new, State(t, r, c, v), Float32MeansTrace(decay, beta2_hat, v_hat, u, u_hat, alpha, new - theta)


# -- optax: a chain; α multiplies (no relative step); momentum; λθ added unscaled ----------------
OPTAX = (
    ("beta2_hat", r"\hat\beta_{2t} = 1 - (t - t_0)^{c}\ \text{(float32 with float32\_decay\_rate)}"),
    ("v_hat", r"\hat V_t = \begin{cases} (R_t / \mathrm{mean}(R_t))\, C_t, & R_t = \hat\beta_{2t} R_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{d_0}(G_t^2 + \epsilon_1),\ C_t = \hat\beta_{2t} C_{t-1} + "
              r"(1-\hat\beta_{2t})\, \mathrm{mean}_{d_1}(G_t^2 + \epsilon_1) \\ \hat\beta_{2t} \hat V_{t-1} + "
              r"(1-\hat\beta_{2t})(G_t^2 + \epsilon_1) & \text{(not factored)} \end{cases}"),
    ("u", r"U_t = G_t\, (R_t/\mathrm{mean}(R_t))^{-1/2}\, C_t^{-1/2} \ \text{(not factored: } G_t \hat V_t^{-1/2})"),
    ("u_hat", r"\hat U_t = U_t / \max(1, \mathrm{RMS}(U_t)/d)"),
    ("alpha", r"\alpha_t = \alpha\, \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\ \text{(or } \alpha \text{)}"),
    ("m", r"m_t = (1-\beta_1)\, \alpha_t \hat U_t + \beta_1 m_{t-1}"),
    ("delta", r"\Delta\theta_t = -(m_t + \lambda\,\theta_{t-1})"),
)
OptaxTrace = trace_of(OPTAX)


def update_optax(theta, grad, state, lr, beta2_decay, eps1, eps2, clip_threshold, momentum, weight_decay,
                 decay_offset, multiply_by_parameter_scale, float32_decay_rate):
    t = state.count + 1
    axes = run_axes(theta, lr, beta2_decay, eps1, eps2, clip_threshold, momentum, weight_decay, decay_offset)
    if float32_decay_rate:                               # optax: an int32 count, float32 powers
        power = (t - decay_offset) ** np.asarray(beta2_decay, np.float32).astype(np.float64)   # (rounded once:
        beta2_hat = np.float32(1) - np.asarray(power, np.float32)                              #  a float32 pow)
        one_minus = np.asarray(np.float32(1) - beta2_hat, theta.dtype)
        beta2_hat = np.asarray(beta2_hat, theta.dtype)   # β̂₂ₜ = fl32(1 - fl32(t - t₀)^c)
    else:
        beta2_hat = 1 - float(t - decay_offset) ** beta2_decay   # β̂₂ₜ = 1 - (t - t₀)^c
        one_minus = 1 - beta2_hat
    g2 = grad * grad + eps1                              # G_t² + ε₁
    dims = _factor_axes(theta, state, axes, "largest")
    if dims is None:
        r = c = None
        v = v_hat = beta2_hat * state.v + one_minus * g2                    # V_t
        u = grad * v ** -0.5                                                # U_t = G_t V_t^{-1/2}
    else:
        d1, d0 = dims
        v = None
        r = beta2_hat * state.r + one_minus * np.mean(g2, axis=d0, keepdims=True)     # R_t
        c = beta2_hat * state.c + one_minus * np.mean(g2, axis=d1, keepdims=True)     # C_t
        r_norm = r / np.mean(r, axis=d1, keepdims=True)  # R_t / mean(R_t)
        v_hat = r_norm * c
        u = grad * r_norm ** -0.5 * c ** -0.5            # U_t = G_t (R_t/mean R_t)^{-1/2} C_t^{-1/2}
    u_hat = u / np.maximum(1.0, _rms(u, axes) / clip_threshold)         # Û_t = U_t / max(1, RMS(U_t)/d)
    scaled = lr * u_hat                                  # α Û_t
    if multiply_by_parameter_scale:
        scale = np.maximum(eps2, _rms(theta, axes))      # max(ε₂, RMS(θ_{t-1}))
        scaled = scaled * scale
        alpha = lr * scale                               # α_t = α max(ε₂, RMS(θ_{t-1}))
    else:
        alpha = lr                                       # α_t = α
    decayed_m = np.asarray(momentum, state.m.dtype) * state.m     # β₁ m_{t-1} (in float32 if the state is)
    m = (1 - momentum) * scaled + np.asarray(decayed_m, scaled.dtype)     # m_t = (1-β₁) α_t Û_t + β₁ m_{t-1}
    delta = -(m + weight_decay * theta)                  # Δθ_t = -(m_t + λ θ_{t-1})
    m_state = m.astype(state.m.dtype)                    # stored in the momentum dtype
    return theta + delta, State(t, r, c, v, m_state), OptaxTrace(beta2_hat, v_hat, u, u_hat, alpha, m, delta)


def init(theta: np.ndarray, rule: str = "last", min_dim_size_to_factor: int = 0, batched: bool = False,
         momentum_dtype: Any = None) -> State:
    """Zero accumulators: ``r``, ``c`` for a factored parameter, else ``v``; ``m`` for optax's chain."""
    theta = np.asarray(theta)
    dtype = float_dtype(theta)
    lead = 1 if batched and theta.ndim > 0 else 0
    dims = factored_dims(theta.shape[lead:], rule, min_dim_size_to_factor)
    m = None if momentum_dtype is None else np.zeros(theta.shape, momentum_dtype)
    if dims is None:
        return State(0, None, None, np.zeros(theta.shape, dtype), m)
    d1, d0 = lead + dims[0], lead + dims[1]
    r_shape = tuple(1 if i == d0 else n for i, n in enumerate(theta.shape))
    c_shape = tuple(1 if i == d1 else n for i, n in enumerate(theta.shape))
    return State(0, np.zeros(r_shape, dtype), np.zeros(c_shape, dtype), None, m)


def pick_update(eps1_on: str, float32_means: bool, relative_step: bool) -> Update:
    """The update for these options (validated by :func:`adafactor`)."""
    if eps1_on == "v_hat":
        return Update.of(update_eps1_on_v_hat, EPS1_ON_V_HAT)
    if float32_means:
        return Update.of(update_float32_means, FLOAT32_MEANS)
    if not relative_step:
        return Update.of(update_optax, OPTAX)
    return Update.of(update, EQUATIONS)


def _batched(hp: dict) -> bool:
    """Whether some numeric hyperparameter is a (B,) array (a schedule: its value at step 0)."""
    for value in hp.values():
        if isinstance(value, (bool, np.bool_, str)) or value is None:
            continue
        if callable(value):
            value = value(0)
        if np.ndim(value) > 0:
            return True
    return False


@suggest_keywords
def adafactor(lr: Any = 1e-2, beta2_decay: Any = -0.8, eps1: Any = 1e-30, eps2: Any = 1e-3, clip_threshold: Any = 1.0,
              momentum: Any = 0.0, weight_decay: Any = 0.0, min_dim_size_to_factor: int = 0,
              eps1_on: str = "grad_squared", relative_step: bool = True, multiply_by_parameter_scale: bool = True,
              float32_means: bool = False, float32_decay_rate: bool = False, float32_momentum: bool = False,
              decay_offset: int = 0, maximize: bool = False) -> Optimizer:
    r"""Adafactor: factored second moments, a step relative to the parameter's size, clipped updates.

    Let :math:`\alpha` be the learning rate ``lr``, :math:`c` = ``beta2_decay``,
    :math:`\epsilon_1, \epsilon_2` = ``eps1``, ``eps2`` and :math:`d` = ``clip_threshold``; :math:`t`
    counts updates from 1. For a matrix :math:`G_t` (Algorithm 4; a vector keeps the full
    :math:`\hat V_t`, Algorithm 5):

    .. math::
        \hat\beta_{2t} &= 1 - t^{c} \\
        R_t &= \hat\beta_{2t} R_{t-1} + (1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{cols}}(G_t^2 + \epsilon_1), \qquad
        C_t = \hat\beta_{2t} C_{t-1} + (1-\hat\beta_{2t})\, \mathrm{mean}_{\mathrm{rows}}(G_t^2 + \epsilon_1) \\
        \hat V_t &= R_t C_t / \mathrm{mean}(R_t), \qquad U_t = G_t / \sqrt{\hat V_t}, \qquad
        \hat U_t = U_t / \max(1, \mathrm{RMS}(U_t)/d) \\
        \alpha_t &= \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\, \min(\alpha, 1/\sqrt t), \qquad
        \Delta\theta_t = -\alpha_t\, \hat U_t

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. With ``relative_step`` it caps :math:`\rho_t = \min(\alpha, 1/\sqrt t)`
        (the paper's :math:`\min(10^{-2}, 1/\sqrt t)`: default 1e-2, PyTorch's); without, it
        multiplies the update (optax). Keras's default is 1e-3.
    beta2_decay : float or (B,) array in (-inf, 0]
        :math:`c`, :math:`\hat\beta_{2t} = 1 - t^{c}`. Default -0.8 (the paper's, every framework;
        optax's ``decay_rate=0.8`` is :math:`-c`).
    eps1 : float or (B,) array in [0, inf)
        :math:`\epsilon_1`, added to :math:`G_t^2` (or, ``eps1_on='v_hat'``, a floor). Default 1e-30.
    eps2 : float or (B,) array in [0, inf)
        :math:`\epsilon_2`, the smallest parameter scale. Default 1e-3.
    clip_threshold : float or (B,) array in (0, inf]
        :math:`d`; ``inf`` never clips (optax ``clipping_threshold=None``). Default 1.
    momentum : float or (B,) array in [0, 1)
        :math:`\beta_1` of optax's momentum on the scaled update; needs ``relative_step=False``.
        Default 0 (none; the paper's Adafactor has none, nor PyTorch's or Keras's).
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Each variant applies it as its framework does (Notes); the paper's
        update takes the standard decoupled :math:`d_t = -\alpha\lambda\theta_{t-1}`. Default 0.
    min_dim_size_to_factor : int >= 0
        Factor only when the second-largest axis of the parameter has at least this many entries
        (optax: 128). Default 0: every matrix is factored (PyTorch, Keras).
    eps1_on : {'grad_squared', 'v_hat'}
        ``'grad_squared'`` (paper, Keras, optax): :math:`G_t^2 + \epsilon_1`. ``'v_hat'``
        (PyTorch): :math:`U_t = G_t/\sqrt{\max(\hat V_t, \epsilon_1^2)}` and
        :math:`\hat V_t = R_t C_t/\max(\mathrm{mean}(R_t), \epsilon_1)`; weight decay
        :math:`\theta(1 - \alpha\lambda)` applied after :math:`\alpha_t` is computed.
    relative_step : bool
        ``True`` (paper, PyTorch, Keras): :math:`\rho_t = \min(\alpha, 1/\sqrt t)`. ``False``
        (optax): :math:`\alpha` multiplies the clipped update, there is no :math:`1/\sqrt t`;
        this runs optax's chain (:func:`update_optax`), where :math:`\hat\beta_{2t}` uses
        ``decay_offset``, the two *largest* axes are factored, momentum and
        ``multiply_by_parameter_scale`` apply, and :math:`\lambda\theta_{t-1}` is added to the
        update unscaled.
    multiply_by_parameter_scale : bool
        Multiply by :math:`\max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))`. ``False`` needs
        ``relative_step=False`` (optax's option).
    float32_means : bool
        Keras 3 on the JAX backend: every mean of float64 input is computed in float32
        (:func:`mean_float32`), and weight decay :math:`\theta' = \theta - \theta\lambda\alpha`
        comes before the step, so :math:`\alpha_t` uses :math:`\mathrm{RMS}(\theta')`.
    float32_decay_rate, float32_momentum : bool
        optax: :math:`\hat\beta_{2t}` computed in float32 from an int32 count; the momentum kept in
        float32 (``dtype_momentum``), with :math:`\beta_1 m_{t-1}` a float32 product. Need
        ``relative_step=False``.
    decay_offset : int >= 0
        optax's :math:`t_0`: :math:`\hat\beta_{2t} = 1 - (t - t_0)^{c}`. Needs ``relative_step=False``.
    maximize : bool
        PyTorch: ascend, :math:`G_t = -g_t`. Needs ``eps1_on='v_hat'``.

    Notes
    -----
    Same name, different math. PyTorch ``Adafactor``: lr 1e-2 caps :math:`\rho_t`, :math:`\epsilon_1`
    floors :math:`\hat V_t` (default the dtype's machine epsilon), every tensor with two or more
    axes is factored over its last two, no momentum, ``d >= 1`` is enforced. Keras ``Adafactor``:
    :math:`\epsilon_1` added to :math:`G_t^2`, float32 means (about 1e-7 relative from a float64
    computation), ``relative_step`` changes nothing, no momentum. optax ``adafactor``: a matrix is
    factored only when its second-largest axis reaches ``min_dim_size_to_factor=128`` (no teaching
    matrix is), the learning rate multiplies, optional float32 momentum, the decay rate in float32,
    ``weight_decay_rate`` added after the parameter scale.

    Every framework takes the RMS of a ``(B, m, n)`` tensor over the whole tensor (one parameter);
    lrlessons makes each row its own run when a hyperparameter is a ``(B,)`` array (its own
    factoring, RMS and clipping), so a batched run equals B separate runs.

    References
    ----------
    N. Shazeer & M. Stern (2018). Adafactor: Adaptive Learning Rates with Sublinear Memory Cost.
    *ICML*, arXiv:1804.04235, Algorithms 4 and 5. PyTorch ``torch/optim/_adafactor.py``; Keras
    ``keras/src/optimizers/adafactor.py``; optax ``optax/_src/alias.py`` (``adafactor``) and
    ``optax/_src/factorized.py`` (``scale_by_factored_rms``).

    >>> opt = adafactor(lr=0.01)
    >>> theta = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> state = opt.init(theta)
    >>> state.r.shape, state.c.shape
    ((2, 1), (1, 2))
    >>> theta, state, tr = opt.step(theta, np.ones((2, 2)), state)
    >>> print(f"{float(tr.alpha.item()):.6f}")
    0.027386
    """
    owner = "adafactor"
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "beta2_decay", beta2_decay, None, 0, "right")
    check_interval(owner, "eps1", eps1, 0, None, "left")
    check_interval(owner, "eps2", eps2, 0, None, "left")
    check_interval(owner, "clip_threshold", clip_threshold, 0, np.inf, "right")
    check_interval(owner, "momentum", momentum, 0, 1, "left")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    check_integer(owner, "min_dim_size_to_factor", min_dim_size_to_factor, 0)
    check_integer(owner, "decay_offset", decay_offset, 0)
    check_choice(owner, "eps1_on", eps1_on, ("grad_squared", "v_hat"))
    flags = dict(relative_step=relative_step, multiply_by_parameter_scale=multiply_by_parameter_scale,
                 float32_means=float32_means, float32_decay_rate=float32_decay_rate,
                 float32_momentum=float32_momentum, maximize=maximize)
    for name, flag in flags.items():
        check_bool(owner, name, flag)
    optax_only = dict(momentum=is_active(momentum), multiply_by_parameter_scale=not multiply_by_parameter_scale,
                      float32_decay_rate=float32_decay_rate, float32_momentum=float32_momentum,
                      decay_offset=is_active(decay_offset))
    for name, used in optax_only.items():
        if used and relative_step:
            raise ValueError(f"The {name!r} parameter of {owner} is optax's and needs relative_step=False (optax's "
                             f"chain). Got {name}={locals()[name]!r} with relative_step=True instead.")
    others = dict(eps1_on=eps1_on != "grad_squared", float32_means=float32_means, relative_step=not relative_step)
    chosen = [name for name, used in others.items() if used]
    if len(chosen) > 1:
        raise ValueError(f"The {chosen[1]!r} parameter of {owner} cannot be combined with {chosen[0]!r}: each picks "
                         f"one framework's update (eps1_on='v_hat' PyTorch, float32_means Keras, relative_step=False "
                         f"optax). Got {chosen[0]} and {chosen[1]} set instead.")
    if maximize and eps1_on != "v_hat":
        raise ValueError(f"The 'maximize' parameter of {owner} is PyTorch's and needs eps1_on='v_hat'. "
                         f"Got maximize=True with eps1_on={eps1_on!r} instead.")
    hp = dict(lr=lr, beta2_decay=beta2_decay, eps1=eps1, eps2=eps2, clip_threshold=clip_threshold,
              momentum=momentum, weight_decay=weight_decay, min_dim_size_to_factor=min_dim_size_to_factor,
              eps1_on=eps1_on, decay_offset=decay_offset, **flags,
              decoupled_weight_decay=True)                 # (the paper's update: the standard decoupled decay)
    rule = "largest" if not relative_step else "last"
    momentum_dtype = None
    if not relative_step:
        momentum_dtype = np.float32 if float32_momentum else "theta"
    batched = _batched(hp)

    def make_state(theta):
        dtype = momentum_dtype if momentum_dtype != "theta" else float_dtype(theta)
        return init(theta, rule, int(min_dim_size_to_factor), batched, dtype)

    return Optimizer(owner, hp, pick_update(eps1_on, float32_means, relative_step), make_state)
