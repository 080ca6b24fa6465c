"""Bad input gets what the service gives: 400 BadRequestException naming the field and the rule.

The cases are generated from the installed botocore's own service model (the ground truth), not from the
fake's snapshots: every pattern, enum, length and range of every input member of every emulated operation,
in both namespaces, is broken one at a time in an otherwise valid request. The requests go through a real
boto3 client with ``parameter_validation=False``, so that minima (which botocore would check itself) reach
the fake too; patterns, enums and maxima reach it anyway. Every rejected request must leave the state as it
was. The fake carries one model snapshot per namespace (the newest ``chime-sdk-voice`` model); where an older
installed botocore's model has other constraints for a member (botocore 1.37.1 gave voice connector ids
``.*\\S.*`` and 128 characters, the newest model an id pattern), the case is skipped, naming both.

Messages follow the format AWS services use (``1 validation error detected: Value 'x' at 'field' failed to
satisfy constraint: Member must ...``); the field is the member's lowerCamel name (URI members: their URI
label), list items are ``field.N.member`` and structure members ``field.member``. Minimum lengths of URI
members are not generated: an empty path segment does not reach an operation (botocore refuses it before
sending).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import model_values
import pytest

NAMESPACES = ("chime-sdk-voice", "chime")
POOL = ["+19135550101", "+19135550102", "+19135550103"]
NOT_MATCHING = ("!", "   ", "a!b")  # the first one a pattern rejects is used


@dataclass(frozen=True)
class Context:
    """Ids of real resources, so that an unbroken request would reach the domain."""

    vc: str
    session: str
    order: str
    number: str


# request members that name a resource: the context's real ids go there
IDS = {"VoiceConnectorId": "vc", "ProxySessionId": "session", "PhoneNumberOrderId": "order", "PhoneNumberId": "number"}


def operations(namespace: str) -> list[str]:
    """The operations checked: every one the registry emulates in ``namespace`` (as its snapshot routes them)
    that the installed model has, so a newly registered operation is checked without being listed here."""
    from pytest_chime_proxy.core.wire import spec

    model = _service_model(namespace)
    known = set(model.operation_names) if model is not None else set()
    return sorted(op.name for op in spec.load(namespace).operations.values() if op.emulated and op.name in known)


def baseline(namespace: str, operation: str, ctx: Context) -> dict[str, Any]:
    """A request to ``operation`` with every member set to a valid value generated from the input shape of the
    fake's snapshot (an older installed model may lack a pattern the snapshot has: its values could break it),
    and the context's ids where a member names a resource."""
    import json
    from pathlib import Path

    import pytest_chime_proxy

    snapshot = Path(pytest_chime_proxy.__file__).parent / "core" / "wire" / "specs" / f"{namespace}.json"
    raw = json.loads(snapshot.read_text())
    shape = raw["operations"][operation].get("input")
    params: dict[str, Any] = model_values.example(raw, shape) if shape else {}
    model = _service_model(namespace)
    if model is not None:  # only what the installed model can send (an older model lacks newer members)
        params = _known(params, model.operation_model(operation).input_shape)
    for member, attribute in IDS.items():
        if member in params:
            params[member] = getattr(ctx, attribute)
    return params


# ---- generating one violation per constraint, from botocore's model ---------------------------------------
@dataclass(frozen=True)
class Violation:
    """One broken constraint: where (member path and AWS field name), what is sent, and the rule expected."""

    path: tuple[Any, ...]  # keys and list indexes into the request
    field: str
    value: Any
    rule: str
    kind: str
    constraints: tuple[Any, ...] = ()  # the installed model's (min, max, pattern, enum) at ``path``


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _sample(shape: Any) -> Any:
    """A valid value of a shape, for list items and structure members."""
    if shape.type_name == "structure":
        return {name: _sample(member) for name, member in shape.members.items()}
    if shape.type_name == "list":
        return [_sample(shape.member)] * max(1, shape.metadata.get("min", 1))
    if shape.type_name in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if shape.type_name == "boolean":
        return True
    if getattr(shape, "enum", None):
        return shape.enum[0]
    return "a"


def _constraints(meta: dict[str, Any], enum: Any) -> tuple[Any, ...]:
    return meta.get("min"), meta.get("max"), meta.get("pattern"), tuple(enum or ())


