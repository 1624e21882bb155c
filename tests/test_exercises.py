"""Tests of lrlessons.exercises: every checker against a correct solution and each known mistake.

The mistaken functions below are written by hand, the way students write them, independently
of the mistakes in the spec modules of ``lrlessons.exercises``: the test is that the checker recognises
real code, not that a variant recognises itself.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from lrlessons import exercises, optimizers
from lrlessons.exercises.engine import close

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = ROOT / "tests" / "data" / "students"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


solutions = _load(ROOT / "instructors" / "solutions.py", "lrlessons_instructor_solutions")
if str(ROOT / "instructors") not in sys.path:
    sys.path.insert(0, str(ROOT / "instructors"))
import grade  # noqa: E402
import test_grade_example  # noqa: E402

sqrt = np.sqrt

NAMES = (
    "gd_step", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "tf_rmsprop_step",
    "adam_step", "adamw_step",
    "exponential_decay", "cosine_decay", "linear_warmup", "article_warmup",
    "triangular", "tf_adam_step", "multistep_lr",
    "tail_average", "wsd_one_minus_sqrt",                  # lesson 10
    "power_iteration",                                     # lesson 11
    "two_batch_noise_scale",                               # lesson 12
    "lion_step", "newton_schulz",                          # lesson 13
    "mup_lr_scales",                                       # lesson 14
)

SIGNATURES = {
    "gd_step": "gd_step(theta, grad, lr) -> theta",
    "momentum_step": "momentum_step(theta, grad, b, lr, momentum) -> (theta, b)",
    "nesterov_step": "nesterov_step(theta, grad, b, lr, momentum) -> (theta, b)",
    "adagrad_step": "adagrad_step(theta, grad, S, lr, eps) -> (theta, S)",
    "rmsprop_step": "rmsprop_step(theta, grad, v, lr, decay, eps) -> (theta, v)",
    "tf_rmsprop_step": "tf_rmsprop_step(theta, grad, v, lr, decay, eps) -> (theta, v)",
    "adam_step": "adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps) -> (theta, m, v)",
    "adamw_step": "adamw_step(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay) -> (theta, m, v)",
    "exponential_decay": "exponential_decay(step, learning_rate, decay_steps, decay_rate, staircase) -> lr",
    "cosine_decay": "cosine_decay(step, learning_rate, decay_steps, alpha) -> lr",
    "linear_warmup": "linear_warmup(step, learning_rate, warmup_steps, start_lr) -> lr",
    "article_warmup": "article_warmup(step) -> lr",
    "triangular": "triangular(step, base_lr, max_lr, step_size) -> lr",
    "tf_adam_step": "tf_adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps) -> (theta, m, v)",
    "multistep_lr": "multistep_lr(step, learning_rate, milestones, gamma) -> lr",
    "two_batch_noise_scale": "two_batch_noise_scale(sq_small, sq_big, b_small, b_big) -> (g_sq, trace, b_simple)",
    "power_iteration": "power_iteration(A, iters, seed) -> lam",
    "mup_lr_scales": "mup_lr_scales(width, base_width, optimizer) -> (input, hidden, output)",
    "lion_step": "lion_step(theta, grad, m, lr, beta1, beta2, weight_decay) -> (theta, m)",
    "newton_schulz": "newton_schulz(G, coefficients, steps) -> X",
    "tail_average": "tail_average(thetas, start) -> averages",
    "wsd_one_minus_sqrt": "wsd_one_minus_sqrt(step, peak_lr, total_steps, decay_steps, final_lr) -> lr",
}


# ---------------------------------------------------------------------------------------
# Hand-written mistakes, one per diagnosis: {(exercise, mistake key): function}
# ---------------------------------------------------------------------------------------
MISTAKES = {}


def mistake(exercise, key):
    def register(fn):
        MISTAKES[(exercise, key)] = fn
        return fn

    return register


# gd_step
@mistake("gd_step", "sign")
def _(theta, grad, lr):
    return theta + lr * grad


@mistake("gd_step", "no_lr")
def _(theta, grad, lr):
    return theta - grad


@mistake("gd_step", "returns_delta")
def _(theta, grad, lr):
    return -lr * grad


@mistake("gd_step", "lr_divides")
def _(theta, grad, lr):
    return theta - grad / lr


# momentum_step
@mistake("momentum_step", "theta_sign")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta + lr * b, b


@mistake("momentum_step", "buffer_sign")
def _(theta, grad, b, lr, momentum):
    b = momentum * b - grad
    return theta - lr * b, b


@mistake("momentum_step", "lr_inside")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + lr * grad
    return theta - b, b


@mistake("momentum_step", "ema")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + (1 - momentum) * grad
    return theta - lr * b, b


@mistake("momentum_step", "old_buffer")
def _(theta, grad, b, lr, momentum):
    new_theta = theta - lr * b
    return new_theta, momentum * b + grad


@mistake("momentum_step", "no_lr")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - b, b


@mistake("momentum_step", "no_decay")
def _(theta, grad, b, lr, momentum):
    b = b + grad
    return theta - lr * b, b


# nesterov_step
@mistake("nesterov_step", "heavy_ball")
def _(theta, grad, b, lr, momentum):
    look = grad + momentum * b          # look-ahead with the OLD buffer = heavy ball
    return theta - lr * look, momentum * b + grad


@mistake("nesterov_step", "sign")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta + lr * (grad + momentum * b), b


@mistake("nesterov_step", "lr_inside")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + lr * grad
    return theta - lr * grad - momentum * b, b


@mistake("nesterov_step", "minus_lookahead")
def _(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - lr * (grad - momentum * b), b


# adagrad_step
@mistake("adagrad_step", "eps_inside_sqrt")
def _(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / sqrt(S + eps), S


@mistake("adagrad_step", "g_not_g2")
def _(theta, grad, S, lr, eps):
    S = S + grad
    return theta - lr * grad / (sqrt(S) + eps), S


@mistake("adagrad_step", "abs_g")
def _(theta, grad, S, lr, eps):
    S = S + abs(grad)
    return theta - lr * grad / (sqrt(S) + eps), S


@mistake("adagrad_step", "old_accumulator")
def _(theta, grad, S, lr, eps):
    theta = theta - lr * grad / (sqrt(S) + eps)
    return theta, S + grad * grad


@mistake("adagrad_step", "no_sqrt")
def _(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / (S + eps), S


@mistake("adagrad_step", "no_eps")
def _(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / sqrt(S), S


@mistake("adagrad_step", "sign")
def _(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta + lr * grad / (sqrt(S) + eps), S


# rmsprop_step
@mistake("rmsprop_step", "eps_inside_sqrt")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2
    return theta - lr * grad / sqrt(v + eps), v


@mistake("rmsprop_step", "g_not_g2")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad
    return theta - lr * grad / (sqrt(v) + eps), v


@mistake("rmsprop_step", "swapped_decay")
def _(theta, grad, v, lr, decay, eps):
    v = (1 - decay) * v + decay * grad**2
    return theta - lr * grad / (sqrt(v) + eps), v


@mistake("rmsprop_step", "no_one_minus")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + grad**2
    return theta - lr * grad / (sqrt(v) + eps), v


@mistake("rmsprop_step", "adagrad_sum")
def _(theta, grad, v, lr, decay, eps):
    v = v + grad**2
    return theta - lr * grad / (sqrt(v) + eps), v


@mistake("rmsprop_step", "old_v")
def _(theta, grad, v, lr, decay, eps):
    theta = theta - lr * grad / (sqrt(v) + eps)
    return theta, decay * v + (1 - decay) * grad**2


@mistake("rmsprop_step", "no_sqrt")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2
    return theta - lr * grad / (v + eps), v


@mistake("rmsprop_step", "sign")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2
    return theta + lr * grad / (sqrt(v) + eps), v


# tf_rmsprop_step (ε inside the root is right here; outside is the mistake)
@mistake("tf_rmsprop_step", "eps_outside_sqrt")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2
    return theta - lr * grad / (sqrt(v) + eps), v


@mistake("tf_rmsprop_step", "g_not_g2")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad
    return theta - lr * grad / sqrt(v + eps), v


@mistake("tf_rmsprop_step", "swapped_decay")
def _(theta, grad, v, lr, decay, eps):
    v = decay * grad**2 + (1 - decay) * v
    return theta - lr * grad / sqrt(v + eps), v


@mistake("tf_rmsprop_step", "no_one_minus")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + grad * grad
    return theta - lr * grad / sqrt(v + eps), v


@mistake("tf_rmsprop_step", "adagrad_sum")
def _(theta, grad, v, lr, decay, eps):
    v = v + grad**2
    return theta - lr * grad / sqrt(v + eps), v


@mistake("tf_rmsprop_step", "old_v")
def _(theta, grad, v, lr, decay, eps):
    step = lr * grad / sqrt(v + eps)
    v = decay * v + (1 - decay) * grad**2
    return theta - step, v


@mistake("tf_rmsprop_step", "no_sqrt")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2
    return theta - lr * grad / (v + eps), v


@mistake("tf_rmsprop_step", "sign")
def _(theta, grad, v, lr, decay, eps):
    v = decay * v + (1 - decay) * grad**2
    return theta + lr * grad / sqrt(v + eps), v


# adam_step
def _moments(grad, m, v, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


@mistake("adam_step", "no_bias_correction")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * m / (sqrt(v) + eps), m, v


@mistake("adam_step", "no_bias_correction_m")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * m / (sqrt(v / (1 - beta2**t)) + eps), m, v


@mistake("adam_step", "no_bias_correction_v")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * (m / (1 - beta1**t)) / (sqrt(v) + eps), m, v


@mistake("adam_step", "eps_inside_sqrt")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / sqrt(v_hat + eps), m, v


@mistake("adam_step", "eps_hat")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)       # TF1 AdamOptimizer
    return theta - lr_t * m / (sqrt(v) + eps), m, v


@mistake("adam_step", "g_not_g2")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("adam_step", "t_minus_1")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    k = t - 1                                             # "t counts from 0"
    m_hat, v_hat = m / (1 - beta1**k), v / (1 - beta2**k)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("adam_step", "t_plus_1")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    t = t + 1
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("adam_step", "pow_base")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1) ** t, v / (1 - beta2) ** t
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("adam_step", "swapped_betas")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta2 * m + (1 - beta2) * grad
    v = beta1 * v + (1 - beta1) * grad**2
    m_hat, v_hat = m / (1 - beta2**t), v / (1 - beta1**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("adam_step", "old_moments")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    theta = theta - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta, m, v


@mistake("adam_step", "no_sqrt")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (v_hat + eps), m, v


@mistake("adam_step", "output_order")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (sqrt(v_hat) + eps), v, m


@mistake("adam_step", "sign")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta + lr * m_hat / (sqrt(v_hat) + eps), m, v


# adamw_step
def _adam_delta(grad, m, v, t, lr, beta1, beta2, eps, correct=True):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat = m / (1 - beta1**t) if correct else m
    v_hat = v / (1 - beta2**t) if correct else v
    return -lr * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("adamw_step", "l2_coupled")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    grad = grad + weight_decay * theta                    # Adam + L2
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps)
    return theta + delta, m, v


@mistake("adamw_step", "decay_no_lr")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps)
    return theta + delta - weight_decay * theta, m, v


@mistake("adamw_step", "decay_new_theta")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps)
    theta = theta + delta
    return theta * (1 - lr * weight_decay), m, v


@mistake("adamw_step", "no_decay")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps)
    return theta + delta, m, v


@mistake("adamw_step", "decay_sign")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps)
    return theta + delta + lr * weight_decay * theta, m, v


@mistake("adamw_step", "no_bias_correction")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps, correct=False)
    return theta * (1 - lr * weight_decay) + delta, m, v


@mistake("adamw_step", "eps_inside_sqrt")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta * (1 - lr * weight_decay) - lr * m_hat / sqrt(v_hat + eps), m, v


# exponential_decay
@mistake("exponential_decay", "round")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return learning_rate * decay_rate ** (np.round(p) if staircase else p)


@mistake("exponential_decay", "ceil")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return learning_rate * decay_rate ** (np.ceil(p) if staircase else p)


@mistake("exponential_decay", "no_staircase")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    return learning_rate * decay_rate ** (np.asarray(step) / decay_steps)


@mistake("exponential_decay", "always_floor")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    return learning_rate * decay_rate ** (np.asarray(step) // decay_steps)


@mistake("exponential_decay", "step_plus_1")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    p = (np.asarray(step) + 1) / decay_steps             # "the first update is step 1"
    return learning_rate * decay_rate ** (np.floor(p) if staircase else p)


@mistake("exponential_decay", "step_minus_1")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    p = (np.asarray(step) - 1) / decay_steps
    return learning_rate * decay_rate ** (np.floor(p) if staircase else p)


@mistake("exponential_decay", "natural_exp")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return learning_rate * np.exp(-decay_rate * (np.floor(p) if staircase else p))


@mistake("exponential_decay", "step_times_decay_steps")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) * decay_steps
    return learning_rate * decay_rate ** (np.floor(p) if staircase else p)


@mistake("exponential_decay", "per_step")
def _(step, learning_rate, decay_steps, decay_rate, staircase):
    return learning_rate * decay_rate ** np.asarray(step)


# cosine_decay
@mistake("cosine_decay", "no_clamp")
def _(step, learning_rate, decay_steps, alpha):
    cosine = 0.5 * (1 + np.cos(np.pi * np.asarray(step) / decay_steps))
    return learning_rate * ((1 - alpha) * cosine + alpha)


@mistake("cosine_decay", "alpha_absolute")
def _(step, learning_rate, decay_steps, alpha):
    s = np.minimum(step, decay_steps)
    return alpha + 0.5 * (learning_rate - alpha) * (1 + np.cos(np.pi * s / decay_steps))   # SGDR eta_min


@mistake("cosine_decay", "alpha_unscaled")
def _(step, learning_rate, decay_steps, alpha):
    s = np.minimum(step, decay_steps)
    return learning_rate * (0.5 * (1 + np.cos(np.pi * s / decay_steps)) + alpha)


@mistake("cosine_decay", "alpha_ignored")
def _(step, learning_rate, decay_steps, alpha):
    s = np.minimum(step, decay_steps)
    return learning_rate * 0.5 * (1 + np.cos(np.pi * s / decay_steps))


@mistake("cosine_decay", "no_half")
def _(step, learning_rate, decay_steps, alpha):
    s = np.minimum(step, decay_steps)
    return learning_rate * ((1 - alpha) * (1 + np.cos(np.pi * s / decay_steps)) + alpha)


@mistake("cosine_decay", "two_pi")
def _(step, learning_rate, decay_steps, alpha):
    s = np.minimum(step, decay_steps)
    return learning_rate * ((1 - alpha) * 0.5 * (1 + np.cos(2 * np.pi * s / decay_steps)) + alpha)


@mistake("cosine_decay", "step_plus_1")
def _(step, learning_rate, decay_steps, alpha):
    s = np.minimum(np.asarray(step) + 1, decay_steps)
    return learning_rate * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * s / decay_steps)) + alpha)


# linear_warmup
@mistake("linear_warmup", "nanogpt")
def _(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + (learning_rate - start_lr) * (np.asarray(step) + 1) / (warmup_steps + 1)
    return np.where(np.asarray(step) < warmup_steps, ramp, learning_rate)


@mistake("linear_warmup", "step_plus_1")
def _(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + (learning_rate - start_lr) * (np.asarray(step) + 1) / warmup_steps
    return np.where(np.asarray(step) < warmup_steps, ramp, learning_rate)


@mistake("linear_warmup", "int_division")
def _(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + (learning_rate - start_lr) * (np.asarray(step) // warmup_steps)
    return np.where(np.asarray(step) < warmup_steps, ramp, learning_rate)


@mistake("linear_warmup", "no_clamp")
def _(step, learning_rate, warmup_steps, start_lr):
    return start_lr + (learning_rate - start_lr) * np.asarray(step) / warmup_steps


@mistake("linear_warmup", "w_minus_1")
def _(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + (learning_rate - start_lr) * np.asarray(step) / (warmup_steps - 1)
    return np.where(np.asarray(step) < warmup_steps, ramp, learning_rate)


@mistake("linear_warmup", "reversed")
def _(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + (learning_rate - start_lr) * np.asarray(step) / warmup_steps
    return np.where(np.asarray(step) >= warmup_steps, ramp, learning_rate)


@mistake("linear_warmup", "ignores_start")
def _(step, learning_rate, warmup_steps, start_lr):
    return np.where(np.asarray(step) < warmup_steps, learning_rate * np.asarray(step) / warmup_steps, learning_rate)


@mistake("linear_warmup", "overshoots")
def _(step, learning_rate, warmup_steps, start_lr):
    ramp = start_lr + learning_rate * np.asarray(step) / warmup_steps
    return np.where(np.asarray(step) < warmup_steps, ramp, learning_rate)


# article_warmup
@mistake("article_warmup", "nanogpt")
def _(step):
    return np.where(np.asarray(step) < 1000, 0.01 * (np.asarray(step) + 1) / 1001, 0.01)


@mistake("article_warmup", "step_plus_1")
def _(step):
    return np.where(np.asarray(step) < 1000, (np.asarray(step) + 1) / 1000 * 0.01, 0.01)


@mistake("article_warmup", "int_division")
def _(step):
    return np.where(np.asarray(step) < 1000, np.asarray(step) // 1000 * 0.01, 0.01)


@mistake("article_warmup", "no_clamp")
def _(step):
    return np.asarray(step) / 1000 * 0.01


@mistake("article_warmup", "w_minus_1")
def _(step):
    return np.where(np.asarray(step) < 1000, np.asarray(step) / 999 * 0.01, 0.01)


@mistake("article_warmup", "reversed")
def _(step):
    return np.where(np.asarray(step) < 1000, 0.01, np.asarray(step) / 1000 * 0.01)


@mistake("article_warmup", "wrong_peak")
def _(step):
    return np.where(np.asarray(step) < 1000, np.asarray(step) / 1000 * 0.1, 0.1)


# tf_adam_step (lesson 08): the TF1 / Keras ε-hat form
def _tf_lr(lr, t, beta1, beta2):
    return lr * (1 - beta2**t) ** 0.5 / (1 - beta1**t)


@mistake("tf_adam_step", "algorithm_1")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):         # what PyTorch computes
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps), m, v


@mistake("tf_adam_step", "corrected_twice")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - _tf_lr(lr, t, beta1, beta2) * m_hat / (sqrt(v_hat) + eps), m, v


@mistake("tf_adam_step", "no_correction")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * m / (sqrt(v) + eps), m, v


@mistake("tf_adam_step", "no_sqrt_in_lr")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * (1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps), m, v


@mistake("tf_adam_step", "inverted_lr")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - lr * (1 - beta1**t) / sqrt(1 - beta2**t) * m / (sqrt(v) + eps), m, v


@mistake("tf_adam_step", "eps_inside_sqrt")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - _tf_lr(lr, t, beta1, beta2) * m / sqrt(v + eps), m, v


@mistake("tf_adam_step", "t_minus_1")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - _tf_lr(lr, t - 1, beta1, beta2) * m / (sqrt(v) + eps), m, v


@mistake("tf_adam_step", "old_moments")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    step = _tf_lr(lr, t, beta1, beta2) * m / (sqrt(v) + eps)
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta - step, m, v


@mistake("tf_adam_step", "sign")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m, v = _moments(grad, m, v, beta1, beta2)
    return theta + _tf_lr(lr, t, beta1, beta2) * m / (sqrt(v) + eps), m, v


# triangular (some in the lesson's form c, x, s; some in Smith's form x = |t/step_size - 2c + 1|)
def _smith_x(step, step_size):
    c = np.floor(1 + np.asarray(step) / (2 * step_size))
    return c, np.abs(np.asarray(step) / step_size - 2 * c + 1)


@mistake("triangular", "sawtooth")
def _(step, base_lr, max_lr, step_size):
    where = (np.asarray(step) % (2 * step_size)) / (2 * step_size)
    return base_lr + (max_lr - base_lr) * where


@mistake("triangular", "cycle_is_step_size")
def _(step, base_lr, max_lr, step_size):
    c = np.floor(1 + np.asarray(step) / step_size)
    x = 1 + np.asarray(step) / step_size - c
    return base_lr + (max_lr - base_lr) * np.where(x <= 0.5, 2 * x, 2 - 2 * x)


@mistake("triangular", "starts_at_max")
def _(step, base_lr, max_lr, step_size):
    _, x = _smith_x(step, step_size)
    return base_lr + (max_lr - base_lr) * x


@mistake("triangular", "no_base_offset")
def _(step, base_lr, max_lr, step_size):
    _, x = _smith_x(step, step_size)
    return (max_lr - base_lr) * np.maximum(0, 1 - x)


@mistake("triangular", "peak_overshoots")
def _(step, base_lr, max_lr, step_size):
    _, x = _smith_x(step, step_size)
    return base_lr + max_lr * np.maximum(0, 1 - x)


@mistake("triangular", "no_abs")
def _(step, base_lr, max_lr, step_size):
    c = np.floor(1 + np.asarray(step) / (2 * step_size))
    x = np.asarray(step) / step_size - 2 * c + 1
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x)


@mistake("triangular", "round")
def _(step, base_lr, max_lr, step_size):
    L = 2 * step_size
    x = 1 + np.asarray(step) / L - np.round(1 + np.asarray(step) / L)
    return base_lr + (max_lr - base_lr) * np.where(x <= 0.5, 2 * x, 2 * (1 - x))


@mistake("triangular", "halves")
def _(step, base_lr, max_lr, step_size):
    c, x = _smith_x(step, step_size)
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x) * 0.5 ** (c - 1)


@mistake("triangular", "step_plus_1")
def _(step, base_lr, max_lr, step_size):
    _, x = _smith_x(np.asarray(step) + 1, step_size)
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x)


# multistep_lr
@mistake("multistep_lr", "tf_boundary")
def _(step, learning_rate, milestones, gamma):
    k = sum(np.asarray(step) > m for m in milestones)
    return learning_rate * gamma ** k


@mistake("multistep_lr", "step_plus_1")
def _(step, learning_rate, milestones, gamma):
    k = sum(np.asarray(step) + 1 >= m for m in milestones)
    return learning_rate * gamma ** k


@mistake("multistep_lr", "first_cut_only")
def _(step, learning_rate, milestones, gamma):
    return np.where(np.asarray(step) >= min(milestones), learning_rate * gamma, learning_rate)


@mistake("multistep_lr", "distinct_milestones")
def _(step, learning_rate, milestones, gamma):
    k = sum(np.asarray(step) >= m for m in set(milestones))
    return learning_rate * gamma ** k


@mistake("multistep_lr", "assumes_sorted")
def _(step, learning_rate, milestones, gamma):
    return learning_rate * gamma ** np.searchsorted(milestones, step, side="right")


@mistake("multistep_lr", "gamma_removed")
def _(step, learning_rate, milestones, gamma):
    k = sum(np.asarray(step) >= m for m in milestones)
    return learning_rate * (1 - gamma) ** k


@mistake("multistep_lr", "linear")
def _(step, learning_rate, milestones, gamma):
    k = sum(np.asarray(step) >= m for m in milestones)
    return learning_rate - k * (1 - gamma) * learning_rate


# two_batch_noise_scale
@mistake("two_batch_noise_scale", "mean_of_ratios")
def _(sq_small, sq_big, b_small, b_big):
    tr = (np.asarray(sq_small) - sq_big) / (1 / b_small - 1 / b_big)
    g = (b_big * np.asarray(sq_big) - b_small * np.asarray(sq_small)) / (b_big - b_small)
    return np.mean(g), np.mean(tr), np.mean(tr / g)


@mistake("two_batch_noise_scale", "batch_not_inverse")
def _(sq_small, sq_big, b_small, b_big):
    s, b = np.mean(sq_small), np.mean(sq_big)
    g = (b_big * b - b_small * s) / (b_big - b_small)
    return g, (s - b) / (b_big - b_small), (s - b) / (b_big - b_small) / g


@mistake("two_batch_noise_scale", "swapped_weights")
def _(sq_small, sq_big, b_small, b_big):
    s, b = np.mean(sq_small), np.mean(sq_big)
    tr = (s - b) / (1 / b_small - 1 / b_big)
    g = (b_big * s - b_small * b) / (b_big - b_small)
    return g, tr, tr / g


@mistake("two_batch_noise_scale", "big_batch_as_truth")
def _(sq_small, sq_big, b_small, b_big):
    s, b = np.mean(sq_small), np.mean(sq_big)
    tr = (s - b) / (1 / b_small - 1 / b_big)
    return b, tr, tr / b


@mistake("two_batch_noise_scale", "inverted_ratio")
def _(sq_small, sq_big, b_small, b_big):
    s, b = np.mean(sq_small), np.mean(sq_big)
    tr = (s - b) / (1 / b_small - 1 / b_big)
    g = (b_big * b - b_small * s) / (b_big - b_small)
    return g, tr, g / tr


# power_iteration
def _unit_start(A, seed):
    v = np.random.default_rng(seed).normal(size=A.shape[-1])
    return v / np.linalg.norm(v)


@mistake("power_iteration", "exact")
def _(A, iters, seed):
    return np.linalg.eigvalsh(A)[-1]


@mistake("power_iteration", "norm")
def _(A, iters, seed):
    v = _unit_start(A, seed)
    for _ in range(iters):
        w = A @ v
        lam, v = np.linalg.norm(w), w / np.linalg.norm(w)
    return lam


@mistake("power_iteration", "no_normalise")
def _(A, iters, seed):
    v = _unit_start(A, seed)
    for _ in range(iters):
        w = A @ v
        lam, v = v @ w, w
    return lam


@mistake("power_iteration", "raw_start")
def _(A, iters, seed):
    v = np.random.default_rng(seed).normal(size=A.shape[-1])
    for _ in range(iters):
        w = A @ v
        lam, v = v @ w, w / np.linalg.norm(w)
    return lam


@mistake("power_iteration", "one_more")
def _(A, iters, seed):
    v = _unit_start(A, seed)
    for _ in range(iters):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ (A @ v)


@mistake("power_iteration", "one_fewer")
def _(A, iters, seed):
    v = _unit_start(A, seed)
    lam = v @ (A @ v)
    for _ in range(iters - 1):
        w = A @ v
        lam, v = v @ w, w / np.linalg.norm(w)
    return lam


# mup_lr_scales
def _mup_rows(width, base_width, optimizer, sgd, adam):
    m = np.asarray(width, dtype=float) / base_width
    one = np.ones_like(m)
    return tuple(v * one for v in (sgd(m) if optimizer == "sgd" else adam(m)))


@mistake("mup_lr_scales", "sp")
def _(width, base_width, optimizer):
    one = np.ones_like(np.asarray(width, dtype=float))
    return one, one, one


@mistake("mup_lr_scales", "absolute_width")
def _(width, base_width, optimizer):
    return _mup_rows(width, 1, optimizer, lambda m: (m, 1, 1 / m), lambda m: (1, 1 / m, 1 / m))


@mistake("mup_lr_scales", "inverted")
def _(width, base_width, optimizer):
    m = base_width / np.asarray(width, dtype=float)
    if optimizer == "sgd":
        return m, np.ones_like(m), 1 / m
    return np.ones_like(m), 1 / m, 1 / m


@mistake("mup_lr_scales", "swapped_optimizers")
def _(width, base_width, optimizer):
    other = "adam" if optimizer == "sgd" else "sgd"
    return _mup_rows(width, base_width, other, lambda m: (m, 1, 1 / m), lambda m: (1, 1 / m, 1 / m))


@mistake("mup_lr_scales", "sgd_like_adam")
def _(width, base_width, optimizer):
    m = np.asarray(width) / base_width
    return np.ones_like(m), 1 / m, 1 / m


@mistake("mup_lr_scales", "adam_hidden_unscaled")
def _(width, base_width, optimizer):
    return _mup_rows(width, base_width, optimizer, lambda m: (m, 1, 1 / m), lambda m: (1, 1, 1 / m))


@mistake("mup_lr_scales", "output_unscaled")
def _(width, base_width, optimizer):
    return _mup_rows(width, base_width, optimizer, lambda m: (m, 1, 1), lambda m: (1, 1 / m, 1))


@mistake("mup_lr_scales", "sqrt")
def _(width, base_width, optimizer):
    m = np.sqrt(np.asarray(width) / base_width)
    if optimizer == "sgd":
        return m, np.ones_like(m), 1 / m
    return np.ones_like(m), 1 / m, 1 / m


# lion_step
def _lion_c_m(grad, m, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * m + (1 - beta2) * grad


@mistake("lion_step", "sign_of_m")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    _, m = _lion_c_m(grad, m, beta1, beta2)
    return theta - lr * np.sign(m) - lr * weight_decay * theta, m


@mistake("lion_step", "new_m_in_c")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    m = beta2 * m + (1 - beta2) * grad
    return theta - lr * (np.sign(beta1 * m + (1 - beta1) * grad) + weight_decay * theta), m


@mistake("lion_step", "swapped_betas")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c, m = _lion_c_m(grad, m, beta2, beta1)
    return theta - lr * (np.sign(c) + weight_decay * theta), m


@mistake("lion_step", "no_sign")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c, m = _lion_c_m(grad, m, beta1, beta2)
    return theta - lr * c - lr * weight_decay * theta, m


@mistake("lion_step", "decay_no_lr")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c, m = _lion_c_m(grad, m, beta1, beta2)
    return (1 - weight_decay) * theta - lr * np.sign(c), m


@mistake("lion_step", "l2_coupled")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c, m = _lion_c_m(grad + weight_decay * theta, m, beta1, beta2)
    return theta - lr * np.sign(c), m


@mistake("lion_step", "decay_after")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c, m = _lion_c_m(grad, m, beta1, beta2)
    return (theta - lr * np.sign(c)) * (1 - lr * weight_decay), m


@mistake("lion_step", "uphill")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c, m = _lion_c_m(grad, m, beta1, beta2)
    return theta * (1 - lr * weight_decay) + lr * np.sign(c), m


# newton_schulz
def _ns_loop(X, coefficients, steps):
    a, b, c = coefficients
    for _ in range(steps):
        X = a * X + (b * (X @ X.T) + c * (X @ X.T) @ (X @ X.T)) @ X
    return X


@mistake("newton_schulz", "no_normalisation")
def _(G, coefficients, steps):
    return _ns_loop(G, coefficients, steps)


@mistake("newton_schulz", "max_entry")
def _(G, coefficients, steps):
    return _ns_loop(G / max(np.max(np.abs(G)), 1e-7), coefficients, steps)


@mistake("newton_schulz", "no_eps")
def _(G, coefficients, steps):
    return _ns_loop(G / np.linalg.norm(G), coefficients, steps)


@mistake("newton_schulz", "a_squared_missing")
def _(G, coefficients, steps):
    a, b, c = coefficients
    X = G / max(np.linalg.norm(G), 1e-7)
    for _ in range(steps):
        X = a * X + (b + c) * (X @ X.T) @ X
    return X


@mistake("newton_schulz", "no_linear_term")
def _(G, coefficients, steps):
    a, b, c = coefficients
    X = G / max(np.linalg.norm(G), 1e-7)
    for _ in range(steps):
        A = X @ X.T
        X = b * A @ X + c * A @ A @ X
    return X


@mistake("newton_schulz", "renormalised")
def _(G, coefficients, steps):
    X = G
    for _ in range(steps):
        X = _ns_loop(X / max(np.linalg.norm(X), 1e-7), coefficients, 1)
    return X / max(np.linalg.norm(X), 1e-7) if steps == 0 else X


@mistake("newton_schulz", "one_step_fewer")
def _(G, coefficients, steps):
    return _ns_loop(G / max(np.linalg.norm(G), 1e-7), coefficients, max(steps - 1, 0))


# tail_average
@mistake("tail_average", "counts_from_zero")
def _(thetas, start):
    out = np.array(thetas, dtype=float)
    for k in range(start, len(out)):
        out[k] = np.sum(np.asarray(thetas)[start:k + 1], axis=0) / (k + 1)
    return out.astype(np.result_type(np.asarray(thetas), 1.0))


@mistake("tail_average", "excludes_current")
def _(thetas, start):
    th = np.asarray(thetas)
    out = th.astype(np.result_type(th, 1.0))
    for k in range(start + 1, len(th)):
        out[k] = th[start:k].mean(axis=0)
    return out


@mistake("tail_average", "ignores_start")
def _(thetas, start):
    th = np.asarray(thetas)
    return np.array([th[:k + 1].mean(axis=0) for k in range(len(th))], dtype=np.result_type(th, 1.0))


@mistake("tail_average", "before_start")
def _(thetas, start):
    th = np.asarray(thetas)
    out = np.zeros(th.shape, dtype=np.result_type(th, 1.0))
    for k in range(start, len(th)):
        out[k] = th[start:k + 1].mean(axis=0)
    return out


@mistake("tail_average", "sum_not_mean")
def _(thetas, start):
    th = np.asarray(thetas)
    out = th.astype(np.result_type(th, 1.0))
    out[start:] = np.cumsum(th[start:], axis=0)
    return out


# wsd_one_minus_sqrt
def _cool(step, total_steps, decay_steps):
    return np.minimum(np.maximum(np.asarray(step) - (total_steps - decay_steps), 0) / decay_steps, 1)


@mistake("wsd_one_minus_sqrt", "sqrt_of_one_minus")
def _(step, peak_lr, total_steps, decay_steps, final_lr):
    return final_lr + (peak_lr - final_lr) * (1 - _cool(step, total_steps, decay_steps)) ** 0.5


@mistake("wsd_one_minus_sqrt", "ignores_final")
def _(step, peak_lr, total_steps, decay_steps, final_lr):
    return peak_lr - peak_lr * _cool(step, total_steps, decay_steps) ** 0.5


@mistake("wsd_one_minus_sqrt", "from_start")
def _(step, peak_lr, total_steps, decay_steps, final_lr):
    s = np.minimum(np.asarray(step) / decay_steps, 1)
    return final_lr + (peak_lr - final_lr) * (1 - s ** 0.5)


@mistake("wsd_one_minus_sqrt", "no_clip")
def _(step, peak_lr, total_steps, decay_steps, final_lr):
    s = np.maximum(np.asarray(step) - (total_steps - decay_steps), 0) / decay_steps
    return final_lr + (peak_lr - final_lr) * (1 - s ** 0.5)


@mistake("wsd_one_minus_sqrt", "linear")
def _(step, peak_lr, total_steps, decay_steps, final_lr):
    return final_lr + (peak_lr - final_lr) * (1 - _cool(step, total_steps, decay_steps))


# In-place versions of the right answer: the values are right, the caller's arrays change.
MUTATING = {}


def mutating(exercise, changed):
    def register(fn):
        MUTATING[exercise] = (fn, changed)
        return fn

    return register


@mutating("gd_step", "theta")
def _(theta, grad, lr):
    theta -= lr * grad
    return theta


@mutating("momentum_step", "b")
def _(theta, grad, b, lr, momentum):
    b *= momentum
    b += grad
    return theta - lr * b, b


@mutating("nesterov_step", "b")
def _(theta, grad, b, lr, momentum):
    b *= momentum
    b += grad
    return theta - lr * (grad + momentum * b), b


@mutating("adagrad_step", "S")
def _(theta, grad, S, lr, eps):
    S += grad**2
    return theta - lr * grad / (sqrt(S) + eps), S


@mutating("rmsprop_step", "v")
def _(theta, grad, v, lr, decay, eps):
    v[...] = decay * v + (1 - decay) * grad**2
    return theta - lr * grad / (sqrt(v) + eps), v


@mutating("tf_rmsprop_step", "v")
def _(theta, grad, v, lr, decay, eps):
    v *= decay
    v += (1 - decay) * grad**2
    return theta - lr * grad / sqrt(v + eps), v


@mutating("adam_step", "m, v")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    return theta - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps), m, v


@mutating("newton_schulz", "G")
def _(G, coefficients, steps):
    a, b, c = coefficients
    G /= max(np.linalg.norm(G), 1e-7)
    for _ in range(steps):
        A = G @ G.T
        G[...] = a * G + (b * A + c * A @ A) @ G
    return G


@mutating("lion_step", "m")
def _(theta, grad, m, lr, beta1, beta2, weight_decay):
    c = beta1 * m + (1 - beta1) * grad
    m *= beta2
    m += (1 - beta2) * grad
    return theta - lr * (np.sign(c) + weight_decay * theta), m


@mutating("adamw_step", "theta")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    theta *= 1 - lr * weight_decay
    delta, m, v = _adam_delta(grad, m, v, t, lr, beta1, beta2, eps)
    return theta + delta, m, v


@mutating("tf_adam_step", "m, v")
def _(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    return theta - _tf_lr(lr, t, beta1, beta2) * m / (sqrt(v) + eps), m, v


# ---------------------------------------------------------------------------------------
# The interface
# ---------------------------------------------------------------------------------------
def test_available_lists_the_exercises_in_lesson_order():
    assert exercises.available() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_describe_states_the_signature_and_equations(name):
    d = exercises.describe(name)
    assert d.signature == SIGNATURES[name]
    text = str(d)
    assert text.splitlines()[0] == SIGNATURES[name]
    for _, line in exercises.EXERCISES[name].lines:
        assert line in text
    assert repr(d) == text and "<pre" in d._repr_html_()


def test_describe_adam_names_algorithm_1_and_t_from_1():
    text = str(exercises.describe("adam_step"))
    assert "Kingma & Ba 2015, Algorithm 1" in text
    assert "t counts updates from 1" in text
    assert "theta_new = theta - lr * m_hat / (sqrt(v_hat) + eps)" in text


def test_describe_html_uses_the_library_latex():
    html = exercises.describe("adam_step")._repr_html_()
    assert r"\hat v_t = v_t / (1-\beta_2^t)" in html.replace("&#x27;", "'")


def test_unknown_name_raises_naming_the_closest_exercise():
    with pytest.raises(ValueError, match=r"The 'name' parameter of exercises.check must be one of .*Did you mean 'adam_step'\?"):
        exercises.check("adam", solutions.adam_step)


def test_shortcuts_exist_for_every_exercise():
    for name in NAMES:
        assert getattr(exercises, f"check_{name}")(solutions.SOLUTIONS[name]).passed


def test_shortcuts_are_named_documented_and_exported():
    assert sorted(n for n in exercises.__all__ if n.startswith("check_")) == sorted(f"check_{n}" for n in NAMES)
    for name in NAMES:
        shortcut = getattr(exercises, f"check_{name}")
        assert shortcut.__name__ == f"check_{name}"
        assert shortcut.__doc__ == f"``check({name!r}, fn)``: see :func:`check` and ``describe({name!r})``."
        assert not shortcut(MISTAKES[next(k for k in MISTAKES if k[0] == name)]).passed


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith("_step")])
def test_every_equation_line_of_an_optimizer_exercise_has_the_library_latex(name):
    """Line keys are the optimizers' trace fields: a renamed field would lose its LaTeX."""
    d = exercises.describe(name)
    assert len(d.latex) == len(exercises.EXERCISES[name].lines) and all(d.latex)
    assert f"<li>\\({d.latex[0]}" in d._repr_html_().replace("&#x27;", "'")


