/*
 * test_search_text.c - the search answer written as text
 * (search_vacancies_text, engine/search_page.c, engine/vacancy/cardtext.c)
 * against the trees GET /v1/vacancies built and dumped before it: each
 * item labelled by taxonomy_label_doc and the answer written by
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(15)), byte for byte.
 *   - one page of odd cards through both ways of engine/search_page.h:
 *     500 generated vacancies, free-text skills and recruiters with
 *     escapes and UTF-8, an ISCO-coded occupation, unknown URIs, no skills,
 *     "{}", reals the card holds at 17 digits (the answer has 15), members
 *     the answer adds already in the card, skills as a list or with a
 *     member of its own, escapes and numbers json_dumps never writes,
 *     unknown and negative positions, cards that do not decode; ranked and
 *     not, in English, French, Spanish and the default, with and without a
 *     cursor.
 *   - whole answers of search_vacancies on an index of 1,500 generated
 *     vacancies: free text, filters (country, language, occupation, skill),
 *     every sort, limits 1 to 100, in each language, and the next pages
 *     their cursors give.
 *
 * Needs ESCO (data/esco), not PostgreSQL: the recruiters' verdicts are the
 * empty snapshot's ("unknown"), which the text writes as the tree does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "data/sample.h"
#include "engine/integrity/integrity.h"
#include "engine/search.h"
#include "engine/search_page.h"
#include "engine/taxonomy/taxonomy.h"
#include "engine/vacancy.h"
#include "index/index.h"
#include "tests/support/sample_index.h"
#include "tests/support/t.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static const char *const langs[] = {"en", "fr", "es", NULL};
static size_t compared; /* items compared byte for byte */

/* What api/v1/vacancies.c sends for a tree answer: each item labelled. */
static char *tree_text(json_t *answer, const char *lang)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(answer, "items"), i, v)
		taxonomy_label_doc(v, lang);
	return json_dumps(answer, FLAGS);
}

/* One page of cards both ways; weight i + 0.1234567890123 for item i.
 * Returns how many items the text wrote the tree way. */
static size_t same_page(const char *name, const char *const *cards, size_t n, int ranked,
			const char *lang, const char *cursor)
{
	const integrity_snapshot *snap = integrity_snapshot_get();
	struct search_page tp, xp;
	json_t *tree = NULL;
	char *want = NULL, *got = NULL;
	size_t i, by_tree;
	int a, b;

	a = search_page_start(&tp, 0, snap, 0, ranked, lang);
	b = search_page_start(&xp, 1, snap, 0, ranked, lang);
	T_CHECKF(a == 0 && b == 0, "%s: a page could not start (%d, %d)", name, a, b);
	if (a || b) {
		search_page_release(&tp);
		search_page_release(&xp);
		integrity_snapshot_put((integrity_snapshot *)snap);
		return 0;
	}
	for (i = 0; i < n; i++) {
		double w = (double)i + 0.1234567890123;

		a = search_page_add(&tp, cards[i], strlen(cards[i]), w);
		b = search_page_add(&xp, cards[i], strlen(cards[i]), w);
		T_CHECKF(a == b, "%s: card %zu added %d by the tree, %d by the text", name, i, a, b);
	}
	compared += xp.kept;
	by_tree = xp.by_tree;
	T_CHECK(search_page_finish(&tp, 12345, cursor, &tree, NULL) == 0);
	T_CHECK(search_page_finish(&xp, 12345, cursor, NULL, &got) == 0);
	want = tree ? tree_text(tree, lang) : NULL;
	T_CHECKF(want && got && strcmp(want, got) == 0, "%s (%s):\n  tree %s\n  text %s", name,
		 lang ? lang : "default", want ? want : "(null)", got ? got : "(null)");
	free(want);
	free(got);
	json_decref(tree);
	integrity_snapshot_put((integrity_snapshot *)snap);
	return by_tree;
}

/* Both ways, ranked and not, in each language; how many items the text
 * wrote the tree way, at most. */
