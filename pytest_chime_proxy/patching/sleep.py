"""Opt-in virtual sleep: ``time.sleep`` and ``asyncio.sleep`` in the test's own flow advance the mock's clock.

An application's own retry loop (``except ThrottledClientException: time.sleep(2 ** attempt)``) would
otherwise wait for real in a test. While a mock with ``virtual_sleep=True`` is active, the module attributes
``time.sleep`` and ``asyncio.sleep`` are replaced; whether one sleep is virtual is decided by the **flow**
it belongs to, a context variable set where the mock starts:

- the thread that started the mock, outside any asyncio task;
- the asyncio task that started the mock (the ``@mock_chime_proxy`` decorator on an ``async def`` starts it
  inside the test's task), or, when the mock was started outside any task, the main task of an event loop
  run from that thread (``asyncio.run(...)``, ``loop.run_until_complete(...)``: how pytest-asyncio runs a test);
- whatever runs inside ``sleeps_virtually(...)`` (``ChimeProxyMock.sleeps_virtually``), in any thread or task.

Every other sleep is real: other threads (they never inherit the flow: a new thread starts with an empty
context; ``asyncio.to_thread`` copies the context, but runs in another thread), and tasks the flow creates
(``create_task``, ``gather``, ``TaskGroup``, ``wait_for`` on Python < 3.12), because a background heartbeat
task looks exactly like them. A virtual sleep advances the flow's mock clock and returns at once
(``asyncio.sleep`` still yields to the event loop once). Code that bound the function before the mock
started (``from time import sleep`` at import) keeps the real one: call ``time.sleep`` through the module.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from pytest_chime_proxy.patching.shared_patch import SharedPatch

if TYPE_CHECKING:
    from pytest_chime_proxy.core.domain.clock import Clock
    from pytest_chime_proxy.core.fake import FakeChime

T = TypeVar("T")
_real_sleep: Callable[[float], None] = time.sleep
_real_async_sleep: Callable[..., Coroutine[Any, Any, Any]] | None = None  # asyncio's, while patched
_ANY_ROOT: Any = object()  # a flow started outside any task: the main task of a loop run on its thread is in it


class Flow(NamedTuple):
    """Who sleeps virtually: one thread, and on it no task (sync code), one task, or a loop's main task."""

    fake: FakeChime
    thread: int
    task: Any  # the asyncio task, None (sync code only) or _ANY_ROOT


_flow: contextvars.ContextVar[Flow | None] = contextvars.ContextVar("pytest_chime_proxy_flow", default=None)


def _current_task() -> Any:
    asyncio = sys.modules.get("asyncio")  # not imported: no task can be running (and none is imported here)
    if asyncio is None:
        return None
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running event loop on this thread
        return None


def _is_main_task(task: Any) -> bool:
    """Whether ``task`` is the one its loop's ``run_until_complete`` (hence ``asyncio.run``) waits for.

    asyncio marks it with a done callback named ``_run_until_complete_cb``; a loop that does not (uvloop) has
    no main task here: use ``sleeps_virtually`` there.
    """
    try:
        callbacks = task._callbacks or ()
    except AttributeError:
        return False
    return any(getattr(entry[0], "__name__", "") == "_run_until_complete_cb" for entry in callbacks)


def enter_flow(fake: FakeChime) -> contextvars.Token[Flow | None]:
    """Make the calling thread (and its current task, if any) the flow of ``fake``; called where it starts."""
    task = _current_task()
    return _flow.set(Flow(fake, threading.get_ident(), _ANY_ROOT if task is None else task))


def exit_flow(token: contextvars.Token[Flow | None]) -> None:
    """Undo ``enter_flow`` (a stop in another context only forgets the flow if it is still this one)."""
    try:
        _flow.reset(token)
    except ValueError:  # stopped from another context (a fixture's teardown in another task): nothing to undo here
        pass


def _flow_clock() -> Clock | None:
    """The clock a sleep made now advances, or None for a real sleep."""
    flow = _flow.get()
    if flow is None or not flow.fake.active or not flow.fake.virtual_sleep:
        return None
    if flow.thread != threading.get_ident():
        return None
    task = _current_task()
    if flow.task is _ANY_ROOT:
        return flow.fake.clock if task is None or _is_main_task(task) else None
    return flow.fake.clock if task is flow.task else None


@contextmanager
def _joined(fake: FakeChime) -> Iterator[None]:
    token = _flow.set(Flow(fake, threading.get_ident(), _current_task()))
    try:
        yield
    finally:
        exit_flow(token)


def sleeps_virtually(fake: FakeChime, target: Any = None) -> Any:
    """Opt a thread or task into ``fake``'s flow: a context manager (no ``target``), or ``target`` wrapped.

    ``target`` is a function (its call joins the flow in whichever thread runs it), a coroutine function or a
    coroutine (the task that awaits it joins the flow while it runs).
    """
    if target is None:
        return _joined(fake)
    if inspect.iscoroutine(target):
        return _join_coroutine(fake, target)
    if inspect.iscoroutinefunction(target):

        @functools.wraps(target)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            return await _join_coroutine(fake, target(*args, **kwargs))

        return run_async
    if not callable(target):
        raise TypeError(f"sleeps_virtually() takes a function, a coroutine function or a coroutine, not {target!r}")

    @functools.wraps(target)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _joined(fake):
            return target(*args, **kwargs)

    return run


async def _join_coroutine(fake: FakeChime, coroutine: Awaitable[T]) -> T:
    with _joined(fake):
        return await coroutine


def _sleep(seconds: float) -> None:
    clock = _flow_clock()
    if clock is None:
        _real_sleep(seconds)
        return
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    clock.wait(seconds)


async def _async_sleep(delay: float, result: Any = None) -> Any:
    clock = _flow_clock()
    assert _real_async_sleep is not None  # set while the patch is applied
    if clock is None:
        return await _real_async_sleep(delay, result)
    if delay > 0:
        clock.wait(delay)
    return await _real_async_sleep(0, result)


def _apply() -> None:
    import asyncio  # only a mock with virtual_sleep imports it

    global _real_async_sleep
    _real_async_sleep = asyncio.sleep
    time.sleep = _sleep  # type: ignore[assignment]  # typeshed types the argument more widely
    asyncio.sleep = _async_sleep


def _remove() -> None:
    time.sleep = _real_sleep  # type: ignore[assignment]
    asyncio: Any = sys.modules.get("asyncio")
    if asyncio is not None and _real_async_sleep is not None:
        asyncio.sleep = _real_async_sleep


patch = SharedPatch(_apply, _remove)
