"""Server mode: the fake over real HTTP on loopback, driven by boto3 (``endpoint_url``) and raw sockets.

The clients here are real (boto3/botocore over a TCP connection, ``urllib``, a raw socket): nothing is
patched in this process, so every answer crossed the network stack.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from helpers import NUMBERS, PAIR, control

from pytest_chime_proxy.server.app import ChimeProxyServer, split_namespace


def client(
    url: str, service: str = "chime-sdk-voice", region: str = "us-east-1", key: str = "testing", **config: Any
) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 0}, **config),
    )


def raw_http(server: ChimeProxyServer, data: bytes, read_timeout: float = 10) -> bytes:
    """Send bytes on a fresh TCP connection and read until the server closes it."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=read_timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)  # all sent: a body shorter than its Content-Length ends here
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def body_of(raw: bytes) -> Any:
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


# ---- the service over HTTP -----------------------------------------------------------------------------------
def test_boto3_runs_the_session_lifecycle_against_the_server(server: ChimeProxyServer, vc: str) -> None:
    c = client(server.url)
    created = c.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], Name="over http"
    )["ProxySession"]
    assert created["Status"] == "Open" and created["VoiceConnectorId"] == vc
    assert {p["ProxyPhoneNumber"] for p in created["Participants"]} <= set(NUMBERS)
    sid = created["ProxySessionId"]
    assert c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)["ProxySession"]["Name"] == "over http"
    listed = c.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"]
    assert [s["ProxySessionId"] for s in listed] == [sid]
    updated = c.update_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid, Capabilities=["SMS"])
    assert updated["ProxySession"]["Capabilities"] == ["SMS"]
    c.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)
    with pytest.raises(c.exceptions.NotFoundException, match=sid):
        c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)
    # the same state is visible in-process, and every call was recorded with its operation
    assert [call.operation for call in server.mock.calls] == [
        "CreateProxySession",
        "GetProxySession",
        "ListProxySessions",
        "UpdateProxySession",
        "DeleteProxySession",
        "GetProxySession",
    ]


def test_validation_errors_come_back_as_the_service_sends_them(server: ChimeProxyServer, vc: str) -> None:
    c = client(server.url)
    with pytest.raises(c.exceptions.BadRequestException) as caught:
        c.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+1", "0"], Capabilities=["Voice"])
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "2 validation errors detected" in str(caught.value)
    assert "participantphonenumbers" in str(caught.value).lower()


def test_region_comes_from_the_signature(server: ChimeProxyServer) -> None:
    _, body = control(server, "POST", "voice-connectors", {"phone_numbers": NUMBERS, "region": "us-west-2"})
    west = body["voice_connector_id"]
    assert client(server.url, region="us-west-2").get_voice_connector_proxy(VoiceConnectorId=west)
    east = client(server.url, region="us-east-1")
    with pytest.raises(east.exceptions.NotFoundException):
        east.get_voice_connector_proxy(VoiceConnectorId=west)
    assert [c.endpoint.region for c in server.mock.calls] == ["us-west-2", "us-east-1"]


def test_account_comes_from_a_twelve_digit_access_key(server: ChimeProxyServer, vc: str) -> None:
    other = client(server.url, key="111122223333")
    with pytest.raises(other.exceptions.NotFoundException):
        other.get_voice_connector_proxy(VoiceConnectorId=vc)
    assert server.mock.calls[-1].account == "111122223333"


def test_the_chime_prefix_selects_the_legacy_namespace(server: ChimeProxyServer, vc: str) -> None:
    """Legacy ListProxySessions caps MaxResults at 99, chime-sdk-voice at 100: the prefix decides which."""
    path = f"/voice-connectors/{vc}/proxy-sessions?max-results=100"
    with urllib.request.urlopen(server.url + path, timeout=10) as answer:
        assert answer.status == 200
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.url + "/chime" + path, timeout=10)
    assert caught.value.code == 400
    assert caught.value.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert "maxResults" in json.loads(caught.value.read())["Message"].replace("MaxResults", "maxResults")
    assert [c.endpoint.namespace for c in server.mock.calls] == ["chime-sdk-voice", "chime"]


