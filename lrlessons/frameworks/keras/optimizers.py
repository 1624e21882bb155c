"""Keras 3 ``keras.optimizers``, built from the lrlessons core.

Same class names, keywords and defaults as Keras 3 (keras-team/keras ``keras/src/optimizers/``).
Conventions:

- ``weight_decay`` (every optimizer, default ``None``; ``AdamW`` 0.004) is **decoupled** and
  applied before the update, ``θ ← θ − lr·λ·θ`` (``base_optimizer.py::_apply_weight_decay``).
- ``SGD``: the velocity holds the learning rate, ``v ← μv − lr·g; θ ← θ + v`` (Nesterov
  ``θ ← θ + μv − lr·g``).
- ``Adagrad``, ``RMSprop``: ε inside the square root; RMSprop's lr sits inside the momentum buffer.
- ``Adam``/``AdamW``: the ε-hat form as in TF1 (default ε 1e-7); AMSGrad on the raw ``v``.
- ``Nadam``: Dozat's schedule with ``0.96^t`` (``momentum_decay = 1`` in lrlessons' terms).
- ``Adamax``: ``u ← max(β2·u, |g|)``, ``θ ← θ − lr·m̂/(u + ε)``.
- ``Adadelta``: learning rate 0.001 by default (the paper's is 1).
- ``Lion``: the paper's update; ``Lamb``: ε 1e-7 and the weight decay before the update, outside
  the trust ratio (``lamb.update_decay_before``; optax's is inside).

Each picks a core variant, which ``opt.source`` prints: ``Adam`` runs
``lrlessons.optimizers.adam.update_epsilon_hat``, ``SGD(momentum>0)`` ``momentum.update_velocity``,
``RMSprop`` ``rmsprop.update_eps_in_sqrt`` (then ``rmsprop.velocity_step`` with momentum),
``Adamax`` ``adamax.update_eps_outside``; the decoupled weight decay is added around it.

``learning_rate`` may be a number, a ``(B,)`` array or a schedule such as
``keras.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)``, read at ``iterations``
before the update. EMA, loss scaling and gradient accumulation are not reproduced: setting
them raises; ``name`` and the EMA settings used only with ``use_ema`` are ignored.

Gradient clipping (``base_optimizer.py``: ``__init__``, ``_clip_gradients``, ``_clip_by_norm``,
``clip_by_global_norm``) is reproduced for every optimizer, before the weight decay and the
update, as :func:`~lrlessons.optimizers.clip_by_global_norm` / :func:`~lrlessons.optimizers.clip_by_value`
with Keras's roundings: ``clipnorm=c`` is ``(g·c)/max(‖g‖, c)`` (``form="max"``),
``global_clipnorm=c`` is ``g·(c·min(1/‖g‖, 1/c))`` (``form="min"``), ``clipvalue=v`` clips to
``[−v, v]``. At most one may be set (Keras's ``ValueError``), and each is ignored unless > 0.
With one variable ``clipnorm`` and ``global_clipnorm`` are the same number in exact arithmetic but
are rounded differently (a unit in the last place on about a third of the coordinates).
Keras does not validate ``epsilon``: ``epsilon=0`` is accepted here too (the core factories ask
ε > 0), a negative ε, which has no meaning in any of these updates, raises.

``ScheduleFreeAdamW`` (``keras/src/optimizers/schedule_free_adamw.py``) runs
``lrlessons.optimizers.schedule_free.update_adamw_keras``: the variable is :math:`y`, the
``momentum`` slot :math:`z` (starting at θ₀), the average uniform (:math:`c_{t+1} = 1/t`), and
the weight decay shrinks :math:`y` by ``lr·λ`` before the step (never :math:`z`). lrlessons
reproduces Keras 3 on the **JAX backend with float64 (x64) enabled**, where the update reads
the value of :math:`z` from before its own update; on the torch and TensorFlow backends the
same source reads the already-updated :math:`z`, a different algorithm (0.8–11% apart after
200 updates on the test problems). Keras has no evaluation API for the averaged point:
:func:`lrlessons.optimizers.schedule_free_eval_params` on a Keras state is an lrlessons extension.

>>> SGD(learning_rate=0.1, momentum=0.9).hyperparameters["lr_in_buffer"]
True
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..._checks import is_number, suggest_keywords
from ...optimizers import adadelta, adafactor as _adafactor, adagrad, adam, adamax, momentum as _momentum, nadam, rmsprop, sgd
from ...optimizers import lamb, lion
from ...optimizers import schedule_free_adamw
from ...optimizers.muon import muon as _muon
from ...optimizers.base import Optimizer, framework_flag, framework_number, framework_optimizer
from ...optimizers.clip import clip_by_global_norm, clip_by_value

#: Parameters the framework accepts as 0 where the core asks for > 0 (see ``framework_optimizer``).
_EPS0 = ("eps",)

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Nadam", "Adamax", "Adadelta", "Lion", "Lamb", "Adafactor", "ScheduleFreeAdamW", "Muon"]

_NAMES = {"lr": "learning_rate", "eps": "epsilon", "beta1": "beta_1", "beta2": "beta_2", "decay": "rho"}


def _common(owner: str, weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
            gradient_accumulation_steps) -> Any:
    """Check the base-class arguments, refuse what lrlessons does not reproduce; return the weight decay as a number.

    The clip options are checked here and applied by ``_clip_gradients`` (every class's last line).
    """
    given = sum(value is not None for value in (clipnorm, clipvalue, global_clipnorm))
    if given > 1:
        raise ValueError(f"The 'clipnorm', 'clipvalue' and 'global_clipnorm' parameters of {owner}: Only one of "
                         f"`clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                         f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
    for name, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
        framework_number(owner, name, value)
        if value is not None and np.ndim(value) > 0 and not np.all(np.asarray(value) > 0):
            raise ValueError(f"The {name!r} parameter of {owner} must be > 0 in every run when it is a (B,) array "
                             f"(a single number <= 0 switches clipping off, as in Keras). Got {value!r} instead.")
    if loss_scale_factor is not None:
        raise ValueError(f"The 'loss_scale_factor' parameter of {owner} must be None: lrlessons does not reproduce "
                         f"loss scaling. Got {loss_scale_factor!r} instead.")
    if framework_flag(owner, "use_ema", use_ema):
        raise ValueError(f"The 'use_ema' parameter of {owner} must be False: lrlessons does not reproduce "
                         f"the moving average of weights. Got {use_ema!r} instead.")
    if gradient_accumulation_steps is not None and not (is_number(gradient_accumulation_steps)
                                                        and gradient_accumulation_steps == 1):
        raise ValueError(f"The 'gradient_accumulation_steps' parameter of {owner} must be None: lrlessons "
                         f"does not reproduce gradient accumulation. Got {gradient_accumulation_steps!r} instead.")
    return 0.0 if weight_decay is None else weight_decay


def _clip_gradients(optimizer: Optimizer, clipnorm, clipvalue, global_clipnorm) -> Optimizer:
    """Keras's ``_clip_gradients``: ``optimizer`` with its gradient clipped first (checked by ``_common``).

    An option is on when it is set and > 0 (Keras: ``if self.clipnorm and self.clipnorm > 0``);
    the result keeps the Keras name.
    """
    def on(value):
        return value is not None and bool(np.all(np.asarray(value) > 0))

    if on(clipnorm):
        clipped = clip_by_global_norm(optimizer, clipnorm, form="max")         # (g·c)/max(‖g‖, c)
    elif on(global_clipnorm):
        clipped = clip_by_global_norm(optimizer, global_clipnorm, form="min")  # g·(c·min(1/‖g‖, 1/c))
    elif on(clipvalue):
        clipped = clip_by_value(optimizer, clipvalue)                          # min(max(g, −v), v)
    else:
        return optimizer
    return replace(clipped, name=optimizer.name)


@suggest_keywords
def SGD(learning_rate: Any = 0.01, momentum: Any = 0.0, nesterov: bool = False, weight_decay: Any = None,
        clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None, use_ema: bool = False,
        ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
        gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.SGD``: :math:`v \leftarrow \mu v - \mathrm{lr}\, g`, :math:`\theta \leftarrow \theta + v` (lr inside the velocity)."""
    wd = _common("keras.SGD", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    framework_number("keras.SGD", "momentum", momentum)
    framework_flag("keras.SGD", "nesterov", nesterov)
    if not np.any(np.asarray(momentum) != 0):
        opt = framework_optimizer("keras.SGD", sgd, _NAMES, lr=learning_rate, weight_decay=wd,
                                  decoupled_weight_decay=True)
        return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)
    opt = framework_optimizer("keras.SGD", _momentum, _NAMES, lr=learning_rate, momentum=momentum,
                              nesterov=nesterov, weight_decay=wd, decoupled_weight_decay=True, lr_in_buffer=True)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Adagrad(learning_rate: Any = 0.001, initial_accumulator_value: Any = 0.1, epsilon: Any = 1e-7,
            weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
            use_ema: bool = False, ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None,
            loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Adagrad``: :math:`A_0 = 0.1`, :math:`\theta \leftarrow \theta - \mathrm{lr}\, g/\sqrt{A + \epsilon}`."""
    wd = _common("keras.Adagrad", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Adagrad", adagrad, _NAMES, lr=learning_rate,
                              initial_accumulator_value=initial_accumulator_value, eps=epsilon, eps_in_sqrt=True,
                              weight_decay=wd, decoupled_weight_decay=True, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def RMSprop(learning_rate: Any = 0.001, rho: Any = 0.9, momentum: Any = 0.0, epsilon: Any = 1e-7,
            centered: bool = False, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
            global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: Any = 0.99,
            ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
            gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.RMSprop``: :math:`v_0 = 0`, :math:`\sqrt{v + \epsilon}`, lr inside the momentum buffer.

    First step with :math:`g = 0.01`: :math:`3.15\cdot\mathrm{lr}`.
    """
    wd = _common("keras.RMSprop", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.RMSprop", rmsprop, _NAMES, lr=learning_rate, decay=rho, momentum=momentum,
                              eps=epsilon, centered=centered, eps_in_sqrt=True, lr_in_buffer=True,
                              initial_mean_square=0.0, weight_decay=wd, decoupled_weight_decay=True, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Adam(learning_rate: Any = 0.001, beta_1: Any = 0.9, beta_2: Any = 0.999, epsilon: Any = 1e-7,
         amsgrad: bool = False, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
         global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: Any = 0.99,
         ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None,
         name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Adam``: ε-hat form, :math:`\theta \leftarrow \theta - \mathrm{lr}\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\frac{m_t}{\sqrt{v_t}+\hat\epsilon}`."""
    wd = _common("keras.Adam", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Adam", adam, _NAMES, lr=learning_rate, beta1=beta_1, beta2=beta_2,
                              eps=epsilon, amsgrad=amsgrad, epsilon_hat=True, amsgrad_on="raw",
                              weight_decay=wd, decoupled_weight_decay=True, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def AdamW(learning_rate: Any = 0.001, weight_decay: Any = 0.004, beta_1: Any = 0.9, beta_2: Any = 0.999,
          epsilon: Any = 1e-7, amsgrad: bool = False, clipnorm: Any = None, clipvalue: Any = None,
          global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: Any = 0.99,
          ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None,
          name: Any = None) -> Optimizer:
    r"""``keras.optimizers.AdamW``: ``Adam`` with ``weight_decay=0.004`` (decoupled, times lr)."""
    if weight_decay is None:
        raise ValueError("The 'weight_decay' parameter of keras.AdamW must be a number in [0, inf) "
                         "(Keras raises for None). Got None instead.")
    wd = _common("keras.AdamW", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.AdamW", adam, _NAMES, lr=learning_rate, beta1=beta_1, beta2=beta_2,
                              eps=epsilon, amsgrad=amsgrad, epsilon_hat=True, amsgrad_on="raw",
                              weight_decay=wd, decoupled_weight_decay=True, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Nadam(learning_rate: Any = 0.001, beta_1: Any = 0.9, beta_2: Any = 0.999, epsilon: Any = 1e-7,
          weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
          use_ema: bool = False, ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None,
          loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Nadam``: :math:`\mu_t = \beta_1(1 - \tfrac12 0.96^t)`; ε outside :math:`\sqrt{\hat v_t}`."""
    wd = _common("keras.Nadam", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Nadam", nadam, _NAMES, lr=learning_rate, beta1=beta_1, beta2=beta_2,
                              eps=epsilon, momentum_decay=1.0, momentum_schedule="dozat",
                              weight_decay=wd, decoupled_weight_decay=True, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Adamax(learning_rate: Any = 0.001, beta_1: Any = 0.9, beta_2: Any = 0.999, epsilon: Any = 1e-7,
           weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
           use_ema: bool = False, ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None,
           loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Adamax``: :math:`u \leftarrow \max(\beta_2 u, |g|)`, :math:`\theta \leftarrow \theta - \mathrm{lr}\, \hat m/(u + \epsilon)`."""
    wd = _common("keras.Adamax", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Adamax", adamax, _NAMES, lr=learning_rate, beta1=beta_1, beta2=beta_2,
                              eps=epsilon, eps_in_max=False, weight_decay=wd, decoupled_weight_decay=True,
                              zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Adadelta(learning_rate: Any = 0.001, rho: Any = 0.95, epsilon: Any = 1e-7, weight_decay: Any = None,
             clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None, use_ema: bool = False,
             ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
             gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Adadelta``: Zeiler's update times ``learning_rate`` (default 0.001)."""
    wd = _common("keras.Adadelta", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Adadelta", adadelta, _NAMES, lr=learning_rate, rho=rho, eps=epsilon,
                              weight_decay=wd, decoupled_weight_decay=True, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Lion(learning_rate: Any = 0.001, beta_1: Any = 0.9, beta_2: Any = 0.99, weight_decay: Any = None,
         clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None, use_ema: bool = False,
         ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
         gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Lion``: :math:`\theta \leftarrow \theta - \mathrm{lr}\,\mathrm{sign}(\beta_1 m + (1-\beta_1) g)`, then :math:`m \leftarrow \beta_2 m + (1-\beta_2) g`.

    Keras refuses ``beta_1`` outside (0, 1] (at 0 Lion is signSGD), with its own message.
    """
    framework_number("keras.Lion", "beta_1", beta_1)
    if beta_1 is not None and not callable(beta_1) and np.any((np.asarray(beta_1) <= 0) | (np.asarray(beta_1) > 1)):
        raise ValueError(f"The 'beta_1' parameter of keras.Lion must be in (0, 1]: Argument `beta_1` must be in the "
                         f"[0, 1] range. Otherwise, the optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")
    wd = _common("keras.Lion", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Lion", lion, _NAMES, lr=learning_rate, beta1=beta_1, beta2=beta_2,
                              weight_decay=wd)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Lamb(learning_rate: Any = 0.001, beta_1: Any = 0.9, beta_2: Any = 0.999, epsilon: Any = 1e-7,
         weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None, global_clipnorm: Any = None,
         use_ema: bool = False, ema_momentum: Any = 0.99, ema_overwrite_frequency: Any = None,
         loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Lamb``: ε 1e-7; the weight decay runs first, outside the trust ratio :math:`\|\theta\|/\|r\|` of the decayed θ.

    One parameter is the whole variable in Keras; a ``(B,)`` hyperparameter makes each ``theta[i]``
    one (lrlessons' batch axis).
    """
    wd = _common("keras.Lamb", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    opt = framework_optimizer("keras.Lamb", lamb, _NAMES, lr=learning_rate, beta1=beta_1, beta2=beta_2,
                              eps=epsilon, weight_decay=wd, decay_in_trust_ratio=False, zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Adafactor(learning_rate: Any = 0.001, beta_2_decay: Any = -0.8, epsilon_1: Any = 1e-30, epsilon_2: Any = 1e-3,
              clip_threshold: Any = 1.0, relative_step: bool = True, weight_decay: Any = None, clipnorm: Any = None,
              clipvalue: Any = None, global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: Any = 0.99,
              ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
              gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.Adafactor``: :math:`G_t^2 + \epsilon_1`, every mean in float32, :math:`\rho_t = \min(\mathrm{lr}, 1/\sqrt t)`.

    Runs ``lrlessons.optimizers.adafactor.update_float32_means``: Keras 3 (JAX backend, float64
    variables) computes ``ops.mean`` of float64 in float32, for the RMS of θ and of the update and
    for the row and column means (emulated exactly, see ``adafactor.mean_float32``: a float64
    computation is about 1e-7 relative off). Every tensor with two or more axes is factored over
    its last two; no momentum. ``relative_step`` changes nothing (Keras caps the rate by
    :math:`1/\sqrt t` twice when it is True, once when False). ``weight_decay`` is
    :math:`\theta - \theta\lambda\,\mathrm{lr}` before the step, with the uncapped rate.
    Source: keras-team/keras ``keras/src/optimizers/adafactor.py``.
    """
    owner = "keras.Adafactor"
    wd = _common(owner, weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    framework_flag(owner, "relative_step", relative_step)
    names = {**_NAMES, "beta2_decay": "beta_2_decay", "eps1": "epsilon_1", "eps2": "epsilon_2"}
    opt = framework_optimizer(owner, _adafactor, names, lr=learning_rate, beta2_decay=beta_2_decay, eps1=epsilon_1,
                              eps2=epsilon_2, clip_threshold=clip_threshold, weight_decay=wd, float32_means=True)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def ScheduleFreeAdamW(learning_rate: Any = 0.0025, beta_1: Any = 0.9, beta_2: Any = 0.999, epsilon: Any = 1e-8,
                      warmup_steps: int = 0, weight_decay: Any = None, clipnorm: Any = None, clipvalue: Any = None,
                      global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: Any = 0.99,
                      ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None,
                      gradient_accumulation_steps: Any = None, name: Any = None) -> Optimizer:
    r"""``keras.optimizers.ScheduleFreeAdamW``: uniform averaging :math:`c_{t+1} = 1/t`, :math:`y \leftarrow y - \mathrm{lr}\,\lambda y` before the step (JAX backend)."""
    wd = _common("keras.ScheduleFreeAdamW", weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema,
                 loss_scale_factor, gradient_accumulation_steps)
    opt = framework_optimizer("keras.ScheduleFreeAdamW", schedule_free_adamw, _NAMES, lr=learning_rate,
                              beta1=beta_1, beta2=beta_2, eps=epsilon, weight_decay=wd, warmup_steps=warmup_steps,
                              r=0.0, weight_lr_power=0.0, convention="keras", zero_ok=_EPS0)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)


@suggest_keywords
def Muon(learning_rate: Any = 0.001, adam_beta_1: Any = 0.9, adam_beta_2: Any = 0.999, adam_weight_decay: Any = 0.004,
         epsilon: Any = 1e-7, weight_decay: Any = 0.004, clipnorm: Any = None, clipvalue: Any = None,
         global_clipnorm: Any = None, use_ema: bool = False, ema_momentum: Any = 0.99,
         ema_overwrite_frequency: Any = None, loss_scale_factor: Any = None, gradient_accumulation_steps: Any = None,
         name: Any = "muon", exclude_layers: Any = None, exclude_embeddings: bool = True, muon_a: Any = 3.4445,
         muon_b: Any = -4.775, muon_c: Any = 2.0315, adam_lr_ratio: Any = 1, momentum: Any = 0.95, ns_steps: int = 5,
         nesterov: bool = True, rms_rate: Any = 0.2) -> Optimizer:
    r"""``keras.optimizers.Muon`` (Keras 3.15, ``keras/src/optimizers/muon.py``): a plain sum, ε added to a float32 norm, :math:`0.2\sqrt{\max(m, n)}`.

    Matrix path (a 2-D θ, or ``(B, m, n)`` as B runs: the lrlessons convention; Keras sends a 3-D
    variable to AdamW as one tensor): :math:`B_t = \mu B_{t-1} + g_t`, Nesterov
    :math:`U_t = g_t + \mu B_t`, :math:`O_t` by Newton–Schulz in float64 divided by
    :math:`\|U_t\|_F + 10^{-7}` computed in float32 (``ops.norm`` of float64 on JAX),
    :math:`\theta \leftarrow \theta - \alpha\lambda\theta - \alpha\, \rho\sqrt{\max(m, n)}\, O_t`
    (``rms_rate=None``: no factor). ``epsilon`` is the AdamW path's only; the Newton–Schulz ε is 1e-7.

    AdamW path (any other θ, e.g. a bias): Keras's ε-hat Adam at rate
    :math:`\alpha\cdot` ``adam_lr_ratio`` with decoupled decay ``adam_weight_decay`` at the
    *unscaled* rate α (lrlessons binds :math:`\lambda_a/\text{ratio}` to the AdamW path, so
    that its decay is :math:`\alpha\,\text{ratio}\,(\lambda_a/\text{ratio}) = \alpha\lambda_a`).

    ``exclude_layers`` and ``exclude_embeddings`` route variables by *name*; one array has no
    name, so they change nothing here (a vector θ takes the AdamW path as in Keras).
    """
    owner = "keras.Muon"
    wd = _common(owner, weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, loss_scale_factor,
                 gradient_accumulation_steps)
    adam_wd = 0.0 if adam_weight_decay is None else adam_weight_decay
    for key, value in (("adam_lr_ratio", adam_lr_ratio), ("rms_rate", rms_rate), ("adam_weight_decay", adam_wd)):
        framework_number(owner, key, value)
    framework_flag(owner, "nesterov", nesterov)
    framework_flag(owner, "exclude_embeddings", exclude_embeddings)
    if callable(adam_lr_ratio) or np.ndim(adam_lr_ratio) != 0 or not adam_lr_ratio > 0:
        raise ValueError(f"The 'adam_lr_ratio' parameter of {owner} must be a number in (0, inf). "
                         f"Got {adam_lr_ratio!r} instead.")
    if callable(learning_rate) and adam_lr_ratio != 1:
        raise ValueError(f"The 'adam_lr_ratio' parameter of {owner} must be 1 when learning_rate is a schedule "
                         f"(lrlessons does not scale a schedule). Got {adam_lr_ratio!r} instead.")
    adam_lr = learning_rate if callable(learning_rate) or adam_lr_ratio == 1 else \
        np.asarray(learning_rate, dtype=np.float64) * adam_lr_ratio
    adam_lr = adam_lr.item() if isinstance(adam_lr, np.ndarray) and adam_lr.ndim == 0 else adam_lr
    adamw = framework_optimizer("keras.Muon (AdamW path)", adam, lr=adam_lr, beta1=adam_beta_1, beta2=adam_beta_2, eps=epsilon,
                                epsilon_hat=True, weight_decay=np.asarray(adam_wd, dtype=np.float64) / adam_lr_ratio
                                if np.ndim(adam_wd) else adam_wd / adam_lr_ratio, decoupled_weight_decay=True,
                                rename={"lr": "learning_rate", "eps": "epsilon", "beta1": "adam_beta_1",
                                        "beta2": "adam_beta_2", "weight_decay": "adam_weight_decay"}, zero_ok=_EPS0)
    opt = framework_optimizer(owner, _muon, {"lr": "learning_rate", "ns_coefficients": "muon_a, muon_b, muon_c"},
                              lr=learning_rate, momentum=momentum, nesterov=nesterov,
                              ns_coefficients=(muon_a, muon_b, muon_c), ns_steps=ns_steps, eps=1e-7, weight_decay=wd,
                              adjust_lr="none" if rms_rate is None else "rms",
                              rms_rate=0.2 if rms_rate is None else rms_rate, momentum_form="sum", eps_form="add",
                              norm_precision="float32", ns_precision="float64", fallback=adamw)
    return _clip_gradients(opt, clipnorm, clipvalue, global_clipnorm)
