"""Transparent numpy optimizers: one module each, an ``update`` that reads like its equations.

Import the factories from here (``optimizers.adam(...)``). Each returns an immutable
:class:`~lrlessons.optimizers.base.Optimizer` with ``init``, ``step``, ``equations``,
``hyperparameters``, ``source`` and ``name``. The convention keywords (``epsilon_hat``,
``eps_in_sqrt``, ``lr_in_buffer``, ...) pick which update function runs, each a framework's
math written out with its own equations; the framework modules (``lrlessons.frameworks.pytorch``
etc.) only choose their values.
"""

from .base import Optimizer, trace
from .adadelta import adadelta
from .adafactor import adafactor
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .adamw import adamw
from .momentum import momentum
from .muon import muon
from .nadam import nadam
from .radam import radam
from .rmsprop import rmsprop
from .sgd import sgd
from .lion import lion
from .lamb import lamb
from .lars import lars
from .clip import clip_by_global_norm, clip_by_value

from .schedule_free import schedule_free_adamw, schedule_free_eval_params, schedule_free_sgd

FACTORIES = {f.__name__: f for f in (sgd, momentum, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta,
                                       lion, lamb, lars, adafactor, muon, schedule_free_sgd, schedule_free_adamw)}

__all__ = ["Optimizer", "trace", "FACTORIES", *FACTORIES, "schedule_free_eval_params"]

# Wrappers of an optimizer (not in FACTORIES: they take an Optimizer, not a learning rate).
__all__ += ["clip_by_global_norm", "clip_by_value"]
