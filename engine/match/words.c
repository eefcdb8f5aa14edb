/*
 * words.c - how a typed word reaches occupations besides the heads of
 * their labels (model.c, match__named): the pairs of endings ESCO attests
 * between an activity and its worker ("welding" / "welder"), which a
 * free-text word joined to a head by a bare four-letter root must use; and
 * the ISCO-08 groups' names ("Teaching professionals", "Albañiles"), which
 * a walk-in's lone word may be a word of. Both built once with the model.
 */
#include "engine/match/internal.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/taxonomy.h"

/* At least this many different roots must show a pair of endings before it
 * counts as a derivation: one root alone is the pair itself. */
#define ENDING_ROOTS 2

struct ending_seen {
	char a[8], b[8];
	char root[TAX_WORD_MAX];
};

static int ending_seen_cmp(const void *x, const void *y)
{
	const struct ending_seen *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	if (!c)
		c = strcmp(p->b, q->b);
	return c ? c : strcmp(p->root, q->root);
}

static int ending_cmp(const void *x, const void *y)
{
	const struct match__ending *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	return c ? c : strcmp(p->b, q->b);
}

/* The length of the prefix a and b share. */
static size_t shared_prefix(const char *a, const char *b)
{
	size_t k = 0;

	while (a[k] && a[k] == b[k])
		k++;
	return k;
}

/* match__m.endings: for every head of an occupation (preferred or
 * alternative label, in its language) and every word of the preferred
 * label, in that language, of a skill essential to the occupation that is
 * one root with it and not the same word, the pair of endings after what
 * they share ("welding" / "welder": "ing" / "er"); kept when ENDING_ROOTS
 * different roots show it. What a trade's activity and its worker are
 * called, read from ESCO: "cosecha" (harvest) and "cosedor" (sewer) share
 * four letters, and no pair of ESCO's words ends "cha" / "dor". */
int match__endings_build(const esco *t)
{
	char (*words)[TAX_WORD_MAX] = NULL;
	uint32_t *woff = NULL;
	struct ending_seen *seen = NULL;
	size_t n_seen = 0, cap_seen = 0, nw = 0, capw = 0, k, h, i, j;
	int rc = -1;

	/* The content words of every skill's preferred label, per language:
	 * skill k in language l is words[woff[k * L + l] .. woff[k * L + l + 1]). */
	woff = calloc(match__m.n_skill * ESCO_LANG_COUNT + 1, sizeof *woff);
	if (!woff)
		goto out;
	for (k = 0; k < match__m.n_skill; k++) {
		int l;

		for (l = 0; l < ESCO_LANG_COUNT; l++) {
			const char *p = esco_skill_at(t, k)->labels[l].preferred;

			woff[k * ESCO_LANG_COUNT + (size_t)l] = (uint32_t)nw;
			if (!p)
				continue;
			if (capw - nw < MATCH__LABEL_WORDS) {
				size_t nc = capw ? capw * 2 : 65536;
				char (*g)[TAX_WORD_MAX] = realloc(words, nc * sizeof *words);

				if (!g)
					goto out;
				words = g;
				capw = nc;
			}
			nw += taxonomy_content_words(p, words + nw, MATCH__LABEL_WORDS);
		}
	}
	woff[match__m.n_skill * ESCO_LANG_COUNT] = (uint32_t)nw;
	for (h = 0; h < match__m.n_heads; h++) {
		const struct match__head *hd = &match__m.heads[h];
		uint32_t o = hd->occ;

		if (hd->alt == 2)
			continue; /* a label's modifier, no head */
		for (i = match__m.os_off[o]; i < match__m.os_off[o + 1]; i++) {
			size_t ks = match__m.os_key[i] >> 1, at = ks * ESCO_LANG_COUNT + (size_t)hd->lang;

			if (!(match__m.os_key[i] & 1))
				continue;
			for (j = woff[at]; j < woff[at + 1]; j++) {
				size_t sh;

				/* one root shares the first TAX_ROOT_MIN letters:
				 * most pairs end at the first test */
				if (strncmp(words[j], hd->w, TAX_ROOT_MIN) != 0 || strcmp(words[j], hd->w) == 0 ||
				    !taxonomy_same_root(words[j], hd->w))
					continue;
				sh = shared_prefix(words[j], hd->w);
				/* an ending too long to keep whole is no pair: cut,
				 * it would attest a shorter ending nothing showed */
				if (strlen(words[j] + sh) >= sizeof seen->a || strlen(hd->w + sh) >= sizeof seen->b)
					continue;
				if (n_seen == cap_seen) {
					size_t nc = cap_seen ? cap_seen * 2 : 4096;
					struct ending_seen *e = realloc(seen, nc * sizeof *e);

					if (!e)
						goto out;
					seen = e;
					cap_seen = nc;
				}
				snprintf(seen[n_seen].a, sizeof seen[n_seen].a, "%s", words[j] + sh);
				snprintf(seen[n_seen].b, sizeof seen[n_seen].b, "%s", hd->w + sh);
				snprintf(seen[n_seen].root, sizeof seen[n_seen].root, "%.*s", (int)sh, hd->w);
				n_seen++;
			}
		}
	}
	if (n_seen)
		qsort(seen, n_seen, sizeof *seen, ending_seen_cmp);
	match__m.endings = calloc(n_seen + 1, sizeof *match__m.endings);
	if (!match__m.endings)
		goto out;
	for (i = 0; i < n_seen; i = j) {
		size_t roots = 1;

		for (j = i + 1; j < n_seen && strcmp(seen[j].a, seen[i].a) == 0 && strcmp(seen[j].b, seen[i].b) == 0; j++)
			if (strcmp(seen[j].root, seen[j - 1].root) != 0)
				roots++;
		if (roots >= ENDING_ROOTS) {
			memcpy(match__m.endings[match__m.n_endings].a, seen[i].a, sizeof seen[i].a);
			memcpy(match__m.endings[match__m.n_endings].b, seen[i].b, sizeof seen[i].b);
			match__m.n_endings++;
		}
	}
	rc = 0;
out:
	free(words);
	free(woff);
	free(seen);
	return rc;
}

