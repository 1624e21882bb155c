"""Issue 14, runs, sweeps, checkpoints and problems: every input gets a clear answer."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import lrlessons as ll
from lrlessons import optimizers as O
from lrlessons import problems
from lrlessons.training import load_checkpoint, save_checkpoint


class Custom:
    """A student's own problem: anything with loss, grad and x0."""

    name = "custom"

    def __init__(self, x0):
        self.x0 = np.asarray(x0, dtype=float)

    def loss(self, theta, step=None):
        return np.sum(theta * theta, axis=-1)

    def grad(self, theta, step=None):
        return 2 * theta

    def __repr__(self):
        return f"Custom({self.x0.tolist()})"


# -- 4. non-finite run and sweep arguments ---------------------------------------------------------
def test_run_and_sweep_refuse_non_finite_arguments_saying_finite():
    p = problems.quadratic()
    with pytest.raises(ValueError, match=r"'divergence_threshold' parameter of run must be finite and in \(0, inf\)"):
        ll.run(O.sgd(0.1), p, 3, divergence_threshold=math.inf)
    with pytest.raises(ValueError, match=r"'tol' parameter of sweep must be finite and in \[0, inf\)"):
        ll.sweep(O.sgd, p, 3, grid={"lr": [0.1]}, tol=math.inf)
    with pytest.raises(ValueError, match=r"grid axis 'lr' of sweep must hold finite numbers"):
        ll.sweep(O.sgd, p, 3, grid={"lr": [0.1, math.nan]})
    with pytest.raises(ValueError, match=r"'theta0' argument of run must be finite"):
        ll.run(O.sgd(0.1), p, 3, theta0=[math.inf, 0.0])


# -- 5. divergence_threshold=None still records a finite loss ---------------------------------------
def test_threshold_none_counts_only_non_finite_values_and_records_a_finite_loss():
    traj = ll.run(O.sgd(lr=3.0), problems.quadratic(), 2000, divergence_threshold=None)
    assert traj.diverged_at is not None                                   # the loss overflowed to inf
    assert np.isfinite(traj.loss).all() and np.isfinite(traj.theta).all()
    k = traj.diverged_at
    assert traj.loss[k] == traj.loss[k - 1] and traj.loss[k - 1] > 1e300  # frozen at the last finite loss
    batched = ll.run(O.sgd(lr=[0.5, 3.0]), problems.quadratic(), 2000, divergence_threshold=None)
    assert batched.diverged_at.tolist() == [-1, k] and np.isfinite(batched.loss).all()


# -- 6. wrong objects: say what was expected -------------------------------------------------------
def test_run_names_the_argument_when_given_a_name_or_a_factory():
    p, opt = problems.rosenbrock(), O.adam(lr=0.1)
    with pytest.raises(TypeError, match=r"The 'optimizer' argument of run must be an Optimizer .*"
                                        r"\(a name: build it, e\.g\. optimizers\.adam\(lr=0\.01\)\)\. Got 'adam'"):
        ll.run("adam", p, 3)
    with pytest.raises(TypeError, match=r"The 'optimizer' argument of run .*\(a factory: call it"):
        ll.run(O.adam, p, 3)
    with pytest.raises(TypeError, match=r"The 'problem' argument of run must be a problem such as "
                                        r"problems\.rosenbrock\(\).*Got 'rosenbrock'"):
        ll.run(opt, "rosenbrock", 3)
    with pytest.raises(TypeError, match=r"The 'problem' argument of run .*\(a factory: call it, e\.g\. rosenbrock\(\)\)"):
        ll.run(opt, problems.rosenbrock, 3)


