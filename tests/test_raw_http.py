"""Raw HTTP through ``requests``: code that signs its own REST calls is answered by the same fake (via
``responses``) while a mock is active, and every other URL still reaches the network untouched."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from helpers import PAIR

VOICE = "https://voice-chime.us-east-1.amazonaws.com"
LEGACY = "https://service.chime.aws.amazon.com"


def signed(
    method: str, url: str, body: Any = None, key: str = "AKIDEXAMPLE", region: str = "us-east-1"
) -> requests.Response:
    """Send a SigV4-signed request with ``requests``, as code that talks to the REST API directly does."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    data = json.dumps(body) if body is not None else None
    request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(key, "secret"), "chime", region).add_auth(request)
    return requests.request(method, url, data=data, headers=dict(request.headers.items()), timeout=10)


@pytest.fixture
def local_site() -> Iterator[str]:
    """A real HTTP server on loopback: a URL that must pass through untouched."""

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = b"hello from the real network"
            self.send_response(218)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_signed_raw_calls_share_state_with_boto3(chime_proxy: Any, voice_connector: str, chime_sdk_voice: Any) -> None:
    created = signed(
        "POST",
        f"{VOICE}/voice-connectors/{voice_connector}/proxy-sessions",
        {"ParticipantPhoneNumbers": PAIR, "Capabilities": ["Voice", "SMS"]},
    )
    assert created.status_code == 201
    assert created.headers["Content-Type"] == "application/json"
    session = created.json()["ProxySession"]
    assert session["Capabilities"] == ["SMS", "Voice"] and session["Status"] == "Open"
    # boto3 sees the session the raw call made: one core, one state
    seen = chime_sdk_voice.get_proxy_session(
        VoiceConnectorId=voice_connector, ProxySessionId=session["ProxySessionId"]
    )["ProxySession"]
    assert seen["Participants"] == session["Participants"]
    assert [c.operation for c in chime_proxy.calls] == ["CreateProxySession", "GetProxySession"]


def test_raw_errors_carry_the_error_type_header(chime_proxy: Any, voice_connector: str) -> None:
    answer = signed("GET", f"{VOICE}/voice-connectors/{voice_connector}/proxy-sessions/no-such-session")
    assert answer.status_code == 404
    assert answer.headers["x-amzn-ErrorType"] == "NotFoundException"
    assert answer.json()["Code"] == "NotFound" and "no-such-session" in answer.json()["Message"]


def test_legacy_routes_work_over_raw_http_whatever_botocore_is(chime_proxy: Any, voice_connector: str) -> None:
    """The legacy host is the legacy namespace: MaxResults 100 is over its cap of 99, not over chime-sdk-voice's."""
    path = f"/voice-connectors/{voice_connector}/proxy-sessions?max-results=100"
    assert signed("GET", VOICE + path).status_code == 200
    legacy = signed("GET", LEGACY + path)
    assert legacy.status_code == 400
    assert legacy.headers["x-amzn-ErrorType"] == "BadRequestException"
    made = signed(
        "POST",
        f"{LEGACY}/voice-connectors/{voice_connector}/proxy-sessions",
        {"ParticipantPhoneNumbers": PAIR, "Capabilities": ["SMS"]},
    )
    assert made.status_code == 201
    assert [(c.endpoint.namespace, c.status) for c in chime_proxy.calls] == [
        ("chime-sdk-voice", 200),
        ("chime", 400),
        ("chime", 201),
    ]


def test_unsigned_calls_use_the_default_account_and_signed_ones_their_key(
    chime_proxy: Any, voice_connector: str
) -> None:
    path = f"{VOICE}/voice-connectors/{voice_connector}/programmable-numbers/proxy"
    assert requests.get(path, timeout=10).status_code == 200
    assert signed("GET", path, key="210987654321").status_code == 404  # another account has no such connector
    assert [c.account for c in chime_proxy.calls] == [chime_proxy.account, "210987654321"]


def test_other_urls_pass_through_to_the_network(chime_proxy: Any, local_site: str) -> None:
    answer = requests.get(local_site, timeout=10)
    assert (answer.status_code, answer.text) == (218, "hello from the real network")
    assert chime_proxy.calls == []


