r"""Divergence: when :func:`~lrlessons.training.run` stops trusting a row, and how it freezes it.

The rule (one rule for every run, sweep and widget): update :math:`k` (1-based) is rejected
for a row when

* the gradient it would use is not finite (the optimizer never sees it: it gets zeros), or
* the new parameters :math:`\theta_k` are not finite, or
* the new loss is not finite or exceeds ``threshold`` :math:`\times \max(|f(\theta_0)|, 1)`.

A rejected row is frozen: it keeps its last accepted parameters, optimizer state and loss
(so ``theta[k] == theta[k-1]`` and the loss stays finite), it receives zero gradients from
then on, and ``diverged_at`` records ``k``. Other rows of a batch go on untouched, so a
batched run still equals its separate runs row for row.

>>> import numpy as np
>>> guard = DivergenceGuard(divergence_limit(np.array([5.3, 5.3]), 1e6), np.array([-1, -1]))
>>> theta, state, loss = guard.accept(7, np.array([[1.0, 2.0], [np.inf, 0.0]]), (),
...                                   np.array([3.0, 1.0]), np.zeros((2, 2)), (), np.array([5.3, 5.3]))
>>> theta.tolist(), loss.tolist(), guard.diverged_at.tolist()
([[1.0, 2.0], [0.0, 0.0]], [3.0, 5.3], [-1, 7])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["divergence_limit", "DivergenceGuard", "freeze", "freeze_state", "NO_LIMIT"]

# Parameter vectors up to this length are summed by explicit products (see ``_sqnorm``).
_SMALL = 8


#: The limit when only non-finite values count: the largest float64, so ``loss <= limit`` is
#: False exactly for ``inf`` and NaN (with ``limit = inf``, an infinite loss would pass).
NO_LIMIT = float(np.finfo(np.float64).max)


def divergence_limit(loss0: np.ndarray, threshold: float | None) -> np.ndarray:
    r"""The loss above which a row diverges: ``threshold`` :math:`\times \max(|f(\theta_0)|, 1)`.

    ``threshold=None`` gives :data:`NO_LIMIT`, the largest float64 (only non-finite values
    count), as does an overflow.
    """
    loss0 = np.asarray(loss0, dtype=np.float64)
    if threshold is None:
        return np.full(loss0.shape, NO_LIMIT)
    with np.errstate(over="ignore"):
        limit = threshold * np.maximum(np.abs(loss0), 1.0)
    return np.where(np.isfinite(limit), limit, NO_LIMIT)


def _sqnorm(a: np.ndarray) -> Any:
    r"""``‖a‖²`` over the last axis: a Python float for one small float64 vector, else an array.

    Up to 8 coordinates the sum is written out (``a₀a₀ + a₁a₁ + …``), so one row rounds
    exactly as the same row inside a batch (BLAS and numpy's pairwise sums do not promise
    that); on one vector the same products in Python floats give the same bits, faster.
    Longer vectors use ``einsum`` (only ``grad_norm``'s last bit could then differ).
    """
    if a.ndim == 1 and a.shape[0] <= _SMALL and a.dtype == np.float64:
        v = a.tolist()
        out = v[0] * v[0]
        for x in v[1:]:
            out = out + x * x
        return out
    if a.shape[-1] > _SMALL:
        return np.einsum("...i,...i->...", a, a)
    out = a[..., 0] * a[..., 0]
    for i in range(1, a.shape[-1]):
        out = out + a[..., i] * a[..., i]
    return np.asarray(out)


def _row_sums(theta: np.ndarray) -> Any:
    """``Σθ`` per row: finite exactly when every coordinate is (short of an overflow far beyond
    any divergence limit). A Python float for one small vector, else an array."""
    if theta.ndim == 1 and theta.shape[0] <= _SMALL and theta.dtype == np.float64:
        return sum(theta.tolist())
    if theta.shape[-1] > _SMALL:
        return np.sum(theta, axis=-1)
    out = theta[..., 0]
    for i in range(1, theta.shape[-1]):
        out = out + theta[..., i]
    return np.asarray(out)


def freeze(keep: np.ndarray, new: np.ndarray, old: Any) -> np.ndarray:
    """``new`` where ``keep`` (the parameters' shape) is True, ``old`` elsewhere."""
    return np.where(keep, new, old)


def freeze_state(keep: np.ndarray | None, new_state: tuple, old_state: tuple, shape: tuple | None = None) -> tuple:
    """The optimizer state with every parameter-shaped buffer frozen where ``keep`` is False
    (``keep=None``: every row frozen, for parameters of ``shape``).

    Other fields (the update ``count``) advance for every row: a frozen row never uses them.
    """
    shape = keep.shape if keep is not None else shape
    return type(new_state)(*[
        (o if keep is None else np.where(keep, n, o)) if isinstance(n, np.ndarray) and n.shape == shape else n
        for n, o in zip(new_state, old_state)
    ])


class DivergenceGuard:
    """The rows of a run still going, and the update at which every other row stopped.

    ``limit`` (run shape) is :func:`divergence_limit`; ``diverged_at`` (run shape, ``-1`` =
    still going). :meth:`gradient` screens each gradient before the optimizer sees it and
    :meth:`accept` each update after it; while every row is fine, both cost a few comparisons.
    """

    def __init__(self, limit: np.ndarray, diverged_at: np.ndarray):
        self.limit = np.minimum(np.asarray(limit, dtype=np.float64), NO_LIMIT)   # (an old checkpoint's inf)
        self.diverged_at = np.array(diverged_at, dtype=int)
        self._limit = float(self.limit) if self.limit.ndim == 0 else None     # (one run: a float)
        self._set_alive(self.diverged_at < 0)

    def _set_alive(self, alive: np.ndarray) -> None:
        self.alive = alive
        self._all_alive, self._any_alive = bool(alive.all()), bool(alive.any())
        self._keep = None                          # ``alive`` spread to the parameters' shape

    def _stop(self, rows: np.ndarray, update: int) -> None:
        """Rows (a bool per run) that break the rule at ``update``: the live ones diverge there."""
        newly = rows & self.alive
        if np.any(newly):
            self.diverged_at = np.where(newly, update, self.diverged_at)
            self._set_alive(self.alive & ~newly)

    def _keep_mask(self, shape: tuple) -> np.ndarray:
        # (a same-shape mask: ``np.where`` is several times faster than broadcasting (B, 1))
        if self._keep is None or self._keep.shape != shape:
            a = self.alive
            self._keep = np.broadcast_to(a.reshape(a.shape + (1,) * (len(shape) - a.ndim)), shape).copy()
        return self._keep

    def gradient(self, g: np.ndarray, update: int) -> tuple[np.ndarray, Any]:
        """``(g, ‖g‖²)`` as the optimizer may use them for ``update``: zeros for frozen rows and
        for rows whose gradient is not finite (which diverge at ``update``)."""
        gsq = _sqnorm(g)
        if self._all_alive and math.isfinite(gsq if type(gsq) is float else gsq.sum()):
            return g, gsq
        finite = np.isfinite(gsq)
        if not finite.all():
            self._stop(~finite, update)
        if not self._any_alive:
            return np.zeros_like(g), (0.0 if type(gsq) is float else np.zeros_like(gsq))
        return freeze(self._keep_mask(g.shape), g, 0.0), np.where(self.alive, gsq, 0.0)

    def accept(self, update: int, new_theta: np.ndarray, new_state: tuple, new_loss: Any,
               theta: np.ndarray, state: tuple, loss: Any) -> tuple:
        """``(theta, state, loss)`` after ``update``: the new values for rows that stay within the
        rule, the old ones (frozen) for the others."""
        if self._all_alive:
            sums = _row_sums(new_theta)
            if type(sums) is float:
                if math.isfinite(sums) and float(new_loss) <= self._limit:                # (NaN fails <=)
                    return new_theta, new_state, new_loss
            elif math.isfinite(sums.sum()) and (new_loss <= self.limit).all():
                return new_theta, new_state, new_loss
        if self._any_alive:
            self._stop(~(np.isfinite(_row_sums(new_theta)) & (new_loss <= self.limit)), update)
        if not self._any_alive:                    # every row frozen: keep all (the count advances)
            return theta, freeze_state(None, new_state, state, theta.shape), loss
        keep = self._keep_mask(new_theta.shape)
        return (freeze(keep, new_theta, theta), freeze_state(keep, new_state, state),
                np.where(self.alive, new_loss, loss))
