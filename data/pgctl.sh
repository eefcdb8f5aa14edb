#!/bin/sh
# pgctl.sh - the project's private PostgreSQL cluster under ./var/pg.
#
#   sh data/pgctl.sh start|stop|status|conninfo|psql [args]|createdb NAME|dropdb NAME
#
# The cluster listens only on a unix socket in ./var/run (no TCP unless
# FAIRMATCH_PG_TCP=1, then on 127.0.0.1). PostgreSQL refuses to run as root,
# so as root the cluster runs as the unprivileged user "fairmatch", created on
# first use. Local socket connections are trusted: the socket directory is the
# access control (mode 0770), fine for a development and test cluster and
# never for production. Starting twice is harmless; a stale pid file left by a
# killed server does not block a start (PostgreSQL checks the pid itself).
# FAIRMATCH_PG_DIR puts a cluster of its own (pg, run, log) in that directory
# instead of ./var: tests/run.sh gives one to each test that stops or restarts
# PostgreSQL, so the tests running beside it keep theirs.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
PGUSER_OS=fairmatch
PGPORT=${FAIRMATCH_PGPORT:-5432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pgctl: no PostgreSQL server found (run: sh data/deps.sh)" >&2; exit 1; }
var=${FAIRMATCH_PG_DIR:-$top/var}
data=$var/pg
run=$var/run
log=$var/log/postgresql.log

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi
}

prepare() {
	mkdir -p "$var/log" "$run"
	if [ "$(id -u)" -eq 0 ]; then
		id "$PGUSER_OS" >/dev/null 2>&1 ||
			useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"
		# The server user must reach ./var: when it or a parent directory is
		# closed to it (a checkout under /root; ./var made 0700 by a unit test
		# run before the cluster), keep the cluster and its log in a directory
		# of its own under /var/tmp and link them into ./var.
		if ! runuser -u "$PGUSER_OS" -- test -x "$var"; then
			key=$(printf '%s' "${FAIRMATCH_PG_DIR:-$top}" | cksum | cut -d' ' -f1)
			alt=/var/tmp/fairmatch-$key
			mkdir -p "$alt/pg" "$alt/run"
			chown "$PGUSER_OS" "$alt" "$alt/pg" "$alt/run"
			chmod 0711 "$alt"
			[ -L "$data" ] || { rm -rf "$data"; ln -s "$alt/pg" "$data"; }
			[ -L "$run" ] || { rm -rf "$run"; ln -s "$alt/run" "$run"; }
			# The server writes its log itself: there too, linked back.
			[ -L "$log" ] || { rm -f "$log"; ln -s "$alt/postgresql.log" "$log"; }
			data=$alt/pg
			run=$alt/run
			log=$alt/postgresql.log
		fi
		mkdir -p "$data"
		chown "$PGUSER_OS" "$data" "$run"
		touch "$log"
		chown "$PGUSER_OS" "$log"
	else
		mkdir -p "$data"
	fi
	chmod 0700 "$data"
	chmod 0770 "$run"
}

socket_dir() {
	if [ -L "$run" ]; then readlink "$run"; else echo "$run"; fi
}

# The cluster's directory as the server user reaches it (not through ./var,
# which may be closed to it: prepare).
cluster_dir() {
	if [ -L "$data" ]; then readlink "$data"; else echo "$data"; fi
}

initialise() {
	[ -f "$data/PG_VERSION" ] && return 0
	as_owner "$bindir/initdb" -D "$data" -U fairmatch --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$var/log/initdb.log" 2>&1 || {
		cat "$var/log/initdb.log" >&2
		exit 1
	}
	listen="''"
	[ "${FAIRMATCH_PG_TCP:-0}" = 1 ] && listen="'127.0.0.1'"
	cat >>"$data/postgresql.conf" <<CONF
# fairmatch private cluster
listen_addresses = $listen
port = $PGPORT
unix_socket_directories = '$(socket_dir)'
unix_socket_permissions = 0770
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
wal_level = minimal
max_wal_senders = 0
max_wal_size = 2GB
logging_collector = off
CONF
}

# Settings added after a cluster was first made are appended on start, so an
# existing ./var/pg gets them too.
settle() {
	grep -q '^log_error_verbosity' "$data/postgresql.conf" && return 0
	cat >>"$data/postgresql.conf" <<CONF
# privacy (docs/privacy.md): errors are logged without DETAIL, HINT, QUERY or
# CONTEXT lines, which can quote the values of a failing row
log_error_verbosity = terse
CONF
}

running() {
	as_owner "$bindir/pg_ctl" -D "$(cluster_dir)" status >/dev/null 2>&1
}

conninfo() {
	echo "host=$(socket_dir) port=$PGPORT user=fairmatch dbname=${1:-fairmatch}"
}

psql_() {
	"$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

case "${1:-}" in
start)
	prepare
	initialise
	settle
	if running; then exit 0; fi
	as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null || {
		tail -n 20 "$log" >&2
		exit 1
	}
	psql_ "$(conninfo postgres)" -tAc "SELECT 1 FROM pg_database WHERE datname='fairmatch'" |
		grep -q 1 || psql_ "$(conninfo postgres)" -c "CREATE DATABASE fairmatch"
	;;
stop)
	[ -f "$data/PG_VERSION" ] || exit 0
	running || exit 0
	as_owner "$bindir/pg_ctl" -D "$(cluster_dir)" -m fast -w stop >/dev/null
	;;
restart)
	sh "$0" stop
	sh "$0" start
	;;
status)
	running && echo running || { echo stopped; exit 3; }
	;;
conninfo)
	conninfo "${2:-fairmatch}"
	;;
psql)
	shift
	db=${1:-fairmatch}
	[ $# -gt 0 ] && shift
	psql_ "$(conninfo "$db")" "$@"
	;;
createdb)
	psql_ "$(conninfo postgres)" -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)" -c "CREATE DATABASE \"$2\""
	;;
dropdb)
	psql_ "$(conninfo postgres)" -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)"
	;;
*)
	echo "usage: sh data/pgctl.sh start|stop|restart|status|conninfo [DB]|psql [DB] [args]|createdb DB|dropdb DB" >&2
	exit 2
	;;
esac
