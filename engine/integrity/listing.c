/*
 * listing.c - what a regulator browses: GET /v1/recruiters (search by name,
 * alias or licence, filters for country, flag state and licence validity,
 * keyset pages by id behind an opaque cursor) and
 * GET /v1/recruiters/{id}/vacancies (the vacancies whose recruiter is that
 * recruiter by the check's own rule: its licence, or a name or alias at the
 * threshold, reviewed false positives excepted).
 *
 * A cursor is the last id, signed with the query's filters and the caller's
 * organisation (engine/core/cursor.h): a cursor edited by hand, or taken
 * from another query or organisation, is refused (400), not silently
 * applied elsewhere.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/cursor.h"
#include "engine/core/iso.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 200

static int bad_param(problem *p, const char *name, const char *msg)
{
	problem_field(p, name, "format", "%s", msg);
	problem_set(p, PROBLEM_INVALID, "%s: %s", name, msg);
	return -1;
}

/* The id after which the page starts (0 without a cursor); -1 with a problem
 * for a cursor this query and organisation were not given. */
static int page_after(const json_t *binding, const char *cursor, int64_t *after, problem *p)
{
	int rc;

	if (!binding)
		return integ__oom(p);
	rc = cursor_decode_id(binding, cursor, after);
	if (rc == -2)
		return integ__oom(p);
	if (rc)
		return bad_param(p, "cursor", "is not a next_cursor this query was given");
	return 0;
}

/* {"next_cursor": ...} of a page whose last id is last, when there is more. */
static json_t *next_cursor(const json_t *binding, int more, int64_t last)
{
	char next[CURSOR_TEXT_MAX + 1];

	if (!more)
		return json_null();
	return cursor_encode_id(binding, last, next, sizeof next) ? NULL : json_string(next);
}

static int parse_limit(const char *text, int *limit, problem *p)
{
	char *end;
	long v;

	*limit = LIST_LIMIT_DEFAULT;
	if (!text)
		return 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || v < 1 || v > LIST_LIMIT_MAX)
		return bad_param(p, "limit", "must be a whole number from 1 to 200");
	*limit = (int)v;
	return 0;
}

/* A LIKE pattern matching text anywhere, its wildcards escaped. */
static void like_any(const char *text, char *out, size_t cap)
{
	size_t n = 0;

	if (cap < 3)
		return;
	out[n++] = '%';
	for (; *text && n + 3 < cap; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			out[n++] = '\\';
		out[n++] = *text;
	}
	out[n++] = '%';
	out[n] = '\0';
}

