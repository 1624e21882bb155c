r"""Exercises ``adam_step`` (Kingma & Ba 2015, Algorithm 1) and ``adamw_step`` (lesson 05).

.. math::
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
    \hat m_t &= m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t) \\
    \theta_{t+1} &= \theta_t - \alpha\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)
    \quad\bigl(-\,\alpha\lambda\,\theta_t \text{ for AdamW, Loshchilov \& Hutter 2019}\bigr)

``t`` counts updates from 1. The references are the library's
:func:`lrlessons.optimizers.adam` and :func:`lrlessons.optimizers.adamw` (PyTorch ``AdamW``:
the decay is scaled by the learning rate and uses the old θ).

>>> from lrlessons.exercises.engine import check
>>> def without_correction(theta, grad, m, v, t, lr, beta1, beta2, eps):
...     m = beta1 * m + (1 - beta1) * grad
...     v = beta2 * v + (1 - beta2) * grad**2
...     return theta - lr * m / (np.sqrt(v) + eps), m, v
>>> check(ADAM_STEP, without_correction).mistake
'no_bias_correction'
"""

from __future__ import annotations

import numpy as np

from .. import optimizers
from .engine import Case, Exercise, mistake, normal, uniform

__all__ = ["ADAM_STEP", "ADAMW_STEP"]

sqrt = np.sqrt


def adam_reference(theta, grad, m, v, t, lr, beta1, beta2, eps):
    """The library's Adam, update number ``t`` from the moments ``m``, ``v``."""
    opt = optimizers.adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    state = opt.init(theta)._replace(count=t - 1, m=m, v=v)      # count = updates already applied
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.m, state.v


