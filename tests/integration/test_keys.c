/*
 * test_keys.c - API keys over real HTTP and the real command line, against
 * two servers sharing one PostgreSQL: keys made, listed (never a token or
 * a hash), read and revoked by admins; a revoked key refused by the other
 * server within one second (LISTEN/NOTIFY); an expired key refused at its
 * expiry; `fairmatch keys list|revoke|rotate|create --expires`; every key
 * action in the audit log.
 */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv, srv2;
static char admin[80], employer[80];

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The status a token gets for a plain read on server s. */
static long use(const struct server *s, const char *token)
{
	struct resp r;
	long st;

	if (http(&r, s, "GET", "/v1/quotas?limit=1", token, NULL, NULL, 0))
		return -1;
	st = r.status;
	resp_free(&r);
	return st;
}

/* Polls server s until token gets `want`, for at most `limit` seconds;
 * the seconds it took, or -1. */
static double wait_status(const struct server *s, const char *token, long want, double limit)
{
	double t0 = test_now();

	for (;;) {
		if (use(s, token) == want)
			return test_now() - t0;
		if (test_now() - t0 > limit)
			return -1;
		usleep(20000);
	}
}

/* POST /v1/keys as admin: status; the key's id and token when made. */
static long make_key(const char *body, char *id, char *token)
{
	struct resp r;
	long st;

	if (http(&r, &srv, "POST", "/v1/keys", admin, NULL, body, strlen(body)))
		return -1;
	st = r.status;
	if (st == 201) {
		snprintf(id, 32, "%s", str(r.json, "id") ? str(r.json, "id") : "");
		snprintf(token, 80, "%s", str(r.json, "token") ? str(r.json, "token") : "");
	}
	resp_free(&r);
	return st;
}

/* Audit rows of action on object. */
static int audit_count(const char *object, const char *action)
{
	return test_audit_count(&srv, admin, object, action);
}

static void test_api_keys(void)
{
	char id[32], token[80], path[96];
	struct resp r;
	json_t *it;
	size_t i;
	int found = 0;

	T_EQ_INT(make_key("{\"role\":\"employer\",\"org\":\"keys-acme\"}", id, token), 201);
	T_CHECK(strncmp(token, "fm_", 3) == 0 && strlen(token) == 67);
	T_EQ_INT(use(&srv, token), 200);
	/* Listed: id, role, org, status; never a token or a hash. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/keys?org=keys-acme", admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECK(!strstr(r.body, token) && !strstr(r.body, "fm_") && !strstr(r.body, "hash"));
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		T_EQ_STR(str(it, "org"), "keys-acme");
		if (str(it, "id") && strcmp(str(it, "id"), id) == 0) {
			found = 1;
			T_EQ_STR(str(it, "status"), "active");
			T_EQ_STR(str(it, "role"), "employer");
			T_CHECK(json_is_null(json_object_get(it, "expires_at")));
		}
	}
	T_CHECK(found);
	resp_free(&r);
	/* Paging and filters. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/keys?limit=1", admin, NULL, NULL, 0) == 0);
	T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
	T_CHECK(json_is_string(json_object_get(r.json, "next_cursor")));
	{
		/* The next page starts after the first (a signed keyset). */
		char next[700], first[32];
		const char *next_id;

		snprintf(first, sizeof first, "%s",
			 str(json_array_get(json_object_get(r.json, "items"), 0), "id"));
		snprintf(next, sizeof next, "/v1/keys?limit=1&cursor=%s", str(r.json, "next_cursor"));
		resp_free(&r);
		T_REQUIRE(http(&r, &srv, "GET", next, admin, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		T_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
		next_id = str(json_array_get(json_object_get(r.json, "items"), 0), "id");
		T_CHECK(next_id && strcmp(next_id, first) != 0);
	}
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/keys?status=sleeping", admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 400);
	/* "field: message", as every other detail (review 12) */
	T_EQ_STR(json_string_value(json_object_get(r.json, "detail")),
		 "status: must be active, expired or revoked");
	resp_free(&r);
	/* Bad bodies. */
	T_EQ_INT(make_key("{\"role\":\"boss\",\"org\":\"x\"}", path, path), 400);
	T_EQ_INT(make_key("{\"role\":\"employer\",\"org\":\"x\",\"token\":\"fm_1\"}", path, path), 400);
	T_EQ_INT(make_key("{\"role\":\"employer\",\"org\":\"x\",\"expires_at\":\"2020-01-01T00:00:00Z\"}",
			  path, path), 422);
	T_EQ_INT(make_key("{\"role\":\"employer\",\"org\":\"x\",\"expires_at\":\"tomorrow\"}", path, path),
		 400);
	/* A bare date is its midnight UTC, as a flag's expires_at and the CLI
	 * read it (review 12: the API alone refused it). */
	{
		char body[128], kid[32], tok[80], date[11], want[32];
		time_t later = time(NULL) + 400 * 86400;
		struct tm tm;

		gmtime_r(&later, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		snprintf(body, sizeof body,
			 "{\"role\":\"employer\",\"org\":\"keys-date\",\"expires_at\":\"%s\"}", date);
		T_EQ_INT(make_key(body, kid, tok), 201);
		snprintf(path, sizeof path, "/v1/keys/%s", kid);
		T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
		T_EQ_INT(r.status, 200);
		snprintf(want, sizeof want, "%sT00:00:00Z", date);
		T_EQ_STR(str(r.json, "expires_at"), want);
		resp_free(&r);
		T_EQ_INT(make_key("{\"role\":\"employer\",\"org\":\"x\",\"expires_at\":\"2020-01-01\"}",
				  kid, tok), 422);
		T_EQ_INT(make_key("{\"role\":\"employer\",\"org\":\"x\",\"expires_at\":\"2031-02-30\"}",
				  kid, tok), 400);
	}
	/* Only admins. */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/keys", employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	T_REQUIRE(http_json(&r, &srv, "POST", "/v1/keys", employer,
			    "{\"role\":\"admin\",\"org\":\"acme\"}") == 0);
	T_EQ_INT(r.status, 403);
	resp_free(&r);
	/* One key; unknown ones. */
	snprintf(path, sizeof path, "/v1/keys/%s", id);
	T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "id"), id);
	T_CHECK(!json_object_get(r.json, "token"));
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "GET", "/v1/keys/k_999999", admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_REQUIRE(http(&r, &srv, "DELETE", "/v1/keys/12", admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 404);
	resp_free(&r);
	T_EQ_INT(audit_count(id, "key.create"), 1);
	T_EQ_INT(audit_count(id, "key.read"), 1);
}

