/*
 * test_quotas.c - bilateral quota listings over real HTTP, against real
 * servers and PostgreSQL: listings and their filters, eligibility by
 * citizenship, occupation group, dates and fullness (each shown with
 * profiles that differ from an eligible one in exactly that attribute),
 * quotas in the match answer, placements and their release, the vacancy
 * quota_id check, the CSV/JSONL import, and 200 concurrent placements on a
 * 37-slot listing through two server processes sharing the database.
 *
 * Listing windows lie in the 2090s so the date rules do not depend on the
 * day the test runs. Each case uses its own destination countries or its
 * own listings, so the cases do not see each other's data.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv, srv2;
static char admin[80], counsellor[80], counsellor2[80], employer[80], regulator[80];

#define WELDER_URI "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
#define BOILERMAKER_URI "http://data.europa.eu/esco/occupation/5ed024ab-3b6a-4e06-a7fe-8a29f8469a64"

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Posts a listing (admin) and returns its id in a static buffer ("" on failure). */
static const char *post_quota(const char *origins, const char *dest, const char *occ, int slots,
			      const char *from, const char *until)
{
	static char id[32];
	struct resp r;

	id[0] = '\0';
	if (http_json(&r, &srv, "POST", "/v1/quotas", admin,
		      "{\"agreement\":\"Test agreement %s-%s\",\"origin_countries\":%s,"
		      "\"destination_country\":\"%s\",\"occupation\":\"%s\",\"slots\":%d,"
		      "\"valid_from\":\"%s\",\"valid_until\":\"%s\",\"conditions\":\"test\"}",
		      dest, occ, origins, dest, occ, slots, from, until) == 0 &&
	    r.status == 201 && str(r.json, "id"))
		snprintf(id, sizeof id, "%s", str(r.json, "id"));
	else
		fprintf(stderr, "  post_quota: %ld %s\n", r.status, r.body ? r.body : "");
	resp_free(&r);
	return id;
}

/* Creates a profile as `token` and copies its id into id (PROFILE id, 19 bytes). */
static int post_profile(const char *token, char *id, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int post_profile(const char *token, char *id, size_t len, const char *fmt, ...)
{
	char body[2048];
	struct resp r;
	va_list ap;
	int rc = -1;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	id[0] = '\0';
	if (http(&r, &srv, "POST", "/v1/profiles", token, NULL, body, strlen(body)) == 0 &&
	    r.status == 201 && str(r.json, "id")) {
		snprintf(id, len, "%s", str(r.json, "id"));
		rc = 0;
	} else {
		fprintf(stderr, "  post_profile: %ld %s\n", r.status, r.body ? r.body : "");
	}
	resp_free(&r);
	return rc;
}

/* A profile with citizenship, occupation and availability. */
static int person(char *id, const char *citizenship, const char *occupation, const char *available)
{
	char cit[32] = "";

	if (citizenship)
		snprintf(cit, sizeof cit, "\"citizenship\":\"%s\",", citizenship);
	return post_profile(counsellor, id, 32,
			    "{%s\"occupations\":[\"%s\"],\"available_from\":\"%s\","
			    "\"languages\":[{\"code\":\"en\",\"level\":\"B2\"}]}",
			    cit, occupation, available);
}

/* Joins a JSON array of strings with "," into buf; "eligible" for an empty
 * array when eligible is true. */
static const char *join(const json_t *arr, int eligible, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *v;

	buf[0] = '\0';
	if (eligible && json_array_size(arr) == 0) {
		snprintf(buf, len, "eligible");
		return buf;
	}
	json_array_foreach(arr, i, v)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? "," : "",
				      json_string_value(v));
	return buf;
}

/* What GET /v1/quotas?profile_id= says of listing qid for the profile:
 * "eligible", the reasons joined by ",", "absent", or "error <status>". */
static const char *eligibility(const char *pid, const char *qid, const char *dest)
{
	static char out[128];
	char path[256];
	struct resp r;
	json_t *it;
	size_t i;

	snprintf(path, sizeof path, "/v1/quotas?profile_id=%s&destination=%s&limit=1000", pid, dest);
	if (http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) || r.status != 200) {
		snprintf(out, sizeof out, "error %ld", r.status);
		resp_free(&r);
		return out;
	}
	snprintf(out, sizeof out, "absent");
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		if (str(it, "id") && strcmp(str(it, "id"), qid) == 0) {
			int el = json_is_true(json_object_get(it, "eligible"));

			join(json_object_get(it, "reasons"), el, out, sizeof out);
			if (!el && strcmp(out, "eligible") == 0)
				snprintf(out, sizeof out, "ineligible without reasons");
		}
	}
	resp_free(&r);
	return out;
}

/* The same question through POST /v1/match: the listing's entry in
 * "quotas" ("eligible", reasons, or "absent"); slots_remaining into *slots. */
static const char *in_match(const char *pid, const char *qid, long long *slots)
{
	static char out[128];
	struct resp r;
	json_t *it;
	size_t i;

	if (http_json(&r, &srv, "POST", "/v1/match", counsellor, "{\"profile_id\":\"%s\"}", pid) ||
	    r.status != 200 || !json_is_array(json_object_get(r.json, "quotas"))) {
		snprintf(out, sizeof out, "error %ld", r.status);
		resp_free(&r);
		return out;
	}
	snprintf(out, sizeof out, "absent");
	json_array_foreach(json_object_get(r.json, "quotas"), i, it) {
		json_t *q = json_object_get(it, "quota");

		if (str(q, "id") && strcmp(str(q, "id"), qid) == 0) {
			int el = json_is_true(json_object_get(it, "eligible"));

			join(json_object_get(it, "reasons"), el, out, sizeof out);
			if (slots)
				*slots = json_integer_value(json_object_get(it, "slots_remaining"));
		}
	}
	resp_free(&r);
	return out;
}

