/*
 * explain.c - the explanation of a score: matched and missing skills,
 * language gaps, the occupation relation and the breakdown of the score
 * into its parts, from the same facts re-ranking scored, so the
 * explanation says what the score counted.
 */
#include "engine/match/internal.h"

#include <string.h>

#include "engine/core/iso.h"

/* A concept's label in the explanation's language, English when ESCO has
 * none in it: taxonomy_label's rule, read from the concept in hand instead
 * of looking its URI up again (the explanations of a page label hundreds). */
static const char *label_in(const esco_labels *ls, const char *lang)
{
	int l = lang[0] ? esco_lang_from_code(lang) : ESCO_LANG_EN;

	if (l < 0)
		l = ESCO_LANG_EN;
	return ls[l].preferred ? ls[l].preferred : ls[ESCO_LANG_EN].preferred;
}

const char *match__skill_named(const struct match__person *pr, const struct match__fskill *k,
			       char text[MATCH_TEXT_MAX + 1], const char **uri)
{
	const esco *t = match_taxonomy();
	const esco_skill *s = t && k->idx ? esco_skill_at(t, k->idx - 1) : NULL;
	size_t n = k->len < MATCH_TEXT_MAX ? k->len : MATCH_TEXT_MAX;
	const char *label;

	if (s) {
		*uri = s->uri;
		/* in the language asked, English when ESCO has no label in it */
		label = label_in(s->labels, pr->label_lang);
		return label ? label : s->label;
	}
	memcpy(text, k->text, n);
	text[n] = '\0';
	*uri = match__is_uri(text) ? text : NULL;
	return match__skill_label(text);
}

/* A skill of the explanation: {"uri", "label"} plus "essential" when matched. */
static int explain_skill(json_t *list, const struct match__person *pr, const struct match__fskill *k,
			 int matched, int essential)
{
	char text[MATCH_TEXT_MAX + 1];
	const char *uri, *label = match__skill_named(pr, k, text, &uri);

	return json_array_append_new(list, matched ? json_pack("{s:s?, s:s, s:b}", "uri", uri, "label",
							      label, "essential", essential)
						   : json_pack("{s:s?, s:s}", "uri", uri, "label", label));
}

/* matched_skills, missing_essential, the language gaps and, with langs
 * (else NULL), every required language with whether it is met: from the
 * facts re-ranking scored, so the explanation says what the score counted. */
int match__explain_facts(const struct match__person *pr, const struct match__facts *f,
			 json_t **matched, json_t **missing, json_t **gaps, json_t **langs)
{
	size_t i;

	*matched = json_array();
	*missing = json_array();
	*gaps = json_array();
	if (langs)
		*langs = json_array();
	if (!*matched || !*missing || !*gaps || (langs && !*langs))
		return -1;
	for (i = 0; i < f->n_ess + f->n_opt; i++) {
		int essential = i < f->n_ess;
		const struct match__fskill *k = essential ? &f->ess[i] : &f->opt[i - f->n_ess];

		if (match__person_has_fskill(pr, k)) {
			if (explain_skill(*matched, pr, k, 1, essential))
				return -1;
		} else if (essential && explain_skill(*missing, pr, k, 0, 1)) {
			return -1;
		}
	}
	for (i = 0; i < f->n_lang; i++) {
		const char *code = f->lang[i].code, *need = iso_cefr_name(f->lang[i].rank), *have;
		int met;

		if (!need)
			continue;
		met = match__person_lang(pr, code, &have) >= f->lang[i].rank;
		if (!met && json_array_append_new(*gaps, json_pack("{s:s, s:s, s:s?}", "code", code,
								   "required", need, "have", have)))
			return -1;
		if (langs && json_array_append_new(*langs, json_pack("{s:s, s:s, s:s?, s:b}", "code",
								     code, "required", need, "have",
								     have, "met", met)))
			return -1;
	}
	return 0;
}

const char *const match__part_names[PART_N] = {"occupation",  "essential_skills", "optional_skills",
					       "skills_used", "experience",       "country",
					       "availability", "languages"};

