r"""``optax.contrib.muon`` (optax 0.2.8, ``optax/contrib/_muon.py``), built from the lrlessons core.

A 2-D θ takes the Muon path (``lrlessons.optimizers.muon.update_ema_bias_corrected_nesterov``):
a bias-corrected EMA :math:`B_t = \beta B_{t-1} + (1-\beta) g_t`, the Nesterov direction
:math:`U_t = \beta B_t/(1-\beta^{t+1}) + (1-\beta) g_t/(1-\beta^t)` (not proportional to PyTorch's
or Keras's), Newton–Schulz in float64 divided by :math:`\|U_t\|_F + \epsilon` (ε = 1e-8 added),
the factor :math:`\sqrt{\max(1, n/m)}` (the opposite orientation of PyTorch's), or
``consistent_rms``:math:`\cdot\sqrt{\max(m, n)}`, then :math:`u \mathrel{+}= \lambda\theta` and
:math:`\theta \leftarrow \theta - \mathrm{lr}\, u`.

Any other θ (a vector) takes optax's Adam path: ``adamw(adam_learning_rate or learning_rate,
adam_b1, adam_b2, eps (the Muon ε, 1e-8), adam_eps_root, adam_weight_decay (0.0),
nesterov=nesterov)``, i.e. ``optax.nadamw`` with λ = 0 by default.

Shapes: a ``(B, m, n)`` θ is B runs of an (m, n) matrix (the lrlessons batching convention;
optax sends a 3-D leaf to the Adam path as one tensor). Masks, ``mu_dtype``, ``adaptive``,
other ``preconditioning`` and ``muon_weight_dimension_numbers`` are refused.

>>> opt = muon(0.02)
>>> opt.name, opt.hyperparameters["muon"].hyperparameters["adjust_lr"]
('optax.contrib.muon', 'optax')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...._checks import suggest_keywords
from ....optimizers import adam as _adam, nadam as _nadam
from ....optimizers.base import Optimizer, framework_flag, framework_number, framework_optimizer
from ....optimizers.muon import muon as _muon

__all__ = ["muon"]

_ADAM_NAMES = {"lr": "adam_learning_rate", "beta1": "adam_b1", "beta2": "adam_b2", "eps_root": "adam_eps_root",
               "weight_decay": "adam_weight_decay"}


@suggest_keywords
def muon(learning_rate: Any, ns_coeffs: Any = (3.4445, -4.775, 2.0315), ns_steps: int = 5, beta: Any = 0.95,
         eps: Any = 1e-8, weight_decay: Any = 0.0, weight_decay_mask: Any = None, mu_dtype: Any = None, *,
         nesterov: bool = True, adaptive: bool = False, preconditioning: str = "frobenius", adam_b1: Any = 0.9,
         adam_b2: Any = 0.999, adam_eps_root: Any = 0.0, adam_weight_decay: Any = 0.0,
         adam_learning_rate: Any = None, muon_weight_dimension_numbers: Any = None,
         consistent_rms: Any = None) -> Optimizer:
    r"""``optax.contrib.muon``: bias-corrected EMA, ε = 1e-8 added, :math:`\sqrt{\max(1, n/m)}`; vectors take NAdamW (λ = 0)."""
    owner = "optax.contrib.muon"
    for key, value in (("weight_decay_mask", weight_decay_mask), ("mu_dtype", mu_dtype),
                       ("muon_weight_dimension_numbers", muon_weight_dimension_numbers)):
        if value is not None:
            raise ValueError(f"The {key!r} parameter of {owner} must be None: lrlessons applies every option to "
                             f"every parameter in its own dtype. Got {value!r} instead.")
    if framework_flag(owner, "adaptive", adaptive):
        raise ValueError(f"The 'adaptive' parameter of {owner} must be False: lrlessons does not reproduce the "
                         f"adaptive scaling. Got True instead.")
    if preconditioning != "frobenius":
        raise ValueError(f"The 'preconditioning' parameter of {owner} must be 'frobenius' (the only one lrlessons "
                         f"reproduces). Got {preconditioning!r} instead.")
    if isinstance(ns_coeffs, str) or np.shape(ns_coeffs) != (3,):
        raise ValueError(f"The 'ns_coeffs' parameter of {owner} must be three numbers (a, b, c) (named sets and "
                         f"per-step tables are not reproduced). Got {ns_coeffs!r} instead.")
    framework_flag(owner, "nesterov", nesterov)
    framework_number(owner, "consistent_rms", consistent_rms)
    alr = learning_rate if adam_learning_rate is None else adam_learning_rate
    adam_path = dict(lr=alr, beta1=adam_b1, beta2=adam_b2, eps=eps, eps_root=adam_eps_root,
                     weight_decay=adam_weight_decay, decoupled_weight_decay=True)
    if nesterov:
        adamw = framework_optimizer(f"{owner} (NAdamW path)", _nadam, _ADAM_NAMES, momentum_schedule="none",
                                    zero_ok=("eps",), **adam_path)
    else:
        adamw = framework_optimizer(f"{owner} (AdamW path)", _adam, _ADAM_NAMES, zero_ok=("eps",), **adam_path)
    return framework_optimizer(owner, _muon, {"lr": "learning_rate", "momentum": "beta", "ns_coefficients": "ns_coeffs",
                                              "rms_rate": "consistent_rms"},
                               lr=learning_rate, momentum=beta, nesterov=nesterov, ns_coefficients=ns_coeffs,
                               ns_steps=ns_steps, eps=eps, weight_decay=weight_decay,
                               adjust_lr="optax" if consistent_rms is None else "rms",
                               rms_rate=0.2 if consistent_rms is None else consistent_rms,
                               momentum_form="ema_bias_corrected", eps_form="add", norm_precision="float64",
                               ns_precision="float64", fallback=adamw)
