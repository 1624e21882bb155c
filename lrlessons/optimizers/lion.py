r"""Lion (Chen et al. 2023, Algorithm 2): the sign of an interpolated momentum, one step size for every coordinate.

Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\beta_1, \beta_2` the arguments ``beta1``,
``beta2`` and :math:`\lambda` the ``weight_decay``. :func:`update` is Algorithm 2 line by line
(Keras ``Lion``, optax ``lion``):

.. math::
    c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
    m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t \\
    \Delta\theta_t &= -\alpha_t\, \mathrm{sign}(c_t)

and the weight decay is the decoupled one, :math:`d_t = -\alpha_t\lambda\theta_{t-1}` added to the
step, which the :class:`~lrlessons.optimizers.base.Optimizer` places around the update: together
:math:`\theta_t = \theta_{t-1} - \alpha_t(\mathrm{sign}(c_t) + \lambda\theta_{t-1})`, the paper's line.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, trace_of, zeros_like_float

__all__ = ["lion", "update", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m`` the momentum (an EMA of gradients, β₂)."""

    count: int
    m: np.ndarray


# -- Algorithm 2 ------------------------------------------------------------------------------
EQUATIONS = (
    ("c", r"c_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("m", r"m_t = \beta_2 m_{t-1} + (1-\beta_2)\, g_t"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \mathrm{sign}(c_t)"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, beta1, beta2):
    c = beta1 * state.m + (1 - beta1) * grad             # c_t = β₁ m_{t-1} + (1-β₁) g_t
    m = beta2 * state.m + (1 - beta2) * grad             # m_t = β₂ m_{t-1} + (1-β₂) g_t
    delta = -lr * np.sign(c)                             # Δθ_t = -α_t sign(c_t)
    return theta + delta, State(state.count + 1, m), Trace(c, m, delta)


def init(theta: np.ndarray) -> State:
    return State(count=0, m=zeros_like_float(theta))


@suggest_keywords
@accepts_schedules
def lion(lr: Any = 1e-4, beta1: Any = 0.9, beta2: Any = 0.99, weight_decay: Any = 0.0) -> Optimizer:
    r"""Lion: step by ``lr`` in the direction of the sign of an interpolated momentum.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\beta_1, \beta_2` the arguments
    ``beta1``, ``beta2`` and :math:`\lambda` the ``weight_decay``.

    .. math::
        c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t \\
        \Delta\theta_t &= -\alpha_t\, \mathrm{sign}(c_t) + d_t, \qquad d_t = -\alpha_t\lambda\theta_{t-1}

    Every coordinate moves by exactly :math:`\alpha_t` (or 0 where :math:`c_t = 0`: sign(0) = 0,
    as in every framework), so Lion's learning rate is typically 3-10 times smaller than
    AdamW's, and its weight decay 3-10 times larger for the same effective decay (Chen et al., "Hyperparameter tuning").

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-4 (the paper's recommendation; Keras 1e-3, optax has none).
    beta1 : float, (B,) array or schedule, in [0, 1]
        :math:`\beta_1`, the weight of the momentum in the direction. Default 0.9. 0 is signSGD
        (Keras refuses 0, lrlessons shows it).
    beta2 : float or (B,) array in [0, 1]
        :math:`\beta_2`, the momentum's EMA factor. Default 0.99.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`, decoupled and times :math:`\alpha_t`. Default 0 (Keras ``None``, optax 1e-3).

    Notes
    -----
    Keras ``Lion`` decays before the step, :math:`\theta \leftarrow \theta - \theta\lambda\alpha`, then
    :math:`\theta \leftarrow \theta - \alpha\,\mathrm{sign}(c_t)`; optax ``lion`` adds :math:`\lambda\theta`
    to the sign and scales the sum by :math:`-\alpha`. Because the sign does not depend on
    :math:`\theta`, all three are the paper's line: they differ only in the order of rounding (the
    fixtures agree to 1e-16), so one update serves all. What differs is the default decay
    (none, 1e-3) and the default rate.

    References
    ----------
    X. Chen, C. Liang, D. Huang, E. Real, K. Wang, H. Pham, X. Dong, T. Luong, C.-J. Hsieh, Y. Lu,
    Q. V. Le (2023). Symbolic Discovery of Optimization Algorithms. *NeurIPS*, arXiv:2302.06675,
    Algorithm 2. Keras ``keras/src/optimizers/lion.py``; optax ``optax/_src/alias.py`` (``lion``),
    ``optax/_src/transform.py`` (``scale_by_lion``).

    >>> import numpy as np
    >>> opt = lion(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0, 1.0]), np.array([2.0, -1e-9]), opt.init(np.zeros(2)))
    >>> print(theta, tr.c)
    [0.9 1.1] [ 2.e-01 -1.e-10]
    """
    if not callable(lr):
        check_interval("lion", "lr", lr, 0, None, "left")
    check_interval("lion", "beta1", beta1, 0, 1, "both")
    check_interval("lion", "beta2", beta2, 0, 1, "both")
    check_interval("lion", "weight_decay", weight_decay, 0, None, "left")
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, decoupled_weight_decay=True)
    return Optimizer("lion", hp, Update.of(update, EQUATIONS), init)
