"""Issue 14, classes 4, 5 and 7: schedules refuse non-finite values, never return NaN or a negative
rate for accepted arguments, and framework wrappers answer in the caller's parameter names;
hypothesis properties over every core and framework schedule factory."""

import numpy as np
import pytest

import lrlessons.schedules as S
from lrlessons import optimizers, problems
from lrlessons.training.search import lr_range_test

INF, NAN = float("inf"), float("nan")


# ----- class 4: non-finite values ------------------------------------------------------

@pytest.mark.parametrize("make, name", [
    (lambda: S.linear(INF, 0, 10), "'learning_rate'"),
    (lambda: S.linear(1.0, 0, INF), "'decay_steps'"),
    (lambda: S.constant(INF), "'learning_rate'"),
    (lambda: S.cosine_decay(1.0, INF), "'decay_steps'"),
    (lambda: S.exponential_decay(1.0, 10, INF), "'decay_rate'"),
    (lambda: S.cyclic(0.1, INF, 5), "'max_learning_rate'"),
    (lambda: S.one_cycle(INF, 100), "'max_learning_rate'"),
    (lambda: S.polynomial_decay(1.0, 10, power=INF), "'power'"),
    (lambda: S.linear(np.array([1.0, INF]), 0, 10), "'learning_rate'"),
])
def test_infinite_hyperparameters_are_refused(make, name):
    with pytest.raises(ValueError, match=rf"{name} parameter of \w+ must be (?:finite and )?in .*inf\)\. Got .*inf"):
        make()


@pytest.mark.parametrize("kwargs, match", [
    (dict(start_lr=INF), r"'start_lr' parameter of lr_range_test must be (?:finite and )?in \(0, inf\)\. Got inf"),
    (dict(end_lr=INF), r"'end_lr' parameter of lr_range_test must be (?:finite and )?in \(0, inf\)\. Got inf"),
    (dict(start_lr=1.0, end_lr=0.5), r"'end_lr' .* must be greater than 'start_lr' \(1\.0\)"),
])
def test_lr_range_test_messages(kwargs, match):
    with pytest.raises(ValueError, match=match) as e:
        lr_range_test(optimizers.sgd, problems.quadratic(), **kwargs)
    assert "(inf, inf)" not in str(e.value)


# ----- class 5: documented-valid arguments never give NaN or a negative rate ------------

def test_cosine_restarts_refuses_shrinking_periods():
    with pytest.raises(ValueError, match=r"'t_mul' parameter of cosine_decay_restarts must be (?:finite and )?in \[1, inf\)\. Got 0\.5"):
        S.cosine_decay_restarts(1.0, 10, t_mul=0.5)


def test_zero_rate_times_overflow_is_zero():
    assert float(S.exponential_decay(0.0, 1, 10.0)(1000)) == 0.0
    assert float(S.cosine_decay_restarts(0.0, 1, t_mul=1.0, m_mul=10.0)(1000)) == 0.0


def test_cyclic_exp_range_refuses_growing_gamma():
    with pytest.raises(ValueError, match=r"'gamma' parameter of cyclic must be (?:finite and )?in \(0, 1\]\. Got 2\.0"):
        S.cyclic(0.1, 1.0, 5, mode="exp_range", gamma=2.0)
    # gamma only matters for exp_range
    assert np.isfinite(S.cyclic(0.1, 1.0, 5, mode="triangular", gamma=2.0)(range(20))).all()


# ----- generated arguments: every core and framework schedule factory ----------------------

import inspect  # noqa: E402
import re  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lrlessons import reference  # noqa: E402
from lrlessons.frameworks import keras, optax, pytorch, tf1  # noqa: E402

_MODULES = {"pytorch": pytorch, "tf1": tf1, "keras": keras, "optax": optax}
_BAD = [0, -1, 0.5, 1, 1.5, 2, 7, 1e308, -0.0, INF, -INF, NAN, 2**64, 2**31, [0.1, 0.2], [0.5, 0.1, 0.9],
        [[0.1]], (), "a", None, True, {}, {1: 0.5}, {"a": 1}, np.array([0.1, 0.2]), np.array([1, 2, 3])]

