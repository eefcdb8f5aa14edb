/*
 * eval_taxonomy.c - how well free text finds its ESCO concept (make eval).
 *
 * For each loaded language, a fixed random sample of 2,000 alternative
 * labels (skills and occupations) is held out: a separate evaluation index
 * is built without them, and each held-out label is then normalised as free
 * text. Printed as a markdown table: accuracy@1 and @5 of the normaliser
 * (no language hint, as the write path calls it, and with the label's
 * language as the hint), against a plain exact-label lookup on the same
 * index, plus how the confidence score is calibrated (accuracy per score
 * band, and precision/coverage at TAX_MIN_SCORE). docs/taxonomy.md quotes it.
 *
 * Two disjoint samples are held out: the test sample (seed 1, --per-lang,
 * the figures docs/taxonomy.md reports) and a development sample (seed 2,
 * --dev-per-lang, drawn from the labels the test sample left). Both are left
 * out of the evaluation index, of the labels the confidence reads and of the
 * synonyms learned from them. Constants are tuned on the development sample
 * only (--split dev); the test sample is evaluated, never tuned on.
 *
 * "Ambiguity-aware" (reported beside, never the target): the top answer also
 * counts as right when ESCO gives the held-out string (folded) to the answered
 * concept as well, i.e. the string is a label of both concepts.
 *
 * Usage: eval_taxonomy [--index DIR] [--per-lang N] [--seed S] [--split test|dev]
 *        [--dev-per-lang N]
 * Tuning: [--train] fits the re-ranker's weights (engine/taxonomy/rank.c,
 * taxonomy_rerank_w) on the chosen sample, with 2-fold cross-validation and
 * each feature left out in turn; [--l2 X] one more regularisation to try.
 * Development: [--reuse] keeps an evaluation index built with the same samples;
 * [--quick N] only acc@1/@5/@30 of the first N held-out labels per language
 * (exits 1); [--misses] prints each miss of --quick to stderr.
 * Phrasing: [--phrasing] recognition per phrasing family ("knowledge of X",
 * "X (5 years)", "expérience en X", ...) of ESCO skill labels, on the test or
 * (--split dev) development sample; exit 0 when every family is >= 0.90.
 * Bare words: [--bare] an occupation's head word typed alone ("nurse"):
 * accepted, and in which unit group (test or --split dev sample).
 * Nouns: [--nominal] skills typed as nouns ("soldadura por arco" for
 * "soldar por arco"): held-out alternative labels, see eval_nominal;
 * [--typed-nouns] French and Spanish skill labels with their verb typed as
 * the noun ESCO pairs it with elsewhere, see eval_typed_nouns.
 * Exit 0 when the targets hold (acc@1 >= 0.85 English, >= 0.75 others).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"

struct held {
	const char *label;
	const char *uri;
	esco_kind kind;
	int lang;
	int dev; /* 1: the development sample; 0: the test sample */
};

static struct held *held;
static size_t n_held;
static const char **held_ptrs; /* sorted label pointers: what the build skips */

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const char *const *)a, y = (uintptr_t) * (const char *const *)b;

	return x < y ? -1 : x > y;
}

static int skip_held(const esco_label *l, void *arg)
{
	(void)arg;
	return bsearch(&l->label, held_ptrs, n_held, sizeof *held_ptrs, ptr_cmp) != NULL;
}

static uint64_t rng = 1;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t rng_dev = 2;
static uint64_t next_rand_dev(void)
{
	rng_dev ^= rng_dev << 13;
	rng_dev ^= rng_dev >> 7;
	rng_dev ^= rng_dev << 17;
	return rng_dev;
}

/* 1 when ESCO gives the (folded) string to the concept at uri too, in any
 * language and label type: an exact collision no scorer can resolve. */
