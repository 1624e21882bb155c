r"""Plain gradient descent, :math:`\Delta\theta_t = -\alpha\, g_t` (Robbins & Monro 1951)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, trace_of

__all__ = ["sgd", "update", "init", "EQUATIONS", "State"]


class State(NamedTuple):
    """``count`` = updates already applied (gradient descent keeps no buffers)."""

    count: int


# (trace field, LaTeX), one per line of ``update``, in order.
EQUATIONS = (
    ("delta", r"\Delta\theta_t = -\alpha\, g_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr):
    delta = -lr * grad                                   # Δθ_t = -α g_t
    return theta + delta, State(state.count + 1), Trace(delta)


def init(theta: np.ndarray) -> State:
    return State(count=0)


@suggest_keywords
def sgd(lr: Any = 1e-3, weight_decay: Any = 0.0, decoupled_weight_decay: bool = False) -> Optimizer:
    r"""Gradient descent: step against the gradient, scaled by the learning rate.

    Let :math:`\alpha` be the learning rate ``lr`` and :math:`\lambda` the ``weight_decay``.

    .. math::
        \Delta\theta_t = -\alpha\, g_t, \qquad \theta_t = \theta_{t-1} + \Delta\theta_t

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3 (PyTorch ``SGD``; TF1 has no default, Keras uses 0.01).
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0 (off).
    decoupled_weight_decay : bool
        ``False`` (PyTorch ``SGD``): L2, :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}`. ``True``
        (Keras ``weight_decay``): :math:`d_t = -\alpha\lambda\theta_{t-1}` added to the step. For
        plain gradient descent the two coincide.

    Notes
    -----
    Every framework computes the same step: TF1 ``GradientDescentOptimizer``, Keras ``SGD``
    (``momentum=0``), PyTorch ``SGD`` (``momentum=0``), optax ``sgd`` (``momentum=None``).

    References
    ----------
    H. Robbins & S. Monro (1951). A Stochastic Approximation Method. *Ann. Math. Stat.* 22(3).

    >>> opt = sgd(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> print(f"{theta[0]:.2f}")
    0.80
    """
    if not callable(lr):
        check_interval("sgd", "lr", lr, 0, None, "left")
    check_interval("sgd", "weight_decay", weight_decay, 0, None, "left")
    check_bool("sgd", "decoupled_weight_decay", decoupled_weight_decay)
    hp = dict(lr=lr, weight_decay=weight_decay, decoupled_weight_decay=decoupled_weight_decay)
    return Optimizer("sgd", hp, Update.of(update, EQUATIONS), init)
