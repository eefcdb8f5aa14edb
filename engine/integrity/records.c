/*
 * records.c - the registry of recruiters in PostgreSQL: validating a
 * POST /v1/recruiters body, registering it (names normalised, with its
 * audit row, in one transaction) and reading one back with its flag
 * history. Recruiters are never edited or deleted: the name index
 * (name_index.c) relies on it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

static const char *const recruiter_keys[] = {"name", "aliases", "country", "licence",
					     "force", "reason", NULL};
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
			p->kind = PROBLEM_INVALID;
		}
	}
	fields_country(in, "", "country", 0, NULL, p);
	if (json_object_get(in, "force") && !json_is_boolean(json_object_get(in, "force"))) {
		problem_field(p, "force", "type", "must be true or false");
		p->kind = PROBLEM_INVALID;
	}
	/* Registering a duplicate on purpose says why (it is audited). */
	fields_string(in, "", "reason", INTEGRITY_REASON_MAX,
		      json_is_true(json_object_get(in, "force")), NULL, p);
	if (fields_object(in, "", "licence", 0, &lic, p) > 0 &&
	    !fields_only(lic, "licence", licence_keys, p)) {
		fields_string(lic, "licence", "number", INTEGRITY_LICENCE_MAX, 1, NULL, p);
		fields_string(lic, "licence", "authority", INTEGRITY_NAME_MAX, 0, NULL, p);
		fields_date(lic, "licence", "valid_until", 0, NULL, p);
	}
	if (p->kind)
		return -1;
	if (names_normalise(name, strlen(name), norm, sizeof norm) || !norm[0]) {
		problem_field(p, "name", "no_letters", "has no letters or digits to compare");
		problem_set(p, PROBLEM_RULE, "name: has no letters or digits");
		problem_subject(p, "recruiter");
		return -1;
	}
	if (lic) {
		const char *num = json_string_value(json_object_get(lic, "number"));
		char ln[INTEGRITY_LICENCE_MAX + 1];

		integrity_licence_norm(num, ln, sizeof ln);
		if (!ln[0]) {
			problem_field(p, "licence.number", "format", "has no letters or digits");
			p->kind = PROBLEM_INVALID;
			return -1;
		}
	}
	return 0;
}

/* Inserts a validated recruiter inside the caller's transaction. */
int integ__recruiter_insert(store *s, const struct principal *who, const json_t *in, int64_t *id,
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
		goto oom;
	names_normalise(name, strlen(name), norm, sizeof norm);
	json_array_foreach(aliases, i, v) {
		const char *a = json_string_value(v);

		if (names_normalise(a, strlen(a), an, sizeof an) || !an[0])
			continue; /* an alias of punctuation only can match nothing */
		if (json_array_append_new(alias_norms, json_string(an)) ||
		    json_array_append_new(alias_rows, json_pack("{s:s, s:s}", "l", a, "n", an)))
			goto oom;
	}
	integrity_licence_norm(num, ln, sizeof ln);
	rows_text = json_dumps(alias_rows, JSON_COMPACT);
	norms_text = json_dumps(alias_norms, JSON_COMPACT);
	aliases_text = json_is_array(aliases) ? json_dumps(aliases, JSON_COMPACT) : strdup("[]");
	if (!rows_text || !norms_text || !aliases_text)
		goto oom;
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
	if (detail && json_is_true(json_object_get(in, "force")))
		json_object_set_new(detail, "forced",
				    json_string(json_string_value(json_object_get(in, "reason"))));
	snprintf(ids, sizeof ids, "r_%lld", (long long)*id);
	if (!detail || audit_write(s, who, "recruiter.create", ids, detail))
		goto out;
	rc = 0;
	goto out;
oom:
	integ__oom(p);
out:
	json_decref(detail);
	json_decref(alias_rows);
	json_decref(alias_norms);
	free(rows_text);
	free(norms_text);
	free(aliases_text);
	return rc;
}

/*
 * A registration whose normalised name equals a registered name or alias, or
 * whose licence equals a registered licence, in the same country (or both
 * without one) is a duplicate: PROBLEM_CONFLICT naming the existing
 * recruiter (also as errors[0].existing). Registrations of one country are
 * serialised by an advisory lock, so two at once cannot both pass.
 */
