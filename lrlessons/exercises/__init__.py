r"""Homework checkers that say *which equation* a student's function gets wrong.

A lesson's exercise cell holds a stub; the student fills it in and runs::

    from lrlessons import exercises
    exercises.describe("adam_step")          # the signature and the equations to implement
    exercises.check("adam_step", my_adam_step)

:func:`check` runs the function on several cases (first step, later steps, zero gradients, a
batch of runs ``(B, d)``, float32, arrays of steps for schedules), compares every output with
the library's own optimizer or schedule (the reference is never re-typed here), checks that
no input array was modified, and, when something differs, compares the student's numbers
with known **wrong variants** (ε inside the square root, missing bias correction, ``round``
instead of ``floor``, …) to name the mistake and the equation line it sits on. It never
raises because of the student's function: a stub that raises ``NotImplementedError``,
returns ``None``, the wrong number of values or the wrong shape gives a failed result that
says what is missing, so lessons run under nbval with the stubs in place.

The checking engine is :mod:`lrlessons.exercises.engine`; the exercises are specified by
topic, each with its reference and its mistakes: ``gradient_descent`` (``gd_step``),
``momentum`` (``momentum_step``, ``nesterov_step``), ``adaptive`` (``adagrad_step``,
``rmsprop_step``, ``tf_rmsprop_step``), ``adam`` (``adam_step``, ``adamw_step``), ``decay``
(``exponential_decay``, ``cosine_decay``), ``warmup`` (``linear_warmup``,
``article_warmup``), ``cyclical`` (``triangular``), ``frameworks`` (``tf_adam_step``, the ε-hat Adam of
TF1 and Keras), ``step_decay`` (``multistep_lr``), ``modern_schedules`` (``tail_average``,
``wsd_one_minus_sqrt``), ``sharpness`` (``power_iteration``), ``batch_size``
(``two_batch_noise_scale``), ``sign_orthogonal`` (``lion_step``, ``newton_schulz``) and ``width``
(``mup_lr_scales``, μP's per-layer learning rates).
:data:`EXERCISES` maps each name to its :class:`~.engine.Exercise`.

>>> import numpy as np
>>> def my_gd_step(theta, grad, lr):
...     return theta - lr * grad
>>> result = check("gd_step", my_gd_step)
>>> result.passed
True
>>> print(result.message)
gd_step: all 5 cases pass.
>>> def stub(theta, grad, lr):
...     raise NotImplementedError
>>> print(check("gd_step", stub).message)
gd_step is not implemented yet: it raises NotImplementedError. Replace the `raise` line with your code (exercises.describe('gd_step') shows the signature and equations).

References: the update rules and their sources are documented in ``lrlessons.optimizers``
and ``lrlessons.schedules`` (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019;
Duchi et al. 2011; Tieleman & Hinton 2012; TF1 ``exponential_decay`` / ``cosine_decay``).
"""

from __future__ import annotations

from typing import Callable

from .._checks import check_choice
from . import engine
from .adam import ADAM_STEP, ADAMW_STEP
from .adaptive import ADAGRAD_STEP, RMSPROP_STEP, TF_RMSPROP_STEP
from .decay import COSINE_DECAY, EXPONENTIAL_DECAY
from .engine import CaseResult, CheckResult, Description, Exercise
from .frameworks import TF_ADAM_STEP
from .gradient_descent import GD_STEP
from .momentum import MOMENTUM_STEP, NESTEROV_STEP
from .warmup import ARTICLE_WARMUP, LINEAR_WARMUP
from .cyclical import TRIANGULAR
from .step_decay import MULTISTEP_LR
from .batch_size import TWO_BATCH_NOISE_SCALE
from .sharpness import POWER_ITERATION
from .width import MUP_LR_SCALES
from .sign_orthogonal import LION_STEP, NEWTON_SCHULZ
from .modern_schedules import TAIL_AVERAGE, WSD_ONE_MINUS_SQRT

__all__ = [
    "available", "describe", "check", "CheckResult", "CaseResult", "Description", "EXERCISES",
    "check_gd_step", "check_momentum_step", "check_nesterov_step", "check_adagrad_step",
    "check_rmsprop_step", "check_tf_rmsprop_step", "check_adam_step", "check_adamw_step",
    "check_exponential_decay", "check_cosine_decay", "check_linear_warmup", "check_article_warmup",
    "check_triangular", "check_tf_adam_step", "check_multistep_lr",
    "check_two_batch_noise_scale",
    "check_power_iteration",
    "check_mup_lr_scales",
    "check_lion_step", "check_newton_schulz",
    "check_tail_average", "check_wsd_one_minus_sqrt",
]

