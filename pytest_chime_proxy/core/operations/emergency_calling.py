"""Emergency calling: ValidateE911Address (the voice-connector emergency calling configuration is one of the
connector's settings, in ``connector_settings``)."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import e911
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.registry import Data, operation


@operation("ValidateE911Address")
def validate_e911_address(scope: Scope, p: Data) -> Data:
    checked = e911.validate(scope, p["AwsAccountId"], p)
    return {
        "ValidationResult": checked.result,
        "AddressExternalId": checked.address_id,
        "Address": checked.address,
        "CandidateAddressList": [],
    }
