/*
 * explain.c - the explanation of a score: matched and missing skills and
 * language gaps, from the same facts re-ranking scored, so the
 * explanation says what the score counted.
 */
#include "engine/match/internal.h"

#include <string.h>

#include "engine/core/iso.h"

/* A skill of the explanation: {"uri", "label"} plus "essential" when matched. */
static int explain_skill(json_t *list, const struct match__fskill *k, int matched, int essential)
{
	const esco *t = match_taxonomy();
	const esco_skill *s = t && k->idx ? esco_skill_at(t, k->idx - 1) : NULL;
	char text[256];
	const char *uri, *label;
	size_t n = k->len < sizeof text - 1 ? k->len : sizeof text - 1;

	if (s) {
		uri = s->uri;
		label = s->label;
	} else {
		memcpy(text, k->text, n);
		text[n] = '\0';
		uri = match__is_uri(text) ? text : NULL;
		label = match__skill_label(text);
	}
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
			if (explain_skill(*matched, k, 1, essential))
				return -1;
		} else if (essential && explain_skill(*missing, k, 0, 1)) {
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

const char *match__occ_name(enum match__occ m)
{
	return m == OCC_EXACT ? "exact" : m == OCC_RELATED ? "related" : "none";
}
