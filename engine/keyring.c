/*
 * keyring.c - creating, listing, revoking and rotating API keys, each with
 * its audit row in the same transaction (see keyring.h).
 */
#include "engine/keyring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/audit.h"
#include "engine/core/cursor.h"
#include "engine/core/fields.h"
#include "engine/core/iso.h"
#include "engine/keys.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* The columns of a key as keyring answers it (never its hash). */
#define KEY_COLUMNS                                                                      \
	"id, role, org, " TS("created_at") ", " TS("expires_at") ", " TS("revoked_at")     \
	", replaced_by, status"

static int no_memory(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

static int bad_param(problem *p, const char *name, const char *msg)
{
	problem_set(p, PROBLEM_INVALID, "%s: %s", name, msg);
	problem_field(p, name, "format", "%s", msg);
	return -1;
}

static void format_time(time_t t, char out[KEYRING_TIME_LEN + 1])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, KEYRING_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "YYYY-MM-DDTHH:MM:SSZ" -> Unix time; -1 when malformed. */
static int parse_rfc3339(const char *s, time_t *t)
{
	char date[11];
	struct tm tm = {0};
	int h, m, sec;

	if (strlen(s) != KEYRING_TIME_LEN || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!iso_date_valid(date) || strspn(s + 11, "0123456789") != 2 ||
	    strspn(s + 14, "0123456789") != 2 || strspn(s + 17, "0123456789") != 2)
		return -1;
	h = atoi(s + 11);
	m = atoi(s + 14);
	sec = atoi(s + 17);
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	tm.tm_year = atoi(date) - 1900;
	tm.tm_mon = atoi(date + 5) - 1;
	tm.tm_mday = atoi(date + 8);
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*t = timegm(&tm);
	return 0;
}

int keyring_parse_time(const char *text, int relative, char out[KEYRING_TIME_LEN + 1])
{
	char buf[KEYRING_TIME_LEN + 1];
	time_t now = time(NULL), t;
	size_t n = text ? strlen(text) : 0;

	if (n == 0 || n > KEYRING_TIME_LEN)
		return -1;
	if (n == 10) {
		snprintf(buf, sizeof buf, "%sT00:00:00Z", text);
		text = buf;
	} else if (relative && n >= 2 && n <= 7 && strspn(text, "0123456789") == n - 1 &&
		   strchr("dhm", text[n - 1])) {
		long long v = strtoll(text, NULL, 10);
		long long unit = text[n - 1] == 'd' ? 86400 : text[n - 1] == 'h' ? 3600 : 60;

		if (v < 1)
			return -2;
		format_time(now + (time_t)(v * unit), out);
		return 0;
	}
	if (parse_rfc3339(text, &t))
		return -1;
	if (t <= now)
		return -2;
	format_time(t, out);
	return 0;
}

/* An organisation name: 1 to KEYRING_ORG_MAX bytes, no control character
 * (it is printed in lists and logs, one key a line). */
static int org_ok(const char *org)
{
	size_t n = org ? strlen(org) : 0, i;

	if (n == 0 || n > KEYRING_ORG_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)org[i] < 0x20 || org[i] == 0x7f)
			return 0;
	return 1;
}

int keyring_validate(const json_t *in, enum role *role, const char **org,
		     char expires[KEYRING_TIME_LEN + 1], int *has_expiry, problem *p)
{
	static const char *const keys[] = {"role", "org", "expires_at", NULL};
	const char *r = NULL, *e = NULL;
	int rc;

	*role = ROLE_NONE;
	*org = NULL;
	*has_expiry = 0;
	if (fields_only(in, "", keys, p) && !json_is_object(in))
		return -1;
	if (fields_string(in, "", "role", 20, 1, &r, p) > 0 &&
	    (*role = keys_role_parse(r)) == ROLE_NONE) {
		problem_field(p, "role", "format", "must be counsellor, employer, regulator or admin");
		p->kind = PROBLEM_INVALID;
	}
	if (fields_string(in, "", "org", KEYRING_ORG_MAX, 1, org, p) > 0 && !org_ok(*org)) {
		problem_field(p, "org", "format", "must not contain control characters");
		p->kind = PROBLEM_INVALID;
	}
	if (fields_string(in, "", "expires_at", 64, 0, &e, p) > 0) {
		rc = keyring_parse_time(e, 0, expires);
		if (rc == -1) {
			problem_field(p, "expires_at", "format",
				      "must be an RFC 3339 UTC time such as 2027-01-31T12:00:00Z, or a date");
			p->kind = PROBLEM_INVALID;
		} else if (rc == -2 && !p->kind) {
			problem_field(p, "expires_at", "past", "must be in the future");
			p->kind = PROBLEM_RULE;
			problem_subject(p, "key");
		}
		*has_expiry = rc == 0;
	}
	return p->kind ? -1 : 0;
}

