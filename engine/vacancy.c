/*
 * vacancy.c - validating a vacancy document (vacancy_validate: the field
 * rules and the canonical form), vacancy ids, and a vacancy from its row.
 *
 * Storing is in engine/vacancy/: write.c (create, read, patch, close),
 * rules.c (the write rules), batch.c (bulk inserts and imports), feed.c (the
 * change feed) and import.c (JobPosting JSON-LD and CSV to vacancy objects).
 */
#include "engine/vacancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/identifiers.h"
#include "engine/core/iso.h"
#include "engine/core/fields.h"
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
		else if (fields_blank(json_string_value(v), json_string_length(v)))
			problem_field(p, name, "length",
				      "must show some text: it holds only spaces or invisible characters");
		else
			continue;
		p->kind = PROBLEM_INVALID;
	}
}

static void check_languages(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v, *w;
	size_t i, j;
	char path[48], fpath[64];
	const char *code, *level;
	static const char *const lang_keys[] = {"code", "level", NULL};

	if (fields_array(in, "", "languages", VACANCY_LANGUAGES_MAX, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof path, "languages[%zu]", i);
		if (fields_only(v, path, lang_keys, p))
			continue;
		code = NULL;
		if (fields_string(v, path, "code", 2, 1, &code, p) > 0 && !iso_language_valid(code)) {
			problem_field(p, fields_path(fpath, sizeof fpath, path, "code"), "format",
				      "must be a lower-case ISO 639-1 language code such as en");
			p->kind = PROBLEM_INVALID;
		} else if (code) {
			/* two levels of one language: which one is required? */
			for (j = 0; j < i; j++) {
				w = json_object_get(json_array_get(arr, j), "code");
				if (json_is_string(w) && !strcmp(json_string_value(w), code))
					break;
			}
			if (j < i) {
				problem_field(p, fields_path(fpath, sizeof fpath, path, "code"), "duplicate",
				      "'%s' is given twice", code);
				p->kind = PROBLEM_INVALID;
			}
		}
		if (fields_string(v, path, "level", 6, 1, &level, p) > 0 && !iso_cefr_rank(level)) {
			problem_field(p, fields_path(fpath, sizeof fpath, path, "level"), "format",
				      "must be A1, A2, B1, B2, C1, C2 or native");
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
	/* A skill asked for twice (two texts that became one concept, or one
	 * both essential and optional) is one skill: counted twice, it would
	 * weigh twice in every match and show twice in its explanation. */
	fields_drop_repeats(json_object_get(skills, "essential"), NULL);
	fields_drop_repeats(json_object_get(skills, "optional"), json_object_get(skills, "essential"));
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
