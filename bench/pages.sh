#!/usr/bin/env bash
# Times every page of the web application on the 50,000-holder demo (issue 12: server time
# per page p99 ≤ 50 ms), side by side with the stylesheet as a no-work baseline.
# Usage: bash bench/pages.sh   (BENCH_HOLDERS, BENCH_ROUNDS, BENCH_PORT to change the run)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dar-target}"
holders="${BENCH_HOLDERS:-50000}"
rounds="${BENCH_ROUNDS:-200}"
port="${BENCH_PORT:-18081}"

cargo build --release -q -p dar-api --bin dar -p dar-bench --bin dar-bench-pages
bin="$CARGO_TARGET_DIR/release"

data="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT INT TERM

export DAR_DATA_DIR="$data" DAR_LISTEN="127.0.0.1:$port" RUST_LOG=warn
started=$(date +%s)
"$bin/dar" demo --holders "$holders" >/dev/null
echo "demo with $holders holders loaded in $(( $(date +%s) - started )) s (SQLite, $data)"
"$bin/dar" serve >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
"$bin/dar-bench-pages" --base "http://127.0.0.1:$port" --rounds "$rounds"