/* Whether ESCO attests the endings a (of the typed word) and b (of the
 * head) as a derivation (match__m.endings). */
static int ending_attested(const char *a, const char *b)
{
	struct match__ending key;

	if (strlen(a) >= sizeof key.a || strlen(b) >= sizeof key.b)
		return 0;
	memset(&key, 0, sizeof key);
	memcpy(key.a, a, strlen(a));
	memcpy(key.b, b, strlen(b));
	return bsearch(&key, match__m.endings, match__m.n_endings, sizeof key, ending_cmp) != NULL;
}

/* match__m.gwords: every ISCO-08 group's preferred label, in each
 * language, as content words. */
int match__gwords_build(const esco *t)
{
	size_t g, n = 0, cap = 0, ng = esco_isco_group_count(t);
	int l;

	for (g = 0; g < ng; g++)
		for (l = 0; l < ESCO_LANG_COUNT; l++) {
			const char *p = esco_isco_group_at(t, g)->labels[l].preferred;
			char w[MATCH__LABEL_WORDS][TAX_WORD_MAX];
			size_t m, i;

			if (!p)
				continue;
			m = taxonomy_content_words(p, w, MATCH__LABEL_WORDS);
			for (i = 0; i < m; i++) {
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 4096;
					struct match__gword *x = realloc(match__m.gwords, nc * sizeof *x);

					if (!x)
						return -1;
					match__m.gwords = x;
					cap = nc;
				}
				memcpy(match__m.gwords[n].w, w[i], sizeof w[i]);
				match__m.gwords[n++].grp = (uint32_t)g;
			}
		}
	match__m.n_gwords = n;
	return 0;
}

int match__swords_build(const esco *t)
{
	size_t k, n = 1, cap = 1u << 20, slots = match__m.n_skill * ESCO_LANG_COUNT;
	char *blob = malloc(cap);
	uint32_t *off = calloc(slots ? slots : 1, sizeof *off);
	int l;

	if (!blob || !off)
		goto fail;
	blob[0] = '\0'; /* offset 0: no label */
	for (k = 0; k < match__m.n_skill; k++) {
		const esco_skill *sk = esco_skill_at(t, k);

		for (l = 0; sk && l < ESCO_LANG_COUNT; l++) {
			char w[MATCH__LABEL_WORDS][TAX_WORD_MAX];
			size_t m, i, need;

			if (!sk->labels[l].preferred)
				continue;
			m = taxonomy_content_words(sk->labels[l].preferred, w, MATCH__LABEL_WORDS);
			if (!m)
				continue;
			for (i = 0, need = 0; i < m; i++)
				need += strlen(w[i]) + 1;
			if (n + need > UINT32_MAX)
				goto fail;
			while (n + need > cap) {
				char *x = realloc(blob, cap * 2);

				if (!x)
					goto fail;
				blob = x;
				cap *= 2;
			}
			off[k * ESCO_LANG_COUNT + (size_t)l] = (uint32_t)n;
			for (i = 0; i < m; i++) {
				size_t wl = strlen(w[i]);

				memcpy(blob + n, w[i], wl);
				n += wl;
				blob[n++] = i + 1 < m ? ' ' : '\0';
			}
		}
	}
	match__m.swords = blob;
	match__m.swords_off = off;
	return 0;
fail:
	free(blob);
	free(off);
	return -1;
}

