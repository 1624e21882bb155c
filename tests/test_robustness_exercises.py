"""Issue 14, homework checkers: they cannot be hung or fooled by a student's function."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

from lrlessons import exercises

INSTRUCTORS = Path(__file__).resolve().parent.parent / "instructors"


def _grade():
    sys.path.insert(0, str(INSTRUCTORS))
    try:
        import grade
    finally:
        sys.path.remove(str(INSTRUCTORS))
    return grade


def sleepy(theta, grad, lr):
    time.sleep(60)


def stubborn(theta, grad, lr):
    """A loop that swallows every interruption (it gives up after 3 s, so the test leaves no
    thread spinning behind it; the check must return long before)."""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        try:
            sum(range(100))
        except BaseException:                               # noqa: BLE001 - that is the point
            pass


@pytest.mark.parametrize("fn", [sleepy, stubborn], ids=["sleep", "catch-all loop"])
def test_check_has_a_time_limit(fn):
    start = time.monotonic()
    result = exercises.check("gd_step", fn, timeout=0.2)
    assert time.monotonic() - start < 2.0
    assert not result.passed and result.mistake == "timeout"
    assert "did not finish within 0.2 s" in result.message
    assert [c.note for c in result.cases][1:] == ["not run (an earlier case ran out of time)"] * 4


def test_the_time_limit_is_documented_and_checked():
    assert "timeout" in exercises.check.__doc__ and "thread" in exercises.engine.run_with_time_limit.__doc__
    with pytest.raises(ValueError, match=r"The 'timeout' parameter of exercises\.check must be in \(0, inf\)"):
        exercises.check("gd_step", sleepy, timeout=0)
    assert exercises.check("gd_step", lambda theta, grad, lr: theta - lr * grad, timeout=None).passed


def test_the_grader_goes_on_past_a_submission_that_sleeps(tmp_path):
    (tmp_path / "carol.py").write_text("import time\ndef gd_step(theta, grad, lr):\n    time.sleep(60)\n")
    (tmp_path / "dave.py").write_text("import time\ndef gd_step(theta, grad, lr, _=time.sleep(60)):\n"
                                      "    return theta - lr * grad\n")
    (tmp_path / "erin.py").write_text("def gd_step(theta, grad, lr):\n    return theta - lr * grad\n")
    start = time.monotonic()
    grades = _grade().grade_folder(tmp_path, ["gd_step"], timeout=0.2)
    assert time.monotonic() - start < 3.0
    assert grades["carol"]["gd_step"].mistake == "timeout"
    assert "did not finish within 0.2 s" in grades["dave"]["gd_step"].message
    assert grades["erin"]["gd_step"].passed


def test_a_complex_result_is_a_failure_in_every_case():
    result = exercises.check("gd_step", lambda theta, grad, lr: theta - lr * grad + 1j)
    assert not result.passed and result.mistake == "bad_output"
    assert not any(c.passed for c in result.cases)
    assert "'theta' is complex" in result.message


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no message")


def test_an_exception_whose_str_raises_is_reported_not_raised():
    def fn(theta, grad, lr):
        raise Unprintable()
    result = exercises.check("gd_step", fn)
    assert not result.passed and result.mistake == "error"
    assert "raised Unprintable: <its message could not be printed" in result.message
    str(result), result._repr_html_()                        # printing the result works too


def test_system_exit_in_a_student_function_is_a_failure():
    def fn(theta, grad, lr):
        raise SystemExit(1)
    assert exercises.check("gd_step", fn).mistake == "error"


def test_a_schedule_that_modifies_its_array_of_steps_is_told_so():
    def fn(step, learning_rate, decay_steps, decay_rate, staircase):
        p = step / decay_steps
        out = learning_rate * decay_rate ** (np.floor(p) if staircase else p)
        if isinstance(step, np.ndarray):
            step += 1                                        # the bug: in place
        return out
    result = exercises.check("exponential_decay", fn)
    assert not result.passed and result.mistake == "mutates_inputs"
    assert "It modifies its input step in place" in result.message
    assert [c.passed for c in result.cases][-1] is False


def test_a_result_that_cannot_be_read_is_a_failure():
    class Weird(list):
        def __len__(self):
            raise RuntimeError("no length")

        def __iter__(self):
            raise RuntimeError("no items")

    result = exercises.check("adam_step", lambda *a: Weird())
    assert not result.passed and result.mistake == "bad_output"
