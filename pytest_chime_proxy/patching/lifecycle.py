"""One lifecycle for every mock: the process-wide patches, in order, entered through one ``ExitStack``.

``PATCHES`` is the one list of what a mock changes in the process, in the order it is applied; each is a
``SharedPatch`` (applied by the first active mock, removed by the last). A mock's own environment comes
first and its entry in the registry of active mocks last, so it answers only once everything is in place.
If any step fails, the steps already taken are undone before the error propagates.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

from pytest_chime_proxy.patching import (
    active,
    aiobotocore_send,
    app_clocks,
    backoff,
    botocore_send,
    credentials,
    moto_passthrough,
    requests_send,
    sessions,
    sleep,
    socket_guard,
    timestamps,
)
from pytest_chime_proxy.patching.shared_patch import SharedPatch

if TYPE_CHECKING:
    from pytest_chime_proxy.core.fake import FakeChime
    from pytest_chime_proxy.patching.environment import FakeEnvironment

PATCHES: tuple[SharedPatch, ...] = (
    socket_guard.patch,  # the net under all of them: no lookup of or connection to a Chime host leaves
    backoff.patch,  # botocore's retry waits on the mock's clock
    credentials.patch,  # fake keys for Chime clients of every session kind: no credential provider runs
    botocore_send.patch,  # botocore's Endpoint._send
    aiobotocore_send.patch,  # aiobotocore's AioEndpoint._send, where aiobotocore is installed
    requests_send.patch,  # raw `requests` calls to Chime hosts
    moto_passthrough.patch,  # Chime URLs through moto's passthrough, where moto is imported
    sessions.alias_cache,  # clients share their session's event-alias cache (a new client's first call)
    timestamps.patch,  # botocore reads the fake's ISO 8601 timestamps without dateutil
)


def enter(mock: FakeChime, environment: FakeEnvironment) -> ExitStack:
    """Put ``mock`` in force; returns the stack whose ``close()`` undoes it all, in reverse order."""
    with ExitStack() as stack:
        environment.enter()
        stack.callback(environment.exit)
        for patch in PATCHES + ((sleep.patch,) if mock.virtual_sleep else ()):
            if patch.available():
                patch.acquire()
                stack.callback(patch.release)
        if mock.virtual_sleep and app_clocks.link(mock.clock):  # the app's clocks follow the mock's
            stack.callback(app_clocks.unlink, mock.clock)
        stack.callback(sleep.exit_flow, sleep.enter_flow(mock))  # whose sleeps are virtual: this thread's flow
        active.push(mock)
        stack.callback(active.remove, mock)
        return stack.pop_all()
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack re-raises
