/*
 * test_render.c - the match answer written as text (engine/match/render.c)
 * against jansson, byte for byte:
 *   - match_answer_text against the splice POST /v1/match wrote before it
 *     (json_dumps of each result and of the answer, JSON_REAL_PRECISION(15)),
 *     on trees holding every kind of value: strings with quotes,
 *     backslashes, every control character and 2-, 3- and 4-byte UTF-8;
 *     reals rounded to four decimals (the fast path) and not (printf's),
 *     negative zero, huge and tiny exponents; integers at their limits;
 *     empty and nested containers. A string that is not UTF-8 is refused,
 *     as jansson refuses it.
 *   - a result's vacancy from its card (match__raw_vacancy) against the
 *     decoded, labelled and dumped tree (match__raw_vacancy_general), for
 *     500 generated vacancies and odd ones (free-text skills with escapes,
 *     an ISCO-coded occupation, unknown URIs, no skills, "{}"), in English,
 *     French, Spanish and the default; a card with white space (not the
 *     encoder's) and one with an unknown position still answer as the
 *     general way does.
 *   - whole answers of match_vacancies on an index of 2,000 generated
 *     vacancies: each result written as text (match__item_text) against
 *     the result built as a tree and dumped (match_params.result_trees),
 *     for 24 generated profiles in English, French and Spanish, with and
 *     without the vacancies below the relevance floor.
 *
 * Needs ESCO (data/esco, about a second to load), not PostgreSQL.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "data/sample.h"
#include "engine/match/internal.h"
#include "engine/indexer/indexer.h"
#include "engine/match/match.h"
#include "engine/profile.h"
#include "engine/vacancy.h"
#include "index/index.h"
#include "tests/support/sample_index.h"
#include "tests/support/t.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static const esco *tax;
static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* What api/v1/match.c wrote before match_answer_text: each result dumped
 * without its vacancy, the vacancy text spliced in front. */
static char *reference_text(json_t *answer)
{
	json_t *copy = json_deep_copy(answer), *list = json_object_get(copy, "vacancies"), *item;
	char *buf = NULL, *part;
	size_t size = 0, i;
	FILE *f = open_memstream(&buf, &size);
	int ok = f != NULL;

	fputs("{\"vacancies\":[", f);
	json_array_foreach(list, i, item) {
		const char *raw = json_string_value(json_object_get(item, "vacancy"));
		char *v = raw ? strdup(raw) : NULL;

		json_object_del(item, "vacancy");
		part = json_dumps(item, FLAGS);
		ok &= part && v;
		if (part && v) {
			fprintf(f, "%s{\"vacancy\":%s%s%s", i ? "," : "", v, part[1] == '}' ? "" : ",",
				part + 1);
		}
		free(part);
		free(v);
	}
	json_object_del(copy, "vacancies");
	part = json_dumps(copy, FLAGS);
	ok &= part != NULL;
	if (part)
		fprintf(f, "]%s%s", part[1] == '}' ? "" : ",", part + 1);
	free(part);
	fclose(f);
	json_decref(copy);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void same_text(const char *name, json_t *answer)
{
	char *want = reference_text(answer), *got;
	size_t len = 0;

	got = match_answer_text(answer, &len);
	T_CHECKF(want && got && strcmp(want, got) == 0 && len == strlen(want),
		 "%s:\n  jansson %s\n  render  %s", name, want ? want : "(null)", got ? got : "(null)");
	free(want);
	free(got);
}

/* A real of each kind the answers hold, and of those they do not. */
static double some_real(void)
{
	uint64_t r = next();
	double sign = r & 1 ? -1 : 1;

	switch ((r >> 1) % 6) {
	case 0: /* four decimals, small: scores, values, contributions */
		return sign * (double)(next() % 20001) / 10000;
	case 1: /* four decimals, up to the fast path's bound and past it */
		return sign * (double)(next() % 2000000000000ull) / 10000;
	case 2: /* any fraction */
		return sign * (double)(next() % 1000000) / 7.0;
	case 3: { /* any double that is finite */
		uint64_t bits = next();
		double d;

		memcpy(&d, &bits, sizeof d);
		return isfinite(d) ? d : 1.5;
	}
	case 4: /* tiny and huge */
		return sign * ldexp((double)(next() % 1000 + 1), (int)(next() % 200) - 100);
	default: /* whole numbers */
		return sign * (double)(next() % 100000);
	}
}

static json_t *some_string(void)
{
	static const char *const parts[] = {"a", "\"", "\\", "/", "\n", "\t", "\b", "\f", "\r",
					    "\x01", "\x1f", "\x7f", "é", "€", "😀", " ",
					    "Schweißen", "ü\"ß"};
	char s[200] = "";
	size_t i, n = next() % 12;

	for (i = 0; i < n; i++)
		strcat(s, parts[next() % (sizeof parts / sizeof *parts)]);
	return json_string(s);
}

static json_t *some_value(int depth)
{
	json_t *v;
	size_t i, n;

	switch (next() % (depth < 3 ? 9 : 7)) {
	case 0: return some_string();
	case 1: return json_real(some_real());
	case 2: return json_real(some_real());
	case 3: return json_integer((json_int_t)(next() % 2 ? next() : -next()));
	case 4: return json_true();
	case 5: return next() % 2 ? json_false() : json_null();
	case 6: return json_integer(next() % 2 ? INT64_MAX : INT64_MIN);
	case 7:
		v = json_array();
		for (i = 0, n = next() % 4; i < n; i++)
			json_array_append_new(v, some_value(depth + 1));
		return v;
	default:
		v = json_object();
		for (i = 0, n = next() % 4; i < n; i++) {
			char key[16];

			snprintf(key, sizeof key, i % 2 ? "k\"%zu" : "k%zu", i);
			json_object_set_new(v, key, some_value(depth + 1));
		}
		return v;
	}
}

static void test_answer_text_as_jansson(void)
{
	size_t round, i;

	for (round = 0; round < 400; round++) {
		json_t *list = json_array(), *answer;
		char name[32];

		for (i = 0; i < round % 4; i++)
			json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:f}", "vacancy",
							      i % 2 ? "{}" : "{\"a\":1.5,\"b\":\"\\\"\"}",
							      "explanation", some_value(1), "x",
							      some_value(1), "score", some_real()));
		answer = json_pack("{s:o, s:o, s:o}", "vacancies", list, "quotas", some_value(1),
				   "facets", some_value(1));
		snprintf(name, sizeof name, "round %zu", round);
		same_text(name, answer);
		json_decref(answer);
	}
	/* reals at the edges of the fast path */
	{
		static const double edge[] = {0.0, -0.0, 1e8, -1e8, 99999999.9999, 1e-4, -1e-4,
					      5e-5, 0.1, 0.3, 1.0000, 12.5, 0.0001, 1e15, 1e16,
					      1e-5, 123456.789, 2.5e-300, 1.7e308};
		json_t *a = json_array(), *answer;

		for (i = 0; i < sizeof edge / sizeof *edge; i++)
			json_array_append_new(a, json_real(edge[i]));
		answer = json_pack("{s:[], s:o}", "vacancies", "reals", a);
		same_text("edge reals", answer);
		json_decref(answer);
	}
	/* not UTF-8: refused, as json_dumps refuses it */
	{
		json_t *answer = json_pack("{s:[], s:o}", "vacancies", "bad",
					   json_stringn_nocheck("a\xc3(", 3));
		size_t len;
		char *text = match_answer_text(answer, &len);

		T_CHECK(text == NULL);
		T_CHECK(json_dumps(answer, FLAGS) == NULL);
		free(text);
		json_decref(answer);
	}
	/* a vacancy that is not an object's text */
	{
		json_t *answer = json_pack("{s:[{s:s}]}", "vacancies", "vacancy", "[1]");
		size_t len;
		char *text = match_answer_text(answer, &len);

		T_CHECK(text == NULL);
		free(text);
		json_decref(answer);
	}
}

