/*
 * card.c - the compact card: a vacancy as the search index stores it as
 * document data, and back (vacancy_card_encode, vacancy_card_decode).
 *
 * The card is the API's vacancy JSON with each ESCO skill URI, and an ESCO
 * occupation URI, written as its position in the loaded taxonomy (a JSON
 * integer, which the API never puts there: skills and the occupation are
 * strings). The URIs are random UUIDs that compression cannot shrink:
 * about 20 bytes each in the index against 3 for the number, a quarter of
 * the document data at 100,000 vacancies (docs/index.md). Everything a
 * search page shows stays in the card, so search still answers with
 * PostgreSQL down. Positions are the taxonomy's as loaded when the index
 * was built: the index format (indexer_format) names the taxonomy's sizes,
 * and a server finding others rebuilds the index.
 */
#include "engine/vacancy.h"

#include <stdlib.h>
#include <string.h>

#include "engine/taxonomy/taxonomy.h"

/* A copy of list with each known skill URI as its position, or with each
 * position back as its URI (expand); NULL on an unknown position or when
 * out of memory. */
static json_t *skill_list(const esco *t, const json_t *list, int expand)
{
	json_t *out = json_array(), *x, *y;
	size_t i;

	json_array_foreach(list, i, x) {
		if (expand && json_is_integer(x)) {
			json_int_t k = json_integer_value(x);
			const esco_skill *s = k >= 0 ? esco_skill_at(t, (size_t)k) : NULL;

			y = s ? json_string(s->uri) : NULL;
		} else if (!expand && json_is_string(x) &&
			   strncmp(json_string_value(x), "http", 4) == 0) {
			const esco_skill *s = esco_skill_by_uri(t, json_string_value(x));

			y = s ? json_integer(s->index) : json_incref(x);
		} else {
			y = json_incref(x);
		}
		if (!out || json_array_append_new(out, y)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* v's skills and occupation swapped in place (v is the caller's copy). */
static int swap_concepts(const esco *t, json_t *v, int expand)
{
	static const char *const lists[] = {"essential", "optional"};
	json_t *skills = json_object_get(v, "skills"), *occ = json_object_get(v, "occupation");
	size_t i;

	for (i = 0; json_is_object(skills) && i < 2; i++) {
		json_t *l = json_object_get(skills, lists[i]), *n;

		if (!json_is_array(l))
			continue;
		if (!(n = skill_list(t, l, expand)) || json_object_set_new(skills, lists[i], n))
			return -1;
	}
	if (expand && json_is_integer(occ)) {
		json_int_t k = json_integer_value(occ);
		const esco_occupation *o = k >= 0 ? esco_occupation_at(t, (size_t)k) : NULL;

		if (!o || json_object_set_new(v, "occupation", json_string(o->uri)))
			return -1;
	} else if (!expand && json_is_string(occ) &&
		   strncmp(json_string_value(occ), "http", 4) == 0) {
		const esco_occupation *o = esco_occupation_by_uri(t, json_string_value(occ));

		if (o && json_object_set_new(v, "occupation", json_integer(o->index)))
			return -1;
	}
	return 0;
}

char *vacancy_card_encode(const json_t *v, size_t *len)
{
	const esco *t = taxonomy_esco();
	json_t *c;
	char *out;

	*len = 0;
	/* Without the taxonomy the card is the JSON itself, which decodes
	 * as it is. */
	c = t ? json_deep_copy(v) : json_incref((json_t *)v);
	if (!c || (t && swap_concepts(t, c, 0))) {
		json_decref(c);
		return NULL;
	}
	out = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	if (out)
		*len = strlen(out);
	return out;
}

/* 1 when the card holds a position (an integer where the API has a URI). */
static int has_positions(const json_t *v)
{
	const json_t *skills = json_object_get(v, "skills"), *x;
	static const char *const lists[] = {"essential", "optional"};
	size_t i, k;

	if (json_is_integer(json_object_get(v, "occupation")))
		return 1;
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(skills, lists[k]), i, x)
			if (json_is_integer(x))
				return 1;
	return 0;
}

json_t *vacancy_card_decode(const char *data, size_t len)
{
	json_t *v = json_loadb(data, len, 0, NULL);
	const esco *t;

	if (!v || !has_positions(v))
		return v;
	if (!(t = taxonomy_esco()) || swap_concepts(t, v, 1)) {
		json_decref(v);
		return NULL;
	}
	return v;
}
