r"""RAdam (Liu et al. 2020): Adam whose adaptive step is switched on once its variance is tractable.

The canonical :func:`update` is Algorithm 2 with ε added to :math:`\sqrt{v_t}` in the adaptive
rate :math:`l_t` (PyTorch ``RAdam``); :func:`update_optax` puts ε (and optax's
:math:`\epsilon_{root}`) on the bias-corrected :math:`\sqrt{\hat v_t}` (optax ``radam``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, check_moments, is_active, trace_of, zeros_like_float

__all__ = ["radam", "update", "update_optax", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m``, ``v`` the moment estimates."""

    count: int
    m: np.ndarray
    v: np.ndarray


_RHO = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("rho", r"\rho_t = \rho_\infty - 2t\beta_2^t / (1-\beta_2^t), \quad \rho_\infty = 2/(1-\beta_2) - 1"),
    ("r", r"r_t = \sqrt{\tfrac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}"
          r"\ \text{ if } \rho_t > \rho^*"),
)

# -- Algorithm 2, ε on the uncorrected √v_t (PyTorch) ---------------------------------------------
EQUATIONS = (
    *_RHO,
    ("l", r"l_t = \sqrt{1-\beta_2^t} / (\sqrt{v_t} + \epsilon)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, r_t\, l_t\, \hat m_t \text{ if } \rho_t > \rho^*"
              r"\text{, else } -\alpha_t\, \hat m_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, beta1, beta2, eps, rectify_threshold):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    rho_inf = 2 / (1 - beta2) - 1                        # ρ_∞ = 2/(1-β₂) - 1
    rho = rho_inf - 2 * t * beta2**t / (1 - beta2**t)    # ρ_t = ρ_∞ - 2t β₂ᵗ / (1-β₂ᵗ)
    rectified = rho > rectify_threshold                  # ρ_t > ρ* (per run)
    ratio = (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)  # r_t²
    r = np.sqrt(np.where(rectified, ratio, np.nan))      # r_t (NaN while not rectified)
    l = np.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)       # l_t = √(1-β₂ᵗ) / (√v_t + ε)
    delta = -lr * np.where(rectified, m_hat * r * l, m_hat)  # Δθ_t = -α r_t l_t m̂_t  or  -α m̂_t
    return theta + delta, State(t, m, v), Trace(m, v, m_hat, rho, r, l, delta)


# -- optax radam: ε (and ε_root) on the bias-corrected √v̂_t -----------------------------------------
OPTAX = (
    *_RHO,
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, r_t\, \hat m_t / (\sqrt{\hat v_t + \epsilon_{root}} + \epsilon)"
              r" \text{ if } \rho_t > \rho^*\text{, else } -\alpha_t\, \hat m_t"),
)
OptaxTrace = trace_of(OPTAX)


def update_optax(theta, grad, state, lr, beta1, beta2, eps, rectify_threshold, eps_root):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    rho_inf = 2 / (1 - beta2) - 1                        # ρ_∞ = 2/(1-β₂) - 1
    rho = rho_inf - 2 * t * beta2**t / (1 - beta2**t)    # ρ_t = ρ_∞ - 2t β₂ᵗ / (1-β₂ᵗ)
    rectified = rho > rectify_threshold                  # ρ_t > ρ* (per run)
    ratio = (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)  # r_t²
    r = np.sqrt(np.where(rectified, ratio, np.nan))      # r_t (NaN while not rectified)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    adaptive = r * m_hat / (np.sqrt(v_hat + eps_root) + eps)   # r_t m̂_t / (√(v̂_t + ε_root) + ε)
    delta = -lr * np.where(rectified, adaptive, m_hat)   # Δθ_t = -α (that, or m̂_t)
    return theta + delta, State(t, m, v), OptaxTrace(m, v, m_hat, rho, r, v_hat, delta)


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, v=zeros)


