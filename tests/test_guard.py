"""The socket guard: while a mock is active no lookup of and no connection to a Chime host leaves the
process, whatever the transport and however the host is spelled; proxies never see a Chime or loopback
request.

Every test here runs under ``beyond_loopback``, an audit hook of the test's own that refuses (and records)
any name lookup or connection beyond loopback that gets past the guard: nothing can actually leave, and a
recorded attempt fails the test. The guard's own hook is installed first (a mock is started at import), so
the test's hook sees only what the guard let through. Proxy variables point at loopback only.
"""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import socket
import sys
import threading
import timeit
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import requests
import urllib3
from botocore.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.patching import socket_guard
from pytest_chime_proxy.patching.socket_guard import ChimeEscapeRefused
from pytest_chime_proxy.server.app import ChimeProxyServer

with ChimeProxyMock():  # installs the guard's audit hook before this module's own
    pass

_escaped: list[Any] | None = None


def _loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("latin-1")
    if not isinstance(host, str):
        return host is None
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse_beyond_loopback(event: str, args: tuple[Any, ...]) -> None:
    if _escaped is None:
        return
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        host = args[0]
    elif event in ("socket.connect", "socket.sendto") and isinstance(args[1], tuple):
        host = args[1][0]
    else:
        return
    if not _loopback(host):
        _escaped.append((event, host))
        raise OSError(f"the test refuses {event} to {host!r}: beyond loopback")


sys.addaudithook(_refuse_beyond_loopback)  # cannot be removed: it records only while _escaped is a list


@pytest.fixture(autouse=True)
def beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Refuse and record anything beyond loopback; proxies set, at a loopback port nothing listens on."""
    global _escaped
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # a client made before a mock looks no further
    monkeypatch.delenv("no_proxy", raising=False)
    _escaped = escaped = []
    urllib.request.install_opener(None)  # urlopen's opener keeps the proxies it was built with: build anew
    try:
        yield escaped
    finally:
        _escaped = None
        urllib.request.install_opener(None)  # and forget this test's proxies for the tests that follow
    assert escaped == [], f"something got past the guard: {escaped}"


# ---- host spellings ---------------------------------------------------------------------------------------
HOSTS = (
    "voice-chime.us-east-1.amazonaws.com",
    "voice-chime.eu-west-2.amazonaws.com",
    "voice-chime-fips.us-west-2.amazonaws.com",
    "voice-chime.us-east-1.api.aws",
    "chime.us-east-1.amazonaws.com",
    "service.chime.aws.amazon.com",
    "voice-chime.cn-north-1.amazonaws.com.cn",
    "voice-chime.us-isob-east-1.sc2s.sgov.gov",
    "chime.us-east-1.api.aws",
)
FULLWIDTH = {c: chr(ord(c) - 0x61 + 0xFF41) for c in "abcdefghijklmnopqrstuvwxyz"}


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """(authority as a URL would carry it, the host as a resolver would be given it)."""
    host = draw(st.sampled_from(HOSTS))
    host = "".join(c.upper() if c.isalpha() and draw(st.booleans()) else c for c in host)
    kind = draw(st.sampled_from(["plain", "dot", "dots", "idna", "percent", "userinfo", "port"]))
    if kind == "dot":
        host += "."
    elif kind == "dots":
        host += ".."
    elif kind == "idna":
        i = draw(st.sampled_from([i for i, c in enumerate(host) if c.lower() in FULLWIDTH]))
        host = host[:i] + FULLWIDTH[host[i].lower()] + host[i + 1 :]
    elif kind == "percent":
        host = host.replace(".", "%2e", 1) if draw(st.booleans()) else host.replace("e", "%65", 1)
    authority = {"userinfo": f"user:pw@{host}", "port": f"{host}:443"}.get(kind, host)
    return authority, host


def _chime_client(authority: str) -> Any:
    return boto3.client(
        "chime-sdk-voice",
        region_name="us-east-1",
        endpoint_url=f"https://{authority}",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )


def _via_botocore(authority: str, host: str, made_before: Any) -> None:
    (made_before or _chime_client(authority)).list_voice_connectors()


def _via_requests(authority: str, host: str, made_before: Any) -> None:
    requests.get(f"https://{authority}/voice-connectors", timeout=1)


def _via_urllib3(authority: str, host: str, made_before: Any) -> None:
    urllib3.PoolManager().request("GET", f"https://{authority}/voice-connectors", retries=False, timeout=1)


def _via_http_client(authority: str, host: str, made_before: Any) -> None:
    connection = http.client.HTTPSConnection(host, timeout=1)
    connection.request("GET", "/voice-connectors")


def _via_urllib(authority: str, host: str, made_before: Any) -> None:
    urllib.request.urlopen(f"https://{host}/voice-connectors", timeout=1)


def _via_socket(authority: str, host: str, made_before: Any) -> None:
    with socket.socket() as raw:
        raw.settimeout(1)
        raw.connect((host, 443))


def _via_create_connection(authority: str, host: str, made_before: Any) -> None:
    socket.create_connection((host, 443), timeout=1).close()


def _via_asyncio(authority: str, host: str, made_before: Any) -> None:
    async def connect() -> None:
        _, writer = await asyncio.open_connection(host, 443)
        writer.close()

    asyncio.run(connect())


def _via_signed_urllib3_session(authority: str, host: str, made_before: Any) -> None:
    """botocore's own HTTP session and signer, with no client: what hand-rolled SDK code does."""
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.httpsession import URLLib3Session

    request = AWSRequest(method="GET", url=f"https://{authority}/voice-connectors")
    SigV4Auth(botocore.session.get_session().get_credentials(), "chime", "us-east-1").add_auth(request)
    URLLib3Session(timeout=1).send(request.prepare())


