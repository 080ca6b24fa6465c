"""Proxy-number selection as documented: sticky behaviour, geographic matching, no shared proxy numbers.

Documented (CreateProxySession): NumberSelectionBehavior PreferSticky / AvoidSticky; GeoMatchLevel Country /
AreaCode with GeoMatchParams. Assumptions of the fake, tested as such: without a NumberSelectionBehavior the
fake prefers sticky; otherwise it takes the lowest free number of the pool; without GeoMatchParams the
geographic match is made against the first participant (request order); a pool without a fitting free number
is a 400 BadRequestException.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

A, B, C, D, E = "+14015550101", "+12065550100", "+13125550102", "+16175550103", "+17185550104"
N1, N2, N3 = "+19135550101", "+19135550102", "+19135550103"  # sorted: N1 is the fake's first pick
CA_NUMBER = "+16045550110"  # Vancouver, +1 604: Canada
GB_NUMBER = "+442079460111"  # London
SEATTLE = "+12065550112"  # +1 206, US


def _proxy(client: Any, vc: str, participants: list[str], **extra: Any) -> str:
    session = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=participants,
                                          Capabilities=["Voice"], **extra)["ProxySession"]
    assert len({p["ProxyPhoneNumber"] for p in session["Participants"]}) == 1  # one number for both
    return session["Participants"][0]["ProxyPhoneNumber"]


def _session_id(client: Any, vc: str, participants: list[str], **extra: Any) -> tuple[str, str]:
    session = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=participants,
                                          Capabilities=["Voice"], **extra)["ProxySession"]
    return session["ProxySessionId"], session["Participants"][0]["ProxyPhoneNumber"]


@pytest.fixture
def vc(chime_proxy: Any) -> str:
    return chime_proxy.create_voice_connector([N3, N1, N2])


# ---- sticky ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("behavior", [{"NumberSelectionBehavior": "PreferSticky"}, {}], ids=["PreferSticky", "default"])
def test_prefer_sticky_reuses_the_pairs_previous_number(client: Any, vc: str, behavior: dict[str, str]) -> None:
    blocker, first_pick = _session_id(client, vc, [A, C])
    earlier, sticky = _session_id(client, vc, [A, B])
    assert sticky != first_pick  # A was busy on the first pick, so the pair got another number
    for session in (blocker, earlier):
        client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=session)
    assert _proxy(client, vc, [B, A], **behavior) == sticky  # same pair, either order: same number


def test_avoid_sticky_takes_another_free_number(client: Any, vc: str) -> None:
    earlier, sticky = _session_id(client, vc, [A, B])
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=earlier)
    fresh = _proxy(client, vc, [A, B], NumberSelectionBehavior="AvoidSticky")
    assert fresh != sticky
    assert fresh in {N1, N2, N3}


def test_avoid_sticky_falls_back_to_the_sticky_number_when_it_is_the_only_free_one(client: Any,
                                                                                  chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([N1])
    earlier, sticky = _session_id(client, vc, [A, B])
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=earlier)
    assert _proxy(client, vc, [A, B], NumberSelectionBehavior="AvoidSticky") == sticky == N1


def test_stickiness_is_per_pair(client: Any, vc: str) -> None:
    blocker, _ = _session_id(client, vc, [A, C])
    earlier, sticky_ab = _session_id(client, vc, [A, B])
    for session in (blocker, earlier):
        client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=session)
    assert _proxy(client, vc, [D, E], NumberSelectionBehavior="PreferSticky") != sticky_ab


# ---- never a number already proxying a participant --------------------------------------------------------
def test_a_participant_never_gets_the_same_proxy_number_twice(client: Any, vc: str) -> None:
    first = _proxy(client, vc, [A, B])
    second = _proxy(client, vc, [A, C])  # A already talks through ``first``
    third = _proxy(client, vc, [C, D])  # C already talks through ``second``
    assert second != first
    assert third != second
    assert third == first  # neither C nor D talks through ``first``: it is free for them


def test_sessions_without_common_participants_share_numbers(client: Any, vc: str) -> None:
    assert _proxy(client, vc, [A, B]) == _proxy(client, vc, [C, D])


def test_a_closed_session_frees_its_number(client: Any, chime_proxy: Any, vc: str) -> None:
    short = _proxy(client, vc, [A, B], ExpiryMinutes=1)
    assert _proxy(client, vc, [A, C]) != short
    chime_proxy.clock.advance(minutes=2)
    assert _proxy(client, vc, [A, D]) == short


def test_pool_exhausted_is_a_clear_bad_request_and_changes_nothing(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([N1, N2])
    busy = {_proxy(client, vc, [A, B]), _proxy(client, vc, [A, C])}
    assert busy == {N1, N2}
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=[A, D], Capabilities=["Voice"])
    message = excinfo.value.response["Error"]["Message"]
    assert "exhausted" in message and vc in message
    assert len(client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"]) == 2


def test_deleting_a_session_frees_the_pool(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([N1])
    session, _ = _session_id(client, vc, [A, B])
    with pytest.raises(client.exceptions.BadRequestException):
        _proxy(client, vc, [A, C])
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=session)
    assert _proxy(client, vc, [A, C]) == N1


def test_numbers_outside_the_pool_countries_are_never_used(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([GB_NUMBER, N1], countries=["US"])
    assert _proxy(client, vc, [A, B]) == N1
    with pytest.raises(client.exceptions.BadRequestException, match="exhausted"):
        _proxy(client, vc, [A, C])


def test_a_pool_without_numbers_of_its_countries_says_so(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([GB_NUMBER], countries=["US"])
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        _proxy(client, vc, [A, B])
    assert "US" in excinfo.value.response["Error"]["Message"]


# ---- geographic matching ------------------------------------------------------------------------------------
@pytest.fixture
def world_vc(chime_proxy: Any) -> str:
    return chime_proxy.create_voice_connector([N1, SEATTLE, CA_NUMBER, GB_NUMBER])


@pytest.mark.parametrize(("country", "expected"), [("GB", {GB_NUMBER}), ("CA", {CA_NUMBER}), ("US", {N1, SEATTLE})])
def test_geo_country_with_params_picks_that_country(client: Any, world_vc: str, country: str,
                                                    expected: set[str]) -> None:
    session = client.create_proxy_session(VoiceConnectorId=world_vc, ParticipantPhoneNumbers=[A, B],
                                          Capabilities=["Voice"], GeoMatchLevel="Country",
                                          GeoMatchParams={"Country": country, "AreaCode": ""})["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] in expected
    assert session["GeoMatchLevel"] == "Country"
    assert session["GeoMatchParams"] == {"Country": country, "AreaCode": ""}


def test_geo_country_without_params_matches_the_first_participant(client: Any, world_vc: str) -> None:
    assert _proxy(client, world_vc, ["+442079460999", A], GeoMatchLevel="Country") == GB_NUMBER
    assert _proxy(client, world_vc, ["+16045550999", "+442079460999"], GeoMatchLevel="Country") == CA_NUMBER


def test_geo_area_code_with_params_picks_that_area_code(client: Any, world_vc: str) -> None:
    proxy = _proxy(client, world_vc, [A, C], GeoMatchLevel="AreaCode",
                   GeoMatchParams={"Country": "US", "AreaCode": "206"})
    assert proxy == SEATTLE


def test_geo_area_code_without_params_matches_the_first_participant(client: Any, world_vc: str) -> None:
    assert _proxy(client, world_vc, [B, A], GeoMatchLevel="AreaCode") == SEATTLE  # B is a 206 number
    assert _proxy(client, world_vc, ["+16045550999", C], GeoMatchLevel="AreaCode") == CA_NUMBER


@pytest.mark.parametrize(("level", "params", "named"), [
    ("Country", {"Country": "FR", "AreaCode": ""}, "FR"),
    ("AreaCode", {"Country": "US", "AreaCode": "415"}, "415"),
    ("AreaCode", None, "401"),  # A, the first participant, is a 401 number; no 401 number in the pool
])
def test_geo_match_that_fits_nothing_is_a_clear_bad_request(client: Any, world_vc: str, level: str,
                                                             params: dict[str, str] | None, named: str) -> None:
    extra: dict[str, Any] = {"GeoMatchLevel": level}
    if params is not None:
        extra["GeoMatchParams"] = params
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        _proxy(client, world_vc, [A, B], **extra)
    message = excinfo.value.response["Error"]["Message"]
    assert named in message and "GeoMatchLevel" in message
    assert client.list_proxy_sessions(VoiceConnectorId=world_vc)["ProxySessions"] == []


def test_geo_area_code_outside_the_nanp_never_matches(client: Any, world_vc: str) -> None:
    """Assumption (domain/geo.py): only +1 numbers have area codes, so AreaCode matching fails elsewhere."""
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        _proxy(client, world_vc, ["+442079460999", A], GeoMatchLevel="AreaCode")
    message = excinfo.value.response["Error"]["Message"]
    assert "GeoMatchLevel AreaCode" in message and "+442079460999 has none" in message
    assert _proxy(client, world_vc, ["+442079460999", A], GeoMatchLevel="Country") == GB_NUMBER


def test_geo_match_respects_busy_numbers(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([N1, SEATTLE, "+12065550113"])
    first = _proxy(client, vc, [B, A], GeoMatchLevel="AreaCode")
    second = _proxy(client, vc, [B, C], GeoMatchLevel="AreaCode")
    assert {first, second} == {SEATTLE, "+12065550113"}
    with pytest.raises(client.exceptions.BadRequestException, match="206"):
        _proxy(client, vc, [B, D], GeoMatchLevel="AreaCode")


# ---- the invariant, over random histories --------------------------------------------------------------------
PEOPLE = [A, B, C, D]


def _live(client: Any, vc: str) -> list[dict[str, Any]]:
    return [s for status in ("Open", "InProgress")
            for s in client.list_proxy_sessions(VoiceConnectorId=vc, Status=status)["ProxySessions"]]


@settings(max_examples=30, deadline=None)
@given(pool_size=st.integers(1, 3), steps=st.lists(st.one_of(
    st.tuples(st.just("create"), st.sampled_from([(a, b) for a in PEOPLE for b in PEOPLE if a < b]),
              st.sampled_from([None, "PreferSticky", "AvoidSticky"]), st.integers(1, 30)),
    st.tuples(st.just("delete"), st.integers(0, 10)),
    st.tuples(st.just("advance"), st.integers(1, 20)),
), max_size=15))
def test_no_live_sessions_ever_share_a_participant_and_a_proxy_number(pool_size: int, steps: list[Any]) -> None:
    """Whatever the history, live sessions sharing a participant have different proxy numbers, and a refusal
    happens only when every pool number is busy for one of the two participants."""
    import boto3

    from pytest_chime_proxy import mock_chime_proxy

    pool = [N1, N2, N3][:pool_size]
    with mock_chime_proxy() as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        vc = mock.create_voice_connector(pool)
        created: list[str] = []
        for step in steps:
            if step[0] == "create":
                _, pair, behavior, minutes = step
                extra = {"NumberSelectionBehavior": behavior} if behavior else {}
                busy = {s["Participants"][0]["ProxyPhoneNumber"] for s in _live(client, vc)
                        if {p["PhoneNumber"] for p in s["Participants"]} & set(pair)}
                try:
                    session = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=list(pair),
                                                          Capabilities=["Voice"], ExpiryMinutes=minutes, **extra)
                except client.exceptions.BadRequestException:
                    assert busy >= set(pool)  # refused only when nothing was free
                    continue
                proxy = session["ProxySession"]["Participants"][0]["ProxyPhoneNumber"]
                assert proxy in set(pool) - busy
                created.append(session["ProxySession"]["ProxySessionId"])
            elif step[0] == "delete" and created:
                client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=created.pop(step[1] % len(created)))
            elif step[0] == "advance":
                mock.clock.advance(minutes=step[1])
            live = _live(client, vc)
            for i, s in enumerate(live):
                for t in live[i + 1:]:
                    people = {p["PhoneNumber"] for p in s["Participants"]}
                    if people & {p["PhoneNumber"] for p in t["Participants"]}:
                        assert s["Participants"][0]["ProxyPhoneNumber"] != t["Participants"][0]["ProxyPhoneNumber"]
