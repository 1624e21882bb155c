"""The equation stepper: every line of ``optimizer.equations`` with this step's numbers."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import numpy as np

from .. import training, viz
from .base import (App, DEFAULT_LR, accepted, contour_background, drawable, factory_controls, fmt_vec, for_points,
                   html_table, optimizer_factories, resolve_problem, short_name, surface_names)

__all__ = ["EquationStepper"]


def _factory_for(optimizer: Any, factories: dict) -> tuple[str, Any, dict]:
    """(name, factory, bound keyword values) for a name, a factory or an Optimizer."""
    if isinstance(optimizer, str):
        from .._checks import check_choice

        check_choice("equation_stepper", "optimizer", optimizer, list(factories))
        name = optimizer
        return name, factories[name], starting_kwargs(name, factories[name])
    if callable(optimizer) and not hasattr(optimizer, "equations"):
        name = next((k for k, f in factories.items() if f is optimizer), getattr(optimizer, "__name__", "optimizer"))
        factories.setdefault(name, optimizer)
        return name, optimizer, starting_kwargs(name, optimizer)
    if hasattr(optimizer, "equations") and hasattr(optimizer, "hyperparameters"):
        name = optimizer.name
        from .. import optimizers as core

        factory = getattr(core, name, None)
        if factory is None:                       # e.g. a framework optimizer: shown as built, no sliders
            fixed = optimizer

            def factory():
                return fixed
            factories[name] = factory
            return name, factory, {}
        kw = {k: v for k, v in optimizer.hyperparameters.items() if not callable(v)}
        return name, factory, kw
    raise TypeError(f"The 'optimizer' parameter of equation_stepper must be a name, a factory or an Optimizer. Got {optimizer!r} instead.")


_REQUIRED = {"momentum": 0.9}


def starting_kwargs(name: str, factory) -> dict:
    """Keyword values a factory starts from in the widgets: a lively lr, required arguments."""
    import inspect

    base = name.split(".")[-1].lower().replace("optimizer", "").replace("gradientdescent", "sgd")
    kw = {}
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return kw
    lr_key = "lr" if "lr" in params else ("learning_rate" if "learning_rate" in params else None)
    if lr_key:
        kw[lr_key] = DEFAULT_LR.get(base, 0.01)
    for k, v in _REQUIRED.items():
        if k in params and params[k].default is inspect.Parameter.empty:
            kw[k] = v
    return kw


def _params(factory) -> list[str]:
    import inspect

    try:
        return list(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return []


class EquationStepper(App):
    """Step through an optimizer's update on a 2-D problem, one equation line at a time.

    Controls: optimizer and problem dropdowns, a slider per hyperparameter (each move
    rebuilds the optimizer through its factory and reruns :func:`lrlessons.run`), the step
    slider with Step / Back / Reset buttons and Play (linked in the browser). The HTML shows
    the gradient and learning rate update ``t`` used (the trajectory's ``grad`` and ``lr``)
    and each line of ``optimizer.equations`` with its value after update ``t`` (the
    trajectory's ``trace``), beside the values one update earlier.
    """

    figsize = (9.6, 3.6)

    def __init__(self, optimizer: Any = "adam", problem: Any = "rosenbrock", steps: int = 100, theta0: Any = None):
        super().__init__()
        from .._checks import check_integer

        check_integer("equation_stepper", "steps", steps, 1, 100_000)
        self.factories = optimizer_factories()
        name, factory, kw = _factory_for(optimizer, self.factories)
        self.problem = resolve_problem(problem)
        self.steps = int(steps)
        self.theta0 = theta0
        names = list(self.factories)
        self.optimizer_menu = W.Dropdown(options=names, value=name, description="optimizer")
        pnames = surface_names()
        pvalue = getattr(self.problem, "name", None)
        if pvalue not in pnames:
            pnames = pnames + [pvalue or "custom"]
            pvalue = pnames[-1]
            self._custom_problem = self.problem
        self.problem_menu = W.Dropdown(options=pnames, value=pvalue, description="problem")
        self.step_slider = W.IntSlider(value=0, min=0, max=self.steps, description="step t", continuous_update=True)
        self.play = W.Play(value=0, min=0, max=self.steps, interval=250, description="Play")
        W.jslink((self.play, "value"), (self.step_slider, "value"))
        self.step_button = W.Button(description="Step", icon="step-forward", layout=W.Layout(width="90px"))
        self.back_button = W.Button(description="Back", icon="step-backward", layout=W.Layout(width="90px"))
        self.reset_button = W.Button(description="Reset", icon="undo", layout=W.Layout(width="90px"))
        self.hp_box = W.VBox()
        self.equations_html = W.HTMLMath(value="")
        self.status = W.HTML(value="")
        self.controls: dict[str, Any] = {}

        self.step_button.on_click(self.guarded(lambda _: self.step()))
        self.back_button.on_click(self.guarded(lambda _: self.back()))
        self.reset_button.on_click(self.guarded(lambda _: self.reset()))
        self.observe(self.step_slider, self.show_step)
        self.observe(self.optimizer_menu, self._optimizer_changed)
        self.observe(self.problem_menu, self._problem_changed)

        self.factory = factory
        self._make_controls(kw)
        self.container = W.VBox([
            W.HBox([self.optimizer_menu, self.problem_menu]),
            self.hp_box,
            W.HBox([self.back_button, self.step_button, self.reset_button, self.play, self.step_slider]),
            self.message,
            W.HBox([self.equations_html], layout=W.Layout(min_height="170px")),
            self.status,
            self.image,
        ])
        self.guarded(self.rebuild)()

    # -- controls -------------------------------------------------------------------------
    def _make_controls(self, overrides: dict) -> None:
        self.fixed = {k: v for k, v in overrides.items()}
        self.controls = factory_controls(self.factory, overrides)
        for c in self.controls.values():
            self.observe(c, self.rebuild)
        self.hp_box.children = list(self.controls.values())

    def _optimizer_changed(self) -> None:
        name = self.optimizer_menu.value
        self.factory = self.factories[name]
        self._make_controls(starting_kwargs(name, self.factory))
        self.rebuild()

    def _problem_changed(self) -> None:
        v = self.problem_menu.value
        self.problem = getattr(self, "_custom_problem", None) if v not in surface_names() else resolve_problem(v)
        self.rebuild()

    def kwargs(self) -> dict:
        kw = dict(self.fixed)
        kw.update({k: c.value for k, c in self.controls.items()})
        return kw

    # -- model ----------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Rebuild the optimizer from its factory with the sliders' values and rerun."""
        self.optimizer = for_points(self.factory(**self.kwargs()))
        self.run = training.run(self.optimizer, self.problem, self.steps, theta0=self.theta0)
        self.theta, self.loss = accepted(self.run)          # the updates to show (before divergence)
        self._draw_static()
        self.show_step()

    @property
    def t(self) -> int:
        return int(self.step_slider.value)

    def step(self) -> None:
        self.step_slider.value = min(self.t + 1, self.step_slider.max)

    def back(self) -> None:
        self.step_slider.value = max(self.t - 1, 0)

    def reset(self) -> None:
        self.play.playing = False
        self.step_slider.value = 0

    # -- view -----------------------------------------------------------------------------
    def _build_figure(self) -> None:
        """Axes, contour and artists for the current problem (done again only when it changes)."""
        self.clear_figure()
        self.ax, self.ax_loss = self.fig.subplots(1, 2, width_ratios=[1.15, 1])
        contour_background(self.ax, self.problem, levels=16)
        viz.style_axes(self.ax_loss)
        c = viz.color(0)
        (self.whole,) = self.ax.plot([], [], color=c, alpha=0.3, linewidth=1)
        (self.trail,) = self.ax.plot([], [], color=c, linewidth=1.8)
        (self.point,) = self.ax.plot([], [], marker="o", color=c, markeredgecolor="black", markersize=8)
        self.animated(self.trail)
        self.animated(self.point)
        (self.loss_curve,) = self.ax_loss.plot([], [], color=c, linewidth=1.5)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlim(0, self.steps)
        self.ax_loss.set_xlabel(r"step $t$")
        self.ax_loss.set_ylabel(r"$f(\theta_t) - f^*$")
        (self.loss_point,) = self.ax_loss.plot([], [], marker="o", color=c, markeredgecolor="black", markersize=7)
        self.animated(self.loss_point)
        self._figure_problem = self.problem

    def _draw_static(self) -> None:
        """The static layer for the current run: the whole path (faint) and the loss curve."""
        if getattr(self, "_figure_problem", None) is not self.problem:
            self._build_figure()
        run = self.run
        pts, _ = drawable(self.theta, self.problem.bounds, run.diverged_at)
        self.whole.set_data(pts[:, 0], pts[:, 1])
        fmin = getattr(self.problem, "minimum_loss", None) or 0.0
        y = np.maximum(self.loss - fmin, 1e-16)
        self.loss_curve.set_data(np.arange(len(y)), y)
        lo, hi = float(np.min(y)), float(np.max(y))
        self.ax_loss.set_ylim(lo / 2, hi * 2 if hi > lo else lo * 10)
        self._loss_y = y
        self.ax.set_title(short_name(self.optimizer), fontsize=10)
        self.cache_background()

    def values(self, t: int | None = None) -> dict[str, np.ndarray]:
        """Field -> value of update ``t`` (1-based; the run's trace at index ``t - 1``)."""
        t = self.t if t is None else t
        if t < 1 or t > len(self.theta) - 1:
            return {}
        return {f: getattr(self.run.trace, f)[t - 1] for f, _ in self.optimizer.equations}

    def equations_markup(self) -> str:
        t = self.t
        run, theta = self.run, self.theta
        n_done = len(theta) - 1
        cur, prev = self.values(t), self.values(t - 1)
        rows = []
        td = 'style="padding:2px 10px;border-bottom:1px solid #eee"'
        tp = 'style="padding:2px 10px;border-bottom:1px solid #eee;color:#777"'
        hdr = (f'<tr><th {td}>update</th><th {td}>now (t = {t})</th><th {tp}>'
               f"previous (t = {t - 1})</th></tr>")
        k = min(t, n_done)
        rows.append(f"<tr><td {td}>$\\theta_{{t}}$</td><td {td}><code>{fmt_vec(theta[k])}</code></td>"
                    f'<td {tp}><code>{fmt_vec(theta[k - 1]) if k >= 1 else "—"}</code></td></tr>')
        if 1 <= t <= n_done:
            rows.append(f"<tr><td {td}>$g_t = \\nabla f(\\theta_{{t-1}})$</td><td {td}><code>{fmt_vec(run.grad[t - 1])}</code></td>"
                        f'<td {tp}><code>{fmt_vec(run.grad[t - 2]) if t >= 2 else "—"}</code></td></tr>')
            rows.append(f"<tr><td {td}>$\\alpha_t$</td><td {td}><code>{fmt_vec(run.lr[t - 1])}</code></td>"
                        f'<td {tp}><code>{fmt_vec(run.lr[t - 2]) if t >= 2 else "—"}</code></td></tr>')
        for field, latex in self.optimizer.equations:
            now = f"<code>{fmt_vec(cur[field])}</code>" if field in cur else "—"
            before = f"<code>{fmt_vec(prev[field])}</code>" if field in prev else "—"
            rows.append(f'<tr data-field="{html.escape(field)}"><td {td}>${latex}$</td><td {td}>{now}</td>'
                        f'<td {tp}>{before}</td></tr>')
        return html_table(rows, hdr)

    def show_step(self) -> None:
        """Update the equation lines and move the point (blit only)."""
        t = self.t
        run, theta = self.run, self.theta
        k = min(t, len(theta) - 1)
        trail, _ = drawable(theta[: k + 1], self.problem.bounds, run.diverged_at)
        self.trail.set_data(trail[:, 0], trail[:, 1])
        self.point.set_data(theta[k : k + 1, 0], theta[k : k + 1, 1])
        self.loss_point.set_data([k], [self._loss_y[k]])
        self.equations_html.value = self.equations_markup()
        if run.diverged_at is not None and t >= run.diverged_at:
            self.status.value = (f'<b style="color:#D55E00">Diverged at update {run.diverged_at}</b>: '
                                 "the next point is not finite or left every sensible range; lower the learning rate.")
        elif run.diverged_at is not None:
            self.status.value = f'<span style="color:#D55E00">This run diverges at update {run.diverged_at}.</span>'
        else:
            self.status.value = f"f(θ_t) = {fmt_vec(self.loss[k])}"
        self.blit()

    def static_figure(self):
        """The default state as a normal figure: the contour with the whole path and the loss."""
        fig, (ax, axl) = viz.new_figure("pair", 1, 2, width_ratios=[1.15, 1])
        label = short_name(self.optimizer)
        viz.plot_contour(self.problem, {label: self.run}, ax=ax)
        viz.plot_loss({label: self.run}, problem=self.problem, ax=axl)
        return fig
