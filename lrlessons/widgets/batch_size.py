"""The batch-size explorer: steps to a target over a (batch size × learning rate) grid, with the
optimal-lr ridge against the linear (SGD) and square-root (Adam) scaling rules (lesson 12)."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from .. import viz
from .base import App

__all__ = ["BatchSizeExplorer", "BatchGrid", "batch_lr_grid"]

#: The lesson's setting: least squares on 1024 examples of 16 features, batch sizes 1 … 256.
BATCH_SIZES = 2 ** np.arange(9)
LRS = {"sgd": np.geomspace(0.002, 0.512, 17), "adam": np.geomspace(0.01, 0.64, 13)}
TARGET_FRACTION = 0.002          # target loss: f* + 0.2 % of the initial gap f(θ₀) − f*


@dataclass(frozen=True)
class BatchGrid:
    """``steps[i, j]``: the first update after which the full-batch loss is at most ``target``,
    for batch ``batch_sizes[i]`` and rate ``lrs[j]`` (``-1``: not within the run)."""

    name: str
    batch_sizes: np.ndarray
    lrs: np.ndarray
    steps: np.ndarray
    target: float

    @property
    def best(self) -> tuple[np.ndarray, np.ndarray]:
        """Per batch size: the fewest steps and the (smallest) rate that achieves them."""
        s = np.where(self.steps < 0, np.iinfo(np.int64).max, self.steps)
        j = np.argmin(s, axis=1)
        return self.steps[np.arange(len(j)), j], self.lrs[j]


def batch_lr_grid(name: str = "sgd", steps: int = 450, seed: int = 0) -> BatchGrid:
    """Run the lesson's (batch size × lr) grid for ``name`` (``"sgd"`` or ``"adam"``) as one
    batched :func:`lrlessons.run` over :func:`lrlessons.noise_scale.per_run_batches`."""
    from .. import optimizers, problems, run
    from .._checks import check_choice
    from ..noise_scale import per_run_batches

    check_choice("batch_lr_grid", "name", name, tuple(LRS))
    p = problems.linear_regression(n=1024, d=16, noise=1.0, seed=seed)
    f0, f_star = float(p.loss(p.x0)), p.minimum_loss
    target = f_star + TARGET_FRACTION * (f0 - f_star)
    B, L = np.meshgrid(BATCH_SIZES, LRS[name], indexing="ij")
    factory = optimizers.sgd if name == "sgd" else optimizers.adam
    traj = run(factory(lr=L.ravel()), per_run_batches(p, B.ravel()), steps, record_trace=False,
               record_theta=False)
    hit = traj.loss <= target                                     # (steps + 1, runs)
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1).reshape(B.shape)
    return BatchGrid(name, BATCH_SIZES.copy(), LRS[name].copy(), first, float(target))


class BatchSizeExplorer(App):
    """A heatmap of steps to the target over (batch size × lr) with the optimal-lr ridge and the
    scaling rules drawn from batch 8's optimum; the slider picks a batch size, whose steps-vs-lr
    curve is drawn on the right."""

    figsize = (9.6, 4.0)

    def __init__(self, optimizer: str = "sgd"):
        super().__init__()
        from .._checks import check_choice

        check_choice("batch_size_explorer", "optimizer", optimizer, tuple(LRS))
        self.menu = W.ToggleButtons(options=list(LRS), value=optimizer, description="optimizer")
        self.batch = W.IntSlider(value=3, min=0, max=len(BATCH_SIZES) - 1, description="batch index",
                                 continuous_update=True)
        self.info = W.HTML()
        self._grids: dict = {}
        self.observe(self.menu, self.redraw_all)
        self.observe(self.batch, self.show_batch)
        self.container = W.VBox([W.HBox([self.menu, self.batch]), self.message, self.info, self.image])
        self.guarded(self.redraw_all)()

    def grid(self) -> BatchGrid:
        name = self.menu.value
        if name not in self._grids:
            self._grids[name] = batch_lr_grid(name)
        return self._grids[name]

    def _overlays(self, g: BatchGrid) -> dict:
        best_steps, best_lr = g.best
        ref = int(np.flatnonzero(g.batch_sizes == 8)[0])
        k = g.batch_sizes / g.batch_sizes[ref]
        return {"optimal lr (the ridge)": (best_lr, g.batch_sizes),
                "linear rule lr ∝ B": (best_lr[ref] * k, g.batch_sizes),
                "square-root rule lr ∝ √B": (best_lr[ref] * np.sqrt(k), g.batch_sizes)}

    def _heatmap(self, g: BatchGrid, ax=None):
        values = np.where(g.steps < 0, np.nan, g.steps).astype(float)
        fig = viz.plot_heatmap(values, g.lrs, g.batch_sizes, xlabel=r"learning rate $\alpha$", ylabel="batch size B",
                               value_label="steps to the target loss", ylog=True, lines=self._overlays(g), ax=ax,
                               title=f"{g.name}: steps to target (blank: not reached)")
        hax = fig.axes[0] if ax is None else ax
        hax.set_xlim(g.lrs[0] / 1.2, g.lrs[-1] * 1.2)
        return fig

    def redraw_all(self) -> None:
        g = self.grid()
        self.clear_figure()
        self.ax_map, self.ax_row = self.fig.subplots(1, 2, width_ratios=[1.3, 1])
        self._heatmap(g, ax=self.ax_map)
        finite = g.steps[g.steps >= 0]
        self.ax_row.set_xscale("log")
        self.ax_row.set_yscale("log")
        self.ax_row.set_xlim(g.lrs[0] / 1.2, g.lrs[-1] * 1.2)
        self.ax_row.set_ylim(max(finite.min(), 1) / 1.5 if finite.size else 1, 600)
        self.ax_row.set_xlabel(r"learning rate $\alpha$")
        self.ax_row.set_ylabel("steps to the target")
        (self.curve,) = self.ax_row.plot([], [], color=viz.color(0), marker="o", markersize=4)
        (self.star,) = self.ax_row.plot([], [], marker="*", markersize=14, color=viz.color(1),
                                        markeredgecolor="black", linestyle="none")
        (self.band,) = self.ax_map.plot([], [], color="black", linewidth=2.5)
        for a in (self.curve, self.star, self.band):
            self.animated(a)
        self.cache_background()
        self.show_batch()

    def show_batch(self) -> None:
        g = self.grid()
        i = int(self.batch.value)
        row = g.steps[i]
        ok = row >= 0
        self.curve.set_data(g.lrs[ok], row[ok])
        best_steps, best_lr = g.best
        b = g.batch_sizes[i]
        self.band.set_data([g.lrs[0], g.lrs[-1]], [b, b])
        if best_steps[i] >= 0:
            self.star.set_data([best_lr[i]], [best_steps[i]])
            what = f"fewest steps <code>{int(best_steps[i])}</code> at lr <code>{best_lr[i]:.3g}</code>"
        else:
            self.star.set_data([], [])
            what = "no rate of the grid reaches the target"
        self.info.value = f"{g.name}, batch size <code>{int(b)}</code>: {what}"
        self.blit()

    def static_figure(self):
        """The SGD grid's heatmap with the ridge and both scaling rules, as a normal figure."""
        return self._heatmap(self.grid())
