#!/bin/sh
# openapi.sh - docs/openapi.yaml and the server agree. Prints one line per
# failure and, last, "N passed, N failed".
#   1. every route of the server (the `.method = "GET", .pattern = "/v1/..."`
#      rows of the route tables in api/*.c and api/v1/*.c) is a path and
#      operation of docs/openapi.yaml;
#   2. every path and operation of docs/openapi.yaml is a route of the server;
#   3. @redocly/cli (pinned in data/npm.sh, installed into var/npm on first
#      use) lints the file with no error;
#   4. the JSON the server embeds and serves at GET /v1/openapi.json
#      (build/release/gen/openapi.json, made by data/yaml2json.c) is the
#      YAML as @redocly/cli reads it: same values, same types. (The browser
#      test, tests/browser/, compares what a running server serves.)
#   5. every operation documents the statuses the server's conventions give
#      it: 400 (every route refuses an unknown query parameter), 401 when it
#      needs a token, 403 when only some roles may call it, 415 when it takes
#      a body, and every status its own description names in backquotes
#      (review 12: /v1/stats listed only 200, /v1/match not its `409`).
# Path parameters are compared by position only ({id} and {x} are the same).
# The YAML is read without a YAML library, so the file keeps one layout:
# `paths:` at the top level, each path at two spaces, each operation at four.
set -u
cd "$(dirname "$0")/../.." || exit 1
passed=0
failed=0
fail() {
	echo "openapi: $*"
	failed=$((failed + 1))
}
spec=docs/openapi.yaml
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---- the server's routes ----
sources=$(ls api/*.c api/v1/*.c)
# Rows may be wrapped: read each file as one line.
for f in $sources; do
	tr '\n\t' '  ' <"$f" | grep -o '\.method *= *"[A-Z]*" *, *\.pattern *= *"[^"]*"'
done | sed -E 's/^[^"]*"([A-Z]+)"[^"]*"([^"]*)"$/\1 \2/' >"$tmp/rows"
rows=$(cat $sources | grep -o '\.method *=' | wc -l)
if [ "$(wc -l <"$tmp/rows")" -ne "$rows" ] || [ "$rows" -eq 0 ]; then
	fail "read $(wc -l <"$tmp/rows") routes but api/ has $rows '.method =' rows: a row the test cannot read"
fi
sed -E 's/\{[^}]*\}/{}/g' "$tmp/rows" | sort -u >"$tmp/routes"

# ---- the file's operations ----
if [ ! -f "$spec" ]; then
	fail "$spec is missing"
	: >"$tmp/ops"
else
	awk -v out="$tmp/bad" '
	/^[^ #]/ { inpaths = ($0 ~ /^paths:[ \t]*$/); next }
	!inpaths { next }
	/^  [^ #]/ {
		p = $0
		sub(/^  /, "", p)
		sub(/:[ \t]*$/, "", p)
		gsub(/["\047]/, "", p)
		if (p !~ /^\//) print "line " NR ": not a path at two spaces under paths: " $0 >out
		path = p
		next
	}
	/^    (get|put|post|delete|patch|head|options|trace):/ {
		m = $1
		sub(/:.*/, "", m)
		print toupper(m) " " path
	}' "$spec" | sed -E 's/\{[^}]*\}/{}/g' | sort -u >"$tmp/ops"
	[ -s "$tmp/bad" ] && while read -r l; do fail "$spec $l"; done <"$tmp/bad"
	[ -s "$tmp/ops" ] || fail "$spec has no operation under paths:"
fi

# 1. every route is in the file
before=$failed
comm -23 "$tmp/routes" "$tmp/ops" >"$tmp/missing"
while read -r l; do fail "route $l is not in $spec"; done <"$tmp/missing"
[ $failed -eq $before ] && passed=$((passed + 1))

# 2. every operation of the file is a route
before=$failed
comm -13 "$tmp/routes" "$tmp/ops" >"$tmp/extra"
while read -r l; do fail "$spec has $l, which the server does not serve"; done <"$tmp/extra"
[ $failed -eq $before ] && passed=$((passed + 1))

# 3. a real validator
before=$failed
if ! sh data/npm.sh --check; then
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		fail "node or npm is missing: run 'make deps' (as root)"
	elif ! sh data/npm.sh >"$tmp/npm.log" 2>&1; then
		sed 's/^/    /' "$tmp/npm.log" | tail -n 20
		fail "cannot install @redocly/cli (data/npm.sh; is the npm registry reachable?)"
	fi
