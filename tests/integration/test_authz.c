/*
 * test_authz.c - the authorization matrix, over real HTTP against a real
 * server, PostgreSQL and index.
 *
 * 1. The generated matrix: for every rule of the policy table
 *    (api/policy.c), every role, a caller of the objects' organisation (A)
 *    and of another one (B), no token and an unknown token, one request is
 *    sent against real objects owned by organisation A, and the status is
 *    checked against what the rule says (401 / 403 / 404 / the success
 *    status), and every field of a 2xx answer against the rule's view.
 *    Calls expected to change something get freshly made objects.
 * 2. Independent invariants written by hand from API.md (not derived from
 *    the table, so a wrong table fails them): regulators and admins never
 *    read a profile, another organisation's objects are 404, employers see
 *    only card fields, person fields never reach non-counsellors, ...
 * 3. Coverage: every route the server serves (the api_route_tables registry
 *    the server dispatches from) has a rule, every rule has a request here,
 *    every rule's path answers (401 without a token, so it is served), and
 *    paths outside the table are 404/405 even with an admin token.
 * 4. GET /v1/audit: its filters (object, actor, action, since, until,
 *    paging), its roles, and that it never holds a profile's content.
 * 5. Refusals have no side effect: after all of the above the shared
 *    objects are unchanged and only organisation A ever read the profile.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/policy.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

#define SKILL "http://data.europa.eu/esco/skill/001d46db-035e-4b92-83a3-ed8771e0c123"
#define SECRET_SKILL "qwertyuiop handstand"

static struct server srv;
static char tokens[ROLE_ADMIN + 1][2][80]; /* [role][0: org A, 1: org B] */
static const char *const org_name[2] = {"authz-org-a", "authz-org-b"};
static int cells, counter;

/* Objects owned by organisation A. */
struct objs {
	char v[32], p[32], q[32], r[32], f[32], l[32], k[32];
};
static struct objs shared;

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *tok(enum role role, int org)
{
	return tokens[role][org];
}

