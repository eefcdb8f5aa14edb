/*
 * match.c - retrieval, scoring, explanations and facets of matching (see
 * match.h and docs/matching.md).
 *
 * The scoring function is the one place where "how good is this vacancy
 * for this person" is decided; both directions (profile -> vacancies and
 * vacancy -> candidate cards) use it. All weights live in the two tables
 * below (retrieval and scoring) so that docs/matching.md can quote them.
 */
#include "engine/match.h"
#include "engine/taxonomy.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/iso.h"
#include "engine/audit.h"
#include "engine/fields.h"
#include "engine/integrity.h"
#include "engine/profile.h"
#include "engine/quota.h"
#include "engine/vacancy.h"
#include "index/schema.h"

/* ---- the weights (docs/matching.md quotes these) ---- */

/* Retrieval: multipliers of each query part's BM25 weight. */
static const struct {
	double essential;   /* XSE: the person's skill is essential in the vacancy */
	double skill;       /* XS: the skill appears in the vacancy at all */
	double unit;        /* XO: same ISCO-08 unit group (4 digits), XE: same ESCO occupation */
	double minor;       /* XO: same minor group (3 digits) */
	double sub_major;   /* XO: same sub-major group (2 digits) */
	double text;        /* free-text skills as words over title and description */
	double country;     /* XC: a desired country (boost only, never required) */
} RQ = {2.0, 1.0, 3.0, 1.5, 0.5, 0.5, 0.5};

/* Scoring: the parts of the raw score in [0, 1] (they add up to 1). */
static const struct {
	double essential;      /* share of the vacancy's essential skills the person has */
	double use;            /* share of the person's skills the vacancy asks for */
	double retrieval;      /* the index's weight relative to the best candidate's (idf) */
	double optional;       /* share of its optional skills */
	double occupation;     /* occupation proximity (below) */
	double experience;     /* min(years, 10) / 10, scaled by occupation proximity */
	double country;        /* the vacancy is in a desired country */
	double no_essential;   /* coverage assumed when a vacancy lists no essential skill */
	/* skill weight by ESCO reuse level: specific skills say more than transversal ones */
	double transversal, cross_sector, sector, occupation_specific;
	/* occupation proximity */
	double occ_exact, occ_unit, occ_minor, occ_sub_major;
	/* final score: met languages map raw to [met_floor, 1], gaps to [0, gap_ceiling] */
	double met_floor, gap_ceiling;
} W = {0.30, 0.15, 0.15, 0.05, 0.20, 0.05, 0.10, 0.5,
       0.4, 0.7, 1.0, 1.3,
       1.0, 0.8, 0.5, 0.25,
       0.5, 0.49};

/* ---- taxonomy ---- */

/* The process's one copy of ESCO, owned by the taxonomy module. */
const esco *match_taxonomy(void)
{
	return taxonomy_esco();
}

/* ---- small helpers ---- */

#define ESCO_OCC "http://data.europa.eu/esco/occupation/"
#define KEY_MAX 240

