"""Widgets driven headlessly: set a control, assert what the HTML and the frame now show."""

import html
import io
import re
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

ipywidgets = pytest.importorskip("ipywidgets")

from lrlessons import optimizers, problems, run, widgets  # noqa: E402
from lrlessons.widgets.base import DEFAULT_LR, fmt_vec, parse_vec  # noqa: E402
from lrlessons.widgets.diff import FRAMEWORK_OPTIMIZERS  # noqa: E402


def _row(html, field):
    """(now, previous) numbers of the equation line for ``field`` in the stepper's HTML."""
    m = re.search(rf'<tr data-field="{field}">(.*?)</tr>', html)
    assert m, f"no line for {field}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", m.group(1))
    return parse_vec(cells[1]), parse_vec(cells[2])


def _sliders(app_controls):
    return [c for c in app_controls if hasattr(c, "min") and hasattr(c, "max")]


def _frame_ok(app):
    from PIL import Image

    img = Image.open(io.BytesIO(app.image.value))
    assert img.size == app.canvas.get_width_height()
    return img


# ------------------------------------------------------------------------------------------
# Equation stepper
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stepper():
    return widgets.equation_stepper(steps=30).app


def test_stepper_returns_a_container_that_displays(stepper):
    box = widgets.equation_stepper(steps=5)
    assert isinstance(box, ipywidgets.VBox) and isinstance(box.app, widgets.EquationStepper)
    assert box.app.last_error is None
    assert any(isinstance(c, ipywidgets.Play) for c in _walk(box))


def _walk(w):
    yield w
    for c in getattr(w, "children", ()):
        yield from _walk(c)


def test_stepper_numbers_equal_the_trajectory_trace(stepper):
    app = stepper
    traj = run(app.optimizer, app.problem, app.steps)
    assert [f for f, _ in app.optimizer.equations] == list(traj.trace._fields)
    for t in (1, 2, 7, 30):
        app.step_slider.value = t
        html = app.equations_html.value
        for field, latex in app.optimizer.equations:
            assert f"${latex}$" in html
            now, prev = _row(html, field)
            np.testing.assert_allclose(now, getattr(traj.trace, field)[t - 1], rtol=5e-6, atol=1e-12)
            if t >= 2:
                np.testing.assert_allclose(prev, getattr(traj.trace, field)[t - 2], rtol=5e-6, atol=1e-12)
        assert fmt_vec(traj.theta[t]) in html
        assert app.point.get_xydata().tolist() == [traj.theta[t].tolist()]


def test_stepper_step_back_reset_move_the_point_and_the_frame(stepper):
    app = stepper
    app.reset()
    assert app.t == 0 and "—" in app.equations_html.value
    first = app.image.value
    app.step_button.click()
    app.step_button.click()
    assert app.t == 2 and app.image.value != first
    app.back_button.click()
    assert app.t == 1
    app.reset_button.click()
    assert app.t == 0 and app.image.value == first
    app.step_slider.value = app.steps
    app.step()
    assert app.t == app.steps                                   # Step at the end stays at the end
    _frame_ok(app)


def test_stepper_sliders_rebuild_the_optimizer_through_its_factory(stepper):
    app = stepper
    app.controls["lr"].value = 0.01
    assert app.optimizer.name == "adam" and app.optimizer.hyperparameters["lr"] == pytest.approx(0.01)
    app.controls["beta1"].value = 0.5
    assert app.optimizer.hyperparameters["beta1"] == 0.5
    app.step_slider.value = 3
    traj = run(optimizers.adam(**app.kwargs()), app.problem, app.steps)
    np.testing.assert_allclose(_row(app.equations_html.value, "m")[0], traj.trace.m[2], rtol=5e-6)


def test_stepper_every_slider_at_min_and_max_raises_nothing(stepper):
    app = stepper
    for name, c in app.controls.items():
        for v in (c.min, c.max) if hasattr(c, "min") else (True, False):
            if hasattr(c, "min") and isinstance(c, ipywidgets.FloatLogSlider):
                v = c.base ** v
            c.value = v
            assert app.last_error is None, (name, v, app.message.value)
            app.step_slider.value = app.steps
            app.step_slider.value = 1