static long long slots_remaining(const struct server *s, const char *qid)
{
	char path[64];
	struct resp r;
	long long n = -1;

	snprintf(path, sizeof path, "/v1/quotas/%s", qid);
	if (http(&r, s, "GET", path, counsellor, NULL, NULL, 0) == 0 && r.status == 200)
		n = json_integer_value(json_object_get(r.json, "slots_remaining"));
	resp_free(&r);
	return n;
}

/* POST a placement; returns the status, the placement id into plid (may be NULL). */
static long place(const char *token, const char *qid, const char *pid, char *plid, size_t len)
{
	char path[64];
	struct resp r;
	long st;

	snprintf(path, sizeof path, "/v1/quotas/%s/placements", qid);
	if (http_json(&r, &srv, "POST", path, token, "{\"profile_id\":\"%s\"}", pid))
		return -1;
	st = r.status;
	if (plid && len) {
		plid[0] = '\0';
		if (st == 201 && str(r.json, "id"))
			snprintf(plid, len, "%s", str(r.json, "id"));
	}
	resp_free(&r);
	return st;
}

static long release(const char *token, const char *qid, const char *plid)
{
	char path[96];
	struct resp r;
	long st;

	snprintf(path, sizeof path, "/v1/quotas/%s/placements/%s", qid, plid);
	if (http(&r, &srv, "DELETE", path, token, NULL, NULL, 0))
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

/* Number of audit rows with this action on object (admin). */
static int audit_count(const char *object, const char *action)
{
	return test_audit_count(&srv, admin, object, action);
}

/* Whether listing qid is among the items of GET /v1/quotas?query. */
static int listed(const char *query, const char *qid)
{
	char path[256];
	struct resp r;
	json_t *it;
	size_t i;
	int found = 0;

	snprintf(path, sizeof path, "/v1/quotas?%s%slimit=1000", query, *query ? "&" : "");
	if (http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) || r.status != 200) {
		resp_free(&r);
		return -1;
	}
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		if (str(it, "id") && strcmp(str(it, "id"), qid) == 0)
			found = 1;
	resp_free(&r);
	return found;
}

/* PATCH changes slots, dates and conditions, never below the slots taken;
 * DELETE closes: no placement after it, still readable, out of matches. */
static void test_patch_and_close(void)
{
	char a[32], b[32], c[32], pl[40], path[64], q[32];
	struct resp r;

	snprintf(q, sizeof q, "%s", post_quota("[\"LS\"]", "SZ", "7212", 3, "2090-01-01", "2090-12-31"));
	T_REQUIRE(q[0]);
	T_REQUIRE(person(a, "LS", "7212", "2090-02-01") == 0);
	T_REQUIRE(person(b, "LS", "7212", "2090-02-01") == 0);
	T_REQUIRE(person(c, "LS", "7212", "2090-02-01") == 0);
	T_EQ_INT(place(counsellor, q, a, pl, sizeof pl), 201);
	T_EQ_INT(place(counsellor, q, b, NULL, 0), 201);
	snprintf(path, sizeof path, "/v1/quotas/%s", q);

	/* Below the 2 taken: 409, nothing changed. */
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"slots\":1}") == 0);
	T_EQ_INT(r.status, 409);
	T_CHECK(r.body && strstr(r.body, "below_taken") && strstr(r.body, "2 slots taken"));
	resp_free(&r);
	T_EQ_INT(slots_remaining(&srv, q), 1);
	/* Down to exactly the slots taken: full. */
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin,
			    "{\"slots\":2,\"conditions\":\"cut to 2\",\"valid_until\":\"2091-03-31\"}") == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots")), 2);
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots_remaining")), 0);
	T_EQ_STR(str(r.json, "conditions"), "cut to 2");
	T_EQ_STR(str(r.json, "valid_until"), "2091-03-31");
	resp_free(&r);
	T_EQ_INT(place(counsellor, q, c, NULL, 0), 409);
	/* Up again: c can be placed. */
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"slots\":5}") == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	/* Fixed fields, bad dates, unknown fields, other roles. */
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"destination_country\":\"ZA\"}") == 0);
	T_EQ_INT(r.status, 422);
	T_CHECK(r.body && strstr(r.body, "immutable"));
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"valid_until\":\"2089-12-31\"}") == 0);
	T_EQ_INT(r.status, 422);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"slots\":-1,\"colour\":1}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, counsellor, "{\"slots\":500}") == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", "/v1/quotas/q_999999", admin, "{\"slots\":5}") == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);

	/* Close: placements stop, the listing stays readable, marked. */
	T_EQ_STR(in_match(c, q, NULL), "eligible");
	T_REQUIRE(http(&r, &srv, "DELETE", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "DELETE", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(json_is_true(json_object_get(r.json, "closed")));
	resp_free(&r);
	T_EQ_INT(place(counsellor, q, c, NULL, 0), 409);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(json_is_true(json_object_get(r.json, "closed")));
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots_taken")), 2);
	resp_free(&r);
	T_EQ_STR(in_match(c, q, NULL), "absent");
	T_EQ_STR(eligibility(c, q, "SZ"), "closed");
	/* A slot given back stays possible; a second close and a change are 409. */
	T_EQ_INT(release(counsellor, q, pl), 200);
	T_REQUIRE(http(&r, &srv, "DELETE", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 409);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"slots\":9}") == 0);
	T_EQ_INT(r.status, 409);
	resp_free(&r);
	T_EQ_INT(audit_count(q, "quota.update"), 2);
	T_EQ_INT(audit_count(q, "quota.close"), 1);
}

