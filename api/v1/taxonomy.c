/*
 * taxonomy.c - GET /v1/taxonomy/skills and /v1/taxonomy/occupations:
 * typeahead over ESCO labels in en, fr and es (any role).
 *
 * The last word of q is a prefix; labels come back in `lang` where ESCO has
 * them, else in English. The taxonomy index is separate from the vacancy
 * index: each worker thread reads it through its own handle (engine/taxonomy/).
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/taxonomy.h"

#define SUGGEST_DEFAULT 10
#define SUGGEST_MAX 100

static void suggest(api_call *c, esco_kind kind)
{
	const char *q = api_query(c, "q"), *lang = api_query(c, "lang"), *lim = api_query(c, "limit");
	long limit = SUGGEST_DEFAULT;
	json_t *items;
	problem p;
	char *end;

	problem_init(&p);
	if (!q || !*q || strlen(q) > TAX_TEXT_MAX)
		problem_field(&p, "q", q && *q ? "length" : "required", "must be 1 to %d bytes",
			      TAX_TEXT_MAX);
	if (lang && esco_lang_from_code(lang) < 0)
		problem_field(&p, "lang", "unsupported", "must be one of en, fr, es");
	if (lim) {
		limit = strtol(lim, &end, 10);
		if (!*lim || *end || limit < 1 || limit > SUGGEST_MAX)
			problem_field(&p, "limit", "range", "must be an integer from 1 to %d",
				      SUGGEST_MAX);
	}
	if (problem_has_fields(&p)) {
		p.kind = PROBLEM_INVALID;
		api_reply_problem(c, &p);
		problem_release(&p);
		return;
	}
	problem_release(&p);
	items = json_array();
	if (!items || taxonomy_init(NULL, 0) ||
	    taxonomy_suggest(NULL, kind, q, lang ? lang : "en", (size_t)limit, items)) {
		json_decref(items);
		api_fail(c, 503, "the taxonomy is not available");
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "items", items));
}

static void skills(api_call *c)
{
	suggest(c, ESCO_KIND_SKILL);
}

static void occupations(api_call *c)
{
	suggest(c, ESCO_KIND_OCCUPATION);
}

static const char *const params[] = {"q", "lang", "limit", NULL};

const struct api_route taxonomy_routes[] = {
	{.method = "GET", .pattern = "/v1/taxonomy/skills", .query_params = params,
	 .handler = skills, .name = "taxonomy_skills"},
	{.method = "GET", .pattern = "/v1/taxonomy/occupations", .query_params = params,
	 .handler = occupations, .name = "taxonomy_occupations"},
	{0},
};
