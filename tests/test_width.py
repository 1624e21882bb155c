"""lrlessons.width: SP and μP MLPs (Yang et al. 2022, Table 3), batched lr sweeps, update sizes."""

from __future__ import annotations

import numpy as np
import pytest

from lrlessons import width as wd

X, Y = wd.teacher_task(samples=32)


# -- the parametrisation table ------------------------------------------------------------
def test_sp_rules_are_the_default_init_and_one_rate():
    for opt in wd.OPTIMIZERS:
        rules = wd.layer_rules(512, depth=3, parametrization="sp", optimizer=opt)
        assert [r.kind for r in rules] == ["input", "hidden", "hidden", "output"]
        assert [r.shape for r in rules] == [(8, 512), (512, 512), (512, 512), (512, 1)]
        assert [r.init_std for r in rules] == pytest.approx([8**-0.5, 512**-0.5, 512**-0.5, 512**-0.5])
        assert {r.lr_scale for r in rules} | {r.bias_lr_scale for r in rules} == {1.0}
        assert {r.multiplier for r in rules} == {1.0}


@pytest.mark.parametrize("opt, weight_scales, bias_scales", [
    ("sgd", [4.0, 1.0, 0.25], [4.0, 4.0, 1.0]),       # input η·fan_out, hidden η, output η/fan_in; biases η·fan_out
    ("adam", [1.0, 0.25, 0.25], [1.0, 1.0, 1.0]),     # input η, hidden η/fan_in, output η/fan_in; biases η
])
def test_mup_rules_follow_table_3(opt, weight_scales, bias_scales):
    rules = wd.layer_rules(256, parametrization="mup", optimizer=opt, base_width=64)     # m = 4
    assert [r.lr_scale for r in rules] == weight_scales
    assert [r.bias_lr_scale for r in rules] == bias_scales
    # output variance 1/(fan_in m) = 1/(256 · 4): the 1/fan_in² of Table 3 up to the base width
    assert rules[-1].init_std == pytest.approx(1 / np.sqrt(256 * 4))
    assert rules[1].init_std == pytest.approx(1 / 16)


def test_sp_and_mup_are_the_same_network_at_the_base_width():
    for opt in wd.OPTIMIZERS:
        assert wd.layer_rules(64, parametrization="sp", optimizer=opt) == \
            wd.layer_rules(64, parametrization="mup", optimizer=opt)


# -- forward and backprop -----------------------------------------------------------------
def test_gradient_matches_central_differences():
    net = wd.WidthMLP(16, depth=3, parametrization="mup", optimizer="sgd", base_width=4)
    params = net.init(seed=1, runs=2)
    params = [p + 0.1 * np.random.default_rng(2).normal(size=p.shape) for p in params]   # nonzero biases
    grads = net.grad(params, X, Y)
    h = 1e-6
    for k, p in enumerate(params):
        for idx in [(0,) + (0,) * (p.ndim - 1), (1,) + tuple(s - 1 for s in p.shape[1:])]:
            up = [q.copy() for q in params]
            down = [q.copy() for q in params]
            up[k][idx] += h
            down[k][idx] -= h
            numeric = (net.loss(up, X, Y)[idx[0]] - net.loss(down, X, Y)[idx[0]]) / (2 * h)
            assert grads[k][idx] == pytest.approx(numeric, rel=1e-6, abs=1e-10), (k, idx)


def test_forward_values_of_a_tiny_network():
    net = wd.WidthMLP(2, depth=1, d_in=1, d_out=1, parametrization="sp", base_width=2)
    params = [np.array([[[1.0, -2.0]]]), np.array([[0.5, 0.0]]), np.array([[[3.0], [1.0]]]), np.array([[0.25]])]
    out = net.forward(params, np.array([[1.0]]))[-1]
    assert out[0, 0, 0] == pytest.approx(3 * np.tanh(1.5) + np.tanh(-2.0) + 0.25, abs=1e-15)


