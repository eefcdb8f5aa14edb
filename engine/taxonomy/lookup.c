/*
 * lookup.c - concepts by identifier, in the language asked: the label of a
 * URI or ISCO-08 code (taxonomy_label), a whole concept with its labels,
 * hierarchy and skills (taxonomy_lookup, GET /v1/taxonomy/{kind}/{id}), and
 * the labels of the concepts a vacancy or profile holds (taxonomy_label_doc).
 * Everything reads the loaded ESCO only (no label index), so it costs
 * microseconds and never fails once ESCO is loaded.
 */
#include "engine/taxonomy/internal.h"

#include <stdio.h>
#include <string.h>

#define SKILL_PREFIX "http://data.europa.eu/esco/skill/"
#define LOOKUP_NARROWER_MAX 200 /* an ISCO group lists at most this many children */

static int lang_of(const char *lang)
{
	int l = lang ? esco_lang_from_code(lang) : -1;

	return l < 0 ? ESCO_LANG_EN : l;
}

static int all_digits(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static const char *labels_pref(const esco_labels *ls, int l)
{
	return ls[l].preferred ? ls[l].preferred : ls[ESCO_LANG_EN].preferred;
}

const char *taxonomy_label(const char *id, const char *lang)
{
	const esco *t = taxonomy_esco();
	int l = lang_of(lang);
	const esco_occupation *o;
	const esco_skill *s;
	const esco_isco_group *g;

	if (!t || !id)
		return NULL;
	if (strncmp(id, "http", 4) == 0 && tax__isco_id(id))
		id = tax__isco_id(id); /* an ISCO-08 group's URI */
	if (all_digits(id, 4))
		return (g = esco_isco_group_by_code(t, id)) ? labels_pref(g->labels, l) : NULL;
	if ((o = esco_occupation_by_uri(t, id)) != NULL)
		return labels_pref(o->labels, l);
	if ((s = esco_skill_by_uri(t, id)) != NULL)
		return labels_pref(s->labels, l);
	return NULL;
}

/* {"uri","label"} of an occupation or skill, {"isco","label"} of a group. */
static json_t *occ_ref(const esco_occupation *o, int l)
{
	return json_pack("{s:s, s:s, s:s}", "uri", o->uri, "label", labels_pref(o->labels, l),
			 "isco", o->isco);
}

static json_t *skill_ref(const esco_skill *s, int l)
{
	return json_pack("{s:s, s:s}", "uri", s->uri, "label", labels_pref(s->labels, l));
}

static json_t *group_ref(const esco_isco_group *g, int l)
{
	return json_pack("{s:s, s:s}", "isco", g->code, "label", labels_pref(g->labels, l));
}

/* The labels of one language: its alternative labels, or English ones when
 * the concept has none in that language. */
static json_t *alt_labels(const esco_labels *ls, int l)
{
	json_t *a = json_array();
	const esco_labels *x = ls[l].preferred ? &ls[l] : &ls[ESCO_LANG_EN];
	size_t i;

	for (i = 0; a && i < x->n_alt; i++)
		json_array_append_new(a, json_string(x->alt[i]));
	return a;
}

static json_t *skill_list(const esco_skill *const *list, size_t n, int l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, skill_ref(list[i], l));
	return a;
}

/* The group of code's parent (one digit shorter), or NULL for a major group. */
static const esco_isco_group *parent_group(const esco *t, const char *code)
{
	char p[5];
	size_t n = strlen(code);

	if (n <= 1)
		return NULL;
	memcpy(p, code, n - 1);
	p[n - 1] = '\0';
	return esco_isco_group_by_code(t, p);
}