/* ---- cases ---- */

static void test_create_and_read(void)
{
	struct resp r;
	char path[64];

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/quotas", admin,
			    "{\"agreement\":\"Lesotho–South Africa bilateral labour agreement\","
			    "\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
			    "\"occupation\":\"7212\",\"slots\":500,\"valid_from\":\"2090-01-01\","
			    "\"valid_until\":\"2090-12-31\",\"conditions\":\"employer pays travel\"}") == 0);
	T_EQ_INT(r.status, 201);
	T_REQUIRE(str(r.json, "id") != NULL);
	snprintf(path, sizeof path, "/v1/quotas/%s", str(r.json, "id"));
	T_EQ_STR(r.location, path);
	T_EQ_STR(str(r.json, "agreement"), "Lesotho–South Africa bilateral labour agreement");
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots_remaining")), 500);
	T_EQ_STR(str(r.json, "isco"), "7212");
	T_CHECK(json_is_false(json_object_get(r.json, "illustrative")));
	resp_free(&r);

	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "destination_country"), "ZA");
	T_EQ_STR(json_string_value(json_array_get(json_object_get(r.json, "origin_countries"), 0)), "LS");
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots")), 500);
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots_taken")), 0);
	T_EQ_STR(str(r.json, "valid_until"), "2090-12-31");
	{
		/* the occupation's label beside its code, in the language asked */
		json_t *occ = json_object_get(json_object_get(r.json, "concepts"), "occupation");
		char en[200], fr_path[80];

		T_EQ_STR(str(occ, "isco"), "7212");
		T_REQUIRE(str(occ, "label") != NULL);
		snprintf(en, sizeof en, "%s", str(occ, "label"));
		resp_free(&r);
		snprintf(fr_path, sizeof fr_path, "%s?lang=fr", path);
		T_REQUIRE(http(&r, &srv, "GET", fr_path, employer, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		occ = json_object_get(json_object_get(r.json, "concepts"), "occupation");
		T_EQ_STR(str(json_object_get(r.json, "concepts"), "lang"), "fr");
		T_CHECKF(str(occ, "label") && strcmp(str(occ, "label"), en) != 0,
			 "the French label of 7212 is not the English %s", en);
	}
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?lang=es&destination=ZA", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "concepts"),
		     "lang"),
		 "es");
	resp_free(&r);
	/* a language the taxonomy does not have is refused, as everywhere */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?lang=de", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);

	/* An ESCO URI stands for its ISCO-08 unit group. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/quotas", admin,
			    "{\"agreement\":\"a\",\"origin_countries\":[\"EG\"],\"destination_country\":\"IT\","
			    "\"occupation\":\"" WELDER_URI "\",\"slots\":3,\"valid_from\":\"2090-01-01\","
			    "\"valid_until\":\"2090-12-31\",\"illustrative\":true}") == 0);
	T_EQ_INT(r.status, 201);
	T_EQ_STR(str(r.json, "isco"), "7212");
	T_CHECK(json_is_true(json_object_get(r.json, "illustrative")));
	resp_free(&r);

	/* Who may. */
	T_REQUIRE(http(&r, &srv, "GET", path, regulator, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", path, NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 401);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/quotas", counsellor, "{\"agreement\":\"x\"}") == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas/q_999999", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	T_EQ_STR(r.content_type, "application/problem+json");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas/v_1", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
}

