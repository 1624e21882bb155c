r"""Cyclical schedules: Smith's cyclical learning rate and the 1cycle policy.

Each schedule is a formula (a pure, vectorized function of the float step ``t``, written once),
a frozen :class:`~lrlessons.schedules.base.Schedule` class that binds it, and the factory that
validates the arguments. The building blocks, :func:`triangle` and :func:`one_cycle_phases`,
are public: PyTorch's momentum cycling (``lrlessons.frameworks.pytorch.CyclicMomentum``,
``OneCycleMomentum``) mirrors the rate with the same functions.

(The module is ``cyclical``, after Smith's paper, so that ``lrlessons.schedules.cyclic`` stays the
factory and is never shadowed by a submodule of the same name.)

>>> s = cyclic(0.1, 1.0, step_size_up=2)
>>> [f"{float(v):.2f}" for v in s(range(5))]
['0.10', '0.55', '1.00', '0.55', '0.10']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_bool, check_choice, check_integer, check_interval
from .base import Schedule
from .decay import MAX_STEP

__all__ = [
    "cyclic", "one_cycle", "Cyclic", "OneCycle",
    "cyclic_formula", "triangle", "one_cycle_formula", "one_cycle_phases", "anneal",
    "check_cycle", "check_one_cycle", "check_not_past_end",
]


# ----------------------------------------------------------------------------------------
# cyclical learning rate
# ----------------------------------------------------------------------------------------


def triangle(t, step_size_up, step_size_down, mode, gamma):
    """Smith's triangle wave h(x) in [0, 1] and its amplitude factor f (PyTorch ``CyclicLR.get_lr``).

    With L = u + d steps per cycle and r = u/L: cycle c = ⌊1 + t/L⌋, position x = 1 + t/L − c,
    h = x/r going up, (x − 1)/(r − 1) going down; f = 1 (triangular), 2^−(c−1) (triangular2) or
    γ^t (exp_range).
    """
    L = step_size_up + step_size_down                      # cycle length
    r = step_size_up / L                                   # fraction of the cycle going up
    cycle = np.floor(1 + t / L)                            # c = ⌊1 + t/L⌋
    x = 1.0 + t / L - cycle                                # position in the cycle, [0, 1)
    r_down = np.where(r == 1, 0.5, r)                      # (d = 0: no way down; avoid 0/0)
    h = np.where(x <= r, x / r, (x - 1) / (r_down - 1))    # rises 0 → 1, falls 1 → 0
    if mode == "triangular":
        f = 1.0
    elif mode == "triangular2":
        f = 1 / (2.0 ** (cycle - 1))                       # halve the amplitude each cycle
    else:
        f = gamma**t                                       # γ^t (per iteration)
    return h, f


def cyclic_formula(t, learning_rate, max_learning_rate, step_size_up, step_size_down, mode, gamma):
    """η(t) = η_lo + (η_hi − η_lo) · h(x) · f: a triangle wave between the two bounds."""
    h, f = triangle(t, step_size_up, step_size_down, mode, gamma)
    return learning_rate + (max_learning_rate - learning_rate) * h * f


class Cyclic(Schedule):
    """:func:`cyclic`."""

    formula = staticmethod(cyclic_formula)
    batched = ("learning_rate", "max_learning_rate", "step_size_up", "step_size_down", "gamma")


def check_cycle(owner: str, s: Schedule) -> None:
    """The checks of a triangle wave's shape (``step_size_up``, ``step_size_down``, ``mode``, ``gamma``)."""
    check_interval(owner, "step_size_up", s.step_size_up, 0, MAX_STEP, "right")
    check_interval(owner, "step_size_down", s.step_size_down, 0, MAX_STEP, "both")
    if not isinstance(s.mode, str):
        raise TypeError(f"The 'mode' parameter of {owner} must be one of 'triangular', 'triangular2', 'exp_range'. "
                        f"Got {s.mode!r} instead.")
    check_choice(owner, "mode", s.mode, ("triangular", "triangular2", "exp_range"))
    check_interval(owner, "gamma", s.gamma, 0, 1 if s.mode == "exp_range" else None, "right" if s.mode == "exp_range" else "neither")


