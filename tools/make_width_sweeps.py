#!/usr/bin/env python
"""Learning-rate sweeps of an MLP at widths 64 ... 1024 in SP and μP (lesson 14's heavy part).

Usage::

    python tools/make_width_sweeps.py            # writes lrlessons/reference/width_sweeps.json

For each optimizer (SGD, Adam), each parametrisation (SP, μP; Yang et al. 2022, Table 3) and
each width, one batched run of :func:`lrlessons.width.train` trains the same tanh MLP (two
hidden layers, base width 64, so SP and μP coincide at width 64) with every learning rate of
a grid of powers of 2, full batch, on :func:`lrlessons.width.teacher_task` (128 samples),
and stores per learning rate the mean training loss over the run (the area under the
training curve: it rewards fast, stable training and has no flat zero plateau) and the final
loss (``null`` where the run diverged). It took about 10 minutes on one core here; lesson 14
loads the result with ``lrlessons.reference.load("width_sweeps")``.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np

from lrlessons import width as wd

OUT = Path(__file__).resolve().parent.parent / "lrlessons" / "reference" / "width_sweeps.json"
WIDTHS = (64, 128, 256, 512, 1024)
SETTINGS = dict(samples=128, steps=100, depth=2, base_width=64, seed=0)
# Powers of 2 (the grid's resolution is a factor of 2), wide enough to hold every optimum.
LOG2_LRS = {"sgd": list(range(-6, 4)), "adam": list(range(-12, 0))}


def sweep(optimizer: str, parametrization: str, width: int, x, y) -> dict:
    """One batched run over the learning-rate grid: mean and final loss per rate."""
    lrs = 2.0 ** np.array(LOG2_LRS[optimizer], dtype=float)
    net = wd.WidthMLP(width, depth=SETTINGS["depth"], parametrization=parametrization, optimizer=optimizer,
                      base_width=SETTINGS["base_width"])
    run = wd.train(net, x, y, lrs, steps=SETTINGS["steps"], seed=SETTINGS["seed"])
    mean = run.loss.mean(axis=0)
    final = run.loss[-1]
    return {"mean_loss": [float(v) if np.isfinite(v) else None for v in mean],
            "final_loss": [float(v) if np.isfinite(v) else None for v in final]}


def main() -> None:
    x, y = wd.teacher_task(samples=SETTINGS["samples"])
    out = {"versions": {"numpy": np.__version__, "python": platform.python_version()},
           "settings": {**SETTINGS, "widths": list(WIDTHS), "log2_lrs": LOG2_LRS,
                        "task": "teacher_task(samples=128, d_in=8, d_out=1, seed=0)"},
           "sweeps": {}}
    for optimizer in ("sgd", "adam"):
        for parametrization in ("sp", "mup"):
            for width in WIDTHS:
                t0 = time.perf_counter()
                res = sweep(optimizer, parametrization, width, x, y)
                out["sweeps"].setdefault(optimizer, {}).setdefault(parametrization, {})[str(width)] = res
                print(f"{optimizer:4s} {parametrization:3s} width {width:5d}: {time.perf_counter() - t0:6.1f} s",
                      flush=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(OUT.parent.parent.parent)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
