r"""Adadelta (Zeiler 2012): a step whose units match θ, from two running mean squares."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, trace_of, zeros_like_float

__all__ = ["adadelta", "update", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates applied; ``eg2`` :math:`E[g^2]`, ``edx2`` :math:`E[\\Delta x^2]`."""

    count: int
    eg2: np.ndarray
    edx2: np.ndarray


# Zeiler's Algorithm 1 times a learning rate (every framework; ε inside both roots everywhere).
EQUATIONS = (
    ("eg2", r"E[g^2]_t = \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2"),
    ("dx", r"\Delta x_t = -\sqrt{E[\Delta x^2]_{t-1} + \epsilon}\, /\, \sqrt{E[g^2]_t + \epsilon}\ g_t"),
    ("edx2", r"E[\Delta x^2]_t = \rho\, E[\Delta x^2]_{t-1} + (1-\rho)\, \Delta x_t^2"),
    ("delta", r"\Delta\theta_t = \alpha_t\, \Delta x_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, rho, eps):
    eg2 = rho * state.eg2 + (1 - rho) * grad**2                     # E[g²]_t = ρ E[g²]_{t-1} + (1-ρ) g_t²
    dx = -np.sqrt(state.edx2 + eps) / np.sqrt(eg2 + eps) * grad     # Δx_t = -√(E[Δx²]_{t-1}+ε) / √(E[g²]_t+ε) g_t
    edx2 = rho * state.edx2 + (1 - rho) * dx**2                     # E[Δx²]_t = ρ E[Δx²]_{t-1} + (1-ρ) Δx_t²
    delta = lr * dx                                                 # Δθ_t = α Δx_t
    return theta + delta, State(state.count + 1, eg2, edx2), Trace(eg2, dx, edx2, delta)


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, eg2=zeros, edx2=zeros)


@suggest_keywords
def adadelta(lr: Any = 1.0, rho: Any = 0.9, eps: Any = 1e-6, weight_decay: Any = 0.0,
             decoupled_weight_decay: bool = False) -> Optimizer:
    r"""Adadelta: the ratio of two running root mean squares sets each coordinate's step.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\rho` the ``rho`` and
    :math:`\epsilon` the ``eps``:

    .. math::
        E[g^2]_t &= \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2 \\
        \Delta x_t &= -\frac{\sqrt{E[\Delta x^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\, g_t \\
        E[\Delta x^2]_t &= \rho\, E[\Delta x^2]_{t-1} + (1-\rho)\, \Delta x_t^2 \\
        \Delta\theta_t &= \alpha_t\, \Delta x_t

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1.0 (PyTorch, the paper, optax ``learning_rate=None``); TF1 and
        Keras default to 1e-3, which moves 1000 times slower than the paper.
    rho : float or (B,) array in [0, 1)
        Default 0.9 (PyTorch, optax); TF1 and Keras 0.95.
    eps : float or (B,) array in (0, inf)
        Default 1e-6 (PyTorch, optax); TF1 1e-8, Keras 1e-7. Inside both roots everywhere.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    decoupled_weight_decay : bool
        ``False``: L2 (PyTorch, optax). ``True``: Keras ``weight_decay``.

    References
    ----------
    M. D. Zeiler (2012). ADADELTA: An Adaptive Learning Rate Method. arXiv:1212.5701, Algorithm 1.
    PyTorch ``torch/optim/adadelta.py``.

    >>> opt = adadelta()
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{float(tr.dx[0]):.6f}")
    -0.003162
    """
    owner = "adadelta"
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "rho", rho, 0, 1, "left")
    check_interval(owner, "eps", eps, 0, None, "neither")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    check_bool(owner, "decoupled_weight_decay", decoupled_weight_decay)
    hp = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, decoupled_weight_decay=decoupled_weight_decay)
    return Optimizer(owner, hp, Update.of(update, EQUATIONS), init)
