/*
 * score.c - the scoring function: the one place where "how good is this
 * vacancy for this person" is decided, from the person and the vacancy's
 * facts with the weights of weights.h. Both directions (profile ->
 * vacancies and vacancy -> candidate cards) use it.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

#include <math.h>
#include <string.h>

/* Occupation proximity of the vacancy to the best of the person's stated occupations. */
static double occupation_score(const struct match__person *pr, const struct match__facts *f,
			       enum match__occ *kind)
{
	double best = 0;
	size_t i;

	*kind = OCC_NONE;
	for (i = 0; i < pr->n_occ; i++) {
		double sc = 0;
		enum match__occ k = OCC_NONE;
		int prox = f->isco[0] && pr->occ[i].code[0] ? esco_isco_proximity(f->isco, pr->occ[i].code) : 0;
		if (pr->occ[i].idx && pr->occ[i].idx == f->occ) {
			sc = W.occ_exact;
			k = OCC_EXACT;
		} else if (prox == ESCO_ISCO_UNIT) {
			/* Two different ESCO occupations of one unit group are
			 * related; a bare ISCO code on either side is the group. */
			int both_uri = pr->occ[i].uri && f->occ;

			sc = both_uri ? W.occ_unit : W.occ_exact;
			k = both_uri ? OCC_RELATED : OCC_EXACT;
		} else if (prox == ESCO_ISCO_MINOR) {
			sc = W.occ_minor;
			k = OCC_RELATED;
		} else if (prox == ESCO_ISCO_SUB_MAJOR) {
			sc = W.occ_sub_major;
			k = OCC_RELATED;
		}
		if (sc > best) {
			best = sc;
			*kind = k;
		}
	}
	return best;
}

/* The vacancy against the occupations inferred from the person's skills:
 * *exact for its being one of them (by URI, or by its skills when it gives
 * only the ISCO code: the posterior its skills give), *unit for its being in one's unit group, each times
 * that occupation's likelihood. */
static void inferred_score(const struct match__person *pr, const struct match__facts *f,
			   double *exact, double *unit)
{
	const esco *t = match_taxonomy();
	size_t i;

	*exact = *unit = 0;
	for (i = 0; t && i < pr->n_inf; i++) {
		const esco_occupation *o = esco_occupation_at(t, pr->inf[i].occ);
		double m = 0, u = 0;

		if (f->occ) {
			m = f->occ == pr->inf[i].occ + 1;
			u = strcmp(f->isco, o->isco) == 0;
		} else if (f->isco[0] && strcmp(f->isco, o->isco) == 0) {
			size_t j;

			u = 1;
			for (j = 0; j < f->n_vinf; j++)
				if (f->vinf[j].occ == pr->inf[i].occ)
					m = INF.inferred * f->vinf[j].q;
		}
		if (m * pr->inf[i].rel > *exact)
			*exact = m * pr->inf[i].rel;
		if (u * pr->inf[i].rel > *unit)
			*unit = u * pr->inf[i].rel;
	}
}

static int in_array(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		if (s && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

/* The full score of one vacancy for one person. */
void match__score_facts(const struct match__person *pr, const struct match__facts *f,
			double retrieval, struct match__scored *out)
{
	size_t i;
	double we = 0, wo = 0, he = 0, ho = 0, cov_e, cov_o, use, occ, inf_exact, inf_unit, raw;

	for (i = 0; i < f->n_ess; i++) {
		double k = match__fskill_weight(&f->ess[i]);

		we += k;
		if (match__person_has_fskill(pr, &f->ess[i]))
			he += k;
	}
	for (i = 0; i < f->n_opt; i++) {
		double k = match__fskill_weight(&f->opt[i]);

		wo += k;
		if (match__person_has_fskill(pr, &f->opt[i]))
			ho += k;
	}
	cov_e = we > 0 ? he / we : W.no_essential;
	cov_o = wo > 0 ? ho / wo : 0;
	use = pr->skill_weight > 0 ? (he + ho) / pr->skill_weight : 0;
	if (use > 1)
		use = 1;
	occ = occupation_score(pr, f, &out->occ);
	inferred_score(pr, f, &inf_exact, &inf_unit);
	raw = W.essential * cov_e + W.use * use + W.retrieval * retrieval + W.optional * cov_o +
	      W.occupation * occ + W.experience * (pr->years > 10 ? 1.0 : pr->years / 10.0) * occ +
	      W.country * (f->country[0] && in_array(pr->desired, f->country)) +
	      W.inferred * inf_exact + W.inferred_unit * inf_unit;
	out->met = 1;
	for (i = 0; i < f->n_lang; i++) {
		char code[3] = {f->lang[i].code[0], f->lang[i].code[1], '\0'};

		if (match__person_lang(pr, code, NULL) < f->lang[i].rank)
			out->met = 0;
	}
	out->raw = raw;
	/* The tier is part of the score itself, so "ordered by score" and "a
	 * language gap ranks below every met vacancy" are one rule. */
	out->score = out->met ? W.met_floor + (1 - W.met_floor) * raw : W.gap_ceiling * raw;
	out->id = f->id;
}

int match__by_score(const void *a, const void *b)
{
	const struct match__scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

double match__round4(double x)
{
	return round(x * 10000.0) / 10000.0;
}
