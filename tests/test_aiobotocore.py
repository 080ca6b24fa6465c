"""aiobotocore: ``async with session.create_client("chime-sdk-voice")`` is answered by the fake under the same
fixture and decorator as boto3, with aiobotocore's own retries, signing and parsing left real.

Skipped where aiobotocore is not installed: its botocore pin is narrow, so scripts/test.sh installs it only
where the botocore may follow it: the legacy run (aiobotocore 2.x on botocore 1.37.1) and the newest-Python
run (the newest aiobotocore), not the main run, which keeps the newest botocore.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from helpers import PAIR, credential_profiles, fresh_python

pytest.importorskip(
    "aiobotocore",
    reason="aiobotocore is not installed here (its botocore pin is narrow; "
    "scripts/test.sh installs it in the legacy and newest runs)",
)

from aiobotocore.session import get_session  # noqa: E402

from pytest_chime_proxy import ChimeProxyMock, mock_chime_proxy  # noqa: E402


async def lifecycle(vc: str) -> dict[str, Any]:
    """Create, get, list, update, delete a session and fail to get it again, all through aiobotocore."""
    async with get_session().create_client("chime-sdk-voice", region_name="us-east-1") as c:
        made = (
            await c.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])
        )["ProxySession"]
        sid = made["ProxySessionId"]
        got = (await c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid))["ProxySession"]
        listed = (await c.list_proxy_sessions(VoiceConnectorId=vc))["ProxySessions"]
        updated = (await c.update_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid, Capabilities=["SMS"]))[
            "ProxySession"
        ]
        deleted = await c.delete_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)
        try:
            await c.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=sid)
            missing = None
        except c.exceptions.NotFoundException as error:
            missing = error
    return {"made": made, "got": got, "listed": listed, "updated": updated, "deleted": deleted, "missing": missing}


def test_lifecycle_under_the_fixture(chime_proxy: ChimeProxyMock, voice_connector: str) -> None:
    seen = asyncio.run(lifecycle(voice_connector))
    assert seen["made"]["Status"] == "Open"
    assert seen["got"] == seen["made"]
    assert [s["ProxySessionId"] for s in seen["listed"]] == [seen["made"]["ProxySessionId"]]
    assert seen["updated"]["Capabilities"] == ["SMS"]
    assert seen["deleted"]["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert seen["missing"] is not None
    assert seen["missing"].response["Error"]["Code"] == "NotFoundException"
    assert [c.operation for c in chime_proxy.calls] == [
        "CreateProxySession",
        "GetProxySession",
        "ListProxySessions",
        "UpdateProxySession",
        "DeleteProxySession",
        "GetProxySession",
    ]


def test_decorated_async_function() -> None:
    @mock_chime_proxy
    async def scenario() -> tuple[str, int]:
        from pytest_chime_proxy import current_mock

        mock = current_mock()
        assert mock is not None
        vc = mock.create_voice_connector()
        seen = await lifecycle(vc)
        return seen["made"]["Status"], len(mock.calls)

    assert asyncio.run(scenario()) == ("Open", 6)


def test_validation_errors_reach_aiobotocore_as_modeled_exceptions(
    chime_proxy: ChimeProxyMock, voice_connector: str
) -> None:
    async def bad() -> Any:
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1") as c:
            with pytest.raises(c.exceptions.BadRequestException) as caught:
                await c.create_proxy_session(
                    VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["Fax"]
                )
            return caught.value

    error = asyncio.run(bad())
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "Fax" in str(error)


def test_a_client_created_before_the_mock_started_is_answered() -> None:
    async def scenario() -> str:
        async with get_session().create_client(
            "chime-sdk-voice", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        ) as c:
            with mock_chime_proxy() as mock:
                vc = mock.create_voice_connector()
                made = await c.create_proxy_session(
                    VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
                )
                return made["ProxySession"]["Status"]

    assert asyncio.run(scenario()) == "Open"


def test_server_errors_are_retried_by_aiobotocore(chime_proxy: ChimeProxyMock, voice_connector: str) -> None:
    if not hasattr(chime_proxy, "inject"):
        pytest.skip("this build of the mock has no inject()")
    chime_proxy.inject("ListProxySessions", error="ServiceUnavailableException", times=1)

    async def scenario() -> int:
        from botocore.config import Config

        config = Config(retries={"max_attempts": 2, "mode": "standard"})
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1", config=config) as c:
            answer = await c.list_proxy_sessions(VoiceConnectorId=voice_connector)
            return answer["ResponseMetadata"]["RetryAttempts"]

    assert asyncio.run(scenario()) == 1
    assert [c.status for c in chime_proxy.calls] == [503, 200]


def test_the_patch_is_gone_after_stop() -> None:
    from aiobotocore.endpoint import AioEndpoint

    before = AioEndpoint._send
    with mock_chime_proxy():
        assert AioEndpoint._send is not before
    assert AioEndpoint._send is before


def test_an_injected_connection_error_is_botocores_own_and_retried(
    chime_proxy: ChimeProxyMock, voice_connector: str
) -> None:
    chime_proxy.inject("GetVoiceConnectorProxy", connection_error="connection_closed", times=1)

    async def get_proxy() -> dict[str, Any]:
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1") as c:
            return await c.get_voice_connector_proxy(VoiceConnectorId=voice_connector)

    async def get_proxy_without_retries() -> None:
        from botocore.config import Config
        from botocore.exceptions import ConnectionClosedError

        config = Config(retries={"total_max_attempts": 1})
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1", config=config) as c:
            with pytest.raises(ConnectionClosedError):
                await c.get_voice_connector_proxy(VoiceConnectorId=voice_connector)

    answer = asyncio.run(get_proxy())  # the first attempt's connection breaks; aiobotocore retries it
    assert answer["Proxy"]["DefaultSessionExpiryMinutes"] == 60
    assert [c.error_code for c in chime_proxy.calls] == ["ConnectionClosedError", None]
    chime_proxy.inject("GetVoiceConnectorProxy", connection_error="connection_closed", times=1)
    asyncio.run(get_proxy_without_retries())


# ---- as botocore: read timeouts, virtual backoff, no credential provider (issue 23) ---------------------------
def test_injected_latency_reaching_the_read_timeout_times_out(
    chime_proxy: ChimeProxyMock, voice_connector: str
) -> None:
    from botocore.config import Config
    from botocore.exceptions import ReadTimeoutError

    chime_proxy.inject("GetVoiceConnector", latency=30, times=None)

    async def scenario() -> None:
        config = Config(read_timeout=5, retries={"total_max_attempts": 2})
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1", config=config) as c:
            await c.get_voice_connector(VoiceConnectorId=voice_connector)

    with pytest.raises(ReadTimeoutError):
        asyncio.run(scenario())
    assert [c.error_code for c in chime_proxy.calls] == ["ReadTimeoutError"] * 2
    assert [c.latency for c in chime_proxy.calls] == [30.0, 30.0]


def test_retry_waits_are_virtual_and_recorded(chime_proxy: ChimeProxyMock, voice_connector: str) -> None:
    import time

    from botocore.config import Config

    chime_proxy.inject("ListProxySessions", error="ServiceFailureException", times=4)
    before = chime_proxy.clock.time()

    async def scenario() -> int:
        config = Config(retries={"max_attempts": 4, "mode": "legacy"})
        async with get_session().create_client("chime-sdk-voice", region_name="us-east-1", config=config) as c:
            answer = await c.list_proxy_sessions(VoiceConnectorId=voice_connector)
            return answer["ResponseMetadata"]["RetryAttempts"]

    started = time.monotonic()
    assert asyncio.run(scenario()) == 4
    assert time.monotonic() - started < 2, "aiobotocore slept for real between retries"
    backoffs = chime_proxy.calls.backoffs
    assert backoffs[0] == 0.0 and all(b > 0 for b in backoffs[1:])
    assert chime_proxy.clock.time() - before >= sum(backoffs)


def test_no_credential_provider_runs_for_an_aiobotocore_client(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions made before the mock with a role or credential_process profile, read before it; and a client
    made before the mock with no credentials at all: all signed with the fake key inside the mock."""
    ran = credential_profiles(tmp_path, monkeypatch)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")  # were STS asked: a dead loopback port
    from aiobotocore.session import AioSession

    sessions = [AioSession(profile=p) for p in ("proc", "role", "bare")]
    for session in sessions:
        session.get_scoped_config()

    async def scenario() -> list[str]:
        async with sessions[2].create_client("chime-sdk-voice", region_name="us-east-1") as early:
            with ChimeProxyMock() as mock:
                for session in sessions:
                    async with session.create_client("chime-sdk-voice", region_name="us-east-1") as c:
                        await c.list_voice_connectors()
                await early.list_voice_connectors()
                return [c.request.headers["Authorization"] for c in mock.calls]

    signed = asyncio.run(scenario())
    assert len(signed) == 4 and all("Credential=testing/" in a for a in signed)
    assert not ran.exists(), "the credential_process ran inside the mock"


