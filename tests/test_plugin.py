"""The ways in: fixtures, marker, decorator (sync, async, classes, unittest), context manager, start/stop;
and what an active mock promises: fake credentials and a restored environment, isolated accounts, loud
failure for operations it does not emulate, no Chime request on the network, other services untouched.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import unittest
from typing import Any

import boto3
import botocore.endpoint
import pytest
from helpers import PAIR, extension_registers_itself, fresh_python

from pytest_chime_proxy import ChimeProxyMock, current_mock, mock_chime_proxy
from pytest_chime_proxy.plugin import legacy_chime_available


def _connectors(region: str = "us-east-1", **client_options: Any) -> list[str]:
    client = boto3.client("chime-sdk-voice", region_name=region, **client_options)
    return [vc["VoiceConnectorId"] for vc in client.list_voice_connectors()["VoiceConnectors"]]


# ---- fixtures and marker, in separate pytest runs -----------------------------------------------------------
def test_fixtures_give_each_test_fresh_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_first(chime_proxy, chime_sdk_voice, voice_connector):
            assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"][0]["VoiceConnectorId"] == voice_connector
            chime_sdk_voice.create_voice_connector(Name="extra", RequireEncryption=True)

        def test_second(chime_proxy, chime_sdk_voice):
            assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"] == []
            assert chime_proxy.calls[-1].operation == "ListVoiceConnectors"
    """)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_voice_connector_fixture_is_ready_for_sessions(chime_sdk_voice: Any, voice_connector: str) -> None:
    session = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"]
    )["ProxySession"]
    assert session["Status"] == "Open" and session["ExpiryMinutes"] == 60


def test_chime_sdk_voice_fixture_uses_the_mock_region(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    assert chime_sdk_voice.meta.region_name == chime_proxy.region == "us-east-1"
    assert chime_sdk_voice.meta.service_model.service_name == "chime-sdk-voice"


@pytest.mark.chime_proxy(region="eu-west-1", account="210987654321", seed=7, phone_numbers=["+12065550111"])
def test_the_marker_configures_the_fixtures(chime_proxy: Any, chime_sdk_voice: Any, voice_connector: str) -> None:
    assert chime_sdk_voice.meta.region_name == "eu-west-1"
    vc = chime_sdk_voice.get_voice_connector(VoiceConnectorId=voice_connector)["VoiceConnector"]
    assert vc["AwsRegion"] == "eu-west-1" and ":210987654321:" in vc["VoiceConnectorArn"]
    assert chime_sdk_voice.get_voice_connector_proxy(VoiceConnectorId=voice_connector)["Proxy"][
        "PhoneNumberCountries"
    ] == ["US"]
    session = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
    )["ProxySession"]
    assert session["Participants"][0]["ProxyPhoneNumber"] == "+12065550111"
    assert chime_proxy.calls[-1].account == "210987654321"


@pytest.mark.chime_proxy()
def test_the_marker_alone_activates_the_mock() -> None:
    mock = current_mock()
    assert mock is not None and mock.active
    assert _connectors() == []


def test_marker_misuse_fails_with_a_clear_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.chime_proxy(regoin="us-west-2")
        def test_typo(chime_proxy):
            pass

        @pytest.mark.chime_proxy("us-west-2")
        def test_positional(chime_proxy):
            pass
    """)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=2)
    output = result.stdout.str()
    assert "unknown option(s) ['regoin']" in output and "'region'" in output
    assert "takes keyword arguments only" in output
    # said once, without the traceback of the exception it was read from
    said = [line for line in output.splitlines() if line.startswith("@pytest.mark.chime_proxy: the marker got")]
    assert len(said) == 1, output  # the error section says it once (the summary line may repeat it, width allowing)
    assert "During handling of the above exception" not in output


def test_the_markers_own_option_is_named_in_its_unknown_option_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.chime_proxy(phone_number=["+12065550100"])
        def test_typo(voice_connector):
            pass
    """)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "(did you mean 'phone_numbers' for 'phone_number'?)" in output
    assert "'phone_numbers'" in output.partition("the options are")[2]


def test_seed_makes_ids_reproducible() -> None:
    ids = []
    for _ in range(2):
        with mock_chime_proxy(seed=42) as mock:
            ids.append(mock.create_voice_connector(["+19135550199"]))
    assert ids[0] == ids[1]
    with mock_chime_proxy(seed=43) as mock:
        assert mock.create_voice_connector(["+19135550199"]) != ids[0]


