/*
 * names_letters.c - step 1b of the canonical text (names_canon.c): letters
 * that NFKC leaves alone but whose Unicode name says which Latin letter
 * they are drawn as become that letter: small capitals ("ᴋᴇsᴛʀᴇʟ",
 * U+1D00 block and IPA extensions), negative circled and negative squared
 * letters, regional indicator symbols. The table is derived once, at first
 * use, from ICU's character names (u_enumCharNames: about 170 characters,
 * 30 ms), not written by hand, so every such character Unicode names is
 * covered, and none that the transliteration already reads. Also step 1c:
 * other symbols that are drawn as no one letter (marks of trade, emoji) are
 * no part of a name; step 0b, character references decoded; and step 3a,
 * the small l and the capital I read as the eye reads them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

#include "engine/integrity/names_internal.h"

static const UNormalizer2 *nfkc;
static pthread_once_t letter_like_once = PTHREAD_ONCE_INIT;

/* Step 1b's table: code point -> the ASCII letter it is drawn as, in code
 * point order. Unicode has about 170 such characters; room for more. */
#define LETTER_LIKE_MAX 1024
static struct letter_like {
	UChar32 c;
	char letter;
} letter_like[LETTER_LIKE_MAX];
static int n_letter_like;

/* Whether the words of name[0..len) include w. */
static int name_has_word(const char *name, size_t len, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= len; i++)
		if ((i == 0 || name[i - 1] == ' ') && memcmp(name + i, w, wl) == 0 &&
		    (i + wl == len || name[i + wl] == ' '))
			return 1;
	return 0;
}

/*
 * u_enumCharNames callback: a character of the Latin or Common script,
 * other than ASCII, that NFKC leaves alone and whose name ends "... LETTER
 * X", "... SMALL X" or "... CAPITAL X" with X one Latin letter, optionally
 * followed by "WITH ..." ("LATIN LETTER SMALL CAPITAL K", "NEGATIVE
 * SQUARED LATIN CAPITAL LETTER K", "REGIONAL INDICATOR SYMBOL LETTER K",
 * "LATIN LETTER SMALL CAPITAL L WITH STROKE"), is drawn as X: upper case
 * when its name says CAPITAL but not SMALL CAPITAL, else lower case.
 * Letters drawn otherwise (TURNED, REVERSED, ROTATED, INVERTED, SIDEWAYS)
 * and letters whose canonical decomposition starts with an ASCII letter
 * (é: the transliteration handles them) are not.
 */
static UBool letter_like_add(void *ctx, UChar32 c, UCharNameChoice choice, const char *name,
			     int32_t length)
{
	static const char *const reshaped[] = {"TURNED", "REVERSED", "ROTATED", "INVERTED",
					       "SIDEWAYS", NULL};
	const UNormalizer2 *nfd = ctx;
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode s;
	size_t len = (size_t)length;
	const char *with, *sp;
	UChar in[2], d[8];
	int32_t k = 0, dl;

	(void)choice;
	if (c < 0x80 || n_letter_like >= LETTER_LIKE_MAX || !name_has_word(name, len, "LETTER"))
		return true;
	with = strstr(name, " WITH ");
	if (with && (size_t)(with - name) < len)
		len = (size_t)(with - name);
	if (len < 3 || name[len - 2] != ' ' || name[len - 1] < 'A' || name[len - 1] > 'Z')
		return true;
	for (sp = name + len - 2; sp > name && sp[-1] != ' '; sp--)
		;
	if (strncmp(sp, "LETTER ", 7) && strncmp(sp, "SMALL ", 6) && strncmp(sp, "CAPITAL ", 8))
		return true;
	for (const char *const *w = reshaped; *w; w++)
		if (name_has_word(name, len, *w))
			return true;
	s = uscript_getScript(c, &st);
	if (U_FAILURE(st) || (s != USCRIPT_LATIN && s != USCRIPT_COMMON))
		return true;
	U16_APPEND_UNSAFE(in, k, c);
	if (!unorm2_isNormalized(nfkc, in, k, &st) || U_FAILURE(st))
		return true;
	dl = unorm2_normalize(nfd, in, k, d, 8, &st);
	if (U_SUCCESS(st) && dl > 0 && d[0] < 0x80 && u_isalpha(d[0]))
		return true;
	letter_like[n_letter_like].c = c;
	letter_like[n_letter_like].letter =
		name_has_word(name, len, "CAPITAL") && !strstr(name, "SMALL CAPITAL")
			? name[len - 1]
			: (char)(name[len - 1] - 'A' + 'a');
	n_letter_like++;
	return true;
}

static int letter_like_cmp(const void *a, const void *b)
{
	const struct letter_like *x = a, *y = b;

	return x->c < y->c ? -1 : x->c > y->c;
}

static void letter_like_init(void)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);

	if (U_SUCCESS(st))
		nfkc = unorm2_getNFKCInstance(&st);
	if (U_FAILURE(st) || !nfkc)
		return;
	/* names are enumerated in code point order: the table is sorted */
	u_enumCharNames(0x80, UCHAR_MAX_VALUE + 1, letter_like_add, (void *)nfd,
			U_UNICODE_CHAR_NAME, &st);
	if (U_FAILURE(st))
		n_letter_like = 0;
}

/* The ASCII letter c is drawn as (step 1b), 0 for none. */
static char letter_like_of(UChar32 c)
{
	struct letter_like key = {.c = c}, *hit;

	if (c < 0x80 || !n_letter_like)
		return 0;
	hit = bsearch(&key, letter_like, (size_t)n_letter_like, sizeof key, letter_like_cmp);
	return hit ? hit->letter : 0;
}

