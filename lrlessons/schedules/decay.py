r"""Decay schedules: constant, linear, exponential (and its natural-exp and inverse-time kin), polynomial, piecewise.

Each schedule is a formula (a pure, vectorized function of the float step ``t``, written once),
a frozen :class:`~lrlessons.schedules.base.Schedule` class that binds it, and the factory that
validates the arguments, with the defaults of TF1 and Keras (tensorflow/tensorflow
``python/keras/optimizer_v2/legacy_learning_rate_decay.py`` and
``learning_rate_schedule.py``; keras-team/keras
``keras/src/optimizers/schedules/learning_rate_schedule.py``).

>>> s = exponential_decay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> [f"{float(v):.4f}" for v in s([0, 999, 1000, 2500])]
['0.1000', '0.1000', '0.0960', '0.0922']
>>> print(s.source.splitlines()[4])          # the staircase floor, in the function every call runs
        p = np.floor(p)                                  # p = ⌊t/D⌋: the rate drops in steps
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_bool, check_choice, check_finite, check_integer, check_interval
from .base import Schedule, times

__all__ = [
    "constant", "linear", "exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay",
    "piecewise_constant", "piecewise_interpolate",
    "Constant", "Linear", "ExponentialDecay", "NaturalExpDecay", "InverseTimeDecay", "PolynomialDecay",
    "PiecewiseConstant", "PiecewiseInterpolate",
    "constant_formula", "linear_formula", "exponential_decay_formula", "natural_exp_decay_formula",
    "inverse_time_decay_formula", "polynomial_decay_formula", "piecewise_constant_formula",
    "piecewise_interpolate_formula",
]


# ----------------------------------------------------------------------------------------
# constant, linear
# ----------------------------------------------------------------------------------------


#: The largest boundary accepted: float64 holds every integer step up to 2**53 exactly.
MAX_STEP = 2**53


def _checks_numeric(owner: str, name: str, value: Any) -> None:
    """TypeError naming ``name`` unless ``value`` is real numbers (a str, dict or None is not)."""
    from .._checks import _as_numeric
    _as_numeric(owner, name, value)


def constant_formula(t, learning_rate):
    """η(t) = η₀."""
    return learning_rate * np.ones_like(t)


class Constant(Schedule):
    """:func:`constant`."""

    formula = staticmethod(constant_formula)
    batched = ("learning_rate",)


def constant(learning_rate: Any) -> Constant:
    r"""A fixed learning rate, :math:`\eta(t) = \eta_0`.

    Let :math:`\eta_0` be ``learning_rate``.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`.

    Notes
    -----
    A plain float in every framework (TF1 ``GradientDescentOptimizer(0.01)``); optax
    ``constant_schedule``; the Object Detection API's ``constant_learning_rate``.

    Examples
    --------
    >>> float(constant(0.01)(123))
    0.01
    """
    s = Constant(learning_rate)
    check_interval("constant", "learning_rate", s.learning_rate, 0, None, "left")
    return s


def linear_formula(t, learning_rate, end_learning_rate, decay_steps):
    """η(t) = η₀ + (η₁ − η₀) · min(t, D)/D."""
    s = np.minimum(t, decay_steps)                                            # s = min(t, D)
    return learning_rate + (end_learning_rate - learning_rate) * (s / decay_steps)   # η₀ + (η₁ − η₀)·s/D


class Linear(Schedule):
    """:func:`linear`."""

    formula = staticmethod(linear_formula)
    batched = ("learning_rate", "end_learning_rate", "decay_steps")


def linear(learning_rate: Any, end_learning_rate: Any, decay_steps: Any) -> Linear:
    r"""Straight line from ``learning_rate`` to ``end_learning_rate`` over ``decay_steps``, then flat.

    Let :math:`\eta_0, \eta_1, D` be ``learning_rate``, ``end_learning_rate``, ``decay_steps``:

    .. math::
        \eta(t) = \eta_0 + (\eta_1 - \eta_0)\,\frac{\min(t, D)}{D}

    It may rise or fall; it equals :func:`polynomial_decay` with ``power=1``.

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_0`, the value at step 0.
    end_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_1`, the value from step ``D`` on.
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`.

    Notes
    -----
    PyTorch ``LinearLR`` (:math:`\eta_0 = b\cdot` ``start_factor``, :math:`\eta_1 = b\cdot`
    ``end_factor``), optax ``linear_schedule``.

    Examples
    --------
    >>> s = linear(0.1, 0.0, decay_steps=10)
    >>> [f"{float(v):.2f}" for v in s([0, 5, 10, 20])]
    ['0.10', '0.05', '0.00', '0.00']
    """
    s = Linear(learning_rate, end_learning_rate, decay_steps)
    check_interval("linear", "learning_rate", s.learning_rate, 0, None, "left")
    check_interval("linear", "end_learning_rate", s.end_learning_rate, 0, None, "left")
    check_interval("linear", "decay_steps", s.decay_steps, 0, None, "neither")
    return s


# ----------------------------------------------------------------------------------------
# TF1's three step decays: exponential, natural exponential, inverse time
# ----------------------------------------------------------------------------------------


def exponential_decay_formula(t, learning_rate, decay_steps, decay_rate, staircase):
    """η(t) = η₀ · r^p with p = t/D, floored when ``staircase``."""
    p = t / decay_steps                                  # p = t/D
    if staircase:
        p = np.floor(p)                                  # p = ⌊t/D⌋: the rate drops in steps
    return times(learning_rate, decay_rate**p)           # η₀ · r^p (0 · ∞ = 0 where r^p overflows)


def natural_exp_decay_formula(t, learning_rate, decay_steps, decay_rate, staircase):
    """η(t) = η₀ · e^(−k·p), computed as TF does: an exponential decay with rate e^(−k)."""
    p = t / decay_steps                                  # p = t/D
    if staircase:
        p = np.floor(p)                                  # p = ⌊t/D⌋
    return learning_rate * np.exp(-decay_rate) ** p      # η₀ · (e^−k)^p = η₀ · e^(−k·p)


def inverse_time_decay_formula(t, learning_rate, decay_steps, decay_rate, staircase):
    """η(t) = η₀ / (1 + k·p) with p = t/D, floored when ``staircase``."""
    p = t / decay_steps                                  # p = t/D
    if staircase:
        p = np.floor(p)                                  # p = ⌊t/D⌋
    return learning_rate / (1 + decay_rate * p)          # η₀ / (1 + k·p)


class ExponentialDecay(Schedule):
    """:func:`exponential_decay`."""

    formula = staticmethod(exponential_decay_formula)
    batched = ("learning_rate", "decay_steps", "decay_rate")


class NaturalExpDecay(Schedule):
    """:func:`natural_exp_decay`."""

    formula = staticmethod(natural_exp_decay_formula)
    batched = ("learning_rate", "decay_steps", "decay_rate")


class InverseTimeDecay(Schedule):
    """:func:`inverse_time_decay`."""

    formula = staticmethod(inverse_time_decay_formula)
    batched = ("learning_rate", "decay_steps", "decay_rate")


def _check_step_decay(owner: str, s: Schedule) -> None:
    """The checks TF1's three step decays share."""
    check_interval(owner, "learning_rate", s.learning_rate, 0, None, "left")
    check_interval(owner, "decay_steps", s.decay_steps, 0, None, "neither")
    check_interval(owner, "decay_rate", s.decay_rate, 0, None, "left")
    check_bool(owner, "staircase", s.staircase)


