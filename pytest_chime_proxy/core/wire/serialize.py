"""Output serialization as the service writes it: every member of a structure present (null when unset),
keys sorted, timestamps ISO 8601 UTC with milliseconds (``2020-04-15T16:10:10.288Z``)."""

from __future__ import annotations

import json
import linecache
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache, lru_cache
from typing import Any

from pytest_chime_proxy.core.wire import spec as _spec

Writer = Callable[[Any], Any]
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _one_shot_encoder() -> Callable[[Any], str] | None:
    """The C encoder ``JSONEncoder.encode`` builds on every call, built once (a third of a small body's
    cost); None where the json module has no C speedups."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return None
    encode = make(None, _ENCODER.default, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


# the same text as json.dumps(value, separators=(",", ":")) (the output is never circular: plain data)
_encode: Callable[[Any], str] = _one_shot_encoder() or _ENCODER.encode


def iso8601(value: datetime) -> str:
    """``2020-04-15T16:10:10.288Z`` for an aware UTC datetime.

    ``isoformat`` is several times faster than ``strftime``; its first 23 characters are the same text for
    every four-digit year (the strftime form is kept for the others). A record's timestamps are written
    again on every Get and List, so UTC values (the clock's) are remembered; other zones, whose equal
    instants would share a cache entry, are always formatted.
    """
    if value.tzinfo is timezone.utc:
        return _iso8601_utc(value)
    return _iso8601(value)


def _iso8601(value: datetime) -> str:
    if value.year >= 1000:
        return value.isoformat(timespec="milliseconds")[:23] + "Z"
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


_iso8601_utc = lru_cache(maxsize=4096)(_iso8601)


def _identity(value: Any) -> Any:
    return value


@cache
def writer(namespace: str, shape_name: str) -> Writer:
    """A function turning plain data (dicts keyed by member name) into the wire form of ``shape_name``.

    Each structure and list shape becomes one small generated function (the members written out in a
    dict display, in sorted order, timestamps and nested shapes inline), built once per shape: no
    per-member loop or call at run time, and the same output as walking the shapes.
    """
    spec = _spec.load(namespace)
    env: dict[str, Any] = {"_iso": iso8601}
    names: dict[str, str] = {}  # shape -> name of its writer in env; "" for values written as they are

    def expression(name: str, value: str) -> str:
        """Python source writing ``value`` (an expression naming a local) as shape ``name``."""
        kind = spec.shape(name)["type"]
        if kind == "timestamp":
            return f"(None if {value} is None else _iso({value}))"
        fn = build(name)
        return value if not fn else f"{fn}({value})"

    def build(name: str) -> str:
        if name in names:
            return names[name]
        shape = spec.shape(name)
        kind = shape["type"]
        if kind not in ("structure", "list"):
            names[name] = ""
            return ""
        fn = names[name] = f"_w{len(names)}"
        if kind == "structure":
            parts = []
            for i, (member, ref) in enumerate(sorted(shape.get("members", {}).items())):
                local = f"v{i}"
                item = expression(ref["shape"], local)
                # the first use of the local is the one evaluated first: it takes the value
                parts.append(f"{member!r}: {item.replace(local, f'({local} := get({member!r}))', 1)}")
            source = (
                f"def {fn}(value):\n    if value is None:\n        return None\n    get = value.get\n"
                f"    return {{{', '.join(parts)}}}\n"
            )
        else:
            item = expression(shape["member"]["shape"], "v")
            body = "list(value)" if item == "v" else f"[{item} for v in value]"
            source = f"def {fn}(value):\n    return None if value is None else {body}\n"
        filename = f"<pytest-chime-proxy writer {namespace} {name}>"
        # registered with linecache, so tracebacks and inspect.getsource show the generated code
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), env)  # noqa: S102 - our own source
        return fn

    fn = build(shape_name)
    return env[fn] if fn else _identity


def body(namespace: str, shape_name: str | None, data: dict[str, Any] | None) -> bytes:
    """The JSON body for an operation's output (empty for operations without output)."""
    if shape_name is None or data is None:
        return b""
    return _encode(writer(namespace, shape_name)(data)).encode()
