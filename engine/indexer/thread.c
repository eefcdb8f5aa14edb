/*
 * thread.c - the server's background indexer (see indexer.h): one thread
 * (a store_listener on fairmatch_changes) owns the writable index and
 * catches up with the change log whenever it is woken, and the rest of the
 * server asks it how far it got.
 */
#include "engine/indexer/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/match/match.h"
#include "engine/store/listener.h"
#include "index/schema.h"

static struct {
	store_listener *listener;
	char *path;
	index_db *w;     /* the listener thread's while it runs */
	int warned_lock; /* the listener thread's */
	pthread_mutex_t lock;
	pthread_cond_t applied_cond;
	int64_t applied_seq;
	atomic_uint_fast64_t generation;
	atomic_int writer;
	atomic_int failing;
	char failure[256]; /* under lock */
	char dbid[INDEXER_DATABASE_ID_LEN + 1]; /* the database's id ("": not checked) */
	int claimed;       /* the listener thread's: the writer is this database's index */
	atomic_int ready;  /* caught up once (or a follower of this database's index) */
	atomic_int state;  /* enum build_state */
} ix = {.lock = PTHREAD_MUTEX_INITIALIZER, .applied_cond = PTHREAD_COND_INITIALIZER};

enum build_state { ST_CATCHING_UP, ST_BUILDING, ST_READY, ST_FOLLOWER };

int indexer_ready(const char **state)
{
	static const char *const names[] = {"catching_up", "building", "ready", "follower"};
	int st = atomic_load(&ix.state);

	if (state)
		*state = names[st >= 0 && st <= ST_FOLLOWER ? st : 0];
	return atomic_load(&ix.ready);
}

int indexer_wait_ready(int timeout_ms)
{
	struct timespec until;

	idx__deadline(&until, timeout_ms);
	pthread_mutex_lock(&ix.lock);
	while (!atomic_load(&ix.ready) &&
	       pthread_cond_timedwait(&ix.applied_cond, &ix.lock, &until) == 0)
		;
	pthread_mutex_unlock(&ix.lock);
	return atomic_load(&ix.ready);
}

static void set_ready(int st)
{
	pthread_mutex_lock(&ix.lock);
	atomic_store(&ix.state, st);
	atomic_store(&ix.ready, 1);
	pthread_cond_broadcast(&ix.applied_cond);
	pthread_mutex_unlock(&ix.lock);
}

/* Another process holds the writer (a second server on this directory, an
 * import): answer from the index once it says it is this database's. */
static void follow(void)
{
	index_db *db = NULL;
	index_error e;

	if (atomic_load(&ix.ready))
		return;
	if (index_open_readonly(ix.path, &db, &e) == 0 && indexer_belongs(db, ix.dbid))
		set_ready(ST_FOLLOWER);
	index_close(db);
}

uint64_t indexer_generation(void)
{
	return atomic_load(&ix.generation);
}

int indexer_is_writer(void)
{
	return atomic_load(&ix.writer);
}

static void set_failing(const char *why)
{
	pthread_mutex_lock(&ix.lock);
	if (why)
		snprintf(ix.failure, sizeof ix.failure, "%.250s", why);
	pthread_mutex_unlock(&ix.lock);
	atomic_store(&ix.failing, why != NULL);
}

int indexer_failing(char *why, size_t len)
{
	if (!atomic_load(&ix.failing))
		return 0;
	if (why && len) {
		pthread_mutex_lock(&ix.lock);
		snprintf(why, len, "%s", ix.failure);
		pthread_mutex_unlock(&ix.lock);
	}
	return 1;
}

int64_t indexer_applied_seq(void)
{
	int64_t v;

	pthread_mutex_lock(&ix.lock);
	v = ix.applied_seq;
	pthread_mutex_unlock(&ix.lock);
	return v;
}

/* The generation moves before anyone can learn that seq is applied: a
 * writer woken by the broadcast answers its client, whose next search may
 * run on another worker at once, and that worker reopens its index only
 * when it sees a new generation (api/thread.c). */
static void publish(int64_t seq)
{
	atomic_fetch_add(&ix.generation, 1);
	pthread_mutex_lock(&ix.lock);
	if (seq > ix.applied_seq)
		ix.applied_seq = seq;
	pthread_cond_broadcast(&ix.applied_cond);
	pthread_mutex_unlock(&ix.lock);
}

static void on_progress(uint64_t applied, int64_t seq, void *arg)
{
	(void)applied;
	(void)arg;
	publish(seq);
}

void indexer_kick(void)
{
	store_listener_wake(ix.listener);
}

