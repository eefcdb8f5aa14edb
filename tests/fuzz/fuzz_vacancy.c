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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_check_post_and_patch(vacancy_validate, stored, data, size,
					 "POST /v1/vacancies", "PATCH /v1/vacancies/{id}");
}
