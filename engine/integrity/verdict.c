/*
 * verdict.c - the verdict on one recruiter for search and matching: the
 * flagged recruiters of a snapshot compared with its name and licence, then
 * the name index for licensed or unlicensed. A name that no registered
 * recruiter matches but a blacklisted one resembles at the review
 * threshold is held for review (integrity.h). A match asks this for every
 * candidate vacancy, so normal forms are cached and answers are memoised per
 * snapshot (an immutable snapshot keeps an answer right for its life).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/hash.h"
#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"
#include "engine/integrity/names_internal.h"

static const char *const kind_names[] = {"unknown", "licensed", "unlicensed", "flagged",
					 "blacklisted"};

const char *integrity_kind_name(enum integrity_kind k)
{
	return k >= INTEGRITY_UNKNOWN && k <= INTEGRITY_BLACKLISTED ? kind_names[k] : "unknown";
}

void integrity_verdict_release(struct integrity_verdict *v)
{
	json_decref(v->flags);
	v->flags = NULL;
}

/* names_normalise behind a small direct-mapped cache: a match asks for the
 * verdict of every candidate vacancy's recruiter, and the same names come
 * back request after request. The normal form depends on the name alone,
 * so entries never go stale. */
#define NORM_SLOTS 4096
#define NORM_NAME_MAX 128 /* longer names are normalised every time */

static struct norm_slot {
	char name[NORM_NAME_MAX];
	char norm[NORM_NAME_MAX];
} norm_cache[NORM_SLOTS];
static pthread_mutex_t norm_lock = PTHREAD_MUTEX_INITIALIZER;

static int normalise_cached(const char *name, char *norm, size_t cap)
{
	size_t len = strlen(name), nlen;
	struct norm_slot *slot = &norm_cache[hash_str(name) & (NORM_SLOTS - 1)];
	int hit;

	if (len < NORM_NAME_MAX && len > 0) {
		pthread_mutex_lock(&norm_lock);
		hit = strcmp(slot->name, name) == 0 && strlen(slot->norm) < cap;
		if (hit)
			memcpy(norm, slot->norm, strlen(slot->norm) + 1);
		pthread_mutex_unlock(&norm_lock);
		if (hit)
			return 0;
	}
	if (names_normalise(name, len, norm, cap))
		return -1;
	nlen = strlen(norm);
	if (len < NORM_NAME_MAX && len > 0 && nlen < NORM_NAME_MAX) {
		pthread_mutex_lock(&norm_lock);
		memcpy(slot->name, name, len + 1);
		memcpy(slot->norm, norm, nlen + 1);
		pthread_mutex_unlock(&norm_lock);
	}
	return 0;
}

/* The memo's key: normalised name, licence and country. */
static char *memo_key(const char *norm, const char *ln, const char *country)
{
	size_t len = strlen(norm) + strlen(ln) + strlen(country) + 3;
	char *key = malloc(len);

	if (key)
		snprintf(key, len, "%s\x1f%s\x1f%s", norm, ln, country);
	return key;
}

/* A copy of the memoised answer for key into *out; 0, or -1 if none. */
static int memo_get(integrity_snapshot *snap, const char *key, struct integ__memo_slot *out)
{
	int rc = -1;

	pthread_mutex_lock(&snap->memo_lock);
	for (size_t i = hash_str(key) & (MEMO_SLOTS - 1); snap->memo && snap->memo[i].key;
	     i = (i + 1) & (MEMO_SLOTS - 1))
		if (strcmp(snap->memo[i].key, key) == 0) {
			*out = snap->memo[i];
			out->key = NULL;
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&snap->memo_lock);
	return rc;
}

