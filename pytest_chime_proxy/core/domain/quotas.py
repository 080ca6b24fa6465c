"""Service quotas, enforced only when a mock opts in (a real account hits them; a test usually should not).

Defaults are AWS's documented ones where a source gives the number (README, "Assumptions"); a quota without a
documented default is ``None`` (not enforced) until a test sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from pytest_chime_proxy.core.domain.errors import ResourceLimitExceeded

# AWS General Reference, "Amazon Chime SDK endpoints and quotas": 3 Voice Connectors per account per Region.
VOICE_CONNECTORS_PER_REGION = 3
# The legacy API reference, CreateVoiceConnectorGroup: "You can associate up to three existing Amazon Chime
# Voice Connectors with the Amazon Chime Voice Connector group".
VOICE_CONNECTORS_PER_GROUP = 3


@dataclass(frozen=True)
class Quotas:
    """The limits in force; ``None`` leaves a resource unlimited."""

    voice_connectors_per_region: int | None = VOICE_CONNECTORS_PER_REGION
    phone_numbers_per_account: int | None = None
    voice_connectors_per_group: int | None = VOICE_CONNECTORS_PER_GROUP
    # no published default found for these three (README, "Assumptions"): unlimited until a test sets them
    voice_connector_groups_per_region: int | None = None
    sip_media_applications_per_region: int | None = None
    sip_rules_per_account: int | None = None

    @classmethod
    def of(cls, value: QuotaOption) -> Quotas | None:
        """``False``: no quotas; ``True``: AWS's defaults; a mapping: the defaults with those overridden."""
        if isinstance(value, Quotas):
            return value
        if value is False or value is None:
            return None
        if value is True:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown quota {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for name, limit in value.items():
            if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
                raise ValueError(f"quota {name} must be a non-negative integer or None, not {limit!r}")
        return replace(cls(), **dict(value))


QuotaOption = bool | None | Quotas | Mapping[str, int | None]


def check(limit: int | None, used: int, adding: int, what: str) -> None:
    """Refuse (ResourceLimitExceededException, as the models declare it) when ``adding`` would pass ``limit``."""
    if limit is not None and used + adding > limit:
        raise ResourceLimitExceeded(
            f"The account has {used} {what} of a quota of {limit}; adding {adding} would exceed it. "
            "Delete some or request a quota increase"
        )
