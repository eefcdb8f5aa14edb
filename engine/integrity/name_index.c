/*
 * name_index.c - the in-memory registry of every recruiter: names and
 * aliases (normalised) with pg_trgm-compatible trigram postings, licences in
 * a hash table, and the sync that appends newly registered recruiters. The
 * lookup that gives the check its matches is name_lookup.c's; the layout
 * both share is registry_internal.h.
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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/core/hash.h"
#include "engine/integrity/registry_internal.h"

#define REGISTRY_LOCK "727002"
#define ARENA_CHUNK (256 * 1024)

struct integ__registry integ__reg;
static struct integ__registry *const reg = &integ__reg; /* short for this file */
static atomic_int_fast64_t reg_watermark_pub; /* reg->watermark, readable without the lock */
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t reg_sync_lock = PTHREAD_MUTEX_INITIALIZER;

static void reg_init(void)
{
	pthread_rwlockattr_t a;

	pthread_rwlockattr_init(&a);
	/* A steady stream of checks must not starve a sync. */
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&reg->lock, &a);
	pthread_rwlockattr_destroy(&a);
}

void integ__registry_once(void)
{
	pthread_once(&reg_once, reg_init);
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
size_t integ__trigrams(const char *s, uint32_t *out, size_t cap)
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
	struct arena *a = reg->arena;
	char *p;

	if (!a || a->cap - a->used < len) {
		size_t cap = len > ARENA_CHUNK ? len : ARENA_CHUNK;

		a = malloc(sizeof *a + cap);
		if (!a)
			return NULL;
		a->next = reg->arena;
		a->used = 0;
		a->cap = cap;
		reg->arena = a;
		reg->arena_bytes += sizeof *a + cap;
	}
	p = a->data + a->used;
	memcpy(p, s, len);
	a->used += len;
	return p;
}

static const char *licence_of(uint32_t slot)
{
	return reg->recs[slot - 1].licence;
}

static const char *key_text(uint32_t slot)
{
	const struct reg_name *n = &reg->names[(slot - 1) >> 1];

	return ((slot - 1) & 1) ? n->core : n->norm;
}

/* Adds slot to t (text_of gives its text), doubling t first when half full. */
static int slots_add(struct integ__slots *t, uint32_t slot, const char *(*text_of)(uint32_t))
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		uint32_t *v = calloc(cap, sizeof *v);

		if (!v)
			return -1;
		for (size_t j = 0; j < t->cap; j++) {
			if (!t->v[j])
				continue;
			for (i = hash_str(text_of(t->v[j])) & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
				;
			v[i] = t->v[j];
		}
		free(t->v);
		t->v = v;
		t->cap = cap;
	}
	for (i = hash_str(text_of(slot)) & (t->cap - 1); t->v[i]; i = (i + 1) & (t->cap - 1))
		;
	t->v[i] = slot;
	t->n++;
	return 0;
}

/* The recruiter with licence ln (the lowest id), or -1. */
long integ__lic_find(const char *ln)
{
	const struct integ__slots *t = &reg->lic;

	for (size_t i = t->cap ? hash_str(ln) & (t->cap - 1) : 0; t->cap && t->v[i];
	     i = (i + 1) & (t->cap - 1))
		if (strcmp(licence_of(t->v[i]), ln) == 0)
			return (long)t->v[i] - 1;
	return -1;
}

static int lic_add(uint32_t rec)
{
	if (integ__lic_find(reg->recs[rec].licence) >= 0)
		return 0; /* the first (lowest id) keeps the licence, as ORDER BY id LIMIT 1 */
	return slots_add(&reg->lic, rec + 1, licence_of);
}

static int key_insert(uint32_t slot)
{
	return slots_add(&reg->keys, slot, key_text);
}

/* Calls fn for every name whose normal form (core 0) or core (core 1)
 * equals q; caller holds the lock. */
