"""Keeping numbers once they are owned: update (product type, calling name, name), batch update and delete with
per-item errors, restore out of the deletion queue, and the account's default calling name.

The rules are the API reference's: one detail per update; numbers outside the US keep the SIP media application
dial-in product type; a pending calling-name update must complete (up to 72 hours, on the mock's clock) before
another; a batch may not name a number twice; numbers must be disassociated before deletion; the default
calling name can be changed once every seven days. Where the reference says nothing (an associated number
changing product type, restoring a number that is not queued), the fake refuses with a message saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pytest_chime_proxy.core.domain import phone_numbers, quotas
from pytest_chime_proxy.core.domain.errors import BadRequest, ServiceError
from pytest_chime_proxy.core.domain.model import PhoneNumber
from pytest_chime_proxy.core.domain.state import Scope

# UpdatePhoneNumberSettings' reference: "You can update the default outbound calling name once every seven days."
CALLING_NAME_INTERVAL = timedelta(days=7)
DETAILS = ("ProductType", "CallingName", "Name")
ItemError = tuple[str, str, str]  # (PhoneNumberId as given, ErrorCode, ErrorMessage)
T = TypeVar("T")


def _owned(scope: Scope, phone_number_id: str, doing: str) -> PhoneNumber:
    """The number, when it can be changed: not being acquired, not in the deletion queue."""
    number = phone_numbers.get(scope, phone_number_id)
    if number.Status == "AcquireInProgress":
        raise BadRequest(
            f"Phone number {number.E164PhoneNumber} is still being acquired (order {number.OrderId} is "
            f"Processing); {doing} it once the order has completed"
        )
    if number.Status == "DeleteInProgress":
        raise BadRequest(
            f"Phone number {number.E164PhoneNumber} is in the deletion queue; restore it (RestorePhoneNumber) "
            f"before you {doing} it"
        )
    return number


def update(scope: Scope, phone_number_id: str, details: Mapping[str, str]) -> PhoneNumber:
    """UpdatePhoneNumber: exactly one of ProductType, CallingName and Name ("You can update one phone number
    detail at a time")."""
    given = [d for d in DETAILS if details.get(d) is not None]
    if len(given) != 1:
        raise BadRequest(
            "Update one phone number detail at a time: give exactly one of ProductType, CallingName or Name"
            + (f" (got {', '.join(given)})" if given else "")
        )
    number = _owned(scope, phone_number_id, "update")
    detail = given[0]
    value = details[detail]
    now = scope.now
    if detail == "ProductType":
        if value != number.ProductType:
            phone_numbers.check_product_type(number.E164PhoneNumber, value)
            if number.association is not None:
                raise BadRequest(
                    f"Phone number {number.E164PhoneNumber} is assigned to {number.held_by}; disassociate it "
                    "before changing its product type"
                )
            number.ProductType = value
    elif detail == "CallingName":
        if number.CallingNameStatus == "UpdateInProgress":
            raise BadRequest(
                f"Phone number {number.E164PhoneNumber} has a calling-name update in progress (it can take 72 "
                "hours); pending updates must complete before you request another"
            )
        number.CallingName = value
        number.CallingNameStatus = "UpdateInProgress"
        number.calling_name_ready_at = now + phone_numbers.CALLING_NAME_DELAY
        account = scope.account
        account.next_settle = min(account.next_settle, number.calling_name_ready_at.timestamp())
    else:
        number.Name = value
    number.UpdatedTimestamp = now
    return number


def _code(error: ServiceError) -> str:
    """The ErrorCode (the models' enum) a per-item error carries."""
    return error.error_type.removesuffix("Exception")  # the errors raised here: BadRequest, NotFound, ...


def _each(ids: Iterable[T], key: Callable[[T], str], apply: Callable[[T], object]) -> list[ItemError]:
    errors: list[ItemError] = []
    for item in ids:
        try:
            apply(item)
        except ServiceError as error:
            errors.append((key(item), _code(error), str(error)))
    return errors


def batch_update(scope: Scope, items: list[dict[str, Any]]) -> list[ItemError]:
    """BatchUpdatePhoneNumber: each item as UpdatePhoneNumber, its failure reported, the others applied. A number
    named twice refuses the whole request ("You cannot have a duplicate phoneNumberId in a request")."""
    seen: dict[str, str] = {}
    for item in items:
        key = phone_numbers.number_key(item["PhoneNumberId"])
        if key in seen:
            raise BadRequest(
                f"UpdatePhoneNumberRequestItems names phone number {key} twice ({seen[key]!r} and "
                f"{item['PhoneNumberId']!r}); a request cannot have a duplicate PhoneNumberId"
            )
        seen[key] = item["PhoneNumberId"]
    return _each(
        items, lambda item: str(item["PhoneNumberId"]), lambda item: update(scope, item["PhoneNumberId"], item)
    )


def batch_delete(scope: Scope, ids: list[str]) -> list[ItemError]:
    """BatchDeletePhoneNumber: each number into the deletion queue as DeletePhoneNumber does, failures reported
    per number (an associated one as PhoneNumberAssociationsExist)."""

    def delete(phone_number_id: str) -> None:
        number = phone_numbers.get(scope, phone_number_id)
        if number.Status == "Assigned" and number.association is not None:
            raise _AssociationsExist(
                f"Phone number {number.E164PhoneNumber} is assigned to {number.held_by}; disassociate it before "
                "deleting it"
            )
        phone_numbers.delete(scope, phone_number_id)

    return _each(ids, str, delete)


class _AssociationsExist(BadRequest):
    """A per-item error only: the number still has associations (ErrorCode PhoneNumberAssociationsExist)."""

    error_type = "PhoneNumberAssociationsExistException"


def restore(scope: Scope, phone_number_id: str) -> PhoneNumber:
    """RestorePhoneNumber: a number in the deletion queue back to ``Unassigned``, with no associations. The
    quota counts it again (ResourceLimitExceededException, as the model declares, when it is full)."""
    number = phone_numbers.get(scope, phone_number_id)
    if number.Status != "DeleteInProgress":
        raise BadRequest(
            f"Phone number {number.E164PhoneNumber} is not in the deletion queue (its status is {number.Status}); "
            "only a deleted number can be restored"
        )
    limits = scope.backend.quotas
    if limits is not None:
        held = sum(1 for n in scope.account.phone_numbers.values() if n.Status != "DeleteInProgress")
        quotas.check(limits.phone_numbers_per_account, held, 1, "phone numbers")
    number.Status = "Unassigned"
    number.DeletionTimestamp = None
    number.UpdatedTimestamp = scope.now
    return number


def calling_name(scope: Scope) -> tuple[str, datetime] | None:
    """GetPhoneNumberSettings: the account's default calling name and when it was set, if ever."""
    return scope.account.calling_name


def set_calling_name(scope: Scope, name: str) -> None:
    """UpdatePhoneNumberSettings: at most once every seven days (the reference's rule)."""
    current = scope.account.calling_name
    now = scope.now
    if current is not None and now < current[1] + CALLING_NAME_INTERVAL:
        raise BadRequest(
            f"The default outbound calling name was updated at {current[1].isoformat()}; it can be updated once "
            f"every seven days (next from {(current[1] + CALLING_NAME_INTERVAL).isoformat()})"
        )
    scope.account.calling_name = (name, now)
