/*
 * name_index.c - the in-memory registry of every recruiter: names and
 * aliases (normalised) with pg_trgm-compatible trigram postings, licences in
 * a hash table, the sync that appends newly registered recruiters, and the
 * lookup that gives the check its matches without a round trip.
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
 * has already read and normalised.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/core/hash.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"

#define REGISTRY_LOCK "727002"
/* Records and names are numbered in uint32_t (a record + 1 in the licence
 * table, a name in the postings). */
#define REG_MAX ((size_t)UINT32_MAX - 1)
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
	uint8_t skeleton; /* norm is the confusable form of a name in another script */
	const char *norm;
	const char *core; /* norm without trade words, NULL when the same */
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
	uint32_t *keys;     /* open addressing: (name << 1 | core) + 1, 0 empty */
	size_t keycap, nkeys;
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

int integ__registry_writer_lock(store *s)
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

/* The recruiter with licence ln (the lowest id), or -1. */
static long lic_find(const char *ln)
{
	size_t i;

	if (!reg.liccap)
		return -1;
	for (i = hash_str(ln) & (reg.liccap - 1); reg.lic[i]; i = (i + 1) & (reg.liccap - 1))
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
			for (i = hash_str(reg.recs[reg.lic[j] - 1].licence) & (cap - 1); t[i];
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
	for (i = hash_str(ln) & (reg.liccap - 1); reg.lic[i]; i = (i + 1) & (reg.liccap - 1))
		;
	reg.lic[i] = rec + 1;
	reg.nlic++;
	return 0;
}

static const char *key_text(uint32_t slot)
{
	const struct reg_name *n = &reg.names[(slot - 1) >> 1];

	return ((slot - 1) & 1) ? n->core : n->norm;
}

static int key_insert(uint32_t slot)
{
	size_t i;

	if ((reg.nkeys + 1) * 2 > reg.keycap) {
		size_t cap = reg.keycap ? reg.keycap * 2 : 1024;
		uint32_t *t = calloc(cap, sizeof *t);

		if (!t)
			return -1;
		for (size_t j = 0; j < reg.keycap; j++) {
			if (!reg.keys[j])
				continue;
			for (i = hash_str(key_text(reg.keys[j])) & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = reg.keys[j];
		}
		free(reg.keys);
		reg.keys = t;
		reg.keycap = cap;
	}
	for (i = hash_str(key_text(slot)) & (reg.keycap - 1); reg.keys[i];
	     i = (i + 1) & (reg.keycap - 1))
		;
	reg.keys[i] = slot;
	reg.nkeys++;
	return 0;
}

/* Calls fn for every name whose normal form (core 0) or core (core 1)
 * equals q; caller holds the lock. */
static void key_each(const char *q, int core, void (*fn)(uint32_t name, void *arg), void *arg)
{
	if (!reg.keycap || !q[0])
		return;
	for (size_t i = hash_str(q) & (reg.keycap - 1); reg.keys[i]; i = (i + 1) & (reg.keycap - 1))
		if ((int)((reg.keys[i] - 1) & 1) == core && strcmp(key_text(reg.keys[i]), q) == 0)
			fn((reg.keys[i] - 1) >> 1, arg);
}

static int post_add(uint32_t key, uint32_t name)
{
	struct plist *l = &reg.post[key];

	if (l->n == l->cap) {
		size_t cap = l->cap; /* uint32_t in the list: there are many lists */

		if (array_grow_from((void **)&l->v, &cap, (size_t)l->n + 1, sizeof *l->v, UINT32_MAX,
				    4))
			return -1;
		reg.post_bytes += (cap - l->cap) * sizeof *l->v;
		l->cap = (uint32_t)cap;
	}
	l->v[l->n++] = name;
	return 0;
}

/* The normal and confusable forms of a registered name or alias, computed
 * before the write lock is taken (the canonical text, names.h). */
struct name_forms {
	char *norm, *skel; /* skel NULL: none */
};

static void forms_free(struct name_forms *f, int n)
{
	for (int i = 0; f && i < n; i++) {
		free(f[i].norm);
		free(f[i].skel);
	}
	free(f);
}

/* Forms of every label (column 2) of nm; NULL when out of memory. */
static struct name_forms *forms_of(PGresult *nm)
{
	int n = PQntuples(nm);
	struct name_forms *f = calloc((size_t)n + 1, sizeof *f);
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP];

	for (int i = 0; f && i < n; i++) {
		const char *label = PQgetvalue(nm, i, 2);

		if (names_normalise_forms(label, strlen(label), norm, sizeof norm, skel, sizeof skel,
					  NULL))
			norm[0] = skel[0] = '\0';
		if (!(f[i].norm = strdup(norm)) || (skel[0] && !(f[i].skel = strdup(skel)))) {
			forms_free(f, n);
			return NULL;
		}
	}
	return f;
}

/* Appends one name of record ri. Caller holds the write lock. */
static int name_add(uint32_t ri, int alias, int skeleton, const char *norm)
{
	uint32_t keys[TRGM_MAX];
	struct reg_name *n;
	char core[NAMES_NORM_CAP];
	size_t nk, k;

	if (!norm[0])
		return 0; /* punctuation only: can match nothing */
	if (array_grow((void **)&reg.names, &reg.capnames, reg.nnames + 1, sizeof *reg.names,
		       REG_MAX))
		return -1;
	n = &reg.names[reg.nnames];
	n->rec = ri;
	n->alias = (uint8_t)alias;
	n->skeleton = (uint8_t)skeleton;
	n->norm = arena_dup(norm);
	if (!n->norm)
		return -1;
	integ__candidate_query(norm, core, sizeof core);
	n->core = NULL;
	if (strcmp(core, norm) != 0 && !(n->core = arena_dup(core)))
		return -1;
	nk = trigrams(n->norm, keys, TRGM_MAX);
	n->ntrgm = (uint16_t)(nk > UINT16_MAX ? UINT16_MAX : nk);
	for (k = 0; k < nk; k++)
		if (post_add(keys[k], (uint32_t)reg.nnames))
			return -1;
	if (key_insert((uint32_t)reg.nnames * 2 + 1) ||
	    (n->core && key_insert((uint32_t)reg.nnames * 2 + 2)) ||
	    integ__tokens_add((uint32_t)reg.nnames, norm))
		return -1;
	reg.nnames++;
	return 0;
}

/* Appends the recruiters with id in (lo, hi]: r rows (id, name, country,
 * licence_number, valid_until days), nm rows (recruiter, alias, label) with
 * their forms, both ordered by recruiter. Caller holds the write lock. */
static int registry_append(PGresult *r, PGresult *nm, const struct name_forms *forms)
{
	int i, j = 0, nr = PQntuples(r), nn = PQntuples(nm);

	if (!reg.post && !(reg.post = calloc(TRGM_SLOTS, sizeof *reg.post)))
		return -1;
	if (array_grow((void **)&reg.recs, &reg.caprecs, reg.nrecs + (size_t)nr, sizeof *reg.recs,
		       REG_MAX))
		return -1;
	for (i = 0; i < nr; i++) {
		struct reg_rec *rc = &reg.recs[reg.nrecs];
		uint32_t ri = (uint32_t)reg.nrecs;

		rc->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		rc->name = arena_dup(PQgetvalue(r, i, 1));
		snprintf(rc->country, sizeof rc->country, "%s", PQgetvalue(r, i, 2));
		{
			/* the licence key again, from the number as registered */
			char ln[INTEGRITY_LICENCE_MAX + 1] = "";

			if (!PQgetisnull(r, i, 3))
				integrity_licence_norm(PQgetvalue(r, i, 3), ln, sizeof ln);
			rc->licence = ln[0] ? arena_dup(ln) : NULL;
			if (ln[0] && !rc->licence)
				return -1;
		}
		rc->valid_until = PQgetisnull(r, i, 4) ? NO_LICENCE
							: (int32_t)strtol(PQgetvalue(r, i, 4), NULL, 10);
		if (!rc->name)
			return -1;
		reg.nrecs++;
		if (rc->licence && lic_add(ri))
			return -1;
		for (; j < nn && strtoll(PQgetvalue(nm, j, 0), NULL, 10) <= rc->id; j++) {
			int alias = PQgetvalue(nm, j, 1)[0] == 't';

			if (strtoll(PQgetvalue(nm, j, 0), NULL, 10) != rc->id)
				continue;
			if (name_add(ri, alias, 0, forms[j].norm) ||
			    (forms[j].skel && name_add(ri, alias, 1, forms[j].skel)))
				return -1;
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
	struct name_forms *forms = NULL;
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
		       "SELECT id, name, coalesce(country, ''), licence_number,"
		       " CASE WHEN licence_number IS NULL THEN NULL"
		       "  WHEN licence_valid_until IS NULL THEN " "2147483647"
		       "  ELSE licence_valid_until - date '1970-01-01' END"
		       " FROM recruiters WHERE id > $1 AND id <= $2 ORDER BY id",
		       2, (const char *const[]){lo, hi});
	if (!r)
		goto fail;
	nm = store_exec(s,
			"SELECT recruiter, kind = 'alias', label FROM recruiter_names"
			" WHERE recruiter > $1 AND recruiter <= $2 ORDER BY recruiter, kind = 'alias'",
			2, (const char *const[]){lo, hi});
	if (!nm)
		goto fail;
	/* Stored normal forms may predate the canonical text: the registry
	 * normalises the names as registered, outside the lock. */
	forms = forms_of(nm);
	if (forms) {
		pthread_rwlock_wrlock(&reg.lock);
		rc = registry_append(r, nm, forms);
		pthread_rwlock_unlock(&reg.lock);
	}
	if (rc)
		fprintf(stderr, "fairmatch: integrity: out of memory loading the registry\n");
	goto out;
fail:
	store_rollback(s);
out:
	forms_free(forms, forms ? PQntuples(nm) : 0);
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
		 reg.liccap * sizeof *reg.lic + reg.keycap * sizeof *reg.keys + reg.arena_bytes +
		 integ__tokens_bytes();
	pthread_rwlock_unlock(&reg.lock);
}

void integ__registry_free(void)
{
	pthread_once(&reg_once, reg_init);
	pthread_rwlock_wrlock(&reg.lock);
	for (size_t i = 0; reg.post && i < TRGM_SLOTS; i++)
		free(reg.post[i].v);
	free(reg.post);
	free(reg.recs);
	free(reg.names);
	free(reg.lic);
	free(reg.keys);
	integ__tokens_free();
	reg.keys = NULL;
	reg.keycap = reg.nkeys = 0;
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

/* Scores query form q against the names of ns, adding those at or above
 * min_score. Caller holds the read lock. */
static size_t score_set(const char *q, int skeleton, const struct name_set *ns, double min_score,
			int today, struct integ__match *m, size_t n, size_t cap)
{
	char qcore[NAMES_NORM_CAP];

	integ__candidate_query(q, qcore, sizeof qcore);
	for (size_t k = 0; k < ns->n; k++) {
		const struct reg_name *nm = &reg.names[ns->v[k]];
		const struct reg_rec *rc = &reg.recs[nm->rec];
		struct integ__hit h = {0};

		integ__name_score(q, qcore, nm->norm, nm->core, &h);
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
	key_each(q, 0, set_add, ns);
	if (strlen(core) >= NAMES_CORE_MIN_BYTES) {
		key_each(core, 0, set_add, ns);
		key_each(core, 1, set_add, ns);
	}
	/* names sharing a word, or half of a long word, rarest first */
	integ__tokens_lookup(q, set_add, ns, INTEGRITY_CANDIDATES / 2);
	nc = registry_candidates(core, c, INTEGRITY_CANDIDATES);
	for (size_t k = 0; k < nc; k++)
		set_add(c[k].name, ns);
}

size_t integ__registry_lookup(const struct integ__query *q, double min_score,
			      struct integ__match *m, size_t cap, int64_t *watermark)
{
	int today = integ__days_today();
	size_t n = 0;

	pthread_once(&reg_once, reg_init);
	pthread_rwlock_rdlock(&reg.lock);
	if (watermark)
		*watermark = reg.watermark;
	if (q->ln && q->ln[0]) {
		long ri = lic_find(q->ln);

		if (ri >= 0) {
			const struct reg_rec *rc = &reg.recs[ri];

			memset(&m[n], 0, sizeof m[n]);
			m[n].id = rc->id;
			snprintf(m[n].name, sizeof m[n].name, "%s", rc->name);
			snprintf(m[n].country, sizeof m[n].country, "%s", rc->country);
			m[n].score = 1.0;
			m[n].on = "licence";
			m[n].by_licence = 1;
			m[n].licensed = rc->valid_until != NO_LICENCE && rc->valid_until >= today;
			n++;
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
	pthread_rwlock_unlock(&reg.lock);
	return n;
}

/* The matches of a normalised name and licence from the in-memory
 * registry, at the threshold. Takes the read lock. */
size_t integ__registry_matches(const char *norm, const char *ln, struct integ__match *m, size_t cap,
			       int64_t *watermark)
{
	struct integ__query q = {norm, NULL, ln};

	return integ__registry_lookup(&q, integrity_threshold(), m, cap, watermark);
}

int64_t integ__registry_watermark(void)
{
	return atomic_load(&reg_watermark_pub);
}
