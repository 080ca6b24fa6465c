"""The net under every adapter: while a mock is active, no name lookup of and no connection to a Chime host
leaves the process, whatever the transport.

The adapters (botocore, aiobotocore, ``requests``) answer what they can; anything that reaches the socket
layer anyway -- urllib3, ``http.client``, ``urllib``, aiohttp, a raw socket, a client built on none of them
-- meets this guard. It is an audit hook (PEP 578), not a patch of ``socket``'s functions: the interpreter
raises the audit events from C, so they fire for callers that bound ``socket.getaddrinfo`` before the mock
started, call ``_socket`` directly, subclass ``socket.socket`` or resolve in an executor thread (asyncio's
``loop.getaddrinfo``). The events checked, each after ``routing.normalize_host`` (case, trailing dots,
IDNA, userinfo, percent escapes):

- ``socket.getaddrinfo`` / ``socket.gethostbyname``: the name being resolved;
- ``socket.connect`` / ``socket.sendto``: an address given as a name (the C call resolves it itself);
- ``http.client.connect``: the host ``http.client`` connects to;
- ``http.client.send``, and what a client writes on a socket or gives TLS to encrypt: the destinations an
  HTTP or SOCKS request names, which is where a proxy is told the real one (``CONNECT host:443``,
  ``GET http://host/``, a SOCKS request) or a connection made to an address resolved earlier names its host
  (see "what a proxy is told" below).

A refused event raises ``ChimeEscapeRefused`` (a ``RuntimeError``, so no retry loop that catches ``OSError``
swallows it) naming the active mock and the transport, and the refusal is recorded in ``refused``.

An audit hook cannot be removed, so the first mock installs it once and the ``SharedPatch`` arms and disarms
it; disarmed, it costs one function call and one global read per audit event (measured in the README).
"""

from __future__ import annotations

import re
import socket
import sys
import threading
import weakref
from typing import Any

from pytest_chime_proxy.core.wire.routing import normalize_host, resolve_host
from pytest_chime_proxy.patching import active, after_import
from pytest_chime_proxy.patching.shared_patch import SharedPatch


class ChimeEscapeRefused(RuntimeError):
    """A lookup of or a connection to a Chime host was about to leave the process while a mock is active."""


_armed = False
_installed = False
_install_lock = threading.Lock()
refused: list[str] = []  # every refusal's message, oldest first (kept for the process: a test can assert on it)

# the outermost library on the stack names the transport; checked in this order (most specific first)
_TRANSPORTS = (
    ("aiobotocore", "aiobotocore"),
    ("botocore", "botocore"),
    ("requests", "requests"),
    ("aiohttp", "aiohttp"),
    ("urllib3", "urllib3"),
    ("urllib.request", "urllib"),
    ("http.client", "http.client"),
    ("asyncio", "asyncio"),
    ("concurrent.futures", "an executor thread (asyncio's loop.getaddrinfo, run_in_executor)"),
)


def _transport() -> str:
    modules: set[str] = set()
    frame = sys._getframe(2)
    while frame is not None:
        modules.add(str(frame.f_globals.get("__name__", "")))
        frame = frame.f_back  # type: ignore[assignment]
    for prefix, name in _TRANSPORTS:
        if any(m == prefix or m.startswith(prefix + ".") for m in modules):
            return name
    return "a raw socket"


def _mock_name() -> str:
    try:
        mock = active.current()
    except active.OverlappingMocksError:
        mock = None
    mocks = (mock,) if mock is not None else active.active_mocks()
    return ", ".join(active.started_at(m) for m in mocks) or "a pytest-chime-proxy mock"


def _refuse(what: str, host: str) -> None:
    # the host as matched (``normalize_host``): a user name and password written before it are never repeated
    message = (
        f"pytest-chime-proxy refused {what} {host!r} (a Chime endpoint) through {_transport()} while "
        f"{_mock_name()} is active: nothing Chime leaves the process under a mock. Call Chime through boto3, "
        "botocore, aiobotocore or requests (the mock answers those), or point the client at a "
        "ChimeProxyServer on loopback."
    )
    refused.append(message)
    raise ChimeEscapeRefused(message)


def _check_name(what: str, host: Any) -> None:
    """Refuse ``host`` if it names a Chime endpoint: text, or any bytes-like object (socket calls take a
    bytearray or a buffer for a name as readily as bytes)."""
    if not isinstance(host, str):
        try:
            host = memoryview(host).tobytes().decode("latin-1")
        except TypeError:  # not a name (a number, None): the socket call refuses it itself
            return
    name = normalize_host(host)
    if resolve_host(name) is not None:
        _refuse(what, name)


def _check_address(what: str, address: Any) -> None:
    if isinstance(address, tuple) and address:
        _check_name(what, address[0])


def _check_written(data: Any) -> None:
    """``http.client``'s writes (its audit event): read as a connection's writes are, one at a time."""
    _check_stream(None, data)


