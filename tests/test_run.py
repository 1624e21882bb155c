"""Runs: trajectories, batching, divergence, checkpoints, sweeps, the range test and plateau control."""

import functools
import warnings

import numpy as np
import pytest

import lrlessons as ll
from lrlessons import optimizers, problems, schedules
from lrlessons.frameworks.pytorch import ReduceLROnPlateau
from lrlessons.training import (Trajectory, load_checkpoint, lr_range_test, run,
                           save_checkpoint, sweep)


def manual_run(opt, p, steps, theta0=None):
    """The loop a student writes: init, then grad of minibatch state.count and step, by hand."""
    theta = np.array(p.x0 if theta0 is None else theta0, dtype=float)
    state = opt.init(theta)
    bound = opt.hyperparameters["lr"]
    thetas, lrs, grads = [theta], [], []
    for _ in range(steps):
        lrs.append(bound(state.count) if callable(bound) else bound)     # the rate this update uses
        grads.append(p.grad(theta, step=state.count))
        theta, state, _ = opt.step(theta, grads[-1], state)
        thetas.append(theta)
    return np.array(thetas), np.array(lrs, dtype=float), np.array(grads)


def test_lazy_exports():
    # `from lrlessons.training import ...` may have made `ll.run` the module: it must still call run().
    assert ll.Trajectory is Trajectory and ll.sweep is sweep
    traj = ll.run(optimizers.sgd(lr=0.1), problems.quadratic(), 3)
    assert isinstance(traj, Trajectory) and np.array_equal(traj.theta, run(optimizers.sgd(lr=0.1), problems.quadratic(), 3).theta)


def test_run_records_exactly_what_a_manual_loop_does():
    p = problems.rosenbrock()
    opt = optimizers.adam(lr=schedules.exponential_decay(0.05, decay_steps=10, decay_rate=0.5))
    traj = run(opt, p, 40)
    thetas, lrs, grads = manual_run(opt, p, 40)
    assert traj.theta.shape == (41, 2) and traj.loss.shape == (41,) and traj.lr.shape == (40,)
    assert np.array_equal(traj.theta, thetas)
    assert np.array_equal(traj.lr, lrs)
    assert traj.grad.shape == (40, 2) and np.array_equal(traj.grad, grads)    # the gradient each update used
    assert np.array_equal(traj.grad_norm, np.sqrt((grads * grads).sum(-1)))
    assert traj.lr[0] == 0.05 and traj.lr[10] == 0.025              # lr[k] = schedule(k)
    assert np.array_equal(traj.loss, p.loss(thetas))
    np.testing.assert_allclose(traj.grad_norm, np.linalg.norm(p.grad(thetas[:-1]), axis=-1), rtol=1e-15)
    assert traj.trace._fields == tuple(f for f, _ in opt.equations)
    assert traj.trace.delta.shape == (40, 2)
    np.testing.assert_allclose(traj.trace.delta[3], thetas[4] - thetas[3], rtol=1e-12)
    assert traj.diverged_at is None and traj.diverged is False
    assert traj.state.count == 40 and np.array_equal(traj.theta_last, thetas[-1])
    assert traj.optimizer is opt and traj.problem is p


def test_minibatch_problem_gets_state_count_as_step():
    p = problems.linear_regression(batch_size=20)
    opt = optimizers.sgd(lr=0.1)
    traj = run(opt, p, 25)
    thetas, _, grads = manual_run(opt, p, 25)
    assert np.array_equal(traj.theta, thetas)
    assert np.array_equal(traj.grad, grads)                          # minibatch k fed update k + 1
    assert not np.array_equal(traj.grad, p.grad(thetas[:-1]))        # (not the full-batch gradient)
    assert np.array_equal(traj.loss, p.loss(thetas))                 # full-batch loss recorded


@pytest.mark.parametrize("factory, hp", [
    (optimizers.sgd, {"lr": [0.01, 0.002]}),
    (optimizers.adam, {"lr": [0.05, 0.01], "beta1": [0.0, 0.9]}),
])
def test_batched_run_equals_separate_runs_bit_for_bit(factory, hp):
    p = problems.rosenbrock()                                        # B == d == 2 on purpose
    traj = run(factory(**hp), p, 60)
    assert traj.theta.shape == (61, 2, 2) and traj.loss.shape == (61, 2) and traj.lr.shape == (60, 2)
    for i in range(2):
        single = run(factory(**{k: v[i] for k, v in hp.items()}), p, 60)
        assert np.array_equal(traj.theta[:, i], single.theta)
        assert np.array_equal(traj.loss[:, i], single.loss)
        assert np.array_equal(traj.lr[:, i], single.lr)
        assert np.array_equal(traj.grad_norm[:, i], single.grad_norm)
        for a, b in zip(traj.trace, single.trace):
            assert np.array_equal(np.broadcast_to(a, traj.trace.delta.shape)[:, i], np.broadcast_to(b, single.trace.delta.shape))


