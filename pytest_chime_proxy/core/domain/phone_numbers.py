"""The phone-number inventory that feeds proxy pools: order, list, get, associate, disassociate, delete.

Time runs on the mock's clock: an order stays ``Processing`` (its numbers ``AcquireInProgress``) for the
backend's ``order_delay``, then each number is ``Acquired`` or, when the account already owned it,
``Failed``; a deleted number waits in the deletion queue (``DeleteInProgress``) for seven days, then is gone.
Both happen lazily, when the account is next read (``settle``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from pytest_chime_proxy.core.domain import geo, quotas
from pytest_chime_proxy.core.domain.errors import BadRequest, NotFound
from pytest_chime_proxy.core.domain.model import PhoneNumber, PhoneNumberOrder
from pytest_chime_proxy.core.domain.state import AccountState, Scope

# Amazon Chime SDK Administration Guide, "Deleting phone numbers": deleted numbers stay in the deletion
# queue for 7 days before they are deleted permanently.
DELETION_QUEUE = timedelta(days=7)
# UpdatePhoneNumber's reference: "Updates to outbound calling names can take 72 hours to complete. Pending
# updates to outbound calling names must be complete before you can request another update."
CALLING_NAME_DELAY = timedelta(hours=72)
DIAL_IN = "SipMediaApplicationDialIn"
# The NANP toll-free area codes (the TollFreePrefix pattern of both models: ^8(00|33|44|55|66|77|88)$).
TOLL_FREE_AREA_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def number_type(number: str) -> str:
    """``TollFree`` for a +1 8XX toll-free number, ``Local`` for any other."""
    return "TollFree" if number.startswith("+1") and number[2:5] in TOLL_FREE_AREA_CODES else "Local"


def number_key(phone_number_id: str) -> str:
    """The E.164 number a ``PhoneNumberId`` names, in the forms the service takes: ``+12065550100`` (the AWS
    CLI's documented inputs), ``%2B12065550100`` (the id as the service writes it, passed back) and
    ``12065550100``."""
    given = phone_number_id.strip()
    if given[:3].upper() == "%2B":  # the id's own form: its "+" percent-encoded once
        given = "+" + given[3:]
    return geo.e164(given)


def check_product_type(number: str, product_type: str) -> None:
    """CreatePhoneNumberOrder's and UpdatePhoneNumber's reference: "For numbers outside the U.S., you must use
    the Amazon Chime SDK SIP media application dial-in product type"; the legacy reference adds that toll-free
    numbers cannot be Business Calling numbers."""
    where = geo.country(number)
    if where != "US" and product_type != DIAL_IN:
        raise BadRequest(
            f"Phone number {number} is outside the US ({where or 'no country'}): numbers outside the US must use "
            f"ProductType {DIAL_IN}, not {product_type}"
        )
    if product_type == "BusinessCalling" and number_type(number) == "TollFree":
        raise BadRequest(
            f"Phone number {number} is toll-free: toll-free numbers cannot use ProductType BusinessCalling"
        )


def settle(scope: Scope) -> None:
    """Complete the orders whose processing time is over and drop the numbers whose queue time is over."""
    account = scope.account
    now = scope.backend.clock.time()
    if now < account.next_settle:
        return
    _settle(account, now)


def _settle(account: AccountState, now: float) -> None:
    upcoming = float("inf")
    for order in account.orders.values():
        if order.ready_at is None:
            continue
        ready = order.ready_at.timestamp()
        if ready > now:
            upcoming = min(upcoming, ready)
            continue
        _complete(account, order)
    for number in list(account.phone_numbers.values()):
        if number.calling_name_ready_at is not None:
            ready = number.calling_name_ready_at.timestamp()
            if ready <= now:
                number.CallingNameStatus = "UpdateSucceeded"
                number.calling_name_ready_at = None
            else:
                upcoming = min(upcoming, ready)
        if number.Status == "DeleteInProgress" and number.DeletionTimestamp is not None:
            gone = (number.DeletionTimestamp + DELETION_QUEUE).timestamp()
            if gone <= now:
                del account.phone_numbers[number.E164PhoneNumber]
            else:
                upcoming = min(upcoming, gone)
    account.next_settle = upcoming


def _complete(account: AccountState, order: PhoneNumberOrder) -> None:
    when = order.ready_at or order.UpdatedTimestamp
    order.OrderedPhoneNumbers = list(order.outcome)
    order.UpdatedTimestamp = when
    order.ready_at = None
    for number, status in order.outcome:
        owned = account.phone_numbers.get(number)
        if status == "Acquired" and owned is not None and owned.OrderId == order.PhoneNumberOrderId:
            owned.Status = "Unassigned"
            owned.UpdatedTimestamp = when


def order(
    scope: Scope, numbers: Iterable[str], product_type: str, name: str | None = None, delay: timedelta = timedelta(0)
) -> PhoneNumberOrder:
    """Order numbers; the order is Processing for ``delay`` on the clock (the API passes the backend's
    ``order_delay``; the mock's helpers order at once)."""
    settle(scope)
    now = scope.now
    numbers = [geo.e164(n) for n in numbers]
    if not numbers:
        raise BadRequest("E164PhoneNumbers must name at least one phone number")
    for number in numbers:
        check_product_type(number, product_type)
    account = scope.account
    limits = scope.backend.quotas
    if limits is not None:
        held = sum(1 for n in account.phone_numbers.values() if n.Status != "DeleteInProgress")
        new = len(
            {
                n
                for n in numbers
                if n not in account.phone_numbers or account.phone_numbers[n].Status == "DeleteInProgress"
            }
        )
        quotas.check(limits.phone_numbers_per_account, held, new, "phone numbers")
    order_id = scope.backend.new_uuid()
    outcome: list[tuple[str, str]] = []
    for number in numbers:
        existing = account.phone_numbers.get(number)
        if existing is not None and existing.Status != "DeleteInProgress":
            outcome.append((number, "Failed"))
            continue
        account.phone_numbers[number] = PhoneNumber(
            E164PhoneNumber=number,
            Country=geo.country(number),
            ProductType=product_type,
            OrderId=order_id,
            CreatedTimestamp=now,
            UpdatedTimestamp=now,
            Name=name,
            Type=number_type(number),
            Status="AcquireInProgress",
        )
        outcome.append((number, "Acquired"))
    result = PhoneNumberOrder(
        order_id, product_type, [(n, "Processing") for n, _ in outcome], now, now, name, outcome, now + delay
    )
    account.orders[order_id] = result
    if delay <= timedelta(0):
        _complete(account, result)
    else:
        account.next_settle = min(account.next_settle, (now + delay).timestamp())
    return result


def get_order(scope: Scope, order_id: str) -> PhoneNumberOrder:
    settle(scope)
    try:
        return scope.account.orders[order_id]
    except KeyError:
        raise NotFound(f"Phone number order {order_id} not found") from None


def list_orders(scope: Scope) -> list[PhoneNumberOrder]:
    """The account's orders, oldest first."""
    settle(scope)
    return sorted(scope.account.orders.values(), key=lambda o: (o.CreatedTimestamp, o.PhoneNumberOrderId))


def get(scope: Scope, phone_number_id: str) -> PhoneNumber:
    settle(scope)
    number = scope.account.phone_numbers.get(number_key(phone_number_id))
    if number is None:
        raise NotFound(f"Phone number {phone_number_id} not found")
    return number


def list_numbers(
    scope: Scope,
    status: str | None = None,
    product_type: str | None = None,
    filter_name: str | None = None,
    filter_value: str | None = None,
) -> list[PhoneNumber]:
    if (filter_name is None) != (filter_value is None):
        raise BadRequest("FilterName and FilterValue must be given together")
    settle(scope)
    if filter_name is not None and filter_name != "VoiceConnectorId":
        found: list[PhoneNumber] = []  # the fake associates numbers with voice connectors only
    else:
        found = [
            n
            for n in scope.account.phone_numbers.values()
            if filter_value is None or n.VoiceConnectorId == filter_value
        ]
    return sorted(
        (
            n
            for n in found
            if (status is None or n.Status == status) and (product_type is None or n.ProductType == product_type)
        ),
        key=lambda n: n.E164PhoneNumber,
    )


def delete(scope: Scope, phone_number_id: str) -> None:
    number = get(scope, phone_number_id)
    held = number.association
    if number.Status == "Assigned" and held is not None:
        how = "delete the SIP rule" if held[0] == "SipRuleId" else "disassociate it"
        raise BadRequest(
            f"Phone number {number.E164PhoneNumber} is assigned to {number.held_by}; {how} before deleting it"
        )
    if number.Status == "AcquireInProgress":
        raise BadRequest(
            f"Phone number {number.E164PhoneNumber} is still being acquired (order "
            f"{number.OrderId} is Processing); delete it once the order has completed"
        )
    if number.Status != "DeleteInProgress":
        number.Status = "DeleteInProgress"
        number.DeletionTimestamp = number.UpdatedTimestamp = scope.now
        scope.account.next_settle = min(
            scope.account.next_settle, (number.DeletionTimestamp + DELETION_QUEUE).timestamp()
        )


def associate(
    scope: Scope, voice_connector_id: str, numbers: Iterable[str], force: bool = False
) -> list[tuple[str, str, str]]:
    """Associate numbers with a voice connector; returns per-number errors (id, ErrorCode, message)."""
    vc = scope.voice_connector(voice_connector_id)
    settle(scope)
    errors: list[tuple[str, str, str]] = []
    now = scope.now
    for raw in numbers:
        number = scope.account.phone_numbers.get(geo.e164(raw))
        if number is None or number.Status == "DeleteInProgress":
            errors.append((raw, "NotFound", f"Phone number {raw} is not in the account's inventory"))
        elif number.Status == "AcquireInProgress":
            errors.append(
                (
                    raw,
                    "BadRequest",
                    f"Phone number {raw} is still being acquired (order "
                    f"{number.OrderId} is Processing); associate it once it completes",
                )
            )
        elif number.ProductType != "VoiceConnector":
            errors.append(
                (raw, "BadRequest", f"Phone number {raw} has product type {number.ProductType}, not VoiceConnector")
            )
        elif number.association not in (None, ("VoiceConnectorId", vc.VoiceConnectorId)) and not force:
            held = number.association or ("", "")
            errors.append(
                (
                    raw,
                    "VoiceConnectorGroupAssociationsExist"
                    if held[0] == "VoiceConnectorGroupId"
                    else "PhoneNumberAssociationsExist",
                    f"Phone number {raw} is associated with {number.held_by}; pass ForceAssociate=True to move it",
                )
            )
        else:
            number.VoiceConnectorGroupId = None
            number.VoiceConnectorId = vc.VoiceConnectorId
            number.Status = "Assigned"
            number.AssociatedTimestamp = number.UpdatedTimestamp = now
    return errors


def disassociate(scope: Scope, voice_connector_id: str, numbers: Iterable[str]) -> list[tuple[str, str, str]]:
    vc = scope.voice_connector(voice_connector_id)
    settle(scope)
    errors: list[tuple[str, str, str]] = []
    for raw in numbers:
        number = scope.account.phone_numbers.get(geo.e164(raw))
        if number is None or number.VoiceConnectorId != vc.VoiceConnectorId:
            errors.append(
                (raw, "NotFound", f"Phone number {raw} is not associated with voice connector {vc.VoiceConnectorId}")
            )
            continue
        number.VoiceConnectorId = None
        number.AssociatedTimestamp = None
        number.Status = "Unassigned"
        number.UpdatedTimestamp = scope.now
        # the number no longer reaches the connector: the sessions it proxies end with it
        from pytest_chime_proxy.core.domain.proxy_sessions import end_live  # proxy_sessions imports this module

        end_live(scope, vc, number.E164PhoneNumber)
    return errors


def pool(scope: Scope, vc_id: str) -> list[PhoneNumber]:
    """The numbers associated with a voice connector, sorted, whatever their country."""
    return sorted(
        (n for n in scope.account.phone_numbers.values() if n.VoiceConnectorId == vc_id and n.Status == "Assigned"),
        key=lambda n: n.E164PhoneNumber,
    )
