r"""Interactive widgets for the lessons (ipywidgets + matplotlib; imported on demand).

Every public function returns an ipywidgets container that displays itself in a notebook
and works with no arguments. The logic lives in a plain class (``container.app``) that
tests and scripts drive without a browser: set a control's ``value``, then read
``app.image.value`` (the frame), the HTML widgets, or ``app.last_error``.

=========================  ==================================  ==============================
function                   class (``.app``)                    what it shows
=========================  ==================================  ==============================
``equation_stepper``       :class:`EquationStepper`            each ``optimizer.equations``
                                                               line with this step's numbers
``schedule_explorer``      :class:`ScheduleExplorer`           any schedule, or a
                                                               ``create_learning_rate`` config
``optimizer_race``         :class:`OptimizerRace`              optimizers racing on a surface
``sweep_explorer``         :class:`SweepExplorer`              a 2-D grid heatmap + a cell's
                                                               path, with theory overlays
``framework_diff``         :class:`FrameworkDiff`              one optimizer in 4 frameworks
``lr_range_test``          :class:`RangeTest`                  loss vs lr, suggested range
``batch_size_explorer``    :class:`BatchSizeExplorer`          steps to target over batch
                                                               size × lr, the optimal-lr ridge
``edge_of_stability``      :class:`EdgeOfStability`            GD's loss and sharpness vs
                                                               2/η, with or without warmup
``update_ratios``          :class:`UpdateRatios`               per-layer update sizes of an
                                                               MLP, SP vs μP, any width
``newton_schulz_stepper``  :class:`NewtonSchulzStepper`        Muon's iteration: singular
                                                               values after k steps
``wsd_explorer``           :class:`WSDExplorer`                a WSD cooldown vs cosine, exact
                                                               expected loss (noisy quadratic)
=========================  ==================================  ==============================

One run loop: every widget that runs an optimizer calls :func:`lrlessons.run` and draws the
:class:`~lrlessons.Trajectory` it returns, so the same settings give the same numbers (and the
same ``diverged_at``) in a widget and in a lesson.

Speed: a persistent figure with fixed axis limits, a cached background and only the
moving artists redrawn (matplotlib's blitting), encoded by Pillow straight from the canvas
buffer into an ``ipywidgets.Image``; ``benchmarks/bench_widgets.py`` measures it against a
full re-plot. Errors raised in a callback appear in the widget's message area.

Static views (GitHub, nbviewer): ``container.app.static_figure()`` returns a normal
matplotlib figure of the default state; lessons put it under each widget.

If a widget shows as text ("model not found"), run :func:`check_setup`.
"""

from __future__ import annotations

import importlib
import platform
import sys
from typing import Any, Sequence

from .base import App
from .diff import FrameworkDiff
from .edge import EdgeOfStability
from .race import OptimizerRace
from .rangetest import RangeTest
from .schedule import ScheduleExplorer
from .stepper import EquationStepper
from .sweep import SweepExplorer
from .batch_size import BatchSizeExplorer
from .width import UpdateRatios
from .newton_schulz import NewtonSchulzStepper
from .wsd import WSDExplorer

__all__ = [
    "equation_stepper",
    "schedule_explorer",
    "optimizer_race",
    "sweep_explorer",
    "framework_diff",
    "lr_range_test",
    "check_setup",
    "App",
    "EquationStepper",
    "ScheduleExplorer",
    "OptimizerRace",
    "SweepExplorer",
    "FrameworkDiff",
    "RangeTest",
    "batch_size_explorer",
    "BatchSizeExplorer",
    "edge_of_stability",
    "EdgeOfStability",
    "update_ratios",
    "UpdateRatios",
    "newton_schulz_stepper",
    "NewtonSchulzStepper",
    "wsd_explorer",
    "WSDExplorer",
]


_CSS = {
    EquationStepper: "lrl-stepper",
    ScheduleExplorer: "lrl-schedule",
    OptimizerRace: "lrl-race",
    SweepExplorer: "lrl-sweep",
    FrameworkDiff: "lrl-frameworks",
    RangeTest: "lrl-rangetest",
    BatchSizeExplorer: "lrl-batchsize",
    EdgeOfStability: "lrl-edge",
    UpdateRatios: "lrl-width",
    NewtonSchulzStepper: "lrl-newton-schulz",
    WSDExplorer: "lrl-wsd",
}


def _box(app: App):
    """The app's container, tagged with stable CSS classes (the browser test finds widgets by them)."""
    box = app.container
    box.app = app
    box.add_class("lrl-widget")
    box.add_class(_CSS.get(type(app), "lrl-app"))
    app.message.add_class("lrl-message")
    if isinstance(app, EquationStepper):
        app.step_button.add_class("lrl-step")
    return box


def equation_stepper(optimizer: Any = "adam", problem: Any = "rosenbrock", steps: int = 100, theta0: Any = None):
    """Step through ``optimizer``'s update on a 2-D ``problem`` (names or objects), line by line.

    ``optimizer``: a name (``"adam"``, ``"pytorch.Adam"``...), a factory or an ``Optimizer``
    (rebuilt through its core factory when a slider moves). Returns the container; the
    logic is ``.app`` (:class:`EquationStepper`).
    """
    return _box(EquationStepper(optimizer=optimizer, problem=problem, steps=steps, theta0=theta0))


