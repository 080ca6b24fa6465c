"""pytest-chime-proxy: an in-process fake of the Amazon Chime proxy-session API for tests.

Importing this package is cheap: botocore, pydantic and the service models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

__version__ = "0.2.0"
__all__ = [
    "Call",
    "CallLog",
    "ChimeProxyMock",
    "ChimeProxyServer",
    "Clock",
    "Exchange",
    "FaultRule",
    "MockOptions",
    "OptionsError",
    "OverlappingMocksError",
    "ChimeEscapeRefused",
    "current_mock",
    "mock_chime_proxy",
]

if TYPE_CHECKING:
    from pytest_chime_proxy.core.calls import Call, CallLog
    from pytest_chime_proxy.core.calls import Call as Exchange
    from pytest_chime_proxy.core.domain.clock import Clock
    from pytest_chime_proxy.core.faults import FaultRule
    from pytest_chime_proxy.core.options import MockOptions, OptionsError
    from pytest_chime_proxy.mock import ChimeProxyMock, mock_chime_proxy
    from pytest_chime_proxy.patching.active import OverlappingMocksError
    from pytest_chime_proxy.patching.socket_guard import ChimeEscapeRefused
    from pytest_chime_proxy.server.app import ChimeProxyServer

_LAZY = {
    "ChimeProxyMock": ("mock", "ChimeProxyMock"),
    "mock_chime_proxy": ("mock", "mock_chime_proxy"),
    "ChimeProxyServer": ("server.app", "ChimeProxyServer"),
    "Clock": ("core.domain.clock", "Clock"),
    "Exchange": ("core.calls", "Call"),
    "Call": ("core.calls", "Call"),
    "CallLog": ("core.calls", "CallLog"),
    "FaultRule": ("core.faults", "FaultRule"),
    "MockOptions": ("core.options", "MockOptions"),
    "OptionsError": ("core.options", "OptionsError"),
    "OverlappingMocksError": ("patching.active", "OverlappingMocksError"),
    "ChimeEscapeRefused": ("patching.socket_guard", "ChimeEscapeRefused"),
}


@overload
def current_mock() -> ChimeProxyMock | None: ...
@overload
def current_mock(*, required: Literal[True]) -> ChimeProxyMock: ...
def current_mock(*, required: bool = False) -> ChimeProxyMock | None:
    """The mock answering this context's requests now (e.g. inside a ``@mock_chime_proxy`` test), or None.

    ``required=True`` raises ``LookupError`` instead of returning None, so typed code needs no assert.
    """
    from pytest_chime_proxy.patching.active import current

    fake = current()
    mock: ChimeProxyMock | None = None if fake is None else fake.owner
    if mock is None and required:
        raise LookupError(
            "no pytest-chime-proxy mock is active (use the chime_proxy fixture, "
            "@mock_chime_proxy or `with mock_chime_proxy():`)"
        )
    return mock


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'pytest_chime_proxy' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names too (they load on first use, so the module's namespace does not hold them yet)."""
    return sorted({*globals(), *__all__})
