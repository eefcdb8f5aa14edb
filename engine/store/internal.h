/*
 * internal.h - what the files of engine/store/ share: the session's state
 * and the steps of a round trip. Not for use outside engine/store/.
 */
#ifndef FAIRMATCH_STORE_INTERNAL_H
#define FAIRMATCH_STORE_INTERNAL_H

#include <libpq-fe.h>

#include "engine/store/store.h"

struct store {
	PGconn *pg;
	char err[512];
	char sqlstate[6];
	int disconnected;
	/* The acting role and organisation wanted for the next statement, and
	 * whether the session already holds them (see store_set_actor). */
	char actor_role[16];
	char actor_org[128];
	int actor_sent;
	/* What the session holds (valid while held_valid): a request that sets
	 * the actor to none and back to the same one sends nothing. */
	char held_role[16];
	char held_org[128];
	int held_valid;
	/* The unit of work since store_unit_start() (see store.h). */
	int lost;            /* the connection went away during it */
	int maybe_committed; /* something it sent may have been committed */
	/* The transaction: store_begin() only notes it, and BEGIN is sent in
	 * the round trip of the transaction's first statement. Until its id is
	 * known, every statement of the transaction is followed, in the same
	 * round trip, by the question for it (see store_commit). */
	int begin_pending;   /* store_begin() called, BEGIN not sent yet */
	char xid[32];        /* the transaction's id, once assigned and told */
	int xid_fresh;       /* asked after the last statement sent (so "" means none) */
	/* The named statements this session has prepared (store_stmt). */
	const struct store_stmt *prepared[STORE_PREPARED_MAX];
	int nprepared;
};

/* How long store_commit() waits for a restarted server to settle a COMMIT
 * whose answer was lost. */
#define STORE_SETTLE_MS 5000

/* Records a failed statement's message and SQLSTATE (r may be NULL) and
 * whether the failure was the connection going away. */
void store__set_error(store *s, const char *msg, PGresult *r);
/* An error that is not the connection's: nothing was lost. */
void store__set_plain_error(store *s, const char *msg);
/* Before PQreset: forgets what the old session held. */
void store__new_session(store *s);

/* The statements every session prepares for itself (pipeline.c). */
extern const struct store_stmt store__commit_stmt;
extern const struct store_stmt store__xid_stmt;
/* One round trip: see pipeline.c. */
PGresult *store__roundtrip2(store *s, const struct store_stmt *before,
			    const char *const *before_params, const struct store_stmt *st,
			    const char *sql, int nparams, const char *const *params);
PGresult *store__roundtrip(store *s, const struct store_stmt *st, const char *sql, int nparams,
			   const char *const *params);

#endif
