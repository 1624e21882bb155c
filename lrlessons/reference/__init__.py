"""Reference numbers produced by running the real frameworks, shipped with the package.

The parity tests and the lessons compare lrlessons with these numbers, so both read them
through :func:`load` (``importlib.resources``): a lesson downloaded alone, or lrlessons
installed from a wheel, finds them without the repository.

============  ================================================================================
name          what it holds (and the script in ``tools/`` that wrote it from the real libraries)
============  ================================================================================
optimizers    trajectories of PyTorch, TF1, Keras 3 and optax optimizers on fixed problems
              (``tools/make_fixtures_optimizers.py``)
schedules     every framework schedule evaluated by the framework itself
              (``tools/make_fixtures_schedules.py``)
modern_*      the optimizers and schedules of 2023–2026 (Muon, Lion, schedule-free, Adafactor,
              LAMB, LARS, clipping, ChainedScheduler, ...) run by torch, Keras, optax and
              ``schedulefree`` (``tools/make_fixtures_modern.py``; semantics in
              ``tools/modern_frameworks.md``); the parity tests of those optimizers read them
edge_of_*     lesson 11's widget curves: full-batch GD with warmup on the lesson MLP, loss
              and sharpness (``tools/make_edge_of_stability.py``; lrlessons itself, no framework)
width_sweeps  learning-rate sweeps of ``lrlessons.width``'s MLP at widths 64 ... 1024 in SP
              and μP, SGD and Adam (``tools/make_width_sweeps.py``; lrlessons' own numbers,
              too slow to compute in lesson 14)
============  ================================================================================

Each file is one JSON object with a ``"versions"`` entry naming the libraries that produced it.

>>> data = load("optimizers")
>>> sorted(data["versions"])[:2]
['keras', 'numpy']
>>> "schedules" in available()
True
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["load", "available"]


def available() -> tuple[str, ...]:
    """The names :func:`load` accepts."""
    return tuple(sorted(p.name[:-5] for p in resources.files(__name__).iterdir() if p.name.endswith(".json")))


@functools.lru_cache(maxsize=None)
def _text(name: str) -> str:
    return resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """The reference data ``name`` (see the table above) as a new dict (safe to modify)."""
    names = available()
    if name not in names:
        raise ValueError(f"The 'name' argument of load must be one of {', '.join(names)}. Got {name!r} instead.")
    return json.loads(_text(name))