def test_stepper_shows_divergence_as_a_label():
    app = widgets.equation_stepper("sgd", "rosenbrock", steps=20).app
    app.controls["lr"].value = 1.0
    app.step_slider.value = 20
    assert app.run.diverged_at is not None
    assert f"Diverged at update {app.run.diverged_at}" in app.status.value
    assert np.all(np.isfinite(app.trail.get_xydata()))
    _frame_ok(app)


def test_stepper_every_optimizer_and_problem_in_the_menus():
    app = widgets.equation_stepper(steps=3).app
    for name in app.optimizer_menu.options:
        app.optimizer_menu.value = name
        assert app.last_error is None, (name, app.message.value)
        app.step_slider.value = 2
        assert app.optimizer.equations and app.values(2)
    for p in app.problem_menu.options:
        app.problem_menu.value = p
        assert app.last_error is None, (p, app.message.value)
        assert app.problem.name == p


def test_stepper_accepts_an_optimizer_object_and_a_problem_object():
    app = widgets.equation_stepper(optimizers.momentum(lr=0.01, momentum=0.5), problems.quadratic(5.0), steps=4).app
    assert app.optimizer.hyperparameters["momentum"] == 0.5 and app.controls["momentum"].value == 0.5
    assert app.problem_menu.value == "quadratic"


def test_stepper_validates_its_arguments():
    with pytest.raises(ValueError, match="'optimizer' parameter of equation_stepper"):
        widgets.equation_stepper("adamm")
    with pytest.raises(ValueError, match="'steps' parameter of equation_stepper"):
        widgets.equation_stepper(steps=0)


def test_errors_in_callbacks_are_shown_inside_the_widget(stepper):
    app = stepper

    def broken(**kw):
        raise ValueError("The 'lr' parameter of broken must be nice. Got 3 instead.")

    good = app.factory
    app.factory = broken
    app.controls["lr"].value = 0.02                              # callback raises inside
    assert isinstance(app.last_error, ValueError)
    assert "Could not update" in app.message.value and "must be nice" in app.message.value
    app.factory = good
    app.controls["lr"].value = 0.03
    assert app.last_error is None and app.message.value == ""


# ------------------------------------------------------------------------------------------
# Schedule explorer
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def explorer():
    return widgets.schedule_explorer().app


def test_schedule_explorer_starts_on_the_article_staircase(explorer):
    app = explorer
    assert "staircase=True" in app.repr_html.value
    app.query.value = 2500
    assert "<code>0.09216</code>" in app.readout.value            # 0.1 * 0.96**2
    line = [l for l in app.ax.lines if not l.get_label().startswith("_")][0]
    np.testing.assert_allclose(line.get_ydata()[[0, 999, 1000]], [0.1, 0.1, 0.096])
    assert app.marker.get_xydata().tolist() == [[2500.0, 0.09216]]


def test_schedule_explorer_sliders_change_the_schedule(explorer):
    app = explorer
    app.menu.value = "article: exponential_decay(0.1, step, 1000, 0.96, staircase=True)"
    app.controls["decay_rate"].value = 0.5
    app.query.value = 2000
    assert float(app.readout.value.split("<code>")[1].split("</code>")[0]) == pytest.approx(0.025)
    app.controls["staircase"].value = False
    app.query.value = 500
    assert app.value_at(500) == pytest.approx(0.1 * 0.5 ** 0.5)


def test_schedule_explorer_shows_invalid_arguments_as_a_message(explorer):
    app = explorer
    app.menu.value = "core: piecewise_constant"
    assert app.last_error is None
    app.controls["boundaries"].value = "[3000, 1000]"
    assert "Could not update" in app.message.value and "boundaries" in app.message.value
    app.controls["boundaries"].value = "[1000, oops]"
    assert "'boundaries' control must be a list of numbers" in html.unescape(app.message.value)
    app.controls["boundaries"].value = "[1000, 3000]"
    assert app.last_error is None and app.message.value == ""


