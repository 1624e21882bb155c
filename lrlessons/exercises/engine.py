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
values or the wrong shape gives a failed :class:`CheckResult` that says what is missing.

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
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = [
    "Case", "Mistake", "mistake", "Exercise", "CaseResult", "CheckResult", "Description",
    "check", "describe", "close", "normal", "uniform",
]


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
        ``"stub"``, ``"error"``, ``"bad_output"``; None when passed or not recognised.
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
        if arr.shape != exp.shape:
            return None, "bad_output", f"{name!r} has shape {arr.shape}, but it must have shape {exp.shape}"
        arrays.append(arr)
    return tuple(arrays), "", ""


def _run_case(ex: Exercise, fn: Callable, case: Case) -> _Run:
    run = _Run(case, ex.outputs_of(ex.reference, case))
    given = _copy_args(case.args)
    try:
        out = _quiet(fn, *[given[a] for a in ex.args])
    except NotImplementedError:
        run.kind, run.error = "stub", "raises NotImplementedError"
        return run
    except Exception as exc:  # the student's bug, reported, never raised
        run.kind = "error"
        run.error = _ADDRESS.sub(" at 0x...", f"raised {type(exc).__name__}: {exc}")
        if isinstance(exc, TypeError) and "positional argument" in str(exc):
            run.error += f" (the signature must be {ex.signature})"
        return run
    run.mutated = tuple(
        a for a in ex.array_inputs
        if isinstance(case.args[a], np.ndarray) and not np.array_equal(given[a], case.args[a], equal_nan=True)
    )
    received, kind, error = _normalize(ex, out, run.expected)
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

    # 2. Cases that gave no usable output (an exception, a wrong shape, ...).
    if broken:
        r = broken[0]
        lines.append(f"In case '{r.case.name}': {r.error}.")
        key = "error" if r.kind == "error" else ("bad_output" if r.kind == "bad_output" else "stub")
        arrays_only = all(np.ndim(b.case.args.get("step", 0)) > 0 for b in broken)
        if "step" in ex.args and arrays_only and any(not b.kind for b in runs):
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
    mutated = sorted({a for r in runs for a in r.mutated}, key=list(ex.array_inputs).index)
    if mutated:
        key = key or "mutates_inputs"
        lines.append(f"It modifies its input {', '.join(mutated)} in place (e.g. `{mutated[0]} -= ...` or "
                     f"`{mutated[0]} *= ...`). The caller's arrays must stay unchanged: write "
                     f"`{mutated[0]} = {mutated[0]} - ...` to make a new array.")
    dtype = next((r.dtype_note for r in runs if r.dtype_note), "")
    if dtype:
        key = key or "dtype"
        lines.append(f"In the float32 case {dtype}.")
    return "\n".join(lines), key, eq


def check(ex: Exercise, fn: Callable) -> CheckResult:
    """Run ``fn`` on the cases of ``ex`` and explain what, if anything, is wrong.

    Never raises because of ``fn`` (see the module docstring); ``fn`` is called with
    positional arguments, so its parameter names may differ from :attr:`Exercise.args`.
    """
    if not callable(fn):
        return CheckResult(ex.name, False, f"{ex.name}: expected a function with the signature {ex.signature}. "
                                           f"Got {type(fn).__name__} instead.", (), "bad_output", "")
    runs = [_run_case(ex, fn, case) for case in ex.cases()]
    message, key, eq = _explain(ex, runs)
    cases = tuple(_case_result(r) for r in runs)
    passed = all(c.passed for c in cases)
    if passed:
        key, eq = None, ""
    attempted = not any(r.kind == "stub" for r in runs)        # still the lesson's `raise NotImplementedError`
    return CheckResult(ex.name, passed, message, cases, key, eq, attempted)
