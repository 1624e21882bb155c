r"""Exercise ``tf_adam_step`` (lesson 08): Adam as TF1 ``AdamOptimizer`` and Keras ``Adam`` compute it.

Kingma & Ba (2015) end §2 with a "more efficient" ordering of Algorithm 1: fold both bias
corrections into the learning rate and add :math:`\hat\epsilon` to the *uncorrected* root,

.. math::
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
    \alpha'_t &= \alpha\, \sqrt{1-\beta_2^t} / (1-\beta_1^t) \\
    \theta_{t+1} &= \theta_t - \alpha'_t\, m_t / (\sqrt{v_t} + \hat\epsilon)

which is Algorithm 1 with the step-dependent :math:`\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}`.
TF1 ``AdamOptimizer`` (the TF kernel ``ApplyAdam``) and Keras 3 ``Adam`` run this form; PyTorch
and optax run Algorithm 1. The reference is the library's :func:`lrlessons.frameworks.tf1.AdamOptimizer`.
The usual mistake is the PyTorch form itself, which this checker names.

>>> from lrlessons.exercises.engine import check
>>> def pytorch_form(theta, grad, m, v, t, lr, beta1, beta2, eps):
...     m = beta1 * m + (1 - beta1) * grad
...     v = beta2 * v + (1 - beta2) * grad**2
...     m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
...     return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
>>> check(TF_ADAM_STEP, pytorch_form).mistake
'algorithm_1'
"""

from __future__ import annotations

import numpy as np

from ..frameworks import tf1
from .adam import moments
from .engine import Case, Exercise, mistake, normal, uniform

__all__ = ["TF_ADAM_STEP"]

sqrt = np.sqrt


def reference(theta, grad, m, v, t, lr, beta1, beta2, eps):
    """TF1 ``AdamOptimizer`` in the library, update number ``t`` from the moments ``m``, ``v``."""
    opt = tf1.AdamOptimizer(lr, beta1=beta1, beta2=beta2, epsilon=eps)
    state = opt.init(theta)._replace(count=t - 1, m=m, v=v)      # count = updates already applied
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.m, state.v


def cases():
    rng = np.random.default_rng(8)
    f32 = np.float32

    def case(name, shape, t, lr, beta1, beta2, eps, zero_state=False, zero_grad=False, scale=1.0,
             dtype=np.float64):
        theta = normal(rng, shape, dtype)
        grad = np.zeros(shape, dtype) if zero_grad else (scale * normal(rng, shape, dtype)).astype(dtype)
        m = np.zeros(shape, dtype) if zero_state else (0.3 * scale * normal(rng, shape, dtype)).astype(dtype)
        v = np.zeros(shape, dtype) if zero_state else (scale**2 * uniform(rng, shape, 0.01, 0.5, dtype)).astype(dtype)
        return Case(name, dict(theta=theta, grad=grad, m=m, v=v, t=t, lr=lr, beta1=beta1, beta2=beta2, eps=eps),
                    float32=dtype == f32)

    return [
        case("first step (t=1, m = v = 0)", 3, 1, 0.01, 0.9, 0.999, 1e-8, zero_state=True),
        case("tiny gradients, first step: eps-hat matters (Keras eps 1e-7)", 3, 1, 0.1, 0.9, 0.999, 1e-7,
             zero_state=True, scale=1e-8),
        case("later step (t=5), large eps", 3, 5, 0.1, 0.8, 0.95, 1e-2),
        case("zero gradient (t=3)", 3, 3, 0.05, 0.9, 0.99, 1e-3, zero_grad=True),
        case("long run (t=1000)", 3, 1000, 0.01, 0.9, 0.999, 1e-3),
        case("batched (B, d) = (4, 3), t=10", (4, 3), 10, 0.02, 0.85, 0.99, 1e-4),
        case("float32 (t=2)", 3, 2, 0.01, 0.9, 0.999, 1e-6, dtype=f32),
    ]


# =======================================================================================
# tf_adam_step: the usual mistakes (adam.moments gives m_t and v_t right: they go wrong after them)
# =======================================================================================
@mistake("algorithm_1", line="delta",
         title="this is Algorithm 1 (PyTorch, optax): ε added to the bias-corrected sqrt(v_hat), "
               "not ε-hat added to the uncorrected sqrt(v)",
         hint="Keep m and v uncorrected, scale the learning rate instead: "
              "lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t), then theta - lr_t * m / (sqrt(v) + eps).")
