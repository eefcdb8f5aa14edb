/*
 * retention.h - erasing what nobody needs any more (docs/privacy.md).
 *
 * Retention erases the profiles that nobody read, changed or matched for N
 * months (profiles.last_touched_at), each with an audit row, through the SQL
 * function fairmatch_retention (data/sql/006_roles.sql), so the server role
 * can do it without reading any organisation's rows. Compaction then makes
 * PostgreSQL rewrite the profiles table, so the bytes of erased profiles
 * leave its files (a DELETE only marks a row dead); it needs the owner.
 */
#ifndef FAIRMATCH_RETENTION_H
#define FAIRMATCH_RETENTION_H

#include "engine/store/store.h"

#define RETENTION_MONTHS_MAX 1200
/* How often `serve` applies retention (and once at start). */
#define RETENTION_INTERVAL_SECONDS 3600

/* Erases the profiles untouched for `months` (1..RETENTION_MONTHS_MAX) and
 * audits each; *erased gets their number. 0, or -1 (store_error(s)). */
int retention_apply(store *s, int months, long long *erased);

/* Rewrites the profiles table and its indexes (VACUUM FULL) and, when the
 * role may, forces a checkpoint, so erased rows leave the table's files.
 * Needs the owner's connection outside a transaction. 0, or -1. */
int retention_compact(store *s, char *err, size_t errlen);

/* Parses a month count ("12"); -1 if not an integer in 1..RETENTION_MONTHS_MAX. */
int retention_parse_months(const char *text);

/* The background thread of `serve`: applies retention every
 * RETENTION_INTERVAL_SECONDS over its own connection (conninfo: the server
 * role's). months 0: no thread. */
int retention_start(const char *conninfo, int months);
void retention_stop(void);

#endif
