#!/usr/bin/env bash
# The whole test suite, from scratch: three fresh virtual environments, three runs, each in parallel
# (-n 2) and, through pytest-randomly, in random order:
#   1. the newest boto3/botocore on Python 3.12 (with branch coverage when CHIME_PROXY_COVERAGE=1);
#   2. boto3==1.37.1 botocore==1.37.1 (the last with the legacy chime proxy operations) on Python 3.10,
#      with awscli==1.38.1 (the CLI release on that botocore, with `aws chime create-proxy-session`),
#      aiobotocore 2.x (the releases that accept botocore 1.37.1) and pydantic==2.5.0, the oldest the package
#      accepts (pyproject.toml; its pydantic-core 2.14 is an extension that registers itself as it loads);
#   3. Python 3.13 with the newest aiobotocore, and the newest boto3/botocore that it accepts (aiobotocore
#      pins botocore narrowly, so run 1 alone is sure to have the newest botocore).
# The npm packages of the JavaScript SDK test are cached in ~/.cache/pytest-chime-proxy/node (see
# tests/test_js_sdk.py; $CHIME_PROXY_NODE_CACHE moves it).
# A developer's rerun reuses a venv whose requirements (pyproject.toml, interpreter, pins) have not changed;
# CI (CI=true) and CHIME_PROXY_FRESH=1 always build all three from scratch.
#
# What overlaps (the machine may have 2 cores): the three venvs are built at once (pip waits on the network
# and the disk most of the time), and the lint and type checks and the main run start as soon as the main
# venv is ready, while the other two are still being built. The pytest runs themselves stay one after the
# other: each already uses both cores (-n 2). Concurrent pips share pip's cache, which is safe for
# downloaded wheels (pip writes each cache entry to a temporary file and renames it; each venv first gets the
# newest pip, past the 23.3 regression of pypa/pip#12361); the one step that is not safe in parallel, the
# in-tree build of this package (setuptools writes *.egg-info and build/ into the checkout, pypa/pip#8168),
# runs under a lock, one venv at a time. Should a build fail anyway, it is retried once, alone, from scratch.
# Usage: scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venvs="${CHIME_PROXY_VENVS:-$root/.venvs}"
mkdir -p "$venvs"

source "$root/scripts/find_python.sh"

requirements() {  # the package's dependencies and its test extra, one per line, read from pyproject.toml
  "$py_main" -c 'import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["test"]))' "$root/pyproject.toml"
}

make_venv() {  # name python pins...  (its output goes to $venvs/<name>.log)
  local name=$1 python=$2; shift 2
  local dir="$venvs/$name"
  local stamp
  stamp=$( { cat "$root/pyproject.toml"; "$python" -VV; echo "$@"; } | sha256sum | cut -d' ' -f1)
  if [ "${CI:-}" != "true" ] && [ "${CHIME_PROXY_FRESH:-}" != "1" ] && [ -x "$dir/bin/python" ] \
     && [ "$(cat "$dir/.requirements-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$name: requirements unchanged, reused"; return 0  # the package is installed editable
  fi
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check -U pip >/dev/null
  local deps=()
  mapfile -t deps < <(requirements)
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "${deps[@]}" "$@"
  # the package itself, without its dependencies (installed above, with the pins), one venv at a time
  flock "$venvs/.build.lock" "$dir/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e "$root"
  echo "$stamp" > "$dir/.requirements-stamp"
}

declare -A args_of  # name -> its make_venv arguments, for a retry
start_venv() {  # name python pins...: builds in the background; `ready name` waits for it
  local name=$1
  args_of[$name]=$(printf '%q ' "$@")
  make_venv "$@" >"$venvs/$name.log" 2>&1 &
  eval "pid_$name=$!"
}

ready() {  # name: wait for its venv; a failed build is retried once on its own (from scratch), then fatal
  local name=$1 pid_var="pid_$1"
  if ! wait "${!pid_var}"; then
    echo "=== building the $name venv failed; building it again, alone (pip output below if that fails too)" >&2
    if ! eval "CHIME_PROXY_FRESH=1 make_venv ${args_of[$name]}" >"$venvs/$name.log" 2>&1; then
      cat "$venvs/$name.log" >&2
      exit 1
    fi
  fi
  grep -v "^WARNING: Location" "$venvs/$name.log" >&2 || true
}

run() {  # label python args...
  local label=$1 python=$2; shift 2
  echo "=== $label: $("$python" -c 'import sys, botocore; print(f"Python {sys.version.split()[0]}, botocore {botocore.__version__}")')"
  "$python" -m pytest "$@"
}

py_main=$(find_python 3.12); py_old=$(find_python 3.10); py_new=$(find_python 3.13)
start_venv main "$py_main"
start_venv legacy "$py_old" "boto3==1.37.1" "botocore==1.37.1" "awscli==1.38.1" "aiobotocore" "pydantic==2.5.0"
start_venv newest "$py_new" "aiobotocore"
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT  # an early failure leaves no pip running

ready main
main="$venvs/main/bin"
echo "=== import-linter (the layers), ruff check, ruff format --check, mypy --strict (the package and tests/typing)"
"$main/lint-imports"
"$main/ruff" check .
"$main/ruff" format --check .
"$main/mypy"
coverage=()  # branch coverage quadruples the main run's time (6.5 min against 1.5 on this 2-core machine): opt-in
if [ "${CHIME_PROXY_COVERAGE:-}" = "1" ]; then coverage=(--cov=pytest_chime_proxy --cov-branch --cov-report=term); fi
run "main (xdist, random order${coverage:+, coverage})" "$main/python" -n 2 "${coverage[@]}" "$@"
ready legacy
run "legacy botocore" "$venvs/legacy/bin/python" -q -n 2 "$@"
ready newest
run "newest Python" "$venvs/newest/bin/python" -q -n 2 "$@"
