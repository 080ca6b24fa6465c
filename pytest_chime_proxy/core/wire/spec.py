"""The two namespaces' service models, trimmed to what the fake needs and loaded once, on first use.

The snapshots are written by ``tools/snapshot_spec.py`` from botocore's own models, so routes, status codes,
constraints and output members come from the same data botocore uses (the legacy ``chime`` model is no
longer shipped by botocore, hence the copy).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

NAMESPACES = ("chime-sdk-voice", "chime")
_SPECS = Path(__file__).with_name("specs")
_PARAM = re.compile(r"\{(\w+)(\+?)\}")


@dataclass(frozen=True, eq=False)
class Operation:
    """One operation of one namespace: where it lives on the wire and which shapes it reads and writes.

    Compared and hashed by identity: ``load`` makes each once, and the per-operation caches look them up on
    every request (a field-by-field hash cost more than the lookup).
    """

    namespace: str
    name: str
    method: str
    uri: str
    status: int
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    emulated: bool
    query: tuple[tuple[str, str], ...] = ()

    @cached_property
    def path_source(self) -> str:
        """The path's pattern as text: each label a named group, matching a whole path (``path``)."""
        return _path_source(self.uri)

    @cached_property
    def path(self) -> re.Pattern[str]:
        """The path's pattern, compiled on first use (routing compiles it only to try the routes one by one)."""
        return re.compile(self.path_source)


@dataclass(frozen=True)
class Spec:
    """A namespace's model: its operations, its shapes and its routing table."""

    namespace: str
    api_version: str
    shapes: dict[str, dict[str, Any]]
    operations: dict[str, Operation]

    def shape(self, name: str) -> dict[str, Any]:
        return self.shapes[name]


def _path_source(uri: str) -> str:
    path = uri.partition("?")[0]
    pattern = ""
    pos = 0
    for m in _PARAM.finditer(path):
        pattern += re.escape(path[pos : m.start()])
        pattern += f"(?P<{m.group(1)}>.+)" if m.group(2) else f"(?P<{m.group(1)}>[^/]+)"
        pos = m.end()
    pattern += re.escape(path[pos:])
    return pattern + "/?"


def _query_literals(uri: str) -> tuple[tuple[str, str], ...]:
    query = uri.partition("?")[2]
    return tuple((k, v) for k, _, v in (part.partition("=") for part in query.split("&") if part))


@cache
def load(namespace: str) -> Spec:
    """The spec of ``namespace`` ("chime" or "chime-sdk-voice")."""
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown namespace {namespace!r}; expected one of {NAMESPACES}")
    raw = json.loads((_SPECS / f"{namespace}.json").read_text())
    ops: dict[str, Operation] = {}
    for name, op in raw["operations"].items():
        http = op["http"]
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
            _query_literals(http["requestUri"]),
        )
    for name, http in raw["other_operations"].items():
        ops[name] = Operation(
            namespace,
            name,
            http["method"],
            http["requestUri"],
            200,
            None,
            None,
            (),
            False,
            _query_literals(http["requestUri"]),
        )
    return Spec(namespace, raw["metadata"]["apiVersion"], raw["shapes"], ops)
