/*
 * fuzz_cursor.c - libFuzzer target: engine/core/cursor.h. Any text given as
 * a cursor is refused or decoded without a crash (a forged one is refused:
 * the fuzzer holds no key); any JSON array the size limit admits, encoded
 * as a position, decodes to an equal position under its binding and is
 * refused under another.
 */
#include "tests/fuzz/fuzz.h"

#include "engine/core/cursor.h"

static json_t *binding, *other;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	binding = json_pack("[s, s, s]", "vacancies", "org-1", "ZA");
	other = json_pack("[s, s, s]", "vacancies", "org-2", "ZA");
	if (!binding || !other)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[CURSOR_TEXT_MAX + 2], cur[CURSOR_TEXT_MAX + 1];
	json_t *pos = NULL, *back = NULL;
	int64_t id;
	int rc;

	/* The input as a cursor (NUL-terminated, cut to one byte over the limit). */
	if (size > 0) {
		size_t n = size < sizeof text - 1 ? size : sizeof text - 1;

		memcpy(text, data, n);
		text[n] = '\0';
		rc = cursor_decode(binding, text, &back);
		FUZZ_ASSERT(rc == -1 && !back, "a cursor the fuzzer made was accepted: %s", text);
		rc = cursor_decode_id(binding, text, &id);
		FUZZ_ASSERT(rc == -1, "a cursor the fuzzer made was accepted as an id: %s", text);
	}
	/* The input as a position. */
	pos = json_loadb((const char *)data, size, 0, NULL);
	if (json_is_array(pos) && cursor_encode(binding, pos, cur, sizeof cur) == 0) {
		FUZZ_ASSERT(strlen(cur) <= CURSOR_TEXT_MAX, "a cursor over the limit");
		rc = cursor_decode(binding, cur, &back);
		FUZZ_ASSERT(rc == 0 && json_equal(back, pos), "a cursor does not give its position");
		json_decref(back);
		back = NULL;
		FUZZ_ASSERT(cursor_decode(other, cur, &back) == -1 && !back,
			    "a cursor is accepted under another binding");
	}
	json_decref(pos);
	return 0;
}
