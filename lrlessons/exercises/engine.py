r"""The checking engine: exercise specs, the checker and the results it returns.

An exercise is a specification (:class:`Exercise`): the signature the student implements,
the equation lines of the lesson, a few cases (:class:`Case`), a **reference** that computes
the right outputs with the library itself, and the usual **mistakes** (:class:`Mistake`),
each a small function that computes what a wrong student function would return, with the
diagnosis beside it. The spec modules of this package (``gradient_descent``, ``momentum``,
``adaptive``, ``adam``, ``decay``, ``warmup``) hold one spec per exercise.

:func:`check` runs a student's function on every case, on copies of the inputs, compares
its outputs with the reference, checks that no input array was modified, and, when
something differs, looks for the mistake whose outputs equal the student's on every case
to name it and the equation line it sits on. It never raises because of the student's
function: a stub that raises ``NotImplementedError``, returns ``None``, the wrong number of
values, the wrong shape or complex numbers, raises an exception (even one whose message
cannot be printed) or runs too long gives a failed :class:`CheckResult` that says what is
wrong.

**Time limit.** Each call of the student's function gets ``timeout`` seconds
(:data:`DEFAULT_TIMEOUT`; ``None`` = no limit), so a function that sleeps or loops forever
cannot hang a lesson or the instructors' grader (``instructors/grade.py``); the cases after
one that ran out of time are not run. :func:`run_with_time_limit` does it without a
subprocess, on every platform: the function runs in a daemon thread and the checker waits
for it at most ``timeout`` seconds, then abandons it and stops it where CPython can (an
exception raised inside its loop; a ``time.sleep`` ends in the background first).
(``signal.alarm`` was not used: it works only in the main thread on Unix, and a function
that catches every exception survives it.)

>>> import numpy as np
>>> @mistake("sign", line="step", title="the step goes uphill",
...          hint="Subtract: x - 0.5 * g.")
... def uphill(x, g):
...     return x + 0.5 * g
>>> half_step = Exercise(
...     name="half_step", args=("x", "g"), outputs=("x",),
...     summary="x - g / 2.", lines=(("step", "x_new = x - 0.5 * g"),),
...     output_lines={"x": "step"}, notes="Any shape.",
...     cases=lambda: [Case("d=2", dict(x=np.array([1.0, 2.0]), g=np.array([1.0, -1.0])))],
...     reference=lambda x, g: x - 0.5 * g, mistakes=(uphill,), array_inputs=("x", "g"))
>>> print(check(half_step, lambda x, g: x - 0.5 * g).message)
half_step: all 1 cases pass.
>>> print(check(half_step, lambda x, g: x + g / 2).message)
half_step: 1 of 1 cases fail.
Likely mistake: the step goes uphill.
The line that differs: x_new = x - 0.5 * g
Hint: Subtract: x - 0.5 * g.
In case 'd=2', x:
    expected [0.5, 2.5]
    received [1.5, 1.5]
"""

from __future__ import annotations

import html
import re
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._checks import check_interval

__all__ = [
    "Case", "Mistake", "mistake", "Exercise", "CaseResult", "CheckResult", "Description",
    "check", "describe", "close", "normal", "uniform", "run_with_time_limit", "TimeLimitExceeded",
    "DEFAULT_TIMEOUT",
]

#: Seconds each call of a student's function may take (a correct one takes microseconds).
DEFAULT_TIMEOUT = 5.0


# ---------------------------------------------------------------------------------------
# Time limit
# ---------------------------------------------------------------------------------------
class TimeLimitExceeded(Exception):
    """A call did not finish within its time limit (see :func:`run_with_time_limit`)."""


class _Stop(BaseException):
    """Raised inside an abandoned call to stop it (a BaseException: ``except Exception`` lets it through)."""


