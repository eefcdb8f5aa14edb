/*
 * vacancies.c - the /v1/vacancies endpoints.
 *
 * Employers write their own organisation's vacancies; counsellors and
 * admins read all. After a write commits, the handler waits (briefly) for
 * the index to apply it, so a client that posts and then searches finds
 * what it posted.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "engine/core/fields.h"
#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
#include "engine/quota/quota.h"
#include "engine/search.h"
#include "engine/vacancy.h"

#define INDEX_WAIT_MS 3000

/* The organisation the policy limits the caller to (employers: their own;
 * counsellors and admins: none). */
static const char *owner_filter(api_call *c)
{
	return api_scope(c);
}

static void after_write(int64_t seq)
{
	indexer_kick();
	/* Not waiting forever: if another process indexes, it catches up on
	 * its own; the write is already durable in PostgreSQL. */
	indexer_wait(seq, INDEX_WAIT_MS);
}

/* While the index cannot commit (a full disk), a write would be stored but
 * never searchable: refuse it with 503 and Retry-After before anything is
 * stored. The indexer clears this at its first successful commit. */
static int index_refuses_writes(api_call *c)
{
	char why[200], detail[300];

	if (!indexer_failing(why, sizeof why))
		return 0;
	snprintf(detail, sizeof detail, "the search index cannot be written now (%s); retry later", why);
	api_fail(c, 503, "Service unavailable", detail);
	return 1;
}

static int parse_id(api_call *c, int64_t *id)
{
	if (vacancy_parse_id(api_param(c, 0), id) == 0)
		return 0;
	api_fail(c, 404, "Not found", "no such vacancy");
	return -1;
}

/* The recruiter check of API.md: a blacklisted recruiter refuses the write
 * (422, nothing stored); any other verdict goes into the answer. */
static int check_recruiter(api_call *c, store *s, const json_t *doc, json_t **verdict)
{
	json_t *rec = json_object_get(doc, "recruiter"), *chk = NULL, *f = NULL;
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *v;
	problem p;

	*verdict = NULL;
	if (!json_is_object(rec))
		return 0;
	problem_init(&p);
	if (integrity_check(s, name, json_string_value(json_object_get(rec, "licence")),
			    json_string_value(json_object_get(rec, "country")), &chk, &p)) {
		api_reply_problem(c, &p);
		problem_release(&p);
		return -1;
	}
	v = json_string_value(json_object_get(chk, "verdict"));
	if (v && strcmp(v, "blacklisted") == 0) {
		size_t i;

		json_array_foreach(json_object_get(chk, "flags"), i, f) {
			if (strcmp(json_string_value(json_object_get(f, "severity")), "blacklist") == 0)
				break;
		}
		problem_set(&p, 422, "Unprocessable vacancy", "recruiter '%s' is blacklisted (flag %s: %s)",
			    name ? name : "", f ? json_string_value(json_object_get(f, "id")) : "?",
			    f ? json_string_value(json_object_get(f, "reason")) : "?");
		problem_field(&p, "recruiter", "blacklisted", "the recruiter is blacklisted");
		api_reply_problem(c, &p);
		problem_release(&p);
		json_decref(chk);
		return -1;
	}
	*verdict = json_pack("{s:s, s:O}", "verdict", v ? v : "unknown", "flags",
			     json_object_get(chk, "flags"));
	json_decref(chk);
	problem_release(&p);
	return 0;
}

/* GET of one vacancy: the verdict of the snapshot (flags only). */
static void add_snapshot_verdict(json_t *vacancy)
{
	struct integrity_verdict v;

	if (!json_is_object(json_object_get(vacancy, "recruiter")))
		return;
	if (integrity_vacancy_verdict(vacancy, &v) == 0)
		json_object_set_new(vacancy, "recruiter_verdict", integrity_verdict_json(&v));
	integrity_verdict_release(&v);
}

