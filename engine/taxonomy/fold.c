/*
 * fold.c - text folding and word comparison: the one way the taxonomy
 * compares text. Labels and queries are folded alike (lowercase, no accents,
 * one space between words), and words compare by trigrams, edit distance
 * and a shared stem, so that typos and inflections still match.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Base letters of U+00C0..U+00FF (the second byte of C3 xx minus 0x80). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "y"};

size_t taxonomy_fold(const char *text, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t n = 0;
	int space = 1; /* drops leading blanks */

	if (!outlen)
		return 0;
	while (*s) {
		char tmp[4];
		const char *add = tmp;
		size_t len;

		if (*s < 0x80) {
			if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
				tmp[0] = (char)*s;
			} else if (*s >= 'A' && *s <= 'Z') {
				tmp[0] = (char)(*s + 32);
			} else {
				tmp[0] = ' ';
			}
			tmp[1] = '\0';
			s++;
		} else if (*s == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
			add = latin1[s[1] - 0x80];
			s += 2;
		} else if (*s == 0xC5 && (s[1] == 0x92 || s[1] == 0x93)) {
			add = "oe";
			s += 2;
		} else {
			/* Another UTF-8 sequence: a letter, digit or mark of any
			 * script is kept whole; punctuation, spaces and symbols
			 * (ICU's character properties) separate words as ASCII
			 * ones do. ESCO's French labels write "l’arc", "d’un" with
			 * U+2019, and a counsellor types "l'arc". */
			int32_t i = 0, avail = (int32_t)strnlen((const char *)s, 4);
			UChar32 c;

			U8_NEXT(s, i, avail, c);
			if (i <= 0)
				i = 1;
			if (c >= 0 && !u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK)) {
				s += i;
				tmp[0] = ' ';
				tmp[1] = '\0';
			} else {
				if (n + (size_t)i >= outlen)
					break;
				memcpy(out + n, s, (size_t)i);
				n += (size_t)i;
				s += i;
				space = 0;
				continue;
			}
		}
		if (add[0] == ' ') {
			if (!space && n + 1 < outlen)
				out[n++] = ' ';
			space = 1;
			continue;
		}
		len = strlen(add);
		if (n + len >= outlen)
			break;
		memcpy(out + n, add, len);
		n += len;
		space = 0;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

/* Splits folded text into words (pointers into buf, which is modified). */
size_t tax__split_words(char *buf, char *words[], size_t max)
{
	size_t n = 0;
	char *p = buf;

	while (*p && n < max) {
		char *sp = strchr(p, ' ');

		if (sp)
			*sp = '\0';
		if (*p && strlen(p) < WORD_MAX)
			words[n++] = p;
		if (!sp)
			break;
		p = sp + 1;
	}
	return n;
}

/* Words that say nothing about the concept (en, fr, es). */
int tax__is_stopword(const char *w)
{
	static const char *const stop[] = {
		"a", "an", "and", "the", "of", "to", "in", "on", "for", "with", "or", "by",
		"de", "des", "du", "la", "le", "les", "l", "d", "et", "en", "au", "aux", "un", "une",
		"pour", "dans", "sur", "el", "los", "las", "y", "del", "con", "para", "por", "o", NULL};
	size_t i;

	for (i = 0; stop[i]; i++)
		if (strcmp(w, stop[i]) == 0)
			return 1;
	return 0;
}

/* Padded trigrams of one word: "^we", "wel", ..., "ng$". Returns the count. */
size_t tax__word_trigrams(const char *w, char tri[][4], size_t max)
{
	char pad[WORD_MAX + 3];
	size_t len = strlen(w), i, n = 0;

	if (len + 2 >= sizeof pad)
		return 0;
	pad[0] = '^';
	memcpy(pad + 1, w, len);
	pad[len + 1] = '$';
	pad[len + 2] = '\0';
	for (i = 0; i + 3 <= len + 2 && n < max; i++) {
		memcpy(tri[n], pad + i, 3);
		tri[n][3] = '\0';
		n++;
	}
	return n;
}

