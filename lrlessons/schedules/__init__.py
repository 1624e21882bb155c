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

Where the frameworks disagree about the "same" schedule, a documented keyword chooses, and
``lrlessons.frameworks`` only picks its value:

============================  =========================================  ==============================
question                      keyword                                    who does what
============================  =========================================  ==============================
step at a boundary            ``piecewise_constant(closed=...)``         ``"right"``: TF1/Keras change
                                                                         at b+1; ``"left"``: PyTorch,
                                                                         optax, OD API change at b
cosine past ``decay_steps``   ``cosine_decay(periodic=...)``             clamp (TF, Keras, optax) or
                                                                         rise again (PyTorch)
polynomial ``cycle``          ``polynomial_decay(cycle=...)``            TF/Keras stretch to the next
                                                                         multiple; optax/PyTorch hold
one-cycle after the end       ``one_cycle(past_end=...)``                hold, or PyTorch (value at T,
                                                                         error past it)
cosine shape                  ``cosine_decay(exponent=...)``             optax's exponent (1 elsewhere)
============================  =========================================  ==============================

>>> s = exponential_decay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> [f"{float(v):.4f}" for v in s([0, 999, 1000, 2500])]
['0.1000', '0.1000', '0.0960', '0.0922']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

import numpy as np

from .._batch import batch_shape, leading
from .._checks import check_bool, check_choice, check_finite, check_integer, check_interval, is_number

__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "linear",
    "exponential_decay",
    "natural_exp_decay",
    "inverse_time_decay",
    "polynomial_decay",
    "piecewise_constant",
    "piecewise_interpolate",
    "cosine_decay",
    "cosine_decay_restarts",
    "linear_cosine_decay",
    "cyclic",
    "one_cycle",
    "clip",
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
        self.batch_shape                    # raises if batched hyperparameters disagree
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


def _prep(obj: Any, owner: str, *names: str) -> None:
    """Store each named field with :func:`_hp` (lists become float arrays)."""
    for name in names:
        _set(obj, name, _hp(getattr(obj, name)))


def _check_sorted(owner: str, name: str, arr: np.ndarray, strict: bool = True) -> None:
    bad = np.diff(arr) <= 0 if strict else np.diff(arr) < 0
    if arr.ndim != 1:
        raise ValueError(f"The {name!r} parameter of {owner} must be a 1-d sequence. Got shape {arr.shape} instead.")
    if np.any(bad):
        kind = "strictly increasing" if strict else "non-decreasing"
        raise ValueError(f"The {name!r} parameter of {owner} must be {kind}. Got {arr.tolist()!r} instead.")


def _call_piece(s: Any, local: np.ndarray) -> np.ndarray:
    """Evaluate a sub-schedule at local steps (possibly negative: a Schedule clips inside)."""
    if isinstance(s, Schedule):
        return s._output(s._value(local), local)
    return np.asarray(s(np.maximum(local, 0).astype(np.int64)), dtype=np.float64)


def _inner_batch(s: Any) -> np.ndarray:
    return np.empty(getattr(s, "batch_shape", ()))


# ----------------------------------------------------------------------------------------
# constant, linear
# ----------------------------------------------------------------------------------------


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

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.

    Frameworks: a plain float in every framework; optax ``constant_schedule``; the Object
    Detection API's ``constant_learning_rate``.

    >>> float(constant(0.01)(123))
    0.01
    """
    return Constant(learning_rate)


@dataclass(frozen=True, eq=False, repr=False)
class Linear(Schedule):
    r""":math:`\eta(t) = \eta_0 + (\eta_1 - \eta_0)\,\min(t, D)/D`."""

    learning_rate: Any
    end_learning_rate: Any
    decay_steps: Any
    _batched = ("learning_rate", "end_learning_rate", "decay_steps")

    def __post_init__(self):
        _prep(self, "linear", *self._batched)
        check_interval("linear", "learning_rate", self.learning_rate, 0, None, "left")
        check_interval("linear", "end_learning_rate", self.end_learning_rate, 0, None, "left")
        check_interval("linear", "decay_steps", self.decay_steps, 0, None, "neither")

    def _value(self, t):
        lr0, lr1, D = leading(t, self.learning_rate, self.end_learning_rate, self.decay_steps)
        s = np.clip(t, 0, D)                                     # s = min(t, D)
        return lr0 + (lr1 - lr0) * (s / D)                       # η₀ + (η₁ − η₀)·s/D


def linear(learning_rate: Any, end_learning_rate: Any, decay_steps: Any) -> Linear:
    r"""Straight line from ``learning_rate`` to ``end_learning_rate`` over ``decay_steps``, then flat.

    .. math::
        \eta(t) = \eta_0 + (\eta_1 - \eta_0)\,\frac{\min(t, D)}{D}

    It may rise or fall. Frameworks: PyTorch ``LinearLR`` (:math:`\eta_0 = b\cdot`
    ``start_factor``, :math:`\eta_1 = b\cdot` ``end_factor``), optax ``linear_schedule``; it
    equals :func:`polynomial_decay` with ``power=1``.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`, the value at step 0.
    end_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_1`, the value from step ``D`` on.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.

    >>> s = linear(0.1, 0.0, decay_steps=10)
    >>> [f"{float(v):.2f}" for v in s([0, 5, 10, 20])]
    ['0.10', '0.05', '0.00', '0.00']
    """
    return Linear(learning_rate, end_learning_rate, decay_steps)


# ----------------------------------------------------------------------------------------
# exponential family
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class _StepDecay(Schedule):
    r"""What TF1's three decays share: :math:`\eta_0`, :math:`D`, a rate, and the exponent :math:`p`.

    :math:`p = t/D`, floored when ``staircase`` (TF1 ``learning_rate_decay.py``, Keras
    ``learning_rate_schedule.py``: ``p = step / decay_steps``, ``if staircase: p = floor(p)``).
    """

    learning_rate: Any
    decay_steps: Any
    decay_rate: Any
    staircase: bool = False
    _batched = ("learning_rate", "decay_steps", "decay_rate")
    _owner = ""

    def __post_init__(self):
        _prep(self, self._owner, *self._batched)
        check_interval(self._owner, "learning_rate", self.learning_rate, 0, None, "left")
        check_interval(self._owner, "decay_steps", self.decay_steps, 0, None, "neither")
        check_interval(self._owner, "decay_rate", self.decay_rate, 0, None, "left")
        check_bool(self._owner, "staircase", self.staircase)

    def _exponent(self, t, D):
        p = np.maximum(t, 0) / D                    # p = t / D
        return np.floor(p) if self.staircase else p  # p = ⌊t / D⌋ with staircase


@dataclass(frozen=True, eq=False, repr=False)
class ExponentialDecay(_StepDecay):
    r"""Exponential decay, :math:`\eta(t) = \eta_0 \, r^{p}` with :math:`p = t/D`, floored when ``staircase``.

    TF1 ``tf.train.exponential_decay``, Keras ``ExponentialDecay`` (same code); PyTorch's
    ``StepLR`` is the staircase case and ``ExponentialLR`` the case ``D = 1``.
    """

    _owner = "exponential_decay"

    def _value(self, t):
        lr0, D, r = leading(t, self.learning_rate, self.decay_steps, self.decay_rate)
        return lr0 * r ** self._exponent(t, D)      # η(t) = η₀ · r^p


def exponential_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> ExponentialDecay:
    r"""Exponential decay :math:`\eta(t) = \eta_0\, r^{t/D}`, or :math:`\eta_0\, r^{\lfloor t/D \rfloor}` with ``staircase``.

    .. math::
        \eta(t) = \eta_0\, r^{p}, \qquad p = t/D \ \text{(or } \lfloor t/D \rfloor \text{ with staircase)}

    Frameworks: TF1 ``tf.compat.v1.train.exponential_decay`` and Keras ``ExponentialDecay``
    (tensorflow/tensorflow ``python/keras/optimizer_v2/learning_rate_schedule.py``); PyTorch
    ``StepLR`` (staircase, :math:`D` = ``step_size``) and ``ExponentialLR`` (:math:`D = 1`);
    optax ``exponential_decay`` (with ``transition_begin`` = a :func:`join` in front).

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
class NaturalExpDecay(_StepDecay):
    r""":math:`\eta(t) = \eta_0\, e^{-k p}`, computed as TF does: :math:`\eta_0\,(e^{-k})^{p}`."""

    _owner = "natural_exp_decay"

    def _value(self, t):
        lr0, D, k = leading(t, self.learning_rate, self.decay_steps, self.decay_rate)
        return lr0 * np.exp(-k) ** self._exponent(t, D)   # η₀ · (e^{−k})^p = η₀ · e^{−k·p}


