"""The eight proxy operations, through real boto3 clients of both namespaces.

Every test runs once per namespace (the ``client`` fixture): ``chime-sdk-voice`` everywhere, legacy
``chime`` where botocore still models the proxy operations (botocore <= 1.37.1), skipped elsewhere.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest

# The documented sample response of CreateProxySession (REST reference, seeds/001), byte for byte.
DOCUMENTED_SAMPLE = (
    '{"ProxySession":{"Capabilities":["SMS","Voice"],"CreatedTimestamp":"2020-04-15T16:10:10.288Z",'
    '"EndedTimestamp":null,"ExpiryMinutes":60,"GeoMatchLevel":null,"GeoMatchParams":null,"Name":null,'
    '"NumberSelectionBehavior":null,"Participants":[{"PhoneNumber":"+12065550100","ProxyPhoneNumber":'
    '"+19135550199"},{"PhoneNumber":"+14015550101","ProxyPhoneNumber":"+19135550199"}],"ProxySessionId":'
    '"123a4bc5-67d8-901e-2f3g-h4ghjk56789l","Status":"Open","UpdatedTimestamp":"2020-04-15T16:10:10.288Z",'
    '"VoiceConnectorId":"abcdef1ghij2klmno3pqr4"}}'
)
DOCUMENTED_PAGE_CAP = {"chime": 99, "chime-sdk-voice": 100}  # ListProxySessions MaxResults in each model
# The documented sample's participants and proxy number.
SAMPLE_PARTICIPANTS = ["+14015550101", "+12065550100"]
SAMPLE_PROXY_NUMBER = "+19135550199"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def vc(chime_proxy: Any) -> str:
    """A ready voice connector with three US numbers in its pool."""
    return chime_proxy.create_voice_connector([SAMPLE_PROXY_NUMBER, "+19135550198", "+19135550197"])


def _pair(i: int) -> list[str]:
    return [f"+1401555{i:04d}", f"+1206555{i:04d}"]


def _raw(chime_proxy: Any) -> Any:
    """The JSON body of the last answer, keys in the order they were sent."""
    return json.loads(chime_proxy.calls[-1].response.body, object_pairs_hook=lambda pairs: pairs)


def _assert_keys_sorted(node: Any) -> None:
    if isinstance(node, list) and node and all(isinstance(p, tuple) for p in node):  # an object's pairs
        keys = [k for k, _ in node]
        assert keys == sorted(keys)
        for _, value in node:
            _assert_keys_sorted(value)
    elif isinstance(node, list):
        for item in node:
            _assert_keys_sorted(item)


# ---- CreateProxySession -------------------------------------------------------------------------------------
def test_create_reproduces_the_documented_sample_byte_for_byte(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector([SAMPLE_PROXY_NUMBER])
    chime_proxy.clock.set("2020-04-15T16:10:10.288Z")
    client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=SAMPLE_PARTICIPANTS, Capabilities=["Voice", "SMS"]
    )
    answer = chime_proxy.calls[-1].response
    assert answer.status == 201
    session_id = answer.json()["ProxySession"]["ProxySessionId"]
    expected = DOCUMENTED_SAMPLE.replace("123a4bc5-67d8-901e-2f3g-h4ghjk56789l", session_id).replace(
        "abcdef1ghij2klmno3pqr4", vc
    )
    assert answer.body.decode() == expected


def test_create_body_shape_follows_the_documented_rules(client: Any, chime_proxy: Any, vc: str) -> None:
    result = client.create_proxy_session(
        VoiceConnectorId=vc,
        ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
        Capabilities=["Voice", "SMS"],
        Name="driver and rider",
        NumberSelectionBehavior="AvoidSticky",
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    raw = _raw(chime_proxy)
    _assert_keys_sorted(raw)
    session = json.loads(chime_proxy.calls[-1].response.body)["ProxySession"]
    assert set(session) == set(json.loads(DOCUMENTED_SAMPLE)["ProxySession"])  # every member, even unset ones
    assert session["EndedTimestamp"] is None and session["GeoMatchLevel"] is None
    assert session["GeoMatchParams"] is None
    assert session["Name"] == "driver and rider" and session["NumberSelectionBehavior"] == "AvoidSticky"
    assert session["Capabilities"] == ["SMS", "Voice"]
    numbers = [p["PhoneNumber"] for p in session["Participants"]]
    assert numbers == sorted(numbers) == ["+12065550100", "+14015550101"]
    assert len({p["ProxyPhoneNumber"] for p in session["Participants"]}) == 1
    assert ISO_MS.match(session["CreatedTimestamp"]) and session["CreatedTimestamp"] == session["UpdatedTimestamp"]


def test_create_timestamps_come_from_the_mock_clock(client: Any, chime_proxy: Any, vc: str) -> None:
    chime_proxy.clock.set("2031-01-02T03:04:05.678Z")
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=SAMPLE_PARTICIPANTS, Capabilities=["Voice"]
    )["ProxySession"]
    assert session["CreatedTimestamp"].isoformat().startswith("2031-01-02T03:04:05.678")
    assert session["CreatedTimestamp"].utcoffset() == timedelta(0)


def test_expiry_defaults_to_the_proxy_configuration(client: Any, chime_proxy: Any, vc: str) -> None:
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=15, PhoneNumberPoolCountries=["US"]
    )
    defaulted = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"]
    )["ProxySession"]
    explicit = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(2), Capabilities=["Voice"], ExpiryMinutes=5
    )["ProxySession"]
    assert defaulted["ExpiryMinutes"] == 15
    assert explicit["ExpiryMinutes"] == 5


def test_duplicate_capabilities_collapse(client: Any, vc: str) -> None:
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["SMS", "Voice", "SMS"]
    )["ProxySession"]
    assert session["Capabilities"] == ["SMS", "Voice"]


def test_participants_must_differ(client: Any, vc: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="two different"):
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "14015550101"], Capabilities=["Voice"]
        )


# ---- GetProxySession ----------------------------------------------------------------------------------------
def test_get_returns_what_create_returned(client: Any, vc: str) -> None:
    created = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"], Name="ride 42"
    )["ProxySession"]
    got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"])
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["ProxySession"] == created


def test_get_unknown_session_is_not_found(client: Any, vc: str) -> None:
    with pytest.raises(client.exceptions.NotFoundException) as excinfo:
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId="no-such-session")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "no-such-session" in excinfo.value.response["Error"]["Message"]


def test_session_of_another_connector_is_not_found(client: Any, chime_proxy: Any, vc: str) -> None:
    other = chime_proxy.create_voice_connector(["+19135550101"])
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"]
    )["ProxySession"]
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId=other, ProxySessionId=session["ProxySessionId"])


@pytest.mark.parametrize(
    "operation",
    [
        "create_proxy_session",
        "get_proxy_session",
        "list_proxy_sessions",
        "update_proxy_session",
        "delete_proxy_session",
        "put_voice_connector_proxy",
        "get_voice_connector_proxy",
        "delete_voice_connector_proxy",
    ],
)
def test_unknown_voice_connector_is_not_found_for_every_operation(client: Any, operation: str) -> None:
    unknown = "abcdef1ghij2klmno3pqr4"  # well-formed in both namespaces, never created
    arguments = {
        "create_proxy_session": {"ParticipantPhoneNumbers": SAMPLE_PARTICIPANTS, "Capabilities": ["Voice"]},
        "get_proxy_session": {"ProxySessionId": "s"},
        "list_proxy_sessions": {},
        "update_proxy_session": {"ProxySessionId": "s", "Capabilities": ["Voice"]},
        "delete_proxy_session": {"ProxySessionId": "s"},
        "put_voice_connector_proxy": {"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"]},
        "get_voice_connector_proxy": {},
        "delete_voice_connector_proxy": {},
    }[operation]
    with pytest.raises(client.exceptions.NotFoundException) as excinfo:
        getattr(client, operation)(VoiceConnectorId=unknown, **arguments)
    assert unknown in excinfo.value.response["Error"]["Message"]


# ---- ListProxySessions --------------------------------------------------------------------------------------
def _create(client: Any, vc: str, count: int, **extra: Any) -> list[str]:
    return [
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(i), Capabilities=["Voice"], **extra
        )["ProxySession"]["ProxySessionId"]
        for i in range(count)
    ]


def test_list_returns_every_session_in_creation_order(client: Any, vc: str) -> None:
    ids = _create(client, vc, 4)
    listed = client.list_proxy_sessions(VoiceConnectorId=vc)
    assert [s["ProxySessionId"] for s in listed["ProxySessions"]] == ids
    assert "NextToken" not in listed


def test_list_of_a_connector_without_sessions_is_empty(client: Any, vc: str) -> None:
    assert client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []


def test_list_filters_by_status(client: Any, chime_proxy: Any, vc: str) -> None:
    closing = _create(client, vc, 1, ExpiryMinutes=1)[0]
    in_progress, still_open = (
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(i), Capabilities=["Voice"], ExpiryMinutes=60
        )["ProxySession"]["ProxySessionId"]
        for i in (10, 11)
    )
    chime_proxy.simulate_activity(vc, in_progress)
    chime_proxy.clock.advance(minutes=2)

    def listed(status: str) -> list[str]:
        return [
            s["ProxySessionId"] for s in client.list_proxy_sessions(VoiceConnectorId=vc, Status=status)["ProxySessions"]
        ]

    assert listed("Closed") == [closing]
    assert listed("InProgress") == [in_progress]
    assert listed("Open") == [still_open]


def test_list_pages_with_max_results_and_next_token(client: Any, vc: str) -> None:
    ids = _create(client, vc, 5)
    seen: list[str] = []
    pages = []
    kwargs: dict[str, Any] = {"VoiceConnectorId": vc, "MaxResults": 2}
    while True:
        page = client.list_proxy_sessions(**kwargs)
        pages.append(len(page["ProxySessions"]))
        seen.extend(s["ProxySessionId"] for s in page["ProxySessions"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert pages == [2, 2, 1]
    assert seen == ids


def test_paging_survives_a_deletion_between_pages(client: Any, vc: str) -> None:
    ids = _create(client, vc, 4)
    first = client.list_proxy_sessions(VoiceConnectorId=vc, MaxResults=2)
    client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=ids[0])
    rest = client.list_proxy_sessions(VoiceConnectorId=vc, MaxResults=2, NextToken=first["NextToken"])
    assert [s["ProxySessionId"] for s in rest["ProxySessions"]] == ids[2:]


def test_list_status_filter_and_paging_combine(client: Any, chime_proxy: Any, vc: str) -> None:
    _create(client, vc, 2, ExpiryMinutes=1)
    later = [
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(i), Capabilities=["SMS"], ExpiryMinutes=90
        )["ProxySession"]["ProxySessionId"]
        for i in range(20, 23)
    ]
    chime_proxy.clock.advance(minutes=5)
    page = client.list_proxy_sessions(VoiceConnectorId=vc, Status="Open", MaxResults=2)
    rest = client.list_proxy_sessions(VoiceConnectorId=vc, Status="Open", MaxResults=2, NextToken=page["NextToken"])
    assert [s["ProxySessionId"] for s in page["ProxySessions"] + rest["ProxySessions"]] == later


def test_max_results_cap_differs_per_namespace(client: Any, namespace: str, vc: str) -> None:
    cap = DOCUMENTED_PAGE_CAP[namespace]
    model = client.meta.service_model.operation_model("ListProxySessions").input_shape.members["MaxResults"]
    assert model.metadata["max"] == cap  # the installed botocore model agrees with the documented cap
    assert client.list_proxy_sessions(VoiceConnectorId=vc, MaxResults=cap)["ProxySessions"] == []
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        client.list_proxy_sessions(VoiceConnectorId=vc, MaxResults=cap + 1)
    message = excinfo.value.response["Error"]["Message"]
    assert f"'{cap + 1}' at 'maxResults'" in message
    assert f"less than or equal to {cap}" in message


def test_without_max_results_a_page_holds_the_namespace_cap(client: Any, namespace: str, vc: str) -> None:
    """Assumption (no source says): without MaxResults a page holds the model's maximum for the namespace."""
    cap = DOCUMENTED_PAGE_CAP[namespace]
    ids = _create(client, vc, cap + 1)
    first = client.list_proxy_sessions(VoiceConnectorId=vc)
    assert len(first["ProxySessions"]) == cap
    rest = client.list_proxy_sessions(VoiceConnectorId=vc, NextToken=first["NextToken"])
    assert [s["ProxySessionId"] for s in first["ProxySessions"] + rest["ProxySessions"]] == ids
    assert "NextToken" not in rest


