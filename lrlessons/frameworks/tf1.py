"""TF1 (`tf.compat.v1.train`), reproduced with lrlessons.

Schedules live in ``_sched_tf1.py``, optimizers in ``_optim_tf1.py``; this module joins them.
"""

from ._sched_tf1 import *  # noqa: F401,F403
from ._sched_tf1 import __all__ as _sched_all
from ._optim_tf1 import *  # noqa: F401,F403
from ._optim_tf1 import __all__ as _optim_all

__all__ = [*_sched_all, *_optim_all]
