#!/usr/bin/env bash
# The size budget (run by scripts/test.sh after the build): what a page loads to sign in,
# restore, refresh, call and sign out — the main module (its JavaScript shell, with the
# machine's .wasm it carries) and the entry, gzip -9 — must not exceed the budget in
# size-budget.txt. Raise the budget only in a commit that says why; lower it whenever the
# package gets smaller, so that size cannot creep.
#   scripts/size-budget.sh [PKG_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=${1:-pkg}
budget=$(grep -oE '^[0-9]+' size-budget.txt)
total=0
for f in tokenward.js index.js; do
  n=$(gzip -9c "$pkg/$f" | wc -c)
  echo "size: $f $n bytes gzipped"
  total=$((total + n))
done
if [ "$total" -gt "$budget" ]; then
  echo "size: $total bytes gzipped, over the budget of $budget (size-budget.txt)" >&2
  exit 1
fi
echo "size: $total bytes gzipped, within the budget of $budget (size-budget.txt)"
