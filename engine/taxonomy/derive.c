/*
 * derive.c - derivation rules learned from the labels: which noun endings
 * turn into which verb endings ("reparación" / "reparar", "medición" /
 * "medir"), for Spanish (French rules were built too and cost development
 * figures, docs/taxonomy.md). English derivations are judged by the stem
 * rule of fold.c.
 *
 * ESCO writes a skill/competence's preferred label as a verb phrase
 * ("monter des tentes", "reparar cuchillas"): the first word of each such
 * label is a verb of its language. People type the noun ("montage de
 * tentes"). Any other label word (any kind, same language) that shares a
 * stem of at least DER_STEM_MIN letters with such a verb gives the pair of
 * endings after that stem ("mont|age" / "mont|er": age -> er); a pair of
 * endings seen on at least DER_MIN_STEMS distinct stems is a rule. Learned
 * from the label table the normaliser reads, so an evaluation table built
 * without its held-out labels learns nothing from them; no word list.
 *
 * tax__derived_words applies the rules to a typed word: each rule whose
 * noun ending ends the word (on a stem of at least DER_STEM_MIN letters)
 * makes a verb; a verb that some label of the kind holds is a derivation of
 * the typed word, which the confidence counts TAX_DERIVED_SCORE (below an
 * inflection) and the search adds to its query (the stemmers give noun and
 * verb other stems, so the search would not find the labels it heads).
 * The French and Spanish noun/verb pairs learned through English (pivot.c:
 * "gestion" / "gérer") join them there, for both languages.
 */
#include "engine/taxonomy/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DER_STEM_MIN 4 /* letters of the shared stem */
#define DER_MIN_STEMS 5 /* distinct stems a pair of endings needs to be a rule */
#define DER_CUT 2       /* letters of the shared stem an ending may also take */
/* the languages rules are learned for (tax__der_learn) */
#define DER_LANG_FIRST ESCO_LANG_ES
#define DER_LANG_LAST ESCO_LANG_ES

struct der {
	char noun[DER_SUFFIX_MAX + 1]; /* the ending of the typed word */
	char verb[DER_SUFFIX_MAX + 1]; /* the ending of the label's verb */
	uint8_t lang;
	uint32_t count; /* distinct stems it was seen on */
};

/* A word of the labels: its offset in t->text, the languages whose labels
 * hold it, and those where it is a verb (the first word of a
 * skill/competence preferred label). */
struct dword {
	uint32_t off;
	uint8_t langs;
	uint8_t verbs;
};

static int der_cmp(const void *x, const void *y)
{
	const struct der *p = x, *q = y;
	int c = strcmp(p->noun, q->noun);

	if (c)
		return c;
	if ((c = strcmp(p->verb, q->verb)) != 0)
		return c;
	return (p->lang > q->lang) - (p->lang < q->lang);
}

/* By noun ending, the best supported first: the lookup's order. */
static int der_cmp_lookup(const void *x, const void *y)
{
	const struct der *p = x, *q = y;
	int c = strcmp(p->noun, q->noun);

	if (c)
		return c;
	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return der_cmp(x, y);
}

static size_t word_len(const char *w)
{
	return strcspn(w, " ");
}

/* The label words of t, one entry per word, in word order, in *out
 * (n_out of them): a merge of the two kinds' sorted word arrays. 0 or -1
 * (out of memory). */
static int der_words(const struct tax_labels *t, struct dword **out, size_t *n_out)
{
	size_t x = 0, y = 0, n = 0, nx = t->n_words[0], ny = t->n_words[1];
	struct dword *d = malloc((nx + ny + 1) * sizeof *d);

	if (!d)
		return -1;
	while (x < nx || y < ny) {
		const struct tword *e;
		const char *w;
		int from_skills, lang;

		if (y >= ny || (x < nx && tax__word_cmp_at(t->text.p + t->words[0][x].word,
							   t->text.p + t->words[1][y].word) <= 0)) {
			e = &t->words[0][x++];
			from_skills = 0;
		} else {
			e = &t->words[1][y++];
			from_skills = 1;
		}
		if (e->wlen >= WORD_MAX)
			continue;
		w = t->text.p + e->word;
		if (!n || tax__word_cmp_at(t->text.p + d[n - 1].off, w) != 0)
			d[n++] = (struct dword){e->word, 0, 0};
		lang = (int)TW_LANG(e->bits);
		d[n - 1].langs |= (uint8_t)(1u << lang);
		/* ESCO writes a skill/competence's preferred label as a verb
		 * phrase: its first word is a verb. */
		if (from_skills && (e->bits & TW_FIRST) && TW_TYPE(e->bits) == 0) {
			const esco_skill *sk = t->lab[e->label].concept;

			if (sk && sk->type == ESCO_SKILL_TYPE_SKILL)
				d[n - 1].verbs |= (uint8_t)(1u << lang);
		}
	}
	*out = d;
	*n_out = n;
	return 0;
}

