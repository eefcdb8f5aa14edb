/*
 * quotas.c - the /v1/quotas endpoints: listings (admins write; counsellors,
 * employers and admins read), eligibility of one profile
 * (GET /v1/quotas?profile_id=, counsellors only), and placements that take
 * and give back slots (the counsellor of the profile's organisation);
 * admins change a listing's slots, dates and conditions (PATCH) and close
 * it (DELETE).
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
#include "engine/taxonomy/taxonomy.h"

static const struct api_pre new_quota = {.validate = quota_validate, .need = API_STORE};
static const struct api_pre any = {.need = API_STORE};
static const struct api_pre one = {
	.parse_id = quota_parse_id,
	.what = "quota listing",
	.need = API_STORE,
};

static int create(api_call *c, struct api_ctx *x, json_t **out)
{
	return quota_create(x->s, api_who(c), x->doc, out, &x->p);
}

/* Who may ask about a profile is the policy's "GET /v1/quotas?profile_id"
 * rule, applied before this step runs. */
static int list(api_call *c, struct api_ctx *x, json_t **out)
{
	struct quota_query q = {
		.origin = api_query(c, "origin"),
		.destination = api_query(c, "destination"),
		.occupation = api_query(c, "occupation"),
		.limit = api_query(c, "limit"),
		.cursor = api_query(c, "cursor"),
		.caller_org = api_who(c)->org,
	};
	const char *pid = api_query(c, "profile_id");
	const char *lang;
	json_t *profile = NULL, *it;
	size_t i;
	int rc;

	rc = api_lang(c, &x->p, &lang) ||
	     (pid && profile_get(x->s, api_who(c), pid, "quota_eligibility", &profile, &x->p)) ||
	     quota_list(x->s, &q, profile, out, &x->p);
	json_decref(profile); /* the answer holds copies */
	/* the occupation's label beside its code, as vacancies show it */
	json_array_foreach(rc ? NULL : json_object_get(*out, "items"), i, it)
		taxonomy_label_doc(it, lang);
	return rc;
}

static int get_one(api_call *c, struct api_ctx *x, json_t **out)
{
	const char *lang;
	int rc = api_lang(c, &x->p, &lang) || quota_get(x->s, x->id, out, &x->p);

	if (rc == 0)
		taxonomy_label_doc(*out, lang); /* labels are a courtesy: no error */
	return rc;
}

static void place(api_call *c)
{
	/* The body is checked before the database is asked. */
	static const struct api_pre listing_id = {.parse_id = quota_parse_id,
						  .what = "quota listing"};
	const char *pid = NULL;
	json_t *listing = NULL, *profile = NULL, *out = NULL;
	struct api_ctx x;
	int rc;

	if (api_open(c, &listing_id, &x))
		return;
	rc = quota_placement_validate(api_body(c), &pid, &x.p);
	if (rc == 0 && !(x.s = api_store(c)))
		rc = -1; /* answered */
	if (rc == 0)
		rc = quota_get(x.s, x.id, &listing, &x.p) ||
		     profile_get(x.s, api_who(c), pid, "quota_placement", &profile, &x.p) ||
		     quota_place(x.s, api_who(c), x.id, profile, &out, &x.p);
	if (rc == 0)
		api_set_location(c, "/v1/quotas/%s/placements/%s", api_param(c, 0),
				 json_string_value(json_object_get(out, "id")));
	api_close(c, &x, rc, 201, out);
	json_decref(listing);
	json_decref(profile);
}

static int patch(api_call *c, struct api_ctx *x, json_t **out)
{
	return quota_patch(x->s, api_who(c), x->id, api_body(c), out, &x->p);
}

static int close_listing(api_call *c, struct api_ctx *x, json_t **out)
{
	return quota_close(x->s, api_who(c), x->id, out, &x->p);
}

static int release(api_call *c, struct api_ctx *x, json_t **out)
{
	return quota_release(x->s, api_who(c), api_scope(c), x->id, api_param(c, 1), out, &x->p);
}

static const char *const list_params[] = {"origin", "destination", "occupation", "profile_id",
					  "limit",  "cursor",	   "lang",	 NULL};
static const char *const lang_param[] = {"lang", NULL};

const struct api_route quota_routes[] = {
	{.method = "POST", .pattern = "/v1/quotas", .body = 1, .pre = &new_quota, .step = create,
	 .created = "/v1/quotas", .name = "quotas_create"},
	{.method = "GET", .pattern = "/v1/quotas", .query_params = list_params, .pre = &any,
	 .step = list, .name = "quotas_list"},
	{.method = "GET", .pattern = "/v1/quotas/{id}", .pre = &one, .step = get_one,
	 .query_params = lang_param, .name = "quotas_get"},
	{.method = "PATCH", .pattern = "/v1/quotas/{id}", .body = 1, .pre = &one, .step = patch,
	 .name = "quotas_patch"},
	{.method = "DELETE", .pattern = "/v1/quotas/{id}", .pre = &one, .step = close_listing,
	 .name = "quotas_close"},
	{.method = "POST", .pattern = "/v1/quotas/{id}/placements", .body = 1, .handler = place,
	 .name = "quotas_place"},
	{.method = "DELETE", .pattern = "/v1/quotas/{id}/placements/{placement}", .pre = &one,
	 .step = release, .name = "quotas_release"},
	{0},
};