def _violations(shape: Any, path: tuple[Any, ...], field: str, valid: Any, uri: bool) -> Iterator[Violation]:
    """One violation per constraint of ``shape`` and of the shapes inside it."""
    meta = shape.metadata
    kind = shape.type_name
    c = _constraints(meta, getattr(shape, "enum", None))
    if kind == "string":
        pattern = meta.get("pattern")
        if getattr(shape, "enum", None):
            yield Violation(path, field, "NotAnEnumValue", "Member must satisfy enum value set", "enum", c)
        if pattern:
            low, high = meta.get("min", 0), meta.get("max", 1 << 16)
            fitting = (*NOT_MATCHING, "!" * max(low, 1))  # a length the other constraints accept: one broken
            bad = next(v for v in fitting if not model_values.search(pattern, v) and low <= len(v) <= high)
            yield Violation(
                path, field, bad, f"Member must satisfy regular expression pattern: {pattern}", "pattern", c
            )
        if "max" in meta:
            yield Violation(
                path,
                field,
                "a" * (meta["max"] + 1),
                f"Member must have length less than or equal to {meta['max']}",
                "max-length",
                c,
            )
        if meta.get("min", 0) >= 1 and not uri:
            yield Violation(
                path, field, "", f"Member must have length greater than or equal to {meta['min']}", "min-length", c
            )
    elif kind in ("integer", "long"):
        if "max" in meta:
            yield Violation(
                path,
                field,
                meta["max"] + 1,
                f"Member must have value less than or equal to {meta['max']}",
                "max-value",
                c,
            )
        if "min" in meta:
            yield Violation(
                path,
                field,
                meta["min"] - 1,
                f"Member must have value greater than or equal to {meta['min']}",
                "min-value",
                c,
            )
    elif kind == "list":
        items = list(valid) if valid else [_sample(shape.member)]
        if "max" in meta:
            yield Violation(
                path,
                field,
                [items[0]] * (meta["max"] + 1),
                f"Member must have length less than or equal to {meta['max']}",
                "max-items",
                c,
            )
        if meta.get("min", 0) >= 1:
            yield Violation(
                path,
                field,
                items[: meta["min"] - 1],
                f"Member must have length greater than or equal to {meta['min']}",
                "min-items",
                c,
            )
        yield from _violations(shape.member, (*path, 0), f"{field}.1.member", items[0], False)
    elif kind == "structure":
        for name, member in shape.members.items():
            yield from _violations(
                member, (*path, name), f"{field}.{_lower_camel(name)}", (valid or {}).get(name), False
            )


def _snapshot_constraints(namespace: str, operation: str, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The constraints the fake's model snapshot has at ``path`` (None where it has no such member).

    Used only to tell which model a case follows: the fake carries one snapshot per namespace (the newest
    chime-sdk-voice model), so an older botocore's model can disagree with it.
    """
    from pytest_chime_proxy.core.wire import spec

    snapshot = spec.load(namespace)
    shape = snapshot.shape(snapshot.operations[operation].input or "")
    for step in path:
        if isinstance(step, int):
            shape = snapshot.shape(shape["member"]["shape"])
        elif step in shape.get("members", {}):
            shape = snapshot.shape(shape["members"][step]["shape"])
        else:
            return None
    return _constraints(shape, shape.get("enum"))


def _known(value: Any, shape: Any) -> Any:
    """``value`` with the members ``shape`` (an installed botocore shape) does not have left out, at any depth."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: _known(v, shape.members[k]) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list" and isinstance(value, list):
        return [_known(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _known(v, shape.value) for k, v in value.items()}
    return value


def _service_model(namespace: str) -> Any:
    import botocore.session

    try:
        return botocore.session.get_session().get_service_model(namespace)
    except Exception:
        return None


def _cases() -> Iterator[Any]:
    dummy = Context("abcdef1ghij2klmno3pqr4", "s", "00000000-0000-4000-8000-000000000000", POOL[0])
    for namespace in NAMESPACES:
        model = _service_model(namespace)
        missing = model is None or "CreateProxySession" not in model.operation_names
        if missing:
            yield pytest.param(
                namespace,
                None,
                None,
                id=f"{namespace}-not-in-this-botocore",
                marks=pytest.mark.skip(
                    reason=f"this botocore has no {namespace} proxy operations (legacy chime needs botocore<=1.37.1)"
                ),
            )
            continue
        for operation in operations(namespace):
            shape = model.operation_model(operation).input_shape
            if shape is None:
                continue
            valid = baseline(namespace, operation, dummy)
            for name, member in shape.members.items():
                uri = member.serialization.get("location") == "uri"
                field = member.serialization.get("name") if uri else _lower_camel(name)
                for v in _violations(member, (name,), field, valid.get(name), uri):
                    yield pytest.param(namespace, operation, v, id=f"{namespace}-{operation}-{v.field}-{v.kind}")


def _set(request: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = request
    for step in path[:-1]:
        if isinstance(step, int):
            target = target[step]
        else:
            target = target.setdefault(step, {})
    target[path[-1]] = value


def _request(model: Any, operation: str, ctx: Context) -> dict[str, Any]:
    return copy.deepcopy(baseline(model.service_name, operation, ctx))


# ---- fixtures ----------------------------------------------------------------------------------------------
@pytest.fixture
def raw_client(chime_proxy: Any) -> Callable[[str], Any]:
    """A boto3 client of a namespace that sends whatever it is given (no client-side validation)."""
    import boto3
    from botocore.config import Config

    def make(namespace: str) -> Any:
        return boto3.client(namespace, region_name="us-east-1", config=Config(parameter_validation=False))

    return make


@pytest.fixture
def ctx(chime_proxy: Any) -> Context:
    import boto3

    vc = chime_proxy.create_voice_connector(POOL[:2])
    chime_proxy.order_phone_numbers([POOL[2]])
    client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    session = client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]
    )["ProxySession"]["ProxySessionId"]
    order = client.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=["+19135550160"])
    return Context(vc, session, order["PhoneNumberOrder"]["PhoneNumberOrderId"], POOL[0])


