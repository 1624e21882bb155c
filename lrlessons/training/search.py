"""Searches over runs: a grid of hyperparameters as one batched run, and the LR range test.

Both drive :func:`~lrlessons.training.run`: a sweep is one run whose optimizer holds ``(B,)``
hyperparameters (one row per grid cell); the range test is one run whose learning rate grows
exponentially, read back through a smoothed loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from .._checks import check_integer, check_interval
from .loop import Trajectory, run

__all__ = ["sweep", "SweepResult", "lr_range_test", "RangeTestResult", "valley_index", "MAX_RUNS"]


# ---------------------------------------------------------------------------------------
# Sweeps
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class SweepResult:
    """A grid of runs, arrays shaped like the grid ``(len(axes[0]), [len(axes[1])])``.

    ``names`` and ``axes`` (one 1-D array per swept hyperparameter, in ``grid`` order, axis 0
    first: rows of a heatmap), ``final_loss``, ``steps_to_tol`` (first ``k`` with
    ``loss[k] − f* ≤ tol``, ``-1`` = never; ``f*`` = ``problem.minimum_loss`` or 0 when
    unknown), ``diverged`` (bool), ``diverged_at`` (``-1`` = never), ``tol`` and the batched
    ``trajectory`` (runs in C order over the grid).
    """

    names: tuple
    axes: tuple
    final_loss: np.ndarray
    steps_to_tol: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    tol: float
    trajectory: Trajectory

    @property
    def best(self) -> dict:
        """The setting with the lowest final loss among the runs that did not diverge.

        Raises ``ValueError`` when every run diverged: there is then no best setting, and a
        diverged one must not pass for it (shrink the grid's learning rates).
        """
        if np.all(self.diverged):
            raise ValueError(f"Every run of this sweep diverged ({self.diverged.size} of {self.diverged.size}), so "
                             f"there is no best setting: try smaller values of {', '.join(map(repr, self.names))}.")
        loss = np.where(self.diverged, np.inf, self.final_loss)
        idx = np.unravel_index(int(np.argmin(loss)), loss.shape)
        return {n: float(a[i]) for n, a, i in zip(self.names, self.axes, idx)}

    def __repr__(self) -> str:
        shape = "×".join(str(len(a)) for a in self.axes)
        return (f"SweepResult({', '.join(self.names)}: {shape} grid, {self.trajectory.steps} steps, "
                f"{int(self.diverged.sum())} diverged, {int((self.steps_to_tol >= 0).sum())} reached tol={self.tol:g})")


#: The largest grid a sweep runs (one batched run per setting, all in memory at once).
MAX_RUNS = 100_000


def _axis(name: str, values: Any) -> np.ndarray:
    """One grid axis as a 1-D float64 array of finite numbers (a single number is one value)."""
    try:
        a = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        a = None
    if a is None or a.ndim > 1 or isinstance(values, (str, bytes)):
        raise TypeError(f"The grid axis {name!r} of sweep must be a list or 1-D array of numbers. "
                        f"Got {values!r} instead.")
    a = a.ravel()
    if a.size == 0:
        raise ValueError(f"The grid axis {name!r} of sweep must not be empty.")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"The grid axis {name!r} of sweep must hold finite numbers. Got {a.tolist()!r} instead.")
    return a


def sweep(factory: Callable, problem, steps: int, grid: Mapping[str, Any], fixed: Mapping[str, Any] | None = None, *,
          tol: float = 1e-6, theta0: Any = None, divergence_threshold: float | None = 1e6,
          record_theta: bool = False, record_trace: bool = False) -> SweepResult:
    """Run the Cartesian grid of one or two hyperparameters as one batched run.

    ``factory(**fixed, **{name: flat_values})`` builds one optimizer with ``(B,)``
    hyperparameters (B = grid size, at most :data:`MAX_RUNS`); the run is :func:`run` with
    ``record_theta`` and ``record_trace`` off by default, so a 100 × 100 grid of Adam on
    Rosenbrock for 500 steps takes a fraction of a second. Each grid axis is a list or 1-D
    array of finite numbers; bad arguments raise ``TypeError``/``ValueError`` naming them
    (the factory's own checks name its hyperparameter). :attr:`SweepResult.best` raises when
    every run diverged.

    >>> from lrlessons import optimizers, problems
    >>> res = sweep(optimizers.sgd, problems.quadratic(), 100, grid={"lr": [0.5, 1.0, 1.9, 2.1]})
    >>> res.steps_to_tol.tolist(), res.diverged.tolist()
    ([-1, 65, 73, -1], [False, False, False, True])
    """
    if not callable(factory):
        raise TypeError("The 'factory' argument of sweep must be an optimizer factory such as optimizers.adam "
                        f"(called with the grid's values). Got {factory!r} instead.")
    if not isinstance(grid, Mapping) or not 1 <= len(grid) <= 2 or not all(isinstance(n, str) for n in grid):
        raise ValueError(f"The 'grid' argument of sweep must be a dict of one or two hyperparameters "
                         f"(name -> values). Got {grid!r} instead.")
    if fixed is not None and not isinstance(fixed, Mapping):
        raise TypeError(f"The 'fixed' argument of sweep must be a dict of hyperparameters or None. Got {fixed!r} instead.")
    check_interval("sweep", "tol", tol, 0, None, "left")
    names = tuple(grid)
    axes = tuple(_axis(n, grid[n]) for n in names)
    if int(np.prod([a.size for a in axes])) > MAX_RUNS:
        raise ValueError(f"The 'grid' argument of sweep must hold at most {MAX_RUNS} settings (one batched run each). "
                         f"Got {' × '.join(str(a.size) for a in axes)} instead.")
    mesh = np.meshgrid(*axes, indexing="ij")
    fixed = dict(fixed or {})
    clash = set(fixed) & set(names)
    if clash:
        raise ValueError(f"The hyperparameters {sorted(clash)} of sweep are in both 'grid' and 'fixed'.")
    opt = factory(**fixed, **{n: m.ravel() for n, m in zip(names, mesh)})
    traj = run(opt, problem, steps, theta0=theta0, divergence_threshold=divergence_threshold,
               record_trace=record_trace, record_theta=record_theta)
    shape = mesh[0].shape
    f_star = getattr(problem, "minimum_loss", None) or 0.0
    hit = traj.loss <= f_star + tol                            # (steps+1, B)
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
    return SweepResult(names=names, axes=axes, final_loss=traj.loss[-1].reshape(shape),
                       steps_to_tol=first.reshape(shape), diverged=(traj.diverged_at >= 0).reshape(shape),
                       diverged_at=traj.diverged_at.reshape(shape), tol=float(tol), trajectory=traj)


# ---------------------------------------------------------------------------------------
# LR range test (Gugger 2017 / fastai lr_find, after Smith 2017)
# ---------------------------------------------------------------------------------------


def valley_index(smoothed: Any) -> int:
    """fastai's ``valley`` rule: an index about half-way down the longest descent of the loss.

    The descent is the longest strictly decreasing subsequence of ``smoothed`` (its points
    need not be neighbours, so a little noise does not cut it short), ending at ``end``;
    with ``start = end − its length`` (one before its first point, as fastai counts), the
    rule returns ``start + ⌊(end − start)/3⌋ + ⌊(end − start)/6⌋``, well before the loss
    bottoms out (where the smoothed curve lags the true one). The same bookkeeping as
    fastai's ``valley`` in ``fastai/callback/schedule.py`` (an index below 0 becomes 0).

    >>> valley_index([1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.5, 2.0])
    5
    """
    loss = np.asarray(smoothed, dtype=float)
    n = loss.size
    run_len = np.ones(n, dtype=int)         # longest decreasing subsequence ending at i
    start = end = 0
    for i in range(1, n):
        for j in range(i):
            if loss[i] < loss[j] and run_len[j] + 1 > run_len[i]:
                run_len[i] = run_len[j] + 1
            if run_len[i] > run_len[end]:       # checked for every j, as fastai does
                end, start = i, i - run_len[i]
    third = (end - start) / 3
    return int(max(start + int(third) + int(third / 2), 0))


@dataclass(frozen=True, eq=False, repr=False)
class RangeTestResult:
    """What :func:`lr_range_test` measured, and its heuristic suggestions.

    ``lrs`` and ``losses`` (raw minibatch losses) and ``smoothed`` (bias-corrected EMA), one
    per step actually run. The suggestions, read like fastai's (ignoring the first 10% of the
    steps and the last 5), are all **heuristics** for where to look, not optima:

    - ``lr_range = (low, high)``: ``high`` the lr of the lowest smoothed loss, ``low`` the
      first lr at which the smoothed loss has made a tenth of its fall from the highest value
      before that minimum (the rim of the dip, so early noise is not mistaken for the fall). The moving average lags the
      loss (by about ``1/(1 − smooth)`` steps), and the loss is already turning up at the
      minimum, so ``high`` is an upper bound (Smith's ``max_lr`` for a cyclical schedule that
      only visits it), not a rate to train at;
    - ``minimum_lr = high / 10``: fastai's ``minimum`` suggestion, a step back for the lag;
    - ``valley_lr``: fastai's ``valley`` suggestion (its default), half-way down the longest
      decreasing stretch of the smoothed loss (:func:`valley_index`);
    - ``suggested_lr``: the lr where the smoothed loss falls fastest against log lr (fastai's
      ``steep``), searched only inside ``[low, high]``.

    ``suggestions`` gives the last three by fastai's names. ``stopped_at``: the step where the
    smoothed loss exceeded ``diverge_factor`` × its minimum or the parameters or loss stopped
    being finite (or ``None``). ``trajectory``: the run that was read.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float
    lr_range: tuple
    stopped_at: int | None
    trajectory: Trajectory | None = None
    minimum_lr: float = float("nan")
    valley_lr: float = float("nan")

    @property
    def suggestions(self) -> dict:
        """fastai's suggestion names: ``{"valley": …, "minimum": …, "steep": …}``."""
        return {"valley": self.valley_lr, "minimum": self.minimum_lr, "steep": self.suggested_lr}

    def __repr__(self) -> str:
        lo, hi = self.lr_range
        stop = "" if self.stopped_at is None else f", stopped at step {self.stopped_at}"
        return (f"RangeTestResult(heuristic: valley ≈ {self.valley_lr:.2g}, minimum/10 ≈ {self.minimum_lr:.2g}, "
                f"steepest ≈ {self.suggested_lr:.2g}, range ≈ [{lo:.2g}, {hi:.2g}], {len(self.lrs)} steps{stop})")


def lr_range_test(factory: Callable, problem, start_lr: float = 1e-7, end_lr: float = 10.0, steps: int = 100,
                  smooth: float = 0.98, diverge_factor: float = 4.0, theta0: Any = None,
                  fixed: Mapping[str, Any] | None = None) -> RangeTestResult:
    r"""The learning-rate range test: grow lr exponentially over a short run, watch the loss.

    Update ``k = 0 … steps−1`` uses :math:`\alpha_k = \alpha_0 (\alpha_{end}/\alpha_0)^{k/(steps-1)}`
    on minibatch ``k``; its loss (measured before the update, like fastai's ``lr_find``) is
    smoothed by the bias-corrected EMA :math:`a_k = s\,a_{k-1} + (1-s)\,\ell_k`,
    :math:`\bar\ell_k = a_k/(1-s^{k+1})`. The test stops once
    :math:`\bar\ell_k > \text{diverge\_factor}\cdot\min_{j\le k}\bar\ell_j` or the loss is not finite.

    The updates are one :func:`run` with the schedule :math:`\alpha_k` as ``lr`` (and only
    non-finite values as divergence); the losses are then read back along its ``theta``.

    This is fastai's learning-rate finder (``lr_find``: exponential growth from ``1e-7`` to
    ``10`` over 100 steps, EMA 0.98, stop at 4× the best smoothed loss), which S. Gugger (2017)
    described after Smith's *LR range test*. Smith (2017, §3.3) raised the rate **linearly**
    over a few epochs and read the **accuracy**: where it starts to rise and where it slows or
    falls bound the range of a cyclical schedule.

    **A heuristic**: the suggestions (:class:`RangeTestResult`) are starting points for a
    search, not optimal values; the lowest smoothed loss lags the true turn, so train a
    constant rate well below ``lr_range[1]`` (fastai's ``minimum`` is a tenth of it).

    References: L. N. Smith (2017), *Cyclical Learning Rates for Training Neural Networks*,
    WACV, arXiv:1506.01186, §3.3; S. Gugger (2017), *How Do You Find a Good Learning Rate*
    (blog post); fastai ``fastai/callback/schedule.py`` (``LRFinder``, ``lr_find``, and the
    ``valley``, ``minimum`` and ``steep`` suggestions).

    >>> from lrlessons import optimizers, problems
    >>> res = lr_range_test(optimizers.sgd, problems.logistic_regression(batch_size=20), end_lr=10.0)
    >>> res
    RangeTestResult(heuristic: valley ≈ 0.0013, minimum/10 ≈ 0.39, steepest ≈ 0.51, range ≈ [0.055, 3.9], 100 steps)
    """
    check_interval("lr_range_test", "start_lr", start_lr, 0, None, "neither")
    check_interval("lr_range_test", "end_lr", end_lr, 0, None, "neither")
    if not end_lr > start_lr:
        raise ValueError(
            f"The 'end_lr' parameter of lr_range_test must be greater than 'start_lr' ({start_lr!r}). "
            f"Got {end_lr!r} instead."
        )
    check_integer("lr_range_test", "steps", steps, 2, None)
    check_interval("lr_range_test", "smooth", smooth, 0, 1, "left")
    check_interval("lr_range_test", "diverge_factor", diverge_factor, 1, None, "neither")
    steps = int(steps)
    lrs_all = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    traj = run(factory(lr=start_lr, **dict(fixed or {})), problem, steps, theta0=theta0,
               lr=lambda count: lrs_all[count], divergence_threshold=None, record_trace=False)
    # Read the run back: the minibatch loss before each update, smoothed, until it blows up.
    reached = steps if traj.diverged_at is None else traj.diverged_at    # theta[k] finite for k < reached
    avg, best, losses, smoothed, stopped = 0.0, np.inf, [], [], None
    with np.errstate(all="ignore"):
        for k in range(steps):
            loss = float(problem.loss(traj.theta[k], step=k)) if k < reached else np.nan
            if not np.isfinite(loss):
                stopped = k
                break
            avg = smooth * avg + (1 - smooth) * loss
            sm = avg / (1 - smooth ** (k + 1))
            losses.append(loss)
            smoothed.append(sm)
            best = min(best, sm)
            if k > 0 and sm > diverge_factor * best:
                stopped = k
                break
    n = len(losses)
    lrs = lrs_all[:n]
    losses = np.array(losses)
    smoothed = np.array(smoothed)
    lo_i, hi_i = steps // 10, max(n - 5, 0)                  # fastai: skip the first 10%, last 5
    if hi_i - lo_i < 3:
        lo_i, hi_i = 0, n
    w_lrs, w_sm = lrs[lo_i:hi_i], smoothed[lo_i:hi_i]
    i_min = int(np.argmin(w_sm))                               # lowest smoothed loss: the range's top
    i_rim = int(np.argmax(w_sm[: i_min + 1]))                  # highest smoothed loss before it: the rim
    drop = w_sm[i_rim] - 0.1 * (w_sm[i_rim] - w_sm[i_min])     # a tenth of the way down from the rim
    i_low = i_rim + int(np.argmax(w_sm[i_rim: i_min + 1] <= drop))   # where the fall starts: the range's bottom
    slope = np.gradient(w_sm, np.log(w_lrs)) if w_sm.size >= 2 else np.zeros(w_sm.size)
    # Steepest descent of the smoothed loss, searched only inside [bottom, top]: outside it the
    # moving average is still warming up or the loss is already rising, so the suggestion always
    # lies inside the range the result reports.
    suggested = float(w_lrs[i_low + int(np.argmin(slope[i_low:i_min + 1]))])
    return RangeTestResult(lrs=lrs, losses=losses, smoothed=smoothed, suggested_lr=suggested,
                           lr_range=(float(w_lrs[i_low]), float(w_lrs[i_min])), stopped_at=stopped, trajectory=traj,
                           minimum_lr=float(w_lrs[i_min]) / 10, valley_lr=float(w_lrs[valley_index(w_sm)]))
