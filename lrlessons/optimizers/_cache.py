"""What :meth:`Optimizer.step <lrlessons.optimizers.base.Optimizer.step>` remembers between calls.

Private: no lesson shows it and no test imports it. Nothing here changes the numbers a single
run computes; it only saves work that a loop of steps would otherwise repeat
(``benchmarks/bench_steps.py`` and ``benchmarks/bench_sweep.py`` measure it):

* **One preparation per call signature.** The first ``step`` with a new (theta shape, dtype,
  grad shape, dtype, state structure) validates the shapes and pads every hyperparameter to
  what the update gets; later steps with the same signature look the result up
  (:func:`lookup`, :func:`remember`). The table is keyed by the optimizer's ``id`` and emptied
  when the optimizer is garbage collected, so the frozen ``Optimizer`` itself carries no cache.
* **Signatures.** The hyperparameter names an update function takes are read once
  (:func:`hyperparameter_names`), so a factory call costs what it did.
* **Padding** (:func:`pad`). A float64 scalar becomes a Python float (cheaper than a 0-d
  array); a ``(B,)`` value becomes ``(B, 1, ..., 1)`` in theta's dtype, or theta's full shape
  when the trailing axes are small (numpy is several times faster on same-shape operands than
  on ``(B, 1)`` against ``(B, 2)``).
* **Powers of a batch.** A padded grid hyperparameter repeats each value many times (a
  100 x 100 ``(lr, beta1)`` sweep holds 100 distinct ``beta1`` in 10,000 runs) and ``pow``
  costs 20-50 ns per element: without this, that sweep of 500 Adam steps takes about 1.5
  times as long. :class:`Grid` computes
  ``beta1 ** t`` once per distinct value, with the same ``pow`` a single run uses, and
  gathers: a batched run equals the separate runs bit for bit, while the update still reads
  ``1 - beta1**t``.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from typing import Any, Callable

import numpy as np

from .._batch import per_run

__all__ = ["lookup", "remember", "pad", "Grid", "hyperparameter_names"]

# id(optimizer) -> {call signature: prepared call}; an entry dies with its optimizer.
_PREPARED: dict[int, dict] = {}

# Signatures kept per optimizer before the table starts over (a loop uses one or two).
_MAX_SIGNATURES = 32

# Trailing sizes up to this are padded to theta's full shape.
_FULL_SHAPE_MAX = 16

# Up to this many distinct values, a batched power is Python's pow per value (see Grid).
_PY_POW_MAX = 1024


@functools.lru_cache(maxsize=None)
def hyperparameter_names(update: Callable) -> tuple:
    """The hyperparameters an ``update(theta, grad, state, lr, ...)`` takes (read once per function)."""
    return tuple(inspect.signature(update).parameters)[4:]


def lookup(owner: Any, key: tuple) -> Any:
    """The prepared call ``owner`` stored for this signature, or ``None``."""
    table = _PREPARED.get(id(owner))
    return None if table is None else table.get(key)


def remember(owner: Any, key: tuple, value: Any) -> Any:
    """Store ``value`` for ``owner`` and this signature (until ``owner`` is collected); return it."""
    table = _PREPARED.get(id(owner))
    if table is None:
        table = _PREPARED[id(owner)] = {}
        weakref.finalize(owner, _PREPARED.pop, id(owner), None)
    elif len(table) >= _MAX_SIGNATURES:
        table.clear()
    table[key] = value
    return value


def pad(theta: np.ndarray, value: Any, bound: bool = False, grid: bool = True) -> Any:
    """A hyperparameter as an update gets it, the values unchanged bit for bit.

    A scalar is a Python float for float64 parameters and a 0-d array of theta's dtype
    otherwise (float32 stays float32). A ``(B,)`` value is padded to ``(B, 1, ..., 1)``, or
    spread to theta's full shape when its trailing axes are small. A ``bound`` value (padded
    once per signature and kept) is a read-only copy, a :class:`Grid` unless ``grid=False``
    (the learning rate, never raised to a power).
    """
    if np.ndim(value) == 0:
        if theta.dtype == np.float64:
            return float(value)
        return per_run(theta, value)
    h = per_run(theta, value)
    if theta.size <= _FULL_SHAPE_MAX * h.size and h.shape != theta.shape:
        h = np.ascontiguousarray(np.broadcast_to(h, theta.shape))
    elif bound:
        h = h.copy()                                       # (never a view of the caller's array)
    if bound:
        h = Grid.of(h) if grid else h
        h.setflags(write=False)
    return h


class Grid(np.ndarray):
    """A padded batched hyperparameter whose ``** t`` is computed once per distinct value.

    For float64 the power of each distinct value is Python's ``float ** int``, the very
    operation a single run with that value performs (numpy's vectorized ``pow`` differs from
    it in the last bit for some values), so a batched run equals the separate runs bit for
    bit. Beyond ``_PY_POW_MAX`` distinct values numpy's ``pow`` is used instead (cheaper; equal
    to within one unit in the last place). Every other operation returns a plain ``ndarray``
    (``__array_wrap__``), so nothing an update computes or returns has this type; views and
    results lose the distinct values and fall back to the plain power.
    """

    _values = None
    _index = None
    _floats = None

    @classmethod
    def of(cls, h: np.ndarray) -> np.ndarray:
        """A ``Grid`` view of ``h`` that knows its distinct values (by bits: -0.0 stays apart from 0.0)."""
        if h.dtype.kind != "f":
            return h
        bits, index = np.unique(h.view(f"u{h.dtype.itemsize}"), return_inverse=True)
        grid = h.view(cls)
        grid._values, grid._index = bits.view(h.dtype), index.reshape(h.shape)
        if h.dtype == np.float64 and bits.size <= _PY_POW_MAX:
            grid._floats = grid._values.tolist()
        return grid

    def __pow__(self, t):
        values = self._values
        if values is None or np.ndim(t) != 0:
            return np.power(self.view(np.ndarray), t)
        if self._floats is not None:
            powers = np.array([v**t for v in self._floats])
        else:
            powers = values**t
        return np.take(powers, self._index)

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        arr = arr.view(np.ndarray)
        return arr[()] if return_scalar else arr
