"""lrlessons.noise_scale: the noise scale, its two-batch estimator, the critical batch fit,
scaling rules and runs with per-run batch sizes (lesson 12)."""

import numpy as np
import pytest

import lrlessons as ll
from lrlessons import noise_scale as ns
from lrlessons import optimizers, problems


@pytest.fixture(scope="module")
def lin():
    return problems.linear_regression(n=256, d=4, noise=1.0, seed=3)


def test_per_example_gradients_average_to_the_full_gradient(lin):
    g = ns.per_example_gradients(lin, lin.x0 + 0.3)
    assert g.shape == (256, 4)
    np.testing.assert_allclose(g.mean(axis=0), lin.grad(lin.x0 + 0.3), rtol=1e-12, atol=1e-12)
    # each row is one example's gradient x_i (x_i·θ − y_i): check against the data directly
    r = lin.X @ (lin.x0 + 0.3) - lin.y
    expected = lin.X * r[:, None]
    assert np.allclose(np.sort(g, axis=0), np.sort(expected, axis=0), rtol=1e-12, atol=1e-12)


def test_noise_scale_by_hand():
    out = ns.noise_scale([[1.0, 2.0], [3.0, 2.0], [2.0, 5.0]])
    # G = (2, 3), |G|² = 13; deviations (−1,−1), (1,−1), (0,2): mean |·|² = (2 + 2 + 4)/3
    assert out.g_sq == pytest.approx(13.0, rel=1e-15)
    assert out.trace == pytest.approx(8 / 3, rel=1e-15)
    assert out.b_simple == pytest.approx(8 / 39, rel=1e-15)
    assert ns.noise_scale([[1.0, -1.0], [-1.0, 1.0]]).b_simple == np.inf


def test_two_batch_estimate_is_exact_on_expectations():
    g_sq, tr = 0.7, 12.0
    for n in (None, 100):
        c = (lambda b: 1.0) if n is None else (lambda b: (n - b) / (n - 1))
        e = lambda b: g_sq + c(b) * tr / b          # E|G_B|²
        est = ns.two_batch_estimate(e(4), e(64), 4, 64, n=n)
        assert est.g_sq == pytest.approx(g_sq, rel=1e-12)
        assert est.trace == pytest.approx(tr, rel=1e-12)
        assert est.b_simple == pytest.approx(tr / g_sq, rel=1e-12)
    # arrays are averaged before the division
    arr = ns.two_batch_estimate([5.0, 7.0], [1.0, 3.0], 1, 4)
    assert arr == ns.two_batch_estimate(6.0, 2.0, 1, 4)


def test_two_batch_estimate_recovers_the_exact_noise_scale_from_minibatches(lin):
    theta = lin.x0 + 0.5
    exact = ns.noise_scale(ns.per_example_gradients(lin, theta))
    small = ns.minibatch_sq_norms(lin, theta, 4, 2048)
    big = ns.minibatch_sq_norms(lin, theta, 64, 2048)
    est = ns.two_batch_estimate(small, big, 4, 64, n=lin.n)
    assert est.trace == pytest.approx(exact.trace, rel=0.1)
    assert est.g_sq == pytest.approx(exact.g_sq, rel=0.1)
    # a big batch of 3/4 of the data: ignoring sampling without replacement (c_B = 1/4 here)
    # puts |G|² off by more than 2 %; the correction brings it within 0.5 %
    big = ns.minibatch_sq_norms(lin, theta, 192, 2048)
    corrected, naive = (ns.two_batch_estimate(small, big, 4, 192, n=n) for n in (lin.n, None))
    assert abs(corrected.g_sq / exact.g_sq - 1) < 0.005 < 0.02 < abs(naive.g_sq / exact.g_sq - 1)
    # the full batch has no noise: |G_n|² = |G|²
    full = ns.minibatch_sq_norms(lin, theta, lin.n, 3)
    np.testing.assert_allclose(full, exact.g_sq, rtol=1e-12)


