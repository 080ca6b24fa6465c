"""Server mode under load (issue 20): a cold burst of connections, and a soak with memory at start and end.

    python benchmarks/server_load.py [--burst 2000] [--soak-seconds 60] [--clients 50]

Every request goes to a ``chime-proxy-server`` this script starts on 127.0.0.1 (a new process, so cold),
in counts and times fixed by the arguments; each load gives up after its timeout. The figures are printed
as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from loadgen import burst, console, port_of, rss_kib, signed_get, soak  # noqa: E402


def _stop(process: object) -> None:
    process.terminate()  # type: ignore[attr-defined]
    process.communicate(timeout=30)  # type: ignore[attr-defined]


REQUESTS = {
    "list": "/voice-connectors",
    # a search by state and city: the number data the fake builds from libphonenumber's geocoder (1 s of CPU)
    "search": "/search?type=phone-numbers&state=WA&city=Seattle&max-results=5",
}


def bursts(count: int, timeout: float, kind: str) -> dict[str, object]:
    """A burst of ``count`` connections at a fresh server, then the same burst again (now warm)."""
    process, url = console()
    request = signed_get(REQUESTS[kind], "123456789012", "us-east-1").replace(
        b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"
    )
    try:
        cold, cold_outcomes = burst(port_of(url), count, timeout, request)
        warm, warm_outcomes = burst(port_of(url), count, timeout, request)
    finally:
        _stop(process)
    return {
        "request": kind,
        "connections": count,
        "cold_seconds": round(cold, 2),
        "cold_outcomes": {str(k): v for k, v in cold_outcomes.items()},
        "warm_seconds": round(warm, 2),
        "warm_outcomes": {str(k): v for k, v in warm_outcomes.items()},
    }


def soaked(seconds: float, clients: int) -> dict[str, object]:
    """``clients`` clients for ``seconds``, reads under ever new keys and regions and refused writes; the
    server's resident memory at start (after one request), after a sixth of the time, and at the end."""
    process, url = console()
    try:
        urllib.request.urlopen(url + "/_chime_proxy/health", timeout=10).read()
        start = rss_kib(process.pid)
        samples: list[tuple[float, int]] = []
        began = time.monotonic()
        import threading

        def sample() -> None:
            while time.monotonic() - began < seconds + 1:
                samples.append((round(time.monotonic() - began, 1), rss_kib(process.pid)))
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        statuses = soak(port_of(url), seconds, clients)
        sampler.join(5)
        end = rss_kib(process.pid)
        with urllib.request.urlopen(url + "/_chime_proxy/calls", timeout=30) as answer:
            log = json.loads(answer.read())
    finally:
        _stop(process)
    early = next((kib for at, kib in samples if at >= seconds / 6), end)
    return {
        "seconds": seconds,
        "clients": clients,
        "requests": sum(statuses.values()),
        "statuses": {str(k): v for k, v in statuses.items()},
        "rss_start_mib": round(start / 1024, 1),
        "rss_after_a_sixth_mib": round(early / 1024, 1),
        "rss_end_mib": round(end / 1024, 1),
        "rss_peak_mib": round(max(kib for _, kib in samples) / 1024, 1) if samples else None,
        "call_log": {k: log[k] for k in ("max_calls", "max_call_bytes", "bytes", "dropped")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--burst-timeout", type=float, default=120)
    parser.add_argument("--soak-seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    figures = {
        "bursts": [bursts(args.burst, args.burst_timeout, kind) for kind in REQUESTS],
        "soak": soaked(args.soak_seconds, args.clients),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
