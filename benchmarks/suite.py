"""Section 0: what a test costs a user, measured on whole pytest runs of realistic test files.

The per-call and fixture-cycle figures leave out what a real test pays around them: building its boto3
client, pytest's fixture machinery, the voice connector, the teardown. Here each contender is a generated
pytest file of N tests written the way its users write them (plugin fixtures, the plugin's decorator,
botocore's ``Stubber`` with a client per test, moto's ``mock_aws`` in a fixture), and whole pytest runs are
timed in subprocesses: the CPU time of the child (``getrusage``) and its wall time. A test's cost is the
marginal one, ``(T(large) - T(small)) / (large - small)`` of the same file, so pytest's start-up, the
imports and the first use in the process cancel out; that one-off cost is reported apart, from per-test
times a small timing plugin records in the same runs (the first test minus the median of the later ones).
Contenders and sizes are interleaved round by round (the order rotating), and medians over rounds are
reported, as ratios against ``Stubber``. The median test of the large run, as the timing plugin saw it
(setup to teardown, without pytest's collection and reporting), is given beside each figure as a check
that moves less with the machine's load.

``python benchmarks/suite.py`` runs this section alone (``--quick`` for a smoke run, ``--profile`` for where
the one-off first-use cost goes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Results, Row, children_cpu, rotated  # noqa: E402

SECTION = "0. per test: whole pytest runs (marginal cost of one more test)"
SIZES = (10, 160)
SLOW_EXTRA = 100  # a slow contender (moto, ~15x the others) runs this many extra tests at most
QUICK_SIZES = (5, 35)
QUICK_ROUNDS = 1
ROUNDS = 3
STUBBER_FACTOR = 1.5  # fixture/decorator + boto3.client(): the plugin at most 1.5x Stubber's client per test
CLIENT_FIXTURE_FACTOR = 1.0  # a reused fixture client may beat a new client per test
MOTO_FACTOR = 10.0  # moto at least 10x the plugin on the first pattern
REGION = "us-east-1"
VC = "abcdef1ghij2klmno3pqr4"  # the Stubber's connector id (the REST reference's sample)

# ---- the generated test files --------------------------------------------------------------------------------
# Every file makes the same two calls per test (a create, then a get of what was created) with numbers of
# its own per test, and checks the answer the same way.
_CHECK = """
def check(session, numbers, minutes):
    assert session["Status"] == "Open" and session["ExpiryMinutes"] == minutes
    assert sorted(p["PhoneNumber"] for p in session["Participants"]) == sorted(numbers)
    assert len({p["ProxyPhoneNumber"] for p in session["Participants"]}) == 1
"""
_NUMBERS = '["+1401555{i:04d}", "+1206555{i:04d}"]'


def _calls(minutes: int, indent: str) -> str:
    """The two calls every test makes: a create, then a get of what was created."""
    return (
        f"{indent}created = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=numbers, "
        f'Capabilities=["Voice", "SMS"], ExpiryMinutes={minutes})\n'
        f"{indent}got = client.get_proxy_session(VoiceConnectorId=vc, "
        'ProxySessionId=created["ProxySession"]["ProxySessionId"])\n'
    )


_STUBBER_HEADER = f'''import datetime

import boto3
import pytest
from botocore.stub import Stubber

VC = "{VC}"
WHEN = datetime.datetime(2020, 4, 15, 16, 10, 10, 288000, tzinfo=datetime.timezone.utc)
{_CHECK}

def stub_create_and_get(stub, numbers, minutes, session_id):
    """What the service answers, queued on the Stubber with the parameters the test must send."""
    session = {{"ProxySession": {{
        "VoiceConnectorId": VC, "ProxySessionId": session_id, "Status": "Open", "ExpiryMinutes": minutes,
        "Capabilities": ["SMS", "Voice"], "CreatedTimestamp": WHEN, "UpdatedTimestamp": WHEN,
        "Participants": [{{"PhoneNumber": n, "ProxyPhoneNumber": "+19135550199"}} for n in sorted(numbers)]}}}}
    stub.add_response("create_proxy_session", session,
                      {{"VoiceConnectorId": VC, "ParticipantPhoneNumbers": numbers, "Capabilities": ["Voice", "SMS"],
                       "ExpiryMinutes": minutes}})
    stub.add_response("get_proxy_session", session, {{"VoiceConnectorId": VC, "ProxySessionId": session_id}})
'''


_FLOOR_HEADER = f'''import json

import boto3
from botocore.awsrequest import AWSResponse

VC = "{VC}"
WHEN = "2020-04-15T16:10:10.288Z"
{_CHECK}

class _Body:
    """The raw object botocore reads an answer's body from."""

    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def answer_create_and_get(client, numbers, minutes, session_id):
    """The service's two answers, handed to botocore where it would send the requests: no fake behind."""
    session = json.dumps({{"ProxySession": {{
        "VoiceConnectorId": VC, "ProxySessionId": session_id, "Status": "Open", "ExpiryMinutes": minutes,
        "Capabilities": ["SMS", "Voice"], "CreatedTimestamp": WHEN, "UpdatedTimestamp": WHEN,
        "Participants": [{{"PhoneNumber": n, "ProxyPhoneNumber": "+19135550199"}} for n in sorted(numbers)]}}}})
    answers = [(201, session.encode()), (200, session.encode())]

    def send(request, **_):
        status, body = answers.pop(0)
        return AWSResponse(request.url, status, {{"Content-Type": "application/json"}}, _Body(body))

    client.meta.events.register("before-send", send)