/* Dice coefficient of two words' trigram sets (1 for equal words). */
static double word_sim(const char *a, const char *b)
{
	char ta[WORD_MAX + 2][4], tb[WORD_MAX + 2][4];
	size_t na, nb, i, j, common = 0;

	if (strcmp(a, b) == 0)
		return 1.0;
	na = tax__word_trigrams(a, ta, WORD_MAX + 2);
	nb = tax__word_trigrams(b, tb, WORD_MAX + 2);
	if (!na || !nb)
		return 0;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (memcmp(ta[i], tb[j], 4) == 0) {
				common++;
				break;
			}
	return 2.0 * (double)common / (double)(na + nb);
}

/* Optimal-string-alignment edit distance (a transposition counts one),
 * for words shorter than WORD_MAX. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return la > lb ? la : lb;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t c = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + c;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* How much two words are the same word, in [0,1]: 1 equal; 0.9 an
 * inflection (a shared stem of at least 4 letters covering most of both);
 * else 1 - edit distance / length for a small typo in a word of 4 letters or
 * more; 0 below 0.6. Short words (codes such as MIG, TIG) must be equal. */
/* 1 when a and b (folded words) have the same stem, of at least 3 letters,
 * for the English, French or Spanish stemmer. */
static int same_stem(const char *a, const char *b)
{
	static const char *const langs[] = {"en", "fr", "es"};
	char sa[WORD_MAX * 2], sb[WORD_MAX * 2];
	size_t i;

	for (i = 0; i < sizeof langs / sizeof *langs; i++)
		if (index_stem(langs[i], a, sa, sizeof sa) == 0 &&
		    index_stem(langs[i], b, sb, sizeof sb) == 0 && strlen(sa) >= 3 &&
		    strcmp(sa, sb) == 0)
			return 1;
	return 0;
}

double tax__word_match(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), k = 0, m = la > lb ? la : lb;
	double sim;

	if (strcmp(a, b) == 0)
		return 1.0;
	if (la < 4 || lb < 4)
		return 0;
	while (a[k] && a[k] == b[k])
		k++;
	if (k >= 4 && k * 4 >= m * 3)
		return 0.9;
	/* A derivation the prefix rule misses ("welding" / "weld", "manejo" /
	 * "manejar"): the same Snowball stem in one of the loaded languages. */
	if (k >= 3 && same_stem(a, b))
		return 0.9;
	/* Round 17: the shorter word inside the longer after three letters or
	 * more is another word, the longer one's prefix changing its sense
	 * ("conductor" / "semiconductores", "conduct" / "misconduct"): the edit
	 * distance is only the prefix's length and an ending, and a lone
	 * "conductor" (a driver) read as the semiconductors at 0.89. */
	{
		const char *sh = la < lb ? a : b, *lo = la < lb ? b : a, *at = strstr(lo, sh);

		if (at && at - lo >= 3)
			return 0;
	}
	/* The edit distance is at least the difference in length: skip it when
	 * that alone puts the similarity under 0.6 (and the trigram rescue when
	 * a, shorter, has too few trigrams to reach 0.7: its la trigrams against
	 * b's lb give at most 2 la / (la + lb)). */
	if ((la > lb ? la - lb : lb - la) * 5 > m * 2)
		sim = 0;
	else
		sim = 1.0 - (double)edit_distance(a, b) / (double)m;
	if (sim < 0.6 && !(la < lb && 20 * la < 7 * (la + lb)) && word_sim(a, b) >= 0.7)
		sim = 0.6;
	return sim >= 0.6 ? sim : 0;
}

/* A word char for taxonomy_fold: a letter, digit or mark of any script. */
static int fold_word_char(UChar32 c)
{
	return c >= 0 && (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK));
}

