"""Numpy re-implementations of every optimizer of the modern fixtures, checked against the fixtures.

    python tools/verify_modern_fixtures.py [PATH/TO/modern_optimizers.json] [--fma]

Pure numpy + ml_dtypes (no framework is imported). Each emulation follows
tools/modern_frameworks.md line by line; the script prints, per case, the largest relative error
over the whole trajectory and whether the
trajectory is reproduced bit for bit (normwise: max over updates of ||a_k - b_k||_inf / ||b_k||_inf;
elementwise errors are larger where a coordinate passes near zero, so elementwise tests need an atol). ``--fma`` reproduces PyTorch's CPU kernels exactly (torch
computes lerp_, add_(alpha=), addcmul_ with a fused multiply-add; emulated exactly with fractions):
without it, torch cases agree to ~1e-15 instead of 0.
"""

from __future__ import annotations

import json
import math
import sys
from fractions import Fraction
from pathlib import Path

import ml_dtypes
import numpy as np

F32 = np.float32
BF16 = ml_dtypes.bfloat16
USE_FMA = "--fma" in sys.argv
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
PATH = Path(ARGS[0]) if ARGS else Path(__file__).resolve().parent.parent / "lrlessons" / "reference" / "modern_optimizers.json"
D = json.loads(PATH.read_text())

_fma_scalar = np.frompyfunc(lambda a, b, c: float(Fraction(a) * Fraction(b) + Fraction(c)), 3, 1)


def fma(a, b, c):
    """a*b + c rounded once (torch's CPU kernels); plain a*b + c without --fma."""
    if not USE_FMA:
        return np.asarray(a, np.float64) * b + c
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                  np.asarray(c, np.float64))
    return np.asarray(_fma_scalar(a, b, c), dtype=np.float64)


def t_lerp(start, end, w):
    """torch.lerp on CPU: w small (|w| < 0.5): start + w*(end-start); else end + (w-1)*(end-start)."""
    diff = np.asarray(end, np.float64) - start
    return fma(w, diff, start) if abs(w) < 0.5 else fma(w - 1.0, diff, end)


def grads_of(case):
    if "grads" in case:
        return np.asarray(case["grads"], np.float64)
    return np.asarray(D["problems"][case["problem"]]["grads"], np.float64)[: len(case["thetas"])]


# ----------------------------------------------------------------------------------------------
# torch.optim.Muon
# ----------------------------------------------------------------------------------------------
def _r16(x32):
    return np.asarray(x32, F32).astype(BF16)


def ns_torch_bf16(G, coeffs=(3.4445, -4.775, 2.0315), steps=5, eps=1e-7):
    """torch/optim/_muon.py _zeropower_via_newtonschulz, emulated: bf16 storage, f32 accumulation."""
    a, b, c = coeffs
    X = np.asarray(G, np.float64).astype(F32).astype(BF16)  # torch: f64 -> f32 -> bf16
    tr = G.shape[0] > G.shape[1]
    if tr:
        X = X.T
    Xf = X.astype(F32)
    n = _r16(np.sqrt(np.sum(Xf * Xf, dtype=F32), dtype=F32))  # bf16 norm, f32 accumulation
    n = max(n, BF16(eps))  # clamp(min=eps) in bf16
    X = _r16(X.astype(F32) / F32(n))
    for _ in range(steps):
        A = _r16(X.astype(F32) @ X.astype(F32).T)
        B = _r16(_addmm_f32(A, A, A, beta=b, alpha=c))
        X = _r16(_addmm_f32(X, B, X, beta=a, alpha=1.0))
    return (X.T if tr else X).astype(np.float64)


def _addmm_f32(C, L, R, beta, alpha):
    """torch.addmm on bfloat16 CPU tensors, before the final rounding to bfloat16: the product
    L @ R summed in float32 (products of bfloat16 values are exact in float32), scaled by alpha in
    float32, then beta*C added with ONE float32 rounding (a fused multiply-add,
    fma(beta, C, alpha*S)); emulated in float64 then rounded to float32."""
    S = (L.astype(F32) @ R.astype(F32)).astype(F32)
    T = (F32(alpha) * S).astype(F32)
    return (np.float64(F32(beta)) * C.astype(np.float64) + T.astype(np.float64)).astype(F32)


def ns_float64(G, coeffs=(3.4445, -4.775, 2.0315), steps=5, eps=1e-7, clamp=True):
    a, b, c = coeffs
    X = np.asarray(G, np.float64)
    tr = X.shape[0] > X.shape[1]
    if tr:
        X = X.T
    n = np.linalg.norm(X)
    X = X / (max(n, eps) if clamp else n + eps)
    for _ in range(steps):
        A = X @ X.T
        B = b * A + (c * A) @ A
        X = a * X + B @ X
    return X.T if tr else X