# ---------------------------------------------------------------------------------------
# Correct solutions pass; each mistake is diagnosed
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes(name):
    result = exercises.check(name, solutions.SOLUTIONS[name])
    assert result.passed, str(result)
    assert bool(result) is True
    assert result.mistake is None and result.equation == ""
    assert result.message == f"{name}: all {len(result.cases)} cases pass."
    assert len(result.cases) >= 5 and all(c.passed for c in result.cases)


def test_every_listed_mistake_has_a_hand_written_test():
    listed = {(name, m.key) for name in NAMES for m in exercises.EXERCISES[name].mistakes}
    assert listed == set(MISTAKES)


@pytest.mark.parametrize("name, key", sorted(MISTAKES), ids=[f"{n}-{k}" for n, k in sorted(MISTAKES)])
def test_mistake_is_diagnosed_with_its_equation_line(name, key):
    ex = exercises.EXERCISES[name]
    spec = next(m for m in ex.mistakes if m.key == key)
    result = exercises.check(name, MISTAKES[(name, key)])
    assert not result.passed
    assert result.mistake == key, result.message
    assert f"Likely mistake: {spec.title}." in result.message
    assert f"The line that differs: {dict(ex.lines)[spec.line]}" in result.message
    assert "    expected " in result.message and "    received " in result.message
    assert not any(c.passed for c in result.cases if "differ" in c.note)


