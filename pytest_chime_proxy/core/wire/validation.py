"""Input validation: pydantic models built from the model's shapes, with the service's error messages.

botocore checks only required members, types and minima on the client side; patterns, enums and maxima
are the service's job. Each operation's input shape becomes one strict pydantic validator (built on the
operation's first use), and a failure becomes the message AWS services send::

    1 validation error detected: Value 'Fax' at 'capabilities.1.member' failed to satisfy constraint:
    Member must satisfy enum value set: [Voice, SMS]

Assumptions where no source says: patterns are searched, not anchored (the Smithy rule; the model's
patterns carry their own ``^``/``$`` where they mean it); values of members marked ``sensitive`` are left
out of the message, as AWS does, and so is a list or an object (what it holds is not read: a secret in it
would be quoted); unknown members are ignored.

Scalars written as JSON strings are read as the service reads them (``coerce``): ``"true"``/``"false"`` for a
boolean member and a plain decimal (``"5060"``) for an integer one, at any depth, for every operation.
CloudFormation passes every custom-resource property as a string and AWS accepted such requests (README,
"Assumptions": string scalars).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pytest_chime_proxy.core.wire import spec as _spec
from pytest_chime_proxy.core.wire.validator_engine import engine

# Smithy's integer is 32-bit and long 64-bit signed: a larger JSON number cannot reach the service's handler.
# Assumption (no source gives the service's words): it is refused like a model maximum or minimum.
_INT_RANGE = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


MAX_EXPIRY_MINUTES = 720
"""Sessions last "up to twelve hours" (AWS's launch post for proxy phone sessions; AWS's sample documents its
expiry as "1-720" minutes); the models give ExpiryMinutes and DefaultSessionExpiryMinutes no maximum."""


def _service_limits() -> dict[str, tuple[int | None, int]]:
    """(minimum, maximum) the service enforces beyond the models, by member name (both namespaces): the one
    place these rules are checked. A default expiry under a minute would make sessions that cannot last."""
    return {"ExpiryMinutes": (None, MAX_EXPIRY_MINUTES), "DefaultSessionExpiryMinutes": (1, MAX_EXPIRY_MINUTES)}


class InvalidInput(Exception):
    """The input broke one or more of the model's constraints; ``str()`` is the service's message."""


# ECMA-262 (the Smithy pattern dialect) and Java both give \d and \w their ASCII meaning; the regex engines
# pydantic uses make them Unicode-aware, which would let '+1٤٠١٥٥٥٠١٠١' (Arabic-Indic digits) through.
_ASCII_CLASSES = {"d": "0-9", "w": "a-zA-Z0-9_"}


def ecma_pattern(pattern: str | None) -> str | None:
    """``pattern`` with ``\\d``/``\\D``/``\\w``/``\\W`` spelled as the ASCII classes they mean in the model."""
    if pattern is None or "\\" not in pattern:
        return pattern
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            ascii_class = _ASCII_CLASSES.get(escaped.lower())
            if ascii_class is None:
                out.append(pattern[i : i + 2])
            elif in_class and escaped.islower():
                out.append(ascii_class)
            elif not in_class:
                out.append(f"[{'^' if escaped.isupper() else ''}{ascii_class}]")
            else:  # a negated class inside a class: leave it to the engine
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _constrained(schema: dict[str, Any], low: int | None, high: int) -> dict[str, Any]:
    """An integer schema with the service's own limits (``_service_limits``) over the model's."""
    out = dict(schema)
    if low is not None:
        out["ge"] = max(low, out.get("ge", low))
    out["le"] = min(high, out.get("le", high))
    return out


@cache
def _validator(namespace: str, shape_name: str) -> Any:
    """The validator of one structure shape of one namespace, built on its first use.

    It is pydantic's own validator (``pydantic_core.SchemaValidator``) given the schema the shape describes
    directly, as pydantic would generate it from a strict model with these fields: one shape's validator
    costs well under a millisecond, and no request imports pydantic's model machinery (nor its schema
    helpers: ``_schema`` writes pydantic-core's schema dicts, ``validator_engine`` says why).
    """
    spec = _spec.load(namespace)
    limits = _service_limits()
    built: dict[str, Any] = {}

    def schema(name: str) -> Any:
        if name in built:
            return built[name]
        shape = spec.shape(name)
        kind = shape["type"]
        if kind == "string":
            if "enum" in shape:
                out: Any = _schema("literal", expected=list(shape["enum"]))
            else:
                pattern = ecma_pattern(shape.get("pattern"))
                out = _schema(
                    "str",
                    min_length=shape.get("min"),
                    max_length=shape.get("max"),
                    pattern=pattern,
                    # Rust's regex engine has no look-around, which a few of the model's patterns use
                    # (S3BucketName's ``(?!(^xn--|.+-s3alias$))``): those are checked with Python's ``re``
                    regex_engine="python-re" if pattern and "(?" in pattern else None,
                    strict=True,
                )
        elif kind in ("integer", "long"):
            low, high = _INT_RANGE[kind]
            out = _schema("int", ge=shape.get("min", low), le=shape.get("max", high), strict=True)
        elif kind == "boolean":
            out = _schema("bool", strict=True)
        elif kind == "list":
            out = _schema(
                "list",
                items_schema=schema(shape["member"]["shape"]),
                min_length=shape.get("min"),
                max_length=shape.get("max"),
                strict=True,
            )
        elif kind == "map":
            out = _schema(
                "dict",
                keys_schema=schema(shape["key"]["shape"]),
                values_schema=schema(shape["value"]["shape"]),
                min_length=shape.get("min"),
                max_length=shape.get("max"),
                strict=True,
            )
        elif kind == "structure":
            required = set(shape.get("required", ()))
            fields = {}
            for member, ref in shape.get("members", {}).items():
                inner = schema(ref["shape"])
                if member in limits:
                    inner = _constrained(inner, *limits[member])
                fields[member] = _schema(
                    "typed-dict-field",
                    schema=inner if member in required else _schema("nullable", schema=inner),
                    required=member in required,
                )
            out = _schema("typed-dict", fields=fields, extra_behavior="ignore", strict=True)
        else:  # timestamps, blobs: not in any emulated input
            out = _schema("any")
        built[name] = out
        return out

    return engine().SchemaValidator(schema(shape_name))


def _schema(kind: str, **fields: Any) -> dict[str, Any]:
    """A pydantic-core schema of ``kind`` with the given fields, those left None left out (as the package's
    ``core_schema`` helpers write them)."""
    return {"type": kind, **{name: value for name, value in fields.items() if value is not None}}


def _reaches(namespace: str, shape_name: str, found: Callable[[dict[str, Any]], bool]) -> bool:
    """Whether a shape for which ``found`` holds is ``shape_name`` or reachable from it (members, list
    members, map keys and values)."""
    spec = _spec.load(namespace)
    seen: set[str] = set()
    todo = [shape_name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = spec.shape(name)
        if found(shape):
            return True
        todo.extend(ref["shape"] for ref in shape.get("members", {}).values())
        todo.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
    return False


@cache
def holds_sensitive(namespace: str, shape_name: str) -> bool:
    """Whether a value of this shape is, or may contain, a value the model marks ``sensitive`` (a list of
    credentials holds passwords): such a value is never echoed, whatever was sent in its place."""
    return _reaches(namespace, shape_name, lambda shape: bool(shape.get("sensitive")))


def _describe(spec: _spec.Spec, shape_name: str, loc: tuple[Any, ...]) -> tuple[str, dict[str, Any], bool]:
    """The AWS-style path of ``loc`` (``participantPhoneNumbers.1.member``), its shape, and whether the value
    there may hold a sensitive one (its own shape's or any shape on the way or inside it is marked)."""
    parts: list[str] = []
    shape = spec.shape(shape_name)
    shape_at = shape_name
    sensitive = False
    for step in loc:
        if shape["type"] == "structure" and isinstance(step, str) and step in shape.get("members", {}):
            ref = shape["members"][step]
            parts.append(ref.get("locationName") if ref.get("location") == "uri" else _lower_camel(step))
            shape_at = ref["shape"]
        elif shape["type"] == "list" and isinstance(step, int):
            parts.append(f"{step + 1}.member")
            shape_at = shape["member"]["shape"]
        elif shape["type"] == "map" and isinstance(step, str):
            # pydantic names a map entry by its key, then "[key]" when the key itself failed; a key the model
            # marks sensitive is not echoed in the path either
            parts.append("*" if holds_sensitive(spec.namespace, shape["key"]["shape"]) else step)
            shape_at = shape["value"]["shape"]
        else:  # pydantic's own loc steps (e.g. 'literal[...]') add nothing a person needs
            continue
        shape = spec.shape(shape_at)
        sensitive = sensitive or bool(shape.get("sensitive"))
    # a list or map of sensitive values, or any shape holding one, is as secret as its values
    return ".".join(parts), shape, sensitive or holds_sensitive(spec.namespace, shape_at)


def _constraint(error: Mapping[str, Any], shape: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "Member must not be null"
    if kind == "string_pattern_mismatch":
        return f"Member must satisfy regular expression pattern: {shape['pattern']}"
    if kind == "literal_error":
        return f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]"
    if kind in ("string_too_short", "too_short"):
        return f"Member must have length greater than or equal to {shape['min']}"
    if kind in ("string_too_long", "too_long"):
        return f"Member must have length less than or equal to {shape['max']}"
    if kind == "greater_than_equal":
        return f"Member must have value greater than or equal to {shape.get('min', error['ctx']['ge'])}"
    if kind == "less_than_equal":
        return f"Member must have value less than or equal to {shape.get('max', error['ctx']['le'])}"
    expected = {
        "string": "a string",
        "integer": "an integer",
        "long": "an integer",
        "boolean": "a boolean",
        "list": "a list",
        "map": "a map",
        "structure": "an object",
    }.get(shape["type"], shape["type"])
    return f"Member must be {expected}"


def _render(value: Any) -> str:
    """A scalar as the service's messages write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_BOOLEAN_TEXT = {"true": True, "false": False}
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]{1,4000}")  # longer: past int()'s digit limit, refused as text


def _coerced(spec: _spec.Spec, shape_name: str, value: Any) -> Any:
    """``value`` with every string written for a boolean or integer member read as that type (when it reads as
    one: anything else is left for validation to refuse in the service's words)."""
    shape = spec.shape(shape_name)
    kind = shape["type"]
    if isinstance(value, str):
        if kind == "boolean":
            return _BOOLEAN_TEXT.get(value, value)
        if kind in ("integer", "long") and _DECIMAL_TEXT.fullmatch(value):
            return int(value)
        return value
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        return {k: _coerced(spec, members[k]["shape"], v) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_coerced(spec, shape["member"]["shape"], item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _coerced(spec, shape["value"]["shape"], v) for k, v in value.items()}
    return value


@cache
def _reads_numbers(namespace: str, shape_name: str) -> bool:
    """Whether a boolean or integer shape is reachable from ``shape_name`` (if not, ``coerce`` has nothing to
    convert: most gets, deletes and lists)."""
    return _reaches(namespace, shape_name, lambda shape: shape["type"] in ("boolean", "integer", "long"))


def coerce(op: _spec.Operation, params: dict[str, Any]) -> dict[str, Any]:
    """The input members as the service's JSON reader takes them: ``"false"`` for a boolean, ``"1"`` for an
    integer (one rule for every member of every operation; see the module's docstring)."""
    if op.input is None or not _reads_numbers(op.namespace, op.input):
        return params
    result: dict[str, Any] = _coerced(_spec.load(op.namespace), op.input, params)
    return result


def validate(op: _spec.Operation, params: dict[str, Any], read_strings: bool = True) -> dict[str, Any]:
    """The members of ``params`` as the service reads them (``coerce``, unless ``read_strings`` is False: the
    fake's own Python and JSON helpers take typed values only); raise InvalidInput naming every member that
    breaks the operation's input shape."""
    if op.input is None:
        return params
    if read_strings:
        params = coerce(op, params)
    try:
        _validator(op.namespace, op.input).validate_python(params, strict=True)
    except engine().ValidationError as exc:
        spec = _spec.load(op.namespace)
        problems = []
        for error in exc.errors(include_url=False):
            path, shape, sensitive = _describe(spec, op.input, error["loc"])
            # a list or an object is not echoed: what it holds is not read (a secret member the model does not
            # expect there, a password of any length, would be quoted); a scalar only where not sensitive
            echoed = not (sensitive or error["type"] == "missing" or isinstance(error["input"], (list, dict)))
            value = f" '{_render(error['input'])}'" if echoed else ""
            subject = "Value null" if error["type"] == "missing" else f"Value{value}"
            problems.append(f"{subject} at '{path}' failed to satisfy constraint: {_constraint(error, shape)}")
        problems = list(dict.fromkeys(problems))
        count = len(problems)
        raise InvalidInput(
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
        ) from None
    return params


_checked: set[tuple[Any, ...]] = set()  # plain inputs ``check_as`` found valid (a fixture passes the same few)
_CHECKED_KEPT = 1024


def _plain_key(namespace: str, operation: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """A hashable key for ``params`` made only of strings, booleans, integers and lists of strings, each with
    its exact type (``True == 1``, but only one is a valid boolean; no subclass or custom object can pass
    for a checked value); None otherwise."""
    items = []
    for member, value in params.items():
        kind = type(value)
        if kind in (list, tuple) and all(type(item) is str for item in value):
            value = tuple(value)
        elif kind not in (str, bool, int, type(None)):
            return None
        items.append((member, kind.__name__, value))
    return namespace, operation, tuple(items)


def check_as(namespace: str, operation: str, params: Mapping[str, Any], names: Mapping[str, str] | None = None) -> None:
    """Validate ``params`` (None values left out) as ``operation``'s input, for a caller that is not the API (a
    helper, the control API): ``InvalidInput`` in the API's words, naming members by the caller's own names
    (``names``: API member in lowerCamel -> the caller's name). An input of plain values found valid before is
    not checked again."""
    key = _plain_key(namespace, operation, params)
    if key is not None and key in _checked:
        return
    given = {member: value for member, value in params.items() if value is not None}
    try:
        validate(_spec.load(namespace).operations[operation], given, read_strings=False)
    except InvalidInput as error:
        message = str(error)
        for member, name in (names or {}).items():
            message = message.replace(f"at '{member}", f"at '{name}")
        raise InvalidInput(message) from None
    if key is not None and len(_checked) < _CHECKED_KEPT:
        _checked.add(key)
