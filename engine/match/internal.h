/*
 * internal.h - what the files of engine/match/ share, and nothing outside
 * it may use: the occupation model, the person prepared once per match, a
 * vacancy's facts (the compact record's decoded form), the scored
 * candidate, the verdict, and the functions of each file that the others
 * call (the match__ tier). The weights are in weights.h.
 */
#ifndef FAIRMATCH_MATCH_INTERNAL_H
#define FAIRMATCH_MATCH_INTERNAL_H

#include <ctype.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine/core/buf.h"
#include "engine/core/jsontext.h"
#include "engine/integrity/integrity.h"
#include "engine/match/match.h"
#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"
#include "index/index.h"

#define ESCO_OCC "http://data.europa.eu/esco/occupation/"
#define KEY_MAX 240

/* Small helpers every file uses, inline because re-ranking calls them per
 * skill of every candidate. */
static inline int match__is_uri(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* ASCII lowercase copy, bounded. */
static inline const char *match__lower(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

/* ---- the occupation model (model.c) ---- */

#define INFER_MAX 5

struct match__model {
	size_t n_occ, n_skill;
	uint32_t *os_off;   /* occupation o's skills: os_key[os_off[o] .. os_off[o + 1]) */
	uint32_t *os_key;   /* skill index << 1 | essential, ascending */
	double *occ_z;      /* Z(o): the sum of w over the occupation's skills */
	uint32_t *so_off;   /* skill k's occupations: so_key[so_off[k] .. so_off[k + 1]) */
	uint32_t *so_key;   /* occupation index << 1 | essential */
	struct match__lab {
		char *lc;     /* lowercased preferred label */
		uint32_t idx; /* skill index */
	} *labs;            /* sorted by lc, for "which ESCO skills have this label" */
	/* The head word of every occupation's preferred label (each form of a
	 * gendered pair) in each language, folded, sorted by word: what the
	 * typed evidence's words are read against (match__named). */
	struct match__head {
		char w[TAX_WORD_MAX];
		uint32_t occ;
		int lang;   /* the label's language (esco_lang) */
		int alt;    /* 1 for an alternative label's head; 2 for another content
		             * word of a preferred label (a modifier, model.c mods_add) */
	} *heads;
	size_t n_heads;
	/* The pairs of endings ESCO attests between a word of a skill's
	 * preferred label and the one-root head of an occupation the skill is
	 * essential to, each seen with at least ENDING_ROOTS different roots
	 * ("ing" / "er": weld, plumb, paint; "age" / "eur": soud, mont),
	 * sorted: a free-text word joined to a head by a bare four-letter
	 * root must use one of them (match__named). */
	struct match__ending {
		char a[8], b[8];
	} *endings;
	size_t n_endings;
	/* Each ISCO-08 group's preferred label in each language, as folded
	 * content words: a free-text word that heads no occupation's label may
	 * be a word of a group's name ("teaching" in "Teaching professionals",
	 * "albañil" in "Albañiles"). */
	struct match__gword {
		char w[TAX_WORD_MAX];
		uint32_t grp; /* esco_isco_group_at index */
	} *gwords;
	size_t n_gwords;
	/* Each skill's preferred label in each language as its folded content
	 * words, space-separated (taxonomy_content_words, at most
	 * MATCH__LABEL_WORDS): skill k's in language l starts at
	 * swords + swords_off[k * ESCO_LANG_COUNT + l] ("" for none). The
	 * lone walk-in's readings (words.c) scan every skill; folded here
	 * once, not with ICU on each request (a two-word walk-in took 48 ms). */
	char *swords;
	uint32_t *swords_off;
	int ok;
};

/* The most content words read from one label or text (match__named). */
#define MATCH__LABEL_WORDS 24

/* words.c, built by model_build: match__m.endings and match__m.gwords; 0
 * or -1 (no memory). */
int match__endings_build(const esco *t);
int match__gwords_build(const esco *t);
/* Whether free-text word w and occupation head h are one root for naming
 * (with attest, a bare TAX_ROOT_MIN-letter root needs attested endings). */
int match__root_ok(const char *w, const char *h, int attest);
/* The occupations of the ISCO-08 groups whose names hold w, when they lie
 * in one sub-major group (in out, mark[] stamped with s); their count. */
size_t match__group_meets(const esco *t, const char *w, uint32_t *mark, uint32_t s, uint32_t *out);
/* The first of match__m.heads whose word is >= w (model.c). */
size_t match__heads_from(const char *w);
/* The first of match__m.heads from `from` on whose word does not open
 * with pre (or sorts after it): the end of pre's range (model.c). */
size_t match__heads_past(const char *pre, size_t from);
/* Of the n occupations occ[] word w of language lang heads, those listing
 * as essential a skill whose label in lang opens with w's verb (kept in
 * occ[], their count); whether more than half of n occupations lie in one
 * sub-major group; of two words, the narrower one's occupations that an
 * ISCO-08 group's name agrees with (in out; *other: the wider one's reach;
 * has[] n_occ bytes of zeroed scratch). Round 17, words.c. */
int match__swords_build(const esco *t);
/* The sense of a word that names the n occupations occ[]: in sense[m], the
 * share of them around occ[m] in the ISCO-08 hierarchy, over the best
 * (1 for the main sense; words.c). */
void match__sense_shares(const esco *t, const uint32_t *occ, size_t n, double *sense);
/* The occupations (in out, each once; their count) whose preferred label
 * in one language of langs holds a word of one root with w0 and one with
 * w1: "machine sewing" / sewing machine operator, sewing machinist. */
size_t match__both_words(const char *w0, const char *w1, unsigned langs, uint32_t *out);
size_t match__verb_share(const esco *t, const char *w, int lang, uint32_t *occ, size_t n);
int match__sub_major_most(const esco *t, const uint32_t *occ, size_t n);
size_t match__domain_word(const esco *t, char (*w)[TAX_WORD_MAX], unsigned langs, uint8_t *has,
			  uint32_t *out, size_t *other);

/* Built once per process by match__model_ready(); read-only after. */
extern struct match__model match__m;

/* 1 when the model is built (builds it on first call), 0 without ESCO. */
int match__model_ready(void);
/* Whether occupation o lists skill k: 0 no, 1 as optional, 2 as essential. */
int match__occ_lists(uint32_t o, uint32_t k);
/* Sets bit k of `has` for every ESCO skill k whose lowercased label is lc. */
void match__mark_label(uint8_t *has, const char *lc);
/* log P(skill | o) for a skill o lists, and for one it does not list. */
double match__lp_listed(uint32_t o, int essential);
double match__lp_unlisted(void);
/* How characteristic each skill of the profile is of each occupation by its
 * words (model.c): fills named[o] with the sum over the skills of idf x c
 * and named_n[o] with the sum of c, c in (0, 1] when a word of the skill
 * (its ESCO preferred labels in every language, or the free text) and a
 * head word of o's labels are one root (taxonomy_same_root), the word's
 * specificity across occupations (named_n: of the free-text skills only);
 * idf the skill's (of an ESCO skill only
 * the occupations it is essential to). named_free[o] is the part of
 * named[o] that free-text skills give, *free_idf the sum of their idf (a
 * free-text skill is no listing: its words are the only evidence).
 * named_list[o] (may be NULL: the caller passes it for a one-skill person
 * only): for an ESCO skill whose words name none of the occupations it is
 * essential to, the listing its name gives the occupations its labels'
 * words name in two languages at least (idf x their sense share). All
 * n_occ long, zeroed by the caller. -1 without memory. */
int match__named(const json_t *skills, double *named, double *named_n, double *named_free,
		 double *free_idf, double *named_list);
/* An occupation (ISCO code or ESCO URI) as its 4-digit unit group ("" if unknown). */
void match__occupation_code(const char *occ, char code[5]);

/* ---- the person, prepared once per match (person.c) ---- */

#define PROF_OCC_MAX 10
#define GRP_UNIT 0
#define GRP_MINOR 10000
#define GRP_SUB_MAJOR 11000
#define GRP_MAJOR 11100
#define GRP_N 11110
#define PROF_LANG_MAX 10

struct match__person {
	json_t *skills; /* set: URIs, lowercased free text, lowercased labels of URIs */
	struct {
		const char *uri; /* ESCO URI or NULL; borrowed from the profile */
		uint32_t idx;    /* its ESCO index + 1, 0 when not an ESCO occupation */
		char code[5];    /* its ISCO-08 group: 1-4 digits ("" when unknown) */
	} occ[PROF_OCC_MAX];
	size_t n_occ;
	struct {
		char code[3];
		int rank;
		const char *level;
	} lang[PROF_LANG_MAX];
	size_t n_lang;
	double years;
	char available[11]; /* available_from, "" when not given */
	double skill_weight; /* sum of match__skill_weight over the person's skills */
	const json_t *desired; /* borrowed array */
	/* occupations inferred from the skills: ESCO index, likelihood relative to the best */
	struct {
		uint32_t occ;
		double rel;
	} inf[INFER_MAX + 1]; /* + 1: the occupation a typed word names (person.c) */
	size_t n_inf;
	/* Support of every ESCO occupation by the person's skills (person.c,
	 * INF.support_*): the specificity-weighted share of the person's ESCO
	 * skills it lists, essential in full, optional in part, raised to
	 * INF.sharpness; NULL without the model or the skills. */
	float *support;
	/* The best support per ISCO-08 group and the occupation giving it:
	 * [GRP_UNIT + 4 digits], [GRP_MINOR + 3], [GRP_SUB_MAJOR + 2], [GRP_MAJOR + 1] */
	struct match__grp {
		float v;
		uint32_t occ;
	} *grp;
	/* bit k: the person has ESCO skill k, by its URI or by its label
	 * (person_has_skill's rule, precomputed); NULL without the model */
	uint8_t *has;
	/* the language of the explanation's labels ("fr", "es"; "" or "en":
	 * English, which is also the fallback for a concept without one) */
	char label_lang[3];
};

/* 0, or -1 when out of memory; release with match__person_release. */
int match__person_prepare(const json_t *profile, struct match__person *pr);
void match__person_release(struct match__person *pr);
/* The person's best support in ISCO-08 group `code` (1-4 digits), NULL when none. */
const struct match__grp *match__group_support(const struct match__person *pr, const char *code);
/* A skill's ESCO preferred label, or s itself. */
const char *match__skill_label(const char *s);
/* The person's rank in a language (0: not spoken); *level its name if asked. */
int match__person_lang(const struct match__person *pr, const char *code, const char **level);

/* ---- a vacancy's facts: what scoring needs of it (facts.c) ---- */

#define FACTS_VERSION 2
#define FACTS_SKILLS 50 /* VACANCY_SKILLS_MAX per list */
#define FACTS_LANGS 10
#define FACTS_HEADER 35
#define FACTS_DATE 10 /* "YYYY-MM-DD" */
#define VAC_INFER_MAX 3

struct match__fskill {
	uint32_t idx; /* ESCO skill index + 1; 0: free text */
	const char *text;
	size_t len;
};

struct match__facts {
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
	struct match__fskill ess[FACTS_SKILLS], opt[FACTS_SKILLS];
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

/* The facts of a vacancy representation (pointers borrow from v). The
 * encoder is match_vacancy_facts (match.h). */
void match__facts_from_json(const json_t *v, struct match__facts *f);
/* Reads a record written by match_vacancy_facts (pointers borrow from p);
 * -1 when it is not one (an index built before the format existed: the
 * caller decodes the JSON). */
int match__facts_decode(const char *p, size_t n, struct match__facts *f);

/* ---- weights of skills (weights.c; the tables are in weights.h) ---- */

/* How much matching a skill says (W's reuse-level weights; free text 1):
 * a skill as written, and a skill of a vacancy's facts. */
double match__skill_weight(const char *s);
double match__fskill_weight(const struct match__fskill *k);
/* Whether the person has skill k of a vacancy (person.c). */
int match__person_has_fskill(const struct match__person *pr, const struct match__fskill *k);

/* ---- scoring (score.c) and explanations (explain.c) ---- */

enum match__occ { OCC_NONE, OCC_RELATED, OCC_EXACT };

/* The occupation relation's grades, closest first (score.c). */
enum match__grade { GRADE_EXACT, GRADE_UNIT, GRADE_MINOR, GRADE_SUB_MAJOR, GRADE_MAJOR,
		    GRADE_NONE };

/* The parts of the score, in the order the breakdown lists them. */
enum match__part { PART_OCCUPATION, PART_ESSENTIAL, PART_OPTIONAL, PART_USED, PART_EXPERIENCE,
		   PART_COUNTRY, PART_AVAILABILITY, PART_LANGUAGES, PART_N };

struct match__scored {
	double raw, score;
	double value[PART_N];   /* each part's value in [0, 1] */
	double contrib[PART_N]; /* what it adds to the score (rounded: they and base sum to score) */
	double base;            /* the tier's constant */
	int met;      /* every required language met */
	int relevant; /* above the relevance floor */
	enum match__occ occ;
	enum match__grade grade; /* the relation that gave the occupation value */
	int inferred;            /* ... from an occupation inferred from the skills */
	double stated_value;     /* the best stated relation's value (the floor takes it lower) */
	size_t which;            /* index into person occ[] (stated) */
	uint32_t inf_occ;        /* inferred: the ESCO occupation index */
	double inf_support;      /* inferred: its support by the person's skills */
	int64_t id;
	size_t hit;      /* position among the retrieved hits */
	json_t *vacancy; /* borrowed or owned, see users */
};

/* The full score of one vacancy for one person. */
void match__score_facts(const struct match__person *pr, const struct match__facts *f,
			double retrieval, struct match__scored *out);
/* qsort order: score descending, then id ascending. */
int match__by_score(const void *a, const void *b);
/* A score as answered: four decimals. */
double match__round4(double x);
/* matched_skills, missing_essential, the language gaps and, with langs
 * (else NULL), every required language with whether it is met. */
int match__explain_facts(const struct match__person *pr, const struct match__facts *f,
			 json_t **matched, json_t **missing, json_t **gaps, json_t **langs);
const char *match__occ_name(enum match__occ m);
/* explanation.breakdown and explanation.occupation_relation of a scored
 * vacancy (explain.c); NULL when out of memory. */
json_t *match__breakdown(const struct match__person *pr, const struct match__facts *f,
			 const struct match__scored *sc);
json_t *match__relation(const struct match__person *pr, const struct match__scored *sc);
const char *match__grade_name(enum match__grade g);
/* The breakdown's part names, in enum match__part order. */
extern const char *const match__part_names[PART_N];
/* What an explanation says of skill k: its label in the person's label
 * language, and *uri (NULL for free text); text holds free text (cut at
 * MATCH_TEXT_MAX bytes) that *uri or the label may point into. */
#define MATCH_TEXT_MAX 255
const char *match__skill_named(const struct match__person *pr, const struct match__fskill *k,
			       char text[MATCH_TEXT_MAX + 1], const char **uri);
/* The occupation of occupation_relation (sc->grade not GRADE_NONE): its
 * URI, ISCO-08 code and label, each NULL when unknown. */
void match__relation_named(const struct match__person *pr, const struct match__scored *sc,
			   const char **uri, const char **isco, const char **label);

/* ---- the recruiter's verdict (verdict.c) ---- */

enum match__verdict { VERDICT_NONE, VERDICT_LICENSED, VERDICT_FLAGGED, VERDICT_UNKNOWN,
		      VERDICT_BLACKLISTED, VERDICT_UNLICENSED,
		      VERDICT_HELD /* unknown, held for review (integrity.h): never shown */ };

/* The verdict from a vacancy's facts; with flags (else NULL), *flags gets
 * the active flags when flagged. */
enum match__verdict match__facts_verdict(const integrity_snapshot *snap,
					 const struct match__facts *f, json_t **flags);
const char *match__verdict_name(enum match__verdict v);

/* ---- retrieval (query.c) ---- */

/* The designed retrieval query; with dates, valid_until is tested in it.
 * known is the profile prepared (match__person_prepare), or NULL to
 * prepare it here. */
index_query *match__build_query(index_db *db, const json_t *profile,
				const struct match__person *known, const struct match_params *mp,
				int dates, problem *p);

/* ---- JSON text as json_dumps writes it (jsontext.c) ---- */

/* ---- a result's vacancy as JSON text (render.c) ---- */

/* The vacancy of a result for raw_vacancies: its card's JSON with the
 * ESCO positions back as URIs and "concepts" (its occupation and skills
 * labelled in lang), as a JSON string value; NULL when the card does not
 * decode or out of memory. Written straight from the card's text and the
 * facts; the _general one decodes, labels and dumps trees (what the first
 * falls back to for a card it does not recognise; the tests' reference). */
json_t *match__raw_vacancy(const char *card, size_t len, const struct match__facts *f,
			   const char *lang);
json_t *match__raw_vacancy_general(const char *card, size_t len, const struct match__facts *f,
				   const char *lang);

/* A result as JSON text, in a string (*out): what json_dumps of
 * run.c's result object writes, sc->vacancy (a raw vacancy's string)
 * spliced in as the object it holds, reals at MATCH_REAL_PRECISION. 0; 1
 * when something in it is one the tree way must report (a label or name
 * that is not UTF-8, a vacancy that is not an object's text); -1 out of
 * memory. flags stays the caller's. */
int match__item_text(const struct match__person *pr, const struct match__scored *sc,
		     const struct match__facts *f, const json_t *flags, enum match__verdict vd,
		     json_t **out);

/* ---- facets (facets.c) ---- */

/* Counts per value (a country code or an ISCO-08 major group) over the
 * re-ranked candidates: at most one value per candidate, so a plain array. */
struct match__facet {
	char value[3];
	json_int_t count;
};

struct match__facets {
	struct match__facet *f;
	size_t n;
};

void match__facet_add(struct match__facets *fs, const char *key);
/* [{"value":"ZA","count":3},...], most frequent first, ties by value. */
json_t *match__facet_list(struct match__facets *fs);

#endif
