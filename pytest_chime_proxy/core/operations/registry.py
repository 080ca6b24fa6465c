"""The operation registry: operation name -> handler, the one list of emulated operations.

Handlers live in this package's modules, one module per resource; each registers itself with
``@operation("Name")`` and is found by ``load`` (every module of the package is imported once), so adding an
operation is one handler in one module plus the regenerated snapshots (``tools/snapshot_spec.py`` reads this).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any, TypeVar

from pytest_chime_proxy.core.domain.errors import NotEmulated
from pytest_chime_proxy.core.domain.state import Scope

Data = dict[str, Any]
Handler = Callable[[Scope, Data], "Data | None"]
H = TypeVar("H", bound=Handler)

HANDLERS: dict[str, Handler] = {}
"""Operation name -> handler (filled by ``load``)."""
_loaded = False


def operation(name: str) -> Callable[[H], H]:
    """Register a handler under the operation name the service models use (``CreateProxySession``)."""

    def register(handler: H) -> H:
        if name in HANDLERS:
            raise ValueError(f"operation {name} is registered twice ({HANDLERS[name].__name__}, {handler.__name__})")
        HANDLERS[name] = handler
        return handler

    return register


def load() -> dict[str, Handler]:
    """Import every handler module of the package (once) and return the registry."""
    global _loaded
    if not _loaded:
        _loaded = True
        package = __name__.rpartition(".")[0]
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if module.name not in ("registry", "paging"):
                importlib.import_module(f"{package}.{module.name}")
    return HANDLERS


def handler(name: str) -> Handler:
    """The handler of a routed operation; one the snapshot routes but nothing answers is the loud 501."""
    found = load().get(name)
    if found is None:
        raise NotEmulated(
            f"pytest-chime-proxy routes operation {name} but has no handler for it; "
            "register one with @operation in a module of pytest_chime_proxy/core/operations/"
        )
    return found


def emulated() -> list[str]:
    """The emulated operations, sorted."""
    return sorted(load())