static int concept_has_label(const esco *tax, esco_kind kind, const char *uri, const char *label)
{
	const esco_labels *ls;
	char f[512], g[512];
	int l;
	size_t a;

	if (kind == ESCO_KIND_OCCUPATION) {
		const esco_occupation *o = esco_occupation_by_uri(tax, uri);

		if (!o)
			return 0;
		ls = o->labels;
	} else {
		const esco_skill *s = esco_skill_by_uri(tax, uri);

		if (!s)
			return 0;
		ls = s->labels;
	}
	taxonomy_fold(label, f, sizeof f);
	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		if (ls[l].preferred && taxonomy_fold(ls[l].preferred, g, sizeof g) &&
		    strcmp(f, g) == 0)
			return 1;
		for (a = 0; a < ls[l].n_alt; a++)
			if (taxonomy_fold(ls[l].alt[a], g, sizeof g) && strcmp(f, g) == 0)
				return 1;
		for (a = 0; a < ls[l].n_hidden; a++)
			if (taxonomy_fold(ls[l].hidden[a], g, sizeof g) && strcmp(f, g) == 0)
				return 1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- --train: fitting the re-ranker's weights (development sample only) ----
 *
 * For each held-out label of the chosen sample with no exact-label answer
 * (an exact label ranks first whatever the weights), the features of the
 * re-ranked pool (up to 30 candidates) and which one is right (-1: none).
 * A conditional logit (softmax over the pool) is fitted by gradient descent
 * from the weights in the code, with an L2 pull towards them; printed as the
 * C initializer of rerank_w, with acc@1 before and after, and a 2-fold
 * cross-validation within the sample to see how much is overfitting. */
struct ex {
	size_t first, n; /* candidates [first, first + n) of feats */
	int right;       /* index within, or -1 */
	int lang;
};
static double (*feats)[TAX_NFEAT];
static size_t n_feats, cap_feats;
static struct ex *exs;
static size_t n_ex, cap_ex;

static int ex_pick(const struct ex *x, const double *w)
{
	size_t k, f;
	int best = -1;
	double bs = 0;

	for (k = 0; k < x->n; k++) {
		double v = 0;

		for (f = 0; f < TAX_NFEAT; f++)
			v += w[f] * feats[x->first + k][f];
		if (best < 0 || v > bs) {
			best = (int)k;
			bs = v;
		}
	}
	return best;
}

/* Right answers among examples with fold != skip_fold (fold = index % 2;
 * skip_fold -1: all), per language. */
static void ex_acc(const double *w, int only_fold, size_t right[], size_t total[])
{
	size_t i;

	for (i = 0; i < n_ex; i++) {
		if (only_fold >= 0 && (int)(i % 2) != only_fold)
			continue;
		total[exs[i].lang]++;
		right[exs[i].lang] += exs[i].right >= 0 && ex_pick(&exs[i], w) == exs[i].right;
	}
}

static void ex_fit(double *w, const double *w0, int skip_fold, double l2)
{
	double grad[TAX_NFEAT], vel[TAX_NFEAT] = {0}, p[64];
	size_t it, i, k, f, m;

	for (it = 0; it < 1500; it++) {
		memset(grad, 0, sizeof grad);
		m = 0;
		for (i = 0; i < n_ex; i++) {
			const struct ex *x = &exs[i];
			double mx = -1e300, z = 0;

			if (x->right < 0 || (skip_fold >= 0 && (int)(i % 2) == skip_fold) || x->n > 64)
				continue;
			m++;
			for (k = 0; k < x->n; k++) {
				p[k] = 0;
				for (f = 0; f < TAX_NFEAT; f++)
					p[k] += w[f] * feats[x->first + k][f];
				if (p[k] > mx)
					mx = p[k];
			}
			for (k = 0; k < x->n; k++)
				z += p[k] = exp(p[k] - mx);
			for (k = 0; k < x->n; k++)
				for (f = 0; f < TAX_NFEAT; f++)
					grad[f] += (p[k] / z - (k == (size_t)x->right)) *
						   feats[x->first + k][f];
		}
		for (f = 0; f < TAX_NFEAT; f++) {
			double g = grad[f] / (double)(m ? m : 1) + 2 * l2 * (w[f] - w0[f]);

			vel[f] = 0.9 * vel[f] - 0.5 * g;
			w[f] += vel[f];
		}
	}
}

static const char *const feat_name[TAX_NFEAT] = {
	"TAX_F_BM25", "TAX_F_ONE", "TAX_F_SCORE", "TAX_F_BESTF", "TAX_F_UNION", "TAX_F_PREC",
	"TAX_F_HEAD_ANY", "TAX_F_HEAD_BEST", "TAX_F_DESC", "TAX_F_NLAB", "TAX_F_PREF_F", "TAX_F_REWRITE"};

static void train_report(const double *w0, double l2, size_t fixed_right[], size_t fixed_n[])
{
	const double *wc = taxonomy_rerank_w;
	double w[TAX_NFEAT];
	size_t r[ESCO_LANG_COUNT], t[ESCO_LANG_COUNT], l, f;
	int fold, pass;

	/* 2-fold cross-validation: fit on one half, count on the other. */
	for (pass = 0; pass < 2; pass++) {
		size_t rr[ESCO_LANG_COUNT] = {0}, tt[ESCO_LANG_COUNT] = {0};

		for (fold = 0; fold < 2; fold++) {
			memcpy(w, pass ? w0 : wc, sizeof w);
			if (pass)
				ex_fit(w, w0, fold, l2);
			ex_acc(w, fold, rr, tt);
		}
		printf("| %s, 2-fold | ", pass ? "fitted (held-out half)" : "weights in the code");
		for (l = 0; l < ESCO_LANG_COUNT; l++)
			printf("%s %.3f | ", esco_lang_code((esco_lang)l),
			       (double)(rr[l] + fixed_right[l]) / (double)(tt[l] + fixed_n[l]));
		printf("\n");
	}
	memcpy(w, w0, sizeof w);
	ex_fit(w, w0, -1, l2);
	memset(r, 0, sizeof r);
	memset(t, 0, sizeof t);
	ex_acc(w, -1, r, t);
	printf("| fitted on the whole sample (training accuracy) | ");
	for (l = 0; l < ESCO_LANG_COUNT; l++)
		printf("%s %.3f | ", esco_lang_code((esco_lang)l),
		       (double)(r[l] + fixed_right[l]) / (double)(t[l] + fixed_n[l]));
	printf("\n\nstatic const double rerank_w[TAX_NFEAT] = { /* L2 %.4f */\n", l2);
	for (f = 0; f < TAX_NFEAT; f++)
		printf("\t[%s] = %.4f,\n", feat_name[f], w[f]);
	printf("};\n");
}

/* ---- phrasing (--phrasing): how counsellors write a skill ----
 *
 * Labels of skills (preferred and alternative, per language) are wrapped the
 * way counsellors write them, one family at a time, and normalised through
 * taxonomy_normalise_skill (the write path, every ESCO label loaded: this
 * measures the phrasing, not unseen labels, which the main evaluation does).
 * Only labels whose bare form normalises to their own concept are used, so a
 * family's figure is the share of the phrasing understood. Two disjoint
 * samples of skills (by a hash of the URI): development (anything tuned
 * looks only at it) and test (reported). */
struct family {
	int lang;
	const char *name;
	const char *fmt; /* %s: the label; NULL: the -ing form of its verb */
	int ing;         /* 1: the label's first word as an English gerund */
};

static const struct family families[] = {
	{ESCO_LANG_EN, "knowledge of X", "knowledge of %s", 0},
	{ESCO_LANG_EN, "experience in X", "experience in %s", 0},
	{ESCO_LANG_EN, "experience doing X (-ing)", "experience %s", 1},
	{ESCO_LANG_EN, "-ing form (\"welding\")", "%s", 1},
	{ESCO_LANG_EN, "X (5 years)", "%s (5 years)", 0},
	{ESCO_LANG_EN, "5 years of experience in X", "5 years of experience in %s", 0},
	{ESCO_LANG_EN, "good knowledge of X", "good knowledge of %s", 0},
	{ESCO_LANG_EN, "ability to X", "ability to %s", 0},
	{ESCO_LANG_FR, "connaissances en X", "connaissances en %s", 0},
	{ESCO_LANG_FR, "expérience en X", "expérience en %s", 0},
	{ESCO_LANG_FR, "X (5 ans)", "%s (5 ans)", 0},
	{ESCO_LANG_FR, "maîtrise de X", "maîtrise de %s", 0},
	{ESCO_LANG_ES, "experiencia en X", "experiencia en %s", 0},
	{ESCO_LANG_ES, "conocimientos de X", "conocimientos de %s", 0},
	{ESCO_LANG_ES, "X (5 años)", "%s (5 años)", 0},
	{ESCO_LANG_ES, "dominio de X", "dominio de %s", 0},
};
#define HASH_SEED 14695981039346656037ull
#define N_FAMILIES (sizeof families / sizeof families[0])

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The English gerund of the label's first word ("operate forklift" ->
 * "operating forklift", "plan" -> "planning"), by the spelling rules; 0
 * when the first word is not a lowercase verb-like word. */
