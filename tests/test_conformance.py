"""Conformance: the fake against the botocore service models installed, operation by operation.

The service model each namespace ships with botocore is the ground truth. For every emulated operation this
module checks, first statically and then through live requests:

- the snapshot in ``wire/specs`` is the installed model (routes, status codes, every input constraint,
  every output member), so a constraint added to the model that the snapshot lacks fails here;
- the fake routes each operation's wire request (built by botocore's own rest-json serializer) to that
  operation, and every other operation of the namespace to a loud "not emulated" answer;
- each input constraint (required, min/max, length, pattern, enum, type) is enforced: a request that breaks
  exactly one of them gets 400 BadRequestException naming the member, through the raw wire and, where the
  installed botocore has the operation, through a real client;
- a successful call answers with the model's status code and with exactly the model's output members.

Which model is "the reference" for live checks: the installed one when it is not older than the snapshot
(then the static test has proved them equal), else the snapshot (an older botocore's model is not what the
service does today; e.g. botocore 1.37.1's chime-sdk-voice model still types voice connector ids as any
1..128 characters). Assumption where the models are silent: a URI label cannot be empty on the wire, so
"required" and "min length" of path members are left to botocore's client-side validation.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import botocore
import botocore.session
import model_values
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from botocore.model import ServiceModel
from botocore.serialize import create_serializer
from model_values import example, example_string

import pytest_chime_proxy
from pytest_chime_proxy.core import pipeline
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.fake import FakeChime
from pytest_chime_proxy.core.wire import routing
from pytest_chime_proxy.core.wire.protocol import WireRequest, split

SPECS = Path(pytest_chime_proxy.__file__).parent / "core" / "wire" / "specs"
NAMESPACES = ("chime-sdk-voice", "chime")
HOSTS = {
    "chime-sdk-voice": "https://voice-chime.us-east-1.amazonaws.com",
    "chime": "https://service.chime.aws.amazon.com",
}
CONSTRAINT_KEYS = ("type", "min", "max", "pattern", "enum")


# ---- the models -----------------------------------------------------------------------------------------
def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


@cache
def snapshot(namespace: str) -> dict[str, Any]:
    """The trimmed model the fake is driven by."""
    return json.loads((SPECS / f"{namespace}.json").read_text())


@cache
def installed(namespace: str) -> dict[str, Any] | None:
    """The installed botocore's model of ``namespace`` as shipped (None when botocore has no such service)."""
    try:
        return botocore.session.get_session().get_service_data(namespace)
    except botocore.exceptions.UnknownServiceError:
        return None


def emulated(namespace: str) -> list[str]:
    return sorted(snapshot(namespace)["operations"])


def installed_is_reference(namespace: str) -> bool:
    """Whether the installed model is at least as new as the snapshot (else the snapshot is the reference)."""
    return _version(botocore.__version__) >= _version(snapshot(namespace)["botocore"])


def _operation(model: dict[str, Any], name: str) -> dict[str, Any]:
    """An operation in botocore's form (``input: {"shape": X}``), whether from botocore or a snapshot."""
    op = model["operations"][name]
    out = {"name": name, "http": dict(op["http"]), "errors": op.get("errors", [])}
    for key in ("input", "output"):
        value = op.get(key)
        if isinstance(value, str):
            value = {"shape": value}
        if value:
            out[key] = value
    out["errors"] = [e if isinstance(e, dict) else {"shape": e} for e in out["errors"]]
    out["http"].setdefault("responseCode", 200)
    return out


def example_input(model: dict[str, Any], operation: str) -> dict[str, Any]:
    """Valid input for ``operation`` generated from its input shape (none for an operation without input)."""
    op = _operation(model, operation)
    return example(model, op["input"]["shape"]) if "input" in op else {}


def reference(namespace: str, operation: str) -> dict[str, Any]:
    """The model that live checks of ``operation`` follow (see the module docstring)."""
    live = installed(namespace)
    if live is not None and operation in live["operations"] and installed_is_reference(namespace):
        return live
    return snapshot(namespace)


def service_model(namespace: str, model: dict[str, Any]) -> ServiceModel:
    """A botocore ServiceModel of ``model`` (a snapshot becomes a full model botocore can serialize with)."""
    if model is installed(namespace):
        return botocore.session.get_session().get_service_model(namespace)
    description = {
        "metadata": {
            **model["metadata"],
            "protocol": "rest-json",
            "serviceId": namespace,
            "signatureVersion": "v4",
            "jsonVersion": "1.1",
        },
        "operations": {name: _operation(model, name) for name in model["operations"]},
        "shapes": model["shapes"],
    }
    return ServiceModel(description, namespace)


# ---- flattening a model into comparable tables ------------------------------------------------------------
def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def input_table(model: dict[str, Any], operation: str) -> dict[str, dict[str, Any]]:
    """Every input member path of ``operation`` with its constraints, location and requiredness."""
    shapes = model["shapes"]
    table: dict[str, dict[str, Any]] = {}

    def walk(shape_name: str, path: str, seen: tuple[str, ...]) -> None:
        shape = shapes[shape_name]
        entry = table.setdefault(path, {})
        entry.update({k: shape[k] for k in CONSTRAINT_KEYS if k in shape})
        if shape_name in seen:
            return
        if shape["type"] == "structure":
            for member, ref in shape.get("members", {}).items():
                child = f"{path}.{_camel(member)}" if path else _camel(member)
                walk(ref["shape"], child, (*seen, shape_name))
                table[child].update({k: ref[k] for k in ("location", "locationName") if k in ref})
                table[child]["required"] = member in shape.get("required", ())
        elif shape["type"] == "list":
            walk(shape["member"]["shape"], f"{path}.member", (*seen, shape_name))

    op = _operation(model, operation)
    if "input" in op:
        walk(op["input"]["shape"], "", ())
    table.pop("", None)
    return table


def output_table(model: dict[str, Any], operation: str) -> dict[str, list[str]]:
    """For every structure in ``operation``'s output, by path, its member names."""
    shapes = model["shapes"]
    table: dict[str, list[str]] = {}

    def walk(shape_name: str, path: str) -> None:
        shape = shapes[shape_name]
        if shape["type"] == "structure":
            table[path] = sorted(shape.get("members", {}))
            for member, ref in shape.get("members", {}).items():
                walk(ref["shape"], f"{path}.{member}")
        elif shape["type"] == "list":
            walk(shape["member"]["shape"], f"{path}[]")

    op = _operation(model, operation)
    if "output" in op:
        walk(op["output"]["shape"], "")
    return table


