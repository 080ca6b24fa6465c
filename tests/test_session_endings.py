"""What happens to open sessions when what carries them goes (README, "Assumptions"): deleting the connector's
proxy configuration closes its live sessions; disassociating a number closes the sessions it proxies; both at
the moment of the change. Sessions already closed keep their end; other numbers' sessions stay open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

POOL = ["+19135550101", "+19135550102"]
A, B, C = "+14015550101", "+12065550100", "+13125550102"


@pytest.fixture
def vc(chime_proxy: Any) -> str:
    return chime_proxy.create_voice_connector(POOL)


def _session(client: Any, vc: str, pair: list[str], **extra: Any) -> dict[str, Any]:
    return client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=pair, Capabilities=["Voice"], **extra
    )["ProxySession"]


def test_deleting_the_proxy_configuration_closes_live_sessions(client: Any, chime_proxy: Any, vc: str) -> None:
    short = _session(client, vc, [A, B], ExpiryMinutes=1)
    chime_proxy.clock.advance(timedelta(minutes=2))  # expired: closed at its expiry
    open_ = _session(client, vc, [A, C])
    chime_proxy.simulate_activity(vc, open_["ProxySessionId"])
    chime_proxy.clock.advance(seconds=30)
    before = chime_proxy.clock.now() - timedelta(milliseconds=1)  # timestamps carry milliseconds
    client.delete_voice_connector_proxy(VoiceConnectorId=vc)
    after = chime_proxy.clock.now()

    ended = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=open_["ProxySessionId"])["ProxySession"]
    assert ended["Status"] == "Closed"
    assert ended["EndedTimestamp"] == ended["UpdatedTimestamp"]
    assert before <= ended["EndedTimestamp"] <= after
    expired = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=short["ProxySessionId"])["ProxySession"]
    assert expired["EndedTimestamp"] == expired["CreatedTimestamp"] + timedelta(minutes=1)
    assert client.list_proxy_sessions(VoiceConnectorId=vc, Status="Open")["ProxySessions"] == []


def test_a_refused_delete_closes_nothing(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(POOL, proxy=False)
    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_voice_connector_proxy(VoiceConnectorId=vc)


def test_disassociating_a_number_closes_the_sessions_it_proxies(client: Any, chime_proxy: Any, vc: str) -> None:
    first = _session(client, vc, [A, B])
    second = _session(client, vc, [A, C])  # the first number is busy for A: the second one
    assert {first["Participants"][0]["ProxyPhoneNumber"], second["Participants"][0]["ProxyPhoneNumber"]} == set(POOL)
    gone = first["Participants"][0]["ProxyPhoneNumber"]
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=[gone])

    def status(session: dict[str, Any]) -> str:
        found = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])
        return str(found["ProxySession"]["Status"])

    assert status(first) == "Closed" and status(second) == "Open"
    # the freed participant can be proxied again by the remaining number once it is free
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=second["ProxySessionId"])
    assert _session(client, vc, [A, B])["Participants"][0]["ProxyPhoneNumber"] != gone


def test_a_refused_disassociation_closes_nothing(client: Any, chime_proxy: Any, vc: str) -> None:
    session = _session(client, vc, [A, B])
    other = chime_proxy.create_voice_connector(["+19135550103"])
    result = client.disassociate_phone_numbers_from_voice_connector(
        VoiceConnectorId=other, E164PhoneNumbers=[session["Participants"][0]["ProxyPhoneNumber"]]
    )
    assert [e["ErrorCode"] for e in result["PhoneNumberErrors"]] == ["NotFound"]
    got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session["ProxySessionId"])["ProxySession"]
    assert got["Status"] == "Open"
