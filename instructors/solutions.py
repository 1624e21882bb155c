r"""Reference solutions to the lrlessons exercises, written the way a student would.

Kept OUT of the student path (not in ``lrlessons/``, not in ``notebooks/``): students import
``lrlessons`` and open the lessons, neither of which ships these. Each function has exactly
the signature that ``lrlessons.exercises.describe(name)`` states, and
``lrlessons.exercises.check(name, fn)`` passes on every one of them (``tests/test_exercises.py``
checks that). They are deliberately plain numpy, one line per equation, so they can be shown
after the deadline.
"""

from __future__ import annotations

import numpy as np

SOLUTIONS: dict = {}


def _solution(fn):
    SOLUTIONS[fn.__name__] = fn
    return fn


@_solution
def gd_step(theta, grad, lr):
    return theta - lr * grad                             # θ ← θ − α g


@_solution
def momentum_step(theta, grad, b, lr, momentum):
    b = momentum * b + grad                              # b_t = μ b_{t-1} + g_t
    return theta - lr * b, b                             # θ ← θ − α b_t


@_solution
def nesterov_step(theta, grad, b, lr, momentum):
    b = momentum * b + grad                              # b_t = μ b_{t-1} + g_t
    return theta - lr * (grad + momentum * b), b         # θ ← θ − α (g_t + μ b_t)


@_solution
def adagrad_step(theta, grad, S, lr, eps):
    S = S + grad**2                                      # S_t = S_{t-1} + g_t²
    return theta - lr * grad / (np.sqrt(S) + eps), S     # θ ← θ − α g_t / (√S_t + ε)


