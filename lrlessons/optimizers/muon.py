r"""Muon (Jordan et al. 2024): momentum, orthogonalised by a Newton–Schulz iteration.

Let :math:`\alpha` be the learning rate ``lr``, :math:`\mu` the ``momentum`` and
:math:`G_t` the gradient of a weight matrix :math:`\theta` of shape :math:`(m, n)`. Muon keeps
a momentum buffer :math:`B_t`, takes a direction :math:`U_t` from it (Nesterov or plain),
replaces :math:`U_t` by the nearest semi-orthogonal matrix :math:`O_t \approx U V^\top`
(where :math:`U_t = U \Sigma V^\top`), computed without an SVD by :func:`newton_schulz`, and
steps by :math:`-\alpha\, r\, O_t` with a shape factor :math:`r` (``adjust_lr``).

The three frameworks that ship Muon differ in every line; each difference is a keyword:

=====================  ==========================  =========================  =========================
line                   PyTorch ``Muon``            Keras ``Muon``             optax ``contrib.muon``
=====================  ==========================  =========================  =========================
momentum_form          ``"ema"``                   ``"sum"``                  ``"ema_bias_corrected"``
ε (eps_form, eps)      clamp, 1e-7                 add, 1e-7                  add, 1e-8
norm_precision         ``"bfloat16"``              ``"float32"``              ``"float64"``
ns_precision           ``"bfloat16"``              ``"float64"``              ``"float64"``
adjust_lr              ``"original"``              ``"rms"`` (ρ = 0.2)        ``"optax"``
=====================  ==========================  =========================  =========================

One update function per momentum form and Nesterov flag, each with its own ``EQUATIONS``;
Newton–Schulz and the shape factor are the small public functions :func:`newton_schulz` and
:func:`lr_factor`, shared by all of them.

**Shapes (an lrlessons convention).** ``θ`` is one matrix ``(m, n)`` or a batch ``(B, m, n)``
of B independent runs (a 3-D ``θ`` is *always* B runs here; no framework does that: PyTorch
raises for a 3-D parameter, Keras and optax send it to AdamW / NAdamW as one tensor).
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_choice, check_integer, check_interval, suggest_keywords
from .base import Optimizer, Update, decoupled_decay, is_active, trace_of, zeros_like_float

__all__ = ["muon", "newton_schulz", "frobenius_norm", "lr_factor", "orthogonalize", "update_ema", "update_ema_nesterov", "update_sum",
           "update_sum_nesterov", "update_ema_bias_corrected", "update_ema_bias_corrected_nesterov",
           "init", "State", "Coefficients", "EQUATIONS"]

F32 = np.float32


@functools.cache
def _bfloat16() -> type:
    """``ml_dtypes.bfloat16``, imported on first use: loading ml_dtypes takes about half a second,
    and only PyTorch's bfloat16 Newton–Schulz needs it (``import lrlessons`` stays light)."""
    import ml_dtypes

    return ml_dtypes.bfloat16


class State(NamedTuple):
    """``count`` = updates already applied; ``b`` the momentum buffer :math:`B_t`."""

    count: int
    b: np.ndarray


class Coefficients:
    """The Newton–Schulz coefficients ``(a, b, c)``: one hyperparameter (never a ``(B,)`` batch).

    Iterable like the tuple it is given as: ``a, b, c = Coefficients((3.4445, -4.775, 2.0315))``.
    """

    __slots__ = ("a", "b", "c")

    def __init__(self, values: Any):
        self.a, self.b, self.c = (float(v) for v in values)

    def __iter__(self):
        return iter((self.a, self.b, self.c))

    def __eq__(self, other: Any) -> bool:
        try:
            return tuple(self) == tuple(float(v) for v in other)
        except (TypeError, ValueError):
            return False

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