/* A key's representation from a KEY_COLUMNS row. */
static json_t *from_row(PGresult *r, int i)
{
	char id[32], repl[32];
	json_t *k;

	snprintf(id, sizeof id, "k_%s", PQgetvalue(r, i, 0));
	snprintf(repl, sizeof repl, "k_%s", PQgetvalue(r, i, 6));
	k = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s}", "id", id, "role",
		      PQgetvalue(r, i, 1), "org", PQgetvalue(r, i, 2), "created_at",
		      PQgetvalue(r, i, 3), "expires_at",
		      PQgetisnull(r, i, 4) ? NULL : PQgetvalue(r, i, 4), "revoked_at",
		      PQgetisnull(r, i, 5) ? NULL : PQgetvalue(r, i, 5), "replaced_by",
		      PQgetisnull(r, i, 6) ? NULL : repl, "status", PQgetvalue(r, i, 7));
	if (k && (json_object_get(k, "expires_at") == NULL &&
		  json_object_set_new(k, "expires_at", json_null()))) {
		json_decref(k);
		return NULL;
	}
	return k;
}

/* Inserts the key (in the open transaction) and fills *out with it and its
 * token; the caller audits and commits. */
static int insert_key(store *s, enum role role, const char *org, const char *expires,
		      json_t **out, char kid[32], problem *p)
{
	char token[KEYS_TOKEN_LEN + 1], hash[KEYS_HASH_HEX + 1];
	PGresult *r;

	if (keys_new_token(token, sizeof token, hash)) {
		problem_set(p, PROBLEM_UNAVAILABLE, "cannot make a random token");
		return -1;
	}
	r = store_exec(s,
		       "SELECT id, " TS("created_at") " FROM"
		       " fairmatch_key_create(decode($1, 'hex'), $2, $3, $4::timestamptz)",
		       4, (const char *const[]){hash, keys_role_name(role), org, expires});
	if (!r) {
		memset(token, 0, sizeof token);
		store_problem(s, p);
		return -1;
	}
	snprintf(kid, 32, "k_%s", PQgetvalue(r, 0, 0));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s}", "id", kid, "token", token, "role",
			 keys_role_name(role), "org", org, "created_at", PQgetvalue(r, 0, 1),
			 "expires_at", expires, "status", "active");
	PQclear(r);
	memset(token, 0, sizeof token);
	if (*out && !expires && json_object_set_new(*out, "expires_at", json_null()))
		json_decref(*out), *out = NULL;
	return *out ? 0 : no_memory(p);
}

int keyring_create(store *s, const struct principal *who, enum role role, const char *org,
		   const char *expires, json_t **out, problem *p)
{
	char kid[32];
	json_t *detail;
	int rc;

	*out = NULL;
	if (role == ROLE_NONE || !org_ok(org)) {
		problem_set(p, PROBLEM_INVALID, "a role and an organisation (1 to 100 bytes, no"
			    " control character) are required");
		return -1;
	}
	if (store_begin(s))
		return store_fail(s, p, out);
	if (insert_key(s, role, org, expires, out, kid, p))
		return store_fail(s, p, out);
	detail = json_pack("{s:s, s:s, s:s?}", "key_role", keys_role_name(role), "key_org", org,
			   "expires_at", expires);
	rc = detail ? audit_write_commit(s, who, "key.create", kid, detail) : -1;
	json_decref(detail);
	if (rc)
		return store_fail(s, p, out);
	return 0;
}

/* What a key list's cursor is signed with: the filters and the caller's
 * organisation (engine/core/cursor.h); the command line has no caller. */
static json_t *list_binding(const struct principal *who, const struct keyring_query *q)
{
	return json_pack("[s, s?, o, s?, s?]", "keys", who ? who->org : NULL, cursor_text(q->org),
			 q->role, q->status);
}