int integrity_recruiter_list(store *s, const struct integrity_list_query *q, const char *org,
			     json_t **out, problem *p)
{
	static const char *const flag_states[] = {"any", "blacklist", "warning", "none", NULL};
	static const char *const licence_states[] = {"valid", "expired", "none", NULL};
	char norm[NAMES_NORM_CAP], pat_norm[2 * NAMES_NORM_CAP + 3], pat_raw[2 * 256 + 3],
		ln[INTEGRITY_LICENCE_MAX + 1], after[32], lim[16];
	json_t *items = NULL, *o, *binding = NULL, *next;
	PGresult *r;
	int64_t after_id, last = 0;
	int limit, i, more;

	*out = NULL;
	norm[0] = pat_norm[0] = pat_raw[0] = ln[0] = '\0';
	if (parse_limit(q->limit, &limit, p))
		return -1;
	if (q->q && (strlen(q->q) > 200 || !q->q[0]))
		return bad_param(p, "q", "must be 1 to 200 bytes");
	if (q->country && !iso_country_valid(q->country))
		return bad_param(p, "country", "must be an ISO 3166-1 alpha-2 code (ZA)");
	if (q->flag && !integ__one_of(q->flag, flag_states))
		return bad_param(p, "flag", "must be any, blacklist, warning or none");
	if (q->licence && !integ__one_of(q->licence, licence_states))
		return bad_param(p, "licence", "must be valid, expired or none");
	binding = json_pack("[s, s?, o, s?, s?, s?]", "recruiters", org, cursor_text(q->q),
			    q->country, q->flag, q->licence);
	if (page_after(binding, q->cursor, &after_id, p)) {
		json_decref(binding);
		return -1;
	}
	if (q->q) {
		if (names_normalise(q->q, strlen(q->q), norm, sizeof norm))
			norm[0] = '\0';
		if (norm[0])
			like_any(norm, pat_norm, sizeof pat_norm);
		like_any(q->q, pat_raw, sizeof pat_raw);
		integrity_licence_norm(q->q, ln, sizeof ln);
	}
	snprintf(after, sizeof after, "%lld", (long long)after_id);
	snprintf(lim, sizeof lim, "%d", limit + 1);
	r = store_exec(s,
		       "SELECT " RECRUITER_COLUMNS ", st.state, st.active FROM recruiters r,"
		       " LATERAL (SELECT CASE WHEN bool_or(f.severity = 'blacklist') THEN 'blacklist'"
		       "   WHEN count(*) > 0 THEN 'warning' ELSE 'none' END AS state, count(*) AS active"
		       "   FROM flags f LEFT JOIN flag_lifts l ON l.flag = f.id WHERE f.recruiter = r.id"
		       "   AND l.flag IS NULL AND (f.expires_at IS NULL OR f.expires_at > now())) st"
		       " WHERE r.id > $1::bigint"
		       "   AND ($2 = '' OR r.name ILIKE $2 OR r.licence_norm = NULLIF($4, '')"
		       "        OR ($3 <> '' AND EXISTS (SELECT 1 FROM recruiter_names n"
		       "            WHERE n.recruiter = r.id AND n.norm LIKE $3)))"
		       "   AND ($5 = '' OR r.country = $5)"
		       "   AND ($6 = '' OR ($6 = 'any' AND st.state <> 'none') OR st.state = $6)"
		       "   AND ($7 = '' OR ($7 = 'none' AND r.licence_number IS NULL)"
		       "        OR ($7 = 'valid' AND r.licence_number IS NOT NULL AND"
		       "            (r.licence_valid_until IS NULL OR r.licence_valid_until >= current_date))"
		       "        OR ($7 = 'expired' AND r.licence_valid_until < current_date))"
		       " ORDER BY r.id LIMIT $8::int",
		       8,
		       (const char *const[]){after, pat_raw, pat_norm, ln, q->country ? q->country : "",
					     q->flag ? q->flag : "", q->licence ? q->licence : "",
					     lim});
	if (!r) {
		json_decref(binding);
		return integ__db_fail(s, p);
	}
	more = PQntuples(r) > limit;
	items = json_array();
	for (i = 0; items && i < PQntuples(r) && i < limit; i++) {
		o = integ__recruiter_from_row(r, i);
		if (!o || json_object_set_new(o, "flag_state", json_string(PQgetvalue(r, i, 9))) ||
		    json_object_set_new(o, "active_flags",
					json_integer(strtoll(PQgetvalue(r, i, 10), NULL, 10))) ||
		    json_array_append_new(items, o)) {
			json_decref(items);
			items = NULL;
			break;
		}
		last = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	}
	PQclear(r);
	next = items ? next_cursor(binding, more, last) : NULL;
	json_decref(binding);
	if (!next) {
		json_decref(items);
		return integ__oom(p);
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor", next);
	return *out ? 0 : integ__oom(p);
}

/* The recruiter's registered names and aliases: as registered (for the
 * acronym keys) and normalised now (the stored form may be an older
 * normaliser's), with their cores. */
struct own_name {
	char *label, *norm, *core;
	char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP]; /* its acronym keys */
	int nk;
};

/* Whether a query's acronym keys and a registered name's share one long
 * enough to decide (names_acronym_shared, with both sides' keys known). */
static int keys_meet(char (*q)[NAMES_ACRONYM_CAP], int nq, const struct own_name *o)
{
	for (int i = 0; i < nq; i++)
		for (int j = 0; j < o->nk; j++)
			if (names_acronym_key_len(q[i]) >= NAMES_ACRONYM_UNIQUE_MIN &&
			    strcmp(q[i], o->keys[j]) == 0)
				return 1;
	return 0;
}

/* Whether the vacancy recruiter {name, licence, country} is recruiter
 * `id`, whose names are own[], licence ln and country cc: the check's own
 * decision, after the evidence: a licence or country that says it is
 * another firm (integ__evidence_contradicts) excludes a name that is not
 * one of its own exactly.
 * Its licence, or, with the in-memory registry (fairmatch serve), the
 * check's lookup itself (integ__check_names: exact keys, similarity, the
 * acronym rule against the whole register), asked only for a name that
 * could be this recruiter's: one scoring at least the review threshold
 * against one of its names, or sharing one of their acronym keys. Without
 * the registry (a process without the refresher), the check's pairwise
 * score at the threshold, as integrity_check_sql decides (no acronym step:
 * it needs the register's holders). */