def algorithm_1(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("corrected_twice", line="lr_t",
         title="the bias corrections are applied twice: to the learning rate and to m and v",
         hint="In this form m and v stay uncorrected; the corrections live only in lr_t.")
def corrected_twice(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
    return theta - lr_t * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps), m, v


@mistake("no_correction", line="lr_t",
         title="no bias correction at all: lr_t = lr",
         hint="lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t).")
def no_correction(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    return theta - lr * m / (sqrt(v) + eps), m, v


@mistake("no_sqrt_in_lr", line="lr_t",
         title="the square root is missing in lr_t: lr * (1 - beta2**t) / (1 - beta1**t)",
         hint="v's correction enters under the root: lr * sqrt(1 - beta2**t) / (1 - beta1**t).")
def no_sqrt_in_lr(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * (1 - beta2**t) / (1 - beta1**t)
    return theta - lr_t * m / (sqrt(v) + eps), m, v


@mistake("inverted_lr", line="lr_t",
         title="lr_t is inverted: lr * (1 - beta1**t) / sqrt(1 - beta2**t)",
         hint="m is divided by (1 - beta1**t) and sqrt(v) by sqrt(1 - beta2**t), so "
              "lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t).")
def inverted_lr(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * (1 - beta1**t) / sqrt(1 - beta2**t)
    return theta - lr_t * m / (sqrt(v) + eps), m, v


@mistake("eps_inside_sqrt", line="delta",
         title="ε-hat inside the square root, sqrt(v + eps), instead of outside",
         hint="TF1 and Keras add eps after the root: np.sqrt(v) + eps.")
def eps_inside_sqrt(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
    return theta - lr_t * m / sqrt(v + eps), m, v


@mistake("t_minus_1", line="lr_t",
         title="off-by-one t in lr_t (uses t − 1; t already counts from 1)",
         hint="t is 1 at the first update: use 1 - beta1**t and 1 - beta2**t as given.")
def t_minus_1(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * sqrt(1 - beta2 ** (t - 1)) / (1 - beta1 ** (t - 1))
    return theta - lr_t * m / (sqrt(v) + eps), m, v


@mistake("old_moments", line="delta",
         title="the step uses the old m_{t−1}, v_{t−1} instead of the new m_t, v_t",
         hint="Update m and v first, then step with the new values.")
def old_moments(theta, grad, m, v, t, lr, beta1, beta2, eps):
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
    new_theta = theta - lr_t * m / (sqrt(v) + eps)
    m, v = moments(grad, m, v, beta1, beta2)
    return new_theta, m, v


@mistake("sign", line="delta",
         title="sign error: the parameters move uphill",
         hint="Subtract the step: theta - lr_t * m / (sqrt(v) + eps).")
def sign(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = moments(grad, m, v, beta1, beta2)
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
    return theta + lr_t * m / (sqrt(v) + eps), m, v


TF_ADAM_STEP = Exercise(
    name="tf_adam_step",
    args=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
    outputs=("theta", "m", "v"),
    summary=("One Adam update in the TF1 AdamOptimizer / Keras Adam form (ε-hat: the bias corrections "
             "folded into the learning rate); return (theta, m, v)."),
    lines=(
        ("m", "m_t = beta1 * m_{t-1} + (1 - beta1) * g_t"),
        ("v", "v_t = beta2 * v_{t-1} + (1 - beta2) * g_t**2"),
        ("lr_t", "lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)"),
        ("delta", "theta_new = theta - lr_t * m_t / (sqrt(v_t) + eps)      (eps-hat: on the UNcorrected v)"),
    ),
    output_lines={"theta": "delta", "m": "m", "v": "v"},
    notes=("t counts updates from 1. m and v are the uncorrected moments; there is no m_hat or v_hat "
           "in this form (Kingma & Ba 2015, end of section 2). PyTorch and optax add eps to "
           "sqrt(v_hat) instead; the two differ only through eps, most for tiny gradients and small t. "
           "Compute lr_t from Python numbers, e.g. (1 - beta2**t) ** 0.5: np.sqrt of a Python float is a "
           "float64 scalar, which turns float32 arrays into float64. "
           "Return new arrays; do not modify theta, m or v in place."),
    cases=cases,
    reference=reference,
    mistakes=(algorithm_1, corrected_twice, no_correction, no_sqrt_in_lr, inverted_lr, eps_inside_sqrt,
              t_minus_1, old_moments, sign),
    equations=lambda: tf1.AdamOptimizer(0.001).equations,
    array_inputs=("theta", "grad", "m", "v"),
)
