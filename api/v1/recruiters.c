/*
 * recruiters.c - the /v1/recruiters endpoints and /v1/audit.
 *
 * Regulators (and admins) register recruiters, flag them and lift flags;
 * anyone with a token may check a recruiter. The rules live in
 * engine/integrity.c; these handlers only map paths and query parameters
 * onto it. The check route is listed before /v1/recruiters/{id} so that
 * "check" is never taken for an id.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "engine/integrity/integrity.h"

static int parse_rid(api_call *c, int64_t *id)
{
	if (integrity_parse_id(api_param(c, 0), 'r', id) == 0)
		return 0;
	api_fail(c, 404, "Not found", "no such recruiter");
	return -1;
}

static void answer(api_call *c, int rc, int status, json_t *out, problem *p)
{
	if (rc)
		api_reply_problem(c, p);
	else
		api_reply(c, status, out);
	problem_release(p);
}

static void create(api_call *c)
{
	problem p;
	json_t *out = NULL;
	store *s = api_store(c);
	int rc;

	if (!s)
		return;
	problem_init(&p);
	rc = integrity_recruiter_create(s, api_who(c), api_body(c), &out, &p);
	if (rc == 0) {
		api_set_location(c, "/v1/recruiters/%s", json_string_value(json_object_get(out, "id")));
	}
	answer(c, rc, 201, out, &p);
}

static void get_one(api_call *c)
{
	problem p;
	json_t *out = NULL;
	int64_t id;
	store *s;
	int rc;

	if (parse_rid(c, &id) || !(s = api_store(c)))
		return;
	problem_init(&p);
	rc = integrity_recruiter_get(s, id, &out, &p);
	answer(c, rc, 200, out, &p);
}

static void check(api_call *c)
{
	problem p;
	json_t *out = NULL;
	store *s = api_store(c);
	int rc;

	if (!s)
		return;
	problem_init(&p);
	rc = integrity_check(s, api_query(c, "name"), api_query(c, "licence"),
			     api_query(c, "country"), &out, &p);
	answer(c, rc, 200, out, &p);
}

static void flag(api_call *c)
{
	problem p;
	json_t *out = NULL;
	int64_t id;
	store *s;
	int rc;

	if (parse_rid(c, &id) || !(s = api_store(c)))
		return;
	problem_init(&p);
	rc = integrity_flag_create(s, api_who(c), NULL, id, api_body(c), &out, &p);
	if (rc == 0) {
		api_set_location(c, "/v1/recruiters/%s", api_param(c, 0));
	}
	answer(c, rc, 201, out, &p);
}

static void lift(api_call *c)
{
	problem p;
	json_t *out = NULL;
	int64_t id, fid;
	store *s;
	int rc;

	if (parse_rid(c, &id))
		return;
	if (integrity_parse_id(api_param(c, 1), 'f', &fid)) {
		api_fail(c, 404, "Not found", "no such flag");
		return;
	}
	if (!(s = api_store(c)))
		return;
	problem_init(&p);
	rc = integrity_flag_lift(s, api_who(c), id, fid, api_body(c), &out, &p);
	answer(c, rc, 200, out, &p);
}

static void audit(api_call *c)
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
	problem p;
	json_t *out = NULL;
	store *s = api_store(c);
	int rc;

	if (!s)
		return;
	problem_init(&p);
	rc = integrity_audit_list(s, &q, &out, &p);
	answer(c, rc, 200, out, &p);
}

static const char *const check_params[] = {"name", "licence", "country", NULL};
static const char *const audit_params[] = {"object", "actor", "action", "since",
					   "until", "limit", "cursor", NULL};

const struct api_route recruiter_routes[] = {
	{"GET", "/v1/recruiters/check", check_params, 0, check, "recruiters_check"},
	{"POST", "/v1/recruiters", NULL, 1, create, "recruiters_create"},
	{"GET", "/v1/recruiters/{id}", NULL, 0, get_one, "recruiters_get"},
	{"POST", "/v1/recruiters/{id}/flags", NULL, 1, flag,
	 "recruiters_flag"},
	{"POST", "/v1/recruiters/{id}/flags/{flag}/lift", NULL, 1, lift,
	 "recruiters_lift"},
	{"GET", "/v1/audit", audit_params, 0, audit, "audit"},
	{0},
};
