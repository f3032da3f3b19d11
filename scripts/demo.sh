#!/usr/bin/env bash
# Runs the demo: builds the package, starts the reference backend in configs c, a and b
# (SQLite) on 127.0.0.1:8001–8003 and serves www/ on 127.0.0.1:8000. Ctrl-C stops them.
#   scripts/demo.sh
# DEMO_ACCESS_SECONDS (default 60) sets the access-token lifetime.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/lib.sh
trap 'stop_backends; kill ${www_pid:-} 2>/dev/null || true' EXIT
scripts/build.sh web pkg
ln -sfn ../pkg www/pkg
# Configs c, a and b side by side (the page's switch picks one), with registration and the
# test hooks (the "make the server refuse this token" button).
for entry in c:8001 a:8002 b:8003; do
  launch_backend "${entry%%:*}" "${entry##*:}" DB_PATH="demo-${entry%%:*}.sqlite3" \
    ACCESS_LIFETIME_SECONDS="${DEMO_ACCESS_SECONDS:-60}" REGISTRATION=none TEST_HOOKS=1
done
for port in 8001 8002 8003; do wait_backend "$port"; done
python3 -m http.server 8000 --bind 127.0.0.1 --directory www >artifacts/www.log 2>&1 &
www_pid=$!
echo
echo "tokenward demo: http://127.0.0.1:8000/   (user demo / password tokenward-demo)"
echo "backends: dj-rest-auth configs c (8001), a (8002), b (8003); Ctrl-C to stop"
wait "$www_pid"
