#!/usr/bin/env bash
# Serve the reference backend on 127.0.0.1:PORT (default 8001).
#   tests/backend/serve.sh [PORT]
# Creates the venv when missing (venv.sh; BACKEND_ROW picks a row of the version matrix under
# rows/, default the reference stack), migrates, seeds the demo users, then runs Django in the
# foreground. Settings come from the environment; see refapi/settings.py.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-8001}
venv=$("$here/venv.sh" "${BACKEND_ROW:-}")
cd "$here"
"$venv/bin/python" manage.py migrate --run-syncdb -v 0
"$venv/bin/python" manage.py seed
exec "$venv/bin/python" manage.py runserver "127.0.0.1:$port" --noreload
