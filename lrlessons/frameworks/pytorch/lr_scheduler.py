r"""PyTorch ``torch.optim.lr_scheduler``, as pure schedules built from :mod:`lrlessons.schedules`.

A PyTorch scheduler mutates an optimizer; here the base learning rate is the **first
argument** (there is no optimizer) and the result is a pure schedule: its value at step
``e`` is what ``scheduler.get_last_lr()`` returns after ``e`` calls of ``scheduler.step()``
(the constructor's own step makes ``e = 0`` the first value). Keyword names and defaults are
torch's (pytorch/pytorch ``torch/optim/lr_scheduler.py``, each scheduler's ``_get_closed_form_lr``
and ``get_lr``). PyTorch computes most schedulers recursively (each value from the previous one);
the closed forms used here agree to rounding (checked to ``rtol=1e-12`` against torch 2.x). The
momentum schedules of ``CyclicLR`` and ``OneCycleLR`` mirror the rate with the same building
blocks as the core (:func:`~lrlessons.schedules.cyclical.triangle`,
:func:`~lrlessons.schedules.cyclical.one_cycle_phases`).

>>> s = StepLR(0.1, step_size=30, gamma=0.1)
>>> [f"{float(v):.3f}" for v in s([0, 29, 30, 60])]
['0.100', '0.100', '0.010', '0.001']
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from ... import schedules as S
from ..._checks import check_bool, check_choice, check_integer, check_interval, suggest_keywords
from ...schedules.cyclical import check_cycle, check_not_past_end, check_one_cycle, one_cycle_phases, triangle
from ..._batch import batch_shape
from ...schedules.base import speaks_as

__all__ = [
    "ReduceLROnPlateau",
    "PlateauState",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "OneCycleLR",
    "SequentialLR",
    "LambdaLR",
    "MultiplicativeLR",
    "ChainedScheduler",
    "CyclicMomentum",
    "OneCycleMomentum",
]


def _alpha(owner: str, lr: Any, eta_min: Any) -> Any:
    """PyTorch's absolute ``eta_min`` as the core's fraction ``alpha = eta_min / lr``.

    The core cosine keeps its floor at or below the start, so ``eta_min`` must lie in ``[0, lr]``
    (PyTorch also accepts ``eta_min > lr``, a cosine that rises).
    """
    check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "eta_min", eta_min, 0, None, "left")
    if not np.all(np.asarray(eta_min) <= np.asarray(lr)):
        raise ValueError(f"The 'eta_min' parameter of {owner} must be in [0, lr] (lr={lr!r}). Got {eta_min!r} instead.")
    lr = np.asarray(lr, dtype=np.float64)
    a = np.divide(eta_min, lr, out=np.zeros(np.broadcast_shapes(lr.shape, np.shape(eta_min))), where=lr != 0)
    return a.item() if a.ndim == 0 else a


class TorchScheduler(NamedTuple):
    """What torch's scheduler of a schedule is: its class name, base lr and arguments (read by :func:`ChainedScheduler`)."""

    name: str
    lr: Any
    kwargs: dict


def _chainable(schedule: S.Schedule, name: str, lr: Any, **kwargs: Any) -> S.Schedule:
    """``schedule`` with its torch scheduler recorded (``schedule.torch_scheduler``), so a chain can step it as torch does."""
    object.__setattr__(schedule, "torch_scheduler", TorchScheduler(name, lr, kwargs))   # (an attribute, not a field)
    return schedule


@suggest_keywords
@speaks_as('StepLR', {'learning_rate': 'lr', 'decay_rate': 'gamma', 'decay_steps': 'step_size'})
def StepLR(lr: Any, step_size: int, gamma: float = 0.1) -> S.ExponentialDecay:
    r"""``StepLR``: :math:`b\,\gamma^{\lfloor e/\text{step\_size}\rfloor}`, a staircase :func:`~lrlessons.schedules.exponential_decay`.

    >>> [float(v) for v in StepLR(1.0, step_size=2, gamma=0.5)([0, 1, 2, 4])]
    [1.0, 1.0, 0.5, 0.25]
    """
    check_integer("StepLR", "step_size", step_size, 1, None)
    return _chainable(S.exponential_decay(lr, step_size, gamma, staircase=True), "StepLR", lr, step_size=step_size, gamma=gamma)


@suggest_keywords
@speaks_as('MultiStepLR', {'values': 'lr'})
def MultiStepLR(lr: Any, milestones: Any, gamma: float = 0.1) -> S.PiecewiseConstant:
    r"""``MultiStepLR``: :math:`b\,\gamma^{\#\{m_i \le e\}}`, a :func:`~lrlessons.schedules.piecewise_constant` that changes **at** each milestone.

    Repeated milestones compound (torch counts them with ``Counter``).

    >>> [f"{float(v):.3f}" for v in MultiStepLR(0.1, milestones=[2, 4, 4])([0, 1, 2, 3, 4])]
    ['0.100', '0.100', '0.010', '0.010', '0.000']
    """
    check_interval("MultiStepLR", "lr", lr, 0, None, "left")
    check_interval("MultiStepLR", "gamma", gamma, 0, None, "left")
    if isinstance(milestones, (str, bytes, dict)) or not np.iterable(milestones):
        raise TypeError(f"The 'milestones' parameter of MultiStepLR must be a list of integers. Got {milestones!r} instead.")
    for m in milestones:
        check_integer("MultiStepLR", "milestones", m, 0, 2**53)
    counts = Counter(int(m) for m in milestones)
    bounds = sorted(counts)
    powers = np.concatenate([[0], np.cumsum([counts[b] for b in bounds])])
    lr, gamma = np.asarray(lr, dtype=np.float64), np.asarray(gamma, dtype=np.float64)
    values = lr[..., None] * gamma[..., None] ** powers    # (B, K): run i has lr[i]·gamma[i]^k
    return _chainable(S.piecewise_constant(bounds, values, closed="left"), "MultiStepLR", lr, milestones=counts, gamma=gamma)


