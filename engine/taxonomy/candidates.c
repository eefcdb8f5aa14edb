/*
 * candidates.c - the ranked concepts for free text: the exact-label
 * lookup, the search on the label index, the candidates the rewrite rules
 * add, and the re-ranking of the best few by the confidence (rank.c).
 *
 * Normalisation ranks concepts, not labels: the weight of a concept is the
 * sum over languages of its best label's BM25 weight in that language, so a
 * query mixing two languages ("soudage MIG") favours the concept both halves
 * point at. Acronyms that ESCO spells out in its descriptions ("metal inert
 * gas (MIG)") are expanded in the query, since labels rarely carry them.
 */
#include "engine/taxonomy/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define FUZZY_HITS 120
#define TRI_WEIGHT 0.35 /* trigram evidence relative to whole words */
#define RERANK_POOL 30  /* candidates re-ranked with the confidence */

static const esco_labels *concept_labels(const void *concept, esco_kind kind)
{
	return kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)concept)->labels
					    : ((const esco_skill *)concept)->labels;
}

const void *tax__concept_by_uri(const esco *tax, esco_kind kind, const char *uri)
{
	return kind == ESCO_KIND_OCCUPATION ? (const void *)esco_occupation_by_uri(tax, uri)
					    : (const void *)esco_skill_by_uri(tax, uri);
}

const char *tax__label_in(const void *concept, esco_kind kind, int lang)
{
	const esco_labels *ls = concept_labels(concept, kind);

	if (lang >= 0 && lang < ESCO_LANG_COUNT && ls[lang].preferred)
		return ls[lang].preferred;
	return ls[ESCO_LANG_EN].preferred;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->exact_rank != y->exact_rank)
		return x->exact_rank < y->exact_rank ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->uri, y->uri); /* same input, same order */
}

/* The candidate for uri, added when new and fewer than max are held. */
struct cand *tax__find_cand(struct cand *c, size_t *n, size_t max, const char *uri)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(c[i].uri, uri) == 0)
			return &c[i];
	if (*n >= max || strlen(uri) >= sizeof c[0].uri)
		return NULL;
	memset(&c[*n], 0, sizeof c[*n]);
	snprintf(c[*n].uri, sizeof c[*n].uri, "%s", uri);
	c[*n].exact_rank = 1000;
	return &c[(*n)++];
}

/* 1 when text has no capital letter. */
static int typed_lower(const char *text)
{
	const uint8_t *raw = (const uint8_t *)text;
	int32_t i = 0, n = (int32_t)strlen(text);

	while (i < n) {
		UChar32 c;

		U8_NEXT(raw, i, n, c);
		if (c > 0 && (u_isupper(c) || u_istitle(c)))
			return 0;
	}
	return 1;
}

/* 1 when the text, typed without a capital (lower), is a word whose every
 * label of kind slot s is a name that is also a common word (name_is_word:
 * "harvest", not the product "Harvest"): then the name's label is no exact
 * answer, and the search decides. */
static int name_typed_as_word(const struct tax_labels *t, int s, int lower, const char *folded)
{
	size_t lo, hi, k;

	if (!t || !lower)
		return 0;
	tax__fold_range(t, s, folded, &lo, &hi);
	for (k = lo; k < hi; k++)
		if (!t->lab[t->by_fold[s][k]].name_is_word)
			return 0;
	return lo < hi;
}

/* The exact-label lookup: concepts with a label whose folded form is the
 * folded text; preferred labels and the hint language first. */
static int exact_hits(index_db *db, const esco *tax, esco_kind kind, const char *folded, int hint,
		      struct cand *c, size_t *nc)
{
	char term[256], buf[1200];
	index_query *subs[2], *q;
	index_search_opts o = {.limit = 50, .sort_slot = -1, .weighting = INDEX_WEIGHT_BOOL};
	index_results *r = NULL;
	index_error e;
	size_t i;

