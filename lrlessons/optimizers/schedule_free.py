r"""Schedule-free SGD and AdamW (Defazio et al. 2024, "The Road Less Scheduled", Algorithm 1).

Schedule-free learning keeps three sequences. :math:`z` is the plain SGD (or Adam) iterate,
:math:`x` a running weighted average of :math:`z` (the point to evaluate: it plays the role a
decaying schedule plays elsewhere), and :math:`y` the point between them where the gradient is
taken. Let :math:`\alpha` be the learning rate ``lr``, :math:`\beta` the interpolation
(``momentum`` for SGD, ``beta1`` for AdamW), :math:`W` the ``warmup_steps``, :math:`r` and
:math:`p` the arguments ``r`` and ``weight_lr_power``, :math:`\lambda` the ``weight_decay``;
:math:`t` counts updates from 1. Algorithm 1, with the warmup and weighting of the paper's
package (``schedulefree``), is :func:`update`:

.. math::
    \gamma_t &= \alpha \min(1, t/W) \\
    c_{t+1} &= \frac{t^r\, (\max_{i \le t} \gamma_i)^p}{\sum_{j \le t} j^r\, (\max_{i \le j} \gamma_i)^p} \\
    x_t &= (y_t - (1-\beta)\, z_t)/\beta \\
    z_{t+1} &= z_t - \gamma_t\, (g_t + \lambda y_t) \\
    x_{t+1} &= (1-c_{t+1})\, x_t + c_{t+1}\, z_{t+1} \\
    y_{t+1} &= (1-\beta)\, z_{t+1} + \beta\, x_{t+1}

The parameters the optimizer holds (:math:`\theta`) are :math:`y`, where the gradient is
taken, as in every framework; the state keeps :math:`z`, :math:`\beta` and what the average
needs, and :func:`schedule_free_eval_params` returns :math:`x`. :func:`update_adamw` replaces
:math:`g_t` by Adam's normalised step :math:`g_t/(\sqrt{\hat v_t}+\epsilon)` (no first moment:
the averaging is the momentum).

The frameworks differ (``convention``), each written out as its own update:

* ``"schedulefree"`` (:func:`update`, :func:`update_adamw`): the paper's package.
* ``"optax"`` (:func:`update_optax`, :func:`update_adamw_optax`): the z-step warms up as
  :math:`\alpha\min(1, (t-1)/W)` (its first rate is 0), the averaging weight as
  :math:`\alpha\min(1, t/W)`, both computed in float32; :math:`\theta_{t+1} = \theta_t + (y_{t+1} - y_t)`.
* ``"keras"`` (:func:`update_adamw_keras`): :math:`y` decays by :math:`\alpha\lambda y` before
  the step and :math:`\lambda` never enters :math:`z`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_choice, check_integer, check_interval, suggest_keywords
from .base import Optimizer, Update, full_like_float, trace_of, zeros_like_float

__all__ = ["schedule_free_sgd", "schedule_free_adamw", "schedule_free_eval_params", "update", "update_adamw",
           "update_optax", "update_adamw_optax", "update_adamw_keras", "optax_warmup_rate", "init", "State",
           "EQUATIONS", "ADAMW", "OPTAX", "ADAMW_OPTAX", "ADAMW_KERAS", "CONVENTIONS"]

#: The frameworks' schedule-free conventions (the ``convention`` keyword).
CONVENTIONS = ("schedulefree", "optax", "keras")


class State(NamedTuple):
    """``count`` = updates already applied; ``z`` the SGD/Adam iterate; ``v`` Adam's second moment
    (``None`` for SGD); ``beta`` the interpolation :math:`\\beta` (for :func:`schedule_free_eval_params`);
    ``weight_sum`` :math:`\\sum_i w_i`; ``lr_max`` :math:`\\max_i \\gamma_i`. The last three hold one
    value per run, spread to θ's shape."""

    count: int
    z: np.ndarray
    v: np.ndarray | None
    beta: np.ndarray
    weight_sum: np.ndarray
    lr_max: np.ndarray


def warmup_factor(t, warmup_steps):
    """:math:`\\min(1, t/W)`, 1 without warmup (``W = 0``)."""
    return min(t / warmup_steps, 1.0) if warmup_steps > 0 else 1.0


