#!/bin/sh
# fuzz.sh - runs the libFuzzer targets (build/fuzz/fuzz/fuzz_*, `make fuzz-build`).
#
#   sh tests/fuzz/fuzz.sh SECONDS [TARGET...]     every target when none is named
#
# Each target runs for SECONDS (its start-up, loading the taxonomy, included)
# from the seed corpus tests/fuzz/corpus/<target>/ (plus the JSON test suite for the
# targets that take request bodies), keeping what it learns in
# var/fuzz/<target>/corpus and any crash, leak or timeout input as
# var/fuzz/<target>/crash-* (leak-*, timeout-*, oom-*). Prints one line per
# target and, last, "N passed, N failed" (tests/run.sh reads that line).
# A failure prints the reproducer and the command that replays it.
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-300}
shift 2>/dev/null
targets=$*
if [ -z "$targets" ]; then
	for b in build/fuzz/fuzz/fuzz_*; do
		[ -x "$b" ] && targets="$targets $(basename "$b")"
	done
fi
if [ -z "$targets" ]; then
	echo "fuzz: no targets built (make fuzz-build)"
	echo "0 passed, 1 failed"
	exit 1
fi
# The targets load the taxonomy index like a server; build it here when it
# is missing or stale (tests/run.sh has done so already).
if ! ./fairmatch taxonomy check >/dev/null 2>&1; then
	./fairmatch taxonomy load || { echo "0 passed, 1 failed"; exit 1; }
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# leaks inside third-party libraries only (the file says which and why)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
for t in $targets; do
	bin=build/fuzz/fuzz/$t
	dir=var/fuzz/$t
	mkdir -p "$dir/corpus"
	if [ ! -x "$bin" ]; then
		echo "$t: not built (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	seeds=""
	[ -d "tests/fuzz/corpus/$t" ] && seeds="tests/fuzz/corpus/$t"
	case $t in
	fuzz_search | fuzz_query | fuzz_cursor) ;;
	*) seeds="$seeds tests/data/jsontestsuite" ;;
	esac
	rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* "$dir"/slow-unit-*
	start=$(date +%s)
	# shellcheck disable=SC2086
	nice "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" $seeds >"$dir/log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$dir/log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+' "$dir/log" | tail -n 1)
	repro=$(ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$repro" ]; then
		passed=$((passed + 1))
		echo "$t: ok, ${runs:-?} runs, ${cov:-cov: ?} in ${took}s"
	else
		failed=$((failed + 1))
		echo "$t: FAIL (exit $rc) after ${took}s, ${runs:-?} runs; log $dir/log"
		grep -E 'ERROR: |runtime error|fuzz invariant|SUMMARY' "$dir/log" | head -n 5 | sed 's/^/    /'
		if [ -n "$repro" ]; then
			echo "    reproducer: $repro"
			echo "    replay: $bin $repro"
		fi
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
