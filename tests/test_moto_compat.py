"""moto side by side: a test that fakes other AWS services with moto's ``mock_aws`` and Chime with this
plugin gets both, whichever is activated first -- through boto3 and through raw ``requests`` calls.

moto answers every AWS host it has no backend for (Chime among them) with "not implemented"; without the
plugin's moto compatibility these tests fail with that answer instead of the fake's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from helpers import PAIR

moto = pytest.importorskip("moto", reason="moto is not installed here (pip install moto)")

import boto3  # noqa: E402
import requests  # noqa: E402

from pytest_chime_proxy import ChimeProxyMock, mock_chime_proxy  # noqa: E402

VOICE = "https://voice-chime.us-east-1.amazonaws.com"


def signed_s3_get(url: str) -> requests.Response:
    """A raw S3 GET signed as moto expects (it refuses unsigned ones with 403)."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="GET", url=url)
    S3SigV4Auth(Credentials("testing", "testing"), "s3", "us-east-1").add_auth(request)
    return requests.get(url, headers=dict(request.headers.items()), timeout=10)


def exercise(chime: ChimeProxyMock) -> None:
    """S3 and SQS answered by moto, Chime by the fake, in one test."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="recordings")
    s3.put_object(Bucket="recordings", Key="call.txt", Body=b"hello")
    assert s3.get_object(Bucket="recordings", Key="call.txt")["Body"].read() == b"hello"
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = sqs.create_queue(QueueName="events")["QueueUrl"]

    vc = chime.create_voice_connector()
    voice = boto3.client("chime-sdk-voice", region_name="us-east-1")
    session = voice.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])[
        "ProxySession"
    ]
    sqs.send_message(QueueUrl=queue, MessageBody=session["ProxySessionId"])
    with pytest.raises(voice.exceptions.NotFoundException):
        voice.get_proxy_session(VoiceConnectorId=vc, ProxySessionId="gone")

    # raw HTTP: Chime from the fake, S3 from moto
    raw = requests.get(f"{VOICE}/voice-connectors/{vc}/proxy-sessions", timeout=10)
    assert raw.status_code == 200
    assert [s["ProxySessionId"] for s in raw.json()["ProxySessions"]] == [session["ProxySessionId"]]
    assert signed_s3_get("https://recordings.s3.amazonaws.com/call.txt").content == b"hello"

    body = sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"]
    assert body == session["ProxySessionId"]
    assert [c.operation for c in chime.calls] == ["CreateProxySession", "GetProxySession", "ListProxySessions"]


@pytest.fixture(params=["moto first", "chime first"])
def both(request: pytest.FixtureRequest) -> Iterator[ChimeProxyMock]:
    chime = mock_chime_proxy()
    with ExitStack() as stack:
        if request.param == "moto first":
            stack.enter_context(moto.mock_aws())
            stack.enter_context(chime)
        else:
            stack.enter_context(chime)
            stack.enter_context(moto.mock_aws())
        yield chime


def test_moto_and_chime_side_by_side(both: ChimeProxyMock) -> None:
    exercise(both)


@pytest.mark.parametrize("bucket", ["chime", "voice-chime", "chime-recordings"])
def test_an_s3_bucket_named_like_a_chime_host_is_motos(both: ChimeProxyMock, bucket: str) -> None:
    """chime.s3.amazonaws.com is S3's host for a bucket named "chime", not a Chime endpoint (no region there)."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]
    assert len(both.calls) == 0


def test_decorators_stack_in_either_order() -> None:
    @moto.mock_aws
    @mock_chime_proxy
    def chime_inside() -> None:
        from pytest_chime_proxy import current_mock

        mock = current_mock()
        assert mock is not None
        exercise(mock)

    @mock_chime_proxy
    @moto.mock_aws
    def chime_outside() -> None:
        from pytest_chime_proxy import current_mock

        mock = current_mock()
        assert mock is not None
        exercise(mock)

    chime_inside()
    chime_outside()


def test_with_the_chime_proxy_fixture(chime_proxy: ChimeProxyMock) -> None:
    with moto.mock_aws():
        exercise(chime_proxy)


def test_moto_is_left_as_it_was(local_env: dict[str, Any]) -> None:
    """After both stop, moto's passthrough list and the environment are what they were."""
    from moto.core.config import default_user_config

    urls_before = list(default_user_config["core"]["passthrough"]["urls"])
    with moto.mock_aws(), mock_chime_proxy():
        pass
    with mock_chime_proxy(), moto.mock_aws():
        pass
    assert default_user_config["core"]["passthrough"]["urls"] == urls_before
    assert {k: os.environ.get(k) for k in local_env} == local_env


@pytest.fixture
def local_env() -> dict[str, Any]:
    return {
        k: os.environ.get(k)
        for k in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_DEFAULT_REGION",
            "AWS_PROFILE",
        )
    }


def test_moto_imported_only_after_the_mock_started_leaves_chime_to_the_fake() -> None:
    """Code that imports moto inside a running mock (a test helper, a fixture): moto's configuration module
    loads late, and the Chime hosts are still added to its passthrough list (found by running
    aws-samples/amazon-chime-sma-on-demand-recording's custom resource under moto)."""
    import subprocess
    import sys

    script = (
        "import boto3\n"
        "from pytest_chime_proxy import mock_chime_proxy\n"
        "with mock_chime_proxy():\n"
        "    import moto\n"
        "    with moto.mock_aws():\n"
        "        c = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
        "        print(c.create_voice_connector(Name='late', RequireEncryption=True)['VoiceConnector']['Name'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "late"


LAZY_MOTO = """
import sys

import boto3
import requests
from pytest_chime_proxy import ChimeProxyMock

PAIR = ["+14015550101", "+12065550100"]


def helper_that_imports_moto():  # a lazy import in the app's helper, after the fake started
    from moto import mock_aws

    return mock_aws()


assert "moto" not in sys.modules
with ChimeProxyMock() as chime:
    vc = chime.create_voice_connector()
    with helper_that_imports_moto():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="recordings")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["recordings"]
        voice = boto3.client("chime-sdk-voice", region_name="us-east-1")
        made = voice.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=PAIR, Capabilities=["Voice"])
        raw = requests.get(f"https://voice-chime.us-east-1.amazonaws.com/voice-connectors/{vc}/proxy-sessions")
        assert raw.status_code == 200 and len(raw.json()["ProxySessions"]) == 1
    assert [c.operation for c in chime.calls] == ["CreateProxySession", "ListProxySessions"]
from moto.core.config import default_user_config

assert default_user_config["core"]["passthrough"]["urls"] == []  # moto as it was, once the mock stopped
from pytest_chime_proxy.patching import after_import

assert after_import._finder not in sys.meta_path  # the import hook is there only while a mock waits for a module
print("ok")
"""


def test_lazily_imported_moto_serves_s3_while_the_fake_serves_chime_and_leaves_no_trace(tmp_path: Any) -> None:
    """A fresh process, so that moto is truly imported for the first time while the Chime mock is active:
    moto answers S3, the fake answers Chime through boto3 and raw requests, and once the mock stops moto's
    passthrough list and sys.meta_path are as they were."""
    import subprocess
    import sys

    script = tmp_path / "lazy_moto.py"
    script.write_text(LAZY_MOTO)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
