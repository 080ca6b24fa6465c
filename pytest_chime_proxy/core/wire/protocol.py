"""rest-json in and out: parse a request into (operation, parameters), encode results and errors.

This module and ``routing``/``validation``/``serialize`` are pure: no sockets, no botocore, no global state.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from pytest_chime_proxy.core.domain.errors import BadRequest, NotEmulated, ServiceError, UnknownRoute
from pytest_chime_proxy.core.wire import routing, serialize, validation
from pytest_chime_proxy.core.wire import spec as _spec
from pytest_chime_proxy.core.wire.errors import error_body

JSON_HEADERS = {"Content-Type": "application/json"}
_DECIMAL = re.compile(r"[+-]?[0-9]{1,4000}")  # longer: past Python's int() digit limit, left as text (a 400)


@dataclass(frozen=True)
class WireRequest:
    """An HTTP request as any adapter sees it."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class WireResponse:
    """An HTTP response for any adapter to send."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class ParsedRequest(NamedTuple):
    """A request resolved to its operation, with its input members as the model names them."""

    endpoint: routing.Endpoint
    operation: _spec.Operation
    params: dict[str, Any]


def split(url: str) -> tuple[str, str, dict[str, list[str]]]:
    """(host, path, query) of a URL; path still percent-encoded so that encoded slashes stay inside a label."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True) if parts.query else {}
    return parts.netloc, parts.path or "/", query


def _scalar(spec: _spec.Spec, shape_name: str, raw: str) -> Any:
    """A URI or query-string value converted to its shape's type (left as text when it does not convert,
    so that validation reports it with the service's message)."""
    kind = spec.shape(shape_name)["type"]
    if kind in ("integer", "long"):
        # Python's int() also takes " 5", "1_0" and other scripts' digits; the service reads plain decimals.
        return int(raw) if _DECIMAL.fullmatch(raw) else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    return raw


class _Plan(NamedTuple):
    """Where an operation's input members come from, read off the model once per operation."""

    body: frozenset[str]  # members read from the JSON body
    located: tuple[tuple[str, bool, str, str], ...]  # (member, in the uri?, label or query key, shape), model order


@cache
def _plan(op: _spec.Operation) -> _Plan:
    spec = _spec.load(op.namespace)
    members = spec.shape(op.input).get("members", {}) if op.input else {}
    return _Plan(
        frozenset(m for m, ref in members.items() if "location" not in ref),
        tuple(
            (m, ref["location"] == "uri", ref["locationName"], ref["shape"])
            for m, ref in members.items()
            if ref.get("location") in ("uri", "querystring")
        ),
    )


def parse(endpoint: routing.Endpoint, request: WireRequest, path: str, query: dict[str, list[str]]) -> ParsedRequest:
    """Route a request of ``endpoint``'s namespace and read its input members (not yet validated).

    Raises UnknownRoute for a path no operation has, NotEmulated for a route the fake does not answer and BadRequest for a body that is not JSON.
    """
    found = routing.route(endpoint.namespace, request.method, path, query)
    if found is None:
        raise UnknownRoute(f"{endpoint.namespace} has no operation at {request.method} {path}")
    op, path_params = found
    if not op.emulated:
        raise NotEmulated(
            f"pytest-chime-proxy does not emulate {endpoint.namespace} operation {op.name} "
            f"({op.method} {op.uri}); only the proxy-session, voice-connector and phone-number operations are faked"
        )
    params: dict[str, Any] = {}
    if op.input:
        plan = _plan(op)
        if request.body and plan.body:
            try:
                decoded = json.loads(request.body)
            except ValueError:
                raise BadRequest("The request body is not valid JSON") from None
            except RecursionError:  # nested deeper than the parser goes: no request of the model is
                raise BadRequest("The request body is not valid JSON: it is nested too deeply") from None
            if not isinstance(decoded, dict):
                raise BadRequest("The request body must be a JSON object")
            body_members = plan.body
            params.update((k, v) for k, v in decoded.items() if k in body_members)
        for member, in_uri, name, shape in plan.located:
            if in_uri:
                params[member] = unquote(path_params[name])
            elif name in query:
                params[member] = _scalar(_spec.load(op.namespace), shape, query[name][-1])
    return ParsedRequest(endpoint, op, params)


def check(parsed: ParsedRequest) -> dict[str, Any]:
    """Validate the parsed input against the namespace's model; the members that were given, for the handler."""
    try:
        params = validation.validate(parsed.operation, parsed.params)
    except validation.InvalidInput as exc:
        raise BadRequest(str(exc)) from None
    return {k: v for k, v in params.items() if v is not None}


_ids = random.Random()  # its own generator: a user's random.seed() neither fixes the ids nor loses numbers to them
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_ids.seed)  # a forked process makes ids of its own
_VERSION_4 = (0x4 << 76) | (0x8 << 60)  # the version nibble, and the RFC 4122 variant's two bits
_VERSION_4_MASK = ~((0xF << 76) | (0xC << 60))


def request_id() -> str:
    """A random version-4 UUID, as ``str(uuid.uuid4())`` writes it, from a pseudo-random generator (an id
    is not a secret) and without building a ``UUID``: a fifth of ``uuid4``'s cost."""
    h = f"{_ids.getrandbits(128) & _VERSION_4_MASK | _VERSION_4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def success(op: _spec.Operation, data: dict[str, Any] | None) -> WireResponse:
    """The wire response for a successful operation."""
    payload = serialize.body(op.namespace, op.output, data)
    headers = {"x-amzn-RequestId": request_id()}
    if payload:
        headers.update(JSON_HEADERS)
    return WireResponse(op.status, headers, payload)


def failure(error: ServiceError, op: _spec.Operation | None = None) -> WireResponse:
    """The wire response for a service error, as the model of ``op`` types it.

    The ``x-amzn-ErrorType`` header is what makes botocore raise ``client.exceptions.<Name>``; the body's
    ``Code``/``Message`` are the legacy error members (the chime-sdk-voice shapes declare none; botocore
    reads ``Message`` for the text either way) and its ``RequestId`` is the ``x-amzn-RequestId`` header's.
    """
    name = error.error_type
    if op is not None and op.errors and name not in op.errors and error.fallback in op.errors:
        name = error.fallback  # an error this operation's model does not declare: use the one it does
    rid = request_id()
    status, payload = error_body(name, str(error), rid)
    headers = {"x-amzn-RequestId": rid, "x-amzn-ErrorType": name, **JSON_HEADERS}
    return WireResponse(status, headers, payload)
