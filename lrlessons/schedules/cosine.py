r"""Cosine schedules: cosine decay, cosine decay with warm restarts (SGDR), linear-cosine decay.

Each schedule is a formula (a pure, vectorized function of the float step ``t``, written once),
a frozen :class:`~lrlessons.schedules.base.Schedule` class that binds it, and the factory that
validates the arguments.

>>> s = cosine_decay(1.0, decay_steps=100, alpha=0.1)
>>> [f"{float(v):.3f}" for v in s([0, 50, 100, 200])]
['1.000', '0.550', '0.100', '0.100']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_bool, check_interval
from .base import Schedule, times

__all__ = [
    "cosine_decay", "cosine_decay_restarts", "linear_cosine_decay",
    "CosineDecay", "CosineDecayRestarts", "LinearCosineDecay",
    "cosine_decay_formula", "cosine_decay_restarts_formula", "restart_period", "linear_cosine_decay_formula",
]


# ----------------------------------------------------------------------------------------
# cosine decay
# ----------------------------------------------------------------------------------------


def cosine_decay_formula(t, learning_rate, decay_steps, alpha, exponent, periodic):
    """η(t) = η₀ · ((1 − α) · c^e + α) with c = ½(1 + cos(π s/D)), s = min(t, D) (s = t when ``periodic``)."""
    s = t if periodic else np.minimum(t, decay_steps)                  # s = min(t, D): hold after D
    cosine = 0.5 * (1 + np.cos(np.pi * (s / decay_steps)))             # c = ½(1 + cos(π s/D))
    return learning_rate * ((1 - alpha) * cosine**exponent + alpha)    # η₀ · ((1 − α)·c^e + α)


class CosineDecay(Schedule):
    """:func:`cosine_decay`."""

    formula = staticmethod(cosine_decay_formula)
    batched = ("learning_rate", "decay_steps", "alpha", "exponent")


def cosine_decay(
    learning_rate: Any, decay_steps: Any, alpha: Any = 0.0, exponent: Any = 1.0, periodic: bool = False
) -> CosineDecay:
    r"""Cosine annealing from ``learning_rate`` down to ``alpha * learning_rate`` over ``decay_steps``.

    Let :math:`\eta_0, D, \alpha, e` be ``learning_rate``, ``decay_steps``, ``alpha``, ``exponent``:

    .. math::
        \eta(t) = \eta_0\left[(1-\alpha)\left(\tfrac12\left(1 + \cos\frac{\pi s}{D}\right)\right)^{e} + \alpha\right],
        \qquad s = \min(t, D) \ (\text{or } s = t \text{ if periodic})

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.
    alpha : float or (B,) array in [0, 1]
        Final value as a fraction of :math:`\eta_0`.
    exponent : float or (B,) array in (0, inf)
        :math:`e` (optax); 1 is the usual cosine.
    periodic : bool
        Keep following the cosine past :math:`D` (PyTorch) instead of holding.

    Notes
    -----
    TF1 ``cosine_decay``, Keras ``CosineDecay`` and optax ``cosine_decay_schedule``
    (``exponent``) hold :math:`\alpha\eta_0` after :math:`D`; PyTorch ``CosineAnnealingLR``
    (:math:`\alpha = \eta_{min}/b`) does not clamp: it is periodic and climbs back to
    :math:`\eta_0` at :math:`2D` (``periodic=True``).

    References
    ----------
    I. Loshchilov & F. Hutter (2017), SGDR: Stochastic Gradient Descent with Warm Restarts,
    ICLR, arXiv:1608.03983, eq. (5). tensorflow/tensorflow
    ``python/keras/optimizer_v2/learning_rate_schedule.py`` (``CosineDecay``);
    google-deepmind/optax ``optax/schedules/_schedule.py`` (``cosine_decay_schedule``).

    Examples
    --------
    >>> s = cosine_decay(1.0, 100, alpha=0.1)
    >>> [f"{float(v):.3f}" for v in s([0, 50, 100, 200])]
    ['1.000', '0.550', '0.100', '0.100']
    >>> [f"{float(v):.3f}" for v in cosine_decay(1.0, 100, periodic=True)([100, 150, 200])]
    ['0.000', '0.500', '1.000']
    """
    s = CosineDecay(learning_rate, decay_steps, alpha, exponent, periodic)
    check_interval("cosine_decay", "learning_rate", s.learning_rate, 0, None, "left")
    check_interval("cosine_decay", "decay_steps", s.decay_steps, 0, None, "neither")
    check_interval("cosine_decay", "alpha", s.alpha, 0, 1, "both")
    check_interval("cosine_decay", "exponent", s.exponent, 0, None, "neither")
    check_bool("cosine_decay", "periodic", s.periodic)
    return s


# ----------------------------------------------------------------------------------------
# cosine decay with warm restarts (SGDR)
# ----------------------------------------------------------------------------------------


def restart_period(t, first_decay_steps, t_mul):
    """The SGDR period i that step t falls in, and the fraction f_c in [0, 1) of it already done.

    Period i lasts D₀ · t_mul^i steps and starts at D₀ · Σ_{j<i} t_mul^j. Like TF, i is found with a
    logarithm, i = ⌊log(1 + f(t_mul − 1)) / log t_mul⌋ with f = t/D₀ (⌊f⌋ when t_mul = 1; the log is
    a logaddexp, so a huge t_mul does not overflow); then it is corrected by one where rounding put it on the wrong side of a restart.
    """
    f = t / first_decay_steps                                             # f = t/D₀
    geometric = t_mul != 1
    m = np.where(geometric, t_mul, 2.0)                                   # (any m ≠ 1 where t_mul = 1)

    def start(i):                                                         # Σ_{j<i} t_mul^j
        return np.where(geometric, (1 - m**i) / (1 - m), i)

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        i = np.where(geometric, np.nan_to_num(np.floor(np.logaddexp(0.0, np.log(f) + np.log(m - 1)) / np.log(m))), np.floor(f))
        i = np.maximum(i, 0)
        i = np.where(f < start(i), i - 1, i)                              # rounding: one period too far
        i = np.where(f >= start(i + 1), i + 1, i)                         # rounding: one period short
        fraction = (f - start(i)) / np.where(geometric, m**i, 1.0)        # f_c = (f − Σ_{j<i} t_mul^j)/t_mul^i
    return i, fraction


def cosine_decay_restarts_formula(t, learning_rate, first_decay_steps, t_mul, m_mul, alpha):
    """η(t) = η₀ · ((1 − α) · ½ m_mul^i (1 + cos π f_c) + α), in period i at fraction f_c of it."""
    i, fraction = restart_period(t, first_decay_steps, t_mul)            # period i, f_c of it done
    with np.errstate(over="ignore"):
        cosine = times(0.5 * (1 + np.cos(np.pi * fraction)), m_mul**i)  # ½ · m_mul^i · (1 + cos π f_c)
    return times(learning_rate, (1 - alpha) * cosine + alpha)                # η₀ · ((1 − α)·… + α)


class CosineDecayRestarts(Schedule):
    """:func:`cosine_decay_restarts`."""

    formula = staticmethod(cosine_decay_restarts_formula)
    batched = ("learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha")


def cosine_decay_restarts(
    learning_rate: Any, first_decay_steps: Any, t_mul: Any = 2.0, m_mul: Any = 1.0, alpha: Any = 0.0
) -> CosineDecayRestarts:
    r"""Cosine annealing with warm restarts (SGDR), TF semantics.

    Let :math:`\eta_0, D_0, t_{mul}, m_{mul}, \alpha` be ``learning_rate``,
    ``first_decay_steps``, ``t_mul``, ``m_mul``, ``alpha``. Period :math:`i` lasts
    :math:`D_0\,t_{mul}^i` steps. With :math:`f = t/D_0`,
    :math:`i = \lfloor \log(1 - f(1 - t_{mul}))/\log t_{mul} \rfloor` (:math:`\lfloor f\rfloor` if
    :math:`t_{mul} = 1`) and :math:`f_c = (f - \frac{1 - t_{mul}^i}{1 - t_{mul}})/t_{mul}^i`
    (:func:`restart_period`):

    .. math::
        \eta(t) = \eta_0\left[(1-\alpha)\,\tfrac12\, m_{mul}^{i}\,(1 + \cos \pi f_c) + \alpha\right]

    The peak of period :math:`i` is :math:`\eta_0((1-\alpha)m_{mul}^i + \alpha)`: the floor
    :math:`\alpha\eta_0` is not scaled.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    first_decay_steps : float or (B,) array in (0, inf)
        :math:`D_0`, the length of the first period.
    t_mul : float or (B,) array in [1, inf)
        Period growth factor. TF1 and Keras accept :math:`0 < t_{mul} < 1`, but the periods then
        shrink to a limit at step :math:`D_0/(1 - t_{mul})` (infinitely many restarts) and they
        return NaN from there on; no framework defines the rate beyond it, so lrlessons refuses
        :math:`t_{mul} < 1`.
    m_mul : float or (B,) array in [0, inf)
        Peak factor per restart.
    alpha : float or (B,) array in [0, 1]
        Floor as a fraction of :math:`\eta_0`.

    Notes
    -----
    TF1 ``cosine_decay_restarts``, Keras ``CosineDecayRestarts`` (defaults ``t_mul=2.0,
    m_mul=1.0, alpha=0.0``); PyTorch ``CosineAnnealingWarmRestarts`` (``T_mult`` integer,
    :math:`m_{mul} = 1`, :math:`\alpha = \eta_{min}/b`).

    References
    ----------
    I. Loshchilov & F. Hutter (2017), SGDR: Stochastic Gradient Descent with Warm Restarts,
    ICLR, arXiv:1608.03983. tensorflow/tensorflow
    ``python/keras/optimizer_v2/learning_rate_schedule.py`` (``CosineDecayRestarts``).

    Examples
    --------
    >>> s = cosine_decay_restarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    >>> [f"{float(v):.3f}" for v in s([0, 5, 10, 20, 30])]
    ['1.000', '0.550', '0.550', '0.325', '0.325']
    """
    s = CosineDecayRestarts(learning_rate, first_decay_steps, t_mul, m_mul, alpha)
    check_interval("cosine_decay_restarts", "learning_rate", s.learning_rate, 0, None, "left")
    check_interval("cosine_decay_restarts", "first_decay_steps", s.first_decay_steps, 0, None, "neither")
    check_interval("cosine_decay_restarts", "t_mul", s.t_mul, 1, None, "left")
    check_interval("cosine_decay_restarts", "m_mul", s.m_mul, 0, None, "left")
    check_interval("cosine_decay_restarts", "alpha", s.alpha, 0, 1, "both")
    return s


# ----------------------------------------------------------------------------------------
# linear-cosine decay
# ----------------------------------------------------------------------------------------


def linear_cosine_decay_formula(t, learning_rate, decay_steps, num_periods, alpha, beta):
    """η(t) = η₀ · ((α + ℓ) · c + β) with ℓ = (D − s)/D, c = ½(1 + cos(2π n s/D)), s = min(t, D)."""
    s = np.minimum(t, decay_steps)                                               # s = min(t, D)
    linear = (decay_steps - s) / decay_steps                                     # ℓ = (D − s)/D
    cosine = 0.5 * (1.0 + np.cos(np.pi * (2.0 * num_periods * (s / decay_steps))))   # c = ½(1 + cos(2π n s/D))
    return learning_rate * ((alpha + linear) * cosine + beta)                    # η₀ · ((α + ℓ)·c + β)


class LinearCosineDecay(Schedule):
    """:func:`linear_cosine_decay`."""

    formula = staticmethod(linear_cosine_decay_formula)
    batched = ("learning_rate", "decay_steps", "num_periods", "alpha", "beta")


def linear_cosine_decay(
    learning_rate: Any, decay_steps: Any, num_periods: Any = 0.5, alpha: Any = 0.0, beta: Any = 0.001
) -> LinearCosineDecay:
    r"""Linear-cosine decay of Bello et al. (2017), as in TF1 ``linear_cosine_decay``.

    Let :math:`\eta_0, D, n, \alpha, \beta` be ``learning_rate``, ``decay_steps``,
    ``num_periods``, ``alpha``, ``beta``:

    .. math::
        \eta(t) = \eta_0\left[(\alpha + \ell)\,\tfrac12\left(1 + \cos\frac{2\pi n s}{D}\right) + \beta\right],
        \qquad s = \min(t, D),\ \ell = \frac{D - s}{D}

    It starts at :math:`\eta_0(1 + \alpha + \beta)` and ends at :math:`\eta_0\beta` (for
    :math:`n = 1/2`). TF only (no Keras 3, PyTorch or optax counterpart).

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.
    num_periods : float or (B,) array in [0, inf)
        :math:`n`, cosine periods over :math:`D`.
    alpha, beta : float or (B,) array in [0, inf)
        See the formula.

    References
    ----------
    I. Bello, B. Zoph, V. Vasudevan, Q. V. Le (2017), Neural Optimizer Search with
    Reinforcement Learning, ICML. tensorflow/tensorflow
    ``python/keras/optimizer_v2/legacy_learning_rate_decay.py`` (``linear_cosine_decay``).

    Examples
    --------
    >>> s = linear_cosine_decay(1.0, 100)
    >>> [f"{float(v):.4f}" for v in s([0, 50, 100])]
    ['1.0010', '0.2510', '0.0010']
    """
    s = LinearCosineDecay(learning_rate, decay_steps, num_periods, alpha, beta)
    check_interval("linear_cosine_decay", "learning_rate", s.learning_rate, 0, None, "left")
    check_interval("linear_cosine_decay", "decay_steps", s.decay_steps, 0, None, "neither")
    check_interval("linear_cosine_decay", "num_periods", s.num_periods, 0, None, "left")
    check_interval("linear_cosine_decay", "alpha", s.alpha, 0, None, "left")
    check_interval("linear_cosine_decay", "beta", s.beta, 0, None, "left")
    return s
