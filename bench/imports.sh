#!/usr/bin/env bash
# Importing a register of BENCH_HOLDERS holders with their issues from CSV on PostgreSQL,
# from upload to committed, beside `psql \copy` of the same file into a plain table in the
# same database (the bare cost of moving the rows in). Issue 14: <= 60 s for 400,000
# holders, memory <= 256 MiB.
# Usage: bash bench/imports.sh   (BENCH_HOLDERS (default 400000), BENCH_PORT)
# Needs PostgreSQL on 127.0.0.1:5432 where `root` may create databases (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dar-target}"
holders="${BENCH_HOLDERS:-400000}"
port="${BENCH_PORT:-18083}"
db=dar_bench_imports
psql_db() { psql -h 127.0.0.1 -U root -d "$1" -v ON_ERROR_STOP=1 -qAt "${@:2}"; }
base="http://127.0.0.1:$port/api/v1"

cargo build --release -q -p dar-api --bin dar
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
server=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The file: a register as a cooperative keeps it (Belgian amounts, `;`), every holder with
# a name, an address, an IBAN-less row and shares of class A, some partly paid.
awk -v n="$holders" 'BEGIN {
  print "Nr;Voornaam;Naam;Straat;Postcode;Gemeente;Aandelen;Kapitaal;Volstort"
  for (i = 1; i <= n; i++) {
    shares = 1 + i % 7; capital = shares * 250; paid = (i % 5 == 0) ? capital / 2 : capital
    printf "%d;Voornaam%d;Familienaam %d;Dorpsstraat %d;%d;Gemeente;%d;%d,00;%d,00\n", i, i, i, 1 + i % 300, 1000 + i % 8999, shares, capital, paid
  }
}' >"$work/register.csv"
echo "file: $holders holders, $(du -h "$work/register.csv" | cut -f1)"

psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
export DAR_DATABASE_URL="postgres://root@127.0.0.1:5432/$db" DAR_LISTEN="127.0.0.1:$port" \
  DAR_JWT_SECRET=bench-imports-secret-0123456789abcdef RUST_LOG=warn,dar_api::imports=info \
  DAR_BOOTSTRAP_EMAIL=bench@dar.test DAR_BOOTSTRAP_PASSWORD=bench-password-1
"$bin/dar" serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
json() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
login() {
  curl -fsS -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" \
    "$base/auth/login" | json access_token
}
coordinator="$(login bench@dar.test bench-password-1)"
post() { curl -fsS -H "authorization: Bearer $1" -H 'content-type: application/json' -d "$3" "$base$2"; }
tenant="$(post "$coordinator" /tenants '{"slug":"bench","legal_name":"Coöperatie Bench cv","enterprise_number":"0403.019.261","legal_form":"cv","default_language":"nl","address":{"street":"Korenmarkt 1","postal_code":"9000","city":"Gent"}}' | json id)"
invitation="$(post "$coordinator" "/tenants/$tenant/invitations" '{"email":"admin@bench.test","role":"admin"}' | json token)"
curl -fsS -H 'content-type: application/json' \
  -d "{\"token\":\"$invitation\",\"password\":\"bench-password-1\"}" "$base/auth/accept-invitation" >/dev/null
admin="$(login admin@bench.test bench-password-1)"
post "$admin" "/tenants/$tenant/share-classes" '{"code":"A","name":"Klasse A","nominal_value":"250.00","transfer_rule":"free"}' >/dev/null

# Baseline: the same file into a plain table with psql \copy.
psql_db "$db" -c "CREATE TABLE bench_copy (nr bigint, first text, last text, street text, postal text, city text, shares bigint, capital text, paid text)"
t0=$(date +%s.%N)
psql_db "$db" -c "\\copy bench_copy FROM '$work/register.csv' WITH (FORMAT csv, HEADER, DELIMITER ';')"
copy_s=$(echo "$(date +%s.%N) - $t0" | bc)

( while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$server/status"; sleep 0.1
  done ) >"$work/rss" &
sampler=$!
t0=$(date +%s.%N)
import="$(curl -fsS -H "authorization: Bearer $admin" -H 'content-type: text/csv' \
  --data-binary @"$work/register.csv" \
  "$base/tenants/$tenant/imports?mode=current&effective_date=2025-12-31&file_name=register.csv")"
checked_s=$(echo "$(date +%s.%N) - $t0" | bc)
id="$(echo "$import" | json id)"
problems="$(echo "$import" | sed -n 's/.*"problem_count":\([0-9]*\).*/\1/p')"
[ "$problems" = "0" ] || { echo "the dry run found $problems problems" >&2; echo "$import" | head -c 2000 >&2; exit 1; }
curl -fsS -X POST -H "authorization: Bearer $admin" "$base/tenants/$tenant/imports/$id/commit" >/dev/null
status=""
while [ "$status" != "committed" ]; do
  sleep 0.5
  status="$(curl -fsS -H "authorization: Bearer $admin" "$base/tenants/$tenant/imports/$id" | json status)"
  [ "$status" = "failed" ] && { echo "the commit failed" >&2; exit 1; }
done
total_s=$(echo "$(date +%s.%N) - $t0" | bc)
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; sampler=""
peak_kib=$(sort -n "$work/rss" | tail -n 1)
entries="$(psql_db "$db" -c "SELECT count(*) FROM ledger_entries WHERE tenant_id = '$tenant'")"
shareholders="$(psql_db "$db" -c "SELECT count(*) FROM shareholders WHERE tenant_id = '$tenant'")"
ratio=$(echo "scale=1; $total_s / $copy_s" | bc)
echo "psql \\copy of the file: ${copy_s}s"
grep -o "import: [a-z ]*.*elapsed_ms[^ ]*" "$work/serve.log" | sed "s/\x1b\[[0-9;]*m//g" || true
echo "dar: upload and dry run ${checked_s}s, upload to committed ${total_s}s (${ratio}x \\copy; target <= 60 s), $shareholders holders and $entries entries, RSS peak $((peak_kib / 1024)) MiB (target <= 256)"
