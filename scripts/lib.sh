# Shared by the scripts: PATH, and starting/stopping the reference backend.
# shellcheck shell=bash
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
unset RUSTFLAGS # it would override .cargo/config.toml (web_sys_unstable_apis)
mkdir -p artifacts
# The npm build's toolchain: a pinned nightly, for -Zbuild-std with -Cpanic=immediate-abort
# (README, "Size"). Everything else builds on stable.
# -Zlocation-detail=none and -Zfmt-debug=none drop panic locations and Debug output, which the
# npm build never prints. Without the reference-types and multivalue target features
# wasm-bindgen keeps JS values in a JS array instead of an externref table and needs no
# multi-value shims: 0.8 KB gzipped smaller in all (README, "Size").
NPM_TOOLCHAIN=nightly-2026-05-20
NPM_RUSTFLAGS="--cfg=web_sys_unstable_apis -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Ctarget-feature=-reference-types,-multivalue"
# binaryen's passes for the npm .wasm, before the output flag. --low-memory-unused folds
# constant address offsets into loads and stores; it holds because the linker puts the 1 MiB
# stack first (it grows down from 0x100000, so the low 1 KiB is touched only by a stack
# 1023 KiB deep). Flatten + rereloop rebuilds the control flow before two more -Oz rounds.
# Together 0.5 KB gzipped smaller than -Oz alone (README, "Size").
WASM_OPT_FLAGS=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --low-memory-unused -Oz --flatten --rereloop -Oz -Oz)

BACKEND_PIDS=()

# start_backend CONFIG PORT [VAR=value ...]: serves tests/backend in the background and waits
# until it answers. The log goes to artifacts/backend-CONFIG-PORT.log.
start_backend() {
  local config=$1 port=$2
  shift 2
  local log="artifacts/backend-$config-$port.log"
  env TOKENWARD_CONFIG="$config" "$@" tests/backend/serve.sh "$port" >"$log" 2>&1 &
  BACKEND_PIDS+=($!)
  local i
  for i in $(seq 1 120); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/dj-rest-auth/login/"; then
      return 0
    fi
    if ! kill -0 "${BACKEND_PIDS[-1]}" 2>/dev/null; then
      echo "backend ($config) exited:" >&2
      tail -20 "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "backend ($config) did not start on port $port" >&2
  tail -20 "$log" >&2
  return 1
}

stop_backends() {
  local pid
  for pid in "${BACKEND_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BACKEND_PIDS=()
}