def optax_warmup_rate(lr, count, warmup_steps):
    r"""optax's ``warmup_constant_schedule(0, lr, W)`` at an int32 ``count``: float32 arithmetic.

    :math:`\mathrm{fl32}(-\alpha\,(1 - \min(\mathrm{count}, W)/W) + \alpha)`, every operation
    rounded to float32 as jax computes it (``optax/schedules/_schedule.py``,
    ``linear_schedule``), returned as float32 (exact in float64 arithmetic, and float32
    parameters stay float32); ``lr`` unchanged without warmup (``W = 0``).

    >>> float(optax_warmup_rate(0.02, 20, 20))
    0.019999999552965164
    """
    if not warmup_steps > 0:
        return lr
    peak = np.asarray(lr, dtype=np.float32)
    frac = np.float32(1) - np.float32(min(count, warmup_steps)) / np.float32(warmup_steps)
    return (-peak) * frac + peak


# -- Algorithm 1, SGD, the paper's package (schedulefree.SGDScheduleFree) ------------------------
AVERAGING = (
    ("gamma", r"\gamma_t = \alpha_t \min(1, t/W)"),
    ("lr_max", r"\gamma^{\max}_t = \max(\gamma^{\max}_{t-1}, \gamma_t)"),
    ("weight", r"w_t = t^r\, (\gamma^{\max}_t)^p"),
    ("weight_sum", r"S_t = S_{t-1} + w_t"),
    ("c", r"c_{t+1} = w_t / S_t"),
)
INTERPOLATION = (
    ("x", r"x_t = (y_t - (1-\beta)\, z_t)/\beta"),
    ("z", r"z_{t+1} = z_t - \gamma_t\, g_t"),
    ("x_next", r"x_{t+1} = (1-c_{t+1})\, x_t + c_{t+1}\, z_{t+1}"),
    ("y", r"y_{t+1} = (1-\beta)\, z_{t+1} + \beta\, x_{t+1}"),
    ("delta", r"\Delta\theta_t = y_{t+1} - y_t"),
)
EQUATIONS = (
    *AVERAGING,
    ("g", r"g_t \leftarrow g_t + \lambda\, y_t"),
    *INTERPOLATION,
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, momentum, weight_decay, warmup_steps, r, weight_lr_power):
    t, y, beta = state.count + 1, theta, momentum
    gamma = lr * warmup_factor(t, warmup_steps)          # γ_t = α min(1, t/W)
    lr_max = np.maximum(state.lr_max, gamma)             # γ^max_t = max(γ^max_{t-1}, γ_t)
    weight = t**r * lr_max**weight_lr_power              # w_t = t^r (γ^max_t)^p
    weight_sum = state.weight_sum + weight               # S_t = S_{t-1} + w_t
    c = weight / np.where(weight_sum > 0, weight_sum, np.inf)  # c_{t+1} = w_t / S_t (0 while S_t = 0)
    g = grad + weight_decay * y                          # g_t ← g_t + λ y_t
    x = (y - (1 - beta) * state.z) / beta                # x_t = (y_t − (1−β) z_t)/β
    z = state.z - gamma * g                              # z_{t+1} = z_t − γ_t g_t
    x_next = (1 - c) * x + c * z                         # x_{t+1} = (1−c) x_t + c z_{t+1}
    y_next = (1 - beta) * z + beta * x_next              # y_{t+1} = (1−β) z_{t+1} + β x_{t+1}
    delta = y_next - y                                   # Δθ_t = y_{t+1} − y_t
    new = State(t, z, None, state.beta, weight_sum, lr_max)
    return y_next, new, Trace(gamma, lr_max, weight, weight_sum, c, g, x, z, x_next, y_next, delta)


# -- AdamW, the paper's package (schedulefree.AdamWScheduleFree) ---------------------------------
ADAM_STEP = (
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
)
ADAMW = (
    *AVERAGING,
    *ADAM_STEP,
    ("g", r"g_t \leftarrow g_t / (\sqrt{\hat v_t} + \epsilon) + \lambda\, y_t"),
    *INTERPOLATION,
)
AdamwTrace = trace_of(ADAMW)


