r"""Exercises of lesson 10 (schedules in current use): ``tail_average``.

``tail_average``: the Polyak–Ruppert average of a recorded trajectory from step ``start`` on,
the running mean that schedule-free SGD keeps as its :math:`x` sequence:

.. math::
    \bar\theta_k = \frac{1}{k - s + 1} \sum_{j=s}^{k} \theta_j \quad (k \ge s), \qquad
    \bar\theta_k = \theta_k \quad (k < s).

The reference is the library's ``lrlessons.averaging.polyak_average(thetas, start)``.

>>> from lrlessons.exercises.engine import check
>>> def from_zero(thetas, start):
...     out = np.array(thetas, dtype=float)
...     k = np.arange(len(out)).reshape((-1,) + (1,) * (out.ndim - 1))
...     out[start:] = np.cumsum(out[start:], axis=0) / (k[start:] + 1)
...     return out
>>> check(TAIL_AVERAGE, from_zero).mistake
'counts_from_zero'
"""

from __future__ import annotations

import numpy as np

from ..averaging import polyak_average
from .engine import Case, Exercise, mistake

__all__ = ["TAIL_AVERAGE"]


def reference(thetas, start):
    """The library's running Polyak average from ``start``."""
    return polyak_average(thetas, start=start)


def cases():
    rng = np.random.default_rng(10)
    return [
        Case("from step 0, one parameter", dict(thetas=np.array([[0.0], [2.0], [4.0], [6.0]]), start=0)),
        Case("from step 2", dict(thetas=np.array([[0.0], [2.0], [4.0], [6.0], [1.0]]), start=2)),
        Case("2 parameters, from step 3", dict(thetas=rng.normal(size=(8, 2)), start=3)),
        Case("a batched run (steps, B, d), from step 5", dict(thetas=rng.normal(size=(12, 3, 2)), start=5)),
        Case("only the last iterate", dict(thetas=rng.normal(size=(6, 2)), start=5)),
        Case("float32 iterates", dict(thetas=rng.normal(size=(7, 2)).astype(np.float32), start=1), float32=True),
    ]


def _float(thetas):
    th = np.asarray(thetas)
    return th.astype(np.result_type(th, 1.0))


def _steps(th):
    return np.arange(th.shape[0]).reshape((-1,) + (1,) * (th.ndim - 1)).astype(th.dtype)


@mistake("counts_from_zero", line="mean",
         title="divides by k + 1 (steps since 0) instead of k − start + 1 (iterates averaged)",
         hint="The average from step `start` has k - start + 1 terms: divide the running sum by that.")
def counts_from_zero(thetas, start):
    th = _float(thetas)
    out = th.copy()
    out[start:] = np.cumsum(th[start:], axis=0) / (_steps(th)[start:] + 1)
    return out


@mistake("excludes_current", line="mean",
         title="leaves out the current iterate θ_k (averages θ_start … θ_{k−1})",
         hint="Row k averages θ_start, …, θ_k, the current iterate included.")
def excludes_current(thetas, start):
    th = _float(thetas)
    out = th.copy()
    for k in range(start + 1, th.shape[0]):
        out[k] = th[start:k].mean(axis=0)
    return out


@mistake("ignores_start", line="mean",
         title="averages from step 0 whatever start is",
         hint="Only θ_start, …, θ_k enter the average; the early iterates are far from the minimum.")
def ignores_start(thetas, start):
    th = _float(thetas)
    return np.cumsum(th, axis=0) / (_steps(th) + 1)


@mistake("before_start", line="before",
         title="rows before start are not the iterates themselves",
         hint="Before `start` nothing is averaged yet: copy θ_k into row k.")
def before_start(thetas, start):
    th = _float(thetas)
    out = np.zeros_like(th)
    out[start:] = np.cumsum(th[start:], axis=0) / (_steps(th)[start:] - start + 1)
    return out


@mistake("sum_not_mean", line="mean",
         title="the running sum, not the running mean",
         hint="Divide the running sum by the number of iterates in it, k - start + 1.")
def sum_not_mean(thetas, start):
    th = _float(thetas)
    out = th.copy()
    out[start:] = np.cumsum(th[start:], axis=0)
    return out


TAIL_AVERAGE = Exercise(
    name="tail_average",
    args=("thetas", "start"),
    outputs=("averages",),
    summary="The running Polyak–Ruppert average of a trajectory from step start on (schedule-free's x).",
    lines=(
        ("before", "for k < start: averages[k] = thetas[k]"),
        ("mean", "for k >= start: averages[k] = (thetas[start] + ... + thetas[k]) / (k - start + 1)"),
    ),
    output_lines={"averages": "mean"},
    notes=("thetas has the step on axis 0 (shape (steps+1, d) or (steps+1, B, d), like ll.run(...).theta); "
           "return an array of the same shape (float32 stays float32). np.cumsum(..., axis=0) gives running sums. "
           "Do not modify thetas."),
    cases=cases,
    reference=reference,
    mistakes=(counts_from_zero, excludes_current, ignores_start, before_start, sum_not_mean),
    array_inputs=("thetas",),
)