static int duplicate_check(store *s, const json_t *in, problem *p)
{
	const char *name = json_string_value(json_object_get(in, "name"));
	const char *country = json_string_value(json_object_get(in, "country"));
	json_t *lic = json_object_get(in, "licence");
	const char *num = json_is_object(lic) ? json_string_value(json_object_get(lic, "number")) : NULL;
	char norm[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1], existing[32];
	PGresult *r;
	int by_licence;

	names_normalise(name, strlen(name), norm, sizeof norm);
	integrity_licence_norm(num, ln, sizeof ln);
	if (store_run(s, "SELECT pg_advisory_xact_lock(727003, hashtext(coalesce($1, '')))", 1,
		      (const char *const[]){country}))
		return -1;
	r = store_exec(s,
		       "SELECT r.id, NULLIF($3, '') IS NOT NULL AND r.licence_norm = $3"
		       " FROM recruiters r WHERE r.country IS NOT DISTINCT FROM $1"
		       "   AND (r.licence_norm = NULLIF($3, '') OR EXISTS (SELECT 1 FROM recruiter_names n"
		       "        WHERE n.recruiter = r.id AND n.norm = $2))"
		       " ORDER BY r.id LIMIT 1",
		       3, (const char *const[]){country, norm, ln});
	if (!r)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 0;
	}
	snprintf(existing, sizeof existing, "r_%s", PQgetvalue(r, 0, 0));
	by_licence = PQgetvalue(r, 0, 1)[0] == 't';
	PQclear(r);
	problem_field(p, by_licence ? "licence.number" : "name", "duplicate",
		      "is already registered as %s", existing);
	json_object_set_new(json_array_get(p->errors, 0), "existing", json_string(existing));
	problem_set(p, PROBLEM_CONFLICT,
		    "%s is already registered as %s%s; to register it again give \"force\": true "
		    "with a \"reason\"", by_licence ? "this licence" : "this name", existing,
		    country ? " in this country" : "");
	return -1;
}

int integrity_recruiter_create(store *s, const struct principal *who, const json_t *in,
			       json_t **out, problem *p)
{
	int64_t id = 0;

	*out = NULL;
	if (integrity_recruiter_validate(in, p))
		return -1;
	if (store_begin(s) || integ__registry_writer_lock(s))
		return integ__db_fail(s, p);
	if (!json_is_true(json_object_get(in, "force")) && duplicate_check(s, in, p)) {
		if (p->kind == PROBLEM_CONFLICT) {
			store_rollback(s);
			return -1;
		}
		return integ__db_fail(s, p);
	}
	if (integ__recruiter_insert(s, who, in, &id, p) || store_commit(s))
		return integ__db_fail(s, p);
	/* The very next check of this process must know the recruiter. */
	if (integ__registry_live())
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
		return integ__db_fail(s, p);
	if (PQntuples(r) == 0) {
		PQclear(r);
		problem_set(p, PROBLEM_NOT_FOUND, "no recruiter r_%lld", (long long)id);
		return -1;
	}
	f = store_exec(s,
		       "SELECT " FLAG_COLUMNS " FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " WHERE f.recruiter = $1 ORDER BY f.id",
		       1, (const char *const[]){ids});
	if (!f) {
		PQclear(r);
		return integ__db_fail(s, p);
	}
	o = integ__recruiter_from_row(r, 0);
	flags = json_array();
	for (i = 0; flags && i < PQntuples(f); i++)
		json_array_append_new(flags, integ__flag_from_row(f, i, 0));
	PQclear(r);
	PQclear(f);
	if (!o || !flags) {
		json_decref(o);
		json_decref(flags);
		return integ__oom(p);
	}
	if (integ__attach_lift_requests(s, flags, p)) {
		json_decref(o);
		json_decref(flags);
		return -1;
	}
	json_object_set_new(o, "flags", flags);
	if (integ__exclusions_of(s, id, &flags, p)) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "exclusions", flags);
	*out = o;
	return 0;
}