static int gerund(const char *label, char *out, size_t len)
{
	char w[64];
	size_t n = strcspn(label, " ");
	const char *rest = label + n;

	if (n < 2 || n >= sizeof w)
		return 0;
	memcpy(w, label, n);
	w[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
	if (n > 3 && strcmp(w + n - 3, "ing") == 0)
		return 0;
	if (n >= 2 && strcmp(w + n - 2, "ie") == 0)
		snprintf(out, len, "%.*sying%s", (int)n - 2, w, rest);
	else if (w[n - 1] == 'e' && n >= 3 && !is_vowel(w[n - 2]) && w[n - 2] != 'y')
		snprintf(out, len, "%.*sing%s", (int)n - 1, w, rest);
	else if (n >= 3 && n <= 4 && !is_vowel(w[n - 1]) && w[n - 1] != 'w' && w[n - 1] != 'x' &&
		 w[n - 1] != 'y' && is_vowel(w[n - 2]) && !is_vowel(w[n - 3]))
		snprintf(out, len, "%s%cing%s", w, w[n - 1], rest);
	else
		snprintf(out, len, "%sing%s", w, rest);
	return 1;
}

/* fmt with its "%s" replaced by x. */
static void fill(char *out, size_t len, const char *fmt, const char *x)
{
	const char *at = strstr(fmt, "%s");

	snprintf(out, len, "%.*s%s%s", (int)(at - fmt), fmt, x, at + 2);
}

static int eval_phrasing(int want_dev, size_t per_lang)
{
	const esco *tax = taxonomy_esco();
	size_t n_sk = esco_skill_count(tax), f, picked[ESCO_LANG_COUNT] = {0};
	size_t right[N_FAMILIES] = {0}, total[N_FAMILIES] = {0}, dropped[ESCO_LANG_COUNT] = {0};
	int ok = 1, lang;
	uint64_t r = want_dev ? 3 : 4;

	printf("Phrasing, %s sample (skills; up to %zu labels per language whose bare form "
	       "normalises to its own concept):\n\n",
	       want_dev ? "development" : "test", per_lang);
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		size_t tries = 0;

		while (picked[lang] < per_lang && tries++ < per_lang * 50) {
			const esco_skill *sk;
			const esco_labels *ls;
			const char *label;
			struct tax_match m;
			uint64_t h = HASH_SEED;
			size_t a;

			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			sk = esco_skill_at(tax, (size_t)(r % n_sk));
			for (const char *c = sk->uri; *c; c++)
				h = (h ^ (unsigned char)*c) * 1099511628211ull;
			if ((int)((h >> 7) & 1) != want_dev)
				continue; /* the other sample's skill */
			ls = &sk->labels[lang];
			if (!ls->preferred)
				continue;
			a = (size_t)((r >> 20) % (ls->n_alt + 1));
			label = a == 0 ? ls->preferred : ls->alt[a - 1];
			if (strlen(label) > 120)
				continue;
			if (taxonomy_normalise_skill(label, NULL, &m) != 0 || strcmp(m.uri, sk->uri) != 0) {
				dropped[lang]++;
				continue;
			}
			picked[lang]++;
			for (f = 0; f < N_FAMILIES; f++) {
				char text[400], g[300];

				if (families[f].lang != lang)
					continue;
				if (families[f].ing) {
					/* only a label that starts with the verb its
					 * concept's preferred label starts with */
					size_t vl = strcspn(sk->label, " ");

					if (sk->type != ESCO_SKILL_TYPE_SKILL ||
					    strncmp(label, sk->label, vl) != 0 ||
					    (label[vl] != ' ' && label[vl] != '\0') ||
					    !gerund(label, g, sizeof g))
						continue;
					fill(text, sizeof text, families[f].fmt, g);
				} else {
					fill(text, sizeof text, families[f].fmt, label);
				}
				if (strlen(text) > TAX_TEXT_MAX)
					continue;
				total[f]++;
				if (taxonomy_normalise_skill(text, NULL, &m) == 0 &&
				    strcmp(m.uri, sk->uri) == 0)
					right[f]++;
				else if (getenv("EVAL_PHRASING_MISSES"))
					fprintf(stderr, "MISS [%s] %s -> %s (%.2f)\n", families[f].name,
						text, m.label ? m.label : "-", m.score);
			}
		}
	}
	printf("| language | family | phrased labels | recognised |\n|---|---|---:|---:|\n");
	for (f = 0; f < N_FAMILIES; f++) {
		double rate = total[f] ? (double)right[f] / (double)total[f] : 0;

		printf("| %s | %s | %zu | %.3f |\n", esco_lang_code((esco_lang)families[f].lang),
		       families[f].name, total[f], rate);
		if (rate < 0.90)
			ok = 0;
	}
	printf("\nLabels whose bare form does not normalise to its own concept (left out): "
	       "en %zu, fr %zu, es %zu.\n", dropped[0], dropped[1], dropped[2]);
	return ok ? 0 : 1;
}

/* ---- bare occupation words (--bare): the head word typed alone ----
 *
 * A counsellor types "nurse", "soudeur", "programador": the head word of an
 * occupation's preferred label (the last word in English, the first in
 * French and Spanish; the first form of a gendered "soudeur/soudeuse"),
 * alone. Each distinct word of a language is normalised once as an
 * occupation (every ESCO label loaded). Its sources are the occupations
 * whose preferred label it heads (labels of more than one word). Reported:
 * accepted (at or above TAX_MIN_SCORE), and of those, answered with the
 * unit group that holds most of its sources, or any source's group. The
 * occupations are split in two by a hash of the URI, as --phrasing does:
 * a word belongs to the sample of its first source. */
struct bare {
	char word[64];
	int lang;
	char isco[8][5];
	size_t n_src[8], n_isco;
};

static int eval_bare(int want_dev)
{
	const esco *tax = taxonomy_esco();
	size_t n_occ = esco_occupation_count(tax), n = 0, i, j, k;
	size_t tot[ESCO_LANG_COUNT] = {0}, acc[ESCO_LANG_COUNT] = {0}, modal[ESCO_LANG_COUNT] = {0},
	       any[ESCO_LANG_COUNT] = {0}, above[ESCO_LANG_COUNT] = {0};
	struct bare *b = calloc(n_occ * ESCO_LANG_COUNT, sizeof *b);
	int lang;

	if (!b)
		return 1;
	for (i = 0; i < n_occ; i++) {
		const esco_occupation *o = esco_occupation_at(tax, i);
		uint64_t h = HASH_SEED;

		for (const char *c = o->uri; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
		for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
			const char *pl = o->labels[lang].preferred, *w;
			char lab[256], *sp;
			size_t wl;

			if (!pl || !o->isco[0])
				continue;
			snprintf(lab, sizeof lab, "%.*s", (int)strcspn(pl, "/"), pl);
			if (!strchr(lab, ' '))
				continue; /* one word: the word is the label */
			if (lang == ESCO_LANG_EN) {
				w = strrchr(lab, ' ') + 1;
				wl = strlen(w);
			} else {
				w = lab;
				wl = strcspn(lab, " ");
			}
			if (wl < 3 || wl >= sizeof b[0].word)
				continue;
			for (j = 0; j < n; j++)
				if (b[j].lang == lang && strlen(b[j].word) == wl &&
				    strncasecmp(b[j].word, w, wl) == 0)
					break;
			if (j == n) {
				if ((int)((h >> 7) & 1) != want_dev)
					continue; /* the other sample's word */
				b[n].lang = lang;
				snprintf(b[n].word, sizeof b[n].word, "%.*s", (int)wl, w);
				for (sp = b[n].word; *sp; sp++)
					if (*sp >= 'A' && *sp <= 'Z')
						*sp = (char)(*sp - 'A' + 'a');
				n++;
			}
			for (k = 0; k < b[j].n_isco && strcmp(b[j].isco[k], o->isco) != 0; k++)
				;
			if (k == b[j].n_isco && k < 8)
				snprintf(b[j].isco[b[j].n_isco++], 5, "%s", o->isco);
			if (k < 8)
				b[j].n_src[k]++;
		}
	}
	for (j = 0; j < n; j++) {
		struct tax_match m;
		const char *isco;
		size_t top = 0;

		tot[b[j].lang]++;
		if (taxonomy_normalise_occupation(b[j].word, NULL, &m) != 0)
			continue;
		acc[b[j].lang]++;
		isco = m.kind == ESCO_KIND_ISCO_GROUP ? m.uri : ((const esco_occupation *)m.concept)->isco;
		for (k = 1; k < b[j].n_isco; k++)
			if (b[j].n_src[k] > b[j].n_src[top])
				top = k;
		for (k = 0; k < b[j].n_isco && strcmp(b[j].isco[k], isco) != 0; k++)
			;
		any[b[j].lang] += k < b[j].n_isco;
		modal[b[j].lang] += k < b[j].n_isco && b[j].n_src[k] == b[j].n_src[top];
		/* the group of most sources or a wider group holding it ("teacher"
		 * → 23 teaching professionals): what the word says, less precisely */
		for (size_t a = 0; a < b[j].n_isco; a++)
			if (b[j].n_src[a] == b[j].n_src[top] &&
			    strncmp(b[j].isco[a], isco, strlen(isco)) == 0) {
				above[b[j].lang]++;
				break;
			}
		if (getenv("EVAL_BARE_SHOW"))
			fprintf(stderr, "BARE %s [%s] -> %s %s %.2f%s\n", b[j].word,
				esco_lang_code((esco_lang)b[j].lang), isco, m.label, m.score,
				k < b[j].n_isco ? "" : " (no source's group)");
	}
	printf("Bare occupation words, %s sample (the head word of a preferred label typed alone; "
	       "each distinct word once):\n\n| language | words | accepted | of those, the group of "
	       "most sources | of those, a source's group | of those, the group of most sources "
	       "or a wider one holding it |\n|---|---:|---:|---:|---:|---:|\n",
	       want_dev ? "development" : "test");
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++)
		printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f |\n", esco_lang_code((esco_lang)lang),
		       tot[lang], (double)acc[lang] / (double)(tot[lang] ? tot[lang] : 1),
		       (double)modal[lang] / (double)(acc[lang] ? acc[lang] : 1),
		       (double)any[lang] / (double)(acc[lang] ? acc[lang] : 1),
		       (double)above[lang] / (double)(acc[lang] ? acc[lang] : 1));
	free(b);
	return 0;
}

