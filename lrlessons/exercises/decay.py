r"""Exercises ``exponential_decay`` and ``cosine_decay`` (lessons 02 and 09).

TF1 ``tf.train.exponential_decay`` (Keras ``ExponentialDecay``) and ``tf.train.cosine_decay``
(Keras ``CosineDecay`` without warmup; Loshchilov & Hutter 2017 without restarts):

.. math::
    \eta(t) &= \eta_0\, r^{p}, \qquad p = t / D \quad (\lfloor t / D \rfloor \text{ with staircase}) \\
    \eta(t) &= \eta_0 \bigl[(1-\alpha)\, \tfrac12 \bigl(1 + \cos(\pi \min(t, D) / D)\bigr) + \alpha\bigr]

``t`` (``step``) counts the updates already applied. The references are the library's
:func:`lrlessons.schedules.exponential_decay` and :func:`lrlessons.schedules.cosine_decay`.

>>> from lrlessons.exercises.engine import check
>>> def continuous(step, learning_rate, decay_steps, decay_rate, staircase):
...     return learning_rate * decay_rate ** (np.asarray(step) / decay_steps)
>>> check(EXPONENTIAL_DECAY, continuous).mistake
'no_staircase'
"""

from __future__ import annotations

import numpy as np

from .. import schedules
from .engine import Case, Exercise, mistake

__all__ = ["EXPONENTIAL_DECAY", "COSINE_DECAY"]


# =======================================================================================
# exponential_decay
# =======================================================================================
def exponential_decay_reference(step, learning_rate, decay_steps, decay_rate, staircase):
    """The library's schedule at ``step``."""
    return schedules.exponential_decay(learning_rate, decay_steps, decay_rate, staircase=staircase)(step)


