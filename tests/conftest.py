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