/* POSTs body (printf format) as token; copies the answer's id into id. */
static int post_id(const char *token, const char *path, char *id, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int post_id(const char *token, const char *path, char *id, size_t len, const char *fmt, ...)
{
	char body[2048];
	struct resp r;
	va_list ap;
	int rc = -1;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	id[0] = '\0';
	if (http(&r, &srv, "POST", path, token, NULL, body, strlen(body)) == 0 &&
	    r.status == 201 && str(r.json, "id")) {
		snprintf(id, len, "%s", str(r.json, "id"));
		rc = 0;
	} else {
		fprintf(stderr, "  setup POST %s: %ld %s\n", path, r.status, r.body ? r.body : "");
	}
	resp_free(&r);
	return rc;
}

static int new_vacancy(char *id)
{
	return post_id(tok(ROLE_EMPLOYER, 0), "/v1/vacancies", id, 32,
		       "{\"title\":\"Authzmarker welder %d\",\"occupation\":\"7212\","
		       "\"skills\":{\"essential\":[\"" SKILL "\"]},\"country\":\"ZA\","
		       "\"positions\":3,\"valid_until\":\"2099-12-31\"}",
		       ++counter);
}

static int new_profile(char *id)
{
	return post_id(tok(ROLE_COUNSELLOR, 0), "/v1/profiles", id, 32,
		       "{\"occupations\":[\"7212\"],\"skills\":[\"" SKILL "\",\"" SECRET_SKILL "\"],"
		       "\"languages\":[{\"code\":\"en\",\"level\":\"B2\"}],\"experience_years\":37,"
		       "\"citizenship\":\"LS\",\"desired_countries\":[\"ZA\"],"
		       "\"available_from\":\"2090-06-01\","
		       "\"consent\":{\"matching\":true,\"show_to_employers\":true}}");
}

static int new_quota(char *id)
{
	return post_id(tok(ROLE_ADMIN, 0), "/v1/quotas", id, 32,
		       "{\"agreement\":\"Authz agreement %d\",\"origin_countries\":[\"LS\"],"
		       "\"destination_country\":\"ZA\",\"occupation\":\"7212\",\"slots\":100000,"
		       "\"valid_from\":\"2090-01-01\",\"valid_until\":\"2090-12-31\"}",
		       ++counter);
}

static int new_key(char *id)
{
	return post_id(tok(ROLE_ADMIN, 0), "/v1/keys", id, 32,
		       "{\"role\":\"employer\",\"org\":\"authz-key-%d\"}", ++counter);
}

static int new_recruiter(char *id)
{
	return post_id(tok(ROLE_REGULATOR, 0), "/v1/recruiters", id, 32,
		       "{\"name\":\"Authz Agency Number %d\",\"country\":\"LS\"}", ++counter);
}

static int new_flag(const char *rid, char *id)
{
	char path[96];

	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	return post_id(tok(ROLE_REGULATOR, 0), path, id, 32,
		       "{\"severity\":\"warning\",\"reason\":\"other\",\"evidence\":\"authz test\","
		       "\"expires_at\":null}");
}

static int new_placement(const char *qid, const char *pid, char *id)
{
	char path[96];

	snprintf(path, sizeof path, "/v1/quotas/%s/placements", qid);
	return post_id(tok(ROLE_COUNSELLOR, 0), path, id, 32, "{\"profile_id\":\"%s\"}", pid);
}

/* ---- the request for each rule ---- */

enum kind {
	ONE,  /* about one object of org A: a scoped caller of org B gets 404 */
	LIST, /* a list: a scoped caller of org B gets 200 without A's object */
	ANY,  /* not about an object of an organisation (creates, registries) */
};

#define F_V 1u
#define F_P 2u
#define F_F 4u
#define F_L 8u
#define F_Q 16u
#define F_K 32u

struct tmpl {
	const char *method, *pattern, *param;
	const char *path; /* $V $P $Q $R $F $L $K: the objects; $N: a fresh number */
	const char *body;
	int ok;           /* the status of an allowed call */
	enum kind kind;
	unsigned fresh;   /* objects made anew for a call that may change them */
	const char *listed; /* LIST: the placeholder whose id the answer must hold */
};

static const struct tmpl tmpls[] = {
	{"GET", "/v1/health", NULL, "/v1/health", NULL, 200, ANY, 0, NULL},
	{"GET", "/metrics", NULL, "/metrics", NULL, 200, ANY, 0, NULL},
	{"GET", "/", NULL, "/", NULL, 200, ANY, 0, NULL},
	{"GET", "/console/{file}", NULL, "/console/app.js", NULL, 200, ANY, 0, NULL},
	{"GET", "/v1/openapi.json", NULL, "/v1/openapi.json", NULL, 200, ANY, 0, NULL},
	{"POST", "/v1/vacancies", NULL, "/v1/vacancies",
	 "{\"title\":\"Authz cell $N\",\"occupation\":\"7212\",\"country\":\"ZA\",\"positions\":1,"
	 "\"valid_until\":\"2099-01-01\"}",
	 201, ANY, 0, NULL},
	{"GET", "/v1/vacancies", NULL, "/v1/vacancies?q=authzmarker&limit=100", NULL, 200, LIST, 0,
	 "$V"},
	{"POST", "/v1/vacancies/import", NULL, "/v1/vacancies/import?dry_run=true",
	 "[{\"title\":\"Authz import $N\",\"occupation\":\"7212\",\"country\":\"ZA\"}]", 200,
	 ANY, 0, NULL},
	{"GET", "/v1/vacancies/changes", NULL, "/v1/vacancies/changes?limit=1000", NULL, 200, LIST, 0,
	 "$V"},
	{"GET", "/v1/vacancies/{id}", NULL, "/v1/vacancies/$V", NULL, 200, ONE, 0, NULL},
	{"PATCH", "/v1/vacancies/{id}", NULL, "/v1/vacancies/$V", "{\"positions\":2}", 200, ONE, F_V,
	 NULL},
	{"DELETE", "/v1/vacancies/{id}", NULL, "/v1/vacancies/$V", NULL, 200, ONE, F_V, NULL},
	{"GET", "/v1/vacancies/{id}/candidates", NULL, "/v1/vacancies/$V/candidates?limit=100", NULL,
	 200, ONE, 0, NULL},
	{"POST", "/v1/profiles", NULL, "/v1/profiles",
	 "{\"occupations\":[\"7212\"],\"citizenship\":\"BW\"}", 201, ANY, 0, NULL},
	{"GET", "/v1/profiles/{id}", NULL, "/v1/profiles/$P", NULL, 200, ONE, 0, NULL},
	{"PATCH", "/v1/profiles/{id}", NULL, "/v1/profiles/$P", "{\"experience_years\":5}", 200, ONE,
	 F_P, NULL},
	{"DELETE", "/v1/profiles/{id}", NULL, "/v1/profiles/$P", NULL, 200, ONE, F_P, NULL},
	{"POST", "/v1/match", NULL, "/v1/match", "{\"profile_id\":\"$P\",\"countries\":[\"ZA\"]}",
	 200, ONE, 0, NULL},
	{"GET", "/v1/recruiters/check", NULL, "/v1/recruiters/check?name=Authz%20Agency", NULL, 200,
	 ANY, 0, NULL},
	{"POST", "/v1/recruiters", NULL, "/v1/recruiters",
	 "{\"name\":\"Authz Cell Agency $N\",\"country\":\"LS\"}", 201, ANY, 0, NULL},
	{"GET", "/v1/recruiters/{id}", NULL, "/v1/recruiters/$R", NULL, 200, ANY, 0, NULL},
	{"POST", "/v1/recruiters/{id}/flags", NULL, "/v1/recruiters/$R/flags",
	 "{\"severity\":\"warning\",\"reason\":\"other\",\"evidence\":\"cell\",\"expires_at\":null}",
	 201, ANY, 0, NULL},
	/* Org A set the flag and lifts it; org B only files a lift request (202). */
	{"POST", "/v1/recruiters/{id}/flags/{flag}/lift", NULL, "/v1/recruiters/$R/flags/$F/lift",
	 "{\"reason\":\"cell\"}", 200, ANY, F_F, NULL},
	{"POST", "/v1/recruiters/check", NULL, "/v1/recruiters/check",
	 "{\"queries\":{\"a\":{\"name\":\"Authz Agency\"}}}", 200, ANY, 0, NULL},
	{"GET", "/v1/recruiters", NULL, "/v1/recruiters?q=authz&limit=5", NULL, 200, ANY, 0, NULL},
	{"GET", "/v1/recruiters/{id}/vacancies", NULL, "/v1/recruiters/$R/vacancies", NULL, 200, ANY,
	 0, NULL},
	{"POST", "/v1/recruiters/{id}/exclusions", NULL, "/v1/recruiters/$R/exclusions",
	 "{\"name\":\"Authz Excluded $N\",\"reason\":\"cell\"}", 201, ANY, 0, NULL},
	{"GET", "/v1/audit", NULL, "/v1/audit?object=$P", NULL, 200, ANY, 0, NULL},
	{"POST", "/v1/quotas", NULL, "/v1/quotas",
	 "{\"agreement\":\"Authz cell $N\",\"origin_countries\":[\"LS\"],\"destination_country\":"
	 "\"ZA\",\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-01-01\","
	 "\"valid_until\":\"2090-12-31\"}",
	 201, ANY, 0, NULL},
	{"GET", "/v1/quotas", NULL, "/v1/quotas?destination=ZA&limit=100", NULL, 200, ANY, 0, NULL},
	{"GET", "/v1/quotas", "profile_id", "/v1/quotas?profile_id=$P", NULL, 200, ONE, 0, NULL},
	{"GET", "/v1/quotas/{id}", NULL, "/v1/quotas/$Q", NULL, 200, ANY, 0, NULL},
	{"POST", "/v1/quotas/{id}/placements", NULL, "/v1/quotas/$Q/placements",
	 "{\"profile_id\":\"$P\"}", 201, ONE, F_P, NULL},
	{"DELETE", "/v1/quotas/{id}/placements/{placement}", NULL, "/v1/quotas/$Q/placements/$L",
	 NULL, 200, ONE, F_L, NULL},
	{"PATCH", "/v1/quotas/{id}", NULL, "/v1/quotas/$Q", "{\"conditions\":\"authz $N\"}", 200,
	 ANY, 0, NULL},
	{"DELETE", "/v1/quotas/{id}", NULL, "/v1/quotas/$Q", NULL, 200, ANY, F_Q, NULL},
	{"GET", "/v1/keys", NULL, "/v1/keys?status=active&limit=5", NULL, 200, ANY, 0, NULL},
	{"POST", "/v1/keys", NULL, "/v1/keys", "{\"role\":\"employer\",\"org\":\"authz-cell-$N\"}",
	 201, ANY, 0, NULL},
	{"GET", "/v1/keys/{id}", NULL, "/v1/keys/$K", NULL, 200, ANY, 0, NULL},
	{"DELETE", "/v1/keys/{id}", NULL, "/v1/keys/$K", NULL, 200, ANY, F_K, NULL},
	{"GET", "/v1/stats", NULL, "/v1/stats?months=1", NULL, 200, ANY, 0, NULL},
	{"GET", "/v1/taxonomy/skills", NULL, "/v1/taxonomy/skills?q=weld&limit=3", NULL, 200, ANY, 0,
	 NULL},
	{"GET", "/v1/taxonomy/occupations", NULL, "/v1/taxonomy/occupations?q=nurse&limit=3", NULL,
	 200, ANY, 0, NULL},
	{"GET", "/v1/taxonomy/skills/{id+}", NULL,
	 "/v1/taxonomy/skills/28cb374e-6261-4133-8371-f9a5470145da", NULL, 200, ANY, 0, NULL},
	{"GET", "/v1/taxonomy/occupations/{id+}", NULL, "/v1/taxonomy/occupations/7212", NULL, 200,
	 ANY, 0, NULL},
};
#define N_TMPLS (sizeof tmpls / sizeof tmpls[0])

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const struct policy_rule *rule_of(const struct tmpl *t)
{
	for (size_t i = 0; policy_rules[i].method; i++)
		if (same(policy_rules[i].method, t->method) && same(policy_rules[i].pattern, t->pattern) &&
		    same(policy_rules[i].param, t->param))
			return &policy_rules[i];
	return NULL;
}

static const struct tmpl *tmpl_of(const char *method, const char *pattern, const char *param)
{
	for (size_t i = 0; i < N_TMPLS; i++)
		if (same(tmpls[i].method, method) && same(tmpls[i].pattern, pattern) &&
		    same(tmpls[i].param, param))
			return &tmpls[i];
	return NULL;
}

/* Replaces the placeholders of in by the objects' ids. */
static void expand(const char *in, const struct objs *o, int n, char *out, size_t len)
{
	size_t k = 0;

	for (; in && *in && k + 1 < len; in++) {
		const char *sub = NULL;
		char num[16];

		if (*in == '$' && in[1]) {
			switch (in[1]) {
			case 'V': sub = o->v; break;
			case 'P': sub = o->p; break;
			case 'Q': sub = o->q; break;
			case 'R': sub = o->r; break;
			case 'F': sub = o->f; break;
			case 'L': sub = o->l; break;
			case 'K': sub = o->k; break;
			case 'N':
				snprintf(num, sizeof num, "%d", n);
				sub = num;
				break;
			}
		}
		if (sub) {
			k += (size_t)snprintf(out + k, len - k, "%s", sub);
			if (k >= len)
				k = len - 1;
			in++;
		} else {
			out[k++] = *in;
		}
	}
	out[k] = '\0';
}

/* Makes the objects t needs anew (for a call that may change them). */
static int refresh(const struct tmpl *t, struct objs *o)
{
	*o = shared;
	if ((t->fresh & F_V) && new_vacancy(o->v))
		return -1;
	if ((t->fresh & (F_P | F_L)) && new_profile(o->p))
		return -1;
	if ((t->fresh & F_F) && new_flag(o->r, o->f))
		return -1;
	if ((t->fresh & F_L) && new_placement(o->q, o->p, o->l))
		return -1;
	if ((t->fresh & F_Q) && new_quota(o->q))
		return -1;
	if ((t->fresh & F_K) && new_key(o->k))
		return -1;
	return 0;
}

/* Fields only a counsellor of the profile's organisation ever sees
 * (API.md: profiles, and what a card never carries). */
static const char *const person_fields[] = {
	"citizenship",	 "gender",     "age",	     "birth_date", "date_of_birth", "notes",
	"experience_years", "education", "desired_countries", "available_from", "consent",
	"occupations",	 "sex",	       "birth_year", NULL,
};

static int has_person_field(const json_t *j, char *which, size_t len)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v) {
			for (const char *const *f = person_fields; *f; f++)
				if (strcmp(key, *f) == 0) {
					snprintf(which, len, "%s", key);
					return 1;
				}
			if (has_person_field(v, which, len))
				return 1;
		}
	} else if (json_is_array(j)) {
		json_array_foreach((json_t *)j, i, v)
			if (has_person_field(v, which, len))
				return 1;
	}
	return 0;
}

