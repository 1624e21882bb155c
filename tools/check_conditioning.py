#!/usr/bin/env python
"""Find checked notebook outputs that would not hold on another machine.

Usage::

    python tools/check_conditioning.py                       # every notebooks/*.ipynb
    python tools/check_conditioning.py notebooks/07_*.ipynb  # some of them
    python tools/check_conditioning.py --eps 1e-12 --jobs 2

A cell tagged ``nbval-check-output`` is compared digit for digit by nbval on every student's
machine (another CPU, BLAS or numpy version), so it may print only well-conditioned numbers.
Such differences between machines are rounding differences of about one unit in the last place.
This tool imitates them: it executes each notebook twice in a fresh kernel, once as it is and
once with every gradient the lessons' problems return multiplied by ``1 + eps`` (and once by
``1 - eps``), then compares the output of every checked cell after the same sanitizing nbval
applies (``tests/nbval_sanitize.cfg``). A checked output that moves under a perturbation of
1e-12 comes from an ill-conditioned (chaotic) computation: print a robust summary instead, or
do not check that cell.

A checked cell that compares lrlessons with numbers stored from a real framework (parity) is
meant to move under this perturbation, since it changes the arithmetic on purpose; its
arithmetic is elementwise IEEE (+, -, *, /, sqrt), which every machine rounds alike. Tag such a
cell ``lrl-exact`` as well: it is run and reported as exempt, never as moved.

Exit status 1 when some checked output moved (each is listed with both texts), 0 otherwise.
"""

from __future__ import annotations

import argparse
import configparser
import difflib
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
CHECK_TAG = "nbval-check-output"
EXACT_TAG = "lrl-exact"

# Runs first in the perturbed kernel: every problem class that defines ``grad`` returns
# g * (1 + eps). Lessons only reach gradients through these classes (and lrlessons.run).
PERTURB = """\
import lrlessons.problems as _lrl_problems
def _lrl_perturb(cls, factor):
    original = cls.grad
    def grad(self, theta, *args, **kwargs):
        return original(self, theta, *args, **kwargs) * factor
    cls.grad = grad
for _lrl_cls in list(vars(_lrl_problems).values()):
    if isinstance(_lrl_cls, type) and "grad" in vars(_lrl_cls):
        _lrl_perturb(_lrl_cls, 1.0 + ({eps!r}))
import lrlessons.width as _lrl_width          # lesson 14's MLP: grad returns one array per layer
_lrl_width_grad = _lrl_width.WidthMLP.grad
def _lrl_width_perturbed(self, *args, **kwargs):
    return [g * (1.0 + ({eps!r})) for g in _lrl_width_grad(self, *args, **kwargs)]
_lrl_width.WidthMLP.grad = _lrl_width_perturbed
"""


def sanitizers() -> list[tuple[re.Pattern, str]]:
    """The regex/replace pairs nbval applies to reference and fresh output alike."""
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def cell_text(cell, rules) -> str:
    """What nbval compares of a cell: stream text and text/plain, sanitized."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        elif "data" in out and "text/plain" in out["data"]:
            parts.append("".join(out["data"]["text/plain"]))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    text = "".join(parts)
    for pattern, replace in rules:
        text = pattern.sub(replace, text)
    return text


def execute(path: Path, eps: float | None, timeout: int):
    """The notebook executed in a fresh kernel (with the perturbation cell first when eps is set)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if eps is not None:
        nb.cells.insert(0, nbformat.v4.new_code_cell(PERTURB.format(eps=eps)))
    os.environ.pop("MPLBACKEND", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],   # (no TCP warning per kernel)
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    if eps is not None:
        nb.cells.pop(0)
    return nb


def check(path: Path, eps: float, timeout: int) -> list[str]:
    """Report lines for every checked cell of ``path`` whose output moves under ±eps."""
    rules = sanitizers()
    runs = {"as is": execute(path, None, timeout)}
    for sign in (+1, -1):
        runs[f"g*(1{'+' if sign > 0 else '-'}{eps:g})"] = execute(path, sign * eps, timeout)
    base = runs.pop("as is")
    report = []
    for i, cell in enumerate(base.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code" or CHECK_TAG not in tags or EXACT_TAG in tags:
            continue
        ref = cell_text(cell, rules)
        for label, nb in runs.items():
            new = cell_text(nb.cells[i], rules)
            if new != ref:
                diff = "\n".join(difflib.unified_diff(ref.splitlines(), new.splitlines(), "as is", label, lineterm="", n=0))
                report.append(f"{path.name} cell {i} (execution {cell.get('execution_count')}) moves with {label}:\n{diff}")
                break
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--eps", type=float, default=1e-12, help="relative perturbation of every gradient (default 1e-12)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="notebooks checked at once")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in (args.notebooks or sorted(NOTEBOOKS.glob("[0-9]*.ipynb")))]
    jobs = [(p, args.eps, args.timeout) for p in paths]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            reports = list(pool.map(check, *zip(*jobs)))
    else:
        reports = [check(*job) for job in jobs]
    moved = 0
    for path, report in zip(paths, reports):
        print(f"{'moved' if report else 'stable':>7}  {os.path.relpath(path)}")
        for line in report:
            print("         " + line.replace("\n", "\n         "))
        moved += len(report)
    print(f"{moved} checked output(s) moved under a relative gradient perturbation of {args.eps:g}")
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
