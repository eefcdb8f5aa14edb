#!/bin/sh
# run.sh - runs every test program against the project's private PostgreSQL,
# first as built normally, then built with ASan+UBSan (servers started by the
# integration tests are the sanitized binary too). Each program gets a fresh
# database and a fresh directory under var/test. Prints one line per program
# and, last, the total: "N passed, N failed, N skipped". The variant "fuzz"
# runs each libFuzzer target (make fuzz-build) briefly through tests/fuzz/fuzz.sh:
# FAIRMATCH_FUZZ_SECONDS (default 70, at least 60) shared between them, one
# entry per target; a crash is a failure with its reproducer printed.
set -u
cd "$(dirname "$0")/.." || exit 1
# A check written in shell (tests/unit/*.sh): runs it, shows its result and
# failures under LABEL, and adds its counts to passed/failed.
shell_check() {
	label=$1
	script=$2
	log=$3
	sh "$script" >"$log" 2>&1
	line=$(tail -n 1 "$log")
	echo "$label: $line"
	grep "^$(basename "$script" .sh):" "$log" | sed 's/^/    /'
	p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
}
# --unit: only the unit tests (tests/unit/), release build, no PostgreSQL.
if [ "${1:-}" = --unit ]; then
	passed=0
	failed=0
	mkdir -p var/test/unit
	for src in tests/unit/test_*.c; do
		name=$(basename "$src" .c)
		start=$(date +%s)
		FAIRMATCH_TEST_DIR=var/test/unit/$name timeout 300 "build/release/tests/$name" \
			>"var/test/unit/$name.log" 2>&1
		rc=$?
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "var/test/unit/$name.log" | tail -n 1)
		echo "unit $name: ${line:-no result} (exit $rc, $(($(date +%s) - start))s)"
		p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
		f=$(echo "$line" | sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p')
		[ -n "$p" ] || { p=0; f=1; }
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		passed=$((passed + p))
		failed=$((failed + f))
	done
	shell_check "unit layout" tests/unit/layout.sh var/test/unit/layout.log
	shell_check "unit openapi" tests/unit/openapi.sh var/test/unit/openapi.log
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi
sh data/pgctl.sh start || { echo "0 passed, 1 failed"; exit 1; }
rm -rf var/test
mkdir -p var/test/claims var/test/results
# Servers load the taxonomy index at start; build it once here (1-2 minutes
# on a fresh checkout) so no test server waits for it. A copy from another
# version of the code or of data/esco is rebuilt too (taxonomy check).
if ! ./fairmatch taxonomy check >/dev/null 2>&1; then
	./fairmatch taxonomy load || { echo "0 passed, 1 failed"; exit 1; }
fi
passed=0
failed=0
skipped=0
variants=${FAIRMATCH_TEST_VARIANTS:-release asan fuzz}
# A test may leave a costly sweep to one variant when the run has both
# (test_hostile: docs/testing.md); it reads the run's variants here.
export FAIRMATCH_VARIANTS="$variants"
# Test programs run FAIRMATCH_TEST_JOBS at a time (default: the number of
# cores, at most 4; 1 runs them one after the other). They are isolated:
# each has its own database, directory and servers on ports of their own, and
# a test that stops or restarts PostgreSQL (its source calls data/pgctl.sh)
# gets a private cluster under var/test/pg-N (FAIRMATCH_PG_DIR), so the
# tests beside it never see the outage. docs/testing.md says more.
jobs=${FAIRMATCH_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in '' | *[!0-9]*) jobs=1 ;; esac
[ "$jobs" -ge 1 ] || jobs=1
[ "$jobs" -le 4 ] || jobs=4
# The architecture's rules (tests/unit/layout.sh), and docs/openapi.yaml
# against the route tables with its lint (tests/unit/openapi.sh): once each,
# whatever the variants (seconds, no PostgreSQL).
if [ -z "${FAIRMATCH_TESTS:-}" ] || echo " $FAIRMATCH_TESTS " | grep -q " layout "; then
	shell_check layout tests/unit/layout.sh var/test/layout.log
fi
shell_check openapi tests/unit/openapi.sh var/test/openapi.log
fuzz_total=${FAIRMATCH_FUZZ_SECONDS:-70}
[ "$fuzz_total" -ge 60 ] 2>/dev/null || fuzz_total=60
fuzz_n=$(ls build/fuzz/fuzz/fuzz_* 2>/dev/null | wc -l)
fuzz_each=$(((fuzz_total + (fuzz_n > 0 ? fuzz_n : 1) - 1) / (fuzz_n > 0 ? fuzz_n : 1)))
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
# leaks inside third-party libraries only (tests/lsan.supp says which and why)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}

# The list of jobs, one "VARIANT PATH" a line, longest first as far as known
# (var/test-times keeps each job's seconds from the last full run). Jobs it
# does not know (a fresh checkout, a new test) go first, the ASan programs
# before the fuzz targets before the rest, so that no long job starts last
# while the other lanes stand idle.
selected() {
	[ -z "${FAIRMATCH_TESTS:-}" ] || echo " $FAIRMATCH_TESTS " | grep -q " $1 "
}
rank=0
: >var/test/jobs.ranked
for variant in $variants; do
	if [ "$variant" = fuzz ] && [ "$fuzz_n" -eq 0 ]; then
		echo "fuzz: no fuzz targets built (make fuzz-build)"
		failed=$((failed + 1))
	fi
	for t in build/$variant/tests/test_* build/$variant/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		case "$t" in *.o | *.d) continue ;; esac
		name=$(basename "$t")
		selected "$name" || continue
		# test_scaleout runs in the release variant only: it starts two
		# PostgreSQL clusters, four servers and two xapian-tcpsrv and builds
		# four indexes, a minute or more; sanitised, several, for code that
		# the other sanitised tests already cover but for the shard wrapper.
		[ "$name" = test_scaleout ] && [ "$variant" != release ] && continue
		rank=$((rank + 1))
		case $variant in asan) guess=3000000 ;; fuzz) guess=2000000 ;; *) guess=1000000 ;; esac
		secs=$(awk -v k="$variant $name" '$1 " " $2 == k { s = $3 } END { print s + 0 }' \
			var/test-times 2>/dev/null)
		[ "${secs:-0}" -gt 0 ] && guess=$secs
		echo "$guess $rank $variant $t" >>var/test/jobs.ranked
	done
