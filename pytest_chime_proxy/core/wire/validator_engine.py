"""pydantic's validator engine, loaded without the schema helpers validation does not use.

``import pydantic_core`` also imports ``pydantic_core.core_schema``, some two hundred ``TypedDict`` helpers
for writing schemas: two thirds of the package's import and the largest single part of a fresh process's
first request. The validators need only the compiled extension, whose ``SchemaValidator`` and
``ValidationError`` the package re-exports, and take their schemas as plain dicts. So the extension is
loaded from the package's folder by the standard extension loader, and ``sys.modules`` is left as it was:
a later ``import pydantic_core`` (the user's, or pydantic's) imports the package as usual and gets the very
same classes. Where the package is imported already, its extension is not found that way, or the extension
is one that registers itself while it loads (older pydantic-core), the package is imported as usual.
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
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if sys.modules.get(EXTENSION) is module:
        # A single-phase extension (older pydantic-core) puts itself in sys.modules as it loads, as the import
        # system would; taking it out again could break another thread's import of it midway. So the package
        # is imported as usual (no time saved), and given its extension as the import system gives it.
        package = importlib.import_module("pydantic_core")
        if getattr(package, "_pydantic_core", None) is None:
            package._pydantic_core = module  # type: ignore[attr-defined]
    return module


def _extension_spec() -> importlib.machinery.ModuleSpec | None:
    """Where the extension is: the package is found through ``sys.meta_path`` (not imported), the extension in
    its folder by the standard extension finder."""
    package = importlib.util.find_spec("pydantic_core")
    for folder in (package.submodule_search_locations or ()) if package else ():
        finder = importlib.machinery.FileFinder(
            folder, (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES)
        )
        found = finder.find_spec(EXTENSION)
        if found is not None:
            return found
    return None
