r"""Loss functions with analytic gradients, vectorized over a leading batch (run) axis.

API summary
-----------
2-D surfaces (``dim == 2``; ``minimum``, ``minimum_loss`` and plotting ``bounds`` known)::

    quadratic(condition_number=10.0, angle=0.0, L=1.0, dim=2, x0=None)  # .hessian, .eigenvalues
    rosenbrock(a=1.0, b=100.0)        beale()        himmelblau()      # .minima (all four)
    saddle()                          ravine(scale=100.0)              # badly scaled valley

Data problems on generated, seeded data (``batch_size=None`` = full batch)::

    linear_regression(n=200, d=2, noise=0.5, batch_size=None, seed=0)   # .hessian, .eigenvalues
    logistic_regression(n=200, d=2, separation=1.5, l2=0.01, batch_size=None, seed=0)
    mlp(n=200, hidden=8, noise=0.1, dataset="moons", batch_size=None, seed=0)  # .accuracy(theta)

The interface every problem shares
----------------------------------
``problem.loss(theta, step=None)``
    The loss; ``theta`` has shape ``(..., dim)`` and the result shape ``theta.shape[:-1]``.
    ``step=None`` is the full-batch loss; a data problem with a ``batch_size`` returns the
    loss of minibatch ``step`` when ``step`` is given (2-D surfaces ignore ``step``).
``problem.grad(theta, step=None)``
    The gradient, shape ``theta.shape``; ``step`` picks the minibatch exactly as in ``loss``.

``.x0`` (start, ``(dim,)``), ``.minimum`` (``(dim,)`` or ``None`` when unknown, e.g. the MLP),
``.minimum_loss`` (float or ``None``), ``.bounds`` (``((xmin, xmax), (ymin, ymax))`` for a
contour plot, or ``None``), ``.name``, ``.dim``, ``.stochastic`` (``True`` when ``grad`` depends
on ``step``).

Any leading axes of ``theta`` are runs: ``loss(theta)[i] == loss(theta[i])``, so B
hyperparameter settings evaluate in one vectorized call. Problems are frozen dataclasses
whose ``repr`` is the factory call that made them; their arrays are read-only.

Every factory checks its arguments (finite real numbers, integers in range, sizes bounded by
:data:`MAX_DIM`, :data:`MAX_EXAMPLES`, :data:`MAX_FEATURES`, :data:`MAX_HIDDEN`, :data:`MAX_NOISE`,
:data:`MAX_SEPARATION`, :data:`MAX_COEFFICIENT`) and raises a
``ValueError``/``TypeError`` naming the argument; ``loss`` and ``grad`` refuse complex or
non-numeric ``theta``.

Minibatches are deterministic given ``(seed, step)``: the ``n`` examples are shuffled once
per epoch with ``np.random.default_rng([seed, epoch])`` and minibatch ``step`` is slice
``step % n_batches`` of epoch ``step // n_batches`` (the last, short slice is dropped).
:func:`lrlessons.run` passes the optimizer's ``state.count`` as ``step``, so the first
update uses minibatch 0 and a resumed run sees the same batches as an uninterrupted one.

>>> p = rosenbrock()
>>> p
rosenbrock(a=1.0, b=100.0)
>>> print(f"{float(p.loss(p.x0)):.2f}", p.grad(np.zeros((3, 2))).shape)
12.50 (3, 2)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ._checks import check_choice, check_integer, check_interval

__all__ = [
    "Problem",
    "quadratic",
    "rosenbrock",
    "beale",
    "himmelblau",
    "saddle",
    "ravine",
    "linear_regression",
    "logistic_regression",
    "mlp",
    "SURFACES",
    "MAX_DIM",
    "MAX_EXAMPLES",
    "MAX_FEATURES",
    "MAX_HIDDEN",
    "MAX_NOISE",
    "MAX_SEPARATION",
    "MAX_COEFFICIENT",
]


#: Size bounds (a typo such as ``n=10**9`` must raise, not exhaust memory): the quadratic's
#: dense Hessian is ``dim × dim``; a data problem holds ``n × d`` features.
MAX_DIM = 1000
MAX_EXAMPLES = 100_000
MAX_FEATURES = 100
MAX_HIDDEN = 256
#: Data scales beyond which the generated data no longer fit in floating point (the least
#: squares loss overflows; Newton's method for the logistic minimum breaks down).
MAX_NOISE = 1e6
MAX_SEPARATION = 1e3
#: The surfaces' coefficients (the quadratic's ``L``, Rosenbrock's ``a`` and ``b``, the ravine's
#: ``scale`` and its inverse) stay within this, so loss and gradient stay finite over the plotting bounds.
MAX_COEFFICIENT = 1e6


def _number(owner: str, name: str, value: Any) -> float:
    """``value`` as a float, checked first: a finite real number (NaN, inf and strings raise)."""
    check_interval(owner, name, value, None, None)
    if np.ndim(value) != 0:
        raise TypeError(f"The {name!r} parameter of {owner} must be a single number. Got {value!r} instead.")
    return float(value)


def _frozen(a: Any) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _pair(gx: Any, gy: Any, like: np.ndarray) -> np.ndarray:
    """Stack two coordinates' gradients on a last axis of 2 (cheaper than ``np.stack``)."""
    out = np.empty(like.shape, like.dtype)
    out[..., 0] = gx
    out[..., 1] = gy
    return out