def _via_aiobotocore(authority: str, host: str, made_before: Any) -> None:
    from aiobotocore.session import get_session

    async def call() -> None:
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1)
        async with get_session().create_client(
            "chime-sdk-voice", region_name="us-east-1", endpoint_url=f"https://{authority}", config=config
        ) as client:
            await client.list_voice_connectors()

    asyncio.run(call())


TRANSPORTS: dict[str, Callable[[str, str, Any], None]] = {
    "botocore": _via_botocore,
    "requests": _via_requests,
    "urllib3": _via_urllib3,
    "http.client": _via_http_client,
    "urllib": _via_urllib,
    "socket": _via_socket,
    "create_connection": _via_create_connection,
    "asyncio": _via_asyncio,
    "botocore URLLib3Session": _via_signed_urllib3_session,
}
try:
    import aiobotocore  # noqa: F401

    TRANSPORTS["aiobotocore"] = _via_aiobotocore
except ImportError:  # not installed in every test run (its botocore pin is narrow)
    pass
ANSWERED_IN_PROCESS = (
    "botocore",
    "requests",
    "aiobotocore",
)  # the adapters answer these; the guard is the net under them


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    transport=st.sampled_from(sorted(TRANSPORTS)),
    spelling=spellings(),
    client_made_before=st.booleans(),
)
def test_no_spelling_through_any_transport_gets_past_the_guard(
    transport: str, spelling: tuple[str, str], client_made_before: bool
) -> None:
    authority, host = spelling
    before = None
    if client_made_before and transport == "botocore":
        try:
            before = _chime_client(authority)
        except ValueError:  # botocore refuses such an endpoint: no client, nothing can be sent
            return
    with ChimeProxyMock() as mock:
        try:
            TRANSPORTS[transport](authority, host, before)
        except ChimeEscapeRefused as refused:
            assert transport not in ANSWERED_IN_PROCESS or "%" in authority, f"{transport} should be answered"
            assert "ChimeProxyMock" in str(refused) or "mock started at" in str(refused)
        except Exception as error:  # a client's own refusal of a malformed URL: it went nowhere either
            assert not isinstance(error, OSError) or "refuses" not in str(error), error
        else:
            assert transport in ANSWERED_IN_PROCESS, f"{transport} to {authority!r} was neither answered nor refused"
            assert mock.calls, "answered, but not by the mock"


def test_a_refusal_names_the_mock_and_the_transport() -> None:
    with ChimeProxyMock() as mock, pytest.raises(ChimeEscapeRefused) as refused:
        urllib3.PoolManager().request("GET", "https://VOICE-chime.us-east-1.amazonaws.com./x", retries=False)
    assert mock.started_at is not None and mock.started_at.split(" ")[0] in str(refused.value)
    assert "through urllib3" in str(refused.value) and str(refused.value) in socket_guard.refused


def _listener_heard(speak: Callable[[int], None]) -> list[bytes]:
    """What a loopback listener (a proxy, say) hears while ``speak(port)`` talks to it."""
    heard: list[bytes] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(2)

        def serve() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    heard.append(conn.recv(4096))
                except OSError:
                    pass

        thread = threading.Thread(target=serve)
        thread.start()
        speak(listener.getsockname()[1])
        thread.join(5)
    return [data for data in heard if data]


