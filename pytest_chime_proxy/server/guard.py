"""The one guard in front of every path of the server: what a web page must not be able to send it.

The fake has no authentication and runs on a developer's machine, where any page the browser shows can send
requests to ``127.0.0.1``. A page may send, cross-site and without asking the browser's CORS preflight, a GET,
or a POST whose body is ``text/plain``, form-encoded or multipart (the Fetch standard's "CORS-safelisted"
content types); and through DNS rebinding a page of the attacker's own name may reach the port with that
name in ``Host``. So, on the service paths as on the control API, a request is refused (403) when:

- its ``Host`` is not a loopback name or address (unless the server was started with ``allow_remote``),
- it carries an ``Origin`` that is not a loopback origin (``null`` included), or a ``Sec-Fetch-Site`` other
  than ``same-origin`` or ``none`` (a browser's word that another site started it),
- it is a POST whose ``Content-Type`` is one a page may send without a preflight.

SDK clients (botocore and so the AWS CLI, the JavaScript SDKs) send no ``Origin`` and ``application/json``
(or no body at all), so they pass. ``Host`` and ``Origin`` are read strictly (a name or an IP literal and a
port, nothing else): a value with userinfo, a backslash, a path or two values is refused rather than
parsed the way one URL parser or another would.

Pure: headers in, a refusal or None out. A refusal quotes ``Host`` and ``Origin`` as ``redaction.url`` keeps
them (a user name and password written before the host are not repeated).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pytest_chime_proxy.core import redaction
from pytest_chime_proxy.patching.transport import is_loopback

# RFC 9110 Host: uri-host [ ":" port ]; the host a name of letters, digits, dots and hyphens, an IPv4
# literal (the same characters) or a bracketed IPv6 literal. Nothing else (no "@", "\", "/", ",", spaces).
_HOST = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")
# RFC 6454 serialized origin: scheme "://" host [ ":" port ], nothing after it.
_ORIGIN = re.compile(r"(?P<scheme>https?)://" + _HOST.pattern)
# The Fetch standard's CORS-safelisted request header values of Content-Type.
SIMPLE_CONTENT_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
_SAFE_FETCH_SITES = frozenset({"same-origin", "none"})

Refusal = tuple[int, str]


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever the case of its name; None when absent."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def loopback_host(value: str) -> bool:
    """Whether a ``Host`` header value names this machine only (``*.localhost`` included, as browsers
    send those names to loopback)."""
    m = _HOST.fullmatch(value.strip())
    return m is not None and is_loopback(m.group("host"), localhost_subdomains=True)


def loopback_origin(value: str) -> bool:
    """Whether an ``Origin`` header value is an http(s) origin on this machine."""
    m = _ORIGIN.fullmatch(value.strip())
    return m is not None and is_loopback(m.group("host"), localhost_subdomains=True)


def media_type(content_type: str | None) -> str:
    """``text/plain`` of ``Text/Plain; charset=utf-8``; "" without a Content-Type."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def refuse(method: str, headers: Mapping[str, str], allow_remote: bool = False) -> Refusal | None:
    """(403, why) for a request a web page could have sent (400 for two Host headers), or None to serve it.

    The content type matters on a POST only: the one method with a body that a page may send without a
    preflight (and some WSGI servers, wsgiref among them, report ``text/plain`` for a request with none).
    """
    host = header(headers, "Host")
    if host is not None and "," in host:  # RFC 9112 3.2: more than one Host is a 400 (servers join repeats)
        return 400, f"more than one Host header ({redaction.url(host)!r}); send exactly one"
    if host is not None and not allow_remote and not loopback_host(host):
        return 403, (
            f"this server answers only requests for a loopback host; Host {redaction.url(host)!r} is not one "
            f"(use http://127.0.0.1:<port>, or start the server with --allow-remote)"
        )
    origin = header(headers, "Origin")
    if origin is not None and not loopback_origin(origin):
        return 403, (
            f"this server refuses requests from web pages of other origins (Origin {redaction.url(origin)!r}); "
            f"call it from your code or an SDK, not a browser"
        )
    site = header(headers, "Sec-Fetch-Site")
    if site is not None and site.strip().lower() not in _SAFE_FETCH_SITES:
        return 403, f"this server refuses requests a browser made for another site (Sec-Fetch-Site {site!r})"
    if method.upper() == "POST" and media_type(header(headers, "Content-Type")) in SIMPLE_CONTENT_TYPES:
        return 403, (
            f"this server refuses Content-Type {header(headers, 'Content-Type')!r}: a web page may send it "
            f"cross-site; send application/json, as the AWS SDKs do"
        )
    return None
