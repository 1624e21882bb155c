r"""Composition: join schedules end to end, put a warmup in front, clip, and turn a number into a schedule.

A composite's formula receives the schedules it wraps as plain functions of float steps, so it
reads like the math: ``schedule(t - W)``. A later piece runs on its own clock, restarted at 0
where it begins (optax ``join_schedules``, Keras ``CosineDecay(warmup_target=…)``); before
that the piece is evaluated at 0, never at a negative step, and :func:`numpy.where` keeps
the value of the piece in force.

>>> from lrlessons.schedules import cosine_decay
>>> s = warmup(cosine_decay(0.1, decay_steps=100), warmup_steps=10)
>>> [f"{float(v):.3f}" for v in s([0, 5, 10, 60, 110])]
['0.000', '0.050', '0.100', '0.050', '0.000']
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._checks import check_integer, check_interval, is_number
from .base import Schedule
from .decay import constant

__all__ = [
    "clip", "join", "warmup", "as_schedule", "Clip", "Join", "Warmup",
    "clip_formula", "join_formula", "warmup_formula",
]


# ----------------------------------------------------------------------------------------
# clip
# ----------------------------------------------------------------------------------------


def clip_formula(t, schedule, min_learning_rate, max_learning_rate):
    """η(t) = min(max(s(t), η_lo), η_hi); a bound that is None is left out."""
    out = schedule(t)
    if min_learning_rate is not None:
        out = np.maximum(out, min_learning_rate)                 # max(s(t), η_lo)
    if max_learning_rate is not None:
        out = np.minimum(out, max_learning_rate)                 # min(…, η_hi)
    return out


class Clip(Schedule):
    """:func:`clip`."""

    formula = staticmethod(clip_formula)
    batched = ("min_learning_rate", "max_learning_rate")
    nested = ("schedule",)


def _check_schedule(owner: str, schedule: Any) -> None:
    if not callable(schedule):
        raise TypeError(f"The 'schedule' parameter of {owner} must be a schedule (a callable). Got {schedule!r} instead.")


def clip(schedule: Callable, min_learning_rate: Any = None, max_learning_rate: Any = None) -> Clip:
    r"""Bound a schedule: :math:`\eta(t) = \min(\max(s(t), \eta_{lo}), \eta_{hi})` (``None`` = no bound).

    Let :math:`s, \eta_{lo}, \eta_{hi}` be ``schedule``, ``min_learning_rate``,
    ``max_learning_rate``.

    Parameters
    ----------
    schedule : callable
        :math:`s`.
    min_learning_rate, max_learning_rate : float or (B,) array in [0, inf), or None
        :math:`\eta_{lo}`, :math:`\eta_{hi}`.

    Notes
    -----
    The Object Detection API's ``min_learning_rate`` (it also bounds the burn-in value) and
    optax ``exponential_decay(end_value=…)`` (a floor when the rate is below 1, a cap above).

    Examples
    --------
    >>> from lrlessons.schedules import exponential_decay
    >>> s = clip(exponential_decay(1.0, 1, 0.5), min_learning_rate=0.2)
    >>> [float(v) for v in s([0, 1, 2, 3])]
    [1.0, 0.5, 0.25, 0.2]
    """
    _check_schedule("clip", schedule)
    s = Clip(schedule, min_learning_rate, max_learning_rate)
    for name in ("min_learning_rate", "max_learning_rate"):
        if getattr(s, name) is not None:
            check_interval("clip", name, getattr(s, name), 0, None, "left")
    return s


# ----------------------------------------------------------------------------------------
# join
# ----------------------------------------------------------------------------------------


def join_formula(t, schedules, boundaries):
    """η(t) = s_i+1(t − b_i) for b_i ≤ t < b_i+1: each later piece starts its own clock at 0."""
    out = schedules[0](t)
    for b, s in zip(boundaries, schedules[1:]):
        out = np.where(t >= b, s(np.maximum(t - b, 0)), out)    # from b on: s(t − b)
    return out


class Join(Schedule):
    """:func:`join`."""

    formula = staticmethod(join_formula)
    nested = ("schedules",)


def join(schedules, boundaries) -> Join:
    r"""Use ``schedules[0]`` until ``boundaries[0]``, then ``schedules[1]`` restarted at 0, and so on.

    Let :math:`s_0, \dots, s_n` be ``schedules`` and :math:`b_0 < \dots < b_{n-1}` ``boundaries``:

    .. math::
        \eta(t) = s_{i+1}(t - b_i) \quad\text{for}\quad b_i \le t < b_{i+1} \qquad (b_{-1} = 0)

    Each piece sees a restarted clock.

    Parameters
    ----------
    schedules : sequence of callables, non-empty
        :math:`s_0, \dots, s_n`.
    boundaries : sequence of n ints >= 0, strictly increasing
        :math:`b_0, \dots, b_{n-1}`.

    Notes
    -----
    optax ``join_schedules`` (google-deepmind/optax ``optax/schedules/_join.py``); PyTorch
    ``SequentialLR`` (which also restarts the next scheduler at its epoch 0).

    Examples
    --------
    >>> from lrlessons.schedules import exponential_decay
    >>> s = join([constant(1.0), exponential_decay(1.0, 1, 0.5)], [3])
    >>> [float(v) for v in s([0, 2, 3, 4, 5])]
    [1.0, 1.0, 1.0, 0.5, 0.25]
    """
    schedules = tuple(schedules)
    boundaries = tuple(int(b) if is_number(b) and float(b).is_integer() else b for b in boundaries)
    if len(schedules) == 0:
        raise ValueError("The 'schedules' parameter of join must be a non-empty sequence of schedules. Got () instead.")
    for i, s in enumerate(schedules):
        if not callable(s):
            raise TypeError(f"The 'schedules' parameter of join must hold callables. Got {s!r} at index {i} instead.")
    if len(boundaries) != len(schedules) - 1:
        raise ValueError(
            f"The 'boundaries' parameter of join must have len(schedules) - 1 = {len(schedules) - 1} "
            f"entries. Got {len(boundaries)} instead."
        )
    for b in boundaries:
        check_integer("join", "boundaries", b, 0, None)
    if any(b1 <= b0 for b0, b1 in zip(boundaries, boundaries[1:])):
        raise ValueError(f"The 'boundaries' parameter of join must be strictly increasing. Got {boundaries!r} instead.")
    return Join(schedules, boundaries)


# ----------------------------------------------------------------------------------------
# warmup
# ----------------------------------------------------------------------------------------


def warmup_formula(t, schedule, warmup_steps, start_lr):
    """η(t) = η_s + (s(0) − η_s) · t/W while t < W, then s(t − W): the schedule's clock restarts at W."""
    target = schedule(np.zeros_like(t))                                        # s(0), where the ramp ends
    ramp = start_lr + (target - start_lr) * (t / np.maximum(warmup_steps, 1))  # η_s + (s(0) − η_s)·t/W
    after = schedule(np.maximum(t - warmup_steps, 0))                          # s(t − W)
    return np.where(t < warmup_steps, ramp, after)


