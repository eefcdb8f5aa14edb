/*
 * match.c - retrieval, scoring, explanations and facets of matching (see
 * match.h and docs/matching.md).
 *
 * The scoring function is the one place where "how good is this vacancy
 * for this person" is decided; both directions (profile -> vacancies and
 * vacancy -> candidate cards) use it. All weights live in the two tables
 * below (retrieval and scoring) so that docs/matching.md can quote them.
 */
#include "engine/match/match.h"
#include "engine/taxonomy/taxonomy.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/iso.h"
#include "engine/audit.h"
#include "engine/core/fields.h"
#include "engine/integrity/integrity.h"
#include "engine/profile.h"
#include "engine/quota/quota.h"
#include "engine/vacancy.h"
#include "index/schema.h"

/* ---- the weights (docs/matching.md quotes these) ---- */

/* Retrieval: what each matching query part adds to a hit's weight (CoordWeight:
 * exact, so Xapian can stop walking lists that cannot lift a hit into the
 * candidates; docs/matching.md). */
static const struct {
	double skill;       /* XS: the skill appears in the vacancy (essential or optional) */
	double unit;        /* XO: same ISCO-08 unit group (4 digits), XE: same ESCO occupation */
	double minor;       /* XO: same minor group (3 digits) */
	double text;        /* free-text skills as words over title and description */
	double country;     /* XC: a desired country (boost only, never required) */
	double inferred;    /* XE: an occupation inferred from the skills, × its likelihood */
	double inferred_unit; /* XO: its unit group, × its likelihood */
} RQ = {2.0, 3.0, 1.5, 0.5, 0.5, 3.0, 1.5};

/* Scoring: the parts of the raw score in [0, 1] (they add up to 1). */
static const struct {
	double essential;      /* share of the vacancy's essential skills the person has */
	double use;            /* share of the person's skills the vacancy asks for */
	double retrieval;      /* the index's weight relative to the best candidate's (idf) */
	double optional;       /* share of its optional skills */
	double occupation;     /* proximity to an occupation the person states (below) */
	double experience;     /* min(years, 10) / 10, scaled by occupation proximity */
	double country;        /* the vacancy is in a desired country */
	double inferred;       /* the vacancy is of an occupation inferred from the skills */
	double inferred_unit;  /* ... or of its ISCO-08 unit group */
	double no_essential;   /* coverage assumed when a vacancy lists no essential skill */
	/* skill weight by ESCO reuse level: specific skills say more than transversal ones */
	double transversal, cross_sector, sector, occupation_specific;
	/* occupation proximity */
	double occ_exact, occ_unit, occ_minor, occ_sub_major;
	/* final score: met languages map raw to [met_floor, 1], gaps to [0, gap_ceiling] */
	double met_floor, gap_ceiling;
} W = {0.10, 0.10, 0.05, 0.05, 0.10, 0.05, 0.05, 0.40, 0.10, 0.5,
       0.4, 0.7, 1.0, 1.3,
       1.0, 0.8, 0.5, 0.25,
       0.5, 0.49};

/* Occupation inference from a skill set (ESCO occupation-skill relations),
 * a naive Bayes model: occupation o "emits" each skill it lists with
 * probability (1 - unlisted) × w / Z(o), w = 1 for an essential skill and
 * `optional` for an optional one, Z(o) the sum of w over its list, and any
 * other skill with probability unlisted / (number of ESCO skills). So a
 * skill the occupation does not list costs much, and of two occupations
 * listing the same skills the one with the shorter list wins. The person's
 * likely occupations: the best INFER_MAX over all of ESCO (a unit group
 * the person states multiplies the prior by `stated`), kept when their
 * likelihood is at least `min_rel` of the best's. A vacancy that gives only
 * an ISCO-08 code: the posterior over the occupations of that unit group,
 * the best VAC_INFER_MAX of at least `min_vac` stored in its record. */
static const struct {
	double optional;   /* w of an optional skill, vs 1 for an essential one */
	double unlisted;   /* probability mass of skills the occupation does not list */
	double stated;     /* prior for occupations of a unit group the person states */
	double min_rel;    /* keep the person's occupations with this share of the best's likelihood */
	double min_vac;    /* keep a vacancy's occupations with this posterior */
	double inferred;   /* an occupation inferred from a vacancy's skills counts this much of
			      one it names */
} INF = {0.5, 0.05, 10.0, 0.05, 0.02, 0.8};

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

