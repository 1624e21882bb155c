r"""Learning-rate schedules: pure, vectorized functions of the step.

A schedule is a callable ``step -> learning rate``. ``step`` counts the updates already
applied, so the first update uses ``s(0)`` (as in TF1, Keras, optax and PyTorch; see
``shared/reference/frameworks.md``, "Step 0"). Schedules hold no state: calling one twice, or
out of order, is harmless.

* Scalar step in, 0-d ``float64`` array out; integer array in, array of the same shape out.
* Any numeric hyperparameter may be a ``(B,)`` array (B runs); the result then has shape
  ``(B,) + step.shape``, one row per run, equal to B separate schedules.
* Steps must be non-negative integers (integral floats are accepted); anything else raises.

Every schedule is a frozen dataclass whose ``repr`` shows its arguments, so a notebook can
print it and nbval compares the same text every run.

>>> s = exponential_decay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> [f"{float(v):.4f}" for v in s([0, 999, 1000, 2500])]
['0.1000', '0.1000', '0.0960', '0.0922']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

import numpy as np

from ._batch import batch_shape, leading
from ._checks import check_bool, check_choice, check_integer, check_interval, check_finite

__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "exponential_decay",
    "warmup",
    "join",
]


def _steps(owner: str, step: Any) -> np.ndarray:
    """Validate a step argument and return it as a float64 array (same shape)."""
    arr = np.asarray(step)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(
            f"The 'step' argument of {owner} must be a non-negative integer or an array of them. "
            f"Got {step!r} instead."
        )
    if np.issubdtype(arr.dtype, np.floating):
        check_finite(owner, "step", arr)
        if not np.all(np.mod(arr, 1) == 0):
            bad = arr[np.mod(arr, 1) != 0].flat[0]
            raise TypeError(
                f"The 'step' argument of {owner} must be a non-negative integer (it counts updates "
                f"already applied). Got {bad!r} instead."
            )
    if np.any(arr < 0):
        bad = arr[arr < 0].flat[0]
        raise ValueError(
            f"The 'step' argument of {owner} must be in [0, inf) (it counts updates already "
            f"applied). Got {bad.item()!r} instead."
        )
    return arr.astype(np.float64)


class Schedule:
    """Base class of every schedule: validates the step, then calls ``_value``.

    Subclasses are ``@dataclass(frozen=True, eq=False)`` with a ``_value(t)`` method that
    receives a float64 array of steps and returns the learning rate using only vectorized
    NumPy (``np.where``, ``np.minimum``, ``np.searchsorted``; never an ``if`` on the step).
    ``_value`` may be called with negative local steps by :func:`join`, so it must stay
    finite there (clip first). ``_batched`` names the fields that may be ``(B,)`` arrays.
    """

    _batched: tuple[str, ...] = ()

    def __call__(self, step: Any) -> np.ndarray:
        t = _steps(type(self).__name__, step)
        return self._output(self._value(t), t)

    def _output(self, value: Any, t: np.ndarray) -> np.ndarray:
        shape = self.batch_shape + t.shape
        out = np.asarray(value, dtype=np.float64)
        if out.shape != shape:
            out = np.broadcast_to(out, shape).copy()
        return out

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """``()`` for one run, ``(B,)`` when some hyperparameter is a ``(B,)`` array."""
        return batch_shape(*(getattr(self, name) for name in self._batched))

    def _value(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = []
        for f in fields(self):  # type: ignore[arg-type]
            if not f.repr:
                continue
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v.tolist()
            args.append(f"{f.name}={v!r}")
        return f"{type(self).__name__}({', '.join(args)})"


def _hp(value: Any) -> Any:
    """Store a hyperparameter: a list/tuple becomes a float array, numbers stay as given."""
    if isinstance(value, (list, tuple)):
        return np.asarray(value, dtype=np.float64)
    return value


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, eq=False, repr=False)
class Constant(Schedule):
    r"""The same learning rate at every step: :math:`\eta(t) = \eta_0`."""

    learning_rate: Any
    _batched = ("learning_rate",)

    def __post_init__(self):
        _set(self, "learning_rate", _hp(self.learning_rate))
        check_interval("constant", "learning_rate", self.learning_rate, 0, None, "left")

    def _value(self, t):
        (lr0,) = leading(t, self.learning_rate)
        return lr0 * np.ones_like(t)


def constant(learning_rate: Any) -> Constant:
    r"""A fixed learning rate, :math:`\eta(t) = \eta_0` (TF1 ``GradientDescentOptimizer(0.01)``).

    >>> float(constant(0.01)(123))
    0.01
    """
    return Constant(learning_rate)


@dataclass(frozen=True, eq=False, repr=False)
class ExponentialDecay(Schedule):
    r"""Exponential decay, :math:`\eta(t) = \eta_0 \, r^{p}` with :math:`p = t/D`, floored when ``staircase``.

    TF1 ``tf.train.exponential_decay``, Keras ``ExponentialDecay`` (same code); PyTorch's
    ``StepLR`` is the staircase case and ``ExponentialLR`` the case ``D = 1``.
    """

    learning_rate: Any
    decay_steps: Any
    decay_rate: Any
    staircase: bool = False
    _batched = ("learning_rate", "decay_steps", "decay_rate")

    def __post_init__(self):
        for name in ("learning_rate", "decay_steps", "decay_rate"):
            _set(self, name, _hp(getattr(self, name)))
        check_interval("exponential_decay", "learning_rate", self.learning_rate, 0, None, "left")
        check_interval("exponential_decay", "decay_steps", self.decay_steps, 0, None, "neither")
        check_interval("exponential_decay", "decay_rate", self.decay_rate, 0, None, "left")
        check_bool("exponential_decay", "staircase", self.staircase)

    def _value(self, t):
        lr0, D, r = leading(t, self.learning_rate, self.decay_steps, self.decay_rate)
        p = t / D                                   # p = t / D
        if self.staircase:
            p = np.floor(p)                         # p = ⌊t / D⌋
        return lr0 * r**p                           # η(t) = η₀ · r^p


def exponential_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> ExponentialDecay:
    r"""Exponential decay :math:`\eta(t) = \eta_0\, r^{t/D}`, or :math:`\eta_0\, r^{\lfloor t/D \rfloor}` with ``staircase``.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`, the value at step 0.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`, the number of steps over which the rate is multiplied by ``decay_rate``.
    decay_rate : float or (B,) array in [0, inf)
        :math:`r`.
    staircase : bool
        Floor ``t / D`` so the rate drops in steps (TF1 ``staircase=True``).

    The article's example, ``tf.train.exponential_decay(0.1, global_step, 1000, 0.96,
    staircase=True)``:

    >>> s = exponential_decay(0.1, 1000, 0.96, staircase=True)
    >>> print(f"{float(s(999)):.4f} {float(s(1000)):.4f}")
    0.1000 0.0960
    """
    return ExponentialDecay(learning_rate, decay_steps, decay_rate, staircase)


@dataclass(frozen=True, eq=False, repr=False)
class Join(Schedule):
    r"""Piecewise composition: for :math:`b_{i} \le t < b_{i+1}` use :math:`s_{i+1}(t - b_i)`.

    Each later piece sees a *restarted* clock (optax ``join_schedules``).
    """

    schedules: tuple
    boundaries: tuple

    def __post_init__(self):
        _set(self, "schedules", tuple(self.schedules))
        _set(self, "boundaries", tuple(self.boundaries))
        if len(self.schedules) == 0:
            raise ValueError("The 'schedules' parameter of join must be a non-empty sequence of schedules. Got () instead.")
        for i, s in enumerate(self.schedules):
            if not callable(s):
                raise TypeError(f"The 'schedules' parameter of join must hold callables. Got {s!r} at index {i} instead.")
        if len(self.boundaries) != len(self.schedules) - 1:
            raise ValueError(
                f"The 'boundaries' parameter of join must have len(schedules) - 1 = {len(self.schedules) - 1} "
                f"entries. Got {len(self.boundaries)} instead."
            )
        for b in self.boundaries:
            check_integer("join", "boundaries", b, 0, None)
        if any(b1 <= b0 for b0, b1 in zip(self.boundaries, self.boundaries[1:])):
            raise ValueError(f"The 'boundaries' parameter of join must be strictly increasing. Got {self.boundaries!r} instead.")

    @property
    def batch_shape(self):
        return batch_shape(*(np.empty(getattr(s, "batch_shape", ())) for s in self.schedules))

    def _piece(self, s, local):
        if isinstance(s, Schedule):
            return s._output(s._value(local), local)
        return np.asarray(s(np.maximum(local, 0).astype(np.int64)), dtype=np.float64)

    def _value(self, t):
        out = self._piece(self.schedules[0], t)
        for b, s in zip(self.boundaries, self.schedules[1:]):
            out = np.where(t >= b, self._piece(s, t - b), out)    # t ≥ b: s(t − b)
        return out


def join(schedules, boundaries) -> Join:
    r"""Use ``schedules[0]`` until ``boundaries[0]``, then ``schedules[1]`` restarted at 0, and so on.

    >>> s = join([constant(1.0), exponential_decay(1.0, 1, 0.5)], [3])
    >>> [float(v) for v in s([0, 2, 3, 4, 5])]
    [1.0, 1.0, 1.0, 0.5, 0.25]
    """
    return Join(schedules, boundaries)


@dataclass(frozen=True, eq=False, repr=False)
class Warmup(Schedule):
    r"""Linear warmup in front of a schedule.

    .. math::
        \eta(t) = \begin{cases} \eta_s + (s(0) - \eta_s)\, t / W & t < W \\ s(t - W) & t \ge W \end{cases}

    The ramp ends exactly at the wrapped schedule's first value, and the wrapped schedule's
    clock restarts at ``W`` (Keras ``CosineDecay(warmup_target=…)``, optax
    ``warmup_*_schedule``).
    """

    schedule: Any
    warmup_steps: Any
    start_lr: Any = 0.0
    _batched = ("warmup_steps", "start_lr")

    def __post_init__(self):
        _set(self, "warmup_steps", _hp(self.warmup_steps))
        _set(self, "start_lr", _hp(self.start_lr))
        if not callable(self.schedule):
            raise TypeError(f"The 'schedule' parameter of warmup must be a schedule (a callable). Got {self.schedule!r} instead.")
        check_integer("warmup", "warmup_steps", self.warmup_steps, 0, None)
        check_interval("warmup", "start_lr", self.start_lr, 0, None, "left")

    @property
    def batch_shape(self):
        inner = getattr(self.schedule, "batch_shape", ())
        return batch_shape(np.empty(inner), *(getattr(self, n) for n in self._batched))

    def _inner(self, local):
        if isinstance(self.schedule, Schedule):
            return self.schedule._output(self.schedule._value(local), local)
        return np.asarray(self.schedule(np.maximum(local, 0).astype(np.int64)), dtype=np.float64)

    def _value(self, t):
        W, lr_start = leading(t, self.warmup_steps, self.start_lr)
        target = self._inner(np.zeros_like(t))                   # s(0), where the ramp ends
        frac = t / np.where(W > 0, W, 1)                         # t / W
        ramp = lr_start + (target - lr_start) * frac             # η_s + (s(0) − η_s)·t/W
        after = self._inner(np.maximum(t - W, 0))                # s(t − W)
        return np.where(t < W, ramp, after)


def warmup(schedule: Callable, warmup_steps: Any, start_lr: Any = 0.0) -> Warmup:
    r"""Ramp linearly from ``start_lr`` to ``schedule(0)`` over ``warmup_steps``, then follow ``schedule``.

    The article's warmup, ``step / 1000 * 0.01`` while ``step < 1000`` and ``0.01`` after:

    >>> w = warmup(constant(0.01), warmup_steps=1000)
    >>> [f"{float(v):.5f}" for v in w([0, 1, 500, 999, 1000, 5000])]
    ['0.00000', '0.00001', '0.00500', '0.00999', '0.01000', '0.01000']
    """
    return Warmup(schedule, warmup_steps, start_lr)


def as_schedule(lr: Any) -> Callable:
    """A schedule for ``lr``: callables are returned as they are, numbers become :func:`constant`."""
    return lr if callable(lr) else constant(lr)