def adamw_reference(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    """The library's AdamW, update number ``t`` from the moments ``m``, ``v``."""
    opt = optimizers.adamw(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    state = opt.init(theta)._replace(count=t - 1, m=m, v=v)
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.m, state.v


def cases(weight_decay: float | None = None):
    rng = np.random.default_rng(5 if weight_decay is None else 6)
    f32 = np.float32

    def case(name, shape, t, lr, beta1, beta2, eps, zero_state=False, zero_grad=False, dtype=np.float64):
        theta = normal(rng, shape, dtype)
        grad = np.zeros(shape, dtype) if zero_grad else normal(rng, shape, dtype)
        m = np.zeros(shape, dtype) if zero_state else (0.3 * normal(rng, shape, dtype)).astype(dtype)
        v = np.zeros(shape, dtype) if zero_state else uniform(rng, shape, 0.01, 0.5, dtype)
        args = dict(theta=theta, grad=grad, m=m, v=v, t=t, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
        if weight_decay is not None:
            args["weight_decay"] = weight_decay
        return Case(name, args, float32=dtype == f32)

    return [
        case("first step (t=1, m = v = 0)", 3, 1, 0.01, 0.9, 0.999, 1e-8, zero_state=True),
        case("later step (t=5), large eps", 3, 5, 0.1, 0.8, 0.95, 1e-2),
        case("zero gradient (t=3)", 3, 3, 0.05, 0.9, 0.99, 1e-3, zero_grad=True),
        case("long run (t=1000)", 3, 1000, 0.01, 0.9, 0.999, 1e-3),
        case("batched (B, d) = (4, 3), t=10", (4, 3), 10, 0.02, 0.85, 0.99, 1e-4),
        case("float32 (t=2)", 3, 2, 0.01, 0.9, 0.999, 1e-6, dtype=f32),
    ]


# =======================================================================================
# adam_step: the usual mistakes
# =======================================================================================
def moments(grad, m, v, beta1, beta2):
    """m_t and v_t, right: most mistakes below go wrong only after them."""
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


@mistake("no_bias_correction", line="m_hat",
         title="missing bias correction (m and v are used without dividing by 1 − β^t)",
         hint="Divide by the bias corrections: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t).")
def no_bias_correction(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    return theta - lr * m / (sqrt(v) + eps), m, v


@mistake("no_bias_correction_m", line="m_hat",
         title="missing bias correction of m",
         hint="m_hat = m / (1 - beta1**t).")
def no_bias_correction_m(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m / (sqrt(v_hat) + eps), m, v


@mistake("no_bias_correction_v", line="v_hat",
         title="missing bias correction of v",
         hint="v_hat = v / (1 - beta2**t).")
def no_bias_correction_v(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat = m / (1 - beta1**t)
    return theta - lr * m_hat / (sqrt(v) + eps), m, v


@mistake("eps_inside_sqrt", line="delta",
         title="ε inside the square root, sqrt(v_hat + eps), instead of outside",
         hint="Kingma & Ba's Algorithm 1 adds eps after the root: np.sqrt(v_hat) + eps.")
def eps_inside_sqrt(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / sqrt(v_hat + eps), m, v


@mistake("eps_hat", line="delta",
         title="ε added to the uncorrected sqrt(v) (the TF1/Keras ε-hat form)",
         hint="Add eps to np.sqrt(v_hat), the bias-corrected second moment, not to np.sqrt(v).")
def eps_hat(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)      # TF1 AdamOptimizer
    return theta - lr_t * m / (sqrt(v) + eps), m, v


@mistake("g_not_g2", line="v",
         title="g instead of g² in the second moment",
         hint="v = beta2 * v + (1 - beta2) * grad**2.")
def g_not_g2(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("t_minus_1", line="m_hat",
         title="off-by-one t in the bias correction (uses t − 1; t already counts from 1)",
         hint="t is 1 at the first update: use 1 - beta1**t and 1 - beta2**t as given.")
def t_minus_1(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("t_plus_1", line="m_hat",
         title="off-by-one t in the bias correction (uses t + 1; t already counts from 1)",
         hint="t is 1 at the first update: use 1 - beta1**t and 1 - beta2**t as given.")
def t_plus_1(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("pow_base", line="m_hat",
         title="bias correction (1 − β)^t instead of 1 − β^t",
         hint="Raise beta to the power t, then subtract from 1: 1 - beta1**t.")
def pow_base(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1) ** t, v / (1 - beta2) ** t
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("swapped_betas", line="m",
         title="beta1 and beta2 are swapped",
         hint="beta1 (0.9) averages the gradient into m; beta2 (0.999) averages g² into v.")
def swapped_betas(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta2, beta1)
    m_hat, v_hat = m / (1 - beta2**t), v / (1 - beta1**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("old_moments", line="m_hat",
         title="the step uses the old m_{t−1}, v_{t−1} instead of the new m_t, v_t",
         hint="Update m and v first, then bias-correct the new values.")
def old_moments(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    m, v = moments(grad, m, v, beta1, beta2)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("no_sqrt", line="delta",
         title="the square root of v_hat is missing",
         hint="Divide by np.sqrt(v_hat) + eps.")
def no_sqrt(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (v_hat + eps), m, v


@mistake("output_order", line="m",
         title="the outputs are in the wrong order: return (theta, m, v)",
         hint="Return theta, m, v in that order.")
def output_order(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), v, m


@mistake("sign", line="delta",
         title="sign error: the parameters move uphill",
         hint="Subtract the step: theta - lr * m_hat / (np.sqrt(v_hat) + eps).")
def sign(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta + lr * m_hat / (sqrt(v_hat) + eps), m, v


ADAM_LINES = (
    ("m", "m_t = beta1 * m_{t-1} + (1 - beta1) * g_t"),
    ("v", "v_t = beta2 * v_{t-1} + (1 - beta2) * g_t**2"),
    ("m_hat", "m_hat = m_t / (1 - beta1**t)"),
    ("v_hat", "v_hat = v_t / (1 - beta2**t)"),
    ("delta", "theta_new = theta - lr * m_hat / (sqrt(v_hat) + eps)"),
)

ADAM_STEP = Exercise(
    name="adam_step",
    args=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
    outputs=("theta", "m", "v"),
    summary="One Adam update (Kingma & Ba 2015, Algorithm 1); return (theta, m, v).",
    lines=ADAM_LINES,
    output_lines={"theta": "delta", "m": "m", "v": "v"},
    notes=("t counts updates from 1: t = 1 at the first update, when m = v = 0. m and v are "
           "the uncorrected moments; return them, not m_hat and v_hat. Return new arrays; do "
           "not modify theta, m or v in place."),
    cases=cases,
    reference=adam_reference,
    mistakes=(no_bias_correction, no_bias_correction_m, no_bias_correction_v, eps_inside_sqrt, eps_hat,
              g_not_g2, t_minus_1, t_plus_1, pow_base, swapped_betas, old_moments, no_sqrt, output_order, sign),
    equations=lambda: optimizers.adam(lr=0.01).equations,
    array_inputs=("theta", "grad", "m", "v"),
)


# =======================================================================================
# adamw_step: the usual mistakes (the Adam part right unless said otherwise)
# =======================================================================================
def adam(theta, grad, m, v, t, lr, beta1, beta2, eps):
    """One right Adam update, the part of AdamW that the decay mistakes leave alone."""
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("l2_coupled", line="decay",
         title="weight decay added to the gradient (Adam + L2), not decoupled",
         hint="AdamW keeps grad as it is for m and v and subtracts lr * weight_decay * theta separately.")
def l2_coupled(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return adam(theta, grad + weight_decay * theta, m, v, t, lr, beta1, beta2, eps)


@mistake("decay_no_lr", line="decay",
         title="the decay is not multiplied by lr (θ −= λ θ)",
         hint="PyTorch's AdamW decays by lr * weight_decay * theta.")
def decay_no_lr(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = adam(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new - weight_decay * theta, m, v


@mistake("decay_new_theta", line="decay",
         title="the decay uses the updated θ_t instead of the old θ_{t−1}",
         hint="Compute the decay from the theta you were given.")
def decay_new_theta(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = adam(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new - lr * weight_decay * new, m, v


@mistake("no_decay", line="decay",
         title="the weight decay is missing (this is plain Adam)",
         hint="Subtract lr * weight_decay * theta as well.")
def no_decay(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return adam(theta, grad, m, v, t, lr, beta1, beta2, eps)


@mistake("decay_sign", line="decay",
         title="the decay has the wrong sign (θ grows)",
         hint="Weight decay shrinks theta: subtract lr * weight_decay * theta.")
def decay_sign(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = adam(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new + lr * weight_decay * theta, m, v


@mistake("no_bias_correction", line="m_hat",
         title="missing bias correction (m and v are used without dividing by 1 − β^t)",
         hint="m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t).")
def adamw_no_bias_correction(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = no_bias_correction.compute(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new - lr * weight_decay * theta, m, v


@mistake("eps_inside_sqrt", line="delta",
         title="ε inside the square root, sqrt(v_hat + eps), instead of outside",
         hint="Add eps after the root: np.sqrt(v_hat) + eps.")
def adamw_eps_inside_sqrt(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = eps_inside_sqrt.compute(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new - lr * weight_decay * theta, m, v


ADAMW_STEP = Exercise(
    name="adamw_step",
    args=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps", "weight_decay"),
    outputs=("theta", "m", "v"),
    summary="One AdamW update (Loshchilov & Hutter 2019, PyTorch AdamW); return (theta, m, v).",
    lines=ADAM_LINES[:4] + (
        ("delta", "adam step: - lr * m_hat / (sqrt(v_hat) + eps)"),
        ("decay", "decay: - lr * weight_decay * theta_{t-1}      (decoupled, NOT added to g)"),
    ),
    output_lines={"theta": "decay", "m": "m", "v": "v"},
    notes=("theta_new = theta + adam step + decay, both computed from the same old theta. "
           "The gradient that enters m and v is the plain grad. t counts from 1. Return new "
           "arrays; do not modify theta, m or v in place."),
    cases=lambda: cases(weight_decay=0.1),
    reference=adamw_reference,
    mistakes=(l2_coupled, decay_no_lr, decay_new_theta, no_decay, decay_sign, adamw_no_bias_correction,
              adamw_eps_inside_sqrt),
    equations=lambda: optimizers.adamw(lr=0.01).equations,
    array_inputs=("theta", "grad", "m", "v"),
)