/* ---- --nominal: skills typed as nouns (leave the labels out) ----
 *
 * ESCO writes a skill/competence's preferred label as a verb phrase
 * ("souder", "soldar por arco"); some of its alternative labels start with
 * a noun instead ("soldadura por arco", "installation of heat pumps"). Such
 * a label is one whose first word differs from the preferred label's and is
 * no verb of its language (no skill/competence preferred label starts with
 * it, and it does not end as a French or Spanish infinitive). Every one of them is left out of a separate index
 * (var/eval/taxonomy-nominal) and of the labels in memory, so of everything
 * learned from them (synonyms, rewrite and derivation rules), then typed as
 * free text: right when the first answer is its own concept (acc@1), and
 * recognised when that answer also reaches TAX_MIN_SCORE (what a write
 * keeps). "derived" is the subset whose first word shares its first three
 * letters with the preferred label's verb ("soldadura" / "soldar"). Split by
 * a hash of the concept's URI: development (constants) and test. English is
 * capped at NOMINAL_EN_MAX labels per split (it has about 22,000).
 */
#define NOMINAL_EN_MAX 1000

struct nominal {
	const char *label;
	const char *uri;
	int lang;
	int derived;
	int dev;
};

static int first_word(const char *label, char *out, size_t len)
{
	char f[512], *sp;

	if (!taxonomy_fold(label, f, sizeof f))
		return 0;
	if ((sp = strchr(f, ' ')) != NULL)
		*sp = '\0';
	snprintf(out, len, "%.*s", (int)(len - 1), f);
	return 1;
}

/* 1 when w ends as an infinitive of lang (French -er, -ir, -re; Spanish
 * -ar, -er, -ir, also with -se): a verb no preferred label starts with
 * ("empapelar paredes") is no noun. English has no such ending. */
static int infinitive(int lang, const char *w)
{
	static const char *const fr[] = {"er", "ir", "re", NULL},
				 *const es[] = {"ar", "er", "ir", "arse", "erse", "irse", NULL};
	const char *const *e = lang == ESCO_LANG_FR ? fr : lang == ESCO_LANG_ES ? es : NULL;
	size_t n = strlen(w);

	for (; e && *e; e++)
		if (n >= strlen(*e) + 2 && strcmp(w + n - strlen(*e), *e) == 0)
			return 1;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int eval_nominal(int want_dev, const char *path, int misses)
{
	const esco *tx = taxonomy_esco();
	size_t n_sk = esco_skill_count(tx), n = 0, i, nv, n_en[2] = {0};
	size_t tot[ESCO_LANG_COUNT][2] = {{0}}, ok[ESCO_LANG_COUNT][2] = {{0}},
	       kept[ESCO_LANG_COUNT][2] = {{0}};
	struct nominal *nom = calloc(n_sk * 8 + 1, sizeof *nom);
	char **verbs = calloc(n_sk + 1, sizeof *verbs);
	char err[256];
	index_db *db = NULL;
	index_error e;
	tax_labels *labels;
	size_t cap = n_sk * 8;
	int lang;

	if (!nom || !verbs)
		return 1;
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		nv = 0;
		for (i = 0; i < n_sk; i++) {
			const esco_skill *s = esco_skill_at(tx, i);
			char w[64];

			if (s->type == ESCO_SKILL_TYPE_SKILL && s->labels[lang].preferred &&
			    first_word(s->labels[lang].preferred, w, sizeof w) && (verbs[nv] = strdup(w)))
				nv++;
		}
		qsort(verbs, nv, sizeof *verbs, str_cmp);
		for (i = 0; i < n_sk; i++) {
			const esco_skill *s = esco_skill_at(tx, i);
			const esco_labels *ls = &s->labels[lang];
			char pv[64], w[64], *wp = w;
			uint64_t h = HASH_SEED;
			size_t a;
			int dev;

			if (s->type != ESCO_SKILL_TYPE_SKILL || !ls->preferred ||
			    !first_word(ls->preferred, pv, sizeof pv))
				continue;
			for (const char *c = s->uri; *c; c++)
				h = (h ^ (unsigned char)*c) * 1099511628211ull;
			dev = (int)((h >> 11) & 1);
			for (a = 0; a < ls->n_alt && n < cap; a++) {
				if (!first_word(ls->alt[a], w, sizeof w) || strcmp(w, pv) == 0 ||
				    bsearch(&wp, verbs, nv, sizeof *verbs, str_cmp) || infinitive(lang, w))
					continue;
				if (lang == ESCO_LANG_EN && n_en[dev]++ >= NOMINAL_EN_MAX)
					continue;
				nom[n++] = (struct nominal){ls->alt[a], s->uri, lang,
							    strncmp(w, pv, 3) == 0, dev};
			}
		}
		for (i = 0; i < nv; i++)
			free(verbs[i]);
	}
	free(verbs);
	n_held = n;
	held_ptrs = malloc((n + 1) * sizeof *held_ptrs);
	if (!held_ptrs)
		return 1;
	for (i = 0; i < n; i++)
		held_ptrs[i] = nom[i].label;
	qsort(held_ptrs, n_held, sizeof *held_ptrs, ptr_cmp);
	labels = taxonomy_labels_new(tx, skip_held, NULL);
	if (!labels)
		return 1;
	if (index_open_readonly(path, &db, &e) != 0) {
		if (taxonomy_build(tx, path, skip_held, NULL, NULL, err, sizeof err) ||
		    index_open_readonly(path, &db, &e)) {
			fprintf(stderr, "eval_taxonomy: %s\n", err);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		struct tax_match m[1];
		int got;

		if (nom[i].dev != want_dev)
			continue;
		got = taxonomy_candidates(db, labels, tx, ESCO_KIND_SKILL, nom[i].label, NULL, 0, m, 1);
		for (int d = 0; d <= nom[i].derived; d++) {
			tot[nom[i].lang][d]++;
			if (got > 0 && strcmp(m[0].uri, nom[i].uri) == 0) {
				ok[nom[i].lang][d]++;
				kept[nom[i].lang][d] += m[0].score >= TAX_MIN_SCORE;
			}
		}
		if (misses && got > 0 && strcmp(m[0].uri, nom[i].uri) != 0)
			fprintf(stderr, "miss %s: %s -> %s (%.3f)\n", esco_lang_code(nom[i].lang),
				nom[i].label, m[0].label, m[0].score);
	}
	printf("Skills typed as nouns, %s sample (held-out alternative labels whose first word "
	       "is no verb)\n\n",
	       want_dev ? "development" : "test");
	printf("| language | labels | acc@1 | recognised right (>= %.2f) | derived subset: labels | "
	       "acc@1 | recognised right |\n|---|---:|---:|---:|---:|---:|---:|\n",
	       TAX_MIN_SCORE);
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++)
		printf("| %s | %zu | %.3f | %.3f | %zu | %.3f | %.3f |\n",
		       esco_lang_code((esco_lang)lang), tot[lang][0],
		       tot[lang][0] ? (double)ok[lang][0] / (double)tot[lang][0] : 0,
		       tot[lang][0] ? (double)kept[lang][0] / (double)tot[lang][0] : 0, tot[lang][1],
		       tot[lang][1] ? (double)ok[lang][1] / (double)tot[lang][1] : 0,
		       tot[lang][1] ? (double)kept[lang][1] / (double)tot[lang][1] : 0);
	index_close(db);
	taxonomy_labels_free(labels);
	free(nom);
	return 0;
}

