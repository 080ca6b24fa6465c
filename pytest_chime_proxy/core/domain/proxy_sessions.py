"""Proxy sessions: create, read, update, delete, and the lifecycle Open -> InProgress -> Closed.

Expiry is computed when a session is read, against the clock: a session whose ExpiryMinutes have passed
since it was created is Closed, with EndedTimestamp at the moment it expired. So moving the clock (or
freezegun / time-machine) closes sessions without any background work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pytest_chime_proxy.core.domain import geo, phone_numbers
from pytest_chime_proxy.core.domain.errors import BadRequest, NotFound
from pytest_chime_proxy.core.domain.model import ProxySession, VoiceConnector
from pytest_chime_proxy.core.domain.selection import choose
from pytest_chime_proxy.core.domain.state import Scope


def _end(session: ProxySession) -> datetime | None:
    """When the session expires; None past the last representable instant (year 9999): never reached."""
    try:
        return session.CreatedTimestamp + timedelta(minutes=session.ExpiryMinutes)
    except OverflowError:
        return None


def _ends(session: ProxySession) -> float:
    """``_end`` in epoch seconds (infinity for never)."""
    end = _end(session)
    return float("inf") if end is None else end.timestamp()


def refresh(session: ProxySession, now_ts: float) -> ProxySession:
    """Close the session if it has expired by ``now_ts``."""
    if session.live:
        end = _end(session)
        if end is not None and end.timestamp() <= now_ts:
            session.Status = "Closed"
            session.EndedTimestamp = session.UpdatedTimestamp = end
    return session


def end_live(scope: Scope, vc: VoiceConnector, proxy_number: str | None = None) -> list[ProxySession]:
    """Close the connector's live sessions (only those proxied by ``proxy_number``, when given) now: their proxy
    configuration was deleted or their number disassociated, so no call or message can reach them any more
    (README, "Assumptions": sessions whose configuration or number goes). Expired ones close as they expired."""
    now = scope.now
    now_ts = now.timestamp()
    ended = []
    for session in vc.sessions.values():
        if not refresh(session, now_ts).live:
            continue
        if proxy_number is not None and session.proxy_number != proxy_number:
            continue
        session.Status = "Closed"
        session.EndedTimestamp = session.UpdatedTimestamp = now
        ended.append(session)
    return ended


def _proxy_ready(vc: VoiceConnector) -> None:
    if vc.proxy is None:
        raise BadRequest(
            f"Voice connector {vc.VoiceConnectorId} has no proxy configuration; call PutVoiceConnectorProxy first"
        )
    if vc.proxy.Disabled:
        raise BadRequest(
            f"Proxy sessions are disabled on voice connector {vc.VoiceConnectorId} "
            "(PutVoiceConnectorProxy Disabled=true)"
        )


def _refresh_all(scope: Scope, vc: VoiceConnector) -> None:
    """Close every expired session; nothing to do (O(1)) while the clock is before ``vc.next_expiry``."""
    now_ts = scope.backend.clock.time()
    if now_ts < vc.next_expiry:
        return
    next_expiry = float("inf")
    for session in vc.sessions.values():
        if refresh(session, now_ts).live:
            next_expiry = min(next_expiry, _ends(session))
    vc.next_expiry = next_expiry


def _related(scope: Scope, vc: VoiceConnector, wanted: set[str]) -> list[ProxySession]:
    """The sessions of ``wanted`` on every connector of the account in ``vc``'s region, expiry applied:
    a number proxying a participant on one connector is busy for them on all (the rule is per participant)."""
    now_ts = scope.backend.clock.time()
    related = {
        s.ProxySessionId: s
        for other in scope.account.voice_connectors.values()
        if other.AwsRegion == vc.AwsRegion
        for n in wanted
        for s in other.by_number.get(n, {}).values()
    }
    return [refresh(s, now_ts) for s in related.values()]


def create(
    scope: Scope,
    vc_id: str,
    participants: list[str],
    capabilities: list[str],
    expiry_minutes: int | None = None,
    name: str | None = None,
    behavior: str | None = None,
    geo_level: str | None = None,
    geo_params: dict[str, str] | None = None,
) -> ProxySession:
    """A new session; a number is chosen by ``selection.choose`` (on-demand pool: the backend's size)."""
    vc = scope.voice_connector(vc_id)
    _proxy_ready(vc)
    assert vc.proxy is not None
    if geo.e164(participants[0]) == geo.e164(participants[1]):
        raise BadRequest("ParticipantPhoneNumbers must be two different phone numbers")
    _refresh_all(scope, vc)
    wanted = {geo.e164(p) for p in participants}
    proxy = choose(
        vc,
        phone_numbers.pool(scope, vc_id),
        participants,
        _related(scope, vc, wanted),
        behavior,
        geo_level,
        geo_params,
        scope.backend.on_demand_pool_size,
    )
    now = scope.now
    scope.account.session_seq += 1
    session = ProxySession(
        VoiceConnectorId=vc_id,
        ProxySessionId=scope.backend.new_uuid(),
        Participants=sorted((p, proxy) for p in participants),
        Capabilities=sorted(set(capabilities)),
        ExpiryMinutes=expiry_minutes or vc.proxy.DefaultSessionExpiryMinutes,
        CreatedTimestamp=now,
        UpdatedTimestamp=now,
        Name=name,
        NumberSelectionBehavior=behavior,
        GeoMatchLevel=geo_level,
        GeoMatchParams=geo_params,
        seq=scope.account.session_seq,
    )
    vc.sessions[session.ProxySessionId] = session
    for number in wanted:
        vc.by_number.setdefault(number, {})[session.ProxySessionId] = session
    vc.next_expiry = min(vc.next_expiry, _ends(session))
    vc.sticky[frozenset(geo.e164(p) for p in participants)] = proxy
    return session


def get(scope: Scope, vc_id: str, session_id: str) -> ProxySession:
    vc = scope.voice_connector(vc_id)
    session = vc.sessions.get(session_id)
    if session is None:
        raise NotFound(f"Proxy session {session_id} not found on voice connector {vc_id}")
    return refresh(session, scope.backend.clock.time())


def list_sessions(scope: Scope, vc_id: str, status: str | None = None) -> list[ProxySession]:
    vc = scope.voice_connector(vc_id)
    _refresh_all(scope, vc)
    if status is None:
        return list(vc.sessions.values())
    return [s for s in vc.sessions.values() if s.Status == status]


def update(
    scope: Scope, vc_id: str, session_id: str, capabilities: list[str], expiry_minutes: int | None = None
) -> ProxySession:
    session = get(scope, vc_id, session_id)
    if not session.live:
        raise BadRequest(f"Proxy session {session_id} is Closed and cannot be updated")
    session.Capabilities = sorted(set(capabilities))
    if expiry_minutes is not None:
        session.ExpiryMinutes = expiry_minutes  # counted from creation, like the original expiry
    now = scope.now
    session.UpdatedTimestamp = now
    end = _end(session)
    if end is not None and end <= now:
        # shortened below the time already elapsed: the session ends now, never at a moment in the past
        session.Status = "Closed"
        session.EndedTimestamp = now
    vc = scope.voice_connector(vc_id)
    vc.next_expiry = min(vc.next_expiry, _ends(session))
    return session


def delete(scope: Scope, vc_id: str, session_id: str) -> None:
    session = get(scope, vc_id, session_id)
    vc = scope.voice_connector(vc_id)
    del vc.sessions[session_id]
    for number, _ in session.Participants:
        vc.by_number.get(geo.e164(number), {}).pop(session_id, None)


def mark_in_progress(scope: Scope, vc_id: str, session_id: str) -> ProxySession:
    """A call or message flows through the session: Open becomes InProgress (Closed stays Closed)."""
    session = get(scope, vc_id, session_id)
    if not session.live:
        raise BadRequest(f"Proxy session {session_id} is Closed")
    session.Status = "InProgress"
    session.UpdatedTimestamp = scope.now
    return session