def natural_exp_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> NaturalExpDecay:
    r"""Natural exponential decay, :math:`\eta(t) = \eta_0\, e^{-k\,p}` with :math:`p = t/D` (floored if ``staircase``).

    .. math::
        \eta(t) = \eta_0 \exp(-k\, p) = \eta_0\, (e^{-k})^{p}

    Frameworks: TF1 ``tf.compat.v1.train.natural_exp_decay``, which builds an
    ``ExponentialDecay`` with rate :math:`e^{-k}`; that is also how it is computed here.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.
    decay_rate : float or (B,) array in [0, inf)
        :math:`k`.
    staircase : bool
        Floor :math:`t/D`.

    >>> s = natural_exp_decay(0.1, decay_steps=10, decay_rate=0.5)
    >>> print(f"{float(s(20)):.6f}")
    0.036788
    """
    return NaturalExpDecay(learning_rate, decay_steps, decay_rate, staircase)


@dataclass(frozen=True, eq=False, repr=False)
class InverseTimeDecay(_StepDecay):
    r""":math:`\eta(t) = \eta_0 / (1 + k\,p)`."""

    _owner = "inverse_time_decay"

    def _value(self, t):
        lr0, D, k = leading(t, self.learning_rate, self.decay_steps, self.decay_rate)
        return lr0 / (1 + k * self._exponent(t, D))  # η₀ / (1 + k·p)


def inverse_time_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> InverseTimeDecay:
    r"""Inverse-time decay, :math:`\eta(t) = \eta_0 / (1 + k\,p)` with :math:`p = t/D` (floored if ``staircase``).

    .. math::
        \eta(t) = \frac{\eta_0}{1 + k\,p}

    The :math:`1/t` decay satisfies the Robbins–Monro conditions (Robbins & Monro 1951).
    Frameworks: TF1 ``tf.compat.v1.train.inverse_time_decay``, Keras ``InverseTimeDecay``;
    legacy tf.keras ``decay=`` (``lr/(1 + decay·iterations)``) is the case :math:`D = 1`.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.
    decay_rate : float or (B,) array in [0, inf)
        :math:`k`.
    staircase : bool
        Floor :math:`t/D`.

    >>> s = inverse_time_decay(0.1, decay_steps=10, decay_rate=0.5)
    >>> print(f"{float(s(20)):.4f}")
    0.0500
    """
    return InverseTimeDecay(learning_rate, decay_steps, decay_rate, staircase)


# ----------------------------------------------------------------------------------------
# polynomial, piecewise
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class PolynomialDecay(Schedule):
    r""":math:`\eta(t) = (\eta_0 - \eta_1)(1 - s/D')^{p} + \eta_1` (TF semantics, optional ``cycle``)."""

    learning_rate: Any
    decay_steps: Any
    end_learning_rate: Any = 1e-4
    power: Any = 1.0
    cycle: bool = False
    _batched = ("learning_rate", "decay_steps", "end_learning_rate", "power")

    def __post_init__(self):
        _prep(self, "polynomial_decay", *self._batched)
        check_interval("polynomial_decay", "learning_rate", self.learning_rate, 0, None, "left")
        check_interval("polynomial_decay", "decay_steps", self.decay_steps, 0, None, "neither")
        check_interval("polynomial_decay", "end_learning_rate", self.end_learning_rate, 0, None, "left")
        check_interval("polynomial_decay", "power", self.power, 0, None, "left")
        check_bool("polynomial_decay", "cycle", self.cycle)

    def _value(self, t):
        lr0, D, lr1, pw = leading(t, self.learning_rate, self.decay_steps, self.end_learning_rate, self.power)
        t = np.maximum(t, 0)
        if self.cycle:
            mult = np.where(t == 0, 1.0, np.ceil(t / D))          # ⌈t/D⌉ (1 at t = 0)
            D = D * mult                                         # D' = D·⌈t/D⌉
            s = t
        else:
            s = np.minimum(t, D)                                 # s = min(t, D)
        return (lr0 - lr1) * (1 - s / D) ** pw + lr1             # (η₀ − η₁)(1 − s/D')^p + η₁