@pytest.mark.parametrize("factory, fixed", [
    (optimizers.adam, {}), (optimizers.adam, {"epsilon_hat": True, "amsgrad": True}),
    (optimizers.adamax, {}), (optimizers.nadam, {}), (optimizers.nadam, {"momentum_schedule": "none"}),
    (optimizers.radam, {}), (optimizers.radam, {"epsilon_hat": False}),
    (optimizers.rmsprop, {"bias_correction": True, "centered": True}),
])
def test_grid_sweep_rows_equal_single_runs_bit_for_bit(factory, fixed):
    # A 12 x 8 grid repeats each beta 12 times: the batched path pads hyperparameters to the
    # full (B, 2) shape and computes beta**t once per distinct value; rows must not change.
    beta = "decay" if factory is optimizers.rmsprop else "beta2" if factory is optimizers.adamax else "beta1"
    lrs, betas = np.geomspace(1e-3, 0.3, 12), np.linspace(0.0, 0.95, 8)
    res = sweep(factory, problems.rosenbrock(), 40, grid={"lr": lrs, beta: betas}, fixed=fixed, record_trace=True)
    assert res.trajectory.theta_last.shape == (96, 2)
    for i, j in [(0, 0), (3, 7), (11, 2), (7, 5)]:
        single = run(factory(lr=lrs[i], **{beta: betas[j]}, **fixed), problems.rosenbrock(), 40)
        row = i * 8 + j
        assert np.array_equal(res.trajectory.loss[:, row], single.loss)
        assert np.array_equal(res.trajectory.theta_last[row], single.theta_last)
        for name, a, b in zip(single.trace._fields, res.trajectory.trace, single.trace):
            a = np.asarray(a).reshape(40, 1) if np.ndim(a) == 1 else np.asarray(a)[:, row]  # (40,): shared by all runs
            b = np.asarray(b).reshape(40, -1)                                # (40,): a scalar per step
            assert np.array_equal(np.broadcast_to(a, (40, 2)), np.broadcast_to(b, (40, 2)), equal_nan=True), name


def test_explicit_lr_and_theta0_batches():
    p = problems.quadratic()
    traj = run(optimizers.sgd(lr=0.1), p, 5, lr=np.array([0.1, 0.2, 0.3]))
    assert traj.theta.shape == (6, 3, 2)
    np.testing.assert_array_equal(traj.lr, np.tile([0.1, 0.2, 0.3], (5, 1)))
    starts = np.array([[1.0, 1.0], [2.0, -1.0]])
    traj = run(optimizers.sgd(lr=0.5), p, 3, theta0=starts)
    assert np.array_equal(traj.theta[0], starts) and traj.diverged_at.tolist() == [-1, -1]


def test_divergence_freezes_row_records_step_and_warns_nothing():
    p = problems.quadratic()                                 # eigenvalues 0.1, 1; start (-4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(optimizers.sgd(lr=[0.5, 2.5, 1e300]), p, 30)
    # lr 2.5: the L-mode grows by |1 - 2.5| = 1.5 per step; loss0 = 0.5(0.1·16 + 9) = 5.3,
    # limit 1e6·5.3; loss_k ≈ 0.5·9·2.25^k first exceeds it at k = 18.
    k = traj.diverged_at[1]
    assert k == 18
    assert 0.5 * 9 * 2.25 ** 17 < 5.3e6 < 0.5 * 9 * 2.25 ** 18
    assert traj.diverged_at.tolist() == [-1, 18, 1]
    assert np.all(np.isfinite(traj.theta)) and np.all(np.isfinite(traj.loss))
    assert np.all(traj.theta[k:, 1] == traj.theta[k - 1, 1])           # frozen at last accepted
    assert np.all(traj.theta[:, 2] == p.x0)                           # inf at once: never moves
    assert np.array_equal(traj.theta[:, 0], run(optimizers.sgd(lr=0.5), p, 30).theta)
    assert traj.diverged.tolist() == [False, True, True]
    assert str(traj) == "3 runs, 2 diverged (first at step 1)"
    single = run(optimizers.sgd(lr=2.5), p, 30)
    assert single.diverged_at == 18 and single.status() == "diverged at step 18"
    assert "diverged at step 18" in repr(single)


