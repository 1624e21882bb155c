r"""Adam (Kingma & Ba 2015, Algorithm 1) and its framework variants.

Let :math:`\alpha` be the learning rate and :math:`\beta_1, \beta_2, \epsilon` the arguments
``beta1``, ``beta2``, ``eps``. With :math:`t` the 1-based update number, :func:`update` is
Algorithm 1 line by line (PyTorch ``Adam``, optax ``adam``):

.. math::
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    \hat m_t &= m_t / (1-\beta_1^t) \\
    \hat v_t &= v_t / (1-\beta_2^t) \\
    \Delta\theta_t &= -\alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

The variants, each a whole update with its own equations:

* :func:`update_epsilon_hat`: the form at the end of Kingma & Ba §2 (TF1 ``AdamOptimizer``,
  Keras ``Adam``), with :func:`update_epsilon_hat_amsgrad` its AMSGrad (Keras ``amsgrad``);
* :func:`update_amsgrad`: AMSGrad (Reddi et al. 2018) on the raw :math:`v_t` (PyTorch,
  Keras, the TF kernel);
* :func:`update_amsgrad_corrected`: AMSGrad on the bias-corrected :math:`\hat v_t`, with ε_root
  (optax ``amsgrad``);
* :func:`update_eps_root`: optax's :math:`\epsilon_{root}` inside the root.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_choice, check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, check_moments, is_active, trace_of, zeros_like_float

__all__ = ["adam", "update", "update_eps_root", "update_amsgrad", "update_amsgrad_corrected",
           "update_epsilon_hat", "update_epsilon_hat_amsgrad", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m``, ``v`` the moments; ``v_max`` (AMSGrad only)."""

    count: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray | None = None


# -- Algorithm 1 ---------------------------------------------------------------------------------
EQUATIONS = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1                                  # t counts updates from 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat) + eps)         # Δθ_t = -α m̂_t / (√v̂_t + ε)
    return theta + delta, State(t, m, v), Trace(m, v, m_hat, v_hat, delta)


# -- optax: ε_root inside the root ---------------------------------------------------------------
EPS_ROOT = (
    *EQUATIONS[:-1],
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t + \epsilon_{root}} + \epsilon)"),
)


def update_eps_root(theta, grad, state, lr, beta1, beta2, eps, eps_root):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat + eps_root) + eps)  # Δθ_t = -α m̂_t / (√(v̂_t + ε_root) + ε)
    return theta + delta, State(t, m, v), Trace(m, v, m_hat, v_hat, delta)


# -- AMSGrad on the raw v (PyTorch, Keras, the TF kernel) -----------------------------------------
AMSGRAD = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("v_max", r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t)"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("v_hat", r"\hat v_t = v^{\max}_t / (1-\beta_2^t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)"),
)
AmsgradTrace = trace_of(AMSGRAD)


def update_amsgrad(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    v_max = np.maximum(state.v_max, v)                   # v^max_t = max(v^max_{t-1}, v_t)
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v_max / (1 - beta2**t)                       # v̂_t = v^max_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat) + eps)         # Δθ_t = -α m̂_t / (√v̂_t + ε)
    return theta + delta, State(t, m, v, v_max), AmsgradTrace(m, v, v_max, m_hat, v_hat, delta)


# -- AMSGrad on the bias-corrected v̂ (optax amsgrad) ----------------------------------------------
AMSGRAD_CORRECTED = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
    ("v_max", r"\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t)"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{\hat v^{\max}_t + \epsilon_{root}} + \epsilon)"),
)
AmsgradCorrectedTrace = trace_of(AMSGRAD_CORRECTED)


def update_amsgrad_corrected(theta, grad, state, lr, beta1, beta2, eps, eps_root):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    v_max = np.maximum(state.v_max, v_hat)               # v̂^max_t = max(v̂^max_{t-1}, v̂_t)
    delta = -lr * m_hat / (np.sqrt(v_max + eps_root) + eps)  # Δθ_t = -α m̂_t / (√(v̂^max_t + ε_root) + ε)
    return theta + delta, State(t, m, v, v_max), AmsgradCorrectedTrace(m, v, m_hat, v_hat, v_max, delta)


