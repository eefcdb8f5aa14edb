#!/bin/sh
# browser.sh - the web console in a real headless browser: Debian's
# chromium driven by puppeteer-core (pinned in data/npm.sh, installed into
# var/npm on first use; it never downloads a browser) against a real
# `fairmatch serve` with its own database and index. The cases are
# tests/browser/console.mjs; screenshots go to var/test/browser/.
# Prints one line per failure ("browser: ...") and, last,
# "N passed, N failed". Needs the private PostgreSQL running
# (tests/run.sh starts it) and a built ./fairmatch.
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=${FAIRMATCH_BROWSER_DIR:-var/test/browser}
bin=${FAIRMATCH_BIN:-./fairmatch}
db=fmt_browser
chromium=${FAIRMATCH_CHROMIUM:-/usr/bin/chromium}
fail() {
	echo "browser: $*"
	echo "0 passed, 1 failed"
	exit 1
}
[ -x "$chromium" ] || fail "$chromium is missing: run 'make deps' (as root) to install Debian's chromium"
command -v node >/dev/null 2>&1 || fail "node is missing: run 'make deps' (as root)"
if ! sh data/npm.sh --check; then
	sh data/npm.sh >/dev/null 2>&1 || fail "cannot install puppeteer-core (data/npm.sh; is the npm registry reachable?)"
fi
rm -rf "$dir"
mkdir -p "$dir" || fail "cannot make $dir"
sh data/pgctl.sh dropdb "$db" >/dev/null 2>&1
sh data/pgctl.sh createdb "$db" >/dev/null 2>&1 || fail "cannot create database $db (is PostgreSQL running?)"
FAIRMATCH_DB=$(sh data/pgctl.sh conninfo "$db")
export FAIRMATCH_DB
"$bin" migrate >"$dir/migrate.log" 2>&1 || fail "migrate failed: $(tail -n 3 "$dir/migrate.log")"
for role in counsellor employer regulator admin; do
	"$bin" keys create --role "$role" --org "browser-$role" >"$dir/$role.token" 2>>"$dir/keys.log" ||
		fail "keys create --role $role failed"
done
"$bin" serve --listen 127.0.0.1:0 --port-file "$dir/port" --index "$dir/index" \
	>"$dir/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; sh data/pgctl.sh dropdb "$db" >/dev/null 2>&1' EXIT
i=0
while [ ! -s "$dir/port" ]; do
	i=$((i + 1))
	kill -0 "$pid" 2>/dev/null || fail "the server stopped: $(tail -n 3 "$dir/server.log")"
	[ $i -le 1200 ] || fail "the server did not listen within 120 s"
	sleep 0.1
done
# The OpenAPI description as @redocly/cli reads docs/openapi.yaml, which the
# test compares with what the server serves.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
	var/npm/node_modules/.bin/redocly bundle docs/openapi.yaml --ext json -o "$dir/openapi.redocly.json" \
	>"$dir/redocly.log" 2>&1 || fail "redocly bundle failed: $(tail -n 3 "$dir/redocly.log")"
FAIRMATCH_URL="http://127.0.0.1:$(cat "$dir/port")" \
	FAIRMATCH_BROWSER_DIR="$dir" \
	FAIRMATCH_CHROMIUM="$chromium" \
	NODE_PATH="$PWD/var/npm/node_modules" \
	timeout 240 node tests/browser/console.mjs 2>"$dir/node.log"
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
	echo "browser: the driver died (exit $rc): $(tail -n 5 "$dir/node.log" | tr '\n' ' ')"
	echo "0 passed, 1 failed"
	exit 1
fi
exit $rc
