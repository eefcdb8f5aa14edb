/*
 * quota.c - quota listings, eligibility, placements and their import (see
 * quota.h for the model and data/sql/004_quotas.sql for the tables).
 *
 * Eligibility is decided in C by one function (reasons_for) from a
 * listing's representation and a prepared person, so the match answer,
 * GET /v1/quotas?profile_id= and a placement all apply the same rule. The
 * slot count is decided in PostgreSQL alone: a placement's conditional
 * UPDATE is the only thing that takes a slot, and the table's CHECK is the
 * last word should anything else ever try.
 */
#include "engine/quota/quota.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/csv.h"
#include "engine/taxonomy/esco.h"
#include "engine/core/iso.h"
#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/match/match.h"

#define ESCO_OCCUPATION "http://data.europa.eu/esco/occupation/"
#define PERSON_OCC_MAX 16
#define IMPORT_LINE_MAX (1024 * 1024)

#define QUOTA_COLUMNS                                                                    \
	"id, agreement, array_to_json(origin_countries)::text, destination_country, "    \
	"occupation, isco, slots, slots_taken, to_char(valid_from, 'YYYY-MM-DD'), "     \
	"to_char(valid_until, 'YYYY-MM-DD'), conditions, illustrative, "                 \
	"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

enum { R_ORIGIN = 1, R_OCCUPATION = 2, R_DATES = 4, R_FULL = 8 };

static const char *const reason_names[] = {"origin_country", "occupation", "dates", "full"};

static const char *const quota_keys[] = {"agreement",	"origin_countries", "destination_country",
					 "occupation",	"slots",	    "valid_from",
					 "valid_until", "conditions",	    "illustrative",
					 NULL};

static int no_memory(problem *p)
{
	problem_set(p, 503, "Service unavailable", "out of memory");
	return -1;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int quota_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s || strncmp(s, "q_", 2) != 0 || s[2] < '1' || s[2] > '9' || strlen(s) > 20)
		return -1;
	errno = 0;
	v = strtoll(s + 2, &end, 10);
	if (*end || v <= 0 || errno)
		return -1;
	*id = v;
	return 0;
}

static int parse_placement_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s || strncmp(s, "pl_", 3) != 0 || s[3] < '1' || s[3] > '9' || strlen(s) > 21)
		return -1;
	errno = 0;
	v = strtoll(s + 3, &end, 10);
	if (*end || v <= 0 || errno)
		return -1;
	*id = v;
	return 0;
}

static int all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/*
 * The ISCO-08 group of an occupation: an ISCO code (1-4 digits) as it is,
 * an ESCO occupation URI as its unit group. 0, -1 when it is neither or the
 * URI is unknown, -2 when the taxonomy (needed for URIs) is unavailable.
 */
static int occupation_group(const char *occ, char code[5])
{
	const esco *t;
	const esco_occupation *o;

	code[0] = '\0';
	if (!occ)
		return -1;
	if (all_digits(occ, 1, 4)) {
		memcpy(code, occ, strlen(occ) + 1);
		return 0;
	}
	if (strncmp(occ, ESCO_OCCUPATION, strlen(ESCO_OCCUPATION)) != 0)
		return -1;
	t = match_taxonomy();
	if (!t)
		return -2;
	o = esco_occupation_by_uri(t, occ);
	if (!o)
		return -1;
	memcpy(code, o->isco, sizeof o->isco);
	return 0;
}

static int taxonomy_down(problem *p)
{
	problem_set(p, 503, "Service unavailable",
		    "the ESCO taxonomy is not available to resolve occupation URIs");
	return -1;
}

/* ---- validation ---- */

static void check_origins(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i, j;
	char path[48];

	if (fields_array(in, "", "origin_countries", QUOTA_ORIGINS_MAX, 1, &arr, p) <= 0)
		return;
	if (json_array_size(arr) == 0) {
		problem_field(p, "origin_countries", "required", "must name at least one country");
		p->status = 400;
	}
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof path, "origin_countries[%zu]", i);
		if (!json_is_string(v) || json_string_length(v) != 2 ||
		    !iso_country_valid(json_string_value(v))) {
			problem_field(p, path, "format", "must be an ISO 3166-1 alpha-2 country code");
			p->status = 400;
			continue;
		}
		for (j = 0; j < i; j++)
			if (json_equal(v, json_array_get(arr, j)))
				break;
		if (j < i) {
			problem_field(p, path, "duplicate", "is listed twice");
			p->status = 400;
		}
	}
}

