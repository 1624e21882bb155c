"""Shared pytest configuration.

The pytest process (unit tests, doctests) draws with matplotlib's non-interactive Agg
backend, so no window ever opens, even on a desktop. Kernels must not inherit that
choice: ipykernel only installs its inline backend when ``MPLBACKEND`` is unset, and a
notebook run by nbval under Agg would silently show no figures. A kernel copies
``os.environ`` when it starts, which nbval does in each notebook's collector ``setup``, so
the variable is removed for that moment. (``pytest_collection_modifyitems`` is a session
hook: it sees the notebooks under ``notebooks/`` although this file lives in ``tests/``.)
"""

import functools
import os

_OURS = "MPLBACKEND" not in os.environ
os.environ.setdefault("MPLBACKEND", "Agg")


def _without_mplbackend(setup):
    @functools.wraps(setup)
    def wrapper(*args, **kwargs):
        saved = os.environ.pop("MPLBACKEND", None)
        try:
            return setup(*args, **kwargs)
        finally:
            if saved is not None:
                os.environ["MPLBACKEND"] = saved

    return wrapper


def pytest_collection_modifyitems(items):
    if not _OURS:
        return
    notebooks = {item.parent for item in items if type(item).__name__ == "IPyNbCell"}
    for notebook in notebooks:
        notebook.setup = _without_mplbackend(notebook.setup)


# Generated-input (hypothesis) tests run the same examples on every machine and every run: a CI
# run never fails on an input that no earlier run tried. Explore further locally with
# `pytest --hypothesis-seed=random` (or HYPOTHESIS_PROFILE=explore).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("lrlessons", derandomize=True, database=None)
_hypothesis_settings.register_profile("explore", derandomize=False, database=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lrlessons"))