	snprintf(term, sizeof term, "E%.240s", folded);
	subs[0] = index_query_term(term, 1);
	subs[1] = index_query_term(kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", 1);
	q = index_query_combine(INDEX_OP_FILTER, subs, 2);
	index_query_free(subs[0]);
	index_query_free(subs[1]);
	if (!q || index_search(db, q, &o, &r, &e)) {
		index_query_free(q);
		return TAX_ERR;
	}
	index_query_free(q);
	for (i = 0; i < index_results_count(r); i++) {
		struct hit_data h;
		struct cand *x;
		int rank;

		if (tax__parse_data(index_results_hit(r, i), buf, sizeof buf, &h))
			continue;
		rank = (h.type == 'p' ? 0 : h.type == 'a' ? 2 : 4) + (hint >= 0 && h.lang != hint);
		x = tax__find_cand(c, nc, MAX_CANDS, h.uri);
		if (!x)
			continue;
		if (!x->concept)
			x->concept = tax__concept_by_uri(tax, kind, h.uri);
		if (rank < x->exact_rank)
			x->exact_rank = rank;
		x->conf = 1.0;
	}
	index_results_free(r);
	return 0;
}

/* Builds the fuzzy query: the text (and acronym expansions) parsed with
 * each language's stemmer, OR the trigrams of the words that no label
 * holds, restricted to kind. */
static index_query *fuzzy_query(index_db *db, const char *text, const struct units *u,
				esco_kind kind, int hint)
{
	index_query *parts[ESCO_LANG_COUNT + 2] = {0}, *tri[MAX_WORDS * (WORD_MAX + 2)];
	index_query *all = NULL, *q = NULL, *filt[2] = {0};
	char ext[FOLD_MAX * 2], tr[WORD_MAX + 2][4], term[16];
	size_t np = 0, nt = 0, i, j, n;
	int l;

	snprintf(ext, sizeof ext, "%s", text);
	for (i = 0; i < u->n; i++)
		if (u->n_exp[i] && strlen(ext) + strlen(u->exp_buf[i]) + 2 < sizeof ext) {
			strcat(ext, " ");
			strcat(ext, tax__acronym_expansion(u->w[i]));
		}
	/* The one label word two typed words make ("oxy acetylene":
	 * "oxyacetylene", rank.c). */
	for (i = 0; i < u->n; i++)
		if (u->join[i][0] && strlen(ext) + strlen(u->join[i]) + 2 < sizeof ext) {
			strcat(ext, " ");
			strcat(ext, u->join[i]);
		}
	/* The one label word a typo is one edit from ("weldr": "welder", rank.c). */
	for (i = 0; i < u->n; i++)
		if (u->fix[i][0] && strlen(ext) + strlen(u->fix[i]) + 2 < sizeof ext) {
			strcat(ext, " ");
			strcat(ext, u->fix[i]);
		}
	/* The label verbs a typed noun derives from ("soudure" -> "souder"):
	 * the stemmers give them other stems, so the search would not find
	 * the labels they head. */
	for (i = 0; i < u->n; i++)
		for (j = 0; j < u->n_der[i]; j++)
			if (strlen(ext) + strlen(u->der[i][j]) + 2 < sizeof ext) {
				strcat(ext, " ");
				strcat(ext, u->der[i][j]);
			}
	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		index_query *p = index_query_parse(ext, esco_lang_code((esco_lang)l), "", 0, NULL);

		if (!p)
			goto out;
		parts[np] = index_query_scale(p, hint < 0 || hint == l ? 1.0 : 0.5);
		index_query_free(p);
		if (!parts[np++])
			goto out;
	}
	for (i = 0; i < u->n; i++) {
		char wt[WORD_MAX + 2];
		int known = 0;

		/* Trigrams only for words no label has (typos): they are what
		 * makes a query slow, and a known word needs no rescue. */
		snprintf(wt, sizeof wt, "W%s", u->w[i]);
		if (index_term_exists(db, wt, &known, NULL) == 0 && known)
			continue;
		n = tax__word_trigrams(u->w[i], tr, WORD_MAX + 2);
		for (j = 0; j < n && nt < sizeof tri / sizeof tri[0]; j++) {
			snprintf(term, sizeof term, "G%.3s", tr[j]);
			if (!(tri[nt++] = index_query_term(term, 1)))
				goto out;
		}
	}
	if (nt) {
		index_query *t = index_query_combine(INDEX_OP_OR, tri, nt);

		parts[np] = t ? index_query_scale(t, TRI_WEIGHT) : NULL;
		index_query_free(t);
		if (!parts[np++])
			goto out;
	}
	all = index_query_combine(INDEX_OP_OR, parts, np);
	filt[0] = all;
	filt[1] = index_query_term(kind == ESCO_KIND_OCCUPATION ? "Ko" : "Ks", 1);
	if (all && filt[1])
		q = index_query_combine(INDEX_OP_FILTER, filt, 2);
out:
	for (i = 0; i < np; i++)
		index_query_free(parts[i]);
	for (i = 0; i < nt; i++)
		index_query_free(tri[i]);
	index_query_free(all);
	index_query_free(filt[1]);
	return q;
}