def test_adam_diagnoses_read_as_promised():
    cases = {
        "no_bias_correction": "missing bias correction",
        "eps_inside_sqrt": "ε inside the square root",
        "g_not_g2": "g instead of g² in the second moment",
        "t_minus_1": "off-by-one t in the bias correction",
    }
    for key, words in cases.items():
        assert words in exercises.check("adam_step", MISTAKES[("adam_step", key)]).message


def test_ed_round_message_shows_numbers_for_one_case_deterministically():
    msg = exercises.check("exponential_decay", MISTAKES[("exponential_decay", "round")]).message
    assert msg == (
        "exponential_decay: 3 of 7 cases fail.\n"
        "Likely mistake: staircase uses round instead of floor.\n"
        "The line that differs: p = step / decay_steps, floored (floor, not round) when staircase is True\n"
        "Hint: The rate drops only when a whole decay period has passed: np.floor(step / decay_steps).\n"
        "In case 'inside the first stair (step 999)' (step=999, learning_rate=0.1, decay_steps=1000, "
        "decay_rate=0.96, staircase=True), lr:\n"
        "    expected 0.1\n"
        "    received 0.096"
    )


@pytest.mark.parametrize("name", NAMES)
def test_variants_are_distinguishable_on_the_cases(name):
    """Each wrong variant differs from the reference somewhere, and no two coincide everywhere."""
    ex = exercises.EXERCISES[name]
    cases = ex.cases()
    outputs = {}
    for m in ex.mistakes:
        outs = [ex.outputs_of(m.compute, c) for c in cases]
        outputs[m.key] = outs
        refs = [ex.outputs_of(ex.reference, c) for c in cases]
        assert any(
            not all(close(o, r, c.float32) for o, r in zip(out, ref))
            for out, ref, c in zip(outs, refs, cases)
        ), f"{m.key} equals the reference on every case"
    keys = list(outputs)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            same = all(
                all(close(x, y, c.float32) for x, y in zip(oa, ob))
                for oa, ob, c in zip(outputs[a], outputs[b], cases)
            )
            assert not same, f"{a} and {b} cannot be told apart"