def test_schedule_explorer_article_warmup_and_a_framework_schedule(explorer):
    app = explorer
    app.menu.value = "article: linear warmup to 0.01 over 1000 steps (tf.cond)"
    app.query.value = 500
    assert app.value_at(500) == pytest.approx(0.005) and app.last_error is None
    app.menu.value = "pytorch: StepLR"
    app.controls["step_size"].value = 100
    assert app.value_at(250) == pytest.approx(app.controls["lr"].value * app.controls["gamma"].value ** 2)
    app.menu.value = "tf1: exponential_decay"
    assert "global_step=t" in app.repr_html.value and app.last_error is None


def test_schedule_explorer_every_entry_builds_and_sliders_at_extremes_raise_nothing(explorer):
    app = explorer
    app.steps_slider.value = 500
    for label in app.menu.options:
        app.menu.value = label                                   # may show a message, never raise
        assert app.image.value
        if label.startswith("create_learning_rate"):
            continue
        assert app.last_error is None, (label, app.message.value)
    for label in ("article: linear warmup to 0.01 over 1000 steps (tf.cond)", "core: cosine_decay_restarts",
                  "pytorch: OneCycleLR", "keras: CosineDecay", "optax: warmup_cosine_decay_schedule", "core: cyclic"):
        app.menu.value = label
        for name, c in app.controls.items():
            if hasattr(c, "min"):
                lo, hi = (c.base ** c.min, c.base ** c.max) if isinstance(c, ipywidgets.FloatLogSlider) else (c.min, c.max)
                c.value = hi
                c.value = lo
            elif isinstance(c, ipywidgets.Checkbox):
                c.value = not c.value
        assert app.image.value                                   # errors, if any, are in app.message
    app.log.value = True
    app.steps_slider.value = app.steps_slider.max
    app.query.value = app.query.max
    assert app.marker.get_xydata()[0, 0] == app.query.max


def test_schedule_explorer_config_box():
    pytest.importorskip("lrlessons.frameworks.od_api")
    from lrlessons import create_learning_rate

    app = widgets.schedule_explorer(schedule="create_learning_rate(config)  [type a config below]").app
    assert app.last_error is None, app.message.value
    app.query.value = 1000
    import json

    expected = float(create_learning_rate(json.loads(app.config.value))(1000))
    assert app.value_at(1000) == pytest.approx(expected)
    app.config.value = """learning_rate: {
      cosine_decay_learning_rate {
        learning_rate_base: .04
        total_steps: 25000
        warmup_learning_rate: .013333
        warmup_steps: 2000
      }
    }"""                                                      # pasted from a pipeline.config
    app.apply_button.click()
    assert app.last_error is None, app.message.value
    assert app.value_at(2000) == pytest.approx(0.04)
    app.config.value = "{not json"
    app.apply_button.click()
    assert isinstance(app.last_error, ValueError)                 # shown inside the widget, not raised
    assert "Could not update" in app.message.value and "Cannot parse" in app.message.value


def test_widgets_carry_stable_css_classes():
    box = widgets.equation_stepper(steps=3)
    assert {"lrl-widget", "lrl-stepper"} <= set(box._dom_classes)
    assert "lrl-step" in box.app.step_button._dom_classes
    assert "lrl-message" in box.app.message._dom_classes


# ------------------------------------------------------------------------------------------
# Optimizer race
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def race():
    return widgets.optimizer_race(steps=100).app


def test_race_status_equals_independent_runs(race):
    app = race
    assert [l.name for l in app.lanes] == ["sgd", "momentum", "adagrad", "rmsprop", "adam", "nadam"]
    adam = app.lanes[4]
    traj = run(optimizers.adam(lr=adam.lr.value, beta1=adam.hp.value), problems.rosenbrock(), 100)
    np.testing.assert_allclose(adam.run.theta, traj.theta, rtol=1e-12)
    assert f"adam: f − f* = {fmt_vec(traj.loss[-1])} after 100 steps" in app.status.value
    np.testing.assert_allclose(adam.curve.get_ydata(), np.maximum(traj.loss, 1e-12))


def test_race_on_a_minibatch_problem_uses_the_minibatches():
    """The race runs ll.run: minibatch k feeds update k + 1."""
    p = problems.logistic_regression(batch_size=20)
    app = widgets.optimizer_race(problem=p, optimizers=("sgd", "adam"), lrs={"sgd": 1.0, "adam": 0.1}, steps=60).app
    sgd = app.lanes[0]
    traj = run(optimizers.sgd(lr=1.0), p, 60)
    np.testing.assert_allclose(sgd.run.theta, traj.theta, rtol=1e-12)
    full = run(optimizers.sgd(lr=1.0), problems.logistic_regression(), 60)
    assert not np.allclose(sgd.run.theta[-1], full.theta[-1])        # minibatch noise is real