_CORE = [
    (S.constant, dict(learning_rate=0.1)),
    (S.linear, dict(learning_rate=0.1, end_learning_rate=0.0, decay_steps=10)),
    (S.cosine_decay, dict(learning_rate=0.1, decay_steps=10, alpha=0.1)),
    (S.cosine_decay_restarts, dict(learning_rate=0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.1)),
    (S.linear_cosine_decay, dict(learning_rate=0.1, decay_steps=10)),
    (S.exponential_decay, dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5)),
    (S.natural_exp_decay, dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5)),
    (S.inverse_time_decay, dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5)),
    (S.polynomial_decay, dict(learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=2.0)),
    (S.piecewise_constant, dict(boundaries=[5, 10], values=[0.1, 0.01, 0.001])),
    (S.cyclic, dict(learning_rate=0.01, max_learning_rate=0.1, step_size_up=5, mode="exp_range", gamma=0.9)),
    (S.one_cycle, dict(max_learning_rate=0.1, total_steps=100)),
]


def _fixture_specs():
    """(factory, positional args, kwargs) of every flat framework case in the parity fixture."""
    out, seen = [], set()
    for spec in reference.load("schedules")["cases"]:
        fw, name = spec["fw"], spec["name"]
        kwargs = spec["kwargs"]
        if any(isinstance(v, dict) or (isinstance(v, list) and v and isinstance(v[0], dict)) for v in kwargs.values()):
            continue                                   # nested schedules, lambdas, items
        if name in ("sgdr_schedule", "join_schedules", "SequentialLR", "LambdaLR") or (fw, name) in seen:
            continue
        seen.add((fw, name))
        fn = getattr(_MODULES[fw], name)
        if fw == "pytorch":
            args = [] if name in ("CyclicLR", "OneCycleLR") else [spec["lr"]]
        elif fw == "tf1":
            args = [None] if name == "piecewise_constant" else [spec["args"][0], None]
        else:
            args = list(spec["args"])
        params = list(inspect.signature(fn).parameters)
        kw = dict(zip(params, args))
        kw.update(kwargs)
        out.append((fn, kw))
    return out


_FACTORIES = _CORE + _fixture_specs()
_NAME = re.compile(r"'(\w+)'")


def _names(fn):
    return set(inspect.signature(fn).parameters)


@settings(max_examples=400, deadline=500, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(_FACTORIES) - 1),
       edits=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(range(len(_BAD)))), min_size=1, max_size=2),
       steps=st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
def test_every_factory_builds_a_sane_schedule_or_names_a_parameter(which, edits, steps):
    fn, kw = _FACTORIES[which]
    kw = dict(kw)
    keys = [k for k in kw if kw[k] is not None or k != "global_step"]
    keys = [k for k in keys if k not in ("global_step", "x", "name")]
    for i, b in edits:
        kw[keys[i % len(keys)]] = _BAD[b]
    try:
        s = fn(**kw)
    except (ValueError, TypeError) as e:
        named = set(_NAME.findall(str(e)))
        assert named & _names(fn), f"{fn.__name__}({kw}) raised {e!r}, naming none of its parameters"
        assert not ({"alpha", "learning_rate", "init_value", "t_mul"} & named - _names(fn)), f"core name leaked: {e!r}"
        return
    try:
        v = s(np.asarray(steps))
    except (ValueError, TypeError) as e:            # e.g. OneCycleLR past total_steps, as torch
        assert set(_NAME.findall(str(e))) & (_names(fn) | {"step"}), f"{fn.__name__}({kw}) at {steps}: {e!r}"
        return
    v = np.asarray(v)
    assert v.dtype == np.float64, (fn.__name__, kw, v.dtype)
    assert v.shape[-1:] == (len(steps),), (fn.__name__, kw, v.shape)   # a (B,) batch leads
    assert not np.isnan(v).any() and (v >= 0).all(), (fn.__name__, kw, steps, v)


# ----- class 7: framework wrappers speak in the caller's names -----------------------------

