/*
 * quotas.c - the /v1/quotas endpoints: listings (admins write; counsellors,
 * employers and admins read), eligibility of one profile
 * (GET /v1/quotas?profile_id=, counsellors only), and placements that take
 * and give back slots (the counsellor of the profile's organisation).
 *
 * A profile is only ever read through profile_get, which audits the read
 * ("quota_eligibility", "quota_placement") and answers 404 for another
 * organisation's profile. A placement checks that the listing exists
 * before it reads the profile, so a mistyped listing id reads nothing.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "engine/profile.h"
#include "engine/quota/quota.h"

static int parse_id(api_call *c, int64_t *id)
{
	if (quota_parse_id(api_param(c, 0), id) == 0)
		return 0;
	api_fail(c, 404, "Not found", "no such quota listing");
	return -1;
}

static void create(api_call *c)
{
	problem p;
	json_t *doc = NULL, *out = NULL;
	store *s;

	problem_init(&p);
	if (quota_validate(api_body(c), &doc, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	if (!(s = api_store(c)))
		goto done;
	if (quota_create(s, api_who(c), doc, &out, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	api_set_location(c, "/v1/quotas/%s", json_string_value(json_object_get(out, "id")));
	api_reply(c, 201, out);
done:
	json_decref(doc);
	problem_release(&p);
}

static void list(api_call *c)
{
	struct quota_query q = {
		.origin = api_query(c, "origin"),
		.destination = api_query(c, "destination"),
		.occupation = api_query(c, "occupation"),
		.limit = api_query(c, "limit"),
		.cursor = api_query(c, "cursor"),
	};
	const char *pid = api_query(c, "profile_id");
	json_t *profile = NULL, *out = NULL;
	problem p;
	store *s;

	/* Who may ask about a profile is the policy's "GET /v1/quotas?profile_id"
	 * rule, applied before this handler runs. */
	if (!(s = api_store(c)))
		return;
	problem_init(&p);
	if (pid && profile_get(s, api_who(c), pid, "quota_eligibility", &profile, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	if (quota_list(s, &q, profile, &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
done:
	json_decref(profile);
	problem_release(&p);
}

static void get_one(api_call *c)
{
	problem p;
	json_t *out = NULL;
	int64_t id;
	store *s;

	if (parse_id(c, &id) || !(s = api_store(c)))
		return;
	problem_init(&p);
	if (quota_get(s, id, &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
	problem_release(&p);
}

static void place(api_call *c)
{
	const char *pid = NULL;
	json_t *listing = NULL, *profile = NULL, *out = NULL;
	problem p;
	int64_t id;
	store *s;

	if (parse_id(c, &id))
		return;
	problem_init(&p);
	if (quota_placement_validate(api_body(c), &pid, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	if (!(s = api_store(c)))
		goto done;
	if (quota_get(s, id, &listing, &p) ||
	    profile_get(s, api_who(c), pid, "quota_placement", &profile, &p) ||
	    quota_place(s, api_who(c), id, profile, &out, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	api_set_location(c, "/v1/quotas/%s/placements/%s", api_param(c, 0),
		 json_string_value(json_object_get(out, "id")));
	api_reply(c, 201, out);
done:
	json_decref(listing);
	json_decref(profile);
	problem_release(&p);
}

static void release(api_call *c)
{
	problem p;
	json_t *out = NULL;
	int64_t id;
	store *s;

	if (parse_id(c, &id) || !(s = api_store(c)))
		return;
	problem_init(&p);
	if (quota_release(s, api_who(c), api_scope(c), id, api_param(c, 1), &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
	problem_release(&p);
}

static const char *const list_params[] = {"origin", "destination", "occupation", "profile_id",
					  "limit",  "cursor",	   NULL};

const struct api_route quota_routes[] = {
	{"POST", "/v1/quotas", NULL, 1, create, "quotas_create"},
	{"GET", "/v1/quotas", list_params, 0, list,
	 "quotas_list"},
	{"GET", "/v1/quotas/{id}", NULL, 0, get_one,
	 "quotas_get"},
	{"POST", "/v1/quotas/{id}/placements", NULL, 1, place, "quotas_place"},
	{"DELETE", "/v1/quotas/{id}/placements/{placement}", NULL, 0,
	 release, "quotas_release"},
	{0},
};
