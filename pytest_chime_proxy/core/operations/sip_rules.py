"""SIP rules: Create/Get/List/Update/DeleteSipRule."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import sip_rules
from pytest_chime_proxy.core.domain.call_routing_records import SipRule
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.paging import model_cap, paginate
from pytest_chime_proxy.core.operations.registry import Data, operation


def rule_data(r: SipRule) -> Data:
    return {
        "SipRuleId": r.SipRuleId,
        "Name": r.Name,
        "Disabled": r.Disabled,
        "TriggerType": r.TriggerType,
        "TriggerValue": r.TriggerValue,
        "TargetApplications": r.TargetApplications,
        "CreatedTimestamp": r.CreatedTimestamp,
        "UpdatedTimestamp": r.UpdatedTimestamp,
    }


@operation("CreateSipRule")
def create_sip_rule(scope: Scope, p: Data) -> Data:
    rule = sip_rules.create(
        scope, p["Name"], p["TriggerType"], p["TriggerValue"], p.get("TargetApplications") or [], p.get("Disabled")
    )
    return {"SipRule": rule_data(rule)}


@operation("GetSipRule")
def get_sip_rule(scope: Scope, p: Data) -> Data:
    return {"SipRule": rule_data(sip_rules.get(scope, p["SipRuleId"]))}


@operation("ListSipRules")
def list_sip_rules(scope: Scope, p: Data) -> Data:
    page, token = paginate(
        sip_rules.listed(scope, p.get("SipMediaApplicationId")),
        p,
        lambda r: f"{r.CreatedTimestamp.isoformat()}|{r.SipRuleId}",
        model_cap(scope, "ListSipRules"),
    )
    return {"SipRules": [rule_data(r) for r in page], "NextToken": token}


@operation("UpdateSipRule")
def update_sip_rule(scope: Scope, p: Data) -> Data:
    rule = sip_rules.update(scope, p["SipRuleId"], p["Name"], p.get("Disabled"), p.get("TargetApplications"))
    return {"SipRule": rule_data(rule)}


@operation("DeleteSipRule")
def delete_sip_rule(scope: Scope, p: Data) -> None:
    sip_rules.delete(scope, p["SipRuleId"])
