#!/usr/bin/env bash
# Serve the reference backend on 127.0.0.1:PORT (default 8001).
#   tests/backend/serve.sh [PORT]
# Creates the venv when missing, migrates, seeds the demo user, then runs Django in the
# foreground. Settings come from the environment; see refapi/settings.py.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-8001}
cd "$here"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import dj_rest_auth, corsheaders' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
fi
.venv/bin/python manage.py migrate --run-syncdb -v 0
.venv/bin/python manage.py seed
exec .venv/bin/python manage.py runserver "127.0.0.1:$port" --noreload
