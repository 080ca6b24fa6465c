"""Safety: while a mock is active nothing leaves the machine and the caller's real credentials are neither
read nor sent.

Sockets: every way Python opens a connection or resolves a name is blocked for non-loopback addresses, and
every Chime call of both namespaces still works with no attempt made. A control call to another service
proves the block is real. A fresh interpreter does the same from ``import`` onwards.

Credentials: real-looking keys in the environment, a credentials file and a profile (``AWS_PROFILE``) are in
place before the mock starts; the fake only ever sees the fake key, no session token, and the files are never
opened while the mock is active.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from helpers import PROFILE_KEY, credential_profiles
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.plugin import legacy_chime_available

REAL_KEY = "AKIAREALKEYMUSTNOTLEAK"
REAL_TOKEN = "REAL-SESSION-TOKEN-MUST-NOT-LEAK"


# ---- blocking the network ------------------------------------------------------------------------------------
class NetworkBlocked(OSError):
    """Raised instead of connecting anywhere but loopback."""


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in (None, "localhost") or isinstance(host, bytes) and host == b"localhost":
        return True
    try:
        return ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host).is_loopback
    except ValueError:
        return False  # a name: resolving it would already be network traffic


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Block connections and name resolution to anything but loopback; yields the attempts made."""
    attempts: list[Any] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo, real_create = socket.getaddrinfo, socket.create_connection

    def guard(address: Any) -> None:
        if not _is_loopback(address):
            attempts.append(address)
            raise NetworkBlocked(f"network blocked by the test: {address!r}")

    def connect(self: socket.socket, address: Any) -> Any:
        guard(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        guard(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        guard((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        guard(address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield attempts


def every_proxy_call(client: Any, mock: ChimeProxyMock) -> int:
    """All eight proxy operations and the voice-connector reads; returns how many calls were made."""
    vc = mock.create_voice_connector(["+19135550101", "+19135550102"])
    client.get_voice_connector(VoiceConnectorId=vc)
    client.list_voice_connectors()
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=30, PhoneNumberPoolCountries=["US"]
    )
    client.get_voice_connector_proxy(VoiceConnectorId=vc)
    sid = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
    )["ProxySession"]["ProxySessionId"]
    client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)
    client.list_proxy_sessions(VoiceConnectorId=vc)
    client.update_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid, Capabilities=["SMS"])
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId="no-such-session")
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)
    client.delete_voice_connector_proxy(VoiceConnectorId=vc)
    return 11


def test_the_block_is_real(no_network: list[Any]) -> None:
    """Control: with the block in place, a call to a host the fake does not answer does try the network."""
    with ChimeProxyMock():
        sts = boto3.client(
            "sts", region_name="us-east-1", config=Config(retries={"max_attempts": 1}, connect_timeout=1)
        )
        with pytest.raises(EndpointConnectionError):
            sts.get_caller_identity()
    assert no_network, "the control call was not blocked: the block proves nothing"


@pytest.mark.parametrize("namespace", ["chime-sdk-voice", "chime"])
def test_every_chime_call_works_with_the_network_blocked(no_network: list[Any], namespace: str) -> None:
    if namespace == "chime" and not legacy_chime_available():
        pytest.skip("the installed botocore has no legacy chime proxy operations")
    with ChimeProxyMock() as mock:
        client = boto3.client(namespace, region_name="us-east-1")
        made = every_proxy_call(client, mock)
        assert len(mock.calls) == made
    assert no_network == []


