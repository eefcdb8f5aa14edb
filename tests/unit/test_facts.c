/*
 * test_facts.c - the compact facts record the indexer writes
 * (match_vacancy_facts) and re-ranking reads (match__facts_decode): for
 * varied vacancies (skills as ESCO URIs and as free text, occupation as an
 * ISCO code and as a URI, languages with levels, recruiter, dates, an empty
 * one, a maximal one), the decoded facts equal, field by field, the facts
 * match__facts_from_json takes from the JSON. A truncated record, one with
 * a trailing byte, a bad magic or version, a count over its maximum or an
 * ESCO index out of range is refused, not misread.
 *
 * Needs ESCO (data/esco, about a second to load), not PostgreSQL.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "engine/match/internal.h"
#include "engine/match/match.h"
#include "engine/vacancy.h"
#include "tests/support/t.h"

#define SKILL_PREFIX "http://data.europa.eu/esco/skill/"

static const esco *tax;
/* an occupation with enough essential and optional skills for the cases */
static const esco_occupation *occ;

/* The recruiter's field i (name, licence, country) as the encoder takes it. */
static const char *rec_field(const json_t *rec, size_t i)
{
	static const char *const keys[3] = {"name", "licence", "country"};
	const char *s = json_string_value(json_object_get(rec, keys[i]));

	return s ? s : "";
}

