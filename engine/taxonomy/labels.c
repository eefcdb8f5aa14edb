/*
 * labels.c - the labels in memory (struct tax_labels, see internal.h):
 * every label folded once, the sorted label words typeahead searches, the
 * labels by folded form, the folded English descriptions, and what is
 * learned from them (synonyms.c, rewrite.c). The process-wide table is
 * built on first use; the evaluation builds its own without its held-out
 * labels (taxonomy_labels_new).
 */
#include "engine/taxonomy/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t labels_once = PTHREAD_ONCE_INIT;
static struct tax_labels *g_labels;

static int labels_add(struct tax_labels *t, const void *concept, uint32_t idx, int lang, int type,
		      const char *label)
{
	char fold[FOLD_MAX];
	size_t n = taxonomy_fold(label, fold, sizeof fold);

	size_t off = t->text.len;
	uint32_t lower = 0, names = tax__name_words(label, &lower);

	if (array_grow((void **)&t->lab, &t->lab_cap, t->n_lab + 1, sizeof *t->lab, TAX_LABELS_MAX) ||
	    buf_add(&t->text, fold, n + 1))
		return -1;
	t->lab[t->n_lab] = (struct tlabel){concept, (uint32_t)off, idx, (uint16_t)n, (uint8_t)lang,
					   (uint8_t)type, names, lower, 0};
	t->n_lab++;
	return 0;
}

/* One label, unless skip leaves it out. */
static int labels_add_one(struct tax_labels *t, const void *concept, esco_kind kind,
			  const char *uri, uint32_t idx, int lang, int type, const char *label,
			  tax_label_skip skip, void *arg)
{
	esco_label l = {uri, kind, (esco_lang)lang, label, type == 0, type == 2, concept};

	if (skip && skip(&l, arg))
		return 0;
	return labels_add(t, concept, idx, lang, type, label);
}

static int labels_add_concept(struct tax_labels *t, const void *concept, esco_kind kind,
			      const char *uri, uint32_t idx, const esco_labels *ls,
			      tax_label_skip skip, void *arg)
{
	int lang;
	size_t k;

	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		if (!ls[lang].preferred)
			continue;
		if (labels_add_one(t, concept, kind, uri, idx, lang, 0, ls[lang].preferred, skip, arg))
			return -1;
		for (k = 0; k < ls[lang].n_alt; k++)
			if (labels_add_one(t, concept, kind, uri, idx, lang, 1, ls[lang].alt[k], skip,
					   arg))
				return -1;
		for (k = 0; k < ls[lang].n_hidden; k++)
			if (labels_add_one(t, concept, kind, uri, idx, lang, 2, ls[lang].hidden[k],
					   skip, arg))
				return -1;
	}
	return 0;
}

/* Words compare up to their end (a space or NUL), an end before any letter. */
int tax__word_cmp_at(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = *a == ' ' ? 0 : (unsigned char)*a, y = *b == ' ' ? 0 : (unsigned char)*b;

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			return 0;
	}
}

static int tword_cmp(const void *a, const void *b, void *text)
{
	const struct tword *x = a, *y = b;
	int c = tax__word_cmp_at((const char *)text + x->word, (const char *)text + y->word);

	return c ? c : (x->label > y->label) - (x->label < y->label);
}

/* Marks the one-word labels of kind slot s written as a name ("Harvest",
 * a product among the alternative labels of "use personal organization
 * software") whose word another label of the kind writes in lower case
 * ("harvest crop"; "Java script" does not count, its capital may be the
 * sentence's): the words array is sorted, so equal words are side by
 * side, and a word's bits are its position's in its label. */
