"""Issue 20: the server on waitress, tried as an attacker would, with raw sockets on 127.0.0.1.

Request smuggling shapes, a cold burst, idle clients under a low file-descriptor limit, state that reads must
not create, the call log bounded in bytes, the pipeline warm before serving. Every load is bounded in count
and time.
"""

from __future__ import annotations

import json
import random
import socket
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from helpers import control
from loadgen import (
    HEALTH,
    burst,
    console,
    cpu_seconds,
    keep_alive_requests,
    new_key_and_region,
    port_of,
    rss_kib,
    signed_get,
)
from test_server import raw_http
from test_server_hostile import state, statuses

from pytest_chime_proxy.core.calls import CALL_OVERHEAD, CallLog
from pytest_chime_proxy.server.app import ChimeProxyServer

RESET = b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n"


# ---- item 1: request smuggling ----------------------------------------------------------------------------------
def _framed(head: bytes, body: bytes) -> bytes:
    return (
        b"POST /_chime_proxy/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + head
        + b"\r\n"
        + body
    )


SMUGGLING = {
    # two Transfer-Encoding headers (joined: "identity, chunked") and a Content-Length
    "identity then chunked, with CL": _framed(
        b"Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n" + RESET
    ),
    "chunked with CL": _framed(b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n" + RESET),
    "CL with chunked": _framed(
        b"Content-Length: " + str(len(RESET) + 5).encode() + b"\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n" + RESET
    ),
    "chunked twice": _framed(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n" + RESET),
    "chunked, chunked": _framed(b"Transfer-Encoding: chunked, chunked\r\n", b"0\r\n\r\n" + RESET),
    "unknown coding, no CL": _framed(b"Transfer-Encoding: gzip\r\n", RESET),
    "unknown coding last": _framed(b"Transfer-Encoding: chunked, gzip\r\n", b"0\r\n\r\n" + RESET),
    "misspelt chunked": _framed(b"Transfer-Encoding: xchunked\r\n", b"0\r\n\r\n" + RESET),
    "space before the colon": _framed(b"Transfer-Encoding : chunked\r\n", b"0\r\n\r\n" + RESET),
    "TE in HTTP/1.0": _framed(b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"0\r\n\r\n" + RESET).replace(
        b"HTTP/1.1", b"HTTP/1.0", 1
    ),
    "two Content-Length": _framed(b"Content-Length: 0\r\nContent-Length: " + str(len(RESET)).encode() + b"\r\n", RESET),
    "a bad request, then a pipelined one": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n" + RESET,
}


@pytest.mark.parametrize("shape", SMUGGLING)
def test_a_smuggling_shape_is_refused_and_the_hidden_request_never_runs(
    server: ChimeProxyServer, vc: str, shape: str
) -> None:
    raw = raw_http(server, SMUGGLING[shape])
    answers = statuses(raw)
    assert len(answers) == 1 and answers[0] in (400, 501), raw  # one answer: the hidden reset was never read
    assert b"Connection: close" in raw
    assert json.loads(raw.split(b"\r\n\r\n", 1)[1])["Message"]
    assert state(server)[0] == [vc]
    assert server.errors == []


def test_a_plain_chunked_request_and_its_pipelined_follower_are_both_served(server: ChimeProxyServer) -> None:
    """The control for the cases above: the same bytes, framed one way only, are two requests."""
    raw = raw_http(
        server,
        _framed(b"Transfer-Encoding: chunked\r\n", b"0\r\n\r\n")
        + RESET.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"),
    )
    assert statuses(raw) == [200, 200], raw


# ---- item 2: a cold server under a burst ------------------------------------------------------------------------
def test_a_cold_server_clears_a_burst_of_a_thousand_connections() -> None:
    """A fresh process (nothing answered yet) and 1,000 connections at once, each a service request: all
    answered, within 30 seconds (the unwarmed stdlib server took 11 s for 1,000 and stalled past 1,500)."""
    process, url = console()
    try:
        request = signed_get("/voice-connectors", "123456789012", "us-east-1").replace(
            b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"
        )
        elapsed, outcomes = burst(port_of(url), 1000, timeout=60, request=request)
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert outcomes == {200: 1000}, outcomes
    assert elapsed < 30, f"{elapsed:.1f}s"


def test_the_pipeline_is_warm_before_the_first_request(server: ChimeProxyServer, vc: str) -> None:
    """Nothing the pipeline caches is built by a request: after start, a lifecycle through boto3 and a few
    refusals add no entry to the model, routing, plan, validator or writer caches."""
    from pytest_chime_proxy.core.wire import protocol, routing, serialize, spec, validation

    caches = [spec.load, routing._table, protocol._plan, validation._validator, serialize.writer]
    before = [cache.cache_info().currsize for cache in caches]
    assert all(before)
    from botocore.config import Config

    client = server.client(config=Config(parameter_validation=False))
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
    )["ProxySession"]
    client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])
    client.list_proxy_sessions(VoiceConnectorId=vc)
    client.search_available_phone_numbers(AreaCode="206", MaxResults=2)
    with pytest.raises(client.exceptions.BadRequestException):
        client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+1"], Capabilities=["Fax"])
    assert [cache.cache_info().currsize for cache in caches] == before