void idx__deadline(struct timespec *until, int ms)
{
	clock_gettime(CLOCK_REALTIME, until);
	until->tv_sec += ms / 1000;
	until->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

int indexer_wait(int64_t seq, int timeout_ms)
{
	struct timespec until;
	int rc = 0;

	idx__deadline(&until, timeout_ms);
	pthread_mutex_lock(&ix.lock);
	while (ix.applied_seq < seq && rc == 0)
		rc = pthread_cond_timedwait(&ix.applied_cond, &ix.lock, &until);
	rc = ix.applied_seq >= seq ? 0 : -1;
	pthread_mutex_unlock(&ix.lock);
	return rc;
}

/* Opens the writable index (retrying every second, said once) and, when
 * this build writes another document format, starts a replay. */
static void open_writer(void)
{
	index_error e = {{0}};
	char *have = NULL;

	if (index_open_writable(ix.path, &ix.w, &e)) {
		if (!ix.warned_lock++)
			fprintf(stderr, "fairmatch: indexer: %s (retrying every second)\n", e.msg);
		return;
	}
	if (indexer_format_stale(ix.w, &have)) {
		/* Replay the change log from the start: every
		 * document is rewritten in place, so matching
		 * keeps answering (slower) meanwhile. */
		fprintf(stderr,
			"fairmatch: the index at %s was built with vacancy document format "
			"\"%s\"; this build writes \"%s\": re-indexing every vacancy from "
			"PostgreSQL in the background (or stop and run `fairmatch reindex`)\n",
			ix.path, have ? have : "1", indexer_format());
		if (index_set_metadata(ix.w, VX_META_LAST_SEQ, "0", &e))
			fprintf(stderr, "fairmatch: indexer: %s\n", e.msg);
	}
	free(have);
	atomic_store(&ix.writer, 1);
	publish(indexer_index_seq(ix.w));
	ix.warned_lock = 0;
}

/* One round of the listener (engine/store/listener.h): after a wake-up, a
 * notification on fairmatch_changes or a second, catch up with the change
 * log. */
static int indexer_round(store *s, void *arg)
{
	char err[512];
	int64_t seq;
	(void)arg;

	if (!ix.w)
		open_writer();
	if (!ix.w)
		follow();
	if (!s || !ix.w)
		return 1000;
	if (!ix.claimed) {
		int rebuilt = 0;

		if (indexer_claim(s, ix.w, ix.dbid, &rebuilt, err, sizeof err)) {
			fprintf(stderr, "fairmatch: indexer: %s\n", err);
			if (store_was_disconnect(s) || store_ensure(s))
				return STORE_LISTENER_RECONNECT;
			return 1000;
		}
		ix.claimed = 1;
		if (!atomic_load(&ix.ready))
			atomic_store(&ix.state, rebuilt || indexer_index_seq(ix.w) == 0 ? ST_BUILDING
										: ST_CATCHING_UP);
		if (rebuilt) {
			pthread_mutex_lock(&ix.lock);
			ix.applied_seq = 0;
			pthread_mutex_unlock(&ix.lock);
			atomic_fetch_add(&ix.generation, 1);
		}
	}
	if (indexer_catch_up(s, ix.w, 1000, NULL, &seq, on_progress, NULL, err, sizeof err)) {
		/* Said once per episode, not every second of a full disk. */
		if (!atomic_load(&ix.failing) || strncmp(err, ix.failure, 250) != 0)
			fprintf(stderr, "fairmatch: indexer: %s\n", err);
		/* Reconnect from scratch: a reset session has lost its LISTEN. */
		if (store_was_disconnect(s) || store_ensure(s))
			return STORE_LISTENER_RECONNECT;
		/* An index error: reopen the writer, dropping staged
		 * changes, and refuse index-feeding writes meanwhile. */
		set_failing(err);
		index_close(ix.w);
		ix.w = NULL;
		ix.claimed = 0;
		atomic_store(&ix.writer, 0);
		return 1000;
	}
	if (atomic_load(&ix.failing))
		fprintf(stderr, "fairmatch: indexer: committing again\n");
	set_failing(NULL);
	publish(seq);
	if (!atomic_load(&ix.ready) || atomic_load(&ix.state) == ST_FOLLOWER)
		set_ready(ST_READY);
	return 1000;
}

static const struct store_listener_ops indexer_ops = {
	.name = "indexer",
	.channel = "fairmatch_changes",
	.role = "indexer", /* reads every vacancy (008_role_policies.sql) */
	.round = indexer_round,
};

int indexer_start(const char *conninfo, const char *index_path, const char *dbid)
{
	ix.path = strdup(index_path);
	ix.warned_lock = 0;
	ix.claimed = 0;
	snprintf(ix.dbid, sizeof ix.dbid, "%s", dbid ? dbid : "");
	atomic_store(&ix.ready, 0);
	atomic_store(&ix.state, ST_CATCHING_UP);
	if (!ix.path || store_listener_start(conninfo, &indexer_ops, NULL, &ix.listener)) {
		free(ix.path);
		ix.path = NULL;
		return -1;
	}
	return 0;
}

void indexer_stop(void)
{
	if (!ix.listener)
		return;
	store_listener_stop(ix.listener);
	ix.listener = NULL;
	/* The thread is joined: the writer is this thread's now. */
	index_close(ix.w);
	ix.w = NULL;
	ix.claimed = 0;
	atomic_store(&ix.writer, 0);
	atomic_store(&ix.ready, 0);
	free(ix.path);
	ix.path = NULL;
}
