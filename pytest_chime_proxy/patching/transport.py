"""What every adapter shares: turning its transport's request into a ``WireRequest``, recognising a Chime
client sent elsewhere, and the fake credentials a credential-less Chime client is signed with.

An adapter is one module with an ``_apply``/``_remove`` pair wrapped in a ``SharedPatch`` and listed once in
``lifecycle.PATCHES``; its request path calls ``active.current()``, ``to_wire_request`` and the mock's
``dispatch``.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from pytest_chime_proxy.core import pipeline
from pytest_chime_proxy.core.fake import FakeChime
from pytest_chime_proxy.core.wire.protocol import WireRequest, WireResponse
from pytest_chime_proxy.core.wire.routing import LEGACY_HOME_REGION
from pytest_chime_proxy.patching import backoff


def answer(fake: FakeChime, request: WireRequest, *, read_timeout: float | None = None) -> WireResponse | None:
    """The one way an in-process adapter asks the fake: the request pipeline, with the retry backoff this
    thread waited since its last request (None: not a Chime request, send it on)."""
    call = pipeline.handle(fake, request, read_timeout=read_timeout, waited=backoff.take_pending())
    return None if call is None else call.response


# botocore's endpoint prefix of each namespace's service model -> (namespace, host that answers it)
CHIME_PREFIXES = {"voice-chime": "chime-sdk-voice", "chime": "chime"}


def body_bytes(body: Any) -> bytes:
    """A request body as bytes; a seekable stream is read and rewound (botocore rewinds it for a retry)."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytearray):
        return bytes(body)
    if hasattr(body, "read"):
        position = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if position is not None:
            body.seek(position)
        return data if isinstance(data, bytes) else str(data).encode()
    return b"".join(chunk.encode() if isinstance(chunk, str) else bytes(chunk) for chunk in body)


def _text(value: Any) -> str:
    """A header value as text: bytes read as UTF-8, or byte for byte (latin-1, as ``http.client`` writes them)
    where they are not UTF-8; anything else (an int a hook set, say) as ``str`` gives it."""
    if type(value) is str:
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:  # never raised: its repr would carry the whole header
            return bytes(value).decode("latin-1")
    return str(value)


def header_dict(headers: Any) -> dict[str, str]:
    """Headers as a plain dict of str; botocore's ``HeadersDict`` is read from its inner dict (a lookup
    through its Mapping interface builds a key object per header)."""
    inner = getattr(headers, "_dict", None)
    items = inner.items() if type(inner) is dict else headers.items()
    # botocore's values are ASCII bytes: decoded inline, anything else by _text
    return {
        str(k): v.decode() if type(v) is bytes and v.isascii() else v if type(v) is str else _text(v) for k, v in items
    }


def to_wire_request(method: str, url: str, headers: Any, body: Any) -> WireRequest:
    """The transport-neutral request the mock's ``dispatch`` takes."""
    return WireRequest(method, url, header_dict(headers), body_bytes(body))


def is_loopback(host: str, *, localhost_subdomains: bool = False) -> bool:
    """Whether ``host`` (a name or an IP literal, IPv6 with or without brackets) is this machine: 127.0.0.0/8,
    ::1 or the name localhost. ``localhost_subdomains`` accepts ``*.localhost`` too (RFC 6761: browsers send
    them to loopback), right for a Host or Origin header, not for a name a client would still resolve."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost" or (localhost_subdomains and host.endswith(".localhost")):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hosts(url: str) -> set[str]:
    """The host of ``url`` as each parser on the way reads it: the standard library's and urllib3's (which
    opens the connection; the two disagree on odd URLs, such as a backslash before an ``@``)."""
    hosts = {urlsplit(url).hostname or ""}
    try:
        from urllib3.util import parse_url

        hosts.add(parse_url(url).host or "")
    except Exception:  # urllib3 refuses the URL: it will not connect anywhere either  # noqa: BLE001
        pass
    return hosts


def redirected_chime_url(
    endpoint_prefix: str | None, url: str, endpoint_url: str | None, region: str | None
) -> str | None:
    """The real Chime URL a Chime client's request sent to another host stands for, or None.

    A client's endpoint can be moved by ``endpoint_url=``, ``AWS_ENDPOINT_URL[_CHIME_SDK_VOICE]`` or a config
    file; while a mock is active such a request must still be answered by the mock, never sent. Loopback
    hosts are left alone (a local server, such as ``ChimeProxyServer``, is not the network).
    """
    namespace = CHIME_PREFIXES.get(endpoint_prefix or "")
    if namespace is None:
        return None
    parts = urlsplit(url)
    if all(is_loopback(host) for host in _hosts(url)):
        return None
    base = urlsplit(endpoint_url or "").path.rstrip("/")
    path = parts.path[len(base) :] if base and parts.path.startswith(base) else parts.path
    host = (
        f"voice-chime.{region or LEGACY_HOME_REGION}.amazonaws.com"
        if namespace == "chime-sdk-voice"
        else "service.chime.aws.amazon.com"
    )
    return f"https://{host}{path or '/'}" + (f"?{parts.query}" if parts.query else "")
