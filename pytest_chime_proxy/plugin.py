"""The pytest plugin: fixtures ``chime_proxy``, ``chime_sdk_voice``, ``chime_client``, ``voice_connector``,
``chime_proxy_server`` and the marker ``@pytest.mark.chime_proxy(...)``.

Loaded at every pytest start through the ``pytest11`` entry point, so it imports nothing heavy: the mock,
botocore and boto3 load only when a test asks for a fixture.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from .adapters.server import ChimeProxyServer
    from .mock import ChimeProxyMock

MARKER = "chime_proxy"
_MOCK_OPTIONS = ("region", "account", "seed", "real_sleep", "faults", "assert_all_faults_hit")
_INI_FLAGS = {  # ini option -> mock option it gives the default of (the marker overrides it)
    "chime_proxy_assert_all_faults_hit": "assert_all_faults_hit",
    "chime_proxy_real_sleep": "real_sleep",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("chime_proxy_assert_all_faults_hit", type="bool", default=False,
                  help="chime_proxy: fail a test whose injected fault rules did not all fire")
    parser.addini("chime_proxy_real_sleep", type="bool", default=False,
                  help="chime_proxy: let botocore's retry backoff and injected latency sleep on the wall clock")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "chime_proxy(region='us-east-1', account='123456789012', seed=None, phone_numbers=(...), "
        "faults=[{'operation': ..., 'error': ...}], assert_all_faults_hit=False, real_sleep=False): "
        "configure the chime_proxy fixture (and pull it in)",
    )


def _fixture_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The mock's keyword arguments: ini defaults, then the marker's options."""
    options = {mock_option: request.config.getini(ini) for ini, mock_option in _INI_FLAGS.items()}
    options.update((k, v) for k, v in _marker_options(request).items() if k in _MOCK_OPTIONS)
    return options


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked ``chime_proxy`` gets the fixture even if it does not ask for it (as time-machine does)."""
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            names = getattr(item, "fixturenames", None)
            if names is not None and MARKER not in names:
                names.insert(0, MARKER)


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError("@pytest.mark.chime_proxy takes keyword arguments only")
    unknown = set(marker.kwargs) - {*_MOCK_OPTIONS, "phone_numbers"}
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.chime_proxy got unknown option(s) {sorted(unknown)}; "
            f"known: {sorted({*_MOCK_OPTIONS, 'phone_numbers'})}"
        )
    return dict(marker.kwargs)


@pytest.fixture
def chime_proxy(request: pytest.FixtureRequest) -> Iterator["ChimeProxyMock"]:
    """An active fake Chime with fresh state for this test; stopped (environment restored) afterwards.

    With ``assert_all_faults_hit`` (marker, or the ``chime_proxy_assert_all_faults_hit`` ini option) the
    test's teardown fails, naming them, when injected fault rules never fired (as pytest-httpx does).
    """
    from .mock import ChimeProxyMock

    mock = ChimeProxyMock(**_fixture_options(request))
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
    if mock.assert_all_faults_hit:
        mock.faults.assert_all_hit()


@pytest.fixture
def chime_sdk_voice(chime_proxy: "ChimeProxyMock") -> Any:
    """A boto3 ``chime-sdk-voice`` client in the mock's region, answered by the fake."""
    import boto3

    return boto3.client("chime-sdk-voice", region_name=chime_proxy.region)


@functools.lru_cache(maxsize=None)  # a fresh botocore session loads the whole chime model: once is enough
def legacy_chime_available() -> bool:
    """Whether the installed botocore still models the legacy proxy operations (botocore <= 1.37.1)."""
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model("chime")
    except Exception:  # the whole service may be gone from a future botocore
        return False
    return "CreateProxySession" in model.operation_names


@pytest.fixture
def chime_client(chime_proxy: "ChimeProxyMock") -> Any:
    """A boto3 legacy ``chime`` client; skipped when the installed botocore no longer has the proxy calls."""
    import boto3
    import botocore

    if not legacy_chime_available():
        pytest.skip(f"botocore {botocore.__version__} has no legacy chime proxy operations "
                    "(they were removed after 1.37.1); install botocore<=1.37.1 to run this test")
    return boto3.client("chime", region_name="us-east-1")


@pytest.fixture
def chime_proxy_server(request: pytest.FixtureRequest) -> Iterator["ChimeProxyServer"]:
    """The fake as a real HTTP server on 127.0.0.1 (a free port, see ``.url``) for clients in other languages
    or processes, with fresh state of its own (``.mock``); the marker's region/account/seed apply.

    It does not intercept this process's botocore: point ``endpoint_url`` at ``.url`` (``.url + "/chime"`` for
    the legacy API). Stopped after the test.
    """
    from .adapters.server import ChimeProxyServer
    from .mock import ChimeProxyMock

    options = _marker_options(request)
    mock = ChimeProxyMock(**{k: v for k, v in options.items() if k in _MOCK_OPTIONS})
    with ChimeProxyServer(mock) as server:
        yield server


@pytest.fixture
def voice_connector(chime_proxy: "ChimeProxyMock", request: pytest.FixtureRequest) -> str:
    """The id of a voice connector ready for proxy sessions, with the marker's ``phone_numbers`` as its pool."""
    from .mock import DEFAULT_PHONE_NUMBERS

    numbers = _marker_options(request).get("phone_numbers", DEFAULT_PHONE_NUMBERS)
    return chime_proxy.create_voice_connector(numbers)
