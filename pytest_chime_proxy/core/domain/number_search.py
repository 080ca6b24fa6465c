"""SearchAvailablePhoneNumbers: deterministic, fictional numbers that an order then accepts.

US numbers are the NANP's fictional range, ``NXX-555-0100`` to ``NXX-555-0199`` of each area code (reserved
for fiction, so a test never dials a real person); toll-free ones use the toll-free area codes. Which area
codes belong to a state or city comes from libphonenumber's geocoding data (``phonenumbers``). Numbers of
other countries are that country's example number (libphonenumber's) with its last two digits varied.

The filter rules are the ones the API reference states: US searches need AreaCode, City, State or
TollFreePrefix; City needs State; other countries take only PhoneNumberType, which they must give.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pytest_chime_proxy.core.domain import libphonenumber
from pytest_chime_proxy.core.domain.errors import BadRequest
from pytest_chime_proxy.core.domain.phone_numbers import TOLL_FREE_AREA_CODES

SERVICE_BAD_REQUEST = "Service received a bad request"
FICTIONAL = range(100, 200)  # 555-0100 .. 555-0199
_STATES = (
    "AL:Alabama,AK:Alaska,AZ:Arizona,AR:Arkansas,CA:California,CO:Colorado,CT:Connecticut,DE:Delaware,"
    "DC:Washington D.C.,FL:Florida,GA:Georgia,HI:Hawaii,ID:Idaho,IL:Illinois,IN:Indiana,IA:Iowa,KS:Kansas,"
    "KY:Kentucky,LA:Louisiana,ME:Maine,MD:Maryland,MA:Massachusetts,MI:Michigan,MN:Minnesota,MS:Mississippi,"
    "MO:Missouri,MT:Montana,NE:Nebraska,NV:Nevada,NH:New Hampshire,NJ:New Jersey,NM:New Mexico,NY:New York,"
    "NC:North Carolina,ND:North Dakota,OH:Ohio,OK:Oklahoma,OR:Oregon,PA:Pennsylvania,RI:Rhode Island,"
    "SC:South Carolina,SD:South Dakota,TN:Tennessee,TX:Texas,UT:Utah,VT:Vermont,VA:Virginia,WA:Washington State,"
    "WV:West Virginia,WI:Wisconsin,WY:Wyoming"
)
STATE_NAMES: dict[str, str] = dict(pair.split(":", 1) for pair in _STATES.split(","))


_AREA_CODES_LOCK = threading.Lock()


def _us_area_codes() -> dict[str, tuple[str, str | None]]:
    """Geographic US area code -> (state code, city or None), built once: the first state or city search
    builds it (about a second, and some 100 MB for libphonenumber's geocoding data, which is why a server
    does not build it before it is asked) while any other waits for it instead of building its own."""
    with _AREA_CODES_LOCK:
        return _build_us_area_codes()


@lru_cache(maxsize=1)
def _build_us_area_codes() -> dict[str, tuple[str, str | None]]:
    """Geographic US area code -> (state code, city or None), from libphonenumber's geocoder."""
    phonenumbers = libphonenumber.library()
    geocoder = libphonenumber.submodule("geocoder")

    codes = {name.lower(): code for code, name in STATE_NAMES.items()}
    found: dict[str, tuple[str, str | None]] = {}
    for area in range(200, 1000):
        parsed = phonenumbers.parse(f"+1{area}5550100")
        if phonenumbers.region_code_for_number(parsed) != "US" or not phonenumbers.is_valid_number(parsed):
            continue
        where = geocoder.description_for_number(parsed, "en")
        city, _, state = where.rpartition(", ")
        if city and state in STATE_NAMES:
            found[str(area)] = (state, city.rpartition(", ")[2])
        elif where.lower() in codes:
            found[str(area)] = (codes[where.lower()], None)
    return found


def _is_us_area_code(area: str) -> bool:
    phonenumbers = libphonenumber.library()
    if not (len(area) == 3 and area.isdigit()) or area in TOLL_FREE_AREA_CODES:
        return False
    parsed = phonenumbers.parse(f"+1{area}5550100")
    return bool(phonenumbers.region_code_for_number(parsed) == "US" and phonenumbers.is_valid_number(parsed))


def _state_code(state: str) -> str:
    code = (
        state.upper()
        if state.upper() in STATE_NAMES
        else {name.lower(): c for c, name in STATE_NAMES.items()}.get(state.lower())
    )
    if code is None:
        raise BadRequest(f"State '{state}' is not a US state; give its two-letter code (for example WA)")
    return code


def _us_numbers(areas: list[str]) -> list[str]:
    return [f"+1{area}555{line:04d}" for area in sorted(areas) for line in FICTIONAL]


def _abroad(country: str, number_type: str) -> list[str]:
    phonenumbers = libphonenumber.library()
    types = phonenumbers.PhoneNumberType
    kind = types.TOLL_FREE if number_type == "TollFree" else types.FIXED_LINE
    example = phonenumbers.example_number_for_type(country, kind)
    if example is None:
        return []
    base = str(example.national_number)[:-2]
    found = []
    for tail in range(100):
        candidate = phonenumbers.parse(f"+{example.country_code}{base}{tail:02d}")
        if phonenumbers.is_valid_number(candidate) and phonenumbers.region_code_for_number(candidate) == country:
            found.append(phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164))
    return found


def search(
    country: str | None = None,
    area_code: str | None = None,
    city: str | None = None,
    state: str | None = None,
    toll_free_prefix: str | None = None,
    number_type: str | None = None,
) -> list[str]:
    """Every number available for these filters, sorted (the caller pages them)."""
    country = country or "US"
    if country != "US":
        if area_code or city or state or toll_free_prefix:
            raise BadRequest(
                f"Numbers outside the US ({country}) can only be searched by PhoneNumberType; "
                "AreaCode, City, State and TollFreePrefix apply to US numbers"
            )
        if number_type is None:
            raise BadRequest(f"Searching numbers in {country} requires PhoneNumberType (Local or TollFree)")
        return sorted(_abroad(country, number_type))
    if not (area_code or city or state or toll_free_prefix):
        # the service's words for a US search with Country alone (cdklabs/cdk-amazon-chime-resources#62); the
        # API reference's rule: a US search needs AreaCode, City, State or TollFreePrefix
        raise BadRequest(SERVICE_BAD_REQUEST)
    if city and not state:
        raise BadRequest("City requires State")
    if toll_free_prefix or number_type == "TollFree":
        if number_type == "Local" or area_code or city or state:
            raise BadRequest(
                "TollFreePrefix (toll-free numbers) cannot be combined with PhoneNumberType Local, "
                "AreaCode, City or State"
            )
        return _us_numbers([toll_free_prefix] if toll_free_prefix else sorted(TOLL_FREE_AREA_CODES))
    if area_code is not None and not _is_us_area_code(area_code):
        raise BadRequest(f"AreaCode '{area_code}' is not a US geographic area code")
    if not state:
        return _us_numbers([area_code] if area_code else [])
    geographic = _us_area_codes()
    areas = [a for a in ([area_code] if area_code else geographic) if a in geographic]
    if state:
        code = _state_code(state)
        areas = [a for a in areas if geographic[a][0] == code]
        if city:
            named = [a for a in areas if (geographic[a][1] or "").lower() == city.lower()]
            areas = named or areas  # the geocoder names few cities: elsewhere, the state's area codes
    return _us_numbers(areas)