fi
if [ $failed -eq $before ]; then
	start=$(date +%s)
	# No telemetry, no version check: the lint needs no network.
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
		timeout 120 var/npm/node_modules/.bin/redocly lint --format=stylish "$spec" \
		>"$tmp/lint.log" 2>&1
	rc=$?
	grep -E '^ +[0-9]+:[0-9]+ +(error|warning) ' "$tmp/lint.log" | sed 's/^ */    lint: /'
	if [ "$rc" -ne 0 ]; then
		grep -qE ' error ' "$tmp/lint.log" || tail -n 20 "$tmp/lint.log" | sed 's/^/    /'
		fail "@redocly/cli lint $spec failed (exit $rc)"
	fi
	echo "    lint took $(($(date +%s) - start))s"
fi
[ $failed -eq $before ] && passed=$((passed + 1))

# 4. the served JSON is the YAML
before=$failed
json=build/release/gen/openapi.json
if [ ! -f "$json" ]; then
	fail "$json is missing: run 'make' first (it is what GET /v1/openapi.json serves)"
elif [ "$spec" -nt "$json" ]; then
	fail "$json is older than $spec: run 'make' (the server would serve a stale description)"
elif [ -x var/npm/node_modules/.bin/redocly ]; then
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
		timeout 120 var/npm/node_modules/.bin/redocly bundle "$spec" --ext json -o "$tmp/redocly.json" \
		>"$tmp/bundle.log" 2>&1 || fail "@redocly/cli bundle $spec failed: $(tail -n 3 "$tmp/bundle.log")"
	[ $failed -eq $before ] && node -e '
		const fs = require("fs");
		const a = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
		const b = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
		const diff = (x, y, p) => {
			if (x === y) return null;
			if (typeof x !== typeof y || x === null || y === null || typeof x !== "object" ||
			    Array.isArray(x) !== Array.isArray(y)) return p || "/";
			for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
				const d = diff(x[k], y[k], p + "/" + k);
				if (d) return d;
			}
			return null;
		};
		const d = diff(a, b, "");
		if (d) { console.log("first difference at " + d); process.exit(1); }
	' "$json" "$tmp/redocly.json" >"$tmp/diff.log" 2>&1 ||
		fail "$json differs from $spec as @redocly/cli reads it: $(head -c 300 "$tmp/diff.log")"
fi
[ $failed -eq $before ] && passed=$((passed + 1))

# 5. the statuses every operation answers are documented
before=$failed
if [ -x var/npm/node_modules/.bin/redocly ]; then
	[ -s "$tmp/redocly.json" ] ||
		REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
			timeout 120 var/npm/node_modules/.bin/redocly bundle "$spec" --ext json \
			-o "$tmp/redocly.json" >"$tmp/bundle.log" 2>&1
	node -e '
		const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const all = ["counsellor", "employer", "regulator", "admin"];
		for (const [p, ops] of Object.entries(doc.paths || {})) {
			for (const [m, op] of Object.entries(ops)) {
				if (!["get", "put", "post", "patch", "delete"].includes(m)) continue;
				const has = new Set(Object.keys(op.responses || {}));
				const need = new Map([["400", "every route refuses an unknown query parameter"]]);
				const sec = op.security !== undefined ? op.security : doc.security || [];
				if (sec.length) {
					need.set("401", "it needs a token");
					const roles = sec.flatMap((s) => s.bearerAuth || []);
					if (roles.length && !all.every((r) => roles.includes(r)))
						need.set("403", "only " + roles.join(", ") + " may call it");
				}
				if (op.requestBody) need.set("415", "it takes a JSON body");
				for (const x of (op.description || "").matchAll(/`([1-5][0-9][0-9])`/g))
					need.set(x[1], "its description names it");
				for (const [st, why] of need)
					if (!has.has(st)) console.log(m.toUpperCase() + " " + p + " does not document " + st + " (" + why + ")");
			}
		}
	' "$tmp/redocly.json" >"$tmp/statuses.log" 2>&1 || fail "cannot read $tmp/redocly.json: $(head -c 300 "$tmp/statuses.log")"
	while read -r l; do fail "$spec: $l"; done <"$tmp/statuses.log"
fi
[ $failed -eq $before ] && passed=$((passed + 1))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
