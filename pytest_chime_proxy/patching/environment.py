"""Fake credentials while a mock is active, the caller's non-secret AWS settings kept, and the caller's
environment back afterwards.

While a mock is active:

- every ``AWS_*`` variable that could carry or lead to a secret, or move an endpoint, is removed
  (``AWS_ENDPOINT_URL*`` among them) and the fake keys are set;
- the shared config and credentials files are replaced by one generated config file (see ``profiles``) that
  has the caller's profile names and non-secret settings (region, retry mode...) and the fake keys in every
  profile, so ``boto3.Session(profile_name="prod")`` works and nothing real can be read;
- a profile with no region gets the mock's region, so ``boto3.client("chime-sdk-voice")`` needs no region;
- boto3's default session is set aside, replaced by one kept for this exact environment (``sessions``), so a
  session made before the mock never answers inside it and a test does not pay for a new one.

- proxy variables (``HTTP(S)_PROXY``, ``ALL_PROXY``, either case) are left in place for other hosts, but
  ``NO_PROXY``/``no_proxy`` gain loopback and Chime's global host (``PROXY_BYPASS``): a client pointed at a
  local server (``ChimeProxyServer``) is never sent to a proxy. Regional Chime hosts cannot be named in
  ``NO_PROXY`` (it has no wildcard for a label), and need not be: botocore, aiobotocore and ``requests`` are
  answered before any proxy is chosen, and the socket guard refuses a ``CONNECT``/absolute-form request
  naming a Chime host that ``http.client`` writes to a proxy.

What survives the stop (decided): every variable the mock governs -- the ones it sets, and every name its
removal rule covers (``REMOVED``, ``REMOVED_PREFIXES``), whether or not it was set at the start -- is back at
the caller's value (absent stays absent), whatever the test did to it while the mock was active: a value set
then was set inside the fake environment and could carry a secret or an endpoint into later tests. Every
other variable is the test's business and is left as the test left it.

Mocks that overlap share the one process environment: the first to enter saves the caller's values, the
innermost active one's values are in force, and the last to leave restores the caller's values, whatever
order they stop in.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import Any

from pytest_chime_proxy.core.wire.credentials import FAKE_KEYS
from pytest_chime_proxy.patching import profiles, sessions

# Variables a mock removes: secrets, ways to a secret (files, processes, metadata services), and endpoint moves.
REMOVED_PREFIXES = ("AWS_ENDPOINT_URL", "AWS_BEARER_TOKEN")
REMOVED = (
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",  # boto2's spellings, still read by some tools
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_SSO_SESSION",
)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
# what a proxy must never see while a mock is active (the suffix form covers every *.chime.aws.amazon.com)
PROXY_BYPASS = (
    "localhost",
    "127.0.0.1",
    "::1",  # not "[::1]" too: httpx refuses to build any client with it in NO_PROXY (urllib would want it)
    ".localhost",
    "service.chime.aws.amazon.com",
    ".chime.aws.amazon.com",
)
FIXED: Mapping[str, str] = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}

# what a mock reads (the caller's settings, the proxy bypass) covers every variable it writes
READ_PREFIXES = ("AWS_", "BOTO_", *NO_PROXY_VARIABLES)

_lock = threading.Lock()
_active: list[FakeEnvironment] = []
_original: dict[str, str | None] = {}  # the caller's value of every variable any active mock changed
_session: list[Any] = []  # boto3's default session of the caller, while mocks are active


def _boto3() -> Any:
    return sys.modules.get("boto3")  # boto3 is never imported for this


def governed(name: str) -> bool:
    """Whether ``name`` is one the mock's removal rule covers (restored at the stop even if only set inside)."""
    return name.startswith(REMOVED_PREFIXES) or name in REMOVED


def _no_proxy(value: str | None) -> str:
    """``value`` (a NO_PROXY list) with ``PROXY_BYPASS`` added, the caller's entries first and kept."""
    entries = [entry.strip() for entry in (value or "").split(",") if entry.strip()]
    if entries == ["*"]:
        return "*"  # no proxy for anything already (a list with more in it would lose that meaning)
    return ",".join(entries + [host for host in PROXY_BYPASS if host not in entries])


