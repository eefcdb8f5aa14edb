/*
 * test_integrity.c - recruiter integrity over real HTTP, against two real
 * server processes sharing one PostgreSQL database (each with its own index):
 * registration, the fuzzy and licence check, flags and lifts with their role
 * rules and audit rows, the append-only rule enforced by PostgreSQL itself,
 * enforcement on POST /v1/vacancies and in search from the very next request
 * on the flagging server and within one second on the other, and the same
 * after PostgreSQL restarts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv, srv2;
static char employer[80], counsellor[80], regulator[80], admin[80];

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Registers a recruiter (body as JSON) as the regulator; returns its id. */
static const char *register_recruiter(const char *body, char *id, size_t len)
{
	return test_register_recruiter(&srv, regulator, body, id, len);
}

/* Flags a recruiter through server s; returns the flag id. */
static const char *flag(const struct server *s, const char *rid, const char *severity,
			const char *reason, char *fid, size_t len)
{
	struct resp r;
	char path[128];

	fid[0] = '\0';
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	if (http_json(&r, s, "POST", path, regulator,
		      "{\"severity\":\"%s\",\"reason\":\"%s\",\"evidence\":\"inspection report 2026/17\","
		      "\"expires_at\":null}",
		      severity, reason) == 0 &&
	    r.status == 201 && str(r.json, "id"))
		snprintf(fid, len, "%s", str(r.json, "id"));
	else
		fprintf(stderr, "  flag %s: %ld %s\n", rid, r.status, r.body ? r.body : "");
	resp_free(&r);
	return fid;
}

static long lift(const struct server *s, const char *rid, const char *fid)
{
	struct resp r;
	char path[160];
	long st;

	snprintf(path, sizeof path, "/v1/recruiters/%s/flags/%s/lift", rid, fid);
	if (http_json(&r, s, "POST", path, regulator, "{\"reason\":\"appeal upheld\"}"))
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

/* Posts a vacancy with a recruiter; returns the HTTP status, id in id. */
static long post_vacancy(const char *title, const char *recruiter, char *id, size_t len,
			 struct resp *keep)
{
	struct resp r;
	long st;

	if (id)
		id[0] = '\0';
	if (http_json(&r, &srv, "POST", "/v1/vacancies", employer,
		      "{\"title\":\"%s\",\"occupation\":\"9211\",\"country\":\"ZA\",\"positions\":3,"
		      "\"valid_until\":\"2099-01-01\",\"recruiter\":%s}",
		      title, recruiter))
		return -1;
	st = r.status;
	if (id && str(r.json, "id"))
		snprintf(id, len, "%s", str(r.json, "id"));
	if (keep)
		*keep = r;
	else
		resp_free(&r);
	return st;
}

/* Whether a search on s for the word q returns the vacancy id. -1 on error. */
static int search_has(const struct server *s, const char *q, const char *id, int include_flagged)
{
	char path[256];

	snprintf(path, sizeof path, "/v1/vacancies?q=%s&limit=100%s", q,
		 include_flagged ? "&include_flagged=true" : "");
	return test_lists_id(s, "GET", path, counsellor, NULL, "items", id);
}

/* Polls s until search_has == want; returns the seconds it took, or -1. */
static double wait_search(const struct server *s, const char *q, const char *id, int want,
			  double timeout)
{
	double t0 = test_now();

	while (test_now() - t0 < timeout) {
		if (search_has(s, q, id, 0) == want)
			return test_now() - t0;
		test_sleep_ms(20);
	}
	return -1;
}

/* Polls GET /v1/recruiters/check?QUERY on s until its verdict is want;
 * returns the seconds it took, or -1. */
static double check_verdict(const struct server *s, const char *query, const char *want,
			    double timeout)
{
	double t0 = test_now();
	char path[512];

	snprintf(path, sizeof path, "/v1/recruiters/check?%s", query);
	while (test_now() - t0 < timeout) {
		struct resp r;
		int ok = http(&r, s, "GET", path, counsellor, NULL, NULL, 0) == 0 && r.status == 200 &&
			 str(r.json, "verdict") && strcmp(str(r.json, "verdict"), want) == 0;

		resp_free(&r);
		if (ok)
			return test_now() - t0;
		test_sleep_ms(20);
	}
	return -1;
}

/* The recruiter_verdict of vacancy id in a search for q on s ("" if absent). */
static void search_verdict(const struct server *s, const char *q, const char *id, char *out,
			   size_t len)
{
	struct resp r;
	char path[256];
	json_t *it;
	size_t i;

	out[0] = '\0';
	snprintf(path, sizeof path, "/v1/vacancies?q=%s&limit=100", q);
	if (http(&r, s, "GET", path, counsellor, NULL, NULL, 0) || r.status != 200) {
		resp_free(&r);
		return;
	}
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		if (str(it, "id") && strcmp(str(it, "id"), id) == 0 &&
		    str(json_object_get(it, "recruiter_verdict"), "verdict"))
			snprintf(out, len, "%s", str(json_object_get(it, "recruiter_verdict"), "verdict"));
	}
	resp_free(&r);
}