/* Stores (or replaces) the answer for key; takes key. */
static void memo_put(integrity_snapshot *snap, char *key, const struct integ__memo_slot *val)
{
	size_t i;

	pthread_mutex_lock(&snap->memo_lock);
	if (!snap->memo)
		snap->memo = calloc(MEMO_SLOTS, sizeof *snap->memo);
	if (!snap->memo) {
		pthread_mutex_unlock(&snap->memo_lock);
		free(key);
		return; /* a memo is only an optimisation */
	}
	if (snap->memo_n >= MEMO_SLOTS / 2) { /* full: start again */
		for (i = 0; i < MEMO_SLOTS; i++) {
			free(snap->memo[i].key);
			snap->memo[i].key = NULL;
		}
		snap->memo_n = 0;
	}
	for (i = hash_str(key) & (MEMO_SLOTS - 1); snap->memo[i].key; i = (i + 1) & (MEMO_SLOTS - 1))
		if (strcmp(snap->memo[i].key, key) == 0)
			break;
	if (snap->memo[i].key) {
		free(key);
		key = snap->memo[i].key;
	} else {
		snap->memo_n++;
	}
	snap->memo[i] = *val;
	snap->memo[i].key = key;
	pthread_mutex_unlock(&snap->memo_lock);
}

int integrity_snapshot_verdict(const integrity_snapshot *snap, const json_t *rec,
			       struct integrity_verdict *out)
{
	if (!json_is_object(rec)) {
		memset(out, 0, sizeof *out);
		return 0;
	}
	return integrity_snapshot_verdict_of(snap, json_string_value(json_object_get(rec, "name")),
					     json_string_value(json_object_get(rec, "licence")),
					     json_string_value(json_object_get(rec, "country")), out);
}

