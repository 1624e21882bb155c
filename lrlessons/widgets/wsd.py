"""The WSD explorer (lesson 10): a warmup–stable–decay schedule beside a cosine of the same peak,
and the exact expected loss of both on the noisy quadratic model."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import schedules, viz
from .base import App

__all__ = ["WSDExplorer"]

SHAPES = ("linear", "cosine", "1-sqrt")


class WSDExplorer(App):
    """Sliders for the cooldown fraction D/T, its shape and the peak rate P; left the schedules,
    right :func:`lrlessons.noisy_quadratic.expected_loss` of WSD, of a cosine of the same peak and
    length, and of the constant rate P, on the lesson's noisy quadratic (T = 1000 updates).

    The expected loss is an exact recursion (about 10 ms for three schedules of 1000 steps), so
    every slider move recomputes it and only swaps line data (blitted).
    """

    figsize = (9.6, 3.6)
    steps = 1000

    def __init__(self, cooldown: float = 0.2, shape: str = "1-sqrt", peak_lr: float = 1.0):
        super().__init__()
        from .._checks import check_choice, check_interval
        from ..noisy_quadratic import noisy_quadratic

        check_interval("wsd_explorer", "cooldown", cooldown, 0.05, 0.5, "both")
        check_choice("wsd_explorer", "shape", shape, SHAPES)
        check_interval("wsd_explorer", "peak_lr", peak_lr, 0.05, 1.95, "both")
        self.problem = noisy_quadratic(dim=20, h_min=1e-3, h_max=1.0, sigma=0.12)
        style = {"description_width": "110px"}
        self.cooldown = W.FloatSlider(value=float(cooldown), min=0.05, max=0.5, step=0.05, description="cooldown D/T",
                                      continuous_update=True, style=style, readout_format=".2f")
        self.shape = W.ToggleButtons(options=list(SHAPES), value=shape, description="shape", style=style)
        self.peak = W.FloatLogSlider(value=float(peak_lr), base=10, min=np.log10(0.05), max=np.log10(1.95),
                                     step=0.05, description="peak rate P", continuous_update=True, style=style,
                                     readout_format=".3g")
        self.result_html = W.HTML()
        self._build()
        for c in (self.cooldown, self.shape, self.peak):
            self.observe(c, self.update)
        self.container = W.VBox([W.HBox([self.cooldown, self.peak]), self.shape, self.message,
                                 self.result_html, self.image])
        self.guarded(self.update)()

    # -- numbers ------------------------------------------------------------------------
    def curves(self, cooldown: float, shape: str, peak_lr: float) -> dict:
        """``{name: (rates, expected loss)}`` for the WSD run, the cosine and the constant rate."""
        from ..noisy_quadratic import expected_loss

        T = self.steps
        t = np.arange(T)
        D = int(round(float(cooldown) * T))
        made = {"wsd": schedules.wsd(peak_lr, T, 0, D, decay_shape=shape),
                "cosine": schedules.cosine_decay(peak_lr, T),
                "constant": schedules.constant(peak_lr)}
        rates = np.stack([np.broadcast_to(s(t), t.shape) for s in made.values()])
        losses = expected_loss(self.problem, rates)
        return {name: (rates[i], losses[i]) for i, name in enumerate(made)}

    def summary(self, cooldown: float, shape: str, peak_lr: float) -> str:
        """The final expected losses of :meth:`curves` and how much of cosine's gain WSD gets."""
        return self._summary(self.curves(cooldown, shape, peak_lr))

    @staticmethod
    def _summary(c: dict) -> str:
        w, cos, const = (c[k][1][-1] for k in ("wsd", "cosine", "constant"))
        share = np.log(const / w) / np.log(const / cos) if const > cos > 0 else float("nan")
        return (f"final expected loss: WSD <code>{w:.3g}</code>, cosine <code>{cos:.3g}</code>, constant "
                f"<code>{const:.3g}</code>; WSD / cosine <code>{w / cos:.2f}</code>, share of cosine's gain over "
                f"the constant rate (log scale) <code>{share:.0%}</code>")

    # -- drawing ------------------------------------------------------------------------
    def _axes(self, axes):
        ax_lr, ax_loss = axes
        for ax in (ax_lr, ax_loss):
            viz.style_axes(ax)
            ax.set_xlim(0, self.steps)
            ax.set_xlabel("update t")
        ax_lr.set_ylim(0, 2.0)
        ax_lr.set_ylabel(r"learning rate $\eta_t$")
        ax_loss.set_yscale("log")
        ax_loss.set_ylim(1e-4, 5.0)
        ax_loss.set_ylabel("expected loss (noisy quadratic)")
        return ax_lr, ax_loss

    def _build(self) -> None:
        self.clear_figure()
        self.ax_lr, self.ax_loss = self._axes(self.fig.subplots(1, 2))
        self.lines = {}
        for k, name in enumerate(("wsd", "cosine", "constant")):
            style = dict(color=viz.color(k), linewidth=1.5 if name == "wsd" else 1)
            self.lines[name] = (self.animated(self.ax_lr.plot([], [], label=name, **style)[0]),
                                self.animated(self.ax_loss.plot([], [], label=name, **style)[0]))
        self.ax_lr.legend(loc="upper right", frameon=False, fontsize=8)

    def update(self) -> None:
        cooldown, shape, peak = float(self.cooldown.value), str(self.shape.value), float(self.peak.value)
        t = np.arange(self.steps)
        c = self.curves(cooldown, shape, peak)                  # (the slider move's one recursion)
        for name, (rate, loss) in c.items():
            lr_line, loss_line = self.lines[name]
            lr_line.set_data(t, rate)
            loss_line.set_data(np.arange(loss.size), loss)
        self.result_html.value = self._summary(c)
        self.blit()

    def static_figure(self):
        """The three cooldown shapes at the current length and peak, and their expected losses."""
        fig, axes = viz.new_figure("single", ncols=2, figsize=self.figsize)
        ax_lr, ax_loss = self._axes(axes)
        cooldown, peak = float(self.cooldown.value), float(self.peak.value)
        t = np.arange(self.steps)
        for k, shape in enumerate(SHAPES):
            c = self.curves(cooldown, shape, peak)
            ax_lr.plot(t, c["wsd"][0], color=viz.color(k), label=f"wsd, {shape}")
            ax_loss.plot(c["wsd"][1], color=viz.color(k))
        ax_lr.plot(t, c["cosine"][0], color="0.4", linestyle="--", label="cosine")
        ax_loss.plot(c["cosine"][1], color="0.4", linestyle="--")
        ax_loss.plot(c["constant"][1], color="0.7", linestyle=":", label="constant")
        ax_lr.legend(loc="upper right", frameon=False, fontsize=8)
        ax_loss.legend(loc="upper right", frameon=False, fontsize=8)
        ax_lr.set_title(f"cooldown {cooldown:.0%} of {self.steps} updates, peak {peak:g}", fontsize=9)
        return fig
