r"""Gradient descent with momentum: heavy ball (Polyak 1964) and Nesterov (1983, Sutskever 2013).

The canonical :func:`update` keeps a buffer of gradients and multiplies the step by the
learning rate (PyTorch ``SGD``, TF1 ``MomentumOptimizer``, optax ``sgd``). The variants:

* :func:`update_nesterov`: Nesterov's look-ahead in the form every framework uses;
* :func:`update_velocity`, :func:`update_velocity_nesterov`: the learning rate inside the
  buffer, a velocity of steps (Keras ``SGD``; Sutskever et al. 2013);
* :func:`update_dampened`: PyTorch's ``dampening`` :math:`\tau`, whose first buffer is the
  raw gradient; :func:`update_dampened_from_zero` starts the buffer at zero instead;
  :func:`update_velocity_dampened` and :func:`update_velocity_dampened_from_zero` are the
  same with the learning rate inside the buffer.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, is_active, trace_of, zeros_like_float

__all__ = ["momentum", "update", "update_nesterov", "update_velocity", "update_velocity_nesterov",
           "update_dampened", "update_dampened_from_zero", "update_velocity_dampened",
           "update_velocity_dampened_from_zero", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``b`` the momentum buffer."""

    count: int
    b: np.ndarray


# -- heavy ball: the buffer holds gradients, the learning rate multiplies the step --------------
EQUATIONS = (
    ("b", r"b_t = \mu\, b_{t-1} + g_t"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, b_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, momentum):
    b = momentum * state.b + grad                        # b_t = μ b_{t-1} + g_t
    delta = -lr * b                                      # Δθ_t = -α_t b_t
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


NESTEROV = (
    ("b", r"b_t = \mu\, b_{t-1} + g_t"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, (g_t + \mu\, b_t)"),
)


def update_nesterov(theta, grad, state, lr, momentum):
    b = momentum * state.b + grad                        # b_t = μ b_{t-1} + g_t
    delta = -lr * (grad + momentum * b)                  # Δθ_t = -α_t (g_t + μ b_t)
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


# -- velocity: the learning rate inside the buffer (Keras SGD, whose velocity is -b) -----------
VELOCITY = (
    ("b", r"b_t = \mu\, b_{t-1} + \alpha_t\, g_t"),
    ("delta", r"\Delta\theta_t = -b_t"),
)


def update_velocity(theta, grad, state, lr, momentum):
    b = momentum * state.b + lr * grad                   # b_t = μ b_{t-1} + α_t g_t
    delta = -b                                           # Δθ_t = -b_t
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


VELOCITY_NESTEROV = (
    ("b", r"b_t = \mu\, b_{t-1} + \alpha_t\, g_t"),
    ("delta", r"\Delta\theta_t = -(\alpha_t\, g_t + \mu\, b_t)"),
)


def update_velocity_nesterov(theta, grad, state, lr, momentum):
    b = momentum * state.b + lr * grad                   # b_t = μ b_{t-1} + α_t g_t
    delta = -(lr * grad + momentum * b)                  # Δθ_t = -(α_t g_t + μ b_t)
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


# -- dampening (PyTorch): (1-τ) of the gradient enters the buffer ------------------------------
DAMPENED = (
    ("b", r"b_t = \mu\, b_{t-1} + (1-\tau)\, g_t \quad (b_1 = g_1)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, b_t"),
)


def update_dampened(theta, grad, state, lr, momentum, dampening):
    tau = dampening if state.count > 0 else 0.0          # PyTorch: the first buffer is g_1, undamped
    b = momentum * state.b + (1 - tau) * grad            # b_t = μ b_{t-1} + (1-τ) g_t
    delta = -lr * b                                      # Δθ_t = -α_t b_t
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


DAMPENED_FROM_ZERO = (
    ("b", r"b_t = \mu\, b_{t-1} + (1-\tau)\, g_t"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, b_t"),
)


def update_dampened_from_zero(theta, grad, state, lr, momentum, dampening):
    b = momentum * state.b + (1 - dampening) * grad      # b_t = μ b_{t-1} + (1-τ) g_t
    delta = -lr * b                                      # Δθ_t = -α_t b_t
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


VELOCITY_DAMPENED = (
    ("b", r"b_t = \mu\, b_{t-1} + (1-\tau)\, \alpha_t\, g_t \quad (b_1 = \alpha_1 g_1)"),
    ("delta", r"\Delta\theta_t = -b_t"),
)


def update_velocity_dampened(theta, grad, state, lr, momentum, dampening):
    tau = dampening if state.count > 0 else 0.0          # the first buffer is α_1 g_1, undamped
    b = momentum * state.b + (1 - tau) * (lr * grad)     # b_t = μ b_{t-1} + (1-τ) α_t g_t
    delta = -b                                           # Δθ_t = -b_t
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


VELOCITY_DAMPENED_FROM_ZERO = (
    ("b", r"b_t = \mu\, b_{t-1} + (1-\tau)\, \alpha_t\, g_t"),
    ("delta", r"\Delta\theta_t = -b_t"),
)


def update_velocity_dampened_from_zero(theta, grad, state, lr, momentum, dampening):
    b = momentum * state.b + (1 - dampening) * (lr * grad)  # b_t = μ b_{t-1} + (1-τ) α_t g_t
    delta = -b                                           # Δθ_t = -b_t
    return theta + delta, State(state.count + 1, b), Trace(b, delta)


def init(theta: np.ndarray) -> State:
    return State(count=0, b=zeros_like_float(theta))


def pick_update(nesterov: bool, lr_in_buffer: bool, dampened: bool, dampen_first: bool) -> Update:
    """The update for these options (``dampened``: some run has ``dampening > 0``)."""
    if dampened:                                         # (nesterov is refused with dampening)
        if lr_in_buffer:
            if dampen_first:
                return Update.of(update_velocity_dampened_from_zero, VELOCITY_DAMPENED_FROM_ZERO)
            return Update.of(update_velocity_dampened, VELOCITY_DAMPENED)
        if dampen_first:
            return Update.of(update_dampened_from_zero, DAMPENED_FROM_ZERO)
        return Update.of(update_dampened, DAMPENED)
    if lr_in_buffer:
        if nesterov:
            return Update.of(update_velocity_nesterov, VELOCITY_NESTEROV)
        return Update.of(update_velocity, VELOCITY)
    if nesterov:
        return Update.of(update_nesterov, NESTEROV)
    return Update.of(update, EQUATIONS)


@suggest_keywords
@accepts_schedules
def momentum(lr: Any = 1e-3, momentum: Any = 0.9, nesterov: bool = False, dampening: Any = 0.0,
             weight_decay: Any = 0.0, decoupled_weight_decay: bool = False, lr_in_buffer: bool = False,
             dampen_first: bool = False) -> Optimizer:
    r"""Gradient descent with a momentum buffer (heavy ball) or Nesterov's look-ahead.

    Let :math:`\alpha_t` be the learning rate ``lr`` at update :math:`t`, :math:`\mu` the
    ``momentum``, :math:`\tau` the ``dampening`` and :math:`\lambda` the ``weight_decay``.
    By default (PyTorch ``SGD``, TF1 ``MomentumOptimizer``, optax ``sgd``) the buffer holds
    gradients and the learning rate multiplies the step:

    .. math::
        b_t &= \mu\, b_{t-1} + g_t \\
        \Delta\theta_t &= -\alpha_t\, b_t \qquad\text{or, Nesterov,}\qquad
        \Delta\theta_t = -\alpha_t\, (g_t + \mu\, b_t)

    With ``lr_in_buffer=True`` (Keras ``SGD``) the buffer holds steps instead:
    :math:`b_t = \mu b_{t-1} + \alpha_t g_t`, :math:`\Delta\theta_t = -b_t` (Nesterov
    :math:`-(\alpha_t g_t + \mu b_t)`). With a constant learning rate and no dampening all four
    frameworks run the same heavy-ball iteration :math:`\theta_{t+1} = \theta_t - \alpha g_t +
    \mu(\theta_t - \theta_{t-1})`; when a schedule changes :math:`\alpha_t`, lr-inside keeps the
    old rates in the velocity while lr-outside rescales the whole buffer at once.

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3 (PyTorch ``SGD``).
    momentum : float, (B,) array or schedule, in [0, 1)
        :math:`\mu`. Default 0.9 (PyTorch's 0 would be plain :func:`sgd`).
    nesterov : bool
        Nesterov momentum in the Sutskever et al. (2013) form every framework uses.
        Requires ``momentum > 0`` and ``dampening == 0`` (PyTorch's rule).
    dampening : float or (B,) array in [0, 1]
        :math:`\tau` (PyTorch only): :math:`b_t = \mu b_{t-1} + (1-\tau) g_t`. Default 0.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    decoupled_weight_decay : bool
        ``False`` (PyTorch ``SGD``): L2, :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}` enters
        the buffer. ``True`` (Keras ``weight_decay``): :math:`d_t = -\alpha_t\lambda\theta_{t-1}`
        is added to the step, outside the buffer.
    lr_in_buffer : bool
        ``False``: PyTorch ``SGD``, TF1 ``MomentumOptimizer``, optax ``sgd``. ``True``: Keras
        ``SGD`` (velocity ``v = -b``).
    dampen_first : bool
        ``False`` (PyTorch): the first buffer is the raw gradient, :math:`b_1 = g_1`.
        ``True``: the buffer starts at zero, :math:`b_1 = (1-\tau) g_1`. Same unless
        ``dampening > 0``.

    References
    ----------
    B. T. Polyak (1964). Some methods of speeding up the convergence of iteration methods.
    *USSR Comput. Math. Math. Phys.* 4(5). Yu. Nesterov (1983). A method of solving a convex
    programming problem with convergence rate O(1/k²). *Soviet Math. Dokl.* 27.
    I. Sutskever, J. Martens, G. Dahl, G. Hinton (2013). On the importance of initialization and
    momentum in deep learning. *ICML*. PyTorch ``torch/optim/sgd.py`` (dampening, first buffer).

    >>> opt = momentum(lr=0.1, momentum=0.9)
    >>> theta, state = np.array([1.0]), opt.init(np.array([1.0]))
    >>> for _ in range(2):
    ...     theta, state, tr = opt.step(theta, np.array([1.0]), state)
    >>> print(f"{float(tr.b[0]):.2f} {theta[0]:.2f}")
    1.90 0.71
    """
    owner = "momentum"
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "momentum", momentum, 0, 1, "left")
    check_interval(owner, "dampening", dampening, 0, 1, "both")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    for name, flag in (("nesterov", nesterov), ("decoupled_weight_decay", decoupled_weight_decay),
                       ("lr_in_buffer", lr_in_buffer), ("dampen_first", dampen_first)):
        check_bool(owner, name, flag)
    if nesterov:
        check_interval(owner, "momentum", momentum, 0, 1, "neither")
        if is_active(dampening):
            raise ValueError(
                f"The 'dampening' parameter of {owner} must be 0 when nesterov=True (Nesterov momentum "
                f"has no dampening). Got {dampening!r} instead."
            )
    hp = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay,
              decoupled_weight_decay=decoupled_weight_decay, lr_in_buffer=lr_in_buffer, dampen_first=dampen_first)
    return Optimizer(owner, hp, pick_update(nesterov, lr_in_buffer, is_active(dampening), dampen_first), init)
