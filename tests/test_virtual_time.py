"""Virtual time as against AWS (issue 22): only the test's own flow sleeps virtually, and the application's
clocks (``time.time``, ``time.monotonic``, ``datetime.now``, asyncio's loop time) move with the fake's clock."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pytest_chime_proxy import ChimeProxyMock, Clock, current_mock, mock_chime_proxy

PAIR = ["+14015550101", "+12065550100"]
START = "2024-05-01T10:00:00Z"
START_AT = datetime(2024, 5, 1, 10, tzinfo=timezone.utc)


def _client() -> Any:
    return boto3.client("chime-sdk-voice", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


def _heartbeat_thread(stop: threading.Event, beats: list[float]) -> None:
    while not stop.is_set():
        beats.append(time.monotonic())
        time.sleep(0.05)


# ---- whose sleeps are virtual ---------------------------------------------------------------------------------
def test_a_background_thread_sleeps_for_real_while_the_test_sleeps_virtually() -> None:
    stop, beats = threading.Event(), []
    with ChimeProxyMock(virtual_sleep=True, clock=Clock(START)) as mock:
        vc = mock.create_voice_connector()
        client = _client()
        session = client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], ExpiryMinutes=60
        )["ProxySession"]
        heartbeat = threading.Thread(target=_heartbeat_thread, args=(stop, beats))
        heartbeat.start()
        wall = time.perf_counter()
        time.sleep(0.3)  # the heartbeat's own thread keeps real time: it cannot move the fake's clock
        while time.perf_counter() - wall < 0.3:  # and real time passes for it
            pass
        stop.set()
        heartbeat.join()
        assert 2 <= len(beats) <= 20  # about 0.3 s / 0.05 s of real beats, not tens of thousands
        got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])["ProxySession"]
        assert got["Status"] == "Open"  # the heartbeat moved no time: the session is not expired
        assert mock.clock.now() == datetime(2024, 5, 1, 10, 0, 0, 300000, tzinfo=timezone.utc)


def test_a_thread_opted_in_sleeps_virtually() -> None:
    with ChimeProxyMock(virtual_sleep=True, clock=Clock(START)) as mock:
        before = mock.clock.time()
        worker = threading.Thread(target=mock.sleeps_virtually(time.sleep), args=(600,))
        wall = time.perf_counter()
        worker.start()
        worker.join()
        assert time.perf_counter() - wall < 5 and mock.clock.time() - before == 600

        def in_a_thread() -> None:
            with mock.sleeps_virtually():
                time.sleep(60)
            time.sleep(0.01)  # outside the block: real again

        worker = threading.Thread(target=in_a_thread)
        worker.start()
        worker.join()
        assert mock.clock.time() - before == 660


def test_a_background_task_sleeps_for_real_and_the_test_task_virtually() -> None:
    beats: list[float] = []

    async def heartbeat() -> None:
        while True:
            beats.append(asyncio.get_running_loop().time())
            await asyncio.sleep(5)

    async def app() -> float:
        beat = asyncio.create_task(heartbeat())
        await asyncio.sleep(0)
        for _ in range(6):
            await asyncio.sleep(10)  # the flow: 60 virtual seconds
        await asyncio.sleep(0)
        beat.cancel()
        return asyncio.get_running_loop().time()

    with ChimeProxyMock(virtual_sleep=True, clock=Clock(START)) as mock:
        wall = time.perf_counter()
        asyncio.run(app())
        assert time.perf_counter() - wall < 5
        assert mock.clock.time() - Clock(START).time() == 60
        # the heartbeat's real 5 s sleeps wake as the loop's time passes them: at most once per 5 virtual s
        assert 2 <= len(beats) <= 14


def test_a_task_opted_in_sleeps_virtually() -> None:
    async def poll() -> None:
        await asyncio.sleep(30)

    async def app(mock: ChimeProxyMock) -> None:
        await asyncio.create_task(mock.sleeps_virtually(poll()))
        await asyncio.gather(mock.sleeps_virtually(poll)(), mock.sleeps_virtually(poll)())

    with ChimeProxyMock(virtual_sleep=True, clock=Clock(START)) as mock:
        wall = time.perf_counter()
        asyncio.run(app(mock))
        assert time.perf_counter() - wall < 5 and mock.clock.time() - Clock(START).time() == 90


@mock_chime_proxy(virtual_sleep=True, clock=Clock(START))
async def _decorated_async_test(spawned_slept: list[float]) -> float:
    chime = current_mock(required=True)

    async def background() -> None:
        started = time.perf_counter()
        await asyncio.sleep(0.05)  # not the test's task: real
        spawned_slept.append(time.perf_counter() - started)

    task = asyncio.create_task(background())
    await asyncio.sleep(120)  # the task that started the mock: virtual
    await task
    return chime.clock.time() - Clock(START).time()


def test_the_decorated_async_tests_own_task_sleeps_virtually() -> None:
    spawned: list[float] = []
    assert asyncio.run(_decorated_async_test(spawned)) == 120
    assert spawned[0] >= 0.04


def test_without_virtual_sleep_nothing_is_virtual() -> None:
    with ChimeProxyMock(clock=Clock(START)) as mock:
        wall = time.perf_counter()
        time.sleep(0.05)
        assert time.perf_counter() - wall >= 0.05 and mock.clock.now() == START_AT


# ---- the application's clocks move with the fake's ------------------------------------------------------------
def _wait_until_active(client: Any, vc: str, timeout: float = 600) -> int:
    """An app's deadline loop: poll every 10 s until the order completes or the deadline passes."""
    polls = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        polls += 1
        if client.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]["Name"] == "never":
            return polls
        time.sleep(10)
    raise TimeoutError(f"gave up after {polls} polls")


