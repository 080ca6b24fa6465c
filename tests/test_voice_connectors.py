"""Voice connectors through the real API: create, get, list (paged), update, delete, in both namespaces.

Assumptions of the fake, tested as such: a connector lives in its AwsRegion (the endpoint's region when none
is given; us-east-1 for the legacy endpoint); a regional chime-sdk-voice endpoint sees its own region's
connectors, the global legacy endpoint sees all of the account's; deleting a connector that still has phone
numbers is a ConflictException (the models declare it for DeleteVoiceConnector).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import boto3
import pytest


def _create(client: Any, name: str = "rides", **extra: Any) -> dict[str, Any]:
    return client.create_voice_connector(Name=name, RequireEncryption=True, **extra)["VoiceConnector"]


def test_create_answers_201_with_a_connector(client: Any, chime_proxy: Any, namespace: str) -> None:
    chime_proxy.clock.set("2024-01-02T03:04:05.006Z")
    result = client.create_voice_connector(Name="rides", RequireEncryption=False)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    vc = result["VoiceConnector"]
    assert re.fullmatch(r"[a-z0-9]{22}", vc["VoiceConnectorId"])
    assert vc["Name"] == "rides" and vc["RequireEncryption"] is False
    assert vc["AwsRegion"] == "us-east-1"
    assert vc["OutboundHostName"] == f"{vc['VoiceConnectorId']}.voiceconnector.chime.aws"
    assert vc["VoiceConnectorArn"] == f"arn:aws:chime:us-east-1:{chime_proxy.account}:vc/{vc['VoiceConnectorId']}"
    raw = json.loads(chime_proxy.calls[-1].response.body)["VoiceConnector"]
    assert raw["CreatedTimestamp"] == raw["UpdatedTimestamp"] == "2024-01-02T03:04:05.006Z"
    assert list(raw) == sorted(raw)
    # every member the installed model knows is sent (an older botocore's model may know fewer)
    assert set(client.meta.service_model.shape_for("VoiceConnector").members) <= set(raw)


def test_get_and_list_return_the_created_connector(client: Any) -> None:
    created = _create(client)
    got = client.get_voice_connector(VoiceConnectorId=created["VoiceConnectorId"])["VoiceConnector"]
    assert got == created
    assert client.list_voice_connectors()["VoiceConnectors"] == [created]


def test_list_pages_in_creation_order(client: Any, chime_proxy: Any) -> None:
    ids = []
    for i in range(5):
        ids.append(_create(client, f"vc{i}")["VoiceConnectorId"])
        chime_proxy.clock.advance(seconds=1)
    seen, kwargs = [], {"MaxResults": 2}
    while True:
        page = client.list_voice_connectors(**kwargs)
        assert len(page["VoiceConnectors"]) <= 2
        seen += [vc["VoiceConnectorId"] for vc in page["VoiceConnectors"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ids


def test_update_changes_name_encryption_and_updated_timestamp(client: Any, chime_proxy: Any) -> None:
    chime_proxy.clock.set("2024-01-01T00:00:00Z")
    created = _create(client)
    chime_proxy.clock.advance(minutes=5)
    updated = client.update_voice_connector(
        VoiceConnectorId=created["VoiceConnectorId"], Name="rides two", RequireEncryption=False
    )["VoiceConnector"]
    assert updated["Name"] == "rides two" and updated["RequireEncryption"] is False
    assert updated["CreatedTimestamp"] == created["CreatedTimestamp"]
    assert updated["UpdatedTimestamp"] - created["UpdatedTimestamp"] == timedelta(minutes=5)
    assert client.get_voice_connector(VoiceConnectorId=created["VoiceConnectorId"])["VoiceConnector"] == updated


def test_delete_then_not_found(client: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    result = client.delete_voice_connector(VoiceConnectorId=vc)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (client.get_voice_connector, client.delete_voice_connector):
        with pytest.raises(client.exceptions.NotFoundException, match=vc):
            call(VoiceConnectorId=vc)
    assert client.list_voice_connectors()["VoiceConnectors"] == []


def test_unknown_connector_is_not_found_for_update(client: Any) -> None:
    with pytest.raises(client.exceptions.NotFoundException):
        client.update_voice_connector(VoiceConnectorId="abcdef1ghij2klmno3pqr4", Name="x", RequireEncryption=True)


def test_a_connector_with_numbers_cannot_be_deleted(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(["+19135550199"])
    with pytest.raises(client.exceptions.ConflictException) as excinfo:
        client.delete_voice_connector(VoiceConnectorId=vc)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert "+19135550199" in excinfo.value.response["Error"]["Message"]
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=["+19135550199"])
    client.delete_voice_connector(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_voice_connector(VoiceConnectorId=vc)


def test_deleting_a_connector_deletes_its_sessions(client: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(["+19135550199"])
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
    )["ProxySession"]["ProxySessionId"]
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=["+19135550199"])
    client.delete_voice_connector(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session)


def test_the_helper_builds_the_same_connector_the_api_does(chime_sdk_voice: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(
        ["+19135550199", "+12065550100"], name="helper", default_session_expiry_minutes=15
    )
    got = chime_sdk_voice.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]
    assert got["Name"] == "helper" and got["AwsRegion"] == "us-east-1"
    proxy = chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=vc)["Proxy"]
    assert proxy["DefaultSessionExpiryMinutes"] == 15 and proxy["PhoneNumberCountries"] == ["US"]
    numbers = chime_sdk_voice.list_phone_numbers(FilterName="VoiceConnectorId", FilterValue=vc)["PhoneNumbers"]
    assert sorted(n["E164PhoneNumber"] for n in numbers) == ["+12065550100", "+19135550199"]
    assert all(n["Status"] == "Assigned" for n in numbers)


# ---- regions -----------------------------------------------------------------------------------------------
def test_a_regional_endpoint_sees_only_its_region(chime_proxy: Any) -> None:
    east = boto3.client("chime-sdk-voice", region_name="us-east-1")
    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    vc_east = _create(east)["VoiceConnectorId"]
    vc_west = _create(west)
    assert vc_west["AwsRegion"] == "us-west-2"
    assert vc_west["VoiceConnectorArn"].startswith("arn:aws:chime:us-west-2:")
    assert [vc["VoiceConnectorId"] for vc in west.list_voice_connectors()["VoiceConnectors"]] == [
        vc_west["VoiceConnectorId"]
    ]
    with pytest.raises(west.exceptions.NotFoundException):
        west.get_voice_connector(VoiceConnectorId=vc_east)
    with pytest.raises(east.exceptions.NotFoundException):
        east.create_proxy_session(
            VoiceConnectorId=vc_west["VoiceConnectorId"],
            ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
            Capabilities=["Voice"],
        )


def test_aws_region_places_the_connector(chime_proxy: Any) -> None:
    east = boto3.client("chime-sdk-voice", region_name="us-east-1")
    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    vc = _create(east, AwsRegion="us-west-2")["VoiceConnectorId"]
    assert west.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]["AwsRegion"] == "us-west-2"
    with pytest.raises(east.exceptions.NotFoundException):
        east.get_voice_connector(VoiceConnectorId=vc)


def test_legacy_connectors_are_reachable_in_their_region(chime_client: Any, chime_proxy: Any) -> None:
    legacy = _create(chime_client, AwsRegion="us-west-2")
    assert legacy["AwsRegion"] == "us-west-2"
    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    east = boto3.client("chime-sdk-voice", region_name="us-east-1")
    assert west.get_voice_connector(VoiceConnectorId=legacy["VoiceConnectorId"])["VoiceConnector"]["Name"] == "rides"
    with pytest.raises(east.exceptions.NotFoundException):
        east.get_voice_connector(VoiceConnectorId=legacy["VoiceConnectorId"])


def test_the_global_legacy_endpoint_sees_every_region(chime_client: Any, chime_proxy: Any) -> None:
    west = boto3.client("chime-sdk-voice", region_name="us-west-2")
    vc = _create(west)["VoiceConnectorId"]
    assert chime_client.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]["AwsRegion"] == "us-west-2"
    assert [v["VoiceConnectorId"] for v in chime_client.list_voice_connectors()["VoiceConnectors"]] == [vc]


# ---- the settings provisioning code puts next to the proxy --------------------------------------------------------
TERMINATION = {"CallingRegions": ["US", "CA"], "CidrAllowedList": ["10.0.0.0/24"], "DefaultPhoneNumber": "+19135550101"}


def test_termination_is_put_got_and_deleted_with_its_documented_default(client: Any, chime_proxy: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    with pytest.raises(client.exceptions.NotFoundException, match="PutVoiceConnectorTermination"):
        client.get_voice_connector_termination(VoiceConnectorId=vc)
    put = client.put_voice_connector_termination(VoiceConnectorId=vc, Termination=TERMINATION)["Termination"]
    assert put == {**TERMINATION, "CpsLimit": 1, "Disabled": False}  # CpsLimit: "Default value of 1"
    assert client.get_voice_connector_termination(VoiceConnectorId=vc)["Termination"] == put
    changed = client.put_voice_connector_termination(
        VoiceConnectorId=vc, Termination={**TERMINATION, "CpsLimit": 5, "Disabled": True}
    )
    assert changed["Termination"]["CpsLimit"] == 5 and changed["Termination"]["Disabled"] is True
    deleted = client.delete_voice_connector_termination(VoiceConnectorId=vc)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_voice_connector_termination(VoiceConnectorId=vc)


@pytest.mark.parametrize(
    ("termination", "message"),
    [
        ({"CidrAllowedList": ["10.0.0.0/24"]}, "CallingRegions is required"),
        ({"CallingRegions": ["US"]}, "CidrAllowedList is required"),
        ({"CallingRegions": ["USA"], "CidrAllowedList": ["10.0.0.0/24"]}, "alpha-2"),
        ({"CallingRegions": ["US"], "CidrAllowedList": ["10.0.0.1/24"]}, "not a network in CIDR format"),
        ({"CallingRegions": ["US"], "CidrAllowedList": ["example.com"]}, "not a network in CIDR format"),
        ({**TERMINATION, "DefaultPhoneNumber": "0123"}, "termination.defaultPhoneNumber"),
        ({**TERMINATION, "CpsLimit": 0}, "cpsLimit"),
    ],
)
def test_a_bad_termination_is_refused_and_changes_nothing(
    client: Any, chime_proxy: Any, termination: dict[str, Any], message: str
) -> None:
    from botocore.exceptions import ParamValidationError

    vc = _create(client)["VoiceConnectorId"]
    client.put_voice_connector_termination(VoiceConnectorId=vc, Termination=TERMINATION)
    try:
        client.put_voice_connector_termination(VoiceConnectorId=vc, Termination=termination)
    except ParamValidationError:
        assert message == "cpsLimit"  # botocore checks minima itself: never sent
    except client.exceptions.BadRequestException as error:
        assert message in str(error)
    else:
        pytest.fail(f"accepted {termination}")
    assert client.get_voice_connector_termination(VoiceConnectorId=vc)["Termination"]["CallingRegions"] == ["US", "CA"]


def test_origination_routes_get_the_documented_defaults(client: Any, chime_proxy: Any) -> None:
    encrypted = _create(client)["VoiceConnectorId"]
    plain = client.create_voice_connector(Name="plain", RequireEncryption=False)["VoiceConnector"]["VoiceConnectorId"]
    route = {"Host": "sip.example.com", "Priority": 1, "Weight": 10}
    for vc, protocol in ((encrypted, "TCP"), (plain, "UDP")):
        put = client.put_voice_connector_origination(VoiceConnectorId=vc, Origination={"Routes": [route]})
        assert put["Origination"] == {"Disabled": False, "Routes": [{**route, "Port": 5060, "Protocol": protocol}]}
        assert client.get_voice_connector_origination(VoiceConnectorId=vc)["Origination"] == put["Origination"]
    client.delete_voice_connector_origination(VoiceConnectorId=plain)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_voice_connector_origination(VoiceConnectorId=plain)


@pytest.mark.parametrize(
    ("origination", "message"),
    [
        ({}, "Routes .1 to 20 SIP hosts. or Disabled"),
        ({"Routes": [{"Host": "a", "Priority": 1, "Weight": 1}] * 21}, "1 to 20 routes, not 21"),
        ({"Routes": [{"Host": "a", "Weight": 1}]}, "Routes.1 lacks Priority"),
        ({"Routes": [{"Host": "a", "Priority": 101, "Weight": 1}]}, "less than or equal to 100"),
        ({"Routes": [{"Host": "a", "Priority": 1, "Weight": 1, "Protocol": "SCTP"}]}, "enum value set: \\[TCP, UDP\\]"),
        ({"Routes": [{"Host": "a", "Priority": 1, "Weight": 1, "Port": 65536}]}, "less than or equal to 65535"),
    ],
)
def test_a_bad_origination_is_refused(client: Any, chime_proxy: Any, origination: dict[str, Any], message: str) -> None:
    vc = _create(client)["VoiceConnectorId"]
    with pytest.raises(client.exceptions.BadRequestException, match=message):
        client.put_voice_connector_origination(VoiceConnectorId=vc, Origination=origination)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_voice_connector_origination(VoiceConnectorId=vc)


def test_logging_is_off_until_put(client: Any, chime_proxy: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    off = client.get_voice_connector_logging_configuration(VoiceConnectorId=vc)["LoggingConfiguration"]
    assert off == {"EnableSIPLogs": False, "EnableMediaMetricLogs": False}
    client.put_voice_connector_logging_configuration(VoiceConnectorId=vc, LoggingConfiguration={"EnableSIPLogs": True})
    on = client.get_voice_connector_logging_configuration(VoiceConnectorId=vc)["LoggingConfiguration"]
    assert on["EnableSIPLogs"] is True
    assert not hasattr(client, "delete_voice_connector_logging_configuration")  # the models have no Delete


def test_streaming_is_put_got_and_deleted(client: Any, chime_proxy: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    config = {
        "DataRetentionInHours": 24,
        "Disabled": False,
        "StreamingNotificationTargets": [{"NotificationTarget": "SQS"}],
    }
    client.put_voice_connector_streaming_configuration(VoiceConnectorId=vc, StreamingConfiguration=config)
    got = client.get_voice_connector_streaming_configuration(VoiceConnectorId=vc)["StreamingConfiguration"]
    assert {k: got[k] for k in config} == config
    with pytest.raises(client.exceptions.BadRequestException, match="enum value set"):
        client.put_voice_connector_streaming_configuration(
            VoiceConnectorId=vc,
            StreamingConfiguration={**config, "StreamingNotificationTargets": [{"NotificationTarget": "Kafka"}]},
        )
    client.delete_voice_connector_streaming_configuration(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException, match="streaming configuration"):
        client.get_voice_connector_streaming_configuration(VoiceConnectorId=vc)


def test_termination_credentials_never_come_back_in_clear(client: Any, chime_proxy: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    secret = "correct horse battery staple"
    client.put_voice_connector_termination_credentials(
        VoiceConnectorId=vc,
        Credentials=[{"Username": "pbx-b", "Password": secret}, {"Username": "pbx-a", "Password": "another one"}],
    )
    listed = client.list_voice_connector_termination_credentials(VoiceConnectorId=vc)
    assert listed["Usernames"] == ["pbx-a", "pbx-b"]
    for call in chime_proxy.calls:
        assert secret.encode() not in (call.response.body if call.response is not None else b"")
        # nor in the call log: the request's body and parameters keep the password redacted
        assert secret.encode() not in call.request.body and secret not in repr(call.params) + repr(call)
    put = chime_proxy.calls.last("PutVoiceConnectorTerminationCredentials")
    assert [c["Password"] for c in put.params["Credentials"]] == ["REDACTED", "REDACTED"]
    stored = chime_proxy.backend.account(chime_proxy.account).voice_connectors[vc].credentials
    assert secret not in json.dumps(stored)
    from pytest_chime_proxy.core.domain import connector_settings

    scope = chime_proxy._scope(None, None)
    assert connector_settings.password_matches(scope, vc, "pbx-b", secret)
    assert not connector_settings.password_matches(scope, vc, "pbx-b", "guess")

    with pytest.raises(client.exceptions.NotFoundException):
        client.delete_voice_connector_termination_credentials(VoiceConnectorId=vc, Usernames=["pbx-a", "nobody"])
    assert client.list_voice_connector_termination_credentials(VoiceConnectorId=vc)["Usernames"] == ["pbx-a", "pbx-b"]
    client.delete_voice_connector_termination_credentials(VoiceConnectorId=vc, Usernames=["pbx-a"])
    assert client.list_voice_connector_termination_credentials(VoiceConnectorId=vc)["Usernames"] == ["pbx-b"]
    with pytest.raises(client.exceptions.BadRequestException, match="Credentials.1 lacks Password"):
        client.put_voice_connector_termination_credentials(VoiceConnectorId=vc, Credentials=[{"Username": "x"}])


def test_settings_of_an_unknown_connector_are_not_found(client: Any, chime_proxy: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    client.put_voice_connector_termination(VoiceConnectorId=vc, Termination=TERMINATION)
    client.delete_voice_connector(VoiceConnectorId=vc)
    for call in (
        client.get_voice_connector_termination,
        client.get_voice_connector_logging_configuration,
        client.list_voice_connector_termination_credentials,
    ):
        with pytest.raises(client.exceptions.NotFoundException, match=vc):
            call(VoiceConnectorId=vc)


def test_deleting_termination_credentials_with_a_repeated_name_is_a_bad_request(client: Any, chime_proxy: Any) -> None:
    vc = _create(client)["VoiceConnectorId"]
    client.put_voice_connector_termination_credentials(
        VoiceConnectorId=vc,
        Credentials=[{"Username": "pbx-a", "Password": "p1"}, {"Username": "pbx-b", "Password": "p2"}],
    )
    with pytest.raises(client.exceptions.BadRequestException, match="more than once"):
        client.delete_voice_connector_termination_credentials(VoiceConnectorId=vc, Usernames=["pbx-a", "pbx-a"])
    listed = client.list_voice_connector_termination_credentials(VoiceConnectorId=vc)
    assert listed["Usernames"] == ["pbx-a", "pbx-b"]  # nothing deleted
