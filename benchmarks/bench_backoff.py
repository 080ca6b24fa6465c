"""Wall time of one "fail 4 times, then succeed" call, with botocore's backoff on the mock's clock and for real.

    python benchmarks/bench_backoff.py [--rounds 20] [--real-rounds 1] [--modes legacy standard adaptive]

For each retry mode a client with ``max_attempts=4`` calls GetVoiceConnectorProxy while a rule answers the
first four attempts with 503 ServiceUnavailableException. The default (virtual backoff) is run ``--rounds``
times and the median is printed; ``real_sleep=True`` is run ``--real-rounds`` times (each one really waits the
exponential backoff botocore chose, seconds per call). Wall time (``time.perf_counter``) is the measure here,
because waiting is exactly what is being compared. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from typing import Any

import boto3
import botocore
from botocore.config import Config

from pytest_chime_proxy import ChimeProxyMock


def one_call(mode: str, real_sleep: bool) -> tuple[float, float, int]:
    """(wall seconds of the call, backoff seconds botocore asked for, attempts)."""
    with ChimeProxyMock(real_sleep=real_sleep) as chime:
        vc = chime.create_voice_connector()
        client: Any = boto3.client(
            "chime-sdk-voice", region_name="us-east-1", config=Config(retries={"mode": mode, "max_attempts": 4})
        )
        client.list_voice_connectors()  # build the client's caches outside the measured call
        chime.calls.clear()
        chime.inject("GetVoiceConnectorProxy", error="ServiceUnavailableException", times=4)
        started = time.perf_counter()
        client.get_voice_connector_proxy(VoiceConnectorId=vc)
        elapsed = time.perf_counter() - started
        return elapsed, sum(chime.calls.backoffs), len(chime.calls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="virtual-backoff runs per mode (median shown)")
    parser.add_argument("--real-rounds", type=int, default=1, help="real_sleep runs per mode (0 to skip)")
    parser.add_argument("--modes", nargs="+", default=["legacy", "standard", "adaptive"])
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()}, botocore {botocore.__version__}, {platform.machine()}")
    print(
        f"{'mode':<10} {'attempts':>8} {'virtual (median ms)':>20} {'real_sleep (s)':>15} "
        f"{'backoff asked (s)':>18} {'speed-up':>9}"
    )
    for mode in args.modes:
        virtual = [one_call(mode, real_sleep=False) for _ in range(args.rounds)]
        fast = statistics.median(v[0] for v in virtual)
        attempts = virtual[0][2]
        if args.real_rounds:
            real = [one_call(mode, real_sleep=True) for _ in range(args.real_rounds)]
            slow = statistics.median(r[0] for r in real)
            asked = statistics.median(r[1] for r in real)
            print(f"{mode:<10} {attempts:>8} {fast * 1000:>20.1f} {slow:>15.2f} {asked:>18.2f} {slow / fast:>8.0f}x")
        else:
            asked = statistics.median(v[1] for v in virtual)
            print(f"{mode:<10} {attempts:>8} {fast * 1000:>20.1f} {'-':>15} {asked:>18.2f} {'-':>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