/* Reads recruiter rid on s until 12 reads in a row succeed (at most 200
 * tries): after a PostgreSQL restart each worker thread answers 503 once. */
static int settle(const struct server *s, const char *rid)
{
	char path[96];
	int ok = 0;

	snprintf(path, sizeof path, "/v1/recruiters/%s", rid);
	for (int i = 0; i < 200 && ok < 12; i++) {
		struct resp r;

		if (http(&r, s, "GET", path, regulator, NULL, NULL, 0) == 0 && r.status == 200)
			ok++;
		else
			ok = 0, test_sleep_ms(50);
		resp_free(&r);
	}
	return ok >= 12 ? 0 : -1;
}

/* ---- cases ---- */

static void test_roles(void)
{
	struct resp r;
	char rid[32], path[128];
	static const char body[] = "{\"name\":\"Roles Test Placement\",\"country\":\"LS\"}";

	static const char other[] = "{\"name\":\"Roles Test Admin Placement\",\"country\":\"LS\"}";

	T_REQUIRE(register_recruiter(body, rid, sizeof rid)[0]);
	/* (the same body again would be a duplicate, 409) */
	T_REQUIRE(http(&r, &srv, "POST", "/v1/recruiters", admin, NULL, other, strlen(other)) == 0);
	T_EQ_INT(r.status, 201);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/recruiters", employer, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/recruiters", counsellor, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/recruiters", NULL, NULL, body, strlen(body)) == 0);
	T_EQ_INT(r.status, 401);
	resp_free(&r);

	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	T_REQUIRE(http_json(&r, &srv, "POST", path, counsellor,
			    "{\"severity\":\"blacklist\",\"reason\":\"worker_fees\"}") == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", path, employer,
			    "{\"severity\":\"blacklist\",\"reason\":\"worker_fees\"}") == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);

	snprintf(path, sizeof path, "/v1/recruiters/%s", rid);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", path, regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "name"), "Roles Test Placement");
	resp_free(&r);

	/* Everyone may check. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Roles%20Test%20Placement",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Roles%20Test%20Placement",
		       employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);

	/* The audit log is for regulators and admins. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit?limit=5", admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
}

static void test_bad_input(void)
{
	struct resp r;
	char rid[32], path[128];

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/recruiters", regulator,
			    "{\"name\":\"X Recruiting\",\"passport_copies\":true}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/recruiters", regulator,
			    "{\"name\":\"X\",\"country\":\"Lesotho\",\"licence\":{\"number\":7}}") == 0);
	T_EQ_INT(r.status, 400);
	T_EQ_INT(json_array_size(json_object_get(r.json, "errors")), 2);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/recruiters", regulator, "{\"name\":\"(Pty) -- .\"}") == 0);
	T_CHECK(r.status == 422 || r.status == 201); /* all legal form: kept, or refused, never 500 */
	resp_free(&r);

	T_REQUIRE(register_recruiter("{\"name\":\"Bad Input Agency Holdings\"}", rid, sizeof rid)[0]);
	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	T_REQUIRE(http_json(&r, &srv, "POST", path, regulator,
			    "{\"severity\":\"ban\",\"reason\":\"worker_fees\"}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", path, regulator,
			    "{\"severity\":\"warning\",\"reason\":\"rudeness\"}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", path, regulator,
			    "{\"severity\":\"warning\",\"reason\":\"other\",\"expires_at\":\"tomorrow\"}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", path, regulator,
			    "{\"severity\":\"warning\",\"reason\":\"other\",\"expires_at\":\"2001-01-01\"}") == 0);
	T_EQ_INT(r.status, 422);
	/* "field: message", as every other detail (review 12) */
	T_EQ_STR(json_string_value(json_object_get(r.json, "detail")), "expires_at: is in the past");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters?flag=bad", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	T_EQ_STR(json_string_value(json_object_get(r.json, "detail")),
		 "flag: must be any, blacklist, warning or none");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/recruiters/r_999999/flags", regulator,
			    "{\"severity\":\"warning\",\"reason\":\"other\"}") == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/recruiters/nonsense/flags", regulator,
			    "{\"severity\":\"warning\",\"reason\":\"other\"}") == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/r_999999", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);

	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=a&country=XYZ", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=a&colour=red", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	/* A name of only invisible characters or spaces, as a vacancy write
	 * refuses it (it answered 200 "unknown"). */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=%E2%80%8B", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=%20%20", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit?limit=0", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/audit?since=yesterday", regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?include_flagged=maybe", counsellor, NULL, NULL,
		       0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
}

