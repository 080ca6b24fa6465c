"""Opt-in virtual sleep: ``time.sleep`` and ``asyncio.sleep`` in the code under test advance the mock's clock.

An application's own retry loop (``except ThrottledClientException: time.sleep(2 ** attempt)``) would
otherwise wait for real in a test. While a mock with ``virtual_sleep=True`` answers, the two module attributes
``time.sleep`` and ``asyncio.sleep`` are replaced: a sleep on a thread whose current mock has
``virtual_sleep`` advances that mock's clock and returns at once (``asyncio.sleep`` still yields to the
event loop once); any other sleep is real. Code that bound the function before the mock started
(``from time import sleep`` at import) keeps the real one: call ``time.sleep`` through the module.
asyncio is imported only when the patch is applied (a mock without ``virtual_sleep`` never imports it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from pytest_chime_proxy.patching import active
from pytest_chime_proxy.patching.shared_patch import SharedPatch

_real_sleep: Callable[[float], None] = time.sleep
_real_async_sleep: Callable[..., Coroutine[Any, Any, Any]] | None = None  # asyncio's, while patched


def _virtual_clock() -> Any:
    try:
        mock = active.current()
    except active.OverlappingMocksError:
        return None
    return mock.clock if mock is not None and mock.virtual_sleep else None


def _sleep(seconds: float) -> None:
    clock = _virtual_clock()
    if clock is None:
        _real_sleep(seconds)
        return
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    clock.advance(seconds=seconds)


async def _async_sleep(delay: float, result: Any = None) -> Any:
    real = _real_async_sleep
    assert real is not None  # set by the _apply that put this function in place
    clock = _virtual_clock()
    if clock is None:
        return await real(delay, result)
    if delay > 0:
        clock.advance(seconds=delay)
    return await real(0, result)


def _apply() -> None:
    global _real_async_sleep
    import asyncio

    _real_async_sleep = asyncio.sleep
    time.sleep = _sleep  # type: ignore[assignment]  # typeshed types the argument more widely
    asyncio.sleep = _async_sleep


def _remove() -> None:
    import asyncio

    time.sleep = _real_sleep  # type: ignore[assignment]
    if _real_async_sleep is not None:
        asyncio.sleep = _real_async_sleep


patch = SharedPatch(_apply, _remove)
