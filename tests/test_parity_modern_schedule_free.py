"""Schedule-free SGD/AdamW: the paper's package, Keras and optax reproduced from the modern fixtures.

Every schedule-free case of ``lrlessons/reference/modern_optimizers.json`` (200 updates each,
float64): the trajectory θ = y at rtol 1e-12 (with an atol for coordinates passing near 0), the
averaged point ``xs`` (schedulefree, optax) through ``schedule_free_eval_params``, Keras's ``zs``
(the state's z), and optax's float32 warmup rates ``lrs`` / ``weight_lrs`` bit for bit. Then the
lrlessons properties: equations == trace fields, batched == separate runs, bad input, ``ll.run``,
and the widgets driven headlessly.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import lrlessons as ll
from lrlessons import frameworks, optimizers as O, problems, reference
from lrlessons.frameworks import keras, optax
from lrlessons.optimizers.schedule_free import State

D = reference.load("modern_optimizers")
CASES = [c for c in D["cases"] if c["optimizer"] in ("SGDScheduleFree", "AdamWScheduleFree", "ScheduleFreeAdamW",
                                                     "contrib.schedule_free_sgd", "contrib.schedule_free_adamw")]


def grads_of(case):
    grads = case["grads"] if "grads" in case else D["problems"][case["problem"]]["grads"]
    return np.asarray(grads, dtype=np.float64)[: len(case["thetas"])]


def build(case):
    """The lrlessons optimizer for a fixture case: the core for the package, the wrappers otherwise."""
    kw = dict(case["kwargs"])
    if case["framework"] == "schedulefree":
        if case["optimizer"] == "SGDScheduleFree":
            return O.schedule_free_sgd(**kw)
        beta1, beta2 = kw.pop("betas", (0.9, 0.999))
        return O.schedule_free_adamw(beta1=beta1, beta2=beta2, **kw)
    if case["framework"] == "keras":
        return keras.ScheduleFreeAdamW(**kw)
    return getattr(optax.contrib, case["optimizer"].split(".")[1])(**kw)


def replay(opt, case):
    theta = np.asarray(case["theta0"], dtype=np.float64)
    state = opt.init(theta)
    thetas, xs, zs, traces = [], [], [], []
    for g in grads_of(case):
        theta, state, tr = opt.step(theta, g, state)
        thetas.append(theta)
        xs.append(O.schedule_free_eval_params(state, theta))
        zs.append(state.z)
        traces.append(tr)
    return np.array(thetas), np.array(xs), np.array(zs), traces


def assert_close(got, ref, what):
    ref = np.asarray(ref, dtype=np.float64)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14 * np.abs(ref).max(), err_msg=what)


def test_the_fixture_holds_every_schedule_free_case():
    by = {(c["framework"], c["optimizer"]) for c in CASES}
    assert by == {("schedulefree", "SGDScheduleFree"), ("schedulefree", "AdamWScheduleFree"),
                  ("keras", "ScheduleFreeAdamW"), ("optax", "contrib.schedule_free_sgd"),
                  ("optax", "contrib.schedule_free_adamw")}
    assert len(CASES) == 30 and all(len(c["thetas"]) == 200 for c in CASES)
    assert D["versions"]["schedulefree"]["version"] == "1.4.1" and D["versions"]["keras"]["backend"] == "jax"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_trajectory_and_extras_match_the_framework(case):
    opt = build(case)
    thetas, xs, zs, traces = replay(opt, case)
    assert_close(thetas, case["thetas"], "thetas")
    if "xs" in case:
        assert_close(xs, case["xs"], "xs")
    if "zs" in case:
        assert_close(zs, case["zs"], "zs")
    if "lrs" in case:                                    # optax's float32 warmup rates, bit for bit
        assert [float(tr.gamma) for tr in traces] == case["lrs"]
        assert [float(tr.gamma_avg) for tr in traces] == case["weight_lrs"]
        assert case["lrs"][0] == 0.0 and case["weight_lrs"][0] > 0.0


def test_optax_float32_rates_differ_from_float64():
    """After warmup optax's rate is fl32(0.02), not 0.02: the float32 formula matters."""
    case = next(c for c in CASES if c["id"] == "optax.contrib.schedule_free_sgd.options.quadratic")
    assert case["lrs"][-1] == 0.019999999552965164 != 0.02
    assert float(O.schedule_free.optax_warmup_rate(0.02, 150, 20)) == case["lrs"][-1]