def _interrupt(worker: threading.Thread, seconds: float = 10.0) -> None:
    """Raise :class:`_Stop` inside ``worker`` every 0.1 s until it ends (or ``seconds`` pass).

    CPython's ``PyThreadState_SetAsyncExc``: the exception arrives at the worker's next
    bytecode, so a Python loop stops (even one that catches the first), a C call such as
    ``time.sleep(100)`` only when it returns. Elsewhere, nothing: the daemon thread stays.
    """
    try:
        import ctypes

        set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):                  # not CPython
        return

    def reaper():
        deadline = time.monotonic() + seconds
        while worker.is_alive() and time.monotonic() < deadline:
            set_async(ctypes.c_ulong(worker.ident), ctypes.py_object(_Stop))
            worker.join(0.1)

    threading.Thread(target=reaper, name="lrlessons-check-stop", daemon=True).start()


def run_with_time_limit(fn: Callable, *args, timeout: float | None = DEFAULT_TIMEOUT, **kwargs) -> Any:
    """``fn(*args, **kwargs)``, or ``TimeLimitExceeded`` once ``timeout`` seconds have passed.

    ``fn`` runs in a daemon thread; the caller waits at most ``timeout`` seconds (a thread
    with a timeout, no subprocess), so nothing ``fn`` does (sleep, loop, catch every
    exception) can hang a lesson or the grader. When time is up the call is abandoned and
    stopped where CPython allows (``_interrupt``): a Python loop stops within a fraction
    of a second; a long C call (``time.sleep``) finishes in the background first.
    ``timeout=None`` calls ``fn`` directly, in this thread.
    """
    if timeout is None:
        return fn(*args, **kwargs)
    box: dict = {}

    def target():
        try:
            box["value"] = fn(*args, **kwargs)
        except _Stop:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=target, name="lrlessons-check", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        _interrupt(worker)
        raise TimeLimitExceeded(f"did not finish within {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _text(exc: BaseException) -> str:
    """``str(exc)``, or a note when the exception's own ``__str__`` fails."""
    try:
        return str(exc)
    except BaseException:  # noqa: BLE001 - a student's exception class
        return "<its message could not be printed: its __str__ raised>"


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: its name, whether it passed and a one-line note."""

    name: str
    passed: bool
    note: str = ""

    def __str__(self) -> str:
        mark = "ok  " if self.passed else "FAIL"
        return f"[{mark}] {self.name}" + (f": {self.note}" if self.note else "")


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check` returns: ``passed``, a ``message`` and the per-case details.

    Attributes
    ----------
    name : str
        The exercise.
    passed : bool
        True when every case matches the reference and no input was modified.
    message : str
        The explanation: the likely mistake, the equation line it sits on, expected vs
        received numbers for one case and a hint.
    cases : tuple of CaseResult
        One entry per case, in the order run.
    mistake : str or None
        The key of the diagnosed mistake (e.g. ``"eps_inside_sqrt"``), ``"mutates_inputs"``,
        ``"stub"``, ``"error"``, ``"bad_output"``, ``"timeout"``; None when passed or not recognised.
    equation : str
        LaTeX of the equation line that differs (empty when unknown or passed).
    attempted : bool
        False while the function is still the lesson's stub (it raises ``NotImplementedError``):
        the result then prints a neutral "not attempted yet", not a list of failures, so a lesson
        committed with its exercises untouched reads well on GitHub.
    """

    name: str
    passed: bool
    message: str
    cases: tuple = ()
    mistake: str | None = None
    equation: str = ""
    attempted: bool = True

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if not self.attempted:
            return f"{self.name}: not attempted yet ({len(self.cases)} cases waiting).\n{self.message}"
        status = "PASSED" if self.passed else "FAILED"
        n_ok = sum(c.passed for c in self.cases)
        lines = [f"{self.name}: {status} ({n_ok} of {len(self.cases)} cases pass)"]
        lines += ["  " + str(c) for c in self.cases]
        if not self.passed:
            lines += [""] + self.message.splitlines()
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if not self.attempted:
            return (f"<div><p style='color:#555;font-weight:bold'>{html.escape(self.name)}: not attempted yet "
                    f"({len(self.cases)} cases waiting)</p><p>{html.escape(self.message)}</p></div>")
        color = "#1a7f37" if self.passed else "#b42318"
        status = "passed" if self.passed else "not yet"
        n_ok = sum(c.passed for c in self.cases)
        rows = "".join(
            f"<tr><td>{'&#10004;' if c.passed else '&#10008;'}</td><td>{html.escape(c.name)}</td>"
            f"<td>{html.escape(c.note)}</td></tr>"
            for c in self.cases
        )
        eq = f"<p>Line that differs: \\({html.escape(self.equation)}\\)</p>" if self.equation else ""
        msg = "" if self.passed else f"<pre style='white-space:pre-wrap'>{html.escape(self.message)}</pre>"
        return (
            f"<div><p style='color:{color};font-weight:bold'>{html.escape(self.name)}: {status} "
            f"({n_ok} of {len(self.cases)} cases pass)</p>{eq}{msg}"
            f"<table>{rows}</table></div>"
        )


@dataclass(frozen=True)
class Description:
    """What :func:`describe` returns: prints as plain text, renders LaTeX in a notebook."""

    name: str
    signature: str
    text: str
    latex: tuple = ()

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        eqs = "".join(f"<li>\\({html.escape(tex)}\\)</li>" for tex in self.latex)
        return (
            f"<div><pre style='white-space:pre-wrap'>{html.escape(self.text)}</pre>"
            + (f"<ul>{eqs}</ul>" if eqs else "")
            + "</div>"
        )


# ---------------------------------------------------------------------------------------
# Specs
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One set of inputs, by argument name; ``float32`` cases also check the output dtype."""

    name: str
    args: dict
    float32: bool = False


@dataclass(frozen=True)
class Mistake:
    """A known wrong variant: ``compute`` has the exercise's signature and returns what it would.

    ``line`` is the key of the equation line where the mistake sits (see :attr:`Exercise.lines`);
    ``title`` names the mistake (``Likely mistake: {title}.``) and ``hint`` says how to fix it.
    """

    key: str
    title: str
    line: str
    hint: str
    compute: Callable


def mistake(key: str, *, line: str, title: str, hint: str) -> Callable[[Callable], Mistake]:
    """Decorator: the function below computes the mistake ``key``; returns the :class:`Mistake`."""

    def diagnosis(compute: Callable) -> Mistake:
        return Mistake(key, title, line, hint, compute)

    return diagnosis


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to implement, how to check it, which mistakes to recognise.

    Attributes
    ----------
    name : str
        The exercise and the name of the function to write (``"adam_step"``).
    args, outputs : tuple of str
        Positional argument names, in order, and the names of the returned values.
    summary, notes : str
        The first line of :func:`describe` and the conventions printed below the equations.
    lines : tuple of (key, text)
        The equation lines, in order, in plain text.
    output_lines : dict
        Output name -> key of the line to blame when only that output differs.
    cases : callable
        ``() -> list of Case``.
    reference : callable
        The right answer, computed by the library, with the student's signature.
    mistakes : tuple of Mistake
        Tried in order; the first whose outputs equal the student's on every case is named.
    equations : callable or None
        ``() -> {line key: LaTeX}`` from the library's ``opt.equations`` (optimizers only).
    array_inputs : tuple of str
        Inputs that must not be modified in place.
    """

    name: str
    args: tuple
    outputs: tuple
    summary: str
    lines: tuple
    output_lines: dict
    notes: str
    cases: Callable
    reference: Callable
    mistakes: tuple
    equations: Callable | None = None
    array_inputs: tuple = ()

    @property
    def signature(self) -> str:
        out = self.outputs[0] if len(self.outputs) == 1 else "(" + ", ".join(self.outputs) + ")"
        return f"{self.name}({', '.join(self.args)}) -> {out}"

    def outputs_of(self, fn: Callable, case: Case) -> tuple:
        """``fn``'s outputs on a copy of ``case``'s inputs, as a tuple of arrays.

        For the reference and the mistakes (not for a student's function, which
        :func:`check` runs with every safeguard); numpy warnings are silenced, since wrong
        variants divide by zero.
        """
        out = _quiet(fn, **_copy_args(case.args))
        values = (out,) if len(self.outputs) == 1 else out
        return tuple(np.asarray(v) for v in values)

    def latex(self) -> dict:
        """``{line key: LaTeX}`` of the library's equations ({} when the spec has none)."""
        return dict(self.equations()) if self.equations is not None else {}


# -- case builders ----------------------------------------------------------------------
def normal(rng: np.random.Generator, shape, dtype=np.float64) -> np.ndarray:
    """Standard normal values of ``shape``, cast to ``dtype``."""
    return rng.normal(size=shape).astype(dtype)


def uniform(rng: np.random.Generator, shape, lo: float = 0.05, hi: float = 1.0, dtype=np.float64) -> np.ndarray:
    """Uniform values in ``[lo, hi)`` of ``shape``, cast to ``dtype`` (positive accumulators)."""
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def close(a: np.ndarray, b: np.ndarray, float32: bool) -> bool:
    """True when ``a`` equals ``b`` to the checker's tolerance (looser for float32 cases).

    >>> close(np.array([1.0, np.nan]), np.array([1.0 + 1e-9, np.nan]), float32=False)
    True
    >>> close(np.array([1.0]), np.array([1.001]), float32=True)
    False
    """
    if a.shape != b.shape:
        return False
    rtol = 2e-4 if float32 else 1e-6
    scale = float(np.max(np.abs(b))) if b.size and np.all(np.isfinite(b)) else 0.0
    atol = rtol * 1e-3 * scale + (1e-30 if not float32 else 1e-12)
    with np.errstate(all="ignore"):
        return bool(np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True))


