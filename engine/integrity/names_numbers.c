/*
 * names_numbers.c - a number added to a name carries no identity
 * (names_similarity, names.h). "Thaba Bosiu Agency 2", "... II", "...
 * Second" name the registered "Thaba Bosiu Agency" as much as a legal form
 * does: a name that equals a registered one but for number tokens on one
 * side is at least a possible match, and a match when the rest holds
 * NAMES_NUMBER_MATCH_WORDS distinctive words or more (neither generic words
 * nor places: "Bowne Global Solutions II Denmark" is a firm of a series, a
 * possible match of "Bowne Global Solutions Denmark"). Numbers both names
 * hold count as words ("Three Sisters Farms" and "... Farms 3": the 3 is
 * added); extra numbers on both sides ("Acme 2" and "Acme 3") are left to
 * the similarity: there the numbers tell two firms apart. A pair without
 * numbers costs a split of both forms more; one with an extra number a
 * second similarity, of the rests.
 *
 * A number token is digits, a word of ICU's English spellout (cardinal and
 * ordinal, 1 to 100: the words names__spell_numbers writes for digits) or
 * a Roman numeral of ICU's "romanlow" numbering system up to 39 (i, v and
 * x only: "mix" or "dim" stay words). The set is built once from ICU.
 *
 * Legal forms are found through number words (names__drop_forms, round
 * 14): "Caroline Ag II Inc." drops "Ag" as "Caroline Ag Inc." does.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unum.h>

#include "engine/integrity/internal.h" /* integ__is_place */
#include "engine/integrity/names_internal.h"

/* Distinctive words (similarity weight 1) the rest must hold for a match,
 * and the score given then (below an exact name's 1, above the decision
 * threshold): chosen on eval_names' development half (docs/integrity.md,
 * "Round 12, second part"). */
#ifndef NAMES_NUMBER_MATCH_WORDS
#define NAMES_NUMBER_MATCH_WORDS 2
#endif
#define NUMBER_MATCH_SCORE 0.95

#define WORD_CAP 16
#define WORDS_MAX 256

static char words[WORDS_MAX][WORD_CAP];
static size_t nwords;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static int word_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void word_add(const char *s, size_t len)
{
	if (len == 0 || len >= WORD_CAP || nwords >= WORDS_MAX)
		return;
	for (size_t i = 0; i < nwords; i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return;
	memcpy(words[nwords], s, len);
	words[nwords++][len] = '\0';
}

static void words_of(const char *text)
{
	for (const char *p = text; *p;) {
		const char *w;

		while (*p == ' ')
			p++;
		for (w = p; *p && *p != ' '; p++)
			;
		word_add(w, (size_t)(p - w));
	}
}

/* Roman numerals 1..39 from ICU's numbering system. */
static void roman_add(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormat *f = unum_open(UNUM_DEFAULT, NULL, 0, "en@numbers=romanlow", NULL, &st);

	if (U_FAILURE(st)) {
		if (f)
			unum_close(f);
		return;
	}
	for (int v = 1; v <= 39; v++) {
		UChar u[WORD_CAP];
		char a[WORD_CAP];
		int32_t k;
		int ok = 1;

		st = U_ZERO_ERROR;
		k = unum_format(f, v, u, WORD_CAP, NULL, &st);
		if (U_FAILURE(st) || k <= 0 || k >= WORD_CAP)
			continue;
		for (int32_t i = 0; i < k; i++) {
			ok &= u[i] < 0x80 && isalpha(u[i]);
			a[i] = (char)tolower(u[i] & 0x7f);
		}
		if (ok)
			word_add(a, (size_t)k);
	}
	unum_close(f);
}

static void words_init(void)
{
	char text[256];

	for (long v = 1; v <= 100; v++)
		for (int ordinal = 0; ordinal < 2; ordinal++)
			if (names__spell_out(v, ordinal, text, sizeof text) == 0)
				words_of(text);
	roman_add();
	qsort(words, nwords, sizeof words[0], word_cmp);
}

int names__number_word(const char *s, size_t len)
{
	char key[WORD_CAP];
	size_t i;

	for (i = 0; i < len && isdigit((unsigned char)s[i]); i++)
		;
	if (len && i == len)
		return 1;
	if (len >= WORD_CAP)
		return 0;
	pthread_once(&words_once, words_init);
	memcpy(key, s, len);
	key[len] = '\0';
	return bsearch(key, words, nwords, sizeof words[0], word_cmp) != NULL;
}

/* The words of a normal form. */
struct words {
	int n;
	const char *w[NAMES_MAX_TOKENS];
	size_t l[NAMES_MAX_TOKENS];
	unsigned char num[NAMES_MAX_TOKENS], extra[NAMES_MAX_TOKENS];
};

static void words_split(const char *norm, struct words *x)
{
	x->n = names_split_words(norm, x->w, x->l, NAMES_MAX_TOKENS);
	for (int i = 0; i < x->n; i++) {
		x->num[i] = (unsigned char)names__number_word(x->w[i], x->l[i]);
		x->extra[i] = x->num[i];
	}
}

/* Marks as not extra the number tokens x and y share (each once). */
static void shared_numbers(struct words *x, struct words *y)
{
	for (int i = 0; i < x->n; i++)
		for (int j = 0; x->extra[i] && j < y->n; j++)
			if (y->extra[j] && x->l[i] == y->l[j] &&
			    memcmp(x->w[i], y->w[j], x->l[i]) == 0)
				x->extra[i] = y->extra[j] = 0;
}

/* Whether word i of x, alone or with its neighbour, names a country or a
 * capital (places.c): a branch's place, no more the firm's identity than
 * its number. */
static int place_word(const struct words *x, int i)
{
	char buf[2 * NAMES_MAX_TOKEN_LEN + 2];

	if (x->l[i] > NAMES_MAX_TOKEN_LEN)
		return 0;
	snprintf(buf, sizeof buf, "%.*s", (int)x->l[i], x->w[i]);
	if (integ__is_place(buf))
		return 1;
	for (int j = i - 1; j <= i; j += 1) {
		if (j < 0 || j + 1 >= x->n || x->l[j + 1] > NAMES_MAX_TOKEN_LEN ||
		    x->l[j] > NAMES_MAX_TOKEN_LEN)
			continue;
		snprintf(buf, sizeof buf, "%.*s %.*s", (int)x->l[j], x->w[j], (int)x->l[j + 1],
			 x->w[j + 1]);
		if (integ__is_place(buf))
			return 1;
	}
	return 0;
}

static int extra_count(const struct words *x)
{
	int n = 0;

	for (int i = 0; i < x->n; i++)
		n += x->extra[i];
	return n;
}

/* x without its extra number tokens in out. */
static void without_extra(const struct words *x, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < x->n; i++) {
		if (x->extra[i] || n + x->l[i] + 2 > cap)
			continue;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, x->w[i], x->l[i]);
		n += x->l[i];
		out[n] = '\0';
	}
}

