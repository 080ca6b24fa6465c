"""The generated output writers: the same output as a plain walk of the model's shapes, and their source is
shown by tracebacks and ``inspect`` (registered with ``linecache``)."""

from __future__ import annotations

import inspect
import linecache
from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_chime_proxy.core.wire import serialize, spec

WHEN = datetime(2024, 3, 1, 12, 0, 0, 125000, tzinfo=timezone.utc)


def _walk(model: Any, shape_name: str, value: Any) -> Any:
    """The plain walker the writers must agree with: every member present, sorted, timestamps as text."""
    shape = model.shape(shape_name)
    if value is None:
        return None
    if shape["type"] == "structure":
        return {m: _walk(model, ref["shape"], value.get(m)) for m, ref in sorted(shape.get("members", {}).items())}
    if shape["type"] == "list":
        return [_walk(model, shape["member"]["shape"], v) for v in value]
    if shape["type"] == "timestamp":
        return value.isoformat(timespec="milliseconds")[:23] + "Z"
    return value


def _example(model: Any, shape_name: str, depth: int = 0, skip: bool = False) -> Any:
    """Data for a shape, with every other member left out (so absent members are written as null)."""
    shape = model.shape(shape_name)
    kind = shape["type"]
    if kind == "structure":
        members = sorted(shape.get("members", {}).items())
        return {
            m: _example(model, ref["shape"], depth + 1)
            for i, (m, ref) in enumerate(members)
            if depth < 4 and (i % 2 == 0 or not skip)
        }
    if kind == "list":
        return [_example(model, shape["member"]["shape"], depth + 1, skip=True) for _ in range(2)] if depth < 4 else []
    return {"timestamp": WHEN, "boolean": True, "integer": 7, "long": 7, "double": 1.5, "float": 1.5}.get(kind, "text")


def _outputs() -> list[tuple[str, str]]:
    found = []
    for namespace in ("chime", "chime-sdk-voice"):
        model = spec.load(namespace)
        found += [(namespace, op.output) for op in model.operations.values() if op.emulated and op.output]
    return found


@pytest.mark.parametrize("namespace, shape_name", _outputs())
@pytest.mark.parametrize("skip", [False, True])
def test_a_writer_writes_what_the_plain_walk_writes(namespace: str, shape_name: str, skip: bool) -> None:
    model = spec.load(namespace)
    data = _example(model, shape_name, skip=skip)
    assert serialize.writer(namespace, shape_name)(data) == _walk(model, shape_name, data)


def test_a_writers_source_is_shown_by_inspect_and_tracebacks() -> None:
    namespace, shape_name = _outputs()[0]
    write = serialize.writer(namespace, shape_name)
    source = inspect.getsource(write)
    assert source.startswith("def _w") and "get = value.get" in source
    assert linecache.getline(write.__code__.co_filename, 1).startswith("def _w")