def route_of(model: dict[str, Any], operation: str) -> tuple[str, str, int]:
    http = _operation(model, operation)["http"]
    return http["method"], http["requestUri"], http["responseCode"]


# Members whose requiredness the chime-sdk-voice model changed after botocore 1.37.1 (checked against 1.44.8): an
# older model differs there by evolution, not drift. The fake follows the newer model.
EVOLVED = {
    ("CreateSipRule", "targetApplications"),
    ("CreateVoiceConnectorGroup", "voiceConnectorItems.member.priority"),
    ("UpdateVoiceConnectorGroup", "voiceConnectorItems.member.priority"),
    ("UpdateGlobalSettings", "voiceConnector"),
}


def drift(current: dict[str, Any], snap: dict[str, Any], operations: list[str], strict: bool) -> list[str]:
    """Differences between an installed model and the snapshot, for ``operations`` present in both.

    ``strict`` (installed not older than the snapshot): routes, status codes, every input constraint and
    every output member must be equal. Otherwise (an older botocore): routes and status codes equal, and
    the old model's members all known to the snapshot, with the same requiredness.
    """
    problems: list[str] = []
    for name in operations:
        if name not in current["operations"]:
            continue
        if route_of(current, name) != route_of(snap, name):
            problems.append(f"{name}: route {route_of(current, name)} != snapshot {route_of(snap, name)}")
        got_in, want_in = input_table(current, name), input_table(snap, name)
        got_out, want_out = output_table(current, name), output_table(snap, name)
        if strict:
            for path in sorted(set(got_in) | set(want_in)):
                if got_in.get(path) != want_in.get(path):
                    problems.append(f"{name}: input {path}: model {got_in.get(path)} != snapshot {want_in.get(path)}")
            for path in sorted(set(got_out) | set(want_out)):
                if got_out.get(path) != want_out.get(path):
                    problems.append(
                        f"{name}: output {path or '<top>'}: model {got_out.get(path)} != snapshot {want_out.get(path)}"
                    )
        else:
            for path, entry in got_in.items():
                if path not in want_in:
                    problems.append(f"{name}: input {path} unknown to the snapshot")
                elif entry.get("required") != want_in[path].get("required") and (name, path) not in EVOLVED:
                    problems.append(f"{name}: input {path} requiredness differs")
            for path, members in got_out.items():
                missing = set(members) - set(want_out.get(path, ()))
                if missing:
                    problems.append(f"{name}: output {path or '<top>'} lacks {sorted(missing)} in the snapshot")
    return problems


# ---- values: valid ones from the model, and ones that break one constraint ---------------------------------
BAD_STRINGS = ("", " ", "!", "UPPER lower", "-", "+0", "x" * 40, "é", "a\tb")


@dataclass(frozen=True)
class Violation:
    """One input of ``operation`` that breaks exactly one constraint, at ``path``."""

    namespace: str
    operation: str
    path: str  # AWS style: participantPhoneNumbers.1.member
    constraint: str  # required | min | max | pattern | enum | type
    params: dict[str, Any]
    body_patch: Callable[[dict[str, Any]], None] | None = None  # a wrong JSON type, applied after serializing

    @property
    def id(self) -> str:
        return f"{self.namespace}:{self.operation}:{self.path}:{self.constraint}"


def _get_parent(params: dict[str, Any], keys: list[Any]) -> Any:
    node: Any = params
    for key in keys[:-1]:
        node = node[key]
    return node


def violations(namespace: str, operation: str, model: dict[str, Any] | None = None) -> Iterator[Violation]:
    """Every single-constraint violation of ``operation``'s input (by ``model``, else the reference) that can
    be sent on the wire."""
    model = model if model is not None else reference(namespace, operation)
    op = _operation(model, operation)
    if "input" not in op:
        return
    shapes = model["shapes"]
    base = example(model, op["input"]["shape"])

    def walk(shape_name: str, keys: list[Any], path: str, location: str | None) -> Iterator[Violation]:
        shape = shapes[shape_name]
        kind = shape["type"]

        def broken(constraint: str, value: Any, note: str = "") -> Violation:
            params = copy.deepcopy(base)
            _get_parent(params, keys)[keys[-1]] = value
            return Violation(namespace, operation, path, constraint + note, params)

        if kind == "string" and "enum" in shape:
            yield broken("enum", "NotAnEnumValue")
        elif kind == "string":
            low, high = shape.get("min"), shape.get("max")
            pattern = shape.get("pattern")
            if low and not (location == "uri" and low == 1):
                yield broken("min", "a" * (low - 1))
            if high is not None:
                filler = example_string({k: v for k, v in shape.items() if k != "max"})[:1] or "a"
                yield broken("max", filler * (high + 1))
            if pattern:
                fits = [
                    s
                    for s in BAD_STRINGS
                    if not model_values.search(pattern, s)
                    and (low or 0) <= len(s) <= (high if high is not None else len(s))
                    and not (location == "uri" and not s.strip("\t"))
                ]
                if fits:
                    yield broken("pattern", fits[0])
        elif kind in ("integer", "long"):
            if "min" in shape:
                yield broken("min", shape["min"] - 1)
            if "max" in shape:
                yield broken("max", shape["max"] + 1)
        elif kind == "list":
            item = example(model, shape["member"]["shape"])
            if shape.get("min", 0) > 0:
                yield broken("min", [item] * (shape["min"] - 1))
            if "max" in shape:
                yield broken("max", [item] * (shape["max"] + 1))
            yield from walk(shape["member"]["shape"], [*keys, 0], f"{path}.1.member", None)
        elif kind == "structure":
            for member, ref in shape.get("members", {}).items():
                child = f"{path}.{_camel(member)}" if path else _camel(member)
                if ref.get("location") == "uri":  # the service names a URI member by its label (README)
                    child = ref.get("locationName", member)
                ref_location = ref.get("location")
                if member in shape.get("required", ()) and ref_location != "uri":
                    params = copy.deepcopy(base)
                    del _get_parent(params, [*keys, member])[member]
                    yield Violation(namespace, operation, child, "required", params)
                yield from walk(ref["shape"], [*keys, member], child, ref_location)
                if ref_location is None and keys == []:  # a top-level body member: send the wrong JSON type
                    wrong = {
                        "string": 5,
                        "integer": "five",  # "5" is read as 5, as the service reads it
                        "long": "five",
                        "boolean": "yes",  # "true" is read as true
                        "list": "x",
                        "structure": "x",
                    }.get(shapes[ref["shape"]]["type"])
                    if wrong is not None:
                        yield Violation(
                            namespace,
                            operation,
                            child,
                            "type",
                            copy.deepcopy(base),
                            body_patch=lambda body, m=member, w=wrong: body.__setitem__(m, w),
                        )
                if ref_location == "querystring" and shapes[ref["shape"]]["type"] in ("integer", "long"):
                    yield broken_query(member, child)

    def broken_query(member: str, path: str) -> Violation:
        params = copy.deepcopy(base)
        params[member] = "ten"  # botocore's serializer writes it as is: not an integer on the wire
        return Violation(namespace, operation, path, "type", params)

    yield from walk(op["input"]["shape"], [], "", None)