@pytest.mark.parametrize("lr, k", [(2.5, 18), (2.1, 74)])
def test_sgd_on_the_quadratic_diverges_at_the_first_update_beyond_the_limit(lr, k):
    # The same k in every widget that runs optimizers: see tests/test_widgets.py.
    p = problems.quadratic()
    traj = run(optimizers.sgd(lr=lr), p, 200)
    assert traj.diverged_at == k and traj.status() == f"diverged at step {k}"
    free = run(optimizers.sgd(lr=lr), p, k, divergence_threshold=None)
    limit = 1e6 * max(abs(float(p.loss(p.x0))), 1.0)
    assert free.loss[k - 1] <= limit < free.loss[k]
    assert np.array_equal(traj.theta[:k], free.theta[:k]) and np.all(traj.theta[k:] == traj.theta[k - 1])
    assert np.array_equal(traj.loss[:k], free.loss[:k]) and np.all(traj.loss[k:] == traj.loss[k - 1])


def test_when_every_row_is_frozen_the_count_and_the_schedule_go_on():
    p = problems.quadratic()
    s = schedules.exponential_decay([2.5, 3.0], decay_steps=100, decay_rate=0.9)
    traj = run(optimizers.momentum(lr=s, momentum=0.1), p, 60)
    assert (traj.diverged_at > 0).all() and traj.state.count == 60
    assert np.array_equal(traj.lr, s(np.arange(60)).T)              # lr[k] = schedule(k), frozen or not
    for i, lr0 in enumerate([2.5, 3.0]):
        single = run(optimizers.momentum(lr=schedules.exponential_decay(lr0, 100, 0.9), momentum=0.1), p, 60)
        k = single.diverged_at
        assert k == traj.diverged_at[i] and np.array_equal(single.theta, traj.theta[:, i])
        assert np.array_equal(single.state.b, traj.state.b[i]) and np.array_equal(single.lr, traj.lr[:, i])
        assert np.all(single.theta[k:] == single.theta[k - 1]) and np.all(single.grad[k:] == 0.0)
        assert np.all(single.grad[k - 1] != 0.0)                       # update k got its real gradient


def test_divergence_threshold_none_and_adam_state_frozen():
    p = problems.quadratic()
    traj = run(optimizers.sgd(lr=2.5), p, 30, divergence_threshold=None)
    assert traj.diverged_at is None and traj.loss[-1] > 1e9
    traj = run(optimizers.adam(lr=[0.01, 1e300]), p, 5)
    assert traj.diverged_at.tolist() == [-1, 1]
    assert np.all(np.isfinite(traj.state.m)) and np.all(np.isfinite(traj.state.v))
    assert np.array_equal(traj.state.m[1], np.zeros(2))              # never accepted an update


class NaNBeyond:
    """A quadratic whose gradient (and, with ``loss_too``, loss) is NaN once x > 0: any object
    with loss, grad and x0 is a problem for run()."""

    def __init__(self, loss_too=False):
        self.quadratic = problems.quadratic(condition_number=10.0)
        self.x0 = self.quadratic.x0
        self.loss_too = loss_too

    def loss(self, theta, step=None):
        theta = np.asarray(theta)
        loss = self.quadratic.loss(theta)
        return np.where(theta[..., 0] > 0, np.nan, loss) if self.loss_too else loss

    def grad(self, theta, step=None):
        theta = np.asarray(theta)
        return np.where(theta[..., :1] > 0, np.nan, self.quadratic.grad(theta))

    def __repr__(self):
        return "NaNBeyond()"


def test_nan_gradient_is_never_passed_to_the_optimizer():
    p = NaNBeyond()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(optimizers.adam(lr=[0.1, 3.0]), p, 20)        # lr 3: x > 0 after update 2
    assert traj.theta[2, 1, 0] > 0 and np.isfinite(traj.loss[2, 1])
    assert traj.diverged_at.tolist() == [-1, 3]                  # update 3's gradient is NaN: rejected
    assert np.all(np.isfinite(traj.trace.delta))
    assert np.all(traj.theta[3:, 1] == traj.theta[2, 1])
    assert np.all(np.isfinite(traj.grad)) and np.all(traj.grad[2:, 1] == 0.0)   # the optimizer got zeros
    assert np.array_equal(traj.grad_norm[2:, 1], np.zeros(18))
    single = run(optimizers.adam(lr=3.0), p, 20)                 # one run: the same rule, the same numbers
    assert single.diverged_at == 3 and np.array_equal(single.theta, traj.theta[:, 1])
    assert np.array_equal(single.grad, traj.grad[:, 1])