def test_a_batched_sweep_equals_separate_runs():
    lrs = np.array([0.01, 0.1, 0.5])
    net = wd.WidthMLP(32, parametrization="mup", optimizer="adam")
    batched = wd.train(net, X, Y, lrs, steps=20)
    for b, lr in enumerate(lrs):
        alone = wd.train(net, X, Y, lr, steps=20)
        np.testing.assert_allclose(batched.loss[:, b], alone.loss[:, 0], rtol=1e-13, atol=0)
        np.testing.assert_allclose(batched.ratio[:, b], alone.ratio[:, 0], rtol=1e-12, atol=0)


def test_training_reduces_the_loss_and_a_huge_rate_is_frozen_as_diverged():
    run = wd.train(wd.WidthMLP(64, optimizer="sgd", parametrization="sp"), X, Y, [0.1, 1e4], steps=30)
    assert run.loss[-1, 0] < 0.5 * run.loss[0, 0]
    assert np.isinf(run.loss[-1, 1]) and np.isfinite(run.loss[0, 1])
    assert wd.optimal_lr(run.lr, run.loss[-1]) == 0.1
    assert np.all(np.isfinite(run.params[0][1]))                       # frozen where it diverged


def test_the_first_sgd_update_ratio_is_the_rate_times_the_gradient_ratio():
    net = wd.WidthMLP(32, optimizer="sgd", parametrization="sp")
    params, grads = net.init(), net.grad(net.init(), X, Y)
    run = wd.train(net, X, Y, 0.1, steps=1)
    for layer in range(3):
        w, g = params[2 * layer], grads[2 * layer]
        assert run.ratio[0, 0, layer] == pytest.approx(0.1 * np.linalg.norm(g) / np.linalg.norm(w), rel=1e-12)


# -- μP keeps every layer's update size independent of the width -------------------------
WIDTHS = (128, 256, 512, 1024)


def feature_ratios(parametrization, optimizer):
    x, y = wd.teacher_task(samples=64)
    return np.array([wd.update_ratios(wd.WidthMLP(n, parametrization=parametrization, optimizer=optimizer),
                                      x, y, lr=1e-2)["feature"] for n in WIDTHS])


@pytest.mark.parametrize("optimizer, sp_growth", [("sgd", 2.5), ("adam", 8.0)])
def test_mup_update_size_at_init_does_not_depend_on_the_width(optimizer, sp_growth):
    mup = feature_ratios("mup", optimizer)            # (widths, layers)
    spread = mup[:, :2].max(axis=0) / mup[:, :2].min(axis=0)     # input and hidden layers
    assert np.all(spread < 1.4), spread
    sp = feature_ratios("sp", optimizer)
    # SP: the hidden layer's change grows with n: like √n for SGD (√8 ≈ 2.8), like n for Adam
    assert sp[-1, 1] / sp[0, 1] > sp_growth


@pytest.mark.parametrize("optimizer", wd.OPTIMIZERS)
def test_mup_change_of_the_output_does_not_depend_on_the_width(optimizer):
    x, y = wd.teacher_task(samples=64)
    change = {}
    for par in wd.PARAMETRIZATIONS:
        for n in (128, 1024):
            net = wd.WidthMLP(n, parametrization=par, optimizer=optimizer)
            params = net.init()
            opts = net.optimizers(np.array([1e-2]))
            new = [o.step(p, g, o.init(p))[0] for o, p, g in zip(opts, params, net.grad(params, x, y))]
            change[par, n] = np.sqrt(np.mean((net.forward(new, x)[-1] - net.forward(params, x)[-1]) ** 2))
    assert 0.6 < change["mup", 1024] / change["mup", 128] < 1.6
    assert change["sp", 1024] / change["sp", 128] > 4


def test_the_cs231n_weight_ratio_of_a_hidden_layer_scales_like_sqrt_width_under_adam():
    x, y = wd.teacher_task(samples=64)
    ratio = {(par, n): wd.update_ratios(wd.WidthMLP(n, parametrization=par), x, y, lr=1e-2)["weight"][1]
             for par in wd.PARAMETRIZATIONS for n in (64, 1024)}
    # a sign-like Adam step of size η per entry: ‖ΔW‖ = η n, ‖W‖ ≈ √n, so the ratio is η √n (SP), η n₀/√n (μP)
    assert ratio["sp", 1024] / ratio["sp", 64] == pytest.approx(4.0, rel=0.05)
    assert ratio["mup", 1024] / ratio["mup", 64] == pytest.approx(0.25, rel=0.05)