static int names_recruiter(const json_t *rec, int64_t id, const struct own_name *own,
			   size_t n_own, const char *ln, const char *cc)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *country = json_string_value(json_object_get(rec, "country"));
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP], qcore[NAMES_NORM_CAP], qscore[NAMES_NORM_CAP],
		vl[INTEGRITY_LICENCE_MAX + 1];
	char qkeys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
	double thr = integrity_threshold(), best = 0;
	int live = integ__registry_live(), maybe = 0, nq = 0, exact = 0;

	integrity_licence_norm(json_string_value(json_object_get(rec, "licence")), vl, sizeof vl);
	if (ln[0] && vl[0] && strcmp(ln, vl) == 0)
		return 1;
	if (!name || names_normalise_forms(name, strlen(name), norm, sizeof norm, skel, sizeof skel,
					   NULL) ||
	    !norm[0])
		return 0;
	if (integ__exclusions_any()) {
		char xkey[INTEG_XKEY_CAP];

		if (integ__exclusion_key(name, xkey, sizeof xkey))
			xkey[0] = '\0';
		if (integ__excluded(id, norm, xkey))
			return 0;
	}
	/* a licence or a country of another firm: not this one (only a
	 * possible match), unless the name is one of its own exactly */
	for (size_t i = 0; i < n_own && !exact; i++)
		exact = integ__norm_distinctive(own[i].norm) &&
			(strcmp(norm, own[i].norm) == 0 || (skel[0] && strcmp(skel, own[i].norm) == 0));
	if (integ__evidence_contradicts(exact, vl, country, ln, cc))
		return 0;
	integ__candidate_query(norm, qcore, sizeof qcore);
	integ__candidate_query(skel, qscore, sizeof qscore);
	if (live)
		nq = names_acronym_keys(name, strlen(name), 1, qkeys, NULL);
	for (size_t i = 0; i < n_own; i++) {
		struct integ__hit h = {0};

		integ__name_score(norm, qcore, own[i].norm, own[i].core, &h);
		best = h.score > best ? h.score : best;
		if (skel[0]) {
			integ__name_score(skel, qscore, own[i].norm, own[i].core, &h);
			best = h.score > best ? h.score : best;
		}
		if (nq > 0 && !maybe)
			maybe = keys_meet(qkeys, nq, &own[i]);
	}
	if (!live)
		return best >= thr;
	if (best < integrity_review_threshold() && !maybe)
		return 0;
	return integ__check_names(name, country, id, NULL);
}

/* Whether the snapshot holds the vacancy recruiter rec for review as
 * possibly recruiter `id` (integrity.h): the rule search and match apply. */
static int held_for(const integrity_snapshot *snap, const json_t *rec, int64_t id)
{
	struct integrity_verdict iv;
	char rid[24];
	int held;

	snprintf(rid, sizeof rid, "r_%lld", (long long)id);
	held = integrity_snapshot_verdict(snap, rec, &iv) == 0 && strcmp(iv.held, rid) == 0;
	integrity_verdict_release(&iv);
	return held;
}

