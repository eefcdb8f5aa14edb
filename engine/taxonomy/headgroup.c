/*
 * headgroup.c - a bare occupation word names a kind of worker, not one
 * ESCO occupation (tax__head_group). "nurse", "infirmière", "ingénieur"
 * are no label of their own, but the head word of many: "specialist nurse",
 * "adult nurse", "infirmier de soins généraux" ... Each such label says
 * that its occupation is a kind of the word. Counted over every label of
 * every language, the ISCO-08 unit group whose occupations the word heads
 * most is what the word means (2221, nursing professionals), with a
 * confidence from the share of those labels that group holds. The answer is
 * that group, or its one occupation when only one of the group is headed
 * by the word or one is the ESCO broader occupation of all the others
 * ("welder" over "pipe welder"): never a specialist the text did not name.
 * The head word is the last content word in English, the first in French
 * and Spanish (tax__head_word); words compare as inflections do.
 */
#include "engine/taxonomy/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HG_GROUPS 128 /* unit groups counted; more are rare and small */
#define HG_MAX_WORDS 3 /* a bare word, or a word with one or two modifiers */

struct hg_count {
	const char *isco;
	size_t n_occ, n_lab;
	const esco_occupation *first;
};

/* 1 when every content word of the text matches a word of lw (as an
 * inflection at least). */
static int covers_text(const struct units *u, char *const *lw, size_t nl)
{
	size_t i, j;

	for (i = 0; i < u->n; i++) {
		if (tax__is_stopword(u->w[i]))
			continue;
		for (j = 0; j < nl && tax__word_match(u->w[i], lw[j]) < 0.9; j++)
			;
		if (j == nl)
			return 0;
	}
	return 1;
}

static size_t content_words(char *const *w, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += !tax__is_stopword(w[i]);
	return c;
}

/* Counts the labels of slot 0 (occupations) whose head word is text word
 * u->w[at] in their language and that hold the whole text plus more; a
 * label that is the text (up to inflection) sets *equal instead. */
static void count_headed(const struct tax_labels *t, const struct units *u, size_t at,
			 const int *th, size_t nc, unsigned char *seen, struct hg_count *g,
			 size_t *ng, size_t *n_lab, int *equal)
{
	size_t lo, hi, i, k, plen = strlen(u->w[at]);

	plen = plen > 5 ? plen - 2 : plen;
	tax__word_range(t, 0, u->w[at], plen, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct tword *e = &t->words[0][i];
		const struct tlabel *L = &t->lab[e->label];
		const esco_occupation *o = L->concept;
		char buf[FOLD_MAX], *lw[MAX_WORDS];
		size_t nl, lc;
		int h;

		if (th[L->lang] != (int)at)
			continue; /* in this label's language, another word is the text's head */
		memcpy(buf, t->text.p + L->fold, (size_t)L->flen + 1);
		nl = tax__split_words(buf, lw, MAX_WORDS);
		h = tax__head_word(lw, nl, L->lang);
		/* this entry must be the label's head word (each label once) */
		if (h < 0 || L->fold + (uint32_t)(lw[h] - buf) != e->word ||
		    tax__word_match(u->w[at], lw[h]) < 0.9 || !covers_text(u, lw, nl))
			continue;
		lc = content_words(lw, nl);
		if (lc <= nc) {
			*equal = 1;
			continue;
		}
		if (!o->isco[0])
			continue;
		for (k = 0; k < *ng && strcmp(g[k].isco, o->isco) != 0; k++)
			;
		if (k == *ng) {
			if (*ng == HG_GROUPS)
				continue;
			g[(*ng)++] = (struct hg_count){o->isco, 0, 0, o};
		}
		g[k].n_lab++;
		(*n_lab)++;
		if (!seen[o->index]) {
			seen[o->index] = 1;
			g[k].n_occ++;
		}
	}
}

/* The one occupation of the group that the word heads, or the one that is
 * the broader occupation of all the others; NULL when there is none. */
static const esco_occupation *group_occupation(const esco *tax, const struct hg_count *w,
					       const unsigned char *seen)
{
	const esco_occupation *const *list, *top = NULL;
	size_t n = esco_occupations_by_isco(tax, w->isco, &list), i;

	if (w->n_occ == 1)
		return w->first;
	for (i = 0; i < n; i++) {
		const esco_occupation *o = list[i];

		if (!seen[o->index])
			continue;
		if (!o->broader || !seen[o->broader->index]) {
			if (top)
				return NULL; /* two that no third one is broader of */
			top = o;
		} else if (o->broader->broader && seen[o->broader->broader->index]) {
			return NULL; /* deeper than one level: not decided here */
		}
	}
	return top;
}

/* The labels the word heads, counted by ISCO-08 group of `digits` digits
 * (4 unit, 3 minor, 2 sub-major): the group holding most (ties: more
 * occupations) in *lv, with the next group's count. 0 when no group holds
 * more than every other. */
struct hg_level {
	char code[5];
	size_t n_lab, n_occ, second;
};

static int group_at_level(const struct hg_count *g, size_t ng, size_t digits, struct hg_level *lv)
{
	struct hg_level agg[HG_GROUPS];
	size_t na = 0, i, k, best = 0;

	for (i = 0; i < ng; i++) {
		if (strlen(g[i].isco) < digits)
			continue;
		for (k = 0; k < na && strncmp(agg[k].code, g[i].isco, digits) != 0; k++)
			;
		if (k == na) {
			memset(&agg[na], 0, sizeof agg[na]);
			memcpy(agg[na].code, g[i].isco, digits);
			na++;
		}
		agg[k].n_lab += g[i].n_lab;
		agg[k].n_occ += g[i].n_occ;
	}
	if (!na)
		return 0;
	for (i = 1; i < na; i++)
		if (agg[i].n_lab > agg[best].n_lab ||
		    (agg[i].n_lab == agg[best].n_lab && agg[i].n_occ > agg[best].n_occ))
			best = i;
	*lv = agg[best];
	lv->second = 0;
	for (i = 0; i < na; i++)
		if (i != best && agg[i].n_lab > lv->second)
			lv->second = agg[i].n_lab;
	/* The word must be at home in one group: more of its labels there
	 * than in any other. */
	return lv->n_lab > lv->second;
}