def exponential_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> ExponentialDecay:
    r"""Exponential decay :math:`\eta(t) = \eta_0\, r^{t/D}`, or :math:`\eta_0\, r^{\lfloor t/D \rfloor}` with ``staircase``.

    Let :math:`\eta_0, D, r` be ``learning_rate``, ``decay_steps``, ``decay_rate``:

    .. math::
        \eta(t) = \eta_0\, r^{p}, \qquad p = t/D \ \text{(or } \lfloor t/D \rfloor \text{ with staircase)}

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

    Notes
    -----
    TF1 ``tf.compat.v1.train.exponential_decay`` and Keras ``ExponentialDecay`` (same code);
    PyTorch ``StepLR`` (staircase, :math:`D` = ``step_size``) and ``ExponentialLR``
    (:math:`D = 1`); optax ``exponential_decay`` (with ``transition_begin`` = a :func:`join`
    in front).

    References
    ----------
    tensorflow/tensorflow ``python/keras/optimizer_v2/learning_rate_schedule.py``
    (``ExponentialDecay``); keras-team/keras
    ``keras/src/optimizers/schedules/learning_rate_schedule.py``.

    Examples
    --------
    The article's example, ``tf.train.exponential_decay(0.1, global_step, 1000, 0.96,
    staircase=True)``:

    >>> s = exponential_decay(0.1, 1000, 0.96, staircase=True)
    >>> print(f"{float(s(999)):.4f} {float(s(1000)):.4f}")
    0.1000 0.0960
    """
    s = ExponentialDecay(learning_rate, decay_steps, decay_rate, staircase)
    _check_step_decay("exponential_decay", s)
    return s


