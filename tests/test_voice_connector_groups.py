"""Voice connector groups through boto3, in both namespaces.

The rules tested (README, "Assumptions", with sources): items name existing connectors, each once, with the
model's priorities (1..99); with quotas on, a group holds at most three connectors; a group with connectors or
numbers cannot be deleted; a connector in a group cannot be deleted; numbers move between a connector and a
group only with ForceAssociate; per-number errors come back as PhoneNumberErrors; a refusal changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

NUMBERS = ["+19135550141", "+19135550142"]


def _vc(client: Any, name: str = "pbx") -> str:
    return str(client.create_voice_connector(Name=name, RequireEncryption=True)["VoiceConnector"]["VoiceConnectorId"])


def _group(client: Any, *vc_ids: str, name: str = "group") -> dict[str, Any]:
    items = [{"VoiceConnectorId": vc, "Priority": i} for i, vc in enumerate(vc_ids, 1)]
    return client.create_voice_connector_group(Name=name, VoiceConnectorItems=items)["VoiceConnectorGroup"]


def _state(client: Any) -> Any:
    return (
        client.list_voice_connector_groups()["VoiceConnectorGroups"],
        client.list_voice_connectors()["VoiceConnectors"],
        client.list_phone_numbers()["PhoneNumbers"],
    )


@pytest.fixture
def numbers(chime_proxy: Any) -> list[str]:
    chime_proxy.order_phone_numbers(NUMBERS)
    return NUMBERS


def test_create_get_list_update_delete(client: Any, chime_proxy: Any, namespace: str) -> None:
    chime_proxy.clock.set("2024-01-02T03:04:05Z")
    first, second = _vc(client, "first"), _vc(client, "second")
    result = client.create_voice_connector_group(
        Name="failover", VoiceConnectorItems=[{"VoiceConnectorId": first, "Priority": 1}]
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 201
    group = result["VoiceConnectorGroup"]
    group_id = group["VoiceConnectorGroupId"]
    assert re.fullmatch(r"[a-z0-9]{21}", group_id)  # the id form on record (aws/aws-sdk-ruby#2212)
    assert group["VoiceConnectorItems"] == [{"VoiceConnectorId": first, "Priority": 1}]
    if "VoiceConnectorGroupArn" in client.meta.service_model.shape_for("VoiceConnectorGroup").members:
        assert group["VoiceConnectorGroupArn"] == f"arn:aws:chime:us-east-1:{chime_proxy.account}:vcg/{group_id}"
    assert client.get_voice_connector_group(VoiceConnectorGroupId=group_id)["VoiceConnectorGroup"] == group
    assert client.list_voice_connector_groups()["VoiceConnectorGroups"] == [group]
    chime_proxy.clock.advance(minutes=1)
    items = [{"VoiceConnectorId": second, "Priority": 1}, {"VoiceConnectorId": first, "Priority": 2}]
    updated = client.update_voice_connector_group(
        VoiceConnectorGroupId=group_id, Name="renamed", VoiceConnectorItems=items
    )
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert updated["VoiceConnectorGroup"]["VoiceConnectorItems"] == items
    assert updated["VoiceConnectorGroup"]["UpdatedTimestamp"] > group["UpdatedTimestamp"]
    client.update_voice_connector_group(VoiceConnectorGroupId=group_id, Name="renamed", VoiceConnectorItems=[])
    assert (
        client.delete_voice_connector_group(VoiceConnectorGroupId=group_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    )
    with pytest.raises(client.exceptions.NotFoundException, match=group_id):
        client.get_voice_connector_group(VoiceConnectorGroupId=group_id)


def test_list_pages_in_creation_order(client: Any, chime_proxy: Any) -> None:
    ids = []
    for i in range(5):
        ids.append(client.create_voice_connector_group(Name=f"g{i}")["VoiceConnectorGroup"]["VoiceConnectorGroupId"])
        chime_proxy.clock.advance(seconds=1)
    seen, kwargs = [], {"MaxResults": 2}
    while True:
        page = client.list_voice_connector_groups(**kwargs)
        assert len(page["VoiceConnectorGroups"]) <= 2
        seen += [g["VoiceConnectorGroupId"] for g in page["VoiceConnectorGroups"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == ids


def test_items_name_existing_connectors_once(client: Any, namespace: str) -> None:
    vc = _vc(client)
    before = _state(client)
    # chime-sdk-voice's CreateVoiceConnectorGroup models NotFoundException; the legacy one does not
    missing = (
        client.exceptions.NotFoundException if namespace == "chime-sdk-voice" else client.exceptions.BadRequestException
    )
    with pytest.raises(missing, match="b" * 22):
        _group(client, vc, "b" * 22)
    with pytest.raises(client.exceptions.BadRequestException, match="listed twice"):
        _group(client, vc, vc)
    with pytest.raises(client.exceptions.BadRequestException, match="less than or equal to 99"):
        client.create_voice_connector_group(Name="g", VoiceConnectorItems=[{"VoiceConnectorId": vc, "Priority": 100}])
    assert _state(client) == before


@pytest.mark.chime_proxy(quotas={"voice_connectors_per_region": None})  # the other defaults, group size among them
def test_with_quotas_a_group_holds_three_connectors(client: Any) -> None:
    vcs = [_vc(client, f"vc{i}") for i in range(4)]
    group = _group(client, *vcs[:3])
    before = _state(client)
    with pytest.raises(client.exceptions.ResourceLimitExceededException, match="quota of 3"):
        _group(client, *vcs)
    assert _state(client) == before
    assert len(group["VoiceConnectorItems"]) == 3


def test_a_connector_in_a_group_cannot_be_deleted(client: Any) -> None:
    vc = _vc(client)
    group = _group(client, vc)
    before = _state(client)
    with pytest.raises(client.exceptions.ConflictException, match=group["VoiceConnectorGroupId"]):
        client.delete_voice_connector(VoiceConnectorId=vc)
    assert _state(client) == before


def test_a_group_with_connectors_or_numbers_cannot_be_deleted(client: Any, numbers: list[str]) -> None:
    vc = _vc(client)
    group_id = _group(client, vc)["VoiceConnectorGroupId"]
    before = _state(client)
    with pytest.raises(client.exceptions.ConflictException, match="still has voice connectors"):
        client.delete_voice_connector_group(VoiceConnectorGroupId=group_id)
    assert _state(client) == before
    client.update_voice_connector_group(VoiceConnectorGroupId=group_id, Name="group", VoiceConnectorItems=[])
    client.associate_phone_numbers_with_voice_connector_group(
        VoiceConnectorGroupId=group_id, E164PhoneNumbers=numbers[:1]
    )
    before = _state(client)
    with pytest.raises(client.exceptions.ConflictException, match="still has phone numbers"):
        client.delete_voice_connector_group(VoiceConnectorGroupId=group_id)
    assert _state(client) == before


def test_numbers_associate_with_a_group_and_report_per_number_errors(
    client: Any, chime_proxy: Any, numbers: list[str]
) -> None:
    group_id = _group(client, _vc(client))["VoiceConnectorGroupId"]
    chime_proxy.order_phone_numbers(["+12065550150"], product_type="SipMediaApplicationDialIn")
    result = client.associate_phone_numbers_with_voice_connector_group(
        VoiceConnectorGroupId=group_id, E164PhoneNumbers=[*numbers, "+19135550199", "+12065550150"]
    )
    errors = {e["PhoneNumberId"]: e["ErrorCode"] for e in result["PhoneNumberErrors"]}
    assert errors == {"+19135550199": "NotFound", "+12065550150": "BadRequest"}
    number = client.get_phone_number(PhoneNumberId=numbers[0])["PhoneNumber"]
    assert number["Status"] == "Assigned"
    assert [(a["Name"], a["Value"]) for a in number["Associations"]] == [("VoiceConnectorGroupId", group_id)]
    result = client.disassociate_phone_numbers_from_voice_connector_group(
        VoiceConnectorGroupId=group_id, E164PhoneNumbers=[numbers[0], "+19135550199"]
    )
    assert [(e["PhoneNumberId"], e["ErrorCode"]) for e in result["PhoneNumberErrors"]] == [("+19135550199", "NotFound")]
    number = client.get_phone_number(PhoneNumberId=numbers[0])["PhoneNumber"]
    assert number["Status"] == "Unassigned" and number["Associations"] == []


def test_numbers_move_between_a_connector_and_a_group_only_when_forced(client: Any, numbers: list[str]) -> None:
    vc = _vc(client)
    group_id = _group(client)["VoiceConnectorGroupId"]
    client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=numbers[:1])
    before = _state(client)
    result = client.associate_phone_numbers_with_voice_connector_group(
        VoiceConnectorGroupId=group_id, E164PhoneNumbers=numbers[:1]
    )
    assert [(e["PhoneNumberId"], e["ErrorCode"]) for e in result["PhoneNumberErrors"]] == [
        (numbers[0], "PhoneNumberAssociationsExist")
    ]
    assert _state(client) == before
    result = client.associate_phone_numbers_with_voice_connector_group(
        VoiceConnectorGroupId=group_id, E164PhoneNumbers=numbers[:1], ForceAssociate=True
    )
    assert result["PhoneNumberErrors"] == []
    associations = client.get_phone_number(PhoneNumberId=numbers[0])["PhoneNumber"]["Associations"]
    assert [(a["Name"], a["Value"]) for a in associations] == [("VoiceConnectorGroupId", group_id)]
    result = client.associate_phone_numbers_with_voice_connector(VoiceConnectorId=vc, E164PhoneNumbers=numbers[:1])
    assert [e["ErrorCode"] for e in result["PhoneNumberErrors"]] == ["VoiceConnectorGroupAssociationsExist"]
    # the connector's number is gone from it: it can now be deleted
    client.delete_voice_connector(VoiceConnectorId=vc)


def test_unknown_group_is_not_found(client: Any) -> None:
    for call in (
        lambda: client.get_voice_connector_group(VoiceConnectorGroupId="nope"),
        lambda: client.delete_voice_connector_group(VoiceConnectorGroupId="nope"),
        lambda: client.associate_phone_numbers_with_voice_connector_group(
            VoiceConnectorGroupId="nope", E164PhoneNumbers=NUMBERS
        ),
    ):
        with pytest.raises(client.exceptions.NotFoundException, match="nope"):
            call()