def update_adamw(theta, grad, state, lr, beta1, beta2, eps, weight_decay, warmup_steps, r, weight_lr_power):
    t, y, beta = state.count + 1, theta, beta1
    gamma = lr * warmup_factor(t, warmup_steps)          # γ_t = α min(1, t/W)
    lr_max = np.maximum(state.lr_max, gamma)             # γ^max_t = max(γ^max_{t-1}, γ_t)
    weight = t**r * lr_max**weight_lr_power              # w_t = t^r (γ^max_t)^p
    weight_sum = state.weight_sum + weight               # S_t = S_{t-1} + w_t
    c = weight / np.where(weight_sum > 0, weight_sum, np.inf)  # c_{t+1} = w_t / S_t (0 while S_t = 0)
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1−β₂) g_t²
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1−β₂ᵗ)
    g = grad / (np.sqrt(v_hat) + eps) + weight_decay * y  # g_t ← g_t/(√v̂_t + ε) + λ y_t
    x = (y - (1 - beta) * state.z) / beta                # x_t = (y_t − (1−β) z_t)/β
    z = state.z - gamma * g                              # z_{t+1} = z_t − γ_t g_t
    x_next = (1 - c) * x + c * z                         # x_{t+1} = (1−c) x_t + c z_{t+1}
    y_next = (1 - beta) * z + beta * x_next              # y_{t+1} = (1−β) z_{t+1} + β x_{t+1}
    delta = y_next - y                                   # Δθ_t = y_{t+1} − y_t
    new = State(t, z, v, state.beta, weight_sum, lr_max)
    return y_next, new, AdamwTrace(gamma, lr_max, weight, weight_sum, c, v, v_hat, g, x, z, x_next, y_next, delta)


# -- optax.contrib.schedule_free_sgd: two float32 warmup rates, θ + Δθ ----------------------------
OPTAX_AVERAGING = (
    ("gamma", r"\gamma_t = \mathrm{fl32}(\alpha_t \min(1, (t-1)/W))"),
    ("gamma_avg", r"\gamma'_t = \mathrm{fl32}(\alpha_t \min(1, t/W))"),
    ("lr_max", r"\gamma^{\max}_t = \max(\gamma^{\max}_{t-1}, \gamma'_t)"),
    ("weight", r"w_t = t^r\, (\gamma^{\max}_t)^p"),
    ("weight_sum", r"S_t = S_{t-1} + w_t"),
    ("c", r"c_{t+1} = w_t / S_t"),
)
OPTAX_INTERPOLATION = (
    *INTERPOLATION[:-1],
    ("delta", r"\Delta\theta_t = y_{t+1} - y_t, \quad \theta_{t+1} = \theta_t + \Delta\theta_t"),
)
OPTAX = (
    *OPTAX_AVERAGING,
    ("g", r"g_t \leftarrow g_t + \lambda\, y_t"),
    *OPTAX_INTERPOLATION,
)
OptaxTrace = trace_of(OPTAX)


def update_optax(theta, grad, state, lr, momentum, weight_decay, warmup_steps, r, weight_lr_power):
    t, y, beta = state.count + 1, theta, momentum
    gamma = optax_warmup_rate(lr, t - 1, warmup_steps)   # γ_t = fl32(α min(1, (t−1)/W)): the z-step
    gamma_avg = optax_warmup_rate(lr, t, warmup_steps)   # γ'_t = fl32(α min(1, t/W)): the averaging
    lr_max = np.maximum(state.lr_max, gamma_avg)         # γ^max_t = max(γ^max_{t-1}, γ'_t)
    weight = t**r * lr_max**weight_lr_power              # w_t = t^r (γ^max_t)^p
    weight_sum = state.weight_sum + weight               # S_t = S_{t-1} + w_t
    c = weight / np.where(weight_sum > 0, weight_sum, np.inf)  # c_{t+1} = w_t / S_t (0 while S_t = 0)
    g = grad + weight_decay * y                          # g_t ← g_t + λ y_t
    x = (y - (1 - beta) * state.z) / beta                # x_t = (y_t − (1−β) z_t)/β
    z = state.z - gamma * g                              # z_{t+1} = z_t − γ_t g_t
    x_next = (1 - c) * x + c * z                         # x_{t+1} = (1−c) x_t + c z_{t+1}
    y_next = (1 - beta) * z + beta * x_next              # y_{t+1} = (1−β) z_{t+1} + β x_{t+1}
    delta = y_next - y                                   # Δθ_t = y_{t+1} − y_t
    new = State(t, z, None, state.beta, weight_sum, lr_max)
    tr = OptaxTrace(gamma, gamma_avg, lr_max, weight, weight_sum, c, g, x, z, x_next, y_next, delta)
    return theta + delta, new, tr                        # θ_{t+1} = θ_t + Δθ_t (optax.apply_updates)