# -- ε-hat (Kingma & Ba §2, last paragraph; TF1 AdamOptimizer, Keras Adam) -----------------------
EPSILON_HAT = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("lr_t", r"\alpha'_t = \alpha_t \sqrt{1-\beta_2^t} / (1-\beta_1^t)"),
    ("delta", r"\Delta\theta_t = -\alpha'_t\, m_t / (\sqrt{v_t} + \hat\epsilon)"),
)
EpsilonHatTrace = trace_of(EPSILON_HAT)


def update_epsilon_hat(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)   # α'_t = α √(1-β₂ᵗ) / (1-β₁ᵗ)
    delta = -lr_t * m / (np.sqrt(v) + eps)               # Δθ_t = -α'_t m_t / (√v_t + ε̂)
    return theta + delta, State(t, m, v), EpsilonHatTrace(m, v, lr_t, delta)


EPSILON_HAT_AMSGRAD = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("v_max", r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t)"),
    ("lr_t", r"\alpha'_t = \alpha_t \sqrt{1-\beta_2^t} / (1-\beta_1^t)"),
    ("delta", r"\Delta\theta_t = -\alpha'_t\, m_t / (\sqrt{v^{\max}_t} + \hat\epsilon)"),
)
EpsilonHatAmsgradTrace = trace_of(EPSILON_HAT_AMSGRAD)


def update_epsilon_hat_amsgrad(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    v_max = np.maximum(state.v_max, v)                   # v^max_t = max(v^max_{t-1}, v_t)
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)   # α'_t = α √(1-β₂ᵗ) / (1-β₁ᵗ)
    delta = -lr_t * m / (np.sqrt(v_max) + eps)           # Δθ_t = -α'_t m_t / (√v^max_t + ε̂)
    return theta + delta, State(t, m, v, v_max), EpsilonHatAmsgradTrace(m, v, v_max, lr_t, delta)


def init(theta: np.ndarray, amsgrad: bool = False) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, v=zeros, v_max=zeros if amsgrad else None)


def pick_update(amsgrad: bool, epsilon_hat: bool, eps_root: Any, amsgrad_on: str) -> Update:
    """The update for these options (validated by :func:`check_adam_options`)."""
    if epsilon_hat:
        if amsgrad:
            return Update.of(update_epsilon_hat_amsgrad, EPSILON_HAT_AMSGRAD)
        return Update.of(update_epsilon_hat, EPSILON_HAT)
    if amsgrad and amsgrad_on == "corrected":
        return Update.of(update_amsgrad_corrected, AMSGRAD_CORRECTED)
    if amsgrad:
        return Update.of(update_amsgrad, AMSGRAD)
    if is_active(eps_root):
        return Update.of(update_eps_root, EPS_ROOT)
    return Update.of(update, EQUATIONS)


def check_adam_options(owner, lr, beta1, beta2, eps, amsgrad, weight_decay, decoupled_weight_decay,
                       epsilon_hat, eps_root, amsgrad_on):
    """The validation shared by :func:`adam` and :func:`~lrlessons.optimizers.adamw`."""
    check_moments(owner, lr, beta1, beta2, eps, weight_decay)
    check_interval(owner, "eps_root", eps_root, 0, None, "left")
    for name, flag in (("amsgrad", amsgrad), ("decoupled_weight_decay", decoupled_weight_decay),
                       ("epsilon_hat", epsilon_hat)):
        check_bool(owner, name, flag)
    check_choice(owner, "amsgrad_on", amsgrad_on, ("raw", "corrected"))
    if epsilon_hat and amsgrad and amsgrad_on != "raw":
        raise ValueError(f"The 'amsgrad_on' parameter of {owner} must be 'raw' when epsilon_hat=True "
                         f"(TF1/Keras take the maximum of the raw v). Got {amsgrad_on!r} instead.")
    if epsilon_hat and is_active(eps_root):
        raise ValueError(f"The 'eps_root' parameter of {owner} must be 0 when epsilon_hat=True "
                         f"(eps_root is optax's, which uses Algorithm 1). Got {eps_root!r} instead.")
    if amsgrad and amsgrad_on == "raw" and is_active(eps_root):
        raise ValueError(f"The 'eps_root' parameter of {owner} must be 0 when amsgrad_on='raw' (eps_root is "
                         f"optax's, whose AMSGrad takes the maximum of the corrected v: amsgrad_on='corrected'). "
                         f"Got {eps_root!r} instead.")


