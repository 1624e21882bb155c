r"""Exercise ``two_batch_noise_scale`` (lesson 12).

McCandlish et al. (2018, Appendix A.1): with :math:`E|G_B|^2 = |G|^2 + \operatorname{tr}\Sigma/B`
(minibatches drawn with replacement), squared gradient norms measured at two batch sizes
:math:`B_s < B_b` give unbiased estimates

.. math::
    \operatorname{tr}\Sigma \approx \frac{|G_{B_s}|^2 - |G_{B_b}|^2}{1/B_s - 1/B_b}, \qquad
    |G|^2 \approx \frac{B_b |G_{B_b}|^2 - B_s |G_{B_s}|^2}{B_b - B_s}, \qquad
    \mathcal{B}_\text{simple} = \operatorname{tr}\Sigma / |G|^2

after averaging the measurements of each batch size. The reference is the library's
``lrlessons.noise_scale.two_batch_estimate`` (with ``n=None``).

>>> from lrlessons.exercises.engine import check
>>> def mean_of_ratios(sq_small, sq_big, b_small, b_big):
...     s, b = np.asarray(sq_small, float), np.asarray(sq_big, float)
...     tr = (s - b) / (1 / b_small - 1 / b_big)
...     g = (b_big * b - b_small * s) / (b_big - b_small)
...     return np.mean(g), np.mean(tr), np.mean(tr / g)
>>> check(TWO_BATCH_NOISE_SCALE, mean_of_ratios).mistake
'mean_of_ratios'
"""

from __future__ import annotations

import numpy as np

from ..noise_scale import two_batch_estimate
from .engine import Case, Exercise, mistake

__all__ = ["TWO_BATCH_NOISE_SCALE"]


def reference(sq_small, sq_big, b_small, b_big):
    """The library's two-batch estimate: ``(g_sq, trace, b_simple)``."""
    est = two_batch_estimate(sq_small, sq_big, b_small, b_big)
    return est.g_sq, est.trace, est.b_simple


def cases():
    return [
        Case("one measurement each", dict(sq_small=5.0, sq_big=2.0, b_small=1, b_big=4)),
        Case("batches 8 and 128", dict(sq_small=1.9, sq_big=0.35, b_small=8, b_big=128)),
        Case("arrays of measurements", dict(sq_small=np.array([3.1, 2.2, 4.0, 2.9]),
                                            sq_big=np.array([0.9, 1.1, 0.8, 1.0]), b_small=4, b_big=32)),
        Case("noisy arrays", dict(sq_small=np.array([12.0, 30.0, 6.0]), sq_big=np.array([2.5, 1.5, 3.0]),
                                  b_small=2, b_big=64)),
        Case("a big batch of 1024", dict(sq_small=np.array([0.52, 0.61, 0.47, 0.58, 0.55]),
                                         sq_big=np.array([0.21, 0.2, 0.22, 0.2, 0.21]), b_small=16, b_big=1024)),
    ]


def _means(sq_small, sq_big):
    return float(np.mean(sq_small)), float(np.mean(sq_big))


@mistake("mean_of_ratios", line="ratio",
         title="B_simple averaged per measurement: the mean of the ratios, not the ratio of the means",
         hint="Average sq_small and sq_big first, then form tr(Σ), |G|² and their ratio (the ratio of "
              "unbiased estimates is biased, and a single noisy |G|² near 0 blows it up).")
def mean_of_ratios(sq_small, sq_big, b_small, b_big):
    s, b = np.asarray(sq_small, float), np.asarray(sq_big, float)
    tr = (s - b) / (1 / b_small - 1 / b_big)
    g = (b_big * b - b_small * s) / (b_big - b_small)
    return float(np.mean(g)), float(np.mean(tr)), float(np.mean(tr / g))


@mistake("batch_not_inverse", line="trace",
         title="divides by B_s − B_b instead of 1/B_s − 1/B_b",
         hint="The noise of a batch falls like 1/B: tr(Σ) = (|G_Bs|² − |G_Bb|²) / (1/b_small − 1/b_big).")
def batch_not_inverse(sq_small, sq_big, b_small, b_big):
    s, b = _means(sq_small, sq_big)
    tr = (s - b) / (b_big - b_small)
    g = (b_big * b - b_small * s) / (b_big - b_small)
    return g, tr, tr / g


@mistake("swapped_weights", line="g_sq",
         title="|G|² weights each norm by the other batch size",
         hint="|G|² = (b_big·|G_Bb|² − b_small·|G_Bs|²) / (b_big − b_small): each norm times its own batch size.")
def swapped_weights(sq_small, sq_big, b_small, b_big):
    s, b = _means(sq_small, sq_big)
    tr = (s - b) / (1 / b_small - 1 / b_big)
    g = (b_small * b - b_big * s) / (b_small - b_big)
    return g, tr, tr / g


@mistake("big_batch_as_truth", line="g_sq",
         title="takes the big batch's |G_Bb|² as |G|² (it still holds tr(Σ)/B_b of noise)",
         hint="Even the big batch is noisy: remove its share with (b_big·|G_Bb|² − b_small·|G_Bs|²)/(b_big − b_small).")
def big_batch_as_truth(sq_small, sq_big, b_small, b_big):
    s, b = _means(sq_small, sq_big)
    tr = (s - b) / (1 / b_small - 1 / b_big)
    return b, tr, tr / b


@mistake("inverted_ratio", line="ratio",
         title="B_simple = |G|² / tr(Σ): the ratio upside down",
         hint="The noise scale is noise over signal: tr(Σ) / |G|².")
def inverted_ratio(sq_small, sq_big, b_small, b_big):
    g, tr, _ = reference(sq_small, sq_big, b_small, b_big)
    return g, tr, g / tr


TWO_BATCH_NOISE_SCALE = Exercise(
    name="two_batch_noise_scale",
    args=("sq_small", "sq_big", "b_small", "b_big"),
    outputs=("g_sq", "trace", "b_simple"),
    summary="The gradient noise scale from |G_B|² at two batch sizes (McCandlish et al. 2018, App. A.1).",
    lines=(
        ("mean", "average the measurements: S = mean(sq_small), L = mean(sq_big)"),
        ("trace", "trace = (S - L) / (1 / b_small - 1 / b_big)"),
        ("g_sq", "g_sq = (b_big * L - b_small * S) / (b_big - b_small)"),
        ("ratio", "b_simple = trace / g_sq"),
    ),
    output_lines={"g_sq": "g_sq", "trace": "trace", "b_simple": "ratio"},
    notes=("sq_small and sq_big are squared norms |G_B|² of minibatch gradients, a number or a 1-D array of "
           "measurements each; b_small < b_big are the batch sizes (drawn with replacement). Return three floats."),
    cases=cases,
    reference=reference,
    mistakes=(mean_of_ratios, batch_not_inverse, swapped_weights, big_batch_as_truth, inverted_ratio),
)
