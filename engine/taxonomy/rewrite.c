/*
 * rewrite.c - rewrite rules learned from the labels, and the candidates
 * they give.
 *
 * Two labels of one concept in one language that share their last words
 * ("read Turkish", "understand written Turkish") or their first words give
 * a rule: the differing head (or tail) of one may be replaced by the
 * other's ("read *" -> "understand written *"). A rule seen in at least
 * RW_MIN concepts is kept (the RW_PER most frequent per replaced part).
 * Normalisation applies each rule that fits the text and looks the result
 * up among the labels: a concept that holds the rewritten text as a label
 * becomes a candidate, with the rule's support as a feature
 * (TAX_F_REWRITE). Learned from the labels of the table, so an evaluation
 * table learns nothing from its held-out labels. The rules point into the
 * table's folded text, 24 bytes each; learning counts the concepts of each
 * distinct rule in a hash table (about 20 MB while learning, freed after).
 */
#include "engine/taxonomy/internal.h"

#include "engine/core/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RW_WORDS 4 /* longest replaced part, in words */
#define RW_MIN 3
#define RW_PER 24

struct rw {
	uint64_t h;         /* hash of side, lang, both parts (the learning's table) */
	uint32_t a, b;      /* offsets in text of the replaced part and its replacement */
	uint8_t alen, blen;
	uint8_t lang, side; /* side 0: the parts are heads ("A *"), 1: tails ("* A") */
	uint32_t count;     /* concepts with the rule */
};

static uint64_t rw_hash(const char *text, const struct rw *r)
{
	uint64_t h = HASH_FNV64_BASIS;

	h = hash_add_byte(h, r->side);
	h = hash_add_byte(h, r->lang);
	h = hash_add(h, text + r->a, r->alen);
	h = hash_add_byte(h, 0xffu);
	return hash_add(h, text + r->b, r->blen);
}

static int span_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

/* By side, language, replaced part: the key both orders share. */
static int rw_cmp_part(const struct rw *p, const struct rw *q, const char *tx)
{
	if (p->side != q->side)
		return p->side < q->side ? -1 : 1;
	if (p->lang != q->lang)
		return p->lang < q->lang ? -1 : 1;
	return span_cmp(tx + p->a, p->alen, tx + q->a, q->alen);
}

/* By side, language, replaced part, replacement. */
static int rw_cmp(const void *x, const void *y, void *text)
{
	const struct rw *p = x, *q = y;
	const char *tx = text;
	int c = rw_cmp_part(p, q, tx);

	return c ? c : span_cmp(tx + p->b, p->blen, tx + q->b, q->blen);
}

/* As rw_cmp up to the replaced part, then the most frequent first. */
static int rw_cmp_count(const void *x, const void *y, void *text)
{
	const struct rw *p = x, *q = y;
	const char *tx = text;
	int c = rw_cmp_part(p, q, tx);

	if (c)
		return c;
	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return span_cmp(tx + p->b, p->blen, tx + q->b, q->blen);
}

/* Word starts and lengths of a folded label (single spaces between words). */
static size_t word_spans(const char *f, size_t flen, uint16_t *st, uint16_t *len, size_t max)
{
	size_t n = 0, i = 0;

	while (i < flen && n < max) {
		size_t e = i;

		while (e < flen && f[e] != ' ')
			e++;
		st[n] = (uint16_t)i;
		len[n++] = (uint16_t)(e - i);
		i = e + 1;
	}
	return i < flen ? 0 : n; /* too many words: none */
}

static int rw_push(const char *text, struct rw **arr, size_t *n, size_t *cap, struct rw r)
{
	r.h = rw_hash(text, &r);
	if (array_grow((void **)arr, cap, *n + 1, sizeof **arr, TAX_LABELS_MAX))
		return -1;
	(*arr)[(*n)++] = r;
	return 0;
}

/* Word spans of the labels of one concept, made once per concept. */
struct spans {
	uint16_t st[MAX_WORDS], len[MAX_WORDS];
	size_t n;
};

/* The rules of one concept's labels [lo, hi) appended to arr (a rule may
 * come more than once); sp has room for *sp_cap labels (grown as needed). */
