"""Server mode: the fake as a real HTTP server on loopback, for SDKs in any language (``endpoint_url``).

Run ``chime-proxy-server --port 0`` (it prints its URL), or in a test use ``ChimeProxyServer`` as a context
manager or the ``chime_proxy_server`` fixture. The application (``wsgi.ChimeProxyApp``) answers through the
same request pipeline as in-process calls (state, recorded calls, fault rules): there is no second
implementation. waitress serves it (``serving``): a fixed pool of threads, a bound on open connections,
idle connections closed, and strict request framing.

Routing rules, because the host no longer tells which endpoint a client meant:

- namespace: a path under ``/chime/`` is the legacy ``chime`` API and one under ``/chime-sdk-voice/`` the
  ``chime-sdk-voice`` API (point ``endpoint_url`` at ``<url>/chime``), as is one under ``/console/`` (the
  legacy endpoint's own prefix, ``https://service.chime.aws.amazon.com/console``); any other path is the server's default
  namespace (``chime-sdk-voice`` unless ``--namespace chime``). Both APIs share their URIs, so nothing else
  could tell them apart: both sign as service ``chime``.
- region: the SigV4 credential scope of the request (what the client was configured with); unsigned requests
  get the server's ``--region``. The legacy API answers from its home region, as its real endpoint does.
- account: the access key id, by moto's rule (12 digits name the account), as in-process. A request that
  changes nothing leaves no state behind for a new account.

Credentials: clients sign with any keys; ``CREDENTIALS`` are the fake ones the server prints (as shell
``export`` lines) and ``ChimeProxyServer.client()`` uses, so that the AWS CLI and SDKs, which refuse to send
an unsigned request, work without a real account.

Bounds (each an argument and an option of the console script, stated in docs/server-and-integrations.md):
worker threads, open connections (lowered to fit the process's file-descriptor limit), request body bytes,
idle-connection timeout, and the call log's calls and bytes. Warm at start: the pipeline's tables are built
before the first connection is accepted (``core.warm``).

Faults: rules added in-process (``server.mock.inject``) or through ``/_chime_proxy/faults`` apply as they do
in-process; over HTTP every injected connection error (whatever its kind) is the connection closed without an
answer, which clients report as a closed connection (botocore: ``ConnectionClosedError``).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.core.wire.credentials import FAKE_KEYS
from pytest_chime_proxy.core.wire.spec import NAMESPACES
from pytest_chime_proxy.server.wsgi import DEFAULT_MAX_BODY, ChimeProxyApp, split_namespace, stderr_log

if TYPE_CHECKING:
    from pytest_chime_proxy.mock import ChimeProxyMock
    from pytest_chime_proxy.server.serving import Listener

__all__ = ["ChimeProxyServer", "ChimeProxyApp", "split_namespace", "main"]

DEFAULT_HOST = "127.0.0.1"
# The call log's bounds: far more calls than a test asserts on between two resets, while a soak test or a
# long-lived server stays small whatever the bodies (each call is counted at its bodies, URL and headers
# plus 2 KiB; see core.calls.size).
DEFAULT_MAX_CALLS = 10_000
DEFAULT_MAX_CALL_BYTES = 64 * 1024 * 1024
# Worker threads: the fake answers under one lock, so more threads only help requests that wait (injected
# latency with real_sleep); connections beyond the threads wait for one without costing a thread.
DEFAULT_THREADS = 8
DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_IDLE_TIMEOUT = 30.0  # seconds a connection may stay open with nothing to do
MAX_HEADER_BYTES = 256 * 1024  # the request line and headers (a SigV4 header is some 300 bytes)
# The listen backlog: connections waiting to be accepted stay in the kernel's queue instead of being
# refused (the kernel caps it at net.core.somaxconn).
REQUEST_QUEUE_SIZE = 2048
# The fake credentials clients sign with: AWS SDKs refuse to send a request without any.
CREDENTIALS = FAKE_KEYS  # what the export line prints


def _whole(name: str, value: Any, least: int, none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        unbounded = " (or None: unbounded)" if none_ok else ""
        raise ValueError(f"{name} must be a whole number >= {least}{unbounded}, got {value!r}")


class ChimeProxyServer:
    """The fake served over HTTP on ``host:port`` (port 0: any free port; see ``url``).

    ``mock`` is the state it serves (a fresh ``ChimeProxyMock`` unless given; it is not started, so this
    process's own botocore calls are not intercepted); its call log is bounded to the newest ``max_calls``
    calls and ``max_call_bytes`` bytes (None: unbounded). ``threads``, ``max_connections``, ``max_body`` and
    ``idle_timeout`` bound the HTTP side. A ``host`` beyond loopback needs ``allow_remote=True`` (and
    warns): the fake has no authentication. Use as a context manager or ``start()``/``stop()``;
    ``client()`` gives a boto3 client pointed at it; ``app`` is the WSGI application it serves.
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
        max_call_bytes: int | None = DEFAULT_MAX_CALL_BYTES,
        threads: int = DEFAULT_THREADS,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        quiet: bool = True,
        allow_remote: bool = False,
    ) -> None:
        if namespace not in NAMESPACES:
            raise ValueError(f"namespace must be one of {NAMESPACES}, got {namespace!r}")
        if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 0:
            raise ValueError(f"max_body must be a whole number of bytes >= 0, got {max_body!r}")
        _whole("max_calls", max_calls, 1, none_ok=True)
        _whole("max_call_bytes", max_call_bytes, 1, none_ok=True)
        _whole("threads", threads, 1)
        _whole("max_connections", max_connections, 1)
        if isinstance(idle_timeout, bool) or not isinstance(idle_timeout, (int, float)) or not idle_timeout > 0:
            raise ValueError(f"idle_timeout must be a number of seconds > 0, got {idle_timeout!r}")
        if not binds_to_loopback(host):
            if not allow_remote:
                raise ValueError(
                    f"host {host!r} is not loopback: anyone who can reach it could drive the fake; "
                    f"pass allow_remote=True (--allow-remote) if that is what you want"
                )
            warnings.warn(remote_warning(host), RuntimeWarning, stacklevel=2)
        self.app = ChimeProxyApp(
            mock,
            namespace=namespace,
            region=region,
            max_body=max_body,
            allow_remote=allow_remote,
            log=None if quiet else stderr_log,
        )
        self.mock = self.app.mock
        self.mock.calls.maxlen = max_calls
        self.mock.calls.max_bytes = max_call_bytes
        self.allow_remote = allow_remote
        self.host, self.port = host, port
        self.namespace = namespace
        self.region = self.app.region
        self.max_body = max_body
        self.threads = threads
        self.max_connections = max_connections
        self.idle_timeout = float(idle_timeout)
        self.quiet = quiet
        self._listener: Listener | None = None

    @property
    def errors(self) -> list[BaseException]:
        """Internal errors answered with 500, for tests to inspect."""
        return self.app.errors

    # ---- life cycle --------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://host:port`` of the running server (the bound port when started with port 0)."""
        if self._listener is None:
            raise RuntimeError("the server is not running; call start() or use it as a context manager")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._listener.port}"

    def start(self) -> ChimeProxyServer:
        """Warm the pipeline, bind, and serve from a daemon thread. Idempotent. A port in use raises
        OSError at once."""
        if self._listener is not None:
            return self
        from pytest_chime_proxy.core import warm
        from pytest_chime_proxy.server.serving import Limits, Listener

        warm.warm()  # before the first connection: nothing is built by request threads
        limits = Limits(
            threads=self.threads,
            connections=self.max_connections,
            body_bytes=self.max_body,
            header_bytes=MAX_HEADER_BYTES,
            idle_timeout=self.idle_timeout,
            backlog=REQUEST_QUEUE_SIZE,
        )
        self._listener = Listener(self.app, self.host, self.port, limits)
        self.app.url = self.url
        self._listener.start(name=f"chime-proxy-server:{self.url}")
        return self

    @property
    def connection_limit(self) -> int:
        """The connections served at once: ``max_connections``, or fewer where the file-descriptor limit
        leaves less room (see ``serving.connection_cap``). Past it, new connections wait to be accepted."""
        if self._listener is None:
            raise RuntimeError("the server is not running")
        return self._listener.connections

    def stop(self) -> None:
        """Stop serving, close every connection and the socket. Idempotent."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the console script)."""
        self.start()
        listener = self._listener
        assert listener is not None
        try:
            while listener.alive():
                listener.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> ChimeProxyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def environment(self) -> dict[str, str]:
        """The environment a CLI or SDK needs to call the server: fake credentials and the server's region.

        The region goes in both variables SDKs read: ``AWS_REGION`` (the JavaScript SDK v3 reads only this
        one) and ``AWS_DEFAULT_REGION`` (botocore, hence boto3 and the AWS CLI, reads only this one).
        """
        return {**CREDENTIALS, "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region}

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
        return self.app.info(self.url)


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
        "--max-call-bytes",
        type=int,
        default=DEFAULT_MAX_CALL_BYTES,
        help="bytes the call log keeps (bodies, URL and headers, plus 2 KiB a call); older calls are "
        "dropped (default: %(default)s)",
    )
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="worker threads (default: %(default)s)")
    parser.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        help="connections served at once, lowered to fit the file-descriptor limit; more wait to be "
        "accepted (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        help="seconds an idle connection is kept open (default: %(default)s)",
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


def _quiet_waitress(quiet: bool) -> None:
    """waitress logs through ``logging`` (the connection limit reached, a deep task queue): in the console
    script, one line each on stderr, or nothing with ``--quiet``."""
    import logging

    logger = logging.getLogger("waitress")
    logger.propagate = False
    handler: logging.Handler = logging.NullHandler() if quiet else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("chime-proxy-server: %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING)


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
                max_call_bytes=args.max_call_bytes,
                threads=args.threads,
                max_connections=args.max_connections,
                idle_timeout=args.idle_timeout,
                quiet=args.quiet,
                allow_remote=args.allow_remote,
            )
    except ValueError as error:
        print(f"chime-proxy-server: {error}", file=sys.stderr)
        return 2
    _quiet_waitress(args.quiet)
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


if __name__ == "__main__":  # pragma: no cover - python -m pytest_chime_proxy.server.app
    sys.exit(main())
