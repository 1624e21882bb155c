"""The Newton–Schulz stepper (lesson 13): what k iterations do to the singular values of a matrix."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import viz
from .base import App

__all__ = ["NewtonSchulzStepper", "COEFFICIENTS", "MATRICES"]

#: The coefficient choices (a, b, c) of σ ↦ aσ + bσ³ + cσ⁵.
COEFFICIENTS = {
    "quintic (3.4445, -4.775, 2.0315), Muon": (3.4445, -4.775, 2.0315),
    "cubic (1.5, -0.5, 0), classical": (1.5, -0.5, 0.0),
}

#: The matrices offered: name -> (rows, cols, log10 of the largest/smallest singular value or None).
MATRICES = {
    "Gaussian 32×64": (32, 64, None),
    "Gaussian 64×64 (square: tiny σ)": (64, 64, None),
    "32×64, σ spread over 3 decades": (32, 64, 3.0),
}

_BINS = np.linspace(0.0, 1.4, 57)


def _matrix(name: str) -> np.ndarray:
    """The seeded matrix ``name`` of :data:`MATRICES`."""
    rows, cols, decades = MATRICES[name]
    rng = np.random.default_rng(13)
    G = rng.normal(size=(rows, cols))
    if decades is None:
        return G
    P, _, Qt = np.linalg.svd(G, full_matrices=False)
    return (P * np.logspace(0, -decades, min(rows, cols))) @ Qt


class NewtonSchulzStepper(App):
    """Step the Newton–Schulz iteration of :func:`lrlessons.optimizers.muon.newton_schulz`.

    Controls: the number of iterations k, the coefficients (a, b, c), the precision (float64, or
    PyTorch ``Muon``'s bfloat16) and the matrix. Left: the map σ ↦ p(p(…p(σ))) (k times) with the
    singular values of the normalised matrix X₀ placed on it; right: the histogram of the singular
    values of X_k, computed from the library's iteration (an SVD of its result). Every move
    recomputes one small iteration and redraws only the curve, the points and the bars (blitted).
    """

    figsize = (9.6, 3.6)

    def __init__(self, steps: int = 5, coefficients: str = "quintic (3.4445, -4.775, 2.0315), Muon",
                 precision: str = "float64", matrix: str = "Gaussian 32×64"):
        super().__init__()
        from .._checks import check_choice, check_integer

        check_integer("newton_schulz_stepper", "steps", steps, 0, 12)
        check_choice("newton_schulz_stepper", "coefficients", coefficients, COEFFICIENTS)
        check_choice("newton_schulz_stepper", "precision", precision, ("float64", "bfloat16"))
        check_choice("newton_schulz_stepper", "matrix", matrix, MATRICES)
        style = {"description_width": "100px"}
        self.steps = W.IntSlider(value=steps, min=0, max=12, description="iterations k",
                                 continuous_update=True, style=style)
        self.coefficients = W.Dropdown(options=list(COEFFICIENTS), value=coefficients,
                                       description="coefficients", style=style,
                                       layout=W.Layout(width="420px"))
        self.precision = W.Dropdown(options=["float64", "bfloat16"], value=precision,
                                    description="precision", style=style)
        self.matrix = W.Dropdown(options=list(MATRICES), value=matrix, description="matrix",
                                 style=style, layout=W.Layout(width="420px"))
        self.result_html = W.HTML()
        self._build()
        for c in (self.steps, self.coefficients, self.precision, self.matrix):
            self.observe(c, self.update)
        self.container = W.VBox([W.HBox([self.steps, self.precision]),
                                 W.HBox([self.coefficients, self.matrix]), self.message,
                                 self.result_html, self.image])
        self.guarded(self.update)()

    # -- numbers --------------------------------------------------------------------------
    def state(self) -> dict:
        """The singular values before (of X₀ = G/‖G‖_F) and after k iterations, and the map."""
        from ..optimizers.muon import newton_schulz

        G = _matrix(self.matrix.value)
        co = COEFFICIENTS[self.coefficients.value]
        k = int(self.steps.value)
        kw = ({"precision": "bfloat16", "norm_precision": "bfloat16"}
              if self.precision.value == "bfloat16" else {})
        X = newton_schulz(G, co, steps=k, **kw)
        s0 = np.linalg.svd(G / np.linalg.norm(G), compute_uv=False)
        sk = np.linalg.svd(X, compute_uv=False)
        sigma = np.linspace(0, 1.2, 481)
        mapped, s0_mapped = sigma, s0
        a, b, c = co
        for _ in range(k):
            mapped = a * mapped + b * mapped**3 + c * mapped**5
            s0_mapped = a * s0_mapped + b * s0_mapped**3 + c * s0_mapped**5
        return {"s0": s0, "sk": sk, "sigma": sigma, "mapped": mapped, "s0_mapped": s0_mapped, "k": k}

    def summary(self, st: dict) -> str:
        sk = st["sk"]
        inside = np.mean((sk >= 0.6) & (sk <= 1.2))
        return (f"after k = {st['k']}: singular values in [{sk.min():.3f}, {sk.max():.3f}]; "
                f"{100 * inside:.0f} % inside the band [0.6, 1.2] (before: [{st['s0'].min():.3f}, "
                f"{st['s0'].max():.3f}])")

    # -- drawing --------------------------------------------------------------------------
    def _axes(self, axes):
        ax_map, ax_hist = axes
        for ax in axes:
            viz.style_axes(ax)
        ax_map.set_xlim(0, 1.2)
        ax_map.set_ylim(-0.05, 1.4)
        ax_map.plot([0, 1.2], [0, 1.2], color="0.7", linestyle=":", linewidth=0.8)
        ax_map.axhspan(0.6, 1.2, color="0.92", zorder=0)
        ax_map.set_xlabel(r"singular value $\sigma$ of $X_0$")
        ax_map.set_ylabel(r"after $k$ steps")
        ax_hist.set_xlim(_BINS[0], _BINS[-1])
        ax_hist.axvspan(0.6, 1.2, color="0.92", zorder=0)
        ax_hist.set_xlabel(r"singular values of $X_k$")
        ax_hist.set_ylabel("count")
        return ax_map, ax_hist

    def _build(self) -> None:
        self.clear_figure()
        self.ax_map, self.ax_hist = self._axes(self.fig.subplots(1, 2))
        self._ylim = None
        self.map_line = self.animated(self.ax_map.plot([], [], color=viz.color(0))[0])
        self.points = self.animated(self.ax_map.scatter([], [], s=12, color=viz.color(1), zorder=3))
        widths = np.diff(_BINS)
        self.bars = [self.animated(b) for b in
                     self.ax_hist.bar(_BINS[:-1], np.zeros(widths.size), width=widths, align="edge",
                                      color=viz.color(0), edgecolor="white", linewidth=0.3)]

    def _histogram(self, sk: np.ndarray) -> np.ndarray:
        return np.histogram(np.clip(sk, _BINS[0], _BINS[-1]), bins=_BINS)[0]

    def update(self) -> None:
        st = self.state()
        self.map_line.set_data(st["sigma"], np.clip(st["mapped"], -0.05, 1.4))
        self.points.set_offsets(np.column_stack([st["s0"], np.clip(st["s0_mapped"], -0.05, 1.4)]))
        for bar, h in zip(self.bars, self._histogram(st["sk"])):
            bar.set_height(h)
        self.result_html.value = self.summary(st)
        top = min(MATRICES[self.matrix.value][:2]) * 0.6
        if top != self._ylim:                            # a new matrix: new count axis, full redraw
            self._ylim = top
            self.ax_hist.set_ylim(0, top)
            self.redraw()
        else:
            self.blit()

    def static_figure(self):
        """The current setting as a normal figure."""
        st = self.state()
        fig, axes = viz.new_figure("single", ncols=2, figsize=self.figsize)
        ax_map, ax_hist = self._axes(axes)
        ax_map.plot(st["sigma"], np.clip(st["mapped"], -0.05, 1.4), color=viz.color(0))
        ax_map.scatter(st["s0"], np.clip(st["s0_mapped"], -0.05, 1.4), s=12, color=viz.color(1), zorder=3)
        ax_hist.hist(np.clip(st["sk"], _BINS[0], _BINS[-1]), bins=_BINS, color=viz.color(0),
                     edgecolor="white", linewidth=0.3)
        ax_map.set_title(f"{self.coefficients.value.split(',')[0].split(' (')[0]}, k = {st['k']}, "
                         f"{self.precision.value}", fontsize=9)
        ax_hist.set_title(self.matrix.value, fontsize=9)
        return fig