#: Every exercise by name, in lesson order.
EXERCISES: dict[str, Exercise] = {ex.name: ex for ex in (
    GD_STEP,                                            # 01 gradient descent
    MOMENTUM_STEP, NESTEROV_STEP,                       # 03 momentum and Nesterov
    ADAGRAD_STEP, RMSPROP_STEP, TF_RMSPROP_STEP,        # 04 Adagrad and RMSprop
    ADAM_STEP, ADAMW_STEP,                              # 05 the Adam family
    EXPONENTIAL_DECAY, COSINE_DECAY,                    # 02 decay schedules (cosine again in 09)
    LINEAR_WARMUP, ARTICLE_WARMUP,                      # 06 warmup
    TRIANGULAR,                                         # 07 cyclical learning rates
    TF_ADAM_STEP,                                       # 08 frameworks differ
    MULTISTEP_LR,                                       # 09 putting it together (step decay)
    TAIL_AVERAGE, WSD_ONE_MINUS_SQRT,                   # 10 schedules in current use
    POWER_ITERATION,                                    # 11 the edge of stability
    TWO_BATCH_NOISE_SCALE,                              # 12 batch size and noise
    LION_STEP, NEWTON_SCHULZ,                           # 13 sign and orthogonal updates
    MUP_LR_SCALES,                                      # 14 learning rates across width
)}


def available() -> tuple:
    """The names of the exercises, in lesson order.

    >>> available()[:3]
    ('gd_step', 'momentum_step', 'nesterov_step')
    """
    return tuple(EXERCISES)


def _get(name: str) -> Exercise:
    check_choice("exercises.check", "name", name, EXERCISES)
    return EXERCISES[name]


def describe(name: str) -> Description:
    """The signature to implement, the equations line by line, and the conventions.

    >>> print(describe("article_warmup"))
    article_warmup(step) -> lr
    The seed article's TF1 warmup: lr = step / 1000 * 0.01 while step < 1000 (tf.cond), then 0.01.
    <BLANKLINE>
      while step < 1000: lr = step / 1000 * 0.01
      from step 1000 on: lr = 0.01
    <BLANKLINE>
    step is TF1's global_step, the number of updates already applied (the first update uses step = 0). step may be an int or an integer numpy array (use np.where).
    """
    return engine.describe(_get(name))


def check(name: str, fn: Callable, *, timeout: float | None = engine.DEFAULT_TIMEOUT) -> CheckResult:
    """Run ``fn`` on the exercise's cases and explain what, if anything, is wrong.

    Parameters
    ----------
    name : str
        One of :func:`available` (``"adam_step"``, ``"exponential_decay"``, ...).
    fn : callable
        The student's function, with the signature :func:`describe` states. It is called
        with positional arguments, so parameter names may differ.
    timeout : float > 0 or None
        Seconds each call of ``fn`` may take (default 5; ``None``: no limit). A function that
        sleeps or loops forever fails with ``mistake == "timeout"`` instead of hanging the
        lesson; see :func:`lrlessons.exercises.engine.run_with_time_limit` for how.

    Returns
    -------
    CheckResult
        ``.passed``, ``.message``, ``.cases``, ``.mistake``. Never raises because of ``fn``
        (an exception, even one whose message cannot be printed, a complex result, an input
        modified in place, a time-out: each is a failure that says so); an unknown ``name``
        raises ``ValueError`` naming the closest exercise.

    >>> import numpy as np
    >>> def wrong(step, learning_rate, decay_steps, decay_rate, staircase):
    ...     p = step / decay_steps
    ...     return learning_rate * decay_rate ** (np.round(p) if staircase else p)
    >>> r = check("exponential_decay", wrong)
    >>> r.passed, r.mistake
    (False, 'round')
    """
    return engine.check(_get(name), fn, timeout=timeout)


# -- one shortcut per exercise: exercises.check_adam_step(my_adam_step) ----------------
def check_gd_step(fn: Callable) -> CheckResult:
    """``check('gd_step', fn)``: see :func:`check` and ``describe('gd_step')``."""
    return check("gd_step", fn)