'''


# the start of a test that makes its own client and answers at a fixed connector (Stubber's and the floor's)
_CLIENT_PER_TEST = f"""

def test_session_{{i}}():
    client = boto3.client("chime-sdk-voice", region_name="{REGION}")
    vc, numbers = VC, {{numbers}}
"""


@dataclass(frozen=True)
class Contender:
    """One generated test file: its module header and the template of one test (formatted with ``i``)."""

    key: str
    what: str
    header: str
    test: str
    needs_moto: bool = False
    slow: bool = False
    per_test: bool = True  # in this section's marginal per-test rows (else only in first_use's whole files)

    def sizes(self, sizes: tuple[int, int]) -> tuple[int, int]:
        """The (small, large) file sizes this contender runs: a slow one's noise is small beside its cost."""
        return (sizes[0], min(sizes[1], sizes[0] + SLOW_EXTRA)) if self.slow else sizes

    def source(self, tests: int) -> str:
        body = "".join(
            self.test.format(
                i=i,
                minutes=30 + i % 60,
                numbers=_NUMBERS.format(i=i),
                calls=_calls(30 + i % 60, " " * 4),
                stubbed_calls=_calls(30 + i % 60, " " * 8),
            )
            for i in range(tests)
        )
        return self.header + body


CONTENDERS = (
    Contender(
        "plugin_fixture",
        "plugin: chime_proxy + voice_connector + boto3.client()",
        f"import boto3\n{_CHECK}",
        '''

