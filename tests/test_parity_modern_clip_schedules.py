"""Issue 15: gradient clipping (core, Keras, optax chain), WSD, PyTorch MultiplicativeLR / ChainedScheduler.

Parity against ``lrlessons/reference/modern_optimizers.json`` and ``modern_schedules.json``
(written from the real torch 2.13, Keras 3.15 on JAX x64 and optax 0.2.8 by
``tools/make_fixtures_modern.py``), then the wrappers' own contract: equations == trace
fields, batched == separate runs, bad input, the widgets.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from lrlessons import optimizers as O
from lrlessons import problems, reference, run, schedules
from lrlessons.frameworks import keras, optax, pytorch

MODERN = reference.load("modern_optimizers")
SCHEDULES = reference.load("modern_schedules")
LAMBDAS = {"const099": lambda e: 0.99, "halve_every_50": lambda e: 0.5 if e % 50 == 0 else 1.0,
           "pow095": lambda e: 0.95**e, "one_over": lambda e: 1.0 / (1.0 + 0.05 * e)}


def cases(framework, names):
    return [c for c in MODERN["cases"] if c["framework"] == framework and c["optimizer"] in names]


def trajectory(opt, case):
    grads = case.get("grads") or MODERN["problems"][case["problem"]]["grads"]
    theta = np.asarray(case["theta0"], dtype=np.float64)
    state, out = opt.init(theta), []
    for g in grads:
        theta, state, _ = opt.step(theta, np.asarray(g, dtype=np.float64), state)
        out.append(theta)
    return np.array(out)


def check(got, case):
    ref = np.asarray(case["thetas"], dtype=np.float64)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14 * np.max(np.abs(ref)))


# ------------------------------------------------------------------------------------------
# Parity: Keras clip options, optax chains, torch optimizers under the new schedulers
# ------------------------------------------------------------------------------------------
KERAS = cases("keras", ("SGD", "Adam", "AdamW"))
OPTAX = cases("optax", ("chain",))
TORCH = cases("pytorch", ("SGD", "Adam"))


def test_the_fixture_has_the_cases_this_file_checks():
    assert (len(KERAS), len(OPTAX), len(TORCH)) == (16, 10, 8)
    assert all(c["precision"] == "float64" for c in KERAS + OPTAX + TORCH)


@pytest.mark.parametrize("case", KERAS, ids=[c["id"] for c in KERAS])
def test_keras_clip_options_match_keras(case):
    opt = getattr(keras, case["optimizer"])(*case["args"], **case["kwargs"])
    assert opt.name == f"keras.{case['optimizer']}"
    assert opt.equations[0][0] in ("grad_norm", "clipped")
    check(trajectory(opt, case), case)


def optax_transform(spec):
    return getattr(optax, spec["transform"])(*spec["args"], **spec["kwargs"])


@pytest.mark.parametrize("case", OPTAX, ids=[c["id"] for c in OPTAX])
def test_optax_chain_matches_optax(case):
    opt = optax.chain(*(optax_transform(s) for s in case["args"]))
    assert opt.name == "optax.chain"
    check(trajectory(opt, case), case)


def torch_schedule(spec, lr=None):
    kw = dict(spec["kwargs"])
    if "lr_lambda" in kw:
        kw["lr_lambda"] = LAMBDAS[kw["lr_lambda"]["__lambda__"]]
    name = spec.get("schedule") or spec["name"]
    if name == "ChainedScheduler":
        base = spec["args"][0] if lr is None else lr
        return pytorch.ChainedScheduler([torch_schedule(m.get("__schedule__", m), base) for m in kw["schedulers"]])
    return getattr(pytorch, name)(spec["args"][0] if lr is None else lr, **kw)


@pytest.mark.parametrize("case", TORCH, ids=[c["id"] for c in TORCH])
def test_torch_optimizers_under_multiplicative_and_chained_schedulers(case):
    kw = dict(case["kwargs"])
    s = torch_schedule(kw.pop("lr"))
    n = len(case["lrs"])
    np.testing.assert_array_equal(s(np.arange(n)), case["lrs"])            # torch's rates, bit for bit
    opt = getattr(pytorch, case["optimizer"])(lr=s, **kw)
    check(trajectory(opt, case), case)


def test_keras_two_clip_options_raise_keras_message():
    (err,) = [e for e in MODERN["errors"] if e["id"] == "keras.SGD.two_clips"]
    with pytest.raises(ValueError) as info:
        keras.SGD(clipnorm=1.0, global_clipnorm=1.0)
    assert err["raises"] == "ValueError" and err["message"] in str(info.value)


# ------------------------------------------------------------------------------------------
# Every Keras class takes the clip options (new classes fail here until they are wired)
# ------------------------------------------------------------------------------------------
def keras_class(name):
    return getattr(keras, name)


def small_keras(name, **kw):
    params = inspect.signature(keras_class(name)).parameters
    if "learning_rate" in params:
        kw.setdefault("learning_rate", 0.01)
    return keras_class(name)(**kw)


def theta_for(name):
    return np.array([[0.5, -1.0, 2.0], [0.1, -0.3, 0.7]])        # 2-D: Muon/Adafactor need a matrix


@pytest.mark.parametrize("name", keras.OPTIMIZERS)
@pytest.mark.parametrize("option,value,expected", [
    ("clipnorm", 1.0, lambda g: (g * 1.0) / max(np.sqrt(np.sum(g * g)), 1.0)),
    ("global_clipnorm", 1.0, lambda g: g * (1.0 * min(1 / np.sqrt(np.sum(g * g)), 1.0))),
    ("clipvalue", 0.5, lambda g: np.clip(g, -0.5, 0.5)),
])
def test_every_keras_optimizer_clips_like_its_unclipped_self_on_the_clipped_gradient(name, option, value, expected):
    theta = theta_for(name)
    g = np.array([[3.0, -4.0, 0.25], [1.0, 2.0, -0.5]])
    clipped = small_keras(name, **{option: value})
    plain = small_keras(name)
    assert clipped.name == plain.name == f"keras.{name}"
    assert [f for f, _ in clipped.equations][-len(plain.equations):] == [f for f, _ in plain.equations]
    t1, s1, tr = clipped.step(theta, g, clipped.init(theta))
    t2, s2, _ = plain.step(theta, expected(g), plain.init(theta))
    np.testing.assert_array_equal(tr.clipped, expected(g))
    np.testing.assert_array_equal(t1, t2)
    assert list(tr._fields) == [f for f, _ in clipped.equations]


@pytest.mark.parametrize("name", keras.OPTIMIZERS)
def test_every_keras_optimizer_validates_and_ignores_clip_options_like_keras(name):
    theta, g = theta_for(name), np.array([[3.0, -4.0, 0.25], [1.0, 2.0, -0.5]])
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set"):
        small_keras(name, clipnorm=1.0, clipvalue=0.0)          # set (not None) counts, even when off
    off = small_keras(name, clipnorm=0.0)                       # <= 0: ignored (Keras: `if self.clipnorm > 0`)
    plain = small_keras(name)
    assert off.equations == plain.equations
    np.testing.assert_array_equal(off.step(theta, g, off.init(theta))[0], plain.step(theta, g, plain.init(theta))[0])
    with pytest.raises(TypeError, match="'clipvalue'"):
        small_keras(name, clipvalue="1")
    with pytest.raises(ValueError, match="'global_clipnorm'"):
        small_keras(name, global_clipnorm=[1.0, -1.0])


def test_keras_clipnorm_and_global_clipnorm_agree_in_math_not_in_bits():
    # One variable: n is the same number and c/max(n, c) = c·min(1/n, 1/c), but (g·c)/n and
    # g·(c·(1/n)) round differently.
    rng = np.random.default_rng(0)
    g = rng.normal(size=(1000,)) * 3.0
    theta = np.zeros_like(g)
    a = keras.SGD(learning_rate=1.0, clipnorm=2.0).step(theta, g, keras.SGD().init(theta))[2].clipped
    b = keras.SGD(learning_rate=1.0, global_clipnorm=2.0).step(theta, g, keras.SGD().init(theta))[2].clipped
    np.testing.assert_allclose(a, b, rtol=3e-16, atol=0)
    assert 0.1 < np.mean(a != b) < 0.6
    np.testing.assert_allclose(np.linalg.norm(a), 2.0, rtol=1e-15)
    # below the threshold neither is always exactly g
    small = g / np.linalg.norm(g)
    a = keras.SGD(clipnorm=3.0).step(theta, small, keras.SGD().init(theta))[2].clipped
    b = keras.SGD(global_clipnorm=3.0).step(theta, small, keras.SGD().init(theta))[2].clipped
    np.testing.assert_allclose(a, small, rtol=3e-16)
    np.testing.assert_allclose(b, small, rtol=3e-16)
    assert np.any(a != small) or np.any(b != small)
    # the fixture's Adam runs under each stay within 1e-15 after 200 steps
    (cn,) = [c for c in KERAS if c["id"] == "keras.Adam.clipnorm.sequence"]
    (gn,) = [c for c in KERAS if c["id"] == "keras.Adam.global_clipnorm.sequence"]
    assert not np.array_equal(cn["thetas"], gn["thetas"])
    np.testing.assert_allclose(cn["thetas"], gn["thetas"], rtol=1e-14, atol=1e-15)


# ------------------------------------------------------------------------------------------
# The core wrappers
# ------------------------------------------------------------------------------------------
THETA0 = np.array([0.5, -1.0, 2.0])
GRADS = np.random.default_rng(7).normal(size=(12, 3)) * np.array([5.0, 0.5, 2.0])

WRAPPED = [
    ("sgd", {}), ("momentum", {"momentum": 0.9, "nesterov": True}), ("adagrad", {}), ("rmsprop", {"centered": True}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}), ("adamw", {"weight_decay": 0.1}), ("nadam", {}),
    ("radam", {}), ("adamax", {}), ("adadelta", {}),
]
CLIPS = [("global_norm", "threshold"), ("global_norm", "min"), ("global_norm", "max"), ("value", None)]


def clipped(name, kw, clip, form, lr=0.05, bound=1.5):
    inner = O.FACTORIES[name](lr=lr, **kw)
    if clip == "value":
        return O.clip_by_value(inner, clip_value=bound)
    return O.clip_by_global_norm(inner, max_norm=bound, form=form)


def steps(opt, theta, grads):
    state, out, trs = opt.init(theta), [], []
    for g in grads:
        theta, state, tr = opt.step(theta, g, state)
        out.append(theta)
        trs.append(tr)
    return np.array(out), trs


@pytest.mark.parametrize("clip,form", CLIPS)
@pytest.mark.parametrize("name,kw", WRAPPED, ids=[n for n, _ in WRAPPED])
def test_clip_wrapper_equations_match_trace_and_runs_the_optimizer_on_the_clipped_gradient(name, kw, clip, form):
    opt = clipped(name, kw, clip, form)
    inner = O.FACTORIES[name](lr=0.05, **kw)
    out, trs = steps(opt, THETA0, GRADS)
    assert [f for f, _ in opt.equations] == list(trs[0]._fields)
    assert opt.equations[len(opt.equations) - len(inner.equations):] == inner.equations
    theta, state = THETA0, inner.init(THETA0)
    for k, g in enumerate(GRADS):
        if clip == "value":
            expect = np.clip(g, -1.5, 1.5)
        else:
            n = np.linalg.norm(g)
            np.testing.assert_allclose(trs[k].grad_norm, n, rtol=1e-15)
            expect = g * min(1.0, 1.5 / n)
        np.testing.assert_allclose(trs[k].clipped, expect, rtol=1e-15, atol=1e-16)
        theta, state, _ = inner.step(theta, trs[k].clipped, state)      # weight decay included, after the clip
        np.testing.assert_array_equal(out[k], theta)
    assert np.any(np.linalg.norm(GRADS, axis=1) > 1.5) and np.all(np.linalg.norm([t.clipped for t in trs], axis=1) <= 1.5 + 1e-15) or clip == "value"


@pytest.mark.parametrize("clip,form", CLIPS)
@pytest.mark.parametrize("name,kw", WRAPPED, ids=[n for n, _ in WRAPPED])
def test_clip_wrapper_batched_equals_separate_runs(name, kw, clip, form):
    lrs, bounds = np.array([0.01, 0.05, 0.2]), np.array([0.5, 1.5, 100.0])
    thetas = np.array([THETA0, -THETA0, 2 * THETA0])                     # B == d == 3 on purpose
    grads = np.stack([GRADS, GRADS[::-1], 0.5 * GRADS], axis=1)
    batched, _ = steps(clipped(name, kw, clip, form, lr=lrs, bound=bounds), thetas, grads)
    for i in range(3):
        single, _ = steps(clipped(name, kw, clip, form, lr=lrs[i], bound=bounds[i]), thetas[i], grads[:, i])
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-15)


def test_clip_norm_is_per_run_when_only_the_wrapped_optimizer_is_batched():
    inner = O.adam(lr=0.1, beta1=np.array([0.8, 0.9]))
    opt = O.clip_by_global_norm(inner, max_norm=1.0)
    g = np.array([[3.0, 4.0], [0.3, 0.4]])
    tr = opt.step(np.zeros((2, 2)), g, opt.init(np.zeros((2, 2))))[2]
    np.testing.assert_allclose(tr.grad_norm.ravel(), [5.0, 0.5])
    np.testing.assert_allclose(tr.clipped, [[0.6, 0.8], [0.3, 0.4]], rtol=1e-15)
    # unbatched: the whole theta is one parameter
    tr = O.clip_by_global_norm(O.adam(lr=0.1), 1.0).step(np.zeros((2, 2)), g, inner.init(np.zeros((2, 2))))[2]
    np.testing.assert_allclose(tr.grad_norm, np.sqrt(25.25))


def test_clip_threshold_form_is_optax_strict_and_zero_gradient_is_kept():
    opt = O.clip_by_global_norm(O.sgd(lr=1.0), max_norm=5.0)
    tr = opt.step(np.zeros(2), np.array([3.0, 4.0]), opt.init(np.zeros(2)))[2]
    assert tr.clipped.tolist() == [(3.0 / 5.0) * 5.0, (4.0 / 5.0) * 5.0]   # n = c: rescaled (optax: n < c keeps)
    for form in ("threshold", "min", "max"):
        o = O.clip_by_global_norm(O.sgd(lr=1.0), max_norm=1.0, form=form)
        with np.errstate(all="raise"):
            theta, _, tr = o.step(np.ones(2), np.zeros(2), o.init(np.ones(2)))
        assert tr.clipped.tolist() == [0.0, 0.0] and theta.tolist() == [1.0, 1.0]


def test_clip_wrappers_keep_schedules_explicit_lr_and_float32():
    s = schedules.exponential_decay(0.1, 1, 0.5)
    opt = O.clip_by_value(O.sgd(lr=s), clip_value=1.0)
    theta, state, _ = opt.step(np.zeros(1), np.array([4.0]), opt.init(np.zeros(1)))
    theta, state, _ = opt.step(theta, np.array([4.0]), state)
    np.testing.assert_allclose(theta, [-0.1 - 0.05])
    theta, _, _ = opt.step(np.zeros(1), np.array([4.0]), opt.init(np.zeros(1)), lr=2.0)
    assert theta.tolist() == [-2.0]
    x = np.ones(3, dtype=np.float32)
    o32 = O.clip_by_global_norm(O.adam(lr=0.1), 0.5)
    out, state, tr = o32.step(x, np.full(3, 2.0, np.float32), o32.init(x))
    assert out.dtype == np.float32 and tr.clipped.dtype == np.float32


def test_clip_wrappers_refuse_bad_input():
    with pytest.raises(ValueError, match=r"'max_norm' parameter of clip_by_global_norm must be .*\(0, inf\)"):
        O.clip_by_global_norm(O.sgd(), 0.0)
    with pytest.raises(ValueError, match="'clip_value' parameter of clip_by_value"):
        O.clip_by_value(O.sgd(), -1.0)
    with pytest.raises(ValueError, match="'form' parameter of clip_by_global_norm"):
        O.clip_by_global_norm(O.sgd(), 1.0, form="torch")
    with pytest.raises(TypeError, match="'optimizer' parameter of clip_by_value must be an Optimizer"):
        O.clip_by_value(O.sgd, 1.0)
    with pytest.raises(ValueError, match="already clipped"):
        O.clip_by_value(O.clip_by_value(O.sgd(), 1.0), 2.0)
    with pytest.raises(TypeError, match="max_norm"):
        O.clip_by_global_norm(O.sgd(), max_nrom=1.0)
    with pytest.raises(ValueError, match="'max_norm' hyperparameter of .* has shape"):
        opt = O.clip_by_global_norm(O.sgd(), np.array([1.0, 2.0]))
        opt.step(np.zeros((3, 2)), np.ones((3, 2)), opt.init(np.zeros((3, 2))))


def test_optax_transforms_refuse_what_is_not_reproduced():
    with pytest.raises(TypeError, match="last argument of optax.chain"):
        optax.chain(optax.clip(1.0))
    with pytest.raises(TypeError, match="Argument 0 of optax.chain"):
        optax.chain(optax.sgd(0.1), optax.adam(0.1))
    with pytest.raises(ValueError, match="'max_norm' parameter of optax.clip_by_global_norm"):
        optax.clip_by_global_norm(-1.0)
    with pytest.raises(ValueError, match="'max_delta' parameter of optax.clip"):
        optax.clip(0.0)
    with pytest.raises(ValueError, match="one clip before the optimizer"):
        optax.chain(optax.clip(1.0), optax.clip_by_global_norm(1.0), optax.sgd(1.0))
    opt = optax.chain(optax.clip(1.0), optax.sgd(1.0))
    tr = opt.step(np.zeros(2), np.array([3.0, -0.5]), opt.init(np.zeros(2)))[2]
    assert [f for f, _ in opt.equations] == ["clipped", "delta"] and tr.delta.tolist() == [-1.0, 0.5]


# ------------------------------------------------------------------------------------------
# WSD
# ------------------------------------------------------------------------------------------
WSD_CASES = [c for c in SCHEDULES["cases"] if "wsd" in c]


@pytest.mark.parametrize("case", WSD_CASES, ids=[f"{c['fw']}.{c['wsd']['decay_shape']}.{c['wsd']['total_steps']}" for c in WSD_CASES])
def test_wsd_equals_the_torch_and_optax_compositions(case):
    w = {k: v for k, v in case["wsd"].items() if k != "note"}
    s = schedules.wsd(**w, warmup_offset=1 if case["fw"] == "pytorch" else 0)
    values = np.asarray(case["values"])
    np.testing.assert_allclose(s(np.arange(len(values))), values, rtol=1e-12, atol=1e-15)
    if case["fw"] == "pytorch":       # and the composition itself, built here, is the same schedule
        spec = case["kwargs"]
        seq = pytorch.SequentialLR([torch_schedule(m["__schedule__"], case["lr"]) for m in spec["schedulers"]],
                                   milestones=spec["milestones"])
        np.testing.assert_allclose(seq(np.arange(len(values))), values, rtol=1e-12, atol=1e-15)


def test_wsd_shapes_and_edges():
    P, T, W, D, F = 1.0, 100, 10, 20, 0.1
    t = np.arange(0, 131)
    lin, cos, sq = (schedules.wsd(P, T, W, D, F, shape)(t) for shape in ("linear", "cosine", "1-sqrt"))
    for v in (lin, cos, sq):
        np.testing.assert_allclose(v[:W], P * t[:W] / W)                     # warmup from 0
        assert np.all(v[W:T - D] == P) and np.all(v[T:] == F)
        np.testing.assert_allclose(v[T - D], P, rtol=1e-15)                   # F + (P − F)·1: P up to rounding
        assert np.all(np.diff(v[T - D:T + 1]) < 0)                            # decays monotonically to F
    s = (t[T - D:T + 1] - (T - D)) / D
    np.testing.assert_allclose(lin[T - D:T + 1], F + (P - F) * (1 - s), rtol=1e-15)
    np.testing.assert_allclose(cos[T - D:T + 1], F + (P - F) * 0.5 * (1 + np.cos(np.pi * s)), rtol=1e-15)
    np.testing.assert_allclose(sq[T - D:T + 1], F + (P - F) * (1 - np.sqrt(s)), rtol=1e-15)
    assert sq[T - D + 5] < lin[T - D + 5] < cos[T - D + 5]                   # 1-sqrt drops fastest at first
    off = schedules.wsd(P, T, W, D, warmup_offset=1)(t)
    np.testing.assert_allclose(off[:W], P * (t[:W] + 1) / W) and None
    assert off[W - 1] == P and schedules.wsd(P, T, 0, D)(0) == P           # no warmup: the peak at once
    assert schedules.wsd(P, 30, 10, 20)(10) == P                             # W + D = T: no stable phase
    s = schedules.wsd(0.3, 60, 5, 30)
    assert s.formula is schedules.wsd.__globals__["wsd_formula"] and "def wsd_formula" in s.source
    assert repr(s) == ("WSD(peak_lr=0.3, total_steps=60, warmup_steps=5, decay_steps=30, final_lr=0.0, "
                       "decay_shape='linear', warmup_offset=0)")
    assert s(3).shape == () and s(np.zeros((2, 3), int)).shape == (2, 3)


def test_wsd_batched_equals_separate_schedules():
    peaks, totals, warm, finals = [0.1, 0.3, 1.0], [50, 60, 100], [0, 5, 10], [0.0, 0.03, 0.5]
    s = schedules.wsd(peaks, totals, warm, 20, finals, "cosine")
    t = np.arange(120)
    assert s.batch_shape == (3,) and s(t).shape == (3, 120)
    for i in range(3):
        np.testing.assert_array_equal(s(t)[i], schedules.wsd(peaks[i], totals[i], warm[i], 20, finals[i], "cosine")(t))


def test_wsd_refuses_bad_input():
    with pytest.raises(ValueError, match=r"'warmup_steps' and 'decay_steps' parameters of wsd .* total_steps=100.0"):
        schedules.wsd(1.0, 100, 50, 60)
    with pytest.raises(ValueError, match=r"warmup_steps=10.0 \+ decay_steps=95.0"):
        schedules.wsd(1.0, [100, 200], 10, [20, 95]) if False else schedules.wsd(1.0, [200, 100], 10, [20, 95])
    with pytest.raises(ValueError, match="'decay_shape' parameter of wsd"):
        schedules.wsd(1.0, 100, 10, 20, decay_shape="sqrt")
    with pytest.raises(ValueError, match="'final_lr' parameter of wsd must be in \\[0, peak_lr\\]"):
        schedules.wsd(1.0, 100, 10, 20, final_lr=2.0)
    with pytest.raises(ValueError, match="'decay_steps' parameter of wsd"):
        schedules.wsd(1.0, 100, 10, 0)
    with pytest.raises(ValueError, match="'warmup_offset' parameter of wsd"):
        schedules.wsd(1.0, 100, 10, 20, warmup_offset=2)
    with pytest.raises(ValueError, match="'step' argument of WSD"):
        schedules.wsd(1.0, 100, 10, 20)(-1)


# ------------------------------------------------------------------------------------------
# torch MultiplicativeLR / ChainedScheduler
# ------------------------------------------------------------------------------------------
TORCH_SCHED = [c for c in SCHEDULES["cases"] if c["fw"] == "pytorch" and c["name"] in ("MultiplicativeLR", "ChainedScheduler")]


@pytest.mark.parametrize("case", TORCH_SCHED, ids=[f"{c['name']}{i}" for i, c in enumerate(TORCH_SCHED)])
def test_torch_chainable_schedulers_are_torchs_values_bit_for_bit(case):
    if case["name"] == "MultiplicativeLR":
        s = torch_schedule(case, case["lr"])
    else:
        s = pytorch.ChainedScheduler([torch_schedule(m["__schedule__"], case["lr"]) for m in case["kwargs"]["schedulers"]])
    values = np.asarray(case["values"])
    np.testing.assert_array_equal(s(np.arange(len(values))), values)
    np.testing.assert_array_equal(s([7, 3, 3]), values[[7, 3, 3]])        # any order, any shape


def test_chained_scheduler_docstring_example_is_ten_times_smaller_than_torchs_docs():
    (case,) = [c for c in TORCH_SCHED if c["name"] == "ChainedScheduler" and c["lr"] == 0.05]
    s = pytorch.ChainedScheduler([pytorch.ConstantLR(0.05, factor=0.1, total_iters=20), pytorch.ExponentialLR(0.05, gamma=0.9)])
    torch_docs = {0: 0.05, 1: 0.0450, 2: 0.0405, 19: 0.00675, 20: 0.06078}
    for e, documented in torch_docs.items():
        np.testing.assert_allclose(float(s(e)), documented / 10, rtol=2e-3)
        assert float(s(e)) == case["values"][e]
    np.testing.assert_allclose(float(s(21)), 0.005471, rtol=1e-3)


def test_chained_cosine_is_not_the_product_of_closed_forms():
    b, T, gamma = 0.1, 10, 0.9
    cos, exp = pytorch.CosineAnnealingLR(b, T_max=T), pytorch.ExponentialLR(b, gamma=gamma)
    chain = pytorch.ChainedScheduler([cos, exp])
    t = np.arange(3 * T)
    product = cos(t) * exp(t) / b
    np.testing.assert_allclose(chain(t)[:T], product[:T], rtol=1e-12)     # ratio steps: the product so far
    # at e = T + 1 torch adds (b − η)(1 − cos(π/T))/2 with the ORIGINAL base b to the chain's lr
    additive = (chain(T) + b * (1 - np.cos(np.pi / T)) / 2) * gamma
    np.testing.assert_allclose(chain(T + 1), additive, rtol=1e-15)
    assert abs(chain(T + 1) / product[T + 1] - 1) > 0.5


def test_chained_and_multiplicative_batched_equal_separate():
    lrs = [0.1, 0.2, 0.4]
    s = pytorch.ChainedScheduler([pytorch.ExponentialLR(lrs, gamma=[0.9, 0.95, 0.99]),
                                  pytorch.StepLR(lrs, step_size=5, gamma=0.5)])
    m = pytorch.MultiplicativeLR(lrs, lr_lambda=LAMBDAS["pow095"])
    t = np.arange(30)
    assert s(t).shape == m(t).shape == (3, 30)
    for i, g in enumerate([0.9, 0.95, 0.99]):
        single = pytorch.ChainedScheduler([pytorch.ExponentialLR(lrs[i], gamma=g), pytorch.StepLR(lrs[i], step_size=5, gamma=0.5)])
        np.testing.assert_array_equal(s(t)[i], single(t))
        np.testing.assert_array_equal(m(t)[i], pytorch.MultiplicativeLR(lrs[i], lr_lambda=LAMBDAS["pow095"])(t))
    one_lr = pytorch.ChainedScheduler([pytorch.ExponentialLR(0.1, gamma=[0.9, 0.5])])
    assert one_lr(t).shape == (2, 30)


def test_torch_chainable_schedulers_refuse_bad_input():
    with pytest.raises(ValueError, match="at least one scheduler"):
        pytorch.ChainedScheduler([])
    with pytest.raises(ValueError, match="same optimizer"):
        pytorch.ChainedScheduler([pytorch.ExponentialLR(0.1, gamma=0.9), pytorch.ExponentialLR(0.2, gamma=0.9)])
    with pytest.raises(TypeError, match="PyTorch schedules built here"):
        pytorch.ChainedScheduler([schedules.constant(0.1)])
    with pytest.raises(TypeError, match="PyTorch schedules built here"):
        pytorch.ChainedScheduler([pytorch.OneCycleLR(0.1, total_steps=10)])
    with pytest.raises(ValueError, match="'optimizer' parameter of ChainedScheduler"):
        pytorch.ChainedScheduler([pytorch.ExponentialLR(0.1, gamma=0.9)], optimizer=object())
    with pytest.raises(TypeError, match="'lr_lambda' parameter of MultiplicativeLR"):
        pytorch.MultiplicativeLR(0.1, lr_lambda=[lambda e: 0.9])
    with pytest.raises(ValueError, match="'lr' parameter of MultiplicativeLR"):
        pytorch.MultiplicativeLR(-0.1, lr_lambda=lambda e: 0.9)
    assert repr(pytorch.MultiplicativeLR(0.1, lr_lambda=LAMBDAS["const099"])) == "MultiplicativeLR(lr=0.1, lr_lambda=<lambda>)"


def test_new_names_are_registered():
    from lrlessons.frameworks import registry

    assert {"pytorch.MultiplicativeLR", "pytorch.ChainedScheduler"} <= set(registry("schedules"))
    assert "wsd" in schedules.__all__ and {"clip_by_global_norm", "clip_by_value"} <= set(O.__all__)
    assert not {"clip_by_global_norm", "clip_by_value"} & set(O.FACTORIES)
    assert {"chain", "clip_by_global_norm", "clip"} <= set(optax.__all__) and "chain" not in optax.OPTIMIZERS


# ------------------------------------------------------------------------------------------
# Widgets, headless
# ------------------------------------------------------------------------------------------
def test_schedule_explorer_takes_wsd():
    pytest.importorskip("ipywidgets")
    from lrlessons import widgets

    app = widgets.schedule_explorer(schedule="core: wsd", steps=500).app
    assert app.last_error is None, app.message.value
    assert isinstance(app.schedule, schedules.WSD) and float(app.schedule(0)) == 0.0
    app.controls["decay_steps"].value = 4600
    assert "must add up to at most" in app.message.value                    # 500 + 4600 > 5000 steps: shown, not raised
    app.controls["decay_steps"].value = 2000
    assert app.last_error is None and app.schedule.decay_steps == 2000


def test_clip_wrappers_in_the_stepper_and_the_race():
    pytest.importorskip("ipywidgets")
    from lrlessons import widgets

    opt = O.clip_by_global_norm(O.adam(lr=0.1, weight_decay=0.01), max_norm=1.0)
    app = widgets.equation_stepper(opt, problems.rosenbrock(), steps=20).app
    assert app.last_error is None, app.message.value
    traj = run(opt, problems.rosenbrock(), 20)
    app.step_slider.value = 5
    html = app.equations_html.value
    for field, latex in opt.equations:
        assert f"${latex}$" in html
    assert np.all(np.linalg.norm(traj.trace.clipped, axis=-1) <= 1.0 + 1e-12)
    race = widgets.optimizer_race(problem="rosenbrock", optimizers=(opt, keras.Adam(learning_rate=0.1, clipvalue=1.0)),
                                  steps=40).app
    assert all(lane.error == "" and lane.run is not None for lane in race.lanes)


def test_a_clipped_optimizer_shows_the_clip_and_then_the_wrapped_update():
    from lrlessons import optimizers as O

    names = [line.split("(")[0][4:] for line in O.clip_by_global_norm(O.adam(lr=0.1), 1.0).source.splitlines()
             if line.startswith("def ")]
    assert names == ["clip_norm_threshold", "update"]
    assert O.clip_by_value(O.adam(lr=0.1), 0.5).parts[1:] == O.adam(lr=0.1).parts


def test_recursive_torch_schedules_read_step_by_step_are_linear_and_exact():
    # A run reads a schedule one step at a time; a recursion rebuilt from epoch 0 at every step
    # would call lr_lambda T(T+1)/2 times. The table is built once and extended instead.
    from lrlessons.frameworks import pytorch

    calls = []

    def lam(epoch):
        calls.append(epoch)
        return 0.999 if epoch % 3 else 0.9

    per_step = pytorch.MultiplicativeLR(0.1, lr_lambda=lam)
    values = [float(per_step(k)) for k in range(1000)]
    assert len(calls) < 3 * 1000
    fresh = pytorch.MultiplicativeLR(0.1, lr_lambda=lambda e: 0.999 if e % 3 else 0.9)(np.arange(1000))
    np.testing.assert_array_equal(values, fresh)
    chain = pytorch.ChainedScheduler([pytorch.ConstantLR(0.1, factor=0.5, total_iters=10),
                                      pytorch.CosineAnnealingLR(0.1, T_max=40)])
    stepwise = [float(chain(k)) for k in range(300)]
    np.testing.assert_array_equal(stepwise, pytorch.ChainedScheduler(chain.schedulers)(np.arange(300)))
