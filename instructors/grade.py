"""Grade a folder of student submissions (``.py`` modules or ``.ipynb`` notebooks).

Each submission is read without a Jupyter kernel: only its imports, function and class
definitions and literal assignments (``EPS = 1e-8``) are executed, so training loops, plots
and widgets in a notebook never run. Each requested exercise's function is then looked up
by name (``adam_step``, or the lessons' stub name ``my_adam_step``) and run through
``lrlessons.exercises.check``, the same checker students call in the lessons.

Command line::

    python instructors/grade.py SUBMISSIONS_DIR [EXERCISE ...] [--csv grades.csv] [--timeout 5]

As a library (what ``test_grade_example.py`` and ``tests/test_exercises.py`` use)::

    grades = grade_folder("submissions/", ["adam_step", "exponential_decay"])
    print(report(grades))

Student code is executed in this process: run the grader in a container or a throwaway
account, never with credentials around.

**Time limit** (``--timeout SECONDS``, default 5): executing each cell of a submission and
each call of a student's function get that long (``lrlessons.exercises.engine.run_with_time_limit``:
a thread the grader stops waiting for), so a submission that sleeps or loops forever, even
in a default argument evaluated when its ``def`` runs, is graded as failing ("did not
finish within 5 s") and the grader goes on with the next student.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import sys
from pathlib import Path
from typing import Iterable

from lrlessons import exercises
from lrlessons.exercises import CheckResult
from lrlessons.exercises.engine import DEFAULT_TIMEOUT, TimeLimitExceeded, run_with_time_limit

__all__ = ["find_submissions", "load_submission", "grade_submission", "grade_folder", "report", "main"]

SUFFIXES = (".py", ".ipynb")


def find_submissions(folder: str | Path) -> list[Path]:
    """The ``.py`` and ``.ipynb`` files directly in ``folder``, sorted by name.

    Files starting with ``_`` or ``.`` (``__init__.py``, ``.ipynb_checkpoints``) and
    ``conftest.py`` are skipped.
    """
    folder = Path(folder)
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith(("_", ".")) and p.name != "conftest.py"
    )


def _source(path: Path) -> list[str]:
    """The code of a module, or of a notebook's code cells (IPython magics and ``!`` lines dropped)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return [text]
    cells = []
    for cell in json.loads(text).get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        cells.append("\n".join(lines))
    return cells


_KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _definitions(tree: ast.Module) -> ast.Module:
    """Only imports, definitions and assignments of literals: nothing that trains or plots."""
    body = []
    for node in tree.body:
        if isinstance(node, _KEEP):
            body.append(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            try:
                ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            body.append(node)
    return ast.Module(body=body, type_ignores=[])


def _message(exc: BaseException) -> str:
    try:
        return f"{type(exc).__name__}: {exc}"
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises
        return f"{type(exc).__name__}: <its message could not be printed>"


def load_submission(path: str | Path, definitions_only: bool = True,
                    timeout: float | None = DEFAULT_TIMEOUT) -> tuple[dict, list[str]]:
    """Execute a submission and return ``(namespace, problems)``.

    ``problems`` lists the cells (or the module) that could not be parsed, raised or ran
    longer than ``timeout`` seconds while being executed, as ``"cell 3: SyntaxError: ..."``;
    loading continues past them, so one broken cell does not hide the functions defined in
    the others.
    """
    path = Path(path)
    namespace: dict = {"__name__": f"submission_{path.stem}", "__file__": str(path)}
    problems = []
    for i, src in enumerate(_source(path), start=1):
        where = f"cell {i}" if path.suffix == ".ipynb" else path.name
        try:
            tree = ast.parse(src, filename=str(path))
            if definitions_only:
                tree = _definitions(tree)
            run_with_time_limit(exec, compile(tree, str(path), "exec"), namespace, timeout=timeout)
        except TimeLimitExceeded:
            problems.append(f"{where}: did not finish within {timeout:g} s")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - the student's problem (even SystemExit): record it, keep going
            problems.append(f"{where}: {_message(exc)}")
    return namespace, problems


def _missing_result(exercise: str, names: Iterable[str], path: Path, problems: list[str]) -> CheckResult:
    tried = " or ".join(repr(n) for n in names)
    extra = f" (while loading: {'; '.join(problems)})" if problems else ""
    return CheckResult(exercise, False, f"{exercise}: no function named {tried} in {path.name}{extra}.",
                       (), "missing", "")


def grade_submission(path: str | Path, exercise_names: Iterable[str] = None,
                     function_names: dict | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> dict:
    """``{exercise: CheckResult}`` for one submission.

    ``function_names`` maps an exercise to the function name the assignment asked for;
    by default ``name`` and then ``my_name`` are tried. ``timeout``: seconds per cell and per
    call of a student's function (``None``: no limit).
    """
    path = Path(path)
    names = tuple(exercise_names) if exercise_names is not None else exercises.available()
    namespace, problems = load_submission(path, timeout=timeout)
    results = {}
    for exercise in names:
        wanted = [function_names[exercise]] if function_names and exercise in function_names else [exercise, f"my_{exercise}"]
        fn = next((namespace[n] for n in wanted if callable(namespace.get(n))), None)
        results[exercise] = (_missing_result(exercise, wanted, path, problems) if fn is None
                             else exercises.check(exercise, fn, timeout=timeout))
    return results


def grade_folder(folder: str | Path, exercise_names: Iterable[str] = None,
                 function_names: dict | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> dict:
    """``{student: {exercise: CheckResult}}``, the student being the file name without suffix."""
    return {p.stem: grade_submission(p, exercise_names, function_names, timeout) for p in find_submissions(folder)}


def report(grades: dict) -> str:
    """A plain-text gradebook: one line per student and exercise, then each failure's message."""
    rows, details = [], []
    for student, results in grades.items():
        for exercise, r in results.items():
            n_ok = sum(c.passed for c in r.cases)
            rows.append(f"{student:<16} {exercise:<18} {'PASS' if r.passed else 'FAIL'}  "
                        f"{n_ok}/{len(r.cases)}  {r.mistake or ''}".rstrip())
            if not r.passed:
                details.append(f"--- {student} / {exercise}\n{r.message}")
    return "\n".join(rows + [""] + details).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade student submissions with lrlessons' exercise checkers.")
    parser.add_argument("folder", help="folder holding one .py or .ipynb file per student")
    parser.add_argument("exercises", nargs="*", help=f"exercises to grade (default: all of {exercises.available()})")
    parser.add_argument("--csv", help="also write student,exercise,passed,cases_passed,cases,mistake rows here")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per notebook cell and per call of a student's function (default {DEFAULT_TIMEOUT:g})")
    args = parser.parse_args(argv)
    grades = grade_folder(args.folder, args.exercises or None, timeout=args.timeout)
    sys.stdout.write(report(grades))
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["student", "exercise", "passed", "cases_passed", "cases", "mistake"])
            for student, results in grades.items():
                for exercise, r in results.items():
                    w.writerow([student, exercise, int(r.passed), sum(c.passed for c in r.cases), len(r.cases),
                                r.mistake or ""])
    return 0 if all(r.passed for res in grades.values() for r in res.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
