#!/usr/bin/env bash
# The TypeScript check of the npm package (run by scripts/test.sh after the build):
# consumer.ts, which uses the whole API, must pass `tsc --strict` with TypeScript's default
# lib and no skipLibCheck; misuse.ts, with a misspelt config key, must fail — for that reason
# and no other. Then the documents are checked against the declarations (api-check.mjs).
set -euo pipefail
cd "$(dirname "$0")"
tsc=../../node_modules/.bin/tsc
$tsc -p tsconfig.json
echo "types: consumer.ts type-checks (strict)"
if out=$($tsc --noEmit --strict --target ES2022 --module ES2022 --moduleResolution bundler \
    misuse.ts 2>&1); then
  echo "types: misuse.ts was accepted; a misspelt config key must be rejected" >&2
  exit 1
fi
if ! grep -q "TS2561.*'timeoutMS' does not exist in type 'AuthConfig'" <<<"$out"; then
  echo "types: misuse.ts failed for another reason:" >&2
  echo "$out" >&2
  exit 1
fi
echo "types: misuse.ts is rejected (TS2561: 'timeoutMS' does not exist in type 'AuthConfig')"
(cd ../.. && node scripts/api-check.mjs)