static void test_check(void)
{
	struct resp r;
	char acme[32], other[32], nolic[32];
	json_t *m;

	T_REQUIRE(register_recruiter("{\"name\":\"Acme Manpower\",\"aliases\":[\"Акме Кадры\"],"
				     "\"country\":\"ZA\",\"licence\":{\"number\":\"ZA-LAB-7788\","
				     "\"authority\":\"Department of Employment and Labour\","
				     "\"valid_until\":\"2099-12-31\"}}",
				     acme, sizeof acme)[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Apex Manpower\",\"country\":\"ZA\"}", other,
				     sizeof other)[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Thaba Bosiu Recruitment Agency\",\"country\":\"LS\","
				     "\"licence\":{\"number\":\"LS-RA-0001\",\"valid_until\":\"2001-01-01\"}}",
				     nolic, sizeof nolic)[0]);

	/* Legal form, case and punctuation do not hide a name. */
	T_REQUIRE(http(&r, &srv, "GET",
		       "/v1/recruiters/check?name=ACME%20Man-Power%20(Pty)%20Ltd&country=ZA",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "verdict"), "licensed");
	m = json_array_get(json_object_get(r.json, "matches"), 0);
	T_EQ_STR(str(m, "id"), acme);
	T_EQ_STR(str(m, "matched_on"), "name");
	T_CHECK(json_real_value(json_object_get(m, "score")) >= 0.9);
	/* Apex is a different firm: not among the matches. */
	T_EQ_INT(json_array_size(json_object_get(r.json, "matches")), 1);
	resp_free(&r);

	/* An exact licence is found however it is written; with a name that
	 * is not its holder's, the answer is a conflict, never the licence's. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Zebra%20Jobs&licence=za-lab%207788",
		       employer, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "conflict");
	m = json_array_get(json_object_get(r.json, "matches"), 0);
	T_EQ_STR(str(m, "id"), acme);
	T_EQ_STR(str(m, "matched_on"), "licence");
	T_EQ_STR(str(json_object_get(r.json, "conflict"), "licence"), acme);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?licence=za-lab%207788", employer, NULL,
		       NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "licensed");
	resp_free(&r);

	/* An alias in another script. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=%D0%90%D0%BA%D0%BC%D0%B5%20%D0%9A%D0%B0%D0%B4%D1%80%D1%8B",
		       counsellor, NULL, NULL, 0) == 0);
	m = json_array_get(json_object_get(r.json, "matches"), 0);
	T_EQ_STR(str(m, "id"), acme);
	T_EQ_STR(str(m, "matched_on"), "alias");
	resp_free(&r);

	/* Expired licence: unlicensed; nothing similar: unknown. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Thaba%20Bosiu%20Recruitment",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "unlicensed");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Zebra%20Jobs%20Worldwide",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "unknown");
	T_EQ_INT(json_array_size(json_object_get(r.json, "matches")), 0);
	resp_free(&r);
}

static void test_blacklist_refuses_vacancy(void)
{
	struct resp r;
	char rid[32], fid[32], vid[32], sql[256];
	json_t *e;

	T_REQUIRE(register_recruiter("{\"name\":\"Karoo Fee Takers\",\"country\":\"ZA\","
				     "\"licence\":{\"number\":\"ZA-KFT-1\"}}",
				     rid, sizeof rid)[0]);
	T_REQUIRE(flag(&srv, rid, "blacklist", "worker_fees", fid, sizeof fid)[0]);

	/* A variant of the name (legal form, case) is refused, and nothing stored. */
	T_EQ_INT(post_vacancy("Shepherd blk1",
			      "{\"name\":\"KAROO FEE TAKERS (PTY) LTD\",\"country\":\"ZA\"}", vid,
			      sizeof vid, &r),
		 422);
	T_EQ_STR(r.content_type, "application/problem+json");
	e = json_array_get(json_object_get(r.json, "errors"), 0);
	T_EQ_STR(str(e, "field"), "recruiter");
	T_EQ_STR(str(e, "code"), "blacklisted");
	T_CHECK(str(r.json, "detail") && strstr(str(r.json, "detail"), fid) &&
		strstr(str(r.json, "detail"), "worker_fees"));
	resp_free(&r);
	/* So is the licence alone under another name. */
	T_EQ_INT(post_vacancy("Shepherd blk2", "{\"name\":\"Sunny Jobs\",\"licence\":\"ZA-KFT-1\"}",
			      NULL, 0, NULL),
		 422);
	snprintf(sql, sizeof sql,
		 "DO \\$\\$ BEGIN IF (SELECT count(*) FROM vacancies WHERE doc->>'title' LIKE"
		 " 'Shepherd blk%%') <> 0 THEN RAISE EXCEPTION 'stored'; END IF; END \\$\\$");
	T_EQ_INT(test_psql(sql), 0);

	/* PATCH onto a blacklisted recruiter is refused too. */
	T_EQ_INT(post_vacancy("Shepherd ok1", "{\"name\":\"Honest Herders\"}", vid, sizeof vid, NULL),
		 201);
	{
		char path[64];

		snprintf(path, sizeof path, "/v1/vacancies/%s", vid);
		T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer,
				    "{\"recruiter\":{\"name\":\"Karoo Fee Takers\"}}") == 0);
		T_EQ_INT(r.status, 422);
		resp_free(&r);
		T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
		T_EQ_STR(str(json_object_get(r.json, "recruiter"), "name"), "Honest Herders");
		resp_free(&r);
	}
}