static void mark_names_that_are_words(struct tax_labels *t, int s)
{
	size_t a = 0, b, k, n = t->n_words[s];

	while (a < n) {
		int as_word = 0;
		const char *w = t->text.p + t->words[s][a].word;

		for (b = a; b < n && tax__word_cmp_at(t->text.p + t->words[s][b].word, w) == 0; b++) {
			const struct tword *x = &t->words[s][b];
			const struct tlabel *l = &t->lab[x->label];
			unsigned j = 0;

			for (const char *p = t->text.p + l->fold; p < t->text.p + x->word; p++)
				j += *p == ' ';
			as_word |= j < 32 && (l->lower >> j & 1u);
		}
		for (k = a; as_word && k < b; k++) {
			struct tlabel *l = &t->lab[t->words[s][k].label];

			if ((t->words[s][k].bits & TW_ONE) && (l->names & 1u))
				l->name_is_word = 1;
		}
		a = b;
	}
}

/* <0, 0 or >0 as the word sorts before, starts with, or sorts after p. */
static int word_vs_prefix(const char *w, const char *p, size_t plen)
{
	size_t i;

	for (i = 0; i < plen; i++) {
		unsigned char x = w[i] == ' ' ? 0 : (unsigned char)w[i], y = (unsigned char)p[i];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static int fold_cmp(const void *x, const void *y, void *tab)
{
	const struct tax_labels *t = tab;

	return strcmp(t->text.p + t->lab[*(const uint32_t *)x].fold,
		      t->text.p + t->lab[*(const uint32_t *)y].fold);
}

/* Labels of kind slot s whose folded form is f: by_fold[s][*lo, *hi). */
void tax__fold_range(const struct tax_labels *t, int s, const char *f, size_t *lo, size_t *hi)
{
	size_t x = 0, y = t->n_by_fold[s];

	while (x < y) {
		size_t m = x + (y - x) / 2;

		if (strcmp(t->text.p + t->lab[t->by_fold[s][m]].fold, f) < 0)
			x = m + 1;
		else
			y = m;
	}
	*lo = x;
	while (x < t->n_by_fold[s] && strcmp(t->text.p + t->lab[t->by_fold[s][x]].fold, f) == 0)
		x++;
	*hi = x;
}

void taxonomy_labels_free(struct tax_labels *t)
{
	int s;

	if (!t)
		return;
	buf_release(&t->text);
	free(t->lab);
	free(t->syn);
	buf_release(&t->desc_text);
	free(t->rw);
	free(t->der);
	free(t->piv);
	free(t->piv_bridge);
	for (s = 0; s < 2; s++) {
		free(t->by_fold[s]);
		free(t->first[s]);
		free(t->words[s]);
		free(t->desc[s]);
	}
	free(t);
}

#define DESC_MAX 2048 /* the first bytes of a description read (folded) */

/* Folds a concept's English description into t (its offset in *off). */
static int desc_add(struct tax_labels *t, const char *desc, uint32_t *off)
{
	char fold[DESC_MAX];
	size_t n = taxonomy_fold(desc ? desc : "", fold, sizeof fold);

	*off = (uint32_t)t->desc_text.len;
	return buf_add(&t->desc_text, fold, n + 1);
}

struct tax_labels *taxonomy_labels_new(const esco *tax, tax_label_skip skip, void *arg)
{
	struct tax_labels *t = calloc(1, sizeof *t);
	size_t i, k, n_occ = esco_occupation_count(tax), n_sk = esco_skill_count(tax);
	int s;

	if (t) {
		buf_init(&t->text, TAX_LABEL_TEXT_MAX);
		buf_init(&t->desc_text, TAX_LABEL_TEXT_MAX);
	}
	if (!t || !(t->first[0] = calloc(n_occ + 1, sizeof(uint32_t))) ||
	    !(t->first[1] = calloc(n_sk + 1, sizeof(uint32_t))) ||
	    !(t->desc[0] = calloc(n_occ + 1, sizeof(uint32_t))) ||
	    !(t->desc[1] = calloc(n_sk + 1, sizeof(uint32_t))))
		goto fail;
	for (i = 0; i < n_occ; i++) {
		const esco_occupation *o = esco_occupation_at(tax, i);

		if (desc_add(t, o->description, &t->desc[0][i]))
			goto fail;
		t->first[0][i] = (uint32_t)t->n_lab;
		if (labels_add_concept(t, o, ESCO_KIND_OCCUPATION, o->uri, (uint32_t)i, o->labels,
				       skip, arg))
			goto fail;
	}
	t->first[0][n_occ] = (uint32_t)t->n_lab;
	for (i = 0; i < n_sk; i++) {
		const esco_skill *sk = esco_skill_at(tax, i);

		if (desc_add(t, sk->description, &t->desc[1][i]))
			goto fail;
		t->first[1][i] = (uint32_t)t->n_lab;
		if (labels_add_concept(t, sk, ESCO_KIND_SKILL, sk->uri, (uint32_t)i, sk->labels, skip,
				       arg))
			goto fail;
	}
	t->first[1][n_sk] = (uint32_t)t->n_lab;
	for (s = 0; s < 2; s++) {
		size_t lo = t->first[s][0], hi = t->first[s][s ? n_sk : n_occ], n = 0, cap = 0;

		t->n_kind_lab[s] = hi - lo;

		for (i = lo; i < hi; i++) {
			const char *f = t->text.p + t->lab[i].fold;

			for (k = 0; f[k]; k++)
				cap += k == 0 || f[k - 1] == ' ';
		}
		if (!(t->words[s] = malloc((cap ? cap : 1) * sizeof *t->words[s])))
			goto fail;
		for (i = lo; i < hi; i++) {
			const struct tlabel *L = &t->lab[i];
			const char *f = t->text.p + L->fold;

			for (k = 0; f[k]; k++)
				if (k == 0 || f[k - 1] == ' ') {
					size_t wl = strcspn(f + k, " ");
					unsigned bits = L->lang | (unsigned)L->type << 2;

					bits |= k == 0 ? TW_FIRST : 0;
					bits |= k == 0 && !f[wl] ? TW_ONE : 0;
					t->words[s][n++] = (struct tword){
						(uint32_t)(L->fold + k), (uint32_t)i, L->concept_idx,
						L->flen, (uint8_t)(wl < 255 ? wl : 255), (uint8_t)bits};
				}
		}
		qsort_r(t->words[s], n, sizeof *t->words[s], tword_cmp, t->text.p);
		t->n_words[s] = n;
		mark_names_that_are_words(t, s);
	}
	if (tax__syn_learn(t, n_occ, n_sk) || tax__rw_learn(t, n_occ, n_sk) ||
	    tax__der_learn(t, n_occ, n_sk) || tax__piv_learn(t))
		goto fail;
	for (s = 0; s < 2; s++) {
		size_t lo = t->first[s][0], hi = t->first[s][s ? n_sk : n_occ];

		if (!(t->by_fold[s] = malloc((hi - lo + 1) * sizeof *t->by_fold[s])))
			goto fail;
		for (i = lo; i < hi; i++)
			t->by_fold[s][i - lo] = (uint32_t)i;
		qsort_r(t->by_fold[s], hi - lo, sizeof *t->by_fold[s], fold_cmp, t);
		t->n_by_fold[s] = hi - lo;
	}
	return t;
fail:
	taxonomy_labels_free(t);
	return NULL;
}

static void load_labels(void)
{
	const esco *tax = taxonomy_esco();

	if (tax)
		g_labels = taxonomy_labels_new(tax, NULL, NULL);
}

/* The process-wide label table, or NULL (out of memory, or no ESCO). */
const struct tax_labels *tax__labels(void)
{
	pthread_once(&labels_once, load_labels);
	return g_labels;
}

/* Entries [*lo, *hi) of kind slot s whose word starts with p. */
void tax__word_range(const struct tax_labels *t, int s, const char *p, size_t plen, size_t *lo,
		     size_t *hi)
{
	size_t a = 0, b = t->n_words[s];

	while (a < b) { /* first entry not before p */
		size_t m = a + (b - a) / 2;

		if (word_vs_prefix(t->text.p + t->words[s][m].word, p, plen) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	b = t->n_words[s];
	while (a < b) { /* first entry after p */
		size_t m = a + (b - a) / 2;

		if (word_vs_prefix(t->text.p + t->words[s][m].word, p, plen) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}