def emu_torch_muon(case, grads):
    kw = case["kwargs"]
    lr, wd = kw["lr"], kw.get("weight_decay", 0.1)
    mu, nesterov = kw.get("momentum", 0.95), kw.get("nesterov", True)
    coeffs = tuple(kw.get("ns_coefficients", (3.4445, -4.775, 2.0315)))
    steps, eps, fn = kw.get("ns_steps", 5), kw.get("eps", 1e-7), kw.get("adjust_lr_fn")
    th = np.asarray(case["theta0"], np.float64)
    rows, cols = th.shape
    ratio = (math.sqrt(max(1, rows / cols)) if fn in (None, "original")
             else 0.2 * math.sqrt(max(rows, cols)) if fn == "match_rms_adamw" else 1.0)
    buf = np.zeros_like(th)
    thetas, ins, outs = [], [], []
    for g in grads:
        buf = t_lerp(buf, g, 1 - mu)
        upd = t_lerp(g, buf, mu) if nesterov else buf
        O = ns_torch_bf16(upd, coeffs, steps, eps)
        ins.append(upd), outs.append(O)
        th = th * (1 - lr * wd)
        th = fma(O, -(lr * ratio), th)
        thetas.append(th)
    return {"thetas": thetas, "ns_inputs": ins, "ns_outputs": outs}


# ----------------------------------------------------------------------------------------------
# torch.optim.Adafactor
# ----------------------------------------------------------------------------------------------
def emu_torch_adafactor(case, grads):
    kw = case["kwargs"]
    lr, decay = kw.get("lr", 1e-2), kw.get("beta2_decay", -0.8)
    eps1, eps2 = kw.get("eps", [None, 1e-3])
    eps1 = np.finfo(np.float64).eps if eps1 is None else eps1
    d, wd, maximize = kw.get("d", 1.0), kw.get("weight_decay", 0.0), kw.get("maximize", False)
    th = np.asarray(case["theta0"], np.float64)
    R = np.zeros(th.shape[:-1] + (1,)) if th.ndim > 1 else None
    C = np.zeros(th.shape[:-2] + (1, th.shape[-1])) if th.ndim > 1 else None
    V = np.zeros_like(th)
    thetas = []
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        t = float(t)
        w = t**decay
        rho = min(lr, 1 / (t**0.5))
        alpha = max(eps2, math.sqrt(np.sum(th * th)) / (th.size**0.5)) * rho
        if wd != 0:
            th = th * (1 - lr * wd)
        if th.ndim > 1:
            row = np.sqrt(np.sum(g * g, axis=-1, keepdims=True)) ** 2 / g.shape[-1]
            R = t_lerp(R, row, w)
            col = np.sqrt(np.sum(g * g, axis=-2, keepdims=True)) ** 2 / g.shape[-2]
            C = t_lerp(C, col, w)
            var = (R @ C) / max(np.mean(R, axis=-2, keepdims=True).item(), eps1)
        else:
            V = t_lerp(V, g * g, w)
            var = V.copy()
        u = (1.0 / np.sqrt(np.maximum(var, eps1 * eps1))) * g
        den = max(1.0, math.sqrt(np.sum(u * u)) / ((u.size**0.5) * d))
        th = fma(u, -alpha / den, th)
        thetas.append(th)
    return {"thetas": thetas}


# ----------------------------------------------------------------------------------------------
# torch SGD/Adam under ChainedScheduler / MultiplicativeLR (rates from the case's "lrs")
# ----------------------------------------------------------------------------------------------
LAMBDAS = {"const099": lambda e: 0.99, "halve_every_50": lambda e: 0.5 if e % 50 == 0 else 1.0}


def torch_sched_lrs(spec, n):
    """Closed forms: MultiplicativeLR lr_e = lr_{e-1} * f(e); ChainedScheduler: each member's
    chainable factor applied in turn to the current lr."""
    base = spec["args"][0]
    kw = spec["kwargs"]
    lrs, lr = [], base
    if spec["schedule"] == "MultiplicativeLR":
        f = LAMBDAS[kw["lr_lambda"]["__lambda__"]]
        for e in range(n):
            if e > 0:
                lr = lr * f(e)
            lrs.append(lr)
        return lrs
    members = kw["schedulers"]
    # construction: each member's initial step; ConstantLR/LinearLR multiply at construction
    for m in members:
        k = m["kwargs"]
        if m["schedule"] == "ConstantLR":
            lr = lr * k["factor"]
        elif m["schedule"] == "LinearLR":
            lr = lr * k["start_factor"]
    for e in range(n):
        if e > 0:
            for m in members:
                k = m["kwargs"]
                s = m["schedule"]
                if s == "ConstantLR" and e == k["total_iters"]:
                    lr = lr * (1.0 / k["factor"])
                elif s == "ExponentialLR":
                    lr = lr * k["gamma"]
                elif s == "LinearLR" and e <= k["total_iters"]:
                    sf, ef, T = k["start_factor"], k.get("end_factor", 1.0), k["total_iters"]
                    lr = lr * (1.0 + (ef - sf) / (T * sf + (e - 1) * (ef - sf)))
                elif s == "StepLR" and e % k["step_size"] == 0:
                    lr = lr * k.get("gamma", 0.1)
        lrs.append(lr)
    return lrs


