/*
 * query.c - retrieval: the weighted index query built from a profile
 * (skills, occupations and their ISCO-08 groups, inferred occupations,
 * desired countries) under the hard filters, and the naive query the
 * evaluation compares it with.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/search.h"
#include "engine/taxonomy/taxonomy.h"
#include "index/schema.h"

/* Words of a free text that its query searches for, as the query parser
 * splits it on spaces, without function words unless it has only those
 * (>= 1). */
static size_t count_words(const char *s)
{
	size_t n = 0, all = 0;

	while (*s) {
		size_t len;

		while (*s && isspace((unsigned char)*s))
			s++;
		for (len = 0; s[len] && !isspace((unsigned char)s[len]); len++)
			;
		if (!len)
			break;
		all++;
		n += !search_is_function_word(s, len);
		s += len;
	}
	return n ? n : all ? all : 1;
}

/* ---- retrieval ---- */

#define Q_MAX 512

struct qlist {
	index_query *q[Q_MAX];
	size_t n;
	int oom;
};

static void qadd(struct qlist *l, index_query *q)
{
	if (!q) {
		l->oom = 1;
		return;
	}
	if (l->n >= Q_MAX) {
		index_query_free(q);
		return;
	}
	l->q[l->n++] = q;
}

/* prefix + value into term (KEY_MAX bytes), the value lowercased if asked. */
static void make_term(char *term, const char *prefix, const char *value, int lowercase)
{
	size_t n = strlen(prefix);

	snprintf(term, KEY_MAX, "%s%s", prefix, value);
	if (lowercase)
		match__lower(term + n, term + n, KEY_MAX - n);
}

static void qadd_term(struct qlist *l, const char *prefix, const char *value, int lowercase,
		      double scale)
{
	char term[KEY_MAX];
	index_query *t;

	make_term(term, prefix, value, lowercase);
	t = index_query_term(term, 1);
	qadd(l, scale == 1.0 || !t ? t : index_query_scale(t, scale));
	if (scale != 1.0)
		index_query_free(t);
}

static void qfree(struct qlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		index_query_free(l->q[i]);
	l->n = 0;
}

/* FILTER(main, valid_until >= today, OR(countries)); takes main. Without
 * dates, the valid_until test is the caller's (match_once reads the date
 * from each candidate's record instead of from a value stream). */
static index_query *with_filters(index_query *main, const struct match_params *mp, int dates)
{
	struct qlist f = {.n = 0}, c = {.n = 0};
	char today[11];
	index_query *q = NULL;
	size_t i;
	json_t *v;

	if (dates) {
		iso_today(today);
		qadd(&f, index_query_value_range(VX_SLOT_VALID_UNTIL, today, NULL));
	}
	if (mp && json_array_size(mp->countries)) {
		json_array_foreach(mp->countries, i, v) {
			qadd_term(&c, VX_COUNTRY, json_string_value(v), 0, 1.0);
		}
		if (!c.oom)
			qadd(&f, index_query_combine(INDEX_OP_OR, c.q, c.n));
	}
	if (main && !f.oom && !c.oom) {
		index_query *subs[3] = {main, f.n > 0 ? f.q[0] : NULL, f.n > 1 ? f.q[1] : NULL};

		if (f.n) {
			q = index_query_combine(INDEX_OP_FILTER, subs, 1 + f.n);
		} else {
			q = main;
			main = NULL;
		}
	}
	qfree(&f);
	qfree(&c);
	index_query_free(main);
	return q;
}

/* A skill's term and its weight, before it is placed in the query. */
struct skill_term {
	char term[KEY_MAX];
	double scale;
	uint64_t tf; /* documents indexing it */
};

static int by_tf(const void *a, const void *b)
{
	const struct skill_term *x = a, *y = b;

	if (x->tf != y->tf)
		return x->tf < y->tf ? -1 : 1;
	return strcmp(x->term, y->term);
}

static void add_skill_term(struct qlist *l, const struct skill_term *t)
{
	index_query *q = index_query_term(t->term, 1);

	qadd(l, q ? index_query_scale(q, t->scale) : NULL);
	index_query_free(q);
}

/* The designed retrieval query; with dates, valid_until is tested in it.
 * known is the profile prepared (match__person_prepare), or NULL to prepare it here. */
