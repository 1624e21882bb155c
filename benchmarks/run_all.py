"""Run every ``benchmarks/bench_*.py`` and write ``benchmarks/RESULTS.md``.

Each script runs as its own subprocess (a plain script that prints its figures and ratios,
and ``RESULT {json}`` lines, see ``_common.result``). This collects their output and writes
RESULTS.md: the machine, the date, the interpreters used, the targets marked met / NOT met /
not measured, then every script's output verbatim.

Interpreters: the scripts with torch columns (``bench_steps.py``, ``bench_sweep.py``) run with
``$LRLESSONS_BENCH_PYTHON`` when it is set (e.g. ``/tmp/fwenv/bin/python``, an interpreter
with torch and lrlessons installed), else with this interpreter; the others (notebooks,
widgets, import) always run with this interpreter, the one the lessons use.

Hand-written notes between ``<!-- notes -->`` and ``<!-- /notes -->`` in an existing
RESULTS.md are kept when it is rewritten.

Run: ``python benchmarks/run_all.py [--only steps,import] [--out PATH] [--quick]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import _common as bc  # noqa: E402

EXPECTED = ["bench_steps.py", "bench_sweep.py", "bench_widgets.py", "bench_lessons.py", "bench_import.py"]
TORCH_SCRIPTS = {"bench_steps.py", "bench_sweep.py"}
QUICK_FLAGS = {"bench_steps.py": ["--quick"], "bench_import.py": ["--runs", "3"],
               "bench_widgets.py": ["--repeats", "5"]}
NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"
TIMEOUT = 900


# -- collecting ------------------------------------------------------------------------
def has_module(python: str, module: str) -> bool:
    if python == sys.executable:
        return importlib.util.find_spec(module) is not None
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return subprocess.run([python, "-c", probe], capture_output=True).returncode == 0


def run_script(path: Path, python: str, extra: list[str]) -> dict:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    # this checkout first on the path, so a fresh clone works without installing lrlessons
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    t0 = time.perf_counter()
    c0 = children_cpu()
    try:
        proc = subprocess.run([python, str(path), *extra], cwd=ROOT, capture_output=True, text=True,
                              env=env, timeout=TIMEOUT)
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, code = f"timed out after {TIMEOUT} s", "timeout"
    return {"script": path.name, "python": python, "args": extra, "wall": time.perf_counter() - t0,
            "cpu": children_cpu() - c0, "stdout": out, "stderr": err, "code": code,
            "results": bc.parse_results(out)}


def children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes and their waited-for children."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return float("nan")
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# Scripts that print no RESULT lines: the figure is read from their text. (script, regex with
# one number group, factor to seconds or 1 for a ratio). RESULT lines always take precedence.
FALLBACKS = {
    "sweep.batched_s": ("bench_sweep.py", r"batched sweep\(\):\s+([0-9.]+)\s*s\b", 1.0),
    "sweep.speedup_vs_loop": ("bench_sweep.py", r"ratio loop / batched:\s+([0-9.,]+)\s*x", 1.0),
}


def apply_fallbacks(runs: dict[str, dict]) -> None:
    """Fill missing RESULT keys from the scripts' printed text (see ``FALLBACKS``)."""
    for key, (script, pattern, scale) in FALLBACKS.items():
        r = runs.get(script)
        if r is None or key in r["results"]:
            continue
        m = re.search(pattern, r["stdout"], flags=re.IGNORECASE | re.MULTILINE)
        if m:
            value = float(m.group(1).replace(",", "")) * scale
            r["results"][key] = {"key": key, "value": value, "unit": "s" if scale != 1.0 or key.endswith("_s") else "x",
                                 "source": "parsed from the printed text"}


# -- targets ---------------------------------------------------------------------------
def first(results: dict, *keys):
    """The first of ``keys`` present in ``results`` (a RESULT payload) or None."""
    for k in keys:
        if k in results and results[k].get("value") is not None:
            return results[k]
    return None


def absent(script: str) -> str:
    return f"`{script}` not run (--only)" if (HERE / script).exists() else f"`{script}` missing"


