/*
 * test_feed.c - the change feed of vacancies (GET /v1/vacancies/changes)
 * over real HTTP, PostgreSQL and index: a creation, a change and a closure
 * come back in that order with their kinds, paging by cursor gives the
 * same items as one page, a cursor resumes across a server restart, an
 * employer sees only its own vacancies, and a foreign or tampered cursor
 * is a 400.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], employer2[80], counsellor[80], regulator[80];

#define VACANCY(title)                                                                     \
	"{\"title\":\"" title "\",\"occupation\":\"7212\",\"country\":\"ZA\","             \
	"\"skills\":{\"essential\":[\"MIG welding\"]},\"valid_until\":\"2099-03-31\"}"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Posts a vacancy and returns its id in id. */
static int post(const char *token, const char *body, char *id, size_t len)
{
	struct resp r;
	int ok;

	id[0] = '\0';
	ok = http(&r, &srv, "POST", "/v1/vacancies", token, NULL, body, strlen(body)) == 0 &&
	     r.status == 201 && str(r.json, "id");
	if (ok)
		snprintf(id, len, "%s", str(r.json, "id"));
	resp_free(&r);
	return ok ? 0 : -1;
}

static long call(const char *method, const char *path, const char *token, const char *body)
{
	struct resp r;
	long st = -1;

	if (http(&r, &srv, method, path, token, NULL, body, body ? strlen(body) : 0) == 0)
		st = r.status;
	resp_free(&r);
	return st;
}

/* One page of the feed: its status; the items appended to all (may be
 * NULL), the next cursor copied to next. */
static long page(const char *token, const char *since, int limit, json_t *all, char *next,
		 size_t nlen)
{
	char path[1024];
	struct resp r;
	long st = -1;
	size_t i;
	json_t *it;

	snprintf(path, sizeof path, "/v1/vacancies/changes?limit=%d%s%s", limit,
		 since ? "&since=" : "", since ? since : "");
	if (http(&r, &srv, "GET", path, token, NULL, NULL, 0) == 0) {
		st = r.status;
		if (st == 200) {
			if (all)
				json_array_foreach(json_object_get(r.json, "items"), i, it)
					json_array_append(all, it);
			if (next)
				snprintf(next, nlen, "%s", str(r.json, "next_cursor"));
		}
	}
	resp_free(&r);
	return st;
}

/* The items of all for vacancy id, in order, as a string of kinds
 * ("created,changed,closed"); seqs must increase. */
static void kinds_of(json_t *all, const char *id, char *out, size_t len)
{
	size_t i, n = 0;
	json_t *it;
	long long last = 0;

	out[0] = '\0';
	json_array_foreach(all, i, it) {
		long long seq = json_integer_value(json_object_get(it, "seq"));

		T_CHECKF(seq > last, "seq %lld after %lld", seq, last);
		last = seq;
		if (strcmp(str(it, "id"), id) != 0)
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "," : "",
				      str(it, "change"));
	}
}

static char v1[32], v2[32], v3[32], cursor_end[600];

