r"""Exercise ``triangular`` (lesson 07): Smith's triangular cyclical learning rate.

With ``step_size`` updates up and as many down (a cycle of :math:`L = 2\,\text{step\_size}`),
the lesson's equation with :math:`r = u/L = 1/2` (Smith 2017, arXiv:1506.01186, §3.1):

.. math::
    c = \lfloor 1 + t/L \rfloor, \qquad x = 1 + t/L - c \in [0, 1), \qquad
    s = \begin{cases} 2x & x \le 1/2 \\ 2(1 - x) & x > 1/2 \end{cases}, \qquad
    \eta(t) = \eta_{lo} + (\eta_{hi} - \eta_{lo})\, s

Smith writes the same as :math:`x = |t/\text{step\_size} - 2c + 1|`,
:math:`\eta = \eta_{lo} + (\eta_{hi} - \eta_{lo}) \max(0, 1 - x)`. ``t`` (``step``) counts the
updates already applied. The reference is the library's
``lrlessons.schedules.cyclic(base_lr, max_lr, step_size_up=step_size)`` (PyTorch's
``CyclicLR``, mode ``"triangular"``).

>>> from lrlessons.exercises.engine import check
>>> def sawtooth(step, base_lr, max_lr, step_size):
...     x = np.asarray(step) / (2 * step_size) % 1
...     return base_lr + (max_lr - base_lr) * x
>>> check(TRIANGULAR, sawtooth).mistake
'sawtooth'
"""

from __future__ import annotations

import numpy as np

from .. import schedules
from .engine import Case, Exercise, mistake

__all__ = ["TRIANGULAR"]


def triangular_reference(step, base_lr, max_lr, step_size):
    """The library's triangular schedule at ``step``."""
    return schedules.cyclic(base_lr, max_lr, step_size_up=step_size, mode="triangular")(step)


def triangular_cases():
    smith = dict(base_lr=0.1, max_lr=1.0, step_size=50)
    return [
        Case("step 0 (start of a cycle)", dict(step=0, **smith)),
        Case("on the way up (step 20)", dict(step=20, **smith)),
        Case("the peak (step 50)", dict(step=50, **smith)),
        Case("on the way down (step 80)", dict(step=80, **smith)),
        Case("second cycle, up (step 130)", dict(step=130, **smith)),
        Case("array of steps 0..999, step_size 200", dict(step=np.arange(1000), base_lr=1e-3, max_lr=6e-3, step_size=200)),
        Case("array of steps 0..100, step_size 7, base_lr 0", dict(step=np.arange(101), base_lr=0.0, max_lr=0.5, step_size=7)),
    ]


def position(step, cycle_length):
    """``(c, x)``: the cycle number (from 1) and the position in it, in [0, 1)."""
    t = np.asarray(step, dtype=float)
    c = np.floor(1 + t / cycle_length)
    return c, 1 + t / cycle_length - c


def rise_and_fall(x):
    """``s``: 0 → 1 over the first half of the cycle, 1 → 0 over the second."""
    return np.where(x <= 0.5, 2 * x, 2 * (1 - x))


@mistake("sawtooth", line="s",
         title="the rate rises over the whole cycle and then drops at once (a sawtooth, s = x)",
         hint="Rise over the first half of the cycle and fall over the second: s = 2x while x <= 1/2, "
              "then 2(1 - x) (np.where).")
def tri_sawtooth(step, base_lr, max_lr, step_size):
    _, x = position(step, 2 * step_size)
    return base_lr + (max_lr - base_lr) * x


@mistake("cycle_is_step_size", line="cycle",
         title="a whole cycle lasts step_size updates (step_size is the length of one half)",
         hint="step_size counts the updates UP (and as many down): L = 2 * step_size.")
def tri_cycle_is_step_size(step, base_lr, max_lr, step_size):
    _, x = position(step, step_size)
    return base_lr + (max_lr - base_lr) * rise_and_fall(x)


@mistake("starts_at_max", line="s",
         title="the cycle starts at max_lr and dips to base_lr (s is upside down)",
         hint="At step 0 the rate is base_lr; it reaches max_lr after step_size updates.")