# ---- the tests ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("namespace", "operation", "violation"), list(_cases()))
def test_every_constraint_is_enforced(
    chime_proxy: Any, raw_client: Any, ctx: Context, namespace: str, operation: str, violation: Violation
) -> None:
    followed = _snapshot_constraints(namespace, operation, violation.path)
    if followed != violation.constraints:
        import botocore

        pytest.skip(
            f"botocore {botocore.__version__}'s {namespace} model has {violation.constraints} at "
            f"{violation.field}; the fake follows the newer model's {followed}"
        )
    client = raw_client(namespace)
    request = _request(client.meta.service_model, operation, ctx)
    _set(request, violation.path, violation.value)
    state = copy.deepcopy(chime_proxy.backend.accounts)
    method = getattr(client, {v: k for k, v in client.meta.method_to_api_mapping.items()}[operation])
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        method(**request)
    error = excinfo.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = error["Error"]["Message"]
    assert re.match(r"^\d+ validation errors? detected: ", message), message
    assert f"at '{violation.field}' failed to satisfy constraint: {violation.rule}" in message, message
    assert chime_proxy.calls[-1].operation == operation  # it reached the fake, which rejected it
    assert chime_proxy.backend.accounts == state  # a rejected request changes nothing


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_baselines_are_valid(chime_proxy: Any, raw_client: Any, ctx: Context, namespace: str) -> None:
    """Each baseline passes validation, so each 400 above comes from the one broken constraint."""
    model = _service_model(namespace)
    if model is None or "CreateProxySession" not in model.operation_names:
        pytest.skip(f"this botocore has no {namespace} proxy operations")
    client = raw_client(namespace)
    names = {v: k for k, v in client.meta.method_to_api_mapping.items()}
    for operation in operations(namespace):
        try:
            getattr(client, names[operation])(**_request(model, operation, ctx))
        except client.exceptions.ClientError as error:
            assert "validation error" not in error.response["Error"]["Message"], (operation, error)


def test_several_violations_are_all_named(raw_client: Any, ctx: Context) -> None:
    client = raw_client("chime-sdk-voice")
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        client.create_proxy_session(
            VoiceConnectorId=ctx.vc,
            ParticipantPhoneNumbers=["+14015550101", "+1206555"],
            Capabilities=["Voice", "Fax"],
            NumberSelectionBehavior="Sticky",
        )
    message = excinfo.value.response["Error"]["Message"]
    assert message.startswith("2 validation errors detected: ")
    assert (
        "Value 'Fax' at 'capabilities.2.member' failed to satisfy constraint: Member must satisfy enum value set: "
        "[Voice, SMS]" in message
    )
    assert "at 'numberSelectionBehavior' failed to satisfy constraint" in message


