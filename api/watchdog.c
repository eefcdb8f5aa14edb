/*
 * watchdog.c - slow and idle clients: a connection must bring its request
 * in and be answered within a deadline, or a watchdog thread cuts it; and
 * when one address holds most of its connection slots, its idle ones
 * (no request in progress) are cut after a short idle time instead of the
 * 30 s silence timeout, so a client parking idle sockets cannot lock its
 * address (and everyone behind the same NAT or proxy) out for long.
 */
#include "api/internal.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* Under pressure (an address holding PRESSURE_NUM/PRESSURE_DEN of its
 * limit), an idle connection of that address lives IDLE_UNDER_PRESSURE s. */
#define PRESSURE_NUM 3
#define PRESSURE_DEN 4
#define IDLE_UNDER_PRESSURE 2

struct conn_watch {
	int fd;
	int cut;
	int busy;           /* a request is in (its first line arrived) */
	unsigned char addr[16];
	int pressed;        /* scratch: the address is under pressure */
	struct timespec since;
	struct conn_watch *prev, *next;
};

static unsigned per_ip_limit;

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
	w->busy = 0;
	pthread_mutex_unlock(&watch_lock);
}

void api__watch_busy(struct MHD_Connection *conn)
{
	struct conn_watch *w = watch_of(conn);

	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	w->busy = 1;
	pthread_mutex_unlock(&watch_lock);
}

/* The client's address (IPv4 or IPv6) into out, zeros when unknown. */
static void client_addr(struct MHD_Connection *conn, unsigned char out[16])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	memset(out, 0, 16);
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		memcpy(out, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, 4);
	else if (ci->client_addr->sa_family == AF_INET6)
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
		       16);
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
		client_addr(conn, w->addr);
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

/* Marks the connections of every address holding PRESSURE_NUM /
 * PRESSURE_DEN of its limit or more. Under the lock; quadratic in the
 * connections of one pass, which the connection limit bounds (1,000). */
static void mark_pressed(void)
{
	unsigned threshold = per_ip_limit * PRESSURE_NUM / PRESSURE_DEN;
	struct conn_watch *w, *x;

	for (w = watch_head; w; w = w->next)
		w->pressed = -1; /* not counted yet */
	for (w = watch_head; w; w = w->next) {
		unsigned n = 0;

		if (w->pressed != -1)
			continue;
		for (x = w; x; x = x->next)
			if (!x->cut && memcmp(x->addr, w->addr, 16) == 0)
				n++;
		for (x = w; x; x = x->next)
			if (memcmp(x->addr, w->addr, 16) == 0)
				x->pressed = threshold > 0 && n >= threshold;
	}
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
		mark_pressed();
		for (w = watch_head; w; w = w->next) {
			long idle = now.tv_sec - w->since.tv_sec;

			if (!w->cut && (idle > deadline ||
					(w->pressed && !w->busy && idle >= IDLE_UNDER_PRESSURE))) {
				shutdown(w->fd, SHUT_RDWR);
				w->cut = 1;
			}
		}
	}
	pthread_mutex_unlock(&watch_lock);
	return NULL;
}

static pthread_t watchdog;

int api__watchdog_start(unsigned timeout_seconds, unsigned max_per_ip)
{
	long deadline = REQUEST_DEADLINE * (long)timeout_seconds;

	per_ip_limit = max_per_ip;
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