static void test_order_and_kinds(void)
{
	json_t *all = json_array(), *it;
	char path[64], kinds[128], next[600];
	size_t i;

	T_REQUIRE(post(employer, VACANCY("Welder A"), v1, sizeof v1) == 0);
	T_REQUIRE(post(employer2, VACANCY("Welder B"), v2, sizeof v2) == 0);
	snprintf(path, sizeof path, "/v1/vacancies/%s", v1);
	T_EQ_INT(call("PATCH", path, employer, "{\"positions\":3}"), 200);
	T_EQ_INT(call("DELETE", path, employer, NULL), 200);
	T_EQ_INT(call("DELETE", path, employer, NULL), 200); /* no second closure */

	/* From the beginning, as a counsellor: every organisation's vacancies. */
	T_EQ_INT(page(counsellor, NULL, 100, all, next, sizeof next), 200);
	kinds_of(all, v1, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created,changed,closed");
	kinds_of(all, v2, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created");
	json_array_foreach(all, i, it) {
		if (strcmp(str(it, "change"), "closed") == 0)
			T_CHECK(json_is_null(json_object_get(it, "vacancy")));
		else
			T_EQ_STR(str(json_object_get(it, "vacancy"), "id"), str(it, "id"));
		T_CHECK(str(it, "at") && strlen(str(it, "at")) == 20);
	}
	T_EQ_INT(json_array_size(all), 4);
	snprintf(cursor_end, sizeof cursor_end, "%s", next);

	/* Caught up: an empty page, and the same cursor again. */
	json_array_clear(all);
	T_EQ_INT(page(counsellor, cursor_end, 100, all, next, sizeof next), 200);
	T_EQ_INT(json_array_size(all), 0);
	T_EQ_STR(next, cursor_end);

	/* An employer's feed holds its own vacancies only. */
	json_array_clear(all);
	T_EQ_INT(page(employer2, NULL, 100, all, NULL, 0), 200);
	T_EQ_INT(json_array_size(all), 1);
	T_EQ_STR(str(json_array_get(all, 0), "id"), v2);
	json_decref(all);
}

/* Pages of one item give exactly the items of one page. */
static void test_paging(void)
{
	json_t *one = json_array(), *paged = json_array();
	char cur[600] = "", next[600];
	int pages = 0;

	T_EQ_INT(page(counsellor, NULL, 1000, one, NULL, 0), 200);
	for (;;) {
		size_t before = json_array_size(paged);

		T_REQUIRE(page(counsellor, pages ? cur : NULL, 1, paged, next, sizeof next) == 200);
		if (json_array_size(paged) == before || ++pages > 50)
			break;
		snprintf(cur, sizeof cur, "%s", next);
	}
	T_CHECK(json_equal(one, paged));
	T_EQ_INT(pages, (int)json_array_size(one));
	json_decref(one);
	json_decref(paged);
}

static void test_foreign_and_tampered(void)
{
	char bad[600];
	size_t n = strlen(cursor_end);

	T_REQUIRE(n > 10);
	/* The counsellor's cursor is not another organisation's, nor an employer's. */
	T_EQ_INT(page(employer, cursor_end, 10, NULL, NULL, 0), 400);
	snprintf(bad, sizeof bad, "%s", cursor_end);
	bad[2] = bad[2] == 'A' ? 'B' : 'A';
	T_EQ_INT(page(counsellor, bad, 10, NULL, NULL, 0), 400);
	T_EQ_INT(page(counsellor, "4", 10, NULL, NULL, 0), 400); /* an old offset cursor */
	T_EQ_INT(page(counsellor, NULL, 0, NULL, NULL, 0), 400);
	T_EQ_INT(page(counsellor, NULL, 1001, NULL, NULL, 0), 400);
	T_EQ_INT(page(regulator, NULL, 10, NULL, NULL, 0), 403);
	T_EQ_INT(call("GET", "/v1/vacancies/changes?since=x&since=y", counsellor, NULL), 400);
}

/* A cursor taken before a restart resumes after it: only what came since. */
static void test_resume_after_restart(void)
{
	json_t *all = json_array();
	char kinds[128];

	T_EQ_INT(server_stop(&srv), 0);
	T_REQUIRE(server_start(&srv, "feed") == 0);
	T_REQUIRE(post(employer, VACANCY("Welder C"), v3, sizeof v3) == 0);
	T_EQ_INT(page(counsellor, cursor_end, 100, all, NULL, 0), 200);
	T_EQ_INT(json_array_size(all), 1);
	kinds_of(all, v3, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created");
	json_decref(all);
}

int main(void)
{
	if (make_token("employer", "acme", employer, sizeof employer) ||
	    make_token("employer", "other-co", employer2, sizeof employer2) ||
	    make_token("counsellor", "centre-1", counsellor, sizeof counsellor) ||
	    make_token("regulator", "labour-dept", regulator, sizeof regulator) ||
	    server_start(&srv, "feed")) {
		fprintf(stderr, "cannot set up: tokens or server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_order_and_kinds);
	T_RUN(test_paging);
	T_RUN(test_foreign_and_tampered);
	T_RUN(test_resume_after_restart);
	server_kill(&srv);
	return T_DONE();
}
