"""Keras 3 (`keras.optimizers`, `keras.optimizers.schedules`), reproduced with lrlessons.

Schedules live in ``_sched_keras.py``, optimizers in ``_optim_keras.py``; this module joins them.
"""

from ._sched_keras import *  # noqa: F401,F403
from ._sched_keras import __all__ as _sched_all
from ._optim_keras import *  # noqa: F401,F403
from ._optim_keras import __all__ as _optim_all

__all__ = [*_sched_all, *_optim_all]
