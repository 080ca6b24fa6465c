#!/usr/bin/env bash
# The example: a number-masking app (examples/masking_app.py) and its tests, run verbosely against the fake.
# Creates its own virtual environment in .venvs/examples and installs the package (and boto3) into it.
# Usage: examples/run.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# $PYTHON, else the interpreter the test command uses (scripts/find_python.sh: the newest installed Python 3.12
# that actually runs, pyenv's versions included), else the newest other 3.1x that runs (3.10 at least)
source "$root/scripts/find_python.sh"
python=${PYTHON:-}
for version in 3.12 3.13 3.11 3.10; do
  [ -n "$python" ] && break
  python=$(find_python "$version")
done
if [ -z "$python" ]; then
  echo "examples/run.sh: no Python 3.10 or newer found; set PYTHON=/path/to/python3.x" >&2
  exit 1
fi
venv="$root/.venvs/examples"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip >/dev/null
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$root" boto3
exec "$venv/bin/python" -m pytest -v examples "$@"
