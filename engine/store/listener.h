/*
 * listener.h - the one LISTEN/NOTIFY loop of the engine's background threads.
 *
 * A listener is a thread that keeps one PostgreSQL connection LISTENing on a
 * channel, reconnects when the connection breaks (saying so once per outage,
 * not once a second), and calls its owner back: after each (re)connect, for
 * each notification, and once per round. A round ends on a notification, on
 * store_listener_wake(), or when the wait its owner asked for runs out. The
 * indexer (change_log) and the integrity refresher (flags) are its users.
 */
#ifndef FAIRMATCH_STORE_LISTENER_H
#define FAIRMATCH_STORE_LISTENER_H

#include "engine/store/store.h"

/* What round() returns to have the connection closed and made again. */
#define STORE_LISTENER_RECONNECT (-1) /* the loop waits 200 ms before connecting */

struct store_listener_ops {
	const char *name;    /* in log lines: "fairmatch: NAME: ..." */
	const char *channel; /* LISTEN channel */
	const char *role;    /* acting role for row-level security, or NULL */
	/* After connecting and LISTENing: 0 goes on, -1 closes the connection
	 * and retries later (the reason is in store_error(s)). May be NULL. */
	int (*connected)(store *s, void *arg);
	/* One notification's payload (never NULL). May be NULL. */
	void (*notified)(const char *payload, void *arg);
	/* Once per round, s NULL while there is no connection. Returns how long
	 * to wait for the next round, in ms, or STORE_LISTENER_RECONNECT. */
	int (*round)(store *s, void *arg);
};

typedef struct store_listener store_listener;

/* Starts the thread; ops and arg must outlive it. 0, or -1 (no thread). */
int store_listener_start(const char *conninfo, const struct store_listener_ops *ops, void *arg,
			 store_listener **out);
/* Ends the current wait at once (any thread; async-signal-safe). */
void store_listener_wake(store_listener *l);
/* Stops and joins the thread, closes its connection and frees l. */
void store_listener_stop(store_listener *l);

#endif
