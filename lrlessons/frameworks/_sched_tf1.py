r"""TF1 ``tf.compat.v1.train`` learning-rate decay functions, built from :mod:`lrlessons.schedules`.

Each function has TF1's signature, ``(learning_rate, global_step, ...)``. When
``global_step`` is an int or an int array it returns the values (array in, array out, like
evaluating the tensor); when it is ``None`` it returns the schedule itself, ready to be
passed to an optimizer as its learning rate. Sources: tensorflow/tensorflow
``python/keras/optimizer_v2/legacy_learning_rate_decay.py`` (re-exported by
``python/training/learning_rate_decay.py``); formulas in ``shared/reference/frameworks.md`` §1.

Values here are float64. TF computes in the dtype of ``learning_rate`` (float32 for a Python
float), except that ``cosine_decay``, ``cosine_decay_restarts`` and ``linear_cosine_decay``
multiply by a float32 ``constant(math.pi)`` and so only run in float32: expect agreement to
about 1e-6 with real TF there, 1e-12 elsewhere when TF is given float64 inputs.

>>> lr = exponential_decay(0.1, None, 1000, 0.96, staircase=True)   # the article's schedule
>>> lr
ExponentialDecay(learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> print(f"{float(exponential_decay(0.1, 2500, 1000, 0.96, staircase=True)):.6f}")
0.092160
"""

from __future__ import annotations

from typing import Any

from .. import schedules as S
from .._checks import suggest_keywords

__all__ = [
    "exponential_decay",
    "natural_exp_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "piecewise_constant",
    "cosine_decay",
    "cosine_decay_restarts",
    "linear_cosine_decay",
]


def _apply(schedule: S.Schedule, global_step: Any):
    if global_step is None:
        return schedule
    if isinstance(global_step, S.Schedule) or callable(global_step):
        raise TypeError(
            f"The 'global_step' argument must be None (to get the schedule), an integer or an integer array. "
            f"Got {global_step!r} instead."
        )
    return schedule(global_step)


@suggest_keywords
def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    r"""``tf.compat.v1.train.exponential_decay``: :math:`\eta_0 r^{p}` (core :func:`~lrlessons.schedules.exponential_decay`).

    >>> [f"{v:.4f}" for v in exponential_decay(0.1, [0, 999, 1000], 1000, 0.96, staircase=True)]
    ['0.1000', '0.1000', '0.0960']
    """
    return _apply(S.exponential_decay(learning_rate, decay_steps, decay_rate, staircase), global_step)


@suggest_keywords
def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    r"""``tf.compat.v1.train.natural_exp_decay``: :math:`\eta_0 e^{-k p}` (core :func:`~lrlessons.schedules.natural_exp_decay`).

    >>> print(f"{float(natural_exp_decay(0.1, 5, 5, 0.5)):.6f}")
    0.060653
    """
    return _apply(S.natural_exp_decay(learning_rate, decay_steps, decay_rate, staircase), global_step)


@suggest_keywords
def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    r"""``tf.compat.v1.train.inverse_time_decay``: :math:`\eta_0/(1 + k p)` (core :func:`~lrlessons.schedules.inverse_time_decay`).

    >>> print(f"{float(inverse_time_decay(0.1, 10, 10, 1.0)):.3f}")
    0.050
    """
    return _apply(S.inverse_time_decay(learning_rate, decay_steps, decay_rate, staircase), global_step)


@suggest_keywords
def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False, name=None):
    r"""``tf.compat.v1.train.polynomial_decay`` with TF's ``cycle`` (core :func:`~lrlessons.schedules.polynomial_decay`).

    >>> [f"{v:.2f}" for v in polynomial_decay(1.0, [10, 11, 20, 21], 10, 0.0, cycle=True)]
    ['0.00', '0.45', '0.00', '0.30']
    """
    return _apply(S.polynomial_decay(learning_rate, decay_steps, end_learning_rate, power, cycle), global_step)


@suggest_keywords
def piecewise_constant(x, boundaries, values, name=None):
    r"""``tf.compat.v1.train.piecewise_constant(x, boundaries, values)``: changes one step **after** each boundary.

    ``values[0]`` while ``x <= boundaries[0]`` (core :func:`~lrlessons.schedules.piecewise_constant`,
    ``closed="right"``). The docstring's example keeps 1.0 for the first 100001 steps:

    >>> [float(v) for v in piecewise_constant([100000, 100001, 110001], [100000, 110000], [1.0, 0.5, 0.1])]
    [1.0, 0.5, 0.1]
    """
    return _apply(S.piecewise_constant(boundaries, values, closed="right"), x)


@suggest_keywords
def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    r"""``tf.compat.v1.train.cosine_decay``: clamps at :math:`\alpha\eta_0` after ``decay_steps`` (core :func:`~lrlessons.schedules.cosine_decay`).

    >>> [f"{v:.3f}" for v in cosine_decay(1.0, [0, 50, 100, 150], 100, alpha=0.1)]
    ['1.000', '0.550', '0.100', '0.100']
    """
    return _apply(S.cosine_decay(learning_rate, decay_steps, alpha), global_step)


@suggest_keywords
def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None):
    r"""``tf.compat.v1.train.cosine_decay_restarts`` (SGDR; core :func:`~lrlessons.schedules.cosine_decay_restarts`).

    >>> [f"{v:.3f}" for v in cosine_decay_restarts(1.0, [0, 10, 30], 10, m_mul=0.5, alpha=0.1)]
    ['1.000', '0.550', '0.325']
    """
    return _apply(S.cosine_decay_restarts(learning_rate, first_decay_steps, t_mul, m_mul, alpha), global_step)


@suggest_keywords
def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None):
    r"""``tf.compat.v1.train.linear_cosine_decay`` (Bello et al. 2017; core :func:`~lrlessons.schedules.linear_cosine_decay`).

    >>> [f"{v:.4f}" for v in linear_cosine_decay(1.0, [0, 100], 100)]
    ['1.0010', '0.0010']
    """
    return _apply(S.linear_cosine_decay(learning_rate, decay_steps, num_periods, alpha, beta), global_step)
