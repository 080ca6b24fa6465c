"""Fault injection: every knob of ``inject``, through real clients, and that faults never leak.

Clients here make no retries (``max_attempts=0``) unless a test is about retries, so each call is one request
and the rule's counting is visible one request at a time.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore import exceptions as bce
from botocore.config import Config
from helpers import PAIR

from pytest_chime_proxy import ChimeProxyMock, mock_chime_proxy
from pytest_chime_proxy.core.wire import spec
from pytest_chime_proxy.core.wire.errors import ERRORS

START = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def no_retry(namespace: str, **config: Any) -> Any:
    return boto3.client(
        namespace,
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, **config),
    )


def outcome(call: Any) -> str:
    try:
        call()
        return "ok"
    except bce.ClientError as error:
        return str(error.response["Error"]["Code"])


@pytest.fixture
def plain(namespace: str) -> Any:
    """A client of the test's namespace that does not retry."""
    return no_retry(namespace)


def get_proxy(client: Any, vc: str) -> Any:
    return lambda: client.get_voice_connector_proxy(VoiceConnectorId=vc)


# ---- what an injected error looks like -------------------------------------------------------------------
@pytest.mark.parametrize(
    "error",
    sorted(
        set(ERRORS)
        - {
            "ConflictException",
            "ResourceLimitExceededException",
            "AccessDeniedException",
            "GoneException",  # declared by the voice-analytics operations only
            "UnprocessableEntityException",
        }
    ),
)
def test_injected_error_is_the_modeled_exception_with_its_status(
    chime_proxy: Any, plain: Any, voice_connector: str, error: str
) -> None:
    chime_proxy.inject("GetVoiceConnectorProxy", error=error)
    with pytest.raises(getattr(plain.exceptions, error)) as raised:
        plain.get_voice_connector_proxy(VoiceConnectorId=voice_connector)
    status, legacy_code = ERRORS[error]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    call = chime_proxy.calls.last()
    assert call.status == status and call.error_code == error and call.injected
    assert call.response.headers["x-amzn-ErrorType"] == error
    body = json.loads(call.response.body)
    assert body["Code"] == legacy_code and raised.value.response["Error"]["Message"] == body["Message"]


def test_a_faulted_request_changes_nothing(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    rule = chime_proxy.inject("CreateProxySession", error="ServiceFailureException")
    with pytest.raises(plain.exceptions.ServiceFailureException):
        plain.create_proxy_session(
            VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"]
        )
    assert rule.hits == 1
    assert plain.list_proxy_sessions(VoiceConnectorId=voice_connector)["ProxySessions"] == []


def test_requests_are_validated_after_the_fault(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    """A fault answers before the service looks at the request, as a throttling front end does."""
    chime_proxy.inject("CreateProxySession", error="ThrottledClientException")
    bad = {
        "VoiceConnectorId": voice_connector,
        "ParticipantPhoneNumbers": ["not", "numbers"],
        "Capabilities": ["Voice"],
    }
    assert outcome(lambda: plain.create_proxy_session(**bad)) == "ThrottledClientException"
    assert outcome(lambda: plain.create_proxy_session(**bad)) == "BadRequestException"


# ---- counting: times, after ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("times", "after", "expected"),
    [
        (1, 0, ["ServiceUnavailableException", "ok", "ok", "ok"]),
        (2, 0, ["ServiceUnavailableException", "ServiceUnavailableException", "ok", "ok"]),
        (2, 1, ["ok", "ServiceUnavailableException", "ServiceUnavailableException", "ok"]),
        (None, 2, ["ok", "ok", "ServiceUnavailableException", "ServiceUnavailableException"]),
    ],
)
def test_times_and_after(
    chime_proxy: Any, plain: Any, voice_connector: str, times: int | None, after: int, expected: list[str]
) -> None:
    rule = chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=times, after=after)
    assert [outcome(get_proxy(plain, voice_connector)) for _ in expected] == expected
    assert rule.seen == len(expected)
    assert rule.hits == expected.count("ServiceUnavailableException")
    assert rule.exhausted == (times is not None and rule.hits == times)


