r"""Gradient descent with momentum: heavy ball (Polyak 1964) and Nesterov (1983, Sutskever 2013)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import (Optimizer, accepts_schedules, is_active, trace, weight_decay_lines, weight_decay_step,
                         zeros_like_float)

__all__ = ["momentum", "update", "init", "equations", "State"]


class State(NamedTuple):
    """``count`` = updates already applied; ``b`` the momentum buffer."""

    count: int
    b: np.ndarray


def equations(dampening: Any = 0.0, nesterov: bool = False, weight_decay: Any = 0.0,
              decoupled_weight_decay: bool = False, lr_in_buffer: bool = False, dampen_first: bool = False) -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    damp = r"(1-\tau)\, " if is_active(dampening) else ""
    a = r"\alpha_t\, " if lr_in_buffer else ""
    first = "" if dampen_first else rf"\quad (b_1 = {a}g_1)"
    d = " + d_t" if is_active(weight_decay) and decoupled_weight_decay else ""
    if lr_in_buffer:
        step = r"-(\alpha_t\, g_t + \mu\, b_t)" if nesterov else r"-b_t"
    else:
        step = r"-\alpha_t\, (g_t + \mu\, b_t)" if nesterov else r"-\alpha_t\, b_t"
    return (
        *weight_decay_lines(weight_decay, decoupled_weight_decay),
        ("b", rf"b_t = \mu\, b_{{t-1}} + {damp}{a}g_t" + first),
        ("delta", rf"\Delta\theta_t = {step}" + d),
    )


def init(theta: np.ndarray) -> State:
    return State(count=0, b=zeros_like_float(theta))


def update(theta, grad, state, lr, momentum, dampening, nesterov, weight_decay=0.0,
           decoupled_weight_decay=False, lr_in_buffer=False, dampen_first=False):
    g, d, wd = weight_decay_step(theta, grad, lr, weight_decay, decoupled_weight_decay)  # g_t ← g_t + λθ  or  d_t = -αλθ
    x = lr * g if lr_in_buffer else g                    # what enters the buffer: α_t g_t or g_t
    if state.count == 0 and not dampen_first:
        b = x                                            # b_1 = g_1 (PyTorch: no dampening at step 1)
    else:
        b = momentum * state.b + (1 - dampening) * x     # b_t = μ b_{t-1} + (1-τ) g_t
    if lr_in_buffer:
        delta = -(x + momentum * b) if nesterov else -b  # Δθ_t = -(α_t g_t + μ b_t)  or  -b_t
    else:
        delta = -lr * (g + momentum * b) if nesterov else -lr * b  # Δθ_t = -α_t (g_t + μ b_t)  or  -α_t b_t
    if d is not None:
        delta = delta + d                                #        (+ d_t)
    return theta + delta, State(state.count + 1, b), trace(**wd, b=b, delta=delta)


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
        b_t &= \mu\, b_{t-1} + (1-\tau)\, g_t \quad (b_1 = g_1) \\
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
    momentum : float or (B,) array in [0, 1)
        :math:`\mu`. Default 0.9 (PyTorch's 0 would be plain :func:`sgd`).
    nesterov : bool
        Nesterov momentum in the Sutskever et al. (2013) form every framework uses.
        Requires ``momentum > 0`` and ``dampening == 0`` (PyTorch's rule).
    dampening : float or (B,) array in [0, 1]
        :math:`\tau` (PyTorch only). Default 0.
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
    momentum in deep learning. *ICML*.

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
    return Optimizer(
        owner, hp,
        equations(dampening, nesterov, weight_decay, decoupled_weight_decay, lr_in_buffer, dampen_first),
        init, update,
        flags=("nesterov", "decoupled_weight_decay", "lr_in_buffer", "dampen_first"),
    )
