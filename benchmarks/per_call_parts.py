"""Section 1b: what each of the pipeline's promises costs per call, against botocore's floor.

Section 1 gives the plugin's whole overhead above the floor. Here the same paired measurement is repeated
with one stage of the request pipeline replaced, in this benchmark process only, by what a fake without
that promise would do: no redaction (the call log keeps the request as sent), no validation (any input
reaches the handler), no call record, and a canned answer body instead of serializing the handler's data.
The last row removes all four: what routing, reading the request, the state lookup and the adapter cost on
their own. Nothing here is a way to run the plugin: it says how much of the per-call target each promise
takes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from unittest import mock as patching

import boto3
from harness import Results, paired
from per_call import chime_operations, floor_row

SECTION = "1b. per call: what each promise costs (one stage left out, this process only)"
OPERATIONS = ("get_proxy_session", "list_proxy_sessions")


@contextlib.contextmanager
def _without_redaction() -> Iterator[None]:
    from pytest_chime_proxy.core import redaction

    def as_sent(request: Any) -> Any:
        return redaction.Redacted(request, ())

    with (
        patching.patch.object(redaction, "redact", as_sent),
        patching.patch.object(redaction, "for_input", lambda safe, _r, _n, _s, given: (safe, given)),
    ):
        yield


@contextlib.contextmanager
def _without_validation() -> Iterator[None]:
    from pytest_chime_proxy.core.wire import protocol

    def unchecked(parsed: Any) -> dict[str, Any]:
        return {k: v for k, v in parsed.params.items() if v is not None}

    with patching.patch.object(protocol, "check", unchecked):
        yield


@contextlib.contextmanager
def _without_record() -> Iterator[None]:
    from pytest_chime_proxy.core import pipeline

    def unrecorded(_fake: Any, _safe: Any, _params: Any, _ep: Any, _acc: Any, _p: Any, response: Any, *_: Any) -> Any:
        return SimpleNamespace(response=response)  # what the adapters read of a Call

    with patching.patch.object(pipeline, "_record", unrecorded):
        yield


@contextlib.contextmanager
def _without_serialization() -> Iterator[None]:
    from pytest_chime_proxy.core.wire import protocol

    real = protocol.success
    canned: dict[Any, Any] = {}

    def replayed(op: Any, data: Any) -> Any:
        if op not in canned:
            canned[op] = real(op, data)
        return canned[op]

    with patching.patch.object(protocol, "success", replayed):
        yield


@contextlib.contextmanager
def _without_all() -> Iterator[None]:
    with _without_redaction(), _without_validation(), _without_record(), _without_serialization():
        yield


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "as shipped": contextlib.nullcontext,
    "without redaction": _without_redaction,
    "without validation": _without_validation,
    "without the call record": _without_record,
    "without serialization (a canned body)": _without_serialization,
    "without all four": _without_all,
}


def measure(results: Results, rounds: int, calls: int, sessions_listed: int) -> None:
    """Section 1b: per operation and variant, the plugin's time as a ratio of the floor in the same rounds."""
    from pytest_chime_proxy import ChimeProxyMock

    session = boto3.session.Session()
    with ChimeProxyMock(seed=1) as mock:
        operations = chime_operations(session, mock, sessions_listed)
        for name in OPERATIONS:
            plugin_call, floor_call, *_ = operations[name]
            for variant, leave_out in VARIANTS.items():
                with leave_out():
                    medians = paired(
                        {"plugin": (plugin_call, None, None), "floor": (floor_call, None, None)}, rounds, calls
                    )
                mock.calls.clear()
                results.add(floor_row(SECTION, f"{name} {variant}", medians))