/* The first member path of j the rule does not let role see, or NULL. */
static const char *hidden_field(const struct policy_rule *rule, enum role role, const json_t *j,
				const char *prefix, char *buf, size_t len)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v) {
			char path[256];

			if (prefix[0])
				snprintf(path, sizeof path, "%s.%s", prefix, key);
			else
				snprintf(path, sizeof path, "%s", key);
			if (!policy_visible(rule, role, path)) {
				snprintf(buf, len, "%s", path);
				return buf;
			}
			if (hidden_field(rule, role, v, path, buf, len))
				return buf;
		}
	} else if (json_is_array(j)) {
		char path[256];

		snprintf(path, sizeof path, "%s[]", prefix);
		json_array_foreach((json_t *)j, i, v)
			if (hidden_field(rule, role, v, path, buf, len))
				return buf;
	}
	return NULL;
}

static int answer_lists(const json_t *answer, const char *id)
{
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(answer, "items"), i, it)
		if (same(str(it, "id"), id))
			return 1;
	return 0;
}

/* caller: ROLE_NONE with bad=0 for no token, bad=1 for an unknown token. */
static void try_cell(const struct tmpl *t, const struct policy_rule *rule, enum role role, int org,
		     int bad)
{
	char path[512], body[2048], listed[64], which[256], label[160];
	const char *token = role == ROLE_NONE ? (bad ? "fm_0000000000000000000000000000000000000000"
						       "000000000000000000000000" : NULL)
					      : tok(role, org);
	unsigned bit = role == ROLE_NONE ? 0 : 1u << role;
	int expected, n = ++counter;
	struct objs o = shared;
	struct resp r;

	snprintf(label, sizeof label, "%s %s%s%s as %s%s", t->method, t->pattern, t->param ? "?" : "",
		 t->param ? t->param : "",
		 role == ROLE_NONE ? (bad ? "bad token" : "no token") : keys_role_name(role),
		 role == ROLE_NONE ? "" : (org ? " of org B" : " of org A"));
	if (rule->roles == R_PUBLIC)
		expected = t->ok;
	else if (role == ROLE_NONE)
		expected = 401;
	else if (!(rule->roles & bit))
		expected = 403;
	else if (org == 1 && (rule->org_scoped & bit) && t->kind == ONE)
		expected = 404;
	else
		expected = t->ok;
	/* A lift by another authority than the flag's (org A's) is a request. */
	if (expected == 200 && org == 1 &&
	    strcmp(t->pattern, "/v1/recruiters/{id}/flags/{flag}/lift") == 0)
		expected = 202;
	if (expected / 100 == 2 && t->fresh && refresh(t, &o)) {
		T_FAIL_("%s: cannot make fresh objects", label);
		return;
	}
	expand(t->path, &o, n, path, sizeof path);
	expand(t->body, &o, n, body, sizeof body);
	cells++;
	if (http(&r, &srv, t->method, path, token, NULL, t->body ? body : NULL,
		 t->body ? strlen(body) : 0)) {
		T_FAIL_("%s: no answer", label);
		return;
	}
	T_CHECKF(r.status == expected, "%s: %ld, the policy says %d (%s)", label, r.status, expected,
		 r.body ? r.body : "");
	if (r.status >= 400)
		T_CHECKF(strncmp(r.content_type, "application/problem+json", 24) == 0, "%s: %s", label,
			 r.content_type);
	if (r.status / 100 == 2 && r.json && role != ROLE_NONE) {
		T_CHECKF(!hidden_field(rule, role, r.json, "", which, sizeof which),
			 "%s: the answer carries '%s', which the policy hides", label, which);
		/* The OpenAPI description names a person's fields; it holds no one's. */
		if (role != ROLE_COUNSELLOR && strcmp(t->pattern, "/v1/openapi.json") != 0)
			T_CHECKF(!has_person_field(r.json, which, sizeof which),
				 "%s: a person's field '%s' reached a %s", label, which,
				 keys_role_name(role));
		if (t->kind == LIST && t->listed) {
			int scoped_out = org == 1 && (rule->org_scoped & bit);

			expand(t->listed, &o, n, listed, sizeof listed);
			T_CHECKF(answer_lists(r.json, listed) == !scoped_out,
				 "%s: object %s is %s the list", label, listed,
				 scoped_out ? "in" : "missing from");
		}
	}
	resp_free(&r);
}

