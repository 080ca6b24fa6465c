"""Fault rules: make the fake fail, on chosen requests, exactly as the real service fails.

A rule answers instead of the service with a modeled error (its real status, ``x-amzn-ErrorType`` header and
body, built by the wire layer), or makes the adapter raise one of botocore's own connection errors, or only
delays the answer. botocore sees an ordinary HTTP answer (or a failed connection) and decides about retries
itself, so its retry behaviour is tested, not imitated.

Evaluation, per request the fake routed (unknown routes and hosts are never faulted): rules are looked at in
the order they were added; each matching rule counts the request (``seen``); a rule *fires* once it has let
``after`` matching requests through, while it has fired fewer than ``times`` and its seeded coin says so.
Every firing rule adds its ``latency``; the first firing rule with an ``error`` or ``connection_error``
answers and ends the evaluation. A ``"*"`` rule with an ``error`` only matches operations whose model
declares that error (the service never answers GetProxySession with ResourceLimitExceededException). This module is pure: no botocore, no HTTP, no global state.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pytest_chime_proxy.core.compat import TypedDict, Unpack
from pytest_chime_proxy.core.connection_fault import CONNECTION_ERRORS
from pytest_chime_proxy.core.wire import secret_members
from pytest_chime_proxy.core.wire.errors import ERRORS

Match = Mapping[str, Any] | Callable[[Mapping[str, Any]], bool]
Latency = float | int | timedelta


@dataclass(frozen=True)
class Target:
    """What a rule is matched against: the routed request."""

    namespace: str
    region: str
    account: str
    operation: str
    params: Mapping[str, Any]
    errors: tuple[str, ...] = ()  # the error shapes the operation's model declares (empty: unknown)


def _operation_names() -> dict[str, set[str]]:
    """Emulated operation name -> the error shapes any namespace models for it."""
    from pytest_chime_proxy.core.wire import spec

    names: dict[str, set[str]] = {}
    for namespace in spec.NAMESPACES:
        for op in spec.load(namespace).operations.values():
            if op.emulated:
                names.setdefault(op.name, set()).update(op.errors)
    return names


MAX_LATENCY = 86400.0  # a day: more would be no latency but a clock move (use clock.advance for that)


def _seconds(latency: Latency | None) -> float:
    if latency is None:
        return 0.0
    if isinstance(latency, bool) or not isinstance(latency, (int, float, timedelta)):
        raise ValueError(f"inject(): latency is seconds (a number) or a timedelta, got {latency!r}")
    seconds = latency.total_seconds() if isinstance(latency, timedelta) else float(latency)
    if not 0 <= seconds <= MAX_LATENCY:  # also refuses nan and infinity
        raise ValueError(f"inject(): latency must be between 0 and {MAX_LATENCY:g} seconds, got {latency!r}")
    return seconds


class FaultOptions(TypedDict, total=False):
    """The options of a fault rule besides its operation, declared once: ``inject``, ``Faults.add``, the
    marker's ``faults`` entries and the server's ``/_chime_proxy/faults`` take these, and their types are
    checked from this declaration (``check_types``). ``FaultRule`` has one field each (a test keeps the two
    equal)."""

    __pydantic_config__ = {"strict": True, "arbitrary_types_allowed": True}  # type: ignore[misc]

    error: str | None
    times: int | None
    after: int
    probability: float | None
    seed: int | None
    latency: Latency | None
    connection_error: str | None
    match: Match | None
    namespace: str | None
    region: str | None


FAULT_OPTIONS = tuple(FaultOptions.__annotations__)
_checker: Any = None


def check_types(options: Mapping[str, Any]) -> None:
    """Each option of the type ``FaultOptions`` declares (strictly: ``True`` is no count), or a ``TypeError``
    naming the option, the expected type and the value given."""
    global _checker
    from pydantic import TypeAdapter, ValidationError

    if _checker is None:
        _checker = TypeAdapter(FaultOptions)
    try:
        _checker.validate_python(dict(options))
    except ValidationError as error:
        problems: dict[str, str] = {}
        for found in error.errors():  # a union reports each branch: the first says enough
            name = str(found["loc"][0])
            choices = f", one of {sorted(CONNECTION_ERRORS)}" if name == "connection_error" else ""
            problems.setdefault(name, f"{found['msg'].replace('Input', name, 1)}{choices} (got {found['input']!r})")
        raise TypeError("inject(): " + "; ".join(problems.values())) from None


@dataclass(eq=False, repr=False)
class FaultRule:
    """One injected fault; it counts the requests it matched (``seen``) and answered (``hits``)."""

    operation: str
    error: str | None = None
    times: int | None = 1
    after: int = 0
    probability: float | None = None
    seed: int | None = None
    latency: float = 0.0
    connection_error: str | None = None
    match: Match | None = None
    namespace: str | None = None
    region: str | None = None
    seen: int = 0
    hits: int = 0
    _coin: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._validate()
        self._coin = random.Random(self.seed)

    def _validate(self) -> None:
        operations = _operation_names()
        if self.operation != "*" and self.operation not in operations:
            import difflib  # only for this message

            close = difflib.get_close_matches(self.operation, operations, n=1)
            # a near miss names the one it is near; only a name like none of them lists them all
            choices = f"did you mean {close[0]!r}?" if close else f"use '*' or one of {sorted(operations)}"
            raise ValueError(f"inject(): unknown operation {self.operation!r}; {choices}")
        if self.error is not None and self.connection_error is not None:
            raise ValueError("inject(): give error= or connection_error=, not both")
        if self.error is None and self.connection_error is None and not self.latency:
            raise ValueError("inject(): a rule needs error=, connection_error= or latency=")
        if self.error is not None:
            if self.error not in ERRORS:
                raise ValueError(f"inject(): unknown error {self.error!r}; modeled errors: {sorted(ERRORS)}")
            if self.operation != "*" and self.error not in operations[self.operation]:
                raise ValueError(
                    f"inject(): {self.operation} does not model {self.error}, so the service "
                    f"never answers it with that; modeled: {sorted(operations[self.operation])}"
                )
        if self.connection_error is not None and self.connection_error not in CONNECTION_ERRORS:
            raise ValueError(
                f"inject(): unknown connection_error {self.connection_error!r}; one of {sorted(CONNECTION_ERRORS)}"
            )
        if self.times is not None and self.times < 1:
            raise ValueError("inject(): times must be >= 1, or None for every matching request")
        if self.after < 0:
            raise ValueError("inject(): after must be >= 0")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("inject(): probability must be between 0 and 1")
        if self.match is not None and not (callable(self.match) or isinstance(self.match, Mapping)):
            raise TypeError("inject(): match must be a mapping of parameter -> value or a callable(params)")

    @property
    def exhausted(self) -> bool:
        """Whether the rule has fired ``times`` times and will not fire again."""
        return self.times is not None and self.hits >= self.times

    def matches(self, target: Target) -> bool:
        """Whether the request is one this rule is about (operation, namespace, region, ``match``)."""
        if self.operation not in ("*", target.operation):
            return False
        if self.error is not None and target.errors and self.error not in target.errors:
            return False  # a "*" rule: this operation's model never answers with that error
        if self.namespace is not None and self.namespace != target.namespace:
            return False
        if self.region is not None and self.region != target.region:
            return False
        if self.match is None:
            return True
        if callable(self.match):
            return bool(self.match(target.params))
        return all(target.params.get(key) == value for key, value in self.match.items())

    def fires(self, target: Target) -> bool:
        """Count the request and decide whether this rule answers it (consumes one ``times``)."""
        if not self.matches(target):
            return False
        self.seen += 1
        if self.seen <= self.after or self.exhausted:
            return False
        if self.probability is not None and self._coin.random() >= self.probability:
            return False
        self.hits += 1
        return True

    def describe(self) -> str:
        """A one-line summary for failure messages."""
        what = self.error or (
            f"connection_error={self.connection_error}" if self.connection_error else f"latency={self.latency}s"
        )
        shown = (name for name in FAULT_OPTIONS if name not in ("error", "connection_error", "latency", "seed"))
        extra = "".join(
            f", {name}={value!r}"
            for name, value in ((name, _shown(getattr(self, name))) for name in shown)
            if value not in (None, 0) or name == "times"
        )
        return f"inject({self.operation!r}, {what}{extra}) seen={self.seen} hits={self.hits}"

    __repr__ = describe


def _shown(value: Any) -> Any:
    """A rule's option as its summary shows it: a ``match`` mapping without its secret members' values."""
    return secret_members.params(dict(value)) if isinstance(value, Mapping) else value


@dataclass(frozen=True)
class Decision:
    """What the rules decided for one request: added latency, and the rule that answers (if any)."""

    latency: float = 0.0
    rule: FaultRule | None = None
    fired: tuple[FaultRule, ...] = ()


class Faults:
    """The mock's rules, in the order they were added (``chime_proxy.faults``)."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, operation: str, **options: Unpack[FaultOptions]) -> FaultRule:
        """Add a rule (see ``ChimeProxyMock.inject``) and return it."""
        unknown = sorted(set(options) - set(FAULT_OPTIONS))
        if unknown:
            raise ValueError(f"inject(): unknown option(s) {unknown}; the options are {sorted(FAULT_OPTIONS)}")
        check_types(options)
        values: dict[str, Any] = dict(options)
        values["latency"] = _seconds(options.get("latency"))
        rule = FaultRule(operation, **values)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def remove(self, rule: FaultRule) -> None:
        """Remove one rule."""
        with self._lock:
            self._rules.remove(rule)

    def decide(self, target: Target) -> Decision:
        """Run the rules over one request (see the module docstring for the order)."""
        latency = 0.0
        fired: list[FaultRule] = []
        with self._lock:
            for rule in self._rules:
                if rule.fires(target):
                    fired.append(rule)
                    latency += rule.latency
                    if rule.error is not None or rule.connection_error is not None:
                        return Decision(latency, rule, tuple(fired))
        return Decision(latency, None, tuple(fired))

    def unused(self) -> list[FaultRule]:
        """Rules that never fired (what ``assert_all_faults_hit`` reports)."""
        with self._lock:
            return [rule for rule in self._rules if rule.hits == 0]

    def assert_all_hit(self) -> None:
        """Fail, naming them, when some rules never fired (a misspelt match, a call that never happened)."""
        unused = self.unused()
        if unused:
            listing = "\n  ".join(rule.describe() for rule in unused)
            raise AssertionError(f"{len(unused)} injected fault(s) never fired:\n  {listing}")

    def __iter__(self) -> Iterator[FaultRule]:
        with self._lock:
            return iter(list(self._rules))

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"<Faults {len(self._rules)} rule(s)>"
