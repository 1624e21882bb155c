"""The real frameworks' names, arguments and defaults, built from the lrlessons core.

``from lrlessons.frameworks import pytorch, tf1, keras, optax``: each module offers the
schedules and optimizers of one framework with that framework's own spelling and defaults,
reproducing its numbers exactly (tests compare against reference data produced by running
the real libraries; see ``tools/make_fixtures_schedules.py`` and
``tools/make_fixtures_optimizers.py``). They only choose values for the
documented convention keywords of the core; no math lives here.

The layout mirrors the real packages: ``pytorch.optim`` / ``pytorch.lr_scheduler``
(``torch.optim``, ``torch.optim.lr_scheduler``), ``keras.optimizers`` / ``keras.schedules``
(``keras.optimizers``, ``keras.optimizers.schedules``), ``optax.alias`` / ``optax.schedules``
(``optax/_src/alias.py``, ``optax/schedules``), ``tf1`` (``tf.compat.v1.train``) and
``od_api`` (the Object Detection API's ``builders/optimizer_builder.py``).

:func:`registry` lists every framework optimizer or schedule by its qualified name
(``"pytorch.Adam"``, ``"optax.cosine_decay_schedule"``); :data:`LR_KEYWORD` is the name each
framework gives the learning rate, so a caller can build any optimizer from one number:

>>> opt = build_optimizer("keras.Adam", 0.01)
>>> opt.name, opt.hyperparameters["lr"]
('keras.Adam', 0.01)
>>> [n for n in registry("optimizers") if n.startswith("tf1.")][:2]
['tf1.GradientDescentOptimizer', 'tf1.MomentumOptimizer']
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

__all__ = ["pytorch", "tf1", "keras", "optax", "od_api", "FRAMEWORKS", "LR_KEYWORD", "registry", "build_optimizer"]

#: The frameworks lrlessons reproduces, in the order lessons show them.
FRAMEWORKS = ("pytorch", "tf1", "keras", "optax")

#: What each framework calls the learning rate.
LR_KEYWORD = {"pytorch": "lr", "tf1": "learning_rate", "keras": "learning_rate", "optax": "learning_rate"}


def registry(kind: str = "optimizers") -> dict[str, Callable]:
    """Every framework optimizer (``kind="optimizers"``) or schedule (``"schedules"``) by qualified name."""
    if kind not in ("optimizers", "schedules"):
        raise ValueError(f"The 'kind' parameter of registry must be 'optimizers' or 'schedules'. Got {kind!r} instead.")
    out = {}
    for fw in FRAMEWORKS:
        module = import_module(f"{__name__}.{fw}")
        for name in getattr(module, kind.upper()):
            obj = module
            for part in name.split("."):                 # "contrib.muon": optax.contrib's muon
                obj = getattr(obj, part)
            out[f"{fw}.{name}"] = obj
    return out


def build_optimizer(name: str, lr: Any, **kwargs: Any):
    """The framework optimizer ``name`` (``"optax.adam"``) with learning rate ``lr`` under its own keyword."""
    factories = registry("optimizers")
    if name not in factories:
        from .._checks import closest

        hint = closest(name, list(factories))
        raise ValueError(f"Unknown framework optimizer {name!r}." + (f" Did you mean {hint!r}?" if hint else "")
                         + f" Valid names: {', '.join(factories)}.")
    return factories[name](**{LR_KEYWORD[name.split('.')[0]]: lr}, **kwargs)


def __getattr__(name: str):
    if name in FRAMEWORKS or name == "od_api":
        module = import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
