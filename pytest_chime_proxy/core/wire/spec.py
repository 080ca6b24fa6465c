"""The two namespaces' service models, trimmed to what the fake needs and loaded once, on first use.

The snapshots are written by ``tools/snapshot_spec.py`` from botocore's own models, so routes, status codes,
constraints and output members come from the same data botocore uses (the legacy ``chime`` model is no
longer shipped by botocore, hence the copy).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

NAMESPACES = ("chime-sdk-voice", "chime")
_SPECS = Path(__file__).with_name("specs")
_PARAM = re.compile(r"\{(\w+)(\+?)\}")


@dataclass(frozen=True)
class Operation:
    """One operation of one namespace: where it lives on the wire and which shapes it reads and writes."""

    namespace: str
    name: str
    method: str
    uri: str
    status: int
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    emulated: bool
    path: re.Pattern[str] = field(repr=False, compare=False)
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Spec:
    """A namespace's model: its operations, its shapes and its routing table."""

    namespace: str
    api_version: str
    shapes: dict[str, dict[str, Any]]
    operations: dict[str, Operation]

    def shape(self, name: str) -> dict[str, Any]:
        return self.shapes[name]


def _compile(uri: str) -> tuple[re.Pattern[str], tuple[tuple[str, str], ...]]:
    path, _, query = uri.partition("?")
    pattern = ""
    pos = 0
    for m in _PARAM.finditer(path):
        pattern += re.escape(path[pos : m.start()])
        pattern += f"(?P<{m.group(1)}>.+)" if m.group(2) else f"(?P<{m.group(1)}>[^/]+)"
        pos = m.end()
    pattern += re.escape(path[pos:])
    literals = tuple((k, v) for k, _, v in (part.partition("=") for part in query.split("&") if part))
    return re.compile(pattern + "/?"), literals


@cache
def load(namespace: str) -> Spec:
    """The spec of ``namespace`` ("chime" or "chime-sdk-voice")."""
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown namespace {namespace!r}; expected one of {NAMESPACES}")
    raw = json.loads((_SPECS / f"{namespace}.json").read_text())
    ops: dict[str, Operation] = {}
    for name, op in raw["operations"].items():
        http = op["http"]
        path, query = _compile(http["requestUri"])
        ops[name] = Operation(
            namespace,
            name,
            http["method"],
            http["requestUri"],
            http["responseCode"],
            op["input"],
            op["output"],
            tuple(op["errors"]),
            True,
            path,
            query,
        )
    for name, http in raw["other_operations"].items():
        path, query = _compile(http["requestUri"])
        ops[name] = Operation(
            namespace, name, http["method"], http["requestUri"], 200, None, None, (), False, path, query
        )
    return Spec(namespace, raw["metadata"]["apiVersion"], raw["shapes"], ops)
