r"""Exercises ``adagrad_step``, ``rmsprop_step`` and ``tf_rmsprop_step`` (lesson 04).

Adagrad (Duchi et al. 2011) in PyTorch's form, the accumulator from 0 and ε outside the root:

.. math::
    S_t = S_{t-1} + g_t^2, \qquad \theta_{t+1} = \theta_t - \alpha\, g_t / (\sqrt{S_t} + \epsilon)

RMSprop (Tieleman & Hinton 2012), ε outside the root (PyTorch ``RMSprop``) or inside it (TF1
``RMSPropOptimizer``, Keras ``RMSprop``):

.. math::
    v_t = \rho\, v_{t-1} + (1-\rho)\, g_t^2, \qquad
    \theta_{t+1} = \theta_t - \alpha\, g_t / (\sqrt{v_t} + \epsilon)
    \quad\text{or}\quad \theta_t - \alpha\, g_t / \sqrt{v_t + \epsilon}

The references are the library's :func:`lrlessons.optimizers.adagrad` and
:func:`lrlessons.optimizers.rmsprop` (``eps_in_sqrt=True`` for the TF1 form).

>>> from lrlessons.exercises.engine import check
>>> def keras_rmsprop(theta, grad, v, lr, decay, eps):
...     v = decay * v + (1 - decay) * grad**2
...     return theta - lr * grad / np.sqrt(v + eps), v
>>> check(RMSPROP_STEP, keras_rmsprop).mistake, check(TF_RMSPROP_STEP, keras_rmsprop).passed
('eps_inside_sqrt', True)
"""

from __future__ import annotations

import numpy as np

from .. import optimizers
from .engine import Case, Exercise, mistake, normal, uniform

__all__ = ["ADAGRAD_STEP", "RMSPROP_STEP", "TF_RMSPROP_STEP"]

sqrt = np.sqrt


# =======================================================================================
# adagrad_step
# =======================================================================================
def adagrad_reference(theta, grad, S, lr, eps):
    """The library's Adagrad (PyTorch form), one step from the accumulator ``S``."""
    opt = optimizers.adagrad(lr=lr, eps=eps, initial_accumulator_value=0.0)
    state = opt.init(theta)._replace(count=1, s=S)
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.s


def adagrad_cases():
    rng = np.random.default_rng(3)
    f32 = np.float32
    return [
        Case("first step (S = 0)", dict(theta=normal(rng, 3), grad=normal(rng, 3), S=np.zeros(3), lr=0.1, eps=1e-10)),
        Case("later step, large eps", dict(theta=normal(rng, 3), grad=normal(rng, 3), S=uniform(rng, 3, 0.01, 0.2), lr=0.1, eps=0.05)),
        Case("zero gradient", dict(theta=normal(rng, 3), grad=np.zeros(3), S=uniform(rng, 3), lr=0.1, eps=1e-3)),
        Case("batched (B, d) = (4, 3)", dict(theta=normal(rng, (4, 3)), grad=normal(rng, (4, 3)), S=uniform(rng, (4, 3), 0.5, 3.0), lr=0.3, eps=0.01)),
        Case("float32", dict(theta=normal(rng, 3, f32), grad=normal(rng, 3, f32), S=uniform(rng, 3, 0.05, 1.0, f32), lr=0.1, eps=1e-3), float32=True),
    ]


@mistake("eps_inside_sqrt", line="delta",
         title="ε inside the square root, sqrt(S + eps), instead of outside",
         hint="Add eps after the square root: np.sqrt(S) + eps (PyTorch; Keras/optax put it inside).")