_REQUEST_START = re.compile(rb"\s*[A-Za-z]{3,16}[ \t]")  # a request line's method


def _written(sock: socket.socket, data: Any) -> None:
    """A socket's write: read whole if the mock saw it connect (a client's); else only when it starts like
    a request (a connection made before the mock, or a server's answer, which never does)."""
    if sock in _opened:
        _check_stream(sock, data)
    elif isinstance(data, (bytes, bytearray, memoryview)) and _REQUEST_START.match(data[:24]):
        _check_stream(None, data)


# ---- what a proxy is told ---------------------------------------------------------------------------------
# A proxy learns its destination from the request it is sent, in one of the two proxy protocols: HTTP (a
# CONNECT or absolute-form request line, a Host header in the head it opens) or SOCKS (4a's and 5's requests by
# name). Every write on a connection this process opened while a mock is active, and everything a client-side
# TLS connection is given to encrypt, is read for those destinations wherever they sit (a request line at any
# line start: pipelined requests, a blank line first, LF or CRLF, any case and spacing), each write with the
# end of the one before (a request split between writes, a head not yet ended); each destination found is
# read as ``normalize_host`` reads a host (escapes, IDNA, case) and refused if it is Chime's. What a request
# carries besides (a body that mentions a Chime endpoint, a YAML "host:" line, a Redis value, an upload)
# names no destination and is left alone, as are a server's answers.
# an HTTP request line (any case and spacing, at any line start), and the end of the head it opens
_REQUEST_LINE = re.compile(rb"(?im)^[ \t]*([a-z]+)[ \t]+(\S+)[ \t]+HTTP/[0-9]")
_HEAD_END = re.compile(rb"\r?\n[ \t]*\r?\n")
_HOST_LINE = re.compile(rb"(?im)^[ \t]*host[ \t]*:[ \t]*([^\s,]+)")
_AUTHORITY = re.compile(rb"(?i)[a-z][a-z0-9+.-]*:[/\\]+([^\s/?#\\]+)")  # an absolute-form target's
# a SOCKS5 request (VER CMD RSV) or UDP datagram (RSV RSV FRAG) with ATYP=domain, then a length byte and the name
_SOCKS5 = re.compile(rb"(?:\x05[\x01-\x03]\x00|\x00\x00\x00)\x03")
_SOCKS4A = re.compile(rb"\x04[\x01\x02][\s\S]{2}\x00\x00\x00[^\x00][^\x00]*\x00([^\x00]+)\x00")
_TAIL = 512  # the end of a write read again with the next: a split request line, a SOCKS request's start
_OPEN_HEAD = 16384  # a request head not yet ended is read again with the next write, up to this long
_opened: weakref.WeakSet[Any] = weakref.WeakSet()  # sockets connected while a mock was active
_tails: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()


def _bytes(data: Any) -> bytes | None:
    if isinstance(data, bytes):
        return data
    try:
        return memoryview(data).tobytes()
    except TypeError:
        return None


def _destinations(text: bytes) -> tuple[list[tuple[str, bytes]], int | None]:
    """(what, destination) for each destination an HTTP or SOCKS request in ``text`` names (see above), and
    where a request head that has not ended yet starts (None: none)."""
    found: list[tuple[str, bytes]] = []
    open_head = None
    for line in _REQUEST_LINE.finditer(text):
        method, target = line.groups()
        authority = target if method.upper() == b"CONNECT" else getattr(_AUTHORITY.match(target), "group", None)
        if isinstance(authority, bytes):
            found.append(("an HTTP request to", authority))
        elif authority is not None:
            found.append(("an HTTP request to", authority(1)))
        end = _HEAD_END.search(text, line.end())
        head = text[line.end() : end.start() if end else len(text)]
        found.extend(("an HTTP request to", host.group(1)) for host in _HOST_LINE.finditer(head))
        open_head = None if end else line.start()
    for m in _SOCKS5.finditer(text):
        length = text[m.end()] if m.end() < len(text) else 0
        found.append(("a SOCKS request for", text[m.end() + 1 : m.end() + 1 + length]))
    found.extend(("a SOCKS request for", m.group(1)) for m in _SOCKS4A.finditer(text))
    return found, open_head


