"""The fake's clock (now/advance/set), freezegun and time-machine driving it, and simulated activity.

Session expiry itself is covered in test_lifecycle.py; here: the clock's API, that the usual time libraries
move the fake the same way, and that sessions move to InProgress when told a call flows through them.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import freezegun
import pytest
import time_machine
from helpers import PAIR

from pytest_chime_proxy import ChimeProxyMock, Clock

START = datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=timezone.utc)


def create(client: Any, vc: str, **extra: Any) -> dict[str, Any]:
    return client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], **extra
    )["ProxySession"]


def status(client: Any, vc: str, session: dict[str, Any]) -> str:
    return str(
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])["ProxySession"][
            "Status"
        ]
    )


# ---- the clock's own API ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "when",
    [START, "2024-05-01T10:00:00.250Z", "2024-05-01T10:00:00.250+00:00", START.timestamp(), START.replace(tzinfo=None)],
)
def test_set_accepts_datetimes_iso_text_and_epoch_seconds(when: Any) -> None:
    clock = Clock()
    assert clock.set(when) == START
    assert clock.now() == START and clock.now().tzinfo is not None


def test_a_set_clock_stays_put_until_moved() -> None:
    clock = Clock(START)
    first = clock.now()
    time.sleep(0.01)
    assert clock.now() == first == START


@pytest.mark.parametrize(
    ("args", "kwargs", "delta"),
    [
        ((timedelta(minutes=3),), {}, timedelta(minutes=3)),
        ((90,), {}, timedelta(seconds=90)),
        ((1.5,), {}, timedelta(seconds=1.5)),
        ((), {"days": 1, "hours": 2, "minutes": 3, "seconds": 4}, timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ((timedelta(hours=1),), {"minutes": 30}, timedelta(hours=1, minutes=30)),
    ],
)
def test_advance_forms(args: tuple[Any, ...], kwargs: dict[str, Any], delta: timedelta) -> None:
    clock = Clock(START)
    assert clock.advance(*args, **kwargs) == START + delta
    assert clock.now() == START + delta


def test_set_after_advance_starts_from_the_new_instant() -> None:
    clock = Clock(START)
    clock.advance(hours=5)
    later = START + timedelta(days=2)
    assert clock.set(later) == later
    assert clock.advance(seconds=1) == later + timedelta(seconds=1)


def test_unfreeze_follows_real_time_from_where_it_was() -> None:
    with freezegun.freeze_time(START + timedelta(days=10)) as frozen:
        clock = Clock(START)
        clock.unfreeze()
        assert clock.now() == START
        frozen.tick(timedelta(seconds=30))
        assert clock.now() == START + timedelta(seconds=30)


def test_the_mock_clock_stamps_sessions(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    chime_proxy.clock.set(START)
    session = create(chime_sdk_voice, voice_connector)
    assert session["CreatedTimestamp"] == session["UpdatedTimestamp"] == START.replace(microsecond=250000)
    assert chime_proxy.calls.last().time == START


def test_mocks_can_share_a_clock(chime_sdk_voice: Any) -> None:
    clock = Clock(START)
    first, second = ChimeProxyMock(clock=clock), ChimeProxyMock(clock=clock)
    clock.advance(minutes=1)
    assert first.clock.now() == second.clock.now() == START + timedelta(minutes=1)


# ---- freezegun and time-machine move the fake as they move the test -----------------------------------------
def test_freezegun_drives_session_expiry(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    with freezegun.freeze_time(START) as frozen:
        session = create(chime_sdk_voice, voice_connector, ExpiryMinutes=5)
        assert session["CreatedTimestamp"] == START.replace(microsecond=250000)
        frozen.tick(timedelta(minutes=4, seconds=59))
        assert status(chime_sdk_voice, voice_connector, session) == "Open"
        frozen.tick(timedelta(seconds=1))
        assert status(chime_sdk_voice, voice_connector, session) == "Closed"


def test_time_machine_drives_session_expiry(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        session = create(chime_sdk_voice, voice_connector, ExpiryMinutes=5)
        assert session["CreatedTimestamp"] == START.replace(microsecond=250000)
        traveller.shift(timedelta(minutes=5))
        assert status(chime_sdk_voice, voice_connector, session) == "Closed"


def test_advance_adds_to_frozen_time(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    """The mock's own advance and a time library's frozen time add up rather than fight."""
    with freezegun.freeze_time(START):
        session = create(chime_sdk_voice, voice_connector, ExpiryMinutes=10)
        chime_proxy.clock.advance(minutes=10)
        assert status(chime_sdk_voice, voice_connector, session) == "Closed"


def test_retry_backoff_under_freezegun_moves_the_fake_not_the_frozen_time(
    chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str
) -> None:
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=2)
    with freezegun.freeze_time(START):
        chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
        waited = sum(chime_proxy.calls.backoffs)
        assert waited > 0
        assert datetime.now(timezone.utc) == START
        assert chime_proxy.clock.now().timestamp() == pytest.approx(START.timestamp() + waited)


# ---- simulated activity -------------------------------------------------------------------------------------
def test_activity_makes_a_session_in_progress(chime_proxy: Any, client: Any, voice_connector: str) -> None:
    chime_proxy.clock.set(START)
    session = create(client, voice_connector)
    chime_proxy.clock.advance(minutes=2)
    chime_proxy.simulate_activity(voice_connector, session["ProxySessionId"])
    got = client.get_proxy_session(VoiceConnectorId=voice_connector, ProxySessionId=session["ProxySessionId"])[
        "ProxySession"
    ]
    assert got["Status"] == "InProgress"
    assert got["UpdatedTimestamp"] == START + timedelta(minutes=2)
    assert got["CreatedTimestamp"] == START
    in_progress = client.list_proxy_sessions(VoiceConnectorId=voice_connector, Status="InProgress")
    assert [s["ProxySessionId"] for s in in_progress["ProxySessions"]] == [session["ProxySessionId"]]
    assert client.list_proxy_sessions(VoiceConnectorId=voice_connector, Status="Open")["ProxySessions"] == []


def test_activity_on_an_unknown_session_is_refused(chime_proxy: Any, voice_connector: str) -> None:
    from pytest_chime_proxy.core.domain.errors import NotFound

    with pytest.raises(NotFound, match="no-such-session"):
        chime_proxy.simulate_activity(voice_connector, "no-such-session")


def test_code_that_waits_for_in_progress(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    """A user's poller runs while the test says "a call started": it sees InProgress and stops."""
    session = create(chime_sdk_voice, voice_connector)
    seen: list[str] = []

    def wait_for_call(deadline: float = 30.0) -> None:  # the kind of code users write and want to test
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            seen.append(status(chime_sdk_voice, voice_connector, session))
            if seen[-1] != "Open":
                return
            time.sleep(0.01)

    poller = threading.Thread(target=wait_for_call)
    poller.start()
    while not seen:
        time.sleep(0.001)
    chime_proxy.simulate_activity(voice_connector, session["ProxySessionId"])
    poller.join()
    assert seen[0] == "Open" and seen[-1] == "InProgress"
    assert set(seen) == {"Open", "InProgress"}


