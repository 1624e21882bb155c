"""Figures: each function returns a figure holding the artists it promises."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure

from lrlessons import optimizers, problems, run, schedules, sweep, viz


def _lines(ax):
    return [l for l in ax.lines if not l.get_label().startswith("_")]


def test_palette_is_okabe_ito_and_cycles():
    assert set(viz.COLORS) == set(viz.OKABE_ITO.values())
    assert viz.color(0) == "#0072B2" and viz.color(len(viz.COLORS)) == viz.color(0)


def test_figures_are_not_registered_with_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    viz.plot_schedules(schedules.constant(0.1), steps=10)
    assert plt.get_fignums() == before


def test_plot_schedules_several_on_one_axis_with_labels_and_log_scale():
    fig = viz.plot_schedules({"const": schedules.constant(0.1), "decay": schedules.exponential_decay(0.1, 10, 0.5)},
                             steps=50, log=True)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labelled = _lines(ax)
    assert [l.get_label() for l in labelled] == ["const", "decay"]
    np.testing.assert_allclose(labelled[1].get_ydata()[[0, 10, 20]], [0.1, 0.05, 0.025])
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step $t$" and "eta" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["const", "decay"]


def test_plot_schedules_batched_schedule_draws_one_line_per_run():
    fig = viz.plot_schedules(schedules.constant([0.1, 0.2, 0.3]), steps=20, labels=["c"])
    labelled = _lines(fig.axes[0])
    assert [l.get_label() for l in labelled] == ["c [0]", "c [1]", "c [2]"]
    assert [float(l.get_ydata()[5]) for l in labelled] == [0.1, 0.2, 0.3]


def test_plot_schedules_marks_staircase_drops_and_warmup_end():
    fig = viz.plot_schedules(schedules.exponential_decay(0.1, 1000, 0.96, staircase=True), steps=3000)
    markers = [l for l in fig.axes[0].lines if l.get_marker() == "o"]
    assert markers[0].get_xdata().tolist() == [1000, 2000]
    fig = viz.plot_schedules(schedules.warmup(schedules.constant(0.01), 1000), steps=2000)
    markers = [l for l in fig.axes[0].lines if l.get_marker() == "o"]
    assert markers[0].get_xdata().tolist() == [1000]


def test_plot_schedules_validates():
    with pytest.raises(ValueError, match="'steps' parameter of plot_schedules"):
        viz.plot_schedules(schedules.constant(0.1), steps=0)
    with pytest.raises(TypeError, match="callables"):
        viz.plot_schedules([0.1], steps=5)


def test_clip_path_stops_at_the_frame():
    pts, left = viz.clip_path([[0, 0], [0.5, 0.5], [3, 0.5], [np.inf, 0]], ((-1, 1), (-1, 1)), margin=0)
    assert left
    np.testing.assert_allclose(pts, [[0, 0], [0.5, 0.5], [1.0, 0.5]])
    pts, left = viz.clip_path([[0, 0], [np.nan, 0]], ((-1, 1), (-1, 1)))
    assert left and pts.tolist() == [[0.0, 0.0]]
    pts, left = viz.clip_path([[0, 0], [0.2, 0.1]], ((-1, 1), (-1, 1)))
    assert not left and pts.shape == (2, 2)


def test_plot_contour_marks_start_end_minimum_and_clips_a_diverged_run():
    p = problems.quadratic(10.0)
    good = run(optimizers.sgd(lr=0.5), p, steps=30)
    bad = run(optimizers.sgd(lr=2.5), p, steps=30)
    escaping = np.array([[-4.0, 3.0], [-4.5, 3.0], [40.0, 3.0], [1e9, 3.0]])
    fig = viz.plot_contour(p, {"lr=0.5": good, "lr=2.5": bad, "escape": escaping})
    ax = fig.axes[0]
    assert ax.get_xlim() == p.bounds[0] and ax.get_ylim() == p.bounds[1]
    labels = [l.get_label() for l in _lines(ax)]
    assert labels == ["minimum", "lr=0.5", "lr=2.5 (diverged)", "escape (diverged)"]
    star = _lines(ax)[0]
    assert star.get_marker() == "*" and star.get_xydata().tolist() == [[0.0, 0.0]]
    esc = _lines(ax)[3].get_xydata()
    assert esc[-1, 0] == pytest.approx(5.0 + 0.05 * 10)          # stops at the (5% enlarged) frame
    assert len(ax.collections) > 0                                # the contour set
    ends = [l for l in ax.lines if l.get_marker() == "X"]
    assert len(ends) == 2                                         # both diverged runs end in an X


def test_plot_contour_rejects_non_2d_paths():
    with pytest.raises(ValueError, match="2-D parameters"):
        viz.plot_contour(problems.quadratic(), np.zeros((5, 3)))


def test_plot_loss_log_scale_and_diverged_label():
    p = problems.quadratic(10.0)
    trajs = {"ok": run(optimizers.sgd(lr=0.5), p, steps=30), "nan": np.array([[1.0, 1.0], [0.5, 0.5], [np.nan, 1.0]])}
    fig = viz.plot_loss(trajs, problem=p)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == r"$f(\theta_t) - f^*$"
    labels = [l.get_label() for l in _lines(ax)]
    assert labels == ["ok", "nan (diverged at step 2)"]
    np.testing.assert_allclose(_lines(ax)[0].get_ydata(), trajs["ok"].loss)


def test_plot_loss_stops_runs_that_run_froze():
    """run() keeps a diverged row's loss finite (frozen); the plot must still stop and say so."""
    p = problems.quadratic(10.0)
    traj = run(optimizers.sgd(lr=[0.5, 2.5]), p, steps=30)
    k = int(traj.diverged_at[1])
    fig = viz.plot_loss({"sgd": traj}, problem=p)
    lines = _lines(fig.axes[0])
    assert [l.get_label() for l in lines] == ["sgd [0]", f"sgd [1] (diverged at step {k})"]
    assert len(lines[1].get_ydata()) == k and len(lines[0].get_ydata()) == 31


