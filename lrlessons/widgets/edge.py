"""The edge-of-stability widget (lesson 11): loss and sharpness of full-batch GD vs 2/η."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import viz
from .base import App

__all__ = ["EdgeOfStability"]


class EdgeOfStability(App):
    """Pick a peak rate η and a warmup length W; see the loss and the sharpness against 2/η_t.

    The curves are precomputed by ``tools/make_edge_of_stability.py`` (600 updates of
    full-batch GD on ``problems.mlp(dataset="spirals", hidden=32, noise=0.2)``, sharpness by
    :func:`lrlessons.sharpness.sharpness_along` every 10 steps) and read with
    ``lrlessons.reference.load("edge_of_stability")``, so a slider move only swaps line data
    (blitted, a few ms).
    """

    figsize = (9.6, 3.6)

    def __init__(self, lr: float = 4.0, warmup: int = 0):
        super().__init__()
        from .. import reference
        from .._checks import check_choice

        data = reference.load("edge_of_stability")
        self.lrs = tuple(float(x) for x in data["lrs"])
        self.warmups = tuple(int(x) for x in data["warmups"])
        check_choice("edge_of_stability", "lr", float(lr) if isinstance(lr, (int, float)) else lr, self.lrs)
        check_choice("edge_of_stability", "warmup", warmup, self.warmups)
        self.runs = {(float(r["lr"]), int(r["warmup"])): r for r in data["runs"]}
        self.steps = int(data["steps"])
        style = {"description_width": "90px"}
        self.lr_slider = W.SelectionSlider(options=self.lrs, value=float(lr), description="peak η",
                                           continuous_update=True, style=style)
        self.warmup_slider = W.SelectionSlider(options=self.warmups, value=int(warmup), description="warmup W",
                                               continuous_update=True, style=style)
        self.result_html = W.HTML()
        self._build()
        for c in (self.lr_slider, self.warmup_slider):
            self.observe(c, self.update)
        self.container = W.VBox([W.HBox([self.lr_slider, self.warmup_slider]), self.message,
                                 self.result_html, self.image])
        self.guarded(self.update)()

    def _axes(self, axes):
        ax_loss, ax_sharp = axes
        for ax in (ax_loss, ax_sharp):
            viz.style_axes(ax)
            ax.set_xlim(0, self.steps)
            ax.set_xlabel(r"step $t$")
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(0.05, 40)
        ax_loss.set_ylabel("full-batch loss")
        ax_sharp.set_ylim(0, 5)
        ax_sharp.set_ylabel(r"sharpness $\lambda_{\max}(H)$")
        return ax_loss, ax_sharp

    def _build(self) -> None:
        self.clear_figure()
        self.ax_loss, self.ax_sharp = self._axes(self.fig.subplots(1, 2))
        self.loss_line = self.animated(self.ax_loss.plot([], [], color=viz.color(0), linewidth=1)[0])
        self.sharp_line = self.animated(self.ax_sharp.plot([], [], color=viz.color(1), marker=".", markersize=3,
                                                           linewidth=1, label="sharpness")[0])
        self.limit_line = self.animated(self.ax_sharp.plot([], [], color="0.3", linestyle="--",
                                                           label=r"$2/\eta_t$")[0])
        self.ax_sharp.legend(loc="upper right", frameon=False, fontsize=8)

    def curves(self, lr: float, warmup: int):
        """``(steps, loss, sharpness steps, sharpness, 2/η_t)`` of one precomputed setting."""
        r = self.runs[(float(lr), int(warmup))]
        loss = np.asarray(r["loss"])
        rate = np.asarray(r["rate"])
        with np.errstate(divide="ignore"):
            limit = np.where(rate > 0, 2.0 / np.where(rate > 0, rate, 1.0), np.inf)
        return (np.arange(loss.size), loss, np.asarray(r["sharpness_steps"]), np.asarray(r["sharpness"]),
                np.minimum(limit, 1e3))

    def summary(self, lr: float, warmup: int) -> str:
        t, loss, ts, sharp, _ = self.curves(lr, warmup)
        late = sharp[ts >= max(warmup, self.steps // 2)]
        return (f"largest loss {loss.max():.3g} (start {loss[0]:.3g}); sharpness × η/2 over the last "
                f"steps: median {np.median(late) * lr / 2:.2f} (1 = the edge of stability)")

    def update(self) -> None:
        lr, w = float(self.lr_slider.value), int(self.warmup_slider.value)
        t, loss, ts, sharp, limit = self.curves(lr, w)
        self.loss_line.set_data(t, loss)
        self.sharp_line.set_data(ts, sharp)
        self.limit_line.set_data(t[:-1], limit)
        self.result_html.value = self.summary(lr, w)
        self.blit()

    def static_figure(self):
        """Warmup or not at the current η, as a normal figure (both runs overlaid)."""
        fig, axes = viz.new_figure("single", ncols=2, figsize=self.figsize)
        ax_loss, ax_sharp = self._axes(axes)
        lr = float(self.lr_slider.value)
        for i, w in enumerate(sorted({0, self.warmups[-1]})):
            t, loss, ts, sharp, limit = self.curves(lr, w)
            ax_loss.plot(t, loss, color=viz.color(i), linewidth=1, label=f"warmup W = {w}")
            ax_sharp.plot(ts, sharp, color=viz.color(i), marker=".", markersize=3, linewidth=1)
            ax_sharp.plot(t[:-1], limit, color=viz.color(i), linestyle="--", linewidth=1)
        ax_loss.legend(loc="upper right", frameon=False, fontsize=8)
        ax_loss.set_title(f"full-batch GD, peak η = {lr:g}", fontsize=9)
        ax_sharp.set_title(r"sharpness (dots) and $2/\eta_t$ (dashed)", fontsize=9)
        return fig
