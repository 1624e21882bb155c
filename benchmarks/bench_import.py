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
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

import _common as bc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.2


def timed_import(code: str, python: str = sys.executable) -> float:
    """Seconds ``code`` takes inside a fresh interpreter (timed in that process, after startup)."""
    probe = f"import time; t0 = time.perf_counter(); {code}; print(time.perf_counter() - t0)"
    out = subprocess.run([python, "-c", probe], check=True, cwd=ROOT, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def wall(code: str, python: str = sys.executable) -> float:
    """Wall time of a whole fresh interpreter running ``code`` (seconds), startup included."""
    t0 = time.perf_counter()
    subprocess.run([python, "-c", code], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def importtime_top(module: str, top: int = 12) -> list[tuple[int, int, str]]:
    """``-X importtime`` rows (self µs, cumulative µs, module), largest cumulative first."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
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
    timed_import("import lrlessons")  # warm the file cache and bytecode
    times = {k: [] for k in cases}
    startup = []
    for _ in range(args.runs):
        startup.append(wall("pass"))
        for k, code in cases.items():
            try:
                times[k].append(timed_import(code))
            except subprocess.CalledProcessError:  # e.g. lrlessons.run not written yet
                times[k].append(float("nan"))
    rows = []
    med = {}
    for k, v in times.items():
        v = np.asarray(v)
        if np.isnan(v).all():
            rows.append([k, "not available", "—"])
            continue
        s = bc.stats(v[~np.isnan(v)])
        med[k] = s.median
        rows.append([k, bc.fmt_time(s.median), bc.fmt_time(s.p90)])
    st = bc.stats(startup)
    rows.append(["(bare interpreter start-up, whole process, for scale)", bc.fmt_time(st.median), bc.fmt_time(st.p90)])
    print(f"Each figure: median of {args.runs} fresh processes, the import timed inside the process "
          "(after interpreter start-up), cases interleaved.")
    print()
    print(bc.markdown_table(["case", "median", "p90"], rows))
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
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    fields = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    loaded, n_modules = fields.get("loaded", ""), fields.get("n", "?")
    print(f"heavy modules imported by `import lrlessons`: {loaded or 'none'} "
          f"({n_modules} modules in sys.modules after the import).")
    print()

    bc.result("import.lrlessons_s", med["import lrlessons"], unit="s", p90=None)
    bc.result("import.numpy_s", med["import numpy"], unit="s")
    bc.result("import.ratio_to_numpy", ratio, unit="x")
    bc.result("import.heavy_modules", loaded or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
