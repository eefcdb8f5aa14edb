/*
 * watchdog.c - slow clients: a connection must bring its request in and
 * be answered within a deadline, or a watchdog thread cuts it.
 */
#include "api/internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

/* ---- slow clients ----
 *
 * libmicrohttpd's connection timeout counts silence only: a client that
 * trickles a byte every few seconds (slowloris) would hold its connection,
 * and enough of them every connection slot, for ever. So every connection
 * is also watched as a whole: from the moment it waits for a request (it
 * opened, or its previous request completed) the request must be in and
 * answered within REQUEST_DEADLINE timeouts; otherwise a watchdog thread
 * shuts its socket down, which libmicrohttpd sees as the client leaving.
 * The connection's record is unlinked (under the lock the watchdog holds
 * while it shuts sockets down) when libmicrohttpd reports the connection
 * closed, before it closes the socket, so a descriptor is never shut down
 * after it was reused.
 */
#define REQUEST_DEADLINE 2 /* in connection timeouts */

struct conn_watch {
	int fd;
	int cut;
	struct timespec since;
	struct conn_watch *prev, *next;
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_cond = PTHREAD_COND_INITIALIZER;
static struct conn_watch *watch_head;
static int watch_stop;

static struct conn_watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void api__watch_reset(struct MHD_Connection *conn)
{
	struct conn_watch *w = watch_of(conn);

	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_unlock(&watch_lock);
}

void api__watch_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode toe)
{
	struct conn_watch *w;
	(void)cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		*socket_context = NULL;
		if (!ci || !(w = calloc(1, sizeof *w)))
			return; /* unwatched: the silence timeout still applies */
		w->fd = ci->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
		pthread_mutex_lock(&watch_lock);
		w->next = watch_head;
		if (watch_head)
			watch_head->prev = w;
		watch_head = w;
		pthread_mutex_unlock(&watch_lock);
		*socket_context = w;
		return;
	}
	w = *socket_context;
	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		watch_head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&watch_lock);
	free(w);
	*socket_context = NULL;
}

static void *watchdog_main(void *arg)
{
	long deadline = (long)(uintptr_t)arg;
	struct timespec now, wake;
	struct conn_watch *w;

	pthread_mutex_lock(&watch_lock);
	while (!watch_stop) {
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 1;
		pthread_cond_timedwait(&watch_cond, &watch_lock, &wake);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (w = watch_head; w; w = w->next) {
			if (!w->cut && now.tv_sec - w->since.tv_sec > deadline) {
				shutdown(w->fd, SHUT_RDWR);
				w->cut = 1;
			}
		}
	}
	pthread_mutex_unlock(&watch_lock);
	return NULL;
}

static pthread_t watchdog;

int api__watchdog_start(unsigned timeout_seconds)
{
	long deadline = REQUEST_DEADLINE * (long)timeout_seconds;

	return pthread_create(&watchdog, NULL, watchdog_main, (void *)(uintptr_t)deadline) ? -1 : 0;
}

void api__watchdog_stop(void)
{
	pthread_mutex_lock(&watch_lock);
	watch_stop = 1;
	pthread_cond_signal(&watch_cond);
	pthread_mutex_unlock(&watch_lock);
	pthread_join(watchdog, NULL);
}