int quota_validate(const json_t *in, json_t **out, problem *p)
{
	const char *occ = NULL, *from = NULL, *until = NULL, *dest = NULL, *key;
	json_t *doc, *v;
	char code[5] = "", today[11];
	void *tmp;
	size_t i;
	int rc;

	*out = NULL;
	if (fields_only(in, "", quota_keys, p) && !json_is_object(in))
		return -1;
	fields_string(in, "", "agreement", QUOTA_AGREEMENT_MAX, 1, NULL, p);
	check_origins(in, p);
	fields_country(in, "", "destination_country", 1, &dest, p);
	if (fields_string(in, "", "occupation", 200, 1, &occ, p) > 0) {
		rc = occupation_group(occ, code);
		if (rc == -2)
			return taxonomy_down(p);
		if (rc == 0 && all_digits(occ, 1, 4) && match_taxonomy() &&
		    !esco_isco_valid(match_taxonomy(), code))
			rc = -1;
		if (rc) {
			problem_field(p, "occupation", "unknown",
				      "must be an ISCO-08 group code (1-4 digits) or a known ESCO occupation URI");
			p->status = 400;
		}
	}
	fields_int(in, "", "slots", 0, QUOTA_SLOTS_MAX, 1, NULL, p);
	fields_date(in, "", "valid_from", 1, &from, p);
	fields_date(in, "", "valid_until", 1, &until, p);
	fields_string(in, "", "conditions", QUOTA_CONDITIONS_MAX, 0, NULL, p);
	fields_bool(in, "", "illustrative", 0, NULL, p);
	if (p->status) {
		snprintf(p->title, sizeof p->title, "Bad request");
		return -1;
	}

	/* Rules on well-formed input: 422. */
	iso_today(today);
	if (strcmp(until, from) < 0) {
		problem_field(p, "valid_until", "before_valid_from", "is before valid_from");
		p->status = 422;
	}
	if (strcmp(until, today) < 0) {
		problem_field(p, "valid_until", "past", "is in the past");
		p->status = 422;
	}
	json_array_foreach(json_object_get(in, "origin_countries"), i, v) {
		if (strcmp(json_string_value(v), dest) == 0) {
			problem_field(p, "destination_country", "also_origin",
				      "is also an origin country of the listing");
			p->status = 422;
		}
	}
	if (p->status) {
		snprintf(p->title, sizeof p->title, "Unprocessable quota listing");
		return -1;
	}

	doc = json_deep_copy(in);
	if (!doc)
		return no_memory(p);
	json_object_foreach_safe(doc, tmp, key, v) {
		if (json_is_null(v))
			json_object_del(doc, key);
	}
	if (json_object_set_new(doc, "isco", json_string(code)) ||
	    (!json_object_get(doc, "conditions") &&
	     json_object_set_new(doc, "conditions", json_string(""))) ||
	    (!json_object_get(doc, "illustrative") &&
	     json_object_set_new(doc, "illustrative", json_false()))) {
		json_decref(doc);
		return no_memory(p);
	}
	*out = doc;
	return 0;
}

/* ---- representation ---- */

/* The representation of a QUOTA_COLUMNS row. */
static json_t *from_row(PGresult *r, int row)
{
	char id[32];
	long long slots = strtoll(PQgetvalue(r, row, 6), NULL, 10);
	long long taken = strtoll(PQgetvalue(r, row, 7), NULL, 10);
	json_t *origins = json_loads(PQgetvalue(r, row, 2), 0, NULL);

	if (!origins)
		return NULL;
	snprintf(id, sizeof id, "q_%s", PQgetvalue(r, row, 0));
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:b, s:s}",
			 "id", id, "agreement", PQgetvalue(r, row, 1), "origin_countries", origins,
			 "destination_country", PQgetvalue(r, row, 3), "occupation",
			 PQgetvalue(r, row, 4), "isco", PQgetvalue(r, row, 5), "slots",
			 (json_int_t)slots, "slots_taken", (json_int_t)taken, "slots_remaining",
			 (json_int_t)(slots - taken), "valid_from", PQgetvalue(r, row, 8),
			 "valid_until", PQgetvalue(r, row, 9), "conditions", PQgetvalue(r, row, 10),
			 "illustrative", PQgetvalue(r, row, 11)[0] == 't', "created_at",
			 PQgetvalue(r, row, 12));
}

