/*
 * isco.c - the ISCO-08 proximity of two occupations given as ISCO codes or
 * ESCO occupation URIs (taxonomy_occupation_proximity).
 */
#include "engine/taxonomy/internal.h"

#include <string.h>

#define ESCO_PREFIX "http://data.europa.eu/esco/"

static const char *isco_of(const char *s)
{
	const esco_occupation *o;

	if (!s)
		return NULL;
	if (strncmp(s, ESCO_PREFIX, strlen(ESCO_PREFIX)) != 0)
		return s;
	o = taxonomy_esco() ? esco_occupation_by_uri(taxonomy_esco(), s) : NULL;
	return o ? o->isco : NULL;
}

tax_proximity taxonomy_occupation_proximity(const char *a, const char *b)
{
	const char *ia = isco_of(a), *ib = isco_of(b);

	if (!ia || !ib)
		return ESCO_ISCO_UNRELATED;
	return (tax_proximity)esco_isco_proximity(ia, ib);
}
