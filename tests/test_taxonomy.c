/*
 * test_taxonomy.c - the taxonomy against the real ESCO data: loading,
 * lookups, normalisation of free text (label, alternative label, inflected
 * form, word order, a typo, French and English for the same concept), codes
 * and URIs, ISCO-08 proximity, and over HTTP the typeahead endpoints and the
 * normalisation of a posted vacancy (and profile, when profiles exist).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy.h"
#include "tests/http.h"
#include "tests/t.h"

#define WELDER "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
#define ELECTRICIAN "http://data.europa.eu/esco/occupation/4910419f-b4af-4f59-b544-9dbebc8a74f0"
#define MIG_SKILL "http://data.europa.eu/esco/skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e"

static struct server srv;
static char employer[80], counsellor[80];

static const char *occ(const char *text, const char *lang, double *score)
{
	static struct tax_match m;
	int rc = taxonomy_normalise_occupation(text, lang, &m);

	if (score)
		*score = m.score;
	return rc == 0 ? m.uri : NULL;
}

static const char *skill(const char *text, const char *lang)
{
	static struct tax_match m;

	return taxonomy_normalise_skill(text, lang, &m) == 0 ? m.uri : NULL;
}

static void test_loading(void)
{
	char err[512];
	const esco *tax;

	T_REQUIRE(taxonomy_init(err, sizeof err) == 0);
	tax = taxonomy_esco();
	T_REQUIRE(tax != NULL);
	T_CHECK(esco_occupation_count(tax) > 2900);
	T_CHECK(esco_skill_count(tax) > 13000);
	T_CHECK(esco_occupation_by_uri(tax, WELDER) != NULL);
	T_EQ_STR(esco_occupation_by_uri(tax, WELDER)->isco, "7212");
	/* A second init is the same process-wide taxonomy. */
	T_CHECK(taxonomy_init(NULL, 0) == 0 && taxonomy_esco() == tax);
}

static void test_normalise_occupations(void)
{
	double s = 0;

	T_EQ_STR(occ("welder", "en", &s), WELDER);           /* preferred label */
	T_CHECK(s == 1.0);
	T_EQ_STR(occ("Construction Welder", NULL, NULL), WELDER); /* alt label, case */
	T_EQ_STR(occ("welders", "en", NULL), WELDER);         /* inflected */
	T_EQ_STR(occ("welder construction", "en", NULL), WELDER); /* word order */
	T_EQ_STR(occ("electricain", "en", &s), ELECTRICIAN);   /* one typo */
	T_CHECK(s >= TAX_MIN_SCORE && s < 1.0);
	T_EQ_STR(occ("soudeur", "fr", NULL), WELDER);          /* French */
	/* ISCO codes and URIs are taken as they are, and validated. */
	T_EQ_STR(occ("7212", NULL, NULL), "7212");
	T_EQ_STR(occ(WELDER, NULL, NULL), WELDER);
	{
		struct tax_match m;

		T_EQ_INT(taxonomy_normalise_occupation("9999", NULL, &m), TAX_ERR_UNKNOWN);
		T_EQ_INT(taxonomy_normalise_occupation(
				 "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000",
				 NULL, &m),
			 TAX_ERR_UNKNOWN);
		T_EQ_INT(taxonomy_normalise_occupation("", NULL, &m), TAX_ERR_ARG);
		T_EQ_INT(taxonomy_normalise_occupation("qqqq zzzzxx vvvvw", NULL, &m),
			 TAX_ERR_NOMATCH);
	}
}