def check_momentum_step(fn: Callable) -> CheckResult:
    """``check('momentum_step', fn)``: see :func:`check` and ``describe('momentum_step')``."""
    return check("momentum_step", fn)


def check_nesterov_step(fn: Callable) -> CheckResult:
    """``check('nesterov_step', fn)``: see :func:`check` and ``describe('nesterov_step')``."""
    return check("nesterov_step", fn)


def check_adagrad_step(fn: Callable) -> CheckResult:
    """``check('adagrad_step', fn)``: see :func:`check` and ``describe('adagrad_step')``."""
    return check("adagrad_step", fn)


def check_rmsprop_step(fn: Callable) -> CheckResult:
    """``check('rmsprop_step', fn)``: see :func:`check` and ``describe('rmsprop_step')``."""
    return check("rmsprop_step", fn)


def check_tf_rmsprop_step(fn: Callable) -> CheckResult:
    """``check('tf_rmsprop_step', fn)``: see :func:`check` and ``describe('tf_rmsprop_step')``."""
    return check("tf_rmsprop_step", fn)


def check_adam_step(fn: Callable) -> CheckResult:
    """``check('adam_step', fn)``: see :func:`check` and ``describe('adam_step')``."""
    return check("adam_step", fn)


def check_adamw_step(fn: Callable) -> CheckResult:
    """``check('adamw_step', fn)``: see :func:`check` and ``describe('adamw_step')``."""
    return check("adamw_step", fn)


def check_exponential_decay(fn: Callable) -> CheckResult:
    """``check('exponential_decay', fn)``: see :func:`check` and ``describe('exponential_decay')``."""
    return check("exponential_decay", fn)


def check_cosine_decay(fn: Callable) -> CheckResult:
    """``check('cosine_decay', fn)``: see :func:`check` and ``describe('cosine_decay')``."""
    return check("cosine_decay", fn)


def check_linear_warmup(fn: Callable) -> CheckResult:
    """``check('linear_warmup', fn)``: see :func:`check` and ``describe('linear_warmup')``."""
    return check("linear_warmup", fn)


def check_article_warmup(fn: Callable) -> CheckResult:
    """``check('article_warmup', fn)``: see :func:`check` and ``describe('article_warmup')``."""
    return check("article_warmup", fn)


def check_triangular(fn: Callable) -> CheckResult:
    """``check('triangular', fn)``: see :func:`check` and ``describe('triangular')``."""
    return check("triangular", fn)


def check_tf_adam_step(fn: Callable) -> CheckResult:
    """``check('tf_adam_step', fn)``: see :func:`check` and ``describe('tf_adam_step')``."""
    return check("tf_adam_step", fn)


def check_multistep_lr(fn: Callable) -> CheckResult:
    """``check('multistep_lr', fn)``: see :func:`check` and ``describe('multistep_lr')``."""
    return check("multistep_lr", fn)


def check_two_batch_noise_scale(fn: Callable) -> CheckResult:
    """``check('two_batch_noise_scale', fn)``: see :func:`check` and ``describe('two_batch_noise_scale')``."""
    return check("two_batch_noise_scale", fn)


def check_power_iteration(fn: Callable) -> CheckResult:
    """``check('power_iteration', fn)``: see :func:`check` and ``describe('power_iteration')``."""
    return check("power_iteration", fn)


def check_mup_lr_scales(fn: Callable) -> CheckResult:
    """``check('mup_lr_scales', fn)``: see :func:`check` and ``describe('mup_lr_scales')``."""
    return check("mup_lr_scales", fn)


def check_lion_step(fn: Callable) -> CheckResult:
    """``check('lion_step', fn)``: see :func:`check` and ``describe('lion_step')``."""
    return check("lion_step", fn)


def check_newton_schulz(fn: Callable) -> CheckResult:
    """``check('newton_schulz', fn)``: see :func:`check` and ``describe('newton_schulz')``."""
    return check("newton_schulz", fn)


def check_tail_average(fn: Callable) -> CheckResult:
    """``check('tail_average', fn)``: see :func:`check` and ``describe('tail_average')``."""
    return check("tail_average", fn)


def check_wsd_one_minus_sqrt(fn: Callable) -> CheckResult:
    """``check('wsd_one_minus_sqrt', fn)``: see :func:`check` and ``describe('wsd_one_minus_sqrt')``."""
    return check("wsd_one_minus_sqrt", fn)