def test_plot_heatmap_hatches_diverged_cells_and_draws_theory():
    v = np.array([[1.0, 0.1, np.inf], [0.5, 0.2, 3.0]])
    div = np.array([[False, False, True], [False, True, False]])
    fig = viz.plot_heatmap(v, x=[0.1, 1.0, 10.0], y=[0.0, 0.5], diverged=div,
                           lines={"2/L": ([2.0, 2.0], [0.0, 0.5])}, points={"opt": (1.0, 0.5)})
    ax = fig.axes[0]
    hatched = [c for c in ax.collections if isinstance(c, PatchCollection)]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 2 and hatched[0].get_hatch() == "///"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["diverged", "2/L", "opt"]
    mesh = ax.collections[0]
    assert np.ma.getmaskarray(mesh.get_array()).reshape(div.shape).tolist() == div.tolist()
    assert len(fig.axes) == 2                                     # + colour bar
    with pytest.raises(ValueError, match="shape"):
        viz.plot_heatmap(v, x=[1, 2], y=[1, 2])


def test_plot_sweep_from_a_real_sweep():
    res = sweep(optimizers.momentum, problems.quadratic(), 40, grid={"momentum": [0.0, 0.5, 0.9], "lr": [0.1, 1.0, 3.0, 5.0]})
    fig = viz.plot_sweep(res)
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_xscale()) == ("lr", "momentum", "log")
    hatched = [c for c in ax.collections if isinstance(c, PatchCollection)][0]
    assert len(hatched.get_paths()) == int(res.diverged.sum()) > 0
    fig = viz.plot_sweep(res, metric="steps_to_tol")
    assert "steps" in fig.axes[1].get_ylabel()


def test_plot_frameworks_one_panel_per_framework_and_a_loss_panel():
    p = problems.rosenbrock()
    trajs = {k: run(optimizers.adam(lr=lr), p, steps=50) for k, lr in [("A", 0.05), ("B", 0.1), ("C", 0.02)]}
    fig = viz.plot_frameworks(trajs, p, title="adam")
    assert len(fig.axes) == 4
    assert [a.get_title() for a in fig.axes[:3]] == ["A", "B", "C"]
    assert [l.get_label() for l in _lines(fig.axes[3])] == ["A", "B", "C"]
    assert fig.get_suptitle() == "adam"


def test_plot_lr_range_test_shades_the_suggested_range():
    lrs = np.geomspace(1e-4, 10, 50)
    loss = 1 / (1 + lrs) + np.where(lrs > 3, np.inf, 0)
    fig = viz.plot_lr_range_test(lrs, loss, suggestion=(0.01, 1.0))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "loss" and labels[1].startswith("diverged at α = 3.")
    assert "heuristic" in labels[2]
    assert len(ax.patches) == 1                                    # the shaded band


def test_plot_lr_range_test_frames_the_dip_not_the_blow_up():
    """The dip from 0.6 to 0.35 fills the frame; the blow-up to 40 and a raw spike leave it."""
    lrs = np.geomspace(1e-4, 10, 60)
    loss = np.concatenate([np.linspace(0.6, 0.35, 45), np.geomspace(0.4, 40, 15)])
    fig, ax = viz.new_figure("single")
    ax.plot(lrs, loss * (1 + 20 * (np.arange(60) == 10)), color="0.7")      # one raw spike of 12
    viz.plot_lr_range_test(lrs, loss, ax=ax)
    bottom, top = ax.get_ylim()
    assert bottom < 0.35 and 0.6 < top < 1.0


def test_plot_heatmap_ticks_a_short_linear_axis_at_its_grid_values():
    v = np.arange(12.0).reshape(4, 3) + 1
    fig = viz.plot_heatmap(v, x=[0.01, 0.1, 1.0], y=[0.0, 0.3, 0.6, 0.9])
    ax = fig.axes[0]
    assert ax.get_yticks().tolist() == [0.0, 0.3, 0.6, 0.9]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "0.3", "0.6", "0.9"]
    assert ax.get_xscale() == "log"                                  # the lr axis keeps its decades

