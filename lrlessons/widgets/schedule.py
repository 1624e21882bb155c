"""The schedule explorer: any core or framework schedule, or a ``create_learning_rate`` config."""

from __future__ import annotations

import ast
import inspect
import json
from typing import Any, Callable

import ipywidgets as W
import numpy as np

from .. import viz
from .base import App, fmt_vec

__all__ = ["ScheduleExplorer", "schedule_entries", "CONFIG_ENTRY", "DEFAULT_CONFIG"]

CONFIG_ENTRY = "create_learning_rate(config)  [type a config below]"
DEFAULT_CONFIG = ('{"cosine_decay_learning_rate": {"learning_rate_base": 0.04, "total_steps": 25000,\n'
                  '                                "warmup_learning_rate": 0.0133, "warmup_steps": 2000}}')

# Values for arguments that have no default (or a default too small to see on a 5000-step plot).
_ARG_DEFAULTS = {
    "learning_rate": 0.1, "lr": 0.1, "initial_learning_rate": 0.1, "init_value": 0.1, "value": 0.1,
    "base_lr": 0.001, "peak_lr": 0.1, "max_learning_rate": 0.1, "max_lr": 0.1, "peak_value": 0.1,
    "end_learning_rate": 1e-4, "end_value": 1e-4,
    "decay_steps": 1000, "first_decay_steps": 1000, "transition_steps": 1000, "warmup_steps": 500,
    "step_size": 1000, "T_max": 5000, "T_0": 1000, "total_iters": 1000, "total_steps": 5000,
    "decay_rate": 0.96, "gamma": 0.999, "power": 1.0,
    "boundaries": [1000, 3000], "values": [0.1, 0.01, 0.001], "milestones": [1000, 3000],
    "boundaries_and_scales": {1000: 0.1, 3000: 0.1},
}
_OVERRIDE_DEFAULT = {"total_iters", "total_steps"}          # PyTorch's 5 steps, OneCycleLR's None
_SKIP = {"as_schedule", "clip", "join", "warmup", "piecewise_interpolate", "Schedule", "SequentialLR", "LambdaLR", "join_schedules", "sgdr_schedule",
         "piecewise_interpolate_schedule", "ReduceLROnPlateau", "PlateauState",
         "ChainedScheduler", "MultiplicativeLR"}
_FIXED_ARGS = {"name", "global_step", "x", "mode", "anneal_strategy", "interpolation", "closed", "past_end",
               "interpolate_type", "epochs", "steps_per_epoch", "warmup_offset"}


def _article_warmup(learning_rate: float = 0.01, warmup_steps: int = 1000):
    """The article's ``tf.cond(step < 1000, lambda: step / 1000 * 0.01, lambda: 0.01)``."""
    from .. import schedules

    return schedules.warmup(schedules.constant(learning_rate), warmup_steps)


def _article_staircase(learning_rate: float = 0.1, decay_steps: int = 1000, decay_rate: float = 0.96,
                       staircase: bool = True):
    """The article's ``tf.train.exponential_decay(0.1, global_step, 1000, 0.96, staircase=True)``."""
    from .. import schedules

    return schedules.exponential_decay(learning_rate, decay_steps, decay_rate, staircase)


class _Evaluated:
    """A TF1-style function ``f(..., global_step, ...)`` bound to its other arguments: a schedule."""

    def __init__(self, fn: Callable, kwargs: dict, step_arg: str = "global_step", name: str | None = None):
        self.fn, self.kwargs, self.step_arg = fn, kwargs, step_arg
        self.name = name or getattr(fn, "__name__", "schedule")

    def __call__(self, step):
        return np.asarray(self.fn(**{self.step_arg: step}, **self.kwargs), dtype=float)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{self.name}({args}, {self.step_arg}=t)"


