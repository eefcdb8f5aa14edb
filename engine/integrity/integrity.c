/*
 * integrity.c - the recruiter registry, flags and lifts, the check, the audit
 * query and the in-memory snapshot of flagged recruiters (see integrity.h).
 *
 * Writes run in one transaction with their audit row. The snapshot is an
 * immutable, reference-counted object: a reload builds a new one and swaps a
 * pointer, so readers never see a half-built state and never wait for a
 * database round trip. Reloads are serialised by their own lock, held from
 * the read to the swap, so a reload that read older data can never replace
 * one that read newer data.
 */
#include "engine/integrity/integrity.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/csv.h"
#include "engine/core/iso.h"
#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/integrity/names.h"
#include "index/schema.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* Trigram similarity below which PostgreSQL does not propose a candidate
 * (pg_trgm's default). The candidate query leaves out trade words (below):
 * their trigrams are shared by a large part of any registry, and a GIN scan
 * over them costs tens of milliseconds at 100,000 names. */
#define CANDIDATE_TRGM "0.3"

static const char *const kind_names[] = {"unknown", "licensed", "unlicensed", "flagged",
					 "blacklisted"};

const char *integrity_kind_name(enum integrity_kind k)
{
	return k >= INTEGRITY_UNKNOWN && k <= INTEGRITY_BLACKLISTED ? kind_names[k] : "unknown";
}

static int registry_writer_lock(store *s);
static int registry_live(void);

/* ---- configuration ---- */

static double threshold = NAMES_DEFAULT_THRESHOLD;
static pthread_once_t threshold_once = PTHREAD_ONCE_INIT;

static void read_threshold(void)
{
	const char *env = getenv("FAIRMATCH_NAME_THRESHOLD");
	char *end;
	double v;

	if (!env || !*env)
		return;
	errno = 0;
	v = strtod(env, &end);
	if (errno || *end || !(v > 0.0 && v <= 1.0)) {
		fprintf(stderr, "fairmatch: FAIRMATCH_NAME_THRESHOLD '%s' is not a number in (0,1];"
				" using %.2f\n", env, NAMES_DEFAULT_THRESHOLD);
		return;
	}
	threshold = v;
}

double integrity_threshold(void)
{
	pthread_once(&threshold_once, read_threshold);
	return threshold;
}

void integrity_licence_norm(const char *in, char *out, size_t outcap)
{
	size_t n = 0;

	if (!outcap)
		return;
	for (; in && *in && n + 1 < outcap; in++)
		if (isalnum((unsigned char)*in) && !((unsigned char)*in & 0x80))
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

int integrity_parse_id(const char *s, char prefix, int64_t *id)
{
	char *end;
	long long v;

	if (!s || s[0] != prefix || s[1] != '_' || s[2] < '1' || s[2] > '9' || strlen(s) > 20)
		return -1;
	v = strtoll(s + 2, &end, 10);
	if (*end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int oom(problem *p)
{
	problem_set(p, 503, "Service unavailable", "out of memory");
	return -1;
}

static int db_fail(store *s, problem *p)
{
	const char *st = store_sqlstate(s);

	store_rollback(s);
	if (!p->status) {
		if (strncmp(st, "22", 2) == 0)
			problem_set(p, 400, "Bad request", "a value has the wrong format: %s",
				    store_error(s));
		else
			store_problem(s, p);
	}
	return -1;
}

/* RFC 3339 date-time (…Z or ±hh:mm, optional fraction) or a date. */
static int time_valid(const char *s)
{
	size_t n = strlen(s), i = 19;

	if (n == 10)
		return iso_date_valid(s);
	if (n < 20 || n > 40 || (s[10] != 'T' && s[10] != 't'))
		return 0;
	{
		char date[11];

		memcpy(date, s, 10);
		date[10] = '\0';
		if (!iso_date_valid(date))
			return 0;
	}
	for (size_t k = 11; k < 19; k++)
		if ((k == 13 || k == 16) ? s[k] != ':' : !isdigit((unsigned char)s[k]))
			return 0;
	if (s[i] == '.') {
		for (i++; isdigit((unsigned char)s[i]); i++)
			;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
		return 1;
	return (s[i] == '+' || s[i] == '-') && n - i == 6 && isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' &&
	       isdigit((unsigned char)s[i + 4]) && isdigit((unsigned char)s[i + 5]);
}

/* ---- representations ---- */

#define FLAG_COLUMNS                                                                       \
	"f.id, f.recruiter, f.severity, f.reason, f.evidence, f.authority, " TS("f.expires_at") \
	", " TS("f.created_at") ", l.reason, " TS("l.lifted_at") ", l.lifted_org, "           \
	"(f.expires_at IS NOT NULL AND f.expires_at <= now()), "                               \
	"coalesce(extract(epoch FROM f.expires_at)::bigint, 0)"

static json_t *str_or_null(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? json_null() : json_string(PQgetvalue(r, row, col));
}

static json_t *flag_from_row(PGresult *r, int row, int col)
{
	char id[32], rid[32];
	json_t *o;
	int lifted = !PQgetisnull(r, row, col + 8);
	int expired = PQgetvalue(r, row, col + 11)[0] == 't';

	snprintf(id, sizeof id, "f_%s", PQgetvalue(r, row, col));
	snprintf(rid, sizeof rid, "r_%s", PQgetvalue(r, row, col + 1));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "id", id, "recruiter", rid,
		      "severity", PQgetvalue(r, row, col + 2), "reason", PQgetvalue(r, row, col + 3),
		      "evidence", PQgetvalue(r, row, col + 4), "authority",
		      PQgetvalue(r, row, col + 5), "expires_at", str_or_null(r, row, col + 6),
		      "created_at", PQgetvalue(r, row, col + 7), "status",
		      lifted ? "lifted" : expired ? "expired" : "active");
	if (o && lifted)
		json_object_set_new(o, "lift",
				    json_pack("{s:s, s:s, s:s}", "reason", PQgetvalue(r, row, col + 8),
					      "at", PQgetvalue(r, row, col + 9), "by",
					      PQgetvalue(r, row, col + 10)));
	return o;
}

#define RECRUITER_COLUMNS                                                                  \
	"r.id, r.name, array_to_json(r.aliases)::text, r.country, r.licence_number, "        \
	"r.licence_authority, r.licence_valid_until::text, " TS("r.created_at") ", "         \
	"(r.licence_number IS NOT NULL AND (r.licence_valid_until IS NULL OR "                \
	"r.licence_valid_until >= current_date))"

static json_t *recruiter_from_row(PGresult *r, int row)
{
	char id[32];
	json_t *o, *aliases = json_loads(PQgetvalue(r, row, 2), 0, NULL);

	snprintf(id, sizeof id, "r_%s", PQgetvalue(r, row, 0));
	o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:b}", "id", id, "name", PQgetvalue(r, row, 1),
		      "aliases", aliases ? aliases : json_array(), "country",
		      str_or_null(r, row, 3), "created_at", PQgetvalue(r, row, 7),
		      "licensed", PQgetvalue(r, row, 8)[0] == 't');
	if (o && !PQgetisnull(r, row, 4))
		json_object_set_new(o, "licence",
				    json_pack("{s:s, s:o, s:o}", "number", PQgetvalue(r, row, 4),
					      "authority", str_or_null(r, row, 5), "valid_until",
					      str_or_null(r, row, 6)));
	else if (o)
		json_object_set_new(o, "licence", json_null());
	return o;
}

/* ---- registry ---- */

static const char *const recruiter_keys[] = {"name", "aliases", "country", "licence", NULL};
static const char *const licence_keys[] = {"number", "authority", "valid_until", NULL};

int integrity_recruiter_validate(const json_t *in, problem *p)
{
	json_t *aliases = NULL, *lic = NULL, *v;
	const char *name = NULL;
	char norm[NAMES_NORM_CAP], path[48];
	size_t i;

	fields_only(in, "", recruiter_keys, p);
	fields_string(in, "", "name", INTEGRITY_NAME_MAX, 1, &name, p);
	if (fields_array(in, "", "aliases", INTEGRITY_ALIASES_MAX, 0, &aliases, p) > 0) {
		json_array_foreach(aliases, i, v) {
			snprintf(path, sizeof path, "aliases[%zu]", i);
			if (!json_is_string(v))
				problem_field(p, path, "type", "must be a string");
			else if (json_string_length(v) == 0 ||
				 json_string_length(v) > INTEGRITY_NAME_MAX)
				problem_field(p, path, "length", "must be 1 to %d bytes",
					      INTEGRITY_NAME_MAX);
			else if (memchr(json_string_value(v), '\0', json_string_length(v)))
				problem_field(p, path, "format", "must not contain NUL characters");
			else
				continue;
			p->status = 400;
		}
	}
	fields_country(in, "", "country", 0, NULL, p);
	if (fields_object(in, "", "licence", 0, &lic, p) > 0 &&
	    !fields_only(lic, "licence", licence_keys, p)) {
		fields_string(lic, "licence", "number", INTEGRITY_LICENCE_MAX, 1, NULL, p);
		fields_string(lic, "licence", "authority", INTEGRITY_NAME_MAX, 0, NULL, p);
		fields_date(lic, "licence", "valid_until", 0, NULL, p);
	}
	if (p->status)
		return -1;
	if (names_normalise(name, strlen(name), norm, sizeof norm) || !norm[0]) {
		problem_field(p, "name", "no_letters", "has no letters or digits to compare");
		problem_set(p, 422, "Unprocessable recruiter", "name: has no letters or digits");
		return -1;
	}
	if (lic) {
		const char *num = json_string_value(json_object_get(lic, "number"));
		char ln[INTEGRITY_LICENCE_MAX + 1];

		integrity_licence_norm(num, ln, sizeof ln);
		if (!ln[0]) {
			problem_field(p, "licence.number", "format", "has no letters or digits");
			p->status = 400;
			return -1;
		}
	}
	return 0;
}

/* Inserts a validated recruiter inside the caller's transaction. */
static int recruiter_insert(store *s, const struct principal *who, const json_t *in, int64_t *id,
			    problem *p)
{
	const char *name = json_string_value(json_object_get(in, "name"));
	const char *country = json_string_value(json_object_get(in, "country"));
	json_t *lic = json_object_get(in, "licence"), *aliases = json_object_get(in, "aliases"), *v;
	json_t *alias_rows = json_array(), *alias_norms = json_array();
	char norm[NAMES_NORM_CAP], an[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1], ids[32],
		creator[32];
	char *rows_text = NULL, *norms_text = NULL, *aliases_text = NULL;
	const char *num = json_is_object(lic) ? json_string_value(json_object_get(lic, "number")) : NULL;
	PGresult *r;
	json_t *detail = NULL;
	size_t i;
	int rc = -1;

	if (!alias_rows || !alias_norms)
		goto nomem;
	names_normalise(name, strlen(name), norm, sizeof norm);
	json_array_foreach(aliases, i, v) {
		const char *a = json_string_value(v);

		if (names_normalise(a, strlen(a), an, sizeof an) || !an[0])
			continue; /* an alias of punctuation only can match nothing */
		if (json_array_append_new(alias_norms, json_string(an)) ||
		    json_array_append_new(alias_rows, json_pack("{s:s, s:s}", "l", a, "n", an)))
			goto nomem;
	}
	integrity_licence_norm(num, ln, sizeof ln);
	rows_text = json_dumps(alias_rows, JSON_COMPACT);
	norms_text = json_dumps(alias_norms, JSON_COMPACT);
	aliases_text = json_is_array(aliases) ? json_dumps(aliases, JSON_COMPACT) : strdup("[]");
	if (!rows_text || !norms_text || !aliases_text)
		goto nomem;
	snprintf(creator, sizeof creator, "%lld", who ? (long long)who->key_id : 0LL);
	r = store_exec(s,
		       "INSERT INTO recruiters (name, aliases, country, licence_number, licence_norm,"
		       " licence_authority, licence_valid_until, name_norm, aliases_norm, created_by,"
		       " created_org)"
		       " VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3, $4,"
		       " NULLIF($5, ''), $6, $7::date, $8,"
		       " ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), NULLIF($10, '0')::bigint,"
		       " $11) RETURNING id",
		       11,
		       (const char *const[]){
			       name, aliases_text, country, num, ln,
			       json_is_object(lic) ? json_string_value(json_object_get(lic, "authority")) : NULL,
			       json_is_object(lic) ? json_string_value(json_object_get(lic, "valid_until")) : NULL,
			       norm, norms_text, creator, who ? who->org : "cli"});
	if (!r)
		goto out;
	*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	snprintf(ids, sizeof ids, "%lld", (long long)*id);
	PQclear(r);
	if (store_run(s,
		      "INSERT INTO recruiter_names (recruiter, kind, label, norm)"
		      " SELECT $1::bigint, 'name', $2, $3 UNION ALL"
		      " SELECT $1::bigint, 'alias', a.l, a.n FROM jsonb_to_recordset($4::jsonb) AS a(l text, n text)",
		      4, (const char *const[]){ids, name, norm, rows_text}))
		goto out;
	detail = json_pack("{s:s, s:s}", "name", name, "normalised", norm);
	snprintf(ids, sizeof ids, "r_%lld", (long long)*id);
	if (!detail || audit_write(s, who, "recruiter.create", ids, detail))
		goto out;
	rc = 0;
	goto out;
nomem:
	oom(p);
out:
	json_decref(detail);
	json_decref(alias_rows);
	json_decref(alias_norms);
	free(rows_text);
	free(norms_text);
	free(aliases_text);
	return rc;
}

int integrity_recruiter_create(store *s, const struct principal *who, const json_t *in,
			       json_t **out, problem *p)
{
	int64_t id = 0;

	*out = NULL;
	if (integrity_recruiter_validate(in, p))
		return -1;
	if (store_begin(s) || registry_writer_lock(s) || recruiter_insert(s, who, in, &id, p) ||
	    store_commit(s))
		return db_fail(s, p);
	/* The very next check of this process must know the recruiter. */
	if (registry_live())
		integrity_registry_sync(s, 1);
	return integrity_recruiter_get(s, id, out, p);
}

int integrity_recruiter_get(store *s, int64_t id, json_t **out, problem *p)
{
	char ids[32];
	PGresult *r, *f;
	json_t *o, *flags;
	int i;

	*out = NULL;
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s, "SELECT " RECRUITER_COLUMNS " FROM recruiters r WHERE r.id = $1", 1,
		       (const char *const[]){ids});
	if (!r)
		return db_fail(s, p);
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, 404, "Not found", "no recruiter r_%lld", (long long)id);
		return -1;
	}
	f = store_exec(s,
		       "SELECT " FLAG_COLUMNS " FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " WHERE f.recruiter = $1 ORDER BY f.id",
		       1, (const char *const[]){ids});
	if (!f) {
		PQclear(r);
		return db_fail(s, p);
	}
	o = recruiter_from_row(r, 0);
	flags = json_array();
	for (i = 0; flags && i < PQntuples(f); i++)
		json_array_append_new(flags, flag_from_row(f, i, 0));
	PQclear(r);
	PQclear(f);
	if (!o || !flags) {
		json_decref(o);
		json_decref(flags);
		return oom(p);
	}
	json_object_set_new(o, "flags", flags);
	*out = o;
	return 0;
}

