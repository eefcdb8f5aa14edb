/*
 * profiles.c - the /v1/profiles endpoints (counsellors only).
 *
 * Only counsellors are allowed by the policy table (api/policy.c): admins
 * and regulators never read individual profiles, so they get 403 before
 * anything is read.
 * Ownership (another organisation's profile is a 404) and the audit row of
 * every read are enforced in engine/profile.c.
 */
#include "api/api.h"

#include <stdio.h>

#include "engine/profile.h"

static void create(api_call *c)
{
	problem p;
	json_t *doc = NULL, *out = NULL;
	store *s;

	problem_init(&p);
	if (profile_validate(api_body(c), &doc, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	s = api_store(c);
	if (!s)
		goto done;
	if (profile_create(s, api_who(c), doc, &out, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	api_set_location(c, "/v1/profiles/%s", json_string_value(json_object_get(out, "id")));
	api_reply(c, 201, out);
done:
	json_decref(doc);
	problem_release(&p);
}

static void get_one(api_call *c)
{
	problem p;
	json_t *out = NULL;
	store *s = api_store(c);

	if (!s)
		return;
	problem_init(&p);
	if (profile_get(s, api_who(c), api_param(c, 0), "read", &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
	problem_release(&p);
}

static void patch(api_call *c)
{
	problem p;
	json_t *out = NULL;
	store *s = api_store(c);

	if (!s)
		return;
	problem_init(&p);
	if (profile_patch(s, api_who(c), api_param(c, 0), api_body(c), &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
	problem_release(&p);
}

static void erase(api_call *c)
{
	problem p;
	store *s = api_store(c);

	if (!s)
		return;
	problem_init(&p);
	if (profile_erase(s, api_who(c), api_param(c, 0), &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, json_pack("{s:s, s:b}", "id", api_param(c, 0), "erased", 1));
	problem_release(&p);
}

const struct api_route profile_routes[] = {
	{"POST", "/v1/profiles", NULL, 1, create, "profiles_create"},
	{"GET", "/v1/profiles/{id}", NULL, 0, get_one, "profiles_get"},
	{"PATCH", "/v1/profiles/{id}", NULL, 1, patch, "profiles_patch"},
	{"DELETE", "/v1/profiles/{id}", NULL, 0, erase, "profiles_erase"},
	{0},
};