# ---------------------------------------------------------------------------------------------
# Newton–Schulz: the nearest semi-orthogonal matrix, by matrix products only
# ---------------------------------------------------------------------------------------------
def newton_schulz(G: Any, coefficients: Any = (3.4445, -4.775, 2.0315), steps: int = 5, eps: float = 1e-7,
                  eps_form: str = "clamp", norm_precision: str = "float64",
                  precision: str = "float64") -> np.ndarray:
    r"""Orthogonalise a matrix: :math:`O \approx U V^\top` for :math:`G = U \Sigma V^\top`, by ``steps`` quintic iterations.

    With :math:`a, b, c` the ``coefficients`` and ε the ``eps``:

    .. math::
        X_0 &= G / \max(\|G\|_F, \epsilon) \quad (\texttt{eps\_form="clamp"}) \quad\text{or}\quad
               G / (\|G\|_F + \epsilon) \quad (\texttt{"add"}) \\
        A_k &= X_k X_k^\top, \qquad B_k = b A_k + c A_k A_k, \qquad X_{k+1} = a X_k + B_k X_k

    Each step maps every singular value σ of :math:`X_k` to :math:`a\sigma + b\sigma^3 + c\sigma^5`;
    the default coefficients (Jordan et al. 2024) push all of them into about [0.7, 1.2] in 5
    steps (not exactly to 1: speed over accuracy). A tall matrix (m > n) is transposed first, so
    :math:`X X^\top` is the smaller Gram matrix, and transposed back.

    Parameters
    ----------
    G : (m, n) array
        The matrix (Muon's momentum direction :math:`U_t`).
    coefficients : three numbers
        :math:`(a, b, c)`. Default (3.4445, −4.775, 2.0315) in every framework.
    steps : int in [0, 100)
        Iterations. Default 5.
    eps : float in (0, inf)
        ε of the normalisation, applied in the norm's precision. PyTorch 1e-7 (clamped in
        bfloat16, i.e. 1.0011717677e-07), Keras 1e-7 (added in float32), optax 1e-8 (added).
    eps_form : {'clamp', 'add'}
        ``'clamp'`` (PyTorch) divides by :math:`\max(\|G\|_F, \epsilon)`, ``'add'`` (Keras, optax)
        by :math:`\|G\|_F + \epsilon`.
    norm_precision : {'float64', 'float32', 'bfloat16'}
        ``'float64'`` (optax). ``'float32'`` (Keras on JAX: ``ops.norm`` of float64 input runs in
        float32: the entries rounded to float32, squared and summed one by one with a single
        rounding each, a fused multiply-add; the float32 norm plus ε stays float32).
        ``'bfloat16'`` (PyTorch): the bfloat16 entries summed in float32, the norm rounded to
        bfloat16 (only with ``precision='bfloat16'``).
    precision : {'float64', 'bfloat16'}
        ``'float64'`` (Keras, optax). ``'bfloat16'`` (PyTorch, whatever the parameter's dtype):
        ``G`` is rounded float64 → float32 → bfloat16 (twice, as torch converts), every matrix
        product is summed in float32 and stored in bfloat16, and ``torch.addmm(C, L, R,
        beta=β, alpha=γ)`` adds :math:`\beta C` to :math:`\gamma (L R)` with a single float32
        rounding (a fused multiply-add) before its bfloat16 rounding. Emulated with the
        ``ml_dtypes.bfloat16`` dtype; on the recorded PyTorch 2.13 inputs the result is bit
        for bit PyTorch's. It differs from the float64 iteration by 1.2% (median; 0.1% to 22%)
        in Frobenius norm.

    Returns
    -------
    (m, n) float64 array
        :math:`O` (its values bfloat16 numbers with ``precision='bfloat16'``).

    References
    ----------
    K. Jordan, Y. Jin, V. Boza, J. You, F. Cesista, L. Newhouse, J. Bernstein (2024). Muon: An
    optimizer for hidden layers in neural networks. kellerjordan.github.io/posts/muon.
    PyTorch ``torch/optim/_muon.py`` (``_zeropower_via_newtonschulz``); Keras
    ``keras/src/optimizers/muon.py`` (``zeropower_via_newtonschulz5``); optax
    ``optax/contrib/_muon.py`` (``orthogonalize_via_newton_schulz``).

    >>> O = newton_schulz(np.array([[3.0, 0.0], [0.0, 0.5]]))
    >>> np.round(np.diag(O), 3)
    array([0.714, 1.042])
    """
    G = np.asarray(G, dtype=np.float64)
    if precision == "bfloat16":
        return _newton_schulz_bfloat16(G, coefficients, steps, eps)
    a, b, c = coefficients
    X = G.T if G.shape[0] > G.shape[1] else G            # the smaller Gram matrix X Xᵀ
    n = frobenius_norm(X, norm_precision)                # ‖X‖_F (float32 in Keras)
    eps = np.asarray(eps, dtype=n.dtype)                 # ε in the norm's precision
    X = X / (np.maximum(n, eps) if eps_form == "clamp" else n + eps)    # X₀ = G / max(‖G‖, ε) or G / (‖G‖ + ε)
    for _ in range(steps):
        A = X @ X.T                                      # A = X Xᵀ
        B = b * A + (c * A) @ A                          # B = b A + c A²
        X = a * X + B @ X                                # X ← a X + B X
    return X.T if G.shape[0] > G.shape[1] else X


