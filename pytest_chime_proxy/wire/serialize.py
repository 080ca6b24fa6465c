"""Output serialization as the service writes it: every member of a structure present (null when unset),
keys sorted, timestamps ISO 8601 UTC with milliseconds (``2020-04-15T16:10:10.288Z``)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable

from . import spec as _spec

Writer = Callable[[Any], Any]
# what json.dumps(value, separators=(",", ":")) uses, built once instead of on every call
_encode = json.JSONEncoder(separators=(",", ":")).encode


def iso8601(value: datetime) -> str:
    """``2020-04-15T16:10:10.288Z`` for an aware UTC datetime.

    ``isoformat`` is several times faster than ``strftime``; its first 23 characters are the same text for
    every four-digit year (the strftime form is kept for the others).
    """
    if value.year >= 1000:
        return value.isoformat(timespec="milliseconds")[:23] + "Z"
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def _identity(value: Any) -> Any:
    return value


def _timestamp(value: Any) -> Any:
    return None if value is None else iso8601(value)


@lru_cache(maxsize=None)
def writer(namespace: str, shape_name: str) -> Writer:
    """A function turning plain data (dicts keyed by member name) into the wire form of ``shape_name``."""
    spec = _spec.load(namespace)
    built: dict[str, Writer] = {}

    def build(name: str) -> Writer:
        if name in built:
            return built[name]
        shape = spec.shape(name)
        kind = shape["type"]
        if kind == "structure":
            members: list[tuple[str, Writer | None]] = []  # None: the value is written as it is

            def write_structure(value: Any) -> Any:
                if value is None:
                    return None
                get = value.get
                return {member: get(member) if w is None else w(get(member)) for member, w in members}

            built[name] = write_structure
            for m, ref in sorted(shape.get("members", {}).items()):
                w = build(ref["shape"])
                members.append((m, None if w is _identity else w))
            return write_structure
        if kind == "list":
            items: list[Writer | None] = []

            def write_list(value: Any) -> Any:
                if value is None:
                    return None
                item = items[0]
                return list(value) if item is None else [item(v) for v in value]

            built[name] = write_list
            item = build(shape["member"]["shape"])
            items.append(None if item is _identity else item)
            return write_list
        built[name] = _timestamp if kind == "timestamp" else _identity
        return built[name]

    return build(shape_name)


def body(namespace: str, shape_name: str | None, data: dict[str, Any] | None) -> bytes:
    """The JSON body for an operation's output (empty for operations without output)."""
    if shape_name is None or data is None:
        return b""
    return _encode(writer(namespace, shape_name)(data)).encode()
