"""Shared timing helpers for the benchmark scripts (numpy and the standard library only).

Rules every script follows (see ``benchmarks/README.md``):

* Time the cases of one comparison **interleaved** (A, B, C, A, B, C, ...) in the same
  process, so a neighbour's burst of load hits every case alike; report the median and p90
  of the repeats, and ratios between cases measured in the same run, never bare times alone.
* Print the machine (:func:`print_header`) first and end with machine-readable lines
  (:func:`result`) that ``run_all.py`` collects into ``RESULTS.md``.
* No assertions: a benchmark measures and prints.

Usage from a script in this folder::

    import _common as bc
    bc.print_header("Adam step cost")
    times = bc.interleaved({"numpy": f, "torch": g}, repeats=7)
    s = bc.stats(times["numpy"])
    bc.result("steps.adam_1e3_s", s.median, unit="s")
"""

from __future__ import annotations

import datetime as _dt
import gc
import importlib.metadata as _md
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "Stats",
    "interleaved",
    "stats",
    "fmt_time",
    "fmt_ratio",
    "machine_info",
    "print_header",
    "bandwidth",
    "markdown_table",
    "result",
    "RESULT_PREFIX",
]

RESULT_PREFIX = "RESULT "


# -- timing ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    """Summary of repeated timings, in seconds per call."""

    median: float
    p90: float
    min: float
    n: int

    def __str__(self) -> str:
        return f"median {fmt_time(self.median)}, p90 {fmt_time(self.p90)} (n={self.n})"


def stats(times: Sequence[float]) -> Stats:
    """Median, 90th percentile and minimum of per-call times (seconds)."""
    t = np.asarray(times, dtype=float)
    return Stats(float(np.median(t)), float(np.percentile(t, 90)), float(t.min()), int(t.size))


def _calibrate(fn: Callable[[], Any], target: float, max_number: int) -> int:
    """How many calls make one timing block last about ``target`` seconds."""
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target / 4 or number >= max_number:
            break
        number *= 4
    per_call = max(dt / number, 1e-9)
    return int(min(max_number, max(1, round(target / per_call))))


def interleaved(
    cases: Mapping[str, Callable[[], Any]],
    repeats: int = 7,
    number: int | Mapping[str, int] | None = None,
    warmup: int = 1,
    target: float = 0.02,
    max_number: int = 100_000,
    setup: Mapping[str, Callable[[], Any]] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, np.ndarray]:
    """Time several cases round-robin; return per-call seconds, ``repeats`` values per case.

    Parameters
    ----------
    cases : mapping name -> zero-argument callable
        The calls to compare.
    repeats : int
        Timing blocks per case (the sample the median and p90 come from).
    number : int, mapping or None
        Calls per block. ``None`` calibrates each case so a block lasts about ``target`` s
        (so microsecond calls are averaged over many calls, and 100 ms calls run once).
    warmup : int
        Untimed calls per case before timing (first-call allocations, caches, imports).
    setup : mapping name -> callable, optional
        Run (untimed) before each block of that case, e.g. to reset state.
    clock : callable
        ``time.perf_counter`` (wall time, what a user waits; the default) or
        ``time.process_time`` (this process's CPU time: excludes the time other processes
        hold the core, so it is steadier on a shared machine; for single-threaded code only).

    The garbage collector is disabled during each block (as ``timeit`` does).
    """
    setup = setup or {}
    for name, fn in cases.items():
        for _ in range(warmup):
            if name in setup:
                setup[name]()
            fn()
    if number is None:
        numbers = {name: _calibrate(fn, target, max_number) for name, fn in cases.items()}
    elif isinstance(number, Mapping):
        numbers = {name: int(number.get(name, 1)) for name in cases}
    else:
        numbers = {name: int(number) for name in cases}
    out: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            if name in setup:
                setup[name]()
            n = numbers[name]
            gc_was = gc.isenabled()
            gc.disable()
            try:
                t0 = clock()
                for _ in range(n):
                    fn()
                dt = clock() - t0
            finally:
                if gc_was:
                    gc.enable()
            out[name].append(dt / n)
    return {name: np.asarray(v) for name, v in out.items()}


