/*
 * verify.c - indexer_verify (see indexer.h): whether the index holds what
 * PostgreSQL says it should, with the same content, and is not too far
 * behind, for `fairmatch verify` and for anyone who doubts the derived
 * index. Content is compared by digest: every index document carries the
 * digest of the JSON it was built from (value slot VX_SLOT_DIGEST), and verify builds the
 * same JSON from PostgreSQL's row now, so a vacancy changed behind the
 * change log's back (or a change the indexer never applied) shows as
 * stale without a document being read back.
 */
#include "engine/indexer/indexer.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vacancy.h"
#include "index/schema.h"

int indexer_vacancy_digest_raw(const json_t *v, unsigned char raw[INDEXER_DIGEST_BYTES])
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	struct sha256_ctx h;

	if (!text)
		return -1;
	sha256_init(&h);
	sha256_update(&h, strlen(text), (const uint8_t *)text);
	sha256_digest(&h, INDEXER_DIGEST_BYTES, raw);
	free(text);
	return 0;
}

int indexer_vacancy_digest(const json_t *v, char hex[33])
{
	unsigned char d[INDEXER_DIGEST_BYTES];
	int i;

	if (indexer_vacancy_digest_raw(v, d))
		return -1;
	for (i = 0; i < INDEXER_DIGEST_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* 1 when the index holds term, 0 when not, -1 on error. */
static int has_term(index_db *db, const char *prefix, const char *value, index_error *e)
{
	char term[80];
	int exists = 0;

	snprintf(term, sizeof term, "%s%s", prefix, value);
	if (index_term_exists(db, term, &exists, e))
		return -1;
	return exists;
}

int indexer_verify(store *s, index_db *db,
		   void (*on_missing)(const char *id, const char *what, uint64_t nth, void *arg),
		   void *arg, struct indexer_verify_result *out, char *err, size_t errlen)
{
	index_error e = {{0}};
	PGresult *r;
	uint64_t docs = 0, missing = 0, stale = 0, open = 0;
	int i;

	r = store_exec(s, "SELECT " VACANCY_COLUMNS " FROM vacancies"
			  " WHERE status = 'open' AND positions > 0", 0, NULL);
	if (!r || index_doc_count(db, &docs, &e)) {
		snprintf(err, errlen, "%s", r ? e.msg : store_error(s));
		PQclear(r);
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++) {
		json_t *v = vacancy_from_row(r, i);
		unsigned char digest[INDEXER_DIGEST_BYTES];
		char have[INDEXER_DIGEST_BYTES], term[40];
		size_t have_len = 0;
		int in;

		/* The indexer's own test (past valid_until, say): not expected. */
		if (v && !indexer_vacancy_indexable(v)) {
			json_decref(v);
			continue;
		}
		open++;
		in = has_term(db, VX_ID, PQgetvalue(r, i, 0), &e);
		if (in < 0 || !v || indexer_vacancy_digest_raw(v, digest)) {
			snprintf(err, errlen, "vacancy %s: %s", PQgetvalue(r, i, 0),
				 in < 0 ? e.msg : "unreadable document");
			json_decref(v);
			PQclear(r);
			return -1;
		}
		json_decref(v);
		if (!in) {
			if (on_missing)
				on_missing(PQgetvalue(r, i, 0), "missing", missing + stale, arg);
			missing++;
			continue;
		}
		/* The digest it was built from (a value: VX_SLOT_DIGEST). */
		snprintf(term, sizeof term, "%s%s", VX_ID, PQgetvalue(r, i, 0));
		in = index_value_by_term(db, term, VX_SLOT_DIGEST, have, sizeof have, &have_len, &e);
		if (in && in != INDEX_ERR && in != INDEX_ENOENT) {
			snprintf(err, errlen, "%s", e.msg);
			PQclear(r);
			return -1;
		}
		if (in || have_len != sizeof digest || memcmp(have, digest, sizeof digest) != 0) {
			if (on_missing)
				on_missing(PQgetvalue(r, i, 0), "stale", missing + stale, arg);
			stale++;
		}
	}
	out->open = open;
	out->docs = docs;
	out->missing = missing;
	out->stale = stale;
	out->seq = indexer_index_seq(db);
	out->newest = 0;
	PQclear(r);
	r = store_exec(s, "SELECT coalesce(max(seq), 0) FROM change_log", 0, NULL);
	if (!r) {
		snprintf(err, errlen, "%s", store_error(s));
		return -1;
	}
	out->newest = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return missing == 0 && stale == 0 && docs == out->open &&
			       out->newest - out->seq <= out->max_lag
		       ? 0
		       : 1;
}
