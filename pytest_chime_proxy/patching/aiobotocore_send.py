"""aiobotocore adapter: answer Chime requests where aiobotocore's endpoint would open a connection.

aiobotocore subclasses botocore's ``Endpoint`` as ``AioEndpoint`` with an ``async _send``, and reads the
answer through ``await response.content``; so the answer must be aiobotocore's own ``AioAWSResponse`` around
a body with an ``async read()``. As with plain botocore, answering at ``_send`` keeps aiobotocore's retries,
signing and parsing real and catches clients created before the mock started (and, as there, a Chime
client's request to a moved endpoint). The patch is wanted by the first active mock and dropped by the
last, and put in place only once aiobotocore is imported (``after_import``): a suite that never uses it never
imports it, and an import after the mock started is patched before any code gets it. Other hosts go to the
real ``_send`` untouched.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import Any

from pytest_chime_proxy.core.connection_fault import ConnectionFault
from pytest_chime_proxy.patching import active, after_import, backoff, botocore_send, transport
from pytest_chime_proxy.patching.shared_patch import SharedPatch

# each AioEndpoint class patched -> its own _send (a reload of the module binds a new class)
_originals: dict[type, Callable[..., Any]] = {}


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether aiobotocore is installed (nothing is imported to find out).

    Asked once per process: the search of ``sys.path`` was a third of every ``start()``. (aiobotocore
    installed while the process runs is not seen; no test suite does that.)
    """
    return importlib.util.find_spec("aiobotocore") is not None


class _AsyncRaw:
    """The ``raw`` body ``AioAWSResponse`` awaits ``read()`` on (aiohttp's response in real use)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, amt: int | None = None) -> bytes:
        data, self._body = (self._body, b"") if amt is None or amt < 0 else (self._body[:amt], self._body[amt:])
        return data


async def _send(endpoint: Any, request: Any) -> Any:
    mock = active.current()
    backoff.answered(None)
    if mock is not None:
        from aiobotocore.awsrequest import AioAWSResponse

        # as for botocore: the client's read timeout turns injected latency into a read timeout
        timeout = botocore_send.read_timeout(endpoint, request) if mock.rules else None
        try:
            answer = transport.answer(mock, botocore_send.wire_request(endpoint, request), read_timeout=timeout)
        except ConnectionFault as fault:  # an injected broken connection: botocore's own exception
            backoff.answered(mock)
            raise botocore_send.connection_error(fault, request) from None
        if answer is not None:
            backoff.answered(mock)  # aiobotocore's retry wait that follows is on this mock's clock
            return AioAWSResponse(request.url, answer.status, answer.headers, _AsyncRaw(answer.body))
    return await _original_send(endpoint)(endpoint, request)


def _original_send(endpoint: Any) -> Callable[..., Any]:
    """The ``_send`` the endpoint's class had before the patch (its own again once the patch is removed)."""
    for cls in type(endpoint).__mro__:
        found = _originals.get(cls)
        if found is not None:
            return found
    send: Callable[..., Any] = type(endpoint)._send
    if send is _send:  # a class patched and never given back: nothing to chain to, and never the network
        raise RuntimeError("pytest-chime-proxy: aiobotocore's AioEndpoint._send was patched and not restored")
    return send


def _apply(endpoint: ModuleType) -> type:
    cls: type = endpoint.AioEndpoint
    _originals[cls] = cls.__dict__["_send"]
    cls._send = _send  # type: ignore[attr-defined]
    return cls


def _remove(_: ModuleType, cls: type) -> None:
    cls._send = _originals.pop(cls)  # type: ignore[attr-defined]


_endpoint = after_import.ModulePatch("aiobotocore.endpoint", _apply, _remove)
patch = SharedPatch(_endpoint.want, _endpoint.unwant, available)
