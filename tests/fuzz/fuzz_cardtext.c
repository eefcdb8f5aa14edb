/*
 * fuzz_cardtext.c - libFuzzer target: a vacancy's card (the index's
 * document data) written as the search's answer text against the tree way
 * it replaced, on any bytes. The input is the card; each is put in a page
 * (engine/search_page.h) both ways, ranked, labelled in the language its
 * length picks, and the text must be the bytes json_dumps writes for the
 * labelled trees: the same items kept or left out, the same answer. Then
 * the card alone as the match writes it (vacancy_card_text at jansson's
 * default precision): when the scanner takes it, its text must be the
 * decoded card's json_dumps without the closing brace.
 */
#include "tests/fuzz/fuzz.h"

#include "engine/core/buf.h"
#include "engine/integrity/integrity.h"
#include "engine/search_page.h"
#include "engine/vacancy/cardtext.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	return 0;
}

static void as_the_match_writes_it(const char *card, size_t size)
{
	struct buf b;
	json_t *v;
	char *want;
	int rc;

	buf_init(&b, 1u << 20);
	rc = vacancy_card_text(&b, taxonomy_esco(), card, size, 0, NULL);
	if (rc == 0) {
		v = vacancy_card_decode(card, size);
		want = v ? json_dumps(v, JSON_COMPACT) : NULL;
		FUZZ_ASSERT(want && strlen(want) == b.len + 1 && memcmp(want, b.p ? b.p : "", b.len) == 0,
			    "card text %.*s, decoded %s", (int)b.len, b.p ? b.p : "",
			    want ? want : "(not decoded)");
		free(want);
		json_decref(v);
	}
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {"en", "fr", "es", NULL};
	const char *lang = langs[size % 4], *card = (const char *)data;
	integrity_snapshot *snap = integrity_snapshot_get();
	struct search_page tp, xp;
	json_t *tree = NULL, *v;
	char *want = NULL, *got = NULL;
	size_t i;
	int a, b;

	if (search_page_start(&tp, 0, snap, 0, 1, lang) || search_page_start(&xp, 1, snap, 0, 1, lang))
		abort();
	a = search_page_add(&tp, card, size, 1.25);
	b = search_page_add(&xp, card, size, 1.25);
	FUZZ_ASSERT(a == b, "the tree added %d, the text %d", a, b);
	if (search_page_finish(&tp, 1, NULL, &tree, NULL) || search_page_finish(&xp, 1, NULL, NULL, &got))
		abort();
	json_array_foreach(json_object_get(tree, "items"), i, v)
		taxonomy_label_doc(v, lang);
	want = json_dumps(tree, JSON_COMPACT | JSON_REAL_PRECISION(SEARCH_PAGE_REAL_PRECISION));
	FUZZ_ASSERT(want && got && strcmp(want, got) == 0, "tree %s\n text %s", want ? want : "(null)",
		    got ? got : "(null)");
	free(want);
	free(got);
	json_decref(tree);
	integrity_snapshot_put(snap);
	as_the_match_writes_it(card, size);
	return 0;
}
