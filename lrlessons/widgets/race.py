"""The optimizer race: several optimizers, each with its own learning rate, on one surface."""

from __future__ import annotations

from typing import Any, Sequence

import ipywidgets as W
import numpy as np

from .. import training, viz
from .base import (App, DEFAULT_LR, accepted, contour_and_loss_axes, drawable, fmt_vec, hp_control,
                   optimizer_factories, resolve_problem, surface_names)

__all__ = ["OptimizerRace", "MAIN_HYPERPARAMETER"]

#: The hyperparameter given a slider next to the learning rate, by optimizer.
MAIN_HYPERPARAMETER = ("momentum", "beta1", "decay", "rho", "initial_accumulator_value")

_DEFAULT = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "nadam")


def _main_hp(factory) -> tuple[str, Any] | tuple[None, None]:
    import inspect

    params = inspect.signature(factory).parameters
    for name in MAIN_HYPERPARAMETER:
        if name in params and params[name].default is not inspect.Parameter.empty:
            return name, params[name].default
    return None, None


class Lane:
    """One racer: its factory, controls (enabled, lr, main hyperparameter) and artists."""

    def __init__(self, name: str, factory, index: int, lr: float | None = None):
        self.name, self.factory, self.index = name, factory, index
        self.color = viz.color(index)
        self.enabled = W.Checkbox(value=True, description=name, indent=False, layout=W.Layout(width="120px"))
        lr = DEFAULT_LR.get(name, 0.01) if lr is None else lr
        self.lr = hp_control("lr", lr)
        self.lr.description = "lr"
        self.lr.style = {"description_width": "30px"}
        self.lr.layout = W.Layout(width="300px")
        self.hp_name, default = _main_hp(factory)
        self.hp = hp_control(self.hp_name, default) if self.hp_name else None
        if self.hp is not None:
            self.hp.style = {"description_width": "70px"}
            self.hp.layout = W.Layout(width="300px")
        swatch = W.HTML(f'<span style="display:inline-block;width:14px;height:14px;background:{self.color};'
                        'margin-top:6px;border-radius:2px"></span>', layout=W.Layout(width="22px"))
        self.box = W.HBox([swatch, self.enabled, self.lr] + ([self.hp] if self.hp is not None else []))
        self.run = None

    def key(self, problem, steps) -> tuple:
        return (self.name, float(self.lr.value), None if self.hp is None else self.hp.value, id(problem), steps)

    def kwargs(self) -> dict:
        kw = {"lr": float(self.lr.value)}
        if self.hp is not None:
            kw[self.hp_name] = self.hp.value
        return kw