def tri_starts_at_max(step, base_lr, max_lr, step_size):
    _, x = position(step, 2 * step_size)
    return base_lr + (max_lr - base_lr) * (1 - rise_and_fall(x))


@mistake("no_base_offset", line="lr",
         title="base_lr is not added back: lr = (max_lr - base_lr) * s",
         hint="The triangle sits on top of base_lr: lr = base_lr + (max_lr - base_lr) * s.")
def tri_no_base_offset(step, base_lr, max_lr, step_size):
    _, x = position(step, 2 * step_size)
    return (max_lr - base_lr) * rise_and_fall(x)


@mistake("peak_overshoots", line="lr",
         title="lr = base_lr + max_lr * s: the peak is base_lr + max_lr, not max_lr",
         hint="Scale the triangle by the distance between the bounds: base_lr + (max_lr - base_lr) * s.")
def tri_peak_overshoots(step, base_lr, max_lr, step_size):
    _, x = position(step, 2 * step_size)
    return base_lr + max_lr * rise_and_fall(x)


@mistake("no_abs", line="x",
         title="Smith's x = |step/step_size - 2c + 1| without the absolute value: above max_lr on the way up",
         hint="In Smith's form take the absolute value, x = abs(step / step_size - 2 * c + 1), "
              "then lr = base_lr + (max_lr - base_lr) * max(0, 1 - x).")
def tri_no_abs(step, base_lr, max_lr, step_size):
    t = np.asarray(step, dtype=float)
    c = np.floor(1 + t / (2 * step_size))
    x = t / step_size - 2 * c + 1
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x)


@mistake("round", line="cycle",
         title="the cycle number uses round instead of floor",
         hint="c = np.floor(1 + step / L): the cycle changes only when a whole cycle has passed.")
def tri_round(step, base_lr, max_lr, step_size):
    t = np.asarray(step, dtype=float)
    L = 2 * step_size
    x = 1 + t / L - np.round(1 + t / L)
    return base_lr + (max_lr - base_lr) * rise_and_fall(x)


@mistake("halves", line="lr",
         title="the amplitude halves every cycle (that is mode 'triangular2')",
         hint="The triangular policy repeats the same triangle: no factor 2^-(c - 1).")
def tri_halves(step, base_lr, max_lr, step_size):
    c, x = position(step, 2 * step_size)
    return base_lr + (max_lr - base_lr) * rise_and_fall(x) / 2 ** (c - 1)


@mistake("step_plus_1", line="x",
         title="off by one: the cycle is computed at step + 1",
         hint="step counts the updates already applied: the first update (step 0) uses base_lr.")
def tri_step_plus_1(step, base_lr, max_lr, step_size):
    _, x = position(np.asarray(step) + 1, 2 * step_size)
    return base_lr + (max_lr - base_lr) * rise_and_fall(x)


TRIANGULAR = Exercise(
    name="triangular",
    args=("step", "base_lr", "max_lr", "step_size"),
    outputs=("lr",),
    summary="Smith's triangular cyclical learning rate (PyTorch CyclicLR, mode 'triangular'), "
            "step_size updates up and as many down.",
    lines=(
        ("cycle", "c = floor(1 + step / L),  L = 2 * step_size   (the cycle, counted from 1)"),
        ("x", "x = 1 + step / L - c   (the position in the cycle, in [0, 1))"),
        ("s", "s = 2 * x while x <= 1/2, then 2 * (1 - x)   (rises 0 -> 1, falls back to 0)"),
        ("lr", "lr = base_lr + (max_lr - base_lr) * s"),
    ),
    output_lines={"lr": "s"},
    notes=("step counts the updates already applied (step 0 gives base_lr, step step_size gives "
           "max_lr). Smith writes the same as x = |step / step_size - 2c + 1|, lr = base_lr + "
           "(max_lr - base_lr) * max(0, 1 - x). step may be an int or an integer numpy array: use "
           "np.floor, np.abs, np.maximum or np.where (not math.floor, abs on a list, or an `if`)."),
    cases=triangular_cases,
    reference=triangular_reference,
    mistakes=(tri_sawtooth, tri_cycle_is_step_size, tri_starts_at_max, tri_no_base_offset, tri_peak_overshoots,
              tri_no_abs, tri_round, tri_halves, tri_step_plus_1),
)
