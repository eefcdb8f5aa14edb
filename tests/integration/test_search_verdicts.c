/*
 * test_search_verdicts.c - the search answer written as text against the
 * trees it replaced, with the recruiters' verdicts a real integrity
 * snapshot gives (flags from PostgreSQL), which the unit test
 * (tests/unit/test_search_text.c) cannot build: a warning-flagged
 * recruiter (its flags listed in each vacancy's verdict, shown only with
 * include_flagged), a blacklisted one (never shown), a licensed and an
 * unknown one, and vacancies without a recruiter.
 *
 * A real server indexes the vacancies; this process opens the same index
 * and database and compares, byte for byte, what GET /v1/vacancies sends
 * with what search_vacancies' trees (labelled by taxonomy_label_doc,
 * dumped by json_dumps) and search_vacancies_text give, next pages
 * included (the cursors are signed with the server's key, read here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "engine/core/cursor.h"
#include "engine/integrity/integrity.h"
#include "engine/search.h"
#include "engine/store/store.h"
#include "engine/taxonomy/taxonomy.h"
#include "index/index.h"
#include "tests/support/http.h"
#include "tests/support/t.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static struct server srv;
static char employer[80], counsellor[80], regulator[80];
static store *db_store;
static index_db *db_index;

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void post_vacancy(const char *title, const char *recruiter)
{
	struct resp r;

	T_CHECKF(http_json(&r, &srv, "POST", "/v1/vacancies", employer,
			  "{\"title\":\"%s\",\"description\":\"Quetzal harvest work \\\"with\\\" "
			  "\\u00e9quipe\",\"occupation\":\"9211\",\"country\":\"ZA\","
			  "\"positions\":2,\"valid_until\":\"2099-01-01\",\"salary\":{\"min\":1234,"
			  "\"max\":2000,\"currency\":\"ZAR\",\"period\":\"month\"}%s%s}",
			  title, recruiter ? ",\"recruiter\":" : "", recruiter ? recruiter : "") == 0 &&
		 r.status == 201, "%s: %ld %s", title, r.status, r.body ? r.body : "");
	resp_free(&r);
}

static void flag(const char *rid, const char *severity, const char *reason, const char *evidence)
{
	struct resp r;
	char path[128];

	snprintf(path, sizeof path, "/v1/recruiters/%s/flags", rid);
	T_CHECKF(http_json(&r, &srv, "POST", path, regulator,
			  "{\"severity\":\"%s\",\"reason\":\"%s\",\"evidence\":\"%s\","
			  "\"expires_at\":null}",
			  severity, reason, evidence) == 0 &&
		 r.status == 201, "flag %s: %ld %s", rid, r.status, r.body ? r.body : "");
	resp_free(&r);
}

/* The server's cursor key (engine.c reads it the same way), so this
 * process signs the cursors the server signs. */
static int load_server_cursor_key(void)
{
	PGresult *r = store_exec(db_store, "SELECT encode(secret, 'hex') FROM server_secrets"
					   " WHERE name = 'cursor'", 0, NULL);
	unsigned char key[64];
	size_t n = 0;
	const char *hex;

	if (!r || PQntuples(r) != 1) {
		if (r)
			PQclear(r);
		return -1;
	}
	for (hex = PQgetvalue(r, 0, 0); hex[0] && hex[1] && n < sizeof key; hex += 2)
		if (sscanf(hex, "%2hhx", &key[n++]) != 1)
			break;
	PQclear(r);
	return cursor_set_key(key, n);
}

/* One query three ways, then its next pages; returns the items seen. */
static size_t same_three_ways(const char *query, struct vacancy_query q, int pages)
{
	char path[512], cursor[512];
	size_t seen = 0;
	int page;

	for (page = 0; page < pages; page++) {
		json_t *tree = NULL, *v, *next;
		char *want = NULL, *text = NULL;
		struct resp r;
		problem p;
		size_t i;
		int more;

		problem_init(&p);
		T_CHECK(search_vacancies(db_index, &q, &tree, &p) == 0);
		problem_release(&p);
		problem_init(&p);
		T_CHECK(search_vacancies_text(db_index, &q, &text, &p) == 0);
		problem_release(&p);
		json_array_foreach(json_object_get(tree, "items"), i, v)
			taxonomy_label_doc(v, q.lang);
		want = tree ? json_dumps(tree, FLAGS) : NULL;
		snprintf(path, sizeof path, "/v1/vacancies?%s%s%s", query, q.cursor ? "&cursor=" : "",
			 q.cursor ? q.cursor : "");
		if (http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0)) {
			T_CHECKF(0, "%s: no answer from the server", path);
			free(want);
			free(text);
			json_decref(tree);
			break;
		}
		T_CHECKF(want && text && strcmp(want, text) == 0, "%s: tree and text differ:\n  %s\n  %s",
			 path, want ? want : "(null)", text ? text : "(null)");
		T_CHECKF(r.status == 200 && want && r.body && strcmp(want, r.body) == 0,
			 "%s: the server's answer differs:\n  %s\n  %s", path, want ? want : "(null)",
			 r.body ? r.body : "(null)");
		seen += json_array_size(json_object_get(tree, "items"));
		next = json_object_get(tree, "next_cursor");
		more = json_is_string(next);
		if (more)
			snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
		resp_free(&r);
		free(want);
		free(text);
		json_decref(tree);
		if (!more)
			break;
		q.cursor = cursor;
	}
	return seen;
}