static void test_matrix(void)
{
	int before = cells;

	for (size_t i = 0; i < N_TMPLS; i++) {
		const struct tmpl *t = &tmpls[i];
		const struct policy_rule *rule = rule_of(t);

		T_CHECKF(rule != NULL, "request %s %s has no rule", t->method, t->pattern);
		if (!rule)
			continue;
		try_cell(t, rule, ROLE_NONE, 0, 0);
		try_cell(t, rule, ROLE_NONE, 0, 1);
		for (int role = ROLE_COUNSELLOR; role <= ROLE_ADMIN; role++)
			for (int org = 0; org < 2; org++)
				try_cell(t, rule, (enum role)role, org, 0);
	}
	printf("authz matrix: %d cells tried (%zu rules x (4 roles x 2 organisations + no token + "
	       "bad token))\n",
	       cells - before, N_TMPLS);
	T_EQ_INT(cells - before, (int)N_TMPLS * 10);
}

/* ---- coverage: the table, the routes and the requests agree ---- */

static void test_every_route_in_table(void)
{
	char err[256] = "";
	size_t t, i, nroutes = 0, nrules = 0;

	T_CHECKF(policy_check_routes(err, sizeof err) == 0, "policy_check_routes: %s", err);
	for (t = 0; api_route_tables[t]; t++)
		for (i = 0; api_route_tables[t][i].method; i++) {
			const struct api_route *r = &api_route_tables[t][i];

			nroutes++;
			T_CHECKF(policy_find(r->method, r->pattern, NULL, NULL) != NULL,
				 "served route %s %s is not in the policy table", r->method, r->pattern);
			T_CHECKF(tmpl_of(r->method, r->pattern, NULL) != NULL,
				 "served route %s %s has no request in test_authz", r->method, r->pattern);
		}
	for (i = 0; policy_rules[i].method; i++) {
		nrules++;
		T_CHECKF(tmpl_of(policy_rules[i].method, policy_rules[i].pattern,
				 policy_rules[i].param) != NULL,
			 "policy rule %s %s%s%s has no request in test_authz", policy_rules[i].method,
			 policy_rules[i].pattern, policy_rules[i].param ? "?" : "",
			 policy_rules[i].param ? policy_rules[i].param : "");
	}
	for (i = 0; i < N_TMPLS; i++)
		T_CHECKF(rule_of(&tmpls[i]) != NULL, "request %s %s matches no rule", tmpls[i].method,
			 tmpls[i].pattern);
	T_CHECK(nroutes > 0 && nrules >= nroutes);
	printf("authz coverage: %zu routes served, %zu policy rules, %zu requests\n", nroutes, nrules,
	       N_TMPLS);
}

/* Probing: every rule's path is served (a guarded one answers 401 without
 * a token, not 404/405), and paths outside the table are never served. */
