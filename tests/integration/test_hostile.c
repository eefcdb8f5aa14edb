/*
 * test_hostile.c - hostile input against every write endpoint over HTTP
 * (every POST and PATCH that takes a JSON body):
 *   - every n_ file of the JSON test suite gets 400 problem+json;
 *   - the big list of naughty strings goes into a string field of each: it
 *     is stored literally (read back byte for byte where the API reads it
 *     back) or refused with a 4xx problem, never a 5xx;
 *   - nesting deeper than the API needs, huge arrays, and each documented
 *     maximum passed by one (the error names the field);
 *   - invalid UTF-8, NUL bytes, SQL metacharacters (stored literally);
 *   - duplicate, conflicting and malformed Content-Length headers;
 *   - slow clients: a client trickling its headers (or its body) does not
 *     keep others waiting, and the server closes it in the end;
 * and the server is still up after each part.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/integrity/integrity.h"
#include "engine/profile.h"
#include "engine/quota/quota.h"
#include "engine/vacancy.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], counsellor[80], regulator[80], admin[80];
static char vacancy_id[32], profile_id[32], recruiter_id[32], flag_recruiter_id[32],
	flag_id[32], quota_id[32];

/* What each write endpoint gets when a test puts a string in it. */
enum kind {
	K_VACANCY_POST,
	K_VACANCY_PATCH,
	K_PROFILE_POST,
	K_PROFILE_PATCH,
	K_MATCH,
	K_RECRUITER,
	K_FLAG,
	K_LIFT,
	K_QUOTA,
	K_PLACEMENT,
	K_COUNT
};

struct endpoint {
	const char *method;
	char path[96];
	const char *token;
	const char *field; /* the string field the naughty strings go into */
	int ok;            /* the success status */
};
static struct endpoint ep[K_COUNT];

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

static int is_problem(const struct resp *r)
{
	return strncmp(r->content_type, "application/problem+json", 24) == 0 &&
	       json_is_object(r->json) &&
	       json_integer_value(json_object_get(r->json, "status")) == r->status;
}

/* Whether the problem's errors name `field`. */
static int names_field(const struct resp *r, const char *field)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(r->json, "errors"), i, e) {
		const char *f = json_string_value(json_object_get(e, "field"));

		if (f && strcmp(f, field) == 0)
			return 1;
	}
	return 0;
}