def emu_torch_sgd_adam(case, grads):
    kw = dict(case["kwargs"])
    spec = kw.pop("lr")
    lrs = case["lrs"]
    closed = torch_sched_lrs(spec, len(grads))
    th = np.asarray(case["theta0"], np.float64)
    thetas = []
    if case["optimizer"] == "SGD":
        mu, buf = kw["momentum"], None
        for g, lr in zip(grads, lrs):
            buf = g.copy() if buf is None else buf * mu + g
            th = fma(buf, -lr, th)
            thetas.append(th)
    else:  # Adam, defaults
        b1, b2, eps = 0.9, 0.999, 1e-8
        m = np.zeros_like(th)
        v = np.zeros_like(th)
        for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
            m = t_lerp(m, g, 1 - b1)
            v = fma((1 - b2) * g, g, v * b2)
            step = lr / (1 - b1**t)
            den = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
            th = fma(-step, m / den, th)
            thetas.append(th)
    return {"thetas": thetas, "lrs": closed}


# ----------------------------------------------------------------------------------------------
# schedulefree (the paper's package; foreach path, torch kernels)
# ----------------------------------------------------------------------------------------------
def emu_schedulefree(case, grads):
    kw = case["kwargs"]
    adam = case["optimizer"] == "AdamWScheduleFree"
    LR = kw.get("lr", 0.0025 if adam else 1.0)
    b1, b2 = (kw.get("betas", [0.9, 0.999]) if adam else (kw.get("momentum", 0.9), None))
    eps, wd = kw.get("eps", 1e-8), kw.get("weight_decay", 0.0)
    W, r, p = kw.get("warmup_steps", 0), kw.get("r", 0.0), kw.get("weight_lr_power", 2.0)
    y = np.asarray(case["theta0"], np.float64)
    z = y.copy()
    v = np.zeros_like(y)
    lr_max, wsum = -1.0, 0.0
    thetas, xs = [], []
    for k, g in enumerate(grads):
        sched = (k + 1) / W if k < W else 1.0
        lr = LR * sched
        lr_max = max(lr, lr_max)
        weight = ((k + 1) ** r) * (lr_max**p)
        wsum = wsum + weight
        c = weight / wsum
        if adam:
            v = fma((1 - b2) * g, g, v * b2)
            den = np.sqrt(v / (1 - b2 ** (k + 1))) + eps
            g = g / den
        if wd != 0:
            g = fma(y, wd, g)
        y = t_lerp(y, z, c)
        y = fma(g, lr * (b1 * (1 - c) - 1), y)
        z = fma(g, -lr, z)
        thetas.append(y)
        xs.append(t_lerp(y, z, 1 - 1 / b1))
    return {"thetas": thetas, "xs": xs}


# ----------------------------------------------------------------------------------------------
# Keras 3.15.1, JAX backend, x64 (eager: one XLA op per keras op, no FMA contraction)
# ----------------------------------------------------------------------------------------------
def kmean(x, axis=None, keepdims=False):
    """keras.ops.mean of float64 on JAX: cast to float32, sequential float32 sum, times float32(1/n),
    cast back to float64 (keras/src/backend/jax/numpy.py mean; XLA turns /n into *(1/n))."""
    x32 = np.asarray(x, np.float64).astype(F32)
    if axis is None and x32.ndim == 2 and x32.shape[0] % 2 == 0:
        # observed for (4, 3) and (2, 6): row sums (sequential), rows accumulated in two
        # interleaved lanes (even rows, odd rows), lanes added: (R0 + R2) + (R1 + R3)
        lanes = [F32(0), F32(0)]
        for i, row in enumerate(x32):
            s = F32(0)
            for v in row:
                s = F32(s + v)
            lanes[i % 2] = F32(lanes[i % 2] + s)
        s = F32(lanes[0] + lanes[1])
        return np.float64(F32(s * F32(1.0 / x32.size)))
    if axis is None:
        x32 = x32.reshape(-1)
        axis = 0
    x32 = np.moveaxis(x32, axis, -1)
    s = np.zeros(x32.shape[:-1], F32)
    for i in range(x32.shape[-1]):
        s = (s + x32[..., i]).astype(F32)
    out = (s * F32(1.0 / x32.shape[-1])).astype(F32).astype(np.float64)
    return np.expand_dims(out, axis) if keepdims else out


def knorm32(x):
    """keras.ops.norm(float64 matrix) on JAX: float32 result; sqrt of a sequential float32
    fused-multiply-add accumulation of the float32-cast entries (holds for the (3, 4) and (3, 5)
    row-major arrays used here; XLA's fused reduction order is layout dependent)."""
    s = F32(0)
    for v in np.asarray(x, np.float64).astype(F32).ravel():
        s = F32(np.float64(s) + np.float64(v) * np.float64(v))
    return F32(np.sqrt(s))


def k_decay(th, lr, wd):
    return th if wd is None else th - th * wd * lr


