/*
 * fuzz_profile.c - libFuzzer target: the body of POST /v1/profiles and of
 * PATCH /v1/profiles/{id} (merge patch over a stored profile, then
 * profile_validate, as profile_patch does). An accepted document, stored
 * and validated again, must be accepted unchanged.
 */
#include "tests/fuzz/fuzz.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_check_post_and_patch(profile_validate, stored, data, size,
					 "POST /v1/profiles", "PATCH /v1/profiles/{id}");
}