/* Whether some word of the text has a learned synonym (then the re-ranker
 * also scores each candidate with the synonyms' ranking values). */
static int units_have_syn(const struct units *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->n_syn[i])
			return 1;
	return 0;
}

/* 1 when one concept holds the best exact-label rank alone: then it is the
 * first answer whatever the search would add, since exact labels rank first
 * (cand_cmp). */
static int unique_exact_best(const struct cand *c, size_t nc)
{
	size_t i, best = 0, n_best = 0;

	for (i = 0; i < nc; i++) {
		if (!c[i].concept || c[i].exact_rank >= 1000)
			continue;
		if (!n_best || c[i].exact_rank < c[best].exact_rank) {
			best = i;
			n_best = 1;
		} else if (c[i].exact_rank == c[best].exact_rank) {
			n_best++;
		}
	}
	return n_best == 1;
}

/* The ISCO-08 unit group of the occupations that share the best exact
 * label, when that label is an alternative (or hidden) one of two or more
 * occupations and they are all of that one group; NULL otherwise. */
static const esco_isco_group *shared_exact_group(const esco *tax, const struct cand *c, size_t nc)
{
	const char *isco = NULL;
	size_t i, n = 0;
	int best = 1000;

	for (i = 0; i < nc; i++)
		if (c[i].concept && c[i].exact_rank >= 0 && c[i].exact_rank < best)
			best = c[i].exact_rank;
	if (best < 2 || best >= 1000)
		return NULL;
	for (i = 0; i < nc; i++) {
		const esco_occupation *o = c[i].concept;

		if (!o || c[i].exact_rank != best)
			continue;
		if (!o->isco[0] || (isco && strcmp(isco, o->isco) != 0))
			return NULL;
		isco = o->isco;
		n++;
	}
	return n >= 2 ? esco_isco_group_by_code(tax, isco) : NULL;
}

/* An exact occupation label that is one French or Spanish word may belong
 * to an occupation ESCO labels oddly: "enfermero/enfermera" is the Spanish
 * preferred label of *phlebotomist* (ISCO 5329), while the same word opens
 * the labels of a dozen nurses (2221, 3221). When no other occupation of the
 * exact concept's unit group has a French or Spanish label opening with the
 * word, but at least EXACT_OUTLIER_MIN of another unit group do, the word
 * names that group: its occupation with the shortest such label (the most
 * general) is meant. Not when the word is an English label of the exact
 * concept ("conductor" is a music director in English, a driver in Spanish).
 * NULL when the exact concept stands. */
#define EXACT_OUTLIER_MIN 3
#define EXACT_REATTRIBUTED (-3) /* exact_rank of what exact_outlier chose */
#define OUTLIER_SEEN 64
static const void *exact_outlier(const struct tax_labels *t, const char *folded,
				 const esco_occupation *a)
{
	const esco_occupation *seen[OUTLIER_SEEN], *best = NULL;
	uint16_t best_len = UINT16_MAX;
	size_t lo, hi, m, n = 0, i, j, in_group, top = 0;
	const char *top_isco = NULL;

	if (strchr(folded, ' ') || !a->isco[0])
		return NULL;
	/* An English label of the concept ("conductor"): the word means it. */
	for (m = t->first[0][a->index]; m < t->first[0][a->index + 1]; m++)
		if (t->lab[m].lang == ESCO_LANG_EN && strcmp(t->text.p + t->lab[m].fold, folded) == 0)
			return NULL;
	tax__word_range(t, tax__kind_slot(ESCO_KIND_OCCUPATION), folded, strlen(folded), &lo, &hi);
	for (m = lo; m < hi && n < OUTLIER_SEEN; m++) {
		const struct tword *w = &t->words[tax__kind_slot(ESCO_KIND_OCCUPATION)][m];
		const esco_occupation *o = t->lab[w->label].concept;

		if (!(w->bits & TW_FIRST) || TW_LANG(w->bits) == ESCO_LANG_EN || o == a ||
		    tax__word_cmp_at(t->text.p + w->word, folded) != 0)
			continue;
		if (strcmp(o->isco, a->isco) == 0)
			return NULL; /* the word is at home in the exact concept's group */
		for (i = 0; i < n && seen[i] != o; i++)
			;
		if (i == n)
			seen[n++] = o;
	}
	for (i = 0; i < n; i++) { /* the unit group the word opens most labels of */
		for (j = 0, in_group = 0; j < n; j++)
			in_group += strcmp(seen[j]->isco, seen[i]->isco) == 0;
		if (in_group > top) {
			top = in_group;
			top_isco = seen[i]->isco;
		}
	}
	if (top < EXACT_OUTLIER_MIN)
		return NULL;
	for (m = lo; m < hi; m++) {
		const struct tword *w = &t->words[tax__kind_slot(ESCO_KIND_OCCUPATION)][m];
		const esco_occupation *o = t->lab[w->label].concept;

		if ((w->bits & TW_FIRST) && TW_LANG(w->bits) != ESCO_LANG_EN &&
		    strcmp(o->isco, top_isco) == 0 && w->flen < best_len &&
		    tax__word_cmp_at(t->text.p + w->word, folded) == 0) {
			best = o;
			best_len = w->flen;
		}
	}
	return best;
}