/* The body of endpoint k with s in its string field (caller frees). */
static char *body_with(enum kind k, const char *s)
{
	json_t *o = NULL;
	char *text;

	switch (k) {
	case K_VACANCY_POST:
		o = json_pack("{s:s, s:s, s:s}", "title", s, "occupation", "7212", "country", "ZA");
		break;
	case K_VACANCY_PATCH:
		o = json_pack("{s:s}", "title", s);
		break;
	case K_PROFILE_POST:
	case K_PROFILE_PATCH:
		o = json_pack("{s:[s]}", "skills", s);
		break;
	case K_MATCH:
		o = json_pack("{s:{s:[s]}, s:i}", "profile", "skills", s, "limit", 1);
		break;
	case K_RECRUITER:
		/* forced: many of these strings normalise alike (a duplicate is 409) */
		o = json_pack("{s:s, s:b, s:s}", "name", s, "force", 1, "reason", "hostile input test");
		break;
	case K_FLAG:
		o = json_pack("{s:s, s:s, s:s}", "severity", "warning", "reason", "other", "evidence", s);
		break;
	case K_LIFT:
		o = json_pack("{s:s}", "reason", s);
		break;
	case K_QUOTA:
		o = json_pack("{s:s, s:[s], s:s, s:s, s:i, s:s, s:s}", "agreement", s, "origin_countries",
			      "LS", "destination_country", "ZA", "occupation", "7212", "slots", 5,
			      "valid_from", "2026-01-01", "valid_until", "2099-12-31");
		break;
	case K_PLACEMENT:
		o = json_pack("{s:s}", "profile_id", s);
		break;
	case K_COUNT:
		break;
	}
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

static int send_body(struct resp *r, enum kind k, const char *body, size_t len)
{
	return http(r, &srv, ep[k].method, ep[k].path, ep[k].token, NULL, body, len);
}

/* POSTs body to path with token and copies the answer's id; "" on failure. */
static void create(char *id, size_t idlen, const char *path, const char *token, const char *body)
{
	struct resp r;

	id[0] = '\0';
	if (http(&r, &srv, "POST", path, token, NULL, body, strlen(body)) == 0 && r.status == 201 &&
	    json_string_value(json_object_get(r.json, "id")))
		snprintf(id, idlen, "%s", json_string_value(json_object_get(r.json, "id")));
	else
		fprintf(stderr, "  setup: POST %s: status %ld %s\n", path, r.status,
			r.body ? r.body : "");
	resp_free(&r);
}

static void test_setup(void)
{
	create(vacancy_id, sizeof vacancy_id, "/v1/vacancies", employer,
	       "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\"}");
	create(profile_id, sizeof profile_id, "/v1/profiles", counsellor,
	       "{\"occupations\":[\"7212\"],\"citizenship\":\"LS\"}");
	create(recruiter_id, sizeof recruiter_id, "/v1/recruiters", regulator,
	       "{\"name\":\"Hostile Test Recruiting\"}");
	create(flag_recruiter_id, sizeof flag_recruiter_id, "/v1/recruiters", regulator,
	       "{\"name\":\"Naughty Evidence Manpower\"}");
	{
		char path[96];

		snprintf(path, sizeof path, "/v1/recruiters/%s/flags", recruiter_id);
		create(flag_id, sizeof flag_id, path, regulator,
		       "{\"severity\":\"warning\",\"reason\":\"other\",\"evidence\":\"test\"}");
	}
	create(quota_id, sizeof quota_id, "/v1/quotas", admin,
	       "{\"agreement\":\"Hostile\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
	       "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2026-01-01\",\"valid_until\":\"2099-12-31\"}");
	T_REQUIRE(vacancy_id[0] && profile_id[0] && recruiter_id[0] && flag_recruiter_id[0] &&
		  flag_id[0] && quota_id[0]);

	ep[K_VACANCY_POST] = (struct endpoint){"POST", "/v1/vacancies", employer, "title", 201};
	ep[K_VACANCY_PATCH] = (struct endpoint){"PATCH", "", employer, "title", 200};
	snprintf(ep[K_VACANCY_PATCH].path, sizeof ep[0].path, "/v1/vacancies/%s", vacancy_id);
	ep[K_PROFILE_POST] = (struct endpoint){"POST", "/v1/profiles", counsellor, "skills[0]", 201};
	ep[K_PROFILE_PATCH] = (struct endpoint){"PATCH", "", counsellor, "skills[0]", 200};
	snprintf(ep[K_PROFILE_PATCH].path, sizeof ep[0].path, "/v1/profiles/%s", profile_id);
	ep[K_MATCH] = (struct endpoint){"POST", "/v1/match", counsellor, "profile.skills[0]", 200};
	ep[K_RECRUITER] = (struct endpoint){"POST", "/v1/recruiters", regulator, "name", 201};
	ep[K_FLAG] = (struct endpoint){"POST", "", regulator, "evidence", 201};
	snprintf(ep[K_FLAG].path, sizeof ep[0].path, "/v1/recruiters/%s/flags", flag_recruiter_id);
	ep[K_LIFT] = (struct endpoint){"POST", "", regulator, "reason", 200};
	snprintf(ep[K_LIFT].path, sizeof ep[0].path, "/v1/recruiters/%s/flags/%s/lift",
		 recruiter_id, flag_id);
	ep[K_QUOTA] = (struct endpoint){"POST", "/v1/quotas", admin, "agreement", 201};
	ep[K_PLACEMENT] = (struct endpoint){"POST", "", counsellor, "profile_id", 201};
	snprintf(ep[K_PLACEMENT].path, sizeof ep[0].path, "/v1/quotas/%s/placements", quota_id);

	/* Each endpoint takes a well-formed body (so the refusals below are
	 * about the input, not a broken set-up). */
	{
		static const char *const good[K_COUNT] = {
			"Night welder", "Day welder", "welding", "use hand tools", "welding",
			"Ordinary Recruiting Ltd", "first evidence", "settled in court",
			"Ordinary agreement", NULL};
		enum kind k;

		for (k = 0; k < K_COUNT; k++) {
			struct resp r;
			char *b;

			if (!good[k])
				continue;
			b = body_with(k, good[k]);
			T_REQUIRE(b != NULL);
			T_REQUIRE(send_body(&r, k, b, strlen(b)) == 0);
			T_CHECKF(r.status == ep[k].ok, "%s %s: good body answered %ld: %s", ep[k].method,
				 ep[k].path, r.status, r.body ? r.body : "");
			resp_free(&r);
			free(b);
		}
	}
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
		for (i = 0; i < K_COUNT; i++) {
			struct resp r;

			T_CHECKF(send_body(&r, (enum kind)i, body, len) == 0, "%s: no answer", e->d_name);
			T_CHECKF(r.status == 400, "%s %s %s: status %ld", e->d_name, ep[i].method,
				 ep[i].path, r.status);
			T_CHECKF(is_problem(&r), "%s %s %s: not a problem (%s)", e->d_name, ep[i].method,
				 ep[i].path, r.content_type);
			resp_free(&r);
		}
		free(body);
	}
	closedir(d);
	T_CHECKF(files >= 180, "read %d n_ files", files);
}

