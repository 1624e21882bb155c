r"""Sharpness: the top eigenvalue of the Hessian, measured with gradients only (numpy only).

Gradient descent :math:`\theta_{t+1} = \theta_t - \eta \nabla f(\theta_t)` on a quadratic with
largest Hessian eigenvalue :math:`L` is stable only for :math:`\eta < 2/L` (lesson 01). On a
neural network the Hessian changes as training moves, and its top eigenvalue, the
**sharpness** :math:`\lambda_{\max}(\nabla^2 f(\theta_t))`, first rises (progressive sharpening)
and then hovers at :math:`2/\eta`: the *edge of stability* (Cohen et al. 2021). For Adam the
quantity that hovers is the **preconditioned sharpness** :math:`\lambda_{\max}(P_t^{-1} H_t)`,
at :math:`(2 + 2\beta_1)/((1 - \beta_1)\eta)` (Cohen et al. 2022).

API summary
-----------
::

    hvp(grad, theta, v, eps=1e-4) -> H v                         # central difference of ∇f
    power_iteration(matvec, shape, iters=100, seed=0) -> Eigen(value, vector)   # λ_max
    sharpness(grad, theta, iters=100, seed=0, eps=1e-4, precondition=None) -> λ_max
    sharpness_along(grad, thetas, every=10, ...) -> (steps, values)   # along a trajectory
    adam_preconditioner(v, count, beta1, beta2, eps) -> P      # diag of Adam's P_t
    gd_threshold(lr) = 2/η        adam_threshold(lr, beta1) = (2 + 2β₁)/((1 − β₁)η)

``grad`` is any callable ``θ -> ∇f(θ)`` (a problem's ``problem.grad``). Leading axes of
``theta`` are runs, as everywhere in lrlessons: ``sharpness(grad, theta)[i]`` is the sharpness
of run ``i`` (each run's vector is normalised on its own).

**Hessian-vector products without second derivatives.** The central difference

.. math::
    H v \approx \frac{\nabla f(\theta + \varepsilon v) - \nabla f(\theta - \varepsilon v)}{2\varepsilon}

is exact for a quadratic (the gradient is linear) and has error :math:`O(\varepsilon^2)` from
the third derivative plus :math:`O(u/\varepsilon)` rounding (u ≈ 1e-16) otherwise; with the
default ``eps=1e-4`` and a unit ``v`` both are below 1e-7 relative on the lesson MLP
(``tests/test_sharpness.py`` checks it against two step sizes and against an exact Hessian).
Autodiff libraries compute the same product exactly (Pearlmutter 1994); lrlessons stays numpy.

References
----------
J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar (2021), *Gradient Descent on Neural
Networks Typically Occurs at the Edge of Stability*, ICLR, arXiv:2103.00065.
J. Cohen, B. Ghorbani, S. Krishnan, N. Agarwal, S. Medapati, M. Badura, D. Suo, D. Cardoze,
Z. Nado, G. Dahl, J. Gilmer (2022), *Adaptive Gradient Methods at the Edge of Stability*,
arXiv:2207.14484 (the preconditioned sharpness and its threshold, their eq. 2 and sec. 3).
B. A. Pearlmutter (1994), *Fast Exact Multiplication by the Hessian*, Neural Computation 6(1).
R. von Mises, H. Pollaczek-Geiringer (1929), *Praktische Verfahren der Gleichungsauflösung*,
ZAMM 9 (the power iteration).

>>> from lrlessons import problems
>>> q = problems.quadratic(condition_number=10, L=3.0)
>>> print(f"{float(sharpness(q.grad, q.x0)):.6f} {gd_threshold(0.5):.1f}")
3.000000 4.0
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from ._checks import check_integer, check_interval

__all__ = [
    "Eigen",
    "hvp",
    "power_iteration",
    "sharpness",
    "sharpness_along",
    "adam_preconditioner",
    "gd_threshold",
    "adam_threshold",
    "MAX_ITERS",
]

#: Largest number of power iterations accepted (each costs one matrix-vector product).
MAX_ITERS = 100_000


class Eigen(NamedTuple):
    """An eigenvalue (shape: the run axes, ``()`` for one run) and its unit eigenvector."""

    value: np.ndarray
    vector: np.ndarray


def _array(owner: str, name: str, value: Any) -> np.ndarray:
    try:
        a = np.asarray(value)
    except (TypeError, ValueError):                            # a ragged list
        a = np.asarray(None, dtype=object)
    if a.dtype.kind not in "fiub" or a.ndim == 0:
        raise TypeError(f"The {name!r} argument of {owner} must be a real array with a last axis of "
                        f"parameters. Got {value!r} instead.")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"The {name!r} argument of {owner} must be finite. Got a value with NaN or inf.")
    return a


def _callable(owner: str, name: str, fn: Any) -> None:
    if not callable(fn):
        raise TypeError(f"The {name!r} argument of {owner} must be a function of θ (e.g. problem.grad). "
                        f"Got {fn!r} instead.")


def _unit(v: np.ndarray) -> np.ndarray:
    """``v`` divided by its norm over the last axis (each run on its own)."""
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def hvp(grad: Callable, theta: Any, v: Any, eps: float = 1e-4) -> np.ndarray:
    r"""The Hessian-vector product :math:`\nabla^2 f(\theta)\, v` by a central difference of the gradient.

    .. math::
        H v \approx \frac{\nabla f(\theta + \varepsilon v) - \nabla f(\theta - \varepsilon v)}{2\varepsilon}

    with :math:`\nabla f` = ``grad``, θ = ``theta``, v = ``v`` and ε = ``eps``.

    Parameters
    ----------
    grad : callable
        ``θ -> ∇f(θ)``, e.g. ``problem.grad``; must accept the shape of ``theta``.
    theta : array (..., d)
        The point; leading axes are runs.
    v : array (..., d)
        The direction (broadcast against ``theta``); a unit vector keeps ε meaningful.
    eps : float in (0, 1]
        The difference step. Exact for a quadratic at any ε; otherwise the error is
        :math:`O(\varepsilon^2 \|\nabla^3 f\|)` + rounding :math:`O(10^{-16}/\varepsilon)`.

    Returns
    -------
    array (..., d)
        :math:`Hv`.

    Examples
    --------
    >>> from lrlessons import problems
    >>> q = problems.quadratic(condition_number=4)        # H = diag(0.25, 1)
    >>> np.round(hvp(q.grad, q.x0, np.array([1.0, 1.0])), 10).tolist()   # exact up to rounding
    [0.25, 1.0]
    """
    _callable("hvp", "grad", grad)
    theta = _array("hvp", "theta", theta)
    v = _array("hvp", "v", v)
    check_interval("hvp", "eps", eps, 0, 1, "right")
    return (np.asarray(grad(theta + eps * v)) - np.asarray(grad(theta - eps * v))) / (2 * eps)


def _rayleigh_power(matvec: Callable, v: np.ndarray, iters: int, shift: Any) -> Eigen:
    """Power iteration on ``matvec − shift·I`` from unit ``v``; returns (Rayleigh quotient + shift, v)."""
    value = np.zeros(v.shape[:-1])
    for _ in range(iters):
        w = np.asarray(matvec(v)) - shift * v                  # w = (A − s I) v
        value = np.sum(v * w, axis=-1)                         # λ ≈ vᵀ(A − s I)v, with ‖v‖ = 1
        v = _unit(w)                                           # v ← w / ‖w‖
    return Eigen(value + np.squeeze(shift, -1), v)


def power_iteration(matvec: Callable, shape: Any, iters: int = 100, seed: int = 0) -> Eigen:
    r"""The largest (most positive) eigenvalue of a symmetric operator, by power iteration.

    From a seeded Gaussian start :math:`v_0` (normalised), repeat ``iters`` times

    .. math::
        w = A v_k, \qquad \lambda_k = v_k^T w, \qquad v_{k+1} = w / \|w\|,

    with :math:`A v` = ``matvec(v)``. This converges to the eigenvalue of largest *magnitude*,
    at the rate :math:`|\lambda_2/\lambda_1|` per iteration. When that eigenvalue is negative
    (a saddle-like direction dominates), the iteration is repeated on :math:`A - \lambda_k I`,
    whose eigenvalues are all :math:`\ge 0`, so the most positive eigenvalue of ``A`` is
    found either way.

    Parameters
    ----------
    matvec : callable
        ``v -> A v`` for ``v`` of ``shape`` (..., d); A symmetric (a Hessian). Leading axes are
        runs, each with its own A.
    shape : tuple of int
        ``(..., d)``: the shape of ``v`` (``theta.shape``).
    iters : int in [1, 100000]
        Iterations (each one ``matvec``); a fixed count keeps results reproducible.
    seed : int >= 0
        Seed of the start ``np.random.default_rng(seed).normal(size=shape)``.

    Returns
    -------
    Eigen
        ``(value, vector)``: λ_max per run (shape ``shape[:-1]``) and its unit eigenvector.

    Examples
    --------
    >>> A = np.array([[2.0, 1.0], [1.0, 2.0]])                # eigenvalues 1 and 3
    >>> print(f"{float(power_iteration(lambda v: v @ A, (2,)).value):.12f}")
    3.000000000000
    >>> B = np.diag([1.0, -5.0])                              # |−5| dominates; λ_max = 1
    >>> print(f"{float(power_iteration(lambda v: v @ B, (2,)).value):.6f}")
    1.000000
    """
    _callable("power_iteration", "matvec", matvec)
    check_integer("power_iteration", "iters", iters, 1, MAX_ITERS)
    check_integer("power_iteration", "seed", seed, 0, None)
    try:
        shape = tuple(int(s) for s in np.atleast_1d(shape))
    except (TypeError, ValueError):
        raise TypeError(f"The 'shape' argument of power_iteration must be a tuple of ints. Got {shape!r} instead.") from None
    if len(shape) == 0 or min(shape) < 1:
        raise ValueError(f"The 'shape' argument of power_iteration must be (..., d) with every size >= 1. Got {shape!r} instead.")
    v0 = _unit(np.random.default_rng(int(seed)).normal(size=shape))
    lead = shape[:-1] + (1,)
    first = _rayleigh_power(matvec, v0, int(iters), np.zeros(lead))
    if np.all(first.value >= 0):
        return first
    shift = np.minimum(first.value, 0.0)[..., None]            # shift only the runs that need it
    second = _rayleigh_power(matvec, v0, int(iters), shift)
    negative = (first.value < 0)
    return Eigen(np.where(negative, second.value, first.value),
                 np.where(negative[..., None], second.vector, first.vector))


def sharpness(grad: Callable, theta: Any, iters: int = 100, seed: int = 0, eps: float = 1e-4,
              precondition: Any = None) -> np.ndarray:
    r"""The sharpness :math:`\lambda_{\max}(H)` at θ, or with ``precondition`` :math:`\lambda_{\max}(P^{-1}H)`.

    :func:`power_iteration` on Hessian-vector products (:func:`hvp`). With a diagonal
    preconditioner :math:`P` = ``precondition`` (> 0), the eigenvalues of :math:`P^{-1}H` equal
    those of the symmetric :math:`P^{-1/2} H P^{-1/2}`, which is what is iterated:

    .. math::
        \lambda_{\max}(P^{-1} H) = \lambda_{\max}\big(P^{-1/2} H P^{-1/2}\big).

    Parameters
    ----------
    grad : callable
        ``θ -> ∇f(θ)`` (``problem.grad``).
    theta : array (..., d)
        Where to measure; leading axes are runs.
    iters, seed : int
        As in :func:`power_iteration` (a fixed seeded start: the same θ gives the same number).
    eps : float in (0, 1]
        The difference step of :func:`hvp`.
    precondition : array (..., d) of numbers > 0, optional
        The diagonal of P (for Adam: :func:`adam_preconditioner`).

    Returns
    -------
    array
        Shape ``theta.shape[:-1]``.

    Examples
    --------
    >>> from lrlessons import problems
    >>> q = problems.quadratic(condition_number=10, L=2.0)   # H = diag(0.2, 2)
    >>> print(f"{float(sharpness(q.grad, q.x0)):.6f}")
    2.000000
    >>> print(f"{float(sharpness(q.grad, q.x0, precondition=np.array([0.1, 4.0]))):.6f}")
    2.000000
    """
    theta = _array("sharpness", "theta", theta)
    _callable("sharpness", "grad", grad)
    check_interval("sharpness", "eps", eps, 0, 1, "right")
    if precondition is None:
        return power_iteration(lambda v: hvp(grad, theta, v, eps), theta.shape, iters, seed).value
    p = _array("sharpness", "precondition", precondition)
    check_interval("sharpness", "precondition", p, 0, None, "neither")
    try:
        root = np.broadcast_to(np.sqrt(p), theta.shape)
    except ValueError:
        raise ValueError(f"The 'precondition' argument of sharpness must broadcast to theta's shape {theta.shape}. "
                         f"Got shape {p.shape} instead.") from None
    return power_iteration(lambda v: hvp(grad, theta, v / root, eps) / root,      # P^{-1/2} H P^{-1/2} v
                           theta.shape, iters, seed).value


def sharpness_along(grad: Callable, thetas: Any, every: int = 10, iters: int = 100, seed: int = 0,
                    eps: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    r"""The sharpness at every ``every``-th point of a recorded path ``thetas`` (e.g. ``traj.theta``).

    Parameters
    ----------
    grad : callable
        ``θ -> ∇f(θ)``.
    thetas : array (T + 1, ..., d)
        θ_0 … θ_T, as :func:`lrlessons.run` records them (``traj.theta``).
    every : int >= 1
        Measure at steps 0, k, 2k, … ≤ T (k = ``every``).
    iters, seed, eps
        As in :func:`sharpness`.

    Returns
    -------
    steps : int array (n,)
        The steps measured.
    values : array (n, ...)
        λ_max at those steps (the points are measured in one batched call).

    Examples
    --------
    >>> from lrlessons import problems
    >>> q = problems.quadratic(L=2.0)
    >>> steps, values = sharpness_along(q.grad, np.zeros((31, 2)), every=10)
    >>> steps.tolist(), np.round(values, 6).tolist()
    ([0, 10, 20, 30], [2.0, 2.0, 2.0, 2.0])
    """
    thetas = _array("sharpness_along", "thetas", thetas)
    if thetas.ndim < 2:
        raise ValueError(f"The 'thetas' argument of sharpness_along must have shape (T + 1, ..., d). "
                         f"Got shape {thetas.shape} instead.")
    check_integer("sharpness_along", "every", every, 1, None)
    steps = np.arange(0, thetas.shape[0], int(every))
    return steps, sharpness(grad, thetas[steps], iters=iters, seed=seed, eps=eps)


def adam_preconditioner(v: Any, count: Any, beta1: float = 0.9, beta2: float = 0.999,
                        eps: float = 1e-8) -> np.ndarray:
    r"""The diagonal of Adam's preconditioner :math:`P_t` (Cohen et al. 2022, eq. 2).

    Adam's update :math:`\theta_{t+1} = \theta_t - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)` is
    preconditioned gradient descent with momentum, :math:`\theta_{t+1} = \theta_t - \eta P_t^{-1} m_t`, where

    .. math::
        P_t = (1 - \beta_1^t)\,\big[\operatorname{diag}(\sqrt{v_t / (1 - \beta_2^t)}) + \epsilon I\big]

    with :math:`v_t` = ``v`` (Adam's second moment, ``state.v``), t = ``count``, β₁ = ``beta1``,
    β₂ = ``beta2``, ε = ``eps``. Then :math:`\lambda_{\max}(P_t^{-1} H_t)` is the preconditioned
    sharpness that :func:`adam_threshold` bounds.

    Parameters
    ----------
    v : array (..., d) of numbers >= 0
        The second-moment estimate after ``count`` updates.
    count : int >= 1
        Updates applied (``state.count``).
    beta1, beta2 : float in [0, 1)
        Adam's decay rates.
    eps : float > 0
        Adam's ε.

    Returns
    -------
    array (..., d)
        The diagonal of :math:`P_t` (all entries > 0).

    Examples
    --------
    >>> p = adam_preconditioner(np.array([1e-4, 4e-4]), count=1, beta1=0.9, beta2=0.999, eps=1e-4)
    >>> np.round(p, 8).tolist()                   # 0.1 · (√(v / 0.001) + 1e-4)
    [0.03163278, 0.06325555]
    """
    v = _array("adam_preconditioner", "v", v)
    check_interval("adam_preconditioner", "v", v, 0, None, "left")
    check_integer("adam_preconditioner", "count", count, 1, None)
    check_interval("adam_preconditioner", "beta1", beta1, 0, 1, "left")
    check_interval("adam_preconditioner", "beta2", beta2, 0, 1, "left")
    check_interval("adam_preconditioner", "eps", eps, 0, None, "neither")
    t = int(count)
    return (1 - beta1 ** t) * (np.sqrt(v / (1 - beta2 ** t)) + eps)


def gd_threshold(lr: Any) -> Any:
    r"""Gradient descent's stability threshold :math:`2/\eta` (lesson 01's 2/L, read for the sharpness).

    >>> gd_threshold(0.01)
    200.0
    """
    check_interval("gd_threshold", "lr", lr, 0, None, "neither")
    return 2.0 / (np.asarray(lr, dtype=float) if np.ndim(lr) else float(lr))


def adam_threshold(lr: Any, beta1: float = 0.9) -> Any:
    r"""Adam's threshold for the preconditioned sharpness, :math:`(2 + 2\beta_1)/((1 - \beta_1)\,\eta)`.

    Heavy-ball momentum with coefficient β₁ in the EMA form :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`
    is stable on a quadratic with curvature λ iff :math:`\eta\lambda < (2 + 2\beta_1)/(1 - \beta_1)`
    (Cohen et al. 2022, sec. 3); ``lr`` = η, ``beta1`` = β₁. β₁ = 0.9 gives 38/η.

    >>> print(adam_threshold(0.01, beta1=0.9))
    3800.0000000000005
    """
    check_interval("adam_threshold", "lr", lr, 0, None, "neither")
    check_interval("adam_threshold", "beta1", beta1, 0, 1, "left")
    eta = np.asarray(lr, dtype=float) if np.ndim(lr) else float(lr)
    return (2.0 + 2.0 * beta1) / ((1.0 - beta1) * eta)
