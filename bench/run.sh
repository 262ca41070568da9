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
  [[ -n "${ANALYZER_PID:-}" ]] && kill "$ANALYZER_PID" 2>/dev/null || true
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

JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PG_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$DAR_DB"

# dar with the bench's settings on database URL $1.
dar_env() {
  env DAR_DATABASE_URL="$1" DAR_JWT_SECRET="$JWT_SECRET" DAR_LISTEN="127.0.0.1:$PORT" \
    DAR_BOOTSTRAP_EMAIL=bench@dar.test DAR_BOOTSTRAP_PASSWORD=bench-password-1 \
    DAR_POOL_SIZE="${DAR_POOL_SIZE:-40}" RUST_LOG="${RUST_LOG:-warn}" "${@:2}"
}

# Autovacuum is off on this server; a production server has it on, and its ANALYZE keeps the
# planner's statistics (and the cached plans of foreign-key checks) current as tables grow.
# While dar runs on PostgreSQL, the bench does what autovacuum's ANALYZE would with its
# default thresholds, checked every 5 s rather than every minute: a table is analysed once
# 50 + 10 % of its rows changed since its last ANALYZE. (Analysing every table every 5 s
# re-read a 2,000,000-entry tenant's tables while nothing changed, which no server does.)
ANALYZER_PID=""
start_analyzer() { # database name
  [[ "$(psql_admin -c 'SHOW autovacuum')" == on ]] && return 0
  (while sleep 5; do
     tables="$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -qAt -c \
       "SELECT string_agg(quote_ident(relname), ', ') FROM pg_stat_user_tables
         WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup" 2>/dev/null || true)"
     [[ -n "$tables" ]] && psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -qAt \
       -c "ANALYZE $tables" >/dev/null 2>&1 || true
   done) &
  ANALYZER_PID=$!
}
stop_analyzer() {
  [[ -n "$ANALYZER_PID" ]] || return 0
  kill "$ANALYZER_PID" 2>/dev/null || true
  wait "$ANALYZER_PID" 2>/dev/null || true
  ANALYZER_PID=""
}

start_dar() { # database URL
  log "starting dar serve on 127.0.0.1:$PORT ($1) …"
  # exec, so that $! is dar itself and stopping it frees the port.
  (exec env DAR_DATABASE_URL="$1" DAR_JWT_SECRET="$JWT_SECRET" DAR_LISTEN="127.0.0.1:$PORT" \
    DAR_BOOTSTRAP_EMAIL=bench@dar.test DAR_BOOTSTRAP_PASSWORD=bench-password-1 \
    DAR_POOL_SIZE="${DAR_POOL_SIZE:-40}" RUST_LOG="${RUST_LOG:-warn}" "$BIN/dar" serve) >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  local ready=""
  for _ in $(seq 1 300); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "dar exited early"; exit 1; fi
    if curl -fsS --max-time 2 "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.3
  done
  [[ -n "$ready" ]] || { log "dar did not become ready"; exit 1; }
}

