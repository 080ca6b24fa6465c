"""Proxy-number selection as documented: sticky behaviour, geographic matching, no shared proxy numbers.

Documented (CreateProxySession): NumberSelectionBehavior PreferSticky / AvoidSticky; GeoMatchLevel Country /
AreaCode with GeoMatchParams, both worded as preferences. Assumptions of the fake, tested as such: without a
NumberSelectionBehavior the fake prefers sticky; otherwise it takes the lowest free number of the pool;
without GeoMatchParams the geographic match is made against the first participant (request order); a geo
match that cannot be met falls back (area code, then country, then any pool number); a connector with no
numbers of its pool countries gets fictional numbers on demand; a pool with no free number at all is a 400
BadRequestException. A number proxying a participant on one connector is busy for them on every connector of
the region, and nobody is given their own number.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

A, B, C, D, E = "+14015550101", "+12065550100", "+13125550102", "+16175550103", "+17185550104"
N1, N2, N3 = "+19135550101", "+19135550102", "+19135550103"  # sorted: N1 is the fake's first pick
GB_NUMBER = "+442079460111"  # London
# Numbers outside the US cannot be associated with a connector (they are SipMediaApplicationDialIn numbers):
# its CA and GB proxy numbers are the service's on-demand ones, the first of each fictional range
CA_ON_DEMAND = "+16045550100"  # Vancouver, +1 604: Canada
GB_ON_DEMAND = "+442079460000"  # London, Ofcom's drama range
SEATTLE = "+12065550112"  # +1 206, US


def _proxy(client: Any, vc: str, participants: list[str], **extra: Any) -> str:
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=participants, Capabilities=["Voice"], **extra
    )["ProxySession"]
    assert len({p["ProxyPhoneNumber"] for p in session["Participants"]}) == 1  # one number for both
    return session["Participants"][0]["ProxyPhoneNumber"]


def _session_id(client: Any, vc: str, participants: list[str], **extra: Any) -> tuple[str, str]:
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=participants, Capabilities=["Voice"], **extra
    )["ProxySession"]
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


def test_avoid_sticky_falls_back_to_the_sticky_number_when_it_is_the_only_free_one(
    client: Any, chime_proxy: Any
) -> None:
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
    vc = chime_proxy.create_voice_connector([N1], countries=["GB"])
    assert _proxy(client, vc, [A, B]) == GB_ON_DEMAND  # N1 is a US number; the pool is GB's


def test_a_pool_of_associated_numbers_is_exhausted_without_on_demand_numbers(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([N1], countries=["US"])
    assert _proxy(client, vc, [A, B]) == N1
    with pytest.raises(client.exceptions.BadRequestException, match="exhausted"):
        _proxy(client, vc, [A, C])


def test_a_number_outside_the_us_cannot_join_a_connector_pool(chime_proxy: Any) -> None:
    """CreatePhoneNumberOrder's reference: numbers outside the US are SipMediaApplicationDialIn numbers, which
    a voice connector cannot take; the helper says so and leaves nothing behind."""
    with pytest.raises(ValueError, match="outside the US.*countries="):
        chime_proxy.create_voice_connector([N1, GB_NUMBER])
    assert chime_proxy.backend.account(chime_proxy.account).voice_connectors == {}


def test_a_connector_without_numbers_of_its_countries_gets_them_on_demand(client: Any, chime_proxy: Any) -> None:
    """No US number is associated: fictional US numbers (555-01xx, in A's area code 401) are used."""
    vc = chime_proxy.create_voice_connector([], countries=["US"])
    assert _proxy(client, vc, [A, B]) == "+14015550100"
    assert _proxy(client, vc, [A, C]) == "+14015550102"  # 0100 is busy for A, and 0101 is A itself


def test_countries_without_a_fictional_range_give_no_proxy_numbers(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([], countries=["DE"])
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        _proxy(client, vc, [A, B])
    message = excinfo.value.response["Error"]["Message"]
    assert "DE" in message and "associate US numbers" in message
    assert client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []


# ---- nobody proxies themselves; the busy rule spans the region's connectors ----------------------------------
def test_a_participant_that_is_a_pool_number_never_gets_itself(client: Any, vc: str) -> None:
    assert _proxy(client, vc, [N1, A]) == N2
    assert _proxy(client, vc, [B, N1]) == N3  # not itself, whichever side it is on; N2 already proxies it


def test_a_number_busy_for_a_participant_on_one_connector_is_busy_on_another(client: Any, chime_proxy: Any) -> None:
    first, second = chime_proxy.create_voice_connector([]), chime_proxy.create_voice_connector([])
    assert _proxy(client, first, [A, B]) == "+14015550100"
    assert _proxy(client, second, [A, C]) == "+14015550102"  # A already talks through 0100 on ``first``
    assert _proxy(client, second, [D, E]) == "+16175550100"  # other people: the range starts again


def test_a_number_moved_to_another_connector_leaves_its_sessions_behind_closed(client: Any, chime_proxy: Any) -> None:
    """Disassociating a number ends the sessions it proxies (README, "Assumptions"), so once moved it is free
    again for their participants on its new connector."""
    first = chime_proxy.create_voice_connector([N1])
    second = chime_proxy.create_voice_connector([N2])
    session, proxy = _session_id(client, first, [A, B])
    assert proxy == N1
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=second, E164PhoneNumbers=[N2])
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=first, E164PhoneNumbers=[N1])
    client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=second, E164PhoneNumbers=[N1])
    ended = client.get_proxy_session(VoiceConnectorId=first, ProxySessionId=session)["ProxySession"]
    assert ended["Status"] == "Closed"
    assert _proxy(client, second, [A, C]) == N1


