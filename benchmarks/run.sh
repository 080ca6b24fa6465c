#!/usr/bin/env bash
# The benchmark in its own environment: .venvs/bench with this package, boto3, moto and pytest-xdist (newest releases).
# Usage: benchmarks/run.sh [bench.py options]   (e.g. --quick for a smoke run; --only suite for section 0
# alone, the whole pytest runs; --help for all)
# Prints the table and writes it, with the machine it was measured on, to benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${CHIME_PROXY_VENVS:-$root/.venvs}/bench"

source "$root/scripts/find_python.sh"

python="${BENCH_PYTHON:-$(find_python 3.12)}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip >/dev/null
fi
log="$venv/pip.log"
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$root" boto3 "moto[apigatewayv2]" pytest-xdist \
    >"$log" 2>&1; then
  cat "$log" >&2; exit 1
fi
exec "$venv/bin/python" "$root/benchmarks/bench.py" "$@"
