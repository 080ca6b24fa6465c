"""The operation table: each emulated operation as a small function from input members to output data.

The wire layer has already routed, parsed and validated the request; these functions call the domain and
shape its records into the output members. Both namespaces share them (same URIs, same members); where the
namespaces differ it is in the model snapshots, which the wire layer applies.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pytest_chime_proxy.core.domain import (
    connector_settings,
    number_search,
    phone_numbers,
    proxy_sessions,
    voice_connectors,
)
from pytest_chime_proxy.core.domain.errors import BadRequest, Forbidden, NotEmulated
from pytest_chime_proxy.core.domain.model import (
    PhoneNumber,
    PhoneNumberOrder,
    ProxyConfig,
    ProxySession,
    VoiceConnector,
)
from pytest_chime_proxy.core.domain.state import Backend, Scope

Data = dict[str, Any]
Handler = Callable[[Scope, Data], "Data | None"]
H = TypeVar("H", bound=Handler)
T = TypeVar("T")
DEFAULT_PAGE = 100  # only when a model gives MaxResults no maximum; see _model_cap

HANDLERS: dict[str, Handler] = {}
"""Operation name -> handler: the one list of emulated operations (``tools/snapshot_spec.py`` reads it)."""


def operation(name: str) -> Callable[[H], H]:
    """Register a handler under the operation name the service models use (``CreateProxySession``)."""

    def register(handler: H) -> H:
        if name in HANDLERS:
            raise ValueError(f"operation {name} is registered twice ({HANDLERS[name].__name__}, {handler.__name__})")
        HANDLERS[name] = handler
        return handler

    return register


def handler(name: str) -> Handler:
    """The handler of a routed operation; one the snapshot routes but nothing answers is the loud 501."""
    found = HANDLERS.get(name)
    if found is None:
        raise NotEmulated(
            f"pytest-chime-proxy routes operation {name} but has no handler for it; "
            "register one with @operation in pytest_chime_proxy/service.py"
        )
    return found


def emulated() -> list[str]:
    """The emulated operations, sorted."""
    return sorted(HANDLERS)


def admit(backend: Backend, namespace: str, account: str) -> None:
    """With the legacy cut-off on, refuse every legacy ``chime`` call as AWS refuses new accounts (403
    ForbiddenException; the message reported in amazon-chime-sdk-js issues 2697 and 2870)."""
    if backend.legacy_cutoff and namespace == "chime":
        raise Forbidden(
            f"Account Id {account} is not authorized to call deprecated Amazon Chime SDK API on the "
            '"chime" endpoint, use one of the "*-chime*" endpoints instead.'
        )


# ---- pagination -------------------------------------------------------------------------------------------
def _model_cap(scope: Scope, operation: str) -> int:
    """The namespace model's maximum MaxResults for ``operation`` (ListProxySessions: 99 legacy, 100 voice)."""
    from pytest_chime_proxy.core.wire import spec as _spec

    model = _spec.load(scope.namespace)
    members = model.shape(model.operations[operation].input or "")["members"]
    return int(model.shape(members["MaxResults"]["shape"]).get("max", DEFAULT_PAGE))


