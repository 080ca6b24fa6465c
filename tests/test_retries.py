"""How botocore's retry modes treat each Chime failure, proved with real clients against injected faults.

The facts (checked against botocore's retry handlers): ``legacy`` retries 429 and 5xx; ``standard`` and
``adaptive`` retry 5xx but not 429 ThrottledClientException (its code is not in botocore's throttling list
and the model does not mark it retryable); 400s are never retried; ``max_attempts`` counts retries, so
``max_attempts=4`` is 5 attempts; connection errors are retried in every mode. The fake only answers as the
service would -- every count here is botocore's own decision. Backoff runs on the mock's clock (see
test_backoff.py), so none of these tests waits.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import exceptions as bce
from botocore.config import Config
from helpers import PAIR

MODES = ("legacy", "standard", "adaptive")
RETRIED_5XX = ("ServiceFailureException", "ServiceUnavailableException")
NEVER_RETRIED = ("BadRequestException", "ForbiddenException", "NotFoundException", "UnauthorizedClientException")


def make_client(namespace: str, mode: str, **retries: Any) -> Any:
    config = Config(retries={"mode": mode, **retries})
    return boto3.client(namespace, region_name="us-east-1", config=config)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _get_proxy(client: Any, vc: str) -> Any:
    return client.get_voice_connector_proxy(VoiceConnectorId=vc)


@pytest.mark.parametrize("error", RETRIED_5XX)
def test_5xx_is_retried_in_every_mode_until_max_attempts(
    chime_proxy: Any, namespace: str, voice_connector: str, mode: str, error: str
) -> None:
    client = make_client(namespace, mode, max_attempts=4)
    chime_proxy.inject("GetVoiceConnectorProxy", error=error, times=None)
    with pytest.raises(client.exceptions.ClientError) as raised:
        _get_proxy(client, voice_connector)
    assert raised.value.response["Error"]["Code"] == error
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 4
    calls = chime_proxy.calls.filter("GetVoiceConnectorProxy")
    assert len(calls) == 5  # max_attempts counts retries: 1 + 4
    assert [c.attempt for c in calls] == [1, 2, 3, 4, 5]
    assert {c.status for c in calls} == {500 if error == "ServiceFailureException" else 503}


def test_429_is_retried_by_legacy_mode_only(chime_proxy: Any, namespace: str, voice_connector: str, mode: str) -> None:
    client = make_client(namespace, mode, max_attempts=4)
    rule = chime_proxy.inject("GetVoiceConnectorProxy", error="ThrottledClientException", times=None)
    with pytest.raises(client.exceptions.ThrottledClientException) as raised:
        _get_proxy(client, voice_connector)
    expected_attempts = 5 if mode == "legacy" else 1
    assert rule.hits == expected_attempts
    assert chime_proxy.calls.count("GetVoiceConnectorProxy", status=429) == expected_attempts
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


@pytest.mark.parametrize("error", NEVER_RETRIED)
def test_4xx_is_never_retried(chime_proxy: Any, namespace: str, voice_connector: str, mode: str, error: str) -> None:
    client = make_client(namespace, mode, max_attempts=4)
    chime_proxy.inject("GetVoiceConnectorProxy", error=error, times=None)
    with pytest.raises(getattr(client.exceptions, error)):
        _get_proxy(client, voice_connector)
    assert chime_proxy.calls.count("GetVoiceConnectorProxy") == 1


def test_a_real_not_found_is_not_retried(chime_proxy: Any, namespace: str, mode: str) -> None:
    client = make_client(namespace, mode, max_attempts=4)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId="abcdef1ghij2klmno3pqr4", ProxySessionId="nope")
    assert chime_proxy.calls.count() == 1


def test_fail_twice_then_succeed(chime_proxy: Any, namespace: str, voice_connector: str, mode: str) -> None:
    client = make_client(namespace, mode, max_attempts=4)
    chime_proxy.inject("CreateProxySession", error="ServiceUnavailableException", times=2)
    session = client.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"]
    )["ProxySession"]
    creates = chime_proxy.calls.filter("CreateProxySession")
    assert [c.status for c in creates] == [503, 503, 201]
    assert [c.attempt for c in creates] == [1, 2, 3]
    # the failed attempts changed nothing: exactly one session exists
    listed = client.list_proxy_sessions(VoiceConnectorId=voice_connector)["ProxySessions"]
    assert [s["ProxySessionId"] for s in listed] == [session["ProxySessionId"]]


@pytest.mark.parametrize("max_attempts", [0, 1, 2, 6])
def test_max_attempts_counts_retries(
    chime_proxy: Any, namespace: str, voice_connector: str, mode: str, max_attempts: int
) -> None:
    client = make_client(namespace, mode, max_attempts=max_attempts)
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=None)
    with pytest.raises(client.exceptions.ServiceFailureException):
        _get_proxy(client, voice_connector)
    assert chime_proxy.calls.count("GetVoiceConnectorProxy") == max_attempts + 1


@pytest.mark.parametrize("total", [1, 3])
def test_total_max_attempts_counts_attempts(
    chime_proxy: Any, namespace: str, voice_connector: str, mode: str, total: int
) -> None:
    client = make_client(namespace, mode, total_max_attempts=total)
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=None)
    with pytest.raises(client.exceptions.ServiceFailureException):
        _get_proxy(client, voice_connector)
    calls = chime_proxy.calls.filter("GetVoiceConnectorProxy")
    assert len(calls) == total
    assert [c.attempt for c in calls] == list(range(1, total + 1))
    # retries announce the total in amz-sdk-request (first attempts do too, in newer botocore's standard mode)
    assert {c.max_attempts for c in calls[1:]} <= {total}
    assert calls[0].max_attempts in (None, total)


@pytest.mark.parametrize(("retry_mode", "attempts"), [("legacy", 5), ("standard", 3), ("adaptive", 3)])
def test_default_max_attempts_per_mode(
    chime_proxy: Any, namespace: str, voice_connector: str, retry_mode: str, attempts: int
) -> None:
    """botocore's documented defaults: legacy makes 5 attempts, standard and adaptive 3."""
    client = make_client(namespace, retry_mode)
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=None)
    with pytest.raises(client.exceptions.ServiceUnavailableException):
        _get_proxy(client, voice_connector)
    assert chime_proxy.calls.count("GetVoiceConnectorProxy") == attempts