def test_session_{i}(chime_proxy, voice_connector):
    client = boto3.client("chime-sdk-voice", region_name="'''
        + REGION
        + """")
    vc, numbers = voice_connector, {numbers}
{calls}    check(got["ProxySession"], numbers, {minutes})
""",
    ),
    Contender(
        "plugin_client_fixture",
        "plugin: chime_sdk_voice + voice_connector fixtures",
        f"{_CHECK}",
        """

def test_session_{i}(chime_sdk_voice, voice_connector):
    client, vc, numbers = chime_sdk_voice, voice_connector, {numbers}
{calls}    check(got["ProxySession"], numbers, {minutes})
""",
    ),
    Contender(
        "plugin_decorator",
        "plugin: @mock_chime_proxy + boto3.client()",
        f"import boto3\n\nfrom pytest_chime_proxy import current_mock, mock_chime_proxy\n{_CHECK}",
        '''

@mock_chime_proxy
def test_session_{i}():
    vc = current_mock(required=True).create_voice_connector()
    client = boto3.client("chime-sdk-voice", region_name="'''
        + REGION
        + """")
    numbers = {numbers}
{calls}    check(got["ProxySession"], numbers, {minutes})
""",
    ),
    Contender(
        "stubber",
        "Stubber: boto3.client() per test",
        _STUBBER_HEADER,
        _CLIENT_PER_TEST
        + """    with Stubber(client) as stub:
        stub_create_and_get(stub, numbers, {minutes}, "{i:08d}-0000-4000-8000-000000000000")
{stubbed_calls}        stub.assert_no_pending_responses()
    check(got["ProxySession"], numbers, {minutes})
""",
    ),
    Contender(
        "botocore_floor",
        "no fake: botocore's own request path, the two answers given at before-send",
        _FLOOR_HEADER,
        _CLIENT_PER_TEST
        + """    answer_create_and_get(client, numbers, {minutes}, "{i:08d}-0000-4000-8000-000000000000")
{calls}    check(got["ProxySession"], numbers, {minutes})
""",
        per_test=False,
    ),
    Contender(
        "stubber_fixture",
        "Stubber: a client fixture (new client per test)",
        _STUBBER_HEADER
        + '''

@pytest.fixture
def stubbed():
    client = boto3.client("chime-sdk-voice", region_name="'''
        + REGION
        + """")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()
""",
        """

def test_session_{i}(stubbed):
    (client, stub), vc, numbers = stubbed, VC, {numbers}
    stub_create_and_get(stub, numbers, {minutes}, "{i:08d}-0000-4000-8000-000000000000")
{calls}    check(got["ProxySession"], numbers, {minutes})
""",
    ),
    Contender(
        "moto_fixture",
        "moto: mock_aws fixture + boto3.client(), apigatewayv2 create_api + get_api",
        '''import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def aws_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "'''
        + REGION
        + """")


@pytest.fixture
def aws(aws_credentials):
    with mock_aws():
        yield
""",
        '''

def test_api_{i}(aws):
    client = boto3.client("apigatewayv2", region_name="'''
        + REGION
        + """")
    created = client.create_api(Name="api {i}", ProtocolType="HTTP", Description="number {i}")
    got = client.get_api(ApiId=created["ApiId"])
    assert got["Name"] == "api {i}" and got["ProtocolType"] == "HTTP" and got["Description"] == "number {i}"
""",
        needs_moto=True,
        slow=True,
    ),
)

# pattern -> (plugin contender, Stubber contender, target factor against Stubber)
PATTERNS = {
    "fixture + boto3.client() + create + get": ("plugin_fixture", "stubber", STUBBER_FACTOR),
    "chime_sdk_voice fixture + create + get": ("plugin_client_fixture", "stubber_fixture", CLIENT_FIXTURE_FACTOR),
    "@mock_chime_proxy + boto3.client() + create + get": ("plugin_decorator", "stubber", STUBBER_FACTOR),
}

# what each file's first test pays besides its own work, or what the file pays at collection instead
FIRST_TEST_NOTES = {
    "plugin_fixture": "the plugin's first use after import boto3 (at collection), and the client's model",
    "plugin_client_fixture": "also import boto3, which this file never imports itself",
    "plugin_decorator": "pytest_chime_proxy.mock is imported at collection, not in the test",
    "stubber": "the client's model, botocore's Stubber",
    "moto_fixture": "moto's first mock_aws() after import moto (at collection)",
}

# a plugin loaded into every timed run (all contenders alike): per-test CPU and wall milliseconds, setup to
# teardown, written as JSON where $SUITE_TIMES says
_TIMER = """import json
import os
import time

import pytest

_times = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    _times.append(((time.process_time() - cpu) * 1e3, (time.perf_counter() - wall) * 1e3))


def pytest_sessionfinish(session):
    with open(os.environ["SUITE_TIMES"], "w") as out:
        json.dump(_times, out)
"""


# ---- running them ----------------------------------------------------------------------------------------------
@dataclass
class Run:
    cpu_ms: float
    wall_ms: float
    tests_ms: list[tuple[float, float]]  # per test: (cpu, wall)


