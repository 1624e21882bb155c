r"""The TF Object Detection API's learning-rate builder, ``create_learning_rate(config)``.

The article this project began from frames every learning-rate strategy around
``_create_learning_rate()``, the function in TensorFlow's Object Detection API
(tensorflow/models ``research/object_detection/builders/optimizer_builder.py``) that turns the
``learning_rate { ... }`` block of a ``pipeline.config`` into a schedule. This module
reproduces it with the same config kinds, field names, proto defaults
(``protos/optimizer.proto``) and the current (TF2-era) formulas of
``utils/learning_schedules.py`` (as in tensorflow/models@417e1f5, whose
``utils/learning_schedules_test.py`` values the tests reproduce).

The four kinds and the core schedules they become:

=================================== ===============================================================
``constant_learning_rate``          :func:`~lrlessons.schedules.constant`
``exponential_decay_learning_rate`` burn-in then staircase decay on a clock shifted by
                                    ``burnin_steps``, floored at ``min_learning_rate``
                                    (:func:`~lrlessons.schedules.join`, :func:`~lrlessons.schedules.clip`)
``manual_step_learning_rate``       :func:`~lrlessons.schedules.piecewise_constant` changing **at**
                                    each ``step`` (optionally a linear warmup to the first one)
``cosine_decay_learning_rate``      warmup, hold, cosine to 0 at ``total_steps``, then 0
=================================== ===============================================================

The config may be a dict, a JSON string, a path to a JSON or text file, or the protobuf
text-format block pasted from a ``pipeline.config`` (parsed by
:func:`~lrlessons.frameworks.od_api.text_format.parse_text_format`; nothing is ever evaluated). Beware the proto defaults: a cosine config that sets only
``learning_rate_base`` and ``total_steps`` still warms up for 10000 steps from 2e-4.

>>> lr = create_learning_rate('''
... learning_rate: {
...   cosine_decay_learning_rate {
...     learning_rate_base: .04
...     total_steps: 25000
...     warmup_learning_rate: .013333
...     warmup_steps: 2000
...   }
... }''')
>>> lr
CosineDecayLearningRate(learning_rate_base=0.04, total_steps=25000, warmup_learning_rate=0.013333, warmup_steps=2000, hold_base_rate_steps=0)
>>> [f"{float(v):.6f}" for v in lr([0, 1000, 2000, 13500, 25000, 30000])]
['0.013333', '0.026667', '0.040000', '0.020000', '0.000000', '0.000000']
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from ... import schedules as S
from ..._checks import check_integer, check_interval, closest
from .text_format import MAX_CHARS, MAX_DEPTH, TextBlock, parse_text_format

__all__ = ["create_learning_rate", "ODLearningRate", "exponential_decay_with_burnin", "manual_stepping",
           "cosine_decay_with_warmup"]

_UINT32 = 2**32 - 1

# kind -> {field: (type, proto default)}; types: "float", "uint32", "bool", "schedule"
FIELDS: dict[str, dict[str, tuple[str, Any]]] = {
    "constant_learning_rate": {
        "learning_rate": ("float", 0.002),
    },
    "exponential_decay_learning_rate": {
        "initial_learning_rate": ("float", 0.002),
        "decay_steps": ("uint32", 4000000),
        "decay_factor": ("float", 0.95),
        "staircase": ("bool", True),
        "burnin_learning_rate": ("float", 0.0),
        "burnin_steps": ("uint32", 0),
        "min_learning_rate": ("float", 0.0),
    },
    "manual_step_learning_rate": {
        "initial_learning_rate": ("float", 0.002),
        "schedule": ("schedule", ()),
        "warmup": ("bool", False),
    },
    "cosine_decay_learning_rate": {
        "learning_rate_base": ("float", 0.002),
        "total_steps": ("uint32", 4000000),
        "warmup_learning_rate": ("float", 0.0002),
        "warmup_steps": ("uint32", 10000),
        "hold_base_rate_steps": ("uint32", 0),
    },
}
SCHEDULE_FIELDS = {"step": ("uint32", 0), "learning_rate": ("float", 0.002)}

_CLASS_NAMES = {
    "constant_learning_rate": "ConstantLearningRate",
    "exponential_decay_learning_rate": "ExponentialDecayLearningRate",
    "manual_step_learning_rate": "ManualStepLearningRate",
    "cosine_decay_learning_rate": "CosineDecayLearningRate",
}


# ----------------------------------------------------------------------------------------
# reading the config
# ----------------------------------------------------------------------------------------


def _snake(name: str) -> str:
    """proto3 JSON names (``learningRateBase``) -> proto field names (``learning_rate_base``)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _normalize_keys(obj: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError(
            f"The 'config' parameter of create_learning_rate nests deeper than {MAX_DEPTH} levels "
            "(a pipeline.config nests about 6 deep)."
        )
    if isinstance(obj, dict):
        out = {_snake(str(k)): _normalize_keys(v, depth + 1) for k, v in obj.items()}
        if isinstance(obj, TextBlock):
            return TextBlock(out, lines={_snake(k): v for k, v in obj.lines.items()})
        return out
    if isinstance(obj, (list, tuple)):
        return [_normalize_keys(v, depth + 1) for v in obj]
    return obj


_PATH_LIKE = re.compile(r"[^\s{}<>:\[\]#\"']*([/\\][^\s{}<>:\[\]#\"']*|\.(config|pbtxt|txt|json|prototxt))")


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(
            f"The 'config' parameter of create_learning_rate names the file {str(path)!r}, which cannot "
            f"be read ({e.strerror or type(e).__name__})."
        ) from None
    return _decode(data, f"the file {str(path)!r}")


def _decode(data: bytes, what: str) -> str:
    if len(data) > MAX_CHARS:
        raise ValueError(f"The 'config' parameter of create_learning_rate is too long: {what} has {len(data)} "
                         f"bytes, at most {MAX_CHARS} are read (a pipeline.config is a few kB).")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ValueError(
            f"The 'config' parameter of create_learning_rate must be UTF-8 text: {what} is not "
            f"valid UTF-8 at line {line} (byte {e.start}: {e.reason})."
        ) from None


def _load(config: Any) -> dict[str, Any]:
    if isinstance(config, Path):
        return _load(_read(config))
    if isinstance(config, (bytes, bytearray)):
        config = _decode(bytes(config), "the bytes given")
    if isinstance(config, str):
        if len(config) > MAX_CHARS:
            raise ValueError(f"The 'config' parameter of create_learning_rate is too long: {len(config)} "
                             f"characters, at most {MAX_CHARS} are read (a pipeline.config is a few kB).")
        text = config.strip()
        if not text:
            raise ValueError("The 'config' parameter of create_learning_rate is an empty string.")
        if "\n" not in text and "{" not in text and len(text) < 4096:
            if os.path.isfile(text):
                return _load(Path(text))
            if _PATH_LIKE.fullmatch(text):
                raise ValueError(
                    f"The 'config' parameter of create_learning_rate looks like a path, but there is no file "
                    f"{text!r}. Expected a dict, a JSON string, a path to an existing file or a text-format block."
                )
        if text.startswith("{"):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass
            except RecursionError:
                raise ValueError(
                    f"The 'config' parameter of create_learning_rate nests deeper than {MAX_DEPTH} levels."
                ) from None
        return parse_text_format(text)
    if isinstance(config, dict):
        return config
    raise TypeError(
        "The 'config' parameter of create_learning_rate must be a dict, a JSON string, a path to a "
        f"JSON or text-format file, or a text-format block. Got {type(config).__name__} instead."
    )


def _find_block(cfg: dict[str, Any]) -> dict[str, Any] | None:
    """The dict that holds the ``oneof learning_rate`` kind, searched depth first."""
    if any(k in FIELDS for k in cfg):
        return cfg
    if isinstance(cfg.get("learning_rate"), dict):
        inner = _find_block(cfg["learning_rate"])
        if inner is not None:
            return inner
    for v in cfg.values():
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, dict):
                found = _find_block(item)
                if found is not None:
                    return found
    return None


