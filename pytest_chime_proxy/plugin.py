"""The pytest plugin: fixtures ``chime_proxy``, ``chime_sdk_voice``, ``chime_client``, ``voice_connector``,
``chime_proxy_server`` and the marker ``@pytest.mark.chime_proxy(...)``.

Loaded at every pytest start through the ``pytest11`` entry point, so it imports nothing heavy: the mock,
botocore and boto3 load only when a test asks for a fixture.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_chime_proxy.mock import ChimeProxyMock
    from pytest_chime_proxy.server.app import ChimeProxyServer

MARKER = "chime_proxy"
MARKER_ONLY = ("phone_numbers",)  # marker options that are not the mock's: the voice_connector fixture's pool


def pytest_addoption(parser: pytest.Parser) -> None:
    from pytest_chime_proxy.core.options import HELP, INI_OPTIONS  # the declaration only: no pydantic

    for name, option in INI_OPTIONS.items():
        parser.addini(name, type="bool", default=False, help=f"chime_proxy: {HELP[option]}")


def pytest_configure(config: pytest.Config) -> None:
    from pytest_chime_proxy.core.options import INI_OPTIONS, marker_help, set_session_defaults

    config.addinivalue_line("markers", marker_help())
    set_session_defaults({option: True for name, option in INI_OPTIONS.items() if config.getini(name)})


def pytest_unconfigure(config: pytest.Config) -> None:
    options = sys.modules.get(f"{__package__}.core.options")
    if options is not None:
        options.set_session_defaults({})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked ``chime_proxy`` gets the fixture even if it does not ask for it (as time-machine does)."""
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            names = getattr(item, "fixturenames", None)
            if names is not None and MARKER not in names:
                names.insert(0, MARKER)


# ---- a mock a test started and left running ------------------------------------------------------------------
class ChimeProxyMockLeftRunning(UserWarning):
    """A test started a mock and did not stop it; the plugin stopped it when the test's teardown ended."""


_before: dict[str, tuple[Any, ...]] = {}  # nodeid -> mocks active when the test's setup began
_wider: set[int] = set()  # ids of mocks started by a fixture of wider scope than the function (left alone)


