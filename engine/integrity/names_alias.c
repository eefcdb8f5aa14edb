/*
 * names_alias.c - the names a recruiter's name declares beside itself: "A
 * t/a B", "A d/b/a B", "A (formerly B)", "A, also known as B". Each part is a
 * name the firm uses or used, so the check compares each with the register
 * (integrity_check, integrity_snapshot_verdict_of): "Lesedi Holdings t/a
 * Kopano Manpower Services" is Kopano's vacancy, whatever Lesedi is. Before,
 * such a name was compared whole, and a blacklisted firm writing its name
 * after a new one's was a possible match at best.
 *
 * The markers are the legal conventions for trading, former and other names
 * in the languages of the register (English, French, Spanish, Portuguese):
 * t/a, d/b/a, a/k/a, f/k/a, n/k/a and their spelt-out forms. They are found
 * as whole words, case ignored, with spaces around a slash allowed ("T / A").
 *
 * Round 17: a name that declares the firm it belongs to or acts for ("A, a
 * subsidiary of B", "A, division of B", "A pour le compte de B", "A filial
 * de B") names B as much: a blacklisted firm behind a new name is still
 * that firm, and a part checked alone answers for it. So does a slash or a
 * bar with a space beside it, which writes two names of one firm ("Lesedi
 * Group / Kopano Manpower"); a slash inside a word stays a contraction
 * ("O/seas", "A/S").
 *
 * A part has a word of two letters or digits or more, and a name splits only
 * into two parts or more: "Alias Recruitment", "Formerly Yours" or "Division
 * of Labour Ltd" is one name.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "engine/integrity/names.h"

/* Longer phrases first where one starts another ("formerly known as"
 * before "formerly"). Spaces match any run of spaces; a slash may have
 * spaces around it. */
static const char *const markers[] = {
	/* English */
	"formerly known as", "previously known as", "also known as", "now known as",
	"doing business as", "trading under the name of", "trading under the name",
	"trading under", "trading as", "formerly", "previously", "t/a", "d/b/a", "dba",
	"d.b.a.", "d.b.a", "a/k/a", "aka", "a.k.a.", "a.k.a", "f/k/a", "fka", "f.k.a.", "f.k.a",
	"n/k/a", "nka", "alias",
	/* English: the firm it belongs to or acts for */
	"a wholly owned subsidiary of", "wholly owned subsidiary of", "a subsidiary of",
	"subsidiary of", "a division of", "division of", "a member of", "member of",
	"a branch of", "branch of", "an affiliate of", "affiliate of", "affiliated with",
	"a unit of", "part of", "in partnership with", "in association with", "on behalf of",
	"owned by", "operated by", "managed by", "powered by", "care of", "c/o",
	/* French */
	"faisant affaire sous le nom de", "exer\xc3\xa7" "ant sous le nom de",
	"exercant sous le nom de", "sous le nom de", "anciennement", "une filiale de",
	"filiale de", "une division de", "division de", "succursale de", "membre du groupe",
	"membre de", "pour le compte de", "au nom de", "en partenariat avec",
	/* Spanish and Portuguese */
	"tambi\xc3\xa9n conocida como", "tambi\xc3\xa9n conocido como", "tamb\xc3\xa9m conhecida como",
	"haciendo negocios como", "operando como", "conocida como", "conocido como",
	"conhecida como", "anteriormente", "una filial de", "filial de",
	"subsidi\xc3\xa1ria de", "divisi\xc3\xb3n de", "sucursal de", "miembro de",
	"en nombre de", "por cuenta de", "en asociaci\xc3\xb3n con",
};

/* starts[c][d]: some marker starts with the bytes c, d (a space for any
 * space, and a marker whose second byte is a slash may have a space
 * before it): most word starts are passed over without reading the table
 * (a match asks for the verdicts of 200 vacancies' recruiters) */
static uint32_t starts[256][8];
static pthread_once_t starts_once = PTHREAD_ONCE_INIT;

static void starts_set(unsigned char c, unsigned char d)
{
	starts[c][d >> 5] |= 1u << (d & 31);
}

static void starts_init(void)
{
	for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++) {
		unsigned char c = (unsigned char)markers[k][0], d = (unsigned char)markers[k][1];

		starts_set(c, d);
		if (d == '/')
			starts_set(c, ' ');
	}
}

