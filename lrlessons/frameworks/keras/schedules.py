r"""Keras 3 ``keras.optimizers.schedules``, built from :mod:`lrlessons.schedules`.

Keras signatures and defaults (``name`` is accepted and ignored). A Keras schedule is called
with ``optimizer.iterations`` before its increment, so the first update uses ``s(0)``.
Source: keras-team/keras ``keras/src/optimizers/schedules/learning_rate_schedule.py`` (the same
code as tf.keras, tensorflow/tensorflow ``python/keras/optimizer_v2/learning_rate_schedule.py``).

>>> s = CosineDecay(0.0, decay_steps=100, alpha=0.1, warmup_target=1.0, warmup_steps=10)
>>> [f"{float(v):.2f}" for v in s([5, 10, 60, 110, 200])]
['0.50', '1.00', '0.55', '0.10', '0.10']
"""

from __future__ import annotations

from ... import schedules as S
from ...schedules.base import speaks_as
from ..._checks import check_integer, suggest_keywords

__all__ = [
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
]


@suggest_keywords
@speaks_as('ExponentialDecay', {'learning_rate': 'initial_learning_rate'})
def ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
    r"""``ExponentialDecay``: :math:`\eta_0 r^{p}` (core :func:`~lrlessons.schedules.exponential_decay`).

    >>> print(f"{float(ExponentialDecay(0.1, 1000, 0.96, staircase=True)(1000)):.3f}")
    0.096
    """
    return S.exponential_decay(initial_learning_rate, decay_steps, decay_rate, staircase)


@suggest_keywords
@speaks_as('PiecewiseConstantDecay')
def PiecewiseConstantDecay(boundaries, values, name="PiecewiseConstant"):
    r"""``PiecewiseConstantDecay``: like TF1, the value changes one step **after** each boundary.

    >>> [float(v) for v in PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])([5, 6, 10, 11])]
    [1.0, 0.5, 0.5, 0.1]
    """
    return S.piecewise_constant(boundaries, values, closed="right")


@suggest_keywords
@speaks_as('PolynomialDecay', {'learning_rate': 'initial_learning_rate'})
def PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False, name="PolynomialDecay"):
    r"""``PolynomialDecay`` with TF's ``cycle`` (core :func:`~lrlessons.schedules.polynomial_decay`).

    >>> [f"{float(v):.2f}" for v in PolynomialDecay(1.0, 10, 0.0, cycle=True)([10, 11, 20, 21])]
    ['0.00', '0.45', '0.00', '0.30']
    """
    return S.polynomial_decay(initial_learning_rate, decay_steps, end_learning_rate, power, cycle)


@suggest_keywords
@speaks_as('InverseTimeDecay', {'learning_rate': 'initial_learning_rate'})
def InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
    r"""``InverseTimeDecay``: :math:`\eta_0/(1 + k p)` (core :func:`~lrlessons.schedules.inverse_time_decay`).

    >>> print(f"{float(InverseTimeDecay(0.1, 1.0, 0.5)(2)):.3f}")
    0.050
    """
    return S.inverse_time_decay(initial_learning_rate, decay_steps, decay_rate, staircase)


@suggest_keywords
@speaks_as('CosineDecay', {'learning_rate': 'initial_learning_rate'})
def CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None, warmup_steps=0):
    r"""``CosineDecay``, with the optional linear warmup of Keras 3.

    Without ``warmup_target``: core :func:`~lrlessons.schedules.cosine_decay`. With
    ``warmup_target = P``: ramp from ``initial_learning_rate`` to :math:`P` over ``warmup_steps``,
    then ``cosine_decay(P, decay_steps, alpha)`` on a clock restarted at ``warmup_steps``
    (a :func:`~lrlessons.schedules.warmup`). ``decay_steps`` **excludes** the warmup (optax's
    ``warmup_cosine_decay_schedule`` includes it), and ``alpha`` is relative to :math:`P`.

    >>> [f"{float(v):.3f}" for v in CosineDecay(1.0, 100, alpha=0.1)([0, 100, 200])]
    ['1.000', '0.100', '0.100']
    """
    if warmup_target is None:
        return S.cosine_decay(initial_learning_rate, decay_steps, alpha)
    check_integer("CosineDecay", "warmup_steps", warmup_steps, 0, None)
    return S.warmup(S.cosine_decay(warmup_target, decay_steps, alpha), warmup_steps, start_lr=initial_learning_rate)


@suggest_keywords
@speaks_as('CosineDecayRestarts', {'learning_rate': 'initial_learning_rate'})
def CosineDecayRestarts(initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
    r"""``CosineDecayRestarts`` (SGDR, same code as TF1; core :func:`~lrlessons.schedules.cosine_decay_restarts`).

    >>> [f"{float(v):.3f}" for v in CosineDecayRestarts(1.0, 10, m_mul=0.5, alpha=0.1)([10, 30])]
    ['0.550', '0.325']
    """
    return S.cosine_decay_restarts(initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha)
