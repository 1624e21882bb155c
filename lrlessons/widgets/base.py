"""Shared machinery of the widgets: a persistent blitted figure shown as an image, error display,
controls built from a factory's signature, and the parts of a run that a widget draws.

Every widget that runs an optimizer calls :func:`lrlessons.run` and draws the
:class:`~lrlessons.Trajectory` it returns (:func:`accepted` cuts it where the run diverged),
so a widget and a lesson that run the same settings show the same numbers.

Why this design: a full re-plot through the inline backend costs ~220 ms per slider move
(``benchmarks/bench_widgets.py`` measures both); a persistent figure with fixed axis limits,
a cached background, only the moving artists redrawn (matplotlib's blitting, see its
"Faster rendering by using blitting" guide) and a Pillow encoding of ``canvas.buffer_rgba()``
into an ``ipywidgets.Image`` costs a few ms.
"""

from __future__ import annotations

import functools
import html
import inspect
import io
import linecache
import os
import sysconfig
from typing import Any, Callable

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine as _Placeholder

from .. import viz

__all__ = ["App", "friendly", "written_by_lrlessons", "UNEXPECTED", "png_bytes", "fmt_vec", "parse_vec", "hp_control", "factory_controls", "resolve_problem",
           "surface_names", "optimizer_factories", "DEFAULT_LR", "accepted", "drawable", "contour_and_loss_axes",
           "contour_background", "short_name", "html_table"]


