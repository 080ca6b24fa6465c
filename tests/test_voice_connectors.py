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
    updated = client.update_voice_connector(VoiceConnectorId=created["VoiceConnectorId"], Name="rides two",
                                            RequireEncryption=False)["VoiceConnector"]
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
    session = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
                                          Capabilities=["Voice"])["ProxySession"]["ProxySessionId"]
    client.disassociate_phone_numbers_from_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=["+19135550199"])
    client.delete_voice_connector(VoiceConnectorId=vc)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=session)


def test_the_helper_builds_the_same_connector_the_api_does(chime_sdk_voice: Any, chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(["+19135550199", "+12065550100"], name="helper",
                                            default_session_expiry_minutes=15)
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
        vc_west["VoiceConnectorId"]]
    with pytest.raises(west.exceptions.NotFoundException):
        west.get_voice_connector(VoiceConnectorId=vc_east)
    with pytest.raises(east.exceptions.NotFoundException):
        east.create_proxy_session(VoiceConnectorId=vc_west["VoiceConnectorId"],
                                  ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"])


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
