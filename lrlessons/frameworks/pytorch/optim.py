"""PyTorch ``torch.optim`` optimizers (torch 2.x), built from the lrlessons core.

Same class names, keywords and defaults as ``torch.optim`` except the first argument: there is
no ``params`` (lrlessons optimizers are pure functions of the parameters), so ``lr`` comes
first. Each returns a core :class:`~lrlessons.optimizers.Optimizer`. ``SGD`` to ``Adadelta``
share PyTorch's conventions: ε outside the square roots (``Adadelta``: inside both), the
learning rate outside every momentum buffer, the first momentum buffer equal to the first
gradient, ``weight_decay`` as an L2 term added to the gradient (decoupled in ``AdamW`` and with
``decoupled_weight_decay=True``). ``Adafactor`` and ``Muon`` decay as ``θ ← θ·(1 − lr·λ)`` and
have their own conventions (their docstrings; ``Muon``'s buffer starts at 0).
Sources: pytorch/pytorch ``torch/optim/{sgd,adagrad,rmsprop,adam,adamw,nadam,radam,adamax,adadelta,_adafactor,_muon}.py``.
The math that runs is the core's canonical update in most cases (``opt.source`` prints it):
``Adam`` is Kingma & Ba's Algorithm 1 (``lrlessons.optimizers.adam.update``), ``SGD`` with
momentum the heavy ball (``momentum.update``; with ``dampening``, ``momentum.update_dampened``),
``amsgrad=True`` ``adam.update_amsgrad``; weight decay is added around it by the core.

``lr`` may be a number, a ``(B,)`` array or a schedule (e.g. ``pytorch.StepLR(0.1, step_size=30)``),
evaluated at the number of updates already applied, as a scheduler stepped once per update.
``foreach``, ``fused``, ``capturable`` and ``differentiable`` select kernels computing the same
numbers and are accepted and ignored; ``maximize=True`` is refused. ``eps=0`` is accepted, as
``torch.optim`` checks only ``0 <= eps`` (the core factories ask ε > 0); then a coordinate whose
second moment is 0 divides 0 by 0, in PyTorch as here, and ``run`` reports that update as a divergence.

>>> opt = SGD(lr=0.1, momentum=0.9)
>>> opt.name, opt.hyperparameters["momentum"]
('pytorch.SGD', 0.9)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._checks import suggest_keywords
from ...optimizers import adadelta, adafactor as _adafactor, adagrad, adam, adamax, momentum as _momentum, nadam, radam, rmsprop, sgd
from ...optimizers.muon import muon as _muon
from ...optimizers.base import Optimizer, framework_flag, framework_number, framework_optimizer

#: Parameters the framework accepts as 0 where the core asks for > 0 (see ``framework_optimizer``).
_EPS0 = ("eps",)

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "Adadelta", "Adafactor", "Muon"]

_BETAS = {"beta1": "betas[0]", "beta2": "betas[1]"}


def _no_maximize(owner: str, maximize: bool) -> None:
    if framework_flag(owner, "maximize", maximize):
        raise ValueError(f"The 'maximize' parameter of {owner} must be False: lrlessons optimizers "
                         f"minimize (negate the gradient instead). Got {maximize!r} instead.")


def _betas(owner: str, betas: Any) -> tuple:
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise TypeError(f"The 'betas' parameter of {owner} must be a pair (beta1, beta2). "
                        f"Got {betas!r} instead.") from None
    return b1, b2


@suggest_keywords
def SGD(lr: Any = 1e-3, momentum: Any = 0, dampening: Any = 0, weight_decay: Any = 0, nesterov: bool = False, *,
        maximize: bool = False, foreach: Any = None, differentiable: bool = False, fused: Any = None) -> Optimizer:
    r"""``torch.optim.SGD``: :math:`b_t = \mu b_{t-1} + (1-\tau) g_t` (:math:`b_1 = g_1`), :math:`\theta \mathrel{-}= \mathrm{lr}\, b_t`.

    ``weight_decay`` is L2 (:math:`g \leftarrow g + \lambda\theta`); ``nesterov`` uses
    :math:`\theta \mathrel{-}= \mathrm{lr}(g_t + \mu b_t)` and needs ``momentum > 0``, ``dampening = 0``.
    ``momentum=0`` gives :func:`~lrlessons.optimizers.sgd`, otherwise
    :func:`~lrlessons.optimizers.momentum` (``lr_in_buffer=False``, ``dampen_first=False``).
    """
    _no_maximize("pytorch.SGD", maximize)
    framework_flag("pytorch.SGD", "nesterov", nesterov)
    framework_number("pytorch.SGD", "momentum", momentum)
    framework_number("pytorch.SGD", "dampening", dampening)
    if not nesterov and not np.any(np.asarray(momentum) != 0):  # no buffer at all (dampening unused)
        return framework_optimizer("pytorch.SGD", sgd, lr=lr, weight_decay=weight_decay)
    if np.any(np.asarray(dampening) != 0) and not np.all(np.asarray(momentum) != 0):
        raise ValueError("The 'momentum' parameter of pytorch.SGD must be nonzero in every run when dampening "
                         "is used (PyTorch skips the buffer, and so the dampening, where momentum == 0). "
                         f"Got {momentum!r} instead.")
    return framework_optimizer("pytorch.SGD", _momentum, lr=lr, momentum=momentum, dampening=dampening,
                               weight_decay=weight_decay, nesterov=nesterov)


@suggest_keywords
def Adagrad(lr: Any = 1e-2, lr_decay: Any = 0, weight_decay: Any = 0, initial_accumulator_value: Any = 0,
            eps: Any = 1e-10, foreach: Any = None, *, maximize: bool = False, differentiable: bool = False,
            fused: Any = None) -> Optimizer:
    r"""``torch.optim.Adagrad``: :math:`S_0 = 0`, ε outside the root, :math:`\mathrm{lr}/(1+(t-1)\eta)`.

    First step with :math:`g = 0.01`: about :math:`1.0\cdot\mathrm{lr}` (TF1, Keras, optax: 0.0316·lr).
    """
    _no_maximize("pytorch.Adagrad", maximize)
    return framework_optimizer("pytorch.Adagrad", adagrad, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                               initial_accumulator_value=initial_accumulator_value, eps=eps, eps_in_sqrt=False, zero_ok=_EPS0)


@suggest_keywords
def RMSprop(lr: Any = 1e-2, alpha: Any = 0.99, eps: Any = 1e-8, weight_decay: Any = 0, momentum: Any = 0,
            centered: bool = False, capturable: bool = False, foreach: Any = None, maximize: bool = False,
            differentiable: bool = False) -> Optimizer:
    r"""``torch.optim.RMSprop``: ``alpha`` is the decay :math:`\rho`; :math:`\sqrt{v_t} + \epsilon`; lr outside the buffer.

    First step with :math:`g = 0.01`: :math:`10\cdot\mathrm{lr}` (TF1 0.0105, Keras 3.15, optax 3.16).
    """
    _no_maximize("pytorch.RMSprop", maximize)
    return framework_optimizer("pytorch.RMSprop", rmsprop, {"decay": "alpha"}, lr=lr, decay=alpha, eps=eps,
                               weight_decay=weight_decay, momentum=momentum, centered=centered,
                               eps_in_sqrt=False, lr_in_buffer=False, initial_mean_square=0.0, zero_ok=_EPS0)


@suggest_keywords
def Adam(lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0, amsgrad: bool = False,
         *, foreach: Any = None, maximize: bool = False, capturable: bool = False, differentiable: bool = False,
         fused: Any = None, decoupled_weight_decay: bool = False) -> Optimizer:
    r"""``torch.optim.Adam``: Algorithm 1 (ε outside :math:`\sqrt{\hat v_t}`), AMSGrad on the raw :math:`v`.

    ``weight_decay`` is L2 unless ``decoupled_weight_decay=True`` (then it is ``AdamW``).
    """
    _no_maximize("pytorch.Adam", maximize)
    b1, b2 = _betas("pytorch.Adam", betas)
    return framework_optimizer("pytorch.Adam", adam, _BETAS, lr=lr, beta1=b1, beta2=b2, eps=eps,
                               weight_decay=weight_decay, amsgrad=amsgrad,
                               decoupled_weight_decay=decoupled_weight_decay, amsgrad_on="raw", zero_ok=_EPS0)


@suggest_keywords
def AdamW(lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 1e-2,
          amsgrad: bool = False, *, maximize: bool = False, foreach: Any = None, capturable: bool = False,
          differentiable: bool = False, fused: Any = None) -> Optimizer:
    r"""``torch.optim.AdamW``: ``Adam(decoupled_weight_decay=True)``, :math:`\theta \leftarrow \theta(1 - \mathrm{lr}\,\lambda)`, λ = 1e-2."""
    _no_maximize("pytorch.AdamW", maximize)
    b1, b2 = _betas("pytorch.AdamW", betas)
    return framework_optimizer("pytorch.AdamW", adam, _BETAS, lr=lr, beta1=b1, beta2=b2, eps=eps,
                               weight_decay=weight_decay, amsgrad=amsgrad, decoupled_weight_decay=True, zero_ok=_EPS0)


@suggest_keywords
def NAdam(lr: Any = 2e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0,
          momentum_decay: Any = 4e-3, decoupled_weight_decay: bool = False, *, foreach: Any = None,
          maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> Optimizer:
    r"""``torch.optim.NAdam``: Dozat's schedule :math:`\mu_t = \beta_1(1 - \tfrac12 0.96^{t\psi})`, ψ = ``momentum_decay``."""
    _no_maximize("pytorch.NAdam", maximize)
    b1, b2 = _betas("pytorch.NAdam", betas)
    return framework_optimizer("pytorch.NAdam", nadam, _BETAS, lr=lr, beta1=b1, beta2=b2, eps=eps,
                               weight_decay=weight_decay, momentum_decay=momentum_decay,
                               decoupled_weight_decay=decoupled_weight_decay, momentum_schedule="dozat", zero_ok=_EPS0)


