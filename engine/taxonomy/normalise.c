/*
 * normalise.c - free text, an ESCO URI or an ISCO-08 code to one concept
 * (taxonomy_normalise_*): codes and URIs are looked up, free text is ranked
 * (candidates.c) and its answer remembered in a cache shared by all threads.
 */
#include "engine/taxonomy/internal.h"

#include "engine/core/hash.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digits(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Free-text answers, remembered: the same labels recur on every write
 * (imports repeat a few thousand skill texts over and over), and a search
 * costs milliseconds. A match borrows only strings of the loaded taxonomy,
 * which lives as long as the process, so it can be kept. Set-associative:
 * a text may sit in any of the 4 slots of its set, and a new one replaces
 * the least recently used; one mutex guards it all (held for a few string
 * compares, never during a search). */
#define NORM_CACHE_SETS 8192 /* x 4 ways, about 9 MB; ESCO has ~14,000 skill preferred labels */
#define NORM_CACHE_WAYS 4
static struct norm_cached {
	char text[TAX_TEXT_MAX + 1];
	int kind, hint, rc, used;
	uint64_t stamp;
	struct tax_match match;
} norm_cache[NORM_CACHE_SETS][NORM_CACHE_WAYS];
static uint64_t norm_clock;
static pthread_mutex_t norm_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct norm_cached *norm_set(esco_kind kind, int hint, const char *text)
{
	uint64_t h = HASH_FNV64_BASIS;

	h = hash_add_byte(h, (unsigned char)kind);
	h = hash_add_byte(h, (unsigned char)(hint + 1));
	h = hash_add(h, text, strlen(text));
	return norm_cache[h % NORM_CACHE_SETS];
}

/* The slot holding text in set, or NULL. Under the lock. */
static struct norm_cached *norm_find(struct norm_cached *set, esco_kind kind, int hint,
				     const char *text)
{
	int w;

	for (w = 0; w < NORM_CACHE_WAYS; w++)
		if (set[w].used && set[w].kind == (int)kind && set[w].hint == hint &&
		    strcmp(set[w].text, text) == 0)
			return &set[w];
	return NULL;
}

/* budget (NULL: none): how many more searches this caller may run; a text
 * that needs one when none is left is TAX_ERR_BUDGET (not cached). */
static int normalise_text(esco_kind kind, const char *text, const char *lang_hint, int hint,
			  const esco *tax, struct tax_match *out, int *budget)
{
	struct norm_cached *set = norm_set(kind, hint, text), *c;
	index_db *db;
	int n, rc, w;

	/* Every field set on every path: the candidates fill only what they
	 * find, and a text without a phrase frame gave no years (an unset
	 * count reached a vacancy's report as "experience_years":
	 * 1932488547 for "cariste", through skill_of_occupation). */
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&norm_cache_lock);
	if ((c = norm_find(set, kind, hint, text)) != NULL) {
		c->stamp = ++norm_clock;
		*out = c->match;
		rc = c->rc;
		pthread_mutex_unlock(&norm_cache_lock);
		return rc;
	}
	pthread_mutex_unlock(&norm_cache_lock);
	if (!(db = tax__thread_db()))
		return TAX_ERR;
	n = tax__candidates(db, tax__labels(), tax, kind, text, lang_hint,
			    budget ? CAND_SETTLED : CAND_FIRST, out, NULL, 1);
	if (n == CAND_NEEDS_SEARCH) {
		/* Only the search is counted: an exact label and a cached
		 * answer cost microseconds, the search milliseconds. */
		if (*budget <= 0) {
			memset(out, 0, sizeof *out);
			return TAX_ERR_BUDGET;
		}
		(*budget)--;
		n = tax__candidates(db, tax__labels(), tax, kind, text, lang_hint, CAND_FIRST, out,
				    NULL, 1);
	}
	if (n < 0)
		return n; /* an index error is not an answer: not cached */
	rc = n > 0 && out->score >= TAX_MIN_SCORE ? 0 : TAX_ERR_NOMATCH;
	/* Text that matches no concept is kept nowhere: it may be a walk-in's
	 * own words (docs/privacy.md), and the cache outlives the request. */
	if (rc == TAX_ERR_NOMATCH)
		return rc;
	pthread_mutex_lock(&norm_cache_lock);
	/* Another thread may have stored it meanwhile: then that slot. */
	if (!(c = norm_find(set, kind, hint, text))) {
		/* A free slot, else the least recently used one. */
		c = &set[0];
		for (w = 0; w < NORM_CACHE_WAYS; w++) {
			if (!set[w].used) {
				c = &set[w];
				break;
			}
			if (set[w].stamp < c->stamp)
				c = &set[w];
		}
	}
	snprintf(c->text, sizeof c->text, "%s", text);
	c->kind = (int)kind;
	c->hint = hint;
	c->rc = rc;
	c->match = *out;
	c->used = 1;
	c->stamp = ++norm_clock;
	pthread_mutex_unlock(&norm_cache_lock);
	return rc;
}