/* ---- flags and lifts ---- */

static const char *const flag_keys[] = {"severity", "reason", "evidence", "expires_at", NULL};
static const char *const severities[] = {"blacklist", "warning", NULL};
static const char *const reasons[] = {"worker_fees", "contract_substitution", "unlicensed",
				      "passport_retention", "deception", "trafficking", "other",
				      NULL};

static int one_of(const char *s, const char *const *list)
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
	if (fields_string(in, "", "severity", 20, 1, &sev, p) > 0 && !one_of(sev, severities)) {
		problem_field(p, "severity", "format", "must be blacklist or warning");
		p->status = 400;
	}
	if (fields_string(in, "", "reason", 40, 1, &reason, p) > 0 && !one_of(reason, reasons)) {
		problem_field(p, "reason", "format",
			      "must be worker_fees, contract_substitution, unlicensed, "
			      "passport_retention, deception, trafficking or other");
		p->status = 400;
	}
	fields_string(in, "", "evidence", INTEGRITY_EVIDENCE_MAX, 0, NULL, p);
	if (fields_string(in, "", "expires_at", 40, 0, &exp, p) > 0 && !time_valid(exp)) {
		problem_field(p, "expires_at", "format",
			      "must be an RFC 3339 time (2027-01-31T00:00:00Z) or a date");
		p->status = 400;
	}
	return p->status ? -1 : 0;
}

/* Inserts a validated flag inside the caller's transaction. */
static int flag_insert(store *s, const struct principal *who, const char *authority,
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
		problem_set(p, 404, "Not found", "no recruiter r_%lld", (long long)recruiter);
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
			problem_set(p, 422, "Unprocessable flag", "expires_at is in the past");
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
	rc = detail ? audit_write(s, who, "flag.create", obj, detail) : oom(p);
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
		return db_fail(s, p);
	*out = PQntuples(r) ? flag_from_row(r, 0, 0) : NULL;
	PQclear(r);
	return *out ? 0 : oom(p);
}

int integrity_flag_create(store *s, const struct principal *who, const char *authority,
			  int64_t recruiter, const json_t *in, json_t **out, problem *p)
{
	int64_t fid = 0;

	*out = NULL;
	if (integrity_flag_validate(in, p))
		return -1;
	if (store_begin(s) ||
	    flag_insert(s, who, who ? who->org : authority, recruiter, in, &fid, p) ||
	    store_commit(s))
		return db_fail(s, p);
	/* The very next request of this process must see the flag. */
	integrity_refresh(s);
	return flag_get(s, fid, out, p);
}

int integrity_lift_validate(const json_t *in, const char **reason, problem *p)
{
	static const char *const keys[] = {"reason", NULL};

	fields_only(in, "", keys, p);
	fields_string(in, "", "reason", INTEGRITY_REASON_MAX, 1, reason, p);
	return p->status ? -1 : 0;
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
		return db_fail(s, p);
	r = store_exec(s,
		       "SELECT f.recruiter, l.flag IS NOT NULL FROM flags f"
		       " LEFT JOIN flag_lifts l ON l.flag = f.id WHERE f.id = $1",
		       1, (const char *const[]){fids});
	if (!r)
		return db_fail(s, p);
	if (PQntuples(r) == 0 || strtoll(PQgetvalue(r, 0, 0), NULL, 10) != recruiter) {
		PQclear(r);
		store_rollback(s);
		problem_set(p, 404, "Not found", "recruiter %s has no flag %s", obj, fname);
		return -1;
	}
	lifted = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	if (lifted) {
		store_rollback(s);
		problem_set(p, 409, "Conflict", "flag %s is already lifted", fname);
		return -1;
	}
	if (store_run(s,
		      "INSERT INTO flag_lifts (flag, reason, lifted_by, lifted_org)"
		      " VALUES ($1, $2, NULLIF($3, '0')::bigint, $4)",
		      4, (const char *const[]){fids, reason, by, who ? who->org : "cli"})) {
		if (strcmp(store_sqlstate(s), "23505") == 0) {
			store_rollback(s);
			problem_set(p, 409, "Conflict", "flag %s is already lifted", fname);
			return -1;
		}
		return db_fail(s, p);
	}
	detail = json_pack("{s:s, s:s}", "flag", fname, "reason", reason);
	if (!detail) {
		store_rollback(s);
		return oom(p);
	}
	if (audit_write(s, who, "flag.lift", obj, detail) || store_commit(s)) {
		json_decref(detail);
		return db_fail(s, p);
	}
	json_decref(detail);
	integrity_refresh(s);
	return flag_get(s, flag, out, p);
}

/* ---- bulk import ---- */

#define IMPORT_BATCH 500

/* Builds the POST /v1/recruiters body of the current CSV record. */
static json_t *import_body(csv_reader *csv, const int *col, const char **status, problem *p)
{
	const char *name = col[0] >= 0 ? csv_field(csv, (size_t)col[0], NULL) : "";
	const char *aliases = col[1] >= 0 ? csv_field(csv, (size_t)col[1], NULL) : "";
	const char *country = col[2] >= 0 ? csv_field(csv, (size_t)col[2], NULL) : "";
	const char *licence = col[3] >= 0 ? csv_field(csv, (size_t)col[3], NULL) : "";
	const char *authority = col[4] >= 0 ? csv_field(csv, (size_t)col[4], NULL) : "";
	const char *until = col[5] >= 0 ? csv_field(csv, (size_t)col[5], NULL) : "";
	json_t *o = json_object(), *list = json_array(), *lic;
	const char *a = aliases;

	*status = col[6] >= 0 ? csv_field(csv, (size_t)col[6], NULL) : "";
	if (!o || !list)
		goto nomem;
	json_object_set_new(o, "name", json_string(name));
	while (*a) {
		const char *bar = strchr(a, '|');
		size_t len = bar ? (size_t)(bar - a) : strlen(a);

		while (len && *a == ' ')
			a++, len--;
		while (len && a[len - 1] == ' ')
			len--;
		if (len && json_array_append_new(list, json_stringn(a, len)))
			goto nomem;
		a = bar ? bar + 1 : a + strlen(a);
	}
	json_object_set_new(o, "aliases", list);
	list = NULL;
	if (*country)
		json_object_set_new(o, "country", json_string(country));
	if (*licence) {
		lic = json_pack("{s:s}", "number", licence);
		if (!lic)
			goto nomem;
		if (*authority)
			json_object_set_new(lic, "authority", json_string(authority));
		if (*until)
			json_object_set_new(lic, "valid_until", json_string(until));
		json_object_set_new(o, "licence", lic);
	} else if (*until) {
		problem_field(p, "valid_until", "format", "needs a licence number");
		p->status = 400;
	}
	if (!json_object_get(o, "name") || !json_is_array(json_object_get(o, "aliases")))
		goto nomem;
	return o;
nomem:
	json_decref(o);
	json_decref(list);
	oom(p);
	return NULL;
}