def environment(folder: Path) -> dict[str, str]:
    """The same environment for every contender: fake keys (what a Stubber or moto suite sets up), no AWS
    configuration of this machine, nothing from the caller's pytest options."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOTO_", "PYTEST_")) and k != "PYTHONPATH"}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=str(folder / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "no-aws-creds"),
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=str(folder),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_file(path: Path, tests: int, env: dict[str, str]) -> Run:
    """One whole pytest run of ``path`` in a subprocess; every one of its ``tests`` tests must pass."""
    times = path.with_suffix(".times.json")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "suite_timer", path.name]
    cpu, wall = children_cpu(), time.perf_counter()
    done = subprocess.run(
        argv,
        cwd=path.parent,
        env={**env, "SUITE_TIMES": str(times)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wall, cpu = (time.perf_counter() - wall) * 1e3, (children_cpu() - cpu) * 1e3
    if done.returncode != 0 or f"{tests} passed" not in done.stdout:
        raise RuntimeError(f"pytest {path.name} did not pass {tests} tests ({done.returncode}):\n{done.stdout[-3000:]}")
    return Run(cpu, wall, [(cpu_ms, wall_ms) for cpu_ms, wall_ms in json.loads(times.read_text())])


def write_files(folder: Path, contenders: list[Contender], sizes: tuple[int, int]) -> dict[tuple[str, int], Path]:
    (folder / "pytest.ini").write_text("[pytest]\n")  # keep the repository's configuration out
    (folder / "suite_timer.py").write_text(_TIMER)
    files = {}
    for contender in contenders:
        for size in contender.sizes(sizes):
            path = folder / f"test_{contender.key}_{size}.py"
            path.write_text(contender.source(size))
            files[contender.key, size] = path
    return files


def collect(rounds: int, sizes: tuple[int, int], with_moto: bool) -> dict[str, list[tuple[Run, Run]]]:
    """Per contender, per round: the (small, large) runs, interleaved round by round, the order rotating."""
    contenders = [c for c in CONTENDERS if c.per_test and (with_moto or not c.needs_moto)]
    samples: dict[str, list[tuple[Run, Run]]] = {c.key: [] for c in contenders}
    with tempfile.TemporaryDirectory(prefix="chime-suite-") as tmp:
        folder = Path(tmp)
        files, env = write_files(folder, contenders, sizes), environment(folder)
        for contender in contenders:  # check each file once, untimed, and compile them all (bytecode, file cache)
            run_file(files[contender.key, sizes[0]], sizes[0], env)
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "--collect-only", *(p.name for p in files.values())],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        for number in range(rounds):
            for contender in rotated(contenders, number):
                small_size, large_size = contender.sizes(sizes)
                small = run_file(files[contender.key, small_size], small_size, env)
                large = run_file(files[contender.key, large_size], large_size, env)
                samples[contender.key].append((small, large))
            print(f"  round {number + 1}/{rounds} done", flush=True)
    return samples


@dataclass
class Figures:
    """Medians over rounds for one contender."""

    cpu_ms: float  # marginal CPU per test
    wall_ms: float  # marginal wall per test
    first_ms: float  # one-off: the first test minus the median of the later ones (CPU)
    in_run_ms: float  # the median test of the large run, setup to teardown, as the timing plugin saw it (CPU)
    run_ms: float  # the whole large run (CPU)


def figures(runs: list[tuple[Run, Run]]) -> Figures:
    extra = len(runs[0][1].tests_ms) - len(runs[0][0].tests_ms)
    return Figures(
        statistics.median((large.cpu_ms - small.cpu_ms) / extra for small, large in runs),
        statistics.median((large.wall_ms - small.wall_ms) / extra for small, large in runs),
        statistics.median(
            large.tests_ms[0][0] - statistics.median(t[0] for t in large.tests_ms[1:]) for _, large in runs
        ),
        statistics.median(statistics.median(t[0] for t in large.tests_ms[1:]) for _, large in runs),
        statistics.median(large.cpu_ms for _, large in runs),
    )


def measure(results: Results, rounds: int, sizes: tuple[int, int], with_moto: bool) -> dict[str, Figures]:
    """Time the generated files and add the rows: per pattern, the plugin against Stubber (and moto)."""
    samples = collect(rounds, sizes, with_moto)
    got = {key: figures(runs) for key, runs in samples.items()}
    what = {c.key: c.what for c in CONTENDERS}
    note = f"{sizes[1]} vs {sizes[0]} tests (moto {min(sizes[1], sizes[0] + SLOW_EXTRA)}), median of {rounds} rounds"
    for pattern, (plugin, stubber, factor) in PATTERNS.items():
        mine, floor = got[plugin], got[stubber]
        results.add(
            Row(
                SECTION,
                f"{pattern}: {what[stubber]}",
                floor.cpu_ms,
                "ms",
                note=f"wall {floor.wall_ms:.1f} ms; in-run median {floor.in_run_ms:.1f} ms",
            )
        )
        ratio = mine.cpu_ms / floor.cpu_ms
        results.add(
            Row(
                SECTION,
                f"{pattern}: {what[plugin]}",
                mine.cpu_ms,
                "ms",
                floor.cpu_ms,
                "Stubber",
                f"<= {factor:.1f}x Stubber",
                ratio <= factor,
                note=f"wall {mine.wall_ms:.1f} ms, {mine.wall_ms / floor.wall_ms:.2f}x Stubber's; in-run "
                f"median {mine.in_run_ms:.1f} ms, {mine.in_run_ms / floor.in_run_ms:.2f}x Stubber's",
            )
        )
        if plugin == "plugin_fixture" and "moto_fixture" in got:
            moto = got["moto_fixture"]
            results.add(
                Row(
                    SECTION,
                    f"{pattern}: {what['moto_fixture']}",
                    moto.cpu_ms,
                    "ms",
                    mine.cpu_ms,
                    "plugin",
                    f">= {MOTO_FACTOR:.0f}x the plugin",
                    moto.cpu_ms >= MOTO_FACTOR * mine.cpu_ms,
                    note=f"wall {moto.wall_ms:.1f} ms, {moto.wall_ms / mine.wall_ms:.2f}x the plugin's; "
                    f"in-run median {moto.in_run_ms:.1f} ms, {moto.in_run_ms / mine.in_run_ms:.2f}x "
                    f"the plugin's; {moto.cpu_ms / floor.cpu_ms:.1f}x Stubber",
                )
            )
    stub_first = got["stubber"].first_ms
    for key, paid_elsewhere in FIRST_TEST_NOTES.items():
        if key in got:
            results.add(
                Row(
                    SECTION,
                    f"one-off, first test in the process minus a later one: {what[key]}",
                    got[key].first_ms,
                    "ms",
                    stub_first if key != "stubber" else None,
                    "Stubber's",
                    note=f"{paid_elsewhere}; whole large run {got[key].run_ms:,.0f} ms CPU",
                )
            )
    results.rows[-1].note += f"; {note}"
    return got


# ---- where the one-off cost goes -----------------------------------------------------------------------------
_FIRST_USE = """
import boto3
from pytest_chime_proxy import ChimeProxyMock

