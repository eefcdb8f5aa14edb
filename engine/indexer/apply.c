/*
 * apply.c - applying the change log to the index (see indexer.h): what one
 * row means for the index, the rows after a seq, and indexer_catch_up, which
 * the server's thread runs. The bulk path (bulk.c) shares the reading and
 * building here.
 */
#include "engine/indexer/internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/match/match.h"
#include "engine/vacancy.h"
#include "index/schema.h"

int64_t indexer_index_seq(index_db *db)
{
	char *v = NULL;
	int64_t seq = 0;
	index_error e;

	if (index_get_metadata(db, VX_META_LAST_SEQ, &v, &e) == 0 && v)
		seq = strtoll(v, NULL, 10);
	free(v);
	return seq;
}

/* What one change-log row means for the index: *doc (owned by the caller)
 * goes under *term, or the vacancy is to be absent when *doc is NULL. */
int idx__build_change(PGresult *r, int row, int64_t id, char term[32], index_doc **doc,
		      index_error *e)
{
	json_t *v;
	int rc;

	*doc = NULL;
	snprintf(term, 32, "%s%lld", VX_ID, (long long)id);
	if (PQgetisnull(r, row, 3))
		return 0;
	v = vacancy_from_row(r, row);
	if (!v) {
		snprintf(e->msg, sizeof e->msg, "vacancy %lld: unreadable document", (long long)id);
		return INDEX_ERR;
	}
	rc = indexer_vacancy_indexable(v) ? indexer_vacancy_doc(v, doc, e) : 0;
	json_decref(v);
	return rc;
}

int idx__apply_change(index_db *w, const char *term, index_doc *doc, index_error *e)
{
	return doc ? index_replace(w, term, doc, e) : index_delete(w, term, e);
}

int idx__train_dictionary(index_db *w, index_doc *const *docs, size_t n, int *has,
			  index_error *e)
{
	size_t i, k = 0;

	if (*has < 0 && index_has_data_dictionary(w, has, e))
		return -1;
	for (i = 0; i < n; i++)
		k += docs[i] != NULL;
	if (*has || k < IDX_DICT_MIN_DOCS)
		return 0;
	/* NULL entries are skipped by the wrapper's trainer too. */
	return index_train_data_dictionary(w, docs, n, IDX_DICT_BYTES, has, e) ? -1 : 0;
}

/* The dictionary from a replay's rows (r's first n), when the index has
 * none: their documents are built once more here, for this batch only. */
static int replay_dictionary(index_db *w, PGresult *r, int n, int *has, index_error *e)
{
	index_doc **docs;
	int i, rc = 0;

	if (*has == 1 || n < IDX_DICT_MIN_DOCS)
		return 0;
	if (!(docs = calloc((size_t)n, sizeof *docs))) {
		snprintf(e->msg, sizeof e->msg, "out of memory");
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		char term[32];

		if (strcmp(PQgetvalue(r, i, 8), "vacancy") == 0)
			rc = idx__build_change(r, i, strtoll(PQgetvalue(r, i, 7), NULL, 10), term,
					       &docs[i], e);
	}
	if (rc == 0)
		rc = idx__train_dictionary(w, docs, (size_t)n, has, e);
	for (i = 0; i < n; i++)
		index_doc_free(docs[i]);
	free(docs);
	return rc ? -1 : 0;
}

/* Applies one vacancy row (or its absence) to the writer. */
static int apply_vacancy(index_db *w, PGresult *r, int row, int64_t id, index_error *e)
{
	char term[32];
	index_doc *d = NULL;
	int rc = idx__build_change(r, row, id, term, &d, e);

	if (rc == 0)
		rc = idx__apply_change(w, term, d, e);
	index_doc_free(d);
	return rc;
}

/* ---- the kill-in-commit test hook (indexer.h) ---- */
static pthread_once_t kill_hook_once = PTHREAD_ONCE_INIT;
static long kill_hook_at; /* 0: off */
static atomic_long kill_hook_commits;

static void read_kill_hook(void)
{
	const char *v = getenv(INDEXER_TEST_KILL_ENV);

	kill_hook_at = v && *v ? strtol(v, NULL, 10) : 0;
}