def evaluate(runs: dict[str, dict]) -> list[dict]:
    """One row per target: text, measured figure, status and, when unmet, what would close it."""
    res: dict = {}
    text: dict = {}
    for name, r in runs.items():
        res.update(r["results"])
        text[name] = r["stdout"]

    def time_target(label, keys, limit, missing_script, close_hint, unit_scale=1.0, fmt=bc.fmt_time):
        p = first(res, *keys)
        if p is None:
            why = (absent(missing_script) if missing_script not in runs
                   else f"`{missing_script}` printed no `{keys[0]}`")
            return {"target": label, "measured": "—", "status": "not measured", "note": why}
        v = float(p["value"]) * unit_scale
        ok = v < limit
        hint = close_hint(p) if callable(close_hint) else close_hint
        measured, status = fmt(v), "met" if ok else "NOT met"
        cpu = p.get("cpu_median", p.get("cpu_s"))
        if cpu is not None:
            measured += f" wall (CPU time {fmt(float(cpu) * unit_scale)})"
            if not ok and float(cpu) * unit_scale < limit:
                status = "NOT met in wall time (met in CPU time: the machine was loaded)"
        return {"target": label, "measured": measured, "status": status, "note": "" if ok else hint}

    rows = []
    rows.append(time_target(
        "Optimizer race slider move < 100 ms (median)",
        ["widgets.race_slider_median_s", "widgets.race_median_s"], 0.100, "bench_widgets.py",
        lambda p: ("wall time inflated by other processes: the CPU time meets it; re-run on a quiet machine"
                   if p.get("cpu_median") is not None and p["cpu_median"] < 0.100 else
                   "the moved lane's batched recompute: recompute only the new slider position (one 2-D run) "
                   "and fill the other positions lazily")))
    rows.append(time_target(
        "Equation stepper step < 30 ms (median)",
        ["widgets.stepper_step_median_s", "widgets.stepper_median_s"], 0.030, "bench_widgets.py",
        "update only the changed text/artists; no figure rebuild per click"))
    rows.append(time_target(
        "100×100 grid × 500 steps Adam sweep < 1 s (batched)",
        ["sweep.batched_s", "sweep.batched_median_s"], 1.0, "bench_sweep.py",
        "wall time on a loaded machine (bench_sweep prints no CPU time); see the notes"))
    p = first(res, "sweep.speedup_vs_loop", "sweep.batched_vs_loop_x", "sweep.ratio_loop_to_batched")
    if p is None:
        rows.append({"target": "Batched sweep ≥ 50× faster than a loop of single runs", "measured": "—",
                     "status": "not measured",
                     "note": absent("bench_sweep.py") if "bench_sweep.py" not in runs
                     else "`bench_sweep.py` printed no `sweep.speedup_vs_loop`"})
    else:
        v = float(p["value"])
        rows.append({"target": "Batched sweep ≥ 50× faster than a loop of single runs",
                     "measured": bc.fmt_ratio(v), "status": "met" if v >= 50 else "NOT met",
                     "note": "" if v >= 50 else "remove per-step Python work from the batched loop"})

    step = first(res, "steps.adam_step_ahead_small")
    label = "Adam step at 1e3–1e5 parameters faster than torch.optim's fastest CPU path"
    if step is None:
        torch_note = first(res, "steps.torch")
        why = (absent("bench_steps.py") if "bench_steps.py" not in runs
               else f"torch not importable in {runs['bench_steps.py']['python']}"
               if torch_note and torch_note["value"] == "not installed" else "no figure")
        rows.append({"target": label, "measured": "—", "status": "not measured", "note": why})
    else:
        ratios, verdicts = [], []
        for n in ("1e+03", "1e+05"):
            st = first(res, f"steps.adam_float32_{n}_lrlessons_step_s")
            ap = first(res, f"steps.adam_float32_{n}_lrlessons_update_s")
            tk = [first(res, f"steps.adam_float32_{n}_torch_{k}_s") for k in ("single", "foreach", "fused")]
            tk = [t["value"] for t in tk if t]
            if st and ap and tk:
                size = n.replace("+0", "")
                rs, ra = st["value"] / min(tk), ap["value"] / min(tk)
                ratios.append(f"{size}: {bc.fmt_ratio(rs)} (the bare update {bc.fmt_ratio(ra)})")
                who = [w for w, r in (("step", rs), ("update", ra)) if r < 1]
                verdicts.append(f"{size}: " + (" and ".join(who) + " ahead" if who else "behind"))
        measured = ("lrlessons time / fastest torch, float32 (< 1× = ahead): " + "; ".join(ratios)
                    if ratios else "see bench_steps")
        if step["value"]:
            status, note = "met", ""
        else:
            status = "NOT met" + (f" ({'; '.join(verdicts)})" if verdicts else "")
            note = ("torch's fused kernel makes one pass over the 7 arrays; numpy makes one per operation, "
                    "and the textbook update's fresh temporaries page-fault at ≥ 1e5 — see the notes")
        rows.append({"target": label, "measured": measured, "status": status, "note": note})

    p = first(res, "lessons.suite_s")
    count = first(res, "lessons.count")
    if p is None:
        why = (absent("bench_lessons.py") if "bench_lessons.py" not in runs
               else "no lesson notebooks yet" if count and count["value"] == 0 else "no figure")
        rows.append({"target": "Whole notebook suite < 3 min", "measured": "—", "status": "not measured",
                     "note": why})
    else:
        v = float(p["value"])
        n = count["value"] if count else "?"
        failed = p.get("passed") is False
        cpu = p.get("cpu_s")
        cpu_txt = f", CPU time {bc.fmt_time(float(cpu))}" if cpu is not None else ""
        rows.append({"target": "Whole notebook suite < 3 min",
                     "measured": f"{bc.fmt_time(v)} wall ({n} notebooks{cpu_txt})",
                     "status": ("met" if v < 180 else "NOT met" + (" in wall time (met in CPU time)"
                                                                 if cpu is not None and cpu < 180 else ""))
                     + (" (suite FAILED)" if failed else ""),
                     "note": "" if v < 180 else "run the notebooks in parallel (`pytest -n 2`, pytest-xdist is in "
                             "the test extras); see the notes"})

    p = first(res, "import.lrlessons_s")
    if p is None:
        rows.append({"target": "`import lrlessons` < 0.2 s", "measured": "—", "status": "not measured",
                     "note": absent("bench_import.py")})
    else:
        v = float(p["value"])
        npy = first(res, "import.numpy_s")
        ratio = first(res, "import.ratio_to_numpy")
        measured = bc.fmt_time(v) + (f" (numpy alone {bc.fmt_time(npy['value'])}, "
                                     f"{bc.fmt_ratio(ratio['value'])})" if npy and ratio else "")
        note = ""
        if v >= 0.2:
            note = "lazy-import the heavy parts; see bench_import's breakdown"
            if npy and npy["value"] >= 0.2 * 0.8:
                note = (f"numpy alone takes {bc.fmt_time(npy['value'])} on this (loaded) machine; "
                        f"lrlessons adds {bc.fmt_time(v - npy['value'])} on top")
        rows.append({"target": "`import lrlessons` < 0.2 s", "measured": measured,
                     "status": "met" if v < 0.2 else "NOT met", "note": note})
    return rows