with ChimeProxyMock() as mock:
    vc = mock.create_voice_connector()
    client = boto3.client("chime-sdk-voice", region_name="us-east-1")
    created = client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101",
                                          "+12065550100"], Capabilities=["Voice"])
    client.get_proxy_session(VoiceConnectorId=vc, ProxySessionId=created["ProxySession"]["ProxySessionId"])
"""


def _imports_after_boto3(stderr: str) -> list[tuple[int, int, str]]:
    """The imports ``-X importtime`` reports after ``boto3``'s own: (self us, cumulative us, module, indented
    by nesting: one space, then two more per level)."""
    found, seen_boto3 = [], False
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        if seen_boto3:
            found.append((int(own), int(cumulative), name[1:].rstrip()))
        seen_boto3 = seen_boto3 or name.strip() == "boto3"
    return found


# the first use cut into stages, each timed (CPU) the first time and again in a second mock: the difference
# is what the stage costs once per process
_STAGES = """
import time
import boto3

stages = {}


def timed(name, run):
    start = time.process_time()
    value = run()
    stages.setdefault(name, []).append((time.process_time() - start) * 1e3)
    return value


for _ in range(2):
    cls = timed("from pytest_chime_proxy import ChimeProxyMock",
                lambda: __import__("pytest_chime_proxy").ChimeProxyMock)
    mock = timed("ChimeProxyMock() + start()", lambda: cls().__enter__())
    vc = timed("mock.create_voice_connector()", mock.create_voice_connector)
    client = timed("boto3.client('chime-sdk-voice')", lambda: boto3.client("chime-sdk-voice", region_name="us-east-1"))
    created = timed("create_proxy_session", lambda: client.create_proxy_session(
        VoiceConnectorId=vc, ParticipantPhoneNumbers=["+14015550101", "+12065550100"], Capabilities=["Voice"]))
    timed("get_proxy_session", lambda: client.get_proxy_session(
        VoiceConnectorId=vc, ProxySessionId=created["ProxySession"]["ProxySessionId"]))
    timed("stop()", lambda: mock.__exit__(None, None, None))