static void import_report(FILE *report, unsigned long line, const problem *p)
{
	json_t *e;
	size_t i;

	fprintf(report, "line %lu: %s", line, p->detail);
	json_array_foreach(p->errors, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));

		if (i == 0 && field && strstr(p->detail, field))
			continue;
		fprintf(report, "; %s: %s", field ? field : "?",
			json_string_value(json_object_get(e, "message")));
	}
	fputc('\n', report);
}

int integrity_import_csv(store *s, const char *path, const char *default_authority,
			 FILE *report, uint64_t *good, uint64_t *bad)
{
	static const char *const names[] = {"name", "aliases", "country", "licence",
					    "authority", "valid_until", "status"};
	csv_reader *csv = NULL;
	char err[512];
	int col[7], rc, in_batch = 0, open_txn = 0;
	size_t i;

	*good = *bad = 0;
	if (csv_open(path, &csv, err, sizeof err)) {
		fprintf(report, "fairmatch: %s\n", err);
		return -1;
	}
	for (i = 0; i < 7; i++)
		col[i] = csv_column(csv, names[i]);
	if (col[0] < 0) {
		fprintf(report, "fairmatch: %s: the header has no 'name' column\n", path);
		csv_close(csv);
		return -1;
	}
	while ((rc = csv_next(csv)) == 1) {
		const char *status = "";
		problem p;
		json_t *body;
		int64_t id = 0, fid = 0;
		const char *severity = NULL;

		problem_init(&p);
		body = import_body(csv, col, &status, &p);
		if (body && !p.status && integrity_recruiter_validate(body, &p) == 0) {
			if (!*status || strcmp(status, "valid") == 0)
				severity = NULL;
			else if (strcmp(status, "suspended") == 0)
				severity = "warning";
			else if (strcmp(status, "cancelled") == 0 || strcmp(status, "banned") == 0)
				severity = "blacklist";
			else {
				problem_field(&p, "status", "format",
					      "must be valid, suspended, cancelled or banned");
				p.status = 400;
			}
		}
		if (p.status) {
			if (p.status == 503) {
				fprintf(report, "fairmatch: %s\n", p.detail);
				json_decref(body);
				problem_release(&p);
				goto fail;
			}
			import_report(report, csv_line(csv), &p);
			(*bad)++;
			json_decref(body);
			problem_release(&p);
			continue;
		}
		if (!open_txn) {
			if (store_begin(s) || registry_writer_lock(s))
				goto dbfail_body;
			open_txn = 1;
		}
		/* A savepoint per line: one refused line does not undo the batch. */
		if (store_run(s, "SAVEPOINT line", 0, NULL))
			goto dbfail_body;
		if (recruiter_insert(s, NULL, body, &id, &p) == 0 && severity) {
			const char *auth = col[4] >= 0 ? csv_field(csv, (size_t)col[4], NULL) : "";
			json_t *f = json_pack("{s:s, s:s, s:s}", "severity", severity, "reason", "other",
					      "evidence", "");
			char ev[512];

			snprintf(ev, sizeof ev, "status '%s' in the regulator's list %s, line %lu",
				 status, path, csv_line(csv));
			if (f)
				json_object_set_new(f, "evidence", json_string(ev));
			if (!f)
				oom(&p);
			else if (flag_insert(s, NULL, *auth ? auth : default_authority, id, f, &fid, &p))
				(void)0;
			json_decref(f);
		}
		if (p.status || store_sqlstate(s)[0]) {
			if (store_was_disconnect(s))
				goto dbfail_body;
			if (!p.status)
				problem_set(&p, 422, "Refused", "the database refused the line: %s",
					    store_error(s));
			if (store_run(s, "ROLLBACK TO SAVEPOINT line", 0, NULL))
				goto dbfail_body;
			import_report(report, csv_line(csv), &p);
			(*bad)++;
		} else {
			if (store_run(s, "RELEASE SAVEPOINT line", 0, NULL))
				goto dbfail_body;
			(*good)++;
			in_batch++;
		}
		json_decref(body);
		problem_release(&p);
		if (in_batch >= IMPORT_BATCH) {
			if (store_commit(s))
				goto fail;
			in_batch = open_txn = 0;
		}
		continue;
dbfail_body:
		json_decref(body);
		problem_release(&p);
		fprintf(report, "fairmatch: line %lu: %s\n", csv_line(csv), store_error(s));
		goto fail;
	}
	if (rc < 0) {
		fprintf(report, "fairmatch: %s\n", csv_error(csv));
		goto fail;
	}
	if (open_txn && store_commit(s)) {
		fprintf(report, "fairmatch: committing: %s\n", store_error(s));
		goto fail;
	}
	csv_close(csv);
	return 0;
fail:
	store_rollback(s);
	csv_close(csv);
	return -1;
}

/* ---- the registry: every registered recruiter, in memory ----
 *
 * Candidates for a name are found the way PostgreSQL's pg_trgm finds them
 * (the same trigrams, the same similarity, the same threshold and order),
 * from postings held in this process, so the check answers exactly what the
 * SQL path answers without a round trip. Recruiters are never edited or
 * deleted, so the registry only grows: a sync appends the rows with an id
 * above its watermark. Ids are taken at insert time, not at commit, so a
 * sync first takes REGISTRY_LOCK exclusively (writers hold it shared from
 * their insert to their commit): at that instant no insert is in flight, and
 * every id up to max(id) is committed or gone for good.
 *
 * Readers hold the read side of a writer-preferring rwlock for one lookup
 * (tens of microseconds); a sync holds the write side only to append rows it
 * has already read and normalised. */

#define REGISTRY_LOCK "727002"
#define TRGM_SLOTS (37 * 37 * 37) /* ' ', a-z, 0-9 cubed */
#define TRGM_MAX (2 * NAMES_NORM_CAP)
#define ARENA_CHUNK (256 * 1024)
#define NO_LICENCE INT32_MIN   /* valid_until of a recruiter without a licence */
#define NO_EXPIRY INT32_MAX    /* valid_until of a licence without an end date */

struct reg_rec {
	int64_t id;
	const char *name;    /* as registered */
	const char *licence; /* normalised, or NULL */
	int32_t valid_until; /* days since 1970-01-01, NO_LICENCE or NO_EXPIRY */
	char country[3];
};

struct reg_name {
	uint32_t rec;   /* index in recs */
	uint16_t ntrgm; /* distinct trigrams of norm */
	uint8_t alias;
	const char *norm;
};

struct plist {
	uint32_t *v; /* indexes in names, ascending */
	uint32_t n, cap;
};

struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};

static struct {
	pthread_rwlock_t lock;
	struct reg_rec *recs;
	size_t nrecs, caprecs;
	struct reg_name *names;
	size_t nnames, capnames;
	struct plist *post; /* TRGM_SLOTS lists */
	uint32_t *lic;      /* open addressing: rec index + 1, 0 empty */
	size_t liccap, nlic;
	struct arena *arena;
	size_t arena_bytes, post_bytes;
	int64_t watermark;
} reg;
static atomic_int_fast64_t reg_watermark_pub; /* reg.watermark, readable without the lock */
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t reg_sync_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t scratch_key;

struct scratch {
	uint16_t *cnt;     /* per name: shared trigrams with the query */
	uint32_t *touched; /* names with cnt > 0 */
	size_t cap;
};

static void scratch_free(void *p)
{
	struct scratch *sc = p;

	if (sc) {
		free(sc->cnt);
		free(sc->touched);
		free(sc);
	}
}

static void reg_init(void)
{
	pthread_rwlockattr_t a;

	pthread_rwlockattr_init(&a);
	/* A steady stream of checks must not starve a sync. */
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&reg.lock, &a);
	pthread_rwlockattr_destroy(&a);
	pthread_key_create(&scratch_key, scratch_free);
}

static int registry_writer_lock(store *s)
{
	return store_run(s, "SELECT pg_advisory_xact_lock_shared(" REGISTRY_LOCK ")", 0, NULL);
}