/* The distinctive words of x: not numbers, not generic, not places. */
static int distinct_words(const struct words *x)
{
	int d = 0;

	for (int i = 0; i < x->n; i++) {
		char tok[NAMES_MAX_TOKEN_LEN + 1];

		if (x->num[i] || x->l[i] > NAMES_MAX_TOKEN_LEN)
			continue;
		memcpy(tok, x->w[i], x->l[i]);
		tok[x->l[i]] = '\0';
		d += names__token_weight(tok) >= 1.0 && !place_word(x, i);
	}
	return d;
}

double names_similarity(const char *norm_a, const char *norm_b)
{
	char ra[NAMES_NORM_CAP], rb[NAMES_NORM_CAP];
	double s = names__similarity_base(norm_a, norm_b), rest;
	struct words a, b;
	int na, nb;

	if (s >= NAMES_DEFAULT_THRESHOLD || !norm_a || !norm_b)
		return s;
	words_split(norm_a, &a);
	words_split(norm_b, &b);
	shared_numbers(&a, &b);
	na = extra_count(&a);
	nb = extra_count(&b);
	/* numbers beyond the other's on one side only */
	if ((na > 0) == (nb > 0))
		return s;
	without_extra(&a, ra, sizeof ra);
	without_extra(&b, rb, sizeof rb);
	if (!ra[0] || !rb[0])
		return s; /* a number alone is no name */
	rest = strcmp(ra, rb) == 0 ? 1.0 : names__similarity_base(ra, rb);
	if (rest < NAMES_DEFAULT_THRESHOLD)
		return s;
	/* the distinctive words of the side without extra numbers */
	if (distinct_words(na ? &b : &a) >= NAMES_NUMBER_MATCH_WORDS)
		rest = rest < NUMBER_MATCH_SCORE ? rest : NUMBER_MATCH_SCORE;
	else
		rest = NAMES_REVIEW_THRESHOLD;
	return rest > s ? rest : s;
}

/* Whether token i is a number that legal forms read through: digits or a
 * number word of two letters or more ("ii", "three", "2nd" spelt out), not
 * a single letter ("I" is also a Swedish "in", "V" an initial). */
static int form_transparent_number(const struct names__tokens *t, int i)
{
	return !t->initials[i] && t->len[i] >= 2 && names__number_word(t->s[i], t->len[i]);
}

/*
 * Legal forms and connecting words are found as if the name had no number
 * words: a number added inside or after a legal form ("Caroline Ag II
 * Inc.", "Alyans Beton Limited Liability IV Company", "Swaan Consulting AB
 * Three") leaves the form a form, as it is without the number, and the
 * number stays a word of the name. Before, the number cut the form off the
 * end of the name, so "Ag" and "Liability" became name words and the pair
 * no longer matched (round 14).
 */
void names__drop_forms(struct names__tokens *t)
{
	struct names__tokens v;
	int map[NAMES_MAX_TOKENS], nnum = 0;

	for (int i = 0; i < t->n; i++)
		nnum += form_transparent_number(t, i);
	if (nnum == 0 || nnum == t->n) {
		names__drop_forms_plain(t);
		return;
	}
	v.n = 0;
	for (int i = 0; i < t->n; i++) {
		if (form_transparent_number(t, i))
			continue;
		map[v.n] = i;
		v.len[v.n] = t->len[i];
		v.drop[v.n] = 0;
		v.initials[v.n] = t->initials[i];
		v.glue[v.n] = t->glue[i];
		v.dot[v.n] = t->dot[i];
		memcpy(v.s[v.n], t->s[i], (size_t)t->len[i] + 1);
		v.n++;
	}
	names__drop_forms_plain(&v);
	/* split_form_tail may have split a token of the view: then the view
	 * no longer maps onto t, and t is read as it is written */
	if (v.n != t->n - nnum) {
		names__drop_forms_plain(t);
		return;
	}
	for (int i = 0; i < t->n; i++)
		t->drop[i] = 0;
	for (int k = 0; k < v.n; k++)
		t->drop[map[k]] = v.drop[k];
}