static void test_normalise_skills(void)
{
	struct tax_match m;

	T_EQ_STR(skill("perform metal inert gas welding", "en"), MIG_SKILL);
	T_EQ_STR(skill("operate metal inert gas welding", NULL), MIG_SKILL);
	/* "MIG" is spelt out in ESCO's descriptions; the French label says
	 * "soudage au gaz inerte": both land on the same concept. */
	T_EQ_STR(skill("MIG welding", NULL), MIG_SKILL);
	T_EQ_STR(skill("soudage MIG", NULL), MIG_SKILL);
	T_EQ_STR(skill("MIG welding", NULL), skill("soudage MIG", "fr"));
	T_EQ_STR(skill("metal inert gas welding perform", NULL), MIG_SKILL);
	T_EQ_STR(skill("perform metal inert gas weldng", NULL), MIG_SKILL);
	/* A skill URI of the wrong kind is unknown as a skill. */
	T_EQ_INT(taxonomy_normalise_skill(WELDER, NULL, &m), TAX_ERR_UNKNOWN);
	T_EQ_INT(taxonomy_normalise_skill(MIG_SKILL, NULL, &m), 0);
}

static void test_proximity(void)
{
	T_EQ_INT(taxonomy_occupation_proximity(WELDER, "7212"), ESCO_ISCO_UNIT);
	T_EQ_INT(taxonomy_occupation_proximity(WELDER, "7213"), ESCO_ISCO_MINOR);
	T_EQ_INT(taxonomy_occupation_proximity(WELDER, ELECTRICIAN), ESCO_ISCO_MAJOR);
	T_EQ_INT(taxonomy_occupation_proximity("2221", ELECTRICIAN), ESCO_ISCO_UNRELATED);
}

static int has_field(json_t *prob, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(prob, "errors"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")) ?: "", field) == 0)
			return 1;
	return 0;
}

#define VACANCY(occ, skills)                                                                  \
	"{\"title\":\"Welder\",\"occupation\":\"" occ "\",\"skills\":{\"essential\":[" skills  \
	"],\"optional\":[]},\"country\":\"ZA\",\"valid_until\":\"2099-03-31\"}"

static void test_http_vacancy(void)
{
	const char *body = VACANCY("7212", "\"MIG welding\", \"being cheerful on Mondays\"");
	struct resp r;
	json_t *norm, *ess;
	char path[128];

	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 201);
	norm = json_object_get(r.json, "normalised");
	T_REQUIRE(json_array_size(norm) == 1);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(norm, 0), "input")), "MIG welding");
	T_EQ_STR(json_string_value(json_object_get(json_array_get(norm, 0), "concept")), MIG_SKILL);
	T_CHECK(json_real_value(json_object_get(json_array_get(norm, 0), "score")) >= TAX_MIN_SCORE);
	ess = json_object_get(json_object_get(r.json, "skills"), "essential");
	T_EQ_STR(json_string_value(json_array_get(ess, 0)), MIG_SKILL);
	/* Text that does not normalise stays free text. */
	T_EQ_STR(json_string_value(json_array_get(ess, 1)), "being cheerful on Mondays");
	snprintf(path, sizeof path, "/v1/vacancies/%s",
		 json_string_value(json_object_get(r.json, "id")));
	resp_free(&r);
	/* Stored canonical: the read-back has the URI and no report. */
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	ess = json_object_get(json_object_get(r.json, "skills"), "essential");
	T_EQ_STR(json_string_value(json_array_get(ess, 0)), MIG_SKILL);
	T_CHECK(json_object_get(r.json, "normalised") == NULL);
	resp_free(&r);

	/* Free-text occupation becomes an ESCO URI. */
	body = VACANCY("soudeur", "");
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 201);
	T_EQ_STR(json_string_value(json_object_get(r.json, "occupation")), WELDER);
	resp_free(&r);

	/* Unknown ISCO code, unknown skill URI: 400 naming the field. */
	body = VACANCY("9999", "");
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(strstr(r.content_type, "application/problem+json") != NULL);
	T_CHECK(has_field(r.json, "occupation"));
	resp_free(&r);
	body = VACANCY("7212", "\"http://data.europa.eu/esco/skill/nope\"");
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(has_field(r.json, "skills.essential[0]"));
	resp_free(&r);
}