@pytest.mark.parametrize("name", sorted(MUTATING))
def test_mutating_inputs_is_reported(name):
    fn, changed = MUTATING[name]
    result = exercises.check(name, fn)
    assert not result.passed and result.mistake == "mutates_inputs"
    assert f"It modifies its input {changed} in place" in result.message
    flagged = [c for c in result.cases if "in place" in c.note]
    assert len(flagged) >= len(result.cases) - 1           # a zero gradient may leave it unchanged


def test_mutation_and_a_mistake_are_both_reported():
    def both(theta, grad, m, v, t, lr, beta1, beta2, eps):
        m *= beta1
        m += (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return theta - lr * (m / (1 - beta1**t)) / sqrt(v / (1 - beta2**t) + eps), m, v

    result = exercises.check("adam_step", both)
    assert result.mistake == "eps_inside_sqrt"
    assert "It modifies its input m in place" in result.message


def test_unrecognised_error_blames_the_first_differing_line():
    def doubled(theta, grad, m, v, t, lr, beta1, beta2, eps):
        m, v = _moments(grad, m, v, beta1, beta2)
        return theta - 2 * lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps), m, v

    result = exercises.check("adam_step", doubled)
    assert result.mistake is None and not result.passed
    assert "theta differs from the reference (m, v are right)" in result.message
    assert "theta_new = theta - lr * m_hat / (sqrt(v_hat) + eps)" in result.message
    assert "m_hat = m_t / (1 - beta1**t)" in result.message
    assert result.equation.startswith(r"\Delta\theta_t")


