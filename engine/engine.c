/*
 * engine.c - starting and stopping the engine's long-running parts in one
 * order (see engine.h), so a server, a test or a future face all get the
 * same order.
 */
#include "engine/engine.h"

#include <stdio.h>

#include "engine/core/cursor.h"
#include "engine/core/fs.h"
#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
#include "engine/integrity/names.h"
#include "engine/keys.h"
#include "engine/match/match.h"
#include "engine/retention.h"
#include "engine/vacancy.h"
#include "engine/taxonomy/esco.h"
#include "engine/store/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "index/index.h"

#define ENGINE_READY_WAIT_MS 5000

/* The key the API's cursors are signed with, kept in the database (only
 * the owner may read it), so cursors outlive a restart and are valid on
 * every server sharing the database. */
static int load_cursor_key(store *s)
{
	unsigned char key[64];
	size_t n = 0;
	const char *hex;
	PGresult *r = store_exec(s, "SELECT encode(secret, 'hex') FROM server_secrets"
				    " WHERE name = 'cursor'", 0, NULL);

	if (!r)
		return -1;
	hex = PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
	for (; hex[0] && hex[1] && n < sizeof key; hex += 2)
		if (sscanf(hex, "%2hhx", &key[n++]) != 1)
			break;
	PQclear(r);
	return cursor_set_key(key, n);
}

/* The database's id (indexer_database_id), read by engine_prepare_db as
 * the owner: the indexer refuses to trust an index of another database. */
static char database_id[INDEXER_DATABASE_ID_LEN + 1];

const char *engine_database_id(void)
{
	return database_id;
}

int engine_prepare_db(const char *owner_conninfo, char *server_conninfo, size_t len, char *err,
		      size_t errlen)
{
	char serr[512];
	store *s;

	if (store_connect(owner_conninfo, &s, serr, sizeof serr)) {
		snprintf(err, errlen, "%s", serr);
		return -1;
	}
	if (store_migrate(s)) {
		snprintf(err, errlen, "migrating the schema: %s", store_error(s));
		store_close(s);
		return -1;
	}
	/* as the owner, like the migrations: the server role cannot */
	if (integrity_renormalise(s, NULL, serr, sizeof serr)) {
		snprintf(err, errlen, "%s", serr);
		store_close(s);
		return -1;
	}
	if (load_cursor_key(s)) {
		snprintf(err, errlen, "reading the cursor key: %s", store_error(s));
		store_close(s);
		return -1;
	}
	if (indexer_database_id(s, database_id)) {
		snprintf(err, errlen, "reading the database id: %s", store_error(s));
		store_close(s);
		return -1;
	}
	store_close(s);
	store_server_conninfo(owner_conninfo, server_conninfo, len);
	if (store_connect(server_conninfo, &s, serr, sizeof serr)) {
		snprintf(err, errlen, "logging in as %s: %s (on a cluster with passwords,"
			 " set FAIRMATCH_SERVER_DB)", STORE_SERVER_ROLE, serr);
		return -1;
	}
	store_close(s);
	return 0;
}

/* The posting lists matches read whole on first use, read now
 * (match_keep_lists, as the benchmark does before its clock): at 1,000,000
 * vacancies 0.3 s and about 30 MB of the index's postings budget. Failing
 * only leaves them to the first matches, as before. */
static void keep_match_lists(const char *path)
{
	index_db *db = NULL;
	index_error e = {{0}};
	uint64_t kept = 0;

	if (index_open_readonly(path, &db, &e) == 0) {
		if (match_keep_lists(db, &kept, &e))
			fprintf(stderr, "fairmatch: keeping the match's posting lists: %s\n", e.msg);
		index_close(db);
	}
}

int engine_start(const struct engine_config *cfg, char *err, size_t errlen)
{
	/* ESCO and the taxonomy index before the first write needs them (the
	 * index is built here when missing or stale). */
	{
		char terr[512];

		json_t *warm;

		if (taxonomy_init(terr, sizeof terr)) {
			snprintf(err, errlen, "taxonomy: %s", terr);
			return -1;
		}
		/* The labels in memory are built on first use (under a second of
		 * CPU): build them now, not on the first request. */
		if ((warm = json_array()) != NULL) {
			(void)taxonomy_suggest(NULL, ESCO_KIND_SKILL, "a", "en", 1, warm);
			json_decref(warm);
		}
	}
	/* Make sure an index exists before readers open it; if another
	 * process holds the write lock, the index exists already. */
	{
		index_db *w = NULL;
		index_error e;

		if (fs_mkdir_parents(cfg->index_path) == 0 &&
		    index_open_writable(cfg->index_path, &w, &e) == 0)
			index_close(w);
	}
	if (indexer_start(cfg->conninfo, cfg->index_path, database_id)) {
		snprintf(err, errlen, "cannot start the indexer");
		return -1;
	}
	/* The legal-form table now, not on the first request; then the
	 * snapshot of flagged recruiters and its LISTEN thread. */
	/* A small index catches up in moments: wait for it, so the first
	 * requests are answered; a long build goes on while the server
	 * listens (health says "building", searches 503 meanwhile). */
	if (indexer_wait_ready(ENGINE_READY_WAIT_MS))
		keep_match_lists(cfg->index_path);
	if (names_init() || integrity_start(cfg->conninfo)) {
		snprintf(err, errlen, "cannot start the integrity snapshot");
		indexer_stop();
		return -1;
	}
	/* A key revoked on any server stops here within a moment. */
	if (keys_watch_start(cfg->conninfo)) {
		snprintf(err, errlen, "cannot start the key revocation watch");
		integrity_stop();
		indexer_stop();
		return -1;
	}
	if (retention_start(cfg->conninfo, cfg->retention_months)) {
		snprintf(err, errlen, "cannot start the retention thread");
		keys_watch_stop();
		integrity_stop();
		indexer_stop();
		return -1;
	}
	/* Expired vacancies leave the index nightly (and the change feed says so). */
	if (!cfg->no_expire && vacancy_expire_start(cfg->conninfo)) {
		snprintf(err, errlen, "cannot start the expiry thread");
		retention_stop();
		keys_watch_stop();
		integrity_stop();
		indexer_stop();
		return -1;
	}
	return 0;
}

void engine_stop(void)
{
	vacancy_expire_stop();
	retention_stop();
	keys_watch_stop();
	integrity_stop();
	indexer_stop();
}
