"""The first use: what a process pays before its first test is done, against botocore's ``Stubber``.

Users meet the first test too: every ``pytest -k one_test`` and every xdist worker pays the one-off cost, and
the marginal per-test figures of section 0 cancel it out on purpose. Measured here, always in fresh
processes, the contenders interleaved run by run (the order rotating), medians reported with the ratio
against ``Stubber`` measured in the same rounds:

- **first use**: a fresh interpreter, CPU time (``time.process_time``) from after ``import boto3`` to the end
  of a first create + get: for the plugin the import of the package, ``ChimeProxyMock().start()``, a voice
  connector, ``boto3.client()``, the create and the get; for ``Stubber`` its import, ``boto3.client()``, the
  two queued answers and the same two calls;
- **a whole 100-test file**: section 0's files (a fixture + ``boto3.client()`` + create + get per test; the
  Stubber's with a client per test) run whole, first test included, timed by pytest itself (the
  ``N passed in X.XXs`` it prints: its session from start to end, collection and the imports included), in
  one process and with ``-n 2`` (pytest-xdist: each worker pays the one-off). Beside them, the same file with
  no fake at all: botocore's own request path (signing, the send machinery, parsing), the two answers given
  at ``before-send``: what any fake that keeps that path real costs at least, which the ``Stubber`` skips.

``python benchmarks/first_use.py`` runs this section alone (``--rounds``, ``--tests``).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import suite  # noqa: E402
from harness import Results, Row, children_cpu, rotated  # noqa: E402

SECTION = "first use: a fresh process's first test (import, start, client, create + get), and whole files"
FIRST_USE_FACTOR = 1.5  # the plugin's first use at most 1.5x Stubber's
FILE_FACTOR = 1.2  # a whole 100-test file at most 1.2x Stubber's, in pytest's own wall time
ROUNDS = 9
TESTS = 100

_CALLS = """
numbers = ["+14015550101", "+12065550100"]
created = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=numbers,
                                      Capabilities=["Voice", "SMS"], ExpiryMinutes=60)
got = client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created["ProxySession"]["ProxySessionId"])
assert got["ProxySession"]["Status"] == "Open"
"""

# each prints the CPU milliseconds from after `import boto3` to the end of the first create + get
FIRST_USE = {
    "plugin": """import time
import boto3
start = time.process_time()
from pytest_chime_proxy import ChimeProxyMock
mock = ChimeProxyMock().start()
vc = mock.create_voice_connector()
client = boto3.client("chime-sdk-voice", region_name="us-east-1")
"""
    + _CALLS
    + """print((time.process_time() - start) * 1e3)
mock.stop()
""",
    "stubber": """import datetime, time
import boto3
start = time.process_time()
from botocore.stub import Stubber
client = boto3.client("chime-sdk-voice", region_name="us-east-1")
vc, when = "abcdef1ghij2klmno3pqr4", datetime.datetime(2020, 4, 15, tzinfo=datetime.timezone.utc)
session = {"ProxySession": {"VoiceConnectorId": vc, "ProxySessionId": "0000-1", "Status": "Open",
           "ExpiryMinutes": 60, "Capabilities": ["SMS", "Voice"], "CreatedTimestamp": when, "UpdatedTimestamp": when,
           "Participants": [{"PhoneNumber": n, "ProxyPhoneNumber": "+19135550199"}
                            for n in ["+12065550100", "+14015550101"]]}}
stub = Stubber(client).__enter__()
stub.add_response("create_proxy_session", session)
stub.add_response("get_proxy_session", session, {"VoiceConnectorId": vc, "ProxySessionId": "0000-1"})
"""
    + _CALLS
    + """print((time.process_time() - start) * 1e3)
