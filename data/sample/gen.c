/*
 * gen.c - the generator: its creation (two draw streams, the occupations
 * by ISCO major group, the recruiter pool) and the choice of an occupation.
 *
 * The generator draws from two xoshiro256** streams (one for vacancies, one
 * for profiles) derived from the seed with splitmix64. An occupation is
 * chosen by first drawing an ISCO-08 major group with weights that follow
 * labour migration (services, crafts, plant operators and elementary work
 * dominate; managers are rare), then an occupation of that group uniformly.
 * Skills come from the occupation's own essential/optional lists. Countries,
 * cities, currencies, salary bands, language mixes and recruitment corridors
 * are small static tables (tables.c, profile.c, recruiters.c); salary bands
 * are monthly, in major units of the local currency, for mid-skilled work,
 * and are scaled by ISCO major group (vacancy.c). All arithmetic is on
 * integers, so output is identical everywhere.
 */
#include "data/sample/internal.h"

#include <stdlib.h>

/* ISCO major groups 0..9: share of vacancies */
static const unsigned MAJOR_W[10] = {0, 3, 12, 10, 6, 18, 6, 18, 14, 13};

const esco_occupation *sample__pick_occupation(sample_gen *g, rng *r)
{
	unsigned w[10];
	size_t i, m;

	for (i = 0; i < 10; i++)
		w[i] = g->n_major[i] ? MAJOR_W[i] : 0;
	m = sample__weighted(r, w, 10);
	return g->by_major[m][sample__below(r, (uint32_t)g->n_major[m])];
}

const char *sample__any_label(rng *r, const esco_labels *lb, unsigned alt_percent)
{
	if (lb->n_alt && sample__chance(r, alt_percent))
		return lb->alt[sample__below(r, (uint32_t)lb->n_alt)];
	return lb->preferred;
}

int sample_gen_new(const esco *tax, uint64_t seed, sample_gen **out)
{
	sample_gen *g;
	size_t m, usable = 0;

	*out = NULL;
	g = calloc(1, sizeof *g);
	if (!g)
		return SAMPLE_ERR_NOMEM;
	g->tax = tax;
	sample__rng_seed(&g->vac, seed, 1);
	sample__rng_seed(&g->prof, seed, 2);
	for (m = 0; m < 10; m++) {
		char d[2] = {(char)('0' + m), 0};
		g->n_major[m] = esco_occupations_by_isco(tax, d, &g->by_major[m]);
		if (MAJOR_W[m])
			usable += g->n_major[m];
	}
	if (!usable) {
		free(g);
		return SAMPLE_ERR_DATA;
	}
	sample__build_recruiters(g, seed);
	g->day0 = sample__days_from_civil(2027, 1, 1);
	*out = g;
	return 0;
}

void sample_gen_free(sample_gen *g)
{
	free(g);
}
