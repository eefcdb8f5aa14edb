/*
 * name_lookup.c - finding a name's matches in the in-memory registry
 * (name_index.c builds it): the exact keys, the shared words, and the
 * candidates pg_trgm would propose (the same trigrams, similarity,
 * threshold and order), scored by the check's rule, without a round trip.
 * Readers hold the registry's read lock for one lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/integrity/registry_internal.h"

static struct integ__registry *const reg = &integ__reg; /* short for this file */

/* Per thread: the counters of one candidate search, kept between calls. */
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

static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_init(void)
{
	pthread_key_create(&scratch_key, scratch_free);
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
	if (reg->names[a->name].rec != reg->names[b->name].rec)
		return reg->names[a->name].rec < reg->names[b->name].rec;
	return a->name < b->name;
}

/* Shorter posting lists first. */
static int plist_longer(const void *a, const void *b, void *arg)
{
	uint32_t x = reg->post[*(const uint32_t *)a].n, y = reg->post[*(const uint32_t *)b].n;

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
	struct scratch *sc;
	size_t nq, i, nt = 0, n = 0, m;

	pthread_once(&scratch_once, scratch_init);
	sc = pthread_getspecific(scratch_key);
	if (!reg->nnames || !reg->post)
		return 0;
	if (!sc || sc->cap < reg->nnames) {
		size_t cap = reg->nnames + reg->nnames / 2 + 1024;
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
	nq = integ__trigrams(q, keys, TRGM_MAX);
	/* A name reaches similarity 0.3 only if it shares at least
	 * m = ceil(0.3 nq) trigrams with the query (c / (nq + ne - c) >= 0.3
	 * with ne >= c gives c >= 0.3 nq), so it is in at least one of the
	 * nq - m + 1 shortest lists: only those propose names; the m - 1
	 * longest ("  b", " ba" ...) only add to names already proposed. */
	qsort_r(keys, nq, sizeof keys[0], plist_longer, NULL);
	m = (3 * nq + 9) / 10;
	{
		size_t propose = nq - (m ? m : 1) + 1;

		for (i = 0; i < nq; i++) {
			const struct plist *l = &reg->post[keys[i]];

			if (i >= propose) {
				/* a name that cannot reach m trigrams with the
				 * lists left is dropped now, so the long lists
				 * are probed for fewer names */
				size_t kept = 0;

				for (size_t t = 0; t < nt; t++) {
					uint32_t x = sc->touched[t];

					if (sc->cnt[x] + (nq - i) >= m)
						sc->touched[kept++] = x;
					else
						sc->cnt[x] = 0;
				}
				nt = kept;
			}
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
		float sim;
		struct cand cd;
		size_t at;

		sc->cnt[x] = 0;
		/* fewer than m shared trigrams cannot reach 0.3 (see above):
		 * skip the name's record, a cache miss each */
		if ((size_t)c < m)
			continue;
		/* pg_trgm: float4 count / float4 (len1 + len2 - count) >= threshold */
		sim = (float)c / (float)((int)nq + reg->names[x].ntrgm - c);
		cd.name = x;
		cd.sim = sim;
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

/* A set of names to score: the exact keys first, then the trigram
 * candidates (duplicates skipped). */
struct name_set {
	uint32_t v[2 * INTEGRITY_CANDIDATES];
	size_t n;
};

static void set_add(uint32_t name, void *arg)
{
	struct name_set *ns = arg;

	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i] == name)
			return;
	if (ns->n < sizeof ns->v / sizeof ns->v[0])
		ns->v[ns->n++] = name;
}

static size_t score_set_as(const char *q, int skeleton, int placed, const struct name_set *ns,
			   double min_score, int today, struct integ__match *m, size_t n, size_t cap);

/* Scores query form q against the names of ns, adding those at or above
 * min_score. Caller holds the read lock. */
static size_t score_set(const char *q, int skeleton, const struct name_set *ns, double min_score,
			int today, struct integ__match *m, size_t n, size_t cap)
{
	return score_set_as(q, skeleton, 0, ns, min_score, today, m, n, cap);
}

/* Whether every word of a registered core (its distinctive words) is a
 * word of q: "Kestrel Overseas Manpower Zambezi" holds "kestrel". */
static int holds_core(const char *q, const char *core)
{
	size_t ql = strlen(q);

	if (!core || strlen(core) < NAMES_CORE_MIN_BYTES)
		return 0;
	for (const char *w = core; *w;) {
		size_t wl = strcspn(w, " ");
		int found = 0;

		for (const char *p = q; p < q + ql && !found;) {
			size_t pl = strcspn(p, " ");

			found = pl == wl && memcmp(p, w, wl) == 0;
			p += pl + (p[pl] == ' ');
		}
		if (!found)
			return 0;
		w += wl + (w[wl] == ' ');
	}
	return 1;
}

/* score_set with the rule of a query that adds words to a registered name:
 * one that holds all of its distinctive words is at least a possible match
 * (the review threshold); `placed` (q is the query without its place,
 * places.c) keeps a match only when the rest is exact (an exact key),
 * else puts it in the review band. */
static size_t score_set_as(const char *q, int skeleton, int placed, const struct name_set *ns,
			   double min_score, int today, struct integ__match *m, size_t n, size_t cap)
{
	char qcore[NAMES_NORM_CAP];
	double thr = integrity_threshold(), review = integrity_review_threshold();

	integ__candidate_query(q, qcore, sizeof qcore);
	for (size_t k = 0; k < ns->n; k++) {
		const struct reg_name *nm = &reg->names[ns->v[k]];
		const struct reg_rec *rc = &reg->recs[nm->rec];
		struct integ__hit h = {0};

		integ__name_score(q, qcore, nm->norm, nm->core, &h);
		if (h.score < review && holds_core(q, nm->core))
			h.score = review;
		if (placed && !h.key && h.score >= thr)
			h.score = (review + thr) / 2;
		if (h.score < min_score)
			continue;
		h.alias = nm->alias;
		h.skeleton = skeleton || nm->skeleton;
		h.form = nm->norm;
		n = integ__add_name_match(m, n, cap, rc->id, &h, rc->name, rc->country,
					  rc->valid_until != NO_LICENCE && rc->valid_until >= today);
	}
	return n;
}

/* The names that can match form q: equal normal forms or cores (exact
 * keys), then pg_trgm's candidates for its core. Caller holds the lock. */
static void candidates_of(const char *q, struct name_set *ns)
{
	struct cand c[INTEGRITY_CANDIDATES];
	char core[NAMES_NORM_CAP];
	size_t nc;

	integ__candidate_query(q, core, sizeof core);
	integ__key_each(q, 0, set_add, ns);
	if (strlen(core) >= NAMES_CORE_MIN_BYTES) {
		integ__key_each(core, 0, set_add, ns);
		integ__key_each(core, 1, set_add, ns);
	}
	/* names sharing a word, or half of a long word, rarest first */
	integ__tokens_lookup(q, set_add, ns, INTEGRITY_CANDIDATES / 2);
	nc = registry_candidates(core, c, INTEGRITY_CANDIDATES);
	for (size_t k = 0; k < nc; k++)
		set_add(c[k].name, ns);
}

/* The acronym step (names.h, "Acronyms"): the registered names holding
 * one of the query's keys of NAMES_ACRONYM_UNIQUE_MIN letters or more
 * (shorter keys can decide nothing and are held by too many names), at
 * most ACR_SCAN names read; the best name per recruiter. */
#define ACR_SCAN 64
#define ACR_LIST 20 /* holders listed as possible matches */

struct holder {
	uint32_t name;
	double score;
	int skeleton;
	const char *key;
	int key_len;
	const char *typed; /* the query's typed key it holds (a legal form on a
			    * legal form), or NULL */
};

static double form_pair_score(const struct integ__query *q, const struct reg_name *nm, int *skel)
{
	double best = 0;

	*skel = 0;
	for (int f = 0; f < 2; f++) {
		const char *form = f ? q->skel : q->norm;
		char qcore[NAMES_NORM_CAP];
		struct integ__hit h = {0};

		if (!form || !form[0])
			continue;
		integ__candidate_query(form, qcore, sizeof qcore);
		integ__name_score(form, qcore, nm->norm, nm->core, &h);
		if (h.score > best) {
			best = h.score;
			*skel = f;
		}
	}
	return best;
}

static size_t acronym_step(const struct integ__query *q, double min_score, int today,
			   struct integ__match *m, size_t n, size_t cap)
{
	struct holder h[ACR_SCAN];
	char keys[NAMES_ACRONYM_KEYS * NAMES_ACRONYM_CAP + 1], *save = NULL, *k;
	double thr = integrity_threshold(), review = integrity_review_threshold();
	int nh = 0, more = 0, in_country = 0, typed_in_country = 0, listed = 0;

	snprintf(keys, sizeof keys, "%s", q->akeys ? q->akeys : "");
	for (k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		const uint32_t *v;
		uint32_t cnt;

		if (names_acronym_key_len(k) < NAMES_ACRONYM_UNIQUE_MIN)
			continue;
		const char *kt = names_acronym_typed(k) ? k : NULL;

		cnt = integ__acronym_names(k, &v);
		for (uint32_t i = 0; i < cnt; i++) {
			const struct reg_name *nm = &reg->names[v[i]];
			const char *typed;
			int skel, j;
			double sc;

			for (j = 0; j < nh && reg->names[h[j].name].rec != nm->rec; j++)
				;
			if (j == nh && nh == ACR_SCAN) {
				more++; /* counted, not read */
				continue;
			}
			sc = form_pair_score(q, nm, &skel);
			/* beside the initials, the query's other words must match */
			if (!q->apure && sc < NAMES_ACRONYM_GATE)
				continue;
			typed = kt;
			if (j < nh) {
				if (!h[j].typed)
					h[j].typed = kt;
				typed = h[j].typed;
				if (sc <= h[j].score)
					continue;
			} else {
				nh++;
			}
			h[j] = (struct holder){v[i], sc, skel, k, names_acronym_key_len(k), typed};
		}
	}
	for (int j = 0; j < nh; j++) {
		int here = !q->country || !q->country[0] ||
			   strcmp(reg->recs[reg->names[h[j].name].rec].country, q->country) == 0;

		in_country += here;
		typed_in_country += here && h[j].typed != NULL;
	}
	/* a recruiter registered under exactly the query's name is what the
	 * query names first: the acronym reading of another cannot decide */
	for (size_t i = 0; i < n; i++) {
		int held = 0;

		if (!m[i].key || (strcmp(m[i].key, "name") != 0 && strcmp(m[i].key, "core") != 0))
			continue;
		for (int j = 0; j < nh && !held; j++)
			held = reg->recs[reg->names[h[j].name].rec].id == m[i].id;
		more += !held;
	}
	for (int j = 0; j < nh && listed < ACR_LIST; j++) {
		const struct reg_name *nm = &reg->names[h[j].name];
		const struct reg_rec *rc = &reg->recs[nm->rec];
		int here = !q->country || !q->country[0] || strcmp(rc->country, q->country) == 0;
		/* only the asked country's holders decide; the others are listed */
		int holders = here ? in_country + more : 2;
		struct integ__hit hit = {0};

		/* the only holder of the query's legal form as a legal form,
		 * nothing unread and no recruiter of the query's exact name */
		int by_form = here && h[j].typed && typed_in_country == 1 && more == 0;

		if (by_form)
			holders = 1;

		hit.score = names_acronym_score(h[j].score, holders, h[j].key_len, thr, review);
		if (hit.score < min_score)
			continue;
		hit.key = hit.score > h[j].score ? "acronym" : NULL;
		hit.alias = nm->alias;
		hit.skeleton = h[j].skeleton || nm->skeleton;
		hit.form = nm->norm;
		hit.acronym = by_form ? h[j].typed : h[j].key; /* what decided */
		hit.holders = nh + more;
		n = integ__add_name_match(m, n, cap, rc->id, &hit, rc->name, rc->country,
					  rc->valid_until != NO_LICENCE && rc->valid_until >= today);
		listed++;
	}
	return n;
}

size_t integ__registry_lookup(const struct integ__query *q, double min_score,
			      struct integ__match *m, size_t cap, int64_t *watermark)
{
	int today = integ__days_today();
	char bare[NAMES_NORM_CAP];
	int placed;
	size_t n = 0;

	/* the name without a place appended ("Kestrel (Lesotho)") */
	placed = q->name &&
		 integ__without_place(q->name, q->norm[0] ? q->norm : NULL, bare, sizeof bare) &&
		 strcmp(bare, q->norm) != 0;
	integ__registry_once();
	pthread_rwlock_rdlock(&reg->lock);
	if (watermark)
		*watermark = reg->watermark;
	if (q->ln && q->ln[0]) {
		long ri = integ__lic_find(q->ln);

		if (ri >= 0) {
			const struct reg_rec *rc = &reg->recs[ri];

			memset(&m[n], 0, sizeof m[n]);
			integ__set_licence_match(&m[n++], rc->id, rc->name, rc->country,
						 rc->valid_until != NO_LICENCE && rc->valid_until >= today);
		}
	}
	for (int f = 0; f < 2; f++) {
		const char *form = f ? q->skel : q->norm;
		struct name_set ns = {.n = 0};

		if (!form || !form[0])
			continue;
		candidates_of(form, &ns);
		n = score_set(form, f, &ns, min_score, today, m, n, cap);
	}
	if (placed) {
		struct name_set ns = {.n = 0};

		candidates_of(bare, &ns);
		n = score_set_as(bare, 0, 1, &ns, min_score, today, m, n, cap);
	}
	if (q->akeys && q->akeys[0])
		n = acronym_step(q, min_score, today, m, n, cap);
	pthread_rwlock_unlock(&reg->lock);
	return n;
}

/* The matches of a normalised name and licence from the in-memory
 * registry, at the threshold. Takes the read lock. */
size_t integ__registry_matches(const char *norm, const char *ln, struct integ__match *m, size_t cap,
			       int64_t *watermark)
{
	struct integ__query q = {norm, NULL, ln, NULL, 0, NULL, NULL};

	return integ__registry_lookup(&q, integrity_threshold(), m, cap, watermark);
}

int integ__check_names(const char *name, const char *country, int64_t id, double *score)
{
	struct integ__match m[INTEGRITY_CANDIDATES + 2];
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP];
	char akeys[NAMES_ACRONYM_KEYS * NAMES_ACRONYM_CAP + 1];
	struct integ__query q = {norm, skel, NULL, akeys, 0, country, name};
	double thr = integrity_threshold();
	size_t n;

	if (score)
		*score = 0;
	if (!name || names_normalise_forms(name, strlen(name), norm, sizeof norm, skel, sizeof skel,
					   NULL) ||
	    !norm[0])
		return 0;
	integ__query_acronyms(name, akeys, sizeof akeys, &q.apure);
	n = integ__registry_lookup(&q, thr, m, sizeof m / sizeof m[0], NULL);
	if (integ__exclusions_any()) { /* reviewed false positives */
		char xkey[INTEG_XKEY_CAP];

		if (integ__exclusion_key(name, xkey, sizeof xkey))
			xkey[0] = '\0';
		n = integ__drop_excluded(norm, xkey, m, n);
	}
	for (size_t i = 0; i < n; i++)
		if (m[i].id == id && m[i].score >= thr) {
			if (score)
				*score = m[i].score;
			return 1;
		}
	return 0;
}