def natural_exp_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> NaturalExpDecay:
    r"""Natural exponential decay, :math:`\eta(t) = \eta_0\, e^{-k\,p}` with :math:`p = t/D` (floored if ``staircase``).

    Let :math:`\eta_0, D, k` be ``learning_rate``, ``decay_steps``, ``decay_rate``:

    .. math::
        \eta(t) = \eta_0 \exp(-k\, p) = \eta_0\, (e^{-k})^{p}

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

    Notes
    -----
    TF1 ``tf.compat.v1.train.natural_exp_decay`` builds an ``ExponentialDecay`` with rate
    :math:`e^{-k}`; that is also how it is computed here.

    References
    ----------
    tensorflow/tensorflow ``python/keras/optimizer_v2/legacy_learning_rate_decay.py``.

    Examples
    --------
    >>> s = natural_exp_decay(0.1, decay_steps=10, decay_rate=0.5)
    >>> print(f"{float(s(20)):.6f}")
    0.036788
    """
    s = NaturalExpDecay(learning_rate, decay_steps, decay_rate, staircase)
    _check_step_decay("natural_exp_decay", s)
    return s


def inverse_time_decay(learning_rate: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False) -> InverseTimeDecay:
    r"""Inverse-time decay, :math:`\eta(t) = \eta_0 / (1 + k\,p)` with :math:`p = t/D` (floored if ``staircase``).

    Let :math:`\eta_0, D, k` be ``learning_rate``, ``decay_steps``, ``decay_rate``:

    .. math::
        \eta(t) = \frac{\eta_0}{1 + k\,p}

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

    Notes
    -----
    The :math:`1/t` decay satisfies the Robbins–Monro conditions. TF1
    ``tf.compat.v1.train.inverse_time_decay``, Keras ``InverseTimeDecay``; legacy tf.keras
    ``decay=`` (``lr/(1 + decay·iterations)``) is the case :math:`D = 1`.

    References
    ----------
    H. Robbins & S. Monro (1951), A Stochastic Approximation Method, Ann. Math. Stat. 22(3);
    tensorflow/tensorflow ``python/keras/optimizer_v2/learning_rate_schedule.py``
    (``InverseTimeDecay``).

    Examples
    --------
    >>> s = inverse_time_decay(0.1, decay_steps=10, decay_rate=0.5)
    >>> print(f"{float(s(20)):.4f}")
    0.0500
    """
    s = InverseTimeDecay(learning_rate, decay_steps, decay_rate, staircase)
    _check_step_decay("inverse_time_decay", s)
    return s


# ----------------------------------------------------------------------------------------
# polynomial
# ----------------------------------------------------------------------------------------


