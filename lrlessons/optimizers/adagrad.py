r"""Adagrad (Duchi, Hazan & Singer 2011): divide by the root of the summed squared gradients.

The canonical :func:`update` puts ε outside the root (PyTorch ``Adagrad``). The variants:
:func:`update_eps_in_sqrt` (Keras ``Adagrad``, optax ``adagrad``), :func:`update_no_eps`
(TF1 ``AdagradOptimizer``, which has no ε), and PyTorch's ``lr_decay``, a decay of the
learning rate applied before any of them (:func:`decayed_lr`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, Update, full_like_float, is_active, trace_of, trace_type

__all__ = ["adagrad", "update", "update_eps_in_sqrt", "update_no_eps", "decayed_lr", "init", "State",
           "EQUATIONS"]


class State(NamedTuple):
    """``count`` = updates already applied; ``s`` the running sum of squared gradients."""

    count: int
    s: np.ndarray


EQUATIONS = (
    ("s", r"S_t = S_{t-1} + g_t^2"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / (\sqrt{S_t} + \epsilon)"),
)
Trace = trace_of(EQUATIONS)


def update(theta, grad, state, lr, eps):
    s = state.s + grad**2                                # S_t = S_{t-1} + g_t²
    delta = -lr * grad / (np.sqrt(s) + eps)              # Δθ_t = -α g_t / (√S_t + ε)
    return theta + delta, State(state.count + 1, s), Trace(s, delta)


EPS_IN_SQRT = (
    ("s", r"S_t = S_{t-1} + g_t^2"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \sqrt{S_t + \epsilon}"),
)


def update_eps_in_sqrt(theta, grad, state, lr, eps):
    s = state.s + grad**2                                # S_t = S_{t-1} + g_t²
    delta = -lr * grad / np.sqrt(s + eps)                # Δθ_t = -α g_t / √(S_t + ε)
    return theta + delta, State(state.count + 1, s), Trace(s, delta)


NO_EPS = (
    ("s", r"S_t = S_{t-1} + g_t^2"),
    ("delta", r"\Delta\theta_t = -\alpha_t\, g_t / \sqrt{S_t}"),
)


def update_no_eps(theta, grad, state, lr):
    s = state.s + grad**2                                # S_t = S_{t-1} + g_t²  (S_0 > 0)
    delta = -lr * grad / np.sqrt(s)                      # Δθ_t = -α g_t / √S_t
    return theta + delta, State(state.count + 1, s), Trace(s, delta)


LR_DECAY = ("lr_t", r"\alpha_t \leftarrow \alpha_t / (1 + (t-1)\, \eta)")


def decayed_lr(lr, state, lr_decay):
    """PyTorch's ``lr_decay`` :math:`\\eta`: an inverse-time decay of the rate, before the update."""
    return lr / (1 + state.count * lr_decay)             # α_t ← α_t / (1 + (t-1) η)


def _with_lr_decay(inner: Update) -> Update:
    """``inner`` run with the decayed rate; its trace gains ``lr_t`` first."""
    traced = trace_type(("lr_t", *(f for f, _ in inner.equations)))
    run = inner.fn

    def fn(theta, grad, state, lr, lr_decay, **hp):
        lr_t = decayed_lr(lr, state, lr_decay)
        theta, state, tr = run(theta, grad, state, lr_t, **hp)
        return theta, state, traced(lr_t, *tr)

    return Update(fn, (LR_DECAY, *inner.equations), ("lr_decay", *inner.names), (decayed_lr, *inner.parts))


def init(theta: np.ndarray, initial_accumulator_value: Any = 0.0) -> State:
    return State(count=0, s=full_like_float(theta, initial_accumulator_value))


def pick_update(eps: Any, eps_in_sqrt: bool, lr_decay: Any) -> Update:
    """The update for these options."""
    if not is_active(eps):
        chosen = Update.of(update_no_eps, NO_EPS)
    elif eps_in_sqrt:
        chosen = Update.of(update_eps_in_sqrt, EPS_IN_SQRT)
    else:
        chosen = Update.of(update, EQUATIONS)
    return _with_lr_decay(chosen) if is_active(lr_decay) else chosen


