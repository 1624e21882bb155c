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
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .adamw import adamw
from .momentum import momentum
from .nadam import nadam
from .radam import radam
from .rmsprop import rmsprop
from .sgd import sgd
from .clip import clip_by_global_norm, clip_by_value

FACTORIES = {f.__name__: f for f in (sgd, momentum, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta)}

__all__ = ["Optimizer", "trace", "FACTORIES", *FACTORIES]

# Wrappers of an optimizer (not in FACTORIES: they take an Optimizer, not a learning rate).
__all__ += ["clip_by_global_norm", "clip_by_value"]