/* The snapshot's entry of recruiter id (active flags), or NULL. */
static const struct integ__entry *flagged_entry(const integrity_snapshot *snap, int64_t id)
{
	size_t lo = 0, hi = snap->n;

	while (lo < hi) { /* entries are ordered by recruiter */
		size_t mid = lo + (hi - lo) / 2;

		if (snap->e[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < snap->n && snap->e[lo].id == id ? &snap->e[lo] : NULL;
}

/* Whether norm or skel is one of e's names exactly, of more than one word. */
static int exact_norm(const char *norm, const char *skel, const struct integ__entry *e)
{
	for (size_t j = 0; j < e->n_norms; j++)
		if (integ__norm_distinctive(e->norms[j]) &&
		    (strcmp(norm, e->norms[j]) == 0 || (skel[0] && strcmp(skel, e->norms[j]) == 0)))
			return 1;
	return 0;
}

/* Drops the register's matches by name that the recruiter's licence or
 * country contradicts (integ__evidence_contradicts); the licence is known
 * for a flagged recruiter (its snapshot entry). Returns the new count. */
static size_t drop_contradicted(const integrity_snapshot *snap, const char *ln,
				const char *country, struct integ__match *m, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct integ__entry *e = flagged_entry(snap, m[i].id);
		int exact = m[i].key && strcmp(m[i].key, "name") == 0 &&
			    integ__norm_distinctive(m[i].form);

		if (m[i].by_licence || !integ__evidence_contradicts(exact, ln, country,
								    e ? e->licence : NULL,
								    m[i].country))
			m[k++] = m[i];
	}
	return k;
}

int integ__verdict_of_one(const integrity_snapshot *snap, const char *name, const char *licence,
			  const char *country, struct integrity_verdict *out)
{
	char norm[NAMES_NORM_CAP], skel[NAMES_NORM_CAP], ln[INTEGRITY_LICENCE_MAX + 1];
	char xkey[INTEG_XKEY_CAP];
	const struct integ__entry *best = NULL;
	double best_score = 0, thr = integrity_threshold(), review = integrity_review_threshold();
	struct integ__memo_slot mv = {.best = -1, .reg_wm = -1, .held = -1, .reg_held = -1};
	char *key = NULL;
	int live = integ__registry_live(), today = integ__days_today(), have = 0;
	int64_t wm = integ__registry_watermark();
	size_t i, j;

	memset(out, 0, sizeof *out);
	integrity_licence_norm(licence, ln, sizeof ln);
	if (!name || normalise_cached(name, norm, sizeof norm))
		norm[0] = '\0';
	/* the written key decides a reviewed false positive whatever the
	 * normaliser's version (exclusions.c); computed only when one exists */
	xkey[0] = '\0';
	if (name && integ__exclusions_any())
		integ__exclusion_key(name, xkey, sizeof xkey);
	/* letters of other scripts, or a digit inside a word ("K0pano"): the
	 * confusable form too, under the check's own gate (names.h) */
	skel[0] = '\0';
	if (name && names__has_confusable(name, strlen(name))) {
		char tmp[NAMES_NORM_CAP];

		if (names_normalise_forms(name, strlen(name), tmp, sizeof tmp, skel, sizeof skel, NULL))
			skel[0] = '\0';
	}
	if (!snap->is_static) {
		char both[2 * NAMES_NORM_CAP + INTEG_XKEY_CAP];

		snprintf(both, sizeof both, "%s\x1e%s\x1e%s", norm, skel, xkey);
		key = memo_key(both, ln, country ? country : "");
		have = key && memo_get((integrity_snapshot *)snap, key, &mv) == 0;
	}
	if (have) {
		best = mv.best >= 0 ? &snap->e[mv.best] : NULL;
		best_score = mv.score;
	} else {
		for (i = 0; i < snap->n; i++) {
			const struct integ__entry *e = &snap->e[i];
			double sc = 0;

			if (ln[0] && e->licence && strcmp(ln, e->licence) == 0)
				sc = 1.0;
			/* A reviewed false positive never matches by name. */
			for (j = 0; norm[0] && j < e->n_norms && sc < 1.0 &&
				    !integ__excluded(e->id, norm, xkey);
			     j++) {
				double x = names_similarity(norm, e->norms[j]);

				if (skel[0] && x < 1.0) {
					double y = names_similarity(skel, e->norms[j]);

					x = y > x ? y : x;
				}
				if (x > sc)
					sc = x;
			}
			if (sc < review)
				continue;
			/* a resembling name whose licence or country says it is
			 * another firm is not this one (licence matches aside) */
			if (!(ln[0] && e->licence && strcmp(ln, e->licence) == 0) &&
			    integ__evidence_contradicts(exact_norm(norm, skel, e), ln, country,
							e->licence, e->country))
				continue;
			/* Below the threshold, a blacklisted name is only a
			 * possible match: it holds the vacancy for review. */
			if (sc < thr) {
				if (e->kind == INTEGRITY_BLACKLISTED && sc > mv.held_score) {
					mv.held = e - snap->e;
					mv.held_score = sc;
				}
				continue;
			}
			/* The worst verdict wins; among equals, the closest name. */
			if (!best || e->kind > best->kind || (e->kind == best->kind && sc > best_score)) {
				best = e;
				best_score = sc;
			}
		}
		mv.best = best ? best - snap->e : -1;
		mv.score = best_score;
	}
	if (!best && live && (mv.reg_wm != wm || mv.reg_day != today)) {
		/* No flag: a registered recruiter answers licensed or
		 * unlicensed, as the check would (memoised while the registry
		 * and the date stay the same). */
		struct integ__match m[INTEGRITY_CANDIDATES + 2];
		char akeys[NAMES_ACRONYM_KEYS * NAMES_ACRONYM_CAP + 1];
		struct integ__query q = {norm, skel, ln, akeys, 0, country, name};
		size_t n, nm = 0;

		integ__query_acronyms(name, akeys, sizeof akeys, &q.apure);
		/* down to the review threshold: the check's possible matches
		 * too, which decide a hold */
		n = integ__registry_lookup(&q, review, m, sizeof m / sizeof m[0], &wm);
		n = integ__drop_excluded(norm, xkey, m, n);
		n = drop_contradicted(snap, ln, country, m, n);
		integ__order_matches(m, n, country);
		/* matches (by licence, or at the threshold) come first */
		while (nm < n && (strcmp(m[nm].on, "licence") == 0 || m[nm].score >= thr))
			nm++;
		/* a match the flagged scan cannot see (an acronym decided by
		 * the register) still carries its recruiter's flags */
		for (i = 0; i < nm && nm > 1; i++)
			if (flagged_entry(snap, m[i].id)) {
				struct integ__match t = m[0];

				m[0] = m[i];
				m[i] = t;
				break;
			}
		mv.reg_kind = !nm ? INTEGRITY_UNKNOWN
				  : m[0].licensed ? INTEGRITY_LICENSED : INTEGRITY_UNLICENSED;
		mv.reg_id = nm ? m[0].id : 0;
		mv.reg_score = nm ? m[0].score : 0;
		/* the closest possible match with a blacklist flag: a hold,
		 * decided as the check lists possible matches */
		mv.reg_held = -1;
		mv.reg_held_score = 0;
		for (i = 0; nm == 0 && i < n; i++) {
			const struct integ__entry *e = flagged_entry(snap, m[i].id);

			if (e && e->kind == INTEGRITY_BLACKLISTED && m[i].score > mv.reg_held_score) {
				mv.reg_held = e - snap->e;
				mv.reg_held_score = m[i].score;
			}
		}
		mv.reg_wm = wm;
		mv.reg_day = today;
		have = 0; /* store the new answer */
	}
	if (key && !have)
		memo_put((integrity_snapshot *)snap, key, &mv);
	else
		free(key);
	if (!best && live && mv.reg_kind != INTEGRITY_UNKNOWN)
		best = flagged_entry(snap, mv.reg_id); /* found by the register only */
	if (best && !mv.score && best_score == 0)
		best_score = mv.reg_score;
	if (!best) {
		if (!live || mv.reg_kind == INTEGRITY_UNKNOWN) {
			/* the register's possible matches, as the check lists
			 * them; without the register, the flagged names' scan */
			long h = live ? mv.reg_held : mv.held;

			if (h >= 0) {
				snprintf(out->held, sizeof out->held, "r_%lld",
					 (long long)snap->e[h].id);
				out->held_score = live ? mv.reg_held_score : mv.held_score;
			}
			return 0;
		}
		out->kind = (enum integrity_kind)mv.reg_kind;
		out->score = mv.reg_score;
		snprintf(out->recruiter, sizeof out->recruiter, "r_%lld", (long long)mv.reg_id);
		return 0;
	}
	out->kind = best->kind;
	out->score = best_score;
	snprintf(out->recruiter, sizeof out->recruiter, "r_%lld", (long long)best->id);
	/* A copy: jansson's reference counts are not shared across threads. */
	out->flags = json_deep_copy(best->flags);
	if (!out->flags) {
		out->kind = INTEGRITY_UNKNOWN;
		return -1;
	}
	return 0;
}

int integrity_vacancy_verdict(const json_t *vacancy, struct integrity_verdict *out)
{
	integrity_snapshot *snap = integrity_snapshot_get();
	int rc = integrity_snapshot_verdict(snap, json_object_get(vacancy, "recruiter"), out);

	integrity_snapshot_put(snap);
	return rc;
}

json_t *integrity_verdict_json(const struct integrity_verdict *v)
{
	json_t *o = json_pack("{s:s, s:o}", "verdict", integrity_kind_name(v->kind), "flags",
			      v->flags ? json_deep_copy(v->flags) : json_array());

	if (o && v->recruiter[0])
		json_object_set_new(o, "recruiter", json_string(v->recruiter));
	if (o && v->held[0])
		json_object_set_new(o, "held_for_review", integrity_held_json(v));
	return o;
}

json_t *integrity_held_json(const struct integrity_verdict *v)
{
	return v->held[0] ? json_pack("{s:s, s:f}", "recruiter", v->held, "score", v->held_score)
			  : NULL;
}
