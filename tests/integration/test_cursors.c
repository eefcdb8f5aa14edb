/*
 * test_cursors.c - keyset cursors and repeated query parameters over real
 * HTTP, PostgreSQL and index: paging a search (newest, valid_until, salary,
 * relevance) while vacancies are added between pages repeats and skips
 * nothing; a cursor from another query, organisation or sort, or changed
 * by a byte, is a 400; country=ZA&country=BW is an OR; a parameter that
 * may not repeat is a 400 on every route that takes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], employer2[80], counsellor[80], admin[80];

static char last_id[32]; /* of the last vacancy post() stored */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Posts a vacancy: word goes into the title, with valid_until and a
 * monthly salary (max); 0 on success. */
static int post(const char *token, const char *word, const char *country, const char *until,
		int salary)
{
	char body[512];
	struct resp r;
	int ok;

	snprintf(body, sizeof body,
		 "{\"title\":\"Cursor %s welder\",\"occupation\":\"7212\",\"country\":\"%s\","
		 "\"valid_until\":\"%s\",\"salary\":{\"min\":1,\"max\":%d,\"currency\":\"ZAR\","
		 "\"period\":\"month\"}}",
		 word, country, until, salary);
	ok = http(&r, &srv, "POST", "/v1/vacancies", token, NULL, body, strlen(body)) == 0 &&
	     r.status == 201 && str(r.json, "id");
	if (ok)
		snprintf(last_id, sizeof last_id, "%s", str(r.json, "id"));
	resp_free(&r);
	return ok ? 0 : -1;
}

/* GET path (+ "&cursor=" cursor): its status; items' ids appended to ids
 * (a JSON array), next_cursor copied to next ("" when null). */
static long get_page(const char *token, const char *path, const char *cursor, json_t *ids,
		     char *next, size_t nlen)
{
	char url[1200];
	struct resp r;
	long st = -1;
	size_t i;
	json_t *it;

	snprintf(url, sizeof url, "%s%s%s", path, cursor && *cursor ? "&cursor=" : "",
		 cursor && *cursor ? cursor : "");
	if (next)
		next[0] = '\0';
	if (http(&r, &srv, "GET", url, token, NULL, NULL, 0) == 0) {
		st = r.status;
		if (st == 200) {
			json_array_foreach(json_object_get(r.json, "items"), i, it)
				if (ids)
					json_array_append_new(ids, json_string(str(it, "id")));
			if (next && str(r.json, "next_cursor"))
				snprintf(next, nlen, "%s", str(r.json, "next_cursor"));
		}
	}
	resp_free(&r);
	return st;
}