def test_without_a_seed_every_mock_makes_other_ids() -> None:
    ids = set()
    for _ in range(20):
        with mock_chime_proxy() as mock:
            ids.add(mock.create_voice_connector(["+19135550199"]))
    assert len(ids) == 20


def test_chime_client_fixture_skips_clearly_or_works(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_legacy(chime_client, voice_connector):
            s = chime_client.create_proxy_session(VoiceConnectorId=voice_connector,
                                                  ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
                                                  Capabilities=["Voice"])["ProxySession"]
            assert s["Status"] == "Open"
    """)
    result = pytester.runpytest("-p", "no:randomly", "-rs")
    if legacy_chime_available():
        result.assert_outcomes(passed=1)
    else:
        result.assert_outcomes(skipped=1)
        result.stdout.fnmatch_lines(["*no legacy chime proxy operations*botocore<=1.37.1*"])


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, pytest_chime_proxy, pytest_chime_proxy.plugin; "
        "print(sorted(m for m in ('boto3', 'botocore', 'pydantic', 'phonenumbers', 'responses') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_pytest_run_that_never_uses_the_plugin_loads_only_its_options(tmp_path: Any) -> None:
    """What every pytest run with the plugin installed pays: its options' declaration (for the ini options and
    the marker line), not the fake (the domain's records, the pipeline, pydantic, botocore)."""
    (tmp_path / "conftest.py").write_text(
        "import sys\n"
        "def pytest_sessionfinish():\n"
        "    heavy = ('boto3', 'botocore', 'pydantic_core', 'pytest_chime_proxy.core.domain.state',\n"
        "             'pytest_chime_proxy.core.pipeline', 'pytest_chime_proxy.mock')\n"
        "    print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    (tmp_path / "test_plain.py").write_text("def test_nothing():\n    assert True\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-p", "no:randomly", "test_plain.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "1 passed" in done.stdout, done.stdout + done.stderr
    assert "LOADED []" in done.stdout


def test_a_first_test_imports_only_what_its_calls_need() -> None:
    # defaults everywhere, no requests, no number search: pydantic's validator engine (the pydantic_core
    # extension, loaded without the package: core/wire/validator_engine.py) but not its model machinery nor
    # its schema helpers, no responses, no phonenumbers, no asyncio; no fault rules, nor the records of resources
    # it does not touch
    code = (
        "import sys, boto3\n"
        "from pytest_chime_proxy import ChimeProxyMock\n"
        "with ChimeProxyMock() as mock:\n"
        "    vc = mock.create_voice_connector()\n"
        "    client = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
        "    created = client.create_proxy_session(VoiceConnectorId=vc, Capabilities=['Voice'],\n"
        "                                          ParticipantPhoneNumbers=['+14015550101', '+12065550100'])\n"
        "    client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created['ProxySession']['ProxySessionId'])\n"
        "    bad = client.exceptions.BadRequestException\n"
        "    try:\n"
        "        client.create_proxy_session(VoiceConnectorId=vc, Capabilities=['Fax'],\n"
        "                                    ParticipantPhoneNumbers=['+14015550101', '+12065550100'])\n"
        "    except bad as error:\n"
        "        print(error.response['Error']['Message'])\n"
        "heavy = ('pydantic', 'phonenumbers', 'responses', 'requests', 'asyncio', 'annotated_types', 'pydantic_core',\n"
        "         'pydantic_core._pydantic_core', 'pydantic_core.core_schema', 'aiobotocore', 'aiohttp', 'difflib',\n"
        "         'pytest_chime_proxy.core.faults', 'pytest_chime_proxy.core.domain.analytics_records',\n"
        "         'pytest_chime_proxy.core.domain.call_routing_records')\n"
        "if sys.version_info >= (3, 12):\n"
        "    heavy += ('typing_extensions',)\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    rejected, imported = fresh_python(code)
    assert "Value 'Fax' at 'capabilities.1.member' failed to satisfy constraint" in rejected  # still validated
    # older pydantic-core (an extension that registers itself as it loads): the package, imported as usual
    expected = "['pydantic_core', 'pydantic_core._pydantic_core', 'pydantic_core.core_schema']"
    assert imported == (
        expected if extension_registers_itself() else "[]"
    )  # aiobotocore, installed or not, is patched only once imported


# ---- the decorator -----------------------------------------------------------------------------------------
@mock_chime_proxy
def test_decorated_sync_function() -> None:
    mock = current_mock()
    assert mock is not None
    vc = mock.create_voice_connector()
    assert _connectors() == [vc]


@mock_chime_proxy(region="us-west-2")
def test_decorator_with_options() -> None:
    mock = current_mock()
    assert mock is not None and mock.region == "us-west-2"
    vc = mock.create_voice_connector()
    assert _connectors("us-west-2") == [vc]
    assert _connectors("us-east-1") == []


@mock_chime_proxy
async def _async_work(pause: float) -> list[str]:
    await asyncio.sleep(pause)  # the mock must still be active after the first suspension
    mock = current_mock()
    assert mock is not None
    mock.create_voice_connector()
    return _connectors()


def test_decorated_async_function_runs_under_the_mock() -> None:
    assert asyncio.iscoroutinefunction(_async_work)
    assert len(asyncio.run(_async_work(0.01))) == 1
    assert current_mock() is None  # stopped once the coroutine finished


@mock_chime_proxy
class TestDecoratedClass:
    """Each test method gets its own fresh mock."""

    def test_one(self) -> None:
        mock = current_mock()
        assert mock is not None and _connectors() == []
        mock.create_voice_connector()

    def test_two(self) -> None:
        assert current_mock() is not None and _connectors() == []
        boto3.client("chime-sdk-voice", region_name="us-east-1").create_voice_connector(
            Name="a", RequireEncryption=True
        )

    def helper_not_a_test(self) -> Any:
        return current_mock()


class _InheritedTests:
    """Test methods a decorated class inherits must run under its mock too."""

    def test_inherited(self) -> None:
        assert current_mock() is not None
        assert _connectors() == [self.vc]  # type: ignore[attr-defined]


@mock_chime_proxy
class TestSetupMethodSharesTheTestsMock(_InheritedTests):
    """What setup_method builds (through the API) is there in the test: one mock from setup to teardown."""

    def setup_method(self) -> None:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        self.vc = client.create_voice_connector(Name="set up", RequireEncryption=True)["VoiceConnector"][
            "VoiceConnectorId"
        ]

    def teardown_method(self, method: Any) -> None:
        assert current_mock() is not None  # still active while the class tears down
        assert method.__name__.startswith("test_")

    def test_sees_what_setup_built(self) -> None:
        assert _connectors() == [self.vc]


def test_a_decorated_class_with_a_failing_setup_leaves_no_mock_behind(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from pytest_chime_proxy import current_mock, mock_chime_proxy

        @mock_chime_proxy
        class TestBroken:
            def setup_method(self, method):
                raise RuntimeError("broken set-up")

            def test_never_runs(self):
                pass

        def test_after():
            assert current_mock() is None
    """)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, errors=1)


def test_class_decoration_leaves_other_methods_alone() -> None:
    assert TestDecoratedClass().helper_not_a_test() is None


@mock_chime_proxy
class DecoratedTestCase(unittest.TestCase):
    """unittest: the mock starts before setUp and stops after the test (cleanup)."""

    def setUp(self) -> None:
        mock = current_mock()
        assert mock is not None
        self.vc = mock.create_voice_connector()

    def test_set_up_ran_under_the_mock(self) -> None:
        self.assertEqual(_connectors(), [self.vc])

    def test_each_test_gets_a_fresh_mock(self) -> None:
        self.assertEqual(len(_connectors()), 1)


def test_unittest_case_stops_its_mock() -> None:
    with open(os.devnull, "w") as quiet:
        result = unittest.TextTestRunner(stream=quiet, verbosity=0).run(
            unittest.defaultTestLoader.loadTestsFromTestCase(DecoratedTestCase)
        )
    assert result.wasSuccessful() and result.testsRun == 2
    assert current_mock() is None


# ---- context manager, start/stop -----------------------------------------------------------------------------
def test_context_manager_and_start_stop() -> None:
    original = botocore.endpoint.Endpoint._send
    with mock_chime_proxy() as mock:
        assert mock.active and current_mock() is mock
        assert botocore.endpoint.Endpoint._send is not original
    assert not mock.active and current_mock() is None
    assert botocore.endpoint.Endpoint._send is original

    mock = ChimeProxyMock()
    assert mock.start() is mock and mock.start() is mock  # idempotent
    try:
        assert _connectors() == []
    finally:
        mock.stop()
        mock.stop()
    assert botocore.endpoint.Endpoint._send is original


def test_clients_created_before_start_are_answered() -> None:
    client = boto3.client("chime-sdk-voice", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    with mock_chime_proxy() as mock:
        vc = mock.create_voice_connector()
        assert client.get_voice_connector(VoiceConnectorId=vc)["VoiceConnector"]["VoiceConnectorId"] == vc


def test_the_innermost_mock_answers() -> None:
    with mock_chime_proxy() as outer:
        outer_vc = outer.create_voice_connector()
        with mock_chime_proxy() as inner:
            assert _connectors() == []
            inner.create_voice_connector()
        assert _connectors() == [outer_vc]


def test_reset_forgets_state_and_calls(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    chime_proxy.create_voice_connector()
    chime_sdk_voice.list_voice_connectors()
    chime_proxy.reset()
    assert chime_proxy.calls == []
    assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"] == []


# ---- environment --------------------------------------------------------------------------------------------
def test_fake_credentials_while_active_and_environment_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    before = dict(os.environ)
    with pytest.raises(RuntimeError), mock_chime_proxy():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert "AWS_PROFILE" not in os.environ
        credentials = boto3.Session().get_credentials()
        assert credentials is not None and credentials.access_key == "testing"
        raise RuntimeError("the test failed; the environment must still come back")
    assert dict(os.environ) == before


# ---- accounts and regions -------------------------------------------------------------------------------------
def test_accounts_are_isolated(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    mine = chime_sdk_voice.create_voice_connector(Name="mine", RequireEncryption=True)["VoiceConnector"]
    other = boto3.client(
        "chime-sdk-voice", region_name="us-east-1", aws_access_key_id="111111111111", aws_secret_access_key="x"
    )
    assert other.list_voice_connectors()["VoiceConnectors"] == []
    with pytest.raises(other.exceptions.NotFoundException):
        other.get_voice_connector(VoiceConnectorId=mine["VoiceConnectorId"])
    theirs = other.create_voice_connector(Name="theirs", RequireEncryption=True)["VoiceConnector"]
    assert ":111111111111:" in theirs["VoiceConnectorArn"]
    assert chime_proxy.calls[-1].account == "111111111111"
    assert [vc["Name"] for vc in chime_sdk_voice.list_voice_connectors()["VoiceConnectors"]] == ["mine"]


def test_regions_are_isolated(chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(region="ap-southeast-2")
    assert _connectors("ap-southeast-2") == [vc]
    assert _connectors("us-east-1") == []


# ---- what is not emulated, and what is not Chime ------------------------------------------------------------------
def test_an_operation_not_emulated_fails_loudly_naming_it(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    import botocore
    from botocore.exceptions import ClientError

    from pytest_chime_proxy.core.operations import emulated

    model = chime_sdk_voice.meta.service_model
    candidates = [  # operations the fake does not answer yet that need no input
        name
        for name in model.operation_names
        if name not in emulated()
        and not (model.operation_model(name).input_shape and model.operation_model(name).input_shape.required_members)
    ]
    if not candidates:
        pytest.skip("every chime-sdk-voice operation without required input is emulated")
    name = candidates[0]
    with pytest.raises(ClientError) as excinfo:
        getattr(chime_sdk_voice, botocore.xform_name(name))()
    error = excinfo.value.response
    assert error["Error"]["Code"] == "NotImplementedException"
    assert name in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert [c.operation for c in chime_proxy.calls] == [None]  # answered once, not retried, not sent on


def test_a_legacy_operation_not_emulated_names_it(chime_client: Any) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="ListAccounts"):
        chime_client.list_accounts()


def test_the_documented_legacy_request_is_answered_on_the_global_host(chime_proxy: Any) -> None:
    """The REST reference's sample goes to service.chime.aws.amazon.com: answered whatever botocore is installed."""
    import json

    from pytest_chime_proxy.core.wire.protocol import WireRequest

    vc = chime_proxy.create_voice_connector(["+19135550199"])
    answer = chime_proxy.dispatch(
        WireRequest(
            "POST",
            f"https://service.chime.aws.amazon.com/voice-connectors/{vc}/proxy-sessions",
            {"Content-Type": "application/json"},
            b'{"ParticipantPhoneNumbers": ["+14015550101", "+12065550100"], "Capabilities": ["Voice", "SMS"]}',
        )
    )
    assert answer is not None and answer.status == 201
    session = json.loads(answer.body)["ProxySession"]
    assert session["Capabilities"] == ["SMS", "Voice"] and session["Status"] == "Open"
    assert chime_proxy.calls[-1].endpoint.namespace == "chime"


def test_other_services_pass_through_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    """What reaches botocore's real send: the STS request, unchanged; never the Chime one."""
    from botocore.awsrequest import AWSResponse

    sent: list[Any] = []

    class Raw:
        def stream(self, **_: Any) -> Any:
            yield (
                b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>999999999999</Account>"
                b"<Arn>arn:aws:iam::999999999999:user/t</Arn><UserId>U</UserId></GetCallerIdentityResult>"
                b"</GetCallerIdentityResponse>"
            )

    def network(endpoint: Any, request: Any) -> Any:
        sent.append(request)
        return AWSResponse(request.url, 200, {}, Raw())

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", network)
    with mock_chime_proxy() as mock:
        assert boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"] == "999999999999"
        mock.create_voice_connector()
        assert len(_connectors()) == 1
    assert len(sent) == 1 and sent[0].url.startswith("https://sts.")  # regional or global, by botocore version
    body = sent[0].body
    assert "Action=GetCallerIdentity" in (body.decode() if isinstance(body, bytes) else body)
    assert botocore.endpoint.Endpoint._send is network  # our patch is gone, theirs is back


def test_composes_with_moto() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_chime_proxy() as chime:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="recordings")
        vc = chime.create_voice_connector()
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["recordings"]
        assert _connectors() == [vc]


def test_a_failed_create_voice_connector_leaves_no_half_built_connector(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    first = chime_proxy.create_voice_connector(["+19135550199"])
    with pytest.raises(ValueError, match="associated with voice connector"):
        chime_proxy.create_voice_connector(["+19135550111", "+19135550199"])
    listed = chime_sdk_voice.list_voice_connectors()["VoiceConnectors"]
    assert [vc["VoiceConnectorId"] for vc in listed] == [first]
    # a rejected helper call changes nothing: the number it ordered on the way is gone again
    with pytest.raises(chime_sdk_voice.exceptions.NotFoundException):
        chime_sdk_voice.get_phone_number(PhoneNumberId="+19135550111")
    number = chime_sdk_voice.get_phone_number(PhoneNumberId="+19135550199")["PhoneNumber"]
    assert [a["Value"] for a in number["Associations"]] == [first]


def test_markers_and_ini_help_name_every_option_from_the_one_declaration(pytester: pytest.Pytester) -> None:
    from pytest_chime_proxy.core import options

    markers = pytester.runpytest("--markers").stdout.str()
    line = next(text for text in markers.splitlines() if text.startswith("@pytest.mark.chime_proxy("))
    assert [name for name in options.NAMES if f"{name}=" not in line] == []
    help_text = pytester.runpytest("--help").stdout.str()
    assert [ini for ini in options.INI_OPTIONS if ini not in help_text] == []
    assert set(options.INI_OPTIONS.values()) == {n for n, (kind, _, _) in options.DECLARED.items() if kind is bool}


def test_every_boolean_option_is_an_ini_default(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nchime_proxy_legacy_cutoff = true\n")
    pytester.makepyfile(
        """
        def test_cutoff(chime_proxy):
            assert chime_proxy.settings["legacy_cutoff"] is True
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_misspelt_option_is_named_with_its_closest_option() -> None:
    from pytest_chime_proxy import ChimeProxyMock, OptionsError

    with pytest.raises(OptionsError, match="did you mean 'region' for 'regoin'"):
        ChimeProxyMock(regoin="us-east-1")  # type: ignore[call-arg]


def test_the_public_names_are_listed_before_they_load() -> None:
    import pytest_chime_proxy

    assert set(pytest_chime_proxy.__all__) <= set(dir(pytest_chime_proxy))
    for name in pytest_chime_proxy.__all__:
        assert getattr(pytest_chime_proxy, name) is not None
