#!/usr/bin/env bash
# SPEC §8 certificate throughput: a batch of share certificates for every holder of a
# 50,000-holder cooperative, issued by a running `dar` over HTTP, measured as certificates
# per CPU-second of the server and, on PostgreSQL, of its database backends (= per core)
# and the server's peak memory; then the batch
# ZIP streamed to /dev/null. Side by side, in the same run: the renderer alone (no
# database, no HTTP) on one core, the baseline the service's figure is compared with.
#
#   bash bench/certificates.sh                    # 50,000 holders on SQLite
#   BENCH_HOLDERS=5000 bash bench/certificates.sh
#   BENCH_DATABASE=postgres bash bench/certificates.sh   # on 127.0.0.1:5432 as root
set -euo pipefail

HOLDERS="${BENCH_HOLDERS:-50000}"
DATABASE="${BENCH_DATABASE:-sqlite}"
PORT="${BENCH_PORT:-18081}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/dar-target}"
BIN="$CARGO_TARGET_DIR/release"
WORK="$(mktemp -d -t dar-cert-bench.XXXXXX)"
PG_DB=dar_cert_bench
SERVER_PID=""

log() { printf '[bench] %s\n' "$*" >&2; }
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U root -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "$DATABASE" == postgres ]]; then
    psql_admin -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [[ $rc -ne 0 && -f "$WORK/server.log" ]]; then
    log "server log (last 30 lines):"; tail -n 30 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of a process
peak_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
HZ="$(getconf CLK_TCK)"
# CPU ticks of the PostgreSQL backends serving the bench database (0 on SQLite, where the
# database work runs inside `dar` and is counted there). The pool keeps its connections,
# so the same backends are sampled before and after.
db_ticks() {
  [[ "$DATABASE" == postgres ]] || { echo 0; return; }
  local total=0 pid
  for pid in $(psql_admin -c "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB'"); do
    [[ -r "/proc/$pid/stat" ]] && total=$((total + $(ticks "$pid")))
  done
  echo "$total"
}

log "building dar and the renderer benchmark (release) …"
(cd "$ROOT" && cargo build --release -q -p dar-api && cargo build --release -q -p dar-documents --example certificate_throughput)

case "$DATABASE" in
  sqlite) export DAR_DATABASE_URL="sqlite://$WORK/dar.db" ;;
  postgres)
    psql_admin -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    psql_admin -c "CREATE DATABASE $PG_DB"
    export DAR_DATABASE_URL="postgres://root@127.0.0.1:5432/$PG_DB"
    export DAR_JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ;;
  *) log "BENCH_DATABASE is sqlite or postgres"; exit 2 ;;
esac
export DAR_LISTEN="127.0.0.1:$PORT" DAR_PUBLIC_URL="https://dar.example" RUST_LOG="${RUST_LOG:-info}"
export DAR_BOOTSTRAP_EMAIL=bench@dar.test DAR_BOOTSTRAP_PASSWORD=bench-password-1

log "loading a demo cooperative with $HOLDERS holders …"
start=$(date +%s.%N)
(cd "$WORK" && "$BIN/dar" demo --holders "$HOLDERS" >"$WORK/demo.log" 2>&1) || { tail -n 20 "$WORK/demo.log" >&2; exit 1; }
log "loaded in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s"

