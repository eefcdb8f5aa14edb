/*
 * expire.c - the nightly close of expired vacancies (see vacancy.h):
 * vacancy_expire closes every open vacancy past its valid_until through the
 * SQL function fairmatch_expire (data/sql/015_expire.sql: a change-log row
 * and an audit row each, so the index, the change feed and replicas follow),
 * and a thread of `serve` runs it once a day.
 */
#include "engine/vacancy/internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/iso.h"

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

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int running, stop;
	char *conninfo;
} ex = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Wakes every VACANCY_EXPIRE_CHECK_SECONDS and closes the expired ones
 * when the (UTC) day changed since the last run that succeeded: at start,
 * then shortly after each midnight. A failed run is tried again at the
 * next wake. */
static void *expire_main(void *arg)
{
	store *s = NULL;
	char err[512], done[11] = "", today[11];
	long long n;
	struct timespec until;
	(void)arg;

	pthread_mutex_lock(&ex.lock);
	while (!ex.stop) {
		pthread_mutex_unlock(&ex.lock);
		iso_today(today);
		if (strcmp(today, done) != 0) {
			if (!s && store_connect(ex.conninfo, &s, err, sizeof err))
				fprintf(stderr, "fairmatch: expire: %s\n", err);
			if (s && store_ensure(s) == 0) {
				if (vacancy_expire(s, today, &n)) {
					fprintf(stderr, "fairmatch: expire: %s\n", store_error(s));
				} else {
					memcpy(done, today, sizeof done);
					if (n > 0)
						fprintf(stderr, "fairmatch: expire: closed %lld vacancy(ies) past valid_until\n",
							n);
				}
			}
		}
		pthread_mutex_lock(&ex.lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += VACANCY_EXPIRE_CHECK_SECONDS;
		while (!ex.stop && pthread_cond_timedwait(&ex.cond, &ex.lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&ex.lock);
	store_close(s);
	return NULL;
}

int vacancy_expire_start(const char *conninfo)
{
	if (ex.running)
		return 0;
	ex.conninfo = strdup(conninfo);
	if (!ex.conninfo)
		return -1;
	ex.stop = 0;
	if (pthread_create(&ex.thread, NULL, expire_main, NULL)) {
		free(ex.conninfo);
		ex.conninfo = NULL;
		return -1;
	}
	ex.running = 1;
	return 0;
}

void vacancy_expire_stop(void)
{
	if (!ex.running)
		return;
	pthread_mutex_lock(&ex.lock);
	ex.stop = 1;
	pthread_cond_signal(&ex.cond);
	pthread_mutex_unlock(&ex.lock);
	pthread_join(ex.thread, NULL);
	ex.running = 0;
	free(ex.conninfo);
	ex.conninfo = NULL;
}
