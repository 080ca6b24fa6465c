"""Section 0b: what one test costs, the same tests as section 0's files run in one process, test by test.

Section 0 times whole pytest runs; its marginal per-test figure moves with the machine's load by more than
the differences it is meant to show (benchmarks/README.md gives the runs). Here the very test functions
of section 0's files -- the ``Stubber``'s, the no-fake file's (botocore's own request path, the answers given
at ``before-send``) and the plugin's fixture file's -- run in this process one after another, a test of each
in turn (the order rotating), each timed alone on the CPU clock; the figure is the median test. The plugin's
test gets what its fixtures give it: a started mock and a voice connector, the mock stopped after. pytest's
own machinery is left out, the same for all three.

The no-fake row is the floor for a whole file: a test file's ratio to the ``Stubber``'s is close to its
tests' ratio, and no fake that keeps botocore's signing, sending and parsing can cost less per test than
botocore's own request path does.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock as patching

import suite
from harness import CLOCK, Results, Row, rotated

if TYPE_CHECKING:  # nothing heavy at import: bench.py imports this module for its defaults
    from pytest_chime_proxy import ChimeProxyMock

SECTION = "0b. per test: the same tests in one process, interleaved test by test"
TESTS = 600
QUICK_TESTS = 60
# section 0's file -> what its row is called here
CONTENDERS = {
    "stubber": "Stubber: boto3.client() per test",
    "botocore_floor": "no fake: botocore's own request path (answers at before-send)",
    "plugin_fixture": "plugin: chime_proxy + voice_connector + boto3.client()",
}


def _with_fixtures(test: Callable[..., None], mock_class: type[ChimeProxyMock]) -> Callable[[], None]:
    """The plugin's test with what the ``chime_proxy`` and ``voice_connector`` fixtures give it."""

    def run() -> None:
        with mock_class() as mock:
            test(mock, mock.create_voice_connector())

    return run


def tests(key: str, count: int, mock_class: type[ChimeProxyMock] | None = None) -> list[Callable[[], None]]:
    """The first ``count`` tests of section 0's file ``key``, compiled from the same source, ready to call."""
    (contender,) = (c for c in suite.CONTENDERS if c.key == key)
    namespace: dict[str, Any] = {"__name__": f"section0_{key}"}
    exec(compile(contender.source(count), f"<section 0: {key}>", "exec"), namespace)  # noqa: S102
    functions = [namespace[f"test_session_{i}"] for i in range(count)]
    if key == "plugin_fixture":
        from pytest_chime_proxy import ChimeProxyMock

        return [_with_fixtures(f, mock_class or ChimeProxyMock) for f in functions]
    return functions


@contextlib.contextmanager
def file_environment() -> Iterator[None]:
    """The environment section 0's files run in (fake keys, no AWS configuration of this machine), and a
    fresh boto3 default session; both restored afterwards."""
    import boto3

    saved = boto3.DEFAULT_SESSION
    with (
        tempfile.TemporaryDirectory(prefix="chime-per-test-") as folder,
        patching.patch.dict(os.environ, suite.environment(Path(folder)), clear=True),
    ):
        boto3.DEFAULT_SESSION = None
        try:
            yield
        finally:
            boto3.DEFAULT_SESSION = saved


def collect(count: int, mock_class: type[ChimeProxyMock] | None = None) -> dict[str, list[float]]:
    """Milliseconds of CPU per test, per contender: ``count`` tests each after one untimed first test."""
    samples: dict[str, list[float]] = {key: [] for key in CONTENDERS}
    with file_environment():
        runs = {key: tests(key, count + 1, mock_class) for key in CONTENDERS}
        for run in runs.values():
            run[0]()  # the one-off (the client's model, the plugin's first use) is section 0's other row
        for i in range(1, count + 1):
            for key in rotated([*CONTENDERS], i):
                start = CLOCK()
                runs[key][i]()
                samples[key].append((CLOCK() - start) * 1e3)
    return samples


def measure(results: Results, count: int = TESTS) -> dict[str, float]:
    """Section 0b's rows: the median test of each contender, as ratios of the ``Stubber``'s."""
    medians = {key: statistics.median(values) for key, values in collect(count).items()}
    stub, floor, plugin = (medians[key] for key in CONTENDERS)
    notes = {
        "stubber": f"median of {count} tests",
        "botocore_floor": "what any fake that keeps botocore's signing, sending and parsing pays at least",
        "plugin_fixture": f"{plugin / floor:.2f}x the no-fake test",
    }
    for key, what in CONTENDERS.items():
        mine = key == "plugin_fixture"
        results.add(
            Row(
                SECTION,
                what,
                medians[key],
                "ms",
                None if key == "stubber" else stub,
                "Stubber",
                target=f"<= {suite.STUBBER_FACTOR:.1f}x Stubber" if mine else "",
                met=medians[key] <= suite.STUBBER_FACTOR * stub if mine else None,
                note=notes[key],
            )
        )
    return medians