/* The content words of skill k's preferred label in language l, one at a
 * time: *at is the cursor (start it at 0); copies the next word into w and
 * returns 1, 0 at the end. */
static int next_sword(size_t k, int l, size_t *at, char w[TAX_WORD_MAX])
{
	const char *p = match__m.swords + match__m.swords_off[k * ESCO_LANG_COUNT + (size_t)l] + *at;
	size_t wl = strcspn(p, " ");

	if (!wl || wl >= TAX_WORD_MAX)
		return 0;
	memcpy(w, p, wl);
	w[wl] = '\0';
	*at += wl + (p[wl] == ' ');
	return 1;
}

/* Whether w and a head h are one root for naming. For free text
 * (attest), two different words that share only TAX_ROOT_MIN letters must
 * end as ESCO attests a derivation (match__m.endings): four letters are
 * shared by chance often ("cosecha" / "cosedor", harvest / sewer;
 * "récolte" / "recorder"), a longer root seldom. An ESCO skill's words keep
 * the root rule alone (their occupations are further bounded by the
 * skill's own listing), but for the unlisted reading (model.c), which has
 * no listing to bound it. */
int match__root_ok(const char *w, const char *h, int attest)
{
	size_t k;

	if (!taxonomy_same_root(w, h))
		return 0;
	if (!attest || strcmp(w, h) == 0)
		return 1;
	k = shared_prefix(w, h);
	return k > TAX_ROOT_MIN || ending_attested(w + k, h + k);
}

/* Whether b is a (or a's plural: a + "s" or a + "es"), the plural marks of
 * English, French and Spanish. */
static int same_or_plural(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > lb)
		return same_or_plural(b, a);
	if (strncmp(a, b, la) != 0)
		return 0;
	return lb == la || (lb == la + 1 && b[la] == 's') || (lb == la + 2 && strcmp(b + la, "es") == 0);
}

#define GROUPS_MAX 64

/* The occupations (listed in out, each once, stamping mark[] with s, a
 * stamp no entry holds yet) of the ISCO-08 groups whose preferred label, in any language,
 * holds w as a word (or its plural), when those groups all lie in one
 * sub-major group; their count, 0 otherwise. ISCO-08 names a group by its
 * trade where ESCO's occupations are named by their specialities:
 * "teaching" is in "Teaching professionals" (23), "enseñanza" in
 * "Profesionales de la enseñanza", "albañil" in "Albañiles" (7112). A word
 * whose groups are spread ("construction": managers 1323, supervisors 3123,
 * labourers 9313) names no trade and gives nothing, as round 15's
 * one-group rule does for heads. */
size_t match__group_meets(const esco *t, const char *w, uint32_t *mark, uint32_t s, uint32_t *out)
{
	const char *code[GROUPS_MAX];
	size_t nc = 0, i, j, o, n = 0;

	if (strlen(w) < TAX_ROOT_MIN)
		return 0;
	for (i = 0; i < match__m.n_gwords; i++) {
		const char *c = esco_isco_group_at(t, match__m.gwords[i].grp)->code;

		if (!same_or_plural(w, match__m.gwords[i].w))
			continue;
		for (j = 0; j < nc && strcmp(code[j], c) != 0; j++)
			;
		if (j < nc)
			continue;
		if (nc == GROUPS_MAX || strlen(c) < 2 || (nc && strncmp(code[0], c, 2) != 0))
			return 0;
		code[nc++] = c;
	}
	if (!nc)
		return 0;
	for (o = 0; o < match__m.n_occ; o++) {
		const char *g = esco_occupation_at(t, o)->isco;

		for (j = 0; j < nc && (!g || strncmp(g, code[j], strlen(code[j])) != 0); j++)
			;
		if (j < nc && mark[o] != s) {
			mark[o] = s;
			out[n++] = (uint32_t)o;
		}
	}
	return n;
}

