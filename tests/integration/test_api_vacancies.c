/*
 * test_api_vacancies.c - the vacancy endpoints over real HTTP, against a
 * real server, PostgreSQL and index: the life of a vacancy (post, read,
 * patch, search by text and filters, close), authorization, and bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], employer2[80], counsellor[80], regulator[80], admin[80];

#define WELDER                                                                                   \
	"{\"title\":\"Welder (MIG/MAG)\",\"description\":\"Welding steel frames for mining "      \
	"equipment.\",\"occupation\":\"7212\",\"skills\":{\"essential\":[\"MIG welding\"],"        \
	"\"optional\":[]},\"languages\":[{\"code\":\"en\",\"level\":\"B1\"}],\"country\":\"ZA\","   \
	"\"city\":\"Johannesburg\",\"salary\":{\"min\":9000,\"max\":12000,\"currency\":\"ZAR\","    \
	"\"period\":\"month\"},\"positions\":12,\"valid_until\":\"2099-03-31\",\"recruiter\":"      \
	"{\"name\":\"Maseru Manpower Services\",\"licence\":\"LS-RA-0192\",\"country\":\"LS\"},"    \
	"\"worker_fees\":0}"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Posts a vacancy and returns its id (static buffer). */
static const char *post(const char *token, const char *body)
{
	static char id[32];
	struct resp r;

	id[0] = '\0';
	if (http(&r, &srv, "POST", "/v1/vacancies", token, NULL, body, strlen(body)) == 0 &&
	    r.status == 201 && str(r.json, "id"))
		snprintf(id, sizeof id, "%s", str(r.json, "id"));
	resp_free(&r);
	return id;
}

/* Number of items a search returns, -1 on error. */
static int count_search(const char *token, const char *query)
{
	char path[512];
	struct resp r;
	int n = -1;

	snprintf(path, sizeof path, "/v1/vacancies?%s", query);
	if (http(&r, &srv, "GET", path, token, NULL, NULL, 0) == 0 && r.status == 200)
		n = (int)json_array_size(json_object_get(r.json, "items"));
	resp_free(&r);
	return n;
}

/* The search's item is the vacancy as GET path answers it, plus relevance
 * (the recruiter's verdict is a live one in both): the index's compact
 * card (ESCO positions for URIs, engine/vacancy/card.c) decodes to the
 * stored JSON exactly. */
static void same_as_stored(const char *path)
{
	struct resp g, s;
	json_t *item, *skills;

	T_REQUIRE(http(&g, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_REQUIRE(http(&s, &srv, "GET", "/v1/vacancies?q=welding", counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(s.status, 200);
	item = json_array_get(json_object_get(s.json, "items"), 0);
	T_REQUIRE(item != NULL);
	/* the free-text skill was stored as its ESCO URI, which the card
	 * holds as a number */
	skills = json_object_get(json_object_get(g.json, "skills"), "essential");
	T_CHECK(json_string_value(json_array_get(skills, 0)) &&
		strncmp(json_string_value(json_array_get(skills, 0)), "http", 4) == 0);
	json_object_del(item, "relevance");
	json_object_del(item, "recruiter_verdict");
	json_object_del(g.json, "recruiter_verdict");
	{
		char *a = json_dumps(item, JSON_SORT_KEYS), *b = json_dumps(g.json, JSON_SORT_KEYS);

		T_CHECKF(json_equal(item, g.json), "search %s\n     GET %s", a ? a : "-", b ? b : "-");
		free(a);
		free(b);
	}
	resp_free(&g);
	resp_free(&s);
}

static void test_lifecycle(void)
{
	struct resp r;
	char path[128], id[32];

	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, WELDER, strlen(WELDER)) == 0);
	T_EQ_INT(r.status, 201);
	T_REQUIRE(str(r.json, "id") != NULL);
	snprintf(id, sizeof id, "%s", str(r.json, "id"));
	snprintf(path, sizeof path, "/v1/vacancies/%s", id);
	T_EQ_STR(r.location, path);
	T_EQ_STR(str(r.json, "status"), "open");
	T_EQ_STR(str(r.json, "title"), "Welder (MIG/MAG)");
	T_EQ_INT(json_integer_value(json_object_get(r.json, "positions")), 12);
	resp_free(&r);

	/* Read back, as the owner and as a counsellor. */
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "country"), "ZA");
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);

	/* Found by text and by filters, right after the POST. */
	T_EQ_INT(count_search(counsellor, "q=welding"), 1);
	T_EQ_INT(count_search(counsellor, "q=welding&country=ZA"), 1);
	T_EQ_INT(count_search(counsellor, "q=welding&country=BW"), 0);
	T_EQ_INT(count_search(counsellor, "occupation=7212"), 1);
	T_EQ_INT(count_search(counsellor, "occupation=72"), 1);
	T_EQ_INT(count_search(counsellor, "occupation=5120"), 0);
	T_EQ_INT(count_search(counsellor, "language=en&country=ZA"), 1);
	T_EQ_INT(count_search(counsellor, "language=fr"), 0);
	T_EQ_INT(count_search(counsellor, "skill=MIG%20welding"), 1);
	same_as_stored(path);

	/* Patch: the change is stored, validated whole, and searchable. */
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer,
			    "{\"title\":\"Senior welder\",\"country\":\"BW\",\"city\":null}") == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "title"), "Senior welder");
	T_EQ_STR(str(r.json, "country"), "BW");
	T_CHECK(json_object_get(r.json, "city") == NULL);
	resp_free(&r);
	T_EQ_INT(count_search(counsellor, "q=welding&country=BW"), 1);
	T_EQ_INT(count_search(counsellor, "q=welding&country=ZA"), 0);
	T_EQ_INT(count_search(counsellor, "q=senior"), 1);

	T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer, "{\"positions\":\"many\"}") == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);

	/* Close: still readable by id, gone from search, not patchable. */
	T_REQUIRE(http(&r, &srv, "DELETE", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "status"), "closed");
	resp_free(&r);
	T_EQ_INT(count_search(counsellor, "q=welding"), 0);
	T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_STR(str(r.json, "status"), "closed");
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer, "{\"positions\":3}") == 0);
	T_EQ_INT(r.status, 409);
	resp_free(&r);
}

