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

#include "engine/indexer.h"
#include "engine/search.h"
#include "engine/vacancy.h"

#define INDEX_WAIT_MS 3000

/* Employers see only their own organisation's vacancies. */
static const char *owner_filter(api_call *c)
{
	return api_who(c)->role == ROLE_EMPLOYER ? api_who(c)->org : NULL;
}

static void after_write(int64_t seq)
{
	indexer_kick();
	/* Not waiting forever: if another process indexes, it catches up on
	 * its own; the write is already durable in PostgreSQL. */
	indexer_wait(seq, INDEX_WAIT_MS);
}

static int parse_id(api_call *c, int64_t *id)
{
	if (vacancy_parse_id(api_param(c, 0), id) == 0)
		return 0;
	api_fail(c, 404, "Not found", "no such vacancy");
	return -1;
}

static void create(api_call *c)
{
	problem p;
	json_t *doc = NULL, *out = NULL;
	int64_t seq = 0;
	char loc[64];
	store *s;

	problem_init(&p);
	if (vacancy_validate(api_body(c), &doc, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	s = api_store(c);
	if (!s)
		goto done;
	if (vacancy_create(s, api_who(c)->org, doc, &out, &seq, &p)) {
		api_reply_problem(c, &p);
		goto done;
	}
	after_write(seq);
	snprintf(loc, sizeof loc, "/v1/vacancies/%s", json_string_value(json_object_get(out, "id")));
	api_set_location(c, loc);
	api_reply(c, 201, out);
done:
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
	if (vacancy_get(s, id, owner_filter(c), &out, &p))
		api_reply_problem(c, &p);
	else
		api_reply(c, 200, out);
	problem_release(&p);
}

static void patch(api_call *c)
{
	problem p;
	json_t *out;
	int64_t id, seq = 0;
	store *s;

	if (parse_id(c, &id) || !(s = api_store(c)))
		return;
	problem_init(&p);
	if (vacancy_patch(s, id, owner_filter(c), api_body(c), &out, &seq, &p)) {
		api_reply_problem(c, &p);
	} else {
		after_write(seq);
		api_reply(c, 200, out);
	}
	problem_release(&p);
}

static void close_one(api_call *c)
{
	problem p;
	json_t *out;
	int64_t id, seq = 0;
	store *s;

	if (parse_id(c, &id) || !(s = api_store(c)))
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
	index_db *db = api_index(c);

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
					    "limit", "cursor", NULL};

const struct api_route vacancy_routes[] = {
	{"POST", "/v1/vacancies", R_EMPLOYER | R_ADMIN, NULL, 1, create, "vacancies_create"},
	{"GET", "/v1/vacancies", R_COUNSELLOR | R_EMPLOYER | R_ADMIN, search_params, 0, list,
	 "vacancies_search"},
	{"GET", "/v1/vacancies/{id}", R_COUNSELLOR | R_EMPLOYER | R_ADMIN, NULL, 0, get_one,
	 "vacancies_get"},
	{"PATCH", "/v1/vacancies/{id}", R_EMPLOYER | R_ADMIN, NULL, 1, patch, "vacancies_patch"},
	{"DELETE", "/v1/vacancies/{id}", R_EMPLOYER | R_ADMIN, NULL, 0, close_one, "vacancies_close"},
	{0},
};
