r"""Drive an optimizer on a problem: trajectories, divergence, checkpoints, sweeps, range tests.

API summary
-----------
::

    run(optimizer, problem, steps, theta0=None, lr=None, *, divergence_threshold=1e6,
        plateau=None, record_trace=True, record_theta=True, resume=None) -> Trajectory
    sweep(factory, problem, steps, grid, fixed=None, *, tol=1e-6, theta0=None,
          divergence_threshold=1e6, record_theta=False, record_trace=False) -> SweepResult
    lr_range_test(factory, problem, start_lr=1e-7, end_lr=10.0, steps=100, smooth=0.98,
                  diverge_factor=4.0, theta0=None, fixed=None) -> RangeTestResult
    ReduceLROnPlateau(mode="min", factor=0.1, patience=10, threshold=1e-4,
                      threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8, every=1)
    save_checkpoint(path, trajectory)
    load_checkpoint(path, optimizer, problem) -> Trajectory

:class:`Trajectory` fields (numpy arrays; ``[B]`` only in batched runs):

* ``theta`` ``(steps+1, [B,] d)``: ``theta[0]`` is the start, ``theta[k]`` the parameters after
  ``k`` updates (``None`` when ``record_theta=False``; ``theta_last`` is always kept).
* ``loss`` ``(steps+1, [B])``: full-batch ``problem.loss`` at each ``theta[k]``.
* ``lr`` ``(steps, [B])``: ``lr[k]`` is the rate used by update ``k+1`` (a schedule is evaluated
  at ``state.count``, so ``lr[0] = schedule(0)``).
* ``grad_norm`` ``(steps, [B])``: ‖g‖ of the gradient used by update ``k+1`` (its minibatch).
* ``trace``: the optimizer's ``Trace`` named tuple with every field stacked, ``(steps, …)``
  (``None`` when ``record_trace=False``).
* ``diverged_at``: ``None`` or ``k`` (unbatched); an int array with ``-1`` = never (batched).
* ``optimizer``, ``problem``, ``state`` (the final optimizer state), ``theta_last``,
  ``plateau`` and ``plateau_state`` (when metric control was used), ``divergence_limit``.

Batching: when a hyperparameter of the optimizer (or ``lr``) is a ``(B,)`` array, a ``(d,)``
start is tiled to ``(B, d)`` and the B runs share one vectorized loop; row ``i`` equals the run
with the ``i``-th settings, bit for bit.

Divergence: update ``k`` (1-based) is rejected for a row whose new loss is non-finite or
exceeds ``divergence_threshold × max(|loss[0]|, 1)``, or whose parameters or gradient are
non-finite. That row is frozen at its last accepted parameters and state (its loss stays
finite, so plots never see NaN), and ``diverged_at`` records ``k``: then
``theta[k] == theta[k-1]``. Floating-point warnings are silenced inside the loop, and a
non-finite gradient is never passed to the optimizer (it is replaced by zeros). A start
whose parameters or loss are not finite is bad input and raises ``ValueError``.

>>> from lrlessons import optimizers, problems
>>> traj = run(optimizers.sgd(lr=2.5), problems.quadratic(), steps=20)
>>> print(traj.status())
diverged at step 18
>>> traj = run(optimizers.sgd(lr=[0.5, 1.0, 2.5]), problems.quadratic(), steps=20)
>>> traj.theta.shape, traj.diverged_at.tolist()
((21, 3, 2), [-1, -1, 18])
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, fields
from typing import Any, Callable, Mapping, NamedTuple

import math

import numpy as np

from .._batch import batch_shape, float_dtype
from .._checks import check_choice, check_finite, check_integer, check_interval

__all__ = [
    "run",
    "Trajectory",
    "sweep",
    "SweepResult",
    "lr_range_test",
    "RangeTestResult",
    "save_checkpoint",
    "load_checkpoint",
]


# ---------------------------------------------------------------------------------------
# Trajectory
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Trajectory:
    """The record of a run (see the module docstring for every field's shape and meaning)."""

    theta: np.ndarray | None
    loss: np.ndarray
    lr: np.ndarray
    grad_norm: np.ndarray
    trace: Any
    diverged_at: Any
    optimizer: Any
    problem: Any
    state: Any
    theta_last: np.ndarray
    divergence_limit: np.ndarray
    plateau: Any = None
    plateau_state: Any = None

    @property
    def steps(self) -> int:
        """Number of updates recorded."""
        return self.lr.shape[0]

    @property
    def batched(self) -> bool:
        return self.theta_last.ndim > 1

    @property
    def diverged(self):
        """``True``/``False``, or a bool array per run."""
        if self.batched:
            return np.asarray(self.diverged_at) >= 0
        return self.diverged_at is not None

    @property
    def final_loss(self) -> np.ndarray:
        return self.loss[-1]

    def status(self) -> str:
        """A sentence for lessons: ``"diverged at step k"`` or the final loss (per run if batched)."""
        if not self.batched:
            if self.diverged_at is not None:
                return f"diverged at step {self.diverged_at}"
            return f"ran {self.steps} steps, final loss {float(self.loss[-1]):.4g}"
        d = np.asarray(self.diverged_at).ravel()
        n_div = int((d >= 0).sum())
        if n_div == 0:
            return f"{d.size} runs, none diverged"
        return f"{d.size} runs, {n_div} diverged (first at step {int(d[d >= 0].min())})"

    def __str__(self) -> str:
        return self.status()

    def __repr__(self) -> str:
        runs = f", {int(np.prod(self.theta_last.shape[:-1]))} runs" if self.batched else ""
        return f"Trajectory({self.optimizer!r} on {self.problem!r}, {self.steps} steps{runs}: {self.status()})"


def _batch_of(optimizer, lr, theta0_shape) -> tuple[int, ...]:
    values = []
    for key, value in optimizer.hyperparameters.items():
        if key == "lr" and lr is not None:
            continue
        if isinstance(value, (bool, np.bool_, str)) or value is None:
            continue
        if callable(value):
            value = value(0)
        values.append(value)
    if lr is not None:
        values.append(lr(0) if callable(lr) else lr)
    return batch_shape(*values, np.zeros(theta0_shape[:-1]))


def _sqnorm(a: np.ndarray) -> np.ndarray:
    """‖a‖² over the last axis; for small d by explicit products (fast on (B, 2), same rounding
    for a batch and for one row, unlike BLAS or short-axis reductions)."""
    if a.shape[-1] > 8:
        return np.einsum("...i,...i->...", a, a)
    out = a[..., 0] * a[..., 0]
    for i in range(1, a.shape[-1]):
        out = out + a[..., i] * a[..., i]
    return np.asarray(out)


def _total(a: np.ndarray) -> np.ndarray:
    """Σ a over the last axis (only its finiteness is used)."""
    if a.shape[-1] > 8:
        return np.sum(a, axis=-1)
    out = a[..., 0]
    for i in range(1, a.shape[-1]):
        out = out + a[..., i]
    return np.asarray(out)


def _keep_mask(alive, shape):
    """``alive`` (run shape) spread to the parameters' full ``shape``: the mask :func:`_freeze`
    uses (same-shape ``np.where`` is several times faster than broadcasting ``(B, 1)``)."""
    return np.broadcast_to(alive.reshape(alive.shape + (1,) * (len(shape) - alive.ndim)), shape).copy()


def _sqnorm_small(v: list) -> float:
    """:func:`_sqnorm` of one small float64 vector as Python floats: the same products and sums
    in the same order, hence the same bits, without numpy's per-call cost."""
    out = v[0] * v[0]
    for x in v[1:]:
        out = out + x * x
    return out


def _total_small(v: list) -> float:
    """:func:`_total` of one small float64 vector as Python floats (same order, same bits)."""
    out = v[0]
    for x in v[1:]:
        out = out + x
    return out


def _freeze(keep, new, old):
    """Keep ``new`` where ``keep`` (parameter shape) is True, ``old`` elsewhere."""
    return np.where(keep, new, old)


def _freeze_state(keep, new_state, old_state):
    return type(new_state)(*[
        np.where(keep, n, o) if isinstance(n, np.ndarray) and n.shape == keep.shape else n
        for n, o in zip(new_state, old_state)
    ])


def run(optimizer, problem, steps: int, theta0: Any = None, lr: Any = None, *,
        divergence_threshold: float | None = 1e6, plateau: Any = None,
        record_trace: bool = True, record_theta: bool = True,
        resume: Trajectory | None = None) -> Trajectory:
    r"""Run ``optimizer`` on ``problem`` for ``steps`` updates and record what happened.

    Each update ``k = 1 … steps``: ``g = problem.grad(theta, step=state.count)`` (minibatch
    ``state.count`` for stochastic problems), the learning rate (the bound one, ``lr`` if
    given, or the plateau controller's), ``theta, state = optimizer.step(...)``, then the
    full-batch loss and the divergence check. The first update is validated with
    ``optimizer.check``; later ones use the unchecked ``optimizer.apply``.

    Parameters
    ----------
    optimizer : Optimizer
        E.g. ``optimizers.adam(lr=[1e-3, 1e-2])`` for two runs at once.
    problem : Problem
        Anything with ``loss(theta, step=None)``, ``grad(theta, step=None)``, ``x0``.
    steps : int >= 0
        Number of updates.
    theta0 : (d,) or (B, d) array, optional
        Start (default ``problem.x0``), tiled to ``(B, d)`` for batched hyperparameters.
    lr : float, (B,) array or schedule, optional
        Replaces the optimizer's bound learning rate.
    divergence_threshold : float > 0 or None
        A row diverges when its loss exceeds ``divergence_threshold × max(|loss[0]|, 1)``
        (``None``: only non-finite values count).
    plateau : ReduceLROnPlateau, optional
        Metric-driven control of the learning rate (its ``update`` gets the loss every
        ``plateau.every`` updates).
    record_trace, record_theta : bool
        Keep the stacked optimizer trace / every parameter vector (sweeps switch both off).
    resume : Trajectory, optional
        Continue this trajectory (e.g. from :func:`load_checkpoint`) for ``steps`` more
        updates; the result holds the whole run and equals an uninterrupted run bit for bit.

    Returns
    -------
    Trajectory

    >>> from lrlessons import optimizers, problems
    >>> traj = run(optimizers.adam(lr=0.1), problems.rosenbrock(), steps=500)
    >>> print(traj.status())
    ran 500 steps, final loss 0.009428
    >>> print(f"lr[0]={float(traj.lr[0]):.2f}  theta_500={np.round(traj.theta[-1], 3)}")
    lr[0]=0.10  theta_500=[0.903 0.815]
    """
    check_integer("run", "steps", steps, 0, None)
    steps = int(steps)
    if divergence_threshold is not None:
        check_interval("run", "divergence_threshold", divergence_threshold, 0, None, "neither")
    if plateau is not None and not all(hasattr(plateau, a) for a in ("init", "update", "every")):
        raise TypeError("The 'plateau' argument of run must be a learning-rate controller such as "
                        f"pytorch.ReduceLROnPlateau (with init, update and every) or None. Got {plateau!r} instead.")

    with np.errstate(all="ignore"):
        if resume is None:
            theta = np.asarray(problem.x0 if theta0 is None else theta0)
            theta = theta.astype(float_dtype(theta), copy=True)
            if theta.ndim == 0:
                raise ValueError(f"The 'theta0' argument of run must have shape (d,) or (B, d). Got shape {theta.shape} instead.")
            check_finite("run", "theta0", theta)
            bshape = _batch_of(optimizer, lr, theta.shape)
            if bshape and theta.shape[:-1] != bshape:
                theta = np.broadcast_to(theta, bshape + theta.shape[-1:]).copy()
            state = optimizer.init(theta)
            loss0 = np.asarray(problem.loss(theta), dtype=np.float64)
            limit = (np.full(loss0.shape, np.inf) if divergence_threshold is None
                     else divergence_threshold * np.maximum(np.abs(loss0), 1.0))
            limit = np.where(np.isfinite(limit), limit, np.inf)
            if not np.all(np.isfinite(loss0)):
                bad = np.argwhere(~np.isfinite(np.atleast_1d(loss0)))[0].tolist()
                raise ValueError(f"The loss of {problem!r} at the start theta0 must be finite. "
                                 f"Got {np.atleast_1d(loss0)[tuple(bad)]!r} (run {bad[0]}) instead.")
            alive = np.ones(loss0.shape, bool)
            diverged_at = np.full(loss0.shape, -1)
            pstate = None
            if plateau is not None:
                start = optimizer.hyperparameters["lr"] if lr is None else lr
                if callable(start):
                    raise ValueError("The 'plateau' argument of run needs a numeric learning rate, not a schedule "
                                     f"(the controller owns the rate). Got lr={start!r}.")
                pstate = plateau.init(np.broadcast_to(np.asarray(start, dtype=np.float64), bshape).copy())
            past = None
        else:
            theta = resume.theta_last.copy()
            state = resume.state
            limit = resume.divergence_limit
            d = np.asarray(-1 if resume.diverged_at is None else resume.diverged_at)
            diverged_at = d.copy()
            alive = diverged_at < 0
            loss0 = np.asarray(resume.loss[-1])
            plateau = resume.plateau if plateau is None else plateau
            pstate = resume.plateau_state
            past = resume

        bshape = theta.shape[:-1]
        thetas = np.empty((steps + 1,) + theta.shape, theta.dtype) if record_theta else None
        losses = np.empty((steps + 1,) + bshape)
        lrs = np.empty((steps,) + bshape)
        gnorms = np.empty((steps,) + bshape)
        traces = [] if record_trace else None
        if record_theta:
            thetas[0] = theta
        losses[0] = loss0
        loss = loss0
        all_alive = bool(np.all(alive))
        keep = None                                          # alive as a parameter-shaped mask
        lr_same = bool(bshape)                               # batched, one rate object so far: lrs
        rate0 = None                                         #   becomes a view of it at the end
        step0 = int(state.count)
        f64 = np.dtype(np.float64)
        small = not bshape and theta.dtype == f64 and theta.shape[-1] <= 8   # one small run: Python floats
        limit_f = float(limit) if small else None
        for k in range(steps):
            count = state.count
            g = np.asarray(problem.grad(theta, step=count))
            small_g = small and g.dtype == f64 and g.shape == theta.shape
            if small_g:
                gsq = _sqnorm_small(g.tolist())
                g_bad_any = not math.isfinite(gsq)
            else:
                gsq = _sqnorm(g)                             # ‖g‖² (inf/NaN if g is not finite)
                g_bad_any = not np.isfinite(gsq.sum())       # fast path: one reduction
            if g_bad_any:                                    # never feed NaN/inf to the optimizer
                gbad = ~np.isfinite(gsq)
                newly = gbad & alive
                diverged_at = np.where(newly, step0 + k + 1, diverged_at)
                alive = alive & ~gbad
                all_alive, keep = False, None
            if not all_alive:
                if keep is None:
                    keep = _keep_mask(alive, theta.shape)
                g = _freeze(keep, g, 0.0)
            if pstate is not None:
                rate = pstate.lr if pstate.lr.ndim else float(pstate.lr)
            else:
                rate = optimizer.resolve_lr(state, lr)
            if k == 0:
                optimizer.check(theta, g, state, rate)
            new_theta, new_state, tr = optimizer.apply(theta, g, state, rate)
            new_loss = problem.loss(new_theta)
            if small and new_theta.dtype == f64 and new_theta.shape == theta.shape:
                theta_sum = _total_small(new_theta.tolist())
                fine = math.isfinite(theta_sum) and float(new_loss) <= limit_f      # NaN fails <=
            else:
                theta_sum = _total(new_theta)                # finite iff every coordinate is
                fine = np.isfinite(theta_sum.sum()) and (new_loss <= limit).all()
            if not fine:
                ok = (new_loss <= limit) & np.isfinite(theta_sum)
                newly = alive & ~ok
                if newly.any():
                    diverged_at = np.where(newly, step0 + k + 1, diverged_at)
                    alive = alive & ok
                    all_alive, keep = False, None
            if not all_alive:
                if keep is None:
                    keep = _keep_mask(alive, theta.shape)
                new_theta = _freeze(keep, new_theta, theta)
                new_state = _freeze_state(keep, new_state, state)
                new_loss = np.where(alive, new_loss, loss)
            theta, state, loss = new_theta, new_state, new_loss
            if pstate is not None and (count + 1) % plateau.every == 0:
                pstate = plateau.update(pstate, loss)
            if lr_same and (k == 0 or rate is rate0):        # (no (steps, B) copy of one array)
                rate0 = rate
            else:
                if lr_same:
                    lrs[:k] = rate0
                    lr_same = False
                lrs[k] = rate
            if small_g and not g_bad_any:
                gnorms[k] = math.sqrt(gsq)
            else:
                gsq_ok = np.where(gbad, 0.0, gsq) if g_bad_any else gsq
                if bshape:
                    np.sqrt(gsq_ok, out=gnorms[k])           # ‖g‖ straight into its row
                else:
                    gnorms[k] = np.sqrt(gsq_ok)
            losses[k + 1] = loss
            if record_theta:
                thetas[k + 1] = theta
            if record_trace:
                traces.append(tr)

    if lr_same and steps:
        lrs = np.broadcast_to(np.asarray(rate0, dtype=np.float64), lrs.shape)   # read-only view
    trace = None
    if record_trace:
        trace = _stack_traces(traces, optimizer, theta)
    if past is not None:
        if record_theta and past.theta is not None:
            thetas = np.concatenate([past.theta, thetas[1:]])
        elif record_theta:
            thetas = None
        losses = np.concatenate([past.loss, losses[1:]])
        lrs = np.concatenate([past.lr, lrs])
        gnorms = np.concatenate([past.grad_norm, gnorms])
        if trace is not None and past.trace is not None:
            trace = type(trace)(*[np.concatenate([a, b]) for a, b in zip(past.trace, trace)])
        elif past.steps:
            trace = None
    da = diverged_at
    if not bshape:
        da = None if int(da) < 0 else int(da)
    return Trajectory(theta=thetas, loss=losses, lr=lrs, grad_norm=gnorms, trace=trace, diverged_at=da,
                      optimizer=optimizer, problem=problem, state=state, theta_last=theta,
                      divergence_limit=limit, plateau=plateau, plateau_state=pstate)


def _stack_traces(traces, optimizer, theta):
    if not traces:
        return None
    kind = type(traces[0])
    out = []
    for col in zip(*traces):
        try:
            out.append(np.array(col))                      # (like np.stack, a few times faster)
        except ValueError:                                 # a field that changed shape: broadcast
            shape = np.broadcast_shapes(*[np.shape(v) for v in col])
            out.append(np.stack([np.broadcast_to(np.asarray(v), shape) for v in col]))
    return kind(*out)


# ---------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------


def save_checkpoint(path, trajectory: Trajectory) -> None:
    """Save a trajectory, its final optimizer state and plateau state to ``path`` (``.npz``).

    The file holds only arrays and strings (no pickles). Reload with :func:`load_checkpoint`
    and continue with ``run(..., resume=loaded)``: 50 steps + save + load + 50 steps equals
    100 steps bit for bit.
    """
    t = trajectory
    out = {
        "meta/optimizer": np.array(repr(t.optimizer)),
        "meta/problem": np.array(repr(t.problem)),
        "loss": t.loss, "lr": t.lr, "grad_norm": t.grad_norm,
        "theta_last": t.theta_last, "divergence_limit": t.divergence_limit,
        "diverged_at": np.asarray(-1 if t.diverged_at is None else t.diverged_at),
    }
    if t.theta is not None:
        out["theta"] = t.theta
    for name, value in zip(t.state._fields, t.state):
        if value is not None:                                  # e.g. Adam's v_max without AMSGrad
            out[f"state/{name}"] = np.asarray(value)
    if t.trace is not None:
        out["meta/trace_fields"] = np.array(list(t.trace._fields))
        for name, value in zip(t.trace._fields, t.trace):
            if value is not None:
                out[f"trace/{name}"] = np.asarray(value)
    if t.plateau is not None:
        out["meta/plateau_class"] = np.array(f"{type(t.plateau).__module__}:{type(t.plateau).__qualname__}")
        for f in fields(t.plateau):
            out[f"plateau/{f.name}"] = np.asarray(getattr(t.plateau, f.name))
        for name, value in zip(t.plateau_state._fields, t.plateau_state):
            out[f"plateau_state/{name}"] = np.asarray(value)
    np.savez(path, **out)


def load_checkpoint(path, optimizer, problem) -> Trajectory:
    """Load a :func:`save_checkpoint` file for ``optimizer`` and ``problem``.

    Both must have the ``repr`` they had when saved (checked, ``ValueError`` otherwise): the
    file stores arrays, not code. The optimizer state's type comes from ``optimizer.init``.
    """
    with np.load(path, allow_pickle=False) as z:
        data = {k: z[k] for k in z.files}
    for key, obj in (("optimizer", optimizer), ("problem", problem)):
        saved = str(data[f"meta/{key}"])
        if saved != repr(obj):
            raise ValueError(f"The {key!r} argument of load_checkpoint must match the saved one, {saved}. "
                             f"Got {obj!r} instead.")
    theta_last = data["theta_last"]
    template = optimizer.init(theta_last)
    state = type(template)(*[
        None if f"state/{name}" not in data else
        data[f"state/{name}"] if isinstance(ref, np.ndarray) else data[f"state/{name}"].item()
        for name, ref in zip(template._fields, template)
    ])
    trace = None
    if "meta/trace_fields" in data:
        from ..optimizers.base import trace as make_trace
        trace = make_trace(**{str(n): data.get(f"trace/{n}") for n in data["meta/trace_fields"]})
    plateau = pstate = None
    if "meta/plateau_class" in data:
        module, _, qualname = str(data["meta/plateau_class"]).partition(":")
        if not module.startswith("lrlessons."):
            raise ValueError(f"The checkpoint {path!r} names a controller outside lrlessons: {module}.{qualname}.")
        cls = getattr(importlib.import_module(module), qualname)    # e.g. pytorch's ReduceLROnPlateau
        plateau = cls(**{f.name: data[f"plateau/{f.name}"].item() for f in fields(cls)})
        template = plateau.init(0.0)                               # its state type; ints stay ints
        pstate = type(template)(*[int(data[f"plateau_state/{n}"]) if isinstance(ref, int) else data[f"plateau_state/{n}"]
                                  for n, ref in zip(template._fields, template)])
    d = data["diverged_at"]
    diverged_at = d if theta_last.ndim > 1 else (None if int(d) < 0 else int(d))
    return Trajectory(theta=data.get("theta"), loss=data["loss"], lr=data["lr"], grad_norm=data["grad_norm"],
                      trace=trace, diverged_at=diverged_at, optimizer=optimizer, problem=problem, state=state,
                      theta_last=theta_last, divergence_limit=data["divergence_limit"], plateau=plateau,
                      plateau_state=pstate)


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
        """The setting with the lowest final loss among the runs that did not diverge."""
        loss = np.where(self.diverged, np.inf, self.final_loss)
        idx = np.unravel_index(int(np.argmin(loss)), loss.shape)
        return {n: float(a[i]) for n, a, i in zip(self.names, self.axes, idx)}

    def __repr__(self) -> str:
        shape = "×".join(str(len(a)) for a in self.axes)
        return (f"SweepResult({', '.join(self.names)}: {shape} grid, {self.trajectory.steps} steps, "
                f"{int(self.diverged.sum())} diverged, {int((self.steps_to_tol >= 0).sum())} reached tol={self.tol:g})")


def sweep(factory: Callable, problem, steps: int, grid: Mapping[str, Any], fixed: Mapping[str, Any] | None = None, *,
          tol: float = 1e-6, theta0: Any = None, divergence_threshold: float | None = 1e6,
          record_theta: bool = False, record_trace: bool = False) -> SweepResult:
    """Run the Cartesian grid of one or two hyperparameters as one batched run.

    ``factory(**fixed, **{name: flat_values})`` builds one optimizer with ``(B,)``
    hyperparameters (B = grid size); the run is :func:`run` with ``record_theta`` and
    ``record_trace`` off by default, so a 100 × 100 grid of Adam on Rosenbrock for 500 steps
    takes a fraction of a second.

    >>> from lrlessons import optimizers, problems
    >>> res = sweep(optimizers.sgd, problems.quadratic(), 100, grid={"lr": [0.5, 1.0, 1.9, 2.1]})
    >>> res.steps_to_tol.tolist(), res.diverged.tolist()
    ([-1, 65, 73, -1], [False, False, False, True])
    """
    if not isinstance(grid, Mapping) or not 1 <= len(grid) <= 2:
        raise ValueError(f"The 'grid' argument of sweep must be a dict of one or two hyperparameters. Got {grid!r} instead.")
    check_interval("sweep", "tol", tol, 0, None, "left")
    names = tuple(grid)
    axes = tuple(np.asarray(grid[n], dtype=np.float64).ravel() for n in names)
    for n, a in zip(names, axes):
        if a.size == 0:
            raise ValueError(f"The grid axis {n!r} of sweep must not be empty.")
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
# LR range test (Smith 2017; fastai lr_find)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class RangeTestResult:
    """What :func:`lr_range_test` measured, and its heuristic suggestions.

    ``lrs`` and ``losses`` (raw minibatch losses) and ``smoothed`` (bias-corrected EMA), one
    per step actually run; ``suggested_lr`` is the lr where the smoothed loss falls fastest
    against log lr; ``lr_range = (low, high)``: ``low`` the first lr at which the smoothed
    loss is 1% below its start, ``high`` the lr of the lowest smoothed loss (the EMA lags, so
    ``high`` errs high: fastai's ``minimum`` suggestion is ``high / 10``). Like fastai, the
    suggestions ignore the first 10% of the steps and the last 5. ``stopped_at``:
    the step where the smoothed loss exceeded ``diverge_factor`` × its minimum (or ``None``).
    These are heuristics for choosing where to look, not optima.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float
    lr_range: tuple
    stopped_at: int | None

    def __repr__(self) -> str:
        lo, hi = self.lr_range
        stop = "" if self.stopped_at is None else f", stopped at step {self.stopped_at}"
        return (f"RangeTestResult(heuristic: suggested lr ≈ {self.suggested_lr:.2g}, "
                f"range ≈ [{lo:.2g}, {hi:.2g}], {len(self.lrs)} steps{stop})")


def lr_range_test(factory: Callable, problem, start_lr: float = 1e-7, end_lr: float = 10.0, steps: int = 100,
                  smooth: float = 0.98, diverge_factor: float = 4.0, theta0: Any = None,
                  fixed: Mapping[str, Any] | None = None) -> RangeTestResult:
    r"""The learning-rate range test: grow lr exponentially over a short run, watch the loss.

    Update ``k = 0 … steps−1`` uses :math:`\alpha_k = \alpha_0 (\alpha_{end}/\alpha_0)^{k/(steps-1)}`
    on minibatch ``k``; its loss (measured before the update, like fastai's ``lr_find``) is
    smoothed by the bias-corrected EMA :math:`a_k = s\,a_{k-1} + (1-s)\,\ell_k`,
    :math:`\bar\ell_k = a_k/(1-s^{k+1})`. The test stops once
    :math:`\bar\ell_k > \text{diverge\_factor}\cdot\min_{j\le k}\bar\ell_j` or the loss is not finite.

    **A heuristic**: the suggestion (steepest descent of the smoothed loss against log lr)
    and range are starting points for a search, not optimal values.

    References: L. N. Smith (2017), *Cyclical Learning Rates for Training Neural Networks*,
    WACV, arXiv:1506.01186, §3.3; fastai ``fastai/callback/schedule.py`` (``LRFinder``,
    ``lr_find``, ``steep`` suggestion).

    >>> from lrlessons import optimizers, problems
    >>> res = lr_range_test(optimizers.sgd, problems.logistic_regression(batch_size=20), end_lr=10.0)
    >>> res
    RangeTestResult(heuristic: suggested lr ≈ 0.51, range ≈ [0.022, 3.9], 100 steps)
    """
    check_interval("lr_range_test", "start_lr", start_lr, 0, None, "neither")
    check_interval("lr_range_test", "end_lr", end_lr, start_lr, None, "neither")
    check_integer("lr_range_test", "steps", steps, 2, None)
    check_interval("lr_range_test", "smooth", smooth, 0, 1, "left")
    check_interval("lr_range_test", "diverge_factor", diverge_factor, 1, None, "neither")
    steps = int(steps)
    opt = factory(lr=start_lr, **dict(fixed or {}))
    lrs_all = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    theta = np.asarray(problem.x0 if theta0 is None else theta0, dtype=np.float64).copy()
    state = opt.init(theta)
    avg = 0.0
    best = np.inf
    losses, smoothed = [], []
    stopped = None
    with np.errstate(all="ignore"):
        for k in range(steps):
            loss = float(problem.loss(theta, step=state.count))
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
            g = np.asarray(problem.grad(theta, step=state.count))
            if not np.all(np.isfinite(g)):
                stopped = k
                break
            if k == 0:
                theta, state, _ = opt.step(theta, g, state, lr=lrs_all[k])
            else:
                theta, state, _ = opt.apply(theta, g, state, lrs_all[k])
    n = len(losses)
    lrs = lrs_all[:n]
    losses = np.array(losses)
    smoothed = np.array(smoothed)
    lo_i, hi_i = steps // 10, max(n - 5, 0)                  # fastai: skip the first 10%, last 5
    if hi_i - lo_i < 3:
        lo_i, hi_i = 0, n
    w_lrs, w_sm = lrs[lo_i:hi_i], smoothed[lo_i:hi_i]
    i_min = int(np.argmin(w_sm))                               # lowest smoothed loss: the range's top
    below = np.nonzero(w_sm[: i_min + 1] <= 0.99 * w_sm[0])[0]
    i_low = int(below[0]) if below.size else 0                 # loss 1 % below its start: the range's bottom
    slope = np.gradient(w_sm, np.log(w_lrs)) if w_sm.size >= 2 else np.zeros(w_sm.size)
    # Steepest descent of the smoothed loss, searched only inside [bottom, top]: outside it the
    # moving average is still warming up or the loss is already rising, so the suggestion always
    # lies inside the range the result reports.
    suggested = float(w_lrs[i_low + int(np.argmin(slope[i_low:i_min + 1]))])
    return RangeTestResult(lrs=lrs, losses=losses, smoothed=smoothed, suggested_lr=suggested,
                           lr_range=(float(w_lrs[i_low]), float(w_lrs[i_min])), stopped_at=stopped)
