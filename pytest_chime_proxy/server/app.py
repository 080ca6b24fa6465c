"""Server mode: the fake as a real HTTP server on loopback, for SDKs in any language (``endpoint_url``).

Run ``chime-proxy-server --port 0`` (it prints its URL), or in a test use ``ChimeProxyServer`` as a context
manager or the ``chime_proxy_server`` fixture. Requests go through the same ``ChimeProxyMock.dispatch`` as
in-process calls (state, recorded calls, fault rules), so there is no second implementation.

Routing rules, because the host no longer tells which endpoint a client meant:

- namespace: a path under ``/chime/`` is the legacy ``chime`` API and one under ``/chime-sdk-voice/`` the
  ``chime-sdk-voice`` API (point ``endpoint_url`` at ``<url>/chime``), as is one under ``/console/`` (the
  legacy endpoint's own prefix, ``https://service.chime.aws.amazon.com/console``); any other path is the server's default
  namespace (``chime-sdk-voice`` unless ``--namespace chime``). Both APIs share their URIs, so nothing else
  could tell them apart: both sign as service ``chime``.
- region: the SigV4 credential scope of the request (what the client was configured with); unsigned requests
  get the server's ``--region``. The legacy API answers from its home region, as its real endpoint does.
- account: the access key id, by moto's rule (12 digits name the account), as in-process.

Credentials: clients sign with any keys; ``CREDENTIALS`` are the fake ones the server prints (as shell
``export`` lines) and ``ChimeProxyServer.client()`` uses, so that the AWS CLI and SDKs, which refuse to send
an unsigned request, work without a real account.

Robustness: loopback only unless ``allow_remote`` (``--allow-remote``, with a warning); a port in use fails
at once with the OS error; bodies over ``max_body`` bytes get 413 and chunked bodies 411 without being read;
a malformed request line or header, a repeated Content-Length or Host, or a Content-Length that is not a
plain number gets 400 (431 for too many headers); an unknown method 405; a path that no Chime operation has
404; JSON nested too deeply 400; nothing a client sends stops the server. Every error answer is JSON with
``Message``. The listen backlog holds ``REQUEST_QUEUE_SIZE`` connections; the call log keeps the newest
``max_calls`` calls. The control API refuses non-loopback Host/Origin (403) and non-JSON bodies (415), so a
web page cannot drive it (``control.guard``).

Faults: rules added in-process (``server.mock.inject``) or through ``/_chime_proxy/faults`` apply as they do
in-process; over HTTP every injected connection error (whatever its kind) is the connection closed without an
answer, which clients report as a closed connection (botocore: ``ConnectionClosedError``).
"""

from __future__ import annotations

import argparse
import email.errors
import ipaddress
import json
import socket
import sys
import threading
import warnings
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_chime_proxy.core.wire.credentials import FAKE_KEYS
from pytest_chime_proxy.core.wire.spec import NAMESPACES

if TYPE_CHECKING:
    from pytest_chime_proxy.core.wire.protocol import WireResponse
    from pytest_chime_proxy.mock import ChimeProxyMock

DEFAULT_HOST = "127.0.0.1"
DEFAULT_MAX_BODY = 1024 * 1024  # 1 MiB: the largest real request (a phone-number batch) is a few KiB
# The call log's bound: far more calls than a test asserts on between two resets, while a soak test or a
# long-lived server stays at a few tens of MB (a typical call, request and answer, keeps a few KB).
DEFAULT_MAX_CALLS = 10_000
# The listen backlog: 100 clients connecting at once all wait in the kernel's queue instead of being dropped
# (the stdlib's default is 5); the kernel caps it at net.core.somaxconn.
REQUEST_QUEUE_SIZE = 1024
# The fake credentials clients sign with: AWS SDKs refuse to send a request without any.
CREDENTIALS = FAKE_KEYS  # what the export line prints
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")


def split_namespace(path: str, default: str) -> tuple[str, str]:
    """(namespace, path without the namespace prefix) for a request path, by the rule in the module doc."""
    for namespace in NAMESPACES:
        prefix = f"/{namespace}"
        if path == prefix or path.startswith(prefix + "/"):
            return namespace, path[len(prefix) :] or "/"
    from pytest_chime_proxy.core.wire.routing import CONSOLE_PREFIX

    if path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/"):
        return "chime", path  # the legacy endpoint's own prefix (routing strips it)
    return default, path


