"""Cost of one optimizer step by parameter count: lrlessons vs torch.optim vs the memory floor.

For Adam and momentum SGD on 1e3, 1e5, 1e6 and 1e7 parameters (float32, the dtype torch uses;
float64, lrlessons' default, at the small sizes) this times, interleaved in one process:

* ``lrlessons step``  -- ``opt.step(theta, grad, state)``: what a student and the run loop call
  (shapes validated once per call signature, the learning rate and gradient checked every step);
* ``lrlessons update`` -- the textbook ``update`` function alone (``lrlessons.optimizers.adam``'s
  ``update(theta, grad, state, lr, beta1, beta2, eps)``), called with the values ``step``
  passes: the floor for ``step``, i.e. no glue at all;
* ``numpy in-place``  -- a reference (not lrlessons): the same math with ``out=`` ufuncs and
  one scratch buffer, i.e. what numpy can do when transparency is not the goal;
* ``torch single`` / ``torch foreach`` / ``torch fused`` -- ``torch.optim.Adam`` / ``SGD``
  with ``foreach=False``, ``foreach=True`` and ``fused=True``, pinned to one thread
  (``torch.set_num_threads(1)``; two-thread timings swing 10x on a shared machine).
  Skipped with a note when torch is not importable.

and the floor: the minimal memory traffic of the update (Adam: read theta, g, m, v and write
theta, m, v = 7 arrays; momentum: read theta, g, b and write theta, b = 5 arrays) divided by
this machine's measured one-core memory bandwidth (a numpy STREAM-like triad).

Then it profiles where ``opt.step`` spends its time at small sizes (the part that is
Python overhead, not arithmetic) by timing pieces of the step separately.

Run: ``python benchmarks/bench_steps.py`` (any interpreter with numpy; torch columns appear
with an interpreter that has torch, e.g. ``/tmp/fwenv/bin/python``). ``--quick`` for a
smoke run. Prints ratios measured in the same run; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import _common as bc  # noqa: E402
from lrlessons import optimizers  # noqa: E402

try:  # torch is optional: its columns are skipped without it
    import torch

    torch.set_num_threads(1)
    TORCH = torch.__version__
except Exception as exc:  # pragma: no cover - depends on the interpreter
    torch = None
    TORCH = None
    TORCH_WHY = f"{type(exc).__name__}: {exc}"

LR, B1, B2, EPS, MU = 1e-3, 0.9, 0.999, 1e-8, 0.9
TRAFFIC = {"adam": 7, "momentum": 5}  # arrays moved by the minimal update


# -- the implementations ---------------------------------------------------------------
def make_lrlessons(kind: str):
    if kind == "adam":
        return optimizers.adam(lr=LR, beta1=B1, beta2=B2, eps=EPS)
    factory = getattr(optimizers, "momentum", None)
    if factory is None:
        return None
    return factory(lr=LR, momentum=MU)


def textbook_update(kind: str, dtype):
    """``(update, hyperparameters)``: the module's update function and the values ``step`` passes it."""
    module = importlib.import_module(f"lrlessons.optimizers.{kind}")
    cast = (lambda x: x) if np.dtype(dtype) == np.float64 else (lambda x: np.asarray(x, dtype=dtype))
    if kind == "adam":
        return module.update, tuple(cast(x) for x in (LR, B1, B2, EPS))
    return module.update, tuple(cast(x) for x in (LR, MU))


def numpy_inplace(kind: str, theta: np.ndarray, grad: np.ndarray):
    """The update with ``out=`` ufuncs and one scratch buffer (no allocation per step)."""
    theta = theta.copy()
    tmp = np.empty_like(theta)
    if kind == "adam":
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        count = [0]

        def step():
            count[0] += 1
            t = count[0]
            np.multiply(grad, 1 - B1, out=tmp)
            m.__imul__(B1)
            m.__iadd__(tmp)                       # m = b1 m + (1-b1) g
            np.multiply(grad, grad, out=tmp)
            tmp.__imul__(1 - B2)
            v.__imul__(B2)
            v.__iadd__(tmp)                       # v = b2 v + (1-b2) g^2
            bc1, bc2 = 1 - B1**t, 1 - B2**t
            np.sqrt(v, out=tmp)
            tmp.__imul__(1 / np.sqrt(bc2))
            tmp.__iadd__(EPS)                     # sqrt(v_hat) + eps
            np.divide(m, tmp, out=tmp)
            tmp.__imul__(-LR / bc1)               # delta = -lr m_hat / (sqrt(v_hat) + eps)
            theta.__iadd__(tmp)

        return step
    buf = np.zeros_like(theta)

    def step():
        buf.__imul__(MU)
        buf.__iadd__(grad)                        # b = mu b + g
        np.multiply(buf, LR, out=tmp)
        theta.__isub__(tmp)                       # theta -= lr b

    return step


