"""The server under hostile conditions (issue 11 items 3-6): every attack is made against a real running server on
127.0.0.1, with raw sockets where the attack needs bytes no client library sends, and each test checks both the
answer and that a refused request changed nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from helpers import JSON, NUMBERS, PAIR, control, http
from test_server import raw_http

from pytest_chime_proxy.core.faults import MAX_LATENCY
from pytest_chime_proxy.server.app import REQUEST_QUEUE_SIZE, ChimeProxyServer


def statuses(raw: bytes) -> list[int]:
    """The status codes of every answer in a byte stream (more than one means a second request was read)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] ([0-9]{3}) ", raw)]


def state(server: ChimeProxyServer) -> tuple[list[str], list[str], list[Any]]:
    """What a refused request must not change: connectors, numbers (through the API) and fault rules."""
    client = server.client()
    connectors = [v["VoiceConnectorId"] for v in client.list_voice_connectors()["VoiceConnectors"]]
    numbers = [n["E164PhoneNumber"] for n in client.list_phone_numbers()["PhoneNumbers"]]
    return connectors, numbers, control(server, "GET", "faults")[1]["rules"]


# ---- item 3: a clock move that cannot be made changes nothing --------------------------------------------------
@pytest.mark.parametrize(
    "payload",
    [
        b'{"advance_seconds": 1e13}',
        b'{"advance_seconds": 1e400}',
        b'{"advance_seconds": NaN}',
        b'{"advance_seconds": Infinity}',
        b'{"set": "9999-12-31T23:00:00Z"}',
        b'{"set": 1e20}',
        b'{"set": true}',
        b'{"set": "next tuesday"}',
    ],
)
def test_a_clock_move_that_cannot_be_made_is_a_400_and_changes_nothing(
    server: ChimeProxyServer, vc: str, payload: bytes
) -> None:
    assert control(server, "POST", "clock", {"set": "2024-05-01T10:00:00Z"})[0] == 200
    status, _, body = http(server, "POST", "/_chime_proxy/clock", payload, JSON)
    assert status == 400, body
    assert body["Message"]
    assert control(server, "GET", "clock") == (200, {"now": "2024-05-01T10:00:00.000Z"})
    session = server.client().create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"]
    )["ProxySession"]
    assert session["CreatedTimestamp"].isoformat().startswith("2024-05-01T10:00:00")
    assert control(server, "POST", "clock", {"advance_seconds": 61})[1] == {"now": "2024-05-01T10:01:01.000Z"}
    assert server.errors == []


def test_the_refusal_says_what_the_clock_can_show(server: ChimeProxyServer) -> None:
    status, body = control(server, "POST", "clock", {"advance_seconds": 1e13})
    assert status == 400 and "9999-01-01" in body["Message"]


@pytest.mark.parametrize(
    "latency", [b"1e13", b"1e400", b"-1", b"NaN", b'"slow"', b"true", str(MAX_LATENCY + 1).encode()]
)
def test_a_fault_latency_that_cannot_be_applied_is_refused(server: ChimeProxyServer, vc: str, latency: bytes) -> None:
    body = b'{"operation": "*", "times": null, "latency": ' + latency + b"}"
    status, _, answer = http(server, "POST", "/_chime_proxy/faults", body, JSON)
    assert status == 400, answer
    assert control(server, "GET", "faults") == (200, {"rules": []})
    assert server.client().list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []
    assert server.errors == []


def test_the_largest_latency_applies_and_the_server_keeps_answering(server: ChimeProxyServer, vc: str) -> None:
    control(server, "POST", "clock", {"set": "2024-05-01T10:00:00Z"})
    status, _ = control(
        server, "POST", "faults", {"operation": "ListProxySessions", "latency": MAX_LATENCY, "times": 2}
    )
    assert status == 201
    client = server.client()
    for _ in range(3):
        assert client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []
    assert control(server, "GET", "clock")[1] == {"now": "2024-05-03T10:00:00.000Z"}  # two days of latency