static int trgm_code(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 1;
	if (c >= '0' && c <= '9')
		return c - '0' + 27;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* pg_trgm's trigrams of s (ASCII): lowercase words of letters and digits,
 * each padded with two spaces before and one after; sorted, distinct. */
static size_t trigrams(const char *s, uint32_t *out, size_t cap)
{
	size_t n = 0, i, k = 0;

	while (*s) {
		int w[3] = {0, 0, 0};
		size_t len = 0;

		while (*s && !trgm_code((unsigned char)*s))
			s++;
		while (trgm_code((unsigned char)*s)) {
			w[0] = w[1];
			w[1] = w[2];
			w[2] = trgm_code((unsigned char)*s);
			if (n < cap)
				out[n++] = (uint32_t)(w[0] * 37 * 37 + w[1] * 37 + w[2]);
			s++;
			len++;
		}
		if (len && n < cap) /* the trailing blank */
			out[n++] = (uint32_t)(w[1] * 37 * 37 + w[2] * 37);
	}
	qsort(out, n, sizeof *out, u32_cmp);
	for (i = 0; i < n; i++)
		if (!k || out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

static const char *arena_dup(const char *s)
{
	size_t len = strlen(s) + 1;
	struct arena *a = reg.arena;
	char *p;

	if (!a || a->cap - a->used < len) {
		size_t cap = len > ARENA_CHUNK ? len : ARENA_CHUNK;

		a = malloc(sizeof *a + cap);
		if (!a)
			return NULL;
		a->next = reg.arena;
		a->used = 0;
		a->cap = cap;
		reg.arena = a;
		reg.arena_bytes += sizeof *a + cap;
	}
	p = a->data + a->used;
	memcpy(p, s, len);
	a->used += len;
	return p;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 1024;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*arr, c * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The recruiter with licence ln (the lowest id), or -1. */
static long lic_find(const char *ln)
{
	size_t i;

	if (!reg.liccap)
		return -1;
	for (i = str_hash(ln) & (reg.liccap - 1); reg.lic[i]; i = (i + 1) & (reg.liccap - 1))
		if (strcmp(reg.recs[reg.lic[i] - 1].licence, ln) == 0)
			return (long)reg.lic[i] - 1;
	return -1;
}

static int lic_add(uint32_t rec)
{
	const char *ln = reg.recs[rec].licence;
	size_t i;

	if ((reg.nlic + 1) * 2 > reg.liccap) {
		size_t cap = reg.liccap ? reg.liccap * 2 : 1024;
		uint32_t *t = calloc(cap, sizeof *t);

		if (!t)
			return -1;
		for (size_t j = 0; j < reg.liccap; j++) {
			if (!reg.lic[j])
				continue;
			for (i = str_hash(reg.recs[reg.lic[j] - 1].licence) & (cap - 1); t[i];
			     i = (i + 1) & (cap - 1))
				;
			t[i] = reg.lic[j];
		}
		free(reg.lic);
		reg.lic = t;
		reg.liccap = cap;
	}
	if (lic_find(ln) >= 0)
		return 0; /* the first (lowest id) keeps the licence, as ORDER BY id LIMIT 1 */
	for (i = str_hash(ln) & (reg.liccap - 1); reg.lic[i]; i = (i + 1) & (reg.liccap - 1))
		;
	reg.lic[i] = rec + 1;
	reg.nlic++;
	return 0;
}

static int post_add(uint32_t key, uint32_t name)
{
	struct plist *l = &reg.post[key];

	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 4;
		uint32_t *v = realloc(l->v, cap * sizeof *v);

		if (!v)
			return -1;
		reg.post_bytes += (size_t)(cap - l->cap) * sizeof *v;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = name;
	return 0;
}

/* Appends the recruiters with id in (lo, hi]: r rows (id, name, country,
 * licence_norm, valid_until days), nm rows (recruiter, alias, norm), both
 * ordered by recruiter. Caller holds the write lock. */
static int registry_append(PGresult *r, PGresult *nm)
{
	uint32_t keys[TRGM_MAX];
	int i, j = 0, nr = PQntuples(r), nn = PQntuples(nm);

	if (!reg.post && !(reg.post = calloc(TRGM_SLOTS, sizeof *reg.post)))
		return -1;
	if (grow((void **)&reg.recs, &reg.caprecs, reg.nrecs + (size_t)nr, sizeof *reg.recs) ||
	    grow((void **)&reg.names, &reg.capnames, reg.nnames + (size_t)nn, sizeof *reg.names))
		return -1;
	for (i = 0; i < nr; i++) {
		struct reg_rec *rc = &reg.recs[reg.nrecs];
		uint32_t ri = (uint32_t)reg.nrecs;

		rc->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		rc->name = arena_dup(PQgetvalue(r, i, 1));
		snprintf(rc->country, sizeof rc->country, "%s", PQgetvalue(r, i, 2));
		rc->licence = PQgetisnull(r, i, 3) || !*PQgetvalue(r, i, 3) ? NULL
									   : arena_dup(PQgetvalue(r, i, 3));
		rc->valid_until = PQgetisnull(r, i, 4) ? NO_LICENCE
							: (int32_t)strtol(PQgetvalue(r, i, 4), NULL, 10);
		if (!rc->name || (!PQgetisnull(r, i, 3) && *PQgetvalue(r, i, 3) && !rc->licence))
			return -1;
		reg.nrecs++;
		if (rc->licence && lic_add(ri))
			return -1;
		for (; j < nn && strtoll(PQgetvalue(nm, j, 0), NULL, 10) <= rc->id; j++) {
			struct reg_name *n = &reg.names[reg.nnames];
			size_t nk, k;

			if (strtoll(PQgetvalue(nm, j, 0), NULL, 10) != rc->id)
				continue;
			n->rec = ri;
			n->alias = PQgetvalue(nm, j, 1)[0] == 't';
			n->norm = arena_dup(PQgetvalue(nm, j, 2));
			if (!n->norm)
				return -1;
			nk = trigrams(n->norm, keys, TRGM_MAX);
			n->ntrgm = (uint16_t)(nk > UINT16_MAX ? UINT16_MAX : nk);
			for (k = 0; k < nk; k++)
				if (post_add(keys[k], (uint32_t)reg.nnames))
					return -1;
			reg.nnames++;
		}
		reg.watermark = rc->id;
		atomic_store(&reg_watermark_pub, rc->id);
	}
	return 0;
}

int integrity_registry_sync(store *s, int wait)
{
	char lo[32], hi[32];
	PGresult *r = NULL, *nm = NULL;
	int rc = -1;

	pthread_once(&reg_once, reg_init);
	if (!wait) {
		/* The refresher must not wait behind a handler's sync. */
		if (pthread_mutex_trylock(&reg_sync_lock))
			return 1;
	} else {
		pthread_mutex_lock(&reg_sync_lock);
	}
	snprintf(lo, sizeof lo, "%lld", (long long)reg.watermark);
	if (store_begin(s))
		goto out;
	/* Waiting for a writer (a bulk import's open batch) is bounded: the
	 * refresher catches up later anyway. */
	if (wait && store_run(s, "SET LOCAL lock_timeout = '2s'", 0, NULL))
		goto fail;
	r = store_exec(s,
		       wait ? "SELECT true FROM pg_advisory_xact_lock(" REGISTRY_LOCK ")"
			    : "SELECT pg_try_advisory_xact_lock(" REGISTRY_LOCK ")",
		       0, NULL);
	if (!r)
		goto fail;
	if (PQntuples(r) != 1 || PQgetvalue(r, 0, 0)[0] != 't') { /* a writer is busy: later */
		PQclear(r);
		r = NULL;
		store_rollback(s);
		rc = 1;
		goto out;
	}
	PQclear(r);
	r = store_exec(s, "SELECT coalesce(max(id), 0) FROM recruiters", 0, NULL);
	if (!r)
		goto fail;
	snprintf(hi, sizeof hi, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	r = NULL;
	if (store_commit(s))
		goto fail;
	if (strtoll(hi, NULL, 10) <= reg.watermark) {
		rc = 0;
		goto out;
	}
	/* Every id up to hi is committed (or never will be): read them. */
	r = store_exec(s,
		       "SELECT id, name, coalesce(country, ''), licence_norm,"
		       " CASE WHEN licence_number IS NULL THEN NULL"
		       "  WHEN licence_valid_until IS NULL THEN " "2147483647"
		       "  ELSE licence_valid_until - date '1970-01-01' END"
		       " FROM recruiters WHERE id > $1 AND id <= $2 ORDER BY id",
		       2, (const char *const[]){lo, hi});
	if (!r)
		goto fail;
	nm = store_exec(s,
			"SELECT recruiter, kind = 'alias', norm FROM recruiter_names"
			" WHERE recruiter > $1 AND recruiter <= $2 ORDER BY recruiter, kind = 'alias'",
			2, (const char *const[]){lo, hi});
	if (!nm)
		goto fail;
	pthread_rwlock_wrlock(&reg.lock);
	rc = registry_append(r, nm);
	pthread_rwlock_unlock(&reg.lock);
	if (rc)
		fprintf(stderr, "fairmatch: integrity: out of memory loading the registry\n");
	goto out;
fail:
	store_rollback(s);
out:
	PQclear(r);
	PQclear(nm);
	pthread_mutex_unlock(&reg_sync_lock);
	return rc;
}

void integrity_registry_stats(size_t *recruiters, size_t *names, size_t *bytes)
{
	pthread_once(&reg_once, reg_init);
	pthread_rwlock_rdlock(&reg.lock);
	*recruiters = reg.nrecs;
	*names = reg.nnames;
	*bytes = reg.caprecs * sizeof *reg.recs + reg.capnames * sizeof *reg.names +
		 (reg.post ? TRGM_SLOTS * sizeof *reg.post : 0) + reg.post_bytes +
		 reg.liccap * sizeof *reg.lic + reg.arena_bytes;
	pthread_rwlock_unlock(&reg.lock);
}

static void registry_free(void)
{
	pthread_once(&reg_once, reg_init);
	pthread_rwlock_wrlock(&reg.lock);
	for (size_t i = 0; reg.post && i < TRGM_SLOTS; i++)
		free(reg.post[i].v);
	free(reg.post);
	free(reg.recs);
	free(reg.names);
	free(reg.lic);
	while (reg.arena) {
		struct arena *a = reg.arena;

		reg.arena = a->next;
		free(a);
	}
	reg.post = NULL;
	reg.recs = NULL;
	reg.names = NULL;
	reg.lic = NULL;
	reg.nrecs = reg.caprecs = reg.nnames = reg.capnames = reg.liccap = reg.nlic = 0;
	reg.arena_bytes = reg.post_bytes = 0;
	reg.watermark = 0;
	atomic_store(&reg_watermark_pub, 0);
	pthread_rwlock_unlock(&reg.lock);
}

struct cand {
	uint32_t name;
	float sim;
};

/* Orders like "ORDER BY similarity(n.norm, $1) DESC, n.recruiter". */
static int cand_before(const struct cand *a, const struct cand *b)
{
	if (a->sim != b->sim)
		return a->sim > b->sim;
	if (reg.names[a->name].rec != reg.names[b->name].rec)
		return reg.names[a->name].rec < reg.names[b->name].rec;
	return a->name < b->name;
}

/* Shorter posting lists first. */
static int plist_longer(const void *a, const void *b, void *arg)
{
	uint32_t x = reg.post[*(const uint32_t *)a].n, y = reg.post[*(const uint32_t *)b].n;

	(void)arg;
	return x < y ? -1 : x > y;
}

static int plist_has(const struct plist *l, uint32_t name)
{
	uint32_t lo = 0, hi = l->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (l->v[mid] < name)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->v[lo] == name;
}

/* The names pg_trgm would propose for query q: similarity >= 0.3, best
 * first, at most max. Caller holds the read lock. */
static size_t registry_candidates(const char *q, struct cand *out, size_t max)
{
	uint32_t keys[TRGM_MAX];
	struct scratch *sc = pthread_getspecific(scratch_key);
	size_t nq, i, nt = 0, n = 0;

	if (!reg.nnames || !reg.post)
		return 0;
	if (!sc || sc->cap < reg.nnames) {
		size_t cap = reg.nnames + reg.nnames / 2 + 1024;
		struct scratch *grown = calloc(1, sizeof *grown);

		if (!grown || !(grown->cnt = calloc(cap, sizeof *grown->cnt)) ||
		    !(grown->touched = malloc(cap * sizeof *grown->touched))) {
			scratch_free(grown);
			return 0;
		}
		grown->cap = cap;
		scratch_free(sc);
		sc = grown;
		pthread_setspecific(scratch_key, sc);
	}
	nq = trigrams(q, keys, TRGM_MAX);
	/* A name reaches similarity 0.3 only if it shares at least
	 * m = ceil(0.3 nq) trigrams with the query (c / (nq + ne - c) >= 0.3
	 * with ne >= c gives c >= 0.3 nq), so it is in at least one of the
	 * nq - m + 1 shortest lists: only those propose names; the m - 1
	 * longest ("  b", " ba" ...) only add to names already proposed. */
	qsort_r(keys, nq, sizeof keys[0], plist_longer, NULL);
	{
		size_t m = (3 * nq + 9) / 10, propose = nq - (m ? m : 1) + 1;

		for (i = 0; i < nq; i++) {
			const struct plist *l = &reg.post[keys[i]];

			if (i < propose) {
				for (uint32_t k = 0; k < l->n; k++)
					if (sc->cnt[l->v[k]]++ == 0)
						sc->touched[nt++] = l->v[k];
			} else if ((size_t)nt * 16 < l->n) {
				/* few names proposed: look each up (lists ascend) */
				for (size_t t = 0; t < nt; t++)
					if (plist_has(l, sc->touched[t]))
						sc->cnt[sc->touched[t]]++;
			} else {
				for (uint32_t k = 0; k < l->n; k++)
					if (sc->cnt[l->v[k]])
						sc->cnt[l->v[k]]++;
			}
		}
	}
	for (i = 0; i < nt; i++) {
		uint32_t x = sc->touched[i];
		int c = sc->cnt[x];
		/* pg_trgm: float4 count / float4 (len1 + len2 - count) >= threshold */
		float sim = (float)c / (float)((int)nq + reg.names[x].ntrgm - c);
		struct cand cd = {x, sim};
		size_t at;

		sc->cnt[x] = 0;
		if ((double)sim < 0.3 || (n == max && !cand_before(&cd, &out[n - 1])))
			continue;
		at = n < max ? n++ : max - 1;
		while (at > 0 && cand_before(&cd, &out[at - 1])) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = cd;
	}
	return n;
}

static int days_today(void)
{
	return (int)(time(NULL) / 86400);
}

/* ---- the check ---- */

struct match {
	int64_t id;
	char name[INTEGRITY_NAME_MAX + 1];
	char country[3];
	double score;
	const char *on; /* "licence", "name", "alias" */
	int licensed;   /* from the registry (the SQL path asks later) */
};

static int match_cmp(const void *a, const void *b)
{
	const struct match *x = a, *y = b;
	int lx = strcmp(x->on, "licence") == 0, ly = strcmp(y->on, "licence") == 0;

	if (lx != ly)
		return ly - lx;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct match *find_match(struct match *m, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].id == id)
			return &m[i];
	return NULL;
}

/* Words so common in recruiter names that their trigrams select a tenth of
 * the registry; names_similarity weighs them low anyway. */
static const char *const trade_words[] = {
	"manpower", "recruitment", "recruiting", "staffing", "placement", "overseas",
	"employment", "labour", "labor", "hire", "human", "resources", "workforce", "careers",
	"global", "jobs", "agency", "services", "international", "consultants", NULL};

/* The normalised name without trade words, or the whole name when nothing
 * else is left. */
static void candidate_query(const char *norm, char *out, size_t cap)
{
	char buf[NAMES_NORM_CAP], *save = NULL, *tok;
	size_t n = 0;

	snprintf(buf, sizeof buf, "%s", norm);
	out[0] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (one_of(tok, trade_words))
			continue;
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? " " : "", tok);
		if (n >= cap)
			break;
	}
	if (!out[0] || n >= cap)
		snprintf(out, cap, "%s", norm);
}

/* The candidate threshold is a session setting: set it once per backend. */
static _Thread_local int trgm_pid;

static int set_candidate_threshold(store *s)
{
	int pid = PQbackendPID(store_pg(s));

	if (pid && pid == trgm_pid)
		return 0;
	if (store_run(s, "SELECT set_config('pg_trgm.similarity_threshold', '" CANDIDATE_TRGM "', false)",
		      0, NULL))
		return -1;
	trgm_pid = pid;
	return 0;
}

static int check_validate(const char *name, const char *licence, const char *country,
			  problem *p)
{
	if (name && (!*name || strlen(name) > INTEGRITY_NAME_MAX))
		problem_field(p, "name", "length", "must be 1 to %d bytes", INTEGRITY_NAME_MAX);
	if (licence && (!*licence || strlen(licence) > INTEGRITY_LICENCE_MAX))
		problem_field(p, "licence", "length", "must be 1 to %d bytes", INTEGRITY_LICENCE_MAX);
	if (country && !iso_country_valid(country))
		problem_field(p, "country", "format", "must be an ISO 3166-1 alpha-2 country code");
	if (!name && !licence)
		problem_field(p, "name", "required", "name or licence is required");
	if (problem_has_fields(p)) {
		p->status = 400;
		snprintf(p->title, sizeof p->title, "Bad request");
		return -1;
	}
	return 0;
}

/* Sorts the matches: a licence first, then by score, then by id; equal
 * scores put the recruiter of the asked country first. */
static void order_matches(struct match *m, size_t n, const char *country)
{
	qsort(m, n, sizeof m[0], match_cmp);
	if (country)
		for (size_t i = 1; i < n; i++)
			if (m[i].score == m[i - 1].score && strcmp(m[i].on, m[i - 1].on) == 0 &&
			    strcmp(m[i].country, country) == 0 && strcmp(m[i - 1].country, country) != 0) {
				struct match t = m[i];

				m[i] = m[i - 1];
				m[i - 1] = t;
			}
}

/* {"id","name","score","matched_on"} of each match. */
static json_t *matches_json(const struct match *m, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		char rid[32];

		snprintf(rid, sizeof rid, "r_%lld", (long long)m[i].id);
		if (json_array_append_new(a, json_pack("{s:s, s:s, s:f, s:s}", "id", rid, "name",
						       m[i].name, "score",
						       (double)(long)(m[i].score * 1000 + 0.5) / 1000,
						       "matched_on", m[i].on))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Adds (or improves) the match of recruiter id found by name, as the SQL
 * path does for each candidate row. */
static size_t add_name_match(struct match *m, size_t n, size_t cap, int64_t id, double sc,
			     int alias, const char *name, const char *country, int licensed)
{
	struct match *x = find_match(m, n, id);

	if (x) {
		if (strcmp(x->on, "licence") != 0 && sc > x->score) {
			x->score = sc;
			x->on = alias ? "alias" : "name";
		}
		return n;
	}
	if (n >= cap)
		return n;
	m[n].id = id;
	snprintf(m[n].name, sizeof m[n].name, "%s", name);
	snprintf(m[n].country, sizeof m[n].country, "%s", country);
	m[n].score = sc;
	m[n].on = alias ? "alias" : "name";
	m[n].licensed = licensed;
	return n + 1;
}

/* The matches of a normalised name and licence from the in-memory
 * registry; the same as the SQL path's. Takes the read lock. */
static size_t registry_matches(const char *norm, const char *ln, struct match *m, size_t cap,
			       int64_t *watermark)
{
	struct cand c[INTEGRITY_CANDIDATES];
	char core[NAMES_NORM_CAP];
	double thr = integrity_threshold();
	int today = days_today();
	size_t n = 0, nc, k;

	pthread_once(&reg_once, reg_init);
	pthread_rwlock_rdlock(&reg.lock);
	if (watermark)
		*watermark = reg.watermark;
	if (ln[0]) {
		long ri = lic_find(ln);

		if (ri >= 0) {
			const struct reg_rec *rc = &reg.recs[ri];

			m[n].id = rc->id;
			snprintf(m[n].name, sizeof m[n].name, "%s", rc->name);
			snprintf(m[n].country, sizeof m[n].country, "%s", rc->country);
			m[n].score = 1.0;
			m[n].on = "licence";
			m[n].licensed = rc->valid_until != NO_LICENCE && rc->valid_until >= today;
			n++;
		}
	}
	if (norm[0]) {
		candidate_query(norm, core, sizeof core);
		nc = registry_candidates(core, c, INTEGRITY_CANDIDATES);
		for (k = 0; k < nc; k++) {
			const struct reg_name *nm = &reg.names[c[k].name];
			const struct reg_rec *rc = &reg.recs[nm->rec];
			double sc = names_similarity(norm, nm->norm);

			if (sc < thr)
				continue;
			n = add_name_match(m, n, cap, rc->id, sc, nm->alias, rc->name, rc->country,
					   rc->valid_until != NO_LICENCE && rc->valid_until >= today);
		}
	}
	pthread_rwlock_unlock(&reg.lock);
	return n;
}

static enum integrity_kind snapshot_flags(const integrity_snapshot *snap, const struct match *m,
					  size_t n, json_t *flags);
static size_t unsynced_flagged(const integrity_snapshot *snap, int64_t watermark,
			       const char *norm, const char *ln, struct match *m, size_t n,
			       size_t cap);

/* The check from memory: the registry and the flag snapshot. */
static int check_memory(const char *name, const char *licence, const char *country,
			json_t **out, problem *p)
{
	struct match m[INTEGRITY_CANDIDATES + 2];
	char norm[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1];
	json_t *matches = NULL, *flags = NULL;
	enum integrity_kind kind = INTEGRITY_UNKNOWN;
	integrity_snapshot *snap;
	int64_t watermark = 0;
	size_t n;

	norm[0] = ln[0] = '\0';
	if (name && names_normalise(name, strlen(name), norm, sizeof norm))
		norm[0] = '\0';
	if (licence)
		integrity_licence_norm(licence, ln, sizeof ln);
	n = registry_matches(norm, ln, m, sizeof m / sizeof m[0], &watermark);
	snap = integrity_snapshot_get();
	/* A flagged recruiter registered after the registry's last sync (its
	 * notification still on the way, or a bulk import holding the
	 * registry lock) is in the snapshot already: compare it directly, so
	 * a flag is never missed while the registry catches up. */
	n = unsynced_flagged(snap, watermark, norm, ln, m, n, sizeof m / sizeof m[0]);
	order_matches(m, n, country);
	matches = matches_json(m, n);
	flags = json_array();
	if (!matches || !flags) {
		integrity_snapshot_put(snap);
		goto nomem;
	}
	kind = snapshot_flags(snap, m, n, flags);
	integrity_snapshot_put(snap);
	if (kind == (enum integrity_kind)-1)
		goto nomem;
	if (kind == INTEGRITY_UNKNOWN && n)
		kind = m[0].licensed ? INTEGRITY_LICENSED : INTEGRITY_UNLICENSED;
	*out = json_pack("{s:s, s:o, s:o, s:s}", "verdict", integrity_kind_name(kind), "matches",
			 matches, "flags", flags, "normalised", norm);
	return *out ? 0 : oom(p);
nomem:
	json_decref(matches);
	json_decref(flags);
	return oom(p);
}

int integrity_check(store *s, const char *name, const char *licence, const char *country,
		    json_t **out, problem *p)
{
	*out = NULL;
	if (!registry_live())
		return integrity_check_sql(s, name, licence, country, out, p);
	if (check_validate(name, licence, country, p))
		return -1;
	return check_memory(name, licence, country, out, p);
}

int integrity_check_sql(store *s, const char *name, const char *licence, const char *country,
			json_t **out, problem *p)
{
	struct match m[INTEGRITY_CANDIDATES + 2];
	size_t n = 0, i;
	char norm[NAMES_NORM_CAP], core[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1];
	double thr = integrity_threshold();
	PGresult *r = NULL;
	json_t *ids = NULL, *matches = NULL, *flags = NULL, *o = NULL;
	char *ids_text = NULL;
	enum integrity_kind kind = INTEGRITY_UNKNOWN;
	int rc = -1;

	*out = NULL;
	if (check_validate(name, licence, country, p))
		return -1;
	norm[0] = ln[0] = '\0';
	if (name && names_normalise(name, strlen(name), norm, sizeof norm))
		norm[0] = '\0';
	if (licence)
		integrity_licence_norm(licence, ln, sizeof ln);

	if (ln[0]) {
		r = store_exec(s, "SELECT id, name, coalesce(country, '') FROM recruiters"
				  " WHERE licence_norm = $1 ORDER BY id LIMIT 1",
			       1, (const char *const[]){ln});
		if (!r)
			goto dberr;
		if (PQntuples(r)) {
			m[n].id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			snprintf(m[n].name, sizeof m[n].name, "%s", PQgetvalue(r, 0, 1));
			snprintf(m[n].country, sizeof m[n].country, "%s", PQgetvalue(r, 0, 2));
			m[n].score = 1.0;
			m[n].on = "licence";
			n++;
		}
		PQclear(r);
		r = NULL;
	}
	if (norm[0]) {
		char lim[16];

		snprintf(lim, sizeof lim, "%d", INTEGRITY_CANDIDATES);
		if (set_candidate_threshold(s))
			goto dberr;
		candidate_query(norm, core, sizeof core);
		r = store_exec(s,
			       "SELECT n.recruiter, n.kind, n.norm, r.name, coalesce(r.country, '')"
			       " FROM recruiter_names n JOIN recruiters r ON r.id = n.recruiter"
			       " WHERE n.norm % $1"
			       " ORDER BY similarity(n.norm, $1) DESC, n.recruiter LIMIT $2::int",
			       2, (const char *const[]){core, lim});
		if (!r)
			goto dberr;
		for (int k = 0; k < PQntuples(r); k++) {
			int64_t id = strtoll(PQgetvalue(r, k, 0), NULL, 10);
			double sc = names_similarity(norm, PQgetvalue(r, k, 2));

			if (sc < thr)
				continue;
			n = add_name_match(m, n, sizeof m / sizeof m[0], id, sc,
					   strcmp(PQgetvalue(r, k, 1), "name") != 0, PQgetvalue(r, k, 3),
					   PQgetvalue(r, k, 4), 0);
		}
		PQclear(r);
		r = NULL;
	}
	order_matches(m, n, country);
	matches = matches_json(m, n);
	flags = json_array();
	ids = json_array();
	if (!matches || !flags || !ids)
		goto nomem;
	for (i = 0; i < n; i++)
		if (json_array_append_new(ids, json_integer(m[i].id)))
			goto nomem;
	if (n) {
		ids_text = json_dumps(ids, JSON_COMPACT);
		if (!ids_text)
			goto nomem;
		r = store_exec(s,
			       "SELECT " FLAG_COLUMNS " FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id"
			       " WHERE f.recruiter IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)"
			       "   AND l.flag IS NULL AND (f.expires_at IS NULL OR f.expires_at > now())"
			       " ORDER BY f.recruiter, f.id",
			       1, (const char *const[]){ids_text});
		if (!r)
			goto dberr;
		for (int k = 0; k < PQntuples(r); k++) {
			enum integrity_kind fk = strcmp(PQgetvalue(r, k, 2), "blacklist") == 0
							 ? INTEGRITY_BLACKLISTED
							 : INTEGRITY_FLAGGED;

			if (fk > kind)
				kind = fk;
			json_array_append_new(flags, flag_from_row(r, k, 0));
		}
		PQclear(r);
		r = NULL;
		if (kind == INTEGRITY_UNKNOWN) {
			/* No flag: the licence of the best match decides. */
			char id0[32];

			snprintf(id0, sizeof id0, "%lld", (long long)m[0].id);
			r = store_exec(s, "SELECT " RECRUITER_COLUMNS " FROM recruiters r WHERE r.id = $1",
				       1, (const char *const[]){id0});
			if (!r)
				goto dberr;
			kind = PQntuples(r) && PQgetvalue(r, 0, 8)[0] == 't' ? INTEGRITY_LICENSED
									     : INTEGRITY_UNLICENSED;
			PQclear(r);
			r = NULL;
		}
	}
	o = json_pack("{s:s, s:O, s:O, s:s}", "verdict", integrity_kind_name(kind), "matches",
		      matches, "flags", flags, "normalised", norm);
	if (!o)
		goto nomem;
	*out = o;
	rc = 0;
	goto out;
nomem:
	oom(p);
	goto out;
dberr:
	PQclear(r);
	db_fail(s, p);
out:
	json_decref(matches);
	json_decref(flags);
	json_decref(ids);
	free(ids_text);
	return rc;
}

/* ---- the audit log ---- */

int integrity_audit_list(store *s, const struct integrity_audit_query *q, json_t **out,
			 problem *p)
{
	char lim[24];
	long limit = INTEGRITY_AUDIT_LIMIT_DEFAULT;
	PGresult *r;
	json_t *items, *o;
	int i, n;

	*out = NULL;
	if (q->limit) {
		char *end;

		limit = strtol(q->limit, &end, 10);
		if (!*q->limit || *end || limit < 1 || limit > INTEGRITY_AUDIT_LIMIT_MAX)
			problem_field(p, "limit", "format", "must be an integer from 1 to %d",
				      INTEGRITY_AUDIT_LIMIT_MAX);
	}
	if (q->since && !time_valid(q->since))
		problem_field(p, "since", "format", "must be an RFC 3339 time or a date");
	if (q->until && !time_valid(q->until))
		problem_field(p, "until", "format", "must be an RFC 3339 time or a date");
	if (q->cursor) {
		char *end;
		long long c = strtoll(q->cursor, &end, 10);

		if (!*q->cursor || *end || c < 0 || strlen(q->cursor) > 19)
			problem_field(p, "cursor", "format", "is not a cursor this server gave");
	}
	if (q->object && strlen(q->object) > 64)
		problem_field(p, "object", "length", "must be at most 64 bytes");
	if (q->actor && strlen(q->actor) > 100)
		problem_field(p, "actor", "length", "must be at most 100 bytes");
	if (q->action && strlen(q->action) > 64)
		problem_field(p, "action", "length", "must be at most 64 bytes");
	if (problem_has_fields(p)) {
		p->status = 400;
		snprintf(p->title, sizeof p->title, "Bad request");
		return -1;
	}
	snprintf(lim, sizeof lim, "%ld", limit + 1);
	r = store_exec(s,
		       "SELECT id, " TS("at") ", actor, role, org, action, object, detail::text"
		       " FROM audit_log WHERE ($1::text IS NULL OR object = $1)"
		       " AND ($2::text IS NULL OR org = $2 OR actor::text = $2)"
		       " AND ($3::text IS NULL OR action = $3)"
		       " AND ($4::timestamptz IS NULL OR at >= $4::timestamptz)"
		       " AND ($5::timestamptz IS NULL OR at < $5::timestamptz)"
		       " AND ($6::bigint IS NULL OR id > $6::bigint)"
		       " ORDER BY id LIMIT $7::int",
		       7,
		       (const char *const[]){q->object, q->actor, q->action, q->since, q->until,
					     q->cursor, lim});
	if (!r)
		return db_fail(s, p);
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
					 "action", PQgetvalue(r, i, 5), "object", str_or_null(r, i, 6),
					 "detail", detail ? detail : json_null()));
	}
	o = json_pack("{s:o}", "items", items ? items : json_array());
	if (o)
		json_object_set_new(o, "next_cursor",
				    n > limit ? json_string(PQgetvalue(r, (int)limit - 1, 0))
					      : json_null());
	PQclear(r);
	if (!o)
		return oom(p);
	*out = o;
	return 0;
}

/* ---- the snapshot ---- */

struct entry {
	int64_t id;
	enum integrity_kind kind; /* FLAGGED or BLACKLISTED */
	char **norms;             /* name and aliases, normalised */
	size_t n_norms;
	char *licence;            /* normalised, or NULL */
	json_t *flags;            /* active flags */
	int64_t *expiry;          /* of each flag: epoch seconds, 0: none */
	unsigned char *black;     /* of each flag: severity blacklist */
	char *name;               /* as registered */
	char country[3];
	int licensed;             /* at load time */
};

struct integrity_snapshot {
	atomic_int refs;
	int is_static;
	uint64_t generation;
	struct entry *e;
	size_t n;
	char **terms[2]; /* [0] blacklist only, [1] blacklist and warning */
	size_t nterms[2];
	int64_t next_expiry; /* epoch seconds of the first flag to expire, 0: none */
	/* A memo of the flagged scan by normalised name and licence: search
	 * results repeat recruiters, and the scan compares every flagged one.
	 * The snapshot is immutable, so an answer stays right for its life. */
	pthread_mutex_t memo_lock;
	struct memo_slot *memo; /* MEMO_SLOTS, allocated on first use */
	size_t memo_n;
};

#define MEMO_SLOTS 8192 /* power of two; filled at most half, then emptied */

struct memo_slot {
	char *key;     /* norm "\x1f" licence "\x1f" country, NULL: empty */
	long best;     /* flagged entry index, -1: no flagged match */
	double score;
	/* the registry's answer when no flag matched, valid while the
	 * registry's watermark and the day are these */
	int64_t reg_wm; /* -1: not asked */
	int reg_day;
	int reg_kind;   /* enum integrity_kind: UNKNOWN, LICENSED or UNLICENSED */
	int64_t reg_id;
	double reg_score;
};

static integrity_snapshot empty_snapshot = {.refs = 1, .is_static = 1};
static integrity_snapshot *current = &empty_snapshot;
static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t generation;

static void snapshot_free(integrity_snapshot *snap)
{
	size_t i, j;

	if (!snap || snap->is_static)
		return;
	for (i = 0; i < snap->n; i++) {
		for (j = 0; j < snap->e[i].n_norms; j++)
			free(snap->e[i].norms[j]);
		free(snap->e[i].norms);
		free(snap->e[i].licence);
		free(snap->e[i].expiry);
		free(snap->e[i].name);
		free(snap->e[i].black);
		json_decref(snap->e[i].flags);
	}
	free(snap->e);
	for (i = 0; snap->memo && i < MEMO_SLOTS; i++)
		free(snap->memo[i].key);
	free(snap->memo);
	pthread_mutex_destroy(&snap->memo_lock);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < snap->nterms[i]; j++)
			free(snap->terms[i][j]);
		free(snap->terms[i]);
	}
	free(snap);
}

