/*
 * fuzz_recruiter.c - libFuzzer target: the bodies of the regulator's
 * writes, each given the same input:
 *   POST /v1/recruiters                         integrity_recruiter_validate
 *   POST /v1/recruiters/{id}/flags              integrity_flag_validate
 *   POST /v1/recruiters/{id}/flags/{flag}/lift  integrity_lift_validate
 */
#include "tests/fuzz/fuzz.h"

#include "engine/integrity/integrity.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = fuzz_body(data, size);
	const char *reason = NULL;
	problem p;
	int rc;

	if (!body)
		return 0;
	problem_init(&p);
	rc = integrity_recruiter_validate(body, &p);
	fuzz_check_answer(rc, &p, "POST /v1/recruiters");
	if (rc == 0)
		FUZZ_ASSERT(json_is_string(json_object_get(body, "name")), "accepted without a name");
	problem_release(&p);

	problem_init(&p);
	rc = integrity_flag_validate(body, &p);
	fuzz_check_answer(rc, &p, "POST /v1/recruiters/{id}/flags");
	problem_release(&p);

	problem_init(&p);
	rc = integrity_lift_validate(body, &reason, &p);
	fuzz_check_answer(rc, &p, "POST /v1/recruiters/{id}/flags/{flag}/lift");
	if (rc == 0)
		FUZZ_ASSERT(reason && *reason && strlen(reason) <= INTEGRITY_REASON_MAX,
			    "lift accepted without a reason");
	problem_release(&p);
	json_decref(body);
	return 0;
}