# -- optax.contrib.schedule_free_adamw -----------------------------------------------------------
ADAMW_OPTAX = (
    *OPTAX_AVERAGING,
    *ADAM_STEP,
    ("g", r"g_t \leftarrow g_t / (\sqrt{\hat v_t} + \epsilon) + \lambda\, y_t"),
    *OPTAX_INTERPOLATION,
)
AdamwOptaxTrace = trace_of(ADAMW_OPTAX)


def update_adamw_optax(theta, grad, state, lr, beta1, beta2, eps, weight_decay, warmup_steps, r, weight_lr_power):
    t, y, beta = state.count + 1, theta, beta1
    gamma = optax_warmup_rate(lr, t - 1, warmup_steps)   # γ_t = fl32(α min(1, (t−1)/W)): the z-step
    gamma_avg = optax_warmup_rate(lr, t, warmup_steps)   # γ'_t = fl32(α min(1, t/W)): the averaging
    lr_max = np.maximum(state.lr_max, gamma_avg)         # γ^max_t = max(γ^max_{t-1}, γ'_t)
    weight = t**r * lr_max**weight_lr_power              # w_t = t^r (γ^max_t)^p
    weight_sum = state.weight_sum + weight               # S_t = S_{t-1} + w_t
    c = weight / np.where(weight_sum > 0, weight_sum, np.inf)  # c_{t+1} = w_t / S_t (0 while S_t = 0)
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1−β₂) g_t²
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1−β₂ᵗ)
    g = grad / (np.sqrt(v_hat) + eps) + weight_decay * y  # g_t ← g_t/(√v̂_t + ε) + λ y_t
    x = (y - (1 - beta) * state.z) / beta                # x_t = (y_t − (1−β) z_t)/β
    z = state.z - gamma * g                              # z_{t+1} = z_t − γ_t g_t
    x_next = (1 - c) * x + c * z                         # x_{t+1} = (1−c) x_t + c z_{t+1}
    y_next = (1 - beta) * z + beta * x_next              # y_{t+1} = (1−β) z_{t+1} + β x_{t+1}
    delta = y_next - y                                   # Δθ_t = y_{t+1} − y_t
    new = State(t, z, v, state.beta, weight_sum, lr_max)
    tr = AdamwOptaxTrace(gamma, gamma_avg, lr_max, weight, weight_sum, c, v, v_hat, g, x, z, x_next, y_next, delta)
    return theta + delta, new, tr                        # θ_{t+1} = θ_t + Δθ_t (optax.apply_updates)


# -- keras.optimizers.ScheduleFreeAdamW: y decays before the step, λ never enters z ---------------
ADAMW_KERAS = (
    ("y_decayed", r"y_t \leftarrow y_t - \alpha\lambda\, y_t"),
    *AVERAGING,
    *ADAM_STEP,
    ("g", r"g_t \leftarrow g_t / (\sqrt{\hat v_t} + \epsilon)"),
    *INTERPOLATION[:-1],
    ("delta", r"\Delta\theta_t = y_{t+1} - \theta_t"),
)
AdamwKerasTrace = trace_of(ADAMW_KERAS)


def update_adamw_keras(theta, grad, state, lr, beta1, beta2, eps, weight_decay, warmup_steps, r, weight_lr_power):
    t, beta = state.count + 1, beta1
    y = theta - theta * weight_decay * lr                # y_t ← y_t − α λ y_t (base α, before the step)
    gamma = lr * warmup_factor(t, warmup_steps)          # γ_t = α min(1, t/W)
    lr_max = np.maximum(state.lr_max, gamma)             # γ^max_t = max(γ^max_{t-1}, γ_t)
    weight = t**r * lr_max**weight_lr_power              # w_t = t^r (γ^max_t)^p  (Keras: r = p = 0, w_t = 1)
    weight_sum = state.weight_sum + weight               # S_t = S_{t-1} + w_t
    c = weight / np.where(weight_sum > 0, weight_sum, np.inf)  # c_{t+1} = w_t / S_t (Keras: 1/t)
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1−β₂) g_t²
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1−β₂ᵗ)
    g = grad / (np.sqrt(v_hat) + eps)                    # g_t ← g_t/(√v̂_t + ε)
    x = (y - (1 - beta) * state.z) / beta                # x_t = (y_t − (1−β) z_t)/β, from the decayed y
    z = state.z - gamma * g                              # z_{t+1} = z_t − γ_t g_t
    x_next = (1 - c) * x + c * z                         # x_{t+1} = (1−c) x_t + c z_{t+1}
    y_next = (1 - beta) * z + beta * x_next              # y_{t+1} = (1−β) z_{t+1} + β x_{t+1}
    delta = y_next - theta                               # Δθ_t = y_{t+1} − θ_t
    new = State(t, z, v, state.beta, weight_sum, lr_max)
    return y_next, new, AdamwKerasTrace(y, gamma, lr_max, weight, weight_sum, c, v, v_hat, g, x, z, x_next,
                                        y_next, delta)