/* ---- eligibility ---- */

struct person {
	char codes[PERSON_OCC_MAX][5]; /* ISCO-08 unit groups of the occupations */
	size_t n;
	char citizenship[3];           /* "" when the profile has none */
	char start[11];                /* max(today, available_from) */
};

static void person_of(const json_t *doc, struct person *pr)
{
	const char *c = str(doc, "citizenship"), *af = str(doc, "available_from");
	json_t *v;
	size_t i;
	char code[5];

	memset(pr, 0, sizeof *pr);
	json_array_foreach(json_object_get(doc, "occupations"), i, v) {
		if (pr->n == PERSON_OCC_MAX)
			break;
		/* An occupation the taxonomy cannot place counts as none. */
		if (occupation_group(json_string_value(v), code) == 0 && strlen(code) == 4)
			memcpy(pr->codes[pr->n++], code, sizeof code);
	}
	if (c && strlen(c) == 2)
		memcpy(pr->citizenship, c, 3);
	iso_today(pr->start);
	if (af && strlen(af) == 10 && strcmp(af, pr->start) > 0)
		memcpy(pr->start, af, 11);
}

/* The reasons (R_* bits) why the person is not eligible for listing q. */
static unsigned reasons_for(const json_t *q, const struct person *pr)
{
	const char *isco = str(q, "isco"), *until = str(q, "valid_until");
	size_t k = isco ? strlen(isco) : 0, i;
	unsigned r = R_ORIGIN;
	json_t *v;

	json_array_foreach(json_object_get(q, "origin_countries"), i, v) {
		if (pr->citizenship[0] && strcmp(json_string_value(v), pr->citizenship) == 0)
			r = 0;
	}
	for (i = 0; i < pr->n; i++)
		if (k && strncmp(pr->codes[i], isco, k) == 0)
			break;
	if (i == pr->n)
		r |= R_OCCUPATION;
	if (!until || strcmp(until, pr->start) < 0)
		r |= R_DATES;
	if (json_integer_value(json_object_get(q, "slots_remaining")) <= 0)
		r |= R_FULL;
	return r;
}

