/*
 * test_expire.c - the nightly close of expired vacancies over real HTTP,
 * PostgreSQL and index: `fairmatch expire` closes a vacancy past its
 * valid_until (and nothing else), audited as vacancy.expire, announced in
 * the change feed as "closed", and the index drops it, so search and match
 * stop showing it although its index document still carried the old date;
 * a second run closes nothing; `serve` does the same by itself at start.
 * Also: what search and match answer for a vacancy is the whole vacancy
 * (the index document keeps a compact card; the answer's fields are all
 * there, description and skills included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/http.h"
#include "tests/support/t.h"

static struct server srv;
static char employer[80], counsellor[80], regulator[80];
static char v_old[32], v_live[32], v_late[32];

#define VACANCY(title)                                                                     \
	"{\"title\":\"" title "\",\"description\":\"Quarrelsome zyxwelder wanted for pipes.\","  \
	"\"occupation\":\"7212\",\"country\":\"ZA\",\"city\":\"Durban\","                     \
	"\"skills\":{\"essential\":[\"MIG welding\"],\"optional\":[\"read blueprints\"]},"      \
	"\"languages\":[{\"code\":\"en\",\"level\":\"B1\"}],\"positions\":2,"                   \
	"\"salary\":{\"min\":9000,\"max\":12000,\"currency\":\"ZAR\",\"period\":\"month\"},"     \
	"\"valid_until\":\"2099-03-31\"}"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int post(const char *body, char *id, size_t len)
{
	struct resp r;
	int ok;

	id[0] = '\0';
	ok = http(&r, &srv, "POST", "/v1/vacancies", employer, NULL, body, strlen(body)) == 0 &&
	     r.status == 201 && str(r.json, "id");
	if (ok)
		snprintf(id, len, "%s", str(r.json, "id"));
	resp_free(&r);
	return ok ? 0 : -1;
}

/* Puts vacancy id's valid_until in the past in PostgreSQL only (column and
 * document), behind the change log's back: its index document keeps the
 * old date, so only a closure through the change log takes it out. */
static int backdate(const char *id)
{
	char sql[512];

	snprintf(sql, sizeof sql,
		 "UPDATE vacancies SET valid_until = current_date - 2,"
		 " doc = jsonb_set(doc, '{valid_until}', to_jsonb((current_date - 2)::text))"
		 " WHERE id = %s",
		 id + 2);
	return test_psql(sql);
}

/* The items of a search for the test's word: the found ids as ",a,b,". */
static void search_ids(char *out, size_t len, json_t **first)
{
	struct resp r;
	size_t i, n = 0;
	json_t *it;

	out[0] = '\0';
	if (http(&r, &srv, "GET", "/v1/vacancies?q=zyxwelder&country=ZA", counsellor, NULL, NULL,
		 0) == 0 &&
	    r.status == 200) {
		n += (size_t)snprintf(out, len, ",");
		json_array_foreach(json_object_get(r.json, "items"), i, it) {
			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s,", str(it, "id"));
			if (first && !*first)
				*first = json_incref(it);
		}
	}
	resp_free(&r);
}

static void match_ids(char *out, size_t len, json_t **first)
{
	static const char body[] =
		"{\"profile\":{\"occupations\":[\"7212\"],\"skills\":[\"MIG welding\"],"
		"\"languages\":[{\"code\":\"en\",\"level\":\"C1\"}]},\"countries\":[\"ZA\"]}";
	struct resp r;
	size_t i, n = 0;
	json_t *it;

	out[0] = '\0';
	if (http(&r, &srv, "POST", "/v1/match", counsellor, NULL, body, strlen(body)) == 0 &&
	    r.status == 200) {
		n += (size_t)snprintf(out, len, ",");
		json_array_foreach(json_object_get(r.json, "vacancies"), i, it) {
			json_t *v = json_object_get(it, "vacancy");

			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s,", str(v, "id"));
			if (first && !*first)
				*first = json_incref(v);
		}
	}
	resp_free(&r);
}

static int has(const char *list, const char *id)
{
	char key[40];

	snprintf(key, sizeof key, ",%s,", id);
	return strstr(list, key) != NULL;
}

/* Waits (up to 10 s) until neither search nor match shows id. */
static int wait_gone(const char *id)
{
	char s[1024], m[4096];
	int i;

	for (i = 0; i < 200; i++) {
		search_ids(s, sizeof s, NULL);
		match_ids(m, sizeof m, NULL);
		if (s[0] && m[0] && !has(s, id) && !has(m, id))
			return 0;
		test_sleep_ms(50);
	}
	return -1;
}

/* The change-feed kinds of id, in order ("created,closed"). */
static void feed_kinds(const char *id, char *out, size_t len)
{
	struct resp r;
	size_t i, n = 0;
	json_t *it;

	out[0] = '\0';
	if (http(&r, &srv, "GET", "/v1/vacancies/changes?limit=1000", counsellor, NULL, NULL, 0) ==
		    0 &&
	    r.status == 200)
		json_array_foreach(json_object_get(r.json, "items"), i, it) {
			if (strcmp(str(it, "id"), id) == 0)
				n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s",
						      n ? "," : "", str(it, "change"));
		}
	resp_free(&r);
}

static const char *status_of(const char *id, char *buf, size_t len)
{
	char path[64];
	struct resp r;

	snprintf(path, sizeof path, "/v1/vacancies/%s", id);
	buf[0] = '\0';
	if (http(&r, &srv, "GET", path, counsellor, NULL, NULL, 0) == 0 && r.status == 200)
		snprintf(buf, len, "%s", str(r.json, "status"));
	resp_free(&r);
	return buf;
}