static int rw_concept(struct tax_labels *t, size_t lo, size_t hi, struct rw **arr, size_t *n,
		      size_t *cap, struct spans **sp, size_t *sp_cap)
{
	size_t i, j;

	if (array_grow((void **)sp, sp_cap, hi - lo, sizeof **sp, TAX_LABELS_MAX))
		return -1;
	for (i = lo; i < hi; i++)
		(*sp)[i - lo].n = word_spans(t->text.p + t->lab[i].fold, t->lab[i].flen,
					     (*sp)[i - lo].st, (*sp)[i - lo].len, MAX_WORDS);
	for (i = lo; i < hi; i++) {
		const struct tlabel *A = &t->lab[i];
		const char *fa = t->text.p + A->fold;
		const uint16_t *as = (*sp)[i - lo].st, *al = (*sp)[i - lo].len;
		size_t na = (*sp)[i - lo].n;

		if (!na)
			continue;
		for (j = lo; j < hi; j++) {
			const struct tlabel *B = &t->lab[j];
			const char *fb = t->text.p + B->fold;
			const uint16_t *bs = (*sp)[j - lo].st, *bl = (*sp)[j - lo].len;
			size_t nb = (*sp)[j - lo].n, cs = 0, cp = 0;

			if (j == i || B->lang != A->lang || !nb)
				continue;
			while (cs < na && cs < nb &&
			       span_cmp(fa + as[na - 1 - cs], al[na - 1 - cs], fb + bs[nb - 1 - cs],
					bl[nb - 1 - cs]) == 0)
				cs++;
			while (cp < na && cp < nb &&
			       span_cmp(fa + as[cp], al[cp], fb + bs[cp], bl[cp]) == 0)
				cp++;
			/* Heads differ, tails shared: "A *" -> "B *". */
			if (cs >= 1 && na - cs >= 1 && nb - cs >= 1 && na - cs <= RW_WORDS &&
			    nb - cs <= RW_WORDS) {
				size_t ae = (size_t)as[na - cs] - 1, be = (size_t)bs[nb - cs] - 1;

				if (ae < 256 && be < 256 &&
				    rw_push(t->text.p, arr, n, cap,
					    (struct rw){0, A->fold, B->fold, (uint8_t)ae, (uint8_t)be,
							A->lang, 0, 1}))
					return -1;
			}
			/* Tails differ, heads shared: "* A" -> "* B". */
			if (cp >= 1 && na - cp >= 1 && nb - cp >= 1 && na - cp <= RW_WORDS &&
			    nb - cp <= RW_WORDS) {
				size_t ab = as[cp], bb = bs[cp];

				if (A->flen - ab < 256 && B->flen - bb < 256 &&
				    rw_push(t->text.p, arr, n, cap,
					    (struct rw){0, (uint32_t)(A->fold + ab), (uint32_t)(B->fold + bb),
							(uint8_t)(A->flen - ab), (uint8_t)(B->flen - bb),
							A->lang, 1, 1}))
					return -1;
			}
		}
	}
	return 0;
}

/* The distinct rules while learning: an open-addressing table of indices
 * into uniq, with the concept that counted each rule last (once per concept). */
struct rw_table {
	uint32_t *slot; /* index + 1 into uniq, 0 empty */
	size_t mask;
	struct rw *uniq;
	uint32_t *last; /* concept (global number + 1) that counted it last */
	size_t n, cap;
};

static int rw_table_grow(struct rw_table *T)
{
	size_t size = T->mask ? (T->mask + 1) * 2 : 1 << 16, i;
	uint32_t *ns = calloc(size, sizeof *ns);

	if (!ns)
		return -1;
	for (i = 0; i < T->n; i++) {
		size_t at = (size_t)T->uniq[i].h & (size - 1);

		while (ns[at])
			at = (at + 1) & (size - 1);
		ns[at] = (uint32_t)(i + 1);
	}
	free(T->slot);
	T->slot = ns;
	T->mask = size - 1;
	return 0;
}

/* Counts rule r for concept g (once per concept). */
static int rw_table_count(struct rw_table *T, const char *text, const struct rw *r, uint32_t g)
{
	size_t at;

	if ((T->n + 1) * 2 > T->mask + 1 && rw_table_grow(T))
		return -1;
	for (at = (size_t)r->h & T->mask; T->slot[at]; at = (at + 1) & T->mask) {
		size_t e = T->slot[at] - 1;

		if (T->uniq[e].h == r->h && rw_cmp(&T->uniq[e], r, (void *)text) == 0) {
			if (T->last[e] != g) {
				T->last[e] = g;
				T->uniq[e].count++;
			}
			return 0;
		}
	}
	if (T->n == T->cap) {
		/* uniq and last grow together: the same capacity for both */
		size_t cu = T->cap, cl = T->cap;

		if (array_grow((void **)&T->uniq, &cu, T->n + 1, sizeof *T->uniq, TAX_LABELS_MAX) ||
		    array_grow((void **)&T->last, &cl, T->n + 1, sizeof *T->last, TAX_LABELS_MAX))
			return -1;
		T->cap = cu;
	}
	T->uniq[T->n] = *r;
	T->uniq[T->n].count = 1;
	T->last[T->n] = g;
	T->slot[at] = (uint32_t)(++T->n);
	return 0;
}

