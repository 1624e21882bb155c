"""Precompute lesson 11's widget curves: full-batch GD with warmup on the lesson MLP.

Writes ``lrlessons/reference/edge_of_stability.json`` (package data, ``ll.reference.load``):
for every peak rate η in ``LRS`` and warmup length W in ``WARMUPS``, 600 updates of
``optimizers.sgd`` with ``schedules.warmup(constant(η), W)`` on
``problems.mlp(dataset="spirals", hidden=32, noise=0.2)``: the loss at every step and the
sharpness (``lrlessons.sharpness.sharpness_along``) every 10 steps. A live run takes ~0.3 s
per setting, too slow for a slider, so the widget reads these curves.

Run: ``python tools/make_edge_of_stability.py`` (about 10 s).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import lrlessons as ll
from lrlessons import optimizers, problems, schedules, sharpness

LRS = (1.0, 2.0, 4.0, 6.0, 8.0)
WARMUPS = (0, 100, 200, 400)
STEPS, EVERY, ITERS = 600, 10, 50
PROBLEM = dict(dataset="spirals", hidden=32, noise=0.2)


def curves(lr: float, warmup: int) -> dict:
    """One setting: the rate, loss and sharpness curves of GD with a linear warmup."""
    p = problems.mlp(**PROBLEM)
    rate = schedules.constant(lr) if warmup == 0 else schedules.warmup(schedules.constant(lr), warmup)
    traj = ll.run(optimizers.sgd(lr=rate), p, STEPS)
    steps, sharp = sharpness.sharpness_along(p.grad, traj.theta, every=EVERY, iters=ITERS)
    return {"lr": lr, "warmup": warmup, "loss": [float(f"{x:.5g}") for x in traj.loss],
            "rate": [float(f"{x:.5g}") for x in traj.lr], "sharpness_steps": steps.tolist(),
            "sharpness": [float(f"{x:.5g}") for x in sharp]}


def main() -> None:
    data = {"versions": {"numpy": np.__version__, "lrlessons": ll.__version__},
            "problem": PROBLEM, "steps": STEPS, "lrs": list(LRS), "warmups": list(WARMUPS),
            "runs": [curves(lr, w) for lr in LRS for w in WARMUPS]}
    out = Path(__file__).resolve().parents[1] / "lrlessons" / "reference" / "edge_of_stability.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out.name}: {out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
