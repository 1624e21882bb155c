"""The sweep explorer: a heatmap of a 2-D hyperparameter grid; pick a cell to see its path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import ipywidgets as W
import numpy as np
from matplotlib.patches import Rectangle

from .. import viz
from .base import App, contour_background, drawable, fmt_vec

__all__ = ["SweepExplorer", "PRESETS", "Grid"]


@dataclass
class Grid:
    """A computed 2-D grid: ``values[i, j]`` for ``(rows[i], cols[j])``, paths ``(i, j) -> (n+1, 2)``."""

    row_name: str
    col_name: str
    rows: np.ndarray
    cols: np.ndarray
    final_loss: np.ndarray
    steps_to_tol: np.ndarray
    diverged: np.ndarray
    theta: Any                      # callable (i, j) -> path
    problem: Callable               # i -> problem of row i
    lines: dict
    points: dict
    row_log: bool = False
    col_log: bool = True


def _from_sweep(res, problem) -> tuple:
    th = np.asarray(res.trajectory.theta)                       # (steps+1, B, 2)
    shape = res.final_loss.shape
    div_at = np.asarray(res.diverged_at).reshape(-1)

    def path(i, j):
        b = int(np.ravel_multi_index((i, j), shape))
        p = th[:, b]
        d = int(div_at[b])
        return p[:d] if d >= 0 else p
    return path


def _heavy_ball(steps: int = 100) -> Grid:
    from .. import optimizers, problems, sweep, theory

    kappa = 25.0
    p = problems.quadratic(kappa)
    lam_min, L = float(np.min(p.eigenvalues)), float(np.max(p.eigenvalues))
    rows = np.linspace(0.0, 0.98, 30)
    cols = np.geomspace(0.05, 8.0, 36)
    res = sweep(optimizers.momentum, p, steps, grid={"momentum": rows, "lr": cols}, record_theta=True)
    hb = theory.heavy_ball(lam_min, L)
    mu = np.linspace(0, 0.98, 50)
    return Grid("momentum μ", "learning rate α", rows, cols, res.final_loss, res.steps_to_tol, res.diverged,
                _from_sweep(res, p), lambda i: p,
                lines={"stability limit α = 2(1+μ)/L": (2 * (1 + mu) / L, mu)},
                points={f"Polyak optimum α*={hb.lr:.3g}, μ*={hb.momentum:.3g}": (hb.lr, hb.momentum)})


def _gd(steps: int = 100) -> Grid:
    from .. import optimizers, problems, sweep, theory

    rows = np.geomspace(0.2, 5.0, 24)                               # L, the largest eigenvalue
    cols = np.geomspace(0.02, 5.0, 36)
    fl, st, dv, paths, probs = [], [], [], [], []
    for L in rows:
        p = problems.quadratic(10.0, L=float(L))
        res = sweep(optimizers.sgd, p, steps, grid={"lr": cols}, record_theta=True)
        fl.append(res.final_loss)
        st.append(res.steps_to_tol)
        dv.append(res.diverged)
        paths.append((np.asarray(res.trajectory.theta), np.asarray(res.diverged_at)))
        probs.append(p)

    def path(i, j):
        th, d = paths[i]
        return th[:, j][: d[j]] if d[j] >= 0 else th[:, j]
    return Grid("largest eigenvalue L", "learning rate α", rows, cols, np.array(fl), np.array(st), np.array(dv),
                path, lambda i: probs[i], lines={"GD limit α = 2/L": ([theory.gd_stability_limit(float(L)) for L in rows], rows)},
                points={}, row_log=True)


def _adam(steps: int = 300) -> Grid:
    from .. import optimizers, problems, sweep

    p = problems.rosenbrock()
    rows = np.linspace(0.0, 0.99, 23)
    cols = np.geomspace(1e-3, 1.0, 30)
    res = sweep(optimizers.adam, p, steps, grid={"beta1": rows, "lr": cols}, record_theta=True)
    return Grid("β₁", "learning rate α", rows, cols, res.final_loss, res.steps_to_tol, res.diverged,
                _from_sweep(res, p), lambda i: p, lines={}, points={})


#: Preset grids: label -> builder.
PRESETS = {
    "heavy ball: momentum × lr on a quadratic (κ = 25)": _heavy_ball,
    "gradient descent: L × lr on quadratics (κ = 10)": _gd,
    "adam: β₁ × lr on Rosenbrock": _adam,
}


class SweepExplorer(App):
    """A heatmap of a preset 2-D grid (final loss or steps to tolerance) with theory overlays;
    the row/column sliders choose a cell, whose run is drawn on the problem's contour."""

    figsize = (9.6, 4.0)

    def __init__(self, preset: str | None = None):
        super().__init__()
        from .._checks import check_choice

        preset = list(PRESETS)[0] if preset is None else preset
        check_choice("sweep_explorer", "preset", preset, list(PRESETS))
        self.menu = W.Dropdown(options=list(PRESETS), value=preset, description="grid", layout=W.Layout(width="520px"))
        self.metric = W.ToggleButtons(options=["final loss", "steps to tol"], value="final loss")
        self.row = W.IntSlider(value=0, min=0, max=1, description="row", continuous_update=True)
        self.col = W.IntSlider(value=0, min=0, max=1, description="column", continuous_update=True)
        self.cell_html = W.HTML()
        self._grids: dict = {}
        self.observe(self.menu, self.load)
        self.observe(self.metric, self.redraw_all)
        self.observe(self.row, self._row_changed)
        self.observe(self.col, self.show_cell)
        self.container = W.VBox([W.HBox([self.menu, self.metric]), W.HBox([self.row, self.col]), self.message,
                                 self.cell_html, self.image])
        self.guarded(self.load)()

    def load(self) -> None:
        label = self.menu.value
        if label not in self._grids:
            self._grids[label] = PRESETS[label]()
        self.grid = g = self._grids[label]
        self.row.unobserve_all()
        self.col.unobserve_all()
        self.row.max, self.col.max = len(g.rows) - 1, len(g.cols) - 1
        # start on the theory point when there is one, else the middle
        i, j = len(g.rows) // 2, len(g.cols) // 2
        if g.points:
            px, py = next(iter(g.points.values()))
            dist = np.abs(g.rows[:, None] - py) / np.ptp(g.rows) + np.abs(np.log(g.cols[None, :] / px)) / np.ptp(np.log(g.cols))
            dist = np.where(g.diverged, np.inf, dist)                # nearest cell that converged
            i, j = (int(v) for v in np.unravel_index(int(np.argmin(dist)), dist.shape))
        self.row.value, self.col.value = i, j
        self.observe(self.row, self._row_changed)
        self.observe(self.col, self.show_cell)
        self.redraw_all()

    def _row_changed(self) -> None:
        if len({id(self.grid.problem(i)) for i in (0, len(self.grid.rows) - 1)}) > 1:
            self.redraw_all()                    # each row is its own problem: new contour
        else:
            self.show_cell()

    def values(self) -> np.ndarray:
        g = self.grid
        if self.metric.value == "steps to tol":
            return np.where(g.steps_to_tol < 0, np.nan, g.steps_to_tol).astype(float)
        f = getattr(g.problem(0), "minimum_loss", None) or 0.0
        return np.asarray(g.final_loss, dtype=float) - f

    def redraw_all(self) -> None:
        g = self.grid
        fig = self.fig
        self.clear_figure()
        self.ax_map, self.ax_path = fig.subplots(1, 2, width_ratios=[1.25, 1])
        steps_metric = self.metric.value == "steps to tol"
        viz.plot_heatmap(self.values(), g.cols, g.rows, diverged=g.diverged, xlabel=g.col_name, ylabel=g.row_name,
                         value_label="steps to f − f* ≤ 1e-6" if steps_metric else r"final $f(\theta) - f^*$",
                         xlog=g.col_log, ylog=g.row_log, log_values=not steps_metric, lines=g.lines, points=g.points,
                         ax=self.ax_map)
        xe, ye = viz.cell_edges(g.cols, g.col_log), viz.cell_edges(g.rows, g.row_log)
        self._edges_xy = (xe, ye)
        self.cell = self.animated(Rectangle((xe[0], ye[0]), 1, 1, fill=False, edgecolor="black", linewidth=2.5))
        self.ax_map.add_patch(self.cell)
        self.problem = g.problem(int(self.row.value))
        contour_background(self.ax_path, self.problem, levels=14)
        (self.path,) = self.ax_path.plot([], [], color=viz.color(0), linewidth=1.6)
        (self.end,) = self.ax_path.plot([], [], marker="o", color=viz.color(0), markeredgecolor="black", markersize=6)
        self.animated(self.path)
        self.animated(self.end)
        self.cache_background()
        self.show_cell()

    def show_cell(self) -> None:
        g = self.grid
        i, j = int(self.row.value), int(self.col.value)
        xe, ye = self._edges_xy
        self.cell.set_bounds(xe[j], ye[i], xe[j + 1] - xe[j], ye[i + 1] - ye[i])
        p = g.theta(i, j)
        pts, left = drawable(p, self.problem.bounds, bool(g.diverged[i, j]) or None)
        self.path.set_data(pts[:, 0], pts[:, 1])
        self.end.set_data(pts[-1:, 0], pts[-1:, 1])
        self.end.set_marker("X" if left or g.diverged[i, j] else "o")
        what = ('<b style="color:#D55E00">diverged</b>' if g.diverged[i, j] else
                f"final f − f* = <code>{fmt_vec(self.values()[i, j]) if self.metric.value == 'final loss' else fmt_vec(g.final_loss[i, j])}</code>, "
                f"steps to tol = <code>{int(g.steps_to_tol[i, j]) if g.steps_to_tol[i, j] >= 0 else 'never'}</code>")
        self.cell_html.value = f"{g.row_name} = <code>{fmt_vec(g.rows[i])}</code>, {g.col_name} = <code>{fmt_vec(g.cols[j])}</code>: {what}"
        self.blit()

    def static_figure(self):
        """The default grid's heatmap (final loss) as a normal figure."""
        g = self.grid
        f = getattr(g.problem(0), "minimum_loss", None) or 0.0
        return viz.plot_heatmap(np.asarray(g.final_loss) - f, g.cols, g.rows, diverged=g.diverged, xlabel=g.col_name,
                                ylabel=g.row_name, xlog=g.col_log, ylog=g.row_log, lines=g.lines, points=g.points,
                                title=self.menu.value)
