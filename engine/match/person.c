/*
 * person.c - the person of a match, prepared once from the profile
 * document: skills as a set (URIs, free text and ESCO labels lowercased,
 * plus a bit set over ESCO skills), occupations with their unit groups,
 * languages with CEFR ranks, and the occupations the skills point to. Every
 * candidate is then scored against this, not against the JSON.
 */
#include "engine/match/internal.h"
#include "engine/match/weights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/taxonomy/taxonomy.h"

/* A skill's ESCO preferred label; s itself for free text or an unknown URI. */
const char *match__skill_label(const char *s)
{
	const esco *t = match_taxonomy();
	const esco_skill *k = t && match__is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

	return k ? k->label : s;
}

void match__person_release(struct match__person *pr)
{
	json_decref(pr->skills);
	pr->skills = NULL;
	free(pr->has);
	pr->has = NULL;
	free(pr->support);
	pr->support = NULL;
	free(pr->grp);
	pr->grp = NULL;
}

/* Fills pr->inf from the person's ESCO skills (nothing when the taxonomy
 * is missing or memory is short: matching then works without it). */
static void person_infer(const json_t *profile, struct match__person *pr, const double *named_n,
			 long named_best)
{
	const esco *t = match_taxonomy();
	double *ev, best = 0;
	uint32_t *listed, n_esco = 0;
	size_t i, j, o;
	json_t *v;

	if (!t || !match__model_ready())
		return;
	ev = calloc(match__m.n_occ, sizeof *ev);
	listed = calloc(match__m.n_occ, sizeof *listed);
	if (!ev || !listed) {
		free(ev);
		free(listed);
		return;
	}
	/* ev[o]: log-likelihood of the skills under o, less that of a model
	 * listing none of them (so 0 for occupations listing none). */
	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);
		const esco_skill *k = s && match__is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

		if (!k)
			continue;
		n_esco++;
		for (j = match__m.so_off[k->index]; j < match__m.so_off[k->index + 1]; j++) {
			uint32_t oc = match__m.so_key[j] >> 1;

			ev[oc] += match__lp_listed(oc, (int)(match__m.so_key[j] & 1)) - match__lp_unlisted();
			listed[oc]++;
		}
	}
	/* A person whose skills are all free text that no concept matched
	 * ("soldadura") has no likelihood: the occupations the words name
	 * (match__named: "soldador") get a prior as a stated group's
	 * occupations do, in the measure the words are specific to them. */
	for (o = 0; named_n && n_esco == 0 && o < match__m.n_occ; o++)
		if (named_n[o] > 0)
			ev[o] += log(INF.named_prior) * named_n[o];
	for (o = 0; o < match__m.n_occ; o++) {
		if (ev[o] <= 0)
			continue;
		for (i = 0; i < pr->n_occ; i++)
			if (pr->occ[i].code[0] && strncmp(pr->occ[i].code, esco_occupation_at(t, o)->isco,
							 strlen(pr->occ[i].code)) == 0) {
				ev[o] += log(INF.stated);
				break;
			}
		/* Keep the best INFER_MAX, ties by index, in descending order. */
		for (i = pr->n_inf; i > 0 && ev[o] > pr->inf[i - 1].rel; i--)
			if (i < INFER_MAX)
				pr->inf[i] = pr->inf[i - 1];
		if (i < INFER_MAX) {
			pr->inf[i].occ = (uint32_t)o;
			pr->inf[i].rel = ev[o];
			if (pr->n_inf < INFER_MAX)
				pr->n_inf++;
		}
	}
	free(listed);
	best = pr->n_inf ? pr->inf[0].rel : 0;
	for (i = 0; i < pr->n_inf; i++) {
		pr->inf[i].rel = exp(pr->inf[i].rel - best);
		if (pr->inf[i].rel < INF.min_rel)
			break;
	}
	pr->n_inf = i;
	/* The occupation whose name broke the support's tie (person_support:
	 * the welder among the 23 listing "operate welding equipment") is
	 * asked for by retrieval too, after the likeliest when it is not
	 * among them (its long skill list makes its likelihood small), so its
	 * vacancies that do not list the skill typed are found. An added
	 * place (one occupation's two terms), not the last one taken: that
	 * one's vacancies are the person's as much (eval_counsellor's
	 * held-out walk-ins lost 0.004 when it was taken). */
	if (named_best >= 0) {
		for (i = 0; i < pr->n_inf && pr->inf[i].occ != (uint32_t)named_best; i++)
			;
		if (i == pr->n_inf) {
			double rel = pr->n_inf ? exp(ev[named_best] - best) : 1.0;

			i = pr->n_inf++;
			pr->inf[i].occ = (uint32_t)named_best;
			pr->inf[i].rel = rel > INF.min_rel ? rel : INF.min_rel;
		}
	}
	free(ev);
}

