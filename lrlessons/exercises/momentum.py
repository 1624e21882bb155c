r"""Exercises ``momentum_step`` (heavy ball) and ``nesterov_step`` (lesson 03), PyTorch's form.

.. math::
    b_t &= \mu\, b_{t-1} + g_t \qquad (b_0 = 0) \\
    \theta_{t+1} &= \theta_t - \alpha\, b_t \qquad\text{or, Nesterov,}\qquad
    \theta_{t+1} = \theta_t - \alpha\, (g_t + \mu\, b_t)

The learning rate multiplies the buffer and is not stored in it (PyTorch ``SGD``, TF1
``MomentumOptimizer``; Polyak 1964, Sutskever et al. 2013). The reference is the library's
:func:`lrlessons.optimizers.momentum`.

>>> from lrlessons.exercises.engine import check
>>> def look_ahead_with_old_buffer(theta, grad, b, lr, momentum):
...     return theta - lr * (grad + momentum * b), momentum * b + grad
>>> check(NESTEROV_STEP, look_ahead_with_old_buffer).mistake
'heavy_ball'
"""

from __future__ import annotations

import numpy as np

from .. import optimizers
from .engine import Case, Exercise, mistake, normal

__all__ = ["MOMENTUM_STEP", "NESTEROV_STEP"]


def reference(theta, grad, b, lr, momentum, nesterov=False):
    """The library's momentum optimizer, one step from the buffer ``b``."""
    opt = optimizers.momentum(lr=lr, momentum=momentum, nesterov=nesterov)
    # count = 1: b is used as b_{t-1} (at count 0 PyTorch sets b_1 = g, which equals μ·0 + g).
    state = opt.init(theta)._replace(count=1, b=b)
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.b


def nesterov_reference(theta, grad, b, lr, momentum):
    return reference(theta, grad, b, lr, momentum, nesterov=True)


def cases(nesterov: bool = False):
    rng = np.random.default_rng(2)
    f32 = np.float32
    return [
        Case("first step (b = 0)", dict(theta=normal(rng, 3), grad=normal(rng, 3), b=np.zeros(3), lr=0.1, momentum=0.9)),
        Case("later step (b != 0)", dict(theta=normal(rng, 3), grad=normal(rng, 3), b=normal(rng, 3), lr=0.05, momentum=0.8)),
        Case("zero gradient, still moving", dict(theta=normal(rng, 3), grad=np.zeros(3), b=normal(rng, 3), lr=0.1, momentum=0.9)),
        Case("momentum = 0.5", dict(theta=normal(rng, 3), grad=normal(rng, 3), b=normal(rng, 3), lr=0.2, momentum=0.5))
        if nesterov else  # PyTorch's Nesterov needs momentum > 0
        Case("momentum = 0 is gradient descent", dict(theta=normal(rng, 3), grad=normal(rng, 3), b=normal(rng, 3), lr=0.2, momentum=0.0)),
        Case("batched (B, d) = (4, 3)", dict(theta=normal(rng, (4, 3)), grad=normal(rng, (4, 3)), b=normal(rng, (4, 3)), lr=0.03, momentum=0.95)),
        Case("float32", dict(theta=normal(rng, 3, f32), grad=normal(rng, 3, f32), b=normal(rng, 3, f32), lr=0.1, momentum=0.9), float32=True),
    ]


# =======================================================================================
# momentum_step: the usual mistakes
# =======================================================================================
@mistake("theta_sign", line="delta",
         title="momentum sign error: the parameters move along +b",
         hint="Subtract the step: theta - lr * b.")
