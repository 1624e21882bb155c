"""Generated inputs for every public entry point (issue 14): the next bad input is found here, not by a student.

Each property draws arguments from values students really type (numbers of every size and
sign, NaN, ±inf, huge integers, booleans, None, strings, lists, ragged lists) and asserts that
the call either works, with finite results, or raises ``ValueError``/``TypeError`` whose
message quotes a parameter or argument name; never another exception, a hang or a silent
NaN. Each is bounded (``max_examples``, ``deadline``) so the file runs in a few seconds.
"""

from __future__ import annotations

import inspect
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrlessons as ll
from lrlessons import exercises, frameworks, problems
from lrlessons import optimizers as O
from lrlessons.training import load_checkpoint, save_checkpoint

QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMED = re.compile(r"'[A-Za-z_][\w\[\]\.]*'")                 # a quoted parameter name: 'lr', 'betas[0]'

#: What a student might type for a number.
ANY_VALUE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, 1e-8, 0.1, 0.5, 0.9, 0.999, 1.0, 2.0, 1e300, -1.0, -0.0]),
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([2**62, 2**64, -2**70, 10**400]),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=3),
    st.sampled_from([[[0.1], [0.1, 0.2]], ["a", "b"], (0.9, 0.99), {"lr": 1}, np.array([0.1, np.nan])]),
)

FACTORIES = {**{f"core.{k}": v for k, v in O.FACTORIES.items()}, **frameworks.registry("optimizers")}


def parameters(factory):
    return [p for p in inspect.signature(factory).parameters.values()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def assert_clear(err: BaseException) -> None:
    """A ValueError/TypeError whose message quotes the parameter or argument it is about."""
    assert isinstance(err, (ValueError, TypeError)), f"{type(err).__name__}: {err}"
    assert NAMED.search(str(err)), f"{type(err).__name__} names no parameter: {err}"


def finite_record(traj) -> None:
    assert np.isfinite(traj.loss).all(), "a run recorded a non-finite loss"
    assert traj.theta is None or np.isfinite(traj.theta).all(), "a run recorded non-finite parameters"
    assert np.isfinite(traj.theta_last).all()


# -- optimizer factories (core and every framework), then a short run ------------------------------
@QUICK
@given(st.sampled_from(sorted(FACTORIES)), st.data())
def test_every_optimizer_factory_accepts_or_names_the_parameter(name, data):
    factory = FACTORIES[name]
    params = parameters(factory)
    chosen = data.draw(st.lists(st.sampled_from([p.name for p in params]), max_size=3, unique=True), label="params")
    kwargs = {p.name: 0.01 for p in params if p.default is inspect.Parameter.empty}   # required ones
    for k in chosen:
        kwargs[k] = data.draw(ANY_VALUE, label=k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # a numpy warning is a silent problem too
        try:
            opt = factory(**kwargs)
        except Exception as err:  # noqa: BLE001 - what is checked
            assert_clear(err)
            return
        try:
            traj = ll.run(opt, problems.rosenbrock(), 5)
        except Exception as err:  # noqa: BLE001
            assert_clear(err)
            return
    finite_record(traj)


# -- Optimizer.step with odd parameters, gradients and states --------------------------------------
ARRAYS = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=0, max_size=3).map(np.array),
    st.lists(st.floats(-10, 10), min_size=2, max_size=2).map(lambda v: np.array(v, dtype=np.float32)),
    st.lists(st.integers(-5, 5), min_size=2, max_size=2).map(np.array),
    st.sampled_from([np.array([1j, 2.0]), np.array(["a", "b"]), [[1.0], [1.0, 2.0]], None, 3.0, "x",
                     np.zeros((2, 2)), np.array([1.0, 2.0])]),
)


@QUICK
@given(st.sampled_from(sorted(O.FACTORIES)), ARRAYS, ARRAYS,
       st.sampled_from(["init", "none", "tuple", "other", "int", "amsgrad"]))
def test_step_works_or_names_theta_grad_or_state(name, theta, grad, state_kind):
    opt = O.FACTORIES[name](lr=0.01)
    try:
        good = opt.init(np.array([1.0, 2.0]))
        state = {"init": None, "none": None, "tuple": tuple(good), "other": O.sgd(0.1).init(np.zeros(2)),
                 "int": 0, "amsgrad": O.adam(0.1, amsgrad=True).init(np.zeros(2))}[state_kind]
        if state_kind == "init":
            state = opt.init(theta)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            new, new_state, tr = opt.step(theta, grad, state)
    except Exception as err:  # noqa: BLE001
        assert_clear(err)
        return
    theta = np.asarray(theta)
    assert new.shape == theta.shape and new.dtype == (theta.dtype if theta.dtype.kind == "f" else np.float64)
    if not np.isfinite(new).all() and np.isfinite(theta).all():         # (non-finite in, non-finite out)
        # A finite gradient near the float limit (1e154 squared) overflows, in every framework
        # too: step returns it (a batched run freezes only that row) but never silently.
        assert any(issubclass(w.category, RuntimeWarning) for w in caught), "a silent non-finite step"


# -- run -------------------------------------------------------------------------------------------
@QUICK
@given(steps=st.one_of(st.integers(-2, 30), st.sampled_from([2**62, 10**400, 2.5, "10", None, True, 10**7 + 1])),
       theta0=st.one_of(st.none(), ARRAYS),
       threshold=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.just("x")),
       lr=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.just([0.1, 0.2])),
       problem=st.sampled_from(["quadratic", "rosenbrock", "beale", "saddle", "ravine", "name"]),
       optimizer=st.sampled_from(["sgd", "adam", "rmsprop", "name", "factory"]))
