/*
 * store.c - one PostgreSQL connection: migrations, reconnects, parameterised
 * statements and the change-log insert that orders index updates.
 */
#include "engine/store/store.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "engine/store/migrations.h"

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
#define SETTLE_MS 5000

static atomic_uint_fast64_t reconnects;

/* NOTICEs ("relation already exists, skipping") are not errors: drop them. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

void store_default_conninfo(char *buf, size_t len)
{
	const char *env = getenv("FAIRMATCH_DB");
	char cwd[4096];

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (!getcwd(cwd, sizeof cwd))
		snprintf(cwd, sizeof cwd, ".");
	snprintf(buf, len, "host=%s/var/run port=%s user=fairmatch dbname=fairmatch", cwd,
		 getenv("FAIRMATCH_PGPORT") ? getenv("FAIRMATCH_PGPORT") : "5432");
}

/* Appends key='value' to buf, quoted as libpq wants (\\ and \' escaped). */
static int conninfo_append(char *buf, size_t len, size_t *at, const char *key, const char *val)
{
	size_t n = *at;
	const char *v;

	if (n + strlen(key) + 4 >= len)
		return -1;
	n += (size_t)snprintf(buf + n, len - n, "%s%s='", n ? " " : "", key);
	for (v = val; *v; v++) {
		if (n + 3 >= len)
			return -1;
		if (*v == '\\' || *v == '\'')
			buf[n++] = '\\';
		buf[n++] = *v;
	}
	if (n + 2 >= len)
		return -1;
	buf[n++] = '\'';
	buf[n] = '\0';
	*at = n;
	return 0;
}