def _xy(theta: np.ndarray) -> tuple:
    """The coordinates ``(x, y)`` of 2-D parameters ``(..., 2)``: numpy scalars for one point
    (several times cheaper than 0-d arrays in a run's loop), views of a batch; the same
    numbers either way."""
    if theta.ndim == 1:
        return theta[0], theta[1]
    return theta[..., 0], theta[..., 1]


def _float(theta: np.ndarray) -> np.ndarray:
    if theta.dtype.kind != "f":                                  # ints, bools -> float64
        theta = theta.astype(np.float64)
    return theta


@dataclass(frozen=True, eq=False, repr=False)
class Problem:
    """Base class: validation, the shared attributes and a ``repr`` that is the factory call.

    Subclasses implement ``_loss(theta, idx)`` and ``_grad(theta, idx)``, where ``idx`` is
    ``None`` (full batch) or the example indices of a minibatch.
    """

    name = "problem"
    dim = 2
    stochastic = False

    # attributes every problem sets in __post_init__ (not constructor arguments)
    def _set(self, **values: Any) -> None:
        for key, value in values.items():
            if isinstance(value, np.ndarray):
                value = _frozen(value)
            object.__setattr__(self, key, value)

    def _theta(self, theta: Any, what: str) -> np.ndarray:
        if type(theta) is not np.ndarray:
            try:
                theta = np.asarray(theta)
            except (TypeError, ValueError):                   # a ragged list
                theta = np.asarray(None, dtype=object)
        if theta.dtype.kind not in "fiub":
            raise TypeError(f"The 'theta' argument of {self.name}.{what} must be a real array. "
                            f"Got dtype {theta.dtype} instead.")
        theta = _float(theta)
        if theta.ndim == 0 or theta.shape[-1] != self.dim:
            raise ValueError(
                f"The 'theta' argument of {self.name}.{what} must have shape (..., {self.dim}) "
                f"(last axis = the {self.dim} parameters). Got shape {theta.shape} instead."
            )
        return theta

    def _indices(self, step: Any):
        return None

    def loss(self, theta: Any, step: Any = None) -> np.ndarray:
        """The loss at ``theta`` (shape ``(..., dim)`` -> ``(...)``); see the module docstring."""
        return self._loss(self._theta(theta, "loss"), self._indices(step))

    def grad(self, theta: Any, step: Any = None) -> np.ndarray:
        """The gradient at ``theta`` (same shape as ``theta``); see the module docstring."""
        return self._grad(self._theta(theta, "grad"), self._indices(step))

    def __repr__(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{self.name}({args})"


# ---------------------------------------------------------------------------------------
# 2-D surfaces
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Quadratic(Problem):
    r"""f(θ) = ½ θᵀ A θ with eigenvalues of A in [μ, L] = [L/κ, L]; minimum 0 at the origin.

    For ``dim == 2``, :math:`A = R(\phi)\,\mathrm{diag}(\mu, L)\,R(\phi)^T` with ``angle`` φ
    (radians) rotating the valley; for ``dim > 2`` the eigenvalues are geometrically spaced
    from μ to L on the coordinate axes. ``eigenvalues`` returns ``(lam_min, L)`` = (μ, L) for the formulas
    of :mod:`lrlessons.theory`.
    """

    condition_number: float = 10.0
    angle: float = 0.0
    L: float = 1.0
    dim: int = 2
    x0: Any = field(default=None, repr=False)
    name = "quadratic"

    def __post_init__(self):
        check_interval("quadratic", "condition_number", self.condition_number, 1, None, "left")
        check_interval("quadratic", "angle", self.angle, None, None)
        check_interval("quadratic", "L", self.L, 0, MAX_COEFFICIENT, "right")
        check_integer("quadratic", "dim", self.dim, 1, MAX_DIM)
        object.__setattr__(self, "dim", int(self.dim))
        mu = self.L / self.condition_number
        if self.dim == 2:
            c, s = np.cos(self.angle), np.sin(self.angle)
            R = np.array([[c, -s], [s, c]])
            A = R @ np.diag([mu, self.L]) @ R.T
            x0 = np.array([-4.0, 3.0]) if self.x0 is None else self.x0
        else:
            if self.angle != 0.0:
                raise ValueError(f"The 'angle' parameter of quadratic is only defined for dim=2. Got angle={self.angle!r} with dim={self.dim}.")
            A = np.diag(np.geomspace(mu, self.L, self.dim))
            x0 = np.ones(self.dim) if self.x0 is None else self.x0
        check_interval("quadratic", "x0", x0, None, None)              # real and finite
        x0 = np.asarray(x0, dtype=float)
        if x0.shape != (self.dim,):
            raise ValueError(f"The 'x0' parameter of quadratic must have shape ({self.dim},). Got shape {x0.shape} instead.")
        self._set(hessian=A, eigenvalues=(float(mu), float(self.L)), x0=x0,
                  minimum=np.zeros(self.dim), minimum_loss=0.0, bounds=((-5.0, 5.0), (-5.0, 5.0)))

    def _loss(self, theta, idx):
        return 0.5 * np.sum(theta * self._grad(theta, idx), axis=-1)   # ½ θᵀ(Aθ)

    def _grad(self, theta, idx):
        return np.einsum("ij,...j->...i", self.hessian.astype(theta.dtype), theta)   # ∇f = Aθ


def quadratic(condition_number: float = 10.0, angle: float = 0.0, L: float = 1.0, dim: int = 2,
              x0: Any = None) -> Quadratic:
    r"""A convex quadratic :math:`f(\theta) = \tfrac12 \theta^T A \theta` with condition number κ.

    Every argument is checked (finite numbers; ``ValueError``/``TypeError`` naming it).

    Parameters
    ----------
    condition_number : float in [1, inf)
        κ = L/μ, the ratio of the largest to the smallest eigenvalue of the Hessian A.
    angle : finite float
        Rotation of the principal axes in radians (``dim == 2`` only).
    L : float in (0, 1e6]
        The largest eigenvalue (the smallest is ``L / condition_number``).
    dim : int in [1, 1000]
        Number of parameters (the Hessian is stored dense: :data:`MAX_DIM`).
    x0 : (dim,) array of finite numbers, optional
        Start; default ``(-4, 3)`` in 2-D, all ones otherwise.

    Examples
    --------
    >>> q = quadratic(condition_number=100)
    >>> q.eigenvalues, q.grad(np.array([1.0, 1.0])).tolist()
    ((0.01, 1.0), [0.01, 1.0])
    """
    return Quadratic(condition_number=_number("quadratic", "condition_number", condition_number),
                     angle=_number("quadratic", "angle", angle), L=_number("quadratic", "L", L), dim=dim, x0=x0)


@dataclass(frozen=True, eq=False, repr=False)
class Rosenbrock(Problem):
    """f(x, y) = (a − x)² + b (y − x²)²: a curved banana valley, minimum 0 at (a, a²)."""

    a: float = 1.0
    b: float = 100.0
    name = "rosenbrock"

    def __post_init__(self):
        check_interval("rosenbrock", "a", self.a, -MAX_COEFFICIENT, MAX_COEFFICIENT, "both")
        check_interval("rosenbrock", "b", self.b, 0, MAX_COEFFICIENT, "right")
        a = self.a
        self._set(x0=np.array([-1.5, 2.0]), minimum=np.array([a, a * a]), minimum_loss=0.0,
                  bounds=((-2.0, 2.0), (-1.0, 3.0)))

    def _loss(self, theta, idx):
        x, y = _xy(theta)
        u, r = self.a - x, y - x * x                             # products, not **: numpy scalars and
        return u * u + self.b * r * r                            # arrays then round alike (batched == loop)

    def _grad(self, theta, idx):
        x, y = _xy(theta)
        r = y - x * x
        return _pair(-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r, theta)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Rosenbrock:
    """Rosenbrock's banana: ``(a - x)² + b (y - x²)²``, minimum 0 at ``(a, a²)``; start (-1.5, 2).

    >>> print(rosenbrock().grad(np.array([1.0, 1.0])) + 0.0)
    [0. 0.]
    """
    return Rosenbrock(a=_number("rosenbrock", "a", a), b=_number("rosenbrock", "b", b))


@dataclass(frozen=True, eq=False, repr=False)
class Beale(Problem):
    """f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum 0 at (3, 0.5)."""

    name = "beale"

    def __post_init__(self):
        self._set(x0=np.array([1.0, 1.5]), minimum=np.array([3.0, 0.5]), minimum_loss=0.0,
                  bounds=((-4.5, 4.5), (-4.5, 4.5)))

    _C = (1.5, 2.25, 2.625)

    def _loss(self, theta, idx):
        x, y = _xy(theta)
        total, yk = 0.0, 1.0
        for c in self._C:
            yk = yk * y                                          # y^k by products (see Rosenbrock)
            r = c - x + x * yk
            total = total + r * r
        return total

    def _grad(self, theta, idx):
        x, y = _xy(theta)
        gx = gy = 0.0
        yk1 = 1.0                                                # y^{k−1}
        for i, c in enumerate(self._C):
            k = i + 1
            yk = yk1 * y                                         # y^k
            r = c - x + x * yk                                   # residual r_k
            gx = gx + 2 * r * (yk - 1)                           # ∂r_k/∂x = y^k − 1
            gy = gy + 2 * r * (k * x * yk1)                      # ∂r_k/∂y = k x y^{k−1}
            yk1 = yk
        return _pair(gx, gy, theta)


def beale() -> Beale:
    """Beale's function: flat plateaus and steep walls, minimum 0 at (3, 0.5); start (1, 1.5).

    >>> print(beale().grad(np.array([3.0, 0.5])))
    [0. 0.]
    """
    return Beale()


@dataclass(frozen=True, eq=False, repr=False)
class Himmelblau(Problem):
    """f = (x² + y − 11)² + (x + y² − 7)²: four minima of value 0 (``.minima``)."""

    name = "himmelblau"

    def __post_init__(self):
        minima = np.array([[3.0, 2.0], [-2.805118086952745, 3.131312518250573],
                           [-3.779310253377747, -3.283185991286169], [3.584428340330492, -1.848126526964404]])
        self._set(x0=np.array([0.0, 0.0]), minimum=minima[0], minima=minima, minimum_loss=0.0,
                  bounds=((-5.0, 5.0), (-5.0, 5.0)))

    def _loss(self, theta, idx):
        x, y = _xy(theta)
        r1, r2 = x * x + y - 11, x + y * y - 7
        return r1 * r1 + r2 * r2

    def _grad(self, theta, idx):
        x, y = _xy(theta)
        r1 = x * x + y - 11
        r2 = x + y * y - 7
        return _pair(4 * x * r1 + 2 * r2, 2 * r1 + 4 * y * r2, theta)


def himmelblau() -> Himmelblau:
    """Himmelblau's function: four minima (``.minima``; ``.minimum`` is (3, 2)); start (0, 0).

    >>> h = himmelblau()
    >>> bool(np.abs(h.grad(h.minima)).max() < 1e-12)
    True
    """
    return Himmelblau()


@dataclass(frozen=True, eq=False, repr=False)
class Saddle(Problem):
    """f(x, y) = ½x² − ½y² + ¼y⁴: a saddle at the origin, minima −¼ at (0, ±1)."""

    name = "saddle"

    def __post_init__(self):
        self._set(x0=np.array([1.5, 1e-3]), minimum=np.array([0.0, 1.0]), minimum_loss=-0.25,
                  minima=np.array([[0.0, 1.0], [0.0, -1.0]]), saddle_point=np.array([0.0, 0.0]),
                  bounds=((-2.0, 2.0), (-2.0, 2.0)))

    def _loss(self, theta, idx):
        x, y = _xy(theta)
        y2 = y * y
        return 0.5 * x * x - 0.5 * y2 + 0.25 * y2 * y2

    def _grad(self, theta, idx):
        x, y = _xy(theta)
        return _pair(x, -y + y * y * y, theta)


def saddle() -> Saddle:
    """A saddle point at the origin between two minima (0, ±1); the start (1.5, 0.001) lies
    almost on the saddle's attracting direction, so plain gradient descent stalls there.

    >>> s = saddle()
    >>> print(s.grad(s.saddle_point) + 0.0, float(s.loss(s.minimum)))
    [0. 0.] -0.25
    """
    return Saddle()


@dataclass(frozen=True, eq=False, repr=False)
class Ravine(Problem):
    r"""f(x, y) = ½x² + (√(1 + y²) − 1)/s: a steep direction and a long, nearly flat one.

    ∂f/∂x = x (curvature 1, so gradient descent needs lr < 2) while
    \|∂f/∂y\| = \|y\|/(s√(1+y²)) < 1/s: along y the gradient is ``scale`` times smaller and
    almost constant. Gradient descent crawls along y at about lr/s per step; methods that
    divide by a running gradient magnitude (Adagrad, RMSprop, Adam) take steps of about lr in
    both coordinates.
    """

    scale: float = 100.0
    name = "ravine"

    def __post_init__(self):
        check_interval("ravine", "scale", self.scale, 1 / MAX_COEFFICIENT, MAX_COEFFICIENT, "both")
        self._set(x0=np.array([1.0, 8.0]), minimum=np.array([0.0, 0.0]), minimum_loss=0.0,
                  bounds=((-2.0, 2.0), (-2.0, 10.0)))

    def _loss(self, theta, idx):
        x, y = _xy(theta)
        return 0.5 * x * x + (np.sqrt(1 + y * y) - 1) / self.scale

    def _grad(self, theta, idx):
        x, y = _xy(theta)
        return _pair(x, y / (self.scale * np.sqrt(1 + y * y)), theta)


def ravine(scale: float = 100.0) -> Ravine:
    """A badly scaled valley: the y-gradient is ``scale`` times smaller than the x-gradient.

    >>> r = ravine()
    >>> print(np.round(r.grad(r.x0), 5))
    [1.      0.00992]
    """
    return Ravine(scale=_number("ravine", "scale", scale))


# ---------------------------------------------------------------------------------------
# Data problems
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _permutation(seed: int, epoch: int, n: int) -> np.ndarray:
    perm = np.random.default_rng([seed, epoch]).permutation(n)
    perm.setflags(write=False)
    return perm


@dataclass(frozen=True, eq=False, repr=False)
class DataProblem(Problem):
    """Shared minibatch logic (see the module docstring: batches depend on (seed, step) only)."""

    def _check_data_args(self, *more: tuple) -> None:
        """Check ``n``, ``seed``, ``batch_size`` and ``more`` ``(name, low, high)`` integers; keep
        them as Python ints (a config's ``200.0`` is accepted and becomes ``200``)."""
        check_integer(self.name, "n", self.n, 2, MAX_EXAMPLES)
        check_integer(self.name, "seed", self.seed, 0, None)
        if self.batch_size is not None:
            check_integer(self.name, "batch_size", self.batch_size, 1, self.n)
        for name, low, high in more:
            check_integer(self.name, name, getattr(self, name), low, high)
        for name in ("n", "seed", "batch_size", *(m[0] for m in more)):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, int(value))

    @property
    def stochastic(self) -> bool:
        return self.batch_size is not None and self.batch_size < self.n

    @property
    def n_batches(self) -> int:
        """Minibatches per epoch (``n // batch_size``; 1 for full batch)."""
        return 1 if self.batch_size is None else self.n // self.batch_size

    def batch_indices(self, step: int) -> np.ndarray:
        """The example indices of minibatch ``step`` (deterministic given ``seed``)."""
        if not (type(step) is int and step >= 0):     # fast path: run() passes plain ints
            check_integer(f"{self.name}.batch_indices", "step", step, 0, None)
            step = int(step)
        epoch, j = divmod(step, self.n_batches)
        bs = self.n if self.batch_size is None else self.batch_size
        return _permutation(self.seed, epoch, self.n)[j * bs:(j + 1) * bs]

    def _indices(self, step):
        if step is None or not self.stochastic:
            return None
        return self.batch_indices(step)

    def _data(self, idx, dtype):
        X, y = (self.X, self.y) if idx is None else (self.X[idx], self.y[idx])
        return X.astype(dtype, copy=False), y.astype(dtype, copy=False)   # float32 stays float32


