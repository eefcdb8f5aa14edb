/*
 * fuzz_profile.c - libFuzzer target: the body of POST /v1/profiles and of
 * PATCH /v1/profiles/{id} (merge patch over a stored profile, then
 * profile_validate, as profile_patch does). An accepted document, stored
 * and validated again, must be accepted unchanged.
 */
#include "tests/fuzz/fuzz.h"

#include "engine/core/fields.h"
#include "engine/profile.h"

static json_t *stored;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	stored = json_pack("{s:[s], s:[s, s], s:[{s:s, s:s}], s:s, s:{s:b, s:b}}", "occupations",
			   "7212", "skills", "welding", "use hand tools", "languages", "code", "fr",
			   "level", "B2", "citizenship", "SN", "consent", "matching", 1,
			   "show_to_employers", 0);
	if (!stored)
		abort();
	return 0;
}

static void validate(const json_t *in, const char *what)
{
	json_t *doc = NULL, *again = NULL;
	problem p;
	int rc;

	problem_init(&p);
	rc = profile_validate(in, &doc, &p);
	fuzz_check_answer(rc, &p, what);
	problem_release(&p);
	if (rc)
		return;
	fuzz_check_doc(doc, what);
	json_object_del(doc, "normalised"); /* not stored (stored_text) */
	problem_init(&p);
	rc = profile_validate(doc, &again, &p);
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
	validate(body, "POST /v1/profiles");
	merged = fields_merge_patch(stored, body);
	FUZZ_ASSERT(merged != NULL, "merge patch failed");
	validate(merged, "PATCH /v1/profiles/{id}");
	json_decref(merged);
	json_decref(body);
	return 0;
}