@suggest_keywords
def adagrad(lr: Any = 1e-2, lr_decay: Any = 0.0, weight_decay: Any = 0.0, initial_accumulator_value: Any = 0.0,
            eps: Any = 1e-10, eps_in_sqrt: bool = False, decoupled_weight_decay: bool = False) -> Optimizer:
    r"""Adagrad: a per-coordinate step :math:`\alpha / \sqrt{\sum g^2}` that only shrinks.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\eta` the ``lr_decay``,
    :math:`S_0` the ``initial_accumulator_value`` and :math:`\epsilon` the ``eps``.

    .. math::
        S_t &= S_{t-1} + g_t^2 \\
        \Delta\theta_t &= -\alpha_t\, g_t / (\sqrt{S_t} + \epsilon)

    and with ``lr_decay`` first :math:`\alpha_t \leftarrow \alpha_t / (1 + (t-1)\,\eta)`.

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-2 (PyTorch).
    lr_decay : float or (B,) array in [0, inf)
        :math:`\eta`, PyTorch's extra inverse-time decay. Default 0.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda` (L2 unless ``decoupled_weight_decay``). Default 0.
    initial_accumulator_value : float or (B,) array in [0, inf)
        :math:`S_0`. Default 0 (PyTorch); TF1, Keras and optax start at 0.1.
    eps : float or (B,) array in [0, inf)
        :math:`\epsilon`. Default 1e-10 (PyTorch). ``eps=0`` (TF1 ``AdagradOptimizer``, which has
        no ε) needs ``initial_accumulator_value > 0``.
    eps_in_sqrt : bool
        ``False`` (PyTorch): :math:`\sqrt{S_t} + \epsilon`. ``True`` (Keras, optax):
        :math:`\sqrt{S_t + \epsilon}`.
    decoupled_weight_decay : bool
        ``True`` for Keras ``weight_decay``: :math:`d_t = -\alpha\lambda\theta_{t-1}` added to the step.

    Notes
    -----
    The first step with :math:`g = 0.01` is about :math:`1.0\,\alpha` in PyTorch
    (:math:`S_0 = 0`) but :math:`0.0316\,\alpha` in TF1, Keras and optax (:math:`S_0 = 0.1`).

    References
    ----------
    J. Duchi, E. Hazan, Y. Singer (2011). Adaptive Subgradient Methods for Online Learning and
    Stochastic Optimization. *JMLR* 12:2121–2159. PyTorch ``torch/optim/adagrad.py`` (``lr_decay``).

    >>> opt = adagrad(lr=0.1)
    >>> theta, state, tr = opt.step(np.array([1.0]), np.array([0.01]), opt.init(np.array([1.0])))
    >>> print(f"{float(tr.delta[0]):.6f}")
    -0.100000
    """
    owner = "adagrad"
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "lr_decay", lr_decay, 0, None, "left")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    check_interval(owner, "initial_accumulator_value", initial_accumulator_value, 0, None, "left")
    check_interval(owner, "eps", eps, 0, None, "left")
    check_bool(owner, "eps_in_sqrt", eps_in_sqrt)
    check_bool(owner, "decoupled_weight_decay", decoupled_weight_decay)
    if not np.all(np.asarray(eps) > 0) and not np.all(np.asarray(initial_accumulator_value) > 0):
        raise ValueError(
            f"The 'initial_accumulator_value' parameter of {owner} must be in (0, inf) when eps is 0 "
            f"(otherwise the first zero gradient divides 0 by 0). Got {initial_accumulator_value!r} instead."
        )
    iav = initial_accumulator_value
    hp = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, initial_accumulator_value=iav, eps=eps,
              eps_in_sqrt=eps_in_sqrt, decoupled_weight_decay=decoupled_weight_decay)
    return Optimizer(owner, hp, pick_update(eps, eps_in_sqrt, lr_decay), lambda theta: init(theta, iav))