static int is_uri(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* ASCII lowercase copy, bounded. */
static const char *lower(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

/* How much matching skill s says (W's reuse-level weights; free text 1). */
static double skill_weight(const char *s)
{
	const esco *t = match_taxonomy();
	const esco_skill *k = t && is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

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

static const char *skill_label(const char *s)
{
	const esco *t = match_taxonomy();
	const esco_skill *k = t && is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

	return k ? k->label : s;
}

/* An occupation (ISCO code or ESCO URI) as its 4-digit unit group ("" if unknown). */
static void occupation_code(const char *occ, char code[5])
{
	const esco *t;
	const esco_occupation *o;

	code[0] = '\0';
	if (!occ)
		return;
	if (strlen(occ) == 4 && isdigit((unsigned char)occ[0])) {
		memcpy(code, occ, 5);
		return;
	}
	t = match_taxonomy();
	o = t && strncmp(occ, ESCO_OCC, strlen(ESCO_OCC)) == 0 ? esco_occupation_by_uri(t, occ) : NULL;
	if (o)
		memcpy(code, o->isco, 5);
}

/* ---- the person, prepared once per match ---- */

#define PROF_OCC_MAX 10
#define PROF_LANG_MAX 10

struct person {
	json_t *skills; /* set: URIs, lowercased free text, lowercased labels of URIs */
	struct {
		const char *uri; /* ESCO URI or NULL; borrowed from the profile */
		char code[5];
	} occ[PROF_OCC_MAX];
	size_t n_occ;
	struct {
		char code[3];
		int rank;
		const char *level;
	} lang[PROF_LANG_MAX];
	size_t n_lang;
	double years;
	double skill_weight; /* sum of skill_weight over the person's skills */
	const json_t *desired; /* borrowed array */
};

static void person_release(struct person *pr)
{
	json_decref(pr->skills);
	pr->skills = NULL;
}

static int person_prepare(const json_t *profile, struct person *pr)
{
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
		pr->skill_weight += skill_weight(s);
		if (is_uri(s)) {
			json_object_set_new(pr->skills, s, json_true());
			if (skill_label(s) != s)
				json_object_set_new(pr->skills, lower(skill_label(s), buf, sizeof buf),
						    json_true());
		} else {
			json_object_set_new(pr->skills, lower(s, buf, sizeof buf), json_true());
		}
	}
	json_array_foreach(json_object_get(profile, "occupations"), i, v) {
		const char *s = json_string_value(v);

		if (!s || pr->n_occ >= PROF_OCC_MAX)
			continue;
		pr->occ[pr->n_occ].uri = is_uri(s) ? s : NULL;
		occupation_code(s, pr->occ[pr->n_occ].code);
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
	return 0;
}

static int person_has_skill(const struct person *pr, const char *s)
{
	char buf[KEY_MAX];
	const char *label;

	if (is_uri(s)) {
		if (json_object_get(pr->skills, s))
			return 1;
		label = skill_label(s);
		return label != s && json_object_get(pr->skills, lower(label, buf, sizeof buf));
	}
	return json_object_get(pr->skills, lower(s, buf, sizeof buf)) != NULL;
}

/* ---- scoring ---- */

enum occ_match { OCC_NONE, OCC_RELATED, OCC_EXACT };

struct scored {
	double raw, score;
	int met; /* every required language met */
	enum occ_match occ;
	int64_t id;
	json_t *vacancy; /* borrowed or owned, see users */
};

/* Occupation proximity of the vacancy to the best of the person's occupations. */
static double occupation_score(const struct person *pr, const char *vocc, enum occ_match *kind)
{
	char vcode[5];
	double best = 0;
	size_t i;

	*kind = OCC_NONE;
	occupation_code(vocc, vcode);
	for (i = 0; i < pr->n_occ; i++) {
		double sc = 0;
		enum occ_match k = OCC_NONE;
		int prox = vcode[0] && pr->occ[i].code[0] ? esco_isco_proximity(vcode, pr->occ[i].code) : 0;

		if (pr->occ[i].uri && vocc && strcmp(pr->occ[i].uri, vocc) == 0) {
			sc = W.occ_exact;
			k = OCC_EXACT;
		} else if (prox == ESCO_ISCO_UNIT) {
			/* Two different ESCO occupations of one unit group are
			 * related; a bare ISCO code on either side is the group. */
			int both_uri = pr->occ[i].uri && vocc && is_uri(vocc);

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

/* The person's rank in a language (0: not spoken). */
static int person_lang(const struct person *pr, const char *code, const char **level)
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
static void score_vacancy(const struct person *pr, json_t *v, double retrieval, struct scored *out)
{
	json_t *skills = json_object_get(v, "skills"), *x;
	json_t *ess = json_object_get(skills, "essential"), *opt = json_object_get(skills, "optional");
	size_t i;
	double we = 0, wo = 0, he = 0, ho = 0, cov_e, cov_o, use, occ, raw;

	json_array_foreach(ess, i, x) {
		double k = json_is_string(x) ? skill_weight(json_string_value(x)) : 0;

		we += k;
		if (k > 0 && person_has_skill(pr, json_string_value(x)))
			he += k;
	}
	json_array_foreach(opt, i, x) {
		double k = json_is_string(x) ? skill_weight(json_string_value(x)) : 0;

		wo += k;
		if (k > 0 && person_has_skill(pr, json_string_value(x)))
			ho += k;
	}
	cov_e = we > 0 ? he / we : W.no_essential;
	cov_o = wo > 0 ? ho / wo : 0;
	use = pr->skill_weight > 0 ? (he + ho) / pr->skill_weight : 0;
	if (use > 1)
		use = 1;
	occ = occupation_score(pr, json_string_value(json_object_get(v, "occupation")), &out->occ);
	raw = W.essential * cov_e + W.use * use + W.retrieval * retrieval + W.optional * cov_o + W.occupation * occ +
	      W.experience * (pr->years > 10 ? 1.0 : pr->years / 10.0) * occ +
	      W.country * in_array(pr->desired, json_string_value(json_object_get(v, "country")));
	out->met = 1;
	json_array_foreach(json_object_get(v, "languages"), i, x) {
		const char *lvl = json_string_value(json_object_get(x, "level"));
		int need = lvl ? iso_cefr_rank(lvl) : 0;

		if (person_lang(pr, json_string_value(json_object_get(x, "code")), NULL) < need)
			out->met = 0;
	}
	out->raw = raw;
	/* The tier is part of the score itself, so "ordered by score" and "a
	 * language gap ranks below every met vacancy" are one rule. */
	out->score = out->met ? W.met_floor + (1 - W.met_floor) * raw : W.gap_ceiling * raw;
	{
		int64_t id = 0;

		vacancy_parse_id(json_string_value(json_object_get(v, "id")), &id);
		out->id = id;
	}
}

static int by_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static double round4(double x)
{
	return round(x * 10000.0) / 10000.0;
}

/* matched_skills, missing_essential and the language report. */
static int explain_parts(const struct person *pr, json_t *v, json_t **matched, json_t **missing,
			 json_t **gaps, json_t **langs)
{
	json_t *skills = json_object_get(v, "skills"), *x;
	static const char *const lists[] = {"essential", "optional"};
	size_t i, l;

	*matched = json_array();
	*missing = json_array();
	*gaps = json_array();
	*langs = json_array();
	if (!*matched || !*missing || !*gaps || !*langs)
		return -1;
	for (l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(skills, lists[l]), i, x) {
			const char *s = json_string_value(x);

			if (!s)
				continue;
			if (person_has_skill(pr, s)) {
				if (json_array_append_new(*matched, json_pack("{s:o, s:s, s:b}", "uri",
									      is_uri(s) ? json_string(s) : json_null(),
									      "label", skill_label(s),
									      "essential", l == 0)))
					return -1;
			} else if (l == 0 &&
				   json_array_append_new(*missing, json_pack("{s:o, s:s}", "uri",
									     is_uri(s) ? json_string(s) : json_null(),
									     "label", skill_label(s)))) {
				return -1;
			}
		}
	}
	json_array_foreach(json_object_get(v, "languages"), i, x) {
		const char *code = json_string_value(json_object_get(x, "code"));
		const char *need = json_string_value(json_object_get(x, "level"));
		const char *have = NULL;
		int rank = person_lang(pr, code, &have);
		int met = need && rank >= iso_cefr_rank(need);
		json_t *h = have ? json_string(have) : json_null();

		if (!code || !need)
			continue;
		if (!met && json_array_append_new(*gaps, json_pack("{s:s, s:s, s:O}", "code", code,
								   "required", need, "have", h))) {
			json_decref(h);
			return -1;
		}
		if (json_array_append_new(*langs, json_pack("{s:s, s:s, s:o, s:b}", "code", code,
							    "required", need, "have", h, "met", met)))
			return -1;
	}
	return 0;
}

static const char *occ_name(enum occ_match m)
{
	return m == OCC_EXACT ? "exact" : m == OCC_RELATED ? "related" : "none";
}

/* ---- the recruiter's verdict ---- */

enum verdict { VERDICT_NONE, VERDICT_LICENSED, VERDICT_FLAGGED, VERDICT_UNKNOWN,
	       VERDICT_BLACKLISTED };

/*
 * The one place the integrity snapshot (engine/integrity.h) joins
 * matching: the in-memory snapshot, so a flag committed by a regulator
 * counts from the very next match. *flags gets a new array of the active
 * flags when flagged or blacklisted. Unlicensed counts as unknown here.
 */
static enum verdict recruiter_verdict(const json_t *vacancy, json_t **flags)
{
	const json_t *rec = json_object_get(vacancy, "recruiter");
	struct integrity_verdict iv = {0};
	enum verdict v;

	*flags = NULL;
	if (!json_is_object(rec))
		return VERDICT_NONE;
	integrity_vacancy_verdict(vacancy, &iv);
	v = iv.kind == INTEGRITY_BLACKLISTED ? VERDICT_BLACKLISTED
	    : iv.kind == INTEGRITY_FLAGGED   ? VERDICT_FLAGGED
	    : iv.kind == INTEGRITY_LICENSED  ? VERDICT_LICENSED
					     : VERDICT_UNKNOWN;
	if (v == VERDICT_FLAGGED && iv.flags)
		*flags = json_incref(iv.flags);
	integrity_verdict_release(&iv);
	return v;
}

static const char *verdict_name(enum verdict v)
{
	return v == VERDICT_LICENSED ? "licensed" : v == VERDICT_FLAGGED ? "flagged" : "unknown";
}

/* ---- the request ---- */

int match_parse(const json_t *body, char *profile_id, size_t idlen, json_t **inline_doc,
		struct match_params *mp, problem *p)
{
	static const char *const keys[] = {"profile_id", "profile", "limit", "countries",
					   "include_flagged", NULL};
	const char *id = NULL;
	json_t *prof = NULL, *countries = NULL, *v;
	long long limit = MATCH_LIMIT_DEFAULT;
	int flagged = 0;
	size_t i;
	char name[48];

	*inline_doc = NULL;
	profile_id[0] = '\0';
	memset(mp, 0, sizeof *mp);
	if (fields_only(body, "", keys, p) && !json_is_object(body))
		return -1;
	fields_string(body, "", "profile_id", 64, 0, &id, p);
	fields_object(body, "", "profile", 0, &prof, p);
	fields_int(body, "", "limit", 1, MATCH_LIMIT_MAX, 0, &limit, p);
	fields_bool(body, "", "include_flagged", 0, &flagged, p);
	if (fields_array(body, "", "countries", MATCH_COUNTRIES_MAX, 0, &countries, p) > 0) {
		json_array_foreach(countries, i, v) {
			snprintf(name, sizeof name, "countries[%zu]", i);
			if (!json_is_string(v) || !iso_country_valid(json_string_value(v))) {
				problem_field(p, name, "format", "must be an ISO 3166-1 alpha-2 country code");
				p->status = 400;
			}
		}
	}
	if (!p->status && !id == !prof) {
		problem_field(p, id ? "profile" : "profile_id", "required",
			      "give exactly one of profile_id and profile");
		p->status = 400;
	}
	if (!p->status && id && (strlen(id) >= idlen || !profile_id_valid(id))) {
		problem_field(p, "profile_id", "format", "is not a profile id");
		p->status = 400;
	}
	if (p->status) {
		snprintf(p->title, sizeof p->title, "Bad request");
		return -1;
	}
	if (prof && profile_validate(prof, inline_doc, p)) {
		/* Report the inline profile's fields under "profile.". */
		json_t *e;

		json_array_foreach(p->errors, i, e) {
			const char *f = json_string_value(json_object_get(e, "field"));
			char full[200];

			if (f) {
				snprintf(full, sizeof full, "profile.%s", f);
				json_object_set_new(e, "field", json_string(full));
			}
		}
		return -1;
	}
	if (id)
		snprintf(profile_id, idlen, "%s", id);
	mp->limit = (size_t)limit;
	mp->countries = countries;
	mp->include_flagged = flagged;
	return 0;
}

/* ---- retrieval ---- */

#define Q_MAX 512

struct qlist {
	index_query *q[Q_MAX];
	size_t n;
	int oom;
};

static void qadd(struct qlist *l, index_query *q)
{
	if (!q) {
		l->oom = 1;
		return;
	}
	if (l->n >= Q_MAX) {
		index_query_free(q);
		return;
	}
	l->q[l->n++] = q;
}

static void qadd_term(struct qlist *l, const char *prefix, const char *value, int lowercase,
		      double scale)
{
	char term[KEY_MAX];
	size_t n = strlen(prefix);
	index_query *t;

	snprintf(term, sizeof term, "%s%s", prefix, value);
	if (lowercase)
		lower(term + n, term + n, sizeof term - n);
	t = index_query_term(term, 1);
	qadd(l, scale == 1.0 || !t ? t : index_query_scale(t, scale));
	if (scale != 1.0)
		index_query_free(t);
}

static void qfree(struct qlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		index_query_free(l->q[i]);
	l->n = 0;
}

/* FILTER(main, valid_until >= today, OR(countries)); takes main. */
static index_query *with_filters(index_query *main, const struct match_params *mp)
{
	struct qlist f = {.n = 0}, c = {.n = 0};
	char today[11];
	index_query *q, *subs[3];
	size_t i, ns = 0;
	json_t *v;

	iso_today(today);
	subs[ns++] = main;
	qadd(&f, index_query_value_range(VX_SLOT_VALID_UNTIL, today, NULL));
	subs[ns++] = f.n ? f.q[0] : NULL;
	if (mp && json_array_size(mp->countries)) {
		json_array_foreach(mp->countries, i, v) {
			qadd_term(&c, VX_COUNTRY, json_string_value(v), 0, 1.0);
		}
		subs[ns++] = c.oom ? NULL : index_query_combine(INDEX_OP_OR, c.q, c.n);
	}
	q = f.oom || !main ? NULL : index_query_combine(INDEX_OP_FILTER, subs, ns);
	if (ns == 3)
		index_query_free(subs[2]);
	qfree(&f);
	qfree(&c);
	index_query_free(main);
	return q;
}

index_query *match_build_query(const json_t *profile, const struct match_params *mp, problem *p)
{
	struct qlist must = {.n = 0}, boost = {.n = 0};
	index_query *core = NULL, *q = NULL, *parts[2];
	json_t *v;
	size_t i, lvl;
	char code[5], prefix[8];
	index_error e = {{0}};

	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		qadd_term(&must, VX_ESSENTIAL, s, !is_uri(s), RQ.essential);
		qadd_term(&must, VX_SKILL, s, !is_uri(s), RQ.skill);
		if (!is_uri(s)) {
			index_query *t = index_query_parse(s, "en", VX_TEXT, 0, &e);

			if (t) {
				qadd(&must, index_query_scale(t, RQ.text));
				index_query_free(t);
			}
		}
	}
	json_array_foreach(json_object_get(profile, "occupations"), i, v) {
		const char *s = json_string_value(v);

		if (!s)
			continue;
		if (is_uri(s))
			qadd_term(&must, VX_ESCO_OCC, s, 0, RQ.unit);
		occupation_code(s, code);
		if (!code[0])
			continue;
		/* The unit group and its neighbours, scaled down the hierarchy. */
		for (lvl = 4; lvl >= 2; lvl--) {
			memcpy(prefix, code, lvl);
			prefix[lvl] = '\0';
			qadd_term(&must, VX_OCCUPATION, prefix, 0,
				  lvl == 4 ? RQ.unit : lvl == 3 ? RQ.minor : RQ.sub_major);
		}
	}
	json_array_foreach(json_object_get(profile, "desired_countries"), i, v) {
		if (json_is_string(v))
			qadd_term(&boost, VX_COUNTRY, json_string_value(v), 0, RQ.country);
	}
	if (must.oom || boost.oom)
		goto oom;
	core = must.n ? index_query_combine(INDEX_OP_OR, must.q, must.n) : index_query_none();
	if (core && boost.n) {
		parts[0] = core;
		parts[1] = index_query_combine(INDEX_OP_OR, boost.q, boost.n);
		/* Countries add weight to what matched on skills or occupation
		 * but never bring in a vacancy on their own. */
		q = parts[1] ? index_query_combine(INDEX_OP_AND_MAYBE, parts, 2) : NULL;
		index_query_free(parts[1]);
		index_query_free(core);
		core = q;
	}
	qfree(&must);
	qfree(&boost);
	q = core ? with_filters(core, mp) : NULL;
	if (!q)
		goto oom2;
	return q;
oom:
	qfree(&must);
	qfree(&boost);
oom2:
	problem_set(p, 503, "Service unavailable", "out of memory building the match query");
	return NULL;
}

index_query *match_build_naive_query(const json_t *profile, const struct match_params *mp)
{
	struct qlist l = {.n = 0};
	json_t *v;
	size_t i;
	char code[5];
	index_query *q;

	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);

		if (s)
			qadd_term(&l, VX_SKILL, s, !is_uri(s), 1.0);
	}
	json_array_foreach(json_object_get(profile, "occupations"), i, v) {
		occupation_code(json_string_value(v), code);
		if (code[0])
			qadd_term(&l, VX_OCCUPATION, code, 0, 1.0);
	}
	q = l.oom ? NULL : l.n ? index_query_combine(INDEX_OP_OR, l.q, l.n) : index_query_none();
	qfree(&l);
	return q ? with_filters(q, mp) : NULL;
}

/* ---- facets ---- */

static int facet_add(json_t *counts, const char *key)
{
	json_t *n = json_object_get(counts, key);

	if (!key || !*key)
		return 0;
	if (n)
		return json_integer_set(n, json_integer_value(n) + 1);
	return json_object_set_new(counts, key, json_integer(1));
}

static int facet_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "count"));
	json_int_t cy = json_integer_value(json_object_get(y, "count"));

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "value")),
		      json_string_value(json_object_get(y, "value")));
}

