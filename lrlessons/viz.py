r"""Figures for the lessons: schedules, contours with trajectories, loss curves, sweeps.

Matplotlib only (never ipywidgets). Every function builds its figure with
:class:`matplotlib.figure.Figure` (not ``pyplot``), so nothing accumulates in pyplot's figure
list and a figure returned as the last expression of a notebook cell is shown exactly once.
Each function accepts an optional ``ax`` to draw into and returns the :class:`Figure`.

One style everywhere: the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color
Universal Design"; Wong 2011, *Nature Methods* 8:441) for lines, ``cividis`` for contours and
heatmaps, labelled axes with the lessons' symbols (:math:`t`, :math:`\eta(t)`,
:math:`\theta_1`, :math:`\theta_2`, :math:`f(\theta)`), and fixed figure sizes that read at
notebook width.

>>> from lrlessons import schedules
>>> fig = plot_schedules({"constant": schedules.constant(0.1)}, steps=100)
>>> print(fig.axes[0].get_xlabel(), "|", fig.axes[0].get_ylabel())
step $t$ | learning rate $\eta(t)$
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

__all__ = [
    "OKABE_ITO",
    "COLORS",
    "FIGSIZE",
    "new_figure",
    "color",
    "plot_schedules",
    "plot_contour",
    "plot_loss",
    "plot_heatmap",
    "plot_sweep",
    "plot_frameworks",
    "plot_lr_range_test",
    "contour_grid",
    "clip_path",
    "style_axes",
    "schedule_boundaries",
    "cell_edges",
]

#: Okabe & Ito's eight colours, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
#: Line colours in the order they are used (yellow last: weak on white).
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
#: Default sizes in inches, readable at notebook width (about 10 in at 100 dpi).
FIGSIZE = {"single": (6.4, 3.6), "contour": (5.6, 4.4), "pair": (10.0, 4.0), "wide": (10.0, 5.6)}

_RC = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_DIVERGED = {"facecolor": "0.82", "edgecolor": "0.45", "hatch": "///"}
_MINIMUM = dict(marker="*", markersize=13, color="#F0E442", markeredgecolor="black", linestyle="none", zorder=6)


def color(i: int) -> str:
    """The ``i``-th line colour of the palette (cycling).

    >>> color(0), color(8)
    ('#0072B2', '#0072B2')
    """
    return COLORS[int(i) % len(COLORS)]


def new_figure(kind: str = "single", nrows: int = 1, ncols: int = 1, **kw) -> tuple[Figure, Any]:
    """A pyplot-free figure in the house style and its axes (``Figure.subplots`` arguments)."""
    import matplotlib as mpl

    figsize = kw.pop("figsize", FIGSIZE.get(kind, FIGSIZE["single"]))
    with mpl.rc_context(_RC):
        fig = Figure(figsize=figsize, dpi=kw.pop("dpi", 100), layout=kw.pop("layout", "constrained"))
        axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


def style_axes(ax: Any) -> None:
    """The house style on one axis: no top/right spines, a light grid behind the data."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, color="0.92", linewidth=0.8)
    ax.set_axisbelow(True)


def _fig_ax(ax: Any, kind: str = "single") -> tuple[Figure, Any]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = new_figure(kind)
    return fig, ax


# ------------------------------------------------------------------------------------------
# Schedules
# ------------------------------------------------------------------------------------------
def schedule_boundaries(schedule: Any, values: Any) -> np.ndarray:
    """Steps where a schedule jumps or changes regime (declared boundaries, or detected jumps).

    ``values`` are the schedule's values at steps ``0, 1, …`` (where jumps are looked for).

    >>> from lrlessons import schedules
    >>> s = schedules.exponential_decay(0.1, 1000, 0.96, staircase=True)
    >>> schedule_boundaries(s, s(np.arange(3000))).tolist()
    [1000.0, 2000.0]
    """
    marks: list[float] = []
    for name in ("boundaries", "milestones"):
        b = getattr(schedule, name, None)
        if b is not None and np.ndim(b) == 1:
            marks.extend(float(v) for v in np.asarray(b, dtype=float))
    w = getattr(schedule, "warmup_steps", None)
    if w is not None and np.ndim(w) == 0 and float(w) > 0:
        marks.append(float(w))
    v = np.asarray(values, dtype=float)
    if v.ndim == 1 and v.size > 2 and np.all(np.isfinite(v)):
        d = np.abs(np.diff(v))
        scale = max(float(np.max(np.abs(v))), 1e-300)
        typical = float(np.median(d))
        jumps = np.nonzero((d > 10 * typical) & (d > 1e-9 * scale))[0] + 1
        if jumps.size <= 50:
            marks.extend(float(j) for j in jumps)
    return np.unique(np.asarray(marks, dtype=float))