/* The card and facts of v, then both ways in each language. */
static void same_vacancy(const char *name, const json_t *v, const char *card_override)
{
	static const char *const langs[] = {"en", "fr", "es", ""};
	struct match__facts *f = malloc(sizeof *f);
	char *card = NULL, *rec = NULL;
	size_t clen = 0, rlen = 0, i;

	T_REQUIRE(f != NULL);
	card = card_override ? strdup(card_override) : vacancy_card_encode(v, &clen);
	if (card_override)
		clen = strlen(card);
	T_REQUIRE(card != NULL && match_vacancy_facts(v, &rec, &rlen) == 0);
	T_REQUIRE(match__facts_decode(rec, rlen, f) == 0);
	for (i = 0; i < 4; i++) {
		json_t *want = match__raw_vacancy_general(card, clen, f, langs[i]);
		json_t *got = match__raw_vacancy(card, clen, f, langs[i]);

		T_CHECKF((!want && !got) || (want && got && json_equal(want, got)),
			 "%s (%s):\n  general %s\n  render  %s", name, langs[i],
			 want ? json_string_value(want) : "(null)",
			 got ? json_string_value(got) : "(null)");
		json_decref(want);
		json_decref(got);
	}
	free(card);
	free(rec);
	free(f);
}

static void test_generated_vacancies(void)
{
	sample_gen *g = NULL;
	size_t i;

	T_REQUIRE(sample_gen_new(tax, 7, &g) == 0);
	for (i = 0; i < 500; i++) {
		json_t *v = sample_next_vacancy(g);
		char name[32];

		T_REQUIRE(v != NULL);
		snprintf(name, sizeof name, "sample %zu", i);
		same_vacancy(name, v, NULL);
		json_decref(v);
	}
	sample_gen_free(g);
}