def test_race_slider_move_recomputes_only_that_lane(race):
    app = race
    before = [l.run for l in app.lanes]
    app.lanes[1].lr.value = 1e-4
    after = [l.run for l in app.lanes]
    assert after[1] is not before[1]
    assert all(a is b for i, (a, b) in enumerate(zip(before, after)) if i != 1)


def test_race_divergence_is_a_label_never_a_nan_plot(race):
    app = race
    lane = app.lanes[0]
    lane.lr.value = lane.lr.max ** 1 if not isinstance(lane.lr, ipywidgets.FloatLogSlider) else 10.0
    assert app.last_error is None
    assert "sgd: diverged at step" in app.status.value or "sgd: left the frame" in app.status.value
    assert np.all(np.isfinite(lane.path.get_xydata())) and np.all(np.isfinite(lane.curve.get_ydata()))
    lane.lr.value = 1e-3


def test_race_every_control_at_min_and_max(race):
    app = race
    for lane in app.lanes:
        for c in (lane.lr, lane.hp):
            if c is None:
                continue
            lo, hi = (c.base ** c.min, c.base ** c.max) if isinstance(c, ipywidgets.FloatLogSlider) else (c.min, c.max)
            for v in (lo, hi):
                c.value = v
                assert app.last_error is None, (lane.name, v, app.message.value)
        lane.enabled.value = False
        assert f"{lane.name}: off" in app.status.value and not lane.path.get_visible()
        lane.enabled.value = True
    app.steps_slider.value = app.steps_slider.min
    app.steps_slider.value = 100
    for p in app.problem_menu.options:
        app.problem_menu.value = p
        assert app.last_error is None, (p, app.message.value)
    _frame_ok(app)


# ------------------------------------------------------------------------------------------
# Sweep explorer
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sweeper():
    return widgets.sweep_explorer().app


def test_sweep_explorer_cells_show_the_sweep_numbers_and_paths(sweeper):
    from lrlessons import sweep

    app = sweeper
    g = app.grid
    res = sweep(optimizers.momentum, problems.quadratic(25.0), 100, grid={"momentum": g.rows, "lr": g.cols})
    np.testing.assert_array_equal(g.diverged, res.diverged)
    i, j = int(app.row.value), int(app.col.value)
    assert not g.diverged[i, j]                                  # starts next to Polyak's optimum
    assert f"<code>{fmt_vec(res.final_loss[i, j])}</code>" in app.cell_html.value
    traj = run(optimizers.momentum(lr=g.cols[j], momentum=g.rows[i]), problems.quadratic(25.0), 100)
    np.testing.assert_allclose(app.path.get_xydata(), traj.theta, rtol=1e-9, atol=1e-12)
    ii, jj = np.argwhere(g.diverged)[0]
    app.row.value, app.col.value = int(ii), int(jj)
    assert "diverged" in app.cell_html.value
    assert np.all(np.isfinite(app.path.get_xydata()))


def test_sweep_explorer_theory_overlays(sweeper):
    legend = [t.get_text() for t in sweeper.ax_map.get_legend().get_texts()]
    assert legend[0] == "diverged" and legend[1].startswith("stability limit") and legend[2].startswith("Polyak optimum")


def test_sweep_explorer_every_preset_and_extreme_cell(sweeper):
    app = sweeper
    for preset in app.menu.options:
        app.menu.value = preset
        assert app.last_error is None, (preset, app.message.value)
        for r, c in ((0, 0), (app.row.max, app.col.max)):
            app.row.value, app.col.value = r, c
            assert app.last_error is None
        app.metric.value = "steps to tol" if app.metric.value == "final loss" else "final loss"
        assert app.last_error is None
    app.menu.value = "gradient descent: L × lr on quadratics (κ = 10)"
    assert any("GD limit" in t.get_text() for t in app.ax_map.get_legend().get_texts())