static int skills_equal(const struct match__fskill *a, const struct match__fskill *b)
{
	if (a->idx != b->idx)
		return 0;
	if (a->idx) /* an ESCO skill travels as its index only */
		return 1;
	return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Field by field: want from the JSON, got from the record. */
static void compare(const char *name, const struct match__facts *want,
		    const struct match__facts *got)
{
	size_t i;

	T_CHECKF(want->id == got->id, "%s: id %lld != %lld", name, (long long)want->id,
		 (long long)got->id);
	T_CHECKF(strcmp(want->country, got->country) == 0, "%s: country '%s' != '%s'", name,
		 want->country, got->country);
	T_CHECKF(strcmp(want->isco, got->isco) == 0, "%s: isco '%s' != '%s'", name, want->isco,
		 got->isco);
	T_CHECKF(strcmp(want->valid_until, got->valid_until) == 0, "%s: valid_until '%s' != '%s'",
		 name, want->valid_until, got->valid_until);
	T_CHECKF(want->occ == got->occ, "%s: occ %u != %u", name, want->occ, got->occ);
	T_CHECKF(want->n_lang == got->n_lang, "%s: n_lang %zu != %zu", name, want->n_lang,
		 got->n_lang);
	for (i = 0; i < want->n_lang && i < got->n_lang; i++)
		T_CHECKF(strcmp(want->lang[i].code, got->lang[i].code) == 0 &&
				 want->lang[i].rank == got->lang[i].rank,
			 "%s: language %zu %s/%d != %s/%d", name, i, want->lang[i].code,
			 want->lang[i].rank, got->lang[i].code, got->lang[i].rank);
	T_CHECKF(want->n_ess == got->n_ess, "%s: n_ess %zu != %zu", name, want->n_ess, got->n_ess);
	for (i = 0; i < want->n_ess && i < got->n_ess; i++)
		T_CHECKF(skills_equal(&want->ess[i], &got->ess[i]), "%s: essential skill %zu", name,
			 i);
	T_CHECKF(want->n_opt == got->n_opt, "%s: n_opt %zu != %zu", name, want->n_opt, got->n_opt);
	for (i = 0; i < want->n_opt && i < got->n_opt; i++)
		T_CHECKF(skills_equal(&want->opt[i], &got->opt[i]), "%s: optional skill %zu", name,
			 i);
	T_CHECKF(want->n_vinf == got->n_vinf, "%s: n_vinf %zu != %zu", name, want->n_vinf,
		 got->n_vinf);
	for (i = 0; i < want->n_vinf && i < got->n_vinf; i++)
		T_CHECKF(want->vinf[i].occ == got->vinf[i].occ && want->vinf[i].q == got->vinf[i].q,
			 "%s: inferred occupation %zu %u/%g != %u/%g", name, i, want->vinf[i].occ,
			 want->vinf[i].q, got->vinf[i].occ, got->vinf[i].q);
	T_CHECKF(want->has_rec == got->has_rec, "%s: has_rec %d != %d", name, want->has_rec,
		 got->has_rec);
	for (i = 0; want->has_rec && got->has_rec && i < 3; i++) {
		const char *s = rec_field(want->rec_json, i);

		T_CHECKF(got->rec_len[i] == strlen(s) && memcmp(got->rec[i], s, strlen(s)) == 0,
			 "%s: recruiter field %zu '%.*s' != '%s'", name, i, (int)got->rec_len[i],
			 got->rec[i], s);
	}
}

/* Encodes v, decodes the record and compares; the record stays in *rec
 * (caller frees) for the corruption cases. want gets the JSON's facts. */
/* 0, or -1 when the record could not be made (a failure is recorded). */
static int round_trip(const char *name, const json_t *v, struct match__facts *want, char **rec,
		      size_t *len)
{
	struct match__facts *got = malloc(sizeof *got);

	*rec = NULL;
	*len = 0;
	t_checks_in_case++;
	if (!got || match_vacancy_facts(v, rec, len) != 0) {
		T_FAIL_("%s: the record could not be made", name);
		free(got);
		return -1;
	}
	match__facts_from_json(v, want);
	T_CHECKF(match__facts_decode(*rec, *len, got) == 0, "%s: the record does not decode", name);
	compare(name, want, got);
	free(got);
	return 0;
}

static void check_one(const char *name, json_t *v, void (*extra)(const struct match__facts *))
{
	struct match__facts *want = malloc(sizeof *want);
	char *rec = NULL;
	size_t len = 0;

	T_REQUIRE(v != NULL && want != NULL);
	if (round_trip(name, v, want, &rec, &len) == 0 && extra)
		extra(want);
	free(rec);
	free(want);
	json_decref(v);
}

static json_t *uri_skills(const esco_skill *const *list, size_t n, size_t from, size_t k)
{
	json_t *a = json_array();
	size_t i;

	for (i = from; i < from + k && i < n; i++)
		json_array_append_new(a, json_string(list[i]->uri));
	return a;
}

static void no_extra_checks(const struct match__facts *f)
{
	(void)f;
}

/* The ISCO-coded case must exercise the inferred occupations. */
static void expect_inferred(const struct match__facts *f)
{
	T_CHECKF(f->n_vinf > 0, "an ISCO code with ESCO skills infers occupations");
	T_CHECK(f->occ == 0);
	T_CHECK(f->has_rec);
	T_EQ_INT(f->n_lang, 3);
}

static void expect_uri_occupation(const struct match__facts *f)
{
	T_CHECK(f->occ == occ->index + 1);
	T_EQ_STR(f->isco, occ->isco);
	T_EQ_INT(f->n_vinf, 0);
}

static void expect_empty(const struct match__facts *f)
{
	T_CHECK(f->id == 0 && f->n_ess == 0 && f->n_opt == 0 && f->n_lang == 0 && !f->has_rec);
	T_EQ_STR(f->valid_until, "");
}

static void expect_maximal(const struct match__facts *f)
{
	T_EQ_INT(f->n_ess, FACTS_SKILLS);
	T_EQ_INT(f->n_opt, FACTS_SKILLS);
	T_EQ_INT(f->n_lang, FACTS_LANGS);
}

static void test_isco_occupation_text_and_uri_skills(void)
{
	json_t *ess = uri_skills(occ->essential, occ->n_essential, 0, 4);

	json_array_append_new(ess, json_string("operate a forklift"));
	json_array_append_new(ess, json_string("Schweißen unter Wasser")); /* UTF-8 free text */
	json_array_append_new(ess, json_string(SKILL_PREFIX "not-a-real-skill"));
	check_one("isco",
		  json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o}, s:[{s:s, s:s}, {s:s, s:s}, {s:s}],"
			    " s:{s:i, s:i, s:s, s:s}, s:s, s:{s:s, s:s, s:s}}",
			    "id", "v_123", "title", "Welder", "occupation", occ->isco, "country",
			    "ZA", "skills", "essential", ess, "optional",
			    uri_skills(occ->optional, occ->n_optional, 0, 2), "languages", "code",
			    "en", "level", "B2", "code", "af", "level", "native", "code", "zu",
			    "salary", "min", 9000, "max", 12000, "currency", "ZAR", "period",
			    "month", "valid_until", "2027-06-30", "recruiter", "name",
			    "Honest Hands Recruitment", "licence", "LS-HHR-1", "country", "LS"),
		  expect_inferred);
}

