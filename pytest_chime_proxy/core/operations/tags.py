"""Tags: TagResource, UntagResource and ListTagsForResource on any resource kind ``domain.tags`` resolves."""

from __future__ import annotations

from pytest_chime_proxy.core.domain import tags
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.registry import Data, operation


@operation("TagResource")
def tag_resource(scope: Scope, p: Data) -> None:
    tags.tag(scope, p["ResourceARN"], p["Tags"])


@operation("UntagResource")
def untag_resource(scope: Scope, p: Data) -> None:
    tags.untag(scope, p["ResourceARN"], p["TagKeys"])


@operation("ListTagsForResource")
def list_tags_for_resource(scope: Scope, p: Data) -> Data:
    return {"Tags": tags.list_tags(scope, p["ResourceARN"])}
