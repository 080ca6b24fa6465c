"""Pagination as the service does it: opaque NextTokens that survive deletions, MaxResults capped by the model."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pytest_chime_proxy.core.domain.errors import BadRequest
from pytest_chime_proxy.core.domain.state import Scope
from pytest_chime_proxy.core.operations.registry import Data

T = TypeVar("T")
DEFAULT_PAGE = 100  # only when a model gives MaxResults no maximum; see model_cap


def model_cap(scope: Scope, operation: str) -> int:
    """The namespace model's maximum MaxResults for ``operation`` (ListProxySessions: 99 legacy, 100 voice)."""
    from pytest_chime_proxy.core.wire import spec as _spec

    model = _spec.load(scope.namespace)
    members = model.shape(model.operations[operation].input or "")["members"]
    return int(model.shape(members["MaxResults"]["shape"]).get("max", DEFAULT_PAGE))


def paginate(
    items: Sequence[T], params: Data, key: Callable[[T], Any], cap: int = DEFAULT_PAGE, ordered: bool = False
) -> tuple[list[T], str | None]:
    """One page after NextToken; the token names the last key returned, so deletions do not shift pages.

    ``ordered``: ``items`` are sorted by ``key``, so the page start is found by bisection, not a scan.

    Without MaxResults a page holds ``cap``, the namespace model's maximum (an assumption).
    """
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
            # inside the try: a forged token's key of another type ({"after": ""}) must not compare
            start = (
                bisect.bisect_right(items, after, key=key)
                if ordered
                else next((i for i, item in enumerate(items) if key(item) > after), len(items))
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise BadRequest(f"Invalid NextToken '{token}'") from None
    size = params.get("MaxResults") or cap
    page = list(items[start : start + size])
    more = start + size < len(items)
    next_token = base64.urlsafe_b64encode(json.dumps({"after": key(page[-1])}).encode()).decode() if more else None
    return page, next_token
