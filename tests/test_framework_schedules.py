"""Parity of every framework schedule with the real framework (fixture from tools/make_fixtures_schedules.py).

The fixture holds values computed by torch, TensorFlow (tf.compat.v1.train), Keras 3 and
optax; this file needs numpy only. Float64 cases must agree to ``rtol=1e-12`` with no
absolute slack (PyTorch computes most schedulers recursively, each value from the previous
one; the worst relative difference measured is 1.1e-13, for CosineAnnealingLR near its zero).

The TF1 cosine family (cosine_decay, cosine_decay_restarts, linear_cosine_decay) multiplies
by ``constant_op.constant(math.pi)``, a float32 tensor, so it cannot run in float64; those
cases are stored as computed in float32 and compared at a float32 tolerance (``rtol=1e-6``
plus ``1e-6 * max|values|``: near a zero of the cosine, one float32 rounding of its argument
is a large relative error). The same formulas run in float64 through Keras 3 and agree to 1e-12.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from lrlessons import reference, schedules
from lrlessons.frameworks import keras, optax, pytorch, tf1

FIXTURE = Path(reference.__file__).parent / "schedules.json"
DOC = reference.load("schedules")            # as lessons read it
CASES = DOC["cases"]
MODULES = {"pytorch": pytorch, "tf1": tf1, "keras": keras, "optax": optax}

LAMBDAS = {
    "pow095": lambda epoch: 0.95**epoch,
    "step_at_10": lambda epoch: 1.0 if epoch < 10 else 0.1,
}

# Every framework schedule the issue lists; the fixture must cover each one.
LISTED = {
    "pytorch": ["StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
                "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "SequentialLR", "LambdaLR"],
    "tf1": ["exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay", "piecewise_constant",
            "cosine_decay", "cosine_decay_restarts", "linear_cosine_decay"],
    "keras": ["ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay", "CosineDecay",
              "CosineDecayRestarts"],
    "optax": ["constant_schedule", "linear_schedule", "polynomial_schedule", "exponential_decay", "cosine_decay_schedule",
              "warmup_cosine_decay_schedule", "warmup_constant_schedule", "warmup_exponential_decay_schedule",
              "sgdr_schedule", "piecewise_constant_schedule", "piecewise_interpolate_schedule", "join_schedules",
              "cosine_onecycle_schedule", "linear_onecycle_schedule"],
}


def steps_of(spec):
    st = spec["steps"]
    return np.arange(st["range"] + 1) if "range" in st else np.asarray(st["list"])


def decode(v, lr=None):
    if isinstance(v, dict):
        if "__schedule__" in v:
            return build(v["__schedule__"], lr)
        if "__items__" in v:
            return {int(k): x for k, x in v["__items__"]}
        if "__lambda__" in v:
            return LAMBDAS[v["__lambda__"]]
        return {k: decode(x, lr) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x, lr) for x in v]
    return v


def build(spec, lr=None):
    """The lrlessons schedule for a fixture spec (PyTorch children inherit the parent's lr)."""
    mod = MODULES[spec["fw"]]
    fn = getattr(mod, spec["name"])
    lr = spec.get("lr") if spec.get("lr") is not None else lr
    kwargs = decode(spec["kwargs"], lr)
    if spec["fw"] == "pytorch":
        return fn(lr, **kwargs) if spec["name"] not in ("CyclicLR", "OneCycleLR", "SequentialLR") else fn(**kwargs)
    if spec["fw"] == "tf1":
        if spec["name"] == "piecewise_constant":
            return fn(None, **kwargs)
        return fn(spec["args"][0], None, **kwargs)
    return fn(*spec["args"], **kwargs)


def case_id(spec):
    kw = ",".join(f"{k}={v}" for k, v in spec["kwargs"].items() if not isinstance(v, (dict, list)) or k == "milestones")
    return f"{spec['fw']}.{spec['name']}({kw})"


def test_fixture_records_versions_and_is_small():
    assert set(DOC["versions"]) >= {"torch", "tensorflow", "keras", "jax", "optax", "numpy"}
    assert FIXTURE.stat().st_size < 2_000_000


@pytest.mark.parametrize("fw", sorted(LISTED))
def test_fixture_covers_every_listed_schedule(fw):
    covered = {c["name"] for c in CASES if c["fw"] == fw}
    assert set(LISTED[fw]) <= covered, sorted(set(LISTED[fw]) - covered)
    assert set(LISTED[fw]) <= set(MODULES[fw].__all__)


@pytest.mark.parametrize("spec", CASES, ids=[case_id(c) for c in CASES])
def test_matches_framework(spec):
    s = build(spec)
    assert isinstance(s, schedules.Schedule)
    steps = steps_of(spec)
    expected = np.asarray(spec["values"], dtype=np.float64)
    got = s(steps)
    assert got.dtype == np.float64 and got.shape == steps.shape
    scale = np.max(np.abs(expected))
    if spec["dtype"] == "float32":
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6 * scale)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("spec", [c for c in CASES if c["fw"] == "tf1"][:3], ids=lambda c: c["name"])
def test_tf1_scalar_step_returns_value(spec):
    mod_fn = getattr(tf1, spec["name"])
    steps = steps_of(spec)
    v = mod_fn(spec["args"][0], int(steps[-1]), **spec["kwargs"])
    assert np.ndim(v) == 0
    np.testing.assert_allclose(float(v), spec["values"][-1], rtol=1e-12)


