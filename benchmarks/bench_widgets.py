"""Widget latency: what a slider move or a Step click costs, against re-plotting from scratch.

Every widget of ``lrlessons.widgets`` is driven headlessly (Agg) through its own callbacks:
setting a control's ``value`` runs exactly what a browser event runs (compute, update the
artists, blit onto the cached background, encode the frame into the ``ipywidgets.Image``).
Each interaction is timed interleaved with a **baseline in the same run**: rebuilding the
same picture from scratch as a naive ``clear_output`` + re-plot does (same compute, a new
figure with ``lrlessons.viz``, ``savefig`` to PNG as the inline backend does).

Cases
-----
* race: one lane's lr slider moves, 6 optimizers x 500 steps on screen. The headline ("lane
  recomputed") clears the widget's run cache first, so each move pays that lane's 500
  Rosenbrock steps + blit + encoding; "cached" is a return to a visited position (blit
  only); "all 6 lanes recomputed" is every lane at once without the contour.
  Target: < 100 ms median (the headline).
* stepper: a Step click (equation HTML with the step's numbers + the point moving).
  Target: < 30 ms median.
* schedule explorer: an argument slider; sweep explorer: choosing a cell; framework diff:
  the lr slider (4 frameworks x 200 steps); range test: the number of steps.
* lessons 10-14's explorers (WSD, edge of stability, batch size, Newton-Schulz, update ratios):
  one slider each, against re-drawing the widget's static figure.

Frames are JPEG by default (``App.image_format``); the race and stepper are also timed with
PNG frames. Run: ``python benchmarks/bench_widgets.py [--repeats N]``. Prints median and p90
per interaction, the baseline's, and their ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import _common as bc  # noqa: E402
from lrlessons import optimizers, problems, run, viz, widgets  # noqa: E402

TARGETS = {"race": 0.100, "stepper": 0.030}


def _savefig_png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=fig.dpi)
    return out.getvalue()


# -- the race ------------------------------------------------------------------------------
def race_cases():
    app = widgets.optimizer_race().app
    lane = app.lanes[4]                                     # adam
    lrs = itertools.cycle(10 ** np.arange(-1.8, -0.5, 0.05))     # slider positions
    visited = itertools.cycle([0.05, 0.1, 0.2])

    def move():                                             # a visited position: cached run, blit only
        lane.lr.value = next(visited)

    def move_cold():                                        # the lane's 500 steps recomputed
        app.clear_cache()
        lane.lr.value = float(next(lrs))

    def all_lanes():
        app.clear_cache()
        app.update_all()

    problem = problems.rosenbrock()

    def baseline():
        runs = {}
        for l in app.lanes:
            runs[l.name] = run(l.factory(**l.kwargs()), problem, app.steps)
        fig, (ax, axl) = viz.new_figure("pair", 1, 2, figsize=app.figsize, dpi=app.dpi)
        viz.plot_contour(problem, runs, ax=ax)
        viz.plot_loss(runs, problem=problem, ax=axl)
        _savefig_png(fig)

    return app, {"race: lr slider move, lane recomputed": move_cold, "race: lr slider move to a visited value": move,
                 "race: all 6 lanes recomputed": all_lanes,
                 "race: baseline re-plot": baseline}


# -- the stepper ---------------------------------------------------------------------------
def stepper_cases():
    app = widgets.equation_stepper().app

    def step():
        if app.t >= app.steps:
            app.step_slider.value = 0
        app.step()

    problem = problems.rosenbrock()
    k = itertools.cycle(range(1, 101))

    def baseline():
        t = next(k)
        traj = run(optimizers.adam(**app.kwargs()), problem, app.steps)
        fig, (ax, axl) = viz.new_figure("pair", 1, 2, figsize=app.figsize, dpi=app.dpi)
        viz.plot_contour(problem, {"adam": traj.theta[: t + 1]}, ax=ax)
        viz.plot_loss({"adam": traj}, problem=problem, ax=axl)
        app.equations_markup()
        _savefig_png(fig)

    return app, {"stepper: Step click": step, "stepper: baseline re-plot": baseline}


# -- the others ----------------------------------------------------------------------------
def schedule_cases():
    app = widgets.schedule_explorer().app
    rates = itertools.cycle(np.linspace(0.5, 0.99, 13))
    c = app.controls["decay_rate"]

    def move():
        c.value = float(next(rates))

    def baseline():
        fig = viz.plot_schedules({"schedule": app.schedule}, steps=int(app.steps_slider.value))
        _savefig_png(fig)

    return app, {"schedule explorer: argument slider": move, "schedule explorer: baseline re-plot": baseline}


def sweep_cases():
    app = widgets.sweep_explorer().app
    cols = itertools.cycle(range(app.col.max + 1))
    g = app.grid

    def move():
        app.col.value = next(cols)

    def baseline():
        fig, (ax, axp) = viz.new_figure("pair", 1, 2, figsize=app.figsize, dpi=app.dpi)
        viz.plot_heatmap(np.asarray(g.final_loss), g.cols, g.rows, diverged=g.diverged, ax=ax, lines=g.lines,
                         points=g.points)
        viz.plot_contour(g.problem(0), {"cell": g.theta(int(app.row.value), int(app.col.value))}, ax=axp)
        _savefig_png(fig)

    return app, {"sweep explorer: choose a cell": move, "sweep explorer: baseline re-plot": baseline}


def framework_cases():
    app = widgets.framework_diff().app
    lrs = itertools.cycle(np.geomspace(0.02, 0.2, 11))

    def move():
        app.lr.value = float(next(lrs))

    def baseline():
        app.compute()
        _savefig_png(viz.plot_frameworks(app.runs, app.problem))

    return app, {"framework diff: lr slider": move, "framework diff: baseline re-plot": baseline}


def range_cases():
    app = widgets.lr_range_test().app
    steps = itertools.cycle([80, 90, 100, 110, 120])

    def move():
        app.steps.value = next(steps)

    def baseline():
        res = app.compute()
        fig, ax = viz.new_figure("single", figsize=app.figsize, dpi=app.dpi)
        app.draw_result(ax, res)
        _savefig_png(fig)

    return app, {"range test: steps slider": move, "range test: baseline re-plot": baseline}


def _lesson_cases(label, box, control, values):
    """A lesson 10-14 explorer: one control cycled over ``values``; the baseline re-draws the
    widget's static figure from scratch and encodes it as PNG (what a naive re-plot costs)."""
    app = box.app
    cycle = itertools.cycle(values)

    def move():
        getattr(app, control).value = next(cycle)

    def baseline():
        _savefig_png(app.static_figure())

    return app, {f"{label}: {control} slider": move, f"{label}: baseline re-plot": baseline}