int tax__rw_learn(struct tax_labels *t, size_t n_occ, size_t n_sk)
{
	struct rw *arr = NULL, *out = NULL;
	struct spans *sp = NULL;
	struct rw_table T = {0};
	size_t n = 0, cap = 0, i, k, n_out = 0, w, sp_cap = 0;
	int s, rc = -1;

	if (rw_table_grow(&T))
		goto out;
	for (s = 0; s < 2; s++) {
		size_t nc = s ? n_sk : n_occ;

		for (i = 0; i < nc; i++) {
			uint32_t g = (uint32_t)((s ? n_occ : 0) + i + 1);

			n = 0;
			if (rw_concept(t, t->first[s][i], t->first[s][i + 1], &arr, &n, &cap, &sp,
				       &sp_cap))
				goto out;
			for (k = 0; k < n; k++)
				if (rw_table_count(&T, t->text.p, &arr[k], g))
					goto out;
		}
	}
	for (i = 0; i < T.n; i++)
		n_out += T.uniq[i].count >= RW_MIN;
	if (n_out && !(out = malloc(n_out * sizeof *out)))
		goto out;
	for (i = 0, k = 0; i < T.n; i++)
		if (T.uniq[i].count >= RW_MIN)
			out[k++] = T.uniq[i];
	/* The RW_PER most frequent per replaced part. */
	if (n_out)
		qsort_r(out, n_out, sizeof *out, rw_cmp_count, t->text.p);
	for (i = 0, w = 0, k = 0; i < n_out; i++) {
		if (i == 0 || out[i].side != out[i - 1].side || out[i].lang != out[i - 1].lang ||
		    span_cmp(t->text.p + out[i].a, out[i].alen, t->text.p + out[i - 1].a,
			     out[i - 1].alen) != 0)
			k = 0;
		if (k++ < RW_PER)
			out[w++] = out[i];
	}
	t->rw = out;
	t->n_rw = w;
	out = NULL;
	rc = 0;
out:
	free(out);
	free(arr);
	free(sp);
	free(T.slot);
	free(T.uniq);
	free(T.last);
	return rc;
}

/* Rules [*lo, *hi) of side and lang whose replaced part is a (alen bytes). */
static void rw_range(const struct tax_labels *t, int side, int lang, const char *a, size_t alen,
		     size_t *lo, size_t *hi)
{
	size_t x = 0, y = t->n_rw;

	while (x < y) {
		size_t m = x + (y - x) / 2;
		const struct rw *r = &t->rw[m];
		int c = r->side != side ? (r->side < side ? -1 : 1)
			: r->lang != lang ? (r->lang < lang ? -1 : 1)
					  : span_cmp(t->text.p + r->a, r->alen, a, alen);

		if (c < 0)
			x = m + 1;
		else
			y = m;
	}
	*lo = x;
	while (x < t->n_rw && t->rw[x].side == side && t->rw[x].lang == lang &&
	       span_cmp(t->text.p + t->rw[x].a, t->rw[x].alen, a, alen) == 0)
		x++;
	*hi = x;
}

/* Words [from, to) of u joined by single spaces into out (size FOLD_MAX). */
static void join_words(const struct units *u, size_t from, size_t to, char *out)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = from; i < to; i++) {
		int k = snprintf(out + len, FOLD_MAX - len, "%s%s", i > from ? " " : "", u->w[i]);

		if (k < 0 || (size_t)k >= FOLD_MAX - len)
			return;
		len += (size_t)k;
	}
}

/* Candidates from the rewrite rules (see rw_learn): every rule whose
 * replaced part is the text's first (side 0) or last (side 1) one to
 * RW_WORDS words, in any language; a concept holding the rewritten text as a
 * label gets the rule's support log(1 + concepts) / 5 (at most 1) in rw. */
void tax__rewrite_cands(const struct tax_labels *t, esco_kind kind, const struct units *u,
			struct cand *c, size_t *nc)
{
	int s = tax__kind_slot(kind), side, lang;
	size_t p, r, lo, hi, flo, fhi, f;
	char a[FOLD_MAX], var[FOLD_MAX], out[FOLD_MAX];

	for (side = 0; side < 2; side++)
		for (p = 1; p <= RW_WORDS && p < u->n; p++) {
			if (side == 0) {
				join_words(u, 0, p, a);
				join_words(u, p, u->n, var);
			} else {
				join_words(u, u->n - p, u->n, a);
				join_words(u, 0, u->n - p, var);
			}
			for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
				rw_range(t, side, lang, a, strlen(a), &lo, &hi);
				for (r = lo; r < hi; r++) {
					const struct rw *R = &t->rw[r];
					double sc = log(1.0 + R->count) / 5;
					int k = side == 0 ? snprintf(out, sizeof out, "%.*s %s", (int)R->blen,
								     t->text.p + R->b, var)
							  : snprintf(out, sizeof out, "%s %.*s", var,
								     (int)R->blen, t->text.p + R->b);

					if (k < 0 || (size_t)k >= sizeof out)
						continue;
					tax__fold_range(t, s, out, &flo, &fhi);
					for (f = flo; f < fhi; f++) {
						const struct tlabel *L = &t->lab[t->by_fold[s][f]];
						const char *uri = kind == ESCO_KIND_OCCUPATION
							? ((const esco_occupation *)L->concept)->uri
							: ((const esco_skill *)L->concept)->uri;
						struct cand *x =
							tax__find_cand(c, nc, MAX_CANDS + RW_CANDS, uri);

						if (!x)
							continue;
						if (!x->concept)
							x->concept = L->concept;
						if (sc > x->rw)
							x->rw = sc > 1 ? 1 : sc;
					}
				}
			}
		}
}