# ---- item 4: the server under hostile input ---------------------------------------------------------------------
@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000, b'{"Name": ' + b"[" * 5000 + b"]" * 5000 + b"}"])
def test_deeply_nested_json_is_a_400_on_the_service_path(server: ChimeProxyServer, vc: str, body: bytes) -> None:
    status, headers, answer = http(server, "POST", f"/voice-connectors/{vc}/proxy-sessions", body, JSON)
    assert status == 400, answer
    assert {k.lower(): v for k, v in headers.items()}["x-amzn-errortype"] == "BadRequestException"
    assert server.client().list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []
    assert server.errors == []


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"phone_numbers": ' + b"[" * 100_000])
def test_deeply_nested_json_is_a_400_on_the_control_path(server: ChimeProxyServer, body: bytes) -> None:
    status, _, answer = http(server, "POST", "/_chime_proxy/voice-connectors", body, JSON)
    assert status == 400 and "nested too deeply" in answer["Message"]
    assert state(server) == ([], [], [])
    assert server.errors == []


def test_the_listen_backlog_holds_a_hundred_connections(server: ChimeProxyServer) -> None:
    """The kernel's accept queue of the listening socket (``ss`` shows it as Send-Q) is at least 100."""
    assert REQUEST_QUEUE_SIZE >= 100
    ss = shutil.which("ss")
    if ss is None:
        pytest.skip("no `ss` here to read the listening socket's backlog")
    port = server.url.rsplit(":", 1)[1]
    listing = subprocess.run([ss, "-ltnH", f"sport = :{port}"], capture_output=True, text=True, timeout=10).stdout
    backlog = int(listing.split()[2])  # State Recv-Q Send-Q ...: Send-Q of a listening socket is its backlog
    somaxconn = (
        int(Path("/proc/sys/net/core/somaxconn").read_text())
        if Path("/proc/sys/net/core/somaxconn").exists()
        else REQUEST_QUEUE_SIZE
    )
    assert backlog == min(REQUEST_QUEUE_SIZE, somaxconn) and backlog >= 100


def test_a_hundred_simultaneous_clients_are_all_answered(server: ChimeProxyServer) -> None:
    """100 clients connect at the same instant (a barrier) and each must be answered: bounded to 100
    connections and 60 seconds."""
    port = int(server.url.rsplit(":", 1)[1])
    start = threading.Barrier(100)
    results: list[int | str] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            start.wait(timeout=30)
            with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
                sock.sendall(b"GET /_chime_proxy/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
            outcome: int | str = statuses(data)[0]
        except Exception as error:  # noqa: BLE001 - counted and shown below
            outcome = repr(error)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one) for _ in range(100)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert time.monotonic() - began < 60
    assert sorted(results, key=str) == [200] * 100


def test_a_huge_authorization_header_is_parsed_in_linear_time(server: ChimeProxyServer, vc: str) -> None:
    """65 KB of ``Credential=`` (the quadratic case of a regex search) is answered at once, and so is everyone
    else meanwhile."""
    hostile = "AWS4-HMAC-SHA256 " + "Credential=" * 5900
    port = int(server.url.rsplit(":", 1)[1])
    request = (
        f"GET /voice-connectors/{vc}/proxy-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {hostile}\r\nConnection: close\r\n\r\n"
    ).encode()
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    elapsed = time.monotonic() - began
    assert statuses(data) == [200]  # unsigned-looking: the server's region and default account
    assert elapsed < 1.0, f"{elapsed:.2f}s for one request"
    assert server.mock.calls[-1].region == server.region


@pytest.mark.parametrize("lengths", [(b"4", b"4"), (b"0", b"44"), (b"44", b"0")])
def test_repeated_content_length_is_refused_and_smuggles_nothing(
    server: ChimeProxyServer, vc: str, lengths: tuple[bytes, bytes]
) -> None:
    smuggled = b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    body = b"{}\r\n" + smuggled
    data = (
        b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + lengths[0] + b"\r\nContent-Length: " + lengths[1] + b"\r\n\r\n" + body
    )
    raw = raw_http(server, data)
    assert statuses(raw) == [400], raw
    assert b"Content-Length" in raw
    assert state(server)[0] == [vc]  # neither the request nor the one hidden in its body reset anything


@pytest.mark.parametrize("value", [b"+2", b"1_0", b"0x2", b"2, 2", b" 2 2", b"\xd9\xa2"])
def test_a_content_length_that_is_not_plain_digits_is_refused(server: ChimeProxyServer, vc: str, value: bytes) -> None:
    data = (
        b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + value + b"\r\n\r\n{}"
    )
    assert statuses(raw_http(server, data)) == [400]
    assert state(server)[0] == [vc]