def emu_keras_lion(case, grads):
    kw = case["kwargs"]
    lr, b1, b2, wd = kw["learning_rate"], kw.get("beta_1", 0.9), kw.get("beta_2", 0.99), kw.get("weight_decay")
    th = np.asarray(case["theta0"], np.float64)
    m = np.zeros_like(th)
    out = []
    for g in grads:
        th = k_decay(th, lr, wd)
        th = th - lr * np.sign(m * b1 + g * (1.0 - b1))
        m = m * b2 + g * (1.0 - b2)
        out.append(th)
    return {"thetas": out}


def emu_keras_muon(case, grads):
    kw = case["kwargs"]
    lr = kw["learning_rate"]
    th = np.asarray(case["theta0"], np.float64)
    m = np.zeros_like(th)
    out, norms = [], []
    if th.ndim != 2:  # AdamW path
        b1, b2 = kw.get("adam_beta_1", 0.9), kw.get("adam_beta_2", 0.999)
        wd, ratio, eps = kw.get("adam_weight_decay", 0.004), kw.get("adam_lr_ratio", 1), kw.get("epsilon", 1e-7)
        v = np.zeros_like(th)
        for t, g in enumerate(grads, start=1):
            th = k_decay(th, lr, wd)
            lra = lr * ratio
            alpha = lra * np.sqrt(1 - b2 ** float(t)) / (1 - b1 ** float(t))
            m = m + (g - m) * (1 - b1)
            v = v + (g * g - v) * (1 - b2)
            th = th - (m * alpha) / (np.sqrt(v) + eps)
            out.append(th)
        return {"thetas": out}
    a, b, c = kw.get("muon_a", 3.4445), kw.get("muon_b", -4.775), kw.get("muon_c", 2.0315)
    mu, nesterov, steps = kw.get("momentum", 0.95), kw.get("nesterov", True), kw.get("ns_steps", 5)
    wd, rms = kw.get("weight_decay", 0.004), kw.get("rms_rate", 0.2)
    for g in grads:
        th = k_decay(th, lr, wd)
        m = m + (g + m * (mu - 1))
        G = g + mu * m if nesterov else m
        tr = G.shape[0] > G.shape[1]
        x = G.T.copy() if tr else G.copy()
        n = knorm32(x)
        norms.append(float(n))
        x = x / np.float64(F32(n + F32(1e-7)))  # float32 norm + 1e-7 stays float32
        for _ in range(steps):
            A = x @ x.T
            B = b * A + (c * A) @ A
            x = a * x + B @ x
        O = x.T if tr else x
        upd = lr * O
        if rms is not None:
            upd = upd * np.sqrt(np.float64(max(th.shape))) * rms
        th = th - upd
        out.append(th)
    return {"thetas": out, "ns_norms": norms}


def emu_keras_sf(case, grads):
    kw = case["kwargs"]
    lr, b1, b2 = kw["learning_rate"], kw.get("beta_1", 0.9), kw.get("beta_2", 0.999)
    eps, W, wd = kw.get("epsilon", 1e-8), kw.get("warmup_steps", 0), kw.get("weight_decay")
    y = np.asarray(case["theta0"], np.float64)
    z = y.copy()
    v = np.zeros_like(y)
    out, zs = [], []
    for t, g in enumerate(grads, start=1):
        y = k_decay(y, lr, wd)
        lrt = lr * min(t / W, 1.0) if W > 0 else lr
        v = v + (g * g - v) * (1 - b2)
        den = np.sqrt(v / (1 - b2 ** float(t))) + eps
        z_old = z
        z = z - (lrt * g) / den
        w = 1.0 / t
        x_old = (y - (1 - b1) * z_old) / b1
        x_new = (1 - w) * x_old + w * z
        y = (1 - b1) * z + b1 * x_new
        out.append(y)
        zs.append(z)
    return {"thetas": out, "zs": zs}


def emu_keras_adafactor(case, grads, float32_mean=True):
    kw = case["kwargs"]
    lr0, dec = kw["learning_rate"], kw.get("beta_2_decay", -0.8)
    e1, e2, d = kw.get("epsilon_1", 1e-30), kw.get("epsilon_2", 1e-3), kw.get("clip_threshold", 1.0)
    wd = kw.get("weight_decay")
    mean = kmean if float32_mean else (lambda x, axis=None, keepdims=False: np.mean(x, axis=axis, keepdims=keepdims))
    th = np.asarray(case["theta0"], np.float64)
    r = np.zeros(th.shape[:-1])
    c = np.zeros(th.shape[:-2] + th.shape[-1:])
    v = np.zeros_like(th)
    out = []
    for t, g in enumerate(grads, start=1):
        th = k_decay(th, lr0, wd)
        t = float(t)
        lr = min(lr0, 1 / np.sqrt(t))
        rho = min(lr, 1 / np.sqrt(t))
        alpha = max(e2, np.sqrt(mean(th * th))) * rho
        reg = g * g + e1
        beta = 1 - t**dec
        if th.ndim >= 2:
            r = beta * r + (1 - beta) * mean(reg, axis=-1)
            c = beta * c + (1 - beta) * mean(reg, axis=-2)
            v = np.expand_dims(r / mean(r, axis=-1, keepdims=True), -1) * np.expand_dims(c, -2)
        else:
            v = beta * v + (1 - beta) * reg
        u = g / np.sqrt(v)
        uh = u / max(1.0, np.sqrt(mean(u * u)) / d)
        th = th - alpha * uh
        out.append(th)
    return {"thetas": out}


