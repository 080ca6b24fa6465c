"""The one clock the fake reads. Tests move it; freezegun and time-machine move it too."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Union

When = Union[datetime, str, float, int]


def _timestamp(when: When) -> float:
    if isinstance(when, (int, float)):
        return float(when)
    if isinstance(when, str):
        when = datetime.fromisoformat(when.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


class Clock:
    """Time as the fake sees it: ``time.time()`` plus an offset, or a pinned instant.

    Reading ``time.time()`` on every call (rather than caching) is what lets freezegun and time-machine,
    which patch it, drive session expiry when a test uses them instead of this clock.
    """

    def __init__(self, start: When | None = None) -> None:
        self._offset = 0.0
        self._pinned: float | None = None if start is None else _timestamp(start)

    def time(self) -> float:
        """Seconds since the epoch, as the fake sees them."""
        base = time.time() if self._pinned is None else self._pinned
        return base + self._offset

    def now(self) -> datetime:
        """The fake's current time, an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), timezone.utc)

    def advance(self, delta: timedelta | float | None = None, *, days: float = 0, hours: float = 0,
                minutes: float = 0, seconds: float = 0) -> datetime:
        """Move time forward (``advance(minutes=61)``, ``advance(timedelta(hours=1))`` or seconds); returns now."""
        step = delta.total_seconds() if isinstance(delta, timedelta) else float(delta or 0)
        step += timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds()
        if step < 0:
            raise ValueError("the clock only moves forward; use set() to go to an earlier time")
        self._offset += step
        return self.now()

    def set(self, when: When) -> datetime:
        """Pin the clock at ``when`` (a datetime, ISO 8601 text or epoch seconds); it stays there until moved."""
        self._pinned = _timestamp(when)
        self._offset = 0.0
        return self.now()

    def unfreeze(self) -> None:
        """Follow real time again, keeping the current offset from it."""
        if self._pinned is not None:
            self._offset = self._pinned + self._offset - time.time()
            self._pinned = None

    def __repr__(self) -> str:
        return f"Clock({self.now().isoformat()}{', pinned' if self._pinned is not None else ''})"
