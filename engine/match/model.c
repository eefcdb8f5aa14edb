/*
 * model.c - the ESCO side of matching: the process's taxonomy, an
 * occupation's ISCO-08 unit group, and the occupation model built once
 * per process from ESCO's occupation-skill relations (a naive Bayes model,
 * INF in weights.h), which infers likely occupations from a skill set.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/taxonomy.h"

/* The process's one copy of ESCO, owned by the taxonomy module. */
const esco *match_taxonomy(void)
{
	return taxonomy_esco();
}

/* An occupation (ISCO code or ESCO URI) as its 4-digit unit group ("" if
 * unknown, not a unit group, or without the taxonomy): matching compares
 * unit groups only. */
void match__occupation_code(const char *occ, char code[5])
{
	if (taxonomy_isco_group(occ, code) != 4)
		code[0] = '\0';
}

/* ---- the occupation model: ESCO's occupation-skill relations ---- */

struct match__model match__m;

static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int lab_cmp(const void *a, const void *b)
{
	const struct match__lab *x = a, *y = b;
	int c = strcmp(x->lc, y->lc);

	return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int head_cmp(const void *a, const void *b)
{
	const struct match__head *x = a, *y = b;
	int c = strcmp(x->w, y->w);

	return c ? c : x->occ < y->occ ? -1 : x->occ > y->occ;
}

/* match__m.heads: the head word of each form of every occupation's
 * preferred label in every language ("soudeur/soudeuse" gives "soudeur"
 * and "soudeuse"; "waiter/waitress" "waiter" and "waitress"), and, marked
 * alt, of its alternative labels. A word reads the preferred labels' heads;
 * an alternative label may name another trade ("maestro" is one of art
 * director's), so the alternative ones are read only for a free-text word
 * that heads no preferred label at all (match__named). */
static int heads_grow(size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8192;
		struct match__head *h = realloc(match__m.heads, nc * sizeof *h);

		if (!h)
			return -1;
		match__m.heads = h;
		*cap = nc;
	}
	return 0;
}

/* The other content words of a preferred label's form (head its head),
 * marked alt 2: the trade's modifiers ("laundry" of "laundry worker",
 * "mudanzas" of "conductor de camión de mudanzas"), read only for a
 * walk-in's lone word that names nothing else (match__named). */
static int mods_add(const char *form, int l, const char *head, uint32_t o, size_t *n, size_t *cap)
{
	char words[MATCH__LABEL_WORDS][TAX_WORD_MAX];
	size_t nw = taxonomy_content_words(form, words, MATCH__LABEL_WORDS), i;

	for (i = 0; i < nw; i++) {
		if (strcmp(words[i], head) == 0 || strlen(words[i]) < TAX_ROOT_MIN)
			continue;
		if (heads_grow(n, cap) < 0)
			return -1;
		snprintf(match__m.heads[*n].w, sizeof match__m.heads[*n].w, "%s", words[i]);
		match__m.heads[*n].lang = l;
		match__m.heads[*n].alt = 2;
		match__m.heads[(*n)++].occ = o;
	}
	return 0;
}

static int heads_add(const char *p, int l, int alt, uint32_t o, size_t *n, size_t *cap)
{
	while (p && *p) {
		size_t len = strcspn(p, "/");
		char form[512];

		snprintf(form, sizeof form, "%.*s", (int)(len < sizeof form ? len : sizeof form - 1), p);
		p += len + (p[len] == '/');
		if (heads_grow(n, cap) < 0)
			return -1;
		if (taxonomy_head_word(form, l, match__m.heads[*n].w, sizeof match__m.heads[*n].w) == 0) {
			match__m.heads[*n].lang = l;
			match__m.heads[*n].alt = alt;
			match__m.heads[(*n)++].occ = o;
			if (!alt && mods_add(form, l, match__m.heads[*n - 1].w, o, n, cap) < 0)
				return -1;
		}
	}
	return 0;
}

static int heads_build(const esco *t)
{
	size_t o, n = 0, cap = 0, a;
	int l;

	for (o = 0; o < match__m.n_occ; o++)
		for (l = 0; l < ESCO_LANG_COUNT; l++) {
			const esco_labels *lb = &esco_occupation_at(t, o)->labels[l];

			if (heads_add(lb->preferred, l, 0, (uint32_t)o, &n, &cap) < 0)
				return -1;
			for (a = 0; a < lb->n_alt; a++)
				if (heads_add(lb->alt[a], l, 1, (uint32_t)o, &n, &cap) < 0)
					return -1;
		}
	if (n)
		qsort(match__m.heads, n, sizeof *match__m.heads, head_cmp);
	match__m.n_heads = n;
	return 0;
}

