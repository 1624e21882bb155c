r"""Exercise ``mup_lr_scales`` (lesson 14): μP's per-layer learning-rate multipliers.

With :math:`m = n / n_0` the width relative to the base width, μP (Yang et al. 2022, Table 3)
multiplies the global learning rate :math:`\eta` of each weight matrix by

==================  ===============  ===============  ===============
optimizer           input weights    hidden weights   output weights
==================  ===============  ===============  ===============
SGD                 :math:`m`        1                :math:`1/m`
Adam                1                :math:`1/m`      :math:`1/m`
==================  ===============  ===============  ===============

(SP multiplies every layer by 1; at :math:`n = n_0` the two agree.) The reference is the
library's ``lrlessons.width.layer_rules`` (``lr_scale`` of the input, first hidden and
output layers).

>>> from lrlessons.exercises.engine import check
>>> def adam_row_for_both(width, base_width, optimizer):
...     m = np.asarray(width) / base_width
...     return np.ones_like(m), 1 / m, 1 / m
>>> check(MUP_LR_SCALES, adam_row_for_both).mistake
'sgd_like_adam'
"""

from __future__ import annotations

import numpy as np

from .. import width as wd
from .engine import Case, Exercise, mistake

__all__ = ["MUP_LR_SCALES"]


def mup_lr_scales_reference(width, base_width, optimizer):
    """The library's μP rate multipliers of the input, hidden and output weights at ``width``."""
    def scales(n):
        rules = wd.layer_rules(int(n), parametrization="mup", optimizer=optimizer, base_width=int(base_width))
        return rules[0].lr_scale, rules[1].lr_scale, rules[-1].lr_scale

    if np.ndim(width) == 0:
        return scales(width)
    table = np.array([scales(n) for n in np.asarray(width)])
    return table[:, 0], table[:, 1], table[:, 2]


def mup_lr_scales_cases():
    return [
        Case("SGD, width 256, base 64", dict(width=256, base_width=64, optimizer="sgd")),
        Case("Adam, width 256, base 64", dict(width=256, base_width=64, optimizer="adam")),
        Case("SGD, width 1024, base 128", dict(width=1024, base_width=128, optimizer="sgd")),
        Case("Adam, width 4096, base 256", dict(width=4096, base_width=256, optimizer="adam")),
        Case("Adam at the base width (64, base 64)", dict(width=64, base_width=64, optimizer="adam")),
        Case("SGD narrower than the base (32, base 64)", dict(width=32, base_width=64, optimizer="sgd")),
        Case("SGD, an array of widths 64 ... 1024, base 64",
             dict(width=np.array([64, 128, 256, 512, 1024]), base_width=64, optimizer="sgd")),
        Case("Adam, an array of widths 64 ... 1024, base 64",
             dict(width=np.array([64, 128, 256, 512, 1024]), base_width=64, optimizer="adam")),
    ]


def _m(width, base_width):
    return np.asarray(width, dtype=float) / base_width


def _table(optimizer, m, sgd=None, adam=None):
    """(input, hidden, output) from the SGD / Adam rows given as functions of m."""
    row = (sgd if optimizer == "sgd" else adam)(m)
    return tuple(np.broadcast_to(np.asarray(v, dtype=float), np.shape(m)) * 1.0 for v in row)


@mistake("sp", line="hidden",
         title="every multiplier is 1: these are the standard parametrisation's rates",
         hint="μP divides the hidden (Adam) and output rates by m = width / base_width and, for SGD, "
              "multiplies the input rate by m.")
def sp(width, base_width, optimizer):
    m = _m(width, base_width)
    return _table(optimizer, m, sgd=lambda m: (1, 1, 1), adam=lambda m: (1, 1, 1))


@mistake("absolute_width", line="m",
         title="m = width instead of width / base_width",
         hint="The multipliers are relative to the base width, where μP and SP agree: m = width / base_width.")
def absolute_width(width, base_width, optimizer):
    m = np.asarray(width, dtype=float)
    return _table(optimizer, m, sgd=lambda m: (m, 1, 1 / m), adam=lambda m: (1, 1 / m, 1 / m))