void integ__key_each(const char *q, int core, void (*fn)(uint32_t name, void *arg), void *arg)
{
	const struct integ__slots *t = &reg->keys;

	if (!t->cap || !q[0])
		return;
	for (size_t i = hash_str(q) & (t->cap - 1); t->v[i]; i = (i + 1) & (t->cap - 1))
		if ((int)((t->v[i] - 1) & 1) == core && strcmp(key_text(t->v[i]), q) == 0)
			fn((t->v[i] - 1) >> 1, arg);
}

static int post_add(uint32_t key, uint32_t name)
{
	struct plist *l = &reg->post[key];

	if (l->n == l->cap) {
		size_t cap = l->cap; /* uint32_t in the list: there are many lists */

		if (array_grow_from((void **)&l->v, &cap, (size_t)l->n + 1, sizeof *l->v, UINT32_MAX,
				    4))
			return -1;
		reg->post_bytes += (cap - l->cap) * sizeof *l->v;
		l->cap = (uint32_t)cap;
	}
	l->v[l->n++] = name;
	return 0;
}

/* The normal and confusable forms of a registered name or alias, computed
 * before the write lock is taken (the canonical text, names.h). */
struct name_forms {
	char *norm, *skel; /* skel NULL: none */
	char *akeys;       /* acronym keys, space-separated */
};

static void forms_free(struct name_forms *f, int n)
{
	for (int i = 0; f && i < n; i++) {
		free(f[i].norm);
		free(f[i].skel);
		free(f[i].akeys);
	}
	free(f);
}

/* Forms of every label (column 2) of nm; NULL when out of memory. */
static struct name_forms *forms_of(PGresult *nm)
{
	int n = PQntuples(nm);
	struct name_forms *f = calloc((size_t)n + 1, sizeof *f);
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP];
	char keys[NAMES_ACRONYM_KEYS][NAMES_ACRONYM_CAP];
	char akeys[NAMES_ACRONYM_KEYS * NAMES_ACRONYM_CAP + 1];

	for (int i = 0; f && i < n; i++) {
		const char *label = PQgetvalue(nm, i, 2);
		int nk;
		size_t used = 0;

		nk = names_normalise_acronyms(label, strlen(label), norm, sizeof norm, skel,
					      sizeof skel, keys);
		if (nk < 0)
			norm[0] = skel[0] = '\0';
		akeys[0] = '\0';
		for (int k = 0; k < nk; k++)
			used += (size_t)snprintf(akeys + used, sizeof akeys - used, "%s%s", k ? " " : "",
						 keys[k]);
		if (!(f[i].norm = strdup(norm)) || (skel[0] && !(f[i].skel = strdup(skel))) ||
		    !(f[i].akeys = strdup(akeys))) {
			forms_free(f, n);
			return NULL;
		}
	}
	return f;
}

/* Appends one name of record ri. Caller holds the write lock. */
static int name_add(uint32_t ri, int alias, int skeleton, const char *norm, const char *akeys)
{
	uint32_t keys[TRGM_MAX];
	struct reg_name *n;
	char core[NAMES_NORM_CAP];
	size_t nk, k;

	if (!norm[0])
		return 0; /* punctuation only: can match nothing */
	if (array_grow((void **)&reg->names, &reg->capnames, reg->nnames + 1, sizeof *reg->names,
		       REG_MAX))
		return -1;
	n = &reg->names[reg->nnames];
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
	nk = integ__trigrams(n->norm, keys, TRGM_MAX);
	n->ntrgm = (uint16_t)(nk > UINT16_MAX ? UINT16_MAX : nk);
	for (k = 0; k < nk; k++)
		if (post_add(keys[k], (uint32_t)reg->nnames))
			return -1;
	if (key_insert((uint32_t)reg->nnames * 2 + 1) ||
	    (n->core && key_insert((uint32_t)reg->nnames * 2 + 2)) ||
	    integ__tokens_add((uint32_t)reg->nnames, norm) ||
	    integ__acronyms_add((uint32_t)reg->nnames, akeys))
		return -1;
	reg->nnames++;
	return 0;
}