static void test_odd_vacancies(void)
{
	const esco_skill *s0 = esco_skill_at(tax, 0), *s1 = esco_skill_at(tax, 1);
	const esco_occupation *o = esco_occupation_at(tax, 0);
	json_t *v;
	char card[512];

	/* free text with escapes and UTF-8, an unknown URI, an ISCO code */
	v = json_pack("{s:s, s:s, s:{s:[s, s, s, s], s:[s, s]}, s:s, s:f}", "title",
		      "Soudeur \"senior\"\\\n", "occupation", "7212", "skills", "essential",
		      s0->uri, "weld \"under\" water\t", "http://example.org/skill/x", "7212",
		      "optional", "Schweißen 😀", s1->uri, "country", "ZA", "rate", 0.1);
	same_vacancy("free text", v, NULL);
	json_decref(v);
	/* an occupation URI, no skills */
	v = json_pack("{s:s, s:s, s:{s:[], s:[]}}", "title", "T", "occupation", o->uri, "skills",
		      "essential", "optional");
	same_vacancy("no skills", v, NULL);
	json_decref(v);
	/* an ISCO code ESCO does not have, and no skills object */
	v = json_pack("{s:s, s:s}", "title", "T", "occupation", "9999");
	same_vacancy("unknown isco", v, NULL);
	json_decref(v);
	v = json_object();
	same_vacancy("empty", v, NULL);
	json_decref(v);
	/* a card with white space is not the encoder's: the general way */
	v = json_pack("{s:s, s:{s:[s]}}", "occupation", o->uri, "skills", "essential", s0->uri);
	snprintf(card, sizeof card, "{\"occupation\": %u, \"skills\": {\"essential\": [%u]}}",
		 o->index, s0->index);
	same_vacancy("white space", v, card);
	/* a position past the taxonomy: both refuse */
	snprintf(card, sizeof card, "{\"occupation\":%u,\"skills\":{\"essential\":[%u]}}", o->index,
		 4000000000u);
	same_vacancy("unknown position", v, card);
	snprintf(card, sizeof card, "{\"occupation\":-1,\"skills\":{\"essential\":[%u]}}",
		 s0->index);
	same_vacancy("negative position", v, card);
	json_decref(v);
}

/* Whole answers: the results written as text (match__item_text) against
 * the same results built as trees and dumped, for generated profiles, in
 * each language, with and without the vacancies below the floor. */
static void test_results_as_text(void)
{
	static const char *const langs[] = {"en", "fr", "es"};
	char dir[64] = "var/tmp/test_render.XXXXXX", path[96], cmd[128];
	index_db *db = NULL;
	index_error e = {{0}};
	sample_gen *g = NULL;
	size_t i, k, results = 0;

	if (mkdir("var", 0755) && errno != EEXIST)
		perror("var");
	if (mkdir("var/tmp", 0700) && errno != EEXIST)
		perror("var/tmp");
	T_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/index", dir);
	T_REQUIRE(sample_index_build(path, 2000, tax) == 0);
	T_REQUIRE(index_open_readonly(path, &db, &e) == 0 && sample_gen_new(tax, 5, &g) == 0);
	for (i = 0; i < 24; i++) {
		json_t *raw = sample_next_profile(g), *prof = NULL;
		problem p;

		problem_init(&p);
		T_REQUIRE(raw && profile_validate(raw, &prof, &p) == 0);
		problem_release(&p);
		json_decref(raw);
		for (k = 0; k < 6; k++) {
			struct match_params mp = {.limit = 50, .raw_vacancies = 1, .explore = (int)(k / 3)};
			json_t *text = NULL, *tree = NULL;
			char *a = NULL, *b = NULL;
			size_t la, lb;

			memcpy(mp.lang, langs[k % 3], 3);
			problem_init(&p);
			T_CHECK(match_vacancies(db, prof, &mp, &text, &p) == 0);
			mp.result_trees = 1;
			T_CHECK(match_vacancies(db, prof, &mp, &tree, &p) == 0);
			problem_release(&p);
			a = text ? match_answer_text(text, &la) : NULL;
			b = tree ? match_answer_text(tree, &lb) : NULL;
			T_CHECKF(a && b && strcmp(a, b) == 0, "profile %zu (%s%s):\n  text %.300s\n  tree %.300s",
				 i, mp.lang, mp.explore ? ", explore" : "", a ? a : "(null)",
				 b ? b : "(null)");
			/* the text really is the results' (not the trees') */
			T_CHECK(text && json_is_string(json_array_get(json_object_get(text, "vacancies"), 0)) ==
						(json_array_size(json_object_get(text, "vacancies")) > 0));
			results += json_array_size(json_object_get(text, "vacancies"));
			free(a);
			free(b);
			json_decref(text);
			json_decref(tree);
		}
		json_decref(prof);
	}
	T_CHECKF(results > 500, "only %zu results compared", results);
	index_close(db);
	sample_gen_free(g);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	tax = match_taxonomy();
	if (!tax) {
		fprintf(stderr, "ESCO not loaded (data/esco)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_answer_text_as_jansson);
	T_RUN(test_generated_vacancies);
	T_RUN(test_odd_vacancies);
	T_RUN(test_results_as_text);
	return T_DONE();
}
