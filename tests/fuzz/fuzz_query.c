/*
 * fuzz_query.c - libFuzzer target: the free-text query parsers. The first
 * input byte picks the parser flags and the language, the rest is the text
 * (cut at a NUL, as a URL parameter is):
 *   index_query_parse  (Xapian's QueryParser behind our wrapper; search's q)
 *                      and the parsed query run on a small real index, with
 *                      summed factors also by the wrapper's evaluator and by
 *                      Xapian's matcher, which must agree;
 *   taxonomy_suggest   (GET /v1/taxonomy/skills?q=, typeahead);
 * Free-text normalisation (taxonomy_normalise_*) is fuzzed through the
 * skills of fuzz_vacancy and fuzz_profile: it is too slow under the
 * sanitizers (edit distances over many labels) to share a target with
 * the parser.
 */
#include "tests/fuzz/fuzz.h"

static index_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	db = fuzz_small_index("query");
	return 0;
}

/* With INDEX_WEIGHT_COORD the wrapper answers what it has a plan for
 * (index/accumulate.h); Xapian's matcher must give the same hits with the
 * same weights (factors of 1: whole numbers, exact in any order). */
static void agree(const index_query *q)
{
	index_search_opts ours = {.limit = 10, .sort_slot = -1, .weighting = INDEX_WEIGHT_COORD},
			  xapians = ours;
	index_results *a = NULL, *b = NULL;
	index_error e = {{0}};
	size_t i;

	xapians.xapian_matcher = 1;
	FUZZ_ASSERT(index_search(db, q, &ours, &a, &e) == 0, "search failed: %s", e.msg);
	FUZZ_ASSERT(index_search(db, q, &xapians, &b, &e) == 0, "search failed: %s", e.msg);
	FUZZ_ASSERT(index_results_count(a) == index_results_count(b), "%zu hits, Xapian %zu",
		    index_results_count(a), index_results_count(b));
	for (i = 0; i < index_results_count(a); i++) {
		const index_hit *x = index_results_hit(a, i), *y = index_results_hit(b, i);

		FUZZ_ASSERT(x->docid == y->docid && x->weight == y->weight,
			    "hit %zu: %u (%g), Xapian %u (%g)", i, x->docid, x->weight, y->docid,
			    y->weight);
	}
	index_results_free(a);
	index_results_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {"en", "fr", "es", NULL, "xx", "de", "", "en"};
	const char *lang;
	index_search_opts opts = {.limit = 10, .sort_slot = -1};
	index_error e = {{0}};
	index_results *res = NULL;
	index_query *q;
	json_t *items;
	char *text;
	int flags;

	if (size < 1 || size > 1024)
		return 0;
	flags = data[0] & 7;
	lang = langs[(data[0] >> 3) & 7];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	q = index_query_parse(text, lang, (data[0] & 0x40) ? "S" : "", flags, &e);
	if (q) {
		FUZZ_ASSERT(index_search(db, q, &opts, &res, &e) == 0, "search failed: %s", e.msg);
		FUZZ_ASSERT(index_results_count(res) <= 3, "more hits than documents");
		index_results_free(res);
		res = NULL;
		agree(q);
		index_query_free(q);
	} else {
		FUZZ_ASSERT(e.msg[0] != '\0', "a parse failure without a message");
	}

	items = json_array();
	FUZZ_ASSERT(items != NULL, "out of memory");
	/* What api/v1/taxonomy.c lets through: q of 1..TAX_TEXT_MAX bytes, a
	 * language it knows; then a failure would be answered 503. */
	if (text[0] && strlen(text) <= TAX_TEXT_MAX && lang && esco_lang_from_code(lang) >= 0) {
		int rc = taxonomy_suggest(NULL, (data[0] & 0x80) ? ESCO_KIND_SKILL : ESCO_KIND_OCCUPATION,
					  text, lang, 10, items);
		FUZZ_ASSERT(rc == 0, "suggest failed with %d on valid input", rc);
		FUZZ_ASSERT(json_array_size(items) <= 10, "suggest gave %zu items",
			    json_array_size(items));
		free(json_dumps(items, JSON_COMPACT));
	}
	json_decref(items);
	free(text);
	return 0;
}
