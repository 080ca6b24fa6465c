"""Tags, and the ARN resolver that finds the record an ARN names.

An ARN is ``arn:<partition>:chime:<region>:<account>:<type>/<id>``; ``RESOLVERS`` maps ``<type>`` to a function
(scope, id) -> the record, or None when the account has none. A record is taggable when it has a ``tags`` dict.
Another resource kind registers itself with one line in its own domain module::

    tags.register("voice-profile-domain", lambda scope, rid: scope.account.voice_profile_domains.get(rid))

Lookups are dictionary reads: infrastructure tools list a resource's tags on every read of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from pytest_chime_proxy.core.domain.errors import BadRequest, NotFound, ResourceLimitExceeded
from pytest_chime_proxy.core.domain.state import Scope

# TagList's max in both models, and AWS's usual limit of tags per resource.
MAX_TAGS = 50
_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):chime:(?P<region>[a-z0-9-]*):(?P<account>\d{12}):(?P<kind>[a-z-]+)/(?P<id>.+)"
)


class Tagged(Protocol):
    tags: dict[str, str]


Resolver = Callable[[Scope, str], Any]
RESOLVERS: dict[str, Resolver] = {}


def register(kind: str, resolve: Resolver) -> None:
    """Make ARNs of resource type ``kind`` (``vc``, ``sip-media-application`` ...) taggable."""
    RESOLVERS[kind] = resolve


def _visible_connector(scope: Scope, rid: str) -> Any:
    vc = scope.account.voice_connectors.get(rid)
    return vc if vc is not None and scope.sees(vc) else None


def _visible_sma(scope: Scope, rid: str) -> Any:
    sma = scope.account.sip_media_applications.get(rid)
    return sma if sma is not None and (scope.namespace == "chime" or sma.AwsRegion == scope.region) else None


register("vc", _visible_connector)
register("sip-media-application", _visible_sma)


def resolve(scope: Scope, arn: str) -> Tagged:
    """The taggable record ``arn`` names: BadRequest for an ARN no taggable kind has, NotFound when the account
    (as this endpoint sees it) has no such resource."""
    m = _ARN.fullmatch(arn)
    if scope.namespace == "chime":
        # The legacy reference: TagResource/UntagResource apply to "Amazon Chime SDK meeting resources";
        # ListTagsForResource to meeting and messaging resources. The fake keeps neither.
        if m is not None and m["kind"] == "meeting":
            raise NotFound(f"Resource {arn} not found")
        raise BadRequest(
            f"Invalid resource ARN '{arn}': the chime namespace tags Amazon Chime SDK meeting resources only; "
            "tag voice connectors and SIP media applications through chime-sdk-voice"
        )
    if m is None or m["kind"] not in RESOLVERS:
        kinds = ", ".join(sorted(RESOLVERS))
        raise BadRequest(
            f"Invalid resource ARN '{arn}': expected arn:aws:chime:<region>:<account>:<type>/<id> with type one "
            f"of {kinds}"
        )
    found = None
    if m["account"] == scope.account.account_id and m["region"] == scope.region:  # a regional endpoint's own
        found = RESOLVERS[m["kind"]](scope, m["id"])
    if found is None:
        raise NotFound(f"Resource {arn} not found")
    return found  # type: ignore[no-any-return]


def _apply(record: Tagged, tags: Iterable[Mapping[str, str]]) -> None:
    """Set ``tags`` on ``record`` (a later duplicate key wins), refusing more than MAX_TAGS in all."""
    new = {t["Key"]: t["Value"] for t in tags}
    total = len(record.tags.keys() | new.keys())
    if total > MAX_TAGS:
        raise ResourceLimitExceeded(
            f"A resource can have at most {MAX_TAGS} tags; this request would give it {total}. Remove some first"
        )
    record.tags.update(new)


def initial(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """The tags a Create call gives a new record."""
    return {t["Key"]: t["Value"] for t in tags or ()}


def tag(scope: Scope, arn: str, tags: list[Mapping[str, str]]) -> None:
    _apply(resolve(scope, arn), tags)


def untag(scope: Scope, arn: str, keys: list[str]) -> None:
    """Remove ``keys``; a key the resource does not have is ignored (AWS's tagging convention)."""
    record = resolve(scope, arn)
    for key in keys:
        record.tags.pop(key, None)


def list_tags(scope: Scope, arn: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in resolve(scope, arn).tags.items()]