/* ---- --typed-nouns: ESCO's nouns for a skill's verb ----
 *
 * French and Spanish hold too few noun-first alternative labels for the
 * held-out test above (a few dozen). This one types skills the way people
 * name them: a skill/competence's preferred label "VERB rest" ("réparer des
 * radiateurs") with its verb replaced by a noun that ESCO's own labels pair
 * with that verb in another skill ("réparation": two labels of one skill
 * equal but for "réparer" / "réparation"), joined by "de" as the language
 * does ("réparation des radiateurs", "reparación de radiadores"). Skills
 * that have a label starting with the noun are left out (the text would be
 * their label). Normalised as the write path does (every label in the
 * index: the text is none of them); right when the answer is the skill,
 * recognised right when it also reaches TAX_MIN_SCORE. Split by a hash of
 * the skill's URI: development and test. At most TYPED_MAX texts per
 * language and split.
 */
#define TYPED_MAX 600

struct noun_pair {
	char noun[64];
	char verb[64];
	size_t skill; /* the skill whose labels paired them */
};

static int noun_pair_cmp(const void *a, const void *b)
{
	const struct noun_pair *p = a, *q = b;
	int c = strcmp(p->verb, q->verb);

	return c ? c : strcmp(p->noun, q->noun);
}

/* Folded content words of label into buf/w (at most 16); how many. */
static size_t typed_words(const char *label, char *buf, size_t len, char **w)
{
	static const char *const stop[] = {"de", "des", "du", "la", "le", "les", "l", "d", "et",
					   "en", "au", "aux", "un", "une", "el", "los", "las", "y",
					   "del", "con", "para", "por", "a", NULL};
	size_t n = 0, k;
	char *p, *save = NULL;

	taxonomy_fold(label, buf, len);
	for (p = strtok_r(buf, " ", &save); p && n < 16; p = strtok_r(NULL, " ", &save)) {
		for (k = 0; stop[k] && strcmp(stop[k], p) != 0; k++)
			;
		if (!stop[k])
			w[n++] = p;
	}
	return n;
}

