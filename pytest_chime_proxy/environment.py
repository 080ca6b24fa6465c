"""Fake credentials while a mock is active, and the caller's environment back afterwards.

Besides setting fake keys, the variables that would make botocore read real credentials or a real profile
are removed for the duration (AWS_PROFILE would make botocore skip the environment keys), and the shared
config and credentials files are pointed at nothing. Everything is restored exactly on stop, even when
the test failed.
"""

from __future__ import annotations

import os
from typing import Mapping

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


class FakeEnvironment:
    """Sets ``FAKE`` on ``enter()`` and puts every touched variable back on ``exit()``."""

    def __init__(self, extra: Mapping[str, str | None] | None = None) -> None:
        self._wanted = {**FAKE, **(extra or {})}
        self._saved: dict[str, str | None] | None = None

    def enter(self) -> None:
        self._saved = {name: os.environ.get(name) for name in self._wanted}
        for name, value in self._wanted.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def exit(self) -> None:
        if self._saved is None:
            return
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved = None
