#!/bin/sh
# npm.sh - installs the npm tools the checks use, at pinned versions, into
# var/npm (gitignored, like the rest of var/): @redocly/cli, the OpenAPI
# validator tests/unit/openapi.sh runs on docs/openapi.yaml, and
# puppeteer-core, which tests/browser/ uses to drive Debian's chromium
# (puppeteer-core never downloads a browser; `puppeteer` would). 24.x is
# the newest line that runs on Node.js 20; 25.x wants >= 22.12.
# Called by those tests only when a pinned version is not installed yet.
# Needs node and npm (data/deps.sh installs Debian's when they are missing)
# and the npm registry; fails loudly, never silently, when either is missing.
# @redocly/cli 2.x declares Node.js >= 20.19 (or >= 22.12).
set -u
cd "$(dirname "$0")/.." || exit 1
REDOCLY_VERSION=2.77.0
PUPPETEER_VERSION=24.43.1
prefix=var/npm

has() {
	[ -f "$prefix/node_modules/$1/package.json" ] &&
		grep -q "\"version\": \"$2\"" "$prefix/node_modules/$1/package.json"
}
installed() {
	has @redocly/cli "$REDOCLY_VERSION" && has puppeteer-core "$PUPPETEER_VERSION"
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
pkgs="@redocly/cli@$REDOCLY_VERSION puppeteer-core@$PUPPETEER_VERSION"
echo "fairmatch: installing $pkgs into $prefix" >&2
# shellcheck disable=SC2086
if ! npm install --prefix "$prefix" --save-exact --no-audit --no-fund --no-update-notifier \
	$pkgs >&2; then
	echo "fairmatch: npm could not install $pkgs (is the npm registry reachable?)" >&2
	exit 1
fi
if ! installed; then
	echo "fairmatch: $pkgs are not all in $prefix after npm install" >&2
	exit 1
fi