def polynomial_decay(
    learning_rate: Any, decay_steps: Any, end_learning_rate: Any = 1e-4, power: Any = 1.0, cycle: bool = False
) -> PolynomialDecay:
    r"""Polynomial decay from ``learning_rate`` to ``end_learning_rate`` over ``decay_steps``.

    .. math::
        \eta(t) = (\eta_0 - \eta_1)\left(1 - \frac{s}{D'}\right)^{p} + \eta_1, \quad
        \begin{cases} s = \min(t, D),\ D' = D & \text{cycle=False} \\
                      s = t,\ D' = D \lceil t/D \rceil\ (D' = D \text{ at } t = 0) & \text{cycle=True} \end{cases}

    With ``cycle`` (TF semantics) the decay stretches to the next multiple of :math:`D`; it
    does **not** restart at :math:`\eta_0`: just after :math:`kD` the value is about
    :math:`(\eta_0-\eta_1)/(k+1)^p + \eta_1`.
    Frameworks: TF1 ``polynomial_decay`` and Keras ``PolynomialDecay`` (same code, defaults
    ``end_learning_rate=1e-4``, ``power=1.0``); PyTorch ``PolynomialLR`` (:math:`\eta_1 = 0`,
    :math:`D` = ``total_iters``); optax ``polynomial_schedule``.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.
    end_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_1`.
    power : float or (B,) array in [0, inf)
        :math:`p`; ``power=1`` is :func:`linear`.
    cycle : bool
        TF's ``cycle`` (see above).

    >>> s = polynomial_decay(1.0, 10, end_learning_rate=0.0, cycle=True)
    >>> [f"{float(v):.2f}" for v in s([0, 5, 10, 11, 20, 21])]
    ['1.00', '0.50', '0.00', '0.45', '0.00', '0.30']
    """
    return PolynomialDecay(learning_rate, decay_steps, end_learning_rate, power, cycle)


@dataclass(frozen=True, eq=False, repr=False)
class PiecewiseConstant(Schedule):
    r"""``values[i]`` between boundaries; ``closed`` says on which side a boundary belongs."""

    boundaries: Any
    values: Any
    closed: str = "right"

    def __post_init__(self):
        owner = "piecewise_constant"
        b = np.asarray(self.boundaries, dtype=np.float64)
        v = np.asarray(self.values, dtype=np.float64)
        check_choice(owner, "closed", self.closed, ("right", "left"))
        if b.ndim != 1:
            raise ValueError(f"The 'boundaries' parameter of {owner} must be a 1-d sequence. Got shape {b.shape} instead.")
        check_integer(owner, "boundaries", b, 0, None) if b.size else None
        _check_sorted(owner, "boundaries", b)
        if v.ndim not in (1, 2) or v.shape[-1] != b.size + 1:
            raise ValueError(
                f"The 'values' parameter of {owner} must have len(boundaries) + 1 = {b.size + 1} entries "
                f"(or shape (B, {b.size + 1}) for B runs). Got shape {v.shape} instead."
            )
        check_interval(owner, "values", v, 0, None, "left")
        _set(self, "boundaries", b.astype(np.int64))
        _set(self, "values", v)

    @property
    def batch_shape(self):
        return self.values.shape[:-1]

    def _value(self, t):
        side = "left" if self.closed == "right" else "right"
        idx = np.searchsorted(self.boundaries, t, side=side)    # number of boundaries passed
        return self.values[..., idx]


def piecewise_constant(boundaries: Any, values: Any, closed: str = "right") -> PiecewiseConstant:
    r"""A step function: ``values[i]`` on the i-th interval between ``boundaries``.

    .. math::
        \eta(t) = v_i \quad\text{for}\quad
        \begin{cases} b_{i-1} < t \le b_i & \text{closed="right" (TF1, Keras): change at } b+1 \\
                      b_{i-1} \le t < b_i & \text{closed="left" (PyTorch, optax, OD API): change at } b \end{cases}

    The frameworks disagree by one step: TF1 ``piecewise_constant`` and Keras
    ``PiecewiseConstantDecay`` keep the old value *at* the boundary (the docstring's
    boundary 100000 gives "1.0 for the first 100001 steps"); PyTorch ``MultiStepLR``, optax
    ``piecewise_constant_schedule`` and the Object Detection API's ``manual_stepping`` change
    at the boundary.

    Parameters
    ----------
    boundaries : sequence of int >= 0, strictly increasing
        :math:`b_0 < b_1 < \dots < b_{n-1}`.
    values : sequence of n + 1 floats in [0, inf), or a (B, n + 1) array for B runs
        :math:`v_0, \dots, v_n`.
    closed : {"right", "left"}
        The side of each interval that holds its boundary (see above).

    >>> tf_like = piecewise_constant([5, 10], [1.0, 0.5, 0.1])
    >>> torch_like = piecewise_constant([5, 10], [1.0, 0.5, 0.1], closed="left")
    >>> [float(v) for v in tf_like([4, 5, 6, 10, 11])], [float(v) for v in torch_like([4, 5, 6, 10, 11])]
    ([1.0, 1.0, 0.5, 0.5, 0.1], [1.0, 0.5, 0.5, 0.1, 0.1])
    """
    return PiecewiseConstant(boundaries, values, closed)