def theta_sign(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta + lr * b, b


@mistake("buffer_sign", line="b",
         title="momentum sign error: the buffer accumulates −g",
         hint="In this form the buffer adds the gradient, b = momentum * b + grad, and theta - lr * b descends.")
def buffer_sign(theta, grad, b, lr, momentum):
    b = momentum * b - grad
    return theta - lr * b, b


@mistake("lr_inside", line="b",
         title="lr inside the buffer (b = μ b + lr g; θ −= b) instead of outside",
         hint="Keep the buffer free of lr: b = momentum * b + grad, then theta - lr * b. "
              "(Both forms agree only while lr never changes.)")
def lr_inside(theta, grad, b, lr, momentum):
    b = momentum * b + lr * grad
    return theta - b, b


@mistake("ema", line="b",
         title="the buffer is an average, b = μ b + (1 − μ) g (dampening)",
         hint="Heavy ball adds the whole gradient: b = momentum * b + grad.")
def ema(theta, grad, b, lr, momentum):
    b = momentum * b + (1 - momentum) * grad
    return theta - lr * b, b


@mistake("old_buffer", line="delta",
         title="the step uses the old buffer b_{t−1} instead of the new b_t",
         hint="Update the buffer first, then step with the new buffer.")
def old_buffer(theta, grad, b, lr, momentum):
    return theta - lr * b, momentum * b + grad


@mistake("no_lr", line="delta",
         title="the learning rate is missing from the step",
         hint="Step with theta - lr * b.")
def no_lr(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - b, b


@mistake("no_decay", line="b",
         title="the buffer is never decayed (b = b + g)",
         hint="Multiply the old buffer by momentum: b = momentum * b + grad.")
def no_decay(theta, grad, b, lr, momentum):
    b = b + grad
    return theta - lr * b, b


MOMENTUM_STEP = Exercise(
    name="momentum_step",
    args=("theta", "grad", "b", "lr", "momentum"),
    outputs=("theta", "b"),
    summary="One heavy-ball momentum update in PyTorch's form (lr outside the buffer); return (theta, b).",
    lines=(
        ("b", "b_t = momentum * b_{t-1} + g_t          (b_0 = 0, so b_1 = g_1)"),
        ("delta", "theta_new = theta - lr * b_t"),
    ),
    output_lines={"theta": "delta", "b": "b"},
    notes=("b is the momentum buffer from the previous update (zeros before the first one). "
           "The learning rate multiplies the buffer; it is not stored in it (PyTorch, TF1 "
           "MomentumOptimizer). Return new arrays; do not modify theta or b in place."),
    cases=cases,
    reference=reference,
    mistakes=(theta_sign, buffer_sign, lr_inside, ema, old_buffer, no_lr, no_decay),
    equations=lambda: optimizers.momentum(lr=0.1, momentum=0.9).equations,
    array_inputs=("theta", "grad", "b"),
)


# =======================================================================================
# nesterov_step: the usual mistakes
# =======================================================================================
@mistake("heavy_ball", line="delta",
         title="this is heavy-ball momentum, without Nesterov's look-ahead (a look-ahead "
               "g + μ b_{t−1} with the OLD buffer is the same thing)",
         hint="Update b first, then step with grad + momentum * b using the NEW b.")
def nesterov_heavy_ball(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - lr * b, b


@mistake("sign", line="delta",
         title="momentum sign error: the parameters move uphill",
         hint="Subtract the step: theta - lr * (grad + momentum * b).")
def nesterov_sign(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta + lr * (grad + momentum * b), b


@mistake("lr_inside", line="b",
         title="lr inside the buffer (b = μ b + lr g) instead of outside",
         hint="Keep lr out of the buffer: b = momentum * b + grad; theta - lr * (grad + momentum * b).")
def nesterov_lr_inside(theta, grad, b, lr, momentum):
    b = momentum * b + lr * grad
    return theta - (lr * grad + momentum * b), b


@mistake("minus_lookahead", line="delta",
         title="the look-ahead term is subtracted (g − μ b)",
         hint="The step direction is grad + momentum * b.")
def nesterov_minus_lookahead(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - lr * (grad - momentum * b), b


NESTEROV_STEP = Exercise(
    name="nesterov_step",
    args=("theta", "grad", "b", "lr", "momentum"),
    outputs=("theta", "b"),
    summary="One Nesterov momentum update in PyTorch's form (nesterov=True); return (theta, b).",
    lines=(
        ("b", "b_t = momentum * b_{t-1} + g_t          (b_0 = 0)"),
        ("delta", "theta_new = theta - lr * (g_t + momentum * b_t)   (look ahead with the NEW buffer)"),
    ),
    output_lines={"theta": "delta", "b": "b"},
    notes=("grad is the gradient at the stored parameters theta (Sutskever et al. 2013 "
           "reformulation used by PyTorch and TF1). Return new arrays; do not modify inputs."),
    cases=lambda: cases(nesterov=True),
    reference=nesterov_reference,
    mistakes=(nesterov_heavy_ball, nesterov_sign, nesterov_lr_inside, nesterov_minus_lookahead),
    equations=lambda: optimizers.momentum(lr=0.1, momentum=0.9, nesterov=True).equations,
    array_inputs=("theta", "grad", "b"),
)
