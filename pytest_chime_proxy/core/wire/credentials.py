"""Who signed a request: the SigV4 scope's access key id and region, the account it names, and the fake keys.

The fake keys are what every fake credential is (the environment a mock sets, clients made without
credentials, the server's printed environment); they are no secret, so redaction keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

FAKE_ACCESS_KEY = "testing"
FAKE_SECRET_KEY = "testing"
FAKE_KEYS: Mapping[str, str] = {"AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY}

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
_SCOPE_END = re.compile(r"[,\s]")  # what ends a Credential= component


def credential(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(access key id, signing region) from a SigV4 Authorization header.

    A match is tried only where a ``Credential=`` starts, and cannot run past the next comma or whitespace;
    after a miss the search resumes beyond that delimiter, so a hostile header costs linear time.
    """
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    if isinstance(auth, bytes):
        auth = auth.decode(errors="replace")
    start = auth.find("Credential=")
    while start >= 0:
        m = _CREDENTIAL.match(auth, start)
        if m:
            return m.group(1), m.group(2)
        end = _SCOPE_END.search(auth, start + 11)
        if end is None:
            break
        start = auth.find("Credential=", end.end())
    return None, None


def account_for(access_key: str | None, default: str) -> str:
    """moto's rule: a 12-digit access key id names the account; any other key uses the default account."""
    return access_key if access_key and len(access_key) == 12 and access_key.isdigit() else default