def test_a_malformed_next_token_is_a_bad_request(client: Any, vc: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="NextToken"):
        client.list_proxy_sessions(VoiceConnectorId=vc, NextToken="not-a-token")


# ---- UpdateProxySession -------------------------------------------------------------------------------------
def test_update_changes_capabilities_expiry_and_updated_timestamp(client: Any, chime_proxy: Any, vc: str) -> None:
    chime_proxy.clock.set("2024-05-06T07:08:09.000Z")
    created = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice", "SMS"]
    )["ProxySession"]
    chime_proxy.clock.advance(minutes=3)
    result = client.update_proxy_session(
        VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"], Capabilities=["Voice"], ExpiryMinutes=120
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    updated = result["ProxySession"]
    assert updated["Capabilities"] == ["Voice"]
    assert updated["ExpiryMinutes"] == 120
    assert updated["CreatedTimestamp"] == created["CreatedTimestamp"]
    assert updated["UpdatedTimestamp"] - created["UpdatedTimestamp"] == timedelta(minutes=3)
    assert updated["Participants"] == created["Participants"]
    got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"])["ProxySession"]
    assert got == updated


def test_update_without_expiry_keeps_it(client: Any, vc: str) -> None:
    created = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"], ExpiryMinutes=30
    )["ProxySession"]
    updated = client.update_proxy_session(
        VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"], Capabilities=["SMS", "Voice"]
    )["ProxySession"]
    assert updated["ExpiryMinutes"] == 30 and updated["Capabilities"] == ["SMS", "Voice"]


