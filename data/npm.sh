#!/bin/sh
# npm.sh - installs the npm tools the checks use, at pinned versions, into
# var/npm (gitignored, like the rest of var/): today @redocly/cli, the
# OpenAPI validator tests/unit/openapi.sh runs on docs/openapi.yaml.
# Called by that test only when the pinned version is not installed yet.
# Needs node and npm (data/deps.sh installs Debian's when they are missing)
# and the npm registry; fails loudly, never silently, when either is missing.
# @redocly/cli 2.x declares Node.js >= 20.19 (or >= 22.12).
set -u
cd "$(dirname "$0")/.." || exit 1
REDOCLY_VERSION=2.77.0
prefix=var/npm

installed() {
	[ -f "$prefix/node_modules/@redocly/cli/package.json" ] &&
		grep -q "\"version\": \"$REDOCLY_VERSION\"" "$prefix/node_modules/@redocly/cli/package.json"
}

if [ "${1:-}" = --check ]; then
	installed
	exit
fi
installed && exit 0
for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "fairmatch: $tool is missing; run 'make deps' (as root) first" >&2
		exit 1
	fi
done
mkdir -p "$prefix" || exit 1
echo "fairmatch: installing @redocly/cli@$REDOCLY_VERSION into $prefix" >&2
if ! npm install --prefix "$prefix" --save-exact --no-audit --no-fund --no-update-notifier \
	"@redocly/cli@$REDOCLY_VERSION" >&2; then
	echo "fairmatch: npm could not install @redocly/cli@$REDOCLY_VERSION (is the npm registry reachable?)" >&2
	exit 1
fi
if ! installed; then
	echo "fairmatch: @redocly/cli@$REDOCLY_VERSION is not in $prefix after npm install" >&2
	exit 1
fi
