#!/bin/sh
# Installs the Debian packages fairmatch needs to build and test, when they are
# missing. As root it runs apt-get (one update, then install -y); otherwise it
# prints the exact command and fails, so nothing half-works.
# clang and libclang-rt-14-dev (the libFuzzer and sanitizer runtimes of
# Debian's clang 14) build the fuzz targets of `make fuzz` / `make check`.
# libyaml-dev turns docs/openapi.yaml into the JSON the server serves (a build
# tool, data/yaml2json.c); chromium is the headless browser that the console's
# tests (tests/browser/) drive through puppeteer-core: never a downloaded one.
# xapian-tools has xapian-tcpsrv, the remote index shards of the scale-out
# test (tests/integration/test_scaleout.c, docs/deployment.md).
# libpsl-dev: the Public Suffix List, to read a recruiter's name written as
# a web address (engine/integrity/names_host.c).
set -u
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in build-essential pkg-config libxapian-dev libmicrohttpd-dev libjansson-dev libpq-dev \
	 nettle-dev zlib1g-dev libzstd-dev libicu-dev libpsl-dev libcurl4-openssl-dev postgresql postgresql-contrib curl wrk \
	 clang libclang-rt-14-dev libyaml-dev chromium xapian-tools; do
	have_pkg "$p" || need="$need $p"
done
# node and npm run the OpenAPI lint (data/npm.sh, tests/unit/openapi.sh).
# By command, not package: a machine may have Node.js from elsewhere (with
# npm inside), which Debian's npm package would conflict with.
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "fairmatch: missing Debian packages:$need" >&2
	echo "run as root:  apt-get update && apt-get install -y$need" >&2
	exit 1
fi
echo "fairmatch: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq $need >&2 || exit 1