@dataclass(frozen=True, eq=False, repr=False)
class PiecewiseInterpolate(Schedule):
    r"""Linear or cosine interpolation between knots :math:`(b_i, v_i)`, flat outside."""

    boundaries: Any
    values: Any
    interpolation: str = "linear"

    def __post_init__(self):
        owner = "piecewise_interpolate"
        b = np.asarray(self.boundaries, dtype=np.float64)
        v = np.asarray(self.values, dtype=np.float64)
        check_choice(owner, "interpolation", self.interpolation, ("linear", "cosine"))
        if b.ndim != 1 or b.size == 0:
            raise ValueError(f"The 'boundaries' parameter of {owner} must be a non-empty 1-d sequence. Got {self.boundaries!r} instead.")
        check_finite(owner, "boundaries", b)
        _check_sorted(owner, "boundaries", b, strict=False)
        if v.ndim not in (1, 2) or v.shape[-1] != b.size:
            raise ValueError(
                f"The 'values' parameter of {owner} must have len(boundaries) = {b.size} entries "
                f"(or shape (B, {b.size}) for B runs). Got shape {v.shape} instead."
            )
        check_interval(owner, "values", v, 0, None, "left")
        _set(self, "boundaries", b)
        _set(self, "values", v)

    @property
    def batch_shape(self):
        return self.values.shape[:-1]

    def _value(self, t):
        b, v = self.boundaries, self.values
        n = b.size
        j = np.clip(np.searchsorted(b, t, side="right") - 1, 0, max(n - 2, 0))   # segment [b_j, b_j+1)
        pad = v.shape[:-1] + (1,) * t.ndim
        first, last = v[..., 0].reshape(pad), v[..., -1].reshape(pad)
        if n == 1:
            return first * np.ones_like(t)
        lo, hi = b[j], b[j + 1]
        pct = np.clip((t - lo) / np.maximum(hi - lo, 1e-300), 0, 1)             # position in the segment
        start, end = v[..., j], v[..., j + 1]
        if self.interpolation == "linear":
            out = (end - start) * pct + start                                      # start + (end − start)·pct
        else:
            out = end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)            # end + (start − end)·½(1 + cos πpct)
        out = np.where(t < b[0], first, out)
        return np.where(t >= b[-1], last, out)


