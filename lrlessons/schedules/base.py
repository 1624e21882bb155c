r"""The :class:`Schedule` base class: step checks, ``(B,)`` batching, and the helpers schedules share.

Every schedule is written in two parts:

* its **formula**: one public, pure, module-level function ``formula(t, *hyperparameters)`` of
  float steps ``t >= 0``, vectorized with NumPy only (``np.where``, ``np.minimum``, ``np.floor``,
  ``np.searchsorted``; never an ``if`` on the step). A wrapped schedule reaches it as a plain
  function of float steps, so a composite formula reads ``schedule(t - W)``;
* a small frozen :class:`Schedule` subclass that names that formula and holds the
  hyperparameters a factory such as :func:`~lrlessons.schedules.exponential_decay` validated.
  Its attributes are the formula's parameters, in the formula's order.

Calling a schedule, ``s(step)``:

1. checks the step (:func:`check_steps`): non-negative integers, as a float64 array;
2. pads every hyperparameter the class lists in ``batched`` that is a ``(B,)`` array to
   ``(B, 1, ..., 1)``, so it broadcasts against the step axes instead of lining up with one
   of them, and hands every schedule it lists in ``nested`` to the formula as a function
   of float steps (:func:`evaluate`);
3. returns ``formula(t, ...)`` as a float64 array of shape ``batch_shape + step.shape``.

``s.formula`` is the function that runs and ``s.source`` its source text, what the lessons
print. A schedule holds no state: calling it twice, or out of order, is harmless.

>>> from lrlessons.schedules import exponential_decay
>>> s = exponential_decay(0.1, 1000, 0.96, staircase=True)
>>> s.formula.__name__, s.hyperparameters["decay_steps"], s.batch_shape
('exponential_decay_formula', 1000, ())
>>> float(s.formula(np.float64(2500), 0.1, 1000, 0.96, True)) == float(s(2500))
True
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import FrozenInstanceError
from typing import Any, Callable

import numpy as np

from .._batch import batch_shape, leading
from .. import _checks
from .._checks import check_finite

__all__ = ["Schedule", "check_steps", "hyperparameter", "evaluate", "times", "speaks_as"]

#: Parameters of framework wrappers that are not numeric hyperparameters (checked by their own code).
_NOT_NUMERIC = {"name", "mode", "scale_mode", "anneal_strategy", "interpolate_type", "staircase", "cycle",
                "three_phase", "cycle_momentum", "global_step", "x", "schedules", "schedulers",
                "boundaries_and_scales", "lr_lambda", "cosine_kwargs", "milestones", "boundaries", "values",
                "scale_fn", "last_epoch", "verbose", "epochs", "steps_per_epoch", "total_steps"}
_MESSAGE = re.compile(r"The '(\w+)' (?:parameter|argument|field) of (\w+) (.*)", re.S)


def speaks_as(owner: str, rename: dict[str, str] | None = None, scalar: tuple[str, ...] = ()) -> Callable:
    """Decorator for a framework wrapper: every error it raises uses the wrapper's own parameter names.

    Before the wrapper runs, each numeric argument must be a finite real number or a ``(B,)``
    array of them (those in ``scalar`` a single number, as the framework reads them in Python
    conditions). Errors from the core schedules it builds are reworded: ``rename`` maps a core
    parameter to the caller's (``{"alpha": "eta_min"}``); ``(B,)`` arguments of different lengths
    are named at construction. Anything else is answered with a ``ValueError`` listing the
    arguments, never a raw ``OverflowError`` or ``AttributeError``.
    """
    rename = dict(rename or {})

    def decorate(fn: Callable) -> Callable:
        sig = inspect.signature(fn)
        params = list(sig.parameters)

        def check_arguments(bound) -> None:
            sizes = {}
            for p, v in bound.arguments.items():
                if p in _NOT_NUMERIC or v is None or (p == "warmup_target" and v is None):
                    continue
                _checks._as_numeric(owner, p, v)          # TypeError naming p for str, dict, bool, ...
                arr = np.asarray(v, dtype=float)
                if not np.all(np.isfinite(arr)):
                    raise ValueError(f"The {p!r} parameter of {owner} must be finite. Got {_checks._fmt(v)} instead.")
                if p in scalar and arr.ndim:
                    raise TypeError(f"The {p!r} parameter of {owner} must be a single number. Got {_checks._fmt(v)} instead.")
                if arr.ndim > 1:
                    raise ValueError(f"The {p!r} parameter of {owner} must be a number or a (B,) array. "
                                     f"Got shape {arr.shape} instead.")
                if arr.ndim == 1:
                    sizes[p] = arr.shape[0]
            if len(set(sizes.values())) > 1:
                listed = ", ".join(f"{p!r} has {n}" for p, n in sizes.items())
                raise ValueError(f"The (B,) parameters of {owner} must have the same length: {listed}.")

        def reword(e: Exception) -> Exception:
            m = _MESSAGE.match(str(e))
            if m and m.group(2) == owner and m.group(1) in params:
                return e
            if isinstance(e, (ValueError, TypeError)) and not m and any(
                    re.search(rf"\b{p}\b", str(e)) for p in params):
                return e                                  # already the wrapper's own words
            if m:
                core = m.group(1)
                name = rename.get((m.group(2), core), rename.get(core, core if core in params else None))
                if name is not None:
                    kind = type(e) if isinstance(e, (ValueError, TypeError)) else ValueError
                    return kind(f"The {name!r} parameter of {owner} {m.group(3)}")
            return ValueError(
                f"{owner} cannot build a schedule from these arguments ({type(e).__name__}: {e}). "
                f"Check {', '.join(repr(p) for p in params)}."
            )

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)             # TypeError for a wrong keyword, as Python's
            try:
                check_arguments(bound)
                out = fn(*args, **kwargs)
            except (ValueError, TypeError, OverflowError, ZeroDivisionError, AttributeError, KeyError,
                    IndexError) as e:
                raise reword(e) from None
            return out

        return wrapper

    return decorate


def times(a: Any, b: Any) -> np.ndarray:
    """a · b, with 0 · ∞ = 0: a zero rate stays zero however far a factor overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.asarray(a) == 0, 0.0, a * b)


