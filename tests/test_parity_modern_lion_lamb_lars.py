"""Lion, LAMB, LARS: the real frameworks' trajectories, hand-computed steps, batching, bad input, widgets.

``lrlessons/reference/modern_optimizers.json`` (``tools/make_fixtures_modern.py``: Keras 3.15.1 on
JAX with x64, optax 0.2.8) holds each case's constructor arguments, ``theta0``, the gradients fed
and the parameters after every update. Each is replayed through the lrlessons wrapper of the same
name; every parameter after every update agrees to ``rtol=1e-12`` plus ``atol=1e-14·max|θ|`` for
coordinates passing near 0 (float64 rounding is relative to the terms combined, not to the entry).
"""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import optimizers as O
from lrlessons import problems, reference, run
from lrlessons.frameworks import keras, optax

DATA = reference.load("modern_optimizers")
MINE = {("keras", "Lion"), ("keras", "Lamb"), ("optax", "lion"), ("optax", "lamb"), ("optax", "lars")}
CASES = [c for c in DATA["cases"] if (c["framework"], c["optimizer"]) in MINE]
MODULES = {"keras": keras, "optax": optax}


def grads_of(case):
    g = case["grads"] if "grads" in case else DATA["problems"][case["problem"]]["grads"]
    return np.asarray(g, np.float64)[: len(case["thetas"])]


def replay(opt, theta0, grads):
    theta = np.asarray(theta0, np.float64)
    state = opt.init(theta)
    out = []
    for g in grads:
        theta, state, _ = opt.step(theta, g, state)
        out.append(theta)
    return np.array(out)


def test_every_optimizer_of_this_issue_has_cases_of_two_settings():
    assert {(c["framework"], c["optimizer"]) for c in CASES} == MINE
    for key in MINE:
        ids = {c["id"].split(".")[2] for c in CASES if (c["framework"], c["optimizer"]) == key}
        assert len(ids) >= 2, key
    assert all(c["precision"] == "float64" for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_trajectory(case):
    factory = getattr(MODULES[case["framework"]], case["optimizer"])
    opt = factory(*case.get("args", []), **case["kwargs"])
    ref = np.asarray(case["thetas"], np.float64)
    got = replay(opt, case["theta0"], grads_of(case))
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14 * np.max(np.abs(ref)))


def test_keras_lion_beta_1_error_from_the_fixture():
    (entry,) = [e for e in DATA["errors"] if e["id"] == "keras.Lion.beta_1"]
    assert entry["call"] == "Lion(beta_1=0.0)" and entry["raises"] == "ValueError"
    with pytest.raises(ValueError) as err:
        keras.Lion(beta_1=0.0)
    assert entry["message"] in str(err.value) and "'beta_1' parameter of keras.Lion" in str(err.value)
    with pytest.raises(ValueError, match="Received: beta_1=1.5"):
        keras.Lion(beta_1=1.5)
    keras.Lion(beta_1=1.0)                                   # Keras's range is (0, 1]


def test_defaults_are_the_libraries():
    assert optax.lion(0.1).hyperparameters["weight_decay"] == 1e-3      # optax: 1e-3, not 0
    assert keras.Lion().hyperparameters["weight_decay"] == 0.0          # Keras: None
    assert O.lion().hyperparameters == {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0,
                                        "decoupled_weight_decay": True}
    assert keras.Lamb().hyperparameters["eps"] == 1e-7 and optax.lamb(0.1).hyperparameters["eps"] == 1e-6
    assert keras.Lamb().hyperparameters["decay_in_trust_ratio"] is False
    assert optax.lamb(0.1).hyperparameters["decay_in_trust_ratio"] is True
    hp = optax.lars(0.1).hyperparameters
    assert (hp["trust_coefficient"], hp["eps"], hp["momentum"], hp["nesterov"], hp["weight_decay"]) == \
        (0.001, 0.0, 0.9, False, 0.0)