def test_optimal_lr_skips_diverged_runs():
    assert wd.optimal_lr([1.0, 2.0, 4.0], [0.3, np.inf, np.nan]) == 1.0
    with pytest.raises(ValueError, match="every run diverged"):
        wd.optimal_lr([1.0, 2.0], [np.inf, np.nan])
    with pytest.raises(ValueError, match="one length"):
        wd.optimal_lr([1.0, 2.0], [0.1])


# -- bad input ------------------------------------------------------------------------------
def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="'parametrization' parameter of layer_rules.*Did you mean 'mup'"):
        wd.layer_rules(64, parametrization="mu")
    with pytest.raises(ValueError, match="'width' parameter of layer_rules must be in \\[1, 65536\\]. Got 0"):
        wd.layer_rules(0)
    with pytest.raises(TypeError, match="'depth' parameter of layer_rules must be an integer"):
        wd.layer_rules(64, depth=1.5)
    with pytest.raises(TypeError, match="Did you mean 'base_width'"):
        wd.layer_rules(64, basewidth=32)
    with pytest.raises(ValueError, match="'lr' parameter of train must be finite and in \\[0, inf\\)"):
        wd.train(wd.WidthMLP(8), X, Y, [0.1, np.inf])
    with pytest.raises(ValueError, match="'lr' parameter of train must be in \\[0, inf\\). Got -0.1"):
        wd.train(wd.WidthMLP(8), X, Y, -0.1)
    with pytest.raises(TypeError, match="'net' parameter of train must be a WidthMLP"):
        wd.train("mlp", X, Y, 0.1)
    with pytest.raises(ValueError, match="'optimizer' parameter of layer_rules"):
        wd.WidthMLP(64, optimizer="lion")


@pytest.mark.parametrize("optimizer", wd.OPTIMIZERS)
def test_the_first_update_is_proportional_to_the_rate(optimizer):
    """What lets the widget compute once per width: SGD's and Adam's first steps are linear in η."""
    x, y = wd.teacher_task(samples=16)
    net = wd.WidthMLP(128, parametrization="mup", optimizer=optimizer)
    one = wd.update_ratios(net, x, y, lr=1.0)
    small = wd.update_ratios(net, x, y, lr=3e-4)
    for key in one:
        np.testing.assert_allclose(small[key], 3e-4 * one[key], rtol=1e-12)


# -- the widget -----------------------------------------------------------------------------
ipywidgets = pytest.importorskip("ipywidgets")


def test_update_ratio_widget_shows_the_library_numbers():
    from lrlessons import widgets

    box = widgets.update_ratios(width=128, lr=1e-2, optimizer="sgd")
    app = box.app
    assert "lrl-width" in box._dom_classes and app.last_error is None and app.image.value
    x, y = wd.teacher_task(samples=64)
    expected = wd.update_ratios(wd.WidthMLP(128, parametrization="mup", optimizer="sgd"), x, y, lr=1e-2)
    heights = [b.get_height() + b.get_y() for b in app.bars["mup", "feature"]]
    np.testing.assert_allclose(heights, expected["feature"], rtol=1e-9)
    assert f"{expected['weight'][0]:.2e}" in app.table.value
    renders, cached = app.renders, dict(app._cache)
    app.lr.value = 1e-3                                        # only bars move: no new computation
    assert app.renders == renders + 1 and app._cache.keys() == cached.keys()
    heights = [b.get_height() + b.get_y() for b in app.bars["mup", "feature"]]
    np.testing.assert_allclose(heights, expected["feature"] / 10, rtol=1e-9)
    fig = app.static_figure()
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"


