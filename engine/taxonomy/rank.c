/*
 * rank.c - ranking and confidence: the query words of a text with their
 * weights, the confidence that a concept is what the text means, and the
 * re-ranker's features and fitted weights. The confidence is computed apart
 * from BM25 (whose scale means nothing across queries) from word coverage;
 * see tax__confidence() and docs/taxonomy.md.
 */
#include "engine/taxonomy/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_UNION 0.2 /* confidence: share of the text's words found in any label (see tax__confidence) */
#define ALT_PEN 0.9    /* an alternative label's evidence against a preferred one */

/* The re-ranker: a candidate of the re-ranked pool is ordered by the dot
 * product of these weights with its features (TAX_F_*). Fitted on the
 * development sample only (eval_taxonomy --split dev --train: a conditional
 * logit over each held-out label's pool, L2 0.001 towards the earlier hand-set
 * weights 0.1 BM25 + 0.9 ONE; docs/taxonomy.md), never on the test sample. */
const double taxonomy_rerank_w[TAX_NFEAT] = {
	[TAX_F_BM25] = 1.9683,
	[TAX_F_ONE] = 3.0225,
	[TAX_F_SCORE] = 2.3236,
	[TAX_F_BESTF] = 2.0373,
	[TAX_F_UNION] = 2.4637,
	[TAX_F_PREC] = 1.9394,
	[TAX_F_HEAD_ANY] = 0.5374,
	[TAX_F_HEAD_BEST] = -0.2384,
	[TAX_F_DESC] = 1.4565,
	[TAX_F_NLAB] = -0.1778,
	[TAX_F_PREF_F] = 1.0751,
	[TAX_F_REWRITE] = 3.3367,
};

/* Labels of kind slot s holding the word w (whole word; counted once per
 * word occurrence, which is a label's words nearly always). */
size_t tax__word_df(const struct tax_labels *t, int s, const char *w)
{
	size_t lo, hi, a, b, len = strlen(w);

	tax__word_range(t, s, w, len, &lo, &hi);
	/* In the range, the word itself sorts first (its end before any letter). */
	a = lo;
	b = hi;
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (tax__word_cmp_at(t->text.p + t->words[s][m].word, w) == 0)
			a = m + 1;
		else
			b = m;
	}
	return a - lo;
}

double tax__idf(const struct tax_labels *t, int s, const char *w)
{
	return log(((double)t->n_kind_lab[s] + 1) / ((double)tax__word_df(t, s, w) + 1));
}

/*
 * A typed word that no label of the kind holds, of TYPO_MIN_LEN letters or
 * more, and exactly one label word one edit away (a letter left out, added,
 * changed or two swapped: "weldr", "welder"): that word is meant, and counts
 * TYPO_SCORE, as an inflection does. word_match alone gives a one-edit typo
 * 1 - 1/length, under TAX_MIN_SCORE for a word of 6 letters or fewer, so a
 * short occupation typed wrong was refused. Two label words one edit away
 * ("tiler": "tiles", "filer") leave the typo to word_match. The edits are
 * looked up in the word array (a few hundred binary searches), only for a
 * word the labels lack. Letters a-z: folding took the accents off.
 */
#define TYPO_MIN_LEN 5
#define TYPO_SCORE 0.9

int tax__each_one_edit(const char *w, int (*visit)(const char *v, void *arg), void *arg)
{
	char v[WORD_MAX + 2];
	size_t n = strlen(w), i;
	int c, rc;

	if (n + 2 > sizeof v)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n) { /* a letter left out */
			memcpy(v, w, i);
			memcpy(v + i, w + i + 1, n - i);
			if ((rc = visit(v, arg)) != 0)
				return rc;
		}
		if (i + 1 < n && w[i] != w[i + 1]) { /* two letters swapped */
			memcpy(v, w, n + 1);
			v[i] = w[i + 1];
			v[i + 1] = w[i];
			if ((rc = visit(v, arg)) != 0)
				return rc;
		}
		for (c = 'a'; c <= 'z'; c++) {
			if (i < n && w[i] != c) { /* a letter changed */
				memcpy(v, w, n + 1);
				v[i] = (char)c;
				if ((rc = visit(v, arg)) != 0)
					return rc;
			}
			memcpy(v, w, i); /* a letter added */
			v[i] = (char)c;
			memcpy(v + i + 1, w + i, n - i + 1);
			if ((rc = visit(v, arg)) != 0)
				return rc;
		}
	}
	return 0;
}

