r"""Exercises ``lion_step`` (Chen et al. 2023, Algorithm 2) and ``newton_schulz`` (Muon; lesson 13).

.. math::
    c_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
    m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t \\
    \theta_t &= \theta_{t-1} - \alpha\,\bigl(\mathrm{sign}(c_t) + \lambda\,\theta_{t-1}\bigr)

The direction ``c`` blends the *old* momentum with the new gradient (β₁); the momentum itself
is updated with β₂, after ``c``. The reference is the library's
:func:`lrlessons.optimizers.lion` (Keras ``Lion``, optax ``lion``).

>>> from lrlessons.exercises.engine import check
>>> def sign_of_m(theta, grad, m, lr, beta1, beta2, weight_decay):
...     m = beta2 * m + (1 - beta2) * grad
...     return theta - lr * (np.sign(m) + weight_decay * theta), m
>>> check(LION_STEP, sign_of_m).mistake
'sign_of_m'
"""

from __future__ import annotations

import numpy as np

from .. import optimizers
from ..optimizers.muon import newton_schulz
from .engine import Case, Exercise, mistake, normal

__all__ = ["LION_STEP", "NEWTON_SCHULZ"]


# =======================================================================================
# lion_step
# =======================================================================================
def lion_reference(theta, grad, m, lr, beta1, beta2, weight_decay):
    """The library's Lion, one update from the momentum ``m``."""
    opt = optimizers.lion(lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
    state = opt.init(theta)._replace(m=m)
    theta, state, _ = opt.step(theta, grad, state)
    return theta, state.m


def lion_cases():
    rng = np.random.default_rng(13)

    def case(name, shape, lr, beta1, beta2, weight_decay, zero_m=False, zero_grad=False,
             dtype=np.float64):
        theta = normal(rng, shape, dtype)
        grad = np.zeros(shape, dtype) if zero_grad else normal(rng, shape, dtype)
        m = np.zeros(shape, dtype) if zero_m else (0.5 * normal(rng, shape, dtype)).astype(dtype)
        args = dict(theta=theta, grad=grad, m=m, lr=lr, beta1=beta1, beta2=beta2,
                    weight_decay=weight_decay)
        return Case(name, args, float32=dtype == np.float32)

    return [
        case("first step (m = 0), no decay", 4, 0.1, 0.9, 0.99, 0.0, zero_m=True),
        case("later step, weight decay 0.5", 4, 0.1, 0.9, 0.99, 0.5),
        case("beta1 = 0.5, beta2 = 0.9 (gradient against momentum)", 6, 0.05, 0.5, 0.9, 0.1),
        case("zero gradient, m = 0: sign(0) = 0, only the decay", 3, 0.1, 0.9, 0.99, 0.3,
             zero_m=True, zero_grad=True),
        case("batched (B, d) = (3, 4)", (3, 4), 0.02, 0.8, 0.95, 0.2),
        case("float32", 4, 0.01, 0.9, 0.99, 0.1, dtype=np.float32),
    ]


@mistake("sign_of_m", line="c",
         title="the step takes the sign of the new momentum m_t instead of the interpolation c_t",
         hint="Lion's direction is c = beta1 * m_old + (1 - beta1) * grad, computed before m is "
              "updated with beta2; only c enters the sign.")
def sign_of_m(theta, grad, m, lr, beta1, beta2, weight_decay):
    m = beta2 * m + (1 - beta2) * grad
    return theta - lr * (np.sign(m) + weight_decay * theta), m


@mistake("new_m_in_c", line="c",
         title="c_t blends the already updated m_t (update m after computing c)",
         hint="Compute c from the old momentum first, then update m.")
def new_m_in_c(theta, grad, m, lr, beta1, beta2, weight_decay):
    m = beta2 * m + (1 - beta2) * grad
    c = beta1 * m + (1 - beta1) * grad
    return theta - lr * (np.sign(c) + weight_decay * theta), m


@mistake("swapped_betas", line="c",
         title="beta1 and beta2 are swapped",
         hint="beta1 (0.9) blends the direction c; beta2 (0.99) is the momentum's EMA factor.")
def swapped_betas(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta2 * m + (1 - beta2) * grad
    m = beta1 * m + (1 - beta1) * grad
    return theta - lr * (np.sign(c) + weight_decay * theta), m


@mistake("no_sign", line="delta",
         title="the step is -lr * c (no sign): Lion moves every coordinate by exactly lr",
         hint="Use np.sign(c).")
def no_sign(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    m = beta2 * m + (1 - beta2) * grad
    return theta - lr * (c + weight_decay * theta), m


@mistake("decay_no_lr", line="decay",
         title="the decay is not multiplied by lr (θ −= λ θ)",
         hint="Lion's decay is decoupled and scaled by the rate: theta - lr * weight_decay * theta.")
def decay_no_lr(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    m = beta2 * m + (1 - beta2) * grad
    return theta - lr * np.sign(c) - weight_decay * theta, m


@mistake("l2_coupled", line="decay",
         title="weight decay added to the gradient (L2) instead of decoupled",
         hint="Keep grad as it is for c and m; subtract lr * weight_decay * theta separately.")
def l2_coupled(theta, grad, m, lr, beta1, beta2, weight_decay):
    g = grad + weight_decay * theta
    c = beta1 * m + (1 - beta1) * g
    m = beta2 * m + (1 - beta2) * g
    return theta - lr * np.sign(c), m


@mistake("decay_after", line="decay",
         title="the decay uses the new θ (decay after the step) instead of θ_{t-1}",
         hint="Decay the old parameters: theta - lr * (np.sign(c) + weight_decay * theta).")
def decay_after(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    m = beta2 * m + (1 - beta2) * grad
    new = theta - lr * np.sign(c)
    return new - lr * weight_decay * new, m


@mistake("uphill", line="delta",
         title="sign error: the parameters move uphill",
         hint="Subtract the step: theta - lr * (np.sign(c) + weight_decay * theta).")
def uphill(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    m = beta2 * m + (1 - beta2) * grad
    return theta + lr * np.sign(c) - lr * weight_decay * theta, m


LION_STEP = Exercise(
    name="lion_step",
    args=("theta", "grad", "m", "lr", "beta1", "beta2", "weight_decay"),
    outputs=("theta", "m"),
    summary="One Lion update (Chen et al. 2023, Algorithm 2); return (theta, m).",
    lines=(
        ("decay", "d = -lr * weight_decay * theta   (decoupled, from the old theta)"),
        ("c", "c = beta1 * m_old + (1 - beta1) * grad"),
        ("m", "m_new = beta2 * m_old + (1 - beta2) * grad"),
        ("delta", "theta_new = theta - lr * sign(c) + d"),
    ),
    output_lines={"theta": "delta", "m": "m"},
    notes=("c uses the old momentum; m is updated after it. np.sign(0) = 0: a coordinate with "
           "c = 0 does not move (apart from the decay). Return new arrays; do not modify theta "
           "or m in place."),
    cases=lion_cases,
    reference=lion_reference,
    mistakes=(sign_of_m, new_m_in_c, swapped_betas, no_sign, decay_no_lr, l2_coupled, decay_after,
              uphill),
    equations=lambda: optimizers.lion(lr=0.1, weight_decay=0.1).equations,
    array_inputs=("theta", "grad", "m"),
)


# =======================================================================================
# newton_schulz: Muon's orthogonalisation (Jordan et al. 2024)
# =======================================================================================
QUINTIC, CUBIC = (3.4445, -4.775, 2.0315), (1.5, -0.5, 0.0)


def newton_schulz_reference(G, coefficients, steps):
    """The library's :func:`lrlessons.optimizers.muon.newton_schulz` (float64, ε = 1e-7 clamped)."""
    return newton_schulz(G, coefficients, steps=steps, eps=1e-7)


def newton_schulz_cases():
    rng = np.random.default_rng(130)
    return [
        Case("4 x 6, quintic, 5 steps", dict(G=normal(rng, (4, 6)), coefficients=QUINTIC, steps=5)),
        Case("6 x 4 (tall), quintic, 5 steps", dict(G=normal(rng, (6, 4)), coefficients=QUINTIC, steps=5)),
        Case("5 x 5, cubic, 3 steps", dict(G=3 * normal(rng, (5, 5)), coefficients=CUBIC, steps=3)),
        Case("3 x 7, quintic, 1 step", dict(G=normal(rng, (3, 7)), coefficients=QUINTIC, steps=1)),
        Case("steps = 0: only the normalisation", dict(G=normal(rng, (3, 4)), coefficients=QUINTIC, steps=0)),
        Case("a zero matrix (max with eps)", dict(G=np.zeros((2, 3)), coefficients=QUINTIC, steps=5)),
    ]


def _iterate(X, coefficients, steps):
    a, b, c = coefficients
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X


def _normalised(G):
    return G / max(np.linalg.norm(G), 1e-7)


@mistake("no_normalisation", line="x0",
         title="X₀ = G, not normalised: singular values above 1 blow up",
         hint="Start from X = G / max(np.linalg.norm(G), 1e-7): the Frobenius norm bounds every singular "
              "value, so all start in [0, 1].")
def no_normalisation(G, coefficients, steps):
    with np.errstate(over="ignore", invalid="ignore"):
        return _iterate(np.asarray(G, dtype=float), coefficients, steps)


@mistake("max_entry", line="x0",
         title="normalised by the largest entry, not by the Frobenius norm",
         hint="Divide by np.linalg.norm(G) (the Frobenius norm, sqrt of the sum of all squares).")
def max_entry(G, coefficients, steps):
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _iterate(G / max(np.abs(G).max(), 1e-7), coefficients, steps)


@mistake("no_eps", line="x0",
         title="no ε: a zero matrix gives 0/0 = NaN",
         hint="Divide by max(np.linalg.norm(G), 1e-7) (PyTorch clamps the norm at eps).")
def no_eps(G, coefficients, steps):
    with np.errstate(invalid="ignore", divide="ignore"):
        return _iterate(G / np.linalg.norm(G), coefficients, steps)


@mistake("a_squared_missing", line="b",
         title="c multiplies A instead of A² = (X Xᵀ)²",
         hint="B = b * A + c * A @ A: the quintic term is (X Xᵀ)² X.")
def a_squared_missing(G, coefficients, steps):
    a, b, c = coefficients
    X = _normalised(G)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A) @ X
    return X


@mistake("no_linear_term", line="x",
         title="the linear term a X is missing: X ← B X",
         hint="X = a * X + B @ X.")
def no_linear_term(G, coefficients, steps):
    a, b, c = coefficients
    X = _normalised(G)
    for _ in range(steps):
        A = X @ X.T
        X = (b * A + c * A @ A) @ X
    return X


@mistake("renormalised", line="x",
         title="X is normalised again at every step",
         hint="Normalise once, before the loop; the polynomial keeps the singular values bounded.")
def renormalised(G, coefficients, steps):
    X = _normalised(G)
    for _ in range(steps):
        X = _iterate(_normalised(X), coefficients, 1)
    return X


@mistake("one_step_fewer", line="x",
         title="one iteration too few (range(steps - 1))",
         hint="Iterate exactly `steps` times: for _ in range(steps).")
def one_step_fewer(G, coefficients, steps):
    return _iterate(_normalised(G), coefficients, max(steps - 1, 0))


NEWTON_SCHULZ = Exercise(
    name="newton_schulz",
    args=("G", "coefficients", "steps"),
    outputs=("X",),
    summary="Muon's Newton–Schulz orthogonalisation of a matrix G (Jordan et al. 2024); return X_steps.",
    lines=(
        ("x0", "X = G / max(frobenius_norm(G), 1e-7)"),
        ("a", "repeat `steps` times:   A = X @ X.T"),
        ("b", "                        B = b * A + c * A @ A"),
        ("x", "                        X = a * X + B @ X"),
    ),
    output_lines={"X": "x"},
    notes=("coefficients = (a, b, c); Muon's quintic is (3.4445, -4.775, 2.0315), the classical cubic "
           "(1.5, -0.5, 0). G is (m, n), tall or wide (the library transposes a tall G to work with the "
           "smaller X Xᵀ; the result is the same). This is "
           "lrlessons.optimizers.muon.newton_schulz(G, coefficients, steps, eps=1e-7). Do not modify G."),
    cases=newton_schulz_cases,
    reference=newton_schulz_reference,
    mistakes=(no_normalisation, max_entry, no_eps, a_squared_missing, no_linear_term, renormalised,
              one_step_fewer),
    array_inputs=("G",),
)
