"""Country and area code of a phone number, for the pool's countries and GeoMatchLevel.

Countries come from the ``phonenumbers`` library (Google's libphonenumber metadata). Area codes are only
defined for the North American Numbering Plan (+1), the only place GeoMatchParams' three-digit AreaCode
fits; elsewhere a number has no area code and never matches GeoMatchLevel AreaCode (an assumption: the
documentation does not say).
"""

from __future__ import annotations

from functools import lru_cache

from pytest_chime_proxy.core.domain import libphonenumber

KNOWN_COUNTRIES = {"+19135550199": "US", "+19135550198": "US", "+12065550177": "US"}
"""The countries of the numbers the mock's helpers (and the ``voice_connector`` fixture) use by default, as
libphonenumber gives them (a test checks): a test that keeps the defaults never imports ``phonenumbers``."""


def e164(number: str) -> str:
    """The number with its leading ``+`` (the models allow it to be left out)."""
    return number if number.startswith("+") else "+" + number


@lru_cache(maxsize=4096)
def country(number: str) -> str | None:
    """ISO 3166 alpha-2 country of an E.164 number, or None when it belongs to none."""
    known = KNOWN_COUNTRIES.get(e164(number))
    if known is not None:
        return known
    phonenumbers = libphonenumber.library()

    try:
        parsed = phonenumbers.parse(e164(number), None)
    except phonenumbers.NumberParseException:
        return None
    region: str | None = phonenumbers.region_code_for_number(parsed)
    return region


def area_code(number: str) -> str | None:
    """The three-digit NANP area code of a +1 number, else None."""
    digits = e164(number)[1:]
    return digits[1:4] if digits.startswith("1") and len(digits) == 11 else None
