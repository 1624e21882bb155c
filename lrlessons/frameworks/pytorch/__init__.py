"""PyTorch (`torch.optim`, `torch.optim.lr_scheduler`), reproduced with lrlessons.

Schedules live in ``lr_scheduler.py``, optimizers in ``optim.py``, as in the real package; this module joins them.
"""

from .lr_scheduler import *  # noqa: F401,F403
from .lr_scheduler import __all__ as _sched_all
from .optim import *  # noqa: F401,F403
from .optim import __all__ as _optim_all

#: The names of this framework's optimizers and schedules (what ``lrlessons.frameworks.registry`` lists).
OPTIMIZERS = tuple(_optim_all)
SCHEDULES = tuple(_sched_all)

__all__ = [*_sched_all, *_optim_all]
