"""Fake credentials while a mock is active, and the caller's environment back afterwards.

Besides setting fake keys, the variables that would make botocore read real credentials or a real profile
are removed for the duration (AWS_PROFILE would make botocore skip the environment keys), and the shared
config and credentials files are pointed at nothing; boto3's cached default session (which may hold
credentials resolved before the mock) is set aside. Everything is restored exactly on stop, even when
the test failed.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Mapping

FAKE: Mapping[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": None,
    "AWS_SECURITY_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_DEFAULT_PROFILE": None,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    "AWS_WEB_IDENTITY_TOKEN_FILE": None,
    "AWS_EC2_METADATA_DISABLED": "true",
}


# The process environment is one: mocks that overlap share it. The first to enter saves the caller's values,
# the innermost active one's values are in force, and the last to leave restores the caller's values --
# whatever order the mocks stop in (a mock stopped out of order must neither put real credentials back
# under a mock still active nor leave fake ones behind).
_lock = threading.Lock()
_active: list["FakeEnvironment"] = []
_original: dict[str, str | None] = {}
_session: list[Any] = []  # boto3's default session of the caller, while mocks are active


def _swap_boto3_session(new: Any) -> Any:
    """Put ``new`` in place of boto3's cached default session; returns the one that was there.

    boto3 keeps one default session and, in it, the credentials it resolved first: a client made inside the
    mock from a session made before it would sign with the caller's real key, and one made inside would
    leave the fake key cached for code that runs after the mock. boto3 is not imported for this.
    """
    boto3 = sys.modules.get("boto3")
    if boto3 is None:
        return None
    old = getattr(boto3, "DEFAULT_SESSION", None)
    boto3.DEFAULT_SESSION = new  # type: ignore[attr-defined]  # boto3 declares it only by assignment
    return old


def _write(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


class FakeEnvironment:
    """Sets ``FAKE`` on ``enter()``; the last active one to ``exit()`` puts every touched variable back."""

    def __init__(self, extra: Mapping[str, str | None] | None = None) -> None:
        self._wanted = {**FAKE, **(extra or {})}

    def enter(self) -> None:
        with _lock:
            if self in _active:
                return
            for name in self._wanted:
                _original.setdefault(name, os.environ.get(name))
            if not _active:
                _session[:] = [_swap_boto3_session(None)]
            _active.append(self)
            _write(self._wanted)

    def exit(self) -> None:
        with _lock:
            if self not in _active:
                return
            _active.remove(self)
            if _active:
                _write(_active[-1]._wanted)
            else:
                _write(_original)
                _original.clear()
                _swap_boto3_session(_session.pop() if _session else None)