static void test_bad_listings(void)
{
	struct resp r;
	const char *body = "{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
			   "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-01-01\","
			   "\"valid_until\":\"2090-12-31\"}";
	static const struct {
		const char *json;
		int status;
		const char *field;
	} cases[] = {
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\",\"slots_taken\":4}", 400, "slots_taken"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"Lesotho\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "origin_countries[0]"},
		{"{\"agreement\":\"a\",\"origin_countries\":[],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "origin_countries"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"9999\",\"slots\":5,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "occupation"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"qzxv wrplk\",\"slots\":5,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "occupation"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":-1,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "slots"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":\"5\",\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "slots"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-02-30\","
		 "\"valid_until\":\"2090-12-31\"}", 400, "valid_from"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-06-01\","
		 "\"valid_until\":\"2090-05-31\"}", 422, "valid_until"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2000-01-01\","
		 "\"valid_until\":\"2000-12-31\"}", 422, "valid_until"},
		{"{\"agreement\":\"a\",\"origin_countries\":[\"LS\",\"ZA\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2090-01-01\","
		 "\"valid_until\":\"2090-12-31\"}", 422, "destination_country"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *e;
		size_t j;
		int named = 0;

		T_REQUIRE(http(&r, &srv, "POST", "/v1/quotas", admin, NULL, cases[i].json,
			       strlen(cases[i].json)) == 0);
		T_CHECKF(r.status == cases[i].status, "case %zu: %ld, want %d: %s", i, r.status,
			 cases[i].status, r.body ? r.body : "");
		json_array_foreach(json_object_get(r.json, "errors"), j, e)
			if (str(e, "field") && strcmp(str(e, "field"), cases[i].field) == 0)
				named = 1;
		T_CHECKF(named, "case %zu does not name %s: %s", i, cases[i].field, r.body ? r.body : "");
		resp_free(&r);
	}
	T_REQUIRE(http(&r, &srv, "POST", "/v1/quotas", admin, "text/plain", body, strlen(body)) == 0);
	T_EQ_INT(r.status, 415);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/quotas", admin, NULL, "{\"agreement\":", 13) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?origin=Lesotho", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?occupation=weld", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?limit=0", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?colour=red", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
}

static void test_list_filters(void)
{
	char a[32], b[32], c[32], d[32], path[700], cursor[600] = "", first[600] = "";
	struct resp r;
	int pages = 0, seen = 0;

	snprintf(a, sizeof a, "%s", post_quota("[\"LS\"]", "NA", "7212", 10, "2090-01-01", "2090-12-31"));
	snprintf(b, sizeof b, "%s", post_quota("[\"LS\",\"BW\"]", "NA", "8111", 10, "2090-01-01", "2090-12-31"));
	snprintf(c, sizeof c, "%s", post_quota("[\"EG\"]", "MT", "7212", 10, "2090-01-01", "2090-12-31"));
	snprintf(d, sizeof d, "%s", post_quota("[\"LS\"]", "MT", "72", 10, "2090-01-01", "2090-12-31"));
	T_REQUIRE(a[0] && b[0] && c[0] && d[0]);

	T_EQ_INT(listed("origin=LS", a), 1);
	T_EQ_INT(listed("origin=LS", b), 1);
	T_EQ_INT(listed("origin=LS", c), 0);
	T_EQ_INT(listed("origin=BW", a), 0);
	T_EQ_INT(listed("origin=BW", b), 1);
	T_EQ_INT(listed("destination=MT", c), 1);
	T_EQ_INT(listed("destination=MT", a), 0);
	/* Occupation within the hierarchy, both ways: a unit group finds the
	 * broader listing "72" that covers it; a broader query finds the unit
	 * group listings under it. */
	T_EQ_INT(listed("occupation=7212", a), 1);
	T_EQ_INT(listed("occupation=7212", c), 1);
	T_EQ_INT(listed("occupation=7212", d), 1);
	T_EQ_INT(listed("occupation=7212", b), 0);
	T_EQ_INT(listed("occupation=7213", a), 0);
	T_EQ_INT(listed("occupation=7213", d), 1);
	T_EQ_INT(listed("occupation=72", a), 1);
	T_EQ_INT(listed("occupation=8", b), 1);
	T_EQ_INT(listed("occupation=8", a), 0);
	T_EQ_INT(listed("occupation=" WELDER_URI, a), 1);
	T_EQ_INT(listed("occupation=" BOILERMAKER_URI, a), 0);
	T_EQ_INT(listed("origin=LS&destination=NA&occupation=7212", a), 1);
	T_EQ_INT(listed("origin=LS&destination=NA&occupation=7212", b), 0);

	/* Paging by cursor visits each listing of NA once. */
	do {
		snprintf(path, sizeof path, "/v1/quotas?destination=NA&limit=1%s%s",
			 cursor[0] ? "&cursor=" : "", cursor);
		T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
		T_REQUIRE(r.status == 200);
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		snprintf(cursor, sizeof cursor, "%s", str(r.json, "next_cursor") ? str(r.json, "next_cursor") : "");
		if (!first[0])
			snprintf(first, sizeof first, "%s", cursor);
		resp_free(&r);
	} while (cursor[0] && ++pages < 10);
	T_EQ_INT(seen, 2);
	/* The cursor is signed for its query: another filter, an edited
	 * cursor or a bare id ("q_1") is a 400. */
	T_REQUIRE(first[0]);
	snprintf(path, sizeof path, "/v1/quotas?destination=MT&limit=1&cursor=%s", first);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	first[1] = first[1] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof path, "/v1/quotas?destination=NA&limit=1&cursor=%s", first);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?destination=NA&cursor=q_1", employer, NULL,
		       NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
}

static void test_eligibility(void)
{
	char q[32], broad[32], base[32], other_origin[32], stateless[32], other_occ[32], uri_in[32],
		uri_out[32], late[32], early[32];
	long long slots = -1;

	/* One listing; profiles that each differ from `base` in one attribute. */
	snprintf(q, sizeof q, "%s", post_quota("[\"LS\"]", "ZA", "7212", 5, "2090-01-01", "2090-12-31"));
	snprintf(broad, sizeof broad, "%s",
		 post_quota("[\"LS\"]", "ZA", "721", 5, "2090-01-01", "2090-12-31"));
	T_REQUIRE(q[0] && broad[0]);
	T_REQUIRE(person(base, "LS", "7212", "2090-06-01") == 0);
	T_REQUIRE(person(other_origin, "BW", "7212", "2090-06-01") == 0);
	T_REQUIRE(person(stateless, NULL, "7212", "2090-06-01") == 0);
	T_REQUIRE(person(other_occ, "LS", "7213", "2090-06-01") == 0);
	T_REQUIRE(person(uri_in, "LS", WELDER_URI, "2090-06-01") == 0);
	T_REQUIRE(person(uri_out, "LS", BOILERMAKER_URI, "2090-06-01") == 0);
	T_REQUIRE(person(late, "LS", "7212", "2091-01-01") == 0);
	T_REQUIRE(person(early, "LS", "7212", "2089-03-01") == 0);

	T_EQ_STR(eligibility(base, q, "ZA"), "eligible");
	T_EQ_STR(eligibility(other_origin, q, "ZA"), "origin_country");
	T_EQ_STR(eligibility(stateless, q, "ZA"), "origin_country");
	T_EQ_STR(eligibility(other_occ, q, "ZA"), "occupation");
	T_EQ_STR(eligibility(uri_in, q, "ZA"), "eligible");
	T_EQ_STR(eligibility(uri_out, q, "ZA"), "occupation");
	T_EQ_STR(eligibility(late, q, "ZA"), "dates");
	/* Available before the window opens: starts on valid_from. */
	T_EQ_STR(eligibility(early, q, "ZA"), "eligible");
	/* A listing for minor group 721 holds unit groups 7212 and 7213. */
	T_EQ_STR(eligibility(other_occ, broad, "ZA"), "eligible");
	T_EQ_STR(eligibility(uri_out, broad, "ZA"), "eligible");
	T_EQ_STR(eligibility(base, broad, "ZA"), "eligible");

	/* The match answer says the same; other occupations are left out. */
	T_EQ_STR(in_match(base, q, &slots), "eligible");
	T_EQ_INT(slots, 5);
	T_EQ_STR(in_match(uri_in, q, NULL), "eligible");
	T_EQ_STR(in_match(other_origin, q, NULL), "origin_country");
	T_EQ_STR(in_match(late, q, NULL), "dates");
	T_EQ_STR(in_match(other_occ, q, NULL), "absent");
	T_EQ_STR(in_match(other_occ, broad, NULL), "eligible");

	/* Counsellors only, own organisation only, and each read audited. */
	{
		char path[160];
		struct resp r;
		int before = audit_count(base, "profile.quota_eligibility");

		snprintf(path, sizeof path, "/v1/quotas?profile_id=%s", base);
		T_REQUIRE(http(&r, &srv, "GET", path, counsellor2, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 404);
		resp_free(&r);
		T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 403);
		resp_free(&r);
		T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 403);
		resp_free(&r);
		T_EQ_STR(eligibility(base, q, "ZA"), "eligible");
		T_EQ_INT(audit_count(base, "profile.quota_eligibility"), before + 1);
	}
}

