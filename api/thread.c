/*
 * thread.c - the resources of a worker thread: its own PostgreSQL
 * connection and its own read-only index, opened lazily and closed by a
 * thread-exit destructor, and whom the thread's current request acts for.
 *
 * Riding through a PostgreSQL restart lives here too, because it is about
 * this thread's connection: whether a run lost it with nothing committed,
 * and waiting (within a budget shared by all threads) until it is back.
 */
#include "api/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "engine/indexer/indexer.h"

/* ---- per-thread resources ---- */

static _Thread_local store *thread_store;
static _Thread_local store *thread_read_store; /* the replica's (--db-read) */
static _Thread_local int64_t thread_read_retry_ms; /* after a failed connect */
static _Thread_local index_db *thread_index;
static _Thread_local uint64_t thread_index_gen;
/* Whom the current request acts for: row-level security checks it
 * (store_set_actor); reset at the start of every request. */
static _Thread_local char thread_actor_role[16];
static _Thread_local char thread_actor_org[128];

/* ---- riding through a PostgreSQL restart (docs/architecture.md) ----
 * A request that loses its database connection, when it is certain that
 * nothing it sent was committed, is run again from the start once the
 * server is back: within RIDE_THROUGH_MS of the start of the outage,
 * waiting with a short backoff. Past that budget requests fail fast with
 * 503 and Retry-After, so a long outage does not hold the worker threads
 * that reads from the index still need. */
#define RIDE_THROUGH_MS 5000
#define RIDE_THROUGH_RUNS 4 /* runs of one request at most */
/* An outage first seen longer ago than this is over (nobody said so). */
#define OUTAGE_FORGET_MS 30000

static _Atomic int64_t outage_since;  /* store_now_ms() when first seen; 0: none */
static _Thread_local int unit_no_db;  /* this request found no connection at all */

/* Closes a worker thread's connection and index when the thread ends. */
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

static void release_thread_resources(void *unused)
{
	(void)unused;
	store_close(thread_store);
	thread_store = NULL;
	store_close(thread_read_store);
	thread_read_store = NULL;
	index_close(thread_index);
	thread_index = NULL;
}

static void make_thread_key(void)
{
	pthread_key_create(&thread_key, release_thread_resources);
}

static void register_thread(void)
{
	pthread_once(&thread_key_once, make_thread_key);
	if (!pthread_getspecific(thread_key))
		pthread_setspecific(thread_key, (void *)1);
}

/* Registers the thread first: a request's first call into this file. */
void api__set_actor(const char *role, const char *org)
{
	register_thread();
	snprintf(thread_actor_role, sizeof thread_actor_role, "%s", role ? role : "");
	snprintf(thread_actor_org, sizeof thread_actor_org, "%s", org ? org : "");
	store_set_actor(thread_store, thread_actor_role, thread_actor_org);
	store_set_actor(thread_read_store, thread_actor_role, thread_actor_org);
}

store *api_store_quiet(void)
{
	char err[256];

	register_thread();
	if ((thread_store && store_ensure(thread_store) == 0) ||
	    (!thread_store && store_connect(api__config->conninfo, &thread_store, err, sizeof err) == 0 &&
	     (store_set_actor(thread_store, thread_actor_role, thread_actor_org), 1))) {
		if (atomic_load(&outage_since))
			atomic_store(&outage_since, 0);
		return thread_store;
	}
	unit_no_db = 1;
	return NULL;
}

/* A replica that cannot be reached is tried again this long after. */
#define READ_RETRY_MS 2000

store *api_store_read(void)
{
	char err[256];
	int64_t now;

	if (!api__config->read_conninfo)
		return NULL;
	register_thread();
	if (thread_read_store && store_ensure(thread_read_store) == 0)
		return thread_read_store;
	now = store_now_ms();
	if (now < thread_read_retry_ms)
		return NULL;
	store_close(thread_read_store);
	thread_read_store = NULL;
	if (store_connect(api__config->read_conninfo, &thread_read_store, err, sizeof err)) {
		thread_read_store = NULL;
		thread_read_retry_ms = now + READ_RETRY_MS;
		return NULL;
	}
	store_set_actor(thread_read_store, thread_actor_role, thread_actor_org);
	return thread_read_store;
}

