"""The one shared container of every optimizer: it binds hyperparameters and resolves lr.

Each optimizer lives in its own module as a plain ``update`` function written line by line
like its equations, plus a factory that validates and binds. The factory returns an
:class:`Optimizer`, the only glue: it looks up the learning rate (a number, a ``(B,)`` array
or a schedule evaluated at ``state.count``), checks shapes, pads ``(B,)`` hyperparameters to
``(B, 1, ..., 1)`` and calls ``update``. Nothing here knows any optimizer's math.
"""

from __future__ import annotations

import functools
import inspect
import re
import weakref
from collections import namedtuple
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from .._batch import float_dtype, per_run
from .._checks import check_finite, check_interval

__all__ = [
    "Optimizer",
    "trace",
    "zeros_like_float",
    "full_like_float",
    "is_active",
    "weight_decay_lines",
    "weight_decay_step",
    "framework_optimizer",
    "power",
]

# Hyperparameters that may also be schedules, like ``lr`` (PyTorch's ``cycle_momentum`` sets
# them every step), with the interval their value must lie in at every update.
SCHEDULABLE = {"momentum": (0, 1, "left"), "beta1": (0, 1, "left")}

# Trailing sizes up to this are padded to theta's full shape (see ``Optimizer._pad``).
_FULL_SHAPE_MAX = 16


@functools.lru_cache(maxsize=None)
def _trace_type(names: tuple[str, ...]) -> type:
    return namedtuple("Trace", names)


def trace(**fields: Any) -> tuple:
    """A ``Trace`` named tuple of the intermediates of one update, in the order given.

    The order must be the order of the optimizer's ``equations`` (a test checks it).

    >>> trace(m=1.0, delta=-0.1)
    Trace(m=1.0, delta=-0.1)
    """
    return _trace_type(tuple(fields))._make(fields.values())


# id(padded hyperparameter) -> (weak reference, distinct values, index): see ``power``.
_DISTINCT: dict[int, tuple] = {}


def _remember_distinct(h: np.ndarray) -> None:
    """Let :func:`power` work on the distinct values of ``h`` when they repeat (grids do)."""
    if h.size < 64 or (np.signbit(h) & (h == 0)).any():     # small; or -0.0 (np.unique merges it with 0.0)
        return
    values, index = np.unique(h, return_inverse=True)
    if 2 * values.size > h.size:
        return
    key = id(h)
    _DISTINCT[key] = (weakref.ref(h), values, index.reshape(h.shape))
    weakref.finalize(h, _DISTINCT.pop, key, None)


def power(base: Any, t: Any) -> Any:
    r"""``base ** t``: a hyperparameter's power such as :math:`\beta_1^t`, the same numbers bit for bit.

    A batched hyperparameter of a grid repeats each value many times (a 100 x 100
    ``(lr, beta1)`` grid has 100 distinct ``beta1`` in 10,000 runs) and ``pow`` costs ~50 ns
    per element, so for the padded hyperparameters an :class:`Optimizer` passes to ``update``
    the power is computed once per distinct value and then gathered. Anything else is just
    ``base ** t``.

    >>> print(power(0.9, 2))
    0.81
    """
    if type(base) is not np.ndarray:
        return base ** t
    entry = _DISTINCT.get(id(base))
    if entry is None or entry[0]() is not base:
        return base ** t
    return np.take(entry[1] ** t, entry[2])


def zeros_like_float(theta: Any) -> np.ndarray:
    """Zeros shaped like ``theta`` in its float dtype (ints -> float64, float32 stays float32)."""
    theta = np.asarray(theta)
    return np.zeros(theta.shape, dtype=float_dtype(theta))


def full_like_float(theta: Any, value: Any) -> np.ndarray:
    """``value`` (a scalar or a ``(B,)`` array, one per run) broadcast to ``theta``'s shape and float dtype."""
    theta = np.asarray(theta)
    out = np.empty(theta.shape, dtype=float_dtype(theta))
    out[...] = per_run(theta, value)
    return out


def is_active(value: Any) -> bool:
    """True when a numeric option is switched on for some run (``weight_decay != 0`` somewhere).

    Factories and ``update`` functions use the same test, so the equations a factory lists and
    the trace fields its update returns always agree.
    """
    if value is None:
        return False
    if type(value) is float or type(value) is int:      # fast path (Optimizer.apply passes floats)
        return value != 0
    if type(value) is np.ndarray:                        # (float32 scalars arrive as 0-d arrays)
        return bool(value.any())
    return bool(np.any(value))