def wire_request(
    namespace: str,
    model: dict[str, Any],
    operation: str,
    params: dict[str, Any],
    body_patch: Callable[[dict[str, Any]], None] | None = None,
) -> WireRequest:
    """The HTTP request botocore's rest-json serializer writes for ``params`` (no client-side validation)."""
    op_model = service_model(namespace, model).operation_model(operation)
    serialized = create_serializer("rest-json", include_validation=False).serialize_to_request(params, op_model)
    body = serialized["body"] or b""
    if isinstance(body, str):
        body = body.encode()
    if body_patch is not None:
        decoded = json.loads(body)
        body_patch(decoded)
        body = json.dumps(decoded).encode()
    query = urlencode(serialized["query_string"], doseq=True) if serialized["query_string"] else ""
    path = serialized["url_path"]  # may hold the route's own query literal (?operation=put), as botocore joins it
    url = HOSTS[namespace] + path + (f"{'&' if '?' in path else '?'}{query}" if query else "")
    return WireRequest(serialized["method"], url, dict(serialized["headers"]), body)


def all_violations() -> list[Violation]:
    return [v for ns in NAMESPACES for op in emulated(ns) for v in violations(ns, op)]


VIOLATIONS = all_violations()
KEYWORD = {
    "required": "must not be null",
    "min": "greater than or equal",
    "max": "less than or equal",
    "pattern": "regular expression pattern",
    "enum": "enum value set",
    "type": "failed to satisfy constraint",
}


def _assert_rejected(status: int, error_type: str | None, message: str, violation: Violation) -> None:
    assert status == 400 and error_type == "BadRequestException", (violation.id, status, error_type, message)
    assert f"at '{violation.path}'" in message, (violation.id, message)
    assert KEYWORD[violation.constraint] in message, (violation.id, message)


