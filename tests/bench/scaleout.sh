#!/bin/sh
# scaleout.sh - the scale-out part of `make bench` (BENCH_PARTS=scaleout;
# docs/performance.md, "Scale-out"): search and match throughput over HTTP
# from one node, from two nodes sharing one PostgreSQL (each with its own
# index, the load split between them), and from one node whose index is
# split into two shards read locally or through xapian-tcpsrv on loopback.
# Every configuration serves the same BENCH_SCALEOUT_SIZE vacancies
# (default 20,000) with the same wrk settings, one after the other.
#
# Knobs: BENCH_SCALEOUT_SIZE, BENCH_SEED, BENCH_WRK_THREADS (2),
# BENCH_WRK_CONNECTIONS (32), BENCH_WRK_SECONDS (20). Output: a table on
# stdout, raw wrk outputs under var/bench/scaleout/.
set -eu
cd "$(dirname "$0")/../.."
N=${BENCH_SCALEOUT_SIZE:-20000}
SEED=${BENCH_SEED:-20260}
WRK_T=${BENCH_WRK_THREADS:-2}
WRK_C=${BENCH_WRK_CONNECTIONS:-32}
WRK_D=${BENCH_WRK_SECONDS:-20}
OUT=var/bench/scaleout
DB=bench_scaleout
log() { echo "scaleout: $*" >&2; }
wrkf() { awk -v k="$2" '$1 == "wrk_result" { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"; }
command -v wrk >/dev/null || { log "wrk is not installed"; exit 1; }
command -v xapian-tcpsrv >/dev/null || { log "xapian-tcpsrv is missing (sh data/deps.sh)"; exit 1; }
[ -x ./fairmatch ] || { log "./fairmatch is missing (make fairmatch)"; exit 1; }

pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	[ -n "${BENCH_KEEP:-}" ] || sh data/pgctl.sh dropdb "$DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

sh data/pgctl.sh start
rm -rf "$OUT"
mkdir -p "$OUT"
data=var/bench/vacancies-$N-s$SEED.jsonl
[ -s "$data" ] || ./fairmatch sample vacancies --count "$N" --seed "$SEED" >"$data"
sh data/pgctl.sh dropdb "$DB" >/dev/null 2>&1 || true
sh data/pgctl.sh createdb "$DB" >/dev/null
conn=$(sh data/pgctl.sh conninfo "$DB")
log "importing $N vacancies (PostgreSQL only: each node builds its own index)"
FAIRMATCH_DB=$conn ./fairmatch import vacancies "$data" --org bench --no-index >"$OUT/import.log" 2>&1
token=$(FAIRMATCH_DB=$conn ./fairmatch keys create --role counsellor --org bench)
# Queries: the first word of 300 of the sample titles; profiles: 300 sample profiles.
head -n 300 "$data" | sed -nE 's/^\{"title":"([A-Za-z]+).*/\/v1\/vacancies?q=\1\&limit=20/p' \
	>"$OUT/urls.txt"
./fairmatch sample profiles --count 300 --seed "$SEED" |
	sed 's/^/{"profile":/; s/$/,"limit":20}/' >"$OUT/bodies.jsonl"

# start NAME [serve options]: a node on its own index; sets port_NAME.
start() {
	name=$1
	shift
	mkdir -p "$OUT/$name"
	rm -f "$OUT/$name/port"
	FAIRMATCH_DB=$conn ./fairmatch serve --listen 127.0.0.1:0 --port-file "$OUT/$name/port" \
		--index "$OUT/$name/index" "$@" 2>"$OUT/$name/serve.log" &
	pids="$pids $!"
	eval "pid_$name=$!"
}

# ready NAME: waits until the node listens and has built its index.
ready() {
	i=0
	while [ $i -lt 3000 ]; do
		if [ -s "$OUT/$1/port" ]; then
			p=$(cat "$OUT/$1/port")
			[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/v1/health")" = 200 ] &&
				{ eval "port_$1=$p"; return 0; }
		fi
		sleep 0.2
		i=$((i + 1))
	done
	log "node $1 never became ready"
	cat "$OUT/$1/serve.log" >&2
	exit 1
}

stop() {
	eval "p=\$pid_$1"
	kill "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}

# load KIND OUTFILE CONNECTIONS PORT: one wrk run of search or match.
load() {
	if [ "$1" = search ]; then
		timeout $((WRK_D + 60)) wrk -t"$WRK_T" -c"$3" -d"${WRK_D}s" --timeout 5s \
			-s tests/bench/bench_search.lua "http://127.0.0.1:$4" -- "$OUT/urls.txt" "$token" >"$2"
	else
		timeout $((WRK_D + 60)) wrk -t"$WRK_T" -c"$3" -d"${WRK_D}s" --timeout 5s \
			-s tests/bench/bench_match.lua "http://127.0.0.1:$4" -- "$OUT/bodies.jsonl" "$token" >"$2"
	fi
}

# cpu_of PID...: CPU ticks (user + system) of the processes and their children
# (living ones, and the reaped ones their parents accounted for).
cpu_of() {
	t=0
	for p in "$@"; do
		for q in $p $(pgrep -P "$p" 2>/dev/null || true); do
			[ -r "/proc/$q/stat" ] || continue
			t=$((t + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$q/stat")))
		done
	done
	echo "$t"
}

row() { # LABEL KIND FILE... (with cpu0 and cpu1 set around the run)
	label=$1
	kind=$2
	shift 2
	rps=0
	bad=0
	p99=""
	for f in "$@"; do
		rps=$(awk -v a="$rps" -v b="$(wrkf "$f" rps)" 'BEGIN { printf "%.1f", a + b }')
		bad=$((bad + $(wrkf "$f" non2xx)))
		p99="$p99 $(wrkf "$f" p99)"
	done
	reqs=0
	for f in "$@"; do reqs=$((reqs + $(wrkf "$f" requests))); done
	cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" -v r="$reqs" \
		'BEGIN { printf "%.2f", (r > 0 ? (b - a) * 1000 / hz / r : 0) }')
	printf '%-30s %-6s %8s req/s  CPU %6s ms/req  p99%s ms  non-2xx %s  load %s\n' "$label" \
		"$kind" "$rps" "$cpu" "$p99" "$bad" "$(cut -d' ' -f1 /proc/loadavg)"
}

printf '\n== scale-out, %s vacancies - %s, %s cores (wrk -t%s -c%s -d%ss) ==\n' "$N" \
	"$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" "$WRK_T" "$WRK_C" "$WRK_D"

# One node, then two nodes with the connections split between them.
start one
start two
ready one
ready two
for kind in search match; do
	cpu0=$(cpu_of "$pid_one")
	load "$kind" "$OUT/one-$kind.txt" "$WRK_C" "$port_one"
	cpu1=$(cpu_of "$pid_one")
	row "1 node, one index" "$kind" "$OUT/one-$kind.txt"
	cpu0=$(cpu_of "$pid_one" "$pid_two")
	load "$kind" "$OUT/two-a-$kind.txt" $((WRK_C / 2)) "$port_one" &
	half=$!
	load "$kind" "$OUT/two-b-$kind.txt" $((WRK_C / 2)) "$port_two"
	wait "$half"
	cpu1=$(cpu_of "$pid_one" "$pid_two")
	row "2 nodes, one PostgreSQL" "$kind" "$OUT/two-a-$kind.txt" "$OUT/two-b-$kind.txt"
done
stop one
stop two

# One node, two local shards; then the same shards read through tcpsrv.
start local --shards 2
ready local
for kind in search match; do
	cpu0=$(cpu_of "$pid_local")
	load "$kind" "$OUT/local-$kind.txt" "$WRK_C" "$port_local"
	cpu1=$(cpu_of "$pid_local")
	row "1 node, 2 local shards" "$kind" "$OUT/local-$kind.txt"
done
stop local
p0=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
p1=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$OUT/remote"
cp -R "$OUT/local/index" "$OUT/remote/index"
xapian-tcpsrv --interface 127.0.0.1 --port "$p0" "$OUT/remote/index/shard-0" >"$OUT/tcpsrv0.log" 2>&1 &
tcp0=$!
pids="$pids $!"
xapian-tcpsrv --interface 127.0.0.1 --port "$p1" "$OUT/remote/index/shard-1" >"$OUT/tcpsrv1.log" 2>&1 &
tcp1=$!
pids="$pids $!"
start remote --shards 2 --remote-shard "0=127.0.0.1:$p0" --remote-shard "1=127.0.0.1:$p1"
ready remote
for kind in search match; do
	# The shard servers' CPU counts too (tcpsrv forks one process per connection).
	cpu0=$(cpu_of "$pid_remote" "$tcp0" "$tcp1")
	load "$kind" "$OUT/remote-$kind.txt" "$WRK_C" "$port_remote"
	cpu1=$(cpu_of "$pid_remote" "$tcp0" "$tcp1")
	row "1 node, 2 shards via tcpsrv" "$kind" "$OUT/remote-$kind.txt"
done
stop remote
