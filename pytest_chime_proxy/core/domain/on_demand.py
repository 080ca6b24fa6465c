"""Proxy numbers the service provides on demand, for a connector that has no numbers of its own.

AWS's launch post for proxy phone sessions says a session can "use a number provided on demand by Amazon
Chime", and PutVoiceConnectorProxy's PhoneNumberCountries are "the countries for proxy phone numbers to be
selected from"; AWS's own sample configures a connector and creates sessions without ordering a number. So a
connector with no associated number in its pool countries draws from a range the service owns.

The fake's ranges are fictional, so a test can never dial a real person, and deterministic (the k-th number
of a range is always the same):

- NANP countries (+1): ``+1 <area code> 555 01xx``, the 100 numbers reserved for fiction in every area code;
- GB: ``+44 20 7946 0xxx``, Ofcom's drama range for London (1000 numbers).

Other countries have no range here: a connector pooled only in them must associate numbers.
"""

from __future__ import annotations

from functools import lru_cache

from pytest_chime_proxy.core.domain import geo, libphonenumber

ON_DEMAND_POOL_SIZE = 100
"""How many numbers of a range one connector may hand out (per country and area code); small values make
exhaustion testable."""

# the area code used when neither GeoMatchParams nor the first participant names one in the country:
# 913 is the proxy number's area code in the CreateProxySession sample of the REST reference
DEFAULT_AREA_CODES = {"US": "913", "CA": "604"}
_GB_RANGE = ("+442079460", 1000)  # 020 7946 0000-0999


def is_nanp(country: str) -> bool:
    """Whether ``country`` dials with +1 (its numbers have three-digit area codes)."""
    return bool(libphonenumber.library().country_code_for_region(country) == 1)


@lru_cache(maxsize=1024)
def area_code_in(country: str, area_code: str) -> bool:
    """Whether ``area_code`` belongs to the NANP ``country`` (a 555-01xx number of it is the country's)."""
    return geo.country(f"+1{area_code}5550100") == country


@lru_cache(maxsize=1024)
def numbers(country: str, area_code: str | None, size: int) -> tuple[str, ...]:
    """The first ``size`` numbers of the fictional range for ``country`` (and NANP ``area_code``); () if none."""
    if country == "GB":
        prefix, capacity = _GB_RANGE
        return tuple(f"{prefix}{k:03d}" for k in range(min(size, capacity)))
    if area_code is None or not is_nanp(country) or not area_code_in(country, area_code):
        return ()
    return tuple(f"+1{area_code}55501{k:02d}" for k in range(min(size, 100)))


def default_area_code(country: str, first_participant: str) -> str | None:
    """The area code of an on-demand number in ``country`` when no GeoMatchParams names one: the first
    participant's when they are in that country (their area code is one of its), else the country's default."""
    own = geo.area_code(first_participant)
    if own is not None and is_nanp(country) and area_code_in(country, own):
        return own
    return DEFAULT_AREA_CODES.get(country)
