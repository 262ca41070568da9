#!/usr/bin/env bash
# SPEC §8 throughput check: DAR transfers over HTTP on PostgreSQL (32 tenants, then 1 tenant)
# against `pgbench -b tpcb-like` at the same concurrency, on this machine, in this run.
#
#   bash bench/run.sh                       # 20 s per measurement, 32 clients
#   BENCH_SECONDS=15 BENCH_CLIENTS=32 bash bench/run.sh
#
# Needs PostgreSQL on 127.0.0.1:5432 where user `root` may create databases (trust auth),
# and pgbench. Everything stays on 127.0.0.1; the bench databases are dropped on exit.
set -euo pipefail

SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
CLIENTS="${BENCH_CLIENTS:-32}"
WARMUP="${BENCH_WARMUP_SECONDS:-3}"
HOLDERS="${BENCH_HOLDERS:-200}"
PORT="${BENCH_PORT:-18080}"
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=root
DAR_DB=dar_bench
PGB_DB=dar_pgbench
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/dar-target}"
BIN="$CARGO_TARGET_DIR/release"
WORK="$(mktemp -d -t dar-bench.XXXXXX)"
SERVER_PID=""

log() { printf '[bench] %s\n' "$*" >&2; }

psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  psql_admin -c "DROP DATABASE IF EXISTS $DAR_DB WITH (FORCE)" >/dev/null 2>&1 || true
  psql_admin -c "DROP DATABASE IF EXISTS $PGB_DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ $rc -ne 0 && -f "$WORK/server.log" ]]; then
    log "server log (last 30 lines):"
    tail -n 30 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Build.
log "building dar and dar-bench (release) …"
(cd "$ROOT" && cargo build --release -p dar-api -p dar-bench)

# 2. PostgreSQL.
if ! pg_isready -h "$PG_HOST" -p "$PG_PORT" -q; then
  log "starting PostgreSQL …"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h "$PG_HOST" -p "$PG_PORT" -q && break; sleep 1; done
  pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || { log "PostgreSQL did not come up"; exit 1; }
fi
log "PostgreSQL $(psql_admin -c 'SHOW server_version'), max_connections=$(psql_admin -c 'SHOW max_connections'), autovacuum=$(psql_admin -c 'SHOW autovacuum'), $(nproc) CPU(s)"

# 3. DAR on a fresh database.
psql_admin -c "DROP DATABASE IF EXISTS $DAR_DB WITH (FORCE)"
psql_admin -c "CREATE DATABASE $DAR_DB"
JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
log "starting dar serve on 127.0.0.1:$PORT …"
DAR_DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$DAR_DB" \
DAR_JWT_SECRET="$JWT_SECRET" \
DAR_LISTEN="127.0.0.1:$PORT" \
DAR_BOOTSTRAP_EMAIL=bench@dar.test \
DAR_BOOTSTRAP_PASSWORD=bench-password-1 \
DAR_POOL_SIZE="${DAR_POOL_SIZE:-40}" \
RUST_LOG="${RUST_LOG:-warn}" \
  "$BIN/dar" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "dar exited early"; exit 1; fi
  if curl -fsS --max-time 2 "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.3
done
[[ -n "$ready" ]] || { log "dar did not become ready"; exit 1; }

run_dar() { # tenants -> prints tps; full output kept in $WORK/dar-<tenants>.out
  local tenants=$1 out="$WORK/dar-$1.out"
  log "dar-bench: $tenants tenant(s), $CLIENTS clients, ${WARMUP}s warm-up + ${SECONDS_PER_RUN}s …"
  timeout --signal=TERM "$((SECONDS_PER_RUN + WARMUP + 600))" \
    "$BIN/dar-bench" --url "http://127.0.0.1:$PORT" \
      --coordinator-email bench@dar.test --coordinator-password bench-password-1 \
      --tenants "$tenants" --clients "$CLIENTS" --seconds "$SECONDS_PER_RUN" \
      --warmup-seconds "$WARMUP" --holders-per-tenant "$HOLDERS" >"$out"
  sed '$d' "$out" | sed 's/^/    /' >&2
  tail -n 1 "$out" >"$WORK/dar-$tenants.json"
  local json tps errors
  json="$(cat "$WORK/dar-$tenants.json")"
  tps="$(sed -n 's/.*"tps":\([0-9.eE+-]*\).*/\1/p' <<<"$json")"
  errors="$(sed -n 's/.*"errors":\([0-9]*\).*/\1/p' <<<"$json")"
  [[ -n "$tps" && -n "$errors" ]] || { log "could not read dar-bench's result: $json"; return 1; }
  echo "$tps $errors"
}

R32="$(run_dar 32)"
R1="$(run_dar 1)"
read -r DAR32 ERR32 <<<"$R32"
read -r DAR1 ERR1 <<<"$R1"

# 4. Stop DAR before the baseline so it does not compete for the CPUs.
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

# 5. Baseline: pgbench TPC-B-like at the same concurrency and duration.
psql_admin -c "DROP DATABASE IF EXISTS $PGB_DB WITH (FORCE)"
psql_admin -c "CREATE DATABASE $PGB_DB"
log "pgbench -i -s 32 …"
pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -i -s 32 -q "$PGB_DB" >"$WORK/pgbench-init.log" 2>&1 \
  || { cat "$WORK/pgbench-init.log" >&2; exit 1; }
log "pgbench -b tpcb-like -c $CLIENTS -j 2 -T $SECONDS_PER_RUN -n …"
timeout "$((SECONDS_PER_RUN + 120))" \
  pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -b tpcb-like -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -n "$PGB_DB" \
  >"$WORK/pgbench.log" 2>&1 || { cat "$WORK/pgbench.log" >&2; exit 1; }
sed 's/^/    /' "$WORK/pgbench.log" >&2
PGB_FAILED="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.log")"
PGB="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$WORK/pgbench.log")"
[[ -n "$PGB" ]] || PGB="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.log" | tail -n 1)"
[[ -n "$PGB" ]] || { log "could not read pgbench's tps"; exit 1; }

# 6. Report.
awk -v dar32="$DAR32" -v err32="$ERR32" -v dar1="$DAR1" -v err1="$ERR1" -v pgb="$PGB" \
    -v pgbfail="${PGB_FAILED:-0}" -v clients="$CLIENTS" -v secs="$SECONDS_PER_RUN" 'BEGIN {
  r32 = dar32 / pgb; r1 = dar1 / pgb
  printf "\nSPEC §8 throughput: %d clients, %ds each, same machine, same run\n", clients, secs
  printf "  %-34s %10s %8s\n", "measurement", "tps", "errors"
  printf "  %-34s %10.1f %8d\n", "DAR transfers, 32 tenants", dar32, err32
  printf "  %-34s %10.1f %8d\n", "DAR transfers, 1 tenant", dar1, err1
  printf "  %-34s %10.1f %8d\n", "pgbench -b tpcb-like", pgb, pgbfail
  printf "\n  %-20s %8s %8s  %s\n", "ratio", "value", "target", "verdict"
  printf "  %-20s %8.3f %8s  %s\n", "ratio_32_tenants", r32, ">= 1.0", (r32 >= 1.0 ? "PASS" : "BELOW")
  printf "  %-20s %8.3f %8s  %s\n", "ratio_1_tenant", r1, ">= 0.5", (r1 >= 0.5 ? "PASS" : "BELOW")
  if (err32 + err1 > 0) printf "  note: DAR answered %d + %d requests with an error (see above)\n", err32, err1
}'