def _console(*args: str) -> subprocess.Popen[str]:
    script = Path(sys.executable).with_name("chime-proxy-server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pytest_chime_proxy.server.app"]
    return subprocess.Popen(
        [*command, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _reset_connections(url: str, count: int) -> None:
    """Open connections, send half a request, and abort them (RST) while the server reads."""
    port = int(url.rsplit(":", 1)[1])
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /_chime_proxy/health HTTP/1.1\r\nHost: 127.")
        time.sleep(0.05)  # the server is now blocked reading the rest
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    time.sleep(0.3)
    with urllib.request.urlopen(url + "/_chime_proxy/health", timeout=10) as answer:
        assert answer.status == 200  # and the server lives on


@pytest.mark.parametrize("quiet", [True, False])
def test_a_reset_connection_prints_nothing_and_requests_are_logged_without_quiet(quiet: bool) -> None:
    process = _console(*(["--quiet"] if quiet else []))
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        _reset_connections(url, 3)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "Traceback" not in err
    if quiet:
        assert err == ""
    else:  # one line for the health request, none for the three reset connections
        assert len(err.splitlines()) == 1 and '"GET /_chime_proxy/health" 200 ' in err, err


def test_the_call_log_keeps_the_newest_max_calls() -> None:
    with ChimeProxyServer(max_calls=5) as small:
        vc = small.mock.create_voice_connector(NUMBERS)
        client = small.client()
        for size in range(1, 9):
            client.list_proxy_sessions(VoiceConnectorId=vc, MaxResults=size)
        status, body = control(small, "GET", "calls")
        assert status == 200
        assert (body["max_calls"], body["dropped"]) == (5, 3)
        assert [call["url"].rsplit("=", 1)[1] for call in body["calls"]] == ["4", "5", "6", "7", "8"]
        assert control(small, "POST", "reset")[0] == 200
        assert control(small, "GET", "calls")[1] == {
            "max_calls": 5,
            "max_call_bytes": 64 * 1024 * 1024,
            "bytes": 0,
            "dropped": 0,
            "calls": [],
        }


def test_the_call_log_stays_bounded_under_a_stream_of_requests() -> None:
    """2,000 requests (bounded) through a log of 100: it holds 100, the newest, and counts the rest."""
    with ChimeProxyServer(max_calls=100) as small:
        port = int(small.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            stream = sock.makefile("rb")
            for i in range(2000):
                sock.sendall(
                    f"GET /voice-connectors?max-results={i % 99 + 1} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
                )
                assert stream.readline().startswith(b"HTTP/1.1 200")
                length = 0
                while (line := stream.readline()) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                stream.read(length)
        assert len(small.mock.calls) == 100
        assert small.mock.calls.dropped == 1900
        assert small.mock.calls[-1].request.url.endswith(f"max-results={1999 % 99 + 1}")


def test_console_script_takes_max_calls() -> None:
    process = _console("--quiet", "--max-calls", "2")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        for _ in range(3):
            urllib.request.urlopen(url + "/voice-connectors", timeout=10).read()
        with urllib.request.urlopen(url + "/_chime_proxy/calls", timeout=10) as answer:
            body = json.loads(answer.read())
        assert (body["max_calls"], body["dropped"], len(body["calls"])) == (2, 1, 2)
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_console_script_refuses_a_bad_max_calls(value: str) -> None:
    process = _console("--max-calls", value)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == ""
    assert "max-calls" in err or "max_calls" in err


# ---- item 5: no path is reachable from a web page (issue 20: one guard for all paths) ---------------------------
FOREIGN = [
    {"Origin": "http://evil.example", "Content-Type": "application/json"},
    {"Origin": "https://evil.example", "Content-Type": "application/json"},
    {"Origin": "null", "Content-Type": "application/json"},
    {"Host": "evil.example", "Content-Type": "application/json"},  # DNS rebinding: the attacker's name, our IP
    {"Host": "127.0.0.1.evil.example:80", "Content-Type": "application/json"},
    {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
]
# What one URL parser or another reads as loopback: userinfo, a backslash before "@", a path, two values.
TWISTED = [
    {"Host": "evil.example\\@127.0.0.1"},
    {"Host": "127.0.0.1\\@evil.example"},
    {"Host": "evil.example@127.0.0.1"},
    {"Host": "127.0.0.1@evil.example"},
    {"Host": "127.0.0.1/evil.example"},
    {"Host": "127.0.0.1 evil.example"},
    {"Origin": "http://evil.example\\@127.0.0.1"},
    {"Origin": "http://127.0.0.1\\@evil.example"},
    {"Origin": "http://evil.example@127.0.0.1"},
    {"Origin": "http://user:pw@127.0.0.1"},
    {"Origin": "http://127.0.0.1/evil"},
    {"Origin": "http://127.0.0.1, http://evil.example"},
    {"Origin": "file://127.0.0.1"},
]
SIMPLE_TYPES = [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
]


def service_requests(vc: str) -> list[tuple[str, str, bytes | None]]:
    """A write and a read on the service paths, in both namespaces."""
    session = json.dumps({"ParticipantPhoneNumbers": PAIR, "Capabilities": ["Voice"]}).encode()
    return [
        ("POST", f"/voice-connectors/{vc}/proxy-sessions", session),
        ("POST", "/chime/voice-connectors", b'{"Name": "evil", "RequireEncryption": false}'),
        ("DELETE", f"/voice-connectors/{vc}", None),
        ("GET", "/voice-connectors", None),
    ]


CONTROL_REQUESTS = [
    ("POST", "/_chime_proxy/reset", b"{}"),
    ("POST", "/_chime_proxy/faults", b'{"operation": "*", "error": "ServiceFailureException", "times": null}'),
    ("POST", "/_chime_proxy/voice-connectors", b"{}"),
    ("POST", "/_chime_proxy/clock", b'{"advance_seconds": 86400}'),
    ("GET", "/_chime_proxy/calls", None),
]


def refused_everywhere(server: ChimeProxyServer, vc: str, headers: dict[str, str], status: int = 403) -> None:
    """Every control and service request with ``headers`` gets ``status`` and changes nothing: no state, no
    clock move, no call recorded."""
    before, clock, calls = state(server), server.mock.clock.time(), len(server.mock.calls)
    for method, path, payload in [*CONTROL_REQUESTS, *service_requests(vc)]:
        got, _, body = http(server, method, path, payload, headers)
        assert got == status, (method, path, body)
        assert body["Message"]
    assert len(server.mock.calls) == calls
    assert state(server) == before
    assert server.mock.clock.time() - clock < 60  # moved only as wall time does (a refused advance is a day)


@pytest.mark.parametrize("headers", FOREIGN)
def test_a_foreign_host_or_origin_gets_403_on_every_path_and_changes_nothing(
    server: ChimeProxyServer, vc: str, headers: dict[str, str]
) -> None:
    refused_everywhere(server, vc, headers)


@pytest.mark.parametrize("headers", TWISTED)
def test_a_host_or_origin_with_userinfo_or_a_backslash_gets_403(
    server: ChimeProxyServer, vc: str, headers: dict[str, str]
) -> None:
    refused_everywhere(server, vc, {**headers, "Content-Type": "application/json"})


@pytest.mark.parametrize("content_type", SIMPLE_TYPES)
def test_a_content_type_a_page_may_send_cross_site_gets_403_on_every_path(
    server: ChimeProxyServer, vc: str, content_type: str
) -> None:
    """The bodies a page can send cross-site without a CORS preflight, with a loopback Host and no Origin
    (a page's ``fetch(..., {mode: "no-cors"})`` to 127.0.0.1)."""
    before, calls = state(server), len(server.mock.calls)
    for method, path, payload in [*CONTROL_REQUESTS, *service_requests(vc)]:
        if method == "POST":
            got, _, body = http(server, method, path, payload, {"Content-Type": content_type})
            assert got == 403 and "Content-Type" in body["Message"], (path, body)
    assert len(server.mock.calls) == calls
    assert state(server) == before


def test_two_host_headers_are_a_400_on_every_path(server: ChimeProxyServer, vc: str) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    for target in ("/_chime_proxy/reset", f"/voice-connectors/{vc}"):
        data = f"DELETE {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n".encode()
        raw = raw_http(server, data)
        assert statuses(raw) == [400] and b"more than one Host" in raw, raw
    assert state(server)[0] == [vc]


def test_a_control_body_without_a_json_type_gets_415_and_changes_nothing(server: ChimeProxyServer, vc: str) -> None:
    before = state(server)
    body = b'{"operation": "*", "error": "ServiceFailureException", "times": null}'
    for headers in ({}, {"Content-Type": "application/xml"}):
        status, _, answer = http(server, "POST", "/_chime_proxy/faults", body, headers)
        if not headers:  # urllib sends a body without a type as form-encoded: a page's type, refused first
            assert status == 403, answer
            continue
        assert status == 415 and "application/json" in answer["Message"], answer
    raw = raw_http(
        server,
        b"POST /_chime_proxy/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body,
    )
    assert statuses(raw) == [415], raw
    assert state(server) == before


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_browser_request_of_the_same_origin_is_served(server: ChimeProxyServer, site: str) -> None:
    port = server.url.rsplit(":", 1)[1]
    headers = {**JSON, "Sec-Fetch-Site": site, "Origin": f"http://127.0.0.1:{port}"}
    assert http(server, "GET", "/voice-connectors", None, headers)[0] == 200
    assert http(server, "POST", "/_chime_proxy/clock", b'{"advance_seconds": 1}', headers)[0] == 200


def test_sdk_requests_carry_json_and_no_origin(server: ChimeProxyServer, vc: str) -> None:
    """What botocore (so boto3 and the AWS CLI) sends to rest-json Chime passes the guard: application/json
    with a body, no Content-Type without one, never an Origin."""
    client = server.client()
    session = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])
    client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySession"]["ProxySessionId"])
    sent = [{k.lower(): v for k, v in call.request.headers.items()} for call in server.mock.calls]
    assert [h.get("content-type") for h in sent] == ["application/json", None]
    assert not any("origin" in h for h in sent)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST.", "127.0.0.2", "[::1]"])
def test_loopback_hosts_and_origins_are_served(server: ChimeProxyServer, host: str) -> None:
    port = server.url.rsplit(":", 1)[1]
    status, _, body = http(
        server,
        "POST",
        "/_chime_proxy/clock",
        b'{"advance_seconds": 1}',
        {**JSON, "Host": f"{host}:{port}", "Origin": f"http://{host}:{port}"},
    )
    assert status == 200, body


def test_binding_beyond_loopback_needs_allow_remote_and_warns() -> None:
    """Nothing is bound here: the refusal comes before the socket, and the warning at construction."""
    with pytest.raises(ValueError, match="allow_remote"):
        ChimeProxyServer(host="0.0.0.0")
    with pytest.raises(ValueError, match="allow_remote"):
        ChimeProxyServer(host="::")
    with pytest.warns(RuntimeWarning, match="beyond loopback"):
        remote = ChimeProxyServer(host="0.0.0.0", allow_remote=True)
    assert remote.allow_remote
    with pytest.raises(RuntimeError, match="not running"):
        _ = remote.url  # nothing was bound


def test_console_script_refuses_a_remote_host_without_the_flag() -> None:
    process = _console("--host", "0.0.0.0")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == ""
    assert "--allow-remote" in err


# ---- item 6: the control API validates every field before any change ---------------------------------------
@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"phone_numbers": [123]}, "phone_numbers item 1"),
        ({"phone_numbers": "+19135550115"}, "phone_numbers go in a list"),
        ({"phone_numbers": ["+1 913 555 0114"]}, "is not an E.164 phone number"),
        ({"phone_numbers": NUMBERS, "name": {"a": 1}}, "'name'"),
        ({"phone_numbers": NUMBERS, "name": ""}, "'name'"),
        ({"phone_numbers": NUMBERS, "default_session_expiry_minutes": 0}, "default_session_expiry_minutes"),
        ({"phone_numbers": NUMBERS, "default_session_expiry_minutes": "60"}, "default_session_expiry_minutes"),
        ({"phone_numbers": NUMBERS, "countries": ["usa"]}, "countries"),
        ({"phone_numbers": NUMBERS, "region": "us-east-l"}, "region 'us-east-l'"),
        ({"phone_numbers": NUMBERS, "proxy": "yes"}, "proxy"),
        ({"phone_numbers": NUMBERS, "require_encryption": 1}, "require_encryption"),
        ({"phone_numbers": NUMBERS, "account": "12345"}, "account"),
    ],
)
def test_a_connector_with_a_bad_field_leaves_nothing_behind(
    server: ChimeProxyServer, payload: dict[str, Any], says: str
) -> None:
    status, body = control(server, "POST", "voice-connectors", payload)
    assert status == 400, body
    assert says in body["Message"]
    assert state(server) == ([], [], [])
    for account in ("123456789012", "111122223333"):  # nor in another account
        assert server.client(aws_access_key_id=account).list_phone_numbers()["PhoneNumbers"] == []


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"phone_numbers": [123]}, "phone_numbers item 1"),
        ({"phone_numbers": ["+19135550111"], "product_type": "Fax"}, "product_type"),
        ({"phone_numbers": ["+19135550111"], "account": 123456789012}, "account"),
    ],
)
def test_an_order_with_a_bad_field_orders_nothing(server: ChimeProxyServer, payload: dict[str, Any], says: str) -> None:
    status, body = control(server, "POST", "phone-numbers", payload)
    assert status == 400 and says in body["Message"], body
    assert state(server) == ([], [], [])


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"operation": "*", "error": "ServiceFailureException", "times": "3"}, "times"),
        ({"operation": "*", "error": "ServiceFailureException", "probability": "half"}, "probability"),
        ({"operation": "*", "error": "ServiceFailureException", "namespace": "chime-sdk-meetings"}, "namespace"),
        ({"operation": 7, "error": "ServiceFailureException"}, "operation"),
        ({"operation": "*", "error": ["ServiceFailureException"]}, "error"),
        ({"operation": "*", "error": "ServiceFailureException", "after": True}, "after"),
    ],
)
def test_a_fault_with_a_bad_field_adds_no_rule(
    server: ChimeProxyServer, vc: str, payload: dict[str, Any], says: str
) -> None:
    status, body = control(server, "POST", "faults", payload)
    assert status == 400 and says in body["Message"], body
    assert control(server, "GET", "faults") == (200, {"rules": []})
    assert server.client().list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"voice_connector_id": 5, "proxy_session_id": "x"},
        {"voice_connector_id": "vc", "proxy_session_id": " "},
        {"voice_connector_id": "vc", "proxy_session_id": "x", "account": "me"},
    ],
)
def test_activity_with_a_bad_field_is_a_400(server: ChimeProxyServer, payload: dict[str, Any]) -> None:
    status, body = control(server, "POST", "activity", payload)
    assert status == 400, body