done
sort -k1,1nr -k2,2n var/test/jobs.ranked | cut -d' ' -f3- >var/test/jobs
# The web console in Debian's chromium (tests/browser/browser.sh): once, with
# ./fairmatch, whatever the variants; a job like the others.
if selected browser; then
	echo "once browser" >>var/test/jobs
fi

# The CPU time (user + system, in tenths of a second) of everything this lane
# has run and waited for so far: a job's is the difference, printed beside its
# wall time, so a job that mostly waits shows (docs/testing.md).
# `times` must run in the lane's own shell (not in a $(...) subshell), so
# cpu_mark writes it down and lane_cpu reads it.
cpu_mark() {
	times >"var/test/results/lane-$lane_id.times"
}
lane_cpu() {
	awk 'NR == 2 {
		split($1, u, "m"); split($2, s, "m")
		printf "%d\n", (u[1] * 60 + substr(u[2], 1, length(u[2]) - 1) + \
			s[1] * 60 + substr(s[2], 1, length(s[2]) - 1)) * 10
	}' "var/test/results/lane-$lane_id.times"
}

# Runs one job: its report (one line, and its failures) goes to
# var/test/results/N.out, its counts "passed failed skipped" to N.n.
run_job() {
	n=$1
	variant=$2
	t=$3
	name=$(basename "$t")
	out=var/test/results/$n.out
	start=$(date +%s)
	cpu_mark
	cpu0=$(lane_cpu)
	if [ "$variant" = once ]; then
		sh tests/browser/browser.sh >var/test/browser.log 2>&1
		line=$(tail -n 1 var/test/browser.log)
		p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
		f=$(echo "$line" | sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p')
		cpu_mark
		cpu=$(($(lane_cpu) - cpu0))
		{
			echo "browser: $line ($(($(date +%s) - start))s, cpu $((cpu / 10)).$((cpu % 10))s)"
			grep "^browser:" var/test/browser.log | sed 's/^/    /'
		} >"$out"
		echo "${p:-0} ${f:-1} 0" >var/test/results/$n.n
		return
	fi
	db=$(echo "fmt_${name#test_}_$variant" | tr -c 'a-z0-9_\n' '_')
	dir=var/test/$variant/$name
	mkdir -p "$dir"
	pgdir=""
	case $name in
	fuzz_*)
		# No database: the targets call the decoders directly.
		db=""
		timeout $((fuzz_each + 300)) sh tests/fuzz/fuzz.sh "$fuzz_each" "$name" >"$dir/log" 2>&1
		rc=$?
		;;
	*)
		src=$(ls tests/*/"$name.c" 2>/dev/null | head -n 1)
		if [ -n "$src" ] && grep -q 'data/pgctl\.sh' "$src"; then
			pgdir=$(pwd)/var/test/pg-$n
			FAIRMATCH_PG_DIR=$pgdir sh data/pgctl.sh start >"$dir/pg.log" 2>&1 || {
				echo "$variant $name: cannot start its PostgreSQL cluster ($dir/pg.log)" >"$out"
				echo "0 1 0" >var/test/results/$n.n
				return
			}
		fi
		if ! FAIRMATCH_PG_DIR=${pgdir:-${FAIRMATCH_PG_DIR:-}} sh data/pgctl.sh createdb "$db" \
			>/dev/null 2>&1; then
			echo "$variant $name: cannot create database $db" >"$out"
			echo "0 1 0" >var/test/results/$n.n
			[ -z "$pgdir" ] || FAIRMATCH_PG_DIR=$pgdir sh data/pgctl.sh stop >/dev/null 2>&1
			return
		fi
		(
			[ -z "$pgdir" ] || export FAIRMATCH_PG_DIR="$pgdir"
			FAIRMATCH_DB=$(sh data/pgctl.sh conninfo "$db") \
				FAIRMATCH_BIN=build/$variant/fairmatch \
				FAIRMATCH_TEST_DIR=$dir \
				FAIRMATCH_INDEX=$dir/default-index \
				FAIRMATCH_VARIANT=$variant \
				exec timeout 900 "$t"
		) >"$dir/log" 2>&1
		rc=$?
		;;
	esac
	secs=$(($(date +%s) - start))
	cpu_mark
	cpu=$(($(lane_cpu) - cpu0))
	cpu="$((cpu / 10)).$((cpu % 10))"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/log" | tail -n 1)
	if [ -z "$line" ]; then
		{
			echo "$variant $name: no result (exit $rc) after ${secs}s (cpu ${cpu}s)"
			tail -n 30 "$dir/log" | sed 's/^/    /'
		} >"$out"
		echo "0 1 0" >var/test/results/$n.n
	else
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
		[ -n "$s" ] || s=0
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			# Passed its cases but died afterwards (a leak report, a crash at exit).
			f=1
			line="$line (but exit $rc)"
		fi
		{
			echo "$variant $name: $line (${secs}s, cpu ${cpu}s)"
			if [ "$f" -ne 0 ]; then
				grep -E 'FAIL|ERROR|runtime error|Sanitizer|reproducer|replay' "$dir/log" |
					head -n 40 | sed 's/^/    /'
			fi
		} >"$out"
		echo "$p $f $s" >var/test/results/$n.n
		echo "$variant $name $secs $cpu" >var/test/results/$n.time
	fi
	if [ -n "$pgdir" ]; then
		FAIRMATCH_PG_DIR=$pgdir sh data/pgctl.sh stop >/dev/null 2>&1
		# As root with ./var closed to the server user, pgctl.sh keeps the
		# cluster under /var/tmp/fairmatch-* and links it here.
		case $(readlink "$pgdir/pg" 2>/dev/null) in
		/var/tmp/fairmatch-*/pg) rm -rf "$(dirname "$(readlink "$pgdir/pg")")" ;;
		esac
		rm -rf "$pgdir"
	elif [ -n "$db" ]; then
		sh data/pgctl.sh dropdb "$db" >/dev/null 2>&1
	fi
}

