/*
 * refresher.c - the background thread that keeps this process current: it
 * LISTENs on fairmatch_integrity, reloads the snapshot on a flag or a lift,
 * after every reconnect (notifications sent while disconnected are lost)
 * and when a flag expires, and syncs the name index when a recruiter is
 * registered. The name index is only kept while it runs.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/integrity/internal.h"

static struct {
	pthread_t thread;
	atomic_int running;
	atomic_int stop;
	int wake_fd;
	char *conninfo;
} rf = {.wake_fd = -1};

/* The registry is kept current only while the refresher runs. */
int integ__registry_live(void)
{
	return rf.running;
}

static int64_t snapshot_next_expiry(void)
{
	integrity_snapshot *snap = integrity_snapshot_get();
	int64_t t = snap->next_expiry;

	integrity_snapshot_put(snap);
	return t;
}

static void *refresher_main(void *arg)
{
	store *s = NULL;
	char err[512];
	int warned = 0, registry_pending = 0;
	(void)arg;

	while (!atomic_load(&rf.stop)) {
		struct pollfd fds[2];
		int nfds = 1, reload = 0, timeout = registry_pending ? 50 : 1000;
		int64_t expiry;

		if (!s) {
			if (store_connect(rf.conninfo, &s, err, sizeof err) == 0 &&
			    store_run(s, "LISTEN fairmatch_integrity", 0, NULL) == 0 &&
			    integrity_refresh(s) == 0 && integrity_registry_sync(s, 0) >= 0) {
				/* A sync refused while a writer is busy is retried below. */
				registry_pending = 1;
				/* Reloaded whole: what was sent while we were away is in it. */
				if (warned)
					fprintf(stderr, "fairmatch: integrity: reconnected, snapshot reloaded\n");
				warned = 0;
			} else {
				if (!warned++)
					fprintf(stderr, "fairmatch: integrity: %s (retrying)\n",
						s ? store_error(s) : err);
				store_close(s);
				s = NULL;
				timeout = 200;
			}
		}
		fds[0].fd = rf.wake_fd;
		fds[0].events = POLLIN;
		if (s) {
			fds[1].fd = PQsocket(store_pg(s));
			fds[1].events = POLLIN;
			nfds = 2;
		}
		if (poll(fds, (nfds_t)nfds, timeout) > 0) {
			if (fds[0].revents & POLLIN) {
				uint64_t junk;

				if (read(rf.wake_fd, &junk, sizeof junk) < 0 && errno != EAGAIN)
					(void)0;
			}
			if (s && nfds == 2 && fds[1].revents) {
				PGnotify *n;

				if (!PQconsumeInput(store_pg(s)) || PQstatus(store_pg(s)) != CONNECTION_OK) {
					store_close(s);
					s = NULL;
					continue;
				}
				while ((n = PQnotifies(store_pg(s))) != NULL) {
					/* A new recruiter goes into the registry; a flag
					 * or a lift reloads the snapshot. */
					if (strcmp(n->extra, "recruiter") == 0)
						registry_pending = 1;
					else
						reload = 1;
					PQfreemem(n);
				}
			}
		}
		if (!s)
			continue;
		expiry = snapshot_next_expiry();
		if (expiry && (int64_t)time(NULL) >= expiry)
			reload = 1;
		if (reload && integrity_refresh(s)) {
			fprintf(stderr, "fairmatch: integrity: reloading: %s\n", store_error(s));
			store_close(s);
			s = NULL;
			continue;
		}
		if (registry_pending) {
			/* Not waiting for a writer's commit (a bulk import's batch):
			 * flags must keep arriving; try again in 50 ms. */
			int rc = integrity_registry_sync(s, 0);

			if (rc < 0) {
				fprintf(stderr, "fairmatch: integrity: registry: %s\n", store_error(s));
				store_close(s);
				s = NULL;
				continue;
			}
			registry_pending = rc == 1;
		}
	}
	store_close(s);
	return NULL;
}

int integrity_start(const char *conninfo)
{
	store *s;
	char err[512];

	integrity_threshold();
	if (store_connect(conninfo, &s, err, sizeof err) == 0) {
		/* Serve nothing before the first snapshot is in. */
		if (integrity_refresh(s))
			fprintf(stderr, "fairmatch: integrity: first load: %s\n", store_error(s));
		if (integrity_registry_sync(s, 1) < 0)
			fprintf(stderr, "fairmatch: integrity: loading the registry: %s\n",
				store_error(s));
		store_close(s);
	}
	rf.conninfo = strdup(conninfo);
	rf.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!rf.conninfo || rf.wake_fd < 0)
		goto fail;
	atomic_store(&rf.stop, 0);
	if (pthread_create(&rf.thread, NULL, refresher_main, NULL))
		goto fail;
	rf.running = 1;
	return 0;
fail:
	free(rf.conninfo);
	rf.conninfo = NULL;
	if (rf.wake_fd >= 0)
		close(rf.wake_fd);
	rf.wake_fd = -1;
	return -1;
}

void integrity_stop(void)
{
	uint64_t one = 1;

	if (!rf.running)
		return;
	atomic_store(&rf.stop, 1);
	if (write(rf.wake_fd, &one, sizeof one) < 0)
		(void)0;
	pthread_join(rf.thread, NULL);
	rf.running = 0;
	close(rf.wake_fd);
	rf.wake_fd = -1;
	free(rf.conninfo);
	rf.conninfo = NULL;
	integ__snapshot_reset();
	integ__registry_free();
}