def emu_keras_lamb(case, grads):
    kw = case["kwargs"]
    lr, b1, b2 = kw["learning_rate"], kw.get("beta_1", 0.9), kw.get("beta_2", 0.999)
    eps, wd = kw.get("epsilon", 1e-7), kw.get("weight_decay")
    th = np.asarray(case["theta0"], np.float64)
    m = np.zeros_like(th)
    v = np.zeros_like(th)
    out = []
    for t, g in enumerate(grads, start=1):
        th = k_decay(th, lr, wd)
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        mh = m / (1.0 - b1 ** float(t))
        vs = np.sqrt(v / (1.0 - b2 ** float(t))) + eps
        u = mh / vs
        wn, gn = np.sqrt(np.sum(th**2)), np.sqrt(np.sum(u**2))
        ratio = wn / gn if (wn > 0 and gn > 0) else 1.0
        th = th - ratio * lr * u
        out.append(th)
    return {"thetas": out}


def k_clip(kw, g):
    if kw.get("clipnorm"):
        cn = kw["clipnorm"]
        n = np.sqrt(np.sum(g * g))
        return (g * cn) / max(n, cn)
    if kw.get("global_clipnorm"):
        cn = kw["global_clipnorm"]
        n = np.sqrt(np.sum(np.stack([np.sum(g * g)])))
        scale = cn * min(1.0 / n, 1.0 / cn)
        return g * (scale + (n - n))
    if kw.get("clipvalue"):
        return np.clip(g, -kw["clipvalue"], kw["clipvalue"])
    return g


def emu_keras_classic(case, grads):
    kw = case["kwargs"]
    lr = kw["learning_rate"]
    th = np.asarray(case["theta0"], np.float64)
    out = []
    if case["optimizer"] == "SGD":
        mu, m = kw.get("momentum", 0.0), np.zeros_like(th)
        for g in grads:
            g = k_clip(kw, g)
            if mu:
                m = m * mu - g * lr
                th = th + m
            else:
                th = th - g * lr
            out.append(th)
        return {"thetas": out}
    b1, b2, eps = 0.9, 0.999, 1e-7
    wd = kw.get("weight_decay", 0.004 if case["optimizer"] == "AdamW" else None)
    m = np.zeros_like(th)
    v = np.zeros_like(th)
    for t, g in enumerate(grads, start=1):
        g = k_clip(kw, g)
        th = k_decay(th, lr, wd)
        alpha = lr * np.sqrt(1 - b2 ** float(t)) / (1 - b1 ** float(t))
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        th = th - (m * alpha) / (np.sqrt(v) + eps)
        out.append(th)
    return {"thetas": out}


# ----------------------------------------------------------------------------------------------
# optax 0.2.8 (jax x64, eager)
# ----------------------------------------------------------------------------------------------
def o_bc(decay, k):
    return 1 - decay**k


def o_adam_dir(st, g, b1, b2, eps, eps_root, nesterov):
    st["k"] += 1
    k = st["k"]
    st["mu"] = (1 - b1) * g + b1 * st["mu"]
    st["nu"] = (1 - b2) * (g * g) + b2 * st["nu"]
    if nesterov:
        mh = b1 * (st["mu"] / o_bc(b1, k + 1)) + (1 - b1) * (g / o_bc(b1, k))
    else:
        mh = st["mu"] / o_bc(b1, k)
    vh = st["nu"] / o_bc(b2, k)
    return mh / (np.sqrt(vh + eps_root) + eps)


def adam_state(th):
    return {"k": 0, "mu": np.zeros_like(th), "nu": np.zeros_like(th)}


