"""Packaging facts that need no build: one version, metadata, extras vs groups, README, Binder.

``.ci/package_check`` builds the sdist and the wheel and checks what is inside; this module
checks the sources they are built from, in every ``pytest`` run (also from the unpacked sdist).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
# Tools for tests and maintainers: dependency groups, never user extras.
MAINTAINER_TOOLS = {"pytest", "nbval", "hypothesis", "pytest-xdist", "playwright", "nbstripout", "nbformat",
                    "nbclient", "sphinx", "myst-nb", "sphinx-book-theme", "numpydoc", "django-static-mathjax",
                    "build", "twine", "ipykernel"}
# Binder's base image provides these; pinning them breaks widgets (jupyter.md, Binder).
NEVER_PINNED = {"jupyterlab", "notebook", "jupyterlab-widgets", "jupyterlab_widgets"}


def source_version() -> str:
    tree = ast.parse((ROOT / "lrlessons" / "__init__.py").read_text(encoding="utf-8"))
    values = [n.value.value for n in tree.body if isinstance(n, ast.Assign)
              and any(getattr(t, "id", "") == "__version__" for t in n.targets)]
    assert len(values) == 1, "lrlessons/__init__.py must assign __version__ exactly once, to a literal"
    return values[0]


def name_of(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_one_version_source():
    assert "version" not in PROJECT, "the version is written in pyproject.toml: use dynamic = ['version']"
    assert "version" in PROJECT.get("dynamic", [])
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "lrlessons.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?", source_version())


def test_metadata_for_pypi():
    assert PROJECT["authors"] and PROJECT["keywords"]
    classifiers = PROJECT["classifiers"]
    assert "Typing :: Typed" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")], "PEP 639: the license is `license`, not a classifier"
    python = re.search(r">=\s*3\.(\d+)", PROJECT["requires-python"]).group(1)
    assert f"Programming Language :: Python :: 3.{python}" in classifiers
    urls = PROJECT["urls"]
    for key in ("Documentation", "Repository", "Issues"):
        assert urls.get(key, "").startswith("https://"), f"[project.urls] {key}"
    assert urls["Issues"].startswith(urls["Repository"])


def test_py_typed_ships():
    assert (ROOT / "lrlessons" / "py.typed").exists()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["lrlessons"]


def test_extras_are_for_users_and_groups_for_maintainers():
    extras = PROJECT.get("optional-dependencies", {})
    leaked = {f"{extra}: {name_of(r)}" for extra, reqs in extras.items() for r in reqs if name_of(r) in MAINTAINER_TOOLS}
    assert not leaked, f"test or maintainer tools in user extras: {sorted(leaked)}"
    groups = PYPROJECT["dependency-groups"]
    assert {"test", "docs"} <= set(groups)
    assert {"include-group": "docs"} in groups["test"], "the test group must include docs (tests/test_site.py builds the site)"


def test_readme_works_on_pypi_and_keeps_its_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(r'(?:src|href)="([^"]+)"', readme)
    relative = [t for t in targets if not t.startswith(("https://", "http://", "#", "mailto:"))]
    assert not relative, f"README links that break on PyPI (make them absolute): {relative}"
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.DOTALL)
    assert any(re.search(r"pip install .*&& jupyter lab notebooks/", c) for c in commands), "the command that opens the lessons"
    test = [c for c in commands if re.search(r"pip install .*&&\s*pytest\s*$", c)]
    assert test, "the command that runs every test"
    assert "--group test" in test[0] or "[test]" in test[0]


@pytest.fixture(scope="module")
def binder_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", line)
            assert m, f"binder/requirements.txt: {line!r} is not 'name==version' (no -e, no path, no range)"
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_binder_pins_satisfy_the_runtime_dependencies(binder_pins):
    from packaging.requirements import Requirement

    assert not NEVER_PINNED & set(binder_pins), "never pin jupyterlab, notebook or jupyterlab_widgets"
    for spec in PROJECT["dependencies"]:
        req = Requirement(spec)
        name = req.name.lower().replace("_", "-")
        assert name in binder_pins, f"binder/requirements.txt does not pin {name} (a runtime dependency)"
        assert binder_pins[name] in req.specifier, f"binder pins {name}=={binder_pins[name]}, pyproject wants {req.specifier}"


def test_binder_postbuild_installs_the_package_without_dependencies():
    post = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in post.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert lines[0] == "set -euo pipefail"
    install = [i for i, ln in enumerate(lines) if re.search(r"pip install .*--no-deps -e \.$", ln)]
    override = [i for i, ln in enumerate(lines) if "overrides.json" in ln]
    assert install and override and override[-1] < install[0], "postBuild: the settings override, then pip install --no-deps -e ."
    assert (ROOT / "binder" / "runtime.txt").read_text().startswith("python-3.")


def test_import_lrlessons_loads_only_numpy():
    """``import lrlessons`` stays as light as numpy: matplotlib, ipywidgets and ml_dtypes (about
    half a second to load) come in only with the modules that need them."""
    import subprocess
    import sys

    code = ("import sys, lrlessons, lrlessons.optimizers, lrlessons.schedules; "
            "print(sorted({'matplotlib', 'ipywidgets', 'ml_dtypes'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