static void test_warning_is_stored_and_hidden_by_default(void)
{
	struct resp r;
	char rid[32], fid[32], vid[32];
	json_t *v;

	T_REQUIRE(register_recruiter("{\"name\":\"Limpopo Careless Hiring\"}", rid, sizeof rid)[0]);
	T_REQUIRE(flag(&srv, rid, "warning", "contract_substitution", fid, sizeof fid)[0]);
	T_EQ_INT(post_vacancy("Baobab warnedjob", "{\"name\":\"Limpopo Careless Hiring Pty Ltd\"}", vid,
			      sizeof vid, &r),
		 201);
	v = json_object_get(r.json, "recruiter_verdict");
	T_EQ_STR(str(v, "verdict"), "flagged");
	T_EQ_STR(str(json_array_get(json_object_get(v, "flags"), 0), "id"), fid);
	resp_free(&r);
	T_REQUIRE(vid[0]);
	{
		/* A PATCH answers the recruiter's verdict as the POST does. */
		char path[64];

		snprintf(path, sizeof path, "/v1/vacancies/%s", vid);
		T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer, "{\"positions\":2}") == 0);
		T_EQ_INT(r.status, 200);
		v = json_object_get(r.json, "recruiter_verdict");
		T_EQ_STR(str(v, "verdict"), "flagged");
		T_EQ_STR(str(json_array_get(json_object_get(v, "flags"), 0), "id"), fid);
		resp_free(&r);
	}
	T_EQ_INT(search_has(&srv, "warnedjob", vid, 0), 0);
	T_EQ_INT(search_has(&srv, "warnedjob", vid, 1), 1);
	{
		char path[64];

		snprintf(path, sizeof path, "/v1/vacancies?q=warnedjob&include_flagged=true");
		T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
		v = json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
				    "recruiter_verdict");
		T_EQ_STR(str(v, "verdict"), "flagged");
		T_EQ_INT(json_array_size(json_object_get(v, "flags")), 1);
		resp_free(&r);
	}
	/* Lifted: shown again by default. */
	T_EQ_INT(lift(&srv, rid, fid), 200);
	T_EQ_INT(search_has(&srv, "warnedjob", vid, 0), 1);
}

