"""The optimizer race: several optimizers, each with its own learning rate, on one surface.

A lane is one racer. ``optimizers`` lists them, each given as

* a name: a core factory (``"adam"``) or any framework optimizer (``"optax.adam"``,
  ``"tf1.AdamOptimizer"``), built with the lane's learning rate under that framework's own
  keyword (:func:`lrlessons.frameworks.build_optimizer`);
* an :class:`~lrlessons.optimizers.Optimizer` (``optimizers.adam(lr=0.1, amsgrad=True)``):
  raced as built, its learning rate on the lane's slider when it is a number;
* a triple ``(label, factory, kwargs)`` (``("AMSGrad", optimizers.adam, {"amsgrad": True})``):
  ``factory(**kwargs)`` with the lane's learning rate and main hyperparameter on top.

A lane whose run fails (a setting its optimizer refuses) shows why in the status line; the
other lanes race on.
"""

from __future__ import annotations

import inspect
import html
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as W
import numpy as np

from .. import training, viz
from .base import (App, DEFAULT_LR, accepted, contour_and_loss_axes, drawable, fmt_vec, for_points, friendly, hp_control,
                   optimizer_factories, resolve_problem, surface_names)

__all__ = ["OptimizerRace", "Lane", "MAIN_HYPERPARAMETER"]

#: The hyperparameter given a slider next to the learning rate, by optimizer (first found wins;
#: PyTorch's RMSprop calls its decay ``alpha``, Keras ``beta_1``, optax ``b1``).
MAIN_HYPERPARAMETER = ("momentum", "beta1", "beta_1", "b1", "decay", "rho", "alpha", "initial_accumulator_value")

#: Starting values for hyperparameters a factory requires (TF1's ``MomentumOptimizer(lr, momentum)``).
REQUIRED = {"momentum": 0.9}

_DEFAULT = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "nadam")


def _parameters(factory: Callable) -> Mapping[str, inspect.Parameter]:
    try:
        return inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}


def _lr_keyword(factory: Callable) -> str | None:
    params = _parameters(factory)
    return "lr" if "lr" in params else ("learning_rate" if "learning_rate" in params else None)


def _main_hp(factory, given: Mapping | None = None) -> tuple[str, Any] | tuple[None, None]:
    """The main hyperparameter a lane gets a slider for, and its starting value."""
    params = _parameters(factory)
    given = given or {}
    for name in MAIN_HYPERPARAMETER:
        if name not in params:
            continue
        default = params[name].default
        value = given.get(name, REQUIRED.get(name) if default is inspect.Parameter.empty else default)
        if value is not None and hp_control(name, value) is not None:
            return name, value
    return None, None


def _base_name(name: str) -> str:
    """``"tf1.AdamOptimizer"`` -> ``"adam"``: the key of :data:`DEFAULT_LR`."""
    return name.split(".")[-1].lower().replace("optimizer", "").replace("gradientdescent", "sgd")


def _check_lane(item: Any, factories: dict) -> tuple:
    """``(label, factory, kwargs, optimizer)`` of one entry of ``optimizers``, or a clear error."""
    from .._checks import check_choice

    if isinstance(item, str):
        check_choice("optimizer_race", "optimizers", item, list(factories))
        return item, factories[item], {}, None
    if hasattr(item, "equations") and hasattr(item, "hyperparameters") and hasattr(item, "step"):
        shaped = [k for k, v in item.hyperparameters.items()
                  if not callable(v) and not isinstance(v, (str, bool)) and np.ndim(v) > 0]
        if shaped:
            raise ValueError(f"The 'optimizers' parameter of optimizer_race takes one setting per lane: "
                             f"{item.name}'s {shaped[0]!r} holds several runs ({item.hyperparameters[shaped[0]]!r}).")
        return item.name, None, {}, item
    if isinstance(item, tuple) and len(item) == 3:
        label, factory, kwargs = item
        if not isinstance(label, str) or not callable(factory) or not isinstance(kwargs, Mapping):
            raise TypeError("The 'optimizers' parameter of optimizer_race takes (label, factory, kwargs) as "
                            "(str, callable, dict), e.g. ('AMSGrad', optimizers.adam, {'amsgrad': True}). "
                            f"Got {item!r} instead.")
        return label, factory, dict(kwargs), None
    raise TypeError("The 'optimizers' parameter of optimizer_race takes names ('adam', 'optax.adam'), Optimizers "
                    "(optimizers.adam(lr=0.1)) or (label, factory, kwargs) triples. "
                    f"Got {item!r} instead.")


