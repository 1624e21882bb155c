r"""Averages of an optimizer's iterates: Polyak (uniform) averaging and an exponential moving average.

A constant learning rate on noisy gradients never settles: the iterates :math:`\theta_k` keep
jittering around the minimum at a *noise floor* proportional to the rate (lesson 02). Their
**average** does settle. The jitter of successive iterates is (nearly) zero-mean, so averaging
``m`` of them divides its variance by roughly ``m`` (times a correlation factor), without
lowering the rate that made the progress. Two averages of a recorded trajectory
``thetas[k]`` = :math:`\theta_k`, ``k = 0 … K``:

.. math::
    \bar\theta_k = \frac{1}{k - s + 1} \sum_{j=s}^{k} \theta_j \quad (k \ge s)
    \qquad\text{(Polyak–Ruppert, from step } s\text{)}

.. math::
    e_0 = \theta_0, \qquad e_k = \beta\, e_{k-1} + (1 - \beta)\, \theta_k
    \qquad\text{(EMA with decay } \beta\text{)}

The uniform average forgets nothing (its weights are equal), so it is best once the iterates
are stationary and it must start after the transient (``start``); the EMA forgets with a time
constant of about :math:`1/(1-\beta)` steps, so it follows a moving iterate but keeps a noise
floor of its own. Schedule-free SGD (Defazio et al. 2024) keeps the uniform average *inside*
the optimizer, :math:`x_{t+1} = (1 - c_{t+1}) x_t + c_{t+1} z_{t+1}` with
:math:`c_{t+1} = 1/(t+1)`, the running form of the first formula.

API summary
-----------
::

    polyak_average(thetas, start=0) -> (K+1, ...)   # running uniform mean from step `start`
    ema(thetas, decay) -> (K+1, ...)                # e_k = decay·e_{k-1} + (1-decay)·θ_k, e_0 = θ_0

Both take the trajectory along axis 0 (``ll.run(...).theta``, shape ``(steps+1, d)`` or
``(steps+1, B, d)`` for batched runs) and return an array of the same shape whose row ``k``
uses ``thetas[:k+1]`` only (what an optimizer could have kept online). Numpy only.

References: B. T. Polyak and A. B. Juditsky (1992), *Acceleration of Stochastic Approximation by
Averaging*, SIAM J. Control Optim. 30(4):838–855; D. Ruppert (1988), *Efficient Estimations from
a Slowly Convergent Robbins–Monro Process*, Cornell tech. report 781; A. Defazio, X. Yang,
H. Mehta, K. Mishchenko, A. Khaled, A. Cutkosky (2024), *The Road Less Scheduled*,
arXiv:2405.15682 (schedule-free SGD and AdamW as iterate averaging).

>>> thetas = np.array([[0.0], [2.0], [4.0], [6.0]])
>>> print(polyak_average(thetas).ravel(), polyak_average(thetas, start=2).ravel())
[0. 1. 2. 3.] [0. 2. 4. 5.]
>>> print(ema(thetas, decay=0.5).ravel())
[0.   1.   2.5  4.25]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import check_finite, check_integer, check_interval

__all__ = ["polyak_average", "ema"]


def _trajectory(owner: str, thetas: Any) -> np.ndarray:
    """``thetas`` as a float array with a step axis first (ints become float64, float32 stays)."""
    th = np.asarray(thetas)
    if th.ndim < 1 or th.shape[0] < 1 or not np.issubdtype(th.dtype, np.number) or th.dtype == bool:
        raise ValueError(f"The 'thetas' parameter of {owner} must be a numeric array of iterates "
                         f"with the step on axis 0 (shape (steps+1, ...)). Got {_describe(thetas)} instead.")
    th = th.astype(np.result_type(th, 1.0), copy=False)
    check_finite(owner, "thetas", th)
    return th


def _describe(x: Any) -> str:
    a = np.asarray(x)
    return f"shape {a.shape}, dtype {a.dtype}"


def polyak_average(thetas: Any, start: int = 0) -> np.ndarray:
    r"""The running uniform (Polyak–Ruppert) average of the iterates from step ``start`` on.

    Row ``k`` is :math:`\bar\theta_k = \frac{1}{k-s+1}\sum_{j=s}^{k}\theta_j` for
    :math:`k \ge s` (``s`` = ``start``) and :math:`\theta_k` itself before ``start`` (nothing
    averaged yet). Online it is the recursion :math:`\bar\theta_k = \bar\theta_{k-1} +
    (\theta_k - \bar\theta_{k-1})/(k - s + 1)`, schedule-free SGD's :math:`x` update with
    :math:`c = 1/(k-s+1)`.

    Parameters
    ----------
    thetas : (K+1, ...) array
        The iterates, step on axis 0 (e.g. ``ll.run(...).theta``); finite.
    start : int in [0, K]
        The first iterate averaged (``start=0``: all of them). Starting after the transient
        (e.g. at half the run, "tail averaging") keeps the far-away early iterates out.

    Returns
    -------
    (K+1, ...) ndarray
        The averages, same shape and float dtype as ``thetas``.

    Raises
    ------
    ValueError
        ``thetas`` not a finite numeric array with a step axis; ``start`` not an integer in
        ``[0, K]``.

    References
    ----------
    B. T. Polyak and A. B. Juditsky (1992), *Acceleration of Stochastic Approximation by
    Averaging*, SIAM J. Control Optim. 30(4):838–855; D. Ruppert (1988), Cornell tech. report 781.

    Examples
    --------
    >>> thetas = np.array([[1.0, 0.0], [3.0, 2.0], [2.0, 4.0]])
    >>> print(polyak_average(thetas))
    [[1. 0.]
     [2. 1.]
     [2. 2.]]
    """
    th = _trajectory("polyak_average", thetas)
    check_integer("polyak_average", "start", start, 0, th.shape[0] - 1)
    s = int(start)
    out = th.copy()
    counts = np.arange(1, th.shape[0] - s + 1, dtype=th.dtype).reshape((-1,) + (1,) * (th.ndim - 1))
    out[s:] = np.cumsum(th[s:], axis=0) / counts          # θ̄_k = Σ_{j=s}^{k} θ_j / (k − s + 1)
    return out


def ema(thetas: Any, decay: float) -> np.ndarray:
    r"""The exponential moving average of the iterates, started at the first iterate.

    :math:`e_0 = \theta_0`, :math:`e_k = \beta e_{k-1} + (1-\beta)\theta_k` with
    :math:`\beta` = ``decay``. Starting at :math:`\theta_0` (rather than at 0) needs no bias
    correction: every row is a weighted mean of iterates, with weights
    :math:`(1-\beta)\beta^{k-j}` on :math:`\theta_j` (and :math:`\beta^k` on :math:`\theta_0`).
    The average remembers about the last :math:`1/(1-\beta)` iterates.

    Parameters
    ----------
    thetas : (K+1, ...) array
        The iterates, step on axis 0; finite.
    decay : float in [0, 1)
        :math:`\beta`; 0 returns the iterates themselves.

    Returns
    -------
    (K+1, ...) ndarray
        The averages, same shape and float dtype as ``thetas``.

    Raises
    ------
    ValueError
        ``thetas`` not a finite numeric array with a step axis; ``decay`` outside [0, 1).

    References
    ----------
    The EMA of weights as used with a constant rate, e.g. in A. Defazio et al. (2024),
    *The Road Less Scheduled*, arXiv:2405.15682 (§5, compared with schedule-free averaging).

    Examples
    --------
    >>> print(ema(np.array([4.0, 0.0, 0.0, 8.0]), decay=0.75))
    [4.     3.     2.25   3.6875]
    """
    th = _trajectory("ema", thetas)
    if np.ndim(decay) != 0:
        raise ValueError(f"The 'decay' parameter of ema must be a number in [0, 1). Got {_describe(decay)} instead.")
    check_interval("ema", "decay", decay, 0, 1, closed="left")
    beta = float(decay)
    out = np.empty_like(th)
    out[0] = th[0]                                        # e_0 = θ_0
    for k in range(1, th.shape[0]):
        out[k] = beta * out[k - 1] + (1 - beta) * th[k]   # e_k = β e_{k−1} + (1 − β) θ_k
    return out
