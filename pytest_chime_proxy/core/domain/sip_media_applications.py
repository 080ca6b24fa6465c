"""SIP media applications: CRUD, logging configuration, and the calls placed through them.

An application lives in its ``AwsRegion`` and, like a voice connector, is seen by that region's
chime-sdk-voice endpoint (the legacy endpoint is global). It cannot be deleted while a SIP rule targets it.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_chime_proxy.core.domain import geo, quotas
from pytest_chime_proxy.core.domain.call_routing_records import SipMediaApplication, SipMediaApplicationCall
from pytest_chime_proxy.core.domain.errors import BadRequest, Conflict, Gone, NotFound
from pytest_chime_proxy.core.domain.phone_numbers import settle
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.domain.tags import initial

_LAMBDA_REGION = re.compile(r"arn:[^:]*:lambda:([^:]+):")
DIAL_IN = "SipMediaApplicationDialIn"


def visible(scope: Scope) -> list[SipMediaApplication]:
    return sorted(
        (a for a in scope.account.sip_media_applications.values() if _sees(scope, a)),
        key=lambda a: (a.CreatedTimestamp, a.SipMediaApplicationId),
    )


def _sees(scope: Scope, app: SipMediaApplication) -> bool:
    return scope.namespace == "chime" or app.AwsRegion == scope.region


def get(scope: Scope, app_id: str) -> SipMediaApplication:
    app = scope.account.sip_media_applications.get(app_id)
    if app is None or not _sees(scope, app):
        raise NotFound(f"Could not find SipMediaApplication with Id '{app_id}'")
    return app


def _check_endpoints(endpoints: list[dict[str, Any]], region: str) -> list[dict[str, str]]:
    """The Lambda must be in the application's region (Administrator Guide, "Creating a SIP media
    application"; README, "Assumptions")."""
    for endpoint in endpoints:
        arn = endpoint.get("LambdaArn")
        if not arn:
            raise BadRequest("Each SIP media application endpoint needs a LambdaArn")
        m = _LAMBDA_REGION.match(arn)
        if m is not None and m.group(1) != region:
            raise BadRequest(
                f"The endpoint's Lambda function is in {m.group(1)}; a SIP media application in {region} "
                f"needs a Lambda function in {region}"
            )
    return [{"LambdaArn": e["LambdaArn"]} for e in endpoints]


def create(
    scope: Scope, region: str, name: str, endpoints: list[dict[str, Any]], tags: list[dict[str, str]] | None = None
) -> SipMediaApplication:
    checked = _check_endpoints(endpoints, region)
    limits = scope.backend.quotas
    if limits is not None:
        held = sum(1 for a in scope.account.sip_media_applications.values() if a.AwsRegion == region)
        quotas.check(limits.sip_media_applications_per_region, held, 1, f"SIP media applications in {region}")
    now = scope.now
    app = SipMediaApplication(
        SipMediaApplicationId=scope.backend.new_uuid(),
        Name=name,
        AwsRegion=region,
        Endpoints=checked,
        CreatedTimestamp=now,
        UpdatedTimestamp=now,
        account=scope.account.account_id,
        tags=initial(tags),
    )
    scope.account.sip_media_applications[app.SipMediaApplicationId] = app
    return app


def update(
    scope: Scope, app_id: str, name: str | None = None, endpoints: list[dict[str, Any]] | None = None
) -> SipMediaApplication:
    app = get(scope, app_id)
    checked = None if endpoints is None else _check_endpoints(endpoints, app.AwsRegion)
    if name is not None:
        app.Name = name
    if checked is not None:
        app.Endpoints = checked
    app.UpdatedTimestamp = scope.now
    return app


def rules_targeting(scope: Scope, app_id: str) -> list[str]:
    return sorted(
        r.SipRuleId
        for r in scope.account.sip_rules.values()
        if any(t.get("SipMediaApplicationId") == app_id for t in r.TargetApplications)
    )


def delete(scope: Scope, app_id: str) -> None:
    """An application a SIP rule targets cannot be deleted (README, "Assumptions")."""
    app = get(scope, app_id)
    rules = rules_targeting(scope, app_id)
    if rules:
        raise Conflict(
            f"SIP media application {app_id} is a target of SIP rule(s) {', '.join(rules)}; remove it from "
            "their TargetApplications or delete them first"
        )
    del scope.account.sip_media_applications[app.SipMediaApplicationId]


def put_logging(scope: Scope, app_id: str, config: dict[str, Any] | None) -> dict[str, Any]:
    app = get(scope, app_id)
    app.logging = {
        "EnableSipMediaApplicationMessageLogs": bool((config or {}).get("EnableSipMediaApplicationMessageLogs"))
    }
    return app.logging


def get_logging(scope: Scope, app_id: str) -> dict[str, Any]:
    """Never put: message logs are off."""
    return get(scope, app_id).logging or {"EnableSipMediaApplicationMessageLogs": False}


def alexa_skill_configuration(scope: Scope, app_id: str) -> None:
    """Withdrawn: the model says the Alexa Skill API "is no longer available for use" and declares GoneException."""
    get(scope, app_id)
    raise Gone(
        "Due to changes made by the Amazon Alexa service, the SIP media application Alexa Skill configuration "
        "is no longer available for use"
    )


def create_call(
    scope: Scope,
    app_id: str,
    from_number: str,
    to_number: str,
    sip_headers: dict[str, str] | None = None,
    arguments: dict[str, str] | None = None,
) -> SipMediaApplicationCall:
    """An outbound call: the From number must be in the account's inventory as a SipMediaApplicationDialIn
    number (API reference: "a phone number in your Amazon Chime SDK phone number inventory")."""
    app = get(scope, app_id)
    settle(scope)
    owned = scope.account.phone_numbers.get(geo.e164(from_number))
    if owned is None or owned.Status in ("DeleteInProgress", "AcquireInProgress"):
        raise BadRequest(
            f"FromPhoneNumber {from_number} is not in the account's phone number inventory; order it "
            f"(ProductType {DIAL_IN}) first"
        )
    if owned.ProductType != DIAL_IN:
        raise BadRequest(f"FromPhoneNumber {from_number} has product type {owned.ProductType}, not {DIAL_IN}")
    call = SipMediaApplicationCall(
        TransactionId=scope.backend.new_uuid(),
        FromPhoneNumber=owned.E164PhoneNumber,
        ToPhoneNumber=geo.e164(to_number),
        CreatedTimestamp=scope.now,
        SipHeaders=dict(sip_headers or {}),
        ArgumentsMap=dict(arguments or {}),
    )
    app.calls[call.TransactionId] = call
    return call


def update_call(scope: Scope, app_id: str, transaction_id: str, arguments: dict[str, str]) -> SipMediaApplicationCall:
    app = get(scope, app_id)
    call = app.calls.get(transaction_id)
    if call is None:
        raise NotFound(f"Could not find a call with TransactionId '{transaction_id}' on SIP media application {app_id}")
    call.updates.append(dict(arguments))
    return call
