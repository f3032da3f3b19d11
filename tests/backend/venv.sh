#!/usr/bin/env bash
# Creates (or reuses) the venv for a row of the version matrix and prints its path.
#   tests/backend/venv.sh [ROW]      ROW: a file name under rows/ (without .txt); default: the
#                                    reference stack (requirements.txt), in .venv
# A venv is rebuilt only when its row's requirements changed (a stamp holds their hash). The
# reference row shares .venv with serve.sh and scripts/setup.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
row=${1:-}
if [ -z "$row" ] || [ "$(readlink -f "$here/rows/$row.txt")" = "$here/requirements.txt" ]; then
  venv=$here/.venv
  reqs=$here/requirements.txt
else
  venv=$here/.venvs/$row
  reqs=$here/rows/$row.txt
fi
[ -f "$reqs" ] || { echo "venv.sh: no such row: $row" >&2; exit 1; }
stamp=$(sha256sum "$reqs" | cut -c1-16)
if [ "$(cat "$venv/.tokenward-stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check -q -r "$reqs" >&2
  echo "$stamp" >"$venv/.tokenward-stamp"
fi
echo "$venv"
