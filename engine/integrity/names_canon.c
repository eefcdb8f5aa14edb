/*
 * names_canon.c - the canonical text of a recruiter name or licence, before
 * any tokenising: what the check, registration, the in-memory registry, the
 * snapshot and vacancy writes all compare (through names_normalise_forms and
 * integrity_licence_norm), so that no path sees a different name.
 *
 * Steps, on UTF-16 (ICU):
 *   0. for the skeleton form only: a name with a bidi override (RLO, LRO)
 *      is read in the order it is displayed (names_bidi.c: "U+202E onapoK"
 *      shows "Kopano");
 *   0b. HTML and XML character references ("&amp;", "&#8203;") become the
 *      character they stand for (names_letters.c): a name copied from a web
 *      page or a form that escaped it is the same name;
 *   1. default-ignorable code points (Unicode Default_Ignorable_Code_Point:
 *      ZWSP, ZWJ, word joiner, soft hyphen, Hangul filler, Mongolian vowel
 *      separator, tag characters...) and format characters (Cf: RLM, ...)
 *      are removed; control characters and line or paragraph separators
 *      become a space;
 *   1b. letters NFKC leaves alone whose Unicode name says which Latin
 *      letter they are drawn as (small capitals "ᴋᴇsᴛʀᴇʟ", negative circled
 *      or squared letters, regional indicator symbols) become that letter
 *      (names_letters.c: a table derived at first use from ICU's character
 *      names, not a hand list);
 *   1c. symbols that stand for no one letter (General Category So whose
 *      NFKC form is not exactly one letter or digit: (R), (C), TM, SM, an
 *      emoji; circled and parenthesised letters stay) vanish inside a word
 *      and become a space elsewhere: a mark of trade is no word of the
 *      name ("Kopano Corp(TM)" was "kopano corp tm", and the skeleton
 *      read (R) as the letter r; names_letters.c);
 *   2. NFKC (mathematical bold, circled, full-width letters and digits
 *      become plain ones);
 *   3. for the skeleton form only: each letter of a script other than Latin
 *      whose UTS #39 confusable skeleton (ICU uspoof_getSkeleton) is ASCII
 *      becomes that skeleton ("Корапо" -> "Kopaπo" -> ..., Cyrillic с -> c),
 *      before NFKC (which folds Greek lunate sigma "ϲ" into "σ") and after;
 *   3a. for the skeleton form only: a small l read as a capital I where no
 *      word starts so ("lnternational"), a capital I between small letters
 *      as an l ("WeIding"; names_letters.c, names__eye_reading);
 *   3b. symbols written inside a word vanish ("Kop*ano"), a letter
 *      tripled is doubled (names_decor.c);
 *   4. case folding;
 *   5. transliteration to Latin ASCII (names_translit.c).
 * Step 2's text is also scanned for words that mix scripts (Latin and
 * Cyrillic in "Qaсha"); Han with Hiragana/Katakana, Hangul or Bopomofo is one
 * writing system, not a mix.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "engine/integrity/names_internal.h"

static USpoofChecker *spoof;
static const UNormalizer2 *nfkc;
static pthread_once_t canon_once = PTHREAD_ONCE_INIT;

static void canon_init(void)
{
	UErrorCode st = U_ZERO_ERROR;

	nfkc = unorm2_getNFKCInstance(&st);
	if (U_FAILURE(st))
		nfkc = NULL;
	st = U_ZERO_ERROR;
	/* Skeletons only read the checker: one instance serves every thread. */
	spoof = uspoof_open(&st);
	if (U_FAILURE(st)) {
		if (spoof)
			uspoof_close(spoof);
		spoof = NULL;
	}
}

/* Step 1 on u[0..n): removes ignorables, turns controls into spaces. */
static int32_t strip_invisible(UChar *u, int32_t n)
{
	int32_t i = 0, w = 0;

	while (i < n) {
		UChar32 c;
		int32_t at = i;

		U16_NEXT(u, i, n, c);
		if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
		    u_charType(c) == U_FORMAT_CHAR)
			continue;
		if (u_charType(c) == U_CONTROL_CHAR || c == 0x2028 || c == 0x2029) {
			u[w++] = ' ';
			continue;
		}
		while (at < i)
			u[w++] = u[at++];
	}
	return w;
}