def test_two_tasks_under_gather_each_see_their_own_mock() -> None:
    async def one(name: str, ready: asyncio.Event, arrived: list[str]) -> list[str]:
        with ChimeProxyMock() as mock:
            mock.create_voice_connector(name=name)
            arrived.append(name)
            if len(arrived) == 2:
                ready.set()
            await ready.wait()
            async with get_session().create_client("chime-sdk-voice", region_name="us-east-1") as c:
                return [vc["Name"] for vc in (await c.list_voice_connectors())["VoiceConnectors"]]

    async def main() -> list[list[str]]:
        ready, arrived = asyncio.Event(), []
        return list(await asyncio.gather(one("first", ready, arrived), one("second", ready, arrived)))

    assert asyncio.run(main()) == [["first"], ["second"]]


def test_aiobotocore_imported_after_the_mock_started_is_patched_before_any_code_gets_it() -> None:
    """A mock does not import aiobotocore; imported while a mock is active (in a fresh process), it is
    patched before the importing code gets it: its clients are answered by the fake and its session and
    signer classes are wrapped for credentials; after the stop everything is aiobotocore's own again."""
    import textwrap

    script = textwrap.dedent(
        """
        import asyncio, sys
        from pytest_chime_proxy import ChimeProxyMock

        def ours(cls, name):  # the method in the class is this package's wrapper (its code, not a copied name)
            return "pytest_chime_proxy" in cls.__dict__[name].__code__.co_filename

        with ChimeProxyMock() as mock:
            vc = mock.create_voice_connector()
            assert "aiobotocore" not in sys.modules
            from aiobotocore.session import AioSession, get_session
            from aiobotocore.endpoint import AioEndpoint
            from aiobotocore.signers import AioRequestSigner
            async def main():
                async with get_session().create_client("chime-sdk-voice", region_name="us-east-1") as client:
                    return (await client.get_voice_connector(VoiceConnectorId=vc))["VoiceConnector"]
            print(asyncio.run(main())["VoiceConnectorId"] == vc, mock.calls.last().operation)
            print(AioEndpoint._send.__module__, ours(AioSession, "_create_client"),
                  ours(AioRequestSigner, "get_auth_instance"))
        print(AioEndpoint._send.__module__, ours(AioSession, "_create_client"),
              ours(AioRequestSigner, "get_auth_instance"))
        """
    )
    answered, inside, after = fresh_python(script)
    assert answered == "True GetVoiceConnector"
    assert inside == "pytest_chime_proxy.patching.aiobotocore_send True True"
    assert after == "aiobotocore.endpoint False False"
