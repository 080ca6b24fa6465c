"""pydantic's validator engine, loaded without the schema helpers validation does not use.

``import pydantic_core`` also imports ``pydantic_core.core_schema``, some two hundred ``TypedDict`` helpers
for writing schemas: two thirds of the package's import and the largest single part of a fresh process's
first request. The validators need only the compiled extension, whose ``SchemaValidator`` and
``ValidationError`` the package re-exports, and take their schemas as plain dicts. So the extension is
loaded from the package's folder by the standard extension loader, and ``sys.modules`` is left as it was:
a later ``import pydantic_core`` (the user's, or pydantic's) imports the package as usual and gets the very
same classes. Where the package is imported already, or its extension is not found that way, the package
is imported as usual.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

EXTENSION = "pydantic_core._pydantic_core"
_engine: ModuleType | None = None
_lock = threading.Lock()


def engine() -> Any:
    """The module holding ``SchemaValidator`` and ``ValidationError`` (loaded once per process)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = _load()
    return _engine


def _load() -> ModuleType:
    if "pydantic_core" in sys.modules or EXTENSION in sys.modules:
        return importlib.import_module(EXTENSION)
    spec = _extension_spec()
    if spec is None or spec.loader is None:
        return importlib.import_module(EXTENSION)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        # a single-phase extension puts itself in sys.modules; without its package there it would be half an
        # import, so the package's own import later loads it the usual way (and gets the same classes)
        sys.modules.pop(EXTENSION, None)
    return module


def _extension_spec() -> importlib.machinery.ModuleSpec | None:
    """Where the extension is, found as the import system would find it inside its package (not imported)."""
    package = importlib.util.find_spec("pydantic_core")
    for folder in (package.submodule_search_locations or ()) if package else ():
        finder = importlib.machinery.FileFinder(
            folder, (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES)
        )
        found = finder.find_spec(EXTENSION)
        if found is not None:
            return found
    return None
