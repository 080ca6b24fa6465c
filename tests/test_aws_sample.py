"""AWS's own proxy-sessions sample (``aws-samples/amazon-chime-proxy-sessions-demo``) runs unchanged.

Its calls, read from ``templates/voice-connector-setup.yaml`` (a Lambda that creates the voice connector) and
``chimeproxy-backend/index.js`` (the backend): CreateVoiceConnector(Name, AwsRegion, RequireEncryption), then
PutVoiceConnectorProxy(DefaultSessionExpiryMinutes, PhoneNumberPoolCountries=[the user's country]), then
CreateProxySession(Capabilities, ParticipantPhoneNumbers=[provider, user], ExpiryMinutes, GeoMatchParams=
{AreaCode, Country} with no GeoMatchLevel, Name, NumberSelectionBehavior=PreferSticky), and
DeleteProxySession. It never orders or associates a phone number, and its legacy client calls
``https://service.chime.aws.amazon.com/console``. Here the same sequence runs through boto3 in both
namespaces, through raw HTTP, and from Node.js with the AWS SDK for JavaScript v2 against server mode.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import boto3
import pytest
import requests

from pytest_chime_proxy.server.app import ChimeProxyServer

CONSOLE = "https://service.chime.aws.amazon.com/console"
USER, PROVIDER = "+12055550142", "+12055550143"  # fictional numbers in area code 205, as the sample's README's
EXPIRY_MINUTES = "60"  # the sample reads it from an environment string
AT = "2020-04-15T16:10:10.288Z"
ON_DEMAND = "+12055550100"  # the first fictional on-demand number of the user's area code


def expected_session_body(voice_connector_id: str, session_id: str) -> bytes:
    """The 201 body the service writes for the sample's session: compact, keys sorted, unset members null,
    Capabilities sorted, Participants sorted by number, one proxy number in the user's area code."""
    return json.dumps(
        {
            "ProxySession": {
                "Capabilities": ["SMS", "Voice"],
                "CreatedTimestamp": AT,
                "EndedTimestamp": None,
                "ExpiryMinutes": int(EXPIRY_MINUTES),
                "GeoMatchLevel": None,
                "GeoMatchParams": {"AreaCode": "205", "Country": "US"},
                "Name": "DemoProxy",
                "NumberSelectionBehavior": "PreferSticky",
                "Participants": [
                    {"PhoneNumber": USER, "ProxyPhoneNumber": ON_DEMAND},
                    {"PhoneNumber": PROVIDER, "ProxyPhoneNumber": ON_DEMAND},
                ],
                "ProxySessionId": session_id,
                "Status": "Open",
                "UpdatedTimestamp": AT,
                "VoiceConnectorId": voice_connector_id,
            }
        },
        separators=(",", ":"),
    ).encode()


@pytest.fixture(params=["chime", "chime-sdk-voice"])
def sample_client(request: pytest.FixtureRequest, chime_proxy: Any) -> Any:
    """The legacy client at the sample's /console endpoint (botocore <= 1.37.1), or a chime-sdk-voice one."""
    chime_proxy.clock.set(AT)
    if request.param == "chime":
        request.getfixturevalue("chime_client")  # skips where botocore no longer has the legacy proxy operations
        return boto3.client("chime", region_name="us-east-1", endpoint_url=CONSOLE)
    return boto3.client("chime-sdk-voice", region_name="us-east-1")


def test_the_samples_sequence_runs_with_no_numbers_provisioned(sample_client: Any, chime_proxy: Any) -> None:
    namespace = sample_client.meta.service_model.service_name
    vc = sample_client.create_voice_connector(
        Name="voice-connector-demo-01", AwsRegion="us-east-1", RequireEncryption=False
    )["VoiceConnector"]["VoiceConnectorId"]
    sample_client.put_voice_connector_proxy(
        DefaultSessionExpiryMinutes=int(EXPIRY_MINUTES), PhoneNumberPoolCountries=["US"], VoiceConnectorId=vc
    )
    session = sample_client.create_proxy_session(
        Capabilities=["Voice", "SMS"],
        ParticipantPhoneNumbers=[PROVIDER, USER],
        VoiceConnectorId=vc,
        ExpiryMinutes=int(EXPIRY_MINUTES),
        GeoMatchParams={"AreaCode": USER[2:5], "Country": "US"},
        Name="DemoProxy",
        NumberSelectionBehavior="PreferSticky",
    )["ProxySession"]

    created = chime_proxy.calls.last("CreateProxySession")
    assert created.namespace == namespace and created.status == 201
    assert created.response.body == expected_session_body(vc, session["ProxySessionId"])
    if namespace == "chime":
        assert created.request.url.startswith(CONSOLE + "/voice-connectors/")
    assert {p["ProxyPhoneNumber"] for p in session["Participants"]} == {ON_DEMAND}
    assert sample_client.list_phone_numbers()["PhoneNumbers"] == []  # nothing was ordered

    sample_client.delete_proxy_session(ProxySessionId=session["ProxySessionId"], VoiceConnectorId=vc)
    assert chime_proxy.calls.last("DeleteProxySession").status == 204
    assert [c.operation for c in chime_proxy.calls] == [
        "CreateVoiceConnector",
        "PutVoiceConnectorProxy",
        "CreateProxySession",
        "ListPhoneNumbers",
        "DeleteProxySession",
    ]