static json_t *reasons_json(unsigned bits)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < sizeof reason_names / sizeof reason_names[0]; i++)
		if ((bits & (1u << i)) && json_array_append_new(a, json_string(reason_names[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* ---- create, get, list ---- */

static int fail(store *s, problem *p, json_t **out)
{
	store_rollback(s);
	if (out) {
		json_decref(*out);
		*out = NULL;
	}
	if (!p->status)
		store_problem(s, p);
	return -1;
}

int quota_create(store *s, const struct principal *who, const json_t *doc, json_t **out,
		 problem *p)
{
	char *origins = json_dumps(json_object_get(doc, "origin_countries"), JSON_COMPACT);
	char slots[24], actor[24], qid[32];
	PGresult *r;

	*out = NULL;
	if (!origins)
		return no_memory(p);
	snprintf(slots, sizeof slots, "%lld", (long long)json_integer_value(json_object_get(doc, "slots")));
	snprintf(actor, sizeof actor, "%lld", who ? (long long)who->key_id : 0LL);
	if (store_begin(s)) {
		free(origins);
		return fail(s, p, out);
	}
	r = store_exec(s,
		       "INSERT INTO quotas (agreement, origin_countries, destination_country, occupation,"
		       " isco, slots, valid_from, valid_until, conditions, illustrative, created_by,"
		       " created_org)"
		       " VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3, $4, $5,"
		       " $6::int, $7::date, $8::date, $9, $10::boolean, NULLIF($11, '0')::bigint, $12)"
		       " RETURNING " QUOTA_COLUMNS,
		       12,
		       (const char *const[]){str(doc, "agreement"), origins,
					     str(doc, "destination_country"), str(doc, "occupation"),
					     str(doc, "isco"), slots, str(doc, "valid_from"),
					     str(doc, "valid_until"), str(doc, "conditions"),
					     json_is_true(json_object_get(doc, "illustrative")) ? "t" : "f",
					     actor, who ? who->org : "cli"});
	free(origins);
	if (!r)
		return fail(s, p, out);
	*out = from_row(r, 0);
	snprintf(qid, sizeof qid, "q_%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!*out) {
		no_memory(p);
		return fail(s, p, out);
	}
	if (audit_write_commit(s, who, "quota.create", qid, NULL))
		return fail(s, p, out);
	return 0;
}

/* Reads listing id; 404 when there is none. */
static PGresult *fetch(store *s, int64_t id, problem *p)
{
	char ids[32];
	PGresult *r;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s, "SELECT " QUOTA_COLUMNS " FROM quotas WHERE id = $1", 1,
		       (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return NULL;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, 404, "Not found", "no quota listing q_%lld", (long long)id);
		return NULL;
	}
	return r;
}

int quota_get(store *s, int64_t id, json_t **out, problem *p)
{
	PGresult *r = fetch(s, id, p);

	*out = NULL;
	if (!r)
		return -1;
	*out = from_row(r, 0);
	PQclear(r);
	return *out ? 0 : no_memory(p);
}

static int bad_param(problem *p, const char *name, const char *msg)
{
	problem_set(p, 400, "Bad request", "%s %s", name, msg);
	problem_field(p, name, "format", "%s", msg);
	return -1;
}

/* Adds "eligible" and "reasons" for the person to a listing's representation. */
static int annotate(json_t *q, const struct person *pr)
{
	unsigned bits = reasons_for(q, pr);
	json_t *rs = reasons_json(bits);

	if (!rs)
		return -1;
	if (json_object_set_new(q, "eligible", json_boolean(bits == 0)) ||
	    json_object_set_new(q, "reasons", rs))
		return -1;
	return 0;
}

int quota_list(store *s, const struct quota_query *q, const json_t *profile, json_t **out,
	       problem *p)
{
	char code[5] = "", limit_s[16], after[32] = "0";
	const char *occ = NULL;
	unsigned long limit = QUOTA_LIST_DEFAULT;
	json_t *items = NULL, *item, *answer;
	struct person pr;
	int64_t cursor = 0;
	PGresult *r;
	int i, n, rc;

	*out = NULL;
	if (q->origin && !iso_country_valid(q->origin))
		return bad_param(p, "origin", "must be an ISO 3166-1 alpha-2 country code");
	if (q->destination && !iso_country_valid(q->destination))
		return bad_param(p, "destination", "must be an ISO 3166-1 alpha-2 country code");
	if (q->occupation) {
		rc = occupation_group(q->occupation, code);
		if (rc == -2)
			return taxonomy_down(p);
		if (rc)
			return bad_param(p, "occupation",
					 "must be an ISCO-08 code (1-4 digits) or a known ESCO occupation URI");
		occ = code;
	}
	if (q->limit) {
		if (!all_digits(q->limit, 1, 4) || (limit = strtoul(q->limit, NULL, 10)) < 1 ||
		    limit > QUOTA_LIST_MAX)
			return bad_param(p, "limit", "must be an integer from 1 to 1000");
	}
	if (q->cursor) {
		if (quota_parse_id(q->cursor, &cursor))
			return bad_param(p, "cursor", "must be a next_cursor value");
		snprintf(after, sizeof after, "%lld", (long long)cursor);
	}
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
		person_of(profile, &pr);
	items = json_array();
	if (!items)
		goto oom;
	n = PQntuples(r);
	for (i = 0; i < n && (unsigned long)i < limit; i++) {
		item = from_row(r, i);
		if (!item || (profile && annotate(item, &pr)) || json_array_append_new(items, item)) {
			json_decref(item);
			goto oom;
		}
	}
	if ((unsigned long)n > limit) {
		char next[32];

		snprintf(next, sizeof next, "q_%s", PQgetvalue(r, (int)limit - 1, 0));
		answer = json_pack("{s:o, s:s}", "items", items, "next_cursor", next);
	} else {
		answer = json_pack("{s:o, s:n}", "items", items, "next_cursor");
	}
	items = NULL;
	PQclear(r);
	if (!answer)
		return no_memory(p);
	*out = answer;
	return 0;
oom:
	PQclear(r);
	json_decref(items);
	return no_memory(p);
}

/* ---- the match answer ---- */

/* Every match runs it: prepared once per connection, so PostgreSQL does not
 * parse and plan it per match. The ORDER BY applies the rule of reasons_for
 * (eligible first), so the limit never cuts an eligible listing in favour
 * of a near miss. */
static const struct store_stmt for_profile_stmt = {
	"fm_quota_for_profile",
	"SELECT " QUOTA_COLUMNS " FROM quotas"
	" WHERE isco = ANY($1::text[]) AND valid_until >= $2::date"
	" ORDER BY (coalesce($3::text = ANY(origin_countries), false)"
	"           AND valid_until >= $4::date AND slots_taken < slots) DESC, id"
	" LIMIT $5::int",
	5};

int quota_for_profile(store *s, const json_t *profile_doc, json_t **out_list, problem *p)
{
	struct person pr;
	char prefixes[PERSON_OCC_MAX * 4 * 5 + 3], today[11], max_s[16];
	size_t i, k, used = 0;
	json_t *list, *q, *entry;
	PGresult *r;
	int row;

	*out_list = NULL;
	person_of(profile_doc, &pr);
	list = json_array();
	if (!list)
		return no_memory(p);
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

		q = from_row(r, row);
		if (!q)
			goto oom;
		bits = reasons_for(q, &pr);
		entry = json_pack("{s:{s:O, s:O, s:O, s:O, s:O}, s:b, s:O, s:o}", "quota", "id",
				  json_object_get(q, "id"), "agreement", json_object_get(q, "agreement"),
				  "destination_country", json_object_get(q, "destination_country"),
				  "occupation", json_object_get(q, "occupation"), "illustrative",
				  json_object_get(q, "illustrative"), "eligible", bits == 0,
				  "slots_remaining", json_object_get(q, "slots_remaining"), "reasons",
				  reasons_json(bits));
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
	return no_memory(p);
}

/* ---- placements ---- */

static const char *reason_message(unsigned bit, const json_t *q, const struct person *pr,
				  char *buf, size_t len)
{
	switch (bit) {
	case R_ORIGIN:
		if (pr->citizenship[0])
			snprintf(buf, len, "citizenship %s is not among the listing's origin countries",
				 pr->citizenship);
		else
			snprintf(buf, len, "the profile has no citizenship");
		break;
	case R_OCCUPATION:
		snprintf(buf, len, "none of the profile's occupations is in ISCO-08 group %s",
			 str(q, "isco"));
		break;
	case R_DATES:
		snprintf(buf, len, "the listing closes on %s, before the person can start (%s)",
			 str(q, "valid_until"), pr->start);
		break;
	default:
		snprintf(buf, len, "no slot is left");
	}
	return buf;
}

int quota_placement_validate(const json_t *in, const char **profile_id, problem *p)
{
	static const char *const keys[] = {"profile_id", NULL};

	*profile_id = NULL;
	fields_only(in, "", keys, p);
	fields_string(in, "", "profile_id", 64, 1, profile_id, p);
	if (!p->status)
		return 0;
	snprintf(p->title, sizeof p->title, "Bad request");
	return -1;
}

int quota_place(store *s, const struct principal *who, int64_t quota, const json_t *profile_doc,
		json_t **out, problem *p)
{
	const char *pid = str(profile_doc, "id");
	char qid[32], ids[32], actor[24], plid[40], msg[200];
	json_t *q = NULL, *detail;
	struct person pr;
	unsigned bits;
	PGresult *r;
	long long remaining;
	size_t i;
	int rc;

	*out = NULL;
	if (!pid) {
		problem_set(p, 400, "Bad request", "a stored profile is needed for a placement");
		problem_field(p, "profile_id", "required", "is required");
		return -1;
	}
	snprintf(qid, sizeof qid, "q_%lld", (long long)quota);
	snprintf(ids, sizeof ids, "%lld", (long long)quota);
	snprintf(actor, sizeof actor, "%lld", (long long)who->key_id);
	person_of(profile_doc, &pr);
	if (store_begin(s))
		return fail(s, p, out);
	r = fetch(s, quota, p);
	if (!r)
		return fail(s, p, out);
	q = from_row(r, 0);
	PQclear(r);
	if (!q) {
		no_memory(p);
		return fail(s, p, out);
	}
	/* Eligibility apart from fullness is fixed (listings are not edited):
	 * checked here without a lock. Fullness is the UPDATE's business. */
	bits = reasons_for(q, &pr);
	if (bits & ~(unsigned)R_FULL) {
		problem_set(p, 422, "Not eligible", "profile %s is not eligible for %s", pid, qid);
		for (i = 0; i < sizeof reason_names / sizeof reason_names[0]; i++)
			if (bits & (1u << i))
				problem_field(p, "profile_id", reason_names[i], "%s",
					      reason_message(1u << i, q, &pr, msg, sizeof msg));
		json_decref(q);
		return fail(s, p, out);
	}
	json_decref(q);
	r = store_exec(s,
		       "UPDATE quotas SET slots_taken = slots_taken + 1"
		       " WHERE id = $1 AND slots_taken < slots RETURNING slots - slots_taken",
		       1, (const char *const[]){ids});
	if (!r)
		return fail(s, p, out);
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, 409, "Conflict", "quota listing %s has no slot left", qid);
		problem_field(p, "quota", "full", "no slot is left");
		return fail(s, p, out);
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
			problem_set(p, 409, "Conflict", "profile %s already holds a placement on %s",
				    pid, qid);
			problem_field(p, "profile_id", "already_placed",
				      "already holds a placement on this listing");
		}
		return fail(s, p, out);
	}
	snprintf(plid, sizeof plid, "pl_%s", PQgetvalue(r, 0, 0));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:I}", "id", plid, "quota", qid, "profile_id", pid,
			 "created_at", PQgetvalue(r, 0, 1), "slots_remaining", (json_int_t)remaining);
	PQclear(r);
	if (!*out) {
		no_memory(p);
		return fail(s, p, out);
	}
	detail = json_pack("{s:s, s:s}", "placement", plid, "profile", pid);
	rc = detail ? audit_write_commit(s, who, "quota.placement", qid, detail) : -1;
	json_decref(detail);
	if (rc)
		return fail(s, p, out);
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
	if (parse_placement_id(placement_id, &pl)) {
		problem_set(p, 404, "Not found", "no such placement");
		return -1;
	}
	snprintf(qid, sizeof qid, "q_%lld", (long long)quota);
	snprintf(ids, sizeof ids, "%lld", (long long)quota);
	snprintf(pls, sizeof pls, "%lld", (long long)pl);
	snprintf(plid, sizeof plid, "pl_%lld", (long long)pl);
	if (store_begin(s))
		return fail(s, p, out);
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
		return fail(s, p, out);
	if (PQntuples(r) == 0) {
		PQclear(r);
		r = store_exec(s,
			       "SELECT 1 FROM placements WHERE id = $1::bigint AND quota = $2::bigint"
			       " AND ($3::text IS NULL OR org = $3)",
			       3, (const char *const[]){pls, ids, org});
		if (!r)
			return fail(s, p, out);
		if (PQntuples(r) > 0)
			problem_set(p, 409, "Conflict", "placement %s was already released", plid);
		else
			problem_set(p, 404, "Not found", "no placement %s on %s", plid, qid);
		PQclear(r);
		return fail(s, p, out);
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", plid, "quota", qid, "profile_id",
			 PQgetvalue(r, 0, 0), "created_at", PQgetvalue(r, 0, 1), "released_at",
			 PQgetvalue(r, 0, 2));
	PQclear(r);
	if (!*out) {
		no_memory(p);
		return fail(s, p, out);
	}
	/* An admin's answer loses profile_id in the API's policy (api/policy.c). */
	r = store_exec(s,
		       "UPDATE quotas SET slots_taken = slots_taken - 1 WHERE id = $1::bigint"
		       " RETURNING slots - slots_taken",
		       1, (const char *const[]){ids});
	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return fail(s, p, out);
	}
	remaining = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (json_object_set_new(*out, "slots_remaining", json_integer(remaining))) {
		no_memory(p);
		return fail(s, p, out);
	}
	detail = json_pack("{s:s}", "placement", plid);
	rc = detail ? audit_write_commit(s, who, "quota.release", qid, detail) : -1;
	json_decref(detail);
	if (rc)
		return fail(s, p, out);
	return 0;
}

