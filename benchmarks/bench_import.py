"""``import lrlessons`` in a fresh process, next to ``import numpy`` measured in the same run.

Each figure is the median of several fresh interpreters (``python -c "import X"`` minus
``python -c "pass"``, all interleaved so load hits them alike). Then one
``python -X importtime -c "import lrlessons"`` lists the most expensive modules, and a last
process checks that the core pulls in neither matplotlib nor ipywidgets (nor torch).

Target: ``import lrlessons`` < 0.2 s and "little more than numpy".
Run: ``python benchmarks/bench_import.py [--runs N]``. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

import _common as bc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.2
# Bytecode: a student's Python caches compiled modules (.pyc) after the first import. This
# machine may set PYTHONDONTWRITEBYTECODE=1, which makes every import recompile every module;
# so the "warm" figures (the verdict) run with a bytecode cache in a temporary directory
# (PYTHONPYCACHEPREFIX, nothing written to the repo), filled by one untimed import first.
_CACHE = tempfile.mkdtemp(prefix="lrlessons-bench-pycache-")
ENV_WARM = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV_WARM["PYTHONPYCACHEPREFIX"] = _CACHE
ENV_COLD = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
ENV_COLD.pop("PYTHONPYCACHEPREFIX", None)
ENV = ENV_WARM


def timed_import(code: str, python: str = sys.executable, env=None) -> tuple[float, float]:
    """(wall, CPU) seconds ``code`` takes inside a fresh interpreter (timed there, after start-up)."""
    probe = (f"import time; t0 = time.perf_counter(); c0 = time.process_time(); {code}; "
             "print(time.perf_counter() - t0, time.process_time() - c0)")
    out = subprocess.run([python, "-c", probe], check=True, cwd=ROOT, capture_output=True, text=True,
                         env=env or ENV)
    wall_s, cpu_s = out.stdout.strip().splitlines()[-1].split()
    return float(wall_s), float(cpu_s)


def wall(code: str, python: str = sys.executable) -> float:
    """Wall time of a whole fresh interpreter running ``code`` (seconds), startup included."""
    t0 = time.perf_counter()
    subprocess.run([python, "-c", code], check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - t0


def importtime_top(module: str, top: int = 12) -> list[tuple[int, int, str]]:
    """``-X importtime`` rows (self µs, cumulative µs, module), largest cumulative first."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          cwd=ROOT, capture_output=True, text=True, check=True, env=ENV)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            _, rest = line.split(":", 1)
            self_us, cum_us, name = rest.split("|", 2)
            rows.append((int(self_us), int(cum_us), name.rstrip()))
        except ValueError:
            continue
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="fresh processes per case (default 9)")
    args = ap.parse_args(argv)

    bc.print_header("import lrlessons in a fresh process")
    cases = {
        "import numpy": "import numpy",
        "import lrlessons": "import lrlessons",
        "import lrlessons; touch run, problems": "import lrlessons; lrlessons.run; lrlessons.problems",
    }
    for code in cases.values():  # fill the bytecode cache and the file cache (untimed)
        try:
            timed_import(code)
        except subprocess.CalledProcessError:
            pass
    times = {k: [] for k in cases}
    cpu = {k: [] for k in cases}
    startup = []
    for _ in range(args.runs):
        startup.append(wall("pass"))
        for k, code in cases.items():
            try:
                w, c = timed_import(code)
            except subprocess.CalledProcessError:  # e.g. lrlessons.run not written yet
                w = c = float("nan")
            times[k].append(w)
            cpu[k].append(c)
    rows = []
    med = {}
    med_wall = {}
    for k in cases:
        v, c = np.asarray(times[k]), np.asarray(cpu[k])
        if np.isnan(v).all():
            rows.append([k, "not available", "—", "—"])
            continue
        s, sc = bc.stats(v[~np.isnan(v)]), bc.stats(c[~np.isnan(c)])
        med[k], med_wall[k] = sc.median, s.median
        rows.append([k, bc.fmt_time(sc.median), bc.fmt_time(s.median), bc.fmt_time(s.p90)])
    st = bc.stats(startup)
    rows.append(["(bare interpreter start-up, whole process, for scale)", "—", bc.fmt_time(st.median),
                 bc.fmt_time(st.p90)])
    cold = []
    for _ in range(max(3, args.runs // 3)):
        cold.append(timed_import("import lrlessons", env=ENV_COLD)[1])
    rows.append(["import lrlessons, no bytecode cache (PYTHONDONTWRITEBYTECODE=1, compiles every module)",
                 bc.fmt_time(float(np.median(cold))), "—", "—"])
    print(f"Each figure: median of {args.runs} fresh processes, the import timed inside the process "
          "(after interpreter start-up), cases interleaved, with a warm bytecode cache (.pyc) as a "
          "student has after the first import. CPU time excludes the time other processes hold the "
          "core (steadier on a shared machine); the verdict uses it.")
    print()
    print(bc.markdown_table(["case", "CPU median", "wall median", "wall p90"], rows))
    print()
    ratio = med["import lrlessons"] / med["import numpy"]
    extra = med["import lrlessons"] - med["import numpy"]
    met = med["import lrlessons"] < TARGET
    print(f"import lrlessons = {bc.fmt_ratio(ratio)} import numpy ({bc.fmt_time(extra)} on top of numpy); "
          f"target < {TARGET:g} s: {'met' if met else 'NOT met'}.")
    print()

    rows = importtime_top("lrlessons")
    by_cum = sorted(rows, key=lambda r: -r[1])[:12]
    print("`python -X importtime -c 'import lrlessons'`, largest cumulative first (one run):")
    print()
    print(bc.markdown_table(["module", "cumulative", "self"],
                            [[f"`{n.strip()}`", bc.fmt_time(c * 1e-6), bc.fmt_time(s * 1e-6)] for s, c, n in by_cum]))
    print()
    own = sorted((r for r in rows if r[2].strip().startswith("lrlessons")), key=lambda r: -r[0])
    if own:
        print("lrlessons' own modules by self time: "
              + ", ".join(f"{n.strip()} {bc.fmt_time(s * 1e-6)}" for s, c, n in own[:6]))
        print()

    probe = ("import sys, lrlessons; heavy = ['matplotlib', 'ipywidgets', 'IPython', 'torch', 'scipy', 'pandas']; "
             "print('loaded=' + ','.join(m for m in heavy if m in sys.modules)); print('n=%d' % len(sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env=ENV)
    fields = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    loaded, n_modules = fields.get("loaded", ""), fields.get("n", "?")
    print(f"heavy modules imported by `import lrlessons`: {loaded or 'none'} "
          f"({n_modules} modules in sys.modules after the import).")
    print()

    bc.result("import.lrlessons_s", med["import lrlessons"], unit="s", clock="cpu",
              wall=med_wall["import lrlessons"])
    bc.result("import.numpy_s", med["import numpy"], unit="s")
    bc.result("import.ratio_to_numpy", ratio, unit="x")
    bc.result("import.heavy_modules", loaded or "none")
    bc.result("import.lrlessons_cold_s", float(np.median(cold)), unit="s", clock="cpu")
    shutil.rmtree(_CACHE, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