def init(theta: np.ndarray, beta: Any, adam: bool) -> State:
    """:math:`z_1 = y_1 = x_1 = \\theta_0`; ``v`` = 0 (AdamW); no average yet."""
    zeros = zeros_like_float(theta)
    return State(count=0, z=np.array(theta, dtype=zeros.dtype), v=zeros if adam else None,
                 beta=full_like_float(theta, beta), weight_sum=zeros, lr_max=zeros)


def schedule_free_eval_params(state: Any, theta: Any) -> np.ndarray:
    r"""The averaged point :math:`x` where a schedule-free run is evaluated, from ``theta`` (:math:`y`) and the state.

    .. math::
        x_t = (y_t - (1-\beta)\, z_t)/\beta

    Every convention keeps :math:`y` and :math:`z` and recovers :math:`x` this way, which is
    optax's ``optax.contrib.schedule_free_eval_params`` (``(y - (1 - b1)·z)/b1``); the paper's
    package computes the same point as ``torch.lerp(y, z, 1 - 1/β)`` in ``optimizer.eval()``
    (equal up to rounding). Keras has no evaluation API: on a Keras state this is an lrlessons
    extension.

    Parameters
    ----------
    state : State
        A state of :func:`schedule_free_sgd` or :func:`schedule_free_adamw` (or a framework's
        schedule-free optimizer), as ``init`` or ``step`` returned it.
    theta : array, shape of ``state.z``
        The parameters :math:`y` the optimizer holds (``Trajectory.theta_last`` after a run).

    Returns
    -------
    ndarray
        :math:`x`, theta's shape.

    >>> opt = schedule_free_sgd(lr=0.1)
    >>> theta = np.array([1.0])
    >>> theta, state, _ = opt.step(theta, np.array([1.0]), opt.init(theta))
    >>> print(f"{theta[0]:.2f} {schedule_free_eval_params(state, theta)[0]:.2f}")
    0.90 0.90
    """
    if not isinstance(state, State):
        got = f"a {type(state).__name__}" if hasattr(state, "_fields") else repr(state)[:60]
        raise TypeError("The 'state' argument of schedule_free_eval_params must be a schedule-free optimizer's "
                        f"state (lrlessons.optimizers.schedule_free.State). Got {got} instead.")
    y = np.asarray(theta)
    if y.shape != state.z.shape:
        raise ValueError(f"The 'theta' argument of schedule_free_eval_params must have the shape of the state's "
                         f"z {state.z.shape}. Got shape {y.shape} instead.")
    return (y - (1 - state.beta) * state.z) / state.beta   # x_t = (y_t − (1−β) z_t)/β


def _check_common(owner, lr, beta_name, beta, weight_decay, warmup_steps, r, weight_lr_power, convention):
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, beta_name, beta, 0, 1, "right")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    check_integer(owner, "warmup_steps", warmup_steps, 0)
    if np.ndim(warmup_steps) != 0:
        raise ValueError(f"The 'warmup_steps' parameter of {owner} must be one integer for all runs. "
                         f"Got {warmup_steps!r} instead.")
    check_interval(owner, "r", r, 0, None, "left")
    check_interval(owner, "weight_lr_power", weight_lr_power, 0, None, "left")
    check_choice(owner, "convention", convention, CONVENTIONS)