def png_bytes(canvas: FigureCanvasAgg, fmt: str = "png") -> bytes:
    """Fast encoding of an Agg canvas's current buffer with Pillow (never ``savefig``).

    ``fmt="png"``: zlib level 1 (~10-30 ms for a 860x330 frame); ``fmt="jpeg"``: quality 92
    (~3 ms, near-invisible artefacts on line art). Widgets use :attr:`App.image_format`.
    """
    from PIL import Image

    w, h = canvas.get_width_height(physical=True)
    img = Image.frombuffer("RGBX", (w, h), canvas.buffer_rgba(), "raw", "RGBX", 0, 1)   # (alpha ignored)
    out = io.BytesIO()
    if fmt == "jpeg":
        img.save(out, format="JPEG", quality=92)          # (JPEG reads RGBX as RGB: no conversion pass)
    else:
        img.convert("RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()


def fmt_vec(x: Any) -> str:
    """Numbers as shown in the widgets' HTML: 6 significant digits, a tuple for vectors.

    >>> fmt_vec(np.array([0.1234567, -2.0])), fmt_vec(3.0)
    ('(0.123457, -2)', '3')
    """
    a = np.atleast_1d(np.asarray(x, dtype=float)).reshape(-1)
    parts = [f"{v:.6g}" for v in a]
    return parts[0] if np.ndim(x) == 0 or (np.size(x) == 1 and np.ndim(x) == 0) else "(" + ", ".join(parts) + ")"


def parse_vec(text: str) -> np.ndarray:
    """Inverse of :func:`fmt_vec` (for tests): the numbers in a string.

    >>> parse_vec("(0.123457, -2e-05, nan)").tolist()[:2]
    [0.123457, -2e-05]
    """
    import re

    return np.array([float(t) for t in re.findall(r"[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)", text)])


# ------------------------------------------------------------------------------------------
# Problems and optimizers
# ------------------------------------------------------------------------------------------
def surface_names() -> list[str]:
    from .. import problems

    return list(problems.SURFACES)


def resolve_problem(problem: Any) -> Any:
    """A problem object from a name in ``problems.SURFACES`` (or a problem, returned as is)."""
    from .. import problems

    if isinstance(problem, str):
        from .._checks import check_choice

        check_choice("widgets", "problem", problem, list(problems.SURFACES))
        return problems.SURFACES[problem]()
    if not (hasattr(problem, "loss") and hasattr(problem, "grad")):
        raise TypeError(f"The 'problem' parameter of widgets must be a problem (with .loss and .grad) or a name. Got {problem!r} instead.")
    return problem


def optimizer_factories() -> dict[str, Callable]:
    """The core optimizer factories by name, then every framework's (``pytorch.Adam``, ...)."""
    from .. import frameworks, optimizers

    return {**optimizers.FACTORIES, **frameworks.registry("optimizers")}


def for_points(optimizer: Any) -> Any:
    """The optimizer as the apps run it on a 2-D point: Muon sees the point as a 1×2 matrix.

    Muon orthogonalises matrices; PyTorch's (and the core's default) refuses a vector, Keras's
    and optax's send it to AdamW / NAdamW. On a point the apps run every Muon's own matrix update
    on the 1×2 row (``fallback='row'``), where Newton–Schulz makes it about :math:`U_t/\\|U_t\\|`:
    normalised (Nesterov) momentum. Any other optimizer is returned as it is.
    """
    from dataclasses import replace

    from ..optimizers import muon

    hp = getattr(optimizer, "hyperparameters", {})
    inner = hp.get("muon", optimizer)                   # keras.Muon, optax.contrib.muon: their Muon path
    inner_hp = getattr(inner, "hyperparameters", {})
    if "ns_steps" not in inner_hp or inner_hp.get("fallback") == "row":
        return optimizer
    return replace(muon(**{**inner_hp, "fallback": "row"}), name=optimizer.name)


#: Learning rates that make a lively but convergent demo on Rosenbrock from (-1.5, 2).
DEFAULT_LR = {"sgd": 1e-3, "momentum": 5e-4, "nesterov": 5e-4, "adagrad": 0.5, "rmsprop": 0.01, "adam": 0.1,
              "adamw": 0.1, "nadam": 0.1, "radam": 0.01, "adamax": 0.1, "adadelta": 1.0, "amsgrad": 0.1,
              # sign and normalised updates move every coordinate by about lr: a small lr
              "lion": 0.01, "muon": 0.01, "lamb": 0.03, "lars": 1.0, "adafactor": 0.1,
              "schedule_free_adamw": 0.1, "schedule_free_sgd": 1e-3}

# name -> (kind, low, high, step)  kind: "log" (FloatLogSlider) or "lin" (FloatSlider)
_HP_RANGES = {
    "lr": ("log", 1e-5, 10.0, None), "learning_rate": ("log", 1e-5, 10.0, None),
    "eps": ("log", 1e-10, 1.0, None), "epsilon": ("log", 1e-10, 1.0, None),
    "beta1": ("lin", 0.0, 0.999, 0.001), "beta_1": ("lin", 0.0, 0.999, 0.001), "b1": ("lin", 0.0, 0.999, 0.001),
    "beta2": ("lin", 0.0, 0.9999, 0.0001), "beta_2": ("lin", 0.0, 0.9999, 0.0001), "b2": ("lin", 0.0, 0.9999, 0.0001),
    "momentum": ("lin", 0.0, 0.99, 0.01), "decay": ("lin", 0.0, 0.999, 0.001), "rho": ("lin", 0.0, 0.999, 0.001),
    "alpha": ("lin", 0.0, 0.999, 0.001), "dampening": ("lin", 0.0, 0.99, 0.01),
    "weight_decay": ("lin", 0.0, 0.5, 0.01), "initial_accumulator_value": ("lin", 0.0, 1.0, 0.01),
    "initial_accumulator": ("lin", 0.0, 1.0, 0.01), "lr_decay": ("lin", 0.0, 0.1, 0.001),
    "momentum_decay": ("lin", 0.0, 0.01, 0.0001),
}


#: Framework arguments that change nothing the lessons draw (or would silently flip the sign).
_NO_CONTROL = {"maximize", "foreach", "differentiable", "fused", "capturable", "use_locking", "use_ema", "name",
               "accumulator_dtype", "mu_dtype"}


def hp_control(name: str, default: Any) -> Any:
    """A slider/checkbox for a hyperparameter, or ``None`` when it has no slider (tuples, strings).

    The slider's usual range widens to hold ``default`` (never clipped); a value a log slider
    cannot show (``eps=0``) gets no slider and stays as given.
    """
    if name in _NO_CONTROL:
        return None
    style = {"description_width": "110px"}
    layout = W.Layout(width="360px")
    if isinstance(default, (bool, np.bool_)):
        return W.Checkbox(value=bool(default), description=name, style=style, layout=layout, indent=False)
    if name not in _HP_RANGES or not isinstance(default, (int, float)) or default is None:
        return None
    kind, lo, hi, step = _HP_RANGES[name]
    v = float(default)
    if not np.isfinite(v) or (kind == "log" and v <= 0):
        return None                                        # kept fixed at its value (e.g. eps=0)
    lo, hi = min(lo, v), max(hi, v)                        # a value outside the usual range widens it
    if kind == "log":
        return W.FloatLogSlider(value=v, base=10, min=np.log10(lo), max=np.log10(hi), step=0.05,
                                description=name, readout_format=".2e", continuous_update=False,
                                style=style, layout=layout)
    return W.FloatSlider(value=v, min=lo, max=hi, step=step, description=name,
                         readout_format=".4g", continuous_update=False, style=style, layout=layout)


def factory_controls(factory: Callable, overrides: dict | None = None) -> dict[str, Any]:
    """Controls for the keyword arguments of an optimizer factory that have a known range."""
    controls = {}
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return controls
    for p in sig.parameters.values():
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            continue
        default = (overrides or {}).get(p.name, p.default)
        if default is inspect.Parameter.empty:
            continue
        c = hp_control(p.name, default)
        if c is not None:
            controls[p.name] = c
    return controls


# ------------------------------------------------------------------------------------------
# Runs
# ------------------------------------------------------------------------------------------
def accepted(traj: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(theta, loss)`` of the updates an unbatched run accepted: ``θ_0 … θ_n`` and their losses,
    with ``n`` every update, or the ones before the update at which it diverged (after that,
    :func:`lrlessons.run` keeps the row frozen, so there is nothing new to draw).

    >>> from lrlessons import optimizers, problems, run
    >>> theta, loss = accepted(run(optimizers.sgd(lr=2.5), problems.quadratic(), 30))
    >>> theta.shape, loss.shape
    ((18, 2), (18,))
    """
    n = traj.steps if traj.diverged_at is None else traj.diverged_at - 1
    return traj.theta[: n + 1], traj.loss[: n + 1]


# ------------------------------------------------------------------------------------------
# Errors shown to students
# ------------------------------------------------------------------------------------------
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: What a widget shows for an error that lrlessons did not word itself (a bug to report).
UNEXPECTED = ("these settings could not be computed (an unexpected error inside lrlessons; "
              "app.last_error holds it, please report it)")


def _installed(path: str) -> bool:
    """True for a file of Python itself or of an installed package (numpy, ipywidgets...)."""
    roots = {os.path.abspath(p) for k, p in sysconfig.get_paths().items()
             if k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return any(path.startswith(r + os.sep) for r in roots)


def written_by_lrlessons(exc: BaseException) -> bool:
    """True when ``exc`` is a ``ValueError``/``TypeError`` raised by a ``raise`` statement of
    lrlessons itself (or of the student's own code, e.g. a factory passed to a widget): a
    message written for people (``The 'lr' parameter of adam must be ...``), as opposed to
    one Python or numpy produced (``'NoneType' object is not subscriptable``, ``could not
    convert string to float``), whose innermost frame is a built-in operation or a library's."""
    if not isinstance(exc, (ValueError, TypeError)) or exc.__traceback__ is None:
        return False
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    path = os.path.abspath(filename)
    if not path.startswith(_PACKAGE + os.sep) and _installed(path):
        return False
    return linecache.getline(filename, tb.tb_lineno).lstrip().startswith("raise ")


def friendly(exc: BaseException) -> str:
    """The words a widget shows for ``exc``: the library's own message, or :data:`UNEXPECTED`.

    Never a raw Python message or a traceback; the exception itself stays in
    ``app.last_error`` (or ``race.lane_errors``) for a bug report.
    """
    if written_by_lrlessons(exc):
        try:
            return str(exc)
        except Exception:  # noqa: BLE001 - a message that cannot be printed
            return UNEXPECTED
    return UNEXPECTED


# ------------------------------------------------------------------------------------------
# The widget base class
# ------------------------------------------------------------------------------------------
class App:
    """Base of every widget: a persistent figure blitted into an ``ipywidgets.Image``.

    Subclasses create axes in ``_build_axes``, draw the static layer in ``_draw_static`` and
    register moving artists with :meth:`animated`; :meth:`redraw` repaints everything (new
    limits, new static content), :meth:`blit` only the moving artists. ``container`` is the
    ipywidgets box; ``message`` shows any error raised in a callback (never only a log).
    """

    figsize = (9.6, 4.0)
    dpi = 90
    #: Encoding of live frames: "jpeg" (~3 ms) or "png" (~10-30 ms); see :func:`png_bytes`.
    image_format = "jpeg"

    def __init__(self):
        self.message = W.HTML(value="")
        self.last_error: BaseException | None = None
        self.fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        w, h = self.canvas.get_width_height()
        self.image = W.Image(format=self.image_format, layout=W.Layout(width=f"{w}px", max_width="100%", height="auto"))
        self._moving: list = []
        self._background = None
        self.renders = 0

    # -- display ------------------------------------------------------------------------
    def set_image_format(self, fmt: str) -> None:
        """Switch live frames between ``"jpeg"`` and ``"png"``."""
        from .._checks import check_choice

        check_choice(type(self).__name__, "fmt", fmt, ("jpeg", "png"))
        self.image_format = fmt
        self.image.format = fmt
        self.blit()

    def _repr_mimebundle_(self, **kwargs):
        return self.container._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):  # pragma: no cover - notebook only
        from IPython.display import display

        display(self.container)

    # -- drawing ------------------------------------------------------------------------
    def animated(self, artist):
        artist.set_animated(True)
        self._moving.append(artist)
        return artist

    def clear_figure(self) -> None:
        """Start a new static layer (constrained layout on for its first draw)."""
        self.fig.clear()
        self.fig.set_layout_engine("constrained")
        self._moving = []
        self._background = None

    def cache_background(self) -> None:
        """Draw the static layer and cache it. The layout computed by this draw is then
        frozen (layout engine off), so later full draws skip constrained layout (~2x cheaper)."""
        self.canvas.draw()
        if self.fig.get_layout_engine() is not None and not isinstance(self.fig.get_layout_engine(), _Placeholder):
            self.fig.set_layout_engine("none")
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)

    def redraw(self) -> None:
        """Full draw of the static layer, cache it, then blit the moving artists."""
        self.cache_background()
        self.blit()

    def blit(self) -> None:
        """Restore the cached background, draw only the moving artists, encode, show."""
        if self._background is None:
            return self.redraw()
        self.canvas.restore_region(self._background)
        for a in self._moving:
            if a.get_visible():
                self.fig.draw_artist(a)
        self.image.value = png_bytes(self.canvas, self.image_format)
        self.renders += 1

    # -- errors -------------------------------------------------------------------------
    def show_error(self, exc: BaseException) -> None:
        """Show why a control's new value could not be drawn: :func:`friendly` words, never a traceback."""
        self.last_error = exc
        self.message.value = (
            '<div style="color:#a00;background:#fff3f3;border-left:4px solid #D55E00;padding:4px 8px">'
            f"<b>Could not update:</b> {html.escape(friendly(exc))}</div>"
        )

    def clear_error(self) -> None:
        self.last_error = None
        self.message.value = ""

    def guarded(self, fn: Callable) -> Callable:
        """Wrap a callback: any exception is shown in the widget's message area."""

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                out = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown to the student, inside the widget
                self.show_error(exc)
                return None
            self.clear_error()
            return out

        return wrapper

    def observe(self, control, fn: Callable, names: str = "value") -> None:
        control.observe(self.guarded(lambda change: fn()), names=names)

    # -- static fallback ----------------------------------------------------------------
    def static_figure(self) -> Figure:  # pragma: no cover - overridden
        raise NotImplementedError


def drawable(theta: np.ndarray, bounds: Any, diverged: Any) -> tuple[np.ndarray, bool]:
    """The points of a path to draw: all of a converging run (matplotlib clips what leaves
    the axes), a diverged run only up to where it leaves the frame (:func:`viz.clip_path`)."""
    if diverged is not None and diverged is not False:
        return viz.clip_path(theta, bounds)
    return np.asarray(theta, dtype=float).reshape(-1, 2), False


def contour_and_loss_axes(app, steps: int):
    """The race/diff layout: ``app.problem``'s contours (left) and a log loss axis (right).

    Limits are fixed here (x: the horizon, y: 1e-8 to 100× the start's gap) so later frames
    only redraw moving artists. Sets ``app.ax``, ``app.ax_loss`` and ``app.fmin`` (f*).
    """
    app.clear_figure()
    app.ax, app.ax_loss = app.fig.subplots(1, 2, width_ratios=[1.1, 1])
    contour_background(app.ax, app.problem)
    viz.style_axes(app.ax_loss)
    p = app.problem
    app.fmin = float(getattr(p, "minimum_loss", None) or 0.0)
    f0 = float(p.loss(np.asarray(p.x0, dtype=float))) - app.fmin
    app.ax_loss.set_yscale("log")
    app.ax_loss.set_ylim(1e-8, max(f0, 1e-6) * 1e2)
    app.ax_loss.set_xlim(0, steps)
    app.ax_loss.set_xlabel(r"step $t$")
    app.ax_loss.set_ylabel(r"$f(\theta_t) - f^*$")


def contour_background(ax, problem, levels: int = 18) -> None:
    """Draw a problem's contours into ``ax`` (house style), fixed to its bounds."""
    viz.plot_contour(problem, ax=ax, levels=levels)
    leg = ax.get_legend()
    if leg is not None:
        leg.remove()


def short_name(opt: Any) -> str:
    """``adam(lr=0.1)``: the optimizer's name and learning rate (its full repr is long)."""
    lr = opt.hyperparameters.get("lr")
    shown = "schedule" if callable(lr) else f"{float(np.asarray(lr).reshape(-1)[0]):.3g}"
    return f"{opt.name}(lr={shown})"


def html_table(rows: list[str], header: str = "") -> str:
    return (f'<table style="border-collapse:collapse;font-size:13px">{header}' + "".join(rows) + "</table>")
