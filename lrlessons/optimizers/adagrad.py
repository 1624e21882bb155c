r"""Adagrad (Duchi, Hazan & Singer 2011): divide by the root of the summed squared gradients."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_interval, suggest_keywords
from .base import Optimizer, full_like_float, is_active, trace, weight_decay_lines, weight_decay_step

__all__ = ["adagrad", "update", "init", "equations", "State"]


class State(NamedTuple):
    """``count`` = updates already applied; ``s`` the running sum of squared gradients."""

    count: int
    s: np.ndarray


def equations(lr_decay: Any = 0.0, eps: Any = 1e-10, eps_in_sqrt: bool = False, weight_decay: Any = 0.0,
              decoupled_weight_decay: bool = False) -> tuple:
    """The (trace field, LaTeX) lines of the update, in order, for these options."""
    a = r"\alpha'_t" if is_active(lr_decay) else r"\alpha_t"
    if not is_active(eps):
        den = r"\sqrt{S_t}"
    else:
        den = r"\sqrt{S_t + \epsilon}" if eps_in_sqrt else r"(\sqrt{S_t} + \epsilon)"
    d = " + d_t" if is_active(weight_decay) and decoupled_weight_decay else ""
    lines = list(weight_decay_lines(weight_decay, decoupled_weight_decay))
    if is_active(lr_decay):
        lines.append(("lr_t", r"\alpha'_t = \alpha_t / (1 + (t-1)\, \eta)"))
    lines.append(("s", r"S_t = S_{t-1} + g_t^2"))
    lines.append(("delta", rf"\Delta\theta_t = -{a}\, g_t / {den}" + d))
    return tuple(lines)


def init(theta: np.ndarray, initial_accumulator_value: Any = 0.0) -> State:
    return State(count=0, s=full_like_float(theta, initial_accumulator_value))


def update(theta, grad, state, lr, lr_decay, eps, eps_in_sqrt, initial_accumulator_value=0.0,
           weight_decay=0.0, decoupled_weight_decay=False):
    t = state.count + 1
    g, d, wd = weight_decay_step(theta, grad, lr, weight_decay, decoupled_weight_decay)  # g_t ← g_t + λθ  or  d_t = -αλθ
    fields = dict(wd)
    if is_active(lr_decay):
        lr = fields["lr_t"] = lr / (1 + (t - 1) * lr_decay)  # α'_t = α_t / (1 + (t-1) η)
    s = state.s + g**2                                   # S_t = S_{t-1} + g_t²
    if eps_in_sqrt:
        delta = -lr * g / np.sqrt(s + eps)               # Δθ_t = -α g_t / √(S_t + ε)
    else:
        delta = -lr * g / (np.sqrt(s) + eps)             # Δθ_t = -α g_t / (√S_t + ε)
    if d is not None:
        delta = delta + d                                #        (+ d_t)
    return theta + delta, State(t, s), trace(**fields, s=s, delta=delta)


@suggest_keywords
def adagrad(lr: Any = 1e-2, lr_decay: Any = 0.0, weight_decay: Any = 0.0, initial_accumulator_value: Any = 0.0,
            eps: Any = 1e-10, eps_in_sqrt: bool = False, decoupled_weight_decay: bool = False) -> Optimizer:
    r"""Adagrad: a per-coordinate step :math:`\alpha / \sqrt{\sum g^2}` that only shrinks.

    Let :math:`\alpha_t` be the learning rate ``lr``, :math:`\eta` the ``lr_decay``,
    :math:`S_0` the ``initial_accumulator_value`` and :math:`\epsilon` the ``eps``.

    .. math::
        \alpha'_t &= \alpha_t / (1 + (t-1)\,\eta) \\
        S_t &= S_{t-1} + g_t^2 \\
        \Delta\theta_t &= -\alpha'_t\, g_t / (\sqrt{S_t} + \epsilon)

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
        ``False`` (PyTorch): :math:`\sqrt{S_t} + \epsilon`. ``True`` (Keras, optax, TF1 with
        ``eps=0``): :math:`\sqrt{S_t + \epsilon}`.
    decoupled_weight_decay : bool
        ``True`` for Keras ``weight_decay``: :math:`d_t = -\alpha\lambda\theta_{t-1}` added to the step.

    Notes
    -----
    The first step with :math:`g = 0.01` is about :math:`1.0\,\alpha` in PyTorch
    (:math:`S_0 = 0`) but :math:`0.0316\,\alpha` in TF1, Keras and optax (:math:`S_0 = 0.1`).

    References
    ----------
    J. Duchi, E. Hazan, Y. Singer (2011). Adaptive Subgradient Methods for Online Learning and
    Stochastic Optimization. *JMLR* 12:2121–2159.

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
    return Optimizer(
        owner, hp,
        equations(lr_decay, eps, eps_in_sqrt, weight_decay, decoupled_weight_decay),
        lambda theta: init(theta, iav), update,
        flags=("eps_in_sqrt", "decoupled_weight_decay"),
    )