static int der_push(struct der **arr, size_t *n, size_t *cap, const char *noun, size_t ln,
		    const char *verb, size_t lv, int lang)
{
	if (array_grow((void **)arr, cap, *n + 1, sizeof **arr, TAX_LABELS_MAX))
		return -1;
	memcpy((*arr)[*n].noun, noun, ln);
	(*arr)[*n].noun[ln] = '\0';
	memcpy((*arr)[*n].verb, verb, lv);
	(*arr)[*n].verb[lv] = '\0';
	(*arr)[*n].lang = (uint8_t)lang;
	(*arr)[*n].count = 1;
	(*n)++;
	return 0;
}

int tax__der_learn(struct tax_labels *t, size_t n_occ, size_t n_sk)
{
	struct dword *d = NULL;
	struct der *arr = NULL;
	size_t nd = 0, n = 0, cap = 0, i, j, k, n_out = 0;

	(void)n_occ;
	if (der_words(t, &d, &nd))
		return -1;
	for (i = 0; i < nd; i++) {
		const char *v = t->text.p + d[i].off;
		size_t lv = word_len(v), lo;
		int lang;

		if (!d[i].verbs || lv <= DER_STEM_MIN)
			continue;
		/* The words sharing the verb's first DER_STEM_MIN letters sit
		 * next to it in the sorted array. */
		for (lo = i; lo > 0 && strncmp(t->text.p + d[lo - 1].off, v, DER_STEM_MIN) == 0; lo--)
			;
		for (j = lo; j < nd && strncmp(t->text.p + d[j].off, v, DER_STEM_MIN) == 0; j++) {
			const char *w = t->text.p + d[j].off;
			size_t lw = word_len(w), p = 0, q;
			char a[WORD_MAX], b[WORD_MAX];

			/* A word of the verb's language that is no verb there. */
			if (j == i || !(d[j].langs & d[i].verbs & ~d[j].verbs))
				continue;
			while (p < lw && p < lv && w[p] == v[p])
				p++;
			if (p < DER_STEM_MIN || lw - p > DER_SUFFIX_MAX || lv - p > DER_SUFFIX_MAX)
				continue;
			/* Forms of one word already match as an inflection. */
			memcpy(a, w, lw);
			a[lw] = '\0';
			memcpy(b, v, lv);
			b[lv] = '\0';
			if (tax__word_match(a, b) >= 0.9)
				continue;
			/* Spanish only, chosen on the development samples:
			 * English derivations are judged by the stem rule
			 * (fold.c), and its rules ("ers", "man", "maker" -> "")
			 * cost held-out labels; French rules turned "exécution
			 * de X" towards "exécuter" where ESCO says "effectuer X"
			 * (typed nouns, dev 0.833 -> 0.802, held-out labels
			 * unchanged), Spanish ones gained (0.840 -> 0.848). */
			for (lang = DER_LANG_FIRST; lang <= DER_LANG_LAST; lang++) {
				if (!(d[j].langs & d[i].verbs & ~d[j].verbs & (1u << lang)))
					continue;
				/* The endings after the shared stem, and after the
				 * stem cut up to DER_CUT letters shorter, so that
				 * "solda|dura" / "solda|r" also counts for "ura" /
				 * "ar". */
				for (q = p; q + DER_CUT >= p && q >= DER_STEM_MIN; q--) {
					if (lw - q > DER_SUFFIX_MAX || lv - q > DER_SUFFIX_MAX)
						break;
					if (der_push(&arr, &n, &cap, w + q, lw - q, v + q, lv - q,
						     lang))
						goto fail;
				}
			}
		}
	}
	free(d);
	d = NULL;
	if (n)
		qsort(arr, n, sizeof *arr, der_cmp);
	/* Each (verb, word) pair gave one entry, so equal entries count stems. */
	for (i = 0, k = 0; i < n; i = k) {
		for (k = i + 1; k < n && der_cmp(&arr[i], &arr[k]) == 0; k++)
			;
		if (k - i >= DER_MIN_STEMS) {
			arr[n_out] = arr[i];
			arr[n_out++].count = (uint32_t)(k - i);
		}
	}
	if (n_out)
		qsort(arr, n_out, sizeof *arr, der_cmp_lookup);
	else {
		free(arr);
		arr = NULL;
	}
	t->der = arr;
	t->n_der = n_out;
	return 0;
fail:
	free(d);
	free(arr);
	return -1;
}

/* 1 when w opens a skill/competence preferred label of lang: a verb of
 * that language, as the rules were learned from (a French or Spanish rule
 * must not make an English word: "producción" is no "producer"). */
