"""Which mock answers a request: the registry of active mocks, one stack per context (``contextvars``).

Patches are process-wide (botocore's ``Endpoint._send`` is one function for every thread and task), so which
mock answers must be decided per request, from the request's own context:

- each context (a thread, an asyncio task) has its own stack of the mocks it started, in a ``ContextVar``:
  a task copies its parent's stack when it is created, so two ``@mock_chime_proxy`` coroutines under
  ``asyncio.gather`` each see their own mock, and a thread starts with an empty stack (no thread ids: a new
  thread that reuses an exited thread's id inherits nothing);
- a request from a context whose stack holds no active mock (the code under test's own worker threads) is
  answered by the innermost active mock when all active mocks form one chain, i.e. were started one inside
  the other in one context (today's rule: one test, its worker threads). Code that wants another thread to
  use its mock explicitly runs it in a copy of its context (``contextvars.copy_context().run``, or
  ``asyncio.to_thread``, which does that);
- when the active mocks were started in different contexts and the request's context started none, no mock
  can be chosen without guessing: ``OverlappingMocksError`` (loud, never a silent mix of two fakes).
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_chime_proxy.core.fake import FakeChime


class OverlappingMocksError(RuntimeError):
    """Mocks started in different contexts are active and the requesting context started none of them."""


_stack: ContextVar[tuple[FakeChime, ...]] = ContextVar("pytest_chime_proxy_mocks", default=())
_lock = threading.Lock()
# every active mock with the chain it was started in (its context's active mocks, itself last), oldest first;
# replaced, never mutated, so a reader needs no lock
_entries: tuple[tuple[FakeChime, tuple[FakeChime, ...]], ...] = ()


def push(mock: FakeChime) -> None:
    """Make ``mock`` the innermost active mock of the calling context."""
    global _entries
    chain = tuple(m for m in _stack.get() if m.active) + (mock,)
    _stack.set(chain)
    with _lock:
        _entries = (*_entries, (mock, chain))
        mock.active = True


def remove(mock: FakeChime) -> None:
    """Forget ``mock`` (stopped in any order, from any context: another context's stack may still name it,
    and is read through ``mock.active``)."""
    global _entries
    with _lock:
        _entries = tuple(entry for entry in _entries if entry[0] is not mock)
        mock.active = False
    stack = _stack.get()
    if mock in stack:
        _stack.set(tuple(m for m in stack if m is not mock))


def current() -> FakeChime | None:
    """The mock that answers a request made now in this context (None when no mock is active)."""
    for mock in reversed(_stack.get()):
        if mock.active:
            return mock
    entries = _entries
    if not entries:
        return None
    if len(entries) == 1:
        return entries[0][0]
    innermost, chain = max(entries, key=lambda entry: len(entry[1]))
    if all(any(m is mock for m in chain) for mock, _ in entries):
        return innermost
    raise OverlappingMocksError(
        f"{len(entries)} pytest-chime-proxy mocks started in different threads or asyncio tasks are active "
        f"({', '.join(started_at(m) for m, _ in entries)}), and this request comes from a context that started "
        "none of them, so no mock can be chosen. Start one mock and share it, make each request from the "
        "thread or task whose mock should answer it, or run the worker in a copy of that context "
        "(contextvars.copy_context().run, asyncio.to_thread)."
    )


def started_at(mock: FakeChime) -> str:
    """How a mock is named in messages: its owner's description, where it was started."""
    owner = getattr(mock, "owner", None)
    where = getattr(owner, "started_at", None)
    return f"the mock started at {where}" if where else repr(owner or mock)


def active_mocks() -> tuple[FakeChime, ...]:
    """Every active mock, oldest first."""
    return tuple(mock for mock, _ in _entries)


def any_active() -> bool:
    """Whether any mock is active in the process."""
    return bool(_entries)