def test_the_patch_is_gone_after_stop(local_site: str) -> None:
    import responses
    from requests.adapters import HTTPAdapter

    from pytest_chime_proxy import mock_chime_proxy

    before = HTTPAdapter.send
    with mock_chime_proxy() as outer:
        with mock_chime_proxy() as inner:  # the innermost mock answers
            inner.create_voice_connector(name="inner")
            listed = requests.get(f"{VOICE}/voice-connectors", timeout=10).json()["VoiceConnectors"]
            assert [vc["Name"] for vc in listed] == ["inner"]
        assert requests.get(f"{VOICE}/voice-connectors", timeout=10).json()["VoiceConnectors"] == []
        assert len(outer.calls) == 1
    assert HTTPAdapter.send is before
    assert all(getattr(r, "url", "") != "chime-proxy://any-chime-host" for r in responses.mock.registered())
    assert requests.get(local_site, timeout=10).status_code == 218


@pytest.mark.parametrize("order", ["responses first", "chime first"])
def test_users_own_responses_mocks_keep_working(order: str) -> None:
    """A test that stubs other URLs with ``responses`` (its default mock, as ``@responses.activate`` uses) and
    calls Chime raw gets both, whichever was started first."""
    import responses

    from pytest_chime_proxy import mock_chime_proxy

    chime = mock_chime_proxy()
    first, second = (responses.mock, chime) if order == "responses first" else (chime, responses.mock)
    with first, second:
        responses.add(responses.GET, "https://api.example.com/who", json={"me": "stub"})
        assert requests.get("https://api.example.com/who", timeout=10).json() == {"me": "stub"}
        vc = chime.create_voice_connector()
        answer = requests.post(
            f"{VOICE}/voice-connectors/{vc}/proxy-sessions",
            timeout=10,
            json={"ParticipantPhoneNumbers": PAIR, "Capabilities": ["Voice"]},
        )
        assert answer.status_code == 201
        with pytest.raises(requests.exceptions.ConnectionError, match="Connection refused by Responses"):
            requests.get("https://api.example.com/not-stubbed", timeout=10)  # responses' own rule still holds
    assert [c.operation for c in chime.calls] == ["CreateProxySession"]


def test_an_injected_connection_fault_becomes_a_requests_error(chime_proxy: Any, voice_connector: str) -> None:
    if not hasattr(chime_proxy, "inject"):
        pytest.skip("this build of the mock has no inject()")
    chime_proxy.inject("ListProxySessions", connection_error="read_timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{VOICE}/voice-connectors/{voice_connector}/proxy-sessions", timeout=10)


# ---- requests imported late: the patch follows the import (fresh interpreters: this one has requests) --------
_LATE_IMPORT = """
import sys, threading
from pytest_chime_proxy import ChimeProxyMock

URL = "https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{}/programmable-numbers/proxy"
with ChimeProxyMock() as mock:
    vc = mock.create_voice_connector(default_session_expiry_minutes=42)
    assert "requests" not in sys.modules and "responses" not in sys.modules, "imported too early"
    if sys.argv[1] == "thread":  # the code under test imports it in a worker thread
        worker = threading.Thread(target=__import__, args=("requests",))
        worker.start()
        worker.join()
    if sys.argv[1] == "responses":  # imported through responses, which imports requests on its way
        import responses
    import requests
    answer = requests.get(URL.format(vc), timeout=5)
    print(answer.status_code, answer.json()["Proxy"]["DefaultSessionExpiryMinutes"], mock.calls.operations)
    print(type(requests.__loader__).__name__, type(requests.__spec__.loader).__name__)
import requests.adapters
print(requests.adapters.HTTPAdapter.send.__qualname__, [type(f).__name__ for f in sys.meta_path if "After" in type(f).__name__])
"""


@pytest.mark.parametrize("where", ["main", "thread", "responses"])
def test_requests_imported_after_the_mock_started_is_answered_by_the_fake(where: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LATE_IMPORT, where], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    answered, loaders, after = done.stdout.splitlines()
    assert answered == "200 42 ['GetVoiceConnectorProxy']"  # the fake's answer, recorded in its call log
    assert loaders == "SourceFileLoader SourceFileLoader"  # the module keeps nothing of the hook
    assert after == "HTTPAdapter.send []"  # stopped: the real send back, the hook gone


def test_a_mock_never_imports_responses_when_requests_is_not_imported() -> None:
    code = (
        "import sys, boto3\n"
        "from pytest_chime_proxy import ChimeProxyMock\n"
        "hooks = list(sys.meta_path)\n"
        "with ChimeProxyMock() as mock:\n"
        "    vc = mock.create_voice_connector()\n"
        "    client = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
        "    client.get_voice_connector_proxy(VoiceConnectorId=vc)\n"
        "print(sorted(m for m in ('requests', 'responses') if m in sys.modules), sys.meta_path == hooks)\n"
        "import requests\n"  # after the mock: nothing patched, responses still not imported
        "print('responses' in sys.modules, requests.adapters.HTTPAdapter.send.__qualname__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[] True", "False HTTPAdapter.send"]