def polynomial_decay_formula(t, learning_rate, decay_steps, end_learning_rate, power, cycle):
    """η(t) = (η₀ − η₁)(1 − s/D')^p + η₁; s = min(t, D), D' = D, or with ``cycle`` s = t, D' = D·⌈t/D⌉."""
    if cycle:
        s = t
        D = decay_steps * np.where(t == 0, 1.0, np.ceil(t / decay_steps))     # D' = D·⌈t/D⌉ (D at t = 0)
    else:
        s = np.minimum(t, decay_steps)                                        # s = min(t, D)
        D = decay_steps
    return (learning_rate - end_learning_rate) * (1 - s / D) ** power + end_learning_rate


class PolynomialDecay(Schedule):
    """:func:`polynomial_decay`."""

    formula = staticmethod(polynomial_decay_formula)
    batched = ("learning_rate", "decay_steps", "end_learning_rate", "power")


def polynomial_decay(
    learning_rate: Any, decay_steps: Any, end_learning_rate: Any = 1e-4, power: Any = 1.0, cycle: bool = False
) -> PolynomialDecay:
    r"""Polynomial decay from ``learning_rate`` to ``end_learning_rate`` over ``decay_steps``.

    Let :math:`\eta_0, D, \eta_1, p` be ``learning_rate``, ``decay_steps``,
    ``end_learning_rate``, ``power``:

    .. math::
        \eta(t) = (\eta_0 - \eta_1)\left(1 - \frac{s}{D'}\right)^{p} + \eta_1, \quad
        \begin{cases} s = \min(t, D),\ D' = D & \text{cycle=False} \\
                      s = t,\ D' = D \lceil t/D \rceil\ (D' = D \text{ at } t = 0) & \text{cycle=True} \end{cases}

    With ``cycle`` (TF semantics) the decay stretches to the next multiple of :math:`D`; it
    does **not** restart at :math:`\eta_0`: just after :math:`kD` the value is about
    :math:`(\eta_0-\eta_1)/(k+1)^p + \eta_1`.

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

    Notes
    -----
    TF1 ``polynomial_decay`` and Keras ``PolynomialDecay`` (same code, defaults
    ``end_learning_rate=1e-4``, ``power=1.0``); PyTorch ``PolynomialLR`` (:math:`\eta_1 = 0`,
    :math:`D` = ``total_iters``); optax ``polynomial_schedule``.

    References
    ----------
    tensorflow/tensorflow ``python/keras/optimizer_v2/learning_rate_schedule.py``
    (``PolynomialDecay``).

    Examples
    --------
    >>> s = polynomial_decay(1.0, 10, end_learning_rate=0.0, cycle=True)
    >>> [f"{float(v):.2f}" for v in s([0, 5, 10, 11, 20, 21])]
    ['1.00', '0.50', '0.00', '0.45', '0.00', '0.30']
    """
    s = PolynomialDecay(learning_rate, decay_steps, end_learning_rate, power, cycle)
    check_interval("polynomial_decay", "learning_rate", s.learning_rate, 0, None, "left")
    check_interval("polynomial_decay", "decay_steps", s.decay_steps, 0, None, "neither")
    check_interval("polynomial_decay", "end_learning_rate", s.end_learning_rate, 0, None, "left")
    check_interval("polynomial_decay", "power", s.power, 0, None, "left")
    check_bool("polynomial_decay", "cycle", s.cycle)
    return s


# ----------------------------------------------------------------------------------------
# piecewise: constant and interpolated
# ----------------------------------------------------------------------------------------


def piecewise_constant_formula(t, boundaries, values, closed):
    """η(t) = v_i after i boundaries: closed="right" changes at b + 1 (TF1), "left" at b (PyTorch)."""
    passed = np.searchsorted(boundaries, t, side="left" if closed == "right" else "right")   # i
    return values[..., passed]                                                               # v_i


class PiecewiseConstant(Schedule):
    """:func:`piecewise_constant`; ``values`` has shape ``(n + 1,)`` or ``(B, n + 1)``."""

    formula = staticmethod(piecewise_constant_formula)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self.values.shape[:-1]


