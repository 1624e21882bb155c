"""lrlessons: how the learning rate, and the optimizers that adapt it, really work.

The core (schedules, optimizers, problems, training, theory, averaging, noisy_quadratic, sharpness,
noise_scale, width, precision, frameworks, exercises) imports numpy only (precision also ml_dtypes); figures
(``lrlessons.viz``) and widgets (``lrlessons.widgets``) are imported on demand.
"""

from importlib import import_module as _import_module

from . import optimizers, schedules
from .training import Trajectory, lr_range_test, run, sweep

__version__ = "0.1.0"  # the one version source: pyproject.toml reads it (tool.setuptools.dynamic)

_LAZY = {
    # name: (module, attribute or None for the module itself)
    "create_learning_rate": ("lrlessons.frameworks.od_api", "create_learning_rate"),
    "problems": ("lrlessons.problems", None),
    "theory": ("lrlessons.theory", None),
    "averaging": ("lrlessons.averaging", None),
    "noisy_quadratic": ("lrlessons.noisy_quadratic", None),
    "noise_scale": ("lrlessons.noise_scale", None),
    "frameworks": ("lrlessons.frameworks", None),
    "exercises": ("lrlessons.exercises", None),
    "reference": ("lrlessons.reference", None),
    "sharpness": ("lrlessons.sharpness", None),
    "width": ("lrlessons.width", None),
    "precision": ("lrlessons.precision", None),
    "viz": ("lrlessons.viz", None),
    "widgets": ("lrlessons.widgets", None),
}

__all__ = ["optimizers", "schedules", "run", "sweep", "lr_range_test", "Trajectory", "__version__", *_LAZY]


def __getattr__(name):
    """Import submodules on first use so ``import lrlessons`` stays as light as numpy."""
    if name in _LAZY:
        module_name, attr = _LAZY[name]
        module = _import_module(module_name)
        value = module if attr is None else getattr(module, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrlessons' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
