/*
 * pipeline.c - statements: every one goes through one round trip in libpq's
 * pipeline mode with what it needs before it (role, BEGIN, preparation) and
 * the transaction-id question after it; a write outside a transaction is
 * wrapped in one of its own so that its outcome can be settled.
 */
#include "engine/store/store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/store/internal.h"

static int starts_with_word(const char *sql, const char *word)
{
	size_t n = strlen(word);

	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	return strncasecmp(sql, word, n) == 0 &&
	       (sql[n] == ' ' || sql[n] == '\0' || sql[n] == '\n' || sql[n] == ';');
}

/* What sending sql outside a transaction block would do: 0 a plain read or
 * transaction control (a bare SELECT counts as a read), 1 a write that
 * store_exec() wraps in a transaction of its own so that its outcome can be
 * settled like any COMMIT, 2 a statement that cannot run inside a
 * transaction block (its outcome stays unknown if the connection is lost). */
static int autocommit_kind(store *s, const char *sql)
{
	static const char *const reads[] = {"SELECT", "BEGIN", "START", "ROLLBACK", "COMMIT",
					    "SHOW", "LISTEN", "UNLISTEN", "SET", "RESET"};
	static const char *const alone[] = {"VACUUM", "CREATE DATABASE", "DROP DATABASE",
					    "CREATE INDEX CONCURRENTLY", "REINDEX", "CLUSTER",
					    "ALTER SYSTEM", "CHECKPOINT"};
	size_t i;

	if (s->begin_pending || PQstatus(s->pg) != CONNECTION_OK ||
	    PQtransactionStatus(s->pg) != PQTRANS_IDLE)
		return 0;
	for (i = 0; i < sizeof reads / sizeof *reads; i++)
		if (starts_with_word(sql, reads[i]))
			return 0;
	for (i = 0; i < sizeof alone / sizeof *alone; i++)
		if (starts_with_word(sql, alone[i]))
			return 2;
	return 1;
}


/* ---- statements and round trips ----
 *
 * Every statement goes through store__roundtrip(): in libpq's pipeline mode it
 * sends, in this order and as one batch, what the session still lacks
 * before the statement can run — the acting role and organisation
 * (session-wide set_config, resent after a new session or a rollback), a
 * BEGIN that store_begin() left pending, the preparation of a named
 * statement (struct store_stmt) not yet prepared on this session — then the
 * statement, then, inside a transaction whose id is not known yet, the
 * question for it; then a Sync, and reads every answer. A failure stops
 * the batch there (PostgreSQL skips the rest up to the Sync), so a
 * statement never runs without its role, its BEGIN or its preparation.
 * The connection is out of pipeline mode between calls, so raw libpq use
 * (LISTEN's notifications, the migrations) is unaffected.
 */

static const struct store_stmt actor_stmt = {
	"fm_actor",
	"SELECT set_config('fairmatch.role', $1, false), set_config('fairmatch.org', $2, false)", 2};
static const struct store_stmt begin_stmt = {"fm_begin", "BEGIN", 0};
const struct store_stmt store__commit_stmt = {"fm_commit", "COMMIT", 0};
const struct store_stmt store__xid_stmt = {"fm_xid",
					   "SELECT pg_current_xact_id_if_assigned()::text", 0};

enum piece_role { PR_PREPARE, PR_ACTOR, PR_BEGIN, PR_BEFORE, PR_MAIN, PR_XID };

struct piece {
	enum piece_role role;
	const struct store_stmt *st; /* NULL: sql, unnamed */
	const char *sql;
	int nparams;
	const char *const *params;
};

#define PIECES_MAX 11

static int is_prepared(const store *s, const struct store_stmt *st)
{
	int i;

	for (i = 0; i < s->nprepared; i++)
		if (s->prepared[i] == st)
			return 1;
	return 0;
}

static void add_piece(store *s, struct piece *pc, int *n, enum piece_role role,
		      const struct store_stmt *st, const char *sql, int nparams,
		      const char *const *params)
{
	if (st && !is_prepared(s, st) && s->nprepared < STORE_PREPARED_MAX)
		pc[(*n)++] = (struct piece){PR_PREPARE, st, st->sql, st->nparams, NULL};
	if (st && !is_prepared(s, st) && s->nprepared >= STORE_PREPARED_MAX)
		st = NULL; /* no room: sent unnamed, parsed each time */
	pc[(*n)++] = (struct piece){role, st, sql, nparams, params};
}

/* Records a failed statement's error. r may be NULL (nothing came back). */
static void record_failure(store *s, PGresult *r)
{
	/* Only the primary message: the DETAIL ("Failing row contains (...)")
	 * can quote a row's values, and this text reaches answers and logs. */
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (primary && *primary)
		store__set_error(s, primary, r);
	else if (r && PQresultErrorMessage(r)[0])
		store__set_error(s, PQresultErrorMessage(r), r);
	else
		store__set_error(s, PQerrorMessage(s->pg)[0] ? PQerrorMessage(s->pg)
						      : "the connection to the database was lost",
			  r);
}

