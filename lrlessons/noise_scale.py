r"""The gradient noise scale and the critical batch size (McCandlish et al. 2018).

A minibatch gradient :math:`G_B` of :math:`B` examples is the true gradient :math:`G` plus noise
whose covariance is :math:`\Sigma/B` (:math:`\Sigma` the covariance of one example's gradient).
The *simple noise scale*

.. math::
    \mathcal{B}_\text{simple} = \frac{\operatorname{tr}\Sigma}{|G|^2}

is the batch size at which noise and signal are equally large: :math:`E|G_B - G|^2 =
\operatorname{tr}\Sigma / B` equals :math:`|G|^2` at :math:`B = \mathcal{B}_\text{simple}`.
Below it a bigger batch buys almost proportionally fewer steps; above it, hardly any. The
number of steps to reach a target then follows

.. math::
    S(B) = S_\text{min}\,\bigl(1 + \mathcal{B}_\text{noise}/B\bigr),

and :math:`\mathcal{B}_\text{noise}` (about :math:`\mathcal{B}_\text{simple}` measured near the
target) is the *critical batch size*.

API summary
-----------
::

    per_example_gradients(problem, theta) -> (n, d)      # every example's gradient
    noise_scale(per_example) -> NoiseScale               # exact: g_sq, trace, b_simple
    minibatch_sq_norms(problem, theta, batch_size, draws) -> (draws,)   # |G_B|², one per minibatch
    two_batch_estimate(sq_small, sq_big, b_small, b_big, n=None) -> NoiseScale   # unbiased (App. A.1)
    steps_model(batch_size, s_min, b_noise) -> S(B)
    fit_critical_batch(batch_sizes, steps) -> (s_min, b_noise)
    scaled_lr(lr, batch_size, base_batch, rule="linear" | "sqrt")
    per_run_batches(problem, batch_sizes) -> a problem whose run i draws minibatches of batch_sizes[i]

Everything is numpy only. The data problems of :mod:`lrlessons.problems` draw minibatches
*without* replacement from ``n`` examples, so the noise of a batch is smaller by the finite
population factor :math:`(n - B)/(n - 1)`; :func:`two_batch_estimate` takes ``n`` to undo it.

References: S. McCandlish, J. Kaplan, D. Amodei and the OpenAI Dota Team (2018), *An Empirical
Model of Large-Batch Training*, arXiv:1812.06162 (§2.2 the noise scale, eq. 2.8 the
steps–examples trade-off, Appendix A.1 the unbiased two-batch estimator); P. Goyal et al. (2017),
*Accurate, Large Minibatch SGD*, arXiv:1706.02677 (linear scaling with warmup); S. Malladi,
K. Lyu, A. Panigrahi, S. Arora (2022), *On the SDEs and Scaling Rules for Adaptive Gradient
Algorithms*, arXiv:2205.10287 (square-root scaling for Adam).

>>> from lrlessons import problems
>>> p = problems.linear_regression(n=500, d=4, noise=1.0)
>>> ns = noise_scale(per_example_gradients(p, p.x0))
>>> print(f"|G|^2 = {ns.g_sq:.2f}, tr(Sigma) = {ns.trace:.2f}, B_simple = {ns.b_simple:.2f}")
|G|^2 = 249.22, tr(Sigma) = 801.00, B_simple = 3.21
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import numpy as np

from ._checks import check_choice, check_integer, check_interval

__all__ = [
    "NoiseScale",
    "per_example_gradients",
    "noise_scale",
    "minibatch_sq_norms",
    "two_batch_estimate",
    "steps_model",
    "fit_critical_batch",
    "scaled_lr",
    "per_run_batches",
    "PerRunBatches",
    "MAX_DRAWS",
]

#: The most minibatches :func:`minibatch_sq_norms` draws (one gradient call each).
MAX_DRAWS = 100_000


class NoiseScale(NamedTuple):
    """``g_sq`` = :math:`|G|^2`, ``trace`` = :math:`\\operatorname{tr}\\Sigma`,
    ``b_simple`` = their ratio :math:`\\mathcal{B}_\\text{simple}`."""

    g_sq: float
    trace: float
    b_simple: float


def _data_problem(owner: str, problem: Any) -> None:
    if not (dataclasses.is_dataclass(problem) and hasattr(problem, "n") and hasattr(problem, "batch_size")):
        raise TypeError(f"The 'problem' argument of {owner} must be a data problem of lrlessons.problems "
                        f"(linear_regression, logistic_regression or mlp). Got {problem!r} instead.")


def _with_batch(problem: Any, batch_size: int) -> Any:
    """The same data (same ``seed``) drawn in minibatches of ``batch_size``."""
    return dataclasses.replace(problem, batch_size=int(batch_size))


def _theta(owner: str, problem: Any, theta: Any) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (problem.dim,):
        raise ValueError(f"The 'theta' argument of {owner} must have shape ({problem.dim},). "
                         f"Got shape {theta.shape} instead.")
    check_interval(owner, "theta", theta, None, None)
    return theta


def per_example_gradients(problem: Any, theta: Any) -> np.ndarray:
    r"""The gradient of each of the ``n`` examples' losses at ``theta``, shape ``(n, d)``.

    Row ``i`` is :math:`\nabla \ell_i(\theta)` (the problem's gradient on a batch of one
    example; the rows come in the problem's shuffled order). Their mean is the full-batch
    gradient :math:`G`.

    Parameters
    ----------
    problem : data problem
        ``problems.linear_regression``, ``logistic_regression`` or ``mlp`` (any batch size).
    theta : (d,) array of finite numbers
        Where to evaluate.

    Examples
    --------
    >>> from lrlessons import problems
    >>> p = problems.linear_regression(n=50)
    >>> g = per_example_gradients(p, p.x0)
    >>> g.shape, bool(np.allclose(g.mean(axis=0), p.grad(p.x0)))
    ((50, 2), True)
    """
    _data_problem("per_example_gradients", problem)
    theta = _theta("per_example_gradients", problem, theta)
    single = _with_batch(problem, 1)
    return np.stack([single.grad(theta, step=i) for i in range(problem.n)])


def noise_scale(per_example: Any) -> NoiseScale:
    r"""The exact noise scale of a data set from its per-example gradients :math:`g_i`.

    .. math::
        G = \frac1n \sum_i g_i, \qquad
        \operatorname{tr}\Sigma = \frac1n \sum_i |g_i - G|^2, \qquad
        \mathcal{B}_\text{simple} = \operatorname{tr}\Sigma / |G|^2

    Parameters
    ----------
    per_example : (n, d) array of finite numbers, n >= 2
        E.g. :func:`per_example_gradients`.

    Returns
    -------
    NoiseScale
        ``(g_sq, trace, b_simple)``; ``b_simple`` is ``inf`` where :math:`G = 0` (a minimum).

    >>> noise_scale([[1.0, 0.0], [3.0, 0.0]])
    NoiseScale(g_sq=4.0, trace=1.0, b_simple=0.25)
    """
    g = np.asarray(per_example, dtype=float)
    if g.ndim != 2 or g.shape[0] < 2:
        raise ValueError("The 'per_example' argument of noise_scale must be an (n, d) array with n >= 2 "
                         f"(one gradient per row). Got shape {g.shape} instead.")
    check_interval("noise_scale", "per_example", g, None, None)
    G = g.mean(axis=0)                                           # the full-batch gradient
    g_sq = float(G @ G)                                          # |G|²
    trace = float(np.mean(np.sum((g - G) ** 2, axis=1)))         # tr Σ
    return NoiseScale(g_sq, trace, trace / g_sq if g_sq > 0 else float("inf"))


def minibatch_sq_norms(problem: Any, theta: Any, batch_size: int, draws: int) -> np.ndarray:
    r""":math:`|G_B|^2` for ``draws`` consecutive minibatches of ``batch_size`` at a fixed ``theta``.

    Minibatch ``k`` is the problem's minibatch ``step = k`` with batch size ``batch_size``
    (the same shuffles as a training run). These are the measurements a training run has
    for free; :func:`two_batch_estimate` turns two batch sizes' worth into the noise scale.

    Parameters
    ----------
    problem : data problem
        Its ``batch_size`` is replaced by ``batch_size``.
    theta : (d,) array of finite numbers
    batch_size : int in [1, n]
    draws : int in [1, 100_000]

    Examples
    --------
    >>> from lrlessons import problems
    >>> p = problems.linear_regression(n=100)
    >>> minibatch_sq_norms(p, p.x0, batch_size=100, draws=2).round(4).tolist()
    [27.0768, 27.0768]
    """
    _data_problem("minibatch_sq_norms", problem)
    theta = _theta("minibatch_sq_norms", problem, theta)
    check_integer("minibatch_sq_norms", "batch_size", batch_size, 1, problem.n)
    check_integer("minibatch_sq_norms", "draws", draws, 1, MAX_DRAWS)
    batched = _with_batch(problem, batch_size)
    grads = np.stack([batched.grad(theta, step=k) for k in range(int(draws))])
    return np.sum(grads * grads, axis=1)


def two_batch_estimate(sq_small: Any, sq_big: Any, b_small: int, b_big: int, n: int | None = None) -> NoiseScale:
    r"""McCandlish et al.'s unbiased estimate of :math:`|G|^2`, :math:`\operatorname{tr}\Sigma` and
    :math:`\mathcal{B}_\text{simple}` from squared gradient norms at two batch sizes.

    A minibatch of :math:`B` examples has :math:`E|G_B|^2 = |G|^2 + c_B \operatorname{tr}\Sigma/B`
    (:math:`c_B = 1` drawing with replacement, :math:`c_B = (n-B)/(n-1)` without, from ``n``
    examples). Two batch sizes give two equations; solved (their Appendix A.1, with
    :math:`k_B = c_B/B`):

    .. math::
        \operatorname{tr}\Sigma \approx \frac{|G_{B_s}|^2 - |G_{B_b}|^2}{k_{B_s} - k_{B_b}}, \qquad
        |G|^2 \approx \frac{k_{B_s}|G_{B_b}|^2 - k_{B_b}|G_{B_s}|^2}{k_{B_s} - k_{B_b}}

    Each is unbiased; their ratio is not, so (as the paper advises) average many measurements
    of each *before* dividing: ``sq_small`` and ``sq_big`` may be arrays, which are averaged.

    Parameters
    ----------
    sq_small, sq_big : float or array of finite numbers >= 0
        Measurements of :math:`|G_B|^2` at the small and the big batch size.
    b_small, b_big : int >= 1, b_small < b_big
        The two batch sizes (``b_big`` may be the full batch ``n``).
    n : int >= b_big, optional
        The number of examples, when minibatches are drawn without replacement (as the
        lessons' problems do). ``None``: with replacement (an infinite data set).

    Examples
    --------
    >>> two_batch_estimate(5.0, 2.0, 1, 4)          # |G|² + trΣ/B at B = 1 and 4: |G|² = 1, trΣ = 4
    NoiseScale(g_sq=1.0, trace=4.0, b_simple=4.0)
    """
    check_interval("two_batch_estimate", "sq_small", sq_small, 0, None, "both")
    check_interval("two_batch_estimate", "sq_big", sq_big, 0, None, "both")
    check_integer("two_batch_estimate", "b_small", b_small, 1, None)
    check_integer("two_batch_estimate", "b_big", b_big, int(b_small) + 1, None)
    if n is not None:
        check_integer("two_batch_estimate", "n", n, int(b_big), None)
    small, big = float(np.mean(sq_small)), float(np.mean(sq_big))

    def k(b: int) -> float:                                      # k_B = c_B / B
        return (1.0 if n is None else (n - b) / (n - 1)) / b

    ks, kb = k(int(b_small)), k(int(b_big))
    trace = (small - big) / (ks - kb)                            # tr Σ
    g_sq = (ks * big - kb * small) / (ks - kb)                   # |G|²
    return NoiseScale(g_sq, trace, trace / g_sq if g_sq > 0 else float("inf"))


def steps_model(batch_size: Any, s_min: float, b_noise: float) -> np.ndarray:
    r"""Steps to a target at batch size :math:`B`: :math:`S(B) = S_\text{min}(1 + \mathcal{B}_\text{noise}/B)`.

    Perfect scaling (:math:`S \propto 1/B`) for :math:`B \ll \mathcal{B}_\text{noise}`, no gain for
    :math:`B \gg \mathcal{B}_\text{noise}`; at :math:`B = \mathcal{B}_\text{noise}` twice the minimum.
    (McCandlish et al. 2018, eq. 2.11.)

    >>> steps_model([1, 10, 100], s_min=10.0, b_noise=10.0).tolist()
    [110.0, 20.0, 11.0]
    """
    check_interval("steps_model", "batch_size", batch_size, 0, None, "neither")
    check_interval("steps_model", "s_min", s_min, 0, None, "neither")
    check_interval("steps_model", "b_noise", b_noise, 0, None, "both")
    return s_min * (1 + b_noise / np.asarray(batch_size, dtype=float))


def fit_critical_batch(batch_sizes: Any, steps: Any) -> tuple[float, float]:
    r"""Fit :math:`S(B) = S_\text{min}(1 + \mathcal{B}_\text{noise}/B)` to measured steps-to-target.

    :math:`S` is linear in :math:`1/B`: :math:`S = a + c/B` with :math:`a = S_\text{min}` and
    :math:`c = S_\text{min}\mathcal{B}_\text{noise}`. The fit is least squares on the
    *relative* error :math:`\sum_i \bigl((S_i - a - c/B_i)/S_i\bigr)^2`, so the many steps of the
    smallest batch do not outweigh the few of the largest.

    Parameters
    ----------
    batch_sizes : 1-D array of numbers > 0, at least 2 distinct
    steps : 1-D array of numbers > 0, same length

    Returns
    -------
    (s_min, b_noise) : tuple of float
        ``ValueError`` when the fit has no positive :math:`S_\text{min}` (steps that do not level off)
        or a negative slope (steps that grow with the batch).

    >>> s_min, b_noise = fit_critical_batch([1, 10, 100], [110, 20, 11])
    >>> print(f"{s_min:.6f} {b_noise:.6f}")
    10.000000 10.000000
    """
    b = np.asarray(batch_sizes, dtype=float)
    s = np.asarray(steps, dtype=float)
    check_interval("fit_critical_batch", "batch_sizes", b, 0, None, "neither")
    check_interval("fit_critical_batch", "steps", s, 0, None, "neither")
    if b.ndim != 1 or s.shape != b.shape or np.unique(b).size < 2:
        raise ValueError("The 'batch_sizes' and 'steps' arguments of fit_critical_batch must be 1-D arrays of one "
                         f"length with at least 2 distinct batch sizes. Got shapes {b.shape} and {s.shape} instead.")
    A = np.stack([np.ones_like(b), 1 / b], axis=1) / s[:, None]  # rows (1, 1/B_i) / S_i
    (a, c), *_ = np.linalg.lstsq(A, np.ones_like(s), rcond=None)
    if c < 0:
        raise ValueError("fit_critical_batch needs steps that fall as the batch grows; these grow with the batch "
                         f"(S ≈ {a:.3g} {c:+.3g}/B).")
    if not a > 1e-9 * s.max():
        raise ValueError(f"fit_critical_batch found no positive S_min (got {a:.3g}): the steps do not level off "
                         "as the batch grows, so there is no critical batch size in this range.")
    return float(a), float(c / a)


def scaled_lr(lr: Any, batch_size: Any, base_batch: float, rule: str = "linear") -> np.ndarray:
    r"""A learning rate tuned at ``base_batch`` carried to ``batch_size`` by a scaling rule.

    .. math::
        \eta(B) = \eta_0 \, (B / B_0) \;\; \text{(linear: SGD, Goyal et al. 2017)}, \qquad
        \eta(B) = \eta_0 \, \sqrt{B / B_0} \;\; \text{(sqrt: Adam, Malladi et al. 2022)}

    Both hold only below the critical batch size; Goyal et al. add a warmup for the first epochs.

    >>> scaled_lr(0.1, [32, 128], base_batch=32).tolist(), scaled_lr(1e-3, 128, 32, "sqrt").item()
    ([0.1, 0.4], 0.002)
    """
    check_interval("scaled_lr", "lr", lr, 0, None, "both")
    check_interval("scaled_lr", "batch_size", batch_size, 0, None, "neither")
    check_interval("scaled_lr", "base_batch", base_batch, 0, None, "neither")
    check_choice("scaled_lr", "rule", rule, ("linear", "sqrt"))
    k = np.asarray(batch_size, dtype=float) / base_batch
    return np.asarray(lr, dtype=float) * (k if rule == "linear" else np.sqrt(k))


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class PerRunBatches:
    """A data problem whose run ``i`` draws its minibatches of ``batch_sizes[i]`` examples.

    ``grad(theta, step)`` with ``theta`` of shape ``(B, d)`` gives row ``i`` the gradient on
    minibatch ``step`` of ``problem`` with batch size ``batch_sizes[i]`` (the problem's own
    deterministic shuffles), so a grid of (batch size × learning rate) is one batched
    :func:`lrlessons.run`; ``loss(theta)`` is the full-batch loss. Build it with
    :func:`per_run_batches`.
    """

    problem: Any
    batch_sizes: np.ndarray

    def __post_init__(self):
        groups = tuple((_with_batch(self.problem, b), np.flatnonzero(self.batch_sizes == b))
                       for b in np.unique(self.batch_sizes))
        object.__setattr__(self, "groups", groups)

    @property
    def x0(self) -> np.ndarray:
        return self.problem.x0

    @property
    def dim(self) -> int:
        return self.problem.dim

    @property
    def minimum_loss(self):
        return self.problem.minimum_loss

    def loss(self, theta: Any, step: Any = None) -> np.ndarray:
        """The full-batch loss (``step`` is ignored: runs are compared on the whole data)."""
        return self.problem.loss(theta)

    def grad(self, theta: Any, step: Any = None) -> np.ndarray:
        """Row ``i``: the gradient on minibatch ``step`` of size ``batch_sizes[i]``."""
        theta = np.asarray(theta)
        if theta.shape[:-1] != self.batch_sizes.shape:
            raise ValueError(f"The 'theta' argument of per_run_batches(...).grad must have shape "
                             f"({self.batch_sizes.size}, {self.dim}) (one row per run). Got shape {theta.shape} instead.")
        out = np.empty(theta.shape, dtype=float if theta.dtype.kind != "f" else theta.dtype)
        for problem_b, rows in self.groups:                       # one call per distinct batch size
            out[rows] = problem_b.grad(theta[rows], step=step)
        return out

    def __repr__(self) -> str:
        return f"per_run_batches({self.problem!r}, batch_sizes={self.batch_sizes.tolist()!r})"


def per_run_batches(problem: Any, batch_sizes: Any) -> PerRunBatches:
    """Runs that differ in batch size, in one batched :func:`lrlessons.run` (see :class:`PerRunBatches`).

    Parameters
    ----------
    problem : data problem
        ``linear_regression``, ``logistic_regression`` or ``mlp`` (its own ``batch_size`` is ignored).
    batch_sizes : (B,) array of ints in [1, n]
        One batch size per run; pair it with ``(B,)`` hyperparameters of the optimizer.

    Examples
    --------
    >>> import lrlessons as ll
    >>> from lrlessons import optimizers, problems
    >>> p = problems.linear_regression(n=64, batch_size=8)
    >>> both = per_run_batches(p, [8, 64])
    >>> traj = ll.run(optimizers.sgd(lr=[0.05, 0.05]), both, steps=3)
    >>> alone = ll.run(optimizers.sgd(lr=0.05), p, steps=3)
    >>> bool(np.array_equal(traj.theta_last[0], alone.theta_last))
    True
    """
    _data_problem("per_run_batches", problem)
    sizes = np.asarray(batch_sizes)
    check_integer("per_run_batches", "batch_sizes", sizes, 1, problem.n)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError("The 'batch_sizes' argument of per_run_batches must be a non-empty 1-D array (one batch "
                         f"size per run). Got shape {sizes.shape} instead.")
    sizes = sizes.astype(int)
    sizes.setflags(write=False)
    return PerRunBatches(problem, sizes)
