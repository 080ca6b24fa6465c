"""Side by side with moto: keep moto's ``mock_aws`` from answering Chime requests with "not implemented".

moto answers every ``*.amazonaws.com`` request it has no backend for (it has none for Chime) with a 404 in
its botocore ``before-send`` hook, which runs before this package's endpoint patch, and with a 400 in its
``responses`` mock. moto's own configuration has the way out: URLs listed in
``default_user_config["core"]["passthrough"]["urls"]`` are left alone by both. While a mock is active the
Chime host pattern is in that list, and it is taken out again when the last mock stops. moto imported only
after a mock started (``with mock_chime_proxy(): import moto; with moto.mock_aws(): ...``) gets the pattern
as its configuration module loads (``after_import``). A ``mock_aws(config={"core": {...}})`` that replaces the
whole ``core`` section replaces the list too; add ``CHIME_URLS`` to its ``passthrough.urls`` in that case.
"""

from __future__ import annotations

from typing import Any

from pytest_chime_proxy.core.wire.routing import HOSTS
from pytest_chime_proxy.patching import after_import
from pytest_chime_proxy.patching.shared_patch import SharedPatch

# The hosts of routing.resolve_host, as one URL pattern (moto matches it with re.match on the URL).
CHIME_URLS = rf"https?://{HOSTS}(?::\d+)?/"


def _add(config: Any) -> list[Any] | None:
    """The pattern added to moto's passthrough list; returns that list (None: the pattern was there already)."""
    core = getattr(config, "default_user_config", {}).setdefault("core", {})
    urls: list[Any] = core.setdefault("passthrough", {}).setdefault("urls", [])
    if CHIME_URLS in urls:
        return None
    urls.append(CHIME_URLS)
    return urls


def _take_out(_: Any, added_to: list[Any] | None) -> None:
    if added_to is not None and CHIME_URLS in added_to:
        added_to.remove(CHIME_URLS)


_config = after_import.ModulePatch("moto.core.config", _add, _take_out)
patch = SharedPatch(_config.want, _config.unwant)