(cd "$WORK" && exec "$BIN/dar" serve >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS --max-time 2 "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { log "dar exited early"; exit 1; }
  sleep 0.2
done
API="http://127.0.0.1:$PORT/api/v1"
TOKEN="$(curl -fsS "$API/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@demo.dar.coop","password":"demo-password-2026"}' | json '["access_token"]')"
auth=(-H "authorization: Bearer $TOKEN")
IDLE_KIB="$(rss_kib "$SERVER_PID")"

log "asking for a batch of every active holder's certificate …"
cpu0="$(ticks "$SERVER_PID")"; dbcpu0="$(db_ticks)"; t0=$(date +%s.%N)
BATCH="$(curl -fsS "${auth[@]}" -H 'content-type: application/json' -d '{}' "$API/tenants/demo/certificate-batches")"
ID="$(json '["id"]' <<<"$BATCH")"; TOTAL="$(json '["total"]' <<<"$BATCH")"
MAX_KIB=0
while :; do
  STATE="$(curl -fsS "${auth[@]}" "$API/tenants/demo/certificate-batches/$ID")"
  status="$(json '["status"]' <<<"$STATE")"; done_="$(json '["done"]' <<<"$STATE")"
  rss="$(rss_kib "$SERVER_PID")"; (( rss > MAX_KIB )) && MAX_KIB=$rss
  log "  $status: $done_ / $TOTAL, server RSS $((rss / 1024)) MiB"
  [[ "$status" == done || "$status" == failed ]] && break
  sleep 2
done
[[ "$status" == done ]] || { log "the batch failed: $STATE"; exit 1; }
t1=$(date +%s.%N); cpu1="$(ticks "$SERVER_PID")"; dbcpu1="$(db_ticks)"

log "streaming the batch ZIP to /dev/null …"
z0=$(date +%s.%N); zcpu0="$(ticks "$SERVER_PID")"
ZIP_BYTES="$(curl -fsS "${auth[@]}" -o /dev/null -w '%{size_download}' "$API/tenants/demo/certificate-batches/$ID/zip")"
z1=$(date +%s.%N); zcpu1="$(ticks "$SERVER_PID")"
PEAK_KIB="$(peak_kib "$SERVER_PID")"

log "the renderer alone, one core …"
RENDER="$("$BIN/examples/certificate_throughput" 3000 | tail -n 1)"
log "  $RENDER"
RENDER_RATE="$(grep -oE '[0-9]+(\.[0-9]+)? certificates/s' <<<"$RENDER" | grep -oE '^[0-9.]+' | head -n 1)"

awk -v total="$TOTAL" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v hz="$HZ" \
    -v d0="$dbcpu0" -v d1="$dbcpu1" \
    -v z0="$z0" -v z1="$z1" -v zc0="$zcpu0" -v zc1="$zcpu1" -v zbytes="$ZIP_BYTES" \
    -v idle="$IDLE_KIB" -v maxrss="$MAX_KIB" -v peak="$PEAK_KIB" -v render="${RENDER_RATE:-0}" \
    -v db="$DATABASE" -v cores="$(nproc)" 'BEGIN {
  wall = t1 - t0; dbcpu = (d1 - d0) / hz; cpu = (c1 - c0) / hz + dbcpu
  zwall = z1 - z0; zcpu = (zc1 - zc0) / hz
  per_core = total / cpu
  printf "\nSPEC §8 certificate PDFs: %d holders, %s, %d cores\n", total, db, cores
  printf "  %-44s %12.1f s\n", "batch: wall time", wall
  printf "  %-44s %12.1f s\n", "batch: CPU time (dar + database backends)", cpu
  printf "  %-44s %12.1f s\n", "  of which PostgreSQL backends", dbcpu
  printf "  %-44s %12.1f /s\n", "batch: certificates per second (wall)", total / wall
  printf "  %-44s %12.1f /s\n", "batch: certificates per CPU-second (per core)", per_core
  printf "  %-44s %12.1f /s\n", "ZIP stream: certificates per second (wall)", total / zwall
  printf "  %-44s %12.1f /s\n", "ZIP stream: per CPU-second", total / zcpu
  printf "  %-44s %12.1f MiB\n", "ZIP size", zbytes / 1048576
  printf "  %-44s %12.1f MiB\n", "server RSS idle (after start-up)", idle / 1024
  printf "  %-44s %12.1f MiB\n", "server RSS max seen during the batch", maxrss / 1024
  printf "  %-44s %12.1f MiB\n", "server peak RSS (VmHWM, batch + ZIP)", peak / 1024
  printf "  %-44s %12.1f /s\n", "baseline: renderer alone, one core", render
  printf "\n  %-34s %8s %8s  %s\n", "ratio", "value", "target", "verdict"
  printf "  %-34s %8.3f %8s  %s\n", "per core / 500", per_core / 500, ">= 1.0", (per_core >= 500 ? "PASS" : "BELOW")
  if (render > 0) printf "  %-34s %8.3f %8s  %s\n", "per core / renderer alone", per_core / render, "", "(cost of DB + recording)"
}'
