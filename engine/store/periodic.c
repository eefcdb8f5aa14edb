/*
 * periodic.c - background jobs of `serve` (see periodic.h): one thread and
 * one connection each, woken early only to stop.
 */
#include "engine/store/periodic.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct periodic_job {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, interval_seconds;
	periodic_run_fn run;
	void *arg;
	char *name, *conninfo;
};

static void *periodic_main(void *arg)
{
	periodic_job *j = arg;
	store *s = NULL;
	char err[512];
	struct timespec until;

	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		pthread_mutex_unlock(&j->lock);
		/* A lost connection is made again at the next wake, not in a loop. */
		if (!s && store_connect(j->conninfo, &s, err, sizeof err))
			fprintf(stderr, "fairmatch: %s: %s\n", j->name, err);
		if (s && store_ensure(s) == 0)
			j->run(s, j->arg);
		pthread_mutex_lock(&j->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->interval_seconds;
		while (!j->stop && pthread_cond_timedwait(&j->cond, &j->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&j->lock);
	store_close(s);
	return NULL;
}

static void periodic_free(periodic_job *j)
{
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
	free(j->name);
	free(j->conninfo);
	free(j);
}

periodic_job *periodic_start(const char *name, const char *conninfo, int interval_seconds,
			     periodic_run_fn run, void *arg)
{
	periodic_job *j = calloc(1, sizeof *j);

	if (!j)
		return NULL;
	if (pthread_mutex_init(&j->lock, NULL)) {
		free(j);
		return NULL;
	}
	if (pthread_cond_init(&j->cond, NULL)) {
		pthread_mutex_destroy(&j->lock);
		free(j);
		return NULL;
	}
	j->interval_seconds = interval_seconds;
	j->run = run;
	j->arg = arg;
	j->name = strdup(name);
	j->conninfo = strdup(conninfo);
	if (!j->name || !j->conninfo || pthread_create(&j->thread, NULL, periodic_main, j)) {
		periodic_free(j);
		return NULL;
	}
	return j;
}

void periodic_stop(periodic_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	periodic_free(j);
}
