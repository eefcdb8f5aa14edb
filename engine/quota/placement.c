/*
 * placement.c - placements take and give back a listing's slots. The
 * slot count is decided in PostgreSQL alone: a placement's conditional
 * UPDATE is the only thing that takes a slot, and the table's CHECK is the
 * last word should anything else ever try.
 */
#include "engine/quota/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/core/fields.h"

int quota_placement_validate(const json_t *in, const char **profile_id, problem *p)
{
	static const char *const keys[] = {"profile_id", NULL};

	*profile_id = NULL;
	fields_only(in, "", keys, p);
	fields_string(in, "", "profile_id", 64, 1, profile_id, p);
	return p->kind ? -1 : 0;
}

int quota_place(store *s, const struct principal *who, int64_t quota, const json_t *profile_doc,
		json_t **out, problem *p)
{
	const char *pid = quota__str(profile_doc, "id");
	char qid[32], ids[32], actor[24], plid[40], msg[200];
	json_t *q = NULL, *detail;
	struct quota__person pr;
	unsigned bits;
	PGresult *r;
	long long remaining;
	size_t i;
	int rc;

	*out = NULL;
	if (!pid) {
		problem_set(p, PROBLEM_INVALID, "a stored profile is needed for a placement");
		problem_field(p, "profile_id", "required", "is required");
		return -1;
	}
	snprintf(qid, sizeof qid, "q_%lld", (long long)quota);
	snprintf(ids, sizeof ids, "%lld", (long long)quota);
	snprintf(actor, sizeof actor, "%lld", (long long)who->key_id);
	quota__person_of(profile_doc, &pr);
	if (store_begin(s))
		return store_fail(s, p, out);
	/* Locked: a change of the listing's dates or its closing waits for
	 * this placement, or this placement for them. */
	r = quota__fetch(s, quota, 1, p);
	if (!r)
		return store_fail(s, p, out);
	q = quota__from_row(r, 0);
	PQclear(r);
	if (!q) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	/* The row is locked, so the dates checked here hold until the
	 * commit. Fullness is the UPDATE's business; a closed listing is a
	 * conflict of its state, like a full one. */
	bits = quota__reasons_for(q, &pr);
	if (bits & R_CLOSED) {
		problem_set(p, PROBLEM_CONFLICT, "quota listing %s is closed", qid);
		problem_field(p, "quota", "closed", "the listing is closed");
		json_decref(q);
		return store_fail(s, p, out);
	}
	if (bits & ~(unsigned)R_FULL) {
		problem_set(p, PROBLEM_NOT_ELIGIBLE, "profile %s is not eligible for %s", pid, qid);
		for (i = 0; i < sizeof quota__reason_names / sizeof quota__reason_names[0]; i++)
			if (bits & (1u << i))
				problem_field(p, "profile_id", quota__reason_names[i], "%s",
					      quota__reason_message(1u << i, q, &pr, msg, sizeof msg));
		json_decref(q);
		return store_fail(s, p, out);
	}
	json_decref(q);
	r = store_exec(s,
		       "UPDATE quotas SET slots_taken = slots_taken + 1"
		       " WHERE id = $1 AND slots_taken < slots RETURNING slots - slots_taken",
		       1, (const char *const[]){ids});
	if (!r)
		return store_fail(s, p, out);
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, PROBLEM_CONFLICT, "quota listing %s has no slot left", qid);
		problem_field(p, "quota", "full", "no slot is left");
		return store_fail(s, p, out);
	}
	remaining = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	r = store_exec(s,
		       "INSERT INTO placements (quota, profile, org, created_by)"
		       " VALUES ($1::bigint, $2, $3, NULLIF($4, '0')::bigint)"
		       " RETURNING id, to_char(created_at AT TIME ZONE 'UTC',"
		       " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		       4, (const char *const[]){ids, pid, who->org, actor});
	if (!r) {
		if (strcmp(store_sqlstate(s), "23505") == 0) {
			problem_set(p, PROBLEM_CONFLICT, "profile %s already holds a placement on %s",
				    pid, qid);
			problem_field(p, "profile_id", "already_placed",
				      "already holds a placement on this listing");
		}
		return store_fail(s, p, out);
	}
	snprintf(plid, sizeof plid, "pl_%s", PQgetvalue(r, 0, 0));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:I}", "id", plid, "quota", qid, "profile_id", pid,
			 "created_at", PQgetvalue(r, 0, 1), "slots_remaining", (json_int_t)remaining);
	PQclear(r);
	if (!*out) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	detail = json_pack("{s:s, s:s}", "placement", plid, "profile", pid);
	rc = detail ? audit_write_commit(s, who, "quota.placement", qid, detail) : -1;
	json_decref(detail);
	if (rc)
		return store_fail(s, p, out);
	return 0;
}