struct one_label_word {
	const struct tax_labels *t;
	int s;
	char found[WORD_MAX];
};

/* 1 (stop) at a second label word: the typo is no one word's. */
static int label_word(const char *v, void *arg)
{
	struct one_label_word *o = arg;

	if (strlen(v) < TYPO_MIN_LEN || strcmp(v, o->found) == 0 || tax__is_stopword(v) ||
	    !tax__word_df(o->t, o->s, v))
		return 0;
	if (o->found[0])
		return 1;
	snprintf(o->found, sizeof o->found, "%s", v);
	return 0;
}

static void one_edit_word(const struct tax_labels *t, int s, const char *w, char *fix)
{
	struct one_label_word o = {t, s, ""};

	fix[0] = '\0';
	if (strlen(w) < TYPO_MIN_LEN || tax__word_df(t, s, w))
		return;
	if (tax__each_one_edit(w, label_word, &o) == 0 && o.found[0])
		memcpy(fix, o.found, strlen(o.found) + 1);
}

void tax__make_units(const struct tax_labels *t, int s, const char *folded, struct units *u)
{
	size_t i;
	double n_lab = (double)t->n_kind_lab[s] + 1;

	snprintf(u->buf, sizeof u->buf, "%s", folded);
	u->n = tax__split_words(u->buf, u->w, MAX_WORDS);
	u->ranking = 0;
	for (i = 0; i < u->n; i++) {
		const char *x = tax__acronym_expansion(u->w[i]);
		uint32_t cnt[SYN_MAX];
		size_t k;

		u->n_exp[i] = 0;
		u->n_syn[i] = tax__is_stopword(u->w[i]) ? 0
							: tax__syn_of(t, u->w[i], u->syn[i], cnt, SYN_MAX);
		/* For ranking, a synonym counts by how well it is attested
		 * beside the word's best partner (the first: most attested):
		 * "care" / "protection", seen in 2 concepts while "care" /
		 * "support" is seen in 8, is a weaker reading of "care" than
		 * an alternative label holding "care" itself. The confidence
		 * keeps SYN_SCORE: a weaker synonym there put 1-2% of labels
		 * under the threshold (docs/taxonomy.md, round 14). */
		for (k = 0; k < u->n_syn[i]; k++)
			u->syn_rank[i][k] = SYN_SCORE * (1.0 + (double)cnt[k] / (double)cnt[0]) / 2.0;
		u->weight[i] = log(n_lab / ((double)tax__word_df(t, s, u->w[i]) + 1));
		u->n_der[i] = tax__derived_words(t, s, u->w[i], u->der[i], DER_MAX);
		if (tax__is_stopword(u->w[i]))
			u->fix[i][0] = '\0';
		else
			one_edit_word(t, s, u->w[i], u->fix[i]);
		/* This word and the next one typed apart, that the labels also
		 * write as one word ("oxy-acetylene", "oxyacetylene cutter";
		 * "fork lift", "forklift"): that word matches both. */
		u->join[i][0] = '\0';
		if (i + 1 < u->n && !tax__is_stopword(u->w[i]) && !tax__is_stopword(u->w[i + 1])) {
			size_t la = strlen(u->w[i]), lb = strlen(u->w[i + 1]);

			if (la + lb < WORD_MAX) {
				memcpy(u->join[i], u->w[i], la);
				memcpy(u->join[i] + la, u->w[i + 1], lb + 1);
				if (!tax__word_df(t, s, u->join[i]))
					u->join[i][0] = '\0';
			}
		}
		if (x) {
			taxonomy_fold(x, u->exp_buf[i], sizeof u->exp_buf[i]);
			u->n_exp[i] = tax__split_words(u->exp_buf[i], u->exp_w[i], 8);
		}
	}
}