int keyring_list(store *s, const struct principal *who, const struct keyring_query *q,
		 json_t **out, problem *p)
{
	static const char *const statuses[] = {"active", "expired", "revoked", NULL};
	unsigned long limit = KEYRING_LIST_DEFAULT;
	char limit_s[16], after[32], next[CURSOR_TEXT_MAX + 1];
	json_t *items = NULL, *answer, *binding;
	int64_t after_id;
	PGresult *r;
	int i, n, ok = 0;

	*out = NULL;
	if (q->org && (!*q->org || strlen(q->org) > KEYRING_ORG_MAX))
		return bad_param(p, "org", "must be 1 to 100 bytes");
	if (q->org) {
		/* jansson takes only UTF-8: the database would refuse other bytes */
		json_t *utf8 = json_string(q->org);

		if (!utf8)
			return bad_param(p, "org", "must be UTF-8 text");
		json_decref(utf8);
	}
	if (q->role && keys_role_parse(q->role) == ROLE_NONE)
		return bad_param(p, "role", "must be counsellor, employer, regulator or admin");
	for (i = 0; q->status && statuses[i]; i++)
		ok |= strcmp(q->status, statuses[i]) == 0;
	if (q->status && !ok)
		return bad_param(p, "status", "must be active, expired or revoked");
	if (q->limit) {
		n = (int)strlen(q->limit);
		if (n < 1 || n > 4 || strspn(q->limit, "0123456789") != (size_t)n ||
		    (limit = strtoul(q->limit, NULL, 10)) < 1 || limit > KEYRING_LIST_MAX)
			return bad_param(p, "limit", "must be an integer from 1 to 1000");
	}
	binding = list_binding(who, q);
	n = binding ? cursor_decode_id(binding, q->cursor, &after_id) : -2;
	json_decref(binding);
	if (n == -2)
		return no_memory(p);
	if (n)
		return bad_param(p, "cursor", "is not a next_cursor this query was given");
	snprintf(after, sizeof after, "%lld", (long long)after_id);
	snprintf(limit_s, sizeof limit_s, "%lu", limit + 1);
	if (store_begin(s))
		return store_fail(s, p, out);
	r = store_exec(s,
		       "SELECT " KEY_COLUMNS " FROM fairmatch_key_list($1, $2, $3, $4::bigint, $5::int)",
		       5, (const char *const[]){q->org, q->role, q->status, after, limit_s});
	if (!r)
		return store_fail(s, p, out);
	items = json_array();
	n = PQntuples(r);
	for (i = 0; items && i < n && (unsigned long)i < limit; i++)
		if (json_array_append_new(items, from_row(r, i)))
			goto oom;
	if (!items)
		goto oom;
	if ((unsigned long)n > limit) {
		binding = list_binding(who, q);
		if (!binding || cursor_encode_id(binding, strtoll(PQgetvalue(r, (int)limit - 1, 0),
								  NULL, 10), next, sizeof next)) {
			json_decref(binding);
			goto oom;
		}
		json_decref(binding);
		answer = json_pack("{s:o, s:s}", "items", items, "next_cursor", next);
	} else {
		answer = json_pack("{s:o, s:n}", "items", items, "next_cursor");
	}
	items = NULL;
	PQclear(r);
	if (!answer) {
		no_memory(p);
		return store_fail(s, p, out);
	}
	*out = answer;
	if (audit_write_commit(s, who, "key.list", NULL, NULL))
		return store_fail(s, p, out);
	return 0;
oom:
	PQclear(r);
	json_decref(items);
	no_memory(p);
	return store_fail(s, p, out);
}

/* The key id as keyring answers it, in the open transaction; NULL with
 * the problem set when there is none. */
static json_t *read_key(store *s, int64_t id, problem *p)
{
	char ids[24];
	json_t *k = NULL;
	PGresult *r;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s, "SELECT " KEY_COLUMNS " FROM fairmatch_key_list(NULL, NULL, NULL,"
			  " $1::bigint - 1, 1) WHERE id = $1::bigint",
		       1, (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return NULL;
	}
	if (PQntuples(r) == 1 && !(k = from_row(r, 0)))
		no_memory(p);
	else if (PQntuples(r) == 0)
		problem_set(p, PROBLEM_NOT_FOUND, "no key k_%lld", (long long)id);
	PQclear(r);
	return k;
}

int keyring_get(store *s, const struct principal *who, int64_t id, json_t **out, problem *p)
{
	char kid[32];

	*out = NULL;
	snprintf(kid, sizeof kid, "k_%lld", (long long)id);
	if (store_begin(s))
		return store_fail(s, p, out);
	if (!(*out = read_key(s, id, p)) || audit_write_commit(s, who, "key.read", kid, NULL))
		return store_fail(s, p, out);
	return 0;
}

