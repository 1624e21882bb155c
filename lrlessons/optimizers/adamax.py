r"""Adamax (Kingma & Ba 2015, §7.1): Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, suggest_keywords
from .base import (Optimizer, accepts_schedules, check_moments, is_active, power, trace,
                         weight_decay_lines, weight_decay_step, zeros_like_float)

__all__ = ["adamax", "update", "init", "equations", "State"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m`` the first moment, ``u`` the infinity norm."""

    count: int
    m: np.ndarray
    u: np.ndarray


def equations(weight_decay: Any = 0.0, decoupled_weight_decay: bool = False, eps_in_max: bool = True) -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    d = " + d_t" if is_active(weight_decay) and decoupled_weight_decay else ""
    if eps_in_max:
        u, den = r"u_t = \max(\beta_2 u_{t-1},\ |g_t| + \epsilon)", "u_t"
    else:
        u, den = r"u_t = \max(\beta_2 u_{t-1},\ |g_t|)", r"(u_t + \epsilon)"
    return (
        *weight_decay_lines(weight_decay, decoupled_weight_decay),
        ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
        ("u", u),
        ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
        ("delta", rf"\Delta\theta_t = -\alpha_t\, \hat m_t / {den}" + d),
    )


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, u=zeros)


def update(theta, grad, state, lr, beta1, beta2, eps, eps_in_max=True, weight_decay=0.0,
           decoupled_weight_decay=False):
    t = state.count + 1
    g, d, wd = weight_decay_step(theta, grad, lr, weight_decay, decoupled_weight_decay)  # g_t ← g_t + λθ  or  d_t = -αλθ
    m = beta1 * state.m + (1 - beta1) * g                # m_t = β₁ m_{t-1} + (1-β₁) g_t
    if eps_in_max:
        u = np.maximum(beta2 * state.u, np.abs(g) + eps)  # u_t = max(β₂ u_{t-1}, |g_t| + ε)
    else:
        u = np.maximum(beta2 * state.u, np.abs(g))       # u_t = max(β₂ u_{t-1}, |g_t|)
    m_hat = m / (1 - power(beta1, t))                    # m̂_t = m_t / (1-β₁ᵗ)
    delta = -lr * m_hat / (u if eps_in_max else u + eps)  # Δθ_t = -α m̂_t / u_t   (or / (u_t + ε))
    if d is not None:
        delta = delta + d                                # (+ d_t)
    return theta + delta, State(t, m, u), trace(**wd, m=m, u=u, m_hat=m_hat, delta=delta)


@suggest_keywords
@accepts_schedules
def adamax(lr: Any = 2e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8, weight_decay: Any = 0.0,
           decoupled_weight_decay: bool = False, eps_in_max: bool = True) -> Optimizer:
    r"""Adamax: divide by a decaying maximum of :math:`|g|` instead of a root mean square.

    Let :math:`\alpha_t` be the learning rate ``lr`` and :math:`\beta_1, \beta_2, \epsilon` the
    arguments ``beta1``, ``beta2``, ``eps``:

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \Delta\theta_t &= -\alpha_t\, \frac{m_t}{(1-\beta_1^t)\, u_t}

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 2e-3 (PyTorch, the paper); Keras 1e-3.
    beta1, beta2 : float or (B,) array in [0, 1)
        Defaults 0.9, 0.999.
    eps : float or (B,) array in (0, inf)
        Default 1e-8 (PyTorch, optax); Keras 1e-7. The paper has none.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    decoupled_weight_decay : bool
        ``False``: L2 (PyTorch). ``True``: Keras ``weight_decay``, :math:`d_t = -\alpha_t\lambda\theta_{t-1}`.
    eps_in_max : bool
        ``True`` (PyTorch, optax): ε inside the maximum. ``False`` (Keras):
        :math:`u_t = \max(\beta_2 u_{t-1}, |g_t|)` and :math:`\Delta\theta_t = -\alpha_t \hat m_t/(u_t + \epsilon)`.
        Negligible unless :math:`|g| \sim \epsilon`.

    References
    ----------
    D. P. Kingma & J. Ba (2015). Adam: A Method for Stochastic Optimization. *ICLR*,
    arXiv:1412.6980, §7.1, Algorithm 2.

    >>> opt = adamax(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.6f}")
    0.900000
    """
    owner = "adamax"
    check_moments(owner, lr, beta1, beta2, eps, weight_decay)
    check_bool(owner, "decoupled_weight_decay", decoupled_weight_decay)
    check_bool(owner, "eps_in_max", eps_in_max)
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
              decoupled_weight_decay=decoupled_weight_decay, eps_in_max=eps_in_max)
    return Optimizer(owner, hp, equations(weight_decay, decoupled_weight_decay, eps_in_max), init, update,
                     flags=("decoupled_weight_decay", "eps_in_max"))