class Lane:
    """One racer: how to build its optimizer, its controls (enabled, lr, main hyperparameter) and artists.

    ``run`` is its latest :class:`~lrlessons.Trajectory` (``None`` when it failed: ``error``
    says why, in words the library wrote).
    """

    def __init__(self, name: str, factory, index: int, lr: float | None = None, kwargs: dict | None = None,
                 optimizer: Any = None):
        self.name, self.factory, self.index = name, factory, index
        self.fixed, self.optimizer = dict(kwargs or {}), optimizer
        self.color = viz.color(index)
        self.enabled = W.Checkbox(value=True, description=name, indent=False, layout=W.Layout(width="120px"))
        self.lr_keyword = "lr" if optimizer is not None else _lr_keyword(factory)
        if optimizer is not None:
            bound = optimizer.hyperparameters.get("lr")
            start = bound if not callable(bound) and bound is not None else None
            self.hp_name, default = None, None
        else:
            start = self.fixed.pop(self.lr_keyword, None) if self.lr_keyword else None
            self.hp_name, default = _main_hp(factory, self.fixed)
            self.fixed.pop(self.hp_name, None)
        if lr is None:
            lr = start if start is not None else DEFAULT_LR.get(_base_name(name), 0.01)
        self.lr = hp_control("lr", float(lr)) if (self.lr_keyword and (optimizer is None or start is not None)) else None
        if self.lr is not None:
            self.lr.description = "lr"
            self.lr.style = {"description_width": "30px"}
            self.lr.layout = W.Layout(width="300px")
        self.hp = hp_control(self.hp_name, default) if self.hp_name else None
        if self.hp is not None:
            self.hp.style = {"description_width": "70px"}
            self.hp.layout = W.Layout(width="300px")
        swatch = W.HTML(f'<span style="display:inline-block;width:14px;height:14px;background:{self.color};'
                        'margin-top:6px;border-radius:2px"></span>', layout=W.Layout(width="22px"))
        self.box = W.HBox([swatch, self.enabled] + [c for c in (self.lr, self.hp) if c is not None])
        self.run = None
        self.error = ""

    def controls(self) -> list:
        return [c for c in (self.enabled, self.lr, self.hp) if c is not None]

    def key(self, problem, steps) -> tuple:
        return (self.name, None if self.lr is None else float(self.lr.value), None if self.hp is None else self.hp.value,
                id(problem), steps)

    def kwargs(self) -> dict:
        """The factory's keyword arguments at the lane's settings (its own learning-rate keyword)."""
        kw = dict(self.fixed)
        if self.lr is not None:
            kw[self.lr_keyword] = float(self.lr.value)
        if self.hp is not None:
            kw[self.hp_name] = self.hp.value
        return kw

    def build(self):
        """``(optimizer, lr for run)``: the lane's optimizer at its settings."""
        if self.optimizer is not None:
            return for_points(self.optimizer), (None if self.lr is None else float(self.lr.value))
        return for_points(self.factory(**self.kwargs())), None


