/*
 * vacancy.c - the next vacancy, in the shape of the body of
 * POST /v1/vacancies: title, description, occupation, skills, languages,
 * place, salary, positions, validity and, now and then, a recruiter.
 */
#include "data/sample/internal.h"

/* ISCO major groups 0..9: salary scale in percent */
static const unsigned MAJOR_PAY[10] = {120, 250, 180, 130, 100, 95, 90, 110, 105, 80};

static const char *const PREFIX[] = {"Senior ", "Junior ", "Experienced ", "Trainee "};
static const char *const SUFFIX[] = {" (contract)", " - night shift", " (12-month contract)",
				     " - immediate start", " (seasonal)", " (m/f/d)"};

static long round_money(long v)
{
	long step = v >= 100000 ? 1000 : v >= 10000 ? 100 : v >= 1000 ? 50 : 10;

	return (v + step / 2) / step * step;
}

static json_t *languages_json(rng *r, const struct country *c)
{
	json_t *arr = json_array();
	unsigned w[4];
	size_t n = 0, i, first, k;

	if (!arr)
		return NULL;
	while (n < 4 && c->langs[n].code) {
		w[n] = c->langs[n].w;
		n++;
	}
	k = n > 1 && sample__chance(r, 35) ? 2 : 1;
	first = sample__weighted(r, w, n);
	for (i = 0; i < k; i++) {
		size_t li = first;
		json_t *l = json_object();

		if (i == 1) {
			w[first] = 0;
			li = sample__weighted(r, w, n);
		}
		if (!l || sample__push(arr, l) ||
		    sample__set(l, "code", sample__str(c->langs[li].code)) ||
		    sample__set(l, "level", sample__str(sample__cefr_level(r, 6)))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *sample_next_vacancy(sample_gen *g)
{
	rng *r = &g->vac;
	const esco_occupation *o = sample__pick_occupation(g, r);
	const struct country *c;
	json_t *v = json_object(), *skills = NULL, *ess = NULL, *opt = NULL, *sal = NULL, *rec = NULL;
	struct text title = {{0}, 0}, desc = {{0}, 0}, s = {{0}, 0};
	uint32_t eidx[8], oidx[4];
	size_t ne, no, i, n_cities = 0;
	int text_skill = -1;
	unsigned cw[N_ELEMS(sample__dest)];
	const char *city, *label;
	long lo, hi;
	uint32_t positions, u;
	char date[32];

	if (!v)
		return NULL;
	for (i = 0; i < N_ELEMS(sample__dest); i++)
		cw[i] = sample__dest[i].weight;
	c = &sample__dest[sample__weighted(r, cw, N_ELEMS(sample__dest))];
	while (n_cities < 6 && c->cities[n_cities])
		n_cities++;
	city = c->cities[sample__below(r, (uint32_t)n_cities)];

	/* title */
	label = sample__any_label(r, &o->labels[ESCO_LANG_EN], 30);
	u = sample__below(r, 100);
	if (u < 12)
		sample__t_add(&title, PREFIX[sample__below(r, N_ELEMS(PREFIX))]);
	sample__t_add(&title, label);
	if (u >= 88)
		sample__t_add(&title, SUFFIX[sample__below(r, N_ELEMS(SUFFIX))]);
	sample__capitalise(title.s);

	/* skills */
	ne = sample__pick_distinct(r, o->n_essential, sample__between(r, 3, 8), eidx);
	no = sample__pick_distinct(r, o->n_optional, sample__below(r, 5), oidx);
	if (ne > 1 && sample__chance(r, 20))
		text_skill = (int)sample__below(r, (uint32_t)ne);

	/* description: 2-4 sentences, at most DESC_MAX bytes */
	s.len = 0;
	s.s[0] = '\0';
	switch (sample__below(r, 3)) {
	case 0:
		sample__t_addf(&s, "We are looking for %s %s to join our team in %s, %s.",
			       sample__a_an(label), label, city, c->name);
		break;
	case 1:
		sample__t_addf(&s, "Our client in %s is hiring %s %s.", city, sample__a_an(label),
			       label);
		break;
	default:
		sample__t_addf(&s, "%s vacancy in %s (%s).", title.s, city, c->name);
		break;
	}
	sample__t_sentence(&desc, &s, DESC_MAX);
	if (sample__chance(r, 75)) {
		sample__first_sentence(&s, o->description, 360);
		sample__t_sentence(&desc, &s, DESC_MAX);
	}
	if (ne) {
		s.len = 0;
		s.s[0] = '\0';
		sample__t_add(&s, ne == 1 ? "Required skill: " : "Required skills: ");
		for (i = 0; i < ne && i < 4; i++) {
			if (i)
				sample__t_add(&s, i + 1 == ne || i == 3 ? " and " : ", ");
			sample__t_add(&s, o->essential[eidx[i]]->label);
		}
		sample__t_add(&s, ".");
		sample__t_sentence(&desc, &s, DESC_MAX);
	}
	s.len = 0;
	s.s[0] = '\0';
	if (no && sample__chance(r, 60))
		sample__t_addf(&s, "Experience with %s is an advantage.",
			       o->optional[oidx[0]]->label);
	else if (sample__chance(r, 50))
		sample__t_add(&s, sample__chance(r, 50)
					  ? "The employer pays all recruitment and travel costs."
					  : "Accommodation and transport to work are provided.");
	sample__t_sentence(&desc, &s, DESC_MAX);

	/* salary */
	lo = (long)sample__between(r, c->sal_lo, c->sal_hi);
	lo = lo * (long)MAJOR_PAY[o->isco[0] - '0'] / 100;
	lo = round_money(lo);
	hi = round_money(lo * (long)sample__between(r, 110, 150) / 100);

	u = sample__below(r, 100);
	positions = u < 40 ? 1
		    : u < 60 ? sample__between(r, 2, 3)
		    : u < 75 ? sample__between(r, 4, 6)
		    : u < 87 ? sample__between(r, 7, 12)
		    : u < 95 ? sample__between(r, 13, 25)
			     : sample__between(r, 26, 50);
	sample__civil_from_days(g->day0 + (int32_t)sample__below(r, 731), date);

	if (sample__set(v, "title", json_stringn_nocheck(title.s, title.len)) ||
	    sample__set(v, "description", json_stringn_nocheck(desc.s, desc.len)) ||
	    sample__set(v, "occupation", sample__str(sample__chance(r, 75) ? o->isco : o->uri)))
		goto fail;
	if (sample__set(v, "skills", skills = json_object()) ||
	    sample__set(skills, "essential", ess = json_array()) ||
	    sample__set(skills, "optional", opt = json_array()))
		goto fail;
	for (i = 0; i < ne; i++) {
		const esco_skill *k = o->essential[eidx[i]];
		const char *txt = (int)i == text_skill
					  ? sample__any_label(r, &k->labels[ESCO_LANG_EN], 40)
					  : k->uri;
		if (sample__push(ess, sample__str(txt)))
			goto fail;
	}
	for (i = 0; i < no; i++)
		if (sample__push(opt, sample__str(o->optional[oidx[i]]->uri)))
			goto fail;
	if (sample__set(v, "languages", languages_json(r, c)) ||
	    sample__set(v, "country", sample__str(c->code)) ||
	    sample__set(v, "city", sample__str(city)))
		goto fail;
	if (sample__set(v, "salary", sal = json_object()) ||
	    sample__set(sal, "min", json_integer(lo)) ||
	    sample__set(sal, "max", json_integer(hi)) ||
	    sample__set(sal, "currency", sample__str(c->currency)) ||
	    sample__set(sal, "period", sample__str("month")))
		goto fail;
	if (sample__set(v, "positions", json_integer(positions)) ||
	    sample__set(v, "valid_until", sample__str(date)))
		goto fail;
	if (sample__chance(r, 60)) {
		const struct recruiter *x = sample__pick_recruiter(g, r, c);
		if (sample__set(v, "recruiter", rec = json_object()) ||
		    sample__set(rec, "name", sample__str(x->name)) ||
		    sample__set(rec, "licence", sample__str(x->licence)) ||
		    sample__set(rec, "country", sample__str(x->country)))
			goto fail;
	}
	if (sample__set(v, "worker_fees", json_integer(0)))
		goto fail;
	return v;
fail:
	json_decref(v);
	return NULL;
}