# A lane takes the next job nobody has claimed (mkdir is atomic), runs it
# and prints its report whole (one lane at a time, under a lock).
lane() {
	lane_id=$1
	n=0
	while read -r variant t; do
		n=$((n + 1))
		mkdir "var/test/claims/$n" 2>/dev/null || continue
		run_job "$n" "$variant" "$t" </dev/null
		until mkdir var/test/claims/print 2>/dev/null; do sleep 0.1; done
		cat "var/test/results/$n.out"
		rmdir var/test/claims/print
	done <var/test/jobs
}
i=0
pids=""
while [ "$i" -lt "$jobs" ]; do
	lane "$i" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $pids
for c in var/test/results/*.n; do
	[ -f "$c" ] || continue
	read -r p f s <"$c"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
# Every job that started reported; one that did not (a killed lane) fails.
claimed=$(ls var/test/claims | grep -c '^[0-9]')
reported=$(ls var/test/results | grep -c '\.n$')
if [ "$claimed" -ne "$reported" ] || [ "$claimed" -ne "$(wc -l <var/test/jobs)" ]; then
	echo "run.sh: $(wc -l <var/test/jobs) jobs, $claimed started, $reported reported"
	failed=$((failed + 1))
fi
if [ -z "${FAIRMATCH_TESTS:-}" ]; then
	cat var/test/results/*.time >var/test-times 2>/dev/null
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