static void test_flag_reaches_both_servers(void)
{
	char rid[32], fid[32], v1[32], v2[32], v3[32];
	double t, took;

	T_REQUIRE(register_recruiter("{\"name\":\"Lowveld Labour Brokers\",\"country\":\"ZA\","
				     "\"licence\":{\"number\":\"ZA-LLB-42\"}}",
				     rid, sizeof rid)[0]);
	T_EQ_INT(post_vacancy("Citrus orchardzq", "{\"name\":\"Lowveld Labour Brokers\"}", v1,
			      sizeof v1, NULL),
		 201);
	/* A typo: no exact term, caught by the fuzzy verdict. */
	T_EQ_INT(post_vacancy("Mango orchardzq", "{\"name\":\"Lowvelt Labour Brokers (Pty) Ltd\"}", v2,
			      sizeof v2, NULL),
		 201);
	/* Another firm's vacancy must stay. */
	T_EQ_INT(post_vacancy("Avocado orchardzq", "{\"name\":\"Highveld Farm Staffing\"}", v3,
			      sizeof v3, NULL),
		 201);
	T_REQUIRE(search_has(&srv, "orchardzq", v1, 0) == 1);
	T_REQUIRE(search_has(&srv, "orchardzq", v2, 0) == 1);
	/* The second server indexes the same change log into its own index. */
	T_REQUIRE(wait_search(&srv2, "orchardzq", v2, 1, 20) >= 0);
	T_REQUIRE(wait_search(&srv2, "orchardzq", v1, 1, 20) >= 0);
	T_REQUIRE(wait_search(&srv2, "orchardzq", v3, 1, 20) >= 0);

	T_REQUIRE(flag(&srv, rid, "blacklist", "passport_retention", fid, sizeof fid)[0]);
	/* Within one second on the other server, timed from the flag's answer
	 * to the first search there that no longer shows it (polled before the
	 * checks on the flagging server, whose own requests would otherwise
	 * count against the second server's second). */
	t = test_now();
	T_CHECK(wait_search(&srv2, "orchardzq", v2, 0, 1.0) >= 0);
	took = test_now() - t;
	T_CHECKF(took <= 1.0, "the flag took %.3f s to reach the second server", took);
	T_CHECK(search_has(&srv2, "orchardzq", v1, 0) == 0);
	T_EQ_INT(search_has(&srv2, "orchardzq", v3, 0), 1);
	/* The flagging server's own next requests. */
	T_EQ_INT(search_has(&srv, "orchardzq", v1, 0), 0);
	T_EQ_INT(search_has(&srv, "orchardzq", v2, 0), 0);
	T_EQ_INT(search_has(&srv, "orchardzq", v1, 1), 0); /* blacklisted: never, even with include_flagged */
	T_EQ_INT(search_has(&srv, "orchardzq", v3, 0), 1);

	/* Lift: back on both, the same way. */
	T_EQ_INT(lift(&srv, rid, fid), 200);
	t = test_now();
	T_CHECK(wait_search(&srv2, "orchardzq", v1, 1, 1.0) >= 0);
	took = test_now() - t;
	T_CHECKF(took <= 1.0, "the lift took %.3f s to reach the second server", took);
	T_CHECK(search_has(&srv2, "orchardzq", v2, 0) == 1);
	T_EQ_INT(search_has(&srv, "orchardzq", v1, 0), 1);
	T_EQ_INT(search_has(&srv, "orchardzq", v2, 0), 1);
	T_EQ_INT(lift(&srv, rid, fid), 409); /* once */

	/* PostgreSQL goes away and comes back; a flag is written at once,
	 * while the second server is still reconnecting (its LISTEN lost). */
	T_REQUIRE(system("sh data/pgctl.sh restart >/dev/null 2>&1") == 0);
	{
		struct resp r;
		char path[128];
		int i;

		snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
		for (i = 0; i < 100; i++) {
			if (http_json(&r, &srv, "POST", path, regulator,
				      "{\"severity\":\"blacklist\",\"reason\":\"deception\"}") == 0 &&
			    r.status == 201) {
				snprintf(fid, sizeof fid, "%s", str(r.json, "id"));
				resp_free(&r);
				break;
			}
			resp_free(&r);
			test_sleep_ms(100);
		}
		T_REQUIRE(i < 100);
	}
	T_EQ_INT(search_has(&srv, "orchardzq", v1, 0), 0);
	T_CHECK(wait_search(&srv2, "orchardzq", v1, 0, 10) >= 0);
	T_EQ_INT(search_has(&srv2, "orchardzq", v2, 0), 0);
	{
		/* A worker thread whose connection has not been used since the
		 * restart answers its first statement 503 (API.md: retry). */
		long st = 0;

		for (int i = 0; i < 10 && (st = lift(&srv, rid, fid)) == 503; i++)
			test_sleep_ms(100);
		T_EQ_INT(st, 200);
	}
	T_EQ_INT(search_has(&srv, "orchardzq", v1, 0), 1);
	T_CHECK(wait_search(&srv2, "orchardzq", v1, 1, 1.0) >= 0);
	/* Leave both servers with working connections on every worker thread
	 * for the cases that follow (each thread notices the restart on its
	 * first statement, answered 503). */
	T_CHECK(settle(&srv, rid) == 0);
	T_CHECK(settle(&srv2, rid) == 0);
}

