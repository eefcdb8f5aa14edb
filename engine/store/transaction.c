/*
 * transaction.c - BEGIN, COMMIT (settling a COMMIT whose answer was lost),
 * ROLLBACK, and the change-log insert that orders index updates.
 */
#include "engine/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/store/internal.h"

int store_in_transaction(const store *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->pg);

	return s->begin_pending || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

int store_begin(store *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->pg);

	if (s->begin_pending || t == PQTRANS_INTRANS || t == PQTRANS_INERROR) {
		store__set_plain_error(s, "a transaction is already open");
		return -1;
	}
	s->begin_pending = 1;
	s->xid[0] = '\0';
	s->xid_fresh = 1; /* nothing sent yet: nothing assigned */
	return 0;
}

/* The answer to COMMIT was lost with the connection: wait for the server
 * and ask it what became of transaction xid. */
static int settle_commit(store *s, const char *xid)
{
	PGresult *r;
	int committed = 0, aborted = 0;

	s->maybe_committed = 1;
	if (store_reconnect_wait(s, store_now_ms() + STORE_SETTLE_MS))
		return -1;
	r = store_exec(s, "SELECT pg_xact_status($1::xid8)", 1, (const char *const[]){xid});
	if (!r)
		return -1;
	if (!PQgetisnull(r, 0, 0)) {
		committed = strcmp(PQgetvalue(r, 0, 0), "committed") == 0;
		aborted = strcmp(PQgetvalue(r, 0, 0), "aborted") == 0;
	}
	PQclear(r);
	if (committed)
		return 0;
	if (aborted)
		s->maybe_committed = 0; /* certain now: nothing was committed */
	snprintf(s->err, sizeof s->err, "the connection was lost during COMMIT (transaction %s: %s)",
		 xid, aborted ? "not committed" : "outcome unknown");
	s->sqlstate[0] = '\0';
	s->disconnected = 1;
	s->lost = 1;
	return -1;
}

static void end_transaction(store *s)
{
	s->begin_pending = 0;
	s->xid[0] = '\0';
	s->xid_fresh = 0;
}

/* Commits, with last (when not NULL) run just before COMMIT: in the same
 * round trip when the transaction's id is already known, else in one of its
 * own that also asks for the id (it may be the transaction's first write). */
static int commit_after(store *s, const struct store_stmt *last, const char *const *params)
{
	char xid[32];
	PGresult *r;
	int rolled_back;

	if (last && (s->begin_pending || !s->xid[0])) {
		r = store__roundtrip(s, last, NULL, last->nparams, params);
		if (!r)
			return -1; /* the caller rolls back */
		PQclear(r);
		last = NULL;
	}
	if (s->begin_pending) {
		end_transaction(s); /* nothing was sent: nothing to commit */
		return 0;
	}
	/* The transaction's id must be known before COMMIT is sent (a lost
	 * answer to COMMIT leaves nothing else to ask about). It normally is:
	 * every statement of the transaction was followed by the question
	 * until the id was assigned, and a fresh "none" means nothing was
	 * written. Only after raw libpq use (the migrations) is it asked here,
	 * in a round trip of its own. */
	if (!s->xid[0] && !s->xid_fresh) {
		r = store__roundtrip(s, &store__xid_stmt, NULL, 0, NULL);
		if (!r)
			return -1;
		snprintf(s->xid, sizeof s->xid, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	snprintf(xid, sizeof xid, "%s", s->xid);
	r = store__roundtrip2(s, last, params, &store__commit_stmt, NULL, 0, NULL);
	end_transaction(s);
	if (r) {
		/* COMMIT of a transaction a failed statement had aborted answers
		 * ROLLBACK: nothing was committed, and saying so is the truth. */
		rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
		PQclear(r);
		if (!rolled_back)
			return 0;
		store__set_plain_error(s, "the transaction had failed and was rolled back");
		s->actor_sent = 0; /* a set_config inside it was undone */
		s->held_valid = 0;
		return -1;
	}
	/* Whatever became of it, a role set inside it may be undone. */
	s->actor_sent = 0;
	s->held_valid = 0;
	if (PQtransactionStatus(s->pg) == PQTRANS_INERROR)
		return -1; /* last failed: COMMIT was skipped; the caller rolls back */
	if (!s->disconnected || !xid[0])
		return -1; /* refused by the server, or nothing to commit: nothing committed */
	return settle_commit(s, xid);
}

int store_commit(store *s)
{
	return commit_after(s, NULL, NULL);
}

int store_run_commit(store *s, const struct store_stmt *st, const char *const *params)
{
	return commit_after(s, st, params);
}

void store_rollback(store *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->pg);
	PGresult *r;

	if (s->begin_pending) {
		end_transaction(s); /* nothing was sent */
		return;
	}
	end_transaction(s);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR) {
		r = PQexec(s->pg, "ROLLBACK");
		PQclear(r);
		s->actor_sent = 0; /* a set_config inside it was undone */
		s->held_valid = 0;
	}
}


int store_log_change(store *s, const char *object_type, int64_t object_id, const char *change,
		     int64_t *seq)
{
	char lock[32], id[32];
	const char *p[3] = {object_type, id, change};
	PGresult *r;

	snprintf(lock, sizeof lock, "%d", STORE_CHANGE_LOG_LOCK);
	snprintf(id, sizeof id, "%lld", (long long)object_id);
	if (store_run(s, "SELECT pg_advisory_xact_lock($1::bigint)", 1, (const char *const[]){lock}))
		return -1;
	r = store_exec(s, "INSERT INTO change_log (object_type, object_id, change)"
		       " VALUES ($1, $2, $3) RETURNING seq", 3, p);
	if (!r)
		return -1;
	if (seq)
		*seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}