/* Words of a free text, as the query parser splits it on spaces (>= 1). */
static size_t count_words(const char *s)
{
	size_t n = 0;
	int in = 0;

	for (; *s; s++) {
		int sp = isspace((unsigned char)*s);

		n += !sp && !in;
		in = !sp;
	}
	return n ? n : 1;
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

/* ---- the occupation model: ESCO's occupation-skill relations ---- */

#define INFER_MAX 5

static struct {
	size_t n_occ, n_skill;
	uint32_t *os_off;   /* occupation o's skills: os_key[os_off[o] .. os_off[o + 1]) */
	uint32_t *os_key;   /* skill index << 1 | essential, ascending */
	double *occ_z;      /* Z(o): the sum of w over the occupation's skills */
	uint32_t *so_off;   /* skill k's occupations: so_key[so_off[k] .. so_off[k + 1]) */
	uint32_t *so_key;   /* occupation index << 1 | essential */
	struct lab {
		char *lc;     /* lowercased preferred label */
		uint32_t idx; /* skill index */
	} *labs;            /* sorted by lc, for "which ESCO skills have this label" */
	int ok;
} M;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int lab_cmp(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;
	int c = strcmp(x->lc, y->lc);

	return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void model_build(void)
{
	const esco *t = match_taxonomy();
	size_t o, i, j, total = 0, n;
	uint32_t *df = NULL, *fill = NULL;

	if (!t)
		return;
	M.n_occ = esco_occupation_count(t);
	M.n_skill = esco_skill_count(t);
	for (o = 0; o < M.n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(t, o);

		total += x->n_essential + x->n_optional;
	}
	M.os_off = calloc(M.n_occ + 1, sizeof *M.os_off);
	M.os_key = calloc(total + 1, sizeof *M.os_key);
	M.occ_z = calloc(M.n_occ + 1, sizeof *M.occ_z);
	M.so_off = calloc(M.n_skill + 1, sizeof *M.so_off);
	M.so_key = calloc(total + 1, sizeof *M.so_key);
	M.labs = calloc(M.n_skill + 1, sizeof *M.labs);
	df = calloc(M.n_skill + 1, sizeof *df);
	fill = calloc(M.n_skill + 1, sizeof *fill);
	if (!M.os_off || !M.os_key || !M.occ_z || !M.so_off || !M.so_key || !M.labs || !df || !fill)
		goto fail;
	for (i = 0; i < M.n_skill; i++) {
		char buf[KEY_MAX];

		M.labs[i].idx = (uint32_t)i;
		M.labs[i].lc = strdup(lower(esco_skill_at(t, i)->label, buf, sizeof buf));
		if (!M.labs[i].lc)
			goto fail;
	}
	qsort(M.labs, M.n_skill, sizeof *M.labs, lab_cmp);
	/* Each occupation's skills, sorted, an essential listing winning over
	 * an optional one of the same skill. */
	n = 0;
	for (o = 0; o < M.n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(t, o);
		size_t start = n, w;

		M.os_off[o] = (uint32_t)n;
		for (i = 0; i < x->n_essential; i++)
			M.os_key[n++] = x->essential[i]->index << 1 | 1;
		for (i = 0; i < x->n_optional; i++)
			M.os_key[n++] = x->optional[i]->index << 1;
		qsort(M.os_key + start, n - start, sizeof *M.os_key, cmp_u32);
		for (i = start, w = start; i < n; i++) {
			if (w > start && M.os_key[w - 1] >> 1 == M.os_key[i] >> 1)
				M.os_key[w - 1] = M.os_key[i]; /* the higher key is the essential one */
			else
				M.os_key[w++] = M.os_key[i];
		}
		n = w;
		for (i = start; i < n; i++)
			df[M.os_key[i] >> 1]++;
	}
	M.os_off[M.n_occ] = (uint32_t)n;
	for (o = 0; o < M.n_occ; o++) {
		double z = 0;

		for (i = M.os_off[o]; i < M.os_off[o + 1]; i++)
			z += M.os_key[i] & 1 ? 1.0 : INF.optional;
		M.occ_z[o] = z > 0 ? z : 1;
	}
	/* The inverse: skill -> occupations listing it. */
	for (i = 0, j = 0; i < M.n_skill; i++) {
		M.so_off[i] = (uint32_t)j;
		j += df[i];
	}
	M.so_off[M.n_skill] = (uint32_t)j;
	for (o = 0; o < M.n_occ; o++)
		for (i = M.os_off[o]; i < M.os_off[o + 1]; i++) {
			uint32_t k = M.os_key[i] >> 1;

			M.so_key[M.so_off[k] + fill[k]++] = (uint32_t)o << 1 | (M.os_key[i] & 1);
		}
	free(df);
	free(fill);
	M.ok = 1;
	return;
fail:
	free(df);
	free(fill);
	free(M.os_off);
	free(M.os_key);
	free(M.occ_z);
	free(M.so_off);
	free(M.so_key);
	for (i = 0; M.labs && i < M.n_skill; i++)
		free(M.labs[i].lc);
	free(M.labs);
	memset(&M, 0, sizeof M);
}

static int model_ready(void)
{
	pthread_once(&model_once, model_build);
	return M.ok;
}

/* Whether occupation o lists skill k: 0 no, 1 as optional, 2 as essential. */
static int occ_lists(uint32_t o, uint32_t k)
{
	size_t lo = M.os_off[o], hi = M.os_off[o + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t s = M.os_key[mid] >> 1;

		if (s == k)
			return 1 + (int)(M.os_key[mid] & 1);
		if (s < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Sets bit k of `has` for every ESCO skill k whose lowercased label is lc. */
static void mark_label(uint8_t *has, const char *lc)
{
	size_t lo = 0, hi = M.n_skill;

	while (lo < hi) { /* the first entry >= lc */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(M.labs[mid].lc, lc) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < M.n_skill && strcmp(M.labs[lo].lc, lc) == 0; lo++)
		has[M.labs[lo].idx >> 3] |= (uint8_t)(1u << (M.labs[lo].idx & 7));
}

/* log P(skill | o) for a skill o lists (essential or not), and for one it
 * does not list. */
static double lp_listed(uint32_t o, int essential)
{
	return log((1 - INF.unlisted) * (essential ? 1.0 : INF.optional) / M.occ_z[o]);
}

static double lp_unlisted(void)
{
	return log(INF.unlisted / (double)(M.n_skill ? M.n_skill : 1));
}

/* ---- the person, prepared once per match ---- */

#define PROF_OCC_MAX 10
#define PROF_LANG_MAX 10

struct person {
	json_t *skills; /* set: URIs, lowercased free text, lowercased labels of URIs */
	struct {
		const char *uri; /* ESCO URI or NULL; borrowed from the profile */
		uint32_t idx;    /* its ESCO index + 1, 0 when not an ESCO occupation */
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
	/* occupations inferred from the skills: ESCO index, likelihood relative to the best */
	struct {
		uint32_t occ;
		double rel;
	} inf[INFER_MAX];
	size_t n_inf;
	/* bit k: the person has ESCO skill k, by its URI or by its label
	 * (person_has_skill's rule, precomputed); NULL without the model */
	uint8_t *has;
};

static void person_release(struct person *pr)
{
	json_decref(pr->skills);
	pr->skills = NULL;
	free(pr->has);
	pr->has = NULL;
}

/* Fills pr->inf from the person's ESCO skills (nothing when the taxonomy
 * is missing or memory is short: matching then works without it). */
static void person_infer(const json_t *profile, struct person *pr)
{
	const esco *t = match_taxonomy();
	double *ev, best = 0;
	size_t i, j, o;
	json_t *v;

	if (!t || !model_ready())
		return;
	ev = calloc(M.n_occ, sizeof *ev);
	if (!ev)
		return;
	/* ev[o]: log-likelihood of the skills under o, less that of a model
	 * listing none of them (so 0 for occupations listing none). */
	json_array_foreach(json_object_get(profile, "skills"), i, v) {
		const char *s = json_string_value(v);
		const esco_skill *k = s && is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

		if (!k)
			continue;
		for (j = M.so_off[k->index]; j < M.so_off[k->index + 1]; j++) {
			uint32_t oc = M.so_key[j] >> 1;

			ev[oc] += lp_listed(oc, (int)(M.so_key[j] & 1)) - lp_unlisted();
		}
	}
	for (o = 0; o < M.n_occ; o++) {
		if (ev[o] <= 0)
			continue;
		for (i = 0; i < pr->n_occ; i++)
			if (pr->occ[i].code[0] && strcmp(pr->occ[i].code, esco_occupation_at(t, o)->isco) == 0) {
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
	free(ev);
	best = pr->n_inf ? pr->inf[0].rel : 0;
	for (i = 0; i < pr->n_inf; i++) {
		pr->inf[i].rel = exp(pr->inf[i].rel - best);
		if (pr->inf[i].rel < INF.min_rel)
			break;
	}
	pr->n_inf = i;
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
		if (is_uri(s) && match_taxonomy()) {
			const esco_occupation *o = esco_occupation_by_uri(match_taxonomy(), s);

			pr->occ[pr->n_occ].idx = o ? o->index + 1 : 0;
		}
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
	person_infer(profile, pr);
	if (model_ready() && (pr->has = calloc(M.n_skill / 8 + 1, 1)) != NULL) {
		const char *key;

		/* Every key of the set is a URI or a lowercased text. */
		json_object_foreach(pr->skills, key, v) {
			const esco_skill *k = is_uri(key) ? esco_skill_by_uri(match_taxonomy(), key) : NULL;

			if (k)
				pr->has[k->index >> 3] |= (uint8_t)(1u << (k->index & 7));
			else if (!is_uri(key))
				mark_label(pr->has, key);
		}
	}
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

/* ---- what scoring needs of a vacancy: its facts ----
 *
 * Re-ranking reads only these, from the compact record the document
 * builder stores in value slot VX_SLOT_MATCH (match_vacancy_facts), so
 * the full JSON is decoded only for the page returned. The record
 * (little-endian):
 *
 *   'F' version | id i64 | country 2 | ISCO unit group 4 | ESCO occupation u32
 *   | n_lang u8 | n_essential u8 | n_optional u8 | flags u8 (1: recruiter)
 *   | n_inferred u8 | valid_until 10 ("YYYY-MM-DD", zero bytes: none)
 *   | inferred occupations: u32 ESCO index, u8 posterior x 255
 *   | languages: code 2, CEFR rank u8 | skills: u32 ESCO index + 1, or 0
 *   then u8 length and the free text as written | recruiter: name,
 *   licence, country, each u16 length and bytes
 *
 * ESCO indices are positions in the taxonomy loaded when the index was
 * built: the index metadata VX_META_FORMAT names the format and the ESCO
 * sizes, and a server that finds another value rebuilds the index.
 */

#define FACTS_VERSION 2
#define FACTS_SKILLS 50 /* VACANCY_SKILLS_MAX per list */
#define FACTS_LANGS 10
#define FACTS_HEADER 35
#define FACTS_DATE 10 /* "YYYY-MM-DD" */
#define VAC_INFER_MAX 3

struct fskill {
	uint32_t idx; /* ESCO skill index + 1; 0: free text */
	const char *text;
	size_t len;
};

struct facts {
	int64_t id;
	char country[3];
	char isco[5];
	char valid_until[FACTS_DATE + 1]; /* "" when the vacancy gives none */
	uint32_t occ; /* ESCO occupation index + 1; 0: an ISCO code or nothing */
	size_t n_lang, n_ess, n_opt;
	struct {
		char code[3];
		int rank;
	} lang[FACTS_LANGS];
	struct fskill ess[FACTS_SKILLS], opt[FACTS_SKILLS];
	/* for a vacancy giving only an ISCO code: its likely ESCO occupations */
	size_t n_vinf;
	struct {
		uint32_t occ; /* ESCO index */
		double q;     /* posterior within the unit group */
	} vinf[VAC_INFER_MAX];
	const json_t *rec_json; /* from a JSON vacancy (borrowed), or NULL */
	int has_rec;
	const char *rec[3]; /* name, licence, country of a decoded record (not NUL-terminated) */
	size_t rec_len[3];
};

static void fskill_set(struct fskill *f, const char *s)
{
	const esco *t = match_taxonomy();
	const esco_skill *k = t && is_uri(s) ? esco_skill_by_uri(t, s) : NULL;

	f->idx = k ? k->index + 1 : 0;
	f->text = s;
	f->len = strlen(s);
}

/* f->vinf: the posterior over the ESCO occupations of the vacancy's unit
 * group given its ESCO skills, when it names no ESCO occupation. */
static void vacancy_infer(struct facts *f)
{
	const esco *t = match_taxonomy();
	const esco_occupation *const *list;
	double ll[256], best = -HUGE_VAL, sum = 0;
	size_t n, i, j, has = 0;

	f->n_vinf = 0;
	if (f->occ || strlen(f->isco) != 4 || !t || !model_ready())
		return;
	n = esco_occupations_by_isco(t, f->isco, &list);
	if (n > sizeof ll / sizeof ll[0])
		n = sizeof ll / sizeof ll[0];
	for (i = 0; i < n; i++) {
		uint32_t o = list[i]->index;

		ll[i] = 0;
		for (j = 0; j < f->n_ess + f->n_opt; j++) {
			const struct fskill *k = j < f->n_ess ? &f->ess[j] : &f->opt[j - f->n_ess];
			int l;

			if (!k->idx)
				continue;
			has = 1;
			l = occ_lists(o, k->idx - 1);
			ll[i] += l ? lp_listed(o, l == 2) : lp_unlisted();
		}
		if (ll[i] > best)
			best = ll[i];
	}
	if (!has)
		return;
	for (i = 0; i < n; i++)
		sum += ll[i] = exp(ll[i] - best);
	for (i = 0; i < n; i++) {
		/* in 1/255 steps, as the index record stores it */
		double q = (double)lround(ll[i] / sum * 255) / 255;

		if (q < INF.min_vac)
			continue;
		/* the best VAC_INFER_MAX, descending, ties by group order */
		for (j = f->n_vinf; j > 0 && q > f->vinf[j - 1].q; j--)
			if (j < VAC_INFER_MAX)
				f->vinf[j] = f->vinf[j - 1];
		if (j < VAC_INFER_MAX) {
			f->vinf[j].occ = list[i]->index;
			f->vinf[j].q = q;
			if (f->n_vinf < VAC_INFER_MAX)
				f->n_vinf++;
		}
	}
}

/* The facts of a vacancy representation (pointers borrow from v). */
static void facts_from_json(const json_t *v, struct facts *f)
{
	json_t *skills = json_object_get(v, "skills"), *x;
	const char *occ = json_string_value(json_object_get(v, "occupation"));
	const char *country = json_string_value(json_object_get(v, "country"));
	const char *until = json_string_value(json_object_get(v, "valid_until"));
	const esco *t = match_taxonomy();
	size_t i;

	memset(f, 0, sizeof *f);
	vacancy_parse_id(json_string_value(json_object_get(v, "id")), &f->id);
	if (country && strlen(country) == 2)
		memcpy(f->country, country, 3);
	if (until && strlen(until) == FACTS_DATE)
		memcpy(f->valid_until, until, FACTS_DATE + 1);
	occupation_code(occ, f->isco);
	if (occ && t && strncmp(occ, ESCO_OCC, strlen(ESCO_OCC)) == 0) {
		const esco_occupation *o = esco_occupation_by_uri(t, occ);

		f->occ = o ? o->index + 1 : 0;
	}
	json_array_foreach(json_object_get(skills, "essential"), i, x) {
		if (json_is_string(x) && f->n_ess < FACTS_SKILLS)
			fskill_set(&f->ess[f->n_ess++], json_string_value(x));
	}
	json_array_foreach(json_object_get(skills, "optional"), i, x) {
		if (json_is_string(x) && f->n_opt < FACTS_SKILLS)
			fskill_set(&f->opt[f->n_opt++], json_string_value(x));
	}
	json_array_foreach(json_object_get(v, "languages"), i, x) {
		const char *code = json_string_value(json_object_get(x, "code"));
		const char *lvl = json_string_value(json_object_get(x, "level"));

		if (!code || strlen(code) != 2 || f->n_lang >= FACTS_LANGS)
			continue;
		memcpy(f->lang[f->n_lang].code, code, 3);
		f->lang[f->n_lang++].rank = lvl ? iso_cefr_rank(lvl) : 0;
	}
	x = json_object_get(v, "recruiter");
	if (json_is_object(x)) {
		f->has_rec = 1;
		f->rec_json = x;
	}
	vacancy_infer(f);
}

/* A small growable byte buffer for the encoder. */
struct bytes {
	char *b;
	size_t len, cap;
	int oom;
};

static void put(struct bytes *o, const void *p, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n > o->cap) {
		size_t cap = (o->len + n) * 2 + 64;
		char *b = realloc(o->b, cap);

		if (!b) {
			o->oom = 1;
			return;
		}
		o->b = b;
		o->cap = cap;
	}
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void put_u32(struct bytes *o, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};

	put(o, b, 4);
}

static void put_str16(struct bytes *o, const char *s, size_t n)
{
	unsigned char b[2];

	if (n > 0xffff)
		n = 0xffff;
	b[0] = (unsigned char)n;
	b[1] = (unsigned char)(n >> 8);
	put(o, b, 2);
	put(o, s, n);
}

/* A skill as written: explanations quote it, and matching lowercases it
 * itself (VACANCY_SKILL_MAX keeps it under the u8 length). */
static void put_skill(struct bytes *o, const struct fskill *k)
{
	unsigned char n = (unsigned char)(k->len < 255 ? k->len : 255);

	put_u32(o, k->idx);
	if (k->idx)
		return;
	put(o, &n, 1);
	put(o, k->text, n);
}

int match_vacancy_facts(const json_t *v, char **out, size_t *len)
{
	struct facts *f = malloc(sizeof *f);
	struct bytes o = {NULL, 0, 0, 0};
	unsigned char hdr[FACTS_HEADER] = {'F', FACTS_VERSION};
	uint64_t id;
	size_t i;
	static const char *const rk[3] = {"name", "licence", "country"};

	*out = NULL;
	*len = 0;
	if (!f)
		return -1;
	facts_from_json(v, f);
	id = (uint64_t)f->id;
	for (i = 0; i < 8; i++)
		hdr[2 + i] = (unsigned char)(id >> (8 * i));
	memcpy(hdr + 10, f->country, 2);
	memcpy(hdr + 12, f->isco, 4);
	for (i = 0; i < 4; i++)
		hdr[16 + i] = (unsigned char)(f->occ >> (8 * i));
	hdr[20] = (unsigned char)f->n_lang;
	hdr[21] = (unsigned char)f->n_ess;
	hdr[22] = (unsigned char)f->n_opt;
	hdr[23] = (unsigned char)(f->has_rec ? 1 : 0);
	hdr[24] = (unsigned char)f->n_vinf;
	memcpy(hdr + 25, f->valid_until, strlen(f->valid_until));
	put(&o, hdr, sizeof hdr);
	for (i = 0; i < f->n_vinf; i++) {
		unsigned char q = (unsigned char)lround(f->vinf[i].q * 255);

		put_u32(&o, f->vinf[i].occ);
		put(&o, &q, 1);
	}
	for (i = 0; i < f->n_lang; i++) {
		unsigned char r = (unsigned char)f->lang[i].rank;

		put(&o, f->lang[i].code, 2);
		put(&o, &r, 1);
	}
	for (i = 0; i < f->n_ess; i++)
		put_skill(&o, &f->ess[i]);
	for (i = 0; i < f->n_opt; i++)
		put_skill(&o, &f->opt[i]);
	for (i = 0; f->has_rec && i < 3; i++) {
		const char *s = json_string_value(json_object_get(f->rec_json, rk[i]));

		put_str16(&o, s ? s : "", s ? strlen(s) : 0);
	}
	free(f);
	if (o.oom) {
		free(o.b);
		return -1;
	}
	*out = o.b;
	*len = o.len;
	return 0;
}

static char format_buf[64];
static pthread_once_t format_once = PTHREAD_ONCE_INIT;

static void format_build(void)
{
	const esco *t = match_taxonomy();

	snprintf(format_buf, sizeof format_buf, "%d esco=%zu/%zu", FACTS_VERSION + 1,
		 t ? esco_occupation_count(t) : 0, t ? esco_skill_count(t) : 0);
}

const char *match_index_format(void)
{
	pthread_once(&format_once, format_build);
	return format_buf;
}

/* Reads a record written by match_vacancy_facts; -1 when it is not one
 * (an index built before the format existed: the caller decodes the JSON). */
static int facts_decode(const char *p, size_t n, struct facts *f)
{
	const unsigned char *b = (const unsigned char *)p;
	size_t at = FACTS_HEADER, i, j;
	uint64_t id = 0;

	if (n < FACTS_HEADER || b[0] != 'F' || b[1] != FACTS_VERSION || b[20] > FACTS_LANGS ||
	    b[21] > FACTS_SKILLS || b[22] > FACTS_SKILLS || b[24] > VAC_INFER_MAX)
		return -1;
	memset(f, 0, sizeof *f);
	for (i = 0; i < 8; i++)
		id |= (uint64_t)b[2 + i] << (8 * i);
	f->id = (int64_t)id;
	memcpy(f->country, b + 10, 2);
	memcpy(f->isco, b + 12, 4);
	f->occ = (uint32_t)b[16] | (uint32_t)b[17] << 8 | (uint32_t)b[18] << 16 | (uint32_t)b[19] << 24;
	if (f->occ > (M.ok ? M.n_occ : 0))
		return -1;
	f->n_lang = b[20];
	f->n_ess = b[21];
	f->n_opt = b[22];
	f->has_rec = b[23] & 1;
	f->n_vinf = b[24];
	if (b[25]) {
		memcpy(f->valid_until, b + 25, FACTS_DATE);
		f->valid_until[FACTS_DATE] = '\0';
	}
	for (i = 0; i < f->n_vinf; i++, at += 5) {
		if (at + 5 > n)
			return -1;
		f->vinf[i].occ = (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
				 (uint32_t)b[at + 3] << 24;
		f->vinf[i].q = b[at + 4] / 255.0;
		if (f->vinf[i].occ >= M.n_occ)
			return -1;
	}
	for (i = 0; i < f->n_lang; i++, at += 3) {
		if (at + 3 > n)
			return -1;
		memcpy(f->lang[i].code, p + at, 2);
		f->lang[i].rank = b[at + 2];
	}
	for (j = 0; j < f->n_ess + f->n_opt; j++) {
		struct fskill *k = j < f->n_ess ? &f->ess[j] : &f->opt[j - f->n_ess];

		if (at + 4 > n)
			return -1;
		k->idx = (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
			 (uint32_t)b[at + 3] << 24;
		at += 4;
		if (k->idx > M.n_skill)
			return -1;
		if (k->idx)
			continue;
		if (at + 1 > n || at + 1 + b[at] > n)
			return -1;
		k->len = b[at];
		k->text = p + at + 1;
		at += 1 + k->len;
	}
	for (i = 0; f->has_rec && i < 3; i++) {
		if (at + 2 > n)
			return -1;
		f->rec_len[i] = (size_t)b[at] | (size_t)b[at + 1] << 8;
		if (at + 2 + f->rec_len[i] > n)
			return -1;
		f->rec[i] = p + at + 2;
		at += 2 + f->rec_len[i];
	}
	return at == n ? 0 : -1;
}

/* How much matching skill k says (W's reuse-level weights; free text 1). */
static double fskill_weight(const struct fskill *k)
{
	const esco *t = match_taxonomy();
	const esco_skill *s = t && k->idx ? esco_skill_at(t, k->idx - 1) : NULL;

	if (!s)
		return 1.0;
	switch (s->reuse) {
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

static int person_has_fskill(const struct person *pr, const struct fskill *k)
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

/* ---- scoring ---- */

enum occ_match { OCC_NONE, OCC_RELATED, OCC_EXACT };

struct scored {
	double raw, score;
	int met; /* every required language met */
	enum occ_match occ;
	int64_t id;
	size_t hit;      /* position among the retrieved hits */
	json_t *vacancy; /* borrowed or owned, see users */
};

/* Occupation proximity of the vacancy to the best of the person's stated occupations. */
static double occupation_score(const struct person *pr, const struct facts *f, enum occ_match *kind)
{
	double best = 0;
	size_t i;

	*kind = OCC_NONE;
	for (i = 0; i < pr->n_occ; i++) {
		double sc = 0;
		enum occ_match k = OCC_NONE;
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
static void inferred_score(const struct person *pr, const struct facts *f, double *exact, double *unit)
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
static void score_facts(const struct person *pr, const struct facts *f, double retrieval,
			struct scored *out)
{
	size_t i;
	double we = 0, wo = 0, he = 0, ho = 0, cov_e, cov_o, use, occ, inf_exact, inf_unit, raw;

	for (i = 0; i < f->n_ess; i++) {
		double k = fskill_weight(&f->ess[i]);

		we += k;
		if (person_has_fskill(pr, &f->ess[i]))
			he += k;
	}
	for (i = 0; i < f->n_opt; i++) {
		double k = fskill_weight(&f->opt[i]);

		wo += k;
		if (person_has_fskill(pr, &f->opt[i]))
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

		if (person_lang(pr, code, NULL) < f->lang[i].rank)
			out->met = 0;
	}
	out->raw = raw;
	/* The tier is part of the score itself, so "ordered by score" and "a
	 * language gap ranks below every met vacancy" are one rule. */
	out->score = out->met ? W.met_floor + (1 - W.met_floor) * raw : W.gap_ceiling * raw;
	out->id = f->id;
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

/* A skill of the explanation: {"uri", "label"} plus "essential" when matched. */
static int explain_skill(json_t *list, const struct fskill *k, int matched, int essential)
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
		uri = is_uri(text) ? text : NULL;
		label = skill_label(text);
	}
	return json_array_append_new(list, matched ? json_pack("{s:s?, s:s, s:b}", "uri", uri, "label",
							      label, "essential", essential)
						   : json_pack("{s:s?, s:s}", "uri", uri, "label", label));
}

/* matched_skills, missing_essential, the language gaps and, with langs
 * (else NULL), every required language with whether it is met: from the
 * facts re-ranking scored, so the explanation says what the score counted. */
static int explain_facts(const struct person *pr, const struct facts *f, json_t **matched,
			 json_t **missing, json_t **gaps, json_t **langs)
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
		const struct fskill *k = essential ? &f->ess[i] : &f->opt[i - f->n_ess];

		if (person_has_fskill(pr, k)) {
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
		met = person_lang(pr, code, &have) >= f->lang[i].rank;
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

static const char *occ_name(enum occ_match m)
{
	return m == OCC_EXACT ? "exact" : m == OCC_RELATED ? "related" : "none";
}

/* ---- the recruiter's verdict ---- */

enum verdict { VERDICT_NONE, VERDICT_LICENSED, VERDICT_FLAGGED, VERDICT_UNKNOWN,
	       VERDICT_BLACKLISTED };

/* The matcher's verdict for the snapshot's kind (unlicensed counts as unknown). */
static enum verdict verdict_of(enum integrity_kind k)
{
	return k == INTEGRITY_BLACKLISTED ? VERDICT_BLACKLISTED
	       : k == INTEGRITY_FLAGGED   ? VERDICT_FLAGGED
	       : k == INTEGRITY_LICENSED  ? VERDICT_LICENSED
					  : VERDICT_UNKNOWN;
}

/*
 * The one place the integrity snapshot (engine/integrity.h) joins
 * matching: the in-memory snapshot, so a flag committed by a regulator
 * counts from the very next match. `rec` is the vacancy's recruiter object
 * (NULL for a direct hire). *flags gets a new array of the active flags
 * when flagged. Unlicensed counts as unknown here.
 */
static enum verdict recruiter_verdict(const integrity_snapshot *snap, const json_t *rec,
				      json_t **flags)
{
	struct integrity_verdict iv = {0};
	enum verdict v;

	*flags = NULL;
	if (!json_is_object(rec))
		return VERDICT_NONE;
	integrity_snapshot_verdict(snap, rec, &iv);
	v = verdict_of(iv.kind);
	if (v == VERDICT_FLAGGED && iv.flags)
		*flags = json_incref(iv.flags);
	integrity_verdict_release(&iv);
	return v;
}

static const char *verdict_name(enum verdict v)
{
	return v == VERDICT_LICENSED ? "licensed" : v == VERDICT_FLAGGED ? "flagged" : "unknown";
}

/* The verdict from a vacancy's facts; with flags (else NULL), *flags gets
 * the active flags when flagged, as recruiter_verdict. */
static enum verdict facts_verdict(const integrity_snapshot *snap, const struct facts *f,
				  json_t **flags)
{
	static const char *const rk[3] = {"name", "licence", "country"};
	json_t *rec, *fl = NULL;
	enum verdict v;
	size_t i;

	if (flags)
		*flags = NULL;
	if (!f->has_rec)
		return VERDICT_NONE;
	if (f->rec_json) {
		v = recruiter_verdict(snap, f->rec_json, &fl);
		goto out;
	}
	if (f->rec_len[0] < 256 && f->rec_len[1] < 256 && f->rec_len[2] < 256) {
		/* The usual case, without building a JSON object per candidate. */
		char field[3][256];
		struct integrity_verdict iv = {0};

		for (i = 0; i < 3; i++) {
			memcpy(field[i], f->rec[i] ? f->rec[i] : "", f->rec_len[i]);
			field[i][f->rec_len[i]] = '\0';
		}
		integrity_snapshot_verdict_of(snap, f->rec_len[0] ? field[0] : NULL,
					      f->rec_len[1] ? field[1] : NULL,
					      f->rec_len[2] ? field[2] : NULL, &iv);
		v = verdict_of(iv.kind);
		if (v == VERDICT_FLAGGED && iv.flags)
			fl = json_incref(iv.flags);
		integrity_verdict_release(&iv);
		goto out;
	}
	rec = json_object();
	for (i = 0; rec && i < 3; i++)
		if (f->rec_len[i] &&
		    json_object_set_new(rec, rk[i], json_stringn(f->rec[i], f->rec_len[i]))) {
			json_decref(rec);
			rec = NULL;
		}
	if (!rec)
		return VERDICT_UNKNOWN;
	v = recruiter_verdict(snap, rec, &fl);
	json_decref(rec);
out:
	if (flags)
		*flags = fl;
	else
		json_decref(fl);
	return v;
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

/* prefix + value into term (KEY_MAX bytes), the value lowercased if asked. */
static void make_term(char *term, const char *prefix, const char *value, int lowercase)
{
	size_t n = strlen(prefix);

	snprintf(term, KEY_MAX, "%s%s", prefix, value);
	if (lowercase)
		lower(term + n, term + n, KEY_MAX - n);
}

static void qadd_term(struct qlist *l, const char *prefix, const char *value, int lowercase,
		      double scale)
{
	char term[KEY_MAX];
	index_query *t;

	make_term(term, prefix, value, lowercase);
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

/* FILTER(main, valid_until >= today, OR(countries)); takes main. Without
 * dates, the valid_until test is the caller's (match_once reads the date
 * from each candidate's record instead of from a value stream). */
static index_query *with_filters(index_query *main, const struct match_params *mp, int dates)
{
	struct qlist f = {.n = 0}, c = {.n = 0};
	char today[11];
	index_query *q = NULL;
	size_t i;
	json_t *v;

	if (dates) {
		iso_today(today);
		qadd(&f, index_query_value_range(VX_SLOT_VALID_UNTIL, today, NULL));
	}
	if (mp && json_array_size(mp->countries)) {
		json_array_foreach(mp->countries, i, v) {
			qadd_term(&c, VX_COUNTRY, json_string_value(v), 0, 1.0);
		}
		if (!c.oom)
			qadd(&f, index_query_combine(INDEX_OP_OR, c.q, c.n));
	}
	if (main && !f.oom && !c.oom) {
		index_query *subs[3] = {main, f.n > 0 ? f.q[0] : NULL, f.n > 1 ? f.q[1] : NULL};

		if (f.n) {
			q = index_query_combine(INDEX_OP_FILTER, subs, 1 + f.n);
		} else {
			q = main;
			main = NULL;
		}
	}
	qfree(&f);
	qfree(&c);
	index_query_free(main);
	return q;
}

/* A skill's term and its weight, before it is placed in the query. */
struct skill_term {
	char term[KEY_MAX];
	double scale;
	uint64_t tf; /* documents indexing it */
};

static int by_tf(const void *a, const void *b)
{
	const struct skill_term *x = a, *y = b;

	if (x->tf != y->tf)
		return x->tf < y->tf ? -1 : 1;
	return strcmp(x->term, y->term);
}

static void add_skill_term(struct qlist *l, const struct skill_term *t)
{
	index_query *q = index_query_term(t->term, 1);

	qadd(l, q ? index_query_scale(q, t->scale) : NULL);
	index_query_free(q);
}

/* The designed retrieval query; with dates, valid_until is tested in it.
 * known is the profile prepared (person_prepare), or NULL to prepare it here. */
static index_query *build_query(index_db *db, const json_t *profile, const struct person *known,
				const struct match_params *mp, int dates, problem *p)
{
	struct qlist must = {.n = 0}, boost = {.n = 0};
	struct skill_term *st = NULL;
	index_query *core = NULL, *q = NULL, *parts[2];
	json_t *v, *skills = json_object_get(profile, "skills");
	size_t i, lvl, n_st = 0;
	uint64_t walked = 0, budget = mp && mp->exhaustive ? UINT64_MAX : MATCH_SKILL_POSTINGS;
	char code[5], prefix[8];
	index_error e = {{0}};

	st = calloc(json_array_size(skills) + 1, sizeof *st);
	if (!st)
		goto oom;
	json_array_foreach(skills, i, v) {
		const char *s = json_string_value(v);

		if (!s || n_st >= Q_MAX)
			continue;
		/* One term per skill (essential or optional): whether it is
		 * essential is for re-ranking. */
		make_term(st[n_st].term, VX_SKILL, s, !is_uri(s));
		st[n_st++].scale = RQ.skill;
		if (!is_uri(s)) {
			/* All its words: an AND is driven by its rarest word,
			 * where an OR would walk "and", "of", "work" through
			 * every vacancy. */
			index_query *t = index_query_parse(s, "en", VX_TEXT, INDEX_PARSE_DEFAULT_AND, &e);

			if (t) {
				/* Every word of the AND adds its factor, so the
				 * whole phrase is worth RQ.text however long it
				 * is. */
				qadd(&must, index_query_scale(t, RQ.text / (double)count_words(s)));
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
		/* The unit group and its minor group (a sub-major group is too
		 * wide a posting list for its little weight: re-ranking still
		 * gives it its share). */
		for (lvl = 4; lvl >= 3; lvl--) {
			memcpy(prefix, code, lvl);
			prefix[lvl] = '\0';
			qadd_term(&must, VX_OCCUPATION, prefix, 0,
				  lvl == 4 ? RQ.unit : RQ.minor);
		}
	}
	{
		/* The occupations the skills point to, by their likelihood. */
		struct person own;
		const struct person *pr = known;

		if (!pr && person_prepare(profile, &own) == 0)
			pr = &own;
		for (i = 0; pr && i < pr->n_inf; i++) {
			const esco_occupation *o = esco_occupation_at(match_taxonomy(), pr->inf[i].occ);

			qadd_term(&must, VX_ESCO_OCC, o->uri, 0, RQ.inferred * pr->inf[i].rel);
			qadd_term(&must, VX_OCCUPATION, o->isco, 0, RQ.inferred_unit * pr->inf[i].rel);
		}
		if (!pr)
			must.oom = 1;
		else if (pr == &own)
			person_release(&own);
	}
	/* The skills: those with the shortest posting lists are walked, up
	 * to MATCH_SKILL_POSTINGS postings in all; the common ones only add
	 * their weight to documents found otherwise (probed, not walked), so
	 * a million vacancies cost about what a hundred thousand do. With
	 * nothing else to find documents by, every skill is walked. */
	if (!db || must.n == 0)
		budget = UINT64_MAX;
	for (i = 0; db && i < n_st; i++)
		if (index_term_freq(db, st[i].term, &st[i].tf, &e))
			st[i].tf = UINT64_MAX / 4;
	qsort(st, n_st, sizeof *st, by_tf);
	for (i = 0; i < n_st; i++) {
		int walk = budget == UINT64_MAX || walked + st[i].tf <= budget;

		if (walk)
			walked += st[i].tf;
		add_skill_term(walk ? &must : &boost, &st[i]);
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
		/* Countries and common skills add weight to what matched
		 * otherwise but never bring in a vacancy on their own. */
		q = parts[1] ? index_query_combine(INDEX_OP_AND_MAYBE, parts, 2) : NULL;
		index_query_free(parts[1]);
		index_query_free(core);
		core = q;
	}
	qfree(&must);
	qfree(&boost);
	free(st);
	q = core ? with_filters(core, mp, dates) : NULL;
	if (!q)
		goto oom2;
	return q;
oom:
	qfree(&must);
	qfree(&boost);
	free(st);
oom2:
	problem_set(p, 503, "Service unavailable", "out of memory building the match query");
	return NULL;
}

index_query *match_build_query(index_db *db, const json_t *profile, const struct match_params *mp,
			       problem *p)
{
	return build_query(db, profile, NULL, mp, 1, p);
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
	return q ? with_filters(q, mp, 1) : NULL;
}

/* ---- facets ---- */

/* Counts per value (a country code or an ISCO-08 major group) over the
 * re-ranked candidates: at most one value per candidate, so a plain array. */
struct facet {
	char value[3];
	json_int_t count;
};

struct facets {
	struct facet *f;
	size_t n;
};

static void facet_add(struct facets *fs, const char *key)
{
	size_t i;

	if (!key || !*key)
		return;
	for (i = 0; i < fs->n && strcmp(fs->f[i].value, key) != 0; i++)
		;
	if (i == fs->n) {
		snprintf(fs->f[i].value, sizeof fs->f[i].value, "%s", key);
		fs->f[i].count = 0;
		fs->n++;
	}
	fs->f[i].count++;
}

static int facet_cmp(const void *a, const void *b)
{
	const struct facet *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* [{"value":"ZA","count":3},...], most frequent first, ties by value. */
static json_t *facet_list(struct facets *fs)
{
	json_t *arr = json_array();
	size_t i;

	qsort(fs->f, fs->n, sizeof *fs->f, facet_cmp);
	for (i = 0; arr && i < fs->n; i++)
		if (json_array_append_new(arr, json_pack("{s:s, s:I}", "value", fs->f[i].value,
							 "count", fs->f[i].count))) {
			json_decref(arr);
			arr = NULL;
		}
	return arr;
}

/* ---- profile -> vacancies ---- */

/* One result: the vacancy (sc->vacancy: its object, or its stored JSON
 * text as a string with raw_vacancies), score, explanation and recruiter.
 * Takes flags. */
static json_t *result_item(const struct person *pr, const struct scored *sc, const struct facts *f,
			   json_t *flags, enum verdict vd)
{
	json_t *matched, *missing, *gaps, *recruiter = json_null();
	char name[256];

	if (explain_facts(pr, f, &matched, &missing, &gaps, NULL)) {
		json_decref(matched);
		json_decref(missing);
		json_decref(gaps);
		json_decref(flags);
		return NULL;
	}
	if (vd != VERDICT_NONE) {
		const char *nm = NULL;

		if (f->rec_json) {
			nm = json_string_value(json_object_get(f->rec_json, "name"));
		} else if (f->rec_len[0]) {
			size_t n = f->rec_len[0] < sizeof name - 1 ? f->rec_len[0] : sizeof name - 1;

			memcpy(name, f->rec[0], n);
			name[n] = '\0';
			nm = name;
		}
		recruiter = json_pack("{s:s?, s:s}", "name", nm, "verdict", verdict_name(vd));
		if (recruiter && flags)
			json_object_set(recruiter, "flags", flags);
	}
	json_decref(flags);
	return json_pack("{s:O, s:f, s:{s:s, s:o, s:o, s:{s:b, s:o}}, s:o}", "vacancy", sc->vacancy,
			 "score", round4(sc->score), "explanation", "occupation", occ_name(sc->occ),
			 "matched_skills", matched, "missing_essential", missing, "languages", "met",
			 sc->met, "gaps", gaps, "recruiter", recruiter ? recruiter : json_null());
}

/* One attempt at a match; INDEX_EMODIFIED (with *out NULL) when the index
 * moved on between the search and reading the page's documents. */
static int match_once(index_db *db, const struct person *pr, const json_t *profile,
		      const struct match_params *mp, json_t **out, problem *p)
{
	index_search_opts opts = {.sort_slot = -1, .weighting = INDEX_WEIGHT_COORD, .skip_data = 1,
				  .want_value = 1, .value_slot = VX_SLOT_MATCH, .cache_value = 1,
				  .xapian_matcher = mp->xapian_matcher};
	index_results *res = NULL;
	index_error e = {{0}};
	struct scored *cands = NULL;
	struct facts *f = NULL;
	integrity_snapshot *snap = NULL;
	json_t *answer = NULL, *list = NULL;
	struct facets by_country = {NULL, 0}, by_major = {NULL, 0};
	json_t *fc = NULL, *fm = NULL, *doc = NULL;
	index_query *q;
	size_t n, i, kept = 0, expired, cap;
	double top;
	char today[11];
	int rc = -1, dates = 0;

	*out = NULL;
	opts.limit = (uint32_t)(mp->candidates ? mp->candidates : MATCH_CANDIDATES);
	cap = opts.limit ? opts.limit : 1;
	cands = calloc(cap, sizeof *cands);
	f = malloc(sizeof *f);
	by_country.f = calloc(cap, sizeof *by_country.f);
	by_major.f = calloc(cap, sizeof *by_major.f);
	list = json_array();
	if (!cands || !f || !by_country.f || !by_major.f || !list)
		goto oom;
	snap = integrity_snapshot_get();
	iso_today(today);
retrieve:
	/* First without valid_until in the query: testing it there walks the
	 * date value stream beside every posting list, and expired vacancies
	 * are rare in the index. Each candidate's record carries its date, so
	 * the expired ones are dropped here; if one was among a full set of
	 * candidates, the set may lack one that the filtered query would have
	 * retrieved, so retrieval runs once more with the test in the query. */
	q = build_query(db, profile, pr, mp, dates, p);
	if (!q)
		goto done;
	rc = index_search(db, q, &opts, &res, &e);
	index_query_free(q);
	if (rc) {
		rc = -1;
		problem_set(p, 503, "Service unavailable", "the index cannot be searched: %s", e.msg);
		goto done;
	}
	rc = -1;
	n = index_results_count(res);
	top = -1; /* the weight of the first (heaviest) unexpired hit */
	expired = kept = 0;
	by_country.n = by_major.n = 0;
	for (i = 0; i < n; i++) {
		const index_hit *h = index_results_hit(res, i);
		enum verdict vd;
		char major[2];

		json_decref(doc);
		doc = NULL;
		if (facts_decode(h->value, h->value_len, f)) {
			/* No compact record (an index from before it existed):
			 * the facts of the full document. */
			int frc = index_fetch_data(db, res, i, 1, &e);

			if (frc) {
				rc = frc == INDEX_EMODIFIED ? INDEX_EMODIFIED : -1;
				problem_set(p, 503, "Service unavailable", "the index cannot be read: %s", e.msg);
				goto done;
			}
			doc = json_loadb(h->data, h->data_len, 0, NULL);
			if (!doc)
				continue;
			facts_from_json(doc, f);
		}
		if (f->valid_until[0] && strcmp(f->valid_until, today) < 0) {
			expired++;
			continue;
		}
		if (top < 0)
			top = h->weight;
		vd = facts_verdict(snap, f, NULL);
		if (vd == VERDICT_BLACKLISTED || (vd == VERDICT_FLAGGED && !mp->include_flagged))
			continue;
		score_facts(pr, f, top > 0 ? h->weight / top : 0, &cands[kept]);
		cands[kept].hit = i;
		/* Facets count the whole re-ranked candidate set, not just the page. */
		major[0] = f->isco[0];
		major[1] = '\0';
		facet_add(&by_country, f->country);
		facet_add(&by_major, major);
		kept++;
	}
	json_decref(doc);
	doc = NULL;
	if (expired && !dates && n == opts.limit) {
		index_results_free(res);
		res = NULL;
		dates = 1;
		goto retrieve;
	}
	qsort(cands, kept, sizeof *cands, by_score);
	/* Only the page's documents are read. Their explanations come from
	 * the records; the JSON is parsed only for a caller that wants
	 * objects (with raw_vacancies it is passed on as stored). */
	for (i = 0; i < kept && i < mp->limit; i++) {
		const index_hit *h = index_results_hit(res, cands[i].hit);
		json_t *flags = NULL, *item;
		enum verdict vd;
		int frc = h->data_len ? 0 : index_fetch_data(db, res, cands[i].hit, 1, &e);

		if (frc) {
			rc = frc == INDEX_EMODIFIED ? INDEX_EMODIFIED : -1;
			problem_set(p, 503, "Service unavailable", "the index cannot be read: %s", e.msg);
			goto done;
		}
		json_decref(doc);
		doc = NULL;
		if (facts_decode(h->value, h->value_len, f)) {
			if (!(doc = json_loadb(h->data, h->data_len, 0, NULL)))
				goto oom;
			facts_from_json(doc, f);
		}
		if (mp->raw_vacancies)
			cands[i].vacancy = json_stringn(h->data, h->data_len);
		else
			cands[i].vacancy = doc ? json_incref(doc) : json_loadb(h->data, h->data_len, 0, NULL);
		if (!cands[i].vacancy)
			goto oom;
		vd = facts_verdict(snap, f, &flags);
		item = result_item(pr, &cands[i], f, flags, vd);
		if (!item || json_array_append_new(list, item))
			goto oom;
	}
	fc = facet_list(&by_country);
	fm = facet_list(&by_major);
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
	if (snap)
		integrity_snapshot_put(snap);
	free(cands);
	free(f);
	json_decref(doc);
	json_decref(list);
	json_decref(fc);
	json_decref(fm);
	free(by_country.f);
	free(by_major.f);
	index_results_free(res);
	return rc;
}

int match_vacancies(index_db *db, const json_t *profile, const struct match_params *mp,
		    json_t **out, problem *p)
{
	struct person pr;
	index_error e = {{0}};
	int rc;

	*out = NULL;
	if (person_prepare(profile, &pr)) {
		problem_set(p, 503, "Service unavailable", "out of memory");
		return -1;
	}
	rc = match_once(db, &pr, profile, mp, out, p);
	if (rc == INDEX_EMODIFIED && index_reopen(db, &e) == 0) {
		/* The index moved on under the search: once more on the new revision. */
		problem_release(p);
		problem_init(p);
		rc = match_once(db, &pr, profile, mp, out, p);
	}
	person_release(&pr);
	return rc ? -1 : 0;
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

int match_candidates(store *s, const struct principal *who, const char *org,
		     const char *vacancy_id, size_t limit, json_t **out, problem *p)
{
	json_t *v = NULL, *pool = NULL, *skills = NULL, *occs = NULL, *items = NULL, *x, *detail = NULL;
	struct scored *cands = NULL;
	struct person *people = NULL;
	struct facts *vf = NULL;
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
	vf = malloc(sizeof *vf);
	if (!cands || !people || !vf)
		goto oom;
	facts_from_json(v, vf);
	for (i = 0; i < n; i++) {
		if (person_prepare(json_object_get(json_array_get(pool, i), "doc"), &people[i]))
			goto oom;
		prepared++;
		/* No index weight in this direction: every card loses the same share. */
		score_facts(&people[i], vf, 0, &cands[i]);
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

		if (explain_facts(pr, vf, &matched, &missing, &gaps, &langs)) {
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
	free(vf);
	json_decref(detail);
	json_decref(v);
	json_decref(pool);
	json_decref(skills);
	json_decref(occs);
	json_decref(items);
	return rc;
}