static void test_uri_occupation(void)
{
	check_one("uri",
		  json_pack("{s:s, s:s, s:s, s:{s:o}, s:[{s:s, s:s}], s:s}", "id", "v_7",
			    "occupation", occ->uri, "country", "GB", "skills", "essential",
			    uri_skills(occ->essential, occ->n_essential, 1, 3), "languages", "code",
			    "en", "level", "C1", "valid_until", "2028-01-01"),
		  expect_uri_occupation);
}

static void test_odd_fields(void)
{
	/* what facts_from_json leaves out: a 3-letter country, a date of another
	 * length, a language code of 3 letters, a non-string skill; a recruiter
	 * with a name only; an unknown occupation URI; an unknown CEFR level */
	check_one("odd",
		  json_pack("{s:s, s:s, s:s, s:s, s:{s:[s, i, s]}, s:[{s:s, s:s}, {s:s, s:s}],"
			    " s:{s:s}}",
			    "id", "v_x", "occupation",
			    "http://data.europa.eu/esco/occupation/no-such-occupation", "country",
			    "ZAF", "valid_until", "2027-1-1", "skills", "essential", "cooking", 5,
			    "", "languages", "code", "eng", "level", "B1", "code", "fr", "level",
			    "Z9", "recruiter", "name", "Just A Name"),
		  no_extra_checks);
}

static void test_empty_vacancy(void)
{
	check_one("empty", json_object(), expect_empty);
}

