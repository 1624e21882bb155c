r"""Exercise ``multistep_lr`` (lesson 09): PyTorch's ``MultiStepLR`` step decay.

The rate is multiplied by ``gamma`` **at** each milestone, and a milestone listed twice cuts
twice (``torch.optim.lr_scheduler.MultiStepLR`` counts the milestones with ``Counter``):

.. math::
    k(t) = \#\{\, i : m_i \le t \,\}, \qquad \eta(t) = \eta_0\, \gamma^{k(t)}

``t`` (``step``) counts the updates already applied, so the update with index
:math:`t = m` already uses the cut rate. TF1's ``piecewise_constant`` and Keras'
``PiecewiseConstantDecay`` keep the old value *at* a boundary and change one step later: the
mistake ``tf_boundary`` below. The reference is the library's
:func:`lrlessons.frameworks.pytorch.MultiStepLR` (a :func:`lrlessons.schedules.piecewise_constant`
with PyTorch's boundary convention, ``closed="left"``).

>>> from lrlessons.exercises.engine import check
>>> def one_step_late(step, learning_rate, milestones, gamma):
...     k = sum(np.asarray(step) > m for m in milestones)
...     return learning_rate * gamma ** k
>>> check(MULTISTEP_LR, one_step_late).mistake
'tf_boundary'
"""

from __future__ import annotations

import numpy as np

from ..frameworks import pytorch
from .engine import Case, Exercise, mistake

__all__ = ["MULTISTEP_LR"]


def multistep_lr_reference(step, learning_rate, milestones, gamma):
    """The library's PyTorch ``MultiStepLR`` at ``step``: one cut per listed milestone, changing AT it."""
    return pytorch.MultiStepLR(learning_rate, milestones, gamma)(step)


def multistep_lr_cases():
    lesson = dict(learning_rate=0.5, milestones=(250, 375), gamma=0.1)
    return [
        Case("step 0", dict(step=0, **lesson)),
        Case("just before the first milestone (step 249)", dict(step=249, **lesson)),
        Case("on the first milestone (step 250)", dict(step=250, **lesson)),
        Case("between the milestones (step 300)", dict(step=300, **lesson)),
        Case("on the second milestone (step 375)", dict(step=375, **lesson)),
        Case("past the last milestone (step 1000)", dict(step=1000, **lesson)),
        Case("a milestone listed twice (30, 30, 80), step 40",
             dict(step=40, learning_rate=0.2, milestones=(30, 30, 80), gamma=0.5)),
        Case("milestones not in order (80, 30), step 50",
             dict(step=50, learning_rate=0.2, milestones=(80, 30), gamma=0.5)),
        Case("array of steps 0, 25, ..., 475", dict(step=np.arange(0, 500, 25), learning_rate=1.0,
                                                    milestones=(100, 200, 300), gamma=0.3)),
    ]


def cuts(step, milestones, shift=0):
    """How many milestones ``m`` satisfy ``m <= step + shift`` (repeated ones count twice)."""
    t = np.asarray(step)[..., None] + shift
    return np.sum(np.asarray(milestones) <= t, axis=-1)


@mistake("tf_boundary", line="count",
         title="the cut comes one step late: m < step (TF1's piecewise_constant), not m <= step",
         hint="PyTorch's MultiStepLR cuts AT the milestone: count the milestones m with m <= step.")
def ms_tf_boundary(step, learning_rate, milestones, gamma):
    return learning_rate * gamma ** cuts(step, milestones, shift=-1)


@mistake("step_plus_1", line="count",
         title="the cut comes one step early (counted at step + 1)",
         hint="step counts the updates already applied: the update with step = m is the first with the cut rate.")
def ms_step_plus_1(step, learning_rate, milestones, gamma):
    return learning_rate * gamma ** cuts(step, milestones, shift=1)


@mistake("first_cut_only", line="count",
         title="only one cut: gamma is applied once after the first milestone",
         hint="Every milestone passed multiplies the rate by gamma again: lr = learning_rate * gamma ** k.")
def ms_first_cut_only(step, learning_rate, milestones, gamma):
    return learning_rate * gamma ** np.minimum(cuts(step, milestones), 1)


@mistake("distinct_milestones", line="count",
         title="a milestone listed twice cuts only once",
         hint="PyTorch counts the milestones with Counter: (30, 30, 80) cuts twice at 30. "
              "Count every entry m <= step, not the distinct values.")
def ms_distinct(step, learning_rate, milestones, gamma):
    return learning_rate * gamma ** cuts(step, sorted(set(milestones)))


@mistake("assumes_sorted", line="count",
         title="the milestones are assumed to be in increasing order (np.searchsorted on an unsorted list)",
         hint="PyTorch accepts milestones in any order: count the m <= step (np.sum), or sort them first.")
def ms_assumes_sorted(step, learning_rate, milestones, gamma):
    return learning_rate * gamma ** np.searchsorted(np.asarray(milestones), step, side="right")


@mistake("gamma_removed", line="lr",
         title="gamma is taken as the fraction removed: lr * (1 - gamma) ** k",
         hint="gamma is the factor kept: gamma = 0.1 leaves a tenth of the rate, lr = learning_rate * gamma ** k.")
def ms_gamma_removed(step, learning_rate, milestones, gamma):
    return learning_rate * (1 - gamma) ** cuts(step, milestones)


@mistake("linear", line="lr",
         title="the cuts add up instead of multiplying: lr * (1 - k * (1 - gamma))",
         hint="Each cut multiplies the current rate by gamma: lr = learning_rate * gamma ** k.")
def ms_linear(step, learning_rate, milestones, gamma):
    return learning_rate * (1 - cuts(step, milestones) * (1 - gamma))


MULTISTEP_LR = Exercise(
    name="multistep_lr",
    args=("step", "learning_rate", "milestones", "gamma"),
    outputs=("lr",),
    summary="PyTorch's MultiStepLR: the rate is multiplied by gamma at each milestone.",
    lines=(
        ("count", "k = the number of milestones m with m <= step   (a milestone listed twice counts twice)"),
        ("lr", "lr = learning_rate * gamma ** k"),
    ),
    output_lines={"lr": "count"},
    notes=("step counts the updates already applied: the update with step = m already uses the cut "
           "rate. milestones is a tuple of ints, in any order. step may be an int or an integer "
           "numpy array: count with numpy (a comparison and np.sum), not a Python `if` on step."),
    cases=multistep_lr_cases,
    reference=multistep_lr_reference,
    mistakes=(ms_tf_boundary, ms_step_plus_1, ms_first_cut_only, ms_distinct, ms_assumes_sorted,
              ms_gamma_removed, ms_linear),
)