/* word_match of every query word (and acronym expansion word) against every
 * word of one label, computed once per label. */
struct label_match {
	double w[MAX_WORDS][MAX_WORDS];        /* [unit][label word] */
	double x[MAX_WORDS][8][MAX_WORDS];     /* [unit][expansion word][label word] */
	int weak; /* a synonym whose ranking value is under SYN_SCORE matched a label word */
};

/* What synonym k of query word i counts: SYN_SCORE in the confidence,
 * its graded value when candidates are ranked (u->ranking). */
static double syn_value(const struct units *u, size_t i, size_t k)
{
	return u->ranking ? u->syn_rank[i][k] : SYN_SCORE;
}

static void match_label(const struct units *u, char *const *lw, size_t nl, uint32_t names,
			int name_is_word, int lang, struct label_match *m)
{
	size_t i, j, k;

	m->weak = 0;
	for (i = 0; i < u->n; i++)
		for (j = 0; j < nl; j++) {
			/* A name ("Harvest", a product) is that name, not an
			 * inflection or typo of a common word; a synonym
			 * ESCO's own labels pair it with still counts. */
			if (j < 32 && (names >> j & 1)) {
				/* ... and a name that is also a common word is
				 * the word when typed without a capital */
				m->w[i][j] = strcmp(u->w[i], lw[j]) == 0 &&
					     !(name_is_word && u->typed_lower);
				for (k = 0; !m->w[i][j] && k < u->n_syn[i]; k++)
					if (strcmp(u->syn[i][k], lw[j]) == 0) {
						m->w[i][j] = syn_value(u, i, k);
						m->weak |= u->syn_rank[i][k] < SYN_SCORE;
					}
				for (k = 0; k < u->n_exp[i]; k++)
					m->x[i][k][j] = strcmp(u->exp_w[i][k], lw[j]) == 0;
				continue;
			}
			m->w[i][j] = tax__word_match_lang(u->w[i], lw[j], lang);
			for (k = 0; k < u->n_syn[i]; k++)
				if (m->w[i][j] < syn_value(u, i, k) && strcmp(u->syn[i][k], lw[j]) == 0) {
					m->w[i][j] = syn_value(u, i, k);
					m->weak |= u->syn_rank[i][k] < SYN_SCORE;
				}
			/* A noun typed for the label's verb (derive.c). */
			for (k = 0; m->w[i][j] < TAX_DERIVED_SCORE && k < u->n_der[i]; k++)
				if (strcmp(u->der[i][k], lw[j]) == 0)
					m->w[i][j] = TAX_DERIVED_SCORE;
			/* The one label word a typo is one edit from. */
			if (m->w[i][j] < TYPO_SCORE && u->fix[i][0] && strcmp(u->fix[i], lw[j]) == 0)
				m->w[i][j] = TYPO_SCORE;
			for (k = 0; k < u->n_exp[i]; k++)
				m->x[i][k][j] = tax__word_match(u->exp_w[i][k], lw[j]);
		}
	/* A label word that two typed words make together counts for both. */
	for (i = 0; i + 1 < u->n; i++)
		for (j = 0; u->join[i][0] && j < nl; j++)
			if (strcmp(u->join[i], lw[j]) == 0)
				m->w[i][j] = m->w[i + 1][j] = 1.0;
}

/* How well label words cover unit i, in [0,1]. */
static double unit_covered(const struct units *u, size_t i, const struct label_match *m, size_t nl)
{
	size_t j, k;
	double best = 0, sum = 0;

	for (j = 0; j < nl; j++)
		if (m->w[i][j] > best)
			best = m->w[i][j];
	if (best == 1.0 || !u->n_exp[i])
		return best;
	/* An acronym is covered as well as the worst word of its spelt-out form. */
	for (k = 0; k < u->n_exp[i]; k++) {
		double wb = 0;

		for (j = 0; j < nl; j++)
			if (m->x[i][k][j] > wb)
				wb = m->x[i][k][j];
		sum = k == 0 || wb < sum ? wb : sum;
	}
	return sum > best ? sum : best;
}

/* 1 when label word j is the one query word i matches best in the label
 * (the first of equals). */
