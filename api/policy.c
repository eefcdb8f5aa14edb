/*
 * policy.c - the authorization table of the API (see policy.h) and the
 * helpers that apply it.
 *
 * Adding an endpoint means adding its route (in its module's table) AND its
 * row here; the server will not start with one and not the other, and
 * tests/integration/test_authz.c needs a request for the row before it passes.
 */
#include "api/policy.h"

#include <stdio.h>
#include <string.h>

#include "api/api.h"

/* A candidate card (API.md, "Vacancies"): never citizenship, gender, age,
 * free-text notes or anything that identifies a person. */
static const char *const card_view[] = {
	"items[].profile",	     "items[].score",	  "items[].matched_skills",
	"items[].missing_essential", "items[].languages", "next_cursor",
	NULL,
};

/* The audit log holds who, when, what: never the content of a profile.
 * The detail keys are the ones the engine writes; any other is dropped. */
static const char *const audit_view[] = {
	"items[].id",		      "items[].at",		   "items[].actor",
	"items[].role",		      "items[].org",		   "items[].action",
	"items[].object",	      "items[].detail.why",	   "items[].detail.vacancy",
	"items[].detail.placement",   "items[].detail.profile",	   "items[].detail.flag",
	"items[].detail.severity",    "items[].detail.reason",	   "items[].detail.expires_at",
	"items[].detail.name",	      "items[].detail.normalised", "items[].detail.refused",
	"items[].detail.authority",   "items[].detail.requested_by_org",
	"items[].detail.exclusion",   "items[].detail.other_recruiter", "items[].detail.forced",
	"items[].detail.key",	      "items[].detail.key_role",   "items[].detail.key_org",
	"items[].detail.changed",     "items[].detail.min_cell",   "items[].detail.months",
	"next_cursor",
	NULL,
};

/* An admin giving a slot back sees the placement, not whose it was. */
static const char *const release_view[] = {
	"id", "quota", "created_at", "released_at", "slots_remaining", NULL,
};

#define SELF R_COUNSELLOR /* shorthand only for readability below */

