"""Voice connector groups: CRUD and the phone numbers associated with a group."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import voice_connector_groups as groups
from pytest_chime_proxy.core.domain.call_routing_records import VoiceConnectorGroup
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def group_data(g: VoiceConnectorGroup) -> Data:
    return {
        "VoiceConnectorGroupId": g.VoiceConnectorGroupId,
        "Name": g.Name,
        "VoiceConnectorItems": g.VoiceConnectorItems,
        "CreatedTimestamp": g.CreatedTimestamp,
        "UpdatedTimestamp": g.UpdatedTimestamp,
        "VoiceConnectorGroupArn": g.VoiceConnectorGroupArn,
        "CallDistributionType": g.CallDistributionType,
    }


def _errors(errors: list[tuple[str, str, str]]) -> Data:
    return {"PhoneNumberErrors": [{"PhoneNumberId": n, "ErrorCode": c, "ErrorMessage": m} for n, c, m in errors]}


@operation("CreateVoiceConnectorGroup")
def create_voice_connector_group(scope: Scope, p: Data) -> Data:
    group = groups.create(scope, p["Name"], p.get("VoiceConnectorItems"), p.get("CallDistributionType"))
    return {"VoiceConnectorGroup": group_data(group)}


@operation("GetVoiceConnectorGroup")
def get_voice_connector_group(scope: Scope, p: Data) -> Data:
    return {"VoiceConnectorGroup": group_data(groups.get(scope, p["VoiceConnectorGroupId"]))}


@operation("ListVoiceConnectorGroups")
def list_voice_connector_groups(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        groups.listed(scope),
        p,
        lambda g: f"{g.CreatedTimestamp.isoformat()}|{g.VoiceConnectorGroupId}",
        model_cap(scope, "ListVoiceConnectorGroups"),
    )
    return {"VoiceConnectorGroups": [group_data(g) for g in page], "NextToken": token}


@operation("UpdateVoiceConnectorGroup")
def update_voice_connector_group(scope: Scope, p: Data) -> Data:
    group = groups.update(
        scope, p["VoiceConnectorGroupId"], p["Name"], p["VoiceConnectorItems"], p.get("CallDistributionType")
    )
    return {"VoiceConnectorGroup": group_data(group)}


@operation("DeleteVoiceConnectorGroup")
def delete_voice_connector_group(scope: Scope, p: Data) -> None:
    groups.delete(scope, p["VoiceConnectorGroupId"])


@operation("AssociatePhoneNumbersWithVoiceConnectorGroup")
def associate_phone_numbers_with_voice_connector_group(scope: Scope, p: Data) -> Data:
    return _errors(
        groups.associate(scope, p["VoiceConnectorGroupId"], p["E164PhoneNumbers"], bool(p.get("ForceAssociate")))
    )


@operation("DisassociatePhoneNumbersFromVoiceConnectorGroup")
def disassociate_phone_numbers_from_voice_connector_group(scope: Scope, p: Data) -> Data:
    return _errors(groups.disassociate(scope, p["VoiceConnectorGroupId"], p["E164PhoneNumbers"]))