# -- hand-computed first steps --------------------------------------------------------------------
def test_lion_first_steps_by_hand():
    opt = O.lion(lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.5)
    theta = np.array([1.0, -2.0, 3.0])
    th1, st, tr = opt.step(theta, np.array([2.0, 0.0, -1e-12]), opt.init(theta))
    np.testing.assert_allclose(tr.c, [0.2, 0.0, -1e-13], rtol=1e-15)  # c = 0.1 g (m = 0)
    assert tr.c[1] == 0.0 and tr.delta[1] == 0.1 * 0.5 * 2.0           # sign(0) = 0: only the decay moves it
    np.testing.assert_allclose(tr.decay, [-0.05, 0.1, -0.15], rtol=1e-15)
    np.testing.assert_allclose(th1, [1 - 0.1 - 0.05, -2 + 0.1, 3 + 0.1 - 0.15], rtol=1e-15)   # sign(0) = 0
    np.testing.assert_allclose(st.m, [0.02, 0.0, -1e-14], rtol=1e-15)
    th2, _, tr2 = opt.step(th1, np.array([-1.0, 0.0, 0.0]), st)
    np.testing.assert_allclose(tr2.c, [0.9 * 0.02 - 0.1, 0.0, 0.9 * -1e-14], rtol=1e-14)
    np.testing.assert_allclose(th2, th1 - 0.1 * np.array([-1.0, 0.0, -1.0]) - 0.05 * th1, rtol=1e-15)


def test_lamb_first_step_by_hand_both_decay_positions():
    theta, g, lr, lam, eps = np.array([3.0, 4.0]), np.array([1.0, -2.0]), 0.1, 0.5, 1e-6
    u = g / (np.abs(g) + eps)                                 # m̂ = g, v̂ = g² at t = 1
    inside = O.lamb(lr=lr, weight_decay=lam, eps=eps)
    th, _, tr = inside.step(theta, g, inside.init(theta))
    r = u + lam * theta
    np.testing.assert_allclose(tr.ratio.item(), 5.0 / np.linalg.norm(r), rtol=1e-15)
    np.testing.assert_allclose(th, theta - lr * 5.0 / np.linalg.norm(r) * r, rtol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(th - theta), lr * 5.0, rtol=1e-14)     # ‖Δθ‖ = α‖θ‖
    outside = O.lamb(lr=lr, weight_decay=lam, eps=eps, decay_in_trust_ratio=False)
    th, _, tr = outside.step(theta, g, outside.init(theta))
    decayed = theta * (1 - lr * lam)
    np.testing.assert_allclose(tr.ratio.item(), np.linalg.norm(decayed) / np.linalg.norm(u), rtol=1e-15)
    np.testing.assert_allclose(th, decayed - lr * np.linalg.norm(decayed) / np.linalg.norm(u) * u, rtol=1e-15)


def test_lars_first_steps_by_hand_and_the_zero_norm_ratio():
    opt = O.lars(lr=0.5, momentum=0.8, trust_coefficient=0.01, eps=1e-3, weight_decay=0.1)
    theta, g = np.array([3.0, 4.0]), np.array([0.7, -0.4])
    th1, st, tr = opt.step(theta, g, opt.init(theta))
    gw = g + 0.1 * theta
    phi = 0.01 * 5.0 / (np.linalg.norm(gw) + 1e-3)
    np.testing.assert_allclose(tr.ratio.item(), phi, rtol=1e-15)
    np.testing.assert_allclose(th1, theta - 0.5 * phi * gw, rtol=1e-15)
    th2, _, tr2 = opt.step(th1, g, st)
    gw2 = g + 0.1 * th1
    u2 = -0.5 * 0.01 * np.linalg.norm(th1) / (np.linalg.norm(gw2) + 1e-3) * gw2
    np.testing.assert_allclose(th2, th1 + u2 + 0.8 * tr.u, rtol=1e-14)
    nest = O.lars(lr=0.5, momentum=0.8, nesterov=True, trust_coefficient=0.01)
    _, st, tr = nest.step(theta, g, nest.init(theta))
    _, _, tr2 = nest.step(theta, g, st)
    np.testing.assert_allclose(tr2.delta, tr2.u + 0.8 * tr2.v, rtol=1e-15)
    zero = O.lars(lr=0.5, trust_coefficient=0.01)            # θ = 0: ratio 1, not η (optax)
    th, _, tr = zero.step(np.zeros(2), g, zero.init(np.zeros(2)))
    assert tr.ratio.item() == 1.0
    np.testing.assert_array_equal(th, -0.5 * g)
    th, _, tr = O.lamb(lr=0.1).step(np.zeros(2), g, O.lamb(lr=0.1).init(np.zeros(2)))
    assert tr.ratio.item() == 1.0


