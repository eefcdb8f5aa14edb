/*
 * vacancy.c - validating vacancies, their write rules, and keeping them in
 * PostgreSQL.
 *
 * Every write runs in one transaction that also adds the change-log row the
 * indexer follows, so the index can always be brought level with the table;
 * the rules are checked in that transaction, so the API and the bulk import
 * obey the same ones.
 */
#include "engine/vacancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/identifiers.h"
#include "engine/core/iso.h"
#include "engine/core/fields.h"
#include "engine/integrity/integrity.h"
#include "engine/quota/quota.h"
#include "engine/taxonomy/taxonomy.h"

static const char *const vacancy_keys[] = {
	"title", "description", "occupation", "skills", "languages", "country", "city",
	"salary", "positions", "valid_until", "recruiter", "quota_id", "worker_fees",
	"employment_type", NULL};

const char *const vacancy_employment_types[] = {
	"full_time", "part_time", "contractor", "temporary", "intern", "volunteer", "per_diem",
	"other", NULL};

/* employment_type: schema.org's JobPosting values, lowercase, each once. */
static void check_employment_type(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i, j, k;
	char path[48];

	if (fields_array(in, "", "employment_type", 8, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof path, "employment_type[%zu]", i);
		for (k = 0; json_is_string(v) && vacancy_employment_types[k] &&
			    strcmp(vacancy_employment_types[k], json_string_value(v));
		     k++)
			;
		for (j = 0; j < i && !json_equal(json_array_get(arr, j), v); j++)
			;
		if (!json_is_string(v) || !vacancy_employment_types[k])
			problem_field(p, path, "format", "must be one of full_time, part_time,"
				      " contractor, temporary, intern, volunteer, per_diem, other");
		else if (j < i)
			problem_field(p, path, "duplicate", "is given twice");
		else
			continue;
		p->kind = PROBLEM_INVALID;
	}
}