static int eval_typed_nouns(int want_dev, int misses)
{
	const esco *tx = taxonomy_esco();
	size_t n_sk = esco_skill_count(tx), i, a, b, k;
	int lang;

	printf("Skills typed with ESCO's noun for their verb, %s sample\n\n"
	       "| language | texts | acc@1 | recognised right (>= %.2f) | derived subset: texts | "
	       "acc@1 | recognised right |\n|---|---:|---:|---:|---:|---:|---:|\n",
	       want_dev ? "development" : "test", TAX_MIN_SCORE);
	for (lang = ESCO_LANG_FR; lang < ESCO_LANG_COUNT; lang++) {
		struct noun_pair *np = NULL;
		size_t n_np = 0, cap = 0, tot = 0, ok = 0, kept = 0, dtot = 0, dok = 0, dkept = 0;

		/* The (noun, verb) pairs of aligned labels of each skill. */
		for (i = 0; i < n_sk; i++) {
			const esco_skill *s = esco_skill_at(tx, i);
			const esco_labels *ls = &s->labels[lang];
			const char *lab[64];
			size_t nl = 0;

			if (s->type != ESCO_SKILL_TYPE_SKILL || !ls->preferred)
				continue;
			lab[nl++] = ls->preferred;
			for (a = 0; a < ls->n_alt && nl < 64; a++)
				lab[nl++] = ls->alt[a];
			for (a = 0; a < nl; a++)
				for (b = 0; b < nl; b++) {
					char ba[512], bb[512], *wa[16], *wb[16];
					size_t na = typed_words(lab[a], ba, sizeof ba, wa),
					       nb = typed_words(lab[b], bb, sizeof bb, wb);

					/* a starts with the verb of the preferred label,
					 * b with another word, the rest equal. */
					if (a != 0 || b == 0 || na != nb || na < 2 ||
					    strcmp(wa[0], wb[0]) == 0 || strlen(wb[0]) >= 64 ||
					    strlen(wa[0]) >= 64 || infinitive(lang, wb[0]))
						continue;
					for (k = 1; k < na && strcmp(wa[k], wb[k]) == 0; k++)
						;
					if (k < na)
						continue;
					if (n_np == cap) {
						struct noun_pair *x;

						cap = cap ? cap * 2 : 1024;
						if (!(x = realloc(np, cap * sizeof *x))) {
							free(np);
							return 1;
						}
						np = x;
					}
					snprintf(np[n_np].noun, 64, "%s", wb[0]);
					snprintf(np[n_np].verb, 64, "%s", wa[0]);
					np[n_np++].skill = i;
				}
		}
		if (n_np)
			qsort(np, n_np, sizeof *np, noun_pair_cmp);
		/* Each skill whose preferred label starts with a verb some
		 * other skill pairs with a noun: that noun, typed. */
		for (i = 0; i < n_sk; i++) {
			const esco_skill *s = esco_skill_at(tx, i);
			const esco_labels *ls = &s->labels[lang];
			char f[512], verb[64], text[600];
			static const char *const articles[] = {"le", "la", "les", "l", "un", "une", "des",
								"du", "d", "el", "los", "las", "una", NULL};
			const char *rest, *noun = NULL;
			size_t best;
			uint64_t h = HASH_SEED;
			struct tax_match m;
			int rc, derived;

			if (s->type != ESCO_SKILL_TYPE_SKILL || !ls->preferred || tot >= TYPED_MAX)
				continue;
			for (const char *c = s->uri; *c; c++)
				h = (h ^ (unsigned char)*c) * 1099511628211ull;
			if ((int)((h >> 13) & 1) != want_dev)
				continue;
			taxonomy_fold(ls->preferred, f, sizeof f);
			rest = strchr(f, ' ');
			if (!rest || (size_t)(rest - f) >= sizeof verb)
				continue;
			snprintf(verb, sizeof verb, "%.*s", (int)(rest - f), f);
			rest++;
			/* The noun other skills pair with the verb most often. */
			for (a = 0, best = 0; a < n_np; a = b) {
				size_t c = 0;

				for (b = a; b < n_np && strcmp(np[b].verb, np[a].verb) == 0 &&
					    strcmp(np[b].noun, np[a].noun) == 0;
				     b++)
					c += np[b].skill != i;
				if (strcmp(np[a].verb, verb) == 0 && c > best) {
					best = c;
					noun = np[a].noun;
				}
			}
			if (!noun)
				continue;
			/* Left out when a label of the skill starts with the noun. */
			for (a = 0; a < ls->n_alt; a++) {
				char g[512];

				taxonomy_fold(ls->alt[a], g, sizeof g);
				if (strncmp(g, noun, strlen(noun)) == 0 &&
				    (g[strlen(noun)] == ' ' || !g[strlen(noun)]))
					break;
			}
			if (a < ls->n_alt)
				continue;
			/* "noun de rest", the rest's article left out (as people
			 * type: "gestion de stock"), "d'" before a vowel in French. */
			for (k = 0; articles[k]; k++)
				if (strncmp(rest, articles[k], strlen(articles[k])) == 0 &&
				    rest[strlen(articles[k])] == ' ') {
					rest += strlen(articles[k]) + 1;
					break;
				}
			snprintf(text, sizeof text, "%s %s%s", noun,
				 lang == ESCO_LANG_FR && strchr("aeiouh", rest[0]) ? "d'" : "de ", rest);
			rc = taxonomy_normalise_skill(text, NULL, &m);
			tot++;
			/* A derivation proper: the noun opens as the verb does. */
			derived = strncmp(noun, verb, 3) == 0;
			dtot += derived;
			if ((rc == 0 || rc == TAX_ERR_NOMATCH) && m.uri && strcmp(m.uri, s->uri) == 0) {
				ok++;
				kept += rc == 0;
				dok += derived;
				dkept += derived && rc == 0;
			} else if (misses) {
				fprintf(stderr, "typed %s: %s -> %s (%.3f), not %s\n",
					esco_lang_code((esco_lang)lang), text,
					(rc == 0 || rc == TAX_ERR_NOMATCH) && m.label ? m.label : "-",
					rc == 0 || rc == TAX_ERR_NOMATCH ? m.score : 0, s->label);
			}
		}
		printf("| %s | %zu | %.3f | %.3f | %zu | %.3f | %.3f |\n", esco_lang_code((esco_lang)lang),
		       tot, tot ? (double)ok / (double)tot : 0, tot ? (double)kept / (double)tot : 0,
		       dtot, dtot ? (double)dok / (double)dtot : 0, dtot ? (double)dkept / (double)dtot : 0);
		free(np);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "var/eval/taxonomy";
	size_t per_lang = 2000, dev_per_lang = 2000, total_labels = 0, i, k;
	int want_dev = 0; /* --split dev: evaluate the development sample */
	char err[512];
	esco *tax = NULL;
	index_db *db = NULL;
	index_error e = {{0}};
	int lang, ok = 1, reuse = 0, misses = 0, train = 0;
	double l2 = 0.001;
	size_t quick = 0;
	tax_labels *labels;
	struct held *all = NULL;
	size_t n_all = 0, cap = 0;
	/* calibration: 10 score bands, over every language */
	size_t band_n[11] = {0}, band_ok[11] = {0};
	size_t above_n = 0, above_ok = 0, grand = 0;
	/* occupations: held-out labels, first answers in the label's own ISCO
	 * unit group (an occupation of it, or the group itself), and how many
	 * first answers were a unit group (a bare word, headgroup.c); each also
	 * at or above the threshold */
	size_t occ_n = 0, occ_unit = 0, occ_as_group = 0, occ_above = 0, occ_above_unit = 0;
	double t0;
	int phrasing = 0, bare = 0, nominal = 0, typed = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--bare") == 0)
			bare = 1;
		else if (strcmp(argv[i], "--nominal") == 0)
			nominal = 1;
		else if (strcmp(argv[i], "--typed-nouns") == 0)
			typed = 1;
		else if (strcmp(argv[i], "--phrasing") == 0)
			phrasing = 1;
		else if (strcmp(argv[i], "--index") == 0 && i + 1 < (size_t)argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--per-lang") == 0 && i + 1 < (size_t)argc)
			per_lang = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--split") == 0 && i + 1 < (size_t)argc &&
			 (strcmp(argv[i + 1], "dev") == 0 || strcmp(argv[i + 1], "test") == 0))
			want_dev = strcmp(argv[++i], "dev") == 0;
		else if (strcmp(argv[i], "--dev-per-lang") == 0 && i + 1 < (size_t)argc)
			dev_per_lang = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--reuse") == 0)
			reuse = 1; /* development: keep an evaluation index built with the same sample */
		else if (strcmp(argv[i], "--quick") == 0 && i + 1 < (size_t)argc)
			quick = strtoul(argv[++i], NULL, 10); /* development: acc@1 of the first N per language only */
		else if (strcmp(argv[i], "--train") == 0)
			train = 1; /* fit the re-ranker's weights on the chosen sample */
		else if (strcmp(argv[i], "--l2") == 0 && i + 1 < (size_t)argc)
			l2 = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--misses") == 0)
			misses = 1; /* development: print each miss to stderr */
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < (size_t)argc)
			rng = strtoull(argv[++i], NULL, 10) | 1;
		else {
			fprintf(stderr, "usage: eval_taxonomy [--index DIR] [--per-lang N] [--seed S] "
				"[--split test|dev] [--dev-per-lang N] [--reuse] [--quick N] "
				"[--misses] [--train] [--l2 X] [--phrasing] [--bare] [--nominal] [--typed-nouns]\n");
			return 2;
		}
	}
	if (taxonomy_init(err, sizeof err)) {
		fprintf(stderr, "eval_taxonomy: %s\n", err);
		return 1;
	}
	tax = (esco *)taxonomy_esco();
	if (bare)
		return eval_bare(want_dev);
	if (typed)
		return eval_typed_nouns(want_dev, misses);
	if (nominal)
		return eval_nominal(want_dev,
				    strcmp(path, "var/eval/taxonomy") == 0 ? "var/eval/taxonomy-nominal"
									   : path,
				    misses);
	if (phrasing)
		return eval_phrasing(want_dev, per_lang == 2000 ? 400 : per_lang);

	held = calloc((per_lang + dev_per_lang) * ESCO_LANG_COUNT, sizeof *held);
	if (!held)
		return 1;
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		esco_label_iter it;
		esco_label l;
		size_t take;

		n_all = 0;
		esco_label_iter_init(&it, tax, ESCO_KIND_OCCUPATION | ESCO_KIND_SKILL);
		while (esco_label_next(&it, &l)) {
			if ((int)l.lang != lang || l.is_preferred || l.is_hidden)
				continue;
			if (n_all == cap) {
				struct held *na;

				cap = cap ? cap * 2 : 65536;
				na = realloc(all, cap * sizeof *na);
				if (!na)
					return 1;
				all = na;
			}
			all[n_all++] = (struct held){l.label, l.uri, l.kind, lang, 0};
		}
		/* A partial Fisher-Yates shuffle: a fixed sample for a fixed seed
		 * (the test sample, seed 1, as it has always been drawn). */
		take = n_all < per_lang ? n_all : per_lang;
		for (i = 0; i < take; i++) {
			size_t j = i + (size_t)(next_rand() % (n_all - i));
			struct held t = all[i];

			all[i] = all[j];
			all[j] = t;
			held[n_held++] = all[i];
		}
		/* The development sample: the same shuffle continued with its own
		 * generator (seed 2) over the labels the test sample did not
		 * take, so the two are disjoint and the test sample is the one
		 * drawn before the split existed. */
		for (k = take; k < take + dev_per_lang && k < n_all; k++) {
			size_t j = k + (size_t)(next_rand_dev() % (n_all - k));
			struct held t = all[k];

			all[k] = all[j];
			all[j] = t;
			all[k].dev = 1;
			held[n_held++] = all[k];
		}
	}
	free(all);
	held_ptrs = malloc(n_held * sizeof *held_ptrs);
	if (!held_ptrs)
		return 1;
	for (i = 0; i < n_held; i++)
		held_ptrs[i] = held[i].label;
	qsort(held_ptrs, n_held, sizeof *held_ptrs, ptr_cmp);

	/* The confidence reads labels in memory: the held-out ones are left out
	 * there too, or each would vouch for its own concept. */
	labels = taxonomy_labels_new(tax, skip_held, NULL);
	if (!labels)
		return 1;
	t0 = now_s();
	if ((!reuse || index_open_readonly(path, &db, &e) != 0) &&
	    taxonomy_build(tax, path, skip_held, NULL, &total_labels, err, sizeof err)) {
		fprintf(stderr, "eval_taxonomy: %s\n", err);
		return 1;
	}
	fprintf(stderr, "evaluation index: %zu labels (%zu held out) in %.1fs\n", total_labels,
		n_held, now_s() - t0);
	if (!db && index_open_readonly(path, &db, &e)) {
		fprintf(stderr, "eval_taxonomy: %s\n", e.msg);
		return 1;
	}

	if (train) {
		size_t fixed_right[ESCO_LANG_COUNT] = {0}, fixed_n[ESCO_LANG_COUNT] = {0};
		double w0[TAX_NFEAT] = {0};
		const double l2s[] = {0.0001, 0.001, 0.01};

		if (!want_dev)
			fprintf(stderr, "eval_taxonomy: --train on the test sample: for comparison "
					"only, never for the weights in the code\n");
		w0[TAX_F_BM25] = 0.1; /* the hand-set weights before the fit: the prior */
		w0[TAX_F_ONE] = 0.9;
		for (i = 0; i < n_held; i++) {
			struct tax_match mq[30];
			double fq[30][TAX_NFEAT];
			int got, exact = 0;
			size_t f;

			if (held[i].dev != want_dev)
				continue;
			got = taxonomy_candidates_features(db, labels, tax, held[i].kind, held[i].label,
							   NULL, mq, fq, 30);
			if (got <= 0) {
				fixed_n[held[i].lang]++;
				continue;
			}
			for (k = 0; k < (size_t)got; k++) {
				double sum = 0;

				for (f = 0; f < TAX_NFEAT; f++)
					sum += fabs(fq[k][f]);
				if (sum == 0 && mq[k].score >= 1.0)
					exact = 1;
			}
			if (exact) { /* the weights cannot change the first answer */
				fixed_n[held[i].lang]++;
				fixed_right[held[i].lang] += strcmp(mq[0].uri, held[i].uri) == 0;
				continue;
			}
			if (n_ex == cap_ex) {
				cap_ex = cap_ex ? cap_ex * 2 : 4096;
				exs = realloc(exs, cap_ex * sizeof *exs);
			}
			if (n_feats + 30 > cap_feats) {
				cap_feats = cap_feats ? cap_feats * 2 : 65536;
				feats = realloc(feats, cap_feats * sizeof *feats);
			}
			if (!exs || !feats)
				return 1;
			exs[n_ex] = (struct ex){n_feats, (size_t)got, -1, held[i].lang};
			for (k = 0; k < (size_t)got; k++) {
				memcpy(feats[n_feats++], fq[k], sizeof fq[k]);
				if (exs[n_ex].right < 0 && strcmp(mq[k].uri, held[i].uri) == 0)
					exs[n_ex].right = (int)k;
			}
			n_ex++;
		}
		printf("%s sample, %zu examples for the re-ranker:\n\n", want_dev ? "Development" : "Test", n_ex);
		for (k = 0; k < sizeof l2s / sizeof l2s[0]; k++)
			train_report(w0, l2s[k], fixed_right, fixed_n);
		if (l2 != 0.001)
			train_report(w0, l2, fixed_right, fixed_n);
		/* Ablation: each feature left out (its column zeroed), 2-fold, L2 0.001. */
		printf("\n| left out | en | fr | es |\n|---|---:|---:|---:|\n");
		for (k = 0; k < TAX_NFEAT; k++) {
			double w[TAX_NFEAT], *col = malloc(n_feats * sizeof *col);
			size_t rr[ESCO_LANG_COUNT] = {0}, tt[ESCO_LANG_COUNT] = {0}, j;
			int fold;

			if (!col)
				return 1;
			for (j = 0; j < n_feats; j++) {
				col[j] = feats[j][k];
				feats[j][k] = 0;
			}
			for (fold = 0; fold < 2; fold++) {
				memcpy(w, w0, sizeof w);
				ex_fit(w, w0, fold, 0.001);
				ex_acc(w, fold, rr, tt);
			}
			for (j = 0; j < n_feats; j++)
				feats[j][k] = col[j];
			free(col);
			printf("| %s |", feat_name[k]);
			for (j = 0; j < ESCO_LANG_COUNT; j++)
				printf(" %.3f |", (double)(rr[j] + fixed_right[j]) / (double)(tt[j] + fixed_n[j]));
			printf("\n");
		}
		free(exs);
		free(feats);
		goto out;
	}
	printf("%s sample:\n\n", want_dev ? "Development" : "Test");
	if (quick)
		printf("| language, sample | labels | acc@1 | acc@5 | acc@30 | ambiguity-aware acc@1 "
		       "(not the target) |\n|---|---:|---:|---:|---:|---:|\n");
	else
		printf("| language | held-out alt labels | exact lookup acc@1 | normalise acc@1 | "
	       "acc@1 with language hint | acc@5 | ms per label | acc@1 if held-out labels leak "
	       "into the confidence | ambiguity-aware acc@1 (not the target) |\n");
	if (!quick)
		printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (lang = 0; lang < ESCO_LANG_COUNT; lang++) {
		size_t n = 0, ex = 0, a1 = 0, h1 = 0, a5 = 0, leak1 = 0, amb1 = 0;
		double t = now_s(), t_leak = 0;

		for (i = 0; i < n_held; i++) {
			struct tax_match m[5], mq[30];
			int got;

			if (held[i].lang != lang || held[i].dev != want_dev)
				continue;
			if (quick && n >= quick)
				break;
			n++;
			if (quick) {
				got = taxonomy_candidates(db, labels, tax, held[i].kind, held[i].label,
							  NULL, 0, mq, 30);
				a1 += got > 0 && strcmp(mq[0].uri, held[i].uri) == 0;
				amb1 += got > 0 && (strcmp(mq[0].uri, held[i].uri) == 0 ||
						    concept_has_label(tax, held[i].kind, mq[0].uri,
								      held[i].label));
				for (k = 0; got > 0 && k < (size_t)got; k++)
					if (strcmp(mq[k].uri, held[i].uri) == 0)
						break;
				a5 += k < 5 && k < (size_t)got;
				h1 += k < (size_t)got;
				memcpy(m, mq, sizeof m);
				if (misses && got > 0 && strcmp(m[0].uri, held[i].uri) != 0) {
					const esco_labels *ls = held[i].kind == ESCO_KIND_OCCUPATION ?
						esco_occupation_by_uri(tax, held[i].uri)->labels :
						esco_skill_by_uri(tax, held[i].uri)->labels;
					fprintf(stderr, "MISS %s [%s] %.2f got \"%s\" want \"%s\" rank %zu %.2f\n",
						held[i].label, held[i].kind == ESCO_KIND_OCCUPATION ? "occ" : "sk",
						m[0].score, m[0].label, ls[ESCO_LANG_EN].preferred, k,
						k < (size_t)got ? mq[k].score : -1.0);
				}
				continue;
			}
			got = taxonomy_candidates(db, labels, tax, held[i].kind, held[i].label, NULL, 1,
						  m, 1);
			ex += got > 0 && strcmp(m[0].uri, held[i].uri) == 0;
			got = taxonomy_candidates(db, labels, tax, held[i].kind, held[i].label, NULL, 0,
						  m, 5);
			for (k = 0; got > 0 && k < (size_t)got; k++)
				if (strcmp(m[k].uri, held[i].uri) == 0)
					break;
			if (got > 0) {
				int right = k == 0;
				int band = (int)(m[0].score * 10);

				a1 += right;
				amb1 += right || concept_has_label(tax, held[i].kind, m[0].uri,
								   held[i].label);
				a5 += k < (size_t)got;
				band_n[band]++;
				band_ok[band] += right;
				if (held[i].kind == ESCO_KIND_OCCUPATION) {
					const esco_occupation *want = esco_occupation_by_uri(tax, held[i].uri);
					const char *isco = m[0].kind == ESCO_KIND_ISCO_GROUP
								   ? m[0].uri
								   : ((const esco_occupation *)m[0].concept)->isco;
					int unit = want && strcmp(isco, want->isco) == 0;

					occ_n++;
					occ_unit += unit;
					occ_as_group += m[0].kind == ESCO_KIND_ISCO_GROUP;
					if (m[0].score >= TAX_MIN_SCORE) {
						occ_above++;
						occ_above_unit += unit;
					}
				}
				if (m[0].score >= TAX_MIN_SCORE) {
					above_n++;
					above_ok += right;
				}
			}
			got = taxonomy_candidates(db, labels, tax, held[i].kind, held[i].label,
						  esco_lang_code((esco_lang)lang), 0, m, 1);
			h1 += got > 0 && strcmp(m[0].uri, held[i].uri) == 0;
			/* The figure before the labels were held out of the
			 * confidence too (every ESCO label: NULL). */
			t_leak -= now_s();
			got = taxonomy_candidates(db, NULL, tax, held[i].kind, held[i].label, NULL, 0,
						  m, 1);
			t_leak += now_s();
			leak1 += got > 0 && strcmp(m[0].uri, held[i].uri) == 0;
		}
		grand += n;
		if (quick) { /* h1 holds acc@30 here */
			printf("| %s %s | %zu | "
			       "%.3f | %.3f | %.3f | %.3f |\n",
			       esco_lang_code((esco_lang)lang), want_dev ? "dev" : "test", n,
			       (double)a1 / (double)n, (double)a5 / (double)n, (double)h1 / (double)n,
			       (double)amb1 / (double)n);
			ok = 0;
			continue;
		}
		t = (now_s() - t - t_leak) / (double)(n ? n * 3 : 1) * 1000;
		printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f | %.2f | %.3f | %.3f |\n",
		       esco_lang_code((esco_lang)lang), n, (double)ex / (double)n,
		       (double)a1 / (double)n, (double)h1 / (double)n, (double)a5 / (double)n, t,
		       (double)leak1 / (double)n, (double)amb1 / (double)n);
		if ((double)a1 / (double)n < (lang == ESCO_LANG_EN ? 0.85 : 0.75))
			ok = 0;
	}
	if (quick)
		goto out;
	printf("\nConfidence calibration (all languages, top result, no hint):\n\n");
	printf("| score band | results | right | accuracy |\n|---|---:|---:|---:|\n");
	for (i = 0; i <= 10; i++)
		if (band_n[i])
			printf("| [%.1f, %.1f%s | %zu | %zu | %.3f |\n", (double)i / 10,
			       (double)(i + 1) / 10, i == 10 ? "]" : ")", band_n[i], band_ok[i],
			       (double)band_ok[i] / (double)band_n[i]);
	printf("\nAt the threshold %.2f: %zu of %zu results kept (coverage %.3f), "
	       "precision %.3f.\n",
	       TAX_MIN_SCORE, above_n, grand, (double)above_n / (double)(grand ? grand : 1),
	       (double)above_ok / (double)(above_n ? above_n : 1));
	printf("\nOccupations: %zu held-out labels; first answer in the label's ISCO unit group %.3f "
	       "(%zu answered as a unit group); at the threshold %zu kept, %.3f of them in the unit "
	       "group.\n",
	       occ_n, (double)occ_unit / (double)(occ_n ? occ_n : 1), occ_as_group, occ_above,
	       (double)occ_above_unit / (double)(occ_above ? occ_above : 1));
out:
	index_close(db);
	taxonomy_labels_free(labels);
	free(held);
	free(held_ptrs);
	return ok ? 0 : 1;
}
