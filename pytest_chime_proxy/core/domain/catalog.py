"""What the service offers an account: the countries it sells numbers in per product type, the Regions voice
connectors can live in, and the account's global settings (call detail record buckets).

No AWS page lists the countries per product type in a form the fake could follow, so the list is the fake's
(README, "Assumptions"): consistent with its own rules -- numbers outside the US are only sold as
SipMediaApplicationDialIn numbers, toll-free numbers are never BusinessCalling numbers -- and with what its
number search can find.
"""

from __future__ import annotations

from typing import Any

from pytest_chime_proxy.core.domain import libphonenumber
from pytest_chime_proxy.core.domain.phone_numbers import DIAL_IN
from pytest_chime_proxy.core.domain.state import Scope

DIAL_IN_COUNTRIES = ("CA", "GB", "US")
_TYPES = ("Local", "TollFree")


def supported_countries(product_type: str) -> list[tuple[str, list[str]]]:
    """(country, its phone-number types) offered for ``product_type``, sorted by country."""
    if product_type == "BusinessCalling":
        return [("US", ["Local"])]
    if product_type != DIAL_IN:
        return [("US", list(_TYPES))]
    phonenumbers = libphonenumber.library()
    found = []
    for country in DIAL_IN_COUNTRIES:
        types = ["Local"]
        if country == "US" or phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.TOLL_FREE):
            types.append("TollFree")
        found.append((country, types))
    return found


def global_settings(scope: Scope, kinds: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """GetGlobalSettings: each kind (``VoiceConnector``, legacy ``BusinessCalling``) as last updated; never
    updated, its members are null."""
    return {kind: dict(scope.account.global_settings.get(kind, {})) for kind in kinds}


def update_global_settings(scope: Scope, values: dict[str, dict[str, Any]]) -> None:
    """UpdateGlobalSettings: each kind given replaces what was there; kinds not given stay."""
    for kind, value in values.items():
        scope.account.global_settings[kind] = dict(value)