# ---------------------------------------------------------------------------------------
# calling conventions of the framework modules
# ---------------------------------------------------------------------------------------


def test_tf1_global_step_none_returns_schedule_and_arrays_map():
    s = tf1.exponential_decay(0.1, None, 1000, 0.96, staircase=True)
    assert isinstance(s, schedules.Schedule)
    steps = np.array([[0, 1000], [2000, 3000]])
    out = tf1.exponential_decay(0.1, steps, 1000, 0.96, staircase=True)
    assert out.shape == (2, 2)
    np.testing.assert_array_equal(out, s(steps))
    with pytest.raises(TypeError, match="global_step"):
        tf1.cosine_decay(0.1, s, 100)


def test_misspelled_framework_keyword_suggests_the_right_one():
    with pytest.raises(TypeError, match="Did you mean 'step_size'"):
        pytorch.StepLR(0.1, stepsize=30)
    with pytest.raises(TypeError, match="Did you mean 'warmup_target'"):
        keras.CosineDecay(0.1, 100, warmup_targt=1.0)
    with pytest.raises(TypeError, match="Did you mean 'transition_steps'"):
        optax.linear_schedule(0.0, 1.0, transition_step=10)


def test_pytorch_one_cycle_raises_past_total_steps_like_torch():
    s = pytorch.OneCycleLR(0.1, total_steps=100)
    assert np.isfinite(s(100))
    with pytest.raises(ValueError, match="total_steps"):
        s(101)
    with pytest.raises(ValueError, match="total_steps OR"):
        pytorch.OneCycleLR(0.1)


def test_framework_schedules_drive_like_core_ones():
    # the docs' equivalences: StepLR is a staircase exponential decay, MultiStepLR a piecewise constant
    steps = np.arange(200)
    np.testing.assert_array_equal(pytorch.StepLR(0.1, step_size=30)(steps),
                                  schedules.exponential_decay(0.1, 30, 0.1, staircase=True)(steps))
    assert isinstance(pytorch.MultiStepLR(0.1, [30, 80]), schedules.PiecewiseConstant)
    # batched base learning rates work through the framework wrappers too
    out = pytorch.CosineAnnealingLR([0.1, 0.2], T_max=10, eta_min=0.01)(steps[:25])
    np.testing.assert_allclose(out[1], pytorch.CosineAnnealingLR(0.2, T_max=10, eta_min=0.01)(steps[:25]), rtol=1e-15)


def test_pytorch_validation_names_parameter():
    with pytest.raises(ValueError, match=r"'T_mult'.*\[1, inf\).*0"):
        pytorch.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=0)
    with pytest.raises(ValueError, match=r"'factor'.*1.5"):
        pytorch.ConstantLR(0.1, factor=1.5)


def test_pytorch_momentum_keywords_accepted_and_scale_fn_refused():
    a = pytorch.OneCycleLR(0.1, total_steps=50, cycle_momentum=False, base_momentum=0.8)
    np.testing.assert_array_equal(a(np.arange(51)), pytorch.OneCycleLR(0.1, total_steps=50)(np.arange(51)))
    assert a.momentum is None
    c = pytorch.CyclicLR(0.01, 0.1, step_size_up=5, cycle_momentum=False)
    assert float(c(5)) == pytest.approx(0.1)
    assert c.momentum is None
    with pytest.raises(ValueError, match="'scale_fn'"):
        pytorch.CyclicLR(0.01, 0.1, scale_fn=lambda x: 1.0)


# -- cycle_momentum: the momentum schedule torch writes into the optimizer ------------------
def test_onecycle_momentum_mirrors_the_rate():
    s = pytorch.OneCycleLR(0.1, total_steps=100)
    m = s.momentum(np.arange(101))
    assert repr(s).startswith("OneCycle(") and "momentum" not in repr(s)
    assert m[0] == pytest.approx(0.95, abs=1e-15) and m[29] == pytest.approx(0.85, abs=1e-15)
    assert m[99] == pytest.approx(0.95, abs=1e-15)
    assert np.argmin(m) == np.argmax(s(np.arange(101))) == 29
    q = (50 - 29) / (99 - 29)                                   # cos anneal .85 → .95 in phase 2
    assert m[50] == pytest.approx(0.95 + (0.85 - 0.95) / 2 * (np.cos(np.pi * q) + 1), rel=1e-15)
    lin = pytorch.OneCycleLR(0.1, total_steps=10, pct_start=0.5, anneal_strategy="linear",
                             base_momentum=0.8, max_momentum=0.9).momentum
    np.testing.assert_allclose(lin([0, 2, 4, 9]), [0.9, 0.85, 0.8, 0.9], rtol=1e-15)
    three = pytorch.OneCycleLR(0.1, total_steps=20, three_phase=True, anneal_strategy="linear").momentum
    np.testing.assert_allclose(three([0, 5, 10, 19]), [0.95, 0.85, 0.95, 0.95], rtol=1e-15)
    with pytest.raises(ValueError, match=r"'step'.*\[0, 100\].*101"):
        s.momentum(101)