def test_conventions_are_different_algorithms():
    """Same settings, three conventions: three different trajectories (the differences are real)."""
    case = next(c for c in CASES if c["id"] == "schedulefree.AdamWScheduleFree.options.quadratic")
    kw = dict(lr=0.05, beta1=0.95, beta2=0.99, eps=1e-6, weight_decay=0.1, warmup_steps=20, r=0.5)
    ends = {conv: replay(O.schedule_free_adamw(convention=conv, **kw), case)[0][-1]
            for conv in ("schedulefree", "optax", "keras")}
    for a, b in itertools.combinations(ends.values(), 2):
        assert np.abs(a - b).max() > 1e-6


def test_first_update_and_eval_point_by_hand():
    """t = 1: c = 1, so x₁ = z₁ = y₁ = θ₀ − γ(g + λθ₀); the optax z-step rate is 0 with warmup."""
    theta0, g = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    opt = O.schedule_free_sgd(lr=0.1, momentum=0.9, weight_decay=0.01)
    theta, state, tr = opt.step(theta0, g, opt.init(theta0))
    expect = theta0 - 0.1 * (g + 0.01 * theta0)
    np.testing.assert_allclose(theta, expect, rtol=1e-15)
    np.testing.assert_allclose(state.z, expect, rtol=1e-15)
    np.testing.assert_allclose(O.schedule_free_eval_params(state, theta), expect, rtol=1e-15)
    assert np.all(tr.c == 1.0)
    warm = O.schedule_free_sgd(lr=0.1, warmup_steps=10, convention="optax")
    theta, _, tr = warm.step(theta0, g, warm.init(theta0))
    np.testing.assert_array_equal(theta, theta0)
    f32 = np.float32
    assert float(tr.gamma) == 0.0
    assert float(tr.gamma_avg) == float(f32(-0.1) * (f32(1) - f32(1) / f32(10)) + f32(0.1)) != 0.01


def test_uniform_averaging_is_r_and_p_zero():
    """Keras's c = 1/t is the weighted average with r = p = 0, exactly."""
    opt = keras.ScheduleFreeAdamW(learning_rate=0.05)
    theta, state = np.array([1.0, 2.0]), opt.init(np.array([1.0, 2.0]))
    for t in range(1, 8):
        theta, state, tr = opt.step(theta, np.array([0.3, -1.0]) * t, state)
        assert np.all(tr.c == 1.0 / t)


