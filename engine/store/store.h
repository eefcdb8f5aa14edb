/*
 * store.h - the PostgreSQL connection every engine call goes through.
 *
 * A store is one libpq connection, used by one thread at a time (the server
 * keeps one per worker thread). It applies the compiled-in migrations,
 * reconnects when the server went away (counting reconnects for /metrics),
 * and sends every statement with its values as parameters, never spliced
 * into SQL text. Errors are copied into a fixed buffer readable with
 * store_error(); a result of NULL always means failure.
 *
 * Riding through a PostgreSQL restart (docs/architecture.md): a caller
 * brackets a unit of work (an HTTP request) with store_unit_start(); when
 * the connection is lost during the unit, store_unit_retryable() says
 * whether it is certain that nothing the unit sent was committed, in which
 * case the caller may reconnect (store_reconnect_wait) and run the whole
 * unit again. store_commit() settles a COMMIT whose answer was lost by
 * asking the restarted server for the transaction's status.
 *
 * Round trips (docs/architecture.md, "What a unit costs"): statements are
 * sent in libpq's pipeline mode, so the acting role, a pending BEGIN, the
 * preparation of a named statement, the statement itself and the question
 * for the transaction's id travel together; a transaction that writes costs
 * one round trip per statement plus one for COMMIT.
 */
#ifndef FAIRMATCH_STORE_H
#define FAIRMATCH_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/problem.h"

typedef struct store store; /* opaque */

/* The advisory lock writers take before adding to change_log (see 001_core.sql). */
#define STORE_CHANGE_LOG_LOCK 727001

/* Fills buf with FAIRMATCH_DB, else the private cluster under ./var. */
void store_default_conninfo(char *buf, size_t len);

/* The role `fairmatch serve` logs in as for everything after its start-up
 * migration (data/sql/006_roles.sql): it owns no table, and row-level
 * security limits it to the acting organisation. */
#define STORE_SERVER_ROLE "fairmatch_server"

/* conninfo (key=value or URI) with its user replaced by role and its
 * password dropped, as key=value text. 0, or -1 with the reason in err. */
int store_role_conninfo(const char *conninfo, const char *role, char *buf, size_t len,
			char *err, size_t errlen);
/* What the server's connections use: FAIRMATCH_SERVER_DB when set, else
 * conninfo as STORE_SERVER_ROLE. */
void store_server_conninfo(const char *conninfo, char *buf, size_t len);

/* Connects; on failure returns -1 with the reason in err. */
int store_connect(const char *conninfo, store **out, char *err, size_t errlen);
void store_close(store *s);
PGconn *store_pg(store *s);
/* Applies missing migrations (each in a transaction, under an advisory lock). */
int store_migrate(store *s);
/* 0 when the connection works, reconnecting once if it had broken (or the
 * server has closed it while idle); -1 if down. */
int store_ensure(store *s);
/* The acting role name ("counsellor" ...) and organisation that row-level
 * security checks (settings fairmatch.role and fairmatch.org). Sent lazily
 * before the next statement, and only when they changed; NULL or "" for
 * none (no org-scoped row is visible). Call it at the start of every
 * request on a connection that serves many. */
void store_set_actor(store *s, const char *role, const char *org);
/* Total reconnects made by all stores of this process. */
uint64_t store_reconnects(void);
const char *store_error(const store *s);

/* A statement PostgreSQL parses (and plans) once per connection: a named
 * prepared statement, prepared in the round trip of its first use and again
 * on a new session (a reconnect). Define each as a static const in the
 * file that uses it; name unique in the process, at most
 * STORE_PREPARED_MAX of them. Statements whose text is built at run time,
 * or rarely run, go through store_exec instead. */
struct store_stmt {
	const char *name;
	const char *sql;
	int nparams;
};
#define STORE_PREPARED_MAX 16

/* PQexecParams with text parameters. Returns the result when its status is
 * COMMAND_OK or TUPLES_OK; otherwise clears it, records the error and
 * returns NULL. The caller PQclear()s a non-NULL result. */
PGresult *store_exec(store *s, const char *sql, int nparams, const char *const *params);
/* Runs a statement that returns no rows; 0 or -1. */
int store_run(store *s, const char *sql, int nparams, const char *const *params);
/* store_exec / store_run of a prepared statement (st->nparams parameters). */
PGresult *store_exec_stmt(store *s, const struct store_stmt *st, const char *const *params);
int store_run_stmt(store *s, const struct store_stmt *st, const char *const *params);
/* Starts a transaction. BEGIN itself is sent with the next statement (a
 * failure to begin is reported by that statement); no round trip. */
int store_begin(store *s);
/* Commits. When the connection is lost after COMMIT was sent, it waits (up
 * to a few seconds) for the server to come back and asks it whether the
 * transaction committed (pg_xact_status): 0 when it did, -1 when it did not
 * or nobody can tell (then store_unit_retryable() is 0). The transaction's
 * id is always known before COMMIT is sent (asked with each statement until
 * assigned), so COMMIT is one round trip of its own. A transaction that the
 * server had already aborted (a failed statement) is not committed: -1. */
int store_commit(store *s);
/* Runs st (a write whose result is not needed) and commits: in one round
 * trip when the transaction's id is already known (it wrote before). When
 * st fails, COMMIT is skipped and -1 returned (roll back as after any
 * failed statement); otherwise as store_commit. */
int store_run_commit(store *s, const struct store_stmt *st, const char *const *params);
/* 1 while a transaction is open (or begun and not yet sent), else 0. */
int store_in_transaction(const store *s);
/* Rolls back if a transaction is open; safe to call at any time. */
void store_rollback(store *s);
/* Takes the change-log lock and adds one row; *seq gets its number. change
 * is what the write did: "created", "changed" or "closed" (the change feed
 * says it, see 013_change_feed.sql). */
int store_log_change(store *s, const char *object_type, int64_t object_id, const char *change,
		     int64_t *seq);

/* ---- riding through a restart ---- */
/* Starts a unit of work: forgets the losses and commits of the last one. */
void store_unit_start(store *s);
/* 1 when, since store_unit_start(), the connection was lost and nothing
 * sent could have been committed (no COMMIT of unknown outcome, no write
 * outside a transaction block): the unit may be run again from the start. */
int store_unit_retryable(const store *s);
/* Reconnects until the server answers or deadline_ms (CLOCK_MONOTONIC, in
 * milliseconds) passes, with a short doubling backoff (50 ms to 400 ms).
 * 0 once connected; -1 when the deadline passed first. */
int store_reconnect_wait(store *s, int64_t deadline_ms);
/* CLOCK_MONOTONIC in milliseconds (the clock of the deadlines above). */
int64_t store_now_ms(void);

/* The SQLSTATE of the last failed statement ("" if none). */
const char *store_sqlstate(const store *s);
/* Whether the last failure was the connection going away (not the SQL). */
int store_was_disconnect(const store *s);
/* Sets a PROBLEM_UNAVAILABLE problem: the database unreachable, a
 * serialisation conflict to retry, or a generic refusal; used on the paths
 * where a statement failed unexpectedly. */
void store_problem(const store *s, problem *p);
/* Ends a failed unit of work: rolls back, sets store_problem's problem
 * unless p already holds one, and frees *out and sets it NULL (out NULL:
 * nothing to free). Returns -1, so a caller can `return store_fail(...)`. */
int store_fail(store *s, problem *p, json_t **out);

#endif
