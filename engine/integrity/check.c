/*
 * check.c - GET /v1/recruiters/check: a licence or a name (or both) against
 * every registered recruiter. From memory while the refresher runs (the name
 * index and the flag snapshot, no SQL), from PostgreSQL otherwise; both
 * paths propose the same candidates, score them with names_similarity and
 * order the matches alike, so they give the same answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/iso.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

/* Trigram similarity below which PostgreSQL does not propose a candidate
 * (pg_trgm's default). The candidate query leaves out trade words (below):
 * their trigrams are shared by a large part of any registry, and a GIN scan
 * over them costs tens of milliseconds at 100,000 names. */
#define CANDIDATE_TRGM "0.3"

static int match_cmp(const void *a, const void *b)
{
	const struct integ__match *x = a, *y = b;
	int lx = strcmp(x->on, "licence") == 0, ly = strcmp(y->on, "licence") == 0;

	if (lx != ly)
		return ly - lx;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct integ__match *find_match(struct integ__match *m, size_t n, int64_t id)
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
void integ__candidate_query(const char *norm, char *out, size_t cap)
{
	char buf[NAMES_NORM_CAP], *save = NULL, *tok;
	size_t n = 0;

	snprintf(buf, sizeof buf, "%s", norm);
	out[0] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (integ__one_of(tok, trade_words))
			continue;
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? " " : "", tok);
		if (n >= cap)
			break;
	}
	if (!out[0] || n >= cap)
		snprintf(out, cap, "%s", norm);
}

/* The candidate threshold is a session setting: set it once per backend.
 * Inside a transaction (a vacancy write checks its recruiter in its own)
 * a session-wide set_config would be undone by a rollback while this cache
 * still believed it: there it is set for the transaction alone, each time. */
static _Thread_local int trgm_pid;

static int set_candidate_threshold(store *s)
{
	int pid = PQbackendPID(store_pg(s));

	if (store_in_transaction(s))
		return store_run(s,
				 "SELECT set_config('pg_trgm.similarity_threshold', '" CANDIDATE_TRGM
				 "', true)",
				 0, NULL);
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
		p->kind = PROBLEM_INVALID;
		return -1;
	}
	return 0;
}

/* Sorts the matches: a licence first, then by score, then by id; equal
 * scores put the recruiter of the asked country first. */
void integ__order_matches(struct integ__match *m, size_t n, const char *country)
{
	qsort(m, n, sizeof m[0], match_cmp);
	if (country)
		for (size_t i = 1; i < n; i++)
			if (m[i].score == m[i - 1].score && strcmp(m[i].on, m[i - 1].on) == 0 &&
			    strcmp(m[i].country, country) == 0 && strcmp(m[i - 1].country, country) != 0) {
				struct integ__match t = m[i];

				m[i] = m[i - 1];
				m[i - 1] = t;
			}
}

/* {"id","name","score","matched_on"} of each match. */
static json_t *matches_json(const struct integ__match *m, size_t n)
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
size_t integ__add_name_match(struct integ__match *m, size_t n, size_t cap, int64_t id, double sc,
			     int alias, const char *name, const char *country, int licensed)
{
	struct integ__match *x = find_match(m, n, id);

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

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Appends to flags the active flags of the matched recruiters (by
 * recruiter, then flag, as the SQL path orders them) and returns the worst
 * kind among them; (enum integrity_kind)-1 when out of memory. */
static enum integrity_kind snapshot_flags(const integrity_snapshot *snap, const struct integ__match *m,
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
			const struct integ__entry *e = &snap->e[lo];

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
			       const char *norm, const char *ln, struct integ__match *m, size_t n,
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
		const struct integ__entry *e = &snap->e[i];

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
				n = integ__add_name_match(m, n, cap, e->id, sc, j > 0, e->name, e->country,
						   e->licensed);
		}
	}
	return n;
}
/* The check from memory: the registry and the flag snapshot. */
static int check_memory(const char *name, const char *licence, const char *country,
			json_t **out, problem *p)
{
	struct integ__match m[INTEGRITY_CANDIDATES + 2];
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
	n = integ__registry_matches(norm, ln, m, sizeof m / sizeof m[0], &watermark);
	snap = integrity_snapshot_get();
	/* A flagged recruiter registered after the registry's last sync (its
	 * notification still on the way, or a bulk import holding the
	 * registry lock) is in the snapshot already: compare it directly, so
	 * a flag is never missed while the registry catches up. */
	n = unsynced_flagged(snap, watermark, norm, ln, m, n, sizeof m / sizeof m[0]);
	n = integ__drop_excluded(norm, m, n); /* reviewed false positives */
	integ__order_matches(m, n, country);
	matches = matches_json(m, n);
	flags = json_array();
	if (!matches || !flags) {
		integrity_snapshot_put(snap);
		goto oom;
	}
	kind = snapshot_flags(snap, m, n, flags);
	integrity_snapshot_put(snap);
	if (kind == (enum integrity_kind)-1)
		goto oom;
	if (kind == INTEGRITY_UNKNOWN && n)
		kind = m[0].licensed ? INTEGRITY_LICENSED : INTEGRITY_UNLICENSED;
	*out = json_pack("{s:s, s:o, s:o, s:s}", "verdict", integrity_kind_name(kind), "matches",
			 matches, "flags", flags, "normalised", norm);
	return *out ? 0 : integ__oom(p);
oom:
	json_decref(matches);
	json_decref(flags);
	return integ__oom(p);
}

int integrity_check(store *s, const char *name, const char *licence, const char *country,
		    json_t **out, problem *p)
{
	*out = NULL;
	if (!integ__registry_live())
		return integrity_check_sql(s, name, licence, country, out, p);
	if (check_validate(name, licence, country, p))
		return -1;
	return check_memory(name, licence, country, out, p);
}

int integrity_check_sql(store *s, const char *name, const char *licence, const char *country,
			json_t **out, problem *p)
{
	struct integ__match m[INTEGRITY_CANDIDATES + 2];
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
		integ__candidate_query(norm, core, sizeof core);
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
			n = integ__add_name_match(m, n, sizeof m / sizeof m[0], id, sc,
					   strcmp(PQgetvalue(r, k, 1), "name") != 0, PQgetvalue(r, k, 3),
					   PQgetvalue(r, k, 4), 0);
		}
		PQclear(r);
		r = NULL;
	}
	/* Reviewed false positives: read afresh when no refresher keeps them. */
	if (!integ__registry_live() && integ__exclusions_load(s))
		goto dberr;
	n = integ__drop_excluded(norm, m, n);
	integ__order_matches(m, n, country);
	matches = matches_json(m, n);
	flags = json_array();
	ids = json_array();
	if (!matches || !flags || !ids)
		goto oom;
	for (i = 0; i < n; i++)
		if (json_array_append_new(ids, json_integer(m[i].id)))
			goto oom;
	if (n) {
		ids_text = json_dumps(ids, JSON_COMPACT);
		if (!ids_text)
			goto oom;
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
			json_array_append_new(flags, integ__flag_from_row(r, k, 0));
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
		goto oom;
	*out = o;
	rc = 0;
	goto out;
oom:
	integ__oom(p);
	goto out;
dberr:
	PQclear(r);
	integ__db_fail(s, p);
out:
	json_decref(matches);
	json_decref(flags);
	json_decref(ids);
	free(ids_text);
	return rc;
}