@dataclass(frozen=True, eq=False, repr=False)
class LinearRegression(DataProblem):
    r"""Least squares: f(θ) = (1/2m) Σᵢ (xᵢᵀθ − yᵢ)² over the m examples used."""

    n: int = 200
    d: int = 2
    noise: float = 0.5
    batch_size: int | None = None
    seed: int = 0
    name = "linear_regression"

    def __post_init__(self):
        self._check_data_args(("d", 1, MAX_FEATURES))
        check_interval(self.name, "noise", self.noise, 0, MAX_NOISE, "both")
        rng = np.random.default_rng(self.seed)
        scales = np.linspace(1.0, 3.0, self.d)                  # unequal feature scales: κ > 1
        X = rng.normal(size=(self.n, self.d)) * scales
        w_true = rng.normal(size=self.d)
        y = X @ w_true + self.noise * rng.normal(size=self.n)
        w_star = np.linalg.solve(X.T @ X, X.T @ y)               # the least-squares minimum
        H = X.T @ X / self.n
        ev = np.linalg.eigvalsh(H)
        r = np.abs(w_star).max() + 2.0
        self._set(dim=int(self.d), X=X, y=y, w_true=w_true, minimum=w_star, hessian=H,
                  eigenvalues=(float(ev[0]), float(ev[-1])), x0=np.zeros(self.d),
                  minimum_loss=float(0.5 * np.mean((X @ w_star - y) ** 2)),
                  bounds=((-r, r), (-r, r)) if self.d == 2 else None)

    def _loss(self, theta, idx):
        X, y = self._data(idx, theta.dtype)
        r = np.einsum("md,...d->...m", X, theta) - y             # residuals, (..., m)
        return 0.5 * np.mean(r * r, axis=-1)

    def _grad(self, theta, idx):
        X, y = self._data(idx, theta.dtype)
        r = np.einsum("md,...d->...m", X, theta) - y
        return np.einsum("...m,md->...d", r, X) / X.shape[0]                                # ∇f = Xᵀ(Xθ − y)/m


