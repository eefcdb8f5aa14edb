/*
 * record.c - the listing record: ids ("q_<n>", "pl_<n>"), the ISCO-08
 * group of an occupation (ESCO from engine/taxonomy/, not through
 * matching), and a row's representation.
 */
#include "engine/quota/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"

int quota__no_memory(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

int quota__parse_prefixed_id(const char *s, const char *prefix, int64_t *id)
{
	size_t k = strlen(prefix);
	char *end;
	long long v;

	if (!s || strncmp(s, prefix, k) != 0 || s[k] < '1' || s[k] > '9' || strlen(s) > k + 18)
		return -1;
	errno = 0;
	v = strtoll(s + k, &end, 10);
	if (*end || v <= 0 || errno)
		return -1;
	*id = v;
	return 0;
}

int quota_parse_id(const char *s, int64_t *id)
{
	return quota__parse_prefixed_id(s, "q_", id);
}

int quota__all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/*
 * The ISCO-08 group of an occupation (taxonomy_isco_group): an ISCO-08 code
 * (1-4 digits) that exists as it is, a known ESCO occupation URI as its unit
 * group. 0, -1 when it is neither, -2 when the taxonomy is unavailable.
 */
int quota__occupation_group(const char *occ, char code[5])
{
	int n = taxonomy_isco_group(occ, code);

	return n > 0 ? 0 : n == 0 ? -1 : -2;
}

int quota__taxonomy_down(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE,
		    "the ESCO taxonomy is not available to resolve occupation URIs");
	return -1;
}

/* The representation of a QUOTA_COLUMNS row. */
json_t *quota__from_row(PGresult *r, int row)
{
	char id[32];
	long long slots = strtoll(PQgetvalue(r, row, 6), NULL, 10);
	long long taken = strtoll(PQgetvalue(r, row, 7), NULL, 10);
	json_t *origins = json_loads(PQgetvalue(r, row, 2), 0, NULL);

	if (!origins)
		return NULL;
	snprintf(id, sizeof id, "q_%s", PQgetvalue(r, row, 0));
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:b, s:s,"
			 " s:b, s:s?}",
			 "id", id, "agreement", PQgetvalue(r, row, 1), "origin_countries", origins,
			 "destination_country", PQgetvalue(r, row, 3), "occupation",
			 PQgetvalue(r, row, 4), "isco", PQgetvalue(r, row, 5), "slots",
			 (json_int_t)slots, "slots_taken", (json_int_t)taken, "slots_remaining",
			 (json_int_t)(slots - taken), "valid_from", PQgetvalue(r, row, 8),
			 "valid_until", PQgetvalue(r, row, 9), "conditions", PQgetvalue(r, row, 10),
			 "illustrative", PQgetvalue(r, row, 11)[0] == 't', "created_at",
			 PQgetvalue(r, row, 12), "closed", !PQgetisnull(r, row, 13), "closed_at",
			 PQgetisnull(r, row, 13) ? NULL : PQgetvalue(r, row, 13));
}

/* Reads listing id; PROBLEM_NOT_FOUND when there is none. */
PGresult *quota__fetch(store *s, int64_t id, int lock, problem *p)
{
	char ids[32];
	PGresult *r;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s,
		       lock ? "SELECT " QUOTA_COLUMNS " FROM quotas WHERE id = $1 FOR NO KEY UPDATE"
			    : "SELECT " QUOTA_COLUMNS " FROM quotas WHERE id = $1",
		       1, (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return NULL;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, PROBLEM_NOT_FOUND, "no quota listing q_%lld", (long long)id);
		return NULL;
	}
	return r;
}