/* Reads back what endpoint k stored from its answer r; NULL when the API
 * has no literal read-back for it (free-text skills are normalised, a
 * match stores nothing, a lift answers the flag). */
static char *read_back(enum kind k, const struct resp *r)
{
	const char *id = json_string_value(json_object_get(r->json, "id"));
	const char *token = ep[k].token, *key = ep[k].field;
	char path[128];
	struct resp g;
	char *out = NULL;

	switch (k) {
	case K_VACANCY_POST:
	case K_VACANCY_PATCH:
		snprintf(path, sizeof path, "/v1/vacancies/%s", id ? id : "");
		break;
	case K_RECRUITER:
		snprintf(path, sizeof path, "/v1/recruiters/%s", id ? id : "");
		break;
	case K_QUOTA:
		snprintf(path, sizeof path, "/v1/quotas/%s", id ? id : "");
		break;
	case K_FLAG:
		/* The flag's answer carries the evidence as stored. */
		return json_string_value(json_object_get(r->json, key))
			       ? strdup(json_string_value(json_object_get(r->json, key)))
			       : NULL;
	default:
		return NULL;
	}
	if (http(&g, &srv, "GET", path, token, NULL, NULL, 0) == 0 && g.status == 200 &&
	    json_string_value(json_object_get(g.json, key)))
		out = strdup(json_string_value(json_object_get(g.json, key)));
	resp_free(&g);
	return out ? out : strdup("(not readable)");
}

/* The naughty-string sweep (5,000 writes) runs once per `make check`: in
 * the ASan variant, where it finds the most, and in the release variant
 * only when the run has no ASan variant (tests/run.sh passes the run's
 * variants in FAIRMATCH_VARIANTS; docs/testing.md). */
static int sweep_elsewhere(void)
{
	const char *variant = getenv("FAIRMATCH_VARIANT"), *all = getenv("FAIRMATCH_VARIANTS");
	char padded[256];

	if (!variant || strcmp(variant, "release") != 0 || !all)
		return 0;
	snprintf(padded, sizeof padded, " %s ", all);
	return strstr(padded, " asan ") != NULL;
}

static void test_naughty_strings_every_endpoint(void)
{
	size_t len, i;
	char *text;
	json_t *list, *v;
	int stored[K_COUNT] = {0}, refused[K_COUNT] = {0};
	enum kind k;

	if (sweep_elsewhere())
		T_SKIP("the naughty-string sweep runs in this run's asan variant (docs/testing.md)");
	text = read_file("tests/data/blns/blns.json", &len);
	list = text ? json_loadb(text, len, 0, NULL) : NULL;
	T_REQUIRE(json_is_array(list));
	T_REQUIRE(json_array_size(list) > 400);
	for (k = 0; k < K_COUNT; k++) {
		json_array_foreach(list, i, v) {
			const char *s = json_string_value(v);
			char *body, *back;
			struct resp r;

			if (!s)
				continue;
			body = body_with(k, s);
			T_REQUIRE(body != NULL);
			if (send_body(&r, k, body, strlen(body)) != 0) {
				T_CHECKF(0, "%s %s: naughty string %zu: no answer", ep[k].method, ep[k].path, i);
				free(body);
				continue;
			}
			T_CHECKF(r.status < 500, "%s %s: naughty string %zu: status %ld", ep[k].method,
				 ep[k].path, i, r.status);
			if (r.status == ep[k].ok) {
				stored[k]++;
				back = read_back(k, &r);
				T_CHECKF(!back || strcmp(back, s) == 0,
					 "%s %s: naughty string %zu not read back literally", ep[k].method,
					 ep[k].path, i);
				free(back);
			} else {
				refused[k]++;
				T_CHECKF(is_problem(&r), "%s %s: naughty string %zu: %ld without a problem",
					 ep[k].method, ep[k].path, i, r.status);
				/* A refusal is about the input: an empty or over-long
				 * string, a name with no letters (422), a placement for
				 * no such profile (404), a flag lifted already (409). */
				T_CHECKF(r.status == 400 || (k == K_RECRUITER && r.status == 422) ||
						 (k == K_PLACEMENT && r.status == 404) ||
						 (k == K_LIFT && r.status == 409),
					 "%s %s: naughty string %zu refused with %ld: %s", ep[k].method,
					 ep[k].path, i, r.status, r.body ? r.body : "");
				if (r.status == 400 && s[0] && strlen(s) <= 64 && k != K_PLACEMENT)
					T_CHECKF(names_field(&r, ep[k].field),
						 "%s %s: naughty string %zu: 400 not naming %s: %s",
						 ep[k].method, ep[k].path, i, ep[k].field,
						 r.body ? r.body : "");
			}
			resp_free(&r);
			free(body);
		}
		fprintf(stderr, "  %s %s: %d naughty strings accepted, %d refused\n", ep[k].method,
			ep[k].path, stored[k], refused[k]);
	}
	/* Most strings are ordinary text to every endpoint that stores text. */
	T_CHECK(stored[K_VACANCY_POST] > 400 && stored[K_VACANCY_PATCH] > 400);
	T_CHECK(stored[K_RECRUITER] > 300 && stored[K_FLAG] > 400 && stored[K_QUOTA] > 400);
	T_CHECK(stored[K_PROFILE_POST] > 400 && stored[K_MATCH] > 400);
	T_EQ_INT(stored[K_PLACEMENT], 0);
	json_decref(list);
	free(text);
}