def test_rules_only_count_their_operation(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    rule = chime_proxy.inject("ListProxySessions", error="ServiceFailureException")
    assert outcome(get_proxy(plain, voice_connector)) == "ok"
    assert rule.seen == 0
    assert outcome(lambda: plain.list_proxy_sessions(VoiceConnectorId=voice_connector)) == "ServiceFailureException"


def test_star_matches_every_operation_that_models_the_error(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    chime_proxy.inject("*", error="ServiceUnavailableException", times=None)
    assert outcome(get_proxy(plain, voice_connector)) == "ServiceUnavailableException"
    assert outcome(lambda: plain.list_voice_connectors()) == "ServiceUnavailableException"


def test_star_skips_operations_whose_model_lacks_the_error(
    chime_proxy: Any, plain: Any, namespace: str, voice_connector: str
) -> None:
    model = spec.load(namespace).operations
    assert "ResourceLimitExceededException" in model["CreateVoiceConnector"].errors
    assert "ResourceLimitExceededException" not in model["GetVoiceConnectorProxy"].errors
    rule = chime_proxy.inject("*", error="ResourceLimitExceededException", times=None)
    assert outcome(get_proxy(plain, voice_connector)) == "ok"
    assert (
        outcome(lambda: plain.create_voice_connector(Name="x", RequireEncryption=True))
        == "ResourceLimitExceededException"
    )
    assert rule.hits == 1


# ---- match, namespace, region ------------------------------------------------------------------------------
def test_match_on_parameters(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    other = chime_proxy.create_voice_connector(["+19135550111"])
    chime_proxy.inject(
        "GetVoiceConnectorProxy", error="NotFoundException", times=None, match={"VoiceConnectorId": other}
    )
    assert outcome(get_proxy(plain, voice_connector)) == "ok"
    assert outcome(get_proxy(plain, other)) == "NotFoundException"


def test_match_with_a_callable_sees_parsed_parameters(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    seen: list[dict[str, Any]] = []

    def big_pages(params: dict[str, Any]) -> bool:
        seen.append(dict(params))
        return int(params.get("MaxResults", 0)) > 10

    chime_proxy.inject("ListProxySessions", error="BadRequestException", times=None, match=big_pages)
    assert outcome(lambda: plain.list_proxy_sessions(VoiceConnectorId=voice_connector, MaxResults=5)) == "ok"
    assert (
        outcome(lambda: plain.list_proxy_sessions(VoiceConnectorId=voice_connector, MaxResults=50))
        == "BadRequestException"
    )
    assert seen[-1] == {"VoiceConnectorId": voice_connector, "MaxResults": 50}  # typed, from the query string


def test_match_on_the_body(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    chime_proxy.inject(
        "CreateProxySession",
        error="ServiceFailureException",
        times=None,
        match=lambda p: "SMS" in p.get("Capabilities", []),
    )

    def create(caps: list[str]) -> Any:
        return lambda: plain.create_proxy_session(
            VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=caps
        )

    assert outcome(create(["SMS"])) == "ServiceFailureException"
    assert outcome(create(["Voice"])) == "ok"


def test_region_filter(chime_proxy: Any) -> None:
    east = no_retry("chime-sdk-voice")
    west = boto3.client(
        "chime-sdk-voice", region_name="us-west-2", config=Config(retries={"mode": "standard", "total_max_attempts": 1})
    )
    chime_proxy.inject("ListVoiceConnectors", error="ServiceUnavailableException", times=None, region="us-west-2")
    assert outcome(east.list_voice_connectors) == "ok"
    assert outcome(west.list_voice_connectors) == "ServiceUnavailableException"


def test_namespace_filter(chime_proxy: Any, client: Any, namespace: str) -> None:
    other = "chime" if namespace == "chime-sdk-voice" else "chime-sdk-voice"
    rule = chime_proxy.inject("ListVoiceConnectors", error="ServiceFailureException", times=None, namespace=other)
    client.list_voice_connectors()
    assert rule.seen == 0 and chime_proxy.calls.last().namespace == namespace


# ---- probability and seed -----------------------------------------------------------------------------------
def _chaos(seed: int, probability: float, namespace: str, n: int = 40) -> list[str]:
    with ChimeProxyMock() as chime:
        vc = chime.create_voice_connector()
        chime.inject(
            "GetVoiceConnectorProxy",
            error="ServiceUnavailableException",
            times=None,
            probability=probability,
            seed=seed,
        )
        client = no_retry(namespace)
        return [outcome(get_proxy(client, vc)) for _ in range(n)]


def test_probability_with_a_seed_is_reproducible(namespace: str) -> None:
    first = _chaos(7, 0.5, namespace)
    assert _chaos(7, 0.5, namespace) == first
    assert {"ok", "ServiceUnavailableException"} == set(first)  # 40 fair draws: both outcomes
    assert _chaos(8, 0.5, namespace) != first


@pytest.mark.parametrize(("probability", "expected"), [(0.0, {"ok"}), (1.0, {"ServiceUnavailableException"})])
def test_probability_extremes(namespace: str, probability: float, expected: set[str]) -> None:
    assert set(_chaos(1, probability, namespace, n=10)) == expected


def test_probability_counts_only_fired_requests_against_times(
    chime_proxy: Any, plain: Any, voice_connector: str
) -> None:
    rule = chime_proxy.inject(
        "GetVoiceConnectorProxy", error="ServiceFailureException", times=3, probability=0.5, seed=3
    )
    results = [outcome(get_proxy(plain, voice_connector)) for _ in range(40)]
    assert results.count("ServiceFailureException") == 3 == rule.hits
    assert rule.seen == 40


# ---- latency --------------------------------------------------------------------------------------------------
def test_latency_moves_the_mock_clock_not_the_wall_clock(
    chime_proxy: Any, plain: Any, voice_connector: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    chime_proxy.clock.set(START)
    chime_proxy.inject("GetVoiceConnectorProxy", latency=timedelta(seconds=3), times=2)
    get_proxy(plain, voice_connector)()
    call = chime_proxy.calls.last()
    assert call.status == 200 and call.latency == 3.0 and not call.injected
    assert chime_proxy.clock.now() == START + timedelta(seconds=3)
    assert slept == []


def test_latency_adds_up_with_an_error_rule(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    chime_proxy.clock.set(START)
    chime_proxy.inject("*", latency=1.5, times=None)
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", latency=2)
    assert outcome(get_proxy(plain, voice_connector)) == "ServiceUnavailableException"
    assert chime_proxy.calls.last().latency == 3.5
    assert outcome(get_proxy(plain, voice_connector)) == "ok"
    assert chime_proxy.clock.now() == START + timedelta(seconds=5)


def test_latency_with_real_sleep_waits(namespace: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with mock_chime_proxy(real_sleep=True) as chime:
        vc = chime.create_voice_connector()
        chime.clock.set(START)
        chime.inject("GetVoiceConnectorProxy", latency=0.25)
        get_proxy(no_retry(namespace), vc)()
    assert slept == [0.25]
    assert chime.clock.now() == START


def test_latency_past_the_read_timeout_is_a_read_timeout(
    chime_proxy: Any, namespace: str, voice_connector: str
) -> None:
    chime_proxy.clock.set(START)
    client = no_retry(namespace, read_timeout=4)
    chime_proxy.inject("GetVoiceConnectorProxy", latency=30)
    with pytest.raises(bce.ReadTimeoutError):
        get_proxy(client, voice_connector)()
    assert chime_proxy.clock.now() == START + timedelta(seconds=4)  # the client gave up after its timeout
    assert chime_proxy.calls.last().error_code == "ReadTimeoutError"


def test_latency_under_the_read_timeout_answers(chime_proxy: Any, namespace: str, voice_connector: str) -> None:
    client = no_retry(namespace, read_timeout=4)
    chime_proxy.inject("GetVoiceConnectorProxy", latency=3.9)
    assert outcome(get_proxy(client, voice_connector)) == "ok"


# ---- connection errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "exception"),
    [
        ("read_timeout", bce.ReadTimeoutError),
        ("connect_timeout", bce.ConnectTimeoutError),
        ("connection_closed", bce.ConnectionClosedError),
        ("endpoint_unreachable", bce.EndpointConnectionError),
    ],
)
def test_connection_errors_are_botocores_own(
    chime_proxy: Any, plain: Any, voice_connector: str, kind: str, exception: type[Exception]
) -> None:
    rule = chime_proxy.inject("GetVoiceConnectorProxy", connection_error=kind)
    with pytest.raises(exception) as raised:
        get_proxy(plain, voice_connector)()
    assert "amazonaws.com" in str(raised.value)  # botocore's message names the endpoint
    call = chime_proxy.calls.last()
    assert call.status is None and call.response is None and call.fault is rule
    assert call.error_code == exception.__name__


# ---- misuse ------------------------------------------------------------------------------------------------------
def test_an_unknown_operation_is_answered_with_the_near_one_or_the_list(chime_proxy: Any) -> None:
    with pytest.raises(ValueError, match=r"did you mean 'CreateProxySession'\?$"):
        chime_proxy.inject("CreateProxySesion", error="NotFoundException")
    with pytest.raises(ValueError, match=r"use '\*' or one of \[.*'CreateProxySession'.*\]$"):
        chime_proxy.inject("Nothing", error="NotFoundException")
    assert len(chime_proxy.faults) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"operation": "CreateProxySesion", "error": "NotFoundException"}, "unknown operation 'CreateProxySesion'"),
        ({"operation": "*", "error": "Throttling"}, "unknown error 'Throttling'"),
        ({"operation": "GetProxySession", "error": "ResourceLimitExceededException"}, "does not model"),
        ({"operation": "*"}, "needs error=, connection_error= or latency="),
        ({"operation": "*", "error": "NotFoundException", "connection_error": "read_timeout"}, "not both"),
        ({"operation": "*", "connection_error": "reset"}, "unknown connection_error"),
        ({"operation": "*", "error": "NotFoundException", "times": 0}, "times must be >= 1"),
        ({"operation": "*", "error": "NotFoundException", "after": -1}, "after must be >= 0"),
        ({"operation": "*", "error": "NotFoundException", "probability": 1.5}, "between 0 and 1"),
        ({"operation": "*", "latency": -1}, "latency must be between 0 and"),
    ],
)
def test_misuse_is_refused_with_a_clear_message(chime_proxy: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("=", "=")):
        chime_proxy.inject(kwargs.pop("operation"), **kwargs)
    assert len(chime_proxy.faults) == 0


def test_match_must_be_a_mapping_or_callable(chime_proxy: Any) -> None:
    with pytest.raises(TypeError, match="match should be a valid dictionary"):
        chime_proxy.inject("*", error="NotFoundException", match=["VoiceConnectorId"])


def test_a_connection_error_of_the_wrong_type_names_the_kinds(chime_proxy: Any) -> None:
    with pytest.raises(TypeError, match=r"connection_error should be a valid string, one of \['connect_timeout',"):
        chime_proxy.inject("*", connection_error=True)
    assert len(chime_proxy.faults) == 0


# ---- clearing, listing, unused rules ---------------------------------------------------------------------------
def test_clear_removes_every_rule(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceFailureException", times=None)
    chime_proxy.inject("*", latency=1, times=None)
    assert len(chime_proxy.faults) == 2 and len(list(chime_proxy.faults)) == 2
    chime_proxy.faults.clear()
    assert outcome(get_proxy(plain, voice_connector)) == "ok"
    assert chime_proxy.calls.last().latency == 0


def test_remove_one_rule_and_list_unused(chime_proxy: Any, plain: Any, voice_connector: str) -> None:
    used = chime_proxy.inject("GetVoiceConnectorProxy", error="ServiceFailureException")
    unused = chime_proxy.inject("DeleteProxySession", error="NotFoundException")
    outcome(get_proxy(plain, voice_connector))
    assert chime_proxy.faults.unused() == [unused]
    with pytest.raises(AssertionError, match="1 injected fault\\(s\\) never fired:\n  inject\\('DeleteProxySession'"):
        chime_proxy.faults.assert_all_hit()
    chime_proxy.faults.remove(unused)
    chime_proxy.faults.assert_all_hit()
    assert list(chime_proxy.faults) == [used]


def test_reset_forgets_faults(chime_proxy: Any, plain: Any) -> None:
    chime_proxy.inject("ListVoiceConnectors", error="ServiceFailureException", times=None)
    chime_proxy.reset()
    assert outcome(plain.list_voice_connectors) == "ok"


def test_faults_given_to_the_context_manager(namespace: str) -> None:
    with mock_chime_proxy(faults=[{"operation": "ListVoiceConnectors", "error": "ForbiddenException"}]) as chime:
        client = no_retry(namespace)
        assert outcome(client.list_voice_connectors) == "ForbiddenException"
        assert outcome(client.list_voice_connectors) == "ok"
        assert [rule.hits for rule in chime.faults] == [1]


def test_a_fault_option_without_operation_is_refused() -> None:
    with pytest.raises(ValueError, match="needs 'operation'"):
        ChimeProxyMock(faults=[{"error": "NotFoundException"}])


def test_the_decorator_gives_each_call_fresh_rules(namespace: str) -> None:
    @mock_chime_proxy(faults=[{"operation": "ListVoiceConnectors", "error": "ServiceFailureException"}])
    def first_call_fails() -> list[str]:
        client = no_retry(namespace)
        return [outcome(client.list_voice_connectors), outcome(client.list_voice_connectors)]

    assert first_call_fails() == ["ServiceFailureException", "ok"]
    assert first_call_fails() == ["ServiceFailureException", "ok"]


def test_assert_all_faults_hit_on_the_context_manager(namespace: str) -> None:
    with pytest.raises(AssertionError, match="never fired"):
        with mock_chime_proxy(assert_all_faults_hit=True) as chime:
            chime.inject("DeleteVoiceConnector", error="NotFoundException")
    with mock_chime_proxy(assert_all_faults_hit=True) as chime:
        chime.inject("ListVoiceConnectors", error="ForbiddenException")
        outcome(no_retry(namespace).list_voice_connectors)


def test_assert_all_faults_hit_does_not_mask_the_tests_own_error() -> None:
    with pytest.raises(KeyError):
        with mock_chime_proxy(assert_all_faults_hit=True) as chime:
            chime.inject("DeleteVoiceConnector", error="NotFoundException")
            raise KeyError("the test's failure")


# ---- the marker and the pytest integration (separate pytest runs) --------------------------------------------
MARKED = """
import boto3, pytest
from botocore.config import Config

def client():
    return boto3.client("chime-sdk-voice", region_name="us-east-1",
                        config=Config(retries={"mode": "standard", "total_max_attempts": 1}))

@pytest.mark.chime_proxy(faults=[{"operation": "ListVoiceConnectors", "error": "ServiceUnavailableException",
                                  "times": None}])
def test_marker_faults(chime_proxy):
    with pytest.raises(client().exceptions.ServiceUnavailableException):
        client().list_voice_connectors()
    assert chime_proxy.faults.unused() == []

def test_next_test_has_no_faults(chime_proxy):
    assert len(chime_proxy.faults) == 0
    client().list_voice_connectors()

def test_leaky(chime_proxy):
    chime_proxy.inject("*", error="ServiceFailureException", times=None)

def test_after_leaky(chime_proxy):
    client().list_voice_connectors()
    assert chime_proxy.calls.last().status == 200
"""


def test_marker_faults_and_no_leak_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MARKED)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


UNUSED = """
import pytest

@pytest.mark.chime_proxy(assert_all_faults_hit=True)
def test_unused_rule(chime_proxy):
    chime_proxy.inject("DeleteProxySession", error="NotFoundException")

def test_unused_rule_without_the_option(chime_proxy):
    chime_proxy.inject("DeleteProxySession", error="NotFoundException")
"""


def test_marker_assert_all_faults_hit_fails_the_test_naming_the_rule(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UNUSED)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*1 injected fault(s) never fired*", "*inject('DeleteProxySession', NotFoundException*"]
    )


def test_ini_option_turns_it_on_for_every_test(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nchime_proxy_assert_all_faults_hit = true\n")
    pytester.makepyfile(UNUSED)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=2)


def test_unknown_marker_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
import pytest

@pytest.mark.chime_proxy(fault=[])
def test_typo(chime_proxy):
    pass
""")
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*unknown option(s)*'fault'*"])
    assert result.ret != 0


def test_fault_options_are_declared_once() -> None:
    """``FaultOptions`` (what inject, the marker and the server take) and ``FaultRule``'s fields agree."""
    import dataclasses

    from pytest_chime_proxy.core.faults import FAULT_OPTIONS, FaultRule

    fields = [f.name for f in dataclasses.fields(FaultRule) if f.init and f.name not in ("operation", "seen", "hits")]
    assert sorted(FAULT_OPTIONS) == sorted(fields)


@pytest.mark.parametrize(
    ("latency", "error"),
    [(1e13, ValueError), (float("inf"), ValueError), (float("nan"), ValueError), (-1, ValueError)]
    + [("5", TypeError), (True, TypeError)],
)
def test_a_latency_that_cannot_be_applied_is_refused_and_changes_nothing(
    chime_proxy: Any, latency: Any, error: type[Exception]
) -> None:
    before = chime_proxy.clock.time()
    with pytest.raises(error, match="latency"):
        chime_proxy.inject("GetProxySession", latency=latency)
    assert list(chime_proxy.faults) == [] and chime_proxy.clock.time() - before < 5


def test_an_unknown_fault_option_is_named() -> None:
    from pytest_chime_proxy import ChimeProxyMock

    with pytest.raises(ValueError, match=r"unknown option\(s\) \['eror'\]"):
        ChimeProxyMock().inject("GetProxySession", eror="NotFoundException")  # type: ignore[call-arg]


def test_a_misspelt_operation_is_named_with_its_closest_operation(chime_proxy: Any) -> None:
    with pytest.raises(ValueError, match="did you mean 'CreateProxySession'"):
        chime_proxy.inject("CreateProxySesion", error="NotFoundException")
    assert list(chime_proxy.faults) == []