def test_update_ratio_widget_mup_bars_stay_and_sp_bars_grow_with_width():
    from lrlessons import widgets

    app = widgets.update_ratios(width=128, optimizer="adam").app
    before = {k: np.array([b.get_height() for b in bars]) for k, bars in app.bars.items()}
    app.width.value = 1024
    after = {k: np.array([b.get_height() for b in bars]) for k, bars in app.bars.items()}
    assert np.all(after["mup", "feature"][:2] / before["mup", "feature"][:2] < 1.4)
    assert after["sp", "feature"][1] / before["sp", "feature"][1] > 4


def test_update_ratio_widget_controls_at_their_extremes():
    from test_robustness_widgets import check_no_raw_message, drive

    from lrlessons import widgets

    app = widgets.update_ratios().app
    assert drive(app) >= 4
    check_no_raw_message(app, "end")
    for bars in app.bars.values():
        assert all(np.isfinite(b.get_height()) and b.get_height() >= 0 for b in bars)


def test_update_ratio_widget_arguments_are_checked():
    from lrlessons import widgets

    with pytest.raises(ValueError, match="'width' parameter of update_ratios must be in \\[64, 1024\\]"):
        widgets.update_ratios(width=2048)
    with pytest.raises(ValueError, match="'optimizer' parameter of update_ratios.*Did you mean 'adam'"):
        widgets.update_ratios(optimizer="adm")


# -- the exercise ---------------------------------------------------------------------------
def test_mup_lr_scales_exercise_accepts_a_plain_solution_and_names_a_mistake():
    from lrlessons import exercises

    def solution(width, base_width, optimizer):
        m = np.asarray(width) / base_width
        if optimizer == "sgd":
            return m, np.ones_like(m), 1 / m
        return np.ones_like(m), 1 / m, 1 / m

    assert exercises.check("mup_lr_scales", solution).passed

    def all_over_m(width, base_width, optimizer):               # Adam's row for SGD too
        m = np.asarray(width) / base_width
        return np.ones_like(m), 1 / m, 1 / m

    result = exercises.check_mup_lr_scales(all_over_m)
    assert not result.passed and result.mistake == "sgd_like_adam"
    assert "The line that differs: input weights: m for SGD, 1 for Adam" in result.message


def test_mup_lr_scales_stub_reads_not_attempted_yet():
    from lrlessons import exercises

    def stub(width, base_width, optimizer):
        raise NotImplementedError

    assert "not attempted yet" in exercises.check("mup_lr_scales", stub)._repr_html_()
# -- the stored sweeps ----------------------------------------------------------------------
def test_stored_sweeps_have_every_width_and_rate():
    from lrlessons import reference

    data = reference.load("width_sweeps")
    widths = data["settings"]["widths"]
    assert widths == [64, 128, 256, 512, 1024]
    for opt, log2 in data["settings"]["log2_lrs"].items():
        for par in ("sp", "mup"):
            for n in widths:
                cell = data["sweeps"][opt][par][str(n)]
                assert len(cell["mean_loss"]) == len(cell["final_loss"]) == len(log2)
        # at the base width SP and μP are the same network, so the same numbers
        assert data["sweeps"][opt]["sp"]["64"] == data["sweeps"][opt]["mup"]["64"]


def test_stored_sweeps_reproduce_at_a_small_width():
    """The stored numbers are what lrlessons.width computes (width 128, a few rates)."""
    from lrlessons import reference

    data = reference.load("width_sweeps")
    s = data["settings"]
    x, y = wd.teacher_task(samples=s["samples"])
    for opt in ("sgd", "adam"):
        log2 = np.array(s["log2_lrs"][opt], dtype=float)
        net = wd.WidthMLP(128, depth=s["depth"], parametrization="mup", optimizer=opt, base_width=s["base_width"])
        run = wd.train(net, x, y, 2.0 ** log2[:4], steps=s["steps"], seed=s["seed"])
        stored = data["sweeps"][opt]["mup"]["128"]["mean_loss"][:4]
        np.testing.assert_allclose(run.loss.mean(axis=0), stored, rtol=1e-9)