integrity_snapshot *integrity_snapshot_get(void)
{
	integrity_snapshot *snap;

	pthread_mutex_lock(&current_lock);
	snap = current;
	atomic_fetch_add(&snap->refs, 1);
	pthread_mutex_unlock(&current_lock);
	return snap;
}

void integrity_snapshot_put(integrity_snapshot *snap)
{
	if (snap && atomic_fetch_sub(&snap->refs, 1) == 1)
		snapshot_free(snap);
}

size_t integrity_snapshot_size(const integrity_snapshot *snap)
{
	return snap->n;
}

uint64_t integrity_generation(void)
{
	return atomic_load(&generation);
}

const char *const *integrity_snapshot_terms(const integrity_snapshot *snap, int with_warnings,
					    size_t *n)
{
	/* terms[0] holds every flagged recruiter's terms, terms[1] only the
	 * blacklisted ones' (a search with include_flagged hides only those). */
	int k = with_warnings ? 0 : 1;

	*n = snap->nterms[k];
	return (const char *const *)snap->terms[k];
}

/* Adds prefix+value to a term list, cut as the indexer cuts terms. */
static int add_term(char ***list, size_t *n, const char *prefix, const char *value)
{
	char term[240];
	char **grown;

	snprintf(term, sizeof term, "%s%s", prefix, value);
	grown = realloc(*list, (*n + 1) * sizeof **list);
	if (!grown)
		return -1;
	*list = grown;
	grown[*n] = strdup(term);
	if (!grown[*n])
		return -1;
	(*n)++;
	return 0;
}

