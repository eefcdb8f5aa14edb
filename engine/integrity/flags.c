/*
 * flags.c - regulator flags (blacklist, warning) and their lifts: validation,
 * the append-only inserts with their audit rows, and the reload of this
 * process's snapshot after each commit, so its very next request sees the
 * change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/integrity/internal.h"

static const char *const flag_keys[] = {"severity", "reason", "evidence", "expires_at", NULL};
static const char *const severities[] = {"blacklist", "warning", NULL};
static const char *const reasons[] = {"worker_fees", "contract_substitution", "unlicensed",
				      "passport_retention", "deception", "trafficking", "other",
				      NULL};

int integ__one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int integrity_flag_validate(const json_t *in, problem *p)
{
	const char *sev = NULL, *reason = NULL, *exp = NULL;

	fields_only(in, "", flag_keys, p);
	if (fields_string(in, "", "severity", 20, 1, &sev, p) > 0 && !integ__one_of(sev, severities)) {
		problem_field(p, "severity", "format", "must be blacklist or warning");
		p->kind = PROBLEM_INVALID;
	}
	if (fields_string(in, "", "reason", 40, 1, &reason, p) > 0 && !integ__one_of(reason, reasons)) {
		problem_field(p, "reason", "format",
			      "must be worker_fees, contract_substitution, unlicensed, "
			      "passport_retention, deception, trafficking or other");
		p->kind = PROBLEM_INVALID;
	}
	fields_string(in, "", "evidence", INTEGRITY_EVIDENCE_MAX, 0, NULL, p);
	if (fields_string(in, "", "expires_at", 40, 0, &exp, p) > 0 && !integ__time_valid(exp)) {
		problem_field(p, "expires_at", "format",
			      "must be an RFC 3339 time (2027-01-31T00:00:00Z) or a date");
		p->kind = PROBLEM_INVALID;
	}
	return p->kind ? -1 : 0;
}

/* Inserts a validated flag inside the caller's transaction. */
int integ__flag_insert(store *s, const struct principal *who, const char *authority,
		       int64_t recruiter, const json_t *in, int64_t *fid, problem *p)
{
	char rids[32], creator[32], obj[32], fname[32];
	const char *exp = json_string_value(json_object_get(in, "expires_at"));
	const char *evidence = json_string_value(json_object_get(in, "evidence"));
	PGresult *r;
	json_t *detail;
	int rc;

	snprintf(rids, sizeof rids, "%lld", (long long)recruiter);
	snprintf(creator, sizeof creator, "%lld", who ? (long long)who->key_id : 0LL);
	r = store_exec(s, "SELECT 1 FROM recruiters WHERE id = $1 FOR SHARE", 1,
		       (const char *const[]){rids});
	if (!r)
		return -1;
	rc = PQntuples(r);
	PQclear(r);
	if (!rc) {
		problem_set(p, PROBLEM_NOT_FOUND, "no recruiter r_%lld", (long long)recruiter);
		return -1;
	}
	if (exp) {
		r = store_exec(s, "SELECT $1::timestamptz <= now()", 1, (const char *const[]){exp});
		if (!r)
			return -1;
		rc = PQgetvalue(r, 0, 0)[0] == 't';
		PQclear(r);
		if (rc) {
			problem_field(p, "expires_at", "past", "is in the past");
			problem_set(p, PROBLEM_RULE, "expires_at is in the past");
			problem_subject(p, "flag");
			return -1;
		}
	}
	r = store_exec(s,
		       "INSERT INTO flags (recruiter, severity, reason, evidence, authority,"
		       " expires_at, created_by) VALUES ($1, $2, $3, coalesce($4, ''), $5,"
		       " $6::timestamptz, NULLIF($7, '0')::bigint) RETURNING id",
		       7,
		       (const char *const[]){rids, json_string_value(json_object_get(in, "severity")),
					     json_string_value(json_object_get(in, "reason")),
					     evidence, authority, exp, creator});
	if (!r)
		return -1;
	*fid = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	snprintf(obj, sizeof obj, "r_%lld", (long long)recruiter);
	snprintf(fname, sizeof fname, "f_%lld", (long long)*fid);
	detail = json_pack("{s:s, s:s, s:s, s:s?}", "flag", fname, "severity",
			   json_string_value(json_object_get(in, "severity")), "reason",
			   json_string_value(json_object_get(in, "reason")), "expires_at", exp);
	rc = detail ? audit_write(s, who, "flag.create", obj, detail) : integ__oom(p);
	json_decref(detail);
	return rc;
}

