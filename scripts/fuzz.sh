#!/usr/bin/env bash
# Fuzzes every parser of untrusted input (JWT decoding, reply bodies, ISO dates, statuses,
# stored and cross-tab records, doctor's judgement) with proptest: FUZZ_CASES inputs per
# target (default 1,000,000), asserting that nothing panics. Not part of scripts/test.sh,
# which runs the same properties with 256 cases.
#   scripts/fuzz.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
cases=${1:-${FUZZ_CASES:-1000000}}
echo "fuzz: $cases cases per target"
time PROPTEST_CASES=$cases cargo test --release -p tokenward-core --lib fuzz -- --test-threads=2
