"""Lesson 13's library parts: bfloat16/float16 Adam (lrlessons.precision), the Newton–Schulz stepper
widget (headless, every control at its extremes) and the sign/orthogonal exercises."""

from __future__ import annotations


import ml_dtypes
import numpy as np
import pytest

from lrlessons import exercises, optimizers, precision
from lrlessons.optimizers.muon import newton_schulz

BF16 = np.dtype(ml_dtypes.bfloat16)


# -- precision.adam_step ------------------------------------------------------------------------
def test_float64_adam_step_is_the_library_adam():
    rng = np.random.default_rng(1)
    theta, grad = rng.normal(size=6), rng.normal(size=6)
    m, v = 0.1 * rng.normal(size=6), rng.uniform(0.1, 1, size=6)
    opt = optimizers.adam(lr=0.01, beta1=0.8, beta2=0.95, eps=1e-6)
    expected, state, _ = opt.step(theta, grad, opt.init(theta)._replace(count=3, m=m, v=v))
    got, m_new, v_new = precision.adam_step(theta, grad, m, v, 4, lr=0.01, beta1=0.8, beta2=0.95,
                                            eps=1e-6, dtype="float64")
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(m_new, state.m, rtol=1e-14)
    np.testing.assert_allclose(v_new, state.v, rtol=1e-14)


def test_bfloat16_loses_a_small_update_to_a_large_weight_but_not_to_a_small_one():
    theta = np.array([1.0, 0.75, 0.25, 0.01])
    new, _, _ = precision.adam_step(theta, np.ones(4), np.zeros(4), np.zeros(4), 1, lr=1e-3)
    assert new.dtype == BF16
    # in [0.5, 1) the spacing is 2^-8, half of it exceeds 1e-3: the update is lost; below 0.25 it is kept
    assert new.astype(float).tolist()[:2] == [1.0, 0.75]
    assert new.astype(float)[2] == 0.25 - 2**-10            # 0.249 rounds to the nearest bfloat16
    assert float(new[3]) == 0.009033203125               # fl(fl(0.01) - 1e-3): the step is kept


def test_bfloat16_second_moment_cannot_decay_but_float64_does():
    for fmt, expected in (("bfloat16", 1.0), ("float64", 0.999**100)):
        th, m, v = np.ones(1), np.zeros(1), np.ones(1)
        for t in range(2, 102):
            th, m, v = precision.adam_step(th, np.zeros(1), m, v, t, lr=1e-3, dtype=fmt)
        assert float(v[0]) == pytest.approx(expected, rel=1e-12)


def test_float16_step_is_infinite_where_eps_and_v_underflow_bfloat16_is_not():
    g = np.array([1e-4, -2e-4])
    new16, _, v16 = precision.adam_step(np.zeros(2), g, np.zeros(2), np.zeros(2), 1, lr=1e-3, dtype="float16")
    assert v16.tolist() == [0.0, 0.0] and np.isinf(new16.astype(float)).all()
    assert float(precision.as_format(1e-8, "float16")) == 0.0
    newbf, _, vbf = precision.adam_step(np.zeros(2), g, np.zeros(2), np.zeros(2), 1, lr=1e-3)
    assert (vbf.astype(float) > 0).all()
    np.testing.assert_allclose(newbf.astype(float), [-1e-3, 1e-3], rtol=4e-3)


def test_as_format_rounds_and_accepts_dtypes():
    assert precision.as_format(0.999, BF16).astype(float) == 1.0
    assert precision.as_format([1.0], np.float16).dtype == np.float16
    assert float(precision.as_format(1e-8, "bfloat16")) == pytest.approx(1.0011717677116394e-08, rel=1e-15)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(t=0), ValueError, "'t'"),
    (dict(lr=-1.0), ValueError, "'lr'"),
    (dict(beta1=1.0), ValueError, "'beta1'"),
    (dict(beta2=-0.1), ValueError, "'beta2'"),
    (dict(eps=-1e-8), ValueError, "'eps'"),
    (dict(dtype="bfloat8"), ValueError, "'dtype'"),
    (dict(dtype=np.int32), TypeError, "'dtype'"),
])
def test_adam_step_bad_arguments_name_the_parameter(kwargs, error, words):
    args = dict(theta=np.zeros(2), grad=np.ones(2), m=np.zeros(2), v=np.zeros(2), t=1, lr=1e-3)
    args.update(kwargs)
    with pytest.raises(error, match=words):
        precision.adam_step(**args)