# -- writing ---------------------------------------------------------------------------
def kept_notes(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    i, j = text.find(NOTES_START), text.find(NOTES_END)
    if i < 0 or j < i:
        return ""
    return text[i + len(NOTES_START):j].strip("\n")


def strip_results(text: str) -> str:
    lines = [ln for ln in text.splitlines() if not ln.startswith(bc.RESULT_PREFIX)]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def render(runs: dict, targets: list[dict], info: dict, pythons: dict, missing: list[str], notes: str,
           total: float) -> str:
    out = ["# Benchmark results", ""]
    out.append(f"Written by `python benchmarks/run_all.py` on {info['date']} (total {total:.0f} s). "
               "Ratios are measured in the same run; absolute times drift on a shared machine.")
    out.append("")
    out.append("## Machine")
    out.append("")
    out.append(f"- CPU: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), {info['os']}")
    out.append(f"- load average at start {info['load_avg']}, at end {bc.machine_info()['load_avg']} "
               "(1/5/15 min; other processes shared the cores, which inflates absolute times)")
    out.append(f"- Python {info['python']}, numpy {info['numpy']}, matplotlib {info['matplotlib'] or '—'}, "
               f"ipywidgets {info['ipywidgets'] or '—'}")
    for label, (py, torch_v) in pythons.items():
        out.append(f"- {label}: `{py}` (torch {torch_v or 'not installed: torch columns skipped'})")
    out.append("")
    out.append("## Targets")
    out.append("")
    out.append(bc.markdown_table(["target", "measured", "status", "what would close it / why not measured"],
                                 [[t["target"], t["measured"], f"**{t['status']}**", t["note"]] for t in targets]))
    out.append("")
    if missing:
        out.append("Missing scripts (not run): " + ", ".join(f"`{m}`" for m in missing) + ".")
        out.append("")
    out.append("## Notes")
    out.append("")
    out.append(NOTES_START)
    out.append(notes or "(hand-written notes go here; run_all.py keeps this block)")
    out.append(NOTES_END)
    out.append("")
    for name, r in runs.items():
        cmd = " ".join([Path(r["python"]).name if r["python"] == sys.executable else r["python"],
                        f"benchmarks/{name}", *r["args"]])
        status = "ok" if r["code"] == 0 else f"**exit {r['code']}**"
        out.append(f"## `{name}`")
        out.append("")
        out.append(f"`{cmd}` — {status}, {r['wall']:.0f} s wall, {r['cpu']:.0f} s CPU (the script and its children)")
        out.append("")
        body = strip_results(r["stdout"])
        # the scripts print their own markdown; demote their headings below this section's
        body = re.sub(r"^(#{1,4}) ", lambda m: "#" * min(6, len(m.group(1)) + 2) + " ", body, flags=re.M)
        out.append(body)
        if r["code"] != 0 and r["stderr"].strip():
            out.append("")
            out.append("stderr (last lines):")
            out.append("")
            out.append("```")
            out.append("\n".join(r["stderr"].strip().splitlines()[-20:]))
            out.append("```")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated script stems, e.g. steps,import")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"), help="where to write (default benchmarks/RESULTS.md)")
    ap.add_argument("--quick", action="store_true", help="pass quick flags to the scripts that take them")
    ap.add_argument("--script-args", action="append", default=[], metavar="NAME=ARGS",
                    help="extra arguments for one script, e.g. bench_widgets.py='--repeats 9' (repeatable)")
    args = ap.parse_args(argv)
    script_args = {}
    for item in args.script_args:
        name, _, rest = item.partition("=")
        script_args[name.strip()] = rest.split()

    bench_python = os.environ.get("LRLESSONS_BENCH_PYTHON") or sys.executable
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {f"bench_{s.strip()}.py" for s in args.only.split(",") if s.strip()}
        scripts = [s for s in scripts if s.name in wanted]
    present = {s.name for s in HERE.glob("bench_*.py")}
    missing = [m for m in EXPECTED if m not in present]

    def torch_version(py):
        probe = ("import importlib.metadata as m\ntry: print(m.version('torch'))\n"
                 "except m.PackageNotFoundError: print('')")
        return subprocess.run([py, "-c", probe], capture_output=True, text=True).stdout.strip() or None

    pythons = {"torch-column scripts (bench_steps, bench_sweep)": (bench_python, torch_version(bench_python)),
               "other scripts": (sys.executable, torch_version(sys.executable))}
    src = "$LRLESSONS_BENCH_PYTHON" if os.environ.get("LRLESSONS_BENCH_PYTHON") else "sys.executable"
    print(f"torch-column scripts run with {bench_python} (from {src}; torch "
          f"{pythons['torch-column scripts (bench_steps, bench_sweep)'][1] or 'not installed'}); "
          f"other scripts with {sys.executable}.")
    if missing:
        print("missing (not run): " + ", ".join(missing))
    if bench_python != sys.executable and not has_module(bench_python, "lrlessons"):
        print(f"warning: lrlessons is not importable in {bench_python}; "
              f"install it there: {bench_python} -m pip install -e {ROOT} --no-deps")

    info = bc.machine_info()
    runs = {}
    t0 = time.perf_counter()
    for s in scripts:
        py = bench_python if s.name in TORCH_SCRIPTS else sys.executable
        extra = (QUICK_FLAGS.get(s.name, []) if args.quick else []) + script_args.get(s.name, [])
        print(f"running {s.name} ...", flush=True)
        r = run_script(s, py, extra)
        runs[s.name] = r
        print(f"  {s.name}: {'ok' if r['code'] == 0 else 'exit ' + str(r['code'])} in {r['wall']:.0f} s, "
              f"{len(r['results'])} figures", flush=True)
    total = time.perf_counter() - t0
    apply_fallbacks(runs)
    targets = evaluate(runs)
    out = Path(args.out)
    text = render(runs, targets, info, pythons, missing, kept_notes(out), total)
    out.write_text(text, encoding="utf-8")
    print()
    print(bc.markdown_table(["target", "measured", "status"], [[t["target"], t["measured"], t["status"]] for t in targets]))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