static void test_flags_are_append_only(void)
{
	struct resp r;
	char rid[32], fid[32], path[96], sql[200];
	json_t *f;

	T_REQUIRE(register_recruiter("{\"name\":\"Immutable Evidence Recruiters\"}", rid, sizeof rid)[0]);
	T_REQUIRE(flag(&srv, rid, "blacklist", "trafficking", fid, sizeof fid)[0]);
	snprintf(sql, sizeof sql, "UPDATE flags SET severity = 'warning' WHERE id = %s", fid + 2);
	T_CHECK(test_psql(sql) != 0);
	snprintf(sql, sizeof sql, "DELETE FROM flags WHERE id = %s", fid + 2);
	T_CHECK(test_psql(sql) != 0);
	T_CHECK(test_psql("TRUNCATE flags CASCADE") != 0);
	T_EQ_INT(lift(&srv, rid, fid), 200);
	snprintf(sql, sizeof sql, "DELETE FROM flag_lifts WHERE flag = %s", fid + 2);
	T_CHECK(test_psql(sql) != 0);
	snprintf(sql, sizeof sql, "UPDATE flag_lifts SET reason = 'x' WHERE flag = %s", fid + 2);
	T_CHECK(test_psql(sql) != 0);
	/* A sanity check that psql itself works here. */
	T_EQ_INT(test_psql("SELECT 1"), 0);

	snprintf(path, sizeof path, "/v1/recruiters/%s", rid);
	T_REQUIRE(http(&r, &srv, "GET", path, regulator, NULL, NULL, 0) == 0);
	f = json_array_get(json_object_get(r.json, "flags"), 0);
	T_EQ_STR(str(f, "severity"), "blacklist");
	T_EQ_STR(str(f, "status"), "lifted");
	T_EQ_STR(str(json_object_get(f, "lift"), "reason"), "appeal upheld");
	resp_free(&r);
}

static void test_audit(void)
{
	struct resp r;
	char rid[32], fid[32], path[128];
	json_t *it;
	size_t i;
	int created = 0, flagged = 0, lifted = 0;

	T_REQUIRE(register_recruiter("{\"name\":\"Audited Agency Mokhotlong\"}", rid, sizeof rid)[0]);
	T_REQUIRE(flag(&srv, rid, "warning", "unlicensed", fid, sizeof fid)[0]);
	T_EQ_INT(lift(&srv, rid, fid), 200);
	snprintf(path, sizeof path, "/v1/audit?object=%s", rid);
	T_REQUIRE(http(&r, &srv, "GET", path, regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		T_EQ_STR(str(it, "object"), rid);
		T_EQ_STR(str(it, "role"), "regulator");
		if (strcmp(str(it, "action"), "recruiter.create") == 0)
			created++;
		else if (strcmp(str(it, "action"), "flag.create") == 0)
			flagged += strcmp(str(json_object_get(it, "detail"), "flag"), fid) == 0;
		else if (strcmp(str(it, "action"), "flag.lift") == 0)
			lifted += strcmp(str(json_object_get(it, "detail"), "flag"), fid) == 0;
	}
	T_EQ_INT(created, 1);
	T_EQ_INT(flagged, 1);
	T_EQ_INT(lifted, 1);
	resp_free(&r);
	snprintf(path, sizeof path, "/v1/audit?object=%s&action=flag.lift", rid);
	T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	resp_free(&r);
	/* Paging. */
	snprintf(path, sizeof path, "/v1/audit?object=%s&limit=2", rid);
	T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 2);
	T_CHECK(str(r.json, "next_cursor") != NULL);
	resp_free(&r);
}

static void test_import_csv(void)
{
	char file[700], out[256];
	const char *dir = getenv("FAIRMATCH_TEST_DIR");
	FILE *f;
	struct resp r;

	snprintf(file, sizeof file, "%s/regulator.csv", dir ? dir : "var/test");
	f = fopen(file, "w");
	T_REQUIRE(f != NULL);
	fputs("name,aliases,country,licence,authority,valid_until,status\n"
	      "Manila Bright Manpower Services Inc.,MBMS|Bright Manila,PH,POEA-001,DMW,2099-01-01,valid\n"
	      "Cebu Quick Deploy Corp,,PH,POEA-002,DMW,2099-01-01,suspended\n"
	      "\"Davao Passport Keepers, Inc.\",,PH,POEA-003,DMW,,banned\n"
	      "Nameless Status,,PH,,,,exploded\n"
	      ",,PH,POEA-005,DMW,,valid\n",
	      f);
	fclose(f);
	T_EQ_INT(cli(out, sizeof out, "import recruiters '%s' --org dmw-ph", file), 1);

	/* The server answers checks from its in-memory registry, which the
	 * import's notification brings up to date (like a flag from another
	 * process: within a second); wait for the banned line's flag. */
	T_REQUIRE(check_verdict(&srv, "name=Davao%20Passport%20Keepers", "blacklisted", 5.0) >= 0);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Davao%20Passport%20Keepers",
		       counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "blacklisted");
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "flags"), 0), "authority"), "DMW");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?licence=POEA-002", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "flagged");
	resp_free(&r);
	/* An unflagged new recruiter arrives with the registry's sync (a flagged
	 * one is enforced from the snapshot even before). */
	T_CHECK(check_verdict(&srv, "name=Bright%20Manila", "licensed", 5.0) >= 0);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/recruiters/check?name=Nameless%20Status", counsellor,
		       NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "verdict"), "unknown");
	resp_free(&r);
	/* The imported blacklist is enforced by the running server too. */
	T_EQ_INT(post_vacancy("Seafarer imp1", "{\"name\":\"Davao Passport Keepers\"}", NULL, 0, NULL),
		 422);
}