def test_legacy_boto3_client_reaches_the_server_under_chime(server: ChimeProxyServer, vc: str) -> None:
    from pytest_chime_proxy.plugin import legacy_chime_available

    if not legacy_chime_available():
        pytest.skip("the installed botocore has no legacy chime proxy operations (botocore <= 1.37.1 has)")
    legacy = client(server.url + "/chime", service="chime")
    session = legacy.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"])[
        "ProxySession"
    ]
    assert session["Status"] == "Open"
    assert server.mock.calls[-1].endpoint.namespace == "chime"


def test_namespace_prefix_rule() -> None:
    assert split_namespace("/chime/voice-connectors/x", "chime-sdk-voice") == ("chime", "/voice-connectors/x")
    assert split_namespace("/chime-sdk-voice/voice-connectors", "chime") == ("chime-sdk-voice", "/voice-connectors")
    assert split_namespace("/voice-connectors", "chime") == ("chime", "/voice-connectors")
    assert split_namespace("/chimera/x", "chime-sdk-voice") == ("chime-sdk-voice", "/chimera/x")


# ---- the control API -----------------------------------------------------------------------------------------
def test_control_api_arranges_state_moves_the_clock_and_resets(server: ChimeProxyServer, vc: str) -> None:
    assert control(server, "GET", "health")[1]["url"] == server.url
    c = client(server.url)
    sid = c.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], ExpiryMinutes=1
    )["ProxySession"]["ProxySessionId"]
    assert control(server, "POST", "activity", {"voice_connector_id": vc, "proxy_session_id": sid}) == (
        200,
        {"status": "InProgress"},
    )
    assert c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)["ProxySession"]["Status"] == "InProgress"
    status, body = control(server, "POST", "clock", {"advance_seconds": 61})
    assert status == 200 and body["now"].endswith("Z")
    assert c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)["ProxySession"]["Status"] == "Closed"
    calls = control(server, "GET", "calls")[1]["calls"]
    assert [(call["operation"], call["status"]) for call in calls] == [
        ("CreateProxySession", 201),
        ("GetProxySession", 200),
        ("GetProxySession", 200),
    ]
    assert control(server, "POST", "reset") == (200, {})
    with pytest.raises(c.exceptions.NotFoundException):
        c.get_voice_connector_proxy(VoiceConnectorId=vc)


def test_control_api_orders_numbers(server: ChimeProxyServer) -> None:
    status, body = control(server, "POST", "phone-numbers", {"phone_numbers": ["+19135550111"]})
    assert (status, body) == (201, {"acquired": ["+19135550111"]})
    again = control(server, "POST", "phone-numbers", {"phone_numbers": ["+19135550111"]})
    assert again == (201, {"acquired": []})  # already owned: the order fails for that number


@pytest.mark.parametrize(
    ("method", "name", "payload", "status", "says"),
    [
        ("GET", "nothing-here", None, 404, "known"),
        ("GET", "reset", None, 405, "POST"),
        ("POST", "voice-connectors", {"phone_numbers": NUMBERS, "colour": "red"}, 400, "colour"),
        ("POST", "phone-numbers", {}, 400, "phone_numbers"),
        ("POST", "clock", {"advance_seconds": "soon"}, 400, "number"),
        ("POST", "clock", {"advance_seconds": -5}, 400, "forward"),
        ("POST", "activity", {"voice_connector_id": "nope", "proxy_session_id": "x"}, 404, "NotFound"),
        ("POST", "voice-connectors", ["not", "an", "object"], 400, "JSON object"),
    ],
)
def test_control_api_misuse_gets_a_clear_4xx(
    server: ChimeProxyServer, method: str, name: str, payload: Any, status: int, says: str
) -> None:
    got, body = control(server, method, name, payload)
    assert got == status
    assert says in body["Message"]


