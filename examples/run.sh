#!/usr/bin/env bash
# The example: a number-masking app (examples/masking_app.py) and its tests, run verbosely against the fake.
# Creates its own virtual environment in .venvs/examples and installs the package (and boto3) into it.
# Usage: examples/run.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# $PYTHON, else the newest python3.1x on PATH (the package needs Python >= 3.10), else python3
python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    # a pyenv shim exists for every version but runs only the selected ones: try it, do not just find it
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; then
      python=$candidate; break
    fi
  done
fi
venv="$root/.venvs/examples"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip >/dev/null
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$root" boto3
exec "$venv/bin/python" -m pytest -v examples "$@"