@suggest_keywords
@accepts_schedules
def radam(lr: Any = 1e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8, weight_decay: Any = 0.0,
          decoupled_weight_decay: bool = False, rectify_threshold: Any = 5.0, epsilon_hat: bool = True,
          eps_root: Any = 0.0) -> Optimizer:
    r"""RAdam: plain momentum SGD while the second moment is too noisy, rectified Adam after.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\beta_1, \beta_2, \epsilon` the
    arguments ``beta1``, ``beta2``, ``eps`` and :math:`\rho^*` the ``rectify_threshold``.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,
        \qquad \hat m_t = m_t/(1-\beta_1^t) \\
        \rho_\infty &= 2/(1-\beta_2) - 1, \qquad \rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t) \\
        r_t &= \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}},
        \qquad l_t = \sqrt{1-\beta_2^t} / (\sqrt{v_t} + \epsilon) \\
        \Delta\theta_t &= -\alpha_t\, r_t\, l_t\, \hat m_t \text{ if } \rho_t > \rho^*,
        \text{ else } -\alpha_t\, \hat m_t

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3.
    beta1 : float, (B,) array or schedule, in [0, 1)
        Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        Default 0.999.
    eps : float or (B,) array in (0, inf)
        Default 1e-8.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    decoupled_weight_decay : bool
        ``False``: L2 (PyTorch default). ``True``: :math:`d_t = -\alpha_t\lambda\theta_{t-1}`
        (PyTorch ``decoupled_weight_decay``, Keras ``weight_decay``).
    rectify_threshold : float or (B,) array in [4, inf)
        :math:`\rho^*`. Default 5 (PyTorch, optax ``threshold``, following the authors' code);
        the paper uses 4. With :math:`\beta_2 = 0.999`, rectified steps start at t = 6 with 5 and
        at t = 5 with 4.
    epsilon_hat : bool
        ``True`` (PyTorch ``RAdam``): ε added to the uncorrected :math:`\sqrt{v_t}` in :math:`l_t`.
        ``False`` (optax ``radam``): :math:`r_t \hat m_t / (\sqrt{\hat v_t + \epsilon_{root}} + \epsilon)`.
    eps_root : float or (B,) array in [0, inf)
        optax's :math:`\epsilon_{root}` (only with ``epsilon_hat=False``). Default 0.

    Notes
    -----
    ``trace.r`` is NaN for the runs that are not rectified at that step. PyTorch tests
    :math:`\rho_t > 5` and optax :math:`\rho_t \ge 5`; the two differ only if
    :math:`\rho_t` equals the threshold exactly.

    References
    ----------
    L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han (2020). On the Variance of the
    Adaptive Learning Rate and Beyond. *ICLR*, arXiv:1908.03265, Algorithm 2. PyTorch
    ``torch/optim/radam.py``; optax ``optax/_src/transform.py`` (``scale_by_radam``).

    >>> opt = radam(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{float(tr.rho):.3f} {theta[0]:.2f}")
    1.000 0.80
    """
    owner = "radam"
    check_moments(owner, lr, beta1, beta2, eps, weight_decay)
    check_interval(owner, "rectify_threshold", rectify_threshold, 4, None, "left")
    check_interval(owner, "eps_root", eps_root, 0, None, "left")
    check_bool(owner, "decoupled_weight_decay", decoupled_weight_decay)
    check_bool(owner, "epsilon_hat", epsilon_hat)
    if epsilon_hat and is_active(eps_root):
        raise ValueError(f"The 'eps_root' parameter of {owner} must be 0 when epsilon_hat=True "
                         f"(eps_root is optax's form). Got {eps_root!r} instead.")
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
              decoupled_weight_decay=decoupled_weight_decay, rectify_threshold=rectify_threshold,
              epsilon_hat=epsilon_hat, eps_root=eps_root)
    chosen = Update.of(update, EQUATIONS) if epsilon_hat else Update.of(update_optax, OPTAX)
    return Optimizer(owner, hp, chosen, init)
