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
mkdir -p var/test
# Servers load the taxonomy index at start; build it once here (2-3 minutes
# on a fresh checkout) so no test server waits for it.
if [ ! -d var/taxonomy ]; then
	./fairmatch taxonomy load || { echo "0 passed, 1 failed"; exit 1; }
fi
passed=0
failed=0
skipped=0
variants=${FAIRMATCH_TEST_VARIANTS:-release asan fuzz}
# The architecture's rules (tests/unit/layout.sh), and docs/openapi.yaml
# against the route tables with its lint (tests/unit/openapi.sh): once each,
# whatever the variants (seconds, no PostgreSQL).
if [ -z "${FAIRMATCH_TESTS:-}" ] || echo " $FAIRMATCH_TESTS " | grep -q " layout "; then
	shell_check layout tests/unit/layout.sh var/test/layout.log
fi
shell_check openapi tests/unit/openapi.sh var/test/openapi.log
# The web console in Debian's chromium through puppeteer-core
# (tests/browser/browser.sh): once, with ./fairmatch, whatever the variants.
if [ -z "${FAIRMATCH_TESTS:-}" ] || echo " $FAIRMATCH_TESTS " | grep -q " browser "; then
	shell_check browser tests/browser/browser.sh var/test/browser.log
fi
fuzz_total=${FAIRMATCH_FUZZ_SECONDS:-70}
[ "$fuzz_total" -ge 60 ] 2>/dev/null || fuzz_total=60
fuzz_n=$(ls build/fuzz/fuzz/fuzz_* 2>/dev/null | wc -l)
fuzz_each=$(((fuzz_total + (fuzz_n > 0 ? fuzz_n : 1) - 1) / (fuzz_n > 0 ? fuzz_n : 1)))
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}
for variant in $variants; do
	if [ "$variant" = fuzz ] && [ "$fuzz_n" -eq 0 ]; then
		echo "fuzz: no fuzz targets built (make fuzz-build)"
		failed=$((failed + 1))
	fi
	for t in build/$variant/tests/test_* build/$variant/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		case "$t" in *.o | *.d) continue ;; esac
		name=$(basename "$t")
		[ -n "${FAIRMATCH_TESTS:-}" ] && ! echo " $FAIRMATCH_TESTS " | grep -q " $name " && continue
		# test_scaleout runs in the release variant only: it starts two
		# PostgreSQL clusters, four servers and two xapian-tcpsrv and builds
		# four indexes, a minute or more; sanitised, several, for code that
		# the other sanitised tests already cover but for the shard wrapper.
		[ "$name" = test_scaleout ] && [ "$variant" != release ] && continue
		db=$(echo "fmt_${name#test_}_$variant" | tr -c 'a-z0-9_\n' '_')
		dir=var/test/$variant/$name
		mkdir -p "$dir"
		start=$(date +%s)
		case $name in
		fuzz_*)
			# No database: the targets call the decoders directly.
			db=""
			timeout $((fuzz_each + 300)) sh tests/fuzz/fuzz.sh "$fuzz_each" "$name" >"$dir/log" 2>&1
			rc=$?
			;;
		*)
			sh data/pgctl.sh createdb "$db" >/dev/null 2>&1 || {
				echo "$variant $name: cannot create database $db"
				failed=$((failed + 1))
				continue
			}
			FAIRMATCH_DB=$(sh data/pgctl.sh conninfo "$db") \
				FAIRMATCH_BIN=build/$variant/fairmatch \
				FAIRMATCH_TEST_DIR=$dir \
				FAIRMATCH_INDEX=$dir/default-index \
				FAIRMATCH_VARIANT=$variant \
				timeout 900 "$t" >"$dir/log" 2>&1
			rc=$?
			;;
		esac
		secs=$(($(date +%s) - start))
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/log" | tail -n 1)
		if [ -z "$line" ]; then
			echo "$variant $name: no result (exit $rc) after ${secs}s"
			tail -n 30 "$dir/log" | sed 's/^/    /'
			failed=$((failed + 1))
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
			passed=$((passed + p))
			failed=$((failed + f))
			skipped=$((skipped + s))
			echo "$variant $name: $line (${secs}s)"
			if [ "$f" -ne 0 ]; then
				grep -E 'FAIL|ERROR|runtime error|Sanitizer|reproducer|replay' "$dir/log" | head -n 40 | sed 's/^/    /'
			fi
		fi
		[ -z "$db" ] || sh data/pgctl.sh dropdb "$db" >/dev/null 2>&1
	done
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
