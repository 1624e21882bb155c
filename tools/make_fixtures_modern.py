"""Reference data for the optimizers and schedules of 2023–2026 (issue 15), from the REAL libraries.

Writes ``lrlessons/reference/modern_optimizers.json`` and ``lrlessons/reference/modern_schedules.json``.
Run by hand in a throwaway environment (never a test dependency), e.g.::

    python3 -m venv /tmp/fwenv15
    /tmp/fwenv15/bin/pip install torch==2.13.0 jax jaxlib keras==3.15.1 optax==0.2.8 \
        schedulefree ml_dtypes numpy          # torch: the CPU wheel
    /tmp/fwenv15/bin/python tools/make_fixtures_modern.py

Like ``tools/make_fixtures_optimizers.py``, the script re-runs itself once per framework in a
subprocess (``--framework NAME --out FILE``) so that torch, Keras (JAX backend, x64) and optax never
share a process, then merges the parts. Re-running it reproduces both files bit for bit (checked:
run it twice and ``cmp`` the outputs; torch runs single-threaded for that reason).

Problems (numpy float64 gradients)
----------------------------------
Vector problems, 200 updates each (``STEPS_VEC``):

``quadratic``
    ``f(θ) = ½ (θ − c)ᵀ A (θ − c)``, ``A = R diag(1, 50) Rᵀ`` (R a 30° rotation), ``c = (0.5, −0.25)``,
    ``θ₀ = (−1.5, 1.0)``: the same as in ``make_fixtures_optimizers.py``.
``rosenbrock``
    ``f(x, y) = (1 − x)² + 100 (y − x²)²``, ``θ₀ = (−1.2, 1.0)``.
``sequence``
    a fixed seeded (``default_rng(20260515)``) sequence of 200 gradients on a 5-D parameter,
    ``θ₀ = (0.5, −1, 2, 0.1, −0.3)``: coordinate 3 always ~1e-7, update 1 ~1e-9 in every coordinate,
    update 6 fifty times larger than the rest. NOT the 64-step ``sequence`` of optimizers.json.

Matrix problems, 100 updates each (``STEPS_MAT``); both orientations, since the Muon rate
scalings (√max(1, rows/cols) in torch, √max(1, cols/rows) in optax) differ between them:

``matquad_4x3`` / ``matquad_3x5``
    ``f(W) = ½ ‖A W − C‖²_F``, gradient ``Aᵀ(A W − C)``; A is (6, 4) with singular values
    (3, 2, 1, 0.5), resp. (4, 3) with (2.5, 1.5, 0.7), between seeded random rotations; C and W₀
    seeded (``default_rng(2026_0515)``). The matrices are stored under ``"problems"``.
``matseq_4x3`` / ``matseq_3x5``
    a fixed seeded sequence of 100 gradient matrices: update 1 ~1e-9 everywhere, column 1 of the
    4x3 (row 1 of the 3x5) always ~1e-7 (Adafactor's ε₁, its factored means), update 6 fifty times
    larger.

At every update the gradient is computed in numpy float64 from the framework's CURRENT parameters
(or taken from the sequence), fed to the framework exactly, and recorded with the parameters after
the update.

How each framework is run (also under ``"versions"`` in the JSON)
-------------------------------------------------------------------
- pytorch: CPU, ``torch.set_num_threads(1)``, float64 tensors (default dtype float64);
  ``p.grad = g; opt.step()``; with a scheduler ``opt.step(); sched.step()`` every update, and the
  case carries ``lrs[k]``, the group lr update k+1 used.
  ``torch.optim.Muon`` orthogonalises in bfloat16 whatever the parameter dtype: its cases carry
  ``ns_inputs[k]`` (the float64 matrix torch handed to ``_zeropower_via_newtonschulz`` at update
  k+1, i.e. the Nesterov/plain momentum direction) and ``ns_outputs[k]`` (the bfloat16 result, exact
  in float64). Recorded by wrapping that module function, which torch looks up at every call.
- schedulefree (the paper's package, on torch as above): ``opt.train()`` once, then
  ``p.grad = g; opt.step()``. ``thetas`` are the parameters torch holds in train mode (y, where the
  gradient is taken); ``xs[k]`` is the evaluation point that
  ``opt.eval()`` would set, computed with the same op on copies (``y.lerp(z, 1 − 1/β₁)``), so the
  y-trajectory is never disturbed by an eval/train round trip (which is not exact).
- keras: Keras 3 on the JAX backend with ``jax_enable_x64`` and ``keras.config.set_floatx("float64")``,
  a float64 ``keras.Variable`` named ``"w"``, ``opt.apply_gradients([(g, v)])``, eager (op by op).
  ``Muon`` (2-D variable) cases carry ``ns_norms[k]`` (the float32 Frobenius norm Keras divides by:
  ``ops.norm`` of the float64 input returns float32 on this backend; computed here with the same
  eager op on the same, possibly transposed, input). ``ScheduleFreeAdamW`` cases carry ``zs``
  (Keras's ``momentum`` slot, which is z); Keras has no evaluation API.
- optax: jax x64, float64 ``jnp`` params; ``updates, s = opt.update(g, s, params)``;
  ``params = optax.apply_updates(params, updates)``. Dotted names are relative to ``optax``
  (``"contrib.muon"``). ``contrib.schedule_free_*`` cases carry ``xs``
  (``optax.contrib.schedule_free_eval_params(state, params)``); with ``warmup_steps`` they also carry
  ``lrs`` and ``weight_lrs``: the rate optax's base SGD/AdamW step used at update k+1 (schedule at
  its own count k) and the rate that entered the averaging weight (schedule at ``step_count`` = k+1),
  as optax evaluates them (int32 count, float32 arithmetic, then cast). ``adafactor`` cases carry
  ``decay_rates`` (optax's float32 β̂₂ at update k+1, as float64).

Fixture format (``modern_optimizers.json``)
-------------------------------------------
``{"about", "versions": {...}, "problems": {name: {...}}, "cases": [...], "errors": [...]}``; a case is
``{"id": "framework.optimizer.variant.problem", "framework", "optimizer", "args", "kwargs",
"problem", "precision", "theta0", "grads", "thetas", ...extras}``:

- ``grads[k]`` is the gradient fed to update k+1, ``thetas[k]`` the parameters after k+1 updates
  (matrices as nested lists). On the fixed-sequence problems (``sequence``, ``matseq_*``) a case
  has no ``grads``: they are stored once, as ``problems[name]["grads"]`` (the first len(thetas)
  rows), which keeps the file to a few MB.
- ``args``/``kwargs`` are exactly what the real API took, minus torch's ``params`` (tuples as lists).
- ``precision``: ``"float64"`` when the framework computes the update in float64 throughout;
  otherwise a short statement of what runs in lower precision (compare at that precision, or
  reproduce it exactly: the extra fields above pin down the low-precision intermediates).
- A torch scheduler is a dict in place of ``lr`` (as in optimizers.json):
  ``{"schedule": NAME, "args": [base_lr], "kwargs": {...}}``; ``ChainedScheduler``'s kwargs hold
  ``"schedulers"``, a list of such dicts without ``args`` (built in order on the same optimizer,
  then chained); ``MultiplicativeLR``'s ``lr_lambda`` is ``{"__lambda__": NAME}`` (table LAMBDAS).
- ``optax.chain``: ``args`` is the list of transforms, each ``{"transform": NAME, "args", "kwargs"}``.
- ``errors``: calls that raise, ``{"id", "framework", "call", "raises", "message"}``.

``modern_schedules.json`` uses the spec format of ``tools/make_fixtures_schedules.py``
(``{"fw", "name", "lr", "args", "kwargs", "steps", "values", "dtype"}``, nested schedulers as
``{"__schedule__": spec}``, lambdas as ``{"__lambda__": name}``), value at e = ``get_last_lr()[0]``
after e calls of ``optimizer.step(); scheduler.step()``. ``ChainedScheduler``'s sub-schedulers are
built in order on the same optimizer. No framework ships a warmup-stable-decay schedule (torch 2.13,
Keras 3.15.1, optax 0.2.8): the ``"wsd"`` entries are compositions of real schedules (optax
``join_schedules``, torch ``SequentialLR``) that a WSD must equal for the arguments in their
``"wsd"`` field.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

# The quadratic, Rosenbrock and the 5-D sequence's recipe are make_fixtures_optimizers.py's (this
# script runs from tools/, where that module is importable; importing it only builds numpy arrays).
from make_fixtures_optimizers import QUAD_A, QUAD_C, make_sequence, quad_grad, rosen_grad

STEPS_VEC = 200
STEPS_MAT = 100
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lrlessons" / "reference" / "modern_optimizers.json"
OUT_SCHED = ROOT / "lrlessons" / "reference" / "modern_schedules.json"
FRAMEWORKS = ("pytorch", "schedulefree", "keras", "optax")


# --------------------------------------------------------------------------------------------
# problems
# --------------------------------------------------------------------------------------------
def _orth(rng, n):
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def make_matrix_problems():
    rng = np.random.default_rng(2026_0515)
    a43 = _orth(rng, 6)[:, :4] @ np.diag([3.0, 2.0, 1.0, 0.5]) @ _orth(rng, 4).T
    c43 = rng.normal(size=(6, 3))
    w43 = rng.normal(size=(4, 3))
    a35 = _orth(rng, 4)[:, :3] @ np.diag([2.5, 1.5, 0.7]) @ _orth(rng, 3).T
    c35 = rng.normal(size=(4, 5))
    w35 = rng.normal(size=(3, 5))

    def seq(shape, tiny_axis):
        g = rng.normal(size=(STEPS_MAT,) + shape) + rng.normal(size=shape) * 0.5
        if tiny_axis == 1:
            g[:, :, 1] *= 1e-7
        else:
            g[:, 1, :] *= 1e-7
        g[0] = rng.normal(size=shape) * 1e-9
        g[5] *= 50.0
        return g

    s43 = seq((4, 3), 1)
    s35 = seq((3, 5), 0)
    ws43 = rng.normal(size=(4, 3))
    ws35 = rng.normal(size=(3, 5))
    return {"a43": a43, "c43": c43, "w43": w43, "a35": a35, "c35": c35, "w35": w35,
            "s43": s43, "s35": s35, "ws43": ws43, "ws35": ws35}


SEQUENCE = make_sequence(STEPS_VEC, seed=20260515)
MAT = make_matrix_problems()


def _matquad(a, c):
    return lambda w: a.T @ (a @ w - c)


PROBLEMS = {
    # name: (theta0, gradient function or fixed sequence, number of updates)
    "quadratic": (np.array([-1.5, 1.0]), quad_grad, STEPS_VEC),
    "rosenbrock": (np.array([-1.2, 1.0]), rosen_grad, STEPS_VEC),
    "sequence": (np.array([0.5, -1.0, 2.0, 0.1, -0.3]), SEQUENCE, STEPS_VEC),
    "matquad_4x3": (MAT["w43"], _matquad(MAT["a43"], MAT["c43"]), STEPS_MAT),
    "matquad_3x5": (MAT["w35"], _matquad(MAT["a35"], MAT["c35"]), STEPS_MAT),
    "matseq_4x3": (MAT["ws43"], MAT["s43"], STEPS_MAT),
    "matseq_3x5": (MAT["ws35"], MAT["s35"], STEPS_MAT),
}


def problems_json():
    return {
        "quadratic": {"kind": "vector", "steps": STEPS_VEC, "A": QUAD_A.tolist(), "c": QUAD_C.tolist(),
                      "gradient": "A (theta - c)"},
        "rosenbrock": {"kind": "vector", "steps": STEPS_VEC,
                       "gradient": "(-2(1-x) - 400 x (y - x^2), 200 (y - x^2))"},
        "sequence": {"kind": "vector", "steps": STEPS_VEC, "theta0": PROBLEMS["sequence"][0].tolist(),
                     "gradient": "fixed seeded sequence", "grads": SEQUENCE.tolist()},
        "matquad_4x3": {"kind": "matrix", "steps": STEPS_MAT, "A": MAT["a43"].tolist(),
                        "C": MAT["c43"].tolist(), "gradient": "A^T (A W - C)"},
        "matquad_3x5": {"kind": "matrix", "steps": STEPS_MAT, "A": MAT["a35"].tolist(),
                        "C": MAT["c35"].tolist(), "gradient": "A^T (A W - C)"},
        "matseq_4x3": {"kind": "matrix", "steps": STEPS_MAT, "theta0": MAT["ws43"].tolist(),
                       "gradient": "fixed seeded sequence", "grads": MAT["s43"].tolist()},
        "matseq_3x5": {"kind": "matrix", "steps": STEPS_MAT, "theta0": MAT["ws35"].tolist(),
                       "gradient": "fixed seeded sequence", "grads": MAT["s35"].tolist()},
    }


def gradient(problem, k, theta):
    """The gradient fed to update k+1 (float64 numpy)."""
    _, fn, _ = PROBLEMS[problem]
    if isinstance(fn, np.ndarray):
        return fn[k].copy()
    return fn(np.asarray(theta, dtype=np.float64))


# --------------------------------------------------------------------------------------------
# cases: (framework, optimizer, variant, args, kwargs, lr table, problems, precision)
# "LR" anywhere in args/kwargs is replaced by the case's per-problem value of the lr table.
# --------------------------------------------------------------------------------------------
VEC = ("quadratic", "rosenbrock", "sequence")
VQS = ("quadratic", "sequence")
MATS = ("matquad_4x3", "matquad_3x5", "matseq_4x3", "matseq_3x5")
MQ = ("matquad_4x3", "matquad_3x5", "matseq_4x3")
M3 = ("matquad_4x3", "matquad_3x5", "matseq_3x5")
M2A = ("matquad_3x5", "matseq_4x3")
M2B = ("matquad_4x3", "matseq_3x5")
ALLP = VEC + MATS
P5 = ("quadratic", "sequence", "matquad_4x3", "matquad_3x5", "matseq_4x3")

F64 = "float64"
BF16_NS = ("bfloat16 Newton-Schulz (torch casts float64 -> float32 -> bfloat16, bfloat16 matmuls "
           "with float32 accumulation, one rounding per addmm); float64 elsewhere")
K_NORM32 = "Newton-Schulz in float64 but divided by a float32 Frobenius norm (ops.norm); float64 elsewhere"
K_MEAN32 = "every ops.mean (RMS of the variable and of the update, row/column means) runs in float32"
O_ADAF = "beta2-hat (decay rate) computed in float32; float64 elsewhere"
O_ADAF_MOM = "beta2-hat computed in float32; momentum state stored in float32; float64 elsewhere"
O_SF32 = "warmup learning rates computed in float32 by optax's schedule on an int32 count; float64 elsewhere"

LR_LION = {"quadratic": 0.01, "rosenbrock": 0.002, "sequence": 0.01}
LR_ADA = {"quadratic": 0.1, "rosenbrock": 0.02, "sequence": 0.1,
          "matquad_4x3": 0.05, "matquad_3x5": 0.05, "matseq_4x3": 0.05, "matseq_3x5": 0.05}
LR_SMALL = {"quadratic": 0.05, "rosenbrock": 0.01, "sequence": 0.05,
            "matquad_4x3": 0.02, "matquad_3x5": 0.02, "matseq_4x3": 0.02, "matseq_3x5": 0.02}
LR_MUON = {"matquad_4x3": 0.02, "matquad_3x5": 0.02, "matseq_4x3": 0.01, "matseq_3x5": 0.01}
LR_MUON_RMS = {"matquad_4x3": 0.05, "matquad_3x5": 0.05, "matseq_4x3": 0.03, "matseq_3x5": 0.03}
LR_TADAF = {p: 0.01 for p in ALLP}  # torch Adafactor: lr caps the relative step
LR_TADAF2 = {p: 0.05 for p in ALLP}
LR_KADAF = {p: 0.02 for p in ALLP}
LR_KADAF2 = {p: 0.08 for p in ALLP}
LR_OADAF = {p: 0.02 for p in ALLP}
LR_OADAF2 = {p: 0.05 for p in ALLP}
LR_LAMB = {"quadratic": 0.01, "rosenbrock": 0.003, "sequence": 0.01,
           "matquad_4x3": 0.01, "matquad_3x5": 0.01, "matseq_4x3": 0.01, "matseq_3x5": 0.01}
LR_LARS = {p: 1.0 for p in ALLP}
LR_LARS2 = {"quadratic": 0.2, "rosenbrock": 0.05, "sequence": 0.2,
            "matquad_4x3": 0.2, "matquad_3x5": 0.2, "matseq_4x3": 0.2, "matseq_3x5": 0.2}
LR_SGD = {"quadratic": 0.035, "rosenbrock": 1e-3, "sequence": 0.05}
LR_MOM = {"quadratic": 0.02, "rosenbrock": 2e-4, "sequence": 0.05}
LR_SF_SGD = {"quadratic": 0.02, "rosenbrock": 1e-3, "sequence": 0.05}
LR_SF_ADAM = {"quadratic": 0.05, "rosenbrock": 0.01, "sequence": 0.05}
CLIP_NORM = {"quadratic": 5.0, "rosenbrock": 20.0, "sequence": 1.5}
CLIP_VALUE = {"quadratic": 3.0, "rosenbrock": 10.0, "sequence": 1.0}


def specs():
    out = []

    def add(fw, opt, variant, args, kwargs, lrs, problems, precision=F64, extra=None):
        out.append((fw, opt, variant, args, kwargs, lrs, problems, precision, extra or {}))

    # ---- pytorch -------------------------------------------------------------------------
    P = "pytorch"
    add(P, "Muon", "defaults", [], {"lr": "LR"}, LR_MUON, M3, BF16_NS)
    add(P, "Muon", "plain_momentum", [],
        {"lr": "LR", "weight_decay": 0.0, "momentum": 0.9, "nesterov": False}, LR_MUON, M2A, BF16_NS)
    add(P, "Muon", "match_rms_adamw", [],
        {"lr": "LR", "weight_decay": 0.05, "adjust_lr_fn": "match_rms_adamw", "ns_steps": 3,
         "ns_coefficients": [3.0, -3.2, 1.2], "eps": 1e-5}, LR_MUON_RMS, M2B, BF16_NS)
    add(P, "Adafactor", "defaults", [], {}, LR_TADAF, P5)
    add(P, "Adafactor", "options", [],
        {"lr": "LR", "beta2_decay": -0.6, "eps": [1e-10, 1e-2], "d": 1.2, "weight_decay": 0.1},
        LR_TADAF2, ("quadratic", "sequence", "matquad_4x3", "matseq_3x5"))
    add(P, "Adafactor", "maximize", [], {"lr": "LR", "maximize": True, "eps": [None, 1e-2]},
        LR_TADAF2, ("sequence", "matseq_4x3"))
    chained = {"schedule": "ChainedScheduler", "args": ["LR"], "kwargs": {"schedulers": [
        {"schedule": "ConstantLR", "kwargs": {"factor": 0.25, "total_iters": 15}},
        {"schedule": "ExponentialLR", "kwargs": {"gamma": 0.99}}]}}
    add(P, "SGD", "momentum_ChainedScheduler", [], {"lr": chained, "momentum": 0.9}, LR_MOM, VQS)
    chained2 = {"schedule": "ChainedScheduler", "args": ["LR"], "kwargs": {"schedulers": [
        {"schedule": "LinearLR", "kwargs": {"start_factor": 0.1, "total_iters": 20}},
        {"schedule": "StepLR", "kwargs": {"step_size": 50, "gamma": 0.5}}]}}
    add(P, "Adam", "ChainedScheduler", [], {"lr": chained2}, LR_ADA, VQS)
    mult = {"schedule": "MultiplicativeLR", "args": ["LR"], "kwargs": {"lr_lambda": {"__lambda__": "const099"}}}
    add(P, "SGD", "momentum_MultiplicativeLR", [], {"lr": mult, "momentum": 0.9}, LR_MOM, VQS)
    mult2 = {"schedule": "MultiplicativeLR", "args": ["LR"],
             "kwargs": {"lr_lambda": {"__lambda__": "halve_every_50"}}}
    add(P, "Adam", "MultiplicativeLR", [], {"lr": mult2}, LR_ADA, VQS)

    # ---- schedulefree (the paper's package, PyTorch) ------------------------------------------
    S = "schedulefree"
    add(S, "SGDScheduleFree", "lr", [], {"lr": "LR"}, LR_SF_SGD, VEC)
    add(S, "SGDScheduleFree", "options", [],
        {"lr": "LR", "momentum": 0.8, "weight_decay": 0.05, "warmup_steps": 20, "r": 1.0,
         "weight_lr_power": 1.0}, LR_SF_SGD, VEC)
    add(S, "AdamWScheduleFree", "lr", [], {"lr": "LR"}, LR_SF_ADAM, VEC)
    add(S, "AdamWScheduleFree", "options", [],
        {"lr": "LR", "betas": [0.95, 0.99], "eps": 1e-6, "weight_decay": 0.1, "warmup_steps": 20,
         "r": 0.5}, LR_SF_ADAM, VEC)

    # ---- keras -----------------------------------------------------------------------------
    K = "keras"
    add(K, "Lion", "lr", [], {"learning_rate": "LR"}, LR_LION, VEC)
    add(K, "Lion", "options", [],
        {"learning_rate": "LR", "beta_1": 0.95, "beta_2": 0.98, "weight_decay": 0.1}, LR_LION, VEC)
    add(K, "Muon", "defaults", [], {"learning_rate": "LR"}, LR_MUON_RMS, M3, K_NORM32)
    add(K, "Muon", "options", [],
        {"learning_rate": "LR", "momentum": 0.9, "nesterov": False, "rms_rate": None,
         "weight_decay": 0.05, "ns_steps": 3, "muon_a": 3.0, "muon_b": -3.2, "muon_c": 1.2},
        LR_MUON, M2A, K_NORM32)
    add(K, "Muon", "adamw_path", [], {"learning_rate": "LR"}, LR_ADA, ("rosenbrock", "sequence"))
    add(K, "Muon", "adamw_path_options", [],
        {"learning_rate": "LR", "adam_beta_1": 0.8, "adam_beta_2": 0.99, "adam_weight_decay": 0.1,
         "adam_lr_ratio": 0.5, "epsilon": 1e-5}, LR_ADA, VQS)
    add(K, "ScheduleFreeAdamW", "lr", [], {"learning_rate": "LR"}, LR_SF_ADAM, VEC)
    add(K, "ScheduleFreeAdamW", "options", [],
        {"learning_rate": "LR", "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "warmup_steps": 20,
         "weight_decay": 0.1}, LR_SF_ADAM, VEC)
    add(K, "Adafactor", "lr", [], {"learning_rate": "LR"}, LR_KADAF, P5, K_MEAN32)
    add(K, "Adafactor", "options", [],
        {"learning_rate": "LR", "beta_2_decay": -0.6, "epsilon_1": 1e-20, "epsilon_2": 1e-2,
         "clip_threshold": 0.5, "weight_decay": 0.05}, LR_KADAF2,
        ("quadratic", "sequence", "matquad_4x3", "matseq_3x5"), K_MEAN32)
    add(K, "Lamb", "lr", [], {"learning_rate": "LR"}, LR_LAMB, P5)
    add(K, "Lamb", "options", [],
        {"learning_rate": "LR", "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "weight_decay": 0.05},
        LR_LAMB, ("quadratic", "sequence", "matquad_3x5", "matseq_4x3"))
    # clipping on existing Keras optimizers
    add(K, "SGD", "clipnorm", [], {"learning_rate": "LR", "clipnorm": "CLIPN"}, LR_SGD, VEC)
    add(K, "SGD", "momentum_global_clipnorm", [],
        {"learning_rate": "LR", "momentum": 0.9, "global_clipnorm": "CLIPN"}, LR_MOM, VEC)
    add(K, "SGD", "momentum_clipvalue", [],
        {"learning_rate": "LR", "momentum": 0.9, "clipvalue": "CLIPV"}, LR_MOM, VQS)
    add(K, "Adam", "clipnorm", [], {"learning_rate": "LR", "clipnorm": "CLIPN"}, LR_ADA, VQS)
    add(K, "Adam", "global_clipnorm", [], {"learning_rate": "LR", "global_clipnorm": "CLIPN"},
        LR_ADA, VQS)
    add(K, "Adam", "clipvalue", [], {"learning_rate": "LR", "clipvalue": "CLIPV"}, LR_ADA, VQS)
    add(K, "AdamW", "clipvalue_weight_decay", [],
        {"learning_rate": "LR", "clipvalue": "CLIPV", "weight_decay": 0.1}, LR_ADA, VQS)

    # ---- optax -----------------------------------------------------------------------------
    O = "optax"
    add(O, "lion", "defaults", [], {"learning_rate": "LR"}, LR_LION, VEC)
    add(O, "lion", "options", [],
        {"learning_rate": "LR", "b1": 0.95, "b2": 0.98, "weight_decay": 0.0}, LR_LION, VEC)
    add(O, "lamb", "defaults", [], {"learning_rate": "LR"}, LR_LAMB, P5)
    add(O, "lamb", "options", [],
        {"learning_rate": "LR", "b1": 0.8, "b2": 0.99, "eps": 1e-8, "eps_root": 1e-12,
         "weight_decay": 0.05}, LR_LAMB, ("quadratic", "sequence", "matquad_3x5", "matseq_4x3"))
    add(O, "lars", "defaults", [], {"learning_rate": "LR"}, LR_LARS, P5)
    add(O, "lars", "options", [],
        {"learning_rate": "LR", "weight_decay": 0.01, "trust_coefficient": 0.02, "eps": 1e-6,
         "momentum": 0.8, "nesterov": True}, LR_LARS2,
        ("quadratic", "sequence", "matquad_4x3", "matseq_3x5"))
    add(O, "adafactor", "lr", [], {"learning_rate": "LR"}, LR_OADAF, P5, O_ADAF)
    add(O, "adafactor", "factored", [], {"learning_rate": "LR", "min_dim_size_to_factor": 3},
        LR_OADAF, M3, O_ADAF)
    add(O, "adafactor", "options", [],
        {"learning_rate": "LR", "min_dim_size_to_factor": 3, "decay_rate": 0.7,
         "clipping_threshold": 0.5, "momentum": 0.9, "weight_decay_rate": 0.01, "eps": 1e-20},
        LR_OADAF2, ("quadratic", "sequence", "matquad_4x3", "matseq_3x5"), O_ADAF_MOM)
    add(O, "adafactor", "absolute_step", [],
        {"learning_rate": "LR", "multiply_by_parameter_scale": False, "clipping_threshold": None,
         "min_dim_size_to_factor": 3}, LR_SMALL, ("sequence", "matquad_3x5", "matseq_4x3"), O_ADAF)
    add(O, "nadamw", "defaults", [], {"learning_rate": "LR"}, LR_ADA, VEC)
    add(O, "nadamw", "options", [],
        {"learning_rate": "LR", "b1": 0.8, "b2": 0.99, "eps": 1e-6, "eps_root": 1e-12,
         "weight_decay": 0.1}, LR_ADA, VQS)
    add(O, "chain", "clip_by_global_norm_adam", [
        {"transform": "clip_by_global_norm", "args": ["CLIPN"], "kwargs": {}},
        {"transform": "adam", "args": [], "kwargs": {"learning_rate": "LR"}}], {}, LR_ADA, VEC)
    add(O, "chain", "clip_by_global_norm_sgd", [
        {"transform": "clip_by_global_norm", "args": ["CLIPN"], "kwargs": {}},
        {"transform": "sgd", "args": [], "kwargs": {"learning_rate": "LR", "momentum": 0.9}}], {},
        LR_MOM, VQS)
    add(O, "chain", "clip_sgd", [
        {"transform": "clip", "args": ["CLIPV"], "kwargs": {}},
        {"transform": "sgd", "args": [], "kwargs": {"learning_rate": "LR", "momentum": 0.9}}], {},
        LR_MOM, VEC)
    add(O, "chain", "clip_adam", [
        {"transform": "clip", "args": ["CLIPV"], "kwargs": {}},
        {"transform": "adam", "args": [], "kwargs": {"learning_rate": "LR"}}], {}, LR_ADA, VQS)
    add(O, "contrib.muon", "defaults", [], {"learning_rate": "LR"}, LR_MUON, M3)
    add(O, "contrib.muon", "options", [],
        {"learning_rate": "LR", "beta": 0.9, "nesterov": False, "eps": 1e-6, "weight_decay": 0.05,
         "ns_steps": 3, "ns_coeffs": [3.0, -3.2, 1.2]}, LR_MUON, M2A)
    add(O, "contrib.muon", "consistent_rms", [],
        {"learning_rate": "LR", "consistent_rms": 0.2, "weight_decay": 0.1}, LR_MUON_RMS, M2B)
    add(O, "contrib.muon", "adam_path", [], {"learning_rate": "LR"}, LR_ADA, ("rosenbrock", "sequence"))
    add(O, "contrib.muon", "adam_path_options", [],
        {"learning_rate": "LR", "adam_b1": 0.8, "adam_b2": 0.99, "adam_weight_decay": 0.1,
         "adam_learning_rate": 0.03, "nesterov": False, "eps": 1e-6}, LR_ADA, VQS)
    add(O, "contrib.schedule_free_sgd", "lr", [], {"learning_rate": "LR"}, LR_SF_SGD, VEC)
    add(O, "contrib.schedule_free_sgd", "options", [],
        {"learning_rate": "LR", "warmup_steps": 20, "b1": 0.8, "weight_decay": 0.05,
         "weight_lr_power": 1.0}, LR_SF_SGD, VEC, O_SF32)
    add(O, "contrib.schedule_free_adamw", "lr", [], {"learning_rate": "LR"}, LR_SF_ADAM, VEC)
    add(O, "contrib.schedule_free_adamw", "options", [],
        {"learning_rate": "LR", "warmup_steps": 20, "b1": 0.95, "b2": 0.99, "eps": 1e-6,
         "weight_decay": 0.1}, LR_SF_ADAM, VEC, O_SF32)
    return out


def _fill(obj, table):
    if isinstance(obj, str) and obj in table:
        return table[obj]
    if isinstance(obj, list):
        return [_fill(o, table) for o in obj]
    if isinstance(obj, dict):
        return {k: _fill(v, table) for k, v in obj.items()}
    return obj


def cases_for(framework):
    for fw, opt, variant, args, kwargs, lrs, problems, precision, extra in specs():
        if fw != framework:
            continue
        for problem in problems:
            table = {"LR": lrs.get(problem), "CLIPN": CLIP_NORM.get(problem),
                     "CLIPV": CLIP_VALUE.get(problem)}
            yield {"id": f"{fw}.{opt}.{variant}.{problem}", "framework": fw, "optimizer": opt,
                   "args": _fill(args, table), "kwargs": _fill(kwargs, table), "problem": problem,
                   "precision": precision, **extra}


def is_schedule(x):
    return isinstance(x, dict) and "schedule" in x


LAMBDAS = {
    "const099": lambda epoch: 0.99,
    "halve_every_50": lambda epoch: 0.5 if epoch % 50 == 0 else 1.0,
    "pow095": lambda epoch: 0.95**epoch,
    "one_over": lambda epoch: 1.0 / (1.0 + 0.05 * epoch),
}


# --------------------------------------------------------------------------------------------
# drivers: each returns a dict with "grads", "thetas" and any extra sequences (numpy arrays)
# --------------------------------------------------------------------------------------------
def _torch_scheduler(torch, opt, spec):
    sched_mod = torch.optim.lr_scheduler
    kw = dict(spec.get("kwargs", {}))
    name = spec["schedule"]
    if name == "ChainedScheduler":
        subs = [_torch_scheduler(torch, opt, s) for s in kw.pop("schedulers")]
        return sched_mod.ChainedScheduler(subs, optimizer=opt)
    if "lr_lambda" in kw:
        kw["lr_lambda"] = LAMBDAS[kw["lr_lambda"]["__lambda__"]]
    return getattr(sched_mod, name)(opt, **kw)


def drive_pytorch(case):
    import torch
    import torch.optim._muon as muon_mod

    theta0, _, steps = PROBLEMS[case["problem"]]
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    kwargs = dict(case["kwargs"])
    for key in ("betas", "eps", "ns_coefficients"):
        if isinstance(kwargs.get(key), list):
            kwargs[key] = tuple(kwargs[key])
    sched_spec = None
    if is_schedule(kwargs.get("lr")):
        sched_spec = kwargs["lr"]
        kwargs["lr"] = sched_spec["args"][0]
    opt = getattr(torch.optim, case["optimizer"])([p], *case["args"], **kwargs)
    sched = _torch_scheduler(torch, opt, sched_spec) if sched_spec else None
    ns_in, ns_out = [], []
    original = muon_mod._zeropower_via_newtonschulz

    def recording(grad, *a, **kw):
        out = original(grad, *a, **kw)
        ns_in.append(grad.detach().numpy().copy())
        ns_out.append(out.detach().to(torch.float64).numpy().copy())
        return out

    muon_mod._zeropower_via_newtonschulz = recording
    try:
        grads, thetas, lrs = [], [], []
        for k in range(steps):
            lrs.append(float(opt.param_groups[0]["lr"]))
            g = gradient(case["problem"], k, p.detach().numpy())
            p.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
            if sched is not None:
                sched.step()
            grads.append(g)
            thetas.append(p.detach().numpy().copy())
    finally:
        muon_mod._zeropower_via_newtonschulz = original
    out = {"grads": grads, "thetas": thetas}
    if case["optimizer"] == "Muon":
        assert len(ns_in) == steps
        out["ns_inputs"], out["ns_outputs"] = ns_in, ns_out
    if sched is not None:
        out["lrs"] = lrs
    return out


def drive_schedulefree(case):
    import schedulefree
    import torch

    theta0, _, steps = PROBLEMS[case["problem"]]
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("betas"), list):
        kwargs["betas"] = tuple(kwargs["betas"])
    opt = getattr(schedulefree, case["optimizer"])([p], *case["args"], **kwargs)
    group = opt.param_groups[0]
    beta1 = group["momentum"] if "momentum" in group else group["betas"][0]
    opt.train()
    grads, thetas, zs, xs = [], [], [], []
    for k in range(steps):
        g = gradient(case["problem"], k, p.detach().numpy())
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        z = opt.state[p]["z"]
        grads.append(g)
        thetas.append(p.detach().numpy().copy())
        zs.append(z.detach().numpy().copy())
        # exactly what opt.eval() does to p (sgd/adamw_schedulefree.py, eval()), on a copy
        xs.append(p.detach().clone().lerp_(end=z, weight=1 - 1 / beta1).numpy().copy())
    return {"grads": grads, "thetas": thetas, "xs": xs}


def drive_keras(case):
    import keras
    from keras import ops

    theta0, _, steps = PROBLEMS[case["problem"]]
    opt = getattr(keras.optimizers, case["optimizer"])(*case["args"], **case["kwargs"])
    var = keras.Variable(theta0, dtype="float64", name="w")
    opt.build([var])
    rec = {"ns_norms": []}
    if case["optimizer"] == "Muon" and theta0.ndim == 2:
        original = opt.zeropower_via_newtonschulz5

        def recording(x, steps_):
            out = original(x, steps_)
            xt = opt.transpose_last_axis(x) if x.shape[-2] > x.shape[-1] else x
            n = ops.norm(xt, axis=(-2, -1), keepdims=True)
            assert str(n.dtype) == "float32", n.dtype
            rec["ns_norms"].append(float(np.asarray(n).reshape(())))
            return out

        opt.zeropower_via_newtonschulz5 = recording
    grads, thetas, zs = [], [], []
    theta = np.asarray(var.numpy(), dtype=np.float64)
    for k in range(steps):
        g = gradient(case["problem"], k, theta)
        opt.apply_gradients([(ops.convert_to_tensor(g, dtype="float64"), var)])
        theta = np.asarray(var.numpy())
        assert theta.dtype == np.float64
        grads.append(g)
        thetas.append(theta.copy())
        if case["optimizer"] == "ScheduleFreeAdamW":
            zs.append(np.asarray(opt._momentums[0].numpy()).copy())
    out = {"grads": grads, "thetas": thetas}
    if rec["ns_norms"]:
        assert len(rec["ns_norms"]) == steps
        out.update(rec)
    if zs:
        out["zs"] = zs
    return out


def _optax_resolve(optax, name):
    obj = optax
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def drive_optax(case):
    import jax.numpy as jnp
    import optax
    from optax._src import factorized

    theta0, _, steps = PROBLEMS[case["problem"]]
    name = case["optimizer"]
    if name == "chain":
        parts = [_optax_resolve(optax, t["transform"])(*t["args"], **t["kwargs"]) for t in case["args"]]
        opt = optax.chain(*parts)
    else:
        kwargs = dict(case["kwargs"])
        if isinstance(kwargs.get("ns_coeffs"), list):
            kwargs["ns_coeffs"] = tuple(kwargs["ns_coeffs"])
        opt = _optax_resolve(optax, name)(*case["args"], **kwargs)
    params = jnp.asarray(theta0, dtype=jnp.float64)
    state = opt.init(params)
    schedule_free = name.startswith("contrib.schedule_free")
    warm = schedule_free and case["kwargs"].get("warmup_steps") is not None
    if warm:
        sched = optax.warmup_constant_schedule(
            init_value=0, peak_value=case["kwargs"]["learning_rate"],
            warmup_steps=case["kwargs"]["warmup_steps"])
    out = {"grads": [], "thetas": []}
    if schedule_free:
        out.update(xs=[])
    if warm:
        out.update(lrs=[], weight_lrs=[])
    if name == "adafactor":
        out["decay_rates"] = []
    for k in range(steps):
        g = gradient(case["problem"], k, np.asarray(params))
        if warm:
            # what optax evaluates: its base optimizer's count (k) and schedule_free's step_count
            # (k+1), both int32; the values are float32 and cast to the params' float64.
            base_count = jnp.asarray(k, dtype=jnp.int32)
            step_count = state.step_count
            assert int(step_count) == k + 1
            out["lrs"].append(float(jnp.asarray(sched(base_count), dtype=jnp.float64)))
            out["weight_lrs"].append(float(jnp.asarray(sched(step_count), dtype=jnp.float64)))
        if name == "adafactor":
            d = factorized._decay_rate_pow(jnp.asarray(k, dtype=jnp.int32),
                                           case["kwargs"].get("decay_rate", 0.8))
            assert d.dtype == jnp.float32
            out["decay_rates"].append(float(d))
        updates, state = opt.update(jnp.asarray(g, dtype=jnp.float64), state, params)
        params = optax.apply_updates(params, updates)
        assert params.dtype == jnp.float64
        out["grads"].append(g)
        out["thetas"].append(np.asarray(params).copy())
        if schedule_free:
            out["xs"].append(np.asarray(optax.contrib.schedule_free_eval_params(state, params)).copy())
    return out


# --------------------------------------------------------------------------------------------
# calls that raise
# --------------------------------------------------------------------------------------------
def errors_for(framework):
    out = []
    if framework == "pytorch":
        import torch

        for shape in [(3,), (2, 3, 4)]:
            p = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
            try:
                torch.optim.Muon([p], lr=0.02)
            except Exception as e:  # noqa: BLE001
                out.append({"id": f"pytorch.Muon.ndim{len(shape)}", "framework": "pytorch",
                            "call": f"torch.optim.Muon([zeros{shape}], lr=0.02)",
                            "raises": type(e).__name__, "message": str(e)})
            else:
                raise RuntimeError("torch Muon accepted a non-2D parameter")
        p = torch.zeros((2, 2), dtype=torch.float64, requires_grad=True)
        for call, kwargs in [("adjust_lr_fn='spectral'", {"adjust_lr_fn": "spectral"}),
                             ("lr=-1.0", {"lr": -1.0})]:
            try:
                torch.optim.Muon([p], **kwargs)
            except Exception as e:  # noqa: BLE001
                out.append({"id": f"pytorch.Muon.{call.split('=')[0]}", "framework": "pytorch",
                            "call": f"torch.optim.Muon([zeros(2, 2)], {call})",
                            "raises": type(e).__name__, "message": str(e)})
        for call, kwargs in [("beta2_decay=0.5", {"beta2_decay": 0.5}), ("d=0.5", {"d": 0.5})]:
            try:
                torch.optim.Adafactor([p], **kwargs)
            except Exception as e:  # noqa: BLE001
                out.append({"id": f"pytorch.Adafactor.{call.split('=')[0]}", "framework": "pytorch",
                            "call": f"torch.optim.Adafactor([zeros(2, 2)], {call})",
                            "raises": type(e).__name__, "message": str(e)})
    if framework == "keras":
        import keras

        for call, kwargs in [("Lion(beta_1=0.0)", {"beta_1": 0.0})]:
            try:
                keras.optimizers.Lion(**kwargs)
            except Exception as e:  # noqa: BLE001
                out.append({"id": "keras.Lion.beta_1", "framework": "keras", "call": call,
                            "raises": type(e).__name__, "message": str(e)})
        try:
            keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
        except Exception as e:  # noqa: BLE001
            out.append({"id": "keras.SGD.two_clips", "framework": "keras",
                        "call": "SGD(clipnorm=1.0, global_clipnorm=1.0)",
                        "raises": type(e).__name__, "message": str(e)})
    return out


# --------------------------------------------------------------------------------------------
# schedules (modern_schedules.json)
# --------------------------------------------------------------------------------------------
def S(fw, name, lr=None, args=(), steps=100, dtype="float64", **kwargs):
    steps = {"range": steps} if isinstance(steps, int) else {"list": list(steps)}
    return {"fw": fw, "name": name, "lr": lr, "args": list(args), "kwargs": kwargs, "steps": steps,
            "dtype": dtype}


def nested(spec):
    return {"__schedule__": spec}


def schedule_specs():
    out = [
        S("pytorch", "MultiplicativeLR", 0.1, steps=120, lr_lambda={"__lambda__": "const099"}),
        S("pytorch", "MultiplicativeLR", 0.5, steps=120, lr_lambda={"__lambda__": "halve_every_50"}),
        S("pytorch", "MultiplicativeLR", 1.0, steps=60, lr_lambda={"__lambda__": "pow095"}),
        S("pytorch", "MultiplicativeLR", 0.2, steps=60, lr_lambda={"__lambda__": "one_over"}),
        # the docstring's example
        S("pytorch", "ChainedScheduler", 0.05, steps=40, schedulers=[
            nested(S("pytorch", "ConstantLR", factor=0.1, total_iters=20)),
            nested(S("pytorch", "ExponentialLR", gamma=0.9))]),
        S("pytorch", "ChainedScheduler", 0.1, steps=120, schedulers=[
            nested(S("pytorch", "LinearLR", start_factor=0.1, total_iters=10)),
            nested(S("pytorch", "StepLR", step_size=30, gamma=0.5))]),
        S("pytorch", "ChainedScheduler", 0.1, steps=60, schedulers=[
            nested(S("pytorch", "ExponentialLR", gamma=0.95)),
            nested(S("pytorch", "MultiplicativeLR", lr_lambda={"__lambda__": "halve_every_50"})),
            nested(S("pytorch", "MultiStepLR", milestones=[10, 25], gamma=0.3))]),
        # a non-chainable (closed-form-ish) member: CosineAnnealingLR's recursive get_lr
        S("pytorch", "ChainedScheduler", 0.1, steps=80, schedulers=[
            nested(S("pytorch", "CosineAnnealingLR", T_max=40)),
            nested(S("pytorch", "ConstantLR", factor=0.5, total_iters=10))]),
    ]
    # warmup-stable-decay as compositions of real schedules (no framework ships one)
    for peak, total, warm, decay, final in [(1.0, 100, 10, 20, 0.0), (0.3, 60, 5, 30, 0.03)]:
        wsd = {"peak_lr": peak, "total_steps": total, "warmup_steps": warm, "decay_steps": decay,
               "final_lr": final}
        lin = S("optax", "join_schedules", steps=total + 10, boundaries=[warm, total - decay], schedules=[
            nested(S("optax", "linear_schedule", init_value=0.0, end_value=peak, transition_steps=warm)),
            nested(S("optax", "constant_schedule", value=peak)),
            nested(S("optax", "linear_schedule", init_value=peak, end_value=final, transition_steps=decay))])
        lin["wsd"] = dict(wsd, decay_shape="linear")
        out.append(lin)
        cos = S("optax", "join_schedules", steps=total + 10, boundaries=[warm, total - decay], schedules=[
            nested(S("optax", "linear_schedule", init_value=0.0, end_value=peak, transition_steps=warm)),
            nested(S("optax", "constant_schedule", value=peak)),
            nested(S("optax", "cosine_decay_schedule", init_value=peak, decay_steps=decay,
                     alpha=final / peak))])
        cos["wsd"] = dict(wsd, decay_shape="cosine")
        out.append(cos)
    # torch: LinearLR cannot start at 0 (start_factor > 0): warm up from peak/W instead, i.e. the
    # WSD whose warmup is lr·(t+1)/W; decay linear to final.
    for peak, total, warm, decay, final in [(0.5, 100, 10, 20, 0.05)]:
        spec = S("pytorch", "SequentialLR", peak, steps=total + 10, milestones=[warm, total - decay],
                 schedulers=[
                     nested(S("pytorch", "LinearLR", start_factor=1.0 / warm, end_factor=1.0,
                              total_iters=warm - 1)),
                     nested(S("pytorch", "ConstantLR", factor=1.0, total_iters=0)),
                     nested(S("pytorch", "LinearLR", start_factor=1.0, end_factor=final / peak,
                              total_iters=decay))])
        spec["wsd"] = {"peak_lr": peak, "total_steps": total, "warmup_steps": warm,
                       "decay_steps": decay, "final_lr": final, "decay_shape": "linear",
                       "note": "warmup reaches peak at t = W-1 (rate peak*(t+1)/W), not at t = W"}
        out.append(spec)
    return out


def steps_of(spec):
    st = spec["steps"]
    return list(range(st["range"] + 1)) if "range" in st else st["list"]


def run_schedule_pytorch(spec):
    import torch

    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=spec["lr"], momentum=0.9)
    sched_mod = torch.optim.lr_scheduler

    def make(sp):
        kw = dict(sp["kwargs"])
        if sp["name"] in ("SequentialLR", "ChainedScheduler"):
            kw["schedulers"] = [make(c["__schedule__"]) for c in kw["schedulers"]]
            if sp["name"] == "ChainedScheduler":
                kw["optimizer"] = opt
                return sched_mod.ChainedScheduler(**kw)
        if "lr_lambda" in kw:
            kw["lr_lambda"] = LAMBDAS[kw["lr_lambda"]["__lambda__"]]
        return getattr(sched_mod, sp["name"])(opt, **kw)

    sch = make(spec)
    out = []
    for e in range(max(steps_of(spec)) + 1):
        if e > 0:
            opt.step()
            sch.step()
        out.append(float(sch.get_last_lr()[0]))
        assert out[-1] == float(opt.param_groups[0]["lr"])
    return [out[e] for e in steps_of(spec)]


def run_schedule_optax(spec):
    import jax.numpy as jnp
    import optax

    def build(sp):
        kw = {}
        for k, v in sp["kwargs"].items():
            if k == "schedules":
                kw[k] = [build(c["__schedule__"]) for c in v]
            elif isinstance(v, float):
                kw[k] = jnp.float64(v)
            else:
                kw[k] = v
        return getattr(optax.schedules, sp["name"])(**kw)

    sch = build(spec)
    out = []
    for e in steps_of(spec):
        r = jnp.asarray(sch(jnp.asarray(e, dtype=jnp.int64)))
        assert r.dtype == jnp.float64, (spec["name"], r.dtype)
        out.append(float(r))
    return out


# --------------------------------------------------------------------------------------------
# per-framework process
# --------------------------------------------------------------------------------------------
def versions(framework):
    import platform

    base = {"python": platform.python_version(), "numpy": np.__version__}
    if framework in ("pytorch", "schedulefree"):
        import ml_dtypes
        import torch
        base.update(torch=torch.__version__, ml_dtypes=ml_dtypes.__version__,
                    how="torch CPU, set_num_threads(1), float64 tensors; p.grad = g; opt.step(); "
                        "then sched.step()")
        if framework == "schedulefree":
            from importlib.metadata import version
            base.update(version=version("schedulefree"),
                        how="schedulefree on torch CPU float64; opt.train(); p.grad = g; opt.step(); "
                            "xs = y.lerp(z, 1 - 1/beta1) as opt.eval() computes it")
        else:
            base["version"] = torch.__version__
        return base
    import jax
    import jaxlib
    base.update(jax=jax.__version__, jaxlib=jaxlib.__version__)
    if framework == "keras":
        import keras
        base.update(version=keras.__version__, backend=keras.backend.backend(),
                    how="Keras 3, JAX backend, jax_enable_x64, floatx float64, float64 keras.Variable "
                        "named 'w', eager opt.apply_gradients([(g, v)])")
        return base
    import optax
    base.update(version=optax.__version__,
                how="jax_enable_x64, float64 params; opt.update(g, state, params); "
                    "optax.apply_updates; schedules evaluated by optax itself (int32 counts)")
    return base


def _setup(framework):
    if framework in ("pytorch", "schedulefree"):
        import torch
        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float64)
    else:
        os.environ["KERAS_BACKEND"] = "jax"
        import jax
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        if framework == "keras":
            import keras
            keras.config.set_floatx("float64")


def _tolist(x):
    return np.asarray(x, dtype=np.float64).tolist()


def run_framework(framework, out):
    _setup(framework)
    drive = globals()[f"drive_{framework}"]
    cases = []
    for case in cases_for(framework):
        res = drive(case)
        if framework in ("keras", "optax"):
            # every eager op compiles an XLA executable; freeing them between cases keeps the
            # process under the kernel's limit on memory mappings (vm.max_map_count)
            import jax
            jax.clear_caches()
        thetas = np.asarray(res["thetas"])
        if not (np.all(np.isfinite(thetas)) and np.abs(thetas).max() < 1e3):
            raise RuntimeError(f"{case['id']}: trajectory not finite/bounded")
        if np.abs(thetas[-1] - thetas[0]).max() == 0.0:
            raise RuntimeError(f"{case['id']}: did not move")
        case["theta0"] = _tolist(PROBLEMS[case["problem"]][0])
        fixed = PROBLEMS[case["problem"]][1]
        if isinstance(fixed, np.ndarray):
            # a fixed sequence: stored once, under "problems" (keeps the file small)
            assert np.array_equal(np.asarray(res.pop("grads")), fixed[:len(thetas)])
        for key, val in res.items():
            case[key] = val if key == "lrs" or key.endswith("_lrs") or key in ("decay_rates", "ns_norms") \
                else _tolist(val)
        cases.append(case)
        print(f"{case['id']}: final {np.asarray(thetas[-1]).ravel()[:3]} "
              f"moved {np.abs(thetas[-1] - PROBLEMS[case['problem']][0]).max():.3g}", file=sys.stderr)
    schedules = []
    if framework in ("pytorch", "optax"):
        runner = run_schedule_pytorch if framework == "pytorch" else run_schedule_optax
        for spec in schedule_specs():
            if spec["fw"] == framework:
                spec = dict(spec)
                spec["values"] = runner(spec)
                schedules.append(spec)
    Path(out).write_text(json.dumps({"versions": versions(framework), "cases": cases,
                                     "errors": errors_for(framework), "schedules": schedules}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--framework", choices=FRAMEWORKS)
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--out-schedules", default=str(OUT_SCHED))
    a = ap.parse_args()
    if a.framework:
        run_framework(a.framework, a.out)
        return
    merged = {"about": "Optimizer trajectories of the optimizers of 2023-2026 (issue 15), from the real "
                       "libraries; written by tools/make_fixtures_modern.py (format: its docstring).",
              "versions": {"steps_vector": STEPS_VEC, "steps_matrix": STEPS_MAT},
              "problems": problems_json(), "cases": [], "errors": []}
    sched = {"about": "PyTorch ChainedScheduler / MultiplicativeLR values, and warmup-stable-decay "
                      "compositions, evaluated by the real frameworks; written by "
                      "tools/make_fixtures_modern.py.", "versions": {}, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for fw in FRAMEWORKS:
            part = Path(tmp) / f"{fw}.json"
            env = dict(os.environ, KERAS_BACKEND="jax")
            subprocess.run([sys.executable, __file__, "--framework", fw, "--out", str(part)],
                           check=True, env=env)
            data = json.loads(part.read_text())
            merged["versions"][fw] = data["versions"]
            merged["cases"].extend(data["cases"])
            merged["errors"].extend(data["errors"])
            if data["schedules"]:
                sched["versions"][fw] = data["versions"]
                sched["cases"].extend(data["schedules"])
    for path, doc, key in ((Path(a.out), merged, '{"id"'), (Path(a.out_schedules), sched, '{"fw"')):
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(doc, separators=(",", ":"))
        text = text.replace("," + key, ",\n" + key)  # one case per line keeps diffs readable
        path.write_text(text + "\n")
    counts = {}
    for c in merged["cases"]:
        counts[c["framework"]] = counts.get(c["framework"], 0) + 1
    print(f"wrote {a.out}: {len(merged['cases'])} cases {counts}, "
          f"{Path(a.out).stat().st_size / 1e6:.2f} MB; {a.out_schedules}: {len(sched['cases'])} "
          f"schedules, {Path(a.out_schedules).stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
