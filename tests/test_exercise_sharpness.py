"""The power_iteration exercise (lesson 11): the right answer passes, every mistake is named."""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import exercises
from lrlessons.exercises import sharpness as spec


def student(A, iters, seed):
    v = np.random.default_rng(seed).normal(size=A.shape[-1])
    v = v / np.linalg.norm(v)
    for _ in range(iters):
        w = A @ v
        lam = v @ w
        v = w / np.linalg.norm(w)
    return lam


def test_a_correct_power_iteration_passes():
    r = exercises.check("power_iteration", student)
    assert r.passed, r.message
    assert len(r.cases) == 6
    assert exercises.check_power_iteration(student).passed


def test_reference_values():
    A = np.diag([3.0, 1.0])
    assert abs(spec.power_iteration_reference(A, 40, 0) - 3.0) < 1e-12
    assert spec.power_iteration_reference(A, 1, 0) < 3.0                    # one step: below λ_max


@pytest.mark.parametrize("m", spec.POWER_ITERATION.mistakes, ids=lambda m: m.key)
def test_each_mistake_is_diagnosed(m):
    r = exercises.check("power_iteration", m.compute)
    assert not r.passed
    assert r.mistake == m.key


def test_the_stub_is_not_attempted_yet():
    def stub(A, iters, seed):
        raise NotImplementedError

    r = exercises.check("power_iteration", stub)
    assert not r.attempted and "not attempted yet" in str(r)


def test_describe_lists_the_lines():
    text = str(exercises.describe("power_iteration"))
    assert text.startswith("power_iteration(A, iters, seed) -> lam")
    assert "lam = v @ w" in text
    assert "power_iteration" in exercises.available()
