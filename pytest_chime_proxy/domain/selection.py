"""Choosing a session's proxy number: one number for both participants, following the documented rules.

- The pool is the connector's associated numbers in the proxy configuration's countries.
- A number already proxying either participant in another live session of the connector is never given
  again (the callee could not tell the sessions apart).
- GeoMatchLevel Country / AreaCode keeps the numbers of GeoMatchParams' country / area code, or, without
  GeoMatchParams, those of the first participant ("matching ... with that of the first participant").
- PreferSticky (also the behaviour when none is given: an assumption) reuses the number last given to the
  same pair when it is still free; AvoidSticky takes another one when another is free.
- Otherwise the lowest free number, so that tests are deterministic.
"""

from __future__ import annotations

from typing import Iterable

from . import geo
from .errors import BadRequest
from .model import PhoneNumber, ProxySession, VoiceConnector


def _geo_filter(candidates: list[PhoneNumber], participants: list[str], level: str | None,
                params: dict[str, str] | None) -> tuple[list[PhoneNumber], str]:
    if level is None:
        return candidates, ""
    first = participants[0]
    want_country = (params or {}).get("Country") or geo.country(first)
    if level == "Country":
        return [n for n in candidates if n.Country == want_country], f"in country {want_country}"
    want_area = (params or {}).get("AreaCode") or geo.area_code(first)
    if want_area is None:  # outside +1 a number has no area code, so there is nothing to match
        return [], f"in an area code: the first participant {first} has none (only +1 numbers do)"
    return ([n for n in candidates if n.Country == want_country and geo.area_code(n.E164PhoneNumber) == want_area],
            f"in area code {want_area} ({want_country})")


def choose(vc: VoiceConnector, pool: list[PhoneNumber], participants: list[str],
           sessions: Iterable[ProxySession], behavior: str | None, level: str | None,
           params: dict[str, str] | None) -> str:
    """The proxy number for a new session of ``participants`` on ``vc``; BadRequest when none fits.

    ``sessions``: the connector's sessions that have one of the participants (any others cannot make a
    number busy for them).
    """
    assert vc.proxy is not None
    countries = set(vc.proxy.PhoneNumberCountries)
    candidates = [n for n in pool if n.Country in countries]
    if not candidates:
        raise BadRequest(f"No phone number of voice connector {vc.VoiceConnectorId} is in its proxy pool countries "
                         f"({', '.join(sorted(countries))}); associate numbers from those countries")
    wanted = {geo.e164(p) for p in participants}
    busy = {
        proxy for s in sessions if s.live
        for number, proxy in s.Participants if geo.e164(number) in wanted
    }
    free = [n for n in candidates if n.E164PhoneNumber not in busy]
    if not free:
        raise BadRequest(f"The proxy pool of voice connector {vc.VoiceConnectorId} is exhausted: all "
                         f"{len(candidates)} numbers already proxy {' or '.join(sorted(wanted))} in open sessions")
    matched, where = _geo_filter(free, participants, level, params)
    if not matched:
        raise BadRequest(f"No free proxy phone number {where} on voice connector {vc.VoiceConnectorId} "
                         f"(GeoMatchLevel {level})")
    numbers = [n.E164PhoneNumber for n in matched]
    sticky = vc.sticky.get(frozenset(wanted))
    if behavior == "AvoidSticky":
        others = [n for n in numbers if n != sticky]
        return (others or numbers)[0]
    return sticky if sticky in numbers else numbers[0]
