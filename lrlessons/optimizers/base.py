r"""The one shared container of every optimizer, and weight decay, applied in one place.

Each optimizer lives in its own module: its ``State``, its canonical ``update`` written line
by line like the paper's algorithm box with its ``EQUATIONS`` beside it, each framework
variant as another small function with its own equations, and a factory that validates the
arguments and picks one. The factory returns an :class:`Optimizer`, the only glue: it binds
the hyperparameters, adds weight decay (L2 or decoupled) around the chosen update, resolves
the learning rate (a number, a ``(B,)`` array or a schedule evaluated at ``state.count``),
pads ``(B,)`` hyperparameters to ``(B, 1, ..., 1)`` and calls the update. Nothing here knows
any optimizer's math.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections import namedtuple
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple

import numpy as np

from .._batch import batch_shape, float_dtype, per_run
from .._checks import check_bool, check_finite, check_interval
from . import _cache

__all__ = [
    "Optimizer",
    "Update",
    "trace",
    "trace_type",
    "trace_of",
    "zeros_like_float",
    "full_like_float",
    "is_active",
    "check_moments",
    "accepts_schedules",
    "framework_optimizer",
    "framework_flag",
    "framework_number",
    "l2_gradient",
    "decoupled_decay",
    "check_state",
    "state_error",
    "state_layout",
    "SCHEDULABLE",
]

# Hyperparameters that may also be schedules, like ``lr`` (PyTorch's ``cycle_momentum`` sets
# them every step), with the interval their value must lie in at every update.
SCHEDULABLE = {"momentum": (0, 1, "left"), "beta1": (0, 1, "left")}


@functools.lru_cache(maxsize=None)
def trace_type(names: tuple[str, ...]) -> type:
    """The ``Trace`` named tuple type with these fields (one type per field list)."""
    return namedtuple("Trace", names)


def trace_of(equations: tuple) -> type:
    """The ``Trace`` type of an update: one field per line of its ``EQUATIONS``, in order.

    >>> trace_of((("m", "m_t = ..."), ("delta", "d_t = ...")))._fields
    ('m', 'delta')
    """
    return trace_type(tuple(field for field, _ in equations))


def trace(**fields: Any) -> tuple:
    """A ``Trace`` named tuple of the intermediates of one update, in the order given.

    >>> trace(m=1.0, delta=-0.1)
    Trace(m=1.0, delta=-0.1)
    """
    return trace_type(tuple(fields))._make(fields.values())


class Update(NamedTuple):
    """An update as an :class:`Optimizer` runs it, with what it shows.

    ``fn(theta, grad, state, lr, **hyperparameters) -> (theta, state, trace)`` takes the
    hyperparameters named in ``names``; ``equations`` pairs each field of the trace with its
    LaTeX, in order; ``parts`` are the textbook functions that run (:attr:`Optimizer.source`
    prints them).
    """

    fn: Callable
    equations: tuple
    names: tuple
    parts: tuple

    @classmethod
    def of(cls, fn: Callable, equations: tuple) -> "Update":
        """A textbook ``update(theta, grad, state, lr, <hyperparameters>)`` with its ``EQUATIONS``."""
        return cls(fn, tuple(equations), _cache.hyperparameter_names(fn), (fn,))


# ---------------------------------------------------------------------------------------
# Weight decay: every optimizer takes ``weight_decay``; the Optimizer applies it around the
# chosen update, so no update repeats it.
# ---------------------------------------------------------------------------------------
L2 = ("g", r"g_t \leftarrow g_t + \lambda\, \theta_{t-1}")
DECOUPLED = ("decay", r"d_t = -\alpha_t\, \lambda\, \theta_{t-1}")


def l2_gradient(theta, grad, weight_decay):
    r"""L2 regularization (PyTorch's ``weight_decay``): the gradient of :math:`\tfrac\lambda2\|\theta\|^2` joins :math:`g_t`.

    It then enters every moment of the update, so an adaptive method rescales it too.
    """
    return grad + weight_decay * theta                   # g_t ← g_t + λ θ_{t-1}


def decoupled_decay(theta, lr, weight_decay):
    r"""Decoupled weight decay (Loshchilov & Hutter 2019), added to the step: :math:`\Delta\theta_t \mathrel{+}= d_t`.

    PyTorch ``AdamW``, Keras ``weight_decay``, optax ``adamw``: it bypasses the moments.
    """
    return -lr * weight_decay * theta                    # d_t = -α_t λ θ_{t-1}


def _with_weight_decay(update: Update, decoupled: bool) -> Update:
    """``update`` with weight decay before it: one more equation line and trace field."""
    fields = tuple(f for f, _ in update.equations)
    if fields[-1] != "delta":
        raise ValueError(f"The last equation of an update must be its step 'delta'. Got {fields!r}.")
    inner = update.fn
    if decoupled:
        traced = trace_type(("decay", *fields))
        last, tex = update.equations[-1]
        equations = (DECOUPLED, *update.equations[:-1], (last, tex + " + d_t"))

        def fn(theta, grad, state, lr, weight_decay, **hp):
            d = decoupled_decay(theta, lr, weight_decay)
            _, state, tr = inner(theta, grad, state, lr, **hp)
            delta = tr.delta + d
            return theta + delta, state, traced(d, *tr[:-1], delta)

        part = decoupled_decay
    else:
        traced = trace_type(("g", *fields))
        equations = (L2, *update.equations)

        def fn(theta, grad, state, lr, weight_decay, **hp):
            g = l2_gradient(theta, grad, weight_decay)
            theta, state, tr = inner(theta, g, state, lr, **hp)
            return theta, state, traced(g, *tr)

        part = l2_gradient
    return Update(fn, equations, ("weight_decay", *update.names), (part, *update.parts))


# ---------------------------------------------------------------------------------------
# Helpers the optimizer modules share
# ---------------------------------------------------------------------------------------
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

    Factories pick an update with it, so an option that is 0 in every run adds no line.
    """
    if value is None or callable(value):
        return value is not None
    return bool(np.any(np.asarray(value) != 0))


def check_moments(owner: str, lr: Any, beta1: Any, beta2: Any, eps: Any, weight_decay: Any) -> None:
    """The checks every Adam-family factory shares: lr ≥ 0 (unless a schedule), β₁, β₂ in [0, 1), ε > 0, λ ≥ 0.

    The core asks ε > 0, so a coordinate whose moments are still 0 never divides 0 by 0; the
    framework wrappers accept ε = 0 where their framework does (:func:`framework_optimizer`).
    All values are finite (``check_interval``).
    """
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "beta1", beta1, 0, 1, "left")
    check_interval(owner, "beta2", beta2, 0, 1, "left")
    check_interval(owner, "eps", eps, 0, None, "neither")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")


