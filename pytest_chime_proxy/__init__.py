"""pytest-chime-proxy: an in-process fake of the Amazon Chime proxy-session API for tests.

Importing this package is cheap: botocore, pydantic and the service models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["ChimeProxyMock", "Clock", "Exchange", "mock_chime_proxy", "current_mock", "Call", "CallLog", "FaultRule"]

if TYPE_CHECKING:
    from .domain.clock import Clock
    from .calls import Call, CallLog
    from .fake import Exchange
    from .faults import FaultRule
    from .mock import ChimeProxyMock, mock_chime_proxy

_LAZY = {
    "ChimeProxyMock": ("mock", "ChimeProxyMock"),
    "mock_chime_proxy": ("mock", "mock_chime_proxy"),
    "Clock": ("domain.clock", "Clock"),
    "Exchange": ("fake", "Exchange"),
    "Call": ("calls", "Call"),
    "CallLog": ("calls", "CallLog"),
    "FaultRule": ("faults", "FaultRule"),
}


def current_mock() -> "ChimeProxyMock | None":
    """The innermost active mock (the one answering now), e.g. inside a ``@mock_chime_proxy`` test."""
    from .adapters.botocore_endpoint import current

    return current()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'pytest_chime_proxy' has no attribute {name!r}")