/* ---- the vacancy hook ---- */

int quota_check_vacancy(store *s, const json_t *vacancy, problem *p)
{
	const char *qref = str(vacancy, "quota_id"), *country = str(vacancy, "country");
	char code[5], ids[32];
	const char *dest, *isco;
	PGresult *r;
	int64_t id;
	int rc;

	/* Wrong types are vacancy validation's to report (400), not ours. */
	if (!qref || !country || !str(vacancy, "occupation"))
		return 0;
	if (quota_parse_id(qref, &id)) {
		problem_set(p, 422, "Unprocessable vacancy", "quota_id '%.64s' names no quota listing",
			    qref);
		problem_field(p, "quota_id", "unknown", "names no quota listing");
		return -1;
	}
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s, "SELECT destination_country, isco FROM quotas WHERE id = $1::bigint", 1,
		       (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return -1;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, 422, "Unprocessable vacancy", "quota_id %s names no quota listing", qref);
		problem_field(p, "quota_id", "unknown", "names no quota listing");
		return -1;
	}
	dest = PQgetvalue(r, 0, 0);
	isco = PQgetvalue(r, 0, 1);
	rc = occupation_group(str(vacancy, "occupation"), code);
	if (rc == -2) {
		PQclear(r);
		return taxonomy_down(p);
	}
	if (rc || strncmp(code, isco, strlen(isco)) != 0) {
		problem_field(p, "occupation", "quota_mismatch",
			      "is not in ISCO-08 group %s of quota listing %s", isco, qref);
		p->status = 422;
	}
	if (strcmp(country, dest) != 0) {
		problem_field(p, "country", "quota_mismatch",
			      "is not %s, the destination of quota listing %s", dest, qref);
		p->status = 422;
	}
	PQclear(r);
	if (p->status) {
		snprintf(p->title, sizeof p->title, "Unprocessable vacancy");
		return -1;
	}
	return 0;
}