/* Appends the recruiters with id in (lo, hi]: r rows (id, name, country,
 * licence_number, valid_until days), nm rows (recruiter, alias, label) with
 * their forms, both ordered by recruiter. Caller holds the write lock. */
static int registry_append(PGresult *r, PGresult *nm, const struct name_forms *forms)
{
	int i, j = 0, nr = PQntuples(r), nn = PQntuples(nm);

	if (!reg->post && !(reg->post = calloc(TRGM_SLOTS, sizeof *reg->post)))
		return -1;
	if (array_grow((void **)&reg->recs, &reg->caprecs, reg->nrecs + (size_t)nr, sizeof *reg->recs,
		       REG_MAX))
		return -1;
	for (i = 0; i < nr; i++) {
		struct reg_rec *rc = &reg->recs[reg->nrecs];
		uint32_t ri = (uint32_t)reg->nrecs;

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
		reg->nrecs++;
		if (rc->licence && lic_add(ri))
			return -1;
		for (; j < nn && strtoll(PQgetvalue(nm, j, 0), NULL, 10) <= rc->id; j++) {
			int alias = PQgetvalue(nm, j, 1)[0] == 't';

			if (strtoll(PQgetvalue(nm, j, 0), NULL, 10) != rc->id)
				continue;
			if (name_add(ri, alias, 0, forms[j].norm, forms[j].akeys) ||
			    (forms[j].skel && name_add(ri, alias, 1, forms[j].skel, NULL)))
				return -1;
		}
		reg->watermark = rc->id;
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

	integ__registry_once();
	if (!wait) {
		/* The refresher must not wait behind a handler's sync. */
		if (pthread_mutex_trylock(&reg_sync_lock))
			return 1;
	} else {
		pthread_mutex_lock(&reg_sync_lock);
	}
	snprintf(lo, sizeof lo, "%lld", (long long)reg->watermark);
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
	if (strtoll(hi, NULL, 10) <= reg->watermark) {
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
		pthread_rwlock_wrlock(&reg->lock);
		rc = registry_append(r, nm, forms);
		pthread_rwlock_unlock(&reg->lock);
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
	integ__registry_once();
	pthread_rwlock_rdlock(&reg->lock);
	*recruiters = reg->nrecs;
	*names = reg->nnames;
	*bytes = reg->caprecs * sizeof *reg->recs + reg->capnames * sizeof *reg->names +
		 (reg->post ? TRGM_SLOTS * sizeof *reg->post : 0) + reg->post_bytes +
		 reg->lic.cap * sizeof *reg->lic.v + reg->keys.cap * sizeof *reg->keys.v + reg->arena_bytes +
		 integ__tokens_bytes();
	pthread_rwlock_unlock(&reg->lock);
}

void integ__registry_free(void)
{
	integ__registry_once();
	pthread_rwlock_wrlock(&reg->lock);
	for (size_t i = 0; reg->post && i < TRGM_SLOTS; i++)
		free(reg->post[i].v);
	free(reg->post);
	free(reg->recs);
	free(reg->names);
	free(reg->lic.v);
	free(reg->keys.v);
	integ__tokens_free();
	reg->lic = reg->keys = (struct integ__slots){0};
	while (reg->arena) {
		struct arena *a = reg->arena;

		reg->arena = a->next;
		free(a);
	}
	reg->post = NULL;
	reg->recs = NULL;
	reg->names = NULL;
	reg->nrecs = reg->caprecs = reg->nnames = reg->capnames = 0;
	reg->arena_bytes = reg->post_bytes = 0;
	reg->watermark = 0;
	atomic_store(&reg_watermark_pub, 0);
	pthread_rwlock_unlock(&reg->lock);
}

int64_t integ__registry_watermark(void)
{
	return atomic_load(&reg_watermark_pub);
}
