/*
 * profile.c - validating profiles and keeping them in PostgreSQL (see
 * profile.h).
 *
 * A profile is stored as its validated document (jsonb) under a random id,
 * with the consent flags copied into columns. Every function that touches a
 * stored profile runs in one transaction together with its audit row, so a
 * read that is not audited cannot happen, and an audit row never records a
 * read that was rolled back. Ownership is checked in the SQL itself (id and
 * org in the WHERE clause): another organisation's profile is simply not
 * found (PROBLEM_NOT_FOUND), as if it did not exist.
 */
#include "engine/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "engine/core/iso.h"
#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/core/identifiers.h"
#include "engine/taxonomy/taxonomy.h"

/* The most years of experience a profile may state. */
#define EXPERIENCE_YEARS_MAX 80

static const char *const profile_keys[] = {
	"occupations",	  "skills",	     "languages",      "education", "experience_years",
	"citizenship",	  "desired_countries", "available_from", "consent",   "sex",
	"birth_year",	  NULL};

#define PROFILE_COLUMNS                                                                  \
	"id, org, doc::text, "                                                           \
	"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "      \
	"to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static int no_memory(problem *p)
{
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory");
	return -1;
}

static int field_error(problem *p, const char *name, const char *code, const char *msg)
{
	problem_field(p, name, code, "%s", msg);
	p->kind = PROBLEM_INVALID;
	return -1;
}

