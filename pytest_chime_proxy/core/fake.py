"""``FakeChime``: one fake Chime service and everything it owns (state, clock, fault rules, call log).

It has no transport: ``pipeline.handle`` answers a ``WireRequest`` from it, and every adapter (botocore,
aiobotocore, ``requests``, the HTTP server) calls that one function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_chime_proxy.core.calls import CallLog
from pytest_chime_proxy.core.domain.clock import Clock
from pytest_chime_proxy.core.domain.state import AccountState, Backend, Scope
from pytest_chime_proxy.core.options import validate
from pytest_chime_proxy.core.wire.routing import Endpoint

if TYPE_CHECKING:
    from pytest_chime_proxy.core.faults import Faults

MAX_SCOPES = 1024  # cached request scopes (account, namespace, region); past it the cache starts again


class FakeChime:
    """One fake service, built from validated mock options (``options.validate``; defaults when None).

    ``owner`` is the public object built around it (a ``ChimeProxyMock``), for the layers above to find
    from the registry of active fakes.
    """

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        values = dict(options) if options is not None else validate({})
        self.settings: Mapping[str, Any] = values
        self.region: str = values["region"]
        self.default_account: str = values["account"]
        self.clock: Clock = values["clock"] or Clock()
        self.backend = Backend(self.clock, values)
        self.real_sleep: bool = values["real_sleep"]
        self.virtual_sleep: bool = values["virtual_sleep"]
        self.calls = CallLog()
        self.rules: Faults | None = None  # the fault rules, made by the first use of ``faults``
        self.owner: Any = None
        self.active = False  # kept by the registry of active fakes (patching.active)
        # Scopes are frozen and a request only reads them: one per (account, namespace, region) serves every
        # request, for as long as the account's state is the one the backend holds (reset() replaces it)
        self._scopes: dict[tuple[str, str, str], Scope] = {}

    @property
    def faults(self) -> Faults:
        """The fault rules (``core.faults``), loaded and made on first use: a fake without rules loads none."""
        if self.rules is None:
            from pytest_chime_proxy.core.faults import Faults

            with self.backend.lock:  # request threads (the server's) may ask at once: one set of rules
                if self.rules is None:
                    self.rules = Faults()
        return self.rules

    def scope(self, account: str, endpoint: Endpoint) -> Scope:
        """The scope of a request (called under the backend's lock). An account with no state yet gets a
        new empty one that the backend keeps only if the request changes it (``keep``): reads with ever new
        access keys leave nothing behind."""
        state = self.backend.accounts.get(account)
        if state is None:
            return Scope(self.backend, AccountState(account), endpoint.namespace, endpoint.region)
        key = (account, endpoint.namespace, endpoint.region)
        scope = self._scopes.get(key)
        if scope is None or scope.account is not state:
            if len(self._scopes) >= MAX_SCOPES:  # signed regions are the client's to choose: stay bounded
                self._scopes.clear()
            scope = self._scopes[key] = Scope(self.backend, state, endpoint.namespace, endpoint.region)
        return scope

    def keep(self, scope: Scope) -> None:
        """After a request (under the backend's lock): the state of a new account is kept if the request
        put something in it."""
        state = scope.account
        if state.account_id not in self.backend.accounts and not state.is_empty():
            self.backend.accounts[state.account_id] = state

    def wait(self, seconds: float) -> None:
        """Injected latency: on the fake's clock, or the wall clock with ``real_sleep``."""
        if seconds > 0:
            if self.real_sleep:
                import time

                time.sleep(seconds)
            else:
                self.clock.wait(seconds)

    def reset(self) -> None:
        """Forget all state, recorded calls and fault rules (the clock keeps its time)."""
        self.backend.reset()
        self.calls.clear()
        if self.rules is not None:
            self.rules.clear()
