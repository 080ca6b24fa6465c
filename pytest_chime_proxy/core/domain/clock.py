"""The one clock the fake reads. Tests move it; freezegun and time-machine move it too."""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol

When = datetime | str | float | int

# The instants the clock may show: what ``datetime`` can hold, with a day at the start and a year at the end
# to spare, so that real time passing (the clock follows ``time.time()`` unless pinned) and the arithmetic
# done on its readings (expiry, ``timedelta`` sums) cannot step outside them.
EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)
LATEST = datetime(9999, 1, 1, tzinfo=timezone.utc)
# Where the waits the fake makes itself (injected latency, retry backoff, virtual sleep) stop the clock: past
# LATEST, so a test can still wait after moving the clock to its end, and far enough from datetime's own end
# that every instant the domain derives from a reading (an order's delay, a number's 7-day deletion queue, a
# session's 12-hour expiry) can still be written. Such a wait is never refused (it is no move the test asked
# for, and a refusal would turn every later request into an error): the clock stands still at END.
END = datetime(9999, 11, 1, tzinfo=timezone.utc)
_EARLIEST_TS, _LATEST_TS, _END_TS = EARLIEST.timestamp(), LATEST.timestamp(), END.timestamp()


def _timestamp(when: When) -> float:
    """Epoch seconds of ``when``; ValueError (never OverflowError or TypeError) for what is no instant."""
    if isinstance(when, bool) or not isinstance(when, (datetime, str, float, int)):
        raise ValueError(f"a time is a datetime, ISO 8601 text or epoch seconds, not {type(when).__name__}")
    if isinstance(when, (int, float)):
        try:
            seconds = float(when)
        except OverflowError:  # an int too large for a float
            seconds = math.inf
    else:
        if isinstance(when, str):
            try:
                when = datetime.fromisoformat(when.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"not an ISO 8601 time: {when!r} (e.g. 2024-05-01T10:00:00Z)") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        try:
            seconds = when.timestamp()
        except (OverflowError, ValueError):  # an aware time just outside datetime's range in UTC
            seconds = math.inf
    _check_range(seconds, repr(when))
    return seconds


def _check_range(seconds: float, what: str) -> None:
    if not math.isfinite(seconds) or not _EARLIEST_TS <= seconds <= _LATEST_TS:
        what = what if len(what) <= 60 else what[:57] + "..."
        raise ValueError(f"the clock cannot show {what}: it runs from {EARLIEST.date()} to {LATEST.date()}")


class TimeSource(Protocol):
    """Where a clock reads and moves time while the application's clocks are linked to it (see ``link``)."""

    def time(self) -> float: ...
    def shift(self, seconds: float) -> None: ...
    def move_to(self, seconds: float, *, tick: bool) -> None: ...


class Clock:
    """Time as the fake sees it: ``time.time()`` plus an offset, or a pinned instant.

    Reading ``time.time()`` on every call (rather than caching) is what lets freezegun and time-machine,
    which patch it, drive session expiry when a test uses them instead of this clock. While a ``TimeSource``
    is linked (``link``: the application's clocks follow this one), the source is the time and every move
    goes to it.
    """

    def __init__(self, start: When | None = None) -> None:
        self._offset = 0.0
        self._pinned: float | None = None if start is None else _timestamp(start)
        self._source: TimeSource | None = None

    @property
    def pinned(self) -> bool:
        """Whether the clock stands still between moves (made with a start time, or ``set``)."""
        return self._pinned is not None

    def link(self, source: TimeSource) -> None:
        """From now on read and move time through ``source`` (which starts at this clock's time)."""
        self._source = source

    def unlink(self, now: float) -> None:
        """Back to the clock's own time, at ``now`` (where the source had it), pinned if the clock was pinned.

        Called once the source no longer moves the process's clocks, so ``time.time()`` is the real one.
        """
        if self._source is None:
            return
        self._source = None
        if self._pinned is not None:
            self._pinned, self._offset = now, 0.0
        else:
            self._offset = now - time.time()

    def time(self) -> float:
        """Seconds since the epoch, as the fake sees them."""
        if self._source is not None:
            return self._source.time()
        base = time.time() if self._pinned is None else self._pinned
        return base + self._offset

    def now(self) -> datetime:
        """The fake's current time, an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), timezone.utc)

    def advance(
        self,
        delta: timedelta | float | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move time forward (``advance(minutes=61)``, ``advance(timedelta(hours=1))`` or seconds); returns now.

        A move that is not a finite number, goes backwards or would leave the clock's range (``LATEST``) is
        refused with ValueError before anything changes.
        """
        parts = [
            delta.total_seconds() if isinstance(delta, timedelta) else delta or 0,
            days * 86400,
            hours * 3600,
            minutes * 60,
            seconds,
        ]
        try:
            step = math.fsum(float(part) for part in parts)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(
                f"clock.advance() takes numbers of days/hours/minutes/seconds or a timedelta, got {parts!r}"
            ) from None
        if not math.isfinite(step):
            raise ValueError(f"clock.advance(): the step must be a finite number of seconds, got {step}")
        if step < 0:
            raise ValueError("the clock only moves forward; use set() to go to an earlier time")
        _check_range(self.time() + step, f"now + {step} seconds")
        if self._source is not None:
            self._source.shift(step)
        else:
            self._offset += step
        return self.now()

    def wait(self, seconds: float) -> None:
        """A wait the fake makes itself (latency, backoff, virtual sleep): ``seconds`` forward, stopping at
        ``END``; never refused (a negative or non-finite wait is no wait)."""
        if not seconds > 0 or not math.isfinite(seconds):
            return
        step = max(0.0, min(seconds, _END_TS - self.time()))
        if self._source is not None:  # the application's clocks follow (see ``link``)
            self._source.shift(step)
        else:
            self._offset += step

    def set(self, when: When) -> datetime:
        """Pin the clock at ``when`` (a datetime, ISO 8601 text or epoch seconds); it stays there until moved.

        What is no instant in the clock's range is refused with ValueError before anything changes.
        """
        pinned = _timestamp(when)
        if self._source is not None:
            self._source.move_to(pinned, tick=False)
        self._pinned = pinned
        self._offset = 0.0
        return self.now()

    def unfreeze(self) -> None:
        """Follow real time again, keeping the current offset from it."""
        if self._source is not None:
            self._source.move_to(self._source.time(), tick=True)
            self._pinned = None
        elif self._pinned is not None:
            self._offset = self._pinned + self._offset - time.time()
            self._pinned = None

    def __repr__(self) -> str:
        return f"Clock({self.now().isoformat()}{', pinned' if self._pinned is not None else ''})"
