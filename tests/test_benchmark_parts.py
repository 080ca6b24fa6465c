"""The per-call benchmark's section 1b leaves one stage of the pipeline out at a time: each variant must
leave out what it names, and nothing is left out once it ends (no timing here: the benchmark reports that)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import per_call_parts  # noqa: E402
from per_call import participants  # noqa: E402

from pytest_chime_proxy import ChimeProxyMock  # noqa: E402
from pytest_chime_proxy.core.wire.secret_members import REDACTED  # noqa: E402

SIGNATURE = "Signature="


@pytest.fixture
def setup() -> Iterator[tuple[ChimeProxyMock, Any, str, list[str]]]:
    with ChimeProxyMock() as mock:
        client = boto3.client("chime-sdk-voice", region_name="us-east-1")
        vc = mock.create_voice_connector()
        ids = [
            client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=pair, Capabilities=["Voice"])[
                "ProxySession"
            ]["ProxySessionId"]
            for pair in (participants(0), participants(1))
        ]
        yield mock, client, vc, ids


def _redacted() -> bool:
    """Whether the redaction the pipeline calls takes a signature out (seen without the call log, which one
    variant leaves out too)."""
    from pytest_chime_proxy.core import redaction
    from pytest_chime_proxy.core.wire.protocol import WireRequest

    auth = f"AWS4-HMAC-SHA256 Credential=testing/20200415/us-east-1/chime/aws4_request, SignedHeaders=host, {SIGNATURE}{'ab' * 32}"
    kept = redaction.redact(
        WireRequest("GET", "https://voice-chime.us-east-1.amazonaws.com/", {"Authorization": auth}, b"")
    )
    return "ab" * 32 not in kept.request.headers["Authorization"]


def _observed(mock: ChimeProxyMock, client: Any, vc: str, ids: list[str]) -> dict[str, bool]:
    """What each stage does, seen from outside: True where the stage is at work."""
    before = len(mock.calls)
    first = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=ids[0])["ProxySession"]
    recorded = len(mock.calls) > before
    redacted = _redacted() and (not recorded or REDACTED in mock.calls[-1].request.headers["Authorization"])
    second = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=ids[1])["ProxySession"]
    serialized = first["ProxySessionId"] != second["ProxySessionId"]
    with pytest.raises(client.exceptions.ClientError) as raised:
        client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId="x" * 200)  # longer than the model allows
    validated = raised.value.response["Error"]["Code"] == "BadRequestException"
    return {"redaction": redacted, "validation": validated, "call record": recorded, "serialization": serialized}


LEFT_OUT = {
    "as shipped": set(),
    "without redaction": {"redaction"},
    "without validation": {"validation"},
    "without the call record": {"call record"},
    "without serialization (a canned body)": {"serialization"},
    "without all four": {"redaction", "validation", "call record", "serialization"},
}


def test_every_variant_is_checked() -> None:
    assert set(per_call_parts.VARIANTS) == set(LEFT_OUT)


@pytest.mark.parametrize("variant", LEFT_OUT)
def test_a_variant_leaves_out_what_it_names_and_only_while_it_lasts(
    variant: str, setup: tuple[ChimeProxyMock, Any, str, list[str]]
) -> None:
    mock, client, vc, ids = setup
    with per_call_parts.VARIANTS[variant]():
        during = _observed(mock, client, vc, ids)
    assert {stage for stage, working in during.items() if not working} == LEFT_OUT[variant]
    assert all(_observed(mock, client, vc, ids).values())
