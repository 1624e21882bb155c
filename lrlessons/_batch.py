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

__all__ = ["per_run", "leading", "float_dtype", "batch_shape", "run_axes"]


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


def run_axes(theta: Any, *hparams: Any) -> tuple[int, ...]:
    """The axes of ``theta`` that make up one run's parameter, for norms, means and factorings.

    Inside an update, batched hyperparameters arrive padded to ``(B, 1, ..., 1)``. When any of
    ``hparams`` is such an array the run is batched and one parameter is ``theta[i]`` (every
    axis but the leading run axis); otherwise the whole ``theta`` is one parameter. So a
    ``(B, m, n)`` batch of matrices with a ``(B,)`` learning rate is B matrices, an unbatched
    ``(m, n)`` array one matrix, and a ``(B, d)`` batch of vectors B vectors.

    >>> run_axes(np.zeros((3, 4, 5)), np.zeros((3, 1, 1)))
    (1, 2)
    >>> run_axes(np.zeros((4, 5)), 0.1)
    (0, 1)
    """
    batched = any(np.ndim(h) > 0 for h in hparams)
    return tuple(range(1 if batched else 0, np.ndim(theta)))