static int ok_status(const PGresult *r)
{
	return r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
}

/* Leaves pipeline mode, collecting whatever is left; gives up on a broken
 * connection (the next store_ensure resets it, which also ends the mode). */
static void leave_pipeline(store *s)
{
	PGresult *r;
	int guard;

	for (guard = 0; PQpipelineStatus(s->pg) != PQ_PIPELINE_OFF && guard < 64; guard++) {
		if (PQexitPipelineMode(s->pg))
			break;
		if (PQstatus(s->pg) != CONNECTION_OK)
			break;
		r = PQgetResult(s->pg);
		PQclear(r);
	}
}

/* One round trip for one statement (st, or sql with nparams/params), with
 * whatever it needs before it and the transaction id question after it;
 * before (when not NULL) is a statement sent just ahead of it, whose
 * failure skips it. Returns the statement's result (COMMAND_OK or
 * TUPLES_OK) or NULL with the error recorded. */
PGresult *store__roundtrip2(store *s, const struct store_stmt *before,
			    const char *const *before_params, const struct store_stmt *st,
			    const char *sql, int nparams, const char *const *params)
{
	const char *actor[2] = {s->actor_role, s->actor_org};
	struct piece pc[PIECES_MAX];
	PGresult *res[PIECES_MAX] = {0}, *out = NULL, *bad = NULL, *r;
	PGTransactionStatusType t = PQtransactionStatus(s->pg);
	int n = 0, queued = 0, synced = 0, got = 0, i, in_txn, ask_xid;

	in_txn = s->begin_pending || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
	ask_xid = in_txn && !s->xid[0] && st != &store__xid_stmt && st != &store__commit_stmt;
	if (!s->actor_sent)
		add_piece(s, pc, &n, PR_ACTOR, &actor_stmt, actor_stmt.sql, 2, actor);
	if (s->begin_pending)
		add_piece(s, pc, &n, PR_BEGIN, &begin_stmt, begin_stmt.sql, 0, NULL);
	if (before)
		add_piece(s, pc, &n, PR_BEFORE, before, before->sql, before->nparams,
			  before_params);
	add_piece(s, pc, &n, PR_MAIN, st, st ? st->sql : sql, st ? st->nparams : nparams, params);
	if (ask_xid)
		add_piece(s, pc, &n, PR_XID, &store__xid_stmt, store__xid_stmt.sql, 0, NULL);

	if (PQstatus(s->pg) == CONNECTION_OK && PQenterPipelineMode(s->pg)) {
		for (queued = 0; queued < n; queued++) {
			const struct piece *p = &pc[queued];
			int ok;

			if (p->role == PR_PREPARE)
				ok = PQsendPrepare(s->pg, p->st->name, p->sql, p->nparams, NULL);
			else if (p->st)
				ok = PQsendQueryPrepared(s->pg, p->st->name, p->nparams, p->params, NULL,
							 NULL, 0);
			else
				ok = PQsendQueryParams(s->pg, p->sql, p->nparams, NULL, p->params, NULL,
						       NULL, 0);
			if (!ok)
				break;
		}
		/* What was queued is sent and answered even when a later piece
		 * could not be queued, so the session stays in step. */
		synced = PQpipelineSync(s->pg);
	}
	/* From here on BEGIN may have reached the server: no longer pending. */
	if (queued > 0 && s->begin_pending) {
		s->begin_pending = 0;
		s->xid[0] = '\0';
	}
	if (queued > 0 && in_txn && st != &store__xid_stmt && st != &store__commit_stmt)
		s->xid_fresh = 0; /* until the question below is answered */
	if (synced) {
		for (got = 0; got < queued; got++) {
			PGresult *first = NULL;

			while ((r = PQgetResult(s->pg)) != NULL) {
				if (!first)
					first = r;
				else
					PQclear(r);
			}
			if (!first)
				break; /* the connection went away: nothing more comes */
			res[got] = first;
		}
		if (got == queued) {
			r = PQgetResult(s->pg); /* the Sync's */
			PQclear(r);
		}
	}

	for (i = 0; i < got; i++) {
		const struct piece *p = &pc[i];

		r = res[i];
		if (ok_status(r)) {
			switch (p->role) {
			case PR_PREPARE:
				if (!is_prepared(s, p->st) && s->nprepared < STORE_PREPARED_MAX)
					s->prepared[s->nprepared++] = p->st;
				break;
			case PR_ACTOR:
				s->actor_sent = 1;
				snprintf(s->held_role, sizeof s->held_role, "%s", s->actor_role);
				snprintf(s->held_org, sizeof s->held_org, "%s", s->actor_org);
				s->held_valid = 1;
				break;
			case PR_XID:
				if (PQntuples(r) == 1) {
					snprintf(s->xid, sizeof s->xid, "%s",
						 PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
					s->xid_fresh = 1;
				}
				break;
			default:
				break;
			}
		} else if (!bad && PQresultStatus(r) != PGRES_PIPELINE_ABORTED) {
			bad = r; /* the first real failure: the rest was skipped */
		}
		if (p->role == PR_MAIN && ok_status(r)) {
			out = r;
			res[i] = NULL;
		}
	}
	/* The role is set inside the batch's transaction (the implicit one up
	 * to the Sync, or the one the batch's BEGIN opened): when anything in
	 * the batch failed, that transaction may undo it. */
	if (bad || got < queued || queued < n)
		for (i = 0; i < n; i++)
			if (pc[i].role == PR_ACTOR) {
				s->actor_sent = 0;
				s->held_valid = 0;
			}
	if (out) {
		s->err[0] = '\0';
		s->sqlstate[0] = '\0';
		s->disconnected = 0;
	} else {
		record_failure(s, bad);
	}
	/* The statement succeeded but the connection went before the rest:
	 * the next statement finds it broken. */
	if (out && (got < queued || queued < n) && PQstatus(s->pg) != CONNECTION_OK)
		s->lost = 1;
	for (i = 0; i < got; i++)
		PQclear(res[i]);
	if (queued > 0 && !synced && PQstatus(s->pg) == CONNECTION_OK) {
		/* Pieces queued that no Sync follows: their answers would never
		 * be flushed, and waiting for them would hang. The session is
		 * out of step; start a new one (nothing was committed: COMMIT is
		 * a batch of its own and settles through the lost-connection
		 * path above). */
		store__new_session(s);
		PQreset(s->pg);
	}
	leave_pipeline(s);
	return out;
}

PGresult *store__roundtrip(store *s, const struct store_stmt *st, const char *sql, int nparams,
			   const char *const *params)
{
	return store__roundtrip2(s, NULL, NULL, st, sql, nparams, params);
}

/*
 * A statement that cannot run in a transaction block, nor after another
 * statement of the same batch (VACUUM ...): sent on its own, the role first
 * if the session lacks it.
 */
static PGresult *exec_alone(store *s, const char *sql, int nparams, const char *const *params)
{
	const char *actor[2] = {s->actor_role, s->actor_org};
	PGresult *r = NULL;

	if (!s->actor_sent) {
		r = PQexecParams(s->pg, actor_stmt.sql, 2, NULL, actor, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK) {
			s->actor_sent = 1;
			snprintf(s->held_role, sizeof s->held_role, "%s", s->actor_role);
			snprintf(s->held_org, sizeof s->held_org, "%s", s->actor_org);
			s->held_valid = 1;
			PQclear(r);
			r = NULL;
		} else if (!r) {
			r = PQmakeEmptyPGresult(s->pg, PGRES_FATAL_ERROR);
		}
	}
	if (!r)
		r = PQexecParams(s->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	if (ok_status(r)) {
		s->err[0] = '\0';
		s->sqlstate[0] = '\0';
		s->disconnected = 0;
		return r;
	}
	record_failure(s, r);
	PQclear(r);
	return NULL;
}

static PGresult *exec_any(store *s, const struct store_stmt *st, const char *sql, int nparams,
			  const char *const *params)
{
	PGresult *r;

	switch (autocommit_kind(s, st ? st->sql : sql)) {
	case 1:
		/* A write on its own: BEGIN, the write and the question for the
		 * transaction id in one round trip, then store_commit (which can
		 * settle a lost COMMIT) in a second, so that a lost connection
		 * never leaves its outcome unknown. */
		if (store_begin(s))
			return NULL;
		r = store__roundtrip(s, st, sql, nparams, params);
		if (!r || store_commit(s)) {
			PQclear(r);
			store_rollback(s);
			return NULL;
		}
		return r;
	case 2:
		s->maybe_committed = 1;
		return exec_alone(s, sql, nparams, params);
	}
	return store__roundtrip(s, st, sql, nparams, params);
}

PGresult *store_exec(store *s, const char *sql, int nparams, const char *const *params)
{
	return exec_any(s, NULL, sql, nparams, params);
}

PGresult *store_exec_stmt(store *s, const struct store_stmt *st, const char *const *params)
{
	return exec_any(s, st, NULL, st->nparams, params);
}

int store_run(store *s, const char *sql, int nparams, const char *const *params)
{
	PGresult *r = store_exec(s, sql, nparams, params);

	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

int store_run_stmt(store *s, const struct store_stmt *st, const char *const *params)
{
	PGresult *r = store_exec_stmt(s, st, params);

	if (!r)
		return -1;
	PQclear(r);
	return 0;
}