const struct policy_rule policy_rules[] = {
	/* ---- no token ---- */
	{"GET", "/v1/health", NULL, R_PUBLIC, 0, 0, NULL, "health needs no token"},
	{"GET", "/metrics", NULL, R_PUBLIC, 0, 0, NULL, "metrics need no token"},
	{"GET", "/", NULL, R_PUBLIC, 0, 0, NULL,
	 "the web console's page is the same for all; it asks for a token itself"},
	{"GET", "/console/{file}", NULL, R_PUBLIC, 0, 0, NULL, "the console's static files"},
	{"GET", "/v1/openapi.json", NULL, R_PUBLIC, 0, 0, NULL,
	 "the OpenAPI description holds no one's data"},

	/* ---- vacancies: employers write their own; counsellors and admins read all ---- */
	{"POST", "/v1/vacancies", NULL, R_EMPLOYER | R_ADMIN, 0, R_EMPLOYER | R_ADMIN, NULL,
	 "employers create their own vacancies; admins everything but profiles"},
	{"GET", "/v1/vacancies", NULL, R_COUNSELLOR | R_EMPLOYER | R_ADMIN, R_EMPLOYER,
	 R_COUNSELLOR | R_EMPLOYER | R_ADMIN, NULL,
	 "counsellors read vacancies; an employer sees only its own"},
	{"POST", "/v1/vacancies/import", NULL, R_EMPLOYER | R_ADMIN, 0, R_EMPLOYER | R_ADMIN, NULL,
	 "employers import their own vacancies, under the rules of a POST"},
	{"GET", "/v1/vacancies/changes", NULL, R_COUNSELLOR | R_EMPLOYER | R_ADMIN, R_EMPLOYER,
	 R_COUNSELLOR | R_EMPLOYER | R_ADMIN, NULL,
	 "the change feed follows vacancy reads: counsellors and admins all, an employer its own"},
	{"GET", "/v1/vacancies/{id}", NULL, R_COUNSELLOR | R_EMPLOYER | R_ADMIN, R_EMPLOYER,
	 R_COUNSELLOR | R_EMPLOYER | R_ADMIN, NULL,
	 "counsellors read vacancies; another organisation's is a 404 to an employer"},
	{"PATCH", "/v1/vacancies/{id}", NULL, R_EMPLOYER | R_ADMIN, R_EMPLOYER,
	 R_EMPLOYER | R_ADMIN, NULL, "employers change their own vacancies"},
	{"DELETE", "/v1/vacancies/{id}", NULL, R_EMPLOYER | R_ADMIN, R_EMPLOYER,
	 R_EMPLOYER | R_ADMIN, NULL, "employers close their own vacancies"},
	{"GET", "/v1/vacancies/{id}/candidates", NULL, R_EMPLOYER, R_EMPLOYER, 0, card_view,
	 "minimised, consented cards, for the owning employer only"},

	/* ---- profiles: counsellors of the profile's organisation, nobody else ---- */
	{"POST", "/v1/profiles", NULL, R_COUNSELLOR, R_COUNSELLOR, R_COUNSELLOR, NULL,
	 "counsellors create profiles of their own organisation"},
	{"GET", "/v1/profiles/{id}", NULL, R_COUNSELLOR, R_COUNSELLOR, R_COUNSELLOR, NULL,
	 "regulators and admins never read individual profiles"},
	{"PATCH", "/v1/profiles/{id}", NULL, R_COUNSELLOR, R_COUNSELLOR, R_COUNSELLOR, NULL,
	 "counsellors change profiles of their own organisation"},
	{"DELETE", "/v1/profiles/{id}", NULL, R_COUNSELLOR, R_COUNSELLOR, R_COUNSELLOR, NULL,
	 "counsellors erase profiles of their own organisation"},
	{"POST", "/v1/match", NULL, R_COUNSELLOR, R_COUNSELLOR, R_COUNSELLOR, NULL,
	 "counsellors match (a stored profile of their own organisation, or inline)"},

	/* ---- recruiters and integrity ---- */
	{"GET", "/v1/recruiters/check", NULL, R_ANY, 0, R_ANY, NULL, "any role checks recruiters"},
	{"POST", "/v1/recruiters", NULL, R_REGULATOR | R_ADMIN, 0, R_REGULATOR | R_ADMIN, NULL,
	 "regulators register recruiters"},
	{"POST", "/v1/recruiters/check", NULL, R_ANY, 0, R_ANY, NULL,
	 "any role screens up to 100 recruiters at once"},
	{"GET", "/v1/recruiters", NULL, R_REGULATOR | R_ADMIN, 0, R_REGULATOR | R_ADMIN, NULL,
	 "regulators and admins list and search recruiters"},
	{"GET", "/v1/recruiters/{id}/vacancies", NULL, R_REGULATOR | R_ADMIN, 0,
	 R_REGULATOR | R_ADMIN, NULL, "regulators and admins see the vacancies naming a recruiter"},
	{"POST", "/v1/recruiters/{id}/exclusions", NULL, R_REGULATOR | R_ADMIN, 0,
	 R_REGULATOR | R_ADMIN, NULL, "regulators record reviewed false positives"},
	{"GET", "/v1/recruiters/{id}", NULL, R_REGULATOR | R_ADMIN, 0, R_REGULATOR | R_ADMIN, NULL,
	 "regulators read flag history"},
	{"POST", "/v1/recruiters/{id}/flags", NULL, R_REGULATOR | R_ADMIN, 0,
	 R_REGULATOR | R_ADMIN, NULL, "regulators flag recruiters"},
	{"POST", "/v1/recruiters/{id}/flags/{flag}/lift", NULL, R_REGULATOR | R_ADMIN, 0,
	 R_REGULATOR | R_ADMIN, NULL, "regulators lift flags"},
	{"GET", "/v1/audit", NULL, R_REGULATOR | R_ADMIN, 0, 0, audit_view,
	 "regulators and admins read the audit log: who, when, what, never a profile's content"},

	/* ---- bilateral quota listings ---- */
	{"POST", "/v1/quotas", NULL, R_ADMIN, 0, R_ADMIN, NULL, "admins manage quota listings"},
	{"GET", "/v1/quotas", NULL, R_COUNSELLOR | R_EMPLOYER | R_ADMIN, 0,
	 R_COUNSELLOR | R_EMPLOYER | R_ADMIN, NULL, "counsellors read quotas"},
	{"GET", "/v1/quotas", "profile_id", SELF, SELF, SELF, NULL,
	 "eligibility of one profile: its own organisation's counsellors only"},
	{"GET", "/v1/quotas/{id}", NULL, R_COUNSELLOR | R_EMPLOYER | R_ADMIN, 0,
	 R_COUNSELLOR | R_EMPLOYER | R_ADMIN, NULL, "counsellors read quotas"},
	{"POST", "/v1/quotas/{id}/placements", NULL, SELF, SELF, SELF, NULL,
	 "the counsellor of the profile's organisation takes a slot"},
	{"DELETE", "/v1/quotas/{id}/placements/{placement}", NULL, R_COUNSELLOR | R_ADMIN, SELF,
	 SELF, release_view, "the slot is given back; an admin never sees whose it was"},
	{"PATCH", "/v1/quotas/{id}", NULL, R_ADMIN, 0, R_ADMIN, NULL,
	 "admins change a listing's slots, dates and conditions"},
	{"DELETE", "/v1/quotas/{id}", NULL, R_ADMIN, 0, R_ADMIN, NULL, "admins close listings"},

	/* ---- keys and statistics ---- */
	{"GET", "/v1/keys", NULL, R_ADMIN, 0, R_ADMIN, NULL, "admins manage keys"},
	{"POST", "/v1/keys", NULL, R_ADMIN, 0, R_ADMIN, NULL, "admins manage keys"},
	{"GET", "/v1/keys/{id}", NULL, R_ADMIN, 0, R_ADMIN, NULL, "admins manage keys"},
	{"DELETE", "/v1/keys/{id}", NULL, R_ADMIN, 0, R_ADMIN, NULL,
	 "admins revoke keys, on every server within a second"},
	{"GET", "/v1/stats", NULL, R_REGULATOR | R_ADMIN, 0, R_REGULATOR | R_ADMIN, NULL,
	 "regulators read aggregate statistics: counts, small cells suppressed"},

	/* ---- taxonomy ---- */
	{"GET", "/v1/taxonomy/skills", NULL, R_ANY, 0, R_ANY, NULL, "any role"},
	{"GET", "/v1/taxonomy/occupations", NULL, R_ANY, 0, R_ANY, NULL, "any role"},
	{"GET", "/v1/taxonomy/skills/{id+}", NULL, R_ANY, 0, R_ANY, NULL, "any role"},
	{"GET", "/v1/taxonomy/occupations/{id+}", NULL, R_ANY, 0, R_ANY, NULL, "any role"},
	{0},
};

