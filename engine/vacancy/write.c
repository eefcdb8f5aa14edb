/*
 * write.c - keeping vacancies in PostgreSQL: create, read, patch and close.
 *
 * Every write runs in one transaction that also adds the change-log row the
 * indexer follows, so the index can always be brought level with the table;
 * the write rules (rules.c) are checked in that transaction, so the API and
 * the bulk import obey the same ones.
 */
#include "engine/vacancy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/fields.h"

/* The filter columns of a canonical doc. */
struct columns {
	char *doc;
	char country[3];
	char occupation[256];
	char valid_until[11];
	char positions[16];
};

static int columns_of(const json_t *doc, struct columns *c)
{
	json_t *stored = json_copy((json_t *)doc);

	/* The normalisation report belongs to the answer, not the stored doc. */
	if (!stored)
		return -1;
	json_object_del(stored, "normalised");
	c->doc = json_dumps(stored, JSON_COMPACT);
	json_decref(stored);
	if (!c->doc)
		return -1;
	snprintf(c->country, sizeof c->country, "%s",
		 json_string_value(json_object_get(doc, "country")));
	snprintf(c->occupation, sizeof c->occupation, "%s",
		 json_string_value(json_object_get(doc, "occupation")));
	snprintf(c->valid_until, sizeof c->valid_until, "%s",
		 json_string_value(json_object_get(doc, "valid_until")));
	snprintf(c->positions, sizeof c->positions, "%lld",
		 (long long)json_integer_value(json_object_get(doc, "positions")));
	return 0;
}

/* Adds the recruiter's verdict to a write's answer (stolen). */
static void add_verdict(json_t *out, json_t *verdict)
{
	if (verdict)
		json_object_set_new(out, "recruiter_verdict", verdict);
}

/* Runs a write that returns the vacancy's row (VACANCY_COLUMNS), which
 * becomes *out. 0, or -1: out of memory (p set) or a database error (p left
 * for store_fail). */
static int write_row(store *s, const char *sql, int nparams, const char *const *params,
		     json_t **out, problem *p)
{
	PGresult *r = store_exec(s, sql, nparams, params);

	if (!r)
		return -1;
	*out = vacancy_from_row(r, 0);
	PQclear(r);
	return *out ? 0 : vac__no_memory(p);
}

int vacancy_create(store *s, const char *org, const json_t *doc, json_t **out, int64_t *seq,
		   problem *p)
{
	struct columns c;
	json_t *verdict = NULL;
	int64_t id;

	*out = NULL;
	if (columns_of(doc, &c))
		return vac__no_memory(p);
	if (store_begin(s)) {
		/* A transaction of the caller's is open: not ours to roll back. */
		free(c.doc);
		store_problem(s, p);
		return -1;
	}
	if (vac__check_rules(s, doc, NULL, &verdict, p))
		goto fail;
	if (write_row(s,
		      "INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
		      " VALUES ($1, $2::jsonb, $3, $4, $5::date, $6::int) RETURNING " VACANCY_COLUMNS,
		      6,
		      (const char *const[]){org, c.doc, c.country, c.occupation, c.valid_until,
					    c.positions},
		      out, p) ||
	    vacancy_parse_id(json_string_value(json_object_get(*out, "id")), &id) ||
	    store_log_change(s, "vacancy", id, "created", seq))
		goto fail;
	if (json_object_get(doc, "normalised"))
		json_object_set(*out, "normalised", json_object_get(doc, "normalised"));
	if (store_commit(s))
		goto fail;
	add_verdict(*out, verdict);
	free(c.doc);
	return 0;
fail:
	free(c.doc);
	json_decref(verdict);
	return store_fail(s, p, out); /* a database error unless p says otherwise */
}

/* Reads a row (optionally FOR UPDATE) and checks the owner. */
static PGresult *fetch(store *s, int64_t id, const char *org, int for_update, problem *p)
{
	char ids[32];
	PGresult *r;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s,
		       for_update ? "SELECT " VACANCY_COLUMNS " FROM vacancies WHERE id = $1 FOR UPDATE"
				  : "SELECT " VACANCY_COLUMNS " FROM vacancies WHERE id = $1",
		       1, (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return NULL;
	}
	if (PQntuples(r) == 0 || (org && strcmp(PQgetvalue(r, 0, 1), org) != 0)) {
		PQclear(r);
		problem_set(p, PROBLEM_NOT_FOUND, "no vacancy v_%lld", (long long)id);
		return NULL;
	}
	return r;
}

