r"""LARS (You, Gitman & Ginsburg 2017): momentum SGD whose step is rescaled per parameter by a trust ratio.

Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\mu` the ``momentum``, :math:`\eta` the
``trust_coefficient``, :math:`\epsilon` the ``eps`` and :math:`\lambda` the ``weight_decay``; :math:`\|\cdot\|`
is the Euclidean norm of one parameter (one layer's weights). :func:`update` is the paper's
Algorithm 1 in the form optax ``lars`` computes it:

.. math::
    g_t &\leftarrow g_t + \lambda\theta_{t-1} \\
    \phi_t &= \eta\, \|\theta_{t-1}\| / (\|g_t\| + \epsilon) \\
    u_t &= -\alpha_t\, \phi_t\, g_t \\
    v_t &= \mu\, v_{t-1} + u_t \\
    \Delta\theta_t &= v_t

(:func:`update_nesterov`: :math:`\Delta\theta_t = u_t + \mu v_t`). The learning rate is inside the
momentum buffer, as in the paper's :math:`v \leftarrow m v + \gamma\lambda^l(g + \beta w)`.

"One parameter" follows lrlessons' batching rule (``run_axes``): the whole ``theta``, or each
``theta[i]`` of a batched run (a ``(B,)`` hyperparameter). optax knows no batch axis: it takes
the norm of the whole array it is given.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._batch import run_axes
from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, trace_of, zeros_like_float
from .lamb import layer_norm, trust_ratio

__all__ = ["lars", "update", "update_nesterov", "init", "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``v`` the momentum buffer (optax's ``trace``), which holds the learning rate."""

    count: int
    v: np.ndarray


