r"""Gradient clipping: any optimizer, with its gradient clipped first (Pascanu et al. 2013).

A wrapper, not an optimizer of its own: :func:`clip_by_global_norm` and :func:`clip_by_value`
take an :class:`~lrlessons.optimizers.base.Optimizer` and return one that clips the gradient
:math:`g_t` and then runs the wrapped optimizer's **whole** update on the clipped gradient,
weight decay included (PyTorch's ``clip_grad_norm_`` before ``optimizer.step()``, Keras's
``clipnorm`` / ``global_clipnorm`` / ``clipvalue``, optax's ``chain(clip_by_global_norm(c), ...)``).
The clipping is visible: its lines come first in ``opt.equations`` and in the trace, then the
wrapped optimizer's lines, unchanged.

Let :math:`c` be ``max_norm`` and :math:`n_t = \|g_t\|_2` the norm of the whole parameter. Two
frameworks write the same scaling three ways (optax one, Keras two); the results agree
mathematically and differ in the last bit (``form``):

* ``"threshold"`` (optax ``clip_by_global_norm``): :math:`g_t` unchanged if :math:`n_t < c`,
  else :math:`(g_t / n_t)\, c`;
* ``"min"`` (Keras ``global_clipnorm``): :math:`g_t \cdot (c \min(1/n_t, 1/c))`;
* ``"max"`` (Keras ``clipnorm``, per variable): :math:`(g_t\, c) / \max(n_t, c)`.

With one variable, Keras's ``clipnorm`` and ``global_clipnorm`` therefore compute the same
number in two roundings: :math:`(g c)/c` and :math:`g (c \cdot (1/c))` are not always exactly
:math:`g`, and :math:`(g c)/n` is not always :math:`g (c (1/n))` (about a third of the elements of
a random gradient differ by one unit in the last place).

**One parameter.** The norm is taken over one run's parameter (``lrlessons._batch.run_axes``): the
whole ``theta`` when no hyperparameter is batched, each ``theta[i]`` of a batched run (a ``(B,)``
hyperparameter of the wrapper or of the wrapped optimizer), so a batched run equals B separate
runs. The frameworks have no run axis: they would take one norm over all of a ``(B, ...)`` tensor.

>>> from lrlessons.optimizers import sgd
>>> opt = clip_by_global_norm(sgd(lr=0.1), max_norm=1.0)
>>> theta, state, tr = opt.step(np.array([0.0, 0.0]), np.array([3.0, 4.0]), opt.init(np.zeros(2)))
>>> print(tr.grad_norm, np.round(tr.clipped, 6), np.round(theta, 6))
5.0 [0.6 0.8] [-0.06 -0.08]
>>> [field for field, _ in opt.equations]
['grad_norm', 'clipped', 'delta']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._batch import batch_shape, run_axes
from .._checks import check_choice, check_interval, suggest_keywords
from .base import Optimizer, Update, trace_type

__all__ = ["clip_by_global_norm", "clip_by_value", "clip_norm_threshold", "clip_norm_min", "clip_norm_max",
           "clip_values", "THRESHOLD", "MIN", "MAX", "VALUE"]


# (trace field, LaTeX) of the clipping lines, one tuple per form; the wrapped optimizer's lines follow.
NORM = ("grad_norm", r"n_t = \|g_t\|_2")
THRESHOLD = (NORM, ("clipped", r"g_t \leftarrow \begin{cases} g_t & n_t < c \\ (g_t / n_t)\, c & n_t \ge c \end{cases}"))
MIN = (NORM, ("clipped", r"g_t \leftarrow g_t \cdot \bigl(c \min(1/n_t,\ 1/c)\bigr)"))
MAX = (NORM, ("clipped", r"g_t \leftarrow (g_t\, c) / \max(n_t,\ c)"))
VALUE = (("clipped", r"g_t \leftarrow \min(\max(g_t, -v),\ v)"),)


def global_norm(grad, axes):
    """:math:`n_t = \\|g_t\\|_2` over one run's parameter (``axes``): a number, or ``(B, 1, ..., 1)`` per run."""
    return np.sqrt(np.sum(grad * grad, axis=axes, keepdims=len(axes) < np.ndim(grad)))


def clip_norm_threshold(grad, max_norm, axes):
    """optax ``clip_by_global_norm``: unchanged below the threshold, else rescaled to norm c."""
    n = global_norm(grad, axes)                                  # n_t = ‖g_t‖₂
    with np.errstate(divide="ignore", invalid="ignore"):         # (n_t = 0 keeps g_t: never used)
        g = np.where(n < max_norm, grad, (grad / n) * max_norm)  # g_t if n_t < c else (g_t/n_t)·c
    return n, g


