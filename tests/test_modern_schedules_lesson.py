"""Lesson 10's library parts: iterate averaging, the noisy quadratic model (exact expected loss)."""

from __future__ import annotations

import numpy as np
import pytest

import lrlessons as ll
from lrlessons import optimizers
from lrlessons.averaging import ema, polyak_average
from lrlessons.noisy_quadratic import expected_loss, noisy_quadratic


# ---------------------------------------------------------------------------------------
# averaging
# ---------------------------------------------------------------------------------------
def test_polyak_average_is_the_running_mean_from_start():
    rng = np.random.default_rng(0)
    th = rng.normal(size=(30, 3, 2))
    for start in (0, 7, 29):
        out = polyak_average(th, start=start)
        for k in range(30):
            want = th[k] if k < start else th[start:k + 1].mean(axis=0)
            np.testing.assert_allclose(out[k], want, rtol=1e-13, atol=1e-15)


def test_polyak_average_equals_the_schedule_free_recursion():
    # x_{k} = (1 - c) x_{k-1} + c θ_k with c = 1/(k+1): the online form
    th = np.random.default_rng(1).normal(size=(50, 4))
    x = th[0].copy()
    out = polyak_average(th)
    for k in range(1, 50):
        c = 1.0 / (k + 1)
        x = (1 - c) * x + c * th[k]
        np.testing.assert_allclose(out[k], x, rtol=1e-12)


def test_ema_hand_values_and_identities():
    th = np.array([[4.0], [0.0], [0.0], [8.0]])
    np.testing.assert_array_equal(ema(th, 0.75).ravel(), [4.0, 3.0, 2.25, 3.6875])
    np.testing.assert_array_equal(ema(th, 0.0), th)
    assert ema(th.astype(np.float32), 0.5).dtype == np.float32
    assert polyak_average(th.astype(np.float32)).dtype == np.float32
    assert polyak_average(np.arange(4)).dtype == np.float64


def test_averages_do_not_modify_their_input():
    th = np.random.default_rng(2).normal(size=(10, 2))
    before = th.copy()
    polyak_average(th, start=3)
    ema(th, 0.9)
    np.testing.assert_array_equal(th, before)


@pytest.mark.parametrize("call, words", [
    (lambda: polyak_average(np.ones((5, 2)), start=5), ["start", "polyak_average", "5"]),
    (lambda: polyak_average(np.ones((5, 2)), start=-1), ["start", "-1"]),
    (lambda: polyak_average(np.ones((5, 2)), start=1.5), ["start", "1.5"]),
    (lambda: polyak_average(np.array(3.0)), ["thetas", "shape ()"]),
    (lambda: polyak_average(np.array([1.0, np.nan])), ["thetas", "finite"]),
    (lambda: ema(np.ones(3), 1.0), ["decay", "[0, 1)", "1.0"]),
    (lambda: ema(np.ones(3), -0.1), ["decay", "-0.1"]),
    (lambda: ema(np.ones(3), [0.5, 0.9]), ["decay", "shape (2,)"]),
    (lambda: ema(np.array(["a", "b"]), 0.5), ["thetas", "numeric"]),
])
def test_averaging_bad_input_names_the_parameter(call, words):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    for w in words:
        assert w in str(err.value)


# ---------------------------------------------------------------------------------------
# noisy quadratic
# ---------------------------------------------------------------------------------------
def test_noisy_quadratic_shape_and_noise():
    q = noisy_quadratic(dim=3, h_min=0.01, h_max=1.0, sigma=0.1)
    np.testing.assert_allclose(q.h, [1.0, 0.1, 0.01], rtol=1e-14)
    np.testing.assert_allclose(q.c, [0.01, 0.001, 0.0001], rtol=1e-14)
    th = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(q.grad(th), [1.0, -0.2, 0.03], rtol=1e-14)
    assert float(q.loss(th)) == pytest.approx(0.5 * (1 + 0.4 + 0.09), rel=1e-14)
    # the noise of a step is reproducible and has variance c
    np.testing.assert_array_equal(q.grad(th, step=5), q.grad(th, step=5))
    assert not np.array_equal(q.grad(th, step=5), q.grad(th, step=6))
    noise = np.array([q.grad(th, step=s) - q.grad(th) for s in range(4000)])
    np.testing.assert_allclose(noise.var(axis=0) / q.c, 1.0, atol=0.08)
    # batched theta: every run gets the same draw (a batched run equals the separate runs)
    both = q.grad(np.stack([th, 2 * th]), step=3)
    np.testing.assert_array_equal(both[0], q.grad(th, step=3))
    np.testing.assert_allclose(both[1], q.grad(2 * th, step=3), rtol=1e-15)


def test_expected_loss_hand_steps_and_floor():
    q = noisy_quadratic(dim=2, h_min=0.5, h_max=1.0, sigma=0.1)
    out = expected_loss(q, np.full(2, 0.5))
    # m1 = (0.5, 0.75), v1 = 0.25·c = (0.0025, 0.00125)
    assert out[0] == pytest.approx(0.75, rel=1e-15)
    assert out[1] == pytest.approx(0.5 * (0.2525 + 0.5 * (0.5625 + 0.00125)), rel=1e-14)
    # a constant rate settles at v = ηc/(h(2 − ηh)), the noise floor proportional to η
    q1 = noisy_quadratic(dim=1, h_min=2.0, h_max=2.0, sigma=0.5)
    floor = expected_loss(q1, np.full(2000, 0.1))[-1]
    assert floor == pytest.approx(0.5 * 2.0 * 0.1 * 0.5 / (2.0 * (2 - 0.2)), rel=1e-12)