/* The skill levels (ISCO-08, ILO 2012, table 1: 1 elementary .. 4
 * professional) an ISCO-08 code's major group spans, as bits 1 << level;
 * 0 for no code. */
static unsigned isco_skill_levels(const char *isco)
{
	static const unsigned by_major[10] = {
		1u << 1 | 1u << 2 | 1u << 4, /* 0 armed forces occupations */
		1u << 3 | 1u << 4,           /* 1 managers */
		1u << 4,                     /* 2 professionals */
		1u << 3,                     /* 3 technicians and associate professionals */
		1u << 2, 1u << 2, 1u << 2, 1u << 2, 1u << 2, /* 4-8 */
		1u << 1,                     /* 9 elementary occupations */
	};

	return isco && isco[0] >= '0' && isco[0] <= '9' ? by_major[isco[0] - '0'] : 0;
}

/* Fills pr->support and pr->grp: for every ESCO occupation, the share of
 * the person's ESCO skills it lists (essential in full, optional at
 * INF.support_optional), each skill weighted by its specificity across
 * occupations (log(1 + occupations / occupations listing it), so "work in
 * teams" says less than "weld"), over the best such share of any
 * occupation, raised to INF.sharpness; and the best of it in each
 * ISCO-08 group. Unlike the likelihood, an occupation with
 * a long skill list is not penalised: every occupation that calls for all
 * the person said is supported in full. named_list: the listing a skill's
 * name gives (match__named, one-skill person only); one: the profile is
 * one skill (a walk-in's one word). Leaves both NULL when there is no
 * model, no ESCO skill or no memory (matching then works without them). */
