"""Framework optimizers: the famous first-step differences, defaults, names and errors.

Numbers are hand-computed from the frameworks' own update rules (pytorch/pytorch
``torch/optim/*.py``, tensorflow/tensorflow ``tensorflow/core/kernels/training_ops.cc``,
keras-team/keras ``keras/src/optimizers/*.py``, google-deepmind/optax ``optax/_src/transform.py``);
the fixture parity test, tests/test_parity_optimizers.py, checks whole trajectories against the
frameworks.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest

from lrlessons.frameworks import build_optimizer, keras, optax, pytorch, registry, tf1
from lrlessons.schedules import exponential_decay


def first_step(opt, g, theta=0.0):
    theta = np.array([theta])
    return float(opt.step(theta, np.array([g]), opt.init(theta))[2].delta[0])


def run(opt, grads, theta0):
    theta, state, out = np.array(theta0, float), opt.init(np.array(theta0, float)), []
    for g in grads:
        theta, state, _ = opt.step(theta, g, state)
        out.append(theta)
    return np.array(out)


def test_first_rmsprop_step_with_small_gradient_spans_a_thousandfold():
    g, lr = 0.01, 1e-3
    steps = {
        "tf1": -first_step(tf1.RMSPropOptimizer(lr), g) / lr,         # ms_0 = 1, eps 1e-10 inside
        "keras": -first_step(keras.RMSprop(lr), g) / lr,               # v_0 = 0, eps 1e-7 inside
        "optax": -first_step(optax.rmsprop(lr), g) / lr,               # v_0 = 0, eps 1e-8 inside
        "pytorch": -first_step(pytorch.RMSprop(lr), g) / lr,           # alpha .99, eps 1e-8 outside
    }
    assert {k: f"{v:.3g}" for k, v in steps.items()} == {"tf1": "0.0105", "keras": "3.15", "optax": "3.16",
                                                          "pytorch": "10"}
    assert steps["tf1"] == pytest.approx(g / np.sqrt(0.9 + 0.1 * g**2 + 1e-10), rel=1e-12)
    assert steps["keras"] == pytest.approx(g / np.sqrt(0.1 * g**2 + 1e-7), rel=1e-12)
    assert steps["pytorch"] == pytest.approx(g / (np.sqrt(0.01 * g**2) + 1e-8), rel=1e-12)


def test_first_adagrad_step_pytorch_versus_the_others():
    g = 0.01
    pt = -first_step(pytorch.Adagrad(lr=1.0), g)
    others = [-first_step(tf1.AdagradOptimizer(1.0), g), -first_step(keras.Adagrad(1.0), g),
              -first_step(optax.adagrad(1.0), g)]
    assert pt == pytest.approx(g / (g + 1e-10), rel=1e-12) and f"{pt:.2f}" == "1.00"
    assert others[0] == pytest.approx(g / np.sqrt(0.1 + g**2), rel=1e-12)           # TF1: no eps
    assert others[1] == pytest.approx(g / np.sqrt(0.1 + g**2 + 1e-7), rel=1e-12)
    assert [f"{x:.4f}" for x in others] == ["0.0316"] * 3


def test_epsilon_hat_adam_with_a_tiny_gradient():
    g, lr = 1e-9, 1.0
    k = -first_step(keras.Adam(learning_rate=lr, epsilon=1e-7), g)
    t = -first_step(tf1.AdamOptimizer(lr, epsilon=1e-7), g)
    o = -first_step(optax.adam(lr, eps=1e-7), g)
    p = -first_step(pytorch.Adam(lr=lr, eps=1e-7), g)
    assert k == t and f"{k:.1e}" == "3.2e-04"
    assert o == pytest.approx(p, rel=1e-15) and f"{o:.1e}" == "9.9e-03"


@pytest.mark.parametrize("t,pt,k", [(10, "0.451", "0.601"), (100, "0.457", "0.892"), (1000, "0.518", "0.900"),
                                    (10000, "0.812", "0.900")])
def test_nadam_momentum_schedules(t, pt, k):
    def mu(opt):
        state = opt.init(np.zeros(1))._replace(count=t - 1)
        return float(opt.step(np.zeros(1), np.ones(1), state)[2].mu)
    assert f"{mu(pytorch.NAdam()):.3f}" == pt
    assert f"{mu(keras.Nadam()):.3f}" == k
    assert "mu" not in optax.nadam(0.1).equations[0][0]                # optax: no mu schedule at all
    assert [f for f, _ in optax.nadam(0.1).equations][0] == "m"


def test_adamax_epsilon_and_amsgrad_placement():
    assert -first_step(pytorch.Adamax(lr=1.0, eps=0.5), 1.0) == pytest.approx(1 / 1.5)   # max(0, |g|+eps)
    assert -first_step(optax.adamax(1.0, eps=0.5), 1.0) == pytest.approx(1 / 1.5)
    assert -first_step(keras.Adamax(1.0, epsilon=0.5), 1.0) == pytest.approx(1 / 1.5)    # m_hat/(u+eps)
    grads = [np.array([10.0]), np.array([0.1]), np.array([0.1])]
    pt = run(pytorch.Adam(lr=0.1, amsgrad=True), grads, [0.0])
    ox = run(optax.amsgrad(0.1), grads, [0.0])
    # step 3: PyTorch divides by sqrt(max raw v / (1-b2^3)) = sqrt(0.1/0.002997), optax by sqrt(100)
    ratio = (pt[-1, 0] - pt[-2, 0]) / (ox[-1, 0] - ox[-2, 0])
    assert ratio == pytest.approx(np.sqrt(100) / np.sqrt(0.1 / (1 - 0.999**3)), rel=1e-6)
    assert f"{ratio:.2f}" == "1.73"


MOMENTUM_BUILDERS = {
    "pytorch": lambda lr, nest: pytorch.SGD(lr=lr, momentum=0.9, nesterov=nest),
    "tf1": lambda lr, nest: tf1.MomentumOptimizer(lr, 0.9, use_nesterov=nest),
    "keras": lambda lr, nest: keras.SGD(learning_rate=lr, momentum=0.9, nesterov=nest),
    "optax": lambda lr, nest: optax.sgd(lr, momentum=0.9, nesterov=nest),
}


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_forms_agree_for_constant_lr_and_split_when_lr_changes(nesterov):
    grads = np.random.default_rng(1).normal(size=(20, 2))
    const = {k: run(b(0.05, nesterov), grads, [1.0, -1.0]) for k, b in MOMENTUM_BUILDERS.items()}
    for k in const:
        np.testing.assert_allclose(const[k], const["pytorch"], rtol=1e-13, atol=1e-15)
    sched = exponential_decay(0.05, 1, 0.8)
    changing = {k: run(b(sched, nesterov), grads, [1.0, -1.0]) for k, b in MOMENTUM_BUILDERS.items()}
    for k in ("tf1", "optax"):                                           # lr outside the buffer
        np.testing.assert_allclose(changing[k], changing["pytorch"], rtol=1e-13, atol=1e-15)
    assert np.abs(changing["keras"] - changing["pytorch"]).max() > 1e-3  # Keras: lr inside the velocity


def test_rmsprop_momentum_lr_inside_for_tf_keras_optax():
    grads = np.random.default_rng(2).normal(size=(15, 2))
    sched = exponential_decay(0.01, 1, 0.8)
    k = run(keras.RMSprop(sched, rho=0.9, momentum=0.8, epsilon=1e-8), grads, [1.0, 2.0])
    o = run(optax.rmsprop(sched, decay=0.9, eps=1e-8, momentum=0.8), grads, [1.0, 2.0])
    np.testing.assert_allclose(k, o, rtol=1e-13)
    p = run(pytorch.RMSprop(sched, alpha=0.9, momentum=0.8, eps=1e-8), grads, [1.0, 2.0])
    assert np.abs(p - k).max() > 1e-4


def test_weight_decay_conventions():
    # PyTorch Adam: L2 (inside the moments: step ~lr); Keras Adam: decoupled, theta -= lr*wd*theta.
    assert first_step(pytorch.Adam(lr=0.1, weight_decay=0.5), 0.0, theta=1.0) == pytest.approx(-0.1, rel=1e-6)
    assert first_step(keras.Adam(0.1, weight_decay=0.5), 0.0, theta=1.0) == pytest.approx(-0.05)
    assert first_step(keras.SGD(0.1, weight_decay=0.5), 0.0, theta=1.0) == pytest.approx(-0.05)  # 1 -> .95
    assert first_step(pytorch.AdamW(lr=0.1), 0.0, theta=1.0) == pytest.approx(-0.1 * 1e-2)
    assert first_step(optax.adamw(0.1), 0.0, theta=1.0) == pytest.approx(-0.1 * 1e-4)
    assert first_step(keras.AdamW(0.1), 0.0, theta=1.0) == pytest.approx(-0.1 * 0.004)
    assert first_step(optax.adadelta(1.0, weight_decay=0.5), 0.0, theta=1.0) < 0               # L2 in the gradient


@pytest.mark.parametrize("opt,expected", [
    (pytorch.SGD(), dict(lr=1e-3, weight_decay=0)),
    (pytorch.SGD(momentum=0.9), dict(lr=1e-3, momentum=0.9, dampening=0, nesterov=False, lr_in_buffer=False)),
    (pytorch.Adagrad(), dict(lr=1e-2, lr_decay=0, initial_accumulator_value=0, eps=1e-10, eps_in_sqrt=False)),
    (pytorch.RMSprop(), dict(lr=1e-2, decay=0.99, eps=1e-8, momentum=0, centered=False, eps_in_sqrt=False)),
    (pytorch.Adam(), dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=False, weight_decay=0,
                          decoupled_weight_decay=False, epsilon_hat=False)),
    (pytorch.AdamW(), dict(lr=1e-3, weight_decay=1e-2, decoupled_weight_decay=True)),
    (pytorch.NAdam(), dict(lr=2e-3, momentum_decay=4e-3, momentum_schedule="dozat")),
    (pytorch.RAdam(), dict(lr=1e-3, rectify_threshold=5.0, epsilon_hat=True)),
    (pytorch.Adamax(), dict(lr=2e-3, eps=1e-8, eps_in_max=True)),
    (pytorch.Adadelta(), dict(lr=1.0, rho=0.9, eps=1e-6)),
    (tf1.MomentumOptimizer(0.1, 0.9), dict(lr=0.1, momentum=0.9, nesterov=False, lr_in_buffer=False)),
    (tf1.AdagradOptimizer(0.1), dict(initial_accumulator_value=0.1, eps=0.0, eps_in_sqrt=True)),
    (tf1.RMSPropOptimizer(0.1), dict(decay=0.9, momentum=0.0, eps=1e-10, initial_mean_square=1.0,
                                     eps_in_sqrt=True, lr_in_buffer=True)),
    (tf1.AdamOptimizer(), dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, epsilon_hat=True)),
    (tf1.AdadeltaOptimizer(), dict(lr=0.001, rho=0.95, eps=1e-8)),
    (keras.SGD(), dict(lr=0.01, weight_decay=0.0, decoupled_weight_decay=True)),
    (keras.SGD(momentum=0.9), dict(lr_in_buffer=True, nesterov=False)),
    (keras.Adagrad(), dict(lr=0.001, initial_accumulator_value=0.1, eps=1e-7, eps_in_sqrt=True)),
    (keras.RMSprop(), dict(lr=0.001, decay=0.9, eps=1e-7, initial_mean_square=0.0, eps_in_sqrt=True)),
    (keras.Adam(), dict(lr=0.001, eps=1e-7, epsilon_hat=True, amsgrad_on="raw")),
    (keras.AdamW(), dict(weight_decay=0.004, decoupled_weight_decay=True, epsilon_hat=True)),
    (keras.Nadam(), dict(lr=0.001, eps=1e-7, momentum_decay=1.0)),
    (keras.Adamax(), dict(lr=0.001, eps=1e-7, eps_in_max=False)),
    (keras.Adadelta(), dict(lr=0.001, rho=0.95, eps=1e-7, decoupled_weight_decay=True)),
    (optax.sgd(0.1, momentum=0.9), dict(lr_in_buffer=False)),
    (optax.adagrad(0.1), dict(initial_accumulator_value=0.1, eps=1e-7, eps_in_sqrt=True)),
    (optax.rmsprop(0.1), dict(decay=0.9, eps=1e-8, initial_mean_square=0.0, eps_in_sqrt=True, centered=False,
                              bias_correction=False, lr_in_buffer=True, momentum=0.0)),
    (optax.adam(0.1), dict(eps=1e-8, eps_root=0.0, epsilon_hat=False)),
    (optax.adamw(0.1), dict(weight_decay=1e-4, decoupled_weight_decay=True)),
    (optax.amsgrad(0.1), dict(amsgrad=True, amsgrad_on="corrected")),
    (optax.nadam(0.1), dict(momentum_schedule="none")),
    (optax.radam(0.1), dict(rectify_threshold=5.0, epsilon_hat=False)),
    (optax.adamax(0.1), dict(eps=1e-8, eps_in_max=True)),
    (optax.adadelta(1.0), dict(rho=0.9, eps=1e-6, weight_decay=0.0)),
], ids=lambda x: getattr(x, "name", ""))
def test_defaults(opt, expected):
    hp = dict(opt.hyperparameters)
    assert {k: hp[k] for k in expected} == expected


def test_names_positional_arguments_and_schedules():
    assert pytorch.Adam().name == "pytorch.Adam" and optax.adam(0.1).name == "optax.adam"
    opt = tf1.AdamOptimizer(0.01, 0.8, 0.99, 1e-6, False, "Adam")      # TF1's positional order
    assert (opt.hyperparameters["beta1"], opt.hyperparameters["eps"]) == (0.8, 1e-6)
    assert tf1.MomentumOptimizer(0.1, 0.0).name == "tf1.MomentumOptimizer"
    sched = exponential_decay(0.1, 1, 0.5)
    for opt in (pytorch.SGD(lr=sched), tf1.GradientDescentOptimizer(sched), keras.SGD(sched), optax.sgd(sched)):
        deltas = run(opt, [np.ones(1)] * 3, [0.0])
        np.testing.assert_allclose(np.diff(deltas[:, 0], prepend=0.0), [-0.1, -0.05, -0.025])
    assert "b_t" in pytorch.SGD(momentum=0.9).source or "b =" in pytorch.SGD(momentum=0.9).source


@pytest.mark.parametrize("call,exc,text", [
    (lambda: keras.Adam(beta_1=1.0), ValueError, "The 'beta_1' parameter of keras.Adam must be in [0, 1)"),
    (lambda: pytorch.Adam(betas=(0.9, 1.0)), ValueError, "'betas[1]' parameter of pytorch.Adam"),
    (lambda: pytorch.Adam(betas=0.9), TypeError, "'betas' parameter of pytorch.Adam must be a pair"),
    (lambda: pytorch.RMSprop(alpha=1.5), ValueError, "'alpha' parameter of pytorch.RMSprop"),
    (lambda: optax.adam(0.1, b1=-0.5), ValueError, "'b1' parameter of optax.adam"),
    (lambda: tf1.AdamOptimizer(-0.1), ValueError, "'learning_rate' parameter of tf1.AdamOptimizer"),
    (lambda: tf1.AdagradOptimizer(0.1, initial_accumulator_value=0.0), ValueError, "(0, inf)"),
    (lambda: pytorch.SGD(momentum=0.9, nesterov=True, dampening=0.1), ValueError, "'dampening'"),
    (lambda: pytorch.SGD(nesterov=True), ValueError, "'momentum' parameter of pytorch.SGD must be in (0, 1)"),
    (lambda: pytorch.Adam(maximize=True), ValueError, "'maximize'"),
    (lambda: pytorch.SGD(momentum=[0.0, 0.9], dampening=0.5), ValueError, "nonzero in every run"),
    (lambda: keras.SGD(clipnorm=[1.0, -1.0]), ValueError, "'clipnorm'"),     # (issue 15: clipping is reproduced)
    (lambda: keras.SGD(loss_scale_factor=2.0), ValueError, "'loss_scale_factor'"),
    (lambda: keras.Adam(use_ema=True), ValueError, "'use_ema'"),
    (lambda: keras.AdamW(weight_decay=None), ValueError, "'weight_decay'"),
    (lambda: optax.adamw(0.1, mask=lambda p: p), ValueError, "'mask'"),
    (lambda: optax.adamw(0.1, weight_decay=lambda c: 0.1), TypeError, "schedules are supported for learning_rate only"),
    (lambda: optax.adadelta(), ValueError, "ascends"),
    (lambda: optax.amsgrad(0.1, bias_correction_nu=False), ValueError, "'bias_correction_nu'"),
    (lambda: pytorch.Adam(beta1=0.9), TypeError, "Did you mean 'betas'"),
    (lambda: keras.Adam(beta1=0.9), TypeError, "Did you mean 'beta_1'"),
    (lambda: tf1.MomentumOptimizer(0.1, 0.9, nesterov=True), TypeError, "Did you mean 'use_nesterov'"),
])
def test_errors_use_the_framework_names(call, exc, text):
    with pytest.raises(exc) as err:
        call()
    assert text in str(err.value)


#: Optimizers of matrices only (Muon): they take a matrix where the generic tests use a vector.
MATRIX_OPTIMIZERS = ("pytorch.Muon", "keras.Muon", "optax.contrib.muon")


@pytest.mark.parametrize("name", sorted(registry("optimizers")))
def test_every_framework_optimizer_runs_one_textbook_update(name):
    """The defaults of every framework optimizer pick plain functions: no option branches in what runs."""
    opt = build_optimizer(name, 0.01, **({"momentum": 0.9} if name == "tf1.MomentumOptimizer" else {}))
    theta, grads = np.array([1.0, -2.0]), ([0.5, 0.1], [0.2, -0.3])
    if name in MATRIX_OPTIMIZERS:            # Muon orthogonalises matrices: a 2x2 θ takes its Muon path
        theta, grads = np.array([[1.0, -2.0], [0.5, 3.0]]), ([[0.5, 0.1], [0.0, 1.0]], [[0.2, -0.3], [1.0, 0.4]])
    state = opt.init(theta)
    for g in grads:
        theta, state, tr = opt.step(theta, np.array(g), state)
    assert [f for f, _ in opt.equations] == list(tr._fields)
    if "muon" in opt.hyperparameters:        # keras.Muon/optax.contrib.muon route θ by shape, as the frameworks
        opt = opt.hyperparameters["muon"]    # do: what runs on a matrix is the Muon path's source
    tree = ast.parse(opt.source)
    assert tree.body and all(isinstance(f, ast.FunctionDef) for f in tree.body)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.If, ast.IfExp))], opt.source


@pytest.mark.parametrize("opt,function", [
    (tf1.RMSPropOptimizer(0.1), "update_eps_in_sqrt"), (tf1.RMSPropOptimizer(0.1, momentum=0.9), "velocity_step"),
    (tf1.AdamOptimizer(), "update_epsilon_hat"), (keras.Adam(amsgrad=True), "update_epsilon_hat_amsgrad"),
    (optax.amsgrad(0.1), "update_amsgrad_corrected"), (pytorch.Adam(amsgrad=True), "update_amsgrad"),
    (keras.Adamax(), "update_eps_outside"), (optax.radam(0.1), "update_optax"),
    (optax.nadam(0.1), "update_constant_momentum"), (tf1.AdagradOptimizer(0.1), "update_no_eps"),
    (keras.SGD(momentum=0.9), "update_velocity"), (pytorch.SGD(momentum=0.9, dampening=0.1), "update_dampened"),
], ids=lambda x: getattr(x, "name", x))
def test_each_framework_runs_its_own_variant(opt, function):
    assert function in [f.name for f in ast.parse(opt.source).body]


def test_harmless_options_are_accepted():
    pytorch.Adam(foreach=True, fused=False, capturable=True, differentiable=False)
    keras.Adam(name="adam", ema_momentum=0.5, gradient_accumulation_steps=None)
    tf1.AdamOptimizer(0.1, use_locking=True, name="x")
