"""The ``phonenumbers`` library (libphonenumber's metadata), found by its distribution, never by its name alone.

``phonenumbers`` is a natural module name in telephony code (AWS's own CDK custom resource for Chime numbers
has a ``phonenumbers.py`` beside its handler): on ``sys.path`` ahead of site-packages it would shadow the
library, and a plain ``import phonenumbers`` would both break the fake and run the user's module. So the
library is located through its installed distribution; where the name already resolves to that file it is
imported normally (one shared copy), otherwise it is loaded under a private name, leaving the user's
``phonenumbers`` untouched.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PRIVATE_NAME = "_pytest_chime_proxy_phonenumbers"
_DISTRIBUTIONS = ("phonenumbers", "phonenumberslite")


def _installed_init() -> Path | None:
    """The library's ``phonenumbers/__init__.py`` as its distribution installed it."""
    for name in _DISTRIBUTIONS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        init = Path(str(dist.locate_file("phonenumbers/__init__.py")))
        if init.is_file():
            return init.resolve()
    return None


def _same_file(origin: str | None, init: Path) -> bool:
    return origin is not None and Path(origin).resolve() == init


_found: ModuleType | None = None


def library() -> ModuleType:
    """The real ``phonenumbers`` package, whatever ``phonenumbers`` means on ``sys.path`` or in ``sys.modules``.

    Found once, and again when that copy has left ``sys.modules`` (pytester's in-process runs put
    ``sys.modules`` back as it was): the library loads its per-country metadata into the package registered
    under its name, so a copy no longer registered would never get any.
    """
    global _found
    if _found is None or sys.modules.get(_found.__name__) is not _found:
        _found = _locate()
    return _found


def _locate() -> ModuleType:
    init = _installed_init()
    if init is None:  # no distribution metadata (a vendored copy): the name is all there is
        return importlib.import_module("phonenumbers")
    loaded = sys.modules.get("phonenumbers")
    if loaded is not None:
        if _same_file(getattr(loaded, "__file__", None), init):
            return loaded
    else:
        try:
            found = importlib.util.find_spec("phonenumbers")  # finds without importing
        except (ImportError, ValueError):
            found = None
        if found is not None and _same_file(found.origin, init):
            return importlib.import_module("phonenumbers")
    private = sys.modules.get(PRIVATE_NAME)
    if private is not None:
        return private
    spec = importlib.util.spec_from_file_location(PRIVATE_NAME, init, submodule_search_locations=[str(init.parent)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PRIVATE_NAME] = module  # its relative imports (.util, .data ...) resolve through this entry
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PRIVATE_NAME]
        raise
    return module


def submodule(name: str) -> ModuleType:
    """A submodule of the library (``geocoder``), from the same copy as ``library()``."""
    return importlib.import_module(f"{library().__name__}.{name}")
