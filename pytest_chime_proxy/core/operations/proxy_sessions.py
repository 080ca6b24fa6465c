"""Proxy sessions: Create/Get/List/Update/DeleteProxySession and the connector's proxy configuration."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import proxy_sessions, voice_connectors
from pytest_chime_proxy.core.domain.model import ProxyConfig, ProxySession
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def session_data(s: ProxySession) -> Data:
    return {
        "VoiceConnectorId": s.VoiceConnectorId,
        "ProxySessionId": s.ProxySessionId,
        "Name": s.Name,
        "Status": s.Status,
        "ExpiryMinutes": s.ExpiryMinutes,
        "Capabilities": s.Capabilities,
        "CreatedTimestamp": s.CreatedTimestamp,
        "UpdatedTimestamp": s.UpdatedTimestamp,
        "EndedTimestamp": s.EndedTimestamp,
        "Participants": [{"PhoneNumber": p, "ProxyPhoneNumber": proxy} for p, proxy in s.Participants],
        "NumberSelectionBehavior": s.NumberSelectionBehavior,
        "GeoMatchLevel": s.GeoMatchLevel,
        "GeoMatchParams": s.GeoMatchParams,
    }


def proxy_data(p: ProxyConfig) -> Data:
    return {
        "DefaultSessionExpiryMinutes": p.DefaultSessionExpiryMinutes,
        "Disabled": p.Disabled,
        "FallBackPhoneNumber": p.FallBackPhoneNumber,
        "PhoneNumberCountries": p.PhoneNumberCountries,
    }


# ---- the operations ---------------------------------------------------------------------------------------
@operation("CreateProxySession")
def create_proxy_session(scope: Scope, p: Data) -> Data:
    s = proxy_sessions.create(
        scope,
        p["VoiceConnectorId"],
        p["ParticipantPhoneNumbers"],
        p["Capabilities"],
        p.get("ExpiryMinutes"),
        p.get("Name"),
        p.get("NumberSelectionBehavior"),
        p.get("GeoMatchLevel"),
        p.get("GeoMatchParams"),
    )
    return {"ProxySession": session_data(s)}


@operation("GetProxySession")
def get_proxy_session(scope: Scope, p: Data) -> Data:
    return {"ProxySession": session_data(proxy_sessions.get(scope, p["VoiceConnectorId"], p["ProxySessionId"]))}


@operation("ListProxySessions")
def list_proxy_sessions(scope: Scope, p: Data) -> Data:
    sessions = proxy_sessions.list_sessions(scope, p["VoiceConnectorId"], p.get("Status"))
    page, token = paginate(sessions, p, lambda s: s.seq, model_cap(scope, "ListProxySessions"), ordered=True)
    return {"ProxySessions": [session_data(s) for s in page], "NextToken": token}


@operation("UpdateProxySession")
def update_proxy_session(scope: Scope, p: Data) -> Data:
    s = proxy_sessions.update(
        scope, p["VoiceConnectorId"], p["ProxySessionId"], p["Capabilities"], p.get("ExpiryMinutes")
    )
    return {"ProxySession": session_data(s)}


@operation("DeleteProxySession")
def delete_proxy_session(scope: Scope, p: Data) -> None:
    proxy_sessions.delete(scope, p["VoiceConnectorId"], p["ProxySessionId"])


@operation("PutVoiceConnectorProxy")
def put_voice_connector_proxy(scope: Scope, p: Data) -> Data:
    config = voice_connectors.put_proxy(
        scope,
        p["VoiceConnectorId"],
        p["DefaultSessionExpiryMinutes"],
        p["PhoneNumberPoolCountries"],
        p.get("FallBackPhoneNumber"),
        p.get("Disabled"),
    )
    return {"Proxy": proxy_data(config)}


@operation("GetVoiceConnectorProxy")
def get_voice_connector_proxy(scope: Scope, p: Data) -> Data:
    return {"Proxy": proxy_data(voice_connectors.get_proxy(scope, p["VoiceConnectorId"]))}


@operation("DeleteVoiceConnectorProxy")
def delete_voice_connector_proxy(scope: Scope, p: Data) -> None:
    voice_connectors.delete_proxy(scope, p["VoiceConnectorId"])