static void create(api_call *c)
{
	problem p;
	json_t *doc = NULL, *out = NULL, *verdict = NULL;
	int64_t seq = 0;
	store *s;

	if (index_refuses_writes(c))
		return;
	problem_init(&p);
	if (vacancy_validate(api_body(c), &doc, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	s = api_store(c);
	if (!s || check_recruiter(c, s, doc, &verdict))
		goto done;
	if (quota_check_vacancy(s, doc, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	if (vacancy_create(s, api_who(c)->org, doc, &out, &seq, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	after_write(seq);
	api_set_location(c, "/v1/vacancies/%s", json_string_value(json_object_get(out, "id")));
	if (verdict)
		json_object_set(out, "recruiter_verdict", verdict);
	api_reply(c, 201, out);
done:
	json_decref(verdict);
	json_decref(doc);
	problem_release(&p);
}

static void get_one(api_call *c)
{
	problem p;
	json_t *out;
	int64_t id;
	store *s;

	if (parse_id(c, &id) || !(s = api_store(c)))
		return;
	problem_init(&p);
	if (vacancy_get(s, id, owner_filter(c), &out, &p)) {
		api_reply_problem(c, &p);
	} else {
		add_snapshot_verdict(out);
		api_reply(c, 200, out);
	}
	problem_release(&p);
}

static void patch(api_call *c)
{
	problem p;
	json_t *out, *cur = NULL, *merged = NULL, *verdict = NULL;
	int64_t id, seq = 0;
	store *s;

	if (parse_id(c, &id) || index_refuses_writes(c) || !(s = api_store(c)))
		return;
	problem_init(&p);
	/* The recruiter the vacancy will have after the patch is checked
	 * before anything is written. */
	if (vacancy_get(s, id, owner_filter(c), &cur, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	merged = fields_merge_patch(cur, api_body(c));
	if (!merged) {
		api_fail(c, 503, "Service unavailable", "out of memory");
		goto done;
	}
	if (json_is_object(json_object_get(merged, "recruiter")) &&
	    json_is_string(json_object_get(json_object_get(merged, "recruiter"), "name")) &&
	    check_recruiter(c, s, merged, &verdict))
		goto done;
	/* The quota listing too must agree with the vacancy as patched. */
	if (quota_check_vacancy(s, merged, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	if (vacancy_patch(s, id, owner_filter(c), api_body(c), &out, &seq, &p)) {
		api_reply_problem(c, &p);
	} else {
		after_write(seq);
		if (verdict)
			json_object_set(out, "recruiter_verdict", verdict);
		api_reply(c, 200, out);
	}
done:
	json_decref(cur);
	json_decref(merged);
	json_decref(verdict);
	problem_release(&p);
}

static void close_one(api_call *c)
{
	problem p;
	json_t *out;
	int64_t id, seq = 0;
	store *s;

	if (parse_id(c, &id) || index_refuses_writes(c) || !(s = api_store(c)))
		return;
	problem_init(&p);
	if (vacancy_close(s, id, owner_filter(c), &out, &seq, &p)) {
		api_reply_problem(c, &p);
	} else {
		after_write(seq);
		api_reply(c, 200, out);
	}
	problem_release(&p);
}

static void list(api_call *c)
{
	struct vacancy_query q = {
		.q = api_query(c, "q"),
		.occupation = api_query(c, "occupation"),
		.skill = api_query(c, "skill"),
		.country = api_query(c, "country"),
		.language = api_query(c, "language"),
		.limit = api_query(c, "limit"),
		.cursor = api_query(c, "cursor"),
		.org = owner_filter(c),
	};
	problem p;
	json_t *out;
	const char *flagged = api_query(c, "include_flagged");
	index_db *db;

	if (flagged && strcmp(flagged, "true") != 0 && strcmp(flagged, "false") != 0) {
		problem_init(&p);
		problem_set(&p, 400, "Bad request", "include_flagged must be true or false");
		problem_field(&p, "include_flagged", "format", "must be true or false");
		api_reply_problem(c, &p);
		problem_release(&p);
		return;
	}
	q.include_flagged = flagged && strcmp(flagged, "true") == 0;
	db = api_index(c);
	if (!db)
		return;
	problem_init(&p);
	if (search_vacancies(db, &q, &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
	problem_release(&p);
}

static const char *const search_params[] = {"q", "occupation", "skill", "country", "language",
					    "limit", "cursor", "include_flagged", NULL};

const struct api_route vacancy_routes[] = {
	{"POST", "/v1/vacancies", NULL, 1, create, "vacancies_create"},
	{"GET", "/v1/vacancies", search_params, 0, list,
	 "vacancies_search"},
	{"GET", "/v1/vacancies/{id}", NULL, 0, get_one,
	 "vacancies_get"},
	{"PATCH", "/v1/vacancies/{id}", NULL, 1, patch, "vacancies_patch"},
	{"DELETE", "/v1/vacancies/{id}", NULL, 0, close_one, "vacancies_close"},
	{0},
};