static void test_sql_metacharacters_literal(void)
{
	static const char *const sql[] = {
		"x'); DROP TABLE vacancies; --",
		"\\\\'\"%_$1::text",
		"' OR '1'='1",
		"Robert'); DELETE FROM flags WHERE ('1'='1",
		"$$ SELECT pg_sleep(10) $$",
		"E'\\x00' || chr(0)",
	};
	static const enum kind literal[] = {K_VACANCY_POST, K_VACANCY_PATCH, K_RECRUITER, K_FLAG,
					    K_QUOTA};
	size_t i, j;

	for (j = 0; j < sizeof literal / sizeof literal[0]; j++) {
		enum kind k = literal[j];

		for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
			char *body = body_with(k, sql[i]), *back;
			struct resp r;

			T_REQUIRE(body != NULL);
			T_REQUIRE(send_body(&r, k, body, strlen(body)) == 0);
			T_CHECKF(r.status == ep[k].ok, "%s %s: %s: status %ld", ep[k].method, ep[k].path,
				 sql[i], r.status);
			if (r.status == ep[k].ok) {
				back = read_back(k, &r);
				T_CHECKF(back && strcmp(back, sql[i]) == 0, "%s %s: %s read back as %s",
					 ep[k].method, ep[k].path, sql[i], back ? back : "(null)");
				free(back);
			}
			resp_free(&r);
			free(body);
		}
	}
	/* The tables are all still there. */
	{
		struct resp r;
		char path[64];

		snprintf(path, sizeof path, "/v1/vacancies/%s", vacancy_id);
		T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		resp_free(&r);
		snprintf(path, sizeof path, "/v1/recruiters/%s", recruiter_id);
		T_REQUIRE(http(&r, &srv, "GET", path, regulator, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		T_CHECK(json_array_size(json_object_get(r.json, "flags")) >= 1);
		resp_free(&r);
	}
}

/* Expects 400 problem+json for body on endpoint k. */
static void expect_400(enum kind k, const char *body, size_t len, const char *what,
		       const char *field)
{
	struct resp r;

	if (send_body(&r, k, body, len) != 0) {
		T_CHECKF(0, "%s %s: %s: no answer", ep[k].method, ep[k].path, what);
		return;
	}
	T_CHECKF(r.status == 400 && is_problem(&r), "%s %s: %s: status %ld %.300s", ep[k].method,
		 ep[k].path, what, r.status, r.body ? r.body : "");
	if (field && r.status == 400)
		T_CHECKF(names_field(&r, field), "%s %s: %s: 400 does not name %s: %.300s",
			 ep[k].method, ep[k].path, what, field, r.body ? r.body : "");
	resp_free(&r);
}

static void test_deep_nesting_every_endpoint(void)
{
	size_t depth = 100000, i, n;
	char *deep = malloc(2 * depth + 64), *p;
	enum kind k;

	T_REQUIRE(deep != NULL);
	for (k = 0; k < K_COUNT; k++) {
		/* A bare pyramid of arrays. */
		for (i = 0; i < depth; i++) {
			deep[i] = '[';
			deep[depth + i] = ']';
		}
		expect_400(k, deep, 2 * depth, "100000 nested arrays", NULL);
		/* Nested objects in place of the endpoint's first field. */
		p = deep + sprintf(deep, "{\"x\":");
		for (i = 0; i < 5000; i++)
			p += sprintf(p, "{\"a\":");
		*p++ = '1';
		for (i = 0; i < 5000; i++)
			*p++ = '}';
		*p++ = '}';
		expect_400(k, deep, (size_t)(p - deep), "5000 nested objects", NULL);
		/* Nesting a little deeper than the API goes, where it parses
		 * (32 levels): refused as the wrong type or an unknown field. */
		n = (size_t)sprintf(deep, "{\"%s\":", k == K_PLACEMENT ? "profile_id" : "skills");
		p = deep + n;
		for (i = 0; i < 32; i++)
			*p++ = '[';
		p += sprintf(p, "\"x\"");
		for (i = 0; i < 32; i++)
			*p++ = ']';
		*p++ = '}';
		expect_400(k, deep, (size_t)(p - deep), "32 nested arrays in a field", NULL);
	}
	free(deep);
}

/* A string of n 'a's as a JSON string literal. */
static char *long_string(size_t n)
{
	char *s = malloc(n + 3);

	if (!s)
		return NULL;
	s[0] = '"';
	memset(s + 1, 'a', n);
	s[n + 1] = '"';
	s[n + 2] = '\0';
	return s;
}

/* A JSON array of n distinct short strings. */
static char *long_array(size_t n)
{
	char *s = malloc(n * 16 + 3), *p = s;
	size_t i;

	if (!s)
		return NULL;
	*p++ = '[';
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s\"item %zu\"", i ? "," : "", i);
	*p++ = ']';
	*p = '\0';
	return s;
}