/* Free text as a counsellor writes it (phrase.c): the whole text when it is
 * an exact label; else the core without its frame ("knowledge of X", "X (5
 * years)") when that normalises, with the years; else the whole text. */
static int normalise_phrase(esco_kind kind, const char *text, const char *lang_hint, int hint,
			    const esco *tax, struct tax_match *out, int *budget)
{
	struct tax_phrase ph;
	struct tax_match whole;
	index_db *db;
	int rc;

	if (!tax__phrase_core(text, &ph)) {
		rc = normalise_text(kind, text, lang_hint, hint, tax, out, budget);
		/* years and frame words only ("3 ans d'expérience", "5 years
		 * experience"): no concept, but the years are the profile's
		 * experience */
		if (rc == TAX_ERR_NOMATCH && ph.years > 0)
			out->years = ph.years;
		return rc;
	}
	if (!(db = tax__thread_db()))
		return TAX_ERR;
	if (tax__candidates(db, tax__labels(), tax, kind, text, lang_hint, CAND_SETTLED, out, NULL,
			    1) == 1) {
		out->years = 0;
		return 0; /* an exact label, frame words and all */
	}
	rc = normalise_text(kind, ph.core, lang_hint, hint, tax, out, budget);
	if (rc == 0 || rc == TAX_ERR || rc == TAX_ERR_BUDGET) {
		out->years = rc == 0 ? ph.years : 0;
		return rc;
	}
	rc = normalise_text(kind, text, lang_hint, hint, tax, &whole, budget);
	if (rc == 0 || whole.score >= out->score)
		*out = whole;
	/* the years stand when nothing else is understood ("5 years
	 * experience", "3 ans d'expérience"): the profile's experience */
	out->years = rc == TAX_ERR ? 0 : ph.years;
	return rc == 0 ? 0 : rc == TAX_ERR ? TAX_ERR : TAX_ERR_NOMATCH;
}

/* A skill written as the occupation that practises it ("cariste",
 * "forklift operator"): when the text is not a skill but normalises to an
 * occupation, the occupation's essential skill that its own English
 * preferred label names best ("forklift operator" names "operate
 * forklift"), if that is as good as a normalisation must be. */
static int skill_of_occupation(const char *text, const char *lang_hint, int hint, const esco *tax,
			       struct tax_match *out, int *budget)
{
	const struct tax_labels *t = tax__labels();
	const esco_occupation *o;
	struct tax_match occ;
	struct units *u;
	char folded[FOLD_MAX];
	double best = 0, score;
	size_t i;
	int rc;

	rc = normalise_phrase(ESCO_KIND_OCCUPATION, text, lang_hint, hint, tax, &occ, budget);
	if (rc || occ.kind != ESCO_KIND_OCCUPATION || !t)
		return rc == TAX_ERR || rc == TAX_ERR_BUDGET ? rc : TAX_ERR_NOMATCH;
	o = occ.concept;
	if (!(u = calloc(1, sizeof *u)))
		return TAX_ERR;
	taxonomy_fold(o->label, folded, sizeof folded);
	tax__make_units(t, tax__kind_slot(ESCO_KIND_SKILL), folded, u);
	for (i = 0; i < o->n_essential; i++) {
		tax__confidence(t, u, o->essential[i], ESCO_KIND_SKILL, &score, NULL);
		if (score > best) {
			best = score;
			out->uri = o->essential[i]->uri;
			out->label = tax__label_in(o->essential[i], ESCO_KIND_SKILL, hint);
			out->concept = o->essential[i];
		}
	}
	free(u);
	if (best < TAX_MIN_SCORE)
		return TAX_ERR_NOMATCH;
	out->kind = ESCO_KIND_SKILL;
	out->score = best * occ.score;
	out->years = occ.years;
	return out->score >= TAX_MIN_SCORE ? 0 : TAX_ERR_NOMATCH;
}