def linear_regression(n: int = 200, d: int = 2, noise: float = 0.5, batch_size: int | None = None,
                      seed: int = 0) -> LinearRegression:
    r"""Linear regression on ``n`` generated examples ``y = X w + noise·ε`` (seeded).

    Features are standard normal scaled by ``linspace(1, 3, d)`` so the Hessian
    :math:`X^TX/n` is ill-conditioned (``.eigenvalues`` gives (μ, L)). ``.minimum`` is the
    exact least-squares solution; ``.w_true`` the generating weights.

    >>> p = linear_regression(batch_size=20)
    >>> p.grad(p.x0, step=3).shape, p.stochastic, p.n_batches
    ((2,), True, 10)
    """
    return LinearRegression(n=n, d=d, noise=_number("linear_regression", "noise", noise), batch_size=batch_size,
                            seed=seed)


def _log1pexp(s: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, s)                                  # log(1 + eˢ), no overflow


def _sigmoid(s: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(s))
    return np.where(s >= 0, 1 / (1 + e), e / (1 + e))


@dataclass(frozen=True, eq=False, repr=False)
class LogisticRegression(DataProblem):
    r"""Mean cross-entropy of σ(xᵢᵀθ) against labels yᵢ ∈ {0, 1}, plus (λ/2)‖θ‖²."""

    n: int = 200
    d: int = 2
    separation: float = 1.5
    l2: float = 0.01
    batch_size: int | None = None
    seed: int = 0
    name = "logistic_regression"

    def __post_init__(self):
        self._check_data_args(("d", 1, MAX_FEATURES))
        check_interval(self.name, "separation", self.separation, 0, MAX_SEPARATION, "both")
        check_interval(self.name, "l2", self.l2, 0, None, "neither")
        rng = np.random.default_rng(self.seed)
        y = (np.arange(self.n) % 2).astype(float)                # balanced classes
        direction = np.ones(self.d) / np.sqrt(self.d)
        X = rng.normal(size=(self.n, self.d)) + np.outer(2 * y - 1, direction) * self.separation
        object.__setattr__(self, "X", _frozen(X))
        object.__setattr__(self, "y", _frozen(y))
        w = np.zeros(self.d)
        for _ in range(50):                                      # Newton: the loss is strongly convex
            p = _sigmoid(X @ w)
            g = X.T @ (p - y) / self.n + self.l2 * w
            H = (X.T * (p * (1 - p))) @ X / self.n + self.l2 * np.eye(self.d)
            w = w - np.linalg.solve(H, g)
        r = np.abs(w).max() + 2.0
        self._set(dim=int(self.d), minimum=w, minimum_loss=float(self._loss(w, None)), x0=np.zeros(self.d),
                  bounds=((-r, r), (-r, r)) if self.d == 2 else None)

    def _loss(self, theta, idx):
        X, y = self._data(idx, theta.dtype)
        s = np.einsum("md,...d->...m", X, theta)                 # logits, (..., m)
        ce = np.mean(_log1pexp(s) - y * s, axis=-1)              # −y log σ(s) − (1−y) log(1−σ(s))
        return ce + 0.5 * self.l2 * np.sum(theta * theta, axis=-1)

    def _grad(self, theta, idx):
        X, y = self._data(idx, theta.dtype)
        s = np.einsum("md,...d->...m", X, theta)
        return np.einsum("...m,md->...d", _sigmoid(s) - y, X) / X.shape[0] + self.l2 * theta   # ∇ = Xᵀ(σ(s) − y)/m + λθ

    def accuracy(self, theta: Any) -> np.ndarray:
        """Fraction of the ``n`` examples classified correctly (shape ``theta.shape[:-1]``)."""
        theta = self._theta(theta, "accuracy")
        return np.mean((np.einsum("md,...d->...m", self.X, theta) > 0) == (self.y > 0.5), axis=-1)


