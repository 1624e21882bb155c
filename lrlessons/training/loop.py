r"""The run loop: an optimizer on a problem, every update recorded in a :class:`Trajectory`.

API summary
-----------
::

    run(optimizer, problem, steps, theta0=None, lr=None, *, divergence_threshold=1e6,
        plateau=None, record_trace=True, record_theta=True, resume=None) -> Trajectory

:class:`Trajectory` fields (numpy arrays; ``[B]`` only in batched runs):

* ``theta`` ``(steps+1, [B,] d)``: ``theta[0]`` is the start, ``theta[k]`` the parameters after
  ``k`` updates (``None`` when ``record_theta=False``; ``theta_last`` is always kept).
* ``loss`` ``(steps+1, [B])``: full-batch ``problem.loss`` at each ``theta[k]``.
* ``lr`` ``(steps, [B])``: ``lr[k]`` is the rate used by update ``k+1`` (a schedule is evaluated
  at ``state.count``, so ``lr[0] = schedule(0)``).
* ``grad`` ``(steps, [B,] d)``: the gradient update ``k+1`` received (its minibatch; zeros for
  a frozen row), ``None`` when ``record_trace=False``.
* ``grad_norm`` ``(steps, [B])``: ‖g‖ of that gradient.
* ``trace``: the optimizer's ``Trace`` named tuple with every field stacked, ``(steps, …)``
  (``None`` when ``record_trace=False``).
* ``diverged_at``: ``None`` or ``k`` (unbatched); an int array with ``-1`` = never (batched).
* ``optimizer``, ``problem``, ``state`` (the final optimizer state), ``theta_last``,
  ``plateau`` and ``plateau_state`` (when metric control was used), ``divergence_limit``.

Batching: when a hyperparameter of the optimizer (or ``lr``) is a ``(B,)`` array, a ``(d,)``
start is tiled to ``(B, d)`` and the B runs share one vectorized loop; row ``i`` equals the run
with the ``i``-th settings, bit for bit.

Divergence (:mod:`lrlessons.training.divergence`): update ``k`` (1-based) is rejected for a
row whose new loss is non-finite or exceeds ``divergence_threshold × max(|loss[0]|, 1)``, or
whose parameters or gradient are non-finite. That row is frozen at its last accepted
parameters and state (its loss stays finite, so plots never see NaN), and ``diverged_at``
records ``k``: then ``theta[k] == theta[k-1]``. Floating-point warnings are silenced inside
the loop, and a non-finite gradient is never passed to the optimizer (it is replaced by
zeros). A start whose parameters or loss are not finite is bad input and raises ``ValueError``.

>>> from lrlessons import optimizers, problems
>>> traj = run(optimizers.sgd(lr=2.5), problems.quadratic(), steps=20)
>>> print(traj.status())
diverged at step 18
>>> traj = run(optimizers.sgd(lr=[0.5, 1.0, 2.5]), problems.quadratic(), steps=20)
>>> traj.theta.shape, traj.diverged_at.tolist()
((21, 3, 2), [-1, -1, 18])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._batch import batch_shape, float_dtype
from .._checks import check_bool, check_finite, check_integer, check_interval
from ..optimizers.base import check_state, state_layout
from .divergence import DivergenceGuard, divergence_limit

__all__ = ["run", "Trajectory", "MAX_STEPS"]


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
    grad: np.ndarray | None = None

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


def run(optimizer, problem, steps: int, theta0: Any = None, lr: Any = None, *,
        divergence_threshold: float | None = 1e6, plateau: Any = None,
        record_trace: bool = True, record_theta: bool = True,
        resume: Trajectory | None = None) -> Trajectory:
    r"""Run ``optimizer`` on ``problem`` for ``steps`` updates and record what happened.

    Each update ``k = 1 … steps``: the gradient of minibatch ``state.count``,
    ``g = problem.grad(theta, step=state.count)``; the learning rate (the plateau
    controller's, else ``lr``, else the optimizer's bound one; a schedule is evaluated at
    ``state.count``); ``theta, state, trace = optimizer.step(theta, g, state, lr=rate)``;
    the full-batch loss; the divergence rule (:mod:`lrlessons.training.divergence`).

    Parameters
    ----------
    optimizer : Optimizer
        E.g. ``optimizers.adam(lr=[1e-3, 1e-2])`` for two runs at once.
    problem : Problem
        Anything with ``loss(theta, step=None)``, ``grad(theta, step=None)``, ``x0``.
    steps : int in [0, 10_000_000]
        Number of updates (bounded: every update is recorded, see :data:`MAX_STEPS`).
    theta0 : (d,) or (B, d) array, optional
        Start (default ``problem.x0``), tiled to ``(B, d)`` for batched hyperparameters.
    lr : float, (B,) array or schedule, optional
        Replaces the optimizer's bound learning rate.
    divergence_threshold : finite float > 0 or None
        A row diverges when its loss exceeds ``divergence_threshold × max(|loss[0]|, 1)``
        (``None``: only non-finite values count; the loss recorded is finite either way).
    plateau : ReduceLROnPlateau, optional
        Metric-driven control of the learning rate (its ``update`` gets the loss every
        ``plateau.every`` updates); any object with ``init``, ``update`` and ``every``.
    record_trace, record_theta : bool
        Keep the stacked optimizer trace and gradients / every parameter vector (sweeps
        switch both off).
    resume : Trajectory, optional
        Continue this trajectory (e.g. from :func:`load_checkpoint`) for ``steps`` more
        updates; the result holds the whole run and equals an uninterrupted run bit for bit.
        Its state must be ``optimizer``'s (same update and options; ``TypeError`` otherwise).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, before anything runs: an ``optimizer`` or ``problem`` given by
        name (``run("adam", "rosenbrock", ...)``) or a factory instead of an object, a ``steps``
        out of range, a non-finite ``divergence_threshold``, a ``theta0`` that is not a finite
        real array with ``d >= 1`` parameters, a ``loss`` that is not one number per run, a
        ``resume`` from another optimizer.

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
    _check_arguments(optimizer, problem, steps, theta0, divergence_threshold, plateau, record_trace, record_theta,
                     resume)
    with np.errstate(all="ignore"):
        if resume is None:
            theta, state, loss, guard, pstate = _start(optimizer, problem, theta0, lr, divergence_threshold, plateau)
        else:
            theta, state, loss, guard, pstate = _continue(resume, optimizer)
            plateau = resume.plateau if plateau is None else plateau
        rates = optimizer.hyperparameters["lr"] if lr is None else lr
        record = _Recorder(int(steps), theta, loss, record_theta, record_trace)
        for k in range(int(steps)):
            count = state.count
            g, g_sq = guard.gradient(np.asarray(problem.grad(theta, step=count)), count + 1)
            if pstate is not None:
                rate = pstate.lr if pstate.lr.ndim else float(pstate.lr)
            else:
                rate = rates(count) if callable(rates) else rates
            new_theta, new_state, trace = optimizer.step(theta, g, state, lr=rate)
            theta, state, loss = guard.accept(count + 1, new_theta, new_state, problem.loss(new_theta),
                                              theta, state, loss)
            if pstate is not None and (count + 1) % plateau.every == 0:
                pstate = plateau.update(pstate, loss)
            record(k, theta, loss, rate, g, g_sq, trace)
    diverged_at = guard.diverged_at
    if diverged_at.ndim == 0:
        diverged_at = None if diverged_at < 0 else int(diverged_at)
    return record.trajectory(resume, diverged_at=diverged_at, optimizer=optimizer, problem=problem, state=state,
                             theta_last=theta, divergence_limit=guard.limit, plateau=plateau, plateau_state=pstate)


