/*
 * places.c - a name without the place appended to it: "Kestrel Overseas
 * Manpower (Lesotho)", "Kestrel Maseru" are the registered firm's name plus
 * a branch or a country. integ__without_place gives the name with a trailing
 * parenthesised qualifier cut and the words of a country name or capital
 * (ISO 3166 names in English, French, Spanish; data/iso/places.py) removed,
 * so the check can compare the rest (name_lookup.c). And the other side:
 * integ__evidence_contradicts, whether a recruiter's licence or country
 * says it is another firm than the registered one its name resembles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "engine/integrity/internal.h"
#include "engine/integrity/names.h"
#include "engine/integrity/places_table.h"

#define PLACE_MAX_WORDS 4

static int place_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int integ__is_place(const char *words)
{
	return bsearch(words, integ__places, sizeof integ__places / sizeof integ__places[0],
		       sizeof integ__places[0], place_cmp) != NULL;
}

/* The length of the raw name without a trailing "( ... )" part, or len. */
static size_t cut_trailing_paren(const char *name, size_t len)
{
	size_t end = len, open;

	while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '\t'))
		end--;
	if (end == 0 || name[end - 1] != ')')
		return len;
	open = end - 1;
	while (open > 0 && name[open - 1] != '(')
		open--;
	if (open == 0)
		return len;
	open--; /* at '(' */
	while (open > 0 && name[open - 1] == ' ')
		open--;
	return open > 0 ? open : len;
}

int integ__without_place(const char *name, const char *known, char *out, size_t cap)
{
	char norm[NAMES_NORM_CAP], probe[NAMES_NORM_CAP];
	const char *w[NAMES_MAX_TOKENS];
	size_t wl[NAMES_MAX_TOKENS], len, o = 0;
	int nw = 0, removed = 0, kept = 0;

	if (!name || cap == 0)
		return 0;
	out[0] = '\0';
	len = strlen(name);
	len = cut_trailing_paren(name, len);
	removed = len != strlen(name);
	if (!removed && known)
		snprintf(norm, sizeof norm, "%s", known);
	else if (names_normalise(name, len, norm, sizeof norm))
		return 0;
	if (!norm[0])
		return 0;
	nw = names_split_words(norm, w, wl, NAMES_MAX_TOKENS);
	for (int i = 0; i < nw;) {
		int take = 0;

		/* the longest place starting here, a word after a kept one only:
		 * a name that is nothing but a place ("Lesotho Manpower") keeps it */
		for (int k = PLACE_MAX_WORDS; kept && k >= 1 && !take; k--) {
			size_t n;

			if (i + k > nw)
				continue;
			n = (size_t)(w[i + k - 1] + wl[i + k - 1] - w[i]);
			if (n >= sizeof probe)
				continue;
			memcpy(probe, w[i], n);
			probe[n] = '\0';
			if (integ__is_place(probe))
				take = k;
		}
		if (take) {
			removed = 1;
			i += take;
			continue;
		}
		if (o + wl[i] + 2 > cap)
			return 0;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, w[i], wl[i]);
		o += wl[i];
		out[o] = '\0';
		kept++;
		i++;
	}
	return removed && kept > 0;
}

int integ__evidence_contradicts(int exact_name, const char *ln, const char *country,
				const char *reg_ln, const char *reg_country)
{
	/* the registered name itself stays that firm's whatever else it says:
	 * a firm abroad, or one writing a made-up licence */
	if (exact_name)
		return 0;
	if (ln && ln[0] && reg_ln && reg_ln[0] && strcmp(ln, reg_ln) != 0)
		return 1;
	return country && country[0] && reg_country && reg_country[0] &&
	       strcasecmp(country, reg_country) != 0;
}

int integ__norm_distinctive(const char *norm)
{
	return norm && strchr(norm, ' ') != NULL;
}
