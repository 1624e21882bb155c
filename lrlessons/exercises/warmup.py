r"""Exercises ``linear_warmup`` and ``article_warmup`` (lesson 06).

A linear warmup from ``start_lr`` to ``learning_rate`` over ``warmup_steps`` = W updates,
then constant (Goyal et al. 2017):

.. math::
    \eta(t) = \eta_s + (\eta_0 - \eta_s)\, t / W \quad (t < W), \qquad \eta(t) = \eta_0 \quad (t \ge W)

The seed article's TF1 warmup is the same with η₀ = 0.01, W = 1000 and η_s = 0
(``tf.cond(global_step < 1000, lambda: global_step / 1000 * 0.01, lambda: 0.01)``), so its
mistakes are the linear warmup's, with those numbers. The reference is the library's
``lrlessons.schedules.warmup(lrlessons.schedules.constant(learning_rate), warmup_steps, start_lr)``.

>>> from lrlessons.exercises.engine import check
>>> def nanogpt_style(step):
...     step = np.asarray(step)
...     return np.where(step < 1000, 0.01 * (step + 1) / 1001, 0.01)
>>> check(ARTICLE_WARMUP, nanogpt_style).mistake
'nanogpt'
"""

from __future__ import annotations

import numpy as np

from .. import schedules
from .engine import Case, Exercise, Mistake, mistake

__all__ = ["LINEAR_WARMUP", "ARTICLE_WARMUP"]


# =======================================================================================
# linear_warmup
# =======================================================================================
def linear_warmup_reference(step, learning_rate, warmup_steps, start_lr):
    """The library's warmup of a constant rate, at ``step``."""
    return schedules.warmup(schedules.constant(learning_rate), warmup_steps, start_lr=start_lr)(step)


def linear_warmup_cases():
    base = dict(learning_rate=0.5, warmup_steps=10, start_lr=0.0)
    return [
        Case("step 0", dict(step=0, **base)),
        Case("during warmup (step 3)", dict(step=3, **base)),
        Case("last warmup step (step 9)", dict(step=9, **base)),
        Case("end of warmup (step 10)", dict(step=10, **base)),
        Case("after warmup (step 25)", dict(step=25, **base)),
        Case("start_lr = 0.1 (step 4)", dict(step=4, learning_rate=0.5, warmup_steps=10, start_lr=0.1)),
        Case("array of steps 0..30", dict(step=np.arange(31), learning_rate=0.2, warmup_steps=20, start_lr=0.02)),
    ]


@mistake("nanogpt", line="ramp",
         title="the ramp never reaches the peak: lr · (step + 1)/(W + 1) (nanoGPT's warmup)",
         hint="Use step / warmup_steps: the ramp starts at start_lr at step 0 and would reach learning_rate at "
              "step = warmup_steps, so the rate is continuous at the boundary.")
