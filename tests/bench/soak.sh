#!/bin/sh
# soak.sh - a bounded soak under a steady mixed load (make soak).
#
#   1. a fresh database (fairmatch_soak) in the private cluster and a fresh
#      index under var/soak, seeded with SOAK_VACANCIES sample vacancies;
#   2. the server on a loopback port; wrk (tests/bench/soak.lua) holds a steady
#      mix of searches, inline matches, reads by id and vacancy creations
#      for SOAK_SECONDS (default 600) over SOAK_CONNECTIONS connections
#      (default 8), each pausing SOAK_DELAY_MS (default 50) between requests,
#      with the per-key rate limit on (SOAK_RATE_LIMIT a minute, default 6000);
#   3. PostgreSQL is restarted (stop -m fast, start) twice during the run,
#      at one third and two thirds of it;
#   4. reports requests, answers by status, socket errors, p50/p90/p99
#      latency, and reconciles: every acknowledged (201) vacancy is a row in
#      PostgreSQL and a document of the index, and `fairmatch verify` is
#      clean.
# Exits non-zero on any 5xx, socket error or lost write. Loopback only; the
# server is stopped and the database dropped on every exit path
# (SOAK_KEEP=1 keeps them). Figures go to var/soak/summary.txt too.
set -eu
cd "$(dirname "$0")/../.."

SECONDS_=${SOAK_SECONDS:-600}
CONNS=${SOAK_CONNECTIONS:-8}
DELAY=${SOAK_DELAY_MS:-50}
SEED_N=${SOAK_VACANCIES:-5000}
THREADS=${SOAK_WRK_THREADS:-2}
# The per-key rate limit is on during the soak (requests a minute per key;
# 8 connections pausing 50 ms make about 8,600 a minute from one key, so
# some answers are 429: the limiter at work, counted apart from errors).
RATE=${SOAK_RATE_LIMIT:-6000}
DB=fairmatch_soak
OUT=var/soak
BIN=./fairmatch

server_pid=
wrk_pid=

cleanup() {
	if [ -n "$wrk_pid" ]; then
		kill "$wrk_pid" 2>/dev/null || true
		wait "$wrk_pid" 2>/dev/null || true
	fi
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
	# PostgreSQL may have been left stopped by an interrupted restart.
	sh data/pgctl.sh start >/dev/null 2>&1 || true
	[ "${SOAK_KEEP:-0}" = 1 ] || sh data/pgctl.sh dropdb "$DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || { echo "soak: wrk is missing (sh data/deps.sh installs it)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "soak: build first (make)" >&2; exit 1; }

sh data/pgctl.sh start
rm -rf "$OUT"
mkdir -p "$OUT"
sh data/pgctl.sh createdb "$DB" >/dev/null
FAIRMATCH_DB=$(sh data/pgctl.sh conninfo "$DB")
export FAIRMATCH_DB
psql_() { psql -X -tAq "$FAIRMATCH_DB" "$@"; }

echo "soak: seeding $SEED_N vacancies"
"$BIN" sample vacancies --count "$SEED_N" --seed 4242 >"$OUT/seed.jsonl"
"$BIN" import vacancies "$OUT/seed.jsonl" --org soak-seed --index "$OUT/index" >"$OUT/import.log" 2>&1
psql_ -c "SELECT id FROM vacancies ORDER BY id LIMIT 2000" >"$OUT/ids.txt"
counsellor=$("$BIN" keys create --role counsellor --org soak-centre)
employer=$("$BIN" keys create --role employer --org soak-co)

"$BIN" serve --listen 127.0.0.1:0 --port-file "$OUT/port" --index "$OUT/index" \
	--rate-limit "$RATE" >"$OUT/server.log" 2>&1 &
server_pid=$!
i=0
while [ ! -s "$OUT/port" ]; do
	kill -0 "$server_pid" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
	i=$((i + 1))
	[ $i -lt 1200 ] || { echo "soak: the server did not start" >&2; exit 1; }
	sleep 0.1