static size_t same_page_every_way(const char *name, const char *const *cards, size_t n)
{
	size_t l, most = 0, k;

	for (l = 0; l < 4; l++) {
		if ((k = same_page(name, cards, n, 1, langs[l], NULL)) > most)
			most = k;
		if ((k = same_page(name, cards, n, 0, langs[l], "abc\"def")) > most)
			most = k;
	}
	return most;
}

static void test_generated_cards(void)
{
	const esco *t = taxonomy_esco();
	sample_gen *g = NULL;
	char *cards[20];
	size_t i, k;

	T_REQUIRE(t && sample_gen_new(t, 7, &g) == 0);
	for (i = 0; i < 25; i++) {
		for (k = 0; k < 20; k++) {
			json_t *raw = sample_next_vacancy(g), *v = NULL;
			size_t len;
			problem p;

			problem_init(&p);
			T_REQUIRE(raw && vacancy_validate(raw, &v, &p) == 0);
			json_object_del(v, "normalised");
			cards[k] = vacancy_card_encode(v, &len);
			T_REQUIRE(cards[k] != NULL);
			problem_release(&p);
			json_decref(raw);
			json_decref(v);
		}
		/* the encoder's cards are all written as text */
		T_CHECK(same_page_every_way("generated", (const char *const *)cards, 20) == 0);
		for (k = 0; k < 20; k++)
			free(cards[k]);
	}
	sample_gen_free(g);
}

/* The card of v as the encoder writes it (positions for known URIs). */
static char *card_of(json_t *v)
{
	size_t len;
	char *c = vacancy_card_encode(v, &len);

	json_decref(v);
	return c;
}