store *api__thread_store(void)
{
	register_thread();
	if (!thread_store) {
		char err[256];

		if (store_connect(api__config->conninfo, &thread_store, err, sizeof err))
			unit_no_db = 1;
	}
	return thread_store;
}

void api__unit_start(void)
{
	unit_no_db = 0;
	if (thread_store)
		store_unit_start(thread_store);
}

/* Whether the request just run lost PostgreSQL with nothing committed. */
static int lost_db_safely(void)
{
	return unit_no_db || (thread_store && store_unit_retryable(thread_store));
}

/* Waits, within the outage's budget, until PostgreSQL answers again; 1 when
 * it does. */
static int wait_for_db(void)
{
	int64_t now = store_now_ms(), since = atomic_load(&outage_since), deadline;
	char err[256];
	int delay = 50;

	if (since == 0 || now - since > OUTAGE_FORGET_MS) {
		atomic_compare_exchange_strong(&outage_since, &since, now);
		since = atomic_load(&outage_since);
		if (since == 0)
			since = now;
	}
	deadline = since + RIDE_THROUGH_MS;
	if (thread_store) {
		if (store_reconnect_wait(thread_store, deadline))
			return 0;
	} else {
		while (store_connect(api__config->conninfo, &thread_store, err, sizeof err)) {
			now = store_now_ms();
			if (now >= deadline)
				return 0;
			if (delay > deadline - now)
				delay = (int)(deadline - now);
			nanosleep(&(struct timespec){0, (long)delay * 1000000L}, NULL);
			if (delay < 400)
				delay *= 2;
		}
		store_set_actor(thread_store, thread_actor_role, thread_actor_org);
	}
	atomic_store(&outage_since, 0);
	return 1;
}

int api__may_run_again(int runs)
{
	return runs < RIDE_THROUGH_RUNS && lost_db_safely() && wait_for_db();
}

store *api_store(api_call *c)
{
	store *s = api_store_quiet();

	if (!s)
		api_fail(c, 503, "the database is unreachable; retry shortly");
	return s;
}

/* How long a request waits for a node that is still building its index
 * before it is told to come back. */
#define INDEX_READY_WAIT_MS 3000

index_db *api_index(api_call *c)
{
	index_db *db;

	/* A node answers from its index only once the index is this
	 * database's and has caught up (indexer_ready). */
	if (!indexer_wait_ready(INDEX_READY_WAIT_MS)) {
		api_fail(c, 503, "this node is building its index from PostgreSQL; retry shortly");
		return NULL;
	}
	db = api_index_quiet();
	if (!db)
		api_fail(c, 503, "the index is not available yet");
	return db;
}

index_db *api_index_quiet(void)
{
	index_error e = {{0}};
	uint64_t gen = indexer_generation();

	register_thread();
	if (!thread_index) {
		if (index_open_readonly(api__config->index_path, &thread_index, &e)) {
			thread_index = NULL;
			return NULL;
		}
		thread_index_gen = gen;
	} else if (gen != thread_index_gen) {
		/* Another process may also commit: reopen on our own generation
		 * change, and index_search reopens on a modified database. */
		if (index_reopen(thread_index, &e) == 0) {
			thread_index_gen = gen;
		} else {
			/* A remote shard's connection that broke (its tcpsrv
			 * restarted) does not come back: open anew. */
			index_close(thread_index);
			thread_index = NULL;
			if (index_open_readonly(api__config->index_path, &thread_index, &e)) {
				thread_index = NULL;
				return NULL;
			}
			thread_index_gen = gen;
		}
	}
	return thread_index;
}
