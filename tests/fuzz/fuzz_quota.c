/*
 * fuzz_quota.c - libFuzzer target: the bodies of POST /v1/quotas
 * (quota_validate; ESCO occupation URIs need the taxonomy) and of
 * POST /v1/quotas/{id}/placements (quota_placement_validate).
 */
#include "tests/fuzz/fuzz.h"

#include "engine/quota/quota.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = fuzz_body(data, size), *doc = NULL;
	const char *pid = NULL;
	problem p;
	int rc;

	if (!body)
		return 0;
	problem_init(&p);
	rc = quota_validate(body, &doc, &p);
	fuzz_check_answer(rc, &p, "POST /v1/quotas");
	if (rc == 0) {
		fuzz_check_doc(doc, "POST /v1/quotas");
		FUZZ_ASSERT(json_is_string(json_object_get(doc, "isco")), "no isco group");
	}
	problem_release(&p);
	json_decref(doc);

	problem_init(&p);
	rc = quota_placement_validate(body, &pid, &p);
	fuzz_check_answer(rc, &p, "POST /v1/quotas/{id}/placements");
	if (rc == 0)
		FUZZ_ASSERT(pid && *pid, "placement accepted without a profile id");
	problem_release(&p);
	json_decref(body);
	return 0;
}
