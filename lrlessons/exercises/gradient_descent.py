r"""Exercise ``gd_step``: one gradient-descent update (lesson 01).

.. math::
    \theta_{t+1} = \theta_t - \alpha\, g_t

The reference is the library's :func:`lrlessons.optimizers.sgd`.

>>> from lrlessons.exercises.engine import check
>>> check(GD_STEP, lambda theta, grad, lr: theta + lr * grad).mistake
'sign'
"""

from __future__ import annotations

import numpy as np

from .. import optimizers
from .engine import Case, Exercise, mistake, normal

__all__ = ["GD_STEP"]


def reference(theta, grad, lr):
    """The library's SGD, one step."""
    opt = optimizers.sgd(lr=lr)
    theta, _, _ = opt.step(theta, grad, opt.init(theta))
    return theta


def cases():
    rng = np.random.default_rng(1)
    f32 = np.float32
    return [
        Case("random (d=3)", dict(theta=normal(rng, 3), grad=normal(rng, 3), lr=0.1)),
        Case("zero gradient", dict(theta=normal(rng, 3), grad=np.zeros(3), lr=0.1)),
        Case("scalar parameter (0-d)", dict(theta=np.array(2.0), grad=np.array(-1.5), lr=0.3)),
        Case("batched (B, d) = (4, 3)", dict(theta=normal(rng, (4, 3)), grad=normal(rng, (4, 3)), lr=0.05)),
        Case("float32", dict(theta=normal(rng, 3, f32), grad=normal(rng, 3, f32), lr=0.1), float32=True),
    ]


@mistake("sign", line="delta",
         title="the update goes uphill (+ instead of −)",
         hint="Gradient descent moves against the gradient: theta - lr * grad.")
def sign(theta, grad, lr):
    return theta + lr * grad


@mistake("no_lr", line="delta",
         title="the learning rate is missing",
         hint="Multiply the gradient by lr before subtracting it.")
def no_lr(theta, grad, lr):
    return theta - grad


@mistake("returns_delta", line="delta",
         title="it returns the step Δθ instead of the new parameters",
         hint="Return theta + Δθ, i.e. theta - lr * grad.")
def returns_delta(theta, grad, lr):
    return -lr * grad


@mistake("lr_divides", line="delta",
         title="it divides by the learning rate",
         hint="The gradient is multiplied by lr, not divided.")
def lr_divides(theta, grad, lr):
    return theta - grad / lr


GD_STEP = Exercise(
    name="gd_step",
    args=("theta", "grad", "lr"),
    outputs=("theta",),
    summary="One gradient-descent update; return the new parameters.",
    lines=(("delta", "theta_new = theta - lr * grad        (Δθ = −α g)"),),
    output_lines={"theta": "delta"},
    notes="Works for any shape, including a batch of runs (B, d). Do not modify theta in place.",
    cases=cases,
    reference=reference,
    mistakes=(sign, no_lr, returns_delta, lr_divides),
    equations=lambda: optimizers.sgd(lr=0.1).equations,
    array_inputs=("theta", "grad"),
)