def weight_decay_lines(weight_decay: Any, decoupled: bool) -> tuple:
    """The equation line weight decay adds in front of an update (none when ``weight_decay == 0``)."""
    if not is_active(weight_decay):
        return ()
    if decoupled:
        return (("decay", r"d_t = -\alpha\, \lambda\, \theta_{t-1}"),)
    return (("g", r"g_t \leftarrow g_t + \lambda\, \theta_{t-1}"),)


def weight_decay_step(theta, grad, lr, weight_decay, decoupled):
    r"""Weight decay, before an update: ``(g, d, fields)``.

    L2 (PyTorch's ``weight_decay``): the gradient becomes :math:`g_t + \lambda\theta_{t-1}` and
    ``d`` is ``None``. Decoupled (PyTorch ``AdamW``/``decoupled_weight_decay``, Keras
    ``weight_decay`` on every optimizer, optax ``adamw``): the gradient is unchanged and
    :math:`d_t = -\alpha\lambda\theta_{t-1}` is added to the step. ``fields`` holds the trace
    entry (``{"g": ...}`` or ``{"decay": ...}``, empty when ``weight_decay == 0``).
    """
    if not is_active(weight_decay):
        return grad, None, {}
    if decoupled:
        d = -lr * weight_decay * theta                   # d_t = -α λ θ_{t-1}
        return grad, d, {"decay": d}
    g = grad + weight_decay * theta                      # g_t ← g_t + λ θ_{t-1}
    return g, None, {"g": g}


_PARAM_RE = re.compile(r"The '([A-Za-z_0-9]+)' parameter of ([A-Za-z_0-9.]+)")


def check_moments(owner: str, lr: Any, beta1: Any, beta2: Any, eps: Any, weight_decay: Any) -> None:
    """The checks every Adam-family factory shares: lr ≥ 0 (unless a schedule), β₁, β₂ in [0, 1), ε > 0, λ ≥ 0."""
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "beta1", beta1, 0, 1, "left")
    check_interval(owner, "beta2", beta2, 0, 1, "left")
    check_interval(owner, "eps", eps, 0, None, "neither")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")


def accepts_schedules(factory: Callable) -> Callable:
    """Let a core factory take a schedule for ``momentum`` / ``beta1`` (``SCHEDULABLE``), as for ``lr``.

    The factory validates and builds with the schedule's value at step 0 (which picks the
    equations); the returned :class:`Optimizer` binds the schedule itself and evaluates it at
    ``state.count`` on every update, validating each value (PyTorch's ``OneCycleLR`` and
    ``CyclicLR`` cycle momentum this way: ``pytorch.OneCycleLR(...).momentum``).
    """
    sig = inspect.signature(factory)

    @functools.wraps(factory)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        scheduled = {k: v for k, v in bound.arguments.items() if k in SCHEDULABLE and callable(v)}
        if not scheduled:
            return factory(*args, **kwargs)
        for k, f in scheduled.items():
            first = np.asarray(f(0), dtype=np.float64)
            bound.arguments[k] = first.item() if first.ndim == 0 else first
        opt = factory(*bound.args, **bound.kwargs)
        hyperparameters = {k: scheduled.get(k, v) for k, v in opt.hyperparameters.items()}
        return Optimizer(opt.name, hyperparameters, opt.equations, opt._init, opt.update, opt.flags)

    return wrapper


def framework_optimizer(display: str, factory: Callable, rename: Mapping[str, str] | None = None, **kwargs) -> "Optimizer":
    """Build a core optimizer for a framework class/function and give it that framework's name.

    Errors raised by the core factory are reworded with the framework's own parameter names
    (``rename`` maps core name -> framework name), so ``keras.Adam(beta_1=1.0)`` reports
    ``'beta_1'`` of ``keras.Adam``. Schedules for ``momentum``/``beta1`` are handled by the
    core factory (:func:`accepts_schedules`).
    """
    rename = dict(rename or {})
    try:
        opt = factory(**kwargs)
    except (ValueError, TypeError) as err:
        msg = _PARAM_RE.sub(lambda m: f"The {rename.get(m.group(1), m.group(1))!r} parameter of {display}", str(err))
        raise type(err)(msg) from None
    return Optimizer(display, opt.hyperparameters, opt.equations, opt._init, opt.update, opt.flags)


