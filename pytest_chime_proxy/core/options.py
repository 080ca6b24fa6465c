"""A mock's options, declared once.

``MockOptions`` is the one declaration: each option's type, constraint, default and help text. Everything
else derives from it: the keyword arguments of ``ChimeProxyMock`` and ``mock_chime_proxy`` (typed through
``Unpack``), the ``chime_proxy`` marker and its ``pytest --markers`` line, the ``chime_proxy_<name>`` ini
options (one per boolean option), the server's ``--option NAME=JSON``, the backend (which reads the validated
values by name) and the settings in force (``ChimeProxyMock.settings``).

Importing this module imports no pydantic (the plugin reads the declaration at every pytest start); the
validator is built on the first ``validate`` that is given an option (a mock with none needs no check).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, get_args, get_type_hints

from pytest_chime_proxy.core.compat import TypedDict
from pytest_chime_proxy.core.domain.clock import Clock
from pytest_chime_proxy.core.domain.on_demand import ON_DEMAND_POOL_SIZE
from pytest_chime_proxy.core.domain.order_timing import DEFAULT_ORDER_DELAY, MAX_ORDER_DELAY


@dataclass(frozen=True)
class Pattern:
    """A regular expression a string option must match (read by pydantic when the validator is built)."""

    regex: str
    example: str

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(pattern=self.regex, strict=True)


@dataclass(frozen=True)
class Option:
    """An option's default and help text (metadata pydantic ignores)."""

    default: Any
    help: str


@dataclass(frozen=True)
class AtLeast:
    """A lower bound for a number option (read by pydantic when the validator is built; annotated_types'
    ``Ge`` would cost an import at every pytest start)."""

    bound: float

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "ge": self.bound}


@dataclass(frozen=True)
class Between:
    """Both bounds of a number or timedelta option, read like ``AtLeast``: a value beyond them would leave
    the range the fake can represent (a completion time past the clock's end)."""

    low: Any
    high: Any

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "ge": self.low, "le": self.high}


