/*
 * vacancies.c - the /v1/vacancies endpoints.
 *
 * Employers write their own organisation's vacancies; counsellors and
 * admins read all. After a write commits, the handler waits (briefly) for
 * the index to apply it, so a client that posts and then searches finds
 * what it posted.
 */
#include "api/api.h"
#include "api/policy.h"

#include <stdio.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/indexer/indexer.h"
#include "engine/integrity/integrity.h"
#include "engine/search.h"
#include "engine/search_page.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"

#define INDEX_WAIT_MS 10000

/* search_vacancies_text writes what json_dumps(API_JSON_DUMP) would. */
_Static_assert(API_JSON_DUMP == (JSON_COMPACT | JSON_REAL_PRECISION(SEARCH_PAGE_REAL_PRECISION)),
	       "the search answer's text has the precision of the API's other answers");

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

/* An import report's hold (docs/api.md, "Held for review"): the verdict's
 * held_for_review for a document stored or valid, or NULL. */
static json_t *import_hold(const json_t *doc)
{
	struct integrity_verdict v;
	json_t *h = NULL;

	if (!json_is_object(json_object_get(doc, "recruiter")))
		return NULL;
	if (integrity_vacancy_verdict(doc, &v) == 0)
		h = integrity_held_json(&v);
	integrity_verdict_release(&v);
	return h;
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
			       "must be true or false", "include_flagged: must be true or false");
		return;
	}
	q.include_flagged = flagged && strcmp(flagged, "true") == 0;
	if (api_open(c, &from_index, &x))
		return;
	rc = api_lang(c, &x.p, &q.lang);
	/* A caller who sees the whole answer gets it written as text, labelled
	 * (engine/search_page.h): building the trees only to dump them cost
	 * as much as the search. Anyone else gets the trees, shaped. */
	if (rc == 0 && policy_full_view(api_rule(c), api_who(c)->role)) {
		char *text = NULL;

		rc = search_vacancies_text(x.db, &q, &text, &x.p);
		if (rc == 0)
			api_reply_text(c, 200, "application/json", text);
		api_close(c, &x, rc, 200, NULL);
		return;
	}
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

/* ---- POST /v1/vacancies/import: a report per item ---- */

struct import_report {
	json_t *items;      /* the answer's items, one per item of the body */
	const size_t *slot; /* the report slot of each document passed to the engine */
	size_t rejected;
};

/* One item's refusal into its report: the kind, the detail and the field errors. */
static void report_problem(json_t *item, const problem *p)
{
	const char *detail = p->detail;
	json_t *first = json_array_get(p->errors, 0);
	char buf[300];

	if (!*detail && first) {
		snprintf(buf, sizeof buf, "%s: %s", json_string_value(json_object_get(first, "field")),
			 json_string_value(json_object_get(first, "message")));
		detail = buf;
	}
	json_object_set_new(item, "status", json_string("rejected"));
	json_object_set_new(item, "problem", json_string(problem_kind_name(p->kind)));
	json_object_set_new(item, "detail", json_string(detail));
	if (p->errors)
		json_object_set(item, "errors", p->errors);
}

static void import_rejected(size_t index, const problem *p, void *arg)
{
	struct import_report *r = arg;

	report_problem(json_array_get(r->items, r->slot[index]), p);
	r->rejected++;
}

/* dry_run, hiring_organization and country of the query; 0 or -1 answered. */
static int import_options(api_call *c, int *dry, struct vacancy_import_opts *o)
{
	const char *d = api_query(c, "dry_run"), *h = api_query(c, "hiring_organization");
	const char *cc = api_query(c, "country");

	if (d && strcmp(d, "true") && strcmp(d, "false")) {
		api_fail_field(c, 400, "dry_run", "format", "must be true or false",
			       "dry_run: must be true or false");
		return -1;
	}
	if (h && strcmp(h, "recruiter") && strcmp(h, "employer")) {
		api_fail_field(c, 400, "hiring_organization", "format",
			       "must be recruiter or employer",
			       "hiring_organization: must be recruiter or employer");
		return -1;
	}
	if (cc && !iso_country_valid(cc)) {
		api_fail_field(c, 400, "country", "format",
			       "must be an ISO 3166-1 alpha-2 country code",
			       "country: must be an ISO 3166-1 alpha-2 country code");
		return -1;
	}
	*dry = d && strcmp(d, "true") == 0;
	o->hiring_org_is_employer = h && strcmp(h, "employer") == 0;
	o->default_country = cc;
	return 0;
}

/* Every item is mapped and validated; the valid ones go through the write
 * rules in one transaction (vacancy_import_batch, as fairmatch import) and
 * are stored unless dry_run. 200 with the report, whatever each item's fate. */
