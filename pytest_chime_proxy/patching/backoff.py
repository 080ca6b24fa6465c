"""botocore's retry waits on the mock's clock: retry tests that do not wait.

botocore waits in exactly two places on its retry path:

- ``botocore.endpoint.Endpoint._needs_retry`` calls ``time.sleep(delay)`` with the delay the ``needs-retry``
  handler computed -- the legacy ``retryhandler`` and the ``standard``/``adaptive`` ``RetryHandler`` alike;
- adaptive mode's client-side rate limiter (``botocore.retries.bucket.TokenBucket._acquire``) waits on a
  condition variable until its token bucket refills.

While a mock is active, the first is replaced by swapping the ``time`` name inside ``botocore.endpoint`` for
a stand-in whose ``sleep`` is virtual and whose every other attribute is the real ``time`` module; the second
by wrapping ``TokenBucket._acquire`` so its waits are virtual and the bucket is credited the waited time.
A virtual wait advances the mock's clock and is recorded as the ``backoff`` of the next call. Nothing else
is touched: ``time.sleep`` itself, other modules and other libraries keep real time.

A wait is virtual only when the last request this thread sent was answered by an active mock that does not
ask for ``real_sleep`` (so a retry of a request to another host, e.g. moto's, sleeps for real). With
``real_sleep`` the wait is real and still recorded. Assumption: the adaptive bucket's wait happens before
the next request is sent, so it is attributed to the mock that answered the previous one on this thread.
"""

from __future__ import annotations

import time as _real_time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.patching import after_import
from pytest_chime_proxy.patching.shared_patch import SharedPatch

if TYPE_CHECKING:
    from pytest_chime_proxy.core.fake import FakeChime

_saved_time: Any = None
_saved_acquire: Callable[..., Any] | None = None
# per context (a thread, an asyncio task: aiobotocore's retry loop runs in the task that sent the request)
_answered_by: ContextVar[FakeChime | None] = ContextVar("pytest_chime_proxy_answered_by", default=None)
_pending: ContextVar[float] = ContextVar("pytest_chime_proxy_pending_backoff", default=0.0)


def answered(mock: FakeChime | None) -> None:
    """Adapters call this for every request they see: which mock (or None) answered it in this context."""
    _answered_by.set(mock)


def take_pending() -> float:
    """The backoff waited in this context since the last request, reset to 0 (the mock records it)."""
    pending = _pending.get()
    if pending:
        _pending.set(0.0)
    return pending


def _waiting_mock() -> FakeChime | None:
    mock = _answered_by.get()
    return mock if mock is not None and mock.active else None


def wait(seconds: float, real_sleep: Callable[[float], Any]) -> None:
    """One retry wait: virtual (mock clock + record) when a mock answered this thread's last request."""
    mock = _waiting_mock()
    if mock is None:
        real_sleep(seconds)
        return
    seconds = max(0.0, float(seconds))
    _pending.set(_pending.get() + seconds)
    if mock.real_sleep:
        real_sleep(seconds)
    else:
        mock.clock.wait(seconds)


class _RetryAsyncio:
    """Stands in for the ``asyncio`` module inside ``aiobotocore.endpoint``, whose ``_needs_retry`` awaits
    ``asyncio.sleep(delay)``: the same retry wait as botocore's, yielding to the loop once when virtual."""

    def __init__(self, real: Any) -> None:
        self._real = real

    async def sleep(self, delay: float, result: Any = None) -> Any:
        mock = _waiting_mock()
        if mock is None or mock.real_sleep:
            if mock is not None:
                _pending.set(_pending.get() + max(0.0, float(delay)))
            return await self._real.sleep(delay, result)
        wait(delay, _real_time.sleep)
        return await self._real.sleep(0, result)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _RetryTime:
    """Stands in for the ``time`` module inside ``botocore.endpoint``: ``sleep`` is a retry wait."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def sleep(self, seconds: float) -> None:
        """The retry backoff ``Endpoint._needs_retry`` asks for."""
        wait(seconds, self._real.sleep)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _VirtualCondition:
    """The token bucket's condition variable while it waits: ``wait`` is virtual, the rest is the real one."""

    def __init__(self, real: Any, bucket: Any) -> None:
        self._real = real
        self._bucket = bucket

    def wait(self, timeout: float | None = None) -> bool:
        mock = _waiting_mock()
        if mock is None or mock.real_sleep or timeout is None:
            return bool(self._real.wait(timeout))
        wait(timeout, _real_time.sleep)
        if self._bucket._last_timestamp is not None:  # credit the bucket the time it "waited"
            self._bucket._last_timestamp -= timeout
        return False

    def __enter__(self) -> Any:
        return self._real.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._real.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _acquire(bucket: Any, *args: Any, **kwargs: Any) -> Any:
    assert _saved_acquire is not None
    real = bucket._new_fill_rate_condition
    if _waiting_mock() is None:
        return _saved_acquire(bucket, *args, **kwargs)
    bucket._new_fill_rate_condition = _VirtualCondition(real, bucket)
    try:
        return _saved_acquire(bucket, *args, **kwargs)
    finally:
        bucket._new_fill_rate_condition = real


def _apply_aio(endpoint: Any) -> Any:
    saved = endpoint.asyncio
    endpoint.asyncio = _RetryAsyncio(saved)
    return saved


def _remove_aio(endpoint: Any, saved: Any) -> None:
    endpoint.asyncio = saved


_aio = after_import.ModulePatch("aiobotocore.endpoint", _apply_aio, _remove_aio)  # once aiobotocore is imported


def _apply() -> None:
    global _saved_time, _saved_acquire
    import botocore.endpoint
    from botocore.retries import bucket

    _saved_time = botocore.endpoint.time
    botocore.endpoint.time = _RetryTime(_saved_time)
    _saved_acquire = bucket.TokenBucket._acquire
    bucket.TokenBucket._acquire = _acquire
    from pytest_chime_proxy.patching import aiobotocore_send  # it imports this module

    if aiobotocore_send.available():
        _aio.want()


def _remove() -> None:
    global _saved_time, _saved_acquire
    import botocore.endpoint
    from botocore.retries import bucket

    _aio.unwant()
    botocore.endpoint.time = _saved_time
    bucket.TokenBucket._acquire = _saved_acquire
    _saved_time = _saved_acquire = None


patch = SharedPatch(_apply, _remove)


def installed() -> bool:
    """Whether botocore's retry waits are currently patched."""
    return patch.active
