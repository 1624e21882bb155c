#!/usr/bin/env python
"""Re-execute the lesson notebooks in place, top to bottom, in a fresh kernel.

Usage::

    python tools/refresh_notebooks.py                      # every notebooks/*.ipynb
    python tools/refresh_notebooks.py notebooks/03_*.ipynb  # some of them
    python tools/refresh_notebooks.py --check              # change nothing; exit 1 if stale
    python tools/refresh_notebooks.py --jobs 2             # two notebooks at a time

Each notebook is executed by nbclient with the ``python3`` kernel of this Python (so the
lrlessons being edited is the one that runs), from the ``notebooks/`` folder, with a
per-cell timeout. Then, like ``nbstripout --keep-output --keep-count --extra-keys
metadata.widgets``, the notebook loses its widget state (``metadata.widgets``) and its
widget views (random model ids that would change on every run; see ``normalize``), nbclient's timing metadata and its random cell
ids (replaced by their position), while outputs and execution counts (1..n) stay: they are
what GitHub shows and what nbval compares. Running the tool twice on unchanged sources
gives byte-identical files (figures included, on the same machine and library versions).

The file is only rewritten when its text changes. A cell that raises stops the run of that
notebook (the file is left untouched) and the tool exits 1, unless the cell is tagged
``raises-exception``.

``--check`` executes into memory and compares with the file on disk: it reports the
notebooks whose stored outputs are out of date. PNG bytes depend on the matplotlib and
freetype versions, so compare on the machine that wrote the notebooks.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# nbstripout's default extra keys plus the widget state (jupyter.md section 2).
EXTRA_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "metadata.jupytext",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalize(nb):
    """Strip widget state, widget views, timing metadata and random cell ids.

    Outputs and execution counts stay. A widget's output keeps its ``text/plain`` repr
    (what GitHub shows) but loses its ``widget-view+json`` reference: that only holds a
    random ``model_id`` pointing at the stripped state, so it would change on every run,
    and JupyterLab would show "Error displaying widget: model not found" under every
    widget of a freshly opened lesson. nbval never compares that key.
    """
    from nbstripout import strip_output

    nb = strip_output(nb, keep_output=True, keep_count=True, keep_id=False, extra_keys=EXTRA_KEYS)
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is not None and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    continue
            if (out.get("output_type") == "stream" and kept and kept[-1].get("output_type") == "stream"
                    and kept[-1].get("name") == out.get("name")):
                # The kernel splits a print into chunks wherever it happened to flush; merge
                # them (as JupyterLab and nbval do) so a refresh is byte-for-byte repeatable.
                kept[-1]["text"] = "".join(kept[-1]["text"]) + "".join(out["text"])
                continue
            kept.append(out)
        if "outputs" in cell:
            cell.outputs = kept
    return nb


def dumps(nb) -> str:
    import nbformat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        return nbformat.writes(nb) + "\n"


def execute(path: Path, timeout: int) -> str:
    """Return the text of ``path`` executed in a fresh kernel and normalized."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # The kernel inherits os.environ: a leftover MPLBACKEND=Agg (pytest's conftest sets
    # it) would replace ipykernel's inline backend and drop every figure.
    os.environ.pop("MPLBACKEND", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return dumps(normalize(nb))


def refresh(path: Path, timeout: int, check: bool) -> tuple[str, str]:
    """Execute one notebook; return (path, status) with status in fresh/changed/stale/error."""
    try:
        text = execute(path, timeout)
    except Exception as exc:  # report every notebook, not only the first failure
        first = str(exc).strip().splitlines()
        return str(path), "error: " + type(exc).__name__ + (": " + first[-1] if first else "")
    old = path.read_text(encoding="utf-8")
    if text == old:
        return str(path), "unchanged"
    if check:
        return str(path), "stale"
    path.write_text(text, encoding="utf-8")
    return str(path), "rewritten"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="notebooks executed at once")
    args = parser.parse_args(argv)

    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    missing = [p for p in paths if not p.is_file()]
    if missing:
        parser.error("no such notebook: " + ", ".join(map(str, missing)))
    if not paths:
        print("no notebooks found in", NOTEBOOKS)
        return 0

    jobs = [(p.resolve(), args.timeout, args.check) for p in paths]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(refresh, *zip(*jobs)))
    else:
        results = [refresh(*job) for job in jobs]

    bad = 0
    for path, status in results:
        print(f"{status:>10}  {os.path.relpath(path)}" if not status.startswith("error") else f"     ERROR  {os.path.relpath(path)}\n            {status[7:]}")
        bad += status.startswith("error") or status == "stale"
    if args.check and bad:
        print("stale notebooks: run  python tools/refresh_notebooks.py  and commit them")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
