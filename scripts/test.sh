#!/usr/bin/env bash
# The whole test suite, from scratch: three fresh virtual environments, three runs, each in parallel
# (-n 2) and, through pytest-randomly, in random order:
#   1. the newest boto3/botocore on Python 3.12 (with branch coverage when CHIME_PROXY_COVERAGE=1);
#   2. boto3==1.37.1 botocore==1.37.1 (the last with the legacy chime proxy operations) on Python 3.10,
#      with awscli==1.38.1 (the CLI release on that botocore, with `aws chime create-proxy-session`) and
#      aiobotocore 2.x (the releases that accept botocore 1.37.1);
#   3. Python 3.13 with the newest aiobotocore, and the newest boto3/botocore that it accepts (aiobotocore
#      pins botocore narrowly, so run 1 alone is sure to have the newest botocore).
# The npm packages of the JavaScript SDK test are cached in ~/.cache/pytest-chime-proxy/node (see
# tests/test_js_sdk.py; $CHIME_PROXY_NODE_CACHE moves it).
# A developer's rerun reuses a venv whose requirements (pyproject.toml, interpreter, pins) have not changed;
# CI (CI=true) and CHIME_PROXY_FRESH=1 always build all three from scratch.
# Usage: scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venvs="${CHIME_PROXY_VENVS:-$root/.venvs}"

source "$root/scripts/find_python.sh"

make_venv() {  # name python pins...
  local name=$1 python=$2; shift 2
  local dir="$venvs/$name"
  local stamp
  stamp=$( { cat "$root/pyproject.toml"; "$python" -VV; echo "$@"; } | sha256sum | cut -d' ' -f1)
  if [ "${CI:-}" != "true" ] && [ "${CHIME_PROXY_FRESH:-}" != "1" ] && [ -x "$dir/bin/python" ] \
     && [ "$(cat "$dir/.requirements-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$dir/bin/python"; return 0  # requirements unchanged: reuse (the package is installed editable)
  fi
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check -U pip >/dev/null
  "$dir/bin/python" -m pip install -q --disable-pip-version-check -e "$root[test]" "$@" >&2
  echo "$stamp" > "$dir/.requirements-stamp"
  echo "$dir/bin/python"
}

run() {  # label python args...
  local label=$1 python=$2; shift 2
  echo "=== $label: $("$python" -c 'import sys, botocore; print(f"Python {sys.version.split()[0]}, botocore {botocore.__version__}")')"
  "$python" -m pytest "$@"
}

py_main=$(find_python 3.12); py_old=$(find_python 3.10); py_new=$(find_python 3.13)
main=$(make_venv main "$py_main")
legacy=$(make_venv legacy "$py_old" "boto3==1.37.1" "botocore==1.37.1" "awscli==1.38.1" "aiobotocore")
newest=$(make_venv newest "$py_new" "aiobotocore")

echo "=== import-linter (the layers), ruff check, ruff format --check, mypy --strict (the package and tests/typing)"
"${main%/python}/lint-imports"
"${main%/python}/ruff" check .
"${main%/python}/ruff" format --check .
"${main%/python}/mypy"
coverage=()  # branch coverage quadruples the main run's time (6.5 min against 1.5 on this 2-core machine): opt-in
if [ "${CHIME_PROXY_COVERAGE:-}" = "1" ]; then coverage=(--cov=pytest_chime_proxy --cov-branch --cov-report=term); fi
run "main (xdist, random order${coverage:+, coverage})" "$main" -n 2 "${coverage[@]}" "$@"
run "legacy botocore" "$legacy" -q -n 2 "$@"
run "newest Python" "$newest" -q -n 2 "$@"
