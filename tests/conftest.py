"""Shared fixtures: a proxy-session client of either namespace (``client``) and its ``namespace``; the plugin's
own ``voice_connector`` fixture gives a connector ready for it. Plain shared values are in ``helpers.py``.

The plugin itself comes in through its ``pytest11`` entry point, as users get it; ``pytester`` runs
separate pytest sessions for the plugin's own tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Imported here, before any test runs: pytester's in-process runs drop the modules first imported inside
# them, and a requests (or boto3) imported there would leave this process with two copies of its classes.
import boto3  # noqa: F401
import pytest
import requests  # noqa: F401
import responses  # noqa: F401
from helpers import NUMBERS, control

if TYPE_CHECKING:
    from pytest_chime_proxy.server.app import ChimeProxyServer

pytest_plugins = ["pytester"]

NAMESPACES = ("chime-sdk-voice", "chime")
CLIENT_FIXTURES = {"chime-sdk-voice": "chime_sdk_voice", "chime": "chime_client"}


@pytest.fixture(params=NAMESPACES)
def client(request: pytest.FixtureRequest) -> Any:
    """A boto3 client of one namespace; the legacy one skips on botocore without its proxy operations."""
    return request.getfixturevalue(CLIENT_FIXTURES[request.param])


@pytest.fixture
def namespace(client: Any) -> str:
    """The namespace (botocore service name) of ``client``."""
    return client.meta.service_model.service_name


@pytest.fixture
def server(chime_proxy_server: ChimeProxyServer) -> ChimeProxyServer:
    """The server tests' fake over HTTP (``chime_proxy_server``)."""
    return chime_proxy_server


@pytest.fixture
def vc(server: ChimeProxyServer) -> str:
    """A connector on ``server``, made through its control API (a module may define its own ``vc``)."""
    status, body = control(server, "POST", "voice-connectors", {"phone_numbers": NUMBERS})
    assert status == 201, body
    return str(body["voice_connector_id"])
