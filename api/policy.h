/*
 * policy.h - the authorization policy: one table of who may call which
 * endpoint, what another organisation's object looks like to them, and
 * which fields of the answer each role sees.
 *
 * The table (api/policy.c) is the only place these decisions are written.
 * The server uses it for every request:
 *
 *   - no token (or an unknown one) on a rule with roles != R_PUBLIC: 401;
 *   - a role outside `roles`: 403, before the handler runs;
 *   - a role in `org_scoped`: the handler limits the request to the
 *     caller's organisation (api_scope()), so another organisation's object
 *     is a 404 and is absent from lists;
 *   - every 2xx JSON answer is shaped by policy_shape(): roles in
 *     `full_view` get the whole answer, the other allowed roles only the
 *     paths in `view` (everything else is removed).
 *
 * A rule is found by method and route pattern; a rule with `param` set
 * applies instead of the plain one when that query parameter is present
 * (GET /v1/quotas?profile_id= asks about a person, GET /v1/quotas does
 * not). The server refuses to start when a route has no rule or a rule no
 * route (policy_check_routes), and tests/integration/test_authz.c tries every cell.
 */
#ifndef FAIRMATCH_POLICY_H
#define FAIRMATCH_POLICY_H

#include <jansson.h>
#include <stddef.h>

#include "engine/keys.h"

/* Role sets. */
#define R_COUNSELLOR (1u << ROLE_COUNSELLOR)
#define R_EMPLOYER (1u << ROLE_EMPLOYER)
#define R_REGULATOR (1u << ROLE_REGULATOR)
#define R_ADMIN (1u << ROLE_ADMIN)
#define R_ANY (R_COUNSELLOR | R_EMPLOYER | R_REGULATOR | R_ADMIN)
#define R_PUBLIC 0u /* no token needed */

struct policy_rule {
	const char *method;
	const char *pattern;  /* as in the route table: "/v1/vacancies/{id}" */
	const char *param;    /* NULL, or a query parameter that selects this rule */
	unsigned roles;       /* who may call it (R_PUBLIC: anyone, no token) */
	unsigned org_scoped;  /* roles limited to their own organisation's objects */
	unsigned full_view;   /* roles that see the whole answer */
	/* Paths the other allowed roles see: "items[].score" keeps the member
	 * score of every element of the array items; a path keeps its whole
	 * subtree. NULL-terminated. */
	const char *const *view;
	const char *why;      /* the sentence of API.md this rule implements */
};

/* The table, ending with an all-zero rule. */
extern const struct policy_rule policy_rules[];

/* The rule for a route: the one whose param is present (has_param answers
 * for a name), else the plain one. NULL when the table has none. */
const struct policy_rule *policy_find(const char *method, const char *pattern,
				      int (*has_param)(void *ctx, const char *name), void *ctx);

/* 1 when role (ROLE_NONE for no token) may call the rule. */
int policy_allows(const struct policy_rule *rule, enum role role);

/* 1 when role sees the whole answer under rule (public rules, full_view):
 * policy_shape leaves it as it is. */
int policy_full_view(const struct policy_rule *rule, enum role role);

/* Removes from answer (in place) every field role may not see under rule.
 * Public rules and roles in full_view keep everything. */
void policy_shape(const struct policy_rule *rule, enum role role, json_t *answer);

/* 1 when path (dotted, "[]" for array elements) is visible to role. */
int policy_visible(const struct policy_rule *rule, enum role role, const char *path);

/* Checks the table against the server's routes (api_route_tables) and
 * itself: every route has a handler or a step (not both) and a plain rule,
 * every rule a route, no rule twice,
 * every allowed role has a view, scoped/full roles are allowed ones.
 * 0, or -1 with the first problem in err. */
int policy_check_routes(char *err, size_t errlen);

#endif
