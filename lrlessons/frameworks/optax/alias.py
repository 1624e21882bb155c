"""optax optimizers (optax 0.2.x), built from the lrlessons core.

Same function names, keywords and defaults as optax (google-deepmind/optax
``optax/_src/alias.py``, ``optax/_src/transform.py``); ``learning_rate`` is the first
positional argument. Each chain is ``scale_by_* → scale_by_learning_rate [→ trace]``, hence:

- ``sgd``: ``m ← g + μm``, ``u = −lr·m`` (lr outside the trace); ``momentum=None`` is plain SGD.
- ``adagrad``: accumulator starts at 0.1, ``g/√(S + ε)`` (ε inside the root).
- ``rmsprop``: ε inside the root by default (``eps_in_sqrt``), ``ν₀ = initial_scale``,
  optional ``bias_correction``; the momentum ``trace`` comes after the learning rate, so lr is
  inside the buffer.
- ``adam``: Algorithm 1 with ``eps_root`` inside the root; ``nesterov=True`` is ``nadam``
  (Nesterov first moment, no Dozat μ schedule).
- ``adamw``: ``u = −lr·(adam step + λθ)`` (decoupled, times lr), λ = 1e-4.
- ``amsgrad``: the maximum of the **bias-corrected** ``v̂``.
- ``radam``: ε on ``√v̂`` (not the uncorrected ``√v`` as in PyTorch), ``threshold=5``.
- ``adamax``: ε inside the maximum, as PyTorch. ``adadelta``: ``weight_decay`` is added to
  the gradient (L2); ``learning_rate=None`` (optax's default, which ascends) is refused.
- ``lion``: ``weight_decay=1e-3`` by default. ``lamb``: ε 1e-6, the weight decay inside the
  trust ratio. ``lars``: weight decay as L2 before the trust ratio, ``-lr`` before the momentum.

Each picks a core variant, which ``opt.source`` prints: ``amsgrad`` runs
``lrlessons.optimizers.adam.update_amsgrad_corrected``, ``nadam`` ``nadam.update_constant_momentum``,
``radam`` ``radam.update_optax``, ``adam`` with ``eps_root > 0`` ``adam.update_eps_root``.

``learning_rate`` may be a number, a ``(B,)`` array or a schedule (``optax.exponential_decay(...)``),
evaluated at the update count. Masks, weight-decay schedules and dtype options are refused.
optax does not validate ``eps``; ``eps=0.0`` is accepted (the core factories ask ε > 0), as in
optax's documented ``adam(learning_rate, eps=0.0, eps_root=1e-8)`` for differentiating through
Adam; a negative ε raises.

>>> rmsprop(0.01).hyperparameters["eps_in_sqrt"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._checks import check_interval, suggest_keywords
from ...optimizers import adadelta as _adadelta, adafactor as _adafactor, adagrad as _adagrad, adam as _adam, adamax as _adamax
from ...optimizers import momentum as _momentum, nadam as _nadam, radam as _radam, rmsprop as _rmsprop, sgd as _sgd
from ...optimizers import lamb as _lamb, lars as _lars, lion as _lion
from ...optimizers.base import Optimizer, framework_flag, framework_number, framework_optimizer

#: Parameters the framework accepts as 0 where the core asks for > 0 (see ``framework_optimizer``).
_EPS0 = ("eps",)

__all__ = ["sgd", "adagrad", "rmsprop", "adam", "adamw", "amsgrad", "nadam", "radam", "adamax", "adadelta",
           "lion", "lamb", "lars", "adafactor", "nadamw"]

_NAMES = {"lr": "learning_rate", "beta1": "b1", "beta2": "b2", "initial_mean_square": "initial_scale",
          "rectify_threshold": "threshold"}


def _refuse(owner: str, **options: Any) -> None:
    for name, value in options.items():
        if value is not None:
            raise ValueError(f"The {name!r} parameter of {owner} must be None: lrlessons computes in the "
                             f"parameters' dtype and applies every option to every parameter. "
                             f"Got {value!r} instead.")


def _number(owner: str, name: str, value: Any) -> None:
    if callable(value):
        raise TypeError(f"The {name!r} parameter of {owner} must be a number or (B,) array in lrlessons "
                        f"(schedules are supported for learning_rate only). Got {value!r} instead.")


@suggest_keywords
def sgd(learning_rate: Any, momentum: Any = None, nesterov: bool = False, accumulator_dtype: Any = None) -> Optimizer:
    r"""``optax.sgd``: :math:`m_t = g_t + \mu m_{t-1}`, :math:`u = -\mathrm{lr}\, m_t` (Nesterov :math:`-\mathrm{lr}(g_t + \mu m_t)`)."""
    _refuse("optax.sgd", accumulator_dtype=accumulator_dtype)
    framework_number("optax.sgd", "momentum", momentum)
    framework_flag("optax.sgd", "nesterov", nesterov)
    if momentum is None or not np.any(np.asarray(momentum) != 0):
        return framework_optimizer("optax.sgd", _sgd, _NAMES, lr=learning_rate)
    return framework_optimizer("optax.sgd", _momentum, _NAMES, lr=learning_rate, momentum=momentum,
                               nesterov=nesterov, lr_in_buffer=False)


@suggest_keywords
def adagrad(learning_rate: Any, initial_accumulator_value: Any = 0.1, eps: Any = 1e-7) -> Optimizer:
    r"""``optax.adagrad``: :math:`S_0 = 0.1`, :math:`u = -\mathrm{lr}\, g/\sqrt{S + \epsilon}`."""
    return framework_optimizer("optax.adagrad", _adagrad, _NAMES, lr=learning_rate,
                               initial_accumulator_value=initial_accumulator_value, eps=eps, eps_in_sqrt=True, zero_ok=_EPS0)


@suggest_keywords
def rmsprop(learning_rate: Any, decay: Any = 0.9, eps: Any = 1e-8, initial_scale: Any = 0.0, eps_in_sqrt: bool = True,
            centered: bool = False, momentum: Any = None, nesterov: bool = False,
            bias_correction: bool = False) -> Optimizer:
    r"""``optax.rmsprop``: ``scale_by_rms``/``scale_by_stddev`` → ``scale_by_learning_rate`` → ``trace`` (lr inside the buffer).

    First step with :math:`g = 0.01`: :math:`3.16\cdot\mathrm{lr}`.
    """
    framework_flag("optax.rmsprop", "nesterov", nesterov)
    mom = 0.0 if momentum is None else momentum
    return framework_optimizer("optax.rmsprop", _rmsprop, _NAMES, lr=learning_rate, decay=decay, eps=eps,
                               initial_mean_square=initial_scale, eps_in_sqrt=eps_in_sqrt, centered=centered,
                               momentum=mom, nesterov=nesterov and momentum is not None,
                               bias_correction=bias_correction, lr_in_buffer=True, zero_ok=_EPS0)


@suggest_keywords
def adam(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, eps_root: Any = 0.0,
         mu_dtype: Any = None, *, nesterov: bool = False) -> Optimizer:
    r"""``optax.adam``: :math:`u = -\mathrm{lr}\, \hat m_t/(\sqrt{\hat v_t + \epsilon_{root}} + \epsilon)`; ``nesterov=True`` is ``nadam``."""
    _refuse("optax.adam", mu_dtype=mu_dtype)
    framework_flag("optax.adam", "nesterov", nesterov)
    if nesterov:
        return framework_optimizer("optax.adam", _nadam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                                   eps_root=eps_root, momentum_schedule="none", zero_ok=_EPS0)
    return framework_optimizer("optax.adam", _adam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, zero_ok=_EPS0)


@suggest_keywords
def adamw(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, eps_root: Any = 0.0,
          mu_dtype: Any = None, weight_decay: Any = 1e-4, mask: Any = None, *, nesterov: bool = False) -> Optimizer:
    r"""``optax.adamw``: :math:`u = -\mathrm{lr}\,(\hat m_t/(\sqrt{\hat v_t + \epsilon_{root}} + \epsilon) + \lambda\theta)`."""
    _refuse("optax.adamw", mu_dtype=mu_dtype, mask=mask)
    _number("optax.adamw", "weight_decay", weight_decay)
    framework_flag("optax.adamw", "nesterov", nesterov)
    if nesterov:
        return framework_optimizer("optax.adamw", _nadam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                                   eps_root=eps_root, momentum_schedule="none", weight_decay=weight_decay,
                                   decoupled_weight_decay=True, zero_ok=_EPS0)
    return framework_optimizer("optax.adamw", _adam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, weight_decay=weight_decay, decoupled_weight_decay=True, zero_ok=_EPS0)


@suggest_keywords
def amsgrad(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, eps_root: Any = 0.0,
            mu_dtype: Any = None, bias_correction_mu: bool = True, bias_correction_nu: bool = True) -> Optimizer:
    r"""``optax.amsgrad``: :math:`\hat v^{\max}_t = \max(\hat v^{\max}_{t-1}, \hat v_t)` on the bias-corrected :math:`\hat v`."""
    _refuse("optax.amsgrad", mu_dtype=mu_dtype)
    for name, flag in (("bias_correction_mu", bias_correction_mu), ("bias_correction_nu", bias_correction_nu)):
        if flag is not True:
            raise ValueError(f"The {name!r} parameter of optax.amsgrad must be True: lrlessons reproduces the "
                             f"bias-corrected AMSGrad only. Got {flag!r} instead.")
    return framework_optimizer("optax.amsgrad", _adam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, amsgrad=True, amsgrad_on="corrected", zero_ok=_EPS0)


@suggest_keywords
def nadam(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, eps_root: Any = 0.0,
          mu_dtype: Any = None) -> Optimizer:
    r"""``optax.nadam`` (= ``adam(nesterov=True)``): :math:`\hat m_t = \beta_1 m_t/(1-\beta_1^{t+1}) + (1-\beta_1) g_t/(1-\beta_1^t)`."""
    _refuse("optax.nadam", mu_dtype=mu_dtype)
    return framework_optimizer("optax.nadam", _nadam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, momentum_schedule="none", zero_ok=_EPS0)


@suggest_keywords
def radam(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, eps_root: Any = 0.0,
          threshold: Any = 5.0, *, nesterov: bool = False) -> Optimizer:
    r"""``optax.radam``: rectified when :math:`\rho_t \ge` ``threshold``; ε on :math:`\sqrt{\hat v_t + \epsilon_{root}}`."""
    framework_flag("optax.radam", "nesterov", nesterov)
    if nesterov:
        raise ValueError("The 'nesterov' parameter of optax.radam must be False: lrlessons does not reproduce "
                         "Nesterov RAdam. Got True instead.")
    return framework_optimizer("optax.radam", _radam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, rectify_threshold=threshold, epsilon_hat=False, zero_ok=_EPS0)


@suggest_keywords
def adamax(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8) -> Optimizer:
    r"""``optax.adamax``: :math:`u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon)`, :math:`u = -\mathrm{lr}\, \hat m_t/u_t`."""
    return framework_optimizer("optax.adamax", _adamax, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_in_max=True, zero_ok=_EPS0)


@suggest_keywords
def adadelta(learning_rate: Any = None, rho: Any = 0.9, eps: Any = 1e-6, weight_decay: Any = 0.0,
             weight_decay_mask: Any = None) -> Optimizer:
    r"""``optax.adadelta``: Zeiler's update times ``learning_rate``; ``weight_decay`` is added to the gradient.

    optax's default ``learning_rate=None`` skips ``scale_by_learning_rate`` altogether, and with
    it the sign flip: optax 0.2.8 then *adds* :math:`\sqrt{E[\Delta x^2]+\epsilon}/\sqrt{E[g^2]+\epsilon}\,g`
    to the parameters and climbs. lrlessons refuses ``None``; pass ``learning_rate=1.0`` for
    the paper's descent.
    """
    _refuse("optax.adadelta", weight_decay_mask=weight_decay_mask)
    _number("optax.adadelta", "weight_decay", weight_decay)
    if learning_rate is None:
        raise ValueError("The 'learning_rate' parameter of optax.adadelta must be a number or a schedule: with "
                         "None, optax skips scale_by_learning_rate and its sign flip, so the update ascends "
                         "the loss. Pass learning_rate=1.0 for the paper's Adadelta. Got None instead.")
    return framework_optimizer("optax.adadelta", _adadelta, _NAMES, lr=learning_rate, rho=rho, eps=eps,
                               weight_decay=weight_decay, zero_ok=_EPS0)


@suggest_keywords
def lion(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.99, mu_dtype: Any = None, weight_decay: Any = 1e-3,
         mask: Any = None) -> Optimizer:
    r"""``optax.lion``: :math:`u = -\mathrm{lr}\,(\mathrm{sign}((1-b_1) g + b_1 m) + \lambda\theta)`; **weight_decay 1e-3 by default** (Keras none)."""
    _refuse("optax.lion", mu_dtype=mu_dtype, mask=mask)
    _number("optax.lion", "weight_decay", weight_decay)
    return framework_optimizer("optax.lion", _lion, _NAMES, lr=learning_rate, beta1=b1, beta2=b2,
                               weight_decay=weight_decay)


@suggest_keywords
def lamb(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-6, eps_root: Any = 0.0,
         weight_decay: Any = 0.0, mask: Any = None) -> Optimizer:
    r"""``optax.lamb``: ε 1e-6; :math:`\lambda\theta` joins the Adam direction *inside* the trust ratio (Keras: outside)."""
    _refuse("optax.lamb", mask=mask)
    _number("optax.lamb", "weight_decay", weight_decay)
    return framework_optimizer("optax.lamb", _lamb, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, weight_decay=weight_decay, decay_in_trust_ratio=True,
                               zero_ok=_EPS0)


@suggest_keywords
def lars(learning_rate: Any, weight_decay: Any = 0.0, weight_decay_mask: Any = True, trust_coefficient: Any = 0.001,
         eps: Any = 0.0, trust_ratio_mask: Any = True, momentum: Any = 0.9, nesterov: bool = False) -> Optimizer:
    r"""``optax.lars``: :math:`g + \lambda\theta`, trust ratio :math:`\eta\|\theta\|/(\|g + \lambda\theta\| + \epsilon)`, then ``-lr``, then the momentum ``trace`` (lr inside the buffer).

    The masks must be ``True`` (every parameter decayed and trust-scaled: one array is one parameter).
    """
    for name, mask in (("weight_decay_mask", weight_decay_mask), ("trust_ratio_mask", trust_ratio_mask)):
        if mask is not True:
            raise ValueError(f"The {name!r} parameter of optax.lars must be True: lrlessons applies every option "
                             f"to every parameter. Got {mask!r} instead.")
    _number("optax.lars", "weight_decay", weight_decay)
    _number("optax.lars", "momentum", momentum)
    framework_flag("optax.lars", "nesterov", nesterov)
    return framework_optimizer("optax.lars", _lars, _NAMES, lr=learning_rate, momentum=momentum, nesterov=nesterov,
                               trust_coefficient=trust_coefficient, eps=eps, weight_decay=weight_decay)


@suggest_keywords
def adafactor(learning_rate: Any = None, min_dim_size_to_factor: int = 128, decay_rate: Any = 0.8,
              decay_offset: int = 0, multiply_by_parameter_scale: bool = True, clipping_threshold: Any = 1.0,
              momentum: Any = None, dtype_momentum: Any = "float32", weight_decay_rate: Any = None,
              eps: Any = 1e-30, factored: bool = True, weight_decay_mask: Any = None) -> Optimizer:
    r"""``optax.adafactor``: a chain; the learning rate multiplies, optional float32 momentum.

    Runs ``lrlessons.optimizers.adafactor.update_optax``: ``scale_by_factored_rms`` (the decay rate
    :math:`1 - (t - t_0)^{-0.8}` computed in float32 from an int32 count) → ``clip_by_block_rms``
    (``clipping_threshold=None``: none) → ``learning_rate`` times the update (``None``: no rate at
    all, i.e. 1) → times :math:`\max(10^{-3}, \mathrm{RMS}(\theta))` → momentum (an EMA kept in
    ``dtype_momentum`` float32) → plus ``weight_decay_rate``·θ, unscaled by the rate.

    **Small matrices are not factored**: optax factors only when the second-largest axis has at
    least ``min_dim_size_to_factor=128`` entries (then over the two largest axes), so a teaching
    matrix keeps the full :math:`\hat V_t` unless the lesson lowers it (``min_dim_size_to_factor=2``).
    ``factored=False`` never factors. A ``(B, m, n)`` θ with a ``(B,)`` hyperparameter is B runs
    (lrlessons' convention; optax takes one RMS over the whole tensor).
    Sources: google-deepmind/optax ``optax/_src/alias.py``, ``optax/_src/factorized.py``.
    """
    owner = "optax.adafactor"
    _refuse(owner, weight_decay_mask=weight_decay_mask)
    framework_flag(owner, "factored", factored)
    framework_flag(owner, "multiply_by_parameter_scale", multiply_by_parameter_scale)
    if dtype_momentum not in ("float32", np.float32, "float64", np.float64):
        raise ValueError(f"The 'dtype_momentum' parameter of {owner} must be one of {{'float32', 'float64'}} "
                         f"(or the numpy types). Got {dtype_momentum!r} instead.")
    check_interval(owner, "decay_rate", decay_rate, 0, None, "left")
    if learning_rate is None:
        learning_rate = 1.0
    if not factored:
        min_dim_size_to_factor = np.iinfo(np.int64).max
    names = {"lr": "learning_rate", "beta2_decay": "decay_rate", "eps1": "eps", "clip_threshold": "clipping_threshold",
             "weight_decay": "weight_decay_rate"}
    return framework_optimizer(owner, _adafactor, names, lr=learning_rate, beta2_decay=-np.asarray(decay_rate) if
                               np.ndim(decay_rate) else -decay_rate, eps1=eps, eps2=1e-3,
                               clip_threshold=np.inf if clipping_threshold is None else clipping_threshold,
                               momentum=0.0 if momentum is None else momentum,
                               weight_decay=0.0 if weight_decay_rate is None else weight_decay_rate,
                               min_dim_size_to_factor=min_dim_size_to_factor, decay_offset=decay_offset,
                               relative_step=False, multiply_by_parameter_scale=multiply_by_parameter_scale,
                               float32_decay_rate=True,
                               float32_momentum=dtype_momentum in ("float32", np.float32))


@suggest_keywords
def nadamw(learning_rate: Any, b1: Any = 0.9, b2: Any = 0.999, eps: Any = 1e-8, eps_root: Any = 0.0,
           mu_dtype: Any = None, weight_decay: Any = 1e-4, mask: Any = None) -> Optimizer:
    r"""``optax.nadamw`` (= ``adamw(nesterov=True)``): :math:`u = -\mathrm{lr}\,(\hat m_t/(\sqrt{\hat v_t + \epsilon_{root}} + \epsilon) + \lambda\theta)`.

    :math:`\hat m_t = \beta_1 m_t/(1-\beta_1^{t+1}) + (1-\beta_1) g_t/(1-\beta_1^t)`, λ = 1e-4; runs
    ``lrlessons.optimizers.nadam.update_constant_momentum`` with the decoupled decay around it.
    """
    _refuse("optax.nadamw", mu_dtype=mu_dtype, mask=mask)
    _number("optax.nadamw", "weight_decay", weight_decay)
    return framework_optimizer("optax.nadamw", _nadam, _NAMES, lr=learning_rate, beta1=b1, beta2=b2, eps=eps,
                               eps_root=eps_root, momentum_schedule="none", weight_decay=weight_decay,
                               decoupled_weight_decay=True, zero_ok=_EPS0)
