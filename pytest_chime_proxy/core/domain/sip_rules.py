"""SIP rules: a trigger (a phone number, or a voice connector's outbound host name) that runs SIP media
applications, one per region, in priority order.

What a rule may point at, and what it holds (README, "Assumptions", with sources): a ToPhoneNumber trigger
is a SipMediaApplicationDialIn number of the account's inventory, assigned to the rule while it exists (so it
cannot be deleted or associated elsewhere); a RequestUriHostname trigger is the outbound host name of one of
the account's voice connectors; each target is an existing application in the target's region, and no two
targets share a region; a rule must be disabled before it is deleted. Rules belong to the account.
"""

from __future__ import annotations

from typing import Any

from pytest_chime_proxy.core.domain import geo, quotas
from pytest_chime_proxy.core.domain.call_routing_records import SipRule
from pytest_chime_proxy.core.domain.errors import BadRequest, Conflict, NotFound
from pytest_chime_proxy.core.domain.model import PhoneNumber, VoiceConnector
from pytest_chime_proxy.core.domain.phone_numbers import settle
from pytest_chime_proxy.core.domain.sip_media_applications import DIAL_IN
from pytest_chime_proxy.core.domain.state import Scope


def get(scope: Scope, rule_id: str) -> SipRule:
    rule = scope.account.sip_rules.get(rule_id)
    if rule is None:
        raise NotFound(f"Could not find SipRule with Id '{rule_id}'")
    return rule


def listed(scope: Scope, app_id: str | None = None) -> list[SipRule]:
    if app_id is not None and app_id not in scope.account.sip_media_applications:
        raise NotFound(f"Could not find SipMediaApplication with Id '{app_id}'")
    return sorted(
        (
            r
            for r in scope.account.sip_rules.values()
            if app_id is None or any(t.get("SipMediaApplicationId") == app_id for t in r.TargetApplications)
        ),
        key=lambda r: (r.CreatedTimestamp, r.SipRuleId),
    )


def _targets(scope: Scope, targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target names an existing application in its own region; one target per region (Developer Guide,
    "Understanding phone numbers, SIP rules, SIP media applications": "each alternate target must reside in a
    different AWS Region")."""
    regions: dict[str, str] = {}
    checked = []
    for i, target in enumerate(targets, 1):
        missing = [m for m in ("SipMediaApplicationId", "Priority") if target.get(m) is None]
        if missing:
            raise BadRequest(f"TargetApplications item {i} needs {', '.join(missing)}")
        app_id = target["SipMediaApplicationId"]
        app = scope.account.sip_media_applications.get(app_id)
        if app is None:
            raise NotFound(f"Could not find SipMediaApplication with Id '{app_id}'")
        region = target.get("AwsRegion") or app.AwsRegion  # left out by code on record: the application's
        if app.AwsRegion != region:
            raise BadRequest(f"SIP media application {app_id} is in {app.AwsRegion}, not {region}")
        if region in regions:
            raise BadRequest(
                f"TargetApplications name two applications in {region} ({regions[region]}, {app_id}); "
                "each target must be in a different AWS Region"
            )
        regions[region] = app_id
        checked.append({"SipMediaApplicationId": app_id, "Priority": target["Priority"], "AwsRegion": region})
    return checked


def _trigger_number(scope: Scope, value: str) -> PhoneNumber:
    settle(scope)
    number = scope.account.phone_numbers.get(geo.e164(value))
    if number is None or number.Status in ("DeleteInProgress", "AcquireInProgress"):
        raise NotFound(f"Phone number {value} is not in the account's phone number inventory")
    if number.ProductType != DIAL_IN:
        raise BadRequest(
            f"Phone number {value} has product type {number.ProductType}; a SIP rule's ToPhoneNumber must be "
            f"a {DIAL_IN} number"
        )
    held = number.association
    if held is not None:
        raise Conflict(f"Phone number {value} is already assigned to {number.held_by}")
    return number


def _trigger_connector(scope: Scope, value: str) -> VoiceConnector:
    for vc in scope.account.voice_connectors.values():
        if vc.OutboundHostName == value:
            return vc
    raise NotFound(f"No voice connector of the account has the outbound host name '{value}'")


def _same_trigger(scope: Scope, trigger_type: str, value: str) -> SipRule | None:
    key = geo.e164(value) if trigger_type == "ToPhoneNumber" else value
    for rule in scope.account.sip_rules.values():
        other = geo.e164(rule.TriggerValue) if rule.TriggerType == "ToPhoneNumber" else rule.TriggerValue
        if rule.TriggerType == trigger_type and other == key:
            return rule
    return None


def create(
    scope: Scope,
    name: str,
    trigger_type: str,
    trigger_value: str,
    targets: list[dict[str, Any]],
    disabled: bool | None = None,
) -> SipRule:
    existing = _same_trigger(scope, trigger_type, trigger_value)
    if existing is not None:
        raise Conflict(f"SIP rule {existing.SipRuleId} already has the trigger {trigger_type} '{trigger_value}'")
    number = _trigger_number(scope, trigger_value) if trigger_type == "ToPhoneNumber" else None
    if trigger_type == "RequestUriHostname":
        _trigger_connector(scope, trigger_value)
    checked = _targets(scope, targets)
    limits = scope.backend.quotas
    if limits is not None:
        quotas.check(limits.sip_rules_per_account, len(scope.account.sip_rules), 1, "SIP rules")
    now = scope.now
    rule = SipRule(scope.backend.new_uuid(), name, trigger_type, trigger_value, checked, now, now, bool(disabled))
    scope.account.sip_rules[rule.SipRuleId] = rule
    if number is not None:
        number.SipRuleId = rule.SipRuleId
        number.Status = "Assigned"
        number.AssociatedTimestamp = number.UpdatedTimestamp = now
    return rule


def update(
    scope: Scope, rule_id: str, name: str, disabled: bool | None = None, targets: list[dict[str, Any]] | None = None
) -> SipRule:
    rule = get(scope, rule_id)
    checked = None if targets is None else _targets(scope, targets)
    rule.Name = name
    if disabled is not None:
        rule.Disabled = disabled
    if checked is not None:
        rule.TargetApplications = checked
    rule.UpdatedTimestamp = scope.now
    return rule


def delete(scope: Scope, rule_id: str) -> None:
    """API reference, DeleteSipRule: "You must disable a SIP rule before you can delete it." Its number
    goes back to the inventory, unassigned."""
    rule = get(scope, rule_id)
    if not rule.Disabled:
        raise Conflict(
            f"SIP rule {rule_id} is enabled; disable it (UpdateSipRule with Disabled=true) before deleting it"
        )
    del scope.account.sip_rules[rule_id]
    for number in scope.account.phone_numbers.values():
        if number.SipRuleId == rule_id:
            number.SipRuleId = None
            number.AssociatedTimestamp = None
            number.Status = "Unassigned"
            number.UpdatedTimestamp = scope.now


def rules_on_host(scope: Scope, host: str) -> list[str]:
    """The rules a voice connector's outbound host name triggers (the connector cannot go while they exist)."""
    return sorted(
        r.SipRuleId
        for r in scope.account.sip_rules.values()
        if r.TriggerType == "RequestUriHostname" and r.TriggerValue == host
    )