# ---------------------------------------------------------------------------------------
# Helpers of run: arguments, the start, the record
# ---------------------------------------------------------------------------------------


#: The longest run: every update is recorded, so a larger ``steps`` is almost surely a typo
#: (10 million updates of 2 parameters already hold 160 MB of ``theta``).
MAX_STEPS = 10_000_000


def _short(x: Any) -> str:
    try:
        text = repr(x)
    except Exception:  # noqa: BLE001 - an object whose repr fails
        text = f"<{type(x).__name__} object>"
    return text if len(text) <= 80 else text[:60] + "..."


def _check_arguments(optimizer, problem, steps, theta0, divergence_threshold, plateau, record_trace, record_theta,
                     resume) -> None:
    """What ``run`` needs of its arguments, checked before anything runs (``TypeError``/``ValueError``)."""
    if not all(hasattr(optimizer, a) for a in ("init", "step", "hyperparameters")):
        hint = ""
        if isinstance(optimizer, str):
            hint = f" (a name: build it, e.g. optimizers.{optimizer.split('.')[-1]}(lr=0.01))"
        elif callable(optimizer):
            hint = f" (a factory: call it, e.g. {getattr(optimizer, '__name__', 'factory')}(lr=0.01))"
        raise TypeError("The 'optimizer' argument of run must be an Optimizer such as optimizers.adam(lr=0.01)"
                        f"{hint}. Got {_short(optimizer)} instead.")
    needs = ("loss", "grad") + (("x0",) if theta0 is None and resume is None else ())
    if not all(callable(getattr(problem, a, None)) for a in needs[:2]) or not hasattr(problem, needs[-1]):
        hint = ""
        if isinstance(problem, str):
            hint = f" (a name: build it, e.g. problems.{problem}())"
        elif callable(problem) and hasattr(problem, "__name__"):
            hint = f" (a factory: call it, e.g. {problem.__name__}())"
        raise TypeError("The 'problem' argument of run must be a problem such as problems.rosenbrock(), with "
                        f"{', '.join(needs)}{hint}. Got {_short(problem)} instead.")
    check_integer("run", "steps", steps, 0, MAX_STEPS)
    if divergence_threshold is not None:
        check_interval("run", "divergence_threshold", divergence_threshold, 0, None, "neither")
    if plateau is not None and not all(hasattr(plateau, a) for a in ("init", "update", "every")):
        raise TypeError("The 'plateau' argument of run must be a learning-rate controller such as "
                        f"pytorch.ReduceLROnPlateau (with init, update and every) or None. Got {plateau!r} instead.")
    check_bool("run", "record_trace", record_trace)
    check_bool("run", "record_theta", record_theta)
    if resume is not None and not isinstance(resume, Trajectory):
        raise TypeError("The 'resume' argument of run must be a Trajectory (a run's result, or load_checkpoint's) "
                        f"or None. Got {_short(resume)} instead.")