CONNECTION_ERRORS = {
    "read_timeout": bce.ReadTimeoutError,
    "connect_timeout": bce.ConnectTimeoutError,
    "connection_closed": bce.ConnectionClosedError,
    "endpoint_unreachable": bce.EndpointConnectionError,
}


@pytest.mark.parametrize("kind", sorted(CONNECTION_ERRORS))
def test_connection_errors_are_retried_in_every_mode(
    chime_proxy: Any, namespace: str, voice_connector: str, mode: str, kind: str
) -> None:
    client = make_client(namespace, mode, max_attempts=3)
    chime_proxy.inject("GetVoiceConnectorProxy", connection_error=kind, times=None)
    with pytest.raises(CONNECTION_ERRORS[kind]):
        _get_proxy(client, voice_connector)
    calls = chime_proxy.calls.filter("GetVoiceConnectorProxy")
    assert len(calls) == 4
    assert {(c.status, c.error_code) for c in calls} == {(None, CONNECTION_ERRORS[kind].__name__)}


def test_connection_error_then_success(chime_proxy: Any, namespace: str, voice_connector: str, mode: str) -> None:
    client = make_client(namespace, mode, max_attempts=4)
    chime_proxy.inject("GetVoiceConnectorProxy", connection_error="connection_closed", times=2)
    proxy = _get_proxy(client, voice_connector)["Proxy"]
    assert proxy["DefaultSessionExpiryMinutes"] == 60
    assert [c.status for c in chime_proxy.calls.filter("GetVoiceConnectorProxy")] == [None, None, 200]


def test_the_default_client_config_retries_5xx(chime_proxy: Any, client: Any, voice_connector: str) -> None:
    """Whatever the installed botocore's default mode, a client without a retry config retries a 503."""
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=1)
    assert _get_proxy(client, voice_connector)["Proxy"]["DefaultSessionExpiryMinutes"] == 60
    assert [c.status for c in chime_proxy.calls.filter("GetVoiceConnectorProxy")] == [503, 200]
