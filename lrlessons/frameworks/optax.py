"""optax, reproduced with lrlessons.

Schedules live in ``_sched_optax.py``, optimizers in ``_optim_optax.py``; this module joins them.
"""

from ._sched_optax import *  # noqa: F401,F403
from ._sched_optax import __all__ as _sched_all
from ._optim_optax import *  # noqa: F401,F403
from ._optim_optax import __all__ as _optim_all

__all__ = [*_sched_all, *_optim_all]
