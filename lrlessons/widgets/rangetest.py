"""The learning-rate range test widget (Smith 2017; a heuristic, labelled as such)."""

from __future__ import annotations

import ipywidgets as W

from .. import viz
from .base import App, fmt_vec

__all__ = ["RangeTest", "DATA_PROBLEMS"]

#: Data problems offered (minibatches of 20, seeded).
DATA_PROBLEMS = ("logistic_regression", "linear_regression", "mlp")
_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


class RangeTest(App):
    """Grow the learning rate exponentially over a short run and plot the loss against it.

    Controls: data problem, optimizer, start and end learning rates, number of steps. The
    shaded band is :func:`lrlessons.lr_range_test`'s suggested range and the dashed
    line its suggested rate: starting points for a search, not optima.
    """

    figsize = (9.6, 3.6)

    def __init__(self, problem: str = "logistic_regression", optimizer: str = "sgd"):
        super().__init__()
        from .._checks import check_choice

        check_choice("lr_range_test", "problem", problem, DATA_PROBLEMS)
        check_choice("lr_range_test", "optimizer", optimizer, _OPTIMIZERS)
        style = {"description_width": "90px"}
        self.problem_menu = W.Dropdown(options=DATA_PROBLEMS, value=problem, description="problem", style=style)
        self.optimizer_menu = W.Dropdown(options=_OPTIMIZERS, value=optimizer, description="optimizer", style=style)
        self.start_lr = W.FloatLogSlider(value=1e-5, base=10, min=-8, max=0, step=0.25, description="start lr",
                                         readout_format=".1e", continuous_update=False, style=style)
        self.end_lr = W.FloatLogSlider(value=100.0, base=10, min=-3, max=3, step=0.25, description="end lr",
                                       readout_format=".1e", continuous_update=False, style=style)
        self.steps = W.IntSlider(value=100, min=10, max=500, step=10, description="steps", continuous_update=False,
                                 style=style)
        self.result_html = W.HTML()
        self._problems: dict = {}
        for c in (self.problem_menu, self.optimizer_menu, self.start_lr, self.end_lr, self.steps):
            self.observe(c, self.update)
        self.container = W.VBox([W.HBox([self.problem_menu, self.optimizer_menu]),
                                 W.HBox([self.start_lr, self.end_lr]), self.steps, self.message,
                                 self.result_html, self.image])
        self.guarded(self.update)()

    def problem(self):
        from .. import problems

        name = self.problem_menu.value
        if name not in self._problems:
            self._problems[name] = getattr(problems, name)(batch_size=20)
        return self._problems[name]

    def compute(self):
        from .. import optimizers
        from ..training import lr_range_test

        if not self.end_lr.value > self.start_lr.value:
            raise ValueError(f"The end lr must be larger than the start lr. Got start {self.start_lr.value:.3g}, "
                             f"end {self.end_lr.value:.3g}.")
        factory = getattr(optimizers, self.optimizer_menu.value)
        return lr_range_test(factory, self.problem(), start_lr=float(self.start_lr.value),
                             end_lr=float(self.end_lr.value), steps=int(self.steps.value))

    def draw_result(self, ax, res) -> None:
        """The range test's figure into ``ax``: raw and smoothed losses, suggested range and rate."""
        ax.plot(res.lrs, res.losses, color="0.7", linewidth=1, label="minibatch loss")
        viz.plot_lr_range_test(res.lrs, res.smoothed, suggestion=res.lr_range, ax=ax,
                               title=f"{self.optimizer_menu.value} on {self.problem_menu.value} (batch 20)")
        ax.axvline(res.suggested_lr, color=viz.color(3), linestyle="--", label=f"steepest descent α ≈ {res.suggested_lr:.2g}")
        ax.legend(loc="best", frameon=False, fontsize=8)

    def update(self) -> None:
        self.result = res = self.compute()
        fig = self.fig
        self.clear_figure()
        ax = fig.subplots()
        self.draw_result(ax, res)
        lo, hi = res.lr_range
        stop = "" if res.stopped_at is None else f"; stopped at step {res.stopped_at} (loss blew up)"
        self.result_html.value = (f"<b>Heuristic</b> suggestion: α ≈ <code>{fmt_vec(res.suggested_lr)}</code>, "
                                  f"range [<code>{fmt_vec(lo)}</code>, <code>{fmt_vec(hi)}</code>]{stop}")
        self.redraw()

    def static_figure(self):
        """The default range test as a normal figure."""
        fig, ax = viz.new_figure("single")
        self.draw_result(ax, self.result)
        return fig
