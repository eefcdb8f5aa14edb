/*
 * test_stats.c - GET /v1/stats against a real server and PostgreSQL: small
 * cells and their complements suppressed in the real answer, no profile
 * read to count (no profile.* audit row), the query audited, who may ask;
 * profiles' sex and birth_year (validated, counted in bands, never on a
 * candidate card, gone with an erasure).
 *
 * The test database is this test's own, so every count is known: 9
 * profiles from LS, 12 from ZA, 25 from BW.
 */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char admin[80], regulator[80], counsellor[80], employer[80];
static char bw_profile[32];

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long post(const char *token, const char *path, char *id, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static long post(const char *token, const char *path, char *id, size_t len, const char *fmt, ...)
{
	char body[2048];
	struct resp r;
	va_list ap;
	long st;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (http(&r, &srv, "POST", path, token, NULL, body, strlen(body)))
		return -1;
	st = r.status;
	if (id && len)
		snprintf(id, len, "%s", str(r.json, "id") ? str(r.json, "id") : "");
	if (st != 201)
		fprintf(stderr, "  POST %s: %ld %s\n", path, st, r.body ? r.body : "");
	resp_free(&r);
	return st;
}

/* The stats answer (caller frees), NULL on a non-200. */
static json_t *stats(const char *token, long *status)
{
	struct resp r;
	json_t *j = NULL;

	if (http(&r, &srv, "GET", "/v1/stats?months=3", token, NULL, NULL, 0))
		return NULL;
	*status = r.status;
	if (r.status == 200)
		j = json_incref(r.json);
	resp_free(&r);
	return j;
}

/* The cell of key in table group.name: "null" when suppressed, else the
 * count as text; "absent" when there is none. */
static const char *cell(const json_t *st, const char *group, const char *name, const char *key)
{
	static char out[32];
	json_t *cells = json_object_get(json_object_get(json_object_get(st, group), name), "cells"), *c;
	size_t i;

	snprintf(out, sizeof out, "absent");
	json_array_foreach(cells, i, c) {
		if (!str(c, "key") || strcmp(str(c, "key"), key) != 0)
			continue;
		if (json_is_true(json_object_get(c, "suppressed")) && json_is_null(json_object_get(c, "count")))
			snprintf(out, sizeof out, "null");
		else if (json_is_false(json_object_get(c, "suppressed")) && json_is_integer(json_object_get(c, "count")))
			snprintf(out, sizeof out, "%lld", (long long)json_integer_value(json_object_get(c, "count")));
		else
			snprintf(out, sizeof out, "inconsistent");
	}
	return out;
}

static long long total(const json_t *st, const char *group, const char *name)
{
	json_t *t = json_object_get(json_object_get(json_object_get(st, group), name), "total");

	return json_is_true(json_object_get(t, "suppressed")) ? -1 : json_integer_value(json_object_get(t, "count"));
}

/* Audit rows whose action is `action` (admin; at most 1000). */
static int audit_count(const char *action)
{
	char path[160];
	struct resp r;
	int n = -1;

	snprintf(path, sizeof path, "/v1/audit?action=%s&limit=1000", action);
	if (http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0 && r.status == 200)
		n = (int)json_array_size(json_object_get(r.json, "items"));
	resp_free(&r);
	return n;
}

/* Run before populate(): two profiles only, from ER and SO, wanting IT. The
 * whole table is a small cell, so its counts are hidden; and in a table
 * whose keys are the values present, the keys themselves would say where
 * the two are from (review 12: three profiles listed CI, ML and SN). */
static void test_small_table_lists_no_key(void)
{
	char id[2][32], path[96];
	struct resp r;
	long st = 0;
	json_t *s;
	int i;

	T_REQUIRE(post(counsellor, "/v1/profiles", id[0], sizeof id[0],
		       "{\"occupations\":[\"7212\"],\"citizenship\":\"ER\","
		       "\"desired_countries\":[\"IT\"]}") == 201);
	T_REQUIRE(post(counsellor, "/v1/profiles", id[1], sizeof id[1],
		       "{\"occupations\":[\"7212\"],\"citizenship\":\"SO\","
		       "\"desired_countries\":[\"IT\"]}") == 201);
	s = stats(regulator, &st);
	T_EQ_INT(st, 200);
	T_REQUIRE(s);
	T_EQ_INT(total(s, "profiles", "by_citizenship"), -1);
	T_EQ_STR(cell(s, "profiles", "by_citizenship", "ER"), "absent");
	T_EQ_STR(cell(s, "profiles", "by_citizenship", "SO"), "absent");
	T_EQ_STR(cell(s, "profiles", "by_desired_country", "IT"), "absent");
	/* A fixed list keeps its keys, every count hidden. */
	T_EQ_STR(cell(s, "profiles", "by_sex", "not_given"), "null");
	T_EQ_STR(cell(s, "profiles", "by_isco_major", "7"), "null");
	json_decref(s);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/v1/profiles/%s", id[i]);
		T_REQUIRE(http(&r, &srv, "DELETE", path, counsellor, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		resp_free(&r);
	}
}

static void test_suppression_in_the_answer(void)
{
	static const char *const profile_actions[] = {"profile.read", "profile.match",
						      "profile.quota_eligibility", NULL};
	int before[3], i, reads = audit_count("stats.read");
	long st = 0;
	json_t *s;

	for (i = 0; profile_actions[i]; i++)
		before[i] = audit_count(profile_actions[i]);
	T_CHECK(reads >= 0);

	s = stats(regulator, &st);
	T_EQ_INT(st, 200);
	T_REQUIRE(s);
	T_EQ_INT(json_integer_value(json_object_get(s, "min_cell")), 10);
	/* LS 9 is a small cell; ZA 12, the smallest cell shown otherwise, is
	 * its complement: else 46 - 25 - 12 gives the 9 back. BW 25 stays. */
	T_EQ_STR(cell(s, "profiles", "by_citizenship", "LS"), "null");
	T_EQ_STR(cell(s, "profiles", "by_citizenship", "ZA"), "null");
	T_EQ_STR(cell(s, "profiles", "by_citizenship", "BW"), "25");
	T_EQ_INT(total(s, "profiles", "by_citizenship"), 46);
	/* The same total in every table of profiles. */
	T_EQ_INT(total(s, "profiles", "by_sex"), 46);
	T_EQ_INT(total(s, "profiles", "by_age_band"), 46);
	/* Sex: 9 female (LS), 12 male (ZA), 25 not given (BW): 9 and 12 as above. */
	T_EQ_STR(cell(s, "profiles", "by_sex", "female"), "null");
	T_EQ_STR(cell(s, "profiles", "by_sex", "male"), "null");
	T_EQ_STR(cell(s, "profiles", "by_sex", "not_given"), "25");
	T_EQ_STR(cell(s, "profiles", "by_sex", "other"), "0");
	/* Age bands from birth_year: LS born 40 years ago, ZA 30. */
	T_EQ_STR(cell(s, "profiles", "by_age_band", "35-44"), "null");
	T_EQ_STR(cell(s, "profiles", "by_age_band", "25-34"), "null");
	T_EQ_STR(cell(s, "profiles", "by_age_band", "not_given"), "25");
	/* ISCO-08 major group 7 for all (7212 and an ESCO welder URI). */
	T_EQ_STR(cell(s, "profiles", "by_isco_major", "7"), "46");
	/* A profile counts once per country it names (the cells are not a
	 * partition): ZA 9 + 25, NA 25, BW 12; nobody names none. */
	T_EQ_STR(cell(s, "profiles", "by_desired_country", "ZA"), "34");
	T_EQ_STR(cell(s, "profiles", "by_desired_country", "NA"), "25");
	T_EQ_STR(cell(s, "profiles", "by_desired_country", "BW"), "12");
	T_EQ_STR(cell(s, "profiles", "by_desired_country", "none"), "absent");
	/* Vacancies: 11 open in ZA, direct hire, ISCO major 7. */
	T_EQ_STR(cell(s, "vacancies", "by_country", "ZA"), "11");
	T_EQ_STR(cell(s, "vacancies", "by_isco_major", "7"), "11");
	T_EQ_STR(cell(s, "vacancies", "by_recruiter_verdict", "direct_hire"), "11");
	json_decref(s);

	/* Counting read no profile; the query itself is audited, once. */
	for (i = 0; profile_actions[i]; i++)
		T_EQ_INT(audit_count(profile_actions[i]), before[i]);
	T_EQ_INT(audit_count("stats.read"), reads + 1);

	/* Admins may ask; counsellors and employers may not. */
	s = stats(admin, &st);
	T_EQ_INT(st, 200);
	json_decref(s);
	s = stats(counsellor, &st);
	T_EQ_INT(st, 403);
	json_decref(s);
	s = stats(employer, &st);
	T_EQ_INT(st, 403);
	json_decref(s);
	T_EQ_INT(audit_count("stats.read"), reads + 2);
}

/* Vacancies by the current verdict on their recruiter: 10 posted through
 * an agency that is blacklisted afterwards count as blacklisted. */
static void test_recruiter_verdicts(void)
{
	char rid[32], fid[32], path[96];
	json_t *s = NULL;
	long st = 0;
	int i;

	T_REQUIRE(post(regulator, "/v1/recruiters", rid, sizeof rid,
		       "{\"name\":\"Maseru Statistics Manpower\",\"country\":\"LS\"}") == 201);
	for (i = 0; i < 10; i++)
		T_REQUIRE(post(employer, "/v1/vacancies", NULL, 0,
			       "{\"title\":\"Miner %d\",\"occupation\":\"8111\",\"country\":\"ZA\","
			       "\"positions\":1,\"valid_until\":\"2099-01-01\",\"recruiter\":"
			       "{\"name\":\"Maseru Statistics Manpower\",\"country\":\"LS\"}}", i) == 201);
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	T_REQUIRE(post(regulator, path, fid, sizeof fid,
		       "{\"severity\":\"blacklist\",\"reason\":\"worker_fees\",\"evidence\":\"x\","
		       "\"expires_at\":null}") == 201);
	/* The snapshot follows the flag through LISTEN/NOTIFY: a moment. */
	for (i = 0; i < 40; i++) {
		json_decref(s);
		s = stats(regulator, &st);
		T_REQUIRE(s);
		if (strcmp(cell(s, "vacancies", "by_recruiter_verdict", "blacklisted"), "10") == 0)
			break;
		usleep(50000);
	}
	T_EQ_STR(cell(s, "vacancies", "by_recruiter_verdict", "blacklisted"), "10");
	T_EQ_STR(cell(s, "vacancies", "by_recruiter_verdict", "direct_hire"), "11");
	T_EQ_STR(cell(s, "vacancies", "by_country", "ZA"), "21");
	T_EQ_STR(cell(s, "vacancies", "by_isco_major", "8"), "10");
	T_EQ_INT(total(s, "vacancies", "by_recruiter_verdict"), 21);
	json_decref(s);
}

static void test_bad_parameters(void)
{
	struct resp r;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/stats?months=0", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	/* "field: message", as every other detail (review 12) */
	T_EQ_STR(json_string_value(json_object_get(r.json, "detail")),
		 "months: must be a whole number from 1 to 120");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/stats?months=121", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/stats?k=3", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	/* The minimum is never below 5. */
	T_CHECK(cli(NULL, 0, "serve --stats-min-cell 4 --listen 127.0.0.1:1 2>/dev/null") == 2);
}

static void test_sex_and_birth_year(void)
{
	char id[32], vid[32], path[96];
	struct resp r;
	size_t i;
	json_t *it;

	/* Validated. */
	T_EQ_INT(post(counsellor, "/v1/profiles", NULL, 0,
		      "{\"occupations\":[\"7212\"],\"sex\":\"f\"}"), 400);
	T_EQ_INT(post(counsellor, "/v1/profiles", NULL, 0,
		      "{\"occupations\":[\"7212\"],\"birth_year\":2024}"), 400);
	T_EQ_INT(post(counsellor, "/v1/profiles", NULL, 0,
		      "{\"occupations\":[\"7212\"],\"birth_year\":1800}"), 400);
	T_EQ_INT(post(counsellor, "/v1/profiles", NULL, 0,
		      "{\"occupations\":[\"7212\"],\"birth_year\":\"1990\"}"), 400);
	/* Never on a card: a consenting profile with both, seen by an employer. */
	T_REQUIRE(post(counsellor, "/v1/profiles", id, sizeof id,
		       "{\"occupations\":[\"9333\"],\"skills\":[\"forklift\"],\"sex\":\"other\","
		       "\"birth_year\":1980,\"consent\":{\"matching\":true,\"show_to_employers\":true}}") == 201);
	T_REQUIRE(post(employer, "/v1/vacancies", vid, sizeof vid,
		       "{\"title\":\"Forklift operator\",\"occupation\":\"9333\",\"country\":\"BW\","
		       "\"positions\":1,\"valid_until\":\"2099-01-01\"}") == 201);
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates?limit=50", vid);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(json_array_size(json_object_get(r.json, "items")) >= 1);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		T_CHECK(!strstr(r.body, "\"sex\""));
		T_CHECK(!strstr(r.body, "birth_year"));
		T_CHECK(!strstr(r.body, "1980"));
	}
	resp_free(&r);
	/* Read back by its counsellor. */
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "sex"), "other");
	T_EQ_INT(json_integer_value(json_object_get(r.json, "birth_year")), 1980);
	resp_free(&r);
	/* Erased with the profile: gone from the counts too (BW 25 -> 24). */
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_REQUIRE(http(&r, &srv, "DELETE", path, counsellor, NULL, NULL, 0) == 0);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/profiles/%s", bw_profile);
	T_REQUIRE(http(&r, &srv, "DELETE", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	{
		long st = 0;
		json_t *s = stats(regulator, &st);

		T_REQUIRE(s);
		T_EQ_STR(cell(s, "profiles", "by_citizenship", "BW"), "24");
		T_EQ_STR(cell(s, "profiles", "by_sex", "other"), "0");
		T_EQ_INT(total(s, "profiles", "by_citizenship"), 45);
		json_decref(s);
	}
}

/* 9 LS (female, 40), 12 ZA (male, 30), 25 BW (nothing); 11 vacancies in ZA. */
static int populate(void)
{
	char year_ls[16], year_za[16], buf[64];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	gmtime_r(&now, &tm);
	snprintf(year_ls, sizeof year_ls, "%d", tm.tm_year + 1900 - 40);
	snprintf(year_za, sizeof year_za, "%d", tm.tm_year + 1900 - 30);
	for (i = 0; i < 9; i++)
		if (post(counsellor, "/v1/profiles", NULL, 0,
			 "{\"occupations\":[\"7212\"],\"citizenship\":\"LS\",\"sex\":\"female\","
			 "\"birth_year\":%s,\"desired_countries\":[\"ZA\"]}", year_ls) != 201)
			return -1;
	for (i = 0; i < 12; i++)
		if (post(counsellor, "/v1/profiles", NULL, 0,
			 "{\"occupations\":[\"http://data.europa.eu/esco/occupation/"
			 "7aedaa07-3884-4c5b-88f9-80997b2aa54b\"],\"citizenship\":\"ZA\",\"sex\":\"male\","
			 "\"birth_year\":%s,\"desired_countries\":[\"BW\"]}", year_za) != 201)
			return -1;
	for (i = 0; i < 25; i++)
		if (post(counsellor, "/v1/profiles", i ? buf : bw_profile, i ? sizeof buf : sizeof bw_profile,
			 "{\"occupations\":[\"7212\"],\"citizenship\":\"BW\","
			 "\"desired_countries\":[\"ZA\",\"NA\"]}") != 201)
			return -1;
	for (i = 0; i < 11; i++)
		if (post(employer, "/v1/vacancies", NULL, 0,
			 "{\"title\":\"Welder %d\",\"occupation\":\"7212\",\"country\":\"ZA\","
			 "\"positions\":1,\"valid_until\":\"2099-01-01\"}", i) != 201)
			return -1;
	return 0;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (make_token("admin", "ops", admin, sizeof admin) ||
	    make_token("regulator", "labour-dept", regulator, sizeof regulator) ||
	    make_token("counsellor", "centre-1", counsellor, sizeof counsellor) ||
	    make_token("employer", "acme", employer, sizeof employer) ||
	    server_start(&srv, "stats")) {
		fprintf(stderr, "cannot set up: tokens or server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_small_table_lists_no_key);
	if (populate()) {
		fprintf(stderr, "cannot set up: data\n");
		server_stop(&srv);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_suppression_in_the_answer);
	T_RUN(test_recruiter_verdicts);
	T_RUN(test_bad_parameters);
	T_RUN(test_sex_and_birth_year);
	server_stop(&srv);
	curl_global_cleanup();
	return T_DONE();
}
