/*
 * expire.c - the nightly close of expired vacancies (see vacancy.h):
 * vacancy_expire closes every open vacancy past its valid_until through the
 * SQL function fairmatch_expire (data/sql/015_expire.sql: a change-log row
 * and an audit row each, so the index, the change feed and replicas follow),
 * and a thread of `serve` runs it once a day.
 */
#include "engine/vacancy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/store/periodic.h"

int vacancy_expire(store *s, const char *today, long long *closed)
{
	char day[11], batch[16];
	PGresult *r;
	long long n;

	*closed = 0;
	if (today)
		snprintf(day, sizeof day, "%s", today);
	else
		iso_today(day);
	snprintf(batch, sizeof batch, "%d", VACANCY_EXPIRE_BATCH);
	/* Batches keep each transaction, and the change log's lock, short. */
	do {
		r = store_exec(s, "SELECT count(*) FROM fairmatch_expire($1::date, $2::int)", 2,
			       (const char *const[]){day, batch});
		if (!r)
			return -1;
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		*closed += n;
	} while (n == VACANCY_EXPIRE_BATCH);
	return 0;
}

/* ---- the serve thread ---- */

static periodic_job *expire_job;
static char expire_done[11]; /* the last (UTC) day whose run succeeded */

/* Every VACANCY_EXPIRE_CHECK_SECONDS: closes the expired ones when the
 * (UTC) day changed since the last run that succeeded: at start, then
 * shortly after each midnight. A failed run is tried again at the next
 * wake. */
static void expire_run(store *s, void *arg)
{
	char today[11];
	long long n;
	(void)arg;

	iso_today(today);
	if (strcmp(today, expire_done) == 0)
		return;
	if (vacancy_expire(s, today, &n)) {
		fprintf(stderr, "fairmatch: expire: %s\n", store_error(s));
		return;
	}
	memcpy(expire_done, today, sizeof expire_done);
	if (n > 0)
		fprintf(stderr, "fairmatch: expire: closed %lld vacancy(ies) past valid_until\n", n);
}

int vacancy_expire_start(const char *conninfo)
{
	if (expire_job)
		return 0;
	expire_done[0] = '\0';
	expire_job = periodic_start("expire", conninfo, VACANCY_EXPIRE_CHECK_SECONDS, expire_run,
				    NULL);
	return expire_job ? 0 : -1;
}

void vacancy_expire_stop(void)
{
	periodic_stop(expire_job);
	expire_job = NULL;
}
