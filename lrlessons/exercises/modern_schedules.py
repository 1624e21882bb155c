r"""Exercises of lesson 10 (schedules in current use): ``tail_average`` and ``wsd_one_minus_sqrt``.

``tail_average``: the Polyak–Ruppert average of a recorded trajectory from step ``start`` on,
the running mean that schedule-free SGD keeps as its :math:`x` sequence:

.. math::
    \bar\theta_k = \frac{1}{k - s + 1} \sum_{j=s}^{k} \theta_j \quad (k \ge s), \qquad
    \bar\theta_k = \theta_k \quad (k < s).

The reference is the library's ``lrlessons.averaging.polyak_average(thetas, start)``.

``wsd_one_minus_sqrt``: warmup–stable–decay with no warmup and the :math:`1-\sqrt{s}` cooldown of
Hägele et al. (2024, arXiv:2405.18392), :math:`\eta = F + (P - F)(1 - \sqrt{s})` with
:math:`s = \operatorname{clip}((t - (T - D))/D, 0, 1)`; the reference is
``lrlessons.schedules.wsd(P, T, 0, D, F, decay_shape="1-sqrt")``.

>>> from lrlessons.exercises.engine import check
>>> def from_zero(thetas, start):
...     out = np.array(thetas, dtype=float)
...     k = np.arange(len(out)).reshape((-1,) + (1,) * (out.ndim - 1))
...     out[start:] = np.cumsum(out[start:], axis=0) / (k[start:] + 1)
...     return out
>>> check(TAIL_AVERAGE, from_zero).mistake
'counts_from_zero'
"""

from __future__ import annotations

import numpy as np

from .. import schedules
from ..averaging import polyak_average
from .engine import Case, Exercise, mistake

__all__ = ["TAIL_AVERAGE", "WSD_ONE_MINUS_SQRT"]


def reference(thetas, start):
    """The library's running Polyak average from ``start``."""
    return polyak_average(thetas, start=start)


def cases():
    rng = np.random.default_rng(10)
    return [
        Case("from step 0, one parameter", dict(thetas=np.array([[0.0], [2.0], [4.0], [6.0]]), start=0)),
        Case("from step 2", dict(thetas=np.array([[0.0], [2.0], [4.0], [6.0], [1.0]]), start=2)),
        Case("2 parameters, from step 3", dict(thetas=rng.normal(size=(8, 2)), start=3)),
        Case("a batched run (steps, B, d), from step 5", dict(thetas=rng.normal(size=(12, 3, 2)), start=5)),
        Case("only the last iterate", dict(thetas=rng.normal(size=(6, 2)), start=5)),
        Case("float32 iterates", dict(thetas=rng.normal(size=(7, 2)).astype(np.float32), start=1), float32=True),
    ]


def _float(thetas):
    th = np.asarray(thetas)
    return th.astype(np.result_type(th, 1.0))


def _steps(th):
    return np.arange(th.shape[0]).reshape((-1,) + (1,) * (th.ndim - 1)).astype(th.dtype)


@mistake("counts_from_zero", line="mean",
         title="divides by k + 1 (steps since 0) instead of k − start + 1 (iterates averaged)",
         hint="The average from step `start` has k - start + 1 terms: divide the running sum by that.")
def counts_from_zero(thetas, start):
    th = _float(thetas)
    out = th.copy()
    out[start:] = np.cumsum(th[start:], axis=0) / (_steps(th)[start:] + 1)
    return out


@mistake("excludes_current", line="mean",
         title="leaves out the current iterate θ_k (averages θ_start … θ_{k−1})",
         hint="Row k averages θ_start, …, θ_k, the current iterate included.")
def excludes_current(thetas, start):
    th = _float(thetas)
    out = th.copy()
    for k in range(start + 1, th.shape[0]):
        out[k] = th[start:k].mean(axis=0)
    return out


@mistake("ignores_start", line="mean",
         title="averages from step 0 whatever start is",
         hint="Only θ_start, …, θ_k enter the average; the early iterates are far from the minimum.")
def ignores_start(thetas, start):
    th = _float(thetas)
    return np.cumsum(th, axis=0) / (_steps(th) + 1)


@mistake("before_start", line="before",
         title="rows before start are not the iterates themselves",
         hint="Before `start` nothing is averaged yet: copy θ_k into row k.")
def before_start(thetas, start):
    th = _float(thetas)
    out = np.zeros_like(th)
    out[start:] = np.cumsum(th[start:], axis=0) / (_steps(th)[start:] - start + 1)
    return out


@mistake("sum_not_mean", line="mean",
         title="the running sum, not the running mean",
         hint="Divide the running sum by the number of iterates in it, k - start + 1.")
def sum_not_mean(thetas, start):
    th = _float(thetas)
    out = th.copy()
    out[start:] = np.cumsum(th[start:], axis=0)
    return out