def frobenius_norm(X: np.ndarray, precision: str = "float64") -> np.ndarray:
    """:math:`\\|X\\|_F` in float64, or as Keras's ``ops.norm`` computes it for float64 input on JAX (float32)."""
    if precision == "float64":
        return np.asarray(np.sqrt(np.sum(X * X)))
    s = np.float64(0.0)
    for x in X.astype(F32).astype(np.float64).ravel():   # s ← fl32(s + x²): one rounding per term
        s = np.float64(F32(s + x * x))
    return np.sqrt(F32(s))


def _bf16(x: np.ndarray) -> np.ndarray:
    """float32 → bfloat16 (round to nearest even)."""
    return np.asarray(x, dtype=F32).astype(_bfloat16())


def _addmm(C: np.ndarray, L: np.ndarray, R: np.ndarray, beta: float, alpha: float) -> np.ndarray:
    """``torch.addmm(C, L, R, beta=beta, alpha=alpha)`` on bfloat16 CPU tensors, stored in bfloat16.

    :math:`S = LR` summed in float32 (products of bfloat16 numbers are exact in float32),
    :math:`T = \\mathrm{fl32}(\\alpha S)`, then :math:`\\mathrm{fl32}(\\beta C + T)` with one
    rounding (float64 holds :math:`\\beta C + T` exactly but for rare ties), then bfloat16.
    """
    S = (L.astype(F32) @ R.astype(F32)).astype(F32)
    T = (F32(alpha) * S).astype(F32)
    return _bf16(np.float64(F32(beta)) * C.astype(np.float64) + T.astype(np.float64))


def _newton_schulz_bfloat16(G: np.ndarray, coefficients: Any, steps: int, eps: float) -> np.ndarray:
    """PyTorch's ``_zeropower_via_newtonschulz``: bfloat16 storage, float32 accumulation."""
    a, b, c = coefficients
    X = G.astype(F32).astype(_bfloat16())                # torch: float64 → float32 → bfloat16
    if G.shape[0] > G.shape[1]:
        X = X.T
    Xf = np.ascontiguousarray(X.astype(F32)).ravel()
    n = _bf16(np.sqrt(np.sum(Xf * Xf, dtype=F32), dtype=F32))    # X.norm(): float32 sum, bfloat16 result
    n = max(n, _bfloat16()(eps))                         # clamp(min=eps) in bfloat16
    X = _bf16(X.astype(F32) / F32(n))
    for _ in range(steps):
        A = _bf16(X.astype(F32) @ X.astype(F32).T)       # A = X Xᵀ
        B = _addmm(A, A, A, beta=b, alpha=c)             # B = b A + c A²
        X = _addmm(X, B, X, beta=a, alpha=1.0)           # X ← a X + B X
    return (X.T if G.shape[0] > G.shape[1] else X).astype(np.float64)


def lr_factor(rows: int, cols: int, adjust_lr: str | None = "original", rms_rate: float = 0.2) -> float:
    r"""The shape factor :math:`r` of Muon's step :math:`-\alpha\, r\, O_t` for an (rows, cols) matrix.

    ``None`` or ``'original'`` (PyTorch default): :math:`\sqrt{\max(1, m/n)}`;
    ``'match_rms_adamw'`` (PyTorch): :math:`0.2\sqrt{\max(m, n)}`;
    ``'optax'`` (optax default): :math:`\sqrt{\max(1, n/m)}`, the opposite orientation;
    ``'rms'``: :math:`\rho\sqrt{\max(m, n)}` with ρ = ``rms_rate`` (Keras, ρ = 0.2; optax
    ``consistent_rms``); ``'none'``: 1 (Keras ``rms_rate=None``).

    >>> lr_factor(4, 3), lr_factor(4, 3, "optax"), lr_factor(4, 3, "match_rms_adamw")
    (1.1547005383792515, 1.0, 0.4)
    """
    if adjust_lr in (None, "original"):
        return math.sqrt(max(1, rows / cols))
    if adjust_lr == "match_rms_adamw":
        return 0.2 * math.sqrt(max(rows, cols))
    if adjust_lr == "optax":
        return math.sqrt(max(1, cols / rows))
    if adjust_lr == "rms":
        return rms_rate * math.sqrt(max(rows, cols))
    return 1.0