def torch_steps(kind: str, theta: np.ndarray, grad: np.ndarray) -> dict:
    """``{label: step callable}`` for torch's three CPU paths (those that construct)."""
    out = {}
    if torch is None:
        return out
    for label, kw in (("torch single", dict(foreach=False)), ("torch foreach", dict(foreach=True)),
                      ("torch fused", dict(fused=True))):
        p = torch.nn.Parameter(torch.from_numpy(theta.copy()))
        p.grad = torch.from_numpy(grad.copy())
        try:
            if kind == "adam":
                opt = torch.optim.Adam([p], lr=LR, betas=(B1, B2), eps=EPS, **kw)
            else:
                opt = torch.optim.SGD([p], lr=LR, momentum=MU, **kw)
            opt.step()
        except Exception as exc:  # e.g. fused not supported for this dtype/device
            print(f"  note: {label} unavailable for {kind} {theta.dtype}: {exc}")
            continue
        out[label] = opt.step
    return out


def lrlessons_steps(kind: str, theta: np.ndarray, grad: np.ndarray) -> dict:
    opt = make_lrlessons(kind)
    if opt is None:
        return {}
    state = opt.init(theta)
    theta1, state1, _ = opt.step(theta, grad, state)  # a state with count 1, buffers non-zero
    update, hp = textbook_update(kind, theta.dtype)
    return {
        "lrlessons step": lambda: opt.step(theta1, grad, state1),
        "lrlessons update": lambda: update(theta1, grad, state1, *hp),
    }


# -- step cost by size -----------------------------------------------------------------
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
CLOCK = "cpu"


def bench_size(kind: str, n: int, dtype, bandwidth: float, quick: bool) -> dict:
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n).astype(dtype)
    grad = rng.standard_normal(n).astype(dtype)
    cases = {}
    cases.update(lrlessons_steps(kind, theta, grad))
    cases["numpy in-place"] = numpy_inplace(kind, theta, grad)
    cases.update(torch_steps(kind, theta, grad))
    if n >= 10**7:
        repeats = 3 if quick else 5
        target = 0.0
    elif n >= 10**6:
        repeats = 3 if quick else 7
        target = 0.02
    else:
        repeats = 15 if quick else 41
        target = 0.002
    times = bc.interleaved(cases, repeats=repeats, number=1 if target == 0 else None, target=target or 0.02,
                           clock=CLOCKS[CLOCK])
    floor = TRAFFIC[kind] * n * np.dtype(dtype).itemsize / bandwidth
    faults = minor_faults(cases["lrlessons step"]) if "lrlessons step" in cases else float("nan")
    return {"n": n, "dtype": np.dtype(dtype).name, "floor": floor, "faults": faults,
            "stats": {k: bc.stats(v) for k, v in times.items()}}


