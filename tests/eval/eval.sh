#!/bin/sh
# eval.sh - the quality evaluations (make eval): each prints a markdown table
# that the docs quote. They read ../shared/data where a data set may not be
# shipped; without it they say so and skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
sh data/pgctl.sh start || exit 1
# eval_names compares with the real pg_trgm in this database.
FAIRMATCH_DB=${FAIRMATCH_DB:-$(sh data/pgctl.sh conninfo)}
export FAIRMATCH_DB
status=0
run() {
	name=$1
	shift
	[ -f "tests/eval/$name.c" ] || return 0
	make -s "build/release/tests/$name" || { status=1; return; }
	echo "== $name"
	"build/release/tests/$name" "$@"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 77 ] || status=1
}
run eval_names
run eval_taxonomy
run eval_taxonomy --phrasing
run eval_taxonomy --bare
run eval_taxonomy --nominal
run eval_taxonomy --typed-nouns
run eval_match
run eval_counsellor
exit $status