def _runs(optimizer, lr, theta0_shape) -> tuple[int, ...]:
    """The run shape ``(B,)`` set by ``(B,)`` hyperparameters, ``lr`` or a ``(B, d)`` start."""
    values = []
    for key, value in optimizer.hyperparameters.items():
        if key == "lr" and lr is not None:
            continue
        if isinstance(value, (bool, np.bool_, str)) or value is None:
            continue
        values.append(value(0) if callable(value) else value)
    if lr is not None:
        values.append(lr(0) if callable(lr) else lr)
    return batch_shape(*values, np.zeros(theta0_shape[:-1]))


def _start(optimizer, problem, theta0, lr, divergence_threshold, plateau) -> tuple:
    """``(theta, state, loss, guard, plateau_state)`` before the first update, checked."""
    what = " (problem.x0)" if theta0 is None else ""
    try:
        theta = np.asarray(problem.x0 if theta0 is None else theta0)
    except (TypeError, ValueError):                        # a ragged list
        theta = np.asarray(None, dtype=object)
    if theta.dtype.kind not in "fiu":
        raise TypeError(f"The 'theta0' argument of run{what} must be a real array of shape (d,) or (B, d). "
                        f"Got {_short(problem.x0 if theta0 is None else theta0)} instead.")
    theta = theta.astype(float_dtype(theta), copy=True)
    if theta.ndim == 0 or theta.shape[-1] == 0:
        raise ValueError(f"The 'theta0' argument of run{what} must have shape (d,) or (B, d) with at least one "
                         f"parameter (d >= 1). Got shape {theta.shape} instead.")
    check_finite("run", "theta0", theta)
    runs = _runs(optimizer, lr, theta.shape)
    if runs and theta.shape[:-1] != runs:
        theta = np.broadcast_to(theta, runs + theta.shape[-1:]).copy()
    state = optimizer.init(theta)
    loss = _start_loss(problem, theta)
    if not np.all(np.isfinite(loss)):
        bad = np.argwhere(~np.isfinite(np.atleast_1d(loss)))[0].tolist()
        raise ValueError(f"The 'theta0' argument of run must be a start where the loss is finite: {problem!r} "
                         f"gives {float(np.atleast_1d(loss)[tuple(bad)])!r} (run {bad[0]}).")
    guard = DivergenceGuard(divergence_limit(loss, divergence_threshold), np.full(loss.shape, -1))
    pstate = None
    if plateau is not None:
        start = optimizer.hyperparameters["lr"] if lr is None else lr
        if callable(start):
            raise ValueError("The 'plateau' argument of run needs a numeric learning rate, not a schedule "
                             f"(the controller owns the rate). Got lr={start!r}.")
        pstate = plateau.init(np.broadcast_to(np.asarray(start, dtype=np.float64), runs).copy())
    return theta, state, loss, guard, pstate


def _start_loss(problem, theta: np.ndarray) -> np.ndarray:
    """``problem.loss(theta)`` as float64, one value per run (checked: custom problems get it wrong)."""
    value = problem.loss(theta)
    try:
        loss = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        loss = None
    if loss is None or loss.shape != theta.shape[:-1]:
        raise ValueError(f"The 'problem' argument of run must have a loss(theta) that returns one real number per "
                         f"run, shape {theta.shape[:-1]} for theta of shape {theta.shape}. Got {_short(value)} instead.")
    return loss


