/*
 * request.c - one request's run: find its route, authenticate and
 * authorise it, check its query parameters and decode its body, call the
 * handler; and run it again while the ride-through allows (api/thread.c).
 * Also what a handler reads of its request (the accessors of api.h).
 *
 * Authorization comes from the policy table only (api/policy.h): the rule
 * of the matched route says who may call it (401/403 here, before the
 * handler), which roles are limited to their own organisation
 * (api_scope), and which fields of a 2xx answer each role sees (applied in
 * api_reply, the one place every JSON answer passes).
 */
#include "api/internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- accessors ---- */

const struct principal *api_who(api_call *c)
{
	return &c->who;
}

const char *api_scope(api_call *c)
{
	if (c->rule && c->who.role > ROLE_NONE && c->who.role <= ROLE_ADMIN &&
	    (c->rule->org_scoped & (1u << c->who.role)))
		return c->who.org;
	return NULL;
}

const struct policy_rule *api_rule(api_call *c)
{
	return c->rule;
}

const char *api_param(api_call *c, int i)
{
	return i >= 0 && i < API_MAX_PARAMS ? c->params[i] : NULL;
}

const char *api_header(api_call *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, name);
}

const char *api_query(api_call *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *api_body(api_call *c)
{
	return c->json;
}

static enum MHD_Result check_query_param(void *cls, enum MHD_ValueKind kind, const char *key,
					 const char *value)
{
	api_call *c = cls;
	const char *const *q = c->route->query_params;
	(void)kind;
	(void)value;

	for (; q && *q; q++)
		if (strncmp(*q, key, strcspn(*q, "*")) == 0 && key[strcspn(*q, "*")] == '\0')
			return MHD_YES;
	snprintf(c->early_detail, sizeof c->early_detail, "%s", key);
	return MHD_NO;
}

/* ---- repeated query parameters ----
 * A name the route lists with a trailing '*' may be given several times
 * (an OR, read with api_query_all); any other given twice is a 400, never
 * one value silently dropped. */
struct query_values {
	const char *name;
	const char **out;
	size_t max, n;
};

static enum MHD_Result collect_value(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct query_values *qv = cls;
	(void)kind;

	if (strcmp(key, qv->name) == 0) {
		if (qv->n < qv->max)
			qv->out[qv->n] = value ? value : "";
		qv->n++;
	}
	return MHD_YES;
}

size_t api_query_all(api_call *c, const char *name, const char **out, size_t max)
{
	struct query_values qv = {name, out, max, 0};

	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, collect_value, &qv);
	return qv.n;
}

/* The first parameter given more than once that the route does not let
 * repeat, into name; 0 when none. */
static int repeated_param(api_call *c, char *name, size_t len)
{
	const char *const *q;
	const char *one;

	for (q = c->route->query_params; q && *q; q++) {
		char base[64];

		if (strchr(*q, '*'))
			continue;
		snprintf(base, sizeof base, "%s", *q);
		if (api_query_all(c, base, &one, 1) > 1) {
			snprintf(name, len, "%s", base);
			return 1;
		}
	}
	return 0;
}

static int has_query_param(void *ctx, const char *name)
{
	api_call *c = ctx;

	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name) != NULL;
}

static int content_type_is_json(api_call *c)
{
	const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void dispatch_once(api_call *c)
{
	char allow[64], field[sizeof c->early_detail], detail[256];
	json_error_t jerr;

	api__set_actor(NULL, NULL);
	c->route = api__route_for(c, allow, sizeof allow);
	if (!c->route) {
		if (allow[0]) {
			snprintf(c->early_detail, sizeof c->early_detail, "%s", allow);
			api_fail(c, 405, "this path does not take this method");
		} else {
			api_fail(c, 404, "no such endpoint");
		}
		return;
	}
	c->rule = policy_find(c->route->method, c->route->pattern, has_query_param, c);
	if (!c->rule) {
		/* Unreachable while policy_check_routes passes at start: fail closed. */
		api_fail(c, 403, "no policy covers this endpoint");
		return;
	}
	if (c->rule->roles != R_PUBLIC && api__authenticate(c))
		return;
	c->early_detail[0] = '\0';
	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, check_query_param, c);
	if (c->early_detail[0]) {
		snprintf(field, sizeof field, "%s", c->early_detail);
		snprintf(detail, sizeof detail, "unknown query parameter '%s'", field);
		c->early_detail[0] = '\0';
		api_fail_field(c, 400, field, "unknown_field", "unknown query parameter",
			       detail);
		return;
	}
	if (repeated_param(c, field, sizeof field)) {
		snprintf(detail, sizeof detail,
			 "query parameter '%s' is given more than once; it takes one value", field);
		api_fail_field(c, 400, field, "duplicate", "given more than once", detail);
		return;
	}
	if (c->route->body) {
		if (!content_type_is_json(c)) {
			api_fail(c, 415, "the body must be application/json");
			return;
		}
		if (c->body_len == 0) {
			api_fail(c, 400, "a JSON body is required");
			return;
		}
		c->json = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &jerr);
		if (!c->json) {
			problem p;

			problem_init(&p);
			problem_set(&p, PROBLEM_MALFORMED, "line %d, column %d: %s", jerr.line,
				    jerr.column, jerr.text);
			problem_field(&p, "(body)", "json", "%s", jerr.text);
			api_reply_problem(c, &p);
			problem_release(&p);
			return;
		}
		if (!json_is_object(c->json) && !(c->route->body == 2 && json_is_array(c->json))) {
			api_fail_field(c, 400, "(body)", "type", "must be an object",
				       "the body must be a JSON object");
			return;
		}
	} else if (c->body_len > 0) {
		api_fail(c, 400, "this endpoint takes no body");
		return;
	}
	if (c->route->step)
		api__run_step(c);
	else
		c->route->handler(c);
	if (!c->replied)
		api_fail(c, 503, "the request was not answered");
}

void api__dispatch(api_call *c)
{
	int run;

	for (run = 1;; run++) {
		api__unit_start();
		dispatch_once(c);
		/* Public routes (health) report the outage at once. */
		if (c->replied != 503 || !c->rule || c->rule->roles == R_PUBLIC ||
		    !api__may_run_again(run))
			break;
		api__take_back(c);
	}
}
