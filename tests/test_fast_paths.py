"""The per-call shortcuts keep the behaviour they replace: request ids, routing, scopes after reset."""

from __future__ import annotations

import datetime
import os
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import PAIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_chime_proxy.core.wire import routing, spec


def test_request_ids_are_distinct_version_4_uuids(chime_sdk_voice: Any, voice_connector: str) -> None:
    ids = [
        chime_sdk_voice.get_voice_connector(VoiceConnectorId=voice_connector)["ResponseMetadata"]["RequestId"]
        for _ in range(50)
    ]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 3.12 warns about forking a threaded process
def test_a_forked_process_does_not_repeat_its_parents_request_ids() -> None:
    from pytest_chime_proxy.core.wire.protocol import request_id

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, then out without pytest's teardown
        os.write(write, " ".join(request_id() for _ in range(3)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split())
    assert len(child) == 3 and not child & {request_id() for _ in range(3)}


def test_reset_between_calls_forgets_state_and_serves_new_state(chime_proxy: Any, chime_sdk_voice: Any) -> None:
    """The fake keeps one scope per account and endpoint; reset() replaces the account, and the scope with it."""
    first = chime_proxy.create_voice_connector()
    chime_sdk_voice.create_proxy_session(VoiceConnectorId=first, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"])
    chime_proxy.reset()
    with pytest.raises(chime_sdk_voice.exceptions.NotFoundException):
        chime_sdk_voice.list_proxy_sessions(VoiceConnectorId=first)
    second = chime_proxy.create_voice_connector()
    created = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=second, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"]
    )["ProxySession"]
    listed = chime_sdk_voice.list_proxy_sessions(VoiceConnectorId=second)["ProxySessions"]
    assert [s["ProxySessionId"] for s in listed] == [created["ProxySessionId"]]


def _one_by_one(namespace: str, method: str, path: str, query: dict[str, list[str]]) -> Any:
    """The plain rule ``route`` implements: the first route of the table order that matches path and query."""
    for op in routing._table(namespace, method.upper()):
        m = op.path.fullmatch(path)
        if m and all(query.get(k) == [v] for k, v in op.query):
            return op.name, m.groupdict()
    return None


@pytest.mark.parametrize("namespace", spec.NAMESPACES)
def test_routing_agrees_with_trying_every_route_in_order(namespace: str) -> None:
    rng = random.Random(7)
    operations = list(spec.load(namespace).operations.values())
    # label values that are also some route's literal segment: routing must not take them for that literal
    literal_segments = {s for op in operations for s in op.uri.partition("?")[0].split("/") if "{" not in s}
    labels = ["abc", "a%2Fb", "1", "a/b", "", *sorted(literal_segments)]
    for op in operations:
        for _ in range(20):
            path, _, literals = op.uri.partition("?")
            path = spec._PARAM.sub(lambda _m: rng.choice(labels), path) + ("/" if rng.random() < 0.2 else "")
            query = {k: [v] for k, _, v in (p.partition("=") for p in literals.split("&") if p) if rng.random() < 0.7}
            if rng.random() < 0.3:
                query["operation"] = [rng.choice(["x", "associate-phone-numbers"])]
            for method in {op.method, rng.choice(["GET", "POST", "PUT", "DELETE"])}:
                found = routing.route(namespace, method, path, query)
                assert (found and (found[0].name, found[1])) == _one_by_one(namespace, method, path, query), (
                    method,
                    path,
                    query,
                )


class _Text(str):
    """A str subclass: equal to its text, but not a plain string (the helpers' checked-input cache skips it)."""


@pytest.mark.parametrize(
    ("argument", "valid", "look_alike"),
    [
        ("require_encryption", True, 1),  # True == 1 and hash(True) == hash(1): only the boolean is valid
        ("require_encryption", False, 0),
        ("name", "ok-name", "x" * 257),
        ("countries", ["US"], ["USA"]),
        ("default_session_expiry_minutes", 60, 0),
    ],
)
def test_an_input_found_valid_before_does_not_let_a_look_alike_through(
    chime_proxy: Any, chime_sdk_voice: Any, argument: str, valid: Any, look_alike: Any
) -> None:
    """The input checks remember inputs found valid (a fixture passes the same ones every test): an input that
    merely compares equal to one is still checked and refused, and leaves nothing behind."""
    chime_proxy.create_voice_connector(**{argument: valid})
    before = chime_sdk_voice.list_voice_connectors()["VoiceConnectors"]
    with pytest.raises(ValueError, match=f"create_voice_connector: .*{argument}"):
        chime_proxy.create_voice_connector(["+19135550142"], **{argument: look_alike})
    assert chime_sdk_voice.list_voice_connectors()["VoiceConnectors"] == before


def test_a_str_subclass_is_checked_each_time(chime_proxy: Any) -> None:
    vc = chime_proxy.create_voice_connector(name=_Text("sub"))
    assert vc
    with pytest.raises(ValueError, match="name"):
        chime_proxy.create_voice_connector(["+19135550142"], name=_Text("y" * 300))


_STAMPS = st.builds(
    lambda moment, digits: (
        moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}"[: digits + 1] if digits else "") + "Z"
    ),
    st.datetimes(min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59, 59)),
    st.integers(0, 6),
)
_NEAR = st.one_of(
    _STAMPS,
    _STAMPS.map(lambda s: s.replace("T", " ")),
    _STAMPS.map(lambda s: s[:-1] + "+00:00"),
    _STAMPS.map(lambda s: s.replace("Z", "0000000Z")),
    st.from_regex(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z?\Z"),
    st.text(max_size=30),
    st.sampled_from(["1586967010", "1586967010.288", "Wed, 15 Apr 2020 16:10:10 GMT", "", "2020-02-30T00:00:00Z"]),
)


@pytest.fixture(params=["UTC", "Europe/London", "America/New_York", "Etc/GMT-3"])
def local_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone set to each kind dateutil treats apart (named UTC, GMT/BST, others)."""
    import time

    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@given(text=_NEAR)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_timestamps_read_directly_are_exactly_botocores(local_zone: str, text: str) -> None:
    """The direct reading gives the very value botocore's parser gives (fields, tzinfo class and offset), or
    the same error, for the fake's form, near misses and any text, in any local time zone."""
    from botocore.utils import parse_timestamp

    from pytest_chime_proxy.patching import timestamps

    timestamps.patch.acquire()
    try:
        try:
            expected: Any = parse_timestamp(text)
        except Exception as error:  # noqa: BLE001 - the same error is the property
            expected = (type(error), str(error))
        try:
            got: Any = timestamps.parse_timestamp(text)
        except Exception as error:  # noqa: BLE001
            got = (type(error), str(error))
    finally:
        timestamps.patch.release()
    assert got == expected
    if isinstance(expected, datetime.datetime):
        assert (type(got.tzinfo), got.utcoffset(), repr(got)) == (
            type(expected.tzinfo),
            expected.utcoffset(),
            repr(expected),
        )


def test_a_client_made_in_a_mock_reads_the_fakes_timestamps_directly(chime_proxy: Any, voice_connector: str) -> None:
    import boto3
    from dateutil.tz import tzutc

    client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    created = client.create_proxy_session(
        VoiceConnectorId=voice_connector, ParticipantPhoneNumbers=PAIR, Capabilities=["SMS"]
    )
    stamp = created["ProxySession"]["CreatedTimestamp"]
    assert stamp.utcoffset() == tzutc().utcoffset(stamp) and abs(stamp.timestamp() - chime_proxy.clock.time()) < 60
    from botocore import parsers

    from pytest_chime_proxy.patching import timestamps

    assert parsers.DEFAULT_TIMESTAMP_PARSER is timestamps.parse_timestamp


# botocore's SigV4 Authorization header, piece by piece
_SIGV4_PIECES = {
    "key": r"[A-Za-z0-9]{1,20}|testing|123456789012",
    "scope": r"[0-9]{8}/[a-z0-9-]{1,12}/[a-z-]{1,16}/aws4_request|[A-Za-z0-9/_-]{1,30}",
    "signed": r"[a-z0-9;-]{1,30}",
    "signature": r"[0-9a-f]{64}|[0-9a-f]{1,8}",
}
_SCHEMES = ["AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", "aws4-hmac-sha256", "AWS4-X"]
_SEPARATORS = [", ", ",", " , "]


def _sigv4(pieces: dict[str, str], scheme: str = "AWS4-HMAC-SHA256", separator: str = ", ") -> str:
    return (
        f"{scheme} Credential={pieces['key']}/{pieces['scope']}{separator}SignedHeaders={pieces['signed']}"
        f"{separator}Signature={pieces['signature']}"
    )


def _kept_both_ways(value: str, present: frozenset[str] = frozenset()) -> None:
    from pytest_chime_proxy.core import redaction

    fast: list[str] = []
    general: list[str] = []
    assert redaction.authorization(value, fast, present) == redaction._authorization(value, general, present), value
    assert fast == general, value


@given(
    pieces=st.fixed_dictionaries(
        {name: st.from_regex(rf"(?:{pattern})", fullmatch=True) for name, pattern in _SIGV4_PIECES.items()}
    ),
    scheme=st.sampled_from(_SCHEMES),
    separator=st.sampled_from(_SEPARATORS),
    signed_present=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_botocores_authorization_is_kept_as_the_general_reading_keeps_it(
    pieces: dict[str, str], scheme: str, separator: str, signed_present: bool
) -> None:
    """botocore's exact SigV4 spelling is read by one pattern: the same header kept, the same secrets found, as
    the general reading of any spelling gives (with the signed headers among the request's, and not)."""
    present = frozenset(pieces["signed"].split(";")) if signed_present else frozenset()
    _kept_both_ways(_sigv4(pieces, scheme, separator), present)


def test_near_misses_of_botocores_authorization_are_kept_as_the_general_reading_keeps_them() -> None:
    """One character that changes how a header reads (a space, a tab, a comma, an equals sign, a slash, a
    capital, a letter outside ASCII), at each end and in the middle of each piece, with each separator."""
    base = {
        "key": "AKIDEXAMPLE",
        "scope": "20261202/us-east-1/chime/aws4_request",
        "signed": "host;x-amz-date",
        "signature": "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    }
    for name, piece in base.items():
        for char in " \t,=/A\u00e9":
            for at in (0, len(piece) // 2, len(piece)):
                for separator in _SEPARATORS:
                    value = _sigv4({**base, name: piece[:at] + char + piece[at:]}, separator=separator)
                    _kept_both_ways(value, frozenset({"x-amz-date"}))


def test_botocores_own_header_takes_the_one_pattern() -> None:
    """The property above compares something: botocore's real header is read by the pattern, not the general way."""
    from pytest_chime_proxy.core import redaction

    signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    value = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/chime/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={signature}"
    )
    assert redaction._BOTOCORE_SIGV4.fullmatch(value)
    found: list[str] = []
    kept = redaction.authorization(value, found, frozenset({"x-amz-date", "authorization"}))
    assert found == [signature] and signature not in kept
    assert kept == (
        "AWS4-HMAC-SHA256 Credential=AKIDREDACTED/20261202/us-east-1/chime/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=REDACTED"
    )


def _as_text(value: Any) -> Any:
    """``value`` with every scalar written as a JSON string (what a caller sending strings sends)."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return str(value).lower() if isinstance(value, bool) else str(value)


@pytest.mark.parametrize("namespace", spec.NAMESPACES)
def test_an_input_without_numbers_is_coerced_as_the_walk_coerces_it(namespace: str) -> None:
    """``coerce`` skips inputs that reach no boolean or integer shape: for every operation, its answer is the
    full walk's, on a valid input and on the same input with every value written as text."""
    from model_values import example

    from pytest_chime_proxy.core.wire import validation

    loaded = spec.load(namespace)
    skipped = 0
    for op in loaded.operations.values():
        if op.input is None:
            continue
        skipped += not validation._reads_numbers(namespace, op.input)
        valid = example({"shapes": loaded.shapes}, op.input)
        for params in (valid, _as_text(valid)):
            assert validation.coerce(op, params) == validation._coerced(loaded, op.input, params), op.name
    assert skipped  # the shortcut is taken somewhere (gets and deletes)


def test_the_environment_is_read_as_os_environ_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock's read of its variables (straight from ``os.environ``'s bytes) gives what iterating
    ``os.environ`` gives: names and values outside ASCII, undecodable bytes, every prefix, nothing else."""
    from pytest_chime_proxy.patching import environment

    monkeypatch.setenv("AWS_REGION_TEST_\u00e9", "v\u00e4lue")
    monkeypatch.setenv("BOTO_X", "1")
    monkeypatch.setenv("no_proxy", "example.test")
    monkeypatch.setenv("NOT_AWS_X", "ignored")
    if os.name == "posix":
        monkeypatch.setitem(os.environb, b"AWS_RAW_BYTES", b"\xff\xfe")
    general = {n: os.environ[n] for n in os.environ if n.startswith(environment.READ_PREFIXES)}
    assert environment._read() == general
    assert "NOT_AWS_X" not in environment._read() and "BOTO_X" in environment._read()
