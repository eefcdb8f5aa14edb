/*
 * change.c - changing and closing a listing (admins): slots, dates and
 * conditions under the listing's row lock, so slots never fall below the
 * placements made, whatever runs at the same moment; closing stops
 * placements and keeps the listing readable.
 */
#include "engine/quota/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/core/iso.h"

static const char *const patchable[] = {"slots", "valid_from", "valid_until", "conditions", NULL};
/* Known fields that are fixed once a listing exists (a changed agreement
 * is a new listing), and the representation's own fields. */
static const char *const fixed[] = {"agreement",  "origin_countries", "destination_country",
				    "occupation", "illustrative",     "id",
				    "isco",	  "slots_taken",      "slots_remaining",
				    "created_at", "closed",	      "closed_at",
				    NULL};

/* Checks the patch's shape; PROBLEM_INVALID or PROBLEM_RULE (fixed fields). */
static int check_patch(const json_t *patch, problem *p)
{
	const char *all[sizeof patchable / sizeof *patchable + sizeof fixed / sizeof *fixed];
	size_t n = 0, i;

	for (i = 0; patchable[i]; i++)
		all[n++] = patchable[i];
	for (i = 0; fixed[i]; i++)
		all[n++] = fixed[i];
	all[n] = NULL;
	if (fields_only(patch, "", all, p) && !json_is_object(patch))
		return -1;
	fields_int(patch, "", "slots", 0, QUOTA_SLOTS_MAX, 0, NULL, p);
	fields_date(patch, "", "valid_from", 0, NULL, p);
	fields_date(patch, "", "valid_until", 0, NULL, p);
	fields_string(patch, "", "conditions", QUOTA_CONDITIONS_MAX, 0, NULL, p);
	/* null would remove a required field (RFC 7396). */
	for (i = 0; patchable[i]; i++)
		if (json_is_null(json_object_get(patch, patchable[i])) &&
		    strcmp(patchable[i], "conditions") != 0) {
			problem_field(p, patchable[i], "required", "cannot be removed");
			p->kind = PROBLEM_INVALID;
		}
	if (p->kind)
		return -1;
	for (i = 0; fixed[i]; i++)
		if (json_object_get(patch, fixed[i])) {
			problem_field(p, fixed[i], "immutable",
				      "is fixed once the listing exists; open a new listing instead");
			p->kind = PROBLEM_RULE;
		}
	if (p->kind) {
		problem_subject(p, "quota listing");
		return -1;
	}
	return 0;
}

/* The value of key in the patch when given, else the listing's. */
static const char *value_of(const json_t *patch, const json_t *q, const char *key)
{
	json_t *v = json_object_get(patch, key);

	return v ? json_string_value(v) : quota__str(q, key);
}

int quota_patch(store *s, const struct principal *who, int64_t id, const json_t *patch,
		json_t **out, problem *p)
{
	char qid[32], ids[32], slots[24], today[11];
	const char *from, *until, *cond;
	json_t *q = NULL, *changed = NULL, *detail, *v;
	long long taken, want;
	const char *key;
	PGresult *r;
	int rc;

	*out = NULL;
	if (check_patch(patch, p))
		return -1;
	snprintf(qid, sizeof qid, "q_%lld", (long long)id);
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (store_begin(s))
		return store_fail(s, p, out);
	r = quota__fetch(s, id, 1, p);
	if (!r)
		return store_fail(s, p, out);
	q = quota__from_row(r, 0);
	PQclear(r);
	if (!q) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	if (json_is_true(json_object_get(q, "closed"))) {
		problem_set(p, PROBLEM_CONFLICT, "quota listing %s is closed", qid);
		problem_field(p, "quota", "closed", "a closed listing is not changed");
		goto fail;
	}
	from = value_of(patch, q, "valid_from");
	until = value_of(patch, q, "valid_until");
	cond = json_is_null(json_object_get(patch, "conditions")) ? "" : value_of(patch, q, "conditions");
	iso_today(today);
	if (strcmp(until, from) < 0) {
		problem_field(p, "valid_until", "before_valid_from", "is before valid_from");
		p->kind = PROBLEM_RULE;
	}
	if (json_object_get(patch, "valid_until") && strcmp(until, today) < 0) {
		problem_field(p, "valid_until", "past", "is in the past");
		p->kind = PROBLEM_RULE;
	}
	if (p->kind) {
		problem_subject(p, "quota listing");
		goto fail;
	}
	taken = json_integer_value(json_object_get(q, "slots_taken"));
	want = json_object_get(patch, "slots") ? json_integer_value(json_object_get(patch, "slots"))
					       : json_integer_value(json_object_get(q, "slots"));
	if (want < taken) {
		problem_set(p, PROBLEM_CONFLICT,
			    "%s has %lld slots taken; slots cannot go below %lld (release placements first)",
			    qid, taken, taken);
		problem_field(p, "slots", "below_taken", "is below the %lld slots already taken", taken);
		goto fail;
	}
	snprintf(slots, sizeof slots, "%lld", want);
	r = store_exec(s,
		       "UPDATE quotas SET slots = $2::int, valid_from = $3::date, valid_until = $4::date,"
		       " conditions = $5, updated_at = now() WHERE id = $1::bigint"
		       " RETURNING " QUOTA_COLUMNS,
		       5, (const char *const[]){ids, slots, from, until, cond});
	if (!r)
		goto fail;
	*out = quota__from_row(r, 0);
	PQclear(r);
	changed = json_array();
	json_object_foreach((json_t *)patch, key, v) {
		if (changed && json_array_append_new(changed, json_string(key)))
			json_decref(changed), changed = NULL;
	}
	if (!*out || !changed) {
		quota__no_memory(p);
		goto fail;
	}
	detail = json_pack("{s:o}", "changed", changed);
	changed = NULL;
	rc = detail ? audit_write_commit(s, who, "quota.update", qid, detail) : -1;
	json_decref(detail);
	if (rc)
		goto fail;
	json_decref(q);
	return 0;
fail:
	json_decref(q);
	json_decref(changed);
	return store_fail(s, p, out);
}

int quota_close(store *s, const struct principal *who, int64_t id, json_t **out, problem *p)
{
	char qid[32], ids[32];
	PGresult *r;

	*out = NULL;
	snprintf(qid, sizeof qid, "q_%lld", (long long)id);
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (store_begin(s))
		return store_fail(s, p, out);
	/* The update waits for placements in flight on the row; once it
	 * commits, a placement finds the listing closed. */
	r = store_exec(s,
		       "UPDATE quotas SET closed_at = now(), updated_at = now()"
		       " WHERE id = $1::bigint AND closed_at IS NULL RETURNING " QUOTA_COLUMNS,
		       1, (const char *const[]){ids});
	if (!r)
		return store_fail(s, p, out);
	if (PQntuples(r) == 0) {
		PQclear(r);
		r = quota__fetch(s, id, 0, p);
		if (r) {
			PQclear(r);
			problem_set(p, PROBLEM_CONFLICT, "quota listing %s is closed already", qid);
		}
		return store_fail(s, p, out);
	}
	*out = quota__from_row(r, 0);
	PQclear(r);
	if (!*out) {
		quota__no_memory(p);
		return store_fail(s, p, out);
	}
	if (audit_write_commit(s, who, "quota.close", qid, NULL))
		return store_fail(s, p, out);
	return 0;
}
