"""``optax.contrib`` (optax 0.2.x), reproduced with lrlessons: ``from lrlessons.frameworks.optax import contrib``.

Optimizers that optax keeps outside its core API (google-deepmind/optax ``optax/contrib/``);
registered as ``"optax.contrib.<name>"`` (:func:`lrlessons.frameworks.registry`).
"""

from .muon import *  # noqa: F401,F403
from .muon import __all__ as _muon_all

#: The names of this module's optimizers (``lrlessons.frameworks.optax`` lists them as ``contrib.<name>``).
OPTIMIZERS = tuple(_muon_all)

__all__ = [*_muon_all]