def emu_optax(case, grads):
    name, kw = case["optimizer"], case["kwargs"]
    th = np.asarray(case["theta0"], np.float64)
    out, extra = [], {}
    if name == "lion":
        lr, b1, b2, wd = kw["learning_rate"], kw.get("b1", 0.9), kw.get("b2", 0.99), kw.get("weight_decay", 1e-3)
        mu = np.zeros_like(th)
        for g in grads:
            u = np.sign((1.0 - b1) * g + b1 * mu)
            mu = (1 - b2) * g + b2 * mu
            if wd != 0.0:
                u = u + wd * th
            th = th + (-lr) * u
            out.append(th)
    elif name in ("lamb", "nadamw"):
        lr = kw["learning_rate"]
        b1, b2 = kw.get("b1", 0.9), kw.get("b2", 0.999)
        eps = kw.get("eps", 1e-6 if name == "lamb" else 1e-8)
        er = kw.get("eps_root", 0.0)
        wd = kw.get("weight_decay", 0.0 if name == "lamb" else 1e-4)
        st = adam_state(th)
        for g in grads:
            u = o_adam_dir(st, g, b1, b2, eps, er, nesterov=(name == "nadamw"))
            if wd != 0.0:
                u = u + wd * th
            if name == "lamb":
                pn, un = np.linalg.norm(th), np.linalg.norm(u)
                u = u * (1.0 if (pn == 0 or un == 0) else 1.0 * pn / (un + 0.0))
            th = th + (-lr) * u
            out.append(th)
    elif name == "lars":
        lr, wd = kw["learning_rate"], kw.get("weight_decay", 0.0)
        tc, eps = kw.get("trust_coefficient", 0.001), kw.get("eps", 0.0)
        mu, nesterov = kw.get("momentum", 0.9), kw.get("nesterov", False)
        tr = np.zeros_like(th)
        for g in grads:
            u = g + wd * th if wd != 0.0 else g
            pn, un = np.linalg.norm(th), np.linalg.norm(u)
            u = u * (1.0 if (pn == 0 or un == 0) else tc * pn / (un + eps))
            u = (-lr) * u
            tr = u + mu * tr
            u = u + mu * tr if nesterov else tr
            th = th + u
            out.append(th)
    elif name == "adafactor":
        out, extra = emu_optax_adafactor(case, grads)
    elif name == "chain":
        clip, inner = case["args"]
        c = clip["args"][0]
        ik = inner["kwargs"]
        st = adam_state(th)
        tr = np.zeros_like(th)
        for g in grads:
            if clip["transform"] == "clip_by_global_norm":
                n = np.sqrt(np.sum(g * g))
                g = g if n < c else (g / n) * c
            else:
                g = np.clip(g, -c, c)
            if inner["transform"] == "adam":
                u = o_adam_dir(st, g, 0.9, 0.999, 1e-8, 0.0, False)
            else:
                tr = g + ik["momentum"] * tr
                u = tr
            th = th + (-ik["learning_rate"]) * u
            out.append(th)
    elif name == "contrib.muon":
        out = emu_optax_muon(case, grads)
    elif name.startswith("contrib.schedule_free"):
        out, extra = emu_optax_sf(case, grads)
    return {"thetas": out, **extra}


def emu_optax_adafactor(case, grads):
    kw = case["kwargs"]
    lr, mdim = kw.get("learning_rate"), kw.get("min_dim_size_to_factor", 128)
    dr, thr = kw.get("decay_rate", 0.8), kw.get("clipping_threshold", 1.0)
    mom, wdr, eps = kw.get("momentum"), kw.get("weight_decay_rate"), kw.get("eps", 1e-30)
    pscale = kw.get("multiply_by_parameter_scale", True)
    th = np.asarray(case["theta0"], np.float64)
    shape = th.shape
    fd = None
    if th.ndim >= 2:
        sd = np.argsort(shape)
        if shape[sd[-2]] >= mdim:
            fd = (int(sd[-2]), int(sd[-1]))
    if fd:
        d1, d0 = fd
        vr = np.zeros(np.delete(np.array(shape), d0))
        vc = np.zeros(np.delete(np.array(shape), d1))
    v = np.zeros_like(th)
    ema = np.zeros_like(th, dtype=F32)
    out, drs = [], []
    for k, g in enumerate(grads):
        d = F32(1.0) - F32(k + 1) ** F32(-dr)  # float32 throughout
        drs.append(float(d))
        d64, omd = np.float64(d), np.float64(F32(1.0) - d)
        g2 = g * g + eps
        if fd:
            vr = d64 * vr + omd * np.mean(g2, axis=d0)
            vc = d64 * vc + omd * np.mean(g2, axis=d1)
            red = d1 - 1 if d1 > d0 else d1
            rcm = np.mean(vr, axis=red, keepdims=True)
            rf = (vr / rcm) ** -0.5
            cf = vc ** -0.5
            u = g * np.expand_dims(rf, d0) * np.expand_dims(cf, d1)
        else:
            v = d64 * v + omd * g2
            u = g * v ** -0.5
        if thr is not None:
            u = u / max(1.0, np.sqrt(np.mean(u * u)) / thr)
        if lr is not None:
            u = lr * u
        if pscale:
            rms = np.sqrt(np.mean(th * th))
            u = u * (1e-3 if rms <= 1e-3 else rms)
        if mom is not None:
            new = (1 - mom) * u + (F32(mom) * ema).astype(np.float64)  # decay*ema in float32
            u = new
            ema = new.astype(F32)
        if wdr is not None:
            u = u + wdr * th
        u = -1 * u
        th = th + u
        out.append(th)
    return out, {"decay_rates": drs}


