/*
 * sample_index.h - one generated vacancy into an index as an import stores
 * it (validated, free text normalised, "normalised" dropped, id v_N and
 * id term QN, open), and a whole index of them, for the tests and benches
 * that build an index of sample vacancies. Static functions, so each test
 * binary that includes it links nothing more.
 */
#ifndef FAIRMATCH_TESTS_SAMPLE_INDEX_H
#define FAIRMATCH_TESTS_SAMPLE_INDEX_H

#include <stdio.h>

#include <jansson.h>

#include "data/sample.h"
#include "engine/core/problem.h"
#include "engine/indexer/indexer.h"
#include "engine/vacancy.h"
#include "index/index.h"

/* Indexes raw (a sample vacancy, taken: freed here) as vacancy number
 * `number` of org. 0, or -1 with the reason in e->msg. */
static inline int sample_index_vacancy(index_db *w, json_t *raw, size_t number, const char *org,
				       index_error *e)
{
	json_t *v = NULL;
	index_doc *d = NULL;
	char id[32], term[32];
	problem p;
	int rc = -1;

	problem_init(&p);
	if (!raw || vacancy_validate(raw, &v, &p)) {
		snprintf(e->msg, sizeof e->msg, "sample vacancy %zu: %.200s", number,
			 raw ? p.detail : "none generated");
		goto out;
	}
	json_object_del(v, "normalised");
	snprintf(id, sizeof id, "v_%zu", number);
	snprintf(term, sizeof term, "Q%zu", number);
	json_object_set_new(v, "id", json_string(id));
	json_object_set_new(v, "org", json_string(org));
	json_object_set_new(v, "status", json_string("open"));
	rc = indexer_vacancy_doc(v, &d, e) || index_replace(w, term, d, e) ? -1 : 0;
out:
	index_doc_free(d);
	json_decref(v);
	json_decref(raw);
	problem_release(&p);
	return rc;
}

/* An index at path of n vacancies generated from tax (seed 11), stored as
 * the indexer stores them. 0, or -1 with the reason on stderr. */
static inline int sample_index_build(const char *path, size_t n, const esco *tax)
{
	index_db *w = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	size_t i;
	int rc = -1;

	if (index_open_writable(path, &w, &e) || sample_gen_new(tax, 11, &g))
		goto out;
	for (i = 0; i < n; i++)
		if (sample_index_vacancy(w, sample_next_vacancy(g), i + 1, "test", &e))
			goto out;
	rc = index_commit(w, &e);
out:
	if (rc)
		fprintf(stderr, "building the index: %s\n", e.msg);
	index_close(w);
	sample_gen_free(g);
	return rc;
}

#endif