static void test_inline_match(void)
{
	char q[32];
	struct resp r;
	json_t *it;
	size_t i;
	int found = 0;

	snprintf(q, sizeof q, "%s", post_quota("[\"ML\"]", "ES", "9211", 8, "2090-02-01", "2090-07-31"));
	T_REQUIRE(q[0]);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/match", counsellor,
			    "{\"profile\":{\"occupations\":[\"9211\"],\"citizenship\":\"ML\","
			    "\"available_from\":\"2090-03-01\"}}") == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "quotas"), i, it) {
		json_t *qq = json_object_get(it, "quota");

		if (strcmp(str(qq, "id"), q) == 0) {
			found = 1;
			T_CHECK(json_is_true(json_object_get(it, "eligible")));
			T_EQ_STR(str(qq, "destination_country"), "ES");
			T_EQ_STR(str(qq, "occupation"), "9211");
			T_CHECK(str(json_object_get(json_object_get(qq, "concepts"), "occupation"),
				    "label") != NULL);
			T_CHECK(str(qq, "agreement") != NULL);
			T_EQ_INT(json_integer_value(json_object_get(it, "slots_remaining")), 8);
			T_EQ_INT(json_array_size(json_object_get(it, "reasons")), 0);
		}
	}
	T_CHECK(found);
	resp_free(&r);
}

static void test_fullness_and_placements(void)
{
	char q[32], one[32], two[32], bw[32], pl[40], pl2[40], path[96];
	struct resp r;

	snprintf(q, sizeof q, "%s", post_quota("[\"LS\"]", "BW", "8111", 1, "2090-01-01", "2090-12-31"));
	T_REQUIRE(q[0]);
	T_REQUIRE(person(one, "LS", "8111", "2090-03-01") == 0);
	T_REQUIRE(person(two, "LS", "8111", "2090-03-01") == 0);
	T_REQUIRE(person(bw, "ZA", "8111", "2090-03-01") == 0);

	/* Not eligible: 422 naming the reason, and no slot taken. */
	snprintf(path, sizeof path, "/v1/quotas/%s/placements", q);
	T_REQUIRE(http_json(&r, &srv, "POST", path, counsellor, "{\"profile_id\":\"%s\"}", bw) == 0);
	T_EQ_INT(r.status, 422);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "code"), "origin_country");
	resp_free(&r);
	T_EQ_INT(slots_remaining(&srv, q), 1);

	/* Bad requests. */
	T_REQUIRE(http_json(&r, &srv, "POST", path, counsellor, "{\"profile\":\"%s\"}", one) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_EQ_INT(place(counsellor, "q_99999999", one, NULL, 0), 404);
	T_EQ_INT(place(counsellor, q, "p_0000000000000000", NULL, 0), 404);
	T_EQ_INT(place(counsellor2, q, one, NULL, 0), 404); /* another organisation's profile */
	T_EQ_INT(place(admin, q, one, NULL, 0), 403);

	/* The one slot: taken, then full for the next person (eligible
	 * otherwise), given back by a release, taken again. */
	T_EQ_STR(eligibility(two, q, "BW"), "eligible");
	T_EQ_INT(place(counsellor, q, one, pl, sizeof pl), 201);
	T_REQUIRE(pl[0]);
	T_EQ_INT(slots_remaining(&srv, q), 0);
	T_EQ_STR(eligibility(two, q, "BW"), "full");
	T_EQ_STR(in_match(two, q, NULL), "full");
	T_EQ_INT(place(counsellor, q, two, NULL, 0), 409);
	T_EQ_INT(place(counsellor, q, one, NULL, 0), 409);

	T_EQ_INT(release(counsellor2, q, pl), 404); /* not theirs */
	T_EQ_INT(release(counsellor, "q_99999999", pl), 404);
	T_EQ_INT(release(counsellor, q, "pl_99999999"), 404);
	T_EQ_INT(release(counsellor, q, pl), 200);
	T_EQ_INT(slots_remaining(&srv, q), 1);
	T_EQ_INT(release(counsellor, q, pl), 409); /* once */
	T_EQ_INT(slots_remaining(&srv, q), 1);
	T_EQ_STR(eligibility(two, q, "BW"), "eligible");
	T_EQ_INT(place(counsellor, q, two, pl2, sizeof pl2), 201);
	T_EQ_INT(slots_remaining(&srv, q), 0);
	/* An admin may release too. */
	T_EQ_INT(release(admin, q, pl2), 200);
	T_EQ_INT(slots_remaining(&srv, q), 1);

	T_EQ_INT(audit_count(q, "quota.placement"), 2);
	T_EQ_INT(audit_count(q, "quota.release"), 2);
}

