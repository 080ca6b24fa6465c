"""Section 4: what the plugin costs a process that never uses it, and what importing it costs.

pytest loads the plugin through its ``pytest11`` entry point in every run; a test suite that does not use
Chime must not pay for it. Measured as the CPU time of a pytest run over a file of trivial tests, with the
plugin loaded vs disabled (``-p no:chime_proxy``), alternating, median of repeated runs; and, in fresh
interpreters, the import time of ``pytest_chime_proxy`` on top of ``import boto3`` (and of moto, likewise).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from harness import Results, Row, child_cpu_ms, python_ms

STARTUP_TARGET_MS = 10.0
TRIVIAL_TESTS = 50


def _timed_import(setup: str, module: str) -> str:
    return (
        f"import time\n{setup}\nstart = time.process_time()\nimport {module}\n"
        "print((time.process_time() - start) * 1e3)"
    )


def measure(results: Results, runs: int, with_moto: bool) -> None:
    """pytest start-up with the plugin vs without; import costs in fresh interpreters."""
    with tempfile.TemporaryDirectory(prefix="chime-bench-") as tmp:
        test_file = Path(tmp) / "test_trivial.py"
        test_file.write_text("".join(f"def test_{i}():\n    assert {i} + 1 > {i}\n\n" for i in range(TRIVIAL_TESTS)))
        (Path(tmp) / "pytest.ini").write_text("[pytest]\n")  # keep the repository's configuration out
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)]
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
        samples: dict[str, list[float]] = {"loaded": [], "disabled": []}
        child_cpu_ms(base, cwd=tmp, env=env)  # warm the file system cache and the bytecode
        for _ in range(runs):
            samples["loaded"].append(child_cpu_ms(base, cwd=tmp, env=env))
            samples["disabled"].append(child_cpu_ms(base + ["-p", "no:chime_proxy"], cwd=tmp, env=env))
    loaded, disabled = (statistics.median(samples[k]) for k in ("loaded", "disabled"))
    added = statistics.median(a - b for a, b in zip(samples["loaded"], samples["disabled"], strict=True))  # paired runs
    results.add(
        Row(
            "4. start-up",
            f"pytest run, {TRIVIAL_TESTS} trivial tests, plugin installed but unused",
            loaded,
            "ms",
            disabled,
            "-p no:chime_proxy",
        )
    )
    results.add(
        Row(
            "4. start-up",
            "  added by the unused plugin",
            added,
            "ms",
            target=f"< {STARTUP_TARGET_MS:.0f} ms",
            met=added < STARTUP_TARGET_MS,
            note=f"median of {runs} paired differences; fastest runs: "
            f"{min(samples['loaded']):.0f} vs {min(samples['disabled']):.0f} ms",
        )
    )
    plugin_module = statistics.median(
        python_ms(_timed_import("import pytest", "pytest_chime_proxy.plugin")) for _ in range(runs)
    )
    results.add(Row("4. start-up", "import pytest_chime_proxy.plugin (after pytest)", plugin_module, "ms"))
    imports = {
        "boto3": statistics.median(python_ms(_timed_import("", "boto3")) for _ in range(runs)),
        "pytest_chime_proxy": statistics.median(
            python_ms(_timed_import("import boto3", "pytest_chime_proxy")) for _ in range(runs)
        ),
    }
    results.add(Row("4. start-up", "import boto3", imports["boto3"], "ms"))
    results.add(
        Row(
            "4. start-up",
            "import pytest_chime_proxy (after boto3)",
            imports["pytest_chime_proxy"],
            "ms",
            imports["boto3"],
            "import boto3",
        )
    )
    first_use = (
        "import time, boto3\nstart = time.process_time()\nfrom pytest_chime_proxy import ChimeProxyMock\n"
        "with ChimeProxyMock() as mock:\n    vc = mock.create_voice_connector()\n"
        "    client = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
        "    client.create_proxy_session(VoiceConnectorId=vc, ParticipantPhoneNumbers=['+14015550101', "
        "'+12065550100'], Capabilities=['Voice'])\nprint((time.process_time() - start) * 1e3)"
    )
    results.add(
        Row(
            "4. start-up",
            "first use after boto3 (import, mock, client, first call)",
            statistics.median(python_ms(first_use) for _ in range(runs)),
            "ms",
            note="once per process: the package, pydantic-core's validator engine, the client's and the fake's models",
        )
    )
    if with_moto:
        moto = statistics.median(python_ms(_timed_import("import boto3", "moto")) for _ in range(runs))
        results.add(
            Row(
                "4. start-up",
                "import moto (after boto3)",
                moto,
                "ms",
                imports["pytest_chime_proxy"] or 1e-9,
                "import pytest_chime_proxy",
            )
        )