# ------------------------------------------------------------------------------------------
# Framework diff
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fwdiff():
    return widgets.framework_diff(steps=60).app


def test_framework_diff_highlights_exactly_the_lines_not_shared(fwdiff):
    app = fwdiff
    app.menu.value = "momentum"
    eqs = {k: [l for _, l in o.equations] for k, o in app.optimizers.items()}
    shared = set.intersection(*map(set, eqs.values()))
    n_diff = sum(l not in shared for v in eqs.values() for l in v)
    html = app.table.value
    assert html.count('data-diff="1"') == n_diff > 0                 # Keras puts lr in the buffer
    assert html.count('data-diff="0"') == sum(len(v) for v in eqs.values()) - n_diff


def test_framework_diff_momentum_paths_agree_at_constant_lr(fwdiff):
    app = fwdiff
    app.menu.value = "momentum"
    ref = app.runs["PyTorch"].theta
    for label in ("TF1", "Keras", "optax"):
        np.testing.assert_allclose(app.runs[label].theta, ref, rtol=1e-9, atol=1e-12)


def test_framework_diff_a_menu_change_runs_the_frameworks_once(fwdiff, monkeypatch):
    app = fwdiff
    app.menu.value = "adam"
    calls = []
    real = app.compute
    monkeypatch.setattr(app, "compute", lambda: calls.append(1) or real())
    for name in ("sgd", "adam", "adafactor"):
        calls.clear()
        app.menu.value = name                          # a new default lr (sgd, adam) or the same one (adafactor)
        assert app.last_error is None, app.message.value
        assert len(calls) == 1, name
        assert app.lr.value == DEFAULT_LR.get(name, 0.01)


def test_framework_diff_every_name_and_lr_extreme(fwdiff):
    app = fwdiff
    for name in app.menu.options:
        app.menu.value = name
        assert app.last_error is None, (name, app.message.value)
        # every framework that ships the optimizer: all four for the classics, two or three for the
        # optimizers of 2023-2026 (TF1 has none of them)
        assert set(app.runs) == set(FRAMEWORK_OPTIMIZERS[name]), name
        modern = {"muon", "lion", "lamb", "adafactor", "schedule_free_adamw"}
        assert len(app.runs) == 4 if name not in modern else {"Keras", "optax"} <= set(app.runs) and "TF1" not in app.runs
        for v in (app.lr.base ** app.lr.min, app.lr.base ** app.lr.max):
            app.lr.value = v
            assert app.last_error is None
            for path, curve in app.artists.values():
                assert np.all(np.isfinite(path.get_xydata()))
    _frame_ok(app)


# ------------------------------------------------------------------------------------------
# One run loop: the same settings give the same numbers in run() and in every widget
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lr, k", [(2.5, 18), (2.1, 74)])
def test_same_settings_diverge_at_the_same_step_in_run_and_every_widget(lr, k):
    p = problems.quadratic()
    assert run(optimizers.sgd(lr=lr), p, 100).diverged_at == k
    race = widgets.optimizer_race(problem=p, optimizers=("sgd", "adam"), lrs={"sgd": lr}, steps=100).app
    assert race.lanes[0].run.diverged_at == k and f"sgd: diverged at step {k}" in race.status.value
    diff = widgets.framework_diff("sgd", p, lr=lr, steps=100).app
    assert {label: r.diverged_at for label, r in diff.runs.items()} == dict.fromkeys(["PyTorch", "TF1", "Keras", "optax"], k)
    assert f"PyTorch: diverged at step {k}" in diff.status.value
    stepper = widgets.equation_stepper("sgd", p, steps=100).app
    stepper.controls["lr"].value = lr
    assert stepper.run.diverged_at == k and f"This run diverges at update {k}" in stepper.status.value
    stepper.step_slider.value = k - 1                              # the last accepted update is shown,
    now, _ = _row(stepper.equations_html.value, "delta")
    np.testing.assert_allclose(now, stepper.run.trace.delta[k - 2], rtol=5e-6)
    stepper.step_slider.value = k                                  # the rejected one is not
    assert f"Diverged at update {k}" in stepper.status.value
    for app in (race, diff, stepper):
        assert app.last_error is None, app.message.value


