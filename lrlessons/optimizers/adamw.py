r"""AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay :math:`d_t = -\alpha_t\lambda\theta_{t-1}`.

The update is Adam's (:func:`lrlessons.optimizers.adam.update` or the variant its options
pick) with the weight decay the :class:`~lrlessons.optimizers.base.Optimizer` adds around
every update, in its decoupled form: the decay is added to the step instead of entering the
moments as an L2 gradient.
"""

from __future__ import annotations

from typing import Any

from .._checks import suggest_keywords
from .base import Optimizer, accepts_schedules
from .adam import check_adam_options, init, pick_update

__all__ = ["adamw"]


@suggest_keywords
@accepts_schedules
def adamw(lr: Any = 1e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-8, weight_decay: Any = 1e-2,
          amsgrad: bool = False, epsilon_hat: bool = False, eps_root: Any = 0.0, amsgrad_on: str = "raw") -> Optimizer:
    r"""AdamW: Adam plus a weight decay that bypasses the adaptive scaling.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\lambda` the ``weight_decay`` and
    :math:`\beta_1, \beta_2, \epsilon` the arguments ``beta1``, ``beta2``, ``eps``:

    .. math::
        d_t &= -\alpha_t\, \lambda\, \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t) \\
        \Delta\theta_t &= -\alpha_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon) + d_t

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3.
    beta1 : float, (B,) array or schedule, in [0, 1)
        Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        Default 0.999.
    eps : float or (B,) array in (0, inf)
        Default 1e-8 (PyTorch, optax); Keras 1e-7.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 1e-2 (PyTorch ``AdamW``); Keras 0.004, optax 1e-4.
    amsgrad, epsilon_hat, eps_root, amsgrad_on
        As in :func:`~lrlessons.optimizers.adam` (Keras ``AdamW`` uses ``epsilon_hat=True``).

    Notes
    -----
    Every framework multiplies the decay by the current learning rate (PyTorch
    ``param.mul_(1 - lr * weight_decay)``, Keras ``variable - variable * wd * lr``, optax
    ``-lr * (step + wd * params)``). The paper multiplies :math:`\lambda` by the schedule
    multiplier :math:`\eta_t` only, so a framework's :math:`\lambda` is the paper's divided by
    the base learning rate.

    References
    ----------
    I. Loshchilov & F. Hutter (2019). Decoupled Weight Decay Regularization. *ICLR*,
    arXiv:1711.05101, Algorithm 2. PyTorch ``torch/optim/adamw.py``.

    >>> import numpy as np
    >>> opt = adamw(lr=0.1, weight_decay=0.5)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([0.0]), opt.init(np.array([1.0])))
    >>> print(f"{float(tr.decay[0]):.2f} {theta[0]:.2f}")
    -0.05 0.95
    """
    check_adam_options("adamw", lr, beta1, beta2, eps, amsgrad, weight_decay, True, epsilon_hat, eps_root, amsgrad_on)
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
              decoupled_weight_decay=True, epsilon_hat=epsilon_hat, eps_root=eps_root, amsgrad_on=amsgrad_on)
    return Optimizer("adamw", hp, pick_update(amsgrad, epsilon_hat, eps_root, amsgrad_on),
                     lambda theta: init(theta, amsgrad))