def adagrad_eps_inside(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / sqrt(S + eps), S


@mistake("g_not_g2", line="s",
         title="g instead of g² in the accumulator",
         hint="Accumulate the squared gradient: S + grad**2.")
def adagrad_g_not_g2(theta, grad, S, lr, eps):
    S = S + grad
    return theta - lr * grad / (sqrt(S) + eps), S


@mistake("abs_g", line="s",
         title="|g| instead of g² in the accumulator",
         hint="Accumulate the squared gradient: S + grad**2.")
def adagrad_abs_g(theta, grad, S, lr, eps):
    S = S + np.abs(grad)
    return theta - lr * grad / (sqrt(S) + eps), S


@mistake("old_accumulator", line="delta",
         title="the step divides by the old S_{t−1} instead of the new S_t",
         hint="Add grad**2 to S first, then divide by sqrt(S) + eps.")
def adagrad_old_accumulator(theta, grad, S, lr, eps):
    return theta - lr * grad / (sqrt(S) + eps), S + grad**2


@mistake("no_sqrt", line="delta",
         title="the square root is missing: g / (S + ε)",
         hint="Divide by the root of the accumulator: np.sqrt(S) + eps.")
def adagrad_no_sqrt(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / (S + eps), S


@mistake("no_eps", line="delta",
         title="ε is missing (TF1's AdagradOptimizer form)",
         hint="Divide by np.sqrt(S) + eps: without eps a zero gradient at S = 0 gives 0/0.")
def adagrad_no_eps(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / sqrt(S), S


@mistake("sign", line="delta",
         title="sign error: the parameters move uphill",
         hint="Subtract the step: theta - lr * grad / (np.sqrt(S) + eps).")
def adagrad_sign(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta + lr * grad / (sqrt(S) + eps), S


ADAGRAD_STEP = Exercise(
    name="adagrad_step",
    args=("theta", "grad", "S", "lr", "eps"),
    outputs=("theta", "S"),
    summary="One Adagrad update in PyTorch's form (S starts at 0, ε outside the root); return (theta, S).",
    lines=(
        ("s", "S_t = S_{t-1} + g_t**2                  (sum of squared gradients, S_0 = 0)"),
        ("delta", "theta_new = theta - lr * g_t / (sqrt(S_t) + eps)"),
    ),
    output_lines={"theta": "delta", "S": "s"},
    notes="Elementwise operations only. Return new arrays; do not modify theta or S in place (Duchi et al. 2011).",
    cases=adagrad_cases,
    reference=adagrad_reference,
    mistakes=(adagrad_eps_inside, adagrad_g_not_g2, adagrad_abs_g, adagrad_old_accumulator, adagrad_no_sqrt,
              adagrad_no_eps, adagrad_sign),
    equations=lambda: optimizers.adagrad(lr=0.1).equations,
    array_inputs=("theta", "grad", "S"),
)


# =======================================================================================
# rmsprop_step (ε outside the root) and tf_rmsprop_step (ε inside)
# =======================================================================================
def rmsprop_reference(theta, grad, v, lr, decay, eps, eps_in_sqrt=False):
    """The library's RMSprop (momentum 0, not centered), one step from the mean square ``v``."""
    opt = optimizers.rmsprop(lr=lr, decay=decay, eps=eps, eps_in_sqrt=eps_in_sqrt)
    state = opt.init(theta)._replace(count=1, v=v)
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.v


def tf_rmsprop_reference(theta, grad, v, lr, decay, eps):
    return rmsprop_reference(theta, grad, v, lr, decay, eps, eps_in_sqrt=True)


def rmsprop_cases():
    rng = np.random.default_rng(4)
    f32 = np.float32
    return [
        Case("first step (v = 0)", dict(theta=normal(rng, 3), grad=normal(rng, 3), v=np.zeros(3), lr=0.01, decay=0.9, eps=1e-8)),
        Case("later step, large eps", dict(theta=normal(rng, 3), grad=normal(rng, 3), v=uniform(rng, 3, 0.01, 0.2), lr=0.01, decay=0.8, eps=0.05)),
        Case("zero gradient", dict(theta=normal(rng, 3), grad=np.zeros(3), v=uniform(rng, 3), lr=0.01, decay=0.99, eps=1e-3)),
        Case("batched (B, d) = (4, 3)", dict(theta=normal(rng, (4, 3)), grad=normal(rng, (4, 3)), v=uniform(rng, (4, 3)), lr=0.05, decay=0.7, eps=0.01)),
        Case("float32", dict(theta=normal(rng, 3, f32), grad=normal(rng, 3, f32), v=uniform(rng, 3, 0.05, 1.0, f32), lr=0.01, decay=0.9, eps=1e-3), float32=True),
    ]


def rmsprop_mistakes(eps_inside: bool) -> tuple:
    """The usual RMSprop mistakes, each written with the exercise's own denominator.

    The two exercises differ only in where ε sits, so each mistake below divides by
    ``denom(v, eps)``: ``sqrt(v) + eps`` (PyTorch) or ``sqrt(v + eps)`` (TF1, Keras); putting
    ε on the other side is the first mistake of each.
    """
    def denom(v, eps):
        return sqrt(v + eps) if eps_inside else sqrt(v) + eps

    d = "np.sqrt(v + eps)" if eps_inside else "np.sqrt(v) + eps"

    if eps_inside:
        @mistake("eps_outside_sqrt", line="denom",
                 title="ε outside the square root, sqrt(v) + eps, instead of inside",
                 hint="TF1 RMSPropOptimizer and Keras RMSprop add eps under the root: np.sqrt(v + eps) "
                      "(PyTorch adds it outside).")
        def eps_placement(theta, grad, v, lr, decay, eps):
            v = decay * v + (1 - decay) * grad**2
            return theta - lr * grad / (sqrt(v) + eps), v
    else:
        @mistake("eps_inside_sqrt", line="denom",
                 title="ε inside the square root, sqrt(v + eps), instead of outside",
                 hint="Add eps after the square root: np.sqrt(v) + eps (PyTorch; TF1 and Keras put it inside).")
        def eps_placement(theta, grad, v, lr, decay, eps):
            v = decay * v + (1 - decay) * grad**2
            return theta - lr * grad / sqrt(v + eps), v

    @mistake("g_not_g2", line="v",
             title="g instead of g² in the second moment",
             hint="Average the squared gradient: decay * v + (1 - decay) * grad**2.")
    def g_not_g2(theta, grad, v, lr, decay, eps):
        v = decay * v + (1 - decay) * grad
        return theta - lr * grad / denom(v, eps), v

    @mistake("swapped_decay", line="v",
             title="decay and 1 − decay are swapped",
             hint="The old average keeps the weight decay: decay * v + (1 - decay) * grad**2.")
    def swapped_decay(theta, grad, v, lr, decay, eps):
        v = (1 - decay) * v + decay * grad**2
        return theta - lr * grad / denom(v, eps), v

    @mistake("no_one_minus", line="v",
             title="the (1 − decay) factor on g² is missing",
             hint="v = decay * v + (1 - decay) * grad**2.")
    def no_one_minus(theta, grad, v, lr, decay, eps):
        v = decay * v + grad**2
        return theta - lr * grad / denom(v, eps), v

    @mistake("adagrad_sum", line="v",
             title="the squares are summed (Adagrad) instead of averaged",
             hint="RMSprop decays the old average: decay * v + (1 - decay) * grad**2.")
    def adagrad_sum(theta, grad, v, lr, decay, eps):
        v = v + grad**2
        return theta - lr * grad / denom(v, eps), v

    @mistake("old_v", line="delta",
             title="the step divides by the old v_{t−1} instead of the new v_t",
             hint=f"Update v first, then divide by {d}.")
    def old_v(theta, grad, v, lr, decay, eps):
        return theta - lr * grad / denom(v, eps), decay * v + (1 - decay) * grad**2

    @mistake("no_sqrt", line="denom",
             title="the square root is missing: g / (v + ε)",
             hint=f"Divide by the root mean square: {d}.")
    def no_sqrt(theta, grad, v, lr, decay, eps):
        v = decay * v + (1 - decay) * grad**2
        return theta - lr * grad / (v + eps), v

    @mistake("sign", line="delta",
             title="sign error: the parameters move uphill",
             hint=f"Subtract the step: theta - lr * grad / ({d}).")
    def sign(theta, grad, v, lr, decay, eps):
        v = decay * v + (1 - decay) * grad**2
        return theta + lr * grad / denom(v, eps), v

    return (eps_placement, g_not_g2, swapped_decay, no_one_minus, adagrad_sum, old_v, no_sqrt, sign)


RMSPROP_STEP = Exercise(
    name="rmsprop_step",
    args=("theta", "grad", "v", "lr", "decay", "eps"),
    outputs=("theta", "v"),
    summary="One RMSprop update in PyTorch's form (v starts at 0, ε outside the root); return (theta, v).",
    lines=(
        ("v", "v_t = decay * v_{t-1} + (1 - decay) * g_t**2    (running mean of g², v_0 = 0)"),
        ("denom", "d_t = sqrt(v_t) + eps                  (eps OUTSIDE the root)"),
        ("delta", "theta_new = theta - lr * g_t / d_t"),
    ),
    output_lines={"theta": "delta", "v": "v"},
    notes=("decay is ρ (PyTorch calls it alpha, Keras rho). Tieleman & Hinton 2012. Return new "
           "arrays; do not modify theta or v in place."),
    cases=rmsprop_cases,
    reference=rmsprop_reference,
    mistakes=rmsprop_mistakes(eps_inside=False),
    equations=lambda: optimizers.rmsprop(lr=0.01).equations,
    array_inputs=("theta", "grad", "v"),
)


TF_RMSPROP_STEP = Exercise(
    name="tf_rmsprop_step",
    args=("theta", "grad", "v", "lr", "decay", "eps"),
    outputs=("theta", "v"),
    summary=("One RMSprop update in the TF1 RMSPropOptimizer / Keras RMSprop form (ε INSIDE the root, "
             "momentum 0); return (theta, v)."),
    lines=(
        ("v", "v_t = decay * v_{t-1} + (1 - decay) * g_t**2"),
        ("denom", "d_t = sqrt(v_t + eps)                  (eps INSIDE the root)"),
        ("delta", "theta_new = theta - lr * g_t / d_t"),
    ),
    output_lines={"theta": "delta", "v": "v"},
    notes=("The same update as rmsprop_step except where eps sits (frameworks disagree: "
           "PyTorch outside, TF1/Keras/optax inside). v is given, so TF1's start at ones does "
           "not matter here. Return new arrays; do not modify theta or v in place."),
    cases=rmsprop_cases,
    reference=tf_rmsprop_reference,
    mistakes=rmsprop_mistakes(eps_inside=True),
    equations=lambda: optimizers.rmsprop(lr=0.01, eps_in_sqrt=True).equations,
    array_inputs=("theta", "grad", "v"),
)
