/*
 * score.c - the scoring function: the one place where "how good is this
 * vacancy for this person" is decided, from the person and the vacancy's
 * facts with the weights of weights.h. Both directions (profile ->
 * vacancies and vacancy -> candidate cards) use it. docs/matching.md
 * ("Scoring") describes the model with a worked example.
 *
 * The score is a sum of parts, each a value in [0, 1] times its weight,
 * mapped into its tier (relevant with languages met, relevant with a gap,
 * not relevant); the breakdown answers each part's contribution and the
 * tier's base, and they add up to the score exactly.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

#include <math.h>
#include <string.h>

/* The occupation part's value of a grade. */
static double grade_value(enum match__grade g)
{
	switch (g) {
	case GRADE_EXACT:
		return W.exact;
	case GRADE_UNIT:
		return W.unit;
	case GRADE_MINOR:
		return W.minor;
	case GRADE_SUB_MAJOR:
		return W.sub_major;
	case GRADE_MAJOR:
		return W.major;
	default:
		return 0;
	}
}

/* The grade of two ISCO-08 groups (1-4 digits each) by the digits they share. */
static enum match__grade isco_grade(const char *a, const char *b)
{
	switch (a[0] && b[0] ? esco_isco_proximity(a, b) : 0) {
	case ESCO_ISCO_UNIT:
		return GRADE_UNIT;
	case ESCO_ISCO_MINOR:
		return GRADE_MINOR;
	case ESCO_ISCO_SUB_MAJOR:
		return GRADE_SUB_MAJOR;
	case ESCO_ISCO_MAJOR:
		return GRADE_MAJOR;
	default:
		return GRADE_NONE;
	}
}

/* A stated occupation against the vacancy: "exact" only for the same ESCO
 * occupation; otherwise graded by the ISCO-08 digits the two share. The
 * same unit group given as a bare code on both sides is "unit_group": a
 * code says no more than the group (a brazier's ad and a welder's both
 * say 7212), so calling it exact would claim what nobody said, and rank
 * an "exact" below a "unit_group" the person's skills support. A
 * group of 1-3 digits holding the vacancy is graded by its own level. */
static enum match__grade stated_grade(const struct match__person *pr, size_t i,
				      const struct match__facts *f)
{
	if (pr->occ[i].idx && pr->occ[i].idx == f->occ)
		return GRADE_EXACT;
	return isco_grade(pr->occ[i].code, f->isco);
}

/* A vacancy giving only the unit group of a stated ESCO occupation: how
 * likely its own skills make it that occupation (its posterior, facts.c
 * vacancy_infer) lifts the unit group's value toward an exact one, as the
 * same posterior lifts an inferred relation (occupation_value): of the
 * ads of 3115 coded by the code alone, the one that asks for the HVACR
 * technician's skills is the HVACR technician's. The grade stays the unit
 * group's: the vacancy did not say the occupation. */
static double stated_lift(const struct match__person *pr, size_t i, const struct match__facts *f,
			  enum match__grade g)
{
	size_t k;

	if (g != GRADE_UNIT || f->occ || !pr->occ[i].idx)
		return 0;
	for (k = 0; k < f->n_vinf; k++)
		if (f->vinf[k].occ + 1 == pr->occ[i].idx)
			return (W.exact - W.unit) * INF.inferred * f->vinf[k].q;
	return 0;
}

/* Whether inferred occupation o lies inside a stated ISCO-08 group (the
 * skills then say which occupation of the stated group the person
 * practises: they refine it, and count in full). */
static int refines_stated(const struct match__person *pr, const esco_occupation *o)
{
	size_t i;

	for (i = 0; i < pr->n_occ; i++) {
		size_t n = strlen(pr->occ[i].code);

		if (!pr->occ[i].uri && n && strncmp(pr->occ[i].code, o->isco, n) == 0)
			return 1;
	}
	return 0;
}

/* An inferred relation of grade g and value v to occupation o, supported
 * `sup` by the person's skills: kept in out when it beats *best. */