def test_a_connect_tunnel_through_a_proxy_is_refused_before_the_proxy_hears_it() -> None:
    """A proxy on loopback (a listener here) would learn the Chime host from the CONNECT line."""

    def speak(port: int) -> None:
        with ChimeProxyMock(), pytest.raises(ChimeEscapeRefused, match="an HTTP request to"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.set_tunnel("voice-chime.us-east-1.amazonaws.com", 443)
            connection.request("GET", "/voice-connectors")

    assert _listener_heard(speak) == []


def test_a_host_header_naming_chime_on_a_connection_made_by_address_is_refused() -> None:
    with ChimeProxyMock(), ChimeProxyServer() as server, pytest.raises(ChimeEscapeRefused):
        connection = http.client.HTTPConnection("127.0.0.1", int(server.url.rsplit(":", 1)[1]), timeout=1)
        connection.request("GET", "/voice-connectors", headers={"Host": "voice-chime.us-east-1.amazonaws.com"})


def test_proxy_variables_never_route_a_loopback_endpoint() -> None:
    """The server fixture's own client, with every proxy variable at a dead loopback port: answered."""
    with ChimeProxyServer() as server, ChimeProxyMock():
        client = server.client(config=Config(retries={"total_max_attempts": 1}, connect_timeout=1))
        assert client.list_voice_connectors()["VoiceConnectors"] == []
        assert requests.get(f"{server.url}/voice-connectors", timeout=2).status_code == 200
        assert urllib.request.urlopen(f"{server.url}/voice-connectors", timeout=2).status == 200


def test_the_guard_is_disarmed_after_the_last_mock() -> None:
    with ChimeProxyMock():
        assert socket_guard.armed()
    assert not socket_guard.armed()
    assert "connect" not in socket.socket.__dict__  # the socket methods are back to _socket's own


def test_the_disarmed_guard_costs_next_to_nothing() -> None:
    """The hook stays installed (audit hooks cannot be removed); disarmed it is one call and one global read
    per audit event. ``id()`` raises no event; ``sys._getframe`` raises one per call."""
    with ChimeProxyMock():
        pass
    assert not socket_guard.armed()
    n = 200_000
    per_event = min(timeit.repeat(lambda: socket_guard._hook("sys._getframe", ()), number=n, repeat=3)) / n
    assert per_event < 2e-6, f"{per_event * 1e9:.0f} ns per audit event"


@pytest.mark.parametrize("call", ["bind", "sendmsg", "sendto", "connect_ex"])
def test_every_socket_method_taking_a_name_is_guarded_before_it_resolves(call: str) -> None:
    host = "Voice-Chime.us-east-1.amazonaws.com."
    kind = socket.SOCK_DGRAM if call in ("sendmsg", "sendto") else socket.SOCK_STREAM
    with ChimeProxyMock(), socket.socket(socket.AF_INET, kind) as raw, pytest.raises(ChimeEscapeRefused):
        if call == "bind":
            raw.bind((host, 0))
        elif call == "sendmsg":
            raw.sendmsg([b"x"], [], 0, (host, 53))
        elif call == "sendto":
            raw.sendto(b"x", (host, 53))
        else:
            raw.connect_ex((host, 443))


def test_every_aws_partition_dns_suffix_is_a_chime_domain() -> None:
    """By construction from botocore's own data: a Chime host in any partition (plain or dual-stack) is the
    fake's, so no new partition's spelling is left for the guard to miss."""
    import json
    import os

    import botocore

    from pytest_chime_proxy.core.wire import routing

    with open(os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json")) as file:
        partitions = json.load(file)["partitions"]
    suffixes = {value for p in partitions for key, value in p["outputs"].items() if key.endswith("Suffix")}
    assert suffixes <= set(routing.AWS_DNS_SUFFIXES), sorted(suffixes - set(routing.AWS_DNS_SUFFIXES))
    for suffix in suffixes:
        assert routing.resolve_host(f"voice-chime.us-east-1.{suffix}") is not None, suffix


def test_a_reverse_lookup_of_a_chime_name_is_refused() -> None:
    with ChimeProxyMock(), pytest.raises(ChimeEscapeRefused):
        socket.gethostbyaddr("voice-chime.us-east-1.amazonaws.com")


# ---- found by attacking issue 21's fifth round ------------------------------------------------------------------
@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview], ids=lambda w: w.__name__)
@pytest.mark.parametrize("call", ["connect", "connect_ex", "bind", "sendto", "sendmsg"])
def test_a_name_given_as_any_bytes_like_object_is_refused(call: str, wrap: Any) -> None:
    host = wrap(b"voice-chime.us-east-1.amazonaws.com")
    kind = socket.SOCK_DGRAM if call in ("sendmsg", "sendto") else socket.SOCK_STREAM
    with ChimeProxyMock(), socket.socket(socket.AF_INET, kind) as raw, pytest.raises(ChimeEscapeRefused):
        if call == "sendmsg":
            raw.sendmsg([b"x"], [], 0, (host, 53))
        elif call == "sendto":
            raw.sendto(b"x", (host, 53))
        else:
            getattr(raw, call)((host, 443))