/* Search items (and GET of one vacancy) say what the registry knows of
 * their recruiter: licensed, unlicensed (registered, licence expired or
 * none), unknown (not registered); and the second server learns of a new
 * registration through its notification. */
static void test_registered_verdicts(void)
{
	struct resp r;
	char lic[32], exp[32], v1[32], v2[32], v3[32], v4[32], got[32], path[64];

	T_REQUIRE(register_recruiter("{\"name\":\"Maloti Mountain Recruiters\",\"country\":\"LS\","
				     "\"licence\":{\"number\":\"LS-MMR-9\",\"valid_until\":\"2099-12-31\"}}",
				     lic, sizeof lic)[0]);
	T_REQUIRE(register_recruiter("{\"name\":\"Senqu River Labour Brokers\",\"country\":\"LS\","
				     "\"licence\":{\"number\":\"LS-SRL-1\",\"valid_until\":\"2002-02-02\"}}",
				     exp, sizeof exp)[0]);
	T_EQ_INT(post_vacancy("Shearer regverdictq", "{\"name\":\"Maloti Mountain Recruiters (Pty) Ltd\"}",
			      v1, sizeof v1, &r),
		 201);
	/* the write's own answer (the check) and the search agree */
	T_EQ_STR(str(json_object_get(r.json, "recruiter_verdict"), "verdict"), "licensed");
	resp_free(&r);
	T_EQ_INT(post_vacancy("Herder regverdictq", "{\"name\":\"Senqu River Labour Brokers\"}", v2,
			      sizeof v2, NULL),
		 201);
	T_EQ_INT(post_vacancy("Picker regverdictq", "{\"name\":\"Nobody Registered This Firm\"}", v3,
			      sizeof v3, NULL),
		 201);
	/* by licence alone, written another way */
	T_EQ_INT(post_vacancy("Driver regverdictq", "{\"name\":\"Other Name\",\"licence\":\"ls mmr 9\"}",
			      v4, sizeof v4, NULL),
		 201);
	search_verdict(&srv, "regverdictq", v1, got, sizeof got);
	T_EQ_STR(got, "licensed");
	search_verdict(&srv, "regverdictq", v2, got, sizeof got);
	T_EQ_STR(got, "unlicensed");
	search_verdict(&srv, "regverdictq", v3, got, sizeof got);
	T_EQ_STR(got, "unknown");
	search_verdict(&srv, "regverdictq", v4, got, sizeof got);
	T_EQ_STR(got, "licensed");
	snprintf(path, sizeof path, "/v1/vacancies/%s", v1);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_STR(str(json_object_get(r.json, "recruiter_verdict"), "verdict"), "licensed");
	T_EQ_STR(str(json_object_get(r.json, "recruiter_verdict"), "recruiter"), lic);
	resp_free(&r);

	/* Registered later: the next search says so (no stale answer kept). */
	T_REQUIRE(register_recruiter("{\"name\":\"Nobody Registered This Firm Ltd\","
				     "\"licence\":{\"number\":\"LS-NRF-2\"}}",
				     lic, sizeof lic)[0]);
	search_verdict(&srv, "regverdictq", v3, got, sizeof got);
	T_EQ_STR(got, "licensed");

	/* Registered on one server, known to the other. */
	T_REQUIRE(register_recruiter("{\"name\":\"Katse Dam Staffing Partners\","
				     "\"licence\":{\"number\":\"LS-KDS-3\"}}",
				     lic, sizeof lic)[0]);
	T_CHECK(check_verdict(&srv2, "name=Katse%20Dam%20Staffing%20Partners%20Ltd", "licensed", 5.0) >= 0);
	T_CHECK(check_verdict(&srv2, "licence=LS-KDS-3", "licensed", 5.0) >= 0);
}