/* Each documented maximum passed by one, on every write endpoint: 400 and
 * the field named. fmt holds one "%s" where the oversized value goes. */
struct over {
	enum kind k;
	const char *field;
	const char *fmt;
	int is_array;
	size_t n; /* items, or bytes */
};

static void test_maxima_every_endpoint(void)
{
	static const struct over cases[] = {
		{K_VACANCY_POST, "title", "{\"title\":%s,\"occupation\":\"7212\",\"country\":\"ZA\"}", 0,
		 VACANCY_TITLE_MAX + 1},
		{K_VACANCY_POST, "description",
		 "{\"title\":\"t\",\"description\":%s,\"occupation\":\"7212\",\"country\":\"ZA\"}", 0,
		 VACANCY_DESCRIPTION_MAX + 1},
		{K_VACANCY_POST, "city", "{\"title\":\"t\",\"city\":%s,\"occupation\":\"7212\",\"country\":\"ZA\"}",
		 0, 101},
		{K_VACANCY_POST, "skills.essential",
		 "{\"title\":\"t\",\"skills\":{\"essential\":%s},\"occupation\":\"7212\",\"country\":\"ZA\"}",
		 1, VACANCY_SKILLS_MAX + 1},
		{K_VACANCY_POST, "skills.optional[0]",
		 "{\"title\":\"t\",\"skills\":{\"optional\":[%s]},\"occupation\":\"7212\",\"country\":\"ZA\"}",
		 0, VACANCY_SKILL_MAX + 1},
		{K_VACANCY_POST, "languages",
		 "{\"title\":\"t\",\"languages\":%s,\"occupation\":\"7212\",\"country\":\"ZA\"}", 1,
		 VACANCY_LANGUAGES_MAX + 1},
		{K_VACANCY_POST, "recruiter.name",
		 "{\"title\":\"t\",\"recruiter\":{\"name\":%s},\"occupation\":\"7212\",\"country\":\"ZA\"}",
		 0, 201},
		{K_VACANCY_POST, "recruiter.licence",
		 "{\"title\":\"t\",\"recruiter\":{\"name\":\"r\",\"licence\":%s},\"occupation\":\"7212\","
		 "\"country\":\"ZA\"}",
		 0, 65},
		{K_VACANCY_PATCH, "title", "{\"title\":%s}", 0, VACANCY_TITLE_MAX + 1},
		{K_VACANCY_PATCH, "skills.essential", "{\"skills\":{\"essential\":%s}}", 1,
		 VACANCY_SKILLS_MAX + 1},
		{K_PROFILE_POST, "skills", "{\"skills\":%s}", 1, PROFILE_SKILLS_MAX + 1},
		{K_PROFILE_POST, "skills[0]", "{\"skills\":[%s]}", 0, PROFILE_SKILL_MAX + 1},
		{K_PROFILE_POST, "occupations", "{\"skills\":[\"x\"],\"occupations\":%s}", 1,
		 PROFILE_OCCUPATIONS_MAX + 1},
		{K_PROFILE_POST, "languages", "{\"skills\":[\"x\"],\"languages\":%s}", 1,
		 PROFILE_LANGUAGES_MAX + 1},
		{K_PROFILE_POST, "desired_countries", "{\"skills\":[\"x\"],\"desired_countries\":%s}", 1,
		 PROFILE_COUNTRIES_MAX + 1},
		{K_PROFILE_PATCH, "skills", "{\"skills\":%s}", 1, PROFILE_SKILLS_MAX + 1},
		{K_MATCH, "countries", "{\"profile_id\":\"p_0123456789abcdef\",\"countries\":%s}", 1, 31},
		{K_MATCH, "profile.skills", "{\"profile\":{\"skills\":%s}}", 1, PROFILE_SKILLS_MAX + 1},
		{K_RECRUITER, "name", "{\"name\":%s}", 0, INTEGRITY_NAME_MAX + 1},
		{K_RECRUITER, "aliases", "{\"name\":\"n\",\"aliases\":%s}", 1, INTEGRITY_ALIASES_MAX + 1},
		{K_RECRUITER, "aliases[0]", "{\"name\":\"n\",\"aliases\":[%s]}", 0, INTEGRITY_NAME_MAX + 1},
		{K_RECRUITER, "licence.number", "{\"name\":\"n\",\"licence\":{\"number\":%s}}", 0,
		 INTEGRITY_LICENCE_MAX + 1},
		{K_FLAG, "evidence", "{\"severity\":\"warning\",\"reason\":\"other\",\"evidence\":%s}", 0,
		 INTEGRITY_EVIDENCE_MAX + 1},
		{K_LIFT, "reason", "{\"reason\":%s}", 0, INTEGRITY_REASON_MAX + 1},
		{K_QUOTA, "agreement",
		 "{\"agreement\":%s,\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2026-01-01\",\"valid_until\":\"2099-12-31\"}",
		 0, QUOTA_AGREEMENT_MAX + 1},
		{K_QUOTA, "origin_countries",
		 "{\"agreement\":\"a\",\"origin_countries\":%s,\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2026-01-01\",\"valid_until\":\"2099-12-31\"}",
		 1, QUOTA_ORIGINS_MAX + 1},
		{K_QUOTA, "conditions",
		 "{\"agreement\":\"a\",\"origin_countries\":[\"LS\"],\"destination_country\":\"ZA\","
		 "\"occupation\":\"7212\",\"slots\":5,\"valid_from\":\"2026-01-01\",\"valid_until\":\"2099-12-31\","
		 "\"conditions\":%s}",
		 0, QUOTA_CONDITIONS_MAX + 1},
		{K_PLACEMENT, "profile_id", "{\"profile_id\":%s}", 0, 65},
	};
	size_t i;
	enum kind k;
	int covered[K_COUNT] = {0};

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct over *c = &cases[i];
		char *val = c->is_array ? long_array(c->n) : long_string(c->n), *body;
		size_t cap;

		T_REQUIRE(val != NULL);
		cap = strlen(c->fmt) + strlen(val) + 1;
		body = malloc(cap);
		T_REQUIRE(body != NULL && strstr(c->fmt, "%s") != NULL);
		{
			size_t pre = (size_t)(strstr(c->fmt, "%s") - c->fmt);

			memcpy(body, c->fmt, pre);
			strcpy(body + pre, val);
			strcat(body, c->fmt + pre + 2);
		}
		expect_400(c->k, body, strlen(body), c->is_array ? "one item over the maximum"
								  : "one byte over the maximum",
			   c->field);
		covered[c->k]++;
		free(body);
		free(val);
	}
	for (k = 0; k < K_COUNT; k++)
		T_CHECKF(covered[k] > 0, "no maximum tested on %s %s", ep[k].method, ep[k].path);

	/* Huge: a string and an array near the 1 MiB body limit are refused as
	 * 400 (not 413, not a crash) on every endpoint. */
	for (k = 0; k < K_COUNT; k++) {
		char *val = long_string(900 * 1024), *body;
		size_t cap = 900 * 1024 + 64;

		T_REQUIRE(val != NULL && (body = malloc(cap)) != NULL);
		snprintf(body, cap, "{\"%s\":%s}", k == K_PLACEMENT ? "profile_id" : "x", val);
		expect_400(k, body, strlen(body), "a 900 KiB string", NULL);
		free(val);
		val = malloc(300000 * 2 + 3);
		T_REQUIRE(val != NULL);
		val[0] = '[';
		for (i = 0; i < 300000; i++) {
			val[1 + 2 * i] = '0';
			val[2 + 2 * i] = ',';
		}
		val[2 * 300000] = ']';
		val[2 * 300000 + 1] = '\0';
		snprintf(body, cap, "{\"skills\":%s}", val);
		expect_400(k, body, strlen(body), "an array of 300000 items", NULL);
		free(val);
		free(body);
	}
}

