#!/bin/sh
# cluster.sh - a PostgreSQL primary and its streaming replica for the
# scale-out test (tests/integration/test_scaleout.c, `make scaleout`), on
# unix sockets only, under DIR:
#
#   sh tests/scaleout/cluster.sh DIR start|stop|pause|resume|primary|replica
#
# start   initdb a primary (wal_level replica), start it, pg_basebackup -R a
#         replica from it and start that: each with its socket in DIR/run-*.
# stop    stops both (fast); harmless when they are not running.
# pause / resume  pauses / resumes the replica's WAL replay (a lagging replica).
# primary / replica  print the conninfo of the database "fairmatch" on each.
#
# Like data/pgctl.sh, as root the clusters run as the unprivileged user
# "fairmatch" (PostgreSQL refuses root), and when DIR's parents are closed to
# that user the clusters live under /var/tmp with a link from DIR.
set -eu
[ $# -ge 2 ] || { echo "usage: cluster.sh DIR start|stop|pause|resume|primary|replica" >&2; exit 2; }
mkdir -p "$1"
dir=$(cd "$1" && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "cluster.sh: no PostgreSQL server found (run: sh data/deps.sh)" >&2; exit 1; }
OS_USER=fairmatch
PPORT=5433
RPORT=5434

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}

# The real directory of the clusters (DIR itself, or its /var/tmp stand-in).
home() {
	if [ -L "$dir/pg" ]; then readlink "$dir/pg"; else echo "$dir/pg"; fi
}

conninfo() { # conninfo primary|replica
	h=$(home)
	if [ "$1" = primary ]; then
		echo "host=$h/run-primary port=$PPORT user=fairmatch dbname=fairmatch"
	else
		echo "host=$h/run-replica port=$RPORT user=fairmatch dbname=fairmatch"
	fi
}

psql_() {
	"$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

start() {
	if [ "$(id -u)" -eq 0 ]; then
		id "$OS_USER" >/dev/null 2>&1 ||
			useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
		if ! runuser -u "$OS_USER" -- test -x "$dir"; then
			alt=/var/tmp/fairmatch-scaleout-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
			rm -rf "$alt" "$dir/pg"
			mkdir -p "$alt"
			ln -s "$alt" "$dir/pg"
		else
			mkdir -p "$dir/pg"
		fi
		chown "$OS_USER" "$(home)"
	else
		mkdir -p "$dir/pg"
	fi
	h=$(home)
	as_owner mkdir -p "$h/run-primary" "$h/run-replica"
	if [ ! -f "$h/primary/PG_VERSION" ]; then
		as_owner "$bindir/initdb" -D "$h/primary" -U fairmatch --auth=trust -E UTF8 \
			--locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
		# The test's clusters: durability off (they are thrown away), WAL for one replica.
		as_owner sh -c "cat >>'$h/primary/postgresql.conf'" <<CONF
listen_addresses = ''
port = $PPORT
unix_socket_directories = '$h/run-primary'
unix_socket_permissions = 0770
max_connections = 100
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 4
wal_keep_size = 256MB
log_error_verbosity = terse
CONF
	fi
	as_owner "$bindir/pg_ctl" -D "$h/primary" -l "$h/primary.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$h/primary.log" >&2; exit 1; }
	psql_ "$(conninfo primary | sed 's/dbname=fairmatch/dbname=postgres/')" -tAc \
		"SELECT 1 FROM pg_database WHERE datname = 'fairmatch'" | grep -q 1 ||
		psql_ "$(conninfo primary | sed 's/dbname=fairmatch/dbname=postgres/')" \
			-c "CREATE DATABASE fairmatch"
	if [ ! -f "$h/replica/PG_VERSION" ]; then
		as_owner "$bindir/pg_basebackup" -h "$h/run-primary" -p $PPORT -U fairmatch \
			-D "$h/replica" -R -X stream --no-sync \
			--checkpoint=fast >"$dir/basebackup.log" 2>&1 ||
			{ cat "$dir/basebackup.log" >&2; exit 1; }
		as_owner sh -c "cat >>'$h/replica/postgresql.conf'" <<CONF
port = $RPORT
unix_socket_directories = '$h/run-replica'
hot_standby = on
CONF
	fi
	as_owner "$bindir/pg_ctl" -D "$h/replica" -l "$h/replica.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$h/replica.log" >&2; exit 1; }
}

stop() {
	[ -e "$dir/pg" ] || return 0
	h=$(home)
	for c in replica primary; do
		[ -f "$h/$c/PG_VERSION" ] || continue
		as_owner "$bindir/pg_ctl" -D "$h/$c" status >/dev/null 2>&1 || continue
		as_owner "$bindir/pg_ctl" -D "$h/$c" -m immediate -w stop >/dev/null 2>&1 || true
	done
}

case "$2" in
start) start ;;
stop) stop ;;
pause) psql_ "$(conninfo replica)" -tAc "SELECT pg_wal_replay_pause()" >/dev/null ;;
resume) psql_ "$(conninfo replica)" -tAc "SELECT pg_wal_replay_resume()" >/dev/null ;;
primary | replica) conninfo "$2" ;;
*) echo "cluster.sh: unknown command $2" >&2; exit 2 ;;
esac
