"""Theory: closed forms (frameworks.md §8) and lrlessons' own runs on quadratics match them."""

import numpy as np
import pytest

from lrlessons import optimizers, problems, theory
from lrlessons.training import run


def test_closed_forms_at_kappa_100_match_the_reference_values():
    lam_min, L = 0.01, 1.0                                    # κ = 100 (frameworks.md §8 values)
    assert theory.condition_number(lam_min, L) == 100.0
    assert theory.gd_stability_limit(L) == 2.0
    gd = theory.gradient_descent(lam_min, L)
    assert gd.lr == pytest.approx(2 / 1.01) and gd.momentum == 0.0 and gd.rate == pytest.approx(99 / 101)
    hb = theory.heavy_ball(1.0, 100.0)
    assert (round(hb.lr, 4), round(hb.momentum, 3), round(hb.rate, 3)) == (0.0331, 0.669, 0.818)
    assert hb.rate == pytest.approx(9 / 11)
    ne = theory.nesterov(lam_min, L)
    assert ne.lr == 1.0 and ne.momentum == pytest.approx(9 / 11) and ne.rate == pytest.approx(0.9)
    nt = theory.nesterov(lam_min, L, tuned=True)
    assert nt.lr == pytest.approx(4 / 3.01) and round(nt.rate, 4) == 0.8847


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0, 1e4])
def test_spectral_rate_equals_closed_form_rate(kappa):
    lam_min, L = 1.0 / kappa, 1.0
    for tun, nest in [(theory.gradient_descent(lam_min, L), False), (theory.heavy_ball(lam_min, L), False),
                      (theory.nesterov(lam_min, L), True), (theory.nesterov(lam_min, L, tuned=True), True)]:
        assert theory.rate(tun.lr, tun.momentum, lam_min=lam_min, L=L, nesterov=nest) == pytest.approx(tun.rate, rel=1e-6)


def test_closed_forms_are_optimal_on_a_grid():
    lam_min, L = 0.01, 1.0
    gd = theory.gradient_descent(lam_min, L)
    for lr in gd.lr * np.array([0.9, 0.97, 1.03, 1.1]):
        assert theory.rate(lr, lam_min=lam_min, L=L) > gd.rate
    hb = theory.heavy_ball(lam_min, L)
    for dl in (0.9, 1.0, 1.1):
        for db in (0.95, 1.0, 1.05):
            if (dl, db) != (1.0, 1.0):
                assert theory.rate(hb.lr * dl, hb.momentum * db, lam_min=lam_min, L=L) > hb.rate - 1e-12
    nt = theory.nesterov(lam_min, L, tuned=True)
    best = min(theory.rate(a, b, lam_min=lam_min, L=L, nesterov=True)
               for a in np.linspace(1.2, 1.46, 14) for b in np.linspace(0.75, 0.85, 21))
    assert best == pytest.approx(nt.rate, abs=2e-3)          # frameworks.md: grid optimum .885


def test_gd_diverges_past_the_stability_limit():
    assert theory.rate(2.01, eigenvalues=[0.1, 1.0]) > 1 > theory.rate(1.99, eigenvalues=[0.1, 1.0])
    q = problems.quadratic(condition_number=10.0)
    traj = run(optimizers.sgd(lr=[1.95, 2.05]), q, 300, record_trace=False)
    assert traj.diverged_at[0] == -1 and traj.diverged_at[1] > 0


CASES = [
    ("gradient descent", lambda lam_min, L: theory.gradient_descent(lam_min, L),
     lambda t: optimizers.sgd(lr=t.lr), False),
    ("heavy ball", lambda lam_min, L: theory.heavy_ball(lam_min, L),
     lambda t: optimizers.momentum(lr=t.lr, momentum=t.momentum), False),
    ("nesterov", lambda lam_min, L: theory.nesterov(lam_min, L),
     lambda t: optimizers.momentum(lr=t.lr, momentum=t.momentum, nesterov=True), True),
    ("nesterov tuned", lambda lam_min, L: theory.nesterov(lam_min, L, tuned=True),
     lambda t: optimizers.momentum(lr=t.lr, momentum=t.momentum, nesterov=True), True),
]


@pytest.mark.parametrize("name, tune, make, nest", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("kappa, angle", [(10.0, 0.0), (100.0, 0.4), (1000.0, 1.0)])
def test_measured_rate_of_lrlessons_runs_matches_theory_within_1_percent(name, tune, make, nest, kappa, angle):
    q = problems.quadratic(condition_number=kappa, angle=angle)
    lam_min, L = q.eigenvalues
    t = tune(lam_min, L)
    # GD at α* contracts both modes by exactly the rate from step 1; momentum needs ~√κ steps.
    steps = 300 if name == "gradient descent" else int(min(4000, 40 * np.sqrt(kappa) + 200))
    traj = run(make(t), q, steps, record_trace=False)
    measured = theory.empirical_rate(traj)
    assert measured == pytest.approx(t.rate, rel=0.01), (name, measured, t.rate)


def test_heavy_ball_iteration_is_what_momentum_runs():
    # w_{k+1} = w_k − α∇f(w_k) + β(w_k − w_{k−1}), w_{-1} = w_0 (PyTorch buffer b_1 = g_1)
    q = problems.quadratic(condition_number=30.0, angle=0.2)
    a, b = 0.5, 0.6
    w_prev = w = q.x0.copy()
    expected = [w]
    for _ in range(20):
        w, w_prev = w - a * q.grad(w) + b * (w - w_prev), w
        expected.append(w)
    traj = run(optimizers.momentum(lr=a, momentum=b), q, 20)
    np.testing.assert_allclose(traj.theta, expected, rtol=1e-12, atol=1e-14)


def test_empirical_rate_inputs():
    e = 3.0 * 0.7 ** np.arange(50)
    assert theory.empirical_rate(e) == pytest.approx(0.7, rel=1e-12)
    assert theory.empirical_rate(e, window=(10, 20)) == pytest.approx(0.7, rel=1e-12)
    e_under = np.concatenate([0.5 ** np.arange(10), np.zeros(5)])   # underflowed tail is ignored
    assert theory.empirical_rate(e_under) == pytest.approx(0.5)
    traj = run(optimizers.sgd(lr=1.0), problems.quadratic(), 30)
    assert theory.empirical_rate(traj) == pytest.approx(0.9, rel=1e-9)   # slow mode: 1 − 1·0.1
    with pytest.raises(ValueError, match="minimum"):
        theory.empirical_rate(run(optimizers.sgd(lr=0.1), problems.mlp(hidden=2), 3))
    with pytest.raises(ValueError, match="'window'"):
        theory.empirical_rate(e, window=(5, 5))


@pytest.mark.parametrize("call, words", [
    (lambda: theory.gradient_descent(0.0, 1.0), ["'lam_min'", "(0, inf)"]),
    (lambda: theory.heavy_ball(2.0, 1.0), ["'L'", "[2.0, inf)"]),
    (lambda: theory.gd_stability_limit(-1.0), ["'L'"]),
    (lambda: theory.rate(0.1, 1.0, lam_min=0.1, L=1.0), ["'momentum'", "[0, 1)"]),
    (lambda: theory.rate(0.1), ["eigenvalues"]),
])
def test_bad_input_raises_naming_the_parameter(call, words):
    with pytest.raises(ValueError) as err:
        call()
    for w in words:
        assert w in str(err.value)