@suggest_keywords
@speaks_as('ConstantLR', {'values': 'lr'})
def ConstantLR(lr: Any, factor: float = 1.0 / 3, total_iters: int = 5) -> S.PiecewiseConstant:
    r"""``ConstantLR``: :math:`b\cdot\text{factor}` for :math:`e <` ``total_iters``, then :math:`b` (a :func:`~lrlessons.schedules.piecewise_constant`).

    >>> [f"{float(v):.4f}" for v in ConstantLR(0.1, factor=0.5, total_iters=2)([0, 1, 2])]
    ['0.0500', '0.0500', '0.1000']
    """
    check_interval("ConstantLR", "factor", factor, 0, 1, "both")
    check_integer("ConstantLR", "total_iters", total_iters, 0, None)
    lr = np.asarray(lr, dtype=np.float64)
    return _chainable(S.piecewise_constant([total_iters], np.stack([lr * factor, lr], axis=-1), closed="left"), "ConstantLR", lr,
                      factor=factor, total_iters=total_iters)


@suggest_keywords
@speaks_as('LinearLR', {'learning_rate': 'lr', 'end_learning_rate': 'lr', 'decay_steps': 'total_iters'})
def LinearLR(lr: Any, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5) -> S.Linear:
    r"""``LinearLR``: :math:`b\,(s + (e_f - s)\min(e, T)/T)`, a :func:`~lrlessons.schedules.linear` ramp.

    (PyTorch's docstring example is shifted by one epoch; the code is what this reproduces.)

    >>> [f"{float(v):.6f}" for v in LinearLR(0.05, start_factor=0.05, total_iters=40)([0, 1])]
    ['0.002500', '0.003688']
    """
    check_interval("LinearLR", "start_factor", start_factor, 0, 1, "right")
    check_interval("LinearLR", "end_factor", end_factor, 0, 1, "both")
    check_integer("LinearLR", "total_iters", total_iters, 1, None)
    lr = np.asarray(lr, dtype=np.float64)
    return _chainable(S.linear(_tolist(lr * start_factor), _tolist(lr * end_factor), total_iters), "LinearLR", lr,
                      start_factor=start_factor, end_factor=end_factor, total_iters=total_iters)


def _tolist(a: np.ndarray) -> Any:
    return a.item() if a.ndim == 0 else a


@suggest_keywords
@speaks_as('ExponentialLR', {'learning_rate': 'lr', 'decay_rate': 'gamma'})
def ExponentialLR(lr: Any, gamma: float) -> S.ExponentialDecay:
    r"""``ExponentialLR``: :math:`b\,\gamma^{e}`, an :func:`~lrlessons.schedules.exponential_decay` with ``decay_steps=1``.

    >>> [float(v) for v in ExponentialLR(1.0, gamma=0.5)([0, 1, 3])]
    [1.0, 0.5, 0.125]
    """
    return _chainable(S.exponential_decay(lr, 1, gamma), "ExponentialLR", lr, gamma=gamma)


@suggest_keywords
@speaks_as('PolynomialLR', {'learning_rate': 'lr', 'decay_steps': 'total_iters'})
def PolynomialLR(lr: Any, total_iters: int = 5, power: float = 1.0) -> S.PolynomialDecay:
    r"""``PolynomialLR``: :math:`b\,(1 - \min(e, T)/T)^{p}`, a :func:`~lrlessons.schedules.polynomial_decay` ending at 0.

    >>> [f"{float(v):.3f}" for v in PolynomialLR(0.1, total_iters=4, power=2.0)([0, 1, 2, 4, 9])]
    ['0.100', '0.056', '0.025', '0.000', '0.000']
    """
    check_integer("PolynomialLR", "total_iters", total_iters, 1, None)
    return _chainable(S.polynomial_decay(lr, total_iters, end_learning_rate=0.0, power=power), "PolynomialLR", lr,
                      total_iters=total_iters, power=power)


