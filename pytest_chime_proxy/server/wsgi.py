"""The fake as a WSGI application: the Chime service paths and the control API behind one guard.

``ChimeProxyServer`` serves it with waitress; any other WSGI server can mount it (see the docs, "Mounting the
application"). The state is the mock's, in this process's memory: serve it from one process (threads are
fine, several worker processes would each have a fake of their own).

Per request, in order: the method (405 for one no Chime route has), the body's size (413 past ``max_body``
bytes, unread), the one guard (``guard.refuse``: 403 for a request a web page could have sent, or a Host
that is not loopback), then the control API under ``/_chime_proxy/`` or the request pipeline
(``core.pipeline.handle``) with the endpoint the path names. Every answer of this application is JSON with
``Message`` when it is an error; a bug inside the fake is a 500 and is kept in ``errors``. An injected
broken connection raises ``ConnectionAbortedError`` (an ``OSError``): waitress, as the server runs it, then
closes the connection without an answer, as a broken connection does.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from pytest_chime_proxy.core import pipeline, redaction
from pytest_chime_proxy.core.connection_fault import ConnectionFault
from pytest_chime_proxy.core.wire import protocol, routing
from pytest_chime_proxy.core.wire.credentials import credential
from pytest_chime_proxy.core.wire.spec import NAMESPACES
from pytest_chime_proxy.server import control, guard

if TYPE_CHECKING:
    from pytest_chime_proxy.mock import ChimeProxyMock

DEFAULT_MAX_BODY = 1024 * 1024  # 1 MiB: the largest real request (a phone-number batch) is a few KiB
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")
# Hop-by-hop headers are the server's to write (PEP 3333); the pipeline writes none, this is a guard.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "te"})

StartResponse = Callable[..., Any]
Log = Callable[[str], None]


def split_namespace(path: str, default: str) -> tuple[str, str]:
    """(namespace, path without the namespace prefix) for a request path: ``/chime/...`` and ``/console/...``
    are the legacy API, ``/chime-sdk-voice/...`` that one, anything else ``default``."""
    for namespace in NAMESPACES:
        prefix = f"/{namespace}"
        if path == prefix or path.startswith(prefix + "/"):
            return namespace, path[len(prefix) :] or "/"
    if path == routing.CONSOLE_PREFIX or path.startswith(routing.CONSOLE_PREFIX + "/"):
        return "chime", path  # the legacy endpoint's own prefix (routing strips it)
    return default, path


class ChimeProxyApp:
    """A WSGI application answering from ``mock`` (a fresh ``ChimeProxyMock`` unless given).

    ``namespace``: the API of paths without a ``/chime`` or ``/chime-sdk-voice`` prefix; ``region``: that of
    unsigned requests (the mock's unless given); ``max_body``: the largest body read; ``allow_remote``: any
    Host is served (the server was deliberately exposed); ``log``: called with one line per request (the
    URL's secrets redacted as in the call log), None for silence; ``url``: the base URL recorded in the call
    log (the server sets it once bound; otherwise the request's own scheme and Host).
    """

    def __init__(
        self,
        mock: ChimeProxyMock | None = None,
        *,
        namespace: str = "chime-sdk-voice",
        region: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        allow_remote: bool = False,
        log: Log | None = None,
        url: str | None = None,
    ) -> None:
        if namespace not in NAMESPACES:
            raise ValueError(f"namespace must be one of {NAMESPACES}, got {namespace!r}")
        if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 0:
            raise ValueError(f"max_body must be a whole number of bytes >= 0, got {max_body!r}")
        if mock is None:
            from pytest_chime_proxy.mock import ChimeProxyMock

            mock = ChimeProxyMock(region=region) if region else ChimeProxyMock()
        self.mock = mock
        self.namespace = namespace
        self.region = region or mock.region
        self.max_body = max_body
        self.allow_remote = allow_remote
        self.log = log
        self.url = url
        self.errors: list[BaseException] = []  # internal errors answered with 500, for tests to inspect

    def info(self, base: str | None = None) -> dict[str, Any]:
        """What ``/_chime_proxy/health`` reports: where it listens and how it routes."""
        return {
            "url": self.url or base,
            "default_namespace": self.namespace,
            "region": self.region,
            "account": self.mock.account,
            "legacy_prefix": "/chime",
            "control_prefix": control.PREFIX,
        }

    # ---- WSGI ------------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        target = _target(environ)
        status, headers, body = self._answer(method, target, environ)
        if self.log is not None:
            client = environ.get("REMOTE_ADDR", "-")
            shown = redaction.url(target)  # the one redaction module, as the call log's
            when = time.strftime("%d/%b/%Y %H:%M:%S")
            self.log(f'{client} - - [{when}] "{method} {shown}" {status} {len(body)}')
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        kept = [(name, value) for name, value in headers.items() if name.lower() not in _HOP_BY_HOP]
        start_response(f"{status} {phrase}", [*kept, ("Content-Length", str(len(body)))])
        return [b""] if method == "HEAD" else [body]  # a HEAD answer says the length, and sends no body

    def _answer(self, method: str, target: str, environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        if method not in METHODS:
            return _json(405, f"method {method} is not allowed; use one of {list(METHODS)}")
        headers = _headers(environ)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _json(400, f"invalid Content-Length {environ.get('CONTENT_LENGTH')!r}")
        if length > self.max_body:
            return _json(413, f"request body of {length} bytes is over the limit of {self.max_body}")
        refused = guard.refuse(method, headers, self.allow_remote)
        if refused is not None:
            return _json(*refused)
        body = environ["wsgi.input"].read(length) if length else b""
        if len(body) < length:
            return _json(400, f"request body ended after {len(body)} of {length} bytes")
        base = self.url or _base(environ, headers)
        try:
            parts = urlsplit(target)
        except ValueError as error:  # "//[::1": a target no URL parser reads is the client's error
            return _json(400, f"the request target is not a URL: {error}")
        try:
            path = parts.path or "/"
            if path.startswith(control.PREFIX) or path == control.PREFIX.rstrip("/"):
                status, payload = control.require_json(headers, body) or control.handle(
                    self.mock, method, path, body, self.info(base)
                )
                return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()
            return self._service(method, path, parts.query, headers, body, base)
        except ConnectionFault as fault:  # an injected broken connection: no answer at all
            raise ConnectionAbortedError(f"injected connection error {fault}") from fault
        except Exception as error:  # noqa: BLE001 - a bug must not cost the client its answer or the server
            self.errors.append(error)
            return _json(500, f"pytest-chime-proxy internal error: {type(error).__name__}: {error}")

    def _service(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes, base: str
    ) -> tuple[int, dict[str, str], bytes]:
        """The request pipeline, with the endpoint the path names (the host says nothing here)."""
        namespace, path = split_namespace(path, self.namespace)
        _, signed_region = credential(headers)
        region = routing.LEGACY_HOME_REGION if namespace == "chime" else (signed_region or self.region)
        url = f"{base}{path}{'?' + query if query else ''}"
        call = pipeline.handle(
            self.mock.fake, protocol.WireRequest(method, url, headers, body), routing.Endpoint(namespace, region)
        )
        assert call is not None and call.response is not None  # an explicit endpoint always routes
        return call.response.status, call.response.headers, call.response.body


def _json(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps({"Message": message}).encode()


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request's headers under their usual names (``HTTP_X_AMZ_DATE`` -> ``X-Amz-Date``)."""
    headers = {
        key[5:].replace("_", "-").title(): str(value) for key, value in environ.items() if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = str(environ[key])
    return headers


def _target(environ: dict[str, Any]) -> str:
    """The request target as the client sent it, still percent-encoded (the pipeline decodes it once)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")  # waitress, gunicorn
    if raw and not environ.get("SCRIPT_NAME"):
        if "://" in raw.split("?", 1)[0]:  # absolute form: keep the path and query
            try:
                parts = urlsplit(raw)
            except ValueError:  # unreadable: left whole, for _answer to refuse (400)
                return str(raw)
            raw = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return str(raw)
    path = quote(str(environ.get("PATH_INFO", "")).encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    query = environ.get("QUERY_STRING")
    return (path or "/") + (f"?{query}" if query else "")


def _base(environ: dict[str, Any], headers: dict[str, str]) -> str:
    """``scheme://host`` of a request, for the call log when the app does not know its own URL."""
    host = headers.get("Host") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def stderr_log(line: str) -> None:
    """The request log of ``chime-proxy-server`` without ``--quiet``."""
    print(line, file=sys.stderr, flush=True)
