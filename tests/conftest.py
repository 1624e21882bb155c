"""Shared pytest configuration.

The pytest process (unit tests, doctests) draws with matplotlib's non-interactive Agg
backend, so no window ever opens, even on a desktop. Kernels must not inherit that
choice: ipykernel only installs its inline backend when ``MPLBACKEND`` is unset, and a
lesson run by nbval under Agg would silently show no figures. So the variable is removed
while nbval starts a notebook's kernel (the kernel copies ``os.environ`` when it starts).
"""

import os

import pytest

_OURS = "MPLBACKEND" not in os.environ
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    if not (_OURS and type(item).__name__ == "IPyNbCell"):
        yield
        return
    saved = os.environ.pop("MPLBACKEND", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["MPLBACKEND"] = saved
