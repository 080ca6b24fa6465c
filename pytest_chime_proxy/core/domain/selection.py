"""Choosing a session's proxy number: one number for both participants, following the documented rules.

- The pool is the connector's associated numbers in the proxy configuration's countries; a pool country in
  which the connector has none draws fictional numbers on demand (``on_demand``). Numbers outside the US can
  never be associated (they are SipMediaApplicationDialIn numbers), so a non-US pool country always draws on
  demand.
- A number already proxying either participant in another live session, on any of the account's connectors
  in the region, is never given again (the callee could not tell the sessions apart), and nobody is given
  their own number.
- Geography is a preference, as the model words it ("The preference for matching the country or area code
  of the proxy phone number with that of the first participant"): the area code wanted, else the country
  wanted, else any number of the pool. The area code and country wanted come from GeoMatchParams ("The
  country and area code for the proxy phone number"), honoured with or without GeoMatchLevel; with
  GeoMatchLevel and no params, from the first participant.
- PreferSticky (also the behaviour when none is given: an assumption) reuses the number last given to the
  same pair when it is still free; AvoidSticky takes another one when another is free.
- Otherwise the lowest free number, so that tests are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_chime_proxy.core.domain import geo, on_demand
from pytest_chime_proxy.core.domain.errors import BadRequest
from pytest_chime_proxy.core.domain.model import PhoneNumber, ProxySession, VoiceConnector

Tier = tuple[str | None, str | None]  # (country, area code) wanted; None: any


def _tiers(participants: list[str], level: str | None, params: dict[str, str] | None) -> list[Tier]:
    """The geographic wishes, strictest first, always ending with "anywhere in the pool"."""
    first = participants[0]
    params = params or {}
    if level is None and not params:
        return [(None, None)]
    country = params.get("Country") or (geo.country(first) if level is not None else None)
    area = params.get("AreaCode") or None
    if level == "Country":
        area = None
    elif level == "AreaCode" and area is None:
        area = geo.area_code(first)
    tiers: list[Tier] = []
    if area is not None:
        tiers.append((country, area))
    if country is not None:
        tiers.append((country, None))
    return tiers + [(None, None)]


def _fits(number: PhoneNumber, tier: Tier) -> bool:
    country, area = tier
    return (country is None or number.Country == country) and (
        area is None or geo.area_code(number.E164PhoneNumber) == area
    )


def _on_demand(tier: Tier, countries: list[str], first: str, size: int) -> list[str]:
    """The on-demand numbers a tier may draw from, in the order they are handed out."""
    country, area = tier
    if country is not None:
        targets = [country] if country in countries else []
    elif len(countries) == 1:
        targets = list(countries)
    else:  # the first participant's country first
        own = geo.country(first)
        targets = ([own] if own in countries else []) + [c for c in countries if c != own]
    found: list[str] = []
    for target in targets:
        found += on_demand.numbers(target, area or on_demand.default_area_code(target, first), size)
    return found


def _pick(free: list[str], sticky: str | None, behavior: str | None) -> str:
    if behavior == "AvoidSticky":
        others = [n for n in free if n != sticky]
        return (others or free)[0]
    return sticky if sticky in free else free[0]


def choose(
    vc: VoiceConnector,
    pool: list[PhoneNumber],
    participants: list[str],
    sessions: Iterable[ProxySession],
    behavior: str | None,
    level: str | None,
    params: dict[str, str] | None,
    on_demand_pool_size: int | None = None,
) -> str:
    """The proxy number for a new session of ``participants`` on ``vc``; BadRequest when none fits.

    ``sessions``: the live-or-not sessions, on any connector of the account in ``vc``'s region, that have
    one of the participants (any others cannot make a number busy for them).
    ``on_demand_pool_size``: how many on-demand numbers per country and area code the connector may hand
    out (default ``on_demand.ON_DEMAND_POOL_SIZE``).
    """
    assert vc.proxy is not None
    countries = vc.proxy.PhoneNumberCountries
    wanted = {geo.e164(p) for p in participants}
    busy = wanted | {
        proxy for s in sessions if s.live for number, proxy in s.Participants if geo.e164(number) in wanted
    }
    sticky = vc.sticky.get(frozenset(wanted))
    tiers = _tiers(participants, level, params)
    associated = sorted((n for n in pool if n.Country in countries), key=lambda n: n.E164PhoneNumber)
    owned_countries = {n.Country for n in associated}
    drawn = [c for c in countries if c not in owned_countries]  # pool countries served on demand
    people = " or ".join(sorted(wanted))
    size = on_demand.ON_DEMAND_POOL_SIZE if on_demand_pool_size is None else on_demand_pool_size
    offered = 0
    for tier in tiers:
        free = [n.E164PhoneNumber for n in associated if n.E164PhoneNumber not in busy and _fits(n, tier)]
        candidates = _on_demand(tier, drawn, geo.e164(participants[0]), size) if drawn else []
        offered = max(offered, len(candidates))
        free += [n for n in candidates if n not in busy]
        if free:
            return _pick(free, sticky, behavior)
    if associated and not offered:
        raise BadRequest(
            f"The proxy pool of voice connector {vc.VoiceConnectorId} is exhausted: none of its "
            f"{len(associated)} numbers is free for {people} (each already proxies one of them "
            "in a live session, or is one of them)"
        )
    if not offered:
        raise BadRequest(
            f"Voice connector {vc.VoiceConnectorId} has no associated phone number in its proxy pool "
            f"countries ({', '.join(countries)}) and pytest-chime-proxy provides fictional on-demand "
            "numbers only for +1 (NANP) countries and GB (numbers outside the US cannot be associated with a "
            "voice connector); pool a country it serves, or associate US numbers"
        )
    raise BadRequest(
        f"The on-demand proxy numbers of voice connector {vc.VoiceConnectorId} are exhausted: none "
        f"of the {size} numbers per country and area code is free for {people} (each already "
        "proxies one of them in a live session)"
    )