static int entry_terms(integrity_snapshot *snap, const struct entry *e)
{
	for (int k = 0; k < 2; k++) {
		/* terms[0]: hidden when warnings are hidden too (all flagged);
		 * terms[1]: hidden always (blacklisted only). */
		if (k == 1 && e->kind != INTEGRITY_BLACKLISTED)
			continue;
		for (size_t j = 0; j < e->n_norms; j++)
			if (add_term(&snap->terms[k], &snap->nterms[k], VX_RECRUITER, e->norms[j]))
				return -1;
		if (e->licence && add_term(&snap->terms[k], &snap->nterms[k], VX_LICENCE, e->licence))
			return -1;
	}
	return 0;
}

static int load(store *s, integrity_snapshot **out)
{
	PGresult *r;
	integrity_snapshot *snap;
	struct entry *e = NULL;
	int i, n;

	*out = NULL;
	r = store_exec(s,
		       "SELECT r.name_norm, array_to_json(r.aliases_norm)::text, r.licence_norm, "
		       FLAG_COLUMNS ", r.name, coalesce(r.country, ''),"
		       " (r.licence_number IS NOT NULL AND (r.licence_valid_until IS NULL OR"
		       "  r.licence_valid_until >= current_date))"
		       " FROM flags f JOIN recruiters r ON r.id = f.recruiter"
		       " LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " WHERE l.flag IS NULL AND (f.expires_at IS NULL OR f.expires_at > now())"
		       " ORDER BY f.recruiter, f.id",
		       0, NULL);
	if (!r)
		return -1;
	snap = calloc(1, sizeof *snap);
	n = PQntuples(r);
	if (!snap)
		goto nomem;
	pthread_mutex_init(&snap->memo_lock, NULL);
	if (n && !(snap->e = calloc((size_t)n, sizeof *snap->e)))
		goto nomem;
	atomic_init(&snap->refs, 1);
	for (i = 0; i < n; i++) {
		int64_t rid = strtoll(PQgetvalue(r, i, 4), NULL, 10);
		int64_t expiry = strtoll(PQgetvalue(r, i, 15), NULL, 10);
		enum integrity_kind k = strcmp(PQgetvalue(r, i, 5), "blacklist") == 0
						? INTEGRITY_BLACKLISTED
						: INTEGRITY_FLAGGED;

		if (expiry && (!snap->next_expiry || expiry < snap->next_expiry))
			snap->next_expiry = expiry;
		if (!e || e->id != rid) {
			json_t *aliases = json_loads(PQgetvalue(r, i, 1), 0, NULL), *a;
			size_t j;

			e = &snap->e[snap->n++];
			e->id = rid;
			e->name = strdup(PQgetvalue(r, i, 16));
			snprintf(e->country, sizeof e->country, "%s", PQgetvalue(r, i, 17));
			e->licensed = PQgetvalue(r, i, 18)[0] == 't';
			e->flags = json_array();
			if (!e->name) {
				json_decref(aliases);
				goto nomem;
			}
			e->norms = calloc(1 + json_array_size(aliases), sizeof *e->norms);
			if (!e->flags || !e->norms || !(e->norms[e->n_norms++] = strdup(PQgetvalue(r, i, 0)))) {
				json_decref(aliases);
				goto nomem;
			}
			json_array_foreach(aliases, j, a) {
				if (json_string_value(a) && *json_string_value(a) &&
				    !(e->norms[e->n_norms++] = strdup(json_string_value(a)))) {
					json_decref(aliases);
					goto nomem;
				}
			}
			json_decref(aliases);
			if (!PQgetisnull(r, i, 2) && !(e->licence = strdup(PQgetvalue(r, i, 2))))
				goto nomem;
		}
		if (k > e->kind)
			e->kind = k;
		{
			size_t nf = json_array_size(e->flags);
			int64_t *ex = realloc(e->expiry, (nf + 1) * sizeof *ex);
			unsigned char *bl;

			if (!ex)
				goto nomem;
			e->expiry = ex;
			bl = realloc(e->black, nf + 1);
			if (!bl)
				goto nomem;
			e->black = bl;
			ex[nf] = expiry;
			bl[nf] = k == INTEGRITY_BLACKLISTED;
		}
		if (json_array_append_new(e->flags, flag_from_row(r, i, 3)))
			goto nomem;
	}
	for (size_t j = 0; j < snap->n; j++)
		if (entry_terms(snap, &snap->e[j]))
			goto nomem;
	PQclear(r);
	*out = snap;
	return 0;
nomem:
	PQclear(r);
	snapshot_free(snap);
	return -1;
}