/* Search and match answer with the whole vacancy, as GET answers it. */
static void test_answers_hold_the_vacancy(void)
{
	char s[1024], m[4096];
	json_t *hit = NULL, *mv = NULL, *sk;
	json_t *hits[2];
	size_t k;

	T_REQUIRE(post(VACANCY("Pipe welder"), v_live, sizeof v_live) == 0);
	search_ids(s, sizeof s, &hit);
	match_ids(m, sizeof m, &mv);
	T_CHECKF(has(s, v_live), "search: %s", s);
	T_CHECKF(has(m, v_live), "match: %s", m);
	T_REQUIRE(hit && mv);
	hits[0] = hit;
	hits[1] = mv;
	for (k = 0; k < 2; k++) {
		json_t *v = hits[k];

		T_EQ_STR(str(v, "id"), v_live);
		T_EQ_STR(str(v, "title"), "Pipe welder");
		T_EQ_STR(str(v, "description"), "Quarrelsome zyxwelder wanted for pipes.");
		T_EQ_STR(str(v, "city"), "Durban");
		T_EQ_STR(str(v, "country"), "ZA");
		T_EQ_STR(str(v, "status"), "open");
		T_EQ_STR(str(v, "org"), "expire-co");
		T_EQ_STR(str(v, "valid_until"), "2099-03-31");
		T_CHECK(str(v, "created_at") != NULL);
		T_EQ_INT(json_integer_value(json_object_get(v, "positions")), 2);
		T_EQ_INT(json_integer_value(json_object_get(json_object_get(v, "salary"), "max")),
			 12000);
		sk = json_object_get(v, "skills");
		T_EQ_INT(json_array_size(json_object_get(sk, "essential")), 1);
		T_EQ_INT(json_array_size(json_object_get(sk, "optional")), 1);
		T_EQ_STR(str(json_array_get(json_object_get(v, "languages"), 0), "level"), "B1");
	}
	json_decref(hit);
	json_decref(mv);
}

static void test_cli_expire(void)
{
	char out[64], s[1024], m[4096], kinds[128], st[32];

	T_REQUIRE(post(VACANCY("Pipe welder, old"), v_old, sizeof v_old) == 0);
	T_REQUIRE(backdate(v_old) == 0);
	/* Still in the index (its document says 2099): what expire must fix. */
	search_ids(s, sizeof s, NULL);
	T_CHECKF(has(s, v_old), "before expire, search: %s", s);

	T_EQ_INT(cli(out, sizeof out, "expire"), 0);
	T_EQ_STR(out, "1");
	T_EQ_INT(wait_gone(v_old), 0);
	search_ids(s, sizeof s, NULL);
	match_ids(m, sizeof m, NULL);
	T_CHECKF(has(s, v_live) && has(m, v_live), "the live one stays: %s / %s", s, m);
	T_EQ_STR(status_of(v_old, st, sizeof st), "closed");
	T_EQ_STR(status_of(v_live, st, sizeof st), "open");
	feed_kinds(v_old, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created,closed");
	feed_kinds(v_live, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created");
	T_EQ_INT(test_audit_count(&srv, regulator, v_old, "vacancy.expire"), 1);
	T_EQ_INT(test_audit_count(&srv, regulator, v_live, "vacancy.expire"), 0);

	/* Nothing left to close: no second closure, no second audit row. */
	T_EQ_INT(cli(out, sizeof out, "expire"), 0);
	T_EQ_STR(out, "0");
	feed_kinds(v_old, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created,closed");
	T_EQ_INT(test_audit_count(&srv, regulator, v_old, "vacancy.expire"), 1);
	T_EQ_INT(cli(NULL, 0, "expire --bogus"), 2);
}

/* serve closes what expired by itself (at start, then after midnight). */
static void test_serve_expires(void)
{
	char st[32], kinds[128];
	int i;

	T_REQUIRE(post(VACANCY("Pipe welder, late"), v_late, sizeof v_late) == 0);
	T_REQUIRE(backdate(v_late) == 0);
	T_EQ_INT(server_stop(&srv), 0);
	T_REQUIRE(server_start(&srv, "expire") == 0);
	for (i = 0; i < 200 && strcmp(status_of(v_late, st, sizeof st), "closed") != 0; i++)
		test_sleep_ms(50);
	T_EQ_STR(st, "closed");
	T_EQ_INT(wait_gone(v_late), 0);
	feed_kinds(v_late, kinds, sizeof kinds);
	T_EQ_STR(kinds, "created,closed");
	T_EQ_INT(test_audit_count(&srv, regulator, v_late, "vacancy.expire"), 1);
	T_EQ_STR(status_of(v_live, st, sizeof st), "open");
}

int main(void)
{
	static const char *const no_expire[] = {"--no-expire", NULL};

	if (make_token("employer", "expire-co", employer, sizeof employer) ||
	    make_token("counsellor", "centre-1", counsellor, sizeof counsellor) ||
	    make_token("regulator", "labour-dept", regulator, sizeof regulator) ||
	    server_start_with(&srv, "expire", no_expire)) {
		fprintf(stderr, "cannot set up: tokens or server\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_answers_hold_the_vacancy);
	T_RUN(test_cli_expire);
	T_RUN(test_serve_expires);
	server_kill(&srv);
	return T_DONE();
}