""",
}

# who -> the suite's contender whose file is run whole; "floor" is botocore's own request path with the
# answers given at before-send (no fake at all): what any fake that keeps botocore's signing, sending and
# parsing real costs at least
_FILES = {"plugin": "plugin_fixture", "stubber": "stubber", "floor": "botocore_floor"}

_PASSED_IN = re.compile(r"(\d+) passed in ([0-9.]+)s")


def _first_use_ms(script: str, env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"first use failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def _whole_file_ms(path: Path, tests: int, env: dict[str, str], workers: int) -> tuple[float, float]:
    """(pytest's own wall milliseconds, the run's CPU milliseconds, workers included) of one whole run."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", path.name]
    if workers:
        argv += ["-n", str(workers)]
    cpu = children_cpu()
    done = subprocess.run(argv, cwd=path.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cpu = (children_cpu() - cpu) * 1e3
    found = _PASSED_IN.search(done.stdout)
    if done.returncode != 0 or found is None or int(found.group(1)) != tests:
        raise RuntimeError(f"pytest {path.name} did not pass {tests} tests:\n{done.stdout[-3000:]}")
    return float(found.group(2)) * 1e3, cpu


def collect(rounds: int, tests: int) -> dict[str, list[float]]:
    """Per measure, per contender: one figure per round, contenders interleaved (the order rotating)."""
    samples: dict[str, list[float]] = {}
    contenders = {c.key: c for c in suite.CONTENDERS if c.key in _FILES.values()}
    with tempfile.TemporaryDirectory(prefix="chime-first-") as tmp:
        folder = Path(tmp)
        env = suite.environment(folder)
        (folder / "pytest.ini").write_text("[pytest]\n")
        files = {}
        for key, contender in contenders.items():
            files[key] = folder / f"test_{key}_{tests}.py"
            files[key].write_text(contender.source(tests))
            _whole_file_ms(files[key], tests, env, 0)  # untimed: compile the bytecode, check that it passes
        for who in FIRST_USE:
            _first_use_ms(FIRST_USE[who], env)
        for number in range(rounds):
            order = rotated([*_FILES], number)
            for who in order:
                if who in FIRST_USE:
                    samples.setdefault(f"first {who}", []).append(_first_use_ms(FIRST_USE[who], env))
            for workers in (0, 2):
                for who in order:
                    wall, cpu = _whole_file_ms(files[_FILES[who]], tests, env, workers)
                    samples.setdefault(f"file{workers} {who}", []).append(wall)
                    samples.setdefault(f"file{workers} {who} cpu", []).append(cpu)
            print(f"  round {number + 1}/{rounds} done", flush=True)
    return samples


def measure(results: Results, rounds: int, tests: int = TESTS) -> dict[str, float]:
    """Add the first-use rows: the plugin against Stubber, medians of interleaved fresh processes."""
    samples = collect(rounds, tests)
    got = {name: statistics.median(values) for name, values in samples.items()}
    note = f"median of {rounds} interleaved fresh processes"
    results.add(
        Row(
            SECTION,
            "first use: Stubber (import, client, 2 queued answers, create + get)",
            got["first stubber"],
            "ms",
            note=note + ", CPU after import boto3",
        )
    )
    results.add(
        Row(
            SECTION,
            "first use: plugin (import, start, connector, client, create + get)",
            got["first plugin"],
            "ms",
            got["first stubber"],
            "Stubber",
            f"<= {FIRST_USE_FACTOR:.1f}x Stubber",
            got["first plugin"] <= FIRST_USE_FACTOR * got["first stubber"],
            note=note + ", CPU after import boto3",
        )
    )
    for workers in (0, 2):
        how = f"pytest -n {workers}" if workers else "pytest"
        stub, mine, floor = (got[f"file{workers} {who}"] for who in ("stubber", "plugin", "floor"))
        stub_cpu, mine_cpu, floor_cpu = (got[f"file{workers} {who} cpu"] for who in ("stubber", "plugin", "floor"))
        results.add(
            Row(
                SECTION,
                f"whole {tests}-test file, {how}: Stubber, boto3.client() per test",
                stub,
                "ms",
                note=f"pytest's own wall time; CPU {stub_cpu:,.0f} ms",
            )
        )
        results.add(
            Row(
                SECTION,
                f"whole {tests}-test file, {how}: no fake, botocore's own request path (answers at before-send)",
                floor,
                "ms",
                stub,
                "Stubber",
                note=f"pytest's own wall time; CPU {floor_cpu:,.0f} ms, {floor_cpu / stub_cpu:.2f}x Stubber's",
            )
        )
        results.add(
            Row(
                SECTION,
                f"whole {tests}-test file, {how}: plugin, chime_proxy + voice_connector + boto3.client()",
                mine,
                "ms",
                stub,
                "Stubber",
                f"<= {FILE_FACTOR:.1f}x Stubber",
                mine <= FILE_FACTOR * stub,
                note=f"pytest's own wall time, first test included; {mine / floor:.2f}x the no-fake file's; "
                f"CPU {mine_cpu:,.0f} ms, {mine_cpu / stub_cpu:.2f}x Stubber's",
            )
        )
    return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds (median taken)")
    parser.add_argument("--tests", type=int, default=TESTS, help="tests in the whole file")
    parser.add_argument("--profile", action="store_true", help="where the remaining one-off goes (suite.py --profile)")
    options = parser.parse_args(argv)
    if options.profile:
        print(suite.profile())
        return 0
    from bench import table

    results = Results()
    measure(results, options.rounds, options.tests)
    print("\n" + table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
