/*
 * eval_counsellor.c - the matcher measured the way counsellors use it, not
 * the way the engine thinks (eval_match builds profiles from ESCO URIs).
 *
 * People: for each evaluated ESCO occupation (five or more essential
 * skills), one person typing in English, French or Spanish (in turn). Their
 * skills are some of the occupation's essential skills typed as a
 * counsellor types them: the preferred label or an alternative label of
 * that language, lowercased, and one in four with a typo (two adjacent
 * ASCII letters swapped). Their occupation is given as the ISCO-08 code, as
 * free text (a label of the language), or not at all; every fourth person
 * is a walk-in with two skills and no occupation. A French or Spanish
 * occupation label is a gendered pair ("soudeur/soudeuse"): one of the two
 * forms is typed. The profile goes through
 * profile_validate, the write path (free text normalised by the taxonomy),
 * so the matcher sees what it sees in the server. French and Spanish
 * speakers hold English at B1, the others at C1.
 *
 * Vacancies: the seeded sample vacancies, plus three of each evaluated
 * occupation and two of other occupations of its unit group, written as ads:
 * the title an ESCO label, the description real job-ad sentences labelled
 * with the vacancy's skills (the skill-extraction benchmark of Decorte et
 * al., ../shared/data/job_postings/skill_extraction_benchmark) where one
 * exists, coded by ESCO URI or by ISCO code, one in four asking for English
 * at B2.
 *
 * Relevance from ESCO ground truth: 3 the person's occupation, 2 another
 * occupation of its unit group, 1 its minor group with at least half of
 * the vacancy's essential skills among the person's true skills, where
 * "the person's occupation" is every occupation nothing the person said
 * tells from the one they were drawn from (all their skills essential to
 * it; in the ISCO group they gave; the occupation they typed): two generic
 * skills of a walk-in are essential to dozens (grade_vacancies;
 * EVAL_GRADING=strict grades against the drawn occupation only); one less
 * when the person lacks a language the vacancy asks for at the level asked
 * (any language: the sample vacancies ask their country's languages at
 * A1-C2; a gap is still shown, below). Every vacancy is valid until 2099,
 * so the run does not age. The run prints what the collection holds per
 * person and what was recognised from the typed text. NDCG@10 (gain 2^rel - 1), recall@20 and MRR of the
 * vacancies of relevance >= 2, the share of relevance-0 results among the
 * top 10 shown, and how often a person who states an occupation gets a vacancy
 * outside its unit group at #1 although one of relevance 3 exists. In the
 * same run: BM25 over the vacancy text with the typed skills as the query,
 * and a coverage-only scorer (the naive query's top 200 ordered by the
 * share of essential skills the person has). Occupations alternate
 * between the development split (constants were chosen on it) and the
 * held-out split (reported), by occupation.
 *
 * Two more slices, outside "all" and the others: lone-word walk-ins, one
 * per evaluated occupation after everyone else (so the draws above do not
 * move). Half type the occupation's name in one or two words ("welder",
 * "soudeuse", "albañil") as their only skill, graded against every
 * occupation of that name in that language; half type one essential skill
 * whose label has three words at most, graded as walk-ins are.
 *
 *   make build/release/tests/eval_counsellor && build/release/tests/eval_counsellor [N_OCC] [N_SAMPLE]
 *
 * EVAL_DEBUG=N prints, for the development people among the first N, what
 * was typed and recognised, the top 10 with each result's relevance,
 * occupation relation and skill parts, and the person's NDCG@10.
 * EVAL_INDEX=DIR builds the collection there instead of
 * var/eval/counsellor-index, so two runs can go side by side.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/sample.h"
#include "engine/core/csv.h"
#include "engine/indexer/indexer.h"
#include "engine/match/match.h"
#include "engine/profile.h"
#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"
#include "index/index.h"

#define INDEX_PATH "var/eval/counsellor-index"
#define BENCH_DIR "../shared/data/job_postings/skill_extraction_benchmark/"
#define EXACT_PER_OCC 3
#define SIBLING_PER_OCC 2
#define RANKERS 3
#define SLICES 8
#define SLICE_LONE_OCC 6   /* one word or two: an occupation's name */
#define SLICE_LONE_SKILL 7 /* one short skill */

struct vac {
	const esco_occupation *occ;
	char isco[5];
	struct {
		char code[4];
		int rank; /* CEFR rank asked: A1 1 ... C2 6 */
	} lang[4];
	size_t n_lang;
	const esco_skill *ess[16];
	size_t n_ess;
};

static struct vac *vacs;
static size_t n_vacs, cap_vacs;
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* ---- real ad sentences by ESCO skill (English preferred label) ---- */

static char **sent_of; /* per ESCO skill index: one sentence, or NULL */

static void load_sentences(const esco *tax, const char *file)
{
	csv_reader *r = NULL;
	int cs, cl;
	size_t i, n = esco_skill_count(tax);

	if (csv_open(file, &r, NULL, 0))
		return;
	cs = csv_column(r, "sentence");
	cl = csv_column(r, "label");
	while (cs >= 0 && cl >= 0 && csv_next(r) == 1) {
		const char *s = csv_field(r, (size_t)cs, NULL), *l = csv_field(r, (size_t)cl, NULL);

		for (i = 0; s && l && i < n; i++) {
			const esco_skill *k = esco_skill_at(tax, i);

			if (!sent_of[i] && strcmp(k->label, l) == 0) {
				sent_of[i] = strdup(s);
				break;
			}
		}
	}
	csv_close(r);
}