def test_nan_loss_rejects_the_update_that_produced_it():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(optimizers.adam(lr=[0.1, 3.0]), NaNBeyond(loss_too=True), 20)
    assert traj.diverged_at.tolist() == [-1, 2]                  # θ_2 has x > 0: its loss is NaN
    assert np.all(traj.theta[2:, 1] == traj.theta[1, 1]) and np.all(np.isfinite(traj.loss))
    assert np.all(traj.loss[2:, 1] == traj.loss[1, 1])
    assert np.all(np.isfinite(traj.trace.delta)) and np.all(np.isfinite(traj.grad_norm))


@pytest.mark.parametrize("opt, p, plateau", [
    (optimizers.adam(lr=0.02), problems.rosenbrock(), None),
    (optimizers.adam(lr=np.array([0.02, 0.5, 1e300]), beta1=np.array([0.9, 0.5, 0.9])), problems.rosenbrock(), None),
    (optimizers.sgd(lr=schedules.exponential_decay(0.2, decay_steps=7, decay_rate=0.9)),
     problems.linear_regression(batch_size=16), None),
    (optimizers.adam(lr=[0.1, 0.01]), problems.mlp(hidden=3, batch_size=40),
     ReduceLROnPlateau(factor=0.5, patience=2, threshold=0.01, cooldown=1)),
])
def test_checkpoint_resume_is_bit_for_bit(tmp_path, opt, p, plateau):
    full = run(opt, p, 100, plateau=plateau)
    half = run(opt, p, 50, plateau=plateau)
    path = tmp_path / "ckpt.npz"
    save_checkpoint(path, half)
    resumed = run(opt, p, 50, resume=load_checkpoint(path, opt, p))
    for name in ("theta", "loss", "lr", "grad", "grad_norm", "theta_last"):
        assert np.array_equal(getattr(full, name), getattr(resumed, name)), name
    for a, b in zip(full.trace, resumed.trace):
        assert np.array_equal(a, b)
    for a, b in zip(full.state, resumed.state):
        assert np.array_equal(a, b)
    assert np.array_equal(np.asarray(full.diverged_at if full.diverged_at is not None else -1),
                          np.asarray(resumed.diverged_at if resumed.diverged_at is not None else -1))
    if plateau is not None:
        for a, b in zip(full.plateau_state, resumed.plateau_state):
            assert np.array_equal(a, b)
        assert resumed.plateau == plateau


@pytest.mark.parametrize("name", sorted(optimizers.FACTORIES))
def test_every_optimizer_runs_batched_and_resumes(tmp_path, name):
    factory = optimizers.FACTORIES[name]
    if name == "muon":          # Muon takes matrices: on a 2-D problem a point is a 1x2 matrix
        factory = functools.partial(factory, fallback="row")
    p = problems.rosenbrock()
    lrs = [1.0, 0.5] if name == "adadelta" else [0.01, 0.002]
    batched = run(factory(lr=lrs), p, 30)
    for i, lr in enumerate(lrs):
        assert np.array_equal(batched.theta[:, i], run(factory(lr=lr), p, 30).theta)
    save_checkpoint(tmp_path / "c.npz", run(factory(lr=lrs), p, 12))
    resumed = run(factory(lr=lrs), p, 18, resume=load_checkpoint(tmp_path / "c.npz", factory(lr=lrs), p))
    assert np.array_equal(batched.theta, resumed.theta) and np.array_equal(batched.lr, resumed.lr)
    for a, b in zip(batched.trace, resumed.trace):
        assert np.array_equal(a, b, equal_nan=True)              # RAdam's trace holds NaN while ρ_t ≤ 4