def _unknown(where: str, key: str, valid) -> ValueError:
    near = closest(key, list(valid))
    hint = f" Did you mean {near!r}?" if near else ""
    return ValueError(f"Unknown field {key!r} in {where}.{hint} Valid fields: {', '.join(valid)}.")


_EXPECTED = {"bool": "true or false", "uint32": f"one integer in [0, {_UINT32}]", "float": "one number in [0, inf)"}


def _field(owner: str, name: str, kind: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        raise ValueError(
            f"The {name!r} field of {owner} is not repeated: it should not have multiple values "
            f"(written twice, or a [list]); expected {_EXPECTED[kind]}. "
            f"Got {value!r} instead."
        )
    if isinstance(value, dict):
        raise ValueError(
            f"The {name!r} field of {owner} holds a value, not a block; expected {_EXPECTED[kind]}. "
            f"Got {dict(value)!r} instead."
        )
    if kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"The {name!r} field of {owner} must be true or false. Got {value!r} instead.")
        return bool(value)
    if kind == "uint32":
        if isinstance(value, str) or (isinstance(value, float) and not np.isfinite(value)):
            raise TypeError(f"The {name!r} field of {owner} must be an integer in [0, {_UINT32}]. Got {value!r} instead.")
        check_integer(owner, name, value, 0, _UINT32)
        return int(value)
    if isinstance(value, str):
        raise TypeError(f"The {name!r} field of {owner} must be a number in [0, inf). Got {value!r} instead.")
    check_interval(owner, name, value, 0, None, "left")
    if not np.isfinite(float(value)):
        raise ValueError(f"The {name!r} field of {owner} must be in [0, inf). Got {float(value)!r} instead.")
    return float(value)