def test_run_works_with_a_finite_record_or_names_the_argument(steps, theta0, threshold, lr, problem, optimizer):
    p = problem if problem == "name" else problems.SURFACES[problem]()
    opt = {"name": "adam", "factory": O.adam}.get(optimizer) or O.FACTORIES[optimizer](lr=0.01)
    try:
        traj = ll.run(opt, p, steps, theta0=theta0, lr=lr, divergence_threshold=threshold)
    except Exception as err:  # noqa: BLE001
        assert_clear(err)
        return
    finite_record(traj)
    assert traj.steps == int(steps)


# -- sweep -----------------------------------------------------------------------------------------
AXES = st.one_of(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=4), ANY_VALUE)


@SLOW
@given(first=AXES, second=st.one_of(st.none(), AXES), tol=st.one_of(st.floats(allow_nan=True), st.just(None)),
       names=st.sampled_from([("lr", "momentum"), ("lr", "weight_decay"), ("momentum", "lr"), ("lr", "nope")]))
def test_sweep_works_or_names_the_argument(first, second, tol, names):
    grid = {names[0]: first} if second is None else {names[0]: first, names[1]: second}
    try:
        res = ll.sweep(O.momentum, problems.quadratic(), 20, grid=grid, tol=1e-6 if tol is None else tol)
    except Exception as err:  # noqa: BLE001
        assert_clear(err)
        return
    assert np.isfinite(res.final_loss).all()
    try:
        best = res.best
    except ValueError as err:
        assert res.diverged.all() and "diverged" in str(err)
    else:
        assert set(best) == set(grid)


# -- problems --------------------------------------------------------------------------------------
PROBLEM_FACTORIES = {"quadratic": problems.quadratic, "rosenbrock": problems.rosenbrock, "ravine": problems.ravine,
                     "linear_regression": problems.linear_regression, "logistic_regression": problems.logistic_regression,
                     "mlp": problems.mlp}


@QUICK
@given(st.sampled_from(sorted(PROBLEM_FACTORIES)), st.data())
def test_problem_factories_work_or_name_the_argument(name, data):
    factory = PROBLEM_FACTORIES[name]
    chosen = data.draw(st.lists(st.sampled_from([p.name for p in parameters(factory)]), max_size=2, unique=True))
    kwargs = {k: data.draw(ANY_VALUE, label=k) for k in chosen}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            p = factory(**kwargs)
        except Exception as err:  # noqa: BLE001
            assert_clear(err)
            return
        x0 = np.asarray(p.x0)
        assert np.isfinite(x0).all() and np.isfinite(p.loss(x0)) and np.isfinite(p.grad(x0)).all()


# -- checkpoint round trip -------------------------------------------------------------------------
@SLOW
@given(name=st.sampled_from(sorted(O.FACTORIES)), lr=st.floats(1e-4, 0.5), first=st.integers(0, 8),
       second=st.integers(0, 8), batched=st.booleans())
def test_checkpoint_round_trip_resumes_bit_for_bit(name, lr, first, second, batched):
    # Muon takes matrices: on a 2-D problem a point is a 1x2 matrix (fallback='row')
    opt = O.FACTORIES[name](lr=[lr, lr / 2] if batched else lr, **({"fallback": "row"} if name == "muon" else {}))
    p = problems.rosenbrock()
    whole = ll.run(opt, p, first + second)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "c.npz")
        save_checkpoint(path, ll.run(opt, p, first))
        resumed = ll.run(opt, p, second, resume=load_checkpoint(path, opt, p))
    np.testing.assert_array_equal(resumed.theta, whole.theta)
    np.testing.assert_array_equal(resumed.loss, whole.loss)


# -- exercises.check -------------------------------------------------------------------------------
class Odd(Exception):
    def __str__(self):
        raise RuntimeError("unprintable")


BEHAVIOURS = {
    "right": lambda theta, grad, lr: theta - lr * grad,
    "none": lambda *a: None,
    "string": lambda *a: "theta",
    "complex": lambda theta, grad, lr: theta - lr * grad + 1j,
    "nan": lambda theta, grad, lr: theta * np.nan,
    "wrong shape": lambda theta, grad, lr: np.zeros(7),
    "tuple": lambda theta, grad, lr: (theta, theta),
    "ragged": lambda *a: [[1.0], [1.0, 2.0]],
    "raises": lambda *a: 1 / 0,
    "odd exception": lambda *a: (_ for _ in ()).throw(Odd()),
    "mutates": lambda theta, grad, lr: np.subtract(theta, lr * grad, out=theta),
    "object": lambda *a: object(),
    "too few arguments": lambda theta: theta,
}


@SLOW
@given(st.sampled_from(sorted(exercises.EXERCISES)), st.sampled_from(sorted(BEHAVIOURS)))
def test_check_never_raises_for_any_student_function(exercise, behaviour):
    result = exercises.check(exercise, BEHAVIOURS[behaviour], timeout=2.0)
    assert isinstance(result, exercises.CheckResult)
    assert isinstance(result.message, str) and isinstance(str(result), str)
    if behaviour not in ("right",):
        assert not result.passed or exercise not in ("gd_step",)
    if behaviour == "right" and exercise == "gd_step":
        assert result.passed