class CountingSurface:
    """A 2-D surface that counts its gradient evaluations."""

    def __init__(self, problem):
        self.problem, self.grad_calls = problem, 0

    def grad(self, theta, step=None):
        self.grad_calls += 1
        return self.problem.grad(theta, step=step)

    def __getattr__(self, name):                                  # loss, x0, bounds, name, minimum, ...
        return getattr(self.problem, name)


def test_widgets_draw_the_trajectory_and_never_recompute_gradients():
    p = CountingSurface(problems.rosenbrock())
    app = widgets.equation_stepper("adam", p, steps=30).app
    assert p.grad_calls == 30                                     # run()'s, one per update
    for t in (1, 5, 30):
        app.step_slider.value = t
        now, prev = (parse_vec(c) for c in re.findall(r"<td[^>]*><code>(.*?)</code></td>",
                                                      app.equations_html.value.split("</tr>")[2])[:2])
        np.testing.assert_allclose(now, app.run.grad[t - 1], rtol=5e-6)
    assert p.grad_calls == 30
    p.grad_calls = 0
    widgets.optimizer_race(problem=p, optimizers=("sgd", "adam"), steps=40)
    assert p.grad_calls == 80
    p.grad_calls = 0
    widgets.framework_diff("adam", p, steps=20)
    assert p.grad_calls == 80


# ------------------------------------------------------------------------------------------
# LR range test
# ------------------------------------------------------------------------------------------
def test_lr_range_test_widget_matches_the_library():
    from lrlessons.training import lr_range_test

    app = widgets.lr_range_test().app
    expected = lr_range_test(optimizers.sgd, problems.logistic_regression(batch_size=20), start_lr=1e-5,
                             end_lr=100.0, steps=100)
    assert app.result.suggested_lr == expected.suggested_lr
    assert f"α ≈ <code>{fmt_vec(expected.suggested_lr)}</code>" in app.result_html.value
    assert app.fig.axes[0].get_xscale() == "log" and len(app.fig.axes[0].patches) == 1
    app.start_lr.value = 1.0
    app.end_lr.value = 1e-3
    assert "end lr must be larger" in app.message.value
    app.end_lr.value = 1e3
    app.start_lr.value = 1e-8
    app.steps.value = app.steps.min
    assert app.last_error is None
    app.optimizer_menu.value = "adam"
    app.problem_menu.value = "mlp"
    assert app.last_error is None, app.message.value
    _frame_ok(app)


# ------------------------------------------------------------------------------------------
# Static fallbacks, formats, setup check
# ------------------------------------------------------------------------------------------
def test_every_widget_has_a_static_figure(stepper, explorer, race, sweeper, fwdiff):
    for app in (stepper, explorer, race, sweeper, fwdiff):
        fig = app.static_figure()
        assert isinstance(fig, Figure) and fig.axes
        assert any(ax.lines or ax.collections for ax in fig.axes)


def test_png_and_jpeg_frames(stepper):
    stepper.set_image_format("png")
    assert stepper.image.value[:8] == b"\x89PNG\r\n\x1a\n" and stepper.image.format == "png"
    stepper.set_image_format("jpeg")
    assert stepper.image.value[:2] == b"\xff\xd8"
    with pytest.raises(ValueError, match="'fmt' parameter"):
        stepper.set_image_format("gif")


def test_check_setup_by_default_prints_a_verdict_without_paths_or_versions(capsys):
    info = widgets.check_setup()
    out = capsys.readouterr().out
    assert out.startswith("Setup OK: ipywidgets 8 and its front-end extension are installed")
    assert sys.executable not in out and info["numpy"] not in out and info["ipywidgets"] not in out


def test_check_setup_verbose_prints_versions(capsys):
    info = widgets.check_setup(verbose=True)
    out = capsys.readouterr().out
    assert info["ipywidgets"] == ipywidgets.__version__
    for key in ("python", "numpy", "matplotlib", "ipywidgets", "jupyterlab"):
        assert re.search(rf"^{key}\s", out, re.M), key


def test_fmt_and_parse_round_trip():
    x = np.array([0.123456789, -2.5e-7, 3.0])
    np.testing.assert_allclose(parse_vec(fmt_vec(x)), x, rtol=5e-6)
    assert fmt_vec(np.float64(2.0)) == "2"
