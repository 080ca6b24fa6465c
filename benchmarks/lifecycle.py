"""Section 3: what the ``chime_proxy`` fixture costs every test that uses it, against moto's start/stop.

The fixture's work is exactly ``ChimeProxyMock(...)`` (fresh state), ``start()`` (patch botocore's send,
set fake credentials) and ``stop()`` (unpatch, restore the environment); that cycle is timed directly, so
pytest's own fixture machinery, the same for any plugin, is left out. moto's equivalent is
``mock_aws().start()`` + ``stop()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Results, Row, interleaved, per_call_us

CYCLE_TARGET_MS = 0.25
MOTO_FACTOR = 20.0


def measure(results: Results, rounds: int, cycles: int, moto_cycles: int, with_moto: bool) -> None:
    """Median per-cycle cost of the plugin's fixture work (and moto's start/stop), side by side."""
    from pytest_chime_proxy import ChimeProxyMock

    def plugin_cycle() -> None:
        mock = ChimeProxyMock()
        mock.start()
        mock.stop()

    contenders: dict[str, Callable[[], float]] = {"plugin": lambda: per_call_us(plugin_cycle, cycles) / 1e3}
    if with_moto:
        from moto import mock_aws

        def moto_cycle() -> None:
            mock: Any = mock_aws()
            mock.start()
            mock.stop()

        moto_cycle()
        contenders["moto"] = lambda: per_call_us(moto_cycle, moto_cycles) / 1e3
    plugin_cycle()
    medians = interleaved(contenders, rounds)
    plugin_ms = medians["plugin"]
    results.add(
        Row(
            "3. per test: fixture cycle",
            "chime_proxy fixture (new mock + start + stop)",
            plugin_ms,
            "ms",
            target=f"<= {CYCLE_TARGET_MS} ms",
            met=plugin_ms <= CYCLE_TARGET_MS,
        )
    )
    if with_moto:
        results.add(
            Row(
                "3. per test: fixture cycle",
                "moto mock_aws() start + stop",
                medians["moto"],
                "ms",
                plugin_ms,
                "plugin cycle",
                f">= {MOTO_FACTOR:.0f}x the plugin's",
                medians["moto"] >= MOTO_FACTOR * plugin_ms,
            )
        )