/* ---- vacancies ---- */

static int add_vacancy(index_db *w, json_t *v, const esco_occupation *o, const char *isco)
{
	char id[32], term[32];
	index_doc *d = NULL;
	index_error e = {{0}};
	struct vac *x;
	json_t *k;
	size_t i;

	if (n_vacs == cap_vacs) {
		struct vac *nv = realloc(vacs, (cap_vacs = cap_vacs ? cap_vacs * 2 : 4096) * sizeof *nv);

		if (!nv)
			return -1;
		vacs = nv;
	}
	x = &vacs[n_vacs++];
	memset(x, 0, sizeof *x);
	snprintf(id, sizeof id, "v_%zu", n_vacs);
	json_object_set_new(v, "id", json_string(id));
	json_object_set_new(v, "org", json_string("eval"));
	json_object_set_new(v, "status", json_string("open"));
	if (json_integer_value(json_object_get(v, "positions")) < 1)
		json_object_set_new(v, "positions", json_integer(1));
	x->occ = o;
	snprintf(x->isco, sizeof x->isco, "%s", o ? o->isco : isco ? isco : "");
	json_array_foreach(json_object_get(json_object_get(v, "skills"), "essential"), i, k) {
		const esco_skill *s = esco_skill_by_uri(taxonomy_esco(), json_string_value(k));

		if (s && x->n_ess < 16)
			x->ess[x->n_ess++] = s;
	}
	/* every language asked, at the level asked (the sample vacancies ask
	 * Arabic, Swahili, German ... at A1-C2, not only English at B2) */
	json_array_foreach(json_object_get(v, "languages"), i, k) {
		static const char *const cefr[] = {"A1", "A2", "B1", "B2", "C1", "C2"};
		const char *lv = json_string_value(json_object_get(k, "level")) ?: "";
		size_t c;

		if (x->n_lang == 4)
			break;
		snprintf(x->lang[x->n_lang].code, sizeof x->lang[0].code, "%s",
			 json_string_value(json_object_get(k, "code")) ?: "");
		x->lang[x->n_lang].rank = 7; /* "native" or unknown: the most */
		for (c = 0; c < 6; c++)
			if (strcmp(lv, cefr[c]) == 0)
				x->lang[x->n_lang].rank = (int)c + 1;
		x->n_lang++;
	}
	/* the sample's dates lie in 2027-2028: a run after them would drop
	 * expired vacancies that the ideal ranking still counts */
	json_object_set_new(v, "valid_until", json_string("2099-12-31"));
	snprintf(term, sizeof term, "Q%zu", n_vacs);
	if (indexer_vacancy_doc(v, &d, &e) || index_replace(w, term, d, &e)) {
		fprintf(stderr, "eval_counsellor: indexing: %s\n", e.msg);
		index_doc_free(d);
		return -1;
	}
	index_doc_free(d);
	return 0;
}

/* An ad for occupation o: an ESCO label as title, real sentences for its skills. */
static json_t *ad(const esco_occupation *o)
{
	json_t *v = json_object(), *ess = json_array();
	char desc[4096];
	size_t n = o->n_essential, k = n < 4 ? n : 4 + below(n - 3 < 5 ? n - 3 : 5), i, used = 0;
	const esco_labels *en = &o->labels[ESCO_LANG_EN];
	int w = 0;

	desc[0] = '\0';
	for (i = 0; i < n && used < k; i++) {
		const esco_skill *s = o->essential[i];

		if (below(n - i) >= k - used)
			continue;
		json_array_append_new(ess, json_string(s->uri));
		if (w >= 0 && (size_t)w < sizeof desc)
			w += snprintf(desc + w, sizeof desc - (size_t)w, "%s%s ",
				      sent_of[s->index] ? sent_of[s->index] : "You can ",
				      sent_of[s->index] ? "" : s->label);
		used++;
	}
	json_object_set_new(v, "title", json_string(en->n_alt && below(2) ? en->alt[below(en->n_alt)]
									  : o->label));
	json_object_set_new(v, "description", json_string(desc));
	json_object_set_new(v, "occupation", json_string(below(2) ? o->uri : o->isco));
	json_object_set_new(v, "skills", json_pack("{s:o, s:[]}", "essential", ess, "optional"));
	json_object_set_new(v, "languages", below(4) ? json_array()
						     : json_pack("[{s:s, s:s}]", "code", "en", "level", "B2"));
	json_object_set_new(v, "country", json_string(below(2) ? "ZA" : "BW"));
	json_object_set_new(v, "valid_until", json_string("2099-12-31"));
	return v;
}

/* ---- people ---- */

/* A label of concept labels `ls` in language l, as typed: lowercased ASCII,
 * one in four with two adjacent letters swapped. */
