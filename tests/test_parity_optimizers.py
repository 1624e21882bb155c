"""Parity: lrlessons' framework optimizers replay the real frameworks' trajectories.

``lrlessons/reference/optimizers.json`` was written by ``tools/make_fixtures_optimizers.py``, which
drove the real PyTorch, TF1, Keras 3 and optax optimizers in float64 (format and provenance in
that script's docstring; versions in the file's ``"versions"``). Each case stores the exact
constructor arguments, ``theta0``, the gradients fed and the parameters after every update.
Here the same constructor of ``lrlessons.frameworks.<framework>`` is called with the same
arguments and the stored gradients are replayed through ``opt.step``; every parameter after
every update must agree to ``rtol=1e-12``. numpy only.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from lrlessons import reference

DATA = reference.load("optimizers")          # lrlessons/reference/optimizers.json, as lessons read it
CASES = DATA["cases"]
BY_ID = {c["id"]: c for c in CASES}

RTOL = 1e-12
# Absolute tolerance, relative to the size of the case's trajectory: float64 rounding in an
# update is relative to the magnitude of the terms combined (parameters and steps, all bounded
# by max|theta|), not to the entry itself, so an entry that passes near zero carries an
# absolute error of a few ulp of that scale per update: 64 updates x 2.2e-16 ~ 1.4e-14 x scale.
# 1e-13 x scale leaves a 7x margin while staying 10x tighter than rtol applied to that scale.
ATOL_SCALE = 1e-13

# Every framework optimizer that issue 3 lists, by framework (a missing case fails).
REQUIRED = {
    "pytorch": {"SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "RAdam", "Adamax",
                "Adadelta"},
    "tf1": {"GradientDescentOptimizer", "MomentumOptimizer", "AdagradOptimizer",
            "RMSPropOptimizer", "AdamOptimizer", "AdadeltaOptimizer"},
    "keras": {"SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Nadam", "Adamax", "Adadelta"},
    "optax": {"sgd", "adagrad", "rmsprop", "adam", "adamw", "amsgrad", "nadam", "radam",
              "adamax", "adadelta"},
}
# Every keyword issue 3 lists, by framework: each must be exercised by some case.
REQUIRED_KEYWORDS = {
    "pytorch": {"lr", "betas", "eps", "weight_decay", "amsgrad", "momentum", "dampening",
                "nesterov", "alpha", "centered", "lr_decay", "initial_accumulator_value",
                "momentum_decay", "rho", "decoupled_weight_decay"},
    "tf1": {"momentum", "use_nesterov", "initial_accumulator_value", "decay", "centered",
            "epsilon", "beta1", "beta2", "rho"},
    "keras": {"learning_rate", "beta_1", "beta_2", "epsilon", "rho", "momentum", "nesterov",
              "centered", "amsgrad", "weight_decay", "initial_accumulator_value"},
    "optax": {"learning_rate", "eps_in_sqrt", "bias_correction", "centered", "momentum",
              "nesterov", "eps_root", "initial_scale", "weight_decay", "eps", "decay"},
}


def _is_schedule(x):
    return isinstance(x, dict) and "schedule" in x


def _decode(module, x):
    """Turn a fixture schedule dict into the framework module's schedule; else unchanged."""
    if _is_schedule(x):
        return getattr(module, x["schedule"])(*x["args"], **x["kwargs"])
    return x


def _cycled_momentum(case, kwargs):
    """A torch ``OneCycleLR``/``CyclicLR`` with ``cycle_momentum`` overwrites the optimizer's
    momentum (``betas[0]`` for the Adam family) every step: lrlessons gets the lr schedule's
    ``.momentum`` in its place (see the generator's docstring)."""
    m = getattr(kwargs.get("lr"), "momentum", None)
    if m is None:
        return kwargs
    if "momentum" in kwargs:
        return {**kwargs, "momentum": m}
    b2 = kwargs.get("betas", (0.9, 0.999))[1]
    return {**kwargs, "betas": (m, b2)}


def build(case):
    """``lrlessons.frameworks.<framework>.<optimizer>(*args, **kwargs)`` of a fixture case."""
    module = importlib.import_module(f"lrlessons.frameworks.{case['framework']}")
    args = [_decode(module, a) for a in case["args"]]
    kwargs = {k: _decode(module, v) for k, v in case["kwargs"].items()}
    if case["framework"] == "pytorch":
        kwargs = _cycled_momentum(case, kwargs)
    return getattr(module, case["optimizer"])(*args, **kwargs)


def replay(case):
    """Parameters after every update, replaying the stored gradients through lrlessons."""
    opt = build(case)
    theta = np.array(case["theta0"], dtype=np.float64)
    state = opt.init(theta)
    out = []
    for g in case["grads"]:
        theta, state, _ = opt.step(theta, np.array(g, dtype=np.float64), state)
        out.append(np.array(theta, dtype=np.float64))
    return np.array(out)


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_matches_framework(case_id):
    case = BY_ID[case_id]
    expected = np.array(case["thetas"])
    got = replay(case)
    assert got.shape == expected.shape
    atol = ATOL_SCALE * max(np.abs(expected).max(), np.abs(case["theta0"]).max())
    err = np.abs(got - expected)
    bad = err > atol + RTOL * np.abs(expected)
    if bad.any():
        rel = err / np.maximum(np.abs(expected), np.finfo(float).tiny)
        first = int(np.argmax(bad.any(axis=1)))
        pytest.fail(
            f"{case_id}: first diverging update {first + 1} of {len(expected)}; worst relative "
            f"error {rel.max():.3g} (update {int(np.argmax(rel.max(axis=1))) + 1}); at update "
            f"{first + 1}: lrlessons {got[first].tolist()} vs {case['framework']} "
            f"{expected[first].tolist()}")


