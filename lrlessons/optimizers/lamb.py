r"""LAMB (You et al. 2020, Algorithm 2): Adam's direction, rescaled per parameter by a trust ratio.

Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\beta_1, \beta_2, \epsilon` the arguments
``beta1``, ``beta2``, ``eps`` and :math:`\lambda` the ``weight_decay``. With :math:`t` the 1-based
update number and :math:`\|\cdot\|` the Euclidean norm of one parameter (one layer's weights),
:func:`update` is Algorithm 2 line by line (optax ``lamb``):

.. math::
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
    \hat m_t &= m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t) \\
    r_t &= \hat m_t / (\sqrt{\hat v_t} + \epsilon) + \lambda\theta_{t-1} \\
    \phi_t &= \|\theta_{t-1}\| / \|r_t\| \\
    \Delta\theta_t &= -\alpha_t\, \phi_t\, r_t

The weight decay is *inside* the trust ratio: it is part of :math:`r_t`, whose norm the ratio
divides by. The variants, each a whole update with its own equations:

* :func:`update_eps_root`: optax's :math:`\epsilon_{root}` inside the root;
* :func:`update_decay_before`: Keras ``Lamb``, whose weight decay is the optimizer's common
  one, applied to :math:`\theta` *before* the update (:math:`d_t = -\alpha_t\lambda\theta_{t-1}`),
  so it is outside the ratio, and the ratio measures the decayed :math:`\theta_{t-1} + d_t`.

"One parameter" (the paper's layer) follows lrlessons' batching rule (``run_axes``): the whole
``theta``, or each ``theta[i]`` of a batched run (a ``(B,)`` hyperparameter). The frameworks
know no batch axis: Keras and optax take the norm of the whole tensor they are given.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._batch import run_axes
from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, accepts_schedules, check_moments, is_active, trace_of, zeros_like_float

__all__ = ["lamb", "update", "update_eps_root", "update_decay_before", "layer_norm", "trust_ratio", "init",
           "State", "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``m``, ``v`` Adam's moments."""

    count: int
    m: np.ndarray
    v: np.ndarray


def layer_norm(x, axes):
    r""":math:`\|x\|`, the Euclidean norm of one parameter: over ``axes`` (from ``run_axes``), kept as unit axes."""
    return np.sqrt(np.sum(x * x, axis=axes, keepdims=True))


def trust_ratio(theta_norm, update_norm, coefficient=1.0, eps=0.0):
    r"""The layer-wise trust ratio :math:`\eta\, \|\theta\| / (\|u\| + \epsilon)`, and 1 where either norm is 0.

    A zero norm (parameters initialised at 0, a zero update) gives ratio 1, as Keras ``Lamb``
    and optax ``scale_by_trust_ratio`` do, not :math:`\eta` and not 0/0.
    """
    zero = (theta_norm == 0) | (update_norm == 0)
    safe = np.where(zero, 1.0, update_norm + eps)
    return np.where(zero, 1.0, coefficient * theta_norm / safe)


