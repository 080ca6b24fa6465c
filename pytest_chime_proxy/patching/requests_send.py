"""Raw HTTP through ``requests``: code that signs its own calls to the Chime REST API is answered by the fake.

While a mock is active, one ``responses.RequestsMock`` is started with a single route (``ChimeRoute``) that
matches any request to a Chime host and answers it through the innermost active mock's ``dispatch`` -- the
same core as every other adapter. Everything else passes through to the send that was in place when the
first mock started (the network, or another ``responses`` mock such as moto's), so nothing else changes.

The route is also put in ``responses``' default registry, which moto's registry consults before its own
"not implemented" answer for unknown AWS hosts; that is what lets raw Chime calls reach the fake when
``mock_aws`` (or ``@responses.activate``) is started after this mock and so sits outermost. A separate
``responses.RequestsMock()`` instance started after this mock has only its own registry and refuses Chime
URLs (responses' rule for unmatched requests); start it first, or use the default mock. Mocks must be
stopped in the reverse order of starting (``with`` blocks do that), as ``responses`` patches require.

The patch costs nothing where ``requests`` is not used: ``responses`` (which imports ``requests``, urllib3's
extras and yaml) is imported only when ``requests`` is. A mock started before ``requests`` is imported watches
for it (``after_import``): when ``requests`` finishes importing, in any thread, the patch is applied before the
importing code gets the module, so a late import cannot reach the network.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from http.client import responses as reasons
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_chime_proxy.core.connection_fault import ConnectionFault
from pytest_chime_proxy.patching import active, after_import, transport
from pytest_chime_proxy.patching.shared_patch import SharedPatch
from pytest_chime_proxy.patching.transport import to_wire_request

if TYPE_CHECKING:
    import responses
    from requests import PreparedRequest

_requests_mock: responses.RequestsMock | None = None
_route: Any = None
_default_mock: Any = None  # the responses default mock the route was added to (its module may leave sys.modules)
_PASS_EVERYTHING_ELSE = re.compile(r".*")

# a ConnectionFault kind (faults.py) -> the requests exception a broken connection raises
_CONNECTION_ERRORS = {
    "read_timeout": "ReadTimeout",
    "connect_timeout": "ConnectTimeout",
    "connection_closed": "ConnectionError",
    "endpoint_unreachable": "ConnectionError",
}


def _make_route() -> Any:
    import responses
    from requests import exceptions as requests_errors
    from urllib3 import HTTPResponse

    from pytest_chime_proxy.core.wire import routing

    class ChimeRoute(responses.BaseResponse):
        """Matches requests to Chime hosts while a mock is active, and answers them from that mock."""

        def __init__(self) -> None:
            super().__init__(method="*", url="chime-proxy://any-chime-host")

        def matches(self, request: PreparedRequest) -> tuple[bool, str]:
            if active.current() is None:
                return False, "no pytest-chime-proxy mock is active"
            if routing.resolve_host(urlsplit(str(request.url)).netloc) is None:
                return False, "not a Chime endpoint"
            return True, ""

        @property
        def call_count(self) -> int:
            """Never 0: this route must not fail ``assert_all_requests_are_fired`` in a test that calls no Chime."""
            return max(1, len(self._calls))

        def get_response(self, request: PreparedRequest) -> Any:
            mock = active.current()
            if mock is None:  # stopped between matching and answering
                raise requests_errors.ConnectionError("pytest-chime-proxy mock stopped", request=request)
            wire = to_wire_request(str(request.method), str(request.url), request.headers, request.body)
            try:
                answer = transport.answer(mock, wire)
            except Exception as error:
                kind = getattr(error, "kind", None)
                if isinstance(error, ConnectionFault) and kind in _CONNECTION_ERRORS:
                    raise getattr(requests_errors, _CONNECTION_ERRORS[kind])(str(error), request=request) from error
                raise
            assert answer is not None  # matches() let only Chime hosts in
            return HTTPResponse(
                status=answer.status,
                reason=reasons.get(answer.status, ""),
                body=io.BytesIO(answer.body),
                headers=answer.headers,
                preload_content=False,
                decode_content=False,
            )

    return ChimeRoute()


_WATCHED = ("requests", "responses")  # responses imports requests: the patch waits for the outer one to finish

_lock = threading.Lock()  # guards the state below; never held while importing (the import lock is its own)
_wanted = False  # a mock holds the patch


def _sync(finished: str = "") -> None:
    """Put the patch in place when a mock wants it and ``requests`` is imported, take it out when no mock
    does: the one place that applies or removes it (from ``_apply``/``_remove`` and from the import hook).

    While ``requests`` or ``responses`` is still being imported (``import responses`` or ``import moto``
    imports ``requests`` on its way) nothing is done: the hook calls again when the outer import finishes
    (``finished``: the module whose loader just ran to its end, still marked as being imported).
    """
    global _requests_mock, _route, _default_mock
    if _wanted:
        if "requests" not in sys.modules or any(after_import.importing(n) for n in _WATCHED if n != finished):
            return  # the import hook calls again when the import finishes
        import requests.adapters  # noqa: F401
        import responses  # noqa: F401  # outside the lock: an import may wait for another thread's
    with _lock:
        responses_module: Any = sys.modules.get("responses")
        if _wanted and _requests_mock is None and responses_module is not None:
            if not isinstance(_route, responses_module.BaseResponse):  # first use, or `responses` imported anew
                _route = _make_route()
            # responses accepts patterns as passthru prefixes; and the send to chain to is whatever is in
            # place now, the network or another responses mock
            mock = responses_module.RequestsMock(
                assert_all_requests_are_fired=False,
                passthru_prefixes=(_PASS_EVERYTHING_ELSE,),
                real_adapter_send=sys.modules["requests.adapters"].HTTPAdapter.send,
            )
            mock.add(_route)
            mock.start()
            _requests_mock = mock
            _default_mock = responses_module.mock
            if _route not in _default_mock.registered():
                _default_mock.add(_route)
        elif not _wanted and _requests_mock is not None:
            _requests_mock.stop(allow_assert=False)
            _requests_mock = None
            # the copy of responses the route went into, whatever sys.modules holds now
            if _default_mock is not None and _route in _default_mock.registered():
                _default_mock.remove(_route)
            _default_mock = None


def _imported(name: str) -> bool:
    """The import hook's call: patch now that ``name`` is imported; True (stop watching) once patched."""
    _sync(finished=name)
    return _requests_mock is not None


def _apply() -> None:
    global _wanted
    with _lock:
        _wanted = True
    after_import.watch(_WATCHED, _imported)
    after_import.settle(_WATCHED)  # an import another thread began before the hook: wait for it
    _sync()  # requests already imported (or imported meanwhile, by another thread): patch now
    if _requests_mock is not None:
        after_import.unwatch(_imported)


def _remove() -> None:
    global _wanted
    after_import.unwatch(_imported)
    with _lock:
        _wanted = False
    _sync()


patch = SharedPatch(_apply, _remove)