/* Opens a transaction and locks the vacancy's row (fetch FOR UPDATE): the
 * row, or NULL with p set and nothing left open. */
static PGresult *begin_locked(store *s, int64_t id, const char *org, problem *p)
{
	PGresult *r;

	if (store_begin(s)) {
		store_problem(s, p);
		return NULL;
	}
	r = fetch(s, id, org, 1, p);
	if (!r)
		store_fail(s, p, NULL);
	return r;
}

int vacancy_get(store *s, int64_t id, const char *org, json_t **out, problem *p)
{
	PGresult *r = fetch(s, id, org, 0, p);

	*out = NULL;
	if (!r)
		return -1;
	*out = vacancy_from_row(r, 0);
	PQclear(r);
	return *out ? 0 : vac__no_memory(p);
}

/* The fields of a representation that are not part of the posted document. */
static void strip_representation(json_t *doc)
{
	json_object_del(doc, "id");
	json_object_del(doc, "org");
	json_object_del(doc, "status");
	json_object_del(doc, "created_at");
	json_object_del(doc, "updated_at");
}

int vacancy_patch(store *s, int64_t id, const char *org, const json_t *patch, json_t **out,
		  int64_t *seq, problem *p)
{
	json_t *current = NULL, *merged = NULL, *doc = NULL, *verdict = NULL;
	struct columns c = {0};
	PGresult *r;
	char ids[32];

	*out = NULL;
	if (!json_is_object(patch)) {
		problem_field(p, "(body)", "type", "must be an object");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	r = begin_locked(s, id, org, p);
	if (!r)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 2), "open") != 0) {
		PQclear(r);
		problem_set(p, PROBLEM_CONFLICT, "vacancy v_%lld is closed", (long long)id);
		goto fail;
	}
	current = vacancy_from_row(r, 0);
	PQclear(r);
	if (!current)
		goto oom;
	strip_representation(current);
	merged = fields_merge_patch(current, patch);
	if (!merged)
		goto oom;
	if (vacancy_validate(merged, &doc, p) || vac__check_rules(s, doc, NULL, &verdict, p))
		goto fail;
	if (columns_of(doc, &c))
		goto oom;
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (write_row(s,
		      "UPDATE vacancies SET doc = $2::jsonb, country = $3, occupation = $4,"
		      " valid_until = $5::date, positions = $6::int, updated_at = now()"
		      " WHERE id = $1 RETURNING " VACANCY_COLUMNS,
		      6,
		      (const char *const[]){ids, c.doc, c.country, c.occupation, c.valid_until,
					    c.positions},
		      out, p))
		goto fail;
	if (json_object_get(doc, "normalised"))
		json_object_set(*out, "normalised", json_object_get(doc, "normalised"));
	if (store_log_change(s, "vacancy", id, "changed", seq) || store_commit(s))
		goto fail;
	add_verdict(*out, verdict);
	json_decref(current);
	json_decref(merged);
	json_decref(doc);
	free(c.doc);
	return 0;
oom:
	vac__no_memory(p);
fail:
	json_decref(verdict);
	json_decref(current);
	json_decref(merged);
	json_decref(doc);
	free(c.doc);
	return store_fail(s, p, out); /* a database error unless p says otherwise */
}

int vacancy_close(store *s, int64_t id, const char *org, json_t **out, int64_t *seq, problem *p)
{
	PGresult *r;
	char ids[32];
	int already;

	*out = NULL;
	if (seq)
		*seq = 0;
	r = begin_locked(s, id, org, p);
	if (!r)
		return -1;
	/* Closing a closed vacancy changes nothing: no second "closed" in the
	 * change feed. */
	already = strcmp(PQgetvalue(r, 0, 2), "closed") == 0;
	PQclear(r);
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (write_row(s,
		      "UPDATE vacancies SET status = 'closed', closed_at = coalesce(closed_at, now()),"
		      " updated_at = CASE WHEN status = 'closed' THEN updated_at ELSE now() END"
		      " WHERE id = $1 RETURNING " VACANCY_COLUMNS,
		      1, (const char *const[]){ids}, out, p))
		goto fail;
	if ((!already && store_log_change(s, "vacancy", id, "closed", seq)) || store_commit(s))
		goto fail;
	return 0;
fail:
	return store_fail(s, p, out);
}
