"""The call log: every request the fake saw, in order, with what it answered and how botocore got there.

Each ``Call`` keeps the attribute names of ``fake.Exchange`` (request, endpoint, account, operation, params,
response, status, error_code) and adds what retry tests need: the attempt number botocore put in its
``amz-sdk-request`` header, the backoff botocore waited before sending it, injected latency, and the fault
rule that answered. Pure: no botocore.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, overload

from pytest_chime_proxy.core.wire.protocol import WireRequest, WireResponse
from pytest_chime_proxy.core.wire.routing import Endpoint

if TYPE_CHECKING:
    from pytest_chime_proxy.core.faults import FaultRule

_SDK_REQUEST = re.compile(r"(\w+)=(\d{1,9})(?!\d)")  # longer: past int()'s digit limit, not a count


def retry_header(headers: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(attempt, max attempts) from botocore's ``amz-sdk-request: attempt=2; max=5``; Nones without it."""
    value = headers.get("amz-sdk-request")  # botocore's spelling: one lookup instead of a scan
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == "amz-sdk-request"), None)
        if value is None:
            return None, None
    if isinstance(value, bytes):
        value = value.decode()
    return _retry_value(str(value))


@lru_cache(maxsize=256)
def _retry_value(value: str) -> tuple[int | None, int | None]:
    """The parsed header value; cached, since botocore sends the same few values over and over."""
    found = dict(_SDK_REQUEST.findall(value))
    attempt, most = found.get("attempt"), found.get("max")
    return (int(attempt) if attempt else None), (int(most) if most else None)


@dataclass
class Call:
    """One request the fake saw (``request`` and ``params`` with their secrets redacted, ``core.redaction``).

    ``status`` and ``response`` are None when an injected connection error answered; ``error_code`` is then
    the botocore exception's name (``ReadTimeoutError`` ...). ``backoff`` is the time botocore's retry logic
    waited before sending this request (0.0 for a first attempt); ``attempt`` counts from 1.
    """

    request: WireRequest
    endpoint: Endpoint | None
    account: str
    operation: str | None
    params: dict[str, Any]
    response: WireResponse | None
    status: int | None
    error_code: str | None
    attempt: int | None = None
    max_attempts: int | None = None
    backoff: float = 0.0
    latency: float = 0.0
    fault: FaultRule | None = None
    time: datetime | None = field(default=None, compare=False)

    @property
    def namespace(self) -> str | None:
        """``chime`` or ``chime-sdk-voice``."""
        return self.endpoint.namespace if self.endpoint else None

    @property
    def region(self) -> str | None:
        """The region of the endpoint the request was sent to."""
        return self.endpoint.region if self.endpoint else None

    @property
    def injected(self) -> bool:
        """Whether a fault rule answered this request."""
        return self.fault is not None

    def json(self) -> Any:
        """The answer's JSON body (None for an empty body or a connection error)."""
        return self.response.json() if self.response is not None else None

    def __repr__(self) -> str:
        answer = self.status if self.status is not None else "no response"
        extra = f" {self.error_code}" if self.error_code else ""
        retry = f" attempt={self.attempt}" if self.attempt else ""
        wait = f" after {self.backoff:.3f}s backoff" if self.backoff else ""
        return f"<Call {self.namespace} {self.region} {self.operation} -> {answer}{extra}{retry}{wait}>"


# What a kept call costs beyond its bodies, URL and headers: the Call, its request and response objects, the
# parsed parameters' dicts. Measured: a server's call log filling with 10,000 ordinary calls (small bodies)
# grew it by about 20 MB, some 2 KB a call all told, so the estimate errs on the large side.
CALL_OVERHEAD = 2048


def size(call: Call) -> int:
    """The bytes a kept call holds, estimated: its bodies (the request's twice: it is kept parsed as
    ``params`` too), URL and headers, plus ``CALL_OVERHEAD``."""
    request, response = call.request, call.response
    total = CALL_OVERHEAD + 2 * len(request.body) + len(request.url)
    total += sum(len(str(name)) + len(str(value)) for name, value in request.headers.items())
    if response is not None:
        total += len(response.body) + sum(len(name) + len(value) for name, value in response.headers.items())
    return total


_FILTERS = ("operation", "namespace", "region", "status", "error_code", "attempt", "account")


