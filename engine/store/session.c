/*
 * session.c - one PostgreSQL session: conninfo, connecting, reconnecting
 * (store_ensure, store_reconnect_wait), the acting role, the unit of work
 * a request may run again, and the errors a failed statement leaves.
 */
#include "engine/store/store.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/store/internal.h"

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

void store__set_error(store *s, const char *msg, PGresult *r)
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
void store__set_plain_error(store *s, const char *msg)
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
void store__new_session(store *s)
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
	store__new_session(s);
	PQreset(s->pg);
	if (PQstatus(s->pg) != CONNECTION_OK) {
		store__set_error(s, PQerrorMessage(s->pg), NULL);
		return -1;
	}
	atomic_fetch_add(&reconnects, 1);
	s->actor_sent = 0; /* a new session */
	s->held_valid = 0;
	/* A reset connection is a new session: nothing to restore today, but
	 * the round trip proves the server really answers. */
	r = PQexec(s->pg, "SELECT 1");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		store__set_error(s, PQerrorMessage(s->pg), r);
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

void store_problem(const store *s, problem *p)
{
	if (s->disconnected || PQstatus(s->pg) != CONNECTION_OK)
		problem_set(p, PROBLEM_UNAVAILABLE, "the database is unreachable; retry shortly");
	else if (strcmp(s->sqlstate, "40001") == 0 || strcmp(s->sqlstate, "40P01") == 0)
		problem_set(p, PROBLEM_UNAVAILABLE, "the request conflicted with another; retry");
	else
		problem_set(p, PROBLEM_UNAVAILABLE, "the database refused the operation: %s",
			    s->err);
}

int store_fail(store *s, problem *p, json_t **out)
{
	store_rollback(s);
	if (out) {
		json_decref(*out);
		*out = NULL;
	}
	if (!p->kind)
		store_problem(s, p);
	return -1;
}