static void test_filters_expired_and_full(void)
{
	struct resp r;
	const char *full;
	char path[64];

	/* positions 0: stored, never found. */
	full = post(employer, "{\"title\":\"Cook trainee\",\"occupation\":\"5120\",\"country\":\"NA\","
			      "\"positions\":0,\"valid_until\":\"2099-01-01\"}");
	T_REQUIRE(full[0]);
	T_EQ_INT(count_search(counsellor, "q=cook&country=NA"), 0);
	/* An open one in the same place is found. */
	T_REQUIRE(post(employer, "{\"title\":\"Cook\",\"occupation\":\"5120\",\"country\":\"NA\","
				 "\"positions\":2}")[0]);
	T_EQ_INT(count_search(counsellor, "q=cook&country=NA"), 1);
	/* A past valid_until is refused at the door (422). */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"Cook\",\"occupation\":\"5120\",\"country\":\"NA\","
			    "\"valid_until\":\"2001-01-01\"}") == 0);
	T_EQ_INT(r.status, 422);
	resp_free(&r);
	/* Employers' searches only see their own organisation. */
	T_EQ_INT(count_search(employer2, "q=cook"), 0);
	T_EQ_INT(count_search(employer, "q=cook"), 1);
	snprintf(path, sizeof path, "/v1/vacancies/%s", full);
	T_REQUIRE(http(&r, &srv, "GET", path, employer2, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
}

static void test_paging(void)
{
	struct resp r;
	char path[256];
	int i, seen = 0;
	const char *cursor;

	for (i = 0; i < 5; i++) {
		char body[256];

		snprintf(body, sizeof body,
			 "{\"title\":\"Fruit picker %d\",\"occupation\":\"9211\",\"country\":\"ES\"}", i);
		T_REQUIRE(post(employer, body)[0]);
	}
	snprintf(path, sizeof path, "/v1/vacancies?country=ES&limit=2");
	for (i = 0; i < 5; i++) {
		T_REQUIRE(http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		cursor = str(r.json, "next_cursor");
		if (!cursor) {
			resp_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/v1/vacancies?country=ES&limit=2&cursor=%s", cursor);
		resp_free(&r);
	}
	T_EQ_INT(seen, 5);
	T_EQ_INT(i, 2); /* pages of 2, 2, 1: the third has no next cursor */
}

static void expect_problem(struct resp *r, long status)
{
	T_EQ_INT(r->status, status);
	T_CHECKF(strncmp(r->content_type, "application/problem+json", 24) == 0,
		 "content type '%s' for status %ld", r->content_type, status);
	T_CHECK(json_integer_value(json_object_get(r->json, "status")) == status);
	T_CHECK(str(r->json, "title") != NULL);
}

/* Whether the errors list names the field. */
static int names_field(json_t *problem, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(str(e, "field") ? str(e, "field") : "", field) == 0)
			return 1;
	return 0;
}

/* The code of the first error naming field ("" when none does). */
static const char *field_code(json_t *problem, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(str(e, "field") ? str(e, "field") : "", field) == 0)
			return str(e, "code") ? str(e, "code") : "";
	return "";
}

static void test_bad_input(void)
{
	struct resp r;
	char *big;

	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, "{\"title\":", 9) == 0);
	expect_problem(&r, 400);
	resp_free(&r);

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":42,\"occupation\":\"7212\",\"country\":\"ZA\",\"positions\":-1}") == 0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "title"));
	T_CHECK(names_field(r.json, "positions"));
	resp_free(&r);

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"x\",\"occupation\":\"7212\",\"country\":\"ZA\",\"name\":\"Jo\"}") == 0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "name"));
	resp_free(&r);

	/* A title that shows nothing (spaces, a zero-width space, a soft
	 * hyphen, a Hangul filler) is as empty as "", and said so. */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\" \\u200b\\u00ad\\u3164 \",\"occupation\":\"7212\","
			    "\"country\":\"ZA\",\"city\":\"  \"}") == 0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "title"));
	T_CHECK(names_field(r.json, "city"));
	T_EQ_STR(field_code(r.json, "title"), "length");
	resp_free(&r);

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"x\",\"occupation\":\"7212\",\"country\":\"ZZ\"}") == 0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "country"));
	resp_free(&r);

	/* A language's code and level are each named as fields (review 12). */
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"x\",\"occupation\":\"7212\",\"country\":\"ZA\",\"languages\":"
			    "[{\"code\":\"en\",\"level\":\"B1\"},{\"code\":\"EN\",\"level\":\"b2\"}]}") == 0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "languages[1].code"));
	T_CHECK(names_field(r.json, "languages[1].level"));
	T_CHECK(!names_field(r.json, "languages[0].code"));
	resp_free(&r);

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"x\",\"occupation\":\"7212\",\"country\":\"ZA\",\"title\":\"y\"}") == 0);
	expect_problem(&r, 400); /* duplicate keys */
	resp_free(&r);

	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			    "{\"title\":\"x\",\"occupation\":\"7212\",\"country\":\"ZA\",\"worker_fees\":150}") == 0);
	expect_problem(&r, 422);
	T_CHECK(names_field(r.json, "worker_fees"));
	resp_free(&r);

	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, "text/plain", "hello", 5) == 0);
	expect_problem(&r, 415);
	resp_free(&r);

	/* A search for an occupation that is no ISCO-08 group and no ESCO
	 * occupation is refused, not answered with nothing. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?occupation=9999", counsellor, NULL, NULL, 0) ==
		  0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "occupation"));
	resp_free(&r);

	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, "[1,2]", 5) == 0);
	expect_problem(&r, 400);
	resp_free(&r);

	big = malloc(2 * 1024 * 1024 + 1);
	T_REQUIRE(big != NULL);
	memset(big, ' ', 2 * 1024 * 1024);
	big[0] = '{';
	big[2 * 1024 * 1024 - 1] = '}';
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, big, 2 * 1024 * 1024) == 0);
	expect_problem(&r, 413);
	resp_free(&r);
	free(big);

	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?colour=red", counsellor, NULL, NULL, 0) == 0);
	expect_problem(&r, 400);
	T_CHECK(names_field(r.json, "colour"));
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?limit=1000", counsellor, NULL, NULL, 0) == 0);
	expect_problem(&r, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?country=za", counsellor, NULL, NULL, 0) == 0);
	expect_problem(&r, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies/v_999999", counsellor, NULL, NULL, 0) == 0);
	expect_problem(&r, 404);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies/v_abc", counsellor, NULL, NULL, 0) == 0);
	expect_problem(&r, 404);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/nothing", counsellor, NULL, NULL, 0) == 0);
	expect_problem(&r, 404);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "PUT", "/v1/vacancies", employer, NULL, "{}", 2) == 0);
	expect_problem(&r, 405);
	T_CHECK(strstr(r.allow, "GET") && strstr(r.allow, "POST"));
	resp_free(&r);
}

static void test_auth(void)
{
	struct resp r;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies", NULL, NULL, NULL, 0) == 0);
	expect_problem(&r, 401);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies", "fm_0000000000000000000000000000000000000000000000000000000000000000", NULL, NULL, 0) == 0);
	expect_problem(&r, 401);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies", "not-a-token", NULL, NULL, 0) == 0);
	expect_problem(&r, 401);
	resp_free(&r);
	/* Counsellors do not post vacancies; regulators do not read them. */
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", counsellor, NULL, WELDER, strlen(WELDER)) == 0);
	expect_problem(&r, 403);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies", regulator, NULL, NULL, 0) == 0);
	expect_problem(&r, 403);
	resp_free(&r);
	/* Another employer cannot change or close it: 404, not 403. */
	{
		char path[64];
		const char *id = post(employer, WELDER);

		T_REQUIRE(id[0]);
		snprintf(path, sizeof path, "/v1/vacancies/%s", id);
		T_REQUIRE(http_json(&r, &srv, "PATCH", path, employer2, "{\"positions\":1}") == 0);
		expect_problem(&r, 404);
		resp_free(&r);
		T_REQUIRE(http(&r, &srv, "DELETE", path, employer2, NULL, NULL, 0) == 0);
		expect_problem(&r, 404);
		resp_free(&r);
		/* An admin may. */
		T_REQUIRE(http_json(&r, &srv, "PATCH", path, admin, "{\"positions\":1}") == 0);
		T_EQ_INT(r.status, 200);
		resp_free(&r);
	}
}

