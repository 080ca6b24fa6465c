"""The fake service: one call from an HTTP request to an HTTP response, with no transport of its own.

Adapters (botocore, ``responses``, the HTTP server) build a ``WireRequest`` and send back what this returns.
A request is routed (``route``) and then executed (``execute``); the mock's own layer (fault rules, call
recording) sits between the two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_chime_proxy.core import operations
from pytest_chime_proxy.core.domain.errors import Forbidden, ServiceError
from pytest_chime_proxy.core.domain.state import DEFAULT_ACCOUNT, Backend, Scope
from pytest_chime_proxy.core.wire import protocol, routing
from pytest_chime_proxy.core.wire.protocol import ParsedRequest, WireRequest, WireResponse

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
_SCOPE_END = re.compile(r"[,\s]")  # what ends a Credential= component


@dataclass
class Exchange:
    """One request the fake answered: what was asked, of whom, and what it answered."""

    request: WireRequest
    endpoint: routing.Endpoint
    account: str
    operation: str | None
    params: dict[str, Any]
    response: WireResponse

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def error_code(self) -> str | None:
        return self.response.headers.get("x-amzn-ErrorType")


def credential(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(access key id, signing region) from a SigV4 Authorization header.

    A match is tried only where a ``Credential=`` starts, and cannot run past the next comma or whitespace;
    after a miss the search resumes beyond that delimiter, so a hostile header costs linear time.
    """
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode(errors="replace")
    start = auth.find("Credential=")
    while start >= 0:
        m = _CREDENTIAL.match(auth, start)
        if m:
            return m.group(1), m.group(2)
        end = _SCOPE_END.search(auth, start + 11)
        if end is None:
            break
        start = auth.find("Credential=", end.end())
    return None, None


def account_for(access_key: str | None, default: str) -> str:
    """moto's rule: a 12-digit access key id names the account; any other key uses the default account."""
    return access_key if access_key and len(access_key) == 12 and access_key.isdigit() else default


@dataclass(frozen=True)
class Routed:
    """A request the fake recognised as Chime's, routed: whose it is and which operation, or why not.

    ``parsed`` is None when routing or parsing failed; ``error`` then says why and ``refusal`` is the
    service's answer to it.
    """

    request: WireRequest
    endpoint: routing.Endpoint
    account: str
    parsed: ParsedRequest | None
    error: ServiceError | None = None

    @property
    def refusal(self) -> WireResponse | None:
        return None if self.error is None else protocol.failure(self.error)

    @property
    def operation(self) -> str | None:
        return self.parsed.operation.name if self.parsed else None

    @property
    def params(self) -> dict[str, Any]:
        return self.parsed.params if self.parsed else {}

    def exchange(self, response: WireResponse) -> Exchange:
        """The exchange of this request with ``response`` as its answer."""
        return Exchange(self.request, self.endpoint, self.account, self.operation, self.params, response)


def admit(backend: Backend, namespace: str, account: str) -> None:
    """With the legacy cut-off on, refuse every legacy ``chime`` call as AWS refuses new accounts (403
    ForbiddenException; the message reported in amazon-chime-sdk-js issues 2697 and 2870)."""
    if backend.legacy_cutoff and namespace == "chime":
        raise Forbidden(
            f"Account Id {account} is not authorized to call deprecated Amazon Chime SDK API on the "
            '"chime" endpoint, use one of the "*-chime*" endpoints instead.'
        )


class FakeChime:
    """Answers Chime requests from a ``Backend``: ``route`` then ``execute`` (what sits between the two, such
    as fault rules, is the caller's)."""

    def __init__(self, backend: Backend | None = None, default_account: str = DEFAULT_ACCOUNT) -> None:
        self.backend = backend or Backend()
        self.default_account = default_account
        # Scopes are frozen and a request only reads them: one per (account, namespace, region) serves every
        # request, for as long as the account's state is the one the backend holds (reset() replaces it)
        self._scopes: dict[tuple[str, str, str], Scope] = {}

    def route(self, request: WireRequest, endpoint: routing.Endpoint | None = None) -> Routed | None:
        """Which endpoint, account and operation ``request`` is for; None when its host is not a Chime
        endpoint (and no ``endpoint`` was given)."""
        host, path, query = protocol.split(request.url)
        if endpoint is None:
            endpoint = routing.resolve_host(host)
            if endpoint is None:
                return None
        key, _ = credential(request.headers)
        account = account_for(key, self.default_account)
        try:
            admit(self.backend, endpoint.namespace, account)
            return Routed(request, endpoint, account, protocol.parse(endpoint, request, path, query))
        except ServiceError as error:
            return Routed(request, endpoint, account, None, error)

    def execute(self, routed: Routed) -> WireResponse:
        """The service's answer to a routed request: validated, run against the state, serialized."""
        parsed = routed.parsed
        if parsed is None:
            assert routed.refusal is not None
            return routed.refusal
        try:
            params = protocol.check(parsed)
            with self.backend.lock:
                data = operations.handler(parsed.operation.name)(self._scope(routed.account, routed.endpoint), params)
            return protocol.success(parsed.operation, data)
        except ServiceError as error:
            return protocol.failure(error, parsed.operation)

    def handle(self, request: WireRequest, endpoint: routing.Endpoint | None = None) -> Exchange | None:
        """``route`` and ``execute`` in one: the exchange, or None for a request that is not Chime's."""
        routed = self.route(request, endpoint)
        return None if routed is None else routed.exchange(self.execute(routed))

    def _scope(self, account: str, endpoint: routing.Endpoint) -> Scope:
        """The scope of a request (called under the backend's lock)."""
        state = self.backend.account(account)
        key = (account, endpoint.namespace, endpoint.region)
        scope = self._scopes.get(key)
        if scope is None or scope.account is not state:
            scope = self._scopes[key] = Scope(self.backend, state, endpoint.namespace, endpoint.region)
        return scope
