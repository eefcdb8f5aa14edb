/*
 * store.c - one PostgreSQL connection: migrations, reconnects, parameterised
 * statements and the change-log insert that orders index updates.
 */
#include "engine/store.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "engine/migrations.h"

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
	/* The unit of work since store_unit_start() (see store.h). */
	int lost;            /* the connection went away during it */
	int maybe_committed; /* something it sent may have been committed */
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
	s->actor_sent = 0;
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

	if (PQstatus(s->pg) != CONNECTION_OK || PQtransactionStatus(s->pg) != PQTRANS_IDLE)
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
	PQreset(s->pg);
	if (PQstatus(s->pg) != CONNECTION_OK) {
		set_error(s, PQerrorMessage(s->pg), NULL);
		return -1;
	}
	atomic_fetch_add(&reconnects, 1);
	s->actor_sent = 0; /* a new session */
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

/*
 * Sends the acting role and organisation when the session does not hold
 * them yet. Session-wide (is_local false), so statements outside a
 * transaction see them too; a rollback undoes a set_config made inside the
 * transaction, so store_rollback marks them unsent again.
 */
static PGresult *send_actor(store *s)
{
	const char *p[2] = {s->actor_role, s->actor_org};
	PGresult *r = PQexecParams(s->pg,
				   "SELECT set_config('fairmatch.role', $1, false),"
				   " set_config('fairmatch.org', $2, false)",
				   2, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		PQclear(r);
		s->actor_sent = 1;
		return NULL;
	}
	return r ? r : PQmakeEmptyPGresult(s->pg, PGRES_FATAL_ERROR);
}

static PGresult *exec_plain(store *s, const char *sql, int nparams, const char *const *params)
{
	PGresult *r = s->actor_sent ? NULL : send_actor(s);
	const char *primary;
	ExecStatusType st;

	if (!r)
		r = PQexecParams(s->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(r);

	if (r && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) {
		s->err[0] = '\0';
		s->sqlstate[0] = '\0';
		s->disconnected = 0;
		return r;
	}
	/* Only the primary message: the DETAIL ("Failing row contains (...)")
	 * can quote a row's values, and this text reaches answers and logs. */
	primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary && *primary)
		set_error(s, primary, r);
	else if (r && PQresultErrorMessage(r)[0])
		set_error(s, PQresultErrorMessage(r), r);
	else
		set_error(s, PQerrorMessage(s->pg), r);
	PQclear(r);
	return NULL;
}

PGresult *store_exec(store *s, const char *sql, int nparams, const char *const *params)
{
	PGresult *r;

	switch (autocommit_kind(s, sql)) {
	case 1:
		/* A write on its own: BEGIN, the write, store_commit (which can
		 * settle a lost COMMIT). Three more round trips, bought so that a
		 * lost connection never leaves its outcome unknown. */
		if (store_begin(s))
			return NULL;
		r = exec_plain(s, sql, nparams, params);
		if (!r || store_commit(s)) {
			PQclear(r);
			store_rollback(s);
			return NULL;
		}
		return r;
	case 2:
		s->maybe_committed = 1;
		break;
	}
	return exec_plain(s, sql, nparams, params);
}

int store_run(store *s, const char *sql, int nparams, const char *const *params)
{
	PGresult *r = store_exec(s, sql, nparams, params);

	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

int store_begin(store *s)
{
	return store_run(s, "BEGIN", 0, NULL);
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

int store_commit(store *s)
{
	char xid[32] = "";
	PGresult *r;

	/* The transaction's id, asked before COMMIT is sent (a lost answer to
	 * COMMIT leaves nothing else to ask about); NULL when it wrote nothing. */
	r = store_exec(s, "SELECT pg_current_xact_id_if_assigned()::text", 0, NULL);
	if (!r)
		return -1;
	if (!PQgetisnull(r, 0, 0))
		snprintf(xid, sizeof xid, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (store_run(s, "COMMIT", 0, NULL) == 0)
		return 0;
	if (!s->disconnected || !xid[0])
		return -1; /* refused by the server, or nothing to commit: nothing committed */
	return settle_commit(s, xid);
}

void store_rollback(store *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->pg);
	PGresult *r;

	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR) {
		r = PQexec(s->pg, "ROLLBACK");
		PQclear(r);
		s->actor_sent = 0;
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