/* ---- import ---- */

static void report_problem(FILE *report, unsigned long line, const problem *p)
{
	size_t i;
	json_t *e;

	fprintf(report, "line %lu: %s", line, p->detail);
	json_array_foreach(p->errors, i, e) {
		if (i == 0 && strstr(p->detail, str(e, "field")))
			continue;
		fprintf(report, "; %s: %s", str(e, "field"), str(e, "message"));
	}
	fputc('\n', report);
}

/* Validates and stores one record. 0 stored, 1 rejected (reported), -1 the
 * database failed (reported). */
static int import_one(store *s, const json_t *in, unsigned long line, FILE *report)
{
	json_t *doc = NULL, *out = NULL;
	problem p;
	int rc = 1;

	problem_init(&p);
	if (quota_validate(in, &doc, &p) == 0 && quota_create(s, NULL, doc, &out, &p) == 0)
		rc = 0;
	else if (p.status == 503)
		rc = -1;
	if (rc)
		report_problem(report, line, &p);
	json_decref(doc);
	json_decref(out);
	problem_release(&p);
	return rc;
}

static const char *const csv_columns[] = {"agreement",	 "origin_countries", "destination_country",
					  "occupation",	 "slots",	     "valid_from",
					  "valid_until", "conditions",	     "illustrative",
					  NULL};