def test_shortening_below_the_elapsed_time_closes_the_session_now(client: Any, chime_proxy: Any, vc: str) -> None:
    """Assumption: the shortened session ends at once; its timestamps are the update's, never in the past."""
    chime_proxy.clock.set("2024-05-06T07:08:09.000Z")
    created = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"]
    )["ProxySession"]
    chime_proxy.clock.advance(minutes=8)
    result = client.update_proxy_session(
        VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"], Capabilities=["Voice"], ExpiryMinutes=5
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    updated = result["ProxySession"]
    now = created["CreatedTimestamp"] + timedelta(minutes=8)
    assert (updated["Status"], updated["ExpiryMinutes"]) == ("Closed", 5)
    assert updated["UpdatedTimestamp"] == updated["EndedTimestamp"] == now
    chime_proxy.clock.advance(minutes=1)
    got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"])["ProxySession"]
    assert got == updated
    assert _pair(1)[0] not in {
        p["PhoneNumber"]
        for s in client.list_proxy_sessions(VoiceConnectorId=vc, Status="Open")["ProxySessions"]
        for p in s["Participants"]
    }


# ---- the twelve-hour limit (AWS's launch post: "up to twelve hours"; the sample: "1-720" minutes) -------------
@pytest.mark.parametrize("minutes", [721, 100000])
def test_a_session_longer_than_720_minutes_is_refused_on_create(client: Any, vc: str, minutes: int) -> None:
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        client.create_proxy_session(
            VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"], ExpiryMinutes=minutes
        )
    assert excinfo.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{minutes}' at 'expiryMinutes' failed to satisfy constraint: "
        "Member must have value less than or equal to 720"
    )
    assert client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []
    made = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"], ExpiryMinutes=720
    )["ProxySession"]
    assert made["ExpiryMinutes"] == 720