# ---- item 3: memory ---------------------------------------------------------------------------------------------
def test_reads_with_new_keys_and_regions_leave_no_state(server: ChimeProxyServer, vc: str) -> None:
    rng = random.Random(20)
    requests = []
    for _ in range(300):
        key, region = new_key_and_region(rng)
        requests.append(signed_get(rng.choice(["/voice-connectors", "/phone-numbers"]), key, region))
        requests.append(signed_get("/voice-connectors/nope/proxy-sessions", key, region))
    answered = keep_alive_requests(port_of(server.url), requests, timeout=60)
    assert answered[200] == 300 and sum(answered.values()) == 600 and set(answered) <= {200, 400, 404}
    assert set(server.mock.fake.backend.accounts) == {server.mock.account}
    assert len(server.mock.fake._scopes) <= 2


def test_a_refused_write_of_a_new_account_leaves_no_state(server: ChimeProxyServer) -> None:
    from botocore.config import Config

    refused = server.client(aws_access_key_id="111122223333", config=Config(parameter_validation=False))
    with pytest.raises(refused.exceptions.BadRequestException):
        refused.create_voice_connector(Name="", RequireEncryption=True)
    assert "111122223333" not in server.mock.fake.backend.accounts
    made = refused.create_voice_connector(Name="kept", RequireEncryption=True)["VoiceConnector"]
    assert "111122223333" in server.mock.fake.backend.accounts  # a write that changes state keeps it
    assert refused.get_voice_connector(VoiceConnectorId=made["VoiceConnectorId"])["VoiceConnector"]["Name"] == "kept"