static int is_cjk_script(UScriptCode s)
{
	return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA ||
	       s == USCRIPT_HANGUL || s == USCRIPT_BOPOMOFO;
}

/* 1 when a word of u[0..n) (a run of letters, marks and digits) holds
 * letters of two scripts, other than Han beside a script written with it. */
static int mixed_script(const UChar *u, int32_t n)
{
	UScriptCode first = USCRIPT_INVALID_CODE;
	int other = 0, mixed = 0;
	int32_t i = 0;

	while (i < n && !mixed) {
		UChar32 c;
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode s;

		U16_NEXT(u, i, n, c);
		if (!u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK)) {
			first = USCRIPT_INVALID_CODE; /* a word ends */
			other = 0;
			continue;
		}
		s = uscript_getScript(c, &st);
		if (U_FAILURE(st) || s == USCRIPT_COMMON || s == USCRIPT_INHERITED)
			continue;
		if (first == USCRIPT_INVALID_CODE) {
			first = s;
		} else if (s != first) {
			if (!(is_cjk_script(s) && is_cjk_script(first) &&
			      (s == USCRIPT_HAN || first == USCRIPT_HAN || other)))
				mixed = 1;
			other = 1;
		}
	}
	return mixed;
}

/* The ASCII skeleton of c (UTS #39), of its upper case otherwise, into
 * out[0..*len); 0 when neither is ASCII letters and digits. */
static int ascii_skeleton(UChar32 c, UChar *out, int32_t cap, int32_t *len)
{
	for (int pass = 0; pass < 2; pass++) {
		UChar in[2];
		int32_t n = 0, k;
		UErrorCode st = U_ZERO_ERROR;
		UChar32 x = pass ? u_toupper(c) : c;
		int ok = 1;

		if (pass && x == c)
			break;
		U16_APPEND_UNSAFE(in, n, x);
		k = uspoof_getSkeleton(spoof, 0, in, n, out, cap, &st);
		if (U_FAILURE(st) || k <= 0 || k > cap)
			continue;
		for (int32_t j = 0; j < k; j++)
			if (out[j] >= 0x80 || !u_isalnum(out[j]))
				ok = 0;
		if (ok) {
			*len = k;
			return 1;
		}
	}
	return 0;
}

/* 1 when the digit at code units [at, end) of u is written inside a word:
 * a letter right before it, or right after it unless what follows is an
 * ordinal's ending ("1st", "2nd", "3rd", "4th" are numbers). */
static int digit_in_word(const UChar *u, int32_t at, int32_t end, int32_t n)
{
	UChar32 prev = 0, next = 0;
	int32_t j = at, k = end;

	if (j > 0)
		U16_PREV(u, 0, j, prev);
	if (prev && u_isalpha(prev))
		return 1;
	if (end < n)
		U16_GET(u, 0, end, n, next);
	if (!next || !u_isalpha(next))
		return 0;
	while (k < n && u_isalpha(u[k]))
		k++;
	if (k - end == 2) {
		UChar a = (UChar)u_tolower(u[end]), b = (UChar)u_tolower(u[end + 1]);

		if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
		    (a == 't' && b == 'h'))
			return 0;
	}
	return 1;
}

/* The letter a digit or symbol written inside a word stands for, 0 for
 * none: the common "leetspeak" substitutions (3 -> e, 4 -> a, 5 -> s,
 * 7 -> t, 8 -> b, 9 -> g, @ -> a, $ -> s, | -> l), which UTS #39 does not
 * list because the shapes differ; 0 and 1 are left to the skeleton
 * (O and l). Read by shape, not by name: a rule over any word. */
static UChar leet_letter(UChar32 c)
{
	switch (c) {
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '8': return 'b';
	case '9': return 'g';
	case '@': return 'a';
	case '$': return 's';
	case '|': return 'l';
	case '!': return 'i'; /* round 17: "Internat!onal" */
	default: return 0;
	}
}

static int leet_mark(UChar c)
{
	return (c >= '0' && c <= '9') || c == '@' || c == '$' || c == '|' || c == '!';
}

/* Whether the word (a run of letters, marks and digits) around code units
 * [at, end) of u is long enough for a digit to stand for a letter: three
 * letters or more ("K3strel"), or four characters of which two letters
 * ("D5C0", "G14o"); "3M", "G4S", "B2B" are names. */
