/* retention.c - erasing profiles nobody touched for N months (see retention.h). */
#include "engine/retention.h"

#include <errno.h>
#include <pthread.h>
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

int retention_compact(store *s, char *err, size_t errlen)
{
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
	else if (errlen)
		err[0] = '\0';
	return 0;
}

/* ---- the serve thread ---- */

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int running, stop, months;
	char *conninfo;
} rt = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void *retention_main(void *arg)
{
	store *s = NULL;
	char err[512];
	long long n;
	struct timespec until;
	(void)arg;

	pthread_mutex_lock(&rt.lock);
	while (!rt.stop) {
		pthread_mutex_unlock(&rt.lock);
		if (!s && store_connect(rt.conninfo, &s, err, sizeof err))
			fprintf(stderr, "fairmatch: retention: %s\n", err);
		if (s && store_ensure(s) == 0) {
			if (retention_apply(s, rt.months, &n))
				fprintf(stderr, "fairmatch: retention: %s\n", store_error(s));
			else if (n > 0)
				fprintf(stderr, "fairmatch: retention: erased %lld profile(s) untouched for %d months\n",
					n, rt.months);
		}
		pthread_mutex_lock(&rt.lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += RETENTION_INTERVAL_SECONDS;
		while (!rt.stop && pthread_cond_timedwait(&rt.cond, &rt.lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&rt.lock);
	store_close(s);
	return NULL;
}

int retention_start(const char *conninfo, int months)
{
	if (months <= 0)
		return 0;
	rt.conninfo = strdup(conninfo);
	if (!rt.conninfo)
		return -1;
	rt.months = months;
	rt.stop = 0;
	if (pthread_create(&rt.thread, NULL, retention_main, NULL)) {
		free(rt.conninfo);
		rt.conninfo = NULL;
		return -1;
	}
	rt.running = 1;
	return 0;
}

void retention_stop(void)
{
	if (!rt.running)
		return;
	pthread_mutex_lock(&rt.lock);
	rt.stop = 1;
	pthread_cond_signal(&rt.cond);
	pthread_mutex_unlock(&rt.lock);
	pthread_join(rt.thread, NULL);
	rt.running = 0;
	free(rt.conninfo);
	rt.conninfo = NULL;
}