@mistake("inverted", line="m",
         title="m and 1/m are swapped (m = base_width / width)",
         hint="A wider network needs smaller rates for its output layer: m = width / base_width grows with the "
              "width and the output rate is η/m.")
def inverted(width, base_width, optimizer):
    m = 1 / _m(width, base_width)
    return _table(optimizer, m, sgd=lambda m: (m, 1, 1 / m), adam=lambda m: (1, 1 / m, 1 / m))


@mistake("swapped_optimizers", line="input",
         title="the SGD row is used for Adam and the Adam row for SGD",
         hint="SGD: input m, hidden 1, output 1/m. Adam: input 1, hidden 1/m, output 1/m.")
def swapped_optimizers(width, base_width, optimizer):
    m = _m(width, base_width)
    return _table(optimizer, m, sgd=lambda m: (1, 1 / m, 1 / m), adam=lambda m: (m, 1, 1 / m))


@mistake("sgd_like_adam", line="input",
         title="SGD gets Adam's multipliers (input 1, hidden 1/m)",
         hint="For SGD the input rate grows with the width (η·fan_out: m) and the hidden rate stays η: "
              "input m, hidden 1, output 1/m.")
def sgd_like_adam(width, base_width, optimizer):
    m = _m(width, base_width)
    return _table(optimizer, m, sgd=lambda m: (1, 1 / m, 1 / m), adam=lambda m: (1, 1 / m, 1 / m))


@mistake("adam_hidden_unscaled", line="hidden",
         title="Adam's hidden rate is not divided by m",
         hint="Adam's step has about the same size in every entry, so an n × n hidden matrix needs η/m "
              "(Table 3: η/fan_in).")
def adam_hidden_unscaled(width, base_width, optimizer):
    m = _m(width, base_width)
    return _table(optimizer, m, sgd=lambda m: (m, 1, 1 / m), adam=lambda m: (1, 1, 1 / m))


@mistake("output_unscaled", line="output",
         title="the output rate is not divided by m",
         hint="The output layer sums n inputs that all move together: its rate is η/m for SGD and Adam.")
def output_unscaled(width, base_width, optimizer):
    m = _m(width, base_width)
    return _table(optimizer, m, sgd=lambda m: (m, 1, 1), adam=lambda m: (1, 1 / m, 1))


@mistake("sqrt", line="output",
         title="√m instead of m (the initialisation's 1/√fan_in, not the learning rate's scaling)",
         hint="The rates scale with m itself: SGD input m, output 1/m; Adam hidden and output 1/m.")
def sqrt(width, base_width, optimizer):
    m = np.sqrt(_m(width, base_width))
    return _table(optimizer, m, sgd=lambda m: (m, 1, 1 / m), adam=lambda m: (1, 1 / m, 1 / m))


MUP_LR_SCALES = Exercise(
    name="mup_lr_scales",
    args=("width", "base_width", "optimizer"),
    outputs=("input", "hidden", "output"),
    summary="μP's learning-rate multipliers of the input, hidden and output weights "
            "(Yang et al. 2022, Table 3).",
    lines=(
        ("m", "m = width / base_width"),
        ("input", "input weights: m for SGD, 1 for Adam"),
        ("hidden", "hidden weights: 1 for SGD, 1 / m for Adam"),
        ("output", "output weights: 1 / m for SGD and Adam"),
    ),
    output_lines={"input": "input", "hidden": "hidden", "output": "output"},
    notes=("optimizer is 'sgd' or 'adam'. width may be an int or an integer numpy array (then "
           "return three arrays). Each multiplier multiplies the global learning rate eta of that "
           "layer's weights. This is lrlessons.width.layer_rules(width, parametrization='mup', "
           "optimizer=optimizer, base_width=base_width)[i].lr_scale."),
    cases=mup_lr_scales_cases,
    reference=mup_lr_scales_reference,
    mistakes=(sp, absolute_width, inverted, swapped_optimizers, sgd_like_adam, adam_hidden_unscaled,
              output_unscaled, sqrt),
)
