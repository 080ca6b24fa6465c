"""Isolation: state, faults, clock and environment never leak between tests, in any order, under xdist, and a
crashed test still restores everything.

The main run of ``scripts/test.sh`` already runs the whole suite in random order (pytest-randomly) on two
xdist workers. Here a small suite of deliberately messy tests -- each dirties every kind of state the mock
owns, some crash midway -- runs in several random orders and under xdist, and every test first checks that
it starts clean.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from botocore.endpoint import Endpoint
from hypothesis import given, settings
from hypothesis import strategies as st

import pytest_chime_proxy
from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.patching.environment import FAKE_KEYS, FIXED, REMOVED

WATCHED = sorted(
    {
        *FAKE_KEYS,
        *FIXED,
        *REMOVED,
        "AWS_CONFIG_FILE",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_CHIME_SDK_VOICE",
    }
)

MESSY_SUITE = """
import os, time
import boto3, pytest
from botocore.endpoint import Endpoint
import pytest_chime_proxy
from pytest_chime_proxy import ChimeProxyMock, mock_chime_proxy

WATCHED = {watched!r}
ORIGINAL_ENV = {{name: os.environ.get(name) for name in WATCHED}}
ORIGINAL_SEND = Endpoint._send


def assert_clean_outside():
    assert {{name: os.environ.get(name) for name in WATCHED}} == ORIGINAL_ENV
    assert Endpoint._send is ORIGINAL_SEND
    assert pytest_chime_proxy.current_mock() is None


def assert_clean_mock(mock):
    client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    assert client.list_voice_connectors()["VoiceConnectors"] == []
    assert client.list_phone_numbers()["PhoneNumbers"] == []
    assert len(mock.calls) == 2  # the two calls just made
    assert abs(mock.clock.time() - time.time()) < 60
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert not list(mock.faults)


def make_a_mess(mock):
    vc = mock.create_voice_connector(["+19135550101"])
    client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
                                Capabilities=["Voice"])
    mock.clock.advance(days=3)
    mock.inject("ListVoiceConnectors", error="ServiceUnavailableException", times=None)
    mock.inject("ListPhoneNumbers", error="ThrottledClientException", times=None)


@pytest.mark.parametrize("i", range(4))
def test_fixture_starts_clean_then_dirties(chime_proxy, i):
    assert_clean_mock(chime_proxy)
    make_a_mess(chime_proxy)


@pytest.mark.parametrize("i", range(2))
def test_fixture_crashes_midway(chime_proxy, i):
    assert_clean_mock(chime_proxy)
    make_a_mess(chime_proxy)
    raise RuntimeError("crash inside the mock")


@mock_chime_proxy
def test_decorated_crash():
    mock = pytest_chime_proxy.current_mock()
    assert_clean_mock(mock)
    make_a_mess(mock)
    raise KeyError("crash under the decorator")


def test_context_manager_crash():
    with pytest.raises(ZeroDivisionError):
        with ChimeProxyMock() as mock:
            assert_clean_mock(mock)
            make_a_mess(mock)
            1 / 0
    assert_clean_outside()


def test_started_and_never_stopped_by_the_test(request):
    mock = ChimeProxyMock().start()
    request.addfinalizer(mock.stop)  # what a careful fixture does; the crash below must not matter
    assert_clean_mock(mock)
    make_a_mess(mock)
    raise AssertionError("crash with a started mock")


@pytest.fixture
def broken_setup(chime_proxy):
    make_a_mess(chime_proxy)
    raise RuntimeError("crash in a fixture after the mock started")


def test_setup_crash(broken_setup):
    pass


@pytest.mark.parametrize("i", range(4))
def test_outside_any_mock_everything_is_as_before(i):
    assert_clean_outside()
