/*
 * test_hostile.c - hostile input against every write endpoint over HTTP:
 * every n_ file of the JSON test suite must get 400; the big list of
 * naughty strings is stored literally (or refused with 400, never a 500);
 * deep nesting, invalid UTF-8, NUL bytes and SQL metacharacters are
 * handled; and the server is still up at the end.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/http.h"
#include "tests/t.h"

static struct server srv;
static char employer[80];

/* Every endpoint that takes a JSON body, with a token that may call it.
 * A new write endpoint adds a line here. */
struct endpoint {
	const char *method;
	const char *path;
	const char *token;
};
static struct endpoint endpoints[8];
static size_t n_endpoints;

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static void test_json_suite_rejected(void)
{
	DIR *d = opendir("tests/data/jsontestsuite");
	struct dirent *e;
	int files = 0;

	T_REQUIRE(d != NULL);
	while ((e = readdir(d)) != NULL) {
		char path[512];
		size_t len = 0, i;
		char *body;

		if (strncmp(e->d_name, "n_", 2) != 0)
			continue;
		snprintf(path, sizeof path, "tests/data/jsontestsuite/%s", e->d_name);
		body = read_file(path, &len);
		T_REQUIRE(body != NULL);
		files++;
		for (i = 0; i < n_endpoints; i++) {
			struct resp r;

			T_CHECKF(http(&r, &srv, endpoints[i].method, endpoints[i].path, endpoints[i].token,
				      NULL, body, len) == 0,
				 "%s: no answer", e->d_name);
			T_CHECKF(r.status == 400, "%s %s %s: status %ld", e->d_name, endpoints[i].method,
				 endpoints[i].path, r.status);
			T_CHECKF(strncmp(r.content_type, "application/problem+json", 24) == 0,
				 "%s: content type %s", e->d_name, r.content_type);
			resp_free(&r);
		}
		free(body);
	}
	closedir(d);
	T_CHECKF(files >= 180, "read %d n_ files", files);
}

/* Posts a vacancy whose title is s; returns the status and, on 201, whether
 * the stored title reads back byte for byte. */
static long post_title(const char *s, int *same)
{
	json_t *doc = json_pack("{s:s, s:s, s:s}", "title", s, "occupation", "7212", "country", "ZA");
	char *body = json_dumps(doc, JSON_COMPACT);
	struct resp r, g;
	long status = -1;
	char path[64];

	*same = 0;
	json_decref(doc);
	if (!body)
		return -1;
	if (http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0) {
		status = r.status;
		if (status == 201) {
			snprintf(path, sizeof path, "/v1/vacancies/%s",
				 json_string_value(json_object_get(r.json, "id")));
			if (http(&g, &srv, "GET", path, employer, NULL, NULL, 0) == 0 && g.status == 200)
				*same = strcmp(json_string_value(json_object_get(g.json, "title")), s) == 0;
			resp_free(&g);
		}
	}
	resp_free(&r);
	free(body);
	return status;
}

static void test_naughty_strings_stored_literally(void)
{
	size_t len, i;
	char *text = read_file("tests/data/blns/blns.json", &len);
	json_t *list = text ? json_loadb(text, len, 0, NULL) : NULL;
	json_t *v;
	int stored = 0, refused = 0;

	T_REQUIRE(json_is_array(list));
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v);
		int same = 0;
		long st;

		if (!s)
			continue;
		st = post_title(s, &same);
		if (st == 201) {
			stored++;
			T_CHECKF(same, "naughty string %zu not read back literally", i);
		} else {
			refused++;
			/* Only the empty string or an over-long one may be refused. */
			T_CHECKF(st == 400 && (s[0] == '\0' || strlen(s) > 200),
				 "naughty string %zu: status %ld", i, st);
		}
	}
	T_CHECK(stored > 400);
	fprintf(stderr, "  naughty strings: %d stored literally, %d refused\n", stored, refused);
	json_decref(list);
	free(text);
}

static void test_sql_metacharacters_literal(void)
{
	int same = 0;

	T_EQ_INT(post_title("x'); DROP TABLE vacancies; --", &same), 201);
	T_CHECK(same);
	T_EQ_INT(post_title("\\\\'\"%_$1::text", &same), 201);
	T_CHECK(same);
}

static void test_structural_attacks(void)
{
	struct resp r;
	size_t depth = 100000, i;
	char *deep = malloc(2 * depth + 1);
	static const char bad_utf8[] = "{\"title\":\"\xff\xfe\",\"occupation\":\"7212\",\"country\":\"ZA\"}";
	static const char nul[] = "{\"title\":\"a\\u0000b\",\"occupation\":\"7212\",\"country\":\"ZA\"}";
	static const char raw_nul[] = "{\"title\":\"a\0b\",\"occupation\":\"7212\",\"country\":\"ZA\"}";

	T_REQUIRE(deep != NULL);
	for (i = 0; i < depth; i++) {
		deep[i] = '[';
		deep[depth + i] = ']';
	}
	deep[2 * depth] = '\0';
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, deep, 2 * depth) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	free(deep);

	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, bad_utf8, sizeof bad_utf8 - 1) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, nul, sizeof nul - 1) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, raw_nul, sizeof raw_nul - 1) == 0);
	T_EQ_INT(r.status, 400);
	resp_free(&r);

	/* Huge arrays and strings hit the documented maxima. */
	{
		size_t n = 60, k;
		char *body = malloc(64 * 1024), *p;

		T_REQUIRE(body != NULL);
		p = body + sprintf(body, "{\"title\":\"x\",\"occupation\":\"7212\",\"country\":\"ZA\","
					 "\"skills\":{\"essential\":[");
		for (k = 0; k < n; k++)
			p += sprintf(p, "%s\"skill %zu\"", k ? "," : "", k);
		p += sprintf(p, "]}}");
		T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, (size_t)(p - body)) == 0);
		T_EQ_INT(r.status, 400);
		resp_free(&r);
		p = body + sprintf(body, "{\"title\":\"");
		memset(p, 'a', 300);
		p += 300;
		p += sprintf(p, "\",\"occupation\":\"7212\",\"country\":\"ZA\"}");
		T_REQUIRE(http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, (size_t)(p - body)) == 0);
		T_EQ_INT(r.status, 400);
		resp_free(&r);
		free(body);
	}
}

static void test_still_up(void)
{
	struct resp r;

	T_REQUIRE(http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	resp_free(&r);
}

int main(void)
{
	if (make_token("employer", "hostile-co", employer, sizeof employer) ||
	    server_start(&srv, "hostile")) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	endpoints[n_endpoints++] = (struct endpoint){"POST", "/v1/vacancies", employer};
	endpoints[n_endpoints++] = (struct endpoint){"PATCH", "/v1/vacancies/v_1", employer};
	T_RUN(test_json_suite_rejected);
	T_RUN(test_naughty_strings_stored_literally);
	T_RUN(test_sql_metacharacters_literal);
	T_RUN(test_structural_attacks);
	T_RUN(test_still_up);
	server_stop(&srv);
	return T_DONE();
}