@suggest_keywords
def schedule_free_sgd(lr: Any = 1.0, momentum: Any = 0.9, weight_decay: Any = 0.0, warmup_steps: int = 0,
                      r: Any = 0.0, weight_lr_power: Any = 2.0, convention: str = "schedulefree") -> Optimizer:
    r"""Schedule-free SGD: no decay schedule, the evaluation point is a weighted average of the iterates.

    Let :math:`\alpha` be the learning rate ``lr``, :math:`\beta` the ``momentum``,
    :math:`\lambda` the ``weight_decay``, :math:`W` the ``warmup_steps``, :math:`r` and :math:`p`
    the arguments ``r`` and ``weight_lr_power``; :math:`t` counts updates from 1 and
    :math:`\theta = y`.

    .. math::
        \gamma_t &= \alpha \min(1, t/W), \qquad w_t = t^r\, (\max_{i \le t}\gamma_i)^p,
            \qquad c_{t+1} = w_t / \textstyle\sum_{j \le t} w_j \\
        x_t &= (y_t - (1-\beta)\, z_t)/\beta \\
        z_{t+1} &= z_t - \gamma_t\, (g_t + \lambda y_t) \\
        x_{t+1} &= (1-c_{t+1})\, x_t + c_{t+1}\, z_{t+1} \\
        y_{t+1} &= (1-\beta)\, z_{t+1} + \beta\, x_{t+1}

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1.0 (``schedulefree.SGDScheduleFree``, optax ``schedule_free_sgd``).
    momentum : float or (B,) array in (0, 1]
        :math:`\beta`, the interpolation between :math:`z` and :math:`x`. Default 0.9.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`, added to the gradient at :math:`y` (into :math:`z` and :math:`y`). Default 0.
    warmup_steps : int >= 0
        :math:`W`, a linear warmup of the rate; 0 = none. Default 0.
    r : float or (B,) array in [0, inf)
        :math:`r`, the power of :math:`t` in the averaging weight. Default 0.
    weight_lr_power : float or (B,) array in [0, inf)
        :math:`p`, the power of the largest rate so far in the averaging weight. Default 2.
        With :math:`r = p = 0` the average is uniform, :math:`c_{t+1} = 1/t`.
    convention : {'schedulefree', 'optax'}
        ``'schedulefree'`` (the paper's package): :func:`update`. ``'optax'``
        (``optax.contrib.schedule_free_sgd``): :func:`update_optax`, the z-step rate
        :math:`\mathrm{fl32}(\alpha\min(1, (t-1)/W))` (0 at the first update), the averaging rate
        :math:`\mathrm{fl32}(\alpha\min(1, t/W))`, :math:`\theta_{t+1} = \theta_t + (y_{t+1} - y_t)`.

    Notes
    -----
    :math:`x` is never stored: :func:`schedule_free_eval_params` recovers it from :math:`y`
    and the state's :math:`z`. The largest rate so far starts at 0 (the package starts at −1;
    equal for rates >= 0), and :math:`c_{t+1} = 0` while every weight is 0 (both frameworks).
    optax has no :math:`r` (``r=0``).

    References
    ----------
    A. Defazio, X. Yang, H. Mehta, K. Mishchenko, A. Khaled, A. Cutkosky (2024). The Road Less
    Scheduled. *NeurIPS*, arXiv:2405.15682, Algorithm 1. facebookresearch/schedule_free
    ``schedulefree/sgd_schedulefree.py``; optax ``optax/contrib/_schedule_free.py``.

    >>> opt = schedule_free_sgd(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.2f} {float(tr.c[0]):.1f}")
    0.80 1.0
    """
    owner = "schedule_free_sgd"
    _check_common(owner, lr, "momentum", momentum, weight_decay, warmup_steps, r, weight_lr_power, convention)
    if convention == "keras":
        raise ValueError(f"The 'convention' parameter of {owner} must be 'schedulefree' or 'optax' (Keras has no "
                         f"schedule-free SGD). Got 'keras' instead.")
    hp = dict(lr=lr, momentum=momentum, weight_decay=weight_decay, warmup_steps=warmup_steps, r=r,
              weight_lr_power=weight_lr_power, convention=convention)
    run = Update.of(update_optax, OPTAX) if convention == "optax" else Update.of(update, EQUATIONS)
    return Optimizer(owner, hp, run, lambda theta: init(theta, momentum, adam=False))