const char *match__occ_name(enum match__occ m)
{
	return m == OCC_EXACT ? "exact" : m == OCC_RELATED ? "related" : "none";
}

const char *match__grade_name(enum match__grade g)
{
	static const char *const names[] = {"exact", "unit_group", "minor_group", "sub_major_group",
					    "major_group", "none"};

	return g <= GRADE_NONE ? names[g] : "none";
}

/* explanation.occupation_relation: which occupation gave the occupation
 * part, whether the counsellor stated it or the skills suggested it, and
 * how close the vacancy is to it. */
void match__relation_named(const struct match__person *pr, const struct match__scored *sc,
			   const char **uri, const char **isco, const char **label)
{
	const esco *t = match_taxonomy();
	const esco_occupation *o = NULL;

	*uri = *isco = *label = NULL;
	if (sc->inferred) {
		o = t ? esco_occupation_at(t, sc->inf_occ) : NULL;
	} else {
		*uri = pr->occ[sc->which].uri;
		*isco = pr->occ[sc->which].code[0] ? pr->occ[sc->which].code : NULL;
		if (t && pr->occ[sc->which].idx)
			o = esco_occupation_at(t, pr->occ[sc->which].idx - 1);
	}
	if (o) {
		*uri = o->uri;
		*isco = o->isco;
		*label = label_in(o->labels, pr->label_lang);
		if (!*label)
			*label = o->label;
	} else if (t && *isco) {
		const esco_isco_group *g = esco_isco_group_by_code(t, *isco);

		*label = g ? label_in(g->labels, pr->label_lang) : NULL;
		if (g && !*label)
			*label = g->label;
	}
}

json_t *match__relation(const struct match__person *pr, const struct match__scored *sc)
{
	const char *uri, *isco, *label;
	json_t *rel;

	if (sc->grade == GRADE_NONE)
		return json_pack("{s:s, s:n, s:n}", "grade", "none", "basis", "occupation");
	match__relation_named(pr, sc, &uri, &isco, &label);
	rel = json_pack("{s:s, s:s, s:{s:s?, s:s?, s:s?}}", "grade", match__grade_name(sc->grade),
			"basis", sc->inferred ? "inferred" : "stated", "occupation", "uri", uri, "isco",
			isco, "label", label);
	if (rel && sc->inferred &&
	    json_object_set_new(rel, "likelihood", json_real(match__round4(sc->inf_support)))) {
		json_decref(rel);
		rel = NULL;
	}
	return rel;
}

/* explanation.breakdown: each part's value and what it adds to the score,
 * with the tier's base; base plus the contributions is the score. */
json_t *match__breakdown(const struct match__person *pr, const struct match__facts *f,
			 const struct match__scored *sc)
{
	const char *const *names = match__part_names;
	json_t *b = json_object(), *part;
	size_t i;
	const char *tier = !sc->relevant ? "explore" : sc->met ? "relevant" : "language_gap";

	if (!b)
		return NULL;
	for (i = 0; i < PART_N; i++) {
		part = json_pack("{s:f, s:f}", "value", match__round4(sc->value[i]), "contribution",
				 sc->contrib[i]);
		if (!part || json_object_set_new(b, names[i], part))
			goto fail;
	}
	part = json_pack("{s:s, s:f}", "tier", tier, "contribution", sc->base);
	if (!part || json_object_set_new(b, "base", part))
		goto fail;
	/* What the country and experience parts looked at. */
	part = json_object_get(b, "country");
	if (json_object_set_new(part, "country", f->country[0] ? json_string(f->country) : json_null()) ||
	    json_object_set_new(part, "desired",
				json_boolean(json_array_size(pr->desired) && sc->value[PART_COUNTRY] > 0)))
		goto fail;
	part = json_object_get(b, "experience");
	if (json_object_set_new(part, "years", json_real(pr->years)))
		goto fail;
	return b;
fail:
	json_decref(b);
	return NULL;
}