static void test_probe(void)
{
	static const struct {
		const char *method, *path;
	} outside[] = {
		{"GET", "/v1/profiles"},	 {"PUT", "/v1/keys"},	       {"GET", "/v1/stats/x"},
		{"GET", "/v1/admin"},		 {"GET", "/v1/audit/1"},	  {"DELETE", "/v1/audit"},
		{"GET", "/v1/recruiter"},	 {"GET", "/v1/placements"},	  {"PUT", "/v1/vacancies/$V"},
		{"GET", "/v1/vacancies/$V/candidates/x"}, {"POST", "/v1/health"}, {"GET", "/v1/"},
		{"GET", "/v2/vacancies"},	 {"GET", "/v1/profiles/$P/audit"}, {"PUT", "/v1/quotas/$Q"},
		{"PATCH", "/v1/recruiters/$R"},	 {"DELETE", "/v1/recruiters/$R/flags/$F"},
		{"GET", "/v1//profiles/$P"},	 {"GET", "/v1/profiles/$P/"},
	};
	char path[256];
	struct resp r;

	for (size_t i = 0; i < N_TMPLS; i++) {
		const struct policy_rule *rule = rule_of(&tmpls[i]);

		expand(tmpls[i].path, &shared, 0, path, sizeof path);
		T_REQUIRE(http(&r, &srv, tmpls[i].method, path, NULL, NULL, NULL, 0) == 0);
		T_CHECKF(r.status == (rule && rule->roles == R_PUBLIC ? 200 : 401),
			 "%s %s without a token: %ld", tmpls[i].method, path, r.status);
		resp_free(&r);
	}
	/* A refusal says how to authenticate; no answer is cached or sniffed. */
	{
		static const char req[] = "GET /v1/audit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
		char out[4096];

		T_CHECK(raw_request(srv.port, req, sizeof req - 1, out, sizeof out, 5000) > 0);
		T_EQ_INT(raw_status(out), 401);
		T_CHECK(strcasestr(out, "\r\nWWW-Authenticate: Bearer") != NULL);
		T_CHECK(strcasestr(out, "\r\nCache-Control: no-store") != NULL);
		T_CHECK(strcasestr(out, "\r\nX-Content-Type-Options: nosniff") != NULL);
	}
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		expand(outside[i].path, &shared, 0, path, sizeof path);
		T_REQUIRE(http(&r, &srv, outside[i].method, path, tok(ROLE_ADMIN, 0), NULL, NULL, 0) ==
			  0);
		T_CHECKF(r.status == 404 || r.status == 405, "%s %s (admin): %ld, expected 404/405",
			 outside[i].method, path, r.status);
		resp_free(&r);
	}
}

/* ---- invariants written by hand from API.md ---- */

struct inv {
	enum role role;
	int org;
	const char *method, *path, *body;
	int status;
	const char *why;
};

static const struct inv invariants[] = {
	{ROLE_REGULATOR, 0, "GET", "/v1/profiles/$P", NULL, 403, "regulators never read profiles"},
	{ROLE_ADMIN, 0, "GET", "/v1/profiles/$P", NULL, 403, "admins never read profiles"},
	{ROLE_ADMIN, 0, "PATCH", "/v1/profiles/$P", "{\"experience_years\":1}", 403,
	 "admins never touch profiles"},
	{ROLE_ADMIN, 0, "DELETE", "/v1/profiles/$P", NULL, 403, "admins never touch profiles"},
	{ROLE_EMPLOYER, 0, "GET", "/v1/profiles/$P", NULL, 403, "employers see cards only"},
	{ROLE_REGULATOR, 0, "POST", "/v1/match", "{\"profile_id\":\"$P\"}", 403,
	 "a match reads a profile"},
	{ROLE_ADMIN, 0, "POST", "/v1/match", "{\"profile_id\":\"$P\"}", 403, "a match reads a profile"},
	{ROLE_ADMIN, 0, "GET", "/v1/quotas?profile_id=$P", NULL, 403, "eligibility reads a profile"},
	{ROLE_EMPLOYER, 0, "GET", "/v1/quotas?profile_id=$P", NULL, 403,
	 "eligibility reads a profile"},
	{ROLE_REGULATOR, 0, "GET", "/v1/vacancies/$V/candidates", NULL, 403,
	 "cards are for the owning employer"},
	{ROLE_ADMIN, 0, "GET", "/v1/vacancies/$V/candidates", NULL, 403,
	 "cards are for the owning employer"},
	{ROLE_COUNSELLOR, 0, "GET", "/v1/vacancies/$V/candidates", NULL, 403,
	 "cards are for the owning employer"},
	{ROLE_EMPLOYER, 1, "GET", "/v1/vacancies/$V/candidates", NULL, 404,
	 "another organisation's vacancy"},
	{ROLE_EMPLOYER, 1, "GET", "/v1/vacancies/$V", NULL, 404, "another organisation's vacancy"},
	{ROLE_EMPLOYER, 1, "PATCH", "/v1/vacancies/$V", "{\"positions\":9}", 404,
	 "another organisation's vacancy"},
	{ROLE_EMPLOYER, 1, "DELETE", "/v1/vacancies/$V", NULL, 404, "another organisation's vacancy"},
	{ROLE_COUNSELLOR, 1, "GET", "/v1/profiles/$P", NULL, 404, "another organisation's profile"},
	{ROLE_COUNSELLOR, 1, "PATCH", "/v1/profiles/$P", "{\"experience_years\":1}", 404,
	 "another organisation's profile"},
	{ROLE_COUNSELLOR, 1, "DELETE", "/v1/profiles/$P", NULL, 404, "another organisation's profile"},
	{ROLE_COUNSELLOR, 1, "POST", "/v1/match", "{\"profile_id\":\"$P\"}", 404,
	 "another organisation's profile"},
	{ROLE_COUNSELLOR, 1, "GET", "/v1/quotas?profile_id=$P", NULL, 404,
	 "another organisation's profile"},
	{ROLE_COUNSELLOR, 1, "POST", "/v1/quotas/$Q/placements", "{\"profile_id\":\"$P\"}", 404,
	 "another organisation's profile"},
	{ROLE_COUNSELLOR, 1, "DELETE", "/v1/quotas/$Q/placements/$L", NULL, 404,
	 "another organisation's placement"},
	{ROLE_COUNSELLOR, 0, "GET", "/v1/vacancies/$V", NULL, 200, "counsellors read vacancies"},
	{ROLE_COUNSELLOR, 1, "GET", "/v1/vacancies/$V", NULL, 200, "counsellors read all vacancies"},
	{ROLE_REGULATOR, 0, "GET", "/v1/vacancies/$V", NULL, 403, "not a regulator's business"},
	{ROLE_REGULATOR, 0, "POST", "/v1/vacancies", "{}", 403, "employers post vacancies"},
	{ROLE_COUNSELLOR, 0, "POST", "/v1/vacancies", "{}", 403, "employers post vacancies"},
	{ROLE_EMPLOYER, 0, "GET", "/v1/audit", NULL, 403, "the audit log is for regulators"},
	{ROLE_COUNSELLOR, 0, "GET", "/v1/audit", NULL, 403, "the audit log is for regulators"},
	{ROLE_REGULATOR, 1, "GET", "/v1/audit", NULL, 200, "regulators read the audit log"},
	{ROLE_ADMIN, 1, "GET", "/v1/audit", NULL, 200, "admins read the audit log"},
	{ROLE_NONE, 0, "GET", "/v1/audit", NULL, 401, "no token"},
	{ROLE_NONE, 0, "GET", "/v1/vacancies", NULL, 401, "no token"},
	{ROLE_NONE, 0, "POST", "/v1/match", "{}", 401, "no token"},
	{ROLE_EMPLOYER, 0, "POST", "/v1/recruiters", "{\"name\":\"X\"}", 403,
	 "regulators register recruiters"},
	{ROLE_COUNSELLOR, 0, "POST", "/v1/recruiters/$R/flags", "{}", 403, "regulators flag"},
	{ROLE_EMPLOYER, 0, "GET", "/v1/recruiters/check?name=Acme", NULL, 200, "any role checks"},
	{ROLE_COUNSELLOR, 1, "GET", "/v1/recruiters/check?name=Acme", NULL, 200, "any role checks"},
	{ROLE_REGULATOR, 0, "GET", "/v1/recruiters/check?name=Acme", NULL, 200, "any role checks"},
	{ROLE_COUNSELLOR, 0, "POST", "/v1/quotas", "{}", 403, "admins manage quota listings"},
	{ROLE_EMPLOYER, 0, "POST", "/v1/quotas", "{}", 403, "admins manage quota listings"},
	{ROLE_REGULATOR, 0, "POST", "/v1/quotas", "{}", 403, "admins manage quota listings"},
	{ROLE_NONE, 0, "GET", "/v1/health", NULL, 200, "health needs no token"},
};