/* The answer for an ISCO-08 group, in the hint language. */
static void group_answer(const esco_isco_group *g, int hint, struct tax_match *out)
{
	memset(out, 0, sizeof *out);
	out->uri = g->code;
	out->label = hint >= 0 && g->labels[hint].preferred ? g->labels[hint].preferred : g->label;
	out->score = 1;
	out->kind = ESCO_KIND_ISCO_GROUP;
	out->concept = g;
}

/* The classification's own name in English, French and Spanish (ISCO,
 * CITP, CIUO), and "code", "código": words said around a code. */
static int names_the_code(const char *w)
{
	static const char *const names[] = {"isco", "citp", "ciuo", "code", "codigo"};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(w, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * An ISCO-08 code written with words: "ISCO 7212", "CIUO-08 7212", "7212
 * welder". The text is the code when, its classification's name (and the
 * edition "08" after it) and the code taken off, the rest is nothing, or
 * normalises to an occupation or group inside the code's group (that one
 * is meant: "7212 welder" is *welder*); a rest that normalises elsewhere
 * or not at all leaves the code, which the counsellor wrote on purpose.
 * The code has 4 digits (a unit group), or 1 to 3 after the
 * classification's name: a bare small number is more often years ("welder
 * 5 years"). 1 when *out is set, 0 when the text is no such code, else the
 * error of normalising the rest (TAX_ERR, TAX_ERR_BUDGET).
 */
static int code_with_words(const char *text, const char *lang_hint, int hint, const esco *tax,
			   struct tax_match *out, int *budget)
{
	char rest[TAX_TEXT_MAX + 1] = "", tok[TAX_TEXT_MAX + 1], folded[FOLD_MAX], *w[32];
	const esco_isco_group *g = NULL;
	const char *p = text;
	size_t nw, i, len, rest_len = 0;
	int named = 0, after_name = 0, n_codes = 0, rc;
	struct tax_match m;

	while (*p) {
		int keep = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		for (len = 0; p[len] && p[len] != ' ' && p[len] != '\t'; len++)
			;
		if (!len)
			break;
		snprintf(tok, sizeof tok, "%.*s", (int)len, p);
		p += len;
		taxonomy_fold(tok, folded, sizeof folded);
		nw = tax__split_words(folded, w, sizeof w / sizeof *w);
		for (i = 0; i < nw; i++) {
			if (names_the_code(w[i])) {
				named = after_name = 1;
				continue;
			}
			if (strspn(w[i], "0123456789") == strlen(w[i]) && strlen(w[i]) <= 4) {
				if (after_name && strcmp(w[i], "08") == 0) {
					after_name = 0; /* the edition, ISCO-08 */
					continue;
				}
				after_name = 0;
				if (++n_codes > 1 || !(g = esco_isco_group_by_code(tax, w[i])))
					return 0;
				continue;
			}
			keep = 1;
			after_name = 0;
		}
		if (keep) {
			if (rest_len + len + 2 > sizeof rest)
				return 0;
			rest_len += (size_t)snprintf(rest + rest_len, sizeof rest - rest_len, "%s%s",
						     rest_len ? " " : "", tok);
		}
	}
	if (!g || (strlen(g->code) < 4 && !named))
		return 0;
	if (!rest_len && !named)
		return 0; /* the bare code: the caller's lookup */
	if (rest_len) {
		memset(&m, 0, sizeof m);
		rc = normalise_phrase(ESCO_KIND_OCCUPATION, rest, lang_hint, hint, tax, &m, budget);
		if (rc == TAX_ERR || rc == TAX_ERR_BUDGET)
			return rc;
		if (rc == 0 && m.concept) {
			const char *isco = m.kind == ESCO_KIND_OCCUPATION
						   ? ((const esco_occupation *)m.concept)->isco
						   : m.uri;

			if (strncmp(isco, g->code, strlen(g->code)) == 0) {
				*out = m;
				return 1;
			}
		}
	}
	group_answer(g, hint, out);
	return 1;
}

/*
 * A compound typed as one word that no label of the kind holds, made of two
 * words that labels of one language do hold: "housemaid" is no ESCO label
 * word, "house" and "maid" are (English occupation labels say "maid",
 * "domestic maid", "house cleaner"). The mirror of the rule that joins two
 * typed words a label writes as one (rank.c, "oxy acetylene"). Each part has
 * at least SPLIT_MIN_PART letters and is no stop word; the two parts must be
 * words of the same language's labels (so a French feminine "-euse" is not
 * read as an English "use"), and the word must split exactly one way.
 * Parts of 4 letters, not 3: over the whole occupation vocabulary, 3 also
 * splits inflections ("hilado+ras", "ris+que", "project+ion"); with 4, 57
 * of 60 label words drawn at random split into their real parts
 * (docs/taxonomy.md, "Round 13").
 */