static void test_raw_protocol(void)
{
	char out[4096];
	static const char two_lengths[] =
		"POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
		"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}";
	char chunked[8192];
	size_t n = 0;
	int i;

	T_CHECK(raw_request(srv.port, two_lengths, sizeof two_lengths - 1, out, sizeof out, 5000) > 0);
	T_EQ_INT(raw_status(out), 400);

	/* A chunked body over the limit: 413 even without a Content-Length. */
	n = (size_t)snprintf(chunked, sizeof chunked,
			     "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer %s\r\n"
			     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
			     employer);
	{
		size_t chunk = 64 * 1024, total = 0;
		char *req = malloc(n + 20 * (chunk + 16) + 16);
		char *p;

		T_REQUIRE(req != NULL);
		memcpy(req, chunked, n);
		p = req + n;
		for (i = 0; i < 20; i++) {
			p += sprintf(p, "%zx\r\n", chunk);
			memset(p, ' ', chunk);
			p += chunk;
			memcpy(p, "\r\n", 2);
			p += 2;
			total += chunk;
		}
		memcpy(p, "0\r\n\r\n", 5);
		p += 5;
		T_CHECK(total > 1024 * 1024);
		T_CHECK(raw_request(srv.port, req, (size_t)(p - req), out, sizeof out, 10000) > 0);
		T_EQ_INT(raw_status(out), 413);
		free(req);
	}
	/* Garbage is not a crash. */
	T_CHECK(raw_request(srv.port, "\x01\x02garbage\r\n\r\n", 13, out, sizeof out, 3000) >= 0);
}