# -- Algorithm 1, as optax computes it ------------------------------------------------------------
EQUATIONS = (
    ("g", r"g_t \leftarrow g_t + \lambda\, \theta_{t-1}"),
    ("ratio", r"\phi_t = \eta\, \|\theta_{t-1}\| / (\|g_t\| + \epsilon)"),
    ("u", r"u_t = -\alpha_t\, \phi_t\, g_t"),
    ("v", r"v_t = \mu\, v_{t-1} + u_t"),
    ("delta", r"\Delta\theta_t = v_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, momentum, trust_coefficient, eps, weight_decay):
    g = grad + weight_decay * theta                      # g_t ← g_t + λ θ_{t-1}
    axes = run_axes(theta, lr, momentum, trust_coefficient, eps, weight_decay)   # (one parameter: a layer)
    ratio = trust_ratio(layer_norm(theta, axes), layer_norm(g, axes), trust_coefficient, eps)  # φ_t = η‖θ‖/(‖g‖+ε)
    u = -lr * ratio * g                                  # u_t = -α_t φ_t g_t
    v = momentum * state.v + u                           # v_t = μ v_{t-1} + u_t
    delta = v                                            # Δθ_t = v_t
    return theta + delta, State(state.count + 1, v), Trace(g, ratio, u, v, delta)


NESTEROV = (
    *EQUATIONS[:-1],
    ("delta", r"\Delta\theta_t = u_t + \mu\, v_t"),
)


def update_nesterov(theta, grad, state, lr, momentum, trust_coefficient, eps, weight_decay):
    g = grad + weight_decay * theta                      # g_t ← g_t + λ θ_{t-1}
    axes = run_axes(theta, lr, momentum, trust_coefficient, eps, weight_decay)
    ratio = trust_ratio(layer_norm(theta, axes), layer_norm(g, axes), trust_coefficient, eps)  # φ_t = η‖θ‖/(‖g‖+ε)
    u = -lr * ratio * g                                  # u_t = -α_t φ_t g_t
    v = momentum * state.v + u                           # v_t = μ v_{t-1} + u_t
    delta = u + momentum * v                             # Δθ_t = u_t + μ v_t
    return theta + delta, State(state.count + 1, v), Trace(g, ratio, u, v, delta)


def init(theta: np.ndarray) -> State:
    return State(count=0, v=zeros_like_float(theta))


@suggest_keywords
@accepts_schedules
def lars(lr: Any = 1e-3, momentum: Any = 0.9, nesterov: bool = False, trust_coefficient: Any = 1e-3,
         eps: Any = 0.0, weight_decay: Any = 0.0) -> Optimizer:
    r"""LARS: momentum SGD with a per-parameter ("layer-wise") learning rate :math:`\eta\|\theta\|/\|g\|`.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\mu` the ``momentum``, :math:`\eta` the
    ``trust_coefficient``, :math:`\epsilon` the ``eps`` and :math:`\lambda` the ``weight_decay``.

    .. math::
        g_t &\leftarrow g_t + \lambda\theta_{t-1}, \qquad
        \phi_t = \eta\, \|\theta_{t-1}\| / (\|g_t\| + \epsilon) \\
        u_t &= -\alpha_t\, \phi_t\, g_t, \qquad v_t = \mu\, v_{t-1} + u_t, \qquad \Delta\theta_t = v_t

    With ``nesterov=True``, :math:`\Delta\theta_t = u_t + \mu v_t`. Where :math:`\|\theta_{t-1}\|`
    or :math:`\|g_t\|` is 0 the ratio is 1, not :math:`\eta` (optax): a parameter initialised at
    0 takes a plain SGD step of :math:`\alpha_t g_t`, 1/η = 1000 times the trust-ratio scale.

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha` (the paper's global rate :math:`\gamma`). Default 1e-3 (optax has none).
    momentum : float, (B,) array or schedule, in [0, 1)
        :math:`\mu`. Default 0.9.
    nesterov : bool
        Nesterov's look-ahead, :math:`\Delta\theta_t = u_t + \mu v_t` (optax ``trace(nesterov=True)``).
    trust_coefficient : float or (B,) array in (0, inf)
        :math:`\eta`. Default 1e-3 (optax, the paper's η).
    eps : float or (B,) array in [0, inf)
        :math:`\epsilon`, added to :math:`\|g_t\|`. Default 0 (optax).
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`, added to the gradient before its norm is taken (L2). Default 0.

    Notes
    -----
    The paper's local rate divides by :math:`\|g_t\| + \lambda\|\theta_{t-1}\|`; optax (and
    lrlessons) by :math:`\|g_t + \lambda\theta_{t-1}\| + \epsilon`: equal when :math:`\lambda = 0`,
    and otherwise the norm of the sum is at most the sum of the norms (a larger ratio).
    optax masks out biases and normalisation parameters by default; with one parameter array
    there is nothing to mask. Keras and PyTorch ship no LARS.

    References
    ----------
    Y. You, I. Gitman, B. Ginsburg (2017). Large Batch Training of Convolutional Networks.
    arXiv:1708.03888, Algorithm 1. optax ``optax/_src/alias.py`` (``lars``),
    ``optax/_src/transform.py`` (``scale_by_trust_ratio``), ``optax/transforms/_accumulation.py`` (``trace``).

    >>> import numpy as np
    >>> opt = lars(lr=1.0, trust_coefficient=0.01)
    >>> theta, state, tr = opt.step(np.array([3.0, 4.0]), np.array([0.0, 2.0]), opt.init(np.zeros(2)))
    >>> print(f"{tr.ratio.item():.3f}", theta)
    0.025 [3.   3.95]
    """
    if not callable(lr):
        check_interval("lars", "lr", lr, 0, None, "left")
    check_interval("lars", "momentum", momentum, 0, 1, "left")
    check_bool("lars", "nesterov", nesterov)
    check_interval("lars", "trust_coefficient", trust_coefficient, 0, None, "neither")
    check_interval("lars", "eps", eps, 0, None, "left")
    check_interval("lars", "weight_decay", weight_decay, 0, None, "left")
    hp = dict(lr=lr, momentum=momentum, nesterov=nesterov, trust_coefficient=trust_coefficient, eps=eps,
              weight_decay=weight_decay)
    fn, equations = (update_nesterov, NESTEROV) if nesterov else (update, EQUATIONS)
    return Optimizer("lars", hp, Update.of(fn, equations)._replace(parts=(layer_norm, trust_ratio, fn)), init)
