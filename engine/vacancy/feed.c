/*
 * feed.c - the change feed of vacancies (GET /v1/vacancies/changes):
 * the change log read back in seq order, which is commit order (writers
 * hold the change-log lock to their commit, 001_core.sql), so a reader
 * that resumes after the last seq it saw misses nothing and sees nothing
 * twice. The cursor is the last seq, signed (engine/core/cursor.h) and
 * bound to the reader's organisation.
 */
#include "engine/vacancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/cursor.h"

static int bad(problem *p, const char *field, const char *msg)
{
	problem_field(p, field, "format", "%s", msg);
	p->kind = PROBLEM_INVALID;
	return -1;
}

/* What a feed cursor is bound to: the list and the reader's organisation
 * and scope (an employer's feed holds only its own vacancies). */
static json_t *feed_binding(const struct vacancy_feed_query *q)
{
	return json_pack("[s, s?, s?]", "vacancies.changes", q->caller_org, q->org);
}

int vacancy_changes(store *s, const struct vacancy_feed_query *q, json_t **out, problem *p)
{
	int64_t since = 0;
	long long limit = VACANCY_FEED_LIMIT_DEFAULT;
	json_t *binding = NULL, *items = NULL, *o = NULL;
	char since_s[24], lim_s[24], cur[CURSOR_TEXT_MAX + 1];
	PGresult *r = NULL;
	int i, n, rc;

	*out = NULL;
	if (q->limit) {
		char *end;

		limit = strtoll(q->limit, &end, 10);
		if (!*q->limit || *end || limit < 1 || limit > VACANCY_FEED_LIMIT_MAX)
			return bad(p, "limit", "must be an integer from 1 to 1000");
	}
	binding = feed_binding(q);
	if (!binding)
		goto oom;
	rc = cursor_decode_id(binding, q->since, &since);
	if (rc == -2)
		goto oom;
	if (rc) {
		json_decref(binding);
		return bad(p, "since", "is not a cursor this server gave for this feed");
	}
	snprintf(since_s, sizeof since_s, "%lld", (long long)since);
	snprintf(lim_s, sizeof lim_s, "%lld", limit);
	/* The vacancy's columns first, as vacancy_from_row reads them. The
	 * join also hides what the reader may not see (row-level security
	 * limits an employer to its own; the org test says so again). */
	r = store_exec(s,
		       "SELECT v.*, c.seq, c.change,"
		       " to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
		       " FROM change_log c CROSS JOIN LATERAL"
		       " (SELECT " VACANCY_COLUMNS " FROM vacancies WHERE id = c.object_id) v"
		       " WHERE c.object_type = 'vacancy' AND c.seq > $1::bigint"
		       " AND ($2::text IS NULL OR v.org = $2)"
		       " ORDER BY c.seq LIMIT $3::int",
		       3, (const char *const[]){since_s, q->org, lim_s});
	if (!r) {
		json_decref(binding);
		store_problem(s, p);
		return -1;
	}
	items = json_array();
	if (!items)
		goto oom;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		const char *change = PQgetvalue(r, i, 7);
		json_t *v = NULL, *item;
		char id[32];

		/* A closure carries no vacancy: the reader deletes its copy. */
		if (strcmp(change, "closed") != 0) {
			v = vacancy_from_row(r, i);
			if (!v)
				goto oom;
		}
		since = strtoll(PQgetvalue(r, i, 6), NULL, 10);
		snprintf(id, sizeof id, "v_%s", PQgetvalue(r, i, 0));
		item = json_pack("{s:I, s:s, s:s, s:s, s:o}", "seq", (json_int_t)since, "id", id,
				 "change", change, "at", PQgetvalue(r, i, 8), "vacancy",
				 v ? v : json_null());
		if (!item || json_array_append_new(items, item))
			goto oom;
	}
	/* Always a cursor: an empty page means "caught up", and the same
	 * cursor asks again later. */
	if (cursor_encode_id(binding, since, cur, sizeof cur))
		goto oom;
	o = json_pack("{s:o, s:s, s:b}", "items", items, "next_cursor", cur, "more",
		      n == (int)limit);
	items = NULL;
	if (!o)
		goto oom;
	*out = o;
	PQclear(r);
	json_decref(binding);
	return 0;
oom:
	PQclear(r);
	json_decref(items);
	json_decref(binding);
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}
