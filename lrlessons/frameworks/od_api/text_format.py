r"""A small parser for protobuf text format, enough for the ``learning_rate`` block of a ``pipeline.config``.

The Object Detection API keeps its training configuration in protobuf text format
(tensorflow/models ``research/object_detection/protos/pipeline.proto``, read with
``google.protobuf.text_format``). :func:`parse_text_format` turns such text into nested dicts
without protobuf installed and without evaluating anything: a field repeated becomes a list.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["parse_text_format"]


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<comment>\#[^\n]*)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<punct>[{}:<>\[\],;])
    )""",
    re.VERBOSE,
)


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            line = text.count("\n", 0, pos) + 1
            snippet = text[pos:pos + 20].strip()
            raise ValueError(f"Cannot parse the text-format config at line {line}: unexpected {snippet!r}.")
        kind = m.lastgroup
        if kind != "comment":
            tokens.append((kind, m.group(kind), text.count("\n", 0, m.start(kind)) + 1))
        pos = m.end()
    return tokens


def _scalar(kind: str, tok: str) -> Any:
    if kind == "string":
        return bytes(tok[1:-1], "utf-8").decode("unicode_escape")
    if kind == "number":
        tok = tok.rstrip("fF")
        if re.fullmatch(r"[-+]?\d+", tok):
            return int(tok)
        return float(tok)
    low = tok.lower()
    if low in ("true", "t"):
        return True
    if low in ("false", "f"):
        return False
    if low in ("inf", "infinity", "-inf", "nan"):
        return float(low)
    return tok  # an enum name


def parse_text_format(text: str) -> dict[str, Any]:
    """Parse protobuf text format into nested dicts; a repeated field becomes a list.

    Handles ``name: value``, ``name { ... }``, ``name: { ... }``, ``name < ... >``, ``[a, b]``
    lists, ``#`` comments and optional ``,``/``;`` separators. Values are ints, floats, bools,
    strings or enum names. Nothing is evaluated.

    >>> parse_text_format('schedule { step: 10 learning_rate: .1 } schedule { step: 20 } warmup: true')
    {'schedule': [{'step': 10, 'learning_rate': 0.1}, {'step': 20}], 'warmup': True}
    """
    tokens = _tokenize(text)
    pos = 0

    def err(msg: str) -> ValueError:
        line = tokens[pos][2] if pos < len(tokens) else (tokens[-1][2] if tokens else 1)
        return ValueError(f"Cannot parse the text-format config at line {line}: {msg}.")

    def value():
        nonlocal pos
        kind, tok, _ = tokens[pos]
        if kind in ("string", "number", "name"):
            pos += 1
            return _scalar(kind, tok)
        raise err(f"expected a value, got {tok!r}")

    def message(close: str | None) -> dict[str, Any]:
        nonlocal pos
        out: dict[str, list] = {}
        while True:
            if pos >= len(tokens):
                if close is None:
                    break
                raise err(f"missing {close!r}")
            kind, tok, _ = tokens[pos]
            if close is not None and tok == close and kind == "punct":
                pos += 1
                break
            if kind == "punct" and tok in ",;":
                pos += 1
                continue
            if kind != "name":
                raise err(f"expected a field name, got {tok!r}")
            name = tok
            pos += 1
            if pos < len(tokens) and tokens[pos][1] == ":" and tokens[pos][0] == "punct":
                pos += 1
            if pos >= len(tokens):
                raise err(f"missing a value for {name!r}")
            kind, tok, _ = tokens[pos]
            if kind == "punct" and tok in "{<":
                pos += 1
                vals = [message("}" if tok == "{" else ">")]
            elif kind == "punct" and tok == "[":
                pos += 1
                vals = []
                while not (tokens[pos][0] == "punct" and tokens[pos][1] == "]"):
                    if tokens[pos][1] == ",":
                        pos += 1
                        continue
                    if tokens[pos][1] in "{<":
                        close_tok = "}" if tokens[pos][1] == "{" else ">"
                        pos += 1
                        vals.append(message(close_tok))
                    else:
                        vals.append(value())
                    if pos >= len(tokens):
                        raise err("missing ']'")
                pos += 1
            else:
                vals = [value()]
            out.setdefault(name, []).extend(vals)
        return {k: (v[0] if len(v) == 1 else v) for k, v in out.items()}

    return message(None)