/* A bulk import in another process holds the registry lock (shared) while
 * a batch is open, so a server may not add the new recruiters to its
 * in-memory registry yet; a flag among them must be enforced anyway (the
 * snapshot knows it). The test holds the lock as such an import would. */
static void test_flag_enforced_while_registry_lags(void)
{
	char file[700], out[256], rid[32];
	const char *dir = getenv("FAIRMATCH_TEST_DIR"), *db = getenv("FAIRMATCH_DB");
	PGconn *pg = PQconnectdb(db ? db : "");
	PGresult *r;
	struct resp h;
	FILE *f;

	T_REQUIRE(PQstatus(pg) == CONNECTION_OK);
	r = PQexec(pg, "BEGIN; SELECT pg_advisory_xact_lock_shared(727002)");
	T_REQUIRE(PQresultStatus(r) == PGRES_TUPLES_OK);
	PQclear(r);
	snprintf(file, sizeof file, "%s/lagging.csv", dir ? dir : "var/test");
	f = fopen(file, "w");
	T_REQUIRE(f != NULL);
	fputs("name,aliases,country,licence,authority,valid_until,status\n"
	      "Mafeteng Lockstep Recruiters,,LS,LS-LAG-1,DOL,,banned\n",
	      f);
	fclose(f);
	T_EQ_INT(cli(out, sizeof out, "import recruiters '%s' --org dol-ls", file), 0);
	/* the second server: its refresher cannot take the registry lock now */
	T_CHECK(check_verdict(&srv2, "name=Mafeteng%20Lockstep%20Recruiters%20(Pty)%20Ltd", "blacklisted",
			      5.0) >= 0);
	T_REQUIRE(http(&h, &srv2, "GET", "/v1/recruiters/check?licence=ls-lag-1", counsellor, NULL,
		       NULL, 0) == 0);
	T_EQ_STR(str(h.json, "verdict"), "blacklisted");
	T_EQ_STR(str(json_array_get(json_object_get(h.json, "matches"), 0), "name"),
		 "Mafeteng Lockstep Recruiters");
	T_EQ_STR(str(json_array_get(json_object_get(h.json, "matches"), 0), "matched_on"), "licence");
	resp_free(&h);
	/* A registration meanwhile is not held up for long by the busy lock
	 * (its own sync gives up after 2 s) ... */
	T_REQUIRE(register_recruiter("{\"name\":\"Quthing Patient Registrars\","
				     "\"licence\":{\"number\":\"LS-QPR-7\"}}",
				     rid, sizeof rid)[0]);
	PQclear(PQexec(pg, "ROLLBACK"));
	PQfinish(pg);
	/* ... and once the registry has caught up, the answers are complete. */
	T_CHECK(check_verdict(&srv2, "licence=LS-LAG-1", "blacklisted", 5.0) >= 0);
	T_CHECK(check_verdict(&srv, "name=Quthing%20Patient%20Registrars", "licensed", 5.0) >= 0);
	T_CHECK(check_verdict(&srv2, "name=Quthing%20Patient%20Registrars", "licensed", 5.0) >= 0);
}

int main(void)
{
	if (server_start(&srv, "one") || server_start(&srv2, "two")) {
		fprintf(stderr, "cannot start the servers\n");
		return 1;
	}
	if (make_token("employer", "farm-co", employer, sizeof employer) ||
	    make_token("counsellor", "mrc-maseru", counsellor, sizeof counsellor) ||
	    make_token("regulator", "dol-za", regulator, sizeof regulator) ||
	    make_token("admin", "ops", admin, sizeof admin)) {
		fprintf(stderr, "cannot make tokens\n");
		server_kill(&srv);
		server_kill(&srv2);
		return 1;
	}
	T_RUN(test_roles);
	T_RUN(test_bad_input);
	T_RUN(test_check);
	T_RUN(test_blacklist_refuses_vacancy);
	T_RUN(test_warning_is_stored_and_hidden_by_default);
	T_RUN(test_flag_reaches_both_servers);
	T_RUN(test_flags_are_append_only);
	T_RUN(test_audit);
	T_RUN(test_import_csv);
	T_RUN(test_registered_verdicts);
	T_RUN(test_flag_enforced_while_registry_lags);
	{
		int a = server_stop(&srv), b = server_stop(&srv2);

		if (a || b)
			fprintf(stderr, "  FAIL: a server did not stop cleanly (%d, %d)\n", a, b);
		return T_DONE() || a || b;
	}
}
