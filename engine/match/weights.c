/*
 * weights.c - how much matching one skill says: W's weight of its ESCO
 * reuse level (specific skills say more than transversal ones), 1 for free
 * text and skills ESCO does not know.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

/* The weight of an ESCO skill's reuse level (NULL: free text, 1). */
static double reuse_weight(const esco_skill *k)
{
	if (!k)
		return 1.0;
	switch (k->reuse) {
	case ESCO_REUSE_TRANSVERSAL:
		return W.transversal;
	case ESCO_REUSE_CROSS_SECTOR:
		return W.cross_sector;
	case ESCO_REUSE_OCCUPATION_SPECIFIC:
		return W.occupation_specific;
	default:
		return W.sector;
	}
}

/* A skill as written in a profile: a URI or free text. */
double match__skill_weight(const char *s)
{
	const esco *t = match_taxonomy();

	return reuse_weight(t && match__is_uri(s) ? esco_skill_by_uri(t, s) : NULL);
}

/* A skill of a vacancy's facts. */
double match__fskill_weight(const struct match__fskill *k)
{
	const esco *t = match_taxonomy();

	return reuse_weight(t && k->idx ? esco_skill_at(t, k->idx - 1) : NULL);
}