def check_steps(owner: str, step: Any) -> np.ndarray:
    """Validate a ``step`` argument and return it as a float64 array of the same shape.

    A step counts updates already applied: a non-negative integer, or an array of them
    (integral floats such as ``3.0`` are accepted). Booleans, strings, fractions, negative
    or non-finite steps raise, naming ``owner``.

    >>> check_steps("cosine_decay", [0, 5])
    array([0., 5.])
    >>> check_steps("cosine_decay", -1)
    Traceback (most recent call last):
    ...
    ValueError: The 'step' argument of cosine_decay must be in [0, inf) (it counts updates already applied). Got -1 instead.
    """
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


def hyperparameter(value: Any) -> Any:
    """How a schedule stores a hyperparameter: a list or tuple becomes a float64 array (one entry per run).

    Numbers, arrays and ``None`` are kept as given, so the repr shows what was passed.

    >>> hyperparameter([1, 2]), hyperparameter(1000)
    (array([1., 2.]), 1000)
    """
    if isinstance(value, (list, tuple)):
        return np.asarray(value, dtype=np.float64)
    return value


def evaluate(schedule: Callable, t: np.ndarray, step_ndim: int | None = None) -> np.ndarray:
    """``schedule`` at float steps ``t >= 0``, without checking them: how a composite formula calls a schedule.

    For a :class:`Schedule`: its formula, shape ``batch_shape + t.shape``. ``step_ndim`` is the
    number of step axes of the caller; when ``t`` has more, its first axis is already the run
    axis (a warmup with ``(B,)`` warmup steps gives the local step ``t - W`` the shape
    ``(B,) + step.shape``), and run ``i`` of a batched schedule is evaluated at ``t[i]``. Any
    other callable is called with ``t`` as an int64 array.

    >>> from lrlessons.schedules import linear
    >>> s = linear([1.0, 2.0], 0.0, decay_steps=10)
    >>> evaluate(s, np.array([0.0, 5.0]))               # both runs at both steps
    array([[1. , 0.5],
           [2. , 1. ]])
    >>> evaluate(s, np.array([[5.0], [0.0]]), step_ndim=1)   # run 0 at step 5, run 1 at step 0
    array([[0.5],
           [2. ]])
    """
    if isinstance(schedule, Schedule):
        return schedule.value(t, step_ndim)
    return np.asarray(schedule(np.asarray(t).astype(np.int64)), dtype=np.float64)


def _as_function(schedule: Callable, step_ndim: int) -> Callable:
    """``schedule`` as the function of float steps a composite formula calls (see :func:`evaluate`)."""
    return functools.partial(evaluate, schedule, step_ndim=step_ndim)