def logistic_regression(n: int = 200, d: int = 2, separation: float = 1.5, l2: float = 0.01,
                        batch_size: int | None = None, seed: int = 0) -> LogisticRegression:
    r"""Logistic regression on two Gaussian blobs at ±``separation`` along (1, …, 1)/√d.

    The loss is the mean binary cross-entropy plus ``l2/2 ‖θ‖²`` (so the minimum exists and
    is unique; ``.minimum`` is found by Newton's method). Classes are symmetric about the
    origin, so there is no intercept.

    >>> p = logistic_regression()
    >>> print(f"{float(p.loss(p.x0)):.4f} {float(p.accuracy(p.minimum)):.2f}")
    0.6931 0.93
    """
    return LogisticRegression(n=n, d=d, separation=_number("logistic_regression", "separation", separation),
                              l2=_number("logistic_regression", "l2", l2), batch_size=batch_size, seed=seed)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (the shape of scikit-learn's ``make_moons``), standardized."""
    y = (np.arange(n) % 2).astype(float)
    t = rng.uniform(0, np.pi, size=n)
    outer = np.stack([np.cos(t), np.sin(t)], axis=1)
    inner = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] > 0.5, inner, outer) + noise * rng.normal(size=(n, 2))
    return (X - X.mean(0)) / X.std(0), y