def test_the_console_endpoint_answers_raw_http(chime_proxy: Any) -> None:
    """Code that calls the REST API itself (through requests) at /console, whatever botocore is installed."""
    chime_proxy.clock.set(AT)
    made = requests.post(
        f"{CONSOLE}/voice-connectors",
        json={"Name": "voice-connector-demo-01", "AwsRegion": "us-east-1", "RequireEncryption": False},
    )
    assert made.status_code == 201
    vc = made.json()["VoiceConnector"]["VoiceConnectorId"]
    put = requests.put(
        f"{CONSOLE}/voice-connectors/{vc}/programmable-numbers/proxy",
        json={"DefaultSessionExpiryMinutes": 60, "PhoneNumberPoolCountries": ["US"]},
    )
    assert put.status_code == 200
    session = requests.post(
        f"{CONSOLE}/voice-connectors/{vc}/proxy-sessions",
        json={
            "Capabilities": ["Voice", "SMS"],
            "ParticipantPhoneNumbers": [PROVIDER, USER],
            "ExpiryMinutes": 60,
            "GeoMatchParams": {"AreaCode": "205", "Country": "US"},
            "Name": "DemoProxy",
            "NumberSelectionBehavior": "PreferSticky",
        },
    )
    assert session.status_code == 201
    assert session.content == expected_session_body(vc, session.json()["ProxySession"]["ProxySessionId"])
    assert chime_proxy.calls.last().namespace == "chime"

    missing = requests.get(f"{CONSOLE}/voice-connectors/{vc}/proxy-sessions/missing")
    assert missing.status_code == 404
    assert missing.headers["x-amzn-ErrorType"] == "NotFoundException"
    body = missing.json()
    assert set(body) == {"Code", "Message", "RequestId"} and body["Code"] == "NotFound"
    assert body["RequestId"] == missing.headers["x-amzn-RequestId"] and "missing" in body["Message"]
    assert missing.content == json.dumps(body, separators=(",", ":")).encode()


def test_the_sample_from_node_with_aws_sdk_v2_against_the_server(chime_proxy_server: ChimeProxyServer) -> None:
    """tests/js/proxy_sample.cjs: the sample's client (``new AWS.Chime({region})`` with the /console endpoint,
    redirected to the server) and its calls, settings from environment strings."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the AWS SDK for JavaScript v2 test needs `node` on PATH")
    from test_js_sdk import JS, node_modules  # the npm packages, installed once into the shared cache

    modules = node_modules()
    mock = chime_proxy_server.mock
    mock.clock.set(AT)
    env = {
        **os.environ,
        "NODE_PATH": str(modules),
        "CHIME_CONSOLE_ENDPOINT": f"{chime_proxy_server.url}/console",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "USER_NUMBER": USER,
        "PROVIDER_NUMBER": PROVIDER,
        "USER_COUNTRY": "US",
        "EXPIRY_MINUTES": EXPIRY_MINUTES,
    }
    done = subprocess.run([node, str(JS / "proxy_sample.cjs")], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)

    assert [seen[k]["status"] for k in ("voiceConnector", "proxy", "session", "deleted")] == [201, 200, 201, 204]
    vc = seen["voiceConnector"]["data"]["VoiceConnector"]["VoiceConnectorId"]
    session = seen["session"]["data"]["ProxySession"]
    created = mock.calls.last("CreateProxySession")
    assert created.namespace == "chime" and created.request.url.startswith(f"{chime_proxy_server.url}/console/")
    assert created.response.body == expected_session_body(vc, session["ProxySessionId"])
    assert json.loads(created.request.body)["ExpiryMinutes"] == 60
    # the SDK sent the environment string as the integer the model types it as
    assert json.loads(mock.calls.last("PutVoiceConnectorProxy").request.body)["DefaultSessionExpiryMinutes"] == 60
    assert seen["session"]["createdIsDate"] is True  # the SDK parsed the timestamp into a Date
    assert session == json.loads(created.response.body)["ProxySession"]  # what the SDK read is what was sent
    assert [c.operation for c in mock.calls] == [
        "CreateVoiceConnector",
        "PutVoiceConnectorProxy",
        "CreateProxySession",
        "DeleteProxySession",
    ]