def _check_stream(stream: Any, data: Any) -> None:
    """Refuse a write of ``data`` on ``stream`` that tells a proxy a Chime destination."""
    chunk = _bytes(data)
    if chunk is None:
        return
    text = chunk if stream is None else _tails.get(stream, b"") + chunk
    found, open_head = _destinations(text)
    if len(text) > len(chunk):  # a write's start is a line start too (a request after a body with no newline)
        found += _destinations(chunk)[0]
    for what, destination in found:
        name = normalize_host(destination.decode("utf-8", "replace"))
        if resolve_host(name) is not None:
            _refuse(what, name)
    if stream is None:
        return
    line = text.rfind(b"\n") + 1  # the tail starts at a line start, or where no line start is read
    if open_head is not None and len(text) - open_head <= _OPEN_HEAD:
        tail = text[open_head:]  # a head still open: its Host header may come with the next write
    else:
        tail = text[line:] if len(text) - line <= _TAIL else b"\x00" + text[-_TAIL:]
    try:
        _tails[stream] = tail
    except TypeError:  # a stream that cannot be weakly referenced: its writes are read one by one
        pass


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _armed:
        return
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        _check_name("a DNS lookup of", args[0])
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        _check_address("a connection to", args[1])
    elif event == "http.client.connect":
        _check_name("a connection to", args[1])
    elif event == "http.client.send":
        _check_written(args[1])


def armed() -> bool:
    """Whether the guard refuses Chime hosts now."""
    return _armed


# ``socket.connect`` is audited only after the C call has resolved a name given in the address (CPython's
# ``getsockaddrarg`` runs first), so a name passed to a socket's connect/connect_ex/sendto/sendmsg/bind is
# also checked before the call, by wrapping those methods of ``socket.socket`` while a mock is active. Left
# out of reach: code calling ``_socket.socket``'s C methods directly (or bound before the mock started) with
# a Chime name resolves it in C before any audit event; the connection itself is still refused by the hook.
# ``send``/``sendall`` are read too: what a client writes itself, not through ``http.client`` (aiohttp, asyncio's
# transports), tells a proxy its destination the same way.
_SOCKET_METHODS = ("connect", "connect_ex", "sendto", "sendmsg", "bind", "send", "sendall")
_saved: dict[str, Any] = {}


def _wrap(name: str, original: Any) -> Any:
    if name in ("send", "sendall"):  # send(data[, flags]): an HTTP request written straight to the socket

        def send(self: socket.socket, data: Any, *rest: Any) -> Any:
            if _armed:
                _written(self, data)
            return original(self, data, *rest)

        send.__name__ = name
        return send
    if name == "sendto":  # sendto(data, address) or sendto(data, flags, address)

        def sendto(self: socket.socket, data: Any, *rest: Any) -> Any:
            if _armed:
                _check_address("a datagram to", rest[-1] if rest else None)
                _written(self, data)
            return original(self, data, *rest)

        return sendto
    if name == "sendmsg":  # sendmsg(buffers[, ancdata[, flags[, address]]])

        def sendmsg(self: socket.socket, *args: Any) -> Any:
            if _armed:
                _check_address("a message to", args[3] if len(args) > 3 else None)
                if args:
                    buffers = list(args[0])  # an iterator read here is still there for the real call
                    args = (buffers, *args[1:])
                    _written(self, b"".join(_bytes(buffer) or b"" for buffer in buffers))
            return original(self, *args)

        return sendmsg

    what = "a bind to" if name == "bind" else "a connection to"

    def connect(self: socket.socket, address: Any) -> Any:
        if _armed:  # a wrapper kept by someone's monkeypatch after the last mock stopped does nothing
            _check_address(what, address)
            if name != "bind":
                _opened.add(self)
        return original(self, address)

    connect.__name__ = name
    return connect


# TLS: what a client-side connection is given to encrypt, before it is (SSLSocket's sendall goes through its send)
def _wrap_tls(original: Any) -> Any:
    def write(self: Any, data: Any, *rest: Any) -> Any:
        if _armed and not getattr(self, "server_side", False):
            _check_stream(self, data)
        return original(self, data, *rest)

    write.__name__ = original.__name__
    return write


_TLS_METHODS = (("SSLSocket", "send"), ("SSLSocket", "write"), ("SSLObject", "write"))


def _apply_tls(ssl: Any) -> list[tuple[type, str, Any]]:
    patched = []
    for kind, name in _TLS_METHODS:
        cls = getattr(ssl, kind)
        original = cls.__dict__[name]
        setattr(cls, name, _wrap_tls(original))
        patched.append((cls, name, original))
    return patched


def _remove_tls(ssl: Any, patched: list[tuple[type, str, Any]]) -> None:
    for cls, name, original in patched:
        setattr(cls, name, original)


_tls = after_import.ModulePatch("ssl", _apply_tls, _remove_tls)  # once ssl is imported (boto3 imports it)


def _apply() -> None:
    global _armed, _installed
    with _install_lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
    for name in _SOCKET_METHODS:
        _saved[name] = socket.socket.__dict__.get(name)
        setattr(socket.socket, name, _wrap(name, getattr(socket.socket, name)))
    _tls.want()
    _armed = True


def _remove() -> None:
    global _armed
    _armed = False
    _tls.unwant()
    for name in _SOCKET_METHODS:
        saved = _saved.pop(name, None)
        if saved is None:
            delattr(socket.socket, name)  # inherited from _socket.socket again
        else:
            setattr(socket.socket, name, saved)


patch = SharedPatch(_apply, _remove)