static int word_long_enough(const UChar *u, int32_t at, int32_t end, int32_t n)
{
	int letters = 0, units = end - at;

	for (int32_t j = at; j > 0;) {
		UChar32 c;

		U16_PREV(u, 0, j, c);
		if (!u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK) && !leet_mark((UChar)c))
			break;
		letters += u_isalpha(c) != 0;
		units++;
	}
	for (int32_t j = end; j < n;) {
		UChar32 c;

		U16_NEXT(u, j, n, c);
		if (!u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK) && !leet_mark((UChar)c))
			break;
		letters += u_isalpha(c) != 0;
		units++;
	}
	return letters >= 3 || (units >= 4 && letters >= 2);
}

static int word_unit(UChar c)
{
	return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) || leet_mark(c);
}

/* Letters of the word beside code unit at, going by step (-1 or +1),
 * before anything else. */
static int letters_beside(const UChar *u, int32_t at, int32_t n, int step)
{
	int k = 0;

	for (int32_t j = at + step; j >= 0 && j < n && u_isalpha(u[j]); j += step)
		k++;
	return k;
}

/* 1 when a dollar sign alone at the edge of a word of three letters or
 * more stands for the S it is drawn from ("$ervices", "Service$"): money
 * is written beside digits ("$5", "5$"), never beside letters, so a
 * dollar sign touching letters on one side and nothing on the other is
 * no currency. Inside a word the rule of the other symbols holds. */
static int dollar_as_letter(const UChar *u, int32_t at, int32_t n)
{
	int before = letters_beside(u, at, n, -1), after = letters_beside(u, at, n, +1);
	int edge_before = at == 0 || !word_unit(u[at - 1]);
	int edge_after = at + 1 >= n || !word_unit(u[at + 1]);

	if (before && after)
		return 1;
	return (edge_before && after >= 3 && (at + 1 + after >= n || !word_unit(u[at + 1 + after]))) ||
	       (edge_after && before >= 3 && (at - before == 0 || !word_unit(u[at - before - 1])));
}

/* 1 when the run of digits and symbols (@, $, |) around code units
 * [at, end) of u is part of a word: it touches a letter, not as an
 * ordinal's number ("K3strel", "0v3rs345"), and when it holds a symbol, a
 * letter on both sides ("Ca$h", "K3$trel"; not "$5", "A $ B"). */
static int leet_run_in_word(const UChar *u, int32_t at, int32_t end, int32_t n)
{
	int32_t a = at, e = end;
	int sym = 0;

	while (a > 0 && leet_mark(u[a - 1]))
		a--;
	while (e < n && leet_mark(u[e]))
		e++;
	for (int32_t k = a; k < e; k++)
		sym |= u[k] > '9' || u[k] < '0';
	if (sym && e - a == 1 && u[a] == '$')
		return dollar_as_letter(u, a, n);
	if (sym)
		return a > 0 && e < n && u_isalpha(u[a - 1]) && u_isalpha(u[e]);
	return digit_in_word(u, a, e, n);
}


/* 1 when the run of digits and symbols around code units [at, end) of u
 * reads as a number, not as letters: two digits or more that touch a
 * letter on one side only ("5000Jobs", "Staff365"), or a run that starts
 * a word before a capitalised word ("4Life", "2Go"), unless the word holds
 * other digits or symbols too: a word written in digits throughout is
 * written so ("0v3rs345"). Digits enclosed by letters ("Gr33n",
 * "K3strel") are letters: nobody writes a number inside a word; nor with
 * a leading zero ("S000 Jobs" is "Sooo Jobs"). */
static int digit_run_is_number(const UChar *u, int32_t at, int32_t end, int32_t n)
{
	int32_t a = at, e = end;
	int digits = 0, before, after;

	while (a > 0 && leet_mark(u[a - 1]))
		a--;
	while (e < n && leet_mark(u[e]))
		e++;
	for (int32_t k = a; k < e; k++)
		digits += u[k] >= '0' && u[k] <= '9';
	before = a > 0 && u_isalpha(u[a - 1]);
	after = e < n && u_isalpha(u[e]);
	if (before && after)
		return 0;
	if (!digits)
		return 0; /* symbols alone ("$ervices") are no number */
	/* other digits or symbols in the same word */
	for (int32_t k = a; k > 0 && word_unit(u[k - 1]); k--)
		if (leet_mark(u[k - 1]))
			return 0;
	for (int32_t k = e; k < n && word_unit(u[k]); k++)
		if (leet_mark(u[k]))
			return 0;
	if (digits >= 2)
		return u[a] != '0';
	return !before && after && u_isupper(u[e]) && e + 1 < n && u_islower(u[e + 1]);
}