def schedule_explorer(schedule: str | None = None, steps: int = 5000):
    """Explore a schedule (default: the article's staircase decay) with sliders for its arguments."""
    return _box(ScheduleExplorer(schedule=schedule, steps=steps))


def optimizer_race(problem: Any = "rosenbrock", optimizers: Sequence[str] = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "nadam"),
                   steps: int = 500, lrs: dict | None = None):
    """Race optimizers (each with its own lr and main hyperparameter) on one 2-D problem."""
    return _box(OptimizerRace(problem=problem, optimizers=optimizers, steps=steps, lrs=lrs))


def sweep_explorer(preset: str | None = None):
    """A heatmap of a 2-D hyperparameter grid with theory overlays; pick a cell to see its path."""
    return _box(SweepExplorer(preset=preset))


def framework_diff(name: str = "adam", problem: Any = "rosenbrock", lr: float | None = None, steps: int = 200):
    """One optimizer as PyTorch, TF1, Keras and optax define it: paths and differing equations."""
    return _box(FrameworkDiff(name=name, problem=problem, lr=lr, steps=steps))


def lr_range_test(problem: str = "logistic_regression", optimizer: str = "sgd"):
    """The learning-rate range test (a heuristic) on a data problem: loss vs lr, suggested range."""
    return _box(RangeTest(problem=problem, optimizer=optimizer))


def batch_size_explorer(optimizer: str = "sgd"):
    """Steps to a target over (batch size × lr) for SGD or Adam, with the optimal-lr ridge (lesson 12)."""
    return _box(BatchSizeExplorer(optimizer=optimizer))


def edge_of_stability(lr: float = 4.0, warmup: int = 0):
    """Full-batch GD on the lesson MLP: loss and sharpness against 2/η_t for a peak rate and a warmup."""
    return _box(EdgeOfStability(lr=lr, warmup=warmup))


def update_ratios(width: int = 256, lr: float = 1e-2, optimizer: str = "adam"):
    """Per-layer sizes of an MLP's first update (weights and features), SP vs μP, at any width."""
    return _box(UpdateRatios(width=width, lr=lr, optimizer=optimizer))


def newton_schulz_stepper(steps: int = 5, coefficients: str = "quintic (3.4445, -4.775, 2.0315), Muon",
                          precision: str = "float64", matrix: str = "Gaussian 32×64"):
    """Muon's Newton–Schulz iteration: the singular values of a matrix after k steps (lesson 13)."""
    return _box(NewtonSchulzStepper(steps=steps, coefficients=coefficients, precision=precision, matrix=matrix))


def wsd_explorer(cooldown: float = 0.2, shape: str = "1-sqrt", peak_lr: float = 1.0):
    """A WSD schedule (cooldown fraction, shape, peak) vs a cosine: exact expected loss on the noisy quadratic (lesson 10)."""
    return _box(WSDExplorer(cooldown=cooldown, shape=shape, peak_lr=peak_lr))


def _version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001 - not installed or no metadata
        try:
            return getattr(importlib.import_module(name), "__version__", "installed")
        except Exception:  # noqa: BLE001
            return "not installed"


def check_setup(verbose: bool = False, file=None) -> dict:
    """Say whether widgets can render here; with ``verbose=True`` print every version that matters.

    Widgets need the kernel's ``ipywidgets`` (8.x) to match the front end's widget manager
    (``jupyterlab_widgets`` 3.x for JupyterLab 4, ``widgetsnbextension`` 4.x for the classic
    notebook). The default prints one verdict (and hints when something is missing), no paths
    or version numbers, so a lesson's stored output is the same on every machine; ``verbose=True``
    adds the interpreter and the versions (what to paste into a bug report). Returns them as a dict.

    >>> import io
    >>> info = check_setup(file=io.StringIO())
    >>> sorted(k for k in info if k in ("python", "numpy", "ipywidgets"))
    ['ipywidgets', 'numpy', 'python']
    """
    info = {"python": platform.python_version(), "executable": sys.executable}
    for name in ("lrlessons", "numpy", "matplotlib", "ipywidgets", "jupyterlab_widgets", "widgetsnbextension",
                 "ipykernel", "jupyterlab", "notebook", "Pillow"):
        info[name] = _version(name)
    try:
        import matplotlib

        info["matplotlib backend"] = matplotlib.get_backend()
    except Exception:  # noqa: BLE001  # pragma: no cover
        pass
    out = file if file is not None else sys.stdout
    if verbose:
        width = max(len(k) for k in info)
        for k, v in info.items():
            print(f"{k:<{width}}  {v}", file=out)
    hints = []
    iw = info["ipywidgets"]
    front_end = info["jupyterlab_widgets"] != "not installed" or info["widgetsnbextension"] != "not installed"
    if iw.startswith("8") and not front_end:
        hints.append("ipywidgets 8 needs jupyterlab_widgets (JupyterLab) or widgetsnbextension (classic notebook) "
                     "in the environment that runs the front end.")
    if iw.startswith("7"):
        hints.append("ipywidgets 7 with JupyterLab 4 shows 'model not found': install ipywidgets>=8.1.")
    if iw == "not installed":
        hints.append("ipywidgets is not installed in this kernel: pip install 'ipywidgets>=8.1,<9'.")
    if not hints and not verbose:
        print("Setup OK: ipywidgets 8 and its front-end extension are installed, so widgets render here. "
              "(check_setup(verbose=True) prints every version.)", file=out)
    for h in hints:
        print("hint:", h, file=out)
    return info