def test_expected_loss_batched_equals_separate_and_matches_sampled_runs():
    q = noisy_quadratic(dim=5, h_min=0.05, h_max=1.0, sigma=0.3)
    lrs = np.array([np.full(60, 0.2), np.linspace(0.5, 0.0, 60)])
    both = expected_loss(q, lrs)
    for i in range(2):
        np.testing.assert_array_equal(both[i], expected_loss(q, lrs[i]))
    # the mean of sampled SGD runs (ll.run, one seed per run) agrees with the exact expectation
    finals = [ll.run(optimizers.sgd(lr=0.2), noisy_quadratic(dim=5, h_min=0.05, h_max=1.0, sigma=0.3,
                                                              seed=s), steps=60, record_trace=False).loss[-1]
              for s in range(400)]
    assert np.mean(finals) == pytest.approx(both[0, -1], rel=0.1)


@pytest.mark.parametrize("call, words", [
    (lambda: noisy_quadratic(dim=0), ["dim", "0"]),
    (lambda: noisy_quadratic(h_min=2.0, h_max=1.0), ["h_min", "2.0"]),
    (lambda: noisy_quadratic(h_min=0.0), ["h_min", "0.0"]),
    (lambda: noisy_quadratic(sigma=-1.0), ["sigma", "-1.0"]),
    (lambda: noisy_quadratic(seed=-2), ["seed", "-2"]),
    (lambda: noisy_quadratic(dim=2).grad(np.ones(3)), ["theta", "(..., 2)"]),
    (lambda: expected_loss(noisy_quadratic(), np.ones((2, 2, 2))), ["lrs", "(2, 2, 2)"]),
    (lambda: expected_loss(noisy_quadratic(), np.array([0.1, -0.1])), ["lrs", "-0.1"]),
    (lambda: expected_loss(noisy_quadratic(dim=2), np.ones(3), theta0=np.ones(3)), ["theta0", "(2,)"]),
])
def test_noisy_quadratic_bad_input_names_the_parameter(call, words):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    for w in words:
        assert w in str(err.value)


def test_expected_loss_refuses_other_problems():
    with pytest.raises(TypeError, match="NoisyQuadratic"):
        expected_loss(ll.problems.quadratic(), np.ones(3))


# ---------------------------------------------------------------------------------------
# the WSD explorer, headless
# ---------------------------------------------------------------------------------------
ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def app():
    from lrlessons import widgets
    box = widgets.wsd_explorer()
    assert "lrl-wsd" in box._dom_classes and "lrl-widget" in box._dom_classes
    return box.app


def test_explorer_numbers_are_the_lesson_numbers(app):
    from lrlessons import schedules
    c = app.curves(0.2, "1-sqrt", 1.0)
    t = np.arange(1000)
    np.testing.assert_array_equal(c["wsd"][0], schedules.wsd(1.0, 1000, 0, 200, decay_shape="1-sqrt")(t))
    np.testing.assert_array_equal(c["wsd"][1], expected_loss(app.problem, c["wsd"][0]))
    ratio = c["wsd"][1][-1] / c["cosine"][1][-1]
    assert 1.1 < ratio < 1.2                       # the lesson prints 1.15
    assert c["constant"][1][-1] / c["cosine"][1][-1] > 10
    assert "WSD / cosine <code>1.15</code>" in app.summary(0.2, "1-sqrt", 1.0)


def test_every_control_at_its_extremes(app):
    for cooldown in (app.cooldown.min, app.cooldown.max):
        for shape in app.shape.options:
            for peak in (app.peak.min, app.peak.max):
                before = app.renders
                app.cooldown.value = cooldown
                app.shape.value = shape
                app.peak.value = 10 ** peak
                assert app.last_error is None, app.message.value
                assert app.renders > before and app.image.value
                assert "final expected loss" in app.result_html.value
                w, cos = (app.curves(cooldown, shape, 10 ** peak)[k][1][-1] for k in ("wsd", "cosine"))
                assert np.isfinite(w) and np.isfinite(cos) and w > 0
    app.cooldown.value, app.shape.value, app.peak.value = 0.2, "1-sqrt", 1.0


def test_each_slider_move_redraws_once(app):
    # (speed is measured by benchmarks/bench_widgets.py; tests never assert on time)
    for v in (0.05, 0.5, 0.1, 0.3, 0.2):
        before = app.renders
        app.cooldown.value = v
        assert app.renders == before + 1


def test_a_slider_move_runs_the_expected_loss_recursion_once(app, monkeypatch):
    from lrlessons import noisy_quadratic
    calls = []
    real = noisy_quadratic.expected_loss
    monkeypatch.setattr(noisy_quadratic, "expected_loss", lambda *a, **k: calls.append(1) or real(*a, **k))
    app.cooldown.value = 0.3
    assert app.last_error is None, app.message.value
    assert len(calls) == 1                         # curves and the summary share one computation
    assert "WSD / cosine" in app.result_html.value
    app.cooldown.value = 0.2


def test_static_figure_and_bad_arguments(app):
    from lrlessons import widgets
    fig = app.static_figure()
    assert len(fig.axes[0].get_lines()) == 4       # three shapes and the cosine
    assert len(fig.axes[1].get_lines()) == 5       # their losses and the constant rate
    with pytest.raises(ValueError, match="shape"):
        widgets.wsd_explorer(shape="sqrt")
    with pytest.raises(ValueError, match="cooldown"):
        widgets.wsd_explorer(cooldown=0.9)
    with pytest.raises(ValueError, match="peak_lr"):
        widgets.wsd_explorer(peak_lr=2.5)
