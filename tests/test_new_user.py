"""The first hour of a new user: profiles and regions kept, helpers and options that say what to pass, the
app's own sleeps on the mock's clock, one fake per test, ini options everywhere."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from helpers import PROFILE_KEY

from pytest_chime_proxy import ChimeProxyMock, Clock, OptionsError, mock_chime_proxy


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary HOME with a named profile (region, retry mode) and real-looking keys for it."""
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "config").write_text(
        "[default]\noutput = json\n[profile prod]\nregion = eu-west-1\n"
        "retry_mode = legacy\nrole_arn = arn:aws:iam::111122223333:role/x\n"
        "source_profile = prod\n"
    )
    (aws / "credentials").write_text(
        f"[prod]\naws_access_key_id = {PROFILE_KEY}\n"
        "aws_secret_access_key = profile-secret\n[ci]\n"
        f"aws_access_key_id = {PROFILE_KEY}\naws_secret_access_key = x\n"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in (
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_RETRY_MODE",
        "AWS_DATA_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return tmp_path


def test_a_named_profile_keeps_its_region_and_settings_but_never_its_keys(home: Path) -> None:
    with ChimeProxyMock(region="us-west-2") as mock:
        client = boto3.Session(profile_name="prod").client("chime-sdk-voice")
        assert client.meta.region_name == "eu-west-1"
        assert client.meta.config.retries["mode"] == "legacy"
        client.list_voice_connectors()
        boto3.Session(profile_name="ci").client("chime-sdk-voice").list_voice_connectors()
        authorizations = [c.request.headers["Authorization"] for c in mock.calls]
    assert len(authorizations) == 2
    assert all("Credential=testing/" in a and PROFILE_KEY not in a for a in authorizations)
    assert "/eu-west-1/" in authorizations[0] and "/us-west-2/" in authorizations[1]  # ci has no region


def test_aws_profile_in_the_environment_works(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod")
    with ChimeProxyMock() as mock:
        assert boto3.client("chime-sdk-voice").meta.region_name == "eu-west-1"
        mock.create_voice_connector(region="eu-west-1")
        assert len(boto3.client("chime-sdk-voice").list_voice_connectors()["VoiceConnectors"]) == 1


def test_the_marker_region_is_the_default_region(home: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import boto3, pytest

        @pytest.mark.chime_proxy(region="ap-southeast-1")
        def test_no_region_given(chime_proxy):
            client = boto3.client("chime-sdk-voice")
            assert client.meta.region_name == "ap-southeast-1"
            assert client.list_voice_connectors()["VoiceConnectors"] == []
    """)
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_an_unknown_profile_is_refused_as_botocore_refuses_it(home: Path) -> None:
    from botocore.exceptions import ProfileNotFound

    with ChimeProxyMock():
        with pytest.raises(ProfileNotFound):
            boto3.Session(profile_name="nope").client("chime-sdk-voice")  # looked up when first read


# ---- what a helper, option or marker is given ----------------------------------------------------------------
@pytest.mark.parametrize(
    "numbers, says",
    [
        ("+19135550115", "go in a list"),
        (["9135550113"], "not an E.164"),
        (["+1 913 555 0114"], "not an E.164"),
        ([123], "not an E.164"),
    ],
)
def test_create_voice_connector_says_what_to_pass(
    chime_proxy: Any, chime_sdk_voice: Any, numbers: Any, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        chime_proxy.create_voice_connector(numbers)
    assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"] == []
    assert chime_sdk_voice.list_phone_numbers()["PhoneNumbers"] == []


@pytest.mark.parametrize(
    "bad",
    [
        {"default_session_expiry_minutes": 0},
        {"name": {"a": 1}},
        {"name": "x" * 300},
        {"countries": "US"},
        {"region": "us-east-l"},
    ],
)
def test_a_rejected_helper_call_changes_nothing(chime_proxy: Any, chime_sdk_voice: Any, bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        chime_proxy.create_voice_connector(**bad)
    assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"] == []
    assert chime_sdk_voice.list_phone_numbers()["PhoneNumbers"] == []


@pytest.mark.parametrize(
    "options, says",
    [
        ({"region": "us-east-l"}, "region 'us-east-l' is not a valid region"),
        ({"account": "1234"}, "account '1234' is not a valid account"),
        ({"regoin": "us-east-1"}, "unknown option"),
        ({"real_sleep": "yes"}, "real_sleep"),
        ({"real_sleep": True, "virtual_sleep": True}, "cannot both"),
    ],
)
def test_a_wrong_option_fails_at_once_naming_it(options: dict[str, Any], says: str) -> None:
    with pytest.raises(OptionsError, match=says):
        ChimeProxyMock(**options)
    with pytest.raises(OptionsError, match=says):
        mock_chime_proxy(**options)


def test_the_marker_validates_its_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.chime_proxy(region="us-east-l")
        def test_typo(chime_proxy):
            pass

        @pytest.mark.chime_proxy(phone_numbers="+19135550115")
        def test_string_for_a_list(voice_connector):
            pass

        @pytest.mark.chime_proxy(phone_numbers="+19135550115")
        def test_string_for_a_list_without_the_connector(chime_proxy):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        ["*region 'us-east-l' is not a valid region*", "*@pytest.mark.chime_proxy: phone_numbers go in a list*"]
    )


# ---- the app's own sleeps -------------------------------------------------------------------------------------
def _app_with_retries(client: Any, vc: str) -> dict[str, Any]:
    """An application's own retry loop, as the docs tell users to write for ThrottledClientException."""
    for attempt in range(5):
        try:
            return client.get_voice_connector(VoiceConnectorId=vc)  # type: ignore[no-any-return]
        except client.exceptions.ThrottledClientException:
            time.sleep(2**attempt)
    raise AssertionError("still throttled")


def test_virtual_sleep_puts_the_apps_sleeps_on_the_mocks_clock() -> None:
    with ChimeProxyMock(virtual_sleep=True) as mock:
        vc = mock.create_voice_connector()
        client = boto3.client(
            "chime-sdk-voice",
            region_name="us-east-1",  # the app retries, botocore not
            config=Config(retries={"total_max_attempts": 1}),
        )
        mock.inject("GetVoiceConnector", error="ThrottledClientException", times=2)
        before, wall = mock.clock.time(), time.perf_counter()  # perf_counter: real time (monotonic moves too)
        _app_with_retries(client, vc)
        assert time.perf_counter() - wall < 1.0
        assert mock.clock.time() - before >= 1 + 2  # the app slept 1 s and 2 s, on the mock's clock
    started = time.monotonic()
    time.sleep(0.05)  # after the mock, sleeping is real again
    assert time.monotonic() - started >= 0.05


def test_virtual_sleep_covers_asyncio_sleep() -> None:
    async def backoff_loop() -> None:
        for _ in range(3):
            await asyncio.sleep(30)

    with ChimeProxyMock(virtual_sleep=True, clock=Clock("2024-01-01T00:00:00Z")) as mock:
        wall = time.perf_counter()
        asyncio.run(backoff_loop())
        assert time.perf_counter() - wall < 1.0 and mock.clock.time() - Clock("2024-01-01T00:00:00Z").time() == 90


def test_without_virtual_sleep_the_apps_sleep_is_real() -> None:
    with ChimeProxyMock():
        started = time.monotonic()
        time.sleep(0.05)
        assert time.monotonic() - started >= 0.05


# ---- one test, one fake ------------------------------------------------------------------------------------
def test_decorator_and_fixture_in_one_test_share_one_fake(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import boto3, pytest
        from pytest_chime_proxy import mock_chime_proxy, current_mock

        @mock_chime_proxy
        def test_both(chime_proxy):
            vc = chime_proxy.create_voice_connector()
            assert current_mock() is chime_proxy
            listed = boto3.client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()
            assert [v["VoiceConnectorId"] for v in listed["VoiceConnectors"]] == [vc]

        @mock_chime_proxy(region="eu-west-1")
        def test_both_with_options(chime_proxy):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*two separate fakes*"])


def test_ini_options_reach_decorated_tests(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nchime_proxy_real_sleep = true\nchime_proxy_assert_all_faults_hit = true\n")
    pytester.makepyfile("""
        from pytest_chime_proxy import mock_chime_proxy, current_mock

        @mock_chime_proxy
        def test_decorated():
            mock = current_mock(required=True)
            assert mock.real_sleep and mock.assert_all_faults_hit
            mock.inject("GetProxySession", error="NotFoundException")  # never hit: the test fails

        @mock_chime_proxy(real_sleep=False)
        def test_decorator_option_wins():
            assert not current_mock(required=True).real_sleep
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*never fired*"])


def test_the_decorator_runs_on_the_clock_it_was_given() -> None:
    shared = Clock("2030-01-01T00:00:00Z")

    @mock_chime_proxy(clock=shared)
    def decorated() -> Clock:
        return current_mock_clock()

    def current_mock_clock() -> Clock:
        from pytest_chime_proxy import current_mock

        return current_mock(required=True).clock

    assert decorated() is shared


def test_current_mock_required_says_why() -> None:
    from pytest_chime_proxy import current_mock

    assert current_mock() is None
    with pytest.raises(LookupError, match="no pytest-chime-proxy mock is active"):
        current_mock(required=True)