@suggest_keywords
def schedule_free_adamw(lr: Any = 0.0025, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8,
                        weight_decay: Any = 0.0, warmup_steps: int = 0, r: Any = 0.0, weight_lr_power: Any = 2.0,
                        convention: str = "schedulefree") -> Optimizer:
    r"""Schedule-free AdamW: schedule-free averaging around Adam's normalised step.

    Let :math:`\alpha` be the learning rate ``lr``, :math:`\beta` the ``beta1``,
    :math:`\beta_2, \epsilon, \lambda` the arguments ``beta2``, ``eps``, ``weight_decay``,
    :math:`W` the ``warmup_steps``, :math:`r` and :math:`p` the arguments ``r`` and
    ``weight_lr_power``; :math:`t` counts updates from 1 and :math:`\theta = y`.

    .. math::
        \gamma_t &= \alpha \min(1, t/W), \qquad w_t = t^r\, (\max_{i \le t}\gamma_i)^p,
            \qquad c_{t+1} = w_t / \textstyle\sum_{j \le t} w_j \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \qquad \hat v_t = v_t/(1-\beta_2^t) \\
        x_t &= (y_t - (1-\beta)\, z_t)/\beta \\
        z_{t+1} &= z_t - \gamma_t\, \big(g_t/(\sqrt{\hat v_t}+\epsilon) + \lambda y_t\big) \\
        x_{t+1} &= (1-c_{t+1})\, x_t + c_{t+1}\, z_{t+1} \\
        y_{t+1} &= (1-\beta)\, z_{t+1} + \beta\, x_{t+1}

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 0.0025 (every framework).
    beta1 : float or (B,) array in (0, 1]
        :math:`\beta`, the interpolation (there is no first moment). Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        :math:`\beta_2`. Default 0.999.
    eps : float or (B,) array in (0, inf)
        :math:`\epsilon`, outside the root. Default 1e-8.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`, added after the normalisation at :math:`y` (Keras: see ``convention``). Default 0.
    warmup_steps : int >= 0
        :math:`W`, a linear warmup of the rate; 0 = none. Default 0.
    r : float or (B,) array in [0, inf)
        :math:`r`, the power of :math:`t` in the averaging weight. Default 0.
    weight_lr_power : float or (B,) array in [0, inf)
        :math:`p`, the power of the largest rate so far. Default 2. :math:`r = p = 0` is
        uniform averaging, :math:`c_{t+1} = 1/t` (Keras).
    convention : {'schedulefree', 'optax', 'keras'}
        ``'schedulefree'`` (``schedulefree.AdamWScheduleFree``): :func:`update_adamw`.
        ``'optax'`` (``optax.contrib.schedule_free_adamw``): :func:`update_adamw_optax`, the
        float32 rates :math:`\alpha\min(1, (t-1)/W)` (z-step) and :math:`\alpha\min(1, t/W)`
        (averaging) and :math:`\theta_{t+1} = \theta_t + (y_{t+1} - y_t)`. ``'keras'``
        (``keras.optimizers.ScheduleFreeAdamW``): :func:`update_adamw_keras`,
        :math:`y_t \leftarrow y_t - \alpha\lambda y_t` with the un-warmed :math:`\alpha` before
        the step, no :math:`\lambda` in :math:`z`.

    Notes
    -----
    :math:`\hat v_t` is bias-corrected, the step has no first moment: the interpolation is the
    momentum. :func:`schedule_free_eval_params` returns :math:`x`.

    References
    ----------
    A. Defazio et al. (2024). The Road Less Scheduled. *NeurIPS*, arXiv:2405.15682, Algorithm 1
    (Appendix: AdamW). facebookresearch/schedule_free ``schedulefree/adamw_schedulefree.py``;
    optax ``optax/contrib/_schedule_free.py``; Keras ``keras/src/optimizers/schedule_free_adamw.py``.

    >>> opt = schedule_free_adamw(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.4f}")
    0.9000
    """
    owner = "schedule_free_adamw"
    _check_common(owner, lr, "beta1", beta1, weight_decay, warmup_steps, r, weight_lr_power, convention)
    check_interval(owner, "beta2", beta2, 0, 1, "left")
    check_interval(owner, "eps", eps, 0, None, "neither")
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, warmup_steps=warmup_steps, r=r,
              weight_lr_power=weight_lr_power, convention=convention)
    run = {"schedulefree": Update.of(update_adamw, ADAMW), "optax": Update.of(update_adamw_optax, ADAMW_OPTAX),
           "keras": Update.of(update_adamw_keras, ADAMW_KERAS)}[convention]
    return Optimizer(owner, hp, run, lambda theta: init(theta, beta1, adam=True))
