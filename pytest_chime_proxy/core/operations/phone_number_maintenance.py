"""Phone-number maintenance: Update/BatchUpdate/BatchDelete/RestorePhoneNumber and the account's phone-number
settings (its default outbound calling name)."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import number_maintenance
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.phone_numbers import errors_data, phone_number_data
from pytest_chime_proxy.core.operations.registry import Data, operation


@operation("UpdatePhoneNumber")
def update_phone_number(scope: Scope, p: Data) -> Data:
    number = number_maintenance.update(scope, p["PhoneNumberId"], p)
    return {"PhoneNumber": phone_number_data(number, scope.account.account_id)}


@operation("BatchUpdatePhoneNumber")
def batch_update_phone_number(scope: Scope, p: Data) -> Data:
    return errors_data(number_maintenance.batch_update(scope, p["UpdatePhoneNumberRequestItems"]))


@operation("BatchDeletePhoneNumber")
def batch_delete_phone_number(scope: Scope, p: Data) -> Data:
    return errors_data(number_maintenance.batch_delete(scope, p["PhoneNumberIds"]))


@operation("RestorePhoneNumber")
def restore_phone_number(scope: Scope, p: Data) -> Data:
    number = number_maintenance.restore(scope, p["PhoneNumberId"])
    return {"PhoneNumber": phone_number_data(number, scope.account.account_id)}


@operation("GetPhoneNumberSettings")
def get_phone_number_settings(scope: Scope, p: Data) -> Data:
    current = number_maintenance.calling_name(scope)
    name, when = current if current is not None else (None, None)
    return {"CallingName": name, "CallingNameUpdatedTimestamp": when}


@operation("UpdatePhoneNumberSettings")
def update_phone_number_settings(scope: Scope, p: Data) -> None:
    number_maintenance.set_calling_name(scope, p["CallingName"])