static int vowel(UChar c)
{
	c = (UChar)u_tolower(c);
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* The letter 1 (or |) stands for: both l and i look like it (UTS #39 says
 * l). Between letters that are not vowels, or beside one with nothing on
 * the other side, the word needs a vowel: i ("K1t", "F1rst", "1ndia");
 * otherwise l ("G1obal", "App1e"). A wrong reading in a word of four
 * letters or more is one edit, which the similarity absorbs
 * ("Internat1onal"); in a shorter word it is not, hence the rule. */
static UChar one_letter(const UChar *u, int32_t at, int32_t end, int32_t n)
{
	int prev = at > 0 && u_isalpha(u[at - 1]), next = end < n && u_isalpha(u[end]);

	if ((prev && vowel(u[at - 1])) || (next && vowel(u[end])) || (!prev && !next))
		return 'l';
	return 'i';
}

/* Step 3: letters of other scripts that look like Latin letters become
 * them; into a new buffer *out (length *outlen). */
/* letter in the case of the letter before at ("Manp0wer": o, "MANP0WER":
 * O), so a digit read as a letter does not start a word of its own where
 * lower-case meets upper-case ("manp ower"). */
static UChar in_case_before(UChar letter, const UChar *u, int32_t at)
{
	return (UChar)(at > 0 && u_isupper(u[at - 1]) ? u_toupper(letter) : u_tolower(letter));
}

static int map_confusables(const UChar *u, int32_t n, unsigned opts, UChar **out, int32_t *outlen)
{
	int digits = !!(opts & NAMES_CANON_DIGITS), latin = !!(opts & NAMES_CANON_LICENCE);
	UChar *o = malloc(((size_t)n * 4 + 1) * sizeof *o);
	int32_t i = 0, w = 0;

	if (!o)
		return NAMES_ENOMEM;
	while (i < n) {
		UChar32 c;
		int32_t at = i, k;
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode s;

		U16_NEXT(u, i, n, c);
		s = uscript_getScript(c, &st);
		/* In a licence every letter drawn as an ASCII one is it, Latin
		 * ones too ("Ƨ" is 2, "Ƽ" 5: UTS #39): a licence number is
		 * written in ASCII, so no other letter belongs in it. */
		if (c >= 0x80 && u_isalpha(c) && U_SUCCESS(st) &&
		    ((s != USCRIPT_LATIN && s != USCRIPT_COMMON && s != USCRIPT_INHERITED) || latin) &&
		    spoof && ascii_skeleton(c, o + w, 4, &k)) {
			w += k;
			continue;
		}
		/* A digit inside a word of letters stands for the letter it
		 * looks like ("Lab0r", "Internat1onal", "S000"): its UTS #39
		 * skeleton, when that is a letter (0 -> O, 1 -> l or i).
		 * Digits that make a number ("44", "1st", "5000Jobs") stay. */
		if (digits && c >= '0' && c <= '9' && spoof && leet_run_in_word(u, at, i, n) &&
		    !digit_run_is_number(u, at, i, n) && ascii_skeleton(c, o + w, 4, &k) &&
		    k == 1 && u_isalpha(o[w])) {
			if (c == '1')
				o[w] = one_letter(u, at, i, n);
			o[w] = in_case_before(o[w], u, at);
			w += k;
			continue;
		}
		/* a small l for a capital I, or the other way round */
		if (digits && (c == 'l' || c == 'I')) {
			char rest[NAMES_MAX_TOKEN_LEN + 1];
			size_t nr = 0;
			int e;

			for (int32_t j = i; j < n && nr < NAMES_MAX_TOKEN_LEN && u[j] < 0x80 &&
					    isalpha(u[j]);
			     j++)
				rest[nr++] = (char)u[j];
			rest[nr] = '\0';
			if ((e = names__eye_reading(at > 0 ? u[at - 1] : 0, c, rest, nr)) != 0) {
				o[w++] = (UChar)e;
				continue;
			}
		}
		/* the digits and symbols it does not list ("K3strel", "K@pano") */
		if (digits && leet_letter(c) && leet_run_in_word(u, at, i, n) &&
		    !digit_run_is_number(u, at, i, n) && word_long_enough(u, at, i, n)) {
			UChar l = c == '|' ? one_letter(u, at, i, n) : leet_letter(c);

			o[w++] = in_case_before(l, u, at);
			continue;
		}
		while (at < i)
			o[w++] = u[at++];
	}
	*out = o;
	*outlen = w;
	return 0;
}

/* Where a lower-case letter is followed by an upper-case one that starts a
 * word of three letters or more, or a run of capitals to the end of the
 * word ("NamCông", "CaucasiaLLC"), after three lower-case letters or more:
 * a space, as the ASCII tokeniser does (names.c), before case folding
 * loses it. Into a new buffer *out. */
static int camel_split(const UChar *u, int32_t n, UChar **out, int32_t *outlen)
{
	UChar *o = malloc(((size_t)n * 2 + 1) * sizeof *o);
	int32_t i = 0, w = 0, lower = 0;

	if (!o)
		return NAMES_ENOMEM;
	while (i < n) {
		UChar32 c;
		int32_t at = i;

		U16_NEXT(u, i, n, c);
		if (u_isupper(c) && lower >= 3) {
			int32_t j = at, k = 0;
			int upper = 1;

			while (j < n) {
				UChar32 d;
				int32_t before = j;

				U16_NEXT(u, j, n, d);
				if (!u_isalpha(d) && !(U_GET_GC_MASK(d) & U_GC_M_MASK)) {
					j = before;
					break;
				}
				if (u_isalpha(d)) {
					upper &= u_isupper(d) != 0;
					k++;
				}
			}
			if (k >= 3 || (upper && k >= 2))
				o[w++] = ' ';
		}
		if (u_islower(c))
			lower++;
		else if (!(U_GET_GC_MASK(c) & U_GC_M_MASK))
			lower = 0;
		while (at < i)
			o[w++] = u[at++];
	}
	*out = o;
	*outlen = w;
	return 0;
}

int names__canonical(UTransliterator *tr, const char *in, size_t len, unsigned opts, char **out,
		     size_t *outlen, unsigned *suspicious)
{
	int ret = NAMES_ENOMEM;
	UErrorCode st = U_ZERO_ERROR;
	int32_t cap = (int32_t)len + 16, n = 0, m = 0, fl;
	UChar *u = malloc((size_t)cap * sizeof *u), *v = NULL, *mapped = NULL;
	char *utf8 = NULL;
	int32_t ulen = 0;

	*out = NULL;
	pthread_once(&canon_once, canon_init);
	if (!u)
		goto out;
	if (!nfkc) {
		ret = NAMES_EICU;
		goto out;
	}
	u_strFromUTF8WithSub(u, cap, &n, in, (int32_t)len, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto out;
	}
	/* the confusable form reads a name with bidi overrides as shown */
	if ((opts & NAMES_CANON_SKELETON) && (n = names__bidi_displayed(u, n)) < 0) {
		ret = n;
		goto out;
	}
	n = names__decode_char_refs(u, n);
	n = strip_invisible(u, n);
	n = names__map_letter_like(u, n);
	n = names__strip_symbols(u, n);
	if (opts & NAMES_CANON_SKELETON) {
		/* before NFKC too: it folds some look-alikes into letters that
		 * look like nothing Latin (Greek lunate sigma "ϲ" -> "σ"); digits
		 * only after it (full-width ones are digits then), and once, so a
		 * digit read as a letter never makes the next one touch a letter
		 * ("5000Jobs" was "sooojobs") */
		if ((ret = map_confusables(u, n, opts & NAMES_CANON_LICENCE, &mapped, &n)) < 0)
			goto out;
		free(u);
		u = mapped;
		mapped = NULL;
		ret = NAMES_ENOMEM;
	}
	/* NFKC expands at most 18-fold (U+FDFA); a second try gets the room */
	for (int attempt = 0; attempt < 2; attempt++) {
		int32_t vcap = attempt ? m + 1 : n * 3 + 16;

		free(v);
		v = malloc((size_t)vcap * sizeof *v);
		if (!v)
			goto out;
		st = U_ZERO_ERROR;
		m = unorm2_normalize(nfkc, u, n, v, vcap, &st);
		if (U_SUCCESS(st))
			break;
		if (st != U_BUFFER_OVERFLOW_ERROR || attempt) {
			ret = NAMES_EICU;
			goto out;
		}
	}
	if (suspicious && mixed_script(v, m))
		*suspicious |= NAMES_SUSPICIOUS_MIXED_SCRIPT;
	if ((ret = camel_split(v, m, &mapped, &m)) < 0)
		goto out;
	free(v);
	v = mapped;
	mapped = NULL;
	ret = NAMES_ENOMEM;
	/* decoration inside words, letters tripled (names_decor.c); before
	 * the confusable form reads digits and @ $ | by the word around them */
	m = names__strip_decor(v, m);
	m = names__squeeze_triples(v, m);
	if (opts & NAMES_CANON_SKELETON) {
		if ((ret = map_confusables(v, m, opts, &mapped, &m)) < 0)
			goto out;
		free(v);
		v = mapped;
		mapped = NULL;
		ret = NAMES_ENOMEM;
	}
	/* case folding keeps the length but for a few letters (ß -> ss) */
	free(u);
	u = malloc(((size_t)m * 3 + 16) * sizeof *u);
	if (!u)
		goto out;
	st = U_ZERO_ERROR;
	fl = u_strFoldCase(u, m * 3 + 16, v, m, U_FOLD_CASE_DEFAULT, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto out;
	}
	ulen = fl;
	utf8 = malloc((size_t)ulen * 3 + 1);
	if (!utf8)
		goto out;
	st = U_ZERO_ERROR;
	u_strToUTF8WithSub(utf8, ulen * 3 + 1, &n, u, ulen, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		ret = NAMES_EICU;
		goto out;
	}
	if (!tr) {
		*out = utf8;
		*outlen = (size_t)n;
		utf8 = NULL;
		ret = 0;
		goto out;
	}
	ret = names__transliterate(tr, utf8, (size_t)n, out, outlen);
out:
	free(u);
	free(v);
	free(mapped);
	free(utf8);
	return ret;
}

/* The UTF-8 twin of digit_in_word, for names__has_confusable: the digit
 * ends at byte i of in; prev is the code point before it (0: none). */
static int digit_among_letters(const char *in, int32_t i, int32_t n, UChar32 prev)
{
	UChar32 next = 0;
	int32_t j = i, k, letters = 0;
	char end[3] = "";

	if (prev > 0 && u_isalpha(prev))
		return 1;
	if (j < n)
		U8_NEXT(in, j, n, next);
	if (next <= 0 || !u_isalpha(next))
		return 0;
	for (k = i; k < n && isalpha((unsigned char)in[k]); k++)
		if (letters < 2)
			end[letters++] = (char)tolower((unsigned char)in[k]);
		else
			letters++;
	if (k < n && (unsigned char)in[k] >= 0x80)
		return 1; /* a non-ASCII letter follows: not an English ordinal */
	return !(letters == 2 && (!strcmp(end, "st") || !strcmp(end, "nd") ||
				  !strcmp(end, "rd") || !strcmp(end, "th")));
}

/* 1 when the symbol ending at byte i of in (prev before it) sits inside a
 * word: letters or digits on both sides, one of them a letter; or a dollar
 * sign touches a letter on one side (dollar_as_letter decides: this only
 * opens the confusable form). */
static int symbol_among_letters(const char *in, int32_t i, int32_t n, UChar32 prev, UChar32 c)
{
	UChar32 next = 0;

	if (i < n)
		U8_NEXT(in, i, n, next);
	if (c == '$' && ((prev > 0 && u_isalpha(prev)) || (next > 0 && u_isalpha(next))))
		return 1;
	if (prev <= 0 || !u_isalnum(prev) || next <= 0)
		return 0;
	return u_isalnum(next) && (u_isalpha(prev) || u_isalpha(next));
}

/* The UTF-8 twin of word_long_enough: the word around bytes [at, end). */
static int word_long_enough_utf8(const char *in, int32_t at, int32_t end, int32_t n)
{
	int letters = 0, units = 1;

	for (int32_t j = at; j > 0;) {
		UChar32 c;

		U8_PREV(in, 0, j, c);
		if (c < 0 || (!u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK) && !leet_mark((UChar)c)))
			break;
		letters += u_isalpha(c) != 0;
		units++;
	}
	for (int32_t j = end; j < n;) {
		UChar32 c;

		U8_NEXT(in, j, n, c);
		if (c < 0 || (!u_isalnum(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK) && !leet_mark((UChar)c)))
			break;
		letters += u_isalpha(c) != 0;
		units++;
	}
	return letters >= 3 || (units >= 4 && letters >= 2);
}

