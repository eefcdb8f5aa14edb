/*
 * sample_index.h - one generated vacancy into an index as an import stores
 * it (validated, free text normalised, "normalised" dropped, id v_N and
 * id term QN, open), for the tests and benches that build an index of
 * sample vacancies. A static function, so each test binary that includes
 * it links nothing more.
 */
#ifndef FAIRMATCH_TESTS_SAMPLE_INDEX_H
#define FAIRMATCH_TESTS_SAMPLE_INDEX_H

#include <stdio.h>

#include <jansson.h>

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

#endif