def _check_sorted(owner: str, name: str, arr: np.ndarray, strict: bool = True) -> None:
    if arr.ndim != 1:
        raise ValueError(f"The {name!r} parameter of {owner} must be a 1-d sequence. Got shape {arr.shape} instead.")
    if np.any(np.diff(arr) <= 0 if strict else np.diff(arr) < 0):
        kind = "strictly increasing" if strict else "non-decreasing"
        raise ValueError(f"The {name!r} parameter of {owner} must be {kind}. Got {arr.tolist()!r} instead.")


def piecewise_constant(boundaries: Any, values: Any, closed: str = "right") -> PiecewiseConstant:
    r"""A step function: ``values[i]`` on the i-th interval between ``boundaries``.

    Let :math:`b_0 < \dots < b_{n-1}` be ``boundaries`` and :math:`v_0, \dots, v_n` ``values``:

    .. math::
        \eta(t) = v_i \quad\text{for}\quad
        \begin{cases} b_{i-1} < t \le b_i & \text{closed="right" (TF1, Keras): change at } b+1 \\
                      b_{i-1} \le t < b_i & \text{closed="left" (PyTorch, optax, OD API): change at } b \end{cases}

    Parameters
    ----------
    boundaries : sequence of int >= 0, strictly increasing
        :math:`b_0 < b_1 < \dots < b_{n-1}`.
    values : sequence of n + 1 floats in [0, inf), or a (B, n + 1) array for B runs
        :math:`v_0, \dots, v_n`.
    closed : {"right", "left"}
        The side of each interval that holds its boundary (see above).

    Notes
    -----
    The frameworks disagree by one step: TF1 ``piecewise_constant`` and Keras
    ``PiecewiseConstantDecay`` keep the old value *at* the boundary (the docstring's
    boundary 100000 gives "1.0 for the first 100001 steps"); PyTorch ``MultiStepLR``, optax
    ``piecewise_constant_schedule`` and the Object Detection API's ``manual_stepping`` change
    at the boundary.

    References
    ----------
    tensorflow/tensorflow ``python/keras/optimizer_v2/learning_rate_schedule.py``
    (``PiecewiseConstantDecay``); pytorch/pytorch ``torch/optim/lr_scheduler.py``
    (``MultiStepLR``).

    Examples
    --------
    >>> tf_like = piecewise_constant([5, 10], [1.0, 0.5, 0.1])
    >>> torch_like = piecewise_constant([5, 10], [1.0, 0.5, 0.1], closed="left")
    >>> [float(v) for v in tf_like([4, 5, 6, 10, 11])], [float(v) for v in torch_like([4, 5, 6, 10, 11])]
    ([1.0, 1.0, 0.5, 0.5, 0.1], [1.0, 0.5, 0.5, 0.1, 0.1])
    """
    owner = "piecewise_constant"
    _checks_numeric(owner, "boundaries", boundaries)
    _checks_numeric(owner, "values", values)
    b = np.asarray(boundaries, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    check_choice(owner, "closed", closed, ("right", "left"))
    if b.ndim != 1:
        raise ValueError(f"The 'boundaries' parameter of {owner} must be a 1-d sequence. Got shape {b.shape} instead.")
    if b.size:
        check_integer(owner, "boundaries", b, 0, None)
        if np.any(b > MAX_STEP):
            raise ValueError(f"The 'boundaries' parameter of {owner} must be at most 2**53 (steps are counted "
                             f"exactly up to there). Got {b[b > MAX_STEP][0]!r} instead.")
    _check_sorted(owner, "boundaries", b)
    if v.ndim not in (1, 2) or v.shape[-1] != b.size + 1:
        raise ValueError(
            f"The 'values' parameter of {owner} must have len(boundaries) + 1 = {b.size + 1} entries "
            f"(or shape (B, {b.size + 1}) for B runs). Got shape {v.shape} instead."
        )
    check_interval(owner, "values", v, 0, None, "left")
    return PiecewiseConstant(b.astype(np.int64), v, closed)


def piecewise_interpolate_formula(t, boundaries, values, interpolation):
    """Between knots (b_j, v_j) and (b_j+1, v_j+1), q = (t − b_j)/(b_j+1 − b_j): linear or half a cosine; flat outside."""
    b, v = boundaries, values
    runs = v.shape[:-1] + (1,) * t.ndim                                       # (B, 1, ..., 1): a row per run
    first, last = v[..., 0].reshape(runs), v[..., -1].reshape(runs)           # v_0, v_n
    if b.size == 1:
        return first * np.ones_like(t)
    j = np.clip(np.searchsorted(b, t, side="right") - 1, 0, b.size - 2)      # segment [b_j, b_j+1)
    q = np.clip((t - b[j]) / np.maximum(b[j + 1] - b[j], 1e-300), 0, 1)      # position in the segment
    start, end = v[..., j], v[..., j + 1]
    if interpolation == "linear":
        out = (end - start) * q + start                                       # v_j + (v_j+1 − v_j)·q
    else:
        out = end + (start - end) / 2.0 * (np.cos(np.pi * q) + 1)             # v_j+1 + (v_j − v_j+1)·½(1 + cos πq)
    out = np.where(t < b[0], first, out)                                      # v_0 before b_0
    return np.where(t >= b[-1], last, out)                                    # v_n from b_n on


class PiecewiseInterpolate(Schedule):
    """:func:`piecewise_interpolate`; ``values`` has shape ``(n + 1,)`` or ``(B, n + 1)``."""

    formula = staticmethod(piecewise_interpolate_formula)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self.values.shape[:-1]


def piecewise_interpolate(boundaries: Any, values: Any, interpolation: str = "linear") -> PiecewiseInterpolate:
    r"""Interpolate between knots :math:`(b_i, v_i)`: linearly or along half a cosine; flat outside.

    Let :math:`b_0 \le \dots \le b_n` be ``boundaries`` and :math:`v_0, \dots, v_n` ``values``:

    .. math::
        \eta(t) = \begin{cases}
          v_j + (v_{j+1} - v_j)\,q & \text{linear} \\
          v_{j+1} + (v_j - v_{j+1})\,\tfrac12(1 + \cos \pi q) & \text{cosine}
        \end{cases}, \quad q = \frac{t - b_j}{b_{j+1} - b_j},\ b_j \le t < b_{j+1}

    :math:`v_0` before :math:`b_0`, :math:`v_n` from :math:`b_n` on; equal knots make a jump.
    Knots may be fractional.

    Parameters
    ----------
    boundaries : sequence of floats, non-decreasing
        :math:`b_0 \le \dots \le b_n`.
    values : sequence of floats in [0, inf), same length (or (B, n + 1) for B runs)
        :math:`v_0, \dots, v_n`.
    interpolation : {"linear", "cosine"}

    Notes
    -----
    optax ``piecewise_interpolate_schedule`` (knots at 0 and at the boundaries, values the
    cumulative products of the scales), and hence optax's one-cycle schedules.

    References
    ----------
    google-deepmind/optax ``optax/schedules/_schedule.py`` (``piecewise_interpolate_schedule``).

    Examples
    --------
    >>> s = piecewise_interpolate([0, 10, 20], [0.0, 1.0, 0.0])
    >>> [float(v) for v in s([0, 5, 10, 15, 30])]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    owner = "piecewise_interpolate"
    _checks_numeric(owner, "boundaries", boundaries)
    _checks_numeric(owner, "values", values)
    b = np.asarray(boundaries, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    check_choice(owner, "interpolation", interpolation, ("linear", "cosine"))
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"The 'boundaries' parameter of {owner} must be a non-empty 1-d sequence. Got {boundaries!r} instead.")
    check_finite(owner, "boundaries", b)
    _check_sorted(owner, "boundaries", b, strict=False)
    if v.ndim not in (1, 2) or v.shape[-1] != b.size:
        raise ValueError(
            f"The 'values' parameter of {owner} must have len(boundaries) = {b.size} entries "
            f"(or shape (B, {b.size}) for B runs). Got shape {v.shape} instead."
        )
    check_interval(owner, "values", v, 0, None, "left")
    return PiecewiseInterpolate(b, v, interpolation)
