"""Measuring tools shared by the benchmark sections: interleaved medians, canned botocore answers, the machine.

Every comparison is measured side by side in one process: each round runs every contender in turn (per-call
figures alternate call by call), and the figure reported is the median over rounds, so that a slow moment
of the machine hits all of them. Times are the CPU time of the benchmark process (``time.process_time``)
and, for subprocesses, of the children (``getrusage``): the work is pure CPU, and CPU time does not count
the moments another process held the core, which on a shared machine would otherwise swamp the ratios.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

CLOCK = time.process_time  # see the module docstring
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass
class Row:
    """One line of the result table: a measured figure, what it is compared with, and the target."""

    section: str
    what: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline


@dataclass
class Results:
    """All rows, in the order they were measured."""

    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(
            f"  {row.what}: {fmt(row.value, row.unit)}"
            + (f"  ({row.ratio:.2f}x {row.baseline_name})" if row.ratio is not None else "")
            + (f"  [{'met' if row.met else 'MISSED'}: {row.target}]" if row.met is not None else ""),
            flush=True,
        )
        return row


def fmt(value: float, unit: str) -> str:
    """A figure with a sensible number of digits for its size."""
    if unit in ("us", "ms") and value < 10:
        return f"{value:.2f} {unit}"
    if value < 100:
        return f"{value:.1f} {unit}"
    return f"{value:,.0f} {unit}"


def per_call_us(fn: Callable[[], Any], calls: int) -> float:
    """Microseconds per call of ``fn`` over ``calls`` calls (garbage collected before, not during setup)."""
    gc.collect()
    start = CLOCK()
    for _ in range(calls):
        fn()
    return (CLOCK() - start) / calls * 1e6


Contender = tuple[Callable[[], Any], "Callable[[], Any] | None", "Callable[[Any], Any] | None"]


def rotated(items: Sequence[T], turn: int) -> list[T]:
    """``items`` in the order of round ``turn``: each round starts one further along, so no contender always
    runs first (or right after the same other one)."""
    shift = turn % len(items)
    return [*items[shift:], *items[:shift]]


def paired(contenders: Mapping[str, Contender], rounds: int, calls: int) -> dict[str, float]:
    """Median microseconds per call of each contender, alternating call by call within each round.

    A contender is (call, before, after): ``before()`` and ``after(result)`` run untimed around each call.
    """
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    clock = CLOCK
    for _ in range(rounds):
        gc.collect()
        totals = dict.fromkeys(contenders, 0.0)
        for _ in range(calls):
            for name, (call, before, after) in contenders.items():
                if before is not None:
                    before()
                start = clock()
                result = call()
                totals[name] += clock() - start
                if after is not None:
                    after(result)
        for name, total in totals.items():
            samples[name].append(total / calls * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def interleaved(contenders: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run each contender once per round, in turn; the median of each one's figures over the rounds.

    Each contender returns one figure per run (e.g. microseconds per call over a batch).
    """
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            samples[name].append(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def children_cpu() -> float:
    """Seconds of CPU (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child_cpu_ms(argv: list[str], cwd: str | None = None, env: Mapping[str, str] | None = None) -> float:
    """CPU milliseconds (user + system) a subprocess used; it must succeed."""
    start = children_cpu()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = (children_cpu() - start) * 1e3
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-2000:]}")
    return elapsed


def python_ms(code: str) -> float:
    """Run ``code`` in a fresh interpreter; it prints one float (milliseconds, measured with
    ``time.process_time`` like everything here), which is returned. Bytecode is cached as users have it
    (a ``PYTHONDONTWRITEBYTECODE`` of the caller's would make every run compile the changed modules again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"python -c failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


# ---- a canned answer at botocore's before-send: the floor ----------------------------------------------------
class _Raw:
    """The ``raw`` object botocore's AWSResponse streams the body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Canned:
    """A fixed HTTP answer; ``handler`` answers every request of a client with it at ``before-send``.

    That is botocore's own cost for an operation (serialize, resolve the endpoint, sign, parse) with no
    backend at all: the floor any in-process fake pays.
    """

    status: int
    headers: dict[str, str]
    body: bytes

    def handler(self, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        return AWSResponse(request.url, self.status, dict(self.headers), _Raw(self.body))


def answered_by(client: Any, canned: Canned) -> Any:
    """``client`` with every request answered by ``canned`` (registered last, after any other handler)."""
    client.meta.events.register("before-send", canned.handler)
    return client


def capture(client: Any) -> Callable[[], Canned]:
    """Record the last HTTP answer ``client`` received (to replay it as a floor with the same body)."""
    seen: list[Canned] = []

    def after_call(http_response: Any, **_: Any) -> None:
        seen.append(Canned(http_response.status_code, dict(http_response.headers.items()), http_response.content))

    client.meta.events.register("after-call", after_call)
    return lambda: seen[-1]


# ---- the machine ------------------------------------------------------------------------------------------
def machine() -> str:
    """One line saying what the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import botocore

    try:
        from importlib.metadata import version

        moto = version("moto")
    except Exception:
        moto = "not installed"
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, botocore {botocore.__version__}, moto {moto}"
    )