int integrity_recruiter_vacancies(store *s, int64_t id, const char *limit_text,
				  const char *cursor, const char *held_text, const char *org,
				  json_t **out, problem *p)
{
	char ids[32], after[32], lim[16], ln[INTEGRITY_LICENCE_MAX + 1], cc[3];
	struct own_name *own = NULL;
	char *keys_text = NULL;
	size_t n_own = 0;
	PGresult *r = NULL;
	json_t *keys = NULL, *items = NULL, *o, *binding = NULL, *next;
	int64_t after_id, last = 0;
	int limit, i, more, held, rc = -1;
	integrity_snapshot *snap = NULL;

	*out = NULL;
	if (parse_limit(limit_text, &limit, p))
		return -1;
	if (held_text && strcmp(held_text, "true") && strcmp(held_text, "false"))
		return bad_param(p, "held", "must be true or false");
	held = held_text && strcmp(held_text, "true") == 0;
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	/* A cursor belongs to one recruiter's list (held or naming it). */
	binding = json_pack("[s, s?, I, b]", "recruiter-vacancies", org, (json_int_t)id, held);
	if (page_after(binding, cursor, &after_id, p))
		goto out;
	/* The latest exclusions, whether or not a refresher keeps them. */
	if (!integ__registry_live() && integ__exclusions_load(s))
		goto dberr;
	r = store_exec(s,
		       "SELECT coalesce(r.licence_norm, ''), n.label, coalesce(r.country, '')"
		       " FROM recruiters r"
		       " JOIN recruiter_names n ON n.recruiter = r.id WHERE r.id = $1",
		       1, (const char *const[]){ids});
	if (!r)
		goto dberr;
	if (PQntuples(r) == 0) {
		problem_set(p, PROBLEM_NOT_FOUND, "no recruiter r_%lld", (long long)id);
		goto out;
	}
	snprintf(ln, sizeof ln, "%s", PQgetvalue(r, 0, 0));
	snprintf(cc, sizeof cc, "%s", PQgetvalue(r, 0, 2));
	own = calloc((size_t)PQntuples(r), sizeof *own);
	if (!own)
		goto oom;
	for (i = 0; i < PQntuples(r); i++) {
		/* Normalised now: the stored form may be an older normaliser's. */
		char nn[NAMES_NORM_CAP], core[NAMES_NORM_CAP];
		const char *label = PQgetvalue(r, i, 1);
		struct own_name *on = &own[n_own];

		if (names_normalise(label, strlen(label), nn, sizeof nn) || !nn[0])
			continue;
		integ__candidate_query(nn, core, sizeof core);
		on->nk = names_acronym_keys(label, strlen(label), 0, on->keys, NULL);
		n_own++;
		if (!(on->label = strdup(label)) || !(on->norm = strdup(nn)) || !(on->core = strdup(core)))
			goto oom;
	}
	PQclear(r);
	/* Each distinct recruiter that vacancies name, decided once. */
	r = store_exec(s,
		       "SELECT DISTINCT doc->'recruiter' FROM vacancies"
		       " WHERE jsonb_typeof(doc->'recruiter') = 'object'",
		       0, NULL);
	if (!r)
		goto dberr;
	keys = json_array();
	if (held)
		snap = integrity_snapshot_get();
	for (i = 0; keys && i < PQntuples(r); i++) {
		json_t *rec = json_loads(PQgetvalue(r, i, 0), 0, NULL);

		if (rec &&
		    (held ? held_for(snap, rec, id) : names_recruiter(rec, id, own, n_own, ln, cc)) &&
		    json_array_append(keys, rec)) {
			json_decref(rec);
			goto oom;
		}
		json_decref(rec);
	}
	PQclear(r);
	r = NULL;
	if (!keys || !(keys_text = json_dumps(keys, JSON_COMPACT)))
		goto oom;
	snprintf(after, sizeof after, "%lld", (long long)after_id);
	snprintf(lim, sizeof lim, "%d", limit + 1);
	r = store_exec(s,
		       "SELECT id, org, status, coalesce(doc->>'title', ''), country, (doc->'recruiter')::text,"
		       " " TS("created_at") " FROM vacancies"
		       " WHERE doc->'recruiter' IN (SELECT jsonb_array_elements($1::jsonb))"
		       "   AND id > $2::bigint ORDER BY id LIMIT $3::int",
		       3, (const char *const[]){keys_text, after, lim});
	if (!r)
		goto dberr;
	more = PQntuples(r) > limit;
	items = json_array();
	for (i = 0; items && i < PQntuples(r) && i < limit; i++) {
		char vid[32];

		snprintf(vid, sizeof vid, "v_%s", PQgetvalue(r, i, 0));
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "id", vid, "org",
			      PQgetvalue(r, i, 1), "status", PQgetvalue(r, i, 2), "title",
			      PQgetvalue(r, i, 3), "country", PQgetvalue(r, i, 4), "recruiter",
			      json_loads(PQgetvalue(r, i, 5), 0, NULL), "created_at",
			      PQgetvalue(r, i, 6));
		if (!o || json_array_append_new(items, o))
			goto oom;
		last = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	}
	if (!items)
		goto oom;
	next = next_cursor(binding, more, last);
	if (!next)
		goto oom;
	*out = json_pack("{s:o, s:O, s:o}", "recruiter", json_sprintf("r_%lld", (long long)id),
			 "items", items, "next_cursor", next);
	if (!*out)
		goto oom;
	rc = 0;
	goto out;
oom:
	integ__oom(p);
	goto out;
dberr:
	integ__db_fail(s, p);
out:
	if (snap)
		integrity_snapshot_put(snap);
	PQclear(r);
	for (size_t k = 0; own && k < n_own; k++) {
		free(own[k].label);
		free(own[k].norm);
		free(own[k].core);
	}
	free(own);
	free(keys_text);
	json_decref(keys);
	json_decref(items);
	json_decref(binding);
	return rc;
}