def _active_mocks() -> tuple[Any, ...]:
    active = sys.modules.get(f"{__package__}.patching.active")
    return active.active_mocks() if active is not None else ()  # nothing imported: no mock was ever started


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Any:
    """A mock started while a fixture of wider scope sets up belongs to that fixture, not to the test."""
    if fixturedef.scope == "function":
        return (yield)
    before = {id(m) for m in _active_mocks()}
    try:
        return (yield)
    finally:
        _wider.update(id(m) for m in _active_mocks() if id(m) not in before)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    _before[item.nodeid] = _active_mocks()  # module-level and earlier wider-scope mocks: not this test's
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Once the test's own fixtures are torn down: a mock it started and left running is warned about,
    naming where it was started, and stopped (it would answer later tests, silently)."""
    try:
        return (yield)
    finally:
        before = {id(m) for m in _before.pop(item.nodeid, ())}
        left = [m for m in _active_mocks() if id(m) not in before and id(m) not in _wider]
        for fake in reversed(left):
            owner = fake.owner
            where = getattr(owner, "started_at", None) or "an unknown place"
            warnings.warn(
                ChimeProxyMockLeftRunning(
                    f"{item.nodeid} started a pytest-chime-proxy mock at {where} and left it running; it has been "
                    "stopped now. Stop it in the test (a with block, or .stop() in a finally), or start it in "
                    "a fixture (the chime_proxy fixture does both)."
                ),
                stacklevel=1,
            )
            if owner is not None:
                owner.stop()
        _wider.intersection_update(id(m) for m in _active_mocks())


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The marker's keyword arguments (all of them, ``phone_numbers`` included)."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        pytest.fail("@pytest.mark.chime_proxy takes keyword arguments only", pytrace=False)
    return dict(marker.kwargs)


def _new_mock(request: pytest.FixtureRequest) -> ChimeProxyMock:
    """A mock with the marker's options; a wrong option fails the test's setup naming it."""
    from pytest_chime_proxy.core.options import OptionsError, check_names
    from pytest_chime_proxy.mock import ChimeProxyMock

    given = _marker_options(request)
    options = {k: v for k, v in given.items() if k not in MARKER_ONLY}
    try:
        check_names(given, "the marker", extra=MARKER_ONLY)  # its own options named among the mock's
        mock = ChimeProxyMock(**options)
        if "phone_numbers" in given:  # checked whether or not the test uses voice_connector
            from pytest_chime_proxy.mock import check_phone_numbers

            check_phone_numbers("", given["phone_numbers"])
    except (OptionsError, ValueError) as error:
        problem = str(error)
    else:
        return mock
    # outside the except clause: the message alone, once (no traceback, no "during handling of" chain)
    pytest.fail(f"@pytest.mark.chime_proxy: {problem}", pytrace=False)


@pytest.fixture
def chime_proxy(request: pytest.FixtureRequest) -> Iterator[ChimeProxyMock]:
    """An active fake Chime with fresh state for this test; stopped (environment restored) afterwards.

    With ``assert_all_faults_hit`` (marker, or the ``chime_proxy_assert_all_faults_hit`` ini option) the
    test's teardown fails, naming them, when injected fault rules never fired (as pytest-httpx does).
    """
    mock = _new_mock(request)
    function = getattr(request, "function", None)
    decorated = getattr(function, "chime_proxy_decorated", None)
    if decorated is not None:  # the test is also @mock_chime_proxy: one test, one fake
        if decorated:
            pytest.fail(
                f"{request.node.nodeid} has both the chime_proxy fixture (or marker) and @mock_chime_proxy(...) "
                "with options, which would make two separate fakes: put the options on "
                "@pytest.mark.chime_proxy(...) and drop the decorator's",
                pytrace=False,
            )
        mock.decorated_test = function
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
    if mock.assert_all_faults_hit:
        mock._assert_faults_hit()


@pytest.fixture
def chime_sdk_voice(chime_proxy: ChimeProxyMock) -> Any:
    """A boto3 ``chime-sdk-voice`` client in the mock's region, answered by the fake.

    The client is reused by later tests when nothing of this test can reach them (see ``clients``): do not
    register event handlers on it (a client you register on is never handed out again, but make your own
    with ``boto3.client`` for that).
    """
    from pytest_chime_proxy.patching.clients import client

    return client("chime-sdk-voice", chime_proxy.region)


@functools.cache  # a fresh botocore session loads the whole chime model: once is enough
def legacy_chime_available() -> bool:
    """Whether the installed botocore still models the legacy proxy operations (botocore <= 1.37.1)."""
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model("chime")
    except Exception:  # the whole service may be gone from a future botocore
        return False
    return "CreateProxySession" in model.operation_names


@pytest.fixture
def chime_client(chime_proxy: ChimeProxyMock) -> Any:
    """A boto3 legacy ``chime`` client (reused like ``chime_sdk_voice``'s); skipped when the installed
    botocore no longer has the proxy calls."""
    import botocore

    from pytest_chime_proxy.patching.clients import client

    if not legacy_chime_available():
        pytest.skip(
            f"botocore {botocore.__version__} has no legacy chime proxy operations "
            "(they were removed after 1.37.1); install botocore<=1.37.1 to run this test"
        )
    return client("chime", "us-east-1")


@pytest.fixture
def chime_proxy_server(request: pytest.FixtureRequest) -> Iterator[ChimeProxyServer]:
    """The fake as a real HTTP server on 127.0.0.1 (a free port, see ``.url``) for clients in other languages
    or processes, with fresh state of its own (``.mock``); the marker's options apply.

    It does not intercept this process's botocore: point ``endpoint_url`` at ``.url`` (``.url + "/chime"`` for
    the legacy API). Stopped after the test.
    """
    from pytest_chime_proxy.server.app import ChimeProxyServer

    with ChimeProxyServer(_new_mock(request)) as server:
        yield server


@pytest.fixture
def voice_connector(chime_proxy: ChimeProxyMock, request: pytest.FixtureRequest) -> str:
    """The id of a voice connector ready for proxy sessions, with the marker's ``phone_numbers`` as its pool."""
    from pytest_chime_proxy.mock import DEFAULT_PHONE_NUMBERS

    numbers = _marker_options(request).get("phone_numbers", DEFAULT_PHONE_NUMBERS)
    return chime_proxy.create_voice_connector(numbers)
