/*
 * fuzz.h - what the libFuzzer targets (tests/fuzz_*.c) share: decoding a
 * request body exactly as api/server.c does, loading the taxonomy once, and
 * the invariants every decoder answer must keep. A broken invariant aborts,
 * which libFuzzer reports as a crash with the input saved as a reproducer.
 *
 * Built only by `make fuzz-build` (clang, -fsanitize=fuzzer,address,undefined);
 * run by tests/fuzz/fuzz.sh. No PostgreSQL: the targets call the pure
 * validate/decode functions of engine/.
 */
#ifndef FAIRMATCH_FUZZ_H
#define FAIRMATCH_FUZZ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/indexer/indexer.h"
#include "engine/core/fields.h"
#include "engine/core/problem.h"
#include "engine/vacancy.h"
#include "index/index.h"
#include "engine/taxonomy/taxonomy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                                     \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "fuzz invariant broken (%s:%d): %s: ", __FILE__, \
				__LINE__, #cond);                                  \
			fprintf(stderr, __VA_ARGS__);                              \
			fputc('\n', stderr);                                       \
			abort();                                                   \
		}                                                                  \
	} while (0)

/* The body as the server decodes it: a JSON object, duplicates refused.
 * NULL for anything the server answers 400 before a handler runs. */
static inline json_t *fuzz_body(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *j;

	if (size == 0)
		return NULL;
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Loads ESCO and the taxonomy index (var/taxonomy, or FAIRMATCH_TAXONOMY)
 * once, as a server does at start, so validators that normalise skills run
 * their real path. Run from the top of the work tree. */
static inline void fuzz_taxonomy(void)
{
	char err[512];

	struct tax_match warm;

	if (taxonomy_init(err, sizeof err)) {
		fprintf(stderr, "fuzz: cannot load the taxonomy: %s\n", err);
		exit(1);
	}
	/* The labels in memory are built on the first free text (seconds
	 * under the sanitizers): here, not inside the first input's timeout. */
	taxonomy_normalise_occupation("welder", NULL, &warm);
}

/* Every answer of a decoder: 0 with no kind, or -1 with an invalid value or
 * a broken rule (a 4xx) that the server can encode as problem+json (the
 * same packing as api_reply_problem), each field error a {field, code,
 * message}. */
static inline void fuzz_check_answer(int rc, const problem *p, const char *what)
{
	json_t *o, *e;
	char *s;
	size_t i;

	if (rc == 0) {
		FUZZ_ASSERT(p->kind == PROBLEM_NONE, "%s: success with kind %s", what,
			    problem_kind_name(p->kind));
		return;
	}
	FUZZ_ASSERT(rc == -1, "%s: returned %d", what, rc);
	FUZZ_ASSERT(p->kind == PROBLEM_INVALID || p->kind == PROBLEM_RULE, "%s: kind %s (%s)", what,
		    problem_kind_name(p->kind), p->detail);
	FUZZ_ASSERT(p->detail[0] != '\0', "%s: a refusal without a detail", what);
	o = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
		      p->subject[0] ? p->subject : "Bad request", "status",
		      p->kind == PROBLEM_RULE ? 422 : 400, "detail", p->detail);
	FUZZ_ASSERT(o != NULL, "%s: the problem cannot be encoded: %s / %s", what, p->subject,
		    p->detail);
	if (p->errors) {
		FUZZ_ASSERT(json_is_array(p->errors), "%s: errors is not an array", what);
		json_array_foreach(p->errors, i, e) {
			FUZZ_ASSERT(json_is_string(json_object_get(e, "field")) &&
					    json_is_string(json_object_get(e, "code")) &&
					    json_is_string(json_object_get(e, "message")),
				    "%s: field error %zu incomplete", what, i);
		}
		json_object_set(o, "errors", p->errors);
	}
	s = json_dumps(o, JSON_COMPACT);
	FUZZ_ASSERT(s != NULL, "%s: the problem cannot be serialised", what);
	free(s);
	json_decref(o);
}

/* Whether a string anywhere in j holds a NUL byte (PostgreSQL's jsonb
 * refuses \u0000, so a stored document must not have one). */
static inline int fuzz_has_nul(const json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_STRING:
		return memchr(json_string_value(j), '\0', json_string_length(j)) != NULL;
	case JSON_ARRAY:
		json_array_foreach((json_t *)j, i, v) if (fuzz_has_nul(v)) return 1;
		return 0;
	case JSON_OBJECT:
		json_object_foreach((json_t *)j, k, v) if (fuzz_has_nul(v)) return 1;
		return 0;
	default:
		return 0;
	}
}

/* A canonical document a validator accepted: an object that serialises,
 * without NUL bytes, and that reads back equal (what the store does). */
static inline void fuzz_check_doc(const json_t *doc, const char *what)
{
	char *s;
	json_t *back;

	FUZZ_ASSERT(json_is_object(doc), "%s: accepted document is not an object", what);
	FUZZ_ASSERT(!fuzz_has_nul(doc), "%s: accepted document holds a NUL byte", what);
	s = json_dumps(doc, JSON_COMPACT);
	FUZZ_ASSERT(s != NULL, "%s: accepted document cannot be serialised", what);
	back = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_ASSERT(back != NULL && json_equal(back, doc), "%s: document does not read back", what);
	json_decref(back);
	free(s);
}

