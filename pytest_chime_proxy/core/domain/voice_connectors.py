"""Voice connectors and their proxy configuration (PutVoiceConnectorProxy and friends)."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import quotas
from pytest_chime_proxy.core.domain.errors import Conflict, NotFound
from pytest_chime_proxy.core.domain.model import ProxyConfig, VoiceConnector
from pytest_chime_proxy.core.domain.proxy_sessions import end_live
from pytest_chime_proxy.core.domain.state import Scope


def create(
    scope: Scope,
    name: str,
    require_encryption: bool,
    aws_region: str | None = None,
    integration_type: str | None = None,
    network_type: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> VoiceConnector:
    """A new connector, living in ``aws_region`` or, when absent, the endpoint's region (legacy: us-east-1)."""
    now = scope.now
    region = aws_region or scope.region
    limits = scope.backend.quotas
    if limits is not None:
        held = sum(1 for vc in scope.account.voice_connectors.values() if vc.AwsRegion == region)
        quotas.check(limits.voice_connectors_per_region, held, 1, f"voice connectors in {region}")
    vc = VoiceConnector(
        VoiceConnectorId=scope.backend.new_voice_connector_id(),
        Name=name,
        AwsRegion=region,
        RequireEncryption=require_encryption,
        CreatedTimestamp=now,
        UpdatedTimestamp=now,
        account=scope.account.account_id,
        namespace=scope.namespace,
        IntegrationType=integration_type,
        NetworkType=network_type,
        tags={t["Key"]: t["Value"] for t in tags or ()},
    )
    scope.account.voice_connectors[vc.VoiceConnectorId] = vc
    return vc


def visible(scope: Scope) -> list[VoiceConnector]:
    return sorted(
        (vc for vc in scope.account.voice_connectors.values() if scope.sees(vc)),
        key=lambda vc: (vc.CreatedTimestamp, vc.VoiceConnectorId),
    )


def update(scope: Scope, vc_id: str, name: str, require_encryption: bool) -> VoiceConnector:
    vc = scope.voice_connector(vc_id)
    vc.Name, vc.RequireEncryption, vc.UpdatedTimestamp = name, require_encryption, scope.now
    return vc


def delete(scope: Scope, vc_id: str) -> None:
    """Chime refuses to delete a connector that still has phone numbers associated; the fake also refuses one
    that a voice connector group or a SIP rule still references (README, "Assumptions")."""
    vc = scope.voice_connector(vc_id)
    numbers = [n.E164PhoneNumber for n in scope.account.phone_numbers.values() if n.VoiceConnectorId == vc_id]
    if numbers:
        raise Conflict(
            f"Voice connector {vc_id} still has phone numbers associated ({', '.join(sorted(numbers))}); "
            "disassociate them first"
        )
    groups = sorted(
        g.VoiceConnectorGroupId
        for g in scope.account.voice_connector_groups.values()
        if any(i["VoiceConnectorId"] == vc_id for i in g.VoiceConnectorItems)
    )
    if groups:
        raise Conflict(
            f"Voice connector {vc_id} is in voice connector group(s) {', '.join(groups)}; remove it from "
            "them (UpdateVoiceConnectorGroup) first"
        )
    rules = sorted(
        r.SipRuleId
        for r in scope.account.sip_rules.values()
        if r.TriggerType == "RequestUriHostname" and r.TriggerValue == vc.OutboundHostName
    )
    if rules:
        raise Conflict(
            f"Voice connector {vc_id}'s outbound host name triggers SIP rule(s) {', '.join(rules)}; delete them first"
        )
    del scope.account.voice_connectors[vc.VoiceConnectorId]


def put_proxy(
    scope: Scope,
    vc_id: str,
    default_expiry: int,
    countries: list[str],
    fallback: str | None = None,
    disabled: bool | None = None,
) -> ProxyConfig:
    vc = scope.voice_connector(vc_id)
    vc.proxy = ProxyConfig(default_expiry, sorted(dict.fromkeys(countries)), fallback, bool(disabled))
    vc.UpdatedTimestamp = scope.now
    return vc.proxy


def get_proxy(scope: Scope, vc_id: str) -> ProxyConfig:
    vc = scope.voice_connector(vc_id)
    if vc.proxy is None:
        raise NotFound(f"Voice connector {vc_id} has no proxy configuration; call PutVoiceConnectorProxy first")
    return vc.proxy


def delete_proxy(scope: Scope, vc_id: str) -> None:
    """The configuration goes, and with it the connector's live sessions (``proxy_sessions.end_live``)."""
    get_proxy(scope, vc_id)
    vc = scope.voice_connector(vc_id)
    end_live(scope, vc)
    vc.proxy = None
