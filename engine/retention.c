/* retention.c - erasing profiles nobody touched for N months (see retention.h). */
#include "engine/retention.h"
#include "engine/store/periodic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int retention_parse_months(const char *text)
{
	char *end;
	long v;

	if (!text || !*text)
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < 1 || v > RETENTION_MONTHS_MAX)
		return -1;
	return (int)v;
}

int retention_apply(store *s, int months, long long *erased)
{
	char m[16];
	PGresult *r;

	*erased = 0;
	snprintf(m, sizeof m, "%d", months);
	/* One statement: the deletes and their audit rows commit together. */
	r = store_exec(s, "SELECT count(*) FROM fairmatch_retention($1::int)", 1,
		       (const char *const[]){m});
	if (!r)
		return -1;
	*erased = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* How long compaction waits for transactions older than itself. */
#define COMPACT_WAIT_MS 30000

/* Whether a session of this database holds a snapshot older than next_xid
 * (the first transaction id not yet given out when compaction began): it
 * may still see an erased row, so VACUUM FULL would copy that row into the
 * new files as "recently dead" (an autovacuum ANALYZE, a slow request). 1,
 * 0, or -1. Sessions of other roles show no backend_xmin to a role without
 * pg_read_all_stats: for such a role this cannot see them and says 0. */
static int older_snapshot_running(store *s, const char *next_xid)
{
	PGresult *r = store_exec(s,
				 "SELECT count(*) FROM pg_stat_activity"
				 " WHERE datname = current_database() AND pid <> pg_backend_pid()"
				 "   AND backend_xmin IS NOT NULL"
				 "   AND age(backend_xmin) > age(xid($1::xid8))",
				 1, (const char *const[]){next_xid});
	int n;

	if (!r)
		return -1;
	n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return n > 0;
}

/* Waits (up to COMPACT_WAIT_MS) until every snapshot that could see a row
 * erased before now has ended. 1 if one still runs. */
static int wait_for_older_snapshots(store *s)
{
	char next_xid[32];
	PGresult *r = store_exec(s, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text", 0, NULL);
	int waited, busy = 0;

	if (!r)
		return 0;
	snprintf(next_xid, sizeof next_xid, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	for (waited = 0; waited < COMPACT_WAIT_MS; waited += 100) {
		struct timespec pause = {0, 100 * 1000000L};

		if ((busy = older_snapshot_running(s, next_xid)) <= 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	return busy;
}

int retention_compact(store *s, char *err, size_t errlen)
{
	int held_back = wait_for_older_snapshots(s);

	if (store_run(s, "VACUUM (FULL, ANALYZE) profiles", 0, NULL)) {
		snprintf(err, errlen, "rewriting the profiles table: %s", store_error(s));
		return -1;
	}
	/* A checkpoint writes the rewritten table and removes the old files
	 * now rather than at the next scheduled one. Superuser or
	 * pg_checkpoint only; without it the old files go at that next one. */
	if (store_run(s, "CHECKPOINT", 0, NULL))
		snprintf(err, errlen, "note: no checkpoint (%s); the old files go at the next one",
			 store_error(s));
	else if (held_back)
		snprintf(err, errlen,
			 "note: a transaction older than this compaction still ran after %d s;"
			 " rows it could see go at the next compaction",
			 COMPACT_WAIT_MS / 1000);
	else if (errlen)
		err[0] = '\0';
	return 0;
}

/* ---- the serve thread ---- */

static periodic_job *retention_job;
static int retention_months;

static void retention_run(store *s, void *arg)
{
	long long n;
	(void)arg;

	if (retention_apply(s, retention_months, &n))
		fprintf(stderr, "fairmatch: retention: %s\n", store_error(s));
	else if (n > 0)
		fprintf(stderr, "fairmatch: retention: erased %lld profile(s) untouched for %d months\n",
			n, retention_months);
}

int retention_start(const char *conninfo, int months)
{
	if (months <= 0 || retention_job)
		return 0;
	retention_months = months;
	retention_job = periodic_start("retention", conninfo, RETENTION_INTERVAL_SECONDS,
				       retention_run, NULL);
	return retention_job ? 0 : -1;
}

void retention_stop(void)
{
	periodic_stop(retention_job);
	retention_job = NULL;
}