static int holds(json_t *ids, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(ids, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return 1;
	return 0;
}

/* Pages through path 2 at a time, posting two more matching vacancies
 * (keys spread over the whole order; word is their title's, for relevance
 * one that ranks them first) after each page. Every vacancy that existed
 * at the start is seen exactly once. */
static void page_while_adding(const char *path, const char *word)
{
	json_t *before = json_array(), *seen = json_array(), *v;
	char cur[600] = "", next[600];
	int pages = 0, round = 0;
	size_t i, j;

	T_REQUIRE(get_page(employer, path, NULL, NULL, NULL, 0) == 200);
	{
		char all[600];

		snprintf(all, sizeof all, "%s&limit=100", path);
		T_REQUIRE(get_page(employer, all, NULL, before, NULL, 0) == 200);
	}
	T_REQUIRE(json_array_size(before) >= 6);
	for (;;) {
		char p2[600], until[16];

		snprintf(p2, sizeof p2, "%s&limit=2", path);
		T_REQUIRE(get_page(employer, p2, cur, seen, next, sizeof next) == 200);
		pages++;
		/* New vacancies at both ends and in the middle of every order. */
		round++;
		snprintf(until, sizeof until, "2098-0%d-15", 1 + round % 9);
		T_REQUIRE(post(employer, word, "ZA", until, 5000 + 1000 * round) == 0);
		T_REQUIRE(post(employer, word, "ZA", round % 2 ? "2099-12-31" : "2097-01-01",
			       round % 2 ? 1 : 900000) == 0);
		if (!next[0] || pages > 40)
			break;
		snprintf(cur, sizeof cur, "%s", next);
	}
	/* No item twice; every item of the start seen. */
	json_array_foreach(seen, i, v)
		for (j = i + 1; j < json_array_size(seen); j++)
			T_CHECKF(strcmp(json_string_value(v),
					json_string_value(json_array_get(seen, j))) != 0,
				 "%s seen twice (%s)", json_string_value(v), path);
	json_array_foreach(before, i, v)
		T_CHECKF(holds(seen, json_string_value(v)), "%s skipped (%s)",
			 json_string_value(v), path);
	json_decref(before);
	json_decref(seen);
}

static void seed(const char *word, int n)
{
	static const char *const until[] = {"2098-01-01", "2098-05-05", "2098-05-05",
					    "2099-01-01", "2098-03-03", "2098-11-30"};
	int i;

	for (i = 0; i < n; i++)
		post(employer, word, "ZA", until[i % 6], 3000 + 500 * (i % 4));
}

static void test_newest_stable(void)
{
	seed("newest", 7);
	page_while_adding("/v1/vacancies?country=ZA", "newest");
}

static void test_valid_until_stable(void)
{
	page_while_adding("/v1/vacancies?country=ZA&sort=valid_until", "until");
}

static void test_salary_stable(void)
{
	json_t *ids = json_array();

	page_while_adding("/v1/vacancies?country=ZA&sort=salary", "salary");
	/* Highest monthly salary first. */
	T_REQUIRE(post(employer, "salarytop", "ZA", "2099-01-01", 99000000) == 0);
	T_EQ_INT(get_page(employer, "/v1/vacancies?sort=salary&limit=1", NULL, ids, NULL, 0), 200);
	T_EQ_INT(json_array_size(ids), 1);
	T_EQ_STR(json_string_value(json_array_get(ids, 0)), last_id);
	json_decref(ids);
}

static void test_relevance_stable(void)
{
	seed("zebrafinch", 7);
	/* The word twice ranks the additions above the first ones: without
	 * the bound they would push those into the pages already read. */
	page_while_adding("/v1/vacancies?q=zebrafinch", "zebrafinch zebrafinch");
}

static void test_foreign_cursors(void)
{
	char cur[600], bad[600];
	struct resp r;

	T_REQUIRE(get_page(employer, "/v1/vacancies?country=ZA&limit=1", NULL, NULL, cur,
			   sizeof cur) == 200);
	T_REQUIRE(cur[0]);
	/* The same query answers 200 with its own cursor. */
	T_EQ_INT(get_page(employer, "/v1/vacancies?country=ZA&limit=3", cur, NULL, NULL, 0), 200);
	/* Another query, sort, organisation; a changed byte; an old offset. */
	T_EQ_INT(get_page(employer, "/v1/vacancies?country=BW&limit=1", cur, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(employer, "/v1/vacancies?country=ZA&sort=salary&limit=1", cur, NULL,
			  NULL, 0),
		 400);
	T_EQ_INT(get_page(employer2, "/v1/vacancies?country=ZA&limit=1", cur, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(counsellor, "/v1/vacancies?country=ZA&limit=1", cur, NULL, NULL, 0), 400);
	snprintf(bad, sizeof bad, "%s", cur);
	bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == 'A' ? 'B' : 'A';
	T_EQ_INT(get_page(employer, "/v1/vacancies?country=ZA&limit=1", bad, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(employer, "/v1/vacancies?country=ZA&limit=1", "2", NULL, NULL, 0), 400);
	/* The audit log's cursor is signed too (two registrations: two rows). */
	T_EQ_INT(http_json(&r, &srv, "POST", "/v1/recruiters", admin,
			   "{\"name\":\"Cursor Agency One\",\"country\":\"LS\"}"), 0);
	resp_free(&r);
	T_EQ_INT(http_json(&r, &srv, "POST", "/v1/recruiters", admin,
			   "{\"name\":\"Cursor Agency Two\",\"country\":\"LS\"}"), 0);
	resp_free(&r);
	T_REQUIRE(get_page(admin, "/v1/audit?limit=1", NULL, NULL, cur, sizeof cur) == 200);
	T_REQUIRE(cur[0]);
	T_EQ_INT(get_page(admin, "/v1/audit?limit=1", cur, NULL, NULL, 0), 200);
	T_EQ_INT(get_page(admin, "/v1/audit?limit=1&action=flag.create", cur, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(admin, "/v1/audit?limit=1", "1", NULL, NULL, 0), 400);
	/* So are the recruiters' and the keys' (four keys made above). */
	T_REQUIRE(get_page(admin, "/v1/recruiters?country=LS&limit=1", NULL, NULL, cur,
			   sizeof cur) == 200);
	T_REQUIRE(cur[0]);
	T_EQ_INT(get_page(admin, "/v1/recruiters?country=LS&limit=1", cur, NULL, NULL, 0), 200);
	T_EQ_INT(get_page(admin, "/v1/recruiters?country=BW&limit=1", cur, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(admin, "/v1/recruiters?country=LS&limit=1", "1", NULL, NULL, 0), 400);
	T_REQUIRE(get_page(admin, "/v1/keys?limit=1", NULL, NULL, cur, sizeof cur) == 200);
	T_REQUIRE(cur[0]);
	T_EQ_INT(get_page(admin, "/v1/keys?limit=1", cur, NULL, NULL, 0), 200);
	T_EQ_INT(get_page(admin, "/v1/keys?limit=1&role=employer", cur, NULL, NULL, 0), 400);
	snprintf(bad, sizeof bad, "%s", cur);
	bad[1] = bad[1] == 'A' ? 'B' : 'A';
	T_EQ_INT(get_page(admin, "/v1/keys?limit=1", bad, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(admin, "/v1/keys?limit=1", "k_1", NULL, NULL, 0), 400);
	/* A filter that is not UTF-8 is refused before any handler (it was a
	 * 503, then an empty 200 from the search): 400, never a 503. */
	T_EQ_INT(get_page(employer, "/v1/vacancies?q=w%9Cder&limit=1", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(admin, "/v1/recruiters?q=%E9cole&limit=1", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(admin, "/v1/audit?object=%E9&limit=1", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(admin, "/v1/keys?org=%E9&limit=1", NULL, NULL, NULL, 0), 400);
}

/* A profile that may be shown to employers; skills varies its score. */
static int new_profile(const char *skills)
{
	char body[512];
	struct resp r;
	int ok;

	snprintf(body, sizeof body,
		 "{\"occupations\":[\"7212\"],\"skills\":[%s],\"citizenship\":\"LS\","
		 "\"consent\":{\"matching\":true,\"show_to_employers\":true}}",
		 skills);
	ok = http(&r, &srv, "POST", "/v1/profiles", counsellor, NULL, body, strlen(body)) == 0 &&
	     r.status == 201;
	resp_free(&r);
	return ok ? 0 : -1;
}

/* Candidate cards page by (score, profile): profiles added between pages
 * repeat and skip none of the others; another vacancy's cursor is a 400. */
static void test_candidate_cards(void)
{
	static const char *const skills[] = {"\"MIG welding\"", "\"TIG welding\"",
					     "\"MIG welding\",\"TIG welding\"", "", "\"welding\""};
	json_t *before = json_array(), *seen = json_array(), *v;
	char vac[32], other[32], path[800], cur[600] = "", next[600];
	struct resp r;
	size_t i, j;
	int pages = 0;

	T_REQUIRE(post(employer, "cards", "ZA", "2099-01-01", 1000) == 0);
	snprintf(vac, sizeof vac, "%s", last_id);
	T_REQUIRE(post(employer, "cards2", "ZA", "2099-01-01", 1000) == 0);
	snprintf(other, sizeof other, "%s", last_id);
	for (i = 0; i < 7; i++)
		T_REQUIRE(new_profile(skills[i % 5]) == 0);
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates?limit=100", vac);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		json_array_append_new(before, json_string(str(v, "profile")));
	resp_free(&r);
	T_REQUIRE(json_array_size(before) >= 7);
	for (;;) {
		snprintf(path, sizeof path, "/v1/vacancies/%s/candidates?limit=2%s%s", vac,
			 cur[0] ? "&cursor=" : "", cur);
		T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
		T_REQUIRE(r.status == 200);
		json_array_foreach(json_object_get(r.json, "items"), i, v)
			json_array_append_new(seen, json_string(str(v, "profile")));
		snprintf(next, sizeof next, "%s", str(r.json, "next_cursor") ? str(r.json, "next_cursor") : "");
		resp_free(&r);
		/* Newcomers of every score between the pages. */
		T_REQUIRE(new_profile(skills[pages % 5]) == 0);
		if (!next[0] || ++pages > 20)
			break;
		snprintf(cur, sizeof cur, "%s", next);
	}
	json_array_foreach(seen, i, v)
		for (j = i + 1; j < json_array_size(seen); j++)
			T_CHECKF(strcmp(json_string_value(v), json_string_value(json_array_get(seen, j))),
				 "card %s twice", json_string_value(v));
	json_array_foreach(before, i, v)
		T_CHECKF(holds(seen, json_string_value(v)), "card %s skipped", json_string_value(v));
	/* A cursor of this vacancy on another: 400. */
	T_REQUIRE(cur[0]);
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates?limit=2&cursor=%s", other, cur);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	json_decref(before);
	json_decref(seen);
}

static void test_repeated_params(void)
{
	json_t *ids = json_array();

	T_REQUIRE(post(employer2, "orbw", "BW", "2099-01-01", 1000) == 0);
	T_REQUIRE(post(employer2, "orza", "ZA", "2099-01-01", 1000) == 0);
	T_REQUIRE(post(employer2, "orna", "NA", "2099-01-01", 1000) == 0);
	T_EQ_INT(get_page(employer2, "/v1/vacancies?country=ZA&country=BW&limit=100", NULL, ids,
			  NULL, 0),
		 200);
	T_EQ_INT(json_array_size(ids), 2); /* ZA or BW, not NA */
	json_array_clear(ids);
	T_EQ_INT(get_page(employer2, "/v1/vacancies?country=ZA&limit=100", NULL, ids, NULL, 0), 200);
	T_EQ_INT(json_array_size(ids), 1);
	/* A bad value among several is named. */
	T_EQ_INT(get_page(employer2, "/v1/vacancies?country=ZA&country=XX", NULL, NULL, NULL, 0), 400);
	/* Parameters that take one value. */
	T_EQ_INT(get_page(employer2, "/v1/vacancies?limit=1&limit=2", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(employer2, "/v1/vacancies?occupation=72&occupation=7212", NULL, NULL, NULL,
			  0),
		 400);
	T_EQ_INT(get_page(employer2, "/v1/vacancies?sort=newest&sort=salary", NULL, NULL, NULL, 0),
		 400);
	T_EQ_INT(get_page(admin, "/v1/audit?action=a&action=b", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(counsellor, "/v1/quotas?origin=LS&origin=ZW", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(counsellor, "/v1/taxonomy/skills?q=weld&q=cook", NULL, NULL, NULL, 0), 400);
	T_EQ_INT(get_page(counsellor, "/v1/vacancies/changes?limit=1&limit=2", NULL, NULL, NULL, 0),
		 400);
	json_decref(ids);
}

int main(void)
{
	if (make_token("employer", "cursor-co", employer, sizeof employer) ||
	    make_token("employer", "other-co", employer2, sizeof employer2) ||
	    make_token("counsellor", "centre-1", counsellor, sizeof counsellor) ||
	    make_token("admin", "ops", admin, sizeof admin) || server_start(&srv, "cursors")) {
		fprintf(stderr, "cannot set up: tokens or server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_newest_stable);
	T_RUN(test_valid_until_stable);
	T_RUN(test_salary_stable);
	T_RUN(test_relevance_stable);
	T_RUN(test_foreign_cursors);
	T_RUN(test_repeated_params);
	T_RUN(test_candidate_cards);
	server_kill(&srv);
	return T_DONE();
}