static void person_support(const json_t *profile, struct match__person *pr, const double *named,
			   const double *named_free, double free_idf, const double *named_list,
			   int one, long *named_best)
{
	unsigned lvl = 0;
	const esco *t = match_taxonomy();
	double total = 0, idf_sum, best = 0, *sum, *raw = NULL;
	size_t i, j, o;
	json_t *v;

	if (!t || !match__model_ready())
		return;
	sum = calloc(match__m.n_occ, sizeof *sum);
	if (!sum)
		return;
	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);
		const esco_skill *k = s && match__is_uri(s) ? esco_skill_by_uri(t, s) : NULL;
		size_t df;
		double idf;

		if (!k)
			continue;
		df = match__m.so_off[k->index + 1] - match__m.so_off[k->index];
		idf = log(1.0 + (double)match__m.n_occ / (double)(df ? df : 1));
		total += idf;
		for (j = match__m.so_off[k->index]; j < match__m.so_off[k->index + 1]; j++)
			sum[match__m.so_key[j] >> 1] += match__m.so_key[j] & 1 ? idf : idf * INF.support_optional;
	}
	/* A free-text skill no concept matched ("soldadura") says which
	 * trade by its words only (match__named): that is its listing. */
	for (o = 0; named_free && free_idf > 0 && o < match__m.n_occ; o++)
		sum[o] += named_free[o];
	total += free_idf;
	/* An ESCO skill whose name is a trade's that does not list it
	 * ("conduct cleaning tasks": the cleaners; match__named): the trade
	 * its words name lists it by that name. Its weight is already in
	 * the total. */
	for (o = 0; named_list && o < match__m.n_occ; o++)
		sum[o] += named_list[o];
	/* How characteristic the evidence is of each occupation, beside the
	 * share of it the occupation lists. The occupations that list all of
	 * what the person said (the best share) tie: "operate welding
	 * equipment" alone is essential to 23, and the vacancies' other parts
	 * then favour the one with the fewest essentials, never the welder's
	 * 36. Among them, one whose name the skills' words make (welding /
	 * welder, soudage / soudeur) counts 1 + named x the share of the
	 * skills' weight naming it, so the others get at most 1 / (1 + named)
	 * of its support. Only the tie is broken: an occupation that lists
	 * less keeps its support ("eléctrico" names the electricians, who
	 * list part of a cable jointer's skills). Then relative to the best,
	 * as the likelihood is: a skill no occupation of the person's lists
	 * (a second trade, a typo's wrong concept) lowers every share alike
	 * and must not sink them all below min_support. */
	idf_sum = total;
	for (o = 0, total = 0; o < match__m.n_occ; o++)
		if (sum[o] > total)
			total = sum[o];
	if (total <= 0)
		goto out;
	raw = calloc(match__m.n_occ, sizeof *raw);
	if (!raw)
		goto out;
	for (o = 0; o < match__m.n_occ; o++) {
		if (sum[o] <= 0)
			continue;
		raw[o] = pow(sum[o] / total, INF.sharpness);
		if (named && idf_sum > 0 && sum[o] >= total * (1 - 1e-9))
			raw[o] *= 1 + INF.named * named[o] / idf_sum;
		if (raw[o] > best)
			best = raw[o];
	}
	pr->support = calloc(match__m.n_occ, sizeof *pr->support);
	pr->grp = calloc(GRP_N, sizeof *pr->grp);
	if (!pr->support || !pr->grp) {
		free(pr->support);
		free(pr->grp);
		pr->support = NULL;
		pr->grp = NULL;
		goto out;
	}
	/* the first occupation the words name among the best supported */
	for (o = 0; named && best > 0 && o < match__m.n_occ && *named_best < 0; o++)
		if (raw[o] / best >= 1 && named[o] > 0)
			*named_best = (long)o;
	/* a trade of skill levels 1-2 (ISCO-08 major groups 4-9) */
	if (*named_best >= 0)
		lvl = isco_skill_levels(esco_occupation_at(t, (size_t)*named_best)->isco);
	if (lvl & ~(1u << 1 | 1u << 2))
		lvl = 0;
	for (o = 0; o < match__m.n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(t, o);
		double sup = best > 0 ? raw[o] / best : 0;
		static const size_t base[4] = {GRP_MAJOR, GRP_SUB_MAJOR, GRP_MINOR, GRP_UNIT};
		size_t at = 0, d;

		/* One skill, and its words name a trade (skill level 1 or 2):
		 * an occupation of skill level 3 or 4 only (a technician, a
		 * professional, a manager) that lists the skill too is
		 * another career that uses it (a welding engineer, a welding
		 * inspector beside the welder "soudage" names; a disability
		 * support worker beside the cleaners), not what a walk-in who
		 * gives one trade word does. The tie-break above leaves it
		 * 1 / (1 + named) of the named trade's support, and its ad
		 * naming the occupation (0.71 of an exact relation) came
		 * before the named trade's ads that give only its code (a
		 * unit group, 0.40 to 0.58). Such an occupation counts at
		 * most as the named trade's unit group does (W.unit of its
		 * support): its vacancies come after those of the named
		 * trade's group, and stay relevant when well supported. Not
		 * the occupations of the trade's own skill level that the
		 * words do not name: there the name is often a weak reading
		 * ("cosechar cultivos" names a hop farmer, "cultivador de
		 * lúpulo", and the fruit pickers who list it fell behind the
		 * hop growers). Not from a profession either: a skill whose
		 * words name one ("adapt to artists' creative demands") says
		 * nothing against the technicians listing it
		 * (test_support_every_occupation). */
		if (one && lvl && sup > 0 && !(isco_skill_levels(x->isco) & (1u << 1 | 1u << 2)))
			sup *= W.unit;
		if (sup < INF.min_support)
			continue;
		pr->support[o] = (float)sup;
		for (d = 0; d < 4 && x->isco[d] >= '0' && x->isco[d] <= '9'; d++) {
			struct match__grp *g;

			at = at * 10 + (size_t)(x->isco[d] - '0');
			g = &pr->grp[base[d] + at];
			if ((float)sup > g->v) {
				g->v = (float)sup;
				g->occ = (uint32_t)o;
			}
		}
	}