static void test_vacancy_quota_id(void)
{
	char q[32], broad[32];
	struct resp r;
	char path[64];

	snprintf(q, sizeof q, "%s", post_quota("[\"LS\"]", "ZA", "7212", 50, "2090-01-01", "2090-12-31"));
	snprintf(broad, sizeof broad, "%s", post_quota("[\"LS\"]", "ZA", "72", 50, "2090-01-01", "2090-12-31"));
	T_REQUIRE(q[0] && broad[0]);
#define VAC "{\"title\":\"Welder\",\"occupation\":\"%s\",\"country\":\"%s\",\"quota_id\":\"%s\"}"
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, "7212", "ZA", q) == 0);
	T_EQ_INT(r.status, 201);
	snprintf(path, sizeof path, "/v1/vacancies/%s", str(r.json, "id") ? str(r.json, "id") : "x");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, WELDER_URI, "ZA", q) == 0);
	T_EQ_INT(r.status, 201);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, "7213", "ZA", broad) == 0);
	T_EQ_INT(r.status, 201);
	resp_free(&r);

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, "7213", "ZA", q) == 0);
	T_EQ_INT(r.status, 422);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "occupation");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, BOILERMAKER_URI, "ZA", q) == 0);
	T_EQ_INT(r.status, 422);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, "7212", "BW", q) == 0);
	T_EQ_INT(r.status, 422);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "country");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, "7212", "ZA", "q_99999999") == 0);
	T_EQ_INT(r.status, 422);
	T_EQ_STR(str(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "quota_id");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer, VAC, "7212", "ZA", "welders") == 0);
	T_EQ_INT(r.status, 422);
	resp_free(&r);

	/* A patch that would contradict the listing is refused; the vacancy
	 * keeps its country. */
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer, "{\"country\":\"BW\"}") == 0);
	T_EQ_INT(r.status, 422);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "country"), "ZA");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer, "{\"country\":\"BW\",\"quota_id\":null}") == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
#undef VAC
}

