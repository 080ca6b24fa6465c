"""``chime_proxy.calls``: every request the fake saw, in order, and the helpers to assert on them."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from helpers import PAIR

from pytest_chime_proxy.core.calls import CallLog, retry_header


def test_calls_record_what_was_asked_and_answered(
    chime_proxy: Any, client: Any, namespace: str, voice_connector: str
) -> None:
    session = client.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice", "SMS"], ExpiryMinutes=30
    )["ProxySession"]
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_proxy_session(VoiceConnectorId=voice_connector, ProxySessionId="does-not-exist")
    client.list_proxy_sessions(VoiceConnectorId=voice_connector, Status="Open", MaxResults=10)

    created, missing, listed = chime_proxy.calls
    assert created.namespace == namespace and created.region == "us-east-1"
    assert created.operation == "CreateProxySession" and created.status == 201 and created.error_code is None
    assert created.params == {
        "VoiceConnectorId": voice_connector,
        "ParticipantPhoneNumbers": PAIR,
        "Capabilities": ["Voice", "SMS"],
        "ExpiryMinutes": 30,
    }
    assert created.json()["ProxySession"]["ProxySessionId"] == session["ProxySessionId"]
    assert created.attempt == 1 and created.backoff == 0.0 and not created.injected
    assert created.request.method == "POST"

    assert missing.operation == "GetProxySession" and missing.status == 404
    assert missing.error_code == "NotFoundException"
    assert missing.params == {"VoiceConnectorId": voice_connector, "ProxySessionId": "does-not-exist"}

    assert listed.params == {"VoiceConnectorId": voice_connector, "Status": "Open", "MaxResults": 10}
    assert chime_proxy.calls.operations == ["CreateProxySession", "GetProxySession", "ListProxySessions"]


def test_validation_errors_are_recorded(chime_proxy: Any, client: Any, voice_connector: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException):
        client.create_proxy_session(
            VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=["1", "2"], Capabilities=["Voice"]
        )
    call = chime_proxy.calls.last()
    assert (call.operation, call.status, call.error_code) == ("CreateProxySession", 400, "BadRequestException")


def test_region_of_a_regional_endpoint(chime_proxy: Any) -> None:
    west = boto3.client("chime-sdk-voice", region_name="eu-west-2")
    west.list_voice_connectors()
    assert (chime_proxy.calls.last().namespace, chime_proxy.calls.last().region) == ("chime-sdk-voice", "eu-west-2")


def test_count_filter_last(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    for _ in range(3):
        chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    chime_proxy.inject("ListVoiceConnectors", error="ForbiddenException")
    with pytest.raises(chime_sdk_voice.exceptions.ForbiddenException):
        chime_sdk_voice.list_voice_connectors()
    chime_sdk_voice.list_voice_connectors()

    calls = chime_proxy.calls
    assert calls.count() == len(calls) == 5
    assert calls.count("GetVoiceConnectorProxy") == 3
    assert calls.count("ListVoiceConnectors", status=403) == 1
    assert calls.count(status=200) == 4
    assert calls.count("DeleteProxySession") == 0
    assert calls.last().status == 200 and calls.last().operation == "ListVoiceConnectors"
    assert calls.last("GetVoiceConnectorProxy") is calls[2]
    assert calls.last(error_code="ForbiddenException") is calls[3]
    assert [c.operation for c in calls.filter(namespace="chime-sdk-voice", region="us-east-1")] == calls.operations
    assert calls[1:3] == [calls[1], calls[2]]
    assert calls == list(calls) and calls != CallLog()


def test_last_without_a_match_says_what_was_called(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    with pytest.raises(LookupError, match="anything"):
        chime_proxy.calls.last()
    chime_sdk_voice.list_voice_connectors()
    with pytest.raises(LookupError, match=r"'operation': 'DeleteProxySession'.*\['ListVoiceConnectors'\]"):
        chime_proxy.calls.last("DeleteProxySession")


def test_unknown_filter_is_refused(chime_proxy: Any) -> None:
    with pytest.raises(TypeError, match=r"unknown filter\(s\) \['operaton'\]"):
        chime_proxy.calls.filter(operaton="ListVoiceConnectors")


def test_attempts_and_backoff_of_a_retried_call(chime_proxy: Any, namespace: str, voice_connector: str) -> None:
    client = boto3.client(
        namespace, region_name="us-east-1", config=Config(retries={"mode": "standard", "max_attempts": 3})
    )
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=2)
    client.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    calls = chime_proxy.calls.filter("GetVoiceConnectorProxy")
    assert [(c.attempt, c.status) for c in calls] == [(1, 500), (2, 500), (3, 200)]
    assert [c.injected for c in calls] == [True, True, False]
    assert calls[0].backoff == 0 and calls[1].backoff > 0 and calls[2].backoff > 0
    assert chime_proxy.calls.backoffs == [c.backoff for c in calls]
    assert "attempt=2" in repr(calls[1]) and "backoff" in repr(calls[1])


def test_each_attempt_of_a_call_is_a_new_request(chime_proxy: Any, client: Any, voice_connector: str) -> None:
    """Separate calls start again at attempt 1; one invocation id ties a call's attempts together."""
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=1)
    client.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    client.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    calls = chime_proxy.calls
    assert [c.attempt for c in calls] == [1, 2, 1]
    ids = [c.request.headers["amz-sdk-invocation-id"] for c in calls]
    assert ids[0] == ids[1] != ids[2]


def test_reset_and_clear(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    chime_sdk_voice.list_voice_connectors()
    chime_proxy.calls.clear()
    assert len(chime_proxy.calls) == 0 and not chime_proxy.calls
    chime_sdk_voice.list_voice_connectors()
    chime_proxy.reset()
    assert chime_proxy.calls == []


def test_calls_are_per_mock(chime_sdk_voice: Any) -> None:
    from pytest_chime_proxy import mock_chime_proxy

    with mock_chime_proxy() as first:
        chime_sdk_voice.list_voice_connectors()
    with mock_chime_proxy() as second:
        chime_sdk_voice.list_voice_connectors()
        chime_sdk_voice.list_voice_connectors()
    assert (len(first.calls), len(second.calls)) == (1, 2)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"amz-sdk-request": "attempt=3; max=5"}, (3, 5)),
        ({"Amz-Sdk-Request": b"attempt=1"}, (1, None)),
        ({"amz-sdk-request": "ttl=20240101T000000Z; attempt=2; max=3"}, (2, 3)),
        ({}, (None, None)),
    ],
)
def test_retry_header(headers: dict[str, Any], expected: tuple[int | None, int | None]) -> None:
    assert retry_header(headers) == expected