for name, (first, again) in stages.items():
    print(f"  {first - again:8.1f} ms  {name} (first {first:.1f} ms, again {again:.1f} ms)")
print(f"  {sum(f - a for f, a in stages.values()):8.1f} ms  in all")
"""


def profile(top: int = 12) -> str:
    """Where the one-off cost of the first use after ``import boto3`` goes: by stage, the imports it makes
    (by package and outermost, from ``-X importtime``) and the functions by cumulative CPU (cProfile); each a
    separate fresh interpreter."""
    with tempfile.TemporaryDirectory(prefix="chime-profile-") as tmp:
        plain, profiled = Path(tmp) / "first_use.py", Path(tmp) / "first_use_profiled.py"
        body = "\n".join("    " + line for line in _FIRST_USE.strip().splitlines()[1:])
        function = f"import time\nimport boto3\n\n\ndef first_use():\n{body}\n\n\n"
        plain.write_text(
            function + "start = time.process_time()\nfirst_use()\n"
            "print(f'first use: {(time.process_time() - start) * 1e3:.0f} ms CPU')\n"
        )
        profiled.write_text(
            function + "import cProfile\nimport pstats\n\nprofiler = cProfile.Profile()\n"
            f"profiler.runcall(first_use)\npstats.Stats(profiler).sort_stats('cumulative')"
            f".print_stats('^(?!.*(frozen|built-in|importlib))', {top * 3})\n"
        )
        env = environment(Path(tmp))
        untimed = subprocess.run([sys.executable, str(plain)], env=env, text=True, capture_output=True, check=True)
        timed = subprocess.run(
            [sys.executable, "-X", "importtime", str(plain)], env=env, text=True, capture_output=True, check=True
        )
        stats = subprocess.run([sys.executable, str(profiled)], env=env, text=True, capture_output=True, check=True)
        (Path(tmp) / "stages.py").write_text(_STAGES)
        staged = subprocess.run(
            [sys.executable, str(Path(tmp) / "stages.py")], env=env, text=True, capture_output=True, check=True
        )
    imports = _imports_after_boto3(timed.stderr)
    by_package: dict[str, int] = {}
    for own, _, name in imports:
        package = name.strip().split(".")[0]
        by_package[package] = by_package.get(package, 0) + own
    outermost = sorted(
        ((cumulative, name) for _, cumulative, name in imports if not name.startswith(" ")), reverse=True
    )
    lines = [
        f"{untimed.stdout.strip()} (no profiler); once per process, by stage (CPU, a second mock's subtracted):",
        staged.stdout.rstrip(),
        "",
        "Imports it makes (-X importtime, which slows them), by package (own time of its modules):",
    ]
    lines += [
        f"  {us / 1e3:8.1f} ms  {package}"
        for package, us in sorted(by_package.items(), key=lambda item: -item[1])[:top]
    ]
    lines += [f"  {sum(by_package.values()) / 1e3:8.1f} ms  all {len(imports)} modules", "", "  outermost, cumulative:"]
    lines += [f"  {us / 1e3:8.1f} ms  {name}" for us, name in outermost[:top]]
    lines += ["", "cProfile of the first use (cumulative, import machinery left out):", stats.stdout]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds (median taken)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="small,large tests per file")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_ROUNDS} round of {QUICK_SIZES} tests: a smoke run, not a result"
    )
    parser.add_argument("--profile", action="store_true", help="print where the one-off first-use cost goes, only")
    options = parser.parse_args(argv)
    if options.profile:
        print(profile())
        return 0
    small, large = QUICK_SIZES if options.quick else tuple(int(s) for s in options.sizes.split(","))
    rounds = QUICK_ROUNDS if options.quick else options.rounds
    from bench import _has_moto, table  # the shared table of bench.py

    results = Results()
    measure(results, rounds, (small, large), _has_moto())
    print("\n" + table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