# ---------------------------------------------------------------------------------------
# Stubs and broken functions: friendly failures, never an exception
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_not_implemented_stub_is_a_friendly_failure(name):

    def stub(*args):
        raise NotImplementedError

    result = exercises.check(name, stub)
    assert not result.passed and result.mistake == "stub"
    assert result.message == (
        f"{name} is not implemented yet: it raises NotImplementedError. Replace the `raise` line with "
        f"your code (exercises.describe({name!r}) shows the signature and equations)."
    )
    assert len(result.cases) >= 5 and all(c.note == "raises NotImplementedError" for c in result.cases)


@pytest.mark.parametrize("name", NAMES)
def test_stub_returning_none_says_what_to_return(name):
    result = exercises.check(name, lambda *args: None)
    outs = ", ".join(exercises.EXERCISES[name].outputs)
    assert not result.passed and result.mistake == "stub"
    assert f"returned None: did you forget `return {outs}`?" in result.message


def test_wrong_shape_is_named():
    result = exercises.check("adam_step", lambda theta, grad, m, v, *rest: (theta.sum(), m, v))
    assert result.mistake == "bad_output"
    assert "In case 'first step (t=1, m = v = 0)': 'theta' has shape (), but it must have shape (3,)." in result.message


def test_wrong_number_of_values_is_named():
    result = exercises.check("adam_step", lambda theta, grad, m, v, *rest: (theta, m))
    assert result.mistake == "bad_output"
    assert "returned 2 values, but it must return 3: (theta, m, v)" in result.message