index_query *match__build_query(index_db *db, const json_t *profile,
				const struct match__person *known, const struct match_params *mp,
				int dates, problem *p)
{
	struct qlist must = {.n = 0}, boost = {.n = 0};
	struct skill_term *st = NULL;
	index_query *core = NULL, *q = NULL, *parts[2];
	json_t *v, *skills = json_object_get(profile, "skills");
	size_t i, lvl, n_code, n_st = 0;
	/* The skill budget pays only for Xapian's matcher: the wrapper's
	 * evaluator reads an optional list through every block that holds
	 * candidates anyway, and measured slower with the budget than without
	 * (bench_match, docs/performance.md), with the same answers. */
	uint64_t walked = 0,
		 budget = mp && mp->xapian_matcher && !mp->exhaustive ? MATCH_SKILL_POSTINGS
								     : UINT64_MAX;
	char code[5], prefix[8];
	index_error e = {{0}};

	st = calloc(json_array_size(skills) + 1, sizeof *st);
	if (!st)
		goto oom;
	json_array_foreach(skills, i, v) {
		const char *s = json_string_value(v);

		if (!s || n_st >= Q_MAX)
			continue;
		/* One term per skill (essential or optional): whether it is
		 * essential is for re-ranking. */
		make_term(st[n_st].term, VX_SKILL, s, !match__is_uri(s));
		st[n_st++].scale = RQ.skill;
		if (!match__is_uri(s)) {
			/* All its words: an AND is driven by its rarest word,
			 * where an OR would walk "and", "of", "work" through
			 * every vacancy. Without the function words of the
			 * three languages, as keyword search parses q: the AND
			 * of "cuidado de ancianos" asked English ads for "de". */
			index_query *t = index_query_parse_stopped(
				s, "en", VX_TEXT, INDEX_PARSE_DEFAULT_AND | INDEX_PARSE_STEM_ALL,
				search_function_words(), &e);

			if (t) {
				/* Every word of the AND adds its factor, so the
				 * whole phrase is worth RQ.text however long it
				 * is. */
				qadd(&must, index_query_scale(t, RQ.text / (double)count_words(s)));
				index_query_free(t);
			}
		}
	}
	json_array_foreach(json_object_get(profile, "occupations"), i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		if (match__is_uri(s))
			qadd_term(&must, VX_ESCO_OCC, s, 0, RQ.unit);
		n_code = taxonomy_isco_group(s, code) > 0 ? strlen(code) : 0;
		if (n_code <= 2) {
			/* A sub-major or major group is too wide a posting list
			 * to walk: it only adds weight (re-ranking grades it). */
			if (n_code)
				qadd_term(json_array_size(skills) ? &boost : &must, VX_OCCUPATION,
					  code, 0, RQ.minor);
			continue;
		}
		/* The unit group and its minor group, or the minor group
		 * stated (a sub-major group is too wide a posting list for its
		 * little weight: re-ranking still gives it its share). */
		for (lvl = n_code; lvl >= 3; lvl--) {
			memcpy(prefix, code, lvl);
			prefix[lvl] = '\0';
			qadd_term(&must, VX_OCCUPATION, prefix, 0,
				  lvl == n_code ? RQ.unit : RQ.minor);
		}
	}
	{
		/* The occupations the skills point to, by their likelihood. */
		struct match__person own;
		const struct match__person *pr = known;

		if (!pr && match__person_prepare(profile, &own) == 0)
			pr = &own;
		for (i = 0; pr && i < pr->n_inf; i++) {
			const esco_occupation *o = esco_occupation_at(match_taxonomy(), pr->inf[i].occ);

			qadd_term(&must, VX_ESCO_OCC, o->uri, 0, RQ.inferred * pr->inf[i].rel);
			qadd_term(&must, VX_OCCUPATION, o->isco, 0, RQ.inferred_unit * pr->inf[i].rel);
		}
		if (!pr)
			must.oom = 1;
		else if (pr == &own)
			match__person_release(&own);
	}
	/* The skills: those with the shortest posting lists are walked, up
	 * to MATCH_SKILL_POSTINGS postings in all; the common ones only add
	 * their weight to documents found otherwise (probed, not walked), so
	 * a million vacancies cost about what a hundred thousand do. With
	 * nothing else to find documents by, every skill is walked. */
	if (!db || must.n == 0)
		budget = UINT64_MAX;
	for (i = 0; db && i < n_st; i++)
		if (index_term_freq(db, st[i].term, &st[i].tf, &e))
			st[i].tf = UINT64_MAX / 4;
	qsort(st, n_st, sizeof *st, by_tf);
	for (i = 0; i < n_st; i++) {
		int walk = budget == UINT64_MAX || walked + st[i].tf <= budget;

		if (walk)
			walked += st[i].tf;
		add_skill_term(walk ? &must : &boost, &st[i]);
	}
	json_array_foreach(json_object_get(profile, "desired_countries"), i, v) {
		if (json_is_string(v))
			qadd_term(&boost, VX_COUNTRY, json_string_value(v), 0, RQ.country);
	}
	if (must.oom || boost.oom)
		goto oom;
	core = must.n ? index_query_combine(INDEX_OP_OR, must.q, must.n) : index_query_none();
	if (core && boost.n) {
		parts[0] = core;
		parts[1] = index_query_combine(INDEX_OP_OR, boost.q, boost.n);
		/* Countries and common skills add weight to what matched
		 * otherwise but never bring in a vacancy on their own. */
		q = parts[1] ? index_query_combine(INDEX_OP_AND_MAYBE, parts, 2) : NULL;
		index_query_free(parts[1]);
		index_query_free(core);
		core = q;
	}
	qfree(&must);
	qfree(&boost);
	free(st);
	q = core ? with_filters(core, mp, dates) : NULL;
	if (!q)
		goto oom2;
	return q;
oom:
	qfree(&must);
	qfree(&boost);
	free(st);
oom2:
	problem_set(p, PROBLEM_UNAVAILABLE, "out of memory building the match query");
	return NULL;
}

index_query *match_build_query(index_db *db, const json_t *profile, const struct match_params *mp,
			       problem *p)
{
	return match__build_query(db, profile, NULL, mp, 1, p);
}

index_query *match_build_naive_query(const json_t *profile, const struct match_params *mp)
{
	struct qlist l = {.n = 0};
	json_t *v;
	size_t i;
	char code[5];
	index_query *q;

	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);

		if (s)
			qadd_term(&l, VX_SKILL, s, !match__is_uri(s), 1.0);
	}
	json_array_foreach(json_object_get(profile, "occupations"), i, v) {
		match__occupation_code(json_string_value(v), code);
		if (code[0])
			qadd_term(&l, VX_OCCUPATION, code, 0, 1.0);
	}
	q = l.oom ? NULL : l.n ? index_query_combine(INDEX_OP_OR, l.q, l.n) : index_query_none();
	qfree(&l);
	return q ? with_filters(q, mp, 1) : NULL;
}