static void test_http_profile(void)
{
	const char *body = "{\"occupations\":[\"7212\"],\"skills\":[\"soudage MIG\"],"
			   "\"languages\":[{\"code\":\"fr\",\"level\":\"native\"}],"
			   "\"citizenship\":\"LS\",\"desired_countries\":[\"ZA\"],"
			   "\"consent\":{\"matching\":true,\"show_to_employers\":false}}";
	struct resp r;

	T_REQUIRE(http(&r, &srv, "POST", "/v1/profiles", counsellor, NULL, body, strlen(body)) == 0);
	if (r.status == 404 || r.status == 405) {
		resp_free(&r);
		T_SKIP("no profile endpoint yet");
	}
	T_EQ_INT(r.status, 201);
	T_CHECK(json_array_size(json_object_get(r.json, "normalised")) == 1);
	T_EQ_STR(json_string_value(json_array_get(json_object_get(r.json, "skills"), 0)), MIG_SKILL);
	/* Stored canonical: a read gives the URI and no "normalised" report. */
	{
		char path[64];
		struct resp g;

		snprintf(path, sizeof path, "/v1/profiles/%s",
			 json_string_value(json_object_get(r.json, "id")));
		T_REQUIRE(http(&g, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
		T_EQ_INT(g.status, 200);
		T_EQ_STR(json_string_value(json_array_get(json_object_get(g.json, "skills"), 0)), MIG_SKILL);
		T_CHECK(json_object_get(g.json, "normalised") == NULL);
		resp_free(&g);
	}
	resp_free(&r);
}

static void test_http_typeahead(void)
{
	struct resp r;
	json_t *items, *it;
	size_t i;
	int found = 0;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=weld&lang=en&limit=10", counsellor,
		       NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	items = json_object_get(r.json, "items");
	T_CHECK(json_array_size(items) > 0 && json_array_size(items) <= 10);
	json_array_foreach(items, i, it) {
		T_CHECK(strstr(json_string_value(json_object_get(it, "label")) ?: "", "weld") != NULL ||
			json_array_size(json_object_get(it, "alt_labels")) > 0);
		T_CHECK(json_is_string(json_object_get(it, "type")));
	}
	resp_free(&r);

	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations?q=nurse&lang=en&limit=10", employer,
		       NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	items = json_object_get(r.json, "items");
	T_CHECK(json_array_size(items) > 0);
	json_array_foreach(items, i, it) {
		T_CHECK(strlen(json_string_value(json_object_get(it, "isco")) ?: "") == 4);
		T_CHECK(json_is_array(json_object_get(it, "essential_skills")));
		if (strcmp(json_string_value(json_object_get(it, "isco")) ?: "", "2221") == 0)
			found = 1;
	}
	T_CHECK(found);
	resp_free(&r);

	/* A prefix in French, labels in French. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/occupations?q=soude&lang=fr&limit=5", employer,
		       NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	found = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "uri")) ?: "", WELDER) == 0) {
			found = 1;
			T_CHECK(strstr(json_string_value(json_object_get(it, "label")) ?: "", "soud") != NULL);
		}
	T_CHECK(found);
	resp_free(&r);

	/* Bad input: 400 naming the parameter; no token: 401. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=weld&limit=0", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(has_field(r.json, "limit"));
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=weld&lang=xx", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 400);
	T_CHECK(has_field(r.json, "lang"));
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/taxonomy/skills?q=weld", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 401);
	resp_free(&r);
}

int main(void)
{
	T_RUN(test_loading);
	T_RUN(test_normalise_occupations);
	T_RUN(test_normalise_skills);
	T_RUN(test_proximity);
	if (server_start(&srv, "taxonomy") == 0 && make_token("employer", "acme", employer,
								  sizeof employer) == 0 &&
	    make_token("counsellor", "centre", counsellor, sizeof counsellor) == 0) {
		T_RUN(test_http_vacancy);
		T_RUN(test_http_profile);
		T_RUN(test_http_typeahead);
		server_stop(&srv);
	} else {
		fprintf(stderr, "FAIL: cannot start the server\n");
		t_failed++;
	}
	return T_DONE();
}