def minor_faults(fn, calls: int = 5) -> float:
    """Page faults per call (``getrusage`` minor faults): fresh temporaries the OS must map."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return float("nan")
    fn()
    r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0) / calls


def print_size_table(kind: str, rows: list[dict]) -> None:
    labels = []
    for r in rows:
        for k in r["stats"]:
            if k not in labels:
                labels.append(k)
    headers = ["n", "dtype", "floor", *labels, "best torch", "step / best torch", "update / best torch",
               "glue share", "page faults / step"]
    table = []
    for r in rows:
        st = r["stats"]
        cells = [f"{r['n']:.0e}", r["dtype"], bc.fmt_time(r["floor"])]
        for k in labels:
            s = st.get(k)
            cells.append("—" if s is None else f"{bc.fmt_time(s.median)} ({bc.fmt_ratio(s.median / r['floor'])})")
        tk = [k for k in st if k.startswith("torch")]
        if tk:
            best = min(tk, key=lambda k: st[k].median)
            cells.append(best.replace("torch ", ""))
            for mine in ("lrlessons step", "lrlessons update"):
                cells.append(bc.fmt_ratio(st[mine].median / st[best].median) if mine in st else "—")
        else:
            cells += ["—", "—", "—"]
        if "lrlessons step" in st:
            share = 1 - st["lrlessons update"].median / st["lrlessons step"].median
            cells += [f"{100 * share:.0f}%", f"{r['faults']:.0f}"]
        else:
            cells += ["—", "—"]
        table.append(cells)
    print(f"## {kind}: median per step (× the memory-traffic floor)")
    print()
    print("glue share = 1 − update/step (what Optimizer.step adds to the textbook update: checks, "
          "lookups, padding); page faults = minor faults per lrlessons step (fresh temporaries mapped by the OS).")
    print()
    print(bc.markdown_table(headers, table))
    print()


# -- where the time goes at small sizes ------------------------------------------------
def profile_step(kind: str, n: int, dtype, quick: bool) -> None:
    opt = make_lrlessons(kind)
    if opt is None:
        return
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n).astype(dtype)
    grad = rng.standard_normal(n).astype(dtype)
    state = opt.init(theta)
    theta, state, _ = opt.step(theta, grad, state)
    update, hp = textbook_update(kind, dtype)
    ex_theta, ex_state, ex_trace = update(theta, grad, state, *hp)
    trace_type, state_type = type(ex_trace), type(ex_state)
    trace_fields, state_fields = tuple(ex_trace), tuple(ex_state)

    cases = {
        "step (total)": lambda: opt.step(theta, grad, state),
        "step with an explicit lr=": lambda: opt.step(theta, grad, state, lr=LR),
        "update() (math + State + Trace)": lambda: update(theta, grad, state, *hp),
        "Trace namedtuple construction": lambda: trace_type(*trace_fields),
        "State namedtuple construction": lambda: state_type(*state_fields),
        "  grad.sum() (the finite-gradient check's core)": lambda: grad.sum(),
        "  call-signature key (shapes, dtypes, state)": lambda: (
            theta.shape, theta.dtype, grad.shape, grad.dtype,
            tuple([None if b is None else b.shape for b in state[1:]])),
    }
    # CPU time of this process (not wall): other processes' load is not counted; best of repeats
    times = bc.interleaved(cases, repeats=15 if quick else 31, target=0.002, clock=time.process_time)
    med = {k: float(np.min(v)) for k, v in times.items()}
    total = med["step (total)"]
    rows = [[k, bc.fmt_time(t), f"{100 * t / total:.0f}%"] for k, t in med.items()]
    overhead = total - med["update() (math + State + Trace)"]
    rows.append(["= step − update() (all per-step glue)", bc.fmt_time(overhead), f"{100 * overhead / total:.0f}%"])
    print(f"### {kind}, n={n:.0e} {np.dtype(dtype).name}: where opt.step's time goes "
          "(CPU time, best of repeats, % of step)")
    print()
    print(bc.markdown_table(["piece", "time", "% of step"], rows))
    print()
    key = f"steps.profile_{kind}_{n:.0e}_{np.dtype(dtype).name}"
    bc.result(key + "_glue_share", overhead / total, unit="fraction of step")


def cprofile_top(kind: str, n: int, dtype, steps: int = 3000, top: int = 12) -> None:
    """cProfile of a loop of opt.step at size n: top functions by own time (ranks only)."""
    opt = make_lrlessons(kind)
    if opt is None:
        return
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n).astype(dtype)
    grad = rng.standard_normal(n).astype(dtype)
    state = opt.init(theta)

    def loop():
        th, st = theta, state
        for _ in range(steps):
            th, st, _ = opt.step(th, grad, st)

    pr = cProfile.Profile()
    pr.enable()
    loop()
    pr.disable()
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in s.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    print(f"### cProfile, {steps} × {kind}.step at n={n:.0e} {np.dtype(dtype).name} (top {top} by own time;"
          " profiler overhead inflates small calls, read the ranking)")
    print()
    print("```")
    root = str(Path(__file__).resolve().parents[1]) + os.sep
    for ln in lines[start:start + top + 1]:
        print(ln.replace(root, "").replace(sys.prefix, "<py>")[:150])
    print("```")
    print()


# -- main ------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, sizes 1e3 and 1e5 only")
    ap.add_argument("--no-profile", action="store_true", help="skip the small-size profile")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                    help="cpu: this process's CPU time (default; steadier on a shared machine, fair for "
                         "single-threaded numpy vs 1-thread torch); wall: perf_counter")
    args = ap.parse_args(argv)
    global CLOCK
    CLOCK = args.clock
    t_start = time.perf_counter()

    bc.print_header("Optimizer step cost by size: lrlessons vs torch.optim vs the memory floor")
    if TORCH:
        print(f"torch {TORCH}, pinned to {torch.get_num_threads()} thread (torch.set_num_threads(1)).")
    else:
        print(f"note: torch is not importable here ({TORCH_WHY}); torch columns skipped. "
              "Run with an interpreter that has torch for them (see benchmarks/README.md).")
    print(f"clock: {'CPU time of this process (time.process_time; excludes time other processes hold the core)' if CLOCK == 'cpu' else 'wall time (time.perf_counter)'}.")
    if make_lrlessons("momentum") is None:
        print("note: lrlessons.optimizers.momentum does not exist yet; lrlessons momentum columns skipped.")

    bw = bc.bandwidth(n_bytes=100_000_000 if args.quick else 200_000_000, repeats=5 if args.quick else 9)
    bandwidth = max(bw.values())
    print(f"memory bandwidth (one core, numpy): copy {bw['copy'] / 1e9:.1f} GB/s, "
          f"triad {bw['triad'] / 1e9:.1f} GB/s; floor uses {bandwidth / 1e9:.1f} GB/s.")
    print("floor = minimal traffic / bandwidth: Adam 7 arrays (read θ,g,m,v; write θ,m,v), "
          "momentum 5 (read θ,g,b; write θ,b).")
    print("The floor is main-memory bandwidth: at 1e3-1e5 the arrays fit in cache, so times below "
          "1× the floor are possible there; the floor binds at 1e6-1e7.")
    print()
    bc.result("steps.bandwidth_Bps", bandwidth, unit="B/s")
    bc.result("steps.torch", TORCH or "not installed")

    sizes32 = [10**3, 10**5] if args.quick else [10**3, 10**5, 10**6, 10**7]
    sizes64 = [10**3, 10**5]
    all_rows = {}
    for kind in ("adam", "momentum"):
        rows = []
        for n in sizes32:
            rows.append(bench_size(kind, n, np.float32, bandwidth, args.quick))
        for n in sizes64:
            rows.append(bench_size(kind, n, np.float64, bandwidth, args.quick))
        all_rows[kind] = rows
        print_size_table(kind, rows)
        for r in rows:
            for label, s in r["stats"].items():
                key = f"steps.{kind}_{r['dtype']}_{r['n']:.0e}_{label.replace(' ', '_')}_s"
                bc.result(key, s.median, unit="s", p90=s.p90, clock=CLOCK)
            bc.result(f"steps.{kind}_{r['dtype']}_{r['n']:.0e}_floor_s", r["floor"], unit="s")

    # the target: Adam at 1e3-1e5 ahead of torch's fastest CPU path (same dtype, float32)
    if TORCH:
        print("## Adam against torch's fastest CPU path (1 thread)")
        print()
        verdict_rows = []
        ahead_step = ahead_update = True
        for r in all_rows["adam"]:
            st = r["stats"]
            tk = [k for k in st if k.startswith("torch")]
            best = min(tk, key=lambda k: st[k].median)
            rs = st["lrlessons step"].median / st[best].median
            ru = st["lrlessons update"].median / st[best].median
            if r["n"] <= 10**5 and r["dtype"] == "float32":
                ahead_step &= rs < 1
                ahead_update &= ru < 1
            word = lambda x: f"{1 / x:.2g}× faster" if x < 1 else f"{x:.2g}× slower"  # noqa: E731
            verdict_rows.append([f"{r['n']:.0e}", r["dtype"], best.replace("torch ", ""),
                                 bc.fmt_time(st[best].median), word(rs), word(ru)])
        print(bc.markdown_table(["n", "dtype", "fastest torch", "its time", "lrlessons step", "lrlessons update"],
                                verdict_rows))
        print()
        bc.result("steps.adam_step_ahead_small", bool(ahead_step))
        bc.result("steps.adam_update_ahead_small", bool(ahead_update))
        big = [r for r in all_rows["adam"] if r["dtype"] == "float32"][-1]
        st = big["stats"]
        best = min((k for k in st if k.startswith("torch")), key=lambda k: st[k].median)
        bc.result("steps.adam_step_vs_torch_largest", st["lrlessons step"].median / st[best].median,
                  unit="x", n=big["n"])
    else:
        print("Adam vs torch: not measured (no torch).")
        print()

    if not args.no_profile:
        print("## Where lrlessons' time goes at small sizes")
        print()
        for kind in ("adam", "momentum"):
            for n, dt in ((10**3, np.float64), (10**3, np.float32)) if not args.quick else ((10**3, np.float64),):
                profile_step(kind, n, dt, args.quick)
        cprofile_top("adam", 10**3, np.float64, steps=1000 if args.quick else 3000)

    print(f"(bench_steps took {time.perf_counter() - t_start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