REGION = Pattern(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[1-9][0-9]?$", "'us-east-1'")
ACCOUNT = Pattern(r"^[0-9]{12}$", "'123456789012'")
Count = Annotated[int, AtLeast(0)]


class MockOptions(TypedDict, total=False):
    """The options of one mock, all optional (see each one's ``Option`` help, or ``pytest --markers``)."""

    __pydantic_config__ = {"strict": True, "extra": "forbid", "arbitrary_types_allowed": True}  # type: ignore[misc]

    region: Annotated[
        str,
        REGION,
        Option(
            "us-east-1",
            "where the helpers put things, and the default region of clients made under the mock where the "
            "caller's configuration names none",
        ),
    ]
    account: Annotated[
        str, ACCOUNT, Option("123456789012", "the account of requests whose access key id is not a 12-digit account id")
    ]
    seed: Annotated[int | None, Option(None, "makes generated ids reproducible")]
    clock: Annotated[
        Clock | None, Option(None, "the Clock to run on (several mocks can share one); a new one when None")
    ]
    real_sleep: Annotated[
        bool,
        Option(
            False,
            "botocore's retry backoff and injected latency wait on the wall clock instead of advancing the mock's clock",
        ),
    ]
    virtual_sleep: Annotated[
        bool,
        Option(
            False,
            "time.sleep and asyncio.sleep in the code under test advance the mock's clock instead of waiting",
        ),
    ]
    faults: Annotated[
        Sequence[Mapping[str, Any]],
        Option((), "fault rules to start with, each the keyword arguments of inject() with its 'operation'"),
    ]
    assert_all_faults_hit: Annotated[
        bool, Option(False, "leaving the mock (or the test) fails when an injected fault rule never fired")
    ]
    order_delay: Annotated[
        Annotated[float, Between(0, MAX_ORDER_DELAY.total_seconds())]
        | Annotated[timedelta, Between(timedelta(0), MAX_ORDER_DELAY)],
        Option(
            DEFAULT_ORDER_DELAY,
            "how long a phone-number order stays Processing on the mock's clock (seconds or a timedelta; 0: at once; "
            "at most 30 days)",
        ),
    ]
    quotas: Annotated[
        bool | Mapping[str, Count | None],
        Option(
            False,
            "enforce service quotas with ResourceLimitExceededException: True for AWS's defaults, or a mapping "
            "overriding some ({'voice_connectors_per_region': 5})",
        ),
    ]
    legacy_cutoff: Annotated[
        bool, Option(False, "answer every legacy chime call as AWS now answers accounts that may not use it (403)")
    ]
    on_demand_pool_size: Annotated[
        Count,
        Option(
            ON_DEMAND_POOL_SIZE,
            "how many on-demand proxy numbers a connector without associated numbers hands out per country and "
            "area code (0: none)",
        ),
    ]


def _declared() -> dict[str, tuple[Any, Option, Pattern | None]]:
    """name -> (type, Option, Pattern or None), from the annotations of ``MockOptions``."""
    found: dict[str, tuple[Any, Option, Pattern | None]] = {}
    for name, hint in get_type_hints(MockOptions, include_extras=True).items():
        args = get_args(hint)
        option = next(a for a in args[1:] if isinstance(a, Option))
        pattern = next((a for a in args[1:] if isinstance(a, Pattern)), None)
        found[name] = (args[0], option, pattern)
    return found


DECLARED = _declared()
NAMES: tuple[str, ...] = tuple(DECLARED)
DEFAULTS: Mapping[str, Any] = {name: option.default for name, (_, option, _) in DECLARED.items()}
HELP: Mapping[str, str] = {name: option.help for name, (_, option, _) in DECLARED.items()}
INI_OPTIONS: Mapping[str, str] = {
    f"chime_proxy_{name}": name for name, (kind, _, _) in DECLARED.items() if kind is bool
}
"""ini name -> the boolean option whose default it sets for every mock of the session."""
_EXAMPLES = {name: pattern.example for name, (_, _, pattern) in DECLARED.items() if pattern is not None}
_adapter: Any = None
_session_defaults: dict[str, Any] = {}


class OptionsError(ValueError):
    """An option that does not exist or has a wrong value (raised before anything is built)."""


def marker_help() -> str:
    """The ``chime_proxy`` marker's line in ``pytest --markers``: every option with its default."""
    given = ", ".join(f"{name}={DEFAULTS[name]!r}" for name in NAMES if name != "clock")
    return f"chime_proxy({given}, clock=None, phone_numbers=[...]): configure the chime_proxy fixture (and pull it in)"


def set_session_defaults(values: Mapping[str, Any]) -> None:
    """What the pytest plugin read from the ini file (empty to forget it at the end of the session)."""
    _session_defaults.clear()
    _session_defaults.update(values)


def _problems(errors: Any) -> list[str]:
    """One line per option, in plain words: pydantic reports each branch of a union (``quotas.bool``,
    ``quotas.dict[...]``) separately; the option's name and the given value are what a person needs."""
    by_option: dict[str, list[Any]] = {}
    for error in errors:
        by_option.setdefault(str(error["loc"][0]), []).append(error)
    lines = []
    for option, found in by_option.items():
        first = found[0]
        if first["type"] == "string_pattern_mismatch" and option in _EXAMPLES:
            lines.append(
                f"{option} {first['input']!r} is not a valid {option} name (write it like {_EXAMPLES[option]})"
            )
            continue
        reasons = " or ".join(dict.fromkeys(e["msg"][0].lower() + e["msg"][1:] for e in found))
        lines.append(f"{option}: {reasons} (got {first['input']!r})")
    return lines


def check_names(given: Collection[str], where: str = "ChimeProxyMock", extra: Collection[str] = ()) -> None:
    """OptionsError naming every unknown option (the closest known one beside it) and all the known ones:
    the mock's, and ``extra`` (the marker's own)."""
    names = sorted({*NAMES, *extra})
    unknown = sorted(set(given) - set(names))
    if unknown:
        import difflib  # only for this message

        close = [difflib.get_close_matches(name, names, n=1) for name in unknown]
        hints = "".join(f" (did you mean {c[0]!r} for {u!r}?)" for u, c in zip(unknown, close, strict=True) if c)
        raise OptionsError(f"{where} got unknown option(s) {unknown}{hints}; the options are {names}")


def validate(given: Mapping[str, Any], where: str = "ChimeProxyMock") -> dict[str, Any]:
    """Every option, given ones checked and the rest from the defaults (session defaults first)."""
    global _adapter
    check_names(given, where)
    if given:  # nothing given, nothing to check: the defaults and the ini's booleans are valid
        if _adapter is None:
            from pydantic import TypeAdapter

            _adapter = TypeAdapter(MockOptions)
        from pydantic import ValidationError

        try:
            _adapter.validate_python(dict(given))
        except ValidationError as error:
            problems = "; ".join(_problems(error.errors()))
            raise OptionsError(f"{where}: {problems}") from None
    values = {**DEFAULTS, **_session_defaults, **given}
    if values["real_sleep"] and values["virtual_sleep"]:
        raise OptionsError(f"{where}: real_sleep and virtual_sleep cannot both be True")
    return values