def _spirals(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals (one turn each), standardized."""
    y = (np.arange(n) % 2).astype(float)
    r = rng.uniform(0.1, 1.0, size=n)
    angle = 2 * np.pi * r + np.pi * y
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1) + noise * rng.normal(size=(n, 2))
    return (X - X.mean(0)) / X.std(0), y


@dataclass(frozen=True, eq=False, repr=False)
class MLP(DataProblem):
    r"""A one-hidden-layer tanh network on 2-D points, mean binary cross-entropy.

    Parameters are one flat vector θ = [W₁ (2×H, row-major), b₁ (H), w₂ (H), b₂ (1)], so
    ``dim = 4H + 1``. Forward, for inputs X (m×2): Z = X W₁ + b₁, A = tanh Z,
    s = A w₂ + b₂, loss = mean(log(1 + eˢ) − y s). Backward (hand-derived):
    ∂/∂s = (σ(s) − y)/m, ∂w₂ = Aᵀ ∂s, ∂b₂ = Σ ∂s, ∂Z = ∂s w₂ᵀ ⊙ (1 − A²), ∂W₁ = Xᵀ ∂Z,
    ∂b₁ = Σ ∂Z (:meth:`forward`, :meth:`backprop`). The minimum is unknown (``minimum`` is ``None``); ``x0`` is a seeded
    Glorot-style random init.
    """

    n: int = 200
    hidden: int = 8
    noise: float = 0.1
    dataset: str = "moons"
    batch_size: int | None = None
    seed: int = 0
    name = "mlp"

    def __post_init__(self):
        self._check_data_args(("hidden", 1, MAX_HIDDEN))
        check_interval(self.name, "noise", self.noise, 0, MAX_NOISE, "both")
        check_choice(self.name, "dataset", self.dataset, ("moons", "spirals"))
        rng = np.random.default_rng(self.seed)
        X, y = (_moons if self.dataset == "moons" else _spirals)(self.n, self.noise, rng)
        H = int(self.hidden)
        x0 = np.concatenate([rng.normal(size=2 * H) * np.sqrt(1.0 / 2), np.zeros(H),
                             rng.normal(size=H) * np.sqrt(1.0 / H), np.zeros(1)])
        self._set(dim=4 * H + 1, X=X, y=y, x0=x0, minimum=None, minimum_loss=None, bounds=None)

    def unpack(self, theta: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Views ``(W1 (..., 2, H), b1 (..., H), w2 (..., H), b2 (...))`` of a flat θ."""
        H = int(self.hidden)
        lead = theta.shape[:-1]
        W1 = theta[..., : 2 * H].reshape(lead + (2, H))
        b1 = theta[..., 2 * H: 3 * H]
        w2 = theta[..., 3 * H: 4 * H]
        b2 = theta[..., 4 * H]
        return W1, b1, w2, b2

    def forward(self, theta: Any, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """The forward pass on inputs ``X`` (m, 2): hidden activations ``A`` (..., m, H), logits ``s`` (..., m)."""
        W1, b1, w2, b2 = self.unpack(self._theta(theta, "forward"))
        A = np.tanh(np.einsum("md,...dh->...mh", X, W1) + b1[..., None, :])   # A = tanh(X W₁ + b₁)
        s = np.einsum("...mh,...h->...m", A, w2) + b2[..., None]              # s = A w₂ + b₂
        return A, s

    def backprop(self, theta: Any, X: Any, y: Any) -> np.ndarray:
        r"""The gradient of the mean cross-entropy on ``(X, y)`` by backpropagation, one line per
        layer (``grad`` calls it on a minibatch); flat like θ, shape ``theta.shape``.

        >>> p = mlp()
        >>> bool(np.array_equal(p.backprop(p.x0, p.X, p.y), p.grad(p.x0)))
        True
        """
        theta = self._theta(theta, "backprop")
        A, s = self.forward(theta, X)
        ds = (_sigmoid(s) - y) / X.shape[0]                      # ∂loss/∂s
        dw2 = np.einsum("...m,...mh->...h", ds, A)               # Aᵀ ∂s
        db2 = ds.sum(axis=-1)                                    # Σ ∂s
        dZ = ds[..., None] * self.unpack(theta)[2][..., None, :] * (1 - A * A)   # ∂s w₂ᵀ ⊙ tanh'
        dW1 = np.einsum("md,...mh->...dh", X, dZ)                # Xᵀ ∂Z
        db1 = dZ.sum(axis=-2)                                    # Σ ∂Z
        lead = theta.shape[:-1]
        return np.concatenate([dW1.reshape(lead + (-1,)), db1, dw2, db2[..., None]], axis=-1)

    def _loss(self, theta, idx):
        X, y = self._data(idx, theta.dtype)
        _, s = self.forward(theta, X)
        return np.mean(_log1pexp(s) - y * s, axis=-1)

    def _grad(self, theta, idx):
        return self.backprop(theta, *self._data(idx, theta.dtype))

    def predict_proba(self, theta: Any, X: Any) -> np.ndarray:
        """σ(s) for points ``X`` (m, 2): shape ``theta.shape[:-1] + (m,)`` (for decision plots)."""
        theta = self._theta(theta, "predict_proba")
        return _sigmoid(self.forward(theta, np.asarray(X, dtype=float))[1])

    def accuracy(self, theta: Any) -> np.ndarray:
        """Fraction of the ``n`` training points classified correctly."""
        theta = self._theta(theta, "accuracy")
        return np.mean((self.forward(theta, self.X)[1] > 0) == (self.y > 0.5), axis=-1)


def mlp(n: int = 200, hidden: int = 8, noise: float = 0.1, dataset: str = "moons",
        batch_size: int | None = None, seed: int = 0) -> MLP:
    r"""A small MLP classifier (2 → ``hidden`` tanh → 1 logit) on generated two moons or spirals.

    >>> p = mlp()
    >>> p.dim, f"{float(p.loss(p.x0)):.4f}"
    (33, '0.5903')
    """
    return MLP(n=n, hidden=hidden, noise=_number("mlp", "noise", noise), dataset=dataset, batch_size=batch_size,
               seed=seed)


#: The 2-D surfaces by name, for widgets and lessons: ``SURFACES["rosenbrock"]()``.
SURFACES = {
    "quadratic": quadratic,
    "rosenbrock": rosenbrock,
    "beale": beale,
    "himmelblau": himmelblau,
    "saddle": saddle,
    "ravine": ravine,
}
