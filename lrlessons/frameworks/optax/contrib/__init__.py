"""``optax.contrib`` (optax 0.2.x), reproduced with lrlessons: ``from lrlessons.frameworks.optax import contrib``.

Optimizers that optax keeps outside its core API (google-deepmind/optax ``optax/contrib/``), one
module per optimizer as in optax (``_muon.py``, ``_schedule_free.py``); registered as
``"optax.contrib.<name>"`` (:func:`lrlessons.frameworks.registry`).
"""

from .muon import *  # noqa: F401,F403
from .muon import __all__ as _muon_all
from .schedule_free import *  # noqa: F401,F403
from .schedule_free import __all__ as _schedule_free_all

#: The optimizers of ``optax.contrib`` (``lrlessons.frameworks.registry`` lists them as ``"optax.contrib.<name>"``).
OPTIMIZERS = (*_muon_all, "schedule_free_sgd", "schedule_free_adamw")

__all__ = [*_muon_all, *_schedule_free_all]