@dataclass(frozen=True, eq=False, repr=False)
class Optimizer:
    """An immutable optimizer: a name, bound hyperparameters, equations and two functions.

    Attributes
    ----------
    name : str
        The factory's name, e.g. ``"adam"``.
    hyperparameters : Mapping
        Read-only view of the bound values. ``lr`` may be a schedule, and so may the names in
        ``SCHEDULABLE`` (``momentum``, ``beta1``): each is called with ``state.count`` (the
        update about to happen), its value checked against its interval (a ``ValueError``
        names the step), then padded like any value.
    equations : tuple of (str, str)
        Ordered ``(trace field, LaTeX)`` pairs, one per line of the update, for the options
        this optimizer was built with.
    update : callable
        The module's ``update(theta, grad, state, lr, **hyperparameters)`` function; what
        ``show_source`` displays.
    """

    name: str
    hyperparameters: Mapping[str, Any]
    equations: tuple
    _init: Callable
    update: Callable
    flags: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "hyperparameters", MappingProxyType(dict(self.hyperparameters)))
        object.__setattr__(self, "equations", tuple(tuple(e) for e in self.equations))
        static, numeric, scheduled = {}, {}, {}
        for k, v in self.hyperparameters.items():
            if k == "lr":
                continue
            if k in SCHEDULABLE and callable(v) and k not in self.flags:
                lo, hi, closed = SCHEDULABLE[k]
                if k == "momentum" and self.hyperparameters.get("nesterov") is True:
                    closed = "neither"                         # Nesterov needs momentum > 0
                scheduled[k] = (v, lo, hi, closed)
            elif k in self.flags or isinstance(v, (bool, np.bool_, str)) or v is None or callable(v):
                static[k] = v
            else:
                numeric[k] = v
        object.__setattr__(self, "_static", static)
        object.__setattr__(self, "_numeric", numeric)
        object.__setattr__(self, "_scheduled", tuple(scheduled.items()))
        object.__setattr__(self, "_padded", {})
        object.__setattr__(self, "_shapes", tuple((k, np.shape(v)) for k, v in numeric.items() if np.ndim(v)))

    @property
    def source(self) -> str:
        """The source code of the ``update`` function that runs (what the lessons display)."""
        return inspect.getsource(self.update)

    # -- public API ---------------------------------------------------------------------
    def init(self, theta: Any):
        """The initial state for parameters ``theta`` (shape ``(...)`` or ``(B, ...)``)."""
        theta = np.asarray(theta)
        if not (np.issubdtype(theta.dtype, np.number) and not np.issubdtype(theta.dtype, np.complexfloating)):
            raise TypeError(f"The 'theta' argument of {self.name}.init must be a real array. Got dtype {theta.dtype} instead.")
        return self._init(theta.astype(float_dtype(theta), copy=False))

    def step(self, theta: Any, grad: Any, state: Any, lr: Any = None):
        """One update: ``(theta, grad, state) -> (new_theta, new_state, trace)``. Pure.

        ``lr=None`` uses the bound learning rate; a schedule is called with ``state.count``
        (updates already applied), so the first update uses ``schedule(0)``. An explicit
        ``lr`` (number, ``(B,)`` array or schedule) replaces the bound one for this call.
        """
        theta = np.asarray(theta)
        if theta.dtype.kind != "f":
            theta = theta.astype(float_dtype(theta))
        grad = np.asarray(grad)
        lr = self.resolve_lr(state, lr)
        self.check(theta, grad, state, lr)
        return self.apply(theta, grad, state, lr)

    def resolve_lr(self, state: Any, lr: Any = None) -> Any:
        """The learning rate for the update about to happen (schedule evaluated at ``state.count``)."""
        lr = self.hyperparameters["lr"] if lr is None else lr
        if callable(lr):
            lr = lr(state.count)
        return lr

    def check(self, theta: np.ndarray, grad: np.ndarray, state: Any, lr: Any) -> None:
        """Validate one step's inputs: shapes, a finite gradient, ``lr >= 0`` and batch shapes."""
        if grad.shape != theta.shape:
            raise ValueError(
                f"The 'grad' argument of {self.name}.step must have the shape of theta {theta.shape}. "
                f"Got shape {grad.shape} instead."
            )
        for field, buf in zip(state._fields, state):
            if isinstance(buf, np.ndarray) and buf.shape != theta.shape:
                raise ValueError(
                    f"The state buffer {field!r} of {self.name} has shape {buf.shape}, but theta has "
                    f"shape {theta.shape}. Was the state made by init() for other parameters?"
                )
        if not (grad.dtype.kind == "f" and np.isfinite(grad).all()):
            check_finite(f"{self.name}.step", "grad", grad)
        shapes = self._shapes
        if not (type(lr) is float and lr >= 0):  # (fast path for the common case)
            check_interval(self.name, "lr", lr, 0, None, "left")
            shapes = (("lr", np.shape(lr)), *shapes)
        if self._scheduled:
            shapes = (*shapes, *((k, np.shape(v)) for k, v in self.resolve_scheduled(state).items()))
        for name, shape in shapes:
            if shape and shape != theta.shape[: len(shape)]:
                raise ValueError(
                    f"The {name!r} hyperparameter of {self.name} has shape {shape}, which must be the "
                    f"leading (run) axes of theta's shape {theta.shape}: one value per run."
                )

    def apply(self, theta: np.ndarray, grad: np.ndarray, state: Any, lr: Any):
        """The update without validation (for hot loops that validated once): pads and calls ``update``."""
        key = (theta.dtype, theta.shape)
        hp = self._padded.get(key)
        if hp is None:
            hp = {k: self._pad(theta, v, True) for k, v in self._numeric.items()}
            hp.update(self._static)
            bound = self.hyperparameters["lr"]                 # the bound lr, padded once
            hp = (hp, bound, None) if callable(bound) else (hp, bound, self._pad(theta, bound, True))
            self._padded[key] = hp
        hp, bound, padded_lr = hp
        if lr is bound and padded_lr is not None:
            lr = padded_lr
        elif type(lr) is not float or theta.dtype != np.float64:
            lr = self._pad(theta, lr)
        if self._scheduled:                                    # resolved every update, never cached
            hp = {**hp, **{k: self._pad(theta, v) for k, v in self.resolve_scheduled(state).items()}}
        return self.update(theta, grad, state, lr, **hp)

    def resolve_scheduled(self, state: Any) -> dict:
        """The scheduled hyperparameters (``momentum``, ``beta1``) at ``state.count``, each checked.

        Checked on use (a factory cannot check a schedule up front), with the factory's message
        and the step: ``The 'momentum' parameter of pytorch.SGD must be in [0, 1). Got 1.2
        instead (at step 17).``
        """
        out = {}
        for k, (f, lo, hi, closed) in self._scheduled:
            v = f(state.count)
            if type(v) is np.ndarray and v.ndim == 0:
                v = float(v)
            if not (type(v) is float and lo < v < hi):         # (fast path for the common case)
                try:
                    check_interval(self.name, k, v, lo, hi, closed)
                except (ValueError, TypeError) as err:
                    msg = str(err)
                    msg = (msg[:-1] if msg.endswith(".") else msg) + f" (at step {int(np.max(state.count))})."
                    raise type(err)(msg) from None
            out[k] = v
        return out

    @staticmethod
    def _pad(theta: np.ndarray, value: Any, cached: bool = False) -> Any:
        """A hyperparameter as ``update`` gets it (the values are unchanged, bit for bit).

        A float64 scalar becomes a Python float (faster than a 0-d array). A ``(B,)`` value is
        padded to ``(B, 1, ..., 1)``; when the trailing axes are small (``(B, 2)`` parameters of
        a grid) it is spread to theta's full shape, since numpy is several times faster on
        same-shape operands than on ``(B, 1)`` against ``(B, 2)``. A ``cached`` value (padded
        once per Optimizer and theta shape) is a read-only copy whose distinct values are
        remembered for :func:`power`.
        """
        if np.ndim(value) == 0:
            if theta.dtype == np.float64:
                return float(value)
            return per_run(theta, value)
        h = per_run(theta, value)
        if theta.size <= _FULL_SHAPE_MAX * h.size and h.shape != theta.shape:
            h = np.ascontiguousarray(np.broadcast_to(h, theta.shape))
        elif cached:
            h = h.copy()                                       # (never a view of the caller's array)
        if cached:
            h.setflags(write=False)
            _remember_distinct(h)
        return h

    def __repr__(self) -> str:
        def fmt(v):
            if isinstance(v, np.ndarray):
                return repr(v.tolist())
            return repr(v)

        return f"{self.name}(" + ", ".join(f"{k}={fmt(v)}" for k, v in self.hyperparameters.items()) + ")"