out:
	free(raw);
	free(sum);
}

const struct match__grp *match__group_support(const struct match__person *pr, const char *code)
{
	static const size_t base[4] = {GRP_MAJOR, GRP_SUB_MAJOR, GRP_MINOR, GRP_UNIT};
	size_t at = 0, d;

	if (!pr->grp || !code[0])
		return NULL;
	for (d = 0; d < 4 && code[d]; d++) {
		if (code[d] < '0' || code[d] > '9')
			return NULL;
		at = at * 10 + (size_t)(code[d] - '0');
	}
	if (code[d])
		return NULL;
	return pr->grp[base[d - 1] + at].v > 0 ? &pr->grp[base[d - 1] + at] : NULL;
}

int match__person_prepare(const json_t *profile, struct match__person *pr)
{
	double *named = NULL, *named_n = NULL, *named_free = NULL, *named_list = NULL, free_idf = 0;
	long named_best = -1;
	json_t *v;
	size_t i, j;
	char buf[KEY_MAX];

	memset(pr, 0, sizeof *pr);
	pr->skills = json_object();
	if (!pr->skills)
		return -1;
	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		pr->skill_weight += match__skill_weight(s);
		if (match__is_uri(s)) {
			json_object_set_new(pr->skills, s, json_true());
			if (match__skill_label(s) != s)
				json_object_set_new(pr->skills, match__lower(match__skill_label(s), buf, sizeof buf),
						    json_true());
		} else {
			json_object_set_new(pr->skills, match__lower(s, buf, sizeof buf), json_true());
		}
	}
	json_array_foreach(json_object_get(profile, "occupations"), i, v) {
		const char *s = json_string_value(v);

		if (!s || pr->n_occ >= PROF_OCC_MAX)
			continue;
		pr->occ[pr->n_occ].uri = match__is_uri(s) ? s : NULL;
		if (match__is_uri(s) && match_taxonomy()) {
			const esco_occupation *o = esco_occupation_by_uri(match_taxonomy(), s);

			pr->occ[pr->n_occ].idx = o ? o->index + 1 : 0;
		}
		/* Any ISCO-08 level: a group of 1-3 digits is graded by its own level. */
		if (taxonomy_isco_group(s, pr->occ[pr->n_occ].code) <= 0)
			pr->occ[pr->n_occ].code[0] = '\0';
		pr->n_occ++;
	}
	json_array_foreach(json_object_get(profile, "languages"), i, v) {
		const char *code = json_string_value(json_object_get(v, "code"));
		const char *level = json_string_value(json_object_get(v, "level"));
		int rank = level ? iso_cefr_rank(level) : 0;

		if (!code || strlen(code) != 2)
			continue;
		for (j = 0; j < pr->n_lang && strcmp(pr->lang[j].code, code); j++)
			;
		if (j == pr->n_lang) {
			if (pr->n_lang >= PROF_LANG_MAX)
				continue;
			memcpy(pr->lang[j].code, code, 3);
			pr->n_lang++;
		}
		if (rank > pr->lang[j].rank) {
			pr->lang[j].rank = rank;
			pr->lang[j].level = level;
		}
	}
	v = json_object_get(profile, "experience_years");
	pr->years = json_is_number(v) ? json_number_value(v) : 0;
	pr->desired = json_object_get(profile, "desired_countries");
	v = json_object_get(profile, "available_from");
	if (json_is_string(v) && json_string_length(v) == 10)
		memcpy(pr->available, json_string_value(v), 11);
	if (match__model_ready()) {
		named = calloc(match__m.n_occ, sizeof *named);
		named_n = calloc(match__m.n_occ, sizeof *named_n);
		named_free = calloc(match__m.n_occ, sizeof *named_free);
		/* Only for a person whose one skill is all that was said
		 * (match__named, named_list): there every occupation listing
		 * it ties and nothing but its name tells them apart. Beside
		 * other skills, one skill's name often meets a trade by a
		 * word the trade shares and nothing more ("commercial law" /
		 * commercial, "chauffer des matériaux" / chauffeur), and the
		 * skills' listings say more: on every profile, eval_counsellor's
		 * development split lost 0.008 (0.950 -> 0.942). */
		named_list = json_array_size(json_object_get(profile, "skills")) == 1
				     ? calloc(match__m.n_occ, sizeof *named_list)
				     : NULL;
		if (!named || !named_n || !named_free ||
		    match__named(json_object_get(profile, "skills"), named, named_n, named_free, &free_idf,
				 named_list) < 0) {
			free(named); /* matching works without it, as without the model */
			free(named_n);
			free(named_free);
			free(named_list);
			named = named_n = named_free = named_list = NULL;
			free_idf = 0;
		}
	}
	person_support(profile, pr, named, named_free, free_idf, named_list,
		       json_array_size(json_object_get(profile, "skills")) == 1, &named_best);
	person_infer(profile, pr, named_n, named_best);
	free(named);
	free(named_n);
	free(named_free);
	free(named_list);
	if (match__model_ready() && (pr->has = calloc(match__m.n_skill / 8 + 1, 1)) != NULL) {
		const char *key;

		/* Every key of the set is a URI or a lowercased text. */
		json_object_foreach(pr->skills, key, v) {
			const esco_skill *k = match__is_uri(key) ? esco_skill_by_uri(match_taxonomy(), key) : NULL;

			if (k)
				pr->has[k->index >> 3] |= (uint8_t)(1u << (k->index & 7));
			else if (!match__is_uri(key))
				match__mark_label(pr->has, key);
		}
	}
	return 0;
}