void idx__kill_hook(void)
{
	pthread_once(&kill_hook_once, read_kill_hook);
	if (kill_hook_at > 0 && atomic_fetch_add(&kill_hook_commits, 1) + 1 == kill_hook_at) {
		fprintf(stderr, "fairmatch: test hook %s=%ld: SIGKILL inside index commit\n",
			INDEXER_TEST_KILL_ENV, kill_hook_at);
		raise(SIGKILL);
	}
}

/* The vacancy's current state, whatever the change was: replaying an old
 * change re-applies today's row, which is idempotent. */
PGresult *idx__read_changes(store *s, int64_t after, size_t limit)
{
	char from[32], lim[32];

	snprintf(from, sizeof from, "%lld", (long long)after);
	snprintf(lim, sizeof lim, "%zu", limit);
	return store_exec(s,
			  "SELECT v.id, v.org, v.status, v.doc::text,"
			  " to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			  " to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			  " c.seq, c.object_id, c.object_type"
			  " FROM change_log c LEFT JOIN vacancies v"
			  "   ON c.object_type = 'vacancy' AND v.id = c.object_id"
			  " WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
			  2, (const char *const[]){from, lim});
}

/* Whether the index holds documents written in another format than this
 * build's (indexer_format): they still answer (matching then decodes
 * their JSON) but should be rewritten. *have gets the stored format. */
int indexer_format_stale(index_db *w, char **have)
{
	uint64_t docs = 0;
	index_error e;

	*have = NULL;
	if (index_get_metadata(w, VX_META_FORMAT, have, &e) || index_doc_count(w, &docs, &e))
		return 0;
	return docs > 0 && (!*have || strcmp(*have, indexer_format()) != 0);
}

int indexer_catch_up(store *s, index_db *w, size_t batch, uint64_t *applied, int64_t *last_seq,
		     void (*progress)(uint64_t, int64_t, void *), void *arg, char *err,
		     size_t errlen)
{
	int64_t seq = indexer_index_seq(w);
	/* A replay of the whole change log rewrites every document: only then
	 * does the index say it is in this build's format. */
	int whole = seq == 0;
	uint64_t total = 0;
	size_t limit = batch ? batch : 1000;
	char seqs[32];
	index_error e = {{0}};
	PGresult *r;
	int n, i, rc, has_dict = -1;

	for (;;) {
		r = idx__read_changes(s, seq, limit);
		if (!r) {
			snprintf(err, errlen, "reading the change log: %s", store_error(s));
			return -1;
		}
		n = PQntuples(r);
		if (replay_dictionary(w, r, n, &has_dict, &e)) {
			snprintf(err, errlen, "training the index's data dictionary: %s", e.msg);
			PQclear(r);
			return -1;
		}
		for (i = 0; i < n; i++) {
			int64_t id = strtoll(PQgetvalue(r, i, 7), NULL, 10);

			if (strcmp(PQgetvalue(r, i, 8), "vacancy") != 0)
				continue; /* other object types have their own index */
			rc = apply_vacancy(w, r, i, id, &e);
			if (rc) {
				snprintf(err, errlen, "indexing vacancy %lld: %s", (long long)id, e.msg);
				PQclear(r);
				return -1;
			}
		}
		if (n > 0) {
			seq = strtoll(PQgetvalue(r, n - 1, 6), NULL, 10);
			snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
			if (index_set_metadata(w, VX_META_LAST_SEQ, seqs, &e)) {
				snprintf(err, errlen, "committing the index: %s", e.msg);
				PQclear(r);
				return -1;
			}
			idx__kill_hook();
			if (index_commit(w, &e)) {
				snprintf(err, errlen, "committing the index: %s", e.msg);
				PQclear(r);
				return -1;
			}
			total += (uint64_t)n;
			if (progress)
				progress(total, seq, arg);
		}
		PQclear(r);
		if ((size_t)n < limit)
			break;
	}
	if (whole && (index_set_metadata(w, VX_META_FORMAT, indexer_format(), &e) ||
		      index_commit(w, &e))) {
		snprintf(err, errlen, "committing the index: %s", e.msg);
		return -1;
	}
	if (applied)
		*applied = total;
	if (last_seq)
		*last_seq = seq;
	return 0;
}