def piecewise_interpolate(boundaries: Any, values: Any, interpolation: str = "linear") -> PiecewiseInterpolate:
    r"""Interpolate between knots :math:`(b_i, v_i)`: linearly or along half a cosine; flat outside.

    .. math::
        \eta(t) = \begin{cases}
          v_j + (v_{j+1} - v_j)\,q & \text{linear} \\
          v_{j+1} + (v_j - v_{j+1})\,\tfrac12(1 + \cos \pi q) & \text{cosine}
        \end{cases}, \quad q = \frac{t - b_j}{b_{j+1} - b_j},\ b_j \le t < b_{j+1}

    :math:`v_0` before :math:`b_0`, :math:`v_n` from :math:`b_n` on; equal knots make a jump.
    Frameworks: optax ``piecewise_interpolate_schedule`` (knots at 0 and at the boundaries,
    values the cumulative products of the scales), and hence optax's one-cycle schedules.
    Knots may be fractional.

    Parameters
    ----------
    boundaries : sequence of floats, non-decreasing
        :math:`b_0 \le \dots \le b_n`.
    values : sequence of floats in [0, inf), same length (or (B, n + 1) for B runs)
        :math:`v_0, \dots, v_n`.
    interpolation : {"linear", "cosine"}

    >>> s = piecewise_interpolate([0, 10, 20], [0.0, 1.0, 0.0])
    >>> [float(v) for v in s([0, 5, 10, 15, 30])]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return PiecewiseInterpolate(boundaries, values, interpolation)


# ----------------------------------------------------------------------------------------
# cosine family
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class CosineDecay(Schedule):
    r""":math:`\eta(t) = \eta_0\,[(1-\alpha)\,c(t)^{e} + \alpha]`, :math:`c(t) = \tfrac12(1+\cos(\pi s/D))`."""

    learning_rate: Any
    decay_steps: Any
    alpha: Any = 0.0
    exponent: Any = 1.0
    periodic: bool = False
    _batched = ("learning_rate", "decay_steps", "alpha", "exponent")

    def __post_init__(self):
        owner = "cosine_decay"
        _prep(self, owner, *self._batched)
        check_interval(owner, "learning_rate", self.learning_rate, 0, None, "left")
        check_interval(owner, "decay_steps", self.decay_steps, 0, None, "neither")
        check_interval(owner, "alpha", self.alpha, 0, 1, "both")
        check_interval(owner, "exponent", self.exponent, 0, None, "neither")
        check_bool(owner, "periodic", self.periodic)

    def _value(self, t):
        lr0, D, alpha, ex = leading(t, self.learning_rate, self.decay_steps, self.alpha, self.exponent)
        s = np.maximum(t, 0) if self.periodic else np.clip(t, 0, D)   # s = min(t, D) unless periodic
        cosine = 0.5 * (1 + np.cos(np.pi * (s / D)))                  # c = ½(1 + cos(π s/D))
        return lr0 * ((1 - alpha) * cosine**ex + alpha)              # η₀·((1 − α)·c^e + α)


def cosine_decay(
    learning_rate: Any, decay_steps: Any, alpha: Any = 0.0, exponent: Any = 1.0, periodic: bool = False
) -> CosineDecay:
    r"""Cosine annealing from ``learning_rate`` down to ``alpha * learning_rate`` over ``decay_steps``.

    .. math::
        \eta(t) = \eta_0\left[(1-\alpha)\left(\tfrac12\left(1 + \cos\frac{\pi s}{D}\right)\right)^{e} + \alpha\right],
        \qquad s = \min(t, D) \ (\text{or } s = t \text{ if periodic})

    Frameworks: TF1 ``cosine_decay``, Keras ``CosineDecay`` and optax
    ``cosine_decay_schedule`` (``exponent``) hold :math:`\alpha\eta_0` after :math:`D`;
    PyTorch ``CosineAnnealingLR`` (:math:`\alpha = \eta_{min}/b`) does not clamp: it is
    periodic and climbs back to :math:`\eta_0` at :math:`2D` (``periodic=True``).
    Loshchilov & Hutter (2017), SGDR: Stochastic Gradient Descent with Warm Restarts, ICLR,
    arXiv:1608.03983, eq. (5).

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

    >>> s = cosine_decay(1.0, 100, alpha=0.1)
    >>> [f"{float(v):.3f}" for v in s([0, 50, 100, 200])]
    ['1.000', '0.550', '0.100', '0.100']
    >>> [f"{float(v):.3f}" for v in cosine_decay(1.0, 100, periodic=True)([100, 150, 200])]
    ['0.000', '0.500', '1.000']
    """
    return CosineDecay(learning_rate, decay_steps, alpha, exponent, periodic)


@dataclass(frozen=True, eq=False, repr=False)
class CosineDecayRestarts(Schedule):
    r"""SGDR: cosine periods of length :math:`D_0 t_{mul}^i` with peaks scaled by :math:`m_{mul}^i`."""

    learning_rate: Any
    first_decay_steps: Any
    t_mul: Any = 2.0
    m_mul: Any = 1.0
    alpha: Any = 0.0
    _batched = ("learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha")

    def __post_init__(self):
        owner = "cosine_decay_restarts"
        _prep(self, owner, *self._batched)
        check_interval(owner, "learning_rate", self.learning_rate, 0, None, "left")
        check_interval(owner, "first_decay_steps", self.first_decay_steps, 0, None, "neither")
        check_interval(owner, "t_mul", self.t_mul, 0, None, "neither")
        check_interval(owner, "m_mul", self.m_mul, 0, None, "left")
        check_interval(owner, "alpha", self.alpha, 0, 1, "both")

    def _period(self, t):
        """Restart index i and fraction f_c in [0, 1) of the current period (exact at restarts)."""
        D0, tm = leading(t, self.first_decay_steps, self.t_mul)
        f = np.maximum(t, 0) / D0                                       # f = t / D₀
        geo = tm != 1
        tm_safe = np.where(geo, tm, 2.0)

        def start(i):                                                   # Σ_{j<i} t_mul^j
            return np.where(geo, (1 - tm_safe**i) / (1 - tm_safe), i)

        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            i_geo = np.floor(np.log(1 - f * (1 - tm_safe)) / np.log(tm_safe))
            i = np.where(geo, np.nan_to_num(i_geo), np.floor(f))
            i = np.maximum(i, 0)
            # guard the floor of the logarithm against rounding at a restart
            i = np.where(f < start(i), i - 1, i)
            i = np.where(f >= start(i + 1), i + 1, i)
            frac = (f - start(i)) / np.where(geo, tm_safe**i, 1.0)      # (f − Σ)/t_mul^i
        return i, frac

    def _value(self, t):
        lr0, mm, alpha = leading(t, self.learning_rate, self.m_mul, self.alpha)
        i, frac = self._period(t)
        cosine = 0.5 * mm**i * (1 + np.cos(np.pi * frac))              # ½·m^i·(1 + cos π f_c)
        return lr0 * ((1 - alpha) * cosine + alpha)                    # η₀·((1 − α)·… + α)


def cosine_decay_restarts(
    learning_rate: Any, first_decay_steps: Any, t_mul: Any = 2.0, m_mul: Any = 1.0, alpha: Any = 0.0
) -> CosineDecayRestarts:
    r"""Cosine annealing with warm restarts (SGDR), TF semantics.

    Period :math:`i` lasts :math:`D_0\,t_{mul}^i` steps. With :math:`f = t/D_0`,
    :math:`i = \lfloor \log(1 - f(1 - t_{mul}))/\log t_{mul} \rfloor` (:math:`\lfloor f\rfloor` if
    :math:`t_{mul} = 1`) and :math:`f_c = (f - \frac{1 - t_{mul}^i}{1 - t_{mul}})/t_{mul}^i`:

    .. math::
        \eta(t) = \eta_0\left[(1-\alpha)\,\tfrac12\, m_{mul}^{i}\,(1 + \cos \pi f_c) + \alpha\right]

    The peak of period :math:`i` is :math:`\eta_0((1-\alpha)m_{mul}^i + \alpha)`: the floor
    :math:`\alpha\eta_0` is not scaled. The period index is computed with the logarithm, as TF
    does, then corrected by one where rounding put it on the wrong side of a restart.
    Frameworks: TF1 ``cosine_decay_restarts``, Keras ``CosineDecayRestarts`` (defaults
    ``t_mul=2.0, m_mul=1.0, alpha=0.0``); PyTorch ``CosineAnnealingWarmRestarts``
    (``T_mult`` integer, :math:`m_{mul} = 1`, :math:`\alpha = \eta_{min}/b`).
    Loshchilov & Hutter (2017), SGDR, ICLR, arXiv:1608.03983.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.
    first_decay_steps : float or (B,) array in (0, inf)
        :math:`D_0`, the length of the first period.
    t_mul : float or (B,) array in (0, inf)
        Period growth factor.
    m_mul : float or (B,) array in [0, inf)
        Peak factor per restart.
    alpha : float or (B,) array in [0, 1]
        Floor as a fraction of :math:`\eta_0`.

    >>> s = cosine_decay_restarts(1.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    >>> [f"{float(v):.3f}" for v in s([0, 5, 10, 20, 30])]
    ['1.000', '0.550', '0.550', '0.325', '0.325']
    """
    return CosineDecayRestarts(learning_rate, first_decay_steps, t_mul, m_mul, alpha)


@dataclass(frozen=True, eq=False, repr=False)
class LinearCosineDecay(Schedule):
    r""":math:`\eta(t) = \eta_0[(\alpha + \ell(t))\,c(t) + \beta]` (Bello et al. 2017)."""

    learning_rate: Any
    decay_steps: Any
    num_periods: Any = 0.5
    alpha: Any = 0.0
    beta: Any = 0.001
    _batched = ("learning_rate", "decay_steps", "num_periods", "alpha", "beta")

    def __post_init__(self):
        owner = "linear_cosine_decay"
        _prep(self, owner, *self._batched)
        check_interval(owner, "learning_rate", self.learning_rate, 0, None, "left")
        check_interval(owner, "decay_steps", self.decay_steps, 0, None, "neither")
        check_interval(owner, "num_periods", self.num_periods, 0, None, "left")
        check_interval(owner, "alpha", self.alpha, 0, None, "left")
        check_interval(owner, "beta", self.beta, 0, None, "left")

    def _value(self, t):
        lr0, D, n, alpha, beta = leading(t, self.learning_rate, self.decay_steps, self.num_periods, self.alpha, self.beta)
        s = np.clip(t, 0, D)                                            # s = min(t, D)
        lin = (D - s) / D                                               # ℓ = (D − s)/D
        cosine = 0.5 * (1.0 + np.cos(np.pi * (2.0 * n * (s / D))))      # c = ½(1 + cos(2π n s/D))
        return lr0 * ((alpha + lin) * cosine + beta)                    # η₀·((α + ℓ)·c + β)


def linear_cosine_decay(
    learning_rate: Any, decay_steps: Any, num_periods: Any = 0.5, alpha: Any = 0.0, beta: Any = 0.001
) -> LinearCosineDecay:
    r"""Linear-cosine decay of Bello et al. (2017), as in TF1 ``linear_cosine_decay``.

    .. math::
        \eta(t) = \eta_0\left[(\alpha + \ell)\,\tfrac12\left(1 + \cos\frac{2\pi n s}{D}\right) + \beta\right],
        \qquad s = \min(t, D),\ \ell = \frac{D - s}{D}

    It starts at :math:`\eta_0(1 + \alpha + \beta)` and ends at :math:`\eta_0\beta` (for
    :math:`n = 1/2`). I. Bello, B. Zoph, V. Vasudevan, Q. V. Le (2017), Neural Optimizer
    Search with Reinforcement Learning, ICML. TF only (no Keras 3, PyTorch or optax
    counterpart).

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

    >>> s = linear_cosine_decay(1.0, 100)
    >>> [f"{float(v):.4f}" for v in s([0, 50, 100])]
    ['1.0010', '0.2510', '0.0010']
    """
    return LinearCosineDecay(learning_rate, decay_steps, num_periods, alpha, beta)


# ----------------------------------------------------------------------------------------
# cyclic, one-cycle
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Cyclic(Schedule):
    r"""Smith's cyclical learning rate (triangular, triangular2, exp_range)."""

    learning_rate: Any
    max_learning_rate: Any
    step_size_up: Any = 2000
    step_size_down: Any = None
    mode: str = "triangular"
    gamma: Any = 1.0
    _batched = ("learning_rate", "max_learning_rate", "step_size_up", "step_size_down", "gamma")

    def __post_init__(self):
        owner = "cyclic"
        if self.step_size_down is None:
            _set(self, "step_size_down", self.step_size_up)
        _prep(self, owner, *self._batched)
        check_interval(owner, "learning_rate", self.learning_rate, 0, None, "left")
        check_interval(owner, "max_learning_rate", self.max_learning_rate, 0, None, "left")
        check_interval(owner, "step_size_up", self.step_size_up, 0, None, "neither")
        check_interval(owner, "step_size_down", self.step_size_down, 0, None, "left")
        check_choice(owner, "mode", self.mode, ("triangular", "triangular2", "exp_range"))
        check_interval(owner, "gamma", self.gamma, 0, None, "neither")

    def _value(self, t):
        lo, hi, up, down, gamma = leading(
            t, self.learning_rate, self.max_learning_rate, self.step_size_up, self.step_size_down, self.gamma
        )
        t = np.maximum(t, 0)
        L = up + down                                            # cycle length
        r = up / L                                               # fraction of the cycle going up
        cycle = np.floor(1 + t / L)                              # c = ⌊1 + t/L⌋
        x = 1.0 + t / L - cycle                                  # position in the cycle, [0, 1)
        r_down = np.where(r == 1, 0.5, r)
        scale = np.where(x <= r, x / r, (x - 1) / (r_down - 1))  # rises 0→1, falls 1→0
        if self.mode == "triangular":
            f = 1.0
        elif self.mode == "triangular2":
            f = 1 / (2.0 ** (cycle - 1))                         # halve each cycle
        else:
            f = gamma**t                                         # γ^t (per iteration)
        return lo + (hi - lo) * scale * f


def cyclic(
    learning_rate: Any,
    max_learning_rate: Any,
    step_size_up: Any = 2000,
    step_size_down: Any = None,
    mode: str = "triangular",
    gamma: Any = 1.0,
) -> Cyclic:
    r"""Cyclical learning rate (Smith 2017): a triangle wave between two bounds.

    With :math:`L = u + d` (steps up and down), :math:`r = u/L`, :math:`c = \lfloor 1 + t/L \rfloor`,
    :math:`x = 1 + t/L - c`:

    .. math::
        \eta(t) = \eta_{lo} + (\eta_{hi} - \eta_{lo})\, h(x)\, f, \quad
        h(x) = \begin{cases} x/r & x \le r \\ (x-1)/(r-1) & x > r \end{cases}, \quad
        f = \begin{cases} 1 & \text{triangular} \\ 2^{-(c-1)} & \text{triangular2} \\ \gamma^{t} & \text{exp\_range} \end{cases}

    L. N. Smith (2017), Cyclical Learning Rates for Training Neural Networks, WACV,
    arXiv:1506.01186 (the triangular policy and its two variants). Framework: PyTorch
    ``CyclicLR`` (same formula and defaults; its momentum cycling is ``pytorch.CyclicLR(...).momentum``,
    a schedule any optimizer takes for ``momentum`` or ``beta1``).

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_{lo}`, the lower bound and the value at step 0.
    max_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_{hi}`.
    step_size_up : float or (B,) array in (0, inf)
        :math:`u`.
    step_size_down : float or (B,) array in [0, inf), optional
        :math:`d` (default :math:`u`).
    mode : {"triangular", "triangular2", "exp_range"}
    gamma : float or (B,) array in (0, inf)
        :math:`\gamma` for ``exp_range``.

    >>> s = cyclic(0.1, 1.0, step_size_up=2, mode="triangular2")
    >>> [f"{float(v):.3f}" for v in s(range(9))]
    ['0.100', '0.550', '1.000', '0.550', '0.100', '0.325', '0.550', '0.325', '0.100']
    """
    return Cyclic(learning_rate, max_learning_rate, step_size_up, step_size_down, mode, gamma)


@dataclass(frozen=True, eq=False, repr=False)
class OneCycle(Schedule):
    r"""The 1cycle policy (Smith & Topin), PyTorch ``OneCycleLR`` phases."""

    max_learning_rate: Any
    total_steps: Any
    pct_start: Any = 0.3
    anneal_strategy: str = "cos"
    div_factor: Any = 25.0
    final_div_factor: Any = 1e4
    three_phase: bool = False
    past_end: str = "hold"
    _batched = ("max_learning_rate", "total_steps", "pct_start", "div_factor", "final_div_factor")

    def __post_init__(self):
        owner = "one_cycle"
        _prep(self, owner, *self._batched)
        check_interval(owner, "max_learning_rate", self.max_learning_rate, 0, None, "left")
        check_integer(owner, "total_steps", self.total_steps, 1, None)
        check_interval(owner, "pct_start", self.pct_start, 0, 1, "both")
        check_choice(owner, "anneal_strategy", self.anneal_strategy, ("cos", "linear"))
        check_interval(owner, "div_factor", self.div_factor, 0, None, "neither")
        check_interval(owner, "final_div_factor", self.final_div_factor, 0, None, "neither")
        check_bool(owner, "three_phase", self.three_phase)
        check_choice(owner, "past_end", self.past_end, ("hold", "pytorch"))

    def __call__(self, step):
        if self.past_end == "pytorch":
            arr = np.asarray(step)
            T = np.max(self.total_steps)
            if arr.size and np.issubdtype(arr.dtype, np.number) and np.any(arr > T):
                raise ValueError(
                    f"The 'step' argument of OneCycle must be in [0, {int(T)}] (total_steps; PyTorch raises "
                    f"past it). Got {np.max(arr).item()!r} instead."
                )
        return super().__call__(step)

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)   # end + (start − end)·½(1 + cos πp)
        return (end - start) * pct + start                                # start + (end − start)·p

    def _value(self, t):
        peak, T, pct, div, fdiv = leading(
            t, self.max_learning_rate, self.total_steps, self.pct_start, self.div_factor, self.final_div_factor
        )
        initial = peak / div                                    # η_max / div_factor
        final = initial / fdiv                                  # η_max / (div · final_div)
        t = np.maximum(t, 0)
        if self.past_end == "hold":
            t = np.minimum(t, T - 1)
        if self.three_phase:
            ends = [pct * T - 1, 2 * pct * T - 2, T - 1]
            lrs = [initial, peak, initial, final]
        else:
            ends = [pct * T - 1, T - 1]
            lrs = [initial, peak, final]
        out = np.zeros(np.broadcast_shapes(np.shape(peak), np.shape(T), t.shape))
        done = np.zeros(out.shape, bool)
        start = 0.0
        for k, end in enumerate(ends):
            last = k == len(ends) - 1
            here = ~done & ((t <= end) | last)                  # PyTorch: first phase with t ≤ end_step
            span = end - start
            p = (t - start) / np.where(span > 0, span, 1.0)    # q = (t − s)/(e − s); 1 on an empty phase
            p = np.where(span > 0, p, 1.0)
            out = np.where(here, self._anneal(lrs[k], lrs[k + 1], p), out)
            done = done | here
            start = end
        return out