static int best_word_of(const struct label_match *m, size_t i, size_t j, size_t nl)
{
	size_t x;

	for (x = 0; x < nl; x++)
		if (x != j && (m->w[i][x] > m->w[i][j] || (m->w[i][x] == m->w[i][j] && x < j)))
			return 0;
	return 1;
}

/* How well label word j is matched by the query words (or expansions). A
 * query word counts for one word of the label, the one it matches best: one
 * typed "engineer" is not both the "engine" (a shared stem) and the
 * "designer" (a learned synonym) of "engine designer". An acronym's
 * expansion still covers as many words as it spells out. */
static double label_word_covered(const struct units *u, const struct label_match *m, size_t j,
				 size_t nl)
{
	size_t i, k;
	double best = 0;

	for (i = 0; i < u->n; i++) {
		if (m->w[i][j] > best && best_word_of(m, i, j, nl))
			best = m->w[i][j];
		for (k = 0; k < u->n_exp[i]; k++)
			if (m->x[i][k][j] > best)
				best = m->x[i][k][j];
	}
	return best;
}

/*
 * The confidence that the concept is what the text means, in [0,1]:
 * 0.2 x the share of the text's content words found in some label of the
 * concept (any language; an acronym counts when all words of its spelt-out
 * form are there) + 0.8 x the best match of one label with the text: the
 * harmonic mean (F1) of the share of the text's words that label covers and
 * the share of the label's content words that the text covers (x 0.9 for an
 * alternative label). Text words weigh by their IDF over the kind's labels
 * (a rare word says more than "manage"); words count by how much they match
 * (word_match: 1 equal, 0.9 an inflection, less for a typo; SYN_SCORE a
 * synonym learned from the labels). The weights and TAX_MIN_SCORE were set
 * on the held-out evaluation (docs/taxonomy.md). The labels come folded
 * from the table in memory.
 */
/* Equal words, or an inflection (word_match's shared-stem rule): the cheap
 * test the description feature uses on every word of a description. */
static int word_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), k = 0, m = la > lb ? la : lb;

	if (strcmp(a, b) == 0)
		return 1;
	if (la < 4 || lb < 4)
		return 0;
	while (a[k] && a[k] == b[k])
		k++;
	return k >= 4 && k * 4 >= m * 3;
}

int tax__head_word(char *const *w, size_t n, int lang)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t j = lang == ESCO_LANG_EN ? n - 1 - i : i;

		if (!tax__is_stopword(w[j]))
			return (int)j;
	}
	return -1;
}

/* IDF-weighted share of the text's content words (wt) found in the
 * concept's folded English description, equal or inflected. */
static double desc_share(const struct units *u, const double *wt, double content, const char *desc)
{
	char buf[DESC_MAX], *dw[512];
	size_t nd, i, j;
	double found = 0;

	snprintf(buf, sizeof buf, "%s", desc);
	nd = tax__split_words(buf, dw, sizeof dw / sizeof dw[0]);
	for (i = 0; i < u->n; i++) {
		if (wt[i] <= 0)
			continue;
		for (j = 0; j < nd; j++)
			if (word_same(u->w[i], dw[j])) {
				found += wt[i];
				break;
			}
	}
	return content > 0 ? found / content : 0;
}

double tax__confidence(const struct tax_labels *t, const struct units *u, const void *concept,
		       esco_kind kind, double *score, double *feat)
{
	return tax__confidence_syn(t, u, concept, kind, score, feat, NULL);
}

