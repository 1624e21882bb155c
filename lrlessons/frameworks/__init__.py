"""The real frameworks' names, arguments and defaults, built from the lrlessons core.

``from lrlessons.frameworks import pytorch, tf1, keras, optax``: each module offers the
schedules and optimizers of one framework with that framework's own spelling and defaults,
reproducing its numbers exactly (tests compare against reference data produced by running
the real libraries; see ``tools/make_fixtures_schedules.py`` and
``tools/make_fixtures_optimizers.py``). They only choose values for the
documented convention keywords of the core; no math lives here.
"""

__all__ = ["pytorch", "tf1", "keras", "optax"]