def test_fixture_covers_every_listed_optimizer():
    have = {fw: {c["optimizer"] for c in CASES if c["framework"] == fw} for fw in REQUIRED}
    missing = {fw: sorted(REQUIRED[fw] - have[fw]) for fw in REQUIRED if REQUIRED[fw] - have[fw]}
    assert not missing, f"fixture lacks cases for {missing}"


def test_fixture_covers_every_listed_keyword():
    used = {fw: set() for fw in REQUIRED_KEYWORDS}
    for c in CASES:
        used[c["framework"]].update(c["kwargs"])
    missing = {fw: sorted(REQUIRED_KEYWORDS[fw] - used[fw])
               for fw in REQUIRED_KEYWORDS if REQUIRED_KEYWORDS[fw] - used[fw]}
    assert not missing, f"fixture lacks keywords {missing}"


def test_fixture_has_schedule_driven_momentum_cases():
    """lr-inside vs lr-outside the momentum buffer only shows when lr changes every update."""
    momentum_opts = {"pytorch": {"SGD", "RMSprop"}, "tf1": {"MomentumOptimizer", "RMSPropOptimizer"},
                     "keras": {"SGD", "RMSprop"}, "optax": {"sgd", "rmsprop"}}
    for fw, names in momentum_opts.items():
        for name in names:
            scheduled = [c["id"] for c in CASES
                         if c["framework"] == fw and c["optimizer"] == name
                         and any(_is_schedule(v) for v in [*c["args"], *c["kwargs"].values()])
                         and (c["kwargs"].get("momentum") or 0) > 0]
            assert scheduled, f"no schedule-driven momentum case for {fw}.{name}"


def test_fixture_is_well_formed():
    assert DATA["versions"]["steps"] >= 60
    for fw in REQUIRED:
        assert DATA["versions"][fw]["version"], fw
    for c in CASES:
        n = len(c["grads"])
        assert n >= 60 and len(c["thetas"]) == n, c["id"]
        assert c["id"].startswith(f"{c['framework']}.{c['optimizer']}."), c["id"]
        assert np.isfinite(c["thetas"]).all(), c["id"]
        # the run moved: a case that stays at theta0 cannot tell conventions apart
        assert not np.allclose(c["thetas"][-1], c["theta0"], rtol=1e-6, atol=0), c["id"]


def _quad_grad(theta):
    a = np.deg2rad(30.0)
    r = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return r @ np.diag([1.0, 50.0]) @ r.T @ (theta - np.array([0.5, -0.25]))


def _rosen_grad(theta):
    x, y = theta
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


@pytest.mark.parametrize("problem, grad", [("quadratic", _quad_grad), ("rosenbrock", _rosen_grad)])
def test_fixture_gradients_are_taken_at_the_framework_iterates(problem, grad):
    """Each recorded gradient is the problem's gradient at the framework's previous iterate."""
    cases = [c for c in CASES if c["problem"] == problem]
    assert len(cases) >= 20
    for c in cases:
        previous = [c["theta0"], *c["thetas"][:-1]]
        for k in (0, 1, len(previous) // 2, len(previous) - 1):
            np.testing.assert_allclose(c["grads"][k], grad(np.array(previous[k])),
                                       rtol=1e-10, atol=1e-10, err_msg=c["id"])


def test_sequence_problem_has_tiny_and_large_gradients():
    seq = [c for c in CASES if c["problem"] == "sequence"]
    g = np.array(seq[0]["grads"])
    assert all(np.array_equal(np.array(c["grads"]), g) for c in seq)
    assert np.abs(g[0]).max() < 1e-8                       # ε placement shows on update 1
    assert np.abs(g[5]).max() > 10 * np.median(np.abs(np.delete(g, 5, axis=0)))  # AMSGrad
    assert np.abs(np.delete(g, 5, axis=0)[:, 3]).max() < 1e-6  # a coordinate where ε ~ √v


MOMENTA = [c["id"] for c in CASES if "momenta" in c]


def test_fixture_has_cycled_momentum_cases():
    scheds = {c["kwargs"]["lr"]["schedule"] for c in CASES if c["id"] in MOMENTA}
    opts = {c["optimizer"] for c in CASES if c["id"] in MOMENTA}
    assert scheds == {"OneCycleLR", "CyclicLR"}
    assert {"SGD", "Adam"} <= opts


@pytest.mark.parametrize("case_id", MOMENTA)
def test_cycled_momentum_values(case_id):
    """The momentum torch's scheduler wrote before update k+1 equals ``schedule.momentum(k)``."""
    case = BY_ID[case_id]
    opt = build(case)
    name = "momentum" if "momentum" in opt.hyperparameters else "beta1"
    m = opt.hyperparameters[name]
    expected = np.array(case["momenta"])
    assert expected.max() > expected.min() + 0.01                  # torch really cycled it
    np.testing.assert_allclose(m(np.arange(len(expected))), expected, rtol=1e-12, atol=0)