_READ_PREFIXES_BYTES = tuple(os.fsencode(prefix) for prefix in READ_PREFIXES)


def _read() -> dict[str, str]:
    """Every variable a mock reads or writes (``READ_PREFIXES``): one pass over the environment, the other
    names and values never decoded (CPython's POSIX ``os.environ`` keeps them as bytes; half the cost)."""
    environ = os.environ
    data = getattr(environ, "_data", None)
    if os.name == "posix" and type(data) is dict:
        decode_key, decode_value = environ.decodekey, environ.decodevalue
        return {decode_key(k): decode_value(v) for k, v in data.items() if k.startswith(_READ_PREFIXES_BYTES)}
    return {name: environ[name] for name in environ if name.startswith(READ_PREFIXES)}


def _write(values: Mapping[str, str | None], now: Mapping[str, str]) -> None:
    """Put ``values`` in force (None: absent), touching only the variables whose value ``now`` differs."""
    for name, value in values.items():
        if now.get(name) == value:
            continue
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _in_force(now: Mapping[str, str], written: Mapping[str, str | None]) -> dict[str, str]:
    """The variables ``_read`` would see once ``written`` is put in force over ``now``."""
    values = {**now, **written}
    return {name: value for name, value in values.items() if value is not None}


class FakeEnvironment:
    """One mock's environment: ``enter()`` puts it in force, the last active one to ``exit()`` restores."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._wanted: dict[str, str | None] = {}

    def _compute(self, env: Mapping[str, str]) -> dict[str, str | None]:
        """The variables to set (None: remove), from the caller's environment ``env``."""
        wanted: dict[str, str | None] = {name: None for name in env if governed(name)}
        wanted.update({name: None for name in REMOVED})  # absent ones too: restored absent at the stop
        config = profiles.sanitized_config(self.region, env)
        wanted.update(FAKE_KEYS)
        wanted.update(FIXED)
        wanted["AWS_CONFIG_FILE"] = str(config.path)
        caller_no_proxy = env.get("no_proxy") or env.get("NO_PROXY")  # the lower case wins, as in urllib
        for name in NO_PROXY_VARIABLES:
            wanted[name] = _no_proxy(caller_no_proxy)
        profile = env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE")
        if profile is not None and profile not in config.profiles:
            wanted["AWS_PROFILE"] = wanted["AWS_DEFAULT_PROFILE"] = None  # unknown: botocore would refuse it
        return wanted

    def enter(self) -> None:
        with _lock:
            if self in _active:
                return
            now = _read()
            caller = dict(now)  # the caller's view: outer mocks' changes undone
            for name, value in _original.items():
                if value is None:
                    caller.pop(name, None)
                else:
                    caller[name] = value
            self._wanted = self._compute(caller)
            for name in self._wanted:
                _original.setdefault(name, now.get(name))
            _write(self._wanted, now)
            boto3 = _boto3()
            if not _active and boto3 is not None:
                _session[:] = [getattr(boto3, "DEFAULT_SESSION", None)]
            if boto3 is not None:
                boto3.DEFAULT_SESSION = sessions.kept(_in_force(now, self._wanted))
            _active.append(self)

    def exit(self) -> None:
        with _lock:
            if self not in _active:
                return
            boto3 = _boto3()
            now = _read()
            if boto3 is not None and _active[-1] is self:
                sessions.keep(getattr(boto3, "DEFAULT_SESSION", None), now)
            _active.remove(self)
            if _active:
                back = {name: _original.get(name) for name in self._wanted if name not in _active[-1]._wanted}
                _write({**back, **_active[-1]._wanted}, now)
                if boto3 is not None:
                    boto3.DEFAULT_SESSION = sessions.kept(_in_force(now, {**back, **_active[-1]._wanted}))
            else:
                # a governed name the test set inside the mock (so not among the caller's values): removed
                _write({name: None for name in now if governed(name) and name not in _original} | _original, now)
                _original.clear()
                if boto3 is not None:
                    boto3.DEFAULT_SESSION = _session.pop() if _session else None
                _session.clear()