stop_dar() {
  stop_analyzer
  [[ -n "$SERVER_PID" ]] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

fresh_pg() {
  psql_admin -c "DROP DATABASE IF EXISTS $DAR_DB WITH (FORCE)"
  psql_admin -c "CREATE DATABASE $DAR_DB"
}

run_dar() { # name, then dar-bench arguments -> prints "tps errors"; full output in $WORK/<name>.out
  local name=$1 out="$WORK/$1.out"
  shift
  log "dar-bench $name: $* …"
  timeout --signal=TERM 7200 \
    "$BIN/dar-bench" --url "http://127.0.0.1:$PORT" \
      --coordinator-email bench@dar.test --coordinator-password bench-password-1 \
      --warmup-seconds "$WARMUP" "$@" >"$out"
  sed '$d' "$out" | sed 's/^/    /' >&2
  tail -n 1 "$out" >"$WORK/$name.json"
  local json tps errors
  json="$(cat "$WORK/$name.json")"
  tps="$(sed -n 's/.*"tps":\([0-9.eE+-]*\).*/\1/p' <<<"$json")"
  errors="$(sed -n 's/.*"errors":\([0-9]*\).*/\1/p' <<<"$json")"
  [[ -n "$tps" && -n "$errors" ]] || { log "could not read dar-bench's result: $json"; return 1; }
  echo "$tps $errors"
}
field() { sed -n "s/.*\"$2\":\([0-9.eE+-]*\).*/\1/p" "$WORK/$1.json"; }

TRANSFERS=(--clients "$CLIENTS" --seconds "$SECONDS_PER_RUN" --holders-per-tenant "$HOLDERS")

# CPU seconds used so far by a process (utime + stime), and by PostgreSQL: every live
# process plus what the exited ones used (a backend's time goes to the postmaster's cutime
# and cstime when it exits, as pgbench's and the analyser's connections do).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_of_postgres() {
  local pid
  for pid in $(pgrep -u postgres); do cat "/proc/$pid/stat" 2>/dev/null || true; done |
    awk -v hz="$(getconf CLK_TCK)" '{ t += $14 + $15 + $16 + $17 } END { printf "%.2f", t / hz }'
}
# Runs dar-bench like run_dar and also reports the CPU that dar, the PostgreSQL processes
# and the load generator used per transfer, sampled over the measured window only (between
# dar-bench's "measure:" marks): the set-up of 32 tenants and their holders costs as much CPU
# as a 15 s load, so counting it made a transfer look twice as dear as it is. Whatever else
# ran on the machine is not counted.
run_dar_profiled() { # name, then dar-bench arguments -> prints "tps errors"
  local name=$1 marks="$WORK/$1.marks"
  : >"$marks"
  run_dar "$@" >"$WORK/$name.tps" 2> >(tee "$marks" >&2) &
  local job=$! dar0 pg0
  until grep -q '^measure: from' "$marks" || ! kill -0 "$job" 2>/dev/null; do sleep 0.05; done
  dar0=$(cpu_of "$SERVER_PID"); pg0=$(cpu_of_postgres)
  until grep -q '^measure: to' "$marks" || ! kill -0 "$job" 2>/dev/null; do sleep 0.05; done
  local dar pg
  dar=$(echo "$(cpu_of "$SERVER_PID") - $dar0" | bc)
  pg=$(echo "$(cpu_of_postgres) - $pg0" | bc)
  wait "$job"
  cat "$WORK/$name.tps"
  # dar-bench measures its own CPU over the window (it exits right after it).
  local ok load
  ok="$(field "$name" ok)"
  load="$(field "$name" load_cpu_s)"
  load="${load:-0}"
  [[ -n "$ok" && "$ok" -gt 0 ]] || return 0
  printf '%s: per transfer %.0f µs of dar, %.0f µs of PostgreSQL, %.0f µs of the load generator (%d transfers; cores: dar %.2f, PostgreSQL %.2f, load %.2f)\n' \
    "$name" "$(echo "$dar * 1000000 / $ok" | bc -l)" "$(echo "$pg * 1000000 / $ok" | bc -l)" \
    "$(echo "$load * 1000000 / $ok" | bc -l)" "$ok" "$(echo "$dar / $SECONDS_PER_RUN" | bc -l)" \
    "$(echo "$pg / $SECONDS_PER_RUN" | bc -l)" "$(echo "$load / $SECONDS_PER_RUN" | bc -l)" >>"$WORK/cpu.txt"
}

# 3. DAR on a fresh PostgreSQL database: 32 tenants, 1 tenant, and 1 tenant for 5× as long.
fresh_pg
start_dar "$PG_URL"
start_analyzer "$DAR_DB"
run_dar_profiled pg-32 --tenants 32 "${TRANSFERS[@]}" >"$WORK/pg-32.result"
read -r DAR32 ERR32 <"$WORK/pg-32.result"
run_dar_profiled pg-1 --tenants 1 "${TRANSFERS[@]}" >"$WORK/pg-1.result"
read -r DAR1 ERR1 <"$WORK/pg-1.result"
LONG=""
if [[ "${BENCH_LONG:-1}" == 1 ]]; then
  read -r LONG ERRLONG <<<"$(run_dar pg-1-long --tenants 1 --clients "$CLIENTS" \
    --seconds "$((SECONDS_PER_RUN * 5))" --holders-per-tenant "$HOLDERS")"
fi
stop_dar