int quota_release(store *s, const struct principal *who, const char *org, int64_t quota,
		  const char *placement_id, json_t **out, problem *p)
{
	char qid[32], ids[32], pls[32], plid[40];
	json_t *detail;
	PGresult *r;
	long long remaining;
	int64_t pl;
	int rc;

	*out = NULL;
	if (quota__parse_prefixed_id(placement_id, "pl_", &pl)) {
		problem_set(p, PROBLEM_NOT_FOUND, "no such placement");
		return -1;
	}
	snprintf(qid, sizeof qid, "q_%lld", (long long)quota);
	snprintf(ids, sizeof ids, "%lld", (long long)quota);
	snprintf(pls, sizeof pls, "%lld", (long long)pl);
	snprintf(plid, sizeof plid, "pl_%lld", (long long)pl);
	if (store_begin(s))
		return store_fail(s, p, out);
	/* The released_at condition makes a release happen once, even when
	 * two arrive together: the second waits for the first's row lock,
	 * then finds the row released and changes nothing. */
	r = store_exec(s,
		       "UPDATE placements SET released_at = now()"
		       " WHERE id = $1::bigint AND quota = $2::bigint AND ($3::text IS NULL OR org = $3)"
		       " AND released_at IS NULL"
		       " RETURNING profile, to_char(created_at AT TIME ZONE 'UTC',"
		       " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), to_char(released_at AT TIME ZONE 'UTC',"
		       " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		       3, (const char *const[]){pls, ids, org});
	if (!r)
		return store_fail(s, p, out);
	if (PQntuples(r) == 0) {
		PQclear(r);
		r = store_exec(s,
			       "SELECT 1 FROM placements WHERE id = $1::bigint AND quota = $2::bigint"
			       " AND ($3::text IS NULL OR org = $3)",
			       3, (const char *const[]){pls, ids, org});
		if (!r)
			return store_fail(s, p, out);
		if (PQntuples(r) > 0)
			problem_set(p, PROBLEM_CONFLICT, "placement %s was already released", plid);
		else
			problem_set(p, PROBLEM_NOT_FOUND, "no placement %s on %s", plid, qid);
		PQclear(r);
		return store_fail(s, p, out);
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", plid, "quota", qid, "profile_id",
			 PQgetvalue(r, 0, 0), "created_at", PQgetvalue(r, 0, 1), "released_at",
			 PQgetvalue(r, 0, 2));
	PQclear(r);
	if (!*out) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	/* An admin's answer loses profile_id in the API's policy (api/policy.c). */
	r = store_exec(s,
		       "UPDATE quotas SET slots_taken = slots_taken - 1 WHERE id = $1::bigint"
		       " RETURNING slots - slots_taken",
		       1, (const char *const[]){ids});
	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return store_fail(s, p, out);
	}
	remaining = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (json_object_set_new(*out, "slots_remaining", json_integer(remaining))) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	detail = json_pack("{s:s}", "placement", plid);
	rc = detail ? audit_write_commit(s, who, "quota.release", qid, detail) : -1;
	json_decref(detail);
	if (rc)
		return store_fail(s, p, out);
	return 0;
}