class Options(NamedTuple):
    """Everything of an update that is not a number per run: how :func:`orthogonalize` runs."""

    coefficients: Coefficients
    steps: int
    eps_form: str
    norm_precision: str
    precision: str
    adjust_lr: str | None
    rms_rate: float
    rows: bool
    batched: bool = False


def orthogonalize(U: np.ndarray, eps: Any, lr: Any, options: Options) -> tuple[np.ndarray, float]:
    """:func:`newton_schulz` of each run's matrix, and the shape factor :math:`r` (:func:`lr_factor`).

    A ``(B, m, n)`` θ is B matrices, an ``(m, n)`` θ one (B of them are vectors when a
    hyperparameter is ``(B,)``: ``options.batched`` says so for the bound ones, which this
    update may not see, as a ``(B,)`` weight decay; an ``lr`` given to ``step`` may be ``(B,)``
    too). With ``fallback='row'`` each run's vector is a 1×n matrix.
    """
    batched = options.batched or np.ndim(lr) > 0 or np.ndim(eps) > 0
    if is_matrix(U, batched):
        stack = U if U.ndim == 3 else U[None]
    elif options.rows and U.ndim <= 2:
        stack = U.reshape(U.shape[0] if batched else 1, 1, -1)      # each run's vector: a 1×n matrix
    else:
        raise ValueError(_not_a_matrix("muon.step", U.shape, batched))
    eps = np.broadcast_to(per_run_value(eps), (stack.shape[0],))
    O = np.stack([newton_schulz(G, options.coefficients, options.steps, e, options.eps_form,
                                options.norm_precision, options.precision) for G, e in zip(stack, eps)])
    r = lr_factor(stack.shape[1], stack.shape[2], options.adjust_lr, options.rms_rate)
    return O.reshape(U.shape).astype(U.dtype, copy=False), r


def per_run_value(h: Any) -> Any:
    """A hyperparameter as an update gets it (a number, or padded/spread to θ's shape) as one value per run."""
    h = np.asarray(h)
    return h.item() if h.ndim == 0 else np.asarray(h.reshape(h.shape[0], -1)[:, 0], dtype=np.float64)


def _not_a_matrix(caller: str, shape: tuple, batched: bool = False) -> str:
    what = "with (B,) hyperparameters, a batch of vectors " if batched else ""
    return (f"The 'theta' argument of {caller} must be a matrix (m, n) or a batch of matrices (B, m, n): "
            f"Muon orthogonalises matrices. Got shape {tuple(shape)} {what}instead. Give vectors (biases, gains) "
            f"another optimizer (PyTorch raises too; keras.Muon and optax.contrib.muon route them to AdamW / "
            f"NAdamW), or fallback='row' to treat a vector as a 1×n matrix (normalised momentum).")


# ---------------------------------------------------------------------------------------------
# The updates: one per momentum form, plain or Nesterov
# ---------------------------------------------------------------------------------------------
O_LINE = ("o", r"O_t = \mathrm{NewtonSchulz}(U_t) \approx U V^\top,\ U_t = U \Sigma V^\top")
DELTA = ("delta", r"\Delta\theta_t = -\alpha_t\, r\, O_t")

# -- PyTorch: an exponential moving average (torch lerp_) ---------------------------------------
EQUATIONS = (
    ("b", r"B_t = B_{t-1} + (1-\mu)(g_t - B_{t-1})"),
    ("u", r"U_t = B_t + (1-\mu)(g_t - B_t)"),
    O_LINE,
    DELTA,
)
Trace = trace_of(EQUATIONS)


def update_ema_nesterov(theta, grad, state, lr, momentum, eps, *, options):
    b = state.b + (1 - momentum) * (grad - state.b)      # B_t = B_{t-1} + (1-μ)(g_t - B_{t-1})
    u = b + (1 - momentum) * (grad - b)                  # U_t = B_t + (1-μ)(g_t - B_t)   (Nesterov)
    o, r = orthogonalize(u, eps, lr, options)            # O_t = NewtonSchulz(U_t)
    delta = -lr * r * o                                  # Δθ_t = -α r O_t
    return theta + delta, State(state.count + 1, b), Trace(b, u, o, delta)