static void test_maximal_vacancy(void)
{
	json_t *ess = json_array(), *opt = json_array(), *langs = json_array();
	char text[VACANCY_SKILL_MAX + 1], name[301];
	static const char *const codes[FACTS_LANGS] = {"en", "fr", "de", "es", "pt",
						       "ar", "sw", "tl", "zu", "af"};
	static const char *const levels[7] = {"A1", "A2", "B1", "B2", "C1", "C2", "native"};
	size_t i;

	memset(text, 'x', VACANCY_SKILL_MAX);
	text[VACANCY_SKILL_MAX] = '\0';
	memset(name, 'N', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	for (i = 0; i < FACTS_SKILLS; i++) {
		const esco_skill *k = esco_skill_at(tax, (uint32_t)(i * 97));

		/* alternate URIs and free texts of every length up to the maximum */
		if (i % 2)
			json_array_append_new(ess, json_string(k->uri));
		else
			json_array_append_new(ess, json_stringn(text, VACANCY_SKILL_MAX - i));
		json_array_append_new(
			opt, json_string(i % 3 ? k->uri : k->labels[ESCO_LANG_EN].preferred));
	}
	for (i = 0; i < FACTS_LANGS; i++)
		json_array_append_new(langs, json_pack("{s:s, s:s}", "code", codes[i], "level",
						       levels[i % 7]));
	check_one("maximal",
		  json_pack("{s:s, s:s, s:s, s:{s:o, s:o}, s:o, s:s, s:{s:s, s:s, s:s}}", "id",
			    "v_9223372036854775807", "occupation", occ->isco, "country", "AE",
			    "skills", "essential", ess, "optional", opt, "languages", langs,
			    "valid_until", "2028-12-31", "recruiter", "name", name, "licence",
			    "AE-RA-0001", "country", "AE"),
		  expect_maximal);
}

/* The largest record the encoder can write: every skill free text of the
 * longest length the record keeps (255 bytes, more than a valid vacancy
 * has), every language, and recruiter strings of the longest length the
 * record keeps (a 16-bit length). It must encode within the
 * encoder's bound (FACTS_MAX) and decode to the same facts. */
static void test_worst_case_vacancy(void)
{
	json_t *ess = json_array(), *opt = json_array(), *langs = json_array();
	static const char *const codes[FACTS_LANGS] = {"en", "fr", "de", "es", "pt",
						       "ar", "sw", "tl", "zu", "af"};
	char text[256]; /* the record keeps up to 255 bytes of a free-text skill */
	char *big = malloc(0xffff + 1);
	size_t i;

	T_REQUIRE(big != NULL);
	memset(big, 'R', 0xffff);
	big[0xffff] = '\0';
	for (i = 0; i < FACTS_SKILLS; i++) {
		/* distinct texts, so none is folded into another */
		memset(text, 'a' + (int)(i % 26), 255);
		text[255] = '\0';
		snprintf(text, 8, "%03zu-%c", i, 'e');
		text[strlen(text)] = 'x';
		json_array_append_new(ess, json_string(text));
		text[4] = 'o';
		json_array_append_new(opt, json_string(text));
	}
	for (i = 0; i < FACTS_LANGS; i++)
		json_array_append_new(langs, json_pack("{s:s, s:s}", "code", codes[i], "level", "C2"));
	check_one("worst case",
		  json_pack("{s:s, s:s, s:s, s:{s:o, s:o}, s:o, s:s, s:{s:s, s:s, s:s}}", "id",
			    "v_1", "occupation", occ->isco, "country", "AE", "skills", "essential",
			    ess, "optional", opt, "languages", langs, "valid_until", "2028-12-31",
			    "recruiter", "name", big, "licence", big, "country", big),
		  expect_maximal);
	free(big);
}

/* Every way of breaking a record this test can make is refused. */
static void test_corrupt_records_refused(void)
{
	json_t *ess = uri_skills(occ->essential, occ->n_essential, 0, 3);
	json_t *v;
	struct match__facts *want = malloc(sizeof *want), *got = malloc(sizeof *got);
	char *rec = NULL, *bad;
	size_t len = 0, n, at;
	int refused = 1;

	T_REQUIRE(want && got);
	json_array_append_new(ess, json_string("free text skill"));
	v = json_pack("{s:s, s:s, s:s, s:{s:o}, s:[{s:s, s:s}], s:s, s:{s:s, s:s}}", "id", "v_42",
		      "occupation", occ->isco, "country", "ZA", "skills", "essential", ess,
		      "languages", "code", "en", "level", "B2", "valid_until", "2027-03-01",
		      "recruiter", "name", "Agency", "licence", "L-1");
	T_REQUIRE(v != NULL);
	T_REQUIRE(round_trip("corrupt", v, want, &rec, &len) == 0);
	T_REQUIRE(rec != NULL && len > FACTS_HEADER);
	T_CHECK(want->n_vinf > 0);
	bad = malloc(len + 1);
	T_REQUIRE(bad != NULL);

	/* every truncation */
	for (n = 0; n < len; n++)
		if (match__facts_decode(rec, n, got) == 0) {
			refused = 0;
			T_CHECKF(0, "a record cut to %zu of %zu bytes was read", n, len);
		}
	T_CHECK(refused);
	/* a trailing byte */
	memcpy(bad, rec, len);
	bad[len] = 0;
	T_CHECK(match__facts_decode(bad, len + 1, got) == -1);

#define MUTATE(what, stmt)                                                     \
	do {                                                                   \
		memcpy(bad, rec, len);                                         \
		stmt;                                                          \
		T_CHECKF(match__facts_decode(bad, len, got) == -1, "%s", what); \
	} while (0)

	MUTATE("magic", bad[0] = 'G');
	MUTATE("version", bad[1] = FACTS_VERSION + 1);
	MUTATE("too many languages", bad[20] = FACTS_LANGS + 1);
	MUTATE("too many essential skills", bad[21] = FACTS_SKILLS + 1);
	MUTATE("too many optional skills", bad[22] = FACTS_SKILLS + 1);
	MUTATE("too many inferred occupations", bad[24] = VAC_INFER_MAX + 1);
	MUTATE("one language more", bad[20]++);
	MUTATE("one essential skill less", bad[21]--);
	MUTATE("no recruiter", bad[23] = 0);
	MUTATE("occupation out of range", memset(bad + 16, 0xff, 4));
	at = FACTS_HEADER;
	MUTATE("inferred occupation out of range", memset(bad + at, 0xff, 4));
	at += 5 * want->n_vinf + 3 * want->n_lang;
	MUTATE("skill out of range", memset(bad + at, 0xff, 4));
	/* the free-text skill (the 4th) claims more bytes than the record has */
	at += 4 * 3 + 4;
	MUTATE("free text too long", bad[at] = (char)0xff);
	/* the recruiter's name claims more bytes than the record has */
	at += 1 + strlen("free text skill");
	MUTATE("recruiter name too long", bad[at + 1] = 0x7f);
#undef MUTATE
	free(bad);
	free(rec);
	free(want);
	free(got);
	json_decref(v);
}


/* ---- the score of docs/matching.md "Scoring" on decoded facts ---- */

/* The score of vacancy v (JSON) for profile prof (JSON). */
static void score_of(const char *profile_json, json_t *v, struct match__scored *sc)
{
	json_t *prof = json_loads(profile_json, 0, NULL);
	struct match__person pr;
	struct match__facts f;

	memset(sc, 0, sizeof *sc);
	T_REQUIRE(prof != NULL);
	T_REQUIRE(match__person_prepare(prof, &pr) == 0);
	match__facts_from_json(v, &f);
	match__score_facts(&pr, &f, 0, sc);
	match__person_release(&pr);
	json_decref(prof);
}

static json_t *vac(const char *occupation, const char *country, json_t *ess, const char *langs)
{
	return json_pack("{s:s, s:s, s:s, s:{s:o, s:[]}, s:o}", "id", "v_1", "occupation", occupation,
			 "country", country, "skills", "essential", ess, "optional",
			 "languages", json_loads(langs, 0, NULL));
}

/* Every part's contribution plus the base is the score; the grades are as
 * documented; a language gap scores below the lowest relevant vacancy whose
 * languages are met; below the floor stays under 0.05. */
static void test_score_model(void)
{
	const esco_occupation *const *sib;
	const esco_occupation *other = NULL;
	size_t n = esco_occupations_by_isco(tax, occ->isco, &sib), i;
	struct match__scored sc;
	char prof[1024];
	double sum;
	json_t *v;

	for (i = 0; i < n && !other; i++)
		if (sib[i] != occ)
			other = sib[i];
	T_REQUIRE(other != NULL);
	snprintf(prof, sizeof prof,
		 "{\"occupations\":[\"%s\"],\"skills\":[\"%s\"],\"experience_years\":10,"
		 "\"languages\":[{\"code\":\"en\",\"level\":\"B1\"}],\"desired_countries\":[\"ZA\"]}",
		 occ->uri, occ->essential[0]->uri);

	v = vac(occ->uri, "ZA", uri_skills(occ->essential, occ->n_essential, 0, 2), "[]");
	score_of(prof, v, &sc);
	T_EQ_INT(sc.grade, GRADE_EXACT);
	T_CHECK(!sc.inferred && sc.relevant && sc.met);
	for (sum = sc.base, i = 0; i < PART_N; i++)
		sum += sc.contrib[i];
	T_CHECKF(fabs(sum - sc.score) < 1e-9, "parts %.6f, score %.6f", sum, sc.score);
	T_CHECK(sc.score >= 0.35 && sc.score <= 1);
	T_CHECK(sc.value[PART_COUNTRY] == 1 && sc.value[PART_ESSENTIAL] == 0.5);
	json_decref(v);

	/* another ESCO occupation of the unit group: unit_group, not exact */
	v = vac(other->uri, "KE", json_array(), "[]");
	score_of(prof, v, &sc);
	T_CHECK(sc.grade == GRADE_UNIT || sc.grade == GRADE_EXACT /* inferred as the sibling */);
	T_CHECK(sc.value[PART_COUNTRY] == 0);
	json_decref(v);

	/* the same unit group as a bare code on both sides: the unit group,
	 * no more (round 12: it was called exact) */
	v = vac(occ->isco, "ZA", json_array(), "[]");
	score_of("{\"occupations\":[\"7212\"]}", v, &sc);
	T_EQ_INT(sc.grade, GRADE_UNIT);
	T_CHECK(sc.value[PART_OCCUPATION] < 0.5);
	json_decref(v);
	/* a stated group of two digits grades by its level */
	v = vac(occ->isco, "ZA", json_array(), "[]");
	score_of("{\"occupations\":[\"72\"]}", v, &sc);
	T_EQ_INT(sc.grade, GRADE_SUB_MAJOR);
	T_CHECK(sc.relevant);
	json_decref(v);

	/* a language gap ranks below the lowest relevant vacancy with languages met */
	v = vac(occ->uri, "ZA", uri_skills(occ->essential, occ->n_essential, 0, 2),
		"[{\"code\":\"fr\",\"level\":\"C2\"}]");
	score_of(prof, v, &sc);
	T_CHECK(!sc.met && sc.relevant && sc.score < 0.35);
	T_CHECK(sc.value[PART_LANGUAGES] == 0);
	json_decref(v);

	/* unrelated occupation, no essential skill in common: below the floor */
	v = vac("2611", "ZA", uri_skills(occ->optional, occ->n_optional, 0, 1), "[]");
	score_of(prof, v, &sc);
	T_CHECK(!sc.relevant && sc.score <= 0.05);
	T_EQ_INT(sc.grade, GRADE_NONE);
	json_decref(v);
}


/* The labels' language of the match: a tag of a loaded language, else
 * English; Accept-Language's first loaded language in order. */
static void test_match_lang(void)
{
	char out[3];

	T_CHECK(match_lang("fr", out) && strcmp(out, "fr") == 0);
	T_CHECK(match_lang("ES-mx", out) && strcmp(out, "es") == 0);
	T_CHECK(match_lang("de", out) && strcmp(out, "en") == 0);
	T_CHECK(!match_lang("f1", out) && !match_lang("", out) && !match_lang("x", out));
	match_accept_language("de-DE, fr-CA;q=0.8, en;q=0.5", out);
	T_EQ_STR(out, "fr");
	match_accept_language("en-GB,es;q=0.9", out);
	T_EQ_STR(out, "en");
	match_accept_language(NULL, out);
	T_EQ_STR(out, "en");
	match_accept_language(",,;;  ,x-very-long-language-tag-indeed, es", out);
	T_EQ_STR(out, "es");
}

int main(void)
{
	size_t i, n;
	const esco_occupation *const *list;

	tax = match_taxonomy();
	if (!tax || !match__model_ready()) {
		fprintf(stderr, "ESCO not loaded (data/esco)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	/* a welder-like occupation with enough skills; any will do */
	n = esco_occupations_by_isco(tax, "7212", &list);
	for (i = 0; i < n && !occ; i++)
		if (list[i]->n_essential >= 5 && list[i]->n_optional >= 3)
			occ = list[i];
	if (!occ) {
		fprintf(stderr, "no ESCO occupation of ISCO 7212 with enough skills\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_isco_occupation_text_and_uri_skills);
	T_RUN(test_uri_occupation);
	T_RUN(test_odd_fields);
	T_RUN(test_empty_vacancy);
	T_RUN(test_maximal_vacancy);
	T_RUN(test_worst_case_vacancy);
	T_RUN(test_corrupt_records_refused);
	T_RUN(test_score_model);
	T_RUN(test_match_lang);
	return T_DONE();
}
