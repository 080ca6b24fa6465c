"""Valid values generated from the models' shapes, and the models' patterns as Python regular expressions,
for the tests' own generators and checks.

The models are written in ECMA-262's dialect (ASCII ``\\d``/``\\w``); one of them also quantifies an anchor
(ClientRequestId: ``^[-_a-zA-Z0-9]*${2,64}$``), which Python's ``re`` refuses ("nothing to repeat") while the
fake's engine (Rust's regex, through pydantic) accepts it as the anchor itself: a quantified zero-width
anchor matches what the anchor alone matches, so the tests drop the quantifier.
"""

from __future__ import annotations

import re
from typing import Any

_QUANTIFIED_ANCHOR = re.compile(r"(?<!\\)([$^])\{\d+(?:,\d*)?\}")


def python_pattern(pattern: str) -> str:
    """``pattern`` in a form Python's ``re`` compiles with the same meaning."""
    return _QUANTIFIED_ANCHOR.sub(r"\1", pattern)


def search(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the model ``pattern`` (searched, not anchored, ASCII classes)."""
    return re.search(python_pattern(pattern), text, re.ASCII) is not None


try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]


def _category_char(category: Any) -> str:
    name = str(category)
    if "DIGIT" in name and "NOT" not in name:
        return "0"
    if "SPACE" in name and "NOT" not in name:
        return " "
    return "a"


def _shortest(parsed: Any) -> str:
    """The shortest string the parsed regex matches, choosing the first alternative and the lowest char."""
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "IN":
            first = arg[0]
            if str(first[0]) == "NEGATE":
                out.append("a" if not any(str(o) == "LITERAL" and v == ord("a") for o, v in arg[1:]) else "b")
            elif str(first[0]) == "RANGE":
                out.append(chr(first[1][0]))
            elif str(first[0]) == "LITERAL":
                out.append(chr(first[1]))
            else:
                out.append(_category_char(first[1]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _, item = arg
            out.append(_shortest(item) * low)
        elif name == "SUBPATTERN":
            out.append(_shortest(arg[-1]))
        elif name == "BRANCH":
            out.append(_shortest(arg[1][0]))
        elif name == "ANY":
            out.append("a")
        elif name == "CATEGORY":
            out.append(_category_char(arg))
    return "".join(out)


def example_string(shape: dict[str, Any]) -> str:
    """A valid value of a string shape (its pattern's shortest match, padded to its minimum length)."""
    if "enum" in shape:
        return shape["enum"][0]
    low = shape.get("min", 0)
    if "pattern" not in shape:
        return "a" * max(low, 1)
    value = _shortest(sre_parse.parse(python_pattern(shape["pattern"])))
    assert search(shape["pattern"], value) and len(value) >= low, (
        f"the test cannot build a valid value for pattern {shape['pattern']!r} min {low}; extend example_string"
    )
    return value


def example(model: dict[str, Any], shape_name: str) -> Any:
    """A valid value of any input shape, with every optional member filled in (so each can be broken)."""
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "string":
        return example_string(shape)
    if kind in ("integer", "long"):
        return max(shape.get("min", 1), 1)
    if kind == "boolean":
        return True
    if kind == "list":
        return [example(model, shape["member"]["shape"]) for _ in range(max(shape.get("min", 0), 1))]
    if kind == "structure":
        return {m: example(model, ref["shape"]) for m, ref in shape.get("members", {}).items()}
    if kind == "map":
        return {example(model, shape["key"]["shape"]): example(model, shape["value"]["shape"])}
    raise AssertionError(f"no example for shape type {kind}")