def clip_norm_min(grad, max_norm, axes):
    """Keras ``global_clipnorm`` (``clip_by_global_norm`` in ``base_optimizer.py``)."""
    n = global_norm(grad, axes)                                  # n_t = ‖g_t‖₂
    with np.errstate(divide="ignore"):                           # (1/0 = inf: min picks 1/c)
        g = grad * (max_norm * np.minimum(1 / n, 1 / max_norm))  # g_t · (c·min(1/n_t, 1/c))
    return n, g


def clip_norm_max(grad, max_norm, axes):
    """Keras ``clipnorm`` (``_clip_by_norm`` in ``base_optimizer.py``), one variable at a time."""
    n = global_norm(grad, axes)                                  # n_t = ‖g_t‖₂
    g = (grad * max_norm) / np.maximum(n, max_norm)              # (g_t·c) / max(n_t, c)
    return n, g


def clip_values(grad, clip_value):
    """Every coordinate into :math:`[-v, v]` (optax ``clip``, Keras ``clipvalue``, torch ``clip_grad_value_``)."""
    return np.minimum(np.maximum(grad, -clip_value), clip_value)  # min(max(g_t, −v), v)


_FORMS = {"threshold": (clip_norm_threshold, THRESHOLD), "min": (clip_norm_min, MIN), "max": (clip_norm_max, MAX)}


def _runs(optimizer: Optimizer) -> tuple:
    """A ``(B,)`` stand-in when the wrapped optimizer is batched (for ``run_axes``), else nothing."""
    values = []
    for value in optimizer.hyperparameters.values():
        if isinstance(value, Optimizer):
            values.extend(_runs(value))
        elif callable(value):
            values.append(np.empty(getattr(value, "batch_shape", ())))
        elif not (value is None or isinstance(value, (bool, np.bool_, str))):
            values.append(value)
    shape = batch_shape(*values)
    return (np.empty(shape),) if shape else ()


def _per_run(lr: Any) -> Any:
    """The learning rate the wrapper received, as the wrapped optimizer's ``step`` takes it: ``(B,)``, not padded."""
    if np.ndim(lr) == 0:
        return lr
    return np.reshape(lr, (np.shape(lr)[0], -1))[:, 0]