@suggest_keywords
@accepts_schedules
def adam(lr: Any = 1e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8, amsgrad: bool = False,
         weight_decay: Any = 0.0, decoupled_weight_decay: bool = False, epsilon_hat: bool = False,
         eps_root: Any = 0.0, amsgrad_on: str = "raw") -> Optimizer:
    r"""Adam: bias-corrected moment estimates, a per-coordinate step of about ``lr``.

    Let :math:`\alpha_t` be the learning rate ``lr`` and :math:`\beta_1, \beta_2, \epsilon` the
    arguments ``beta1``, ``beta2``, ``eps``; :math:`t` counts updates from 1.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t) \\
        \Delta\theta_t &= -\alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3 (every framework).
    beta1 : float, (B,) array or schedule, in [0, 1)
        :math:`\beta_1`. Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        :math:`\beta_2`. Default 0.999.
    eps : float or (B,) array in (0, inf)
        :math:`\epsilon`. Default 1e-8 (PyTorch, TF1, optax); Keras 1e-7.
    amsgrad : bool
        AMSGrad (Reddi et al. 2018): divide by the running maximum of the second moment.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    decoupled_weight_decay : bool
        ``False`` (PyTorch ``Adam``): L2, :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}`.
        ``True`` (PyTorch ``AdamW``/``decoupled_weight_decay``, Keras ``weight_decay``, optax
        ``adamw``): :math:`d_t = -\alpha_t\lambda\theta_{t-1}` added to the step.
    epsilon_hat : bool
        ``False`` (PyTorch, optax): Algorithm 1. ``True`` (TF1 ``AdamOptimizer``, Keras ``Adam``):
        the form at the end of Kingma & Ba §2, :math:`\alpha'_t = \alpha_t\sqrt{1-\beta_2^t}/(1-\beta_1^t)`,
        :math:`\Delta\theta_t = -\alpha'_t m_t/(\sqrt{v_t} + \hat\epsilon)`. It equals Algorithm 1
        with :math:`\epsilon = \hat\epsilon/\sqrt{1-\beta_2^t}`: 31.6 times larger at t = 1.
    eps_root : float or (B,) array in [0, inf)
        optax's :math:`\epsilon_{root}` inside the root, :math:`\sqrt{\hat v_t + \epsilon_{root}}`.
        Default 0. Not with ``epsilon_hat`` or the raw AMSGrad (neither is optax's).
    amsgrad_on : {'raw', 'corrected'}
        ``'raw'`` (PyTorch, Keras, TF kernel): :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)`, then
        bias-corrected. ``'corrected'`` (optax ``amsgrad``): the maximum of :math:`\hat v_t`, so one
        large early gradient is never forgotten.

    References
    ----------
    D. P. Kingma & J. Ba (2015). Adam: A Method for Stochastic Optimization. *ICLR*,
    arXiv:1412.6980, Algorithm 1. S. J. Reddi, S. Kale, S. Kumar (2018). On the Convergence of
    Adam and Beyond. *ICLR*. PyTorch ``torch/optim/adam.py``; TF
    ``tensorflow/core/kernels/training_ops.cc`` (``ApplyAdam``); optax ``optax/_src/transform.py``
    (``scale_by_adam``, ``scale_by_amsgrad``).

    >>> opt = adam(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.6f}")
    0.900000
    """
    check_adam_options("adam", lr, beta1, beta2, eps, amsgrad, weight_decay, decoupled_weight_decay,
                       epsilon_hat, eps_root, amsgrad_on)
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, amsgrad=amsgrad, weight_decay=weight_decay,
              decoupled_weight_decay=decoupled_weight_decay, epsilon_hat=epsilon_hat, eps_root=eps_root,
              amsgrad_on=amsgrad_on)
    return Optimizer("adam", hp, pick_update(amsgrad, epsilon_hat, eps_root, amsgrad_on),
                     lambda theta: init(theta, amsgrad))
