/*
 * recruiters.c - the /v1/recruiters endpoints and /v1/audit.
 *
 * Regulators (and admins) register recruiters, flag them and lift flags;
 * anyone with a token may check a recruiter. The rules live in
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
	int rc = -1;

	if (api_open(c, &named, &x))
		return;
	if (integrity_parse_id(api_param(c, 1), 'f', &fid))
		api_fail(c, 404, "no such flag");
	else if ((x.s = api_store(c)))
		rc = integrity_flag_lift(x.s, api_who(c), x.id, fid, api_body(c), &out, &x.p);
	api_close(c, &x, rc, 200, out);
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
	};

	/* Profiles and placements by per-viewer pseudonyms (engine/audit.h). */
	return integrity_audit_list(x->s, &q, out, &x->p) ||
	       audit_pseudonymise(*out, api_who(c)) ? -1 : 0;
}

static const char *const check_params[] = {"name", "licence", "country", NULL};
static const char *const audit_params[] = {"object", "actor", "action", "since",
					   "until", "limit", "cursor", NULL};

const struct api_route recruiter_routes[] = {
	{.method = "GET", .pattern = "/v1/recruiters/check", .query_params = check_params,
	 .pre = &any, .step = check, .name = "recruiters_check"},
	{.method = "POST", .pattern = "/v1/recruiters", .body = 1, .pre = &any, .step = create,
	 .created = "/v1/recruiters", .name = "recruiters_create"},
	{.method = "GET", .pattern = "/v1/recruiters/{id}", .pre = &one, .step = get_one,
	 .name = "recruiters_get"},
	{.method = "POST", .pattern = "/v1/recruiters/{id}/flags", .body = 1, .pre = &one,
	 .step = flag, .status = 201, .name = "recruiters_flag"},
	{.method = "POST", .pattern = "/v1/recruiters/{id}/flags/{flag}/lift", .body = 1,
	 .handler = lift, .name = "recruiters_lift"},
	{.method = "GET", .pattern = "/v1/audit", .query_params = audit_params, .pre = &any,
	 .step = audit, .name = "audit"},
	{0},
};