def one_cycle(
    max_learning_rate: Any,
    total_steps: Any,
    pct_start: Any = 0.3,
    anneal_strategy: str = "cos",
    div_factor: Any = 25.0,
    final_div_factor: Any = 1e4,
    three_phase: bool = False,
    past_end: str = "hold",
) -> OneCycle:
    r"""The 1cycle policy: warm up to ``max_learning_rate``, then anneal far below the start.

    With :math:`\eta_i = \eta_{max}/\text{div}` and :math:`\eta_f = \eta_i/\text{final\_div}`, the
    phases end at :math:`e_1 = \text{pct}\cdot T - 1` and :math:`e_2 = T - 1` (three phases:
    :math:`\text{pct}\,T-1,\ 2\,\text{pct}\,T-2,\ T-1`, going :math:`\eta_i\to\eta_{max}\to\eta_i\to\eta_f`).
    Inside a phase from :math:`(s, a)` to :math:`(e, b)`, with :math:`q = (t-s)/(e-s)`:

    .. math::
        \eta(t) = b + (a - b)\,\tfrac12(1 + \cos \pi q) \ \ (\text{cos}), \qquad
        \eta(t) = a + (b - a)\,q \ \ (\text{linear})

    L. N. Smith & N. Topin (2019), Super-Convergence: Very Fast Training of Neural Networks
    Using Large Learning Rates, Proc. SPIE 11006, arXiv:1708.07120. Framework: PyTorch
    ``OneCycleLR`` (these phase ends). optax's one-cycle schedules put the knots at
    :math:`\lfloor \text{pct}\,T \rfloor` and :math:`T` and are built on
    :func:`piecewise_interpolate`.

    Parameters
    ----------
    max_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_{max}`, the peak.
    total_steps : int >= 1
        :math:`T`.
    pct_start : float in [0, 1]
        Fraction of :math:`T` spent rising.
    anneal_strategy : {"cos", "linear"}
    div_factor, final_div_factor : float in (0, inf)
        :math:`\eta_i = \eta_{max}/\text{div}`, :math:`\eta_f = \eta_i/\text{final\_div}`.
    three_phase : bool
        Come back down to :math:`\eta_i` symmetrically before the final anneal.
    past_end : {"hold", "pytorch"}
        ``"hold"``: :math:`\eta_f` from step :math:`T-1` on. ``"pytorch"``: continue the last
        phase's formula to step :math:`T` (what ``OneCycleLR`` returns there) and raise
        ``ValueError`` past :math:`T`, as PyTorch does.

    >>> s = one_cycle(1.0, total_steps=100)
    >>> [f"{float(v):.6f}" for v in s([0, 29, 99])]
    ['0.040000', '1.000000', '0.000004']
    """
    return OneCycle(max_learning_rate, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase, past_end)