def _at(given: Any, name: str) -> str:
    lines = getattr(given, "lines", {}).get(name)
    if not lines:
        return ""
    return f"Line {lines[-1] if len(lines) == 1 else lines[1]} of the config: "


def _fill(owner: str, spec: dict, given: dict) -> dict[str, Any]:
    if not isinstance(given, dict):
        raise TypeError(f"{owner} must be a block of fields. Got {given!r} instead.")
    for key in given:
        if key not in spec:
            err = _unknown(owner, key, spec)
            raise ValueError(_at(given, key) + str(err))
    out = {}
    for name, (kind, default) in spec.items():
        try:
            if kind == "schedule":
                entries = given.get(name, [])
                entries = entries if isinstance(entries, list) else [entries]
                out[name] = tuple(_fill(f"{owner}.schedule", SCHEDULE_FIELDS, e) for e in entries)
            else:
                out[name] = _field(owner, name, kind, given.get(name, default))
        except (ValueError, TypeError) as e:
            where = _at(given, name)
            if where and not str(e).startswith("Line "):
                raise type(e)(where + str(e)) from None
            raise
    return out


# ----------------------------------------------------------------------------------------
# the four kinds (utils/learning_schedules.py, TF2-era)
# ----------------------------------------------------------------------------------------


def exponential_decay_with_burnin(
    learning_rate_base, learning_rate_decay_steps, learning_rate_decay_factor,
    burnin_learning_rate=0.0, burnin_steps=0, min_learning_rate=0.0, staircase=True,
) -> S.Schedule:
    r"""OD ``exponential_decay_with_burnin``: :math:`\max(m,\ b \text{ if } t < N \text{ else } B\gamma^{e})`, :math:`e = (t - N)/D`.

    ``burnin_learning_rate == 0`` means :math:`b = B`; the exponent is floored with
    ``staircase``; the floor :math:`m` also bounds the burn-in value. (Before 2020 the exponent
    used :math:`t`, not :math:`t - N`.)

    >>> s = exponential_decay_with_burnin(1.0, 3, 0.1, 0.5, 2, 0.05)
    >>> [f"{float(v):.2f}" for v in s(range(9))]
    ['0.50', '0.50', '1.00', '1.00', '1.00', '0.10', '0.10', '0.10', '0.05']
    """
    if burnin_learning_rate == 0:
        burnin_learning_rate = learning_rate_base
    decay = S.exponential_decay(learning_rate_base, learning_rate_decay_steps, learning_rate_decay_factor, staircase)
    s = decay if burnin_steps == 0 else S.join([S.constant(burnin_learning_rate), decay], [burnin_steps])
    return S.clip(s, min_learning_rate=min_learning_rate) if min_learning_rate > 0 else s