int integrity_refresh(store *s)
{
	integrity_snapshot *snap, *old;

	pthread_mutex_lock(&reload_lock);
	if (load(s, &snap)) {
		pthread_mutex_unlock(&reload_lock);
		return -1;
	}
	snap->generation = atomic_fetch_add(&generation, 1) + 1;
	pthread_mutex_lock(&current_lock);
	old = current;
	current = snap;
	pthread_mutex_unlock(&current_lock);
	pthread_mutex_unlock(&reload_lock);
	integrity_snapshot_put(old);
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Appends to flags the active flags of the matched recruiters (by
 * recruiter, then flag, as the SQL path orders them) and returns the worst
 * kind among them; (enum integrity_kind)-1 when out of memory. */
static enum integrity_kind snapshot_flags(const integrity_snapshot *snap, const struct match *m,
					  size_t n, json_t *flags)
{
	int64_t ids[INTEGRITY_CANDIDATES + 2];
	enum integrity_kind kind = INTEGRITY_UNKNOWN;
	int64_t now = (int64_t)time(NULL);
	size_t i, j;

	for (i = 0; i < n && i < sizeof ids / sizeof ids[0]; i++)
		ids[i] = m[i].id;
	qsort(ids, i, sizeof ids[0], id_cmp);
	for (n = i, i = 0; i < n; i++) {
		size_t lo = 0, hi = snap->n;

		while (lo < hi) { /* entries are ordered by recruiter */
			size_t mid = lo + (hi - lo) / 2;

			if (snap->e[mid].id < ids[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == snap->n || snap->e[lo].id != ids[i])
			continue;
		for (j = 0; j < json_array_size(snap->e[lo].flags); j++) {
			const struct entry *e = &snap->e[lo];

			if (e->expiry[j] && e->expiry[j] <= now)
				continue; /* expired since the load */
			if (json_array_append_new(flags, json_deep_copy(json_array_get(e->flags, j))))
				return (enum integrity_kind)-1;
			if (e->black[j])
				kind = INTEGRITY_BLACKLISTED;
			else if (kind < INTEGRITY_FLAGGED)
				kind = INTEGRITY_FLAGGED;
		}
	}
	return kind;
}

/* Adds the matches among the snapshot's recruiters above the registry's
 * watermark (unknown to it yet), scored as the registry would score them. */
static size_t unsynced_flagged(const integrity_snapshot *snap, int64_t watermark,
			       const char *norm, const char *ln, struct match *m, size_t n,
			       size_t cap)
{
	double thr = integrity_threshold();
	size_t first = snap->n, k;
	int have_licence = 0;

	while (first > 0 && snap->e[first - 1].id > watermark)
		first--;
	for (k = 0; k < n; k++)
		have_licence |= strcmp(m[k].on, "licence") == 0;
	/* ascending ids: a licence goes to the lowest, as ORDER BY id LIMIT 1 */
	for (size_t i = first; i < snap->n; i++) {
		const struct entry *e = &snap->e[i];

		if (ln[0] && e->licence && strcmp(ln, e->licence) == 0 && !have_licence && n < cap) {
			have_licence = 1;
			/* the licence match replaces a name match of the same recruiter */
			for (k = 0; k < n && m[k].id != e->id; k++)
				;
			if (k == n)
				n++;
			m[k].id = e->id;
			snprintf(m[k].name, sizeof m[k].name, "%s", e->name);
			snprintf(m[k].country, sizeof m[k].country, "%s", e->country);
			m[k].score = 1.0;
			m[k].on = "licence";
			m[k].licensed = e->licensed;
		}
		for (size_t j = 0; norm[0] && j < e->n_norms; j++) {
			double sc = names_similarity(norm, e->norms[j]);

			if (sc >= thr)
				n = add_name_match(m, n, cap, e->id, sc, j > 0, e->name, e->country,
						   e->licensed);
		}
	}
	return n;
}

void integrity_verdict_release(struct integrity_verdict *v)
{
	json_decref(v->flags);
	v->flags = NULL;
}

/* names_normalise behind a small direct-mapped cache: a match asks for the
 * verdict of every candidate vacancy's recruiter, and the same names come
 * back request after request. The normal form depends on the name alone,
 * so entries never go stale. */
#define NORM_SLOTS 4096
#define NORM_NAME_MAX 128 /* longer names are normalised every time */

static struct norm_slot {
	char name[NORM_NAME_MAX];
	char norm[NORM_NAME_MAX];
} norm_cache[NORM_SLOTS];
static pthread_mutex_t norm_lock = PTHREAD_MUTEX_INITIALIZER;

static int normalise_cached(const char *name, char *norm, size_t cap)
{
	size_t len = strlen(name), nlen;
	struct norm_slot *slot = &norm_cache[str_hash(name) & (NORM_SLOTS - 1)];
	int hit;

	if (len < NORM_NAME_MAX && len > 0) {
		pthread_mutex_lock(&norm_lock);
		hit = strcmp(slot->name, name) == 0 && strlen(slot->norm) < cap;
		if (hit)
			memcpy(norm, slot->norm, strlen(slot->norm) + 1);
		pthread_mutex_unlock(&norm_lock);
		if (hit)
			return 0;
	}
	if (names_normalise(name, len, norm, cap))
		return -1;
	nlen = strlen(norm);
	if (len < NORM_NAME_MAX && len > 0 && nlen < NORM_NAME_MAX) {
		pthread_mutex_lock(&norm_lock);
		memcpy(slot->name, name, len + 1);
		memcpy(slot->norm, norm, nlen + 1);
		pthread_mutex_unlock(&norm_lock);
	}
	return 0;
}

/* The memo's key: normalised name, licence and country. */
static char *memo_key(const char *norm, const char *ln, const char *country)
{
	size_t len = strlen(norm) + strlen(ln) + strlen(country) + 3;
	char *key = malloc(len);

	if (key)
		snprintf(key, len, "%s\x1f%s\x1f%s", norm, ln, country);
	return key;
}

/* A copy of the memoised answer for key into *out; 0, or -1 if none. */
static int memo_get(integrity_snapshot *snap, const char *key, struct memo_slot *out)
{
	int rc = -1;

	pthread_mutex_lock(&snap->memo_lock);
	for (size_t i = str_hash(key) & (MEMO_SLOTS - 1); snap->memo && snap->memo[i].key;
	     i = (i + 1) & (MEMO_SLOTS - 1))
		if (strcmp(snap->memo[i].key, key) == 0) {
			*out = snap->memo[i];
			out->key = NULL;
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&snap->memo_lock);
	return rc;
}

/* Stores (or replaces) the answer for key; takes key. */
static void memo_put(integrity_snapshot *snap, char *key, const struct memo_slot *val)
{
	size_t i;

	pthread_mutex_lock(&snap->memo_lock);
	if (!snap->memo)
		snap->memo = calloc(MEMO_SLOTS, sizeof *snap->memo);
	if (!snap->memo) {
		pthread_mutex_unlock(&snap->memo_lock);
		free(key);
		return; /* a memo is only an optimisation */
	}
	if (snap->memo_n >= MEMO_SLOTS / 2) { /* full: start again */
		for (i = 0; i < MEMO_SLOTS; i++) {
			free(snap->memo[i].key);
			snap->memo[i].key = NULL;
		}
		snap->memo_n = 0;
	}
	for (i = str_hash(key) & (MEMO_SLOTS - 1); snap->memo[i].key; i = (i + 1) & (MEMO_SLOTS - 1))
		if (strcmp(snap->memo[i].key, key) == 0)
			break;
	if (snap->memo[i].key) {
		free(key);
		key = snap->memo[i].key;
	} else {
		snap->memo_n++;
	}
	snap->memo[i] = *val;
	snap->memo[i].key = key;
	pthread_mutex_unlock(&snap->memo_lock);
}

int integrity_snapshot_verdict(const integrity_snapshot *snap, const json_t *rec,
			       struct integrity_verdict *out)
{
	if (!json_is_object(rec)) {
		memset(out, 0, sizeof *out);
		return 0;
	}
	return integrity_snapshot_verdict_of(snap, json_string_value(json_object_get(rec, "name")),
					     json_string_value(json_object_get(rec, "licence")),
					     json_string_value(json_object_get(rec, "country")), out);
}

int integrity_snapshot_verdict_of(const integrity_snapshot *snap, const char *name,
				  const char *licence, const char *country,
				  struct integrity_verdict *out)
{
	char norm[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1];
	const struct entry *best = NULL;
	double best_score = 0, thr = integrity_threshold();
	struct memo_slot mv = {.best = -1, .reg_wm = -1};
	char *key = NULL;
	int live = registry_live(), today = days_today(), have = 0;
	int64_t wm = atomic_load(&reg_watermark_pub);
	size_t i, j;

	memset(out, 0, sizeof *out);
	integrity_licence_norm(licence, ln, sizeof ln);
	if (!name || normalise_cached(name, norm, sizeof norm))
		norm[0] = '\0';
	if (!snap->is_static) {
		key = memo_key(norm, ln, country ? country : "");
		have = key && memo_get((integrity_snapshot *)snap, key, &mv) == 0;
	}
	if (have) {
		best = mv.best >= 0 ? &snap->e[mv.best] : NULL;
		best_score = mv.score;
	} else {
		for (i = 0; i < snap->n; i++) {
			const struct entry *e = &snap->e[i];
			double sc = 0;

			if (ln[0] && e->licence && strcmp(ln, e->licence) == 0)
				sc = 1.0;
			for (j = 0; norm[0] && j < e->n_norms && sc < 1.0; j++) {
				double x = names_similarity(norm, e->norms[j]);

				if (x > sc)
					sc = x;
			}
			if (sc < thr)
				continue;
			/* The worst verdict wins; among equals, the closest name. */
			if (!best || e->kind > best->kind || (e->kind == best->kind && sc > best_score)) {
				best = e;
				best_score = sc;
			}
		}
		mv.best = best ? best - snap->e : -1;
		mv.score = best_score;
	}
	if (!best && live && (mv.reg_wm != wm || mv.reg_day != today)) {
		/* No flag: a registered recruiter answers licensed or
		 * unlicensed, as the check would (memoised while the registry
		 * and the date stay the same). */
		struct match m[INTEGRITY_CANDIDATES + 2];
		size_t n = registry_matches(norm, ln, m, sizeof m / sizeof m[0], &wm);

		order_matches(m, n, country);
		mv.reg_kind = !n ? INTEGRITY_UNKNOWN
				 : m[0].licensed ? INTEGRITY_LICENSED : INTEGRITY_UNLICENSED;
		mv.reg_id = n ? m[0].id : 0;
		mv.reg_score = n ? m[0].score : 0;
		mv.reg_wm = wm;
		mv.reg_day = today;
		have = 0; /* store the new answer */
	}
	if (key && !have)
		memo_put((integrity_snapshot *)snap, key, &mv);
	else
		free(key);
	if (!best) {
		if (!live || mv.reg_kind == INTEGRITY_UNKNOWN)
			return 0;
		out->kind = (enum integrity_kind)mv.reg_kind;
		out->score = mv.reg_score;
		snprintf(out->recruiter, sizeof out->recruiter, "r_%lld", (long long)mv.reg_id);
		return 0;
	}
	out->kind = best->kind;
	out->score = best_score;
	snprintf(out->recruiter, sizeof out->recruiter, "r_%lld", (long long)best->id);
	/* A copy: jansson's reference counts are not shared across threads. */
	out->flags = json_deep_copy(best->flags);
	if (!out->flags) {
		out->kind = INTEGRITY_UNKNOWN;
		return -1;
	}
	return 0;
}

int integrity_vacancy_verdict(const json_t *vacancy, struct integrity_verdict *out)
{
	integrity_snapshot *snap = integrity_snapshot_get();
	int rc = integrity_snapshot_verdict(snap, json_object_get(vacancy, "recruiter"), out);

	integrity_snapshot_put(snap);
	return rc;
}

json_t *integrity_verdict_json(const struct integrity_verdict *v)
{
	json_t *o = json_pack("{s:s, s:o}", "verdict", integrity_kind_name(v->kind), "flags",
			      v->flags ? json_deep_copy(v->flags) : json_array());

	if (o && v->recruiter[0])
		json_object_set_new(o, "recruiter", json_string(v->recruiter));
	return o;
}

/* ---- the background refresher ---- */

static struct {
	pthread_t thread;
	atomic_int running;
	atomic_int stop;
	int wake_fd;
	char *conninfo;
} rf = {.wake_fd = -1};

/* The registry is kept current only while the refresher runs. */
static int registry_live(void)
{
	return rf.running;
}

static int64_t snapshot_next_expiry(void)
{
	integrity_snapshot *snap = integrity_snapshot_get();
	int64_t t = snap->next_expiry;

	integrity_snapshot_put(snap);
	return t;
}

static void *refresher_main(void *arg)
{
	store *s = NULL;
	char err[512];
	int warned = 0, registry_pending = 0;
	(void)arg;

	while (!atomic_load(&rf.stop)) {
		struct pollfd fds[2];
		int nfds = 1, reload = 0, timeout = registry_pending ? 50 : 1000;
		int64_t expiry;

		if (!s) {
			if (store_connect(rf.conninfo, &s, err, sizeof err) == 0 &&
			    store_run(s, "LISTEN fairmatch_integrity", 0, NULL) == 0 &&
			    integrity_refresh(s) == 0 && integrity_registry_sync(s, 0) >= 0) {
				/* A sync refused while a writer is busy is retried below. */
				registry_pending = 1;
				/* Reloaded whole: what was sent while we were away is in it. */
				if (warned)
					fprintf(stderr, "fairmatch: integrity: reconnected, snapshot reloaded\n");
				warned = 0;
			} else {
				if (!warned++)
					fprintf(stderr, "fairmatch: integrity: %s (retrying)\n",
						s ? store_error(s) : err);
				store_close(s);
				s = NULL;
				timeout = 200;
			}
		}
		fds[0].fd = rf.wake_fd;
		fds[0].events = POLLIN;
		if (s) {
			fds[1].fd = PQsocket(store_pg(s));
			fds[1].events = POLLIN;
			nfds = 2;
		}
		if (poll(fds, (nfds_t)nfds, timeout) > 0) {
			if (fds[0].revents & POLLIN) {
				uint64_t junk;

				if (read(rf.wake_fd, &junk, sizeof junk) < 0 && errno != EAGAIN)
					(void)0;
			}
			if (s && nfds == 2 && fds[1].revents) {
				PGnotify *n;

				if (!PQconsumeInput(store_pg(s)) || PQstatus(store_pg(s)) != CONNECTION_OK) {
					store_close(s);
					s = NULL;
					continue;
				}
				while ((n = PQnotifies(store_pg(s))) != NULL) {
					/* A new recruiter goes into the registry; a flag
					 * or a lift reloads the snapshot. */
					if (strcmp(n->extra, "recruiter") == 0)
						registry_pending = 1;
					else
						reload = 1;
					PQfreemem(n);
				}
			}
		}
		if (!s)
			continue;
		expiry = snapshot_next_expiry();
		if (expiry && (int64_t)time(NULL) >= expiry)
			reload = 1;
		if (reload && integrity_refresh(s)) {
			fprintf(stderr, "fairmatch: integrity: reloading: %s\n", store_error(s));
			store_close(s);
			s = NULL;
			continue;
		}
		if (registry_pending) {
			/* Not waiting for a writer's commit (a bulk import's batch):
			 * flags must keep arriving; try again in 50 ms. */
			int rc = integrity_registry_sync(s, 0);

			if (rc < 0) {
				fprintf(stderr, "fairmatch: integrity: registry: %s\n", store_error(s));
				store_close(s);
				s = NULL;
				continue;
			}
			registry_pending = rc == 1;
		}
	}
	store_close(s);
	return NULL;
}

int integrity_start(const char *conninfo)
{
	store *s;
	char err[512];

	integrity_threshold();
	if (store_connect(conninfo, &s, err, sizeof err) == 0) {
		/* Serve nothing before the first snapshot is in. */
		if (integrity_refresh(s))
			fprintf(stderr, "fairmatch: integrity: first load: %s\n", store_error(s));
		if (integrity_registry_sync(s, 1) < 0)
			fprintf(stderr, "fairmatch: integrity: loading the registry: %s\n",
				store_error(s));
		store_close(s);
	}
	rf.conninfo = strdup(conninfo);
	rf.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!rf.conninfo || rf.wake_fd < 0)
		goto fail;
	atomic_store(&rf.stop, 0);
	if (pthread_create(&rf.thread, NULL, refresher_main, NULL))
		goto fail;
	rf.running = 1;
	return 0;
fail:
	free(rf.conninfo);
	rf.conninfo = NULL;
	if (rf.wake_fd >= 0)
		close(rf.wake_fd);
	rf.wake_fd = -1;
	return -1;
}

void integrity_stop(void)
{
	uint64_t one = 1;
	integrity_snapshot *old;

	if (!rf.running)
		return;
	atomic_store(&rf.stop, 1);
	if (write(rf.wake_fd, &one, sizeof one) < 0)
		(void)0;
	pthread_join(rf.thread, NULL);
	rf.running = 0;
	close(rf.wake_fd);
	rf.wake_fd = -1;
	free(rf.conninfo);
	rf.conninfo = NULL;
	pthread_mutex_lock(&current_lock);
	old = current;
	current = &empty_snapshot;
	atomic_fetch_add(&empty_snapshot.refs, 1);
	pthread_mutex_unlock(&current_lock);
	integrity_snapshot_put(old);
	registry_free();
}
