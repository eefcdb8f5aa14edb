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
			problem_set(p, PROBLEM_RULE, "expires_at: is in the past");
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

/* The lift requests of the flags in `flags` (FLAG_COLUMNS objects) as their
 * "lift_request": a pending request, or the request a lift confirmed. */
int integ__attach_lift_requests(store *s, json_t *flags, problem *p)
{
	json_t *ids = json_array(), *f;
	char *text = NULL;
	PGresult *r = NULL;
	size_t i;
	int rc = -1;

	if (!ids)
		return integ__oom(p);
	json_array_foreach(flags, i, f)
		if (json_array_append_new(ids, json_integer(strtoll(
				json_string_value(json_object_get(f, "id")) + 2, NULL, 10))))
			goto oom;
	if (!(text = json_dumps(ids, JSON_COMPACT)))
		goto oom;
	r = store_exec(s,
		       "SELECT 'f_' || flag, reason, requested_org, " TS("requested_at")
		       " FROM flag_lift_requests"
		       " WHERE flag IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)",
		       1, (const char *const[]){text});
	if (!r) {
		integ__db_fail(s, p);
		goto out;
	}
	for (int k = 0; k < PQntuples(r); k++)
		json_array_foreach(flags, i, f)
			if (strcmp(json_string_value(json_object_get(f, "id")), PQgetvalue(r, k, 0)) == 0 &&
			    json_object_set_new(f, "lift_request",
						json_pack("{s:s, s:s, s:s}", "reason", PQgetvalue(r, k, 1),
							  "by", PQgetvalue(r, k, 2), "at",
							  PQgetvalue(r, k, 3))))
				goto oom;
	rc = 0;
	goto out;
oom:
	integ__oom(p);
out:
	PQclear(r);
	json_decref(ids);
	free(text);
	return rc;
}

/* The flag `fid` as the API shows it, with its lift request. */
static int flag_get(store *s, int64_t fid, json_t **out, problem *p)
{
	char ids[32];
	PGresult *r;
	json_t *one;

	snprintf(ids, sizeof ids, "%lld", (long long)fid);
	r = store_exec(s,
		       "SELECT " FLAG_COLUMNS " FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " WHERE f.id = $1",
		       1, (const char *const[]){ids});
	if (!r)
		return integ__db_fail(s, p);
	*out = PQntuples(r) ? integ__flag_from_row(r, 0, 0) : NULL;
	PQclear(r);
	if (!*out)
		return integ__oom(p);
	one = json_pack("[O]", *out);
	if (!one || integ__attach_lift_requests(s, one, p)) {
		json_decref(one);
		json_decref(*out);
		*out = NULL;
		return p->kind ? -1 : integ__oom(p);
	}
	json_decref(one);
	return 0;
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

/* Writes an audit row of its own (a refusal rolls its transaction back). */
static void audit_refusal(store *s, const struct principal *who, const char *obj,
			  const char *fname, const char *why)
{
	json_t *detail = json_pack("{s:s, s:s}", "flag", fname, "refused", why);

	if (detail && audit_write(s, who, "flag.lift_refused", obj, detail))
		store_rollback(s);
	json_decref(detail);
}

/* A request by another authority's regulator: the first half of the
 * two-person rule. Inside the caller's transaction; commits. */
static int lift_request(store *s, const struct principal *who, const char *fids, const char *obj,
			const char *fname, const char *authority, const char *reason, problem *p)
{
	char by[32];
	json_t *detail;

	snprintf(by, sizeof by, "%lld", (long long)who->key_id);
	if (store_run(s,
		      "INSERT INTO flag_lift_requests (flag, reason, requested_by, requested_org)"
		      " VALUES ($1, $2, $3::bigint, $4)",
		      4, (const char *const[]){fids, reason, by, who->org})) {
		if (strcmp(store_sqlstate(s), "23505") == 0) {
			store_rollback(s);
			problem_set(p, PROBLEM_CONFLICT,
				    "a lift of flag %s was requested at the same moment; confirm it "
				    "with another key", fname);
			return -1;
		}
		return integ__db_fail(s, p);
	}
	detail = json_pack("{s:s, s:s, s:s}", "flag", fname, "reason", reason, "authority",
			   authority);
	if (!detail) {
		store_rollback(s);
		return integ__oom(p);
	}
	if (audit_write(s, who, "flag.lift_request", obj, detail) || store_commit(s)) {
		json_decref(detail);
		return integ__db_fail(s, p);
	}
	json_decref(detail);
	return 0;
}

/*
 * Only the authority that set a flag lifts it (issue 16: "flags only their
 * authority can lift"). A regulator (or admin) of another organisation
 * files a lift request, which the authority sees on the flag and confirms
 * by lifting it; any other key of another organisation is refused (403,
 * audited), however many ask, so no number of leaked keys elsewhere
 * un-blacklists an agency.
 */
int integrity_flag_lift(store *s, const struct principal *who, int64_t recruiter, int64_t flag,
			const json_t *in, json_t **out, int *pending, problem *p)
{
	const char *reason = NULL;
	char fids[32], by[32], obj[32], fname[32], authority[128], req_org[128];
	PGresult *r;
	json_t *detail = NULL;
	int lifted, requested;
	int64_t req_by;

	*out = NULL;
	*pending = 0;
	if (integrity_lift_validate(in, &reason, p))
		return -1;
	snprintf(fids, sizeof fids, "%lld", (long long)flag);
	snprintf(by, sizeof by, "%lld", who ? (long long)who->key_id : 0LL);
	snprintf(obj, sizeof obj, "r_%lld", (long long)recruiter);
	snprintf(fname, sizeof fname, "f_%lld", (long long)flag);
	if (store_begin(s))
		return integ__db_fail(s, p);
	r = store_exec(s,
		       "SELECT f.recruiter, l.flag IS NOT NULL, f.authority, q.flag IS NOT NULL,"
		       " coalesce(q.requested_by, 0), coalesce(q.requested_org, '')"
		       " FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " LEFT JOIN flag_lift_requests q ON q.flag = f.id WHERE f.id = $1",
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
	snprintf(authority, sizeof authority, "%s", PQgetvalue(r, 0, 2));
	requested = PQgetvalue(r, 0, 3)[0] == 't';
	req_by = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
	snprintf(req_org, sizeof req_org, "%s", PQgetvalue(r, 0, 5));
	PQclear(r);
	if (lifted) {
		store_rollback(s);
		problem_set(p, PROBLEM_CONFLICT, "flag %s is already lifted", fname);
		return -1;
	}
	if (who && strcmp(who->org, authority) != 0 && !requested) {
		if (lift_request(s, who, fids, obj, fname, authority, reason, p))
			return -1;
		*pending = 1;
		return flag_get(s, flag, out, p);
	}
	if (who && strcmp(who->org, authority) != 0) {
		int same = req_by == who->key_id;

		store_rollback(s);
		audit_refusal(s, who, obj, fname, same ? "same_key" : "not_authority");
		if (same)
			problem_set(p, PROBLEM_CONFLICT,
				    "flag %s was set by %s: this key's lift request waits for %s "
				    "to confirm it", fname, authority, authority);
		else
			problem_set(p, PROBLEM_FORBIDDEN,
				    "flag %s was set by %s: only %s lifts it; the lift request of %s "
				    "waits for them", fname, authority, authority, req_org);
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
	if (requested) /* the authority confirms a request */
		detail = json_pack("{s:s, s:s, s:s, s:s}", "flag", fname, "reason", reason,
				   "authority", authority, "requested_by_org", req_org);
	else
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