@pytest.mark.parametrize("minutes", [721, 100000])
def test_a_session_longer_than_720_minutes_is_refused_on_update(client: Any, vc: str, minutes: int) -> None:
    created = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"], ExpiryMinutes=30
    )["ProxySession"]
    with pytest.raises(client.exceptions.BadRequestException, match="less than or equal to 720"):
        client.update_proxy_session(
            VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"], Capabilities=["SMS"], ExpiryMinutes=minutes
        )
    got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created["ProxySessionId"])["ProxySession"]
    assert got == created


@pytest.mark.parametrize("minutes", [721, 100000])
def test_a_default_expiry_over_720_minutes_is_refused(client: Any, chime_proxy: Any, vc: str, minutes: int) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="defaultSessionExpiryMinutes.*720"):
        client.put_voice_connector_proxy(
            VoiceConnectorId=vc, DefaultSessionExpiryMinutes=minutes, PhoneNumberPoolCountries=["GB"]
        )
    assert client.get_voice_connector_proxy(VoiceConnectorId=vc)["Proxy"]["PhoneNumberCountries"] == ["US"]
    with pytest.raises(Exception, match="less than or equal to 720"):  # the helper goes through the same rule
        chime_proxy.create_voice_connector([], default_session_expiry_minutes=minutes)


