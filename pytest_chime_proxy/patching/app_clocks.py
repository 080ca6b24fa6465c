"""The application's clocks follow the mock's clock while virtual sleep is on.

A virtual sleep (and any move of the mock's clock: ``clock.advance``, ``clock.set``, botocore's virtual retry
waits, injected latency) that left ``time.time()`` and ``time.monotonic()`` where they were would break the
code under test: ``while time.monotonic() < deadline: ...; time.sleep(10)`` would never time out, and
"minutes left" computed from ``datetime.now()`` would disagree with the fake. So while a mock with
``virtual_sleep=True`` is active its clock is *linked* (``Clock.link``) to a source that moves the process's
clocks with it:

- wall time (``time.time``, ``time.time_ns``, ``datetime.now``/``utcnow``/``today``, ``time.gmtime``/``localtime``
  ...) through time-machine, where it is installed (a ``time_machine.travel`` to the clock's time, ticking
  unless the clock is pinned; every move of the clock shifts it). time-machine patches the C functions, so
  ``from time import time`` bound before the mock moves too. Without time-machine: the module attributes
  ``time.time`` and ``time.time_ns`` only (``datetime.now`` then stays real: install time-machine);
- ``time.monotonic`` and ``time.monotonic_ns`` (the module attributes; time-machine leaves them alone): the
  real value plus every forward move made while linked. asyncio's loop time is ``time.monotonic()``, so
  ``loop.time()`` and the loop's timers move too: a task sleeping for real wakes when virtual time passes
  its deadline, as it would have against AWS.

Process-wide: every thread sees the moved clocks (only the *sleeps* are per flow, see ``sleep``). When the
last linked mock stops, the clocks are the real ones again (``time.monotonic`` steps back by the virtual
time). Not linked: with freezegun active (time-machine refuses to start under it, and freezegun already
owns the clocks) and for a mock without ``virtual_sleep``.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.patching.shared_patch import SharedPatch

if TYPE_CHECKING:
    from pytest_chime_proxy.core.domain.clock import Clock

_real_time: Callable[[], float] = time.time
_real_time_ns: Callable[[], int] = time.time_ns
_real_monotonic: Callable[[], float] = time.monotonic
_real_monotonic_ns: Callable[[], int] = time.monotonic_ns
_lock = threading.RLock()
_shift_ns = 0  # forward moves of linked clocks: what time.monotonic is ahead of the real one
_links: dict[int, _Link] = {}  # id(clock) -> its link (a clock shared by several mocks is linked once)
_fallbacks: list[_Link] = []  # links without time-machine, innermost last: time.time reads the last one


def _time_machine() -> Any:
    try:
        return importlib.import_module("time_machine")
    except ImportError:
        return None


def _freezegun_active() -> bool:
    import datetime

    return datetime.datetime.__name__ == "FakeDatetime"


class _Link:
    """A ``TimeSource``: the clock's time, kept by a time-machine traveller (or by itself without one)."""

    def __init__(self, start: float, tick: bool) -> None:
        self.users = 1
        self._travel: Any = None
        self._traveller: Any = None
        self._base, self._tick, self._real_start = start, tick, _real_time()
        machine = _time_machine()
        if machine is not None:
            self._travel = machine.travel(start, tick=tick)
            self._traveller = self._travel.start()

    def time(self) -> float:
        if self._traveller is not None:
            return float(self._traveller.time_ns()) / 1e9
        return self._base + (_real_time() - self._real_start if self._tick else 0.0)

    def time_ns(self) -> int:
        if self._traveller is not None:
            return int(self._traveller.time_ns())
        return int(self.time() * 1e9)

    def shift(self, seconds: float) -> None:
        global _shift_ns
        if self._traveller is not None:
            self._traveller.shift(seconds)
        else:
            self._base += seconds
        with _lock:
            _shift_ns += max(0, round(seconds * 1e9))

    def move_to(self, seconds: float, *, tick: bool) -> None:
        global _shift_ns
        forward = seconds - self.time()
        if self._traveller is not None:
            self._traveller.move_to(seconds, tick=tick)
        else:
            self._base, self._tick, self._real_start = seconds, tick, _real_time()
        with _lock:
            _shift_ns += max(0, round(forward * 1e9))

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()


def _monotonic() -> float:
    return _real_monotonic() + _shift_ns / 1e9


def _monotonic_ns() -> int:
    return _real_monotonic_ns() + _shift_ns


def _time() -> float:
    return _fallbacks[-1].time() if _fallbacks else _real_time()


def _time_ns() -> int:
    return _fallbacks[-1].time_ns() if _fallbacks else _real_time_ns()


def _apply_monotonic() -> None:
    time.monotonic = _monotonic
    time.monotonic_ns = _monotonic_ns


def _remove_monotonic() -> None:
    global _shift_ns
    time.monotonic = _real_monotonic
    time.monotonic_ns = _real_monotonic_ns
    _shift_ns = 0


def _apply_wall() -> None:
    time.time = _time
    time.time_ns = _time_ns


def _remove_wall() -> None:
    time.time = _real_time
    time.time_ns = _real_time_ns


monotonic_patch = SharedPatch(_apply_monotonic, _remove_monotonic)
wall_patch = SharedPatch(_apply_wall, _remove_wall)  # only for links without time-machine


def link(clock: Clock) -> bool:
    """Make the process's clocks follow ``clock`` until ``unlink``; False (nothing done) under freezegun."""
    with _lock:
        existing = _links.get(id(clock))
        if existing is not None:
            existing.users += 1
            return True
        if _freezegun_active():
            return False
        made = _Link(clock.time(), tick=not clock.pinned)
        monotonic_patch.acquire()
        if made._traveller is None:
            _fallbacks.append(made)
            wall_patch.acquire()
        _links[id(clock)] = made
        clock.link(made)
        return True


def unlink(clock: Clock) -> None:
    """Undo one ``link(clock)``; the last one gives the clock back its own time and the process its clocks."""
    with _lock:
        made = _links.get(id(clock))
        if made is None:
            return
        made.users -= 1
        if made.users:
            return
        del _links[id(clock)]
        now = made.time()
        made.stop()
        if made in _fallbacks:
            _fallbacks.remove(made)
            wall_patch.release()
        monotonic_patch.release()
        clock.unlink(now)