def test_connectors_of_another_region_do_not_count(chime_proxy: Any) -> None:
    east = chime_proxy.create_voice_connector([], region="us-east-1")
    west = chime_proxy.create_voice_connector([], region="us-west-2")
    east_client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    west_client = boto3.client("chime-sdk-voice", region_name="us-west-2")
    assert _proxy(east_client, east, [A, B]) == _proxy(west_client, west, [A, C]) == "+14015550100"


# ---- the on-demand pool -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("countries", "participants", "extra", "expected"),
    [
        (["US"], [A, B], {}, "+14015550100"),  # the first participant's area code
        (["US"], [A, B], {"GeoMatchParams": {"Country": "US", "AreaCode": "205"}}, "+12055550100"),
        (["US", "CA"], [A, B], {"GeoMatchParams": {"Country": "CA", "AreaCode": ""}}, "+16045550100"),
        (["US"], [GB_NUMBER, A], {}, "+19135550100"),  # a GB participant: the US default area code
        (["GB"], [A, B], {}, "+442079460000"),  # Ofcom's drama range
        (["US"], [A, B], {"GeoMatchParams": {"Country": "GB", "AreaCode": ""}}, "+14015550100"),  # GB not pooled
        (["US"], [A, B], {"GeoMatchParams": {"Country": "US", "AreaCode": "604"}}, "+14015550100"),  # 604 is CA
    ],
)
def test_on_demand_numbers_are_fictional_and_follow_country_and_area_code(
    client: Any, chime_proxy: Any, countries: list[str], participants: list[str], extra: dict[str, Any], expected: str
) -> None:
    vc = chime_proxy.create_voice_connector([], countries=countries)
    assert _proxy(client, vc, participants, **extra) == expected
    assert client.list_phone_numbers()["PhoneNumbers"] == []  # the service's numbers, not the account's