def test_resuming_another_optimizers_trajectory_names_resume():
    p = problems.rosenbrock()
    sgd_run = ll.run(O.sgd(0.001), p, 3)
    with pytest.raises(TypeError, match=r"The 'resume' argument of run must be a trajectory of adam .*"
                                        r"Got a trajectory of sgd\(lr=0\.001"):
        ll.run(O.adam(lr=0.1), p, 3, resume=sgd_run)
    with pytest.raises(TypeError, match=r"The 'resume' argument of run must be a Trajectory"):
        ll.run(O.adam(lr=0.1), p, 3, resume=sgd_run.state)
    amsgrad = ll.run(O.adam(0.1, amsgrad=True), p, 3)
    with pytest.raises(TypeError, match=r"'resume' argument of run"):
        ll.run(O.adam(lr=0.1), p, 3, resume=amsgrad)


# -- 9. sizes, empty and odd inputs ---------------------------------------------------------------
@pytest.mark.parametrize("steps", [2**62, 10**400, 10_000_001], ids=["2**62", "10**400", "1e7+1"])
def test_a_huge_number_of_steps_is_a_clear_value_error(steps):
    with pytest.raises(ValueError, match=r"The 'steps' parameter of run must be (finite and )?in \[0, 10000000\]"):
        ll.run(O.sgd(0.1), problems.quadratic(), steps)


@pytest.mark.parametrize("x0, what", [([], r"must have shape \(d,\) or \(B, d\) with at least one"),
                                      (np.zeros((3, 0)), r"must have shape .* with at least one parameter"),
                                      ([1j, 2.0], r"must be a real array"),
                                      ([[1.0], [1.0, 2.0]], r"must be a real array")],
                         ids=["empty", "empty-batch", "complex", "ragged"])
def test_a_custom_problem_with_an_unusable_start_is_named(x0, what):
    with pytest.raises((ValueError, TypeError), match=r"The 'theta0' argument of run \(problem\.x0\) " + what):
        ll.run(O.adam(0.1), _with_x0(x0), 3)
    with pytest.raises((ValueError, TypeError), match=r"The 'theta0' argument of run must"):
        ll.run(O.adam(0.1), Custom([1.0]), 3, theta0=x0)


def _with_x0(x0):
    p = Custom([1.0])
    p.x0 = x0
    return p


def test_a_loss_that_is_not_one_number_per_run_is_named():
    class WrongLoss(Custom):
        def loss(self, theta, step=None):
            return theta                                 # the whole vector
    with pytest.raises(ValueError, match=r"The 'problem' argument of run must have a loss\(theta\) that returns one "
                                         r"real number per run"):
        ll.run(O.sgd(0.1), WrongLoss([1.0, 2.0]), 3)


def test_best_of_a_sweep_whose_every_run_diverged_raises():
    res = ll.sweep(O.sgd, problems.quadratic(), 50, grid={"lr": [5.0, 10.0]})
    assert res.diverged.all()
    with pytest.raises(ValueError, match=r"Every run of this sweep diverged \(2 of 2\), so there is no best setting"):
        res.best
    ok = ll.sweep(O.sgd, problems.quadratic(), 50, grid={"lr": [0.5, 10.0]})
    assert ok.best == {"lr": 0.5}


@pytest.mark.parametrize("values, error", [(["a", "b"], TypeError), ([[0.1], [0.1, 0.2]], TypeError),
                                           ([[0.1, 0.2]], TypeError), ("0.1", TypeError), ([], ValueError)],
                         ids=["strings", "ragged", "2-D", "str", "empty"])
def test_sweep_grid_axes_that_are_not_numbers_are_named(values, error):
    with pytest.raises(error, match=r"The grid axis 'lr' of sweep must"):
        ll.sweep(O.sgd, problems.quadratic(), 3, grid={"lr": values})


def test_sweep_names_a_factory_that_is_not_callable_and_a_grid_too_large():
    with pytest.raises(TypeError, match=r"The 'factory' argument of sweep must be an optimizer factory"):
        ll.sweep("sgd", problems.quadratic(), 3, grid={"lr": [0.1]})
    with pytest.raises(ValueError, match=r"The 'grid' argument of sweep must hold at most 100000 settings"):
        ll.sweep(O.sgd, problems.quadratic(), 3, grid={"lr": np.linspace(0.1, 1, 1000),
                                                        "weight_decay": np.linspace(0, 1, 1000)})


