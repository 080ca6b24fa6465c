"""botocore's retry backoff runs on the mock's clock: recorded with its call, never slept on the wall clock.

``sleeps`` replaces the real ``time.sleep`` with a recorder, so "did anything wait on the wall clock?" is
answered by what was called, not by timing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.retries import bucket
from helpers import PAIR

from pytest_chime_proxy import ChimeProxyMock, mock_chime_proxy
from pytest_chime_proxy.patching import backoff

MODES = ("legacy", "standard", "adaptive")
START = datetime(2025, 6, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wall-clock ``time.sleep`` from now on (recorded, not slept)."""
    recorded: list[float] = []
    monkeypatch.setattr(time, "sleep", recorded.append)
    return recorded


def make_client(namespace: str, mode: str, max_attempts: int = 4) -> Any:
    return boto3.client(
        namespace, region_name="us-east-1", config=Config(retries={"mode": mode, "max_attempts": max_attempts})
    )


@pytest.mark.parametrize("mode", MODES)
def test_fail_four_times_then_succeed_waits_on_the_mock_clock(
    chime_proxy: Any, namespace: str, voice_connector: str, mode: str, sleeps: list[float]
) -> None:
    chime_proxy.clock.set(START)
    client = make_client(namespace, mode)
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=4)
    client.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    calls = chime_proxy.calls.filter("GetVoiceConnectorProxy")
    assert [c.status for c in calls] == [503, 503, 503, 503, 200]
    assert calls[0].backoff == 0.0
    assert all(c.backoff > 0 for c in calls[1:])  # botocore asked to wait before every retry ...
    assert sleeps == []  # ... and nothing waited on the wall clock
    waited = sum(c.backoff for c in calls)
    assert chime_proxy.clock.now().timestamp() == pytest.approx(START.timestamp() + waited)
    # each call was answered at the mock time its backoff led to
    for before, after in zip(calls, calls[1:], strict=False):
        assert after.time is not None and before.time is not None
        assert (after.time - before.time).total_seconds() == pytest.approx(after.backoff, abs=1e-3)


@pytest.mark.parametrize("mode", MODES)
def test_real_sleep_waits_on_the_wall_clock_and_still_records(namespace: str, mode: str, sleeps: list[float]) -> None:
    with ChimeProxyMock(real_sleep=True) as chime:
        vc = chime.create_voice_connector()
        chime.clock.set(START)
        chime.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=2)
        make_client(namespace, mode).get_voice_connector_proxy(VoiceConnectorId=vc)
        backoffs = chime.calls.backoffs
    assert len(backoffs) == 3 and all(b > 0 for b in backoffs[1:])
    assert sleeps == pytest.approx(backoffs[1:])  # the wall clock took exactly botocore's delays
    assert chime.clock.now() == START  # and the pinned mock clock did not move


def test_real_sleep_really_sleeps(chime_sdk_voice: Any) -> None:
    """One test that waits for real (a fraction of a second), as a user who needs it would."""
    with mock_chime_proxy(real_sleep=True) as chime:
        vc = chime.create_voice_connector()
        chime.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=1)
        client = boto3.client(
            "chime-sdk-voice", region_name="us-east-1", config=Config(retries={"mode": "standard", "max_attempts": 1})
        )
        started = time.monotonic()
        client.get_voice_connector_proxy(VoiceConnectorId=vc)
        elapsed = time.monotonic() - started
    assert elapsed >= chime.calls[-1].backoff > 0


def test_backoff_moves_session_expiry(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    """Time spent in backoff is time on the fake's clock: a session can expire while a call is retried."""
    chime_proxy.clock.set(START)
    session = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], ExpiryMinutes=1
    )["ProxySession"]
    remaining = 0.001
    chime_proxy.clock.advance(seconds=60 - remaining)
    client = make_client("chime-sdk-voice", "standard")
    chime_proxy.inject("GetProxySession", error="ServiceUnavailableException", times=3)
    got = client.get_proxy_session(VoiceConnectorId=voice_connector, ProxySessionId=session["ProxySessionId"])[
        "ProxySession"
    ]
    waited = sum(c.backoff for c in chime_proxy.calls.filter("GetProxySession"))
    assert waited > 0
    assert got["Status"] == ("Closed" if waited >= remaining else "Open")


def test_backoff_is_in_the_call_log_for_the_decorator(namespace: str, sleeps: list[float]) -> None:
    @mock_chime_proxy(faults=[{"operation": "GetVoiceConnectorProxy", "error": "ServiceFailureException", "times": 3}])
    def retried() -> list[float]:
        from pytest_chime_proxy import current_mock

        chime = current_mock()
        assert chime is not None
        vc = chime.create_voice_connector()
        make_client(namespace, "legacy").get_voice_connector_proxy(VoiceConnectorId=vc)
        return chime.calls.backoffs

    backoffs = retried()
    assert len(backoffs) == 4 and backoffs[0] == 0 and all(b > 0 for b in backoffs[1:])
    assert sleeps == []