static void test_invariants(void)
{
	char path[512], body[512];
	struct resp r;

	for (size_t i = 0; i < sizeof invariants / sizeof invariants[0]; i++) {
		const struct inv *v = &invariants[i];

		expand(v->path, &shared, 0, path, sizeof path);
		expand(v->body, &shared, 0, body, sizeof body);
		T_REQUIRE(http(&r, &srv, v->method, path,
			       v->role == ROLE_NONE ? NULL : tok(v->role, v->org), NULL,
			       v->body ? body : NULL, v->body ? strlen(body) : 0) == 0);
		T_CHECKF(r.status == v->status, "%s %s as %s of org %c: %ld, API.md: %d (%s)", v->method,
			 path, v->role == ROLE_NONE ? "nobody" : keys_role_name(v->role),
			 v->org ? 'B' : 'A', r.status, v->status, v->why);
		resp_free(&r);
	}
}

/* The problem text with every occurrence of id replaced by "ID". */
static void problem_text(const struct resp *r, const char *id, char *out, size_t len)
{
	char raw[512];
	const char *s = raw, *hit;
	size_t k = 0, n = strlen(id);

	snprintf(raw, sizeof raw, "%ld|%s|%s", r->status, str(r->json, "title") ? str(r->json, "title") : "",
		 str(r->json, "detail") ? str(r->json, "detail") : "");
	while ((hit = strstr(s, id)) != NULL && k + 3 < len) {
		k += (size_t)snprintf(out + k, len - k, "%.*sID", (int)(hit - s), s);
		if (k >= len)
			k = len - 1;
		s = hit + n;
	}
	snprintf(out + k, len - k, "%s", s);
}

/* "do not reveal that it exists": another organisation's object gets the
 * very answer an id that does not exist gets. */
static void test_existence_not_revealed(void)
{
	static const struct {
		enum role role;
		const char *method, *prefix, *suffix, *missing, *body;
	} cases[] = {
		{ROLE_EMPLOYER, "GET", "/v1/vacancies/", "", "v_987654321", NULL},
		{ROLE_EMPLOYER, "PATCH", "/v1/vacancies/", "", "v_987654321", "{\"positions\":4}"},
		{ROLE_EMPLOYER, "GET", "/v1/vacancies/", "/candidates", "v_987654321", NULL},
		{ROLE_COUNSELLOR, "GET", "/v1/profiles/", "", "p_0123456789abcdef", NULL},
		{ROLE_COUNSELLOR, "DELETE", "/v1/profiles/", "", "p_0123456789abcdef", NULL},
	};
	char path[256], a[600], b[600];
	struct resp r;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *own = cases[i].prefix[4] == 'v' ? shared.v : shared.p;

		snprintf(path, sizeof path, "%s%s%s", cases[i].prefix, own, cases[i].suffix);
		T_REQUIRE(http(&r, &srv, cases[i].method, path, tok(cases[i].role, 1), NULL,
			       cases[i].body, cases[i].body ? strlen(cases[i].body) : 0) == 0);
		problem_text(&r, own, a, sizeof a);
		resp_free(&r);
		snprintf(path, sizeof path, "%s%s%s", cases[i].prefix, cases[i].missing, cases[i].suffix);
		T_REQUIRE(http(&r, &srv, cases[i].method, path, tok(cases[i].role, 1), NULL,
			       cases[i].body, cases[i].body ? strlen(cases[i].body) : 0) == 0);
		problem_text(&r, cases[i].missing, b, sizeof b);
		resp_free(&r);
		T_CHECKF(strncmp(a, "404|", 4) == 0 && strcmp(a, b) == 0,
			 "%s %s: another organisation's object answers '%s', a missing one '%s'",
			 cases[i].method, cases[i].prefix, a, b);
	}
}