def test_control_api_sets_faults_when_the_mock_has_them(server: ChimeProxyServer, vc: str) -> None:
    if not hasattr(server.mock, "inject"):
        status, body = control(
            server, "POST", "faults", {"operation": "CreateProxySession", "error": "ServiceUnavailableException"}
        )
        assert status == 404 and "fault injection" in body["Message"]
        pytest.skip("this build of the mock has no inject(): the faults endpoint answers 404")
    status, body = control(
        server,
        "POST",
        "faults",
        {"operation": "CreateProxySession", "error": "ServiceUnavailableException", "times": 1},
    )
    assert status == 201, body
    c = client(server.url)
    with pytest.raises(c.exceptions.ServiceUnavailableException):
        c.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])
    assert c.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])
    assert control(server, "DELETE", "faults") == (200, {})
    assert control(server, "GET", "faults") == (200, {"rules": []})


def test_an_injected_connection_fault_closes_the_connection(server: ChimeProxyServer, vc: str) -> None:
    if not hasattr(server.mock, "inject"):
        pytest.skip("this build of the mock has no inject()")
    status, _ = control(
        server, "POST", "faults", {"operation": "ListProxySessions", "connection_error": "connection_closed"}
    )
    assert status == 201
    from botocore.exceptions import ConnectionClosedError

    c = client(server.url)
    with pytest.raises(ConnectionClosedError):
        c.list_proxy_sessions(VoiceConnectorId=vc)
    assert c.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []  # times=1: the next one passes
    assert control(server, "GET", "health")[0] == 200