def schedule_entries() -> dict[str, Callable]:
    """Label -> factory: the article's two schedules, every core schedule, every framework one."""
    from .. import schedules

    out: dict[str, Callable] = {
        "article: exponential_decay(0.1, step, 1000, 0.96, staircase=True)": _article_staircase,
        "article: linear warmup to 0.01 over 1000 steps (tf.cond)": _article_warmup,
    }
    for n in schedules.__all__:
        f = getattr(schedules, n, None)
        if n in _SKIP or not callable(f) or isinstance(f, type) or n[0].isupper():
            continue
        out[f"core: {n}"] = f
    from .. import frameworks

    for qualified, f in frameworks.registry("schedules").items():
        fw, n = qualified.split(".", 1)
        if n not in _SKIP and callable(f):
            out[f"{fw}: {n}"] = f
    return out


def _arg_control(name: str, default: Any):
    """A control for one schedule argument (or None: kept fixed at its default)."""
    style = {"description_width": "150px"}
    layout = W.Layout(width="420px")
    if name in _FIXED_ARGS or default is None or isinstance(default, str):
        return None
    if isinstance(default, (bool, np.bool_)):
        return W.Checkbox(value=bool(default), description=name, style=style, indent=False)
    if isinstance(default, (list, tuple, dict)):
        return W.Text(value=repr(default), description=name, style=style, layout=layout, continuous_update=False)
    if isinstance(default, (int, np.integer)) and not isinstance(default, bool) and (
            "step" in name.lower() or "iter" in name.lower() or name.startswith("T_") or name in ("total_steps",)):
        lo = 0 if int(default) == 0 else 1
        return W.IntSlider(value=int(default), min=lo, max=20_000, step=50 if default >= 100 else 1, description=name,
                           style=style, layout=layout, continuous_update=False)
    if isinstance(default, (int, float, np.floating)):
        d = float(default)
        lr_like = any(k in name.lower() for k in ("lr", "learning_rate", "value", "eta"))
        if lr_like and d > 0:
            return W.FloatLogSlider(value=d, base=10, min=-6, max=1, step=0.05, description=name, style=style,
                                    layout=layout, readout_format=".2e", continuous_update=False)
        if lr_like:
            return W.FloatSlider(value=d, min=0.0, max=0.1, step=1e-4, description=name, style=style, layout=layout,
                                 readout_format=".4g", continuous_update=False)
        hi = 1.0 if 0 <= d <= 1 else max(10.0, 4 * d)
        return W.FloatSlider(value=d, min=0.0 if d == 0 else hi / 1000, max=hi, step=hi / 1000, description=name, style=style, layout=layout,
                             readout_format=".4g", continuous_update=False)
    return None


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x)


def _literal(name: str, text: str, default: Any) -> Any:
    """A text box's value: a literal of the kind its default is (a flat list of finite numbers, or
    a dict number -> number), or a ``ValueError`` naming the control."""
    kind = "a dict of numbers such as {1000: 0.1}" if isinstance(default, dict) else "a list of numbers such as [1000, 3000]"
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = None
    ok = (isinstance(value, dict) and all(_is_number(a) and _is_number(b) for a, b in value.items())
          if isinstance(default, dict) else
          isinstance(value, (list, tuple)) and all(_is_number(x) for x in value))
    if not ok:
        raise ValueError(f"The {name!r} control must be {kind}. Got {text!r} instead.")
    return value


def _arguments(factory: Callable) -> list[tuple[str, Any]]:
    """(name, starting value) of every argument we show or fill, in signature order."""
    out = []
    for p in inspect.signature(factory).parameters.values():
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) or p.name in ("name",):
            continue
        if p.name == "global_step" or p.name == "x":
            continue
        has = p.default is not inspect.Parameter.empty
        if (not has or p.name in _OVERRIDE_DEFAULT) and p.name in _ARG_DEFAULTS:
            out.append((p.name, _ARG_DEFAULTS[p.name]))
        elif has:
            out.append((p.name, p.default))
        else:
            out.append((p.name, inspect.Parameter.empty))
    return out


