"""Transparent numpy optimizers: one module each, an ``update`` that reads like its equations.

Import the factories from here (``optimizers.adam(...)``). Each returns an immutable
:class:`~lrlessons.optimizers._optimizer.Optimizer` with ``init``, ``step``, ``apply``,
``equations``, ``hyperparameters``, ``update`` and ``source``. The convention keywords
(``epsilon_hat``, ``eps_in_sqrt``, ``lr_in_buffer``, ...) pick each framework's math; the
framework modules (``lrlessons.frameworks.pytorch`` etc.) only choose their values.
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

FACTORIES = {f.__name__: f for f in (sgd, momentum, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta)}

__all__ = ["Optimizer", "trace", "FACTORIES", *FACTORIES]
