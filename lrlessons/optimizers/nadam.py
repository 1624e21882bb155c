r"""NAdam (Dozat 2016): Adam with a Nesterov look-ahead in the first moment.

The canonical :func:`update` is Dozat's algorithm with its momentum schedule
:math:`\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t\psi})` (PyTorch ``NAdam`` with
:math:`\psi = 0.004`, Keras ``Nadam`` with :math:`\psi = 1`). The variants:
:func:`update_constant_momentum` (optax ``nadam``, i.e. ``adam(nesterov=True)``:
:math:`\mu_t = \beta_1`, with optax's :math:`\epsilon_{root}`) and :func:`update_eps_root`
(Dozat's schedule with :math:`\epsilon_{root}`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_choice, check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, check_moments, is_active, trace_of, zeros_like_float

__all__ = ["nadam", "update", "update_eps_root", "update_constant_momentum", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates applied; ``m``, ``v`` the moments; ``mu_product`` :math:`\\Pi_t` (Dozat schedule only)."""

    count: int
    m: np.ndarray
    v: np.ndarray
    mu_product: np.ndarray | None = None


# -- Dozat's schedule (PyTorch, Keras) -------------------------------------------------------------
EQUATIONS = (
    ("mu", r"\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t\psi})"),
    ("mu_next", r"\mu_{t+1} = \beta_1 (1 - \tfrac12\, 0.96^{(t+1)\psi})"),
    ("mu_product", r"\Pi_t = \Pi_{t-1}\, \mu_t"),
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("m_hat", r"\hat m_t = \mu_{t+1} m_t / (1 - \Pi_t \mu_{t+1}) + (1-\mu_t)\, g_t / (1 - \Pi_t)"),
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, beta1, beta2, eps, momentum_decay):
    t = state.count + 1
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))             # μ_t = β₁ (1 - ½ 0.96^{tψ})
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))  # μ_{t+1} = β₁ (1 - ½ 0.96^{(t+1)ψ})
    mu_product = state.mu_product * mu                   # Π_t = Π_{t-1} μ_t
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    # m̂_t = μ_{t+1} m_t / (1 - Π_t μ_{t+1}) + (1-μ_t) g_t / (1 - Π_t)
    m_hat = mu_next * m / (1 - mu_product * mu_next) + (1 - mu) * grad / (1 - mu_product)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat) + eps)         # Δθ_t = -α m̂_t / (√v̂_t + ε)
    return (theta + delta, State(t, m, v, mu_product),
            Trace(mu, mu_next, mu_product, m, v, m_hat, v_hat, delta))


EPS_ROOT = (
    *EQUATIONS[:-1],
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t + \epsilon_{root}} + \epsilon)"),
)


def update_eps_root(theta, grad, state, lr, beta1, beta2, eps, momentum_decay, eps_root):
    t = state.count + 1
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))             # μ_t = β₁ (1 - ½ 0.96^{tψ})
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))  # μ_{t+1} = β₁ (1 - ½ 0.96^{(t+1)ψ})
    mu_product = state.mu_product * mu                   # Π_t = Π_{t-1} μ_t
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    # m̂_t = μ_{t+1} m_t / (1 - Π_t μ_{t+1}) + (1-μ_t) g_t / (1 - Π_t)
    m_hat = mu_next * m / (1 - mu_product * mu_next) + (1 - mu) * grad / (1 - mu_product)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat + eps_root) + eps)  # Δθ_t = -α m̂_t / (√(v̂_t + ε_root) + ε)
    return (theta + delta, State(t, m, v, mu_product),
            Trace(mu, mu_next, mu_product, m, v, m_hat, v_hat, delta))


# -- optax nadam: no schedule, μ_t = β₁ ------------------------------------------------------------
CONSTANT_MOMENTUM = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("m_hat", r"\hat m_t = \beta_1 m_t / (1 - \beta_1^{t+1}) + (1-\beta_1)\, g_t / (1 - \beta_1^t)"),
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t + \epsilon_{root}} + \epsilon)"),
)
ConstantMomentumTrace = trace_of(CONSTANT_MOMENTUM)


def update_constant_momentum(theta, grad, state, lr, beta1, beta2, eps, eps_root):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    # m̂_t = β₁ m_t / (1-β₁ᵗ⁺¹) + (1-β₁) g_t / (1-β₁ᵗ)
    m_hat = beta1 * m / (1 - beta1**(t + 1)) + (1 - beta1) * grad / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat + eps_root) + eps)  # Δθ_t = -α m̂_t / (√(v̂_t + ε_root) + ε)
    return theta + delta, State(t, m, v), ConstantMomentumTrace(m, v, m_hat, v_hat, delta)


