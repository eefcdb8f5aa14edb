/*
 * verify.c - indexer_verify (see indexer.h): whether the index holds what
 * PostgreSQL says it should, for `fairmatch verify` and for anyone who
 * doubts the derived index.
 */
#include "engine/indexer/indexer.h"

#include <stdio.h>
#include <stdlib.h>

#include "index/schema.h"

int indexer_verify(store *s, index_db *db,
		   void (*on_missing)(const char *id, uint64_t nth, void *arg), void *arg,
		   struct indexer_verify_result *out, char *err, size_t errlen)
{
	index_error e = {{0}};
	PGresult *r;
	uint64_t docs = 0, missing = 0;

	r = store_exec(s, "SELECT id FROM vacancies WHERE status = 'open' AND positions > 0", 0, NULL);
	if (!r || index_doc_count(db, &docs, &e)) {
		snprintf(err, errlen, "%s", r ? e.msg : store_error(s));
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		char term[40];
		int exists = 0;

		snprintf(term, sizeof term, "%s%s", VX_ID, PQgetvalue(r, i, 0));
		if (index_term_exists(db, term, &exists, &e) || !exists) {
			if (on_missing)
				on_missing(PQgetvalue(r, i, 0), missing, arg);
			missing++;
		}
	}
	out->open = (uint64_t)PQntuples(r);
	out->docs = docs;
	out->missing = missing;
	out->seq = indexer_index_seq(db);
	out->newest = 0;
	PQclear(r);
	r = store_exec(s, "SELECT coalesce(max(seq), 0) FROM change_log", 0, NULL);
	if (r) {
		out->newest = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	return missing == 0 && docs == out->open ? 0 : 1;
}