static void test_bad_bytes_every_endpoint(void)
{
	enum kind k;

	for (k = 0; k < K_COUNT; k++) {
		/* Invalid UTF-8, an escaped NUL and a raw NUL in the string field. */
		char *body = body_with(k, "PLACEHOLDER"), *p;
		size_t len;

		T_REQUIRE(body != NULL);
		p = strstr(body, "PLACEHOLDER");
		T_REQUIRE(p != NULL);
		len = strlen(body);
		memcpy(p, "\xff\xfe\xc0\xaf", 4);
		memcpy(p + 4, "zzzzzzz", 7);
		expect_400(k, body, len, "invalid UTF-8", NULL);
		memcpy(p, "a\\u0000b", 8);
		memcpy(p + 8, "zzz", 3);
		expect_400(k, body, len, "an escaped NUL", NULL);
		memcpy(p, "a\0bzzzzzzzz", 11);
		expect_400(k, body, len, "a raw NUL", NULL);
		free(body);
	}
	/* A query parameter name that is not UTF-8 (overlong, surrogate, stray
	 * continuation byte) is quoted in the refusal, which must still be
	 * problem+json (it once fell back to a 503). */
	for (k = 0; k < K_COUNT; k++) {
		static const char *const names[] = {"%C0%AF", "%ED%A0%80", "%80abc", "%F4%90%80%80"};
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			char path[160], *body = body_with(k, "ordinary");
			struct resp r;

			T_REQUIRE(body != NULL);
			snprintf(path, sizeof path, "%s?%s=1", ep[k].path, names[i]);
			T_REQUIRE(http(&r, &srv, ep[k].method, path, ep[k].token, NULL, body,
				       strlen(body)) == 0);
			T_CHECKF(r.status == 400 && is_problem(&r), "%s %s: status %ld %.200s",
				 ep[k].method, path, r.status, r.body ? r.body : "");
			resp_free(&r);
			free(body);
		}
	}
}