/* Whether v is of w's root for match__verb_share: they share more than
 * TAX_ROOT_MIN letters, the length match__root_ok needs no attested ending
 * for, whatever their endings ("conducteur" / "conduire" share "condu",
 * then "cteur" and "ire": a derivation beyond taxonomy_same_root's 4-letter
 * tails). Read only against heads the word already names, and against
 * ISCO-08 group names for occupations a skill's words already gave
 * (match__domain_word: "agricole" / "agriculture"). */
static int verb_of_root(const char *w, const char *v)
{
	size_t k = 0;

	while (w[k] && w[k] == v[k])
		k++;
	return k > TAX_ROOT_MIN;
}

/* Keeps, of the n occupations occ[] that a word w of language lang heads,
 * those that list as essential a skill whose preferred label in lang opens
 * with a verb of w's root, ordered as they were; their count (0 when none
 * does, or out of memory). An agent noun names the trade whose work is its
 * verb: French "conducteur" heads 86 labels, 44 machine operators (81), 24
 * drivers (83) and 17 plant operators (31); the skills "conduire ..." are
 * essential to the drivers, while the machine operators' say "faire
 * fonctionner", "surveiller". */
size_t match__verb_share(const esco *t, const char *w, int lang, uint32_t *occ, size_t n)
{
	uint8_t *lists = calloc(match__m.n_occ, 1);
	size_t k, j, i, kept = 0;

	if (!lists)
		return 0;
	for (k = 0; k < match__m.n_skill; k++) {
		const esco_skill *sk = esco_skill_at(t, k);
		char first[TAX_WORD_MAX];
		size_t at = 0;

		if (!sk || sk->type == ESCO_SKILL_TYPE_KNOWLEDGE || !next_sword(k, lang, &at, first) ||
		    !verb_of_root(w, first))
			continue;
		for (j = match__m.so_off[k]; j < match__m.so_off[k + 1]; j++)
			if (match__m.so_key[j] & 1)
				lists[match__m.so_key[j] >> 1] = 1;
	}
	for (i = 0; i < n; i++)
		if (lists[occ[i]])
			occ[kept++] = occ[i];
	free(lists);
	return kept;
}

/* Whether more than half of the n occupations occ[] lie in one ISCO-08
 * sub-major group: the verb's trade is one sense ("conducteur": 11 of the
 * 13 heads listing "conduire ..." are drivers, 83), not a verb as general
 * as "emplear" (use), which the two "empleado" heads listing it share by
 * chance (a technician of 33, a handyman of 96). */
int match__sub_major_most(const esco *t, const uint32_t *occ, size_t n)
{
	size_t a, b, best = 0;

	for (a = 0; a < n; a++) {
		const char *ia = esco_occupation_at(t, occ[a])->isco;
		size_t same = 0;

		for (b = 0; b < n; b++)
			same += strncmp(ia, esco_occupation_at(t, occ[b])->isco, 2) == 0;
		if (same > best)
			best = same;
	}
	return best * 2 > n;
}

/* Of two words typed together, the one whose skills reach fewer
 * occupations: the occupations (in out, their count) that list as
 * essential a skill whose preferred label, in the languages langs, holds a
 * word of its root. "travail" is in the labels of skills essential to 1,218
 * occupations, "agricole" to 49 (most of them farmers, 61): the word that
 * says the domain. Scratch has[] of n_occ bytes, left zeroed. */
