#!/usr/bin/env bash
# The benchmark in its own environment: .venvs/bench with this package, boto3 and moto (newest releases).
# Usage: benchmarks/run.sh [bench.py options]   (e.g. --quick for a smoke run; --help for all)
# Prints the table and writes it, with the machine it was measured on, to benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${CHIME_PROXY_VENVS:-$root/.venvs}/bench"

find_python() {  # as scripts/test.sh: the newest installed patch release of a minor version
  local want=$1
  for candidate in "python$want" "$HOME/.pyenv/versions/$want"*/bin/python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' >/dev/null 2>&1; then
      command -v "$candidate"; return 0
    fi
  done
  ls -d "$HOME"/.pyenv/versions/"$want".*/bin/python 2>/dev/null | sort -V | tail -n 1
}

python="${BENCH_PYTHON:-$(find_python 3.12)}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip >/dev/null
fi
log="$venv/pip.log"
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$root" boto3 "moto[apigatewayv2]" \
    >"$log" 2>&1; then
  cat "$log" >&2; exit 1
fi
exec "$venv/bin/python" "$root/benchmarks/bench.py" "$@"