static void test_import(void)
{
	char csv[700], jsonl[700], bad[700], out[256];
	const char *dir = getenv("FAIRMATCH_TEST_DIR") ? getenv("FAIRMATCH_TEST_DIR") : "var/test";
	FILE *f;

	snprintf(csv, sizeof csv, "%s/quotas.csv", dir);
	snprintf(jsonl, sizeof jsonl, "%s/quotas.jsonl", dir);
	snprintf(bad, sizeof bad, "%s/bad_quotas.csv", dir);
	f = fopen(csv, "w");
	T_REQUIRE(f != NULL);
	fputs("agreement,origin_countries,destination_country,occupation,slots,valid_from,valid_until,"
	      "conditions,illustrative\n"
	      "\"Egypt–Italy, welding\",EG,SM,7212,12,2090-01-15,2090-12-31,\"ILLUSTRATIVE, test\",true\n"
	      "Croatia construction,BA|RS|NP,SM,7112,40,2090-02-01,2090-12-31,,\n",
	      f);
	fclose(f);
	f = fopen(jsonl, "w");
	T_REQUIRE(f != NULL);
	fputs("{\"agreement\":\"Mali–Spain seasonal\",\"origin_countries\":[\"ML\"],"
	      "\"destination_country\":\"SM\",\"occupation\":\"9211\",\"slots\":80,"
	      "\"valid_from\":\"2090-02-01\",\"valid_until\":\"2090-07-31\",\"illustrative\":true}\n",
	      f);
	fclose(f);
	f = fopen(bad, "w");
	T_REQUIRE(f != NULL);
	fputs("agreement,origin_countries,destination_country,occupation,slots,valid_from,valid_until\n"
	      "Good,LS,SM,9111,3,2090-01-01,2090-12-31\n"
	      "Bad slots,LS,SM,9111,many,2090-01-01,2090-12-31\n"
	      "Bad country,Lesotho,SM,9111,3,2090-01-01,2090-12-31\n",
	      f);
	fclose(f);

	T_EQ_INT(cli(out, sizeof out, "import quotas %s 2>&1", csv), 0);
	T_EQ_INT(cli(out, sizeof out, "import quotas %s 2>&1", jsonl), 0);
	/* A rejected line: reported by number, the rest kept, exit 1. */
	T_EQ_INT(cli(out, sizeof out, "import quotas %s 2>&1 | grep -c '^line [34]:'", bad), 0);
	T_EQ_STR(out, "2");
	T_EQ_INT(cli(NULL, 0, "import quotas %s 2>/dev/null", bad), 1);
	{
		struct resp r;
		json_t *it;
		size_t i;
		int n7212 = 0, n7112 = 0, n9211 = 0, n9111 = 0, illustrative = 0;

		T_REQUIRE(http(&r, &srv, "GET", "/v1/quotas?destination=SM&limit=1000", counsellor, NULL,
			       NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		json_array_foreach(json_object_get(r.json, "items"), i, it) {
			const char *o = str(it, "occupation");

			n7212 += strcmp(o, "7212") == 0;
			n7112 += strcmp(o, "7112") == 0;
			n9211 += strcmp(o, "9211") == 0;
			n9111 += strcmp(o, "9111") == 0;
			illustrative += json_is_true(json_object_get(it, "illustrative"));
			if (strcmp(o, "7112") == 0)
				T_EQ_INT(json_array_size(json_object_get(it, "origin_countries")), 3);
			if (strcmp(o, "7212") == 0)
				T_EQ_STR(str(it, "agreement"), "Egypt–Italy, welding");
		}
		T_EQ_INT(n7212, 1);
		T_EQ_INT(n7112, 1);
		T_EQ_INT(n9211, 1);
		T_EQ_INT(n9111, 2); /* the good line of the bad file, imported twice */
		T_EQ_INT(illustrative, 2);
		resp_free(&r);
	}
	/* The shipped sample listings import cleanly. */
	T_EQ_INT(cli(NULL, 0, "import quotas data/sample_quotas.jsonl 2>/dev/null"), 0);
}

/* ---- 200 placements at once on 37 slots, through two servers ---- */

#define RACE_SLOTS 37
#define RACE_N 200
#define RACE_THREADS 40

static char race_q[32];
static char race_profiles[RACE_N][32];
static long race_status[RACE_N];
static char race_placement[RACE_N][32]; /* the id a 201 answered */
static pthread_barrier_t race_barrier;

static void *race_thread(void *arg)
{
	long t = (long)(intptr_t)arg, i;
	char path[64], body[64];

	snprintf(path, sizeof path, "/v1/quotas/%s/placements", race_q);
	pthread_barrier_wait(&race_barrier);
	for (i = t; i < RACE_N; i += RACE_THREADS) {
		struct resp r;
		const struct server *s = i % 2 ? &srv2 : &srv;

		snprintf(body, sizeof body, "{\"profile_id\":\"%s\"}", race_profiles[i]);
		race_status[i] = http(&r, s, "POST", path, counsellor, NULL, body, strlen(body)) == 0
					 ? r.status
					 : -1;
		if (race_status[i] == 201 && json_string_value(json_object_get(r.json, "id")))
			snprintf(race_placement[i], sizeof race_placement[i], "%s",
				 json_string_value(json_object_get(r.json, "id")));
		resp_free(&r);
	}
	return NULL;
}

static void test_concurrent_placements(void)
{
	pthread_t th[RACE_THREADS];
	int i, ok = 0, full = 0, other = 0;
	char pl[40];

	snprintf(race_q, sizeof race_q, "%s",
		 post_quota("[\"LS\"]", "LY", "8111", RACE_SLOTS, "2090-01-01", "2090-12-31"));
	T_REQUIRE(race_q[0]);
	for (i = 0; i < RACE_N; i++)
		T_REQUIRE(person(race_profiles[i], "LS", "8111", "2090-02-01") == 0);
	T_REQUIRE(server_start(&srv2, "quotas2") == 0);

	pthread_barrier_init(&race_barrier, NULL, RACE_THREADS);
	for (i = 0; i < RACE_THREADS; i++)
		T_REQUIRE(pthread_create(&th[i], NULL, race_thread, (void *)(intptr_t)i) == 0);
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&race_barrier);

	for (i = 0; i < RACE_N; i++) {
		if (race_status[i] == 201)
			ok++;
		else if (race_status[i] == 409)
			full++;
		else if (other++ < 5)
			fprintf(stderr, "  placement %d: status %ld\n", i, race_status[i]);
	}
	T_EQ_INT(ok, RACE_SLOTS);
	T_EQ_INT(full, RACE_N - RACE_SLOTS);
	T_EQ_INT(other, 0);
	T_EQ_INT(slots_remaining(&srv, race_q), 0);
	T_EQ_INT(slots_remaining(&srv2, race_q), 0);
	T_EQ_INT(audit_count(race_q, "quota.placement"), RACE_SLOTS);

	/* A placed profile cannot take a second slot. */
	for (i = 0; i < RACE_N && race_status[i] != 201; i++)
		;
	T_REQUIRE(i < RACE_N);
	T_EQ_INT(place(counsellor, race_q, race_profiles[i], NULL, 0), 409);
	/* A release gives exactly one slot back, to the next person. */
	for (i = 0; i < RACE_N && race_status[i] != 409; i++)
		;
	T_REQUIRE(i < RACE_N);
	/* A placement's id as its placement answered it (the audit log shows
	 * an admin only pseudonyms: docs/privacy.md). */
	{
		int k;

		pl[0] = '\0';
		for (k = 0; k < RACE_N && !pl[0]; k++)
			if (race_status[k] == 201)
				snprintf(pl, sizeof pl, "%.31s", race_placement[k]);
	}
	T_REQUIRE(pl[0]);
	T_EQ_INT(release(counsellor, race_q, pl), 200);
	T_EQ_INT(slots_remaining(&srv2, race_q), 1);
	T_EQ_INT(place(counsellor, race_q, race_profiles[i], NULL, 0), 201);
	T_EQ_INT(slots_remaining(&srv2, race_q), 0);
	T_EQ_INT(place(counsellor, race_q, race_profiles[(i + 1) % RACE_N], NULL, 0), 409);
	server_stop(&srv2);
}

/* ---- PATCHes squeezing slots while placements race ---- */

#define SQUEEZE_THREADS 8
#define SQUEEZE_ROUNDS 25
#define SQUEEZE_PATCHES 600

static char squeeze_q[32];
static char squeeze_profiles[SQUEEZE_THREADS][32];
static int squeeze_bad[SQUEEZE_THREADS], squeeze_held[SQUEEZE_THREADS];
static long squeeze_patch[SQUEEZE_PATCHES];
static int squeeze_patches;
static atomic_int squeeze_placers;
static pthread_barrier_t squeeze_barrier;

/* Places its profile and gives the slot back, round after round. */
static void *squeeze_placer(void *arg)
{
	long t = (long)(intptr_t)arg;
	char pl[40];
	int i;

	pthread_barrier_wait(&squeeze_barrier);
	for (i = 0; i < SQUEEZE_ROUNDS; i++) {
		long st = place(counsellor, squeeze_q, squeeze_profiles[t], pl, sizeof pl);

		if (st == 201)
			squeeze_bad[t] += release(counsellor, squeeze_q, pl) != 200;
		else if (st != 409)
			squeeze_bad[t]++;
	}
	/* One last placement kept, to count. */
	squeeze_held[t] = place(counsellor, squeeze_q, squeeze_profiles[t], NULL, 0) == 201;
	atomic_fetch_sub(&squeeze_placers, 1);
	return NULL;
}

/* Sets slots to the slots taken as last seen (a placement landing in
 * between must make it a 409, not a 5xx), then opens them again. */
static void *squeeze_patcher(void *arg)
{
	char path[64];
	struct resp r;
	long long taken;

	(void)arg;
	snprintf(path, sizeof path, "/v1/quotas/%s", squeeze_q);
	pthread_barrier_wait(&squeeze_barrier);
	while (atomic_load(&squeeze_placers) > 0 && squeeze_patches + 2 <= SQUEEZE_PATCHES) {
		taken = http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0
				? json_integer_value(json_object_get(r.json, "slots_taken"))
				: 0;
		resp_free(&r);
		squeeze_patch[squeeze_patches++] =
			http_json(&r, &srv, "PATCH", path, admin, "{\"slots\":%lld}", taken) == 0 ? r.status : -1;
		resp_free(&r);
		squeeze_patch[squeeze_patches++] =
			http_json(&r, &srv, "PATCH", path, admin, "{\"slots\":%d}", SQUEEZE_THREADS) == 0
				? r.status
				: -1;
		resp_free(&r);
	}
	return NULL;
}

/* Slots squeezed to the slots taken, again and again, while placements
 * are made and given back: every PATCH is 200 or 409 (never a 5xx from a
 * count that moved under it: the PATCH holds the listing's row lock),
 * every placement 201 or 409, and the slots taken are the placements held. */
static void test_patch_races_placements(void)
{
	pthread_t th[SQUEEZE_THREADS + 1];
	int i, held = 0, patched = 0, bad = 0;
	struct resp r;
	char path[64];

	snprintf(squeeze_q, sizeof squeeze_q, "%s",
		 post_quota("[\"LS\"]", "MZ", "7212", SQUEEZE_THREADS, "2090-01-01", "2090-12-31"));
	T_REQUIRE(squeeze_q[0]);
	for (i = 0; i < SQUEEZE_THREADS; i++)
		T_REQUIRE(person(squeeze_profiles[i], "LS", "7212", "2090-02-01") == 0);
	atomic_store(&squeeze_placers, SQUEEZE_THREADS);
	pthread_barrier_init(&squeeze_barrier, NULL, SQUEEZE_THREADS + 1);
	for (i = 0; i < SQUEEZE_THREADS; i++)
		T_REQUIRE(pthread_create(&th[i], NULL, squeeze_placer, (void *)(intptr_t)i) == 0);
	T_REQUIRE(pthread_create(&th[SQUEEZE_THREADS], NULL, squeeze_patcher, NULL) == 0);
	for (i = 0; i <= SQUEEZE_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&squeeze_barrier);
	for (i = 0; i < SQUEEZE_THREADS; i++) {
		bad += squeeze_bad[i];
		held += squeeze_held[i];
	}
	T_EQ_INT(bad, 0);
	for (i = 0; i < squeeze_patches; i++) {
		T_CHECKF(squeeze_patch[i] == 200 || squeeze_patch[i] == 409, "PATCH %d: %ld", i,
			 squeeze_patch[i]);
		patched += squeeze_patch[i] == 200;
	}
	T_CHECK(patched >= 1);
	fprintf(stderr, "  squeeze: %d PATCHes (%d answered 200), %d placements held\n",
		squeeze_patches, patched, held);
	snprintf(path, sizeof path, "/v1/quotas/%s", squeeze_q);
	T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(json_integer_value(json_object_get(r.json, "slots_taken")), held);
	T_CHECK(json_integer_value(json_object_get(r.json, "slots_remaining")) >= 0);
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
	curl_global_init(CURL_GLOBAL_ALL);
	if (make_token("admin", "ops", admin, sizeof admin) ||
	    make_token("counsellor", "centre-1", counsellor, sizeof counsellor) ||
	    make_token("counsellor", "centre-2", counsellor2, sizeof counsellor2) ||
	    make_token("employer", "acme", employer, sizeof employer) ||
	    make_token("regulator", "labour-dept", regulator, sizeof regulator) ||
	    server_start(&srv, "quotas")) {
		fprintf(stderr, "cannot set up: tokens or server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_create_and_read);
	T_RUN(test_bad_listings);
	T_RUN(test_list_filters);
	T_RUN(test_eligibility);
	T_RUN(test_inline_match);
	T_RUN(test_fullness_and_placements);
	T_RUN(test_vacancy_quota_id);
	T_RUN(test_import);
	T_RUN(test_patch_and_close);
	T_RUN(test_patch_races_placements);
	T_RUN(test_concurrent_placements);
	T_RUN(test_server_survived);
	server_kill(&srv);
	server_kill(&srv2);
	curl_global_cleanup();
	return T_DONE();
}
