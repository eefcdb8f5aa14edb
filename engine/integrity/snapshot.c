/*
 * snapshot.c - the snapshot of flagged recruiters: loading it from
 * PostgreSQL, swapping it in, and handing out references. It is immutable
 * and reference-counted: a reload builds a new one and swaps a pointer, so
 * readers never see a half-built state and never wait for a database round
 * trip. Reloads are serialised by their own lock, held from the read to the
 * swap, so a reload that read older data can never replace one that read
 * newer data.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"
#include "index/schema.h"

static integrity_snapshot empty_snapshot = {.refs = 1, .is_static = 1};
static integrity_snapshot *current = &empty_snapshot;
static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t generation;

static void snapshot_free(integrity_snapshot *snap)
{
	size_t i, j;

	if (!snap || snap->is_static)
		return;
	for (i = 0; i < snap->n; i++) {
		for (j = 0; j < snap->e[i].n_norms; j++)
			free(snap->e[i].norms[j]);
		free(snap->e[i].norms);
		free(snap->e[i].licence);
		free(snap->e[i].expiry);
		free(snap->e[i].name);
		free(snap->e[i].black);
		json_decref(snap->e[i].flags);
	}
	free(snap->e);
	for (i = 0; snap->memo && i < MEMO_SLOTS; i++)
		free(snap->memo[i].key);
	free(snap->memo);
	pthread_mutex_destroy(&snap->memo_lock);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < snap->nterms[i]; j++)
			free(snap->terms[i][j]);
		free(snap->terms[i]);
	}
	free(snap);
}

integrity_snapshot *integrity_snapshot_get(void)
{
	integrity_snapshot *snap;

	pthread_mutex_lock(&current_lock);
	snap = current;
	atomic_fetch_add(&snap->refs, 1);
	pthread_mutex_unlock(&current_lock);
	return snap;
}

void integrity_snapshot_put(integrity_snapshot *snap)
{
	if (snap && atomic_fetch_sub(&snap->refs, 1) == 1)
		snapshot_free(snap);
}

size_t integrity_snapshot_size(const integrity_snapshot *snap)
{
	return snap->n;
}

uint64_t integrity_generation(void)
{
	return atomic_load(&generation);
}

const char *const *integrity_snapshot_terms(const integrity_snapshot *snap, int with_warnings,
					    size_t *n)
{
	/* terms[0] holds every flagged recruiter's terms, terms[1] only the
	 * blacklisted ones' (a search with include_flagged hides only those). */
	int k = with_warnings ? 0 : 1;

	*n = snap->nterms[k];
	return (const char *const *)snap->terms[k];
}

/* A generous bound on a term list (there was none): a name, its aliases
 * and a licence per flagged recruiter. */
#define SNAP_TERMS_MAX ((size_t)1 << 24)

/* Adds prefix+value to a term list, cut as the indexer cuts terms. */
static int add_term(char ***list, size_t *n, size_t *cap, const char *prefix, const char *value)
{
	char term[240];

	snprintf(term, sizeof term, "%s%s", prefix, value);
	if (array_grow((void **)list, cap, *n + 1, sizeof **list, SNAP_TERMS_MAX))
		return -1;
	(*list)[*n] = strdup(term);
	if (!(*list)[*n])
		return -1;
	(*n)++;
	return 0;
}

static int entry_terms(integrity_snapshot *snap, const struct integ__entry *e)
{
	for (int k = 0; k < 2; k++) {
		/* terms[0]: hidden when warnings are hidden too (all flagged);
		 * terms[1]: hidden always (blacklisted only). */
		if (k == 1 && e->kind != INTEGRITY_BLACKLISTED)
			continue;
		/* a name reduced to one word is left to each hit's verdict,
		 * which weighs the vacancy's licence and country (verdict.c) */
		for (size_t j = 0; j < e->n_norms; j++)
			if (integ__norm_distinctive(e->norms[j]) &&
			    add_term(&snap->terms[k], &snap->nterms[k], &snap->capterms[k],
				     VX_RECRUITER, e->norms[j]))
				return -1;
		if (e->licence && add_term(&snap->terms[k], &snap->nterms[k], &snap->capterms[k],
					   VX_LICENCE, e->licence))
			return -1;
	}
	return 0;
}

/* Appends the normal form of a name or alias, and its confusable form when
 * it has one, to e->norms (room for both is there); 0 or -1. The first
 * entry stays the name's normal form (the verdict says "name" for it). */
static int entry_add_forms(struct integ__entry *e, const char *label)
{
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP];

	if (names_normalise_forms(label, strlen(label), norm, sizeof norm, skel, sizeof skel, NULL))
		norm[0] = skel[0] = '\0';
	if (!norm[0] && e->n_norms)
		return 0; /* an alias of punctuation only can match nothing */
	if (!(e->norms[e->n_norms++] = strdup(norm)))
		return -1;
	if (skel[0] && !(e->norms[e->n_norms++] = strdup(skel)))
		return -1;
	return 0;
}