def test_update_unknown_session_is_not_found(client: Any, vc: str) -> None:
    with pytest.raises(client.exceptions.NotFoundException):
        client.update_proxy_session(VoiceConnectorId=vc, ProxySessionId="missing", Capabilities=["Voice"])


# ---- DeleteProxySession -------------------------------------------------------------------------------------
def test_delete_then_get_is_not_found(client: Any, chime_proxy: Any, vc: str) -> None:
    keep, gone = _create(client, vc, 2)
    result = client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=gone)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert chime_proxy.calls[-1].response.body == b""
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=gone)
    assert [s["ProxySessionId"] for s in client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"]] == [keep]
    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=gone)


# ---- Put / Get / DeleteVoiceConnectorProxy ------------------------------------------------------------------
def test_put_then_get_voice_connector_proxy(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(["+19135550199"], proxy=False)
    put = client.put_voice_connector_proxy(
        VoiceConnectorId=vc,
        DefaultSessionExpiryMinutes=30,
        PhoneNumberPoolCountries=["US", "CA", "US"],
        FallBackPhoneNumber="+12065550123",
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    raw = json.loads(chime_proxy.calls[-1].response.body)
    assert raw == {
        "Proxy": {
            "DefaultSessionExpiryMinutes": 30,
            "Disabled": False,
            "FallBackPhoneNumber": "+12065550123",
            "PhoneNumberCountries": ["CA", "US"],
        }
    }
    got = client.get_voice_connector_proxy(VoiceConnectorId=vc)["Proxy"]
    assert got == put["Proxy"]


def test_put_replaces_the_configuration(client: Any, vc: str) -> None:
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=7, PhoneNumberPoolCountries=["US"], Disabled=True
    )
    proxy = client.get_voice_connector_proxy(VoiceConnectorId=vc)["Proxy"]
    assert proxy["DefaultSessionExpiryMinutes"] == 7 and proxy["Disabled"] is True
    assert "FallBackPhoneNumber" not in proxy


def test_delete_voice_connector_proxy(client: Any, chime_proxy: Any, vc: str) -> None:
    result = client.delete_voice_connector_proxy(VoiceConnectorId=vc)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.NotFoundException, match="proxy"):
        client.get_voice_connector_proxy(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_voice_connector_proxy(VoiceConnectorId=vc)


def test_no_sessions_without_a_proxy_configuration(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(["+19135550199"], proxy=False)
    with pytest.raises(client.exceptions.BadRequestException, match="PutVoiceConnectorProxy"):
        client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"])
    assert client.list_proxy_sessions(VoiceConnectorId=vc)["ProxySessions"] == []


def test_no_sessions_while_the_proxy_is_disabled(client: Any, vc: str) -> None:
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=60, PhoneNumberPoolCountries=["US"], Disabled=True
    )
    with pytest.raises(client.exceptions.BadRequestException, match="disabled"):
        client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"])
    client.put_voice_connector_proxy(
        VoiceConnectorId=vc, DefaultSessionExpiryMinutes=60, PhoneNumberPoolCountries=["US"], Disabled=False
    )
    assert (
        client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=_pair(1), Capabilities=["Voice"])[
            "ProxySession"
        ]["Status"]
        == "Open"
    )


def test_every_call_is_recorded_with_its_operation(client: Any, chime_proxy: Any, vc: str) -> None:
    before = len(chime_proxy.calls)
    session = _create(client, vc, 1)[0]
    client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session)
    client.list_proxy_sessions(VoiceConnectorId=vc)
    assert [c.operation for c in chime_proxy.calls[before:]] == [
        "CreateProxySession",
        "GetProxySession",
        "ListProxySessions",
    ]
    assert {c.endpoint.namespace for c in chime_proxy.calls[before:]} == {client.meta.service_model.service_name}