/* The brief's rule: a revoked token is refused within 1 s on a second
 * server that had it cached. */
static void test_revocation_reaches_both_servers(void)
{
	char id[32], token[80], path[96];
	struct resp r;
	double took;

	T_REQUIRE(make_key("{\"role\":\"employer\",\"org\":\"keys-revoke\"}", id, token) == 201);
	/* Both servers have verified (and cached) it. */
	T_EQ_INT(use(&srv, token), 200);
	T_EQ_INT(use(&srv2, token), 200);
	T_EQ_INT(use(&srv2, token), 200);
	snprintf(path, sizeof path, "/v1/keys/%s", id);
	T_REQUIRE(http(&r, &srv, "DELETE", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_EQ_STR(str(r.json, "status"), "revoked");
	T_CHECK(json_is_string(json_object_get(r.json, "revoked_at")));
	resp_free(&r);
	took = wait_status(&srv2, token, 401, 2.0);
	T_CHECKF(took >= 0 && took <= 1.0, "the revocation took %.3f s to reach the second server", took);
	fprintf(stderr, "  revocation reached the second server in %.3f s\n", took);
	T_EQ_INT(use(&srv, token), 401);
	T_EQ_INT(use(&srv2, token), 401);
	/* Once. */
	T_REQUIRE(http(&r, &srv, "DELETE", path, admin, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 409);
	resp_free(&r);
	T_EQ_INT(audit_count(id, "key.revoke"), 1);
}

/* An expired key stops at its expiry, cached or not, on both servers. */
static void test_expiry(void)
{
	char id[32], token[80], body[160], at[32];
	time_t t = time(NULL) + 3;
	struct tm tm;
	double took;

	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(body, sizeof body, "{\"role\":\"employer\",\"org\":\"keys-expiry\",\"expires_at\":\"%s\"}", at);
	T_REQUIRE(make_key(body, id, token) == 201);
	T_EQ_INT(use(&srv, token), 200);
	T_EQ_INT(use(&srv2, token), 200);
	while (time(NULL) < t)
		usleep(50000);
	took = wait_status(&srv2, token, 401, 2.0);
	T_CHECKF(took >= 0 && took <= 1.0, "the expired key worked %.3f s after its expiry", took);
	T_EQ_INT(use(&srv, token), 401);
	{
		struct resp r;
		char path[96];

		snprintf(path, sizeof path, "/v1/keys/%s", id);
		T_REQUIRE(http(&r, &srv, "GET", path, admin, NULL, NULL, 0) == 0);
		T_EQ_STR(str(r.json, "status"), "expired");
		resp_free(&r);
	}
}

/* The command line: create with --expires, list, revoke, rotate. */
static void test_cli(void)
{
	char token[128], token2[128], token3[128], line[256], id[32], first[32];
	const char *tab;

	T_EQ_INT(cli(token, sizeof token, "keys create --role employer --org keys-cli --expires 30d"), 0);
	T_REQUIRE(strncmp(token, "fm_", 3) == 0);
	T_EQ_INT(use(&srv2, token), 200);
	/* list: one line per key, the token nowhere. */
	T_EQ_INT(cli(line, sizeof line, "keys list --org keys-cli"), 0);
	T_CHECK(strstr(line, "\temployer\tkeys-cli\tactive\t") != NULL);
	T_CHECK(!strstr(line, "fm_"));
	T_CHECK(!strstr(line, "never")); /* it expires */
	tab = strchr(line, '\t');
	T_REQUIRE(tab);
	snprintf(id, sizeof id, "%.*s", (int)(tab - line), line);
	snprintf(first, sizeof first, "%s", id);
	/* rotate: the new token works at once; with --grace the old one too. */
	T_EQ_INT(cli(token2, sizeof token2, "keys rotate %s --grace 1h", id), 0);
	T_REQUIRE(strncmp(token2, "fm_", 3) == 0);
	T_CHECK(strcmp(token, token2) != 0);
	T_EQ_INT(use(&srv2, token2), 200);
	T_EQ_INT(use(&srv2, token), 200);
	/* rotate without grace: the old one stops on the other server in 1 s. */
	T_EQ_INT(cli(line, sizeof line, "keys list --org keys-cli --status active"), 0);
	T_EQ_INT(cli(token3, sizeof token3, "keys rotate %s", id), 0);
	{
		double took = wait_status(&srv2, token, 401, 2.0);

		T_CHECKF(took >= 0 && took <= 1.0, "a rotated key worked %.3f s on", took);
	}
	T_EQ_INT(use(&srv2, token3), 200);
	/* revoke (k_ or bare id); twice is an error; unknown ids too. */
	T_EQ_INT(cli(line, sizeof line, "keys list --org keys-cli --status active"), 0);
	tab = strchr(line, '\t');
	T_REQUIRE(tab);
	snprintf(id, sizeof id, "%.*s", (int)(tab - line), line);
	T_EQ_INT(cli(NULL, 0, "keys revoke %s 2>/dev/null", id), 0);
	/* The first active key is token2's (made before token3's). */
	T_CHECK(wait_status(&srv2, token2, 401, 1.0) >= 0);
	T_EQ_INT(use(&srv2, token3), 200);
	T_EQ_INT(cli(NULL, 0, "keys revoke %s 2>/dev/null", id + 2), 1);
	T_EQ_INT(cli(NULL, 0, "keys revoke k_999999 2>/dev/null"), 1);
	T_EQ_INT(cli(NULL, 0, "keys revoke nonsense 2>/dev/null"), 2);
	/* Expiry forms. */
	T_EQ_INT(cli(NULL, 0, "keys create --role employer --org x --expires 2020-01-01 2>/dev/null"), 2);
	T_EQ_INT(cli(NULL, 0, "keys create --role employer --org x --expires soon 2>/dev/null"), 2);
	T_EQ_INT(cli(NULL, 0, "keys frobnicate 2>/dev/null"), 2);
	T_EQ_INT(audit_count(id, "key.revoke"), 1);
	T_EQ_INT(audit_count(first, "key.rotate"), 2);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (make_token("admin", "ops", admin, sizeof admin) ||
	    make_token("employer", "acme", employer, sizeof employer) ||
	    server_start(&srv, "keys") || server_start(&srv2, "keys2")) {
		fprintf(stderr, "cannot set up: tokens or servers\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_api_keys);
	T_RUN(test_revocation_reaches_both_servers);
	T_RUN(test_expiry);
	T_RUN(test_cli);
	server_stop(&srv);
	server_stop(&srv2);
	curl_global_cleanup();
	return T_DONE();
}