def init(theta: np.ndarray, momentum_schedule: str = "dozat") -> State:
    zeros = zeros_like_float(theta)
    ones = np.ones_like(zeros) if momentum_schedule == "dozat" else None
    return State(count=0, m=zeros, v=zeros, mu_product=ones)


def pick_update(momentum_schedule: str, eps_root: Any) -> Update:
    """The update for these options."""
    if momentum_schedule == "none":
        return Update.of(update_constant_momentum, CONSTANT_MOMENTUM)
    if is_active(eps_root):
        return Update.of(update_eps_root, EPS_ROOT)
    return Update.of(update, EQUATIONS)


@suggest_keywords
@accepts_schedules
def nadam(lr: Any = 2e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8, weight_decay: Any = 0.0,
          momentum_decay: Any = 4e-3, decoupled_weight_decay: bool = False, momentum_schedule: str = "dozat",
          eps_root: Any = 0.0) -> Optimizer:
    r"""NAdam: Adam whose bias-corrected first moment looks one momentum step ahead.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\beta_1, \beta_2, \epsilon` the
    arguments ``beta1``, ``beta2``, ``eps`` and :math:`\psi` the ``momentum_decay``. With the
    Dozat momentum schedule (PyTorch ``NAdam``, Keras ``Nadam``):

    .. math::
        \mu_t &= \beta_1 (1 - \tfrac12\, 0.96^{t\psi}), \qquad \Pi_t = \Pi_{t-1}\, \mu_t \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= \mu_{t+1} m_t / (1 - \Pi_t \mu_{t+1}) + (1-\mu_t)\, g_t / (1 - \Pi_t) \\
        \hat v_t &= v_t / (1-\beta_2^t), \qquad \Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 2e-3 (PyTorch); Keras 1e-3.
    beta1 : float, (B,) array or schedule, in [0, 1)
        Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        Default 0.999.
    eps : float or (B,) array in (0, inf)
        Default 1e-8 (PyTorch, optax); Keras 1e-7. Outside :math:`\sqrt{\hat v_t}` everywhere.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    momentum_decay : float or (B,) array in (0, inf)
        :math:`\psi`. Default 4e-3 (PyTorch, i.e. Dozat's :math:`0.96^{t/250}`); Keras ``Nadam``
        is :math:`\psi = 1` (:math:`0.96^t`). At t = 10, 100, 1000, 10000, μ is .451, .457,
        .518, .812 in PyTorch and .601, .892, .900, .900 in Keras.
    decoupled_weight_decay : bool
        ``False`` (PyTorch default): L2. ``True``: :math:`d_t = -\alpha_t\lambda\theta_{t-1}`
        (PyTorch ``decoupled_weight_decay``, Keras ``weight_decay``, optax ``nadamw``).
    momentum_schedule : {'dozat', 'none'}
        ``'dozat'``: the μ schedule above. ``'none'`` (optax ``nadam`` = ``adam(nesterov=True)``):
        :math:`\mu_t = \beta_1`, so :math:`\hat m_t = \beta_1 m_t/(1-\beta_1^{t+1}) + (1-\beta_1) g_t/(1-\beta_1^t)`.
    eps_root : float or (B,) array in [0, inf)
        optax's :math:`\epsilon_{root}`, :math:`\sqrt{\hat v_t + \epsilon_{root}}`. Default 0.

    References
    ----------
    T. Dozat (2016). Incorporating Nesterov Momentum into Adam. *ICLR Workshop*.
    PyTorch ``torch/optim/nadam.py``; optax ``optax/_src/transform.py`` (``scale_by_adam``, ``nesterov``).

    >>> opt = nadam(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{float(tr.mu):.6f} {theta[0]:.4f}")
    0.450073 0.8944
    """
    owner = "nadam"
    check_moments(owner, lr, beta1, beta2, eps, weight_decay)
    check_interval(owner, "momentum_decay", momentum_decay, 0, None, "neither")
    check_interval(owner, "eps_root", eps_root, 0, None, "left")
    check_bool(owner, "decoupled_weight_decay", decoupled_weight_decay)
    check_choice(owner, "momentum_schedule", momentum_schedule, ("dozat", "none"))
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
              decoupled_weight_decay=decoupled_weight_decay, momentum_schedule=momentum_schedule, eps_root=eps_root)
    return Optimizer(owner, hp, pick_update(momentum_schedule, eps_root), lambda theta: init(theta, momentum_schedule))