static void test_health_and_metrics(void)
{
	struct resp r;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "status"), "ok");
	T_EQ_STR(str(r.json, "postgres"), "up");
	T_CHECK(json_integer_value(json_object_get(json_object_get(r.json, "index"), "documents")) >= 1);
	T_EQ_INT(json_integer_value(json_object_get(json_object_get(r.json, "index"), "lag")), 0);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/metrics", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(r.body && strstr(r.body, "fairmatch_http_requests_total{route=\"vacancies_create\",status=\"201\"}"));
	T_CHECK(r.body && strstr(r.body, "fairmatch_http_request_duration_seconds_bucket"));
	T_CHECK(r.body && strstr(r.body, "fairmatch_index_documents"));
	resp_free(&r);
}

static void test_server_survived(void)
{
	struct resp r;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
	T_EQ_INT(server_stop(&srv), 0); /* a clean stop on SIGTERM */
}

int main(void)
{
	if (make_token("employer", "acme", employer, sizeof employer) ||
	    make_token("employer", "other-co", employer2, sizeof employer2) ||
	    make_token("counsellor", "centre-1", counsellor, sizeof counsellor) ||
	    make_token("regulator", "labour-dept", regulator, sizeof regulator) ||
	    make_token("admin", "ops", admin, sizeof admin) || server_start(&srv, "api")) {
		fprintf(stderr, "cannot set up: tokens or server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_lifecycle);
	T_RUN(test_filters_expired_and_full);
	T_RUN(test_paging);
	T_RUN(test_bad_input);
	T_RUN(test_auth);
	T_RUN(test_raw_protocol);
	T_RUN(test_health_and_metrics);
	T_RUN(test_server_survived);
	server_kill(&srv);
	return T_DONE();
}