# 4. A register at scale: the demo with BENCH_SCALE_HOLDERS holders, topped up through
#    1,000-entry batches to BENCH_SCALE_ENTRIES entries; then the same transfer load into it,
#    and one holder's holdings as of a random date by 8 clients.
SCALE_HOLDERS="${BENCH_SCALE_HOLDERS:-400000}"
SCALE_ENTRIES="${BENCH_SCALE_ENTRIES:-2000000}"
if [[ "${BENCH_SCALE:-1}" == 1 ]]; then
  fresh_pg
  log "dar demo --holders $SCALE_HOLDERS on PostgreSQL …"
  t0=$(date +%s.%N)
  dar_env "$PG_URL" "$BIN/dar" demo --holders "$SCALE_HOLDERS" >"$WORK/demo.out" 2>>"$WORK/server.log"
  DEMO_S=$(echo "$(date +%s.%N) - $t0" | bc)
  DEMO_ENTRIES=$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DAR_DB" -qAt -c "SELECT count(*) FROM ledger_entries")
  log "demo: $SCALE_HOLDERS holders, $DEMO_ENTRIES entries in ${DEMO_S}s"
  # Statistics for the planner, as autovacuum would gather them (it may be off here).
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DAR_DB" -qAt -c "ANALYZE" >/dev/null
  start_dar "$PG_URL"
  start_analyzer "$DAR_DB"
  TOP_UP=$(( SCALE_ENTRIES > DEMO_ENTRIES ? SCALE_ENTRIES - DEMO_ENTRIES : 0 ))
  # The top-up through batches is timed on its own (its short transfer run is not reported).
  run_dar pg-preload --tenant-slug demo --preload-entries "$TOP_UP" --clients "$CLIENTS" \
    --seconds 2 --holders-per-tenant "$HOLDERS" >/dev/null
  PRELOAD_RATE="$(field pg-preload preload_entries_per_s)"
  # A register that size is not loaded seconds before it is used: let PostgreSQL write out
  # what the load left (a checkpoint) and gather statistics, as a settled server would
  # have, before the measured run.
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DAR_DB" -qAt -c "CHECKPOINT" -c "ANALYZE" >/dev/null
  read -r SCALE1 ERRSCALE <<<"$(run_dar pg-scale --tenant-slug demo "${TRANSFERS[@]}")"
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$DAR_DB" -qAt -c "ANALYZE" >/dev/null
  read -r _ ERRREADS <<<"$(run_dar pg-reads --tenant-slug demo --mode reads --clients 8 --seconds "$SECONDS_PER_RUN")"
  READ_P99="$(field pg-reads p99_ms)"
  READS_TPS="$(field pg-reads tps)"
  stop_dar
fi

# 5. The same transfer load on SQLite (reported; one writer, no target).
if [[ "${BENCH_SQLITE:-1}" == 1 ]]; then
  SQLITE_URL="sqlite://$WORK/bench.sqlite"
  start_dar "$SQLITE_URL"
  read -r LITE32 ERRLITE32 <<<"$(run_dar sqlite-32 --tenants 32 "${TRANSFERS[@]}")"
  read -r LITE1 ERRLITE1 <<<"$(run_dar sqlite-1 --tenants 1 "${TRANSFERS[@]}")"
  stop_dar
fi

# 6. Baseline: pgbench TPC-B-like at the same concurrency and duration.
psql_admin -c "DROP DATABASE IF EXISTS $PGB_DB WITH (FORCE)"
psql_admin -c "CREATE DATABASE $PGB_DB"
log "pgbench -i -s 32 …"
pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -i -s 32 -q "$PGB_DB" >"$WORK/pgbench-init.log" 2>&1 \
  || { cat "$WORK/pgbench-init.log" >&2; exit 1; }
log "pgbench -b tpcb-like -c $CLIENTS -j 2 -T $SECONDS_PER_RUN -n …"
# CPU per transaction, as for dar's transfers: PostgreSQL's, and pgbench's own (bash's
# `time` reports what the command and its children used).
PGB_PG0=$(cpu_of_postgres)
TIMEFORMAT='%U %S'
{ time timeout "$((SECONDS_PER_RUN + 120))" \
  pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -b tpcb-like -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -n "$PGB_DB" \
  >"$WORK/pgbench.log" 2>&1 || { cat "$WORK/pgbench.log" >&2; exit 1; } ; } 2>"$WORK/pgbench.time"
PGB_PG=$(echo "$(cpu_of_postgres) - $PGB_PG0" | bc)
sed 's/^/    /' "$WORK/pgbench.log" >&2
PGB_FAILED="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.log")"
PGB="$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$WORK/pgbench.log")"
[[ -n "$PGB" ]] || PGB="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.log" | tail -n 1)"
[[ -n "$PGB" ]] || { log "could not read pgbench's tps"; exit 1; }
PGB_TX="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.log")"
if [[ -n "$PGB_TX" && "$PGB_TX" -gt 0 ]]; then
  read -r PGB_USER_S PGB_SYS_S <"$WORK/pgbench.time"
  printf 'pgbench: per transaction %.0f µs of PostgreSQL, %.0f µs of pgbench (%d transactions, connections included)\n' \
    "$(echo "$PGB_PG * 1000000 / $PGB_TX" | bc -l)" "$(echo "($PGB_USER_S + $PGB_SYS_S) * 1000000 / $PGB_TX" | bc -l)" \
    "$PGB_TX" >>"$WORK/cpu.txt"