def accepts_schedules(factory: Callable) -> Callable:
    """Let a core factory take a schedule for ``momentum`` / ``beta1`` (``SCHEDULABLE``), as for ``lr``.

    The factory validates and builds with the schedule's value at step 0 (which picks the
    update); the returned :class:`Optimizer` binds the schedule itself and evaluates it at
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
        return replace(opt, hyperparameters={k: scheduled.get(k, v) for k, v in opt.hyperparameters.items()})

    return wrapper


_PARAM_RE = re.compile(r"The '([A-Za-z_0-9]+)' parameter of ([A-Za-z_0-9.]+)")


def framework_flag(owner: str, name: str, value: Any) -> bool:
    """A framework wrapper's flag, checked before the wrapper branches on it (arrays have no truth value)."""
    check_bool(owner, name, value)
    return bool(value)


def framework_number(owner: str, name: str, value: Any) -> None:
    """A framework wrapper's number (or ``(B,)`` array), checked before the wrapper compares it:
    real and finite (the core factory checks its range). Schedules pass."""
    if value is not None and not callable(value):
        check_interval(owner, name, value, None, None)


def framework_optimizer(display: str, factory: Callable, rename: Mapping[str, str] | None = None,
                        zero_ok: tuple = (), **kwargs) -> "Optimizer":
    """Build a core optimizer for a framework class/function and give it that framework's name.

    Errors raised by the core factory are reworded with the framework's own parameter names
    (``rename`` maps core name -> framework name), so ``keras.Adam(beta_1=1.0)`` reports
    ``'beta_1'`` of ``keras.Adam``. Schedules for ``momentum``/``beta1`` are handled by the
    core factory (:func:`accepts_schedules`).

    ``zero_ok`` names core parameters (``eps``) that the framework accepts as 0 where the core
    factory requires > 0 (or refuses 0 in a combination, as Adagrad's ``eps=0`` with a zero
    initial accumulator): PyTorch checks only ``0 <= eps``, TF1, Keras and optax do not check
    ε at all (optax documents ``adam(lr, eps=0.0, eps_root=1e-8)``). They are checked here as
    ``[0, inf)``, the core factory validates the rest with a positive stand-in (ε picks no
    update variant), and the real value is bound. A zero ε then divides 0 by 0 where the
    second moment is 0, as in the framework: :func:`~lrlessons.training.run` reports that
    update as a divergence.
    """
    rename = dict(rename or {})
    bound = {}
    for name in zero_ok:
        value = kwargs.get(name)
        if value is None or callable(value):
            continue
        check_interval(display, rename.get(name, name), value, 0, None, "left")
        arr = np.asarray(value, dtype=np.float64)
        if np.any(arr == 0):
            bound[name] = value
            kwargs[name] = np.where(arr == 0, 1.0, arr) if arr.ndim else 1.0
    try:
        opt = factory(**kwargs)
    except (ValueError, TypeError) as err:
        msg = _PARAM_RE.sub(lambda m: f"The {rename.get(m.group(1), m.group(1))!r} parameter of {display}", str(err))
        raise type(err)(msg) from None
    if bound:
        opt = replace(opt, hyperparameters={**opt.hyperparameters, **bound})
    return replace(opt, name=display)