EMA = (EQUATIONS[0], ("u", r"U_t = B_t"), O_LINE, DELTA)


def update_ema(theta, grad, state, lr, momentum, eps, *, options):
    b = state.b + (1 - momentum) * (grad - state.b)      # B_t = B_{t-1} + (1-μ)(g_t - B_{t-1})
    u = b                                                # U_t = B_t
    o, r = orthogonalize(u, eps, lr, options)            # O_t = NewtonSchulz(U_t)
    delta = -lr * r * o                                  # Δθ_t = -α r O_t
    return theta + delta, State(state.count + 1, b), Trace(b, u, o, delta)


# -- Keras: a plain sum (and the paper's algorithm box) ------------------------------------------
SUM_NESTEROV = (
    ("b", r"B_t = \mu B_{t-1} + g_t"),
    ("u", r"U_t = g_t + \mu B_t"),
    O_LINE,
    DELTA,
)


def update_sum_nesterov(theta, grad, state, lr, momentum, eps, *, options):
    b = momentum * state.b + grad                        # B_t = μ B_{t-1} + g_t
    u = grad + momentum * b                              # U_t = g_t + μ B_t   (Nesterov)
    o, r = orthogonalize(u, eps, lr, options)            # O_t = NewtonSchulz(U_t)
    delta = -lr * r * o                                  # Δθ_t = -α r O_t
    return theta + delta, State(state.count + 1, b), Trace(b, u, o, delta)


SUM = (SUM_NESTEROV[0], ("u", r"U_t = B_t"), O_LINE, DELTA)


def update_sum(theta, grad, state, lr, momentum, eps, *, options):
    b = momentum * state.b + grad                        # B_t = μ B_{t-1} + g_t
    u = b                                                # U_t = B_t
    o, r = orthogonalize(u, eps, lr, options)            # O_t = NewtonSchulz(U_t)
    delta = -lr * r * o                                  # Δθ_t = -α r O_t
    return theta + delta, State(state.count + 1, b), Trace(b, u, o, delta)


# -- optax: a bias-corrected EMA (Nesterov as in optax nadam) ------------------------------------
EMA_BIAS_CORRECTED_NESTEROV = (
    ("b", r"B_t = \mu B_{t-1} + (1-\mu)\, g_t"),
    ("u", r"U_t = \mu B_t / (1-\mu^{t+1}) + (1-\mu)\, g_t / (1-\mu^t)"),
    O_LINE,
    DELTA,
)


def update_ema_bias_corrected_nesterov(theta, grad, state, lr, momentum, eps, *, options):
    t = state.count + 1
    b = momentum * state.b + (1 - momentum) * grad       # B_t = μ B_{t-1} + (1-μ) g_t
    # U_t = μ B_t / (1-μᵗ⁺¹) + (1-μ) g_t / (1-μᵗ)   (Nesterov)
    u = momentum * (b / (1 - momentum**(t + 1))) + (1 - momentum) * (grad / (1 - momentum**t))
    o, r = orthogonalize(u, eps, lr, options)            # O_t = NewtonSchulz(U_t)
    delta = -lr * r * o                                  # Δθ_t = -α r O_t
    return theta + delta, State(t, b), Trace(b, u, o, delta)


EMA_BIAS_CORRECTED = (EMA_BIAS_CORRECTED_NESTEROV[0], ("u", r"U_t = B_t / (1-\mu^t)"), O_LINE, DELTA)


def update_ema_bias_corrected(theta, grad, state, lr, momentum, eps, *, options):
    t = state.count + 1
    b = momentum * state.b + (1 - momentum) * grad       # B_t = μ B_{t-1} + (1-μ) g_t
    u = b / (1 - momentum**t)                            # U_t = B_t / (1-μᵗ)
    o, r = orthogonalize(u, eps, lr, options)            # O_t = NewtonSchulz(U_t)
    delta = -lr * r * o                                  # Δθ_t = -α r O_t
    return theta + delta, State(t, b), Trace(b, u, o, delta)


