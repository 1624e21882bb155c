"""Issue 14, optimizers: every input gets a clear answer (ValueError/TypeError naming what was expected).

One test (or a parametrized family) per issue class; each fails on the code the issue was
filed against and passes now. The generated-input properties are in
``test_robustness_properties.py``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lrlessons as ll
from lrlessons import optimizers as O
from lrlessons import problems
from lrlessons.frameworks import keras, optax, pytorch, tf1

THETA = np.array([1.0, -2.0])


class ConstantGradient:
    """f(θ) = c·Σθ: the gradient is c everywhere (centered RMSprop's variance is then 0)."""

    name = "constant_gradient"
    x0 = np.array([1.0])

    def __init__(self, c):
        self.c = c

    def loss(self, theta, step=None):
        return self.c * np.sum(theta, axis=-1)

    def grad(self, theta, step=None):
        return np.full_like(theta, self.c)

    def __repr__(self):
        return f"ConstantGradient({self.c})"


# -- 1. a scheduled rate is checked at every step, in a run too ---------------------------------
@pytest.mark.parametrize("bad", [-0.01, float("nan")])
def test_run_checks_a_scheduled_rate_at_every_step_and_names_it(bad):
    """The issue's repro: the rate turns negative (or NaN) at step 3; the run must not climb."""
    with pytest.raises(ValueError, match=r"'lr' parameter of sgd must be .*\(at step 3\)"):
        ll.run(O.sgd(lr=lambda t: 0.01 if t < 3 else bad), problems.quadratic(), 6)
    with pytest.raises(ValueError, match=r"'lr' parameter of sgd must be .*\(at step 3\)"):
        ll.run(O.sgd(lr=0.01), problems.quadratic(), 6, lr=lambda t: 0.01 if t < 3 else bad)


# -- 4. +inf (and NaN) rejected where a finite value is meant ------------------------------------
INFINITE = [
    (lambda v: O.sgd(lr=v), "lr", "sgd"),
    (lambda v: O.sgd(weight_decay=v), "weight_decay", "sgd"),
    (lambda v: O.momentum(lr=v), "lr", "momentum"),
    (lambda v: O.adagrad(eps=v), "eps", "adagrad"),
    (lambda v: O.adagrad(lr_decay=v), "lr_decay", "adagrad"),
    (lambda v: O.rmsprop(eps=v), "eps", "rmsprop"),
    (lambda v: O.rmsprop(initial_mean_square=v), "initial_mean_square", "rmsprop"),
    (lambda v: O.adam(eps=v), "eps", "adam"),
    (lambda v: O.adam(weight_decay=v), "weight_decay", "adam"),
    (lambda v: O.adam(eps_root=v), "eps_root", "adam"),
    (lambda v: O.adamw(weight_decay=v), "weight_decay", "adamw"),
    (lambda v: O.nadam(momentum_decay=v), "momentum_decay", "nadam"),
    (lambda v: O.radam(rectify_threshold=v), "rectify_threshold", "radam"),
    (lambda v: O.adamax(lr=v), "lr", "adamax"),
    (lambda v: O.adadelta(eps=v), "eps", "adadelta"),
    (lambda v: pytorch.Adam(lr=v), "lr", "pytorch.Adam"),
    (lambda v: keras.Adam(epsilon=v), "epsilon", "keras.Adam"),
    (lambda v: tf1.GradientDescentOptimizer(v), "learning_rate", "tf1.GradientDescentOptimizer"),
    (lambda v: optax.adam(0.1, eps_root=v), "eps_root", "optax.adam"),
]


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("make, name, owner", INFINITE, ids=[f"{o}-{n}" for _, n, o in INFINITE])
def test_non_finite_hyperparameters_are_refused_and_the_message_says_finite(make, name, owner, value):
    with pytest.raises(ValueError) as err:
        make(value)
    msg = str(err.value)
    assert f"The {name!r} parameter of {owner} must be finite and in " in msg, msg
    assert f"Got {value!r}" in msg


def test_inf_in_a_batch_of_rates_is_named_by_its_index():
    with pytest.raises(ValueError, match=r"'lr' parameter of sgd must be finite and in \[0, inf\)\. "
                                         r"Got inf at index 1 of"):
        O.sgd(lr=[0.1, math.inf])


# -- 5. centered RMSprop: a variance that rounds below zero ---------------------------------------
def test_centered_rmsprop_nan_is_the_frameworks_and_run_reports_it_as_divergence():
    """v − ḡ² rounds to −5.6e-17 at update 54 with g = 0.7, ρ = 0.5. PyTorch's form (ε outside
    the root) gives NaN there, as torch.optim.RMSprop does; ε inside the root (TF1, Keras,
    optax) absorbs it. A run never records the NaN: it reports the divergence at 54."""
    torch_form = pytorch.RMSprop(lr=0.01, alpha=0.5, centered=True)
    theta, state = np.array([1.0]), torch_form.init(np.array([1.0]))
    with np.errstate(all="ignore"):
        for k in range(1, 55):
            theta, state, tr = torch_form.step(theta, np.array([0.7]), state)
            if k < 54:
                assert np.isfinite(theta).all()
    assert float(state.v[0] - state.g_bar[0] ** 2) < 0 and np.isnan(theta).all()     # the frameworks' NaN
    for opt in (O.rmsprop(lr=0.01, decay=0.5, centered=True), torch_form):
        traj = ll.run(opt, ConstantGradient(0.7), 100)
        assert traj.diverged_at == 54 and traj.status() == "diverged at step 54"
        assert np.isfinite(traj.theta).all() and np.isfinite(traj.loss).all()
    inside = ll.run(keras.RMSprop(learning_rate=0.01, rho=0.5, centered=True), ConstantGradient(0.7), 100)
    assert np.isfinite(inside.theta).all()
    assert "Centered, when the variance is 0" in O.rmsprop.__doc__


# -- 6. wrong state or wrong objects: say what was expected ---------------------------------------
@pytest.mark.parametrize("state, got", [
    (None, "Got None instead"),
    ((0, THETA, THETA), "Got (0, array("),
    (O.sgd(0.1).init(THETA), "Got a State(count) of sgd (another optimizer's state?)"),
    (O.adam(0.1, amsgrad=True).init(THETA), "made by adam with other options"),
    (0, "Got 0 instead"),
], ids=["None", "tuple", "sgd-state", "amsgrad-state", "int"])
def test_a_wrong_state_is_a_type_error_saying_what_was_expected(state, got):
    opt = O.adam(lr=0.1)
    with pytest.raises(TypeError) as err:
        opt.step(THETA, THETA, state)
    msg = str(err.value)
    assert msg.startswith("The 'state' argument of adam.step must be the state adam.init(theta) returns"), msg
    assert got in msg, msg


def test_a_state_with_a_negative_count_is_refused():
    opt = O.adam(lr=0.1)
    state = opt.init(THETA)._replace(count=-1)
    with pytest.raises(TypeError, match=r"'state' argument of adam.step must hold a whole-number count >= 0"):
        opt.step(THETA, THETA, state)


# -- 9. types and dtypes --------------------------------------------------------------------------
@pytest.mark.parametrize("grad", [THETA * 1j, np.array(["a", "b"]), [[1.0], [1.0, 2.0]]],
                         ids=["complex", "strings", "ragged"])
def test_a_non_real_gradient_is_a_type_error(grad):
    opt = O.adam(lr=0.1)
    with pytest.raises(TypeError, match=r"The 'grad' argument of adam\.step must be a real array"):
        opt.step(THETA, grad, opt.init(THETA))


@pytest.mark.parametrize("make", [lambda: O.sgd(0.1), lambda: O.adam(0.1), lambda: O.rmsprop(0.1, momentum=0.5),
                                  lambda: pytorch.Adam(lr=0.1), lambda: keras.SGD(0.1, momentum=0.9),
                                  lambda: optax.adam(0.1), lambda: tf1.RMSPropOptimizer(0.1)],
                         ids=["sgd", "adam", "rmsprop", "pytorch.Adam", "keras.SGD", "optax.adam", "tf1.RMSProp"])
def test_float32_parameters_stay_float32_with_a_float64_gradient(make):
    """Decided: the parameters' dtype wins (torch keeps a parameter's dtype; so does optax in
    float32 JAX). The gradient is cast to it before the update."""
    opt = make()
    theta = THETA.astype(np.float32)
    state = opt.init(theta)
    for _ in range(3):
        theta, state, tr = opt.step(theta, np.array([0.3, -0.7]), state)    # float64 gradient
    assert theta.dtype == np.float32
    assert all(b.dtype == np.float32 for b in state[1:] if isinstance(b, np.ndarray))
    ref = make()
    t32, s32 = THETA.astype(np.float32), ref.init(THETA.astype(np.float32))
    for _ in range(3):
        t32, s32, _ = ref.step(t32, np.array([0.3, -0.7], dtype=np.float32), s32)
    np.testing.assert_array_equal(theta, t32)                                # same as a float32 gradient


@pytest.mark.parametrize("value", [["a", "b"], [[0.1], [0.1, 0.2]], "0.1", None, {"lr": 1}],
                         ids=["strings", "ragged", "str", "None", "dict"])
def test_non_numeric_hyperparameters_are_type_errors_naming_them(value):
    for make, name, owner in ((lambda v: O.adam(beta2=v), "beta2", "adam"),
                              (lambda v: pytorch.RMSprop(alpha=v), "alpha", "pytorch.RMSprop"),
                              (lambda v: keras.Adam(beta_1=v), "beta_1", "keras.Adam")):
        with pytest.raises(TypeError, match=rf"The '{name}' parameter of {re.escape(owner)} must be a real number"):
            make(value)


# -- 10. framework-valid values are accepted --------------------------------------------------------
EPS_ZERO = [
    (lambda: pytorch.Adam(eps=0.0)), (lambda: pytorch.AdamW(eps=0.0)), (lambda: pytorch.RMSprop(eps=0.0)),
    (lambda: pytorch.NAdam(eps=0.0)), (lambda: pytorch.RAdam(eps=0.0)), (lambda: pytorch.Adamax(eps=0.0)),
    (lambda: pytorch.Adadelta(eps=0.0)), (lambda: pytorch.Adagrad(eps=0.0)),
    (lambda: keras.Adam(epsilon=0.0)), (lambda: keras.RMSprop(epsilon=0.0)), (lambda: keras.Nadam(epsilon=0.0)),
    (lambda: keras.Adamax(epsilon=0.0)), (lambda: keras.Adadelta(epsilon=0.0)), (lambda: keras.AdamW(epsilon=0.0)),
    (lambda: tf1.AdamOptimizer(epsilon=0.0)), (lambda: tf1.RMSPropOptimizer(0.1, epsilon=0.0)),
    (lambda: tf1.AdadeltaOptimizer(epsilon=0.0)),
    (lambda: optax.adam(0.1, eps=0.0, eps_root=1e-8)), (lambda: optax.rmsprop(0.1, eps=0.0)),
    (lambda: optax.amsgrad(0.1, eps=0.0, eps_root=1e-8)), (lambda: optax.nadam(0.1, eps=0.0, eps_root=1e-8)),
    (lambda: optax.adamw(0.1, eps=0.0, eps_root=1e-8)), (lambda: optax.radam(0.1, eps=0.0, eps_root=1e-8)),
    (lambda: optax.adamax(0.1, eps=0.0)), (lambda: optax.adadelta(1.0, eps=0.0)),
]


@pytest.mark.parametrize("make", EPS_ZERO, ids=range(len(EPS_ZERO)))
def test_eps_zero_is_accepted_where_the_framework_accepts_it(make):
    opt = make()
    assert opt.hyperparameters["eps"] == 0.0
    theta, state, _ = opt.step(THETA, np.array([0.5, -1.0]), opt.init(THETA))
    assert np.isfinite(theta).all()


def test_optax_adam_eps_zero_eps_root_is_the_documented_form():
    """optax.adam(lr, eps=0.0, eps_root=1e-8): Δθ = −lr·m̂/√(v̂ + ε_root), finite for a zero gradient."""
    opt = optax.adam(0.1, eps=0.0, eps_root=1e-8)
    g = np.array([0.5, 0.0])
    theta, _, tr = opt.step(THETA, g, opt.init(THETA))
    m_hat, v_hat = g, g ** 2                                    # t = 1: the corrections cancel the (1-β)
    np.testing.assert_allclose(theta, THETA - 0.1 * m_hat / np.sqrt(v_hat + 1e-8), rtol=1e-12)


def test_the_core_keeps_eps_positive_and_the_wrappers_refuse_negative_eps():
    with pytest.raises(ValueError, match=r"'eps' parameter of adam must be in \(0, inf\)\. Got 0.0"):
        O.adam(eps=0.0)
    for make, name, owner in ((lambda: pytorch.Adam(eps=-1e-8), "eps", "pytorch.Adam"),
                              (lambda: keras.Adam(epsilon=-1e-7), "epsilon", "keras.Adam"),
                              (lambda: tf1.AdamOptimizer(epsilon=-1e-8), "epsilon", "tf1.AdamOptimizer"),
                              (lambda: optax.adam(0.1, eps=-1e-8), "eps", "optax.adam")):
        with pytest.raises(ValueError, match=rf"The '{name}' parameter of {re.escape(owner)} must be in \[0, inf\)"):
            make()
