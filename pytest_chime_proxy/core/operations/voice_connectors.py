"""Voice connectors: Create/Get/List/Update/DeleteVoiceConnector."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import voice_connectors
from pytest_chime_proxy.core.domain.model import VoiceConnector
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def voice_connector_data(vc: VoiceConnector) -> Data:
    return {
        "VoiceConnectorId": vc.VoiceConnectorId,
        "AwsRegion": vc.AwsRegion,
        "Name": vc.Name,
        "OutboundHostName": vc.OutboundHostName,
        "RequireEncryption": vc.RequireEncryption,
        "CreatedTimestamp": vc.CreatedTimestamp,
        "UpdatedTimestamp": vc.UpdatedTimestamp,
        "VoiceConnectorArn": vc.VoiceConnectorArn,
        "IntegrationType": vc.IntegrationType,
        "NetworkType": vc.NetworkType,
    }


@operation("CreateVoiceConnector")
def create_voice_connector(scope: Scope, p: Data) -> Data:
    vc = voice_connectors.create(
        scope,
        p["Name"],
        p["RequireEncryption"],
        p.get("AwsRegion"),
        p.get("IntegrationType"),
        p.get("NetworkType"),
        p.get("Tags"),
    )
    return {"VoiceConnector": voice_connector_data(vc)}


@operation("GetVoiceConnector")
def get_voice_connector(scope: Scope, p: Data) -> Data:
    return {"VoiceConnector": voice_connector_data(scope.voice_connector(p["VoiceConnectorId"]))}


@operation("ListVoiceConnectors")
def list_voice_connectors(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        voice_connectors.visible(scope),
        p,
        lambda vc: f"{vc.CreatedTimestamp.isoformat()}|{vc.VoiceConnectorId}",
        model_cap(scope, "ListVoiceConnectors"),
    )
    return {"VoiceConnectors": [voice_connector_data(vc) for vc in page], "NextToken": token}


@operation("UpdateVoiceConnector")
def update_voice_connector(scope: Scope, p: Data) -> Data:
    vc = voice_connectors.update(scope, p["VoiceConnectorId"], p["Name"], p["RequireEncryption"])
    return {"VoiceConnector": voice_connector_data(vc)}


@operation("DeleteVoiceConnector")
def delete_voice_connector(scope: Scope, p: Data) -> None:
    voice_connectors.delete(scope, p["VoiceConnectorId"])