# ----------------------------------------------------------------------------------------
# composition: clip, join, warmup
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Clip(Schedule):
    r""":math:`\eta(t) = \min(\max(s(t), \eta_{lo}), \eta_{hi})`."""

    schedule: Any
    min_learning_rate: Any = None
    max_learning_rate: Any = None
    _batched = ("min_learning_rate", "max_learning_rate")

    def __post_init__(self):
        if not callable(self.schedule):
            raise TypeError(f"The 'schedule' parameter of clip must be a schedule (a callable). Got {self.schedule!r} instead.")
        for name in self._batched:
            v = _hp(getattr(self, name))
            _set(self, name, v)
            if v is not None:
                check_interval("clip", name, v, 0, None, "left")

    @property
    def batch_shape(self):
        hps = [getattr(self, n) for n in self._batched if getattr(self, n) is not None]
        return batch_shape(_inner_batch(self.schedule), *hps)

    def _value(self, t):
        out = _call_piece(self.schedule, t)
        if self.min_learning_rate is not None:
            (lo,) = leading(t, self.min_learning_rate)
            out = np.maximum(out, lo)                            # max(s(t), η_lo)
        if self.max_learning_rate is not None:
            (hi,) = leading(t, self.max_learning_rate)
            out = np.minimum(out, hi)                            # min(…, η_hi)
        return out