UPDATES = {
    ("ema", True): (update_ema_nesterov, EQUATIONS), ("ema", False): (update_ema, EMA),
    ("sum", True): (update_sum_nesterov, SUM_NESTEROV), ("sum", False): (update_sum, SUM),
    ("ema_bias_corrected", True): (update_ema_bias_corrected_nesterov, EMA_BIAS_CORRECTED_NESTEROV),
    ("ema_bias_corrected", False): (update_ema_bias_corrected, EMA_BIAS_CORRECTED),
}


def init(theta: np.ndarray) -> State:
    return State(count=0, b=zeros_like_float(theta))


def is_matrix(theta: np.ndarray, batched: bool) -> bool:
    """θ is one matrix per run: ``(B, m, n)`` always, ``(m, n)`` unless the hyperparameters are ``(B,)``."""
    return np.ndim(theta) == 3 or (np.ndim(theta) == 2 and not batched)


def _routed(name: str, hp: dict, matrices: Optimizer, fallback: Optimizer, batched: bool, parts: tuple) -> Optimizer:
    """One Optimizer that runs ``matrices`` on matrix θ and ``fallback`` (its own rate) on any other θ."""

    def route(theta, grad, state, lr):
        if isinstance(state, State):                     # a matrix: Muon, at this step's rate
            return matrices.step(theta, grad, state, lr=per_run_value(lr))
        return fallback.step(theta, grad, state)         # anything else: the fallback, as bound

    def start(theta):
        return (matrices if is_matrix(theta, batched) else fallback).init(theta)

    return Optimizer(name, hp, Update(route, matrices.equations, (), (route, *parts)), start)


