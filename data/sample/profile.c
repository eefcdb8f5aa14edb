/*
 * profile.c - the next profile, in the shape of the body of
 * POST /v1/profiles: a worker from one of the origin countries, with one
 * or two occupations, their skills, languages, education, experience and
 * desired destinations.
 */
#include "data/sample/internal.h"

struct origin {
	const char *code, *native, *second;
	unsigned weight;
	const char *dests; /* desired destinations, most likely first */
	int label_lang;    /* language of free-text skills: ESCO_LANG_* */
};

static const struct origin ORIGIN[] = {
	{"LS", "st", "en", 12, "ZA BW NA", ESCO_LANG_EN},
	{"ZW", "sn", "en", 12, "ZA BW NA GB", ESCO_LANG_EN},
	{"MZ", "ts", "pt", 8, "ZA PT", ESCO_LANG_EN},
	{"MW", "ny", "en", 6, "ZA", ESCO_LANG_EN},
	{"PH", "tl", "en", 14, "AE SA QA KW HK SG MY CA US IT", ESCO_LANG_EN},
	{"ML", "bm", "fr", 6, "FR ES", ESCO_LANG_FR},
	{"EG", "ar", "en", 6, "SA KW QA AE IT", ESCO_LANG_EN},
	{"BA", "bs", "en", 4, "HR DE", ESCO_LANG_EN},
	{"RS", "sr", "en", 4, "HR DE", ESCO_LANG_EN},
	{"NP", "ne", "en", 10, "QA AE SA KW MY", ESCO_LANG_EN},
	{"BD", "bn", "en", 10, "SA QA AE KW MY SG IT", ESCO_LANG_EN},
	{"KE", "sw", "en", 8, "AE SA QA GB", ESCO_LANG_EN},
};

json_t *sample_next_profile(sample_gen *g)
{
	static const unsigned ISCED_W[9] = {3, 8, 20, 35, 10, 8, 10, 5, 1};
	rng *r = &g->prof;
	unsigned ow[N_ELEMS(ORIGIN)];
	const struct origin *c;
	const esco_occupation *occ[2];
	json_t *p = json_object(), *arr, *l, *x;
	size_t n_occ, i, n_dest, ne, no;
	uint32_t idx[12];
	char date[32];

	if (!p)
		return NULL;
	for (i = 0; i < N_ELEMS(ORIGIN); i++)
		ow[i] = ORIGIN[i].weight;
	c = &ORIGIN[sample__weighted(r, ow, N_ELEMS(ORIGIN))];

	/* occupations: one, sometimes a second from the same minor group */
	occ[0] = sample__pick_occupation(g, r);
	n_occ = 1;
	if (sample__chance(r, 20)) {
		const esco_occupation *const *list;
		char minor[4];
		size_t n;

		memcpy(minor, occ[0]->isco, 3);
		minor[3] = '\0';
		n = esco_occupations_by_isco(g->tax, minor, &list);
		occ[1] = n ? list[sample__below(r, (uint32_t)n)] : occ[0];
		if (occ[1] != occ[0])
			n_occ = 2;
	}
	if (sample__set(p, "occupations", arr = json_array()))
		goto fail;
	for (i = 0; i < n_occ; i++)
		if (sample__push(arr,
				 sample__str(sample__chance(r, 60) ? occ[i]->isco : occ[i]->uri)))
			goto fail;

	/* skills: essential ones of the first occupation, some optional; a quarter as text */
	if (sample__set(p, "skills", arr = json_array()))
		goto fail;
	ne = sample__pick_distinct(r, occ[0]->n_essential, sample__between(r, 3, 10), idx);
	for (i = 0; i < ne; i++) {
		const esco_skill *k = occ[0]->essential[idx[i]];
		const char *txt = k->uri;
		if (sample__chance(r, 25)) {
			const esco_labels *lb = &k->labels[c->label_lang];
			txt = sample__any_label(r, lb->preferred ? lb : &k->labels[ESCO_LANG_EN],
						30);
		}
		if (sample__push(arr, sample__str(txt)))
			goto fail;
	}
	no = sample__pick_distinct(r, occ[0]->n_optional, sample__below(r, 3), idx);
	for (i = 0; i < no; i++)
		if (sample__push(arr, sample__str(occ[0]->optional[idx[i]]->uri)))
			goto fail;

	/* languages: the native one, the second language, sometimes English */
	if (sample__set(p, "languages", arr = json_array()) ||
	    sample__push(arr, l = json_object()) ||
	    sample__set(l, "code", sample__str(c->native)) ||
	    sample__set(l, "level", sample__str("native")) ||
	    sample__push(arr, l = json_object()) ||
	    sample__set(l, "code", sample__str(c->second)) ||
	    sample__set(l, "level", sample__str(sample__cefr_level(r, 6))))
		goto fail;
	if (strcmp(c->second, "en") != 0 && sample__chance(r, 40))
		if (sample__push(arr, l = json_object()) ||
		    sample__set(l, "code", sample__str("en")) ||
		    sample__set(l, "level", sample__str(sample__cefr_level(r, 4))))
			goto fail;

	if (sample__set(p, "education", x = json_object()) ||
	    sample__set(x, "isced", json_integer((json_int_t)sample__weighted(r, ISCED_W, 9))))
		goto fail;
	{
		uint32_t e = sample__below(r, 16) + sample__below(r, 16);
		if (sample__set(p, "experience_years", json_integer(e > 30 ? 30 : e)))
			goto fail;
	}
	if (sample__set(p, "citizenship", sample__str(c->code)) ||
	    sample__set(p, "desired_countries", arr = json_array()))
		goto fail;
	n_dest = sample__between(r, 1, 3);
	{
		const char *seen[3];
		size_t k = 0, tries;
		for (tries = 0; tries < 10 && k < n_dest; tries++) {
			const char *d = sample__pick_code(r, c->dests, 1);
			size_t j;
			for (j = 0; j < k && strncmp(seen[j], d, 2) != 0; j++)
				;
			if (j < k || !sample__dest_by_code(d))
				continue;
			seen[k++] = d;
			if (sample__push(arr, json_stringn_nocheck(d, 2)))
				goto fail;
		}
	}
	sample__civil_from_days(g->day0 - 31 + (int32_t)sample__below(r, 396), date);
	if (sample__set(p, "available_from", sample__str(date)) ||
	    sample__set(p, "consent", x = json_object()) ||
	    sample__set(x, "matching", json_true()) ||
	    sample__set(x, "show_to_employers", json_boolean(sample__chance(r, 60))))
		goto fail;
	return p;
fail:
	json_decref(p);
	return NULL;
}