@suggest_keywords
@speaks_as('CosineAnnealingLR', {'learning_rate': 'lr', 'decay_steps': 'T_max', 'alpha': 'eta_min'})
def CosineAnnealingLR(lr: Any, T_max: int, eta_min: float = 0.0) -> S.CosineDecay:
    r"""``CosineAnnealingLR``: :math:`\eta_{min} + (b - \eta_{min})\tfrac12(1 + \cos(\pi e/T_{max}))`, **not** clamped.

    A :func:`~lrlessons.schedules.cosine_decay` with ``periodic=True`` and
    :math:`\alpha = \eta_{min}/b`: past ``T_max`` the rate climbs back to :math:`b` at
    :math:`2T_{max}`.

    >>> [f"{float(v):.3f}" for v in CosineAnnealingLR(1.0, T_max=10)([0, 5, 10, 15, 20])]
    ['1.000', '0.500', '0.000', '0.500', '1.000']
    """
    check_integer("CosineAnnealingLR", "T_max", T_max, 1, None)
    return _chainable(S.cosine_decay(lr, T_max, alpha=_alpha("CosineAnnealingLR", lr, eta_min), periodic=True),
                      "CosineAnnealingLR", lr, T_max=T_max, eta_min=eta_min)


@suggest_keywords
@speaks_as('CosineAnnealingWarmRestarts', {'learning_rate': 'lr', 'first_decay_steps': 'T_0', 't_mul': 'T_mult', 'alpha': 'eta_min'})
def CosineAnnealingWarmRestarts(lr: Any, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> S.CosineDecayRestarts:
    r"""``CosineAnnealingWarmRestarts``: SGDR with integer ``T_mult`` (default 1: fixed period), no peak decay.

    A :func:`~lrlessons.schedules.cosine_decay_restarts` with ``t_mul=T_mult``, ``m_mul=1`` and
    :math:`\alpha = \eta_{min}/b`.

    >>> [f"{float(v):.3f}" for v in CosineAnnealingWarmRestarts(1.0, T_0=4)([0, 2, 3, 4, 6])]
    ['1.000', '0.500', '0.146', '1.000', '0.500']
    """
    check_integer("CosineAnnealingWarmRestarts", "T_0", T_0, 1, None)
    check_integer("CosineAnnealingWarmRestarts", "T_mult", T_mult, 1, None)
    return S.cosine_decay_restarts(lr, T_0, t_mul=float(T_mult), m_mul=1.0, alpha=_alpha("CosineAnnealingWarmRestarts", lr, eta_min))


@suggest_keywords
@speaks_as('CyclicLR', {'learning_rate': 'base_lr', 'max_learning_rate': 'max_lr'})
def CyclicLR(
    base_lr: Any,
    max_lr: Any,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    scale_fn: Any = None,
    scale_mode: str = "cycle",
    cycle_momentum: bool = True,
    base_momentum: float = 0.8,
    max_momentum: float = 0.9,
) -> S.Cyclic:
    r"""``CyclicLR`` (Smith 2017), the core :func:`~lrlessons.schedules.cyclic`.

    With ``cycle_momentum=True`` (torch's default) torch also sets the optimizer's momentum
    (SGD/RMSprop ``momentum``, Adam-family ``betas[0]``) every step, inversely to the rate:
    the schedule's ``.momentum`` attribute is that :class:`CyclicMomentum` schedule
    (``None`` when ``cycle_momentum=False``); pass it to the optimizer, e.g.
    ``pytorch.SGD(lr=s, momentum=s.momentum)`` or ``pytorch.Adam(lr=s, betas=(s.momentum, 0.999))``.
    A custom ``scale_fn`` is not supported (use :func:`LambdaLR`); ``scale_mode`` is
    implied by ``mode`` (``"cycle"`` for the triangular modes, ``"iterations"`` for exp_range).

    >>> s = CyclicLR(0.1, 1.0, step_size_up=2)
    >>> [f"{float(v):.2f}" for v in s([0, 1, 2, 3, 4])]
    ['0.10', '0.55', '1.00', '0.55', '0.10']
    >>> [f"{float(v):.2f}" for v in s.momentum([0, 1, 2, 3, 4])]
    ['0.90', '0.85', '0.80', '0.85', '0.90']
    """
    if scale_fn is not None:
        raise ValueError(
            f"The 'scale_fn' parameter of CyclicLR is not supported here (custom scaling). Got {scale_fn!r}; "
            "use mode='triangular', 'triangular2' or 'exp_range', or LambdaLR."
        )
    check_bool("CyclicLR", "cycle_momentum", cycle_momentum)
    out = S.cyclic(base_lr, max_lr, step_size_up, step_size_down, mode, gamma)
    momentum = None
    if cycle_momentum:
        momentum = CyclicMomentum(base_momentum, max_momentum, step_size_up, step_size_down, mode, gamma)
    object.__setattr__(out, "momentum", momentum)     # (an attribute, not a field: repr unchanged)
    return out


@suggest_keywords
@speaks_as('OneCycleLR', {'max_learning_rate': 'max_lr'})
def OneCycleLR(
    max_lr: Any,
    total_steps: int | None = None,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    cycle_momentum: bool = True,
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> S.OneCycle:
    r"""``OneCycleLR`` (Smith & Topin), the core :func:`~lrlessons.schedules.one_cycle` with ``past_end="pytorch"``.

    ``total_steps`` or ``epochs * steps_per_epoch``. Like torch, step ``total_steps`` still
    has a value (the last phase's formula continued) and later steps raise ``ValueError``.
    With ``cycle_momentum=True`` (torch's default) torch also sets the optimizer's momentum
    (SGD/RMSprop ``momentum``, Adam-family ``betas[0]``) every step, inversely to the rate
    (``max_momentum`` → ``base_momentum`` → ``max_momentum``): the schedule's ``.momentum``
    attribute is that :class:`OneCycleMomentum` schedule (``None`` when
    ``cycle_momentum=False``). Pass it to the optimizer as torch's scheduler would set it:
    ``pytorch.SGD(lr=s, momentum=s.momentum)`` or ``pytorch.Adam(lr=s, betas=(s.momentum, 0.999))``.

    >>> s = OneCycleLR(1.0, total_steps=100)
    >>> [f"{float(v):.6f}" for v in s([0, 29, 99])]
    ['0.040000', '1.000000', '0.000004']
    >>> [f"{float(v):.4f}" for v in s.momentum([0, 29, 99])]
    ['0.9500', '0.8500', '0.9500']
    """
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise ValueError("The 'total_steps' parameter of OneCycleLR must be a positive integer, or 'epochs' and "
                             "'steps_per_epoch' must both be given (PyTorch: 'You must define either total_steps OR "
                             "(epochs AND steps_per_epoch)'). Got total_steps=None instead.")
        check_integer("OneCycleLR", "epochs", epochs, 1, None)
        check_integer("OneCycleLR", "steps_per_epoch", steps_per_epoch, 1, None)
        total_steps = int(epochs) * int(steps_per_epoch)
    if np.ndim(total_steps) != 0:
        raise TypeError(f"The 'total_steps' parameter of OneCycleLR must be one integer. Got {total_steps!r} instead.")
    check_integer("OneCycleLR", "total_steps", total_steps, 1, None)
    check_bool("OneCycleLR", "cycle_momentum", cycle_momentum)
    out = S.one_cycle(max_lr, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase, past_end="pytorch")
    momentum = None
    if cycle_momentum:
        momentum = OneCycleMomentum(base_momentum, max_momentum, total_steps, pct_start, anneal_strategy, three_phase)
    object.__setattr__(out, "momentum", momentum)     # (an attribute, not a field: repr unchanged)
    return out


@suggest_keywords
def SequentialLR(schedulers: Any, milestones: Any) -> S.Join:
    r"""``SequentialLR``: switch to the next scheduler at each milestone, restarted at its epoch 0 (a :func:`~lrlessons.schedules.join`).

    PyTorch's docstring example (ConstantLR(factor .1, 2 iters) then ExponentialLR(.9), lr 1):

    >>> s = SequentialLR([ConstantLR(1.0, factor=0.1, total_iters=2), ExponentialLR(1.0, gamma=0.9)], milestones=[2])
    >>> [f"{float(v):.3f}" for v in s([0, 1, 2, 3])]
    ['0.100', '0.100', '1.000', '0.900']
    """
    return S.join(list(schedulers), list(milestones))


def lambda_lr_formula(t, lr, lr_lambda):
    """b · λ(e): the user's λ, called once per step with a Python int (as torch does)."""
    factors = [float(lr_lambda(int(e))) for e in t.ravel()]
    return lr * np.array(factors, dtype=np.float64).reshape(t.shape)


class LambdaLR(S.Schedule):
    r"""``LambdaLR``: :math:`b\cdot\lambda(e)` for a user function ``lr_lambda`` of the epoch.

    ``lr_lambda`` is called once per step with a Python ``int`` (as torch does), so it may
    use ``if``; it cannot be vectorized for you.

    >>> s = LambdaLR(0.1, lr_lambda=lambda epoch: 0.95**epoch)
    >>> [f"{float(v):.4f}" for v in s([0, 1, 2])]
    ['0.1000', '0.0950', '0.0902']
    >>> s
    LambdaLR(lr=0.1, lr_lambda=<lambda>)
    """

    formula = staticmethod(lambda_lr_formula)
    batched = ("lr",)

    def __init__(self, lr: Any, lr_lambda: Callable) -> None:
        super().__init__(lr, lr_lambda)
        check_interval("LambdaLR", "lr", self.lr, 0, None, "left")
        if not callable(self.lr_lambda):
            raise TypeError(f"The 'lr_lambda' parameter of LambdaLR must be a callable. Got {self.lr_lambda!r} instead.")

    def __repr__(self) -> str:
        lr = self.lr.tolist() if isinstance(self.lr, np.ndarray) else self.lr
        name = getattr(self.lr_lambda, "__name__", type(self.lr_lambda).__name__)
        return f"LambdaLR(lr={lr!r}, lr_lambda={name})"


# ----------------------------------------------------------------------------------------
# momentum schedules (cycle_momentum=True): what torch writes into the optimizer each step
# ----------------------------------------------------------------------------------------


def _check_momenta(owner: str, s: S.Schedule) -> None:
    check_interval(owner, "base_momentum", s.base_momentum, 0, 1, "left")
    check_interval(owner, "max_momentum", s.max_momentum, 0, 1, "left")


def cyclic_momentum_formula(t, base_momentum, max_momentum, step_size_up, step_size_down, mode, gamma):
    """μ(t) = μ_hi − (μ_hi − μ_lo) · h(x) · f: the rate's triangle wave, upside down."""
    h, f = triangle(t, step_size_up, step_size_down, mode, gamma)
    return max_momentum - (max_momentum - base_momentum) * h * f


class CyclicMomentum(S.Schedule):
    r"""The momentum ``CyclicLR(cycle_momentum=True)`` sets: :math:`m_{hi} - (m_{hi} - m_{lo})\,h(x)\,f`.

    The same triangle :math:`h(x)` and scale :math:`f` as the rate
    (:func:`~lrlessons.schedules.cyclical.triangle`), mirrored: ``max_momentum`` :math:`m_{hi}`
    where the rate is lowest, ``base_momentum`` :math:`m_{lo}` at its peak (pytorch/pytorch
    ``torch/optim/lr_scheduler.py``, ``CyclicLR.get_lr``; same operation order). L. N. Smith
    (2018), A disciplined approach to neural network hyper-parameters, arXiv:1803.09820.

    >>> s = CyclicMomentum(0.8, 0.9, step_size_up=2, mode="triangular2")
    >>> [f"{float(v):.3f}" for v in s(range(7))]
    ['0.900', '0.850', '0.800', '0.850', '0.900', '0.875', '0.850']
    """

    formula = staticmethod(cyclic_momentum_formula)
    batched = ("base_momentum", "max_momentum", "step_size_up", "step_size_down", "gamma")

    def __init__(self, base_momentum: Any = 0.8, max_momentum: Any = 0.9, step_size_up: Any = 2000,
                 step_size_down: Any = None, mode: str = "triangular", gamma: Any = 1.0) -> None:
        step_size_down = step_size_up if step_size_down is None else step_size_down
        super().__init__(base_momentum, max_momentum, step_size_up, step_size_down, mode, gamma)
        _check_momenta("CyclicMomentum", self)
        check_cycle("CyclicMomentum", self)


def one_cycle_momentum_formula(t, base_momentum, max_momentum, total_steps, pct_start, anneal_strategy, three_phase):
    """μ_hi down to μ_lo while the rate rises, back up to μ_hi while it falls (three phases: then held)."""
    if three_phase:
        knots = [max_momentum, base_momentum, max_momentum, max_momentum]
    else:
        knots = [max_momentum, base_momentum, max_momentum]
    return one_cycle_phases(t, total_steps, pct_start, knots, anneal_strategy)


class OneCycleMomentum(S.Schedule):
    r"""The momentum ``OneCycleLR(cycle_momentum=True)`` sets: the rate's phases, mirrored.

    The phases of :func:`~lrlessons.schedules.one_cycle` (ends :math:`\text{pct}\,T-1,\ T-1`;
    three phases :math:`\text{pct}\,T-1,\ 2\,\text{pct}\,T-2,\ T-1`) and its anneal
    function (:func:`~lrlessons.schedules.cyclical.one_cycle_phases`), going
    :math:`m_{hi}\to m_{lo}\to m_{hi}` (three phases: :math:`m_{hi}\to m_{lo}\to m_{hi}\to m_{hi}`),
    with :math:`m_{lo}` = ``base_momentum`` at the rate's peak (pytorch/pytorch
    ``torch/optim/lr_scheduler.py``, ``OneCycleLR._schedule_phases``). Steps past
    ``total_steps`` raise, as in torch.

    >>> s = OneCycleMomentum(0.85, 0.95, total_steps=10, pct_start=0.5, anneal_strategy="linear")
    >>> [f"{float(v):.3f}" for v in s([0, 2, 4, 9])]
    ['0.950', '0.900', '0.850', '0.950']
    """

    formula = staticmethod(one_cycle_momentum_formula)
    batched = ("base_momentum", "max_momentum", "total_steps", "pct_start")

    def __init__(self, base_momentum: Any = 0.85, max_momentum: Any = 0.95, total_steps: Any = 100,
                 pct_start: Any = 0.3, anneal_strategy: str = "cos", three_phase: bool = False) -> None:
        super().__init__(base_momentum, max_momentum, total_steps, pct_start, anneal_strategy, three_phase)
        _check_momenta("OneCycleMomentum", self)
        check_one_cycle("OneCycleMomentum", self)

    def __call__(self, step: Any) -> np.ndarray:
        check_not_past_end("OneCycleMomentum", step, self.total_steps)
        return super().__call__(step)


# ---------------------------------------------------------------------------------------
# ReduceLROnPlateau: metric-driven control (not a pure function of the step)
# ---------------------------------------------------------------------------------------


class PlateauState(NamedTuple):
    """Per-run state of :class:`ReduceLROnPlateau` (arrays shaped like the run batch)."""

    lr: np.ndarray
    best: np.ndarray
    num_bad_epochs: np.ndarray
    cooldown_counter: np.ndarray
    last_epoch: int


@dataclass(frozen=True)
class ReduceLROnPlateau:
    r"""Reduce the learning rate when a metric stops improving (PyTorch semantics).

    Used as ``lrlessons.run(..., plateau=ReduceLROnPlateau(...))``. After every ``every`` updates the
    run calls :meth:`update` with the full-batch loss (the "epoch" metric), exactly like
    ``torch.optim.lr_scheduler.ReduceLROnPlateau.step(metric)``:

    * *better* means ``a < best·(1 − threshold)`` (min, rel), ``a < best − threshold`` (min,
      abs), ``a > best·(1 + threshold)`` (max, rel) or ``a > best + threshold`` (max, abs);
      ``best`` starts at +inf (min) or −inf (max).
    * better: ``best = a``, ``num_bad_epochs = 0``; otherwise ``num_bad_epochs += 1``.
    * in cooldown (``cooldown_counter > 0``): ``cooldown_counter -= 1``, ``num_bad_epochs = 0``.
    * ``num_bad_epochs > patience``: ``new = max(lr·factor, min_lr)``, applied only if
      ``lr − new > eps``; then ``cooldown_counter = cooldown``, ``num_bad_epochs = 0``.

    The controller owns the learning rate: it starts from the optimizer's bound ``lr`` (a
    number or ``(B,)`` array; a schedule is refused, since the two would fight), and each run
    of a batch keeps its own state.

    Source: pytorch/pytorch ``torch/optim/lr_scheduler.py`` (``ReduceLROnPlateau.step``,
    ``_reduce_lr``, ``_is_better``).

    >>> p = ReduceLROnPlateau(factor=0.5, patience=1)
    >>> s = p.init(0.1)
    >>> for metric in [1.0, 1.0, 1.0, 0.5, 0.6, 0.7]:
    ...     s = p.update(s, metric)
    ...     print(f"{float(s.lr):.3f}", end=" ")
    0.100 0.100 0.050 0.050 0.050 0.025 
    """

    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float = 0.0
    eps: float = 1e-8
    every: int = 1

    def __post_init__(self):
        owner = "ReduceLROnPlateau"
        check_choice(owner, "mode", self.mode, ("min", "max"))
        check_choice(owner, "threshold_mode", self.threshold_mode, ("rel", "abs"))
        check_interval(owner, "factor", self.factor, 0, 1, "left")
        check_integer(owner, "patience", self.patience, 0, None)
        check_interval(owner, "threshold", self.threshold, 0, None, "left")
        check_integer(owner, "cooldown", self.cooldown, 0, None)
        check_interval(owner, "min_lr", self.min_lr, 0, None, "left")
        check_interval(owner, "eps", self.eps, 0, None, "left")
        check_integer(owner, "every", self.every, 1, None)

    def init(self, lr: Any) -> PlateauState:
        """The initial state for starting rate(s) ``lr`` (scalar or ``(B,)``)."""
        lr = np.array(lr, dtype=np.float64)
        worse = np.inf if self.mode == "min" else -np.inf
        return PlateauState(lr=lr, best=np.full(lr.shape, worse), num_bad_epochs=np.zeros(lr.shape, np.int64),
                            cooldown_counter=np.zeros(lr.shape, np.int64), last_epoch=0)

    def is_better(self, a: np.ndarray, best: np.ndarray) -> np.ndarray:
        """PyTorch's ``_is_better``, elementwise."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def update(self, state: PlateauState, metric: Any) -> PlateauState:
        """One ``scheduler.step(metric)``: the new state (pure; ``metric`` scalar or ``(B,)``)."""
        a = np.asarray(metric, dtype=np.float64)
        better = self.is_better(a, state.best)
        best = np.where(better, a, state.best)
        num_bad = np.where(better, 0, state.num_bad_epochs + 1)
        in_cooldown = state.cooldown_counter > 0
        cooldown_counter = np.where(in_cooldown, state.cooldown_counter - 1, state.cooldown_counter)
        num_bad = np.where(in_cooldown, 0, num_bad)
        reduce = num_bad > self.patience
        new_lr = np.maximum(state.lr * self.factor, self.min_lr)
        lr = np.where(reduce & (state.lr - new_lr > self.eps), new_lr, state.lr)
        cooldown_counter = np.where(reduce, self.cooldown, cooldown_counter)
        num_bad = np.where(reduce, 0, num_bad)
        return PlateauState(lr, best, num_bad, cooldown_counter, state.last_epoch + 1)


# ----------------------------------------------------------------------------------------
# chainable schedulers: each value from the previous one, as torch computes them
# ----------------------------------------------------------------------------------------


def _per_run(lr: Any) -> Any:
    """A base lr as the recursions use it: a number, or ``(B,)`` (the ``(B, 1, ..., 1)`` padding removed)."""
    lr = np.asarray(lr, dtype=np.float64)
    return lr if lr.ndim == 0 else lr.reshape(lr.shape[0])


def _at_steps(table: list, t: np.ndarray) -> np.ndarray:
    """Entry ``e`` of ``table`` (values for e = 0, 1, ...) at each step of ``t``: shape ``(B,) + t.shape`` when batched."""
    values = np.stack(np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in table)))   # (E + 1,) or (E + 1, B)
    out = values[t.astype(np.int64)]
    return out if values.ndim == 1 else np.moveaxis(out, -1, 0)


class _EpochTable(S.Schedule):
    """A torch scheduler that is a recursion over epochs, so its value at step t needs every epoch
    before it. The table is built once and extended (doubling) when a later step is asked for:
    a training run that reads one step at a time costs O(T) in all, not O(T²). The values are
    the formula's, bit for bit; the schedule stays a pure function of the step (``lr_lambda``
    must be one too)."""

    def value(self, t: np.ndarray, step_ndim: int | None = None) -> np.ndarray:
        if step_ndim is not None and np.ndim(t) > step_ndim and self.batch_shape:
            return super().value(t, step_ndim)            # (a warmup's per-run steps: no table)
        n = int(np.max(t, initial=0))
        table = self.__dict__.get("_table")
        if table is None or table.shape[-1] <= n:
            size = max(n + 1, 64, 2 * (0 if table is None else table.shape[-1]))
            table = super().value(np.arange(size, dtype=np.float64))
            table.setflags(write=False)
            object.__setattr__(self, "_table", table)
        return np.take(table, np.asarray(t).astype(np.int64), axis=-1)


def multiplicative_lr_formula(t, lr, lr_lambda):
    """lr_0 = b; lr_e = lr_{e−1} · λ(e) (λ never called at 0), as torch's ``MultiplicativeLR.get_lr``."""
    table = [_per_run(lr)]
    for e in range(1, int(np.max(t, initial=0)) + 1):
        table.append(table[-1] * float(lr_lambda(e)))                           # lr_e = lr_{e−1} · λ(e)
    return _at_steps(table, t)


class MultiplicativeLR(_EpochTable):
    r"""``MultiplicativeLR``: :math:`\mathrm{lr}_e = \mathrm{lr}_{e-1}\,\lambda(e)`, so :math:`b\prod_{i=1}^{e}\lambda(i)`.

    ``lr_lambda`` (a function of the epoch, called with a Python ``int``) is never called at
    0: the first value is the base lr. The product is formed one factor at a time, in torch's
    order. (torch also takes a list of functions, one per parameter group; lrlessons has one.)

    >>> s = MultiplicativeLR(0.1, lr_lambda=lambda epoch: 0.5 if epoch % 2 == 0 else 1.0)
    >>> [float(v) for v in s([0, 1, 2, 3, 4])]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    formula = staticmethod(multiplicative_lr_formula)
    batched = ("lr",)

    def __init__(self, lr: Any, lr_lambda: Callable) -> None:
        super().__init__(lr, lr_lambda)
        check_interval("MultiplicativeLR", "lr", self.lr, 0, None, "left")
        if not callable(self.lr_lambda):
            raise TypeError(f"The 'lr_lambda' parameter of MultiplicativeLR must be a callable (lrlessons has one "
                            f"parameter group). Got {self.lr_lambda!r} instead.")
        _chainable(self, "MultiplicativeLR", lr, lr_lambda=lr_lambda)

    def __repr__(self) -> str:
        lr = self.lr.tolist() if isinstance(self.lr, np.ndarray) else self.lr
        name = getattr(self.lr_lambda, "__name__", type(self.lr_lambda).__name__)
        return f"MultiplicativeLR(lr={lr!r}, lr_lambda={name})"


def chainable_lr(scheduler: TorchScheduler, lr: Any, e: int) -> Any:
    """One torch scheduler's ``get_lr`` in a chain: the new lr from the current ``lr`` at epoch ``e`` (e = 0: construction).

    Each multiplies the current lr (torch's "chainable form") except ``CosineAnnealingLR``, which
    is affine, and additive at e ≡ T + 1 (mod 2T) with the ORIGINAL base lr: inside a chain it is
    not the product of the closed forms.
    """
    name, k = scheduler.name, scheduler.kwargs
    if name == "ConstantLR":
        if e == 0:
            return lr * k["factor"]                                              # lr · factor
        return lr * (1.0 / k["factor"]) if e == k["total_iters"] else lr         # lr / factor at e = T
    if name == "LinearLR":
        sf, ef, n = k["start_factor"], k["end_factor"], k["total_iters"]
        if e == 0:
            return lr * sf                                                       # lr · start_factor
        if e > n:
            return lr
        return lr * (1.0 + (ef - sf) / (n * sf + (e - 1) * (ef - sf)))          # lr · (1 + (e_f − s)/(T s + (e−1)(e_f − s)))
    if e == 0:
        return lr
    if name == "ExponentialLR":
        return lr * k["gamma"]                                                   # lr · γ
    if name == "StepLR":
        return lr * k["gamma"] if e % k["step_size"] == 0 else lr               # lr · γ every step_size
    if name == "MultiStepLR":
        count = k["milestones"].get(e, 0)
        return lr * k["gamma"] ** count if count else lr                        # lr · γ^(# milestones at e)
    if name == "PolynomialLR":
        n = k["total_iters"]
        if e > n:
            return lr
        return lr * ((1.0 - e / n) / (1.0 - (e - 1) / n)) ** k["power"]         # lr · ((1 − e/T)/(1 − (e−1)/T))^p
    if name == "MultiplicativeLR":
        return lr * float(k["lr_lambda"](e))                                     # lr · λ(e)
    # CosineAnnealingLR
    n, eta_min, base = k["T_max"], k["eta_min"], _per_run(scheduler.lr)
    if (e - 1 - n) % (2 * n) == 0:
        return lr + (base - eta_min) * (1 - math.cos(math.pi / n)) / 2           # lr + (b − η)(1 − cos(π/T))/2
    return (1 + math.cos(math.pi * e / n)) / (1 + math.cos(math.pi * (e - 1) / n)) * (lr - eta_min) + eta_min


def chained_scheduler_formula(t, lr, schedulers):
    """torch's ``ChainedScheduler``: at every epoch each member's ``chainable_lr``, in list order, on the current lr."""
    members = [s.torch_scheduler for s in schedulers]
    current = _per_run(lr)
    for m in members:                                                            # construction (each member's e = 0)
        current = chainable_lr(m, current, 0)
    table = [current]
    for e in range(1, int(np.max(t, initial=0)) + 1):
        for m in members:
            current = chainable_lr(m, current, e)
        table.append(current)
    return _at_steps(table, t)


#: The torch schedulers a chain can hold (those whose ``get_lr`` is chainable, and MultiplicativeLR).
CHAINABLE = ("ConstantLR", "LinearLR", "ExponentialLR", "StepLR", "MultiStepLR", "PolynomialLR", "CosineAnnealingLR",
             "MultiplicativeLR")


class ChainedScheduler(_EpochTable):
    r"""``ChainedScheduler``: every epoch, each scheduler steps in turn, each on the lr the previous one set.

    ``schedulers`` are this module's schedules (``ConstantLR(0.05, ...)``, ``ExponentialLR(0.05, ...)``),
    all with the same base lr (torch: all on the same optimizer). Torch's schedulers compute
    the new lr from the current one (``chainable_lr``), so the chain is their recursion, not
    a product of closed forms: ``CosineAnnealingLR`` steps affinely, and additively with its
    original base lr once per period. ``optimizer`` is accepted for torch's signature and must
    be ``None`` (there is no optimizer here). The constructor does not step: the members'
    construction factors (``ConstantLR``'s ``factor``, ``LinearLR``'s ``start_factor``) apply in turn.

    PyTorch's docstring example (lr 0.05; ``ConstantLR(factor=0.1, total_iters=20)`` then
    ``ExponentialLR(gamma=0.9)``) lists 0.05, 0.045, 0.0405, ...: every value there is **10 times**
    the real one, which forgets ConstantLR's factor (torch 2.13 computes 0.005, 0.0045, ...). The
    same chain with ``total_iters=2``, where ConstantLR gives its factor back at epoch 2:

    >>> s = ChainedScheduler([ConstantLR(0.05, factor=0.1, total_iters=2), ExponentialLR(0.05, gamma=0.9)])
    >>> [f"{float(v):.6f}" for v in s([0, 1, 2, 3])]
    ['0.005000', '0.004500', '0.040500', '0.036450']
    """

    formula = staticmethod(chained_scheduler_formula)
    batched = ("lr",)

    def __init__(self, schedulers: Any, optimizer: Any = None) -> None:
        if optimizer is not None:
            raise ValueError(f"The 'optimizer' parameter of ChainedScheduler must be None (lrlessons schedules have no "
                             f"optimizer). Got {optimizer!r} instead.")
        if isinstance(schedulers, (str, bytes, dict)) or not np.iterable(schedulers):
            raise TypeError(f"The 'schedulers' parameter of ChainedScheduler must be a list of schedules. "
                            f"Got {schedulers!r} instead.")
        schedulers = tuple(schedulers)
        if not schedulers:
            raise ValueError("The 'schedulers' parameter of ChainedScheduler must hold at least one scheduler "
                             "(torch: 'ChainedScheduler expects at least one scheduler to be chained'). Got [] instead.")
        for i, s in enumerate(schedulers):
            m = getattr(s, "torch_scheduler", None)
            if m is None or m.name not in CHAINABLE:
                raise TypeError(f"The 'schedulers' parameter of ChainedScheduler must hold PyTorch schedules built here "
                                f"({', '.join(CHAINABLE)}). Got {s!r} at position {i} instead.")
        bases = [_per_run(s.torch_scheduler.lr) for s in schedulers]
        for i, b in enumerate(bases[1:], start=1):
            if np.shape(b) != np.shape(bases[0]) or not np.array_equal(b, bases[0]):
                raise ValueError(f"The 'schedulers' parameter of ChainedScheduler must hold schedules of one base lr "
                                 f"(torch: all on the same optimizer). Got lr={bases[0].tolist()!r} at position 0 and "
                                 f"lr={b.tolist()!r} at position {i}.")
        super().__init__(bases[0] if bases[0].ndim else float(bases[0]), schedulers)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """``()`` for one run, ``(B,)`` when the base lr or a member's hyperparameter is batched."""
        return batch_shape(self.lr, *(np.empty(s.batch_shape) for s in self.schedulers))

    def __repr__(self) -> str:
        lr = self.lr.tolist() if isinstance(self.lr, np.ndarray) else self.lr
        return f"ChainedScheduler(lr={lr!r}, schedulers={list(self.schedulers)!r})"
