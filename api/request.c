/*
 * request.c - one request's run, in two phases: the header phase (find its
 * route, authenticate and authorise it, take from its token's bucket,
 * check its query parameters and its declared body) runs before any byte
 * of the body is read, so that a refusal costs no upload; the body phase
 * decodes the body and calls the handler. Each runs again while the
 * ride-through allows (api/thread.c).
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
#include <stdlib.h>
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

/* Whether ct is the media type type, parameters (";charset=…") aside. */
static int media_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	return ct && strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* application/json; on PATCH also RFC 7396's own type for a merge patch,
 * which clients that follow the RFC send. */
static int content_type_is_json(api_call *c)
{
	const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);

	return media_type_is(ct, "application/json") ||
	       (strcmp(c->route->method, "PATCH") == 0 &&
		media_type_is(ct, "application/merge-patch+json"));
}

/* Decodes the {params} the router copied (still percent-encoded, so that
 * "%2F" was no separator): 0, or -1 when one holds a NUL or a control
 * character once decoded. */
static int decode_params(api_call *c)
{
	int i;
	size_t n, j;

	for (i = 0; i < API_MAX_PARAMS && c->params[i]; i++) {
		char *p = (char *)c->params[i]; /* in c->param_buf */

		n = MHD_http_unescape(p);
		for (j = 0; j < n; j++)
			if ((unsigned char)p[j] < ' ' || p[j] == 0x7f)
				return -1;
	}
	return 0;
}

/* A route for every authenticated role: what an unknown path is checked
 * against, so that 404 and 405 are told only to a caller with a token
 * (no enumeration of routes without one). */
static const struct policy_rule any_caller = {.roles = R_ANY};

/* The header phase of one run: 0 when the request may go on to its body;
 * -1 answered. */
static int head_once(api_call *c)
{
	char allow[64], field[sizeof c->early_detail], detail[256];
	const char *method = strcmp(c->method, "HEAD") == 0 ? "GET" : c->method;
	const char *saved = c->method;
	const char *cl;

	api__set_actor(NULL, NULL);
	c->method = method;
	c->route = api__route_for(c, allow, sizeof allow);
	c->method = saved;
	if (!c->route) {
		c->rule = &any_caller;
		if (api__authenticate(c))
			return -1;
		c->rule = NULL;
		if (allow[0]) {
			if (strstr(allow, "GET") && strlen(allow) + 7 < sizeof allow)
				strcat(allow, ", HEAD");
			snprintf(c->early_detail, sizeof c->early_detail, "%s", allow);
			api_fail(c, 405, "this path does not take this method");
		} else {
			api_fail(c, 404, "no such endpoint");
		}
		return -1;
	}
	c->rule = policy_find(c->route->method, c->route->pattern, has_query_param, c);
	if (!c->rule) {
		/* Unreachable while policy_check_routes passes at start: fail closed. */
		api_fail(c, 403, "no policy covers this endpoint");
		return -1;
	}
	if (c->rule->roles != R_PUBLIC && api__authenticate(c))
		return -1;
	if (c->rule->roles != R_PUBLIC && api__ratelimit_take_call(c))
		return -1;
	if (decode_params(c)) {
		api_fail(c, 404, "no such object (a path segment holds a control character)");
		return -1;
	}
	c->early_detail[0] = '\0';
	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, check_query_param, c);
	if (c->early_detail[0]) {
		snprintf(field, sizeof field, "%s", c->early_detail);
		snprintf(detail, sizeof detail, "unknown query parameter '%s'", field);
		c->early_detail[0] = '\0';
		api_fail_field(c, 400, field, "unknown_field", "unknown query parameter",
			       detail);
		return -1;
	}
	if (repeated_param(c, field, sizeof field)) {
		snprintf(detail, sizeof detail,
			 "query parameter '%s' is given more than once; it takes one value", field);
		api_fail_field(c, 400, field, "duplicate", "given more than once", detail);
		return -1;
	}
	cl = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (c->route->body) {
		if (!content_type_is_json(c)) {
			api_fail(c, 415, strcmp(c->route->method, "PATCH") == 0
						 ? "the body must be application/json or "
						   "application/merge-patch+json"
						 : "the body must be application/json");
			return -1;
		}
		if (!c->expects_body || (cl && strtoull(cl, NULL, 10) == 0)) {
			api_fail(c, 400, "a JSON body is required");
			return -1;
		}
	} else if (c->expects_body) {
		api_fail(c, 400, "this endpoint takes no body");
		return -1;
	}
	return 0;
}

/* The body phase of one run: decode, then the handler. */
static void body_once(api_call *c)
{
	json_error_t jerr;

	/* Another connection's request may have run on this thread since
	 * the header phase: act for this one's caller again. */
	if (c->rule && c->rule->roles != R_PUBLIC)
		api__set_actor(keys_role_name(c->who.role), c->who.org);
	else
		api__set_actor(NULL, NULL);
	if (c->route->body) {
		if (c->body_len == 0) {
			api_fail(c, 400, "a JSON body is required");
			return;
		}
		c->json = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &jerr);
		if (!c->json) {
			problem p;
			/* jansson's text for a \u0000 names its own flag
			 * (JSON_ALLOW_NUL): say what is wrong instead. */
			const char *why = json_error_code(&jerr) == json_error_null_character
						  ? "a string holds \\u0000 (NUL), which no field accepts"
						  : jerr.text;

			problem_init(&p);
			problem_set(&p, PROBLEM_MALFORMED, "line %d, column %d: %s", jerr.line,
				    jerr.column, why);
			problem_field(&p, "(body)", "json", "%s", why);
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

/* Whether a run that answered 503 may run again (the ride-through). */
static int run_again(api_call *c, int run)
{
	/* Public routes (health) report the outage at once. */
	if (c->replied != 503 || !c->rule || c->rule->roles == R_PUBLIC ||
	    !api__may_run_again(run))
		return 0;
	api__take_back(c);
	return 1;
}

void api__dispatch_head(api_call *c)
{
	int run;

	for (run = 1;; run++) {
		api__unit_start();
		if (head_once(c) == 0 || !run_again(c, run))
			break;
	}
}

void api__dispatch(api_call *c)
{
	int run;

	for (run = 1;; run++) {
		api__unit_start();
		/* A run after a lost connection checks the token again. */
		if (run > 1 && head_once(c))
			break;
		body_once(c);
		if (!run_again(c, run))
			break;
	}
}