# -- formatting ------------------------------------------------------------------------
def fmt_time(seconds: float) -> str:
    """``1.23 µs`` / ``45.6 ms`` / ``2.31 s``: three significant digits, a readable unit."""
    if seconds is None or not np.isfinite(seconds):
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            v = seconds / scale
            return f"{v:.3g} {unit}" if v < 1000 else f"{v:.0f} {unit}"
    return f"{seconds:.3g} s"  # pragma: no cover


def fmt_ratio(x: float) -> str:
    """``3.4×`` (or ``n/a``)."""
    if x is None or not np.isfinite(x):
        return "n/a"
    return f"{x:.3g}×" if x < 1000 else f"{x:,.0f}×"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub markdown table (first column left-aligned, the others right-aligned)."""
    rows = [[str(c) for c in r] for r in rows]
    head = "| " + " | ".join(headers) + " |"
    sep = "|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|"
    body = ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join([head, sep, *body])


# -- machine ---------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(dist: str) -> str | None:
    try:
        return _md.version(dist)
    except _md.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """CPU model, cores, load average, OS, Python, numpy/torch/matplotlib versions, UTC date.

    Versions come from package metadata, so nothing heavy (torch) is imported here.
    """
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    try:
        load = tuple(round(x, 2) for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - not POSIX
        load = None
    return {
        "load_avg": load,
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "numpy": np.__version__,
        "torch": _version("torch"),
        "matplotlib": _version("matplotlib"),
        "ipywidgets": _version("ipywidgets"),
    }


def print_header(title: str) -> dict[str, Any]:
    """Print the script's title and the machine, and emit them as a ``machine`` result."""
    info = machine_info()
    print(f"# {title}")
    print(
        f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['os']}; Python {info['python']} ({info['python_executable']}), "
        f"numpy {info['numpy']}, torch {info['torch'] or 'not installed'}; {info['date']}; "
        f"load average {info['load_avg']} (other processes share these cores)"
    )
    print()
    sys.stdout.flush()
    return info


def bandwidth(n_bytes: int = 200_000_000, repeats: int = 5,
              clock: Callable[[], float] = time.process_time) -> dict[str, float]:
    """Measured memory bandwidth (bytes/s) of a numpy copy and a STREAM-like triad, one core.

    ``copy``: ``np.copyto(b, a)`` moves 2 arrays (read a, write b). ``triad``:
    ``np.multiply(b, s, out=a); np.add(a, c, out=a)`` is counted as its real traffic of two
    passes (read b, write a; read a, read c, write a) = 5 arrays. Arrays are allocated and
    touched once beforehand, so no page faults are timed. Best (minimum) time of ``repeats``,
    by this process's CPU time by default (single-threaded, so it excludes other processes' load).
    """
    n = max(1, n_bytes // 8)
    a = np.ones(n)
    b = np.ones(n)
    c = np.ones(n)
    times = interleaved(
        {
            "copy": lambda: np.copyto(b, a),
            "triad": lambda: (np.multiply(b, 3.0, out=a), np.add(a, c, out=a)),
        },
        repeats=repeats,
        number=1,
        warmup=1,
        clock=clock,
    )
    nbytes = a.nbytes
    return {
        "copy": 2 * nbytes / float(times["copy"].min()),
        "triad": 5 * nbytes / float(times["triad"].min()),
    }


# -- machine-readable output -----------------------------------------------------------
def result(key: str, value: Any, unit: str = "", **extra: Any) -> None:
    """Print one machine-readable line ``RESULT {"key": ..., "value": ..., "unit": ...}``.

    ``run_all.py`` reads these lines to fill the targets table of ``RESULTS.md``. Keys are
    ``<script>.<figure>``, e.g. ``import.lrlessons_s``; times are in seconds (unit ``"s"``).
    """
    if isinstance(value, np.generic):
        value = value.item()
    payload = {"key": key, "value": value, "unit": unit, **extra}
    print(RESULT_PREFIX + json.dumps(payload, sort_keys=False, default=str))
    sys.stdout.flush()


def parse_results(text: str) -> dict[str, dict[str, Any]]:
    """The ``RESULT`` lines of a script's output, by key (later lines win)."""
    out: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        if line.startswith(RESULT_PREFIX):
            try:
                payload = json.loads(line[len(RESULT_PREFIX):])
            except json.JSONDecodeError:
                continue
            if isinstance(payload, dict) and "key" in payload:
                out[payload["key"]] = payload
    return out
