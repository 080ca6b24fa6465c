"""Which mock answers a request: the registry of active mocks, aware of the thread that started each one.

Patches are process-wide (botocore's ``Endpoint._send`` is one function for every thread), so which mock
answers must be decided per request:

- a request from a thread that started mocks is answered by the innermost mock that thread started;
- a request from any other thread (the code under test's own worker threads) is answered by the innermost
  active mock, provided every active mock was started by one thread;
- when mocks started by different threads are active and the request's thread started none, no mock can be
  chosen without guessing: ``OverlappingMocksError`` is raised (loud, never a silent mix of two fakes).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_chime_proxy.core.fake import FakeChime


class OverlappingMocksError(RuntimeError):
    """Mocks started by different threads are active and the requesting thread started none of them."""


_lock = threading.Lock()
_entries: list[tuple[FakeChime, int]] = []  # (mock, ident of the thread that started it), oldest first


def push(mock: FakeChime) -> None:
    """Make ``mock`` the innermost active mock of the calling thread."""
    with _lock:
        _entries.append((mock, threading.get_ident()))
        mock.active = True


def remove(mock: FakeChime) -> None:
    """Forget ``mock`` (stopped in any order, from any thread)."""
    with _lock:
        _entries[:] = [entry for entry in _entries if entry[0] is not mock]
        mock.active = False


def current() -> FakeChime | None:
    """The mock that answers a request made now on this thread (None when no mock is active)."""
    entries = _entries  # read without the lock: list reads are atomic and a stale answer is a race anyway
    if not entries:
        return None
    if len(entries) == 1:
        return entries[0][0]
    me = threading.get_ident()
    for mock, owner in reversed(entries):
        if owner == me:
            return mock
    owners = {owner for _, owner in entries}
    if len(owners) == 1:
        return entries[-1][0]
    raise OverlappingMocksError(
        f"{len(entries)} pytest-chime-proxy mocks started by {len(owners)} different threads are active, and "
        "this request comes from a thread that started none of them, so no mock can be chosen. Start one mock "
        "and share it between the threads, or make each request from the thread whose mock should answer it."
    )


def any_active() -> bool:
    """Whether any mock is active in the process."""
    return bool(_entries)
