/*
 * identity.c - which database an index belongs to (see indexer.h). The
 * index is derived from one PostgreSQL database; an index directory kept
 * across a database that was dropped and created again (or restored from
 * an older backup) would otherwise be trusted: its last seq looks current
 * and matching serves vacancies the database no longer has.
 *
 * The database's id is a random value made at its first migration by the
 * server (server_secrets 'database_id'); every writer stamps it into the
 * index metadata, and an index of another id, or one that has applied
 * more of the change log than the database holds, is emptied and rebuilt.
 */
#include "engine/indexer/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/schema.h"

int indexer_database_id(store *owner, char id[INDEXER_DATABASE_ID_LEN + 1])
{
	PGresult *r;
	int ok;

	/* Made once, by whichever server or command gets here first. */
	r = store_exec(owner,
		       "INSERT INTO server_secrets (name, secret) VALUES ('database_id',"
		       " decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),"
		       " 'hex')) ON CONFLICT (name) DO NOTHING",
		       0, NULL);
	if (!r)
		return -1;
	PQclear(r);
	r = store_exec(owner,
		       "SELECT encode(secret, 'hex') FROM server_secrets WHERE name = 'database_id'", 0,
		       NULL);
	if (!r)
		return -1;
	ok = PQntuples(r) == 1 && strlen(PQgetvalue(r, 0, 0)) >= INDEXER_DATABASE_ID_LEN;
	if (ok)
		snprintf(id, INDEXER_DATABASE_ID_LEN + 1, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return ok ? 0 : -1;
}

/* The newest seq of the change log (0 when empty), or -1. */
static int64_t newest_seq(store *s)
{
	PGresult *r = store_exec(s, "SELECT coalesce(max(seq), 0) FROM change_log", 0, NULL);
	int64_t v;

	if (!r)
		return -1;
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

int indexer_claim(store *s, index_db *w, const char *dbid, int *rebuilt, char *err, size_t errlen)
{
	char *have = NULL;
	int64_t seq = indexer_index_seq(w), newest;
	uint64_t docs = 0;
	index_error e = {{0}};
	int foreign;

	*rebuilt = 0;
	if (!dbid || !*dbid)
		return 0; /* no identity known (a test calling the engine directly) */
	newest = newest_seq(s);
	if (newest < 0) {
		snprintf(err, errlen, "reading the change log: %s", store_error(s));
		return -1;
	}
	if (index_get_metadata(w, VX_META_DATABASE, &have, &e) || index_doc_count(w, &docs, &e)) {
		snprintf(err, errlen, "reading the index: %s", e.msg);
		free(have);
		return -1;
	}
	/* Another database's, or ahead of this one's log (made before the
	 * database was recreated, or the database restored from an older
	 * backup): nothing in it can be trusted. */
	foreign = (have && strcmp(have, dbid) != 0) || seq > newest;
	if (foreign) {
		fprintf(stderr,
			"fairmatch: the index holds %llu documents up to change %lld of %s; this "
			"database (%.12s…) has %lld changes: emptying the index and building it "
			"from PostgreSQL\n",
			(unsigned long long)docs, (long long)seq,
			have ? "another database" : "an unknown database", dbid, (long long)newest);
		if (index_delete_all(w, &e) || index_set_metadata(w, VX_META_LAST_SEQ, "0", &e) ||
		    index_set_metadata(w, VX_META_FORMAT, NULL, &e)) {
			snprintf(err, errlen, "emptying the index: %s", e.msg);
			free(have);
			return -1;
		}
		*rebuilt = 1;
	}
	if (foreign || !have) {
		if (index_set_metadata(w, VX_META_DATABASE, dbid, &e) || index_commit(w, &e)) {
			snprintf(err, errlen, "stamping the index: %s", e.msg);
			free(have);
			return -1;
		}
	}
	free(have);
	return 0;
}

int indexer_belongs(index_db *db, const char *dbid)
{
	char *have = NULL;
	index_error e;
	int yes;

	if (!dbid || !*dbid)
		return 1;
	if (index_get_metadata(db, VX_META_DATABASE, &have, &e))
		return 0;
	yes = have && strcmp(have, dbid) == 0;
	free(have);
	return yes;
}