class Warmup(Schedule):
    """:func:`warmup`."""

    formula = staticmethod(warmup_formula)
    batched = ("warmup_steps", "start_lr")
    nested = ("schedule",)


def warmup(schedule: Callable, warmup_steps: Any, start_lr: Any = 0.0) -> Warmup:
    r"""Ramp linearly from ``start_lr`` to ``schedule(0)`` over ``warmup_steps``, then follow ``schedule``.

    Let :math:`s, W, \eta_s` be ``schedule``, ``warmup_steps``, ``start_lr``:

    .. math::
        \eta(t) = \begin{cases} \eta_s + (s(0) - \eta_s)\, t / W & t < W \\ s(t - W) & t \ge W \end{cases}

    The ramp ends exactly at the wrapped schedule's first value, and the wrapped schedule's
    clock restarts at :math:`W`.

    Parameters
    ----------
    schedule : callable
        :math:`s`, the schedule that follows the warmup.
    warmup_steps : int or (B,) array of int >= 0
        :math:`W`.
    start_lr : float or (B,) array in [0, inf)
        :math:`\eta_s`, the value at step 0.

    Notes
    -----
    The clock restarts as in Keras ``CosineDecay(warmup_target=…)``, optax
    ``warmup_*_schedule`` and the current Object Detection API schedules (the 2017–2019 OD
    burn-in did not restart it).

    References
    ----------
    P. Goyal et al. (2017), Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour,
    arXiv:1706.02677, §2.2 (there from :math:`\eta` to :math:`k\eta` over 5 epochs).

    Examples
    --------
    The article's warmup, ``step / 1000 * 0.01`` while ``step < 1000`` and ``0.01`` after:

    >>> w = warmup(constant(0.01), warmup_steps=1000)
    >>> [f"{float(v):.5f}" for v in w([0, 1, 500, 999, 1000, 5000])]
    ['0.00000', '0.00001', '0.00500', '0.00999', '0.01000', '0.01000']
    """
    _check_schedule("warmup", schedule)
    s = Warmup(schedule, warmup_steps, start_lr)
    check_integer("warmup", "warmup_steps", s.warmup_steps, 0, None)
    check_interval("warmup", "start_lr", s.start_lr, 0, None, "left")
    return s


def as_schedule(lr: Any) -> Callable:
    """A schedule for ``lr``: callables are returned as they are, numbers become :func:`constant`.

    >>> as_schedule(0.1)
    Constant(learning_rate=0.1)
    """
    return lr if callable(lr) else constant(lr)
