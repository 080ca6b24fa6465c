"""waitress, run for the fake: bounded threads and connections, timeouts, and strict request framing.

waitress (Pylons project; pure Python; an asyncore-style loop reads and writes every connection, a fixed pool
of threads runs the application) already refuses most malformed framing: a Content-Length that is not plain
digits (two of them are joined into ``4, 4`` and so refused too), any Transfer-Encoding but ``chunked`` (501),
header names with ``_``, bare CR or LF, headers or a body past their limits (431, 413). Two shapes it lets
through in 3.0.2 are refused here (``StrictParser``), both request-smuggling shapes (RFC 9112 6.1 and 6.3):
Transfer-Encoding together with Content-Length (waitress closes the connection after such a request only
from its unreleased PR 475), ``chunked`` named twice (PR 474), and any Transfer-Encoding in an HTTP/1.0
request (which waitress ignores, framing the body by Content-Length).

Every error of this layer is answered as JSON with ``Message`` (``JsonErrorTask``) and closes the connection, so bytes after a refused request are
never read as another request.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from dataclasses import dataclass
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError, TransferEncodingNotImplemented
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

_TRANSFER_ENCODING = re.compile(rb"(?im)^transfer-encoding[ \t]*:([^\r\n]*)")
_LONG_LENGTH = re.compile(rb"(?im)^(content-length[ \t]*:[ \t]*)[0-9]{19,}(?=[ \t]*\r?$)")
FD_RESERVE = 32  # file descriptors kept free for everything else (logs, imports, the test's own files)


class StrictParser(HTTPRequestParser):
    """waitress's request parser, refusing the framing shapes it still accepts (400, connection closed)."""

    def parse_header(self, header_plus: bytes) -> None:
        codings = [
            coding.strip(b" \t").lower()
            for value in _TRANSFER_ENCODING.findall(header_plus)
            for coding in value.split(b",")
            if coding.strip(b" \t")
        ]
        # waitress converts Content-Length with int(), which refuses more than 4,300 digits with a ValueError
        # that closes the connection unanswered: a length of more digits than any body is over the limit (413)
        header_plus = _LONG_LENGTH.sub(rb"\g<1>" + b"9" * 18, header_plus)
        try:
            super().parse_header(header_plus)
        except (ParsingError, TransferEncodingNotImplemented):
            raise  # waitress answers these itself (400, 501)
        except Exception as error:  # any other reading failure (a bad host in the target, say): 400, not silence
            raise ParsingError(f"the request's head could not be read ({type(error).__name__})") from None
        if not codings:
            return
        if self.version != "1.1":
            raise ParsingError("Transfer-Encoding in an HTTP/1.0 request: its framing cannot be trusted")
        if codings.count(b"chunked") > 1:
            raise ParsingError("Transfer-Encoding names chunked more than once")
        if "CONTENT_LENGTH" in self.headers:
            raise ParsingError("both Transfer-Encoding and Content-Length: send one of them")


class JsonErrorTask(ErrorTask):
    """waitress's own error answers (bad framing, headers or body too large ...) as JSON with ``Message``,
    as every other error of the server is; the connection is closed after it."""

    def execute(self) -> None:
        task: Any = self  # types-waitress types this task's request as the error itself
        error = task.request.error
        message = f"{error.reason}: {error.body}"
        if error.code == 413:  # waitress's limit is one more than ours (it refuses a body of exactly its size)
            message = f"request body over the limit of {task.channel.adj.max_request_body_size - 1} bytes"
        body = json.dumps({"Message": message}).encode()
        task.status = f"{error.code} {error.reason}"
        task.response_headers.append(("Content-Type", "application/json"))
        task.set_close_on_finish()
        task.content_length = len(body)
        task.write(body)


class StrictChannel(HTTPChannel):
    parser_class = StrictParser
    error_task_class = JsonErrorTask


class StrictServer(TcpWSGIServer):
    channel_class = StrictChannel


@dataclass(frozen=True)
class Limits:
    """What one server may use: worker threads, open connections (and so file descriptors), the largest
    request body and header block, how long an idle connection is kept, the listen backlog."""

    threads: int
    connections: int
    body_bytes: int
    header_bytes: int
    idle_timeout: float
    backlog: int


def fd_room() -> int | None:
    """How many more file descriptors this process may open (None: no limit to read here)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        used = len(os.listdir("/proc/self/fd"))
    except OSError:
        used = 64  # no /proc here: a typical interpreter's count
    return int(soft) - used


def connection_cap(requested: int) -> int:
    """``requested``, lowered so that the connections fit in the file descriptors left (with
    ``FD_RESERVE`` kept free): accept() failing for want of descriptors would spin the loop."""
    room = fd_room()
    if room is None:
        return requested
    return max(1, min(requested, room - FD_RESERVE))


class Listener:
    """One waitress server on ``host:port`` running ``app``: ``start()`` binds (a port in use raises at
    once) and serves from a thread named ``name``; ``stop()`` closes every connection and the socket."""

    def __init__(self, app: Any, host: str, port: int, limits: Limits) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        found = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
        af, socktype, proto, _, sockaddr = found[0]
        self.connections = connection_cap(limits.connections)
        adjustments = Adjustments(
            listen=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",  # else it resolves 0.0.0.0:8080
            threads=limits.threads,
            connection_limit=self.connections + 2,  # waitress counts its listening socket and wake-up pipe
            max_request_body_size=limits.body_bytes + 1,  # waitress refuses a body of exactly its limit
            max_request_header_size=limits.header_bytes,
            channel_timeout=limits.idle_timeout,
            cleanup_interval=max(0.5, min(30.0, limits.idle_timeout / 2)),
            backlog=limits.backlog,
            asyncore_use_poll=True,  # select() fails past descriptor 1024
            log_socket_errors=False,  # a client resetting its connection is not the server's error
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
            ident="pytest-chime-proxy",
        )
        self._map: dict[int, Any] = {}
        self._dispatcher = ThreadedTaskDispatcher()
        self._dispatcher.set_thread_count(limits.threads)
        try:
            self._server = StrictServer(
                app, self._map, dispatcher=self._dispatcher, adj=adjustments, sockinfo=(af, socktype, proto, sockaddr)
            )
        except BaseException:
            self._close_all()
            raise
        self.address = str(self._server.getsockname()[0])  # the numeric host bound
        self.port = int(self._server.getsockname()[1])
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, name: str) -> None:
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, map=self._map, use_poll=True, count=1)
        finally:
            self._close_all()

    def _close_all(self) -> None:
        for channel in list(self._map.values()):
            try:
                channel.close()
            except OSError:
                pass
        self._map.clear()
        self._dispatcher.shutdown(cancel_pending=True, timeout=5)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is None:
            return
        try:
            self._server.pull_trigger()  # wake the loop now rather than at its next timeout
        except OSError:
            pass
        self._thread.join(timeout=10)
        self._thread = None

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