/* One CSV field as the JSON value POST /v1/quotas would carry; NULL when
 * empty (absent). Values of the wrong shape stay strings, so validation
 * names them. *bad is set for bytes that are not UTF-8. */
static json_t *csv_value(const char *col, const char *f, size_t len, int *bad)
{
	json_t *v;

	if (len == 0)
		return NULL;
	if (strcmp(col, "origin_countries") == 0) {
		json_t *a = json_array();
		const char *x = f;

		while (a && *x) {
			size_t n = strcspn(x, "|"), b = 0;

			while (b < n && x[b] == ' ')
				b++;
			while (n > b && x[n - 1] == ' ')
				n--;
			if (n > b && json_array_append_new(a, json_stringn(x + b, n - b))) {
				json_decref(a);
				*bad = 1;
				return NULL;
			}
			x += strcspn(x, "|");
			if (*x)
				x++;
		}
		return a;
	}
	if (strcmp(col, "slots") == 0 && all_digits(f, 1, 9))
		return json_integer(strtoll(f, NULL, 10));
	if (strcmp(col, "illustrative") == 0) {
		if (strcmp(f, "true") == 0 || strcmp(f, "1") == 0 || strcmp(f, "yes") == 0)
			return json_true();
		if (strcmp(f, "false") == 0 || strcmp(f, "0") == 0 || strcmp(f, "no") == 0)
			return json_false();
	}
	v = json_stringn(f, len);
	if (!v)
		*bad = 1;
	return v;
}