"""

PASSED = 4 + 1 + 4  # clean-then-dirty, context manager, outside
FAILED = 2 + 1 + 1  # the crashing tests
ERRORS = 1  # the crashing fixture


@pytest.fixture
def messy_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_messy=MESSY_SUITE.format(watched=WATCHED))
    return pytester


def _environment() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in WATCHED}


@pytest.mark.parametrize("seed", [1, 2])
def test_messy_suite_passes_in_random_orders(messy_suite: pytest.Pytester, seed: int) -> None:
    before, send = _environment(), Endpoint._send
    result = messy_suite.runpytest_inprocess("-p", "randomly", "-p", "no:cacheprovider", f"--randomly-seed={seed}")
    result.assert_outcomes(passed=PASSED, failed=FAILED, errors=ERRORS)
    assert _environment() == before and Endpoint._send is send


def test_messy_suite_passes_under_xdist(messy_suite: pytest.Pytester) -> None:
    result = messy_suite.runpytest_subprocess("-n", "2", "-p", "randomly", "--randomly-seed=4")
    result.assert_outcomes(passed=PASSED, failed=FAILED, errors=ERRORS)


def test_crashes_are_the_crashes_intended(messy_suite: pytest.Pytester) -> None:
    """The failures above are the deliberate crashes, not a leak tripping a cleanliness check."""
    result = messy_suite.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=PASSED, failed=FAILED, errors=ERRORS)
    text = result.stdout.str()
    for crash in (
        "crash inside the mock",
        "crash under the decorator",
        "crash with a started mock",
        "crash in a fixture after the mock started",
    ):
        assert crash in text


# ---- the environment when mocks overlap -------------------------------------------------------------------
def test_mocks_stopped_out_of_order_restore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mock stopped before an inner one neither brings real credentials back under the inner one nor
    leaves fake ones behind when the last one stops."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALREALREAL0001")
    monkeypatch.setenv("AWS_PROFILE", "real-profile")
    outer, inner = ChimeProxyMock().start(), ChimeProxyMock().start()
    try:
        outer.stop()
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing" and "AWS_PROFILE" not in os.environ
        assert pytest_chime_proxy.current_mock() is inner
    finally:
        outer.stop()
        inner.stop()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALREALREAL0001"
    assert os.environ["AWS_PROFILE"] == "real-profile"
    assert pytest_chime_proxy.current_mock() is None


def test_nested_mocks_restore_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with ChimeProxyMock():
        with ChimeProxyMock() as inner:
            assert pytest_chime_proxy.current_mock() is inner
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert "AWS_ACCESS_KEY_ID" not in os.environ and os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_two_mocks_share_nothing() -> None:
    import boto3

    with ChimeProxyMock() as first:
        first.create_voice_connector(["+19135550101"])
        first.inject("ListVoiceConnectors", error="ServiceUnavailableException", times=None)
        first.clock.advance(days=1)
        with ChimeProxyMock() as second:
            client = boto3.client("chime-sdk-voice", region_name="us-east-1")
            assert client.list_voice_connectors()["VoiceConnectors"] == []
            assert abs(second.clock.time() - time.time()) < 60
            assert len(second.calls) == 1
        assert len(first.calls) == 0
    assert abs(time.time() - first.clock.time() + 86400) < 60  # the first mock's clock moved, real time did not


def test_the_clock_of_a_mock_does_not_move_real_time(chime_proxy: Any) -> None:
    before = time.time()
    chime_proxy.clock.advance(days=365)
    assert time.time() - before < 60


# ---- the environment, as a property: any caller environment, any overlap, any stop order --------------------
_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_X",
    "AWS_BEARER_TOKEN_Y",
    "BOTO_CONFIG",
    "NO_PROXY",
    "no_proxy",
    "HOME_LIKE_OTHER",
)


@given(
    caller=st.dictionaries(st.sampled_from(_NAMES), st.sampled_from(["", "a", "real-ish", "x,y"]), max_size=6),
    count=st.integers(1, 3),
    order=st.randoms(use_true_random=False),
    inside=st.dictionaries(st.sampled_from(_NAMES), st.sampled_from(["set-inside"]), max_size=3),
)
@settings(max_examples=60, deadline=None)
def test_any_environment_is_back_exactly_after_any_stop_order(
    caller: dict[str, str], count: int, order: Any, inside: dict[str, str]
) -> None:
    """While mocks are active the innermost one's environment is in force (secrets and endpoint moves gone,
    the fake keys set); once the last stops, every variable is the caller's again and a governed one the test
    set inside is gone, whatever order they stop in."""
    from pytest_chime_proxy.patching.environment import READ_PREFIXES, governed

    saved, mocks = dict(os.environ), []
    try:
        for name in _NAMES:
            os.environ.pop(name, None)
        os.environ.update(caller)
        before = dict(os.environ)
        mocks += [ChimeProxyMock().start() for _ in range(count)]
        for name in os.environ:
            assert not governed(name), name
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        os.environ.update(inside)
        stopping = list(mocks)
        order.shuffle(stopping)
        for mock in stopping:
            mock.stop()
            if pytest_chime_proxy.current_mock() is not None:
                assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
                assert not any(governed(name) and value != "set-inside" for name, value in os.environ.items())
        written = {name for mock in mocks for name in mock._env._wanted}  # what the mocks set or removed
        assert written <= {name for name in written if name.startswith(READ_PREFIXES)}
        kept = {k: v for k, v in inside.items() if k not in written and not governed(k)}  # the test's business
        assert dict(os.environ) == {**before, **kept}
    finally:
        for mock in mocks:
            mock.stop()
        os.environ.clear()
        os.environ.update(saved)