int tax__head_group(const struct tax_labels *t, const esco *tax, const struct units *u,
		    double prior, const char *own_isco, struct tax_head_group *out)
{
	struct hg_count *g = NULL;
	unsigned char *seen = NULL;
	size_t nc = content_words(u->w, u->n), ng = 0, n_lab = 0, i, d;
	struct hg_level pick = {{0}, 0, 0, 0};
	double pick_share = 0;
	int th[ESCO_LANG_COUNT], l, rc = 0, done[MAX_WORDS] = {0};

	memset(out, 0, sizeof *out);
	if (nc == 0 || nc > HG_MAX_WORDS)
		return 0;
	for (l = 0; l < ESCO_LANG_COUNT; l++)
		th[l] = tax__head_word(u->w, u->n, l);
	g = calloc(HG_GROUPS, sizeof *g);
	seen = calloc(esco_occupation_count(tax) + 1, 1);
	if (!g || !seen)
		goto out;
	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		if (th[l] < 0 || done[th[l]] || strlen(u->w[th[l]]) < 3)
			continue;
		done[th[l]] = 1;
		count_headed(t, u, (size_t)th[l], th, nc, seen, g, &ng, &n_lab, &out->equal);
	}
	for (i = 0; own_isco && i < ng; i++)
		if (strcmp(g[i].isco, own_isco) == 0)
			out->n_occ_own = g[i].n_occ;
	/* The narrowest group that owns the word: the unit group, else the
	 * minor, else the sub-major group whose labels it heads ("driver"
	 * heads truck drivers 8332 and taxi drivers 8322 almost equally: it
	 * names 83, drivers, and no one of them; "teacher" 23). */
	for (d = 4; d >= 2; d--) {
		struct hg_level lv = {{0}, 0, 0, 0};
		double share;
		int home = group_at_level(g, ng, d, &lv);

		if (d == 4 && lv.code[0])
			memcpy(out->unit_best, lv.code, sizeof out->unit_best);
		if (!home)
			continue;
		share = sqrt((double)lv.n_lab / ((double)n_lab + prior) *
			     ((double)lv.n_lab / ((double)(lv.n_lab + lv.second) + prior)));
		if (d == 4) {
			pick = lv;
			pick_share = share;
		}
		if (HEAD_GROUP_BASE + (1 - HEAD_GROUP_BASE) * share >= TAX_MIN_SCORE) {
			pick = lv;
			pick_share = share;
			break;
		}
	}
	/* else the unit group, good enough or not (the caller weighs it
	 * against the search's answer) */
	if (!pick.code[0])
		goto out;
	out->group = esco_isco_group_by_code(tax, pick.code);
	for (i = 0; i < ng && strcmp(g[i].isco, pick.code) != 0; i++)
		;
	out->occ = i < ng ? group_occupation(tax, &g[i], seen) : NULL;
	/* One occupation of a unit group that the word heads many kinds of,
	 * inside it and outside it alike: the word names them all, as
	 * "teacher" does (candidates.c, HEAD_GROUP_GENERIC_OCC). ESCO's French
	 * and Spanish lecturers are "enseignant-chercheur en X", "profesor de
	 * X" (35 and 42 occupations of 2310, all under higher education
	 * lecturer), so the word owns 2310 by its labels there, while it
	 * heads the labels of 15 and 77 other teachers' occupations too.
	 * Then the narrowest wider group that holds more of those
	 * occupations and owns the word at the threshold, as for "teacher"
	 * (23); none: the answer stays. "lecturer" heads 5 outside 2310 and
	 * stays higher education lecturer. A bare word only: with a modifier
	 * ("networks engineer") the text says which kind. */
	if (nc == 1 && out->occ && strlen(pick.code) == 4 && pick.n_occ >= HEAD_GROUP_GENERIC_OCC) {
		size_t n_occ_all = 0;

		for (i = 0; i < ng; i++)
			n_occ_all += g[i].n_occ;
		for (d = 3; n_occ_all - pick.n_occ >= HEAD_GROUP_GENERIC_OCC && d >= 2; d--) {
			struct hg_level lv = {{0}, 0, 0, 0};
			const esco_isco_group *wider;
			double share;

			if (!group_at_level(g, ng, d, &lv) || lv.n_occ <= pick.n_occ)
				continue;
			share = sqrt((double)lv.n_lab / ((double)n_lab + prior) *
				     ((double)lv.n_lab / ((double)(lv.n_lab + lv.second) + prior)));
			if (HEAD_GROUP_BASE + (1 - HEAD_GROUP_BASE) * share >= TAX_MIN_SCORE &&
			    strncmp(lv.code, pick.code, d) == 0 &&
			    (wider = esco_isco_group_by_code(tax, lv.code)) != NULL) {
				out->group = wider;
				pick = lv;
				pick_share = share;
				out->occ = NULL;
				out->generic = 1;
				break;
			}
		}
	}
	/* How much the group owns the word: its share of all the labels the
	 * word heads, and its lead over the next group (a geometric mean: a
	 * word spread over many groups, "consultant", and a near tie, both
	 * stay low). */
	out->share = pick_share;
	out->n_occ = pick.n_occ;
	rc = out->group != NULL;
out:
	free(g);
	free(seen);
	return rc;
}