def clip(schedule: Callable, min_learning_rate: Any = None, max_learning_rate: Any = None) -> Clip:
    r"""Bound a schedule: :math:`\eta(t) = \min(\max(s(t), \eta_{lo}), \eta_{hi})` (``None`` = no bound).

    The Object Detection API's ``min_learning_rate`` (it also bounds the burn-in value) and
    optax ``exponential_decay(end_value=…)`` (a floor when the rate is below 1, a cap above).

    >>> s = clip(exponential_decay(1.0, 1, 0.5), min_learning_rate=0.2)
    >>> [float(v) for v in s([0, 1, 2, 3])]
    [1.0, 0.5, 0.25, 0.2]
    """
    return Clip(schedule, min_learning_rate, max_learning_rate)


@dataclass(frozen=True, eq=False, repr=False)
class Join(Schedule):
    r"""Piecewise composition: for :math:`b_{i} \le t < b_{i+1}` use :math:`s_{i+1}(t - b_i)`.

    Each later piece sees a *restarted* clock (optax ``join_schedules``).
    """

    schedules: tuple
    boundaries: tuple

    def __post_init__(self):
        _set(self, "schedules", tuple(self.schedules))
        _set(self, "boundaries", tuple(int(b) if is_number(b) and float(b).is_integer() else b for b in self.boundaries))
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
        return batch_shape(*(_inner_batch(s) for s in self.schedules))

    def _value(self, t):
        out = _call_piece(self.schedules[0], t)
        for b, s in zip(self.boundaries, self.schedules[1:]):
            out = np.where(t >= b, _call_piece(s, t - b), out)    # t ≥ b: s(t − b)
        return out


def join(schedules, boundaries) -> Join:
    r"""Use ``schedules[0]`` until ``boundaries[0]``, then ``schedules[1]`` restarted at 0, and so on.

    .. math::
        \eta(t) = s_{i+1}(t - b_i) \quad\text{for}\quad b_i \le t < b_{i+1} \qquad (b_{-1} = 0)

    Each piece sees a restarted clock. Frameworks: optax ``join_schedules``; PyTorch
    ``SequentialLR`` (which also restarts the next scheduler at its epoch 0).

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
        return batch_shape(_inner_batch(self.schedule), *(getattr(self, n) for n in self._batched))

    def _after(self, local, t):
        """s(t − W); with a batched W *and* a batched schedule, run i pairs with W_i."""
        out = _call_piece(self.schedule, local)
        inner = getattr(self.schedule, "batch_shape", ())
        if inner and local.ndim > t.ndim:                         # (B,) + (B,) + t.shape: take run i of row i
            out = np.einsum("ii...->i...", out.reshape(inner + local.shape))
        return out

    def _value(self, t):
        W, lr_start = leading(t, self.warmup_steps, self.start_lr)
        target = _call_piece(self.schedule, np.zeros_like(t))     # s(0), where the ramp ends
        frac = t / np.where(W > 0, W, 1)                         # t / W
        ramp = lr_start + (target - lr_start) * frac             # η_s + (s(0) − η_s)·t/W
        local = np.maximum(t - W, 0)
        after = self._after(local, t)                            # s(t − W)
        return np.where(t < W, ramp, after)


def warmup(schedule: Callable, warmup_steps: Any, start_lr: Any = 0.0) -> Warmup:
    r"""Ramp linearly from ``start_lr`` to ``schedule(0)`` over ``warmup_steps``, then follow ``schedule``.

    .. math::
        \eta(t) = \begin{cases} \eta_s + (s(0) - \eta_s)\, t / W & t < W \\ s(t - W) & t \ge W \end{cases}

    The wrapped schedule's clock restarts at :math:`W` (Keras ``CosineDecay(warmup_target=…)``,
    optax ``warmup_*_schedule``, the current Object Detection API schedules). The gradual
    warmup of P. Goyal et al. (2017), Accurate, Large Minibatch SGD: Training ImageNet in
    1 Hour, arXiv:1706.02677 (there from :math:`\eta` to :math:`k\eta` over 5 epochs).

    Parameters
    ----------
    schedule : callable
        :math:`s`, the schedule that follows the warmup.
    warmup_steps : int or (B,) array of int >= 0
        :math:`W`.
    start_lr : float or (B,) array in [0, inf)
        :math:`\eta_s`, the value at step 0.

    The article's warmup, ``step / 1000 * 0.01`` while ``step < 1000`` and ``0.01`` after:

    >>> w = warmup(constant(0.01), warmup_steps=1000)
    >>> [f"{float(v):.5f}" for v in w([0, 1, 500, 999, 1000, 5000])]
    ['0.00000', '0.00001', '0.00500', '0.00999', '0.01000', '0.01000']
    """
    return Warmup(schedule, warmup_steps, start_lr)


def as_schedule(lr: Any) -> Callable:
    """A schedule for ``lr``: callables are returned as they are, numbers become :func:`constant`."""
    return lr if callable(lr) else constant(lr)
