r"""Adam (Kingma & Ba 2015, Algorithm 1), with AMSGrad (Reddi 2018), the ε-hat form and weight decay.

Let :math:`\alpha` be the learning rate and :math:`\beta_1, \beta_2, \epsilon` the arguments
``beta1``, ``beta2``, ``eps``. With :math:`t` the 1-based update number:

.. math::
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    \hat m_t &= m_t / (1-\beta_1^t) \\
    \hat v_t &= v_t / (1-\beta_2^t) \\
    \Delta\theta_t &= -\alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_choice, check_interval, suggest_keywords
from .base import (Optimizer, accepts_schedules, check_moments, is_active, power, trace,
                         weight_decay_lines, weight_decay_step, zeros_like_float)

__all__ = ["adam", "update", "init", "equations", "State"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m``, ``v`` the moments; ``v_max`` (AMSGrad only)."""

    count: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray | None = None


def equations(amsgrad: bool = False, weight_decay: Any = 0.0, decoupled_weight_decay: bool = False,
              epsilon_hat: bool = False, eps_root: Any = 0.0, amsgrad_on: str = "raw") -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    lines = list(weight_decay_lines(weight_decay, decoupled_weight_decay))
    d = " + d_t" if is_active(weight_decay) and decoupled_weight_decay else ""
    lines += [
        ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
        ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ]
    raw_max = amsgrad and amsgrad_on == "raw"
    if raw_max:
        lines.append(("v_max", r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t)"))
    if epsilon_hat:
        v = r"v^{\max}_t" if amsgrad else "v_t"
        lines.append(("lr_t", r"\alpha'_t = \alpha_t \sqrt{1-\beta_2^t} / (1-\beta_1^t)"))
        lines.append(("delta", rf"\Delta\theta_t = -\alpha'_t\, m_t / (\sqrt{{{v}}} + \hat\epsilon)" + d))
        return tuple(lines)
    lines.append(("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"))
    if raw_max:
        lines.append(("v_hat", r"\hat v_t = v^{\max}_t / (1-\beta_2^t)"))
    else:
        lines.append(("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"))
    v = r"\hat v_t"
    if amsgrad and amsgrad_on == "corrected":
        lines.append(("v_max", r"\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t)"))
        v = r"\hat v^{\max}_t"
    if is_active(eps_root):
        v = rf"{v} + \epsilon_{{root}}"
    lines.append(("delta", rf"\Delta\theta_t = -\alpha_t\, \hat m_t / (\sqrt{{{v}}} + \epsilon)" + d))
    return tuple(lines)


def init(theta: np.ndarray, amsgrad: bool = False) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, v=zeros, v_max=zeros if amsgrad else None)


def update(theta, grad, state, lr, beta1, beta2, eps, amsgrad=False, weight_decay=0.0,
           decoupled_weight_decay=False, epsilon_hat=False, eps_root=0.0, amsgrad_on="raw"):
    t = state.count + 1                                  # Adam's t is 1-based
    g, d, wd = weight_decay_step(theta, grad, lr, weight_decay, decoupled_weight_decay)  # g_t ← g_t + λθ  or  d_t = -αλθ
    fields = dict(wd)
    m = fields["m"] = beta1 * state.m + (1 - beta1) * g       # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = fields["v"] = beta2 * state.v + (1 - beta2) * g**2    # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    v_max = None
    if amsgrad and amsgrad_on == "raw":
        v_max = fields["v_max"] = np.maximum(state.v_max, v)  # v^max_t = max(v^max_{t-1}, v_t)
    if epsilon_hat:
        lr_t = fields["lr_t"] = lr * np.sqrt(1 - power(beta2, t)) / (1 - power(beta1, t))  # α'_t = α √(1-β₂ᵗ) / (1-β₁ᵗ)
        delta = -lr_t * m / (np.sqrt(v if v_max is None else v_max) + eps)  # Δθ_t = -α'_t m_t / (√v_t + ε̂)
    else:
        m_hat = fields["m_hat"] = m / (1 - power(beta1, t))     # m̂_t = m_t / (1-β₁ᵗ)
        v_hat = fields["v_hat"] = (v if v_max is None else v_max) / (1 - power(beta2, t))  # v̂_t = v_t / (1-β₂ᵗ)
        if amsgrad and amsgrad_on == "corrected":
            v_hat = v_max = fields["v_max"] = np.maximum(state.v_max, v_hat)  # v̂^max_t = max(v̂^max_{t-1}, v̂_t)
        if is_active(eps_root):
            v_hat = v_hat + eps_root                     # v̂_t + ε_root  (optax; skipped when 0)
        delta = -lr * m_hat / (np.sqrt(v_hat) + eps)     # Δθ_t = -α m̂_t / (√v̂_t + ε)
    if d is not None:
        delta = delta + d                                # (+ d_t)
    return theta + delta, State(t, m, v, v_max), trace(**fields, delta=delta)


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
    beta1, beta2 : float or (B,) array in [0, 1)
        :math:`\beta_1, \beta_2`. Defaults 0.9, 0.999.
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
        optax's :math:`\epsilon_{root}` inside the root, :math:`\sqrt{\hat v_t + \epsilon_{root}}`. Default 0.
    amsgrad_on : {'raw', 'corrected'}
        ``'raw'`` (PyTorch, Keras, TF kernel): :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)`, then
        bias-corrected. ``'corrected'`` (optax ``amsgrad``): the maximum of :math:`\hat v_t`, so one
        large early gradient is never forgotten.

    References
    ----------
    D. P. Kingma & J. Ba (2015). Adam: A Method for Stochastic Optimization. *ICLR*,
    arXiv:1412.6980, Algorithm 1. S. J. Reddi, S. Kale, S. Kumar (2018). On the Convergence of
    Adam and Beyond. *ICLR*.

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
    return Optimizer(
        "adam", hp,
        equations(amsgrad, weight_decay, decoupled_weight_decay, epsilon_hat, eps_root, amsgrad_on),
        lambda theta: init(theta, amsgrad), update,
        flags=("amsgrad", "decoupled_weight_decay", "epsilon_hat", "amsgrad_on"),
    )
