/*
 * names_licence.c - two steps of names_licence_key (names_canon.c) that
 * read a licence number as a person writes it:
 * - a label written before the number goes: "Licence No. LS-KMS-0042",
 *   "License #LS-KMS-0042", "Lic. Nr: ...", "Número de licencia ..."
 *   are "LS-KMS-0042". A label is a run of words at the start, each a word
 *   for a licence or permit ("licence", "license", "licencia", "permit",
 *   "registration", ...) or for "number" ("number", "numero", "no",
 *   "nr", ...), or "#", followed by text that holds a digit. The short
 *   words "no", "nr", "n" count only written as labels are (followed by
 *   '.', ':', '#' or after a licence word), so a country code "NO-RA-0457"
 *   stays;
 * - a remark in brackets after the number goes: "LS-KMS-0042 (valid)",
 *   "LS-KMS-0042 [expired?]" are "LS-KMS-0042" (round 13); a number
 *   written in brackets, "(LS-KMS-0042)", has no digit before them and
 *   stays;
 * - each run of digits loses its leading zeros: "LS-RA-0457", "LSRA457"
 *   and "LS RA 457" are one key; "LS-RA-4570" stays another (the digits
 *   keep their order and trailing zeros).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "engine/integrity/names_internal.h"

/* Words for a licence, permit or register entry (English, French,
 * Spanish, Portuguese: the product's languages), and for "number". */
static const char *const licence_words[] = {
	"licence",  "license", "licencia", "licenca", "licensed", "lic",	  "permit",
	"permis",   "permiso", "registration", "registro", "reg", "certificate", "cert"};
/* Connecting words inside a label ("Numéro de licence"), after a label word. */
static const char *const label_links[] = {"de", "of", "la", "du", "del"};
static const char *const number_words[] = {"number", "numero", "num", "nro", "no", "nr", "n"};

static int word_in(const char *w, size_t l, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == l && strncasecmp(w, list[i], l) == 0)
			return 1;
	return 0;
}

size_t names__licence_label_skip(const char *p, size_t len)
{
	size_t i = 0, start = 0;
	int licence_seen = 0, label_seen = 0;

	for (;;) {
		size_t w, l;

		while (i < len && !isalnum((unsigned char)p[i]) && p[i] != '#')
			i++;
		if (i < len && p[i] == '#') {
			start = ++i;
			continue;
		}
		for (w = i; i < len && isalpha((unsigned char)p[i]); i++)
			;
		l = i - w;
		if (!l || (i < len && isdigit((unsigned char)p[i])))
			break; /* the number itself starts here */
		if (word_in(p + w, l, licence_words, sizeof licence_words / sizeof *licence_words)) {
			licence_seen |= l > 3;
		} else if (word_in(p + w, l, number_words, sizeof number_words / sizeof *number_words)) {
			/* "no" is a country code unless written as a label */
			if (l <= 3 && !licence_seen &&
			    !(i < len && (p[i] == '.' || p[i] == ':' || p[i] == '#')))
				break;
		} else if (!label_seen ||
			   !word_in(p + w, l, label_links, sizeof label_links / sizeof *label_links)) {
			break;
		}
		/* a word of the number written with a hyphen ("NO-RA-0457") */
		if (i < len && p[i] == '-')
			break;
		label_seen = 1;
		start = i;
	}
	/* a label only when the number follows with a digit */
	for (size_t k = start; k < len; k++)
		if (isdigit((unsigned char)p[k]))
			return start;
	return 0;
}

size_t names__licence_remark_cut(const char *p, size_t start, size_t len)
{
	int digit = 0;

	for (size_t i = start; i < len; i++) {
		if ((p[i] == '(' || p[i] == '[' || p[i] == '{') && digit)
			return i;
		digit |= isdigit((unsigned char)p[i]) != 0;
	}
	return len;
}

void names__licence_fold_zeros(char *key)
{
	size_t o = 0;

	char prev = 0;

	for (size_t i = 0; key[i]; i++) {
		int run_start = isdigit((unsigned char)key[i]) && !isdigit((unsigned char)prev);

		if (run_start)
			while (key[i] == '0' && isdigit((unsigned char)key[i + 1]))
				i++;
		prev = key[i];
		key[o++] = key[i];
	}
	key[o] = '\0';
}