/* {"ZA":3,...} -> [{"value":"ZA","count":3},...], most frequent first. */
static json_t *facet_list(json_t *counts)
{
	size_t n = json_object_size(counts), i = 0;
	json_t **items = calloc(n ? n : 1, sizeof *items), *arr = json_array(), *v;
	const char *key;

	if (!items || !arr) {
		free(items);
		json_decref(arr);
		return NULL;
	}
	json_object_foreach(counts, key, v) {
		items[i++] = json_pack("{s:s, s:O}", "value", key, "count", v);
	}
	qsort(items, n, sizeof *items, facet_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, items[i]);
	free(items);
	return arr;
}

/* ---- profile -> vacancies ---- */

static json_t *result_item(const struct person *pr, const struct scored *sc, json_t *flags,
			   enum verdict vd)
{
	json_t *matched, *missing, *gaps, *langs, *rec = json_object_get(sc->vacancy, "recruiter");
	json_t *item, *recruiter = json_null();

	if (explain_parts(pr, sc->vacancy, &matched, &missing, &gaps, &langs)) {
		json_decref(matched);
		json_decref(missing);
		json_decref(gaps);
		json_decref(langs);
		json_decref(flags);
		return NULL;
	}
	json_decref(langs);
	if (vd != VERDICT_NONE) {
		recruiter = json_pack("{s:s?, s:s}", "name",
				      json_string_value(json_object_get(rec, "name")), "verdict",
				      verdict_name(vd));
		if (recruiter && flags)
			json_object_set(recruiter, "flags", flags);
	}
	json_decref(flags);
	item = json_pack("{s:O, s:f, s:{s:s, s:o, s:o, s:{s:b, s:o}}, s:o}", "vacancy",
			 sc->vacancy, "score", round4(sc->score), "explanation", "occupation",
			 occ_name(sc->occ), "matched_skills", matched, "missing_essential", missing,
			 "languages", "met", sc->met, "gaps", gaps, "recruiter",
			 recruiter ? recruiter : json_null());
	return item;
}