def test_load_checkpoint_refuses_another_optimizer(tmp_path):
    p = problems.rosenbrock()
    path = tmp_path / "c.npz"
    save_checkpoint(path, run(optimizers.adam(lr=0.01), p, 3))
    with pytest.raises(ValueError, match="'optimizer'.*adam\\(lr=0.01"):
        load_checkpoint(path, optimizers.adam(lr=0.02), p)
    with pytest.raises(ValueError, match="'problem'"):
        load_checkpoint(path, optimizers.adam(lr=0.01), problems.beale())


def test_sweep_grid_shapes_flags_and_values():
    p = problems.quadratic()
    lrs = [0.5, 1.0, 1.9, 2.1]
    res = sweep(optimizers.sgd, p, 200, grid={"lr": lrs}, tol=1e-6)
    assert res.names == ("lr",) and np.array_equal(res.axes[0], lrs)
    assert res.diverged.tolist() == [False, False, False, True]       # 2/L = 2
    single = run(optimizers.sgd(lr=1.0), p, 200)
    first = int(np.argmax(single.loss <= 1e-6))
    assert res.steps_to_tol[1] == first and single.loss[first - 1] > 1e-6
    assert res.final_loss[1] == single.loss[-1]
    res2 = sweep(optimizers.adam, problems.rosenbrock(), 50, grid={"lr": [0.01, 0.1, 0.3], "beta1": [0.0, 0.9]},
                 fixed={"beta2": 0.99})
    assert res2.final_loss.shape == res2.steps_to_tol.shape == res2.diverged.shape == (3, 2)
    one = run(optimizers.adam(lr=0.3, beta1=0.0, beta2=0.99), problems.rosenbrock(), 50)
    assert res2.final_loss[2, 0] == one.loss[-1]                     # axis 0 = first grid key
    assert res2.trajectory.theta is None and res2.trajectory.trace is None
    assert set(res2.best) == {"lr", "beta1"}
    assert repr(res2).startswith("SweepResult(lr, beta1: 3×2 grid, 50 steps")
    with pytest.raises(ValueError, match="one or two"):
        sweep(optimizers.adam, p, 5, grid={"lr": [1], "beta1": [0.9], "beta2": [0.9]})
    with pytest.raises(ValueError, match="both 'grid' and 'fixed'"):
        sweep(optimizers.adam, p, 5, grid={"lr": [1]}, fixed={"lr": 0.1})


@pytest.mark.parametrize("p", [problems.rosenbrock(), problems.beale(), problems.himmelblau(), problems.saddle()], ids=repr)
def test_sweep_rows_equal_single_runs_bit_for_bit(p):
    lrs, betas = [0.003, 0.05, 0.4, 1.0], [0.0, 0.6, 0.95]
    res = sweep(optimizers.adam, p, 300, grid={"lr": lrs, "beta1": betas})
    for i, lr in enumerate(lrs):
        for j, b1 in enumerate(betas):
            single = run(optimizers.adam(lr=lr, beta1=b1), p, 300, record_trace=False, record_theta=False)
            assert np.array_equal(res.trajectory.loss[:, i * len(betas) + j], single.loss), (lr, b1)


def test_sweep_with_diverging_rows_is_silent_and_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sweep(optimizers.momentum, problems.rosenbrock(), 200,
                    grid={"lr": np.geomspace(1e-4, 10.0, 12), "momentum": [0.0, 0.5, 0.9, 0.99]})
    assert res.diverged[-1].all() and not res.diverged[0].any()
    assert np.all(np.isfinite(res.final_loss)) and np.all(np.isfinite(res.trajectory.grad_norm))
    assert np.all(res.diverged == (res.diverged_at > 0))


def test_lr_range_test_exponential_lrs_smoothing_and_stop():
    p = problems.linear_regression(batch_size=20)
    res = lr_range_test(optimizers.sgd, p, start_lr=1e-4, end_lr=100.0, steps=80, smooth=0.9)
    n = len(res.lrs)
    assert res.lrs[0] == 1e-4
    np.testing.assert_allclose(res.lrs[1:] / res.lrs[:-1], (100.0 / 1e-4) ** (1 / 79))
    avg, expect = 0.0, []
    for k, loss in enumerate(res.losses):                            # bias-corrected EMA
        avg = 0.9 * avg + 0.1 * loss
        expect.append(avg / (1 - 0.9 ** (k + 1)))
    np.testing.assert_allclose(res.smoothed, expect, rtol=1e-12)
    assert res.stopped_at == n - 1 and res.smoothed[-1] > 4 * res.smoothed.min()   # exploded: stopped
    assert res.lrs[-1] > 2 / p.eigenvalues[1]                        # past the full-batch stability limit
    assert res.losses[0] == float(p.loss(p.x0, step=0))             # minibatch loss before update 1
    assert res.suggested_lr in res.lrs and res.lr_range[0] <= res.lr_range[1]
    assert 1e-3 < res.suggested_lr < 2 / p.eigenvalues[1]
    assert "heuristic" in repr(res)


