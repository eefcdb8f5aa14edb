/*
 * engine.h - the fairmatch engine: matching, scoring, integrity rules, the
 * domain records and the PostgreSQL store, in the folders below engine/
 * (core, store, taxonomy, integrity, match, quota, indexer) and the record
 * modules beside this header. cli/ and api/ call into it; it calls neither.
 *
 * engine_start/engine_stop are the one place that orders the engine's
 * long-running parts for a server: the taxonomy first (the first write
 * needs it), then the vacancy index (made when missing) and the background
 * indexer, then the integrity snapshot and its refresher, then the
 * key revocation watch, then the retention thread; engine_stop stops them in the reverse order. One
 * engine per process: these parts are process-wide. Before it,
 * engine_prepare_db readies the database for the server.
 */
#ifndef FAIRMATCH_ENGINE_H
#define FAIRMATCH_ENGINE_H

#include <stddef.h>

struct engine_config {
	const char *conninfo;   /* PostgreSQL, as the server role (store_server_conninfo) */
	const char *index_path; /* the vacancy index, which the indexer keeps */
	int retention_months;   /* erase profiles untouched this long, hourly; 0: never */
	int no_expire;          /* 1: no nightly close of expired vacancies (vacancy_expire_start) */
};

/* Migrates the schema as the owner (owner_conninfo), then puts the server
 * role's connection string (store_server_conninfo) into server_conninfo and
 * checks that it logs in: everything after the migration runs as that role,
 * which owns no table and is held to the acting organisation by row-level
 * security (data/sql/006_roles.sql). -1 with the reason in err. */
int engine_prepare_db(const char *owner_conninfo, char *server_conninfo, size_t len, char *err,
		      size_t errlen);
/* The database's id as engine_prepare_db read it ("" before): the index
 * records it, and an index of another database is rebuilt. */
const char *engine_database_id(void);
/* Starts every part in order. On failure the parts already started are
 * stopped again and err says which part failed; -1. */
int engine_start(const struct engine_config *cfg, char *err, size_t errlen);
/* Stops what engine_start started, last first. */
void engine_stop(void);

#endif
