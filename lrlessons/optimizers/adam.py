r"""Adam (Kingma & Ba 2015, Algorithm 1), with AMSGrad and the ε-hat (TF1/Keras) form.

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

from .._checks import check_bool, check_interval, suggest_keywords
from ._optimizer import Optimizer, trace, zeros_like_float

__all__ = ["adam", "update", "init", "State"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m``, ``v`` the moment estimates."""

    count: int
    m: np.ndarray
    v: np.ndarray


def equations(amsgrad: bool = False) -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    lines = [
        ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
        ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
        ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
        ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
        ("delta", r"\Delta\theta_t = -\alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)"),
    ]
    return tuple(lines)


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, v=zeros)


def update(theta, grad, state, lr, beta1, beta2, eps):
    t = state.count + 1                                  # Adam's t is 1-based
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    delta = -lr * m_hat / (np.sqrt(v_hat) + eps)         # Δθ_t = -α m̂_t / (√v̂_t + ε)
    return theta + delta, State(t, m, v), trace(m=m, v=v, m_hat=m_hat, v_hat=v_hat, delta=delta)


@suggest_keywords
def adam(lr: Any = 1e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8) -> Optimizer:
    r"""Adam: bias-corrected moment estimates, a per-coordinate step of about ``lr``.

    SKELETON: the optimizers issue extends this with amsgrad, the ε-hat form and weight decay.

    >>> opt = adam(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.6f}")
    0.900000
    """
    if not callable(lr):
        check_interval("adam", "lr", lr, 0, None, "left")
    check_interval("adam", "beta1", beta1, 0, 1, "left")
    check_interval("adam", "beta2", beta2, 0, 1, "left")
    check_interval("adam", "eps", eps, 0, None, "neither")
    return Optimizer("adam", dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps), equations(), init, update)