/* What an answer carries, checked against API.md's words, not the table. */
static void test_answer_contents(void)
{
	static const char *const card[] = {"profile", "score", "matched_skills", "missing_essential",
					   "languages", NULL};
	struct objs o = shared;
	char path[256], which[64];
	struct resp r;
	json_t *it;
	size_t i;
	int saw = 0;

	/* An employer's cards: only card fields, the consenting profile among them. */
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates?limit=100", shared.v);
	T_REQUIRE(http(&r, &srv, "GET", path, tok(ROLE_EMPLOYER, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		const char *key;
		json_t *v;

		json_object_foreach(it, key, v) {
			int ok = 0;

			for (const char *const *c = card; *c; c++)
				ok |= strcmp(*c, key) == 0;
			T_CHECKF(ok, "a card carries '%s'", key);
		}
		saw |= same(str(it, "profile"), shared.p);
	}
	T_CHECKF(saw, "the consenting profile %s is not among the cards", shared.p);
	T_CHECK(r.body && !strstr(r.body, SECRET_SKILL) && !strstr(r.body, "citizenship"));
	resp_free(&r);

	/* An employer's search never shows another organisation's vacancy. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?q=authzmarker&limit=100",
		       tok(ROLE_EMPLOYER, 1), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(r.body && !strstr(r.body, shared.v));
	resp_free(&r);

	/* An admin giving a slot back does not learn whose it was. */
	T_REQUIRE(new_profile(o.p) == 0 && new_placement(o.q, o.p, o.l) == 0);
	snprintf(path, sizeof path, "/v1/quotas/%s/placements/%s", o.q, o.l);
	T_REQUIRE(http(&r, &srv, "DELETE", path, tok(ROLE_ADMIN, 1), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(json_object_get(r.json, "profile_id") == NULL);
	T_CHECK(r.body && !strstr(r.body, o.p));
	T_CHECK(json_is_integer(json_object_get(r.json, "slots_remaining")));
	resp_free(&r);

	/* The owning counsellor sees the whole profile. */
	snprintf(path, sizeof path, "/v1/profiles/%s", shared.p);
	T_REQUIRE(http(&r, &srv, "GET", path, tok(ROLE_COUNSELLOR, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "citizenship"), "LS");
	T_CHECK(has_person_field(r.json, which, sizeof which));
	resp_free(&r);
}

/* ---- GET /v1/audit ---- */

static int audit(const char *query, enum role role, json_t **items, long *status)
{
	char path[512];
	struct resp r;

	snprintf(path, sizeof path, "/v1/audit?%s", query);
	*items = NULL;
	if (http(&r, &srv, "GET", path, tok(role, 0), NULL, NULL, 0))
		return -1;
	*status = r.status;
	if (r.status == 200) {
		*items = json_incref(json_object_get(r.json, "items"));
		/* Never a profile's content, whatever the query. */
		T_CHECKF(r.body && !strstr(r.body, SECRET_SKILL) && !strstr(r.body, SKILL),
			 "the audit answer holds a profile's skills: %.300s", r.body);
	}
	resp_free(&r);
	return 0;
}

static int count_action(json_t *items, const char *action)
{
	json_t *it;
	size_t i;
	int n = 0;

	json_array_foreach(items, i, it)
		n += same(str(it, "action"), action);
	return n;
}

static void test_audit(void)
{
	char pid[32], pid_b[32], q[256], at[64], which[64];
	struct resp r;
	json_t *items = NULL, *it;
	long st = 0;
	size_t i;

	T_REQUIRE(new_profile(pid) == 0);
	snprintf(q, sizeof q, "/v1/profiles/%s", pid);
	for (int k = 0; k < 2; k++) {
		T_REQUIRE(http(&r, &srv, "GET", q, tok(ROLE_COUNSELLOR, 0), NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		resp_free(&r);
	}
	T_REQUIRE(http_json(&r, &srv, "PATCH", q, tok(ROLE_COUNSELLOR, 0),
			    "{\"experience_years\":12}") == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/match", tok(ROLE_COUNSELLOR, 0),
			    "{\"profile_id\":\"%s\"}", pid) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);

	/* By object: who, when, what, for this profile only. */
	snprintf(q, sizeof q, "object=%s", pid);
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_CHECK(json_array_size(items) >= 4);
	T_EQ_INT(count_action(items, "profile.create"), 1);
	T_EQ_INT(count_action(items, "profile.read"), 2);
	json_array_foreach(items, i, it) {
		/* A regulator sees the profile as its own pseudonym (docs/privacy.md). */
		T_CHECK(str(it, "object") && strncmp(str(it, "object"), "p~", 2) == 0);
		T_EQ_STR(str(it, "object"), str(json_array_get(items, 0), "object"));
		T_EQ_STR(str(it, "org"), org_name[0]);
		T_EQ_STR(str(it, "role"), "counsellor");
		T_CHECK(str(it, "at") != NULL && str(it, "action") != NULL);
		T_CHECK(!has_person_field(it, which, sizeof which));
	}
	snprintf(at, sizeof at, "%s", str(json_array_get(items, 0), "at") ? str(json_array_get(items, 0), "at") : "");
	json_decref(items);

	/* By action. */
	snprintf(q, sizeof q, "object=%s&action=profile.read", pid);
	T_REQUIRE(audit(q, ROLE_ADMIN, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_EQ_INT(json_array_size(items), 2);
	json_decref(items);

	/* By actor (an organisation): only its rows. */
	T_REQUIRE(post_id(tok(ROLE_COUNSELLOR, 1), "/v1/profiles", pid_b, sizeof pid_b,
			  "{\"occupations\":[\"7212\"]}") == 0);
	snprintf(q, sizeof q, "actor=%s&limit=200", org_name[1]);
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_CHECK(json_array_size(items) >= 1);
	json_array_foreach(items, i, it)
		T_EQ_STR(str(it, "org"), org_name[1]);
	T_CHECK(count_action(items, "profile.create") >= 1);
	json_decref(items);
	snprintf(q, sizeof q, "actor=%s&object=%s", org_name[0], pid_b);
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(json_array_size(items), 0);
	json_decref(items);

	/* By time: since is inclusive, until exclusive. */
	T_REQUIRE(at[0]);
	snprintf(q, sizeof q, "object=%s&since=2999-01-01T00:00:00Z", pid);
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_EQ_INT(json_array_size(items), 0);
	json_decref(items);
	snprintf(q, sizeof q, "since=2000-01-01&until=2000-01-02");
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(json_array_size(items), 0);
	json_decref(items);
	snprintf(q, sizeof q, "object=%s&since=%s", pid, at);
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_CHECK(json_array_size(items) >= 4);
	json_decref(items);
	snprintf(q, sizeof q, "object=%s&until=%s", pid, at);
	T_REQUIRE(audit(q, ROLE_REGULATOR, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_EQ_INT(json_array_size(items), 0);
	json_decref(items);

	/* Paging with a cursor. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit?action=profile.read&limit=1",
		       tok(ROLE_REGULATOR, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_CHECK(str(r.json, "next_cursor") != NULL);
	resp_free(&r);

	/* A bad filter is a 400 naming it; other roles are refused. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit?since=yesterday", tok(ROLE_REGULATOR, 0), NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(r.body && strstr(r.body, "since"));
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit?who=me", tok(ROLE_REGULATOR, 0), NULL, NULL, 0) ==
		  0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(audit("limit=5", ROLE_COUNSELLOR, &items, &st) == 0);
	T_EQ_INT(st, 403);
	T_REQUIRE(audit("limit=5", ROLE_EMPLOYER, &items, &st) == 0);
	T_EQ_INT(st, 403);

	/* The whole log, as far as it goes: no profile content anywhere. */
	T_REQUIRE(audit("limit=1000", ROLE_ADMIN, &items, &st) == 0);
	T_EQ_INT(st, 200);
	T_CHECK(json_array_size(items) > 10);
	T_CHECK(!has_person_field(items, which, sizeof which));
	json_decref(items);
}

/* Every refused call above (403/404 on the shared objects) changed nothing
 * and read nothing: the objects are as made, and the audit log of the
 * shared profile holds only organisation A's reads. */
static void test_refusals_changed_nothing(void)
{
	char path[256];
	struct resp r;
	json_t *it, *f;
	size_t i;
	int found = 0;

	snprintf(path, sizeof path, "/v1/vacancies/%s", shared.v);
	T_REQUIRE(http(&r, &srv, "GET", path, tok(ROLE_EMPLOYER, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "status"), "open");
	T_EQ_INT(json_integer_value(json_object_get(r.json, "positions")), 3);
	resp_free(&r);

	snprintf(path, sizeof path, "/v1/profiles/%s", shared.p);
	T_REQUIRE(http(&r, &srv, "GET", path, tok(ROLE_COUNSELLOR, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_integer_value(json_object_get(r.json, "experience_years")), 37);
	resp_free(&r);

	snprintf(path, sizeof path, "/v1/recruiters/%s", shared.r);
	T_REQUIRE(http(&r, &srv, "GET", path, tok(ROLE_REGULATOR, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "flags"), i, f) {
		if (same(str(f, "id"), shared.f)) {
			found = 1;
			T_EQ_STR(str(f, "status"), "active");
		}
	}
	T_CHECK(found);
	resp_free(&r);

	snprintf(path, sizeof path, "/v1/audit?object=%s&limit=1000", shared.p);
	T_REQUIRE(http(&r, &srv, "GET", path, tok(ROLE_REGULATOR, 1), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(json_array_size(json_object_get(r.json, "items")) >= 3);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		T_CHECKF(same(str(it, "org"), org_name[0]), "profile %s touched by %s", shared.p,
			 str(it, "org"));
		T_CHECKF(same(str(it, "role"), "counsellor") ||
				 (same(str(it, "role"), "employer") && same(str(it, "action"), "profile.card")),
			 "profile %s: %s by a %s", shared.p, str(it, "action"), str(it, "role"));
	}
	resp_free(&r);

	/* The shared placement is still held: its owner can give it back once. */
	snprintf(path, sizeof path, "/v1/quotas/%s/placements/%s", shared.q, shared.l);
	T_REQUIRE(http(&r, &srv, "DELETE", path, tok(ROLE_COUNSELLOR, 0), NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "profile_id"), shared.p);
	resp_free(&r);
}

static void test_server_survived(void)
{
	struct resp r;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_EQ_INT(server_stop(&srv), 0);
}

int main(void)
{
	for (int role = ROLE_COUNSELLOR; role <= ROLE_ADMIN; role++)
		for (int org = 0; org < 2; org++)
			if (make_token(keys_role_name((enum role)role), org_name[org], tokens[role][org],
				       sizeof tokens[role][org])) {
				fprintf(stderr, "cannot make tokens\n");
				printf("0 passed, 1 failed\n");
				return 1;
			}
	if (server_start(&srv, "authz") || new_vacancy(shared.v) || new_profile(shared.p) ||
	    new_quota(shared.q) || new_recruiter(shared.r) || new_flag(shared.r, shared.f) ||
	    new_placement(shared.q, shared.p, shared.l) || new_key(shared.k)) {
		fprintf(stderr, "cannot set up: server or objects\n");
		printf("0 passed, 1 failed\n");
		server_kill(&srv);
		return 1;
	}
	T_RUN(test_every_route_in_table);
	T_RUN(test_probe);
	T_RUN(test_matrix);
	T_RUN(test_invariants);
	T_RUN(test_existence_not_revealed);
	T_RUN(test_answer_contents);
	T_RUN(test_audit);
	T_RUN(test_refusals_changed_nothing);
	T_RUN(test_server_survived);
	server_kill(&srv);
	return T_DONE();
}
