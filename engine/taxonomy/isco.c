/*
 * isco.c - an occupation as its ISCO-08 group (taxonomy_isco_group: the one
 * rule matching, quotas, search and the taxonomy share), and the ISCO-08
 * proximity of two occupations (taxonomy_occupation_proximity).
 */
#include "engine/taxonomy/internal.h"

#include <string.h>

#define ISCO_URI_PATH "://data.europa.eu/esco/isco/C"

const char *tax__isco_id(const char *s)
{
	const char *d = s;
	size_t n;

	if (!s)
		return NULL;
	if (strncmp(s, "http", 4) == 0) {
		d = s + 4 + (s[4] == 's');
		if (strncmp(d, ISCO_URI_PATH, strlen(ISCO_URI_PATH)) != 0)
			return NULL;
		d += strlen(ISCO_URI_PATH);
	} else if (s[0] == 'C') {
		d = s + 1; /* the URI's last segment */
	}
	n = strspn(d, "0123456789");
	return n >= 1 && n <= 4 && d[n] == '\0' ? d : NULL;
}

int taxonomy_isco_group(const char *occupation, char code[5])
{
	const esco *t;
	const esco_occupation *o;
	const char *id;

	code[0] = '\0';
	if (!occupation)
		return 0;
	if (!(t = taxonomy_esco()))
		return -1;
	/* 1-4 digits, a group ISCO-08 has, or that group's ESCO URI (which
	 * the taxonomy lookups answer) */
	if (strncmp(occupation, "http", 4) == 0 && (id = tax__isco_id(occupation)) != NULL) {
		if (!esco_isco_valid(t, id))
			return 0;
		memcpy(code, id, strlen(id) + 1);
		return (int)strlen(code);
	}
	if (esco_isco_valid(t, occupation)) {
		memcpy(code, occupation, strlen(occupation) + 1);
		return (int)strlen(code);
	}
	if (strncmp(occupation, TAX_ESCO_OCCUPATION, strlen(TAX_ESCO_OCCUPATION)) != 0 ||
	    !(o = esco_occupation_by_uri(t, occupation)))
		return 0;
	memcpy(code, o->isco, sizeof o->isco);
	return (int)strlen(code);
}

tax_proximity taxonomy_occupation_proximity(const char *a, const char *b)
{
	char ia[5], ib[5];

	if (taxonomy_isco_group(a, ia) <= 0 || taxonomy_isco_group(b, ib) <= 0)
		return ESCO_ISCO_UNRELATED;
	return (tax_proximity)esco_isco_proximity(ia, ib);
}
