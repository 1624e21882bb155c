#!/usr/bin/env python
"""Insert or update the Binder badge and the prev/next links of every lesson notebook.

Usage::

    python tools/add_navigation.py            # all lessons, rewrite what changed
    python tools/add_navigation.py --check    # change nothing; exit 1 if a cell is missing or stale

A lesson is ``notebooks/NN_name.ipynb`` with NN from 00 to 89 (90-99 are reserved for
scratch or smoke notebooks, which get no navigation). Each lesson gets

* a first markdown cell tagged ``navigation`` and ``navigation-top``: the Binder badge
  opening this very notebook in JupyterLab, and a link back to the start notebook;
* a last markdown cell tagged ``navigation`` and ``navigation-bottom``: links to the
  previous lesson, the start notebook and the next lesson, with their titles (the first
  ``# `` heading of each lesson).

The cells are found again by their tags, so running the tool twice changes nothing, and
renaming or adding a lesson only needs a re-run. Only those two cells are touched: outputs
and execution counts stay as they are (markdown cells have none).

The Binder repository comes from ``[project.urls] Repository`` in ``pyproject.toml``
(a ``https://github.com/OWNER/NAME`` address).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
START = "00_start_here.ipynb"
LESSON = re.compile(r"^([0-8]\d)_[A-Za-z0-9_]+\.ipynb$")
TAG, TOP, BOTTOM = "navigation", "navigation-top", "navigation-bottom"
BADGE_IMG = "https://mybinder.org/badge_logo.svg"


def github_repo(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """``OWNER/NAME`` from ``[project.urls] Repository``."""
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("urls", {})
    url = urls.get("Repository", "")
    m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", url)
    if not m:
        raise SystemExit(f"pyproject.toml needs [project.urls] Repository = 'https://github.com/OWNER/NAME'; got {url!r}")
    return m.group(1)


def binder_url(repo: str, notebook: str) -> str:
    """Binder link opening ``notebooks/<notebook>`` in the full JupyterLab UI (``lab/tree``)."""
    return f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/{notebook}"


def badge(repo: str, notebook: str) -> str:
    return f"[![Binder]({BADGE_IMG})]({binder_url(repo, notebook)})"


def lessons(folder: Path = NOTEBOOKS) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if LESSON.match(p.name))


def is_nav(cell, which: str) -> bool:
    return which in cell.get("metadata", {}).get("tags", [])


def title(nb, path: Path) -> str:
    """The first ``# `` heading outside the navigation cells, else a name from the file."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not is_nav(cell, TAG):
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem.split("_", 1)[1].replace("_", " ").capitalize()


def top_source(repo: str, path: Path) -> str:
    home = "" if path.name == START else f" &nbsp; [Start here]({START})"
    return f"{badge(repo, path.name)}{home}"


def bottom_source(prev: Path | None, nxt: Path | None, titles: dict) -> str:
    parts = []
    if prev is not None:
        parts.append(f"← Previous: [{titles[prev]}]({prev.name})")
    if prev is not None and prev.name != START:
        parts.append(f"[Start here]({START})")
    if nxt is not None:
        parts.append(f"Next: [{titles[nxt]}]({nxt.name}) →")
    return " | ".join(parts) if parts else f"[Start here]({START})"


def set_cell(nb, which: str, source: str, at_top: bool) -> bool:
    """Update the cell tagged ``which`` (or insert it); return True if anything changed."""
    import nbformat

    found = [c for c in nb.cells if is_nav(c, which)]
    if found:
        cell = found[0]
        changed = cell.source != source
        cell.source = source
        for extra in found[1:]:  # duplicates from hand edits
            nb.cells.remove(extra)
            changed = True
        wanted = 0 if at_top else len(nb.cells) - 1
        if nb.cells.index(cell) != wanted:
            nb.cells.remove(cell)
            nb.cells.insert(0 if at_top else len(nb.cells), cell)
            changed = True
        return changed
    cell = nbformat.v4.new_markdown_cell(source, metadata={"tags": [TAG, which]})
    nb.cells.insert(0 if at_top else len(nb.cells), cell)
    return True


def number_ids(nb) -> None:
    """Positional cell ids, exactly as ``tools/refresh_notebooks.py`` (nbstripout) writes them."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = str(i)


def navigate(folder: Path = NOTEBOOKS, repo: str | None = None, check: bool = False) -> list[Path]:
    """Add or update the navigation cells; return the notebooks that changed (or would)."""
    import nbformat

    repo = repo or github_repo()
    paths = lessons(folder)
    books = {p: nbformat.read(p, as_version=4) for p in paths}
    titles = {p: title(nb, p) for p, nb in books.items()}
    changed = []
    for i, (path, nb) in enumerate(books.items()):
        prev = paths[i - 1] if i > 0 else None
        nxt = paths[i + 1] if i + 1 < len(paths) else None
        a = set_cell(nb, TOP, top_source(repo, path), at_top=True)
        b = set_cell(nb, BOTTOM, bottom_source(prev, nxt, titles), at_top=False)
        if a or b:
            changed.append(path)
            if not check:
                number_ids(nb)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", category=UserWarning)
                    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if navigation is missing or stale")
    parser.add_argument("--folder", type=Path, default=NOTEBOOKS, help="default: notebooks/")
    args = parser.parse_args(argv)
    changed = navigate(args.folder, check=args.check)
    verb = "stale" if args.check else "updated"
    for path in changed:
        print(f"{verb}: {path.name}")
    if not changed:
        print(f"navigation up to date in {len(lessons(args.folder))} lesson(s)")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