static void test_odd_cards(void)
{
	const esco *t = taxonomy_esco();
	const esco_skill *s0 = esco_skill_at(t, 0), *s1 = esco_skill_at(t, 1);
	const esco_occupation *o = esco_occupation_at(t, 0);
	char *made[12], pos[256], pos2[256], pos3[256];
	size_t n = 0, i;
	/* cards json_dumps would not write, or that the answer treats apart;
	 * 1: written as text (not the tree way) */
	static const struct {
		const char *card;
		int text;
	} written[] = {
		{"{}", 1},
		{"{\"title\":\"T\"}", 1},
		{"{\"title\": \"white space\"}", 0},
		{"{\"title\":\"a\\/b\"}", 0},       /* an escape jansson never writes */
		{"{\"title\":\"\\u001f\"}", 0},     /* lower-case hex */
		{"{\"title\":\"\\u001F\\u0001\\n\\\"\"}", 1}, /* jansson's own escapes */
		{"{\"title\":\"\\u0008\"}", 0},     /* a backspace written long */
		{"{\"title\":\"\\u0000\"}", 0},     /* a NUL: the tree refuses it */
		{"{\"title\":\"\xc3(\"}", 0},        /* not UTF-8 */
		{"{\"title\":\"\x01\"}", 0},         /* a raw control character */
		{"{\"n\":-0,\"m\":1}", 0},
		{"{\"n\":01}", 0},
		{"{\"n\":1.}", 0},
		{"{\"n\":12345678901234567890}", 0},
		{"{\"n\":-9223372036854775807,\"x\":123456789012345678}", 0},
		{"{\"x\":123456789012345678,\"y\":-12345678901234567}", 1},
		{"{\"n\":1e400}", 0},
		{"{\"salary\":{\"min\":1234.5678901234567,\"max\":0.10000000000000001,"
		 "\"e\":1.5e-7,\"z\":-0.0,\"w\":2.0,\"E\":1E+20}}", 1},
		{"{\"relevance\":1,\"title\":\"x\"}", 0},
		{"{\"recruiter_verdict\":null,\"recruiter\":{\"name\":\"R\"}}", 0},
		{"{\"concepts\":{},\"title\":\"x\"}", 0},
		{"{\"normalised\":[{\"concept\":\"7212\",\"label\":\"x\"}]}", 0},
		{"{\"occupations\":[\"7212\"]}", 0},
		{"{\"skills\":[\"weld\"]}", 0},
		{"{\"skills\":{\"essential\":[\"we\\\"ld\"]}}", 0},
		{"{\"skills\":{\"essential\":[\"weld\",5,1.5,null,[\"x\"]],\"mine\":[\"a\",7],"
		 "\"note\":\"n\",\"optional\":[]}}", 1},
		{"{\"skills\":null,\"occupation\":null}", 1},
		{"{\"occupation\":\"7212\",\"skills\":{}}", 1},
		{"{\"occupation\":\"9999\"}", 1},
		{"{\"occupation\":\"http://example.org/occ\",\"skills\":{\"optional\":"
		 "[\"http://example.org/skill/x\",\"Schwei\xc3\x9f" "en \xf0\x9f\x98\x80\"]}}", 1},
		{"{\"occupation\":1.5}", 1},
		{"{\"occupation\":{\"x\":1}}", 1},
		{"{\"recruiter\":\"R\"}", 1},
		{"{\"recruiter\":{\"name\":\"Kestrel \\\"Overseas\\\"\\n\",\"licence\":\"L-1\","
		 "\"country\":\"LS\"},\"title\":\"t\"}", 1},
		{"{\"recruiter\":{}}", 1},
		{"{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}", 0},
		{"{\"a\":1,\"b\":2,\"a\":3}", 0},      /* a key twice: jansson keeps one */
		{"{\"r\":{\"x\":1,\"x\":2}}", 0},
		{"{\"a\":{\"a\":1,\"b\":[{\"a\":2},{\"a\":3}]},\"b\":4}", 1},
		{"{\"a\":[1,]}", 0},
		{"{\"a\":1,}", 0},
		{"{\"a\"1}", 0},
		{"{\"a\":1}}", 0},
		{"{\"a\":tru}", 0},
		{"[1]", 0},
		{"", 0},
	};
	const char *all[sizeof written / sizeof *written];
	/* positions: known, unknown, negative */
	snprintf(pos, sizeof pos,
		 "{\"title\":\"p\",\"occupation\":%u,\"skills\":{\"essential\":[%u,\"free \\\"text\\\"\"],"
		 "\"optional\":[%u]},\"recruiter\":{\"name\":\"N\"}}",
		 o->index, s0->index, s1->index);
	snprintf(pos2, sizeof pos2, "{\"occupation\":%u,\"skills\":{\"essential\":[4000000000]}}",
		 o->index);
	snprintf(pos3, sizeof pos3, "{\"occupation\":-1,\"skills\":{\"essential\":[%u]}}", s0->index);
	made[n++] = strdup(pos);
	made[n++] = strdup(pos2);
	made[n++] = strdup(pos3);
	made[n++] = card_of(json_pack(
		"{s:s, s:s, s:{s:[s, s, s, s], s:[s, s]}, s:s, s:f, s:{s:s, s:s}}", "title",
		"Soudeur \"senior\"\\\n\t\x01", "occupation", "7212", "skills", "essential", s0->uri,
		"weld \"under\" water\t", "http://example.org/skill/x", "7212", "optional",
		"Schweißen 😀", s1->uri, "country", "ZA", "rate", 0.1, "recruiter", "name",
		"Luzon \"Labour\"", "licence", "PH-1"));
	made[n++] = card_of(json_pack("{s:s, s:s, s:{s:[], s:[]}}", "title", "T", "occupation",
				      o->uri, "skills", "essential", "optional"));
	for (i = 0; i < n; i++)
		T_REQUIRE(made[i] != NULL);
	same_page_every_way("made", (const char *const *)made, n);
	for (i = 0; i < sizeof written / sizeof *written; i++) {
		char name[32];
		size_t by_tree;

		snprintf(name, sizeof name, "written %zu", i);
		all[i] = written[i].card;
		by_tree = same_page_every_way(name, &all[i], 1);
		T_CHECKF(!written[i].text || by_tree == 0, "%s: written the tree way", name);
	}
	/* all in one page: the commas between items left out and kept */
	same_page_every_way("written, one page", all, sizeof written / sizeof *written);
	for (i = 0; i < n; i++)
		free(made[i]);
}