def test_other_exceptions_are_reported_not_raised():
    result = exercises.check("gd_step", lambda theta, grad, lr: 1 / 0)
    assert result.mistake == "error"
    assert "In case 'random (d=3)': raised ZeroDivisionError: division by zero." in result.message


def test_wrong_signature_is_named():
    result = exercises.check("adam_step", lambda theta, grad, m, v, t, lr: (theta, m, v))
    assert result.mistake == "error"
    assert ("(the signature must be adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps) -> (theta, m, v))"
            in result.message)


def test_not_a_function_is_reported():
    result = exercises.check("gd_step", None)
    assert not result.passed and "expected a function with the signature gd_step(theta, grad, lr) -> theta" in result.message


def test_scalar_only_schedule_gets_the_vectorize_hint():
    import math

    def scalar_only(step, learning_rate, decay_steps, decay_rate, staircase):
        p = step / decay_steps
        return learning_rate * decay_rate ** (math.floor(p) if staircase else p)

    result = exercises.check("exponential_decay", scalar_only)
    assert result.mistake == "not_vectorized"
    assert "It works for a single step but not for an array of steps" in result.message
    assert [c.passed for c in result.cases] == [True] * 6 + [False]


def test_float32_inputs_must_stay_float32():
    result = exercises.check("gd_step", lambda theta, grad, lr: np.asarray(theta, dtype=float) - lr * grad)
    assert result.mistake == "dtype"
    assert [c.name for c in result.cases if not c.passed] == ["float32"]
    assert "theta came back as float64 for float32 inputs" in result.message


