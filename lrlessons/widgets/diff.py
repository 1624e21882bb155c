"""Framework diff: one named optimizer in PyTorch, TF1, Keras and optax conventions."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import numpy as np

from .. import frameworks, training, viz
from .base import (App, DEFAULT_LR, accepted, contour_and_loss_axes, drawable, fmt_vec, for_points, friendly, hp_control,
                   resolve_problem, surface_names)

__all__ = ["FrameworkDiff", "FRAMEWORK_OPTIMIZERS", "build"]

#: name -> framework label -> (framework, optimizer, extra keyword arguments); built by
#: ``frameworks.build_optimizer("framework.optimizer", lr, **extra)``
FRAMEWORK_OPTIMIZERS = {
    "sgd": {"PyTorch": ("pytorch", "SGD", {}), "TF1": ("tf1", "GradientDescentOptimizer", {}),
            "Keras": ("keras", "SGD", {}), "optax": ("optax", "sgd", {})},
    "momentum": {"PyTorch": ("pytorch", "SGD", {"momentum": 0.9}), "TF1": ("tf1", "MomentumOptimizer", {"momentum": 0.9}),
                 "Keras": ("keras", "SGD", {"momentum": 0.9}), "optax": ("optax", "sgd", {"momentum": 0.9})},
    "adagrad": {"PyTorch": ("pytorch", "Adagrad", {}), "TF1": ("tf1", "AdagradOptimizer", {}),
                "Keras": ("keras", "Adagrad", {}), "optax": ("optax", "adagrad", {})},
    "rmsprop": {"PyTorch": ("pytorch", "RMSprop", {}), "TF1": ("tf1", "RMSPropOptimizer", {}),
                "Keras": ("keras", "RMSprop", {}), "optax": ("optax", "rmsprop", {})},
    "adam": {"PyTorch": ("pytorch", "Adam", {}), "TF1": ("tf1", "AdamOptimizer", {}),
             "Keras": ("keras", "Adam", {}), "optax": ("optax", "adam", {})},
    "adadelta": {"PyTorch": ("pytorch", "Adadelta", {}), "TF1": ("tf1", "AdadeltaOptimizer", {}),
                 "Keras": ("keras", "Adadelta", {}), "optax": ("optax", "adadelta", {})},
    # TF1 has no Muon; on a point each framework's Muon runs its matrix update on a 1x2 row (for_points)
    "muon": {"PyTorch": ("pytorch", "Muon", {}), "Keras": ("keras", "Muon", {}),
             "optax": ("optax", "contrib.muon", {})},
    # The optimizers of 2023-2026 exist in two or three of the frameworks (TF1 has none; optax alone
    # ships LARS and schedule-free SGD, so they have no diff). Same name, different defaults:
    "lion": {"Keras": ("keras", "Lion", {}), "optax": ("optax", "lion", {})},          # decay None vs 1e-3
    "lamb": {"Keras": ("keras", "Lamb", {"weight_decay": 0.01}),                       # ε 1e-7, decay outside
             "optax": ("optax", "lamb", {"weight_decay": 0.01})},                      # ε 1e-6, decay inside
    "adafactor": {"PyTorch": ("pytorch", "Adafactor", {}), "Keras": ("keras", "Adafactor", {}),
                  "optax": ("optax", "adafactor", {})},
    "schedule_free_adamw": {"Keras": ("keras", "ScheduleFreeAdamW", {"warmup_steps": 20}),   # 1/t average
                            "optax": ("optax", "contrib.schedule_free_adamw", {"warmup_steps": 20})},
}
_LINESTYLES = ("-", "--", ":", "-.")


def build(name: str, lr: float) -> dict[str, Any]:
    """Framework label -> Optimizer (or the exception that prevented building it)."""
    out = {}
    for label, (framework, optimizer, extra) in FRAMEWORK_OPTIMIZERS[name].items():
        try:
            out[label] = for_points(frameworks.build_optimizer(f"{framework}.{optimizer}", lr, **extra))
        except Exception as exc:  # noqa: BLE001 - shown in the widget
            out[label] = exc
    return out


class FrameworkDiff(App):
    """The same optimizer as four frameworks define it, run on the same problem.

    Shows each framework's equations (lines that are not identical in all four are
    highlighted), its hyperparameters (values that differ highlighted), and the four paths
    and loss curves on one figure: a difference in the paths is a difference in the math or
    the defaults.
    """

    figsize = (9.6, 3.9)

    def __init__(self, name: str = "adam", problem: Any = "rosenbrock", lr: float | None = None, steps: int = 200):
        super().__init__()
        from .._checks import check_choice, check_integer

        check_choice("framework_diff", "name", name, list(FRAMEWORK_OPTIMIZERS))
        check_integer("framework_diff", "steps", steps, 1, 20_000)
        self.problem = resolve_problem(problem)
        self.steps = int(steps)
        self.menu = W.Dropdown(options=list(FRAMEWORK_OPTIMIZERS), value=name, description="optimizer")
        pnames = surface_names()
        pvalue = getattr(self.problem, "name", None)
        if pvalue not in pnames:
            pnames, pvalue = pnames + ["custom"], "custom"
            self._custom_problem = self.problem
        self.problem_menu = W.Dropdown(options=pnames, value=pvalue, description="problem")
        self.lr = hp_control("lr", DEFAULT_LR.get(name, 0.01) if lr is None else lr)
        self.table = W.HTMLMath()
        self.status = W.HTML()
        self.observe(self.menu, self._name_changed)
        self.observe(self.problem_menu, self._problem_changed)
        self.observe(self.lr, self.update)
        self.container = W.VBox([W.HBox([self.menu, self.problem_menu]), self.lr, self.message, self.status,
                                 self.image, self.table])
        self.guarded(self.reset_view)()

    def _name_changed(self) -> None:
        renders = self.renders
        self.lr.value = DEFAULT_LR.get(self.menu.value, 0.01)   # a new value: its observer runs update
        if self.renders == renders:                              # (the same value, or that update failed)
            self.update()

    def _problem_changed(self) -> None:
        v = self.problem_menu.value
        self.problem = self._custom_problem if v == "custom" else resolve_problem(v)
        self.reset_view()

    # -- model ----------------------------------------------------------------------------
    def compute(self) -> None:
        self.optimizers = build(self.menu.value, float(self.lr.value))
        self.runs = {}
        for label, opt in self.optimizers.items():
            if isinstance(opt, Exception):
                continue
            try:
                self.runs[label] = training.run(opt, self.problem, self.steps, record_trace=False)
            except Exception as exc:  # noqa: BLE001 - one framework failing must not hide the others
                self.optimizers[label] = exc

    def differing_lines(self) -> dict[str, set]:
        """Framework -> the equation lines (LaTeX) not shared by every framework that built."""
        eqs = {k: [latex for _, latex in o.equations] for k, o in self.optimizers.items() if not isinstance(o, Exception)}
        common = set.intersection(*(set(v) for v in eqs.values())) if eqs else set()
        return {k: {l for l in v if l not in common} for k, v in eqs.items()}

    def markup(self) -> str:
        diff = self.differing_lines()
        cols = []
        hps = {k: dict(o.hyperparameters) for k, o in self.optimizers.items() if not isinstance(o, Exception)}
        keys = sorted(set().union(*(set(h) for h in hps.values()))) if hps else []
        for label, opt in self.optimizers.items():
            if isinstance(opt, Exception):
                cols.append(f'<td style="vertical-align:top;padding:4px 8px"><b>{label}</b><br>'
                            f'<span style="color:#a00">{html.escape(friendly(opt))}</span></td>')
                continue
            lines = []
            for field, latex in opt.equations:
                mark = "background:#fff2cc;border-left:3px solid #E69F00;" if latex in diff[label] else ""
                lines.append(f'<div data-diff="{int(bool(mark))}" style="{mark}padding:1px 4px">${latex}$</div>')
            hp_rows = []
            for k in keys:
                v = hps[label].get(k, "—")
                vals = {repr(h.get(k, "—")) for h in hps.values()}
                mark = "background:#fff2cc;" if len(vals) > 1 else ""
                shown = html.escape(repr(v) if not callable(v) else "schedule")
                hp_rows.append(f'<div style="{mark}font-size:12px"><code>{k}={shown}</code></div>')
            cols.append(f'<td style="vertical-align:top;padding:4px 8px;border-left:1px solid #ddd"><b>{label}</b>'
                        f'<div style="color:#555;font-size:12px"><code>{html.escape(repr(opt))}</code></div>'
                        + "".join(lines) + '<div style="margin-top:4px">' + "".join(hp_rows) + "</div></td>")
        legend = ('<div style="font-size:12px;color:#555">Highlighted: equation lines or hyperparameters that are not '
                  "the same in all four frameworks.</div>")
        return legend + '<table style="border-collapse:collapse"><tr>' + "".join(cols) + "</tr></table>"

    # -- view -----------------------------------------------------------------------------
    def reset_view(self) -> None:
        contour_and_loss_axes(self, self.steps)
        self.artists = {}
        for i, label in enumerate(FRAMEWORK_OPTIMIZERS["adam"]):
            c, ls = viz.color(i), _LINESTYLES[i]
            (path,) = self.ax.plot([], [], color=c, linestyle=ls, linewidth=2.0 - 0.3 * i, label=label)
            (curve,) = self.ax_loss.plot([], [], color=c, linestyle=ls, linewidth=2.0 - 0.3 * i, label=label)
            self.artists[label] = (self.animated(path), self.animated(curve))
        self.ax_loss.legend(handles=[a[1] for a in self.artists.values()], loc="lower left", frameon=False)
        self.cache_background()
        self.update()

    def update(self) -> None:
        self.compute()
        notes = []
        for label, (path, curve) in self.artists.items():
            run = self.runs.get(label)
            path.set_visible(run is not None)
            curve.set_visible(run is not None)
            if run is None:
                notes.append(f"{label}: not available")
                continue
            theta, loss = accepted(run)
            pts, left = drawable(theta, self.problem.bounds, run.diverged_at)
            path.set_data(pts[:, 0], pts[:, 1])
            curve.set_data(np.arange(len(loss)), np.maximum(loss - self.fmin, 1e-12))
            if run.diverged_at is not None:
                notes.append(f'<b style="color:#D55E00">{label}: diverged at step {run.diverged_at}</b>')
            else:
                notes.append(f"{label}: θ = <code>{fmt_vec(run.theta[-1])}</code>")
        ref = self.runs.get("PyTorch")
        if ref is not None:
            for label, run in self.runs.items():
                if label != "PyTorch" and run.diverged_at == ref.diverged_at:
                    notes.append(f"max |θ − θ<sub>PyTorch</sub>| ({label}) = <code>{fmt_vec(np.max(np.abs(run.theta - ref.theta)))}</code>")
        self.status.value = " &nbsp; ".join(notes)
        self.table.value = self.markup()
        self.blit()

    def static_figure(self):
        """The default comparison as a normal figure (one contour panel per framework + losses)."""
        return viz.plot_frameworks(self.runs, self.problem, title=f"{self.menu.value}, lr = {self.lr.value:.3g}")
