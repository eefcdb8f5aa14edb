/*
 * names_decor.c - two steps of the canonical text (names_canon.c) against
 * words broken up or stretched to slip past a name list:
 *
 *   - decoration inside a word vanishes: a symbol or punctuation mark
 *     written between two letters ("Kop*ano", "Kop_ano", "Kop•ano",
 *     "Kop😀ano", a private-use or unassigned code point) is not a word
 *     break, as an apostrophe is not one ("O'Brien"). What separates the
 *     words of a name stays a separator: spaces, dashes, brackets and
 *     quotation marks (Unicode categories Z, Pd, Ps, Pe, Pi, Pf), the
 *     list and sentence punctuation . , : ; ! ?, the slash, the ampersand
 *     and the plus sign, and the marks the confusable form reads as
 *     letters (@ $ |). So "Man-Power", "A.B.C." and "AT&T" read as before
 *     and "Col·legi" (a Catalan middle dot) is one word;
 *   - a letter written three times or more in a row, in a word of five
 *     letters or more, is written twice: no such word of the languages of
 *     the lists has a letter three times ("Kopppano", "SERVIIICES"; German
 *     "Schifffahrt" reads as its older spelling "Schiffahrt"); shorter
 *     words are written so on purpose ("OOO", a Russian legal form; "AAA").
 *
 * Both work in place on UTF-16. names__has_decor tells the ASCII fast
 * path of names.c when a name needs them.
 */
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "engine/integrity/names_internal.h"

static int ascii_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 1 when c, between two letters, is decoration rather than a separator. */
static int decoration(UChar32 c)
{
	int8_t t;

	if (c <= 0 || (c < 0x80 && strchr(".,:;!?/&+@$|'`\"-()[]{}<>", (char)c)))
		return 0;
	t = (int8_t)u_charType(c);
	switch (t) {
	case U_CONNECTOR_PUNCTUATION: /* _ */
	case U_OTHER_PUNCTUATION:     /* * # % · • */
	case U_MATH_SYMBOL:
	case U_MODIFIER_SYMBOL:
	case U_OTHER_SYMBOL: /* emoji, braille, U+FFFC, U+FFFD */
	case U_CURRENCY_SYMBOL:
	case U_PRIVATE_USE_CHAR:
	case U_UNASSIGNED:
		return 1;
	default:
		return 0;
	}
}

int32_t names__strip_decor(UChar *u, int32_t n)
{
	int32_t i = 0, w = 0;

	while (i < n) {
		UChar32 c;
		int32_t at = i;

		U16_NEXT(u, i, n, c);
		if (w > 0 && decoration(c)) {
			UChar32 prev, next = 0;
			int32_t back = w, j = i;

			U16_PREV(u, 0, back, prev);
			/* the run of decoration, then a letter */
			while (j < n) {
				int32_t k = j;

				U16_NEXT(u, k, n, next);
				if (!decoration(next))
					break;
				j = k;
			}
			if (u_isalpha(prev) && j < n && u_isalpha(next)) {
				i = j;
				continue;
			}
		}
		while (at < i)
			u[w++] = u[at++];
	}
	return w;
}

/* The number of letters of the word around u[at]. */
static int32_t word_letters(const UChar *u, int32_t n, int32_t at)
{
	int32_t a = at, e = at;

	while (a > 0 && u_isalpha(u[a - 1]))
		a--;
	while (e < n && u_isalpha(u[e]))
		e++;
	return e - a;
}

int32_t names__squeeze_triples(UChar *u, int32_t n)
{
	int32_t w = 0;

	/* in words of five letters or more: "OOO" (a Russian legal form),
	 * "AAA", "Sooo" are written so on purpose */
	for (int32_t i = 0; i < n; i++) {
		if (w >= 2 && u_isalpha(u[i]) && u_tolower(u[i]) == u_tolower(u[w - 1]) &&
		    u_tolower(u[i]) == u_tolower(u[w - 2]) && word_letters(u, n, i) >= 5)
			continue;
		u[w++] = u[i];
	}
	return w;
}

static size_t ascii_word_letters(const char *in, size_t len, size_t at)
{
	size_t a = at, e = at;

	while (a > 0 && ascii_letter((unsigned char)in[a - 1]))
		a--;
	while (e < len && ascii_letter((unsigned char)in[e]))
		e++;
	return e - a;
}

int names__has_decor(const char *in, size_t len)
{
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (i >= 2 && ascii_letter(c) && (c | 0x20) == ((unsigned char)in[i - 1] | 0x20) &&
		    (c | 0x20) == ((unsigned char)in[i - 2] | 0x20) && ascii_word_letters(in, len, i) >= 5)
			return 1;
		if (c < 0x80 && decoration(c) && ascii_letter((unsigned char)in[i - 1])) {
			size_t j = i;

			while (j < len && (unsigned char)in[j] < 0x80 && decoration((unsigned char)in[j]))
				j++;
			if (j < len && ascii_letter((unsigned char)in[j]))
				return 1;
		}
	}
	return 0;
}
