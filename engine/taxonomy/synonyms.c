/*
 * synonyms.c - synonyms learned from the labels.
 *
 * Two labels of the same concept in the same language that differ in one
 * word only ("understand written Tamil", "comprehend written Tamil") pair
 * those two words. A pair seen in at least SYN_MIN_CONCEPTS concepts is a
 * synonym the confidence accepts (word_match SYN_SCORE). Learned from the
 * labels of the table, so an evaluation table built without its held-out
 * labels learns nothing from them.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYN_MIN_CONCEPTS 2

struct syn {
	char a[WORD_MAX];
	char b[WORD_MAX];
	uint32_t count;
};

static int syn_cmp(const void *x, const void *y)
{
	const struct syn *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	return c ? c : strcmp(p->b, q->b);
}

/* By a, then the most frequent pairs first (a word keeps its SYN_MAX best). */
static int syn_cmp_count(const void *x, const void *y)
{
	const struct syn *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	if (c)
		return c;
	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return strcmp(p->b, q->b);
}

static int syn_push(struct syn **arr, size_t *n, size_t *cap, const char *a, const char *b)
{
	if (array_grow((void **)arr, cap, *n + 1, sizeof **arr, TAX_LABELS_MAX))
		return -1;
	snprintf((*arr)[*n].a, WORD_MAX, "%s", a);
	snprintf((*arr)[*n].b, WORD_MAX, "%s", b);
	(*arr)[*n].count = 1;
	(*n)++;
	return 0;
}

/* The pairs of one concept's labels [lo, hi) into arr (a < b, once per
 * concept: duplicates within the concept are removed by the caller). */
static int syn_concept(const struct tax_labels *t, size_t lo, size_t hi, struct syn **arr,
		       size_t *n, size_t *cap)
{
	size_t i, j, k, start = *n;

	for (i = lo; i < hi; i++) {
		char fi[FOLD_MAX], *wi[MAX_WORDS];
		size_t ni;

		memcpy(fi, t->text.p + t->lab[i].fold, (size_t)t->lab[i].flen + 1);
		ni = tax__split_words(fi, wi, MAX_WORDS);
		if (ni < 2)
			continue;
		for (j = i + 1; j < hi; j++) {
			char fj[FOLD_MAX], *wj[MAX_WORDS];
			size_t nj, diff = 0, at = 0;

			if (t->lab[j].lang != t->lab[i].lang)
				continue;
			memcpy(fj, t->text.p + t->lab[j].fold, (size_t)t->lab[j].flen + 1);
			nj = tax__split_words(fj, wj, MAX_WORDS);
			if (nj != ni)
				continue;
			for (k = 0; k < ni && diff < 2; k++)
				if (strcmp(wi[k], wj[k]) != 0) {
					diff++;
					at = k;
				}
			if (diff != 1 || tax__is_stopword(wi[at]) || tax__is_stopword(wj[at]) ||
			    tax__word_match(wi[at], wj[at]) > 0)
				continue;
			if (strcmp(wi[at], wj[at]) < 0 ? syn_push(arr, n, cap, wi[at], wj[at])
						       : syn_push(arr, n, cap, wj[at], wi[at]))
				return -1;
		}
	}
	/* Once per concept. */
	if (*n - start > 1) {
		size_t w = start;

		qsort(*arr + start, *n - start, sizeof **arr, syn_cmp);
		for (i = start; i < *n; i++)
			if (i == start || syn_cmp(&(*arr)[i], &(*arr)[w - 1]) != 0)
				(*arr)[w++] = (*arr)[i];
		*n = w;
	}
	return 0;
}

int tax__syn_learn(struct tax_labels *t, size_t n_occ, size_t n_sk)
{
	struct syn *arr = NULL, *out = NULL;
	size_t n = 0, cap = 0, i, k, n_out = 0;
	int s;

	for (s = 0; s < 2; s++) {
		size_t nc = s ? n_sk : n_occ;

		for (i = 0; i < nc; i++)
			if (syn_concept(t, t->first[s][i], t->first[s][i + 1], &arr, &n, &cap))
				goto fail;
	}
	if (n)
		qsort(arr, n, sizeof *arr, syn_cmp);
	/* Count the concepts of each pair; keep the frequent ones, both ways. */
	for (i = 0, k = 0; i < n; i = k) {
		for (k = i + 1; k < n && syn_cmp(&arr[i], &arr[k]) == 0; k++)
			;
		if (k - i >= SYN_MIN_CONCEPTS) {
			arr[n_out] = arr[i];
			arr[n_out++].count = (uint32_t)(k - i);
		}
	}
	if (n_out) {
		out = malloc(2 * n_out * sizeof *out);
		if (!out)
			goto fail;
		for (i = 0; i < n_out; i++) {
			out[2 * i] = arr[i];
			out[2 * i + 1] = arr[i];
			memcpy(out[2 * i + 1].a, arr[i].b, WORD_MAX);
			memcpy(out[2 * i + 1].b, arr[i].a, WORD_MAX);
		}
		qsort(out, 2 * n_out, sizeof *out, syn_cmp_count);
	}
	free(arr);
	t->syn = out;
	t->n_syn = 2 * n_out;
	return 0;
fail:
	free(arr);
	return -1;
}

/* The synonyms of w (pointers into t), up to max, most attested first;
 * count (may be NULL) gets in how many concepts each pair was seen. */
size_t tax__syn_of(const struct tax_labels *t, const char *w, const char **out, uint32_t *count,
		   size_t max)
{
	size_t a = 0, b = t->n_syn, n = 0;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(t->syn[m].a, w) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; a < t->n_syn && n < max && strcmp(t->syn[a].a, w) == 0; a++) {
		if (count)
			count[n] = t->syn[a].count;
		out[n++] = t->syn[a].b;
	}
	return n;
}