def _quiet(fn: Callable, *args, **kwargs):
    """Call ``fn`` with numpy floating-point warnings silenced (wrong variants divide by 0)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _copy_args(args: dict) -> dict:
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in args.items()}


# ---------------------------------------------------------------------------------------
# describe
# ---------------------------------------------------------------------------------------
def describe(ex: Exercise) -> Description:
    """The signature to implement, the equations line by line, and the conventions."""
    body = [ex.signature, ex.summary, ""] + [f"  {text}" for _, text in ex.lines] + ["", ex.notes]
    tex = ex.latex()
    return Description(ex.name, ex.signature, "\n".join(body), tuple(tex[k] for k, _ in ex.lines if k in tex))


# ---------------------------------------------------------------------------------------
# check: run the student's function on every case, then explain
# ---------------------------------------------------------------------------------------
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _fmt(x: Any) -> str:
    a = np.asarray(x)
    if a.ndim == 0:
        return f"{a.item():.6g}" if np.issubdtype(a.dtype, np.number) else repr(a.item())
    flat = a.ravel()
    shown = ", ".join(f"{v:.6g}" for v in flat[:4])
    more = ", ..." if flat.size > 4 else ""
    shape = f" (shape {a.shape})" if a.ndim > 1 or flat.size > 4 else ""
    return f"[{shown}{more}]{shape}"


@dataclass
class _Run:
    """One case run: the reference's outputs and what the student's function gave."""

    case: Case
    expected: tuple
    received: tuple | None = None
    error: str = ""          # why the call gave no usable output
    kind: str = ""           # "stub", "none", "error", "bad_output"
    mutated: tuple = ()
    differs: tuple = ()      # output names that differ from the reference
    dtype_note: str = ""

    @property
    def usable(self) -> bool:
        return self.received is not None


def _normalize(ex: Exercise, out: Any, expected: tuple) -> tuple[tuple | None, str, str]:
    """The student's return value as a tuple of arrays, or (None, kind, why not)."""
    n = len(ex.outputs)
    names = ", ".join(ex.outputs)
    if out is None:
        return None, "none", f"returned None: did you forget `return {names}`?"
    if n == 1:
        if isinstance(out, (tuple, list)) and len(out) == 1 and not np.isscalar(out[0]) and np.ndim(out[0]) == np.ndim(expected[0]):
            out = out[0]
        values = (out,)
    else:
        if not isinstance(out, (tuple, list)):
            return None, "bad_output", f"returned one {type(out).__name__}, but it must return {n} values: ({names})"
        if len(out) != n:
            return None, "bad_output", f"returned {len(out)} values, but it must return {n}: ({names})"
        values = tuple(out)
    arrays = []
    for name, value, exp in zip(ex.outputs, values, expected):
        if value is None:
            return None, "none", f"returned None for {name!r}"
        try:
            arr = np.asarray(value)
        except Exception:
            arr = np.asarray(None)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            return None, "bad_output", f"{name!r} is a {type(value).__name__}, not a number or numeric array"
        if np.iscomplexobj(arr):
            return None, "bad_output", (f"{name!r} is complex ({arr.dtype}): the result must be real "
                                        "(a square root of a negative number, or a complex constant?)")
        if arr.shape != exp.shape:
            return None, "bad_output", f"{name!r} has shape {arr.shape}, but it must have shape {exp.shape}"
        arrays.append(arr)
    return tuple(arrays), "", ""