@pytest.mark.parametrize("make, exc, match", [
    (lambda: pytorch.CosineAnnealingLR(1.0, 10, eta_min=1.5), ValueError, r"'eta_min' parameter of CosineAnnealingLR must be (?:finite and )?in \[0, lr\]"),
    (lambda: pytorch.CosineAnnealingLR(1.0, 10, eta_min=-0.5), ValueError, r"'eta_min' parameter of CosineAnnealingLR"),
    (lambda: pytorch.CosineAnnealingWarmRestarts(1.0, 10, eta_min=2.0), ValueError, r"'eta_min' parameter of CosineAnnealingWarmRestarts"),
    (lambda: pytorch.StepLR(INF, 10), ValueError, r"'lr' parameter of StepLR"),
    (lambda: pytorch.ExponentialLR(0.1, gamma=-1), ValueError, r"'gamma' parameter of ExponentialLR"),
    (lambda: pytorch.MultiStepLR(0.1, 10), TypeError, r"'milestones' parameter of MultiStepLR"),
    (lambda: pytorch.MultiStepLR(0.1, [10, 2**64]), (ValueError, TypeError), r"'milestones' parameter of MultiStepLR"),
    (lambda: pytorch.MultiStepLR([0.1, 0.2], [10, 20], gamma=[0.5, 0.1, 0.9]), ValueError,
     r"\(B,\) parameters of MultiStepLR must have the same length: 'lr' has 2, 'gamma' has 3"),
    (lambda: pytorch.LinearLR([0.1, 0.2], start_factor=[0.5, 0.1, 0.9]), ValueError, r"'lr' has 2, 'start_factor' has 3"),
    (lambda: keras.CosineDecay(-1.0, 10), ValueError, r"'initial_learning_rate' parameter of CosineDecay"),
    (lambda: optax.linear_schedule(np.array([0.1, 0.2]), 0.0, np.array([10, 20])), TypeError,
     r"'transition_steps' parameter of linear_schedule must be a single number"),
    (lambda: optax.exponential_decay(0.1, INF, 0.5), ValueError, r"'transition_steps' parameter of exponential_decay must be finite"),
    (lambda: optax.exponential_decay(0.1, 10, 0.5, transition_begin=-INF), ValueError, r"'transition_begin'"),
    (lambda: optax.cosine_onecycle_schedule(0, 0.1), (ValueError, TypeError), r"'transition_steps' parameter of cosine_onecycle_schedule"),
    (lambda: optax.cosine_onecycle_schedule(100, 0.1, div_factor=0.0), ValueError, r"cosine_onecycle_schedule"),
    (lambda: optax.cosine_onecycle_schedule(100, 0.1, pct_start=np.array([0.3, 0.4])), TypeError, r"'pct_start' .* single number"),
    (lambda: optax.piecewise_constant_schedule(0.1, {"a": 0.5}), (ValueError, TypeError), r"'boundaries_and_scales'"),
    (lambda: optax.warmup_cosine_decay_schedule(0.0, -1.0, 10, 100), ValueError, r"'peak_value' parameter of warmup_cosine_decay_schedule"),
    (lambda: optax.constant_schedule("a"), TypeError, r"'value' parameter of constant_schedule"),
    (lambda: keras.PiecewiseConstantDecay([10, 2**64], [1.0, 0.5, 0.1]), (ValueError, TypeError), r"'boundaries' parameter"),
    (lambda: tf1.piecewise_constant(None, [2**60], [1.0, 0.5]), ValueError, r"'boundaries' .* at most 2\*\*53"),
])
def test_wrappers_name_their_own_parameters(make, exc, match):
    with pytest.raises(exc, match=match) as e:
        make()
    assert not re.search(r"'(alpha|learning_rate|decay_steps|values)' parameter of (cosine|linear|exponential|piecewise)", str(e.value))


def test_multistep_batched_gamma_is_one_value_per_run():
    s = pytorch.MultiStepLR([0.1, 0.2, 0.4], [10, 20], gamma=[0.5, 0.1, 0.9])
    np.testing.assert_allclose(s([0, 10, 20]), [[0.1, 0.05, 0.025], [0.2, 0.02, 0.002], [0.4, 0.36, 0.324]], rtol=1e-15)