fi

# 7. Report.
log "where the CPU went:"; sed 's/^/    /' "$WORK/cpu.txt" >&2
awk -v dar32="$DAR32" -v err32="$ERR32" -v dar1="$DAR1" -v err1="$ERR1" -v pgb="$PGB" \
    -v pgbfail="${PGB_FAILED:-0}" -v clients="$CLIENTS" -v secs="$SECONDS_PER_RUN" \
    -v long="${LONG:-}" -v errlong="${ERRLONG:-0}" \
    -v scale1="${SCALE1:-}" -v errscale="${ERRSCALE:-0}" -v holders="$SCALE_HOLDERS" \
    -v demo_s="${DEMO_S:-}" -v demo_entries="${DEMO_ENTRIES:-}" -v preload="${PRELOAD_RATE:-}" \
    -v top_up="${TOP_UP:-}" -v read_p99="${READ_P99:-}" -v reads="${READS_TPS:-}" -v errreads="${ERRREADS:-0}" \
    -v lite32="${LITE32:-}" -v errlite32="${ERRLITE32:-0}" -v lite1="${LITE1:-}" -v errlite1="${ERRLITE1:-0}" 'BEGIN {
  r32 = dar32 / pgb; r1 = dar1 / pgb
  printf "\nSPEC §8 / issue 13 throughput: %d clients, %ds each, same machine, same run\n", clients, secs
  printf "  %-52s %10s %8s\n", "measurement", "per s", "errors"
  printf "  %-52s %10.1f %8d\n", "DAR transfers, PostgreSQL, 32 tenants", dar32, err32
  printf "  %-52s %10.1f %8d\n", "DAR transfers, PostgreSQL, 1 tenant", dar1, err1
  if (long != "") printf "  %-52s %10.1f %8d\n", "DAR transfers, PostgreSQL, 1 tenant, 5x as long", long, errlong
  if (scale1 != "") {
    printf "  %-52s %10.1f %8d\n", sprintf("DAR transfers, 1 tenant of %d holders, %d entries", holders, demo_entries + top_up), scale1, errscale
    printf "  %-52s %10.1f %8d\n", "  holdings as of a date, 8 clients (reads)", reads, errreads
    printf "  %-52s %10.0f %8s\n", "  entries through 1,000-entry batches (preload)", preload, "-"
    printf "  %-52s %10s %8s\n", sprintf("  demo load: %d holders, %d entries in %.0f s", holders, demo_entries, demo_s), "", ""
  }
  if (lite32 != "") {
    printf "  %-52s %10.1f %8d\n", "DAR transfers, SQLite, 32 tenants", lite32, errlite32
    printf "  %-52s %10.1f %8d\n", "DAR transfers, SQLite, 1 tenant", lite1, errlite1
  }
  printf "  %-52s %10.1f %8d\n", "pgbench -b tpcb-like", pgb, pgbfail
  printf "\n  %-28s %10s %10s  %s\n", "ratio / figure", "value", "target", "verdict"
  printf "  %-28s %10.3f %10s  %s\n", "ratio_32_tenants", r32, ">= 2.0", (r32 >= 2.0 ? "PASS" : "BELOW")
  printf "  %-28s %10.3f %10s  %s\n", "ratio_1_tenant", r1, ">= 1.0", (r1 >= 1.0 ? "PASS" : "BELOW")
  if (long != "") printf "  %-28s %10.3f %10s  %s\n", "long_run / 1_tenant", long / dar1, ">= 0.9", (long / dar1 >= 0.9 ? "PASS" : "BELOW")
  if (scale1 != "") {
    # Against the longer fresh run when there is one: the short one starts before the first
    # ANALYZE, without statistics, and is slower for it.
    ref = (long != "" ? long : dar1)
    printf "  %-28s %10.3f %10s  %s\n", "scale / fresh 1_tenant", scale1 / ref, ">= 0.9", (scale1 / ref >= 0.9 ? "PASS" : "BELOW")
    printf "  %-28s %10.2f %10s  %s\n", "as-of read p99 ms", read_p99, "<= 10", (read_p99 <= 10 ? "PASS" : "ABOVE")
    printf "  %-28s %10.0f %10s  %s\n", "batch entries/s", preload, ">= 20000", (preload >= 20000 ? "PASS" : "BELOW")
  }
  if (err32 + err1 > 0) printf "  note: DAR answered %d + %d requests with an error (see above)\n", err32, err1
}'