def emu_optax_muon(case, grads):
    kw = case["kwargs"]
    lr = kw["learning_rate"]
    th = np.asarray(case["theta0"], np.float64)
    beta, nesterov, eps = kw.get("beta", 0.95), kw.get("nesterov", True), kw.get("eps", 1e-8)
    out = []
    if th.ndim != 2:  # adamw(nesterov=nesterov) with the muon eps
        alr = kw.get("adam_learning_rate") or lr
        b1, b2 = kw.get("adam_b1", 0.9), kw.get("adam_b2", 0.999)
        wd, er = kw.get("adam_weight_decay", 0.0), kw.get("adam_eps_root", 0.0)
        st = adam_state(th)
        for g in grads:
            u = o_adam_dir(st, g, b1, b2, eps, er, nesterov)
            if wd != 0.0:
                u = u + wd * th
            th = th + (-alr) * u
            out.append(th)
        return out
    coeffs = tuple(kw.get("ns_coeffs", (3.4445, -4.775, 2.0315)))
    steps, wd, crms = kw.get("ns_steps", 5), kw.get("weight_decay", 0.0), kw.get("consistent_rms")
    rows, cols = th.shape
    mu = np.zeros_like(th)
    for k, g in enumerate(grads, start=1):
        mu = (1 - beta) * g + beta * mu
        if nesterov:
            mh = beta * (mu / o_bc(beta, k + 1)) + (1 - beta) * (g / o_bc(beta, k))
        else:
            mh = mu / o_bc(beta, k)
        O = ns_float64(mh, coeffs, steps, eps, clamp=False)
        scale = np.sqrt(max(1, cols / rows)) if crms is None else np.sqrt(max(rows, cols)) * crms
        u = scale * O
        if wd != 0.0:
            u = u + wd * th
        th = th + (-lr) * u
        out.append(th)
    return out


def o_warm(peak, W, count):
    """optax.warmup_constant_schedule(0, peak, W) at an int32 count: float32 arithmetic."""
    c = F32(min(max(count, 0), W))
    frac = F32(1) - c / F32(W)
    return float(F32(F32(0.0 - peak) * frac + F32(peak)))


def emu_optax_sf(case, grads):
    kw = case["kwargs"]
    adam = case["optimizer"].endswith("adamw")
    LR, W = kw.get("learning_rate", 0.0025 if adam else 1.0), kw.get("warmup_steps")
    b1, b2, eps = kw.get("b1", 0.9), kw.get("b2", 0.999), kw.get("eps", 1e-8)
    wd, p = kw.get("weight_decay", 0.0 if adam else None), kw.get("weight_lr_power", 2.0)
    y = np.asarray(case["theta0"], np.float64)
    z = y.copy()
    nu = np.zeros_like(y)
    wsum, max_lr = 0.0, 0.0
    out, xs, lrs, wlrs = [], [], [], []
    for k, g in enumerate(grads):
        lr_w = o_warm(LR, W, k + 1) if W is not None else LR
        lr_z = o_warm(LR, W, k) if W is not None else LR
        lrs.append(lr_z), wlrs.append(lr_w)
        max_lr = max(max_lr, lr_w)
        weight = max_lr**p
        wsum = wsum + weight
        ck = weight / wsum if wsum != 0 else 0.0
        if adam:
            nu = (1 - b2) * (g * g) + b2 * nu
            vh = nu / o_bc(b2, k + 1)
            u = (1 / (np.sqrt(vh) + eps)) * g
            if wd != 0.0:
                u = u + wd * y
        else:
            u = g + wd * y if wd is not None else g
        u = (-lr_z) * u
        z_new = z + u
        prev_x = (y - (1.0 - b1) * z) / b1
        x = (1.0 - ck) * prev_x + ck * z_new
        y_new = b1 * x + (1.0 - b1) * z_new
        y = y + (y_new - y)
        z = z_new
        out.append(y)
        xs.append((y - (1.0 - b1) * z) / b1)
    extra = {"xs": xs}
    if W is not None:
        extra.update(lrs=lrs, weight_lrs=wlrs)
    return out, extra


# ----------------------------------------------------------------------------------------------
# modern_schedules.json: torch chainable recursion, WSD compositions
# ----------------------------------------------------------------------------------------------
SL={"const099": lambda e: 0.99, "halve_every_50": lambda e: 0.5 if e % 50 == 0 else 1.0,
   "pow095": lambda e: 0.95**e, "one_over": lambda e: 1.0/(1.0+0.05*e)}
def member_init(m, lr):
    k=m["kwargs"]; n=m["name"]
    if n=="ConstantLR": return lr*k.get("factor",1/3)
    if n=="LinearLR": return lr*k.get("start_factor",1/3)
    return lr
