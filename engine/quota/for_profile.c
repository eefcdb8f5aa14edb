/*
 * for_profile.c - the "quotas" part of a match answer: the open listings
 * of the person's occupation groups, eligible ones first, with reasons.
 * Matching calls it (match_attach_quotas); quota calls nothing of matching.
 */
#include "engine/quota/internal.h"

#include <stdio.h>

#include "engine/core/iso.h"

/* Every match runs it: prepared once per connection, so PostgreSQL does not
 * parse and plan it per match. The ORDER BY applies the rule of reasons_for
 * (eligible first), so the limit never cuts an eligible listing in favour
 * of a near miss. */
static const struct store_stmt for_profile_stmt = {
	"fm_quota_for_profile",
	"SELECT " QUOTA_COLUMNS " FROM quotas"
	" WHERE isco = ANY($1::text[]) AND valid_until >= $2::date AND closed_at IS NULL"
	" ORDER BY (coalesce($3::text = ANY(origin_countries), false)"
	"           AND valid_until >= $4::date AND slots_taken < slots) DESC, id"
	" LIMIT $5::int",
	5};

int quota_for_profile(store *s, const json_t *profile_doc, json_t **out_list, problem *p)
{
	struct quota__person pr;
	char prefixes[PERSON_OCC_MAX * 4 * 5 + 3], today[11], max_s[16];
	size_t i, k, used = 0;
	json_t *list, *q, *entry;
	PGresult *r;
	int row;

	*out_list = NULL;
	quota__person_of(profile_doc, &pr);
	list = json_array();
	if (!list)
		return quota__no_memory(p);
	if (pr.n == 0) {
		*out_list = list;
		return 0;
	}
	/* Every group that holds one of the person's unit groups: the unit
	 * group itself and its minor, sub-major and major groups. Digits only,
	 * passed as one text[] parameter. */
	prefixes[used++] = '{';
	for (i = 0; i < pr.n; i++)
		for (k = 1; k <= 4; k++)
			used += (size_t)snprintf(prefixes + used, sizeof prefixes - used, "%s%.*s",
						 used > 1 ? "," : "", (int)k, pr.codes[i]);
	snprintf(prefixes + used, sizeof prefixes - used, "}");
	iso_today(today);
	snprintf(max_s, sizeof max_s, "%d", QUOTA_MATCH_MAX);
	r = store_exec_stmt(s, &for_profile_stmt,
			    (const char *const[]){prefixes, today,
						  pr.citizenship[0] ? pr.citizenship : NULL, pr.start,
						  max_s});
	if (!r) {
		json_decref(list);
		store_problem(s, p);
		return -1;
	}
	for (row = 0; row < PQntuples(r); row++) {
		unsigned bits;

		q = quota__from_row(r, row);
		if (!q)
			goto oom;
		bits = quota__reasons_for(q, &pr);
		entry = json_pack("{s:{s:O, s:O, s:O, s:O, s:O}, s:b, s:O, s:o}", "quota", "id",
				  json_object_get(q, "id"), "agreement", json_object_get(q, "agreement"),
				  "destination_country", json_object_get(q, "destination_country"),
				  "occupation", json_object_get(q, "occupation"), "illustrative",
				  json_object_get(q, "illustrative"), "eligible", bits == 0,
				  "slots_remaining", json_object_get(q, "slots_remaining"), "reasons",
				  quota__reasons_json(bits));
		json_decref(q);
		if (!entry || json_array_append_new(list, entry))
			goto oom;
	}
	PQclear(r);
	*out_list = list;
	return 0;
oom:
	PQclear(r);
	json_decref(list);
	return quota__no_memory(p);
}