def test_keras_and_optax_lamb_differ_only_with_weight_decay():
    p = problems.rosenbrock()
    a = run(keras.Lamb(0.01, epsilon=1e-6), p, 50).theta
    b = run(optax.lamb(0.01), p, 50).theta
    np.testing.assert_allclose(a, b, rtol=1e-13)
    a = run(keras.Lamb(0.01, epsilon=1e-6, weight_decay=0.1), p, 50).theta
    b = run(optax.lamb(0.01, weight_decay=0.1), p, 50).theta
    assert np.max(np.abs(a - b)) > 1e-4


# -- batched (B, ...) == B separate runs, with per-row trust ratios ---------------------------------
@pytest.mark.parametrize("factory,kw", [
    (O.lion, {"weight_decay": 0.3}), (O.lamb, {"weight_decay": 0.2}), (O.lamb, {"eps_root": 1e-10}),
    (O.lamb, {"weight_decay": 0.2, "decay_in_trust_ratio": False}), (O.lars, {"weight_decay": 0.1}),
    (O.lars, {"nesterov": True, "eps": 1e-3}),
], ids=["lion", "lamb", "lamb-eps_root", "lamb-keras", "lars", "lars-nesterov"])
def test_batched_matrices_equal_separate_runs_with_per_row_trust_ratio(factory, kw):
    rng = np.random.default_rng(3)
    B, m, n, T = 3, 4, 3, 12
    thetas = rng.normal(size=(B, m, n)) * np.array([1.0, 10.0, 0.1])[:, None, None]
    grads = rng.normal(size=(T, B, m, n))
    lrs = np.array([0.01, 0.05, 0.2])
    batched = replay(factory(lr=lrs, **kw), thetas, grads)
    for i in range(B):
        single = replay(factory(lr=lrs[i], **kw), thetas[i], grads[:, i])
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-15)
    if factory is not O.lion:                                # one (m, n) matrix = one parameter
        whole = replay(factory(lr=0.05, **kw), thetas, grads)
        rows = replay(factory(lr=np.full(B, 0.05), **kw), thetas, grads)
        assert np.max(np.abs(whole - rows)) > 1e-6


def test_batched_weight_decay_alone_makes_the_run_batched():
    rng = np.random.default_rng(4)
    thetas, grads = rng.normal(size=(2, 3, 2)), rng.normal(size=(5, 2, 3, 2))
    wds = np.array([0.0, 0.3])
    for factory in (O.lamb, O.lars):
        batched = replay(factory(lr=0.1, weight_decay=wds), thetas, grads)
        for i in range(2):
            single = replay(factory(lr=0.1, weight_decay=wds[i]), thetas[i], grads[:, i])
            np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-15)


