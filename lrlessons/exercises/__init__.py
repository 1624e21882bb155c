r"""Homework checkers that say *which equation* a student's function gets wrong.

A lesson's exercise cell holds a stub; the student fills it in and runs::

    from lrlessons import exercises
    exercises.describe("adam_step")          # the signature and the equations to implement
    exercises.check("adam_step", my_adam_step)

:func:`check` runs the function on several cases (first step, later steps, zero gradients, a
batch of runs ``(B, d)``, float32, arrays of steps for schedules), compares every output with
the library's own optimizer or schedule (the reference is never re-typed here), checks that
no input array was modified, and, when something differs, compares the student's numbers
with known **wrong variants** (the ``_mistake_*`` functions below: ε inside the square root,
missing bias correction, ``round`` instead of ``floor``, …) to name the mistake and the
equation line it sits on. It never raises because of the student's function: a stub that
raises ``NotImplementedError``, returns ``None``, the wrong number of values or the wrong
shape gives a failed result that says what is missing, so lessons run under nbval with the
stubs in place.

>>> import numpy as np
>>> def my_gd_step(theta, grad, lr):
...     return theta - lr * grad
>>> result = check("gd_step", my_gd_step)
>>> result.passed
True
>>> print(result.message)
gd_step: all 5 cases pass.
>>> def stub(theta, grad, lr):
...     raise NotImplementedError
>>> print(check("gd_step", stub).message)
gd_step is not implemented yet: it raises NotImplementedError. Replace the `raise` line with your code (exercises.describe('gd_step') shows the signature and equations).

References: the update rules and their sources are documented in ``lrlessons.optimizers``
and ``lrlessons.schedules`` (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019;
Duchi et al. 2011; Tieleman & Hinton 2012; TF1 ``exponential_decay`` / ``cosine_decay``).
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import optimizers as _optimizers
from .. import schedules as _schedules
from .._checks import check_choice

__all__ = ["available", "describe", "check", "CheckResult", "CaseResult", "Description"]


# ---------------------------------------------------------------------------------------
# Result objects
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: its name, whether it passed and a one-line note."""

    name: str
    passed: bool
    note: str = ""

    def __str__(self) -> str:
        mark = "ok  " if self.passed else "FAIL"
        return f"[{mark}] {self.name}" + (f": {self.note}" if self.note else "")


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check` returns: ``passed``, a ``message`` and the per-case details.

    Attributes
    ----------
    name : str
        The exercise.
    passed : bool
        True when every case matches the reference and no input was modified.
    message : str
        The explanation: the likely mistake, the equation line it sits on, expected vs
        received numbers for one case and a hint.
    cases : tuple of CaseResult
        One entry per case, in the order run.
    mistake : str or None
        The key of the diagnosed mistake (e.g. ``"eps_inside_sqrt"``), ``"mutates_inputs"``,
        ``"stub"``, ``"error"``, ``"bad_output"``; None when passed or not recognised.
    equation : str
        LaTeX of the equation line that differs (empty when unknown or passed).
    """

    name: str
    passed: bool
    message: str
    cases: tuple = ()
    mistake: str | None = None
    equation: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        status = "PASSED" if self.passed else "FAILED"
        n_ok = sum(c.passed for c in self.cases)
        lines = [f"{self.name}: {status} ({n_ok} of {len(self.cases)} cases pass)"]
        lines += ["  " + str(c) for c in self.cases]
        if not self.passed:
            lines += [""] + self.message.splitlines()
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.passed else "#b42318"
        status = "passed" if self.passed else "not yet"
        n_ok = sum(c.passed for c in self.cases)
        rows = "".join(
            f"<tr><td>{'&#10004;' if c.passed else '&#10008;'}</td><td>{html.escape(c.name)}</td>"
            f"<td>{html.escape(c.note)}</td></tr>"
            for c in self.cases
        )
        eq = f"<p>Line that differs: \\({html.escape(self.equation)}\\)</p>" if self.equation else ""
        msg = "" if self.passed else f"<pre style='white-space:pre-wrap'>{html.escape(self.message)}</pre>"
        return (
            f"<div><p style='color:{color};font-weight:bold'>{html.escape(self.name)}: {status} "
            f"({n_ok} of {len(self.cases)} cases pass)</p>{eq}{msg}"
            f"<table>{rows}</table></div>"
        )


@dataclass(frozen=True)
class Description:
    """What :func:`describe` returns: prints as plain text, renders LaTeX in a notebook."""

    name: str
    signature: str
    text: str
    latex: tuple = ()

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        eqs = "".join(f"<li>\\({html.escape(tex)}\\)</li>" for tex in self.latex)
        return (
            f"<div><pre style='white-space:pre-wrap'>{html.escape(self.text)}</pre>"
            + (f"<ul>{eqs}</ul>" if eqs else "")
            + "</div>"
        )


# ---------------------------------------------------------------------------------------
# Exercise specifications
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Mistake:
    """A known wrong variant: ``compute(**case_args)`` returns the outputs it would give."""

    key: str
    title: str
    line: str           # key of the equation line where it sits (see _Exercise.lines)
    hint: str
    compute: Callable


@dataclass(frozen=True)
class _Case:
    name: str
    args: dict
    float32: bool = False


@dataclass(frozen=True)
class _Exercise:
    name: str
    args: tuple                  # positional argument names, in order
    outputs: tuple               # names of the returned values
    summary: str
    lines: tuple                 # ((key, plain text), ...) in order
    output_lines: dict           # output name -> line key to blame when only it differs
    notes: str
    cases: Callable              # () -> list[_Case]
    reference: Callable          # (**args) -> tuple of outputs, computed by the library
    mistakes: tuple
    needs: tuple = ()            # ("optimizers.momentum", ...) library names it relies on
    latex_source: Callable | None = None   # () -> {line key: LaTeX} from the library
    array_inputs: tuple = ()     # inputs checked for in-place modification

    @property
    def signature(self) -> str:
        out = self.outputs[0] if len(self.outputs) == 1 else "(" + ", ".join(self.outputs) + ")"
        return f"{self.name}({', '.join(self.args)}) -> {out}"


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _quiet(fn: Callable, *args, **kwargs):
    """Call ``fn`` with numpy floating-point warnings silenced (wrong variants divide by 0)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _missing(needs: tuple) -> list[str]:
    out = []
    for qual in needs:
        mod, name = qual.split(".")
        owner = _optimizers if mod == "optimizers" else _schedules
        if not callable(getattr(owner, name, None)):   # a bare submodule is not the factory
            out.append(f"lrlessons.{qual}")
    return out


def _field(state: Any, *candidates: str) -> str:
    for name in candidates:
        if name in state._fields:
            return name
    raise AttributeError(f"none of {candidates} in {type(state).__name__}{state._fields}")


def _optimizer_step(opt, theta, grad, count, buffers: dict):
    """One library step from a state with ``count`` and the given buffers (by candidate names)."""
    state = opt.init(theta)
    repl = {"count": count}
    for names, value in buffers.items():
        repl[_field(state, *names)] = value
    state = state._replace(**repl)
    theta_new, state_new, _ = opt.step(theta, grad, state)
    return theta_new, state_new


def _equations_of(factory_name: str, **kwargs) -> Callable:
    def latex():
        factory = getattr(_optimizers, factory_name, None)
        if factory is None:
            return {}
        try:
            return dict(factory(**kwargs).equations)
        except Exception:  # pragma: no cover - a changed factory signature
            return {}

    return latex


# -- shared case builders -------------------------------------------------------------
def _pos(rng, shape, lo=0.05, hi=1.0, dtype=np.float64):
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def _normal(rng, shape, dtype=np.float64):
    return rng.normal(size=shape).astype(dtype)


# =======================================================================================
# gd_step
# =======================================================================================
def _gd_reference(theta, grad, lr):
    opt = _optimizers.sgd(lr=lr)
    new, _ = _optimizer_step(opt, theta, grad, 0, {})
    return (new,)


def _gd_cases():
    rng = _rng(1)
    f32 = np.float32
    return [
        _Case("random (d=3)", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), lr=0.1)),
        _Case("zero gradient", dict(theta=_normal(rng, 3), grad=np.zeros(3), lr=0.1)),
        _Case("scalar parameter (0-d)", dict(theta=np.array(2.0), grad=np.array(-1.5), lr=0.3)),
        _Case("batched (B, d) = (4, 3)", dict(theta=_normal(rng, (4, 3)), grad=_normal(rng, (4, 3)), lr=0.05)),
        _Case("float32", dict(theta=_normal(rng, 3, f32), grad=_normal(rng, 3, f32), lr=0.1), float32=True),
    ]


def _mistake_gd_sign(theta, grad, lr):
    return (theta + lr * grad,)


def _mistake_gd_no_lr(theta, grad, lr):
    return (theta - grad,)


def _mistake_gd_returns_delta(theta, grad, lr):
    return (-lr * grad,)


def _mistake_gd_lr_divides(theta, grad, lr):
    return (theta - grad / lr,)


_GD = _Exercise(
    name="gd_step",
    args=("theta", "grad", "lr"),
    outputs=("theta",),
    summary="One gradient-descent update; return the new parameters.",
    lines=(("delta", "theta_new = theta - lr * grad        (Δθ = −α g)"),),
    output_lines={"theta": "delta"},
    notes="Works for any shape, including a batch of runs (B, d). Do not modify theta in place.",
    cases=_gd_cases,
    reference=_gd_reference,
    mistakes=(
        _Mistake("sign", "the update goes uphill (+ instead of −)", "delta",
                 "Gradient descent moves against the gradient: theta - lr * grad.", _mistake_gd_sign),
        _Mistake("no_lr", "the learning rate is missing", "delta",
                 "Multiply the gradient by lr before subtracting it.", _mistake_gd_no_lr),
        _Mistake("returns_delta", "it returns the step Δθ instead of the new parameters", "delta",
                 "Return theta + Δθ, i.e. theta - lr * grad.", _mistake_gd_returns_delta),
        _Mistake("lr_divides", "it divides by the learning rate", "delta",
                 "The gradient is multiplied by lr, not divided.", _mistake_gd_lr_divides),
    ),
    needs=("optimizers.sgd",),
    latex_source=_equations_of("sgd", lr=0.1),
    array_inputs=("theta", "grad"),
)


# =======================================================================================
# momentum_step (heavy ball, PyTorch form) and nesterov_step
# =======================================================================================
_BUF = ("b", "buf", "momentum_buffer", "velocity", "mom", "a")


def _momentum_reference(theta, grad, b, lr, momentum, nesterov=False):
    opt = _optimizers.momentum(lr=lr, momentum=momentum, nesterov=nesterov)
    # count = 1: the buffer given is used as b_{t-1} (PyTorch's b_1 = g equals μ·0 + g).
    new, state = _optimizer_step(opt, theta, grad, 1, {_BUF: b})
    return new, getattr(state, _field(state, *_BUF))


def _momentum_cases(nesterov: bool = False):
    rng = _rng(2)
    f32 = np.float32
    return [
        _Case("first step (b = 0)", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), b=np.zeros(3), lr=0.1, momentum=0.9)),
        _Case("later step (b != 0)", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), b=_normal(rng, 3), lr=0.05, momentum=0.8)),
        _Case("zero gradient, still moving", dict(theta=_normal(rng, 3), grad=np.zeros(3), b=_normal(rng, 3), lr=0.1, momentum=0.9)),
        _Case("momentum = 0.5", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), b=_normal(rng, 3), lr=0.2, momentum=0.5))
        if nesterov else  # PyTorch's Nesterov needs momentum > 0
        _Case("momentum = 0 is gradient descent", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), b=_normal(rng, 3), lr=0.2, momentum=0.0)),
        _Case("batched (B, d) = (4, 3)", dict(theta=_normal(rng, (4, 3)), grad=_normal(rng, (4, 3)), b=_normal(rng, (4, 3)), lr=0.03, momentum=0.95)),
        _Case("float32", dict(theta=_normal(rng, 3, f32), grad=_normal(rng, 3, f32), b=_normal(rng, 3, f32), lr=0.1, momentum=0.9), float32=True),
    ]


def _mistake_mom_theta_sign(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta + lr * b, b


def _mistake_mom_buffer_sign(theta, grad, b, lr, momentum):
    b = momentum * b - grad
    return theta - lr * b, b


def _mistake_mom_lr_inside(theta, grad, b, lr, momentum):
    b = momentum * b + lr * grad
    return theta - b, b


def _mistake_mom_ema(theta, grad, b, lr, momentum):
    b = momentum * b + (1 - momentum) * grad
    return theta - lr * b, b


def _mistake_mom_old_buffer(theta, grad, b, lr, momentum):
    return theta - lr * b, momentum * b + grad


def _mistake_mom_no_lr(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - b, b


def _mistake_mom_no_decay(theta, grad, b, lr, momentum):
    b = b + grad
    return theta - lr * b, b


_MOM_LINES = (
    ("b", "b_t = momentum * b_{t-1} + g_t          (b_0 = 0, so b_1 = g_1)"),
    ("delta", "theta_new = theta - lr * b_t"),
)

_MOMENTUM = _Exercise(
    name="momentum_step",
    args=("theta", "grad", "b", "lr", "momentum"),
    outputs=("theta", "b"),
    summary="One heavy-ball momentum update in PyTorch's form (lr outside the buffer); return (theta, b).",
    lines=_MOM_LINES,
    output_lines={"theta": "delta", "b": "b"},
    notes=("b is the momentum buffer from the previous update (zeros before the first one). "
           "The learning rate multiplies the buffer; it is not stored in it (PyTorch, TF1 "
           "MomentumOptimizer). Return new arrays; do not modify theta or b in place."),
    cases=_momentum_cases,
    reference=_momentum_reference,
    mistakes=(
        _Mistake("theta_sign", "momentum sign error: the parameters move along +b", "delta",
                 "Subtract the step: theta - lr * b.", _mistake_mom_theta_sign),
        _Mistake("buffer_sign", "momentum sign error: the buffer accumulates −g", "b",
                 "In this form the buffer adds the gradient, b = momentum * b + grad, and theta - lr * b descends.",
                 _mistake_mom_buffer_sign),
        _Mistake("lr_inside", "lr inside the buffer (b = μ b + lr g; θ −= b) instead of outside", "b",
                 "Keep the buffer free of lr: b = momentum * b + grad, then theta - lr * b. "
                 "(Both forms agree only while lr never changes.)", _mistake_mom_lr_inside),
        _Mistake("ema", "the buffer is an average, b = μ b + (1 − μ) g (dampening)", "b",
                 "Heavy ball adds the whole gradient: b = momentum * b + grad.", _mistake_mom_ema),
        _Mistake("old_buffer", "the step uses the old buffer b_{t−1} instead of the new b_t", "delta",
                 "Update the buffer first, then step with the new buffer.", _mistake_mom_old_buffer),
        _Mistake("no_lr", "the learning rate is missing from the step", "delta",
                 "Step with theta - lr * b.", _mistake_mom_no_lr),
        _Mistake("no_decay", "the buffer is never decayed (b = b + g)", "b",
                 "Multiply the old buffer by momentum: b = momentum * b + grad.", _mistake_mom_no_decay),
    ),
    needs=("optimizers.momentum",),
    latex_source=_equations_of("momentum", lr=0.1, momentum=0.9),
    array_inputs=("theta", "grad", "b"),
)


def _nesterov_reference(theta, grad, b, lr, momentum):
    return _momentum_reference(theta, grad, b, lr, momentum, nesterov=True)


def _mistake_nag_heavy_ball(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - lr * b, b


def _mistake_nag_sign(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta + lr * (grad + momentum * b), b


def _mistake_nag_lr_inside(theta, grad, b, lr, momentum):
    b = momentum * b + lr * grad
    return theta - (lr * grad + momentum * b), b


def _mistake_nag_minus_lookahead(theta, grad, b, lr, momentum):
    b = momentum * b + grad
    return theta - lr * (grad - momentum * b), b


_NESTEROV = _Exercise(
    name="nesterov_step",
    args=("theta", "grad", "b", "lr", "momentum"),
    outputs=("theta", "b"),
    summary="One Nesterov momentum update in PyTorch's form (nesterov=True); return (theta, b).",
    lines=(
        ("b", "b_t = momentum * b_{t-1} + g_t          (b_0 = 0)"),
        ("delta", "theta_new = theta - lr * (g_t + momentum * b_t)   (look ahead with the NEW buffer)"),
    ),
    output_lines={"theta": "delta", "b": "b"},
    notes=("grad is the gradient at the stored parameters theta (Sutskever et al. 2013 "
           "reformulation used by PyTorch and TF1). Return new arrays; do not modify inputs."),
    cases=lambda: _momentum_cases(nesterov=True),
    reference=_nesterov_reference,
    mistakes=(
        _Mistake("heavy_ball", "this is heavy-ball momentum, without Nesterov's look-ahead (a look-ahead "
                 "g + μ b_{t−1} with the OLD buffer is the same thing)", "delta",
                 "Update b first, then step with grad + momentum * b using the NEW b.", _mistake_nag_heavy_ball),
        _Mistake("sign", "momentum sign error: the parameters move uphill", "delta",
                 "Subtract the step: theta - lr * (grad + momentum * b).", _mistake_nag_sign),
        _Mistake("lr_inside", "lr inside the buffer (b = μ b + lr g) instead of outside", "b",
                 "Keep lr out of the buffer: b = momentum * b + grad; theta - lr * (grad + momentum * b).",
                 _mistake_nag_lr_inside),
        _Mistake("minus_lookahead", "the look-ahead term is subtracted (g − μ b)", "delta",
                 "The step direction is grad + momentum * b.", _mistake_nag_minus_lookahead),
    ),
    needs=("optimizers.momentum",),
    latex_source=_equations_of("momentum", lr=0.1, momentum=0.9, nesterov=True),
    array_inputs=("theta", "grad", "b"),
)


# =======================================================================================
# adagrad_step (PyTorch form: accumulator from 0, ε outside the root)
# =======================================================================================
_ACC = ("S", "s", "sum", "acc", "accumulator", "G", "state_sum", "v")


def _adagrad_reference(theta, grad, S, lr, eps):
    opt = _optimizers.adagrad(lr=lr, eps=eps, initial_accumulator_value=0.0)
    new, state = _optimizer_step(opt, theta, grad, 1, {_ACC: S})
    return new, getattr(state, _field(state, *_ACC))


def _adagrad_cases():
    rng = _rng(3)
    f32 = np.float32
    return [
        _Case("first step (S = 0)", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), S=np.zeros(3), lr=0.1, eps=1e-10)),
        _Case("later step, large eps", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), S=_pos(rng, 3, 0.01, 0.2), lr=0.1, eps=0.05)),
        _Case("zero gradient", dict(theta=_normal(rng, 3), grad=np.zeros(3), S=_pos(rng, 3), lr=0.1, eps=1e-3)),
        _Case("batched (B, d) = (4, 3)", dict(theta=_normal(rng, (4, 3)), grad=_normal(rng, (4, 3)), S=_pos(rng, (4, 3), 0.5, 3.0), lr=0.3, eps=0.01)),
        _Case("float32", dict(theta=_normal(rng, 3, f32), grad=_normal(rng, 3, f32), S=_pos(rng, 3, 0.05, 1.0, f32), lr=0.1, eps=1e-3), float32=True),
    ]


def _mistake_ada_eps_inside(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / np.sqrt(S + eps), S


def _mistake_ada_g_not_g2(theta, grad, S, lr, eps):
    S = S + grad
    return theta - lr * grad / (np.sqrt(S) + eps), S


def _mistake_ada_abs_g(theta, grad, S, lr, eps):
    S = S + np.abs(grad)
    return theta - lr * grad / (np.sqrt(S) + eps), S


def _mistake_ada_old_S(theta, grad, S, lr, eps):
    return theta - lr * grad / (np.sqrt(S) + eps), S + grad**2


def _mistake_ada_no_sqrt(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / (S + eps), S


def _mistake_ada_no_eps(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta - lr * grad / np.sqrt(S), S


def _mistake_ada_sign(theta, grad, S, lr, eps):
    S = S + grad**2
    return theta + lr * grad / (np.sqrt(S) + eps), S


_ADAGRAD = _Exercise(
    name="adagrad_step",
    args=("theta", "grad", "S", "lr", "eps"),
    outputs=("theta", "S"),
    summary="One Adagrad update in PyTorch's form (S starts at 0, ε outside the root); return (theta, S).",
    lines=(
        ("s", "S_t = S_{t-1} + g_t**2                  (sum of squared gradients, S_0 = 0)"),
        ("delta", "theta_new = theta - lr * g_t / (sqrt(S_t) + eps)"),
    ),
    output_lines={"theta": "delta", "S": "s"},
    notes="Elementwise operations only. Return new arrays; do not modify theta or S in place (Duchi et al. 2011).",
    cases=_adagrad_cases,
    reference=_adagrad_reference,
    mistakes=(
        _Mistake("eps_inside_sqrt", "ε inside the square root, sqrt(S + eps), instead of outside", "delta",
                 "Add eps after the square root: np.sqrt(S) + eps (PyTorch; Keras/optax put it inside).",
                 _mistake_ada_eps_inside),
        _Mistake("g_not_g2", "g instead of g² in the accumulator", "s",
                 "Accumulate the squared gradient: S + grad**2.", _mistake_ada_g_not_g2),
        _Mistake("abs_g", "|g| instead of g² in the accumulator", "s",
                 "Accumulate the squared gradient: S + grad**2.", _mistake_ada_abs_g),
        _Mistake("old_accumulator", "the step divides by the old S_{t−1} instead of the new S_t", "delta",
                 "Add grad**2 to S first, then divide by sqrt(S) + eps.", _mistake_ada_old_S),
        _Mistake("no_sqrt", "the square root is missing: g / (S + ε)", "delta",
                 "Divide by the root of the accumulator: np.sqrt(S) + eps.", _mistake_ada_no_sqrt),
        _Mistake("no_eps", "ε is missing (TF1's AdagradOptimizer form)", "delta",
                 "Divide by np.sqrt(S) + eps: without eps a zero gradient at S = 0 gives 0/0.", _mistake_ada_no_eps),
        _Mistake("sign", "sign error: the parameters move uphill", "delta",
                 "Subtract the step: theta - lr * grad / (np.sqrt(S) + eps).", _mistake_ada_sign),
    ),
    needs=("optimizers.adagrad",),
    latex_source=_equations_of("adagrad", lr=0.1),
    array_inputs=("theta", "grad", "S"),
)


# =======================================================================================
# rmsprop_step (PyTorch form: v from 0, ε outside the root)
# =======================================================================================
_MS = ("v", "ms", "square_avg", "nu", "mean_square")


def _rmsprop_reference(theta, grad, v, lr, decay, eps):
    opt = _optimizers.rmsprop(lr=lr, decay=decay, eps=eps)
    new, state = _optimizer_step(opt, theta, grad, 1, {_MS: v})
    return new, getattr(state, _field(state, *_MS))


def _rmsprop_cases():
    rng = _rng(4)
    f32 = np.float32
    return [
        _Case("first step (v = 0)", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), v=np.zeros(3), lr=0.01, decay=0.9, eps=1e-8)),
        _Case("later step, large eps", dict(theta=_normal(rng, 3), grad=_normal(rng, 3), v=_pos(rng, 3, 0.01, 0.2), lr=0.01, decay=0.8, eps=0.05)),
        _Case("zero gradient", dict(theta=_normal(rng, 3), grad=np.zeros(3), v=_pos(rng, 3), lr=0.01, decay=0.99, eps=1e-3)),
        _Case("batched (B, d) = (4, 3)", dict(theta=_normal(rng, (4, 3)), grad=_normal(rng, (4, 3)), v=_pos(rng, (4, 3)), lr=0.05, decay=0.7, eps=0.01)),
        _Case("float32", dict(theta=_normal(rng, 3, f32), grad=_normal(rng, 3, f32), v=_pos(rng, 3, 0.05, 1.0, f32), lr=0.01, decay=0.9, eps=1e-3), float32=True),
    ]


def _rms(theta, grad, v, lr, decay, eps, *, eps_inside=False, square=True, swapped=False, one_minus=True,
         average=True, old_v=False, root=True, sign=-1.0):
    """The RMSprop update with switches; every switch away from the exercise's form is a known mistake."""
    g2 = grad**2 if square else grad
    if not average:
        v_new = v + g2                                           # Adagrad's sum
    elif swapped:
        v_new = (1 - decay) * v + decay * g2
    else:
        v_new = decay * v + ((1 - decay) if one_minus else 1.0) * g2
    u = v if old_v else v_new
    if not root:
        denom = u + eps
    else:
        denom = np.sqrt(u + eps) if eps_inside else np.sqrt(u) + eps
    return theta + sign * lr * grad / denom, v_new


def _rms_mistake(**switches) -> Callable:
    def variant(theta, grad, v, lr, decay, eps):
        return _rms(theta, grad, v, lr, decay, eps, **switches)

    return variant


def _rms_mistakes(eps_inside: bool) -> tuple:
    """The usual RMSprop mistakes, for the exercise with ε outside (PyTorch) or inside (TF1/Keras)."""
    d = "np.sqrt(v + eps)" if eps_inside else "np.sqrt(v) + eps"
    where = dict(eps_inside=eps_inside)
    placement = (
        _Mistake("eps_outside_sqrt", "ε outside the square root, sqrt(v) + eps, instead of inside", "denom",
                 "TF1 RMSPropOptimizer and Keras RMSprop add eps under the root: np.sqrt(v + eps) "
                 "(PyTorch adds it outside).", _rms_mistake(eps_inside=False))
        if eps_inside else
        _Mistake("eps_inside_sqrt", "ε inside the square root, sqrt(v + eps), instead of outside", "denom",
                 "Add eps after the square root: np.sqrt(v) + eps (PyTorch; TF1 and Keras put it inside).",
                 _rms_mistake(eps_inside=True))
    )
    return (
        placement,
        _Mistake("g_not_g2", "g instead of g² in the second moment", "v",
                 "Average the squared gradient: decay * v + (1 - decay) * grad**2.", _rms_mistake(square=False, **where)),
        _Mistake("swapped_decay", "decay and 1 − decay are swapped", "v",
                 "The old average keeps the weight decay: decay * v + (1 - decay) * grad**2.",
                 _rms_mistake(swapped=True, **where)),
        _Mistake("no_one_minus", "the (1 − decay) factor on g² is missing", "v",
                 "v = decay * v + (1 - decay) * grad**2.", _rms_mistake(one_minus=False, **where)),
        _Mistake("adagrad_sum", "the squares are summed (Adagrad) instead of averaged", "v",
                 "RMSprop decays the old average: decay * v + (1 - decay) * grad**2.", _rms_mistake(average=False, **where)),
        _Mistake("old_v", "the step divides by the old v_{t−1} instead of the new v_t", "delta",
                 f"Update v first, then divide by {d}.", _rms_mistake(old_v=True, **where)),
        _Mistake("no_sqrt", "the square root is missing: g / (v + ε)", "denom",
                 f"Divide by the root mean square: {d}.", _rms_mistake(root=False, **where)),
        _Mistake("sign", "sign error: the parameters move uphill", "delta",
                 f"Subtract the step: theta - lr * grad / ({d}).", _rms_mistake(sign=1.0, **where)),
    )


_RMSPROP = _Exercise(
    name="rmsprop_step",
    args=("theta", "grad", "v", "lr", "decay", "eps"),
    outputs=("theta", "v"),
    summary="One RMSprop update in PyTorch's form (v starts at 0, ε outside the root); return (theta, v).",
    lines=(
        ("v", "v_t = decay * v_{t-1} + (1 - decay) * g_t**2    (running mean of g², v_0 = 0)"),
        ("denom", "d_t = sqrt(v_t) + eps                  (eps OUTSIDE the root)"),
        ("delta", "theta_new = theta - lr * g_t / d_t"),
    ),
    output_lines={"theta": "delta", "v": "v"},
    notes=("decay is ρ (PyTorch calls it alpha, Keras rho). Tieleman & Hinton 2012. Return new "
           "arrays; do not modify theta or v in place."),
    cases=_rmsprop_cases,
    reference=_rmsprop_reference,
    mistakes=_rms_mistakes(eps_inside=False),
    needs=("optimizers.rmsprop",),
    latex_source=_equations_of("rmsprop", lr=0.01),
    array_inputs=("theta", "grad", "v"),
)


def _tf_rmsprop_reference(theta, grad, v, lr, decay, eps):
    opt = _optimizers.rmsprop(lr=lr, decay=decay, eps=eps, eps_in_sqrt=True)
    new, state = _optimizer_step(opt, theta, grad, 1, {_MS: v})
    return new, getattr(state, _field(state, *_MS))


_TF_RMSPROP = _Exercise(
    name="tf_rmsprop_step",
    args=("theta", "grad", "v", "lr", "decay", "eps"),
    outputs=("theta", "v"),
    summary=("One RMSprop update in the TF1 RMSPropOptimizer / Keras RMSprop form (ε INSIDE the root, "
             "momentum 0); return (theta, v)."),
    lines=(
        ("v", "v_t = decay * v_{t-1} + (1 - decay) * g_t**2"),
        ("denom", "d_t = sqrt(v_t + eps)                  (eps INSIDE the root)"),
        ("delta", "theta_new = theta - lr * g_t / d_t"),
    ),
    output_lines={"theta": "delta", "v": "v"},
    notes=("The same update as rmsprop_step except where eps sits (frameworks disagree: "
           "PyTorch outside, TF1/Keras/optax inside). v is given, so TF1's start at ones does "
           "not matter here. Return new arrays; do not modify theta or v in place."),
    cases=_rmsprop_cases,
    reference=_tf_rmsprop_reference,
    mistakes=_rms_mistakes(eps_inside=True),
    needs=("optimizers.rmsprop",),
    latex_source=_equations_of("rmsprop", lr=0.01, eps_in_sqrt=True),
    array_inputs=("theta", "grad", "v"),
)


# =======================================================================================
# adam_step (Kingma & Ba 2015, Algorithm 1) and adamw_step
# =======================================================================================
def _adam_reference(theta, grad, m, v, t, lr, beta1, beta2, eps):
    opt = _optimizers.adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    new, state = _optimizer_step(opt, theta, grad, t - 1, {("m",): m, ("v",): v})
    return new, state.m, state.v


def _adam_cases(weight_decay: float | None = None):
    rng = _rng(5 if weight_decay is None else 6)
    f32 = np.float32

    def case(name, shape, t, lr, beta1, beta2, eps, zero_state=False, zero_grad=False, dtype=np.float64):
        theta = _normal(rng, shape, dtype)
        grad = np.zeros(shape, dtype) if zero_grad else _normal(rng, shape, dtype)
        m = np.zeros(shape, dtype) if zero_state else (0.3 * _normal(rng, shape, dtype)).astype(dtype)
        v = np.zeros(shape, dtype) if zero_state else _pos(rng, shape, 0.01, 0.5, dtype)
        args = dict(theta=theta, grad=grad, m=m, v=v, t=t, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
        if weight_decay is not None:
            args["weight_decay"] = weight_decay
        return _Case(name, args, float32=dtype == f32)

    return [
        case("first step (t=1, m = v = 0)", 3, 1, 0.01, 0.9, 0.999, 1e-8, zero_state=True),
        case("later step (t=5), large eps", 3, 5, 0.1, 0.8, 0.95, 1e-2),
        case("zero gradient (t=3)", 3, 3, 0.05, 0.9, 0.99, 1e-3, zero_grad=True),
        case("long run (t=1000)", 3, 1000, 0.01, 0.9, 0.999, 1e-3),
        case("batched (B, d) = (4, 3), t=10", (4, 3), 10, 0.02, 0.85, 0.99, 1e-4),
        case("float32 (t=2)", 3, 2, 0.01, 0.9, 0.999, 1e-6, dtype=f32),
    ]


def _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps, *, correct_m=True, correct_v=True,
               t_m=None, t_v=None, eps_where="outside", square=True, pow_base=False, sign=-1.0):
    """The Adam update with switches; every switch away from its default is a known mistake."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad**2 if square else grad)
    tm = t if t_m is None else t_m
    tv = t if t_v is None else t_v
    c1 = (1 - beta1) ** tm if pow_base else 1 - beta1**tm
    c2 = (1 - beta2) ** tv if pow_base else 1 - beta2**tv
    m_hat = m / c1 if correct_m else m
    v_hat = v / c2 if correct_v else v
    if eps_where == "outside":
        denom = np.sqrt(v_hat) + eps
    elif eps_where == "inside":
        denom = np.sqrt(v_hat + eps)
    else:  # "hat": TF1/Keras ε̂ form, ε added to the uncorrected √v
        return theta + sign * lr * np.sqrt(c2) / c1 * m / (np.sqrt(v) + eps), m, v
    return theta + sign * lr * m_hat / denom, m, v


def _adam_mistake(**switches) -> Callable:
    def variant(theta, grad, m, v, t, lr, beta1, beta2, eps):
        return _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps, **switches)

    return variant


def _t_shift(k: int) -> Callable:
    def variant(theta, grad, m, v, t, lr, beta1, beta2, eps):
        return _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps, t_m=t + k, t_v=t + k)

    return variant


def _mistake_adam_swapped_betas(theta, grad, m, v, t, lr, beta1, beta2, eps):
    return _adam_core(theta, grad, m, v, t, lr, beta2, beta1, eps)


def _mistake_adam_output_order(theta, grad, m, v, t, lr, beta1, beta2, eps):
    new, m, v = _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new, v, m


def _mistake_adam_old_moments(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _mistake_adam_no_sqrt(theta, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (v_hat + eps), m, v


_ADAM_LINES = (
    ("m", "m_t = beta1 * m_{t-1} + (1 - beta1) * g_t"),
    ("v", "v_t = beta2 * v_{t-1} + (1 - beta2) * g_t**2"),
    ("m_hat", "m_hat = m_t / (1 - beta1**t)"),
    ("v_hat", "v_hat = v_t / (1 - beta2**t)"),
    ("delta", "theta_new = theta - lr * m_hat / (sqrt(v_hat) + eps)"),
)

_ADAM_MISTAKES = (
    _Mistake("no_bias_correction", "missing bias correction (m and v are used without dividing by 1 − β^t)", "m_hat",
             "Divide by the bias corrections: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t).",
             _adam_mistake(correct_m=False, correct_v=False)),
    _Mistake("no_bias_correction_m", "missing bias correction of m", "m_hat",
             "m_hat = m / (1 - beta1**t).", _adam_mistake(correct_m=False)),
    _Mistake("no_bias_correction_v", "missing bias correction of v", "v_hat",
             "v_hat = v / (1 - beta2**t).", _adam_mistake(correct_v=False)),
    _Mistake("eps_inside_sqrt", "ε inside the square root, sqrt(v_hat + eps), instead of outside", "delta",
             "Kingma & Ba's Algorithm 1 adds eps after the root: np.sqrt(v_hat) + eps.",
             _adam_mistake(eps_where="inside")),
    _Mistake("eps_hat", "ε added to the uncorrected sqrt(v) (the TF1/Keras ε-hat form)", "delta",
             "Add eps to np.sqrt(v_hat), the bias-corrected second moment, not to np.sqrt(v).",
             _adam_mistake(eps_where="hat")),
    _Mistake("g_not_g2", "g instead of g² in the second moment", "v",
             "v = beta2 * v + (1 - beta2) * grad**2.", _adam_mistake(square=False)),
    _Mistake("t_minus_1", "off-by-one t in the bias correction (uses t − 1; t already counts from 1)", "m_hat",
             "t is 1 at the first update: use 1 - beta1**t and 1 - beta2**t as given.",
             _t_shift(-1)),
    _Mistake("t_plus_1", "off-by-one t in the bias correction (uses t + 1; t already counts from 1)", "m_hat",
             "t is 1 at the first update: use 1 - beta1**t and 1 - beta2**t as given.", _t_shift(1)),
    _Mistake("pow_base", "bias correction (1 − β)^t instead of 1 − β^t", "m_hat",
             "Raise beta to the power t, then subtract from 1: 1 - beta1**t.", _adam_mistake(pow_base=True)),
    _Mistake("swapped_betas", "beta1 and beta2 are swapped", "m",
             "beta1 (0.9) averages the gradient into m; beta2 (0.999) averages g² into v.", _mistake_adam_swapped_betas),
    _Mistake("old_moments", "the step uses the old m_{t−1}, v_{t−1} instead of the new m_t, v_t", "m_hat",
             "Update m and v first, then bias-correct the new values.", _mistake_adam_old_moments),
    _Mistake("no_sqrt", "the square root of v_hat is missing", "delta",
             "Divide by np.sqrt(v_hat) + eps.", _mistake_adam_no_sqrt),
    _Mistake("output_order", "the outputs are in the wrong order: return (theta, m, v)", "m",
             "Return theta, m, v in that order.", _mistake_adam_output_order),
    _Mistake("sign", "sign error: the parameters move uphill", "delta",
             "Subtract the step: theta - lr * m_hat / (np.sqrt(v_hat) + eps).", _adam_mistake(sign=1.0)),
)


_ADAM = _Exercise(
    name="adam_step",
    args=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
    outputs=("theta", "m", "v"),
    summary="One Adam update (Kingma & Ba 2015, Algorithm 1); return (theta, m, v).",
    lines=_ADAM_LINES,
    output_lines={"theta": "delta", "m": "m", "v": "v"},
    notes=("t counts updates from 1: t = 1 at the first update, when m = v = 0. m and v are "
           "the uncorrected moments; return them, not m_hat and v_hat. Return new arrays; do "
           "not modify theta, m or v in place."),
    cases=_adam_cases,
    reference=_adam_reference,
    mistakes=_ADAM_MISTAKES,
    needs=("optimizers.adam",),
    latex_source=_equations_of("adam", lr=0.01),
    array_inputs=("theta", "grad", "m", "v"),
)


def _adamw_reference(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    opt = _optimizers.adamw(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    new, state = _optimizer_step(opt, theta, grad, t - 1, {("m",): m, ("v",): v})
    return new, state.m, state.v


def _mistake_adamw_l2(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return _adam_core(theta, grad + weight_decay * theta, m, v, t, lr, beta1, beta2, eps)


def _mistake_adamw_no_lr(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new - weight_decay * theta, m, v


def _mistake_adamw_new_theta(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new - lr * weight_decay * new, m, v


def _mistake_adamw_missing(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    return _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps)


def _mistake_adamw_sign(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new + lr * weight_decay * theta, m, v


def _mistake_adamw_no_bias(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps, correct_m=False, correct_v=False)
    return new - lr * weight_decay * theta, m, v


def _mistake_adamw_eps_inside(theta, grad, m, v, t, lr, beta1, beta2, eps, weight_decay):
    new, m, v = _adam_core(theta, grad, m, v, t, lr, beta1, beta2, eps, eps_where="inside")
    return new - lr * weight_decay * theta, m, v


_ADAMW = _Exercise(
    name="adamw_step",
    args=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps", "weight_decay"),
    outputs=("theta", "m", "v"),
    summary="One AdamW update (Loshchilov & Hutter 2019, PyTorch AdamW); return (theta, m, v).",
    lines=_ADAM_LINES[:4] + (
        ("delta", "adam step: - lr * m_hat / (sqrt(v_hat) + eps)"),
        ("decay", "decay: - lr * weight_decay * theta_{t-1}      (decoupled, NOT added to g)"),
    ),
    output_lines={"theta": "decay", "m": "m", "v": "v"},
    notes=("theta_new = theta + adam step + decay, both computed from the same old theta. "
           "The gradient that enters m and v is the plain grad. t counts from 1. Return new "
           "arrays; do not modify theta, m or v in place."),
    cases=lambda: _adam_cases(weight_decay=0.1),
    reference=_adamw_reference,
    mistakes=(
        _Mistake("l2_coupled", "weight decay added to the gradient (Adam + L2), not decoupled", "decay",
                 "AdamW keeps grad as it is for m and v and subtracts lr * weight_decay * theta separately.",
                 _mistake_adamw_l2),
        _Mistake("decay_no_lr", "the decay is not multiplied by lr (θ −= λ θ)", "decay",
                 "PyTorch's AdamW decays by lr * weight_decay * theta.", _mistake_adamw_no_lr),
        _Mistake("decay_new_theta", "the decay uses the updated θ_t instead of the old θ_{t−1}", "decay",
                 "Compute the decay from the theta you were given.", _mistake_adamw_new_theta),
        _Mistake("no_decay", "the weight decay is missing (this is plain Adam)", "decay",
                 "Subtract lr * weight_decay * theta as well.", _mistake_adamw_missing),
        _Mistake("decay_sign", "the decay has the wrong sign (θ grows)", "decay",
                 "Weight decay shrinks theta: subtract lr * weight_decay * theta.", _mistake_adamw_sign),
        _Mistake("no_bias_correction", "missing bias correction (m and v are used without dividing by 1 − β^t)",
                 "m_hat", "m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t).", _mistake_adamw_no_bias),
        _Mistake("eps_inside_sqrt", "ε inside the square root, sqrt(v_hat + eps), instead of outside", "delta",
                 "Add eps after the root: np.sqrt(v_hat) + eps.", _mistake_adamw_eps_inside),
    ),
    needs=("optimizers.adamw",),
    latex_source=_equations_of("adamw", lr=0.01),
    array_inputs=("theta", "grad", "m", "v"),
)


# =======================================================================================
# Schedules: exponential_decay, cosine_decay, linear_warmup, article_warmup
# =======================================================================================
def _sched(value: Any) -> tuple:
    return (np.asarray(value, dtype=np.float64),)


def _expdecay_reference(step, learning_rate, decay_steps, decay_rate, staircase):
    s = _schedules.exponential_decay(learning_rate, decay_steps, decay_rate, staircase=staircase)
    return _sched(s(step))


def _expdecay_cases():
    art = dict(learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
    return [
        _Case("step 0 (first update)", dict(step=0, **art)),
        _Case("inside the first stair (step 999)", dict(step=999, **art)),
        _Case("on a boundary (step 1000)", dict(step=1000, **art)),
        _Case("between stairs (step 2600)", dict(step=2600, **art)),
        _Case("staircase=False (step 1500)", dict(step=1500, learning_rate=0.1, decay_steps=1000, decay_rate=0.96, staircase=False)),
        _Case("fast decay, staircase=False (step 30)", dict(step=30, learning_rate=1.0, decay_steps=20, decay_rate=0.5, staircase=False)),
        _Case("array of steps 0, 250, ..., 4750", dict(step=np.arange(0, 5000, 250), **art)),
    ]


def _ed(step, learning_rate, decay_steps, decay_rate, p):
    return _sched(learning_rate * decay_rate**p)


def _mistake_ed_round(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return _ed(step, learning_rate, decay_steps, decay_rate, np.round(p) if staircase else p)


def _mistake_ed_ceil(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    return _ed(step, learning_rate, decay_steps, decay_rate, np.ceil(p) if staircase else p)


def _mistake_ed_no_staircase(step, learning_rate, decay_steps, decay_rate, staircase):
    return _ed(step, learning_rate, decay_steps, decay_rate, np.asarray(step) / decay_steps)


def _mistake_ed_always_floor(step, learning_rate, decay_steps, decay_rate, staircase):
    return _ed(step, learning_rate, decay_steps, decay_rate, np.floor(np.asarray(step) / decay_steps))


def _ed_shift(k: int) -> Callable:
    def variant(step, learning_rate, decay_steps, decay_rate, staircase):
        p = (np.asarray(step) + k) / decay_steps
        return _ed(step, learning_rate, decay_steps, decay_rate, np.floor(p) if staircase else p)

    return variant


def _mistake_ed_natural(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) / decay_steps
    p = np.floor(p) if staircase else p
    return _sched(learning_rate * np.exp(-decay_rate * p))


def _mistake_ed_times(step, learning_rate, decay_steps, decay_rate, staircase):
    p = np.asarray(step) * decay_steps
    p = np.floor(p) if staircase else p
    return _ed(step, learning_rate, decay_steps, decay_rate, p)


def _mistake_ed_per_step(step, learning_rate, decay_steps, decay_rate, staircase):
    return _ed(step, learning_rate, decay_steps, decay_rate, np.asarray(step, dtype=float))


_EXPDECAY = _Exercise(
    name="exponential_decay",
    args=("step", "learning_rate", "decay_steps", "decay_rate", "staircase"),
    outputs=("lr",),
    summary="The exponential-decay schedule of TF1 tf.train.exponential_decay (Keras ExponentialDecay).",
    lines=(
        ("p", "p = step / decay_steps, floored (floor, not round) when staircase is True"),
        ("lr", "lr = learning_rate * decay_rate ** p"),
    ),
    output_lines={"lr": "p"},
    notes=("step counts the updates already applied: the first update uses step = 0, where lr "
           "equals learning_rate. step may be an int or an integer numpy array (use np.floor, "
           "not math.floor, so arrays work); return the rate with step's shape."),
    cases=_expdecay_cases,
    reference=_expdecay_reference,
    mistakes=(
        _Mistake("round", "staircase uses round instead of floor", "p",
                 "The rate drops only when a whole decay period has passed: np.floor(step / decay_steps).",
                 _mistake_ed_round),
        _Mistake("ceil", "staircase uses ceil instead of floor", "p",
                 "Use np.floor(step / decay_steps): at step 0 the rate must be learning_rate.", _mistake_ed_ceil),
        _Mistake("no_staircase", "staircase=True is ignored (the decay stays continuous)", "p",
                 "When staircase is True, floor the exponent: p = np.floor(step / decay_steps).", _mistake_ed_no_staircase),
        _Mistake("always_floor", "the exponent is floored even when staircase is False", "p",
                 "Floor only when staircase is True.", _mistake_ed_always_floor),
        _Mistake("step_plus_1", "decaying from step 1 instead of 0 (uses step + 1)", "p",
                 "step already counts updates applied: the first update uses step = 0 and lr = learning_rate.",
                 _ed_shift(1)),
        _Mistake("step_minus_1", "the step is shifted by one (uses step − 1)", "p",
                 "Use step as given: lr(0) = learning_rate.", _ed_shift(-1)),
        _Mistake("natural_exp", "exp(−decay_rate · p) (natural_exp_decay) instead of decay_rate ** p", "lr",
                 "Exponential decay raises decay_rate to the power p: learning_rate * decay_rate ** p.",
                 _mistake_ed_natural),
        _Mistake("step_times_decay_steps", "p = step · decay_steps instead of step / decay_steps", "p",
                 "Divide: p = step / decay_steps.", _mistake_ed_times),
        _Mistake("per_step", "decays every step (decay_steps ignored)", "p",
                 "The rate is multiplied by decay_rate once per decay_steps steps: p = step / decay_steps.",
                 _mistake_ed_per_step),
    ),
    needs=("schedules.exponential_decay",),
)


def _cosine_reference(step, learning_rate, decay_steps, alpha):
    return _sched(_schedules.cosine_decay(learning_rate, decay_steps, alpha=alpha)(step))


def _cosine_cases():
    return [
        _Case("step 0", dict(step=0, learning_rate=0.1, decay_steps=100, alpha=0.0)),
        _Case("a quarter of the way (step 25)", dict(step=25, learning_rate=0.1, decay_steps=100, alpha=0.0)),
        _Case("halfway, alpha = 0.1 (step 50)", dict(step=50, learning_rate=0.1, decay_steps=100, alpha=0.1)),
        _Case("end of decay (step 100)", dict(step=100, learning_rate=0.1, decay_steps=100, alpha=0.1)),
        _Case("past the end (step 150)", dict(step=150, learning_rate=0.1, decay_steps=100, alpha=0.1)),
        _Case("array of steps 0, 10, ..., 300", dict(step=np.arange(0, 301, 10), learning_rate=0.5, decay_steps=200, alpha=0.05)),
    ]


def _cos(step, learning_rate, decay_steps, alpha, *, clamp=True, half=True, shift=0, floor="relative", period=np.pi):
    t = np.asarray(step, dtype=float) + shift
    if clamp:
        t = np.minimum(t, decay_steps)
    c = np.cos(period * t / decay_steps)
    cosine = 0.5 * (1 + c) if half else (1 + c)
    if floor == "relative":
        return _sched(learning_rate * ((1 - alpha) * cosine + alpha))
    if floor == "absolute":      # SGDR with η_min = alpha (a rate, not a fraction)
        return _sched(alpha + (learning_rate - alpha) * cosine)
    if floor == "unscaled":      # alpha added without the (1 − alpha) factor
        return _sched(learning_rate * (cosine + alpha))
    return _sched(learning_rate * cosine)  # floor ignored


def _cos_mistake(**kw) -> Callable:
    def variant(step, learning_rate, decay_steps, alpha):
        return _cos(step, learning_rate, decay_steps, alpha, **kw)

    return variant


_COSINE = _Exercise(
    name="cosine_decay",
    args=("step", "learning_rate", "decay_steps", "alpha"),
    outputs=("lr",),
    summary="The cosine-decay schedule of TF1 tf.train.cosine_decay (Keras CosineDecay without warmup).",
    lines=(
        ("clip", "s = min(step, decay_steps)                (constant after the end)"),
        ("cosine", "cosine = 0.5 * (1 + cos(pi * s / decay_steps))"),
        ("lr", "lr = learning_rate * ((1 - alpha) * cosine + alpha)   (alpha is a FRACTION of learning_rate)"),
    ),
    output_lines={"lr": "cosine"},
    notes=("step counts the updates already applied (step 0 gives learning_rate). step may be an "
           "int or an integer numpy array: use np.minimum and np.cos so arrays work."),
    cases=_cosine_cases,
    reference=_cosine_reference,
    mistakes=(
        _Mistake("no_clamp", "no clamp after decay_steps: the rate rises again (PyTorch CosineAnnealingLR is periodic)",
                 "clip", "Clamp the step first: s = np.minimum(step, decay_steps).", _cos_mistake(clamp=False)),
        _Mistake("alpha_absolute", "alpha used as an absolute minimum rate (SGDR's η_min) instead of a fraction",
                 "lr", "TF1's alpha is a fraction: learning_rate * ((1 - alpha) * cosine + alpha).",
                 _cos_mistake(floor="absolute")),
        _Mistake("alpha_unscaled", "alpha added without the (1 − alpha) factor", "lr",
                 "lr = learning_rate * ((1 - alpha) * cosine + alpha): it then ends exactly at alpha * learning_rate.",
                 _cos_mistake(floor="unscaled")),
        _Mistake("alpha_ignored", "alpha is ignored (the rate decays to 0)", "lr",
                 "Include the floor: learning_rate * ((1 - alpha) * cosine + alpha).", _cos_mistake(floor="none")),
        _Mistake("no_half", "the factor 0.5 is missing: (1 + cos) starts at 2", "cosine",
                 "cosine = 0.5 * (1 + cos(pi * s / decay_steps)) runs from 1 to 0.", _cos_mistake(half=False)),
        _Mistake("two_pi", "cos(2π s / T): a full period instead of half", "cosine",
                 "Use pi, not 2 * pi: the cosine goes from 1 to -1 once over decay_steps.",
                 _cos_mistake(period=2 * np.pi)),
        _Mistake("step_plus_1", "decaying from step 1 instead of 0 (uses step + 1)", "clip",
                 "step already counts updates applied: the first update uses step = 0 and lr = learning_rate.",
                 _cos_mistake(shift=1)),
    ),
    needs=("schedules.cosine_decay",),
)


def _warmup_reference(step, learning_rate, warmup_steps, start_lr):
    s = _schedules.warmup(_schedules.constant(learning_rate), warmup_steps, start_lr=start_lr)
    return _sched(s(step))


def _warmup_cases():
    base = dict(learning_rate=0.5, warmup_steps=10, start_lr=0.0)
    return [
        _Case("step 0", dict(step=0, **base)),
        _Case("during warmup (step 3)", dict(step=3, **base)),
        _Case("last warmup step (step 9)", dict(step=9, **base)),
        _Case("end of warmup (step 10)", dict(step=10, **base)),
        _Case("after warmup (step 25)", dict(step=25, **base)),
        _Case("start_lr = 0.1 (step 4)", dict(step=4, learning_rate=0.5, warmup_steps=10, start_lr=0.1)),
        _Case("array of steps 0..30", dict(step=np.arange(31), learning_rate=0.2, warmup_steps=20, start_lr=0.02)),
    ]


def _wu(step, learning_rate, warmup_steps, start_lr, *, num_shift=0, den_shift=0, intdiv=False, clamp=True,
        use_start=True, add_start=False, reverse=False):
    t = np.asarray(step, dtype=float)
    if intdiv:
        frac = np.floor_divide(t + num_shift, warmup_steps + den_shift)
    else:
        frac = (t + num_shift) / (warmup_steps + den_shift)
    s0 = start_lr if use_start else 0.0
    ramp = s0 + learning_rate * frac if add_start else s0 + (learning_rate - s0) * frac
    if not clamp:
        return _sched(ramp)
    cond = t >= warmup_steps if reverse else t < warmup_steps
    return _sched(np.where(cond, ramp, learning_rate))


def _wu_mistake(**kw) -> Callable:
    def variant(step, learning_rate, warmup_steps, start_lr):
        return _wu(step, learning_rate, warmup_steps, start_lr, **kw)

    return variant


_WARMUP_MISTAKES = (
    _Mistake("nanogpt", "the ramp never reaches the peak: lr · (step + 1)/(W + 1) (nanoGPT's warmup)", "ramp",
             "Use step / warmup_steps: the ramp starts at start_lr at step 0 and would reach learning_rate at "
             "step = warmup_steps, so the rate is continuous at the boundary.", _wu_mistake(num_shift=1, den_shift=1)),
    _Mistake("step_plus_1", "off by one: (step + 1)/W reaches the peak one step early", "ramp",
             "step counts updates already applied: the first update uses step = 0 and gets start_lr.",
             _wu_mistake(num_shift=1)),
    _Mistake("int_division", "integer division step // W: the rate is 0 during the whole warmup", "ramp",
             "Use true division, step / warmup_steps.", _wu_mistake(intdiv=True)),
    _Mistake("no_clamp", "the ramp never stops: the rate keeps growing past the peak", "after",
             "After warmup_steps the rate stays at learning_rate (np.where(step < warmup_steps, ramp, learning_rate)).",
             _wu_mistake(clamp=False)),
    _Mistake("w_minus_1", "divides by W − 1: the ramp reaches the peak at step W − 1", "ramp",
             "Divide by warmup_steps.", _wu_mistake(den_shift=-1)),
    _Mistake("reversed", "the condition is reversed: the peak during warmup, the ramp after", "after",
             "Ramp while step < warmup_steps, then hold learning_rate.", _wu_mistake(reverse=True)),
)


_LINEAR_WARMUP = _Exercise(
    name="linear_warmup",
    args=("step", "learning_rate", "warmup_steps", "start_lr"),
    outputs=("lr",),
    summary="A linear warmup from start_lr to learning_rate, then constant (Goyal et al. 2017).",
    lines=(
        ("ramp", "while step < warmup_steps: lr = start_lr + (learning_rate - start_lr) * step / warmup_steps"),
        ("after", "from step = warmup_steps on: lr = learning_rate"),
    ),
    output_lines={"lr": "ramp"},
    notes=("step counts updates already applied: the first update uses step = 0 and gets "
           "start_lr. step may be an int or an integer numpy array (use np.where). This is "
           "lrlessons.schedules.warmup(constant(learning_rate), warmup_steps, start_lr)."),
    cases=_warmup_cases,
    reference=_warmup_reference,
    mistakes=_WARMUP_MISTAKES + (
        _Mistake("ignores_start", "start_lr is ignored (the ramp starts at 0)", "ramp",
                 "Start the ramp at start_lr: start_lr + (learning_rate - start_lr) * step / warmup_steps.",
                 _wu_mistake(use_start=False)),
        _Mistake("overshoots", "start_lr + learning_rate · step/W: the ramp ends at start_lr + learning_rate", "ramp",
                 "Interpolate: start_lr + (learning_rate - start_lr) * step / warmup_steps.",
                 _wu_mistake(add_start=True)),
    ),
    needs=("schedules.warmup", "schedules.constant"),
)


def _article_reference(step):
    return _sched(_schedules.warmup(_schedules.constant(0.01), warmup_steps=1000)(step))


def _article_cases():
    return [
        _Case("step 0", dict(step=0)),
        _Case("step 1", dict(step=1)),
        _Case("step 500", dict(step=500)),
        _Case("step 999", dict(step=999)),
        _Case("step 1000", dict(step=1000)),
        _Case("step 5000", dict(step=5000)),
        _Case("array of steps 0, 100, ..., 2000", dict(step=np.arange(0, 2001, 100))),
    ]


def _article_mistake(m: _Mistake) -> _Mistake:
    def variant(step):
        return m.compute(step, 0.01, 1000, 0.0)

    hint = m.hint.replace("warmup_steps", "1000").replace("learning_rate", "0.01").replace("start_lr", "0")
    return _Mistake(m.key, m.title.replace("W", "1000"), m.line, hint, variant)


def _mistake_article_peak(step):
    return _wu(step, 0.1, 1000, 0.0)


_ARTICLE = _Exercise(
    name="article_warmup",
    args=("step",),
    outputs=("lr",),
    summary="The seed article's TF1 warmup: lr = step / 1000 * 0.01 while step < 1000 (tf.cond), then 0.01.",
    lines=(
        ("ramp", "while step < 1000: lr = step / 1000 * 0.01"),
        ("after", "from step 1000 on: lr = 0.01"),
    ),
    output_lines={"lr": "ramp"},
    notes=("step is TF1's global_step, the number of updates already applied (the first update "
           "uses step = 0). step may be an int or an integer numpy array (use np.where)."),
    cases=_article_cases,
    reference=_article_reference,
    mistakes=tuple(_article_mistake(m) for m in _WARMUP_MISTAKES) + (
        _Mistake("wrong_peak", "the peak is 0.1 instead of the article's 0.01", "after",
                 "The article warms up to 0.01: step / 1000 * 0.01.", _mistake_article_peak),
    ),
    needs=("schedules.warmup", "schedules.constant"),
)


_EXERCISES = {e.name: e for e in (
    _GD, _MOMENTUM, _NESTEROV, _ADAGRAD, _RMSPROP, _TF_RMSPROP, _ADAM, _ADAMW,
    _EXPDECAY, _COSINE, _LINEAR_WARMUP, _ARTICLE,
)}


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------
def available() -> tuple:
    """The names of the exercises, in lesson order.

    >>> available()[:3]
    ('gd_step', 'momentum_step', 'nesterov_step')
    """
    return tuple(_EXERCISES)


def _get(name: str) -> _Exercise:
    check_choice("exercises.check", "name", name, _EXERCISES)
    return _EXERCISES[name]


def _latex(ex: _Exercise) -> dict:
    return ex.latex_source() if ex.latex_source is not None else {}


def describe(name: str) -> Description:
    """The signature to implement, the equations line by line, and the conventions.

    >>> print(describe("article_warmup"))
    article_warmup(step) -> lr
    The seed article's TF1 warmup: lr = step / 1000 * 0.01 while step < 1000 (tf.cond), then 0.01.
    <BLANKLINE>
      while step < 1000: lr = step / 1000 * 0.01
      from step 1000 on: lr = 0.01
    <BLANKLINE>
    step is TF1's global_step, the number of updates already applied (the first update uses step = 0). step may be an int or an integer numpy array (use np.where).
    """
    ex = _get(name)
    body = [ex.signature, ex.summary, ""] + [f"  {text}" for _, text in ex.lines] + ["", ex.notes]
    missing = _missing(ex.needs)
    if missing:
        body += ["", f"(The checker needs {', '.join(missing)}, which this version of lrlessons does not have yet.)"]
    tex = _latex(ex)
    return Description(ex.name, ex.signature, "\n".join(body), tuple(tex[k] for k, _ in ex.lines if k in tex))


# -- running one function on the cases --------------------------------------------------
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _fmt(x: Any) -> str:
    a = np.asarray(x)
    if a.ndim == 0:
        return f"{a.item():.6g}" if np.issubdtype(a.dtype, np.number) else repr(a.item())
    flat = a.ravel()
    shown = ", ".join(f"{v:.6g}" for v in flat[:4])
    more = ", ..." if flat.size > 4 else ""
    shape = f" (shape {a.shape})" if a.ndim > 1 or flat.size > 4 else ""
    return f"[{shown}{more}]{shape}"


def _copy_args(args: dict) -> dict:
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in args.items()}


def _close(a: np.ndarray, b: np.ndarray, float32: bool) -> bool:
    if a.shape != b.shape:
        return False
    rtol = 2e-4 if float32 else 1e-6
    scale = float(np.max(np.abs(b))) if b.size and np.all(np.isfinite(b)) else 0.0
    atol = rtol * 1e-3 * scale + (1e-30 if not float32 else 1e-12)
    with np.errstate(all="ignore"):
        return bool(np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True))


@dataclass
class _Run:
    case: _Case
    expected: tuple
    received: tuple | None = None
    error: str = ""          # why the call gave no usable output
    kind: str = ""           # "stub", "none", "error", "bad_output"
    mutated: tuple = ()
    differs: tuple = ()      # output names that differ from the reference
    dtype_note: str = ""

    @property
    def usable(self) -> bool:
        return self.received is not None


def _normalize(ex: _Exercise, out: Any, expected: tuple) -> tuple[tuple | None, str, str]:
    n = len(ex.outputs)
    names = ", ".join(ex.outputs)
    if out is None:
        return None, "none", f"returned None: did you forget `return {names}`?"
    if n == 1:
        if isinstance(out, (tuple, list)) and len(out) == 1 and not np.isscalar(out[0]) and np.ndim(out[0]) == np.ndim(expected[0]):
            out = out[0]
        values = (out,)
    else:
        if not isinstance(out, (tuple, list)):
            return None, "bad_output", f"returned one {type(out).__name__}, but it must return {n} values: ({names})"
        if len(out) != n:
            return None, "bad_output", f"returned {len(out)} values, but it must return {n}: ({names})"
        values = tuple(out)
    arrays = []
    for name, value, exp in zip(ex.outputs, values, expected):
        if value is None:
            return None, "none", f"returned None for {name!r}"
        try:
            arr = np.asarray(value)
        except Exception:
            arr = np.asarray(None)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            return None, "bad_output", f"{name!r} is a {type(value).__name__}, not a number or numeric array"
        if arr.shape != exp.shape:
            return None, "bad_output", f"{name!r} has shape {arr.shape}, but it must have shape {exp.shape}"
        arrays.append(arr)
    return tuple(arrays), "", ""


def _run_case(ex: _Exercise, fn: Callable, case: _Case) -> _Run:
    expected = tuple(np.asarray(e) for e in _quiet(ex.reference, **_copy_args(case.args)))
    run = _Run(case, expected)
    given = _copy_args(case.args)
    positional = [given[a] for a in ex.args]
    try:
        out = _quiet(fn, *positional)
    except NotImplementedError:
        run.kind, run.error = "stub", "raises NotImplementedError"
        return run
    except Exception as exc:  # the student's bug, reported, never raised
        run.kind = "error"
        run.error = _ADDRESS.sub(" at 0x...", f"raised {type(exc).__name__}: {exc}")
        if isinstance(exc, TypeError) and "positional argument" in str(exc):
            run.error += f" (the signature must be {ex.signature})"
        return run
    run.mutated = tuple(
        a for a in ex.array_inputs
        if isinstance(case.args[a], np.ndarray) and not np.array_equal(given[a], case.args[a], equal_nan=True)
    )
    received, kind, error = _normalize(ex, out, expected)
    if received is None:
        run.kind, run.error = kind, error
        return run
    run.received = received
    run.differs = tuple(n for n, r, e in zip(ex.outputs, received, expected) if not _close(r, e, case.float32))
    if case.float32 and not run.differs:
        wrong = [n for n, r in zip(ex.outputs, received) if r.dtype != np.float32]
        if wrong:
            run.dtype_note = (f"{', '.join(wrong)} came back as {received[ex.outputs.index(wrong[0])].dtype} for "
                              f"float32 inputs: keep the input dtype (avoid np.float64 constants or dtype=float)")
    return run


def _case_result(ex: _Exercise, run: _Run) -> CaseResult:
    notes = []
    if run.error:
        notes.append(run.error)
    if run.differs:
        notes.append(" and ".join(run.differs) + (" differ" if len(run.differs) > 1 else " differs"))
    if run.dtype_note:
        notes.append(run.dtype_note)
    if run.mutated:
        notes.append("modified " + ", ".join(run.mutated) + " in place")
    passed = run.usable and not run.differs and not run.mutated and not run.dtype_note
    return CaseResult(run.case.name, bool(passed), "; ".join(notes))


def _mistake_matches(ex: _Exercise, m: _Mistake, runs: list[_Run]) -> bool:
    """True when ``m``'s outputs equal the student's on every case with usable output."""
    usable = [r for r in runs if r.usable]
    if not usable or not any(r.differs for r in usable):
        return False
    for r in usable:
        try:
            got = tuple(np.asarray(o) for o in _quiet(m.compute, **_copy_args(r.case.args)))
        except Exception:  # pragma: no cover - a variant that cannot run this case
            return False
        if not all(_close(rec, g, r.case.float32) for rec, g in zip(r.received, got)):
            return False
    return True


def _line_text(ex: _Exercise, key: str) -> str:
    return dict(ex.lines).get(key, key)


def _numbers(ex: _Exercise, run: _Run, prefer: str | None = None) -> str:
    names = list(run.differs)
    if prefer in names:
        names.remove(prefer)
        names.insert(0, prefer)
    name = names[0]
    i = ex.outputs.index(name)
    args = ", ".join(f"{k}={_fmt(v)}" for k, v in run.case.args.items() if not isinstance(v, np.ndarray) or v.ndim == 0)
    return (f"In case '{run.case.name}'" + (f" ({args})" if args else "") + f", {name}:\n"
            f"    expected {_fmt(run.expected[i])}\n    received {_fmt(run.received[i])}")


def _explain(ex: _Exercise, runs: list[_Run]) -> tuple[str, str | None, str]:
    """The message, the mistake key and the LaTeX of the line that differs."""
    name = ex.name
    failing = [r for r in runs if r.kind or r.differs or r.mutated or r.dtype_note]
    if not failing:
        return f"{name}: all {len(runs)} cases pass.", None, ""
    latex = _latex(ex)
    guide = f"exercises.describe({name!r}) shows the signature and equations"

    stub = next((r for r in runs if r.kind == "stub"), None)
    if stub is not None:
        return (f"{name} is not implemented yet: it raises NotImplementedError. Replace the `raise` "
                f"line with your code ({guide}).", "stub", "")
    broken = [r for r in runs if r.kind]
    if broken and all(r.kind == "none" for r in broken) and len(broken) == len(runs):
        return (f"{name} {broken[0].error} It must return {', '.join(ex.outputs)} "
                f"({ex.signature}).", "stub", "")
    lines = []
    key: str | None = None
    eq = ""
    n_fail = len(failing)
    lines.append(f"{name}: {n_fail} of {len(runs)} cases fail.")
    if broken:
        r = broken[0]
        lines.append(f"In case '{r.case.name}': {r.error}.")
        key = "error" if r.kind == "error" else ("bad_output" if r.kind == "bad_output" else "stub")
        arrays_only = all(np.ndim(b.case.args.get("step", 0)) > 0 for b in broken)
        if "step" in ex.args and arrays_only and any(not b.kind for b in runs):
            key = "not_vectorized"
            lines.append("It works for a single step but not for an array of steps: use numpy functions "
                         "(np.floor, np.minimum, np.where, np.cos) instead of math.floor, min(), math.cos "
                         "or an `if` on step.")
    wrong = [r for r in runs if r.differs]
    if wrong:
        match = next((m for m in ex.mistakes if _mistake_matches(ex, m, runs)), None)
        if match is not None:
            key = match.key
            eq = latex.get(match.line, "")
            lines.append(f"Likely mistake: {match.title}.")
            lines.append(f"The line that differs: {_line_text(ex, match.line)}")
            lines.append(f"Hint: {match.hint}")
            prefer = next((o for o, k in ex.output_lines.items() if k == match.line), None)
            lines.append(_numbers(ex, wrong[0], prefer))
        else:
            outs = [o for o in ex.outputs if any(o in r.differs for r in wrong)]
            first = outs[0]
            # blame the earliest equation line among the differing outputs
            order = [k for k, _ in ex.lines]
            blamed = sorted({ex.output_lines[o] for o in outs}, key=order.index)
            line_key = blamed[0]
            eq = latex.get(line_key, "")
            ok_outs = [o for o in ex.outputs if o not in outs]
            lines.append(f"{', '.join(outs)} {'differ' if len(outs) > 1 else 'differs'} from the reference"
                         + (f" ({', '.join(ok_outs)} {'are' if len(ok_outs) > 1 else 'is'} right)" if ok_outs else "")
                         + ". Not one of the usual mistakes; check this line first:")
            lines.append(f"    {_line_text(ex, line_key)}")
            if first == ex.outputs[0] and len(ex.lines) > 2 and ok_outs:
                lines.append("    (or the lines between the moments and the update: "
                             + "; ".join(t for k, t in ex.lines if k not in ex.output_lines.values()) + ")")
            lines.append(_numbers(ex, wrong[0]))
    mutated = sorted({a for r in runs for a in r.mutated}, key=list(ex.array_inputs).index)
    if mutated:
        if key is None:
            key = "mutates_inputs"
        names = ", ".join(mutated)
        lines.append(f"It modifies its input {names} in place (e.g. `{mutated[0]} -= ...` or `{mutated[0]} *= ...`). "
                     f"The caller's arrays must stay unchanged: write `{mutated[0]} = {mutated[0]} - ...` to make a new array.")
    dtype = next((r.dtype_note for r in runs if r.dtype_note), "")
    if dtype:
        key = key or "dtype"
        lines.append(f"In the float32 case {dtype}.")
    return "\n".join(lines), key, eq


def check(name: str, fn: Callable) -> CheckResult:
    """Run ``fn`` on the exercise's cases and explain what, if anything, is wrong.

    Parameters
    ----------
    name : str
        One of :func:`available` (``"adam_step"``, ``"exponential_decay"``, ...).
    fn : callable
        The student's function, with the signature :func:`describe` states. It is called
        with positional arguments, so parameter names may differ.

    Returns
    -------
    CheckResult
        ``.passed``, ``.message``, ``.cases``, ``.mistake``. Never raises because of ``fn``;
        an unknown ``name`` raises ``ValueError`` naming the closest exercise.

    >>> def wrong(step, learning_rate, decay_steps, decay_rate, staircase):
    ...     p = step / decay_steps
    ...     return learning_rate * decay_rate ** (np.round(p) if staircase else p)
    >>> r = check("exponential_decay", wrong)
    >>> r.passed, r.mistake
    (False, 'round')
    """
    ex = _get(name)
    if not callable(fn):
        return CheckResult(name, False, f"{name}: expected a function with the signature {ex.signature}. "
                                        f"Got {type(fn).__name__} instead.", (), "bad_output", "")
    missing = _missing(ex.needs)
    if missing:
        return CheckResult(name, False, f"{name}: this checker needs {', '.join(missing)}, which this version "
                                        f"of lrlessons does not have yet, so your function was not checked.",
                           (), "unavailable", "")
    runs = [_run_case(ex, fn, case) for case in ex.cases()]
    message, mistake, eq = _explain(ex, runs)
    cases = tuple(_case_result(ex, r) for r in runs)
    passed = all(c.passed for c in cases)
    if passed:
        mistake, eq = None, ""
    return CheckResult(name, passed, message, cases, mistake, eq)


def _make_shortcut(name: str) -> Callable:
    def shortcut(fn: Callable) -> CheckResult:
        return check(name, fn)

    shortcut.__name__ = shortcut.__qualname__ = f"check_{name}"
    shortcut.__doc__ = f"``check({name!r}, fn)``: see :func:`check` and ``describe({name!r})``."
    return shortcut


for _name in _EXERCISES:
    globals()[f"check_{_name}"] = _make_shortcut(_name)
    __all__.append(f"check_{_name}")
del _name