def _inputs(ex: Exercise, case: Case) -> tuple:
    """The array arguments a student's function must leave unchanged: ``array_inputs`` and any
    other array of the case (a schedule's array of steps), in signature order."""
    extra = [a for a in ex.args if isinstance(case.args.get(a), np.ndarray) and a not in ex.array_inputs]
    return tuple(ex.array_inputs) + tuple(extra)


def _run_case(ex: Exercise, fn: Callable, case: Case, timeout: float | None) -> _Run:
    run = _Run(case, ex.outputs_of(ex.reference, case))
    given = _copy_args(case.args)
    try:
        out = run_with_time_limit(_quiet, fn, *[given[a] for a in ex.args], timeout=timeout)
    except NotImplementedError:
        run.kind, run.error = "stub", "raises NotImplementedError"
        return run
    except TimeLimitExceeded:
        run.kind = "timeout"
        run.error = f"did not finish within {timeout:g} s (an endless loop, or a sleep?)"
        return run
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the student's bug (even SystemExit), reported, never raised
        run.kind = "error"
        run.error = _ADDRESS.sub(" at 0x...", f"raised {type(exc).__name__}: {_text(exc)}")
        if isinstance(exc, TypeError) and "positional argument" in _text(exc):
            run.error += f" (the signature must be {ex.signature})"
        return run
    run.mutated = tuple(
        a for a in _inputs(ex, case)
        if isinstance(case.args[a], np.ndarray) and not np.array_equal(given[a], case.args[a], equal_nan=True)
    )
    try:                                               # (reading the result may run the student's code too)
        received, kind, error = run_with_time_limit(_normalize, ex, out, run.expected, timeout=timeout)
    except TimeLimitExceeded:
        received, kind, error = None, "timeout", f"its result took more than {timeout:g} s to read"
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - an object that fails when read as numbers
        received, kind, error = None, "bad_output", (f"returned a {type(out).__name__} that cannot be read as "
                                                     f"numbers ({type(exc).__name__})")
    if received is None:
        run.kind, run.error = kind, error
        return run
    run.received = received
    run.differs = tuple(n for n, r, e in zip(ex.outputs, received, run.expected) if not close(r, e, case.float32))
    if case.float32 and not run.differs:
        wrong = [n for n, r in zip(ex.outputs, received) if r.dtype != np.float32]
        if wrong:
            run.dtype_note = (f"{', '.join(wrong)} came back as {received[ex.outputs.index(wrong[0])].dtype} for "
                              f"float32 inputs: keep the input dtype (avoid np.float64 constants or dtype=float)")
    return run