const struct policy_rule *policy_find(const char *method, const char *pattern,
				      int (*has_param)(void *ctx, const char *name), void *ctx)
{
	const struct policy_rule *plain = NULL;
	size_t i;

	for (i = 0; policy_rules[i].method; i++) {
		const struct policy_rule *r = &policy_rules[i];

		if (strcmp(r->method, method) != 0 || strcmp(r->pattern, pattern) != 0)
			continue;
		if (!r->param)
			plain = r;
		else if (has_param && has_param(ctx, r->param))
			return r;
	}
	return plain;
}

int policy_allows(const struct policy_rule *rule, enum role role)
{
	if (!rule)
		return 0;
	if (rule->roles == R_PUBLIC)
		return 1;
	return role > ROLE_NONE && role <= ROLE_ADMIN && (rule->roles & (1u << role)) != 0;
}

/* ---- field visibility ---- */

/* How path (the full path of one member, e.g. "items[].detail") relates to
 * the view: 2 kept whole, 1 something below it is kept, 0 not kept. */
static int covers(const char *const *view, const char *path)
{
	size_t n = strlen(path);
	int below = 0;

	for (; view && *view; view++) {
		if (strncmp(*view, path, n) != 0)
			continue;
		if ((*view)[n] == '\0')
			return 2;
		if ((*view)[n] == '.' || (*view)[n] == '[')
			below = 1;
	}
	return below;
}

static void shape_node(json_t *node, const char *const *view, const char *prefix);

/* Keeps what the view selects of value, which sits at path. 0: keep the
 * member, -1: remove it. */
static int shape_value(json_t *value, const char *const *view, const char *path)
{
	char elems[256];
	int how = covers(view, path);
	size_t i;
	json_t *e;

	if (how == 2)
		return 0;
	if (how == 0)
		return -1;
	if (json_is_object(value)) {
		shape_node(value, view, path);
		return 0;
	}
	if (json_is_array(value)) {
		if (snprintf(elems, sizeof elems, "%s[]", path) >= (int)sizeof elems)
			return -1;
		how = covers(view, elems);
		if (how == 2)
			return 0;
		if (how == 0)
			return -1;
		/* Elements that are neither objects nor arrays have nothing
		 * below them to keep: they are cleared to null. */
		json_array_foreach(value, i, e) {
			if (json_is_object(e))
				shape_node(e, view, elems);
			else if (!json_is_null(e))
				json_array_set_new(value, i, json_null());
		}
		return 0;
	}
	/* A scalar where the view expects members: nothing of it is visible. */
	return json_is_null(value) ? 0 : -1;
}

static void shape_node(json_t *node, const char *const *view, const char *prefix)
{
	const char *key;
	json_t *value;
	void *tmp;

	json_object_foreach_safe(node, tmp, key, value) {
		char path[256];
		int n = prefix[0] ? snprintf(path, sizeof path, "%s.%s", prefix, key)
				  : snprintf(path, sizeof path, "%s", key);

		if (n < 0 || n >= (int)sizeof path || shape_value(value, view, path) != 0)
			json_object_del(node, key);
	}
}

int policy_full_view(const struct policy_rule *rule, enum role role)
{
	return rule && (rule->roles == R_PUBLIC ||
			(role > ROLE_NONE && role <= ROLE_ADMIN && (rule->full_view & (1u << role))));
}