int names__has_digit_letters(const char *in, size_t len)
{
	UChar32 c, prev = 0;
	int32_t i = 0, n = (int32_t)len;

	pthread_once(&canon_once, canon_init);
	while (i < n) {
		U8_NEXT(in, i, n, c);
		if (c >= '0' && c <= '9' && digit_among_letters(in, i, n, prev) &&
		    (c <= '1' ? spoof != NULL
			      : leet_letter(c) && word_long_enough_utf8(in, i - 1, i, n)))
			return 1;
		if ((c < '0' || c > '9') && leet_letter(c) && symbol_among_letters(in, i, n, prev, c))
			return 1;
		prev = c;
	}
	return 0;
}

int names__has_confusable(const char *in, size_t len)
{
	UChar32 c, prev = 0;
	int32_t i = 0, n = (int32_t)len;

	pthread_once(&canon_once, canon_init);
	while (i < n) {
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode s;

		U8_NEXT(in, i, n, c);
		if (c == 0x202D || c == 0x202E)
			return 1; /* an override: the skeleton form reads it as shown */
		if (c >= '0' && c <= '9' && digit_among_letters(in, i, n, prev))
			return 1; /* "Lab0r": the skeleton form reads it as a letter */
		if ((c < '0' || c > '9') && leet_letter(c) && symbol_among_letters(in, i, n, prev, c))
			return 1; /* "K@pano" */
		if (c == 'l' || c == 'I') {
			char rest[NAMES_MAX_TOKEN_LEN + 1];
			size_t nr = 0;

			for (int32_t k = i; k < n && nr < NAMES_MAX_TOKEN_LEN && isalpha((unsigned char)in[k]);
			     k++)
				rest[nr++] = in[k];
			rest[nr] = '\0';
			if (names__eye_reading(prev, c, rest, nr))
				return 1; /* "lnternational", "WeIding" */
		}
		prev = c;
		if (c < 0x80)
			continue;
		s = uscript_getScript(c, &st);
		if (c > 0 && u_isalpha(c) && U_SUCCESS(st) && s != USCRIPT_LATIN &&
		    s != USCRIPT_COMMON && s != USCRIPT_INHERITED)
			return 1;
	}
	return 0;
}

