"""The clients the fixtures hand out, reused from test to test when nothing of one test can reach the next.

A boto3 client costs a few milliseconds to build, more than a whole mocked test otherwise; the mock answers
below the client, so a client holds no state of the fake. What a client does hold is reset or checked before
it is handed out again:

- its retry state: legacy retries keep none; standard retries keep a retry quota, which is refilled; any
  other mode (adaptive keeps a rate limiter) gets a new client every test;
- event handlers a test registered on ``client.meta.events``: such a client is never handed out again;
- the session it came from: a client is reused only while boto3's default session is the one it was made
  from (the environment a mock sets up decides which session that is, see ``sessions``).
"""

from __future__ import annotations

from typing import Any

_REGISTRATION = ("register", "register_first", "register_last", "unregister")
_kept: dict[tuple[str, str], tuple[Any, Any]] = {}  # (service, region) -> (session, client)


def _watch(client: Any) -> None:
    """Mark the client as touched as soon as a test registers or unregisters an event handler on it."""
    events = client.meta.events
    for name in _REGISTRATION:
        original = getattr(events, name)

        def watched(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            client._chime_proxy_touched = True
            return _original(*args, **kwargs)

        setattr(events, name, watched)
    client._chime_proxy_touched = False


def _refill_retry_quota(client: Any) -> bool:
    """Give a reused client a fresh retry state; False when that cannot be done (build a new client)."""
    mode = (client.meta.config.retries or {}).get("mode", "legacy")
    if mode == "legacy":
        return True
    if mode != "standard":
        return False
    try:
        from botocore.retries import quota

        name = client.meta.service_model.service_id.hyphenize()
        handler = client.meta.events._emitter._unique_id_handlers[f"retry-config-{name}"]["handler"].__self__
        handler._retry_quota._quota = quota.RetryQuota()
    except (AttributeError, KeyError, ImportError):
        return False
    return True


def client(service: str, region: str) -> Any:
    """A ``boto3.client(service, region_name=region)`` from boto3's default session, reused when safe."""
    import boto3

    session = boto3._get_default_session()
    kept = _kept.get((service, region))
    if kept is not None:
        kept_session, kept_client = kept
        if kept_session is session and not kept_client._chime_proxy_touched and _refill_retry_quota(kept_client):
            return kept_client
    made = session.client(service, region_name=region)
    _watch(made)
    _kept[(service, region)] = (session, made)
    return made