int store_role_conninfo(const char *conninfo, const char *role, char *buf, size_t len,
			char *err, size_t errlen)
{
	PQconninfoOption *opts, *o;
	char *perr = NULL;
	size_t at = 0;
	int rc = 0;

	if (len)
		buf[0] = '\0';
	opts = PQconninfoParse(conninfo, &perr);
	if (!opts) {
		snprintf(err, errlen, "bad connection string: %s", perr ? perr : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		PQfreemem(perr);
		return -1;
	}
	for (o = opts; o->keyword && rc == 0; o++) {
		/* The owner's user and password are not the role's. */
		if (!o->val || strcmp(o->keyword, "user") == 0 || strcmp(o->keyword, "password") == 0)
			continue;
		rc = conninfo_append(buf, len, &at, o->keyword, o->val);
	}
	if (rc == 0)
		rc = conninfo_append(buf, len, &at, "user", role);
	PQconninfoFree(opts);
	if (rc)
		snprintf(err, errlen, "connection string too long");
	return rc;
}

void store_server_conninfo(const char *conninfo, char *buf, size_t len)
{
	const char *env = getenv("FAIRMATCH_SERVER_DB");
	char err[256];

	if (env && *env)
		snprintf(buf, len, "%s", env);
	else if (store_role_conninfo(conninfo, STORE_SERVER_ROLE, buf, len, err, sizeof err))
		snprintf(buf, len, "%s", conninfo); /* unparsable: connecting reports it */
}

void store_set_actor(store *s, const char *role, const char *org)
{
	if (!s)
		return;
	role = role ? role : "";
	org = org ? org : "";
	if (strcmp(s->actor_role, role) == 0 && strcmp(s->actor_org, org) == 0)
		return;
	snprintf(s->actor_role, sizeof s->actor_role, "%s", role);
	snprintf(s->actor_org, sizeof s->actor_org, "%s", org);
	s->actor_sent = s->held_valid && strcmp(s->held_role, role) == 0 &&
			strcmp(s->held_org, org) == 0;
}

static void set_error(store *s, const char *msg, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	size_t n;

	snprintf(s->err, sizeof s->err, "%s", msg ? msg : "unknown database error");
	n = strlen(s->err);
	while (n > 0 && (s->err[n - 1] == '\n' || s->err[n - 1] == ' '))
		s->err[--n] = '\0';
	snprintf(s->sqlstate, sizeof s->sqlstate, "%s", state ? state : "");
	/* Class 08 is a connection exception; a NULL result or a bad connection
	 * status means the server is gone. 57P01..57P03: shutting down. */
	s->disconnected = PQstatus(s->pg) != CONNECTION_OK || !state ||
			  strncmp(s->sqlstate, "08", 2) == 0 || strncmp(s->sqlstate, "57P", 3) == 0;
	if (s->disconnected)
		s->lost = 1;
}

/* An error that is not the connection's: nothing was lost. */
static void set_plain_error(store *s, const char *msg)
{
	snprintf(s->err, sizeof s->err, "%s", msg);
	s->sqlstate[0] = '\0';
	s->disconnected = 0;
}

int64_t store_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void store_unit_start(store *s)
{
	s->lost = 0;
	s->maybe_committed = 0;
}

int store_unit_retryable(const store *s)
{
	return s->lost && !s->maybe_committed;
}

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

int store_connect(const char *conninfo, store **out, char *err, size_t errlen)
{
	store *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->pg = PQconnectdb(conninfo);
	if (!s->pg || PQstatus(s->pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to postgresql: %s",
			 s->pg ? PQerrorMessage(s->pg) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		PQfinish(s->pg);
		free(s);
		return -1;
	}
	PQsetNoticeProcessor(s->pg, ignore_notice, NULL);
	*out = s;
	return 0;
}

void store_close(store *s)
{
	if (!s)
		return;
	PQfinish(s->pg);
	free(s);
}

PGconn *store_pg(store *s)
{
	return s->pg;
}

const char *store_error(const store *s)
{
	return s->err;
}

const char *store_sqlstate(const store *s)
{
	return s->sqlstate;
}

int store_was_disconnect(const store *s)
{
	return s->disconnected;
}

uint64_t store_reconnects(void)
{
	return atomic_load(&reconnects);
}

/* Before PQreset: no statement is prepared on the new session, and it holds
 * no acting role. A transaction of the old session is gone with it. */
static void new_session(store *s)
{
	s->nprepared = 0;
	s->actor_sent = 0;
	s->held_valid = 0;
	s->xid[0] = '\0';
}

int store_ensure(store *s)
{
	PGresult *r;

	if (PQstatus(s->pg) == CONNECTION_OK && PQtransactionStatus(s->pg) != PQTRANS_UNKNOWN) {
		/* An idle connection the server closed (a restart) still looks
		 * fine until read: a non-blocking read finds the goodbye and the
		 * end of the stream, so the next unit starts on a live connection
		 * instead of failing its first statement. */
		if (PQtransactionStatus(s->pg) != PQTRANS_IDLE ||
		    (PQconsumeInput(s->pg) && !PQisBusy(s->pg) && PQconsumeInput(s->pg) &&
		     PQstatus(s->pg) == CONNECTION_OK))
			return 0;
	}
	new_session(s);
	PQreset(s->pg);
	if (PQstatus(s->pg) != CONNECTION_OK) {
		set_error(s, PQerrorMessage(s->pg), NULL);
		return -1;
	}
	atomic_fetch_add(&reconnects, 1);
	s->actor_sent = 0; /* a new session */
	s->held_valid = 0;
	/* A reset connection is a new session: nothing to restore today, but
	 * the round trip proves the server really answers. */
	r = PQexec(s->pg, "SELECT 1");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_error(s, PQerrorMessage(s->pg), r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

int store_reconnect_wait(store *s, int64_t deadline_ms)
{
	int64_t now;
	int delay = 50;

	for (;;) {
		if (store_ensure(s) == 0)
			return 0;
		now = store_now_ms();
		if (now >= deadline_ms)
			return -1;
		if (delay > deadline_ms - now)
			delay = (int)(deadline_ms - now);
		nanosleep(&(struct timespec){delay / 1000, (long)(delay % 1000) * 1000000L}, NULL);
		if (delay < 400)
			delay *= 2;
	}
}

/* ---- statements and round trips ----
 *
 * Every statement goes through roundtrip(): in libpq's pipeline mode it
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
static const struct store_stmt commit_stmt = {"fm_commit", "COMMIT", 0};
static const struct store_stmt xid_stmt = {"fm_xid",
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
		set_error(s, primary, r);
	else if (r && PQresultErrorMessage(r)[0])
		set_error(s, PQresultErrorMessage(r), r);
	else
		set_error(s, PQerrorMessage(s->pg)[0] ? PQerrorMessage(s->pg)
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
static PGresult *roundtrip2(store *s, const struct store_stmt *before,
			    const char *const *before_params, const struct store_stmt *st,
			    const char *sql, int nparams, const char *const *params)
{
	const char *actor[2] = {s->actor_role, s->actor_org};
	struct piece pc[PIECES_MAX];
	PGresult *res[PIECES_MAX] = {0}, *out = NULL, *bad = NULL, *r;
	PGTransactionStatusType t = PQtransactionStatus(s->pg);
	int n = 0, queued = 0, synced = 0, got = 0, i, in_txn, ask_xid;

	in_txn = s->begin_pending || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
	ask_xid = in_txn && !s->xid[0] && st != &xid_stmt && st != &commit_stmt;
	if (!s->actor_sent)
		add_piece(s, pc, &n, PR_ACTOR, &actor_stmt, actor_stmt.sql, 2, actor);
	if (s->begin_pending)
		add_piece(s, pc, &n, PR_BEGIN, &begin_stmt, begin_stmt.sql, 0, NULL);
	if (before)
		add_piece(s, pc, &n, PR_BEFORE, before, before->sql, before->nparams,
			  before_params);
	add_piece(s, pc, &n, PR_MAIN, st, st ? st->sql : sql, st ? st->nparams : nparams, params);
	if (ask_xid)
		add_piece(s, pc, &n, PR_XID, &xid_stmt, xid_stmt.sql, 0, NULL);

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
	if (queued > 0 && in_txn && st != &xid_stmt && st != &commit_stmt)
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
		new_session(s);
		PQreset(s->pg);
	}
	leave_pipeline(s);
	return out;
}

static PGresult *roundtrip(store *s, const struct store_stmt *st, const char *sql, int nparams,
			   const char *const *params)
{
	return roundtrip2(s, NULL, NULL, st, sql, nparams, params);
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
		r = roundtrip(s, st, sql, nparams, params);
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
	return roundtrip(s, st, sql, nparams, params);
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

int store_begin(store *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->pg);

	if (s->begin_pending || t == PQTRANS_INTRANS || t == PQTRANS_INERROR) {
		set_plain_error(s, "a transaction is already open");
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
	if (store_reconnect_wait(s, store_now_ms() + SETTLE_MS))
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
		r = roundtrip(s, last, NULL, last->nparams, params);
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
		r = roundtrip(s, &xid_stmt, NULL, 0, NULL);
		if (!r)
			return -1;
		snprintf(s->xid, sizeof s->xid, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	snprintf(xid, sizeof xid, "%s", s->xid);
	r = roundtrip2(s, last, params, &commit_stmt, NULL, 0, NULL);
	end_transaction(s);
	if (r) {
		/* COMMIT of a transaction a failed statement had aborted answers
		 * ROLLBACK: nothing was committed, and saying so is the truth. */
		rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
		PQclear(r);
		if (!rolled_back)
			return 0;
		set_plain_error(s, "the transaction had failed and was rolled back");
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


int store_log_change(store *s, const char *object_type, int64_t object_id, int64_t *seq)
{
	char lock[32], id[32];
	const char *p[2] = {object_type, id};
	PGresult *r;

	snprintf(lock, sizeof lock, "%d", STORE_CHANGE_LOG_LOCK);
	snprintf(id, sizeof id, "%lld", (long long)object_id);
	if (store_run(s, "SELECT pg_advisory_xact_lock($1::bigint)", 1, (const char *const[]){lock}))
		return -1;
	r = store_exec(s, "INSERT INTO change_log (object_type, object_id) VALUES ($1, $2) RETURNING seq",
		       2, p);
	if (!r)
		return -1;
	if (seq)
		*seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

void store_problem(const store *s, problem *p)
{
	if (s->disconnected || PQstatus(s->pg) != CONNECTION_OK)
		problem_set(p, 503, "Service unavailable", "the database is unreachable; retry shortly");
	else if (strcmp(s->sqlstate, "40001") == 0 || strcmp(s->sqlstate, "40P01") == 0)
		problem_set(p, 503, "Service unavailable", "the request conflicted with another; retry");
	else
		problem_set(p, 503, "Service unavailable", "the database refused the operation: %s",
			    s->err);
}

int store_fail(store *s, problem *p, json_t **out)
{
	store_rollback(s);
	if (out) {
		json_decref(*out);
		*out = NULL;
	}
	if (!p->status)
		store_problem(s, p);
	return -1;
}

int store_migrate(store *s)
{
	char v[16];
	size_t i;
	PGresult *r;
	int known;

	if (store_run(s,
		      "CREATE TABLE IF NOT EXISTS schema_migrations ("
		      " version integer PRIMARY KEY, name text NOT NULL,"
		      " applied_at timestamptz NOT NULL DEFAULT now())",
		      0, NULL) &&
	    strcmp(s->sqlstate, "23505") != 0 && strcmp(s->sqlstate, "42P07") != 0)
		return -1;
	for (i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];

		snprintf(v, sizeof v, "%d", m->version);
		if (store_begin(s))
			return -1;
		/* Serialises concurrent servers applying the same migration. */
		if (store_run(s, "SELECT pg_advisory_xact_lock(727000)", 0, NULL))
			goto fail;
		r = store_exec(s, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
			       (const char *const[]){v});
		if (!r)
			goto fail;
		known = PQntuples(r) > 0;
		PQclear(r);
		if (known) {
			store_rollback(s);
			continue;
		}
		r = PQexec(s->pg, m->sql);
		s->xid_fresh = 0; /* it may have written: store_commit asks for the id */
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
			char msg[400];

			snprintf(msg, sizeof msg, "migration %s: %s", m->name, PQresultErrorMessage(r));
			set_error(s, msg, r);
			PQclear(r);
			goto fail;
		}
		PQclear(r);
		if (store_run(s, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2,
			      (const char *const[]){v, m->name}) ||
		    store_commit(s))
			goto fail;
	}
	return 0;
fail:
	store_rollback(s);
	return -1;
}