static int may_start(const char *in, size_t len, size_t i)
{
	unsigned char c = (unsigned char)tolower((unsigned char)in[i]);
	unsigned char d = i + 1 < len ? (unsigned char)tolower((unsigned char)in[i + 1]) : 0;

	if (isspace(d))
		d = ' ';
	return (starts[c][d >> 5] >> (d & 31)) & 1u;
}

static int word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The length of marker mk matched at in[at..len) (whole words, ASCII case
 * ignored), 0 for none. */
static size_t match_marker(const char *in, size_t len, size_t at, const char *mk)
{
	size_t i = at;

	if (at > 0 && word_byte((unsigned char)in[at - 1]))
		return 0;
	for (const char *m = mk; *m; m++) {
		if (*m == ' ') {
			if (i >= len || !isspace((unsigned char)in[i]))
				return 0;
			while (i < len && isspace((unsigned char)in[i]))
				i++;
			continue;
		}
		if (*m == '/')
			while (i < len && isspace((unsigned char)in[i]))
				i++;
		if (i >= len || tolower((unsigned char)in[i]) != (unsigned char)*m)
			return 0;
		i++;
		if (*m == '/')
			while (i < len && isspace((unsigned char)in[i]))
				i++;
	}
	/* a marker that ends in a full stop ends a word itself */
	if (mk[strlen(mk) - 1] != '.' && i < len && word_byte((unsigned char)in[i]))
		return 0;
	return i - at;
}

/* Trims in[*b..*e) of spaces and the punctuation that joins a part to its
 * marker ("Lesedi (formerly X)": "Lesedi" and "X"); 1 when a word of two
 * letters or digits or more is left ("Maersk A / S" is one name). */
static int trim_part(const char *in, size_t *b, size_t *e)
{
	size_t run = 0;

	while (*b < *e && (isspace((unsigned char)in[*b]) || strchr(",;:-()[]", in[*b])))
		(*b)++;
	while (*e > *b && (isspace((unsigned char)in[*e - 1]) || strchr(",;:-()[]", in[*e - 1])))
		(*e)--;
	for (size_t i = *b; i < *e; i++) {
		run = word_byte((unsigned char)in[i]) ? run + 1 : 0;
		if (run >= 2)
			return 1;
	}
	return 0;
}

/* The length of a separator of two names at in[at]: a slash with a space
 * on one side or both, or a bar with spaces on both, and the spaces around
 * it; 0 for none. */
static size_t match_separator(const char *in, size_t len, size_t at)
{
	size_t b = at, e = at + 1;

	if (in[at] != '/' && in[at] != '|')
		return 0;
	while (b > 0 && isspace((unsigned char)in[b - 1]))
		b--;
	while (e < len && isspace((unsigned char)in[e]))
		e++;
	if (b == at && e == at + 1)
		return 0; /* inside a word: a contraction, "O/seas" */
	if (in[at] == '|' && (b == at || e == at + 1))
		return 0; /* a bar against a word may be an l ("Kestre| Overseas") */
	return e - at;
}

int names_alias_parts(const char *in, size_t len, struct names_part *parts, int max)
{
	size_t start = 0, i = 0;
	int n = 0, split = 0;

	if (!in || !parts || max <= 0)
		return 0;
	pthread_once(&starts_once, starts_init);
	if (len > NAMES_MAX_INPUT)
		len = NAMES_MAX_INPUT;
	while (i < len) {
		size_t ml = 0;
		const unsigned char c = (unsigned char)tolower((unsigned char)in[i]);

		/* a marker starts a word */
		if ((i == 0 || !word_byte((unsigned char)in[i - 1])) && may_start(in, len, i))
			for (size_t k = 0; k < sizeof markers / sizeof markers[0] && !ml; k++)
				if ((unsigned char)markers[k][0] == c)
					ml = match_marker(in, len, i, markers[k]);
		if (!ml)
			ml = match_separator(in, len, i);
		if (!ml) {
			i++;
			continue;
		}
		split = 1;
		{
			size_t b = start, e = i;

			if (trim_part(in, &b, &e) && n < max)
				parts[n++] = (struct names_part){b, e - b};
		}
		i += ml;
		start = i;
	}
	if (!split)
		return 0;
	{
		size_t b = start, e = len;

		if (trim_part(in, &b, &e) && n < max)
			parts[n++] = (struct names_part){b, e - b};
	}
	return n >= 2 ? n : 0; /* a declaration names two names */
}