/* The flag `fid` as the API shows it. */
static int flag_get(store *s, int64_t fid, json_t **out, problem *p)
{
	char ids[32];
	PGresult *r;

	snprintf(ids, sizeof ids, "%lld", (long long)fid);
	r = store_exec(s,
		       "SELECT " FLAG_COLUMNS " FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " WHERE f.id = $1",
		       1, (const char *const[]){ids});
	if (!r)
		return integ__db_fail(s, p);
	*out = PQntuples(r) ? integ__flag_from_row(r, 0, 0) : NULL;
	PQclear(r);
	return *out ? 0 : integ__oom(p);
}

int integrity_flag_create(store *s, const struct principal *who, const char *authority,
			  int64_t recruiter, const json_t *in, json_t **out, problem *p)
{
	int64_t fid = 0;

	*out = NULL;
	if (integrity_flag_validate(in, p))
		return -1;
	if (store_begin(s) ||
	    integ__flag_insert(s, who, who ? who->org : authority, recruiter, in, &fid, p) ||
	    store_commit(s))
		return integ__db_fail(s, p);
	/* The very next request of this process must see the flag. */
	integrity_refresh(s);
	return flag_get(s, fid, out, p);
}

int integrity_lift_validate(const json_t *in, const char **reason, problem *p)
{
	static const char *const keys[] = {"reason", NULL};

	fields_only(in, "", keys, p);
	fields_string(in, "", "reason", INTEGRITY_REASON_MAX, 1, reason, p);
	return p->kind ? -1 : 0;
}

int integrity_flag_lift(store *s, const struct principal *who, int64_t recruiter, int64_t flag,
			const json_t *in, json_t **out, problem *p)
{
	const char *reason = NULL;
	char fids[32], by[32], obj[32], fname[32];
	PGresult *r;
	json_t *detail = NULL;
	int lifted;

	*out = NULL;
	if (integrity_lift_validate(in, &reason, p))
		return -1;
	snprintf(fids, sizeof fids, "%lld", (long long)flag);
	snprintf(by, sizeof by, "%lld", who ? (long long)who->key_id : 0LL);
	snprintf(obj, sizeof obj, "r_%lld", (long long)recruiter);
	snprintf(fname, sizeof fname, "f_%lld", (long long)flag);
	if (store_begin(s))
		return integ__db_fail(s, p);
	r = store_exec(s,
		       "SELECT f.recruiter, l.flag IS NOT NULL FROM flags f"
		       " LEFT JOIN flag_lifts l ON l.flag = f.id WHERE f.id = $1",
		       1, (const char *const[]){fids});
	if (!r)
		return integ__db_fail(s, p);
	if (PQntuples(r) == 0 || strtoll(PQgetvalue(r, 0, 0), NULL, 10) != recruiter) {
		PQclear(r);
		store_rollback(s);
		problem_set(p, PROBLEM_NOT_FOUND, "recruiter %s has no flag %s", obj, fname);
		return -1;
	}
	lifted = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (lifted) {
		store_rollback(s);
		problem_set(p, PROBLEM_CONFLICT, "flag %s is already lifted", fname);
		return -1;
	}
	if (store_run(s,
		      "INSERT INTO flag_lifts (flag, reason, lifted_by, lifted_org)"
		      " VALUES ($1, $2, NULLIF($3, '0')::bigint, $4)",
		      4, (const char *const[]){fids, reason, by, who ? who->org : "cli"})) {
		if (strcmp(store_sqlstate(s), "23505") == 0) {
			store_rollback(s);
			problem_set(p, PROBLEM_CONFLICT, "flag %s is already lifted", fname);
			return -1;
		}
		return integ__db_fail(s, p);
	}
	detail = json_pack("{s:s, s:s}", "flag", fname, "reason", reason);
	if (!detail) {
		store_rollback(s);
		return integ__oom(p);
	}
	if (audit_write(s, who, "flag.lift", obj, detail) || store_commit(s)) {
		json_decref(detail);
		return integ__db_fail(s, p);
	}
	json_decref(detail);
	integrity_refresh(s);
	return flag_get(s, flag, out, p);
}
