"""A mock's options, declared once: ``MockOptions`` types the keyword arguments of ``ChimeProxyMock``,
``mock_chime_proxy`` and the ``chime_proxy`` marker; ``DEFAULTS`` gives their defaults; ``validate`` checks
a set of options (with pydantic, strictly) before anything is built, so a wrong option fails at once with a
message that names it.

Under pytest, the ``chime_proxy_*`` ini options (declared in ``plugin``) replace the defaults of the options
they name for every mock made in the session, fixtures and decorators alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Annotated, Any

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from pytest_chime_proxy.core.domain.clock import Clock
from pytest_chime_proxy.core.domain.on_demand import ON_DEMAND_POOL_SIZE
from pytest_chime_proxy.core.domain.state import DEFAULT_ORDER_DELAY

REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[1-9][0-9]?$"
ACCOUNT_PATTERN = r"^[0-9]{12}$"


@with_config(ConfigDict(strict=True, arbitrary_types_allowed=True, extra="forbid"))
class MockOptions(TypedDict, total=False):
    """The options of one mock (all optional; ``DEFAULTS`` has the defaults).

    - ``region``: where the helpers put things, and the default region of clients made under the mock where
      the caller's configuration names none.
    - ``account``: the account of requests whose access key id is not a 12-digit account id.
    - ``seed``: makes generated ids reproducible.
    - ``clock``: the ``Clock`` to run on (several mocks can share one); a new one when None.
    - ``real_sleep``: botocore's retry backoff and injected latency wait on the wall clock instead of
      advancing the mock's clock.
    - ``virtual_sleep``: ``time.sleep`` and ``asyncio.sleep`` in the code under test advance the mock's clock
      instead of waiting (for an application's own retry loop).
    - ``faults``: fault rules to start with, each the keyword arguments of ``inject``.
    - ``assert_all_faults_hit``: leaving the mock (or the test) fails when a fault rule never fired.
    - ``order_delay``: how long a phone-number order stays ``Processing`` on the mock's clock (seconds or a
      timedelta; 0 completes orders at once).
    - ``quotas``: enforce service quotas with ``ResourceLimitExceededException``: True for AWS's defaults, or
      a mapping overriding some (``{"voice_connectors_per_region": 5}``).
    - ``legacy_cutoff``: answer every legacy ``chime`` call as AWS now answers accounts that may not use it.
    - ``on_demand_pool_size``: how many on-demand proxy numbers a connector without associated numbers can
      hand out per country and area code (0: none, so such a connector's sessions fail as with no pool).
    """

    region: Annotated[str, Field(pattern=REGION_PATTERN)]
    account: Annotated[str, Field(pattern=ACCOUNT_PATTERN)]
    seed: int | None
    clock: Clock | None
    real_sleep: bool
    virtual_sleep: bool
    faults: Sequence[Mapping[str, Any]]
    assert_all_faults_hit: bool
    order_delay: Annotated[float, Field(ge=0)] | timedelta
    quotas: bool | Mapping[str, Annotated[int, Field(ge=0)] | None]
    legacy_cutoff: bool
    on_demand_pool_size: Annotated[int, Field(ge=0)]


DEFAULTS: Mapping[str, Any] = {
    "region": "us-east-1",
    "account": "123456789012",
    "seed": None,
    "clock": None,
    "real_sleep": False,
    "virtual_sleep": False,
    "faults": (),
    "assert_all_faults_hit": False,
    "order_delay": DEFAULT_ORDER_DELAY,
    "quotas": False,
    "legacy_cutoff": False,
    "on_demand_pool_size": ON_DEMAND_POOL_SIZE,
}
NAMES = tuple(MockOptions.__annotations__)
_adapter: TypeAdapter[MockOptions] | None = None
_session_defaults: dict[str, Any] = {}


class OptionsError(ValueError):
    """An option that does not exist or has a wrong value (raised before anything is built)."""


def set_session_defaults(values: Mapping[str, Any]) -> None:
    """What the pytest plugin read from the ini file (empty to forget it at the end of the session)."""
    _session_defaults.clear()
    _session_defaults.update(values)


_EXAMPLES = {"region": "'us-east-1'", "account": "'123456789012'"}


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


def validate(given: Mapping[str, Any], where: str = "ChimeProxyMock") -> dict[str, Any]:
    """Every option, given ones checked and the rest from the defaults (session defaults first)."""
    global _adapter
    unknown = sorted(set(given) - set(NAMES))
    if unknown:
        raise OptionsError(f"{where} got unknown option(s) {unknown}; the options are {sorted(NAMES)}")
    if _adapter is None:
        _adapter = TypeAdapter(MockOptions)
    try:
        _adapter.validate_python(dict(given))
    except ValidationError as error:
        problems = "; ".join(_problems(error.errors()))
        raise OptionsError(f"{where}: {problems}") from None
    return {**DEFAULTS, **_session_defaults, **given}
