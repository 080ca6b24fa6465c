"""The request pipeline: one function from a wire request to the service's answer and its one ``Call``.

Every adapter calls ``handle`` and nothing else: the botocore and aiobotocore endpoints, raw ``requests``,
and the HTTP server. In reading order: route (host or given endpoint), account, legacy cut-off, parse,
fault rules, validation, the operation's handler under the state lock, serialization, and the record.

Secrets leave the request where it enters (``redaction.redact``, right after routing says it is Chime's):
only the handler reads the original (a termination password is hashed there); the call log keeps the
redacted request and parameters, and an error answer that would echo a secret is scrubbed before it is
kept or sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.core import operations, redaction
from pytest_chime_proxy.core.calls import Call, retry_header
from pytest_chime_proxy.core.connection_fault import ConnectionFault
from pytest_chime_proxy.core.domain.errors import Forbidden, Injected, ServiceError, UnknownRoute
from pytest_chime_proxy.core.fake import FakeChime
from pytest_chime_proxy.core.wire import protocol, routing
from pytest_chime_proxy.core.wire.credentials import account_for, credential
from pytest_chime_proxy.core.wire.protocol import ParsedRequest, WireRequest, WireResponse

if TYPE_CHECKING:
    from pytest_chime_proxy.core.faults import Decision


def handle(
    fake: FakeChime,
    request: WireRequest,
    endpoint: routing.Endpoint | None = None,
    *,
    read_timeout: float | None = None,
    waited: float = 0.0,
) -> Call | None:
    """Answer ``request`` from ``fake``; None when it is not for Chime (the adapter sends it on).

    ``endpoint``: which namespace and region answer, for a caller whose host says nothing (the HTTP server,
    which then answers an unknown path 404 instead of the in-process 501). ``read_timeout``: the client's, so
    injected latency reaching it times out. ``waited``: the retry backoff the client slept before sending.
    An injected broken connection is recorded and raised as ``ConnectionFault`` for the adapter to turn into
    its transport's own error.
    """
    served = endpoint is not None
    host, path, query = protocol.split(request.url)
    if endpoint is None:
        endpoint = routing.resolve_host(host)
        if endpoint is None:
            return None
    safe = redaction.redact(request)
    kept_params: dict[str, Any] = {}
    key, _ = credential(request.headers)
    account = account_for(key, fake.default_account)
    parsed: ParsedRequest | None = None
    decision: Decision | None = None  # what the fault rules decided, where there are any
    response: WireResponse | None = None
    try:
        admit(fake, endpoint.namespace, account)
        parsed = protocol.parse(endpoint, request, path, query)
        safe, kept_params = redaction.for_input(
            safe, request, endpoint.namespace, parsed.operation.input, parsed.params
        )
        if fake.rules:  # no rule, nothing to decide (and the rules' module not loaded)
            from pytest_chime_proxy.core.faults import Target

            op = parsed.operation
            decision = fake.rules.decide(
                Target(endpoint.namespace, endpoint.region, account, op.name, parsed.params, op.errors)
            )
            response = _apply(fake, decision, parsed, read_timeout)
        if response is None:
            params = protocol.check(parsed)
            with fake.backend.lock:
                scope = fake.scope(account, endpoint)
                try:
                    data = operations.handler(parsed.operation.name)(scope, params)
                finally:
                    fake.keep(scope)  # a new account's state, if the request put anything in it
            response = protocol.success(parsed.operation, data)
    except ConnectionFault as fault:
        _record(fake, safe, kept_params, endpoint, account, parsed, None, fault.botocore_name, waited, decision)
        raise
    except UnknownRoute as error:
        response = _unknown_route(endpoint, request.method, path) if served else protocol.failure(error)
    except ServiceError as error:
        response = protocol.failure(error, parsed.operation if parsed else None)
    if response.status >= 400 and safe.secrets:
        response = redaction.scrub(response, safe.secrets)
    error_code = response.headers.get("x-amzn-ErrorType")
    return _record(fake, safe, kept_params, endpoint, account, parsed, response, error_code, waited, decision)


def admit(fake: FakeChime, namespace: str, account: str) -> None:
    """With the legacy cut-off on, refuse every legacy ``chime`` call as AWS refuses new accounts (403
    ForbiddenException; the message reported in amazon-chime-sdk-js issues 2697 and 2870)."""
    if namespace == "chime" and fake.backend.legacy_cutoff:
        raise Forbidden(
            f"Account Id {account} is not authorized to call deprecated Amazon Chime SDK API on the "
            '"chime" endpoint, use one of the "*-chime*" endpoints instead.'
        )


def _apply(
    fake: FakeChime, decision: Decision, parsed: ParsedRequest, read_timeout: float | None
) -> WireResponse | None:
    """Carry out what the fault rules decided: wait, break the connection (raised), or answer an error."""
    if read_timeout is not None and decision.fired and decision.latency >= read_timeout:
        fake.wait(read_timeout)
        raise ConnectionFault("read_timeout")  # the client gave up before the slow answer came
    fake.wait(decision.latency)
    rule = decision.rule
    if rule is None:
        return None
    if rule.connection_error is not None:
        raise ConnectionFault(rule.connection_error)
    assert rule.error is not None
    error = Injected(rule.error, f"{parsed.operation.name} failed: {rule.error} (injected)")
    error.fallback = rule.error  # type: ignore[misc]  # send exactly the error asked for
    return protocol.failure(error, parsed.operation)


def _unknown_route(endpoint: routing.Endpoint, method: str, path: str) -> WireResponse:
    """The server's answer to a path no operation has: 404, saying where the APIs are."""
    message = (
        f"no {endpoint.namespace} operation at {method} {path}; the legacy chime API is under /chime/, "
        f"the control API under /_chime_proxy/"
    )
    return WireResponse(
        404,
        {"Content-Type": "application/json", "x-amzn-ErrorType": "UnknownOperationException"},
        json.dumps({"Code": "NotFound", "Message": message}).encode(),
    )


def _record(
    fake: FakeChime,
    safe: redaction.Redacted,
    params: dict[str, Any],
    endpoint: routing.Endpoint,
    account: str,
    parsed: ParsedRequest | None,
    response: WireResponse | None,
    error_code: str | None,
    waited: float,
    decision: Decision | None,
) -> Call:
    attempt, most = retry_header(safe.request.headers)
    call = Call(
        request=safe.request,
        endpoint=endpoint,
        account=account,
        operation=parsed.operation.name if parsed else None,
        params=params,
        response=response,
        status=response.status if response is not None else None,
        error_code=error_code,
        attempt=attempt,
        max_attempts=most,
        backoff=waited,
        latency=0.0 if decision is None else decision.latency,
        fault=None
        if decision is None
        else decision.rule or (decision.fired[0] if response is None and decision.fired else None),
        time=fake.clock.now(),
    )
    fake.calls.append(call)
    return call