TAIL_AVERAGE = Exercise(
    name="tail_average",
    args=("thetas", "start"),
    outputs=("averages",),
    summary="The running Polyak–Ruppert average of a trajectory from step start on (schedule-free's x).",
    lines=(
        ("before", "for k < start: averages[k] = thetas[k]"),
        ("mean", "for k >= start: averages[k] = (thetas[start] + ... + thetas[k]) / (k - start + 1)"),
    ),
    output_lines={"averages": "mean"},
    notes=("thetas has the step on axis 0 (shape (steps+1, d) or (steps+1, B, d), like ll.run(...).theta); "
           "return an array of the same shape (float32 stays float32). np.cumsum(..., axis=0) gives running sums. "
           "Do not modify thetas."),
    cases=cases,
    reference=reference,
    mistakes=(counts_from_zero, excludes_current, ignores_start, before_start, sum_not_mean),
    array_inputs=("thetas",),
)


# =======================================================================================
# wsd_one_minus_sqrt: warmup-stable-decay with the 1 − √ cooldown, no warmup
# =======================================================================================
def wsd_reference(step, peak_lr, total_steps, decay_steps, final_lr):
    """The library's ``schedules.wsd(..., warmup_steps=0, decay_shape="1-sqrt")`` at ``step``."""
    return schedules.wsd(peak_lr, total_steps, 0, decay_steps, final_lr, decay_shape="1-sqrt")(step)


def wsd_cases():
    base = dict(peak_lr=0.5, total_steps=100, decay_steps=20, final_lr=0.0)
    return [
        Case("stable phase (step 10)", dict(step=10, **base)),
        Case("first cooldown step (step 80)", dict(step=80, **base)),
        Case("a quarter into the cooldown (step 85)", dict(step=85, **base)),
        Case("end of the run (step 100)", dict(step=100, **base)),
        Case("after the run (step 130)", dict(step=130, **base)),
        Case("final_lr = 0.05, steps 0..120", dict(step=np.arange(121), peak_lr=0.5, total_steps=100,
                                                   decay_steps=40, final_lr=0.05)),
    ]


def _s(step, total_steps, decay_steps):
    return np.clip((np.asarray(step, dtype=float) - (total_steps - decay_steps)) / decay_steps, 0.0, 1.0)


@mistake("sqrt_of_one_minus", line="cooldown",
         title="√(1 − s) instead of 1 − √s (optax's polynomial_schedule with power 0.5)",
         hint="The cooldown factor is 1 - np.sqrt(s): it drops fast at first and slowly at the end.")
def sqrt_of_one_minus(step, peak_lr, total_steps, decay_steps, final_lr):
    s = _s(step, total_steps, decay_steps)
    return final_lr + (peak_lr - final_lr) * np.sqrt(1 - s)


@mistake("ignores_final", line="cooldown",
         title="the cooldown ends at 0, not at final_lr",
         hint="Interpolate between the two rates: final_lr + (peak_lr - final_lr) * (1 - sqrt(s)).")
def ignores_final(step, peak_lr, total_steps, decay_steps, final_lr):
    s = _s(step, total_steps, decay_steps)
    return peak_lr * (1 - np.sqrt(s))


@mistake("from_start", line="s",
         title="s counts from step 0 (s = step / decay_steps), not from the start of the cooldown",
         hint="The cooldown starts at total_steps - decay_steps: s = (step - (total_steps - decay_steps)) / decay_steps.")
def from_start(step, peak_lr, total_steps, decay_steps, final_lr):
    s = np.clip(np.asarray(step, dtype=float) / decay_steps, 0.0, 1.0)
    return final_lr + (peak_lr - final_lr) * (1 - np.sqrt(s))


@mistake("no_clip", line="s",
         title="s is not clipped to [0, 1]: the rate keeps falling after total_steps",
         hint="s = np.clip((step - (total_steps - decay_steps)) / decay_steps, 0, 1): after the run the rate stays "
              "final_lr.")
def no_clip(step, peak_lr, total_steps, decay_steps, final_lr):
    s = np.maximum((np.asarray(step, dtype=float) - (total_steps - decay_steps)) / decay_steps, 0.0)
    return final_lr + (peak_lr - final_lr) * (1 - np.sqrt(s))


@mistake("linear", line="cooldown",
         title="a linear cooldown (1 − s) instead of 1 − √s",
         hint="Take the square root of s: final_lr + (peak_lr - final_lr) * (1 - np.sqrt(s)).")
def linear_cooldown(step, peak_lr, total_steps, decay_steps, final_lr):
    s = _s(step, total_steps, decay_steps)
    return final_lr + (peak_lr - final_lr) * (1 - s)


WSD_ONE_MINUS_SQRT = Exercise(
    name="wsd_one_minus_sqrt",
    args=("step", "peak_lr", "total_steps", "decay_steps", "final_lr"),
    outputs=("lr",),
    summary="Warmup-stable-decay without warmup and with the 1 − √ cooldown (Hägele et al. 2024).",
    lines=(
        ("s", "s = clip((step - (total_steps - decay_steps)) / decay_steps, 0, 1)"),
        ("cooldown", "lr = final_lr + (peak_lr - final_lr) * (1 - sqrt(s))   (= peak_lr while s = 0)"),
    ),
    output_lines={"lr": "cooldown"},
    notes=("step counts updates already applied; it may be an int or an integer numpy array (use np.clip and "
           "np.sqrt, no if). This is lrlessons.schedules.wsd(peak_lr, total_steps, 0, decay_steps, final_lr, "
           "decay_shape='1-sqrt')."),
    cases=wsd_cases,
    reference=wsd_reference,
    mistakes=(sqrt_of_one_minus, ignores_final, from_start, no_clip, linear_cooldown),
)
