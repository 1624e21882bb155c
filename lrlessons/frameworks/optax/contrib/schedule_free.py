r"""``optax.contrib.schedule_free_sgd``, ``schedule_free_adamw`` and ``schedule_free_eval_params`` (optax 0.2.x).

Same names, keywords and defaults as optax (google-deepmind/optax ``optax/contrib/_schedule_free.py``),
built from :func:`lrlessons.optimizers.schedule_free_sgd` / :func:`~lrlessons.optimizers.schedule_free_adamw`
with ``convention="optax"``, which differs from the paper's package (``schedulefree``):

- with ``warmup_steps=W`` the rate is ``warmup_constant_schedule(0, lr, W)`` evaluated on optax's
  int32 counts in float32: the z-step uses :math:`\alpha\min(1, (t-1)/W)` (the first update has
  rate 0), the averaging weight :math:`\alpha\min(1, t/W)`; without warmup the rate is ``lr`` itself;
- the averaging weight is :math:`(\max_{i\le t}\gamma'_i)^p` (no ``r``);
- the parameters move by ``optax.apply_updates``: :math:`\theta_{t+1} = \theta_t + (y_{t+1} - y_t)`.

The parameters are :math:`y`; evaluate at :func:`schedule_free_eval_params` :math:`= (y - (1-b_1)z)/b_1`.
``warmup_steps=None`` and ``0`` both mean no warmup. ``state_dtype`` is refused (lrlessons keeps the
parameters' dtype). ``learning_rate`` may be a number, a ``(B,)`` array or a schedule (without warmup).

>>> schedule_free_adamw().hyperparameters["convention"]
'optax'
"""

from __future__ import annotations

from typing import Any

from ...._checks import suggest_keywords
from ....optimizers import schedule_free_adamw as _schedule_free_adamw, schedule_free_sgd as _schedule_free_sgd
from ....optimizers import schedule_free_eval_params as _eval_params
from ....optimizers.base import Optimizer, framework_number, framework_optimizer

__all__ = ["schedule_free_sgd", "schedule_free_adamw", "schedule_free_eval_params"]

_NAMES = {"lr": "learning_rate", "momentum": "b1", "beta1": "b1", "beta2": "b2"}


def _options(owner: str, warmup_steps: Any, weight_decay: Any, state_dtype: Any) -> tuple:
    """optax's ``None`` defaults as numbers; ``state_dtype`` refused."""
    if state_dtype is not None:
        raise ValueError(f"The 'state_dtype' parameter of {owner} must be None: lrlessons keeps the parameters' "
                         f"dtype. Got {state_dtype!r} instead.")
    framework_number(owner, "weight_decay", weight_decay)
    return (0 if warmup_steps is None else warmup_steps), (0.0 if weight_decay is None else weight_decay)


@suggest_keywords
def schedule_free_sgd(learning_rate: Any = 1.0, warmup_steps: Any = None, b1: Any = 0.9, weight_decay: Any = None,
                      weight_lr_power: Any = 2.0, state_dtype: Any = None) -> Optimizer:
    r"""``optax.contrib.schedule_free_sgd``: schedule-free SGD, float32 warmup rates, decay :math:`\lambda y` in the gradient."""
    owner = "optax.contrib.schedule_free_sgd"
    warmup, wd = _options(owner, warmup_steps, weight_decay, state_dtype)
    return framework_optimizer(owner, _schedule_free_sgd, _NAMES, lr=learning_rate, momentum=b1, weight_decay=wd,
                               warmup_steps=warmup, r=0.0, weight_lr_power=weight_lr_power, convention="optax")


@suggest_keywords
def schedule_free_adamw(learning_rate: Any = 0.0025, warmup_steps: Any = None, b1: Any = 0.9, b2: Any = 0.999,
                        eps: Any = 1e-8, weight_decay: Any = 0.0, weight_lr_power: Any = 2.0,
                        state_dtype: Any = None) -> Optimizer:
    r"""``optax.contrib.schedule_free_adamw``: schedule-free averaging around ``scale_by_rms`` (bias-corrected) + :math:`\lambda y`."""
    owner = "optax.contrib.schedule_free_adamw"
    warmup, wd = _options(owner, warmup_steps, weight_decay, state_dtype)
    return framework_optimizer(owner, _schedule_free_adamw, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               weight_decay=wd, warmup_steps=warmup, r=0.0, weight_lr_power=weight_lr_power,
                               convention="optax", zero_ok=("eps",))


def schedule_free_eval_params(state: Any, params: Any):
    r"""``optax.contrib.schedule_free_eval_params``: the averaged point :math:`x = (y - (1-b_1)z)/b_1`.

    ``params`` are the parameters :math:`y` the optimizer holds; ``state`` a state of
    :func:`schedule_free_sgd` or :func:`schedule_free_adamw`
    (:func:`lrlessons.optimizers.schedule_free_eval_params`).

    >>> import numpy as np
    >>> opt = schedule_free_sgd(0.1)
    >>> y, state, _ = opt.step(np.array([1.0]), np.array([1.0]), opt.init(np.array([1.0])))
    >>> print(f"{schedule_free_eval_params(state, y)[0]:.2f}")
    0.90
    """
    return _eval_params(state, params)
