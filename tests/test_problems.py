"""Problems: analytic gradients vs finite differences, batching, minima, minibatches, validation."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrlessons import problems

SURFACES = [
    problems.quadratic(),
    problems.quadratic(condition_number=50.0, angle=0.7, L=3.0),
    problems.quadratic(condition_number=20.0, dim=5),
    problems.rosenbrock(),
    problems.rosenbrock(a=0.5, b=10.0),
    problems.beale(),
    problems.himmelblau(),
    problems.saddle(),
    problems.ravine(),
]
DATA = [
    problems.linear_regression(d=3, batch_size=16),
    problems.logistic_regression(d=3, batch_size=25),
    problems.mlp(hidden=4, batch_size=32),
    problems.mlp(hidden=3, dataset="spirals"),
]
ALL = SURFACES + DATA


def central_difference(p, theta, step=None, h=1e-6):
    eye = np.eye(p.dim)
    return np.stack([(p.loss(theta + h * e, step=step) - p.loss(theta - h * e, step=step)) / (2 * h) for e in eye], -1)


coords = st.floats(-1.0, 1.0, allow_nan=False)


@pytest.mark.parametrize("p", ALL, ids=repr)
@settings(max_examples=20, deadline=None, derandomize=True)
@given(u=st.lists(coords, min_size=40, max_size=40), step=st.integers(0, 50))
def test_gradient_matches_central_differences(p, u, step):
    u = np.array(u[: p.dim] + [0.3] * max(0, p.dim - 40))
    if p.bounds is not None and p.dim == 2:
        (x0, x1), (y0, y1) = p.bounds
        theta = np.array([x0 + (u[0] + 1) / 2 * (x1 - x0), y0 + (u[1] + 1) / 2 * (y1 - y0)])
    else:
        theta = 2 * u
    fd = central_difference(p, theta, step)
    g = p.grad(theta, step=step)
    scale = max(1.0, float(np.abs(fd).max()))
    np.testing.assert_allclose(g, fd, rtol=0, atol=1e-5 * scale)


@pytest.mark.parametrize("p", DATA[2:], ids=repr)
def test_mlp_backward_pass_by_finite_differences_every_parameter(p):
    rng = np.random.default_rng(3)
    theta = rng.normal(size=p.dim)
    for step in (None, 0, 7):
        fd = central_difference(p, theta, step, h=1e-6)
        np.testing.assert_allclose(p.grad(theta, step=step), fd, rtol=1e-6, atol=1e-9)
    W1, b1, w2, b2 = p.unpack(theta)
    assert W1.shape == (2, p.hidden) and b1.shape == w2.shape == (p.hidden,) and b2.shape == ()
    assert p.dim == 4 * p.hidden + 1


@pytest.mark.parametrize("p", ALL, ids=repr)
def test_batched_equals_loop_bit_for_bit(p):
    rng = np.random.default_rng(0)
    B = p.dim                                    # B == d on purpose: a misaligned axis would show
    theta = rng.normal(size=(B, p.dim))
    g, f = p.grad(theta, step=3), p.loss(theta, step=3)
    assert g.shape == (B, p.dim) and f.shape == (B,)
    for i in range(B):
        assert np.array_equal(g[i], p.grad(theta[i], step=3))
        assert np.array_equal(f[i], p.loss(theta[i], step=3))
    theta3 = rng.normal(size=(2, 3, p.dim))      # any leading axes
    assert p.grad(theta3).shape == theta3.shape and p.loss(theta3).shape == (2, 3)
    assert np.array_equal(p.loss(theta3)[1, 2], p.loss(theta3[1, 2]))


@pytest.mark.parametrize("p", [q for q in ALL if q.minimum is not None], ids=repr)
def test_minimum_has_zero_gradient_and_the_stated_loss(p):
    g = p.grad(p.minimum)
    assert np.abs(g).max() < 1e-10
    assert float(p.loss(p.minimum)) == pytest.approx(p.minimum_loss, abs=1e-12)
    assert float(p.loss(p.x0)) > p.minimum_loss + 1e-3


def test_known_values():
    assert float(problems.rosenbrock().loss(np.array([0.0, 0.0]))) == 1.0
    assert float(problems.beale().loss(np.array([0.0, 0.0]))) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert float(problems.himmelblau().loss(np.array([0.0, 0.0]))) == 121 + 49
    h = problems.himmelblau()
    assert h.minima.shape == (4, 2) and np.abs(h.loss(h.minima)).max() < 1e-20
    s = problems.saddle()
    assert np.array_equal(s.grad(s.saddle_point), [0.0, 0.0])
    hess_eigs = np.linalg.eigvalsh(np.array([[1.0, 0.0], [0.0, -1.0]]))   # ∇²f at the saddle
    assert hess_eigs[0] < 0 < hess_eigs[1]


def test_quadratic_hessian_eigenvalues_and_rotation():
    q = problems.quadratic(condition_number=25.0, angle=np.pi / 6, L=2.0)
    assert q.eigenvalues == (0.08, 2.0)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.hessian), [0.08, 2.0])
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    np.testing.assert_allclose(q.grad(np.array([c, s])), 0.08 * np.array([c, s]))     # first axis: μ
    np.testing.assert_allclose(q.grad(np.array([-s, c])), 2.0 * np.array([-s, c]))    # second: L
    q5 = problems.quadratic(condition_number=16.0, dim=5)
    np.testing.assert_allclose(np.diag(q5.hessian), [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0])


def test_ravine_gradient_is_scale_times_smaller_along_y():
    r = problems.ravine(scale=100.0)
    gy = r.grad(np.stack([np.zeros(50), np.linspace(-50, 50, 50)], -1))[:, 1]
    assert np.abs(gy).max() < 1 / 100
    assert abs(r.grad(np.array([0.0, 1e6]))[1]) == pytest.approx(1 / 100, rel=1e-6)
    assert r.grad(np.array([1.0, 0.0]))[0] == 1.0


def test_linear_regression_minimum_is_least_squares_and_hessian():
    p = problems.linear_regression(n=100, d=3, noise=0.1, seed=4)
    w, *_ = np.linalg.lstsq(p.X, p.y, rcond=None)
    np.testing.assert_allclose(p.minimum, w, rtol=1e-10)
    np.testing.assert_allclose(p.hessian, p.X.T @ p.X / 100)
    mu, L = p.eigenvalues
    assert 0 < mu < L and L / mu > 2
    assert np.abs(p.minimum - p.w_true).max() < 0.1


def test_minibatches_deterministic_partition_each_epoch_and_average_to_full_batch():
    p = problems.linear_regression(n=60, batch_size=20, seed=1)
    assert p.n_batches == 3 and p.stochastic
    epoch0 = np.concatenate([p.batch_indices(k) for k in range(3)])
    epoch1 = np.concatenate([p.batch_indices(k) for k in range(3, 6)])
    assert sorted(epoch0) == list(range(60)) and sorted(epoch1) == list(range(60))
    assert not np.array_equal(epoch0, epoch1)                      # reshuffled each epoch
    assert np.array_equal(p.batch_indices(4), problems.linear_regression(n=60, batch_size=20, seed=1).batch_indices(4))
    assert not np.array_equal(p.batch_indices(0), problems.linear_regression(n=60, batch_size=20, seed=2).batch_indices(0))
    theta = np.array([0.3, -0.7])
    mean = np.mean([p.grad(theta, step=k) for k in range(3, 6)], axis=0)
    np.testing.assert_allclose(mean, p.grad(theta), rtol=1e-12)
    assert not np.allclose(p.grad(theta, step=0), p.grad(theta))     # real gradient noise
    full = problems.linear_regression(n=60, seed=1)
    assert np.array_equal(full.grad(theta, step=5), full.grad(theta))  # full batch ignores step
    assert np.array_equal(p.loss(theta), full.loss(theta))


def test_data_is_seeded():
    a, b = problems.mlp(seed=3), problems.mlp(seed=3)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.x0, b.x0)
    assert not np.array_equal(a.X, problems.mlp(seed=4).X)


def test_classifiers_learn_something():
    lr = problems.logistic_regression()
    assert float(lr.accuracy(lr.minimum)) > 0.85
    p = problems.mlp()
    theta = p.x0
    for _ in range(300):                                           # plain GD, lr 1
        theta = theta - 1.0 * p.grad(theta)
    assert float(p.loss(theta)) < 0.5 * float(p.loss(p.x0))
    assert float(p.accuracy(theta)) > 0.8
    assert p.predict_proba(theta, p.X[:5]).shape == (5,)


def test_float32_stays_float32():
    for p in (problems.rosenbrock(), problems.quadratic(angle=0.3), problems.mlp(hidden=2)):
        t = p.x0.astype(np.float32)
        assert p.grad(t).dtype == np.float32


def test_frozen_and_read_only():
    p = problems.quadratic()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.condition_number = 3.0
    with pytest.raises(ValueError):
        p.x0[0] = 1.0
    with pytest.raises(ValueError):
        problems.linear_regression().X[0, 0] = 1.0


def test_reprs_are_the_factory_calls():
    assert repr(problems.quadratic(condition_number=100)) == "quadratic(condition_number=100.0, angle=0.0, L=1.0, dim=2)"
    assert repr(problems.beale()) == "beale()"
    assert repr(problems.ravine()) == "ravine(scale=100.0)"
    assert repr(problems.mlp()) == "mlp(n=200, hidden=8, noise=0.1, dataset='moons', batch_size=None, seed=0)"
    assert repr(problems.logistic_regression(batch_size=10)) == (
        "logistic_regression(n=200, d=2, separation=1.5, l2=0.01, batch_size=10, seed=0)")


def test_interface_attributes():
    for p in ALL:
        assert p.x0.shape == (p.dim,)
        assert isinstance(p.name, str) and repr(p).startswith(p.name + "(")
        if p.dim == 2 and p.bounds is not None:
            (x0, x1), (y0, y1) = p.bounds
            assert x0 <= p.x0[0] <= x1 and y0 <= p.x0[1] <= y1
            if p.minimum is not None:
                assert x0 <= p.minimum[0] <= x1 and y0 <= p.minimum[1] <= y1
    assert problems.mlp().minimum is None and problems.mlp().minimum_loss is None
    assert set(problems.SURFACES) == {"quadratic", "rosenbrock", "beale", "himmelblau", "saddle", "ravine"}


@pytest.mark.parametrize("call, words", [
    (lambda: problems.quadratic(condition_number=0.5), ["'condition_number'", "quadratic", "0.5"]),
    (lambda: problems.quadratic(dim=3, angle=0.1), ["'angle'", "dim=3"]),
    (lambda: problems.rosenbrock(b=-1), ["'b'", "rosenbrock"]),
    (lambda: problems.ravine(scale=0), ["'scale'", "ravine"]),
    (lambda: problems.linear_regression(batch_size=500), ["'batch_size'", "[1, 200]", "500"]),
    (lambda: problems.logistic_regression(l2=0), ["'l2'"]),
    (lambda: problems.mlp(dataset="moon"), ["'dataset'", "Did you mean 'moons'"]),
    (lambda: problems.rosenbrock().grad(np.zeros(3)), ["'theta'", "(..., 2)", "(3,)"]),
    (lambda: problems.mlp().loss(np.zeros((4, 2))), ["'theta'", "(..., 33)"]),
    (lambda: problems.linear_regression(batch_size=10).batch_indices(-1), ["'step'"]),
])
def test_bad_input_raises_naming_the_parameter(call, words):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    for w in words:
        assert w in str(err.value)
