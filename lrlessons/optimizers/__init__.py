"""Transparent numpy optimizers: one module each, an ``update`` that reads like its equations.

Import the factories from here (``optimizers.adam(...)``). Each returns an immutable
:class:`~lrlessons.optimizers._optimizer.Optimizer` with ``init``, ``step``, ``equations``
and ``hyperparameters``.
"""

from ._optimizer import Optimizer
from .adam import adam
from .sgd import sgd

__all__ = ["Optimizer", "adam", "sgd"]