def test_reset_takes_no_fields(server: ChimeProxyServer, vc: str) -> None:
    status, body = control(server, "POST", "reset", {"everything": True})
    assert status == 400 and "everything" in body["Message"]
    assert state(server)[0] == [vc]


def test_the_console_script_takes_any_mock_option() -> None:
    import boto3

    process = _console("--option", "order_delay=0", "--option", 'quotas={"voice_connectors_per_region": 1}')
    try:
        url = process.stdout.readline().strip() if process.stdout else ""
        client = boto3.client(
            "chime-sdk-voice",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        order = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=["+19135550111"])
        assert order["PhoneNumberOrder"]["Status"] == "Successful"
        client.create_voice_connector(Name="one", RequireEncryption=True)
        with pytest.raises(client.exceptions.ResourceLimitExceededException):
            client.create_voice_connector(Name="two", RequireEncryption=True)
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("order_delay=-1", "order_delay"),
        ("quotas=yes", "not JSON"),
        ("nothing", "NAME=JSON"),
        ("regoin=1", "unknown option"),
    ],
)
def test_the_console_script_refuses_a_wrong_option_saying_why(option: str, says: str) -> None:
    process = _console("--option", option)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == "" and says in err


# ---- found by attacking issue 21's fifth round ------------------------------------------------------------------
@pytest.mark.parametrize(
    "target", [b"http://[::1/voice-connectors", b"http://[not-an-ip]/voice-connectors", b"http://[/x", b"//[::1"]
)
def test_a_target_with_a_bad_bracketed_host_is_answered_not_a_closed_connection(
    server: ChimeProxyServer, vc: str, target: bytes
) -> None:
    """A 400 where Python's URL parser refuses the host (3.11.4 on), served by its path where it does not."""
    raw = raw_http(server, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    answered = statuses(raw)
    assert len(answered) == 1 and answered[0] in (200, 400, 404), raw
    assert b"Message" in raw.partition(b"\r\n\r\n")[2] or answered == [200]
    assert server.app.errors == [] and state(server)[0] == [vc]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://alice:PW-MUST-NOT-LEAK@127.0.0.1"},
        {"Host": "alice:PW-MUST-NOT-LEAK@127.0.0.1"},
        {"Host": "127.0.0.1, alice:PW-MUST-NOT-LEAK@127.0.0.1"},
        {"Origin": "//alice:PW-MUST-NOT-LEAK@evil.example"},
    ],
)
def test_a_refusal_never_quotes_a_password_written_in_host_or_origin(
    server: ChimeProxyServer, headers: dict[str, str]
) -> None:
    status, _, body = http(server, "GET", "/voice-connectors", headers=headers)
    assert status in (400, 403) and body["Message"], body
    assert "PW-MUST-NOT-LEAK" not in json.dumps(body), body