/* A validator of a write body: 0 and *doc, or -1 with p set. */
typedef int (*fuzz_validate_fn)(const json_t *in, json_t **doc, problem *p);

/* One write body through validate, its answer checked; an accepted
 * document, stored and validated again (the next PATCH), must be accepted
 * unchanged. "normalised" is a report, never stored. */
static inline void fuzz_check_write(fuzz_validate_fn validate, const json_t *in, const char *what)
{
	json_t *doc = NULL, *again = NULL;
	problem p;
	int rc;

	problem_init(&p);
	rc = validate(in, &doc, &p);
	fuzz_check_answer(rc, &p, what);
	problem_release(&p);
	if (rc)
		return;
	fuzz_check_doc(doc, what);
	json_object_del(doc, "normalised");
	problem_init(&p);
	rc = validate(doc, &again, &p);
	FUZZ_ASSERT(rc == 0, "%s: the stored document is refused on the next write: %s", what,
		    p.detail);
	json_object_del(again, "normalised");
	FUZZ_ASSERT(json_equal(doc, again), "%s: validating the stored document changes it", what);
	problem_release(&p);
	json_decref(again);
	json_decref(doc);
}

/* The body of a POST, and of a PATCH as a merge patch over stored (what
 * the engine's patch does after reading the stored document). */
static inline int fuzz_check_post_and_patch(fuzz_validate_fn validate, const json_t *stored,
					    const uint8_t *data, size_t size, const char *post,
					    const char *patch)
{
	json_t *body = fuzz_body(data, size), *merged;

	if (!body)
		return 0;
	fuzz_check_write(validate, body, post);
	merged = fields_merge_patch(stored, body);
	FUZZ_ASSERT(merged != NULL, "merge patch failed");
	fuzz_check_write(validate, merged, patch);
	json_decref(merged);
	json_decref(body);
	return 0;
}

/* A small vacancy index at var/fuzz/index-<name> (rebuilt whole at each
 * start), opened read-only, so searches run against real documents. The
 * vacancies go through vacancy_validate and the indexer's document builder
 * as in the server. Exits on failure. */
static inline index_db *fuzz_small_index(const char *name)
{
	static const char *const bodies[] = {
		"{\"title\":\"Welder and fitter\",\"occupation\":\"7212\",\"country\":\"ZA\","
		"\"description\":\"MIG and TIG welding of steel frames, night shifts\","
		"\"skills\":{\"essential\":[\"welding\"]},\"languages\":[{\"code\":\"en\",\"level\":\"B1\"}],"
		"\"recruiter\":{\"name\":\"Cape Labour Partners\"}}",
		"{\"title\":\"Fruit picker\",\"occupation\":\"9211\",\"country\":\"ES\","
		"\"description\":\"Seasonal harvest work; housing provided\",\"positions\":40,"
		"\"languages\":[{\"code\":\"es\",\"level\":\"A2\"}]}",
		"{\"title\":\"Care assistant\",\"occupation\":\"5322\",\"country\":\"DE\","
		"\"description\":\"Home care for older people, German B2 required\","
		"\"languages\":[{\"code\":\"de\",\"level\":\"B2\"}]}",
	};
	char path[256], id[32];
	index_db *w = NULL, *r = NULL;
	index_error e = {{0}};
	size_t i;

	snprintf(path, sizeof path, "var/fuzz/index-%s", name);
	if (index_open_writable(path, &w, &e)) {
		fprintf(stderr, "fuzz: cannot create %s: %s\n", path, e.msg);
		exit(1);
	}
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		json_t *in = json_loads(bodies[i], 0, NULL), *doc = NULL;
		index_doc *d = NULL;
		char term[32];
		problem p;

		problem_init(&p);
		if (!in || vacancy_validate(in, &doc, &p)) {
			fprintf(stderr, "fuzz: sample vacancy %zu refused: %s\n", i, p.detail);
			exit(1);
		}
		snprintf(id, sizeof id, "v_%zu", i + 1);
		json_object_del(doc, "normalised");
		json_object_set_new(doc, "id", json_string(id));
		json_object_set_new(doc, "org", json_string("fuzz-co"));
		json_object_set_new(doc, "status", json_string("open"));
		snprintf(term, sizeof term, "Q%zu", i + 1);
		if (indexer_vacancy_doc(doc, &d, &e) || index_replace(w, term, d, &e)) {
			fprintf(stderr, "fuzz: cannot index sample %zu: %s\n", i, e.msg);
			exit(1);
		}
		index_doc_free(d);
		json_decref(doc);
		json_decref(in);
		problem_release(&p);
	}
	if (index_commit(w, &e)) {
		fprintf(stderr, "fuzz: cannot commit %s: %s\n", path, e.msg);
		exit(1);
	}
	index_close(w);
	if (index_open_readonly(path, &r, &e)) {
		fprintf(stderr, "fuzz: cannot open %s: %s\n", path, e.msg);
		exit(1);
	}
	return r;
}

#endif
