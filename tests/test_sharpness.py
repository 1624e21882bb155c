"""lrlessons.sharpness: Hessian-vector products, power iteration, preconditioned sharpness."""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import optimizers, problems
from lrlessons import sharpness as S


def fd_hessian(grad, theta, eps=1e-4):
    """The full Hessian by central differences of the gradient, column by column (symmetrised)."""
    d = theta.shape[-1]
    H = np.stack([S.hvp(grad, theta, e, eps) for e in np.eye(d)])
    return (H + H.T) / 2


# -- hvp --------------------------------------------------------------------------------------
def test_hvp_is_exact_on_a_quadratic():
    q = problems.quadratic(condition_number=7.0, angle=0.4, L=3.0)
    v = np.array([0.3, -1.2])
    assert np.allclose(S.hvp(q.grad, q.x0, v), q.hessian @ v, rtol=0, atol=1e-10)
    q5 = problems.quadratic(condition_number=50.0, dim=5)
    V = np.random.default_rng(1).normal(size=(4, 5))                   # 4 runs at once
    assert np.allclose(S.hvp(q5.grad, np.ones((4, 5)), V), V @ q5.hessian, rtol=0, atol=1e-10)


def test_hvp_on_the_mlp_agrees_between_two_step_sizes_and_with_logistic_regression_exact_hessian():
    p = problems.mlp(dataset="spirals", hidden=16, noise=0.2)
    v = np.random.default_rng(0).normal(size=p.dim)
    v /= np.linalg.norm(v)
    a, b = S.hvp(p.grad, p.x0, v, 1e-4), S.hvp(p.grad, p.x0, v, 5e-5)
    assert np.linalg.norm(a - b) / np.linalg.norm(a) < 1e-7
    lr = problems.logistic_regression(d=3)
    w = np.array([0.3, -0.2, 0.5])
    s = lr.X @ w
    sig = 1 / (1 + np.exp(-s))
    H = (lr.X.T * (sig * (1 - sig))) @ lr.X / lr.n + lr.l2 * np.eye(3)      # exact Hessian
    u = np.array([1.0, 2.0, -1.0]) / np.sqrt(6)
    assert np.linalg.norm(S.hvp(lr.grad, w, u) - H @ u) < 1e-9


# -- power iteration ------------------------------------------------------------------------------
def test_power_iteration_finds_the_largest_eigenvalue_and_its_vector():
    A = np.diag([3.0, 1.0, 0.5])
    e = S.power_iteration(lambda v: v @ A, (3,), iters=200)
    assert abs(float(e.value) - 3.0) < 1e-12
    assert abs(abs(e.vector[0]) - 1.0) < 1e-12
    assert e.value.shape == ()


def test_power_iteration_shifts_when_a_negative_eigenvalue_dominates():
    A = np.diag([2.0, -9.0, 0.5])
    e = S.power_iteration(lambda v: v @ A, (3,), iters=300)
    assert abs(float(e.value) - 2.0) < 1e-8


def test_power_iteration_batched_equals_separate_runs():
    mats = np.stack([np.diag([4.0, 1.0]), np.diag([-6.0, 2.5]), np.array([[2.0, 1.0], [1.0, 2.0]])])

    def matvec(v):
        return np.einsum("bij,bj->bi", mats, v)

    batched = S.power_iteration(matvec, (3, 2), iters=200).value
    assert np.allclose(batched, [4.0, 2.5, 3.0], atol=1e-8)
    assert batched.shape == (3,)
    for i, A in enumerate(mats):
        alone = S.power_iteration(lambda v, A=A: v @ A, (2,), iters=200).value
        np.testing.assert_allclose(batched[i], alone, rtol=1e-14)


def test_power_iteration_is_reproducible_with_its_seed():
    A = np.random.default_rng(3).normal(size=(6, 6))
    A = A + A.T
    a = S.power_iteration(lambda v: v @ A, (6,), iters=5, seed=4).value
    b = S.power_iteration(lambda v: v @ A, (6,), iters=5, seed=4).value
    c = S.power_iteration(lambda v: v @ A, (6,), iters=5, seed=5).value
    assert a == b and a != c
    assert abs(S.power_iteration(lambda v: v @ A, (6,), iters=2000).value - np.linalg.eigvalsh(A)[-1]) < 1e-8


# -- sharpness ---------------------------------------------------------------------------------
def test_sharpness_matches_the_full_hessian_on_the_mlp():
    p = problems.mlp(dataset="spirals", hidden=8, noise=0.2)
    top = np.linalg.eigvalsh(fd_hessian(p.grad, p.x0))[-1]
    assert abs(float(S.sharpness(p.grad, p.x0, iters=500)) - top) / top < 1e-6


def test_sharpness_of_a_quadratic_is_L_and_preconditioning_divides_by_P():
    q = problems.quadratic(condition_number=10.0, L=2.0)                 # H = diag(0.2, 2)
    assert abs(float(S.sharpness(q.grad, q.x0)) - 2.0) < 1e-9
    # P^{-1} H = diag(0.2 / 0.01, 2 / 4) = diag(20, 0.5)
    assert abs(float(S.sharpness(q.grad, q.x0, precondition=np.array([0.01, 4.0]))) - 20.0) < 1e-7


