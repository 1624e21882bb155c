"""The update-size explorer: per-layer update-to-weight ratios of an MLP in SP and μP, live."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import viz
from .base import App, html_table

__all__ = ["UpdateRatios"]

_LAYERS = ("input", "hidden", "output")
_PARAMS = ("sp", "mup")
_LABELS = {"sp": "SP", "mup": "μP"}
_YLIM = (1e-7, 1e3)


class UpdateRatios(App):
    r"""Per-layer sizes of the first update of an MLP at a chosen width and learning rate, SP vs μP.

    Left: CS231n's update-to-weight ratio :math:`\lVert\Delta W\rVert/\lVert W\rVert` (its rule of
    thumb, about 1e-3, dashed). Right: :math:`\lVert h\,\Delta W\rVert/\lVert h W\rVert`, how much
    the update changes what each layer computes on the data (what μP keeps independent of the
    width; ``lrlessons.width.update_ratios``). Controls: width, learning rate, optimizer.

    The first update from the initial weights is proportional to the rate for SGD and for
    Adam (whose first step is :math:`-\eta\, g/(|g| + \epsilon)`), so the ratios are computed
    once per (optimizer, width) at rate 1 and scaled: the rate slider only moves bars (a blit).
    """

    figsize = (9.6, 3.8)

    def __init__(self, width: int = 256, lr: float = 1e-2, optimizer: str = "adam", samples: int = 64):
        super().__init__()
        from .. import width as wd
        from .._checks import check_choice, check_integer, check_interval

        check_integer("update_ratios", "width", width, 64, 1024)
        check_interval("update_ratios", "lr", lr, 1e-6, 10.0)
        check_choice("update_ratios", "optimizer", optimizer, wd.OPTIMIZERS)
        self._x, self._y = wd.teacher_task(samples=samples)
        self._cache: dict = {}
        style = {"description_width": "90px"}
        self.width = W.IntSlider(value=int(width), min=64, max=1024, step=64, description="width n",
                                 continuous_update=False, style=style)
        self.lr = W.FloatLogSlider(value=float(lr), base=10, min=-5, max=0, step=0.1, description="lr η",
                                   readout_format=".1e", continuous_update=True, style=style)
        self.optimizer = W.Dropdown(options=wd.OPTIMIZERS, value=optimizer, description="optimizer", style=style)
        self.table = W.HTML()
        self._build()
        self.observe(self.width, self.update)
        self.observe(self.lr, self.update)
        self.observe(self.optimizer, self.update)
        self.container = W.VBox([W.HBox([self.width, self.lr, self.optimizer]), self.message, self.image,
                                 self.table])
        self.guarded(self.update)()

    # -- numbers --------------------------------------------------------------------------
    def unit_ratios(self, parametrization: str) -> dict:
        """The ratios at rate 1 for the current optimizer and width (cached)."""
        from .. import width as wd

        key = (self.optimizer.value, int(self.width.value), parametrization)
        if key not in self._cache:
            net = wd.WidthMLP(key[1], parametrization=parametrization, optimizer=key[0])
            self._cache[key] = wd.update_ratios(net, self._x, self._y, lr=1.0)
        return self._cache[key]

    def ratios(self) -> dict:
        """``{(parametrization, measure): per-layer ratios}`` at the current rate."""
        lr = float(self.lr.value)
        return {(p, k): lr * v for p in _PARAMS for k, v in self.unit_ratios(p).items()}

    # -- drawing --------------------------------------------------------------------------
    def _build(self) -> None:
        self.clear_figure()
        self.axes = self.fig.subplots(1, 2, sharey=True)
        self.bars = {}
        self.draw_static(self.axes, animated=True)
        self.cache_background()

    def draw_static(self, axes, animated: bool = False, values: dict | None = None) -> None:
        """Axes, labels, the 1e-3 line and the bars (heights from ``values``, else tiny)."""
        x = np.arange(len(_LAYERS))
        titles = {"weight": r"weights: $\|\Delta W\| / \|W\|$ (CS231n)",
                  "feature": r"features: $\|h\,\Delta W\| / \|h\,W\|$"}
        for ax, measure in zip(axes, ("weight", "feature")):
            viz.style_axes(ax)
            ax.set_yscale("log")
            ax.set_ylim(*_YLIM)
            ax.set_xticks(x, [f"{name}\nlayer" for name in _LAYERS])
            ax.set_title(titles[measure])
            if measure == "weight":
                ax.axhline(1e-3, color="0.4", linestyle="--", linewidth=1, label="rule of thumb 1e-3")
                ax.set_ylabel("size of the first update")
            for j, p in enumerate(_PARAMS):
                h = values[p, measure] if values is not None else np.full(len(_LAYERS), _YLIM[0])
                bars = ax.bar(x + (j - 0.5) * 0.38, np.maximum(h, _YLIM[0]) - _YLIM[0], width=0.36,
                              bottom=_YLIM[0], color=viz.color(j), label=_LABELS[p])
                if animated:
                    self.bars[p, measure] = [self.animated(b) for b in bars]
            ax.legend(loc="upper left", frameon=False, fontsize=8)

    def update(self) -> None:
        values = self.ratios()
        for key, bars in self.bars.items():
            for b, v in zip(bars, values[key]):
                b.set_height(max(float(v), _YLIM[0]) - _YLIM[0])
        head = "<tr><th></th>" + "".join(f"<th style='padding:0 8px'>{n}</th>" for n in _LAYERS) + "</tr>"
        rows = [f"<tr><td>{_LABELS[p]} {m}</td>" + "".join(f"<td style='padding:0 8px'>{v:.2e}</td>"
                                                         for v in values[p, m]) + "</tr>"
                for m in ("weight", "feature") for p in _PARAMS]
        self.table.value = html_table(rows, head)
        self.blit()

    def static_figure(self):
        """The current state as a normal matplotlib figure (for GitHub and nbviewer)."""
        fig, axes = viz.new_figure("pair", 1, 2, sharey=True)
        self.draw_static(axes, values=self.ratios())
        fig.suptitle(f"first {self.optimizer.value} update, width {self.width.value}, lr {self.lr.value:.0e}")
        return fig