def nanogpt(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    ramp = start_lr + (learning_rate - start_lr) * (t + 1) / (warmup_steps + 1)
    return np.where(t < warmup_steps, ramp, learning_rate)


@mistake("step_plus_1", line="ramp",
         title="off by one: (step + 1)/W reaches the peak one step early",
         hint="step counts updates already applied: the first update uses step = 0 and gets start_lr.")
def step_plus_1(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    ramp = start_lr + (learning_rate - start_lr) * (t + 1) / warmup_steps
    return np.where(t < warmup_steps, ramp, learning_rate)


@mistake("int_division", line="ramp",
         title="integer division step // W: the rate is 0 during the whole warmup",
         hint="Use true division, step / warmup_steps.")
def int_division(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    ramp = start_lr + (learning_rate - start_lr) * (t // warmup_steps)
    return np.where(t < warmup_steps, ramp, learning_rate)


@mistake("no_clamp", line="after",
         title="the ramp never stops: the rate keeps growing past the peak",
         hint="After warmup_steps the rate stays at learning_rate (np.where(step < warmup_steps, ramp, learning_rate)).")
def no_clamp(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    return start_lr + (learning_rate - start_lr) * t / warmup_steps


@mistake("w_minus_1", line="ramp",
         title="divides by W − 1: the ramp reaches the peak at step W − 1",
         hint="Divide by warmup_steps.")
def w_minus_1(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    ramp = start_lr + (learning_rate - start_lr) * t / (warmup_steps - 1)
    return np.where(t < warmup_steps, ramp, learning_rate)


@mistake("reversed", line="after",
         title="the condition is reversed: the peak during warmup, the ramp after",
         hint="Ramp while step < warmup_steps, then hold learning_rate.")
def reversed_condition(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    ramp = start_lr + (learning_rate - start_lr) * t / warmup_steps
    return np.where(t >= warmup_steps, ramp, learning_rate)


@mistake("ignores_start", line="ramp",
         title="start_lr is ignored (the ramp starts at 0)",
         hint="Start the ramp at start_lr: start_lr + (learning_rate - start_lr) * step / warmup_steps.")
def ignores_start(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    return np.where(t < warmup_steps, learning_rate * t / warmup_steps, learning_rate)


@mistake("overshoots", line="ramp",
         title="start_lr + learning_rate · step/W: the ramp ends at start_lr + learning_rate",
         hint="Interpolate: start_lr + (learning_rate - start_lr) * step / warmup_steps.")
def overshoots(step, learning_rate, warmup_steps, start_lr):
    t = np.asarray(step, dtype=float)
    ramp = start_lr + learning_rate * t / warmup_steps
    return np.where(t < warmup_steps, ramp, learning_rate)


# The mistakes any warmup can have; the last two need a start_lr, which the article's has not.
WARMUP_MISTAKES = (nanogpt, step_plus_1, int_division, no_clamp, w_minus_1, reversed_condition)

LINEAR_WARMUP = Exercise(
    name="linear_warmup",
    args=("step", "learning_rate", "warmup_steps", "start_lr"),
    outputs=("lr",),
    summary="A linear warmup from start_lr to learning_rate, then constant (Goyal et al. 2017).",
    lines=(
        ("ramp", "while step < warmup_steps: lr = start_lr + (learning_rate - start_lr) * step / warmup_steps"),
        ("after", "from step = warmup_steps on: lr = learning_rate"),
    ),
    output_lines={"lr": "ramp"},
    notes=("step counts updates already applied: the first update uses step = 0 and gets "
           "start_lr. step may be an int or an integer numpy array (use np.where). This is "
           "lrlessons.schedules.warmup(constant(learning_rate), warmup_steps, start_lr)."),
    cases=linear_warmup_cases,
    reference=linear_warmup_reference,
    mistakes=WARMUP_MISTAKES + (ignores_start, overshoots),
)


# =======================================================================================
# article_warmup: the linear warmup with learning_rate = 0.01, warmup_steps = 1000, start_lr = 0
# =======================================================================================
def article_reference(step):
    """The library's warmup of a constant 0.01 over 1000 steps, at ``step``."""
    return schedules.warmup(schedules.constant(0.01), warmup_steps=1000)(step)


def article_cases():
    return [
        Case("step 0", dict(step=0)),
        Case("step 1", dict(step=1)),
        Case("step 500", dict(step=500)),
        Case("step 999", dict(step=999)),
        Case("step 1000", dict(step=1000)),
        Case("step 5000", dict(step=5000)),
        Case("array of steps 0, 100, ..., 2000", dict(step=np.arange(0, 2001, 100))),
    ]


def in_the_article(m: Mistake) -> Mistake:
    """The linear-warmup mistake ``m`` with the article's numbers, in its compute and its texts."""

    def compute(step):
        return m.compute(step, 0.01, 1000, 0.0)

    hint = m.hint.replace("warmup_steps", "1000").replace("learning_rate", "0.01").replace("start_lr", "0")
    return Mistake(m.key, m.title.replace("W", "1000"), m.line, hint, compute)


@mistake("wrong_peak", line="after",
         title="the peak is 0.1 instead of the article's 0.01",
         hint="The article warms up to 0.01: step / 1000 * 0.01.")
def wrong_peak(step):
    t = np.asarray(step, dtype=float)
    return np.where(t < 1000, t / 1000 * 0.1, 0.1)


ARTICLE_WARMUP = Exercise(
    name="article_warmup",
    args=("step",),
    outputs=("lr",),
    summary="The seed article's TF1 warmup: lr = step / 1000 * 0.01 while step < 1000 (tf.cond), then 0.01.",
    lines=(
        ("ramp", "while step < 1000: lr = step / 1000 * 0.01"),
        ("after", "from step 1000 on: lr = 0.01"),
    ),
    output_lines={"lr": "ramp"},
    notes=("step is TF1's global_step, the number of updates already applied (the first update "
           "uses step = 0). step may be an int or an integer numpy array (use np.where)."),
    cases=article_cases,
    reference=article_reference,
    mistakes=tuple(in_the_article(m) for m in WARMUP_MISTAKES) + (wrong_peak,),
)
