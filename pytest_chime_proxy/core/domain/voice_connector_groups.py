"""Voice connector groups: connectors with priorities, and the phone numbers associated with the group.

Rules (README, "Assumptions", with sources): every item names an existing connector of the account, at most
once per group; with quotas on, a group holds at most ``voice_connectors_per_group`` connectors (three, the
legacy API reference); a group that still has connectors or numbers cannot be deleted (the API reference);
a connector that is in a group cannot be deleted (``voice_connectors.delete``). Groups belong to the account:
their connectors may be in different regions (the API reference).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pytest_chime_proxy.core.domain import geo, quotas
from pytest_chime_proxy.core.domain.call_routing_records import VoiceConnectorGroup
from pytest_chime_proxy.core.domain.errors import BadRequest, Conflict, NotFound
from pytest_chime_proxy.core.domain.phone_numbers import settle
from pytest_chime_proxy.core.domain.state import Scope

Errors = list[tuple[str, str, str]]


def get(scope: Scope, group_id: str) -> VoiceConnectorGroup:
    group = scope.account.voice_connector_groups.get(group_id)
    if group is None:
        raise NotFound(f"Could not find VoiceConnectorGroup with Id '{group_id}'")
    return group


def listed(scope: Scope) -> list[VoiceConnectorGroup]:
    return sorted(
        scope.account.voice_connector_groups.values(), key=lambda g: (g.CreatedTimestamp, g.VoiceConnectorGroupId)
    )


def _items(scope: Scope, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    checked = []
    for item in items:
        vc_id = item["VoiceConnectorId"]
        if vc_id not in scope.account.voice_connectors:
            raise NotFound(f"Could not find VoiceConnector with Id '{vc_id}'")
        if vc_id in seen:
            raise BadRequest(f"Voice connector {vc_id} is listed twice in VoiceConnectorItems")
        seen.add(vc_id)
        checked.append({"VoiceConnectorId": vc_id, "Priority": item.get("Priority")})
    limits = scope.backend.quotas
    if limits is not None:
        quotas.check(limits.voice_connectors_per_group, 0, len(checked), "voice connectors in one group")
    return checked


def create(
    scope: Scope, name: str, items: list[dict[str, Any]] | None = None, distribution: str | None = None
) -> VoiceConnectorGroup:
    checked = _items(scope, items or [])
    limits = scope.backend.quotas
    if limits is not None:
        held = sum(1 for g in scope.account.voice_connector_groups.values() if g.region == scope.region)
        quotas.check(limits.voice_connector_groups_per_region, held, 1, f"voice connector groups in {scope.region}")
    now = scope.now
    group = VoiceConnectorGroup(
        VoiceConnectorGroupId=scope.backend.new_voice_connector_group_id(),
        Name=name,
        VoiceConnectorItems=checked,
        CreatedTimestamp=now,
        UpdatedTimestamp=now,
        region=scope.region,
        account=scope.account.account_id,
        CallDistributionType=distribution,
    )
    scope.account.voice_connector_groups[group.VoiceConnectorGroupId] = group
    return group


def update(
    scope: Scope, group_id: str, name: str, items: list[dict[str, Any]], distribution: str | None = None
) -> VoiceConnectorGroup:
    group = get(scope, group_id)
    checked = _items(scope, items)
    group.Name, group.VoiceConnectorItems, group.UpdatedTimestamp = name, checked, scope.now
    if distribution is not None:
        group.CallDistributionType = distribution
    return group


def numbers_of(scope: Scope, group_id: str) -> list[str]:
    return sorted(
        n.E164PhoneNumber for n in scope.account.phone_numbers.values() if n.VoiceConnectorGroupId == group_id
    )


def delete(scope: Scope, group_id: str) -> None:
    """API reference, DeleteVoiceConnectorGroup: "Any VoiceConnectorItems and phone numbers associated with
    the group must be removed before it can be deleted." """
    group = get(scope, group_id)
    settle(scope)
    numbers = numbers_of(scope, group_id)
    if numbers:
        raise Conflict(
            f"Voice connector group {group_id} still has phone numbers associated ({', '.join(numbers)}); "
            "disassociate them first"
        )
    if group.VoiceConnectorItems:
        connectors = ", ".join(i["VoiceConnectorId"] for i in group.VoiceConnectorItems)
        raise Conflict(
            f"Voice connector group {group_id} still has voice connectors ({connectors}); remove them "
            "(UpdateVoiceConnectorGroup with VoiceConnectorItems=[]) first"
        )
    del scope.account.voice_connector_groups[group_id]


def groups_of(scope: Scope, vc_id: str) -> list[str]:
    return sorted(
        g.VoiceConnectorGroupId
        for g in scope.account.voice_connector_groups.values()
        if any(i["VoiceConnectorId"] == vc_id for i in g.VoiceConnectorItems)
    )


def associate(scope: Scope, group_id: str, numbers: Iterable[str], force: bool = False) -> Errors:
    """Per-number errors (id, ErrorCode, message), as AssociatePhoneNumbersWithVoiceConnector reports them."""
    group = get(scope, group_id)
    settle(scope)
    errors: Errors = []
    now = scope.now
    for raw in numbers:
        number = scope.account.phone_numbers.get(geo.e164(raw))
        if number is None or number.Status == "DeleteInProgress":
            errors.append((raw, "NotFound", f"Phone number {raw} is not in the account's inventory"))
            continue
        if number.Status == "AcquireInProgress":
            errors.append(
                (
                    raw,
                    "BadRequest",
                    f"Phone number {raw} is still being acquired; associate it once its order completes",
                )
            )
            continue
        if number.ProductType != "VoiceConnector":
            errors.append(
                (raw, "BadRequest", f"Phone number {raw} has product type {number.ProductType}, not VoiceConnector")
            )
            continue
        held = number.association
        if held is not None and held != ("VoiceConnectorGroupId", group_id) and not force:
            code = (
                "VoiceConnectorGroupAssociationsExist"
                if held[0] == "VoiceConnectorGroupId"
                else "PhoneNumberAssociationsExist"
            )
            errors.append(
                (
                    raw,
                    code,
                    f"Phone number {raw} is associated with {number.held_by}; pass ForceAssociate=True to move it",
                )
            )
            continue
        number.VoiceConnectorId = None
        number.VoiceConnectorGroupId = group.VoiceConnectorGroupId
        number.Status = "Assigned"
        number.AssociatedTimestamp = number.UpdatedTimestamp = now
    return errors


def disassociate(scope: Scope, group_id: str, numbers: Iterable[str]) -> Errors:
    group = get(scope, group_id)
    settle(scope)
    errors: Errors = []
    for raw in numbers:
        number = scope.account.phone_numbers.get(geo.e164(raw))
        if number is None or number.VoiceConnectorGroupId != group.VoiceConnectorGroupId:
            errors.append(
                (raw, "NotFound", f"Phone number {raw} is not associated with voice connector group {group_id}")
            )
            continue
        number.VoiceConnectorGroupId = None
        number.AssociatedTimestamp = None
        number.Status = "Unassigned"
        number.UpdatedTimestamp = scope.now
    return errors
