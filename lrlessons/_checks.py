"""Input validation with one message format.

Every public factory and schedule validates its arguments here, so a student who passes a
bad value reads the same kind of sentence everywhere::

    The 'beta1' parameter of adam must be in [0, 1). Got 1.0 instead.

The wording follows scikit-learn's ``_param_validation`` (``The {name!r} parameter of
{caller} must be {constraint}. Got {value!r} instead.``). Checks work on scalars and on
``(B,)`` arrays of hyperparameters alike; for an array the first offending entry is named.
Nothing is ever clipped or replaced: bad input raises.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import numbers
from typing import Any, Callable, Iterable

import numpy as np

__all__ = [
    "check_interval",
    "check_integer",
    "check_choice",
    "check_bool",
    "check_finite",
    "closest",
    "suggest_keywords",
]

_BRACKETS = {
    "both": ("[", "]"),
    "left": ("[", ")"),
    "right": ("(", "]"),
    "neither": ("(", ")"),
}


def _fmt(x: Any) -> str:
    """A short, stable rendering of a value for an error message."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x.item()
    if isinstance(x, (np.floating, np.integer, np.bool_)):
        x = x.item()
    try:
        text = repr(x)
    except Exception:  # an object whose repr fails
        text = f"<{type(x).__name__} object>"
    return text if len(text) <= 80 else f"{text[:40]}...{text[-20:]} ({len(text)} characters)"


def _interval_text(low, high, closed: str) -> str:
    left, right = _BRACKETS[closed]
    lo = "-inf" if low is None else _fmt(low)
    hi = "inf" if high is None else _fmt(high)
    left = "(" if low is None else left          # an infinite end is never included
    right = ")" if high is None else right
    return f"in {left}{lo}, {hi}{right}"


def _as_numeric(owner: str, name: str, value: Any) -> np.ndarray:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a real number or an array of real "
            f"numbers. Got {_fmt(value)} instead."
        )
    if isinstance(value, numbers.Integral) and not -2**63 <= value < 2**63:
        try:                                       # an integer beyond int64: compare it as a float
            return np.asarray(float(value))
        except OverflowError:
            return np.asarray(np.inf if value > 0 else -np.inf)
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists, exotic objects
        arr = np.asarray(None, dtype=object)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating)
    ):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be a real number or an array of real "
            f"numbers. Got {_fmt(value)} instead."
        )
    return arr


def check_interval(
    owner: str,
    name: str,
    value: Any,
    low: float | None,
    high: float | None,
    closed: str = "both",
) -> None:
    """Raise unless every entry of ``value`` lies in the interval (``None`` = unbounded).

    ``closed`` is one of ``"both"``, ``"left"``, ``"right"``, ``"neither"``. NaN is never in
    any interval, and an unbounded end (``None``) never includes an infinity: ``[0, inf)``
    means a finite number >= 0, as it reads. (An infinite value is accepted only where a
    caller asks for it, with ``high=math.inf`` and a closed right end: ``[0, inf]``.) When the
    offending value is NaN or infinite, the message says that a finite number is expected.
    Scalars and arrays (e.g. a ``(B,)`` batch of learning rates) are accepted.

    >>> check_interval("adam", "beta1", 1.0, 0, 1, closed="left")
    Traceback (most recent call last):
    ...
    ValueError: The 'beta1' parameter of adam must be in [0, 1). Got 1.0 instead.
    >>> check_interval("sgd", "lr", float("inf"), 0, None, closed="left")
    Traceback (most recent call last):
    ...
    ValueError: The 'lr' parameter of sgd must be finite and in [0, inf). Got inf instead.
    """
    arr = _as_numeric(owner, name, value)
    floating = np.issubdtype(arr.dtype, np.floating)
    ok = ~np.isnan(arr) if floating else np.ones(arr.shape, bool)
    if low is not None:
        ok &= (arr >= low) if closed in ("both", "left") else (arr > low)
    elif floating:
        ok &= arr > -np.inf
    if high is not None:
        ok &= (arr <= high) if closed in ("both", "right") else (arr < high)
    elif floating:
        ok &= arr < np.inf
    if not np.all(ok):
        where = _interval_text(low, high, closed)
        bad = () if arr.ndim == 0 else tuple(int(i) for i in np.argwhere(~ok)[0])
        if low is None and high is None:                   # any finite number
            where = "finite"
        elif floating and not np.isfinite(arr[bad]):       # the value named is NaN or ±inf
            where = "finite and " + where
        if arr.ndim == 0:
            got = _fmt(value)
        else:
            idx = bad[0] if len(bad) == 1 else bad
            got = f"{_fmt(arr[bad])} at index {idx} of {np.array2string(arr, threshold=8)}"
        raise ValueError(f"The {name!r} parameter of {owner} must be {where}. Got {got} instead.")