# ---- the ends of the range (issue 23) -----------------------------------------------------------------------
def test_latency_and_retries_with_the_clock_at_its_end_still_answer() -> None:
    """Waits the fake makes itself stop the clock at its end: every request is still answered (no 500)."""
    import boto3
    from botocore.config import Config

    from pytest_chime_proxy.core.domain.clock import END, LATEST

    with ChimeProxyMock(clock=Clock(LATEST)) as mock:
        vc = mock.create_voice_connector()
        mock.inject("GetVoiceConnector", latency=86400, times=None)
        mock.inject("ListVoiceConnectors", error="ServiceFailureException", times=2)
        client = boto3.client("chime-sdk-voice", region_name="us-east-1", config=Config(read_timeout=10**6))
        for _ in range(400):  # 400 days of latency from a clock 304 days from its end
            assert client.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]["VoiceConnectorId"] == vc
        assert client.list_voice_connectors()["VoiceConnectors"]
        made = client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
        )["ProxySession"]
        assert made["ExpiryMinutes"] == 60
        assert mock.clock.now() == END
        assert {c.status for c in mock.calls} <= {200, 201, 500}


@pytest.mark.parametrize("move", ["advance", "set"])
def test_a_move_past_the_end_is_refused_and_changes_nothing(move: str) -> None:
    from pytest_chime_proxy.core.domain.clock import LATEST

    clock = Clock(LATEST - timedelta(seconds=10))
    with pytest.raises(ValueError, match="cannot show"):
        clock.advance(seconds=11) if move == "advance" else clock.set(LATEST + timedelta(seconds=1))
    assert clock.now() == LATEST - timedelta(seconds=10)


@pytest.mark.parametrize(
    "delay", [1e12, 30 * 86400 + 1, float("inf"), float("nan"), -1, timedelta(days=31), timedelta(-1)]
)
def test_an_order_delay_outside_its_range_is_refused_before_anything_is_built(delay: Any) -> None:
    from pytest_chime_proxy import OptionsError

    with pytest.raises(OptionsError, match="order_delay"):
        ChimeProxyMock(order_delay=delay)


def test_the_longest_order_delay_works_at_the_end_of_the_clock() -> None:
    import boto3
    from botocore.config import Config

    from pytest_chime_proxy.core.domain.clock import LATEST

    with ChimeProxyMock(clock=Clock(LATEST), order_delay=timedelta(days=30)) as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1", config=Config(read_timeout=10**6))
        order = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=["+12065550123"])
        mock.inject("*", latency=86400, times=None)
        for _ in range(40):
            got = client.get_phone_number_order(PhoneNumberOrderId=order["PhoneNumberOrder"]["PhoneNumberOrderId"])
        assert got["PhoneNumberOrder"]["Status"] in ("Processing", "Successful")
