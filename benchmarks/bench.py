"""The benchmark: ``python benchmarks/bench.py`` (or ``benchmarks/run.sh`` in its own environment).

Measures, side by side in one process, what the plugin costs against botocore's own floor and against moto,
prints a table of medians and ratios, and writes it with the machine description to
``benchmarks/RESULTS.md``. Not part of the test suite: nothing here is a timed assertion, a missed target
is reported, never raised.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import first_use  # noqa: E402  (nothing heavy: the fresh processes import boto3, not this one)
import per_test  # noqa: E402  (nothing heavy until it measures)
import suite  # noqa: E402  (nothing heavy: the generated files import boto3, not this process)
from harness import Results, fmt, machine  # noqa: E402

SECTIONS = ("first", "suite", "pertest", "calls", "parts", "moto", "fixture", "startup", "scale")
RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per comparison (median taken)")
    parser.add_argument("--calls", type=int, default=1000, help="calls per round for per-call figures")
    parser.add_argument("--listed", type=int, default=10, help="sessions on the connector ListProxySessions lists")
    parser.add_argument("--cycles", type=int, default=1000, help="fixture cycles per round")
    parser.add_argument("--moto-cycles", type=int, default=100, help="moto start/stop pairs per round")
    parser.add_argument("--runs", type=int, default=15, help="subprocess runs per start-up figure")
    parser.add_argument("--sizes", default="10,1000,10000", help="session counts for the scale section")
    parser.add_argument(
        "--suite-rounds", type=int, default=suite.ROUNDS, help="interleaved rounds of whole pytest runs (section 0)"
    )
    parser.add_argument(
        "--suite-sizes",
        default=",".join(map(str, suite.SIZES)),
        help="small,large tests per generated file (section 0)",
    )
    parser.add_argument(
        "--first-rounds", type=int, default=first_use.ROUNDS, help="interleaved fresh processes (first-use section)"
    )
    parser.add_argument(
        "--first-tests", type=int, default=first_use.TESTS, help="tests in the first-use section's file"
    )
    parser.add_argument(
        "--tests", type=int, default=per_test.TESTS, help="tests of each contender run in one process (section 0b)"
    )
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {SECTIONS}")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls: a smoke run, not a result")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS_FILE.name}")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds, options.calls, options.cycles, options.moto_cycles, options.runs = 3, 200, 200, 20, 3
        options.sizes = "10,1000"
        options.suite_rounds, options.suite_sizes = suite.QUICK_ROUNDS, ",".join(map(str, suite.QUICK_SIZES))
        options.first_rounds, options.first_tests = 1, 20
        options.tests = per_test.QUICK_TESTS
    unknown = set(options.only.split(",")) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    return options


def _has_moto() -> bool:
    try:
        import moto  # noqa: F401
    except ImportError:
        return False
    return True


def table(results: Results) -> str:
    """The results as a Markdown table, one block per section."""
    lines = ["| measure | median | compared with | ratio | target | |", "|---|---:|---|---:|---|---|"]
    section = None
    for row in results.rows:
        if row.section != section:
            section = row.section
            lines.append(f"| **{section}** | | | | | |")
        baseline = f"{row.baseline_name} {fmt(row.baseline, row.unit)}" if row.baseline else ""
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        verdict = "" if row.met is None else ("met" if row.met else "**missed**")
        what = row.what + (f" ({row.note})" if row.note else "")
        lines.append(f"| {what} | {fmt(row.value, row.unit)} | {baseline} | {ratio} | {row.target} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    only = set(options.only.split(","))
    with_moto = _has_moto()
    if not with_moto:
        print("moto is not installed: its columns are left out (benchmarks/run.sh installs it)", file=sys.stderr)
    results = Results()
    started = time.perf_counter()
    print(f"Measuring on {machine()}", flush=True)
    overheads: dict[str, float] = {}
    if "first" in only:
        print("first use: fresh processes and whole files, first test included", flush=True)
        first_use.measure(results, options.first_rounds, options.first_tests)
    if "suite" in only:
        print("0. per test: whole pytest runs", flush=True)
        small, large = (int(size) for size in options.suite_sizes.split(","))
        suite.measure(results, options.suite_rounds, (small, large), with_moto)
    if "pertest" in only:
        print(f"{per_test.SECTION}", flush=True)
        per_test.measure(results, options.tests)
    if only & {"calls", "moto"}:
        import per_call

        print("1. per call: plugin vs botocore's floor", flush=True)
        overheads = per_call.measure_chime(results, options.rounds, options.calls, options.listed)
        if "moto" in only and with_moto:
            print("2. per call: moto vs its floor", flush=True)
            per_call.measure_moto(results, options.rounds, options.calls, overheads)
    if "parts" in only:
        import per_call_parts

        print(f"{per_call_parts.SECTION}", flush=True)
        per_call_parts.measure(results, options.rounds, options.calls, options.listed)
    if "fixture" in only:
        import lifecycle

        print("3. per test: fixture cycle", flush=True)
        lifecycle.measure(results, options.rounds, options.cycles, options.moto_cycles, with_moto)
    if "startup" in only:
        import startup

        print("4. start-up", flush=True)
        startup.measure(results, options.runs, with_moto)
    if "scale" in only:
        import scale

        print("5. scale", flush=True)
        scale.measure(results, [int(size) for size in options.sizes.split(",")])
    elapsed = time.perf_counter() - started
    report = (
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}, in {elapsed:.0f} s "
        f"(rounds={options.rounds}, calls={options.calls}, runs={options.runs}, "
        f"suite rounds={options.suite_rounds} of {options.suite_sizes} tests, first-use rounds={options.first_rounds}"
        f"{', QUICK: not a result' if options.quick else ''}).\n\n{table(results)}\n"
    )
    print("\n" + report)
    if not options.no_write:
        RESULTS_FILE.write_text(
            "# Latest benchmark results\n\nWritten by `benchmarks/bench.py`; see README.md "
            "for what each figure means.\n\n" + report
        )
        print(f"written to {RESULTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