int keyring_revoke(store *s, const struct principal *who, int64_t id, json_t **out, problem *p)
{
	char ids[24], by[24], kid[32];
	PGresult *r;

	*out = NULL;
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	snprintf(by, sizeof by, "%lld", who ? (long long)who->key_id : 0LL);
	snprintf(kid, sizeof kid, "k_%lld", (long long)id);
	if (store_begin(s))
		return store_fail(s, p, out);
	r = store_exec(s,
		       "SELECT revoked FROM fairmatch_key_revoke($1::bigint, NULLIF($2, '0')::bigint)",
		       2, (const char *const[]){ids, by});
	if (!r)
		return store_fail(s, p, out);
	if (PQntuples(r) == 0 || PQgetvalue(r, 0, 0)[0] != 't') {
		if (PQntuples(r) == 0)
			problem_set(p, PROBLEM_NOT_FOUND, "no key %s", kid);
		else
			problem_set(p, PROBLEM_CONFLICT, "key %s was already revoked", kid);
		PQclear(r);
		return store_fail(s, p, out);
	}
	PQclear(r);
	if (!(*out = read_key(s, id, p)) || audit_write_commit(s, who, "key.revoke", kid, NULL))
		return store_fail(s, p, out);
	/* This server forgets the token now; the others (and this one again)
	 * when the notification arrives. Waiting for our own notification let
	 * a request right after the DELETE pass on a loaded server. */
	keys_forget_cached();
	return 0;
}

int keyring_rotate(store *s, int64_t id, const char *expires, const char *grace_until,
		   json_t **out, problem *p)
{
	char ids[24], kid[32], newkid[32], keep[KEYRING_TIME_LEN + 1];
	const char *exp = expires;
	json_t *detail;
	enum role role;
	char org[KEYRING_ORG_MAX + 1];
	PGresult *r;
	int rc;

	*out = NULL;
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	snprintf(kid, sizeof kid, "k_%lld", (long long)id);
	if (store_begin(s))
		return store_fail(s, p, out);
	r = store_exec(s,
		       "SELECT role, org, " TS("expires_at") ", revoked_at IS NOT NULL,"
		       " expires_at IS NOT NULL AND expires_at <= now()"
		       " FROM api_keys WHERE id = $1::bigint FOR UPDATE",
		       1, (const char *const[]){ids});
	if (!r)
		return store_fail(s, p, out);
	if (PQntuples(r) == 0 || PQgetvalue(r, 0, 3)[0] == 't' || PQgetvalue(r, 0, 4)[0] == 't') {
		if (PQntuples(r) == 0)
			problem_set(p, PROBLEM_NOT_FOUND, "no key %s", kid);
		else
			problem_set(p, PROBLEM_CONFLICT, "key %s is %s: make a new key instead", kid,
				    PQgetvalue(r, 0, 3)[0] == 't' ? "revoked" : "expired");
		PQclear(r);
		return store_fail(s, p, out);
	}
	role = keys_role_parse(PQgetvalue(r, 0, 0));
	snprintf(org, sizeof org, "%s", PQgetvalue(r, 0, 1));
	if (!exp && !PQgetisnull(r, 0, 2)) {
		snprintf(keep, sizeof keep, "%s", PQgetvalue(r, 0, 2));
		exp = keep;
	}
	PQclear(r);
	if (insert_key(s, role, org, exp, out, newkid, p))
		return store_fail(s, p, out);
	/* The old key: revoked now, or expiring at the end of the grace (never
	 * later than it would have). Either change notifies every server. */
	if (store_run(s,
		      "UPDATE api_keys SET replaced_by = $2::bigint,"
		      " revoked_at = CASE WHEN $3::timestamptz IS NULL THEN now() END,"
		      " expires_at = CASE WHEN $3::timestamptz IS NULL THEN expires_at"
		      "   ELSE least(coalesce(expires_at, 'infinity'), $3::timestamptz) END"
		      " WHERE id = $1::bigint",
		      3, (const char *const[]){ids, newkid + 2, grace_until}))
		return store_fail(s, p, out);
	if (json_object_set_new(*out, "replaces", json_string(kid))) {
		no_memory(p);
		return store_fail(s, p, out);
	}
	detail = json_pack("{s:s, s:s, s:s}", "key", newkid, "key_role", keys_role_name(role),
			   "key_org", org);
	rc = !detail || audit_write(s, NULL, "key.create", newkid, detail) ||
	     audit_write_commit(s, NULL, "key.rotate", kid, detail);
	json_decref(detail);
	if (rc)
		return store_fail(s, p, out);
	return 0;
}