/* A word that joins two parts of an ISCO-08 title ("Cleaners and helpers",
 * "Mecánicos y reparadores de máquinas", "Laveurs de véhicules et de
 * vitres"); a comma does too. */
static int coordinator(const char *w)
{
	static const char *const c[] = {"and", "or", "et", "ou", "y", "e", "o", "u"};
	size_t i;

	for (i = 0; i < sizeof c / sizeof *c; i++)
		if (strcmp(w, c[i]) == 0)
			return 1;
	return 0;
}

/* 1 when the ISCO-08 group's own title, in the hint language (in any of
 * the three without one), is headed by the text: the text's head word is
 * the head of one of the title's coordinated parts (the last word in
 * English, the first in French and Spanish), and the title holds its other
 * words too, up to inflection. The ILO then names the group by the text
 * ("cleaner": 91 Cleaners and helpers; "mecánico": 723 Mecánicos y
 * reparadores de máquinas). Not a word that only qualifies the title's
 * head ("administrativo": 334 Secretarios administrativos), nor a head
 * whose modifier the title lacks ("networks engineer": 215
 * Electrotechnology engineers). */
static int title_holds_text(const esco_isco_group *g, const struct units *u, int hint)
{
	int l;

	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		const char *title = g->labels[l].preferred, *p;
		char buf[FOLD_MAX], *w[MAX_WORDS];
		size_t n = 0, i, j, start;
		int h = hint >= 0 && l != hint ? -1 : tax__head_word(u->w, u->n, l), head_ok = 0;

		if (h < 0 || !title)
			continue;
		/* each comma-separated piece, folded and split at coordinators */
		for (p = title; *p && !head_ok;) {
			size_t len = strcspn(p, ","), m;
			char piece[FOLD_MAX], *pw[MAX_WORDS];

			snprintf(piece, sizeof piece, "%.*s", (int)(len < sizeof piece ? len : sizeof piece - 1), p);
			p += len + (p[len] == ',');
			if (taxonomy_fold(piece, buf, sizeof buf) == 0)
				continue;
			m = tax__split_words(buf, pw, MAX_WORDS);
			for (start = 0, i = 0; i <= m && !head_ok; i++) {
				int ph;

				if (i < m && !coordinator(pw[i]))
					continue;
				ph = tax__head_word(pw + start, i - start, l);
				head_ok = ph >= 0 && tax__word_match(u->w[h], pw[start + (size_t)ph]) >= 0.9;
				start = i + 1;
			}
		}
		if (!head_ok || taxonomy_fold(title, buf, sizeof buf) == 0)
			continue;
		n = tax__split_words(buf, w, MAX_WORDS);
		for (i = 0; i < u->n; i++) {
			if (tax__is_stopword(u->w[i]))
				continue;
			for (j = 0; j < n && (tax__is_stopword(w[j]) ||
					      tax__word_match(u->w[i], w[j]) < 0.9);
			     j++)
				;
			if (j == n)
				break; /* a word of the text the title lacks */
		}
		if (i == u->n)
			return 1;
	}
	return 0;
}

