"""One mock per context (threads and asyncio tasks, never thread ids), the environment restored exactly, and
a mock a test left running is never silent."""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
from typing import Any

import boto3
import pytest

from pytest_chime_proxy import ChimeProxyMock, OverlappingMocksError, mock_chime_proxy


def _names(client: Any) -> list[str]:
    return [vc["Name"] for vc in client.list_voice_connectors()["VoiceConnectors"]]


# ---- asyncio tasks -------------------------------------------------------------------------------------------
def test_two_decorated_coroutines_under_gather_each_see_their_own_mock() -> None:
    seen: dict[str, Any] = {}
    both_started = asyncio.Event

    async def main() -> None:
        ready = both_started()
        arrived: list[str] = []

        def make(name: str) -> Any:
            @mock_chime_proxy
            async def task() -> None:
                client = boto3.client("chime-sdk-voice", region_name="us-east-1")
                mock = __import__("pytest_chime_proxy.patching.active", fromlist=["current"]).current().owner
                mock.create_voice_connector(name=name)
                arrived.append(name)
                if len(arrived) == 2:
                    ready.set()
                await ready.wait()  # both mocks are active from here on
                for _ in range(3):
                    seen.setdefault(name, []).append(_names(client))
                    await asyncio.sleep(0)
                seen[name + " calls"] = mock.calls.operations

            return task

        await asyncio.gather(make("first")(), make("second")())

    asyncio.run(main())
    assert seen["first"] == [["first"]] * 3 and seen["second"] == [["second"]] * 3
    assert seen["first calls"] == seen["second calls"] == ["ListVoiceConnectors"] * 3


def test_a_task_created_inside_a_mock_uses_it_and_to_thread_inherits_it_explicitly() -> None:
    async def main(mock: ChimeProxyMock) -> tuple[list[str], list[str]]:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        in_task = await asyncio.create_task(asyncio.to_thread(lambda: _names(client)))
        return in_task, _names(client)

    with ChimeProxyMock() as mock, ChimeProxyMock() as other:
        mock.create_voice_connector(name="outer")
        other.create_voice_connector(name="inner")
        assert asyncio.run(main(other)) == (["inner"], ["inner"])


# ---- threads -------------------------------------------------------------------------------------------------
def test_a_new_thread_reusing_an_exited_threads_id_inherits_nothing() -> None:
    """Two threads start mocks and leave them running; the first exits, and a new thread (which may get its
    id) is a stranger to both: refused, never answered by the exited thread's mock."""
    started = threading.Barrier(3)
    mocks: list[ChimeProxyMock] = []

    def own(name: str, leave: threading.Event) -> None:
        mock = ChimeProxyMock().start()
        mock.create_voice_connector(name=name)
        mocks.append(mock)
        started.wait()
        leave.wait(10)

    leave_first, leave_second = threading.Event(), threading.Event()
    first = threading.Thread(target=own, args=("first", leave_first))
    second = threading.Thread(target=own, args=("second", leave_second))
    first.start()
    second.start()
    started.wait()
    leave_first.set()
    first.join(10)
    try:
        outcome: list[Any] = []
        for _ in range(5):  # thread ids are reused at once on Linux; any of these may get the exited one's
            client = boto3.session.Session().client("chime-sdk-voice", region_name="us-east-1")

            def stranger(client: Any = client) -> None:
                try:
                    outcome.append(_names(client))
                except OverlappingMocksError as error:
                    outcome.append(type(error))

            thread = threading.Thread(target=stranger)
            thread.start()
            thread.join(10)
        assert outcome == [OverlappingMocksError] * 5
    finally:
        leave_second.set()
        second.join(10)
        for mock in mocks:
            mock.stop()


def test_a_worker_run_in_a_copy_of_the_context_uses_that_contexts_mock() -> None:
    """With mocks of two threads active, a worker given the starting context explicitly is answered by its mock."""
    other_started, release = threading.Event(), threading.Event()

    def other() -> None:
        with ChimeProxyMock():
            other_started.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    other_started.wait(10)
    try:
        with ChimeProxyMock() as mine:
            mine.create_voice_connector(name="mine")
            client = boto3.session.Session().client("chime-sdk-voice", region_name="us-east-1")
            context = contextvars.copy_context()
            result: list[Any] = []
            worker = threading.Thread(target=lambda: result.append(context.run(_names, client)))
            worker.start()
            worker.join(10)
            assert result == [["mine"]]
    finally:
        release.set()
        thread.join(10)


# ---- the environment -----------------------------------------------------------------------------------------
def test_a_governed_variable_set_inside_the_mock_does_not_survive_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decided: what the mock governs (what it sets, and every name its removal rule covers) is back at the
    caller's value after the stop; any other variable is the test's and is left as the test left it."""
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "caller-token")
    monkeypatch.delenv("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("PYTEST_CHIME_PROXY_APP_SETTING", raising=False)
    monkeypatch.setenv("NO_PROXY", "example.internal")
    monkeypatch.delenv("no_proxy", raising=False)
    before = dict(os.environ)
    with ChimeProxyMock():
        assert "AWS_SECURITY_TOKEN" not in os.environ
        assert os.environ["NO_PROXY"].startswith("example.internal,localhost,127.0.0.1")
        os.environ["AWS_SECURITY_TOKEN"] = "set-inside"
        os.environ["AWS_SESSION_TOKEN"] = "set-inside"
        os.environ["AWS_ENDPOINT_URL_CHIME_SDK_VOICE"] = "http://127.0.0.1:9"
        os.environ["PYTEST_CHIME_PROXY_APP_SETTING"] = "kept"
    after = dict(os.environ)
    assert after.pop("PYTEST_CHIME_PROXY_APP_SETTING") == "kept"
    assert after == before


# ---- a mock left running ------------------------------------------------------------------------------------
def test_a_mock_a_test_left_running_is_warned_about_and_stopped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_chime_proxy import ChimeProxyMock
        from pytest_chime_proxy.patching import active

        MODULE_MOCK = None

        @pytest.fixture(scope="module")
        def shared():
            with ChimeProxyMock() as mock:
                yield mock

        def test_leaves_one_running():
            ChimeProxyMock().start()  # line 13

        def test_nothing_leaked_into_the_next_test():
            assert active.active_mocks() == ()

        def test_uses_a_module_fixture(shared):
            assert shared.active

        def test_the_module_fixture_is_left_alone(shared):
            assert shared.active and len(active.active_mocks()) == 1
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-W", "always")
    result.assert_outcomes(passed=4, warnings=1)
    result.stdout.fnmatch_lines(
        ["*ChimeProxyMockLeftRunning*test_leaves_one_running started a pytest-chime-proxy mock at *:13*"]
    )