static void model_build(void)
{
	const esco *t = match_taxonomy();
	size_t o, i, j, total = 0, n;
	uint32_t *df = NULL, *fill = NULL;

	if (!t)
		return;
	match__m.n_occ = esco_occupation_count(t);
	match__m.n_skill = esco_skill_count(t);
	for (o = 0; o < match__m.n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(t, o);

		total += x->n_essential + x->n_optional;
	}
	match__m.os_off = calloc(match__m.n_occ + 1, sizeof *match__m.os_off);
	match__m.os_key = calloc(total + 1, sizeof *match__m.os_key);
	match__m.occ_z = calloc(match__m.n_occ + 1, sizeof *match__m.occ_z);
	match__m.so_off = calloc(match__m.n_skill + 1, sizeof *match__m.so_off);
	match__m.so_key = calloc(total + 1, sizeof *match__m.so_key);
	match__m.labs = calloc(match__m.n_skill + 1, sizeof *match__m.labs);
	df = calloc(match__m.n_skill + 1, sizeof *df);
	fill = calloc(match__m.n_skill + 1, sizeof *fill);
	if (!match__m.os_off || !match__m.os_key || !match__m.occ_z || !match__m.so_off ||
	    !match__m.so_key || !match__m.labs || !df || !fill)
		goto fail;
	for (i = 0; i < match__m.n_skill; i++) {
		char buf[KEY_MAX];

		match__m.labs[i].idx = (uint32_t)i;
		match__m.labs[i].lc = strdup(match__lower(esco_skill_at(t, i)->label, buf, sizeof buf));
		if (!match__m.labs[i].lc)
			goto fail;
	}
	qsort(match__m.labs, match__m.n_skill, sizeof *match__m.labs, lab_cmp);
	/* Each occupation's skills, sorted, an essential listing winning over
	 * an optional one of the same skill. */
	n = 0;
	for (o = 0; o < match__m.n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(t, o);
		size_t start = n, w;

		match__m.os_off[o] = (uint32_t)n;
		for (i = 0; i < x->n_essential; i++)
			match__m.os_key[n++] = x->essential[i]->index << 1 | 1;
		for (i = 0; i < x->n_optional; i++)
			match__m.os_key[n++] = x->optional[i]->index << 1;
		qsort(match__m.os_key + start, n - start, sizeof *match__m.os_key, cmp_u32);
		for (i = start, w = start; i < n; i++) {
			if (w > start && match__m.os_key[w - 1] >> 1 == match__m.os_key[i] >> 1)
				match__m.os_key[w - 1] = match__m.os_key[i]; /* the higher key is the essential one */
			else
				match__m.os_key[w++] = match__m.os_key[i];
		}
		n = w;
		for (i = start; i < n; i++)
			df[match__m.os_key[i] >> 1]++;
	}
	match__m.os_off[match__m.n_occ] = (uint32_t)n;
	for (o = 0; o < match__m.n_occ; o++) {
		double z = 0;

		for (i = match__m.os_off[o]; i < match__m.os_off[o + 1]; i++)
			z += match__m.os_key[i] & 1 ? 1.0 : INF.optional;
		match__m.occ_z[o] = z > 0 ? z : 1;
	}
	/* The inverse: skill -> occupations listing it. */
	for (i = 0, j = 0; i < match__m.n_skill; i++) {
		match__m.so_off[i] = (uint32_t)j;
		j += df[i];
	}
	match__m.so_off[match__m.n_skill] = (uint32_t)j;
	for (o = 0; o < match__m.n_occ; o++)
		for (i = match__m.os_off[o]; i < match__m.os_off[o + 1]; i++) {
			uint32_t k = match__m.os_key[i] >> 1;

			match__m.so_key[match__m.so_off[k] + fill[k]++] = (uint32_t)o << 1 | (match__m.os_key[i] & 1);
		}
	if (heads_build(t) < 0 || match__endings_build(t) < 0 || match__gwords_build(t) < 0 ||
	    match__swords_build(t) < 0)
		goto fail;
	free(df);
	free(fill);
	match__m.ok = 1;
	return;
fail:
	free(df);
	free(fill);
	free(match__m.os_off);
	free(match__m.os_key);
	free(match__m.occ_z);
	free(match__m.so_off);
	free(match__m.so_key);
	for (i = 0; match__m.labs && i < match__m.n_skill; i++)
		free(match__m.labs[i].lc);
	free(match__m.labs);
	free(match__m.heads);
	free(match__m.endings);
	free(match__m.gwords);
	free(match__m.swords);
	free(match__m.swords_off);
	memset(&match__m, 0, sizeof match__m);
}