/* Whether the head-word group (headgroup.c) replaces the first answer, and
 * its confidence in *score. For a search answer (no label is the text,
 * not even inflected): when the group is as good as a normalisation must
 * be, or better than the search's answer. For an alternative or hidden
 * exact label ("teacher" is one of politics lecturer's), or one that
 * exact_outlier re-attributed, only when the group is good enough and the
 * word heads at least two occupations of it, in a group other than the
 * exact concept's (or not the one picked in it). A preferred exact label is
 * what it says. */
static int head_group_applies(const struct tax_labels *t, const esco *tax, const struct units *u,
			      const struct cand *first, int hint, struct tax_head_group *hg,
			      double *score)
{
	const esco_occupation *o = first->concept;

	if (!tax__head_group(t, tax, u,
			     first->exact_rank >= 2 && first->exact_rank < 1000 ? HEAD_GROUP_EXACT_PRIOR : 0,
			     o ? o->isco : NULL, hg))
		return 0;
	*score = HEAD_GROUP_BASE + (1 - HEAD_GROUP_BASE) * hg->share;
	/* A minor or sub-major group says less than an occupation the search
	 * found well enough: it replaces only a refused answer; unless the
	 * group's own title holds the word ("cleaner" heads the labels of 11
	 * occupations of 91 Cleaners and helpers, and the search found
	 * amusement park cleaner by its alternative label "cleaners": a label
	 * equal to the text up to inflection, which alone would keep it); or
	 * unless it stands for the one occupation the unit group gave, the
	 * word heading many kinds of it and more outside (headgroup.c:
	 * "enseignant", "profesor"), which would have replaced the answer. */
	if (first->exact_rank >= 1000 && strlen(hg->group->code) < 4 && first->conf >= TAX_MIN_SCORE)
		return *score >= TAX_MIN_SCORE &&
		       (hg->generic || title_holds_text(hg->group, u, hint));
	if (first->exact_rank >= 1000)
		return !hg->equal && (*score >= TAX_MIN_SCORE || *score > first->conf);
	if (hg->n_occ < 2 || *score < TAX_MIN_SCORE)
		return 0;
	/* A wider group replaces the exact label when the label's occupation
	 * is not of the unit group that holds most of the word's labels
	 * ("driver": hearse driver, 8322, against truck drivers, 8332), or
	 * when it is but the word heads HEAD_GROUP_GENERIC_OCC occupations or
	 * more of that group: then the label is one of many kinds the word
	 * names ("teacher" is an alternative label of politics lecturer, 2310,
	 * and heads 41 occupations of 2310 and 61 more of 23). Else the label
	 * names the word's main sense ("buyer": purchaser). */
	if (strlen(hg->group->code) < 4)
		return (first->exact_rank >= 2 || first->exact_rank == EXACT_REATTRIBUTED) &&
		       (strcmp(o->isco, hg->unit_best) != 0 ||
			(first->exact_rank >= 2 && hg->n_occ_own >= HEAD_GROUP_GENERIC_OCC));
	if (first->exact_rank == EXACT_REATTRIBUTED)
		return hg->occ != o;
	return first->exact_rank >= 2 && strcmp(o->isco, hg->group->code) != 0;
}

/*
 * CAND_FULL: the exact-label lookup and the search, ranked; CAND_EXACT_ONLY:
 * the exact-label lookup alone (the baseline); CAND_FIRST: as CAND_FULL for
 * the first answer only, skipping the search when an exact label settles it;
 * CAND_SETTLED: as CAND_FIRST when an exact label settles it, else
 * CAND_NEEDS_SEARCH without searching (a document's search budget is spent).
 */
