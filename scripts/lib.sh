# Shared by the scripts: PATH, and starting/stopping the reference backend.
# shellcheck shell=bash
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
unset RUSTFLAGS # it would override .cargo/config.toml (web_sys_unstable_apis)
mkdir -p artifacts
# The npm build's toolchain: a pinned nightly, for -Zbuild-std with -Cpanic=immediate-abort
# (docs/decisions.md, docs/size.md). Everything else builds on stable.
# -Zlocation-detail=none and -Zfmt-debug=none drop panic locations and Debug output, which the
# npm build never prints. Without the reference-types and multivalue target features
# wasm-bindgen keeps JS values in a JS array instead of an externref table and needs no
# multi-value shims: 0.8 KB gzipped smaller in all (docs/decisions.md, docs/size.md).
NPM_TOOLCHAIN=nightly-2026-05-20
NPM_RUSTFLAGS="--cfg=web_sys_unstable_apis -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Ctarget-feature=-reference-types,-multivalue"
# binaryen's passes for the npm .wasm, before the output flag. --low-memory-unused folds
# constant address offsets into loads and stores; it holds because the linker puts the 1 MiB
# stack first (it grows down from 0x100000, so the low 1 KiB is touched only by a stack
# 1023 KiB deep). Flatten + rereloop rebuilds the control flow before two more -Oz rounds.
# Together 0.5 KB gzipped smaller than -Oz alone (docs/decisions.md, docs/size.md).
WASM_OPT_FLAGS=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --low-memory-unused -Oz --flatten --rereloop -Oz -Oz)

BACKEND_PIDS=()
BACKEND_PORTS=()
BACKEND_LOGS=()

# launch_backend CONFIG PORT [VAR=value ...]: serves tests/backend in the background (log in
# artifacts/backend-CONFIG-PORT.log); wait_backend PORT waits until it answers.
launch_backend() {
  local config=$1 port=$2
  shift 2
  local log="artifacts/backend-$config-$port.log"
  : >"$log"
  env TOKENWARD_CONFIG="$config" "$@" tests/backend/serve.sh "$port" >"$log" 2>&1 &
  BACKEND_PIDS+=($!)
  BACKEND_PORTS+=("$port")
  BACKEND_LOGS+=("$log")
}

wait_backend() {
  local port=$1 i pid="" log=/dev/null
  for i in "${!BACKEND_PORTS[@]}"; do
    if [ "${BACKEND_PORTS[$i]}" = "$port" ]; then
      pid=${BACKEND_PIDS[$i]}
      log=${BACKEND_LOGS[$i]}
    fi
  done
  for i in $(seq 1 240); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/dj-rest-auth/login/"; then
      return 0
    fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "backend on port $port exited:" >&2
      tail -20 "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "backend did not start on port $port" >&2
  tail -20 "$log" >&2
  return 1
}

# start_backend CONFIG PORT [VAR=value ...]: launch_backend, then wait until it answers.
start_backend() {
  launch_backend "$@"
  wait_backend "$2"
}

stop_backends() {
  local pid
  for pid in "${BACKEND_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BACKEND_PIDS=()
  BACKEND_PORTS=()
  BACKEND_LOGS=()
BACKEND_PORTS=()
}

# The version matrix (tests/matrix/): every row of tests/backend/rows/ in configs a, b and c, and
# tokens without iat; one backend each, started together (ports from 8100). Writes the plan to
# artifacts/matrix-plan.json.
start_matrix() {
  local rows row config port=8100 entries=()
  rows=$(cd tests/backend/rows && ls ./*.txt | sed 's#^\./##; s#\.txt$##' | sort)
  local pids=()
  for row in $rows; do
    tests/backend/venv.sh "$row" >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  for row in $rows; do
    for config in a b c; do
      launch_backend "$config" "$port" BACKEND_ROW="$row" TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=5 \
        DB_PATH="$PWD/artifacts/matrix-$port.sqlite3"
      entries+=("{\"row\":\"$row\",\"config\":\"$config\",\"port\":$port}")
      port=$((port + 1))
    done
  done
  launch_backend c 8199 TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=5 ACCESS_IAT=0 \
    DB_PATH="$PWD/artifacts/matrix-8199.sqlite3"
  for p in $(seq 8100 $((port - 1))) 8199; do wait_backend "$p"; done
  local IFS=,
  echo "{\"rows\":[${entries[*]}],\"noIat\":8199}" >artifacts/matrix-plan.json
}