static void inferred_candidate(const struct match__person *pr, uint32_t o, double sup,
			       enum match__grade g, double v, double *best, struct match__scored *out)
{
	v *= sup;
	if (pr->n_occ && !refines_stated(pr, esco_occupation_at(match_taxonomy(), o)))
		v *= W.inferred_outside;
	if (v > *best + 1e-12) {
		*best = v;
		out->grade = g;
		out->inferred = 1;
		out->inf_occ = o;
		out->inf_support = sup;
	}
}

/* The occupation part: the best of the stated relations and of the
 * inferred ones (each times its likelihood; one outside the stated groups
 * times W.inferred_outside). Fills the relation's grade, basis and which. */
static double occupation_value(const struct match__person *pr, const struct match__facts *f,
			       struct match__scored *out)
{
	const esco *t = match_taxonomy();
	double best = 0;
	size_t i;

	out->grade = GRADE_NONE;
	out->inferred = 0;
	out->which = 0;
	out->inf_occ = 0;
	out->inf_support = 0;
	for (i = 0; i < pr->n_occ; i++) {
		enum match__grade g = stated_grade(pr, i, f);
		double v = grade_value(g) + stated_lift(pr, i, f, g);

		if (v > best) {
			best = v;
			out->grade = g;
			out->which = i;
		}
	}
	out->stated_value = best;
	if (t && pr->support) {
		/* The inferred relation: the support of the vacancy's own
		 * occupation (exact), else the best support among the
		 * occupations of each of its ISCO-08 groups, times the
		 * group's value. */
		static const enum match__grade by_len[5] = {GRADE_NONE, GRADE_MAJOR, GRADE_SUB_MAJOR,
							    GRADE_MINOR, GRADE_UNIT};
		char code[5];
		size_t len = strlen(f->isco), d;

		if (f->occ && pr->support[f->occ - 1] > 0)
			inferred_candidate(pr, f->occ - 1, pr->support[f->occ - 1], GRADE_EXACT,
					   grade_value(GRADE_EXACT), &best, out);
		for (d = len < 4 ? len : 4; d > 0; d--) {
			const struct match__grp *g;
			double v;

			memcpy(code, f->isco, d);
			code[d] = '\0';
			if (!(g = match__group_support(pr, code)))
				continue;
			v = grade_value(by_len[d]);
			if (d == 4 && !f->occ) {
				/* A vacancy giving only its unit group: how likely its
				 * skills make it one of the supported occupations
				 * lifts the group's value. */
				for (i = 0; i < f->n_vinf; i++)
					if (pr->support[f->vinf[i].occ] > 0)
						inferred_candidate(pr, f->vinf[i].occ, pr->support[f->vinf[i].occ],
								   GRADE_UNIT,
								   v + (W.exact - W.unit) * INF.inferred * f->vinf[i].q,
								   &best, out);
			}
			inferred_candidate(pr, g->occ, g->v, by_len[d], v, &best, out);
		}
	}
	out->occ = out->grade == GRADE_EXACT ? OCC_EXACT
		   : out->grade <= GRADE_SUB_MAJOR ? OCC_RELATED
						   : OCC_NONE;
	return best;
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

/* Weighted coverage of a skill list; *hit_any set when one is matched,
 * *held gets the weight of those matched, *n_hit counts them. */
static double coverage(const struct match__person *pr, const struct match__fskill *k, size_t n,
		       double none, int *hit_any, double *held, int *n_hit)
{
	double w = 0, h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double x = match__fskill_weight(&k[i]);

		w += x;
		if (match__person_has_fskill(pr, &k[i])) {
			h += x;
			*hit_any = 1;
			(*n_hit)++;
		}
	}
	*held = h;
	return w > 0 ? h / w : none;
}