def exponential_decay_cases():
    art = dict(learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
    return [
        Case("step 0 (first update)", dict(step=0, **art)),
        Case("inside the first stair (step 999)", dict(step=999, **art)),
        Case("on a boundary (step 1000)", dict(step=1000, **art)),
        Case("between stairs (step 2600)", dict(step=2600, **art)),
        Case("staircase=False (step 1500)", dict(step=1500, learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=False)),
        Case("fast decay, staircase=False (step 30)", dict(step=30, learning_rate=1.0, decay_steps=20, decay_rate=0.5, staircase=False)),
        Case("array of steps 0, 250, ..., 4750", dict(step=np.arange(0, 5000, 250), **art)),
    ]


@mistake("round", line="p",
         title="staircase uses round instead of floor",
         hint="The rate drops only when a whole decay period has passed: np.floor(step / decay_steps).")
def ed_round(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return learning_rate * decay_rate ** (np.round(p) if staircase else p)


@mistake("ceil", line="p",
         title="staircase uses ceil instead of floor",
         hint="Use np.floor(step / decay_steps): at step 0 the rate must be learning_rate.")
def ed_ceil(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return learning_rate * decay_rate ** (np.ceil(p) if staircase else p)


@mistake("no_staircase", line="p",
         title="staircase=True is ignored (the decay stays continuous)",
         hint="When staircase is True, floor the exponent: p = np.floor(step / decay_steps).")
def ed_no_staircase(step, learning_rate, decay_steps, decay_rate, staircase):
    return learning_rate * decay_rate ** (np.asarray(step) / decay_steps)


@mistake("always_floor", line="p",
         title="the exponent is floored even when staircase is False",
         hint="Floor only when staircase is True.")
def ed_always_floor(step, learning_rate, decay_steps, decay_rate, staircase):
    return learning_rate * decay_rate ** np.floor(np.asarray(step) / decay_steps)


@mistake("step_plus_1", line="p",
         title="decaying from step 1 instead of 0 (uses step + 1)",
         hint="step already counts updates applied: the first update uses step = 0 and lr = learning_rate.")
def ed_step_plus_1(step, learning_rate, decay_steps, decay_rate, staircase):
    p = (np.asarray(step) + 1) / decay_steps
    return learning_rate * decay_rate ** (np.floor(p) if staircase else p)


@mistake("step_minus_1", line="p",
         title="the step is shifted by one (uses step − 1)",
         hint="Use step as given: lr(0) = learning_rate.")
def ed_step_minus_1(step, learning_rate, decay_steps, decay_rate, staircase):
    p = (np.asarray(step) - 1) / decay_steps
    return learning_rate * decay_rate ** (np.floor(p) if staircase else p)


@mistake("natural_exp", line="lr",
         title="exp(−decay_rate · p) (natural_exp_decay) instead of decay_rate ** p",
         hint="Exponential decay raises decay_rate to the power p: learning_rate * decay_rate ** p.")
def ed_natural_exp(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return learning_rate * np.exp(-decay_rate * (np.floor(p) if staircase else p))


@mistake("step_times_decay_steps", line="p",
         title="p = step · decay_steps instead of step / decay_steps",
         hint="Divide: p = step / decay_steps.")
def ed_step_times_decay_steps(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) * decay_steps
    return learning_rate * decay_rate ** (np.floor(p) if staircase else p)


@mistake("per_step", line="p",
         title="decays every step (decay_steps ignored)",
         hint="The rate is multiplied by decay_rate once per decay_steps steps: p = step / decay_steps.")
def ed_per_step(step, learning_rate, decay_steps, decay_rate, staircase):
    return learning_rate * decay_rate ** np.asarray(step, dtype=float)


EXPONENTIAL_DECAY = Exercise(
    name="exponential_decay",
    args=("step", "learning_rate", "decay_steps", "decay_rate", "staircase"),
    outputs=("lr",),
    summary="The exponential-decay schedule of TF1 tf.train.exponential_decay (Keras ExponentialDecay).",
    lines=(
        ("p", "p = step / decay_steps, floored (floor, not round) when staircase is True"),
        ("lr", "lr = learning_rate * decay_rate ** p"),
    ),
    output_lines={"lr": "p"},
    notes=("step counts the updates already applied: the first update uses step = 0, where lr "
           "equals learning_rate. step may be an int or an integer numpy array (use np.floor, "
           "not math.floor, so arrays work); return the rate with step's shape."),
    cases=exponential_decay_cases,
    reference=exponential_decay_reference,
    mistakes=(ed_round, ed_ceil, ed_no_staircase, ed_always_floor, ed_step_plus_1, ed_step_minus_1,
              ed_natural_exp, ed_step_times_decay_steps, ed_per_step),
)


# =======================================================================================
# cosine_decay
# =======================================================================================
def cosine_decay_reference(step, learning_rate, decay_steps, alpha):
    """The library's schedule at ``step``."""
    return schedules.cosine_decay(learning_rate, decay_steps, alpha=alpha)(step)


def cosine_decay_cases():
    return [
        Case("step 0", dict(step=0, learning_rate=0.1, decay_steps=100, alpha=0.0)),
        Case("a quarter of the way (step 25)", dict(step=25, learning_rate=0.1, decay_steps=100, alpha=0.0)),
        Case("halfway, alpha = 0.1 (step 50)", dict(step=50, learning_rate=0.1, decay_steps=100, alpha=0.1)),
        Case("end of decay (step 100)", dict(step=100, learning_rate=0.1, decay_steps=100, alpha=0.1)),
        Case("past the end (step 150)", dict(step=150, learning_rate=0.1, decay_steps=100, alpha=0.1)),
        Case("array of steps 0, 10, ..., 300", dict(step=np.arange(0, 301, 10), learning_rate=0.5, decay_steps=200, alpha=0.05)),
    ]


def half_cosine(s, decay_steps):
    """½(1 + cos(π s / T)): from 1 at s = 0 to 0 at s = T."""
    return 0.5 * (1 + np.cos(np.pi * s / decay_steps))


@mistake("no_clamp", line="clip",
         title="no clamp after decay_steps: the rate rises again (PyTorch CosineAnnealingLR is periodic)",
         hint="Clamp the step first: s = np.minimum(step, decay_steps).")
def cos_no_clamp(step, learning_rate, decay_steps, alpha):
    cosine = half_cosine(np.asarray(step, dtype=float), decay_steps)
    return learning_rate * ((1 - alpha) * cosine + alpha)


@mistake("alpha_absolute", line="lr",
         title="alpha used as an absolute minimum rate (SGDR's η_min) instead of a fraction",
         hint="TF1's alpha is a fraction: learning_rate * ((1 - alpha) * cosine + alpha).")
def cos_alpha_absolute(step, learning_rate, decay_steps, alpha):
    cosine = half_cosine(np.minimum(step, decay_steps), decay_steps)
    return alpha + (learning_rate - alpha) * cosine


@mistake("alpha_unscaled", line="lr",
         title="alpha added without the (1 − alpha) factor",
         hint="lr = learning_rate * ((1 - alpha) * cosine + alpha): it then ends exactly at alpha * learning_rate.")
def cos_alpha_unscaled(step, learning_rate, decay_steps, alpha):
    cosine = half_cosine(np.minimum(step, decay_steps), decay_steps)
    return learning_rate * (cosine + alpha)


@mistake("alpha_ignored", line="lr",
         title="alpha is ignored (the rate decays to 0)",
         hint="Include the floor: learning_rate * ((1 - alpha) * cosine + alpha).")
def cos_alpha_ignored(step, learning_rate, decay_steps, alpha):
    return learning_rate * half_cosine(np.minimum(step, decay_steps), decay_steps)


@mistake("no_half", line="cosine",
         title="the factor 0.5 is missing: (1 + cos) starts at 2",
         hint="cosine = 0.5 * (1 + cos(pi * s / decay_steps)) runs from 1 to 0.")
def cos_no_half(step, learning_rate, decay_steps, alpha):
    cosine = 1 + np.cos(np.pi * np.minimum(step, decay_steps) / decay_steps)
    return learning_rate * ((1 - alpha) * cosine + alpha)


@mistake("two_pi", line="cosine",
         title="cos(2π s / T): a full period instead of half",
         hint="Use pi, not 2 * pi: the cosine goes from 1 to -1 once over decay_steps.")
def cos_two_pi(step, learning_rate, decay_steps, alpha):
    cosine = 0.5 * (1 + np.cos(2 * np.pi * np.minimum(step, decay_steps) / decay_steps))
    return learning_rate * ((1 - alpha) * cosine + alpha)


@mistake("step_plus_1", line="clip",
         title="decaying from step 1 instead of 0 (uses step + 1)",
         hint="step already counts updates applied: the first update uses step = 0 and lr = learning_rate.")
def cos_step_plus_1(step, learning_rate, decay_steps, alpha):
    cosine = half_cosine(np.minimum(np.asarray(step) + 1, decay_steps), decay_steps)
    return learning_rate * ((1 - alpha) * cosine + alpha)


COSINE_DECAY = Exercise(
    name="cosine_decay",
    args=("step", "learning_rate", "decay_steps", "alpha"),
    outputs=("lr",),
    summary="The cosine-decay schedule of TF1 tf.train.cosine_decay (Keras CosineDecay without warmup).",
    lines=(
        ("clip", "s = min(step, decay_steps)                (constant after the end)"),
        ("cosine", "cosine = 0.5 * (1 + cos(pi * s / decay_steps))"),
        ("lr", "lr = learning_rate * ((1 - alpha) * cosine + alpha)   (alpha is a FRACTION of learning_rate)"),
    ),
    output_lines={"lr": "cosine"},
    notes=("step counts the updates already applied (step 0 gives learning_rate). step may be an "
           "int or an integer numpy array: use np.minimum and np.cos so arrays work."),
    cases=cosine_decay_cases,
    reference=cosine_decay_reference,
    mistakes=(cos_no_clamp, cos_alpha_absolute, cos_alpha_unscaled, cos_alpha_ignored, cos_no_half, cos_two_pi,
              cos_step_plus_1),
)