#define SPLIT_MIN_PART 4

/* Letters (UTF-8 characters) in the first n bytes of s. */
static size_t letters(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n && s[i]; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The languages (bit per ESCO_LANG_*) whose labels of slot s hold word w. */
static unsigned word_langs(const struct tax_labels *t, int s, const char *w)
{
	size_t lo, hi, i;
	unsigned langs = 0;

	tax__word_range(t, s, w, strlen(w), &lo, &hi);
	/* the word itself sorts first in its prefix range */
	for (i = lo; i < hi && tax__word_cmp_at(t->text.p + t->words[s][i].word, w) == 0; i++)
		langs |= 1u << TW_LANG(t->words[s][i].bits);
	return langs;
}

/* The text with its one unknown compound word written as two words, in out
 * (folded); 0 when no word splits, or one splits more than one way, or two
 * words would. */
static int split_compound(esco_kind kind, const char *text, char *out, size_t outlen)
{
	const struct tax_labels *t = tax__labels();
	int s = tax__kind_slot(kind);
	char folded[FOLD_MAX], *w[MAX_WORDS], part[2][WORD_MAX];
	size_t n, i, k, at = 0, cut = 0, found = 0, len = 0;

	if (!t || taxonomy_fold(text, folded, sizeof folded) == 0)
		return 0;
	n = tax__split_words(folded, w, MAX_WORDS);
	for (i = 0; i < n; i++) {
		size_t wl = strlen(w[i]);

		if (letters(w[i], wl) < 2 * SPLIT_MIN_PART || wl >= WORD_MAX ||
		    tax__is_stopword(w[i]) || tax__word_df(t, s, w[i]))
			continue;
		for (k = SPLIT_MIN_PART; k + SPLIT_MIN_PART <= wl; k++) {
			if (((unsigned char)w[i][k] & 0xC0) == 0x80 || letters(w[i], k) < SPLIT_MIN_PART ||
			    letters(w[i] + k, wl - k) < SPLIT_MIN_PART)
				continue; /* inside a UTF-8 character, or a part too short */
			memcpy(part[0], w[i], k);
			part[0][k] = '\0';
			memcpy(part[1], w[i] + k, wl - k + 1);
			if (tax__is_stopword(part[0]) || tax__is_stopword(part[1]) ||
			    !(word_langs(t, s, part[0]) & word_langs(t, s, part[1])))
				continue;
			if (++found > 1)
				return 0;
			at = i;
			cut = k;
		}
	}
	if (!found)
		return 0;
	for (i = 0; i < n; i++) {
		int m = snprintf(out + len, outlen - len, "%s%.*s%s%s", i ? " " : "",
				 i == at ? (int)cut : (int)strlen(w[i]), w[i], i == at ? " " : "",
				 i == at ? w[i] + cut : "");

		if (m < 0 || (size_t)m >= outlen - len)
			return 0;
		len += (size_t)m;
	}
	return 1;
}

/*
 * A noun of action followed by its complement, typed for the verb phrase
 * that ESCO writes as a skill's label: "lectura de planos" for "leer planos
 * estándares", "instalación de tuberías" for "instalar sistemas de
 * tuberías". The search already meets the noun through its verb (derive.c,
 * pivot.c), but counts it TAX_DERIVED_SCORE, so that with one more word in
 * the label the answer falls under the threshold where the verb phrase
 * typed itself passes ("leer planos" 0.90, "lectura de planos" 0.79). A
 * refused skill text of three words or more whose first word is such a
 * noun (of a verb the derivation rules, the pairs through English, the
 * noun-of-action rule or the pairs crossed between French and Spanish
 * give) and whose second is a stop word (the "de" / "of" that makes the
 * rest the noun's complement: a verb takes its object bare) is normalised
 * again with the noun replaced by each of its verbs, the rest as typed;
 * the best accepted answer is the text's. 0, TAX_ERR_NOMATCH (also when
 * the budget runs out: the text was refused, and stays so) or TAX_ERR.
 */
#define NOMINAL_VERBS 2 /* a cost bound, not a tuned value */

static int nominal_as_verb(const char *text, const char *lang_hint, int hint, const esco *tax,
			   struct tax_match *out, int *budget)
{
	const struct tax_labels *t = tax__labels();
	char folded[FOLD_MAX], first[FOLD_MAX], *w[3], verbs[DER_MAX + 1][WORD_MAX];
	char typed[TAX_TEXT_MAX + WORD_MAX + 2];
	const char *p = text, *rest;
	size_t n, nv, k;
	int found = 0;
	struct tax_match via;

	if (!t || taxonomy_fold(text, folded, sizeof folded) == 0 ||
	    tax__split_words(folded, w, 3) < 3 || !tax__is_stopword(w[1]) || tax__is_stopword(w[0]))
		return TAX_ERR_NOMATCH;
	/* the first typed word, which must fold to the noun alone */
	while (*p == ' ' || *p == '\t')
		p++;
	rest = p + strcspn(p, " \t");
	if ((size_t)(rest - p) >= sizeof first)
		return TAX_ERR_NOMATCH;
	memcpy(first, p, (size_t)(rest - p));
	first[rest - p] = '\0';
	{
		char ff[FOLD_MAX], *fw[2];

		if (taxonomy_fold(first, ff, sizeof ff) == 0 || tax__split_words(ff, fw, 2) != 1 ||
		    strcmp(fw[0], w[0]) != 0)
			return TAX_ERR_NOMATCH;
	}
	nv = tax__derived_words(t, tax__kind_slot(ESCO_KIND_SKILL), w[0], verbs, DER_MAX);
	if (nv < DER_MAX + 1 && tax__action_verb(t, w[0], verbs[nv]))
		nv++;
	/* and the pairs crossed between French and Spanish (pivot.c) */
	{
		const char *pv[DER_MAX];
		size_t np = tax__piv_bridge_verbs(t, w[0], pv, DER_MAX), j;

		for (j = 0; j < np && nv < DER_MAX + 1; j++)
			if (tax__word_df(t, tax__kind_slot(ESCO_KIND_SKILL), pv[j]) &&
			    strlen(pv[j]) < WORD_MAX)
				memcpy(verbs[nv++], pv[j], strlen(pv[j]) + 1);
	}
	memset(out, 0, sizeof *out);
	/* At most NOMINAL_VERBS verbs, in the order their rules give them
	 * (derivation, pairs, noun of action, crossed pairs): each may cost
	 * two searches, and a profile's skills share one budget
	 * (TAX_DOC_SEARCHES), which a noun with many verbs would spend. */
	for (k = 0; k < nv && k < NOMINAL_VERBS; k++) {
		int vrc;

		n = (size_t)snprintf(typed, sizeof typed, "%s%s", verbs[k], rest);
		if (n >= sizeof typed || n > TAX_TEXT_MAX)
			continue;
		vrc = normalise_phrase(ESCO_KIND_SKILL, typed, lang_hint, hint, tax, &via, budget);
		if (vrc == TAX_ERR)
			return vrc;
		if (vrc == TAX_ERR_BUDGET)
			break; /* the text stays what it was: refused */
		if (vrc == 0 && (!found || via.score > out->score)) {
			*out = via;
			found = 1;
		}
	}
	return found ? 0 : TAX_ERR_NOMATCH;
}

int tax__normalise(esco_kind kind, const char *text, const char *lang_hint,
		   struct tax_match *out, int *budget)
{
	const esco *tax;
	int hint = lang_hint ? esco_lang_from_code(lang_hint) : -1, rc;

	memset(out, 0, sizeof *out);
	if (!text || !*text || strlen(text) > TAX_TEXT_MAX)
		return TAX_ERR_ARG;
	if (!(tax = taxonomy_esco()))
		return TAX_ERR;
	/* An ISCO-08 group's ESCO URI, as the lookups answer it, is its code. */
	if (kind == ESCO_KIND_OCCUPATION && strncmp(text, "http", 4) == 0 && tax__isco_id(text))
		text = tax__isco_id(text);
	if (kind == ESCO_KIND_OCCUPATION && strlen(text) <= 4 && is_digits(text, strlen(text))) {
		const esco_isco_group *g = esco_isco_group_by_code(tax, text);

		if (!g)
			return TAX_ERR_UNKNOWN;
		out->uri = g->code;
		out->label = hint >= 0 && g->labels[hint].preferred ? g->labels[hint].preferred : g->label;
		out->score = 1;
		out->kind = ESCO_KIND_ISCO_GROUP;
		out->concept = g;
		return 0;
	}
	if (strncmp(text, "http://", 7) == 0 || strncmp(text, "https://", 8) == 0) {
		const void *c = tax__concept_by_uri(tax, kind, text);

		if (!c)
			return TAX_ERR_UNKNOWN;
		out->uri = kind == ESCO_KIND_OCCUPATION ? ((const esco_occupation *)c)->uri
							: ((const esco_skill *)c)->uri;
		out->label = tax__label_in(c, kind, hint);
		out->score = 1;
		out->kind = kind;
		out->concept = c;
		return 0;
	}
	/* Not before the URIs: a URI's digits are no code. */
	if (kind == ESCO_KIND_OCCUPATION && strpbrk(text, "0123456789")) {
		rc = code_with_words(text, lang_hint, hint, tax, out, budget);
		if (rc)
			return rc == 1 ? 0 : rc;
	}
	rc = normalise_phrase(kind, text, lang_hint, hint, tax, out, budget);
	/* Refused: a compound word no label holds, read as its two label
	 * words ("housemaid": "house maid"). Only a refused text, so an
	 * answer the labels give is never changed by it. */
	if (rc == TAX_ERR_NOMATCH) {
		char split[FOLD_MAX];
		struct tax_match via;

		if (split_compound(kind, text, split, sizeof split)) {
			int src = normalise_phrase(kind, split, lang_hint, hint, tax, &via, budget);

			if (src == 0) {
				*out = via;
				return 0;
			}
			if (src == TAX_ERR)
				return TAX_ERR; /* an index error is no refusal */
		}
	}
	/* Refused: a lone French or Spanish noun of action read as its verb
	 * ("récolte", "cosecha": récolter, cosechar). ESCO's skills are verb
	 * phrases; the noun is the verb's inflection at 0.9, which leaves a
	 * bare word under the threshold (0.83) where the verb passes (0.87).
	 * One word only: in a longer text the other words say what it is the
	 * work of, and the labels' own nouns already count. The verb is
	 * written on the text as typed (its accents: the folded "recolter"
	 * reads as a typo of "récolter"). */
	if (rc == TAX_ERR_NOMATCH && kind == ESCO_KIND_SKILL) {
		const struct tax_labels *t = tax__labels();
		char folded[FOLD_MAX], *w[2], verb[WORD_MAX], typed[FOLD_MAX];
		size_t tl = strlen(text), vl;
		struct tax_match via;

		while (tl && (text[tl - 1] == ' ' || text[tl - 1] == '\t'))
			tl--;
		if (t && tl && tl + 2 < sizeof typed && taxonomy_fold(text, folded, sizeof folded) > 0 &&
		    tax__split_words(folded, w, 2) == 1 && tax__action_verb(t, w[0], verb) &&
		    (vl = strlen(verb)) >= 2 && (text[tl - 1] | 0x20) == verb[vl - 2]) {
			int vrc;

			memcpy(typed, text, tl);
			memcpy(typed + tl, "r", 2);
			vrc = normalise_phrase(kind, typed, lang_hint, hint, tax, &via, budget);
			if (vrc == 0) {
				*out = via;
				return 0;
			}
			if (vrc == TAX_ERR || vrc == TAX_ERR_BUDGET)
				return vrc;
		}
	}
	/* Refused: a noun of action with its complement ("lectura de
	 * planos") read as the verb phrase ESCO writes ("leer planos
	 * estándares"). See nominal_as_verb. */
	if (rc == TAX_ERR_NOMATCH && kind == ESCO_KIND_SKILL) {
		struct tax_match via;
		int vrc = nominal_as_verb(text, lang_hint, hint, tax, &via, budget);

		if (vrc == 0) {
			*out = via;
			return 0;
		}
		if (vrc == TAX_ERR)
			return vrc;
	}
	if (rc == TAX_ERR_NOMATCH && kind == ESCO_KIND_SKILL) {
		struct tax_match via;

		if (skill_of_occupation(text, lang_hint, hint, tax, &via, budget) == 0) {
			*out = via;
			return 0;
		}
	}
	return rc;
}

int taxonomy_normalise_skill(const char *text, const char *lang_hint, struct tax_match *out)
{
	return tax__normalise(ESCO_KIND_SKILL, text, lang_hint, out, NULL);
}

int taxonomy_normalise_occupation(const char *text, const char *lang_hint, struct tax_match *out)
{
	return tax__normalise(ESCO_KIND_OCCUPATION, text, lang_hint, out, NULL);
}
