#!/usr/bin/env bash
# Runs the demo: builds the package, starts the reference backend (config c, SQLite) on
# 127.0.0.1:8001 and serves www/ on 127.0.0.1:8000. Ctrl-C stops both.
#   scripts/demo.sh
# DEMO_CONFIG=a|b|c and DEMO_ACCESS_SECONDS (default 60) change the backend's setup.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/lib.sh
trap 'stop_backends; kill ${www_pid:-} 2>/dev/null || true' EXIT
scripts/build.sh web pkg
ln -sfn ../pkg www/pkg
start_backend "${DEMO_CONFIG:-c}" 8001 ACCESS_LIFETIME_SECONDS="${DEMO_ACCESS_SECONDS:-60}" \
  REGISTRATION=none
python3 -m http.server 8000 --bind 127.0.0.1 --directory www >artifacts/www.log 2>&1 &
www_pid=$!
echo
echo "tokenward demo: http://127.0.0.1:8000/   (user demo / password tokenward-demo)"
echo "backend: http://127.0.0.1:8001/ (dj-rest-auth config ${DEMO_CONFIG:-c}); Ctrl-C to stop"
wait "$www_pid"