static int person_has_skill(const struct match__person *pr, const char *s)
{
	char buf[KEY_MAX];
	const char *label;

	if (match__is_uri(s)) {
		if (json_object_get(pr->skills, s))
			return 1;
		label = match__skill_label(s);
		return label != s && json_object_get(pr->skills, match__lower(label, buf, sizeof buf));
	}
	return json_object_get(pr->skills, match__lower(s, buf, sizeof buf)) != NULL;
}

int match__person_has_fskill(const struct match__person *pr, const struct match__fskill *k)
{
	const esco *t = match_taxonomy();
	const esco_skill *s = t && k->idx ? esco_skill_at(t, k->idx - 1) : NULL;
	char buf[KEY_MAX];
	size_t n = k->len < sizeof buf - 1 ? k->len : sizeof buf - 1;

	if (s && pr->has)
		return pr->has[s->index >> 3] >> (s->index & 7) & 1;
	if (s)
		return person_has_skill(pr, s->uri);
	memcpy(buf, k->text, n);
	buf[n] = '\0';
	return person_has_skill(pr, buf);
}

/* The person's rank in a language (0: not spoken). */
int match__person_lang(const struct match__person *pr, const char *code, const char **level)
{
	size_t i;

	for (i = 0; i < pr->n_lang; i++)
		if (code && strcmp(pr->lang[i].code, code) == 0) {
			if (level)
				*level = pr->lang[i].level;
			return pr->lang[i].rank;
		}
	if (level)
		*level = NULL;
	return 0;
}
