/*
 * fuzz_match.c - libFuzzer target: the body of POST /v1/match
 * (match_parse), and for an accepted inline profile the retrieval query
 * built from it (match_build_query, no index needed).
 */
#include "tests/fuzz/fuzz.h"

#include "engine/match/match.h"
#include "engine/profile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = fuzz_body(data, size), *inline_doc = NULL;
	char id[PROFILE_ID_LEN + 1];
	struct match_params mp;
	index_query *q;
	problem p;
	int rc;

	if (!body)
		return 0;
	problem_init(&p);
	rc = match_parse(body, id, sizeof id, &inline_doc, &mp, &p);
	fuzz_check_answer(rc, &p, "POST /v1/match");
	problem_release(&p);
	if (rc == 0) {
		FUZZ_ASSERT(!inline_doc != !id[0], "exactly one of profile and profile_id");
		FUZZ_ASSERT(mp.limit >= 1 && mp.limit <= MATCH_LIMIT_MAX, "limit %zu", mp.limit);
		if (id[0])
			FUZZ_ASSERT(profile_id_valid(id), "accepted profile id '%s'", id);
		if (inline_doc) {
			fuzz_check_doc(inline_doc, "POST /v1/match profile");
			problem_init(&p);
			q = match_build_query(NULL, inline_doc, &mp, &p);
			FUZZ_ASSERT(q != NULL, "no query for an accepted profile: %s %s",
				    problem_kind_name(p.kind), p.detail);
			index_query_free(q);
			q = match_build_naive_query(inline_doc, &mp);
			index_query_free(q);
			problem_release(&p);
		}
	}
	json_decref(inline_doc);
	json_decref(body);
	return 0;
}