def test_missing_library_piece_is_the_library_s_error_not_the_student_s(monkeypatch):
    # The reference is looked up in the library at check time; without it nothing can be
    # checked, and the error names the missing piece instead of failing the student.
    monkeypatch.delattr(optimizers, "adam")
    with pytest.raises(AttributeError, match="'adam'"):
        exercises.check("adam_step", solutions.adam_step)


def test_reference_comes_from_the_library(monkeypatch):
    calls = []
    real = optimizers.adam

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(optimizers, "adam", spy)
    assert exercises.check("adam_step", solutions.adam_step).passed
    assert calls[0] == dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8)


# ---------------------------------------------------------------------------------------
# Display: deterministic text and HTML (nbval compares them)
# ---------------------------------------------------------------------------------------
def test_repr_is_deterministic_and_readable():
    fn = MISTAKES[("gd_step", "sign")]
    a, b = exercises.check("gd_step", fn), exercises.check("gd_step", fn)
    assert repr(a) == repr(b) == str(a)
    assert a._repr_html_() == b._repr_html_()
    assert "0x" not in repr(a)
    assert str(a).splitlines()[:3] == [
        "gd_step: FAILED (1 of 5 cases pass)",
        "  [FAIL] random (d=3): theta differs",
        "  [ok  ] zero gradient",           # theta ± lr·0 agree: the other cases name the mistake
    ]
    assert "Likely mistake: the update goes uphill (+ instead of −)." in str(a)


def test_passing_repr():
    r = exercises.check("article_warmup", solutions.article_warmup)
    assert str(r).splitlines() == [
        "article_warmup: PASSED (7 of 7 cases pass)",
        "  [ok  ] step 0",
        "  [ok  ] step 1",
        "  [ok  ] step 500",
        "  [ok  ] step 999",
        "  [ok  ] step 1000",
        "  [ok  ] step 5000",
        "  [ok  ] array of steps 0, 100, ..., 2000",
    ]
    assert "passed (7 of 7 cases pass)" in r._repr_html_()


def test_html_shows_the_latex_line_that_differs():
    r = exercises.check("adam_step", MISTAKES[("adam_step", "eps_inside_sqrt")])
    assert r.equation == dict(optimizers.adam(lr=0.01).equations)["delta"]
    assert "Line that differs: \\(" in r._repr_html_()


# ---------------------------------------------------------------------------------------
# Instructors: grading a folder of submissions with the same checkers
# ---------------------------------------------------------------------------------------
def test_sample_folder_holds_one_module_and_one_notebook():
    assert [p.name for p in grade.find_submissions(STUDENTS)] == ["alice.py", "bob.ipynb"]


def test_grading_the_sample_folder():
    grades = grade.grade_folder(STUDENTS, ["adam_step", "exponential_decay"])
    assert {s: {e: r.passed for e, r in res.items()} for s, res in grades.items()} == {
        "alice": {"adam_step": True, "exponential_decay": True},
        "bob": {"adam_step": False, "exponential_decay": False},
    }
    assert grades["bob"]["adam_step"].mistake == "eps_inside_sqrt"
    assert grades["bob"]["exponential_decay"].mistake == "round"
    text = grade.report(grades)
    assert text.splitlines()[:4] == [
        "alice            adam_step          PASS  6/6",
        "alice            exponential_decay  PASS  7/7",
        "bob              adam_step          FAIL  2/6  eps_inside_sqrt",
        "bob              exponential_decay  FAIL  4/7  round",
    ]