# -- Algorithm 2 (optax lamb) -------------------------------------------------------------------
EQUATIONS = (
    ("m", r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t"),
    ("v", r"v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2"),
    ("m_hat", r"\hat m_t = m_t / (1-\beta_1^t)"),
    ("v_hat", r"\hat v_t = v_t / (1-\beta_2^t)"),
    ("r", r"r_t = \hat m_t / (\sqrt{\hat v_t} + \epsilon) + \lambda\, \theta_{t-1}"),
    ("ratio", r"\phi_t = \|\theta_{t-1}\| / \|r_t\|"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, \phi_t\, r_t"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, beta1, beta2, eps, weight_decay):
    t = state.count + 1                                  # t counts updates from 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    r = m_hat / (np.sqrt(v_hat) + eps) + weight_decay * theta   # r_t = m̂_t / (√v̂_t + ε) + λ θ_{t-1}
    axes = run_axes(theta, lr, beta1, beta2, eps, weight_decay)  # (one parameter: a layer)
    ratio = trust_ratio(layer_norm(theta, axes), layer_norm(r, axes))   # φ_t = ‖θ_{t-1}‖ / ‖r_t‖
    delta = -lr * ratio * r                              # Δθ_t = -α_t φ_t r_t
    return theta + delta, State(t, m, v), Trace(m, v, m_hat, v_hat, r, ratio, delta)


# -- optax: ε_root inside the root --------------------------------------------------------------
EPS_ROOT = (
    *EQUATIONS[:4],
    ("r", r"r_t = \hat m_t / (\sqrt{\hat v_t + \epsilon_{root}} + \epsilon) + \lambda\, \theta_{t-1}"),
    *EQUATIONS[5:],
)


def update_eps_root(theta, grad, state, lr, beta1, beta2, eps, eps_root, weight_decay):
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    r = m_hat / (np.sqrt(v_hat + eps_root) + eps) + weight_decay * theta   # r_t = m̂_t/(√(v̂_t+ε_root)+ε) + λθ_{t-1}
    axes = run_axes(theta, lr, beta1, beta2, eps, eps_root, weight_decay)
    ratio = trust_ratio(layer_norm(theta, axes), layer_norm(r, axes))   # φ_t = ‖θ_{t-1}‖ / ‖r_t‖
    delta = -lr * ratio * r                              # Δθ_t = -α_t φ_t r_t
    return theta + delta, State(t, m, v), Trace(m, v, m_hat, v_hat, r, ratio, delta)


# -- Keras: the weight decay before the update, outside the trust ratio -------------------------
DECAY_BEFORE = (
    ("decay", r"d_t = -\alpha_t\, \lambda\, \theta_{t-1}"),
    *EQUATIONS[:4],
    ("r", r"r_t = \hat m_t / (\sqrt{\hat v_t} + \epsilon)"),
    ("ratio", r"\phi_t = \|\theta_{t-1} + d_t\| / \|r_t\|"),
    ("delta", r"\Delta\theta_t = d_t - \alpha_t\, \phi_t\, r_t"),
)
DecayBeforeTrace = trace_of(DECAY_BEFORE)


def update_decay_before(theta, grad, state, lr, beta1, beta2, eps, weight_decay):
    decay = -lr * weight_decay * theta                   # d_t = -α_t λ θ_{t-1}
    t = state.count + 1
    m = beta1 * state.m + (1 - beta1) * grad             # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * state.v + (1 - beta2) * grad**2          # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    r = m_hat / (np.sqrt(v_hat) + eps)                   # r_t = m̂_t / (√v̂_t + ε)
    axes = run_axes(theta, lr, beta1, beta2, eps, weight_decay)
    ratio = trust_ratio(layer_norm(theta + decay, axes), layer_norm(r, axes))   # φ_t = ‖θ_{t-1} + d_t‖ / ‖r_t‖
    delta = decay - lr * ratio * r                       # Δθ_t = d_t - α_t φ_t r_t
    return theta + delta, State(t, m, v), DecayBeforeTrace(decay, m, v, m_hat, v_hat, r, ratio, delta)


def init(theta: np.ndarray) -> State:
    zeros = zeros_like_float(theta)
    return State(count=0, m=zeros, v=zeros)


def _with_helpers(fn, equations) -> Update:
    """The update with the norm and trust-ratio helpers it calls, so ``opt.source`` shows them too."""
    return Update.of(fn, equations)._replace(parts=(layer_norm, trust_ratio, fn))


@suggest_keywords
@accepts_schedules
def lamb(lr: Any = 1e-3, beta1: Any = 0.9, beta2: Any = 0.999, eps: Any = 1e-6, weight_decay: Any = 0.0,
         eps_root: Any = 0.0, decay_in_trust_ratio: bool = True) -> Optimizer:
    r"""LAMB: Adam's step direction, scaled per parameter so that its norm is ``lr`` times the parameter's.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\beta_1, \beta_2, \epsilon` the
    arguments ``beta1``, ``beta2``, ``eps`` and :math:`\lambda` the ``weight_decay``; :math:`t`
    counts updates from 1 and :math:`\|\cdot\|` is the norm of one parameter.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t) \\
        r_t &= \hat m_t / (\sqrt{\hat v_t} + \epsilon) + \lambda\, \theta_{t-1} \\
        \phi_t &= \|\theta_{t-1}\| / \|r_t\|, \qquad \Delta\theta_t = -\alpha_t\, \phi_t\, r_t

    :math:`\|\Delta\theta_t\| = \alpha_t \|\theta_{t-1}\|`: the step is a fixed fraction of the
    parameter, whatever the scale of its gradient. Where :math:`\|\theta_{t-1}\|` or
    :math:`\|r_t\|` is 0 the ratio is 1 (both frameworks).

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3 (Keras; optax has none).
    beta1 : float, (B,) array or schedule, in [0, 1)
        :math:`\beta_1`. Default 0.9.
    beta2 : float or (B,) array in [0, 1)
        :math:`\beta_2`. Default 0.999.
    eps : float or (B,) array in (0, inf)
        :math:`\epsilon`. Default 1e-6 (optax, the paper's experiments); Keras 1e-7.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`. Default 0.
    eps_root : float or (B,) array in [0, inf)
        optax's :math:`\epsilon_{root}` inside the root, :math:`\sqrt{\hat v_t + \epsilon_{root}}`.
        Default 0. Only with ``decay_in_trust_ratio=True`` (Keras has none).
    decay_in_trust_ratio : bool
        ``True`` (the paper, optax ``lamb``): :math:`\lambda\theta_{t-1}` is part of :math:`r_t`.
        ``False`` (Keras ``Lamb``): Keras's common weight decay runs first,
        :math:`d_t = -\alpha_t\lambda\theta_{t-1}`; :math:`r_t` has no decay and
        :math:`\phi_t = \|\theta_{t-1} + d_t\| / \|r_t\|`; :math:`\Delta\theta_t = d_t - \alpha_t\phi_t r_t`.

    Notes
    -----
    Same name, different math: Keras ``Lamb`` (ε 1e-7, decay outside the ratio and before it,
    ratio of the decayed θ) and optax ``lamb`` (ε 1e-6, decay inside) differ as soon as
    :math:`\lambda > 0`. One parameter is the whole ``theta``, or each ``theta[i]`` when a
    hyperparameter is a ``(B,)`` array (lrlessons' batch axis; the frameworks would take one norm
    over the whole tensor). The paper's scaling function :math:`\phi` is the identity here, as in
    both frameworks.

    References
    ----------
    Y. You, J. Li, S. Reddi, J. Hseu, S. Kumar, S. Bhojanapalli, X. Song, J. Demmel, K. Keutzer,
    C.-J. Hsieh (2020). Large Batch Optimization for Deep Learning: Training BERT in 76 minutes.
    *ICLR*, arXiv:1904.00962, Algorithm 2. Keras ``keras/src/optimizers/lamb.py``; optax
    ``optax/_src/alias.py`` (``lamb``), ``optax/_src/transform.py`` (``scale_by_trust_ratio``).

    >>> import numpy as np
    >>> opt = lamb(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([3.0, 4.0]), np.array([1.0, -1.0]), opt.init(np.zeros(2)))
    >>> print(f"{tr.ratio.item():.4f}", np.round(theta, 4))
    3.5355 [2.6464 4.3536]
    """
    check_moments("lamb", lr, beta1, beta2, eps, weight_decay)
    check_interval("lamb", "eps_root", eps_root, 0, None, "left")
    check_bool("lamb", "decay_in_trust_ratio", decay_in_trust_ratio)
    if not decay_in_trust_ratio and is_active(eps_root):
        raise ValueError(f"The 'eps_root' parameter of lamb must be 0 when decay_in_trust_ratio=False (eps_root is "
                         f"optax's, whose decay is inside the trust ratio). Got {eps_root!r} instead.")
    hp = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay, eps_root=eps_root,
              decay_in_trust_ratio=decay_in_trust_ratio)
    if not decay_in_trust_ratio:
        chosen = _with_helpers(update_decay_before, DECAY_BEFORE)
    elif is_active(eps_root):
        chosen = _with_helpers(update_eps_root, EPS_ROOT)
    else:
        chosen = _with_helpers(update, EQUATIONS)
    return Optimizer("lamb", hp, chosen, init)
