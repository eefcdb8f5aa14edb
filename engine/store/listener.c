/*
 * listener.c - the LISTEN/NOTIFY loop (see listener.h). One eventfd wakes
 * the thread; poll() waits on it and on the connection's socket, so a
 * notification is seen as soon as it arrives and a stop is never late by
 * more than the time a round takes.
 */
#include "engine/store/listener.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* After a round asked for a new connection, before making it. */
#define RECONNECT_PAUSE_MS 200

struct store_listener {
	const struct store_listener_ops *ops;
	void *arg;
	char *conninfo;
	int wake_fd;
	atomic_int stop;
	pthread_t thread;
};

/* A connection LISTENing on the channel, with the owner's start-up done;
 * NULL (and the reason in err) when any step failed. */
static store *listen_connect(store_listener *l, char *err, size_t errlen)
{
	const struct store_listener_ops *ops = l->ops;
	char sql[96];
	store *s;

	if (store_connect(l->conninfo, &s, err, errlen))
		return NULL;
	if (ops->role)
		store_set_actor(s, ops->role, NULL);
	snprintf(sql, sizeof sql, "LISTEN %s", ops->channel);
	if (store_run(s, sql, 0, NULL) || (ops->connected && ops->connected(s, l->arg))) {
		snprintf(err, errlen, "%s", store_error(s));
		store_close(s);
		return NULL;
	}
	return s;
}

/* Hands on the notifications libpq holds already read; how many. A query
 * of the owner's round reads the ones that arrive while it runs off the
 * socket, so poll() would never report them: they are looked for after
 * every round too, not only when the socket is readable. */
static int deliver(store_listener *l, store *s)
{
	PGnotify *n;
	int count = 0;

	while ((n = PQnotifies(store_pg(s))) != NULL) {
		if (l->ops->notified)
			l->ops->notified(n->extra ? n->extra : "", l->arg);
		PQfreemem(n);
		count++;
	}
	return count;
}

/* Reads what arrived on the connection and hands each notification on.
 * -1 when the connection is broken. */
static int drain(store_listener *l, store *s)
{
	PGconn *pg = store_pg(s);

	if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK)
		return -1;
	deliver(l, s);
	return 0;
}

static void *listener_main(void *arg)
{
	store_listener *l = arg;
	store *s = NULL;
	char err[512];
	int outage = 0;

	while (!atomic_load(&l->stop)) {
		struct pollfd fds[2];
		int nfds = 1, wait_ms;

		if (!s) {
			s = listen_connect(l, err, sizeof err);
			if (s && outage)
				fprintf(stderr, "fairmatch: %s: connected again\n", l->ops->name);
			else if (!s && !outage)
				fprintf(stderr, "fairmatch: %s: %s (retrying)\n", l->ops->name, err);
			outage = !s;
		}
		wait_ms = l->ops->round(s, l->arg);
		if (wait_ms == STORE_LISTENER_RECONNECT) {
			/* Not at once: a connection that keeps failing the same way
			 * must not spin. */
			store_close(s);
			s = NULL;
			wait_ms = RECONNECT_PAUSE_MS;
		} else if (s && deliver(l, s)) {
			wait_ms = 0; /* the next round acts on them */
		}
		fds[0] = (struct pollfd){.fd = l->wake_fd, .events = POLLIN};
		if (s) {
			fds[1] = (struct pollfd){.fd = PQsocket(store_pg(s)), .events = POLLIN};
			nfds = 2;
		}
		if (poll(fds, (nfds_t)nfds, wait_ms < 0 ? 0 : wait_ms) <= 0)
			continue;
		if (fds[0].revents & POLLIN) {
			uint64_t junk;

			/* Resets the counter; only this thread reads it. */
			if (read(l->wake_fd, &junk, sizeof junk) < 0) {
				/* nothing to reset */
			}
		}
		if (s && nfds == 2 && fds[1].revents && drain(l, s)) {
			store_close(s);
			s = NULL;
		}
	}
	store_close(s);
	return NULL;
}

int store_listener_start(const char *conninfo, const struct store_listener_ops *ops, void *arg,
			 store_listener **out)
{
	store_listener *l = calloc(1, sizeof *l);

	*out = NULL;
	if (!l)
		return -1;
	l->ops = ops;
	l->arg = arg;
	l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->conninfo = strdup(conninfo);
	if (l->wake_fd < 0 || !l->conninfo)
		goto fail;
	atomic_init(&l->stop, 0);
	if (pthread_create(&l->thread, NULL, listener_main, l))
		goto fail;
	*out = l;
	return 0;
fail:
	if (l->wake_fd >= 0)
		close(l->wake_fd);
	free(l->conninfo);
	free(l);
	return -1;
}

void store_listener_wake(store_listener *l)
{
	uint64_t one = 1;

	/* A full counter (EAGAIN) already means "wake up". */
	if (l && write(l->wake_fd, &one, sizeof one) < 0)
		(void)0;
}

void store_listener_stop(store_listener *l)
{
	if (!l)
		return;
	atomic_store(&l->stop, 1);
	store_listener_wake(l);
	pthread_join(l->thread, NULL);
	close(l->wake_fd);
	free(l->conninfo);
	free(l);
}