@suggest_keywords
def RAdam(lr: Any = 1e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0,
          decoupled_weight_decay: bool = False, *, foreach: Any = None, maximize: bool = False,
          capturable: bool = False, differentiable: bool = False) -> Optimizer:
    r"""``torch.optim.RAdam``: rectified when :math:`\rho_t > 5`; ε on the uncorrected :math:`\sqrt{v_t}`."""
    _no_maximize("pytorch.RAdam", maximize)
    b1, b2 = _betas("pytorch.RAdam", betas)
    return framework_optimizer("pytorch.RAdam", radam, _BETAS, lr=lr, beta1=b1, beta2=b2, eps=eps,
                               weight_decay=weight_decay, decoupled_weight_decay=decoupled_weight_decay,
                               rectify_threshold=5.0, epsilon_hat=True, zero_ok=_EPS0)


@suggest_keywords
def Adamax(lr: Any = 2e-3, betas: Any = (0.9, 0.999), eps: Any = 1e-8, weight_decay: Any = 0, foreach: Any = None,
           *, maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> Optimizer:
    r"""``torch.optim.Adamax``: :math:`u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon)` (ε inside the max)."""
    _no_maximize("pytorch.Adamax", maximize)
    b1, b2 = _betas("pytorch.Adamax", betas)
    return framework_optimizer("pytorch.Adamax", adamax, _BETAS, lr=lr, beta1=b1, beta2=b2, eps=eps,
                               weight_decay=weight_decay, eps_in_max=True, zero_ok=_EPS0)


@suggest_keywords
def Adadelta(lr: Any = 1.0, rho: Any = 0.9, eps: Any = 1e-6, weight_decay: Any = 0, foreach: Any = None, *,
             capturable: bool = False, maximize: bool = False, differentiable: bool = False) -> Optimizer:
    r"""``torch.optim.Adadelta``: lr 1.0, ρ 0.9, ε 1e-6 inside both roots; ``weight_decay`` is L2."""
    _no_maximize("pytorch.Adadelta", maximize)
    return framework_optimizer("pytorch.Adadelta", adadelta, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, zero_ok=_EPS0)


@suggest_keywords
def Adafactor(lr: Any = 1e-2, beta2_decay: Any = -0.8, eps: Any = (None, 1e-3), d: Any = 1.0, weight_decay: Any = 0.0,
              *, foreach: Any = None, maximize: bool = False) -> Optimizer:
    r"""``torch.optim.Adafactor``: :math:`\epsilon_1` floors :math:`\hat V_t`, lr caps :math:`\rho_t = \min(\mathrm{lr}, 1/\sqrt t)`.

    Runs ``lrlessons.optimizers.adafactor.update_eps1_on_v_hat``: every tensor with two or more
    axes is factored over its last two (no minimum size), no momentum; ``weight_decay`` (default
    0.0, although torch's docstring says 1e-2) is :math:`\theta(1 - \mathrm{lr}\,\lambda)`, applied
    after :math:`\alpha_t` is taken from the undecayed θ. ``maximize=True`` is refused, as by every
    wrapper here (torch's only negates the gradient: pass :math:`-g` instead).
    ``eps=(None, 1e-3)``: torch's ``None`` is the machine epsilon of the parameter's dtype, here
    float64's 2.22e-16 (for float32 parameters pass ``eps=(1.1920929e-07, 1e-3)``). torch checks
    ``beta2_decay <= 0`` and ``d >= 1``. A ``(B, m, n)`` θ with a ``(B,)`` hyperparameter is B runs
    (lrlessons' convention; torch takes one RMS over the whole tensor).
    Source: pytorch/pytorch ``torch/optim/_adafactor.py``.
    """
    owner = "pytorch.Adafactor"
    try:
        eps1, eps2 = eps
    except (TypeError, ValueError):
        raise TypeError(f"The 'eps' parameter of {owner} must be a pair (eps1 or None, eps2). "
                        f"Got {eps!r} instead.") from None
    for name, value in (("beta2_decay", beta2_decay), ("d", d)):
        framework_number(owner, name, value)
    if np.any(np.asarray(beta2_decay) > 0):
        raise ValueError(f"The 'beta2_decay' parameter of {owner} must be <= 0 (torch: 'beta2_decay should be "
                         f"<= 0 but is: {beta2_decay}'). Got {beta2_decay!r} instead.")
    if np.any(np.asarray(d) < 1):
        raise ValueError(f"The 'd' parameter of {owner} must be >= 1 (torch: 'Clipping threshold d should be "
                         f">= 1 but is: {d}'). Got {d!r} instead.")
    _no_maximize(owner, maximize)
    return framework_optimizer(owner, _adafactor, {"eps1": "eps[0]", "eps2": "eps[1]", "clip_threshold": "d"},
                               lr=lr, beta2_decay=beta2_decay, eps1=np.finfo(np.float64).eps if eps1 is None else eps1,
                               eps2=eps2, clip_threshold=d, weight_decay=weight_decay, eps1_on="v_hat")


@suggest_keywords
def Muon(lr: Any = 1e-3, weight_decay: Any = 0.1, momentum: Any = 0.95, nesterov: bool = True,
         ns_coefficients: Any = (3.4445, -4.775, 2.0315), eps: Any = 1e-7, ns_steps: int = 5,
         adjust_lr_fn: Any = None) -> Optimizer:
    r"""``torch.optim.Muon`` (torch 2.13, ``torch/optim/_muon.py``): an EMA, Newton–Schulz in **bfloat16**, :math:`\sqrt{\max(1, m/n)}`.

    :math:`B_t = B_{t-1} + (1-\mu)(g_t - B_{t-1})`, Nesterov :math:`U_t = B_t + (1-\mu)(g_t - B_t)`,
    :math:`O_t` = PyTorch's bfloat16 Newton–Schulz (``ε`` clamps the norm in bfloat16),
    :math:`\theta \leftarrow \theta(1 - \alpha\lambda) - \alpha r O_t` with
    ``adjust_lr_fn`` ``None``/``'original'`` :math:`r = \sqrt{\max(1, m/n)}` or
    ``'match_rms_adamw'`` :math:`r = 0.2\sqrt{\max(m, n)}`; λ uses the unadjusted rate.
    **Default weight_decay is 0.1.** Runs ``lrlessons.optimizers.muon.update_ema_nesterov``
    with ``ns_precision='bfloat16'`` (bit for bit torch's Newton–Schulz on the recorded inputs).

    Shapes: θ ``(m, n)``, or ``(B, m, n)`` as B runs (the lrlessons batching convention; torch
    raises for any parameter that is not 2-D, and so does this wrapper's ``init`` for a vector).
    """
    framework_flag("pytorch.Muon", "nesterov", nesterov)
    if adjust_lr_fn not in (None, "original", "match_rms_adamw"):
        raise ValueError(f"The 'adjust_lr_fn' parameter of pytorch.Muon must be None, 'original' or "
                         f"'match_rms_adamw' (torch: Adjust learning rate function {adjust_lr_fn} is not "
                         f"supported). Got {adjust_lr_fn!r} instead.")
    return framework_optimizer("pytorch.Muon", _muon, lr=lr, weight_decay=weight_decay, momentum=momentum,
                               nesterov=nesterov, ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                               adjust_lr=adjust_lr_fn, momentum_form="ema", eps_form="clamp",
                               norm_precision="bfloat16", ns_precision="bfloat16")
