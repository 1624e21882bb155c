r"""TF1 ``tf.compat.v1.train``: the learning-rate decay functions and the optimizers, reproduced with lrlessons.

**Schedules.** Each function has TF1's signature, ``(learning_rate, global_step, ...)``. When
``global_step`` is an int or an int array it returns the values (array in, array out, like
evaluating the tensor); when it is ``None`` it returns the schedule itself, ready to be
passed to an optimizer as its learning rate. Sources: tensorflow/tensorflow
``python/keras/optimizer_v2/legacy_learning_rate_decay.py`` (re-exported by
``python/training/learning_rate_decay.py``).

Values here are float64. TF computes in the dtype of ``learning_rate`` (float32 for a Python
float), except that ``cosine_decay``, ``cosine_decay_restarts`` and ``linear_cosine_decay``
multiply by a float32 ``constant(math.pi)`` and so only run in float32: expect agreement to
about 1e-6 with real TF there, 1e-12 elsewhere when TF is given float64 inputs.

>>> lr = exponential_decay(0.1, None, 1000, 0.96, staircase=True)   # the article's schedule
>>> lr
ExponentialDecay(learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> print(f"{float(exponential_decay(0.1, 2500, 1000, 0.96, staircase=True)):.6f}")
0.092160

**Optimizers.** Same class names, positional order, keywords and defaults as TensorFlow 1 (``learning_rate``
first; ``use_locking`` and ``name`` are accepted and ignored). The conventions are those of the
C++ kernels in ``tensorflow/core/kernels/training_ops.cc``:

- ``MomentumOptimizer``: ``a ← μa + g; θ ← θ − lr·a`` (lr outside the accumulator; Nesterov
  ``θ ← θ − lr·(g + μa)``).
- ``AdagradOptimizer``: accumulator starts at 0.1 (must be > 0) and there is **no ε**:
  ``θ ← θ − lr·g/√A``.
- ``RMSPropOptimizer``: the mean square starts at **1.0**, ε inside the root, and the learning
  rate inside the momentum buffer (``mom ← μ·mom + lr·g/√(ms + ε)``).
- ``AdamOptimizer``: the ε-hat form ``lr_t = lr·√(1−β2^t)/(1−β1^t)``, ``θ ← θ − lr_t·m/(√v + ε̂)``.
- ``AdadeltaOptimizer``: lr 0.001, ρ 0.95, ε 1e-8, ε inside both roots.

``learning_rate`` may be a number, a ``(B,)`` array or a schedule such as
``tf1.exponential_decay(0.1, None, 1000, 0.96)`` (read at the ``global_step`` before the update).
TF1 does not validate ``epsilon``: ``epsilon=0`` is accepted (the core factories ask ε > 0), a
negative ε raises.

>>> AdamOptimizer(0.001).hyperparameters["epsilon_hat"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import schedules as S
from ..schedules.base import speaks_as
from .._checks import suggest_keywords
from ..optimizers import adadelta, adagrad, adam, momentum as _momentum, rmsprop, sgd
from ..optimizers.base import Optimizer, framework_flag, framework_number, framework_optimizer

#: Parameters TF1 accepts as 0 where the core asks for > 0 (see ``framework_optimizer``).
_EPS0 = ("eps",)

#: The names of TF1's learning-rate decay functions and optimizers (``lrlessons.frameworks.registry``).
SCHEDULES = ("exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay", "piecewise_constant", "cosine_decay", "cosine_decay_restarts", "linear_cosine_decay")
OPTIMIZERS = ("GradientDescentOptimizer", "MomentumOptimizer", "AdagradOptimizer", "RMSPropOptimizer", "AdamOptimizer", "AdadeltaOptimizer")

__all__ = [*SCHEDULES, *OPTIMIZERS]

# ----------------------------------------------------------------------------------------
# Learning-rate decay (tensorflow/python/keras/optimizer_v2/legacy_learning_rate_decay.py)
# ----------------------------------------------------------------------------------------


def _apply(schedule: S.Schedule, global_step: Any):
    if global_step is None:
        return schedule
    if isinstance(global_step, S.Schedule) or callable(global_step):
        raise TypeError(
            f"The 'global_step' argument must be None (to get the schedule), an integer or an integer array. "
            f"Got {global_step!r} instead."
        )
    return schedule(global_step)


@suggest_keywords
@speaks_as('exponential_decay')
def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    r"""``tf.compat.v1.train.exponential_decay``: :math:`\eta_0 r^{p}` (core :func:`~lrlessons.schedules.exponential_decay`).

    >>> [f"{v:.4f}" for v in exponential_decay(0.1, [0, 999, 1000], 1000, 0.96, staircase=True)]
    ['0.1000', '0.1000', '0.0960']
    """
    return _apply(S.exponential_decay(learning_rate, decay_steps, decay_rate, staircase), global_step)


@suggest_keywords
@speaks_as('natural_exp_decay')
def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    r"""``tf.compat.v1.train.natural_exp_decay``: :math:`\eta_0 e^{-k p}` (core :func:`~lrlessons.schedules.natural_exp_decay`).

    >>> print(f"{float(natural_exp_decay(0.1, 5, 5, 0.5)):.6f}")
    0.060653
    """
    return _apply(S.natural_exp_decay(learning_rate, decay_steps, decay_rate, staircase), global_step)


@suggest_keywords
@speaks_as('inverse_time_decay')
def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    r"""``tf.compat.v1.train.inverse_time_decay``: :math:`\eta_0/(1 + k p)` (core :func:`~lrlessons.schedules.inverse_time_decay`).

    >>> print(f"{float(inverse_time_decay(0.1, 10, 10, 1.0)):.3f}")
    0.050
    """
    return _apply(S.inverse_time_decay(learning_rate, decay_steps, decay_rate, staircase), global_step)


@suggest_keywords
@speaks_as('polynomial_decay')
def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False, name=None):
    r"""``tf.compat.v1.train.polynomial_decay`` with TF's ``cycle`` (core :func:`~lrlessons.schedules.polynomial_decay`).

    >>> [f"{v:.2f}" for v in polynomial_decay(1.0, [10, 11, 20, 21], 10, 0.0, cycle=True)]
    ['0.00', '0.45', '0.00', '0.30']
    """
    return _apply(S.polynomial_decay(learning_rate, decay_steps, end_learning_rate, power, cycle), global_step)


@suggest_keywords
@speaks_as('piecewise_constant')
def piecewise_constant(x, boundaries, values, name=None):
    r"""``tf.compat.v1.train.piecewise_constant(x, boundaries, values)``: changes one step **after** each boundary.

    ``values[0]`` while ``x <= boundaries[0]`` (core :func:`~lrlessons.schedules.piecewise_constant`,
    ``closed="right"``). The docstring's example keeps 1.0 for the first 100001 steps:

    >>> [float(v) for v in piecewise_constant([100000, 100001, 110001], [100000, 110000], [1.0, 0.5, 0.1])]
    [1.0, 0.5, 0.1]
    """
    return _apply(S.piecewise_constant(boundaries, values, closed="right"), x)


@suggest_keywords
@speaks_as('cosine_decay')
def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    r"""``tf.compat.v1.train.cosine_decay``: clamps at :math:`\alpha\eta_0` after ``decay_steps`` (core :func:`~lrlessons.schedules.cosine_decay`).

    >>> [f"{v:.3f}" for v in cosine_decay(1.0, [0, 50, 100, 150], 100, alpha=0.1)]
    ['1.000', '0.550', '0.100', '0.100']
    """
    return _apply(S.cosine_decay(learning_rate, decay_steps, alpha), global_step)


@suggest_keywords
@speaks_as('cosine_decay_restarts')
def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None):
    r"""``tf.compat.v1.train.cosine_decay_restarts`` (SGDR; core :func:`~lrlessons.schedules.cosine_decay_restarts`).

    >>> [f"{v:.3f}" for v in cosine_decay_restarts(1.0, [0, 10, 30], 10, m_mul=0.5, alpha=0.1)]
    ['1.000', '0.550', '0.325']
    """
    return _apply(S.cosine_decay_restarts(learning_rate, first_decay_steps, t_mul, m_mul, alpha), global_step)


@suggest_keywords
@speaks_as('linear_cosine_decay')
def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None):
    r"""``tf.compat.v1.train.linear_cosine_decay`` (Bello et al. 2017; core :func:`~lrlessons.schedules.linear_cosine_decay`).

    >>> [f"{v:.4f}" for v in linear_cosine_decay(1.0, [0, 100], 100)]
    ['1.0010', '0.0010']
    """
    return _apply(S.linear_cosine_decay(learning_rate, decay_steps, num_periods, alpha, beta), global_step)


# ----------------------------------------------------------------------------------------
# Optimizers (tensorflow/python/training/*.py; math in tensorflow/core/kernels/training_ops.cc)
# ----------------------------------------------------------------------------------------
# Each returns a core Optimizer whose ``source`` prints the variant these keywords pick:
# AdamOptimizer -> adam.update_epsilon_hat; AdagradOptimizer -> adagrad.update_no_eps;
# RMSPropOptimizer -> rmsprop.update_eps_in_sqrt (+ rmsprop.velocity_step with momentum).
_LR = {"lr": "learning_rate"}


@suggest_keywords
def GradientDescentOptimizer(learning_rate: Any, use_locking: bool = False,
                             name: str = "GradientDescent") -> Optimizer:
    r"""``tf.train.GradientDescentOptimizer``: :math:`\theta \leftarrow \theta - \mathrm{lr}\, g`."""
    return framework_optimizer("tf1.GradientDescentOptimizer", sgd, _LR, lr=learning_rate)


@suggest_keywords
def MomentumOptimizer(learning_rate: Any, momentum: Any, use_locking: bool = False, name: str = "Momentum",
                      use_nesterov: bool = False) -> Optimizer:
    r"""``tf.train.MomentumOptimizer``: :math:`a \leftarrow \mu a + g`, :math:`\theta \leftarrow \theta - \mathrm{lr}\, a`.

    With ``use_nesterov``: :math:`\theta \leftarrow \theta - \mathrm{lr}(g + \mu a)`. ``momentum=0``
    is plain gradient descent.
    """
    framework_number("tf1.MomentumOptimizer", "momentum", momentum)
    framework_flag("tf1.MomentumOptimizer", "use_nesterov", use_nesterov)
    if not np.any(np.asarray(momentum) != 0):
        return framework_optimizer("tf1.MomentumOptimizer", sgd, _LR, lr=learning_rate)
    return framework_optimizer("tf1.MomentumOptimizer", _momentum, {**_LR, "nesterov": "use_nesterov"},
                               lr=learning_rate, momentum=momentum, nesterov=use_nesterov, lr_in_buffer=False)


@suggest_keywords
def AdagradOptimizer(learning_rate: Any, initial_accumulator_value: Any = 0.1, use_locking: bool = False,
                     name: str = "Adagrad") -> Optimizer:
    r"""``tf.train.AdagradOptimizer``: :math:`A \leftarrow A + g^2`, :math:`\theta \leftarrow \theta - \mathrm{lr}\, g/\sqrt{A}` (no ε).

    First step with :math:`g = 0.01`: :math:`0.0316\cdot\mathrm{lr}` (PyTorch about 1.0·lr).
    """
    framework_number("tf1.AdagradOptimizer", "initial_accumulator_value", initial_accumulator_value)
    if not np.all(np.asarray(initial_accumulator_value) > 0):
        raise ValueError("The 'initial_accumulator_value' parameter of tf1.AdagradOptimizer must be in "
                         f"(0, inf) (TF1 has no epsilon). Got {initial_accumulator_value!r} instead.")
    return framework_optimizer("tf1.AdagradOptimizer", adagrad, _LR, lr=learning_rate,
                               initial_accumulator_value=initial_accumulator_value, eps=0.0, eps_in_sqrt=True)


@suggest_keywords
def RMSPropOptimizer(learning_rate: Any, decay: Any = 0.9, momentum: Any = 0.0, epsilon: Any = 1e-10,
                     use_locking: bool = False, centered: bool = False, name: str = "RMSProp") -> Optimizer:
    r"""``tf.train.RMSPropOptimizer``: :math:`ms_0 = 1`, :math:`\sqrt{ms + \epsilon}`, lr inside the momentum buffer.

    First step with :math:`g = 0.01`: :math:`0.0105\cdot\mathrm{lr}` (the mean square starts at 1).
    """
    return framework_optimizer("tf1.RMSPropOptimizer", rmsprop, {**_LR, "eps": "epsilon"}, lr=learning_rate,
                               decay=decay, momentum=momentum, eps=epsilon, centered=centered, eps_in_sqrt=True,
                               lr_in_buffer=True, initial_mean_square=1.0, zero_ok=_EPS0)


@suggest_keywords
def AdamOptimizer(learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999, epsilon: Any = 1e-8,
                  use_locking: bool = False, name: str = "Adam") -> Optimizer:
    r"""``tf.train.AdamOptimizer``: ε-hat Adam, :math:`\theta \leftarrow \theta - \mathrm{lr}\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\frac{m_t}{\sqrt{v_t} + \hat\epsilon}`."""
    return framework_optimizer("tf1.AdamOptimizer", adam, {**_LR, "eps": "epsilon"}, lr=learning_rate,
                               beta1=beta1, beta2=beta2, eps=epsilon, epsilon_hat=True, zero_ok=_EPS0)


@suggest_keywords
def AdadeltaOptimizer(learning_rate: Any = 0.001, rho: Any = 0.95, epsilon: Any = 1e-8, use_locking: bool = False,
                      name: str = "Adadelta") -> Optimizer:
    r"""``tf.train.AdadeltaOptimizer``: Zeiler's update times ``learning_rate`` (default 0.001, not the paper's 1)."""
    return framework_optimizer("tf1.AdadeltaOptimizer", adadelta, {**_LR, "eps": "epsilon"}, lr=learning_rate,
                               rho=rho, eps=epsilon, zero_ok=_EPS0)
