r"""Exercise ``power_iteration`` (lesson 11): the top eigenvalue of a symmetric matrix.

From the seeded start :math:`v_0` = ``np.random.default_rng(seed).normal(size=d)``, normalised,
repeat ``iters`` times

.. math::
    w = A v_k, \qquad \lambda_k = v_k^T w, \qquad v_{k+1} = w / \|w\|

and return the last :math:`\lambda` (the Rayleigh quotient). The reference is the library's
``lrlessons.sharpness.power_iteration(lambda v: v @ A, (d,), iters, seed).value``, which the lesson
runs on Hessian-vector products; here ``A`` is a small positive semi-definite matrix (a Hessian
at a minimum), so the plain iteration is the whole algorithm.

>>> from lrlessons.exercises.engine import check
>>> def exact(A, iters, seed):
...     return np.linalg.eigvalsh(A)[-1]
>>> check(POWER_ITERATION, exact).mistake
'exact'
"""

from __future__ import annotations

import numpy as np

from .. import sharpness
from .engine import Case, Exercise, mistake

__all__ = ["POWER_ITERATION"]


def power_iteration_reference(A, iters, seed):
    """The library's power iteration on ``A``: its eigenvalue estimate after ``iters`` steps."""
    A = np.asarray(A, dtype=float)
    return sharpness.power_iteration(lambda v: v @ A, (A.shape[-1],), int(iters), int(seed)).value


def _psd(d, seed, top=None):
    """A seeded d × d positive semi-definite matrix (optionally with a chosen top eigenvalue)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.sort(rng.uniform(0.1, 2.0, size=d))
    if top is not None:
        lam[-1] = top
    return (Q * lam) @ Q.T


def power_iteration_cases():
    close = np.diag([3.0, 2.9, 1.0])                       # λ₂/λ₁ ≈ 0.97: slow convergence
    return [
        Case("diag(3, 1), 1 iteration", dict(A=np.diag([3.0, 1.0]), iters=1, seed=0)),
        Case("diag(3, 1), 5 iterations", dict(A=np.diag([3.0, 1.0]), iters=5, seed=0)),
        Case("diag(3, 1), 40 iterations (converged)", dict(A=np.diag([3.0, 1.0]), iters=40, seed=0)),
        Case("5 × 5 Hessian-like, 10 iterations, seed 3", dict(A=_psd(5, 1, top=4.0), iters=10, seed=3)),
        Case("5 × 5 Hessian-like, 200 iterations, seed 1", dict(A=_psd(5, 2), iters=200, seed=1)),
        Case("eigenvalues 3 and 2.9 (slow), 30 iterations", dict(A=close, iters=30, seed=2)),
    ]


def _start(A, seed):
    v = np.random.default_rng(int(seed)).normal(size=np.asarray(A).shape[-1])
    return v / np.linalg.norm(v)


@mistake("exact", line="lambda",
         title="returns the exact top eigenvalue (np.linalg.eigvalsh), not power iteration's estimate",
         hint="Power iteration's answer after a few steps is below the true λ_max; on a Hessian you cannot "
              "call eigvalsh (you only have H v). Return v @ (A @ v) from the last iteration.")
def exact(A, iters, seed):
    return np.linalg.eigvalsh(np.asarray(A, dtype=float))[-1]


@mistake("norm", line="lambda",
         title="returns ‖A v‖ instead of the Rayleigh quotient vᵀ A v",
         hint="‖A v‖ tends to |λ_max| too, but more slowly and with the wrong sign for a negative one: "
              "use lam = v @ w.")
def norm_instead(A, iters, seed):
    v = _start(A, seed)
    for _ in range(int(iters)):
        w = A @ v
        lam = np.linalg.norm(w)
        v = w / np.linalg.norm(w)
    return lam


@mistake("no_normalise", line="normalise",
         title="v is never normalised: v grows like λ_max^k and vᵀ A v is not an eigenvalue estimate",
         hint="Divide by the norm every iteration: v = w / np.linalg.norm(w).")
def no_normalise(A, iters, seed):
    v = _start(A, seed)
    for _ in range(int(iters)):
        w = A @ v
        lam = v @ w
        v = w
    return lam


@mistake("raw_start", line="start",
         title="the start v₀ is not normalised, so the first Rayleigh quotient is scaled by ‖v₀‖²",
         hint="Normalise the seeded start before the loop: v = v / np.linalg.norm(v).")
def raw_start(A, iters, seed):
    v = np.random.default_rng(int(seed)).normal(size=np.asarray(A).shape[-1])
    for _ in range(int(iters)):
        w = A @ v
        lam = v @ w
        v = w / np.linalg.norm(w)
    return lam


@mistake("one_more", line="lambda",
         title="the estimate uses the updated vector: one matrix-vector product more than iters",
         hint="Compute lam = v @ w with the v that produced w, before v = w / ‖w‖.")
def one_more(A, iters, seed):
    return power_iteration_reference(A, int(iters) + 1, seed)


@mistake("one_fewer", line="lambda",
         title="one iteration too few (range(iters - 1))",
         hint="Run the loop exactly iters times: for _ in range(iters).")
def one_fewer(A, iters, seed):
    if int(iters) == 1:
        v = _start(A, seed)
        return v @ (A @ v)
    return power_iteration_reference(A, int(iters) - 1, seed)


POWER_ITERATION = Exercise(
    name="power_iteration",
    args=("A", "iters", "seed"),
    outputs=("lam",),
    summary="Power iteration: the largest eigenvalue of a symmetric PSD matrix A after iters steps "
            "(von Mises 1929).",
    lines=(
        ("start", "v = np.random.default_rng(seed).normal(size=A.shape[-1]);  v = v / ‖v‖"),
        ("matvec", "repeat iters times:  w = A @ v"),
        ("lambda", "    lam = v @ w                  (the Rayleigh quotient, ‖v‖ = 1)"),
        ("normalise", "    v = w / np.linalg.norm(w)"),
    ),
    output_lines={"lam": "lambda"},
    notes=("A is a (d, d) symmetric positive semi-definite numpy array (a Hessian at a minimum); "
           "iters >= 1 and seed are ints. Return the last lam as a float. In the lesson A @ v is "
           "replaced by a Hessian-vector product: lrlessons.sharpness.power_iteration."),
    cases=power_iteration_cases,
    reference=power_iteration_reference,
    mistakes=(exact, norm_instead, no_normalise, raw_start, one_more, one_fewer),
    array_inputs=("A",),
)
