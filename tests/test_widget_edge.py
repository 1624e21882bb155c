"""The edge-of-stability widget (lesson 11), headless: every control at every value, fast redraws."""

from __future__ import annotations


import numpy as np
import pytest

from lrlessons import widgets
from lrlessons.widgets.edge import EdgeOfStability


@pytest.fixture(scope="module")
def box():
    return widgets.edge_of_stability()


def test_default_draws_a_frame_and_a_summary(box):
    app = box.app
    assert isinstance(app, EdgeOfStability)
    assert app.image.value and app.last_error is None
    assert "median" in app.result_html.value
    assert "lrl-edge" in box._dom_classes


def test_every_control_at_every_value_draws_without_error(box):
    app = box.app
    for lr in app.lr_slider.options:
        for w in app.warmup_slider.options:
            app.lr_slider.value, app.warmup_slider.value = lr, w
            assert app.last_error is None, app.last_error
            assert np.array_equal(app.loss_line.get_xdata(), np.arange(app.steps + 1))
    app.lr_slider.value, app.warmup_slider.value = app.lr_slider.options[0], app.warmup_slider.options[0]
    app.lr_slider.value = app.lr_slider.options[-1]
    assert app.last_error is None


def test_curves_show_the_edge_and_the_warmup_threshold(box):
    app = box.app
    t, loss, ts, sharp, limit = app.curves(2.0, 0)
    assert ts[-1] == app.steps and loss.size == app.steps + 1
    assert 0.8 < np.median(sharp[ts >= 300]) * 2.0 / 2 < 1.2             # hovers at 2/η
    _, _, _, _, limit_w = app.curves(2.0, 100)
    assert limit_w[0] == 1e3 and abs(limit_w[-1] - 1.0) < 1e-12            # 2/η_t: capped at t = 0, then 2/η


def test_each_slider_move_redraws_once(box):
    # (speed is measured by benchmarks/bench_widgets.py; tests never assert on time)
    app = box.app
    for lr in app.lr_slider.options[::-1]:
        if lr == app.lr_slider.value:
            continue
        before = app.renders
        app.lr_slider.value = lr
        assert app.renders == before + 1


def test_static_figure_has_both_runs(box):
    fig = box.app.static_figure()
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="'lr' parameter of edge_of_stability"):
        EdgeOfStability(lr=3.0)
    with pytest.raises(ValueError, match="'warmup' parameter of edge_of_stability"):
        EdgeOfStability(warmup=50)