/* The full score of one vacancy for one person. */
void match__score_facts(const struct match__person *pr, const struct match__facts *f,
			double retrieval, struct match__scored *out)
{
	static const double *const weight[PART_N] = {&W.occupation, &W.essential, &W.optional,
						      &W.used, &W.experience, &W.country, &W.availability,
						      &W.languages};
	double *v = out->value, lang = 0, scale, sum, held_e, held_o;
	int ess_hit = 0, opt_hit = 0, n_hit = 0;
	size_t i;

	(void)retrieval; /* the retrieval weight ranks candidates, never scores them */
	v[PART_OCCUPATION] = occupation_value(pr, f, out);
	v[PART_ESSENTIAL] = coverage(pr, f->ess, f->n_ess, W.no_essential, &ess_hit, &held_e, &n_hit);
	v[PART_OPTIONAL] = coverage(pr, f->opt, f->n_opt, 0, &opt_hit, &held_o, &n_hit);
	/* A short list is easily covered: how much of what the person can
	 * do the vacancy asks for tells a close fit from a partial one. */
	v[PART_USED] = pr->skill_weight > 0 ? (held_e + held_o) / pr->skill_weight : 0;
	if (v[PART_USED] > 1)
		v[PART_USED] = 1;
	v[PART_EXPERIENCE] = (pr->years > W.exp_full ? 1.0 : pr->years / W.exp_full) *
			     v[PART_OCCUPATION];
	v[PART_COUNTRY] = json_array_size(pr->desired) == 0 ||
			  (f->country[0] && in_array(pr->desired, f->country));
	v[PART_AVAILABILITY] = !pr->available[0] || !f->valid_until[0] ||
			       strcmp(pr->available, f->valid_until) <= 0;
	out->met = 1;
	for (i = 0; i < f->n_lang; i++) {
		char code[3] = {f->lang[i].code[0], f->lang[i].code[1], '\0'};
		int have = match__person_lang(pr, code, NULL);

		if (have < f->lang[i].rank)
			out->met = 0;
		lang += f->lang[i].rank > 0 && have < f->lang[i].rank ? (double)have / f->lang[i].rank : 1;
	}
	v[PART_LANGUAGES] = f->n_lang ? lang / (double)f->n_lang : 1;
	/* The floor: a stated occupation relation (the unit group or closer;
	 * a wider stated group only when the vacancy asks for a skill of the
	 * person's, or one of the two lists no skill to tell by: a walk-in who
	 * gives only "teacher", a group of 2 digits, is matched by the group
	 * alone), an inferred one well supported, or essential skills the
	 * person has (any skills, for a vacancy that lists no essential one)
	 * in a vacancy that asks for a good share of what the person can do:
	 * at least W.relevant_shared of them, since one skill shared with an
	 * unrelated occupation says little (a walk-in's two skills). */
	out->relevant = out->stated_value >= W.unit - 1e-12 ||
			(out->stated_value >= W.relevant_stated - 1e-12 &&
			 (n_hit > 0 || f->n_ess + f->n_opt == 0 || json_object_size(pr->skills) == 0)) ||
			v[PART_OCCUPATION] >= W.relevant_occupation - 1e-12 ||
			((ess_hit || (f->n_ess == 0 && opt_hit)) && n_hit >= W.relevant_shared &&
			 v[PART_USED] >= W.relevant_used - 1e-12);
	out->raw = 0;
	for (i = 0; i < PART_N; i++)
		out->raw += *weight[i] * v[i];
	/* The tier is part of the score itself, so "ordered by score" and "a
	 * language gap ranks below every relevant vacancy whose languages are
	 * met" are one rule. */
	if (!out->relevant) {
		out->base = 0;
		scale = W.explore_span;
	} else if (out->met) {
		out->base = W.met_base;
		scale = 1 - W.met_base;
	} else {
		out->base = W.gap_base;
		scale = W.gap_span;
	}
	sum = out->base;
	for (i = 0; i < PART_N; i++) {
		out->contrib[i] = match__round4(*weight[i] * v[i] * scale);
		sum += out->contrib[i];
	}
	out->score = match__round4(sum);
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
