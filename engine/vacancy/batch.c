/*
 * batch.c - storing many vacancies at once (fairmatch import, POST
 * /v1/vacancies/import): every document against the write rules, each
 * refusal reported by its index, then one INSERT for those let through, in
 * one transaction with their change-log rows; or only the check (dry run).
 */
#include "engine/vacancy/internal.h"

#include <stdio.h>
#include <stdlib.h>

/* One document of a batch against the rules: 0 to store it, 1 refused
 * (reported), -1 when the batch fails (a database error: *p set). */
static int batch_rules(store *s, json_t *memo, const json_t *doc, size_t i,
		       vacancy_rejected_fn rejected, void *arg, problem *p)
{
	problem why;

	problem_init(&why);
	if (vac__check_rules(s, doc, memo, NULL, &why) == 0) {
		problem_release(&why);
		return 0;
	}
	if (why.kind == PROBLEM_UNAVAILABLE) {
		problem_release(p);
		*p = why;
		return -1;
	}
	if (rejected)
		rejected(i, &why, arg);
	problem_release(&why);
	return 1;
}

int vacancy_insert_batch(store *s, const char *org, json_t *const *docs, size_t n,
			 vacancy_rejected_fn rejected, void *arg, int64_t *last_seq, problem *p)
{
	return vacancy_import_batch(s, org, docs, n, 0, rejected, arg, NULL, last_seq, p);
}

int vacancy_import_batch(store *s, const char *org, json_t *const *docs, size_t n, int dry_run,
			 vacancy_rejected_fn rejected, void *arg, int64_t *ids, int64_t *last_seq,
			 problem *p)
{
	json_t *arr = NULL, *memo = NULL;
	char *text = NULL, lock[32];
	PGresult *r;
	size_t i, k;
	int rc;

	if (last_seq)
		*last_seq = 0;
	for (i = 0; ids && i < n; i++)
		ids[i] = 0;
	if (store_begin(s)) {
		/* A transaction of the caller's is open: not ours to roll back. */
		store_problem(s, p);
		return -1;
	}
	arr = json_array();
	memo = json_object();
	if (!arr || !memo)
		goto oom;
	/* The rules first, before the change-log lock, which is held to the
	 * commit and should guard only the insert. */
	for (i = 0; i < n; i++) {
		json_object_del(docs[i], "normalised"); /* not stored (see columns_of in write.c) */
		rc = batch_rules(s, memo, docs[i], i, rejected, arg, p);
		if (rc < 0)
			goto fail;
		if (rc == 0 && json_array_append(arr, docs[i]))
			goto oom;
	}
	if (json_array_size(arr) == 0 || dry_run) {
		/* Every document refused, or only checking: nothing to store or log. */
		store_rollback(s);
		goto out;
	}
	text = json_dumps(arr, JSON_COMPACT);
	if (!text)
		goto oom;
	snprintf(lock, sizeof lock, "%d", STORE_CHANGE_LOG_LOCK);
	/* The change-log lock is taken first and held to the commit, so the
	 * batch's seqs are in commit order (see 001_core.sql). One statement for
	 * the whole batch: the documents travel as one jsonb array and the
	 * filter columns are computed by the server. */
	if (store_run(s, "SELECT pg_advisory_xact_lock($1::bigint)", 1, (const char *const[]){lock}))
		goto fail;
	r = store_exec(s,
		       "WITH ins AS ("
		       " INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
		       " SELECT $1, d, d->>'country', d->>'occupation', (d->>'valid_until')::date,"
		       "        (d->>'positions')::int"
		       " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(d, n) ORDER BY n"
		       " RETURNING id),"
		       " log AS (INSERT INTO change_log (object_type, object_id, change)"
		       " SELECT 'vacancy', id, 'created' FROM ins ORDER BY id RETURNING seq)"
		       " SELECT (SELECT coalesce(max(seq), 0) FROM log), id FROM ins ORDER BY id",
		       2, (const char *const[]){org, text});
	if (!r)
		goto fail;
	if (last_seq && PQntuples(r) > 0)
		*last_seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	/* The ids follow the documents' order (inserted in it, ascending), in
	 * the slots of the documents the rules let through. */
	for (i = 0, k = 0; ids && i < n && k < (size_t)PQntuples(r); i++)
		if (json_array_get(arr, k) == docs[i])
			ids[i] = strtoll(PQgetvalue(r, (int)k++, 1), NULL, 10);
	PQclear(r);
	if (store_commit(s))
		goto fail;
out:
	json_decref(memo);
	json_decref(arr);
	free(text);
	return 0;
oom:
	vac__no_memory(p);
fail:
	json_decref(memo);
	json_decref(arr);
	free(text);
	return store_fail(s, p, NULL); /* a database error unless p says otherwise */
}