int profile_id_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != PROFILE_ID_LEN || s[0] != 'p' || s[1] != '_')
		return 0;
	for (i = 2; i < PROFILE_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* The occupations list: ISCO-08 groups (1-4 digits), ESCO occupation URIs
 * or free text, each 1..200 bytes; taxonomy_normalise_doc then turns free
 * text into a concept (a 400 naming the field when nothing is good
 * enough) and refuses unknown codes and URIs. */
static void check_occupations(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i;
	char name[48];

	if (fields_array(in, "", "occupations", PROFILE_OCCUPATIONS_MAX, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		snprintf(name, sizeof name, "occupations[%zu]", i);
		if (!s || json_string_length(v) == 0 || json_string_length(v) > 200 ||
		    memchr(s, '\0', json_string_length(v)))
			field_error(p, name, "format",
				    "must be an ISCO-08 group code (1-4 digits), an ESCO occupation URI "
				    "or an occupation's name (1 to 200 bytes)");
	}
}

/*
 * The skills list: ESCO skill URIs or free text, each 1..PROFILE_SKILL_MAX
 * bytes. Kept in this one function on purpose: free-text normalisation to
 * ESCO URIs (the taxonomy work) plugs in here, turning `in` into the
 * canonical list it stores in *out (a new array, duplicates dropped).
 */
static int profile_skills(const json_t *in, json_t **out, problem *p)
{
	json_t *arr = NULL, *v, *w, *list;
	size_t i, j;
	char name[48];
	int bad = 0;

	*out = NULL;
	if (fields_array(in, "", "skills", PROFILE_SKILLS_MAX, 0, &arr, p) < 0)
		return -1;
	list = json_array();
	if (!list)
		return no_memory(p);
	json_array_foreach(arr, i, v) {
		snprintf(name, sizeof name, "skills[%zu]", i);
		if (!json_is_string(v))
			bad = field_error(p, name, "type", "must be a string");
		else if (json_string_length(v) == 0 || json_string_length(v) > PROFILE_SKILL_MAX)
			bad = field_error(p, name, "length", "must be 1 to 200 bytes");
		else if (memchr(json_string_value(v), '\0', json_string_length(v)))
			bad = field_error(p, name, "format", "must not contain NUL characters");
		else if (fields_blank(json_string_value(v), json_string_length(v)))
			bad = field_error(p, name, "length",
					  "must show some text: it holds only spaces or invisible characters");
		if (bad)
			continue;
		json_array_foreach(list, j, w) {
			if (json_equal(v, w))
				break;
		}
		if (j == json_array_size(list) && json_array_append(list, v)) {
			json_decref(list);
			return no_memory(p);
		}
	}
	if (bad) {
		json_decref(list);
		return -1;
	}
	*out = list;
	return 0;
}

/* Whether an item before arr[i] has the language code. */
static int language_given_before(const json_t *arr, size_t i, const char *code)
{
	const char *other;
	size_t j;

	for (j = 0; code && j < i; j++) {
		other = json_string_value(json_object_get(json_array_get(arr, j), "code"));
		if (other && !strcmp(other, code))
			return 1;
	}
	return 0;
}

static void check_languages(const json_t *in, problem *p)
{
	static const char *const lang_keys[] = {"code", "level", NULL};
	json_t *arr = NULL, *v;
	size_t i;
	char path[48], fpath[64];
	const char *code, *level;

	if (fields_array(in, "", "languages", PROFILE_LANGUAGES_MAX, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof path, "languages[%zu]", i);
		if (fields_only(v, path, lang_keys, p))
			continue;
		code = NULL;
		if (fields_string(v, path, "code", 2, 1, &code, p) > 0 && !iso_language_valid(code)) {
			field_error(p, fields_path(fpath, sizeof fpath, path, "code"), "format",
				    "must be a lower-case ISO 639-1 language code such as en");
		} else if (language_given_before(arr, i, code)) {
			/* two levels of one language: which would the match believe? */
			problem_field(p, fields_path(fpath, sizeof fpath, path, "code"), "duplicate",
				      "'%s' is given twice", code);
			p->kind = PROBLEM_INVALID;
		}
		if (fields_string(v, path, "level", 6, 1, &level, p) > 0 && !iso_cefr_rank(level))
			field_error(p, fields_path(fpath, sizeof fpath, path, "level"), "format",
				    "must be A1, A2, B1, B2, C1, C2 or native");
	}
}

static void check_countries(const json_t *in, problem *p)
{
	json_t *arr = NULL, *v;
	size_t i;
	char name[48];

	if (fields_array(in, "", "desired_countries", PROFILE_COUNTRIES_MAX, 0, &arr, p) <= 0)
		return;
	json_array_foreach(arr, i, v) {
		snprintf(name, sizeof name, "desired_countries[%zu]", i);
		if (!json_is_string(v) || !iso_country_valid(json_string_value(v)))
			field_error(p, name, "format", "must be an ISO 3166-1 alpha-2 country code");
	}
}

static void check_objects(const json_t *in, problem *p)
{
	static const char *const edu_keys[] = {"isced", NULL};
	static const char *const consent_keys[] = {"matching", "show_to_employers", NULL};
	json_t *o = NULL;

	if (fields_object(in, "", "education", 0, &o, p) > 0 &&
	    !fields_only(o, "education", edu_keys, p))
		fields_int(o, "education", "isced", 0, 8, 1, NULL, p);
	o = NULL;
	if (fields_object(in, "", "consent", 0, &o, p) > 0 &&
	    !fields_only(o, "consent", consent_keys, p)) {
		fields_bool(o, "consent", "matching", 0, NULL, p);
		fields_bool(o, "consent", "show_to_employers", 0, NULL, p);
	}
}

/* Optional, for sex-disaggregated statistics only (never on a card):
 * sex is female, male, other or undisclosed; birth_year lies between this
 * year - PROFILE_AGE_MAX and this year - PROFILE_AGE_MIN. */
static void check_sex_and_birth_year(const json_t *in, problem *p)
{
	static const char *const sexes[] = {"female", "male", "other", "undisclosed", NULL};
	const char *sex;
	char today[11];
	long long year;
	size_t i;

	if (fields_string(in, "", "sex", 11, 0, &sex, p) > 0) {
		for (i = 0; sexes[i] && strcmp(sexes[i], sex) != 0; i++)
			;
		if (!sexes[i])
			field_error(p, "sex", "format", "must be female, male, other or undisclosed");
	}
	iso_today(today);
	year = strtoll(today, NULL, 10);
	fields_int(in, "", "birth_year", year - PROFILE_AGE_MAX, year - PROFILE_AGE_MIN, 0, NULL, p);
}

/* Empty lists and the privacy-preserving consent defaults, nulls dropped. */
static int canonical(json_t *doc)
{
	static const char *const lists[] = {"occupations", "languages", "desired_countries", NULL};
	json_t *consent, *v;
	const char *key;
	void *tmp;
	size_t i;

	json_object_foreach_safe(doc, tmp, key, v) {
		if (json_is_null(v))
			json_object_del(doc, key);
	}
	for (i = 0; lists[i]; i++)
		if (!json_object_get(doc, lists[i]) &&
		    json_object_set_new(doc, lists[i], json_array()))
			return -1;
	consent = json_object_get(doc, "consent");
	if (!consent) {
		if (json_object_set_new(doc, "consent", consent = json_object()))
			return -1;
	}
	json_object_foreach_safe(consent, tmp, key, v) {
		if (json_is_null(v))
			json_object_del(consent, key);
	}
	/* Matching is why the counsellor registers the person; being shown to
	 * employers must be asked for explicitly. */
	if (!json_object_get(consent, "matching") &&
	    json_object_set_new(consent, "matching", json_true()))
		return -1;
	if (!json_object_get(consent, "show_to_employers") &&
	    json_object_set_new(consent, "show_to_employers", json_false()))
		return -1;
	return 0;
}

/* Years written with a skill or an occupation ("welding (5 years)", "5 ans
 * d'expérience en soudure"; doc["normalised"] reports them) are the person's
 * experience when the profile gives none: the most of them, within the
 * field's bounds. Without this the match reported the years and scored no
 * experience. 0, or -1 when out of memory. */
static int experience_from_texts(json_t *doc)
{
	json_t *e;
	json_int_t most = 0;
	size_t i;

	if (json_object_get(doc, "experience_years"))
		return 0;
	json_array_foreach(json_object_get(doc, "normalised"), i, e) {
		json_t *y = json_object_get(e, "experience_years");

		if (json_is_integer(y) && json_integer_value(y) > most)
			most = json_integer_value(y);
	}
	if (most <= 0)
		return 0;
	return json_object_set_new(doc, "experience_years",
				   json_integer(most < EXPERIENCE_YEARS_MAX ? most : EXPERIENCE_YEARS_MAX));
}

int profile_validate(const json_t *in, json_t **out, problem *p)
{
	json_t *skills = NULL, *doc;

	*out = NULL;
	if (fields_only(in, "", profile_keys, p) && !json_is_object(in))
		return -1;
	check_occupations(in, p);
	profile_skills(in, &skills, p);
	check_languages(in, p);
	check_objects(in, p);
	fields_number(in, "", "experience_years", 0, EXPERIENCE_YEARS_MAX, 0, NULL, p);
	fields_country(in, "", "citizenship", 0, NULL, p);
	check_countries(in, p);
	fields_date(in, "", "available_from", 0, NULL, p);
	check_sex_and_birth_year(in, p);
	ident_check_profile(in, p); /* no e-mail, phone or document numbers (docs/privacy.md) */
	if (p->kind) {
		json_decref(skills);
		return -1;
	}
	if (json_array_size(json_object_get(in, "occupations")) == 0 && json_array_size(skills) == 0) {
		json_decref(skills);
		problem_field(p, "skills", "required", "a profile needs at least one occupation or skill");
		p->kind = PROBLEM_RULE;
		problem_subject(p, "profile");
		return -1;
	}
	doc = json_deep_copy(in);
	if (!doc || json_object_set_new(doc, "skills", skills) || canonical(doc)) {
		json_decref(doc);
		return no_memory(p);
	}
	/* Free-text skills and occupations become ESCO concepts where they
	 * normalise, as for vacancies; doc["normalised"] says which and is
	 * answered, never stored (see stored_text). */
	{
		static const char *const skill_paths[] = {"skills", NULL};

		if (taxonomy_normalise_doc(doc, skill_paths, NULL, "occupations", p) ||
		    ident_warn_names(doc)) {
			json_decref(doc);
			return -1;
		}
	}
	/* Two texts that became one concept are one skill: counted twice,
	 * they would weigh twice in every match (`normalised` still lists both). */
	fields_drop_repeats(json_object_get(doc, "skills"), NULL);
	if (experience_from_texts(doc)) {
		json_decref(doc);
		return no_memory(p);
	}
	*out = doc;
	return 0;
}

/* The stored form of a validated document: without the "normalised" report. */
static char *stored_text(const json_t *doc)
{
	json_t *copy = json_copy((json_t *)doc);
	char *text;

	if (!copy)
		return NULL;
	json_object_del(copy, "normalised");
	json_object_del(copy, "warnings");
	text = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return text;
}

/* Copies the "normalised" report of doc into the answer. */
static void answer_normalised(json_t *out, const json_t *doc)
{
	json_t *n = json_object_get(doc, "normalised"), *w = json_object_get(doc, "warnings");

	if (out && n)
		json_object_set(out, "normalised", n);
	if (out && w)
		json_object_set(out, "warnings", w);
}

/* The API representation of a PROFILE_COLUMNS row. */
static json_t *from_row(PGresult *r, int row)
{
	json_t *doc = json_loads(PQgetvalue(r, row, 2), 0, NULL);

	if (!doc)
		return NULL;
	if (json_object_set_new(doc, "id", json_string(PQgetvalue(r, row, 0))) ||
	    json_object_set_new(doc, "org", json_string(PQgetvalue(r, row, 1))) ||
	    json_object_set_new(doc, "created_at", json_string(PQgetvalue(r, row, 3))) ||
	    json_object_set_new(doc, "updated_at", json_string(PQgetvalue(r, row, 4)))) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static const char *consent_flag(const json_t *doc, const char *key)
{
	return json_is_true(json_object_get(json_object_get(doc, "consent"), key)) ? "t" : "f";
}

static int new_id(char *buf)
{
	unsigned char rnd[8];
	size_t i;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return -1;
	memcpy(buf, "p_", 2);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(buf + 2 + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

static int not_found(problem *p, const char *id)
{
	problem_set(p, PROBLEM_NOT_FOUND, "no profile %s", profile_id_valid(id) ? id : "with this id");
	return -1;
}

int profile_create(store *s, const struct principal *who, const json_t *doc, json_t **out,
		   problem *p)
{
	char id[PROFILE_ID_LEN + 1];
	char *text;
	PGresult *r;

	*out = NULL;
	if (new_id(id))
		return no_memory(p);
	text = stored_text(doc);
	if (!text)
		return no_memory(p);
	if (store_begin(s)) {
		free(text);
		return store_fail(s, p, out);
	}
	r = store_exec(s,
		       "INSERT INTO profiles (id, org, doc, consent_matching, consent_show_to_employers)"
		       " VALUES ($1, $2, $3::jsonb, $4::boolean, $5::boolean) RETURNING " PROFILE_COLUMNS,
		       5,
		       (const char *const[]){id, who->org, text, consent_flag(doc, "matching"),
					     consent_flag(doc, "show_to_employers")});
	free(text);
	if (!r)
		return store_fail(s, p, out);
	*out = from_row(r, 0);
	PQclear(r);
	if (!*out) {
		no_memory(p);
		return store_fail(s, p, out);
	}
	if (audit_write_commit(s, who, "profile.create", id, NULL))
		return store_fail(s, p, out);
	answer_normalised(*out, doc);
	return 0;
}

/* Every read and every match of a stored profile runs it: prepared once per
 * connection. */
static const struct store_stmt get_stmt = {
	"fm_profile_get",
	"UPDATE profiles SET last_touched_at = now() WHERE id = $1 AND org = $2"
	" RETURNING " PROFILE_COLUMNS,
	2};

int profile_get(store *s, const struct principal *who, const char *id, const char *why,
		json_t **out, problem *p)
{
	char action[64];
	json_t *detail;
	PGresult *r;
	int rc, refused;

	*out = NULL;
	if (!profile_id_valid(id))
		return not_found(p, id);
	if (store_begin(s))
		return store_fail(s, p, out);
	/* One statement reads and marks the profile as touched. */
	r = store_exec_stmt(s, &get_stmt, (const char *const[]){id, who->org});
	if (!r)
		return store_fail(s, p, out);
	if (PQntuples(r) == 0) {
		PQclear(r);
		not_found(p, id);
		return store_fail(s, p, out);
	}
	*out = from_row(r, 0);
	PQclear(r);
	if (!*out) {
		no_memory(p);
		return store_fail(s, p, out);
	}
	/* A person who withdrew consent to matching is not matched; the
	 * refusal is audited like the match would have been. */
	refused = why && strcmp(why, "match") == 0 &&
		  !json_is_true(json_object_get(json_object_get(*out, "consent"), "matching"));
	snprintf(action, sizeof action, "profile.%s%s", why && *why ? why : "read",
		 refused ? "_refused" : "");
	detail = refused ? json_pack("{s:s, s:s}", "why", why, "reason", "consent.matching is false")
			 : json_pack("{s:s}", "why", why && *why ? why : "read");
	/* The audit row goes with COMMIT: the read costs two round trips. */
	rc = audit_write_commit(s, who, action, id, detail);
	json_decref(detail);
	if (rc)
		return store_fail(s, p, out);
	if (refused) {
		json_decref(*out);
		*out = NULL;
		problem_set(p, PROBLEM_CONFLICT,
			    "profile %s does not consent to matching (consent.matching is false); "
			    "the person can give it again with PATCH /v1/profiles/%s",
			    id, id);
		return -1;
	}
	return 0;
}

int profile_match_inline(store *s, const struct principal *who, const json_t *doc, problem *p)
{
	int refused = json_is_false(json_object_get(json_object_get(doc, "consent"), "matching"));

	if (audit_write(s, who, refused ? "match.inline_refused" : "match.inline", NULL, NULL)) {
		store_problem(s, p);
		return -1;
	}
	if (refused) {
		problem_set(p, PROBLEM_CONFLICT,
			    "the profile does not consent to matching (profile.consent.matching "
			    "is false): nothing was matched");
		problem_field(p, "profile.consent.matching", "consent",
			      "is false: the person has not consented to matching");
		return -1;
	}
	return 0;
}

/* The fields of a representation that are not part of the posted document. */
static void strip_representation(json_t *doc)
{
	json_object_del(doc, "id");
	json_object_del(doc, "org");
	json_object_del(doc, "created_at");
	json_object_del(doc, "updated_at");
}

/* A patch may give or withdraw consent, never remove it: a null would
 * bring back the creation default (matching true), so a cleared field
 * would match a person who had said no. */
static int consent_removed(const json_t *patch, problem *p)
{
	static const char *const keys[] = {"matching", "show_to_employers"};
	json_t *c = json_object_get(patch, "consent");
	char name[48];
	size_t i;

	if (json_is_null(c))
		return field_error(p, "consent", "type",
				   "cannot be removed: set matching and show_to_employers to true or false");
	for (i = 0; json_is_object(c) && i < sizeof keys / sizeof *keys; i++) {
		if (!json_is_null(json_object_get(c, keys[i])))
			continue;
		snprintf(name, sizeof name, "consent.%s", keys[i]);
		return field_error(p, name, "type",
				   "must be true or false (consent cannot be removed, only given or withdrawn)");
	}
	return 0;
}

int profile_patch(store *s, const struct principal *who, const char *id, const json_t *patch,
		  json_t **out, problem *p)
{
	json_t *current = NULL, *merged = NULL, *doc = NULL;
	char *text = NULL;
	PGresult *r;

	*out = NULL;
	if (!json_is_object(patch))
		return field_error(p, "(body)", "type", "must be an object");
	if (!profile_id_valid(id))
		return not_found(p, id);
	if (consent_removed(patch, p))
		return -1;
	if (store_begin(s))
		return store_fail(s, p, out);
	r = store_exec(s, "SELECT " PROFILE_COLUMNS " FROM profiles WHERE id = $1 AND org = $2 FOR UPDATE",
		       2, (const char *const[]){id, who->org});
	if (!r)
		goto fail;
	if (PQntuples(r) == 0) {
		PQclear(r);
		not_found(p, id);
		goto fail;
	}
	current = from_row(r, 0);
	PQclear(r);
	if (!current || (strip_representation(current), !(merged = fields_merge_patch(current, patch)))) {
		no_memory(p);
		goto fail;
	}
	if (profile_validate(merged, &doc, p))
		goto fail;
	text = stored_text(doc);
	if (!text) {
		no_memory(p);
		goto fail;
	}
	r = store_exec(s,
		       "UPDATE profiles SET doc = $3::jsonb, consent_matching = $4::boolean,"
		       " consent_show_to_employers = $5::boolean, updated_at = now(),"
		       " last_touched_at = now() WHERE id = $1 AND org = $2 RETURNING " PROFILE_COLUMNS,
		       5,
		       (const char *const[]){id, who->org, text, consent_flag(doc, "matching"),
					     consent_flag(doc, "show_to_employers")});
	if (!r)
		goto fail;
	*out = from_row(r, 0);
	PQclear(r);
	if (!*out) {
		no_memory(p);
		goto fail;
	}
	if (audit_write_commit(s, who, "profile.update", id, NULL))
		goto fail;
	answer_normalised(*out, doc);
	json_decref(current);
	json_decref(merged);
	json_decref(doc);
	free(text);
	return 0;
fail:
	json_decref(current);
	json_decref(merged);
	json_decref(doc);
	free(text);
	return store_fail(s, p, out);
}

int profile_erase(store *s, const struct principal *who, const char *id, problem *p)
{
	PGresult *r;

	if (!profile_id_valid(id))
		return not_found(p, id);
	if (store_begin(s))
		return store_fail(s, p, NULL);
	r = store_exec(s, "DELETE FROM profiles WHERE id = $1 AND org = $2 RETURNING id", 2,
		       (const char *const[]){id, who->org});
	if (!r)
		return store_fail(s, p, NULL);
	if (PQntuples(r) == 0) {
		PQclear(r);
		not_found(p, id);
		return store_fail(s, p, NULL);
	}
	PQclear(r);
	/* Profiles have no index document (see 005_profiles.sql): the row was
	 * everything. The audit keeps only that the erasure happened: the
	 * earlier rows name the alias that went with the row (018_audit_alias.sql). */
	if (audit_write_commit(s, who, "profile.erase", id, NULL))
		return store_fail(s, p, NULL);
	return 0;
}

int profile_candidates(store *s, const json_t *skills, const json_t *occupations, size_t max,
		       json_t **out, problem *p)
{
	char *sk = json_dumps(skills, JSON_COMPACT | JSON_ENCODE_ANY);
	char *oc = json_dumps(occupations, JSON_COMPACT | JSON_ENCODE_ANY);
	char lim[24];
	PGresult *r = NULL;
	json_t *list = NULL;
	int i, n;

	*out = NULL;
	if (!sk || !oc)
		goto oom;
	snprintf(lim, sizeof lim, "%zu", max);
	/* The minimised cards of consented profiles (009_profile_cards.sql: the
	 * connection must act as an employer); ?| on the jsonb arrays uses the
	 * partial GIN indexes of 005_profiles.sql through the view. */
	r = store_exec(s,
		       "SELECT id, card::text FROM profile_cards"
		       " WHERE skills ?| ARRAY(SELECT jsonb_array_elements_text($1::jsonb))"
		       "    OR occupations ?| ARRAY(SELECT jsonb_array_elements_text($2::jsonb))"
		       " ORDER BY created_at DESC, id LIMIT $3::int",
		       3, (const char *const[]){sk, oc, lim});
	free(sk);
	free(oc);
	sk = oc = NULL;
	if (!r) {
		store_problem(s, p);
		return -1;
	}
	list = json_array();
	if (!list)
		goto oom;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		json_t *doc = json_loads(PQgetvalue(r, i, 1), 0, NULL);

		if (!doc || json_array_append_new(list, json_pack("{s:s, s:o}", "id",
								  PQgetvalue(r, i, 0), "doc", doc)))
			goto oom;
	}
	PQclear(r);
	*out = list;
	return 0;
oom:
	free(sk);
	free(oc);
	PQclear(r);
	json_decref(list);
	return no_memory(p);
}
