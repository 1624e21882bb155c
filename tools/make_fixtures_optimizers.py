"""Reference optimizer trajectories from the REAL frameworks -> ``lrlessons/reference/optimizers.json``.

Run by hand in a throwaway environment that has torch (CPU), tensorflow-cpu, keras 3, jax and
optax (never a test dependency)::

    /tmp/fwenv/bin/python tools/make_fixtures_optimizers.py

The script re-runs itself once per framework in a subprocess (``--framework NAME --out FILE``)
so TF1 graph mode, Keras and jax x64 never share a process, then merges the parts.

What it does
------------
For every case, the real framework optimizer is driven for ``STEPS`` updates, in float64, on
one of three fixed problems:

``quadratic``
    ``f(θ) = ½ (θ − c)ᵀ A (θ − c)`` with ``A = R diag(1, 50) Rᵀ`` (R a 30° rotation,
    condition number 50), ``c = (0.5, −0.25)``, ``θ₀ = (−1.5, 1.0)``.
``rosenbrock``
    ``f(x, y) = (1 − x)² + 100 (y − x²)²``, ``θ₀ = (−1.2, 1.0)``; the learning rates are
    chosen small enough that every run stays finite and bounded (checked).
``sequence``
    a fixed, seeded (``default_rng(20261126)``) sequence of gradients on a 5-D parameter,
    ``θ₀ = (0.5, −1, 2, 0.1, −0.3)``. Coordinate 3 always has gradients ~1e-7 (so ε ~ 1e-8 is
    not negligible there); update 1 has gradients ~1e-9 in every coordinate (ε placement,
    ε-hat); update 6 is 50x larger than the rest (AMSGrad's maximum, Adamax's infinity norm).

At every update the gradient is computed in numpy float64 from the framework's CURRENT
parameters (or taken from the sequence), fed to the framework optimizer exactly, and recorded
with the parameters after the update.

How each framework is run (also recorded under ``"versions"`` in the JSON)
-------------------------------------------------------------------------
- pytorch: CPU, float64 tensors; ``p.grad = g; opt.step()``; with a scheduler,
  ``opt.step(); sched.step()`` every update (the chainable ``get_lr`` path).
- tf1: ``tf.compat.v1`` graph mode (``disable_eager_execution``), a float64 ``tf.Variable``,
  the gradient fed through a float64 placeholder to ``apply_gradients(..., global_step=gs)``.
  Python float hyperparameters (learning_rate, momentum, decay, beta1, beta2, epsilon, rho and
  the schedule's initial rate) are passed as float64 constants: TF1 otherwise converts them to
  float32 tensors and casts them to float64, which rounds 0.1 to 0.10000000149. The fixture
  records the plain numbers, i.e. float64 semantics.
- keras: Keras 3 on the JAX backend with ``jax_enable_x64`` and ``keras.config.set_floatx("float64")``
  (so the learning-rate variable and schedules are float64), a float64 ``keras.Variable``,
  ``opt.apply_gradients([(g, v)])``.
- optax: jax x64, float64 ``jnp`` arrays; ``updates, s = opt.update(g, s, params)``;
  ``params = optax.apply_updates(params, updates)``. optax keeps its step count in int32 and
  ``int32 / int`` is float32 in jax even under x64, so a real optax schedule is evaluated in
  float32 (relative error ~1e-7); the generator calls the same schedule on the count cast to
  int64, so the fixture records float64 semantics.

Fixture format (the contract with ``lrlessons.frameworks`` and ``tests/test_parity_optimizers.py``)
--------------------------------------------------------------------------------------------------
One JSON object::

    {"versions": {"pytorch": {"version": ..., "how": ...}, "tf1": ..., "keras": ..., "optax": ...,
                  "numpy": ..., "steps": 64},
     "cases": [{"id": "pytorch.Adam.amsgrad.quadratic", "framework": "pytorch",
                "optimizer": "Adam", "args": [], "kwargs": {"lr": 0.1, "amsgrad": true},
                "problem": "quadratic", "theta0": [...], "grads": [[...], ...],
                "thetas": [[...], ...]}, ...]}

- ``id`` = ``framework.optimizer.variant.problem``.
- ``optimizer`` is the real class/function name; ``args``/``kwargs`` are exactly what the real
  API took, minus PyTorch's ``params`` (tuples written as lists, e.g. ``betas``).
- ``grads[k]`` is the gradient fed to update k+1; ``thetas[k]`` the parameters after k+1 updates.
- A schedule learning rate is a dict in place of the lr:
  ``{"schedule": NAME, "args": [...], "kwargs": {...}}``, NAME being a function/class of the same
  framework module (lrlessons.frameworks.<framework>). pytorch: the first arg is the base lr and
  the optimizer's own ``lr`` is that base lr (``{"schedule": "StepLR", "args": [0.1],
  "kwargs": {"step_size": 5, "gamma": 0.5}}``); tf1: ``global_step`` is ``null``
  (``{"schedule": "exponential_decay", "args": [0.1, null, 10, 0.5], "kwargs": {"staircase": false}}``);
  keras: ``ExponentialDecay``; optax: ``exponential_decay``.
- pytorch ``OneCycleLR`` and ``CyclicLR`` (whose first torch arguments are ``max_lr``, resp.
  ``base_lr, max_lr``): every entry of ``args`` goes to the scheduler, and the optimizer's own
  ``lr`` is ``args[0]`` (the scheduler overwrites it at construction anyway). With
  ``cycle_momentum`` (torch's default) the scheduler also overwrites the optimizer's momentum
  (SGD/RMSprop ``momentum``, Adam-family ``betas[0]``) every step: the case keeps the
  ``momentum``/``betas`` the optimizer was built with, and the test gives lrlessons the
  schedule's ``.momentum`` in their place (a torch scheduler with cycled momentum always
  wins over the constructor's value). Such cases also store ``"momenta"``: ``momenta[k]`` is
  ``param_groups[0]["momentum"]`` (or ``["betas"][0]``) after k ``sched.step()`` calls, the value
  update k+1 used; it must equal ``schedule.momentum(k)``.
- Floats are written with ``repr`` precision (json does), so float64 round-trips exactly.
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

STEPS = 64
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lrlessons" / "reference" / "optimizers.json"


# --------------------------------------------------------------------------------------------
# problems (numpy float64 gradients)
# --------------------------------------------------------------------------------------------
def _rotation(deg):
    a = np.deg2rad(deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


_R = _rotation(30.0)
QUAD_A = _R @ np.diag([1.0, 50.0]) @ _R.T
QUAD_C = np.array([0.5, -0.25])


def quad_grad(theta):
    return QUAD_A @ (theta - QUAD_C)


def rosen_grad(theta):
    x, y = theta
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def make_sequence(steps=STEPS, seed=20261126):
    """``steps`` seeded 5-D gradients (also the modern fixtures' ``sequence``, with their own seed)."""
    rng = np.random.default_rng(seed)
    scale = np.array([1.0, 0.1, 3.0, 1e-7, 0.5])
    g = (rng.normal(size=(steps, 5)) + np.array([0.3, -0.2, 0.1, 0.5, 0.0])) * scale
    g[0] = rng.normal(size=5) * 1e-9          # first update: tiny gradients (ε placement)
    g[5] = g[5] * 50.0                        # one large update (AMSGrad, Adamax)
    return g


SEQUENCE = make_sequence()

PROBLEMS = {
    "quadratic": (np.array([-1.5, 1.0]), quad_grad),
    "rosenbrock": (np.array([-1.2, 1.0]), rosen_grad),
    "sequence": (np.array([0.5, -1.0, 2.0, 0.1, -0.3]), None),
}


def gradient(problem, k, theta):
    """The gradient fed to update k+1 (float64 numpy)."""
    theta0, fn = PROBLEMS[problem]
    if fn is None:
        return SEQUENCE[k].copy()
    return fn(np.asarray(theta, dtype=np.float64))


# --------------------------------------------------------------------------------------------
# cases: (framework, optimizer, variant, args, kwargs, problems)
# "LR" in args/kwargs is replaced by the per-problem learning rate of the case's lr table.
# --------------------------------------------------------------------------------------------
QRS = ("quadratic", "rosenbrock", "sequence")
QS = ("quadratic", "sequence")

# learning-rate tables per problem
LR_SGD = {"quadratic": 0.035, "rosenbrock": 1e-3, "sequence": 0.05}
LR_MOM = {"quadratic": 0.02, "rosenbrock": 2e-4, "sequence": 0.05}
LR_ADA = {"quadratic": 0.1, "rosenbrock": 0.02, "sequence": 0.1}
LR_BIG = {"quadratic": 0.5, "rosenbrock": 0.1, "sequence": 0.5}  # adagrad-like, adadelta
LR_ONE = {"quadratic": 1.0, "rosenbrock": 1.0, "sequence": 1.0}
# RAdam: the first updates are un-rectified (θ -= lr·m̂), plain-SGD-sized
LR_RAD = {"quadratic": 0.03, "rosenbrock": 1e-3, "sequence": 0.1}


def _exp_sched(fw, base):
    """The same lr (base * 0.93^t) in each framework's own schedule API."""
    if fw == "pytorch":
        return {"schedule": "ExponentialLR", "args": [base], "kwargs": {"gamma": 0.93}}
    if fw == "tf1":
        return {"schedule": "exponential_decay", "args": [base, None, 10, 0.5],
                "kwargs": {"staircase": False}}
    if fw == "keras":
        return {"schedule": "ExponentialDecay", "args": [base],
                "kwargs": {"decay_steps": 10, "decay_rate": 0.5}}
    if fw == "optax":
        return {"schedule": "exponential_decay", "args": [],
                "kwargs": {"init_value": base, "transition_steps": 10, "decay_rate": 0.5}}
    raise ValueError(fw)


def specs():
    out = []

    def add(fw, opt, variant, args, kwargs, lrs, problems=QS):
        out.append((fw, opt, variant, args, kwargs, lrs, problems))

    # ---- pytorch -------------------------------------------------------------------------
    P = "pytorch"
    add(P, "SGD", "plain", [], {"lr": "LR"}, LR_SGD, QRS)
    add(P, "SGD", "defaults", [], {}, {}, QS)
    add(P, "SGD", "momentum", [], {"lr": "LR", "momentum": 0.9}, LR_MOM, QRS)
    add(P, "SGD", "dampening", [], {"lr": "LR", "momentum": 0.9, "dampening": 0.5}, LR_MOM)
    add(P, "SGD", "nesterov", [], {"lr": "LR", "momentum": 0.9, "nesterov": True}, LR_MOM)
    add(P, "SGD", "weight_decay", [], {"lr": "LR", "momentum": 0.5, "weight_decay": 0.3}, LR_MOM)
    add(P, "Adagrad", "defaults", [], {}, {}, QS)
    add(P, "Adagrad", "lr", [], {"lr": "LR"}, LR_BIG, QRS)
    add(P, "Adagrad", "lr_decay", [], {"lr": "LR", "lr_decay": 0.05}, LR_BIG)
    add(P, "Adagrad", "initial_accumulator_value", [],
        {"lr": "LR", "initial_accumulator_value": 0.1}, LR_BIG)
    add(P, "Adagrad", "weight_decay", [], {"lr": "LR", "weight_decay": 0.2}, LR_BIG)
    add(P, "RMSprop", "plain", [], {"lr": "LR"}, LR_ADA, QRS)
    add(P, "RMSprop", "centered", [], {"lr": "LR", "centered": True}, LR_ADA)
    add(P, "RMSprop", "momentum", [], {"lr": "LR", "momentum": 0.8, "alpha": 0.9}, LR_ADA)
    add(P, "RMSprop", "centered_momentum", [],
        {"lr": "LR", "momentum": 0.5, "centered": True, "eps": 1e-6}, LR_ADA)
    add(P, "RMSprop", "weight_decay", [], {"lr": "LR", "weight_decay": 0.3}, LR_ADA)
    add(P, "Adam", "defaults", [], {}, {}, QS)
    add(P, "Adam", "lr", [], {"lr": "LR"}, LR_ADA, QRS)
    add(P, "Adam", "amsgrad", [], {"lr": "LR", "amsgrad": True}, LR_ADA)
    add(P, "Adam", "weight_decay", [], {"lr": "LR", "weight_decay": 0.3, "betas": [0.8, 0.99]},
        LR_ADA)
    add(P, "Adam", "decoupled_weight_decay", [],
        {"lr": "LR", "weight_decay": 0.3, "decoupled_weight_decay": True}, LR_ADA)
    add(P, "AdamW", "defaults", [], {"lr": "LR"}, LR_ADA, QRS)
    add(P, "AdamW", "amsgrad", [], {"lr": "LR", "weight_decay": 0.5, "amsgrad": True}, LR_ADA)
    add(P, "NAdam", "defaults", [], {"lr": "LR"}, LR_ADA, QRS)
    add(P, "NAdam", "momentum_decay", [], {"lr": "LR", "momentum_decay": 0.05}, LR_ADA)
    add(P, "NAdam", "weight_decay", [], {"lr": "LR", "weight_decay": 0.3}, LR_ADA)
    add(P, "NAdam", "decoupled_weight_decay", [],
        {"lr": "LR", "weight_decay": 0.3, "decoupled_weight_decay": True}, LR_ADA)
    add(P, "RAdam", "defaults", [], {"lr": "LR"}, LR_RAD, QRS)
    add(P, "RAdam", "weight_decay", [], {"lr": "LR", "weight_decay": 0.3}, LR_RAD)
    add(P, "RAdam", "decoupled_weight_decay", [],
        {"lr": "LR", "weight_decay": 0.3, "decoupled_weight_decay": True}, LR_ADA)
    add(P, "Adamax", "defaults", [], {"lr": "LR"}, LR_ADA, QRS)
    add(P, "Adamax", "weight_decay", [], {"lr": "LR", "weight_decay": 0.3}, LR_ADA)
    add(P, "Adadelta", "defaults", [], {}, {}, QRS)
    add(P, "Adadelta", "weight_decay", [], {"lr": "LR", "rho": 0.95, "weight_decay": 0.2}, LR_ONE)
    # schedules
    add(P, "SGD", "momentum_StepLR", [],
        {"lr": {"schedule": "StepLR", "args": ["LR"], "kwargs": {"step_size": 5, "gamma": 0.5}},
         "momentum": 0.9}, LR_MOM)
    add(P, "SGD", "momentum_ExponentialLR", [],
        {"lr": {"schedule": "ExponentialLR", "args": ["LR"], "kwargs": {"gamma": 0.93}},
         "momentum": 0.9}, LR_MOM)
    add(P, "SGD", "nesterov_ExponentialLR", [],
        {"lr": {"schedule": "ExponentialLR", "args": ["LR"], "kwargs": {"gamma": 0.93}},
         "momentum": 0.9, "nesterov": True}, LR_MOM)
    add(P, "RMSprop", "momentum_ExponentialLR", [],
        {"lr": {"schedule": "ExponentialLR", "args": ["LR"], "kwargs": {"gamma": 0.93}},
         "momentum": 0.8, "alpha": 0.9}, LR_ADA)
    add(P, "Adam", "StepLR", [],
        {"lr": {"schedule": "StepLR", "args": ["LR"], "kwargs": {"step_size": 7, "gamma": 0.3}}},
        LR_ADA)
    add(P, "SGD", "all_options_ExponentialLR", [],
        {"lr": {"schedule": "ExponentialLR", "args": ["LR"], "kwargs": {"gamma": 0.93}},
         "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.2}, LR_MOM)
    add(P, "AdamW", "StepLR", [],
        {"lr": {"schedule": "StepLR", "args": ["LR"], "kwargs": {"step_size": 7, "gamma": 0.3}},
         "weight_decay": 0.5}, LR_ADA)
    # cycled momentum (OneCycleLR / CyclicLR with cycle_momentum=True, torch's default)
    one = {"schedule": "OneCycleLR", "args": ["LR"], "kwargs": {"total_steps": STEPS}}
    add(P, "SGD", "momentum_OneCycleLR", [], {"lr": one, "momentum": 0.9}, LR_MOM)
    add(P, "SGD", "momentum_OneCycleLR_linear", [],
        {"lr": {**one, "kwargs": {"total_steps": STEPS, "anneal_strategy": "linear", "pct_start": 0.25,
                                  "base_momentum": 0.8, "max_momentum": 0.92}},
         "momentum": 0.9}, LR_MOM)
    add(P, "SGD", "momentum_OneCycleLR_three_phase", [],
        {"lr": {**one, "kwargs": {"total_steps": STEPS, "three_phase": True, "div_factor": 10.0}},
         "momentum": 0.9}, LR_MOM)
    add(P, "Adam", "OneCycleLR", [], {"lr": one}, LR_ADA)
    add(P, "AdamW", "OneCycleLR_three_phase", [],
        {"lr": {**one, "kwargs": {"total_steps": STEPS, "three_phase": True, "anneal_strategy": "linear"}},
         "weight_decay": 0.1}, LR_ADA)
    add(P, "SGD", "momentum_CyclicLR_triangular2", [],
        {"lr": {"schedule": "CyclicLR", "args": [0.004, "LR"],
                "kwargs": {"step_size_up": 10, "step_size_down": 6, "mode": "triangular2"}},
         "momentum": 0.9}, LR_MOM)
    add(P, "RMSprop", "momentum_CyclicLR_exp_range", [],
        {"lr": {"schedule": "CyclicLR", "args": [0.01, "LR"],
                "kwargs": {"step_size_up": 8, "mode": "exp_range", "gamma": 0.97,
                           "base_momentum": 0.7, "max_momentum": 0.85}},
         "momentum": 0.8, "alpha": 0.9}, LR_ADA)
    add(P, "Adagrad", "lr_decay_ExponentialLR", [],
        {"lr": {"schedule": "ExponentialLR", "args": ["LR"], "kwargs": {"gamma": 0.95}},
         "lr_decay": 0.05}, LR_BIG)

    # ---- tf1 -----------------------------------------------------------------------------
    T = "tf1"
    add(T, "GradientDescentOptimizer", "plain", ["LR"], {}, LR_SGD, QRS)
    add(T, "MomentumOptimizer", "momentum", ["LR"], {"momentum": 0.9}, LR_MOM, QRS)
    add(T, "MomentumOptimizer", "nesterov", ["LR"], {"momentum": 0.9, "use_nesterov": True},
        LR_MOM)
    add(T, "AdagradOptimizer", "defaults", ["LR"], {}, LR_BIG, QRS)
    add(T, "AdagradOptimizer", "initial_accumulator_value", ["LR"],
        {"initial_accumulator_value": 0.01}, LR_BIG)
    add(T, "RMSPropOptimizer", "defaults", ["LR"], {}, LR_ADA, QRS)
    add(T, "RMSPropOptimizer", "momentum", ["LR"], {"momentum": 0.8}, LR_ADA)
    add(T, "RMSPropOptimizer", "centered", ["LR"], {"centered": True, "decay": 0.8}, LR_ADA)
    add(T, "RMSPropOptimizer", "centered_momentum", ["LR"],
        {"centered": True, "momentum": 0.5, "epsilon": 1e-6}, LR_ADA)
    add(T, "AdamOptimizer", "defaults", [], {}, {}, QS)
    add(T, "AdamOptimizer", "article", [0.01], {"beta1": 0.9, "beta2": 0.999}, {}, QRS)
    add(T, "AdamOptimizer", "lr", ["LR"], {"epsilon": 1e-7}, LR_ADA, QRS)
    add(T, "AdadeltaOptimizer", "defaults", [], {}, {}, QS)
    add(T, "AdadeltaOptimizer", "lr", ["LR"], {"rho": 0.9, "epsilon": 1e-6}, LR_ONE, QRS)
    # schedules (exponential_decay on global_step)
    add(T, "GradientDescentOptimizer", "exponential_decay", [_exp_sched(T, "LR")], {}, LR_SGD)
    add(T, "MomentumOptimizer", "momentum_exponential_decay", [_exp_sched(T, "LR")],
        {"momentum": 0.9}, LR_MOM)
    add(T, "MomentumOptimizer", "momentum_staircase", [
        {"schedule": "exponential_decay", "args": ["LR", None, 5, 0.5],
         "kwargs": {"staircase": True}}], {"momentum": 0.9}, LR_MOM)
    add(T, "RMSPropOptimizer", "momentum_exponential_decay", [_exp_sched(T, "LR")],
        {"momentum": 0.8}, LR_ADA)
    add(T, "AdamOptimizer", "exponential_decay", [_exp_sched(T, "LR")], {}, LR_ADA)
    add(T, "MomentumOptimizer", "nesterov_exponential_decay", [_exp_sched(T, "LR")],
        {"momentum": 0.9, "use_nesterov": True}, LR_MOM)
    add(T, "RMSPropOptimizer", "centered_momentum_exponential_decay", [_exp_sched(T, "LR")],
        {"momentum": 0.5, "centered": True, "epsilon": 1e-6}, LR_ADA)
    add(T, "AdagradOptimizer", "exponential_decay", [_exp_sched(T, "LR")], {}, LR_BIG)

    # ---- keras ---------------------------------------------------------------------------
    K = "keras"
    add(K, "SGD", "plain", [], {"learning_rate": "LR"}, LR_SGD, QRS)
    add(K, "SGD", "momentum", [], {"learning_rate": "LR", "momentum": 0.9}, LR_MOM, QRS)
    add(K, "SGD", "nesterov", [], {"learning_rate": "LR", "momentum": 0.9, "nesterov": True},
        LR_MOM)
    add(K, "SGD", "weight_decay", [],
        {"learning_rate": "LR", "momentum": 0.5, "weight_decay": 0.3}, LR_MOM)
    add(K, "Adagrad", "defaults", [], {}, {}, QS)
    add(K, "Adagrad", "lr", [], {"learning_rate": "LR"}, LR_BIG, QRS)
    add(K, "Adagrad", "initial_accumulator_value", [],
        {"learning_rate": "LR", "initial_accumulator_value": 0.01, "epsilon": 1e-5}, LR_BIG)
    add(K, "RMSprop", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(K, "RMSprop", "momentum", [], {"learning_rate": "LR", "momentum": 0.8}, LR_ADA)
    add(K, "RMSprop", "centered", [], {"learning_rate": "LR", "centered": True, "rho": 0.8},
        LR_ADA)
    add(K, "RMSprop", "centered_momentum", [],
        {"learning_rate": "LR", "centered": True, "momentum": 0.5, "epsilon": 1e-6}, LR_ADA)
    add(K, "RMSprop", "weight_decay", [], {"learning_rate": "LR", "weight_decay": 0.3}, LR_ADA)
    add(K, "Adam", "defaults", [], {}, {}, QS)
    add(K, "Adam", "lr", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(K, "Adam", "amsgrad", [], {"learning_rate": "LR", "amsgrad": True}, LR_ADA)
    add(K, "Adam", "betas", [],
        {"learning_rate": "LR", "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6}, LR_ADA)
    add(K, "Adam", "weight_decay", [], {"learning_rate": "LR", "weight_decay": 0.3}, LR_ADA)
    add(K, "AdamW", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(K, "AdamW", "amsgrad", [],
        {"learning_rate": "LR", "weight_decay": 0.5, "amsgrad": True}, LR_ADA)
    add(K, "Nadam", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(K, "Nadam", "weight_decay", [], {"learning_rate": "LR", "weight_decay": 0.3,
                                         "beta_1": 0.8}, LR_ADA)
    add(K, "Adamax", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(K, "Adadelta", "defaults", [], {}, {}, QS)
    add(K, "Adadelta", "lr", [], {"learning_rate": "LR", "rho": 0.9, "epsilon": 1e-6}, LR_ONE,
        QRS)
    # schedules
    add(K, "SGD", "momentum_ExponentialDecay", [],
        {"learning_rate": _exp_sched(K, "LR"), "momentum": 0.9}, LR_MOM)
    add(K, "SGD", "nesterov_ExponentialDecay", [],
        {"learning_rate": _exp_sched(K, "LR"), "momentum": 0.9, "nesterov": True}, LR_MOM)
    add(K, "RMSprop", "momentum_ExponentialDecay", [],
        {"learning_rate": _exp_sched(K, "LR"), "momentum": 0.8}, LR_ADA)
    add(K, "Adam", "ExponentialDecay", [], {"learning_rate": _exp_sched(K, "LR")}, LR_ADA)
    add(K, "AdamW", "ExponentialDecay", [],
        {"learning_rate": _exp_sched(K, "LR"), "weight_decay": 0.5}, LR_ADA)
    add(K, "SGD", "weight_decay_ExponentialDecay", [],
        {"learning_rate": _exp_sched(K, "LR"), "momentum": 0.5, "weight_decay": 0.3}, LR_MOM)
    add(K, "Nadam", "ExponentialDecay", [], {"learning_rate": _exp_sched(K, "LR")}, LR_ADA)
    add(K, "RMSprop", "centered_momentum_ExponentialDecay", [],
        {"learning_rate": _exp_sched(K, "LR"), "momentum": 0.5, "centered": True}, LR_ADA)

    # ---- optax ---------------------------------------------------------------------------
    O = "optax"
    add(O, "sgd", "plain", [], {"learning_rate": "LR"}, LR_SGD, QRS)
    add(O, "sgd", "momentum", [], {"learning_rate": "LR", "momentum": 0.9}, LR_MOM, QRS)
    add(O, "sgd", "nesterov", [], {"learning_rate": "LR", "momentum": 0.9, "nesterov": True},
        LR_MOM)
    add(O, "adagrad", "defaults", [], {"learning_rate": "LR"}, LR_BIG, QRS)
    add(O, "adagrad", "initial_accumulator_value", [],
        {"learning_rate": "LR", "initial_accumulator_value": 0.01, "eps": 1e-5}, LR_BIG)
    add(O, "rmsprop", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(O, "rmsprop", "eps_outside", [], {"learning_rate": "LR", "eps_in_sqrt": False}, LR_ADA)
    add(O, "rmsprop", "bias_correction", [],
        {"learning_rate": "LR", "bias_correction": True}, LR_ADA)
    add(O, "rmsprop", "centered", [], {"learning_rate": "LR", "centered": True, "decay": 0.8},
        LR_ADA)
    add(O, "rmsprop", "momentum", [], {"learning_rate": "LR", "momentum": 0.8}, LR_ADA)
    add(O, "rmsprop", "nesterov", [],
        {"learning_rate": "LR", "momentum": 0.8, "nesterov": True}, LR_ADA)
    add(O, "rmsprop", "initial_scale", [], {"learning_rate": "LR", "initial_scale": 1.0}, LR_ADA)
    add(O, "rmsprop", "all_options", [],
        {"learning_rate": "LR", "decay": 0.85, "eps": 1e-6, "initial_scale": 0.5,
         "eps_in_sqrt": False, "centered": True, "momentum": 0.5, "bias_correction": True},
        LR_ADA, ("sequence",))
    # (not on the quadratic: there |g| ~ 90 at θ₀, and with centered + bias_correction the first
    # denominator is ν̂ − μ̂² = decay·ν₀/(1 − decay) computed as ~8035 − 8032, losing 3.5 digits,
    # so optax and any other float64 evaluation order differ by ~5e-13 after one update.)
    add(O, "adam", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(O, "adam", "eps_root", [], {"learning_rate": "LR", "eps_root": 1e-8}, LR_ADA)
    add(O, "adam", "nesterov", [], {"learning_rate": "LR", "nesterov": True}, LR_ADA)
    add(O, "adamw", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(O, "adamw", "weight_decay", [], {"learning_rate": "LR", "weight_decay": 0.3}, LR_ADA)
    add(O, "amsgrad", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(O, "nadam", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(O, "radam", "defaults", [], {"learning_rate": "LR"}, LR_RAD, QRS)
    add(O, "radam", "threshold", [], {"learning_rate": "LR", "threshold": 4.0}, LR_RAD)
    add(O, "adamax", "defaults", [], {"learning_rate": "LR"}, LR_ADA, QRS)
    add(O, "adadelta", "lr", [], {"learning_rate": "LR"}, LR_ONE, QRS)
    add(O, "adadelta", "weight_decay", [],
        {"learning_rate": "LR", "rho": 0.95, "eps": 1e-5, "weight_decay": 0.2}, LR_ONE)
    # schedules
    add(O, "sgd", "momentum_exponential_decay", [],
        {"learning_rate": _exp_sched(O, "LR"), "momentum": 0.9}, LR_MOM)
    add(O, "rmsprop", "momentum_exponential_decay", [],
        {"learning_rate": _exp_sched(O, "LR"), "momentum": 0.8}, LR_ADA)
    add(O, "adam", "exponential_decay", [], {"learning_rate": _exp_sched(O, "LR")}, LR_ADA)
    add(O, "sgd", "nesterov_exponential_decay", [],
        {"learning_rate": _exp_sched(O, "LR"), "momentum": 0.9, "nesterov": True}, LR_MOM)
    add(O, "adamw", "exponential_decay", [],
        {"learning_rate": _exp_sched(O, "LR"), "weight_decay": 0.5}, LR_ADA)
    add(O, "rmsprop", "nesterov_exponential_decay", [],
        {"learning_rate": _exp_sched(O, "LR"), "momentum": 0.8, "nesterov": True}, LR_ADA)
    return out


def _fill(obj, lr):
    if isinstance(obj, str) and obj == "LR":
        return lr
    if isinstance(obj, list):
        return [_fill(o, lr) for o in obj]
    if isinstance(obj, dict):
        return {k: _fill(v, lr) for k, v in obj.items()}
    return obj


def cases_for(framework):
    for fw, opt, variant, args, kwargs, lrs, problems in specs():
        if fw != framework:
            continue
        for problem in problems:
            lr = lrs.get(problem)
            yield {"id": f"{fw}.{opt}.{variant}.{problem}", "framework": fw, "optimizer": opt,
                   "args": _fill(args, lr), "kwargs": _fill(kwargs, lr), "problem": problem}


def is_schedule(x):
    return isinstance(x, dict) and "schedule" in x


# --------------------------------------------------------------------------------------------
# framework drivers: each returns (grads, thetas) as float64 arrays
# --------------------------------------------------------------------------------------------
def drive_pytorch(case):
    import torch

    torch.set_default_dtype(torch.float64)
    theta0, _ = PROBLEMS[case["problem"]]
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    kwargs = dict(case["kwargs"])
    sched_spec = None
    for key in ("betas",):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    if is_schedule(kwargs.get("lr")):
        sched_spec = kwargs["lr"]
        kwargs["lr"] = sched_spec["args"][0]
    opt = getattr(torch.optim, case["optimizer"])([p], *case["args"], **kwargs)
    sched = None
    cycled = False
    if sched_spec is not None:
        name = sched_spec["schedule"]
        cls = getattr(torch.optim.lr_scheduler, name)
        lr_args = sched_spec["args"] if name in ("OneCycleLR", "CyclicLR") else sched_spec["args"][1:]
        sched = cls(opt, *lr_args, **sched_spec["kwargs"])
        cycled = name in ("OneCycleLR", "CyclicLR") and sched_spec["kwargs"].get("cycle_momentum", True)
    grads, thetas, momenta = [], [], []
    for k in range(STEPS):
        if cycled:
            group = opt.param_groups[0]
            momenta.append(float(group["betas"][0] if "betas" in group else group["momentum"]))
        g = gradient(case["problem"], k, p.detach().numpy())
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        if sched is not None:
            sched.step()
        grads.append(g)
        thetas.append(p.detach().numpy().copy())
    if cycled:
        case["momenta"] = momenta
    return np.array(grads), np.array(thetas)


def drive_tf1(case):
    import tensorflow as tf

    v1 = tf.compat.v1
    f64 = lambda x: tf.constant(x, dtype=tf.float64) if isinstance(x, float) else x  # noqa: E731
    theta0, _ = PROBLEMS[case["problem"]]
    graph = tf.Graph()
    with graph.as_default():
        var = tf.Variable(theta0, dtype=tf.float64)
        gph = v1.placeholder(tf.float64, shape=theta0.shape)
        gs = v1.train.get_or_create_global_step()
        args = list(case["args"])
        if args and is_schedule(args[0]):
            s = args[0]
            sargs = [f64(a) for a in s["args"]]
            sargs[1] = gs
            args[0] = getattr(v1.train, s["schedule"])(*sargs, **s["kwargs"])
        args = [f64(a) for a in args]
        kwargs = {k: (v if k == "initial_accumulator_value" else f64(v))
                  for k, v in case["kwargs"].items()}
        cls = getattr(v1.train, case["optimizer"])
        if not args and "learning_rate" not in kwargs:
            # the default learning rate, also as float64
            import inspect
            kwargs["learning_rate"] = f64(
                inspect.signature(cls.__init__).parameters["learning_rate"].default)
        for name in ("beta1", "beta2", "epsilon", "rho", "decay", "momentum"):
            import inspect
            params = inspect.signature(cls.__init__).parameters
            if name in params and name not in kwargs and isinstance(params[name].default, float):
                kwargs[name] = f64(params[name].default)
        opt = cls(*args, **kwargs)
        train = opt.apply_gradients([(gph, var)], global_step=gs)
        init = v1.global_variables_initializer()
    grads, thetas = [], []
    with v1.Session(graph=graph) as sess:
        sess.run(init)
        theta = sess.run(var)
        for k in range(STEPS):
            g = gradient(case["problem"], k, theta)
            sess.run(train, feed_dict={gph: g})
            theta = sess.run(var)
            grads.append(g)
            thetas.append(theta.copy())
    return np.array(grads), np.array(thetas)


def drive_keras(case):
    import keras

    theta0, _ = PROBLEMS[case["problem"]]
    kwargs = dict(case["kwargs"])
    if is_schedule(kwargs.get("learning_rate")):
        s = kwargs["learning_rate"]
        kwargs["learning_rate"] = getattr(keras.optimizers.schedules, s["schedule"])(
            *s["args"], **s["kwargs"])
    opt = getattr(keras.optimizers, case["optimizer"])(*case["args"], **kwargs)
    var = keras.Variable(theta0, dtype="float64")
    opt.build([var])
    grads, thetas = [], []
    theta = np.asarray(var.numpy(), dtype=np.float64)
    for k in range(STEPS):
        g = gradient(case["problem"], k, theta)
        opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
        theta = np.asarray(var.numpy())
        assert theta.dtype == np.float64
        grads.append(g)
        thetas.append(theta.copy())
    return np.array(grads), np.array(thetas)


def drive_optax(case):
    import jax.numpy as jnp
    import optax

    theta0, _ = PROBLEMS[case["problem"]]
    kwargs = dict(case["kwargs"])
    if is_schedule(kwargs.get("learning_rate")):
        s = kwargs["learning_rate"]
        sched = getattr(optax, s["schedule"])(*s["args"], **s["kwargs"])
        # optax counts steps in int32 and jnp promotes int32 / int to float32, so even under
        # x64 its schedules are evaluated in float32 (relative error ~1e-7). Evaluate the same
        # schedule function on an int64 count to record float64 semantics.
        kwargs["learning_rate"] = lambda count: sched(jnp.asarray(count, dtype=jnp.int64))
    opt = getattr(optax, case["optimizer"])(*case["args"], **kwargs)
    params = jnp.asarray(theta0, dtype=jnp.float64)
    state = opt.init(params)
    grads, thetas = [], []
    for k in range(STEPS):
        g = gradient(case["problem"], k, np.asarray(params))
        updates, state = opt.update(jnp.asarray(g, dtype=jnp.float64), state, params)
        params = optax.apply_updates(params, updates)
        assert params.dtype == jnp.float64
        grads.append(g)
        thetas.append(np.asarray(params).copy())
    return np.array(grads), np.array(thetas)


def versions(framework):
    if framework == "pytorch":
        import torch
        return {"version": torch.__version__,
                "how": "torch CPU, float64 tensors; p.grad = g; opt.step(); then sched.step()"}
    if framework == "tf1":
        import tensorflow as tf
        return {"version": tf.__version__,
                "how": "tf.compat.v1.train optimizers in graph mode (disable_eager_execution), "
                       "float64 Variable, gradient via float64 placeholder, "
                       "apply_gradients(global_step=gs); float hyperparameters passed as "
                       "tf.float64 constants (TF would round python floats to float32)"}
    if framework == "keras":
        import jax
        import keras
        return {"version": keras.__version__, "backend": keras.backend.backend(),
                "jax": jax.__version__,
                "how": "Keras 3, JAX backend, jax_enable_x64, floatx float64, float64 "
                       "keras.Variable, opt.apply_gradients([(g, v)])"}
    if framework == "optax":
        import jax
        import optax
        return {"version": optax.__version__, "jax": jax.__version__,
                "how": "jax_enable_x64, float64 params; opt.update(g, state, params); "
                       "optax.apply_updates; schedules called on the int32 step count cast "
                       "to int64 (optax would otherwise evaluate them in float32)"}
    raise ValueError(framework)


def run_framework(framework, out):
    if framework == "tf1":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
        tf.compat.v1.disable_eager_execution()
    elif framework in ("keras", "optax"):
        os.environ["KERAS_BACKEND"] = "jax"
        import jax
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        if framework == "keras":
            import keras
            keras.config.set_floatx("float64")
    drive = globals()[f"drive_{framework}"]
    cases = []
    for case in cases_for(framework):
        grads, thetas = drive(case)
        if not (np.all(np.isfinite(thetas)) and np.abs(thetas).max() < 1e3):
            raise RuntimeError(f"{case['id']}: trajectory not finite/bounded: {thetas[-1]}")
        if np.abs(thetas[-1] - thetas[0]).max() == 0.0:
            raise RuntimeError(f"{case['id']}: did not move")
        case["theta0"] = PROBLEMS[case["problem"]][0].tolist()
        case["grads"] = grads.tolist()
        case["thetas"] = thetas.tolist()
        cases.append(case)
        print(f"{case['id']}: final {thetas[-1]}", file=sys.stderr)
    Path(out).write_text(json.dumps({"versions": versions(framework), "cases": cases}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--framework", choices=["pytorch", "tf1", "keras", "optax"])
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    if a.framework:
        run_framework(a.framework, a.out)
        return
    merged = {"versions": {"numpy": np.__version__, "steps": STEPS}, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for fw in ("pytorch", "tf1", "keras", "optax"):
            part = Path(tmp) / f"{fw}.json"
            env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
            subprocess.run([sys.executable, __file__, "--framework", fw, "--out", str(part)],
                           check=True, env=env)
            data = json.loads(part.read_text())
            merged["versions"][fw] = data["versions"]
            merged["cases"].extend(data["cases"])
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(merged, separators=(",", ":")) + "\n")
    counts = {}
    for c in merged["cases"]:
        counts[c["framework"]] = counts.get(c["framework"], 0) + 1
    print(f"wrote {a.out}: {len(merged['cases'])} cases {counts}, "
          f"{Path(a.out).stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
