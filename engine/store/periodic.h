/*
 * periodic.h - a background job of `serve` on its own connection: a thread
 * that connects (and reconnects) to PostgreSQL, runs the job, and sleeps
 * for a fixed interval, until it is stopped. The nightly close of expired
 * vacancies and the retention sweep are two such jobs; each keeps its own
 * rule (when to act, what to log) in its run function.
 */
#ifndef FAIRMATCH_STORE_PERIODIC_H
#define FAIRMATCH_STORE_PERIODIC_H

#include "engine/store/store.h"

typedef struct periodic_job periodic_job; /* opaque */

/* One run: do the work over s (connected and checked with store_ensure),
 * log what is worth saying. A failure is only logged by the job itself:
 * the next wake tries again. */
typedef void (*periodic_run_fn)(store *s, void *arg);

/* Starts a thread that runs run(s, arg) at once and then every
 * interval_seconds. name prefixes the connection errors it logs. NULL when
 * no thread could be started. */
periodic_job *periodic_start(const char *name, const char *conninfo, int interval_seconds,
			     periodic_run_fn run, void *arg);
/* Wakes the thread, waits for its current run to end, and frees it.
 * NULL is a no-op. */
void periodic_stop(periodic_job *j);

#endif