def test_a_missing_required_member_is_named(raw_client: Any, ctx: Context) -> None:
    client = raw_client("chime-sdk-voice")
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        client.create_proxy_session(VoiceConnectorId=ctx.vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"])
    assert (
        "Value null at 'capabilities' failed to satisfy constraint: Member must not be null"
        in excinfo.value.response["Error"]["Message"]
    )


def test_a_wrongly_typed_member_is_a_bad_request(raw_client: Any, ctx: Context) -> None:
    client = raw_client("chime-sdk-voice")
    with pytest.raises(client.exceptions.BadRequestException, match="'expiryMinutes'"):
        client.create_proxy_session(
            VoiceConnectorId=ctx.vc,
            ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
            Capabilities=["Voice"],
            ExpiryMinutes="ten",
        )


def test_sensitive_values_are_not_echoed(raw_client: Any, ctx: Context) -> None:
    client = raw_client("chime-sdk-voice")
    with pytest.raises(client.exceptions.BadRequestException) as excinfo:
        client.create_proxy_session(
            VoiceConnectorId=ctx.vc,
            ParticipantPhoneNumbers=["+14015550101", "secret-555"],
            Capabilities=["Voice"],
            Name="private name!",
        )
    message = excinfo.value.response["Error"]["Message"]
    assert "participantPhoneNumbers.2.member" in message and "'name'" in message
    assert "secret-555" not in message and "private name!" not in message


def test_a_body_that_is_not_json_is_a_bad_request(chime_proxy: Any, ctx: Context) -> None:
    from pytest_chime_proxy.core.wire.protocol import WireRequest

    answer = chime_proxy.dispatch(
        WireRequest(
            "POST",
            f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{ctx.vc}/proxy-sessions",
            {"Content-Type": "application/json"},
            b"{not json",
        )
    )
    assert answer is not None and answer.status == 400
    assert answer.headers["x-amzn-ErrorType"] == "BadRequestException"


def test_voice_connector_id_rules_differ_per_namespace(client: Any, namespace: str) -> None:
    """chime-sdk-voice ids must look like ids (400 otherwise); legacy ids need only a non-blank character."""
    odd_id = "Not-An-Id"
    if namespace == "chime-sdk-voice":
        with pytest.raises(client.exceptions.BadRequestException, match="'voiceConnectorId'"):
            client.get_voice_connector_proxy(VoiceConnectorId=odd_id)
    else:
        with pytest.raises(client.exceptions.NotFoundException, match=odd_id):
            client.get_voice_connector_proxy(VoiceConnectorId=odd_id)


def test_the_generator_covers_patterns_enums_lengths_and_ranges_in_both_namespaces() -> None:
    """Guard against an empty or lopsided parametrization: each kind of constraint is exercised."""
    kinds: dict[str, set[str]] = {}
    for case in _cases():
        namespace, _, violation = case.values
        if violation is not None:
            kinds.setdefault(namespace, set()).add(violation.kind)
    assert {"pattern", "enum", "max-length", "min-length", "max-value", "min-value", "max-items", "min-items"} <= kinds[
        "chime-sdk-voice"
    ]
    if "chime" in kinds:
        assert {"pattern", "enum", "max-length", "max-value", "min-value", "max-items", "min-items"} <= kinds["chime"]


# ---- integers: the models' ``integer`` is 32-bit (Smithy), so larger JSON numbers are refused ----------------
@pytest.mark.parametrize(
    ("operation", "member", "field"),
    [
        ("create_proxy_session", "ExpiryMinutes", "expiryMinutes"),
        ("put_voice_connector_proxy", "DefaultSessionExpiryMinutes", "defaultSessionExpiryMinutes"),
    ],
)
@pytest.mark.parametrize("value", [2**31, 10**20])
def test_integers_beyond_32_bits_are_a_bad_request(
    chime_proxy: Any, chime_sdk_voice: Any, ctx: Context, operation: str, member: str, field: str, value: int
) -> None:
    """Assumption (no source gives the service's words): an out-of-range integer is reported like a maximum;
    for these two members the service's own limit (720 minutes) is the maximum named."""
    request = {
        "VoiceConnectorId": ctx.vc,
        member: value,
        **{
            "create_proxy_session": {
                "ParticipantPhoneNumbers": ["+14015550102", "+12065550102"],
                "Capabilities": ["Voice"],
            },
            "put_voice_connector_proxy": {"PhoneNumberPoolCountries": ["US"]},
        }[operation],
    }
    state = copy.deepcopy(chime_proxy.backend.accounts)
    with pytest.raises(chime_sdk_voice.exceptions.BadRequestException) as excinfo:
        getattr(chime_sdk_voice, operation)(**request)
    assert (
        f"at '{field}' failed to satisfy constraint: Member must have value less than or equal to 720"
        in excinfo.value.response["Error"]["Message"]
    )
    assert chime_proxy.backend.accounts == state
    assert len(chime_sdk_voice.list_proxy_sessions(VoiceConnectorId=ctx.vc)["ProxySessions"]) == 1


def test_the_largest_expiry_never_breaks_the_fake(chime_proxy: Any, chime_sdk_voice: Any, ctx: Context) -> None:
    chime_proxy.clock.set("9998-12-31T23:00:00Z")  # an hour before the end of the clock's range
    session = chime_sdk_voice.create_proxy_session(
        VoiceConnectorId=ctx.vc,
        ParticipantPhoneNumbers=["+14015550103", "+12065550103"],
        Capabilities=["Voice"],
        ExpiryMinutes=720,
    )["ProxySession"]
    chime_proxy.clock.advance(minutes=59)
    got = chime_sdk_voice.get_proxy_session(VoiceConnectorId=ctx.vc, ProxySessionId=session["ProxySessionId"])
    assert got["ProxySession"]["Status"] == "Open"
    assert len(chime_sdk_voice.list_proxy_sessions(VoiceConnectorId=ctx.vc)["ProxySessions"]) == 2
