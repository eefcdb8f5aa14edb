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
#include "engine/taxonomy/taxonomy.h"
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

	const char *lang;

	if (index_refuses_writes(c) || api_open(c, &new_vacancy, &x))
		return;
	rc = api_lang(c, &x.p, &lang);
	if (rc == 0)
		rc = vacancy_create(x.s, api_who(c)->org, x.doc, &out, &seq, &x.p);
	if (rc == 0) {
		after_write(seq);
		taxonomy_label_doc(out, lang);
	}
	api_close_created(c, &x, rc, out, "/v1/vacancies");
}

static int get_one(api_call *c, struct api_ctx *x, json_t **out)
{
	const char *lang;
	int rc = api_lang(c, &x->p, &lang);

	if (rc == 0)
		rc = vacancy_get(x->s, x->id, owner_filter(c), out, &x->p);
	if (rc == 0) {
		add_snapshot_verdict(*out);
		taxonomy_label_doc(*out, lang); /* labels are a courtesy: ESCO missing is no error */
	}
	return rc;
}

/* PATCH and DELETE of one vacancy: both write, so both wait for the index. */
static int write_one(api_call *c, struct api_ctx *x, json_t **out, int patching)
{
	int64_t seq = 0;
	const char *lang;
	int rc;

	if (index_refuses_writes(c))
		return -1; /* answered */
	if (api_lang(c, &x->p, &lang))
		return -1;
	rc = patching ? vacancy_patch(x->s, x->id, owner_filter(c), api_body(c), out, &seq, &x->p)
		      : vacancy_close(x->s, x->id, owner_filter(c), out, &seq, &x->p);
	if (rc == 0) {
		after_write(seq);
		taxonomy_label_doc(*out, lang);
	}
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
	static const struct api_pre from_index = {.need = API_INDEX};
	const char *flagged = api_query(c, "include_flagged");
	struct api_ctx x;
	json_t *out = NULL;
	int rc;

	if (flagged && strcmp(flagged, "true") != 0 && strcmp(flagged, "false") != 0) {
		api_fail_field(c, 400, "include_flagged", "format",
			       "must be true or false", "include_flagged must be true or false");
		return;
	}
	q.include_flagged = flagged && strcmp(flagged, "true") == 0;
	if (api_open(c, &from_index, &x))
		return;
	rc = api_lang(c, &x.p, &q.lang);
	if (rc == 0)
		rc = search_vacancies(x.db, &q, &out, &x.p);
	if (rc == 0) {
		json_t *v;
		size_t i;

		json_array_foreach(json_object_get(out, "items"), i, v)
			taxonomy_label_doc(v, q.lang);
	}
	api_close(c, &x, rc, 200, out);
}

static const char *const search_params[] = {"q", "occupation", "skill", "country", "language",
					    "limit", "cursor", "include_flagged", "lang", NULL};
static const char *const lang_param[] = {"lang", NULL};

const struct api_route vacancy_routes[] = {
	{.method = "POST", .pattern = "/v1/vacancies", .body = 1, .handler = create,
	 .query_params = lang_param,
	 .name = "vacancies_create"},
	{.method = "GET", .pattern = "/v1/vacancies", .query_params = search_params,
	 .handler = list, .name = "vacancies_search"},
	{.method = "GET", .pattern = "/v1/vacancies/{id}", .pre = &one_vacancy, .step = get_one,
	 .query_params = lang_param,
	 .name = "vacancies_get"},
	{.method = "PATCH", .pattern = "/v1/vacancies/{id}", .body = 1, .pre = &one_vacancy,
	 .step = patch, .query_params = lang_param, .name = "vacancies_patch"},
	{.method = "DELETE", .pattern = "/v1/vacancies/{id}", .pre = &one_vacancy,
	 .step = close_one, .query_params = lang_param, .name = "vacancies_close"},
	{0},
};
