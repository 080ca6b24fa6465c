"""The AWS CLI v1 from PyPI, a client nobody here wrote, against the server: ``aws chime-sdk-voice ...
--endpoint-url`` and, where the CLI still has it, the legacy ``aws chime create-proxy-session``.

Skipped where awscli is not installed. The legacy commands exist only in CLI releases whose botocore models
them (awscli 1.38.1 with botocore 1.37.1: scripts/test.sh installs it in the legacy environment); newer CLIs
bundle their own botocore without them.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import PAIR

from pytest_chime_proxy.server.app import ChimeProxyServer

if importlib.util.find_spec("awscli") is None:
    pytest.skip("awscli is not installed here (pip install awscli)", allow_module_level=True)


def cli_models(service: str, operation: str) -> bool:
    """Whether the installed CLI's botocore (its bundled copy, where it has one) models ``operation``."""
    module = "awscli.botocore.session" if importlib.util.find_spec("awscli.botocore") else "botocore.session"
    session = importlib.import_module(module).get_session()
    try:
        return operation in session.get_service_model(service).operation_names
    except Exception:  # noqa: BLE001 - the whole service may be gone from the CLI's model
        return False


def aws(*args: str, endpoint: str) -> tuple[int, Any, str]:
    """Run ``aws ARGS --endpoint-url ENDPOINT``; (exit code, parsed JSON output or None, stderr)."""
    script = Path(sys.executable).with_name("aws")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "awscli"]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_PAGER": "",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        [*command, *args, "--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    output = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, output, done.stderr


@pytest.fixture
def vc(chime_proxy_server: ChimeProxyServer) -> str:
    return chime_proxy_server.mock.create_voice_connector(["+19135550199", "+19135550198"])


def test_aws_chime_sdk_voice_lifecycle(chime_proxy_server: ChimeProxyServer, vc: str) -> None:
    if not cli_models("chime-sdk-voice", "CreateProxySession"):
        pytest.skip("this awscli's model has no chime-sdk-voice proxy commands")
    url = chime_proxy_server.url
    code, made, err = aws(
        "chime-sdk-voice",
        "create-proxy-session",
        "--voice-connector-id",
        vc,
        "--participant-phone-numbers",
        *PAIR,
        "--capabilities",
        "Voice",
        "SMS",
        "--expiry-minutes",
        "30",
        endpoint=url,
    )
    assert code == 0, err
    session = made["ProxySession"]
    assert (session["Status"], session["ExpiryMinutes"], session["Capabilities"]) == ("Open", 30, ["SMS", "Voice"])
    sid = session["ProxySessionId"]

    code, listed, err = aws("chime-sdk-voice", "list-proxy-sessions", "--voice-connector-id", vc, endpoint=url)
    assert code == 0, err
    assert [s["ProxySessionId"] for s in listed["ProxySessions"]] == [sid]

    code, updated, err = aws(
        "chime-sdk-voice",
        "update-proxy-session",
        "--voice-connector-id",
        vc,
        "--proxy-session-id",
        sid,
        "--capabilities",
        "SMS",
        endpoint=url,
    )
    assert code == 0, err
    assert updated["ProxySession"]["Capabilities"] == ["SMS"]

    code, _, err = aws(
        "chime-sdk-voice", "delete-proxy-session", "--voice-connector-id", vc, "--proxy-session-id", sid, endpoint=url
    )
    assert code == 0, err

    code, _, err = aws(
        "chime-sdk-voice", "get-proxy-session", "--voice-connector-id", vc, "--proxy-session-id", sid, endpoint=url
    )
    assert code != 0
    assert "NotFoundException" in err and sid in err
    assert [c.operation for c in chime_proxy_server.mock.calls] == [
        "CreateProxySession",
        "ListProxySessions",
        "UpdateProxySession",
        "DeleteProxySession",
        "GetProxySession",
    ]


def test_aws_cli_reports_a_validation_error(chime_proxy_server: ChimeProxyServer, vc: str) -> None:
    if not cli_models("chime-sdk-voice", "CreateProxySession"):
        pytest.skip("this awscli's model has no chime-sdk-voice proxy commands")
    code, _, err = aws(
        "chime-sdk-voice",
        "create-proxy-session",
        "--voice-connector-id",
        vc,
        "--participant-phone-numbers",
        *PAIR,
        "--capabilities",
        "Fax",
        endpoint=chime_proxy_server.url,
    )
    assert code != 0
    assert "BadRequestException" in err and "Fax" in err


