/*
 * refresher.c - the background thread that keeps this process current: it
 * LISTENs on fairmatch_integrity, reloads the snapshot on a flag or a lift,
 * after every reconnect (notifications sent while disconnected are lost)
 * and when a flag expires, and syncs the name index when a recruiter is
 * registered. The name index is only kept while it runs. The loop itself
 * is a store_listener (engine/store/listener.h); this file says what each
 * round does.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/integrity/internal.h"
#include "engine/store/listener.h"

static struct {
	store_listener *listener;
	atomic_int running;
	/* The listener thread's: */
	int registry_pending; /* a recruiter to put into the name index */
	int reload;           /* a flag or a lift to load */
} rf;

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

/* After every (re)connect: reloaded whole, since what was sent while we
 * were away is lost. */
static int refresher_connected(store *s, void *arg)
{
	int rc;

	(void)arg;
	if (integ__exclusions_load(s) || integrity_refresh(s) ||
	    (rc = integrity_registry_sync(s, 0)) < 0)
		return -1;
	/* A sync refused while a writer is busy (1) is retried by the round. */
	rf.registry_pending = rc == 1;
	rf.reload = 0;
	return 0;
}

static void refresher_notified(const char *payload, void *arg)
{
	(void)arg;
	/* A new recruiter goes into the registry; a flag or a lift reloads
	 * the snapshot. */
	if (strcmp(payload, "recruiter") == 0)
		rf.registry_pending = 1;
	else
		rf.reload = 1;
}

static int refresher_round(store *s, void *arg)
{
	int64_t expiry;
	(void)arg;

	if (!s)
		return 200;
	expiry = snapshot_next_expiry();
	if (expiry && (int64_t)time(NULL) >= expiry)
		rf.reload = 1;
	if (rf.reload) {
		/* An exclusion reloads too: before the snapshot, whose memo
		 * of verdicts starts empty. */
		if (integ__exclusions_load(s) || integrity_refresh(s)) {
			fprintf(stderr, "fairmatch: integrity: reloading: %s\n", store_error(s));
			return STORE_LISTENER_RECONNECT;
		}
		rf.reload = 0;
	}
	if (rf.registry_pending) {
		/* Not waiting for a writer's commit (a bulk import's batch):
		 * flags must keep arriving; try again in 50 ms. */
		int rc = integrity_registry_sync(s, 0);

		if (rc < 0) {
			fprintf(stderr, "fairmatch: integrity: registry: %s\n", store_error(s));
			return STORE_LISTENER_RECONNECT;
		}
		rf.registry_pending = rc == 1;
	}
	return rf.registry_pending ? 50 : 1000;
}

static const struct store_listener_ops refresher_ops = {
	.name = "integrity",
	.channel = "fairmatch_integrity",
	.connected = refresher_connected,
	.notified = refresher_notified,
	.round = refresher_round,
};

int integrity_start(const char *conninfo)
{
	store *s;
	char err[512];

	integrity_threshold();
	if (store_connect(conninfo, &s, err, sizeof err) == 0) {
		/* Serve nothing before the first snapshot is in. */
		if (integ__exclusions_load(s) || integrity_refresh(s))
			fprintf(stderr, "fairmatch: integrity: first load: %s\n", store_error(s));
		if (integrity_registry_sync(s, 1) < 0)
			fprintf(stderr, "fairmatch: integrity: loading the registry: %s\n",
				store_error(s));
		store_close(s);
	}
	if (store_listener_start(conninfo, &refresher_ops, NULL, &rf.listener)) {
		integ__snapshot_reset(); /* what the first load took */
		integ__registry_free();
		return -1;
	}
	rf.running = 1;
	return 0;
}

void integrity_stop(void)
{
	if (!rf.listener)
		return;
	store_listener_stop(rf.listener);
	rf.listener = NULL;
	rf.running = 0;
	integ__snapshot_reset();
	integ__registry_free();
	integ__exclusions_free();
}
