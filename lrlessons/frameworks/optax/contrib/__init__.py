"""``optax.contrib``, reproduced with lrlessons: the optimizers optax ships outside its core.

One module per optimizer, as in optax (``optax/contrib/_schedule_free.py``); this package joins them.
"""

from .schedule_free import *  # noqa: F401,F403
from .schedule_free import __all__ as _schedule_free_all

#: The optimizers of ``optax.contrib`` (``lrlessons.frameworks.registry`` lists them as ``"optax.contrib.<name>"``).
OPTIMIZERS = ("schedule_free_sgd", "schedule_free_adamw")

__all__ = [*_schedule_free_all]