def _as_named(items: Any, labels: Sequence[str] | None, what: str) -> list[tuple[str, Any]]:
    if isinstance(items, Mapping):
        return [(str(k), v) for k, v in items.items()]
    if callable(items) or hasattr(items, "theta") or isinstance(items, np.ndarray):
        items = [items]
    items = list(items)
    if labels is None:
        labels = [getattr(x, "name", None) or (repr(x) if callable(x) and len(repr(x)) < 60 else f"{what} {i}") for i, x in enumerate(items)]
    if len(labels) != len(items):
        raise ValueError(f"The 'labels' parameter must have one label per {what} ({len(items)}). Got {len(labels)} instead.")
    return list(zip(labels, items))


def plot_schedules(
    schedules: Any,
    steps: int = 1000,
    labels: Sequence[str] | None = None,
    log: bool = False,
    markers: bool = True,
    ax: Any = None,
) -> Figure:
    r"""Plot one or several schedules :math:`\eta(t)` over ``t = 0 .. steps-1`` on one axis.

    Each value is drawn as a step from ``t`` to ``t + 1`` (the rate of one whole update), so a
    piecewise-constant schedule shows its jumps where they happen, never as a ramp.

    Parameters
    ----------
    schedules : callable, sequence or mapping of callables
        Schedules (``step -> lr``). A batched schedule (``(B,)`` hyperparameters) draws one
        line per run. A mapping's keys are the labels.
    steps : int
        Number of steps drawn.
    labels : sequence of str, optional
        Legend labels (default: the schedules' reprs).
    log : bool
        Logarithmic :math:`\eta` axis.
    markers : bool
        Mark boundaries, warmup ends and restarts (declared or detected jumps) with dots.
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure

    >>> from lrlessons import schedules
    >>> s = schedules.exponential_decay(0.1, 1000, 0.96, staircase=True)
    >>> fig = plot_schedules(s, steps=3000)
    >>> [round(x) for x in fig.axes[0].lines[1].get_xdata()]
    [1000, 2000]
    """
    from ._checks import check_integer, check_bool

    check_integer("plot_schedules", "steps", steps, 1, None)
    check_bool("plot_schedules", "log", log)
    fig, ax = _fig_ax(ax)
    style_axes(ax)
    t = np.arange(int(steps))
    k = 0
    for label, s in _as_named(schedules, labels, "schedule"):
        if not callable(s):
            raise TypeError(f"The 'schedules' parameter of plot_schedules must hold callables. Got {s!r} instead.")
        v = np.asarray(s(t), dtype=float)
        rows = v.reshape(-1, v.shape[-1]) if v.ndim > 1 else v[None]
        for b, row in enumerate(rows):
            name = label if rows.shape[0] == 1 else f"{label} [{b}]"
            c = color(k)
            ax.plot(t, row, color=c, linewidth=1.8, label=name, drawstyle="steps-post")   # η(t) holds for one update
            if markers:
                marks = schedule_boundaries(s, row)
                marks = marks[(marks >= 0) & (marks < steps)].astype(int)
                if marks.size:
                    ax.plot(marks, row[marks], linestyle="none", marker="o", markersize=4, color=c,
                            markeredgecolor="white", zorder=5)
            k += 1
    ax.set_xlabel(r"step $t$")
    ax.set_ylabel(r"learning rate $\eta(t)$")
    if log:
        ax.set_yscale("log")
    ax.set_xlim(0, max(int(steps) - 1, 1))
    if k > 1 or labels is not None or isinstance(schedules, Mapping):
        ax.legend(loc="best", frameon=False)
    return fig


# ------------------------------------------------------------------------------------------
# Contours and trajectories
# ------------------------------------------------------------------------------------------
def _bounds(problem: Any, bounds: Any = None) -> tuple[tuple[float, float], tuple[float, float]]:
    b = bounds if bounds is not None else getattr(problem, "bounds", None)
    if b is None:
        b = ((-2.0, 2.0), (-2.0, 2.0))
    (x0, x1), (y0, y1) = b
    return (float(x0), float(x1)), (float(y0), float(y1))


