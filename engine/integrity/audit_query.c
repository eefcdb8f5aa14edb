/*
 * audit_query.c - GET /v1/audit: the audit log read back with filters and a
 * cursor (the writes themselves are engine/audit.c's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/cursor.h"
#include "engine/integrity/internal.h"

/* What an audit cursor is bound to: the filters and who asks. */
static json_t *audit_binding(const struct integrity_audit_query *q)
{
	return json_pack("[s, s?, o, o, o, o, o]", "audit", q->caller_org, cursor_text(q->object),
			 cursor_text(q->actor), cursor_text(q->action), cursor_text(q->since),
			 cursor_text(q->until));
}

int integrity_audit_list(store *s, const struct integrity_audit_query *q, json_t **out,
			 problem *p)
{
	char lim[24], after[24], cur[CURSOR_TEXT_MAX + 1];
	long limit = INTEGRITY_AUDIT_LIMIT_DEFAULT;
	PGresult *r;
	json_t *items, *o, *binding = NULL;
	int64_t after_id;
	int i, n, rc = 0;

	*out = NULL;
	if (q->limit) {
		char *end;

		limit = strtol(q->limit, &end, 10);
		if (!*q->limit || *end || limit < 1 || limit > INTEGRITY_AUDIT_LIMIT_MAX)
			problem_field(p, "limit", "format", "must be an integer from 1 to %d",
				      INTEGRITY_AUDIT_LIMIT_MAX);
	}
	if (q->since && !integ__time_valid(q->since))
		problem_field(p, "since", "format", "must be an RFC 3339 time or a date");
	if (q->until && !integ__time_valid(q->until))
		problem_field(p, "until", "format", "must be an RFC 3339 time or a date");
	binding = audit_binding(q);
	if (!binding)
		return integ__oom(p);
	if (q->cursor) {
		rc = cursor_decode_id(binding, q->cursor, &after_id);
		snprintf(after, sizeof after, "%lld", (long long)after_id);
		if (rc == -2) {
			json_decref(binding);
			return integ__oom(p);
		}
		if (rc)
			problem_field(p, "cursor", "format",
				      "is not a cursor this server gave for this query");
	}
	if (q->object && strlen(q->object) > 64)
		problem_field(p, "object", "length", "must be at most 64 bytes");
	if (q->actor && strlen(q->actor) > 100)
		problem_field(p, "actor", "length", "must be at most 100 bytes");
	if (q->action && strlen(q->action) > 64)
		problem_field(p, "action", "length", "must be at most 64 bytes");
	if (problem_has_fields(p)) {
		json_decref(binding);
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	snprintf(lim, sizeof lim, "%ld", limit + 1);
	r = store_exec(s,
		       /* Rows about a stored profile hold its audit alias
			* (018_audit_alias.sql): asked for by its id, answered
			* with it; an erased profile's alias names nobody. */
		       "SELECT id, " TS("at") ", actor, role, org, action,"
		       " CASE WHEN left(object, 3) = 'pa_' THEN fairmatch_audit_object(object)"
		       " ELSE object END,"
		       " CASE WHEN strpos(detail::text, '\"pa_') > 0"
		       " THEN fairmatch_audit_detail(detail, false)::text ELSE detail::text END"
		       " FROM audit_log WHERE ($1::text IS NULL OR object = $1"
		       " OR object = fairmatch_audit_alias($1))"
		       " AND ($2::text IS NULL OR org = $2 OR actor::text = $2)"
		       " AND ($3::text IS NULL OR action = $3)"
		       " AND ($4::timestamptz IS NULL OR at >= $4::timestamptz)"
		       " AND ($5::timestamptz IS NULL OR at < $5::timestamptz)"
		       " AND ($6::bigint IS NULL OR id > $6::bigint)"
		       " ORDER BY id LIMIT $7::int",
		       7,
		       (const char *const[]){q->object, q->actor, q->action, q->since, q->until,
					     q->cursor ? after : NULL, lim});
	if (!r) {
		json_decref(binding);
		return integ__db_fail(s, p);
	}
	items = json_array();
	n = PQntuples(r);
	for (i = 0; items && i < n && i < limit; i++) {
		char id[32];
		json_t *detail = PQgetisnull(r, i, 7) ? json_null()
						      : json_loads(PQgetvalue(r, i, 7), 0, NULL);

		snprintf(id, sizeof id, "%s", PQgetvalue(r, i, 0));
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:o}", "id",
					 (json_int_t)strtoll(id, NULL, 10), "at", PQgetvalue(r, i, 1),
					 "actor", PQgetisnull(r, i, 2) ? json_null()
								       : json_string(PQgetvalue(r, i, 2)),
					 "role", PQgetvalue(r, i, 3), "org", PQgetvalue(r, i, 4),
					 "action", PQgetvalue(r, i, 5), "object", integ__str_or_null(r, i, 6),
					 "detail", detail ? detail : json_null()));
	}
	o = json_pack("{s:o}", "items", items ? items : json_array());
	/* The next page starts after this one's last row: a signed keyset. */
	if (o && n > limit) {
		if (cursor_encode_id(binding, strtoll(PQgetvalue(r, (int)limit - 1, 0), NULL, 10), cur,
				     sizeof cur)) {
			json_decref(o);
			o = NULL;
		} else {
			json_object_set_new(o, "next_cursor", json_string(cur));
		}
	} else if (o) {
		json_object_set_new(o, "next_cursor", json_null());
	}
	json_decref(binding);
	PQclear(r);
	if (!o)
		return integ__oom(p);
	*out = o;
	return 0;
}
