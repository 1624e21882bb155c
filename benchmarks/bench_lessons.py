"""Wall time of the lesson notebooks under nbval: each notebook, and the whole suite.

The suite runs once, as the README's test command runs it::

    python -m pytest --nbval-lax --nbval-current-env notebooks/NN_*.ipynb -q -p no:cacheprovider

and each notebook's share is the sum of its cells' setup + call + teardown times
(``--durations=0``; the first cell's setup includes starting the notebook's kernel). With
``--each``, every notebook also runs in its own pytest process (what a student re-running one
lesson waits for, pytest start-up included).

Target: the whole suite < 3 min. With no lesson notebooks yet, says so and exits 0.
Run: ``python benchmarks/bench_lessons.py [--each] [--pattern GLOB]``. Asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as bc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = 180.0
DURATION = re.compile(r"^\s*([0-9.]+)s\s+(setup|call|teardown)\s+(\S+?\.ipynb)")


def pytest_cmd(paths: list[str], durations: bool) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", *paths, "-q",
           "-p", "no:cacheprovider"]
    if durations:
        cmd += ["--durations=0", "--durations-min=0"]
    return cmd


def children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes: pytest and the kernels it ran."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return float("nan")
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def summary_line(out: str) -> str:
    """pytest's last summary line, e.g. ``12 passed in 40.1s``."""
    lines = [ln.strip("= ").strip() for ln in out.splitlines() if re.search(r"\b(passed|failed|error)", ln)]
    return lines[-1] if lines else "no summary (see output)"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pattern", default="notebooks/[0-9][0-9]_*.ipynb", help="glob, relative to the repo")
    ap.add_argument("--each", action="store_true", help="also time each notebook in its own pytest process")
    args = ap.parse_args(argv)

    bc.print_header("Lesson notebooks under nbval")
    notebooks = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(args.pattern))
    if not notebooks:
        print(f"No lesson notebooks match {args.pattern!r} yet: nothing to time.")
        bc.result("lessons.count", 0)
        bc.result("lessons.suite_s", None, unit="s", note="no notebooks yet")
        return 0
    print(f"{len(notebooks)} notebooks: {', '.join(Path(n).name for n in notebooks)}")
    print("command: " + " ".join(pytest_cmd(["<notebooks>"], True)[1:]))
    print()

    t0 = time.perf_counter()
    c0 = children_cpu()
    proc = subprocess.run(pytest_cmd(notebooks, True), cwd=ROOT, capture_output=True, text=True)
    suite = time.perf_counter() - t0
    suite_cpu = children_cpu() - c0
    per_nb: dict[str, float] = defaultdict(float)
    setup: dict[str, float] = defaultdict(float)
    cells: dict[str, int] = defaultdict(int)
    for line in proc.stdout.splitlines():
        m = DURATION.match(line)
        if m:
            per_nb[m.group(3)] += float(m.group(1))
            if m.group(2) == "call":
                cells[m.group(3)] += 1
            elif m.group(2) == "setup":
                setup[m.group(3)] += float(m.group(1))

    each: dict[str, tuple[float, str]] = {}
    if args.each:
        for nb in notebooks:
            t1 = time.perf_counter()
            p = subprocess.run(pytest_cmd([nb], False), cwd=ROOT, capture_output=True, text=True)
            each[nb] = (time.perf_counter() - t1, "ok" if p.returncode == 0 else f"exit {p.returncode}")

    rows = []
    for nb in notebooks:
        row = [Path(nb).name, str(cells.get(nb, "?")), bc.fmt_time(per_nb[nb]) if nb in per_nb else "n/a",
               bc.fmt_time(setup[nb]) if nb in setup else "n/a"]
        if args.each:
            row += [bc.fmt_time(each[nb][0]), each[nb][1]]
        rows.append(row)
    rows.append(["**whole suite (one pytest, wall)**", str(sum(cells.values())), f"**{bc.fmt_time(suite)}**",
                 bc.fmt_time(sum(setup.values()))] + (["", ""] if args.each else []))
    headers = (["notebook", "cells", "time in suite", "of which kernel start (setup)"]
               + (["alone (own pytest)", "status"] if args.each else []))
    print(bc.markdown_table(headers, rows))
    print()
    m = re.search(r" in ([0-9.]+)s", summary_line(proc.stdout))
    if m:
        session = float(m.group(1))
        print(f"pytest's own session time {bc.fmt_time(session)}; start-up, imports and collection before "
              f"it {bc.fmt_time(suite - session)}.")
    print(f"CPU time of pytest and the kernels it ran: {bc.fmt_time(suite_cpu)} (the work itself; on an idle "
          f"machine the wall time approaches it, as the notebooks run one after another).")
    status = "passed" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    print(f"suite: {summary_line(proc.stdout)} — {status}; target < {TARGET:.0f} s: "
          f"{'met' if suite < TARGET else 'NOT met'}.")
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-15:])
        print("last lines of pytest's output:\n" + tail)
    print()
    slowest = sorted(per_nb.items(), key=lambda kv: -kv[1])[:3]
    if slowest:
        print("slowest: " + ", ".join(f"{Path(k).name} {bc.fmt_time(v)}" for k, v in slowest))
        print()
    bc.result("lessons.count", len(notebooks))
    bc.result("lessons.suite_s", suite, unit="s", passed=proc.returncode == 0,
              kernel_start_s=sum(setup.values()), cpu_s=suite_cpu)
    for nb, t in per_nb.items():
        bc.result(f"lessons.{Path(nb).stem}_s", t, unit="s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
