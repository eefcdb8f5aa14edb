/*
 * migrate.c - applying the schema migrations compiled into the binary
 * (the files of data/sql/, embedded by data/embed_sql.sh), each in a transaction
 * under an advisory lock so that concurrent servers apply each once.
 */
#include "engine/store/store.h"

#include <stdio.h>
#include <string.h>

#include "engine/store/internal.h"

#include "engine/store/migrations.h"

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
			store__set_error(s, msg, r);
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