int32_t names__map_letter_like(UChar *u, int32_t n)
{
	int32_t i = 0, w = 0;

	pthread_once(&letter_like_once, letter_like_init);
	while (i < n) {
		UChar32 c;
		int32_t at = i;
		char l;

		U16_NEXT(u, i, n, c);
		if ((l = letter_like_of(c)) != 0) {
			u[w++] = (UChar)l;
			continue;
		}
		while (at < i)
			u[w++] = u[at++];
	}
	return w;
}

/* How many letters and digits NFKC makes of c alone (0 on error). */
static int nfkc_alnums(UChar32 c)
{
	UChar in[2], out[32];
	int32_t n = 0, m, i = 0, k = 0;
	UErrorCode st = U_ZERO_ERROR;

	U16_APPEND_UNSAFE(in, n, c);
	m = unorm2_normalize(nfkc, in, n, out, (int32_t)(sizeof out / sizeof out[0]), &st);
	if (U_FAILURE(st))
		return 0;
	while (i < m) {
		UChar32 d;

		U16_NEXT(out, i, m, d);
		k += u_isalnum(d) != 0;
	}
	return k;
}

/* Step 1c on u[0..n) (names_internal.h): other symbols that are not drawn as one letter or
 * digit vanish between letters and become a space elsewhere. A pass of its
 * own, after step 1b: regional indicators and negative squared letters are
 * symbols until 1b makes them letters; and step 1 must come before 1b,
 * whose table would read tag characters ("TAG LATIN SMALL LETTER A") as
 * letters. */
int32_t names__strip_symbols(UChar *u, int32_t n)
{
	int32_t i = 0, w = 0;

	pthread_once(&letter_like_once, letter_like_init);
	if (!nfkc)
		return n;

	while (i < n) {
		UChar32 c;
		int32_t at = i;

		U16_NEXT(u, i, n, c);
		if (u_charType(c) == U_OTHER_SYMBOL && nfkc_alnums(c) != 1) {
			UChar32 before = 0, after = 0;
			int32_t j = i;

			if (w > 0)
				U16_GET(u, 0, w - 1, w, before);
			if (j < n)
				U16_NEXT(u, j, n, after);
			if (!(before && u_isalpha(before) && after && u_isalpha(after)))
				u[w++] = ' ';
			continue;
		}
		while (at < i)
			u[w++] = u[at++];
	}
	return w;
}

/*
 * Step 0b: HTML and XML character references. Numeric ones ("&#38;",
 * "&#x200B;") of any valid code point but NUL and the surrogates; named
 * ones: XML 1.0's five predefined entities (section 4.6) and HTML's
 * no-break space, the only ones a name escaped by a web form carries. A
 * reference is never shorter than what it stands for (a supplementary
 * character takes two units, its reference eight or more), so u is
 * rewritten in place; what is not a complete reference stays as written.
 */
static int named_ref(const UChar *u, int32_t n, UChar32 *c)
{
	static const struct {
		const char *name;
		UChar32 c;
	} refs[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};

	for (size_t r = 0; r < sizeof refs / sizeof *refs; r++) {
		int32_t l = (int32_t)strlen(refs[r].name), k;

		if (n < l + 1 || u[l] != ';')
			continue;
		for (k = 0; k < l && u[k] == (UChar)refs[r].name[k]; k++)
			;
		if (k == l) {
			*c = refs[r].c;
			return l + 1;
		}
	}
	return 0;
}

/* The length of the numeric reference's rest at u ("38;", "x200B;") and its
 * code point, or 0. */
static int numeric_ref(const UChar *u, int32_t n, UChar32 *c)
{
	int hex = n > 0 && (u[0] == 'x' || u[0] == 'X'), k = hex, digits = 0;
	uint32_t v = 0;

	for (; k < n && digits < 8; k++, digits++) {
		int d = u[k] >= '0' && u[k] <= '9'	     ? u[k] - '0'
			: hex && u[k] >= 'a' && u[k] <= 'f' ? u[k] - 'a' + 10
			: hex && u[k] >= 'A' && u[k] <= 'F' ? u[k] - 'A' + 10
							    : -1;

		if (d < 0)
			break;
		v = v * (hex ? 16u : 10u) + (uint32_t)d;
	}
	if (!digits || k >= n || u[k] != ';' || v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*c = (UChar32)v;
	return k + 1;
}

int32_t names__decode_char_refs(UChar *u, int32_t n)
{
	int32_t i = 0, w = 0;

	while (i < n) {
		UChar32 c;
		int l = 0;

		if (u[i] == '&' && i + 1 < n)
			l = u[i + 1] == '#' ? numeric_ref(u + i + 2, n - i - 2, &c)
					    : named_ref(u + i + 1, n - i - 1, &c);
		if (l > 0) {
			i += 1 + (u[i + 1] == '#') + l;
			U16_APPEND_UNSAFE(u, w, c);
			continue;
		}
		u[w++] = u[i++];
	}
	return w;
}

static int ascii_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

int names__eye_reading(int prev, int c, const char *rest, size_t nrest)
{
	int prev_letter = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') || prev >= 0x80;

	if (c == 'l' && !prev_letter && nrest >= 4 && ascii_lower(rest[0]) &&
	    !strchr("aeiouylh", rest[0]) && strpbrk(rest + 1, "aeiouy"))
		return 'i';
	if (c == 'I' && ascii_lower(prev) && nrest >= 1 && ascii_lower(rest[0]))
		return 'l';
	return 0;
}