# what a proxy can be told, in any protocol and spelling: HTTP heads (CONNECT, absolute form, a Host header, in
# odd spellings), a SOCKS5 request (the name after a length byte, a "-" when the name is 45 long) and SOCKS4a
HEADS = [
    b"CONNECT voice-chime.us-east-1.amazonaws.com:443 HTTP/1.1\r\nHost: voice-chime.us-east-1.amazonaws.com\r\n\r\n",
    b"GET http://voice-chime.us-east-1.amazonaws.com/voice-connectors HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /voice-connectors HTTP/1.1\r\nHost: Voice-Chime.us-east-1.amazonaws.com.\r\n\r\n",
    b"connect\tvoice-chime.us-east-1.amazonaws.com:443\tHTTP/1.0\n\n",
    b"\r\n\r\nGET / HTTP/1.1\nX-Pad: " + b"x" * 20000 + b"\nHost: chime.us-east-1.amazonaws.com\n\n",
    b"\x05\x01\x00\x03#voice-chime.us-east-1.amazonaws.com\x01\xbb",
    b"\x05\x01\x00\x03-voice-chime-fips.ap-southeast-2.amazonaws.com\x01\xbb",
    b"\x04\x01\x01\xbb\x00\x00\x00\x01user\x00service.chime.aws.amazon.com\x00",
    b"\x05\x01\x00\x030voice-chime-fips.cn-northwest-1.amazonaws.com.cn\x01\xbb",  # length 48: "0"
    b"\r\nCONNECT voice-chime%2Eus-east-1.amazonaws.com:443 HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nCONNECT voice-chime%2eus-east-1.amazonaws.com:443 HTTP/1.1\r\n\r\n",
    "CONNECT voice-chime\uff0eus-east-1.amazonaws.com:443 HTTP/1.1\r\n\r\n".encode(),
    b"\x00\x00\x00\x03#voice-chime.us-east-1.amazonaws.com\x01\xbbdatagram",  # a SOCKS5 UDP datagram
]


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("how", ["asyncio", "sendall", "send", "sendmsg", "asyncio writelines"])
def test_a_request_naming_chime_written_straight_to_a_socket_is_refused(head: bytes, how: str) -> None:
    """What aiohttp does through a proxy: it writes the request itself, through asyncio's transport."""

    def speak(port: int) -> None:
        with ChimeProxyMock():
            if how.startswith("asyncio"):

                async def write() -> None:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    if how == "asyncio":
                        writer.write(head)
                    else:  # through sendmsg on Python 3.12
                        writer.writelines([head[:5], head[5:]])
                    with pytest.raises((ChimeEscapeRefused, ConnectionError)):
                        await writer.drain()
                        await asyncio.sleep(0.05)  # the transport writes on the next turn if it must
                        writer.write(b"")
                        await writer.drain()
                    writer.close()

                asyncio.run(write())
            else:
                with socket.create_connection(("127.0.0.1", port)) as raw, pytest.raises(ChimeEscapeRefused):
                    if how == "sendmsg":
                        raw.sendmsg([head[:5], head[5:]])
                    else:
                        getattr(raw, how)(head)

    before = len(socket_guard.refused)
    assert _listener_heard(speak) == []
    assert len(socket_guard.refused) > before


