r"""Adamax (Kingma & Ba 2015, §7.1): Adam with the infinity norm in place of the second moment.

The canonical :func:`update` keeps ε inside the maximum (PyTorch ``Adamax``, optax ``adamax``;
the paper has no ε); :func:`update_eps_outside` adds it to the maximum (Keras ``Adamax``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, check_moments, trace_of, zeros_like_float

__all__ = ["adamax", "update", "update_eps_outside", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m`` the first moment, ``u`` the infinity norm."""

    count: int
    m: np.ndarray
    u: np.ndarray


# -- Kingma & Ba Algorithm 2, ε inside the maximum (PyTorch, optax) ----------------------------
EQUATIONS = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("u", r"u_t = \max(\beta_2 u_{t-1},\ |g_t| + \epsilon)"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / u_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    u = np.maximum(beta2 * state.u, np.abs(grad) + eps)  # u_t = max(β₂ u_{t-1}, |g_t| + ε)
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    delta = -lr * m_hat / u                              # Δθ_t = -α m̂_t / u_t
    return theta + delta, State(t, m, u), Trace(m, u, m_hat, delta)


# -- Keras: ε added to the maximum ------------------------------------------------------------------
EPS_OUTSIDE = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("u", r"u_t = \max(\beta_2 u_{t-1},\ |g_t|)"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (u_t + \epsilon)"),
)


def update_eps_outside(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    u = np.maximum(beta2 * state.u, np.abs(grad))        # u_t = max(β₂ u_{t-1}, |g_t|)
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    delta = -lr * m_hat / (u + eps)                      # Δθ_t = -α m̂_t / (u_t + ε)
    return theta + delta, State(t, m, u), Trace(m, u, m_hat, delta)


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, u=zeros)


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
    beta1 : float, (B,) array or schedule, in [0, 1)
        Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        Default 0.999.
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
    arXiv:1412.6980, §7.1, Algorithm 2. PyTorch ``torch/optim/adamax.py``; Keras
    ``keras/src/optimizers/adamax.py``.

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
    chosen = Update.of(update, EQUATIONS) if eps_in_max else Update.of(update_eps_outside, EPS_OUTSIDE)
    return Optimizer(owner, hp, chosen, init)