size_t match__domain_word(const esco *t, char (*w)[TAX_WORD_MAX], unsigned langs, uint8_t *has,
			  uint32_t *out, size_t *other)
{
	size_t k, j, o, n[2] = {0, 0}, m = 0;
	int l, d;

	for (k = 0; k < match__m.n_skill; k++) {
		const esco_skill *sk = esco_skill_at(t, k);
		unsigned bits = 0;

		for (l = 0; sk && l < ESCO_LANG_COUNT; l++) {
			char lw[TAX_WORD_MAX];
			size_t at = 0;

			if (!(langs >> l & 1))
				continue;
			while (next_sword(k, l, &at, lw))
				bits |= (unsigned)match__root_ok(w[0], lw, 1) |
					(unsigned)match__root_ok(w[1], lw, 1) << 1;
		}
		if (!bits)
			continue;
		for (j = match__m.so_off[k]; j < match__m.so_off[k + 1]; j++)
			if (match__m.so_key[j] & 1)
				has[match__m.so_key[j] >> 1] |= (uint8_t)bits;
	}
	for (o = 0; o < match__m.n_occ; o++) {
		n[0] += has[o] & 1;
		n[1] += has[o] >> 1 & 1;
	}
	d = n[1] && (!n[0] || n[1] < n[0]) ? 1 : 0;
	*other = n[1 - d];
	/* and of those, the ones in an ISCO-08 group whose name holds the
	 * word: two sources agree on the domain ("agricultural" in
	 * "Agricultural, forestry and fishery labourers", "agricoles" in
	 * "conducteurs d'engins mobiles agricoles"); alone, a skill's word is
	 * a descriptor by chance ("social" is in "corporate social
	 * responsibility", which the retail managers list) */
	for (k = 0; k < match__m.n_gwords; k++) {
		const char *code = esco_isco_group_at(t, match__m.gwords[k].grp)->code;

		if (!verb_of_root(w[d], match__m.gwords[k].w))
			continue;
		for (o = 0; o < match__m.n_occ; o++) {
			const char *g = esco_occupation_at(t, o)->isco;

			if ((has[o] >> d & 1) && g && strncmp(g, code, strlen(code)) == 0)
				has[o] |= 4;
		}
	}
	for (o = 0; o < match__m.n_occ; o++) {
		if (has[o] & 4)
			out[m++] = (uint32_t)o;
		has[o] = 0;
	}
	return m;
}

/* The sense of a word that names several occupations: the one most of them
 * share. sense[m] gets, for occupation occ[m], the mean over the ISCO-08
 * major, sub-major and minor groups of the share of occ[] in its group at
 * that level, over the best such mean: 1 for the occupations of the word's
 * main sense, less for the others. Not the unit group: there ESCO's
 * near-duplicates (two special-needs teachers) would outvote the rest of
 * the sense. Spanish "maestro" heads the labels of four teachers (23xx)
 * and of a brewer, a cider master (2145), a malter, a coffee roaster
 * (7515) and a soap maker: the teachers get 1, the others 0.83, 0.5 and
 * 0.25. A word whose occupations are all of one group, or each of its
 * own, gives 1 to all. */
void match__sense_shares(const esco *t, const uint32_t *occ, size_t n, double *sense)
{
	size_t a, b, d;
	double best = 0;

	for (a = 0; a < n; a++) {
		const char *ia = esco_occupation_at(t, occ[a])->isco;
		size_t same = 0;

		for (b = 0; b < n; b++) {
			const char *ib = esco_occupation_at(t, occ[b])->isco;

			for (d = 0; d < 3 && ia[d] && ia[d] == ib[d]; d++)
				same++; /* shares levels 1..d+1 */
		}
		sense[a] = (double)same / (3.0 * (double)n);
		if (sense[a] > best)
			best = sense[a];
	}
	for (a = 0; a < n; a++)
		sense[a] = best > 0 ? sense[a] / best : 1.0;
}


size_t match__both_words(const char *w0, const char *w1, unsigned langs, uint32_t *out)
{
	uint8_t *has;
	size_t i, n = 0;
	int pass;

	if (strlen(w0) < TAX_ROOT_MIN || strlen(w1) < TAX_ROOT_MIN || strcmp(w0, w1) == 0)
		return 0;
	if (!(has = calloc(match__m.n_occ ? match__m.n_occ : 1, 1)))
		return 0;
	for (pass = 0; pass < 2; pass++) {
		const char *w = pass ? w1 : w0;
		char pre[TAX_ROOT_MIN + 1];
		size_t end;

		memcpy(pre, w, TAX_ROOT_MIN);
		pre[TAX_ROOT_MIN] = '\0';
		i = match__heads_from(pre);
		for (end = match__heads_past(pre, i); i < end; i++) {
			const struct match__head *h = &match__m.heads[i];

			/* preferred labels' words (head or modifier) of the
			 * text's languages, one root with the typed word */
			if (h->alt == 1 || !(langs >> h->lang & 1) || !match__root_ok(w, h->w, 1))
				continue;
			if (!pass) {
				has[h->occ] |= (uint8_t)(1u << h->lang);
			} else if (has[h->occ] >> h->lang & 1) {
				has[h->occ] = 0;
				out[n++] = h->occ;
			}
		}
	}
	free(has);
	return n;
}
