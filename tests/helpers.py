"""What many test modules share: the documented sample's participants, and other fixed inputs.

Fixtures live in ``conftest.py``; plain values and functions live here (``from helpers import PAIR``: pytest puts
this folder on ``sys.path``).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

if TYPE_CHECKING:
    from pytest_chime_proxy.server.app import ChimeProxyServer

PAIR = ["+14015550101", "+12065550100"]
"""The participants of the REST reference's CreateProxySession sample."""

PROFILE_KEY = "AKIAPROFILEKEYMUSTNOT"
"""The access key id of the profiles ``credential_profiles`` writes: it must never reach the fake."""


def credential_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with a credential_process profile (it writes a marker), a role profile, an SSO profile and a
    profile with no keys (IMDS would be next in the chain); nothing in it names a non-loopback address."""
    ran = tmp_path / "credential-process-ran"
    script = tmp_path / "creds.sh"
    script.write_text(
        f'#!/bin/sh\ntouch {ran}\necho \'{{"Version": 1, "AccessKeyId": "{PROFILE_KEY}", "SecretAccessKey": "s"}}\'\n'
    )
    script.chmod(0o755)
    config = tmp_path / "config"
    config.write_text(
        f"[profile proc]\nregion = us-east-1\ncredential_process = {script}\n"
        "[profile role]\nregion = us-east-1\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = base\n"
        f"[profile base]\nregion = us-east-1\naws_access_key_id = {PROFILE_KEY}\naws_secret_access_key = s\n"
        "[profile sso]\nregion = us-east-1\nsso_start_url = http://127.0.0.1:9/start\nsso_region = us-east-1\n"
        "sso_account_id = 111122223333\nsso_role_name = r\n"
        "[profile bare]\nregion = us-east-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")  # were IMDS asked: loopback
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return ran


# ---- the HTTP server's tests (test_server*.py; their ``server`` and ``vc`` fixtures are in conftest.py) -------
NUMBERS = ["+19135550199", "+19135550198"]
"""The pool of the server tests' connector."""

JSON = {"Content-Type": "application/json"}


def http(
    server: ChimeProxyServer, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """One request through urllib; (status, headers, decoded JSON body or None)."""
    request = urllib.request.Request(server.url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, got, raw = answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        status, got, raw = error.code, dict(error.headers), error.read()
    return status, got, json.loads(raw) if raw else None


def control(server: ChimeProxyServer, method: str, name: str, payload: Any = None) -> tuple[int, Any]:
    """Call the control API over HTTP; (status, decoded JSON)."""
    body = None if payload is None else json.dumps(payload).encode()
    status, _, decoded = http(server, method, f"/_chime_proxy/{name}", body, JSON if body is not None else None)
    return status, decoded


def fresh_python(script: str) -> list[str]:
    """The lines ``script`` prints in a fresh interpreter (what a process pays or loads first is only seen
    there); its exit must be clean."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()


@functools.cache
def extension_registers_itself() -> bool:
    """Whether this environment's pydantic-core extension puts itself in ``sys.modules`` as it loads (a
    single-phase extension: older pydantic-core, 2.14 in the legacy venv). The validators' engine then imports
    the package as usual, so what a first use loads depends on it. Found by loading it in a fresh process."""
    return fresh_python(
        "import importlib.util, sys\n"
        "from pytest_chime_proxy.core.wire.validator_engine import _extension_spec\n"
        "spec = _extension_spec()\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print('pydantic_core._pydantic_core' in sys.modules)\n"
    ) == ["True"]