def _page(
    items: Sequence[T], params: Data, key: Callable[[T], Any], cap: int = DEFAULT_PAGE, ordered: bool = False
) -> tuple[list[T], str | None]:
    """One page after NextToken; the token names the last key returned, so deletions do not shift pages.

    ``ordered``: ``items`` are sorted by ``key``, so the page start is found by bisection, not a scan.

    Without MaxResults a page holds ``cap``, the namespace model's maximum (an assumption).
    """
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
            # inside the try: a forged token's key of another type ({"after": ""}) must not compare
            start = (
                bisect.bisect_right(items, after, key=key)
                if ordered
                else next((i for i, item in enumerate(items) if key(item) > after), len(items))
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise BadRequest(f"Invalid NextToken '{token}'") from None
    size = params.get("MaxResults") or cap
    page = list(items[start : start + size])
    more = start + size < len(items)
    next_token = base64.urlsafe_b64encode(json.dumps({"after": key(page[-1])}).encode()).decode() if more else None
    return page, next_token


# ---- shaping records into output members ------------------------------------------------------------------
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


def proxy_data(p: ProxyConfig) -> Data:
    return {
        "DefaultSessionExpiryMinutes": p.DefaultSessionExpiryMinutes,
        "Disabled": p.Disabled,
        "FallBackPhoneNumber": p.FallBackPhoneNumber,
        "PhoneNumberCountries": p.PhoneNumberCountries,
    }


def phone_number_data(n: PhoneNumber, account: str) -> Data:
    voice = n.ProductType == "VoiceConnector"
    return {
        "PhoneNumberId": n.PhoneNumberId,
        "E164PhoneNumber": n.E164PhoneNumber,
        "Country": n.Country,
        "PhoneNumberArn": f"arn:aws:chime:us-east-1:{account}:phone-number/{n.E164PhoneNumber}",
        "Type": n.Type,
        "ProductType": n.ProductType,
        "Status": n.Status,
        "Capabilities": {
            "InboundCall": True,
            "OutboundCall": True,
            "InboundSMS": voice,
            "OutboundSMS": voice,
            "InboundMMS": voice,
            "OutboundMMS": voice,
        },
        "Associations": []
        if n.VoiceConnectorId is None
        else [{"Name": "VoiceConnectorId", "Value": n.VoiceConnectorId, "AssociatedTimestamp": n.AssociatedTimestamp}],
        "CallingName": None,
        "CallingNameStatus": "Unassigned",
        "CreatedTimestamp": n.CreatedTimestamp,
        "UpdatedTimestamp": n.UpdatedTimestamp,
        "DeletionTimestamp": n.DeletionTimestamp,
        "OrderId": n.OrderId,
        "Name": n.Name,
    }


def order_data(o: PhoneNumberOrder) -> Data:
    return {
        "PhoneNumberOrderId": o.PhoneNumberOrderId,
        "ProductType": o.ProductType,
        "Status": o.Status,
        "OrderType": "New",
        "OrderedPhoneNumbers": [{"E164PhoneNumber": n, "Status": s} for n, s in o.OrderedPhoneNumbers],
        "CreatedTimestamp": o.CreatedTimestamp,
        "UpdatedTimestamp": o.UpdatedTimestamp,
        "FocDate": None,
    }


def _errors(errors: list[tuple[str, str, str]]) -> Data:
    return {"PhoneNumberErrors": [{"PhoneNumberId": n, "ErrorCode": c, "ErrorMessage": m} for n, c, m in errors]}


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
    page, token = _page(sessions, p, lambda s: s.seq, _model_cap(scope, "ListProxySessions"), ordered=True)
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


@operation("CreateVoiceConnector")
def create_voice_connector(scope: Scope, p: Data) -> Data:
    vc = voice_connectors.create(
        scope, p["Name"], p["RequireEncryption"], p.get("AwsRegion"), p.get("IntegrationType"), p.get("NetworkType")
    )
    return {"VoiceConnector": voice_connector_data(vc)}


@operation("GetVoiceConnector")
def get_voice_connector(scope: Scope, p: Data) -> Data:
    return {"VoiceConnector": voice_connector_data(scope.voice_connector(p["VoiceConnectorId"]))}


@operation("ListVoiceConnectors")
def list_voice_connectors(scope: Scope, p: Data) -> Data:
    page, token = _page(
        voice_connectors.visible(scope),
        p,
        lambda vc: f"{vc.CreatedTimestamp.isoformat()}|{vc.VoiceConnectorId}",
        _model_cap(scope, "ListVoiceConnectors"),
    )
    return {"VoiceConnectors": [voice_connector_data(vc) for vc in page], "NextToken": token}


@operation("UpdateVoiceConnector")
def update_voice_connector(scope: Scope, p: Data) -> Data:
    vc = voice_connectors.update(scope, p["VoiceConnectorId"], p["Name"], p["RequireEncryption"])
    return {"VoiceConnector": voice_connector_data(vc)}


@operation("DeleteVoiceConnector")
def delete_voice_connector(scope: Scope, p: Data) -> None:
    voice_connectors.delete(scope, p["VoiceConnectorId"])


@operation("CreatePhoneNumberOrder")
def create_phone_number_order(scope: Scope, p: Data) -> Data:
    order = phone_numbers.order(
        scope, p["E164PhoneNumbers"], p["ProductType"], p.get("Name"), scope.backend.order_delay
    )
    return {"PhoneNumberOrder": order_data(order)}


@operation("GetPhoneNumberOrder")
def get_phone_number_order(scope: Scope, p: Data) -> Data:
    return {"PhoneNumberOrder": order_data(phone_numbers.get_order(scope, p["PhoneNumberOrderId"]))}


@operation("ListPhoneNumbers")
def list_phone_numbers(scope: Scope, p: Data) -> Data:
    numbers = phone_numbers.list_numbers(
        scope, p.get("Status"), p.get("ProductType"), p.get("FilterName"), p.get("FilterValue")
    )
    page, token = _page(numbers, p, lambda n: n.E164PhoneNumber, _model_cap(scope, "ListPhoneNumbers"))
    return {"PhoneNumbers": [phone_number_data(n, scope.account.account_id) for n in page], "NextToken": token}


@operation("GetPhoneNumber")
def get_phone_number(scope: Scope, p: Data) -> Data:
    number = phone_numbers.get(scope, p["PhoneNumberId"])
    return {"PhoneNumber": phone_number_data(number, scope.account.account_id)}


@operation("DeletePhoneNumber")
def delete_phone_number(scope: Scope, p: Data) -> None:
    phone_numbers.delete(scope, p["PhoneNumberId"])


@operation("AssociatePhoneNumbersWithVoiceConnector")
def associate_phone_numbers_with_voice_connector(scope: Scope, p: Data) -> Data:
    return _errors(
        phone_numbers.associate(scope, p["VoiceConnectorId"], p["E164PhoneNumbers"], bool(p.get("ForceAssociate")))
    )


@operation("DisassociatePhoneNumbersFromVoiceConnector")
def disassociate_phone_numbers_from_voice_connector(scope: Scope, p: Data) -> Data:
    return _errors(phone_numbers.disassociate(scope, p["VoiceConnectorId"], p["E164PhoneNumbers"]))


@operation("SearchAvailablePhoneNumbers")
def search_available_phone_numbers(scope: Scope, p: Data) -> Data:
    owned = scope.account.phone_numbers
    numbers = [
        n
        for n in number_search.search(
            p.get("Country"),
            p.get("AreaCode"),
            p.get("City"),
            p.get("State"),
            p.get("TollFreePrefix"),
            p.get("PhoneNumberType"),
        )
        if n not in owned
    ]
    page, token = _page(numbers, p, lambda n: n, _model_cap(scope, "SearchAvailablePhoneNumbers"), ordered=True)
    return {"E164PhoneNumbers": page, "NextToken": token}


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


@operation("PutVoiceConnectorTerminationCredentials")
def put_voice_connector_termination_credentials(scope: Scope, p: Data) -> None:
    connector_settings.put_credentials(scope, p["VoiceConnectorId"], p.get("Credentials", []))


@operation("ListVoiceConnectorTerminationCredentials")
def list_voice_connector_termination_credentials(scope: Scope, p: Data) -> Data:
    return {"Usernames": connector_settings.usernames(scope, p["VoiceConnectorId"])}


@operation("DeleteVoiceConnectorTerminationCredentials")
def delete_voice_connector_termination_credentials(scope: Scope, p: Data) -> None:
    connector_settings.delete_credentials(scope, p["VoiceConnectorId"], p["Usernames"])
