"""The server's control API: what a test in another language calls to arrange the fake, as JSON over HTTP.

It lives under the reserved path prefix ``/_chime_proxy/`` (no Chime route starts with an underscore) and
calls only the mock's public helpers, so a Node or Go test arranges state exactly as a Python test does:

==========  ===============================  =====================================================================
method      path                             does
==========  ===============================  =====================================================================
GET         /_chime_proxy/health             ``{"status": "ok", ...}``: the server is up, and how it routes
POST        /_chime_proxy/reset              forget all state, recorded calls and fault rules (the clock stays)
POST        /_chime_proxy/phone-numbers      ``{"phone_numbers": [...]}``: order numbers into the inventory
POST        /_chime_proxy/voice-connectors   ``{"phone_numbers": [...], ...}``: a voice connector ready for proxy
                                             sessions (the keyword arguments of ``create_voice_connector``)
POST        /_chime_proxy/activity           ``{"voice_connector_id", "proxy_session_id"}``: Open -> InProgress
GET/POST    /_chime_proxy/clock              read it, or ``{"advance_seconds": n}`` / ``{"set": "<ISO 8601>"}``
GET         /_chime_proxy/calls              the requests the fake answered (operation, status, error code)
GET/POST/   /_chime_proxy/faults             list, add (the keyword arguments of ``inject``; ``match`` as a JSON
DELETE                                       object), or clear fault rules -- only where the mock has ``inject``
==========  ===============================  =====================================================================

Every answer is JSON; a misuse gets 400 (or 404/405) with ``{"Message": "..."}`` naming what was wrong. This
module is pure: no sockets, so it is tested through the server and usable by any other transport.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, AbstractSet, Any, Callable, Mapping

from ..domain.errors import ERRORS, ServiceError

if TYPE_CHECKING:
    from ..mock import ChimeProxyMock

PREFIX = "/_chime_proxy/"
Answer = tuple[int, dict[str, Any]]


class ControlError(Exception):
    """A control request the API cannot carry out; its status and message go back to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _options(body: Mapping[str, Any], allowed: AbstractSet[str],
             required: AbstractSet[str] = frozenset()) -> dict[str, Any]:
    unknown = set(body) - allowed
    if unknown:
        raise ControlError(400, f"unknown field(s) {sorted(unknown)}; known: {sorted(allowed)}")
    missing = required - set(body)
    if missing:
        raise ControlError(400, f"missing field(s) {sorted(missing)}")
    return dict(body)


def _health(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    return 200, {"status": "ok", **info}


def _reset(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    mock.reset()
    faults = getattr(mock, "faults", None)
    if faults is not None:
        faults.clear()
    return 200, {}


def _phone_numbers(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, {"phone_numbers", "account", "product_type"}, {"phone_numbers"})
    acquired = mock.order_phone_numbers(opts.pop("phone_numbers"), **opts)
    return 201, {"acquired": acquired}


_VC_OPTIONS = {"phone_numbers", "name", "region", "account", "countries", "default_session_expiry_minutes",
               "proxy", "require_encryption"}


def _voice_connectors(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, _VC_OPTIONS)
    opts.setdefault("region", info.get("region"))
    return 201, {"voice_connector_id": mock.create_voice_connector(**opts)}


def _activity(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, {"voice_connector_id", "proxy_session_id", "region", "account"},
                    {"voice_connector_id", "proxy_session_id"})
    session = mock.simulate_activity(opts.pop("voice_connector_id"), opts.pop("proxy_session_id"), **opts)
    return 200, {"status": session.Status}


def _clock(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, {"advance_seconds", "set"})
    if len(opts) > 1:
        raise ControlError(400, "give advance_seconds or set, not both")
    if "advance_seconds" in opts:
        seconds = opts["advance_seconds"]
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise ControlError(400, "advance_seconds must be a number")
        mock.clock.advance(seconds=seconds)
    elif "set" in opts:
        mock.clock.set(opts["set"])
    return 200, {"now": mock.clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")}


def _calls(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    return 200, {"calls": [
        {"method": c.request.method, "url": c.request.url,
         "namespace": c.endpoint.namespace if c.endpoint else None,
         "region": c.endpoint.region if c.endpoint else None, "account": c.account, "operation": c.operation,
         "status": c.status, "error_code": c.error_code}
        for c in list(mock.calls)
    ]}


_FAULT_OPTIONS = {"operation", "error", "times", "after", "probability", "seed", "latency", "connection_error",
                  "match", "namespace", "region"}


def _fault_rules(mock: "ChimeProxyMock") -> Any:
    faults = getattr(mock, "faults", None)
    if faults is None or not hasattr(mock, "inject"):
        raise ControlError(404, "this version of pytest-chime-proxy has no fault injection")
    return faults


def _faults_list(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    return 200, {"rules": [rule.describe() for rule in _fault_rules(mock)]}


def _faults_add(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    _fault_rules(mock)
    opts = _options(body, _FAULT_OPTIONS, {"operation"})
    if "match" in opts and not isinstance(opts["match"], dict):
        raise ControlError(400, "match must be a JSON object of parameter -> value")
    rule = mock.inject(opts.pop("operation"), **opts)
    return 201, {"rule": rule.describe()}


def _faults_clear(mock: "ChimeProxyMock", body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    _fault_rules(mock).clear()
    return 200, {}


Route = Callable[["ChimeProxyMock", dict[str, Any], Mapping[str, Any]], Answer]
ROUTES: dict[str, dict[str, Route]] = {
    "health": {"GET": _health},
    "reset": {"POST": _reset},
    "phone-numbers": {"POST": _phone_numbers},
    "voice-connectors": {"POST": _voice_connectors},
    "activity": {"POST": _activity},
    "clock": {"GET": _clock, "POST": _clock},
    "calls": {"GET": _calls},
    "faults": {"GET": _faults_list, "POST": _faults_add, "DELETE": _faults_clear},
}


def handle(mock: "ChimeProxyMock", method: str, path: str, body: bytes,
           info: Mapping[str, Any] | None = None) -> Answer:
    """Carry out one control request (``path`` starts with ``PREFIX``); (status, JSON object) to send back.

    ``info`` describes the server (URL, default namespace and region) for ``health`` and defaults.
    """
    name = path[len(PREFIX):].strip("/")
    methods = ROUTES.get(name)
    if methods is None:
        return 404, {"Message": f"no control endpoint {path}; known: "
                                f"{sorted(PREFIX + route for route in ROUTES)}"}
    route = methods.get(method.upper())
    if route is None:
        return 405, {"Message": f"{path} takes {sorted(methods)}, not {method}"}
    try:
        decoded = json.loads(body) if body.strip() else {}
    except ValueError:
        return 400, {"Message": "the control request body is not valid JSON"}
    if not isinstance(decoded, dict):
        return 400, {"Message": "the control request body must be a JSON object"}
    try:
        return route(mock, decoded, info or {})
    except ControlError as error:
        return error.status, {"Message": str(error)}
    except (ValueError, TypeError, KeyError) as error:  # the mock's own misuse errors, e.g. a bad number
        return 400, {"Message": f"{type(error).__name__}: {error}"}
    except ServiceError as error:  # from the domain helpers: NotFound for an unknown session, ...
        status = ERRORS.get(error.error_type, (400, ""))[0]
        return (status if 400 <= status < 500 else 400), {"Message": f"{error.error_type}: {error}"}