int match_vacancies(index_db *db, const json_t *profile, const struct match_params *mp,
		    json_t **out, problem *p)
{
	index_search_opts opts = {.sort_slot = -1, .weighting = INDEX_WEIGHT_BM25};
	index_results *res = NULL;
	index_error e = {{0}};
	struct person pr;
	struct scored *cands = NULL;
	enum verdict *verdicts = NULL;
	json_t *answer = NULL, *list = NULL, *by_country = NULL, *by_major = NULL;
	json_t *fc = NULL, *fm = NULL;
	index_query *q;
	size_t n, i, kept = 0;
	double top;
	int rc = -1;

	*out = NULL;
	if (person_prepare(profile, &pr)) {
		problem_set(p, 503, "Service unavailable", "out of memory");
		return -1;
	}
	q = match_build_query(profile, mp, p);
	if (!q)
		goto done;
	opts.limit = (uint32_t)(mp->candidates ? mp->candidates : MATCH_CANDIDATES);
	rc = index_search(db, q, &opts, &res, &e);
	index_query_free(q);
	if (rc) {
		problem_set(p, 503, "Service unavailable", "the index cannot be searched: %s", e.msg);
		rc = -1;
		goto done;
	}
	rc = -1;
	n = index_results_count(res);
	top = n ? index_results_hit(res, 0)->weight : 0;
	cands = calloc(n ? n : 1, sizeof *cands);
	verdicts = calloc(n ? n : 1, sizeof *verdicts);
	by_country = json_object();
	by_major = json_object();
	list = json_array();
	if (!cands || !verdicts || !by_country || !by_major || !list)
		goto oom;
	for (i = 0; i < n; i++) {
		const index_hit *h = index_results_hit(res, i);
		json_t *v = json_loadb(h->data, h->data_len, 0, NULL), *flags = NULL;
		enum verdict vd;
		char code[5];

		if (!v)
			continue;
		vd = recruiter_verdict(v, &flags);
		json_decref(flags);
		if (vd == VERDICT_BLACKLISTED || (vd == VERDICT_FLAGGED && !mp->include_flagged)) {
			json_decref(v);
			continue;
		}
		cands[kept].vacancy = v;
		verdicts[kept] = vd;
		score_vacancy(&pr, v, top > 0 ? h->weight / top : 0, &cands[kept]);
		/* Facets count the whole re-ranked candidate set, not just the page. */
		occupation_code(json_string_value(json_object_get(v, "occupation")), code);
		code[code[0] ? 1 : 0] = '\0';
		if (facet_add(by_country, json_string_value(json_object_get(v, "country"))) ||
		    facet_add(by_major, code))
			goto oom;
		kept++;
	}
	qsort(cands, kept, sizeof *cands, by_score);
	for (i = 0; i < kept && i < mp->limit; i++) {
		json_t *flags = NULL, *item;
		enum verdict vd = recruiter_verdict(cands[i].vacancy, &flags);

		item = result_item(&pr, &cands[i], flags, vd);
		if (!item || json_array_append_new(list, item))
			goto oom;
	}
	fc = facet_list(by_country);
	fm = facet_list(by_major);
	if (!fc || !fm)
		goto oom;
	answer = json_pack("{s:o, s:[], s:{s:s, s:I, s:o, s:o}}", "vacancies", list, "quotas",
			   "facets", "source", "candidates", "candidates", (json_int_t)kept,
			   "country", fc, "isco_major", fm);
	list = fc = fm = NULL;
	if (!answer)
		goto oom;
	*out = answer;
	rc = 0;
	goto done;
oom:
	problem_set(p, 503, "Service unavailable", "out of memory");
done:
	for (i = 0; cands && i < kept; i++)
		json_decref(cands[i].vacancy);
	free(cands);
	free(verdicts);
	json_decref(list);
	json_decref(fc);
	json_decref(fm);
	json_decref(by_country);
	json_decref(by_major);
	index_results_free(res);
	person_release(&pr);
	return rc;
}