def test_loader_runs_definitions_only_and_records_broken_cells():
    ns, problems = grade.load_submission(STUDENTS / "alice.py")     # its top level raises SystemExit
    assert callable(ns["adam_step"]) and ns["EPS"] == 1e-8 and problems == []
    ns, problems = grade.load_submission(STUDENTS / "bob.ipynb")
    assert callable(ns["my_adam_step"]) and "exercises" in ns
    assert len(problems) == 1 and problems[0].startswith("cell 5: SyntaxError")


def test_missing_function_is_a_failed_result():
    res = grade.grade_submission(STUDENTS / "alice.py", ["cosine_decay"])["cosine_decay"]
    assert not res.passed and res.mistake == "missing"
    assert res.message == "cosine_decay: no function named 'cosine_decay' or 'my_cosine_decay' in alice.py."


def test_pytest_grading_example_passes_alice_and_fails_bob():
    alice, bob = grade.find_submissions(STUDENTS)
    for exercise in test_grade_example.ASSIGNMENT:
        test_grade_example.test_submission(alice, exercise)
    with pytest.raises(pytest.fail.Exception, match="bob.ipynb: adam_step: 4 of 6 cases fail"):
        test_grade_example.test_submission(bob, "adam_step")


def test_command_line_writes_a_csv(tmp_path, capsys):
    out = tmp_path / "grades.csv"
    code = grade.main([str(STUDENTS), "adam_step", "--csv", str(out)])
    assert code == 1
    assert out.read_text().splitlines() == [
        "student,exercise,passed,cases_passed,cases,mistake",
        "alice,adam_step,1,6,6,",
        "bob,adam_step,0,2,6,eps_inside_sqrt",
    ]
    assert "--- bob / adam_step" in capsys.readouterr().out


def test_solutions_are_outside_the_student_path():
    assert not (ROOT / "lrlessons" / "solutions.py").exists()
    notebooks = ROOT / "notebooks"
    if notebooks.exists():
        assert not list(notebooks.rglob("solutions*"))


def test_an_untouched_stub_reads_not_attempted_yet_not_failed():
    def stub(step, learning_rate, warmup_steps, start_lr):
        raise NotImplementedError

    result = exercises.check("linear_warmup", stub)
    assert not result.passed and not result.attempted and result.mistake == "stub"
    text = str(result)
    assert text.startswith("linear_warmup: not attempted yet (7 cases waiting).") and "FAIL" not in text
    assert "not attempted yet" in result._repr_html_() and "&#10008;" not in result._repr_html_()

    def forgot_return(step, learning_rate, warmup_steps, start_lr):
        lr = learning_rate

    attempted = exercises.check("linear_warmup", forgot_return)
    assert attempted.attempted and str(attempted).startswith("linear_warmup: FAILED (0 of 7 cases pass)")


# ---------------------------------------------------------------------------------------
# tf_adam_step (lesson 08): the ε-hat Adam of TF1 and Keras
# ---------------------------------------------------------------------------------------
def test_tf_adam_step_reference_is_tf1_and_keras_adam():
    """The reference is the library's TF1 AdamOptimizer, which equals Keras Adam at the same ε."""
    from lrlessons.exercises.frameworks import reference
    from lrlessons.frameworks import keras

    for case in exercises.EXERCISES["tf_adam_step"].cases():
        a = case.args
        ours = reference(**{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in a.items()})
        opt = keras.Adam(learning_rate=a["lr"], beta_1=a["beta1"], beta_2=a["beta2"], epsilon=a["eps"])
        state = opt.init(a["theta"])._replace(count=a["t"] - 1, m=a["m"].copy(), v=a["v"].copy())
        theirs, state, _ = opt.step(a["theta"].copy(), a["grad"].copy(), state)
        for x, y in zip(ours, (theirs, state.m, state.v)):
            assert close(x, y, case.float32), case.name


def test_tf_adam_step_names_the_pytorch_form_and_where_the_forms_differ():
    result = exercises.check("tf_adam_step", MISTAKES[("tf_adam_step", "algorithm_1")])
    assert result.mistake == "algorithm_1"
    failed = {c.name for c in result.cases if not c.passed}
    # The two forms differ only through ε: on the first step with tiny gradients, and with a large ε.
    assert "tiny gradients, first step: eps-hat matters (Keras eps 1e-7)" in failed
    assert "later step (t=5), large eps" in failed
    assert "first step (t=1, m = v = 0)" not in failed        # gradients of size 1, ε = 1e-8: the forms agree
    from lrlessons.frameworks import tf1

    assert result.equation == dict(tf1.AdamOptimizer(0.001).equations)["delta"]


def test_tf_adam_step_float64_scalar_in_lr_t_is_reported_as_dtype():
    def with_np_sqrt(theta, grad, m, v, t, lr, beta1, beta2, eps):
        m, v = _moments(grad, m, v, beta1, beta2)
        lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)   # a float64 scalar: float32 arrays become float64
        return theta - lr_t * m / (np.sqrt(v) + eps), m, v

    result = exercises.check("tf_adam_step", with_np_sqrt)
    if np.result_type(np.float64(1.0), np.ones(1, np.float32)) == np.float64:   # NumPy >= 2 (NEP 50)
        assert result.mistake == "dtype" and [c.name for c in result.cases if not c.passed] == ["float32 (t=2)"]
    else:                                                                       # NumPy 1.x: value-based casting
        assert result.passed


# ---------------------------------------------------------------------------------------
# triangular (lesson 07) and multistep_lr (lesson 09): the references are the frameworks'
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["triangular", "multistep_lr"])
def test_schedule_exercise_references_equal_pytorch(name):
    from lrlessons.frameworks import pytorch

    ex = exercises.EXERCISES[name]
    for case in ex.cases():
        a = case.args
        if name == "triangular":
            torch_like = pytorch.CyclicLR(a["base_lr"], a["max_lr"], step_size_up=a["step_size"], mode="triangular")
        else:
            torch_like = pytorch.MultiStepLR(a["learning_rate"], milestones=list(a["milestones"]), gamma=a["gamma"])
        np.testing.assert_allclose(ex.outputs_of(ex.reference, case)[0], torch_like(a["step"]), rtol=1e-12, atol=0)


def test_triangular_with_an_if_on_step_is_told_to_vectorize():
    def scalar_only(step, base_lr, max_lr, step_size):
        x = abs(step / step_size - 2 * (step // (2 * step_size) + 1) + 1)
        if x < 1:
            return base_lr + (max_lr - base_lr) * (1 - x)
        return base_lr

    result = exercises.check("triangular", scalar_only)
    assert not result.passed and result.mistake == "not_vectorized"
    assert "np.where" in result.message


def test_multistep_lr_message_names_pytorch_s_boundary():
    result = exercises.check("multistep_lr", MISTAKES[("multistep_lr", "tf_boundary")])
    assert result.mistake == "tf_boundary"
    assert "one step late" in result.message and "m <= step" in result.message
    assert "expected 0.05" in result.message and "received 0.5" in result.message

