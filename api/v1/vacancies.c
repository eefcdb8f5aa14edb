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

#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
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
	api_fail(c, 503, detail);
	return 1;
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

static const struct api_pre new_vacancy = {
	.validate = vacancy_validate,
	.need = API_STORE,
};
static const struct api_pre one_vacancy = {
	.parse_id = vacancy_parse_id,
	.what = "vacancy",
	.need = API_STORE,
};

/* The write rules (a blacklisted recruiter, an unknown quota id) are the
 * engine's, checked in the write's transaction (engine/vacancy.h); the
 * answer carries the recruiter's verdict. */
static void create(api_call *c)
{
	struct api_ctx x;
	json_t *out = NULL;
	int64_t seq = 0;
	int rc;

	if (index_refuses_writes(c) || api_open(c, &new_vacancy, &x))
		return;
	rc = vacancy_create(x.s, api_who(c)->org, x.doc, &out, &seq, &x.p);
	if (rc == 0)
		after_write(seq);
	api_close_created(c, &x, rc, out, "/v1/vacancies");
}

static int get_one(api_call *c, struct api_ctx *x, json_t **out)
{
	int rc = vacancy_get(x->s, x->id, owner_filter(c), out, &x->p);

	if (rc == 0)
		add_snapshot_verdict(*out);
	return rc;
}

/* PATCH and DELETE of one vacancy: both write, so both wait for the index. */
static int write_one(api_call *c, struct api_ctx *x, json_t **out, int patching)
{
	int64_t seq = 0;
	int rc;

	if (index_refuses_writes(c))
		return -1; /* answered */
	rc = patching ? vacancy_patch(x->s, x->id, owner_filter(c), api_body(c), out, &seq, &x->p)
		      : vacancy_close(x->s, x->id, owner_filter(c), out, &seq, &x->p);
	if (rc == 0)
		after_write(seq);
	return rc;
}

static int patch(api_call *c, struct api_ctx *x, json_t **out)
{
	return write_one(c, x, out, 1);
}

static int close_one(api_call *c, struct api_ctx *x, json_t **out)
{
	return write_one(c, x, out, 0);
}

/* The values of a repeatable parameter into out (SEARCH_VALUES_MAX + 1
 * slots): more than SEARCH_VALUES_MAX counts as one too many, which the
 * engine refuses. */
static size_t all_values(api_call *c, const char *name, const char **out)
{
	size_t n = api_query_all(c, name, out, SEARCH_VALUES_MAX + 1);

	return n > SEARCH_VALUES_MAX + 1 ? SEARCH_VALUES_MAX + 1 : n;
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
		.sort = api_query(c, "sort"),
		.caller_org = api_who(c)->org,
	};
	static const struct api_pre from_index = {.need = API_INDEX};
	const char *flagged = api_query(c, "include_flagged");
	/* One more than allowed, so that too many is seen (and refused). */
	const char *countries[SEARCH_VALUES_MAX + 1], *languages[SEARCH_VALUES_MAX + 1],
		*skills[SEARCH_VALUES_MAX + 1];
	struct api_ctx x;
	json_t *out = NULL;
	int rc;

	/* Repeated country, language and skill are an OR (engine/search.h). */
	q.n_countries = all_values(c, "country", countries);
	q.n_languages = all_values(c, "language", languages);
	q.n_skills = all_values(c, "skill", skills);
	q.countries = countries;
	q.languages = languages;
	q.skills = skills;

	if (flagged && strcmp(flagged, "true") != 0 && strcmp(flagged, "false") != 0) {
		api_fail_field(c, 400, "include_flagged", "format",
			       "must be true or false", "include_flagged must be true or false");
		return;
	}
	q.include_flagged = flagged && strcmp(flagged, "true") == 0;
	if (api_open(c, &from_index, &x))
		return;
	rc = search_vacancies(x.db, &q, &out, &x.p);
	api_close(c, &x, rc, 200, out);
}

/* GET /v1/vacancies/changes: the change feed, with the verdict of each
 * recruiter now, so a partner can leave out what a regulator flagged. */
static void changes(api_call *c)
{
	struct vacancy_feed_query q = {
		.since = api_query(c, "since"),
		.limit = api_query(c, "limit"),
		.org = owner_filter(c),
		.caller_org = api_who(c)->org,
	};
	static const struct api_pre from_store = {.need = API_STORE};
	struct api_ctx x;
	json_t *out = NULL, *item;
	size_t i;
	int rc;

	if (api_open(c, &from_store, &x))
		return;
	rc = vacancy_changes(x.s, &q, &out, &x.p);
	if (rc == 0)
		json_array_foreach(json_object_get(out, "items"), i, item)
			add_snapshot_verdict(json_object_get(item, "vacancy"));
	api_close(c, &x, rc, 200, out);
}

static const char *const feed_params[] = {"since", "limit", NULL};

/* '*': may repeat, an OR of the values (api.h). */
static const char *const search_params[] = {"q",	"occupation", "skill*",		 "country*",
					    "language*", "limit",	"cursor", "include_flagged",
					    "sort",	NULL};

const struct api_route vacancy_routes[] = {
	{.method = "POST", .pattern = "/v1/vacancies", .body = 1, .handler = create,
	 .name = "vacancies_create"},
	{.method = "GET", .pattern = "/v1/vacancies", .query_params = search_params,
	 .handler = list, .name = "vacancies_search"},
	/* Before /v1/vacancies/{id}, which would take "changes" as an id. */
	{.method = "GET", .pattern = "/v1/vacancies/changes", .query_params = feed_params,
	 .handler = changes, .name = "vacancies_changes"},
	{.method = "GET", .pattern = "/v1/vacancies/{id}", .pre = &one_vacancy, .step = get_one,
	 .name = "vacancies_get"},
	{.method = "PATCH", .pattern = "/v1/vacancies/{id}", .body = 1, .pre = &one_vacancy,
	 .step = patch, .name = "vacancies_patch"},
	{.method = "DELETE", .pattern = "/v1/vacancies/{id}", .pre = &one_vacancy,
	 .step = close_one, .name = "vacancies_close"},
	{0},
};