static void test_verdicts_as_trees(void)
{
	char rid_w[32], rid_b[32], rid_l[32], err[256];
	static const char *const langs[] = {"en", "fr", "es"};
	const char *db = getenv("FAIRMATCH_DB");
	index_error e = {{0}};
	size_t l, seen = 0;
	struct resp r;
	json_t *it;
	int flags_seen = 0;

	T_REQUIRE(*test_register_recruiter(&srv, regulator,
					   "{\"name\":\"Quetzal Warning Labour\",\"country\":\"ZA\","
					   "\"licence\":{\"number\":\"ZA-QW-1\"}}",
					   rid_w, sizeof rid_w));
	T_REQUIRE(*test_register_recruiter(&srv, regulator,
					   "{\"name\":\"Quetzal Black Manpower\",\"country\":\"ZA\","
					   "\"licence\":{\"number\":\"ZA-QB-2\"}}",
					   rid_b, sizeof rid_b));
	T_REQUIRE(*test_register_recruiter(&srv, regulator,
					   "{\"name\":\"Quetzal Licensed Staffing\",\"country\":\"ZA\","
					   "\"licence\":{\"number\":\"ZA-QL-3\",\"authority\":\"Labour\","
					   "\"valid_until\":\"2099-01-01\"}}",
					   rid_l, sizeof rid_l));
	post_vacancy("Quetzal picker warned",
		     "{\"name\":\"Quetzal Warning Labour\",\"licence\":\"ZA-QW-1\",\"country\":\"ZA\"}");
	post_vacancy("Quetzal picker warned again", "{\"name\":\"Quetzal Warning Labour\"}");
	post_vacancy("Quetzal picker black", "{\"name\":\"Quetzal Black Manpower\"}");
	post_vacancy("Quetzal picker licensed",
		     "{\"name\":\"Quetzal Licensed Staffing\",\"licence\":\"ZA-QL-3\"}");
	post_vacancy("Quetzal picker unknown", "{\"name\":\"Nobody \\\"Known\\\" \\u00c9tablissement\"}");
	post_vacancy("Quetzal picker direct", NULL);
	post_vacancy("Quetzal picker direct again", NULL);
	/* flagged after the vacancies were written: the search hides or marks them */
	flag(rid_w, "warning", "worker_fees", "fees \\\"charged\\\" to workers \\u2014 twice\\n");
	flag(rid_w, "warning", "other", "second inspection");
	flag(rid_b, "blacklist", "unlicensed", "forged licences");

	T_REQUIRE(store_connect(db, &db_store, err, sizeof err) == 0);
	/* the snapshot and the registry (licensed or not), as the server keeps them */
	T_REQUIRE(integrity_start(db) == 0 && load_server_cursor_key() == 0);
	T_REQUIRE(index_open_readonly(srv.index, &db_index, &e) == 0);
	for (l = 0; l < 3; l++) {
		/* the caller's organisation binds the cursor: the counsellor's */
		struct vacancy_query q = {.q = "quetzal", .lang = langs[l], .caller_org = "counsellors"};
		char query[128];

		snprintf(query, sizeof query, "q=quetzal&lang=%s", langs[l]);
		seen += same_three_ways(query, q, 1);
		q.include_flagged = 1;
		snprintf(query, sizeof query, "q=quetzal&lang=%s&include_flagged=true", langs[l]);
		seen += same_three_ways(query, q, 1);
		q.limit = "2";
		snprintf(query, sizeof query, "q=quetzal&lang=%s&include_flagged=true&limit=2", langs[l]);
		seen += same_three_ways(query, q, 5);
		q.q = NULL;
		q.sort = "newest";
		q.country = "ZA";
		snprintf(query, sizeof query, "country=ZA&sort=newest&lang=%s&include_flagged=true&limit=2",
			 langs[l]);
		seen += same_three_ways(query, q, 3);
	}
	T_CHECKF(seen >= 30, "only %zu items compared", seen);
	/* the data holds what the text must write: a flagged verdict with its flags */
	T_REQUIRE(http(&r, &srv, "GET", "/v1/vacancies?q=quetzal&include_flagged=true&limit=100",
		       counsellor, NULL, NULL, 0) == 0);
	json_array_foreach(json_object_get(r.json, "items"), l, it) {
		json_t *verdict = json_object_get(it, "recruiter_verdict");

		T_CHECK(strcmp(str(it, "title"), "Quetzal picker black") != 0);
		if (str(verdict, "verdict") && strcmp(str(verdict, "verdict"), "flagged") == 0 &&
		    json_array_size(json_object_get(verdict, "flags")) == 2 && str(verdict, "recruiter"))
			flags_seen++;
	}
	T_CHECKF(flags_seen == 2, "%d vacancies with a flagged verdict and its two flags", flags_seen);
	resp_free(&r);
	index_close(db_index);
	store_close(db_store);
	integrity_stop();
}

int main(void)
{
	if (server_start(&srv, "search_verdicts") != 0) {
		fprintf(stderr, "server did not start\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	make_token("employer", "quetzal-farms", employer, sizeof employer);
	make_token("counsellor", "counsellors", counsellor, sizeof counsellor);
	make_token("regulator", "regulator", regulator, sizeof regulator);
	T_RUN(test_verdicts_as_trees);
	server_stop(&srv);
	return T_DONE();
}