class ScheduleExplorer(App):
    """Pick a schedule, move its arguments, read its value at a chosen step.

    Entries: the article's staircase exponential decay and warmup, every core schedule,
    every framework schedule (PyTorch, TF1, Keras, optax, with their own argument names) and
    a ``create_learning_rate`` config typed as JSON in a text box.
    """

    figsize = (9.6, 3.4)

    def __init__(self, schedule: str | None = None, steps: int = 5000):
        super().__init__()
        from .._checks import check_choice, check_integer

        check_integer("schedule_explorer", "steps", steps, 1, 1_000_000)
        self.entries = schedule_entries()
        labels = list(self.entries) + [CONFIG_ENTRY]
        schedule = labels[0] if schedule is None else schedule
        if schedule not in labels:
            near = [l for l in labels if l.endswith(": " + str(schedule))]
            if not near:
                check_choice("schedule_explorer", "schedule", schedule, labels)
            schedule = near[0]
        self.menu = W.Dropdown(options=labels, value=schedule, description="schedule", layout=W.Layout(width="620px"))
        self.steps_slider = W.IntSlider(value=int(steps), min=10, max=max(50_000, int(steps)), step=10,
                                        description="steps shown", continuous_update=False)
        self.query = W.IntSlider(value=0, min=0, max=int(steps) - 1, description="value at t", continuous_update=True)
        self.log = W.Checkbox(value=False, description="log scale", indent=False)
        self.config = W.Textarea(value=DEFAULT_CONFIG, layout=W.Layout(width="620px", height="70px"))
        self.apply_button = W.Button(description="Apply config")
        self.config_box = W.VBox([self.config, self.apply_button])
        self.args_box = W.VBox()
        self.readout = W.HTMLMath()
        self.repr_html = W.HTML()
        self.controls: dict[str, Any] = {}
        self.schedule = None
        self.observe(self.menu, self._entry_changed)
        self.observe(self.steps_slider, self._steps_changed)
        self.observe(self.query, self.show_value)
        self.observe(self.log, self.replot)
        self.apply_button.on_click(self.guarded(lambda _: self.rebuild()))
        self.container = W.VBox([self.menu, self.args_box, self.config_box,
                                 W.HBox([self.steps_slider, self.log]), self.query, self.message,
                                 self.readout, self.repr_html, self.image])
        self.guarded(self._entry_changed)()

    # -- controls -------------------------------------------------------------------------
    def _entry_changed(self) -> None:
        label = self.menu.value
        self.controls = {}
        self.fixed: dict[str, Any] = {}
        self.defaults: dict[str, Any] = {}
        if label == CONFIG_ENTRY:
            self.config_box.layout.display = None
            self.args_box.children = []
        else:
            self.config_box.layout.display = "none"
            for name, value in _arguments(self.entries[label]):
                self.defaults[name] = value
                c = None if value is inspect.Parameter.empty else _arg_control(name, value)
                if c is None:
                    if value is not inspect.Parameter.empty:
                        self.fixed[name] = value
                    continue
                self.controls[name] = c
                self.observe(c, self.rebuild)
            self.args_box.children = list(self.controls.values())
        self.rebuild()

    def _steps_changed(self) -> None:
        n = int(self.steps_slider.value)
        self.query.max = n - 1
        self.replot()

    def kwargs(self) -> dict:
        kw = dict(self.fixed)
        for k, c in self.controls.items():
            v = c.value
            if isinstance(c, W.Text):
                v = _literal(k, v, self.defaults.get(k))
            kw[k] = v
        return kw

    def build(self):
        """The schedule for the current entry and argument values."""
        label = self.menu.value
        if label == CONFIG_ENTRY:
            from .. import create_learning_rate

            text = self.config.value.strip()
            cfg = text                       # JSON or a pasted pipeline.config block: the builder parses both
            if text.startswith("{"):
                try:
                    cfg = json.loads(text)
                except json.JSONDecodeError:
                    try:
                        cfg = ast.literal_eval(text)     # a Python dict literal, e.g. {'constant_learning_rate': {...}}
                    except (ValueError, SyntaxError):
                        cfg = text
            return create_learning_rate(cfg)
        factory = self.entries[label]
        kw = self.kwargs()
        params = inspect.signature(factory).parameters
        name = label.replace(": ", ".", 1)                          # e.g. "tf1.exponential_decay"
        if "global_step" in params:
            return _Evaluated(factory, kw, name=name)
        if "x" in params and "boundaries" in params:                 # tf1.piecewise_constant(x, ...)
            return _Evaluated(factory, kw, step_arg="x", name=name)
        return factory(**kw)

    def rebuild(self) -> None:
        self.schedule = self.build()
        self.replot()

    # -- view -----------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        return np.asarray(self.schedule(np.arange(int(self.steps_slider.value))), dtype=float)

    def _ensure_axes(self) -> None:
        """One persistent axis; its layout is computed once, later changes only move data."""
        if getattr(self, "ax", None) is not None:
            return
        from matplotlib.ticker import FuncFormatter

        self.clear_figure()
        self.ax = self.fig.subplots()
        viz.style_axes(self.ax)
        c = viz.color(0)
        (self.curve,) = self.ax.plot([], [], color=c, linewidth=1.8, label="schedule")
        (self.marks,) = self.ax.plot([], [], linestyle="none", marker="o", markersize=4, color=c,
                                     markeredgecolor="white", zorder=5)
        (self.marker,) = self.ax.plot([], [], marker="o", markersize=8, color=viz.color(3), markeredgecolor="black")
        self.animated(self.marker)
        self.ax.set_xlabel(r"step $t$")
        self.ax.set_ylabel(r"learning rate $\eta(t)$")
        self._linear_formatter = FuncFormatter(lambda x, _: f"{x:.3g}")
        self.ax.yaxis.set_major_formatter(self._linear_formatter)
        self.legend = self.ax.legend(loc="upper right", frameon=False)

    def replot(self) -> None:
        if self.schedule is None:
            return
        steps = int(self.steps_slider.value)
        with np.errstate(all="ignore"):
            v = self.values()
        if v.ndim > 1:                                      # a batched schedule: its first run
            v = v.reshape(-1, v.shape[-1])[0]
        if not np.all(np.isfinite(v)):
            raise ValueError("This schedule gives non-finite learning rates for these arguments.")
        log = bool(self.log.value)
        if log and np.any(v <= 0):
            self.log.value = False
            raise ValueError("Log scale needs positive learning rates; this schedule reaches 0 (log scale switched off).")
        self._ensure_axes()
        t = np.arange(steps)
        self.curve.set_data(t, v)
        marks = viz.schedule_boundaries(self.schedule, v)
        marks = marks[(marks >= 0) & (marks < steps)].astype(int)
        self.marks.set_data(marks, v[marks])
        self.legend.get_texts()[0].set_text(self.menu.value.split(": ", 1)[-1].split("  [")[0][:60])
        self.ax.set_xlim(0, max(steps - 1, 1))
        lo, hi = float(v.min()), float(v.max())
        if log:
            self.ax.set_yscale("log")
            self.ax.set_ylim(lo / 1.5, hi * 1.5 if hi > lo else lo * 3)
        else:
            self.ax.set_yscale("linear")
            self.ax.yaxis.set_major_formatter(self._linear_formatter)
            span = hi - min(lo, 0.0)
            self.ax.set_ylim(min(lo, 0.0) - 0.03 * span, hi + 0.08 * span if span > 0 else hi + 1e-3)
        self.repr_html.value = f"<code>{_esc(repr(self.schedule))}</code>"
        self._curve = v
        self.cache_background()
        self.show_value()

    def value_at(self, t: int) -> float:
        return float(np.asarray(self.schedule(int(t))).reshape(-1)[0])

    def show_value(self) -> None:
        t = int(self.query.value)
        val = self.value_at(t)
        self.marker.set_data([t], [val])
        self.readout.value = f"$\\eta({t}) = $ <b><code>{fmt_vec(val)}</code></b> &nbsp; (the rate used by update {t + 1})"
        self.blit()

    def static_figure(self):
        """The default schedule as a normal figure."""
        fig, ax = viz.new_figure("single")
        viz.plot_schedules({self.menu.value.split(": ", 1)[-1]: self.schedule}, steps=int(self.steps_slider.value), ax=ax,
                           log=bool(self.log.value))
        return fig


def _esc(s: str) -> str:
    import html

    return html.escape(s)