int names_licence_key(const char *in, char *out, size_t outcap)
{
	size_t n = 0, len, olen = 0, start;
	const char *p;
	char *o = NULL;
	int ascii = 1, rc = 0;

	if (!out || !outcap)
		return NAMES_EINVAL;
	out[0] = '\0';
	if (!in)
		return 0;
	len = names__utf8_cut(in, strlen(in), NAMES_MAX_INPUT);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80)
			ascii = 0;
	p = in;
	if (!ascii) {
		UTransliterator *tr = names__trans_get();

		if (!tr)
			return NAMES_EICU;
		/* full-width digits (NFKC), Cyrillic look-alikes (skeleton) */
		rc = names__canonical(tr, in, len, NAMES_CANON_SKELETON | NAMES_CANON_LICENCE, &o,
				      &olen, NULL);
		if (rc < 0)
			return rc;
		p = o;
		len = olen;
	}
	/* The letters O and I are the digits 0 and 1 (UTS #39 lists 0 ~ O and
	 * 1 ~ I ~ l; Crockford's Base32 decodes identifiers typed by people
	 * so): "LS-KMS-OO42" is "LS-KMS-0042". Licence numbers are
	 * transcribed by hand; two licences that differ only there would be
	 * one reading away from each other anyway. A label before the number
	 * goes ("Licence No."), a remark in brackets after it ("(valid)"),
	 * and a digit run's leading zeros (names_licence.c). */
	start = names__licence_label_skip(p, len);
	len = names__licence_remark_cut(p, start, len);
	for (size_t i = start; i < len && n + 1 < outcap; i++)
		if (isalnum((unsigned char)p[i]) && !((unsigned char)p[i] & 0x80)) {
			char c = (char)toupper((unsigned char)p[i]);

			out[n++] = c == 'O' ? '0' : c == 'I' ? '1' : c;
		}
	out[n] = '\0';
	names__licence_fold_zeros(out);
	free(o);
	return 0;
}
