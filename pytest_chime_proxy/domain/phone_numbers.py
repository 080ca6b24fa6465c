"""The phone-number inventory that feeds proxy pools: order, list, get, associate, disassociate, delete.

Assumptions (no source says otherwise): an order completes at once (Successful) for every number that is
not already in the inventory, which fails individually; a deleted number goes to the deletion queue
(``DeleteInProgress``, as in Chime) and leaves every pool.
"""

from __future__ import annotations

from typing import Iterable

from . import geo
from .errors import BadRequest, NotFound
from .model import PhoneNumber, PhoneNumberOrder
from .state import Scope


def order(scope: Scope, numbers: Iterable[str], product_type: str, name: str | None = None) -> PhoneNumberOrder:
    now = scope.now
    numbers = list(numbers)
    if not numbers:
        raise BadRequest("E164PhoneNumbers must name at least one phone number")
    order_id = scope.backend.new_uuid()
    ordered: list[tuple[str, str]] = []
    for number in numbers:
        number = geo.e164(number)
        existing = scope.account.phone_numbers.get(number)
        if existing is not None and existing.Status != "DeleteInProgress":
            ordered.append((number, "Failed"))
            continue
        scope.account.phone_numbers[number] = PhoneNumber(
            E164PhoneNumber=number, Country=geo.country(number), ProductType=product_type, OrderId=order_id,
            CreatedTimestamp=now, UpdatedTimestamp=now, Name=name,
        )
        ordered.append((number, "Acquired"))
    result = PhoneNumberOrder(order_id, product_type, ordered, now, now, name)
    scope.account.orders[order_id] = result
    return result


def get_order(scope: Scope, order_id: str) -> PhoneNumberOrder:
    try:
        return scope.account.orders[order_id]
    except KeyError:
        raise NotFound(f"Phone number order {order_id} not found") from None


def get(scope: Scope, phone_number_id: str) -> PhoneNumber:
    number = scope.account.phone_numbers.get(geo.e164(phone_number_id))
    if number is None:
        raise NotFound(f"Phone number {phone_number_id} not found")
    return number


def list_numbers(scope: Scope, status: str | None = None, product_type: str | None = None,
                 filter_name: str | None = None, filter_value: str | None = None) -> list[PhoneNumber]:
    if (filter_name is None) != (filter_value is None):
        raise BadRequest("FilterName and FilterValue must be given together")
    if filter_name is not None and filter_name != "VoiceConnectorId":
        found: list[PhoneNumber] = []  # the fake associates numbers with voice connectors only
    else:
        found = [n for n in scope.account.phone_numbers.values()
                 if filter_value is None or n.VoiceConnectorId == filter_value]
    return sorted(
        (n for n in found if (status is None or n.Status == status)
         and (product_type is None or n.ProductType == product_type)),
        key=lambda n: n.E164PhoneNumber,
    )


def delete(scope: Scope, phone_number_id: str) -> None:
    number = get(scope, phone_number_id)
    if number.Status == "Assigned":
        raise BadRequest(
            f"Phone number {number.E164PhoneNumber} is associated with voice connector "
            f"{number.VoiceConnectorId}; disassociate it before deleting it"
        )
    if number.Status != "DeleteInProgress":
        number.Status = "DeleteInProgress"
        number.DeletionTimestamp = number.UpdatedTimestamp = scope.now


def associate(scope: Scope, voice_connector_id: str, numbers: Iterable[str],
              force: bool = False) -> list[tuple[str, str, str]]:
    """Associate numbers with a voice connector; returns per-number errors (id, ErrorCode, message)."""
    vc = scope.voice_connector(voice_connector_id)
    errors: list[tuple[str, str, str]] = []
    now = scope.now
    for raw in numbers:
        number = scope.account.phone_numbers.get(geo.e164(raw))
        if number is None or number.Status == "DeleteInProgress":
            errors.append((raw, "NotFound", f"Phone number {raw} is not in the account's inventory"))
        elif number.ProductType != "VoiceConnector":
            errors.append((raw, "BadRequest", f"Phone number {raw} has product type {number.ProductType}, "
                                              "not VoiceConnector"))
        elif number.VoiceConnectorId not in (None, vc.VoiceConnectorId) and not force:
            errors.append((raw, "PhoneNumberAssociationsExist",
                           f"Phone number {raw} is associated with voice connector {number.VoiceConnectorId}; "
                           "pass ForceAssociate=True to move it"))
        else:
            number.VoiceConnectorId = vc.VoiceConnectorId
            number.Status = "Assigned"
            number.AssociatedTimestamp = number.UpdatedTimestamp = now
    return errors


def disassociate(scope: Scope, voice_connector_id: str, numbers: Iterable[str]) -> list[tuple[str, str, str]]:
    vc = scope.voice_connector(voice_connector_id)
    errors: list[tuple[str, str, str]] = []
    for raw in numbers:
        number = scope.account.phone_numbers.get(geo.e164(raw))
        if number is None or number.VoiceConnectorId != vc.VoiceConnectorId:
            errors.append((raw, "NotFound", f"Phone number {raw} is not associated with voice connector "
                                            f"{vc.VoiceConnectorId}"))
            continue
        number.VoiceConnectorId = None
        number.AssociatedTimestamp = None
        number.Status = "Unassigned"
        number.UpdatedTimestamp = scope.now
    return errors


def pool(scope: Scope, vc_id: str) -> list[PhoneNumber]:
    """The numbers associated with a voice connector, sorted, whatever their country."""
    return sorted((n for n in scope.account.phone_numbers.values()
                   if n.VoiceConnectorId == vc_id and n.Status == "Assigned"),
                  key=lambda n: n.E164PhoneNumber)