def test_preconditioned_sharpness_matches_dense_eigenvalues():
    p = problems.mlp(dataset="spirals", hidden=4, noise=0.2)
    H = fd_hessian(p.grad, p.x0)
    P = np.random.default_rng(2).uniform(0.5, 3.0, size=p.dim)
    dense = np.max(np.linalg.eigvals(H / P[:, None]).real)                 # λ_max(P⁻¹H)
    got = float(S.sharpness(p.grad, p.x0, precondition=P, iters=2000))
    assert abs(got - dense) / dense < 1e-6


def test_sharpness_along_a_batched_run():
    p = problems.mlp(dataset="spirals", hidden=4, noise=0.2)
    thetas = np.stack([p.x0, p.x0 * 0.5, p.x0 * 2.0])
    steps, values = S.sharpness_along(p.grad, thetas, every=2, iters=300)
    assert steps.tolist() == [0, 2]
    one = [float(S.sharpness(p.grad, thetas[i], iters=300)) for i in (0, 2)]
    assert np.allclose(values, one, rtol=1e-10)


def test_gd_on_a_quadratic_is_stable_iff_lr_below_the_threshold():
    q = problems.quadratic(condition_number=5.0, L=4.0)
    lam = float(S.sharpness(q.grad, q.x0))
    for factor, grows in ((0.99, False), (1.01, True)):
        lr = factor * S.gd_threshold(lam)
        theta = q.x0.copy()
        for _ in range(2000):
            theta = theta - lr * q.grad(theta)
        assert bool(np.linalg.norm(theta) > 1.0) is grows


def test_adam_preconditioner_reproduces_adams_update():
    p = problems.mlp(dataset="spirals", hidden=4, noise=0.2)
    opt = optimizers.adam(lr=0.01)
    theta, state = p.x0.copy(), opt.init(p.x0)
    for _ in range(3):
        theta, state, _ = opt.step(theta, p.grad(theta), state)
    new, _, _ = opt.step(theta, p.grad(theta), state)
    m = 0.9 * state.m + 0.1 * p.grad(theta)
    v = 0.999 * state.v + 0.001 * p.grad(theta) ** 2
    P = S.adam_preconditioner(v, state.count + 1, 0.9, 0.999, 1e-8)
    assert np.allclose(new, theta - 0.01 * m / P, rtol=0, atol=1e-15)   # θ − η P⁻¹ m


def test_thresholds():
    assert S.gd_threshold(0.5) == 4.0
    assert abs(S.adam_threshold(0.01, 0.9) - 3800.0) < 1e-9
    assert S.adam_threshold(1.0, 0.0) == 2.0                            # β₁ = 0: RMSprop-like, 2/η
    assert np.allclose(S.gd_threshold(np.array([1.0, 2.0])), [2.0, 1.0])


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("call, error, words", [
    (lambda: S.hvp("grad", np.ones(2), np.ones(2)), TypeError, "'grad' argument of hvp"),
    (lambda: S.hvp(lambda t: t, np.ones(2), np.ones(2), eps=0.0), ValueError, "'eps' parameter of hvp"),
    (lambda: S.hvp(lambda t: t, np.array([1.0, np.nan]), np.ones(2)), ValueError, "must be finite"),
    (lambda: S.hvp(lambda t: t, "abc", np.ones(2)), TypeError, "'theta' argument of hvp"),
    (lambda: S.power_iteration(lambda v: v, (2,), iters=0), ValueError, "'iters' parameter"),
    (lambda: S.power_iteration(lambda v: v, (0,)), ValueError, "'shape' argument"),
    (lambda: S.power_iteration(lambda v: v, "x"), TypeError, "'shape' argument"),
    (lambda: S.power_iteration(lambda v: v, (2,), seed=-1), ValueError, "'seed' parameter"),
    (lambda: S.sharpness(lambda t: t, np.ones(2), precondition=np.array([1.0, 0.0])), ValueError,
     "'precondition' parameter of sharpness"),
    (lambda: S.sharpness(lambda t: t, np.ones(2), precondition=np.ones(3)), ValueError, "must broadcast"),
    (lambda: S.sharpness_along(lambda t: t, np.ones(3)), ValueError, "(T + 1, ..., d)"),
    (lambda: S.sharpness_along(lambda t: t, np.ones((3, 2)), every=0), ValueError, "'every' parameter"),
    (lambda: S.adam_preconditioner(np.ones(2), 0), ValueError, "'count' parameter"),
    (lambda: S.adam_preconditioner(-np.ones(2), 1), ValueError, "'v' parameter"),
    (lambda: S.adam_threshold(0.1, beta1=1.0), ValueError, "'beta1' parameter of adam_threshold"),
    (lambda: S.gd_threshold(0.0), ValueError, "'lr' parameter of gd_threshold"),
])
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value)