done
port=$(cat "$OUT/port")
base=http://127.0.0.1:$port

echo "soak: ${SECONDS_}s, $CONNS connections, ${DELAY} ms between requests, on $base"
# A request may wait out a PostgreSQL restart (the ride-through budget is
# 5 s): wrk's timeout is well above it.
wrk -t "$THREADS" -c "$CONNS" -d "${SECONDS_}s" --timeout 30s -s tests/bench/soak.lua "$base" \
	-- "$OUT" "$counsellor" "$employer" "$DELAY" >"$OUT/wrk.txt" 2>&1 &
wrk_pid=$!

third=$((SECONDS_ / 3))
sleep "$third"
restarts=
for k in 1 2; do
	[ $k -eq 1 ] || sleep "$third"
	echo "soak: restarting PostgreSQL ($k of 2)"
	t0=$(date +%s%3N)
	sh data/pgctl.sh restart
	took=$(($(date +%s%3N) - t0))
	echo "soak: restart $k took $took ms"
	restarts="$restarts ${took}ms"
done
wait "$wrk_pid" || true
wrk_pid=

# ---- reconcile ----
cat "$OUT"/acked-*.txt 2>/dev/null | sort -n >"$OUT/acked.txt"
acked=$(wc -l <"$OUT/acked.txt" | tr -d ' ')
psql_ -c "CREATE TEMP TABLE acked (id bigint)" \
	-c "\\copy acked FROM '$OUT/acked.txt'" \
	-c "SELECT count(*) FROM acked a LEFT JOIN vacancies v ON v.id = a.id WHERE v.id IS NULL" \
	>"$OUT/lost.txt"
lost=$(tail -n 1 "$OUT/lost.txt")
# The index applies the whole change log before the server stops.
i=0
while :; do
	lag=$(curl -s "$base/v1/health" | sed -n 's/.*"lag":\([0-9]*\).*/\1/p')
	[ "$lag" = 0 ] && break
	i=$((i + 1))
	[ $i -lt 600 ] || break
	sleep 0.1
done
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
verify=$("$BIN" verify --index "$OUT/index" 2>&1 || true)
verify_rc=0
"$BIN" verify --index "$OUT/index" >/dev/null 2>&1 || verify_rc=$?

{
	echo "soak: $(date -u +%Y-%m-%dT%H:%M:%SZ), ${SECONDS_}s, $CONNS connections, ${DELAY} ms pause"
	echo "  PostgreSQL restarts (stop -m fast + start) took:$restarts"
	grep '^soak_result' "$OUT/wrk.txt" | sed 's/^soak_result /  /'
	echo "  acknowledged writes $acked, missing in PostgreSQL $lost"
	echo "  $verify"
} | tee "$OUT/summary.txt"

fivexx=$(grep '^soak_result status 5' "$OUT/wrk.txt" | awk '{s += $4} END {print s + 0}')
sockerr=$(grep '^soak_result socket_errors' "$OUT/wrk.txt" | awk '{print $4 + $6 + $8 + $10}')
fail=0
grep -q '^soak_result requests' "$OUT/wrk.txt" || { echo "soak: FAIL: wrk reported nothing"; cat "$OUT/wrk.txt"; fail=1; }
[ "${fivexx:-0}" -eq 0 ] || { echo "soak: FAIL: $fivexx answers 5xx (see $OUT/errors-*.txt)"; fail=1; }
[ "${sockerr:-0}" -eq 0 ] || { echo "soak: FAIL: $sockerr socket errors"; fail=1; }
[ "$lost" = 0 ] || { echo "soak: FAIL: $lost acknowledged writes missing in PostgreSQL"; fail=1; }
[ "$acked" -gt 0 ] || { echo "soak: FAIL: no write was acknowledged"; fail=1; }
[ "$verify_rc" -eq 0 ] || { echo "soak: FAIL: the index differs from PostgreSQL"; fail=1; }
[ $fail -eq 0 ] && echo "soak: ok"
exit $fail
