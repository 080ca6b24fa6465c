"""A process-wide patch shared by every active mock: the first ``acquire`` applies it, the last ``release``
removes it. Each adapter holds one, so which patches are in place is visible in one kind of object."""

from __future__ import annotations

import threading
from collections.abc import Callable


class SharedPatch:
    """Reference-counted ``apply``/``remove`` (thread-safe; an extra ``release`` is ignored)."""

    def __init__(
        self, apply: Callable[[], None], remove: Callable[[], None], available: Callable[[], bool] = lambda: True
    ) -> None:
        self.available = available  # False: the patched library is not installed, so there is nothing to do
        self._apply = apply
        self._remove = remove
        self._lock = threading.Lock()
        self._depth = 0

    @property
    def active(self) -> bool:
        """Whether the patch is in place."""
        return self._depth > 0

    def acquire(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._apply()  # raises before counting: nothing to undo
            self._depth += 1

    def release(self) -> None:
        with self._lock:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth == 0:
                self._remove()