static void import(api_call *c)
{
	struct vacancy_import_opts o = {0};
	struct import_report r = {0};
	struct api_ctx x;
	json_t *items = NULL, *it, **docs = NULL, **norms = NULL, *out = NULL;
	size_t *slot = NULL, i, n, m = 0, stored = 0;
	int64_t *ids = NULL, seq = 0;
	int dry = 0, rc = -1;

	if (import_options(c, &dry, &o) || (!dry && index_refuses_writes(c)) ||
	    api_open(c, NULL, &x))
		return;
	items = vacancy_import_items(api_body(c), &x.p);
	if (!items)
		goto out;
	n = json_array_size(items);
	if (n > VACANCY_IMPORT_ITEMS_MAX) {
		problem_set(&x.p, PROBLEM_TOO_LARGE, "%zu items: at most %d are taken at once", n,
			    VACANCY_IMPORT_ITEMS_MAX);
		goto out;
	}
	r.items = json_array();
	docs = calloc(n + 1, sizeof *docs);
	slot = calloc(n + 1, sizeof *slot);
	ids = calloc(n + 1, sizeof *ids);
	norms = calloc(n + 1, sizeof *norms);
	if (!r.items || !docs || !slot || !ids || !norms) {
		problem_set(&x.p, PROBLEM_UNAVAILABLE, "out of memory");
		goto out;
	}
	json_array_foreach(items, i, it) {
		json_t *rep = json_pack("{s:O}", "index", json_array_get(it, 0));
		problem p;

		problem_init(&p);
		if (!rep || json_array_append_new(r.items, rep)) {
			problem_set(&x.p, PROBLEM_UNAVAILABLE, "out of memory");
			goto out;
		}
		if (vacancy_import_item(json_array_get(it, 1), &o, &docs[m], &p)) {
			report_problem(rep, &p);
			r.rejected++;
		} else {
			/* Kept for the report: the batch drops it from the document. */
			norms[m] = json_incref(json_object_get(docs[m], "normalised"));
			slot[m++] = i;
		}
		problem_release(&p);
	}
	r.slot = slot;
	if (m && (api_need(c, &x, API_STORE) ||
		  vacancy_import_batch(x.s, api_who(c)->org, docs, m, dry, import_rejected, &r, ids,
				       &seq, &x.p)))
		goto out;
	for (i = 0; i < m; i++) {
		json_t *rep = json_array_get(r.items, slot[i]), *hold;
		char id[32];

		if (json_object_get(rep, "status"))
			continue; /* refused by a rule */
		json_object_set_new(rep, "status", json_string(dry ? "valid" : "stored"));
		if (ids[i]) {
			snprintf(id, sizeof id, "v_%lld", (long long)ids[i]);
			json_object_set_new(rep, "id", json_string(id));
			stored++;
		}
		if (norms[i])
			json_object_set(rep, "normalised", norms[i]);
		if ((hold = import_hold(docs[i])))
			json_object_set_new(rep, "held_for_review", hold);
	}
	if (seq)
		after_write(seq);
	out = json_pack("{s:b, s:I, s:I, s:I, s:O}", "dry_run", dry, "received", (json_int_t)n,
			"stored", (json_int_t)stored, "rejected", (json_int_t)r.rejected, "items",
			r.items);
	rc = out ? 0 : -1;
	if (!out)
		problem_set(&x.p, PROBLEM_UNAVAILABLE, "out of memory");
out:
	for (i = 0; docs && norms && i < m; i++) {
		json_decref(docs[i]);
		json_decref(norms[i]);
	}
	free(docs);
	free(norms);
	free(slot);
	free(ids);
	json_decref(items);
	json_decref(r.items);
	api_close(c, &x, rc, 200, out);
}

static const char *const import_params[] = {"dry_run", "hiring_organization", "country", NULL};

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
					    "sort",	"lang",	NULL};
static const char *const lang_param[] = {"lang", NULL};

const struct api_route vacancy_routes[] = {
	{.method = "POST", .pattern = "/v1/vacancies", .body = 1, .handler = create,
	 .query_params = lang_param,
	 .name = "vacancies_create"},
	{.method = "GET", .pattern = "/v1/vacancies", .query_params = search_params,
	 .handler = list, .name = "vacancies_search"},
	{.method = "POST", .pattern = "/v1/vacancies/import", .body = 2,
	 .query_params = import_params, .handler = import, .name = "vacancies_import"},
	/* Before /v1/vacancies/{id}, which would take "changes" as an id. */
	{.method = "GET", .pattern = "/v1/vacancies/changes", .query_params = feed_params,
	 .handler = changes, .name = "vacancies_changes"},
	{.method = "GET", .pattern = "/v1/vacancies/{id}", .pre = &one_vacancy, .step = get_one,
	 .query_params = lang_param,
	 .name = "vacancies_get"},
	{.method = "PATCH", .pattern = "/v1/vacancies/{id}", .body = 1, .pre = &one_vacancy,
	 .step = patch, .query_params = lang_param, .name = "vacancies_patch"},
	{.method = "DELETE", .pattern = "/v1/vacancies/{id}", .pre = &one_vacancy,
	 .step = close_one, .query_params = lang_param, .name = "vacancies_close"},
	{0},
};