def cyclic(
    learning_rate: Any,
    max_learning_rate: Any,
    step_size_up: Any = 2000,
    step_size_down: Any = None,
    mode: str = "triangular",
    gamma: Any = 1.0,
) -> Cyclic:
    r"""Cyclical learning rate (Smith 2017): a triangle wave between two bounds.

    Let :math:`\eta_{lo}, \eta_{hi}, u, d, \gamma` be ``learning_rate``, ``max_learning_rate``,
    ``step_size_up``, ``step_size_down``, ``gamma``. With :math:`L = u + d`, :math:`r = u/L`,
    :math:`c = \lfloor 1 + t/L \rfloor`, :math:`x = 1 + t/L - c` (:func:`triangle`):

    .. math::
        \eta(t) = \eta_{lo} + (\eta_{hi} - \eta_{lo})\, h(x)\, f, \quad
        h(x) = \begin{cases} x/r & x \le r \\ (x-1)/(r-1) & x > r \end{cases}, \quad
        f = \begin{cases} 1 & \text{triangular} \\ 2^{-(c-1)} & \text{triangular2} \\ \gamma^{t} & \text{exp\_range} \end{cases}

    Parameters
    ----------
    learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_{lo}`, the lower bound and the value at step 0.
    max_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_{hi}`.
    step_size_up : float or (B,) array in (0, 2**53]
        :math:`u`.
    step_size_down : float or (B,) array in [0, 2**53], optional
        :math:`d` (default :math:`u`).
    mode : {"triangular", "triangular2", "exp_range"}
    gamma : float or (B,) array in (0, inf); in (0, 1] with ``exp_range``
        :math:`\gamma` for ``exp_range``. PyTorch ``CyclicLR`` accepts :math:`\gamma > 1`, whose
        :math:`\gamma^t` overflows to inf (then NaN, or a negative rate when the bounds are
        reversed); lrlessons refuses it (the amplitude must not grow).

    Notes
    -----
    PyTorch ``CyclicLR`` (same formula and defaults; its momentum cycling is
    ``pytorch.CyclicLR(...).momentum``, a schedule any optimizer takes for ``momentum`` or
    ``beta1``).

    References
    ----------
    L. N. Smith (2017), Cyclical Learning Rates for Training Neural Networks, WACV,
    arXiv:1506.01186 (the triangular policy and its two variants). pytorch/pytorch
    ``torch/optim/lr_scheduler.py`` (``CyclicLR``).

    Examples
    --------
    >>> s = cyclic(0.1, 1.0, step_size_up=2, mode="triangular2")
    >>> [f"{float(v):.3f}" for v in s(range(9))]
    ['0.100', '0.550', '1.000', '0.550', '0.100', '0.325', '0.550', '0.325', '0.100']
    """
    step_size_down = step_size_up if step_size_down is None else step_size_down
    s = Cyclic(learning_rate, max_learning_rate, step_size_up, step_size_down, mode, gamma)
    check_interval("cyclic", "learning_rate", s.learning_rate, 0, None, "left")
    check_interval("cyclic", "max_learning_rate", s.max_learning_rate, 0, None, "left")
    check_cycle("cyclic", s)
    return s


# ----------------------------------------------------------------------------------------
# one cycle
# ----------------------------------------------------------------------------------------


def anneal(start, end, q, strategy):
    """From ``start`` (q = 0) to ``end`` (q = 1): PyTorch's ``_annealing_cos`` or ``_annealing_linear``."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (np.cos(np.pi * q) + 1)    # end + (start − end)·½(1 + cos πq)
    return (end - start) * q + start                                  # start + (end − start)·q


def one_cycle_phases(t, total_steps, pct_start, knots, anneal_strategy):
    """PyTorch ``OneCycleLR``'s phases: phase k anneals from ``knots[k]`` to ``knots[k + 1]``.

    Three knots make two phases, ending at pct·T − 1 and T − 1; four make three, ending at
    pct·T − 1, 2·pct·T − 2 and T − 1. Step t is in the first phase whose end is ≥ t (the last
    phase takes the rest), at q = (t − s)/(e − s) of it (q = 1 in an empty phase).
    """
    T, pct = total_steps, pct_start
    ends = [pct * T - 1, T - 1] if len(knots) == 3 else [pct * T - 1, 2 * pct * T - 2, T - 1]
    out = np.zeros(np.broadcast_shapes(*(np.shape(k) for k in knots), np.shape(T), np.shape(t)))
    done = np.zeros(out.shape, bool)
    start = 0.0
    for k, end in enumerate(ends):
        here = ~done & ((t <= end) | (k == len(ends) - 1))              # the first phase with t ≤ end
        span = end - start
        q = np.where(span > 0, (t - start) / np.where(span > 0, span, 1.0), 1.0)   # q = (t − s)/(e − s)
        out = np.where(here, anneal(knots[k], knots[k + 1], q, anneal_strategy), out)
        done = done | here
        start = end
    return out


def one_cycle_formula(
    t, max_learning_rate, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase, past_end
):
    """η_i = η_max/div up to η_max, then down to η_f = η_i/final_div (three phases: back to η_i first)."""
    initial = max_learning_rate / div_factor                           # η_i = η_max / div
    final = initial / final_div_factor                                 # η_f = η_i / final_div
    if past_end == "hold":
        t = np.minimum(t, total_steps - 1)                             # η_f from step T − 1 on
    knots = [initial, max_learning_rate, initial, final] if three_phase else [initial, max_learning_rate, final]
    return one_cycle_phases(t, total_steps, pct_start, knots, anneal_strategy)


def check_not_past_end(owner: str, step: Any, total_steps: Any) -> None:
    """Raise, as PyTorch's ``OneCycleLR`` does, for a step past ``total_steps``."""
    arr = np.asarray(step)
    T = np.max(total_steps)
    if arr.size and np.issubdtype(arr.dtype, np.number) and np.any(arr > T):
        raise ValueError(
            f"The 'step' argument of {owner} must be in [0, {int(T)}] (total_steps; PyTorch raises "
            f"past it). Got {np.max(arr).item()!r} instead."
        )