int match_attach_quotas(store *s, const json_t *profile, json_t *answer, problem *p)
{
	json_t *quotas = NULL;

	/* Quota listings and eligibility: engine/quota.h decides which
	 * listings are shown and why a near miss is not eligible. */
	if (quota_for_profile(s, profile, &quotas, p))
		return -1;
	if (json_object_set_new(answer, "quotas", quotas)) {
		problem_set(p, 503, "Service unavailable", "out of memory");
		return -1;
	}
	return 0;
}

/* ---- vacancy -> candidate cards ---- */

int match_candidates(store *s, const struct principal *who, const char *vacancy_id, size_t limit,
		     json_t **out, problem *p)
{
	json_t *v = NULL, *pool = NULL, *skills = NULL, *occs = NULL, *items = NULL, *x, *detail = NULL;
	struct scored *cands = NULL;
	struct person *people = NULL;
	const char *org = who->role == ROLE_EMPLOYER ? who->org : NULL;
	size_t i, n = 0, prepared = 0;
	int64_t id;
	char code[5];
	int rc = -1;

	*out = NULL;
	if (vacancy_parse_id(vacancy_id, &id)) {
		problem_set(p, 404, "Not found", "no such vacancy");
		return -1;
	}
	if (store_begin(s)) {
		store_problem(s, p);
		return -1;
	}
	if (vacancy_get(s, id, org, &v, p))
		goto fail;
	skills = json_array();
	occs = json_array();
	items = json_array();
	if (!skills || !occs || !items)
		goto oom;
	json_array_extend(skills, json_object_get(json_object_get(v, "skills"), "essential"));
	json_array_extend(skills, json_object_get(json_object_get(v, "skills"), "optional"));
	x = json_object_get(v, "occupation");
	if (json_is_string(x)) {
		json_array_append(occs, x);
		occupation_code(json_string_value(x), code);
		if (code[0] && strcmp(code, json_string_value(x)))
			json_array_append_new(occs, json_string(code));
	}
	if (profile_candidates(s, skills, occs, MATCH_CARD_POOL, &pool, p))
		goto fail;
	n = json_array_size(pool);
	cands = calloc(n ? n : 1, sizeof *cands);
	people = calloc(n ? n : 1, sizeof *people);
	if (!cands || !people)
		goto oom;
	for (i = 0; i < n; i++) {
		if (person_prepare(json_object_get(json_array_get(pool, i), "doc"), &people[i]))
			goto oom;
		prepared++;
		/* No index weight in this direction: every card loses the same share. */
		score_vacancy(&people[i], v, 0, &cands[i]);
		cands[i].id = (int64_t)i; /* ties: the pool's order (newest profile first) */
		cands[i].vacancy = json_array_get(pool, i);
	}
	qsort(cands, n, sizeof *cands, by_score);
	detail = json_pack("{s:s}", "vacancy", vacancy_id);
	if (!detail)
		goto oom;
	for (i = 0; i < n && i < limit; i++) {
		struct person *pr = &people[cands[i].id];
		const char *pid = json_string_value(json_object_get(cands[i].vacancy, "id"));
		json_t *matched, *missing, *gaps, *langs, *card;

		if (explain_parts(pr, v, &matched, &missing, &gaps, &langs)) {
			json_decref(matched);
			json_decref(missing);
			json_decref(gaps);
			json_decref(langs);
			goto oom;
		}
		json_decref(gaps);
		/* Minimised: no citizenship, no dates, no free text beyond skills. */
		card = json_pack("{s:s, s:f, s:o, s:o, s:o}", "profile", pid, "score",
				 round4(cands[i].score), "matched_skills", matched,
				 "missing_essential", missing, "languages", langs);
		if (!card || json_array_append_new(items, card))
			goto oom;
		if (audit_write(s, who, "profile.card", pid, detail))
			goto fail;
	}
	if (store_commit(s))
		goto fail;
	*out = json_pack("{s:o}", "items", items);
	items = NULL;
	rc = *out ? 0 : -1;
	if (rc)
		problem_set(p, 503, "Service unavailable", "out of memory");
	goto done;
oom:
	problem_set(p, 503, "Service unavailable", "out of memory");
fail:
	store_rollback(s);
	if (!p->status)
		store_problem(s, p);
done:
	for (i = 0; i < prepared; i++)
		person_release(&people[i]);
	free(people);
	free(cands);
	json_decref(detail);
	json_decref(v);
	json_decref(pool);
	json_decref(skills);
	json_decref(occs);
	json_decref(items);
	return rc;
}