# -- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,text", [
    (lambda: O.lion(lr=-0.1), "The 'lr' parameter of lion must be in [0, inf). Got -0.1"),
    (lambda: O.lion(beta1=1.5), "The 'beta1' parameter of lion must be in [0, 1]. Got 1.5"),
    (lambda: O.lion(beta2=-0.1), "The 'beta2' parameter of lion must be in [0, 1]. Got -0.1"),
    (lambda: O.lion(weight_decay=-1.0), "The 'weight_decay' parameter of lion must be in [0, inf)"),
    (lambda: O.lamb(lr=-1.0), "The 'lr' parameter of lamb must be in [0, inf). Got -1.0"),
    (lambda: O.lamb(beta1=1.0), "The 'beta1' parameter of lamb must be in [0, 1). Got 1.0"),
    (lambda: O.lamb(beta2=-0.5), "The 'beta2' parameter of lamb must be in [0, 1). Got -0.5"),
    (lambda: O.lamb(eps=0.0), "The 'eps' parameter of lamb must be in (0, inf). Got 0.0"),
    (lambda: O.lamb(decay_in_trust_ratio=1), "'decay_in_trust_ratio'"),
    (lambda: O.lamb(eps_root=1e-8, decay_in_trust_ratio=False), "The 'eps_root' parameter of lamb must be 0"),
    (lambda: O.lars(lr=-1.0), "The 'lr' parameter of lars must be in [0, inf). Got -1.0"),
    (lambda: O.lars(momentum=1.0), "The 'momentum' parameter of lars must be in [0, 1). Got 1.0"),
    (lambda: O.lars(trust_coefficient=0.0), "The 'trust_coefficient' parameter of lars must be in (0, inf)"),
    (lambda: O.lars(eps=-1e-3), "The 'eps' parameter of lars must be in [0, inf). Got -0.001"),
    (lambda: O.lars(nesterov="yes"), "'nesterov'"),
    (lambda: optax.lion(-0.1), "The 'learning_rate' parameter of optax.lion"),
    (lambda: optax.lion(0.1, b2=1.5), "The 'b2' parameter of optax.lion must be in [0, 1]. Got 1.5"),
    (lambda: optax.lion(0.1, mask=lambda p: p), "'mask'"),
    (lambda: optax.lamb(0.1, b1=1.0), "The 'b1' parameter of optax.lamb must be in [0, 1). Got 1.0"),
    (lambda: optax.lamb(0.1, eps=-1.0), "The 'eps' parameter of optax.lamb"),
    (lambda: optax.lars(0.1, momentum=-0.5), "The 'momentum' parameter of optax.lars must be in [0, 1)"),
    (lambda: optax.lars(0.1, weight_decay_mask=lambda p: p), "'weight_decay_mask'"),
    (lambda: optax.lars(0.1, trust_ratio_mask=False), "'trust_ratio_mask'"),
    (lambda: keras.Lamb(beta_2=1.0), "The 'beta_2' parameter of keras.Lamb must be in [0, 1). Got 1.0"),
    (lambda: keras.Lamb(use_ema=True), "'use_ema'"),
    (lambda: keras.Lion(learning_rate=-1.0), "The 'learning_rate' parameter of keras.Lion"),
    (lambda: keras.Lion(beta_1="a"), "'beta_1'"),
])
def test_bad_hyperparameters_name_parameter_range_and_value(call, text):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    assert text in str(err.value)


def test_misspelled_keywords_get_a_suggestion():
    with pytest.raises(TypeError, match="Did you mean 'trust_coefficient'"):
        O.lars(trust_coeficient=0.01)
    with pytest.raises(TypeError, match="Did you mean 'beta_1'"):
        keras.Lion(beta1=0.9)
    with pytest.raises(TypeError, match="Did you mean 'weight_decay'"):
        optax.lamb(0.1, weight_decy=0.1)


@pytest.mark.parametrize("factory", [O.lion, O.lamb, O.lars], ids=["lion", "lamb", "lars"])
def test_bad_steps_name_the_argument(factory):
    opt = factory(0.1)
    theta = np.array([1.0, 2.0])
    state = opt.init(theta)
    with pytest.raises(ValueError, match="The 'grad' argument of .* must have the shape of theta"):
        opt.step(theta, np.zeros(3), state)
    with pytest.raises(ValueError, match="'grad'"):
        opt.step(theta, np.array([np.nan, 1.0]), state)
    with pytest.raises(ValueError, match="state buffer"):
        opt.step(theta, np.zeros(2), opt.init(np.zeros(3)))
    with pytest.raises(ValueError, match="The 'lr' parameter of .* Got -1.0"):
        opt.step(theta, np.zeros(2), state, lr=-1.0)
    batched = factory(lr=np.array([0.1, 0.2, 0.3]))              # 3 runs, but theta holds 2
    with pytest.raises(ValueError, match="'lr' hyperparameter of .* leading"):
        batched.step(np.zeros((2, 3)), np.zeros((2, 3)), batched.init(np.zeros((2, 3))))


