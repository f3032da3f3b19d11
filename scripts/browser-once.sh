#!/usr/bin/env bash
# Runs the browser suite once in Chromium against the backend in one configuration (default c).
#   scripts/browser-once.sh [a|b|c] [test-name-filter]
exec "$(dirname "$0")/engines.sh" chromium "${1:-c}" -- "${2:-}"
