"""The fake service: one call from an HTTP request to an HTTP response, with no transport of its own.

Adapters (botocore, ``responses``, the HTTP server) build a ``WireRequest`` and send back what this returns.
Between routing and execution sits the mock's own layer (fault rules, call recording), through the
``before`` hook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .domain.errors import ServiceError
from .domain.state import DEFAULT_ACCOUNT, Backend, Scope
from . import service
from .wire import protocol, routing
from .wire.protocol import ParsedRequest, WireRequest, WireResponse

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/")


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
    """(access key id, signing region) from a SigV4 Authorization header."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode()
    # a match starts at a "Credential=": trying the first one directly spares the scan of the whole header
    start = auth.find("Credential=")
    if start < 0:
        return None, None
    m = _CREDENTIAL.match(auth, start) or _CREDENTIAL.search(auth, start)
    return (m.group(1), m.group(2)) if m else (None, None)


def account_for(access_key: str | None, default: str) -> str:
    """moto's rule: a 12-digit access key id names the account; any other key uses the default account."""
    return access_key if access_key and len(access_key) == 12 and access_key.isdigit() else default


Before = Callable[[ParsedRequest, str], "WireResponse | None"]


class FakeChime:
    """Answers Chime requests from a ``Backend``."""

    def __init__(self, backend: Backend | None = None, default_account: str = DEFAULT_ACCOUNT) -> None:
        self.backend = backend or Backend()
        self.default_account = default_account
        # Scopes are frozen and a request only reads them: one per (account, namespace, region) serves every
        # request, for as long as the account's state is the one the backend holds (reset() replaces it)
        self._scopes: dict[tuple[str, str, str], Scope] = {}

    def handle(self, request: WireRequest, endpoint: routing.Endpoint | None = None,
               before: Before | None = None) -> Exchange | None:
        """Answer ``request``; None when its host is not a Chime endpoint (and no endpoint was given).

        ``before`` may answer instead of the service (fault injection); it sees the routed request.
        """
        host, path, query = protocol.split(request.url)
        if endpoint is None:
            endpoint = routing.resolve_host(host)
            if endpoint is None:
                return None
        key, _ = credential(request.headers)
        account = account_for(key, self.default_account)
        parsed: ParsedRequest | None = None
        try:
            service.admit(self.backend, endpoint.namespace, account)
            parsed = protocol.parse(endpoint, request, path, query)
            response = before(parsed, account) if before else None
            if response is None:
                params = protocol.check(parsed)
                with self.backend.lock:
                    data = service.handler(parsed.operation.name)(self._scope(account, endpoint), params)
                response = protocol.success(parsed.operation, data)
        except ServiceError as error:
            response = protocol.failure(error, parsed.operation if parsed else None)
        return Exchange(request, endpoint, account, parsed.operation.name if parsed else None,
                        parsed.params if parsed else {}, response)

    def _scope(self, account: str, endpoint: routing.Endpoint) -> Scope:
        """The scope of a request (called under the backend's lock)."""
        state = self.backend.account(account)
        key = (account, endpoint.namespace, endpoint.region)
        scope = self._scopes.get(key)
        if scope is None or scope.account is not state:
            scope = self._scopes[key] = Scope(self.backend, state, endpoint.namespace, endpoint.region)
        return scope