def test_lr_range_test_reads_one_run_with_the_exponential_schedule():
    p = problems.linear_regression(batch_size=20)
    res = lr_range_test(optimizers.sgd, p, start_lr=1e-4, end_lr=100.0, steps=80, smooth=0.9)
    traj, n = res.trajectory, len(res.lrs)
    assert isinstance(traj, Trajectory) and traj.steps == 80
    assert np.array_equal(traj.lr[:n], res.lrs)                      # the rate of update k + 1 is lrs[k]
    thetas, _, _ = manual_run(optimizers.sgd(lr=schedules.exponential_decay(1e-4, 79, 1e6)), p, n)
    np.testing.assert_allclose(traj.theta[:n + 1], thetas, rtol=1e-12)
    for k in (0, n // 2, n - 1):                                     # minibatch loss k, before update k + 1
        assert res.losses[k] == float(p.loss(traj.theta[k], step=k))


def test_lr_range_test_suggestion_lies_inside_its_own_range():
    """On a flat, noisy curve the warming-up moving average once moved most at the very start,
    which put the steepest-descent suggestion below the reported range."""
    res = lr_range_test(optimizers.momentum, problems.mlp(batch_size=20), start_lr=1e-4, end_lr=100.0,
                        fixed={"momentum": 0.9})
    low, high = res.lr_range
    assert low <= res.suggested_lr <= high
    i = int(np.nonzero(res.lrs == res.suggested_lr)[0][0])
    j_low, j_high = (int(np.nonzero(res.lrs == v)[0][0]) for v in (low, high))
    slope = np.gradient(res.smoothed[10:len(res.lrs) - 5], np.log(res.lrs[10:len(res.lrs) - 5]))
    assert slope[i - 10] == slope[j_low - 10:j_high - 10 + 1].min()      # steepest inside the range


def test_lr_range_test_without_explosion_runs_all_steps():
    res = lr_range_test(optimizers.adam, problems.logistic_regression(), start_lr=1e-5, end_lr=1e-2, steps=30)
    assert res.stopped_at is None and len(res.lrs) == 30
    assert res.smoothed[-1] < res.smoothed[0]


def test_lr_range_test_suggestions_step_back_from_the_lagging_minimum():
    """fastai's suggestions: minimum = a tenth of the lr at the lowest smoothed loss, valley =
    half-way down the longest descent; the range starts where a tenth of the fall is done."""
    from lrlessons.training.search import valley_index

    res = lr_range_test(optimizers.momentum, problems.mlp(batch_size=20), start_lr=1e-4, end_lr=100.0,
                        steps=200, fixed={"momentum": 0.9})
    low, high = res.lr_range
    w = slice(20, len(res.lrs) - 5)                                   # fastai's window: skip 10 %, last 5
    lrs, sm = res.lrs[w], res.smoothed[w]
    assert high == lrs[np.argmin(sm)] and res.minimum_lr == high / 10
    assert res.valley_lr == lrs[valley_index(sm)] and low < res.valley_lr < high
    assert res.suggestions == {"valley": res.valley_lr, "minimum": res.minimum_lr, "steep": res.suggested_lr}
    rim = int(np.argmax(sm[: np.argmin(sm) + 1]))
    i_low = int(np.nonzero(lrs == low)[0][0])
    drop = sm[rim] - 0.1 * (sm[rim] - sm.min())
    assert sm[i_low] <= drop and np.all(sm[rim:i_low] > drop)         # the first point a tenth down
    assert "valley ≈" in repr(res) and "minimum/10 ≈" in repr(res)


def test_valley_index_follows_fastai_bookkeeping():
    from lrlessons.training.search import valley_index

    assert valley_index([1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.5, 2.0]) == 5
    assert valley_index([5.0, 4.0, 3.0, 2.0, 1.0, 3.0, 9.0]) == 0       # fastai's start is -1 here
    assert valley_index([2.0, 1.0, 3.0, 0.5, 0.4, 0.3, 9.0]) == 1       # the bump at 3.0 is skipped
    assert valley_index([1.0]) == 0


# PyTorch 2.13 torch.optim.lr_scheduler.ReduceLROnPlateau, SGD(lr=0.1), step(metric) per value.
METRICS = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]
PLATEAU_CASES = [
    # patience 2: bad epochs 1, 2, 3 at indices 2-4 -> halve at 4; again at 9 and 12.
    (dict(factor=0.5, patience=2),
     [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125]),
    # cooldown 2 zeroes the bad-epoch count for two steps after each reduction.
    (dict(factor=0.5, patience=1, cooldown=2),
     [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125]),
    # abs threshold 0.1: 0.9 is not better than 1.0 - 0.1; min_lr clamps.
    (dict(factor=0.1, patience=0, threshold=0.1, threshold_mode="abs", min_lr=0.002),
     [0.1, 0.01] + [0.002] * 12),
    (dict(mode="max", factor=0.5, patience=1, threshold=0.01),
     [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625, 0.003125, 0.003125, 0.0015625, 0.0015625]),
    # 0.1·0.5 < min_lr 0.0999: new lr 0.0999; the next change (1e-18 after rounding) is < eps.
    (dict(factor=0.5, patience=0, min_lr=0.0999), [0.1, 0.1] + [0.0999] * 12),
]