def _at_step(err: Exception, state: Any) -> Exception:
    """``err`` with the update's step appended: ``... Got 1.02 instead (at step 2).``"""
    msg = str(err)
    msg = (msg[:-1] if msg.endswith(".") else msg) + f" (at step {int(np.max(state.count))})."
    return type(err)(msg)


def _numeric(value: Any) -> bool:
    return not (value is None or callable(value) or isinstance(value, (bool, np.bool_, str)))


def _short(x: Any) -> str:
    try:
        text = repr(x)
    except Exception:  # noqa: BLE001 - an object whose repr fails
        text = f"<{type(x).__name__} object>"
    return text if len(text) <= 80 else text[:60] + "...)"


def state_layout(state: Any) -> str:
    """``State(count, m, v, v_max=None)``: a state's type and which buffers it holds."""
    if not hasattr(state, "_fields"):
        return _short(state)
    return f"{type(state).__name__}(" + ", ".join(
        f if v is not None else f"{f}=None" for f, v in zip(state._fields, state)) + ")"


def state_error(optimizer: "Optimizer", argument: str, caller: str, state: Any, template: Any = None) -> str:
    """The message for a ``state`` that is not ``optimizer``'s (see :func:`check_state`)."""
    expected = f"the state {optimizer.name}.init(theta) returns"
    if template is not None:
        expected += f", {state_layout(template)}"
    if not hasattr(state, "_fields"):
        got = _short(state)
    elif template is not None and type(state) is type(template):
        got = f"a {state_layout(state)} (made by {optimizer.name} with other options, e.g. amsgrad or momentum?)"
    else:
        module = getattr(type(state), "__module__", "").rsplit(".", 1)[-1]
        got = f"a {state_layout(state)}" + (f" of {module}" if module else "") + " (another optimizer's state?)"
    return f"The {argument!r} argument of {caller} must be {expected}. Got {got} instead."