def _case_result(run: _Run) -> CaseResult:
    notes = []
    if run.error:
        notes.append(run.error)
    if run.differs:
        notes.append(" and ".join(run.differs) + (" differ" if len(run.differs) > 1 else " differs"))
    if run.dtype_note:
        notes.append(run.dtype_note)
    if run.mutated:
        notes.append("modified " + ", ".join(run.mutated) + " in place")
    passed = run.usable and not run.differs and not run.mutated and not run.dtype_note
    return CaseResult(run.case.name, bool(passed), "; ".join(notes))


def _matches(ex: Exercise, m: Mistake, runs: list[_Run]) -> bool:
    """True when ``m``'s outputs equal the student's on every case with usable output."""
    usable = [r for r in runs if r.usable]
    if not usable or not any(r.differs for r in usable):
        return False
    for r in usable:
        try:
            got = ex.outputs_of(m.compute, r.case)
        except Exception:  # pragma: no cover - a variant that cannot run this case
            return False
        if not all(close(rec, g, r.case.float32) for rec, g in zip(r.received, got)):
            return False
    return True


def _numbers(ex: Exercise, run: _Run, prefer: str | None = None) -> str:
    """Expected vs received for one differing output of one case."""
    names = list(run.differs)
    if prefer in names:
        names.remove(prefer)
        names.insert(0, prefer)
    name = names[0]
    i = ex.outputs.index(name)
    args = ", ".join(f"{k}={_fmt(v)}" for k, v in run.case.args.items() if not isinstance(v, np.ndarray) or v.ndim == 0)
    return (f"In case '{run.case.name}'" + (f" ({args})" if args else "") + f", {name}:\n"
            f"    expected {_fmt(run.expected[i])}\n    received {_fmt(run.received[i])}")


