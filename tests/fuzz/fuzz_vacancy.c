/*
 * fuzz_vacancy.c - libFuzzer target: the body of POST /v1/vacancies and of
 * PATCH /v1/vacancies/{id}. The input is the raw request body, decoded as
 * the server decodes it; then
 *   POST   vacancy_validate(body)
 *   PATCH  vacancy_validate(merge_patch(stored vacancy, body)), as
 *          vacancy_patch does after reading the stored document.
 * An accepted document, stored and validated again (the next PATCH), must
 * be accepted unchanged.
 */
#include "tests/fuzz/fuzz.h"

#include "engine/core/fields.h"
#include "engine/vacancy.h"

static json_t *stored;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	problem p;

	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	problem_init(&p);
	stored = json_pack("{s:s, s:s, s:s, s:{s:[s], s:[]}, s:[{s:s, s:s}], s:s}", "title",
			   "Welder", "occupation", "7212", "country", "ZA", "skills", "essential",
			   "welding", "optional", "languages", "code", "en", "level", "B1",
			   "valid_until", "2099-01-01");
	if (!stored)
		abort();
	return 0;
}

/* validate, check the answer, and re-validate what would be stored. */
static void validate(const json_t *in, const char *what)
{
	json_t *doc = NULL, *again = NULL;
	problem p;
	int rc;

	problem_init(&p);
	rc = vacancy_validate(in, &doc, &p);
	fuzz_check_answer(rc, &p, what);
	problem_release(&p);
	if (rc)
		return;
	fuzz_check_doc(doc, what);
	json_object_del(doc, "normalised"); /* not stored (columns_of) */
	problem_init(&p);
	rc = vacancy_validate(doc, &again, &p);
	FUZZ_ASSERT(rc == 0, "%s: the stored document is refused on the next write: %s", what,
		    p.detail);
	json_object_del(again, "normalised");
	FUZZ_ASSERT(json_equal(doc, again), "%s: validating the stored document changes it", what);
	problem_release(&p);
	json_decref(again);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = fuzz_body(data, size), *merged;

	if (!body)
		return 0;
	validate(body, "POST /v1/vacancies");
	merged = fields_merge_patch(stored, body);
	FUZZ_ASSERT(merged != NULL, "merge patch failed");
	validate(merged, "PATCH /v1/vacancies/{id}");
	json_decref(merged);
	json_decref(body);
	return 0;
}