def test_steps_model_and_fit_round_trip():
    b = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
    s = ns.steps_model(b, 7.0, 40.0)
    assert s[0] == pytest.approx(287.0) and s[-1] == pytest.approx(7.0 * (1 + 40 / 256))
    s_min, b_noise = ns.fit_critical_batch(b, s)
    assert s_min == pytest.approx(7.0, rel=1e-10) and b_noise == pytest.approx(40.0, rel=1e-10)
    # at B = B_noise the model takes twice the minimum
    assert ns.steps_model(40.0, 7.0, 40.0) == pytest.approx(14.0)


def test_scaled_lr_rules():
    np.testing.assert_allclose(ns.scaled_lr(0.01, [8, 32, 128], 8), [0.01, 0.04, 0.16])
    np.testing.assert_allclose(ns.scaled_lr(0.01, [8, 32, 128], 8, "sqrt"), [0.01, 0.02, 0.04])


def test_per_run_batches_equals_separate_runs_bit_for_bit():
    p = problems.mlp(n=64, hidden=4, seed=1)
    sizes = [4, 16, 16, 64]
    lrs = [0.3, 0.1, 0.5, 0.2]
    both = ns.per_run_batches(p, sizes)
    traj = ll.run(optimizers.adam(lr=lrs), both, steps=25)
    for i, (b, lr) in enumerate(zip(sizes, lrs)):
        alone = ll.run(optimizers.adam(lr=lr), problems.mlp(n=64, hidden=4, seed=1, batch_size=b), steps=25)
        assert np.array_equal(traj.theta[:, i], alone.theta)
        assert np.array_equal(traj.loss[:, i], alone.loss)
    assert repr(both) == f"per_run_batches({p!r}, batch_sizes=[4, 16, 16, 64])"


@pytest.mark.parametrize("call, match", [
    (lambda: ns.per_example_gradients(problems.rosenbrock(), [0.0, 0.0]), "must be a data problem"),
    (lambda: ns.per_example_gradients(problems.linear_regression(), [0.0]), r"shape \(2,\)"),
    (lambda: ns.per_example_gradients(problems.linear_regression(), [0.0, np.nan]), "finite"),
    (lambda: ns.noise_scale([[1.0, 2.0]]), "n >= 2"),
    (lambda: ns.minibatch_sq_norms(problems.linear_regression(n=50), [0.0, 0.0], 51, 3), r"\[1, 50\]"),
    (lambda: ns.minibatch_sq_norms(problems.linear_regression(n=50), [0.0, 0.0], 5, 0), "draws"),
    (lambda: ns.two_batch_estimate(1.0, 0.5, 8, 8), "b_big"),
    (lambda: ns.two_batch_estimate(-1.0, 0.5, 1, 8), "sq_small"),
    (lambda: ns.two_batch_estimate(1.0, 0.5, 1, 8, n=4), "'n'"),
    (lambda: ns.fit_critical_batch([4, 4], [10, 12]), "2 distinct"),
    (lambda: ns.fit_critical_batch([1, 2, 4], [40, 20, 10]), "no positive S_min"),
    (lambda: ns.fit_critical_batch([1, 2, 4], [10, 20, 40]), "grow with the batch"),
    (lambda: ns.fit_critical_batch([1, 2], [0, 3]), "steps"),
    (lambda: ns.steps_model(0, 1.0, 1.0), "batch_size"),
    (lambda: ns.scaled_lr(0.1, 8, 4, rule="cubic"), "rule"),
    (lambda: ns.per_run_batches(problems.linear_regression(n=20), [4, 40]), r"\[1, 20\]"),
    (lambda: ns.per_run_batches(problems.linear_regression(n=20), [[4]]), "1-D"),
    (lambda: ns.per_run_batches(problems.linear_regression(n=20), [2.5]), "integer"),
    (lambda: ns.per_run_batches(problems.linear_regression(n=20), [4, 8]).grad(np.zeros(2)), "one row per run"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