# ---- static: the snapshot is the model ----------------------------------------------------------------------
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_snapshot_matches_the_installed_model(namespace: str) -> None:
    current = installed(namespace)
    if current is None:
        pytest.skip(f"botocore {botocore.__version__} has no {namespace} model")
    present = [op for op in emulated(namespace) if op in current["operations"]]
    if not present:
        pytest.skip(f"botocore {botocore.__version__}'s {namespace} model has none of the emulated operations")
    problems = drift(current, snapshot(namespace), present, strict=installed_is_reference(namespace))
    assert not problems, (
        f"botocore {botocore.__version__}'s {namespace} model differs from wire/specs/{namespace}.json "
        f"(snapshot of botocore {snapshot(namespace)['botocore']}); regenerate it with tools/snapshot_spec.py "
        "and make the fake follow:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_installed_operation_is_known_to_the_snapshot(namespace: str) -> None:
    """An operation new to the model must at least be routed (to a loud 'not emulated')."""
    current = installed(namespace)
    if current is None or not installed_is_reference(namespace):
        pytest.skip("only a model at least as new as the snapshot can add operations")
    snap = snapshot(namespace)
    known = set(snap["operations"]) | set(snap["other_operations"])
    assert sorted(set(current["operations"]) - known) == []


def test_a_constraint_added_to_the_model_fails_the_comparison() -> None:
    """The drift check is not vacuous: add a constraint to a copy of the model and it is reported."""
    model = copy.deepcopy(snapshot("chime-sdk-voice"))
    model["shapes"]["ProxySessionNameString"]["max"] = 10
    model["shapes"]["Capability"]["enum"] = ["Voice", "SMS", "MMS"]
    model["shapes"]["CreateProxySessionRequest"]["required"].append("Name")
    model["shapes"]["ProxySession"]["members"]["Brand"] = {"shape": "String128"}
    problems = drift(model, snapshot("chime-sdk-voice"), ["CreateProxySession"], strict=True)
    text = "\n".join(problems)
    assert "input name:" in text and "'max': 10" in text
    assert "input capabilities.member:" in text and "MMS" in text
    assert "'required': True" in text
    assert "Brand" in text


def test_a_constraint_the_fake_does_not_follow_fails_the_live_check() -> None:
    """The live check is driven by the model: give the model a maximum the fake does not know, and the very
    check the suite runs on every constraint fails for it."""
    model = copy.deepcopy(snapshot("chime-sdk-voice"))
    model["shapes"]["ProxySessionNameString"]["max"] = 3
    new = [
        v
        for v in violations("chime-sdk-voice", "CreateProxySession", model)
        if v.path == "name" and v.constraint == "max"
    ]
    assert len(new) == 1
    with pytest.raises(AssertionError):
        check_enforced(new[0], model)


# ---- live: routing ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("namespace", "operation"), [(ns, op) for ns in NAMESPACES for op in emulated(ns)])
def test_each_emulated_operation_is_routed_to_itself(namespace: str, operation: str) -> None:
    model = reference(namespace, operation)
    request = wire_request(namespace, model, operation, example_input(model, operation))
    host, path, query = split(request.url)
    endpoint = routing.resolve_host(host)
    assert endpoint is not None and endpoint.namespace == namespace
    found = routing.route(namespace, request.method, path, query)
    assert found is not None and found[0].name == operation


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_other_operation_is_answered_as_not_emulated(namespace: str) -> None:
    """No request of a non-emulated operation reaches an emulated one; it gets a loud 501 naming itself."""
    others = snapshot(namespace)["other_operations"]
    if not others:
        pytest.skip(f"every {namespace} operation is emulated")
    fake = FakeChime()
    for name, http in others.items():
        path, _, literal = http["requestUri"].partition("?")
        path = re.sub(r"\{\w+\+?\}", "x1", path)
        exchange = pipeline.handle(
            fake, WireRequest(http["method"], HOSTS[namespace] + path + (f"?{literal}" if literal else ""), {}, b"{}")
        )
        assert exchange is not None and exchange.operation in (None, name), (name, exchange and exchange.operation)
        assert exchange.status == 501 and exchange.error_code == "NotImplementedException"
        assert f"operation {name} " in exchange.response.json()["Message"], (name, exchange.response.json())


# ---- live: every input constraint enforced ------------------------------------------------------------------
def test_the_violation_list_covers_every_constraint_kind() -> None:
    kinds = {(v.namespace, v.constraint) for v in VIOLATIONS}
    for ns in NAMESPACES:
        assert {(ns, k) for k in ("required", "min", "max", "pattern", "enum", "type")} <= kinds


@pytest.mark.parametrize("violation", VIOLATIONS, ids=lambda v: v.id)
def test_each_constraint_is_enforced_on_the_wire(violation: Violation) -> None:
    check_enforced(violation, reference(violation.namespace, violation.operation))


def check_enforced(violation: Violation, model: dict[str, Any]) -> None:
    """The fake answers ``violation`` with a 400 naming the member and the rule, and keeps no state."""
    fake = FakeChime()
    request = wire_request(violation.namespace, model, violation.operation, violation.params, violation.body_patch)
    exchange = pipeline.handle(fake, request)
    assert exchange is not None and exchange.operation == violation.operation
    body = exchange.response.json()
    _assert_rejected(exchange.status, exchange.error_code, body["Message"], violation)
    assert fake.backend.accounts == {} or all(
        not a.voice_connectors and not a.phone_numbers for a in fake.backend.accounts.values()
    ), "a rejected request changed state"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_the_unbroken_examples_pass_validation(namespace: str) -> None:
    """The baseline each violation starts from is valid: whatever it gets, it is not a validation error."""
    fake = FakeChime()
    for operation in emulated(namespace):
        model = reference(namespace, operation)
        request = wire_request(namespace, model, operation, example_input(model, operation))
        exchange = pipeline.handle(fake, request)
        assert exchange is not None and exchange.status < 500
        if exchange.status == 400:
            assert "validation error" not in exchange.response.json()["Message"], (operation, exchange.response.json())


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_each_constraint_is_enforced_through_a_real_client(namespace: str) -> None:
    """What botocore sends unchecked (patterns, enums, maxima) is rejected by the fake with a modeled error."""
    from pytest_chime_proxy import ChimeProxyMock

    if not installed_is_reference(namespace):
        pytest.skip(f"botocore {botocore.__version__}'s {namespace} model is older than the snapshot")
    current = installed(namespace)
    cases = [
        v
        for v in VIOLATIONS
        if v.namespace == namespace
        and v.body_patch is None
        and current is not None
        and v.operation in current["operations"]
        and v.constraint != "type"
    ]
    if not cases:
        pytest.skip(f"botocore {botocore.__version__} has no {namespace} client for the emulated operations")
    sent = 0
    with ChimeProxyMock():
        import boto3

        client = boto3.client(namespace, region_name="us-east-1")
        for violation in cases:
            method = getattr(client, botocore.xform_name(violation.operation))
            try:
                method(**violation.params)
            except ParamValidationError:
                continue  # botocore itself refuses it (required, minima): never sent
            except ClientError as error:
                sent += 1
                meta = error.response["ResponseMetadata"]
                _assert_rejected(
                    meta["HTTPStatusCode"],
                    error.response["Error"]["Code"],
                    error.response["Error"]["Message"],
                    violation,
                )
                assert isinstance(error, client.exceptions.BadRequestException)
            else:
                pytest.fail(f"{violation.id}: accepted {violation.params}")
    assert sent > 0


# ---- live: every operation of the models walked ---------------------------------------------------------------
WITHDRAWN: frozenset[str] = frozenset(
    {"GetSipMediaApplicationAlexaSkillConfiguration", "PutSipMediaApplicationAlexaSkillConfiguration"}
)
"""Operations the chime-sdk-voice model documents as no longer available: they answer 410 GoneException."""

LEGACY_MEETING_TAGS: frozenset[str] = frozenset({"TagResource", "UntagResource", "ListTagsForResource"})
"""Operations the legacy ``chime`` model documents for Amazon Chime SDK meeting resources only, which the fake
keeps none of (README): walked with a voice connector's ARN, they answer 400 BadRequestException saying so."""

NOT_YET_EMULATED: frozenset[str] = frozenset({})
"""The one list of the models' operations the fake does not answer yet (each answers 501), while the branches
of issue 19 land: remove an operation when its handler lands (the tests below fail until it is removed), and
the list is empty when the issue is done. Everything else the models hold is walked and checked."""


def model_operations(namespace: str) -> set[str]:
    """The operations in scope of ``namespace``: every chime-sdk-voice operation (the installed model's when it
    is the reference, else the snapshot's), and those of them the legacy ``chime`` model also has."""

    def every(ns: str) -> set[str]:
        live = installed(ns)
        if live is not None and installed_is_reference(ns):
            return set(live["operations"])
        snap = snapshot(ns)
        return set(snap["operations"]) | set(snap["other_operations"])

    voice = every("chime-sdk-voice")
    return voice if namespace == "chime-sdk-voice" else voice & every(namespace)


def _destructive(operation: str) -> bool:
    return operation.startswith(("Delete", "BatchDelete", "Disassociate", "Stop"))


class Walk:
    """Every operation of a namespace's model, called once over the raw wire.

    A short script builds what some operations need and cannot get from a generated request alone (numbers
    past their order delay, a proxy pool, a call with voice analytics on, a speaker search that has made its
    voice print); every other operation of the model is then called with input generated from its input
    shape, ids taken from earlier answers (a member ``...Id`` gets the last value an answer gave for that
    name); the script's clean-up (deletions) runs last. So an operation added to the registry is walked
    without anyone listing it, and one the generated input cannot satisfy fails here, naming itself.
    """

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.fake = FakeChime()
        self.seen: dict[str, tuple[int, Any]] = {}
        self.ids: dict[str, str] = {}
        self.reserved: set[str] = set()  # operations the script's clean-up calls
        self.failure: AssertionError | None = None

    def send(self, operation: str, params: dict[str, Any]) -> Any:
        """Call ``operation``; record its status and body; learn the ids it answers with."""
        model = reference(self.namespace, operation)
        exchange = pipeline.handle(self.fake, wire_request(self.namespace, model, operation, params))
        assert exchange is not None and exchange.operation == operation, (operation, exchange and exchange.operation)
        body = exchange.response.json()
        self.seen[operation] = (exchange.status, body)
        if exchange.status < 300:
            self._learn(body)
        return body

    def call(self, operation: str, **params: Any) -> Any:
        """A script step: it must succeed."""
        body = self.send(operation, params)
        status = self.seen[operation][0]
        assert status < 300, (operation, status, body)
        return body

    def _learn(self, value: Any) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                if key.endswith("Id") and isinstance(child, str):
                    self.ids[key] = child
                else:
                    self._learn(child)
        elif isinstance(value, list):
            for item in value:
                self._learn(item)

    def generated(self, operation: str) -> dict[str, Any]:
        """Input for ``operation`` from its input shape, with the ids learnt so far."""
        model = reference(self.namespace, operation)
        op = _operation(model, operation)
        if "input" not in op:
            return {}
        params = example(model, op["input"]["shape"])
        params.pop("NextToken", None)  # a page token comes from a previous page, never from the model
        return {name: self.ids.get(name, value) for name, value in params.items()}

    def run(self) -> None:
        teardown = self.build()
        pending = model_operations(self.namespace) - set(self.seen) - self.reserved
        for operation in sorted(pending, key=lambda o: (_destructive(o), o)):
            if operation in NOT_YET_EMULATED or operation not in emulated(self.namespace):
                continue  # answered by the test of the "not yet" list
            self.send(operation, self.generated(operation))
        teardown()

    def build(self) -> Callable[[], None]:
        """The script: what the generated requests cannot set up; returns the clean-up."""
        numbers = ["+19135550101", "+19135550102"]
        vc_id = self.call("CreateVoiceConnector", Name="conformance", RequireEncryption=True)["VoiceConnector"][
            "VoiceConnectorId"
        ]
        self.call("SearchAvailablePhoneNumbers", AreaCode="913", MaxResults=2)
        order = self.call("CreatePhoneNumberOrder", ProductType="VoiceConnector", E164PhoneNumbers=numbers)
        self.fake.backend.clock.advance(self.fake.backend.order_delay)  # orders are Processing for a while
        self.call("GetPhoneNumberOrder", PhoneNumberOrderId=order["PhoneNumberOrder"]["PhoneNumberOrderId"])
        self.call("AssociatePhoneNumbersWithVoiceConnector", VoiceConnectorId=vc_id, E164PhoneNumbers=numbers)
        self.call("ListPhoneNumbers", FilterName="VoiceConnectorId", FilterValue=vc_id)
        self.call("GetPhoneNumber", PhoneNumberId=numbers[0])
        self.call(
            "PutVoiceConnectorProxy",
            VoiceConnectorId=vc_id,
            DefaultSessionExpiryMinutes=60,
            PhoneNumberPoolCountries=["US"],
        )
        self.call(
            "CreateProxySession",
            VoiceConnectorId=vc_id,
            Capabilities=["Voice"],
            ParticipantPhoneNumbers=["+14015550101", "+12065550100"],
            Name="conformance",
            NumberSelectionBehavior="PreferSticky",
            GeoMatchLevel="Country",
            GeoMatchParams={"Country": "US", "AreaCode": "913"},
        )
        self.call(
            "PutVoiceConnectorTermination",
            VoiceConnectorId=vc_id,
            Termination={
                "CpsLimit": 2,
                "DefaultPhoneNumber": numbers[0],
                "CallingRegions": ["US"],
                "CidrAllowedList": ["10.0.0.0/24"],
                "Disabled": False,
            },
        )
        from pytest_chime_proxy.core.domain import connector_settings

        connector_settings.record_ping(self._scope(), vc_id, "10.0.0.1")  # what the SBC's SIP OPTIONS would do
        self.call(
            "PutVoiceConnectorEmergencyCallingConfiguration",
            VoiceConnectorId=vc_id,
            EmergencyCallingConfiguration={
                "DNIS": [
                    {"EmergencyPhoneNumber": "+14015550911", "TestPhoneNumber": "+14015550933", "CallingCountry": "US"}
                ]
            },
        )
        if "PutVoiceConnectorExternalSystemsConfiguration" in model_operations(self.namespace):
            self.call(
                "PutVoiceConnectorExternalSystemsConfiguration",
                VoiceConnectorId=vc_id,
                SessionBorderControllerTypes=["RIBBON_SBC"],
                ContactCenterSystemTypes=["GENESYS_ENGAGE_ON_PREMISES"],
            )
        self.call(
            "PutVoiceConnectorOrigination",
            VoiceConnectorId=vc_id,
            Origination={
                "Disabled": False,
                "Routes": [{"Host": "10.0.0.1", "Port": 5060, "Protocol": "TCP", "Priority": 1, "Weight": 1}],
            },
        )
        self.call(
            "PutVoiceConnectorTerminationCredentials",
            VoiceConnectorId=vc_id,
            Credentials=[{"Username": "sip-user", "Password": "sip-secret"}],
        )
        self.call(
            "PutVoiceConnectorStreamingConfiguration",
            VoiceConnectorId=vc_id,
            StreamingConfiguration={
                "DataRetentionInHours": 24,
                "Disabled": False,
                "StreamingNotificationTargets": [{"NotificationTarget": "EventBridge"}],
                **(
                    {"MediaInsightsConfiguration": {"Disabled": False, "ConfigurationArn": "arn:aws:chime:x"}}
                    if self.namespace == "chime-sdk-voice"
                    else {}
                ),
            },
        )
        # a spare number: one detail updated, deleted into the queue and restored from it; an address validated
        spare = "+19135550104"
        self.call("CreatePhoneNumberOrder", ProductType="VoiceConnector", E164PhoneNumbers=[spare])
        self.fake.backend.clock.advance(self.fake.backend.order_delay)
        self.call("UpdatePhoneNumber", PhoneNumberId=spare, CallingName="Conformance")
        self.call("DeletePhoneNumber", PhoneNumberId=spare)
        self.call("RestorePhoneNumber", PhoneNumberId=spare)
        self.call(
            "ValidateE911Address",
            AwsAccountId=self.fake.default_account,  # the caller's own account
            StreetNumber="410",
            StreetInfo="TERRY AVE N",
            City="SEATTLE",
            State="WA",
            Country="US",
            PostalCode="98109",
        )
        # SIP media applications, a SIP rule on a dial-in number, a voice connector group, tags on the connector
        dial_in = "+19135550103"
        order = self.call("CreatePhoneNumberOrder", ProductType="SipMediaApplicationDialIn", E164PhoneNumbers=[dial_in])
        self.fake.backend.clock.advance(self.fake.backend.order_delay)
        app = self.call(
            "CreateSipMediaApplication",
            AwsRegion="us-east-1",
            Name="conformance",
            Endpoints=[{"LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:conformance"}],
        )["SipMediaApplication"]["SipMediaApplicationId"]
        self.call(
            "CreateSipRule",
            Name="conformance",
            TriggerType="ToPhoneNumber",
            TriggerValue=dial_in,
            TargetApplications=[{"SipMediaApplicationId": app, "Priority": 1, "AwsRegion": "us-east-1"}],
        )
        transaction = self.call(
            "CreateSipMediaApplicationCall",
            SipMediaApplicationId=app,
            FromPhoneNumber=dial_in,
            ToPhoneNumber="+14015550101",
        )["SipMediaApplicationCall"]["TransactionId"]
        self.call(
            "UpdateSipMediaApplicationCall", SipMediaApplicationId=app, TransactionId=transaction, Arguments={"k": "v"}
        )
        self.call(
            "UpdateSipMediaApplication",
            SipMediaApplicationId=app,
            Name="conformance",
            Endpoints=[{"LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:conformance2"}],
        )
        for withdrawn in WITHDRAWN & model_operations(self.namespace):  # 410 by the model's own word
            alexa = {"AlexaSkillStatus": "ACTIVE", "AlexaSkillIds": ["amzn1.application-oa2-client." + "0" * 32]}
            extra = {"SipMediaApplicationAlexaSkillConfiguration": alexa} if withdrawn.startswith("Put") else {}
            self.send(withdrawn, {"SipMediaApplicationId": app, **extra})
        group = self.call(
            "CreateVoiceConnectorGroup",
            Name="conformance",
            VoiceConnectorItems=[{"VoiceConnectorId": vc_id, "Priority": 1}],
        )["VoiceConnectorGroup"]["VoiceConnectorGroupId"]
        vc_arn = self.call("GetVoiceConnector", VoiceConnectorId=vc_id)["VoiceConnector"].get("VoiceConnectorArn")
        tagged = vc_arn is not None and self.namespace == "chime-sdk-voice"  # legacy tags are for meetings only
        if self.namespace == "chime":
            arn = f"arn:aws:chime:us-east-1:{self.fake.default_account}:vc/{vc_id}"
            for name in LEGACY_MEETING_TAGS & model_operations(self.namespace):
                keys = {
                    "TagResource": {"Tags": [{"Key": "team", "Value": "calls"}]},
                    "UntagResource": {"TagKeys": ["team"]},
                }
                self.send(name, {"ResourceARN": arn, **keys.get(name, {})})
        if tagged:
            self.call("TagResource", ResourceARN=vc_arn, Tags=[{"Key": "team", "Value": "calls"}])
            self.call("ListTagsForResource", ResourceARN=vc_arn)
            self.reserved.add("UntagResource")
        self.reserved |= {"DeleteSipRule", "DeleteSipMediaApplication", "DeleteVoiceConnectorGroup", "UpdateSipRule"}
        self.reserved |= {"UpdateVoiceConnectorGroup", "DisassociatePhoneNumbersFromVoiceConnectorGroup"}
        voice_analytics = self.namespace == "chime-sdk-voice"
        if voice_analytics:
            domain = self.call(
                "CreateVoiceProfileDomain",
                Name="conformance",
                ServerSideEncryptionConfiguration={"KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"},
                Tags=[{"Key": "team", "Value": "calls"}],
            )["VoiceProfileDomain"]
            transaction = self._start_call(vc_id)
            self.call(
                "StartSpeakerSearchTask",
                VoiceConnectorId=vc_id,
                TransactionId=transaction,
                VoiceProfileDomainId=domain["VoiceProfileDomainId"],
            )
            self.call(
                "StartVoiceToneAnalysisTask", VoiceConnectorId=vc_id, TransactionId=transaction, LanguageCode="en-US"
            )
            self.fake.backend.clock.advance(seconds=30)  # the speaker search has made its voice print
            searched = self.ids["SpeakerSearchTaskId"]
            self.call("CreateVoiceProfile", SpeakerSearchTaskId=searched)
            running = self.call(  # stays IN_PROGRESS while the clock stands, for StopSpeakerSearchTask
                "StartSpeakerSearchTask",
                VoiceConnectorId=vc_id,
                TransactionId=transaction,
                VoiceProfileDomainId=domain["VoiceProfileDomainId"],
            )["SpeakerSearchTask"]["SpeakerSearchTaskId"]
            self.ids["SpeakerSearchTaskId"] = searched  # what UpdateVoiceProfile re-enrolls from
            self.reserved |= {"StopSpeakerSearchTask", "DeleteVoiceProfile", "DeleteVoiceProfileDomain"}
        self.reserved |= {"DeleteVoiceConnectorTerminationCredentials", "DisassociatePhoneNumbersFromVoiceConnector"}
        self.reserved |= {"DeletePhoneNumber", "DeleteVoiceConnector"}

        def teardown() -> None:
            if tagged:
                self.call("UntagResource", ResourceARN=vc_arn, TagKeys=["team"])
            self.call(
                "DisassociatePhoneNumbersFromVoiceConnectorGroup", VoiceConnectorGroupId=group, E164PhoneNumbers=["+10"]
            )
            self.call("UpdateVoiceConnectorGroup", VoiceConnectorGroupId=group, Name="emptied", VoiceConnectorItems=[])
            self.call("DeleteVoiceConnectorGroup", VoiceConnectorGroupId=group)
            rule = self.ids["SipRuleId"]
            self.call("UpdateSipRule", SipRuleId=rule, Name="conformance", Disabled=True)
            self.call("DeleteSipRule", SipRuleId=rule)
            self.call("DeleteSipMediaApplication", SipMediaApplicationId=app)
            if voice_analytics:
                self.call("StopSpeakerSearchTask", VoiceConnectorId=vc_id, SpeakerSearchTaskId=running)
                self.call("DeleteVoiceProfile", VoiceProfileId=self.ids["VoiceProfileId"])
                self.call("DeleteVoiceProfileDomain", VoiceProfileDomainId=domain["VoiceProfileDomainId"])
            self.call("DeleteVoiceConnectorTerminationCredentials", VoiceConnectorId=vc_id, Usernames=["sip-user"])
            self.call(
                "DisassociatePhoneNumbersFromVoiceConnector", VoiceConnectorId=vc_id, E164PhoneNumbers=numbers[1:]
            )
            self.call("DeletePhoneNumber", PhoneNumberId=numbers[1])
            self.call("DeletePhoneNumber", PhoneNumberId=spare)
            self.call(
                "DisassociatePhoneNumbersFromVoiceConnector", VoiceConnectorId=vc_id, E164PhoneNumbers=numbers[:1]
            )
            self.call("DeleteVoiceConnector", VoiceConnectorId=vc_id)

        return teardown

    def _start_call(self, vc_id: str) -> str:
        """A call on the connector: the fake's stand-in for the TransactionId the service's events carry."""
        from pytest_chime_proxy.core.domain import voice_analytics

        transaction = voice_analytics.start_call(self._scope(), vc_id).TransactionId
        self.ids["TransactionId"] = transaction
        return transaction

    def _scope(self) -> Scope:
        """The walk's account and region, for what only the fake can do (no request of the model does it)."""
        backend = self.fake.backend
        return Scope(backend, backend.account(self.fake.default_account), self.namespace, "us-east-1")


@cache
@cache
def _walk(namespace: str) -> Walk:
    walk = Walk(namespace)
    try:
        walk.run()
    except AssertionError as error:  # kept, so each operation's test reports it without walking again
        walk.failure = error
    return walk


def walked(namespace: str) -> Walk:
    walk = _walk(namespace)
    if walk.failure is not None:
        raise walk.failure
    return walk


def _members_at(value: Any, path: str, out: dict[str, set[str]]) -> None:
    """The member names of every object in a response body, by the same paths as ``output_table``."""
    if isinstance(value, dict):
        out.setdefault(path, set()).update(value)
        for key, child in value.items():
            _members_at(child, f"{path}.{key}", out)
    elif isinstance(value, list):
        for item in value:
            _members_at(item, f"{path}[]", out)


def _in_scope() -> list[tuple[str, str]]:
    return [(ns, op) for ns in NAMESPACES for op in sorted(model_operations(ns))]


@pytest.mark.parametrize(("namespace", "operation"), _in_scope(), ids=lambda v: str(v))
def test_each_operation_of_the_model_answers_with_its_status_and_output_members(namespace: str, operation: str) -> None:
    """Walked, every operation answers as its model says: no 501 (unless listed as not yet emulated), the
    model's status code and exactly the model's output members."""
    if operation in NOT_YET_EMULATED:
        pytest.skip(f"{operation} is listed in NOT_YET_EMULATED (checked by the test of that list)")
    assert operation in emulated(namespace), (
        f"{namespace} {operation} answers 501: register a handler with @operation({operation!r}) in "
        "pytest_chime_proxy/core/operations/ and regenerate the snapshot (tools/snapshot_spec.py), or list it "
        "in NOT_YET_EMULATED"
    )
    walk = walked(namespace)
    assert operation in walk.seen, f"the walk never called {operation}"
    status, body = walk.seen[operation]
    model = reference(namespace, operation)
    if operation in WITHDRAWN:
        assert (status, body["Code"]) == (410, "Gone"), (operation, status, body)
        return
    if namespace == "chime" and operation in LEGACY_MEETING_TAGS:
        assert (status, body["Code"]) == (400, "BadRequest"), (operation, status, body)
        assert "meeting resources only" in body["Message"], body
        return
    assert status == route_of(model, operation)[2], (
        f"{operation} answered {status} to the walk's request ({body}); give the walk's script what it needs"
    )
    expected = output_table(model, operation)
    if not expected:
        assert body is None, (operation, body)
        return
    got: dict[str, set[str]] = {}
    _members_at(body, "", got)
    for path, members in got.items():
        assert path in expected, (operation, path)
        assert sorted(members) == expected[path], (operation, path, sorted(members), expected[path])
    assert set(expected) - set(got) <= {p for p in expected if p.count("[]") or p.count(".") > 1}, (
        operation,
        sorted(set(expected) - set(got)),
    )


def test_the_not_yet_emulated_list_is_true_and_shrinking(capsys: pytest.CaptureFixture[str]) -> None:
    """Every operation of the models is emulated or on the list; nothing on the list is emulated (a landed
    handler must leave it), and everything on it is a real operation that answers 501 naming itself."""
    from pytest_chime_proxy.core import operations

    registered = set(operations.emulated())
    every = {op for ns in NAMESPACES for op in model_operations(ns)}
    assert not (NOT_YET_EMULATED & registered), (
        f"emulated now, remove from NOT_YET_EMULATED: {sorted(NOT_YET_EMULATED & registered)}"
    )
    assert NOT_YET_EMULATED <= every, f"not operations of the models: {sorted(NOT_YET_EMULATED - every)}"
    for namespace in NAMESPACES:
        unlisted = model_operations(namespace) - set(emulated(namespace)) - NOT_YET_EMULATED
        assert not unlisted, f"{namespace} answers 501 for {sorted(unlisted)}, which NOT_YET_EMULATED does not list"
    fake = FakeChime()
    for namespace in NAMESPACES:
        others = snapshot(namespace)["other_operations"]
        for name in sorted(NOT_YET_EMULATED & model_operations(namespace)):
            http = others[name]
            path, _, literal = http["requestUri"].partition("?")
            path = re.sub(r"\{\w+\+?\}", "x1", path)
            url = HOSTS[namespace] + path + (f"?{literal}" if literal else "")
            exchange = pipeline.handle(fake, WireRequest(http["method"], url, {}, b"{}"))
            assert exchange is not None and exchange.status == 501, (namespace, name, exchange and exchange.status)
            assert f"operation {name} " in exchange.response.json()["Message"]
    with capsys.disabled():
        print(f"\nnot yet emulated ({len(NOT_YET_EMULATED)}): {', '.join(sorted(NOT_YET_EMULATED)) or 'none'}")


def test_the_walk_parses_with_a_real_client() -> None:
    """botocore parses the answers with the installed chime-sdk-voice model."""
    import boto3

    from pytest_chime_proxy import ChimeProxyMock

    with ChimeProxyMock() as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        vc = mock.create_voice_connector(["+19135550101"])
        created = client.create_proxy_session(
            VoiceConnectorId=vc, Capabilities=["Voice", "SMS"], ParticipantPhoneNumbers=["+14015550101", "+12065550100"]
        )
        assert mock.calls[-1].status == route_of(installed("chime-sdk-voice"), "CreateProxySession")[2]
        session = created["ProxySession"]
        assert set(session) <= set(output_table(installed("chime-sdk-voice"), "CreateProxySession")[".ProxySession"])
        assert session["Participants"][0]["ProxyPhoneNumber"] == "+19135550101"


# ---- the pattern dialect ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "number",
    [
        "+1\u0664\u0660\u0661\u0665\u0665\u0665\u0660\u0661\u0660\u0661",  # Arabic-Indic
        "+1401555010\uff11",  # a fullwidth digit
        "+1\u096a\u0966\u0967",
    ],
)  # Devanagari
def test_pattern_digits_are_ascii_as_in_the_model_dialect(number: str) -> None:
    """Smithy patterns are ECMA-262, where ``\\d`` is [0-9] (as in Java): other scripts' digits are refused."""
    import boto3

    from pytest_chime_proxy import ChimeProxyMock

    pattern = snapshot("chime-sdk-voice")["shapes"]["E164PhoneNumber"]["pattern"]
    assert re.search(pattern, number) and not re.search(pattern, number, re.ASCII)  # Python's \d is Unicode too
    with ChimeProxyMock() as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        vc = mock.create_voice_connector(["+19135550101"])
        with pytest.raises(client.exceptions.BadRequestException, match=r"participantPhoneNumbers\.1\.member"):
            client.create_proxy_session(
                VoiceConnectorId=vc, Capabilities=["Voice"], ParticipantPhoneNumbers=[number, "+12065550100"]
            )
        assert mock.backend.account(mock.account).voice_connectors[vc].sessions == {}


