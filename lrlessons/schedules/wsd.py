r"""Warmup–stable–decay (WSD): warm up, hold the peak, decay at the end (Hägele et al. 2024).

The "trapezoid" of current language-model training: a linear warmup over :math:`W` steps, the
peak rate :math:`P` held for as long as training runs, and a short cooldown over the last
:math:`D` of :math:`T` steps to :math:`F`. Because the rate is constant until the cooldown,
one long run can be branched into cooldowns at several lengths (Hägele et al. §3).

No framework ships it (PyTorch 2.13, Keras 3.15, optax 0.2.8): one composes it from pieces.
With ``warmup_offset=1`` it equals PyTorch's
``SequentialLR([LinearLR(1/W, 1, W-1), ConstantLR(1, 0), LinearLR(1, F/P, D)], [W, T-D])`` (torch's
``LinearLR`` cannot start at 0); with ``warmup_offset=0`` (the default) optax's
``join_schedules([linear_schedule(0, P, W), constant_schedule(P), linear_schedule(P, F, D)],
[W, T-D])``, and with ``decay_shape="cosine"`` the same with ``cosine_decay_schedule(P, D, F/P)`` as
the last piece.

>>> s = wsd(1.0, total_steps=100, warmup_steps=10, decay_steps=20)
>>> [f"{float(v):.2f}" for v in s([0, 5, 10, 79, 80, 90, 100, 150])]
['0.00', '0.50', '1.00', '1.00', '1.00', '0.50', '0.00', '0.00']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_choice, check_interval
from .base import Schedule

__all__ = ["wsd", "WSD", "wsd_formula", "DECAY_SHAPES"]

#: The cooldown shapes: s in [0, 1] is the fraction of the cooldown done.
DECAY_SHAPES = ("linear", "cosine", "1-sqrt")


def wsd_formula(t, peak_lr, total_steps, warmup_steps, decay_steps, final_lr, decay_shape, warmup_offset):
    """η(t) = P·(t + o)/W while t < W; P while t < T − D; then F + (P − F)·shape(s), s = min(t − (T − D), D)/D."""
    decay_start = total_steps - decay_steps                              # T − D
    with np.errstate(divide="ignore", invalid="ignore"):                 # (W = 0: no warmup step)
        warm = peak_lr * ((t + warmup_offset) / warmup_steps)            # P·(t + o)/W
    s = np.clip((t - decay_start) / decay_steps, 0.0, 1.0)               # s = min(t − (T − D), D)/D
    if decay_shape == "linear":
        decay = final_lr + (peak_lr - final_lr) * (1 - s)                # F + (P − F)·(1 − s)
    elif decay_shape == "cosine":
        decay = final_lr + (peak_lr - final_lr) * (0.5 * (1 + np.cos(np.pi * s)))  # F + (P − F)·½(1 + cos πs)
    else:
        decay = final_lr + (peak_lr - final_lr) * (1 - np.sqrt(s))       # F + (P − F)·(1 − √s)
    return np.where(t < warmup_steps, warm, np.where(t < decay_start, peak_lr, decay))


class WSD(Schedule):
    """:func:`wsd`."""

    formula = staticmethod(wsd_formula)
    batched = ("peak_lr", "total_steps", "warmup_steps", "decay_steps", "final_lr")


def wsd(peak_lr: Any, total_steps: Any, warmup_steps: Any, decay_steps: Any, final_lr: Any = 0.0,
        decay_shape: str = "linear", warmup_offset: int = 0) -> WSD:
    r"""Warmup–stable–decay: linear warmup to ``peak_lr``, hold it, cool down over the last ``decay_steps``.

    Let :math:`P, T, W, D, F` be ``peak_lr``, ``total_steps``, ``warmup_steps``, ``decay_steps``,
    ``final_lr``, :math:`o` the ``warmup_offset`` and :math:`t` the updates already applied:

    .. math::
        \eta(t) = \begin{cases}
            P\,(t + o)/W & t < W \\
            P & W \le t < T - D \\
            F + (P - F)\,\phi(s), \quad s = \min(t - (T - D),\ D)/D & t \ge T - D
        \end{cases}

    with :math:`\phi(s) = 1 - s` (``"linear"``), :math:`\tfrac12(1 + \cos\pi s)` (``"cosine"``)
    or :math:`1 - \sqrt{s}` (``"1-sqrt"``). After :math:`T` the rate stays :math:`F`.

    Parameters
    ----------
    peak_lr : float or (B,) array in [0, inf)
        :math:`P`, the rate of the stable phase.
    total_steps : float or (B,) array in (0, inf)
        :math:`T`: the cooldown ends at step :math:`T`.
    warmup_steps : float or (B,) array in [0, inf)
        :math:`W` (0: no warmup).
    decay_steps : float or (B,) array in (0, inf)
        :math:`D`; :math:`W + D \le T`.
    final_lr : float or (B,) array in [0, peak_lr]
        :math:`F`. Default 0.
    decay_shape : {'linear', 'cosine', '1-sqrt'}
        :math:`\phi`. Hägele et al. find ``"1-sqrt"`` best; ``"linear"`` is the default.
    warmup_offset : {0, 1}
        :math:`o`. 0 (optax ``linear_schedule(0, P, W)``): the first update has rate 0 and
        :math:`P` is reached at :math:`t = W`. 1 (PyTorch ``LinearLR(1/W, 1, W-1)``, the
        ``schedulefree`` package's warmup): the first update has :math:`P/W`, :math:`P` is
        reached at :math:`t = W - 1`.

    Notes
    -----
    No framework has a WSD schedule; the module docstring gives the PyTorch and optax
    compositions it equals (checked against both libraries' values in the tests). optax's
    ``polynomial_schedule`` with ``power=0.5`` is :math:`(1-s)^{1/2}`, not the ``"1-sqrt"`` shape.

    References
    ----------
    A. Hägele, E. Bakouch, A. Kosson, L. Ben Allal, L. von Werra, M. Jaggi (2024). Scaling Laws
    and Compute-Optimal Training Beyond Fixed Training Durations. *NeurIPS*, arXiv:2405.18392,
    §3 (eq. 1 and the cooldown shapes). K. Wen et al. (2024), Understanding Warmup-Stable-Decay
    Learning Rates, arXiv:2410.05192.

    Examples
    --------
    >>> s = wsd(0.3, total_steps=60, warmup_steps=5, decay_steps=30, final_lr=0.03, decay_shape="1-sqrt")
    >>> [f"{float(v):.4f}" for v in s([0, 4, 5, 30, 45, 60])]
    ['0.0000', '0.2400', '0.3000', '0.3000', '0.1091', '0.0300']
    >>> float(wsd(1.0, 100, 10, 20, warmup_offset=1)(9))
    1.0
    """
    s = WSD(peak_lr, total_steps, warmup_steps, decay_steps, final_lr, decay_shape, warmup_offset)
    check_interval("wsd", "peak_lr", s.peak_lr, 0, None, "left")
    check_interval("wsd", "total_steps", s.total_steps, 0, None, "neither")
    check_interval("wsd", "warmup_steps", s.warmup_steps, 0, None, "left")
    check_interval("wsd", "decay_steps", s.decay_steps, 0, None, "neither")
    check_interval("wsd", "final_lr", s.final_lr, 0, None, "left")
    check_choice("wsd", "decay_shape", decay_shape, DECAY_SHAPES)
    check_choice("wsd", "warmup_offset", warmup_offset, (0, 1))
    peak, final = np.broadcast_arrays(np.asarray(s.peak_lr, float), np.asarray(s.final_lr, float))
    if np.any(final > peak):
        i = np.argmax(final > peak)
        raise ValueError(f"The 'final_lr' parameter of wsd must be in [0, peak_lr] (peak_lr={peak.flat[i].item()!r}). "
                         f"Got {final.flat[i].item()!r} instead.")
    w, d, total = np.broadcast_arrays(*(np.asarray(v, float) for v in (s.warmup_steps, s.decay_steps, s.total_steps)))
    if np.any(w + d > total):
        i = np.argmax(w + d > total)
        w, d, total = w.flat[i].item(), d.flat[i].item(), total.flat[i].item()
        raise ValueError(f"The 'warmup_steps' and 'decay_steps' parameters of wsd must add up to at most "
                         f"total_steps={total!r}. Got warmup_steps={w!r} + decay_steps={d!r} = {w + d!r} instead.")
    return s
