"""optax's gradient clipping and ``chain`` (optax 0.2.x ``optax/transforms/_clipping.py``, ``_combining.py``).

In optax every optimizer is a chain of gradient transformations, and
``optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-3))`` puts a clipping step in front
of Adam. lrlessons reproduces the chains that clip the gradient and then run one optimizer:
:func:`clip_by_global_norm` and :func:`clip` return a :class:`GradientClip` (what to do to the
gradient), and :func:`chain` applies one clip before the optimizer given last, with
the core wrappers :func:`~lrlessons.optimizers.clip_by_global_norm` (``form="threshold"``:
optax's ``u`` if ``‖u‖ < c`` else ``(u/‖u‖)·c``) and :func:`~lrlessons.optimizers.clip_by_value`.
The result is an ordinary :class:`~lrlessons.optimizers.base.Optimizer` named ``optax.chain``.

Other orders (a transformation after the optimizer, which in optax would act on the already
scaled update) are refused. optax's global norm is over every leaf of the parameter tree; lrlessons
has one parameter per run (the norm of each run of a batched run).

>>> from lrlessons.frameworks.optax import adam
>>> opt = chain(clip_by_global_norm(1.0), adam(1e-3))
>>> opt.name, [field for field, _ in opt.equations][:2]
('optax.chain', ['grad_norm', 'clipped'])
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from ..._checks import check_interval
from ...optimizers import clip_by_global_norm as _clip_by_global_norm, clip_by_value as _clip_by_value
from ...optimizers.base import Optimizer

__all__ = ["chain", "clip_by_global_norm", "clip", "GradientClip"]


class GradientClip(NamedTuple):
    """A gradient clipping step of an optax chain: ``kind`` (``"clip_by_global_norm"`` or ``"clip"``) and its bound."""

    kind: str
    value: Any

    def apply(self, optimizer: Optimizer) -> Optimizer:
        """``optimizer`` with this clipping in front of it (optax's rounding)."""
        if self.kind == "clip_by_global_norm":
            return _clip_by_global_norm(optimizer, self.value, form="threshold")
        return _clip_by_value(optimizer, self.value)


def clip_by_global_norm(max_norm: Any) -> GradientClip:
    """``optax.clip_by_global_norm``: ``u`` unchanged if ``‖u‖ < max_norm``, else ``(u / ‖u‖)·max_norm``.

    >>> clip_by_global_norm(1.0)
    GradientClip(kind='clip_by_global_norm', value=1.0)
    """
    check_interval("optax.clip_by_global_norm", "max_norm", max_norm, 0, None, "neither")
    return GradientClip("clip_by_global_norm", max_norm)


def clip(max_delta: Any) -> GradientClip:
    """``optax.clip``: every coordinate of ``u`` into ``[-max_delta, max_delta]``.

    >>> clip(0.5)
    GradientClip(kind='clip', value=0.5)
    """
    check_interval("optax.clip", "max_delta", max_delta, 0, None, "neither")
    return GradientClip("clip", max_delta)


def chain(*args: Any) -> Optimizer:
    """``optax.chain``: a clip, then the optimizer given last (``optax.adam(...)`` etc.).

    >>> from lrlessons.frameworks.optax import sgd
    >>> chain(clip(1.0), sgd(0.1)).name
    'optax.chain'
    """
    if not args or not isinstance(args[-1], Optimizer):
        raise TypeError("The last argument of optax.chain must be an optimizer such as optax.adam(1e-3) "
                        "(lrlessons reproduces chains of gradient clips followed by one optimizer). "
                        f"Got {args[-1] if args else 'nothing'!r} instead.")
    for i, t in enumerate(args[:-1]):
        if not isinstance(t, GradientClip):
            raise TypeError(f"Argument {i} of optax.chain must be optax.clip_by_global_norm(...) or optax.clip(...) "
                            f"(a transformation after an optimizer would act on its scaled update, which lrlessons "
                            f"does not reproduce). Got {t!r} instead.")
    if len(args) > 2:
        raise ValueError(f"optax.chain here takes one clip before the optimizer (each wrapper traces its own "
                         f"'clipped' line). Got {len(args) - 1}: {args[:-1]!r}.")
    optimizer = args[-1]
    for t in args[:-1]:
        optimizer = t.apply(optimizer)
    return replace(optimizer, name="optax.chain")