def manual_stepping(boundaries, rates, warmup=False) -> S.Schedule:
    r"""OD ``manual_stepping``: ``rates[j]`` from ``boundaries[j-1]`` on (changes **at** the boundary).

    With ``warmup``, a linear ramp from ``rates[0]`` to ``rates[1]`` over ``[0, boundaries[0])``
    replaces the first constant piece. Raises what upstream raises for bad input.

    >>> [f"{float(v):.3f}" for v in manual_stepping([4, 6, 8], [0.02, 0.1, 0.01, 0.001], warmup=True)(range(9))]
    ['0.020', '0.040', '0.060', '0.080', '0.100', '0.100', '0.010', '0.010', '0.001']
    """
    boundaries, rates = list(boundaries), list(rates)
    if any(b < 0 for b in boundaries) or any(not float(b).is_integer() for b in boundaries):
        raise ValueError(f"boundaries must be a list of positive integers. Got boundaries={boundaries!r}.")
    if any(b1 <= b0 for b0, b1 in zip(boundaries, boundaries[1:])):
        raise ValueError(f"Entries in boundaries must be strictly increasing. Got boundaries={boundaries!r}.")
    if len(rates) != len(boundaries) + 1:
        raise ValueError(
            "Number of provided learning rates must exceed number of boundary points by exactly 1. "
            f"Got {len(rates)} rates for {len(boundaries)} boundaries."
        )
    if boundaries and boundaries[0] == 0:
        raise ValueError(f"First step cannot be zero. Got boundaries={boundaries!r}.")
    if warmup and boundaries:
        b0 = int(boundaries[0])
        rest = S.piecewise_constant([int(b) - b0 for b in boundaries[1:]], rates[1:], closed="left")
        return S.warmup(rest, b0, start_lr=rates[0])
    return S.piecewise_constant([int(b) for b in boundaries], rates, closed="left")


def cosine_decay_with_warmup(
    learning_rate_base, total_steps, warmup_learning_rate=0.0, warmup_steps=0, hold_base_rate_steps=0
) -> S.Schedule:
    r"""OD ``cosine_decay_with_warmup``: warmup, hold, cosine to 0 at ``total_steps``, then 0.

    .. math::
        \eta(t) = \begin{cases}
          w_0 + (B - w_0)\,t/W & t < W \\
          B & W \le t \le W + H \\
          \tfrac12 B\left(1 + \cos\frac{\pi (t - W - H)}{T - W - H}\right) & W + H < t \le T \\
          0 & t > T \end{cases}

    ``ValueError`` if ``total_steps < warmup_steps`` or (with a warmup) ``learning_rate_base <
    warmup_learning_rate``, as upstream. Where ``T <= W + H`` upstream divides 0 by 0 (NaN at
    ``t = T`` when ``H = 0``); here the rate is :math:`B` up to :math:`T`, then 0.

    >>> s = cosine_decay_with_warmup(1.0, 120, 0.1, 9, 20)
    >>> [f"{float(v):.6f}" for v in s([0, 4, 9, 29, 30, 50, 70, 120, 121])]
    ['0.100000', '0.500000', '1.000000', '1.000000', '0.999702', '0.874255', '0.577365', '0.000000', '0.000000']
    """
    if total_steps < warmup_steps:
        raise ValueError(
            "total_steps must be larger or equal to warmup_steps. "
            f"Got total_steps={total_steps!r}, warmup_steps={warmup_steps!r}."
        )
    if warmup_steps > 0 and learning_rate_base < warmup_learning_rate:
        raise ValueError(
            "learning_rate_base must be larger or equal to warmup_learning_rate. "
            f"Got learning_rate_base={learning_rate_base!r}, warmup_learning_rate={warmup_learning_rate!r}."
        )
    D = total_steps - warmup_steps - hold_base_rate_steps
    if D <= 0:
        core = S.join([S.constant(learning_rate_base), S.constant(0.0)], [total_steps - warmup_steps + 1])
    elif hold_base_rate_steps > 0:
        core = S.join([S.constant(learning_rate_base), S.cosine_decay(learning_rate_base, D)], [hold_base_rate_steps])
    else:
        core = S.cosine_decay(learning_rate_base, D)
    return S.warmup(core, warmup_steps, start_lr=warmup_learning_rate) if warmup_steps > 0 else core


# ----------------------------------------------------------------------------------------
# the builder
# ----------------------------------------------------------------------------------------


def od_learning_rate_formula(t, kind, fields, schedule):
    """η(t) = s(t), the composition of core schedules the config builds; ``kind`` and ``fields`` name it."""
    return schedule(t)


class ODLearningRate(S.Schedule):
    """A schedule built from an Object Detection API config: shows the config, computes ``schedule``.

    ``kind`` is the config's ``oneof`` name, ``fields`` every field with the proto default
    filled in (so the repr exposes defaults you did not write), ``schedule`` the composition of
    core schedules that computes it.
    """

    formula = staticmethod(od_learning_rate_formula)
    nested = ("schedule",)

    def __repr__(self) -> str:
        def fmt(v):
            if isinstance(v, tuple):
                return "[" + ", ".join("{" + ", ".join(f"{k}: {x!r}" for k, x in e.items()) + "}" for e in v) + "]"
            return repr(v)

        args = ", ".join(f"{k}={fmt(v)}" for k, v in self.fields.items())
        return f"{_CLASS_NAMES[self.kind]}({args})"


