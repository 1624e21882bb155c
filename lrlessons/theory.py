r"""Closed-form step sizes and convergence rates on quadratics (numpy only).

For :math:`f(w) = \tfrac12 w^T A w - b^T w` with the eigenvalues of A in :math:`[\lambda_{\min}, L]`,
:math:`0 < \lambda_{\min} \le L`, and condition number :math:`\kappa = L/\lambda_{\min}`, a method's *rate* is the
factor by which the error :math:`\|w_k - w^*\|` shrinks per iteration in the long run.

API summary
-----------
::

    condition_number(lam_min, L) -> float
    gd_stability_limit(L) -> float                               # 2/L
    gradient_descent(lam_min, L) -> Tuning(lr, momentum=0, rate)      # 2/(λ_min+L), (κ−1)/(κ+1)
    heavy_ball(lam_min, L) -> Tuning                                  # Polyak's optimum, (√κ−1)/(√κ+1)
    nesterov(lam_min, L, tuned=False) -> Tuning                       # 1 − 1/√κ, tuned 1 − 2/√(3κ+1)
    rate(lr, momentum=0.0, *, eigenvalues=None, lam_min=None, L=None, nesterov=False) -> float
    empirical_rate(errors_or_trajectory, minimum=None, window=None) -> float

``Tuning`` is a named tuple ``(lr, momentum, rate)``; ``lr`` and ``momentum`` are exactly the
arguments of ``optimizers.momentum(lr=..., momentum=..., nesterov=...)`` (PyTorch's buffer
``b = μ b + g``, no dampening), which runs the heavy-ball iteration
:math:`w_{k+1} = w_k - \alpha\nabla f(w_k) + \mu (w_k - w_{k-1})` and, with ``nesterov=True``,
an iteration with the same characteristic polynomial as Nesterov's
:math:`y_k = w_k + \mu(w_k - w_{k-1}),\ w_{k+1} = y_k - \alpha \nabla f(y_k)`.

References: B. T. Polyak (1964), *Some methods of speeding up the convergence of iteration
methods*, USSR Comput. Math. Math. Phys. 4(5) (heavy ball and its optimal tuning);
Y. Nesterov (2004), *Introductory Lectures on Convex Optimization*, Theorem 2.1.15 (gradient
descent with step 2/(λ_min+L)); G. Goh (2017), *Why Momentum Really Works*, Distill (the 2 × 2
iteration per eigenvalue that :func:`rate` solves); L. Lessard, B. Recht, A. Packard (2016),
*Analysis and Design of Optimization Algorithms via Integral Quadratic Constraints*, SIAM
J. Optim. 26(1) (the rates of gradient descent, heavy ball and Nesterov's method on
quadratics, standard and tuned). ``tests/test_theory.py`` checks every closed form against
the spectral radius and against measured runs.

>>> t = heavy_ball(0.01, 1.0)
>>> print(f"lr={t.lr:.4f} momentum={t.momentum:.4f} rate={t.rate:.4f}")
lr=3.3058 momentum=0.6694 rate=0.8182
>>> print(f"{rate(t.lr, t.momentum, lam_min=0.01, L=1.0):.4f}")
0.8182
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._checks import check_interval

__all__ = [
    "Tuning",
    "condition_number",
    "gd_stability_limit",
    "gradient_descent",
    "heavy_ball",
    "nesterov",
    "rate",
    "empirical_rate",
]


class Tuning(NamedTuple):
    """A step size ``lr`` (α), a ``momentum`` (μ) and the contraction ``rate`` they achieve."""

    lr: float
    momentum: float
    rate: float


def _check(owner: str, lam_min: Any, L: Any) -> tuple[float, float]:
    check_interval(owner, "lam_min", lam_min, 0, None, "neither")
    check_interval(owner, "L", L, lam_min, None, "left")
    return float(lam_min), float(L)


def condition_number(lam_min: float, L: float) -> float:
    """κ = L/λ_min.

    >>> condition_number(0.01, 1.0)
    100.0
    """
    lam_min, L = _check("condition_number", lam_min, L)
    return L / lam_min


def gd_stability_limit(L: float) -> float:
    r"""Gradient descent converges on every quadratic with largest eigenvalue L iff 0 < α < 2/L.

    Mode i of the error is multiplied by :math:`1 - \alpha\lambda_i` each step.

    >>> gd_stability_limit(4.0)
    0.5
    """
    check_interval("gd_stability_limit", "L", L, 0, None, "neither")
    return 2.0 / float(L)


def gradient_descent(lam_min: float, L: float) -> Tuning:
    r"""The optimal fixed step :math:`\alpha^* = 2/(\lambda_{\min}+L)` and its rate :math:`(\kappa-1)/(\kappa+1)`.

    >>> print("lr={:.4f} rate={:.4f}".format(*gradient_descent(0.01, 1.0)[::2]))
    lr=1.9802 rate=0.9802
    """
    lam_min, L = _check("gradient_descent", lam_min, L)
    kappa = L / lam_min
    return Tuning(lr=2.0 / (lam_min + L), momentum=0.0, rate=(kappa - 1) / (kappa + 1))


def heavy_ball(lam_min: float, L: float) -> Tuning:
    r"""Polyak's optimal heavy ball: :math:`\alpha^* = (2/(\sqrt{\lambda_{\min}}+\sqrt L))^2`,
    :math:`\mu^* = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2`, rate :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)`.

    >>> print("{:.4f} {:.4f} {:.4f}".format(*heavy_ball(1.0, 100.0)))
    0.0331 0.6694 0.8182
    """
    lam_min, L = _check("heavy_ball", lam_min, L)
    q = (np.sqrt(L / lam_min) - 1) / (np.sqrt(L / lam_min) + 1)
    return Tuning(lr=float((2 / (np.sqrt(lam_min) + np.sqrt(L))) ** 2), momentum=float(q * q), rate=float(q))


def nesterov(lam_min: float, L: float, tuned: bool = False) -> Tuning:
    r"""Nesterov's method on quadratics (Lessard, Recht & Packard 2016).

    Standard: :math:`\alpha = 1/L`, :math:`\mu = (\sqrt\kappa-1)/(\sqrt\kappa+1)`, rate
    :math:`1 - 1/\sqrt\kappa`. Tuned (``tuned=True``): :math:`\alpha = 4/(3L+\lambda_{\min})`,
    :math:`\mu = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)`, rate :math:`1 - 2/\sqrt{3\kappa+1}`.

    >>> print("{:.4f} {:.4f}".format(nesterov(0.01, 1.0).rate, nesterov(0.01, 1.0, tuned=True).rate))
    0.9000 0.8847
    """
    lam_min, L = _check("nesterov", lam_min, L)
    kappa = L / lam_min
    if tuned:
        s = np.sqrt(3 * kappa + 1)
        return Tuning(lr=4.0 / (3 * L + lam_min), momentum=float((s - 2) / (s + 2)), rate=float(1 - 2 / s))
    r = np.sqrt(kappa)
    return Tuning(lr=1.0 / L, momentum=float((r - 1) / (r + 1)), rate=float(1 - 1 / r))


def rate(lr: float, momentum: float = 0.0, *, eigenvalues: Any = None, lam_min: float | None = None,
         L: float | None = None, nesterov: bool = False) -> float:
    r"""The asymptotic rate of (heavy-ball or Nesterov) momentum: the largest spectral radius.

    Per eigenvalue λ, with h = αλ, the error obeys a two-term recurrence with characteristic
    polynomial :math:`z^2 - (1+\mu-h)z + \mu` (heavy ball; μ = 0 is gradient descent) or
    :math:`z^2 - (1+\mu)(1-h)z + \mu(1-h)` (Nesterov). The rate is the largest root
    modulus over ``eigenvalues``, or over 2001 geometrically spaced points of ``[lam_min, L]``
    (plus both ends) when an interval is given. A rate ≥ 1 means no convergence.

    >>> print(f"{rate(2 / 1.01, eigenvalues=[0.01, 1.0]):.4f}")
    0.9802
    """
    if eigenvalues is None:
        if lam_min is None or L is None:
            raise ValueError("rate needs either 'eigenvalues' or both 'lam_min' and 'L'.")
        lam_min, L = _check("rate", lam_min, L)
        lam = np.unique(np.concatenate([np.geomspace(lam_min, L, 2001), [lam_min, L]]))
    else:
        lam = np.asarray(eigenvalues, dtype=np.float64).ravel()
        check_interval("rate", "eigenvalues", lam, 0, None, "left")
    check_interval("rate", "lr", lr, 0, None, "left")
    check_interval("rate", "momentum", momentum, 0, 1, "left")
    h = float(lr) * lam
    b = float(momentum)
    if nesterov:
        trace, det = (1 + b) * (1 - h), b * (1 - h)
    else:
        trace, det = 1 + b - h, np.full_like(h, b)
    disc = np.sqrt((trace * trace - 4 * det).astype(complex))
    roots = np.abs(np.stack([(trace + disc) / 2, (trace - disc) / 2]))
    return float(roots.max())


def empirical_rate(errors: Any, minimum: Any = None, window: tuple[int, int] | None = None) -> float:
    r"""The measured contraction rate of a run: the geometric-mean ratio of error norms.

    ``errors`` is a 1-D array of :math:`e_k = \|w_k - w^*\|`, or a :class:`~lrlessons.Trajectory`
    (then :math:`w^*` is ``minimum`` or ``trajectory.problem.minimum``). Over
    ``window = (i, j)`` (default: the second half of the steps whose error is above 1e-250,
    so that underflow never enters) the result is :math:`(e_j/e_i)^{1/(j-i)}`.

    >>> print(f"{empirical_rate(0.5 ** np.arange(20)):.4f}")
    0.5000
    """
    if hasattr(errors, "theta") and hasattr(errors, "problem"):
        traj = errors
        if traj.theta is None:
            raise ValueError("empirical_rate needs a trajectory recorded with record_theta=True.")
        w_star = traj.problem.minimum if minimum is None else minimum
        if w_star is None:
            raise ValueError("empirical_rate needs 'minimum': the trajectory's problem has no known minimum.")
        errors = np.linalg.norm(traj.theta - np.asarray(w_star), axis=-1)
    e = np.asarray(errors, dtype=np.float64)
    if e.ndim != 1:
        raise ValueError(f"The 'errors' argument of empirical_rate must be 1-D (one run). Got shape {e.shape} instead.")
    if window is None:
        good = np.nonzero(~(e > 1e-250))[0]
        end = int(good[0]) - 1 if good.size else e.size - 1
        if end < 2:
            raise ValueError("empirical_rate needs at least 3 errors above 1e-250.")
        window = (end // 2, end)
    i, j = (int(w) for w in window)
    if not 0 <= i < j < e.size:
        raise ValueError(f"The 'window' argument of empirical_rate must satisfy 0 <= i < j < {e.size}. Got {window!r} instead.")
    return float((e[j] / e[i]) ** (1.0 / (j - i)))
