/*
 * test_audit_erasure.c - an erased profile's audit history names nobody
 * (docs/privacy.md, "Forgetting"; 018_audit_alias.sql).
 *
 * A profile is created, read, matched, changed, shown to an employer as a
 * card and placed on a quota listing; then erased, by its counsellor's
 * DELETE and by retention. Afterwards GET /v1/audit?object=<id> lists only
 * the erasure (to the regulator and to the profile's own organisation), a
 * scan of audit_log as the server role finds the id in the erasure row
 * only, and no other table ties a row to it; every earlier row is still
 * there and still counted. A real server and PostgreSQL.
 */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/store/store.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

static store *owner, *server;
static struct server srv;
static char counsellor[80], employer[80], regulator[80], admin[80];

/* The first column of the first row of a query as a number; -1 on error. */
static long long scalar(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long scalar(store *s, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	PGresult *r;
	long long v = -1;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	r = store_exec(s, sql, 0, NULL);
	if (!r) {
		fprintf(stderr, "  sql failed: %s: %s\n", sql, store_error(s));
		return -1;
	}
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* POSTs body to path as token; copies the answer's id into id. */
static int post_id(const char *token, const char *path, const char *body, char *id, size_t len)
{
	struct resp r;
	int rc = -1;

	id[0] = '\0';
	if (http(&r, &srv, "POST", path, token, NULL, body, strlen(body)) == 0 && r.status == 201 &&
	    str(r.json, "id")) {
		snprintf(id, len, "%s", str(r.json, "id"));
		rc = 0;
	} else {
		fprintf(stderr, "  POST %s: %ld %s\n", path, r.status, r.body ? r.body : "");
	}
	resp_free(&r);
	return rc;
}

/* The status of one request (its body ignored). */
static long call(const char *method, const char *path, const char *token, const char *body)
{
	struct resp r;
	long status = -1;

	if (http(&r, &srv, method, path, token, NULL, body, body ? strlen(body) : 0) == 0)
		status = r.status;
	resp_free(&r);
	return status;
}

/* GET /v1/audit?object=id as token: the number of rows (-1 on error); the
 * actions, joined by spaces, in actions. */
static int audit_of(const char *token, const char *id, char *actions, size_t len)
{
	char path[128];
	struct resp r;
	const json_t *it;
	size_t i, used = 0;
	int n = -1;

	actions[0] = '\0';
	snprintf(path, sizeof path, "/v1/audit?object=%s&limit=1000", id);
	if (http(&r, &srv, "GET", path, token, NULL, NULL, 0) == 0 && r.status == 200) {
		n = (int)json_array_size(json_object_get(r.json, "items"));
		json_array_foreach(json_object_get(r.json, "items"), i, it) {
			const char *a = str(it, "action");
			int w;

			if (used >= len)
				break;
			w = snprintf(actions + used, len - used, "%s%s", used ? " " : "", a ? a : "?");
			used += w > 0 ? (size_t)w : 0;
		}
	}
	resp_free(&r);
	return n;
}

/* Audit rows (after row id `since`) in which the id appears, as the server
 * role acting as role of org: in the object, in the detail, or read back
 * through the alias functions the server itself uses. */
static long long rows_naming(const char *role, const char *org, const char *id, long long since)
{
	store_set_actor(server, role, org);
	return scalar(server,
		      "SELECT count(*) FROM audit_log WHERE id > %lld AND (object = '%s'"
		      " OR detail::text LIKE '%%%s%%' OR fairmatch_audit_object(object) = '%s'"
		      " OR fairmatch_audit_detail(detail, false)::text LIKE '%%%s%%')",
		      since, id, id, id, id);
}

/* Every audit row after `since` written by the test's organisations. */
static long long rows_of_orgs(long long since)
{
	return scalar(owner, "SELECT count(*) FROM audit_log WHERE id > %lld"
			     " AND org IN ('erase-centre', 'erase-employer', 'erase-ops')", since);
}

static void test_erased_by_counsellor(void)
{
	char id[32], vid[32], qid[32], plid[32], path[128], actions[1024];
	const char *profile = "{\"occupations\":[\"7212\"],\"skills\":[\"MIG welding\"],"
			      "\"citizenship\":\"LS\",\"desired_countries\":[\"ZA\"],"
			      "\"consent\":{\"matching\":true,\"show_to_employers\":true}}";
	long long since = scalar(owner, "SELECT coalesce(max(id), 0) FROM audit_log"), events;
	struct resp r;
	int n, shown = 0;
	size_t i;
	const json_t *it;

	T_REQUIRE(since >= 0);
	T_REQUIRE(post_id(counsellor, "/v1/profiles", profile, id, sizeof id) == 0);
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_EQ_INT(call("GET", path, counsellor, NULL), 200);
	T_EQ_INT(call("PATCH", path, counsellor, "{\"experience_years\":4}"), 200);
	snprintf(path, sizeof path, "{\"profile_id\":\"%s\"}", id);
	T_EQ_INT(call("POST", "/v1/match", counsellor, path), 200);
	/* Shown to an employer as a candidate card. */
	T_REQUIRE(post_id(employer, "/v1/vacancies",
			  "{\"title\":\"Welder\",\"occupation\":\"7212\",\"country\":\"ZA\","
			  "\"skills\":{\"essential\":[\"MIG welding\"],\"optional\":[]},\"valid_until\":\"2099-01-01\"}",
			  vid, sizeof vid) == 0);
	snprintf(path, sizeof path, "/v1/vacancies/%s/candidates?limit=100", vid);
	T_REQUIRE(http(&r, &srv, "GET", path, employer, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		shown += str(it, "profile") && strcmp(str(it, "profile"), id) == 0;
	resp_free(&r);
	T_CHECKF(shown == 1, "card of %s shown %d times", id, shown);
	/* Placed on a quota listing. */
	T_REQUIRE(post_id(admin, "/v1/quotas",
			  "{\"agreement\":\"Erasure test\",\"origin_countries\":[\"LS\"],"
			  "\"destination_country\":\"ZA\",\"occupation\":\"7212\",\"slots\":3,"
			  "\"valid_from\":\"2020-01-01\",\"valid_until\":\"2099-12-31\","
			  "\"conditions\":\"test\"}",
			  qid, sizeof qid) == 0);
	snprintf(path, sizeof path, "/v1/quotas/%s/placements", qid);
	snprintf(actions, sizeof actions, "{\"profile_id\":\"%s\"}", id);
	T_REQUIRE(post_id(counsellor, path, actions, plid, sizeof plid) == 0);

	/* Before: the history is there under the id, for the regulator and
	 * the admin (as pseudonyms) and, in SQL, for the own organisation. */
	n = audit_of(regulator, id, actions, sizeof actions);
	T_CHECKF(n == 6 && strstr(actions, "profile.create") && strstr(actions, "profile.read") &&
			 strstr(actions, "profile.update") && strstr(actions, "profile.match") &&
			 strstr(actions, "profile.card") && strstr(actions, "profile.quota_placement"),
		 "%d rows: %s", n, actions);
	T_EQ_INT(audit_of(admin, id, actions, sizeof actions), 6);
	/* Stored under the alias, never under the id. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE id > %lld"
			       " AND (object = '%s' OR detail::text LIKE '%%%s%%')", since, id, id),
		 0);
	/* With the quota.placement row, whose detail names the profile. */
	T_EQ_INT(rows_naming("regulator", "erase-regulator", id, since), 7);
	T_EQ_INT(rows_naming("counsellor", "erase-centre", id, since), 6);
	events = rows_of_orgs(since);
	T_CHECKF(events >= 7, "%lld rows", events); /* and the listing's */

	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_EQ_INT(call("DELETE", path, counsellor, NULL), 200);

	/* After: only the erasure, for every viewer. */
	n = audit_of(regulator, id, actions, sizeof actions);
	T_CHECKF(n == 1 && strcmp(actions, "profile.erase") == 0, "regulator: %d rows: %s", n, actions);
	n = audit_of(admin, id, actions, sizeof actions);
	T_CHECKF(n == 1 && strcmp(actions, "profile.erase") == 0, "admin: %d rows: %s", n, actions);
	T_EQ_INT(rows_naming("regulator", "erase-regulator", id, since), 1);
	T_EQ_INT(rows_naming("counsellor", "erase-centre", id, since), 1);
	T_EQ_INT(rows_naming("admin", "erase-ops", id, since), 1);
	/* The placement keeps its slot but no longer names the person, so its
	 * audit rows ("pl_…") lead nowhere either. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM placements WHERE profile = '%s'", id), 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM placements WHERE 'pl_' || id = '%s'"
			       " AND profile LIKE 'pa\\_%%' AND released_at IS NULL", plid),
		 1);
	/* Every earlier event is still a counted row, plus the erasure. */
	T_EQ_INT(rows_of_orgs(since), events + 1);
	T_EQ_INT(scalar(owner, "SELECT count(DISTINCT action) FROM audit_log WHERE id > %lld"
			       " AND action IN ('profile.create', 'profile.read', 'profile.update',"
			       " 'profile.match', 'profile.card', 'quota.placement')", since),
		 6);
	/* The owner's own listing shows the rows, with an alias naming nobody. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE id > %lld AND org = 'erase-centre'"
			       " AND action = 'profile.create' AND object LIKE 'pa\\_%%'", since),
		 1);
	/* The slot can still be given back; the answer does not name the person. */
	snprintf(path, sizeof path, "/v1/quotas/%s/placements/%s", qid, plid);
	T_REQUIRE(http(&r, &srv, "DELETE", path, counsellor, NULL, NULL, 0) == 0);
	T_EQ_INT(r.status, 200);
	T_CHECKF(r.body && !strstr(r.body, id) && str(r.json, "profile_id") &&
			 strncmp(str(r.json, "profile_id"), "pa_", 3) == 0,
		 "%.300s", r.body ? r.body : "");
	resp_free(&r);
}

static void test_erased_by_retention(void)
{
	char id[32], path[128], actions[1024], out[64];
	long long since = scalar(owner, "SELECT coalesce(max(id), 0) FROM audit_log"), events;
	int n;

	T_REQUIRE(since >= 0);
	T_REQUIRE(post_id(counsellor, "/v1/profiles",
			  "{\"skills\":[\"bricklaying\"],\"citizenship\":\"LS\"}", id, sizeof id) == 0);
	snprintf(path, sizeof path, "/v1/profiles/%s", id);
	T_EQ_INT(call("GET", path, counsellor, NULL), 200);
	T_EQ_INT(call("PATCH", path, counsellor, "{\"experience_years\":2}"), 200);
	n = audit_of(regulator, id, actions, sizeof actions);
	T_CHECKF(n == 3, "%d rows: %s", n, actions);
	T_EQ_INT(rows_naming("counsellor", "erase-centre", id, since), 3);
	events = rows_of_orgs(since);
	T_EQ_INT(events, 3);
	T_REQUIRE(scalar(owner, "UPDATE profiles SET last_touched_at = now() - interval '25 months'"
				" WHERE id = '%s' RETURNING 1", id) == 1);

	T_EQ_INT(cli(out, sizeof out, "retention --months 24 --no-compact"), 0);
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM profiles WHERE id = '%s'", id), 0);

	n = audit_of(regulator, id, actions, sizeof actions);
	T_CHECKF(n == 1 && strcmp(actions, "profile.erase") == 0, "regulator: %d rows: %s", n, actions);
	T_EQ_INT(rows_naming("regulator", "erase-regulator", id, since), 1);
	T_EQ_INT(rows_naming("counsellor", "erase-centre", id, since), 1);
	/* The erasure row keeps the plain id: that it happened, and why. */
	T_EQ_INT(scalar(owner, "SELECT count(*) FROM audit_log WHERE id > %lld AND object = '%s'"
			       " AND action = 'profile.erase' AND detail->>'why' = 'retention'",
			since, id),
		 1);
	T_EQ_INT(rows_of_orgs(since), events + 1);
}

int main(void)
{
	char conninfo[4096], role_conninfo[4096], err[512] = "";

	curl_global_init(CURL_GLOBAL_ALL);
	store_default_conninfo(conninfo, sizeof conninfo);
	if (store_connect(conninfo, &owner, err, sizeof err) || store_migrate(owner) ||
	    store_role_conninfo(conninfo, STORE_SERVER_ROLE, role_conninfo, sizeof role_conninfo, err,
				sizeof err) ||
	    store_connect(role_conninfo, &server, err, sizeof err) ||
	    make_token("counsellor", "erase-centre", counsellor, sizeof counsellor) ||
	    make_token("employer", "erase-employer", employer, sizeof employer) ||
	    make_token("regulator", "erase-regulator", regulator, sizeof regulator) ||
	    make_token("admin", "erase-ops", admin, sizeof admin) ||
	    server_start(&srv, "audit-erasure")) {
		fprintf(stderr, "cannot set up: %s\n", err);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_erased_by_counsellor);
	T_RUN(test_erased_by_retention);
	server_stop(&srv);
	store_close(server);
	store_close(owner);
	curl_global_cleanup();
	return T_DONE();
}