class _Handler(BaseHTTPRequestHandler):
    """One connection; ``self.server.app`` is the ``ChimeProxyServer`` it serves."""

    protocol_version = "HTTP/1.1"  # keep-alive, as SDK connection pools expect
    server_version = "pytest-chime-proxy"
    timeout = 30  # a client that stops sending mid-request frees its thread after this many seconds
    disable_nagle_algorithm = True  # headers and body go out at once: no delayed-ACK stall per keep-alive request
    server: _HTTPServer

    # ---- answering ---------------------------------------------------------------------------------------
    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _send_json(self, status: int, payload: dict[str, Any], error_type: str | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        self._send(status, headers, json.dumps(payload).encode())

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors from the HTTP layer itself (bad request line, too many headers ...) as JSON too."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # an unparsable request line: answer with a status line anyway
            self.request_version = "HTTP/1.0"
        text = message or self.responses.get(code, ("Error",))[0]
        try:
            self._send_json(code, {"Message": text if not explain else f"{text}: {explain}"})
        except OSError:
            pass

    def finish(self) -> None:
        """Close gently after an error: the answer first, then read what the client still sends, so that
        closing with unread bytes (a body we refused) does not reset the connection and lose the answer."""
        super().finish()
        if self.close_connection:
            try:
                self.connection.shutdown(socket.SHUT_WR)
                self.connection.settimeout(0.5)
                for _ in range(64):
                    if not self.connection.recv(65536):
                        break
            except OSError:
                pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if not self.server.app.quiet:
            super().log_message(format, *args)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any other method: a clear 405 rather than the stdlib's 501
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self.close_connection = True
        self._send_json(405, {"Message": f"method {self.command} is not allowed; use one of {list(_METHODS)}"})

    # ---- reading -----------------------------------------------------------------------------------------
    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 4xx for one that cannot or must not be read.

        One Content-Length of plain digits only: two of them (equal or not), a sign, a list or a Python-only
        spelling such as ``1_0`` is the shape of request smuggling, so it is refused rather than guessed at.
        """
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._send_json(411, {"Message": "chunked request bodies are not accepted; send Content-Length"})
            return None
        values = self.headers.get_all("Content-Length") or []
        if len(values) > 1:
            self.close_connection = True
            self._send_json(400, {"Message": f"{len(values)} Content-Length headers {values}; send exactly one"})
            return None
        if not values:
            return b""
        raw = values[0].strip()
        if not (raw.isascii() and raw.isdigit()):
            self.close_connection = True
            self._send_json(400, {"Message": f"invalid Content-Length {values[0]!r}; it must be a number of bytes"})
            return None
        limit = self.server.app.max_body
        length = int(raw) if len(raw) <= 18 else limit + 1  # more digits than any body: over the limit
        if length > limit:
            self.close_connection = True
            self._send_json(413, {"Message": f"request body of {length} bytes is over the limit of {limit}"})
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            self._send_json(400, {"Message": f"request body ended after {len(body)} of {length} bytes"})
            return None
        return body

    def _handle(self) -> None:
        defects = [d for d in self.headers.defects if not isinstance(d, _BODY_DEFECTS)]
        if defects:  # e.g. a header line without a colon
            self.send_error(400, "malformed request headers", "; ".join(type(d).__name__ for d in defects))
            return
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:  # RFC 9112 3.2: a server must answer 400 to more than one Host
            self.send_error(400, "more than one Host header", ", ".join(map(repr, hosts)))
            return
        body = self._read_body()
        if body is None:
            return
        try:
            status, headers, payload = self.server.app.answer(self.command, self.path, dict(self.headers), body)
        except _DropConnection:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        except Exception as error:  # noqa: BLE001 - a bug must not cost the client its answer or the server
            self.server.app.errors.append(error)
            status, headers, payload = (
                500,
                {"Content-Type": "application/json"},
                json.dumps({"Message": f"pytest-chime-proxy internal error: {type(error).__name__}: {error}"}).encode(),
            )
        self._send(status, headers, payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


# What the stdlib's header parser reports about a multipart body it never sees: no fault of the headers.
_BODY_DEFECTS = (
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
    email.errors.CloseBoundaryNotFoundDefect,
)


class _DropConnection(Exception):
    """A fault rule asked for a broken connection: close the socket without an answer."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # a port in use is an error at once, not a silent share
    request_queue_size = REQUEST_QUEUE_SIZE
    app: ChimeProxyServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that resets or drops its connection is no error of the server's: one line, and nothing
        with ``quiet``; anything else keeps the stdlib's traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            if not self.app.quiet:
                print(f"chime-proxy-server: connection from {client_address[0]} ended: {error}", file=sys.stderr)
            return
        super().handle_error(request, client_address)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6  # --host ::1


class ChimeProxyServer:
    """The fake served over HTTP on ``host:port`` (port 0: any free port; see ``url``).

    ``mock`` is the state it serves (a fresh ``ChimeProxyMock`` unless given; it is not started, so this
    process's own botocore calls are not intercepted); its call log is bounded to the newest ``max_calls``
    calls (None: unbounded). A ``host`` beyond loopback needs ``allow_remote=True`` (and warns): the fake
    has no authentication. Use as a context manager or ``start()``/``stop()``; ``client()`` gives a boto3
    client pointed at it.
    """

    def __init__(
        self,
        mock: ChimeProxyMock | None = None,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        namespace: str = "chime-sdk-voice",
        region: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        max_calls: int | None = DEFAULT_MAX_CALLS,
        quiet: bool = True,
        allow_remote: bool = False,
    ) -> None:
        if namespace not in NAMESPACES:
            raise ValueError(f"namespace must be one of {NAMESPACES}, got {namespace!r}")
        if max_body < 0:
            raise ValueError("max_body must be >= 0 bytes")
        if max_calls is not None and (isinstance(max_calls, bool) or not isinstance(max_calls, int) or max_calls < 1):
            raise ValueError(f"max_calls must be a whole number >= 1 (or None: unbounded), got {max_calls!r}")
        if not binds_to_loopback(host):
            if not allow_remote:
                raise ValueError(
                    f"host {host!r} is not loopback: anyone who can reach it could drive the fake; "
                    f"pass allow_remote=True (--allow-remote) if that is what you want"
                )
            warnings.warn(remote_warning(host), RuntimeWarning, stacklevel=2)
        if mock is None:
            from pytest_chime_proxy.mock import ChimeProxyMock

            mock = ChimeProxyMock(region=region) if region else ChimeProxyMock()
        self.mock = mock
        self.mock.calls.maxlen = max_calls
        self.allow_remote = allow_remote
        self.host, self.port = host, port
        self.namespace = namespace
        self.region = region or mock.region
        self.max_body = max_body
        self.quiet = quiet
        self.errors: list[BaseException] = []  # internal errors answered with 500, for tests to inspect
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- life cycle --------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://host:port`` of the running server (the bound port when started with port 0)."""
        if self._server is None:
            raise RuntimeError("the server is not running; call start() or use it as a context manager")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> ChimeProxyServer:
        """Bind and serve in a daemon thread. Idempotent. A port in use raises OSError at once."""
        if self._server is not None:
            return self
        server_class: type[_HTTPServer] = _HTTPServer6 if ":" in self.host else _HTTPServer
        server = server_class((self.host, self.port), _Handler)
        server.app = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"chime-proxy-server:{self.url}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the console script)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> ChimeProxyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """The environment a CLI or SDK needs to call the server: fake credentials and the server's region."""
        return {**CREDENTIALS, "AWS_DEFAULT_REGION": self.region}

    def client(self, service: str = "chime-sdk-voice", **kwargs: Any) -> Any:
        """A boto3 client for ``service`` (``chime-sdk-voice``, or the legacy ``chime`` under ``/chime``)
        pointed at the server, with fake credentials and the server's region; ``kwargs`` go to
        ``boto3.client`` and win (``region_name=``, ``config=`` ...)."""
        import boto3

        if service not in NAMESPACES:
            raise ValueError(f"service must be one of {NAMESPACES}, got {service!r}")
        options: dict[str, Any] = {
            "endpoint_url": self.url + ("/chime" if service == "chime" else ""),
            "region_name": self.region,
            "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        }
        options.update(kwargs)
        return boto3.client(service, **options)

    def info(self) -> dict[str, Any]:
        """What ``/_chime_proxy/health`` reports: where it listens and how it routes."""
        return {
            "url": self.url,
            "default_namespace": self.namespace,
            "region": self.region,
            "account": self.mock.account,
            "legacy_prefix": "/chime",
            "control_prefix": "/_chime_proxy/",
        }

    # ---- one request -------------------------------------------------------------------------------------
    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for one HTTP request; pure apart from the mock's state."""
        from pytest_chime_proxy.server import control

        parts = urlsplit(target)
        path = parts.path or "/"
        if path.startswith(control.PREFIX) or path == control.PREFIX.rstrip("/"):
            refused = control.guard(method, headers, body, self.allow_remote)
            status, payload = refused or control.handle(self.mock, method, path, body, self.info())
            return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()
        response = self._service(method, path, parts.query, headers, body)
        return response.status, response.headers, response.body

    def _service(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> WireResponse:
        """The request pipeline, with the endpoint the path names (the host says nothing here)."""
        from pytest_chime_proxy.core import pipeline
        from pytest_chime_proxy.core.faults import ConnectionFault
        from pytest_chime_proxy.core.wire import protocol, routing
        from pytest_chime_proxy.core.wire.credentials import credential

        namespace, path = split_namespace(path, self.namespace)
        _, signed_region = credential(headers)
        region = routing.LEGACY_HOME_REGION if namespace == "chime" else (signed_region or self.region)
        url = f"{self.url}{path}{'?' + query if query else ''}"
        try:
            call = pipeline.handle(
                self.mock.fake, protocol.WireRequest(method, url, headers, body), routing.Endpoint(namespace, region)
            )
        except ConnectionFault as error:  # an injected broken connection
            raise _DropConnection() from error
        assert call is not None and call.response is not None  # an explicit endpoint always routes
        return call.response


def binds_to_loopback(host: str) -> bool:
    """Whether binding ``host`` listens on loopback only: a loopback IP literal, or the name ``localhost``
    when every address the OS resolves it to is loopback. Any other name needs ``allow_remote``: what a
    resolver makes of ``evil.localhost`` is not ours to know (and asking would send a DNS query)."""
    host = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        pass
    if host.lower().rstrip(".") != "localhost":
        return False
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = {str(info[4][0]).split("%", 1)[0] for info in found}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def remote_warning(host: str) -> str:
    return (
        f"chime-proxy-server listens on {host}, beyond loopback: anyone who can reach this machine can "
        f"read and change the fake's state (it has no authentication)"
    )


def export_line(environment: dict[str, str]) -> str:
    """``export NAME=value ...``: what a shell needs before ``aws ... --endpoint-url`` can sign its calls."""
    return "export " + " ".join(f"{name}={value}" for name, value in environment.items())


def build_parser() -> argparse.ArgumentParser:
    """The console script's options."""
    parser = argparse.ArgumentParser(
        prog="chime-proxy-server",
        description="Serve the pytest-chime-proxy fake of the Amazon Chime proxy-session API over HTTP. "
        "Point any SDK's endpoint_url at the printed URL (add /chime for the legacy chime API); "
        "arrange state through the control API under /_chime_proxy/.",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to bind (default: %(default)s, loopback); beyond loopback needs --allow-remote",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host beyond loopback (the fake has no authentication: a warning is printed)",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument(
        "--namespace",
        choices=NAMESPACES,
        default="chime-sdk-voice",
        help="API for paths without a /chime or /chime-sdk-voice prefix (default: %(default)s)",
    )
    parser.add_argument("--region", default="us-east-1", help="region of unsigned requests (default: %(default)s)")
    parser.add_argument("--account", default=None, help="default account id (default: 123456789012)")
    parser.add_argument("--seed", type=int, default=None, help="seed for reproducible generated ids")
    parser.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help="largest request body in bytes; larger ones get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--max-calls",
        type=int,
        default=DEFAULT_MAX_CALLS,
        help="calls the call log keeps (/_chime_proxy/calls); older ones are dropped (default: %(default)s)",
    )
    parser.add_argument(
        "--voice-connector",
        action="append",
        default=[],
        metavar="NUMBERS",
        help="create a voice connector ready for proxy sessions with these comma-separated "
        "numbers and print its id (repeatable)",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="any other mock option, its value as JSON, e.g. --option order_delay=0 --option quotas=true "
        "--option legacy_cutoff=true (repeatable; the options are the marker's, see the README)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request to stderr")
    return parser


def _mock_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``NAME=JSON`` pairs as mock options (checked by ``ChimeProxyMock`` itself)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise ValueError(f"--option takes NAME=JSON, got {pair!r}")
        try:
            options[name.strip()] = json.loads(raw)
        except ValueError:
            raise ValueError(f"--option {name}: {raw!r} is not JSON (write strings in quotes)") from None
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """``chime-proxy-server``: serve until interrupted. Prints the URL, the ``export`` line of fake credentials
    and region for the AWS CLI, and any voice connector ids first."""
    args = build_parser().parse_args(argv)
    from pytest_chime_proxy.mock import ChimeProxyMock

    try:
        options: dict[str, Any] = {**_mock_options(args.option), "region": args.region, "seed": args.seed}
        if args.account:
            options["account"] = args.account
        mock = ChimeProxyMock(**options)
    except ValueError as error:  # OptionsError included: say it as a usage error
        print(f"chime-proxy-server: {error}", file=sys.stderr)
        return 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # said below, in the console's own words
            server = ChimeProxyServer(
                mock,
                host=args.host,
                port=args.port,
                namespace=args.namespace,
                region=args.region,
                max_body=args.max_body,
                max_calls=args.max_calls,
                quiet=args.quiet,
                allow_remote=args.allow_remote,
            )
    except ValueError as error:
        print(f"chime-proxy-server: {error}", file=sys.stderr)
        return 2
    try:
        server.start()
    except OSError as error:
        print(f"chime-proxy-server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    if args.allow_remote and not binds_to_loopback(args.host):
        print(f"chime-proxy-server: WARNING: {remote_warning(args.host)}", file=sys.stderr, flush=True)
    print(server.url, flush=True)
    print(export_line(server.environment()), flush=True)
    for numbers in args.voice_connector:
        vc = mock.create_voice_connector([n.strip() for n in numbers.split(",") if n.strip()])
        print(f"voice-connector {vc}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover - python -m pytest_chime_proxy.adapters.server
    sys.exit(main())
