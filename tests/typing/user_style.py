"""A user's test file, type-checked with ``mypy --strict`` by the test command (never run by pytest: the
file name does not start with ``test_``). It uses every documented option, so a public signature that
rejects a documented option, or returns an untyped value, fails the check."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient
from mypy_boto3_chime_sdk_voice.type_defs import ProxySessionTypeDef

from pytest_chime_proxy import (
    Call,
    CallLog,
    ChimeProxyMock,
    ChimeProxyServer,
    Clock,
    FaultRule,
    MockOptions,
    OptionsError,
    OverlappingMocksError,
    current_mock,
    mock_chime_proxy,
)

OPTIONS: MockOptions = {"region": "eu-west-1", "account": "111122223333", "seed": 7, "real_sleep": False}


@mock_chime_proxy
def test_bare_decorator() -> None:
    mock: ChimeProxyMock = current_mock(required=True)
    maybe: ChimeProxyMock | None = current_mock()
    assert maybe is mock


@mock_chime_proxy(
    region="us-west-2",
    account="123456789012",
    seed=1,
    clock=Clock("2024-01-01T00:00:00Z"),
    real_sleep=False,
    virtual_sleep=True,
    assert_all_faults_hit=True,
    faults=[{"operation": "GetProxySession", "error": "NotFoundException", "times": 1}],
)
def test_decorator_with_every_option() -> None:
    pass


def test_context_manager_and_helpers() -> None:
    with mock_chime_proxy(**OPTIONS) as chime:
        vc: str = chime.create_voice_connector(
            ["+19135550199"],
            name="shop",
            region="eu-west-1",
            countries=["US"],
            default_session_expiry_minutes=30,
            proxy=True,
            require_encryption=True,
        )
        acquired: list[str] = chime.order_phone_numbers(["+19135550198"], product_type="VoiceConnector")
        rule: FaultRule = chime.inject(
            "CreateProxySession",
            error="ThrottledClientException",
            times=2,
            after=1,
            probability=0.5,
            seed=3,
            latency=timedelta(seconds=1),
            match={"Name": "x"},
            namespace="chime-sdk-voice",
            region="eu-west-1",
        )
        chime.inject("*", connection_error="read_timeout", times=None, latency=2.5)
        chime.inject("GetProxySession", error="NotFoundException", match=lambda params: "Name" in params)
        calls: CallLog = chime.calls.filter("CreateProxySession", status=201)
        count: int = calls.filter(region="eu-west-1").count()
        if chime.calls:
            last: Call = chime.calls.last()
            assert last.namespace in ("chime", "chime-sdk-voice")
        chime.clock.advance(minutes=5)
        chime.reset()
        assert vc and acquired is not None and rule.hits >= 0 and count >= 0


def test_fixtures(chime_proxy: ChimeProxyMock, voice_connector: str, chime_proxy_server: ChimeProxyServer) -> None:
    assert chime_proxy.active and voice_connector and chime_proxy_server.url.startswith("http://")


def test_errors() -> None:
    with pytest.raises(OptionsError):
        ChimeProxyMock(region="nowhere")
    assert issubclass(OverlappingMocksError, RuntimeError)


def test_typed_client_fixture(chime_sdk_voice: ChimeSDKVoiceClient, voice_connector: str) -> None:
    """The fixture annotated with mypy-boto3-chime-sdk-voice's client: calls and answers are typed."""
    session: ProxySessionTypeDef = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=voice_connector,
        ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
        Capabilities=["Voice", "SMS"],
    )["ProxySession"]
    minutes: int = session.get("ExpiryMinutes", 0)
    assert minutes > 0


def test_settings_and_the_flow(chime_proxy: ChimeProxyMock) -> None:
    region: str = chime_proxy.settings["region"]
    given: MockOptions = chime_proxy.options
    worker = threading.Thread(target=chime_proxy.sleeps_virtually(time.sleep), args=(1,))
    worker.start()
    worker.join()

    async def poll() -> int:
        await asyncio.sleep(1)
        return 1

    async def app() -> int:
        return await asyncio.create_task(chime_proxy.sleeps_virtually(poll()))

    one: int = asyncio.run(app())
    with chime_proxy.sleeps_virtually():
        time.sleep(1)
    assert region and given is not None and one == 1