class OptimizerRace(App):
    """Race optimizers on one 2-D surface: contour with the paths, and the loss curves.

    Each lane has its own learning rate and main hyperparameter; a slider move recomputes
    only that lane (cached by its settings) and blits the moving lines onto the cached
    contour. A diverged run is drawn up to where it leaves the frame and named in the
    status label, never plotted as NaN.
    """

    figsize = (9.6, 3.9)

    def __init__(self, problem: Any = "rosenbrock", optimizers: Sequence[str] = _DEFAULT, steps: int = 500,
                 lrs: dict | None = None):
        super().__init__()
        from .._checks import check_integer, check_choice

        check_integer("optimizer_race", "steps", steps, 1, 20_000)
        factories = optimizer_factories()
        names = [n for n in optimizers]
        for n in names:
            check_choice("optimizer_race", "optimizers", n, list(factories))
        if len(names) > 8:
            raise ValueError(f"The 'optimizers' parameter of optimizer_race must hold at most 8 names. Got {len(names)} instead.")
        self.problem = resolve_problem(problem)
        self.steps_slider = W.IntSlider(value=int(steps), min=10, max=2000, step=10, description="steps",
                                        continuous_update=False)
        pnames = surface_names()
        pvalue = getattr(self.problem, "name", None)
        if pvalue not in pnames:
            pnames, pvalue = pnames + ["custom"], "custom"
            self._custom_problem = self.problem
        self.problem_menu = W.Dropdown(options=pnames, value=pvalue, description="problem")
        self.lanes = [Lane(n, factories[n], i, (lrs or {}).get(n)) for i, n in enumerate(names)]
        self.status = W.HTML()
        self._cache: dict = {}
        for lane in self.lanes:
            for c in (lane.enabled, lane.lr, lane.hp):
                if c is not None:
                    self.observe(c, lambda lane=lane: self.update_lane(lane))
        self.observe(self.steps_slider, self.reset_view)
        self.observe(self.problem_menu, self._problem_changed)
        self.container = W.VBox([W.HBox([self.problem_menu, self.steps_slider]),
                                 W.VBox([lane.box for lane in self.lanes]), self.message, self.status, self.image])
        self.guarded(self.reset_view)()

    @property
    def steps(self) -> int:
        return int(self.steps_slider.value)

    def _problem_changed(self) -> None:
        v = self.problem_menu.value
        self.problem = self._custom_problem if v == "custom" else resolve_problem(v)
        self.reset_view()

    # -- model ----------------------------------------------------------------------------
    def compute(self, lane: Lane):
        """The lane's :func:`lrlessons.run` at its current settings (cached by settings, so
        returning a slider to an earlier position costs only the redraw)."""
        key = lane.key(self.problem, self.steps)
        traj = self._cache.get(key)
        if traj is None:
            if len(self._cache) > 512:
                self._cache.clear()
            traj = self._cache[key] = training.run(lane.factory(**lane.kwargs()), self.problem, self.steps,
                                                   record_trace=False)
        lane.run = traj
        return traj

    # -- view -----------------------------------------------------------------------------
    def reset_view(self) -> None:
        """New problem or horizon: redraw the static layer with fixed limits, recompute all lanes."""
        contour_and_loss_axes(self, self.steps)
        for lane in self.lanes:
            c = lane.color
            (lane.path,) = self.ax.plot([], [], color=c, linewidth=1.6, label=lane.name)
            (lane.end,) = self.ax.plot([], [], marker="o", color=c, markeredgecolor="black", markersize=6)
            (lane.curve,) = self.ax_loss.plot([], [], color=c, linewidth=1.5, label=lane.name)
            for a in (lane.path, lane.end, lane.curve):
                self.animated(a)
        self.ax_loss.legend(handles=[l.curve for l in self.lanes], loc="lower left", frameon=False, ncols=2)
        self.cache_background()
        for lane in self.lanes:
            self._set_lane_artists(lane)
        self._update_status()
        self.blit()

    def _set_lane_artists(self, lane: Lane) -> None:
        on = bool(lane.enabled.value)
        for a in (lane.path, lane.end, lane.curve):
            a.set_visible(on)
        if not on:
            return
        run = self.compute(lane)
        theta, loss = accepted(run)
        pts, left = drawable(theta, self.problem.bounds, run.diverged_at)
        lane.path.set_data(pts[:, 0], pts[:, 1])
        if len(pts):
            lane.end.set_data(pts[-1:, 0], pts[-1:, 1])
            lane.end.set_marker("X" if (left or run.diverged_at) else "o")
        y = np.maximum(loss - self.fmin, 1e-12)
        lane.curve.set_data(np.arange(len(y)), y)

    def update_lane(self, lane: Lane) -> None:
        """A control of one lane moved: recompute that lane only, blit."""
        self._set_lane_artists(lane)
        self._update_status()
        self.blit()

    def clear_cache(self) -> None:
        """Forget every computed run (the next draw of a lane reruns it)."""
        self._cache.clear()

    def update_all(self) -> None:
        """Recompute every lane (from the cache where the settings were seen) and blit."""
        for lane in self.lanes:
            self._set_lane_artists(lane)
        self._update_status()
        self.blit()

    def describe(self, lane: Lane) -> str:
        if not lane.enabled.value:
            return f"{lane.name}: off"
        run = lane.run
        if run.diverged_at is not None:
            return f"{lane.name}: diverged at step {run.diverged_at}"
        return f"{lane.name}: f − f* = {fmt_vec(run.loss[-1] - self.fmin)} after {run.steps} steps"

    def _update_status(self) -> None:
        parts = []
        for lane in self.lanes:
            text = self.describe(lane)
            bad = "diverged" in text
            style = "color:#D55E00;font-weight:bold" if bad else "color:#333"
            parts.append(f'<span style="{style}"><span style="color:{lane.color}">■</span> {text}</span>')
        self.status.value = " &nbsp; ".join(parts)

    def static_figure(self):
        """The default race as a normal figure (contour with paths, loss curves)."""
        fig, (ax, axl) = viz.new_figure("pair", 1, 2, width_ratios=[1.1, 1])
        runs = {}
        for lane in self.lanes:
            if lane.enabled.value:
                runs[f"{lane.name} (lr={lane.lr.value:.3g})"] = self.compute(lane)
        viz.plot_contour(self.problem, runs, ax=ax)
        ax.get_legend().remove()                 # as in the live widget: the loss legend names the colours
        viz.plot_loss(runs, problem=self.problem, ax=axl)
        axl.legend(loc="lower left", frameon=False, ncols=2)
        return fig
