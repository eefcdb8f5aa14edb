/*
 * listing.c - storing, reading and listing quota listings (GET /v1/quotas
 * with its filters and cursor, each item optionally annotated with a
 * person's eligibility).
 */
#include "engine/quota/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/core/cursor.h"
#include "engine/core/iso.h"

int quota_create(store *s, const struct principal *who, const json_t *doc, json_t **out,
		 problem *p)
{
	char *origins = json_dumps(json_object_get(doc, "origin_countries"), JSON_COMPACT);
	char slots[24], actor[24], qid[32];
	PGresult *r;

	*out = NULL;
	if (!origins)
		return quota__no_memory(p);
	snprintf(slots, sizeof slots, "%lld", (long long)json_integer_value(json_object_get(doc, "slots")));
	snprintf(actor, sizeof actor, "%lld", who ? (long long)who->key_id : 0LL);
	if (store_begin(s)) {
		free(origins);
		return store_fail(s, p, out);
	}
	r = store_exec(s,
		       "INSERT INTO quotas (agreement, origin_countries, destination_country, occupation,"
		       " isco, slots, valid_from, valid_until, conditions, illustrative, created_by,"
		       " created_org)"
		       " VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3, $4, $5,"
		       " $6::int, $7::date, $8::date, $9, $10::boolean, NULLIF($11, '0')::bigint, $12)"
		       " RETURNING " QUOTA_COLUMNS,
		       12,
		       (const char *const[]){quota__str(doc, "agreement"), origins,
					     quota__str(doc, "destination_country"), quota__str(doc, "occupation"),
					     quota__str(doc, "isco"), slots, quota__str(doc, "valid_from"),
					     quota__str(doc, "valid_until"), quota__str(doc, "conditions"),
					     json_is_true(json_object_get(doc, "illustrative")) ? "t" : "f",
					     actor, who ? who->org : "cli"});
	free(origins);
	if (!r)
		return store_fail(s, p, out);
	*out = quota__from_row(r, 0);
	snprintf(qid, sizeof qid, "q_%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!*out) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	if (audit_write_commit(s, who, "quota.create", qid, NULL))
		return store_fail(s, p, out);
	if (json_object_get(doc, "normalised"))
		json_object_set(*out, "normalised", json_object_get(doc, "normalised"));
	return 0;
}

int quota_get(store *s, int64_t id, json_t **out, problem *p)
{
	PGresult *r = quota__fetch(s, id, 0, p);

	*out = NULL;
	if (!r)
		return -1;
	*out = quota__from_row(r, 0);
	PQclear(r);
	return *out ? 0 : quota__no_memory(p);
}

static int bad_param(problem *p, const char *name, const char *msg)
{
	problem_set(p, PROBLEM_INVALID, "%s: %s", name, msg);
	problem_field(p, name, "format", "%s", msg);
	return -1;
}

/* Adds "eligible" and "reasons" for the person to a listing's representation. */
static int annotate(json_t *q, const struct quota__person *pr)
{
	unsigned bits = quota__reasons_for(q, pr);
	json_t *rs = quota__reasons_json(bits);

	if (!rs)
		return -1;
	if (json_object_set_new(q, "eligible", json_boolean(bits == 0)) ||
	    json_object_set_new(q, "reasons", rs))
		return -1;
	return 0;
}

/* What a listing page's cursor is signed with (engine/core/cursor.h): the
 * filters and the caller's organisation. */
static json_t *list_binding(const struct quota_query *q)
{
	return json_pack("[s, s?, s?, s?, o]", "quotas", q->caller_org, q->origin, q->destination,
			 cursor_text(q->occupation));
}

int quota_list(store *s, const struct quota_query *q, const json_t *profile, json_t **out,
	       problem *p)
{
	char code[5] = "", limit_s[16], after[32], next[CURSOR_TEXT_MAX + 1];
	const char *occ = NULL;
	unsigned long limit = QUOTA_LIST_DEFAULT;
	json_t *items = NULL, *item, *answer, *binding;
	struct quota__person pr;
	int64_t after_id;
	PGresult *r;
	int i, n, rc;

	*out = NULL;
	if (q->origin && !iso_country_valid(q->origin))
		return bad_param(p, "origin", "must be an ISO 3166-1 alpha-2 country code");
	if (q->destination && !iso_country_valid(q->destination))
		return bad_param(p, "destination", "must be an ISO 3166-1 alpha-2 country code");
	if (q->occupation) {
		rc = quota__occupation_group(q->occupation, code);
		if (rc == -2)
			return quota__taxonomy_down(p);
		if (rc)
			return bad_param(p, "occupation",
					 "must be an ISCO-08 code (1-4 digits) or a known ESCO occupation URI");
		occ = code;
	}
	if (q->limit) {
		if (!quota__all_digits(q->limit, 1, 4) || (limit = strtoul(q->limit, NULL, 10)) < 1 ||
		    limit > QUOTA_LIST_MAX)
			return bad_param(p, "limit", "must be an integer from 1 to 1000");
	}
	binding = list_binding(q);
	rc = binding ? cursor_decode_id(binding, q->cursor, &after_id) : -2;
	json_decref(binding);
	if (rc == -2)
		return quota__no_memory(p);
	if (rc)
		return bad_param(p, "cursor", "is not a next_cursor this query was given");
	snprintf(after, sizeof after, "%lld", (long long)after_id);
	snprintf(limit_s, sizeof limit_s, "%lu", limit + 1);
	/* Occupation in both directions of the hierarchy: a listing for group
	 * "72" covers a search for "7212", and a search for "72" finds the
	 * listings for "7212". Codes are digits only, so LIKE sees no
	 * wildcard but the one appended. */
	r = store_exec(s,
		       "SELECT " QUOTA_COLUMNS " FROM quotas"
		       " WHERE ($1::text IS NULL OR origin_countries @> ARRAY[$1::text])"
		       " AND ($2::text IS NULL OR destination_country = $2)"
		       " AND ($3::text IS NULL OR isco LIKE $3 || '%' OR $3 LIKE isco || '%')"
		       " AND id > $4::bigint ORDER BY id LIMIT $5::int",
		       5, (const char *const[]){q->origin, q->destination, occ, after, limit_s});
	if (!r) {
		store_problem(s, p);
		return -1;
	}
	if (profile)
		quota__person_of(profile, &pr);
	items = json_array();
	if (!items)
		goto oom;
	n = PQntuples(r);
	for (i = 0; i < n && (unsigned long)i < limit; i++) {
		item = quota__from_row(r, i);
		if (!item || (profile && annotate(item, &pr)) || json_array_append_new(items, item)) {
			json_decref(item);
			goto oom;
		}
	}
	if ((unsigned long)n > limit) {
		binding = list_binding(q);
		rc = !binding || cursor_encode_id(binding, strtoll(PQgetvalue(r, (int)limit - 1, 0),
								   NULL, 10), next, sizeof next);
		json_decref(binding);
		if (rc)
			goto oom;
		answer = json_pack("{s:o, s:s}", "items", items, "next_cursor", next);
	} else {
		answer = json_pack("{s:o, s:n}", "items", items, "next_cursor");
	}
	items = NULL;
	PQclear(r);
	if (!answer)
		return quota__no_memory(p);
	*out = answer;
	return 0;
oom:
	PQclear(r);
	json_decref(items);
	return quota__no_memory(p);
}
