"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-chime-sdk-voice`` from npm, run by this machine's Node.js)
against the server: create, get, list, update and delete a session, and catch a NotFoundException.

The npm packages are installed once into a cache directory keyed by tests/js/package.json and
package-lock.json (``$CHIME_PROXY_NODE_CACHE``, else ``~/.cache/pytest-chime-proxy/node``), under a file lock
so that parallel workers install once. Skipped only where Node.js or npm is absent.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from pytest_chime_proxy.server.app import ChimeProxyServer

JS = Path(__file__).with_name("js")
PACKAGE = "@aws-sdk/client-chime-sdk-voice"


def node_modules() -> Path:
    """The cached node_modules with the SDK in it, installing it (npm install) the first time."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (it comes with Node.js)")
    manifests = [JS / "package.json", JS / "package-lock.json"]
    key = hashlib.sha256(b"".join(p.read_bytes() for p in manifests)).hexdigest()[:16]
    root = Path(os.environ.get("CHIME_PROXY_NODE_CACHE", Path.home() / ".cache" / "pytest-chime-proxy" / "node"))
    home = root / key
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        installed = home / "node_modules" / PACKAGE / "package.json"
        if not installed.exists():
            for manifest in manifests:
                shutil.copy(manifest, home / manifest.name)
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=home,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, f"npm install failed in {home}:\n{done.stdout}\n{done.stderr}"
    return home / "node_modules"


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed: the JavaScript SDK test needs `node` on PATH")
    return found


def test_js_sdk_v3_runs_the_session_lifecycle(node: str, chime_proxy_server: ChimeProxyServer) -> None:
    modules = node_modules()
    vc = chime_proxy_server.mock.create_voice_connector(["+19135550199"])
    done = subprocess.run(
        [node, str(JS / "lifecycle.cjs"), chime_proxy_server.url, vc],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)

    created = seen["created"]
    assert seen["createdStatus"] == 201
    assert (created["Status"], created["Name"], created["ExpiryMinutes"]) == ("Open", "from node", 30)
    assert created["Capabilities"] == ["SMS", "Voice"]
    assert {p["ProxyPhoneNumber"] for p in created["Participants"]} == {"+19135550199"}
    assert created["createdIsDate"]  # the SDK parsed the timestamp into a Date
    made_at = datetime.fromisoformat(created["CreatedTimestamp"].replace("Z", "+00:00"))
    stored = chime_proxy_server.mock.calls[0].response.json()["ProxySession"]["CreatedTimestamp"]
    assert made_at == datetime.fromisoformat(stored.replace("Z", "+00:00"))
    assert seen["got"] == created
    assert seen["listed"] == [created["ProxySessionId"]]
    assert seen["updated"]["Capabilities"] == ["SMS"]
    assert seen["deletedStatus"] == 204
    assert seen["notFound"]["name"] == "NotFoundException"
    assert seen["notFound"]["isNotFoundException"] is True
    assert seen["notFound"]["status"] == 404
    assert created["ProxySessionId"] in seen["notFound"]["message"]
    assert [c.operation for c in chime_proxy_server.mock.calls] == [
        "CreateProxySession",
        "GetProxySession",
        "ListProxySessions",
        "UpdateProxySession",
        "DeleteProxySession",
        "GetProxySession",
    ]


@pytest.mark.chime_proxy(region="eu-west-2")
def test_js_sdk_v3_needs_only_its_endpoint_and_the_printed_environment(
    node: str, chime_proxy_server: ChimeProxyServer, tmp_path: Path
) -> None:
    """The export line's variables, and nothing else of AWS (no config file, no other AWS_* variable), are
    enough: the JavaScript SDK v3 reads its region from AWS_REGION only ("Region is missing" without it)."""
    modules = node_modules()
    vc = chime_proxy_server.mock.create_voice_connector(["+19135550199"], region="eu-west-2")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    printed = chime_proxy_server.environment()
    assert {"AWS_REGION", "AWS_DEFAULT_REGION"} <= printed.keys()
    env = {**clean, **printed, "HOME": str(tmp_path), "NODE_PATH": str(modules)}
    script = [node, str(JS / "env_only.cjs"), chime_proxy_server.url, vc]
    done = subprocess.run(script, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"region": "eu-west-2", "status": "Open"}
    assert chime_proxy_server.mock.calls.last().region == "eu-west-2"

    without_region = {k: v for k, v in env.items() if k != "AWS_REGION"}  # what the export line printed before
    refused = subprocess.run(script, capture_output=True, text=True, timeout=120, env=without_region)
    assert refused.returncode == 1 and "Region is missing" in refused.stderr