# -- checkpoints -----------------------------------------------------------------------------------
@pytest.fixture
def checkpoint(tmp_path):
    opt, p = O.adam(0.1, amsgrad=True), problems.rosenbrock()
    path = tmp_path / "run.npz"
    save_checkpoint(str(path), ll.run(opt, p, 5))
    return path, opt, p


def test_a_truncated_checkpoint_is_a_value_error_naming_the_file(checkpoint, tmp_path):
    path, opt, p = checkpoint
    data = path.read_bytes()
    for n in range(0, len(data), max(1, len(data) // 97)):
        cut = tmp_path / "cut.npz"
        cut.write_bytes(data[:n])
        with pytest.raises(ValueError, match=rf"The checkpoint '{cut}' "):
            load_checkpoint(str(cut), opt, p)


def test_a_checkpoint_with_missing_keys_or_altered_arrays_names_the_file(checkpoint, tmp_path):
    path, opt, p = checkpoint
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(2))
    with pytest.raises(ValueError, match=rf"The checkpoint '{other}' lacks 'meta/optimizer', "):
        load_checkpoint(str(other), opt, p)
    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    for key, value in (("state/v_max", None), ("loss", np.zeros(3)), ("state/m", np.zeros(5))):
        altered = dict(data)
        if value is None:
            del altered[key]
        else:
            altered[key] = value
        bad = tmp_path / "altered.npz"
        np.savez(bad, **altered)
        with pytest.raises(ValueError, match=rf"The checkpoint '{bad}' "):
            load_checkpoint(str(bad), opt, p)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match=r"cannot be read as an \.npz archive"):
        load_checkpoint(str(single), opt, p)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(str(tmp_path / "missing.npz"), opt, p)


# -- problems: factories check every argument ------------------------------------------------------
BAD_PROBLEMS = [
    (lambda: problems.quadratic(condition_number=math.inf), "condition_number", ValueError),
    (lambda: problems.quadratic(angle=math.nan), "angle", ValueError),
    (lambda: problems.quadratic(L=math.inf), "L", ValueError),
    (lambda: problems.quadratic(x0=[math.nan, 1.0]), "x0", ValueError),
    (lambda: problems.quadratic(condition_number="ten"), "condition_number", TypeError),
    (lambda: problems.quadratic(dim=10**6), "dim", ValueError),
    (lambda: problems.rosenbrock(a=math.nan), "a", ValueError),
    (lambda: problems.rosenbrock(b=math.inf), "b", ValueError),
    (lambda: problems.ravine(scale=math.inf), "scale", ValueError),
    (lambda: problems.linear_regression(noise=math.inf), "noise", ValueError),
    (lambda: problems.linear_regression(n=10**9), "n", ValueError),
    (lambda: problems.logistic_regression(separation=math.nan), "separation", ValueError),
    (lambda: problems.logistic_regression(l2=math.inf), "l2", ValueError),
    (lambda: problems.mlp(noise=-math.inf), "noise", ValueError),
    (lambda: problems.mlp(hidden=10**6), "hidden", ValueError),
    (lambda: problems.mlp(dataset=np.array([1, 2])), "dataset", ValueError),
]


@pytest.mark.parametrize("make, name, error", BAD_PROBLEMS, ids=[f"{n}-{i}" for i, (_, n, _) in enumerate(BAD_PROBLEMS)])
def test_problem_factories_reject_non_finite_and_unusable_arguments(make, name, error):
    with pytest.raises(error, match=rf"The '{name}' parameter of "):
        make()


def test_problems_refuse_complex_theta():
    with pytest.raises(TypeError, match=r"The 'theta' argument of rosenbrock\.loss must be a real array"):
        problems.rosenbrock().loss(np.array([1j, 2.0]))