int tax__candidates(index_db *db, const struct tax_labels *t, const esco *tax, esco_kind kind,
		    const char *text, const char *lang_hint, int mode, struct tax_match *out,
		    double (*feat)[TAX_NFEAT], size_t n)
{
	char folded[FOLD_MAX], buf[1200];
	struct cand *c;
	size_t nc = 0, i, k;
	struct units *u = NULL;
	int hint = lang_hint ? esco_lang_from_code(lang_hint) : -1, rc = TAX_ERR, head_moved = 0;
	int syn = 0, graded = 0;
	index_query *q = NULL;
	index_results *r = NULL;
	index_search_opts o = {.limit = FUZZY_HITS, .sort_slot = -1};
	index_error e;
	double top = 0;

	if (!db || !tax || !text || !t)
		return TAX_ERR;
	if (strlen(text) > TAX_TEXT_MAX || taxonomy_fold(text, folded, sizeof folded) == 0)
		return TAX_ERR_ARG;
	c = calloc(MAX_CANDS + RW_CANDS, sizeof *c);
	u = calloc(1, sizeof *u);
	if (!c || !u)
		goto out;
	u->typed_lower = typed_lower(text);
	if (!name_typed_as_word(t, tax__kind_slot(kind), u->typed_lower, folded) &&
	    exact_hits(db, tax, kind, folded, hint, c, &nc))
		goto out;
	if (mode == CAND_SETTLED && !unique_exact_best(c, nc)) {
		rc = CAND_NEEDS_SEARCH;
		goto out;
	}
	if (mode == CAND_FULL || (mode == CAND_FIRST && !unique_exact_best(c, nc))) {
		tax__make_units(t, tax__kind_slot(kind), folded, u);
		syn = units_have_syn(u);
		q = fuzzy_query(db, text, u, kind, hint);
		if (!q || index_search(db, q, &o, &r, &e))
			goto out;
		for (i = 0; i < index_results_count(r); i++) {
			const index_hit *h = index_results_hit(r, i);
			struct hit_data d;
			struct cand *x;

			if (tax__parse_data(h, buf, sizeof buf, &d) ||
			    !(x = tax__find_cand(c, &nc, MAX_CANDS, d.uri)))
				continue;
			if (h->weight > x->lang_w[d.lang])
				x->lang_w[d.lang] = h->weight;
		}
		tax__rewrite_cands(t, kind, u, c, &nc);
		for (i = 0; i < nc; i++) {
			for (k = 0; k < ESCO_LANG_COUNT; k++)
				c[i].weight += c[i].lang_w[k];
			if (c[i].weight > top)
				top = c[i].weight;
			if (!c[i].concept)
				c[i].concept = tax__concept_by_uri(tax, kind, c[i].uri);
		}
		qsort(c, nc, sizeof *c, cand_cmp);
		/* Re-rank the best few by weight and confidence together. */
		for (i = 0; i < nc; i++) {
			size_t f;
			double bm25;
			int weak;

			/* The pool: the best by weight, and whatever a rule found. */
			if (!c[i].concept || c[i].exact_rank < 1000 || (i >= RERANK_POOL && !c[i].rw)) {
				if (i >= RERANK_POOL)
					c[i].weight = 0;
				c[i].weight_full = c[i].weight;
				continue;
			}
			/* The confidence and the re-ranker's weight with
			 * synonyms at SYN_SCORE; when the text has a synonym,
			 * the weight again with each at its attested value
			 * (rank.c, tax__make_units), which ranks. */
			weak = 0;
			tax__confidence_syn(t, u, c[i].concept, kind, &c[i].conf, c[i].feat,
					    syn ? &weak : NULL);
			c[i].feat[TAX_F_BM25] = top > 0 ? c[i].weight / top : 0;
			c[i].feat[TAX_F_REWRITE] = c[i].rw;
			bm25 = c[i].feat[TAX_F_BM25];
			c[i].weight = 0;
			for (f = 0; f < TAX_NFEAT; f++)
				c[i].weight += taxonomy_rerank_w[f] * c[i].feat[f];
			c[i].weight_full = c[i].weight;
			if (weak) { /* else the ranking values change nothing */
				double conf_rank;

				u->ranking = 1;
				tax__confidence(t, u, c[i].concept, kind, &conf_rank, c[i].feat);
				u->ranking = 0;
				c[i].feat[TAX_F_BM25] = bm25;
				c[i].feat[TAX_F_REWRITE] = c[i].rw;
				c[i].weight = 0;
				for (f = 0; f < TAX_NFEAT; f++)
					c[i].weight += taxonomy_rerank_w[f] * c[i].feat[f];
				graded = 1;
			}
		}
	}
	qsort(c, nc, sizeof *c, cand_cmp);
	/* The attested synonyms choose among the readings the confidence
	 * accepts; they do not put first one it rejects over one it accepts
	 * (the text would then go unrecognised: on the development sample,
	 * 10 labels of 6,000 did). */
	if (graded && nc > 1 && c[0].conf < TAX_MIN_SCORE && c[0].exact_rank >= 1000) {
		size_t best = 0;

		for (i = 1; i < nc; i++)
			if (c[i].concept && c[i].exact_rank >= 1000 &&
			    c[i].weight_full > c[best].weight_full)
				best = i;
		if (best && c[best].conf >= TAX_MIN_SCORE) {
			for (i = 0; i < nc; i++)
				if (c[i].exact_rank >= 1000)
					c[i].weight = c[i].weight_full;
			qsort(c, nc, sizeof *c, cand_cmp);
		}
	}
	/* An exact label at odds with how the language uses the word. */
	if (mode != CAND_EXACT_ONLY && kind == ESCO_KIND_OCCUPATION && nc > 0 && c[0].concept &&
	    c[0].exact_rank < 1000) {
		const esco_occupation *meant = exact_outlier(t, folded, c[0].concept);
		struct cand *x = meant ? tax__find_cand(c, &nc, MAX_CANDS + RW_CANDS, meant->uri) : NULL;

		if (x) {
			x->concept = meant;
			x->conf = c[0].conf; /* the text is a label, re-attributed */
			x->exact_rank = EXACT_REATTRIBUTED;
			qsort(c, nc, sizeof *c, cand_cmp);
		}
	}
	/* An alternative label at the top: a more specific concept may be meant
	 * (specific.c); it takes the first place, with its own confidence. */
	if (mode != CAND_EXACT_ONLY && nc > 0 && c[0].concept && c[0].exact_rank >= 2 &&
	    c[0].exact_rank < 1000) {
		const void *better;

		if (!u->n)
			tax__make_units(t, tax__kind_slot(kind), folded, u);
		if ((better = tax__more_specific(t, kind, u, c[0].concept)) != NULL) {
			struct cand *x = tax__find_cand(c, &nc, MAX_CANDS + RW_CANDS,
							kind == ESCO_KIND_OCCUPATION
								? ((const esco_occupation *)better)->uri
								: ((const esco_skill *)better)->uri);

			if (x) {
				x->concept = better;
				tax__confidence(t, u, better, kind, &x->conf, NULL);
				x->exact_rank = -1;
				qsort(c, nc, sizeof *c, cand_cmp);
			}
		}
	}
	/* Text that every near-equal candidate's labels hold in part: the most
	 * general of them (specific.c). Only among search answers: an exact
	 * label is what it says. */
	if (mode != CAND_EXACT_ONLY && u->n && nc > 1 && c[0].concept && c[0].exact_rank >= 1000) {
		double first = tax__added_specificity(t, kind, u, c[0].concept), a, add[5] = {0};
		size_t pick = 0, wide, w, seen_n = 0;

		add[0] = first;
		for (i = 1; first > 0 && first < HUGE_VAL && i < nc && i < 5; i++) {
			if (!c[i].concept || c[i].conf < c[0].conf - SPECIFIC_MARGIN)
				continue;
			a = add[i] = tax__added_specificity(t, kind, u, c[i].concept);
			seen_n = i + 1;
			if (a < first) {
				first = a;
				pick = i;
			}
		}
		/* A skill: the one more occupations list as essential
		 * (specific.c), among the readings the threshold accepts and
		 * about as confident as the rule above's (BREADTH_MARGIN), of
		 * a text that rule already has it accept; the added word
		 * decides between equals. A wider skill must neither
		 * leave the text unrecognised ("soudage" is in "utiliser un
		 * appareil de soudage", 0.82) nor recognise one that was not
		 * ("soldadura", free text, is in a label of "forging
		 * processes"). */
		if (kind == ESCO_KIND_SKILL && seen_n > 0 && c[pick].conf >= TAX_MIN_SCORE) {
			size_t pick0 = pick;

			wide = tax__skill_breadth(tax, c[pick].concept);
			for (i = 0; i < seen_n; i++) {
				if (i == pick || !c[i].concept || c[i].conf < c[0].conf - SPECIFIC_MARGIN ||
				    c[i].conf < TAX_MIN_SCORE || add[i] == HUGE_VAL ||
				    c[i].conf < c[pick0].conf - BREADTH_MARGIN)
					continue;
				w = tax__skill_breadth(tax, c[i].concept);
				if (w > wide || (w == wide && add[i] < add[pick])) {
					wide = w;
					pick = i;
				}
			}
		}
		if (pick) {
			struct cand tmp = c[pick];

			memmove(c + 1, c, pick * sizeof *c);
			c[0] = tmp;
		}
	}
	/* A bare occupation word that no label is ("nurse"): the unit group it
	 * heads the labels of (headgroup.c), or that group's one occupation. */
	k = 0;
	if (mode != CAND_EXACT_ONLY && kind == ESCO_KIND_OCCUPATION && nc > 0 && c[0].concept &&
	    (c[0].exact_rank >= 2 || c[0].exact_rank == EXACT_REATTRIBUTED)) {
		struct tax_head_group hg;
		double score = 0;

		if (!u->n)
			tax__make_units(t, tax__kind_slot(kind), folded, u);
		if (head_group_applies(t, tax, u, &c[0], hint, &hg, &score)) {
			if (hg.occ) {
				struct cand *x = tax__find_cand(c, &nc, MAX_CANDS + RW_CANDS, hg.occ->uri);

				if (x) {
					x->concept = hg.occ;
					x->conf = x->conf > score ? x->conf : score;
					x->exact_rank = EXACT_REATTRIBUTED - 1;
					qsort(c, nc, sizeof *c, cand_cmp);
					head_moved = 1;
				}
			} else if (n > 0) {
				out[0].kind = ESCO_KIND_ISCO_GROUP;
				out[0].concept = hg.group;
				out[0].uri = hg.group->code;
				out[0].label = hint >= 0 && hg.group->labels[hint].preferred
						       ? hg.group->labels[hint].preferred
						       : hg.group->label;
				out[0].score = score;
				if (feat)
					memset(feat[0], 0, sizeof feat[0]);
				k = 1;
			}
		}
	}
	/* One word that is an alternative label of several occupations, all
	 * of one unit group ("chauffeur": taxi driver's and hearse driver's,
	 * 8322), names that group, not the one of them the search happens to
	 * put first; unless the head word's group spoke first (more labels'
	 * evidence). A longer shared label ("chauffeuse de taxi") says more,
	 * and the search orders its occupations (on the development sample,
	 * applied to every length it cost 3 French held-out labels). */
	if (!k && !head_moved && mode != CAND_EXACT_ONLY && kind == ESCO_KIND_OCCUPATION && n > 0 &&
	    !strchr(folded, ' ')) {
		const esco_isco_group *g = shared_exact_group(tax, c, nc);

		if (g) {
			out[0].kind = ESCO_KIND_ISCO_GROUP;
			out[0].concept = g;
			out[0].uri = g->code;
			out[0].label = hint >= 0 && g->labels[hint].preferred ? g->labels[hint].preferred
									    : g->label;
			out[0].score = 1.0;
			if (feat)
				memset(feat[0], 0, sizeof feat[0]);
			k = 1;
		}
	}
	for (i = 0; i < nc && k < n; i++) {
		if (!c[i].concept)
			continue;
		out[k].kind = kind;
		out[k].concept = c[i].concept;
		out[k].uri = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)c[i].concept)->uri
							  : ((const esco_skill *)c[i].concept)->uri;
		out[k].label = tax__label_in(c[i].concept, kind, hint);
		out[k].score = c[i].conf > 1 ? 1 : c[i].conf;
		if (feat)
			memcpy(feat[k], c[i].feat, sizeof feat[k]);
		k++;
	}
	rc = (int)k;
out:
	index_results_free(r);
	index_query_free(q);
	free(c);
	free(u);
	return rc;
}

int taxonomy_candidates(index_db *db, const struct tax_labels *labels_in, const esco *tax,
			esco_kind kind, const char *text, const char *lang_hint, int exact_only,
			struct tax_match *out, size_t n)
{
	return tax__candidates(db, labels_in ? labels_in : tax__labels(), tax, kind, text,
			       lang_hint, exact_only ? CAND_EXACT_ONLY : CAND_FULL, out, NULL, n);
}

int taxonomy_candidates_features(index_db *db, const struct tax_labels *labels_in,
				 const esco *tax, esco_kind kind, const char *text,
				 const char *lang_hint, struct tax_match *out,
				 double (*feat)[TAX_NFEAT], size_t n)
{
	return tax__candidates(db, labels_in ? labels_in : tax__labels(), tax, kind, text,
			       lang_hint, CAND_FULL, out, feat, n);
}