def test_aws_chime_create_proxy_session_legacy(chime_proxy_server: ChimeProxyServer, vc: str) -> None:
    if not cli_models("chime", "CreateProxySession"):
        pytest.skip(
            "this awscli no longer has `aws chime create-proxy-session` (removed with botocore 1.37.2); "
            "awscli==1.38.1 (botocore 1.37.1) has it"
        )
    url = chime_proxy_server.url + "/chime"
    code, made, err = aws(
        "chime",
        "create-proxy-session",
        "--voice-connector-id",
        vc,
        "--participant-phone-numbers",
        *PAIR,
        "--capabilities",
        "Voice",
        "SMS",
        endpoint=url,
    )
    assert code == 0, err
    session = made["ProxySession"]
    assert session["Status"] == "Open"
    assert session["Participants"][0]["ProxyPhoneNumber"] == session["Participants"][1]["ProxyPhoneNumber"]

    code, _, err = aws(
        "chime", "get-proxy-session", "--voice-connector-id", vc, "--proxy-session-id", "missing", endpoint=url
    )
    assert code != 0 and "NotFoundException" in err
    assert [(c.endpoint.namespace, c.operation) for c in chime_proxy_server.mock.calls] == [
        ("chime", "CreateProxySession"),
        ("chime", "GetProxySession"),
    ]


# ---- the documented commands, as printed (issue 12 item 7) ----------------------------------------------------
DOCS = Path(__file__).resolve().parents[1] / "docs" / "server-and-integrations.md"
DOC_URL, DOC_VC = "http://127.0.0.1:40123", "2e9mmp6hwjwkdtf0qme2wt"


def doc_console_blocks() -> list[list[str]]:
    """The docs' ```console blocks, each as its lines."""
    import re

    return [block.splitlines() for block in re.findall(r"```console\n(.*?)```", DOCS.read_text(), re.S)]


def commands(block: list[str]) -> list[str]:
    """The ``$ `` commands of a console block, continuation lines joined."""
    found: list[str] = []
    for line in block:
        if line.startswith("$ "):
            found.append(line[2:])
        elif found and found[-1].endswith("\\"):
            found[-1] = found[-1][:-1] + " " + line.strip()
    return found