def test_a_deadline_loop_times_out_as_against_aws() -> None:
    with ChimeProxyMock(virtual_sleep=True, clock=Clock(START)) as mock:
        vc = mock.create_voice_connector()
        wall = time.perf_counter()
        with pytest.raises(TimeoutError, match="after 60 polls"):
            _wait_until_active(_client(), vc)
        assert time.perf_counter() - wall < 30
        assert 600 <= mock.clock.time() - Clock(START).time() < 610


def test_the_apps_clocks_agree_with_the_fake_clock() -> None:
    with ChimeProxyMock(virtual_sleep=True) as mock:
        vc = mock.create_voice_connector()
        client = _client()
        session = client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], ExpiryMinutes=30
        )["ProxySession"]
        mono, loop_time = time.monotonic(), asyncio.new_event_loop()
        try:
            loop_before = loop_time.time()
            time.sleep(11 * 60)
            mock.clock.advance(minutes=4)  # a move of the clock moves the app's clocks too
            assert loop_time.time() - loop_before == pytest.approx(15 * 60, abs=5)
        finally:
            loop_time.close()
        assert time.monotonic() - mono == pytest.approx(15 * 60, abs=5)
        # "minutes left", as an app computes it from the session and its own clock
        left = session["CreatedTimestamp"] + timedelta(minutes=30) - datetime.now(timezone.utc)
        assert round(left.total_seconds() / 60) == 15
        assert abs(time.time() - mock.clock.time()) < 1
        assert abs(datetime.now(timezone.utc) - mock.clock.now()) < timedelta(seconds=1)
        time.sleep(15 * 60)
        got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])
        assert got["ProxySession"]["Status"] == "Closed"
    assert abs(time.time() - datetime.now(timezone.utc).timestamp()) < 1  # real again after the mock
    assert abs(datetime.now(timezone.utc) - mock.clock.now()) > timedelta(minutes=29)  # the fake keeps its time


def test_a_pinned_clock_pins_the_apps_wall_clock() -> None:
    from time import time as bound_before  # time-machine moves even a function bound before the mock

    with ChimeProxyMock(virtual_sleep=True, clock=Clock(START)) as mock:
        assert datetime.now(timezone.utc) == START_AT
        time.sleep(90)
        assert bound_before() == mock.clock.time() == START_AT.timestamp() + 90
        mock.clock.set("2030-01-01T00:00:00Z")
        assert datetime.now(timezone.utc).year == 2030
    assert mock.clock.now() == datetime(2030, 1, 1, tzinfo=timezone.utc)  # still pinned where it was
    assert datetime.now(timezone.utc).year < 2030
