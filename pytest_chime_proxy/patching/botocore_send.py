"""botocore adapter: answer Chime requests where botocore would open a connection.

botocore's ``Endpoint._send`` is the one place every client's request goes after signing and before the
network; answering there (rather than in a ``before-send`` handler, which only clients built after
registration would see) catches clients created before the mock started, and keeps botocore's retries,
signing and parsing real. A request for any other host goes on to the real ``_send`` untouched (so moto and
real AWS calls compose) -- except a Chime client's request whose endpoint was moved elsewhere
(``endpoint_url``, ``AWS_ENDPOINT_URL``...): the mock answers it as the real endpoint it stands for.

Two more patches keep credentials out of it while a mock is active: a Chime client made from any botocore
session (one made before the mock included) gets the fake keys, so none of the session's credential
providers runs (no ``credential_process``, no STS call for a role); and a Chime client that found no
credentials before the mock signs with the fake ones (botocore would raise ``NoCredentialsError`` before the
request reached the mock). Keys passed explicitly (``aws_access_key_id=``) are left as given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pytest_chime_proxy.core.faults import ConnectionFault
from pytest_chime_proxy.core.wire.credentials import FAKE_ACCESS_KEY, FAKE_SECRET_KEY, credential
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
_original_auth: Callable[..., Any] | None = None
_original_create_client: Callable[..., Any] | None = None
CHIME_SERVICES = ("chime", "chime-sdk-voice")
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
        timeout = getattr(timeout, "read_timeout", timeout)  # urllib3 Timeout, or one number for both
    return float(timeout) if isinstance(timeout, (int, float)) else None


def connection_error(fault: ConnectionFault, request: Any) -> Exception:
    """botocore's own exception for an injected connection fault, as its HTTP session raises it."""
    from botocore import exceptions

    error: Exception = getattr(exceptions, fault.botocore_name)(endpoint_url=request.url, request=request, error=fault)
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
        timeout = read_timeout(endpoint, request) if mock.faults else None
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


def _get_auth_instance(
    signer: Any,
    signing_name: str,
    region_name: str,
    signature_version: Any = None,
    request_credentials: Any = None,
    **kwargs: Any,
) -> Any:
    assert _original_auth is not None
    if (
        request_credentials is None
        and getattr(signer, "_credentials", None) is None
        and signing_name == "chime"
        and active.any_active()
    ):
        from botocore.credentials import Credentials

        request_credentials = Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY, method="pytest-chime-proxy")
    return _original_auth(signer, signing_name, region_name, signature_version, request_credentials, **kwargs)


def _create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
    assert _original_create_client is not None
    if (
        service_name in CHIME_SERVICES
        and active.any_active()
        and kwargs.get("aws_access_key_id") is None
        and kwargs.get("aws_secret_access_key") is None
        and kwargs.get("aws_session_token") is None
        and len(args) < 6
    ):  # keys not given, positionally or by name: the fake ones, resolving nothing
        kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = FAKE_ACCESS_KEY, FAKE_SECRET_KEY
    return _original_create_client(session, service_name, *args, **kwargs)


def _apply() -> None:
    global _original_send, _original_auth, _original_create_client, _AWSResponse
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import Endpoint
    from botocore.session import Session
    from botocore.signers import RequestSigner

    _AWSResponse = AWSResponse
    _original_send, _original_auth = Endpoint._send, RequestSigner.get_auth_instance
    _original_create_client = Session.create_client
    Endpoint._send = _send
    RequestSigner.get_auth_instance = _get_auth_instance
    RequestSigner.get_auth = _get_auth_instance
    Session.create_client = _create_client  # botocore's alias


def _remove() -> None:
    global _original_send, _original_auth, _original_create_client
    from botocore.endpoint import Endpoint
    from botocore.session import Session
    from botocore.signers import RequestSigner

    Endpoint._send = _original_send
    RequestSigner.get_auth_instance = RequestSigner.get_auth = _original_auth
    Session.create_client = _original_create_client
    _original_send = _original_auth = _original_create_client = None


patch = SharedPatch(_apply, _remove)
