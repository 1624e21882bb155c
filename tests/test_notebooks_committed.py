"""The committed notebooks are executed, clean and navigable (no kernel is started here).

nbval re-runs every notebook (``pytest`` collects ``notebooks/``); this module checks what
is *stored*, i.e. what GitHub, nbviewer and a student opening the file see:

* executed top to bottom in one fresh kernel: the non-empty code cells carry the execution
  counts 1, 2, ..., n in order (``tools/refresh_notebooks.py`` writes exactly that; a
  notebook saved after running cells by hand, out of order or partly, fails);
* no error output and no traceback on stderr, except in cells tagged ``raises-exception``
  or ``nbval-raises-exception``;
* no widget state (``metadata.widgets``) and no widget views (random model ids);
* every cell that shows a widget carries ``nbval-ignore-output`` (jupyter.md section 1:
  nbval is no widget front end, an Output widget's contents would arrive as extra
  outputs). Heuristic, as no widget views are stored: the source calls something on an
  ipywidgets-like module or object (``widgets.X(``, ``interact(``, ``interactive(``,
  ``interactive_output(``, ``Output(``, ``display(`` of a name containing ``widget``),
  or the stored ``text/plain`` looks like an ipywidgets repr (``VBox(children=...``,
  ``FloatSlider(value=...``). Tagging a cell that shows no widget is harmless.
* lessons (``NN_*.ipynb`` with NN < 90) start with the Binder badge cell and end with the
  prev/next links that ``tools/add_navigation.py`` maintains;
* clean: no leftover jupytext metadata (``metadata.jupytext``), no machine path in any output
  (``/home/``, ``/root/``, ``/usr/``, ``site-packages``, ``C:\\``: an interpreter path or a
  traceback through an installed package says where one machine keeps its files), and in a
  lesson no code line longer than 100 characters (a long line hides the concept; split it);
  no output showing a memory address (``<matplotlib.lines.Line2D at 0x7f...>``: a cell that
  ends in a plotting call prints a value that means nothing and changes on every run).

The checker is tested on small synthetic notebooks (good and bad) first, so it cannot pass
vacuously, then run on the real ones.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSON = re.compile(r"^([0-8]\d)_[A-Za-z0-9_]+\.ipynb$")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RAISES = {"raises-exception", "nbval-raises-exception"}
WIDGET_SOURCE = re.compile(
    r"\bwidgets\.[A-Za-z_]\w*\s*\("  # widgets.FloatSlider(, ll.widgets.optimizer_race(
    r"|\binteract(?:ive|ive_output)?\s*\("  # interact(, interactive(, interactive_output(
    r"|\bOutput\s*\("  # Output(
    r"|\bdisplay\s*\([^)]*widget"  # display(my_widget)
)
WIDGET_REPR = re.compile(
    r"^[A-Z]\w*\((?:children|value|description|layout|options|outputs|min|max|index|style)="
)
MAX_LINE = 100
MACHINE_PATHS = ("/home/", "/root/", "/usr/", "site-packages", "C:\\")
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]{4,}")


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def shows_widget(cell) -> bool:
    """Heuristic (module docstring): does this code cell display a widget?"""
    if WIDGET_SOURCE.search(cell.source):
        return True
    for out in cell.get("outputs", []):
        text = out.get("data", {}).get("text/plain", "")
        if WIDGET_VIEW in out.get("data", {}) or WIDGET_REPR.match(text):
            return True
    return False


def _strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from _strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v)


def output_text(out) -> str:
    """Everything an output shows as text: stream, text-like data, error and traceback (no images)."""
    data = {mime: v for mime, v in out.get("data", {}).items() if not mime.startswith("image/")}
    parts = [out.get("text", ""), out.get("ename", ""), out.get("evalue", ""), out.get("traceback", []), data]
    return "\n".join(_strings(parts))


def lessons(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.ipynb") if LESSON.match(p.name))


def problems(path: Path) -> list[str]:
    """Everything wrong with the stored notebook ``path``; [] when it is fine."""
    nb = nbformat.read(path, as_version=4)
    found = []
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    ran = [(i, c) for i, c in code if c.source.strip()]
    counts = [c.execution_count for _, c in ran]
    if not ran:
        found.append("no code cell")
    unrun = [i for i, c in ran if c.execution_count is None]
    if unrun:
        more = f" and {len(unrun) - 5} more" if len(unrun) > 5 else ""
        found.append(f"cell {', '.join(map(str, unrun[:5]))}{more}: not executed (execution_count is null)")
    if None not in counts and counts != list(range(1, len(ran) + 1)):
        found.append(f"execution counts {counts} are not 1..{len(ran)}: not run top to bottom in a fresh kernel")
    for i, c in code:
        if not c.source.strip() and (c.outputs or c.execution_count is not None):
            found.append(f"cell {i}: empty cell with outputs or a count")
        if tags(c) & RAISES:
            continue
        for out in c.outputs:
            if out.output_type == "error":
                found.append(f"cell {i}: error output {out.get('ename')}: {out.get('evalue')}")
            elif out.output_type == "stream" and out.name == "stderr" and "Traceback" in out.text:
                found.append(f"cell {i}: traceback on stderr")
    if "widgets" in nb.metadata:
        found.append("widget state in metadata.widgets")
    if "jupytext" in nb.metadata:
        found.append("leftover jupytext metadata (metadata.jupytext)")
    for i, c in code:
        shown = "\n".join(output_text(out) for out in c.outputs)
        paths = [p for p in MACHINE_PATHS if p in shown]
        if paths:
            found.append(f"cell {i}: an output shows a machine path ({', '.join(map(repr, paths))})")
        address = MEMORY_ADDRESS.search(shown)
        if address:
            found.append(f"cell {i}: an output shows a memory address ('{address.group(0).strip()}'): "
                         "end the cell with a value that means something, or with ';'")
    for i, c in code:
        if any(WIDGET_VIEW in out.get("data", {}) for out in c.outputs):
            found.append(f"cell {i}: widget view with a random model_id is stored")
        if shows_widget(c) and "nbval-ignore-output" not in tags(c):
            found.append(f"cell {i}: shows a widget but lacks the nbval-ignore-output tag")
        if shows_widget(c) and "nbval-check-output" in tags(c):
            found.append(f"cell {i}: shows a widget but is tagged nbval-check-output")
    if LESSON.match(path.name):
        for i, c in code:
            long = [(n, len(line)) for n, line in enumerate(c.source.splitlines(), 1) if len(line) > MAX_LINE]
            if long:
                more = f" (and {len(long) - 1} more)" if len(long) > 1 else ""
                found.append(f"cell {i}: code line {long[0][0]} has {long[0][1]} characters, more than "
                             f"{MAX_LINE}{more}")
        found += navigation_problems(nb, path.name, lessons(path.parent))
    return found


def navigation_problems(nb, name: str, names: list[str]) -> list[str]:
    found = []
    first, last = nb.cells[0], nb.cells[-1]
    if not (first.cell_type == "markdown" and "navigation-top" in tags(first)):
        found.append("first cell is not the navigation-top cell (run tools/add_navigation.py)")
    elif not re.search(
        r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\(https://mybinder\.org/v2/gh/[^/\s]+/[^/\s]+/HEAD"
        rf"\?urlpath=lab/tree/notebooks/{re.escape(name)}\)",
        first.source,
    ):
        found.append("navigation-top cell lacks the Binder badge opening this notebook")
    if not (last.cell_type == "markdown" and "navigation-bottom" in tags(last)):
        found.append("last cell is not the navigation-bottom cell (run tools/add_navigation.py)")
    else:
        k = names.index(name)
        links = re.findall(r"\]\(([^)\s]+\.ipynb)\)", last.source)
        for neighbour in (names[k - 1] if k else None, names[k + 1] if k + 1 < len(names) else None):
            if neighbour and neighbour not in links:
                found.append(f"navigation-bottom cell lacks a link to {neighbour}")
        for target in links:
            if target not in names:
                found.append(f"navigation-bottom cell links to {target}, which is not a lesson")
    return found


# --- the checker on synthetic notebooks -------------------------------------------------

BADGE = "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/notebooks/{})"


def make(folder: Path, name: str, cells, prev=None, nxt=None, nav=True, **metadata) -> Path:
    """Write a notebook of ``cells``: markdown strings or code ``(source, outputs, tags[, count])``."""
    nb = nbformat.v4.new_notebook(metadata=metadata)
    count = 0
    for cell in cells:
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
            continue
        source, outputs, cell_tags, *explicit = cell  # an explicit count may follow the tags
        count += 1 if source.strip() else 0
        nb.cells.append(
            nbformat.v4.new_code_cell(
                source,
                execution_count=explicit[0] if explicit else count if source.strip() else None,
                outputs=[nbformat.v4.new_output(**o) for o in outputs],
                metadata={"tags": cell_tags} if cell_tags else {},
            )
        )
    if nav:
        links = " | ".join(f"[x]({n})" for n in (prev, nxt) if n)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(BADGE.format(name), metadata={"tags": ["navigation", "navigation-top"]}))
        nb.cells.append(nbformat.v4.new_markdown_cell(links, metadata={"tags": ["navigation", "navigation-bottom"]}))
    path = folder / name
    nbformat.write(nb, path)
    return path


def printed(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


GOOD = [
    "# A lesson",
    ("import numpy as np", [], []),
    ("print(f'{np.pi:.4f}')", [printed("3.1416\n")], ["nbval-check-output"]),
    ("", [], []),  # an empty code cell is never executed: null count is fine
    ("race = ll.widgets.optimizer_race()\nrace", [{"output_type": "execute_result", "execution_count": 3,
                                                   "data": {"text/plain": "VBox(children=(FloatSlider(value=0.1)…"}}],
     ["nbval-ignore-output"]),
]


@pytest.fixture
def good(tmp_path):
    make(tmp_path, "00_a.ipynb", GOOD, nxt="01_b.ipynb")
    make(tmp_path, "01_b.ipynb", GOOD, prev="00_a.ipynb")
    return tmp_path


def test_checker_accepts_good_notebooks(good):
    assert problems(good / "00_a.ipynb") == []
    assert problems(good / "01_b.ipynb") == []


def replace(cells, index, new):
    cells = list(cells)
    cells[index] = new
    return cells


@pytest.mark.parametrize(
    "cells, metadata, expected",
    [
        (replace(GOOD, 2, ("print(1)", [printed("1\n")], [], 7)), {}, "execution counts [1, 7, 3] are not 1..3"),
        (replace(GOOD, 2, ("print(1)", [], [], None)), {}, "cell 3: not executed"),
        (GOOD, {"widgets": {"application/vnd.jupyter.widget-state+json": {}}}, "widget state in metadata.widgets"),
        (replace(GOOD, 2, ("1/0", [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                                      "traceback": []}], [])), {}, "cell 3: error output ZeroDivisionError"),
        (replace(GOOD, 2, ("f()", [{"output_type": "stream", "name": "stderr", "text": "Traceback (most recent call"}],
                           [])), {}, "cell 3: traceback on stderr"),
        (replace(GOOD, 4, (GOOD[4][0], GOOD[4][1], [])), {}, "cell 5: shows a widget but lacks the nbval-ignore-output"),
        (replace(GOOD, 4, ("race", GOOD[4][1], [])), {}, "cell 5: shows a widget but lacks"),
        (replace(GOOD, 4, ("s = widgets.FloatSlider()\ns", [], ["nbval-check-output", "nbval-ignore-output"])), {},
         "cell 5: shows a widget but is tagged nbval-check-output"),
        (replace(GOOD, 4, ("w", [{"output_type": "display_data", "data": {WIDGET_VIEW: {"model_id": "ab"},
                                                                           "text/plain": "w"}}], ["nbval-ignore-output"])),
         {}, "cell 5: widget view with a random model_id is stored"),
        (replace(GOOD, 2, ("x = [" + "1, " * 40 + "1]", [], [])), {}, "cell 3: code line 1 has 127 characters, more than 100"),
        (GOOD, {"jupytext": {"cell_metadata_filter": "tags,-all"}}, "leftover jupytext metadata"),
        (replace(GOOD, 2, ("print(np.__file__)", [printed("/usr/lib/python3/dist-packages/numpy/__init__.py\n")], [])),
         {}, "cell 3: an output shows a machine path ('/usr/')"),
        (replace(GOOD, 2, ("np", [{"output_type": "execute_result", "execution_count": 2,
                                   "data": {"text/plain": "<module 'numpy' from '/opt/v/lib/site-packages/numpy'>"}}], [])),
         {}, "cell 3: an output shows a machine path ('site-packages')"),
        (replace(GOOD, 2, ("where()", [{"output_type": "display_data",
                                        "data": {"text/html": "<code>C:\\Users\\me\\venv</code>"}}], [])),
         {}, "cell 3: an output shows a machine path ('C:\\\\')"),
        (replace(GOOD, 2, ("f()", [{"output_type": "error", "ename": "E", "evalue": "", "traceback": [
            "File /home/me/lrlessons/x.py, line 1"]}], ["raises-exception"])), {},
         "cell 3: an output shows a machine path ('/home/')"),
        (replace(GOOD, 2, ("ax.plot(x)", [{"output_type": "execute_result", "execution_count": 2, "data": {
            "text/plain": "[<matplotlib.lines.Line2D at 0x7f0c0c1ae850>]"}}], [])), {},
         "cell 3: an output shows a memory address ('at 0x7f0c0c1ae850')"),
    ],
    ids=["out-of-order", "not-executed", "widget-state", "error", "stderr-traceback", "untagged-widget",
         "untagged-widget-by-repr", "widget-check-output", "widget-view", "long-line", "jupytext-metadata",
         "path-in-print", "path-in-repr", "windows-path", "path-in-traceback", "memory-address"],
)
def test_checker_rejects_bad_notebooks(tmp_path, cells, metadata, expected):
    path = make(tmp_path, "00_a.ipynb", cells, **metadata)
    found = problems(path)
    assert any(p.startswith(expected) for p in found), found


def test_checker_allows_errors_in_raises_exception_cells(tmp_path):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}
    path = make(tmp_path, "00_a.ipynb", replace(GOOD, 2, ("raise ValueError('bad')", [error], ["raises-exception"])))
    assert problems(path) == []


def test_checker_requires_navigation(tmp_path):
    make(tmp_path, "00_a.ipynb", GOOD, nav=False)
    make(tmp_path, "01_b.ipynb", GOOD, prev="00_a.ipynb", nxt="02_gone.ipynb")
    assert problems(tmp_path / "00_a.ipynb") == [
        "first cell is not the navigation-top cell (run tools/add_navigation.py)",
        "last cell is not the navigation-bottom cell (run tools/add_navigation.py)",
    ]
    assert problems(tmp_path / "01_b.ipynb") == ["navigation-bottom cell links to 02_gone.ipynb, which is not a lesson"]
    make(tmp_path, "02_c.ipynb", GOOD, prev="01_b.ipynb")
    assert problems(tmp_path / "01_b.ipynb") == ["navigation-bottom cell lacks a link to 02_c.ipynb",
                                                 "navigation-bottom cell links to 02_gone.ipynb, which is not a lesson"]


def test_scratch_notebooks_need_no_navigation(tmp_path):
    assert problems(make(tmp_path, "99_scratch.ipynb", GOOD, nav=False)) == []


def test_line_length_is_a_lesson_rule_paths_and_jupytext_are_everywhere(tmp_path):
    long = replace(GOOD, 2, ("x = [" + "1, " * 40 + "1]", [], []))
    assert problems(make(tmp_path, "99_scratch.ipynb", long, nav=False)) == []
    assert problems(make(tmp_path, "00_a.ipynb", replace(long, 1, ("y = 1", [], [])))) != []
    exactly = replace(GOOD, 2, ("x = '" + "a" * (MAX_LINE - 6) + "'", [], []))
    assert problems(make(tmp_path, "00_a.ipynb", exactly)) == []          # 100 characters are fine
    messy = make(tmp_path, "99_messy.ipynb", replace(GOOD, 2, ("p", [printed("/root/x\n")], [])), nav=False,
                 jupytext={"formats": "ipynb,py"})
    assert problems(messy) == ["leftover jupytext metadata (metadata.jupytext)",
                               "cell 2: an output shows a machine path ('/root/')"]


def test_images_are_not_searched_for_paths(tmp_path):
    png = {"output_type": "display_data", "data": {"image/png": "iVBOR/usr/home/site-packages", "text/plain": "<Figure>"}}
    assert problems(make(tmp_path, "00_a.ipynb", replace(GOOD, 2, ("fig", [png], [])))) == []


# --- the tools, on synthetic notebooks ----------------------------------------------------

def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_add_navigation_is_idempotent_and_satisfies_the_checker(tmp_path):
    for name in ("00_start_here.ipynb", "01_b.ipynb", "02_c.ipynb", "99_scratch.ipynb"):
        make(tmp_path, name, GOOD, nav=False)
    navigate = load_tool("add_navigation").navigate
    assert len(navigate(tmp_path, repo="o/r")) == 3  # the three lessons, not the scratch notebook
    for name in ("00_start_here.ipynb", "01_b.ipynb", "02_c.ipynb", "99_scratch.ipynb"):
        assert problems(tmp_path / name) == [], name
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}
    assert navigate(tmp_path, repo="o/r") == []
    assert navigate(tmp_path, repo="o/r", check=True) == []
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")} == before
    assert [p.name for p in navigate(tmp_path, repo="new/place", check=True)] == ["00_start_here.ipynb", "01_b.ipynb", "02_c.ipynb"]
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")} == before  # --check writes nothing
    nb = nbformat.read(tmp_path / "01_b.ipynb", as_version=4)
    assert "urlpath=lab/tree/notebooks/01_b.ipynb" in nb.cells[0].source
    assert nb.cells[-1].source == "← Previous: [A lesson](00_start_here.ipynb) | Next: [A lesson](02_c.ipynb) →"
    assert [c.id for c in nb.cells] == [str(i) for i in range(len(nb.cells))]
    assert len(nbformat.read(tmp_path / "99_scratch.ipynb", as_version=4).cells) == len(GOOD)


def test_refresh_normalize_strips_widget_state_views_and_random_ids():
    normalize = load_tool("refresh_notebooks").normalize
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": 1}})
    view = {"output_type": "execute_result", "execution_count": 1,
            "data": {WIDGET_VIEW: {"model_id": "f00"}, "text/plain": "IntSlider(value=0)"}, "metadata": {}}
    only_view = {"output_type": "display_data", "data": {WIDGET_VIEW: {"model_id": "ba4"}}, "metadata": {}}
    cell = nbformat.v4.new_code_cell("w", execution_count=1, outputs=[nbformat.from_dict(view), nbformat.from_dict(only_view)])
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    out = normalize(nb)
    assert "widgets" not in out.metadata
    assert [c.id for c in out.cells] == ["0", "1"]
    assert out.cells[1].execution_count == 1
    assert [dict(o.data) for o in out.cells[1].outputs] == [{"text/plain": "IntSlider(value=0)"}]
    assert "execution" not in out.cells[1].metadata


# --- the real notebooks ---------------------------------------------------------------------

REAL = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks_to_check():
    assert REAL, f"no notebook in {NOTEBOOKS}"


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_committed_notebook(path):
    found = problems(path)
    assert not found, f"{path.name} (refresh with: python tools/refresh_notebooks.py {path.relative_to(ROOT)}):\n  " + "\n  ".join(found)


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_committed_notebook_is_valid_json_written_by_the_tool(path):
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    nbformat.validate(nbformat.from_dict(nb))
    assert [c.get("id") for c in nb["cells"]] == [str(i) for i in range(len(nb["cells"]))], (
        f"{path.name}: cell ids are not positional: run python tools/refresh_notebooks.py"
    )