def test_the_call_log_is_bounded_in_bytes() -> None:
    """Requests of 100 KB each through a log of 1 MiB: it keeps the newest that fit and counts the rest."""
    with ChimeProxyServer(max_call_bytes=1024 * 1024, max_calls=None) as small:
        port = port_of(small.url)
        body = json.dumps({"Name": "x" * 100_000, "RequireEncryption": True}).encode()
        request = (
            b"POST /voice-connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        assert keep_alive_requests(port, [request] * 30, timeout=60) == {400: 30}  # Name is too long
        log = small.mock.calls
        assert log.bytes <= 1024 * 1024 and 3 <= len(log) < 10
        assert log.dropped == 30 - len(log)
        status, body_ = control(small, "GET", "calls")
        assert (body_["max_call_bytes"], body_["bytes"], body_["dropped"]) == (1024 * 1024, log.bytes, log.dropped)


def test_the_call_log_counts_bodies_and_keeps_the_newest_call_whatever_its_size() -> None:
    from pytest_chime_proxy.core.calls import Call
    from pytest_chime_proxy.core.wire.protocol import WireRequest, WireResponse

    def call(size: int) -> Call:
        response = WireResponse(200, {}, b"")
        return Call(WireRequest("POST", "u", {}, b"x" * size), None, "1", None, {}, response, 200, None)

    log = CallLog(max_bytes=10_000)
    log.append(call(1000))
    assert log.bytes == CALL_OVERHEAD + 2000 + 1
    log.append(call(50_000))  # alone over the bound: kept, the older one dropped
    assert len(log) == 1 and log[-1].request.body == b"x" * 50_000 and log.dropped == 1
    log.clear()
    assert (log.bytes, log.dropped, len(log)) == (0, 0, 0)


def test_a_byte_bound_set_later_counts_the_calls_already_kept() -> None:
    """Sizes are counted only while a byte bound is set (in-process logs have none); setting one counts what
    is kept and drops the oldest past it at once."""
    from pytest_chime_proxy.core.calls import Call
    from pytest_chime_proxy.core.wire.protocol import WireRequest, WireResponse

    def call(size: int) -> Call:
        return Call(
            WireRequest("POST", "u", {}, b"x" * size), None, "1", None, {}, WireResponse(200, {}, b""), 200, None
        )

    log = CallLog()
    for _ in range(3):
        log.append(call(1000))
    assert log.bytes == 0
    log.max_bytes = 2 * (CALL_OVERHEAD + 2000 + 1)
    assert (len(log), log.dropped, log.bytes) == (2, 1, 2 * (CALL_OVERHEAD + 2000 + 1))
    log.max_bytes = None
    log.append(call(10))
    assert (len(log), log.bytes) == (3, 0)


def test_memory_stays_flat_under_new_keys_and_regions() -> None:
    """A cold server process; 2,000 reads under new keys and regions to fill its (small) call log, then 6,000
    more: its resident memory grows by less than 8 MB (the stdlib server kept ~20 MB per 1,000)."""
    process, url = console("--max-calls", "200")
    try:
        port, rng = port_of(url), random.Random(3)

        def load(count: int) -> None:
            for _ in range(count // 100):
                batch = [signed_get("/voice-connectors", *new_key_and_region(rng)) for _ in range(100)]
                assert keep_alive_requests(port, batch, timeout=60) == {200: 100}

        load(2000)
        settled = rss_kib(process.pid)
        load(6000)
        grown = rss_kib(process.pid) - settled
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert grown < 8 * 1024, f"{grown} KiB"


# ---- item 4: file descriptors -----------------------------------------------------------------------------------
def test_idle_clients_under_a_low_fd_limit_do_not_spin_the_server_or_lock_out_others() -> None:
    """A server limited to 256 descriptors, 300 clients that connect and send nothing: the server caps its
    connections below the limit (no accept() failing in a loop), stays near idle, closes idle connections
    after --idle-timeout, and a client arriving behind them is answered."""
    process, url = console("--idle-timeout", "2", nofile=256)
    idle: list[socket.socket] = []
    try:
        port = port_of(url)
        for _ in range(300):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        spent = cpu_seconds(process.pid)
        time.sleep(1.5)
        spent = cpu_seconds(process.pid) - spent
        began = time.monotonic()
        elapsed, outcomes = burst(port, 1, timeout=30, request=HEALTH)
        waited = time.monotonic() - began
    finally:
        for sock in idle:
            sock.close()
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert spent < 0.75, f"{spent:.2f}s of CPU in 1.5s while clients idled"
    assert outcomes == {200: 1}, (outcomes, err)
    assert waited < 20, f"{waited:.1f}s"
    assert err == ""


def test_the_connection_cap_fits_the_descriptor_limit() -> None:
    from pytest_chime_proxy.server import serving

    room = serving.fd_room()
    if room is None:
        pytest.skip("no descriptor limit to read here")
    assert serving.connection_cap(10**6) == room - serving.FD_RESERVE
    assert serving.connection_cap(5) == 5
    with ChimeProxyServer(max_connections=10**6) as big:
        assert big.connection_limit <= room - serving.FD_RESERVE


# ---- item 6: logs never print a secret ---------------------------------------------------------------------------
def test_the_request_log_redacts_a_presigned_url() -> None:
    """Without --quiet each request is one line on stderr, its URL redacted as the call log redacts it."""
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fchime"
        "%2Faws4_request&X-Amz-Security-Token=SECRETTOKEN&X-Amz-Signature=deadbeef0123"
    )
    process, url = console(quiet=False)
    try:
        request = f"GET /voice-connectors?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        assert keep_alive_requests(port_of(url), [request], timeout=30) == {200: 1}
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert '"GET /voice-connectors?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAREDACTED' in err, err
    for secret in ("IOSFODNN7EXAMPLE", "SECRETTOKEN", "deadbeef0123"):
        assert secret not in err


# ---- the application in another WSGI server -----------------------------------------------------------------------
def test_the_documented_app_runs_under_another_wsgi_server() -> None:
    """The docs' ``fake_chime.py``, served by the standard library's wsgiref (no REQUEST_URI: the path is
    rebuilt from PATH_INFO), answers boto3 and the control API, and still refuses a foreign Origin."""
    import re
    import threading
    from pathlib import Path
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    import boto3

    docs = Path(__file__).resolve().parents[1] / "docs" / "server-and-integrations.md"
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", docs.read_text(), re.S) if "ChimeProxyApp(" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "fake_chime.py", "exec"), namespace)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = make_server("127.0.0.1", 0, namespace["app"], handler_class=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        client = boto3.client(
            "chime-sdk-voice",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        (vc,) = [v["VoiceConnectorId"] for v in client.list_voice_connectors()["VoiceConnectors"]]
        session = client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
        )["ProxySession"]
        assert session["Participants"][0]["ProxyPhoneNumber"] == "+19135550199"
        mock = namespace["mock"]
        assert mock.calls[-1].request.url == f"{url}/voice-connectors/{vc}/proxy-sessions"
        request = urllib.request.Request(url + "/voice-connectors", headers={"Origin": "http://evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_head_answer_has_a_length_and_no_body(server: ChimeProxyServer) -> None:
    """The next answer on the same connection starts right after the HEAD answer's headers."""
    raw = raw_http(
        server,
        b"HEAD /_chime_proxy/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        b"GET /_chime_proxy/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    head, rest = raw.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 405 ") and b"Content-Length: " in head  # health takes GET only
    assert rest.startswith(b"HTTP/1.1 200 "), raw


@pytest.mark.parametrize("digits", [19, 4300, 5000])
def test_a_content_length_of_more_digits_than_any_body_is_a_413(server: ChimeProxyServer, digits: int) -> None:
    raw = raw_http(
        server,
        b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + b"9" * digits + b"\r\n\r\n",
    )
    assert statuses(raw) == [413] and b"over the limit" in raw, raw


def test_the_state_and_city_table_is_built_once_by_concurrent_searches() -> None:
    """The one table not built at start (some 100 MB of geocoding data): eight threads that need it at once
    wait for one build instead of each building its own."""
    import threading

    from pytest_chime_proxy.core.domain import number_search

    number_search._build_us_area_codes.cache_clear()
    start = threading.Barrier(8)

    def search() -> None:
        start.wait(timeout=30)
        number_search._us_area_codes()

    threads = [threading.Thread(target=search) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert number_search._build_us_area_codes.cache_info().misses == 1