static json_t *lookup_occupation(const esco *t, const esco_occupation *o, int l)
{
	json_t *out, *broader = json_array(), *narrower = json_array();
	const esco_isco_group *g = esco_isco_group_by_code(t, o->isco);
	size_t i, n = esco_occupation_count(t);

	if (o->broader)
		json_array_append_new(broader, occ_ref(o->broader, l));
	else if (g)
		json_array_append_new(broader, group_ref(g, l));
	for (i = 0; narrower && i < n; i++) {
		const esco_occupation *x = esco_occupation_at(t, i);

		if (x->broader == o)
			json_array_append_new(narrower, occ_ref(x, l));
	}
	out = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s?, s:s, s:o, s:o, s:o, s:o}", "uri", o->uri,
			"label", labels_pref(o->labels, l), "lang",
			esco_lang_code(o->labels[l].preferred ? l : ESCO_LANG_EN), "alt_labels",
			alt_labels(o->labels, l), "isco", o->isco, "isco_label",
			g ? labels_pref(g->labels, l) : NULL, "description", o->description,
			"broader", broader, "narrower", narrower, "essential_skills",
			skill_list(o->essential, o->n_essential, l), "optional_skills",
			skill_list(o->optional, o->n_optional, l));
	return out;
}

static json_t *lookup_group(const esco *t, const esco_isco_group *g, int l)
{
	json_t *broader = json_array(), *narrower = json_array();
	const esco_isco_group *p = parent_group(t, g->code);
	const esco_occupation *const *occs = NULL;
	size_t i, n, code_len = strlen(g->code);

	if (p)
		json_array_append_new(broader, group_ref(p, l));
	if (g->level < 4) {
		/* the groups one level down */
		n = esco_isco_group_count(t);
		for (i = 0; narrower && i < n; i++) {
			const esco_isco_group *x = esco_isco_group_at(t, i);

			if (x->level == g->level + 1 && strncmp(x->code, g->code, code_len) == 0)
				json_array_append_new(narrower, group_ref(x, l));
		}
	} else {
		/* a unit group's own ESCO occupations (not their narrower ones) */
		n = esco_occupations_by_isco(t, g->code, &occs);
		for (i = 0; narrower && i < n && i < LOOKUP_NARROWER_MAX; i++)
			if (!occs[i]->broader)
				json_array_append_new(narrower, occ_ref(occs[i], l));
	}
	return json_pack("{s:s, s:s?, s:s, s:s, s:o, s:i, s:o, s:o}", "isco", g->code, "uri", g->uri,
			 "label", labels_pref(g->labels, l), "lang",
			 esco_lang_code(g->labels[l].preferred ? l : ESCO_LANG_EN), "alt_labels",
			 alt_labels(g->labels, l), "level", g->level, "broader", broader, "narrower",
			 narrower);
}

static json_t *lookup_skill(const esco *t, const esco_skill *s, int l)
{
	json_t *narrower = json_array();
	size_t i, j, n = esco_skill_count(t);

	/* the narrower skills: those that name s as broader */
	for (i = 0; narrower && i < n; i++) {
		const esco_skill *x = esco_skill_at(t, i);

		for (j = 0; j < x->n_broader; j++)
			if (x->broader[j] == s)
				json_array_append_new(narrower, skill_ref(x, l));
	}
	static const char *const types[] = {"unknown", "skill/competence", "knowledge"};
	static const char *const reuse[] = {"unknown", "transversal", "cross-sector",
					    "sector-specific", "occupation-specific"};

	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o}", "uri", s->uri, "label",
			 labels_pref(s->labels, l), "lang",
			 esco_lang_code(s->labels[l].preferred ? l : ESCO_LANG_EN), "alt_labels",
			 alt_labels(s->labels, l), "type", types[s->type], "reuse_level",
			 reuse[s->reuse], "description", s->description, "broader",
			 skill_list(s->broader, s->n_broader, l), "narrower", narrower);
}