double tax__confidence_syn(const struct tax_labels *t, const struct units *u, const void *concept,
			   esco_kind kind, double *score, double *feat, int *weak)
{
	int s = tax__kind_slot(kind);
	uint32_t idx = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)concept)->index
						    : ((const esco_skill *)concept)->index;
	double covered[MAX_WORDS] = {0}, wt[MAX_WORDS] = {0}, hit = 0, best_f = 0, best_label = 0;
	double one, spread, head_any = 0, head_best = 0, pref_f = 0, best_said = 0;
	struct label_match *m = malloc(sizeof *m);
	size_t i, li;
	double content = 0;
	int th[ESCO_LANG_COUNT], l;

	*score = 0;
	for (l = 0; l < ESCO_LANG_COUNT; l++)
		th[l] = tax__head_word(u->w, u->n, l);
	if (!m)
		return 0;
	for (i = 0; i < u->n; i++) {
		if (tax__is_stopword(u->w[i]))
			continue;
		wt[i] = u->weight[i];
		content += wt[i];
	}
	if (content <= 0) {
		free(m);
		return 0;
	}
	for (li = t->first[s][idx]; li < t->first[s][idx + 1]; li++) {
		const struct tlabel *L = &t->lab[li];
		char fold[FOLD_MAX], *lw[MAX_WORDS];
		size_t nl, j, lc = 0;
		double lh = 0, share, rec = 0, f, said = 0, said_all = 0;

		memcpy(fold, t->text.p + L->fold, (size_t)L->flen + 1);
		nl = tax__split_words(fold, lw, MAX_WORDS);
		match_label(u, lw, nl, L->names, L->name_is_word, L->lang, m);
		if (weak && m->weak)
			*weak = 1;
		for (i = 0; i < u->n; i++) {
			double c = unit_covered(u, i, m, nl);

			rec += c * wt[i];
			if (c > covered[i])
				covered[i] = c;
		}
		rec /= content;
		for (j = 0; j < nl; j++) {
			double cw, idf;

			if (tax__is_stopword(lw[j]))
				continue;
			lc++;
			cw = label_word_covered(u, m, j, nl);
			lh += cw;
			idf = tax__idf(t, s, lw[j]);
			said += cw * idf;
			said_all += idf;
		}
		/* A preferred label is stronger evidence than an alternative one. */
		share = lc ? lh / (double)lc * (L->type == 0 ? 1.0 : ALT_PEN) : 0;
		if (share > best_label)
			best_label = share;
		said = said_all > 0 ? said / said_all * (L->type == 0 ? 1.0 : ALT_PEN) : 0;
		if (said > best_said)
			best_said = said;
		/* How well this one label and the text match each other. */
		f = share + rec > 0 ? 2 * share * rec / (share + rec) : 0;
		{
			/* Whether the text's head word is the label's (in the
			 * label's language): "network engineer" is an engineer. */
			int lh_at = tax__head_word(lw, nl, L->lang), tw = th[L->lang];
			double hm = lh_at >= 0 && tw >= 0 ? m->w[tw][lh_at] : 0;

			if (hm > head_any)
				head_any = hm;
			if (f > best_f || (f == best_f && hm > head_best))
				head_best = hm;
		}
		if (f > best_f)
			best_f = f;
		if (L->type == 0 && f > pref_f)
			pref_f = f;
	}
	free(m);
	for (i = 0; i < u->n; i++)
		hit += covered[i] * wt[i];
	/* Ranked by how well one label matches the text; the score also
	 * accepts the text's words spread over the concept's labels (a text
	 * mixing two languages, "soudage MIG", which no one label holds), with
	 * the best label's precision by IDF: a label word the text lacks costs
	 * what it says ("utiliser un chariot élévateur" for "conduite de
	 * chariot élévateur" lacks the common "utiliser"). */
	one = CONF_UNION * hit / content + (1 - CONF_UNION) * best_f;
	spread = 0.7 * hit / content + 0.3 * best_said;
	*score = one > spread ? one : spread;
	if (feat) {
		feat[TAX_F_ONE] = one;
		feat[TAX_F_SCORE] = *score;
		feat[TAX_F_BESTF] = best_f;
		feat[TAX_F_UNION] = hit / content;
		feat[TAX_F_PREC] = best_label;
		feat[TAX_F_HEAD_ANY] = head_any;
		feat[TAX_F_HEAD_BEST] = head_best;
		feat[TAX_F_DESC] = desc_share(u, wt, content, t->desc_text.p + t->desc[s][idx]);
		feat[TAX_F_NLAB] = log(1.0 + (double)(t->first[s][idx + 1] - t->first[s][idx])) / 5;
		feat[TAX_F_PREF_F] = pref_f;
	}
	return one;
}
