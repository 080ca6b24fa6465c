"""Activation: one ordered list of patches, entered through one ExitStack; a failed start undoes itself."""

from __future__ import annotations

import os

import boto3
import botocore.endpoint
import pytest

from pytest_chime_proxy import ChimeProxyMock
from pytest_chime_proxy.patching import backoff, lifecycle, requests_send


def test_a_start_that_fails_midway_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    send, key = botocore.endpoint.Endpoint._send, os.environ.get("AWS_ACCESS_KEY_ID")

    def broken() -> None:
        raise RuntimeError("the responses adapter could not start")

    monkeypatch.setattr(requests_send.patch, "_apply", broken)
    mock = ChimeProxyMock()
    with pytest.raises(RuntimeError, match="could not start"):
        mock.start()
    assert not mock.active
    assert botocore.endpoint.Endpoint._send is send
    assert not backoff.installed()
    assert os.environ.get("AWS_ACCESS_KEY_ID") == key
    assert not any(patch.active for patch in lifecycle.PATCHES)
    monkeypatch.undo()
    with mock:  # and the same mock starts cleanly once the cause is gone
        assert boto3.client("chime-sdk-voice", region_name="us-east-1").list_voice_connectors()["VoiceConnectors"] == []


def test_every_patch_is_in_place_while_active_and_gone_after() -> None:
    with ChimeProxyMock():
        assert all(patch.active for patch in lifecycle.PATCHES if patch.available())
    assert not any(patch.active for patch in lifecycle.PATCHES)
