"""ValidateE911Address: a deterministic address check for emergency calling, which the service offers in the
US only ("the Amazon Chime SDK doesn't provide emergency calling outside the US", Administrator Guide,
"Managing phone numbers").

The service's address database is not public, so the fake's rule is its own (README, "Assumptions"): a US
address whose State is a US state or territory code or name and whose PostalCode is a ZIP code (five digits,
optionally ZIP+4) validates (``ValidationResult`` 0); written in lower case or with a ZIP+4 it is corrected and
returned normalised (1); anything else fails (2) with no candidates. ``AwsAccountId`` must be the caller's.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from pytest_chime_proxy.core.domain.errors import BadRequest, Forbidden
from pytest_chime_proxy.core.domain.number_search import STATE_NAMES
from pytest_chime_proxy.core.domain.state import Scope

_ZIP = re.compile(r"([0-9]{5})(?:-([0-9]{4}))?")
_TERRITORIES = {"PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa"}


@dataclass(frozen=True)
class Validation:
    result: int  # 0 valid, 1 corrected, 2 failed (the model's ValidationResult)
    address: dict[str, str] | None
    address_id: str | None


def validate(scope: Scope, account_id: str, address: dict[str, str]) -> Validation:
    if account_id != scope.account.account_id:
        raise Forbidden(
            f"AwsAccountId {account_id} is not the calling account ({scope.account.account_id}); an address is "
            "validated for the caller's own account"
        )
    country = address["Country"].strip()
    if country.upper() not in ("US", "USA"):
        return Validation(2, None, None)
    states = {**STATE_NAMES, **_TERRITORIES}
    by_name = {name.lower(): code for code, name in states.items()}
    state_text = address["State"].strip()
    state = state_text.upper() if state_text.upper() in states else by_name.get(state_text.lower())
    postal = _ZIP.fullmatch(address["PostalCode"].strip())
    if state is None or postal is None:
        return Validation(2, None, None)
    street, _, suffix = address["StreetInfo"].strip().rpartition(" ")
    normalised = {
        "streetNumber": address["StreetNumber"].strip(),
        "streetName": (street or suffix).upper(),
        "city": address["City"].strip().upper(),
        "state": state,
        "postalCode": postal.group(1),
        "country": "US",
    }
    if street:
        normalised["streetSuffix"] = suffix.upper()
    if postal.group(2):
        normalised["postalCodePlus4"] = postal.group(2)
    given = (address["StreetInfo"].strip(), address["City"].strip(), state_text, country)
    exact = postal.group(2) is None and all(part == part.upper() for part in given)
    digest = uuid.uuid5(uuid.NAMESPACE_URL, "|".join(sorted(normalised.values())))
    return Validation(0 if exact else 1, normalised, str(digest))


def check_calling_country(country: str) -> None:
    """Emergency calling configurations route US calls only (the same Administrator Guide statement)."""
    if country != "US":
        raise BadRequest(
            f"CallingCountry {country} is not supported: the Amazon Chime SDK provides emergency calling in the US only"
        )
