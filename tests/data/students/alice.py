"""Alice's homework: both exercises right (a sample submission for the grading example)."""

import numpy as np

EPS = 1e-8


def adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def my_exponential_decay(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    if staircase:
        p = np.floor(p)
    return learning_rate * decay_rate**p


# Top-level work like this is never executed by the grader (only definitions are).
raise SystemExit("the grader must not run top-level statements")
