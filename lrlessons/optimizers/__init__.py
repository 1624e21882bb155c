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
from .muon import muon
from .nadam import nadam
from .radam import radam
from .rmsprop import rmsprop
from .sgd import sgd

FACTORIES = {f.__name__: f for f in (sgd, momentum, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta, muon)}

__all__ = ["Optimizer", "trace", "FACTORIES", *FACTORIES]
