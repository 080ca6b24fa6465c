"""botocore adapter: answer Chime requests where botocore would open a connection.

botocore's ``Endpoint._send`` is the one place every client's request goes after signing and before the
network; answering there (rather than in a ``before-send`` handler, which only clients built after
registration would see) catches clients created before the mock started, and keeps botocore's retries,
signing and parsing real. The patch is installed by the first active mock and removed by the last; a
request for any other host goes on to the real ``_send`` untouched (so moto and real AWS calls compose).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from ..mock import ChimeProxyMock

_lock = threading.Lock()
_active: list["ChimeProxyMock"] = []
_original: Callable[..., Any] | None = None


class _Raw:
    """The ``raw`` object botocore's AWSResponse reads the body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):  # a seekable stream botocore will rewind for a retry
        position = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if position is not None:
            body.seek(position)
        return data if isinstance(data, bytes) else str(data).encode()
    return bytes(body)


def current() -> "ChimeProxyMock | None":
    """The innermost active mock, which answers."""
    return _active[-1] if _active else None


def read_timeout(endpoint: Any, request: Any) -> float | None:
    """The read timeout botocore would use for ``request`` (per-request override, else the client's)."""
    context = getattr(request, "context", None) or {}
    timeout: Any = context.get("read_timeout")
    if timeout is None:
        timeout = getattr(getattr(endpoint, "http_session", None), "_timeout", None)
        timeout = getattr(timeout, "read_timeout", timeout)  # urllib3 Timeout, or one number for both
    return float(timeout) if isinstance(timeout, (int, float)) else None


def connection_error(fault: Any, request: Any) -> Exception:
    """botocore's own exception for an injected connection fault, as its HTTP session raises it."""
    from botocore import exceptions

    return getattr(exceptions, fault.botocore_name)(endpoint_url=request.url, request=request, error=fault)


def _headers(headers: Any) -> dict[str, str]:
    """``dict(headers.items())`` for botocore's case-insensitive ``HeadersDict``, read from its inner dict.

    Going through the Mapping interface makes a ``_HeaderKey`` per lookup (8 us a request, measured); the
    inner dict holds the same keys (as ``_HeaderKey``, whose ``str`` is the name as given) and values in
    the same order. Any other mapping (or a future botocore without ``_dict``) takes the plain way.
    """
    inner = getattr(headers, "_dict", None)
    if type(inner) is dict:
        return {str(key): value for key, value in inner.items()}
    return dict(headers.items())


class _Lazy:
    """What ``_send`` needs on every request, imported once by the first ``activate`` (not at plugin load,
    and not per request: a ``from x import y`` inside a function costs about a microsecond each time)."""

    backoff: Any = None
    AWSResponse: Any = None
    ConnectionFault: Any = None
    WireRequest: Any = None

    @classmethod
    def load(cls) -> None:
        if cls.WireRequest is None:
            from botocore.awsrequest import AWSResponse

            from .. import backoff
            from ..faults import ConnectionFault
            from ..wire.protocol import WireRequest

            cls.backoff, cls.AWSResponse, cls.ConnectionFault = backoff, AWSResponse, ConnectionFault
            cls.WireRequest = WireRequest


def _send(endpoint: Any, request: Any) -> Any:
    lazy = _Lazy
    if lazy.WireRequest is None:  # a mock that never went through activate (not expected)
        lazy.load()
    backoff = lazy.backoff
    mock = _active[-1] if _active else None
    backoff.answered(None)
    if mock is not None:
        wire = lazy.WireRequest(request.method, request.url, _headers(request.headers), _body_bytes(request.body))
        # the read timeout only matters to injected latency: no fault rule, no need to look it up
        timeout = read_timeout(endpoint, request) if mock.faults else None
        try:
            answer = mock.dispatch(wire, read_timeout=timeout)
        except lazy.ConnectionFault as fault:
            backoff.answered(mock)
            raise connection_error(fault, request) from None
        if answer is not None:
            backoff.answered(mock)
            return lazy.AWSResponse(request.url, answer.status, answer.headers, _Raw(answer.body))
    assert _original is not None
    return _original(endpoint, request)


def activate(mock: "ChimeProxyMock") -> None:
    global _original
    from botocore.endpoint import Endpoint

    _Lazy.load()
    with _lock:
        if not _active:
            _original = Endpoint._send
            Endpoint._send = _send  # type: ignore[method-assign]
        _active.append(mock)


def deactivate(mock: "ChimeProxyMock") -> None:
    global _original
    from botocore.endpoint import Endpoint

    with _lock:
        if mock in _active:
            _active.remove(mock)
        if not _active and _original is not None:
            Endpoint._send = _original  # type: ignore[method-assign]
            _original = None