@pytest.mark.parametrize("text", ["1_0", " 5", "5 ", "0x5", "5.0", "\u0663"])
def test_a_query_integer_is_a_plain_decimal(text: str) -> None:
    """``max-results`` is an integer on the wire: Python's int() leniency (underscores, spaces) is not AWS's.

    Assumption (no source says): only ASCII decimal digits with an optional sign parse, as in Java's parseInt
    for the ASCII range; anything else is a 400 naming the member.
    """
    fake = FakeChime()
    exchange = pipeline.handle(
        fake, WireRequest("GET", HOSTS["chime-sdk-voice"] + "/voice-connectors?" + urlencode({"max-results": text}))
    )
    assert exchange is not None and exchange.status == 400 and exchange.error_code == "BadRequestException"
    assert "at 'maxResults'" in exchange.response.json()["Message"]


@pytest.mark.parametrize(
    "pattern", [r"^\+?[1-9]\d{1,14}$", r"^\D+$", r"^\w{2}-\W$", r"^[\d,]+$", r"^[a\w]+$", r"^\\d$", r".*\S.*"]
)
def test_the_pattern_dialect_matches_ascii_regex_semantics(pattern: str) -> None:
    """The fake's patterns accept exactly what the model's pattern accepts with ASCII \\d and \\w."""
    from typing import Annotated

    from pydantic import StringConstraints, TypeAdapter, ValidationError

    from pytest_chime_proxy.core.wire.validation import ecma_pattern

    check = TypeAdapter(Annotated[str, StringConstraints(pattern=ecma_pattern(pattern))])
    for text in [
        "+14015550101",
        "+1\u0664\u0660\u0661",
        "ab-!",
        "\u00e9\u00e8-!",
        "ab-\u00e9",
        "12,3",
        "\uff11\uff12",
        "a_b",
        "\\d",
        "\u00e9",
        " ",
        "x",
        "\u0663",
    ]:
        try:
            check.validate_python(text)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(re.search(pattern, text, re.ASCII)), (pattern, text)