def member_step(m, lr, e, base):
    k=m["kwargs"]; n=m["name"]
    if n=="ConstantLR":
        return lr*(1.0/k.get("factor",1/3)) if e==k.get("total_iters",5) else lr
    if n=="LinearLR":
        sf,ef,T=k.get("start_factor",1/3),k.get("end_factor",1.0),k.get("total_iters",5)
        return lr*(1.0+(ef-sf)/(T*sf+(e-1)*(ef-sf))) if e<=T else lr
    if n=="ExponentialLR": return lr*k["gamma"]
    if n=="StepLR": return lr*k.get("gamma",0.1) if e%k["step_size"]==0 else lr
    if n=="MultiStepLR": return lr*k.get("gamma",0.1)**k["milestones"].count(e) if e in k["milestones"] else lr
    if n=="MultiplicativeLR": return lr*SL[k["lr_lambda"]["__lambda__"]](e)
    if n=="CosineAnnealingLR":
        T=k["T_max"]; em=k.get("eta_min",0.0)
        if (e-1-T)%(2*T)==0: return lr+(base-em)*(1-math.cos(math.pi/T))/2
        return (1+math.cos(math.pi*e/T))/(1+math.cos(math.pi*(e-1)/T))*(lr-em)+em
    raise ValueError(n)
def check_schedules(S):
  for c in S["cases"]:
      if c["fw"]!="pytorch" or c["name"] not in ("ChainedScheduler","MultiplicativeLR"): continue
      members=[s["__schedule__"] for s in c["kwargs"]["schedulers"]] if c["name"]=="ChainedScheduler" else [{"name":"MultiplicativeLR","kwargs":c["kwargs"]}]
      base=c["lr"]; lr=base
      for m in members: lr=member_init(m, lr)
      out=[lr]
      for e in range(1,len(c["values"])):
          for m in members: lr=member_step(m, lr, e, base)
          out.append(lr)
      err=max(abs(a-b)/max(abs(b),1e-300) for a,b in zip(out,c["values"]))
      exact=out==c["values"]
      print(c["name"], [m["name"] for m in members], "exact" if exact else "max rel %.1e"%err)

  for c in S["cases"]:
    if "wsd" not in c:
        continue
    w = c["wsd"]
    P, T, W, Dd, Fv = w["peak_lr"], w["total_steps"], w["warmup_steps"], w["decay_steps"], w["final_lr"]
    def f(t):
        if t < W:
            return P * (t + 1) / W if c["fw"] == "pytorch" else P * t / W
        if t < T - Dd:
            return P
        s = min(t - (T - Dd), Dd) / Dd
        if w["decay_shape"] == "linear":
            return P + (Fv - P) * s
        return Fv + (P - Fv) * 0.5 * (1 + math.cos(math.pi * s))
    e = max(abs(f(t) - x) for t, x in enumerate(c["values"]))
    print(c["fw"], c["name"], "wsd", w["decay_shape"], "max abs err %.1e" % e)


# ----------------------------------------------------------------------------------------------
EMU = {
    ("pytorch", "Muon"): emu_torch_muon, ("pytorch", "Adafactor"): emu_torch_adafactor,
    ("pytorch", "SGD"): emu_torch_sgd_adam, ("pytorch", "Adam"): emu_torch_sgd_adam,
    ("schedulefree", "SGDScheduleFree"): emu_schedulefree,
    ("schedulefree", "AdamWScheduleFree"): emu_schedulefree,
    ("keras", "Lion"): emu_keras_lion, ("keras", "Muon"): emu_keras_muon,
    ("keras", "ScheduleFreeAdamW"): emu_keras_sf, ("keras", "Adafactor"): emu_keras_adafactor,
    ("keras", "Lamb"): emu_keras_lamb, ("keras", "SGD"): emu_keras_classic,
    ("keras", "Adam"): emu_keras_classic, ("keras", "AdamW"): emu_keras_classic,
}


def relerr(a, b):
    """Largest normwise relative error over updates: max_k ||a_k - b_k||_inf / ||b_k||_inf."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.ndim <= 1:
        return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))) if a.size else 0.0
    ax = tuple(range(1, a.ndim))
    return float(np.max(np.max(np.abs(a - b), axis=ax) / np.maximum(np.max(np.abs(b), axis=ax), 1e-300)))


def main():
    worst = {}
    for case in D["cases"]:
        fn = EMU.get((case["framework"], case["optimizer"]), emu_optax if case["framework"] == "optax" else None)
        res = fn(case, grads_of(case))
        parts = []
        for key, val in res.items():
            if key not in case:
                continue
            ref = np.asarray(case[key], np.float64)
            got = np.asarray(val, np.float64)
            e = relerr(got, ref)
            exact = np.array_equal(got, ref)
            parts.append(f"{key}={'exact' if exact else f'{e:.1e}'}")
            k2 = (case["framework"], case["optimizer"], key)
            worst[k2] = max(worst.get(k2, 0.0), 0.0 if exact else e)
        print(f"{case['id']:60s} " + " ".join(parts))
    print("\nschedules (modern_schedules.json):")
    check_schedules(json.loads((PATH.parent / "modern_schedules.json").read_text()))
    print("\nworst relative error per framework/optimizer/field:")
    for k, v in sorted(worst.items()):
        print(f"  {'/'.join(k):55s} {v:.2e}")


if __name__ == "__main__":
    main()
