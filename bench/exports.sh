#!/usr/bin/env bash
# The register as of a date as CSV over HTTP, against `psql \copy` of the same rows from the
# same PostgreSQL database, side by side (issue 14: ≤ 2× the \copy time, memory flat).
# Usage: bash bench/exports.sh   (BENCH_HOLDERS (default 400000), BENCH_ROUNDS, BENCH_PORT)
# Needs PostgreSQL on 127.0.0.1:5432 where `root` may create databases (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dar-target}"
holders="${BENCH_HOLDERS:-400000}"
rounds="${BENCH_ROUNDS:-3}"
port="${BENCH_PORT:-18082}"
db=dar_bench_exports
psql_db() { psql -h 127.0.0.1 -U root -d "$1" -v ON_ERROR_STOP=1 -qAt "${@:2}"; }

cargo build --release -q -p dar-api --bin dar
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

psql_db postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
export DAR_DATABASE_URL="postgres://root@127.0.0.1:5432/$db" DAR_LISTEN="127.0.0.1:$port" \
  DAR_JWT_SECRET=bench-exports-secret-0123456789abcdef RUST_LOG=warn \
  DAR_BOOTSTRAP_EMAIL=bench@dar.test DAR_BOOTSTRAP_PASSWORD=bench-password-1
started=$(date +%s)
"$bin/dar" demo --holders "$holders" >"$work/demo.out"
echo "demo with $holders holders loaded in $(( $(date +%s) - started )) s (PostgreSQL)"
psql_db "$db" -c "VACUUM ANALYZE" >/dev/null
"$bin/dar" serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
# The demo's administrator (see README); the bootstrap coordinator cannot read registers.
email=admin@demo.dar.coop password=demo-password-2026
token="$(curl -fsS -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" \
  "http://127.0.0.1:$port/api/v1/auth/login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
[ -n "$token" ] || { echo "could not sign in as $email" >&2; exit 1; }
tenant="$(psql_db "$db" -c "SELECT id FROM tenants WHERE slug = 'demo'")"
as_of="$(date +%F)"

# The same rows as the export: each holding as of the date, with the holder's name and
# address, ordered by register number and class.
copy_sql="SELECT s.register_number,
   CASE WHEN s.kind = 'legal' THEN s.legal_name ELSE concat_ws(', ', s.last_name, s.first_name) END,
   s.kind, c.code, p.quantity, p.capital_cents, p.paid_cents, p.capital_cents - p.paid_cents,
   s.street, s.postal_code, s.city, s.country
 FROM shareholders s
 JOIN LATERAL (SELECT DISTINCT ON (q.share_class_id) q.share_class_id, q.quantity, q.capital_cents, q.paid_cents
                 FROM holding_positions q
                WHERE q.tenant_id = s.tenant_id AND q.shareholder_id = s.id AND q.movement_date <= DATE '$as_of'
                ORDER BY q.share_class_id, q.movement_date DESC) p ON true
 JOIN share_classes c ON c.tenant_id = s.tenant_id AND c.id = p.share_class_id
 WHERE s.tenant_id = '$tenant' AND (p.quantity <> 0 OR p.paid_cents <> 0)
 ORDER BY s.register_number, c.code"

best_copy=""; best_dar=""; peak_kib=0
for round in $(seq 1 "$rounds"); do
  t0=$(date +%s.%N)
  psql_db "$db" -c "\\copy ($copy_sql) TO '$work/copy.csv' WITH (FORMAT csv, HEADER)"
  copy_s=$(echo "$(date +%s.%N) - $t0" | bc)
  # dar's resident memory, sampled while it streams.
  ( while kill -0 "$server" 2>/dev/null; do
      awk '/VmRSS/ {print $2}' "/proc/$server/status"; sleep 0.05
    done ) >"$work/rss.$round" &
  sampler=$!
  t0=$(date +%s.%N)
  curl -fsS -H "authorization: Bearer $token" -o "$work/dar.csv" \
    "http://127.0.0.1:$port/api/v1/tenants/$tenant/exports/register?as_of=$as_of&dialect=rfc4180"
  dar_s=$(echo "$(date +%s.%N) - $t0" | bc)
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  rss=$(sort -n "$work/rss.$round" | tail -n 1)
  [ "${rss:-0}" -gt "$peak_kib" ] && peak_kib=$rss
  echo "round $round: psql \\copy ${copy_s}s ($(($(wc -l <"$work/copy.csv") - 1)) rows), dar export ${dar_s}s ($(($(wc -l <"$work/dar.csv") - 1)) rows), dar RSS peak ${rss} KiB"
  best_copy=$(printf '%s\n%s\n' "${best_copy:-$copy_s}" "$copy_s" | sort -g | head -n 1)
  best_dar=$(printf '%s\n%s\n' "${best_dar:-$dar_s}" "$dar_s" | sort -g | head -n 1)
done
ratio=$(echo "scale=2; $best_dar / $best_copy" | bc)
echo "best of $rounds: psql \\copy ${best_copy}s, dar ${best_dar}s, ratio ${ratio} (target <= 2.0), dar RSS peak $((peak_kib / 1024)) MiB"

# The whole cooperative as an Open Cap Format package, once (no baseline: nothing else
# writes OCF), with the same memory sampling: the export holds each holder's securities.
( while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$server/status"; sleep 0.05
  done ) >"$work/rss.ocf" &
sampler=$!
t0=$(date +%s.%N)
curl -fsS -H "authorization: Bearer $token" -o "$work/ocf.zip" \
  "http://127.0.0.1:$port/api/v1/tenants/$tenant/exports/ocf"
ocf_s=$(echo "$(date +%s.%N) - $t0" | bc)
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
echo "OCF package: ${ocf_s}s, $(du -h "$work/ocf.zip" | cut -f1), dar RSS peak $(($(sort -n "$work/rss.ocf" | tail -n 1) / 1024)) MiB"
