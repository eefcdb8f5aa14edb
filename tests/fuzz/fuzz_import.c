/*
 * fuzz_import.c - libFuzzer target: an import's document (the file of
 * `fairmatch import vacancies`, the body of POST /v1/vacancies/import) as
 * JSON: fairmatch vacancy objects and schema.org JobPosting JSON-LD, single,
 * in arrays or under @graph. Each item goes through vacancy_import_items and
 * vacancy_import_item (the JobPosting mapping, then vacancy_validate); every
 * answer must be one the server can send, and an accepted document must be
 * accepted unchanged when validated again (as the next PATCH would).
 */
#include "tests/fuzz/fuzz.h"

#define ITEMS_TRIED 16 /* per input: enough to reach every mapping */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_taxonomy();
	return 0;
}

static void one_item(const json_t *item, const struct vacancy_import_opts *o)
{
	json_t *doc = NULL, *again = NULL;
	problem p;
	int rc;

	problem_init(&p);
	rc = vacancy_import_item(item, o, &doc, &p);
	fuzz_check_answer(rc, &p, "import item");
	problem_release(&p);
	if (rc)
		return;
	fuzz_check_doc(doc, "import item");
	json_object_del(doc, "normalised"); /* not stored */
	problem_init(&p);
	rc = vacancy_validate(doc, &again, &p);
	FUZZ_ASSERT(rc == 0, "import item: the stored document is refused on the next write: %s",
		    p.detail);
	json_object_del(again, "normalised");
	FUZZ_ASSERT(json_equal(doc, again), "import item: validating the stored document changes it");
	problem_release(&p);
	json_decref(again);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vacancy_import_opts o = {0};
	json_t *v, *items, *pair;
	problem p;
	size_t i;

	if (size == 0)
		return 0;
	v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!v)
		return 0;
	/* Both readings of hiringOrganization, and a default country or none. */
	o.hiring_org_is_employer = size & 1;
	o.default_country = size & 2 ? "ZA" : NULL;
	problem_init(&p);
	items = vacancy_import_items(v, &p);
	FUZZ_ASSERT(items || p.kind != PROBLEM_NONE, "import items: NULL without a problem");
	if (!items)
		fuzz_check_answer(-1, &p, "import items");
	problem_release(&p);
	json_array_foreach(items, i, pair) {
		if (i >= ITEMS_TRIED)
			break;
		FUZZ_ASSERT(json_is_integer(json_array_get(pair, 0)) && json_array_get(pair, 1),
			    "import items: item %zu is not [index, item]", i);
		one_item(json_array_get(pair, 1), &o);
	}
	json_decref(items);
	json_decref(v);
	return 0;
}
