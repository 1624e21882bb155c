r"""Adam with its parameters and moments stored in a low-precision format (bfloat16, float16).

Let :math:`\mathrm{fl}(\cdot)` round a real number to the storage format (round to nearest even,
subnormals kept, as ``ml_dtypes.bfloat16`` and numpy's ``float16`` do). :func:`adam_step` is
Kingma & Ba's Algorithm 1 with every line computed exactly (in float64, from the stored values)
and its result stored in the format, one rounding per line, as a fused kernel that keeps the
weights and the optimizer state in that format would:

.. math::
    m_t &= \mathrm{fl}\bigl(\beta_1 m_{t-1} + (1-\beta_1)\, g_t\bigr) \\
    v_t &= \mathrm{fl}\bigl(\beta_2 v_{t-1} + (1-\beta_2)\, g_t^2\bigr) \\
    \Delta\theta_t &= \mathrm{fl}\bigl(-\alpha\, \hat m_t / (\sqrt{\hat v_t} + \mathrm{fl}(\epsilon))\bigr),
    \quad \hat m_t = m_t / (1-\beta_1^t),\ \hat v_t = v_t / (1-\beta_2^t) \\
    \theta_t &= \mathrm{fl}(\theta_{t-1} + \Delta\theta_t)

The hyperparameters stay exact (Python floats, as in PyTorch, where ``1 - beta2`` is a double
scalar); only ε is stored in the format, as a framework that keeps ε in a tensor of the
parameters' dtype does. What the roundings do:

* bfloat16 has float32's exponent range (8 bits) and an 8-bit significand (``eps`` = 2⁻⁷): ε =
  1e-8 is representable, but an update smaller than half the spacing of θ is lost
  (:math:`\mathrm{fl}(\theta + \Delta\theta) = \theta`), and :math:`\beta_2 v` rounds back to
  :math:`v` (relative change 1e-3 < 2⁻⁹), so :math:`v` cannot decay;
* float16 has a 5-bit exponent: ε = 1e-8 and :math:`(1-\beta_2) g^2` for :math:`|g| \lesssim 10^{-4}`
  round to 0, and the step :math:`\hat m / (0 + 0)` is infinite.

References
----------
D. P. Kingma & J. Ba (2015). Adam: A Method for Stochastic Optimization. *ICLR*, arXiv:1412.6980,
Algorithm 1. D. Kalamkar et al. (2019). A Study of BFLOAT16 for Deep Learning Training.
arXiv:1905.12322. P. Micikevicius et al. (2018). Mixed Precision Training. *ICLR*,
arXiv:1710.03740 (why float16 needs loss scaling and a float32 master copy). The bfloat16 dtype:
the ``ml_dtypes`` package (``ml_dtypes.bfloat16``).

>>> import numpy as np
>>> theta, grad = np.array([1.0, 0.01]), np.array([0.3, -0.2])
>>> zero = np.zeros(2)
>>> new, m, v = adam_step(theta, grad, zero, zero, t=1, lr=1e-3, dtype="bfloat16")
>>> new.dtype.name, [float(x) for x in new]           # 1 - 1e-3 rounds back to 1 in bfloat16
('bfloat16', [1.0, 0.010986328125])
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

from ._checks import check_choice, check_integer, check_interval

__all__ = ["FORMATS", "as_format", "adam_step", "stored_adam_update"]

#: The storage formats by name: numpy's own and ``ml_dtypes.bfloat16``.
FORMATS = {
    "bfloat16": np.dtype(ml_dtypes.bfloat16),
    "float16": np.dtype(np.float16),
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
}


def as_format(x: Any, dtype: Any) -> np.ndarray:
    """``x`` rounded to the format ``dtype`` (a name in :data:`FORMATS` or one of its dtypes).

    >>> as_format([1e-8, 0.999, 1 + 2**-9], "bfloat16").astype(float).tolist()
    [1.0011717677116394e-08, 1.0, 1.0]
    >>> float(as_format(1e-8, "float16"))
    0.0
    """
    return np.asarray(np.asarray(x, dtype=np.float64), dtype=_dtype(dtype))


def _dtype(dtype: Any) -> np.dtype:
    if isinstance(dtype, str):
        check_choice("precision", "dtype", dtype, FORMATS)
        return FORMATS[dtype]
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in FORMATS.values():
        raise TypeError(f"The 'dtype' parameter of precision must be one of {list(FORMATS)} (a name or "
                        f"the dtype). Got {dtype!r} instead.")
    return dt


def adam_step(theta: Any, grad: Any, m: Any, v: Any, t: int, lr: float, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8, dtype: Any = "bfloat16"):
    r"""One Adam update with θ, m, v (and ε) stored in ``dtype``; returns ``(theta, m, v)`` in it.

    Let :math:`\alpha` be ``lr``, :math:`\beta_1, \beta_2` the arguments ``beta1``, ``beta2``,
    :math:`\epsilon` the ``eps`` and :math:`t` the update number ``t`` (1 at the first update).
    Each line of Algorithm 1 is computed in float64 from the stored inputs and rounded once
    (:math:`\mathrm{fl}`, the module's equations).

    Parameters
    ----------
    theta, grad, m, v : array_like, one shape
        Parameters, gradient and moments; rounded to ``dtype`` first (a gradient arrives in the
        parameters' format).
    t : int >= 1
        The update number.
    lr : float in [0, inf)
        :math:`\alpha`.
    beta1, beta2 : float in [0, 1)
        :math:`\beta_1, \beta_2`. Defaults 0.9, 0.999.
    eps : float in [0, inf)
        :math:`\epsilon`, stored in ``dtype``. Default 1e-8.
    dtype : str or dtype
        ``"bfloat16"`` (default), ``"float16"``, ``"float32"`` or ``"float64"`` (no rounding).

    Returns
    -------
    theta, m, v : ndarray of ``dtype``
        The new parameters and moments, as stored.

    >>> import numpy as np
    >>> g = np.array([1e-4])                             # (1 - beta2) g^2 = 1e-11
    >>> for fmt in ("bfloat16", "float16"):
    ...     new, m, v = adam_step(np.zeros(1), g, np.zeros(1), np.zeros(1), 1, lr=1e-3, dtype=fmt)
    ...     print(fmt, float(v[0]), float(new[0]))
    bfloat16 1.000444171950221e-11 -0.00099945068359375
    float16 0.0 -inf
    """
    check_integer("precision.adam_step", "t", t, 1)
    check_interval("precision.adam_step", "lr", lr, 0, None, "left")
    check_interval("precision.adam_step", "beta1", beta1, 0, 1, "left")
    check_interval("precision.adam_step", "beta2", beta2, 0, 1, "left")
    check_interval("precision.adam_step", "eps", eps, 0, None, "left")
    dt = _dtype(dtype)
    theta, grad, m, v = (as_format(x, dt) for x in (theta, grad, m, v))
    shapes = {np.shape(x) for x in (theta, grad, m, v)}
    if len(shapes) != 1:
        raise ValueError(f"theta, grad, m and v of precision.adam_step must have one shape. "
                         f"Got {[np.shape(x) for x in (theta, grad, m, v)]} instead.")
    return stored_adam_update(theta, grad, m, v, t, lr, beta1, beta2, eps)


def stored_adam_update(theta, grad, m, v, t, lr, beta1, beta2, eps):
    """Algorithm 1 on θ, g, m, v stored in one format: each line exact, its result stored (fl)."""
    dt = theta.dtype

    def fl(x):                                               # store in the format
        return np.asarray(x, dtype=np.float64).astype(dt)

    def f64(x):                                              # read a stored value exactly
        return np.asarray(x).astype(np.float64)

    eps_ = f64(fl(eps))                                                  # fl(ε)
    m = fl(beta1 * f64(m) + (1 - beta1) * f64(grad))                     # m_t = fl(β₁m + (1-β₁)g)
    v = fl(beta2 * f64(v) + (1 - beta2) * f64(grad) ** 2)                # v_t = fl(β₂v + (1-β₂)g²)
    m_hat, v_hat = f64(m) / (1 - beta1**t), f64(v) / (1 - beta2**t)      # bias corrections
    with np.errstate(divide="ignore", invalid="ignore"):                 # float16: m̂ / 0
        delta = fl(-lr * m_hat / (np.sqrt(v_hat) + eps_))                # Δθ = fl(-α m̂/(√v̂ + ε))
    theta = fl(f64(theta) + f64(delta))                                  # θ_t = fl(θ + Δθ)
    return theta, m, v