def check_integer(owner: str, name: str, value: Any, low: int | None = None, high: int | None = None) -> None:
    """Raise unless ``value`` is an integer (or array of integers) within ``[low, high]``.

    Integral floats such as ``1000.0`` are accepted (JSON and configs often carry them);
    ``2.5`` and booleans are not.
    """
    arr = _as_numeric(owner, name, value)
    bounds = ""
    if low is not None or high is not None:
        bounds = " " + _interval_text(low, high, "both")
    with np.errstate(all="ignore"):
        integral = isinstance(value, numbers.Integral) or (np.all(np.isfinite(arr)) and np.all(np.mod(arr, 1) == 0))
    if not integral:
        raise TypeError(
            f"The {name!r} parameter of {owner} must be an integer{bounds}. Got {_fmt(value)} instead."
        )
    check_interval(owner, name, value, low, high, "both")


def check_choice(owner: str, name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise unless ``value`` is one of ``choices``; suggest the closest one for strings."""
    choices = tuple(choices)
    try:
        if value in choices:
            return
    except (TypeError, ValueError):                        # an array: no truth value
        pass
    hint = ""
    if isinstance(value, str):
        near = closest(value, [c for c in choices if isinstance(c, str)])
        if near is not None:
            hint = f" Did you mean {near!r}?"
    listed = ", ".join(repr(c) for c in choices)
    raise ValueError(
        f"The {name!r} parameter of {owner} must be one of {{{listed}}}. Got {_fmt(value)} instead.{hint}"
    )


def check_bool(owner: str, name: str, value: Any) -> None:
    """Raise ``TypeError`` unless ``value`` is a plain bool (flags are never batched)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"The {name!r} parameter of {owner} must be a bool. Got {_fmt(value)} instead.")


def check_finite(owner: str, name: str, value: np.ndarray) -> None:
    """Raise ``ValueError`` naming the entries of ``value`` that are NaN or infinite."""
    arr = np.asarray(value)
    if np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.complexfloating):
        bad = ~np.isfinite(arr)
        if bad.any():
            idx = [tuple(int(i) for i in ix) for ix in np.argwhere(bad)[:5]]
            shown = ", ".join(f"{i if len(i) != 1 else i[0]}: {arr[i].item()!r}" for i in idx)
            more = "" if bad.sum() <= 5 else f" (and {int(bad.sum()) - 5} more)"
            raise ValueError(
                f"The {name!r} argument of {owner} must be finite. Got non-finite entries "
                f"{{{shown}}}{more} in an array of shape {arr.shape}."
            )


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word`` (difflib), or ``None`` if nothing is close."""
    cands = list(candidates)
    lowered = {c.lower(): c for c in cands}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word, cands, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        match = [lowered[m] for m in match]
    return match[0] if match else None


def suggest_keywords(fn: Callable) -> Callable:
    """Decorate a factory so a misspelled keyword names the closest valid one.

    Python's own message (``adam() got an unexpected keyword argument 'beta_1'``) is kept and
    extended with ``Did you mean 'beta1'?`` and the list of valid keywords. Only the binding
    of arguments is checked here; the call itself is unchanged.
    """
    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
    names = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    takes_var_kw = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not takes_var_kw:
            for key in kwargs:
                if key not in names:
                    near = closest(key, names)
                    hint = f" Did you mean {near!r}?" if near else ""
                    raise TypeError(
                        f"{fn.__name__}() got an unexpected keyword argument {key!r}.{hint} "
                        f"Valid keywords: {', '.join(names)}."
                    )
        return fn(*args, **kwargs)

    wrapper.__signature__ = sig  # type: ignore[attr-defined]
    return wrapper


def is_number(x: Any) -> bool:
    """True for real scalars (Python or numpy), False for bools and arrays."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))
