"""Side by side with moto: keep moto's ``mock_aws`` from answering Chime requests with "not implemented".

moto answers every ``*.amazonaws.com`` request it has no backend for (it has none for Chime) with a 404 in
its botocore ``before-send`` hook, which runs before this package's endpoint patch, and with a 400 in its
``responses`` mock. moto's own configuration has the way out: URLs listed in
``default_user_config["core"]["passthrough"]["urls"]`` are left alone by both. While a mock is active the
Chime host pattern is in that list, and it is taken out again when the last mock stops. moto imported only
after a mock started (``with mock_chime_proxy(): import moto; with moto.mock_aws(): ...``) gets the pattern
as its configuration module loads: an import hook waits for it while a mock is active. A ``mock_aws(config={"core": {...}})`` that replaces the whole ``core`` section replaces the list
too; add ``CHIME_URLS`` to its ``passthrough.urls`` in that case.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from pytest_chime_proxy.patching.shared_patch import SharedPatch

# The hosts of routing.resolve_host, as one URL pattern (moto matches it with re.match on the URL).
CHIME_URLS = (
    r"https?://(?:voice-chime(?:-fips)?\.[a-z0-9-]+\.(?:amazonaws\.com|api\.aws)"
    r"|chime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com|service\.chime\.aws\.amazon\.com)(?::\d+)?/"
)

_added_to: list[Any] | None = None


def _passthrough_urls() -> list[Any] | None:
    config = sys.modules.get("moto.core.config")
    if config is None:  # moto not imported: nothing to keep out of the way
        return None
    core = getattr(config, "default_user_config", {}).setdefault("core", {})
    urls: list[Any] = core.setdefault("passthrough", {}).setdefault("urls", [])
    return urls


_CONFIG = "moto.core.config"


class _LoadedThen(importlib.abc.Loader):
    """The config module's own loader, then the pattern added."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        if _hook in sys.meta_path:  # still waiting: a mock is active
            _add()


class _WaitForMoto(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps the loader of moto's configuration module when it is imported."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _CONFIG:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _LoadedThen(spec.loader)
                return spec
        return None


_hook = _WaitForMoto()


def _add() -> None:
    global _added_to
    urls = _passthrough_urls()
    if urls is not None and CHIME_URLS not in urls:
        urls.append(CHIME_URLS)
        _added_to = urls


def _apply() -> None:
    if _CONFIG in sys.modules:
        _add()
    elif _hook not in sys.meta_path:
        sys.meta_path.insert(0, _hook)


def _remove() -> None:
    global _added_to
    if _hook in sys.meta_path:
        sys.meta_path.remove(_hook)
    if _added_to is not None and CHIME_URLS in _added_to:
        _added_to.remove(CHIME_URLS)
    _added_to = None


patch = SharedPatch(_apply, _remove)
