/*
 * thread.c - the server's background indexer (see indexer.h): one thread
 * owns the writable index and catches up with the change log whenever it is
 * woken, and the rest of the server asks it how far it got.
 */
#include "engine/indexer/internal.h"

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

#include "engine/match/match.h"
#include "index/schema.h"

static struct {
	pthread_t thread;
	int running;
	atomic_int stop;
	int wake_fd;
	char *conninfo;
	char *path;
	pthread_mutex_t lock;
	pthread_cond_t applied_cond;
	int64_t applied_seq;
	atomic_uint_fast64_t generation;
	atomic_int writer;
	atomic_int failing;
	char failure[256]; /* under lock */
} ix = {.lock = PTHREAD_MUTEX_INITIALIZER, .applied_cond = PTHREAD_COND_INITIALIZER, .wake_fd = -1};

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

static void publish(int64_t seq)
{
	pthread_mutex_lock(&ix.lock);
	if (seq > ix.applied_seq)
		ix.applied_seq = seq;
	pthread_cond_broadcast(&ix.applied_cond);
	pthread_mutex_unlock(&ix.lock);
	atomic_fetch_add(&ix.generation, 1);
}

static void on_progress(uint64_t applied, int64_t seq, void *arg)
{
	(void)applied;
	(void)arg;
	publish(seq);
}

void indexer_kick(void)
{
	uint64_t one = 1;

	if (ix.wake_fd >= 0 && write(ix.wake_fd, &one, sizeof one) < 0)
		(void)0; /* the counter saturating only means a wake-up is pending */
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

static void *indexer_main(void *arg)
{
	store *s = NULL;
	index_db *w = NULL;
	index_error e = {{0}};
	char err[512];
	int64_t seq;
	int warned_lock = 0, warned_db = 0;
	(void)arg;

	while (!atomic_load(&ix.stop)) {
		struct pollfd fds[2];
		int nfds = 1;

		if (!s) {
			if (store_connect(ix.conninfo, &s, err, sizeof err) == 0) {
				/* Reads every vacancy (008_role_policies.sql). */
				store_set_actor(s, "indexer", NULL);
				if (store_run(s, "LISTEN fairmatch_changes", 0, NULL)) {
					store_close(s);
					s = NULL;
				} else {
					warned_db = 0;
				}
			} else if (!warned_db++) {
				fprintf(stderr, "fairmatch: indexer: %s (retrying)\n", err);
			}
		}
		if (!w) {
			int rc = index_open_writable(ix.path, &w, &e);

			if (rc == 0) {
				char *have = NULL;

				if (idx__format_stale(w, &have)) {
					/* Replay the change log from the start: every
					 * document is rewritten in place, so matching
					 * keeps answering (slower) meanwhile. */
					fprintf(stderr,
						"fairmatch: the index at %s was built with vacancy document format "
						"\"%s\"; this build writes \"%s\": re-indexing every vacancy from "
						"PostgreSQL in the background (or stop and run `fairmatch reindex`)\n",
						ix.path, have ? have : "1", match_index_format());
					if (index_set_metadata(w, VX_META_LAST_SEQ, "0", &e))
						fprintf(stderr, "fairmatch: indexer: %s\n", e.msg);
				}
				free(have);
				atomic_store(&ix.writer, 1);
				publish(indexer_index_seq(w));
				warned_lock = 0;
			} else if (!warned_lock++) {
				fprintf(stderr, "fairmatch: indexer: %s (retrying every second)\n", e.msg);
			}
		}
		if (s && w) {
			if (indexer_catch_up(s, w, 1000, NULL, &seq, on_progress, NULL, err, sizeof err)) {
				/* Said once per episode, not every second of a full disk. */
				if (!atomic_load(&ix.failing) || strncmp(err, ix.failure, 250) != 0)
					fprintf(stderr, "fairmatch: indexer: %s\n", err);
				if (store_was_disconnect(s) || store_ensure(s)) {
					/* Reconnect from scratch: a reset session has lost its LISTEN. */
					store_close(s);
					s = NULL;
				} else {
					/* An index error: reopen the writer, dropping staged
					 * changes, and refuse index-feeding writes meanwhile. */
					set_failing(err);
					index_close(w);
					w = NULL;
					atomic_store(&ix.writer, 0);
				}
			} else {
				if (atomic_load(&ix.failing))
					fprintf(stderr, "fairmatch: indexer: committing again\n");
				set_failing(NULL);
				publish(seq);
			}
		}
		fds[0].fd = ix.wake_fd;
		fds[0].events = POLLIN;
		if (s) {
			fds[1].fd = PQsocket(store_pg(s));
			fds[1].events = POLLIN;
			nfds = 2;
		}
		if (poll(fds, (nfds_t)nfds, 1000) > 0) {
			if (fds[0].revents & POLLIN) {
				uint64_t junk;

				if (read(ix.wake_fd, &junk, sizeof junk) < 0 && errno != EAGAIN)
					(void)0;
			}
			if (s && nfds == 2 && fds[1].revents) {
				PGnotify *n;

				if (!PQconsumeInput(store_pg(s))) {
					store_close(s);
					s = NULL;
					continue;
				}
				while ((n = PQnotifies(store_pg(s))) != NULL)
					PQfreemem(n);
			}
		}
	}
	index_close(w);
	atomic_store(&ix.writer, 0);
	store_close(s);
	return NULL;
}

int indexer_start(const char *conninfo, const char *index_path)
{
	ix.conninfo = strdup(conninfo);
	ix.path = strdup(index_path);
	ix.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!ix.conninfo || !ix.path || ix.wake_fd < 0)
		goto fail;
	atomic_store(&ix.stop, 0);
	if (pthread_create(&ix.thread, NULL, indexer_main, NULL))
		goto fail;
	ix.running = 1;
	return 0;
fail:
	free(ix.conninfo);
	free(ix.path);
	ix.conninfo = ix.path = NULL;
	if (ix.wake_fd >= 0)
		close(ix.wake_fd);
	ix.wake_fd = -1;
	return -1;
}

void indexer_stop(void)
{
	if (!ix.running)
		return;
	atomic_store(&ix.stop, 1);
	indexer_kick();
	pthread_join(ix.thread, NULL);
	ix.running = 0;
	close(ix.wake_fd);
	ix.wake_fd = -1;
	free(ix.conninfo);
	free(ix.path);
	ix.conninfo = ix.path = NULL;
}
