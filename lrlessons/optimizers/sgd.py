r"""Plain gradient descent: :math:`\Delta\theta_t = -\alpha\, g_t` (Robbins & Monro 1951)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_interval, suggest_keywords
from ._optimizer import Optimizer, trace

__all__ = ["sgd", "update", "init", "State"]


class State(NamedTuple):
    """``count`` = updates already applied (SGD keeps no buffers)."""

    count: int


def equations() -> tuple:
    return (("delta", r"\Delta\theta_t = -\alpha\, g_t"),)


def init(theta: np.ndarray) -> State:
    return State(count=0)


def update(theta, grad, state, lr):
    delta = -lr * grad                                   # Δθ_t = -α g_t
    return theta + delta, State(state.count + 1), trace(delta=delta)


@suggest_keywords
def sgd(lr: Any = 1e-3) -> Optimizer:
    r"""Gradient descent with learning rate ``lr`` (a number, (B,) array or schedule).

    SKELETON: the optimizers issue adds weight_decay.

    >>> opt = sgd(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.2f}")
    0.80
    """
    if not callable(lr):
        check_interval("sgd", "lr", lr, 0, None, "left")
    return Optimizer("sgd", dict(lr=lr), equations(), init, update)
