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
POST        /_chime_proxy/phone-calls        ``{"voice_connector_id", "caller_voice", "callee_voice"}``: a call begins;
                                             answers its ``transaction_id`` (for voice analytics tasks)
DELETE      /_chime_proxy/phone-calls        ``{"transaction_id"}``: the call hangs up
GET/POST    /_chime_proxy/clock              read it, or ``{"advance_seconds": n}`` / ``{"set": "<ISO 8601>"}``
GET         /_chime_proxy/calls              the requests the fake answered (operation, status, error code), the
                                             log's bound (``max_calls``) and how many old calls it dropped
GET/POST/   /_chime_proxy/faults             list, add (the keyword arguments of ``inject``; ``match`` as a JSON
DELETE                                       object), or clear fault rules -- only where the mock has ``inject``
==========  ===============================  =====================================================================

Every answer is JSON; a misuse gets 400 (or 404/405) with ``{"Message": "..."}`` naming what was wrong, and
every field is checked (with the API's own validators where the API has the field) before anything changes.
The server's one guard (``guard.refuse``) runs first on every path: a web page must not reach the control API
(403 for a Host or Origin that is not loopback, or a content type a page may send cross-site);
``require_json`` then refuses any other body that is not JSON (415).

This module is pure: no sockets, so it is tested through the server and usable by any other transport.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.core.domain.errors import ServiceError
from pytest_chime_proxy.core.faults import FAULT_OPTIONS
from pytest_chime_proxy.core.wire.errors import ERRORS
from pytest_chime_proxy.core.wire.spec import NAMESPACES
from pytest_chime_proxy.server.guard import header, media_type

if TYPE_CHECKING:
    from pytest_chime_proxy.mock import ChimeProxyMock

PREFIX = "/_chime_proxy/"
Answer = tuple[int, dict[str, Any]]
_ACCOUNT = re.compile(r"[0-9]{12}")


class ControlError(Exception):
    """A control request the API cannot carry out; its status and message go back to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def require_json(headers: Mapping[str, str], body: bytes) -> Answer | None:
    """415 for a control request whose body, or Content-Type, is not JSON; None to carry it out.

    Runs after the server's one guard (``guard.refuse``: loopback Host and Origin, no content type a web
    page may send cross-site), which every path shares.
    """
    content_type = header(headers, "Content-Type")
    media = media_type(content_type)
    is_json = media == "application/json" or (media.startswith("application/") and media.endswith("+json"))
    if (content_type is not None or body.strip()) and not is_json:
        return 415, {
            "Message": f"the control API takes JSON bodies: send Content-Type: application/json (got {content_type!r})"
        }
    return None


def _options(
    body: Mapping[str, Any], allowed: AbstractSet[str], required: AbstractSet[str] = frozenset()
) -> dict[str, Any]:
    unknown = set(body) - allowed
    if unknown:
        raise ControlError(400, f"unknown field(s) {sorted(unknown)}; known: {sorted(allowed)}")
    missing = required - set(body)
    if missing:
        raise ControlError(400, f"missing field(s) {sorted(missing)}")
    return dict(body)


def _api_check(namespace: str, operation: str, params: dict[str, Any], fields: Mapping[str, str]) -> None:
    """Validate ``params`` with the API's own validator for ``operation``'s input, in the API's words but
    naming the control API's fields (``fields``: API member in lowerCamel -> control field)."""
    from pytest_chime_proxy.core.wire import validation

    try:
        validation.check_as(namespace, operation, params, fields)
    except validation.InvalidInput as error:
        raise ControlError(400, str(error)) from None


def _check_type(opts: Mapping[str, Any], name: str, kinds: tuple[type, ...], what: str) -> None:
    """Refuse a field of the wrong JSON type (a JSON true is no number, a number no string)."""
    if name in opts:
        value = opts[name]
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise ControlError(400, f"{name} must be {what}, got {json.dumps(value)[:80]}")


def _check_scope(opts: Mapping[str, Any]) -> None:
    """``account`` and ``region``: where a helper puts things."""
    _check_type(opts, "account", (str, type(None)), "a 12-digit account id")
    if opts.get("account") is not None and not _ACCOUNT.fullmatch(opts["account"]):
        raise ControlError(400, f"account must be a 12-digit account id, got {opts['account']!r}")
    _check_type(opts, "region", (str, type(None)), "a region name")