def _wrapped(owner: str, optimizer: Any, lines: tuple) -> tuple:
    """Check ``optimizer`` and return (equations, Trace type, batched stand-in) of the wrapper."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"The 'optimizer' parameter of {owner} must be an Optimizer such as "
                        f"optimizers.adam(lr=0.01). Got {optimizer!r} instead.")
    equations = (*lines, *optimizer.equations)
    fields = [field for field, _ in equations]
    if len(set(fields)) != len(fields):
        raise ValueError(f"The 'optimizer' parameter of {owner} is already clipped ({optimizer.name}): "
                         f"clip the gradient once. Its trace fields are {fields[len(lines):]}.")
    return equations, trace_type(tuple(fields)), _runs(optimizer)


def _joined(traced: type, inner: tuple, *clip_fields: Any) -> tuple:
    """The clipping lines' values, then the wrapped update's trace.

    ``traced`` follows ``optimizer.equations``; an optimizer that routes a parameter to another
    update by its shape (``keras.Muon`` on a vector) returns that update's trace instead, whose
    fields are then kept as they are.
    """
    if inner._fields == traced._fields[len(clip_fields):]:
        return traced(*clip_fields, *inner)
    return trace_type(traced._fields[:len(clip_fields)] + inner._fields)(*clip_fields, *inner)


@suggest_keywords
def clip_by_global_norm(optimizer: Optimizer, max_norm: Any, form: str = "threshold") -> Optimizer:
    r"""``optimizer`` with its gradient rescaled to norm at most ``max_norm`` first.

    Let :math:`c` be ``max_norm`` and :math:`n_t = \|g_t\|_2` the norm of one run's whole gradient.

    .. math::
        g_t \leftarrow g_t \min\!\left(1, \frac{c}{n_t}\right), \quad\text{then the wrapped update on } g_t

    Parameters
    ----------
    optimizer : Optimizer
        Any optimizer (core or framework); its update, weight decay included, runs on the
        clipped gradient. Its learning rate is the wrapper's ``lr``.
    max_norm : float or (B,) array in (0, inf)
        :math:`c`.
    form : {'threshold', 'min', 'max'}
        How the scaling is rounded, each a framework's: ``'threshold'`` (optax
        ``clip_by_global_norm``): :math:`g_t` if :math:`n_t < c`, else :math:`(g_t/n_t)\,c`;
        ``'min'`` (Keras ``global_clipnorm``): :math:`g_t\,(c\min(1/n_t, 1/c))`; ``'max'`` (Keras
        ``clipnorm``): :math:`(g_t c)/\max(n_t, c)`. Equal in exact arithmetic.

    Returns
    -------
    Optimizer
        Named ``clip_by_global_norm(<name>)``; its ``equations`` are the norm line, the clipping
        line, then ``optimizer.equations``; its state is ``optimizer``'s.

    Notes
    -----
    PyTorch's ``torch.nn.utils.clip_grad_norm_`` scales by :math:`\min(1, c/(n_t + 10^{-6}))`
    (a different number, not reproduced here). Keras adds :math:`n_t - n_t` to the scale so
    that an infinite norm gives NaN; lrlessons refuses a non-finite gradient before any update.
    The norm is per run (see the module docstring); the frameworks take it over every
    variable they update.

    References
    ----------
    R. Pascanu, T. Mikolov, Y. Bengio (2013). On the difficulty of training recurrent neural
    networks. *ICML*, arXiv:1211.5063, Algorithm 1. optax ``optax/transforms/_clipping.py``
    (``clip_by_global_norm``); keras-team/keras ``keras/src/optimizers/base_optimizer.py``
    (``_clip_by_norm``, ``clip_by_global_norm``).

    Examples
    --------
    >>> from lrlessons.optimizers import adam
    >>> opt = clip_by_global_norm(adam(lr=0.1, weight_decay=0.01), max_norm=1.0)
    >>> opt.name, [field for field, _ in opt.equations][:3]
    ('clip_by_global_norm(adam)', ['grad_norm', 'clipped', 'g'])
    """
    check_choice("clip_by_global_norm", "form", form, tuple(_FORMS))
    check_interval("clip_by_global_norm", "max_norm", max_norm, 0, None, "neither")
    clip, lines = _FORMS[form]
    equations, traced, runs = _wrapped("clip_by_global_norm", optimizer, lines)

    def update(theta, grad, state, lr, max_norm):
        n, g = clip(grad, max_norm, run_axes(theta, lr, max_norm, *runs))
        theta, state, tr = optimizer.step(theta, g, state, lr=_per_run(lr))
        return theta, state, _joined(traced, tr, n, g)

    hp = dict(optimizer=optimizer, lr=optimizer.hyperparameters["lr"], max_norm=max_norm, form=form)
    return Optimizer(f"clip_by_global_norm({optimizer.name})", hp, Update(update, equations, ("max_norm",), (clip, *optimizer.parts)),
                     optimizer.init)


@suggest_keywords
def clip_by_value(optimizer: Optimizer, clip_value: Any) -> Optimizer:
    r"""``optimizer`` with every coordinate of its gradient clipped to :math:`[-v, v]` first.

    Let :math:`v` be ``clip_value``.

    .. math::
        g_t \leftarrow \min(\max(g_t, -v), v), \quad\text{then the wrapped update on } g_t

    Unlike norm clipping this changes the gradient's direction.

    Parameters
    ----------
    optimizer : Optimizer
        Any optimizer; its update, weight decay included, runs on the clipped gradient.
    clip_value : float or (B,) array in (0, inf)
        :math:`v`.

    Returns
    -------
    Optimizer
        Named ``clip_by_value(<name>)``; its ``equations`` are the clipping line, then
        ``optimizer.equations``.

    Notes
    -----
    optax ``clip(max_delta)``, Keras ``clipvalue`` and PyTorch
    ``torch.nn.utils.clip_grad_value_`` compute the same numbers (a clip is exact).

    References
    ----------
    optax ``optax/transforms/_clipping.py`` (``clip``); keras-team/keras
    ``keras/src/optimizers/base_optimizer.py`` (``_clip_gradients``); pytorch/pytorch
    ``torch/nn/utils/clip_grad.py`` (``clip_grad_value_``).

    Examples
    --------
    >>> from lrlessons.optimizers import sgd
    >>> opt = clip_by_value(sgd(lr=1.0), clip_value=0.5)
    >>> theta, state, tr = opt.step(np.array([0.0, 0.0]), np.array([3.0, -0.25]), opt.init(np.zeros(2)))
    >>> tr.clipped.tolist(), theta.tolist()
    ([0.5, -0.25], [-0.5, 0.25])
    """
    check_interval("clip_by_value", "clip_value", clip_value, 0, None, "neither")
    equations, traced, _ = _wrapped("clip_by_value", optimizer, VALUE)

    def update(theta, grad, state, lr, clip_value):
        g = clip_values(grad, clip_value)
        theta, state, tr = optimizer.step(theta, g, state, lr=_per_run(lr))
        return theta, state, _joined(traced, tr, g)

    hp = dict(optimizer=optimizer, lr=optimizer.hyperparameters["lr"], clip_value=clip_value)
    return Optimizer(f"clip_by_value({optimizer.name})", hp, Update(update, equations, ("clip_value",), (clip_values, *optimizer.parts)),
                     optimizer.init)