def _continue(past: Trajectory, optimizer) -> tuple:
    """``(theta, state, loss, guard, plateau_state)`` where ``past`` ended (its state checked against ``optimizer``)."""
    try:
        check_state(optimizer, past.theta_last, past.state, "resume", "run")
    except TypeError:
        template = optimizer.init(past.theta_last)
        raise TypeError(f"The 'resume' argument of run must be a trajectory of {optimizer.name} with these options "
                        f"(a state like {optimizer.name}.init's, {state_layout(template)}). Got a trajectory of "
                        f"{_short(past.optimizer)}, whose state is {_short(state_layout(past.state))}.") from None
    diverged_at = np.asarray(-1 if past.diverged_at is None else past.diverged_at)
    guard = DivergenceGuard(past.divergence_limit, diverged_at)
    return past.theta_last.copy(), past.state, np.asarray(past.loss[-1]), guard, past.plateau_state


class _Recorder:
    """Preallocated arrays for ``steps`` updates; calling it fills update ``k``'s row."""

    def __init__(self, steps: int, theta: np.ndarray, loss: Any, record_theta: bool, record_trace: bool):
        runs = theta.shape[:-1]
        self.theta = np.empty((steps + 1,) + theta.shape, theta.dtype) if record_theta else None
        self.grad = np.empty((steps,) + theta.shape, theta.dtype) if record_trace else None
        self.loss = np.empty((steps + 1,) + runs)
        self.lr = np.empty((steps,) + runs)
        self.grad_norm = np.empty((steps,) + runs)
        self.traces = [] if record_trace else None
        self._rate, self._since = None, 0                  # the rate of updates _since…, not yet stored
        if record_theta:
            self.theta[0] = theta
        self.loss[0] = loss

    def __call__(self, k: int, theta, loss, rate, g, g_sq, trace) -> None:
        self.loss[k + 1] = loss
        if rate is not self._rate:                         # (one bound rate: stored once, at the end)
            self._store_rate(k)
            self._rate = rate
        if type(g_sq) is float:
            self.grad_norm[k] = math.sqrt(g_sq)                 # (same bits as np.sqrt, cheaper)
        else:
            np.sqrt(g_sq, out=self.grad_norm[k, ...])
        if self.theta is not None:
            self.theta[k + 1] = theta
        if self.traces is not None:
            self.grad[k] = g
            self.traces.append(trace)

    def _store_rate(self, k: int) -> None:
        if self._rate is None:
            return
        if self._since == 0 and k == self.lr.shape[0] and self.lr.ndim > 1:
            # a batched run with one (B,) rate throughout: a read-only view, not a (steps, B) copy
            self.lr = np.broadcast_to(np.asarray(self._rate, dtype=np.float64), self.lr.shape)
        elif k > self._since:
            self.lr[self._since:k] = self._rate
        self._since = k

    def trajectory(self, past: Trajectory | None, **fields) -> Trajectory:
        """The :class:`Trajectory`, appended to ``past`` when the run resumed it."""
        self._store_rate(self.lr.shape[0])
        out = dict(theta=self.theta, loss=self.loss, lr=self.lr, grad_norm=self.grad_norm, grad=self.grad,
                   trace=_stack_traces(self.traces))
        if past is not None:
            out["theta"] = None if out["theta"] is None or past.theta is None else np.concatenate([past.theta, out["theta"][1:]])
            out["loss"] = np.concatenate([past.loss, out["loss"][1:]])
            for name in ("lr", "grad_norm"):
                out[name] = np.concatenate([getattr(past, name), out[name]])
            for name, join in (("grad", np.concatenate), ("trace", _join_traces)):
                if out[name] is not None and getattr(past, name) is not None:
                    out[name] = join([getattr(past, name), out[name]])
                elif past.steps:                           # one part was not recorded
                    out[name] = None
        return Trajectory(**out, **fields)


def _join_traces(parts: list) -> Any:
    return type(parts[0])(*[np.concatenate(cols) for cols in zip(*parts)])


def _stack_traces(traces: list | None) -> Any:
    """One ``Trace`` of ``(steps, …)`` arrays from a list of per-update traces (``None`` if empty)."""
    if not traces:
        return None
    out = []
    for col in zip(*traces):
        try:
            out.append(np.array(col))                      # (like np.stack, a few times faster)
        except ValueError:                                 # a field that changed shape: broadcast
            shape = np.broadcast_shapes(*[np.shape(v) for v in col])
            out.append(np.stack([np.broadcast_to(np.asarray(v), shape) for v in col]))
    return type(traces[0])(*out)