class CallLog:
    """``chime_proxy.calls``: the calls in order, indexable like a list, with helpers to assert on them.

    ``count("CreateProxySession")``, ``last()``, ``filter(status=503)``, ``operations``, ``backoffs``.
    Filters are keyword equality on Call attributes (operation, namespace, region, status, error_code,
    attempt, account). ``maxlen`` (None: unbounded) keeps only the newest calls, and ``max_bytes`` (None:
    unbounded) only as many of the newest as fit in that many bytes (``size``: bodies, URL and headers, plus
    ``CALL_OVERHEAD`` for the objects); ``dropped`` counts the older ones forgotten since the last ``clear()``.
    """

    def __init__(self, maxlen: int | None = None, max_bytes: int | None = None) -> None:
        self._calls: deque[tuple[Call, int]] = deque()
        self._lock = threading.Lock()
        self.maxlen = maxlen
        self._max_bytes: int | None = None
        self.bytes = 0  # the estimated size of the calls kept (``size``), counted while ``max_bytes`` is set
        self.dropped = 0
        self.max_bytes = max_bytes

    @property
    def max_bytes(self) -> int | None:
        """The bytes the kept calls may hold (None: unbounded; sizes are then not counted)."""
        return self._max_bytes

    @max_bytes.setter
    def max_bytes(self, value: int | None) -> None:
        with self._lock:
            if value is None:
                self._calls, self.bytes = deque((call, 0) for call, _ in self._calls), 0
            elif self._max_bytes is None:  # counted from now on: count what is kept
                self._calls = deque((call, size(call)) for call, _ in self._calls)
                self.bytes = sum(cost for _, cost in self._calls)
            self._max_bytes = value
            self._trim()

    def append(self, call: Call) -> None:
        """Record a call (adapters do this through the mock); past ``maxlen`` or ``max_bytes``, the oldest
        are dropped (the newest call is always kept, whatever its size)."""
        cost = size(call) if self._max_bytes is not None else 0
        with self._lock:
            self._calls.append((call, cost))
            self.bytes += cost
            self._trim()

    def _trim(self) -> None:
        """Drop the oldest calls past the bounds (the lock held)."""
        while len(self._calls) > 1 and (
            (self.maxlen is not None and len(self._calls) > self.maxlen)
            or (self._max_bytes is not None and self.bytes > self._max_bytes)
        ):
            self.bytes -= self._calls.popleft()[1]
            self.dropped += 1

    def clear(self) -> None:
        """Forget every recorded call."""
        with self._lock:
            self._calls.clear()
            self.bytes = 0
            self.dropped = 0

    def filter(self, operation: str | None = None, **where: Any) -> CallLog:
        """The calls whose attributes equal the given values, in order, as a new ``CallLog`` (so ``count``,
        ``last`` and ``filter`` chain; it compares equal to a list of the same calls)."""
        unknown = set(where) - set(_FILTERS)
        if unknown:
            raise TypeError(f"calls.filter(): unknown filter(s) {sorted(unknown)}; known: {list(_FILTERS)}")
        if operation is not None:
            where["operation"] = operation
        calls = list(self)
        found = CallLog()
        found._calls = deque((c, 0) for c in calls if all(getattr(c, name) == value for name, value in where.items()))
        return found

    def count(self, operation: str | None = None, **where: Any) -> int:
        """How many calls match (all calls without arguments)."""
        return len(self.filter(operation, **where))

    def last(self, operation: str | None = None, **where: Any) -> Call:
        """The most recent matching call; LookupError (saying what was called) when there is none."""
        found = self.filter(operation, **where)
        if not found:
            wanted = {**({"operation": operation} if operation else {}), **where}
            raise LookupError(f"no call matching {wanted or 'anything'}; calls so far: {self.operations}")
        return found[-1]

    @property
    def operations(self) -> list[str | None]:
        """The operation of every call, in order."""
        return [c.operation for c in self]

    @property
    def backoffs(self) -> list[float]:
        """The backoff botocore waited before each call, in order (0.0 for first attempts)."""
        return [c.backoff for c in self]

    def __iter__(self) -> Iterator[Call]:
        with self._lock:
            return iter([call for call, _ in self._calls])

    def __len__(self) -> int:
        return len(self._calls)

    def __bool__(self) -> bool:
        return bool(self._calls)

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...
    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        with self._lock:
            if isinstance(index, slice):
                return [call for call, _ in list(self._calls)[index]]
            return self._calls[index][0]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CallLog):
            return list(self) == list(other)
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<CallLog {len(self)} call(s): {self.operations}>"
