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

#include "engine/core/fields.h"
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

/* The normalised name without trade words (names_core), or the whole name
 * when nothing else is left: their trigrams are shared by a large part of
 * any registry. */
void integ__candidate_query(const char *norm, char *out, size_t cap)
{
	names_core(norm, out, cap);
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
	else if (name && fields_blank(name, strlen(name)))
		/* as a vacancy's recruiter name is refused: nothing to check */
		problem_field(p, "name", "length", "must show some text, not only spaces or "
						   "invisible characters");
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

/* Adds (or improves) the match of recruiter id found by name, as the SQL
 * path does for each candidate row. */
static void set_name_hit(struct integ__match *x, const struct integ__hit *h)
{
	x->name_score = h->score;
	x->key = h->key;
	x->skeleton = h->skeleton;
	snprintf(x->form, sizeof x->form, "%s", h->form ? h->form : "");
	snprintf(x->acronym, sizeof x->acronym, "%s", h->acronym ? h->acronym : "");
	x->acronym_holders = h->acronym ? h->holders : 0;
}

/* Keys keys[0..nk) space-separated into out. */
static void acronyms_text(char keys[][NAMES_ACRONYM_CAP], int nk, char *out, size_t cap)
{
	size_t used = 0;

	if (cap)
		out[0] = '\0';
	for (int k = 0; k < nk && used < cap; k++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s", k ? " " : "", keys[k]);
}

void integ__query_acronyms(const char *name, char *out, size_t cap, int *pure)
{
	char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
	int nk = name ? names_acronym_keys(name, strlen(name), 1, keys, pure) : 0;

	acronyms_text(keys, nk, out, cap);
	if (nk <= 0 && pure)
		*pure = 0;
}

void integ__set_licence_match(struct integ__match *x, int64_t id, const char *name,
			      const char *country, int licensed)
{
	x->id = id;
	snprintf(x->name, sizeof x->name, "%s", name);
	snprintf(x->country, sizeof x->country, "%s", country);
	x->score = 1.0;
	x->on = "licence";
	x->by_licence = 1;
	x->licensed = licensed;
}

size_t integ__add_name_match(struct integ__match *m, size_t n, size_t cap, int64_t id,
			     const struct integ__hit *h, const char *name, const char *country,
			     int licensed)
{
	struct integ__match *x = find_match(m, n, id);

	if (x) {
		if (h->score > x->name_score)
			set_name_hit(x, h);
		if (strcmp(x->on, "licence") != 0 && h->score > x->score) {
			x->score = h->score;
			x->on = h->alias ? "alias" : "name";
		}
		return n;
	}
	if (n >= cap)
		return n;
	memset(&m[n], 0, sizeof m[n]);
	m[n].id = id;
	snprintf(m[n].name, sizeof m[n].name, "%s", name);
	snprintf(m[n].country, sizeof m[n].country, "%s", country);
	m[n].score = h->score;
	m[n].on = h->alias ? "alias" : "name";
	m[n].licensed = licensed;
	set_name_hit(&m[n], h);
	return n + 1;
}

void integ__name_score(const char *q, const char *qcore, const char *norm, const char *core,
		       struct integ__hit *h)
{
	h->key = NULL;
	if (strcmp(q, norm) == 0) {
		h->key = "name";
		h->score = 1.0;
	} else if (strlen(qcore) >= NAMES_CORE_MIN_BYTES && strcmp(qcore, core ? core : norm) == 0) {
		/* the same name once legal forms and trade words are gone */
		h->key = "core";
		h->score = 1.0;
	} else {
		h->score = names_similarity(q, norm);
	}
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
			       const struct integ__query *q, double min_score,
			       struct integ__match *m, size_t n, size_t cap)
{
	size_t first = snap->n, k;
	char bare[NAMES_NORM_CAP];
	int have_licence = 0;

	while (first > 0 && snap->e[first - 1].id > watermark)
		first--;
	for (k = 0; k < n; k++)
		have_licence |= strcmp(m[k].on, "licence") == 0;
	bare[0] = '\0';
	if (first < snap->n && q->name &&
	    (!integ__without_place(q->name, q->norm, bare, sizeof bare) || strcmp(bare, q->norm) == 0))
		bare[0] = '\0';
	/* ascending ids: a licence goes to the lowest, as ORDER BY id LIMIT 1 */
	for (size_t i = first; i < snap->n; i++) {
		const struct integ__entry *e = &snap->e[i];

		if (q->ln[0] && e->licence && strcmp(q->ln, e->licence) == 0 && !have_licence &&
		    n < cap) {
			have_licence = 1;
			/* the licence match replaces a name match of the same recruiter */
			for (k = 0; k < n && m[k].id != e->id; k++)
				;
			if (k == n)
				memset(&m[n++], 0, sizeof m[0]);
			integ__set_licence_match(&m[k], e->id, e->name, e->country, e->licensed);
		}
		for (int f = 0; f < 3; f++) {
			const char *form = f == 2 ? bare : f ? q->skel : q->norm;
			char qcore[NAMES_NORM_CAP], core[NAMES_NORM_CAP];

			if (!form || !form[0])
				continue;
			integ__candidate_query(form, qcore, sizeof qcore);
			for (size_t j = 0; j < e->n_norms; j++) {
				struct integ__hit h = {0};

				integ__candidate_query(e->norms[j], core, sizeof core);
				integ__name_score(form, qcore, e->norms[j], core, &h);
				/* without its place: the firm only when the rest is exact */
				if (f == 2 && !h.key && h.score >= integrity_threshold())
					h.score = (integrity_review_threshold() + integrity_threshold()) / 2;
				if (h.score < min_score)
					continue;
				h.alias = j > 0;
				h.skeleton = f == 1;
				h.form = e->norms[j];
				n = integ__add_name_match(m, n, cap, e->id, &h, e->name, e->country,
							  e->licensed);
			}
		}
	}
	return n;
}

/* The query tokens found (or nearly) in the registered form, and those
 * left on either side: what a reviewer needs to judge a match. */
static json_t *name_parts_json(const char *q, const char *form)
{
	char a[NAMES_NORM_CAP], b[NAMES_NORM_CAP], *ta[NAMES_MAX_TOKENS], *tb[NAMES_MAX_TOKENS];
	char *save = NULL, *t;
	int na = 0, nb = 0, used[NAMES_MAX_TOKENS] = {0};
	json_t *matched = json_array(), *qonly = json_array(), *conly = json_array();

	snprintf(a, sizeof a, "%s", q);
	snprintf(b, sizeof b, "%s", form);
	for (t = strtok_r(a, " ", &save); t && na < NAMES_MAX_TOKENS; t = strtok_r(NULL, " ", &save))
		ta[na++] = t;
	save = NULL;
	for (t = strtok_r(b, " ", &save); t && nb < NAMES_MAX_TOKENS; t = strtok_r(NULL, " ", &save))
		tb[nb++] = t;
	for (int i = 0; i < na; i++) {
		int best = -1;
		double bs = 0;

		for (int j = 0; j < nb; j++) {
			double x = used[j] ? 0 : names_similarity(ta[i], tb[j]);

			if (x > bs) {
				bs = x;
				best = j;
			}
		}
		if (best >= 0 && bs >= 0.8) {
			used[best] = 1;
			json_array_append_new(matched, json_pack("{s:s, s:s, s:f}", "query", ta[i],
								 "registered", tb[best], "score",
								 (double)(long)(bs * 1000 + 0.5) / 1000));
		} else {
			json_array_append_new(qonly, json_string(ta[i]));
		}
	}
	for (int j = 0; j < nb; j++)
		if (!used[j])
			json_array_append_new(conly, json_string(tb[j]));
	return json_pack("{s:o, s:o, s:o}", "matched", matched, "query_only", qonly,
			 "registered_only", conly);
}

static double round3(double x)
{
	return (double)(long)(x * 1000 + 0.5) / 1000;
}

/* explanation.name.acronym: the key's letters (capitals: its legal form),
 * for a typed key the kinds of that legal form ("cbcL:llc" -> "cbcL" and
 * legal_forms ["llc"]) or the trade words beside the initials
 * ("ssf/manpower" -> "ssf" and trade_words ["manpower"]), the holders, and
 * what it decides. */
static json_t *acronym_json(const struct integ__match *m)
{
	int kl = names_acronym_key_len(m->acronym);
	json_t *o = json_pack("{s:s%, s:i, s:s}", "key", m->acronym, (size_t)kl, "holders",
			      m->acronym_holders, "decides",
			      m->name_score >= integrity_threshold() ? "match" : "review");
	json_t *kinds;
	char buf[NAMES_ACRONYM_CAP], *save = NULL, *k;

	if (!o || !m->acronym[kl])
		return o;
	kinds = json_array();
	snprintf(buf, sizeof buf, "%s", m->acronym + kl + 1);
	for (k = strtok_r(buf, "+", &save); kinds && k; k = strtok_r(NULL, "+", &save)) {
		for (char *c = k; *c; c++)
			if (*c == '_')
				*c = ' ';
		if (json_array_append_new(kinds, json_string(k))) {
			json_decref(kinds);
			kinds = NULL;
		}
	}
	if (!kinds || json_object_set_new(o,
					  m->acronym[kl] == NAMES_ACRONYM_TRADE ? "trade_words"
										: "legal_forms",
					  kinds)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {"id","name","score","matched_on","explanation"} of one match. */
static json_t *match_json(const struct integ__match *m, const char *norm, const char *skel,
			  unsigned susp, json_t *flags)
{
	char rid[32];
	json_t *ex, *name = json_null();

	snprintf(rid, sizeof rid, "r_%lld", (long long)m->id);
	if (m->name_score > 0) {
		const char *q = m->skeleton && skel[0] ? skel : norm;

		name = json_pack("{s:f, s:s?, s:s, s:b, s:o}", "score", round3(m->name_score),
				 "exact_key", m->key, "registered_form", m->form, "confusable_form",
				 m->skeleton, "name_parts", name_parts_json(q, m->form));
		/* found through digits read as letters ("K3strel"): say so */
		if (name)
			json_object_set_new(name, "digits_as_letters",
					    json_boolean(m->skeleton && skel[0] &&
							 (susp & NAMES_SUSPICIOUS_DIGITS)));
		/* an acronym decides only when one registered recruiter holds it */
		if (name && m->acronym[0])
			json_object_set_new(name, "acronym", acronym_json(m));
	}
	ex = json_pack("{s:b, s:o*}", "licence", m->by_licence, "name", name);
	return json_pack("{s:s, s:s, s:f, s:s, s:o*, s:o*}", "id", rid, "name", m->name, "score",
			 round3(m->score), "matched_on", m->on, "explanation", ex, "flags", flags);
}

/* The answer from the ordered matches m[0..n) (those scoring at least the
 * threshold, or by licence, come first: nm of them; the rest are possible
 * matches) with the active flags of each (fl[i], taken) and the kind they
 * give (fk[i]). */
static json_t *answer_json(const struct integ__match *m, size_t n, json_t **fl,
			   const enum integrity_kind *fk, const char *norm, const char *skel,
			   unsigned susp)
{
	double thr = integrity_threshold(), review = integrity_review_threshold();
	json_t *matches = json_array(), *possible = json_array(), *flags = json_array(), *o;
	json_t *sus = json_array(), *conflict = NULL;
	enum integrity_kind kind = INTEGRITY_UNKNOWN;
	const char *verdict;
	size_t nm = 0, i, order[INTEGRITY_CANDIDATES + 2];
	long lic = -1, byname = -1;

	while (nm < n && (strcmp(m[nm].on, "licence") == 0 || m[nm].score >= thr))
		nm++;
	for (i = 0; i < nm; i++) {
		if (fk[i] > kind)
			kind = fk[i];
		if (strcmp(m[i].on, "licence") == 0)
			lic = (long)i;
		else if (byname < 0)
			byname = (long)i;
	}
	/* The flags of the matches by recruiter, as the SQL path orders them. */
	for (i = 0; i < nm; i++)
		order[i] = i;
	for (i = 1; i < nm; i++)
		for (size_t j = i; j > 0 && m[order[j]].id < m[order[j - 1]].id; j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < nm; i++)
		json_array_extend(flags, fl[order[i]]);
	/* A licence and a name that point at different recruiters. */
	if (lic >= 0 && norm[0] && m[lic].name_score < review) {
		char a[32], b[32];

		snprintf(a, sizeof a, "r_%lld", (long long)m[lic].id);
		snprintf(b, sizeof b, "r_%lld", byname >= 0 ? (long long)m[byname].id : 0LL);
		conflict = json_pack("{s:s, s:s?}", "licence", a, "name", byname >= 0 ? b : NULL);
	}
	if (kind == INTEGRITY_BLACKLISTED)
		verdict = "blacklisted";
	else if (conflict)
		verdict = "conflict";
	else if (kind == INTEGRITY_FLAGGED)
		verdict = "flagged";
	else
		verdict = integrity_kind_name(!nm ? INTEGRITY_UNKNOWN
					      : m[0].licensed ? INTEGRITY_LICENSED : INTEGRITY_UNLICENSED);
	for (i = 0; i < n; i++) {
		json_t *x = match_json(&m[i], norm, skel, susp, i < nm ? NULL : json_incref(fl[i]));

		if (!x || json_array_append_new(i < nm ? matches : possible, x))
			goto oom;
	}
	if (susp & NAMES_SUSPICIOUS_MIXED_SCRIPT)
		json_array_append_new(sus, json_string("mixed_script"));
	o = json_pack("{s:s, s:o, s:o, s:o, s:s, s:o, s:f, s:f, s:o*}", "verdict", verdict,
		      "matches", matches, "possible_matches", possible, "flags", flags, "normalised",
		      norm, "suspicious", sus, "threshold", thr, "review_threshold", review,
		      "conflict", conflict);
	return o;
oom:
	json_decref(matches);
	json_decref(possible);
	json_decref(flags);
	json_decref(sus);
	json_decref(conflict);
	return NULL;
}

/* Reviewed false positives for a name as queried: its normal form and its
 * written key (exclusions.c). */
static size_t drop_excluded_name(const char *name, const char *norm, struct integ__match *m,
				 size_t n)
{
	char xkey[INTEG_XKEY_CAP];

	if (!integ__exclusions_any())
		return n;
	if (!name || integ__exclusion_key(name, xkey, sizeof xkey))
		xkey[0] = '\0';
	return integ__drop_excluded(norm, xkey, m, n);
}

static void flags_release(json_t **fl, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(fl[i]);
}

/* The check from memory: the registry and the flag snapshot. */
static int check_memory(const char *name, const char *licence, const char *country,
			json_t **out, problem *p)
{
	struct integ__match m[INTEGRITY_CANDIDATES + 2];
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1];
	json_t *fl[INTEGRITY_CANDIDATES + 2];
	enum integrity_kind fk[INTEGRITY_CANDIDATES + 2];
	char akeys[NAMES_ACRONYM_KEYS * NAMES_ACRONYM_CAP + 1];
	struct integ__query q = {norm, skel, ln, akeys, 0, country, name};
	double review = integrity_review_threshold();
	integrity_snapshot *snap;
	int64_t watermark = 0;
	unsigned susp = 0;
	size_t n, i;

	norm[0] = skel[0] = ln[0] = akeys[0] = '\0';
	/* the forms and the acronym keys from one normalisation */
	if (name) {
		char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
		int nk = 0;

		if (names_normalise_query(name, strlen(name), norm, sizeof norm, skel, sizeof skel,
					  &susp, keys, &nk, &q.apure)) {
			norm[0] = skel[0] = '\0';
			nk = 0;
			q.apure = 0;
		}
		acronyms_text(keys, nk, akeys, sizeof akeys);
		if (nk <= 0)
			q.apure = 0;
	}
	if (licence)
		integrity_licence_norm(licence, ln, sizeof ln);
	n = integ__registry_lookup(&q, review, m, sizeof m / sizeof m[0], &watermark);
	snap = integrity_snapshot_get();
	/* A flagged recruiter registered after the registry's last sync (its
	 * notification still on the way, or a bulk import holding the
	 * registry lock) is in the snapshot already: compare it directly, so
	 * a flag is never missed while the registry catches up. */
	n = unsynced_flagged(snap, watermark, &q, review, m, n, sizeof m / sizeof m[0]);
	n = drop_excluded_name(name, norm, m, n); /* reviewed false positives */
	integ__order_matches(m, n, country);
	for (i = 0; i < n; i++) {
		fl[i] = json_array();
		fk[i] = fl[i] ? snapshot_flags(snap, &m[i], 1, fl[i]) : (enum integrity_kind)-1;
		if (fk[i] == (enum integrity_kind)-1) {
			json_decref(fl[i]);
			flags_release(fl, i);
			integrity_snapshot_put(snap);
			return integ__oom(p);
		}
	}
	integrity_snapshot_put(snap);
	*out = answer_json(m, n, fl, fk, norm, skel, susp);
	flags_release(fl, n);
	return *out ? 0 : integ__oom(p);
}

int integ__check_one(store *s, const char *name, const char *licence, const char *country,
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
	json_t *fl[INTEGRITY_CANDIDATES + 2];
	enum integrity_kind fk[INTEGRITY_CANDIDATES + 2];
	size_t n = 0, i, nfl = 0;
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP], core[NAMES_NORM_CAP],
		qcore[NAMES_NORM_CAP], bare[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1];
	double review = integrity_review_threshold();
	PGresult *r = NULL;
	json_t *ids = NULL;
	char *ids_text = NULL;
	unsigned susp = 0;
	int rc = -1;

	*out = NULL;
	if (check_validate(name, licence, country, p))
		return -1;
	norm[0] = skel[0] = ln[0] = '\0';
	if (name && names_normalise_forms(name, strlen(name), norm, sizeof norm, skel, sizeof skel,
					  &susp))
		norm[0] = skel[0] = '\0';
	if (licence)
		integrity_licence_norm(licence, ln, sizeof ln);

	if (ln[0]) {
		r = store_exec(s, "SELECT id, name, coalesce(country, '') FROM recruiters"
				  " WHERE licence_norm = $1 ORDER BY id LIMIT 1",
			       1, (const char *const[]){ln});
		if (!r)
			goto dberr;
		if (PQntuples(r)) {
			memset(&m[n], 0, sizeof m[n]);
			m[n].id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			snprintf(m[n].name, sizeof m[n].name, "%s", PQgetvalue(r, 0, 1));
			snprintf(m[n].country, sizeof m[n].country, "%s", PQgetvalue(r, 0, 2));
			m[n].score = 1.0;
			m[n].on = "licence";
			m[n].by_licence = 1;
			n++;
		}
		PQclear(r);
		r = NULL;
	}
	/* the name without a place appended (places.c): a third form, whose
	 * match is the firm only when the rest is exact (name_lookup.c) */
	if (!name || !integ__without_place(name, norm[0] ? norm : NULL, bare, sizeof bare) ||
	    strcmp(bare, norm) == 0)
		bare[0] = '\0';
	for (int f = 0; f < 3; f++) {
		const char *form = f == 2 ? bare : f ? skel : norm;
		char lim[16];

		if (!form[0])
			continue;
		snprintf(lim, sizeof lim, "%d", INTEGRITY_CANDIDATES);
		if (set_candidate_threshold(s))
			goto dberr;
		integ__candidate_query(form, qcore, sizeof qcore);
		r = store_exec(s,
			       "SELECT n.recruiter, n.kind, n.norm, r.name, coalesce(r.country, '')"
			       " FROM recruiter_names n JOIN recruiters r ON r.id = n.recruiter"
			       " WHERE n.norm % $1"
			       " ORDER BY similarity(n.norm, $1) DESC, n.recruiter LIMIT $2::int",
			       2, (const char *const[]){qcore, lim});
		if (!r)
			goto dberr;
		for (int k = 0; k < PQntuples(r); k++) {
			struct integ__hit h = {0};

			integ__candidate_query(PQgetvalue(r, k, 2), core, sizeof core);
			integ__name_score(form, qcore, PQgetvalue(r, k, 2), core, &h);
			if (f == 2 && !h.key && h.score >= integrity_threshold())
				h.score = (review + integrity_threshold()) / 2;
			if (h.score < review)
				continue;
			h.alias = strcmp(PQgetvalue(r, k, 1), "name") != 0;
			h.skeleton = f == 1;
			h.form = PQgetvalue(r, k, 2);
			n = integ__add_name_match(m, n, sizeof m / sizeof m[0],
						  strtoll(PQgetvalue(r, k, 0), NULL, 10), &h,
						  PQgetvalue(r, k, 3), PQgetvalue(r, k, 4), 0);
		}
		PQclear(r);
		r = NULL;
	}
	/* Reviewed false positives: read afresh when no refresher keeps them. */
	if (!integ__registry_live() && integ__exclusions_load(s))
		goto dberr;
	n = drop_excluded_name(name, norm, m, n);
	integ__order_matches(m, n, country);
	ids = json_array();
	if (!ids)
		goto oom;
	for (i = 0; i < n; i++) {
		fk[i] = INTEGRITY_UNKNOWN;
		if (!(fl[i] = json_array()))
			goto oom;
		nfl++;
		if (json_array_append_new(ids, json_integer(m[i].id)))
			goto oom;
	}
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
			int64_t rid = strtoll(PQgetvalue(r, k, 1), NULL, 10);
			enum integrity_kind kk = strcmp(PQgetvalue(r, k, 2), "blacklist") == 0
							 ? INTEGRITY_BLACKLISTED
							 : INTEGRITY_FLAGGED;

			for (i = 0; i < n && m[i].id != rid; i++)
				;
			if (i == n)
				continue;
			if (kk > fk[i])
				fk[i] = kk;
			json_array_append_new(fl[i], integ__flag_from_row(r, k, 0));
		}
		PQclear(r);
		r = NULL;
		/* licensed: a licence number, not expired */
		r = store_exec(s,
			       "SELECT r.id FROM recruiters r"
			       " WHERE r.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)"
			       "   AND r.licence_number IS NOT NULL AND (r.licence_valid_until IS NULL"
			       "   OR r.licence_valid_until >= current_date)",
			       1, (const char *const[]){ids_text});
		if (!r)
			goto dberr;
		for (int k = 0; k < PQntuples(r); k++)
			for (i = 0; i < n; i++)
				if (m[i].id == strtoll(PQgetvalue(r, k, 0), NULL, 10))
					m[i].licensed = 1;
		PQclear(r);
		r = NULL;
	}
	*out = answer_json(m, n, fl, fk, norm, skel, susp);
	if (!*out)
		goto oom;
	rc = 0;
	goto out;
oom:
	integ__oom(p);
	goto out;
dberr:
	PQclear(r);
	integ__db_fail(s, p);
out:
	flags_release(fl, nfl);
	json_decref(ids);
	free(ids_text);
	return rc;
}