/*
 * ESCO writes its labels in lower case, except names: products ("Harvest",
 * "Toggl", "iPlan"), languages, acronyms ("SAP", "HACCP"). Folding loses the
 * case, so "harvesting" met "Harvest" as an inflection. A word is a name
 * when it has a capital after its first letter ("iPlan", "SQL"), or starts
 * with one and is not the label's first word, or is the first word of a
 * label whose every word has a capital ("Harvest", "Mozilla Sunbird"): a
 * capital first word alone may be a sentence capital. Words are cut as
 * taxonomy_fold cuts them, so bit j is the folded label's j-th word.
 * *lower (may be NULL) gets the words written without any capital.
 */
uint32_t tax__name_words(const char *label, uint32_t *lower)
{
	const uint8_t *s = (const uint8_t *)(label ? label : "");
	int32_t i = 0, len = (int32_t)strlen((const char *)s);
	uint32_t names = 0, first_cap = 0, inner_cap = 0, any_cap = 0;
	unsigned nw = 0, pos = 0;

	while (i < len) {
		UChar32 c;

		U8_NEXT(s, i, len, c);
		if (!fold_word_char(c)) {
			pos = 0;
			continue;
		}
		if (pos == 0)
			nw++;
		if (nw <= 32 && (u_isupper(c) || u_istitle(c))) {
			uint32_t bit = 1u << (nw - 1);

			any_cap |= bit;
			if (pos == 0)
				first_cap |= bit;
			else
				inner_cap |= bit;
		}
		pos++;
	}
	if (lower)
		*lower = nw >= 32 ? ~any_cap : ((1u << nw) - 1) & ~any_cap;
	if (!nw)
		return 0;
	names = inner_cap | (first_cap & ~1u);
	if (nw <= 32 && any_cap == (nw == 32 ? ~0u : (1u << nw) - 1))
		names |= 1u;
	return names;
}

/*
 * English inflection base: what is left once the inflectional endings of
 * Snowball's English stemmer's step 1 (plural and verb forms: -s, -es,
 * -ed, -ing, -edly, -ingly) are taken off, with a final "e" dropped, "y" as
 * "i" and a doubled consonant undoubled ("welding" and "weld" -> "weld",
 * "managing" and "manage" -> "manag", "companies" -> "compani"). The
 * stemmer's later steps take off derivational suffixes too (-er, -ment,
 * -ation), so it gives "engineer" and "engine" one stem: two words with one
 * base are forms of one word, two words with only one stem are two words.
 */
static void en_inflection_base(const char *w, char *out, size_t outlen)
{
	static const char *const endings[] = {"ingly", "edly", "ing", "ies", "ied", "es",
					      "ed", "s", NULL};
	size_t n = strlen(w), i, e;

	snprintf(out, outlen, "%s", w);
	n = strlen(out);
	for (i = 0; endings[i]; i++) {
		e = strlen(endings[i]);
		if (n >= e + 3 && strcmp(out + n - e, endings[i]) == 0 &&
		    !(e == 1 && n >= 2 && out[n - 2] == 's')) {
			n -= e;
			if (endings[i][0] == 'i' && endings[i][1] == 'e')
				out[n++] = 'i';
			out[n] = '\0';
			break;
		}
	}
	if (n > 3 && out[n - 1] == 'e')
		out[--n] = '\0';
	if (n > 3 && out[n - 1] == 'y')
		out[n - 1] = 'i';
	if (n > 3 && out[n - 1] == out[n - 2] && strchr("bdfgmnprt", out[n - 1]))
		out[--n] = '\0';
}

double tax__word_match_lang(const char *a, const char *b, int lang)
{
	double v = tax__word_match(a, b);
	char ba[WORD_MAX + 1], bb[WORD_MAX + 1];

	if (v != 0.9 || lang != ESCO_LANG_EN || strlen(a) > WORD_MAX || strlen(b) > WORD_MAX)
		return v;
	en_inflection_base(a, ba, sizeof ba);
	en_inflection_base(b, bb, sizeof bb);
	return strcmp(ba, bb) == 0 ? v : TAX_DERIVED_SCORE;
}