@_solution
def rmsprop_step(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2                # v_t = ρ v_{t-1} + (1-ρ) g_t²
    return theta - lr * grad / (np.sqrt(v) + eps), v     # θ ← θ − α g_t / (√v_t + ε)


@_solution
def tf_rmsprop_step(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2                # v_t = ρ v_{t-1} + (1-ρ) g_t²
    return theta - lr * grad / np.sqrt(v + eps), v       # θ ← θ − α g_t / √(v_t + ε)


@_solution
def adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad                   # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * v + (1 - beta2) * grad**2                # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    m_hat = m / (1 - beta1**t)                           # m̂_t = m_t / (1-β₁ᵗ)
    v_hat = v / (1 - beta2**t)                           # v̂_t = v_t / (1-β₂ᵗ)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@_solution
def adamw_step(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    step = -lr * m_hat / (np.sqrt(v_hat) + eps)          # the Adam step
    decay = -lr * weight_decay * theta                   # decoupled decay, from the old θ
    return theta + step + decay, m, v


@_solution
def exponential_decay(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps                   # p = t / D
    if staircase:
        p = np.floor(p)                                  # p = ⌊t / D⌋
    return learning_rate * decay_rate**p                 # η = η₀ r^p


@_solution
def cosine_decay(step, learning_rate, decay_steps, alpha):
    s = np.minimum(step, decay_steps)                    # s = min(t, D)
    cosine = 0.5 * (1 + np.cos(np.pi * s / decay_steps)) # ½(1 + cos(π s / D))
    return learning_rate * ((1 - alpha) * cosine + alpha)


@_solution
def linear_warmup(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + (learning_rate - start_lr) * np.asarray(step) / warmup_steps
    return np.where(np.asarray(step) < warmup_steps, ramp, learning_rate)


@_solution
def article_warmup(step):
    step = np.asarray(step)
    return np.where(step < 1000, step / 1000 * 0.01, 0.01)   # tf.cond(step < 1000, ...)


@_solution
def triangular(step, base_lr, max_lr, step_size):
    L = 2 * step_size                                    # a cycle: step_size up, step_size down
    c = np.floor(1 + np.asarray(step) / L)               # c = ⌊1 + t/L⌋
    x = 1 + np.asarray(step) / L - c                     # x ∈ [0, 1)
    s = np.where(x <= 0.5, 2 * x, 2 * (1 - x))           # 0 → 1 → 0
    return base_lr + (max_lr - base_lr) * s              # η = η_lo + (η_hi − η_lo) s


@_solution
def tf_adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad                   # m_t = β₁ m_{t-1} + (1-β₁) g_t
    v = beta2 * v + (1 - beta2) * grad**2                # v_t = β₂ v_{t-1} + (1-β₂) g_t²
    lr_t = lr * (1 - beta2**t) ** 0.5 / (1 - beta1**t)   # α'_t = α √(1-β₂ᵗ) / (1-β₁ᵗ)
    return theta - lr_t * m / (np.sqrt(v) + eps), m, v   # θ ← θ − α'_t m_t / (√v_t + ε̂)


@_solution
def multistep_lr(step, learning_rate, milestones, gamma):
    k = np.sum(np.asarray(milestones) <= np.asarray(step)[..., None], axis=-1)   # k = #{m ≤ t}
    return learning_rate * gamma**k                      # η = η₀ γ^k


@_solution
def two_batch_noise_scale(sq_small, sq_big, b_small, b_big):
    s, big = np.mean(sq_small), np.mean(sq_big)                     # average first
    trace = (s - big) / (1 / b_small - 1 / b_big)                   # tr Σ
    g_sq = (b_big * big - b_small * s) / (b_big - b_small)          # |G|²
    return g_sq, trace, trace / g_sq                                # B_simple = tr Σ / |G|²


@_solution
def power_iteration(A, iters, seed):
    v = np.random.default_rng(seed).normal(size=A.shape[-1])
    v = v / np.linalg.norm(v)                            # v₀, ‖v₀‖ = 1
    for _ in range(iters):
        w = A @ v                                        # w = A v
        lam = v @ w                                      # λ = vᵀ A v
        v = w / np.linalg.norm(w)                        # v ← w / ‖w‖
    return lam


@_solution
def mup_lr_scales(width, base_width, optimizer):
    m = np.asarray(width) / base_width                   # m = n / n₀
    if optimizer == "sgd":
        return m, np.ones_like(m), 1 / m                 # SGD: input η·m, hidden η, output η/m
    return np.ones_like(m), 1 / m, 1 / m                 # Adam: input η, hidden η/m, output η/m


@_solution
def lion_step(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad                   # c_t = β₁ m_{t-1} + (1-β₁) g_t
    m = beta2 * m + (1 - beta2) * grad                   # m_t = β₂ m_{t-1} + (1-β₂) g_t
    return theta - lr * (np.sign(c) + weight_decay * theta), m   # θ − α(sign(c) + λθ)


@_solution
def newton_schulz(G, coefficients, steps):
    a, b, c = coefficients
    X = G / max(np.linalg.norm(G), 1e-7)                 # X₀ = G / max(‖G‖_F, ε)
    for _ in range(steps):
        A = X @ X.T                                      # A = X Xᵀ
        B = b * A + c * A @ A                            # B = b A + c A²
        X = a * X + B @ X                                # X ← a X + B X
    return X


@_solution
def tail_average(thetas, start):
    out = np.array(thetas, dtype=np.result_type(np.asarray(thetas), 1.0))   # a copy; rows < start stay θ_k
    n = np.arange(1, len(out) - start + 1).reshape((-1,) + (1,) * (out.ndim - 1))   # k − start + 1
    out[start:] = np.cumsum(out[start:], axis=0) / n     # θ̄_k = (θ_s + … + θ_k) / (k − s + 1)
    return out


@_solution
def wsd_one_minus_sqrt(step, peak_lr, total_steps, decay_steps, final_lr):
    s = np.clip((np.asarray(step, dtype=float) - (total_steps - decay_steps)) / decay_steps, 0, 1)   # s ∈ [0, 1]
    return final_lr + (peak_lr - final_lr) * (1 - np.sqrt(s))   # F + (P − F)(1 − √s)
