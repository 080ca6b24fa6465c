"""The benchmark's section 0b runs section 0's own test functions in one process: the plugin's through the
fake, with what its fixtures give, and the others with no mock at all; the process is left as it was (no
timing here: the benchmark reports that)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import per_test  # noqa: E402
import suite  # noqa: E402
from harness import Results  # noqa: E402

from pytest_chime_proxy import ChimeProxyMock, current_mock  # noqa: E402


class _Recording(ChimeProxyMock):
    """A mock that keeps, per test, the operations its call log held when the test ended."""

    seen: list[list[str]] = []

    def stop(self) -> None:
        _Recording.seen.append([call.operation for call in self.calls])
        super().stop()


def test_the_plugins_tests_go_through_the_fake_with_their_fixtures() -> None:
    _Recording.seen = []
    with per_test.file_environment():
        for run in per_test.tests("plugin_fixture", 3, _Recording):
            run()
            assert current_mock() is None
    # each test: its own mock (the voice connector is set up beside the API), then the test's create and get
    assert _Recording.seen == [["CreateProxySession", "GetProxySession"]] * 3


def test_the_other_tests_pass_with_no_mock_active() -> None:
    with per_test.file_environment():
        for key in ("stubber", "botocore_floor"):
            for run in per_test.tests(key, 3):
                run()  # each checks the answer it was given: an AssertionError otherwise
                assert current_mock() is None


def test_the_environment_and_default_session_are_restored() -> None:
    environment, session = dict(os.environ), boto3.DEFAULT_SESSION
    with per_test.file_environment():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing" and boto3.DEFAULT_SESSION is None
        boto3.client("chime-sdk-voice", region_name="us-east-1")
    assert dict(os.environ) == environment and boto3.DEFAULT_SESSION is session


def test_the_rows_compare_each_median_test_with_the_stubbers() -> None:
    results = Results()
    medians = per_test.measure(results, count=3)
    assert [row.what for row in results.rows] == list(per_test.CONTENDERS.values())
    stub, *others = results.rows
    assert stub.baseline is None and stub.value == medians["stubber"] > 0
    assert all(row.baseline == stub.value and row.value > 0 for row in others)
    assert results.rows[-1].met == (results.rows[-1].value <= suite.STUBBER_FACTOR * stub.value)
