/*
 * specific.c - the more specific concept behind an alternative label
 * (tax__more_specific). ESCO gives some broad concepts the labels of their
 * examples: "forklift driving" is an alternative label of "drive
 * agricultural machines", while "operate forklift" holds "drive forklift".
 * When the text equals a concept's alternative (not preferred) label, the
 * concept whose own preferred label names the text's most specific word
 * (highest IDF over the labels), and that holds a label with the same
 * words as the text (equal, inflected or the same stem, in any order), is
 * the one meant. The exact label's concept stays the answer whenever its
 * preferred label already names that word, or no other concept qualifies.
 *
 * The other way round (tax__added_specificity): text shorter than every
 * label of its candidates ("arc welding", "lire des plans") means the most
 * general of them: among candidates about as confident as the first, the
 * one whose label adds the least specific word ("apply arc welding
 * techniques" adds generic words, "underwater arc welding" a specific one).
 * Among skills, the general one is first the one more occupations list as
 * essential (tax__skill_breadth): "harvest" is in "harvest crop", "harvest
 * grapes" and "harvest timber" alike, and the crop harvest is essential to
 * nine occupations, the grape harvest to three, the timber harvest to none.
 */
#include "engine/taxonomy/internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* 1 when folded label f has a word that matches w as well as an inflection. */
static int label_has(const char *f, const char *w)
{
	char buf[FOLD_MAX], *lw[MAX_WORDS];
	size_t n, i;

	snprintf(buf, sizeof buf, "%s", f);
	n = tax__split_words(buf, lw, MAX_WORDS);
	for (i = 0; i < n; i++)
		if (tax__word_match(lw[i], w) >= 0.9)
			return 1;
	return 0;
}

/* 1 when every content word of the text matches a word of label f and
 * every content word of f matches a word of the text. */
static int same_words(const struct units *u, const char *f)
{
	char buf[FOLD_MAX], *lw[MAX_WORDS];
	size_t n, i, j;

	snprintf(buf, sizeof buf, "%s", f);
	n = tax__split_words(buf, lw, MAX_WORDS);
	for (i = 0; i < u->n; i++) {
		if (tax__is_stopword(u->w[i]))
			continue;
		for (j = 0; j < n && tax__word_match(u->w[i], lw[j]) < 0.9; j++)
			;
		if (j == n)
			return 0;
	}
	for (j = 0; j < n; j++) {
		if (tax__is_stopword(lw[j]))
			continue;
		for (i = 0; i < u->n && tax__word_match(u->w[i], lw[j]) < 0.9; i++)
			;
		if (i == u->n)
			return 0;
	}
	return 1;
}

static uint32_t concept_index(const void *c, esco_kind kind)
{
	return kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)c)->index
					    : ((const esco_skill *)c)->index;
}

/* 1 when one of the concept's preferred labels (any language) has word w. */
static int preferred_has(const struct tax_labels *t, int s, uint32_t idx, const char *w)
{
	uint32_t k;

	for (k = t->first[s][idx]; k < t->first[s][idx + 1]; k++)
		if (t->lab[k].type == 0 && label_has(t->text.p + t->lab[k].fold, w))
			return 1;
	return 0;
}

const void *tax__more_specific(const struct tax_labels *t, esco_kind kind, const struct units *u,
			       const void *exact)
{
	int s = tax__kind_slot(kind);
	size_t i, best = MAX_WORDS, lo, hi, plen;

	for (i = 0; i < u->n; i++)
		if (!tax__is_stopword(u->w[i]) && strlen(u->w[i]) >= 4 &&
		    (best == MAX_WORDS || u->weight[i] > u->weight[best]))
			best = i;
	if (best == MAX_WORDS ||
	    preferred_has(t, s, concept_index(exact, kind), u->w[best]))
		return NULL;
	/* Labels with a word starting like the specific word (its inflections). */
	plen = strlen(u->w[best]);
	plen = plen > 5 ? plen - 2 : plen;
	tax__word_range(t, s, u->w[best], plen, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct tlabel *l = &t->lab[t->words[s][i].label];

		if (l->concept == exact || !same_words(u, t->text.p + l->fold) ||
		    !preferred_has(t, s, l->concept_idx, u->w[best]))
			continue;
		return l->concept;
	}
	return NULL;
}

double tax__added_specificity(const struct tax_labels *t, esco_kind kind, const struct units *u,
			      const void *concept)
{
	int s = tax__kind_slot(kind);
	uint32_t idx = concept_index(concept, kind), k;
	double best = HUGE_VAL;

	for (k = t->first[s][idx]; k < t->first[s][idx + 1]; k++) {
		char buf[FOLD_MAX], *lw[MAX_WORDS];
		size_t n, i, j;
		double added = 0;

		snprintf(buf, sizeof buf, "%s", t->text.p + t->lab[k].fold);
		n = tax__split_words(buf, lw, MAX_WORDS);
		for (i = 0; i < u->n; i++) {
			if (tax__is_stopword(u->w[i]))
				continue;
			for (j = 0; j < n && tax__word_match(u->w[i], lw[j]) < 0.9; j++)
				;
			if (j == n)
				break;
		}
		if (i < u->n)
			continue; /* this label lacks a word of the text */
		for (j = 0; j < n; j++) {
			double idf;

			if (tax__is_stopword(lw[j]))
				continue;
			for (i = 0; i < u->n && tax__word_match(u->w[i], lw[j]) < 0.9; i++)
				;
			if (i < u->n)
				continue;
			idf = tax__idf(t, s, lw[j]);
			if (idf > added)
				added = idf;
		}
		if (added < best)
			best = added;
	}
	return best;
}

/* Per ESCO skill, how many occupations list it as essential (an optional
 * listing is work at the edge of a trade: "manage cleaning activities" is
 * optional to six occupations and essential to two supervisors, "cleaning
 * techniques" essential to seven cleaners), counted once per process from
 * the first ESCO seen. */
static uint32_t *g_breadth;
static const esco *g_breadth_tax;
static pthread_mutex_t g_breadth_mu = PTHREAD_MUTEX_INITIALIZER;

static void breadth_build(const esco *tax)
{
	size_t n_sk = esco_skill_count(tax), n_occ = esco_occupation_count(tax), o, i;
	uint32_t *b = calloc(n_sk + 1, sizeof *b);

	if (!b)
		return; /* the criterion is then left out: every skill counts 0 */
	for (o = 0; o < n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(tax, o);

		for (i = 0; i < x->n_essential; i++)
			b[x->essential[i]->index]++;
	}
	g_breadth = b;
	g_breadth_tax = tax;
}

size_t tax__skill_breadth(const esco *tax, const void *skill)
{
	const esco_skill *k = skill;
	size_t n = 0;

	if (!tax || !k)
		return 0;
	pthread_mutex_lock(&g_breadth_mu);
	if (!g_breadth_tax)
		breadth_build(tax);
	if (g_breadth && g_breadth_tax == tax && k->index < esco_skill_count(tax))
		n = g_breadth[k->index];
	pthread_mutex_unlock(&g_breadth_mu);
	return n;
}