static void typed(const esco_labels *ls, const esco_labels *en, int gendered, char *out, size_t len)
{
	const esco_labels *use = ls->preferred ? ls : en;
	const char *s = use->n_alt && below(3) == 0 ? use->alt[below(use->n_alt)] : use->preferred;
	const char *slash = gendered ? strchr(s, '/') : NULL;
	size_t i, n;

	snprintf(out, len, "%s", s);
	/* French and Spanish occupation labels come as "soudeur/soudeuse",
	 * "enfermero/enfermera": a counsellor types one of the two forms */
	if (slash && slash > s && slash[1] && !strchr(slash + 1, '/')) {
		if (below(2))
			snprintf(out, len, "%.*s", (int)(slash - s), s);
		else
			snprintf(out, len, "%s", slash + 1);
	}
	for (i = 0; out[i]; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	n = strlen(out);
	if (n > 5 && below(4) == 0) {
		i = 1 + below(n - 3);
		if (out[i] >= 'a' && out[i] <= 'z' && out[i + 1] >= 'a' && out[i + 1] <= 'z') {
			char c = out[i];

			out[i] = out[i + 1];
			out[i + 1] = c;
		}
	}
}

struct person {
	const esco_occupation *occ;
	int lang;   /* esco_lang */
	int given;  /* 0 no occupation, 1 ISCO code, 2 free text */
	int walkin;
	/* a lone-word walk-in (SLICE_LONE_*), kept out of the other slices;
	 * for an occupation's name, the name as chosen (before any typo) */
	int lone;
	char lone_name[128];
	const esco_skill *truth[16];
	size_t n_truth;
	char query[4096]; /* the typed skills, for BM25 */
	unsigned char *grade; /* per vacancy: its relevance (grade_vacancies) */
	size_t n_occs; /* occupations the grading counts as the person's */
};

static json_t *person_profile(struct person *pe, const esco_occupation *o, size_t i)
{
	static const char *const code[3] = {"en", "fr", "es"};
	json_t *p = json_object(), *sk = json_array();
	size_t n = o->n_essential, want, j, q = 0;
	char buf[256];

	memset(pe, 0, sizeof *pe);
	pe->occ = o;
	pe->lang = (int)(i % 3);
	pe->walkin = i % 4 == 3;
	pe->given = pe->walkin ? 0 : (int)((i / 3) % 3);
	want = pe->walkin ? 2 : 3 + below(4);
	for (j = 0; j < n && pe->n_truth < want && pe->n_truth < 16; j++) {
		const esco_skill *s = o->essential[(j + i) % n];

		typed(&s->labels[pe->lang], &s->labels[ESCO_LANG_EN], 0, buf, sizeof buf);
		json_array_append_new(sk, json_string(buf));
		pe->truth[pe->n_truth++] = s;
		q += (size_t)snprintf(pe->query + q, sizeof pe->query - q, "%s ", buf);
		if (q >= sizeof pe->query)
			q = sizeof pe->query - 1;
	}
	json_object_set_new(p, "skills", sk);
	if (pe->given == 1) {
		json_object_set_new(p, "occupations", json_pack("[s]", o->isco));
	} else if (pe->given == 2) {
		typed(&o->labels[pe->lang], &o->labels[ESCO_LANG_EN], pe->lang != 0, buf, sizeof buf);
		json_object_set_new(p, "occupations", json_pack("[s]", buf));
	}
	json_object_set_new(p, "languages",
			    pe->lang ? json_pack("[{s:s, s:s}, {s:s, s:s}]", "code", code[pe->lang], "level",
						 "native", "code", "en", "level", "B1")
				     : json_pack("[{s:s, s:s}]", "code", "en", "level", "C1"));
	return p;
}

/* Lowercases ASCII letters in place. */
static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static size_t words_in(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s != ' ' && (s[1] == ' ' || s[1] == '\0');
	return n;
}

/* Calls fn on each name in labels ls, a gendered pair ("soudeur/soudeuse")
 * as its two forms, lowercased. */
static void each_name(const esco_labels *ls, int gendered, void (*fn)(const char *, void *), void *arg)
{
	size_t i;

	for (i = 0; ls->preferred && i <= ls->n_alt; i++) {
		const char *s = i == 0 ? ls->preferred : ls->alt[i - 1], *slash = strchr(s, '/');
		char a[128], b[128];

		if (gendered && slash && slash > s && slash[1] && !strchr(slash + 1, '/')) {
			snprintf(a, sizeof a, "%.*s", (int)(slash - s), s);
			snprintf(b, sizeof b, "%s", slash + 1);
			ascii_lower(b);
			fn(b, arg);
		} else {
			snprintf(a, sizeof a, "%s", s);
		}
		ascii_lower(a);
		fn(a, arg);
	}
}

struct shortest {
	char best[128];
	size_t words, seen;
};

/* Keeps the name of fewest words (two at most), one of equals at random. */
static void keep_shortest(const char *name, void *arg)
{
	struct shortest *sh = arg;
	size_t w = words_in(name);

	if (w == 0 || w > 2 || (sh->words && w > sh->words))
		return;
	if (w < sh->words || !sh->words)
		sh->seen = 0;
	if (below(++sh->seen) == 0) {
		snprintf(sh->best, sizeof sh->best, "%s", name);
		sh->words = w;
	}
}

/* One in four typed with two adjacent letters swapped, as typed() does. */
static void maybe_typo(char *out)
{
	size_t i, n = strlen(out);

	if (n > 5 && below(4) == 0) {
		i = 1 + below(n - 3);
		if (out[i] >= 'a' && out[i] <= 'z' && out[i + 1] >= 'a' && out[i + 1] <= 'z') {
			char c = out[i];

			out[i] = out[i + 1];
			out[i + 1] = c;
		}
	}
}

/* A walk-in who says one thing (docs/matching.md, "Lone words"): on even
 * i, the occupation's name in one or two words ("welder", "soudeuse",
 * "albañil"), typed as the only skill, as a counsellor types what a person
 * says of themselves; on odd i, one of its essential skills whose label has
 * three words at most. NULL when the occupation has no such name or skill
 * in the person's language. */
static json_t *lone_profile(struct person *pe, const esco_occupation *o, size_t i)
{
	static const char *const code[3] = {"en", "fr", "es"};
	json_t *p;
	char buf[256];

	memset(pe, 0, sizeof *pe);
	pe->occ = o;
	pe->lang = (int)((i / 2) % 3);
	if (i % 2 == 0) {
		struct shortest sh = {{0}, 0, 0};

		pe->lone = SLICE_LONE_OCC;
		each_name(&o->labels[pe->lang], pe->lang != 0, keep_shortest, &sh);
		if (!sh.words)
			return NULL;
		snprintf(pe->lone_name, sizeof pe->lone_name, "%s", sh.best);
		snprintf(buf, sizeof buf, "%s", sh.best);
		maybe_typo(buf);
	} else {
		size_t j, n = o->n_essential, start = below(n ? n : 1);

		pe->lone = SLICE_LONE_SKILL;
		for (j = 0; j < n; j++) {
			const esco_skill *s = o->essential[(start + j) % n];
			const char *l = s->labels[pe->lang].preferred;

			if (l && words_in(l) <= 3) {
				snprintf(buf, sizeof buf, "%s", l);
				ascii_lower(buf);
				maybe_typo(buf);
				pe->truth[pe->n_truth++] = s;
				break;
			}
		}
		if (!pe->n_truth)
			return NULL;
	}
	snprintf(pe->query, sizeof pe->query, "%s", buf);
	p = json_pack("{s:[s]}", "skills", buf);
	json_object_set_new(p, "languages",
			    pe->lang ? json_pack("[{s:s, s:s}, {s:s, s:s}]", "code", code[pe->lang], "level",
						 "native", "code", "en", "level", "B1")
				     : json_pack("[{s:s, s:s}]", "code", "en", "level", "C1"));
	return p;
}

struct name_hit {
	const char *name;
	int found;
};

static void same_name(const char *name, void *arg)
{
	struct name_hit *h = arg;

	h->found |= strcmp(name, h->name) == 0;
}

/* Whether occupation x has the name a lone-word walk-in typed. */
static int named_so(const struct person *pe, const esco_occupation *x)
{
	struct name_hit h = {pe->lone_name, 0};

	each_name(&x->labels[pe->lang], pe->lang != 0, same_name, &h);
	return h.found;
}

/* ---- judging ---- */

/* Whether the person lacks a language the vacancy asks for, at the level
 * asked: English speakers hold English at C1, French and Spanish speakers
 * their own language natively and English at B1 (person_profile). */
static int language_gap(const struct person *pe, const struct vac *v)
{
	static const char *const own[3] = {"en", "fr", "es"};
	size_t i;

	for (i = 0; i < v->n_lang; i++) {
		int have = 0;

		if (strcmp(v->lang[i].code, own[pe->lang]) == 0)
			have = pe->lang ? 7 : 5;
		else if (strcmp(v->lang[i].code, "en") == 0)
			have = 3;
		if (have < v->lang[i].rank)
			return 1;
	}
	return 0;
}

/* How many ESCO occupations list every skill the person has as essential:
 * the occupations the typed skills cannot tell from the person's own. */
static size_t consistent_occupations(const struct person *pe, int with_optional)
{
	const esco *t = taxonomy_esco();
	size_t o, i, j, n = 0;

	for (o = 0; o < esco_occupation_count(t); o++) {
		const esco_occupation *x = esco_occupation_at(t, o);
		size_t has = 0;

		for (i = 0; i < pe->n_truth; i++) {
			for (j = 0; j < x->n_essential && x->essential[j] != pe->truth[i]; j++)
				;
			if (j < x->n_essential) {
				has++;
				continue;
			}
			for (j = 0; with_optional && j < x->n_optional && x->optional[j] != pe->truth[i]; j++)
				;
			has += with_optional && j < x->n_optional;
		}
		n += has == pe->n_truth;
	}
	return n;
}

/* The grading: by default (EVAL_GRADING unset) a vacancy is graded against
 * every occupation the person cannot be told from by what was said (the
 * typed skills are all essential skills of it, and it lies in the stated
 * unit group, or is the occupation typed as text); EVAL_GRADING=strict
 * grades against the occupation the person was drawn from only, which a
 * walk-in's two skills often cannot reveal (docs/matching.md). */
static int strict_grading;

/* Fills pe->grade[] for every vacancy: 3 a vacancy of one of the
 * person's occupations, 2 another occupation of one of their unit groups,
 * 1 one of their minor groups with at least half of the vacancy's
 * essential skills among the person's true skills; one less when the
 * person lacks a language the vacancy asks for at the level asked. */
static int grade_vacancies(struct person *pe)
{
	const esco *t = taxonomy_esco();
	size_t n_occ = esco_occupation_count(t), o, i, j, n_unit = 0;
	unsigned char *occ_in = calloc(n_occ, 1);
	char(*unit)[5] = calloc(n_occ, sizeof *unit);

	free(pe->grade);
	pe->grade = calloc(n_vacs ? n_vacs : 1, 1);
	pe->n_occs = 0;
	if (!occ_in || !unit || !pe->grade) {
		free(occ_in);
		free(unit);
		return -1;
	}
	for (o = 0; o < n_occ; o++) {
		const esco_occupation *x = esco_occupation_at(t, o);
		size_t has = 0;

		if (strict_grading ? x != pe->occ
		    : pe->lone == SLICE_LONE_OCC ? x != pe->occ && !named_so(pe, x)
		    : pe->given == 2 ? x != pe->occ
		    : pe->given == 1 && strcmp(x->isco, pe->occ->isco) != 0)
			continue;
		for (i = 0; i < pe->n_truth; i++)
			for (j = 0; j < x->n_essential; j++)
				if (x->essential[j] == pe->truth[i]) {
					has++;
					break;
				}
		if (has < pe->n_truth && x != pe->occ)
			continue;
		occ_in[o] = 1;
		pe->n_occs++;
		for (j = 0; j < n_unit && strcmp(unit[j], x->isco) != 0; j++)
			;
		if (j == n_unit)
			memcpy(unit[n_unit++], x->isco, 5);
	}
	for (i = 0; i < n_vacs; i++) {
		const struct vac *v = &vacs[i];
		int r = 0;

		if (v->occ && occ_in[v->occ->index]) {
			r = 3;
		} else if (v->isco[0]) {
			for (j = 0; j < n_unit && r < 2; j++)
				if (strcmp(v->isco, unit[j]) == 0)
					r = 2;
			for (j = 0; j < n_unit && r < 1 && v->n_ess; j++)
				if (strncmp(v->isco, unit[j], 3) == 0) {
					size_t a, b, cov = 0;

					for (a = 0; a < v->n_ess; a++)
						for (b = 0; b < pe->n_truth; b++)
							cov += v->ess[a] == pe->truth[b];
					r = 2 * cov >= v->n_ess;
					break;
				}
		}
		if (r && language_gap(pe, v))
			r--;
		pe->grade[i] = (unsigned char)r;
	}
	free(occ_in);
	free(unit);
	return 0;
}

static int relevance(const struct person *pe, const struct vac *v)
{
	return pe->grade[v - vacs];
}

struct metrics {
	double ndcg, mrr, recall, irrelevant;
	size_t n, lost, stated_with_good;
	size_t graded, good_total, fewer_than_10; /* what the collection holds per person */
	size_t occs; /* occupations graded as the person's, summed */
};

static double last_ndcg; /* the last person's NDCG@10 (EVAL_DEBUG prints it) */

static void judge(const struct person *pe, const size_t *ranked, size_t n, struct metrics *m)
{
	size_t i, cnt[4] = {0}, found = 0, first = 0, good = 0;
	double dcg = 0, idcg = 0;
	int k;

	for (i = 0; i < n_vacs; i++) {
		int r = relevance(pe, &vacs[i]);

		cnt[r]++;
		good += r >= 2;
	}
	for (i = 0; i < n && i < 20; i++) {
		int r = ranked[i] ? relevance(pe, &vacs[ranked[i] - 1]) : 0;

		if (i < 10) {
			dcg += ((1 << r) - 1) / log2((double)i + 2);
			/* the share of what is shown: an empty place is not an
			 * irrelevant result */
			m->irrelevant += r == 0 ? 1.0 / (double)(n < 10 ? n : 10) : 0;
		}
		if (r >= 2) {
			found++;
			if (!first)
				first = i + 1;
		}
	}
	for (i = 0, k = 3; i < 10 && k > 0; k--) {
		size_t c;

		for (c = 0; c < cnt[k] && i < 10; c++, i++)
			idcg += ((1 << k) - 1) / log2((double)i + 2);
	}
	m->graded += cnt[1] + cnt[2] + cnt[3];
	m->good_total += good;
	m->fewer_than_10 += cnt[1] + cnt[2] + cnt[3] < 10;
	m->occs += pe->n_occs;
	last_ndcg = idcg > 0 ? dcg / idcg : 1;
	m->ndcg += last_ndcg;
	m->mrr += first ? 1.0 / (double)first : 0;
	m->recall += good ? (double)found / (double)(good < 20 ? good : 20) : 1;
	m->n++;
	if (pe->given && cnt[3]) {
		m->stated_with_good++;
		if (!n || !ranked[0] || strcmp(vacs[ranked[0] - 1].isco, pe->occ->isco) != 0)
			m->lost++;
	}
}

/* What the write path recognised from the typed text, per split and
 * language: skills normalised to the very concept typed, and free-text
 * occupations normalised to the occupation or at least its unit group (an
 * occupation of it, or its code). */
static struct {
	size_t skills, skills_right, occs, occ_right, occ_group;
} recog[2][3];

static void count_recognised(const struct person *pe, const json_t *prof, size_t split)
{
	size_t t, j;
	json_t *v;

	for (t = 0; t < pe->n_truth; t++) {
		recog[split][pe->lang].skills++;
		json_array_foreach(json_object_get(prof, "skills"), j, v) {
			if (strcmp(json_string_value(v) ?: "", pe->truth[t]->uri) == 0) {
				recog[split][pe->lang].skills_right++;
				break;
			}
		}
	}
	if (pe->given == 2) {
		const char *got = json_string_value(json_array_get(json_object_get(prof, "occupations"), 0));
		const esco_occupation *o = got ? esco_occupation_by_uri(taxonomy_esco(), got) : NULL;

		recog[split][pe->lang].occs++;
		recog[split][pe->lang].occ_right += o == pe->occ;
		/* a bare word may name the unit group itself: its 4-digit code */
		recog[split][pe->lang].occ_group += (o && strcmp(o->isco, pe->occ->isco) == 0) ||
						    (got && strcmp(got, pe->occ->isco) == 0);
	}
}

static size_t vacancy_number(const char *id)
{
	return id && strncmp(id, "v_", 2) == 0 ? (size_t)strtoull(id + 2, NULL, 10) : 0;
}

/* BM25 (or the coverage-only order) over the index: top 20 vacancy numbers. */
static size_t run_query(index_db *db, index_query *q, size_t *ranked, const json_t *skills,
			int by_coverage)
{
	index_search_opts o = {.limit = by_coverage ? 200 : 20, .sort_slot = -1,
			       .weighting = INDEX_WEIGHT_BM25};
	index_results *res = NULL;
	index_error e = {{0}};
	size_t i, j, n = 0, nh;
	double cov[200];
	size_t num[200];

	if (!q || index_search(db, q, &o, &res, &e)) {
		index_query_free(q);
		return 0;
	}
	nh = index_results_count(res);
	for (i = 0; i < nh && i < 200; i++) {
		const index_hit *h = index_results_hit(res, i);
		json_t *v = json_loadb(h->data, h->data_len, 0, NULL), *ess, *k;
		size_t have = 0, x;

		num[i] = vacancy_number(json_string_value(json_object_get(v, "id")));
		ess = json_object_get(json_object_get(v, "skills"), "essential");
		json_array_foreach(ess, x, k) {
			for (j = 0; j < json_array_size(skills); j++)
				have += json_equal(k, json_array_get(skills, j));
		}
		cov[i] = json_array_size(ess) ? (double)have / (double)json_array_size(ess) : 0;
		json_decref(v);
	}
	if (by_coverage) /* stable selection of the top 20 by coverage */
		for (i = 0; i < nh && i < 20; i++)
			for (j = i + 1; j < nh && j < 200; j++)
				if (cov[j] > cov[i]) {
					double c = cov[i];
					size_t t = num[i];

					cov[i] = cov[j], cov[j] = c;
					num[i] = num[j], num[j] = t;
				}
	for (i = 0; i < nh && i < 20; i++)
		ranked[n++] = num[i];
	index_results_free(res);
	index_query_free(q);
	return n;
}

int main(int argc, char **argv)
{
	static const char *const rk[RANKERS] = {"fairmatch", "BM25 over vacancy text (typed skills)",
						"coverage only (naive query's top 200)"};
	static const char *const sl[SLICES] = {"all", "English", "French/Spanish", "occupation given",
					       "no occupation", "walk-ins (2 skills)",
					       "lone word: an occupation's name",
					       "lone word: one short skill"};
	size_t n_occ = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
	size_t n_sample = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
	const esco *tax = match_taxonomy();
	struct metrics m[2][SLICES][RANKERS];
	const esco_occupation **evald;
	sample_gen *g = NULL;
	index_db *w = NULL, *db = NULL;
	index_error e = {{0}};
	size_t i, j, k, n_eval = 0, total, refused = 0;
	char err[256], index_path[512], rm[600];

	memset(m, 0, sizeof m);
	strict_grading = getenv("EVAL_GRADING") && strcmp(getenv("EVAL_GRADING"), "strict") == 0;
	if (!tax || taxonomy_init(err, sizeof err)) {
		fprintf(stderr, "eval_counsellor: the ESCO taxonomy is not available\n");
		return 77;
	}
	total = esco_occupation_count(tax);
	sent_of = calloc(esco_skill_count(tax), sizeof *sent_of);
	evald = calloc(n_occ ? n_occ : 1, sizeof *evald);
	if (!sent_of || !evald)
		return 1;
	load_sentences(tax, BENCH_DIR "techwolf_test_annotations.csv");
	load_sentences(tax, BENCH_DIR "house_test_annotations.csv");
	load_sentences(tax, BENCH_DIR "tech_test_annotations.csv");
	/* EVAL_INDEX: another directory, so two runs can go side by side */
	snprintf(index_path, sizeof index_path, "%s", getenv("EVAL_INDEX") ?: INDEX_PATH);
	snprintf(rm, sizeof rm, "rm -rf '%s'", index_path);
	if (strchr(index_path, '\'') || system(rm) != 0 ||
	    (mkdir("var", 0755), mkdir("var/eval", 0755), 0) ||
	    index_open_writable(index_path, &w, &e) || sample_gen_new(tax, 11, &g)) {
		fprintf(stderr, "eval_counsellor: cannot set up: %s\n", e.msg);
		return 1;
	}
	for (i = 0; i < n_sample; i++) {
		json_t *v = sample_next_vacancy(g);
		const char *oc = json_string_value(json_object_get(v, "occupation"));
		const esco_occupation *o = oc ? esco_occupation_by_uri(tax, oc) : NULL;

		if (!v || add_vacancy(w, v, o, oc && strlen(oc) == 4 ? oc : NULL))
			return 1;
		json_decref(v);
	}
	for (i = 0; n_eval < n_occ && i < total * 4; i++) {
		const esco_occupation *o = esco_occupation_at(tax, below(total)), *const *sib;
		size_t ns;

		if (o->n_essential < 5)
			continue;
		for (j = 0; j < n_eval && evald[j] != o; j++)
			;
		if (j < n_eval)
			continue;
		evald[n_eval++] = o;
		for (k = 0; k < EXACT_PER_OCC; k++) {
			json_t *v = ad(o);

			if (add_vacancy(w, v, o, NULL))
				return 1;
			json_decref(v);
		}
		ns = esco_occupations_by_isco(tax, o->isco, &sib);
		for (k = 0; k < SIBLING_PER_OCC && ns > 1; k++) {
			const esco_occupation *s = sib[below(ns)];
			json_t *v;

			if (s == o)
				continue;
			v = ad(s);
			if (add_vacancy(w, v, s, NULL))
				return 1;
			json_decref(v);
		}
	}
	if (index_commit(w, &e) || (index_close(w), index_open_readonly(index_path, &db, &e))) {
		fprintf(stderr, "eval_counsellor: %s\n", e.msg);
		return 1;
	}
	/* The lone-word walk-ins come after everyone else, so the draws of
	 * the others (and their figures) are as before they existed. */
	for (i = 0; i < 2 * n_eval; i++) {
		struct person pe;
		const esco_occupation *occ = evald[i % n_eval];
		json_t *raw = i < n_eval ? person_profile(&pe, occ, i) : lone_profile(&pe, occ, i - n_eval),
		       *prof = NULL, *ans = NULL, *it;
		struct match_params mp = {.limit = 20};
		size_t ranked[RANKERS][20], n[RANKERS] = {0};
		/* by the occupation, so the split is independent of how the
		 * person was typed (language, occupation given, walk-in) */
		size_t split = occ->index % 2;
		int in[SLICES];
		problem p;

		if (!raw)
			continue;
		problem_init(&p);
		if (profile_validate(raw, &prof, &p)) {
			/* free text naming no occupation: a counsellor would
			 * be asked to retype it; counted, and matched without it */
			refused++;
			problem_release(&p);
			problem_init(&p);
			json_object_del(raw, "occupations");
			pe.given = 0;
			if (profile_validate(raw, &prof, &p)) {
				problem_release(&p);
				json_decref(raw);
				continue;
			}
		}
		if (!pe.lone)
			count_recognised(&pe, prof, split);
		if (grade_vacancies(&pe)) {
			fprintf(stderr, "eval_counsellor: out of memory\n");
			return 1;
		}
		if (match_vacancies(db, prof, &mp, &ans, &p) == 0) {
			json_array_foreach(json_object_get(ans, "vacancies"), j, it) {
				ranked[0][n[0]++] = vacancy_number(
					json_string_value(json_object_get(json_object_get(it, "vacancy"), "id")));
			}
		}
		if (getenv("EVAL_DEBUG") && split == 0 && (pe.lone ? i - n_eval : i) < (size_t)atoi(getenv("EVAL_DEBUG"))) {
			printf("## %s (%s) lang=%d given=%d walkin=%d lone=%d consistent=%zu/%zu\n", pe.occ->label,
			       pe.occ->isco, pe.lang, pe.given, pe.walkin, pe.lone, consistent_occupations(&pe, 0),
			       consistent_occupations(&pe, 1));
			{
				char *typ = json_dumps(json_object_get(raw, "skills"), JSON_COMPACT),
				     *got = json_dumps(json_object_get(prof, "skills"), JSON_COMPACT),
				     *oc = json_dumps(json_object_get(raw, "occupations"), JSON_COMPACT),
				     *og = json_dumps(json_object_get(prof, "occupations"), JSON_COMPACT);
				size_t t;

				printf("  typed %s %s\n  got   %s %s\n  truth", typ, oc ? oc : "", got, og ? og : "");
				for (t = 0; t < pe.n_truth; t++)
					printf(" %s |", pe.truth[t]->uri + 36);
				printf("\n");
				free(typ), free(got), free(oc), free(og);
			}
			json_array_foreach(json_object_get(ans, "vacancies"), j, it) {
				json_t *ex = json_object_get(it, "explanation"), *rel = json_object_get(ex, "occupation_relation");

				if (j >= 10)
					break;
				printf("  rel=%d %.3f %-40.40s %s/%s %s occ=%.2f ess=%.2f used=%.2f\n",
				       relevance(&pe, &vacs[ranked[0][j] - 1]), json_real_value(json_object_get(it, "score")),
				       json_string_value(json_object_get(json_object_get(it, "vacancy"), "title")),
				       json_string_value(json_object_get(rel, "grade")), json_string_value(json_object_get(rel, "basis")),
				       vacs[ranked[0][j] - 1].isco,
				       json_number_value(json_object_get(json_object_get(json_object_get(ex, "breakdown"), "occupation"), "value")),
				       json_number_value(json_object_get(json_object_get(json_object_get(ex, "breakdown"), "essential_skills"), "value")),
				       json_number_value(json_object_get(json_object_get(json_object_get(ex, "breakdown"), "skills_used"), "value")));
			}
		}
		problem_release(&p);
		n[1] = run_query(db, index_query_parse(pe.query, "en", "", 0, &e), ranked[1], NULL, 0);
		n[2] = run_query(db, match_build_naive_query(prof, &mp), ranked[2],
				 json_object_get(prof, "skills"), 1);
		in[0] = !pe.lone;
		in[1] = !pe.lone && pe.lang == 0;
		in[2] = !pe.lone && pe.lang != 0;
		in[3] = !pe.lone && pe.given != 0;
		in[4] = !pe.lone && pe.given == 0;
		in[5] = pe.walkin;
		in[SLICE_LONE_OCC] = pe.lone == SLICE_LONE_OCC;
		in[SLICE_LONE_SKILL] = pe.lone == SLICE_LONE_SKILL;
		for (j = 0; j < SLICES; j++)
			for (k = 0; in[j] && k < RANKERS; k++) {
				judge(&pe, ranked[k], n[k], &m[split][j][k]);
				if (j == (pe.lone ? (size_t)pe.lone : 0) && k == 0 && getenv("EVAL_DEBUG") && split == 0 &&
				    (pe.lone ? i - n_eval : i) < (size_t)atoi(getenv("EVAL_DEBUG")))
					printf("  ndcg@10 %.3f\n", last_ndcg);
			}
		json_decref(ans);
		json_decref(prof);
		json_decref(raw);
		free(pe.grade);
	}
	printf("Grading: %s.\n\n", strict_grading
		? "strict (EVAL_GRADING=strict): against the occupation each person was drawn from"
		: "against every occupation the person cannot be told from by what was said "
		  "(all typed skills essential to it, in the stated unit group or the occupation typed)");
	printf("Collection: %zu vacancies (%zu sample + %zu ads for %zu evaluated occupations); %zu people "
	       "(%zu free-text occupations refused and matched without).\n\n",
	       n_vacs, n_sample, n_vacs - n_sample, n_eval, n_eval, refused);
	for (i = 0; i < 2; i++) {
		printf("%s split:\n\n| slice | people | ranking | NDCG@10 | recall@20 | MRR | irrelevant in top 10 | "
		       "stated occupation lost at #1 |\n|---|---|---|---|---|---|---|---|\n",
		       i ? "Held-out" : "Development");
		for (j = 0; j < SLICES; j++)
			for (k = 0; k < RANKERS; k++) {
				struct metrics *x = &m[i][j][k];
				double d = x->n ? (double)x->n : 1;

				printf("| %s | %zu | %s | %.3f | %.3f | %.3f | %.1f%% | %zu of %zu |\n", sl[j],
				       x->n, rk[k], x->ndcg / d, x->recall / d, x->mrr / d,
				       100 * x->irrelevant / d, x->lost, x->stated_with_good);
			}
		printf("\nThe collection per person (all): %.1f vacancies of relevance >= 1, %.1f of >= 2; "
		       "%zu of %zu people have fewer than 10 of relevance >= 1.\n",
		       (double)m[i][0][0].graded / (double)(m[i][0][0].n ? m[i][0][0].n : 1),
		       (double)m[i][0][0].good_total / (double)(m[i][0][0].n ? m[i][0][0].n : 1),
		       m[i][0][0].fewer_than_10, m[i][0][0].n);
		printf("Occupations graded as the person's, per person: all %.1f, no occupation %.1f, "
		       "walk-ins %.1f, lone occupation names %.1f, lone skills %.1f.\n",
		       (double)m[i][0][0].occs / (double)(m[i][0][0].n ? m[i][0][0].n : 1),
		       (double)m[i][4][0].occs / (double)(m[i][4][0].n ? m[i][4][0].n : 1),
		       (double)m[i][5][0].occs / (double)(m[i][5][0].n ? m[i][5][0].n : 1),
		       (double)m[i][6][0].occs / (double)(m[i][6][0].n ? m[i][6][0].n : 1),
		       (double)m[i][7][0].occs / (double)(m[i][7][0].n ? m[i][7][0].n : 1));
		printf("\nRecognised from the typed text (en / fr / es): skills");
		for (j = 0; j < 3; j++)
			printf(" %.3f", recog[i][j].skills ? (double)recog[i][j].skills_right / (double)recog[i][j].skills : 0);
		printf("; free-text occupations exact");
		for (j = 0; j < 3; j++)
			printf(" %zu/%zu", recog[i][j].occ_right, recog[i][j].occs);
		printf(", unit group");
		for (j = 0; j < 3; j++)
			printf(" %zu/%zu", recog[i][j].occ_group, recog[i][j].occs);
		printf(".\n");
		printf("\nNDCG@10 gain over BM25: %+.3f (target >= +0.15)\n\n",
		       (m[i][0][0].ndcg - m[i][0][1].ndcg) / (double)(m[i][0][0].n ? m[i][0][0].n : 1));
	}
	index_close(db);
	sample_gen_free(g);
	for (i = 0; i < esco_skill_count(tax); i++)
		free(sent_of[i]);
	free(sent_of);
	free(evald);
	free(vacs);
	return 0;
}
