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
"""

from __future__ import annotations

import io
import re
from http.client import responses as reasons
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_chime_proxy.core.faults import ConnectionFault
from pytest_chime_proxy.patching import active, transport
from pytest_chime_proxy.patching.shared_patch import SharedPatch
from pytest_chime_proxy.patching.transport import to_wire_request

if TYPE_CHECKING:
    import responses
    from requests import PreparedRequest

_requests_mock: responses.RequestsMock | None = None
_route: Any = None
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


def _apply() -> None:
    global _requests_mock, _route
    import responses
    from requests.adapters import HTTPAdapter

    if not isinstance(_route, responses.BaseResponse):  # first use, or `responses` was imported anew
        _route = _make_route()
    # responses accepts patterns as passthru prefixes (its stubs say str only); and the send to chain
    # to is whatever is in place now, the network or another responses mock
    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False,
        passthru_prefixes=(_PASS_EVERYTHING_ELSE,),  # type: ignore[arg-type]
        real_adapter_send=HTTPAdapter.send,  # type: ignore[arg-type]
    )
    mock.add(_route)
    mock.start()
    _requests_mock = mock
    if _route not in responses.mock.registered():
        responses.mock.add(_route)


def _remove() -> None:
    global _requests_mock
    import responses

    if _requests_mock is not None:
        _requests_mock.stop(allow_assert=False)
        _requests_mock = None
    responses.mock.remove(_route)


patch = SharedPatch(_apply, _remove)