@pytest.mark.chime_proxy(on_demand_pool_size=2)
def test_on_demand_pool_exhaustion_is_a_clear_bad_request_and_changes_nothing(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([], countries=["US"])
    params = {"GeoMatchParams": {"Country": "US", "AreaCode": "205"}}
    assert {_proxy(client, vc, [A, B], **params), _proxy(client, vc, [A, C], **params)} == {
        "+12055550100",
        "+12055550101",
    }
    # 205 is full for A: a preference, so another area code of the country serves
    assert _proxy(client, vc, [A, D], **params) == "+14015550100"
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:  # 401's other number is A itself
        _proxy(client, vc, [A, E], **params)
    message = excinfo.value.response["Error"]["Message"]
    assert "exhausted" in message and vc in message and A in message
    assert len(client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"]) == 3


# ---- geographic matching ------------------------------------------------------------------------------------
@pytest.fixture
def world_vc(chime_proxy: Any) -> str:
    return chime_proxy.create_voice_connector([N1, SEATTLE], countries=["CA", "GB", "US"])


@pytest.mark.parametrize(
    ("country", "expected"), [("GB", {GB_ON_DEMAND}), ("CA", {CA_ON_DEMAND}), ("US", {N1, SEATTLE})]
)
def test_geo_country_with_params_picks_that_country(
    client: Any, world_vc: str, country: str, expected: set[str]
) -> None:
    session = client.create_proxy_session(
        VoiceConnectorId=world_vc,
        ParticipantPhoneNumbers=[A, B],
        Capabilities=["Voice"],
        GeoMatchLevel="Country",
        GeoMatchParams={"Country": country, "AreaCode": ""},
    )["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] in expected
    assert session["GeoMatchLevel"] == "Country"
    assert session["GeoMatchParams"] == {"Country": country, "AreaCode": ""}


def test_geo_country_without_params_matches_the_first_participant(client: Any, world_vc: str) -> None:
    assert _proxy(client, world_vc, ["+442079460999", A], GeoMatchLevel="Country") == GB_ON_DEMAND
    assert _proxy(client, world_vc, ["+16045550999", "+442079460999"], GeoMatchLevel="Country") == CA_ON_DEMAND


def test_geo_area_code_with_params_picks_that_area_code(client: Any, world_vc: str) -> None:
    proxy = _proxy(
        client, world_vc, [A, C], GeoMatchLevel="AreaCode", GeoMatchParams={"Country": "US", "AreaCode": "206"}
    )
    assert proxy == SEATTLE


def test_geo_area_code_without_params_matches_the_first_participant(client: Any, world_vc: str) -> None:
    assert _proxy(client, world_vc, [B, A], GeoMatchLevel="AreaCode") == SEATTLE  # B is a 206 number
    assert _proxy(client, world_vc, ["+16045550999", C], GeoMatchLevel="AreaCode") == CA_ON_DEMAND


def test_geo_match_params_alone_are_honoured(client: Any, world_vc: str) -> None:
    session = client.create_proxy_session(
        VoiceConnectorId=world_vc,
        ParticipantPhoneNumbers=[A, C],
        Capabilities=["Voice"],
        GeoMatchParams={"Country": "US", "AreaCode": "206"},
    )["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] == SEATTLE
    assert "GeoMatchLevel" not in session  # sent as null: nothing was asked for it


@pytest.mark.parametrize(
    ("participants", "level", "params", "expected"),
    [
        ([A, B], "Country", {"Country": "FR", "AreaCode": ""}, SEATTLE),  # no FR number: the lowest of the pool
        ([A, B], "AreaCode", {"Country": "US", "AreaCode": "415"}, SEATTLE),  # no 415: the lowest US number
        ([A, B], "AreaCode", None, SEATTLE),  # A is a 401 number; no 401 number in the pool: the lowest US one
        (["+442079460999", A], "AreaCode", {"Country": "GB", "AreaCode": "415"}, GB_ON_DEMAND),  # GB has no area codes
    ],
)
def test_a_geo_match_that_cannot_be_met_falls_back(
    client: Any, world_vc: str, participants: list[str], level: str, params: dict[str, str] | None, expected: str
) -> None:
    """GeoMatchLevel is documented as "the preference for matching": the area code, else the country, else
    any number of the pool."""
    extra: dict[str, Any] = {"GeoMatchLevel": level}
    if params is not None:
        extra["GeoMatchParams"] = params
    assert _proxy(client, world_vc, participants, **extra) == expected


def test_geo_area_code_outside_the_nanp_falls_back_to_the_country(client: Any, world_vc: str) -> None:
    """Assumption (domain/geo.py): only +1 numbers have area codes, so an AreaCode match elsewhere is the
    country's."""
    assert _proxy(client, world_vc, ["+442079460999", A], GeoMatchLevel="AreaCode") == GB_ON_DEMAND


def test_geo_match_respects_busy_numbers(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([N1, SEATTLE, "+12065550113"])
    first = _proxy(client, vc, [B, A], GeoMatchLevel="AreaCode")
    second = _proxy(client, vc, [B, C], GeoMatchLevel="AreaCode")
    assert {first, second} == {SEATTLE, "+12065550113"}
    assert _proxy(client, vc, [B, D], GeoMatchLevel="AreaCode") == N1  # both 206 numbers busy for B


# ---- the invariant, over random histories --------------------------------------------------------------------
PEOPLE = [A, B, C, D]


def _live(client: Any, vc: str) -> list[dict[str, Any]]:
    return [
        s
        for status in ("Open", "InProgress")
        for s in client.list_proxy_sessions(VoiceConnectorId=vc, Status=status)["ProxySessions"]
    ]


@settings(max_examples=30, deadline=None)
@given(
    pool_size=st.integers(1, 3),
    steps=st.lists(
        st.one_of(
            st.tuples(
                st.just("create"),
                st.sampled_from([(a, b) for a in PEOPLE for b in PEOPLE if a < b]),
                st.sampled_from([None, "PreferSticky", "AvoidSticky"]),
                st.integers(1, 30),
            ),
            st.tuples(st.just("delete"), st.integers(0, 10)),
            st.tuples(st.just("advance"), st.integers(1, 20)),
        ),
        max_size=15,
    ),
)
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
                busy = {
                    s["Participants"][0]["ProxyPhoneNumber"]
                    for s in _live(client, vc)
                    if {p["PhoneNumber"] for p in s["Participants"]} & set(pair)
                }
                try:
                    session = client.create_proxy_session(
                        VoiceConnectorId=vc,
                        ParticipantPhoneNumbers=list(pair),
                        Capabilities=["Voice"],
                        ExpiryMinutes=minutes,
                        **extra,
                    )
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
                for t in live[i + 1 :]:
                    people = {p["PhoneNumber"] for p in s["Participants"]}
                    if people & {p["PhoneNumber"] for p in t["Participants"]}:
                        assert s["Participants"][0]["ProxyPhoneNumber"] != t["Participants"][0]["ProxyPhoneNumber"]