class OptimizerRace(App):
    """Race optimizers on one 2-D surface: contour with the paths, and the loss curves.

    Each lane has its own learning rate and main hyperparameter; a slider move recomputes
    only that lane (cached by its settings) and blits the moving lines onto the cached
    contour. A diverged run is drawn up to where it leaves the frame and named in the
    status label, never plotted as NaN.
    """

    figsize = (9.6, 3.9)

    def __init__(self, problem: Any = "rosenbrock", optimizers: Sequence[Any] = _DEFAULT, steps: int = 500,
                 lrs: dict | None = None):
        super().__init__()
        from .._checks import check_integer, check_interval

        check_integer("optimizer_race", "steps", steps, 1, 20_000)
        if isinstance(optimizers, (str, tuple)) and (isinstance(optimizers, str) or len(optimizers) == 3
                                                      and callable(optimizers[1])):
            optimizers = [optimizers]                          # one lane given alone
        try:
            items = list(optimizers)
        except TypeError:
            raise TypeError("The 'optimizers' parameter of optimizer_race must be a list of lanes. "
                            f"Got {optimizers!r} instead.") from None
        if not 1 <= len(items) <= 8:
            raise ValueError(f"The 'optimizers' parameter of optimizer_race must hold 1 to 8 lanes. Got {len(items)} instead.")
        if lrs is not None and not isinstance(lrs, Mapping):
            raise TypeError(f"The 'lrs' parameter of optimizer_race must be a dict (lane label -> lr). Got {lrs!r} instead.")
        factories = optimizer_factories()
        specs, seen = [], {}
        for item in items:
            label, factory, kwargs, opt = _check_lane(item, factories)
            seen[label] = seen.get(label, 0) + 1
            specs.append((label if seen[label] == 1 else f"{label} ({seen[label]})", factory, kwargs, opt))
        lrs = dict(lrs or {})
        for label, value in lrs.items():
            check_interval("optimizer_race", f"lrs[{label!r}]", value, 0, None, "neither")
        self.problem = resolve_problem(problem)
        self.steps_slider = W.IntSlider(value=int(steps), min=min(10, int(steps)), max=max(2000, int(steps)), step=10,
                                        description="steps", continuous_update=False)
        pnames = surface_names()
        pvalue = getattr(self.problem, "name", None)
        if pvalue not in pnames:
            pnames, pvalue = pnames + ["custom"], "custom"
            self._custom_problem = self.problem
        self.problem_menu = W.Dropdown(options=pnames, value=pvalue, description="problem")
        self.lanes = [Lane(label, factory, i, lrs.get(label), kwargs, opt)
                      for i, (label, factory, kwargs, opt) in enumerate(specs)]
        self.status = W.HTML()
        self._cache: dict = {}
        #: lane name -> the exception that stopped it (``lane.error`` holds the words shown)
        self.lane_errors: dict = {}
        for lane in self.lanes:
            for c in lane.controls():
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
        returning a slider to an earlier position costs only the redraw), or ``None`` when
        the lane cannot run there (``lane.error`` says why; the other lanes are untouched)."""
        key = lane.key(self.problem, self.steps)
        traj = self._cache.get(key)
        if traj is None:
            if len(self._cache) > 512:
                self._cache.clear()
            try:
                opt, lr = lane.build()
                traj = training.run(opt, self.problem, self.steps, lr=lr, record_trace=False)
            except Exception as exc:  # noqa: BLE001 - one lane failing must not stop the others
                lane.run, lane.error, self.lane_errors[lane.name] = None, friendly(exc), exc
                return None
            self._cache[key] = traj
        lane.run, lane.error = traj, ""
        self.lane_errors.pop(lane.name, None)
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
        run = self.compute(lane) if on else None
        for a in (lane.path, lane.end, lane.curve):
            a.set_visible(run is not None)
        if run is None:
            return
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
        if run is None:
            return f"{lane.name}: cannot run: {lane.error}"
        if run.diverged_at is not None:
            return f"{lane.name}: diverged at step {run.diverged_at}"
        return f"{lane.name}: f − f* = {fmt_vec(run.loss[-1] - self.fmin)} after {run.steps} steps"

    def _update_status(self) -> None:
        parts = []
        for lane in self.lanes:
            text = html.escape(self.describe(lane))
            bad = "diverged" in text or lane.run is None and lane.enabled.value
            style = "color:#D55E00;font-weight:bold" if bad else "color:#333"
            parts.append(f'<span style="{style}"><span style="color:{lane.color}">■</span> {text}</span>')
        self.status.value = " &nbsp; ".join(parts)

    def static_figure(self):
        """The default race as a normal figure (contour with paths, loss curves)."""
        fig, (ax, axl) = viz.new_figure("pair", 1, 2, width_ratios=[1.1, 1])
        runs = {}
        for lane in self.lanes:
            run = self.compute(lane) if lane.enabled.value else None
            if run is not None:
                shown = f" (lr={lane.lr.value:.3g})" if lane.lr is not None else ""
                runs[f"{lane.name}{shown}"] = run
        viz.plot_contour(self.problem, runs, ax=ax)
        ax.get_legend().remove()                 # as in the live widget: the loss legend names the colours
        viz.plot_loss(runs, problem=self.problem, ax=axl)
        axl.legend(loc="lower left", frameon=False, ncols=2)
        return fig