def test_the_documented_server_commands_work_as_printed(tmp_path: Path) -> None:
    """Start the server as the docs do, check it prints what the docs show, then run the docs' second block
    through a shell with no credentials anywhere (a fresh HOME, no AWS_* variables), swapping in only the
    URL and voice connector id this run printed."""
    if not cli_models("chime-sdk-voice", "CreateProxySession"):
        pytest.skip("this awscli's model has no chime-sdk-voice proxy commands")
    server_block, client_block = doc_console_blocks()[:2]
    start = commands(server_block)[0].split()
    assert start[0] == "chime-proxy-server"
    script = Path(sys.executable).with_name("chime-proxy-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(tmp_path),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        AWS_PAGER="",
        AWS_EC2_METADATA_DISABLED="true",
    )
    process = subprocess.Popen(
        [str(script), *start[1:], "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        printed = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        url, vc = printed[0], printed[2].split()[-1]
        shown = [line for line in server_block if not line.startswith("$ ")]
        assert printed[1] == shown[1]  # the export line, exactly as documented
        assert printed[2] == shown[2].replace(DOC_VC, vc) and printed[0].startswith("http://127.0.0.1:")
        script_text = "set -e\n" + "\n".join(
            c.replace(DOC_URL, url).replace(DOC_VC, vc) for c in commands(client_block)
        )
        assert commands(client_block)[0] == printed[1]  # the client shell runs what the server printed
        done = subprocess.run(["bash", "-c", script_text], capture_output=True, text=True, env=env, timeout=180)
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert done.returncode == 0, done.stderr
    decoder, text = json.JSONDecoder(), done.stdout.strip()
    created, end = decoder.raw_decode(text)
    listed, _ = decoder.raw_decode(text[end:].lstrip())
    session = created["ProxySession"]
    assert (session["VoiceConnectorId"], session["Status"], session["Capabilities"]) == (vc, "Open", ["SMS", "Voice"])
    assert [s["ProxySessionId"] for s in listed["ProxySessions"]] == [session["ProxySessionId"]]


def test_server_environment_is_what_the_cli_needs(
    chime_proxy_server: ChimeProxyServer, vc: str, tmp_path: Path
) -> None:
    """``server.environment()`` alone (no other AWS_* variable, no config files) is enough for the CLI."""
    if not cli_models("chime-sdk-voice", "CreateProxySession"):
        pytest.skip("this awscli's model has no chime-sdk-voice proxy commands")
    script = Path(sys.executable).with_name("aws")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "awscli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(chime_proxy_server.environment(), HOME=str(tmp_path), AWS_PAGER="")
    done = subprocess.run(
        [
            *command,
            "chime-sdk-voice",
            "list-proxy-sessions",
            "--voice-connector-id",
            vc,
            "--endpoint-url",
            chime_proxy_server.url,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ProxySessions"] == []
    assert chime_proxy_server.mock.calls[-1].region == chime_proxy_server.region


def test_the_documented_chime_phone_number_examples_run_as_written(chime_proxy_server: ChimeProxyServer) -> None:
    """The AWS CLI's own `aws chime` examples (awscli/examples/chime), their arguments as printed; what they
    document (the %2B id form, Processing orders, restore to Unassigned, empty PhoneNumberErrors) holds."""
    if not cli_models("chime", "CreatePhoneNumberOrder"):
        pytest.skip("this awscli's model has no chime phone-number commands")
    url = chime_proxy_server.url + "/chime"
    mock = chime_proxy_server.mock
    numbers = ["+12065550100", "+12065550101", "+12065550102"]

    code, found, err = aws("chime", "search-available-phone-numbers", "--area-code", "206", endpoint=url)
    assert code == 0, err
    assert found["E164PhoneNumbers"][:3] == numbers
    code, made, err = aws(
        "chime", "create-phone-number-order", "--product-type", "VoiceConnector", "--e164-phone-numbers", *numbers,
        endpoint=url,
    )  # fmt: skip
    assert code == 0, err
    order = made["PhoneNumberOrder"]
    assert order["Status"] == "Processing" and {n["Status"] for n in order["OrderedPhoneNumbers"]} == {"Processing"}
    mock.clock.advance(mock.backend.order_delay)
    code, listed, err = aws("chime", "list-phone-number-orders", endpoint=url)
    assert code == 0, err
    assert [o["Status"] for o in listed["PhoneNumberOrders"]] == ["Successful"]

    code, got, err = aws("chime", "get-phone-number", "--phone-number-id", "+12065550100", endpoint=url)
    assert code == 0, err
    assert (got["PhoneNumber"]["PhoneNumberId"], got["PhoneNumber"]["E164PhoneNumber"]) == (
        "%2B12065550100",
        numbers[0],
    )
    code, updated, err = aws(
        "chime", "update-phone-number", "--phone-number-id", "+12065550100", "--calling-name", "phonenumber2",
        endpoint=url,
    )  # fmt: skip
    assert code == 0, err
    assert updated["PhoneNumber"]["CallingName"] == "phonenumber2"
    code, batch, err = aws(
        "chime", "batch-update-phone-number", "--update-phone-number-request-items",
        "PhoneNumberId=%2B12065550101,ProductType=BusinessCalling",
        "PhoneNumberId=%2B12065550102,ProductType=BusinessCalling",
        endpoint=url,
    )  # fmt: skip
    assert code == 0, err
    assert batch["PhoneNumberErrors"] == []

    code, _, err = aws("chime", "delete-phone-number", "--phone-number-id", "+12065550100", endpoint=url)
    assert code == 0, err
    code, restored, err = aws("chime", "restore-phone-number", "--phone-number-id", "+12065550100", endpoint=url)
    assert code == 0, err
    assert restored["PhoneNumber"]["Status"] == "Unassigned" and restored["PhoneNumber"]["Associations"] == []
    code, deleted, err = aws(
        "chime", "batch-delete-phone-number", "--phone-number-ids", "%2B12065550100", "%2B12065550101", endpoint=url
    )
    assert code == 0, err
    assert deleted["PhoneNumberErrors"] == []

    code, _, err = aws(
        "chime", "update-global-settings", "--business-calling", "CdrBucket=s3bucket", "--voice-connector",
        "CdrBucket=s3bucket", endpoint=url,
    )  # fmt: skip
    assert code == 0, err
    code, settings, err = aws("chime", "get-global-settings", endpoint=url)
    assert code == 0, err
    assert settings == {"BusinessCalling": {"CdrBucket": "s3bucket"}, "VoiceConnector": {"CdrBucket": "s3bucket"}}