static int load(store *s, integrity_snapshot **out)
{
	PGresult *r;
	integrity_snapshot *snap;
	struct integ__entry *e = NULL;
	int i, n;

	*out = NULL;
	r = store_exec(s,
		       "SELECT r.name, array_to_json(r.aliases)::text, r.licence_number, "
		       FLAG_COLUMNS ", r.name, coalesce(r.country, ''),"
		       " (r.licence_number IS NOT NULL AND (r.licence_valid_until IS NULL OR"
		       "  r.licence_valid_until >= current_date))"
		       " FROM flags f JOIN recruiters r ON r.id = f.recruiter"
		       " LEFT JOIN flag_lifts l ON l.flag = f.id"
		       " WHERE l.flag IS NULL AND (f.expires_at IS NULL OR f.expires_at > now())"
		       " ORDER BY f.recruiter, f.id",
		       0, NULL);
	if (!r)
		return -1;
	snap = calloc(1, sizeof *snap);
	n = PQntuples(r);
	if (!snap)
		goto oom;
	pthread_mutex_init(&snap->memo_lock, NULL);
	if (n && !(snap->e = calloc((size_t)n, sizeof *snap->e)))
		goto oom;
	atomic_init(&snap->refs, 1);
	for (i = 0; i < n; i++) {
		int64_t rid = strtoll(PQgetvalue(r, i, 4), NULL, 10);
		int64_t expiry = strtoll(PQgetvalue(r, i, 15), NULL, 10);
		enum integrity_kind k = strcmp(PQgetvalue(r, i, 5), "blacklist") == 0
						? INTEGRITY_BLACKLISTED
						: INTEGRITY_FLAGGED;

		if (expiry && (!snap->next_expiry || expiry < snap->next_expiry))
			snap->next_expiry = expiry;
		if (!e || e->id != rid) {
			json_t *aliases = json_loads(PQgetvalue(r, i, 1), 0, NULL), *a;
			size_t j;

			e = &snap->e[snap->n++];
			e->id = rid;
			e->name = strdup(PQgetvalue(r, i, 16));
			snprintf(e->country, sizeof e->country, "%s", PQgetvalue(r, i, 17));
			e->licensed = PQgetvalue(r, i, 18)[0] == 't';
			e->flags = json_array();
			if (!e->name) {
				json_decref(aliases);
				goto oom;
			}
			/* name and aliases normalised now, with their confusable
			 * forms (the canonical text, whatever was stored) */
			e->norms = calloc(2 + 2 * json_array_size(aliases), sizeof *e->norms);
			if (!e->flags || !e->norms ||
			    entry_add_forms(e, PQgetvalue(r, i, 0))) {
				json_decref(aliases);
				goto oom;
			}
			json_array_foreach(aliases, j, a) {
				if (json_string_value(a) && entry_add_forms(e, json_string_value(a))) {
					json_decref(aliases);
					goto oom;
				}
			}
			json_decref(aliases);
			if (!PQgetisnull(r, i, 2)) {
				char ln[INTEGRITY_LICENCE_MAX + 1];

				integrity_licence_norm(PQgetvalue(r, i, 2), ln, sizeof ln);
				if (ln[0] && !(e->licence = strdup(ln)))
					goto oom;
			}
		}
		if (k > e->kind)
			e->kind = k;
		{
			/* expiry and black grow together; a row is at most one flag */
			size_t nf = json_array_size(e->flags), ce = e->flag_cap, cb = e->flag_cap;

			if (array_grow((void **)&e->expiry, &ce, nf + 1, sizeof *e->expiry, (size_t)n) ||
			    array_grow((void **)&e->black, &cb, nf + 1, sizeof *e->black, (size_t)n))
				goto oom;
			e->flag_cap = ce;
			e->expiry[nf] = expiry;
			e->black[nf] = k == INTEGRITY_BLACKLISTED;
		}
		if (json_array_append_new(e->flags, integ__flag_from_row(r, i, 3)))
			goto oom;
	}
	for (size_t j = 0; j < snap->n; j++)
		if (entry_terms(snap, &snap->e[j]))
			goto oom;
	PQclear(r);
	*out = snap;
	return 0;
oom:
	PQclear(r);
	snapshot_free(snap);
	return -1;
}

int integrity_refresh(store *s)
{
	integrity_snapshot *snap, *old;

	pthread_mutex_lock(&reload_lock);
	if (load(s, &snap)) {
		pthread_mutex_unlock(&reload_lock);
		return -1;
	}
	snap->generation = atomic_fetch_add(&generation, 1) + 1;
	pthread_mutex_lock(&current_lock);
	old = current;
	current = snap;
	pthread_mutex_unlock(&current_lock);
	pthread_mutex_unlock(&reload_lock);
	integrity_snapshot_put(old);
	return 0;
}

/* Back to the empty snapshot (integrity_stop). */
void integ__snapshot_reset(void)
{
	integrity_snapshot *old;

	pthread_mutex_lock(&current_lock);
	old = current;
	current = &empty_snapshot;
	atomic_fetch_add(&empty_snapshot.refs, 1);
	pthread_mutex_unlock(&current_lock);
	integrity_snapshot_put(old);
}
