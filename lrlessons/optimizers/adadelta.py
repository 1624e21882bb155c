r"""Adadelta (Zeiler 2012): a step whose units match θ, from two running mean squares."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, is_active, trace, weight_decay_lines, weight_decay_step, zeros_like_float

__all__ = ["adadelta", "update", "init", "equations", "State"]


class State(NamedTuple):
    """``count`` = updates applied; ``eg2`` :math:`E[g^2]`, ``edx2`` :math:`E[\\Delta x^2]`."""

    count: int
    eg2: np.ndarray
    edx2: np.ndarray


def equations(weight_decay: Any = 0.0, decoupled_weight_decay: bool = False) -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    d = " + d_t" if is_active(weight_decay) and decoupled_weight_decay else ""
    return (
        *weight_decay_lines(weight_decay, decoupled_weight_decay),
        ("eg2", r"E[g^2]_t = \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2"),
        ("dx", r"\Delta x_t = -\sqrt{E[\Delta x^2]_{t-1} + \epsilon}\, /\, \sqrt{E[g^2]_t + \epsilon}\ g_t"),
        ("edx2", r"E[\Delta x^2]_t = \rho\, E[\Delta x^2]_{t-1} + (1-\rho)\, \Delta x_t^2"),
        ("delta", r"\Delta\theta_t = \alpha_t\, \Delta x_t" + d),
    )


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, eg2=zeros, edx2=zeros)


def update(theta, grad, state, lr, rho, eps, weight_decay=0.0, decoupled_weight_decay=False):
    g, d, wd = weight_decay_step(theta, grad, lr, weight_decay, decoupled_weight_decay)  # g_t ← g_t + λθ  or  d_t = -αλθ
    eg2 = rho * state.eg2 + (1 - rho) * g**2                        # E[g²]_t = ρ E[g²]_{t-1} + (1-ρ) g_t²
    dx = -np.sqrt(state.edx2 + eps) / np.sqrt(eg2 + eps) * g        # Δx_t = -√(E[Δx²]_{t-1}+ε) / √(E[g²]_t+ε) g_t
    edx2 = rho * state.edx2 + (1 - rho) * dx**2                     # E[Δx²]_t = ρ E[Δx²]_{t-1} + (1-ρ) Δx_t²
    delta = lr * dx                                                 # Δθ_t = α Δx_t
    if d is not None:
        delta = delta + d                                           # (+ d_t)
    return theta + delta, State(state.count + 1, eg2, edx2), trace(**wd, eg2=eg2, dx=dx, edx2=edx2, delta=delta)


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
    return Optimizer(owner, hp, equations(weight_decay, decoupled_weight_decay), init, update,
                     flags=("decoupled_weight_decay",))