def test_the_raw_rest_api_works_with_the_network_blocked(no_network: list[Any]) -> None:
    """The documented request, signed by botocore and sent to the global legacy host, never leaves."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    with ChimeProxyMock() as mock:
        vc = mock.create_voice_connector(["+19135550199"])
        session = botocore.session.get_session()
        request = AWSRequest(
            "POST",
            f"https://service.chime.aws.amazon.com/voice-connectors/{vc}/proxy-sessions",
            data=b'{"ParticipantPhoneNumbers": ["+14015550101", "+12065550100"], "Capabilities": ["Voice", "SMS"]}',
        )
        SigV4Auth(session.get_credentials(), "chime", "us-east-1").add_auth(request)
        prepared = request.prepare()
        endpoint = session.create_client("chime-sdk-voice", region_name="us-east-1")._endpoint
        response = endpoint._send(prepared)  # botocore's send, patched by the mock
        assert response.status_code == 201
    assert no_network == []


def test_raw_requests_to_the_rest_api_work_with_the_network_blocked(no_network: list[Any]) -> None:
    """Code that calls the REST API through ``requests`` (the REST reference's sample) never leaves either."""
    import requests

    with ChimeProxyMock() as mock:
        vc = mock.create_voice_connector(["+19135550199"])
        answer = requests.post(
            f"https://service.chime.aws.amazon.com/voice-connectors/{vc}/proxy-sessions",
            json={"ParticipantPhoneNumbers": ["+14015550101", "+12065550100"], "Capabilities": ["Voice", "SMS"]},
            timeout=5,
        )
        assert answer.status_code == 201 and answer.json()["ProxySession"]["Status"] == "Open"
    assert no_network == []


def test_server_mode_listens_on_loopback_only(no_network: list[Any]) -> None:
    """The HTTP server binds loopback by default, and a client pointed at it connects nowhere else."""
    from pytest_chime_proxy.server.app import ChimeProxyServer

    with ChimeProxyServer() as server:
        bound = server._listener.address if server._listener else None
        assert bound is not None and ipaddress.ip_address(bound).is_loopback
        client = boto3.client(
            "chime-sdk-voice",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        vc = server.mock.create_voice_connector(["+19135550101"])
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
        )
        assert len(client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"]) == 1
    assert no_network == []


def test_a_fresh_interpreter_opens_no_socket_from_import_to_stop(tmp_path: Path) -> None:
    """From ``import`` on, in a new process with every non-loopback connection and lookup refused."""
    script = textwrap.dedent("""
        import ipaddress, socket
        attempts = []
        def refuse(address):
            host = address[0] if isinstance(address, tuple) else address
            try:
                if ipaddress.ip_address(host).is_loopback:
                    return
            except ValueError:
                pass
            attempts.append(address)
            raise OSError("blocked")
        real_connect, real_gai = socket.socket.connect, socket.getaddrinfo
        socket.socket.connect = lambda self, a: (refuse(a), real_connect(self, a))[1]
        socket.socket.connect_ex = lambda self, a: (refuse(a), 0)[1]
        socket.getaddrinfo = lambda host, *a, **k: (refuse((host,)), real_gai(host, *a, **k))[1]
        socket.create_connection = lambda a, *r, **k: (refuse(a), None)[1]

        import pytest_chime_proxy, pytest_chime_proxy.plugin
        from pytest_chime_proxy import ChimeProxyMock
        import boto3
        with ChimeProxyMock() as mock:
            client = boto3.client("chime-sdk-voice", region_name="eu-central-1")
            vc = mock.create_voice_connector(["+19135550101"], region="eu-central-1")
            client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
                                        Capabilities=["Voice"])
            assert len(client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"]) == 1
        print("ATTEMPTS", attempts)
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ATTEMPTS []" in done.stdout, done.stdout


# ---- credentials ---------------------------------------------------------------------------------------------
@pytest.fixture
def real_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Real-looking credentials everywhere botocore looks, set before any mock starts."""
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[default]\naws_access_key_id = {PROFILE_KEY}\naws_secret_access_key = s1\n"
        f"[real]\naws_access_key_id = {PROFILE_KEY}\naws_secret_access_key = s2\n"
        f"aws_session_token = {REAL_TOKEN}\n"
    )
    config = tmp_path / "config"
    config.write_text(f"[profile real]\nregion = eu-west-1\ncredential_process = /bin/echo {PROFILE_KEY}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "real")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", REAL_TOKEN)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return {"credentials": credentials, "config": config}


_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one records only while _opened is a list


def _headers_seen(mock: ChimeProxyMock) -> list[dict[str, str]]:
    return [
        {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in c.request.headers.items()}
        for c in mock.calls
    ]


def test_real_credentials_are_never_read_nor_sent(real_credentials: dict[str, Path]) -> None:
    """The caller's files are read once, at start, by the mock itself (the config file for its non-secret
    settings, the credentials file for its section names); botocore never opens them, and nothing secret
    reaches the generated config or a request."""
    global _opened
    with ChimeProxyMock() as mock:
        _opened = []
        try:
            boto3.client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()
            boto3.session.Session().client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()
            botocore.session.get_session().create_client(
                "chime-sdk-voice", region_name="us-east-1"
            ).list_voice_connectors()
            every_proxy_call(boto3.client("chime-sdk-voice", region_name="us-east-1"), mock)
            seen = _headers_seen(mock)
            generated = Path(os.environ["AWS_CONFIG_FILE"]).read_text()
        finally:
            opened, _opened = _opened, None
    assert len(seen) == 14
    for headers in seen:
        assert "Credential=testing/" in headers["authorization"]
        assert REAL_KEY not in str(headers) and PROFILE_KEY not in str(headers) and REAL_TOKEN not in str(headers)
        assert "x-amz-security-token" not in headers
    home = str(real_credentials["config"].parent)
    touched = [p for p in opened if Path(p).name in ("credentials", "config") and home in p]
    assert touched == [], f"credential files read while the mock was active: {touched}"
    assert "[profile real]" in generated and "region = eu-west-1" in generated  # non-secret settings kept
    for secret in (PROFILE_KEY, REAL_TOKEN, "credential_process", "s1", "s2"):
        assert secret not in generated
    # and the caller's set-up is back afterwards
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL_KEY and os.environ["AWS_PROFILE"] == "real"
    assert os.environ["AWS_SHARED_CREDENTIALS_FILE"] == str(real_credentials["credentials"])


def test_a_default_session_made_before_the_mock_does_not_leak_its_credentials(
    real_credentials: dict[str, Path],
) -> None:
    """boto3 caches its default session, with the credentials it resolved; a client made inside the mock
    from that cached session would sign with the real key."""
    boto3.client("sts", region_name="us-east-1")  # the caller's code resolved real credentials already
    cached = boto3.DEFAULT_SESSION
    assert cached is not None and cached.get_credentials().access_key == REAL_KEY
    with ChimeProxyMock() as mock:
        boto3.client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()
        headers = _headers_seen(mock)[0]
    assert "Credential=testing/" in headers["authorization"] and REAL_KEY not in headers["authorization"]
    assert boto3.DEFAULT_SESSION is cached, "the caller's default session is given back after the mock"


def test_no_fake_session_is_left_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """A default session first made inside the mock (with the fake key) does not outlive it."""
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    with ChimeProxyMock():
        boto3.client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()
    assert boto3.DEFAULT_SESSION is None or boto3.DEFAULT_SESSION.get_credentials().access_key == REAL_KEY


# ---- a Chime client whose endpoint was moved ---------------------------------------------------------------
ELSEWHERE = "https://chime-proxy.elsewhere.example.com"


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CHIME_SDK_VOICE"])
@pytest.mark.parametrize("made", ["before", "inside"])
def test_an_endpoint_moved_by_the_environment_cannot_escape(
    no_network: list[Any], monkeypatch: pytest.MonkeyPatch, variable: str, made: str
) -> None:
    monkeypatch.setenv(variable, ELSEWHERE)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    early = boto3.session.Session().client("chime-sdk-voice", region_name="eu-west-1") if made == "before" else None
    if early is not None:
        assert early.meta.endpoint_url == ELSEWHERE  # botocore did take the variable
    with ChimeProxyMock(region="eu-west-1") as mock:
        client = early or boto3.client("chime-sdk-voice", region_name="eu-west-1")
        vc = mock.create_voice_connector()
        assert client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []
        assert [c.operation for c in mock.calls] == ["ListProxySessions"]
        assert mock.calls.last().region == "eu-west-1"
    assert no_network == []
    assert os.environ[variable] == ELSEWHERE  # the caller's setting is back


def test_an_explicit_endpoint_url_cannot_escape(no_network: list[Any]) -> None:
    with ChimeProxyMock() as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-west-2", endpoint_url=ELSEWHERE + "/base")
        vc = mock.create_voice_connector(region="us-west-2")
        client.get_voice_connector(VoiceConnectorId=vc)
        with pytest.raises(client.exceptions.NotFoundException):
            client.get_voice_connector(VoiceConnectorId="abcdef1ghij2klmno3pqr4")
        assert [c.status for c in mock.calls] == [200, 404]
    assert no_network == []


def test_an_endpoint_in_the_config_file_cannot_escape(
    no_network: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text(
        f"[default]\nregion = us-east-1\nendpoint_url = {ELSEWHERE}\n"
        f"services = moved\n[services moved]\nchime-sdk-voice =\n  endpoint_url = {ELSEWHERE}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    with ChimeProxyMock() as mock:
        client = boto3.client("chime-sdk-voice")
        assert ELSEWHERE not in client.meta.endpoint_url
        client.list_voice_connectors()
        assert len(mock.calls) == 1
    assert no_network == []


def test_a_loopback_endpoint_is_left_to_the_server_there() -> None:
    """A Chime client pointed at a local ChimeProxyServer reaches that server, not the active mock."""
    from pytest_chime_proxy import ChimeProxyServer

    with ChimeProxyServer() as server, ChimeProxyMock() as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1", endpoint_url=server.url)
        client.list_voice_connectors()
        assert len(server.mock.calls) == 1 and len(mock.calls) == 0


# ---- no secret is kept ------------------------------------------------------------------------------------
def test_the_call_log_keeps_no_secret_of_a_client_made_before_the_mock(real_credentials: dict[str, Path]) -> None:
    client = boto3.client("chime-sdk-voice", region_name="us-east-1")  # signs with the caller's real keys
    with ChimeProxyMock() as mock:
        client.list_voice_connectors()
        call = mock.calls.last()
    printed = repr(call) + repr(call.request) + str(call.request.headers)
    for secret in (REAL_KEY, REAL_TOKEN):
        assert secret not in printed
    authorization = call.request.headers["Authorization"]
    # the caller's keys are not even used: under a mock a Chime client signs with the fake ones (only keys
    # given in code are kept), and the signature is redacted all the same
    assert "Signature=REDACTED" in authorization and "Credential=testing/" in authorization
    assert "X-Amz-Security-Token" not in call.request.headers  # the caller's session token is not sent either


def test_a_client_made_before_the_mock_without_credentials_works_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = botocore.session.get_session().create_client("chime-sdk-voice", region_name="us-east-1")
    with ChimeProxyMock() as mock:
        assert client.list_voice_connectors()["VoiceConnectors"] == []
        assert "Credential=testing/" in mock.calls.last().request.headers["Authorization"]


# ---- mocks in several threads -------------------------------------------------------------------------------
def test_each_thread_is_answered_by_its_own_mock_and_a_stranger_is_refused_loudly() -> None:
    import threading

    from pytest_chime_proxy import OverlappingMocksError

    started, release = threading.Barrier(3), threading.Event()
    results: dict[str, Any] = {}

    def own(name: str) -> None:
        with ChimeProxyMock() as mock:
            mock.create_voice_connector(name=name)
            started.wait()
            client = boto3.session.Session().client("chime-sdk-voice", region_name="us-east-1")
            results[name] = [
                [vc["Name"] for vc in client.list_voice_connectors()["VoiceConnectors"]] for _ in range(20)
            ]
            release.wait(10)

    threads = [threading.Thread(target=own, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    started.wait()
    stranger = boto3.session.Session().client("chime-sdk-voice", region_name="us-east-1")
    with pytest.raises(OverlappingMocksError, match="different threads"):
        stranger.list_voice_connectors()
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == {"first": [["first"]] * 20, "second": [["second"]] * 20}


def test_a_worker_thread_of_the_code_under_test_is_answered_by_the_one_mock() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ChimeProxyMock() as mock:
        vc = mock.create_voice_connector()
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        with ThreadPoolExecutor(4) as pool:
            got = list(
                pool.map(
                    lambda _: client.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]["VoiceConnectorId"],
                    range(8),
                )
            )
        assert got == [vc] * 8 and len(mock.calls) == 8


# ---- found by attacking it ----------------------------------------------------------------------------------
@pytest.mark.parametrize("endpoint", ["http://evil.example.com\\@127.0.0.1:9", "http://evil.localhost:8080"])
def test_an_endpoint_only_one_parser_reads_as_loopback_is_answered_in_process(
    no_network: list[Any], endpoint: str
) -> None:
    client = boto3.client(
        "chime-sdk-voice",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=REAL_KEY,
        aws_secret_access_key="real-secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with ChimeProxyMock() as mock:
        assert client.list_voice_connectors()["VoiceConnectors"] == []
        assert len(mock.calls) == 1
    assert no_network == []


def test_a_session_made_before_the_mock_runs_no_credential_provider_inside_it(
    no_network: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = credential_profiles(tmp_path, monkeypatch)
    sessions = [boto3.Session(profile_name="proc"), boto3.Session(profile_name="role")]  # before the mock
    with ChimeProxyMock() as mock:
        for session in sessions:
            session.client("chime-sdk-voice").list_voice_connectors()
        assert all("Credential=testing/" in c.request.headers["Authorization"] for c in mock.calls)
    assert not ran.exists(), "the profile's credential_process ran inside the mock"
    assert no_network == [], "a credential provider went to the network (STS) inside the mock"


def test_a_presigned_url_keeps_no_secret_in_the_call_log() -> None:
    import requests

    real = boto3.Session(
        aws_access_key_id=REAL_KEY,
        aws_secret_access_key="real-secret",
        aws_session_token=REAL_TOKEN,
        region_name="us-east-1",
    )
    url = real.client("chime-sdk-voice").generate_presigned_url("list_voice_connectors")
    with ChimeProxyMock() as mock:
        assert requests.get(url, timeout=10).status_code == 200
        call = mock.calls.last()
    kept = call.request.url + repr(call)
    assert REAL_KEY not in kept and REAL_TOKEN not in kept and "X-Amz-Signature=REDACTED" in kept


def test_a_password_spelt_with_json_escapes_and_a_sigv2_header_are_redacted() -> None:
    import requests

    from pytest_chime_proxy import ChimeProxyServer

    with ChimeProxyServer() as server:
        vc = server.mock.create_voice_connector()
        answer = requests.post(
            f"{server.url}/voice-connectors/{vc}/termination/credentials?operation=put",
            data='{"Credentials":[{"Username":"u","\\u0050assword":"hunter2-secret"}]}',
            headers={"Content-Type": "application/json", "Authorization": f"AWS {REAL_KEY}:c2lnbmF0dXJl"},
            timeout=10,
        )
        assert answer.status_code == 204
        call = server.mock.calls.last()
    kept = repr(call) + repr(call.params) + call.request.body.decode()
    assert "hunter2-secret" not in kept and REAL_KEY not in kept and "c2lnbmF0dXJl" not in kept


def test_a_number_longer_than_python_converts_is_a_bad_request(chime_proxy: Any) -> None:
    import requests

    from pytest_chime_proxy import ChimeProxyServer

    vc = chime_proxy.create_voice_connector()
    huge = "1" + "0" * 5000
    in_process = requests.get(
        f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{vc}/proxy-sessions?max-results={huge}",
        timeout=10,
    )
    assert in_process.status_code == 400 and in_process.headers["x-amzn-ErrorType"] == "BadRequestException"
    with ChimeProxyServer() as server:
        over_server = requests.get(f"{server.url}/voice-connectors?max-results={huge}", timeout=10)
        assert over_server.status_code == 400
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /voice-connectors HTTP/1.1\r\nHost: x\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n")
            assert sock.recv(65536).split(b" ", 2)[1] == b"413"


def test_bearer_tokens_and_boto2_keys_are_out_of_reach_under_a_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytest_chime_proxy.patching.sessions as kept

    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bearer-secret")
    monkeypatch.setenv("AWS_SECRET_KEY", "boto2-secret")
    with ChimeProxyMock():
        assert "AWS_BEARER_TOKEN_BEDROCK" not in os.environ and "AWS_SECRET_KEY" not in os.environ
        boto3.client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()
    assert os.environ["AWS_BEARER_TOKEN_BEDROCK"] == "bearer-secret"
    assert "bearer-secret" not in repr(kept._kept) and all(len(k) == 64 for k in kept._kept)


# ---- issue 23: credentials of every session kind, secrets at the pipeline's entry ---------------------------
PROFILES = ("proc", "role", "sso", "bare")


def test_no_credential_provider_runs_for_a_chime_client_of_any_session(
    no_network: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """boto3 and botocore sessions, made before the mock and inside it, clients made before and inside: every
    call is signed with the fake key, the credential process never runs, nothing reaches STS, SSO or IMDS."""
    ran = credential_profiles(tmp_path, monkeypatch)
    before = [boto3.Session(profile_name=p) for p in PROFILES]
    before += [botocore.session.Session(profile=p) for p in PROFILES]
    for session in before:  # the profile is read before the mock, as a long-lived session has it
        getattr(session, "_session", session).get_scoped_config()
    clients_before = [
        boto3.Session(profile_name=p).client("chime-sdk-voice", region_name="us-east-1") for p in ("role", "sso")
    ]
    with ChimeProxyMock() as mock:
        for session in before:
            getattr(session, "_session", session).create_client(
                "chime-sdk-voice", region_name="us-east-1"
            ).list_voice_connectors()
        for client in clients_before:
            client.list_voice_connectors()
        for p in PROFILES:
            boto3.Session(profile_name=p).client("chime-sdk-voice").list_voice_connectors()
        assert len(mock.calls) == 2 * len(PROFILES) + 2 + len(PROFILES)
        assert all("Credential=testing/" in c.request.headers["Authorization"] for c in mock.calls)
    assert not ran.exists(), "the profile's credential_process ran inside the mock"
    assert no_network == [], "a credential provider went to the network inside the mock"


def test_keys_given_in_code_are_kept_for_the_account(no_network: list[Any]) -> None:
    client = boto3.client(
        "chime-sdk-voice", region_name="us-east-1", aws_access_key_id="111111111111", aws_secret_access_key="x"
    )
    with ChimeProxyMock() as mock:
        client.list_voice_connectors()
        boto3.client(
            "chime-sdk-voice", aws_access_key_id="222222222222", aws_secret_access_key="x"
        ).list_voice_connectors()
        assert [c.account for c in mock.calls] == ["111111111111", "222222222222"]


def _put_raw(mock: ChimeProxyMock, body: str, **headers: str) -> Any:
    import requests

    vc = mock.create_voice_connector()
    return requests.post(
        f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{vc}/termination/credentials?operation=put",
        data=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=10,
    )


@pytest.mark.parametrize(
    "credentials",
    [
        '{"Username": "u", "Password": "PW-MUST-NOT-LEAK"}',  # an object where a list belongs
        '"PW-MUST-NOT-LEAK"',
        '[{"Username": "u", "Password": ["PW-MUST-NOT-LEAK"]}]',
        '[{"Username": "u", "Password": {"x": "PW-MUST-NOT-LEAK"}}]',
        '[["PW-MUST-NOT-LEAK"]]',
        '[{"Username": "u", "Password": "PW-MUST-NOT-LEAK", "Extra": 1}, 7]',
        '[{"Username": {"Password": "PW-MUST-NOT-LEAK"}, "Password": "p"}]',  # inside a member of the wrong type
        '[{"Username": [{"password": "PW-MUST-NOT-LEAK"}], "Password": "p"}]',
    ],
)
def test_a_sensitive_member_of_the_wrong_type_is_never_echoed(credentials: str) -> None:
    with ChimeProxyMock() as mock:
        answer = _put_raw(mock, '{"Credentials": ' + credentials + "}")
        call = mock.calls.last()
    assert answer.status_code == 400 and answer.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert "failed to satisfy constraint" in answer.json()["Message"]
    kept = answer.text + repr(call) + repr(call.params) + call.request.body.decode() + call.response.body.decode()
    assert "PW-MUST-NOT-LEAK" not in kept


def test_a_validation_message_never_echoes_a_member_the_model_marks_sensitive() -> None:
    """User names are ``sensitive`` in the model (not secrets: the call log keeps them for tests)."""
    with ChimeProxyMock() as mock:
        answer = _put_raw(mock, '{"Credentials": [{"Username": ["NAME-NOT-ECHOED"], "Password": "p"}]}')
    assert answer.status_code == 400 and "Value at 'credentials.1.member.username'" in answer.json()["Message"]
    assert "NAME-NOT-ECHOED" not in answer.text


def test_presigned_query_names_in_any_case_or_escape_are_redacted() -> None:
    import requests

    query = "X-AMZ-SIGNATURE=SIG-MUST-NOT-LEAK&x%2Damz%2Dsecurity%2Dtoken=TOKEN-MUST-NOT-LEAK&X-AMZ-CREDENTIAL=AKIAREALKEY%2Fscope"
    with ChimeProxyMock() as mock:
        assert requests.get(f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors?{query}", timeout=10).ok
        kept = mock.calls.last().request.url
    assert "SIG-MUST-NOT-LEAK" not in kept and "TOKEN-MUST-NOT-LEAK" not in kept and "AKIAREALKEY" not in kept


@pytest.mark.parametrize(
    "authorization",
    [
        f"AWS4-HMAC-SHA256 Credential = {REAL_KEY}/20240101/us-east-1/chime/aws4_request, "
        "SignedHeaders = host, Signature = 5167a7e8b7fd1c8d0f8d6a4f0d5e2b1a",
        f"aws4-hmac-sha256 Credential={REAL_KEY}/x,SignedHeaders=host,Signature=5167a7e8b7fd1c8d0f8d6a4f0d5e2b1a",
        "AWS4-HMAC-SHA256 Signature=5167a7e8b7fd1c8d0f8d6a4f0d5e2b1a",
    ],
)
def test_a_sigv4_header_in_any_spacing_is_redacted(authorization: str) -> None:
    with ChimeProxyMock() as mock:
        _put_raw(mock, '{"Credentials": []}', Authorization=authorization)
        kept = repr(mock.calls.last().request)
    assert REAL_KEY not in kept and "5167a7e8b7fd1c8d0f8d6a4f0d5e2b1a" not in kept


def test_the_servers_access_log_keeps_no_presigned_secret(capfd: pytest.CaptureFixture[str]) -> None:
    import requests

    from pytest_chime_proxy import ChimeProxyServer

    with ChimeProxyServer(quiet=False) as server:
        requests.get(f"{server.url}/voice-connectors?X-Amz-Signature=SIG-MUST-NOT-LEAK", timeout=10)
    logged = capfd.readouterr().err
    assert "/voice-connectors?X-Amz-Signature=REDACTED" in logged and "SIG-MUST-NOT-LEAK" not in logged


# ---- found by attacking issue 23's work ---------------------------------------------------------------------
def test_a_password_with_a_lone_surrogate_is_stored_not_a_500() -> None:
    with ChimeProxyMock() as mock:
        answer = _put_raw(mock, '{"Credentials": [{"Username": "u", "Password": "\\ud800SECRET-PW"}]}')
        assert answer.status_code == 204
    with ChimeProxyMock() as wrong_type:
        wrong = _put_raw(wrong_type, '{"Credentials": "\\ud800SECRET-PW"}')
        assert wrong.status_code == 400 and "SECRET-PW" not in wrong.text
    for call in [*mock.calls, *wrong_type.calls]:
        assert "SECRET-PW" not in call.request.body.decode(errors="replace") + repr(call.params)


def test_a_signature_sent_in_any_header_is_redacted() -> None:
    import requests

    with ChimeProxyMock() as mock:
        requests.get(
            "https://voice-chime.us-east-1.amazonaws.com/voice-connectors",
            headers={"X-Amz-Signature": "HDR-SIG-MUST-NOT-LEAK", "Proxy-Authorization": "Basic cHJveHk6cHc="},
            timeout=10,
        )
        kept = repr(mock.calls.last().request)
    assert "HDR-SIG-MUST-NOT-LEAK" not in kept and "cHJveHk6cHc=" not in kept


def test_a_session_token_alone_does_not_let_the_providers_run(
    no_network: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = credential_profiles(tmp_path, monkeypatch)
    session = boto3.Session(profile_name="proc")
    with ChimeProxyMock() as mock:
        session.client("chime-sdk-voice", aws_session_token="only-a-token").list_voice_connectors()
        assert "Credential=testing/" in mock.calls.last().request.headers["Authorization"]
    assert not ran.exists()


def test_no_proxy_star_keeps_its_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.delenv("no_proxy", raising=False)
    with ChimeProxyMock():
        assert os.environ["NO_PROXY"] == os.environ["no_proxy"] == "*"
    assert os.environ["NO_PROXY"] == "*" and "no_proxy" not in os.environ


def test_a_map_key_the_model_marks_sensitive_is_not_echoed_in_the_path() -> None:
    import requests

    with ChimeProxyMock():
        answer = requests.post(
            "https://voice-chime.us-east-1.amazonaws.com/sip-media-applications/x/calls",
            json={
                "FromPhoneNumber": "+12065550100",
                "ToPhoneNumber": "+12065550101",
                "SipHeaders": {"KEY-NOT-ECHOED": 5},
            },
            timeout=10,
        )
    assert answer.status_code == 400 and "'sipHeaders.*'" in answer.json()["Message"]
    assert "KEY-NOT-ECHOED" not in answer.text


@pytest.mark.parametrize(
    "header",
    [
        "AWS4-HMAC-SHA256Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/chime/aws4_request,"
        "SignedHeaders=host,Signature=deadbeefcafe1234",
        "AWS4-HMAC-SHA256\tCredential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/chime/aws4_request,"
        "SignedHeaders=host,Signature=deadbeefcafe1234",
        "Bearer\tdeadbeefcafe1234AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_an_authorization_header_with_no_space_after_its_scheme_is_redacted(header: str) -> None:
    import requests

    from pytest_chime_proxy import mock_chime_proxy

    with mock_chime_proxy() as mock:
        requests.get("https://voice-chime.us-east-1.amazonaws.com/voice-connectors", headers={"Authorization": header})
        kept = mock.calls.last().request.headers["Authorization"]
    assert "AKIAIOSFODNN7EXAMPLE" not in kept and "deadbeefcafe1234" not in kept, kept


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_secret_in_a_body_of_another_unicode_encoding_is_redacted(encoding: str) -> None:
    import json

    import requests

    body = json.dumps({"Credentials": [{"Username": "u", "Password": "hunter2hunter2"}]}).encode(encoding)
    from pytest_chime_proxy import mock_chime_proxy

    with mock_chime_proxy() as mock:
        vc = mock.create_voice_connector()
        requests.put(
            f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{vc}/termination/credentials?operation=put",
            data=body,
        )
        kept = mock.calls.last().request.body
    assert "hunter2hunter2".encode(encoding)[2:] not in kept and b"hunter2hunter2" not in kept, kept


# ---- secrets in any spelling: what an attacker who had not seen the rules tried (held by construction) -----
_SIGNATURE_HEX = "d974aaa3763c8556dd12639a1fa1912807b892d96814554731f1020c6df0d584"
_SEPARATORS = [" ", "; ", ";", "|", "&", ":", "/", "\t", "\n", "\x0b", "\x00", "\uff0c", "", ",;"]


def _rewriting_client(mock: ChimeProxyMock, rewrite: Any) -> Any:
    """A client with real-looking keys whose signed request ``rewrite(request)`` changes before it is sent."""
    client = boto3.client(
        "chime-sdk-voice", region_name="us-east-1", aws_access_key_id=REAL_KEY, aws_secret_access_key="s" * 40
    )
    client.meta.events.register("before-send", lambda request, **_: rewrite(request))
    return client


def _kept_text(call: Any) -> str:
    return repr(call) + repr(call.request.headers) + call.request.url + call.request.body.decode("latin-1")


@pytest.mark.parametrize("separator", _SEPARATORS, ids=repr)
def test_a_sigv4_header_with_any_separator_keeps_neither_signature_nor_key(separator: str) -> None:
    signatures: list[str] = []

    def rewrite(request: Any) -> None:
        value = request.headers["Authorization"].decode()  # a prepared request's headers are bytes
        signatures.append(value.rpartition("Signature=")[2])
        request.headers["Authorization"] = value.replace(", ", separator)

    with ChimeProxyMock() as mock:
        _rewriting_client(mock, rewrite).list_voice_connectors()
        kept = _kept_text(mock.calls.last())
    assert signatures and signatures[0] not in kept and REAL_KEY not in kept, kept


# a signature (hex) or a secret access key (base64, some digit or capital in it, as AWS's always have)
_SECRETS = st.one_of(
    st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9+/]{40}", fullmatch=True).filter(lambda s: not (s.isalpha() and s.islower())),
)
_BOTOCORE_SIGNED = frozenset({"content-type", "host", "x-amz-date"})


@given(place=st.sampled_from(["signed", "date", "region", "service", "terminator"]), secret=_SECRETS)
@settings(max_examples=300, deadline=None)
def test_a_secret_in_any_place_of_a_sigv4_credential_or_signed_headers_is_not_kept(place: str, secret: str) -> None:
    """The scope is kept only in a scope's form and the signed header names only when they are the request's:
    a secret written into either, in any place, is not kept."""
    from pytest_chime_proxy.core import redaction

    scope = {"date": "20261202", "region": "us-east-1", "service": "chime", "terminator": "aws4_request"}
    signed = "content-type;host;x-amz-date"
    if place == "signed":
        signed += ";" + secret
    else:
        scope[place] = secret
    value = (
        f"AWS4-HMAC-SHA256 Credential={REAL_KEY}/{'/'.join(scope.values())}, SignedHeaders={signed}, "
        f"Signature={_SIGNATURE_HEX}"
    )
    found: list[str] = []
    kept = redaction.authorization(value, found, _BOTOCORE_SIGNED)
    assert secret not in kept and _SIGNATURE_HEX not in kept, kept
    assert any(secret in text for text in found)  # so an answer echoing it is scrubbed


def test_botocores_own_scope_and_signed_headers_are_kept_whole() -> None:
    """The strict forms keep what botocore really sends, so the call log still shows which keys signed what."""
    with ChimeProxyMock() as mock:
        boto3.client("chime-sdk-voice", region_name="eu-central-1").list_voice_connectors()
        kept = mock.calls.last().request.headers["Authorization"]
    assert re.fullmatch(
        r"AWS4-HMAC-SHA256 Credential=\w+/[0-9]{8}/eu-central-1/chime/aws4_request, "
        r"SignedHeaders=[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=REDACTED",
        kept,
    ), kept


def test_a_signature_written_into_the_signed_headers_of_a_sent_request_is_not_kept() -> None:
    def rewrite(request: Any) -> None:
        value = request.headers["Authorization"].decode()
        request.headers["Authorization"] = value.replace(", Signature=", f";{_SIGNATURE_HEX}, Signature=")

    with ChimeProxyMock() as mock:
        _rewriting_client(mock, rewrite).list_voice_connectors()
        kept = _kept_text(mock.calls.last())
    assert _SIGNATURE_HEX not in kept and "SignedHeaders=REDACTED" in kept, kept


@given(
    separators=st.lists(st.sampled_from([*_SEPARATORS, ", ", "=", "=="]), min_size=3, max_size=3),
    order=st.permutations(["Credential", "SignedHeaders", "Signature"]),
)
@settings(max_examples=300, deadline=None)
def test_no_arrangement_of_a_sigv4_header_keeps_its_signature(separators: list[str], order: list[str]) -> None:
    from pytest_chime_proxy.core import redaction

    values = {
        "Credential": f"{REAL_KEY}/20261202/us-east-1/chime/aws4_request",
        "SignedHeaders": "host;x-amz-date",
        "Signature": _SIGNATURE_HEX,
    }
    value = "AWS4-HMAC-SHA256 " + "".join(
        f"{name}={values[name]}{sep}" for name, sep in zip(order, separators, strict=True)
    )
    found: list[str] = []
    kept = redaction.authorization(value, found, frozenset({"x-amz-date"}))
    assert _SIGNATURE_HEX not in kept and REAL_KEY not in kept, (value, kept)
    assert any(_SIGNATURE_HEX in secret for secret in found)  # so an answer echoing it is scrubbed


@pytest.mark.parametrize(
    "name",
    [
        "Authorization ",
        "Authorization\t",
        "AUTHORIZATION\x00",
        "Authorization\u200b",
        "Proxy-Authorization ",
        "Cookie\t",
        "Set-Cookie",
        "X-Api-Key",
        "Ocp-Apim-Subscription-Key",
        "X-Amz-Server-Side-Encryption-Customer-Key",
        "Authentication",
        "X-Forwarded-Authorization",
        "X-Amzn-Oidc-Data",
        "DPoP",
        "X-JWT-Assertion",
        "X-Passwd",
        "X-Pwd",
        "X-Session-Id",
        "X-Bearer",
        "X-Api-K\u0435y",  # a Cyrillic e: no header name a server reads, so never kept
    ],
    ids=repr,
)
def test_a_header_named_like_a_secret_in_any_spelling_is_redacted_whole(name: str) -> None:
    def rewrite(request: Any) -> None:
        request.headers[name] = "Basic SECRET-MUST-NOT-LEAK"

    with ChimeProxyMock() as mock:
        _rewriting_client(mock, rewrite).list_voice_connectors()
        call = mock.calls.last()
    assert call.request.headers[name] == "REDACTED" and "SECRET-MUST-NOT-LEAK" not in _kept_text(call)


@pytest.mark.parametrize(
    "value", [b"Basic SECRET-MUST-NOT-LEAK\xff", bytearray(b"Bearer SECRET-MUST-NOT-LEAK"), 12345678901234567]
)
def test_an_authorization_value_of_any_type_is_answered_and_redacted(value: Any) -> None:
    def rewrite(request: Any) -> None:
        request.headers["Authorization"] = value

    with ChimeProxyMock() as mock:
        _rewriting_client(mock, rewrite).list_voice_connectors()
        call = mock.calls.last()
    assert call.status == 200 and "SECRET-MUST-NOT-LEAK" not in _kept_text(call)
    assert "12345678901234567" not in call.request.headers["Authorization"]


def test_a_password_in_the_url_or_its_query_is_not_kept() -> None:
    import requests

    url = (
        "https://alice:PW-MUST-NOT-LEAK@voice-chime.us-east-1.amazonaws.com/voice-connectors"
        "?X-Amz-Signature%20=SIG-MUST-NOT-LEAK&Password=PW2-MUST-NOT-LEAK&access_token=TOKEN-MUST-NOT-LEAK"
        "&api_key=KEY-MUST-NOT-LEAK&max-results=5&next-token=page-2"
    )
    with ChimeProxyMock() as mock:
        requests.get(url, timeout=10)
        call = mock.calls.last()
    assert "MUST-NOT-LEAK" not in _kept_text(call), call.request.url
    assert "max-results=5" in call.request.url and "next-token=page-2" in call.request.url  # not secrets


@pytest.mark.parametrize(
    "value",
    ["wJalrXUtnFEMI/K7MDENG/SECRET-MUST-NOT-LEAK", "AWS4-HMAC-SHA256-SECRET-MUST-NOT-LEAK", "SECRET-MUST-NOT-LEAK"],
)
def test_an_authorization_value_without_a_known_scheme_is_redacted_whole(value: str) -> None:
    import requests

    with ChimeProxyMock() as mock:
        requests.get("https://voice-chime.us-east-1.amazonaws.com/voice-connectors", headers={"Authorization": value})
        call = mock.calls.last()
    assert call.request.headers["Authorization"] == "REDACTED" and "MUST-NOT-LEAK" not in _kept_text(call)


def test_secret_query_members_in_other_names_or_without_an_equals_sign_are_not_kept() -> None:
    import requests

    query = (
        "X-Amz-Security-Token%3DTOKEN-MUST-NOT-LEAK&AccessKeyId=AKIAKEYMUSTNOTLEAK&token=T2-MUST-NOT-LEAK"
        "&id_token=T3-MUST-NOT-LEAK&key=K-MUST-NOT-LEAK&sig=S-MUST-NOT-LEAK&pwd=P-MUST-NOT-LEAK"
        "&X-Amz-%252553ignature=S2-MUST-NOT-LEAK&a=b;X-Amz-Signature=S3-MUST-NOT-LEAK"
    )
    with ChimeProxyMock() as mock:
        requests.get(f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors?{query}", timeout=10)
        call = mock.calls.last()
    assert "MUST-NOT-LEAK" not in _kept_text(call) and "MUSTNOTLEAK" not in _kept_text(call), call.request.url


@pytest.mark.parametrize("password", ['hunter"2\\Geheim-p\u00e4ssw\u00f6rd', "plain-Geheim-password"])
def test_a_password_quoted_in_a_validation_message_is_not_echoed_in_any_escaping(password: str) -> None:
    import json

    import requests

    with ChimeProxyMock() as mock:
        answer = requests.post(
            "https://voice-chime.us-east-1.amazonaws.com/voice-connectors",
            data=json.dumps({"Name": {"Password": password}, "RequireEncryption": True}),
            timeout=10,
        )
        call = mock.calls.last()
    assert answer.status_code == 400 and "failed to satisfy constraint" in answer.text
    assert "Geheim" not in answer.text and b"Geheim" not in call.response.body


def test_a_huge_retry_count_and_a_deeply_nested_body_are_answered() -> None:
    """No raw exception (and no 500 from the server) for a retry header past int()'s digit limit or a body
    nested deeper than the redaction walks, even from a deep stack."""
    import requests

    nested = "[" * 1500 + "]" * 1500
    with ChimeProxyMock() as mock:
        vc = mock.create_voice_connector()
        retried = requests.get(
            "https://voice-chime.us-east-1.amazonaws.com/voice-connectors",
            headers={"amz-sdk-request": "attempt=" + "9" * 5000},
            timeout=10,
        )

        def deep(levels: int) -> Any:
            if levels:
                return deep(levels - 1)
            return requests.post(
                f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{vc}/termination/credentials"
                "?operation=put",
                data='{"Credentials": ' + nested + ', "x": "\\u0041"}',
                timeout=10,
            )

        nested_answer = deep(300)
        calls = list(mock.calls)
    assert retried.status_code == 200 and calls[0].attempt is None
    assert nested_answer.status_code == 400 and calls[-1].status == 400


# ---- found by attacking issue 21's fifth round ------------------------------------------------------------------
_TOKEN = "SESSIONTOKEN-MUST-NOT-LEAK-123"


@pytest.mark.parametrize("kind", ["read_timeout", "connect_timeout", "connection_closed", "endpoint_unreachable"])
def test_an_injected_connection_error_names_the_url_as_the_call_log_keeps_it(kind: str) -> None:
    """A query-signed request carries its signature, token and key id in the URL botocore's message quotes."""
    with ChimeProxyMock() as mock:
        mock.inject("ListVoiceConnectors", connection_error=kind)
        client = boto3.client(
            "chime-sdk-voice",
            region_name="us-east-1",
            aws_access_key_id=REAL_KEY,
            aws_secret_access_key="s" * 40,
            aws_session_token=_TOKEN,
            config=Config(signature_version="v4-query", retries={"total_max_attempts": 1}),
        )
        with pytest.raises(Exception) as raised:
            client.list_voice_connectors()
    said = str(raised.value) + repr(raised.value)
    assert "X-Amz-Signature=REDACTED" in said, said
    assert _TOKEN not in said and REAL_KEY not in said, said


@pytest.mark.parametrize("password", ["abc", 123, ["xy", "zz"], "a", True])
def test_a_password_of_any_length_inside_a_wrong_value_is_not_echoed(password: Any) -> None:
    """Too short to be scrubbed from answers by its text: a list or an object is not echoed at all."""
    import requests

    with ChimeProxyMock() as mock:
        body = {"Name": {"Password": password, "x": [password]}, "RequireEncryption": True}
        answer = requests.post("https://voice-chime.us-east-1.amazonaws.com/voice-connectors", json=body, timeout=5)
        kept = mock.calls.last()
    assert answer.status_code == 400 and "at 'name' failed to satisfy constraint" in answer.text, answer.text
    assert "Password" not in answer.text and "Password" not in kept.response.body.decode()


@given(
    scheme=st.sampled_from(["", "http:", "https:", "HTTP:", "x-y+z:"]),
    slashes=st.sampled_from(["", "/", "//", "///", "\\\\", "/\\"]),
    user=st.sampled_from(["", "alice", "a@b", "%40"]),
    rest=st.sampled_from(["127.0.0.1/voice-connectors", "host", "h:80/x?y=1", "h#f"]),
)
@settings(max_examples=300, deadline=None)
def test_user_information_in_any_form_of_url_is_not_kept(scheme: str, slashes: str, user: str, rest: str) -> None:
    from pytest_chime_proxy.core import redaction

    given_url = f"{scheme}{slashes}{user}:PW-MUST-NOT-LEAK@{rest}"
    found: list[str] = []
    kept = redaction.url(given_url, found)
    assert "PW-MUST-NOT-LEAK" not in kept and "PW-MUST-NOT-LEAK" in found, (given_url, kept)


def test_the_servers_access_log_keeps_no_user_information_of_a_network_path_target(
    capfd: pytest.CaptureFixture[str],
) -> None:
    from pytest_chime_proxy import ChimeProxyServer

    with ChimeProxyServer(quiet=False) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(
                b"GET //alice:PW-MUST-NOT-LEAK@127.0.0.1/voice-connectors HTTP/1.1\r\n"
                b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            while raw.recv(65536):
                pass
    logged = capfd.readouterr().err
    assert "voice-connectors" in logged and "PW-MUST-NOT-LEAK" not in logged, logged


def test_a_fault_rule_matching_a_password_never_shows_it(pytester: pytest.Pytester) -> None:
    """Its summary (repr, the never-fired failure at teardown) shows the match without the secret's value."""
    with ChimeProxyMock() as mock:
        rule = mock.inject(
            "PutVoiceConnectorTerminationCredentials",
            error="ServiceFailureException",
            match={"Credentials": [{"Username": "sbc", "Password": "PW-MUST-NOT-LEAK"}]},
        )
        with pytest.raises(AssertionError) as never_fired:
            mock.faults.assert_all_hit()
        shown = repr(rule) + rule.describe() + str(never_fired.value) + repr(mock.faults)
    assert "PW-MUST-NOT-LEAK" not in shown and "'Password': 'REDACTED'" in shown, shown
    pytester.makepyfile("""
        import pytest

        @pytest.mark.chime_proxy(assert_all_faults_hit=True)
        def test_never_fires(chime_proxy):
            chime_proxy.inject("PutVoiceConnectorTerminationCredentials", error="ServiceFailureException",
                               match={"Credentials": [{"Username": "sbc", "Password": "PW-MUST-NOT-LEAK"}]})
    """)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    assert "PW-MUST-NOT-LEAK" not in result.stdout.str() and "never fired" in result.stdout.str()


def test_a_presigned_credential_keeps_its_scope_only_in_a_scopes_form() -> None:
    from pytest_chime_proxy.core import redaction

    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
    found: list[str] = []
    kept = redaction.url(
        f"https://voice-chime.us-east-1.amazonaws.com/x?X-Amz-Credential={REAL_KEY}/{secret}&X-Amz-Signature=ab",
        found,
    )
    assert secret not in kept and REAL_KEY not in kept and secret in found, kept
    assert "X-Amz-Credential=AKIAREDACTED/20261202/us-east-1/chime/aws4_request" in redaction.url(
        f"https://h/x?X-Amz-Credential={REAL_KEY}/20261202/us-east-1/chime/aws4_request"
    )