# ---- what a misbehaving client gets ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"THIS IS NOT HTTP\r\n\r\n", 400),
        (b"GET /voice-connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nbroken header line\r\n\r\n", 400),
        (b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
        (b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -3\r\n\r\n", 400),
        (b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n", 400),
        (
            b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 14\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            400,
        ),
        (b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"BREW /voice-connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405),
        (b"GET /no/such/route HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 404),
        (b"GET /chime/voice-connectors/vc/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 404),
        (
            b"POST /voice-connectors/vc/proxy-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
            b"Connection: close\r\n\r\n{oops",
            400,
        ),
    ],
)
def test_malformed_requests_get_a_4xx_and_the_server_lives_on(
    server: ChimeProxyServer, request_bytes: bytes, status: int
) -> None:
    raw = raw_http(server, request_bytes)
    assert status_of(raw) == status, raw
    assert body_of(raw)["Message"]
    assert control(server, "GET", "health")[0] == 200
    assert server.errors == []


def test_a_body_shorter_than_its_content_length_is_never_run(server: ChimeProxyServer, vc: str) -> None:
    """The client stops after 3 of 10 bytes: the request is not run, the connection closes unanswered."""
    raw = raw_http(server, b"POST /_chime_proxy/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc")
    assert raw == b""
    assert server.client().list_voice_connectors()["VoiceConnectors"][0]["VoiceConnectorId"] == vc
    assert server.errors == []


def test_a_chunked_json_body_is_read(server: ChimeProxyServer) -> None:
    body = json.dumps({"phone_numbers": ["+19135550111"]}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    raw = raw_http(
        server,
        b"POST /_chime_proxy/phone-numbers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked,
    )
    assert status_of(raw) == 201 and body_of(raw) == {"acquired": ["+19135550111"]}


def test_a_body_over_the_limit_is_refused_without_reading_it() -> None:
    with ChimeProxyServer(max_body=64) as small:
        body = json.dumps({"phone_numbers": ["+19135550199"] * 20}).encode()
        request = urllib.request.Request(
            f"{small.url}/_chime_proxy/phone-numbers",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert caught.value.code == 413
        assert "over the limit of 64" in json.loads(caught.value.read())["Message"]
        assert control(small, "GET", "health")[0] == 200


def test_unknown_route_names_the_way_to_the_legacy_api(server: ChimeProxyServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.url + "/not/a/route", timeout=10)
    assert caught.value.code == 404
    assert caught.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "/chime/" in json.loads(caught.value.read())["Message"]


def test_concurrent_clients_are_all_answered(server: ChimeProxyServer, vc: str) -> None:
    def create(i: int) -> str:
        c = client(server.url)
        return c.create_proxy_session(
            VoiceConnectorId=vc,
            Capabilities=["Voice"],
            ParticipantPhoneNumbers=[f"+1401555{i:04d}", f"+1206555{i:04d}"],
        )["ProxySession"]["ProxySessionId"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(24)))
    assert len(set(ids)) == 24
    listed = client(server.url).list_proxy_sessions(VoiceConnectorId=vc, MaxResults=100)["ProxySessions"]
    assert sorted(s["ProxySessionId"] for s in listed) == sorted(ids)


# ---- life cycle ------------------------------------------------------------------------------------------------
def test_binds_loopback_on_a_free_port_and_stops_cleanly() -> None:
    server = ChimeProxyServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with server:
        assert server.url.startswith("http://127.0.0.1:")
        port = int(server.url.rsplit(":", 1)[1])
        assert port > 0
    with pytest.raises(OSError):  # nothing listens there any more
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_port_in_use_fails_at_once() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        with pytest.raises(OSError):
            ChimeProxyServer(port=holder.getsockname()[1]).start()


def test_bad_options_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="namespace"):
        ChimeProxyServer(namespace="chime-sdk-meetings")
    with pytest.raises(ValueError, match="max_body"):
        ChimeProxyServer(max_body=-1)


@pytest.mark.chime_proxy(region="eu-central-1", seed=7)
def test_fixture_follows_the_marker(chime_proxy_server: ChimeProxyServer) -> None:
    assert chime_proxy_server.mock.region == "eu-central-1"
    assert control(chime_proxy_server, "GET", "health")[1]["region"] == "eu-central-1"


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("chime-proxy-server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pytest_chime_proxy.server.app"]


def test_console_script_prints_its_url_and_serves(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*_console_script(), "--port", "0", "--quiet", "--voice-connector", "+19135550199,+19135550198"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        assert process.stdout.readline().startswith("export AWS_ACCESS_KEY_ID=")
        vc = process.stdout.readline().split()[-1]
        c = client(url)
        session = c.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])
        assert session["ProxySession"]["Participants"][0]["ProxyPhoneNumber"] in ("+19135550199", "+19135550198")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_console_script_reports_a_port_in_use() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([*_console_script(), "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_server_threads_do_not_leak(server: ChimeProxyServer, vc: str) -> None:
    """Connections close and their threads end; the server's own thread is the only one left of it."""
    for _ in range(5):
        control(server, "GET", "health")
    names = [t.name for t in threading.enumerate() if t.name.startswith("chime-proxy-server")]
    assert names == [f"chime-proxy-server:{server.url}"]


XDIST_SUITE = """
import json, os, urllib.request
import pytest

@pytest.mark.parametrize("i", range(4))
def test_own_server(chime_proxy_server, i):
    url = chime_proxy_server.url
    req = urllib.request.Request(url + "/_chime_proxy/voice-connectors", method="POST",
                                 data=json.dumps({"name": f"vc{i}"}).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()
    listed = json.load(urllib.request.urlopen(url + "/voice-connectors", timeout=10))  # ListVoiceConnectors
    names = [vc["Name"] for vc in listed["VoiceConnectors"]]
    assert names == [f"vc{i}"]  # fresh state per test, whatever ran before on this worker
    with open(os.path.join(os.environ["SEEN_DIR"], f"{i}.json"), "w") as out:
        json.dump({"worker": os.environ.get("PYTEST_XDIST_WORKER"), "url": url, "pid": os.getpid()}, out)
"""


def test_each_xdist_worker_serves_its_own_fake(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("xdist")
    monkeypatch.setenv("SEEN_DIR", str(tmp_path))
    pytester.makepyfile(test_servers=XDIST_SUITE)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly", "--dist", "load")
    result.assert_outcomes(passed=4)
    seen = [json.loads((tmp_path / f"{i}.json").read_text()) for i in range(4)]
    assert {s["worker"] for s in seen} <= {"gw0", "gw1"} and None not in {s["worker"] for s in seen}
    assert len({s["url"] for s in seen}) == 4  # a server per test, each on its own port
    assert os.getpid() not in {s["pid"] for s in seen}  # served in the workers, not here


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = ChimeProxyServer(host="::1").start()
    except OSError as error:
        pytest.skip(f"cannot bind ::1 here: {error}")
    with server:
        assert server.url.startswith("http://[::1]:")
        assert control(server, "GET", "health") == (200, {"status": "ok", **server.info()})


def test_main_in_process_reports_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_chime_proxy.server.app import main

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert main(["--port", str(port), "--quiet"]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_main_serves_until_interrupted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The console script's own loop: it prints the URL and a voice connector, serves, and a Ctrl-C ends it."""
    from pytest_chime_proxy.server import app as module

    answered: list[int] = []

    def serve_then_interrupt(self: ChimeProxyServer) -> None:
        answered.append(control(self, "GET", "health")[0])
        self.stop()
        raise KeyboardInterrupt

    monkeypatch.setattr(module.ChimeProxyServer, "serve_forever", serve_then_interrupt)
    assert module.main(["--port", "0", "--quiet", "--region", "eu-west-1", "--voice-connector", "+19135550199"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("http://127.0.0.1:") and out[2].startswith("voice-connector ")
    assert (
        out[1]
        == "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1"
    )
    assert answered == [200]


# ---- clients that just work (issue 12 item 7) ------------------------------------------------------------------
@pytest.fixture
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials anywhere a client looks: environment, config files, profile."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_client_helper_needs_no_credentials_or_region(
    no_aws_credentials: None, server: ChimeProxyServer, vc: str
) -> None:
    import boto3
    from botocore.exceptions import NoCredentialsError

    with pytest.raises(NoCredentialsError):  # what a bare client gets here: the helper is what makes it work
        boto3.client("chime-sdk-voice", endpoint_url=server.url, region_name="us-east-1").list_proxy_sessions(
            VoiceConnectorId=vc
        )
    c = server.client()
    session = c.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])[
        "ProxySession"
    ]
    assert session["Status"] == "Open"
    assert c.meta.region_name == server.region == "us-east-1"
    assert server.mock.calls[-1].region == "us-east-1" and server.mock.calls[-1].account == server.mock.account


def test_client_helper_keyword_arguments_win(server: ChimeProxyServer) -> None:
    _, body = control(server, "POST", "voice-connectors", {"phone_numbers": NUMBERS, "region": "eu-west-1"})
    west = server.client(region_name="eu-west-1", aws_access_key_id="123456789012")
    assert west.get_voice_connector_proxy(VoiceConnectorId=body["voice_connector_id"])
    assert (server.mock.calls[-1].region, server.mock.calls[-1].account) == ("eu-west-1", "123456789012")
    with pytest.raises(ValueError, match="service must be one of"):
        server.client("s3")


def test_client_helper_for_the_legacy_namespace(no_aws_credentials: None, server: ChimeProxyServer, vc: str) -> None:
    from pytest_chime_proxy.plugin import legacy_chime_available

    if not legacy_chime_available():
        pytest.skip("the installed botocore has no legacy chime proxy operations (botocore <= 1.37.1 has)")
    session = server.client("chime").create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
    )["ProxySession"]
    assert session["Status"] == "Open"
    assert server.mock.calls[-1].endpoint.namespace == "chime"


def test_the_docs_python_example_passes(pytester: pytest.Pytester) -> None:
    import re

    docs = Path(__file__).resolve().parents[1] / "docs" / "server-and-integrations.md"
    blocks = [b for b in re.findall(r"```python\n(.*?)```", docs.read_text(), re.S) if "chime_proxy_server" in b]
    assert blocks
    pytester.makepyfile(*blocks)
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=len(blocks))


@pytest.mark.parametrize("host", ["evil.localhost", "0.0.0.0", "localhost.example.invalid"])
def test_a_bind_address_that_is_not_loopback_needs_allow_remote(host: str) -> None:
    from pytest_chime_proxy import ChimeProxyServer

    with pytest.raises(ValueError, match="not loopback"):
        ChimeProxyServer(host=host)