def _explain(ex: Exercise, runs: list[_Run]) -> tuple[str, str | None, str]:
    """The message, the mistake key and the LaTeX of the line that differs."""
    name = ex.name
    failing = [r for r in runs if r.kind or r.differs or r.mutated or r.dtype_note]
    if not failing:
        return f"{name}: all {len(runs)} cases pass.", None, ""
    text = dict(ex.lines)
    guide = f"exercises.describe({name!r}) shows the signature and equations"

    # 1. Not written yet: one friendly sentence.
    if any(r.kind == "stub" for r in runs):
        return (f"{name} is not implemented yet: it raises NotImplementedError. Replace the `raise` "
                f"line with your code ({guide}).", "stub", "")
    broken = [r for r in runs if r.kind]
    if broken and all(r.kind == "none" for r in broken) and len(broken) == len(runs):
        return (f"{name} {broken[0].error} It must return {', '.join(ex.outputs)} "
                f"({ex.signature}).", "stub", "")

    lines = [f"{name}: {len(failing)} of {len(runs)} cases fail."]
    key: str | None = None
    eq = ""
    latex = ex.latex()

    # 2. Cases that gave no usable output (an exception, a wrong shape, too long, ...).
    if broken:
        r = next((b for b in broken if b.kind == "timeout"), broken[0])
        lines.append(f"In case '{r.case.name}': {r.error}.")
        key = r.kind if r.kind in ("error", "bad_output", "timeout", "not_run") else "stub"
        if r.kind == "timeout":
            lines.append("exercises.check stops a function after its time limit (the check's timeout argument); "
                         "the cases after it were not run.")
        arrays_only = all(np.ndim(b.case.args.get("step", 0)) > 0 for b in broken)
        if "step" in ex.args and arrays_only and any(not b.kind for b in runs) and r.kind == "error":
            key = "not_vectorized"
            lines.append("It works for a single step but not for an array of steps: use numpy functions "
                         "(np.floor, np.minimum, np.where, np.cos) instead of math.floor, min(), math.cos "
                         "or an `if` on step.")

    # 3. Wrong numbers: a known mistake, or the earliest equation line that differs.
    wrong = [r for r in runs if r.differs]
    if wrong:
        match = next((m for m in ex.mistakes if _matches(ex, m, runs)), None)
        if match is not None:
            key = match.key
            eq = latex.get(match.line, "")
            lines.append(f"Likely mistake: {match.title}.")
            lines.append(f"The line that differs: {text.get(match.line, match.line)}")
            lines.append(f"Hint: {match.hint}")
            prefer = next((o for o, k in ex.output_lines.items() if k == match.line), None)
            lines.append(_numbers(ex, wrong[0], prefer))
        else:
            outs = [o for o in ex.outputs if any(o in r.differs for r in wrong)]
            order = [k for k, _ in ex.lines]
            line_key = sorted({ex.output_lines[o] for o in outs}, key=order.index)[0]
            eq = latex.get(line_key, "")
            ok_outs = [o for o in ex.outputs if o not in outs]
            lines.append(f"{', '.join(outs)} {'differ' if len(outs) > 1 else 'differs'} from the reference"
                         + (f" ({', '.join(ok_outs)} {'are' if len(ok_outs) > 1 else 'is'} right)" if ok_outs else "")
                         + ". Not one of the usual mistakes; check this line first:")
            lines.append(f"    {text.get(line_key, line_key)}")
            if outs[0] == ex.outputs[0] and len(ex.lines) > 2 and ok_outs:
                lines.append("    (or the lines between the moments and the update: "
                             + "; ".join(t for k, t in ex.lines if k not in ex.output_lines.values()) + ")")
            lines.append(_numbers(ex, wrong[0]))

    # 4. Inputs modified in place, and float32 turned into float64.
    notes, note_key = _input_notes(ex, runs)
    return "\n".join(lines + notes), key or note_key, eq