@pytest.mark.chime_proxy(real_sleep=True)
def test_marker_switches_to_real_sleep(
    chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str, sleeps: list[float]
) -> None:
    assert chime_proxy.real_sleep
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=1)
    chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    assert sleeps == [chime_proxy.calls[-1].backoff] and sleeps[0] > 0


def test_connection_error_backoff_is_virtual_too(
    chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str, sleeps: list[float]
) -> None:
    chime_proxy.inject("GetVoiceConnectorProxy", connection_error="endpoint_unreachable", times=2)
    chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    assert [c.backoff > 0 for c in chime_proxy.calls] == [False, True, True]
    assert sleeps == []


# ---- precision: only botocore's retry path, only for requests the mock answered ------------------------------
class _Unavailable(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = b'{"Message": "down"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def unavailable_server() -> Iterator[str]:
    """A local HTTP server that answers 503 to everything (a host the mock does not answer)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_retries_to_other_hosts_sleep_for_real(chime_proxy: Any, unavailable_server: str, sleeps: list[float]) -> None:
    client = boto3.client(
        "chime-sdk-voice",
        region_name="us-east-1",
        endpoint_url=unavailable_server,
        config=Config(retries={"mode": "standard", "max_attempts": 2}),
    )
    with pytest.raises(client.exceptions.ClientError):
        client.get_voice_connector_proxy(VoiceConnectorId="abcdef1ghij2klmno3pqr4")
    assert len(sleeps) == 2 and all(s > 0 for s in sleeps)  # the real sleep, once per retry
    assert len(chime_proxy.calls) == 0


def test_only_botocore_endpoint_time_is_replaced_and_restored() -> None:
    real_sleep, real_acquire = time.sleep, bucket.TokenBucket._acquire
    assert botocore.endpoint.time is time
    with mock_chime_proxy():
        assert botocore.endpoint.time is not time
        assert botocore.endpoint.time.time is time.time  # everything but sleep is the real module
        assert time.sleep is real_sleep
        with mock_chime_proxy():  # nested mocks share one patch
            assert backoff.installed()
        assert backoff.installed()
    assert botocore.endpoint.time is time
    assert bucket.TokenBucket._acquire is real_acquire
    assert not backoff.installed()


def test_a_plain_sleep_under_the_mock_is_not_virtual(chime_proxy: Any, sleeps: list[float]) -> None:
    before = chime_proxy.clock.now()
    chime_proxy.clock.set(before)
    time.sleep(0.5)
    botocore.endpoint.time.sleep(0)  # no request answered on this thread yet: a real sleep
    assert sleeps == [0.5, 0]
    assert chime_proxy.clock.now() == before


# ---- adaptive mode's client-side rate limiter --------------------------------------------------------------
@pytest.mark.parametrize("error", ["ThrottledClientException", "ServiceUnavailableException"])
def test_adaptive_rate_limiter_never_engages_against_chime(
    chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str, error: str, sleeps: list[float]
) -> None:
    """No Chime error is in botocore's throttling list, so adaptive mode's token bucket never waits."""
    client = make_client("chime-sdk-voice", "adaptive", max_attempts=2)
    chime_proxy.inject("GetVoiceConnectorProxy", error=error, times=None)
    for _ in range(5):
        with pytest.raises(client.exceptions.ClientError):
            client.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    first_attempts = chime_proxy.calls.filter("GetVoiceConnectorProxy", attempt=1)
    assert len(first_attempts) == 5 and all(c.backoff == 0 for c in first_attempts)
    assert sleeps == []


def test_token_bucket_wait_is_virtual_and_recorded(
    chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str
) -> None:
    """The adaptive limiter's wait (a condition-variable wait, not time.sleep) goes on the mock's clock."""
    chime_proxy.clock.set(START)
    chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)  # this thread talks to the mock
    limiter = bucket.TokenBucket(max_rate=0.5, clock=bucket.Clock())  # one token every 2 s
    limiter.acquire()  # the first token is there; the next needs a refill
    assert limiter.acquire() is True
    chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    waited = chime_proxy.calls[-1].backoff
    assert waited > 0
    assert chime_proxy.clock.now().timestamp() == pytest.approx(START.timestamp() + waited)


def test_token_bucket_in_a_thread_that_never_met_the_mock_waits_for_real(chime_proxy: Any) -> None:
    chime_proxy.clock.set(START)
    pending: list[float] = []

    def other_thread() -> None:
        limiter = bucket.TokenBucket(max_rate=50, clock=bucket.Clock())  # one token every 20 ms
        limiter.acquire()
        limiter.acquire()
        pending.append(backoff.take_pending())

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert pending == [0.0]
    assert chime_proxy.clock.now() == START


def test_ini_option_real_sleep_and_the_marker_overrides_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nchime_proxy_real_sleep = true\n")
    pytester.makepyfile("""
import pytest

def test_ini(chime_proxy):
    assert chime_proxy.real_sleep is True

@pytest.mark.chime_proxy(real_sleep=False)
def test_marker_wins(chime_proxy):
    assert chime_proxy.real_sleep is False
""")
    pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider").assert_outcomes(passed=2)
