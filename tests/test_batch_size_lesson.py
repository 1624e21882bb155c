"""Lesson 12's exercise (two_batch_noise_scale) and widget (the batch-size explorer), headless."""

import numpy as np
import pytest

from lrlessons import exercises
from lrlessons.noise_scale import two_batch_estimate


def correct(sq_small, sq_big, b_small, b_big):
    s, b = np.mean(sq_small), np.mean(sq_big)
    trace = (s - b) / (1 / b_small - 1 / b_big)
    g_sq = (b_big * b - b_small * s) / (b_big - b_small)
    return g_sq, trace, trace / g_sq


def test_the_correct_answer_passes_and_matches_the_library():
    r = exercises.check("two_batch_noise_scale", correct)
    assert r.passed, r.message
    assert correct(5.0, 2.0, 1, 4) == tuple(two_batch_estimate(5.0, 2.0, 1, 4))


def test_the_stub_is_not_attempted_yet():
    def stub(sq_small, sq_big, b_small, b_big):
        raise NotImplementedError
    r = exercises.check_two_batch_noise_scale(stub)
    assert not r.passed and "not implemented yet" in r.message


@pytest.mark.parametrize("key", ["mean_of_ratios", "batch_not_inverse", "swapped_weights", "big_batch_as_truth",
                                 "inverted_ratio"])
def test_every_mistake_is_diagnosed(key):
    ex = exercises.EXERCISES["two_batch_noise_scale"]
    m = next(m for m in ex.mistakes if m.key == key)
    r = exercises.check("two_batch_noise_scale", m.compute)
    assert not r.passed and r.mistake == key


ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def app():
    from lrlessons import widgets
    box = widgets.batch_size_explorer()
    assert "lrl-batchsize" in box._dom_classes
    return box.app


def test_explorer_grid_shows_linear_scaling_then_saturation(app):
    g = app.grid()
    steps, lr = g.best
    assert g.batch_sizes.tolist() == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert (steps > 0).all()
    assert steps[0] / steps[4] > 8          # batch 1 -> 16: nearly 16× fewer steps
    assert steps[4] / steps[8] < 8          # batch 16 -> 256: much less than 16×
    assert 8 <= lr[4] / lr[0] <= 32         # the SGD optimum grows about linearly at small batch


def test_every_control_at_its_extremes(app):
    for name in ("sgd", "adam"):
        app.menu.value = name
        for v in (app.batch.min, app.batch.max, 3):
            before = app.renders
            app.batch.value = v
            assert app.last_error is None, app.message.value
            assert app.renders == before + 1 and app.image.value
            assert f"batch size <code>{int(app.grid().batch_sizes[v])}</code>" in app.info.value
    app.menu.value = "sgd"


def test_each_slider_move_redraws_once(app):
    # (speed is measured by benchmarks/bench_widgets.py; tests never assert on time)
    app.batch.value = 0
    for v in (8, 0, 8, 0, 4):
        before = app.renders
        app.batch.value = v
        assert app.renders == before + 1


def test_static_figure_and_bad_optimizer(app):
    from lrlessons import widgets
    fig = app.static_figure()
    assert len(fig.axes[0].get_lines()) == 3      # the ridge and the two rules
    with pytest.raises(ValueError, match="optimizer"):
        widgets.batch_size_explorer("lion")
