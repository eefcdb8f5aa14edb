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
#include "engine/taxonomy/taxonomy.h"

static const struct api_pre new_profile = {.validate = profile_validate, .need = API_STORE};
static const struct api_pre one = {.need = API_STORE}; /* profile_get checks the id */

/* Each answer holding a profile carries the labels of its concepts in the
 * language asked (lang, else Accept-Language, else English), checked
 * before anything is read or written. */
static int create(api_call *c, struct api_ctx *x, json_t **out)
{
	const char *lang;
	int rc = api_lang(c, &x->p, &lang);

	if (rc == 0 && (rc = profile_create(x->s, api_who(c), x->doc, out, &x->p)) == 0)
		taxonomy_label_doc(*out, lang);
	return rc;
}

static int get_one(api_call *c, struct api_ctx *x, json_t **out)
{
	const char *lang;
	int rc = api_lang(c, &x->p, &lang);

	if (rc == 0 && (rc = profile_get(x->s, api_who(c), api_param(c, 0), "read", out, &x->p)) == 0)
		taxonomy_label_doc(*out, lang);
	return rc;
}

static int patch(api_call *c, struct api_ctx *x, json_t **out)
{
	const char *lang;
	int rc = api_lang(c, &x->p, &lang);

	if (rc == 0 &&
	    (rc = profile_patch(x->s, api_who(c), api_param(c, 0), api_body(c), out, &x->p)) == 0)
		taxonomy_label_doc(*out, lang);
	return rc;
}

static const char *const lang_param[] = {"lang", NULL};

static int erase(api_call *c, struct api_ctx *x, json_t **out)
{
	int rc = profile_erase(x->s, api_who(c), api_param(c, 0), &x->p);

	if (rc == 0)
		*out = json_pack("{s:s, s:b}", "id", api_param(c, 0), "erased", 1);
	return rc;
}

const struct api_route profile_routes[] = {
	{.method = "POST", .pattern = "/v1/profiles", .body = 1, .pre = &new_profile,
	 .step = create, .created = "/v1/profiles", .query_params = lang_param,
	 .name = "profiles_create"},
	{.method = "GET", .pattern = "/v1/profiles/{id}", .pre = &one, .step = get_one,
	 .query_params = lang_param, .name = "profiles_get"},
	{.method = "PATCH", .pattern = "/v1/profiles/{id}", .body = 1, .pre = &one, .step = patch,
	 .query_params = lang_param, .name = "profiles_patch"},
	{.method = "DELETE", .pattern = "/v1/profiles/{id}", .pre = &one, .step = erase,
	 .name = "profiles_erase"},
	{0},
};
