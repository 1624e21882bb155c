"""TF1 ``tf.compat.v1.train`` optimizers, built from the lrlessons core.

Same class names, positional order, keywords and defaults as TensorFlow 1 (``learning_rate``
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

>>> AdamOptimizer(0.001).hyperparameters["epsilon_hat"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import suggest_keywords
from ..optimizers import adadelta, adagrad, adam, momentum as _momentum, rmsprop, sgd
from ..optimizers._optimizer import Optimizer, framework_optimizer

__all__ = [
    "GradientDescentOptimizer",
    "MomentumOptimizer",
    "AdagradOptimizer",
    "RMSPropOptimizer",
    "AdamOptimizer",
    "AdadeltaOptimizer",
]

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
                               lr_in_buffer=True, initial_mean_square=1.0)


@suggest_keywords
def AdamOptimizer(learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999, epsilon: Any = 1e-8,
                  use_locking: bool = False, name: str = "Adam") -> Optimizer:
    r"""``tf.train.AdamOptimizer``: ε-hat Adam, :math:`\theta \leftarrow \theta - \mathrm{lr}\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\frac{m_t}{\sqrt{v_t} + \hat\epsilon}`."""
    return framework_optimizer("tf1.AdamOptimizer", adam, {**_LR, "eps": "epsilon"}, lr=learning_rate,
                               beta1=beta1, beta2=beta2, eps=epsilon, epsilon_hat=True)


@suggest_keywords
def AdadeltaOptimizer(learning_rate: Any = 0.001, rho: Any = 0.95, epsilon: Any = 1e-8, use_locking: bool = False,
                      name: str = "Adadelta") -> Optimizer:
    r"""``tf.train.AdadeltaOptimizer``: Zeiler's update times ``learning_rate`` (default 0.001, not the paper's 1)."""
    return framework_optimizer("tf1.AdadeltaOptimizer", adadelta, {**_LR, "eps": "epsilon"}, lr=learning_rate,
                               rho=rho, eps=epsilon)