def _health(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    return 200, {"status": "ok", **info}


def _reset(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    _options(body, set())
    mock.reset()
    faults = getattr(mock, "faults", None)
    if faults is not None:
        faults.clear()
    return 200, {}


def _phone_numbers(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, {"phone_numbers", "account", "product_type"}, {"phone_numbers"})
    _check_scope(opts)
    acquired = mock.order_phone_numbers(opts.pop("phone_numbers"), **opts)
    return 201, {"acquired": acquired}


_VC_OPTIONS = {
    "phone_numbers",
    "name",
    "region",
    "account",
    "countries",
    "default_session_expiry_minutes",
    "proxy",
    "require_encryption",
}


def _voice_connectors(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, _VC_OPTIONS)
    opts.setdefault("region", info.get("region"))
    _check_scope(opts)
    for flag in ("proxy", "require_encryption"):
        _check_type(opts, flag, (bool,), "true or false")
    # the helper checks every other field with the API's validators, naming them as here, before any change
    return 201, {"voice_connector_id": mock.create_voice_connector(**opts)}


def _activity(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(
        body,
        {"voice_connector_id", "proxy_session_id", "region", "account"},
        {"voice_connector_id", "proxy_session_id"},
    )
    _check_scope(opts)
    _api_check(
        "chime",
        "GetProxySession",
        {"VoiceConnectorId": opts["voice_connector_id"], "ProxySessionId": opts["proxy_session_id"]},
        {"voiceConnectorId": "voice_connector_id", "proxySessionId": "proxy_session_id"},
    )
    session = mock.simulate_activity(opts.pop("voice_connector_id"), opts.pop("proxy_session_id"), **opts)
    return 200, {"status": session.Status}


def _phone_call_start(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(
        body, {"voice_connector_id", "caller_voice", "callee_voice", "region", "account"}, {"voice_connector_id"}
    )
    _check_scope(opts)
    for voice in ("caller_voice", "callee_voice"):
        _check_type(opts, voice, (str, type(None)), "a string naming a speaker")
    _api_check(
        "chime-sdk-voice",
        "GetVoiceConnector",
        {"VoiceConnectorId": opts["voice_connector_id"]},
        {"voiceConnectorId": "voice_connector_id"},
    )
    return 201, {"transaction_id": mock.start_call(opts.pop("voice_connector_id"), **opts)}


def _phone_call_end(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, {"transaction_id", "region", "account"}, {"transaction_id"})
    _check_scope(opts)
    _check_type(opts, "transaction_id", (str,), "the transaction_id a POST answered")
    mock.end_call(opts.pop("transaction_id"), **opts)
    return 200, {"ended": True}


def _clock(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    opts = _options(body, {"advance_seconds", "set"})
    if len(opts) > 1:
        raise ControlError(400, "give advance_seconds or set, not both")
    _check_type(opts, "advance_seconds", (int, float), "a number")
    _check_type(opts, "set", (str, int, float), "ISO 8601 text or epoch seconds")
    if "advance_seconds" in opts:  # the clock refuses (ValueError: 400) a move it cannot make, changing nothing
        if opts["advance_seconds"] < 0:
            raise ControlError(400, 'the clock only moves forward; send {"set": "<ISO 8601 time>"} to go back')
        mock.clock.advance(seconds=opts["advance_seconds"])
    elif "set" in opts:
        mock.clock.set(opts["set"])
    return 200, {"now": mock.clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")}


def _calls(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    calls = mock.calls
    return 200, {
        "max_calls": calls.maxlen,
        "max_call_bytes": calls.max_bytes,
        "bytes": calls.bytes,
        "dropped": calls.dropped,
        "calls": [
            {
                "method": c.request.method,
                "url": c.request.url,
                "namespace": c.endpoint.namespace if c.endpoint else None,
                "region": c.endpoint.region if c.endpoint else None,
                "account": c.account,
                "operation": c.operation,
                "status": c.status,
                "error_code": c.error_code,
            }
            for c in list(mock.calls)
        ],
    }


_FAULT_OPTIONS = {"operation", *FAULT_OPTIONS}


def _fault_rules(mock: ChimeProxyMock) -> Any:
    faults = getattr(mock, "faults", None)
    if faults is None or not hasattr(mock, "inject"):
        raise ControlError(404, "this version of pytest-chime-proxy has no fault injection")
    return faults


def _faults_list(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    return 200, {"rules": [rule.describe() for rule in _fault_rules(mock)]}


def _faults_add(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    _fault_rules(mock)
    opts = _options(body, _FAULT_OPTIONS, {"operation"})
    if "match" in opts and not isinstance(opts["match"], dict):
        raise ControlError(400, "match must be a JSON object of parameter -> value")
    if not isinstance(opts["operation"], str):
        raise ControlError(400, f'operation must be an operation name or "*", got {opts["operation"]!r}')
    if opts.get("namespace") is not None and opts["namespace"] not in NAMESPACES:
        raise ControlError(400, f"namespace must be one of {list(NAMESPACES)}, got {opts['namespace']!r}")
    rule = mock.inject(opts.pop("operation"), **opts)
    return 201, {"rule": rule.describe()}


def _faults_clear(mock: ChimeProxyMock, body: dict[str, Any], info: Mapping[str, Any]) -> Answer:
    _fault_rules(mock).clear()
    return 200, {}


Route = Callable[["ChimeProxyMock", dict[str, Any], Mapping[str, Any]], Answer]
ROUTES: dict[str, dict[str, Route]] = {
    "health": {"GET": _health},
    "reset": {"POST": _reset},
    "phone-numbers": {"POST": _phone_numbers},
    "voice-connectors": {"POST": _voice_connectors},
    "activity": {"POST": _activity},
    "phone-calls": {"POST": _phone_call_start, "DELETE": _phone_call_end},
    "clock": {"GET": _clock, "POST": _clock},
    "calls": {"GET": _calls},
    "faults": {"GET": _faults_list, "POST": _faults_add, "DELETE": _faults_clear},
}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def handle(mock: ChimeProxyMock, method: str, path: str, body: bytes, info: Mapping[str, Any] | None = None) -> Answer:
    """Carry out one control request (``path`` starts with ``PREFIX``); (status, JSON object) to send back.

    ``info`` describes the server (URL, default namespace and region) for ``health`` and defaults.
    """
    name = path[len(PREFIX) :].strip("/")
    methods = ROUTES.get(name)
    if methods is None:
        return 404, {"Message": f"no control endpoint {path}; known: {sorted(PREFIX + route for route in ROUTES)}"}
    route = methods.get(method.upper())
    if route is None:
        return 405, {"Message": f"{path} takes {sorted(methods)}, not {method}"}
    try:
        decoded = json.loads(body, parse_constant=_no_constant) if body.strip() else {}
    except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than the parser goes
        reason = "nested too deeply" if isinstance(error, RecursionError) else "not valid JSON"
        return 400, {"Message": f"the control request body is {reason}"}
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
