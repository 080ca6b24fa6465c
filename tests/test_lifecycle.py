"""Session lifecycle: Open on create, Closed once ExpiryMinutes have passed, moved by the mock's clock.

Assumptions of the fake (the documentation gives the statuses, not the timing), tested as such: a session
closes at CreatedTimestamp + ExpiryMinutes, with EndedTimestamp (and UpdatedTimestamp) at that instant;
an updated ExpiryMinutes still counts from creation; a closed session can be read and listed but not
updated.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from helpers import PAIR

START = datetime(2024, 3, 1, 12, 0, 0, 125000, tzinfo=timezone.utc)


@pytest.fixture
def vc(chime_proxy: Any) -> str:
    chime_proxy.clock.set(START)
    return chime_proxy.create_voice_connector(["+19135550199", "+19135550198"])


def _create(client: Any, vc: str, **extra: Any) -> dict[str, Any]:
    return client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"], **extra
    )["ProxySession"]


def _get(client: Any, vc: str, session: dict[str, Any]) -> dict[str, Any]:
    return client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])["ProxySession"]


def test_open_until_expiry_then_closed(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=10)
    assert session["Status"] == "Open" and "EndedTimestamp" not in session
    chime_proxy.clock.advance(minutes=9, seconds=59)
    assert _get(client, vc, session)["Status"] == "Open"
    chime_proxy.clock.advance(seconds=1)
    closed = _get(client, vc, session)
    assert closed["Status"] == "Closed"
    assert closed["EndedTimestamp"] == START + timedelta(minutes=10)


def test_default_expiry_closes_after_sixty_one_minutes(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc)
    assert session["ExpiryMinutes"] == 60
    chime_proxy.clock.advance(minutes=61)
    closed = _get(client, vc, session)
    assert closed["Status"] == "Closed"
    assert closed["EndedTimestamp"] == START + timedelta(minutes=60)


def test_ended_timestamp_on_the_wire_is_iso_with_milliseconds(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=1)
    chime_proxy.clock.advance(hours=2)
    _get(client, vc, session)
    raw = json.loads(chime_proxy.calls[-1].response.body)["ProxySession"]
    assert raw["Status"] == "Closed"
    assert raw["CreatedTimestamp"] == "2024-03-01T12:00:00.125Z"
    assert raw["EndedTimestamp"] == "2024-03-01T12:01:00.125Z"


def test_expiry_is_seen_by_list_and_its_status_filter(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=5)
    chime_proxy.clock.advance(timedelta(minutes=6))
    closed = client.list_proxy_sessions(VoiceConnectorId=vc, Status="Closed")["ProxySessions"]
    assert [s["ProxySessionId"] for s in closed] == [session["ProxySessionId"]]
    assert closed[0]["EndedTimestamp"] == START + timedelta(minutes=5)
    assert client.list_proxy_sessions(VoiceConnectorId=vc, Status="Open")["ProxySessions"] == []


def test_update_extends_expiry_counted_from_creation(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=10)
    chime_proxy.clock.advance(minutes=5)
    client.update_proxy_session(
        VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"], Capabilities=["Voice"], ExpiryMinutes=30
    )
    chime_proxy.clock.advance(minutes=10)  # 15 minutes after creation: past the old expiry, not the new
    assert _get(client, vc, session)["Status"] == "Open"
    chime_proxy.clock.advance(minutes=15)  # 30 minutes after creation
    closed = _get(client, vc, session)
    assert closed["Status"] == "Closed" and closed["EndedTimestamp"] == START + timedelta(minutes=30)


def test_a_closed_session_cannot_be_updated(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=1)
    chime_proxy.clock.advance(minutes=2)
    with pytest.raises(client.exceptions.BadRequestException, match="Closed"):
        client.update_proxy_session(
            VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"], Capabilities=["SMS"], ExpiryMinutes=500
        )
    after = _get(client, vc, session)
    assert after["Status"] == "Closed" and after["Capabilities"] == ["Voice"] and after["ExpiryMinutes"] == 1


def test_a_closed_session_can_still_be_deleted(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=1)
    chime_proxy.clock.advance(minutes=2)
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])
    with pytest.raises(client.exceptions.NotFoundException):
        _get(client, vc, session)


def test_in_progress_sessions_close_on_expiry_too(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _create(client, vc, ExpiryMinutes=3)
    chime_proxy.clock.advance(minutes=1)
    chime_proxy.simulate_activity(vc, session["ProxySessionId"])
    in_progress = _get(client, vc, session)
    assert in_progress["Status"] == "InProgress"
    assert in_progress["UpdatedTimestamp"] == START + timedelta(minutes=1)
    chime_proxy.clock.advance(minutes=2)
    assert _get(client, vc, session)["Status"] == "Closed"


def test_simulated_activity_on_a_closed_session_is_refused(chime_proxy: Any, chime_sdk_voice: Any, vc: str) -> None:
    session = _create(chime_sdk_voice, vc, ExpiryMinutes=1)
    chime_proxy.clock.advance(minutes=1)
    with pytest.raises(Exception, match="Closed"):
        chime_proxy.simulate_activity(vc, session["ProxySessionId"])


def test_the_unpinned_clock_follows_real_time_plus_the_advance(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    vc = chime_proxy.create_voice_connector(["+19135550199"])
    chime_proxy.clock.advance(days=3)
    session = _create(chime_sdk_voice, vc)
    lag = session["CreatedTimestamp"] - (datetime.now(timezone.utc) + timedelta(days=3))
    assert abs(lag) < timedelta(minutes=1)


def test_the_clock_refuses_to_go_backwards(chime_proxy: Any) -> None:
    with pytest.raises(ValueError, match="forward"):
        chime_proxy.clock.advance(minutes=-1)