void policy_shape(const struct policy_rule *rule, enum role role, json_t *answer)
{
	if (!rule || !answer || policy_full_view(rule, role))
		return;
	if (json_is_object(answer)) {
		shape_node(answer, rule->view, "");
	} else {
		/* Every answer of the API is an object; anything else is
		 * emptied rather than let through unshaped. */
		json_array_clear(answer);
	}
}

int policy_visible(const struct policy_rule *rule, enum role role, const char *path)
{
	if (!rule || !policy_allows(rule, role))
		return 0;
	if (rule->roles == R_PUBLIC ||
	    (role > ROLE_NONE && role <= ROLE_ADMIN && (rule->full_view & (1u << role))))
		return 1;
	if (covers(rule->view, path))
		return 1;
	/* Inside a subtree the view keeps whole. */
	for (const char *const *v = rule->view; v && *v; v++) {
		size_t n = strlen(*v);

		if (strncmp(*v, path, n) == 0 && (path[n] == '.' || path[n] == '['))
			return 1;
	}
	return 0;
}

/* ---- consistency with the routes ---- */

static int route_exists(const char *method, const char *pattern)
{
	size_t t, i;

	for (t = 0; api_route_tables[t]; t++)
		for (i = 0; api_route_tables[t][i].method; i++)
			if (strcmp(api_route_tables[t][i].method, method) == 0 &&
			    strcmp(api_route_tables[t][i].pattern, pattern) == 0)
				return 1;
	return 0;
}

static int route_takes_param(const char *method, const char *pattern, const char *param)
{
	size_t t, i;
	const char *const *q;

	for (t = 0; api_route_tables[t]; t++)
		for (i = 0; api_route_tables[t][i].method; i++) {
			const struct api_route *r = &api_route_tables[t][i];

			if (strcmp(r->method, method) || strcmp(r->pattern, pattern))
				continue;
			for (q = r->query_params; q && *q; q++)
				if (strcmp(*q, param) == 0)
					return 1;
		}
	return 0;
}

int policy_check_routes(char *err, size_t errlen)
{
	size_t t, i, j;

	for (t = 0; api_route_tables[t]; t++)
		for (i = 0; api_route_tables[t][i].method; i++) {
			const struct api_route *r = &api_route_tables[t][i];

			if (!r->handler == !r->step) {
				snprintf(err, errlen, "route %s %s needs a handler or a step, not %s",
					 r->method, r->pattern, r->handler ? "both" : "neither");
				return -1;
			}
			if (r->handler && (r->pre || r->status || r->created)) {
				/* Only a step is run through them: they would be ignored. */
				snprintf(err, errlen, "route %s %s has a handler and step fields",
					 r->method, r->pattern);
				return -1;
			}
			if (!policy_find(r->method, r->pattern, NULL, NULL)) {
				snprintf(err, errlen, "route %s %s has no rule in api/policy.c",
					 r->method, r->pattern);
				return -1;
			}
		}
	for (i = 0; policy_rules[i].method; i++) {
		const struct policy_rule *p = &policy_rules[i];
		unsigned uncovered = p->roles & ~p->full_view;

		if (!route_exists(p->method, p->pattern)) {
			snprintf(err, errlen, "policy rule %s %s has no route", p->method, p->pattern);
			return -1;
		}
		if (p->param && !route_takes_param(p->method, p->pattern, p->param)) {
			snprintf(err, errlen, "policy rule %s %s?%s: the route takes no '%s'",
				 p->method, p->pattern, p->param, p->param);
			return -1;
		}
		for (j = 0; j < i; j++) {
			const struct policy_rule *q = &policy_rules[j];

			if (strcmp(p->method, q->method) == 0 && strcmp(p->pattern, q->pattern) == 0 &&
			    ((!p->param && !q->param) ||
			     (p->param && q->param && strcmp(p->param, q->param) == 0))) {
				snprintf(err, errlen, "policy rule %s %s appears twice", p->method,
					 p->pattern);
				return -1;
			}
		}
		if ((p->org_scoped | p->full_view) & ~p->roles) {
			snprintf(err, errlen, "policy rule %s %s: scoped or full-view roles it does not allow",
				 p->method, p->pattern);
			return -1;
		}
		if (p->roles != R_PUBLIC && uncovered && !p->view) {
			snprintf(err, errlen, "policy rule %s %s: an allowed role has no view",
				 p->method, p->pattern);
			return -1;
		}
		if (p->roles == R_PUBLIC && (p->org_scoped || p->param)) {
			snprintf(err, errlen, "policy rule %s %s: a public rule cannot be scoped",
				 p->method, p->pattern);
			return -1;
		}
	}
	return 0;
}