class Schedule:
    """Base class of every schedule: a formula and the hyperparameters bound to it.

    A subclass sets three class attributes:

    ``formula``
        ``staticmethod(f)`` for the schedule's formula ``f(t, *hyperparameters)``. The names of
        its parameters after ``t`` are the schedule's attributes and the fields of its repr.
    ``batched``
        The hyperparameters that may be ``(B,)`` arrays, one value per run. A list or tuple
        passed for one of them is stored as a float64 array.
    ``nested``
        The hyperparameters that are schedules (or sequences of schedules) the formula
        calls; they may be batched too.

    The constructor binds its arguments to those names; it does not validate (the factories
    and framework classes do). The object is frozen.
    """

    formula: Callable[..., Any]
    batched: tuple[str, ...] = ()
    nested: tuple[str, ...] = ()
    #: The formula's hyperparameters, in order (read from its signature).
    names: tuple[str, ...] = ()
    _signature: inspect.Signature = inspect.Signature()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "formula" in vars(cls):
            params = list(inspect.signature(cls.formula).parameters.values())[1:]     # after t
            taken = [p.name for p in params if hasattr(Schedule, p.name)]
            if taken:
                raise TypeError(f"{cls.__name__}.formula: the parameter names {taken} are Schedule attributes.")
            cls.names = tuple(p.name for p in params)
            cls._signature = inspect.Signature([p.replace(default=p.empty) for p in params])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        bound = self._signature.bind(*args, **kwargs)
        for name in self.names:
            value = bound.arguments[name]
            object.__setattr__(self, name, hyperparameter(value) if name in self.batched else value)
        try:
            self.batch_shape                              # raises if batched hyperparameters disagree
        except ValueError:
            shapes = {n: np.shape(getattr(self, n)) for n in self.batched if np.ndim(getattr(self, n)) > 0}
            listed = ", ".join(f"{n!r} has shape {s}" for n, s in shapes.items()) or "nested schedules disagree"
            raise ValueError(f"The batched parameters of {type(self).__name__} must share one run shape (B,): {listed}.") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The bound values by name, in the formula's order."""
        return {name: getattr(self, name) for name in self.names}

    @property
    def source(self) -> str:
        """The source code of :attr:`formula`, the function every call runs (what the lessons print)."""
        return inspect.getsource(self.formula)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """``()`` for one run, ``(B,)`` when a hyperparameter or a wrapped schedule is batched."""
        runs = [getattr(self, name) for name in self.batched if getattr(self, name) is not None]
        for name in self.nested:
            value = getattr(self, name)
            for s in value if isinstance(value, (tuple, list)) else (value,):
                runs.append(np.empty(getattr(s, "batch_shape", ())))
        return batch_shape(*runs)

    def __call__(self, step: Any) -> np.ndarray:
        """The learning rate after ``step`` updates; shape ``batch_shape + np.shape(step)``, float64."""
        return self.value(check_steps(type(self).__name__, step))

    def value(self, t: np.ndarray, step_ndim: int | None = None) -> np.ndarray:
        """:attr:`formula` at float steps ``t >= 0``, not checked (see :func:`evaluate` for ``step_ndim``)."""
        if step_ndim is not None and np.ndim(t) > step_ndim and self.batch_shape:
            # t already carries the run axis (a warmup with (B,) steps): run i at its own steps t[i]
            return np.einsum("ii...->i...", self.value(t)).copy()
        args = []
        for name in self.names:
            v = getattr(self, name)
            if name in self.batched and v is not None:
                (v,) = leading(t, v)                                 # (B,) -> (B, 1, ..., 1)
            elif name in self.nested and isinstance(v, (tuple, list)):
                v = tuple(_as_function(s, np.ndim(t)) for s in v)    # schedules: functions of float steps
            elif name in self.nested:
                v = _as_function(v, np.ndim(t))
            args.append(v)
        out = np.asarray(self.formula(t, *args), dtype=np.float64)
        shape = self.batch_shape + np.shape(t)
        return out if out.shape == shape else np.broadcast_to(out, shape).copy()

    def __repr__(self) -> str:
        args = []
        for name in self.names:
            v = getattr(self, name)
            args.append(f"{name}={v.tolist() if isinstance(v, np.ndarray) else v!r}")
        return f"{type(self).__name__}({', '.join(args)})"