@pytest.mark.parametrize("kwargs, expected", PLATEAU_CASES)
def test_plateau_matches_pytorch_sequences(kwargs, expected):
    p = ReduceLROnPlateau(**kwargs)
    s = p.init(0.1)
    got = []
    for m in METRICS:
        s = p.update(s, m)
        got.append(float(s.lr))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_plateau_rows_are_independent():
    p = ReduceLROnPlateau(factor=0.5, patience=1)
    s = p.init([0.1, 0.2])
    rows = np.array([METRICS, METRICS[::-1]]).T
    for m in rows:
        s = p.update(s, m)
    for i, start in enumerate([0.1, 0.2]):
        si = p.init(start)
        for m in rows[:, i]:
            si = p.update(si, m)
        assert float(si.lr) == s.lr[i]


def test_plateau_in_run_controls_the_recorded_lr():
    prob = problems.quadratic(condition_number=10.0)
    ctrl = ReduceLROnPlateau(factor=0.5, patience=0, threshold=0.9, every=5)
    traj = run(optimizers.sgd(lr=1.0), prob, 40, plateau=ctrl)
    expect_state = ctrl.init(1.0)
    for k in range(40):
        assert traj.lr[k] == float(expect_state.lr)
        if (k + 1) % 5 == 0:
            expect_state = ctrl.update(expect_state, traj.loss[k + 1])
    assert traj.lr[-1] < traj.lr[0]
    with pytest.raises(ValueError, match="schedule"):
        run(optimizers.sgd(lr=schedules.constant(0.1)), prob, 3, plateau=ctrl)


@pytest.mark.parametrize("call, words", [
    (lambda: run(optimizers.sgd(lr=0.1), problems.beale(), -1), ["'steps'", "run"]),
    (lambda: run(optimizers.sgd(lr=0.1), problems.beale(), 3, divergence_threshold=0), ["'divergence_threshold'"]),
    (lambda: run(optimizers.sgd(lr=0.1), problems.beale(), 3, plateau=0.1), ["'plateau'"]),
    (lambda: run(optimizers.sgd(lr=-0.1), problems.beale(), 3), ["'lr'"]),
    (lambda: run(optimizers.sgd(lr=[0.1, 0.2]), problems.beale(), 3, theta0=np.zeros((3, 2))), ["shape"]),
    (lambda: run(optimizers.sgd(lr=0.1), problems.beale(), 3, theta0=[np.nan, 0.0]), ["'theta0'", "finite"]),
    (lambda: run(optimizers.sgd(lr=0.1), problems.saddle(), 3, theta0=[1e200, 1e200]), ["start", "finite"]),
    (lambda: ReduceLROnPlateau(mode="mni"), ["'mode'", "Did you mean 'min'"]),
    (lambda: ReduceLROnPlateau(factor=1.0), ["'factor'", "[0, 1)"]),
    (lambda: ReduceLROnPlateau(patience=-1), ["'patience'"]),
    (lambda: lr_range_test(optimizers.sgd, problems.beale(), start_lr=1.0, end_lr=0.1), ["'end_lr'"]),
])
def test_bad_input_raises_naming_the_parameter(call, words):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    for w in words:
        assert w in str(err.value)
