"""The input members that carry a secret, and a value with them taken out: what the call log, fault rules and
anything else that shows a request's parameters must never show (``redaction`` builds on it)."""

from __future__ import annotations

import json
from typing import Any

REDACTED = "REDACTED"
SECRET_MEMBERS = frozenset({"password"})  # body members (any case) that carry a secret


def params(value: Any, found: list[str] | None = None) -> Any:
    """Input members (nested) with every ``SECRET_MEMBERS`` value replaced by ``REDACTED``."""
    if isinstance(value, dict):
        kept = {}
        for k, v in value.items():
            if isinstance(k, str) and k.lower() in SECRET_MEMBERS:
                if found is not None:
                    found.extend(strings(v))
                kept[k] = REDACTED
            else:
                kept[k] = params(v, found)
        return kept
    if isinstance(value, list):
        return [params(v, found) for v in value]
    return value


def strings(value: Any) -> list[str]:
    """Every string in ``value`` (keys too), and every other scalar as JSON: what a secret member held."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [json.dumps(value)] if value is not None else []