def wsd_cases():
    return _lesson_cases("WSD explorer (10)", widgets.wsd_explorer(), "cooldown", [0.05, 0.1, 0.2, 0.3, 0.5])


def edge_cases():
    box = widgets.edge_of_stability()
    return _lesson_cases("edge of stability (11)", box, "lr_slider", list(box.app.lr_slider.options))


def batch_size_cases():
    return _lesson_cases("batch-size explorer (12)", widgets.batch_size_explorer(), "batch", [0, 2, 4, 6, 8])


def newton_schulz_cases():
    return _lesson_cases("Newton-Schulz stepper (13)", widgets.newton_schulz_stepper(), "steps", [0, 1, 2, 3, 5, 8])


def width_cases():
    # lr only: the first visit to a new width computes its ratios (55 ms at 512, 164 ms at 1024)
    return _lesson_cases("update ratios (14)", widgets.update_ratios(), "lr", [1e-3, 3e-3, 1e-2, 3e-2, 0.1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=21, help="timed interactions per case (default 21)")
    args = ap.parse_args()
    bc.print_header("Widget latency: slider moves and Step clicks vs re-plotting from scratch")

    import time

    rows = []
    summary = {}
    cpu = {}
    for make in (race_cases, stepper_cases, schedule_cases, sweep_cases, framework_cases, range_cases,
                 wsd_cases, edge_cases, batch_size_cases, newton_schulz_cases, width_cases):
        app, cases = make()
        assert app.last_error is None, app.message.value
        fmts = ("jpeg", "png") if make in (race_cases, stepper_cases) else ("jpeg",)
        for fmt in fmts:
            app.set_image_format(fmt)
            times = bc.interleaved(cases, repeats=args.repeats, number=1, warmup=2)
            base_name = next(n for n in cases if "baseline" in n)
            base = bc.stats(times[base_name])
            for name, t in times.items():
                s = bc.stats(t)
                label = name if "baseline" in name else f"{name} ({fmt} frame)"
                if "baseline" in name and fmt != fmts[0]:
                    continue
                ratio = "1" if "baseline" in name else bc.fmt_ratio(base.median / s.median)
                rows.append([label, bc.fmt_time(s.median), bc.fmt_time(s.p90),
                             "—" if "baseline" in name else f"{ratio} faster"])
                summary[(name, fmt)] = s
            if make in (race_cases, stepper_cases) and fmt == "jpeg":
                # the same cases by this process's CPU time: excludes the time other processes
                # hold the cores (this machine is shared); all the work here is single-threaded
                t_cpu = bc.interleaved(cases, repeats=args.repeats, number=1, warmup=1, clock=time.process_time)
                for name, t in t_cpu.items():
                    cpu[name] = bc.stats(t)
                    rows.append([f"{name} (CPU time)", bc.fmt_time(cpu[name].median), bc.fmt_time(cpu[name].p90), "—"
                                 if "baseline" in name else f"{bc.fmt_ratio(bc.stats(t_cpu[base_name]).median / cpu[name].median)} faster"])
            if app.last_error is not None:
                print(f"note: {type(app).__name__} reported an error: {app.last_error}")

    print(bc.markdown_table(["interaction", "median", "p90", "vs baseline (same run)"], rows))
    print()
    race = summary[("race: lr slider move, lane recomputed", "jpeg")]
    race_warm = summary[("race: lr slider move to a visited value", "jpeg")]
    step = summary[("stepper: Step click", "jpeg")]
    race_png = summary[("race: lr slider move, lane recomputed", "png")]
    step_png = summary[("stepper: Step click", "png")]
    print(f"race slider move (6 optimizers x 500 steps, Rosenbrock; the moved lane recomputed): median "
          f"{bc.fmt_time(race.median)} (PNG frames {bc.fmt_time(race_png.median)}; visited value "
          f"{bc.fmt_time(race_warm.median)}; CPU time {bc.fmt_time(cpu['race: lr slider move, lane recomputed'].median)}); target < {bc.fmt_time(TARGETS['race'])}: "
          f"{'met' if race.median < TARGETS['race'] else 'NOT met'}")
    print(f"stepper Step click: median {bc.fmt_time(step.median)} (PNG frames {bc.fmt_time(step_png.median)}; "
          f"CPU time {bc.fmt_time(cpu['stepper: Step click'].median)}); "
          f"target < {bc.fmt_time(TARGETS['stepper'])}: {'met' if step.median < TARGETS['stepper'] else 'NOT met'}")
    bc.result("widgets.race_slider_median_s", race.median, unit="s", p90=race.p90, png_median=race_png.median,
              cached_median=race_warm.median, cpu_median=cpu["race: lr slider move, lane recomputed"].median)
    bc.result("widgets.stepper_step_median_s", step.median, unit="s", p90=step.p90, png_median=step_png.median,
              cpu_median=cpu["stepper: Step click"].median)


if __name__ == "__main__":
    main()