class OneCycle(Schedule):
    """:func:`one_cycle`."""

    formula = staticmethod(one_cycle_formula)
    batched = ("max_learning_rate", "total_steps", "pct_start", "div_factor", "final_div_factor")

    def __call__(self, step: Any) -> np.ndarray:
        if self.past_end == "pytorch":
            check_not_past_end(type(self).__name__, step, self.total_steps)
        return super().__call__(step)


def check_one_cycle(owner: str, s: Schedule) -> None:
    """The checks of a one-cycle's shape (``total_steps``, ``pct_start``, ``anneal_strategy``, ``three_phase``)."""
    check_integer(owner, "total_steps", s.total_steps, 1, None)
    check_interval(owner, "pct_start", s.pct_start, 0, 1, "both")
    check_choice(owner, "anneal_strategy", s.anneal_strategy, ("cos", "linear"))
    check_bool(owner, "three_phase", s.three_phase)


def one_cycle(
    max_learning_rate: Any,
    total_steps: Any,
    pct_start: Any = 0.3,
    anneal_strategy: str = "cos",
    div_factor: Any = 25.0,
    final_div_factor: Any = 1e4,
    three_phase: bool = False,
    past_end: str = "hold",
) -> OneCycle:
    r"""The 1cycle policy: warm up to ``max_learning_rate``, then anneal far below the start.

    Let :math:`\eta_{max}, T` be ``max_learning_rate``, ``total_steps``. With
    :math:`\eta_i = \eta_{max}/\text{div}` and :math:`\eta_f = \eta_i/\text{final\_div}`, the
    phases end at :math:`e_1 = \text{pct}\cdot T - 1` and :math:`e_2 = T - 1` (three phases:
    :math:`\text{pct}\,T-1,\ 2\,\text{pct}\,T-2,\ T-1`, going :math:`\eta_i\to\eta_{max}\to\eta_i\to\eta_f`).
    Inside a phase from :math:`(s, a)` to :math:`(e, b)`, with :math:`q = (t-s)/(e-s)`
    (:func:`one_cycle_phases`, :func:`anneal`):

    .. math::
        \eta(t) = b + (a - b)\,\tfrac12(1 + \cos \pi q) \ \ (\text{cos}), \qquad
        \eta(t) = a + (b - a)\,q \ \ (\text{linear})

    Parameters
    ----------
    max_learning_rate : float or (B,) array in [0, inf)
        :math:`\eta_{max}`, the peak.
    total_steps : int >= 1
        :math:`T`.
    pct_start : float in [0, 1]
        Fraction of :math:`T` spent rising.
    anneal_strategy : {"cos", "linear"}
    div_factor, final_div_factor : float in (0, inf)
        :math:`\eta_i = \eta_{max}/\text{div}`, :math:`\eta_f = \eta_i/\text{final\_div}`.
    three_phase : bool
        Come back down to :math:`\eta_i` symmetrically before the final anneal.
    past_end : {"hold", "pytorch"}
        ``"hold"``: :math:`\eta_f` from step :math:`T-1` on. ``"pytorch"``: continue the last
        phase's formula to step :math:`T` (what ``OneCycleLR`` returns there) and raise
        ``ValueError`` past :math:`T`, as PyTorch does.

    Notes
    -----
    PyTorch ``OneCycleLR`` (these phase ends). optax's one-cycle schedules put the knots at
    :math:`\lfloor \text{pct}\,T \rfloor` and :math:`T` and are built on
    :func:`~lrlessons.schedules.piecewise_interpolate`.

    References
    ----------
    L. N. Smith & N. Topin (2019), Super-Convergence: Very Fast Training of Neural Networks
    Using Large Learning Rates, Proc. SPIE 11006, arXiv:1708.07120. pytorch/pytorch
    ``torch/optim/lr_scheduler.py`` (``OneCycleLR``).

    Examples
    --------
    >>> s = one_cycle(1.0, total_steps=100)
    >>> [f"{float(v):.6f}" for v in s([0, 29, 99])]
    ['0.040000', '1.000000', '0.000004']
    """
    s = OneCycle(max_learning_rate, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor,
                 three_phase, past_end)
    check_interval("one_cycle", "max_learning_rate", s.max_learning_rate, 0, None, "left")
    check_one_cycle("one_cycle", s)
    check_interval("one_cycle", "div_factor", s.div_factor, 0, None, "neither")
    check_interval("one_cycle", "final_div_factor", s.final_div_factor, 0, None, "neither")
    check_choice("one_cycle", "past_end", s.past_end, ("hold", "pytorch"))
    return s