def _f_min(problem: Any) -> float | None:
    known = getattr(problem, "minimum_loss", None)
    if known is not None and np.ndim(known) == 0 and np.isfinite(known):
        return float(known)
    m = getattr(problem, "minimum", None)
    if m is None:
        return None
    try:
        val = float(np.asarray(problem.loss(np.asarray(m, dtype=float))).reshape(-1)[0])
    except Exception:
        return None
    return val if np.isfinite(val) else None


def contour_grid(problem: Any, bounds: Any = None, n: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X, Y, Z`` on an ``n x n`` grid over the problem's bounds (one vectorized loss call).

    >>> class Bowl:
    ...     bounds = ((-1, 1), (-1, 1))
    ...     def loss(self, th): return (th ** 2).sum(-1)
    >>> X, Y, Z = contour_grid(Bowl(), n=3)
    >>> print(Z)
    [[2. 1. 2.]
     [1. 0. 1.]
     [2. 1. 2.]]
    """
    (x0, x1), (y0, y1) = _bounds(problem, bounds)
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        Z = np.asarray(problem.loss(np.stack([X, Y], axis=-1)), dtype=float)
    return X, Y, Z


def clip_path(xy: Any, bounds: Any, margin: float = 0.05) -> tuple[np.ndarray, bool]:
    """The part of a 2-D path inside the (slightly enlarged) frame, ending where it leaves it.

    Returns ``(points, left)``: points up to the first one outside the frame (or non-finite),
    with that last point moved onto the frame's edge along its segment; ``left`` tells
    whether the path left the frame (a diverged or escaping run).

    >>> pts, left = clip_path([[0, 0], [0.5, 0], [4, 0], [1e300, 0]], ((-1, 1), (-1, 1)), margin=0)
    >>> print(pts.tolist(), left)
    [[0.0, 0.0], [0.5, 0.0], [1.0, 0.0]] True
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    (x0, x1), (y0, y1) = _bounds(None, bounds)
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    lo = np.array([x0 - mx, y0 - my])
    hi = np.array([x1 + mx, y1 + my])
    with np.errstate(invalid="ignore"):
        inside = np.all(np.isfinite(xy), axis=1) & np.all((xy >= lo) & (xy <= hi), axis=1)
    if inside.all():
        return xy, False
    k = int(np.argmin(inside))
    if k == 0:
        return xy[:0], True
    a, b = xy[k - 1], xy[k]
    if np.all(np.isfinite(b)):
        d = b - a
        with np.errstate(divide="ignore", invalid="ignore"):
            ts = np.concatenate([(lo - a) / d, (hi - a) / d])
        ts = ts[np.isfinite(ts) & (ts > 0)]
        s = float(np.min(ts)) if ts.size else 0.0
        edge = a + min(s, 1.0) * d
        return np.vstack([xy[:k], edge]), True
    return xy[:k], True


def _paths(traj: Any) -> tuple[list[np.ndarray], list[int | None]]:
    """Split a trajectory (object with ``.theta`` or array ``(T, [B,] 2)``) into 2-D paths."""
    theta = np.asarray(getattr(traj, "theta", traj), dtype=float)
    if theta.ndim == 2:
        paths = [theta]
    elif theta.ndim == 3:
        paths = [theta[:, b] for b in range(theta.shape[1])]
    else:
        raise ValueError(f"A trajectory must have theta of shape (T, 2) or (T, B, 2). Got shape {theta.shape} instead.")
    if theta.shape[-1] != 2:
        raise ValueError(f"Contour plots need 2-D parameters (last axis 2). Got shape {theta.shape} instead.")
    div = getattr(traj, "diverged_at", None)
    if div is None or np.ndim(div) == 0:
        divs = [None if div is None or (np.ndim(div) == 0 and int(div) < 0) else int(div)] * len(paths)
    else:
        divs = [None if d is None or int(d) < 0 else int(d) for d in np.asarray(div).reshape(-1)]
    return paths, divs


def plot_contour(
    problem: Any,
    trajectories: Any = None,
    labels: Sequence[str] | None = None,
    bounds: Any = None,
    levels: int = 20,
    ax: Any = None,
    title: str | None = None,
) -> Figure:
    r"""Contours of a 2-D problem's loss with optimizer paths; start, end and minimum marked.

    Contour levels are log-spaced in :math:`f(\theta) - f^*` (``cividis``). Paths are drawn in
    the palette's colours; a run that leaves the frame (diverges) is drawn up to where it
    leaves, ends in an ✕ and is labelled "diverged". A run that reports it did not diverge
    (``diverged_at is None``) is drawn whole even where it overshoots the frame.

    Parameters
    ----------
    problem : object with ``loss(theta)`` vectorized over leading axes and ``bounds``
    trajectories : Trajectory, array ``(T, 2)`` / ``(T, B, 2)``, or a sequence/mapping of them
    labels : sequence of str, optional
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Frame (default ``problem.bounds``).
    levels : int
        Number of contour levels.
    ax : matplotlib Axes, optional
    title : str, optional (default ``problem.name``)

    Returns
    -------
    Figure
    """
    fig, ax = _fig_ax(ax, "contour")
    b = _bounds(problem, bounds)
    X, Y, Z = contour_grid(problem, b)
    fmin = _f_min(problem)
    finite = Z[np.isfinite(Z)]
    base = fmin if fmin is not None else (float(finite.min()) if finite.size else 0.0)
    dz = np.where(np.isfinite(Z), Z - base, np.nan)
    pos = dz[dz > 0]
    if pos.size:
        lo = max(float(np.percentile(pos, 0.5)), float(pos.max()) * 1e-12)
        lv = np.geomspace(lo, float(pos.max()), int(levels))
        ax.contour(X, Y, np.maximum(dz, lo * 0.5), levels=lv, cmap="cividis", norm=LogNorm(lv[0], lv[-1]),
                   linewidths=0.8, alpha=0.9)
    ax.set_xlim(*b[0])
    ax.set_ylim(*b[1])
    m = getattr(problem, "minimum", None)
    if m is not None and np.ndim(m) == 1 and np.size(m) == 2:
        ax.plot([m[0]], [m[1]], label="minimum", **_MINIMUM)
    if trajectories is not None:
        k = 0
        for label, traj in _as_named(trajectories, labels, "run"):
            paths, divs = _paths(traj)
            for i, (p, d) in enumerate(zip(paths, divs)):
                c = color(k)
                name = label if len(paths) == 1 else f"{label} [{i}]"
                known = hasattr(traj, "diverged_at")           # a run that says whether it diverged
                if known and d is None and np.all(np.isfinite(p)):
                    pts, left = p, False                         # converging: draw all, axes clip
                else:
                    pts, left = clip_path(p, b)
                gone = left or d is not None
                if gone:
                    name += " (diverged)"
                if len(pts):
                    ax.plot(pts[:, 0], pts[:, 1], color=c, linewidth=1.6, label=name, zorder=4)
                    ax.plot(pts[0, 0], pts[0, 1], marker="o", color=c, markeredgecolor="black", markersize=6, zorder=5)
                    ax.plot(pts[-1, 0], pts[-1, 1], marker="X" if gone else "s", color=c,
                            markeredgecolor="black", markersize=7 if gone else 5, zorder=5)
                k += 1
        ax.legend(loc="best", frameon=True, framealpha=0.85)     # (never over a start point)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_title(title if title is not None else getattr(problem, "name", ""))
    return fig


# ------------------------------------------------------------------------------------------
# Loss curves
# ------------------------------------------------------------------------------------------
def _losses(traj: Any, problem: Any = None) -> np.ndarray:
    loss = getattr(traj, "loss", None)
    if loss is None or callable(loss):
        if problem is None:
            raise ValueError("plot_loss needs trajectories with a .loss attribute, or a problem to compute it.")
        theta = np.asarray(getattr(traj, "theta", traj), dtype=float)
        with np.errstate(all="ignore"):
            loss = problem.loss(theta)
    loss = np.asarray(loss, dtype=float)
    return loss.reshape(loss.shape[0], -1)


def _divergence_steps(traj: Any, rows: int) -> list[int | None]:
    """Per row, the update at which ``run`` stopped it (``Trajectory.diverged_at``), else None."""
    d = getattr(traj, "diverged_at", None)
    if d is None:
        return [None] * rows
    d = np.broadcast_to(np.asarray(d).ravel(), (rows,))
    return [int(k) if k >= 0 else None for k in d]


def plot_loss(
    trajectories: Any,
    labels: Sequence[str] | None = None,
    problem: Any = None,
    log: bool = True,
    subtract_min: bool = True,
    ax: Any = None,
) -> Figure:
    r"""Loss curves :math:`f(\theta_t) - f^*` against the step, log scale by default.

    Curves stop at the last finite value; a diverged run ends in an ✕ and its label says so.
    With ``subtract_min`` and a ``problem`` that has a known minimum, :math:`f^*` is
    subtracted so convergence reads as a straight line on the log axis.
    """
    fig, ax = _fig_ax(ax)
    style_axes(ax)
    fmin = _f_min(problem) if (subtract_min and problem is not None) else None
    k = 0
    for label, traj in _as_named(trajectories, labels, "run"):
        L = _losses(traj, problem)
        stopped = _divergence_steps(traj, L.shape[1])
        for i in range(L.shape[1]):
            y = L[:, i] - (fmin or 0.0)
            ok = np.isfinite(y) & (np.abs(y) < 1e100)
            last = int(np.argmin(ok)) if not ok.all() else len(y)
            if stopped[i] is not None:        # run() froze this row: loss[k:] repeats the last accepted value
                last = min(last, stopped[i])
            diverged = last < len(y)
            c = color(k)
            name = label if L.shape[1] == 1 else f"{label} [{i}]"
            if diverged:
                name += f" (diverged at step {stopped[i] if stopped[i] is not None else last})"
            yy = y[:last]
            if log:
                yy = np.maximum(yy, 1e-16)
            ax.plot(np.arange(last), yy, color=c, linewidth=1.6, label=name)
            if diverged and last:
                ax.plot(last - 1, yy[-1], marker="X", color=c, markeredgecolor="black", markersize=7)
            k += 1
    ax.set_xlabel(r"step $t$")
    ax.set_ylabel(r"$f(\theta_t) - f^*$" if fmin is not None else r"$f(\theta_t)$")
    if log:
        ax.set_yscale("log")
    ax.legend(loc="best", frameon=False)
    return fig


# ------------------------------------------------------------------------------------------
# Heatmaps of sweeps
# ------------------------------------------------------------------------------------------
def cell_edges(c: Any, log: bool) -> np.ndarray:
    """The edges of heatmap cells centred on ``c`` (midpoints, in log space when ``log``).

    >>> cell_edges([1.0, 2.0, 3.0], log=False).tolist()
    [0.5, 1.5, 2.5, 3.5]
    """
    c = np.asarray(c, dtype=float)
    if c.size == 1:
        return np.array([c[0] * 0.9, c[0] * 1.1]) if log else np.array([c[0] - 0.5, c[0] + 0.5])
    u = np.log(c) if log else c
    mid = (u[1:] + u[:-1]) / 2
    e = np.concatenate([[u[0] - (mid[0] - u[0])], mid, [u[-1] + (u[-1] - mid[-1])]])
    return np.exp(e) if log else e


def plot_heatmap(
    values: Any,
    x: Any,
    y: Any,
    diverged: Any = None,
    xlabel: str = r"learning rate $\alpha$",
    ylabel: str = "",
    value_label: str = r"final $f(\theta) - f^*$",
    xlog: bool = True,
    ylog: bool = False,
    log_values: bool = True,
    lines: Mapping[str, tuple] | None = None,
    points: Mapping[str, tuple] | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Figure:
    r"""A heatmap of a 2-D sweep: ``values[i, j]`` at ``(x[j], y[i])``; diverged cells hatched grey.

    Diverged cells (``diverged`` True, or a non-finite value) are drawn grey with ``///``
    hatching and a "diverged" legend entry, never as colours. ``lines`` (label -> ``(xs, ys)``)
    and ``points`` (label -> ``(x, y)``) overlay theory, e.g. gradient descent's
    :math:`\alpha = 2/L` limit or heavy ball's optimum. A linear axis of at most 12 values is
    ticked at those values (a row is labelled by its own hyperparameter, never by a round
    number between rows).

    >>> v = np.array([[1.0, 0.1], [0.5, np.inf]])
    >>> fig = plot_heatmap(v, x=[0.1, 1.0], y=[1, 2])
    >>> len(fig.axes[0].collections[1].get_paths())   # one hatched diverged cell
    1
    """
    V = np.asarray(values, dtype=float)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if V.shape != (y.size, x.size):
        raise ValueError(f"The 'values' argument of plot_heatmap must have shape (len(y), len(x)) = {(y.size, x.size)}. Got {V.shape} instead.")
    missing = np.isnan(V)
    bad = ~np.isfinite(V) & ~missing
    if diverged is not None:
        bad |= np.asarray(diverged, dtype=bool).reshape(V.shape)
    missing &= ~bad
    fig, ax = _fig_ax(ax, "contour")
    xe, ye = cell_edges(x, xlog), cell_edges(y, ylog)
    good = V[~bad & ~missing]
    if log_values:
        pos = good[good > 0]
        vmin, vmax = (float(pos.min()), float(pos.max())) if pos.size else (1e-16, 1.0)
        if vmax <= vmin:
            vmax = vmin * 10
        norm = LogNorm(vmin, vmax)
        shown = np.where(V > 0, V, vmin)
    else:
        vmin, vmax = (float(good.min()), float(good.max())) if good.size else (0.0, 1.0)
        norm = Normalize(vmin, vmax if vmax > vmin else vmin + 1)
        shown = V
    mesh = ax.pcolormesh(xe, ye, np.ma.masked_array(shown, bad | missing), cmap="cividis", norm=norm, shading="flat")
    rects = [Rectangle((xe[j], ye[i]), xe[j + 1] - xe[j], ye[i + 1] - ye[i]) for i, j in zip(*np.nonzero(bad))]
    ax.add_collection(PatchCollection(rects, linewidth=0, **_DIVERGED))
    fig.colorbar(mesh, ax=ax, label=value_label)
    handles = [Patch(label="diverged", **_DIVERGED)]
    for k, (label, (xs, ys)) in enumerate((lines or {}).items()):
        (h,) = ax.plot(xs, ys, color=color(3 + k), linewidth=2, linestyle="--", label=label)
        handles.append(h)
    for k, (label, (px, py)) in enumerate((points or {}).items()):
        (h,) = ax.plot([px], [py], marker="*", markersize=13, color=color(1 + k), markeredgecolor="black",
                       linestyle="none", label=label)
        handles.append(h)
    if xlog:
        ax.set_xscale("log")
    if ylog:
        ax.set_yscale("log")
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    for axis, values, log in ((ax.xaxis, x, xlog), (ax.yaxis, y, ylog)):
        if not log and values.size <= 12:          # a short linear grid: one tick per row or column
            axis.set_ticks(values, labels=[f"{v:g}" for v in values])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(handles=handles, loc="upper left", frameon=True, framealpha=0.85)
    return fig


def plot_sweep(result: Any, metric: str = "final_loss", **kw) -> Figure:
    """A heatmap of a two-axis :func:`lrlessons.sweep` result; diverged cells hatched.

    Reads ``result.names`` and ``result.axes`` (axis 0 = rows = the y axis, axis 1 = x),
    ``result.<metric>`` (``"final_loss"`` or ``"steps_to_tol"``, where ``-1`` = never is shown
    as missing) and ``result.diverged``; other keywords go to :func:`plot_heatmap`.

    >>> from lrlessons import optimizers, problems, sweep
    >>> res = sweep(optimizers.momentum, problems.quadratic(), 50,
    ...             grid={"momentum": [0.0, 0.5, 0.9], "lr": [0.1, 1.0, 2.5]})
    >>> fig = plot_sweep(res)
    >>> print(fig.axes[0].get_xlabel(), "|", fig.axes[0].get_ylabel())
    lr | momentum
    """
    names, axes = tuple(result.names), tuple(result.axes)
    if len(axes) != 2:
        raise ValueError(f"plot_sweep needs a sweep over two hyperparameters. Got {len(axes)}: {names!r}.")
    yv, xv = np.asarray(axes[0], dtype=float), np.asarray(axes[1], dtype=float)
    V = np.asarray(getattr(result, metric), dtype=float)
    if metric == "steps_to_tol":
        V = np.where(V < 0, np.nan, V)
        kw.setdefault("value_label", f"steps to f − f* ≤ {getattr(result, 'tol', 0):g}")
        kw.setdefault("log_values", False)
    kw.setdefault("xlabel", names[1])
    kw.setdefault("ylabel", names[0])
    kw.setdefault("xlog", names[1] in ("lr", "learning_rate") and np.all(xv > 0))
    kw.setdefault("ylog", names[0] in ("lr", "learning_rate") and np.all(yv > 0))
    div = np.asarray(result.diverged, dtype=bool).reshape(V.shape)
    return plot_heatmap(V, xv, yv, diverged=div, **kw)


# ------------------------------------------------------------------------------------------
# Frameworks side by side, LR range test
# ------------------------------------------------------------------------------------------
def plot_frameworks(
    trajectories: Mapping[str, Any],
    problem: Any,
    title: str | None = None,
    bounds: Any = None,
) -> Figure:
    """The same optimizer in several frameworks: one contour panel each, and their losses overlaid.

    ``trajectories`` maps a framework label (e.g. ``"PyTorch"``) to its trajectory on
    ``problem``. Panels share the frame, so differences in the paths are differences in math.
    """
    n = len(trajectories)
    if n == 0:
        raise ValueError("The 'trajectories' parameter of plot_frameworks must hold at least one trajectory. Got {} instead.")
    import matplotlib as mpl

    with mpl.rc_context(_RC):
        fig = Figure(figsize=FIGSIZE["wide"], dpi=100, layout="constrained")
        gs = fig.add_gridspec(2, n, height_ratios=[1.25, 1])
        for i, (label, traj) in enumerate(trajectories.items()):
            ax = fig.add_subplot(gs[0, i])
            plot_contour(problem, {label: traj}, bounds=bounds, ax=ax, title=label, levels=14)
            ax.get_legend().remove()
            lines = [l for l in ax.lines if l.get_label() == label or l.get_label().startswith(label + " ")]
            for l in lines:
                l.set_color(color(i))
            if i:
                ax.set_ylabel("")
        axl = fig.add_subplot(gs[1, :])
        plot_loss(trajectories, problem=problem, ax=axl)
        if title:
            fig.suptitle(title)
    return fig


def plot_lr_range_test(lrs: Any, losses: Any, suggestion: Any = None, ax: Any = None, title: str | None = None) -> Figure:
    r"""Loss against learning rate (log :math:`\alpha` axis) with the suggested range shaded.

    ``suggestion`` is a learning rate (a vertical line) or a ``(low, high)`` range (shaded);
    the LR range test is a heuristic (Smith 2017, arXiv:1506.01186), and the legend says so.
    The vertical axis frames the dip of ``losses``, from its lowest value to the highest one
    before it, with margins: the blow-up at the end rises out of the frame, and neither it nor
    a spike of a raw minibatch loss drawn on the same axis can flatten the curve.
    """
    fig, ax = _fig_ax(ax)
    style_axes(ax)
    lrs = np.asarray(lrs, dtype=float)
    L = np.asarray(losses, dtype=float)
    ok = np.isfinite(L) & (np.abs(L) < 1e100)
    last = int(np.argmin(ok)) if not ok.all() else len(L)
    ax.plot(lrs[:last], L[:last], color=color(0), linewidth=1.6, label="loss")
    if last < len(L):
        ax.plot(lrs[last - 1], L[last - 1], marker="X", color=color(0), markeredgecolor="black",
                markersize=7, linestyle="none", label=f"diverged at α = {lrs[last]:.3g}")
    if suggestion is not None:
        s = np.asarray(suggestion, dtype=float).reshape(-1)
        if s.size >= 2:
            ax.axvspan(s[0], s[1], color=color(2), alpha=0.2, label=f"suggested α ∈ [{s[0]:.2g}, {s[1]:.2g}] (heuristic)")
        else:
            ax.axvline(s[0], color=color(3), linestyle="--", label=f"suggested α = {s[0]:.2g} (heuristic)")
    shown = L[:last]
    if shown.size:
        i_min = int(np.argmin(shown))
        bottom, top = float(shown[i_min]), float(np.max(shown[: i_min + 1]))   # the dip and its rim
        pad = max(top - bottom, 0.05 * abs(top), 1e-12)
        ax.set_ylim(bottom - 0.15 * pad, top + 0.6 * pad)
    ax.set_xscale("log")
    ax.set_xlabel(r"learning rate $\alpha$")
    ax.set_ylabel(r"loss $f(\theta)$")
    if title:
        ax.set_title(title)
    ax.legend(loc="best", frameon=False)
    return fig
