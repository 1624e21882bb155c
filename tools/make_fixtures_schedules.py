"""Write lrlessons/reference/schedules.json: every framework schedule evaluated by the real framework.

Run by hand in a throwaway environment that has torch (CPU), tensorflow-cpu, keras 3, jax and
optax installed (never a test dependency)::

    /tmp/fwenv/bin/python tools/make_fixtures_schedules.py

Each case is a *spec* that both this script and ``tests/test_framework_schedules.py`` decode:
``{"fw", "name", "lr", "args", "kwargs", "steps", "values", "dtype"}``. ``steps`` is
``{"range": N}`` (0..N) or ``{"list": [...]}``. Nested schedules are ``{"__schedule__": spec}``,
dicts with integer keys ``{"__items__": [[k, v], ...]}`` and PyTorch ``lr_lambda`` functions
``{"__lambda__": name}`` (the same small table lives in the test).

How each framework is evaluated (float64 wherever the framework allows it):

* PyTorch: ``SGD([p], lr=lr, momentum=0.9)`` and the scheduler; value at e = ``get_last_lr()[0]``
  after e calls of ``optimizer.step(); scheduler.step()`` (Python floats, float64).
* TF1: ``tf.compat.v1.train.<fn>`` with a float64 ``learning_rate`` and an int64 ``global_step``,
  one step at a time (eager: the returned callable is called). The cosine family
  (``cosine_decay``, ``cosine_decay_restarts``, ``linear_cosine_decay``) multiplies by a float32
  ``constant(math.pi)`` and fails on float64, so those run in float32 (dtype "float32").
* Keras 3 (TensorFlow backend): hyperparameters passed as ``np.float64`` keep the schedule in float64.
* optax: ``jax_enable_x64``; hyperparameters as float64, the count as int64.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "lrlessons" / "reference" / "schedules.json"

LAMBDAS = {
    "pow095": lambda epoch: 0.95**epoch,
    "step_at_10": lambda epoch: 1.0 if epoch < 10 else 0.1,
}


def S(fw, name, lr=None, args=(), steps=100, dtype="float64", **kwargs):
    steps = {"range": steps} if isinstance(steps, int) else {"list": list(steps)}
    return {"fw": fw, "name": name, "lr": lr, "args": list(args), "kwargs": kwargs, "steps": steps, "dtype": dtype}


def nested(spec):
    return {"__schedule__": spec}


def items(d):
    return {"__items__": [[k, v] for k, v in d.items()]}


def steps_of(spec):
    st = spec["steps"]
    return list(range(st["range"] + 1)) if "range" in st else st["list"]


# --------------------------------------------------------------------------------------
# the cases
# --------------------------------------------------------------------------------------

PT = [
    S("pytorch", "StepLR", 0.1, steps=200, step_size=30),
    S("pytorch", "StepLR", 0.5, steps=60, step_size=7, gamma=0.5),
    S("pytorch", "MultiStepLR", 0.1, steps=120, milestones=[30, 80]),
    S("pytorch", "MultiStepLR", 1.0, steps=40, milestones=[5, 10, 10, 20], gamma=0.5),
    S("pytorch", "ConstantLR", 0.05, steps=20),
    S("pytorch", "ConstantLR", 0.1, steps=12, factor=0.5, total_iters=4),
    S("pytorch", "LinearLR", 0.1, steps=20),
    S("pytorch", "LinearLR", 0.05, steps=60, start_factor=0.05, total_iters=40),
    S("pytorch", "LinearLR", 0.2, steps=20, start_factor=1.0, end_factor=0.1, total_iters=10),
    S("pytorch", "ExponentialLR", 0.1, steps=100, gamma=0.9),
    S("pytorch", "ExponentialLR", 1.0, steps=50, gamma=0.5),
    S("pytorch", "PolynomialLR", 0.1, steps=20),
    S("pytorch", "PolynomialLR", 0.1, steps=80, total_iters=50, power=2.0),
    S("pytorch", "PolynomialLR", 0.3, steps=40, total_iters=30, power=0.5),
    S("pytorch", "CosineAnnealingLR", 0.1, steps=250, T_max=50),
    S("pytorch", "CosineAnnealingLR", 0.1, steps=130, T_max=30, eta_min=0.01),
    S("pytorch", "CosineAnnealingWarmRestarts", 0.1, steps=100, T_0=10),
    S("pytorch", "CosineAnnealingWarmRestarts", 0.1, steps=200, T_0=5, T_mult=2, eta_min=0.001),
    S("pytorch", "CosineAnnealingWarmRestarts", 1.0, steps=200, T_0=4, T_mult=3),
    S("pytorch", "CyclicLR", None, steps=200, base_lr=0.001, max_lr=0.1, step_size_up=20),
    S("pytorch", "CyclicLR", None, steps=200, base_lr=0.01, max_lr=0.1, step_size_up=10, step_size_down=30, mode="triangular2"),
    S("pytorch", "CyclicLR", None, steps=200, base_lr=0.001, max_lr=0.1, step_size_up=15, mode="exp_range", gamma=0.99),
    S("pytorch", "OneCycleLR", None, steps=100, max_lr=0.1, total_steps=100),
    S("pytorch", "OneCycleLR", None, steps=100, max_lr=0.1, total_steps=100, anneal_strategy="linear"),
    S("pytorch", "OneCycleLR", None, steps=100, max_lr=0.1, total_steps=100, three_phase=True),
    S("pytorch", "OneCycleLR", None, steps=50, max_lr=1.0, total_steps=50, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
    S("pytorch", "OneCycleLR", None, steps=120, max_lr=0.5, epochs=10, steps_per_epoch=12, pct_start=0.35, three_phase=True, anneal_strategy="linear"),
    S("pytorch", "SequentialLR", 1.0, steps=30, milestones=[2],
      schedulers=[nested(S("pytorch", "ConstantLR", factor=0.1, total_iters=2)), nested(S("pytorch", "ExponentialLR", gamma=0.9))]),
    S("pytorch", "SequentialLR", 0.1, steps=120, milestones=[10],
      schedulers=[nested(S("pytorch", "LinearLR", start_factor=0.01, total_iters=10)), nested(S("pytorch", "CosineAnnealingLR", T_max=90))]),
    S("pytorch", "LambdaLR", 0.1, steps=50, lr_lambda={"__lambda__": "pow095"}),
    S("pytorch", "LambdaLR", 0.1, steps=20, lr_lambda={"__lambda__": "step_at_10"}),
]

TF1_STEPS = [0, 1, 2, 499, 500, 999, 1000, 1001, 1999, 2000, 2500, 5000, 10000]
TF1 = [
    S("tf1", "exponential_decay", args=[0.1], steps=TF1_STEPS, decay_steps=1000, decay_rate=0.96, staircase=True),
    S("tf1", "exponential_decay", args=[0.1], steps=TF1_STEPS, decay_steps=1000, decay_rate=0.96),
    S("tf1", "exponential_decay", args=[1.0], steps=300, decay_steps=50, decay_rate=0.5),
    S("tf1", "natural_exp_decay", args=[0.1], steps=100, decay_steps=10, decay_rate=0.5),
    S("tf1", "natural_exp_decay", args=[0.1], steps=100, decay_steps=10, decay_rate=0.5, staircase=True),
    S("tf1", "inverse_time_decay", args=[0.1], steps=100, decay_steps=10, decay_rate=0.5),
    S("tf1", "inverse_time_decay", args=[0.1], steps=100, decay_steps=10, decay_rate=0.5, staircase=True),
    # The default end_learning_rate=1e-4 is passed explicitly: left as TF's Python-float default it
    # becomes a float32 tensor before the cast to float64 (1.00000005e-4), a 2.5e-8 relative shift.
    S("tf1", "polynomial_decay", args=[0.1], steps=150, decay_steps=100, end_learning_rate=0.0001),
    S("tf1", "polynomial_decay", args=[0.1], steps=150, decay_steps=30, end_learning_rate=0.01, power=2.0, cycle=True),
    S("tf1", "polynomial_decay", args=[1.0], steps=50, decay_steps=10, end_learning_rate=0.0, cycle=True),
    S("tf1", "polynomial_decay", args=[0.5], steps=60, decay_steps=40, end_learning_rate=0.05, power=0.5),
    S("tf1", "piecewise_constant", steps=40, boundaries=[10, 20, 30], values=[1.0, 0.5, 0.1, 0.01]),
    S("tf1", "cosine_decay", args=[0.1], steps=150, dtype="float32", decay_steps=100),
    S("tf1", "cosine_decay", args=[0.1], steps=150, dtype="float32", decay_steps=100, alpha=0.1),
    S("tf1", "cosine_decay_restarts", args=[0.1], steps=300, dtype="float32", first_decay_steps=10),
    S("tf1", "cosine_decay_restarts", args=[0.1], steps=150, dtype="float32", first_decay_steps=20, t_mul=1.0, m_mul=0.5, alpha=0.1),
    S("tf1", "cosine_decay_restarts", args=[1.0], steps=200, dtype="float32", first_decay_steps=7, t_mul=1.5, m_mul=0.8),
    S("tf1", "linear_cosine_decay", args=[0.1], steps=150, dtype="float32", decay_steps=100),
    S("tf1", "linear_cosine_decay", args=[0.1], steps=150, dtype="float32", decay_steps=100, num_periods=2.0, alpha=0.1, beta=0.01),
]

KERAS = [
    S("keras", "ExponentialDecay", steps=TF1_STEPS, initial_learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True),
    S("keras", "ExponentialDecay", steps=300, initial_learning_rate=1.0, decay_steps=50, decay_rate=0.5),
    S("keras", "PiecewiseConstantDecay", steps=15, boundaries=[5, 10], values=[1.0, 0.5, 0.1]),
    S("keras", "PolynomialDecay", steps=150, initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.0001),
    S("keras", "PolynomialDecay", steps=50, initial_learning_rate=1.0, decay_steps=10, end_learning_rate=0.0, cycle=True),
    S("keras", "PolynomialDecay", steps=150, initial_learning_rate=0.1, decay_steps=30, end_learning_rate=0.01, power=2.0, cycle=True),
    S("keras", "InverseTimeDecay", steps=100, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    S("keras", "InverseTimeDecay", steps=100, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
    S("keras", "CosineDecay", steps=150, initial_learning_rate=0.1, decay_steps=100),
    S("keras", "CosineDecay", steps=150, initial_learning_rate=0.1, decay_steps=100, alpha=0.1),
    S("keras", "CosineDecay", steps=250, initial_learning_rate=0.0, decay_steps=100, alpha=0.1, warmup_target=1.0, warmup_steps=10),
    S("keras", "CosineDecay", steps=100, initial_learning_rate=0.01, decay_steps=50, warmup_target=0.1, warmup_steps=20),
    S("keras", "CosineDecayRestarts", steps=300, initial_learning_rate=0.1, first_decay_steps=10),
    S("keras", "CosineDecayRestarts", steps=300, initial_learning_rate=1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.1),
    S("keras", "CosineDecayRestarts", steps=150, initial_learning_rate=0.1, first_decay_steps=20, t_mul=1.0, m_mul=0.5, alpha=0.1),
    S("keras", "CosineDecayRestarts", steps=200, initial_learning_rate=1.0, first_decay_steps=7, t_mul=1.5, m_mul=0.8),
]

OX = [
    S("optax", "constant_schedule", steps=10, value=0.1),
    S("optax", "linear_schedule", steps=20, init_value=0.0, end_value=1.0, transition_steps=10),
    S("optax", "linear_schedule", steps=40, init_value=1.0, end_value=0.1, transition_steps=20, transition_begin=5),
    S("optax", "polynomial_schedule", steps=60, init_value=1.0, end_value=0.01, power=2.0, transition_steps=30, transition_begin=10),
    S("optax", "polynomial_schedule", steps=40, init_value=0.5, end_value=0.0, power=0.5, transition_steps=30),
    S("optax", "exponential_decay", steps=60, init_value=1.0, transition_steps=10, decay_rate=0.5),
    S("optax", "exponential_decay", steps=60, init_value=1.0, transition_steps=10, decay_rate=0.5, transition_begin=5, staircase=True, end_value=0.1),
    S("optax", "exponential_decay", steps=40, init_value=1.0, transition_steps=5, decay_rate=1.5, end_value=3.0),
    S("optax", "cosine_decay_schedule", steps=150, init_value=1.0, decay_steps=100),
    S("optax", "cosine_decay_schedule", steps=150, init_value=1.0, decay_steps=100, alpha=0.1, exponent=2.0),
    S("optax", "warmup_cosine_decay_schedule", steps=150, init_value=0.0, peak_value=1.0, warmup_steps=10, decay_steps=100, end_value=0.1),
    S("optax", "warmup_cosine_decay_schedule", steps=80, init_value=0.01, peak_value=0.1, warmup_steps=0, decay_steps=60, exponent=1.5),
    S("optax", "warmup_constant_schedule", steps=20, init_value=0.0, peak_value=1.0, warmup_steps=10),
    S("optax", "warmup_exponential_decay_schedule", steps=120, init_value=0.0, peak_value=1.0, warmup_steps=10,
      transition_steps=20, decay_rate=0.5, transition_begin=5, staircase=True, end_value=0.05),
    S("optax", "warmup_exponential_decay_schedule", steps=60, init_value=0.1, peak_value=1.0, warmup_steps=5, transition_steps=10, decay_rate=0.8),
    S("optax", "sgdr_schedule", steps=250, cosine_kwargs=[
        dict(init_value=0.0, peak_value=1.0, warmup_steps=10, decay_steps=100, end_value=0.1),
        dict(init_value=0.1, peak_value=0.5, warmup_steps=5, decay_steps=50, end_value=0.01)]),
    S("optax", "piecewise_constant_schedule", steps=20, init_value=1.0, boundaries_and_scales=items({5: 0.5, 10: 0.2})),
    S("optax", "piecewise_interpolate_schedule", steps=50, interpolate_type="linear", init_value=1.0,
      boundaries_and_scales=items({10: 2.0, 20: 0.5, 40: 0.1})),
    S("optax", "piecewise_interpolate_schedule", steps=50, interpolate_type="cosine", init_value=1.0,
      boundaries_and_scales=items({10: 2.0, 20: 0.5, 40: 0.1})),
    S("optax", "join_schedules", steps=40, boundaries=[10],
      schedules=[nested(S("optax", "constant_schedule", value=0.1)),
                 nested(S("optax", "linear_schedule", init_value=0.1, end_value=0.0, transition_steps=20))]),
    S("optax", "cosine_onecycle_schedule", steps=120, transition_steps=100, peak_value=1.0),
    S("optax", "cosine_onecycle_schedule", steps=60, transition_steps=50, peak_value=0.5, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
    S("optax", "linear_onecycle_schedule", steps=120, transition_steps=100, peak_value=1.0),
    S("optax", "linear_onecycle_schedule", steps=70, transition_steps=60, peak_value=0.5, pct_start=0.2, pct_final=0.9),
]


# --------------------------------------------------------------------------------------
# evaluation in the real frameworks
# --------------------------------------------------------------------------------------


def decode(v, f64, build):
    if isinstance(v, dict):
        if "__schedule__" in v:
            return build(v["__schedule__"])
        if "__items__" in v:
            return {int(k): f64(x) for k, x in v["__items__"]}
        if "__lambda__" in v:
            return LAMBDAS[v["__lambda__"]]
        return {k: decode(x, f64, build) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x, f64, build) for x in v]
    if isinstance(v, float):
        return f64(v)
    return v


def run_pytorch(spec):
    import torch

    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=spec["lr"] if spec["lr"] is not None else 0.5, momentum=0.9)
    sched_mod = torch.optim.lr_scheduler

    def make(sp):
        kw = dict(sp["kwargs"])
        if sp["name"] == "SequentialLR":
            kw["schedulers"] = [make(c["__schedule__"]) for c in kw["schedulers"]]
        elif "lr_lambda" in kw:
            kw["lr_lambda"] = LAMBDAS[kw["lr_lambda"]["__lambda__"]]
        return getattr(sched_mod, sp["name"])(opt, **kw)

    sch = make(spec)
    out = []
    for e in range(max(steps_of(spec)) + 1):
        if e > 0:
            opt.step()
            sch.step()
        out.append(float(sch.get_last_lr()[0]))
    return [out[e] for e in steps_of(spec)]


def run_tf1(spec):
    import tensorflow as tf

    dt = tf.float64 if spec["dtype"] == "float64" else tf.float32
    np_dt = np.float64 if spec["dtype"] == "float64" else np.float32
    fn = getattr(tf.compat.v1.train, spec["name"])
    kw = decode(spec["kwargs"], np_dt, None)
    out = []
    for e in steps_of(spec):
        gs = tf.constant(e, tf.int64)
        if spec["name"] == "piecewise_constant":
            kw2 = dict(kw, values=[tf.constant(v, dt) for v in spec["kwargs"]["values"]])
            r = fn(gs, **kw2)
        else:
            r = fn(tf.constant(spec["args"][0], dt), gs, **kw)
        r = r() if callable(r) else r
        assert r.dtype == dt, (spec["name"], r.dtype)
        out.append(float(r.numpy()))
    return out


def run_keras(spec):
    import keras

    kw = decode(spec["kwargs"], np.float64, None)
    if spec["name"] == "PiecewiseConstantDecay":
        kw["boundaries"] = [np.int64(b) for b in spec["kwargs"]["boundaries"]]
    sch = getattr(keras.optimizers.schedules, spec["name"])(**kw)
    out = []
    for e in steps_of(spec):
        r = sch(np.int64(e))
        assert np.asarray(r).dtype == np.float64, (spec["name"], r.dtype)
        out.append(float(np.asarray(r)))
    return out


def run_optax(spec):
    import jax
    import jax.numpy as jnp
    import optax

    def build(sp):
        kw = decode(sp["kwargs"], jnp.float64, build)
        return getattr(optax.schedules, sp["name"])(**kw)

    sch = build(spec)
    out = []
    for e in steps_of(spec):
        r = jnp.asarray(sch(jnp.asarray(e, dtype=jnp.int64)))
        assert r.dtype == jnp.float64, (spec["name"], r.dtype)
        out.append(float(r))
    return out


def main():
    import jax

    jax.config.update("jax_enable_x64", True)
    import keras
    import optax
    import tensorflow as tf
    import torch

    runners = {"pytorch": run_pytorch, "tf1": run_tf1, "keras": run_keras, "optax": run_optax}
    cases = []
    for spec in PT + TF1 + KERAS + OX:
        spec = dict(spec)
        spec["values"] = runners[spec["fw"]](spec)
        cases.append(spec)
        print(f"{spec['fw']:8s} {spec['name']:34s} {len(spec['values']):4d} values", file=sys.stderr)
    doc = {
        "about": "Learning-rate schedules evaluated by the real frameworks; written by tools/make_fixtures_schedules.py.",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "torch": torch.__version__,
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "jax": jax.__version__,
            "optax": optax.__version__,
        },
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, separators=(",", ":"))
    # one case per line keeps diffs readable
    text = text.replace(',{"fw"', ',\n{"fw"')
    OUT.write_text(text + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB, {len(cases)} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
