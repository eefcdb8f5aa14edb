/*
 * match.c - POST /v1/match (counsellors) and
 * GET /v1/vacancies/{id}/candidates (the owning employer).
 *
 * A stored profile is read through profile_get with why "match", which
 * audits the read in its own transaction before the index is asked (and
 * refuses, audited, a profile whose consent.matching is false: 409). An
 * inline profile is validated, used for this one request and dropped: only
 * the fact that a match happened is audited ("match.inline", no object, no
 * content), and it is neither stored nor indexed; one that says
 * "consent":{"matching":false} is refused (409) like a stored one, audited
 * as "match.inline_refused".
 *
 * A caller who sees the whole answer (policy_full_view) gets each result's
 * vacancy written out as the index stores it (the indexer wrote it with
 * json_dumps), and the answer is written as text around them
 * (match_answer_text): parsing twenty documents only to write them out
 * again was a fifth of a match's time, and building trees of the labels
 * and explanations only to dump them a third more. Anyone else gets the
 * parsed answer, shaped.
 *
 * Candidate cards are for the vacancy's owning employer only. Admins are
 * left out on purpose: a card is minimised but still about one person, and
 * API.md keeps admins away from individual profiles.
 */
#include "api/api.h"
#include "api/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/match/match.h"
#include "engine/profile.h"
#include "engine/taxonomy/taxonomy.h"

/* match_answer_text writes what json_dumps(API_JSON_DUMP) would. */
_Static_assert(API_JSON_DUMP == (JSON_COMPACT | JSON_REAL_PRECISION(MATCH_REAL_PRECISION)),
	       "the match answer's text has the precision of the API's other answers");

static void match(api_call *c)
{
	struct match_params mp;
	char id[PROFILE_ID_LEN + 1];
	json_t *inline_doc = NULL, *stored = NULL, *out = NULL;
	const json_t *profile;
	struct api_ctx x;
	int rc;

	api_open(c, NULL, &x);
	rc = match_parse(api_body(c), id, sizeof id, &inline_doc, &mp, &x.p);
	if (rc)
		goto out;
	/* Labels in the body's "lang", else ?lang= as on every GET, else the
	 * Accept-Language header's, else English. */
	if (!json_object_get(api_body(c), "lang")) {
		const char *lang;

		if (api_query(c, "lang")) {
			if ((rc = api_lang(c, &x.p, &lang)))
				goto out;
			memcpy(mp.lang, lang, 3);
		} else {
			match_accept_language(api_header(c, "Accept-Language"), mp.lang);
		}
	}
	mp.raw_vacancies = policy_full_view(api_rule(c), api_who(c)->role);
	if ((rc = api_need(c, &x, API_STORE | API_INDEX)))
		goto out;
	if (inline_doc) {
		if ((rc = profile_match_inline(x.s, api_who(c), inline_doc, &x.p)))
			goto out;
		profile = inline_doc;
	} else {
		if ((rc = profile_get(x.s, api_who(c), id, "match", &stored, &x.p)))
			goto out;
		profile = stored;
	}
	rc = match_vacancies(x.db, profile, &mp, &out, &x.p) ||
	     match_attach_quotas(x.s, profile, out, &x.p);
	/* What the walk-in's free text became, as a write answers it (a
	 * stored profile was normalised when it was written: nothing here). */
	if (!rc && json_object_set_new(out, "normalised",
				       inline_doc && json_object_get(inline_doc, "normalised")
					       ? json_incref(json_object_get(inline_doc, "normalised"))
					       : json_array())) {
		problem_set(&x.p, PROBLEM_UNAVAILABLE, "out of memory");
		rc = -1;
	}
	if (!rc) {
		json_t *q;
		size_t i;

		taxonomy_label_report(json_object_get(out, "normalised"), mp.lang);
		/* each listing's occupation labelled, as the vacancies' are */
		json_array_foreach(json_object_get(out, "quotas"), i, q)
			taxonomy_label_doc(json_object_get(q, "quota"), mp.lang);
	}
	if (rc) {
		json_decref(out);
		out = NULL;
		if (!x.p.kind)
			problem_set(&x.p, PROBLEM_UNAVAILABLE, "the match could not be completed");
		goto out;
	}
	if (mp.raw_vacancies) {
		size_t len;
		char *text = match_answer_text(out, &len);

		json_decref(out);
		out = NULL;
		if (text)
			api_reply_text(c, 200, "application/json", text);
		else
			api_fail(c, 503, "the match answer could not be written");
	}
out:
	api_close(c, &x, rc, 200, out);
	json_decref(inline_doc);
	json_decref(stored);
}

static void candidates(api_call *c)
{
	const char *l = api_query(c, "limit"), *lang = "en";
	unsigned long limit = MATCH_LIMIT_DEFAULT;
	static const struct api_pre any = {.need = API_STORE};
	json_t *out = NULL;
	struct api_ctx x;
	int rc;
	char *end = NULL;

	if (l) {
		limit = strtoul(l, &end, 10);
		if (!*l || *end || l[0] == '-' || limit < 1 || limit > MATCH_LIMIT_MAX || strlen(l) > 3) {
			api_fail_field(c, 400, "limit", "format",
				       "must be an integer from 1 to 100",
				       "limit: must be an integer from 1 to 100");
			return;
		}
	}
	if (api_open(c, &any, &x))
		return;
	/* skill labels in ?lang=, else Accept-Language, else English */
	rc = api_lang(c, &x.p, &lang) ? -1
	     : match_candidates(x.s, api_who(c), api_scope(c), api_param(c, 0), limit,
				api_query(c, "cursor"), lang, &out, &x.p);
	api_close(c, &x, rc, 200, out);
}

static const char *const candidate_params[] = {"limit", "cursor", "lang", NULL};
static const char *const match_query_params[] = {"lang", NULL};

const struct api_route match_routes[] = {
	{.method = "POST", .pattern = "/v1/match", .body = 1, .query_params = match_query_params,
	 .handler = match, .name = "match"},
	{.method = "GET", .pattern = "/v1/vacancies/{id}/candidates",
	 .query_params = candidate_params, .handler = candidates, .name = "vacancies_candidates"},
	{0},
};