/* ---- raw protocol ---- */

static int health_ok(void)
{
	struct resp r;
	int rc = http(&r, &srv, "GET", "/v1/health", NULL, NULL, NULL, 0);
	int ok = rc == 0 && r.status == 200;

	if (!ok)
		fprintf(stderr, "  health: %s, status %ld %.200s\n", rc ? "no answer" : "answered",
			r.status, r.body ? r.body : "");
	resp_free(&r);
	return ok;
}

static void test_content_length_every_endpoint(void)
{
	static const struct {
		const char *headers, *body, *what;
		int want; /* the one status allowed; 0: any 4xx */
	} cases[] = {
		{"Content-Length: 2\r\nContent-Length: 2\r\n", "{}", "duplicate equal Content-Length", 400},
		{"Content-Length: 2\r\nContent-Length: 40\r\n", "{}", "conflicting Content-Length", 400},
		{"Content-Length: 2, 2\r\n", "{}", "a Content-Length list", 0},
		{"Content-Length: -2\r\n", "{}", "a negative Content-Length", 0},
		{"Content-Length: abc\r\n", "{}", "a non-numeric Content-Length", 0},
		{"Content-Length: 99999999999999999999999\r\n", "{}", "an overflowing Content-Length", 0},
		{"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n",
		 "Content-Length with Transfer-Encoding", 400},
		{"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", "2\r\n{}\r\n0\r\n\r\n",
		 "Transfer-Encoding with Content-Length", 400},
	};
	enum kind k;
	size_t i;

	/* The cases with `want` are the server's own checks and answer
	 * problem+json; the malformed values are refused by libmicrohttpd
	 * itself while it reads the headers, with its own short text body. */
	for (k = 0; k < K_COUNT; k++) {
		for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			char req[1024], out[4096];
			int n = snprintf(req, sizeof req,
					 "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
					 "Authorization: Bearer %s\r\nContent-Type: application/json\r\n%s\r\n%s",
					 ep[k].method, ep[k].path, ep[k].token, cases[i].headers, cases[i].body);
			int st;

			T_REQUIRE(n > 0 && (size_t)n < sizeof req);
			T_CHECK(raw_request(srv.port, req, (size_t)n, out, sizeof out, 5000) >= 0);
			st = raw_status(out);
			if (cases[i].want)
				T_CHECKF(st == cases[i].want, "%s %s: %s: status %d", ep[k].method, ep[k].path,
					 cases[i].what, st);
			else
				/* Refused (or the connection dropped), never taken as
				 * a body nor answered 5xx. */
				T_CHECKF(st == 0 || (st >= 400 && st < 500), "%s %s: %s: status %d",
					 ep[k].method, ep[k].path, cases[i].what, st);
			if (cases[i].want)
				T_CHECKF(strstr(out, "application/problem+json") != NULL,
					 "%s %s: %s: %d without problem+json", ep[k].method, ep[k].path,
					 cases[i].what, st);
		}
	}
	T_CHECK(health_ok());
}

