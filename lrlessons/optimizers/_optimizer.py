"""The one shared container of every optimizer: it binds hyperparameters and resolves lr.

Each optimizer lives in its own module as a plain ``update`` function written line by line
like its equations, plus a factory that validates and binds. The factory returns an
:class:`Optimizer`, the only glue: it looks up the learning rate (a number, a ``(B,)`` array
or a schedule evaluated at ``state.count``), checks shapes, pads ``(B,)`` hyperparameters to
``(B, 1, ..., 1)`` and calls ``update``. Nothing here knows any optimizer's math.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from .._batch import float_dtype, per_run
from .._checks import check_finite, check_interval

__all__ = ["Optimizer", "trace", "zeros_like_float"]


@functools.lru_cache(maxsize=None)
def _trace_type(names: tuple[str, ...]) -> type:
    return namedtuple("Trace", names)


def trace(**fields: Any) -> tuple:
    """A ``Trace`` named tuple of the intermediates of one update, in the order given.

    The order must be the order of the optimizer's ``equations`` (a test checks it).

    >>> trace(m=1.0, delta=-0.1)
    Trace(m=1.0, delta=-0.1)
    """
    return _trace_type(tuple(fields))(**fields)


def zeros_like_float(theta: Any) -> np.ndarray:
    """Zeros shaped like ``theta`` in its float dtype (ints -> float64, float32 stays float32)."""
    theta = np.asarray(theta)
    return np.zeros(theta.shape, dtype=float_dtype(theta))


@dataclass(frozen=True, eq=False, repr=False)
class Optimizer:
    """An immutable optimizer: a name, bound hyperparameters, equations and two functions.

    Attributes
    ----------
    name : str
        The factory's name, e.g. ``"adam"``.
    hyperparameters : Mapping
        Read-only view of the bound values (``lr`` may be a schedule).
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
        theta = theta.astype(float_dtype(theta), copy=False)
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
        check_finite(f"{self.name}.step", "grad", grad)
        check_interval(self.name, "lr", lr, 0, None, "left")
        for name, value in (("lr", lr), *self.hyperparameters.items()):
            if isinstance(value, (bool, np.bool_)) or callable(value) or value is None or isinstance(value, str):
                continue
            shape = np.shape(value)
            if shape and shape != theta.shape[: len(shape)]:
                raise ValueError(
                    f"The {name!r} hyperparameter of {self.name} has shape {shape}, which must be the "
                    f"leading (run) axes of theta's shape {theta.shape}: one value per run."
                )

    def apply(self, theta: np.ndarray, grad: np.ndarray, state: Any, lr: Any):
        """The update without validation (for hot loops that validated once): pads and calls ``update``."""
        hp = {k: self._pad(theta, k, v) for k, v in self.hyperparameters.items() if k != "lr"}
        return self.update(theta, grad, state, per_run(theta, lr), **hp)

    def _pad(self, theta, key, value):
        if key in self.flags or isinstance(value, (bool, np.bool_, str)) or value is None or callable(value):
            return value
        return per_run(theta, value)

    def __repr__(self) -> str:
        def fmt(v):
            if isinstance(v, np.ndarray):
                return repr(v.tolist())
            return repr(v)

        return f"{self.name}(" + ", ".join(f"{k}={fmt(v)}" for k, v in self.hyperparameters.items()) + ")"