def test_cyclic_momentum_mirrors_the_rate():
    s = pytorch.CyclicLR(0.01, 0.1, step_size_up=4, step_size_down=2, mode="triangular2")
    np.testing.assert_allclose(s.momentum([0, 2, 4, 5, 6, 8, 10]),
                               [0.9, 0.85, 0.8, 0.85, 0.9, 0.875, 0.85], rtol=1e-15)
    e = pytorch.CyclicLR(0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9,
                         base_momentum=0.7, max_momentum=0.8).momentum
    assert float(e(3)) == pytest.approx(0.8 - 0.1 * 0.9**3, rel=1e-15)
    assert repr(e) == ("CyclicMomentum(base_momentum=0.7, max_momentum=0.8, step_size_up=3, step_size_down=3, "
                       "mode='exp_range', gamma=0.9)")


def test_momentum_schedules_validate_and_batch():
    with pytest.raises(ValueError, match=r"'max_momentum' parameter of OneCycleLR must be in \[0, 1\)"):
        pytorch.OneCycleLR(0.1, total_steps=10, max_momentum=1.0)
    with pytest.raises(TypeError, match=r"'cycle_momentum'.*bool"):
        pytorch.CyclicLR(0.01, 0.1, cycle_momentum="yes")
    b = pytorch.OneCycleLR(0.1, total_steps=10, base_momentum=[0.8, 0.85]).momentum
    assert b.batch_shape == (2,)
    np.testing.assert_allclose(b(2), [0.8, 0.85], rtol=1e-15)


def test_momentum_schedule_drives_pytorch_optimizers():
    s = pytorch.OneCycleLR(0.1, total_steps=20)
    sgd = pytorch.SGD(lr=s, momentum=s.momentum)
    adam = pytorch.Adam(lr=s, betas=(s.momentum, 0.999))
    assert sgd.hyperparameters["momentum"] is s.momentum and adam.hyperparameters["beta1"] is s.momentum
    theta, state = np.array([1.0]), sgd.init(np.array([1.0]))
    for _ in range(3):
        theta, state, tr = sgd.step(theta, np.array([1.0]), state)
    m = [float(s.momentum(k)) for k in range(3)]                # b_1 = g, b_k = m_{k-1} b + g
    assert float(tr.b[0]) == pytest.approx((m[1] * 1 + 1) * m[2] + 1, rel=1e-15)


# -- one formula per schedule, public names only -------------------------------------------
FRAMEWORK_SCHEDULES = [build(c) for c in CASES] + [
    pytorch.CyclicMomentum(0.8, 0.9, step_size_up=3), pytorch.OneCycleMomentum(total_steps=20, three_phase=True),
    pytorch.LambdaLR([0.1, 0.2], lr_lambda=lambda e: 1.0 / (e + 1)),
]


def _classes():
    seen = {}
    for s in FRAMEWORK_SCHEDULES:
        seen.setdefault(type(s), s)
    return list(seen.values())


@pytest.mark.parametrize("s", _classes(), ids=lambda s: type(s).__name__)
def test_framework_schedule_runs_the_public_formula_that_source_shows(s, monkeypatch):
    f = type(s).formula
    assert s.formula is f and not f.__name__.startswith("_") and f.__qualname__ == f.__name__
    assert getattr(sys.modules[f.__module__], f.__name__) is f
    assert s.source == inspect.getsource(f)
    steps = np.arange(15)
    expected = s(steps)
    calls = []
    monkeypatch.setattr(type(s), "formula", staticmethod(lambda *a: calls.append(a) or f(*a)))
    np.testing.assert_array_equal(s(steps), expected)
    assert calls


def test_momentum_schedules_share_the_core_building_blocks():
    assert "triangle(" in pytorch.CyclicMomentum().source and "triangle(" in schedules.cyclic(0.1, 1.0).source
    assert "one_cycle_phases(" in pytorch.OneCycleMomentum().source and "one_cycle_phases(" in schedules.one_cycle(1.0, 10).source


def _private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


FRAMEWORK_FILES = sorted((Path(schedules.__file__).parents[1] / "frameworks").rglob("*.py"))


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_framework_module_reads_a_private_name(path):
    tree = ast.parse(path.read_text())
    aliases = set()                              # names bound to lrlessons modules (S, schedules, ...)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            for a in node.names:
                assert not _private(a.name), (path.name, node.module, a.name)
                aliases.add(a.asname or a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            assert not _private(node.attr), (path.name, f"{node.value.id}.{node.attr}")


def test_the_private_name_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ... import schedules as S\nS._call_piece(None, None)\n")
    with pytest.raises(AssertionError):
        test_no_framework_module_reads_a_private_name(bad)
