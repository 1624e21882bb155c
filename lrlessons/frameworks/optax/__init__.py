"""optax, reproduced with lrlessons.

Schedules live in ``schedules.py``, optimizers in ``alias.py``, as in the real package; this module joins them.
"""

from .schedules import *  # noqa: F401,F403
from .schedules import __all__ as _sched_all
from .alias import *  # noqa: F401,F403
from .alias import __all__ as _optim_all

#: The names of this framework's optimizers and schedules (what ``lrlessons.frameworks.registry`` lists).
OPTIMIZERS = tuple(_optim_all)
SCHEDULES = tuple(_sched_all)

__all__ = [*_sched_all, *_optim_all]

# ``optax.contrib`` (a subpackage, as in optax): its optimizers join the registry by qualified name.
from . import contrib  # noqa: E402

OPTIMIZERS = (*OPTIMIZERS, *(f"contrib.{n}" for n in contrib.OPTIMIZERS))

# Gradient clipping and chain (not in OPTIMIZERS: chain takes an optimizer, not a learning rate).
from .transforms import *  # noqa: F401,F403,E402
from .transforms import __all__ as _transforms_all  # noqa: E402

__all__ += _transforms_all