def _input_notes(ex: Exercise, runs: list[_Run]) -> tuple[list[str], str | None]:
    """Lines about inputs modified in place and float32 turned into float64, and their key."""
    lines, key = [], None
    order = list(dict.fromkeys(a for r in runs for a in _inputs(ex, r.case)))
    mutated = sorted({a for r in runs for a in r.mutated}, key=order.index)
    if mutated:
        key = "mutates_inputs"
        lines.append(f"It modifies its input {', '.join(mutated)} in place (e.g. `{mutated[0]} -= ...` or "
                     f"`{mutated[0]} *= ...`). The caller's arrays must stay unchanged: write "
                     f"`{mutated[0]} = {mutated[0]} - ...` to make a new array.")
    dtype = next((r.dtype_note for r in runs if r.dtype_note), "")
    if dtype:
        key = key or "dtype"
        lines.append(f"In the float32 case {dtype}.")
    return lines, key


def check(ex: Exercise, fn: Callable, timeout: float | None = DEFAULT_TIMEOUT) -> CheckResult:
    """Run ``fn`` on the cases of ``ex`` and explain what, if anything, is wrong.

    Never raises because of ``fn`` (see the module docstring); ``fn`` is called with
    positional arguments, so its parameter names may differ from :attr:`Exercise.args`.
    Each call may take ``timeout`` seconds (``None``: no limit); after a case that ran out
    of time the remaining cases are not run.
    """
    if timeout is not None:
        check_interval("exercises.check", "timeout", timeout, 0, None, "neither")
        timeout = float(timeout)
    if not callable(fn):
        return CheckResult(ex.name, False, f"{ex.name}: expected a function with the signature {ex.signature}. "
                                           f"Got {type(fn).__name__} instead.", (), "bad_output", "")
    runs = []
    for case in ex.cases():
        if runs and runs[-1].kind in ("timeout", "not_run"):
            skipped = _Run(case, ex.outputs_of(ex.reference, case))
            skipped.kind, skipped.error = "not_run", "not run (an earlier case ran out of time)"
            runs.append(skipped)
            continue
        runs.append(_run_case(ex, fn, case, timeout))
    message, key, eq = _explain(ex, runs)
    cases = tuple(_case_result(r) for r in runs)
    passed = all(c.passed for c in cases)
    if passed:
        key, eq = None, ""
    attempted = not any(r.kind == "stub" for r in runs)        # still the lesson's `raise NotImplementedError`
    return CheckResult(ex.name, passed, message, cases, key, eq, attempted)
