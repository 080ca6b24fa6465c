"""The voice-connector settings provisioning code puts next to the proxy: termination, origination, logging,
streaming, and termination credentials.

Settings are kept as the members the models give them (the wire layer has validated types, patterns, enums
and ranges); this module adds the rules the API reference states in prose, the documented defaults, and
keeps termination passwords only as salted hashes: the API never returns them (ListVoiceConnectorTermination-
Credentials answers user names only).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from datetime import datetime
from typing import Any

from pytest_chime_proxy.core.domain.errors import BadRequest, NotFound
from pytest_chime_proxy.core.domain.state import Scope

Settings = dict[str, Any]
_ALPHA2 = re.compile(r"[A-Z]{2}")
MAX_ROUTES = 20  # Origination.Routes: "Minimum value of 1. Maximum value of 20" (API reference, Origination)
SIP_PORT = 5060  # OriginationRoute.Port: "Defaults to 5060" (the model's documentation)
LABELS = {
    "Termination": "termination settings",
    "Origination": "origination settings",
    "StreamingConfiguration": "streaming configuration",
    "LoggingConfiguration": "logging configuration",
    "EmergencyCallingConfiguration": "emergency calling configuration",
    "ExternalSystemsConfiguration": "external systems configuration",
}


def _missing(vc_id: str, kind: str) -> NotFound:
    put = "PutVoiceConnectorStreamingConfiguration" if kind == "StreamingConfiguration" else f"PutVoiceConnector{kind}"
    return NotFound(f"Voice connector {vc_id} has no {LABELS[kind]}; call {put} first")


def put(scope: Scope, vc_id: str, kind: str, value: Settings) -> Settings:
    """Store one kind of settings (``Termination`` ...) after its prose rules; returns what Get will answer."""
    vc = scope.voice_connector(vc_id)
    settled = {
        "Termination": _termination,
        "Origination": _origination,
        "EmergencyCallingConfiguration": _emergency_calling,
    }.get(kind, _as_given)(value, vc.RequireEncryption)
    vc.settings[kind] = settled
    vc.UpdatedTimestamp = scope.now
    return settled


def get(scope: Scope, vc_id: str, kind: str) -> Settings:
    vc = scope.voice_connector(vc_id)
    found = vc.settings.get(kind)
    if found is None:
        if kind == "LoggingConfiguration":  # never put: logging is off
            return {"EnableSIPLogs": False, "EnableMediaMetricLogs": False}
        raise _missing(vc_id, kind)
    return found


def delete(scope: Scope, vc_id: str, kind: str) -> None:
    vc = scope.voice_connector(vc_id)
    if kind not in vc.settings:
        raise _missing(vc_id, kind)
    del vc.settings[kind]
    vc.UpdatedTimestamp = scope.now


def _as_given(value: Settings, encrypted: bool) -> Settings:
    return dict(value)


def _emergency_calling(value: Settings, encrypted: bool) -> Settings:
    """Each DNIS entry routes calls from the US (emergency calling is US-only: ``e911``)."""
    from pytest_chime_proxy.core.domain.e911 import check_calling_country

    for entry in value.get("DNIS") or []:
        check_calling_country(entry["CallingCountry"])
    return {"DNIS": [dict(entry) for entry in value.get("DNIS") or []]}


def termination_health(scope: Scope, vc_id: str) -> tuple[datetime, str] | None:
    """GetVoiceConnectorTerminationHealth: when and from where the last SIP OPTIONS ping came (None: no SIP
    infrastructure has pinged; a test says one did with ``ChimeProxyMock.record_sip_options_ping``)."""
    return scope.voice_connector(vc_id).termination_health


def record_ping(scope: Scope, vc_id: str, source: str) -> None:
    """A SIP OPTIONS ping from ``source`` (an IP address) reached the connector now."""
    try:
        ipaddress.ip_address(source)
    except ValueError:
        raise BadRequest(f"source must be an IP address (the ping's source), not {source!r}") from None
    scope.voice_connector(vc_id).termination_health = (scope.now, source)


def _termination(value: Settings, encrypted: bool) -> Settings:
    """The Termination type's prose: CallingRegions (ISO 3166-1 alpha-2) and CidrAllowedList (CIDR) are
    required; CpsLimit defaults to 1."""
    regions = value.get("CallingRegions")
    cidrs = value.get("CidrAllowedList")
    if not regions:
        raise BadRequest(
            "Termination.CallingRegions is required: the countries calls may go to, in ISO 3166-1 "
            'alpha-2 format (for example ["US"])'
        )
    if not cidrs:
        raise BadRequest(
            "Termination.CidrAllowedList is required: the IP ranges allowed to make calls, in CIDR "
            'format (for example ["10.0.0.0/24"])'
        )
    bad = [r for r in regions if not _ALPHA2.fullmatch(r)]
    if bad:
        raise BadRequest(f"Termination.CallingRegions must be ISO 3166-1 alpha-2 country codes; got {bad}")
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=True)
        except ValueError:
            raise BadRequest(
                f"Termination.CidrAllowedList: '{cidr}' is not a network in CIDR format "
                "(for example 10.0.0.0/24, host bits zero)"
            ) from None
    return {"CpsLimit": 1, "Disabled": False, **value}


def _origination(value: Settings, encrypted: bool) -> Settings:
    """The Origination type's prose: Routes (1 to 20) or Disabled must be given; a route names its Host,
    Priority and Weight; Port defaults to 5060; encryption-enabled connectors default to TCP."""
    routes = value.get("Routes")
    if not routes and value.get("Disabled") is None:
        raise BadRequest("Origination needs Routes (1 to 20 SIP hosts) or Disabled")
    if routes is not None and not 1 <= len(routes) <= MAX_ROUTES:
        raise BadRequest(f"Origination.Routes must hold 1 to {MAX_ROUTES} routes, not {len(routes)}")
    filled = []
    for i, route in enumerate(routes or [], start=1):
        absent = [m for m in ("Host", "Priority", "Weight") if route.get(m) is None]
        if absent:
            raise BadRequest(f"Origination.Routes.{i} lacks {', '.join(absent)}")
        filled.append({"Port": SIP_PORT, "Protocol": "TCP" if encrypted else "UDP", **route})
    return {"Disabled": False, **value, "Routes": filled}


# ---- termination credentials --------------------------------------------------------------------------------
def _hash(password: str, salt: bytes) -> str:
    return salt.hex() + ":" + hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), salt, 1000).hex()


def put_credentials(scope: Scope, vc_id: str, credentials: list[dict[str, str]]) -> None:
    """Add or replace SIP credentials; only a salted hash of each password is kept."""
    vc = scope.voice_connector(vc_id)
    for i, credential in enumerate(credentials, start=1):
        absent = [m for m in ("Username", "Password") if not credential.get(m)]
        if absent:
            raise BadRequest(f"Credentials.{i} lacks {' and '.join(absent)}")
    for credential in credentials:
        vc.credentials[credential["Username"]] = _hash(credential["Password"], os.urandom(16))
    if credentials:
        vc.UpdatedTimestamp = scope.now


def usernames(scope: Scope, vc_id: str) -> list[str]:
    return sorted(scope.voice_connector(vc_id).credentials)


def delete_credentials(scope: Scope, vc_id: str, names: list[str]) -> None:
    vc = scope.voice_connector(vc_id)
    if len(set(names)) != len(names):
        # Assumption (no source gives the service's words): a repeated name is a bad request, refused before
        # anything is deleted, as the service refuses other malformed lists; names are sensitive, not echoed
        raise BadRequest(f"Usernames names a user more than once ({len(names) - len(set(names))} repeated)")
    unknown = sorted(set(names) - set(vc.credentials))
    if unknown:
        raise NotFound(
            f"Voice connector {vc_id} has no termination credentials for {len(unknown)} of the given user names"
        )  # user names are sensitive: not echoed
    for name in names:
        del vc.credentials[name]
    vc.UpdatedTimestamp = scope.now


def password_matches(scope: Scope, vc_id: str, username: str, password: str) -> bool:
    """Whether ``password`` is the one put for ``username`` (what a SIP digest check would ask)."""
    stored = scope.voice_connector(vc_id).credentials.get(username)
    if stored is None:
        return False
    salt, _, _ = stored.partition(":")
    return _hash(password, bytes.fromhex(salt)) == stored