static int connect_local(void)
{
	struct sockaddr_in sa = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)srv.port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the server has closed fd (EOF or reset) within ms. */
static int closed_within(int fd, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char buf[4096];

	while (poll(&pfd, 1, ms) > 0) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);

		if (n <= 0)
			return 1;
		/* An answer (a 408 or the like) is fine; keep reading to EOF. */
	}
	return 0;
}

/* Slow clients, all at once: each sends its prefix and then one byte of
 * its drip (which repeats and never completes the request) a second.
 * Meanwhile other requests must be served, and the server must close every
 * slow connection before 240 s pass. Its silence timeout (here 5 s, by
 * --timeout: the default 30 s would make the case wait a minute for the
 * same mechanism) never fires for a client that is never silent; the whole
 * request has a deadline (two timeouts). No timing is asserted beyond that
 * generous bound. */
struct slow {
	const char *what;
	char prefix[512];
	const char *drip;
	int fd, closed;
	size_t sent;
	long secs;
};

static void test_slow_clients(void)
{
	struct slow sl[2] = {
		{.what = "slow headers", .drip = "X-Slow: aaaaaaaaaaaaaaa\r\n"},
		{.what = "slow body", .drip = "{\"title\":\"x\","},
	};
	static const char *const quick[] = {"--timeout", "5", NULL};
	size_t n = sizeof sl / sizeof sl[0], i, open_now = n;
	time_t start;
	int served = 0, tries = 0;

	/* The same server (database, index), restarted with the short timeout. */
	T_REQUIRE(server_stop(&srv) >= 0);
	T_REQUIRE(server_start_with(&srv, "hostile", quick) == 0);
	start = time(NULL);

	snprintf(sl[0].prefix, sizeof sl[0].prefix, "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\n");
	snprintf(sl[1].prefix, sizeof sl[1].prefix,
		 "POST /v1/vacancies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
		 "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
		 employer);
	for (i = 0; i < n; i++) {
		sl[i].fd = connect_local();
		T_REQUIRE(sl[i].fd >= 0);
		T_REQUIRE(send(sl[i].fd, sl[i].prefix, strlen(sl[i].prefix), MSG_NOSIGNAL) ==
			  (ssize_t)strlen(sl[i].prefix));
	}
	while (open_now && time(NULL) - start < 240) {
		for (i = 0; i < n; i++) {
			if (sl[i].closed)
				continue;
			if (send(sl[i].fd, sl[i].drip + sl[i].sent % strlen(sl[i].drip), 1,
				 MSG_NOSIGNAL) == 1)
				sl[i].sent++;
			if (closed_within(sl[i].fd, 500)) {
				sl[i].closed = 1;
				sl[i].secs = (long)(time(NULL) - start);
				open_now--;
			}
		}
		if (tries < 5) {
			tries++;
			served += health_ok();
		}
	}
	T_CHECKF(served == 5, "%d of 5 requests served beside the slow clients", served);
	for (i = 0; i < n; i++) {
		close(sl[i].fd);
		T_CHECKF(sl[i].closed, "%s: the server kept the connection open for %lds", sl[i].what,
			 (long)(time(NULL) - start));
		fprintf(stderr, "  %s: closed after %lds, %zu bytes trickled\n", sl[i].what,
			sl[i].secs, sl[i].sent);
	}
	T_CHECK(health_ok());
}

static void test_still_up(void)
{
	T_CHECK(health_ok());
}

int main(void)
{
	if (make_token("employer", "hostile-co", employer, sizeof employer) ||
	    make_token("counsellor", "hostile-centre", counsellor, sizeof counsellor) ||
	    make_token("regulator", "hostile-authority", regulator, sizeof regulator) ||
	    make_token("admin", "hostile-admin", admin, sizeof admin) ||
	    server_start(&srv, "hostile")) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_setup);
	T_RUN(test_json_suite_rejected);
	T_RUN(test_still_up);
	T_RUN(test_naughty_strings_every_endpoint);
	T_RUN(test_still_up);
	T_RUN(test_sql_metacharacters_literal);
	T_RUN(test_deep_nesting_every_endpoint);
	T_RUN(test_maxima_every_endpoint);
	T_RUN(test_bad_bytes_every_endpoint);
	T_RUN(test_still_up);
	T_RUN(test_content_length_every_endpoint);
	T_RUN(test_slow_clients);
	T_RUN(test_still_up);
	server_stop(&srv);
	return T_DONE();
}
