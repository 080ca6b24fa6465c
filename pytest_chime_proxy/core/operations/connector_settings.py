"""Voice-connector settings: one Put/Get(/Delete) triple per kind, and termination credentials."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import connector_settings
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.registry import Data, operation


# ---- voice-connector settings: one Put/Get/Delete triple per kind ---------------------------------------------
def _settings(kind: str, operation_stem: str, delete: bool = True) -> None:
    """Register Put/Get(/Delete)VoiceConnector<stem> for the settings member ``kind``."""

    def put(scope: Scope, p: Data) -> Data:
        return {kind: connector_settings.put(scope, p["VoiceConnectorId"], kind, p[kind])}

    def get(scope: Scope, p: Data) -> Data:
        return {kind: connector_settings.get(scope, p["VoiceConnectorId"], kind)}

    def remove(scope: Scope, p: Data) -> None:
        connector_settings.delete(scope, p["VoiceConnectorId"], kind)

    operation(f"PutVoiceConnector{operation_stem}")(put)
    operation(f"GetVoiceConnector{operation_stem}")(get)
    if delete:
        operation(f"DeleteVoiceConnector{operation_stem}")(remove)


_settings("Termination", "Termination")
_settings("Origination", "Origination")
_settings("StreamingConfiguration", "StreamingConfiguration")
_settings("LoggingConfiguration", "LoggingConfiguration", delete=False)  # the models have no Delete
_settings("EmergencyCallingConfiguration", "EmergencyCallingConfiguration")

_EXTERNAL = ("SessionBorderControllerTypes", "ContactCenterSystemTypes")


@operation("PutVoiceConnectorExternalSystemsConfiguration")
def put_voice_connector_external_systems_configuration(scope: Scope, p: Data) -> Data:
    """The two lists arrive as top-level members and are answered wrapped, as the model shapes them."""
    given = {member: list(dict.fromkeys(p.get(member) or [])) for member in _EXTERNAL}
    kind = "ExternalSystemsConfiguration"
    return {kind: connector_settings.put(scope, p["VoiceConnectorId"], kind, given)}


@operation("GetVoiceConnectorExternalSystemsConfiguration")
def get_voice_connector_external_systems_configuration(scope: Scope, p: Data) -> Data:
    kind = "ExternalSystemsConfiguration"
    return {kind: connector_settings.get(scope, p["VoiceConnectorId"], kind)}


@operation("DeleteVoiceConnectorExternalSystemsConfiguration")
def delete_voice_connector_external_systems_configuration(scope: Scope, p: Data) -> None:
    connector_settings.delete(scope, p["VoiceConnectorId"], "ExternalSystemsConfiguration")


@operation("GetVoiceConnectorTerminationHealth")
def get_voice_connector_termination_health(scope: Scope, p: Data) -> Data:
    health = connector_settings.termination_health(scope, p["VoiceConnectorId"])
    when, source = health if health is not None else (None, None)
    return {"TerminationHealth": {"Timestamp": when, "Source": source}}


@operation("PutVoiceConnectorTerminationCredentials")
def put_voice_connector_termination_credentials(scope: Scope, p: Data) -> None:
    connector_settings.put_credentials(scope, p["VoiceConnectorId"], p.get("Credentials", []))


@operation("ListVoiceConnectorTerminationCredentials")
def list_voice_connector_termination_credentials(scope: Scope, p: Data) -> Data:
    return {"Usernames": connector_settings.usernames(scope, p["VoiceConnectorId"])}


@operation("DeleteVoiceConnectorTerminationCredentials")
def delete_voice_connector_termination_credentials(scope: Scope, p: Data) -> None:
    connector_settings.delete_credentials(scope, p["VoiceConnectorId"], p["Usernames"])