@pytest.mark.parametrize("factory,kw", [
    (O.schedule_free_sgd, {}), (O.schedule_free_sgd, {"convention": "optax", "warmup_steps": 3}),
    (O.schedule_free_sgd, {"weight_decay": 0.1, "r": 1.0, "weight_lr_power": 1.0}),
    (O.schedule_free_adamw, {}), (O.schedule_free_adamw, {"convention": "optax", "warmup_steps": 3}),
    (O.schedule_free_adamw, {"convention": "keras", "weight_decay": 0.1}),
], ids=["sgd", "sgd-optax", "sgd-options", "adamw", "adamw-optax", "adamw-keras"])
def test_equations_match_trace_fields_and_batched_equals_separate_runs(factory, kw):
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(12, 3, 3))                  # B == d on purpose
    theta0 = rng.normal(size=(3, 3))
    lrs, betas = np.array([0.05, 0.01, 0.2]), np.array([0.9, 0.5, 0.99])
    beta_name = "momentum" if factory is O.schedule_free_sgd else "beta1"
    batched = factory(lr=lrs, **{beta_name: betas}, **kw)
    theta, state = theta0, batched.init(theta0)
    for g in grads:
        theta, state, tr = batched.step(theta, g, state)
        assert [f for f, _ in batched.equations] == list(tr._fields)
        assert tr._fields[-1] == "delta"
    x = O.schedule_free_eval_params(state, theta)
    for i in range(3):
        single = factory(lr=lrs[i], **{beta_name: betas[i]}, **kw)
        th, st = theta0[i], single.init(theta0[i])
        for g in grads[:, i]:
            th, st, _ = single.step(th, g, st)
        np.testing.assert_allclose(theta[i], th, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(x[i], O.schedule_free_eval_params(st, th), rtol=1e-14, atol=1e-15)


def test_step_is_pure():
    opt = O.schedule_free_adamw(lr=0.1, weight_decay=0.1)
    theta, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    state = opt.init(theta)
    copies = [theta.copy(), g.copy(), *[b.copy() for b in state[1:] if b is not None]]
    opt.step(theta, g, state)
    for a, b in zip(copies, [theta, g, *[b for b in state[1:] if b is not None]]):
        np.testing.assert_array_equal(a, b)


def test_float32_stays_float32():
    opt = O.schedule_free_adamw(lr=0.1)
    theta = np.array([1.0, 2.0], dtype=np.float32)
    new, state, _ = opt.step(theta, np.array([0.5, -0.5], dtype=np.float32), opt.init(theta))
    assert new.dtype == np.float32 and state.z.dtype == np.float32
    assert O.schedule_free_eval_params(state, new).dtype == np.float32


@pytest.mark.parametrize("factory,param,value,text", [
    (O.schedule_free_sgd, "lr", -0.1, "[0, inf)"), (O.schedule_free_sgd, "momentum", 0.0, "(0, 1]"),
    (O.schedule_free_sgd, "momentum", 1.5, "(0, 1]"), (O.schedule_free_sgd, "weight_decay", -1.0, "[0, inf)"),
    (O.schedule_free_sgd, "warmup_steps", -1, "[0, inf)"), (O.schedule_free_sgd, "r", -0.5, "[0, inf)"),
    (O.schedule_free_sgd, "weight_lr_power", float("nan"), "[0, inf)"),
    (O.schedule_free_sgd, "convention", "keras", "'schedulefree' or 'optax'"),
    (O.schedule_free_adamw, "beta1", 0.0, "(0, 1]"), (O.schedule_free_adamw, "beta2", 1.0, "[0, 1)"),
    (O.schedule_free_adamw, "eps", 0.0, "(0, inf)"), (O.schedule_free_adamw, "convention", "paper", "one of"),
    (O.schedule_free_adamw, "warmup_steps", [1, 2], "one integer"),
])
def test_bad_input_names_parameter_range_and_value(factory, param, value, text):
    with pytest.raises((ValueError, TypeError)) as err:
        factory(**{param: value})
    msg = str(err.value)
    assert f"'{param}'" in msg and text in msg and repr(value) in msg


def test_bad_input_in_wrappers_and_eval_params():
    with pytest.raises(ValueError, match="'beta_1' parameter of keras.ScheduleFreeAdamW"):
        keras.ScheduleFreeAdamW(beta_1=0.0)
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        keras.ScheduleFreeAdamW(clipnorm=1.0, clipvalue=1.0)      # (one clip option alone is Keras's own)
    with pytest.raises(ValueError, match="'b1' parameter of optax.contrib.schedule_free_sgd"):
        optax.contrib.schedule_free_sgd(b1=2.0)
    with pytest.raises(ValueError, match="'state_dtype'"):
        optax.contrib.schedule_free_adamw(state_dtype="float32")
    with pytest.raises(TypeError, match="Did you mean 'warmup_steps'"):
        O.schedule_free_sgd(warmup_step=3)
    with pytest.raises(TypeError, match="'state' argument of schedule_free_eval_params"):
        O.schedule_free_eval_params(O.adam().init(np.zeros(2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"'theta' argument .* shape \(3,\)"):
        O.schedule_free_eval_params(O.schedule_free_sgd().init(np.zeros(2)), np.zeros(3))
    opt = O.schedule_free_sgd(lr=0.1)
    with pytest.raises(TypeError, match="'state' argument of schedule_free_sgd.step"):
        opt.step(np.zeros(2), np.ones(2), O.schedule_free_adamw().init(np.zeros(2)))


def test_registry_and_build_optimizer():
    names = frameworks.registry("optimizers")
    for name in ("keras.ScheduleFreeAdamW", "optax.contrib.schedule_free_sgd", "optax.contrib.schedule_free_adamw"):
        opt = frameworks.build_optimizer(name, 0.01)
        assert opt.name == name and opt.hyperparameters["lr"] == 0.01
        assert names[name] is not None
    assert O.FACTORIES["schedule_free_sgd"] is O.schedule_free_sgd
    assert optax.contrib.schedule_free_adamw().hyperparameters["weight_decay"] == 0.0


@pytest.mark.parametrize("opt", [O.schedule_free_sgd(lr=0.001), O.schedule_free_adamw(lr=0.05, warmup_steps=5),
                                 keras.ScheduleFreeAdamW(learning_rate=0.05, weight_decay=0.01),
                                 optax.contrib.schedule_free_adamw(0.05, warmup_steps=5)],
                         ids=["sgd", "adamw", "keras", "optax"])
def test_run_records_y_and_the_eval_point_is_reachable(opt):
    p = problems.rosenbrock()
    traj = ll.run(opt, p, 300)
    assert traj.diverged_at is None
    np.testing.assert_array_equal(traj.theta[-1], traj.theta_last)        # θ = y, the gradient's point
    th, st = np.asarray(p.x0, dtype=float), opt.init(np.asarray(p.x0, dtype=float))
    for _ in range(300):
        th, st, _ = opt.step(th, p.grad(th), st)
    np.testing.assert_allclose(traj.theta_last, th, rtol=1e-14)
    x = O.schedule_free_eval_params(traj.state, traj.theta_last)
    assert x.shape == th.shape and np.all(np.isfinite(x))
    assert p.loss(x) < p.loss(np.asarray(p.x0, dtype=float))
    assert not np.allclose(x, traj.theta_last)                          # x and y are different points
    batched = ll.run(O.schedule_free_sgd(lr=[0.01, 0.05]), p, 50)
    xb = O.schedule_free_eval_params(batched.state, batched.theta_last)
    assert xb.shape == (2, 2)


# -- the widgets, headless -------------------------------------------------------------------------
ipywidgets = pytest.importorskip("ipywidgets")


@pytest.mark.parametrize("name", ["schedule_free_sgd", "schedule_free_adamw", "keras.ScheduleFreeAdamW",
                                  "optax.contrib.schedule_free_adamw"])
def test_stepper_shows_every_line_with_the_trace_numbers(name):
    from lrlessons import widgets
    from lrlessons.widgets.base import parse_vec
    import re

    app = widgets.equation_stepper(name, steps=20).app
    assert app.last_error is None
    traj = ll.run(app.optimizer, app.problem, app.steps)
    app.step_slider.value = 5
    html = app.equations_html.value
    for field, latex in app.optimizer.equations:
        assert f"${latex}$" in html
        row = re.search(rf'<tr data-field="{field}">(.*?)</tr>', html).group(1)
        now = parse_vec(re.findall(r"<td[^>]*>(.*?)</td>", row)[1])
        np.testing.assert_allclose(now, np.broadcast_to(getattr(traj.trace, field)[4], np.shape(now)),
                                   rtol=5e-6, atol=1e-12)
    assert "lr" in app.controls or "learning_rate" in app.controls
    for key, c in app.controls.items():
        if not hasattr(c, "min"):
            continue
        start = c.value
        for v in (c.min, c.max):
            c.value = c.base ** v if isinstance(c, ipywidgets.FloatLogSlider) else v
            if key in ("momentum", "beta1", "beta_1", "b1") and c.value == 0:
                # β = 0 has no x = (y − (1−β)z)/β: the widget names the parameter and its range
                assert isinstance(app.last_error, ValueError) and "(0, 1]" in str(app.last_error), key
                continue
            assert app.last_error is None, (name, key, v, app.message.value)
            app.step_slider.value = app.steps
        c.value = start


def test_race_runs_schedule_free_lanes_like_run():
    from lrlessons import widgets

    app = widgets.optimizer_race(optimizers=("schedule_free_sgd", "schedule_free_adamw", "adam"),
                                 lrs={"schedule_free_sgd": 0.002, "schedule_free_adamw": 0.05, "adam": 0.05},
                                 steps=80).app
    assert app.last_error is None
    lane = app.lanes[1]
    hp = {} if lane.hp is None else {"beta1": lane.hp.value}
    traj = ll.run(O.schedule_free_adamw(lr=lane.lr.value, **hp), problems.rosenbrock(), 80)
    np.testing.assert_allclose(lane.run.theta, traj.theta, rtol=1e-12)


def test_framework_diff_shows_keras_against_optax(monkeypatch):
    """A schedule-free row in the framework diff: Keras and optax differ in lines and in paths."""
    from lrlessons import widgets
    from lrlessons.widgets import diff

    monkeypatch.setitem(diff.FRAMEWORK_OPTIMIZERS, "schedule_free_adamw",
                        {"Keras": ("keras", "ScheduleFreeAdamW", {"warmup_steps": 10}),
                         "optax": ("optax", "contrib.schedule_free_adamw", {"warmup_steps": 10})})
    app = widgets.framework_diff("schedule_free_adamw", lr=0.05, steps=60).app
    assert app.last_error is None, app.message.value
    assert set(app.runs) == {"Keras", "optax"}
    assert app.table.value.count('data-diff="1"') > 0
    np.testing.assert_allclose(app.runs["Keras"].theta, ll.run(keras.ScheduleFreeAdamW(0.05, warmup_steps=10), app.problem, 60).theta,
                               rtol=1e-12)
    # optax's z-step warms up one update later (its first rate is 0): the paths differ
    assert np.abs(app.runs["Keras"].theta[-1] - app.runs["optax"].theta[-1]).max() > 1e-6
    np.testing.assert_array_equal(app.runs["optax"].theta[1], app.runs["optax"].theta[0])
