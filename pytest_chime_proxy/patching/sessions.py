"""boto3 default sessions kept across mocks: a test's ``boto3.client()`` does not rebuild botocore's session.

A new botocore session re-reads and re-parses every model file it needs (endpoints, partitions, the service
model, its endpoint rules), which is most of what a test under a mock would otherwise cost. Inside a mock the
environment is the fake one, so the default session boto3 builds there is the same every time the
environment is the same: it is kept, keyed by every ``AWS_*`` variable in force (the fake keys, the generated
config file, the caller's non-secret settings) and botocore's built-in handlers, and given back as boto3's default session the next time a
mock starts with an identical environment. Only a plain default session is kept (one boto3 made itself, with
no profile or region argument), and never one from outside a mock.

What a test does to boto3's default session (registering event handlers on it, say) therefore lasts into the
next mocked test, exactly as it does between unmocked tests, where boto3 keeps one default session too.
"""

from __future__ import annotations

import hashlib
import sys
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from pytest_chime_proxy.core.wire.credentials import FAKE_ACCESS_KEY
from pytest_chime_proxy.patching.shared_patch import SharedPatch

MAX_KEPT = 8
_kept: OrderedDict[str, Any] = OrderedDict()


def _key(environment: Mapping[str, str]) -> str:
    """A digest of ``environment``'s AWS variables (never the values themselves: no secret is kept here)."""
    # botocore's built-in handlers are copied into a session when it is made: a library that adds one later
    # (moto does, at import) must get a new session, or its handler would be missing from the kept one
    handlers = sys.modules.get("botocore.handlers")
    count = len(handlers.BUILTIN_HANDLERS) if handlers is not None else 0
    items = sorted((k, v) for k, v in environment.items() if k.startswith(("AWS_", "BOTO_")))
    return hashlib.sha256(repr((count, items)).encode()).hexdigest()


def kept(environment: Mapping[str, str]) -> Any:
    """The session kept for ``environment`` (the variables in force), or None (boto3 then builds one)."""
    key = _key(environment)
    session = _kept.get(key)
    if session is not None:
        _kept.move_to_end(key)
    return session


def keep(session: Any, environment: Mapping[str, str]) -> None:
    """Keep boto3's default session as the mock leaves it, if it is a plain one made in ``environment`` (the
    variables in force)."""
    if session is None or any(session is s for s in _kept.values()):
        return
    core = getattr(session, "_session", None)
    if core is None or core.instance_variables():
        return  # boto3.setup_default_session(profile_name=..., region_name=...): not the plain default
    credentials = getattr(core, "_credentials", None)
    if credentials is not None and getattr(credentials, "access_key", None) != FAKE_ACCESS_KEY:
        return  # keys given in code: never kept
    _kept[_key(environment)] = session
    while len(_kept) > MAX_KEPT:
        _kept.popitem(last=False)


# ---- clients made from a kept session share its event-name aliases ------------------------------------------
# botocore's EventAliaser works out, per client and per event name, which aliases apply (a pure function of
# the name and the alias table) and caches it in a dict of its own: a new client computes it afresh for each
# of the dozen events of its first call, most of a new client's first-call cost. While a mock is active a
# copied aliaser with the same alias table shares the original's cache instead of starting an empty one.
_original_copy: Any = None


def _shared_cache_copy(aliaser: Any) -> Any:
    copied = _original_copy(aliaser)
    if copied._event_aliases == aliaser._event_aliases:
        copied._alias_name_cache = aliaser._alias_name_cache
    return copied


def _apply() -> None:
    global _original_copy
    from botocore.hooks import EventAliaser

    _original_copy = EventAliaser.__copy__
    EventAliaser.__copy__ = _shared_cache_copy


def _remove() -> None:
    global _original_copy
    from botocore.hooks import EventAliaser

    EventAliaser.__copy__ = _original_copy
    _original_copy = None


alias_cache = SharedPatch(_apply, _remove)