static void check_skill_list(const json_t *skills, const char *key, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i;
	char name[64];

	if (fields_array(skills, "skills", key, VACANCY_SKILLS_MAX, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		snprintf(name, sizeof name, "skills.%s[%zu]", key, i);
		if (!json_is_string(v))
			problem_field(p, name, "type", "must be a string");
		else if (json_string_length(v) == 0 || json_string_length(v) > VACANCY_SKILL_MAX)
			problem_field(p, name, "length", "must be 1 to %d bytes", VACANCY_SKILL_MAX);
		else if (memchr(json_string_value(v), '\0', json_string_length(v)))
			problem_field(p, name, "format", "must not contain NUL characters");
		else
			continue;
		p->kind = PROBLEM_INVALID;
	}
}

static void check_languages(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i;
	char path[48];
	const char *code, *level;
	static const char *const lang_keys[] = {"code", "level", NULL};

	if (fields_array(in, "", "languages", VACANCY_LANGUAGES_MAX, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof path, "languages[%zu]", i);
		if (fields_only(v, path, lang_keys, p))
			continue;
		if (fields_string(v, path, "code", 2, 1, &code, p) > 0 && !iso_language_valid(code)) {
			problem_field(p, path, "format", "code must be an ISO 639-1 language code");
			p->kind = PROBLEM_INVALID;
		}
		if (fields_string(v, path, "level", 6, 1, &level, p) > 0 && !iso_cefr_rank(level)) {
			problem_field(p, path, "format", "level must be A1, A2, B1, B2, C1, C2 or native");
			p->kind = PROBLEM_INVALID;
		}
	}
}

static void check_salary(const json_t *in, problem *p)
{
	static const char *const keys[] = {"min", "max", "currency", "period", NULL};
	static const char *const periods[] = {"hour", "day", "week", "month", "year", NULL};
	json_t *sal = NULL;
	long long min = 0, max = 0;
	const char *cur, *period;
	int hmin, hmax, i;

	if (fields_object(in, "", "salary", 0, &sal, p) <= 0 || fields_only(sal, "salary", keys, p))
		return;
	hmin = fields_int(sal, "salary", "min", 0, 1000000000000LL, 0, &min, p);
	hmax = fields_int(sal, "salary", "max", 0, 1000000000000LL, 0, &max, p);
	if (fields_string(sal, "salary", "currency", 3, 1, &cur, p) > 0 && !iso_currency_valid(cur)) {
		problem_field(p, "salary.currency", "format", "must be an ISO 4217 currency code");
		p->kind = PROBLEM_INVALID;
	}
	if (fields_string(sal, "salary", "period", 5, 0, &period, p) > 0) {
		for (i = 0; periods[i] && strcmp(periods[i], period); i++)
			;
		if (!periods[i]) {
			problem_field(p, "salary.period", "format",
				      "must be hour, day, week, month or year");
			p->kind = PROBLEM_INVALID;
		}
	}
	if (hmin > 0 && hmax > 0 && max < min) {
		problem_field(p, "salary.max", "range", "must not be below salary.min");
		p->kind = PROBLEM_INVALID;
	}
}

static void check_recruiter(const json_t *in, problem *p)
{
	static const char *const keys[] = {"name", "licence", "country", NULL};
	json_t *rec = NULL;

	if (fields_object(in, "", "recruiter", 0, &rec, p) <= 0 ||
	    fields_only(rec, "recruiter", keys, p))
		return;
	fields_string(rec, "recruiter", "name", 200, 1, NULL, p);
	fields_string(rec, "recruiter", "licence", 64, 0, NULL, p);
	fields_country(rec, "recruiter", "country", 0, NULL, p);
}

static void add_days(char *buf, int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

int vacancy_validate(const json_t *in, json_t **out, problem *p)
{
	static const char *const skill_keys[] = {"essential", "optional", NULL};
	const char *occ = NULL, *until = NULL;
	json_t *skills = NULL, *doc;
	double fees = 0;
	char today[11], deflt[11];

	*out = NULL;
	if (!json_is_object(in)) {
		fields_only(in, "", vacancy_keys, p);
		return -1;
	}
	fields_only(in, "", vacancy_keys, p);
	fields_string(in, "", "title", VACANCY_TITLE_MAX, 1, NULL, p);
	ident_check_display(in, "title", p); /* no escapes or bidi overrides (display spoofing) */
	fields_string(in, "", "description", VACANCY_DESCRIPTION_MAX, 0, NULL, p);
	/* Free text is allowed here: taxonomy_normalise_doc below turns it into
	 * an ESCO occupation URI or refuses it, and checks codes and URIs exist. */
	fields_string(in, "", "occupation", 200, 1, &occ, p);
	if (fields_object(in, "", "skills", 0, &skills, p) > 0 &&
	    !fields_only(skills, "skills", skill_keys, p)) {
		check_skill_list(skills, "essential", p);
		check_skill_list(skills, "optional", p);
	}
	check_languages(in, p);
	fields_country(in, "", "country", 1, NULL, p);
	fields_string(in, "", "city", 100, 0, NULL, p);
	check_salary(in, p);
	fields_int(in, "", "positions", 0, VACANCY_POSITIONS_MAX, 0, NULL, p);
	fields_date(in, "", "valid_until", 0, &until, p);
	check_recruiter(in, p);
	check_employment_type(in, p);
	fields_string(in, "", "quota_id", 64, 0, NULL, p);
	fields_number(in, "", "worker_fees", 0, 1e12, 0, &fees, p);
	if (p->kind)
		return -1;

	/* Rules on well-formed input: PROBLEM_RULE. */
	iso_today(today);
	if (fees > 0) {
		problem_field(p, "worker_fees", "employer_pays",
			      "workers pay no recruitment fees (employer-pays principle)");
		p->kind = PROBLEM_RULE;
	}
	if (until && strcmp(until, today) < 0) {
		problem_field(p, "valid_until", "past", "is in the past");
		p->kind = PROBLEM_RULE;
	}
	if (p->kind) {
		problem_subject(p, "vacancy");
		return -1;
	}

	doc = json_deep_copy(in);
	if (!doc) {
		problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
		return -1;
	}
	if (!json_object_get(doc, "skills") || json_is_null(json_object_get(doc, "skills")))
		json_object_set_new(doc, "skills", json_pack("{s:[], s:[]}", "essential", "optional"));
	skills = json_object_get(doc, "skills");
	if (!json_is_array(json_object_get(skills, "essential")))
		json_object_set_new(skills, "essential", json_array());
	if (!json_is_array(json_object_get(skills, "optional")))
		json_object_set_new(skills, "optional", json_array());
	if (!json_is_array(json_object_get(doc, "languages")))
		json_object_set_new(doc, "languages", json_array());
	if (!json_is_integer(json_object_get(doc, "positions")))
		json_object_set_new(doc, "positions", json_integer(1));
	if (!until) {
		add_days(deflt, VACANCY_DEFAULT_VALID_DAYS);
		json_object_set_new(doc, "valid_until", json_string(deflt));
	}
	if (!json_is_number(json_object_get(doc, "worker_fees")))
		json_object_set_new(doc, "worker_fees", json_integer(0));
	/* Drop explicit nulls of optional fields so the stored doc is canonical. */
	{
		const char *key;
		json_t *v;
		void *tmp;

		json_object_foreach_safe(doc, tmp, key, v) {
			if (json_is_null(v))
				json_object_del(doc, key);
		}
	}
	/* Free-text skills and occupation become ESCO URIs where they normalise;
	 * doc["normalised"] says which (stripped before storing, see columns_of). */
	{
		static const char *const skill_paths[] = {"skills.essential", "skills.optional", NULL};

		if (taxonomy_normalise_doc(doc, skill_paths, "occupation", NULL, p)) {
			json_decref(doc);
			return -1;
		}
	}
	*out = doc;
	return 0;
}

int vacancy_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s || strncmp(s, "v_", 2) != 0 || s[2] < '1' || s[2] > '9' || strlen(s) > 20)
		return -1;
	v = strtoll(s + 2, &end, 10);
	if (*end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

json_t *vacancy_from_row(PGresult *r, int row)
{
	json_t *doc = json_loads(PQgetvalue(r, row, 3), 0, NULL);
	char id[32];

	if (!doc)
		return NULL;
	snprintf(id, sizeof id, "v_%s", PQgetvalue(r, row, 0));
	json_object_set_new(doc, "id", json_string(id));
	json_object_set_new(doc, "org", json_string(PQgetvalue(r, row, 1)));
	json_object_set_new(doc, "status", json_string(PQgetvalue(r, row, 2)));
	json_object_set_new(doc, "created_at", json_string(PQgetvalue(r, row, 4)));
	json_object_set_new(doc, "updated_at", json_string(PQgetvalue(r, row, 5)));
	return doc;
}

static int no_memory(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

/* Fills the filter columns from a canonical doc. */
struct columns {
	char *doc;
	char country[3];
	char occupation[256];
	char valid_until[11];
	char positions[16];
};

static int columns_of(const json_t *doc, struct columns *c)
{
	json_t *stored = json_copy((json_t *)doc);

	/* The normalisation report belongs to the answer, not the stored doc. */
	if (!stored)
		return -1;
	json_object_del(stored, "normalised");
	c->doc = json_dumps(stored, JSON_COMPACT);
	json_decref(stored);
	if (!c->doc)
		return -1;
	snprintf(c->country, sizeof c->country, "%s",
		 json_string_value(json_object_get(doc, "country")));
	snprintf(c->occupation, sizeof c->occupation, "%s",
		 json_string_value(json_object_get(doc, "occupation")));
	snprintf(c->valid_until, sizeof c->valid_until, "%s",
		 json_string_value(json_object_get(doc, "valid_until")));
	snprintf(c->positions, sizeof c->positions, "%lld",
		 (long long)json_integer_value(json_object_get(doc, "positions")));
	return 0;
}

/* ---- the write rules ----
 * Checked inside the write's transaction, on every path that stores a
 * vacancy (the API's POST and PATCH, fairmatch import): a blacklisted
 * recruiter and a quota_id that names no listing (or one the vacancy does
 * not fit) refuse the write (PROBLEM_RULE). */

/* A batch's memo key: the JSON text of parts, so that no two different
 * lists of strings share a key (a separator byte could occur in a name).
 * NULL without memory. The caller frees it. */
static char *memo_key(json_t *parts)
{
	char *key = parts ? json_dumps(parts, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(parts);
	return key;
}

/* The integrity check's answer for a recruiter; memo (a JSON object, or
 * NULL) keeps the answers of a batch, which names few recruiters many times. */
static int recruiter_answer(store *s, const json_t *rec, json_t *memo, json_t **chk, problem *p)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *licence = json_string_value(json_object_get(rec, "licence"));
	const char *country = json_string_value(json_object_get(rec, "country"));
	char *key = NULL;

	*chk = NULL;
	if (memo) {
		key = memo_key(json_pack("[s?s?s?]", name, licence, country));
		if (!key)
			return no_memory(p);
		*chk = json_incref(json_object_get(memo, key));
		if (*chk) {
			free(key);
			return 0;
		}
	}
	if (integrity_check(s, name, licence, country, chk, p)) {
		free(key);
		return -1;
	}
	if (key)
		json_object_set(memo, key, *chk);
	free(key);
	return 0;
}

/* The recruiter rule: a blacklisted recruiter refuses the write
 * (PROBLEM_RULE, field recruiter/blacklisted); any other verdict goes to
 * *verdict (when not NULL) as {"verdict","flags"} for the answer. No recruiter: no verdict. */
static int check_recruiter_rule(store *s, const json_t *doc, json_t *memo, json_t **verdict,
				problem *p)
{
	json_t *rec = json_object_get(doc, "recruiter"), *chk = NULL, *f = NULL;
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *v;

	if (verdict)
		*verdict = NULL;
	if (!json_is_object(rec))
		return 0;
	if (recruiter_answer(s, rec, memo, &chk, p))
		return -1;
	v = json_string_value(json_object_get(chk, "verdict"));
	if (v && strcmp(v, "blacklisted") == 0) {
		size_t i;

		json_array_foreach(json_object_get(chk, "flags"), i, f) {
			if (strcmp(json_string_value(json_object_get(f, "severity")), "blacklist") == 0)
				break;
		}
		problem_set(p, PROBLEM_RULE, "recruiter '%s' is blacklisted (flag %s: %s)",
			    name ? name : "", f ? json_string_value(json_object_get(f, "id")) : "?",
			    f ? json_string_value(json_object_get(f, "reason")) : "?");
		problem_subject(p, "vacancy");
		problem_field(p, "recruiter", "blacklisted", "the recruiter is blacklisted");
		json_decref(chk);
		return -1;
	}
	if (verdict) {
		*verdict = json_pack("{s:s, s:O}", "verdict", v ? v : "unknown", "flags",
				     json_object_get(chk, "flags"));
		if (!*verdict) {
			json_decref(chk);
			return no_memory(p);
		}
		/* a name mixing scripts, a licence of another recruiter: say so */
		if (json_array_size(json_object_get(chk, "suspicious")))
			json_object_set(*verdict, "suspicious", json_object_get(chk, "suspicious"));
		if (json_object_get(chk, "conflict"))
			json_object_set(*verdict, "conflict", json_object_get(chk, "conflict"));
	}
	json_decref(chk);
	return 0;
}

/* The quota rule; in a batch (memo not NULL) a quota_id the documents'
 * country and occupation were found to fit is not asked again (a refusal
 * is, so that each refused line gets its own report). */
static int check_quota_rule(store *s, const json_t *doc, json_t *memo, problem *p)
{
	const char *qid = json_string_value(json_object_get(doc, "quota_id"));
	char *key;
	int rc;

	if (!memo || !qid)
		return quota_check_vacancy(s, doc, p);
	key = memo_key(json_pack("[s, s, s?, s?]", "quota", qid,
				 json_string_value(json_object_get(doc, "country")),
				 json_string_value(json_object_get(doc, "occupation"))));
	if (!key)
		return no_memory(p);
	rc = json_object_get(memo, key) ? 0 : quota_check_vacancy(s, doc, p);
	if (rc == 0)
		json_object_set_new(memo, key, json_true());
	free(key);
	return rc;
}

/* Both rules, in the caller's transaction. */
static int check_rules(store *s, const json_t *doc, json_t *memo, json_t **verdict, problem *p)
{
	if (check_recruiter_rule(s, doc, memo, verdict, p))
		return -1;
	if (check_quota_rule(s, doc, memo, p)) {
		if (verdict) {
			json_decref(*verdict);
			*verdict = NULL;
		}
		return -1;
	}
	return 0;
}

/* Adds the recruiter's verdict to a write's answer (stolen). */
static void add_verdict(json_t *out, json_t *verdict)
{
	if (verdict)
		json_object_set_new(out, "recruiter_verdict", verdict);
}

/* Runs a write that returns the vacancy's row (VACANCY_COLUMNS), which
 * becomes *out. 0, or -1: out of memory (p set) or a database error (p left
 * for store_fail). */
static int write_row(store *s, const char *sql, int nparams, const char *const *params,
		     json_t **out, problem *p)
{
	PGresult *r = store_exec(s, sql, nparams, params);

	if (!r)
		return -1;
	*out = vacancy_from_row(r, 0);
	PQclear(r);
	return *out ? 0 : no_memory(p);
}

int vacancy_create(store *s, const char *org, const json_t *doc, json_t **out, int64_t *seq,
		   problem *p)
{
	struct columns c;
	json_t *verdict = NULL;
	int64_t id;

	*out = NULL;
	if (columns_of(doc, &c))
		return no_memory(p);
	if (store_begin(s)) {
		/* A transaction of the caller's is open: not ours to roll back. */
		free(c.doc);
		store_problem(s, p);
		return -1;
	}
	if (check_rules(s, doc, NULL, &verdict, p))
		goto fail;
	if (write_row(s,
		      "INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
		      " VALUES ($1, $2::jsonb, $3, $4, $5::date, $6::int) RETURNING " VACANCY_COLUMNS,
		      6,
		      (const char *const[]){org, c.doc, c.country, c.occupation, c.valid_until,
					    c.positions},
		      out, p) ||
	    vacancy_parse_id(json_string_value(json_object_get(*out, "id")), &id) ||
	    store_log_change(s, "vacancy", id, "created", seq))
		goto fail;
	if (json_object_get(doc, "normalised"))
		json_object_set(*out, "normalised", json_object_get(doc, "normalised"));
	if (store_commit(s))
		goto fail;
	add_verdict(*out, verdict);
	free(c.doc);
	return 0;
fail:
	free(c.doc);
	json_decref(verdict);
	return store_fail(s, p, out); /* a database error unless p says otherwise */
}

/* Reads a row (optionally FOR UPDATE) and checks the owner. */
static PGresult *fetch(store *s, int64_t id, const char *org, int for_update, problem *p)
{
	char ids[32];
	PGresult *r;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	r = store_exec(s,
		       for_update ? "SELECT " VACANCY_COLUMNS " FROM vacancies WHERE id = $1 FOR UPDATE"
				  : "SELECT " VACANCY_COLUMNS " FROM vacancies WHERE id = $1",
		       1, (const char *const[]){ids});
	if (!r) {
		store_problem(s, p);
		return NULL;
	}
	if (PQntuples(r) == 0 || (org && strcmp(PQgetvalue(r, 0, 1), org) != 0)) {
		PQclear(r);
		problem_set(p, PROBLEM_NOT_FOUND, "no vacancy v_%lld", (long long)id);
		return NULL;
	}
	return r;
}

/* Opens a transaction and locks the vacancy's row (fetch FOR UPDATE): the
 * row, or NULL with p set and nothing left open. */
static PGresult *begin_locked(store *s, int64_t id, const char *org, problem *p)
{
	PGresult *r;

	if (store_begin(s)) {
		store_problem(s, p);
		return NULL;
	}
	r = fetch(s, id, org, 1, p);
	if (!r)
		store_fail(s, p, NULL);
	return r;
}

int vacancy_get(store *s, int64_t id, const char *org, json_t **out, problem *p)
{
	PGresult *r = fetch(s, id, org, 0, p);

	*out = NULL;
	if (!r)
		return -1;
	*out = vacancy_from_row(r, 0);
	PQclear(r);
	return *out ? 0 : no_memory(p);
}

/* The fields of a representation that are not part of the posted document. */
static void strip_representation(json_t *doc)
{
	json_object_del(doc, "id");
	json_object_del(doc, "org");
	json_object_del(doc, "status");
	json_object_del(doc, "created_at");
	json_object_del(doc, "updated_at");
}

int vacancy_patch(store *s, int64_t id, const char *org, const json_t *patch, json_t **out,
		  int64_t *seq, problem *p)
{
	json_t *current = NULL, *merged = NULL, *doc = NULL, *verdict = NULL;
	struct columns c = {0};
	PGresult *r;
	char ids[32];

	*out = NULL;
	if (!json_is_object(patch)) {
		problem_field(p, "(body)", "type", "must be an object");
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	r = begin_locked(s, id, org, p);
	if (!r)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 2), "open") != 0) {
		PQclear(r);
		problem_set(p, PROBLEM_CONFLICT, "vacancy v_%lld is closed", (long long)id);
		goto fail;
	}
	current = vacancy_from_row(r, 0);
	PQclear(r);
	if (!current)
		goto oom;
	strip_representation(current);
	merged = fields_merge_patch(current, patch);
	if (!merged)
		goto oom;
	if (vacancy_validate(merged, &doc, p) || check_rules(s, doc, NULL, &verdict, p))
		goto fail;
	if (columns_of(doc, &c))
		goto oom;
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (write_row(s,
		      "UPDATE vacancies SET doc = $2::jsonb, country = $3, occupation = $4,"
		      " valid_until = $5::date, positions = $6::int, updated_at = now()"
		      " WHERE id = $1 RETURNING " VACANCY_COLUMNS,
		      6,
		      (const char *const[]){ids, c.doc, c.country, c.occupation, c.valid_until,
					    c.positions},
		      out, p))
		goto fail;
	if (json_object_get(doc, "normalised"))
		json_object_set(*out, "normalised", json_object_get(doc, "normalised"));
	if (store_log_change(s, "vacancy", id, "changed", seq) || store_commit(s))
		goto fail;
	add_verdict(*out, verdict);
	json_decref(current);
	json_decref(merged);
	json_decref(doc);
	free(c.doc);
	return 0;
oom:
	no_memory(p);
fail:
	json_decref(verdict);
	json_decref(current);
	json_decref(merged);
	json_decref(doc);
	free(c.doc);
	return store_fail(s, p, out); /* a database error unless p says otherwise */
}

int vacancy_close(store *s, int64_t id, const char *org, json_t **out, int64_t *seq, problem *p)
{
	PGresult *r;
	char ids[32];
	int already;

	*out = NULL;
	if (seq)
		*seq = 0;
	r = begin_locked(s, id, org, p);
	if (!r)
		return -1;
	/* Closing a closed vacancy changes nothing: no second "closed" in the
	 * change feed. */
	already = strcmp(PQgetvalue(r, 0, 2), "closed") == 0;
	PQclear(r);
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (write_row(s,
		      "UPDATE vacancies SET status = 'closed', closed_at = coalesce(closed_at, now()),"
		      " updated_at = CASE WHEN status = 'closed' THEN updated_at ELSE now() END"
		      " WHERE id = $1 RETURNING " VACANCY_COLUMNS,
		      1, (const char *const[]){ids}, out, p))
		goto fail;
	if ((!already && store_log_change(s, "vacancy", id, "closed", seq)) || store_commit(s))
		goto fail;
	return 0;
fail:
	return store_fail(s, p, out);
}

/* One document of a batch against the rules: 0 to store it, 1 refused
 * (reported), -1 when the batch fails (a database error: *p set). */
static int batch_rules(store *s, json_t *memo, const json_t *doc, size_t i,
		       vacancy_rejected_fn rejected, void *arg, problem *p)
{
	problem why;

	problem_init(&why);
	if (check_rules(s, doc, memo, NULL, &why) == 0) {
		problem_release(&why);
		return 0;
	}
	if (why.kind == PROBLEM_UNAVAILABLE) {
		problem_release(p);
		*p = why;
		return -1;
	}
	if (rejected)
		rejected(i, &why, arg);
	problem_release(&why);
	return 1;
}

int vacancy_insert_batch(store *s, const char *org, json_t *const *docs, size_t n,
			 vacancy_rejected_fn rejected, void *arg, int64_t *last_seq, problem *p)
{
	return vacancy_import_batch(s, org, docs, n, 0, rejected, arg, NULL, last_seq, p);
}

int vacancy_import_batch(store *s, const char *org, json_t *const *docs, size_t n, int dry_run,
			 vacancy_rejected_fn rejected, void *arg, int64_t *ids, int64_t *last_seq,
			 problem *p)
{
	json_t *arr = NULL, *memo = NULL;
	char *text = NULL, lock[32];
	PGresult *r;
	size_t i, k;
	int rc;

	if (last_seq)
		*last_seq = 0;
	for (i = 0; ids && i < n; i++)
		ids[i] = 0;
	if (store_begin(s)) {
		/* A transaction of the caller's is open: not ours to roll back. */
		store_problem(s, p);
		return -1;
	}
	arr = json_array();
	memo = json_object();
	if (!arr || !memo)
		goto oom;
	/* The rules first, before the change-log lock, which is held to the
	 * commit and should guard only the insert. */
	for (i = 0; i < n; i++) {
		json_object_del(docs[i], "normalised"); /* not stored (see columns_of) */
		rc = batch_rules(s, memo, docs[i], i, rejected, arg, p);
		if (rc < 0)
			goto fail;
		if (rc == 0 && json_array_append(arr, docs[i]))
			goto oom;
	}
	if (json_array_size(arr) == 0 || dry_run) {
		/* Every document refused, or only checking: nothing to store or log. */
		store_rollback(s);
		goto out;
	}
	text = json_dumps(arr, JSON_COMPACT);
	if (!text)
		goto oom;
	snprintf(lock, sizeof lock, "%d", STORE_CHANGE_LOG_LOCK);
	/* The change-log lock is taken first and held to the commit, so the
	 * batch's seqs are in commit order (see 001_core.sql). One statement for
	 * the whole batch: the documents travel as one jsonb array and the
	 * filter columns are computed by the server. */
	if (store_run(s, "SELECT pg_advisory_xact_lock($1::bigint)", 1, (const char *const[]){lock}))
		goto fail;
	r = store_exec(s,
		       "WITH ins AS ("
		       " INSERT INTO vacancies (org, doc, country, occupation, valid_until, positions)"
		       " SELECT $1, d, d->>'country', d->>'occupation', (d->>'valid_until')::date,"
		       "        (d->>'positions')::int"
		       " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(d, n) ORDER BY n"
		       " RETURNING id),"
		       " log AS (INSERT INTO change_log (object_type, object_id, change)"
		       " SELECT 'vacancy', id, 'created' FROM ins ORDER BY id RETURNING seq)"
		       " SELECT (SELECT coalesce(max(seq), 0) FROM log), id FROM ins ORDER BY id",
		       2, (const char *const[]){org, text});
	if (!r)
		goto fail;
	if (last_seq && PQntuples(r) > 0)
		*last_seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	/* The ids follow the documents' order (inserted in it, ascending), in
	 * the slots of the documents the rules let through. */
	for (i = 0, k = 0; ids && i < n && k < (size_t)PQntuples(r); i++)
		if (json_array_get(arr, k) == docs[i])
			ids[i] = strtoll(PQgetvalue(r, (int)k++, 1), NULL, 10);
	PQclear(r);
	if (store_commit(s))
		goto fail;
out:
	json_decref(memo);
	json_decref(arr);
	free(text);
	return 0;
oom:
	no_memory(p);
fail:
	json_decref(memo);
	json_decref(arr);
	free(text);
	return store_fail(s, p, NULL); /* a database error unless p says otherwise */
}
