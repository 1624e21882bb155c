"""Time a 100 x 100 (lr, beta1) grid of Adam on Rosenbrock for 500 steps: batched vs a loop.

    python benchmarks/bench_sweep.py

Three measurements in one process (absolute times drift on shared machines; the ratios are
what carry over):

1. ``sweep(...)``: the whole grid as one batched run (10,000 rows).
2. The same grid as a Python loop of single ``run(...)`` calls. Looping all 10,000 settings
   would take minutes, so a subset of ``LOOP_SUBSET`` settings (spread over the grid) is
   timed and the total is *extrapolated* linearly (printed as such).
3. A bare batched loop (``problem.grad`` + ``opt.step`` + ``problem.loss``, no recording,
   no divergence checks): the floor that ``run``'s bookkeeping adds to.

No assertions: this script only measures and prints.
"""

from __future__ import annotations

import time

import numpy as np

from lrlessons import optimizers, problems
from lrlessons.training import run, sweep

N_LR, N_BETA, STEPS, LOOP_SUBSET, REPEATS = 100, 100, 500, 200, 3


def best_of(fn, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    p = problems.rosenbrock()
    lrs = np.geomspace(1e-3, 1.0, N_LR)
    beta1s = np.linspace(0.0, 0.99, N_BETA)
    grid = {"lr": lrs, "beta1": beta1s}
    settings = N_LR * N_BETA

    t_sweep, res = best_of(lambda: sweep(optimizers.adam, p, STEPS, grid=grid))

    def bare():
        L, Bt = np.meshgrid(lrs, beta1s, indexing="ij")
        opt = optimizers.adam(lr=L.ravel(), beta1=Bt.ravel())
        theta = np.tile(p.x0, (settings, 1))
        state = opt.init(theta)
        lr = opt.hyperparameters["lr"]
        for _ in range(STEPS):
            theta, state, _ = opt.step(theta, p.grad(theta), state, lr=lr)
            p.loss(theta)
        return theta

    t_bare, _ = best_of(bare)

    rng = np.random.default_rng(0)
    picks = rng.choice(settings, size=LOOP_SUBSET, replace=False)
    ii, jj = np.unravel_index(picks, (N_LR, N_BETA))

    def loop():
        out = []
        for i, j in zip(ii, jj):
            out.append(run(optimizers.adam(lr=lrs[i], beta1=beta1s[j]), p, STEPS,
                           record_trace=False, record_theta=False).loss[-1])
        return np.array(out)

    t_loop_subset, loop_final = best_of(loop, repeats=1)
    t_loop = t_loop_subset * settings / LOOP_SUBSET
    same = np.array_equal(loop_final, res.final_loss[ii, jj])

    work = settings * STEPS
    print(f"Adam on Rosenbrock, {N_LR} x {N_BETA} (lr, beta1) grid, {STEPS} steps "
          f"= {work:,} setting-steps")
    print(f"  batched sweep():           {t_sweep:8.3f} s   {work / t_sweep:14,.0f} setting-steps/s   "
          f"(best of {REPEATS})")
    print(f"  bare batched loop (floor): {t_bare:8.3f} s   {work / t_bare:14,.0f} setting-steps/s   "
          f"run() bookkeeping = {t_sweep / t_bare:.2f}x the floor")
    print(f"  loop of single run():      {t_loop:8.1f} s   {work / t_loop:14,.0f} setting-steps/s   "
          f"(EXTRAPOLATED from {LOOP_SUBSET} settings timed: {t_loop_subset:.2f} s)")
    print(f"  ratio loop / batched:      {t_loop / t_sweep:8.0f} x")
    print(f"  batched rows equal the single runs bit for bit: {same}")
    print(f"  grid: {int(res.diverged.sum())} diverged; best setting {res.best}")


if __name__ == "__main__":
    main()