def check_state(optimizer: "Optimizer", theta: np.ndarray, state: Any, argument: str = "state",
                caller: str | None = None) -> None:
    """Raise ``TypeError`` unless ``state`` has the structure ``optimizer.init(theta)`` gives.

    The same ``State`` type and the same buffers present (AMSGrad's ``v_max``, RMSprop's
    momentum ``b``) and a whole-number ``count`` >= 0. Each buffer must have the shape of the
    template's (``ValueError``): theta's shape for most optimizers, others for accumulators that
    are not (Adafactor's row and column means). ``argument`` and ``caller`` name what the
    message blames (``run`` checks ``resume``).
    """
    caller = caller or f"{optimizer.name}.step"
    template = optimizer.init(theta)
    if (type(state) is not type(template) or len(state) != len(template)
            or any((a is None) != (b is None) for a, b in zip(state, template))):
        raise TypeError(state_error(optimizer, argument, caller, state, template))
    count = state[0]
    if not (isinstance(count, (int, np.integer)) and not isinstance(count, bool) and count >= 0):
        raise TypeError(f"The {argument!r} argument of {caller} must hold a whole-number count >= 0 "
                        f"(updates already applied). Got count={_short(count)} instead.")
    for field, buf, ref in zip(state._fields, state, template):
        if isinstance(buf, np.ndarray) and isinstance(ref, np.ndarray) and buf.shape != ref.shape:
            raise ValueError(
                f"The state buffer {field!r} of {optimizer.name} has shape {buf.shape}, but init(theta) for theta of "
                f"shape {theta.shape} gives {ref.shape}. Was the state made by init() for other parameters?"
            )