int match__model_ready(void)
{
	pthread_once(&model_once, model_build);
	return match__m.ok;
}

/* Whether occupation o lists skill k: 0 no, 1 as optional, 2 as essential. */
int match__occ_lists(uint32_t o, uint32_t k)
{
	size_t lo = match__m.os_off[o], hi = match__m.os_off[o + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t s = match__m.os_key[mid] >> 1;

		if (s == k)
			return 1 + (int)(match__m.os_key[mid] & 1);
		if (s < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Sets bit k of `has` for every ESCO skill k whose lowercased label is lc. */
void match__mark_label(uint8_t *has, const char *lc)
{
	size_t lo = 0, hi = match__m.n_skill;

	while (lo < hi) { /* the first entry >= lc */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(match__m.labs[mid].lc, lc) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < match__m.n_skill && strcmp(match__m.labs[lo].lc, lc) == 0; lo++)
		has[match__m.labs[lo].idx >> 3] |= (uint8_t)(1u << (match__m.labs[lo].idx & 7));
}

/* log P(skill | o) for a skill o lists (essential or not), and for one it
 * does not list. */
double match__lp_listed(uint32_t o, int essential)
{
	return log((1 - INF.unlisted) * (essential ? 1.0 : INF.optional) / match__m.occ_z[o]);
}

double match__lp_unlisted(void)
{
	return log(INF.unlisted / (double)(match__m.n_skill ? match__m.n_skill : 1));
}

size_t match__heads_from(const char *w)
{
	size_t lo = 0, hi = match__m.n_heads;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(match__m.heads[mid].w, w) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t match__heads_past(const char *pre, size_t from)
{
	const size_t n = strlen(pre);
	size_t lo = from, hi = match__m.n_heads;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(match__m.heads[mid].w, pre, n) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define NAMED_OCC_MAX 20
/* A word of a walk-in's two is too general to name a trade when the skills
 * whose labels hold it are essential to more than 1 / GENERAL_SHARE of
 * ESCO's occupations ("travail" 0.40, "trabajo" 0.41, "work" 0.32; the
 * domain word "agricole" 0.02). Not chosen on the development split, which
 * has no walk-in typing one two-word skill alone (docs/matching.md,
 * round 17). */
#define GENERAL_SHARE 4

/* The next stamp for mark[] (each use of the marks a new one); on wrap the
 * marks start again. */
static uint32_t next_stamp(uint32_t *mark, uint32_t *stamp)
{
	if (++*stamp == 0) {
		memset(mark, 0, match__m.n_occ * sizeof *mark);
		*stamp = 1;
	}
	return *stamp;
}

/* Whether the n occupations occ[] all lie in one ISCO-08 sub-major group. */
static int one_sub_major(const esco *t, const uint32_t *occ, size_t n)
{
	const char *first = esco_occupation_at(t, occ[0])->isco;
	size_t i;

	if (!first || strlen(first) < 2)
		return 0;
	for (i = 1; i < n; i++) {
		const char *g = esco_occupation_at(t, occ[i])->isco;

		if (!g || strncmp(g, first, 2) != 0)
			return 0;
	}
	return 1;
}

/* The occupations a head word of which (of a preferred label, or with alt
 * of an alternative one) is one root with w, listed in out (each once);
 * their count; *any says whether any head met w at all. Every such head
 * shares w's first four letters, so one range of the sorted heads.
 *
 * A word that heads more than NAMED_OCC_MAX occupations names a kind of
 * work ("operate" / operator, "install" / installer), not a trade, and
 * counts nothing; unless they all lie in one ISCO-08 sub-major group: then
 * it names that group ("enseignant" heads 42 French labels, every one of 23
 * teaching professionals), not work spread over the classification.
 *
 * With per_lang (a free-text word) the cap is counted in each language
 * apart: French "conducteur" heads 86 French labels of machine operators
 * and drivers, a kind of work there, but one root with the Spanish
 * "conductor" it heads 16 labels of drivers; counted together it named
 * nothing. An ESCO skill's words keep the cap over every language: each
 * of its three labels already gives its words (measured: counted per
 * language there too, eval_counsellor's development walk-ins lost 0.001).
 * A free-text word is one root only with heads of the languages the text
 * can be written in (langs, a mask of 1 << esco_lang from
 * taxonomy_text_langs), unless the head is the word itself: "construction"
 * (English, French) is one root with the Spanish "constructor" of
 * "constructor de arpas", musical instrument makers, and named them first;
 * French "conducteur" likewise no longer reads the Spanish "conductor"
 * (drivers) over its own language's verdict (machine operators and
 * drivers: a kind of work).
 *
 * With per_lang 2 (a walk-in's lone word), a word over the cap in its
 * language names the heads whose skills say its verb, when they are of one
 * sense (match__verb_share, match__sub_major_most: "conducteur", the
 * drivers; round 17).
 *
 * mark[] and seen[] are stamped with *lstamp and *wstamp; tmp[] is
 * scratch of n_occ entries. */
static size_t word_meets(const esco *t, const char *w, int alt, int per_lang, int attest,
			 unsigned langs, int *any,
			 uint32_t *mark, uint32_t *lstamp, uint32_t *seen, uint32_t *wstamp, uint32_t *tmp,
			 uint32_t *out)
{
	char pre[5];
	size_t i, start, end, n = 0;
	uint32_t ws;
	int l;

	*any = 0;
	if (strlen(w) < 4)
		return 0;
	memcpy(pre, w, 4);
	pre[4] = '\0';
	/* The range is found once: walking it once a language, testing the
	 * prefix at each head, was half of this function's time (a match
	 * names the profile's every skill word so). */
	start = match__heads_from(pre);
	end = match__heads_past(pre, start);
	ws = next_stamp(seen, wstamp);
	for (l = 0; l < ESCO_LANG_COUNT; l++) {
		uint32_t s = next_stamp(mark, lstamp);
		size_t nl = 0, m;

		for (i = start; i < end; i++) {
			uint32_t o = match__m.heads[i].occ;

			if (match__m.heads[i].lang == l && match__m.heads[i].alt == alt && mark[o] != s &&
			    match__root_ok(w, match__m.heads[i].w, attest) &&
			    ((langs >> l & 1) || strcmp(w, match__m.heads[i].w) == 0)) {
				mark[o] = s;
				tmp[nl++] = o;
			}
		}
		*any |= nl > 0;
		if (nl && per_lang && nl > NAMED_OCC_MAX && !one_sub_major(t, tmp, nl) &&
		    (per_lang < 2 || !(nl = match__verb_share(t, w, l, tmp, nl)) ||
		     !match__sub_major_most(t, tmp, nl)))
			continue;
		if (!nl)
			continue;
		for (m = 0; m < nl; m++)
			if (seen[tmp[m]] != ws) {
				seen[tmp[m]] = ws;
				out[n++] = tmp[m];
			}
	}
	if (!per_lang && n > NAMED_OCC_MAX && !one_sub_major(t, out, n))
		return 0;
	return n;
}

/* How many occupations list skill k as essential. */
static size_t essential_to(uint32_t k)
{
	size_t j, n = 0;

	for (j = match__m.so_off[k]; j < match__m.so_off[k + 1]; j++)
		n += match__m.so_key[j] & 1;
	return n;
}

int match__named(const json_t *skills, double *named, double *named_n, double *named_free,
		 double *free_idf, double *named_list)
{
	const esco *t = match_taxonomy();
	uint32_t *mark = NULL, *seen = NULL, *tmp = NULL, *met = NULL, *touched = NULL;
	uint8_t *lm = NULL;
	uint32_t lstamp = 0, wstamp = 0;
	double *sense = NULL;
	float *c = NULL;
	double lnocc;
	size_t i, j;
	json_t *v;
	int rc = -1;

	if (!t || !match__model_ready() || !match__m.n_heads)
		return 0;
	mark = calloc(match__m.n_occ, sizeof *mark);
	seen = calloc(match__m.n_occ, sizeof *seen);
	tmp = calloc(match__m.n_occ, sizeof *tmp);
	sense = calloc(match__m.n_occ, sizeof *sense);
	met = calloc(match__m.n_occ, sizeof *met);
	touched = calloc(match__m.n_occ, sizeof *touched);
	c = calloc(match__m.n_occ, sizeof *c);
	lm = calloc(match__m.n_occ, sizeof *lm);
	if (!mark || !seen || !tmp || !sense || !met || !touched || !c || !lm)
		goto out;
	lnocc = log(1.0 + (double)match__m.n_occ);
	json_array_foreach(skills, i, v) {
		const char *s = json_string_value(v);
		const esco_skill *k = s && match__is_uri(s) ? esco_skill_by_uri(t, s) : NULL;
		char words[MATCH__LABEL_WORDS][TAX_WORD_MAX];
		int wl[MATCH__LABEL_WORDS]; /* each word's language (an ESCO skill's) */
		size_t nw = 0, nt = 0, w, x;
		/* the languages the free text can be in (all for an ESCO
		 * skill's words, which come from its labels) */
		unsigned langs = (1u << ESCO_LANG_COUNT) - 1;
		double idf;
		size_t nb;
		int l, unlisted = 0, both;

		if (!s || (match__is_uri(s) && !k))
			continue;
		/* The skill's words: its preferred label in every language (what
		 * a counsellor typed normalised to it), or the text as typed. */
		if (k) {
			for (l = 0; l < ESCO_LANG_COUNT && nw < MATCH__LABEL_WORDS; l++)
				if (k->labels[l].preferred)
					for (x = nw, nw += taxonomy_content_words(k->labels[l].preferred, words + nw,
										 MATCH__LABEL_WORDS - nw);
					     x < nw; x++)
						wl[x] = l;
		} else {
			nw = taxonomy_content_words(s, words, MATCH__LABEL_WORDS);
			langs = taxonomy_text_langs(s);
			/* Two words a head writes as one are that word: "child
			 * minding" is the babysitter's "childminder", not the
			 * engine minder's "minder" (rank.c joins them so for
			 * the labels). */
			if (nw == 2 && strlen(words[0]) + strlen(words[1]) < TAX_WORD_MAX) {
				char joined[TAX_WORD_MAX];
				size_t l0 = strlen(words[0]);
				int any2;

				memcpy(joined, words[0], l0);
				memcpy(joined + l0, words[1], strlen(words[1]) + 1);
				if (word_meets(t, joined, 0, 2, 1, langs, &any2, mark, &lstamp, seen, &wstamp, tmp,
					       met) ||
				    word_meets(t, joined, 1, 1, 1, langs, &any2, mark, &lstamp, seen, &wstamp, tmp,
					       met)) {
					memcpy(words[0], joined, sizeof joined);
					nw = 1;
				}
			}
		}
		/* c[o]: the most specific of its words that o's heads meet,
		 * log(1 + occupations / occupations it meets), over its most.
		 * A second pass (unlisted) when the words name none of the
		 * occupations the skill is essential to: see below. */
again:
		for (w = 0; w < nw; w++) {
			size_t n, m, kept, ng;
			double spec;
			int any, via_alt;

			/* A word that names a kind of work, not a trade,
			 * meets nothing (word_meets: the cap; per language
			 * for free text). */
			/* An unlisted skill's label words read the heads of
			 * their own language only, with the attested endings
			 * of a bare root, as free text does: the two languages
			 * that must agree are the translations'. Read in every
			 * language, French "emballer" and Spanish "embalar"
			 * (pack) each met the English "embalmer", and "pack
			 * vegetables or fruits" named the embalmer twice. */
			n = word_meets(t, words[w], 0, !k ? 1 + (nw == 1) : 0, !k || unlisted,
				       unlisted ? 1u << wl[w] : langs, &any, mark, &lstamp, seen, &wstamp,
				       tmp, met);
			/* A free-text word that heads no preferred label at
			 * all reads the alternative labels ("caregiving":
			 * "caregiver" is an alternative label of a companion,
			 * a home care aide, a nanny and a child day care
			 * worker). Not an ESCO skill's words: read there, the
			 * alternative labels cost eval_counsellor's
			 * development split 0.002 (walk-ins). */
			via_alt = !any && !k;
			if (via_alt)
				n = word_meets(t, words[w], 1, 1, 1, langs, &any, mark, &lstamp, seen, &wstamp, tmp,
					       met);
			/* A free text of one word also reads the ISCO-08
			 * groups' names (group_meets): alone when it heads
			 * nothing ("teaching", "enseñanza"; "profesor" is over
			 * the cap in two groups), and beside its heads, whose
			 * sense the group's occupations then weigh ("albañil"
			 * heads a bricklayer and a roofer's "albañil de
			 * tejados"; ISCO-08's "Albañiles" is the bricklayers'
			 * 7112). One word only: a walk-in's lone word names
			 * the trade, but a word of a longer text is one
			 * descriptor of it, and shares a group's name by
			 * chance ("besoins des clients", "gestion des
			 * données": 422 client information workers, 2421
			 * management analysts; measured: read for every
			 * word, eval_counsellor's held-out walk-ins lost
			 * 0.012). */
			ng = 0;
			if (!k && nw == 1) {
				size_t m2;
				uint32_t ws = n ? wstamp : next_stamp(seen, &wstamp);

				ng = match__group_meets(t, words[w], mark, next_stamp(mark, &lstamp), tmp);
				/* Beside heads of preferred labels, the groups only
				 * vote (below): named, a group's every occupation
				 * ties with the heads ("waiter" heads the waiter,
				 * and ISCO-08's "Waiters and bartenders" made the
				 * bartenders and sommeliers as exact as the
				 * waiter, first by docid). Beside an alternative
				 * label's head only, they are named too
				 * ("teaching" heads a theatre instructor's
				 * alternative label; "Teaching professionals"
				 * names the teachers). */
				for (m2 = 0; (!n || via_alt) && m2 < ng; m2++)
					if (seen[tmp[m2]] != ws) {
						seen[tmp[m2]] = ws;
						met[n++] = tmp[m2];
					}
			}
			/* A walk-in's lone word that heads no label and is in
			 * no group's name of one trade reads the preferred
			 * labels it qualifies ("laundry": laundry worker,
			 * laundry ironer, 8157; "mudanzas": the moving van
			 * driver), with the heads' caps: the trade's object
			 * names the trade when nothing else does. */
			if (!n && !k && nw == 1 && json_array_size(skills) == 1)
				n = word_meets(t, words[w], 2, 1, 1, langs, &any, mark, &lstamp, seen, &wstamp, tmp,
					       met);
			if (!n)
				continue;
			spec = log(1.0 + (double)match__m.n_occ / (double)n) / lnocc;
			/* Of an ESCO skill, only the occupations it is
			 * essential to: the words say which of those the
			 * person practises, not that they practise a trade
			 * the skill is no part of. */
			for (m = 0, kept = 0; m < n; m++)
				if (!k || unlisted || match__occ_lists(met[m], k->index) == 2)
					met[kept++] = met[m];
			/* The groups' occupations vote once more for the
			 * sense (after the kept ones, in met's spare room):
			 * the bricklayer, in "Albañiles", outweighs the
			 * roofer that "albañil" also heads. */
			for (m = 0; m < ng && kept + m < match__m.n_occ; m++)
				met[kept + m] = tmp[m];
			match__sense_shares(t, met, kept + m, sense);
			for (m = 0; m < kept; m++) {
				double sv = spec * sense[m];

				if (unlisted)
					lm[met[m]] |= (uint8_t)(1u << wl[w]);
				if (c[met[m]] == 0)
					touched[nt++] = met[m];
				if ((float)sv > c[met[m]])
					c[met[m]] = (float)sv;
			}
		}
		/* A walk-in's only skill, two words of free text: one word may
		 * be too general to say the trade (its skills reach more than
		 * 1 / GENERAL_SHARE of the occupations), the other say its
		 * domain.
		 * "travail agricole": "travail" is one root with "travailleur"
		 * (social workers), of whose skills "agricole" says nothing;
		 * "trabajo agrícola" named nothing ("trabajador" heads labels
		 * over the cap, "agrícola" none). Of the occupations the heads
		 * named, only those of the domain word's (domain_word: the
		 * word whose skills reach fewer occupations, in an ISCO-08
		 * group whose name holds it) stay; when none
		 * does, the domain word's are the reading, by the sense most
		 * of them share (sense_shares: the farmers, 61). A word that
		 * names a trade ("soldadura", "plomberie") reaches too few
		 * occupations to be general: the rule leaves it alone. */
		/* A walk-in's only skill of two free words that one
		 * occupation's label holds together names that occupation:
		 * "machine sewing" is the sewing machine operators' (each word
		 * alone named a machinery merchant and a footwear sewer). */
		both = 0;
		if (!k && nw == 2 && json_array_size(skills) == 1 &&
		    (nb = match__both_words(words[0], words[1], langs, met)) > 0) {
			double spec2 = log(1.0 + (double)match__m.n_occ / (double)nb) / lnocc;

			for (j = 0; j < nt; j++)
				c[touched[j]] = 0;
			match__sense_shares(t, met, nb, sense);
			for (nt = 0; nt < nb; nt++) {
				touched[nt] = met[nt];
				c[met[nt]] = (float)(spec2 * sense[nt]);
			}
			both = 1;
		}
		if (!both && !k && nw == 2 && json_array_size(skills) == 1) {
			size_t wide = 0, na = match__domain_word(t, words, langs, lm, met, &wide), in = 0;
			uint32_t s2 = next_stamp(mark, &lstamp);

			for (j = 0; j < na; j++)
				mark[met[j]] = s2;
			for (j = 0; j < nt; j++)
				in += mark[touched[j]] == s2;
			if (na && wide > match__m.n_occ / GENERAL_SHARE && (!nt || in < nt)) {
				double spec2 = log(1.0 + (double)match__m.n_occ / (double)na) / lnocc;
				size_t kept = 0;

				/* the named ones of the domain stay; else the domain */
				for (j = 0; j < nt; j++) {
					if (mark[touched[j]] == s2)
						touched[kept++] = touched[j];
					else
						c[touched[j]] = 0;
				}
				nt = kept;
				if (!nt) {
					match__sense_shares(t, met, na, sense);
					for (nt = 0; nt < na; nt++) {
						touched[nt] = met[nt];
						c[met[nt]] = (float)(spec2 * sense[nt]);
					}
				}
			}
		}
		/* A skill whose words name a trade that ESCO does not list it
		 * for, while naming none of the occupations it is essential
		 * to: "conduct cleaning tasks" is essential to a disability
		 * support worker only, and its words name the cleaners
		 * (cleaning / cleaner, limpieza / limpiador), none of whom
		 * lists it; "dressmaking" is essential to a costume maker only,
		 * and names the dressmaker. The skill's own name then says
		 * which trade it is the work of: the occupations its words
		 * name get it as a listing (named_list, as a free-text word's
		 * occupations do), so they tie with those listing it, and the
		 * name breaks the tie. */
		if (!nt && k && !unlisted && named_list && essential_to(k->index) <= 1) {
			unlisted = 1;
			goto again;
		}
		if (!nt)
			continue;
		/* The skill's specificity as the support weighs it: over the
		 * occupations listing it, or for free text over those its words
		 * name. */
		if (k) {
			size_t df = match__m.so_off[k->index + 1] - match__m.so_off[k->index];

			idf = log(1.0 + (double)match__m.n_occ / (double)(df ? df : 1));
		} else {
			idf = log(1.0 + (double)match__m.n_occ / (double)nt);
		}
		if (!k)
			*free_idf += idf;
		/* Unlisted, the skill's name must say the trade in two
		 * languages at least: one label's word alone meets an
		 * occupation by chance ("exécuter" / executive, "realizar" /
		 * realizador), the translations agree on the trade
		 * ("cleaning", "nettoyage", "limpieza" / cleaner, nettoyeur,
		 * limpiador). Those it names so list it in the measure they
		 * are of the sense most of them share (sense_shares: the
		 * cleaners of 91xx in full, a cacao beans cleaner of 8160
		 * little). */
		if (unlisted) {
			size_t kept = 0;

			for (j = 0; j < nt; j++) {
				if (__builtin_popcount(lm[touched[j]]) >= 2)
					met[kept++] = touched[j];
				else
					c[touched[j]] = 0;
				lm[touched[j]] = 0;
			}
			if (kept)
				match__sense_shares(t, met, kept, sense);
			for (j = 0; j < kept; j++) {
				c[met[j]] *= (float)sense[j];
				named_list[met[j]] += idf * sense[j];
			}
		}
		for (j = 0; j < nt; j++) {
			if (!k)
				named_free[touched[j]] += idf * c[touched[j]];
			named[touched[j]] += idf * c[touched[j]];
			named_n[touched[j]] += c[touched[j]];
			c[touched[j]] = 0;
		}
	}
	rc = 0;
out:
	free(mark);
	free(seen);
	free(tmp);
	free(sense);
	free(met);
	free(touched);
	free(c);
	free(lm);
	return rc;
}