def test_a_refusal_never_repeats_a_password_written_before_the_host() -> None:
    def speak(port: int) -> None:
        with ChimeProxyMock(), pytest.raises(ChimeEscapeRefused) as refused:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "http://alice:PW-MUST-NOT-LEAK@voice-chime.us-east-1.amazonaws.com/x")
        assert "PW-MUST-NOT-LEAK" not in str(refused.value)

    assert _listener_heard(speak) == []
    assert not any("PW-MUST-NOT-LEAK" in message for message in socket_guard.refused)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (b"CONNECT voice-chime.us-east-1.amazon", b"aws.com:443 HTTP/1.1\r\n\r\n"),
        (b"GET ", b"http://voice-chime%2Eus-east-1.amazonaws.com/voice-connectors HTTP/1.1\r\n\r\n"),
        (b"GET /x HTTP/1.1\r\n", b"Host: voice-chime.us-east-1.amazonaws.com\r\n\r\n"),
    ],
)
def test_a_request_split_between_writes_is_refused_before_its_destination_is_sent(first: bytes, second: bytes) -> None:
    def speak(port: int) -> None:
        with ChimeProxyMock(), socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(first)
            with pytest.raises(ChimeEscapeRefused):
                raw.sendall(second)

    assert b"amazonaws.com" not in b"".join(_listener_heard(speak))


@pytest.mark.parametrize("kind", ["SSLSocket", "SSLObject"])
def test_what_a_client_side_tls_connection_is_given_to_encrypt_is_read_first(kind: str) -> None:
    """An HTTPS proxy is told the host inside TLS: the plain text is read before it is encrypted."""
    import ssl

    context = ssl.create_default_context()
    head = b"CONNECT voice-chime.us-east-1.amazonaws.com:443 HTTP/1.1\r\n\r\n"

    def speak(port: int) -> None:
        with ChimeProxyMock(), socket.create_connection(("127.0.0.1", port)) as raw:
            if kind == "SSLSocket":
                tls = context.wrap_socket(raw, server_hostname="localhost", do_handshake_on_connect=False)
                with pytest.raises(ChimeEscapeRefused):
                    tls.sendall(head)
            else:
                bio = context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")
                with pytest.raises(ChimeEscapeRefused):
                    bio.write(head)

    assert _listener_heard(speak) == []


@pytest.mark.parametrize(
    "payload",
    [
        b'POST /config HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 52\r\n\r\n{"endpoint": "https://voice-chime.us-east-1.amazonaws.com"}',
        b"GET /voice-chime.us-east-1.amazonaws.com/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"*3\r\n$3\r\nSET\r\n$8\r\nendpoint\r\n$35\r\nvoice-chime.us-east-1.amazonaws.com\r\n",
        b"GET / HTTP/1.1\r\nHost: meetings-chime.us-east-1.amazonaws.com\r\n\r\n",
        b"PUT / HTTP/1.1\r\nHost: chime.s3.amazonaws.com\r\n\r\n",
        b"PUT /cfg.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nchime:\n  host: voice-chime.us-east-1.amazonaws.com\n"
        b"  note: visit https://voice-chime.us-east-1.amazonaws.com\nconnect voice-chime.us-east-1.amazonaws.com\n",
    ],
    ids=["a JSON body", "a path", "a Redis value", "another Chime service", "an S3 bucket named chime", "a YAML body"],
)
def test_what_a_request_carries_besides_its_destination_is_not_refused(payload: bytes) -> None:
    """Only a destination is what a proxy acts on: a body, a path or a value that mentions a Chime endpoint
    goes to the loopback server it is written to, as do other services' hosts; and a server's answers."""
    with socket.socket() as listener, ChimeProxyMock():
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            accepted, _ = listener.accept()
            with accepted:
                client.sendall(payload)
                accepted.sendall(b"HTTP/1.1 200 OK\r\nHost: voice-chime.us-east-1.amazonaws.com\r\n\r\n")
                with pytest.raises(ChimeEscapeRefused):
                    client.sendall(b"GET / HTTP/1.1\r\nHost: voice-chime.us-east-1.amazonaws.com\r\n\r\n")
                assert accepted.recv(65536) == payload
                assert client.recv(4096).startswith(b"HTTP/1.1 200 OK")


def test_httpx_clients_are_built_and_reach_a_loopback_server_under_a_mock() -> None:
    """The proxy bypass the mock puts in NO_PROXY is one every client reads (httpx refused "[::1]")."""
    httpx = pytest.importorskip("httpx")
    with ChimeProxyServer() as server, ChimeProxyMock():
        with httpx.Client() as client:
            assert client.get(f"{server.url}/voice-connectors").json()["VoiceConnectors"] == []

        async def fetch() -> int:
            async with httpx.AsyncClient() as aclient:
                return (await aclient.get(f"{server.url}/voice-connectors")).status_code

        assert asyncio.run(fetch()) == 200
