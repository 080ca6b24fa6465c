"""The caller's AWS profiles without their secrets: one generated config file used while a mock is active.

Code under test often names a profile (``boto3.Session(profile_name="prod")``, ``AWS_PROFILE``) or relies on
the region in ``~/.aws/config``. The generated file has every profile of the caller's config and credentials
files, each with only the settings in ``KEPT_SETTINGS`` (none of which is or leads to a secret: no keys,
tokens, roles, SSO, ``credential_process`` or endpoint URLs), the fake keys, and the mock's region where the
profile names none. The caller's credentials file is read only for its section names, line by line.
The file is written once per distinct input (the caller's files' identity and the region) and kept in one
temporary folder for the process.
"""

from __future__ import annotations

import atexit
import configparser
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

KEPT_SETTINGS = frozenset(
    {
        "region",
        "output",
        "retry_mode",
        "max_attempts",
        "defaults_mode",
        "parameter_validation",
        "use_fips_endpoint",
        "use_dualstack_endpoint",
        "tcp_keepalive",
        "request_min_compression_size_bytes",
        "disable_request_compression",
        "request_checksum_calculation",
        "response_checksum_validation",
        "account_id_endpoint_mode",
        "sts_regional_endpoints",
        "ec2_metadata_v1_disabled",
    }
)
FAKE_KEY_LINES = "aws_access_key_id = testing\naws_secret_access_key = testing\n"
_SECTION = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*$")


class SanitizedConfig(NamedTuple):
    """The generated config file and the profile names it has."""

    path: Path
    profiles: frozenset[str]


_lock = threading.Lock()
_cache: dict[tuple[object, ...], SanitizedConfig] = {}
_folder: Path | None = None


def _identity(path: str) -> tuple[object, ...] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_ino, st.st_size, st.st_mtime_ns)


def _config_profiles(path: str) -> dict[str, dict[str, str]]:
    """Profile name -> kept settings, from a config file ("[default]", "[profile name]")."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return {}  # botocore refuses such a file too; no profile is kept from it
    found: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        if section == "default":
            name = "default"
        elif section.startswith("profile "):
            name = section[len("profile ") :].strip()
        else:
            continue  # sso-session, services: nothing kept
        found[name] = {k: v for k, v in parser.items(section) if k in KEPT_SETTINGS and "\n" not in v}
    return found


def _credential_profiles(path: str) -> set[str]:
    """The section names of a credentials file; the rest of each line is never kept."""
    try:
        with open(path, encoding="utf-8", errors="replace") as lines:
            return {m.group(1) for line in lines if (m := _SECTION.match(line))}
    except OSError:
        return set()


def _render(region: str, settings: dict[str, dict[str, str]]) -> str:
    parts = []
    for name in sorted(settings):
        header = "[default]" if name == "default" else f"[profile {name}]"
        values = dict(settings[name])
        values.setdefault("region", region)
        body = "".join(f"{k} = {v}\n" for k, v in sorted(values.items()))
        parts.append(f"{header}\n{body}{FAKE_KEY_LINES}")
    return "\n".join(parts)


def _write(text: str) -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="pytest-chime-proxy-"))
        atexit.register(shutil.rmtree, _folder, True)
    path = _folder / f"config-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path


def sanitized_config(region: str, env: Mapping[str, str]) -> SanitizedConfig:
    """The generated config for the caller's environment ``env`` and the mock's ``region``."""
    config = os.path.expanduser(env.get("AWS_CONFIG_FILE") or "~/.aws/config")
    credentials = os.path.expanduser(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials")
    key = (region, config, credentials, _identity(config), _identity(credentials))
    found = _cache.get(key)
    if found is not None:
        return found
    with _lock:
        settings = _config_profiles(config) if key[3] is not None else {}
        for name in _credential_profiles(credentials) if key[4] is not None else ():
            settings.setdefault(name, {})
        settings.setdefault("default", {})
        found = _cache[key] = SanitizedConfig(_write(_render(region, settings)), frozenset(settings))
    return found
