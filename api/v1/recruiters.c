/*
 * recruiters.c - the /v1/recruiters endpoints and /v1/audit.
 *
 * Regulators (and admins) register, list and search recruiters, see the
 * vacancies naming one, flag them, lift flags (another authority's with a
 * second key) and record reviewed false positives; anyone with a token may
 * check a recruiter, or up to 100 at once. The rules live in
 * engine/integrity/; these handlers only map paths and query parameters
 * onto it. The check route is listed before /v1/recruiters/{id} so that
 * "check" is never taken for an id.
 */
#include "api/api.h"
#include "engine/audit.h"

#include <stdio.h>
#include <string.h>

#include "engine/integrity/integrity.h"

static int parse_rid(const char *text, int64_t *id)
{
	return integrity_parse_id(text, 'r', id);
}

static const struct api_pre any = {.need = API_STORE};
static const struct api_pre one = {.parse_id = parse_rid, .what = "recruiter", .need = API_STORE};

static int create(api_call *c, struct api_ctx *x, json_t **out)
{
	return integrity_recruiter_create(x->s, api_who(c), api_body(c), out, &x->p);
}

static int get_one(api_call *c, struct api_ctx *x, json_t **out)
{
	return integrity_recruiter_get(x->s, x->id, out, &x->p);
}

static int check(api_call *c, struct api_ctx *x, json_t **out)
{
	return integrity_check(x->s, api_query(c, "name"), api_query(c, "licence"),
			       api_query(c, "country"), out, &x->p);
}

static int check_batch(api_call *c, struct api_ctx *x, json_t **out)
{
	return integrity_check_batch(x->s, api_body(c), out, &x->p);
}

static int list(api_call *c, struct api_ctx *x, json_t **out)
{
	struct integrity_list_query q = {
		.q = api_query(c, "q"),
		.country = api_query(c, "country"),
		.flag = api_query(c, "flag"),
		.licence = api_query(c, "licence"),
		.limit = api_query(c, "limit"),
		.cursor = api_query(c, "cursor"),
	};

	return integrity_recruiter_list(x->s, &q, api_who(c)->org, out, &x->p);
}

static int vacancies(api_call *c, struct api_ctx *x, json_t **out)
{
	return integrity_recruiter_vacancies(x->s, x->id, api_query(c, "limit"),
					     api_query(c, "cursor"), api_query(c, "held"),
					     api_who(c)->org, out, &x->p);
}

static int exclude(api_call *c, struct api_ctx *x, json_t **out)
{
	int rc = integrity_exclusion_create(x->s, api_who(c), x->id, api_body(c), out, &x->p);

	if (rc == 0)
		api_set_location(c, "/v1/recruiters/%s", api_param(c, 0));
	return rc;
}

/* 201 with the flagged recruiter's Location (the flag has no URL of its own). */
static int flag(api_call *c, struct api_ctx *x, json_t **out)
{
	int rc = integrity_flag_create(x->s, api_who(c), NULL, x->id, api_body(c), out, &x->p);

	if (rc == 0)
		api_set_location(c, "/v1/recruiters/%s", api_param(c, 0));
	return rc;
}

static void lift(api_call *c)
{
	/* The flag's id is checked before the database is asked. */
	static const struct api_pre named = {.parse_id = parse_rid, .what = "recruiter"};
	struct api_ctx x;
	json_t *out = NULL;
	int64_t fid;
	int rc = -1, pending = 0;

	if (api_open(c, &named, &x))
		return;
	if (integrity_parse_id(api_param(c, 1), 'f', &fid))
		api_fail(c, 404, "no such flag");
	else if ((x.s = api_store(c)))
		rc = integrity_flag_lift(x.s, api_who(c), x.id, fid, api_body(c), &out, &pending,
					 &x.p);
	/* 202: another authority's flag waits for a second key's confirmation. */
	api_close(c, &x, rc, pending ? 202 : 200, out);
}

static int audit(api_call *c, struct api_ctx *x, json_t **out)
{
	struct integrity_audit_query q = {
		.object = api_query(c, "object"),
		.actor = api_query(c, "actor"),
		.action = api_query(c, "action"),
		.since = api_query(c, "since"),
		.until = api_query(c, "until"),
		.limit = api_query(c, "limit"),
		.cursor = api_query(c, "cursor"),
		.caller_org = api_who(c)->org,
	};

	/* Profiles and placements by per-viewer pseudonyms (engine/audit.h). */
	return integrity_audit_list(x->s, &q, out, &x->p) ||
	       audit_pseudonymise(*out, api_who(c)) ? -1 : 0;
}

static const char *const check_params[] = {"name", "licence", "country", NULL};
static const char *const list_params[] = {"q", "country", "flag", "licence",
					  "limit", "cursor", NULL};
static const char *const vacancies_params[] = {"limit", "cursor", "held", NULL};
static const char *const audit_params[] = {"object", "actor", "action", "since",
					   "until", "limit", "cursor", NULL};

const struct api_route recruiter_routes[] = {
	{.method = "GET", .pattern = "/v1/recruiters/check", .query_params = check_params,
	 .pre = &any, .step = check, .name = "recruiters_check"},
	{.method = "POST", .pattern = "/v1/recruiters/check", .body = 1, .pre = &any,
	 .step = check_batch, .name = "recruiters_check_batch"},
	{.method = "POST", .pattern = "/v1/recruiters", .body = 1, .pre = &any, .step = create,
	 .created = "/v1/recruiters", .name = "recruiters_create"},
	{.method = "GET", .pattern = "/v1/recruiters", .query_params = list_params, .pre = &any,
	 .step = list, .name = "recruiters_list"},
	{.method = "GET", .pattern = "/v1/recruiters/{id}", .pre = &one, .step = get_one,
	 .name = "recruiters_get"},
	{.method = "GET", .pattern = "/v1/recruiters/{id}/vacancies", .query_params = vacancies_params,
	 .pre = &one, .step = vacancies, .name = "recruiters_vacancies"},
	{.method = "POST", .pattern = "/v1/recruiters/{id}/exclusions", .body = 1, .pre = &one,
	 .step = exclude, .status = 201, .name = "recruiters_exclude"},
	{.method = "POST", .pattern = "/v1/recruiters/{id}/flags", .body = 1, .pre = &one,
	 .step = flag, .status = 201, .name = "recruiters_flag"},
	{.method = "POST", .pattern = "/v1/recruiters/{id}/flags/{flag}/lift", .body = 1,
	 .handler = lift, .name = "recruiters_lift"},
	{.method = "GET", .pattern = "/v1/audit", .query_params = audit_params, .pre = &any,
	 .step = audit, .name = "audit"},
	{0},
};
