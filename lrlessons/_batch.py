"""Batching helpers: many runs (hyperparameter settings) in one vectorized computation.

Two directions, one rule: a ``(B,)`` hyperparameter must never line up with a parameter
axis. NumPy aligns *trailing* axes, so a bare ``(B,)`` learning rate multiplied with
``(B, d)`` parameters would, when ``B == d``, silently apply run ``i``'s rate to coordinate
``i``. Both helpers below therefore pad with trailing unit axes.

* :func:`per_run` (optimizers): ``(B,)`` -> ``(B, 1, ..., 1)`` to match parameters ``(B, ...)``.
* :func:`leading` (schedules): ``(B,)`` -> ``(B, 1, ..., 1)`` to match a step array, so a
  schedule with ``(B,)`` hyperparameters returns ``(B,) + step.shape``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["per_run", "leading", "float_dtype", "batch_shape"]


def float_dtype(like: Any) -> np.dtype:
    """The floating dtype of ``like``: float32 stays float32; ints and Python floats give float64."""
    dtype = np.asarray(like).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def per_run(like: np.ndarray, h: Any) -> np.ndarray:
    """Cast ``h`` to ``like``'s float dtype and pad a ``(B,)`` value to ``(B, 1, ..., 1)``.

    A scalar stays 0-d. ``like`` is the parameter array, shape ``(B, ...)`` when batched.

    >>> per_run(np.zeros((3, 2)), [0.1, 0.2, 0.3]).shape
    (3, 1)
    """
    h = np.asarray(h, dtype=float_dtype(like))
    if h.ndim == 0:
        return h
    return h.reshape(h.shape + (1,) * (np.ndim(like) - h.ndim))


def leading(step: np.ndarray, *hparams: Any) -> tuple[np.ndarray, ...]:
    """Give each ``(B,)`` hyperparameter trailing unit axes so it broadcasts against ``step``.

    ``out.shape == hparam_shape + step.shape``: one row per run.

    >>> lr, = leading(np.arange(5), [0.1, 0.01])
    >>> lr.shape
    (2, 1)
    """
    pad = (1,) * np.ndim(step)
    out = []
    for h in hparams:
        h = np.asarray(h, dtype=np.float64)
        out.append(h if h.ndim == 0 else h.reshape(h.shape + pad))
    return tuple(out)


def batch_shape(*hparams: Any) -> tuple[int, ...]:
    """The common run shape of scalar or ``(B,)`` hyperparameters (``()`` when all are scalars).

    Raises ``ValueError`` naming the shapes when two batched hyperparameters disagree.
    """
    shapes = [np.shape(h) for h in hparams if np.ndim(h) > 0]
    if not shapes:
        return ()
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(
            f"Batched hyperparameters must share one run shape (B,). Got shapes {shapes}."
        ) from None