# ---- errors: statuses and names as modeled ------------------------------------------------------------------
@pytest.mark.parametrize(
    "namespace, operation", [(ns, op) for ns in NAMESPACES for op in emulated(ns)], ids=lambda v: str(v)
)
def test_each_modeled_error_has_the_model_status_and_body(namespace: str, operation: str) -> None:
    """Injected, every error an operation declares answers with the status its shape declares, the
    ``x-amzn-ErrorType`` botocore maps to the class, and (legacy) a ``Code`` from the model's ErrorCode enum."""
    from pytest_chime_proxy import ChimeProxyMock

    model = reference(namespace, operation)
    op = _operation(model, operation)
    request = wire_request(namespace, model, operation, example_input(model, operation))
    mock = ChimeProxyMock()
    assert op["errors"]
    for error in (e["shape"] for e in op["errors"]):
        shape = model["shapes"][error]
        mock.faults.clear()
        mock.inject(operation, error=error)
        response = mock.dispatch(request)
        assert response is not None
        assert response.status == shape["error"]["httpStatusCode"], error
        assert response.headers["x-amzn-ErrorType"] == error
        body = response.json()
        assert body["Message"]
        for member, ref in shape.get("members", {}).items():
            member_shape = model["shapes"][ref["shape"]]
            if "enum" in member_shape:
                assert body[member] in member_shape["enum"], (error, member, body)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_the_errors_the_domain_raises_are_declared_by_each_operation(namespace: str) -> None:
    """Whatever the fake answers an operation with (here: unknown ids, the scenario's refusals) is an error
    the operation's model declares, so botocore raises ``client.exceptions.<Name>`` for it."""
    fake = FakeChime()
    for operation in emulated(namespace):
        model = reference(namespace, operation)
        op = _operation(model, operation)
        exchange = pipeline.handle(fake, wire_request(namespace, model, operation, example_input(model, operation)))
        assert exchange is not None
        if exchange.status >= 400:
            assert exchange.error_code in {e["shape"] for e in op["errors"]}, (operation, exchange.error_code)
            assert exchange.status == model["shapes"][exchange.error_code]["error"]["httpStatusCode"]