def create_learning_rate(config: Any) -> ODLearningRate:
    r"""Build a learning-rate schedule from an Object Detection API ``learning_rate`` config.

    Parameters
    ----------
    config : dict, str or path
        A dict (``{"cosine_decay_learning_rate": {...}}``, optionally wrapped in
        ``{"learning_rate": ...}`` or a whole optimizer/pipeline config), a JSON string, a path
        to a JSON or text-format file, or a protobuf text-format block. proto3 JSON camelCase
        names are accepted. The first block holding one of the four kinds is used.

    Returns
    -------
    ODLearningRate
        A :class:`~lrlessons.schedules.Schedule`; its repr shows every field including the
        proto defaults, its ``schedule`` attribute the core composition.

    Raises
    ------
    ValueError
        Unknown kind or field (naming the closest valid one), more than one kind, an empty
        manual schedule, and upstream's checks (``total_steps < warmup_steps``,
        ``learning_rate_base < warmup_learning_rate``, boundaries not increasing, first step 0).

    The three other kinds:

    >>> create_learning_rate({"constant_learning_rate": {}})(0)
    array(0.002)
    >>> s = create_learning_rate('''optimizer { rms_prop_optimizer { learning_rate { exponential_decay_learning_rate {
    ...   initial_learning_rate: 0.004 decay_steps: 800720 decay_factor: 0.95 } } } }''')
    >>> print(f"{float(s(800719)):.5f} {float(s(800720)):.5f}")
    0.00400 0.00380
    >>> s = create_learning_rate('''manual_step_learning_rate { initial_learning_rate: 0.0002
    ...   schedule { step: 900000 learning_rate: .00002 } schedule { step: 1200000 learning_rate: .000002 } }''')
    >>> [f"{float(v):.6f}" for v in s([899999, 900000, 1200000])]
    ['0.000200', '0.000020', '0.000002']
    """
    cfg = _normalize_keys(_load(config))
    if not isinstance(cfg, dict):
        raise TypeError(f"The 'config' parameter of create_learning_rate must describe a dict. Got {cfg!r} instead.")
    block = _find_block(cfg)
    if block is None:
        keys = list(cfg)
        near = [closest(k, list(FIELDS)) for k in keys]
        near = [n for n in near if n]
        if keys and near:
            bad = next(k for k in keys if closest(k, list(FIELDS)))
            raise ValueError(f"Learning_rate {bad} not supported. Did you mean {near[0]!r}? Valid kinds: {', '.join(FIELDS)}.")
        raise ValueError(
            f"Learning_rate {', '.join(keys) or '{}'} not supported: no learning-rate kind found. "
            f"Valid kinds: {', '.join(FIELDS)}."
        )
    kinds = [k for k in block if k in FIELDS]
    others = [k for k in block if k not in FIELDS]
    if others:
        raise _unknown("learning_rate", others[0], FIELDS)
    if len(kinds) > 1:
        raise ValueError(f"learning_rate is a oneof: set exactly one kind. Got {kinds!r}.")
    kind = kinds[0]
    fields = _fill(kind, FIELDS[kind], block[kind] if block[kind] is not None else {})

    if kind == "constant_learning_rate":
        schedule = S.constant(fields["learning_rate"])
    elif kind == "exponential_decay_learning_rate":
        if fields["decay_steps"] == 0:
            raise ValueError("The 'decay_steps' field of exponential_decay_learning_rate must be in [1, 4294967295]. Got 0 instead.")
        schedule = exponential_decay_with_burnin(
            fields["initial_learning_rate"], fields["decay_steps"], fields["decay_factor"],
            fields["burnin_learning_rate"], fields["burnin_steps"], fields["min_learning_rate"], fields["staircase"],
        )
    elif kind == "manual_step_learning_rate":
        if not fields["schedule"]:
            raise ValueError("Empty learning rate schedule. (manual_step_learning_rate needs at least one 'schedule { step: … learning_rate: … }'.)")
        boundaries = [e["step"] for e in fields["schedule"]]
        rates = [fields["initial_learning_rate"], *(e["learning_rate"] for e in fields["schedule"])]
        schedule = manual_stepping(boundaries, rates, fields["warmup"])
    else:
        schedule = cosine_decay_with_warmup(
            fields["learning_rate_base"], fields["total_steps"], fields["warmup_learning_rate"],
            fields["warmup_steps"], fields["hold_base_rate_steps"],
        )
    return ODLearningRate(kind, fields, schedule)
