"""The operation registry: operation name -> handler, the one list of emulated operations.

Handlers live in this package's modules, one module per resource; each registers itself with
``@operation("Name")`` and is found by ``load`` (every module of the package is imported once), so adding an
operation is one handler in one module plus the regenerated snapshots (``tools/snapshot_spec.py`` reads this).
A request needs only its own handler's module: ``handler`` imports just that one, found by reading the
package's source for the decorator (any handler it cannot place that way makes it ``load`` them all).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pytest_chime_proxy.core.domain.errors import NotEmulated
from pytest_chime_proxy.core.domain.state import Scope

Data = dict[str, Any]
Handler = Callable[[Scope, Data], "Data | None"]
H = TypeVar("H", bound=Handler)

HANDLERS: dict[str, Handler] = {}
"""Operation name -> handler (filled by ``load``)."""
_loaded = False
_PACKAGE = __name__.rpartition(".")[0]
_REGISTERED = re.compile(r"^@operation\(\s*\"([A-Za-z0-9]+)\"\s*\)", re.M)
_where: dict[str, str] | None = None  # operation name -> its module, read from the source by ``_index``


def operation(name: str) -> Callable[[H], H]:
    """Register a handler under the operation name the service models use (``CreateProxySession``)."""

    def register(handler: H) -> H:
        known = HANDLERS.get(name)
        if known is not None and _origin(known) != _origin(handler):
            raise ValueError(f"operation {name} is registered twice ({_origin(known)}, {_origin(handler)})")
        HANDLERS[name] = handler  # the same handler from a module imported again: its newest copy answers
        return handler

    return register


def _origin(handler: Handler) -> str:
    """Where a handler is written: a module imported again (pytester's in-process runs put ``sys.modules``
    back, so a module first imported inside one is imported anew after it) registers the same origins."""
    return f"{handler.__module__}.{handler.__qualname__}"


def load() -> dict[str, Handler]:
    """Import every handler module of the package (once) and return the registry."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(importlib.import_module(_PACKAGE).__path__):
            if module.name not in ("registry", "paging"):
                importlib.import_module(f"{_PACKAGE}.{module.name}")
        _loaded = True
    return HANDLERS


def _index() -> dict[str, str]:
    """Operation name -> the module whose source registers it with a literal ``@operation("Name")`` (empty
    where the source cannot be read: ``handler`` then loads every module)."""
    global _where
    if _where is None:
        found: dict[str, str] = {}
        try:
            for path in Path(__file__).parent.glob("*.py"):
                found.update(dict.fromkeys(_REGISTERED.findall(path.read_text(encoding="utf-8")), path.stem))
        except (OSError, UnicodeDecodeError):
            found = {}
        _where = found
    return _where


def handler(name: str) -> Handler:
    """The handler of a routed operation; one the snapshot routes but nothing answers is the loud 501."""
    found = HANDLERS.get(name)
    if found is None and not _loaded:
        module = _index().get(name)
        if module is not None:
            importlib.import_module(f"{_PACKAGE}.{module}")
            found = HANDLERS.get(name)
        if found is None:
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
