/*
 * taxonomy.c - GET /v1/taxonomy/skills and /v1/taxonomy/occupations:
 * typeahead over ESCO labels in en, fr and es (any role); and the lookups
 * GET /v1/taxonomy/skills/{uri-or-id} and /v1/taxonomy/occupations/{uri-or-isco}:
 * one concept with its labels, hierarchy and (occupations) skills.
 *
 * The last word of q is a prefix; a URI or (occupations) an ISCO-08 code
 * is taken as the identifier it is. Labels come back in `lang`
 * (Accept-Language by default) where ESCO has them, else in English. The
 * taxonomy index is separate from the vacancy index: each worker thread
 * reads it through its own handle (engine/taxonomy/).
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/taxonomy.h"

#define SUGGEST_DEFAULT 10
#define SUGGEST_MAX 100

static void suggest(api_call *c, esco_kind kind)
{
	const char *q = api_query(c, "q"), *lang = "en", *lim = api_query(c, "limit");
	long limit = SUGGEST_DEFAULT;
	json_t *items;
	problem p;
	char *end;

	problem_init(&p);
	if (!q || !*q || strlen(q) > TAX_TEXT_MAX)
		problem_field(&p, "q", q && *q ? "length" : "required", "must be 1 to %d bytes",
			      TAX_TEXT_MAX);
	api_lang(c, &p, &lang);
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
	    taxonomy_suggest(NULL, kind, q, lang, (size_t)limit, items)) {
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

static void lookup(api_call *c, esco_kind kind)
{
	const char *lang = "en", *id = api_param(c, 0);
	json_t *out = NULL;
	problem p;
	int rc;

	problem_init(&p);
	if (api_lang(c, &p, &lang)) {
		api_reply_problem(c, &p);
		problem_release(&p);
		return;
	}
	problem_release(&p);
	rc = taxonomy_lookup(kind, id, lang, &out);
	if (rc == TAX_ERR_UNKNOWN)
		api_fail(c, 404,
			 kind == ESCO_KIND_SKILL
				 ? "no such skill: give an ESCO skill URI (URL-encoded) or its last segment"
				 : "no such occupation: give an ESCO occupation URI (URL-encoded), its "
				   "last segment, or an ISCO-08 code of 1 to 4 digits or its ESCO URI");
	else if (rc)
		api_fail(c, 503, "the taxonomy is not available");
	else
		api_reply(c, 200, out);
}

static void skill_one(api_call *c)
{
	lookup(c, ESCO_KIND_SKILL);
}

static void occupation_one(api_call *c)
{
	lookup(c, ESCO_KIND_OCCUPATION);
}

static const char *const params[] = {"q", "lang", "limit", NULL};
static const char *const lookup_params[] = {"lang", NULL};

const struct api_route taxonomy_routes[] = {
	{.method = "GET", .pattern = "/v1/taxonomy/skills", .query_params = params,
	 .handler = skills, .name = "taxonomy_skills"},
	{.method = "GET", .pattern = "/v1/taxonomy/occupations", .query_params = params,
	 .handler = occupations, .name = "taxonomy_occupations"},
	{.method = "GET", .pattern = "/v1/taxonomy/skills/{id+}", .query_params = lookup_params,
	 .handler = skill_one, .name = "taxonomy_skill"},
	{.method = "GET", .pattern = "/v1/taxonomy/occupations/{id+}", .query_params = lookup_params,
	 .handler = occupation_one, .name = "taxonomy_occupation"},
	{0},
};