def test_adam_step_shapes_must_agree():
    with pytest.raises(ValueError, match="one shape"):
        precision.adam_step(np.zeros(2), np.ones(3), np.zeros(2), np.zeros(2), 1, lr=1e-3)


# -- the Newton–Schulz stepper ------------------------------------------------------------------
ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture
def stepper():
    from lrlessons import widgets

    return widgets.newton_schulz_stepper().app


def test_stepper_histogram_is_the_library_iteration(stepper):
    from lrlessons.widgets.newton_schulz import COEFFICIENTS, _matrix

    for k in (0, 1, 5):
        stepper.steps.value = k
        st = stepper.state()
        G = _matrix(stepper.matrix.value)
        expected = np.linalg.svd(newton_schulz(G, COEFFICIENTS[stepper.coefficients.value], steps=k),
                                 compute_uv=False)
        np.testing.assert_allclose(st["sk"], expected, rtol=1e-12)
        # in float64 the iteration maps each singular value through the polynomial
        np.testing.assert_allclose(np.sort(st["s0_mapped"]), np.sort(st["sk"]), rtol=1e-9)
        assert sum(b.get_height() for b in stepper.bars) == min(G.shape)


def test_stepper_quintic_lands_in_the_band_cubic_does_not(stepper):
    stepper.steps.value = 5
    assert 0.6 < stepper.state()["sk"].min() and stepper.state()["sk"].max() < 1.2
    stepper.coefficients.value = "cubic (1.5, -0.5, 0), classical"
    assert stepper.state()["sk"].min() < 0.6
    assert "after k = 5" in stepper.result_html.value


def test_stepper_bfloat16_is_pytorch_muons_iteration(stepper):
    from lrlessons.widgets.newton_schulz import _matrix

    stepper.precision.value = "bfloat16"
    G = _matrix(stepper.matrix.value)
    expected = newton_schulz(G, precision="bfloat16", norm_precision="bfloat16")
    np.testing.assert_allclose(stepper.state()["sk"], np.linalg.svd(expected, compute_uv=False), rtol=1e-12)


def test_a_stepper_move_redraws_the_frame_once(stepper):
    # (speed is measured by benchmarks/bench_widgets.py; tests never assert on time)
    before = stepper.renders
    frame = stepper.image.value
    stepper.steps.value = 2
    assert stepper.renders == before + 1 and stepper.image.value != frame


def test_stepper_every_control_at_its_extremes(stepper):
    from test_robustness_widgets import check_no_raw_message, drive

    assert drive(stepper, inner_menus=True) >= 4
    check_no_raw_message(stepper, "end")
    assert stepper.last_error is None


def test_stepper_validates_its_arguments():
    from lrlessons import widgets

    with pytest.raises(ValueError, match="'steps'"):
        widgets.newton_schulz_stepper(steps=13)
    with pytest.raises(ValueError, match="'precision'"):
        widgets.newton_schulz_stepper(precision="float16")
    with pytest.raises(ValueError, match="'matrix'"):
        widgets.newton_schulz_stepper(matrix="identity")


def test_stepper_static_figure_and_css_class():
    from lrlessons import widgets

    box = widgets.newton_schulz_stepper(steps=3)
    assert "lrl-newton-schulz" in box._dom_classes and "lrl-widget" in box._dom_classes
    fig = box.app.static_figure()
    assert len(fig.axes) == 2 and "k = 3" in fig.axes[0].get_title()


# -- exercises ----------------------------------------------------------------------------------
def test_lion_step_exercise_reference_is_lion_with_beta1_zero_as_signsgd():
    ex = exercises.EXERCISES["lion_step"]
    theta, grad, m = np.array([1.0, -2.0]), np.array([0.3, -0.01]), np.array([-1.0, 1.0])
    new, m_new = ex.reference(theta, grad, m, 0.1, 0.0, 0.9, 0.0)
    np.testing.assert_array_equal(new, theta - 0.1 * np.sign(grad))
    np.testing.assert_allclose(m_new, 0.9 * m + 0.1 * grad, rtol=1e-15)
