r"""A small parser for protobuf text format, enough for the ``learning_rate`` block of a ``pipeline.config``.

The Object Detection API keeps its training configuration in protobuf text format
(tensorflow/models ``research/object_detection/protos/pipeline.proto``, read with
``google.protobuf.text_format``). :func:`parse_text_format` turns such text into nested dicts
without protobuf installed and without evaluating anything: a field repeated becomes a list.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["parse_text_format", "TextBlock", "MAX_CHARS", "MAX_DEPTH"]


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<comment>\#[^\n]*)
      | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?)
      | (?P<name>-?[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<punct>[{}:<>\[\],;])
    )""",
    re.VERBOSE,
)

#: The longest text accepted (a whole ``pipeline.config`` is a few kB).
MAX_CHARS = 1_000_000
#: The deepest nesting of ``{ }``/``< >``/``[ ]`` accepted (a ``pipeline.config`` nests about 6 deep).
MAX_DEPTH = 100
_MAX_DIGITS = 400


class TextBlock(dict):
    """A parsed message: a plain ``dict`` that also remembers the line of each field (``lines``)."""

    def __init__(self, *args, lines: dict[str, list[int]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines if lines is not None else {}


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise ValueError(
            f"The text-format config is too long: {len(text)} characters, at most {MAX_CHARS} are read "
            "(a pipeline.config is a few kB)."
        )


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    _check_size(text)
    tokens, pos, line, counted = [], 0, 1, 0   # ``line`` is the line of ``counted``: linear overall
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            line += text.count("\n", counted, pos)
            snippet = text[pos:pos + 20].strip()
            raise ValueError(f"Cannot parse the text-format config at line {line}: unexpected {snippet!r}.")
        kind = m.lastgroup
        start = m.start(kind)
        line += text.count("\n", counted, start)
        counted = start
        if kind != "comment":
            tokens.append((kind, m.group(kind), line))
        pos = m.end()
    return tokens


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[ntr\\'\"abfv?]|.?)", re.S)
_SIMPLE = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", "'": b"'", '"': b'"', "a": b"\a", "b": b"\b",
           "f": b"\f", "v": b"\v", "?": b"?"}


def _unescape(body: str, line: int) -> str:
    """protobuf's C escapes (``\\n``, ``\\x41``, ``\\101``, ``\\u00e9``); the bytes must be UTF-8."""
    out, pos = bytearray(), 0
    for m in _ESCAPE.finditer(body):
        out += body[pos:m.start()].encode("utf-8", "surrogatepass")
        e = m.group(1)
        if e[:1] == "x" and len(e) > 1:
            out.append(int(e[1:], 16))
        elif e[:1] in "01234567" and e:
            out.append(int(e, 8) & 0xFF)
        elif e[:1] in "uU" and len(e) > 1:
            cp = int(e[1:], 16)
            if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
                raise ValueError(f"Cannot parse the text-format config at line {line}: "
                                 f"'\\{e}' is not a Unicode character.")
            out += chr(cp).encode("utf-8")
        elif e in _SIMPLE:
            out += _SIMPLE[e]
        else:
            raise ValueError(
                f"Cannot parse the text-format config at line {line}: invalid escape '\\{e}' in a string "
                "(expected \\n, \\t, \\r, \\\\, \\', \\\", \\xHH, \\NNN octal, \\uXXXX or \\UXXXXXXXX)."
            )
        pos = m.end()
    out += body[pos:].encode("utf-8", "surrogatepass")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"Cannot parse the text-format config at line {line}: a string is not valid UTF-8 "
            f"after its escapes ({e.reason} at byte {e.start})."
        ) from None


def _scalar(kind: str, tok: str, line: int) -> Any:
    if kind == "string":
        return _unescape(tok[1:-1], line)
    if kind == "number":
        tok = tok.rstrip("fF")
        if sum(c.isdigit() for c in tok) > _MAX_DIGITS:
            raise ValueError(f"Cannot parse the text-format config at line {line}: a number with more than "
                             f"{_MAX_DIGITS} digits.")
        if re.fullmatch(r"[-+]?\d+", tok):
            return int(tok)
        return float(tok)
    low = tok.lower()
    if low in ("true", "t"):
        return True
    if low in ("false", "f"):
        return False
    if low in ("inf", "infinity", "-inf", "-infinity", "nan", "-nan"):
        return float(low)
    return tok  # an enum name


def parse_text_format(text: str) -> dict[str, Any]:
    """Parse protobuf text format into nested dicts; a repeated field becomes a list.

    Handles ``name: value``, ``name { ... }``, ``name: { ... }``, ``name < ... >``, ``[a, b]``
    lists, ``#`` comments and optional ``,``/``;`` separators. Values are ints, floats, bools,
    strings (with protobuf's escapes, UTF-8) or enum names. Nothing is evaluated. Each dict is a
    :class:`TextBlock` whose ``lines`` maps a field to the line(s) it was written on.

    Raises ``ValueError`` naming the line for malformed text, for text longer than
    :data:`MAX_CHARS` characters and for nesting deeper than :data:`MAX_DEPTH`.

    >>> parse_text_format('schedule { step: 10 learning_rate: .1 } schedule { step: 20 } warmup: true')
    {'schedule': [{'step': 10, 'learning_rate': 0.1}, {'step': 20}], 'warmup': True}
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_text_format reads a str. Got {type(text).__name__} instead.")
    return _Parser(_tokenize(text)).message(None, 0)


class _Parser:
    """A recursive-descent reader of the tokens: one method per rule of the text format."""

    def __init__(self, tokens: list[tuple[str, str, int]]):
        self.tokens, self.pos = tokens, 0

    def err(self, msg: str) -> ValueError:
        tokens, pos = self.tokens, self.pos
        line = tokens[pos][2] if pos < len(tokens) else (tokens[-1][2] if tokens else 1)
        return ValueError(f"Cannot parse the text-format config at line {line}: {msg}.")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def opening(self, depth: int) -> None:
        if depth >= MAX_DEPTH:
            raise self.err(f"nesting deeper than {MAX_DEPTH} levels")

    def value(self) -> Any:
        """A scalar: ``12``, ``0.5``, ``"text"``, ``true`` or an enum name."""
        kind, tok, line = self.tokens[self.pos]
        if kind in ("string", "number", "name"):
            self.pos += 1
            return _scalar(kind, tok, line)
        raise self.err(f"expected a value, got {tok!r}")

    def block(self, opener: str, depth: int) -> dict[str, Any]:
        """``{ ... }`` or ``< ... >``, the opener already read."""
        self.opening(depth)
        return self.message("}" if opener == "{" else ">", depth)

    def values(self, name: str, depth: int) -> list:
        """``[a, b, ...]`` or ``[{...}, {...}]``, the ``[`` already read."""
        self.opening(depth + 1)
        vals = []
        while True:
            tok = self.peek()
            if tok is None:
                raise self.err(f"missing ']' closing the list of {name!r}")
            kind, t, _ = tok
            if kind == "punct" and t in "],":
                self.pos += 1
                if t == "]":
                    return vals
            elif kind == "punct" and t in "{<":
                self.pos += 1
                vals.append(self.block(t, depth + 2))
            else:
                vals.append(self.value())

    def field(self, name: str, depth: int) -> list:
        """What follows a field name: ``: value``, ``{...}``, ``: {...}`` or ``[...]``."""
        tok = self.peek()
        if tok is not None and tok[0] == "punct" and tok[1] == ":":
            self.pos += 1
            tok = self.peek()
        if tok is None:
            raise self.err(f"missing a value for {name!r}")
        kind, t, _ = tok
        if kind == "punct" and t in "{<":
            self.pos += 1
            return [self.block(t, depth + 1)]
        if kind == "punct" and t == "[":
            self.pos += 1
            return self.values(name, depth)
        return [self.value()]

    def message(self, close: str | None, depth: int) -> "TextBlock":
        """Fields up to ``close`` (or the end of the text): a repeated field becomes a list."""
        out: dict[str, list] = {}
        lines: dict[str, list[int]] = {}
        while True:
            tok = self.peek()
            if tok is None:
                if close is None:
                    break
                raise self.err(f"missing {close!r}")
            kind, name, line = tok
            if close is not None and kind == "punct" and name == close:
                self.pos += 1
                break
            if kind == "punct" and name in ",;":
                self.pos += 1
                continue
            if kind != "name":
                raise self.err(f"expected a field name, got {name!r}")
            self.pos += 1
            out.setdefault(name, []).extend(self.field(name, depth))
            lines.setdefault(name, []).append(line)
        return TextBlock({k: (v[0] if len(v) == 1 else v) for k, v in out.items()}, lines=lines)
