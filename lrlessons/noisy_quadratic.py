r"""The noisy quadratic model: SGD's loss under any schedule, sampled or exact in expectation.

A diagonal quadratic with additive gradient noise (the "noisy quadratic model" of Zhang et al.
2019, a stand-in for a network's loss near a minimum):

.. math::
    f(\theta) = \tfrac12 \sum_i h_i \theta_i^2, \qquad
    g_t = h \odot \theta_t + \sqrt{c} \odot \xi_t, \quad \xi_t \sim N(0, I),

with curvatures :math:`h_i` geometrically spaced from ``h_min`` to ``h_max`` and noise variances
:math:`c_i = \sigma^2 h_i` (the noise is largest where the curvature is, as for a real
minibatch gradient). SGD with the rate :math:`\eta_t` acts on each coordinate separately, so
the mean :math:`m_i = E\theta_i` and the variance :math:`v_i = \operatorname{Var}\theta_i`
follow exactly

.. math::
    m_{t+1} = (1 - \eta_t h)\, m_t, \qquad v_{t+1} = (1 - \eta_t h)^2 v_t + \eta_t^2 c, \qquad
    E f(\theta_t) = \tfrac12 \sum_i h_i (m_{t,i}^2 + v_{t,i}).

The first term (the distance still to travel) wants large rates; the second (the noise floor
of lesson 02: :math:`v \to \eta c / (2h)` at a constant rate) wants small ones. A schedule
trades them, and :func:`expected_loss` computes the trade *exactly*, with no sampling noise,
which makes schedule comparisons reproducible to the last digit that matters.

API summary
-----------
::

    noisy_quadratic(dim=20, h_min=1e-3, h_max=1.0, sigma=0.03, seed=0) -> NoisyQuadratic
        .loss(theta, step=None), .grad(theta, step=None)  # a problem for ll.run (noise seeded by step)
        .h, .c, .x0, .minimum, .minimum_loss, .eigenvalues
    expected_loss(problem, lrs) -> (..., T+1)            # E f(θ_t) of SGD with rates lrs[..., t]

References: G. Zhang, L. Li, Z. Nado, J. Martens, S. Sachdeva, G. E. Dahl, C. J. Shallue,
R. Grosse (2019), *Which Algorithmic Choices Matter at Which Batch Sizes? Insights From a Noisy
Quadratic Model*, NeurIPS, arXiv:1907.04164; H. Robbins and S. Monro (1951), *A Stochastic
Approximation Method*, Ann. Math. Stat. 22(3):400–407; F. Schaipp, A. Hägele, A. Taylor,
U. Simsekli, F. Bach (2025), *The Surprising Agreement Between Convex Optimization Theory and
Learning-Rate Scheduling for Large Model Training*, arXiv:2501.18965.

>>> q = noisy_quadratic(dim=2, h_min=0.5, h_max=1.0, sigma=0.1)
>>> print(np.round(expected_loss(q, np.full(3, 0.5)), 5))
[0.75    0.26719 0.1124  0.05453]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._checks import check_finite, check_integer, check_interval

__all__ = ["NoisyQuadratic", "noisy_quadratic", "expected_loss"]


@dataclass(frozen=True, eq=False, repr=False)
class NoisyQuadratic:
    r"""f(θ) = ½ Σ hᵢθᵢ², gradients with additive noise √cᵢ·ξ (ξ seeded by ``(seed, step)``).

    Made by :func:`noisy_quadratic`. ``grad(theta, step)`` draws the noise of update ``step``
    from ``np.random.default_rng((seed, step))``, one draw of shape ``(dim,)`` shared by every
    run of a batched ``theta`` (common random numbers: a batched run equals the separate runs);
    ``step=None`` gives the exact gradient. ``loss`` is always the exact (noise-free) loss.
    """

    dim: int = 20
    h_min: float = 1e-3
    h_max: float = 1.0
    sigma: float = 0.03
    seed: int = 0
    h: np.ndarray = field(init=False, repr=False)
    c: np.ndarray = field(init=False, repr=False)
    x0: np.ndarray = field(init=False, repr=False)
    name = "noisy_quadratic"
    stochastic = True

    def __post_init__(self):
        check_integer("noisy_quadratic", "dim", self.dim, 1, 1000)
        check_interval("noisy_quadratic", "h_max", self.h_max, 0, 1e6, "right")
        check_interval("noisy_quadratic", "h_min", self.h_min, 0, self.h_max, "right")
        check_interval("noisy_quadratic", "sigma", self.sigma, 0, 1e3, "both")
        check_integer("noisy_quadratic", "seed", self.seed, 0, None)
        h = np.geomspace(float(self.h_max), float(self.h_min), int(self.dim))   # h₁ = h_max ≥ … ≥ h_min
        for name, value in (("h", h), ("c", float(self.sigma) ** 2 * h), ("x0", np.ones(int(self.dim)))):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def minimum(self) -> np.ndarray:
        return np.zeros(self.dim)

    @property
    def minimum_loss(self) -> float:
        return 0.0

    @property
    def eigenvalues(self) -> tuple:
        """``(lam_min, L)`` = ``(h_min, h_max)``, for the formulas of :mod:`lrlessons.theory`."""
        return float(self.h_min), float(self.h_max)

    @property
    def bounds(self):
        return None

    def _theta(self, theta: Any, what: str) -> np.ndarray:
        th = np.asarray(theta)
        if th.dtype.kind not in "fiu" or th.ndim == 0 or th.shape[-1] != self.dim:
            raise ValueError(f"The 'theta' argument of noisy_quadratic.{what} must be a real array of shape "
                             f"(..., {self.dim}). Got shape {th.shape}, dtype {th.dtype} instead.")
        return th.astype(np.result_type(th, 1.0), copy=False)

    def loss(self, theta: Any, step: Any = None) -> np.ndarray:
        """The exact loss ½ Σ hᵢθᵢ² (``step`` is accepted and ignored: the noise is in the gradient)."""
        th = self._theta(theta, "loss")
        return 0.5 * np.sum(self.h.astype(th.dtype) * th * th, axis=-1)

    def grad(self, theta: Any, step: Any = None) -> np.ndarray:
        """h ⊙ θ, plus the noise √c ⊙ ξ of update ``step`` when ``step`` is given."""
        th = self._theta(theta, "grad")
        g = self.h.astype(th.dtype) * th                               # ∇f = h ⊙ θ
        if step is None:
            return g
        check_integer("noisy_quadratic.grad", "step", step, 0, None)
        xi = np.random.default_rng((int(self.seed), int(step))).standard_normal(self.dim)
        return g + (np.sqrt(self.c) * xi).astype(th.dtype)             # + √c ⊙ ξ_t

    def __repr__(self) -> str:
        return (f"noisy_quadratic(dim={self.dim}, h_min={self.h_min!r}, h_max={self.h_max!r}, "
                f"sigma={self.sigma!r}, seed={self.seed})")


def noisy_quadratic(dim: int = 20, h_min: float = 1e-3, h_max: float = 1.0, sigma: float = 0.03,
                    seed: int = 0) -> NoisyQuadratic:
    r"""The noisy quadratic model: curvatures from ``h_max`` down to ``h_min``, noise variance σ²h.

    Parameters
    ----------
    dim : int in [1, 1000]
        Number of parameters; the start is :math:`\theta_0 = (1, …, 1)`.
    h_min, h_max : float, 0 < h_min <= h_max <= 1e6
        The smallest and largest curvature; the others are geometrically spaced between
        them (so the condition number is ``h_max / h_min``). SGD is stable for
        :math:`\eta < 2/h_\text{max}`.
    sigma : float in [0, 1000]
        Noise level: the gradient noise of coordinate i has variance :math:`c_i = \sigma^2 h_i`.
    seed : int >= 0
        Seed of the noise; update ``step`` uses ``np.random.default_rng((seed, step))``.

    Returns
    -------
    NoisyQuadratic

    Raises
    ------
    ValueError
        An argument outside its range (the message names it).

    References
    ----------
    G. Zhang et al. (2019), *Which Algorithmic Choices Matter at Which Batch Sizes? Insights
    From a Noisy Quadratic Model*, NeurIPS, arXiv:1907.04164.

    Examples
    --------
    >>> q = noisy_quadratic(dim=3, h_min=0.01, h_max=1.0, sigma=0.1)
    >>> print(q.h, q.c, float(q.loss(q.x0)))
    [1.   0.1  0.01] [0.01   0.001  0.0001] 0.555
    """
    return NoisyQuadratic(dim=dim, h_min=h_min, h_max=h_max, sigma=sigma, seed=seed)


def expected_loss(problem: NoisyQuadratic, lrs: Any, theta0: Any = None) -> np.ndarray:
    r"""The exact expected loss :math:`E f(\theta_t)`, t = 0 … T, of SGD with the rates ``lrs``.

    With :math:`m_0 = \theta_0`, :math:`v_0 = 0` and, for each update t,

    .. math::
        m_{t+1} = (1 - \eta_t h) m_t, \qquad v_{t+1} = (1 - \eta_t h)^2 v_t + \eta_t^2 c, \qquad
        E f(\theta_t) = \tfrac12 \textstyle\sum_i h_i (m_{t,i}^2 + v_{t,i}).

    Parameters
    ----------
    problem : NoisyQuadratic
        From :func:`noisy_quadratic`.
    lrs : (T,) or (B, T) array of rates >= 0
        ``lrs[..., t]`` is the rate of update t+1 (``schedule(np.arange(T))``); a leading axis
        gives B schedules at once.
    theta0 : (dim,) array, optional
        Start (default ``problem.x0``).

    Returns
    -------
    (T+1,) or (B, T+1) ndarray
        The expected loss before any update and after each one (like ``ll.run(...).loss``).
        Non-finite once a rate above :math:`2/h_\text{max}` has made it overflow.

    Raises
    ------
    TypeError, ValueError
        ``problem`` not a :class:`NoisyQuadratic`; ``lrs`` not a 1-D or 2-D array of finite
        rates >= 0; ``theta0`` of the wrong shape or not finite.

    Examples
    --------
    >>> q = noisy_quadratic(dim=1, h_min=1.0, h_max=1.0, sigma=1.0)
    >>> print(expected_loss(q, np.full(200, 0.1))[-1].round(4))   # the floor ½ h·ηc/(h(2 − ηh))
    0.0263
    """
    if not isinstance(problem, NoisyQuadratic):
        raise TypeError("The 'problem' argument of expected_loss must be a NoisyQuadratic (noisy_quadratic(...)). "
                        f"Got {type(problem).__name__} instead.")
    eta = np.asarray(lrs, dtype=float)
    if eta.ndim not in (1, 2):
        raise ValueError("The 'lrs' argument of expected_loss must be a (T,) or (B, T) array of rates. "
                         f"Got shape {eta.shape} instead.")
    check_interval("expected_loss", "lrs", eta, 0, None, "left")
    m = problem.x0 if theta0 is None else np.asarray(theta0, dtype=float)
    if m.shape != (problem.dim,):
        raise ValueError(f"The 'theta0' argument of expected_loss must have shape ({problem.dim},). "
                         f"Got shape {m.shape} instead.")
    check_finite("expected_loss", "theta0", m)
    h, c = problem.h, problem.c
    m = np.broadcast_to(m, eta.shape[:-1] + (problem.dim,)).copy()
    v = np.zeros_like(m)
    out = np.empty(eta.shape[:-1] + (eta.shape[-1] + 1,))
    out[..., 0] = 0.5 * np.sum(h * m * m, axis=-1)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(eta.shape[-1]):
            e = eta[..., t, None]
            m = (1 - e * h) * m                                   # m_{t+1} = (1 − η_t h) m_t
            v = (1 - e * h) ** 2 * v + e * e * c                  # v_{t+1} = (1 − η_t h)² v_t + η_t² c
            out[..., t + 1] = 0.5 * np.sum(h * (m * m + v), axis=-1)
    return out