# ---- the AWS CLI, reproducing its documented example ----------------------------------------------------------
CLI_DOCUMENTED_OUTPUT = {  # `aws chime create-proxy-session` example output (AWS CLI reference, seeds/000)
    "ProxySession": {
        "VoiceConnectorId": "abcdef1ghij2klmno3pqr4",
        "ProxySessionId": "123a4bc5-67d8-901e-2f3g-h4ghjk56789l",
        "Status": "Open",
        "ExpiryMinutes": 60,
        "Capabilities": ["SMS", "Voice"],
        "CreatedTimestamp": "2020-04-15T16:10:10.288Z",
        "UpdatedTimestamp": "2020-04-15T16:10:10.288Z",
        "Participants": [
            {"PhoneNumber": "+12065550100", "ProxyPhoneNumber": "+19135550199"},
            {"PhoneNumber": "+14015550101", "ProxyPhoneNumber": "+19135550199"},
        ],
    }
}


def test_the_aws_cli_example_gives_the_documented_output(
    client: Any, namespace: str, chime_proxy: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    clidriver = pytest.importorskip("awscli.clidriver")
    vc = chime_proxy.create_voice_connector([SAMPLE_PROXY_NUMBER])
    chime_proxy.clock.set("2020-04-15T16:10:10.288Z")
    capsys.readouterr()
    status = clidriver.create_clidriver().main(
        [
            namespace,
            "create-proxy-session",
            "--voice-connector-id",
            vc,
            "--participant-phone-numbers",
            "+14015550101",
            "+12065550100",
            "--capabilities",
            "Voice",
            "SMS",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    printed = json.loads(out)
    expected = json.loads(
        json.dumps(CLI_DOCUMENTED_OUTPUT)
        .replace("abcdef1ghij2klmno3pqr4", vc)
        .replace("123a4bc5-67d8-901e-2f3g-h4ghjk56789l", printed["ProxySession"]["ProxySessionId"])
    )
    assert printed == expected  # timestamps included: the CLI prints the service's ISO text as documented


# ---- how errors are encoded (x-amzn-ErrorType header for the exception, legacy Code/Message in the body) -----
@pytest.mark.parametrize(
    ("provoke", "exception", "status", "legacy_code"),
    [
        (
            lambda c, vc: c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId="missing"),
            "NotFoundException",
            404,
            "NotFound",
        ),
        (
            lambda c, vc: c.list_proxy_sessions(VoiceConnectorId=vc, Status="Gone"),
            "BadRequestException",
            400,
            "BadRequest",
        ),
    ],
)
def test_errors_carry_the_header_and_the_legacy_body(
    client: Any, chime_proxy: Any, vc: str, provoke: Any, exception: str, status: int, legacy_code: str
) -> None:
    with pytest.raises(getattr(client.exceptions, exception)) as excinfo:
        provoke(client, vc)
    answer = chime_proxy.calls[-1].response
    assert answer.status == status
    assert answer.headers["x-amzn-ErrorType"] == exception
    assert answer.headers["x-amzn-RequestId"] == excinfo.value.response["ResponseMetadata"]["RequestId"]
    body = json.loads(answer.body)
    assert body["Code"] == legacy_code and body["Message"] == excinfo.value.response["Error"]["Message"]
    assert body["RequestId"] == answer.headers["x-amzn-RequestId"]  # as Chime writes its errors
    assert answer.body == json.dumps(body, separators=(",", ":")).encode()  # compact, like its success bodies
    assert excinfo.value.response["Error"]["Code"] == exception


def test_a_default_expiry_under_a_minute_is_refused(client: Any, vc: str) -> None:
    """DefaultSessionExpiryMinutes is a bare integer in the models; a session cannot last under a minute."""
    with pytest.raises(client.exceptions.BadRequestException, match="defaultSessionExpiryMinutes"):
        client.put_voice_connector_proxy(
            VoiceConnectorId=vc, DefaultSessionExpiryMinutes=0, PhoneNumberPoolCountries=["US"]
        )
    assert client.get_voice_connector_proxy(VoiceConnectorId=vc)["Proxy"]["DefaultSessionExpiryMinutes"] == 60
