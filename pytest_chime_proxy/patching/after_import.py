"""Code run the moment a module finishes importing, before the importing code gets it: how a patch waits for
its library without importing it.

A library never used costs nothing (aiobotocore with aiohttp and asyncio is a fifth of a second; ``responses``
with ``requests`` a tenth), and one imported after the mock started is patched before any code can use it,
in whatever thread imports it. One meta-path finder (``_Finder``), first on ``sys.meta_path`` while anything
is watched, finds nothing itself: for a watched name it lets the finders after it find the module and wraps
the loader they return, so the watcher runs right after the module's code.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

Watcher = Callable[[str], bool]  # called with the module just imported; True: done, stop watching

_lock = threading.RLock()  # guards _watchers; never held while importing or while a watcher runs
_watchers: dict[Watcher, tuple[str, ...]] = {}


def importing(name: str) -> bool:
    """Whether module ``name`` is being imported now (in ``sys.modules`` but not yet executed to its end)."""
    spec = getattr(sys.modules.get(name), "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


def ready(name: str, finished: str = "") -> ModuleType | None:
    """Module ``name`` if it is imported to its end (``finished``: the module whose code just ran to its end,
    still marked as being imported); None otherwise."""
    module = sys.modules.get(name)
    if module is None or (name != finished and importing(name)):
        return None
    return module


def settle(names: Sequence[str]) -> None:
    """Wait for imports of ``names`` that another thread had begun before the hook was there (their loader was
    found without it, so nothing would run when they finish): ``import_module`` returns once they are done."""
    for name in names:
        if importing(name):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the importing thread gets its own error; nothing to patch then
                pass


def _set_meta_path(change: Callable[[list[Any]], None]) -> None:
    """Change ``sys.meta_path`` by putting a changed copy in its place: an import in another thread walks the
    list it started with, which an insert or remove in place would shift under it (a finder skipped)."""
    finders = list(sys.meta_path)
    change(finders)
    sys.meta_path = finders


def watch(names: Sequence[str], watcher: Watcher) -> None:
    """Call ``watcher(name)`` each time one of ``names`` finishes importing, until it returns True or
    ``unwatch``. (A module imported already is the caller's to handle: nothing runs for it here.)"""
    with _lock:
        _watchers[watcher] = tuple(names)
        if _finder not in sys.meta_path:
            _set_meta_path(lambda finders: finders.insert(0, _finder))


def unwatch(watcher: Watcher) -> None:
    """Stop calling ``watcher``; the finder leaves ``sys.meta_path`` with the last one."""
    with _lock:
        _watchers.pop(watcher, None)
        if not _watchers and _finder in sys.meta_path:
            _set_meta_path(lambda finders: finders.remove(_finder))


def _finished(name: str) -> None:
    with _lock:
        due = [watcher for watcher, names in _watchers.items() if name in names]
    for watcher in due:
        if watcher(name):
            unwatch(watcher)


class _ThenRun:
    """A watched module's loader, wrapped: runs it, then the watchers, before the import returns the module."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        create = getattr(self.loader, "create_module", None)
        return None if create is None else create(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader  # the module keeps nothing of the hook
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _finished(module.__name__)

    def __getattr__(self, name: str) -> Any:  # get_resource_reader, is_package...: the real loader's
        return getattr(self.loader, name)


class _Finder:
    """Finds nothing itself: wraps the loader the finders after it return for a watched name."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: Any = None) -> ModuleSpec | None:
        with _lock:
            watched = any(fullname in names for names in _watchers.values())
        if not watched:
            return None
        finders = sys.meta_path
        after = finders[finders.index(self) + 1 :] if self in finders else finders
        for finder in after:
            find = getattr(finder, "find_spec", None)
            spec = None if find is None else find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ThenRun(spec.loader)
                return spec  # type: ignore[no-any-return]
        return None


_finder = _Finder()


class ModulePatch:
    """A patch of one module, in place while wanted, on every copy of the module imported meanwhile.

    ``apply(module)`` runs when both hold -- at ``want`` for a module imported already (once an import another
    thread had begun is done), or the moment an import finishes -- and returns what ``remove(module, token)``
    needs to undo exactly that (the class it patched, say: a reload may bind a new one). A module imported
    again under its name (its ``sys.modules`` entry dropped, as pytester's runs do) is patched too.
    """

    def __init__(
        self, name: str, apply: Callable[[ModuleType], object], remove: Callable[[ModuleType, Any], None]
    ) -> None:
        self.name = name
        self._apply = apply
        self._remove = remove
        self._lock = threading.RLock()  # an RLock: a lazily loaded module's import can call back in
        self._wanted = False
        self._applied: list[tuple[ModuleType, Any]] = []  # each copy patched, with its token

    def want(self) -> None:
        with self._lock:
            self._wanted = True
        watch((self.name,), self._imported)
        settle((self.name,))
        self._sync()

    def unwant(self) -> None:
        unwatch(self._imported)
        with self._lock:
            self._wanted = False
        self._sync()

    def _imported(self, name: str) -> bool:
        self._sync(finished=name)
        return False  # keep watching while wanted: a later import under the name is a new copy

    def _sync(self, finished: str = "") -> None:
        """Apply to the module now under the name if it is not patched yet, or remove from every copy."""
        module = ready(self.name, finished)  # outside the lock: reading a lazy module loads it
        with self._lock:
            if self._wanted:
                if module is not None and all(module is not done for done, _ in self._applied):
                    self._applied.append((module, self._apply(module)))
            else:
                while self._applied:
                    done, token = self._applied.pop()
                    self._remove(done, token)