int taxonomy_lookup(esco_kind kind, const char *id, const char *lang, json_t **out)
{
	const esco *t = taxonomy_esco();
	char uri[256];
	int l = lang_of(lang);

	*out = NULL;
	if (!t)
		return TAX_ERR;
	if (!id || !*id || strlen(id) > 200)
		return TAX_ERR_UNKNOWN;
	if (kind == ESCO_KIND_OCCUPATION) {
		const esco_occupation *o;
		const esco_isco_group *g;

		/* a code, the group's URI (as lookups answer it) or its last
		 * segment ("C7212") */
		if (tax__isco_id(id))
			id = tax__isco_id(id);
		if (all_digits(id, 4)) {
			if (!(g = esco_isco_group_by_code(t, id)))
				return TAX_ERR_UNKNOWN;
			*out = lookup_group(t, g, l);
		} else {
			if (strncmp(id, "http", 4) != 0)
				snprintf(uri, sizeof uri, "%s%s", TAX_ESCO_OCCUPATION, id);
			else
				snprintf(uri, sizeof uri, "%s", id);
			if (!(o = esco_occupation_by_uri(t, uri)))
				return TAX_ERR_UNKNOWN;
			*out = lookup_occupation(t, o, l);
		}
	} else {
		const esco_skill *s;

		if (strncmp(id, "http", 4) != 0)
			snprintf(uri, sizeof uri, "%s%s", SKILL_PREFIX, id);
		else
			snprintf(uri, sizeof uri, "%s", id);
		if (!(s = esco_skill_by_uri(t, uri)))
			return TAX_ERR_UNKNOWN;
		*out = lookup_skill(t, s, l);
	}
	return *out ? 0 : TAX_ERR;
}

/* {"uri"|"isco", "label"} for one value a document holds: a skill or
 * occupation URI, an ISCO-08 code, or free text ({"text", "label": null}). */
static json_t *concept_ref(const esco *t, const char *v, int l)
{
	const esco_occupation *o;
	const esco_skill *s;
	const esco_isco_group *g;

	if ((all_digits(v, 4) || (strncmp(v, "http", 4) == 0 && tax__isco_id(v))) &&
	    (g = esco_isco_group_by_code(t, tax__isco_id(v))) != NULL)
		return group_ref(g, l);
	if ((o = esco_occupation_by_uri(t, v)) != NULL)
		return occ_ref(o, l);
	if ((s = esco_skill_by_uri(t, v)) != NULL)
		return skill_ref(s, l);
	if (strncmp(v, "http", 4) == 0)
		return json_pack("{s:s, s:n}", "uri", v, "label");
	return json_pack("{s:s, s:n}", "text", v, "label");
}

static json_t *refs_of(const esco *t, const json_t *list, int l)
{
	json_t *a = json_array(), *v;
	size_t i;

	json_array_foreach(list, i, v) {
		if (json_is_string(v) && a)
			json_array_append_new(a, concept_ref(t, json_string_value(v), l));
	}
	return a;
}

int taxonomy_label_doc(json_t *doc, const char *lang)
{
	const esco *t = taxonomy_esco();
	json_t *c, *occ, *skills, *v;
	const char *key;
	int l = lang_of(lang);

	if (!json_is_object(doc))
		return 0;
	if (!t)
		return TAX_ERR;
	if (!(c = json_object()))
		return TAX_ERR;
	occ = json_object_get(doc, "occupation");
	if (json_is_string(occ))
		json_object_set_new(c, "occupation", concept_ref(t, json_string_value(occ), l));
	if (json_is_array(json_object_get(doc, "occupations")))
		json_object_set_new(c, "occupations", refs_of(t, json_object_get(doc, "occupations"), l));
	skills = json_object_get(doc, "skills");
	if (json_is_array(skills)) {
		json_object_set_new(c, "skills", refs_of(t, skills, l));
	} else if (json_is_object(skills)) {
		json_t *o = json_object();

		json_object_foreach(skills, key, v) {
			if (o && json_is_array(v))
				json_object_set_new(o, key, refs_of(t, v, l));
		}
		json_object_set_new(c, "skills", o ? o : json_object());
	}
	json_object_set_new(c, "lang", json_string(esco_lang_code(l)));
	if (json_object_set_new(doc, "concepts", c))
		return TAX_ERR;
	return taxonomy_label_report(json_object_get(doc, "normalised"), lang);
}

int taxonomy_label_report(json_t *norm, const char *lang)
{
	json_t *entry;
	const char *label;
	size_t i;

	json_array_foreach(norm, i, entry) {
		label = taxonomy_label(json_string_value(json_object_get(entry, "concept")), lang);
		if (label && json_object_set_new(entry, "label", json_string(label)))
			return TAX_ERR;
	}
	return 0;
}
