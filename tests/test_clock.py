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
