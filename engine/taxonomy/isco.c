/*
 * isco.c - an occupation as its ISCO-08 group (taxonomy_isco_group: the one
 * rule matching, quotas, search and the taxonomy share), and the ISCO-08
 * proximity of two occupations (taxonomy_occupation_proximity).
 */
#include "engine/taxonomy/internal.h"

#include <string.h>

int taxonomy_isco_group(const char *occupation, char code[5])
{
	const esco *t;
	const esco_occupation *o;

	code[0] = '\0';
	if (!occupation)
		return 0;
	if (!(t = taxonomy_esco()))
		return -1;
	if (esco_isco_valid(t, occupation)) { /* 1-4 digits, a group ISCO-08 has */
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