@suggest_keywords
def muon(lr: Any = 1e-3, momentum: Any = 0.95, nesterov: bool = True, ns_coefficients: Any = (3.4445, -4.775, 2.0315),
         ns_steps: int = 5, eps: Any = 1e-7, weight_decay: Any = 0.0, adjust_lr: str | None = "original",
         momentum_form: str = "ema", eps_form: str = "clamp", norm_precision: str = "float64",
         ns_precision: str = "float64", rms_rate: Any = 0.2, fallback: Any = None,
         decoupled_weight_decay: bool = True) -> Optimizer:
    r"""Muon: the momentum direction, orthogonalised by Newton–Schulz, times a shape factor.

    Let :math:`\alpha` be the learning rate ``lr``, :math:`\mu` the ``momentum``, :math:`\lambda`
    the ``weight_decay`` and :math:`r` the factor ``adjust_lr`` picks for θ's shape (m, n).
    With the defaults (PyTorch ``Muon`` except for its bfloat16 Newton–Schulz and λ = 0.1):

    .. math::
        B_t &= B_{t-1} + (1-\mu)(g_t - B_{t-1}) \\
        U_t &= B_t + (1-\mu)(g_t - B_t) \qquad\text{(Nesterov; else } U_t = B_t) \\
        O_t &= \mathrm{NewtonSchulz}(U_t) \\
        \Delta\theta_t &= -\alpha\, r\, O_t - \alpha\lambda\,\theta_{t-1}

    Parameters
    ----------
    lr : float, (B,) array or schedule, in [0, inf)
        :math:`\alpha`. Default 1e-3 (PyTorch; Keras 1e-3; optax has none).
    momentum : float or (B,) array in [0, 1)
        :math:`\mu`. Default 0.95 (every framework; optax calls it ``beta``).
    nesterov : bool
        Nesterov direction. Default True (every framework).
    ns_coefficients : three numbers
        :math:`(a, b, c)` of :func:`newton_schulz`. Default (3.4445, −4.775, 2.0315).
    ns_steps : int in [0, 100)
        Newton–Schulz iterations. Default 5.
    eps : float or (B,) array in (0, inf)
        ε of the normalisation (``eps_form``). Default 1e-7 (PyTorch, Keras); optax 1e-8.
    weight_decay : float or (B,) array in [0, inf)
        :math:`\lambda`, decoupled and times the *unadjusted* rate: :math:`-\alpha\lambda\theta_{t-1}`
        (the same in all three frameworks). Default 0; PyTorch 0.1, Keras 0.004, optax 0.
    adjust_lr : {None, 'original', 'match_rms_adamw', 'optax', 'rms', 'none'}
        The shape factor :math:`r` (:func:`lr_factor`): ``None``/``'original'``
        :math:`\sqrt{\max(1, m/n)}` (PyTorch default), ``'match_rms_adamw'``
        :math:`0.2\sqrt{\max(m, n)}` (PyTorch, to match AdamW's update RMS), ``'optax'``
        :math:`\sqrt{\max(1, n/m)}` (optax default: the opposite orientation), ``'rms'``
        :math:`\rho\sqrt{\max(m, n)}` (Keras ``rms_rate``, optax ``consistent_rms``), ``'none'`` 1.
    momentum_form : {'ema', 'sum', 'ema_bias_corrected'}
        ``'ema'`` (PyTorch; its docstring's box shows a sum, the code is an EMA), ``'sum'``
        (Keras, and the paper's box: :math:`B_t = \mu B_{t-1} + g_t`, Nesterov
        :math:`U_t = g_t + \mu B_t`, exactly :math:`1/(1-\mu)` times PyTorch's direction) or
        ``'ema_bias_corrected'`` (optax: :math:`B_t = \mu B_{t-1} + (1-\mu) g_t`, Nesterov
        :math:`U_t = \mu B_t/(1-\mu^{t+1}) + (1-\mu) g_t/(1-\mu^t)`, which is *not* proportional
        to the others).
    eps_form : {'clamp', 'add'}
        ``'clamp'`` (PyTorch) or ``'add'`` (Keras, optax); see :func:`newton_schulz`.
    norm_precision : {'float64', 'float32', 'bfloat16'}
        Precision of :math:`\|U_t\|_F`: ``'float64'`` (optax), ``'float32'`` (Keras on JAX),
        ``'bfloat16'`` (PyTorch; only with ``ns_precision='bfloat16'``, which needs it).
    ns_precision : {'float64', 'bfloat16'}
        ``'float64'`` (Keras, optax) or ``'bfloat16'``: PyTorch's iteration, emulated with
        ``ml_dtypes.bfloat16`` (float32 accumulation, one rounding per ``addmm``); then only
        ``eps_form='clamp'``.
    rms_rate : float in [0, inf)
        ρ of ``adjust_lr='rms'``. Default 0.2 (Keras).
    fallback : None, 'row' or Optimizer
        What a θ that is not a matrix per run (a vector) gets. ``None`` (PyTorch): ``init``
        raises a ``ValueError``. ``'row'``: a vector is a 1×n matrix, so :math:`O_t` is about
        :math:`U_t/\|U_t\|` (normalised momentum; what the widgets run on 2-D points). An
        :class:`~lrlessons.optimizers.base.Optimizer` (Keras's AdamW path, optax's NAdamW): it runs
        such θ whole, with its own rate and weight decay; ``equations`` are then the Muon
        update's, and a vector's trace is the fallback's (``hyperparameters['fallback'].equations``).
    decoupled_weight_decay : bool
        ``True`` (every framework): :math:`-\alpha\lambda\theta_{t-1}` added to the step.
        ``False``: L2, :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}` enters the momentum.

    Notes
    -----
    **Shapes.** θ is ``(m, n)`` or ``(B, m, n)``: a 3-D θ is always B runs (the lrlessons
    batching convention; PyTorch raises for it, Keras and optax treat it as one tensor and send it
    to AdamW / NAdamW). Under ``(B,)`` hyperparameters a 2-D θ is B vectors (``fallback``).

    **Precision.** PyTorch runs Newton–Schulz in bfloat16 whatever the parameter dtype: a float64
    iteration is 1.2% (median) to 22% off per update, so ``pytorch.Muon`` sets
    ``ns_precision='bfloat16'`` and matches torch 2.13 bit for bit on the recorded inputs (the
    trajectories to ~1e-15: torch fuses ``lerp_``/``add_`` into one rounding, numpy does not).
    Keras (JAX backend, x64) iterates in float64 but divides by a float32 norm.

    References
    ----------
    K. Jordan et al. (2024). Muon: An optimizer for hidden layers in neural networks.
    kellerjordan.github.io/posts/muon. J. Liu et al. (2025). Muon is Scalable for LLM Training,
    arXiv:2502.16982 (the 0.2·√max(m, n) RMS matching). PyTorch ``torch/optim/_muon.py``; Keras
    ``keras/src/optimizers/muon.py``; optax ``optax/contrib/_muon.py``.

    >>> opt = muon(lr=0.1)
    >>> theta, state, tr = opt.step(np.eye(2), np.diag([2.0, 1.0]), opt.init(np.eye(2)))
    >>> np.round(np.diag(tr.o), 3)
    array([0.689, 1.114])
    """
    owner = "muon"
    if not callable(lr):
        check_interval(owner, "lr", lr, 0, None, "left")
    check_interval(owner, "momentum", momentum, 0, 1, "left")
    check_bool(owner, "nesterov", nesterov)
    try:
        coefficients = Coefficients(ns_coefficients)
    except (TypeError, ValueError):
        raise TypeError(f"The 'ns_coefficients' parameter of {owner} must be three numbers (a, b, c). "
                        f"Got {ns_coefficients!r} instead.") from None
    for value in coefficients:
        check_interval(owner, "ns_coefficients", value, None, None)
    check_integer(owner, "ns_steps", ns_steps, 0, 99)
    check_interval(owner, "eps", eps, 0, None, "neither")
    check_interval(owner, "weight_decay", weight_decay, 0, None, "left")
    check_choice(owner, "adjust_lr", adjust_lr, (None, "original", "match_rms_adamw", "optax", "rms", "none"))
    check_choice(owner, "momentum_form", momentum_form, ("ema", "sum", "ema_bias_corrected"))
    check_choice(owner, "eps_form", eps_form, ("clamp", "add"))
    check_choice(owner, "norm_precision", norm_precision, ("float64", "float32", "bfloat16"))
    check_choice(owner, "ns_precision", ns_precision, ("float64", "bfloat16"))
    check_interval(owner, "rms_rate", rms_rate, 0, None, "left")
    check_bool(owner, "decoupled_weight_decay", decoupled_weight_decay)
    if np.ndim(rms_rate) != 0:
        raise ValueError(f"The 'rms_rate' parameter of {owner} must be one number (not a (B,) batch). "
                         f"Got {rms_rate!r} instead.")
    if (ns_precision == "bfloat16") != (norm_precision == "bfloat16"):
        raise ValueError(f"The 'norm_precision' parameter of {owner} must be 'bfloat16' exactly when "
                         f"ns_precision='bfloat16' (PyTorch's iteration takes its norm in bfloat16). "
                         f"Got {norm_precision!r} with ns_precision={ns_precision!r} instead.")
    if ns_precision == "bfloat16" and eps_form != "clamp":
        raise ValueError(f"The 'eps_form' parameter of {owner} must be 'clamp' when ns_precision='bfloat16' "
                         f"(PyTorch's iteration clamps). Got {eps_form!r} instead.")
    if not (fallback is None or fallback == "row" or isinstance(fallback, Optimizer)):
        raise TypeError(f"The 'fallback' parameter of {owner} must be None, 'row' or an Optimizer. "
                        f"Got {fallback!r} instead.")
    hp = dict(lr=lr, momentum=momentum, nesterov=nesterov, ns_coefficients=coefficients, ns_steps=int(ns_steps),
              eps=eps, weight_decay=weight_decay, adjust_lr=adjust_lr, momentum_form=momentum_form,
              eps_form=eps_form, norm_precision=norm_precision, ns_precision=ns_precision, rms_rate=float(rms_rate),
              fallback=fallback, decoupled_weight_decay=decoupled_weight_decay)
    batched = any(np.ndim(v) > 0 for v in (lr, momentum, eps, weight_decay) if not callable(v))
    fn, equations = UPDATES[momentum_form, nesterov]
    if isinstance(fallback, Optimizer):
        matrices = muon(**{**hp, "fallback": None})
        parts = (fn, *((decoupled_decay,) if is_active(weight_decay) else ()))
        return _routed(owner, {"lr": lr, "muon": matrices, "fallback": fallback}, matrices, fallback, batched, parts)
    options = Options(coefficients, int(ns_steps), eps_form, norm_precision, ns_precision, adjust_lr,
                      float(rms_rate), fallback == "row", batched)
    update = Update(functools.partial(fn, options=options), equations, ("momentum", "eps"), (fn,))

    def start(theta):
        if np.ndim(theta) > 3 or (fallback is None and not is_matrix(theta, batched)):
            raise ValueError(_not_a_matrix(f"{owner}.init", np.shape(theta), batched))
        return init(theta)

    return Optimizer(owner, hp, update, start)
