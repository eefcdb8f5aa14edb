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

static const struct api_pre new_profile = {.validate = profile_validate, .need = API_STORE};
static const struct api_pre one = {.need = API_STORE}; /* profile_get checks the id */

static void create(api_call *c)
{
	struct api_ctx x;
	json_t *out = NULL;
	int rc;

	if (api_open(c, &new_profile, &x))
		return;
	rc = profile_create(x.s, api_who(c), x.doc, &out, &x.p);
	api_close_created(c, &x, rc, out, "/v1/profiles");
}

static void get_one(api_call *c)
{
	struct api_ctx x;
	int rc;
	json_t *out = NULL;

	if (api_open(c, &one, &x))
		return;
	rc = profile_get(x.s, api_who(c), api_param(c, 0), "read", &out, &x.p);
	api_close(c, &x, rc, 200, out);
}

static void patch(api_call *c)
{
	struct api_ctx x;
	int rc;
	json_t *out = NULL;

	if (api_open(c, &one, &x))
		return;
	rc = profile_patch(x.s, api_who(c), api_param(c, 0), api_body(c), &out, &x.p);
	api_close(c, &x, rc, 200, out);
}

static void erase(api_call *c)
{
	struct api_ctx x;
	int rc;

	if (api_open(c, &one, &x))
		return;
	rc = profile_erase(x.s, api_who(c), api_param(c, 0), &x.p);
	api_close(c, &x, rc, 200,
		  rc ? NULL : json_pack("{s:s, s:b}", "id", api_param(c, 0), "erased", 1));
}

const struct api_route profile_routes[] = {
	{"POST", "/v1/profiles", NULL, 1, create, "profiles_create"},
	{"GET", "/v1/profiles/{id}", NULL, 0, get_one, "profiles_get"},
	{"PATCH", "/v1/profiles/{id}", NULL, 1, patch, "profiles_patch"},
	{"DELETE", "/v1/profiles/{id}", NULL, 0, erase, "profiles_erase"},
	{0},
};
