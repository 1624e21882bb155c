"""One pytest test per student and exercise: the grading example.

    LRLESSONS_STUDENTS=path/to/submissions pytest -q instructors/test_grade_example.py

Each failing test prints the checker's diagnosis (the likely mistake, the equation line,
expected vs received numbers). ``--junitxml=grades.xml`` turns the run into a gradebook a
spreadsheet can read. Without ``LRLESSONS_STUDENTS`` it grades the two sample students in
``tests/data/students`` (alice passes; bob puts ε inside the square root and floors with
``round``), so two of its four tests fail on purpose.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grade  # noqa: E402  (this folder is not a package)

FOLDER = Path(os.environ.get("LRLESSONS_STUDENTS", Path(__file__).resolve().parent.parent / "tests" / "data" / "students"))
ASSIGNMENT = ("adam_step", "exponential_decay")


@functools.lru_cache(maxsize=None)
def _grades(path: Path) -> dict:
    return grade.grade_submission(path, ASSIGNMENT)


@pytest.mark.parametrize("exercise", ASSIGNMENT)
@pytest.mark.parametrize("path", grade.find_submissions(FOLDER), ids=lambda p: p.stem)
def test_submission(path, exercise):
    result = _grades(path)[exercise]
    if not result.passed:
        pytest.fail(f"{path.name}: {result.message}", pytrace=False)