# ---------------------------------------------------------------------------------------
# The Optimizer
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Optimizer:
    """An immutable optimizer: a name, bound hyperparameters, an update and its state's ``init``.

    Made by the factories (``optimizers.adam(...)``); ``init``, ``step``, ``equations``,
    ``hyperparameters``, ``source`` and ``name`` are the whole interface.

    Attributes
    ----------
    name : str
        The factory's name, e.g. ``"adam"`` (``"pytorch.Adam"`` for a framework's).
    hyperparameters : Mapping
        Read-only view of the bound values. ``lr`` may be a schedule, and so may the names in
        ``SCHEDULABLE`` (``momentum``, ``beta1``): each is called with ``state.count`` (the
        update about to happen) and its value checked (a ``ValueError`` names the step).
    equations : tuple of (str, str)
        Ordered ``(trace field, LaTeX)`` pairs, one per traced line of the update that runs,
        weight decay included.
    source : str
        The source of the functions that run for these options (what the lessons print).
    """

    name: str
    hyperparameters: Mapping[str, Any]
    _update: Update
    _init: Callable

    def __post_init__(self):
        hp = MappingProxyType(dict(self.hyperparameters))
        object.__setattr__(self, "hyperparameters", hp)
        self._check_run_shapes(hp)
        run = self._update
        if is_active(hp.get("weight_decay")) and "weight_decay" not in run.names:
            # (an update that takes weight_decay itself places it where its framework does:
            # LAMB's inside the trust ratio, Keras's before the step)
            run = _with_weight_decay(run, bool(hp.get("decoupled_weight_decay", False)))
        object.__setattr__(self, "_run", run)
        scheduled = []
        for k in run.names:
            if k in SCHEDULABLE and callable(hp[k]):
                lo, hi, closed = SCHEDULABLE[k]
                if k == "momentum" and hp.get("nesterov") is True:
                    closed = "neither"                         # Nesterov needs momentum > 0
                scheduled.append((k, hp[k], lo, hi, closed))
        object.__setattr__(self, "_scheduled", tuple(scheduled))
        # The run shape (B,) that bound hyperparameters give, () if none: a scalar learning rate
        # is then spread over the runs, so every update (and run_axes inside it) sees the batch.
        object.__setattr__(self, "_runs", batch_shape(*(v for v in hp.values() if _numeric(v))))

    @property
    def equations(self) -> tuple:
        """Ordered ``(trace field, LaTeX)`` pairs, one per traced line of the update that runs."""
        return self._run.equations

    @property
    def parts(self) -> tuple:
        """The textbook functions that run for these options, in order (what :attr:`source` prints)."""
        return self._run.parts

    @property
    def source(self) -> str:
        """The source code of the functions that run for these options (what the lessons print)."""
        return "\n\n".join(inspect.getsource(part).rstrip("\n") for part in self.parts) + "\n"

    def init(self, theta: Any):
        """The initial state for parameters ``theta`` (shape ``(...)`` or ``(B, ...)``)."""
        return self._init(self._params(theta, "init"))

    def step(self, theta: Any, grad: Any, state: Any, lr: Any = None):
        """One update: ``(theta, grad, state) -> (new_theta, new_state, trace)``. Pure.

        ``lr=None`` uses the bound learning rate; a schedule is called with ``state.count``
        (updates already applied), so the first update uses ``schedule(0)``. An explicit
        ``lr`` (number, ``(B,)`` array or schedule) replaces the bound one for this call.
        Shapes, dtypes and the state's structure are validated once per (theta shape and
        dtype, grad shape and dtype, state type and buffer shapes): ``state`` must be what this
        optimizer's ``init`` returns (or a later ``step`` returned), ``grad`` a real array of
        theta's shape; each raises a ``TypeError``/``ValueError`` saying what was expected. The
        learning rate's value and a finite gradient are checked every step.

        The result keeps theta's dtype, as the frameworks keep a parameter's dtype: a gradient
        of another real dtype (float64 for float32 parameters, ints) is cast to theta's first.
        """
        if type(theta) is not np.ndarray or theta.dtype.kind != "f":
            theta = self._params(theta, "step")
        if type(grad) is not np.ndarray:
            grad = self._gradient(grad)
        try:
            key = (theta.shape, theta.dtype, grad.shape, grad.dtype, type(state),
                   tuple([None if b is None else b.shape for b in state[1:]]))
        except (TypeError, AttributeError, KeyError):          # not a state at all (None, a number...)
            raise TypeError(state_error(self, "state", f"{self.name}.step", state)) from None
        call = _cache.lookup(self, key)
        if call is None:
            call = _cache.remember(self, key, self._prepare(theta, grad, state))
        kwargs, bound, padded, cast = call
        if not math.isfinite(grad.sum()):                      # (one pass; the exact check if not)
            check_finite(f"{self.name}.step", "grad", grad)
        if cast is not None:                                   # (a gradient of another dtype)
            grad = grad.astype(cast)
        if lr is None or lr is bound:
            lr = bound
        if lr is bound and padded is not None:
            lr = padded
        else:
            lr = self._rate(theta, state, lr(state.count) if callable(lr) else lr)
        if self._scheduled:                                    # resolved every update, never cached
            kwargs = {**kwargs, **self._resolve_scheduled(theta, state)}
        return self._run.fn(theta, grad, state, lr, **kwargs)

    # -- the work behind step -------------------------------------------------------------
    def _params(self, theta: Any, method: str) -> np.ndarray:
        try:
            theta = np.asarray(theta)
        except (ValueError, TypeError):                        # a ragged list
            theta = np.asarray(None, dtype=object)
        if not (np.issubdtype(theta.dtype, np.number) and not np.issubdtype(theta.dtype, np.complexfloating)):
            raise TypeError(f"The 'theta' argument of {self.name}.{method} must be a real array. "
                            f"Got dtype {theta.dtype} instead.")
        return theta.astype(float_dtype(theta), copy=False)

    def _gradient(self, grad: Any) -> np.ndarray:
        try:
            return np.asarray(grad)
        except (ValueError, TypeError):                        # a ragged list
            raise TypeError(f"The 'grad' argument of {self.name}.step must be a real array. "
                            f"Got {_short(grad)} instead.") from None

    def _prepare(self, theta: np.ndarray, grad: np.ndarray, state: Any) -> tuple:
        """Validate a new call signature once; pad the bound hyperparameters for it."""
        if grad.dtype.kind not in "fiu":
            raise TypeError(f"The 'grad' argument of {self.name}.step must be a real array. "
                            f"Got dtype {grad.dtype} instead.")
        check_state(self, theta, state, "state", f"{self.name}.step")
        if grad.shape != theta.shape:
            raise ValueError(
                f"The 'grad' argument of {self.name}.step must have the shape of theta {theta.shape}. "
                f"Got shape {grad.shape} instead."
            )
        hp = self.hyperparameters
        for name, value in hp.items():
            if _numeric(value):
                self._check_batch(theta, name, value)
        scheduled = {k for k, *_ in self._scheduled}
        kwargs = {k: _cache.pad(theta, hp[k], bound=True) for k in self._run.names if k not in scheduled}
        bound = hp["lr"]
        padded = None
        if not callable(bound):
            padded = _cache.pad(theta, self._rate(theta, state, bound), bound=True, grid=False)
        cast = None if grad.dtype == theta.dtype else theta.dtype
        return kwargs, bound, padded, cast

    def _check_run_shapes(self, hp: Mapping) -> None:
        """``(B,)`` hyperparameters must share one run shape (one value per run), named if not."""
        first = None
        for name, value in hp.items():
            if _numeric(value) and np.ndim(value) > 0:
                shape = np.shape(value)
                if first is None:
                    first = (name, shape)
                    continue
                try:
                    np.broadcast_shapes(first[1], shape)
                except ValueError:
                    raise ValueError(f"The {name!r} parameter of {self.name} has shape {shape}, but {first[0]!r} has "
                                     f"shape {first[1]}: batched hyperparameters must share one run shape (B,), "
                                     f"one value per run.") from None

    def _check_batch(self, theta: np.ndarray, name: str, value: Any) -> None:
        shape = np.shape(value)
        if shape and shape != theta.shape[: len(shape)]:
            raise ValueError(
                f"The {name!r} hyperparameter of {self.name} has shape {shape}, which must be the "
                f"leading (run) axes of theta's shape {theta.shape}: one value per run."
            )

    def _rate(self, theta: np.ndarray, state: Any, lr: Any) -> Any:
        """The learning rate for this update, checked (a finite number >= 0) and padded."""
        if type(lr) is not float and isinstance(lr, (np.ndarray, np.floating)) and lr.dtype.kind == "f":
            if lr.ndim == 0:
                lr = float(lr)                                 # (a schedule's 0-d array)
            elif lr.min() >= 0 and lr.max() < math.inf:        # NaN fails both
                self._check_batch(theta, "lr", lr)
                return _cache.pad(theta, lr)
        if type(lr) is float and 0.0 <= lr < math.inf:        # NaN fails here
            return self._scalar_rate(theta, lr)
        try:                                                   # anything else, and bad values:
            check_interval(self.name, "lr", lr, 0, math.inf, "left")   # say which and when
        except (ValueError, TypeError) as err:
            raise _at_step(err, state) from None
        if np.ndim(lr) == 0:
            return self._scalar_rate(theta, float(lr))
        self._check_batch(theta, "lr", lr)
        return _cache.pad(theta, lr)

    def _scalar_rate(self, theta: np.ndarray, lr: float) -> Any:
        """One learning rate for every run: as is, or one per run when other hyperparameters are (B,)."""
        if self._runs:
            return _cache.pad(theta, np.full(self._runs, lr))
        return lr if theta.dtype == np.float64 else per_run(theta, lr)

    def _resolve_scheduled(self, theta: np.ndarray, state: Any) -> dict:
        """The scheduled hyperparameters (``momentum``, ``beta1``) at ``state.count``, each checked.

        Checked on use (a factory cannot check a schedule up front), with the factory's message
        and the step: ``The 'momentum' parameter of pytorch.SGD must be in [0, 1). Got 1.2
        instead (at step 17).``
        """
        out = {}
        for k, f, lo, hi, closed in self._scheduled:
            v = f(state.count)
            if type(v) is np.ndarray and v.ndim == 0:
                v = float(v)
            if not (type(v) is float and lo < v < hi):         # (fast path for the common case)
                try:
                    check_interval(self.name, k, v, lo, hi, closed)
                except (ValueError, TypeError) as err:
                    raise _at_step(err, state) from None
                self._check_batch(theta, k, v)
            out[k] = _cache.pad(theta, v)
        return out

    def __repr__(self) -> str:
        def fmt(v):
            if isinstance(v, np.ndarray):
                return repr(v.tolist())
            return repr(v)

        return f"{self.name}(" + ", ".join(f"{k}={fmt(v)}" for k, v in self.hyperparameters.items()) + ")"
