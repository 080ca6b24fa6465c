"""Bounded load on a server on loopback, for the hardening tests and benchmarks/server_load.py.

Every function here sends only to 127.0.0.1, a number of requests or connections fixed by its caller, and
gives up after its ``timeout``.
"""

from __future__ import annotations

import os
import random
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HEALTH = b"GET /_chime_proxy/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def console(*args: str, nofile: int | None = None, quiet: bool = True) -> tuple[subprocess.Popen[str], str]:
    """``chime-proxy-server --port 0 [--quiet] ARGS`` in a new process (a cold server), optionally with its
    soft file-descriptor limit set to ``nofile``; (process, URL)."""
    script = Path(sys.executable).with_name("chime-proxy-server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pytest_chime_proxy.server.app"]

    def limit() -> None:
        if nofile is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))

    process = subprocess.Popen(
        [*command, "--port", "0", *(["--quiet"] if quiet else []), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=limit,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise RuntimeError(f"the server did not start: {process.communicate(timeout=10)}")
    return process, url


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raise_fd_limit(wanted: int) -> None:
    """This process's soft descriptor limit raised to ``wanted`` (within the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted, hard)
        )


def burst(port: int, count: int, timeout: float, request: bytes = HEALTH) -> tuple[float, Counter[Any]]:
    """``count`` connections opened at once, each sending ``request`` and reading the answer to its end;
    (seconds until the last was answered or failed, Counter of status codes or error names)."""
    raise_fd_limit(count + 256)
    selector = selectors.DefaultSelector()
    outcomes: Counter[Any] = Counter()
    pending: dict[socket.socket, bytearray] = {}
    began = time.monotonic()
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        pending[sock] = bytearray()
        selector.register(sock, selectors.EVENT_WRITE)
    sent: set[socket.socket] = set()
    while pending and time.monotonic() - began < timeout:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                if sock not in sent:
                    sock.sendall(request)
                    sent.add(sock)
                    selector.modify(sock, selectors.EVENT_READ)
                    continue
                chunk = sock.recv(65536)
            except OSError as error:
                outcomes[type(error).__name__] += 1
                _drop(selector, pending, sock)
                continue
            if chunk:
                pending[sock] += chunk
                continue
            data = bytes(pending[sock])
            outcomes[int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else "closed unanswered"] += 1
            _drop(selector, pending, sock)
    elapsed = time.monotonic() - began
    for sock in list(pending):
        outcomes["timed out"] += 1
        _drop(selector, pending, sock)
    selector.close()
    return elapsed, outcomes


def _drop(selector: selectors.BaseSelector, pending: dict[socket.socket, bytearray], sock: socket.socket) -> None:
    selector.unregister(sock)
    pending.pop(sock, None)
    sock.close()


def signed_get(path: str, key: str, region: str) -> bytes:
    """A GET that looks SigV4-signed with access key ``key`` for ``region`` (the fake checks no signature)."""
    auth = f"AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/chime/aws4_request, SignedHeaders=host, Signature=00"
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n\r\n".encode()


def new_key_and_region(rng: random.Random) -> tuple[str, str]:
    """A 12-digit access key (an account of its own, by moto's rule) and a made-up region, never seen before."""
    return f"{rng.randrange(10**11, 10**12)}", f"xx-soak-{rng.randrange(10**9)}"


def keep_alive_requests(port: int, requests: list[bytes], timeout: float) -> Counter[int]:
    """Send ``requests`` one after another on one keep-alive connection; a Counter of the statuses."""
    statuses: Counter[int] = Counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        stream = sock.makefile("rb")
        for request in requests:
            sock.sendall(request)
            statuses[int(stream.readline().split(b" ", 2)[1])] += 1
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            stream.read(length)
    return statuses


def soak(port: int, seconds: float, clients: int, seed: int = 0) -> Counter[int]:
    """``clients`` threads for ``seconds``, each on its own keep-alive connection, sending reads under ever
    new access keys and regions; a Counter of the statuses."""
    total: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.monotonic() < deadline:
            batch = []
            for _ in range(20):
                key, region = new_key_and_region(rng)
                path = rng.choice(["/voice-connectors", "/phone-numbers", "/voice-connectors/nope/proxy-sessions"])
                batch.append(signed_get(path, key, region))
            key, region = new_key_and_region(rng)  # and a write the service refuses (400): it changes nothing
            batch.append(
                signed_get("/voice-connectors", key, region)
                .replace(b"GET", b"POST", 1)
                .replace(b"\r\n\r\n", b'\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{"Name": ""}')
            )
            got = keep_alive_requests(port, batch, timeout=30)
            with lock:
                total.update(got)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return total


def create_session(voice_connector_id: str = "abcdefghijklmnopqrstuv") -> bytes:
    """A signed CreateProxySession (``Connection: close``): routing, the model's validators and the phone-number
    data on its way (404 for a connector that does not exist)."""
    body = (
        b'{"ParticipantPhoneNumbers": ["+14015550101", "+12065550100"], "Capabilities": ["Voice", "SMS"], '
        b'"GeoMatchParams": {"Country": "US", "AreaCode": "206"}, "ExpiryMinutes": 60}'
    )
    head = signed_get(f"/voice-connectors/{voice_connector_id}/proxy-sessions", "123456789012", "us-east-1")
    extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    return head.replace(b"GET", b"POST", 1).replace(b"\r\n\r\n", b"\r\n" + extra) + body
