# Sourced by scripts/test.sh and benchmarks/run.sh: find_python 3.12 prints the newest installed
# Python of that minor version that actually runs (a pyenv shim exists for versions that are not selected).
find_python() {
  local want=$1
  for candidate in "python$want" "$HOME/.pyenv/versions/$want"*/bin/python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' >/dev/null 2>&1; then
      command -v "$candidate"; return 0
    fi
  done
  ls -d "$HOME"/.pyenv/versions/"$want".*/bin/python 2>/dev/null | sort -V | tail -n 1
}
