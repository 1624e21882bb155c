r"""optax schedules (``optax.schedules``), built from :mod:`lrlessons.schedules`.

optax names, signatures and defaults; ``count`` is the number of updates already applied,
so the first update uses ``s(0)``. Source: google-deepmind/optax
``optax/schedules/_schedule.py`` and ``optax/schedules/_join.py``.
Where optax logs and falls back to a constant (non-positive ``transition_steps``, zero
``decay_rate``, negative ``transition_begin``), the same fallback is kept, since that is the
value optax produces.

>>> s = warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=10, decay_steps=100, end_value=0.1)
>>> [f"{float(v):.2f}" for v in s([0, 5, 10, 55, 100, 200])]
['0.00', '0.50', '1.00', '0.55', '0.10', '0.10']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import schedules as S
from ...schedules.base import speaks_as
from ..._checks import check_integer, check_interval, suggest_keywords

__all__ = [
    "constant_schedule",
    "linear_schedule",
    "polynomial_schedule",
    "exponential_decay",
    "cosine_decay_schedule",
    "warmup_cosine_decay_schedule",
    "warmup_constant_schedule",
    "warmup_exponential_decay_schedule",
    "sgdr_schedule",
    "piecewise_constant_schedule",
    "piecewise_interpolate_schedule",
    "join_schedules",
    "cosine_onecycle_schedule",
    "linear_onecycle_schedule",
]


def _begin(schedule: S.Schedule, init_value: Any, transition_begin: int) -> S.Schedule:
    """Hold ``init_value`` until ``transition_begin``, then ``schedule`` on a restarted clock."""
    transition_begin = max(int(transition_begin), 0)        # optax: a negative begin falls back to 0
    if transition_begin == 0:
        return schedule
    return S.join([S.constant(init_value), schedule], [transition_begin])


@suggest_keywords
@speaks_as('constant_schedule', {'learning_rate': 'value'})
def constant_schedule(value):
    r"""``constant_schedule(value)`` (core :func:`~lrlessons.schedules.constant`).

    >>> float(constant_schedule(0.1)(7))
    0.1
    """
    return S.constant(value)


@suggest_keywords
@speaks_as('polynomial_schedule', {'learning_rate': 'init_value', 'end_learning_rate': 'end_value', 'decay_steps': 'transition_steps'}, scalar=('transition_steps', 'transition_begin'))
def polynomial_schedule(init_value, end_value, power, transition_steps, transition_begin=0):
    r"""``polynomial_schedule``: :math:`(v_0 - v_1)(1 - c/T)^{p} + v_1`, :math:`c = \mathrm{clip}(t - B, 0, T)`.

    Core :func:`~lrlessons.schedules.polynomial_decay` behind a hold of ``transition_begin``
    steps; ``transition_steps <= 0`` gives a constant ``init_value`` (optax's fallback).

    >>> [f"{float(v):.2f}" for v in polynomial_schedule(1.0, 0.0, 2, 10, transition_begin=5)([0, 5, 10, 15])]
    ['1.00', '1.00', '0.25', '0.00']
    """
    if transition_steps <= 0:
        return S.constant(init_value)
    return _begin(S.polynomial_decay(init_value, transition_steps, end_value, power), init_value, transition_begin)


@suggest_keywords
@speaks_as('linear_schedule', {'learning_rate': 'init_value', 'end_learning_rate': 'end_value', 'decay_steps': 'transition_steps'}, scalar=('transition_steps', 'transition_begin'))
def linear_schedule(init_value, end_value, transition_steps, transition_begin=0):
    r"""``linear_schedule``: :func:`polynomial_schedule` with power 1 (core :func:`~lrlessons.schedules.linear`).

    >>> [f"{float(v):.2f}" for v in linear_schedule(0.0, 1.0, 10)([0, 5, 10, 20])]
    ['0.00', '0.50', '1.00', '1.00']
    """
    if transition_steps <= 0:
        return S.constant(init_value)
    return _begin(S.linear(init_value, end_value, transition_steps), init_value, transition_begin)


@suggest_keywords
@speaks_as('exponential_decay', {'learning_rate': 'init_value', 'end_learning_rate': 'end_value', 'decay_steps': 'transition_steps'}, scalar=('transition_steps', 'transition_begin', 'decay_rate', 'end_value'))
def exponential_decay(init_value, transition_steps, decay_rate, transition_begin=0, staircase=False, end_value=None):
    r"""optax ``exponential_decay``: ``init_value`` until ``transition_begin``, then :math:`v_0 r^{p}`, :math:`p = (t - B)/T`.

    ``end_value`` bounds the decay (a floor if ``decay_rate < 1``, a cap otherwise: core
    :func:`~lrlessons.schedules.clip`).

    >>> s = exponential_decay(1.0, 1, 0.5, transition_begin=2, end_value=0.2)
    >>> [float(v) for v in s([0, 2, 3, 4, 5])]
    [1.0, 1.0, 0.5, 0.25, 0.2]
    """
    if transition_steps <= 0 or decay_rate == 0:
        return S.constant(init_value)
    s = _begin(S.exponential_decay(init_value, transition_steps, decay_rate, staircase), init_value, transition_begin)
    if end_value is not None:
        s = S.clip(s, min_learning_rate=end_value) if decay_rate < 1.0 else S.clip(s, max_learning_rate=end_value)
    return s


@suggest_keywords
@speaks_as('cosine_decay_schedule', {'learning_rate': 'init_value'})
def cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0):
    r"""``cosine_decay_schedule``: :math:`v_0((1-\alpha)c^{e} + \alpha)`, clamped after ``decay_steps`` (core :func:`~lrlessons.schedules.cosine_decay`).

    >>> [f"{float(v):.3f}" for v in cosine_decay_schedule(1.0, 100, exponent=2.0)([0, 50, 100])]
    ['1.000', '0.250', '0.000']
    """
    return S.cosine_decay(init_value, decay_steps, alpha, exponent)


@suggest_keywords
@speaks_as('warmup_cosine_decay_schedule', {'learning_rate': 'peak_value', 'start_lr': 'init_value', 'alpha': 'end_value'}, scalar=('peak_value', 'end_value', 'warmup_steps', 'decay_steps'))
def warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps, end_value=0.0, exponent=1.0):
    r"""``warmup_cosine_decay_schedule``: linear warmup to ``peak_value``, then cosine to ``end_value``.

    ``decay_steps`` **includes** the warmup: the cosine lasts ``decay_steps - warmup_steps``
    with :math:`\alpha` = ``end_value / peak_value``. Core
    :func:`~lrlessons.schedules.warmup` of :func:`~lrlessons.schedules.cosine_decay`.

    >>> [f"{float(v):.2f}" for v in warmup_cosine_decay_schedule(0.0, 1.0, 10, 100)([10, 55, 100])]
    ['1.00', '0.50', '0.00']
    """
    alpha = 0.0 if peak_value == 0.0 else end_value / peak_value
    check_integer("warmup_cosine_decay_schedule", "warmup_steps", warmup_steps, 0, None)
    return S.warmup(S.cosine_decay(peak_value, decay_steps - warmup_steps, alpha, exponent), warmup_steps, start_lr=init_value)


@suggest_keywords
@speaks_as('warmup_constant_schedule', {('linear_schedule', 'init_value'): 'init_value', ('linear_schedule', 'end_value'): 'peak_value', ('linear_schedule', 'transition_steps'): 'warmup_steps'}, scalar=('warmup_steps',))
def warmup_constant_schedule(init_value, peak_value, warmup_steps):
    r"""``warmup_constant_schedule``: linear from ``init_value`` to ``peak_value``, then flat (a :func:`linear_schedule`).

    >>> [f"{float(v):.2f}" for v in warmup_constant_schedule(0.0, 1.0, 4)([0, 2, 4, 9])]
    ['0.00', '0.50', '1.00', '1.00']
    """
    return linear_schedule(init_value, peak_value, warmup_steps)


@suggest_keywords
@speaks_as('warmup_exponential_decay_schedule', {('linear_schedule', 'init_value'): 'init_value', ('linear_schedule', 'end_value'): 'peak_value', ('linear_schedule', 'transition_steps'): 'warmup_steps', ('exponential_decay', 'init_value'): 'peak_value'}, scalar=('warmup_steps', 'transition_steps', 'transition_begin', 'decay_rate', 'end_value', 'peak_value'))
def warmup_exponential_decay_schedule(
    init_value, peak_value, warmup_steps, transition_steps, decay_rate, transition_begin=0, staircase=False, end_value=None
):
    r"""``warmup_exponential_decay_schedule``: linear warmup, then :func:`exponential_decay` on a clock restarted at ``warmup_steps``.

    >>> s = warmup_exponential_decay_schedule(0.0, 1.0, 2, 1, 0.5)
    >>> [float(v) for v in s([0, 1, 2, 3, 4])]
    [0.0, 0.5, 1.0, 0.5, 0.25]
    """
    return join_schedules(
        [linear_schedule(init_value, peak_value, warmup_steps),
         exponential_decay(peak_value, transition_steps, decay_rate, transition_begin, staircase, end_value)],
        [warmup_steps],
    )


@suggest_keywords
def sgdr_schedule(cosine_kwargs):
    r"""``sgdr_schedule``: consecutive :func:`warmup_cosine_decay_schedule` cycles, each lasting its own ``decay_steps``.

    >>> s = sgdr_schedule([dict(init_value=0.0, peak_value=1.0, warmup_steps=2, decay_steps=6)] * 2)
    >>> [f"{float(v):.2f}" for v in s([0, 2, 4, 6, 8, 20])]
    ['0.00', '1.00', '0.50', '0.00', '1.00', '0.00']
    """
    schedules, boundaries, step = [], [], 0
    for kwargs in cosine_kwargs:
        schedules.append(warmup_cosine_decay_schedule(**kwargs))
        step += kwargs["decay_steps"]
        boundaries.append(step)
    return S.join(schedules, boundaries[:-1])


def _sorted_items(owner: str, boundaries_and_scales: Any):
    items = sorted((boundaries_and_scales or {}).items())
    for b, scale in items:
        check_integer(owner, "boundaries_and_scales", b, 0, None)
        check_interval(owner, "boundaries_and_scales", scale, 0, None, "left")
    return [int(b) for b, _ in items], [s for _, s in items]


def _cumulative(init_value, scales):
    """``init_value`` times the running product of ``scales`` (optax's ``cumprod``)."""
    return np.cumprod(np.concatenate([[np.float64(init_value)], np.asarray(scales, dtype=np.float64)]))


@suggest_keywords
@speaks_as('piecewise_constant_schedule', {'values': 'init_value', 'boundaries': 'boundaries_and_scales'})
def piecewise_constant_schedule(init_value, boundaries_and_scales=None):
    r"""``piecewise_constant_schedule``: :math:`v_0 \prod_{b_i \le t} s_i`; scales multiply and change **at** :math:`t = b`.

    Core :func:`~lrlessons.schedules.piecewise_constant` with ``closed="left"``.

    >>> [f"{float(v):.2f}" for v in piecewise_constant_schedule(1.0, {5: 0.5, 10: 0.2})([4, 5, 10])]
    ['1.00', '0.50', '0.10']
    """
    bounds, scales = _sorted_items("piecewise_constant_schedule", boundaries_and_scales)
    return S.piecewise_constant(bounds, _cumulative(init_value, scales), closed="left")


@suggest_keywords
@speaks_as('piecewise_interpolate_schedule', {'values': 'init_value', 'boundaries': 'boundaries_and_scales', 'interpolation': 'interpolate_type'})
def piecewise_interpolate_schedule(interpolate_type, init_value, boundaries_and_scales=None):
    r"""``piecewise_interpolate_schedule``: interpolate between knots (0, :math:`v_0`), (:math:`b_i`, :math:`v_0\prod_{j\le i}s_j`).

    Core :func:`~lrlessons.schedules.piecewise_interpolate`.

    >>> s = piecewise_interpolate_schedule("linear", 1.0, {10: 0.5})
    >>> [f"{float(v):.2f}" for v in s([0, 5, 10, 20])]
    ['1.00', '0.75', '0.50', '0.50']
    """
    bounds, scales = _sorted_items("piecewise_interpolate_schedule", boundaries_and_scales)
    return S.piecewise_interpolate([0, *bounds], _cumulative(init_value, scales), interpolate_type)


@suggest_keywords
@speaks_as('join_schedules')
def join_schedules(schedules, boundaries):
    r"""``join_schedules``: for :math:`t \ge b_i` use ``schedules[i+1](t - b_i)`` (core :func:`~lrlessons.schedules.join`).

    >>> s = join_schedules([constant_schedule(1.0), constant_schedule(0.5)], [3])
    >>> [float(v) for v in s([2, 3])]
    [1.0, 0.5]
    """
    return S.join(list(schedules), list(boundaries))


def _check_transition(owner, transition_steps):
    check_integer(owner, "transition_steps", transition_steps, 1, None)


@suggest_keywords
@speaks_as('cosine_onecycle_schedule', {('piecewise_interpolate_schedule', 'init_value'): 'peak_value', ('piecewise_interpolate_schedule', 'boundaries_and_scales'): 'pct_start'}, scalar=('transition_steps', 'peak_value', 'pct_start', 'div_factor', 'final_div_factor'))
def cosine_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    r"""``cosine_onecycle_schedule``: cosine from ``peak/div`` up to ``peak`` at :math:`\lfloor \text{pct}\,T\rfloor`, down to ``peak/(div·final_div)`` at :math:`T`.

    Knots as optax places them (PyTorch's ``OneCycleLR`` peaks at ``pct·T − 1``; see
    :func:`~lrlessons.schedules.one_cycle`).

    >>> [f"{float(v):.6f}" for v in cosine_onecycle_schedule(100, 1.0)([0, 30, 100])]
    ['0.040000', '1.000000', '0.000004']
    """
    _check_transition("cosine_onecycle_schedule", transition_steps)
    return piecewise_interpolate_schedule(
        "cosine", peak_value / div_factor,
        {int(pct_start * transition_steps): div_factor, int(transition_steps): 1.0 / (div_factor * final_div_factor)},
    )


@suggest_keywords
@speaks_as('linear_onecycle_schedule', {('piecewise_interpolate_schedule', 'init_value'): 'peak_value', ('piecewise_interpolate_schedule', 'boundaries_and_scales'): 'pct_start'}, scalar=('transition_steps', 'peak_value', 'pct_start', 'pct_final', 'div_factor', 'final_div_factor'))
def linear_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, pct_final=0.85, div_factor=25.0, final_div_factor=1e4):
    r"""``linear_onecycle_schedule``: three linear legs, up to ``peak``, back to ``peak/div`` at ``pct_final``, down to the end at :math:`T`.

    >>> [f"{float(v):.4f}" for v in linear_onecycle_schedule(100, 1.0)([0, 30, 85, 100])]
    ['0.0400', '1.0000', '0.0400', '0.0000']
    """
    _check_transition("linear_onecycle_schedule", transition_steps)
    return piecewise_interpolate_schedule(
        "linear", peak_value / div_factor,
        {int(pct_start * transition_steps): div_factor, int(pct_final * transition_steps): 1.0 / div_factor,
         transition_steps: 1.0 / final_div_factor},
    )