def test_equations_match_trace_fields_for_every_option():
    theta, grads = np.array([0.5, -1.0, 2.0]), np.random.default_rng(0).normal(size=(4, 3))
    for opt in (O.lion(0.1), O.lion(0.1, weight_decay=0.1), O.lamb(0.1), O.lamb(0.1, weight_decay=0.1),
                O.lamb(0.1, eps_root=1e-8), O.lamb(0.1, decay_in_trust_ratio=False),
                O.lars(0.1), O.lars(0.1, nesterov=True), O.lars(0.1, weight_decay=0.1),
                keras.Lion(), keras.Lamb(weight_decay=0.1), optax.lion(0.1), optax.lamb(0.1), optax.lars(0.1)):
        state, th, total = opt.init(theta), theta, theta
        for g in grads:
            th, state, tr = opt.step(th, g, state)
            total = total + tr.delta
        assert [f for f, _ in opt.equations] == list(tr._fields), opt.name
        np.testing.assert_allclose(total, th, rtol=1e-13)


# -- widgets, headless -----------------------------------------------------------------------------
NEW_NAMES = ["lion", "lamb", "lars", "keras.Lion", "keras.Lamb", "optax.lion", "optax.lamb", "optax.lars"]


def test_equation_stepper_runs_each_new_name():
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    from lrlessons import widgets

    app = widgets.equation_stepper(steps=5).app
    for name in NEW_NAMES:
        app.optimizer_menu.value = name
        assert app.last_error is None, (name, app.message.value)
        app.step_slider.value = 3
        assert app.optimizer.name == name
        html = app.equations_html.value
        for field, latex in app.optimizer.equations:
            assert f'data-field="{field}"' in html and f"${latex}$" in html, (name, field)


def test_race_runs_each_new_name():
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    from lrlessons import widgets

    app = widgets.optimizer_race(optimizers=NEW_NAMES, steps=20).app
    assert app.last_error is None, app.message.value
    assert [(l.name, l.error) for l in app.lanes if l.run is None] == []
    assert all(l.run.steps == 20 for l in app.lanes)


def test_framework_diff_runs_the_new_names_with_the_frameworks_that_ship_them(monkeypatch):
    """The diff's menu lists four-framework optimizers; Lion, LAMB (Keras, optax) and LARS (optax) added here."""
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    from lrlessons import widgets
    from lrlessons.widgets import diff

    monkeypatch.setitem(diff.FRAMEWORK_OPTIMIZERS, "lion", {"Keras": ("keras", "Lion", {}), "optax": ("optax", "lion", {})})
    monkeypatch.setitem(diff.FRAMEWORK_OPTIMIZERS, "lamb", {"Keras": ("keras", "Lamb", {"weight_decay": 0.1}),
                                                            "optax": ("optax", "lamb", {"weight_decay": 0.1})})
    monkeypatch.setitem(diff.FRAMEWORK_OPTIMIZERS, "lars", {"optax": ("optax", "lars", {})})
    app = widgets.framework_diff("lion", steps=30, lr=0.01).app
    for name, labels in (("lion", {"Keras", "optax"}), ("lamb", {"Keras", "optax"}), ("lars", {"optax"})):
        app.menu.value = name
        assert app.last_error is None, (name, app.message.value)
        assert set(app.runs) == labels and all(r.steps == 30 for r in app.runs.values())
        if name == "lamb":                                    # the decay position is a highlighted line
            assert 'data-diff="1"' in app.table.value