static int is_verb_of(const struct tax_labels *t, const char *w, int lang)
{
	size_t lo, hi, i;

	tax__word_range(t, 1, w, strlen(w), &lo, &hi);
	for (i = lo; i < hi && tax__word_cmp_at(t->text.p + t->words[1][i].word, w) == 0; i++) {
		const struct tword *e = &t->words[1][i];
		const esco_skill *sk;

		if (!(e->bits & TW_FIRST) || TW_TYPE(e->bits) != 0 || (int)TW_LANG(e->bits) != lang)
			continue;
		sk = t->lab[e->label].concept;
		if (sk && sk->type == ESCO_SKILL_TYPE_SKILL)
			return 1;
	}
	return 0;
}

size_t tax__derived_words(const struct tax_labels *t, int s, const char *w,
			  char out[][WORD_MAX], size_t max)
{
	size_t lw = strlen(w), e, n = 0;

	if (lw <= DER_STEM_MIN || lw >= WORD_MAX || tax__is_stopword(w))
		return 0;
	for (e = 0; e <= DER_SUFFIX_MAX && lw - e >= DER_STEM_MIN; e++) {
		const char *end = w + lw - e;
		size_t a = 0, b = t->n_der;

		while (a < b) {
			size_t m = a + (b - a) / 2;

			if (strcmp(t->der[m].noun, end) < 0)
				a = m + 1;
			else
				b = m;
		}
		for (; a < t->n_der && n < max && strcmp(t->der[a].noun, end) == 0; a++) {
			char v[WORD_MAX];
			size_t i;

			if (lw - e + strlen(t->der[a].verb) >= WORD_MAX)
				continue;
			memcpy(v, w, lw - e);
			strcpy(v + lw - e, t->der[a].verb);
			if (strcmp(v, w) == 0 || tax__word_match(w, v) >= 0.9 ||
			    !is_verb_of(t, v, t->der[a].lang) || !tax__word_df(t, s, v))
				continue;
			for (i = 0; i < n && strcmp(out[i], v) != 0; i++)
				;
			if (i == n)
				memcpy(out[n++], v, strlen(v) + 1);
		}
	}
	/* and the verbs paired with it through English (pivot.c) */
	if (n < max) {
		const char *pv[DER_MAX];
		size_t np = tax__piv_verbs(t, w, pv, DER_MAX), k, i;

		for (k = 0; k < np && n < max; k++) {
			if (!tax__word_df(t, s, pv[k]))
				continue;
			for (i = 0; i < n && strcmp(out[i], pv[k]) != 0; i++)
				;
			if (i == n)
				memcpy(out[n++], pv[k], strlen(pv[k]) + 1);
		}
	}
	return n;
}

/* 1 when a label of kind slot s in lang holds w as a word that is not the
 * label's first (not a verb there: a noun of that language's labels). */
static int is_label_noun_of(const struct tax_labels *t, int s, const char *w, int lang)
{
	size_t lo, hi, i;

	tax__word_range(t, s, w, strlen(w), &lo, &hi);
	for (i = lo; i < hi && tax__word_cmp_at(t->text.p + t->words[s][i].word, w) == 0; i++)
		if (!(t->words[s][i].bits & TW_FIRST) && (int)TW_LANG(t->words[s][i].bits) == lang)
			return 1;
	return 0;
}

/* 1 when an occupation label of lang holds a word on w's stem (w less its
 * last letter) other than w and its plural: an agent noun ("coupe" /
 * coupeur), so the word names a trade. */
static int names_agent_of(const struct tax_labels *t, const char *w, int lang)
{
	size_t lw = strlen(w), lo, hi, i;

	tax__word_range(t, 0, w, lw - 1, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const char *o = t->text.p + t->words[0][i].word;
		size_t lo_w = 0;

		if ((int)TW_LANG(t->words[0][i].bits) != lang)
			continue;
		while (o[lo_w] && o[lo_w] != ' ')
			lo_w++;
		if ((lo_w == lw && strncmp(o, w, lw) == 0) ||
		    (lo_w == lw + 1 && strncmp(o, w, lw) == 0 && o[lw] == 's'))
			continue;
		return 1;
	}
	return 0;
}

size_t tax__action_verb(const struct tax_labels *t, const char *w, char out[WORD_MAX])
{
	size_t lw = strlen(w), df;
	char verb[WORD_MAX];
	int lang;

	/* the stem (the word less its final vowel) as long as a derivation's */
	if (lw < DER_STEM_MIN + 1 || lw + 1 >= WORD_MAX || (w[lw - 1] != 'a' && w[lw - 1] != 'e'))
		return 0;
	memcpy(verb, w, lw);
	verb[lw] = 'r';
	verb[lw + 1] = '\0';
	for (lang = ESCO_LANG_FR; lang <= ESCO_LANG_ES; lang++) {
		if (!is_label_noun_of(t, 1, w, lang) || !is_verb_of(t, verb, lang) ||
		    names_agent_of(t, w, lang) || !(df = tax__word_df(t, 1, verb)))
			continue;
		memcpy(out, verb, lw + 2);
		return 1;
	}
	return 0;
}
