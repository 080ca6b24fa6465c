"""botocore adapter: answer Chime requests where botocore would open a connection.

botocore's ``Endpoint._send`` is the one place every client's request goes after signing and before the
network; answering there (rather than in a ``before-send`` handler, which only clients built after
registration would see) catches clients created before the mock started, and keeps botocore's retries,
signing and parsing real. A request for any other host goes on to the real ``_send`` untouched (so moto and
real AWS calls compose) -- except a Chime client's request whose endpoint was moved elsewhere
(``endpoint_url``, ``AWS_ENDPOINT_URL``...): the mock answers it as the real endpoint it stands for.

Credentials are kept out of it by ``credentials`` (every client kind, at creation and at signing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pytest_chime_proxy.core import redaction
from pytest_chime_proxy.core.connection_fault import ConnectionFault
from pytest_chime_proxy.core.wire.credentials import credential
from pytest_chime_proxy.core.wire.protocol import WireRequest
from pytest_chime_proxy.core.wire.routing import resolve_host
from pytest_chime_proxy.patching import active, backoff, transport
from pytest_chime_proxy.patching.shared_patch import SharedPatch
from pytest_chime_proxy.patching.transport import (
    CHIME_PREFIXES,
    body_bytes,
    header_dict,
    redirected_chime_url,
)

_original_send: Callable[..., Any] | None = None
_AWSResponse: Any = None  # botocore.awsrequest.AWSResponse, imported by the first _apply


class _Raw:
    """The ``raw`` object botocore's AWSResponse reads the body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def read_timeout(endpoint: Any, request: Any) -> float | None:
    """The read timeout botocore would use for ``request`` (per-request override, else the client's)."""
    context = getattr(request, "context", None) or {}
    timeout: Any = context.get("read_timeout")
    if timeout is None:
        timeout = getattr(getattr(endpoint, "http_session", None), "_timeout", None)
        # urllib3's Timeout, aiohttp's ClientTimeout (aiobotocore), or one number for both
        timeout = getattr(timeout, "read_timeout", getattr(timeout, "sock_read", timeout))
    return float(timeout) if isinstance(timeout, (int, float)) else None


def connection_error(fault: ConnectionFault, request: Any) -> Exception:
    """botocore's own exception for an injected connection fault, as its HTTP session raises it; its message
    names the URL as the call log keeps it (a query-signed request's signature and token redacted)."""
    from botocore import exceptions

    url = redaction.url(request.url)
    error: Exception = getattr(exceptions, fault.botocore_name)(endpoint_url=url, request=request, error=fault)
    return error


def wire_request(endpoint: Any, request: Any) -> WireRequest:
    """The request as the fake sees it; a Chime client's request to a moved endpoint is put back on the
    real Chime URL (the region from the client's SigV4 scope) so the fake answers it."""
    headers = header_dict(request.headers)
    url = request.url
    prefix = getattr(endpoint, "_endpoint_prefix", None)
    if prefix in CHIME_PREFIXES and resolve_host(url.split("/", 3)[2]) is None:
        url = redirected_chime_url(prefix, url, getattr(endpoint, "host", None), credential(headers)[1]) or url
    return WireRequest(request.method, url, headers, body_bytes(request.body))


def _send(endpoint: Any, request: Any) -> Any:
    mock = active.current()
    backoff.answered(None)
    if mock is not None:
        wire = wire_request(endpoint, request)
        # the read timeout only matters to injected latency: no fault rule, no need to look it up
        timeout = read_timeout(endpoint, request) if mock.rules else None
        try:
            answer = transport.answer(mock, wire, read_timeout=timeout)
        except ConnectionFault as fault:
            backoff.answered(mock)
            raise connection_error(fault, request) from None
        if answer is not None:
            backoff.answered(mock)
            return _AWSResponse(request.url, answer.status, answer.headers, _Raw(answer.body))
    assert _original_send is not None
    return _original_send(endpoint, request)


def _apply() -> None:
    global _original_send, _AWSResponse
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import Endpoint

    _AWSResponse = AWSResponse
    _original_send = Endpoint._send
    Endpoint._send = _send


def _remove() -> None:
    global _original_send
    from botocore.endpoint import Endpoint

    Endpoint._send = _original_send
    _original_send = None


patch = SharedPatch(_apply, _remove)