static int import_csv(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad)
{
	csv_reader *cr = NULL;
	char err[512];
	size_t i, j, ncol;
	int rc;

	if (csv_open(path, &cr, err, sizeof err)) {
		fprintf(report, "fairmatch: %s\n", err);
		return -1;
	}
	ncol = csv_column_count(cr);
	for (i = 0; i < ncol; i++) {
		for (j = 0; csv_columns[j]; j++)
			if (strcmp(csv_column_name(cr, i), csv_columns[j]) == 0)
				break;
		if (!csv_columns[j]) {
			fprintf(report, "fairmatch: %s: unknown column '%s'\n", path,
				csv_column_name(cr, i));
			csv_close(cr);
			return -1;
		}
	}
	for (j = 0; j < 7; j++) /* the required ones come first in csv_columns */
		if (csv_column(cr, csv_columns[j]) < 0) {
			fprintf(report, "fairmatch: %s: missing column '%s'\n", path, csv_columns[j]);
			csv_close(cr);
			return -1;
		}
	while ((rc = csv_next(cr)) == 1) {
		json_t *o = json_object();
		int not_utf8 = 0;

		if (!o) {
			fprintf(report, "fairmatch: out of memory\n");
			csv_close(cr);
			return -1;
		}
		for (i = 0; i < ncol; i++) {
			size_t len;
			const char *f = csv_field(cr, i, &len);
			json_t *v = csv_value(csv_column_name(cr, i), f, len, &not_utf8);

			if (v)
				json_object_set_new(o, csv_column_name(cr, i), v);
		}
		if (not_utf8) {
			fprintf(report, "line %lu: a field is not valid UTF-8\n", csv_line(cr));
			(*bad)++;
		} else {
			rc = import_one(s, o, csv_line(cr), report);
			if (rc < 0) {
				json_decref(o);
				csv_close(cr);
				return -1;
			}
			if (rc)
				(*bad)++;
			else
				(*good)++;
		}
		json_decref(o);
	}
	if (rc < 0)
		fprintf(report, "fairmatch: %s\n", csv_error(cr));
	csv_close(cr);
	return rc < 0 ? -1 : 0;
}

static int import_jsonl(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad)
{
	FILE *in = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned long n = 0;
	ssize_t len;
	int rc = 0;

	if (!in) {
		fprintf(report, "fairmatch: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		json_error_t jerr;
		json_t *o;

		n++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (len > IMPORT_LINE_MAX) {
			fprintf(report, "line %lu: the line is longer than 1 MiB\n", n);
			(*bad)++;
			continue;
		}
		o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
		if (!o) {
			fprintf(report, "line %lu: malformed JSON at column %d: %s\n", n, jerr.column,
				jerr.text);
			(*bad)++;
			continue;
		}
		rc = import_one(s, o, n, report);
		json_decref(o);
		if (rc < 0)
			break;
		if (rc)
			(*bad)++;
		else
			(*good)++;
		rc = 0;
	}
	if (rc == 0 && ferror(in)) {
		fprintf(report, "fairmatch: reading %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(in);
	return rc;
}

int quota_import_file(store *s, const char *path, FILE *report, uint64_t *good, uint64_t *bad)
{
	size_t n = strlen(path);

	*good = *bad = 0;
	if (n >= 4 && strcmp(path + n - 4, ".csv") == 0)
		return import_csv(s, path, report, good, bad);
	return import_jsonl(s, path, report, good, bad);
}
