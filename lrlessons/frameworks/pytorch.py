"""PyTorch (`torch.optim`, `torch.optim.lr_scheduler`), reproduced with lrlessons.

Schedules live in ``_sched_pytorch.py``, optimizers in ``_optim_pytorch.py``; this module joins them.
"""

from ._sched_pytorch import *  # noqa: F401,F403
from ._sched_pytorch import __all__ as _sched_all
from ._optim_pytorch import *  # noqa: F401,F403
from ._optim_pytorch import __all__ as _optim_all

__all__ = [*_sched_all, *_optim_all]