/* One query both ways, then its next pages (at most pages in all). */
static void same_answers(index_db *db, struct vacancy_query q, const char *name, int pages)
{
	char cursor[512];
	int page;

	for (page = 0; page < pages; page++) {
		json_t *tree = NULL, *next;
		char *want = NULL, *got = NULL;
		problem p1, p2;
		int a, b;

		problem_init(&p1);
		problem_init(&p2);
		a = search_vacancies(db, &q, &tree, &p1);
		b = search_vacancies_text(db, &q, &got, &p2);
		T_CHECKF(a == b && p1.kind == p2.kind, "%s: %d (%s) against %d (%s)", name, a,
			 p1.detail, b, p2.detail);
		want = tree ? tree_text(tree, q.lang) : NULL;
		T_CHECKF((!want && !got) || (want && got && strcmp(want, got) == 0),
			 "%s, page %d (%s):\n  tree %.400s\n  text %.400s", name, page,
			 q.lang ? q.lang : "default", want ? want : "(null)", got ? got : "(null)");
		compared += json_array_size(json_object_get(tree, "items"));
		next = json_object_get(tree, "next_cursor");
		free(want);
		free(got);
		problem_release(&p1);
		problem_release(&p2);
		if (!json_is_string(next)) {
			json_decref(tree);
			return;
		}
		snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
		q.cursor = cursor;
		json_decref(tree);
	}
}

static void test_search_answers(void)
{
	static const char *const texts[] = {"nurse", "welder", "driver", "cook",
					    "soudeur", "enfermera", "fruit picker", "electrician"};
	static const char *const sorts[] = {NULL, "newest", "valid_until", "salary"};
	static const char *const limits[] = {NULL, "1", "7", "100"};
	static const char *const countries[] = {"ZA", "QA", "FR", "KE"};
	const esco *t = taxonomy_esco();
	char dir[64] = "var/tmp/test_search_text.XXXXXX", path[96], cmd[128], name[128];
	index_db *db = NULL;
	index_error e = {{0}};
	size_t i, l, before = compared;

	if (mkdir("var", 0755) && errno != EEXIST)
		perror("var");
	if (mkdir("var/tmp", 0700) && errno != EEXIST)
		perror("var/tmp");
	T_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/index", dir);
	T_REQUIRE(sample_index_build(path, 1500, taxonomy_esco()) == 0);
	T_REQUIRE(index_open_readonly(path, &db, &e) == 0);
	for (l = 0; l < 4; l++) {
		for (i = 0; i < sizeof texts / sizeof *texts; i++) {
			struct vacancy_query q = {.q = texts[i], .lang = langs[l], .caller_org = "test",
						  .limit = limits[i % 4], .sort = i % 3 ? NULL : "newest"};

			snprintf(name, sizeof name, "q=%s", texts[i]);
			same_answers(db, q, name, 3);
		}
		for (i = 0; i < 4; i++) {
			struct vacancy_query q = {.sort = sorts[i], .lang = langs[l], .caller_org = "test",
						  .limit = limits[(i + l) % 4],
						  .country = l % 2 ? countries[i] : NULL,
						  .language = l == 2 ? "en" : NULL};

			snprintf(name, sizeof name, "sort=%s", sorts[i] ? sorts[i] : "default");
			same_answers(db, q, name, 3);
		}
		{
			struct vacancy_query q = {.occupation = "7212", .lang = langs[l],
						  .caller_org = "test", .limit = "50"};

			same_answers(db, q, "occupation=7212", 2);
			q.occupation = NULL;
			q.skill = esco_skill_at(t, 0)->uri;
			same_answers(db, q, "skill", 2);
		}
	}
	/* a refusal is refused alike */
	{
		struct vacancy_query q = {.limit = "0", .caller_org = "test"};

		same_answers(db, q, "limit=0", 1);
	}
	T_CHECKF(compared - before > 1000, "only %zu items compared", compared - before);
	index_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	if (!taxonomy_esco()) {
		fprintf(stderr, "ESCO not loaded (data/esco)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	T_RUN(test_generated_cards);
	T_RUN(test_odd_cards);
	T_RUN(test_search_answers);
	fprintf(stderr, "%zu items compared\n", compared);
	return T_DONE();
}
