/*
 * test_index.c - the Xapian wrapper (index/index.h), exercised from plain C.
 *
 * Being C, this file also proves the header compiles and links as C. The
 * cases share one small vacancy-like database built by the first case in a
 * fresh directory under ./var/tmp/, removed at the end. The expectations
 * are Xapian's real behaviour (English stemming maps "welding" and "welds"
 * to "weld" but leaves "welder" alone; the boolean query parser rejects
 * "AND AND (" outright), so a Xapian upgrade that changes it shows here.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"
#include "index/schema.h"
#include "tests/support/query_comb.h"
#include "tests/support/t.h"

static char tmpdir[256];  /* ./var/tmp/test_index.XXXXXX */
static char dbpath[300];  /* tmpdir/db */
static int fixture_built; /* set by test_build once the shared database is committed */

/* ---- helpers ------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* One vacancy-like document, shaped as schema.h describes. */
static int add_vacancy(index_db *w, int id, const char *country, const char *isco,
		       const char *lang, const char *title, const char *text, const char *until,
		       const char *positions)
{
	index_error err = {{0}};
	char term[64], data[64];
	int rc = INDEX_ERR;
	index_doc *doc = index_doc_new();
	if (!doc)
		return INDEX_ENOMEM;
	snprintf(term, sizeof term, "%s%s", VX_COUNTRY, country);
	if ((rc = index_doc_add_boolean(doc, term, &err)))
		goto done;
	snprintf(term, sizeof term, "%s%s", VX_OCCUPATION, isco);
	if ((rc = index_doc_add_boolean(doc, term, &err)))
		goto done;
	snprintf(term, sizeof term, "%s%s", VX_LANGUAGE, lang);
	if ((rc = index_doc_add_boolean(doc, term, &err)))
		goto done;
	if ((rc = index_doc_add_text(doc, title, strlen(title), lang, 1, VX_TITLE, &err)))
		goto done;
	if ((rc = index_doc_add_text(doc, title, strlen(title), lang, 1, VX_TEXT, &err)))
		goto done;
	if ((rc = index_doc_add_text(doc, text, strlen(text), lang, 1, VX_TEXT, &err)))
		goto done;
	if ((rc = index_doc_set_value(doc, VX_SLOT_VALID_UNTIL, until, strlen(until), &err)))
		goto done;
	if ((rc = index_doc_set_value(doc, VX_SLOT_POSITIONS, positions, strlen(positions), &err)))
		goto done;
	snprintf(data, sizeof data, "{\"id\":%d}", id);
	if ((rc = index_doc_set_data(doc, data, strlen(data), &err)))
		goto done;
	snprintf(term, sizeof term, "%s%d", VX_ID, id);
	rc = index_replace(w, term, doc, &err);
done:
	if (rc)
		fprintf(stderr, "  add_vacancy %d: %s\n", id, err.msg);
	index_doc_free(doc);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The vacancy ids of the hits (read from the document data) as "1,2,5",
 * in result order or sorted; "ERR <code>" when the search fails. */
static const char *ids_of(index_db *db, const index_query *q, const index_search_opts *opts,
			  int sorted)
{
	static char buf[INDEX_ERR_MAX + 64];
	index_error err = {{0}};
	index_results *r = NULL;
	int ids[64];
	size_t n = 0;
	int rc = index_search(db, q, opts, &r, &err);
	if (rc) {
		snprintf(buf, sizeof buf, "ERR %d %s", rc, err.msg);
		return buf;
	}
	for (size_t i = 0; i < index_results_count(r) && n < 64; i++) {
		const index_hit *h = index_results_hit(r, i);
		char data[64];
		size_t len = h->data_len < sizeof data - 1 ? h->data_len : sizeof data - 1;
		memcpy(data, h->data, len);
		data[len] = '\0';
		if (sscanf(data, "{\"id\":%d}", &ids[n]) == 1)
			n++;
	}
	index_results_free(r);
	if (sorted)
		qsort(ids, n, sizeof ids[0], cmp_int);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof buf - used, "%s%d", i ? "," : "", ids[i]);
	}
	return buf;
}

static index_search_opts opts_default(void)
{
	index_search_opts o = {0};
	o.limit = 50;
	o.sort_slot = -1;
	return o;
}

static index_query *parse_en(const char *text)
{
	index_error err = {{0}};
	index_query *q = index_query_parse(text, "en", VX_TEXT, 0, &err);
	if (!q)
		fprintf(stderr, "  parse \"%s\": %s\n", text, err.msg);
	return q;
}

/* ---- cases -------------------------------------------------------- */

static void test_build(void)
{
	index_error err = {{0}};
	index_db *w = NULL;
	T_REQUIRE(index_open_writable(dbpath, &w, &err) == INDEX_OK);
	T_REQUIRE(w != NULL);
	T_EQ_INT(add_vacancy(w, 1, "ZA", "7212", "en", "Welder", "Welds steel pipes on site.",
			     "2027-01-31", "00000005"),
		 INDEX_OK);
	T_EQ_INT(add_vacancy(w, 2, "ZA", "7213", "en", "Metal fabricator",
			     "Experienced in welding and sheet metal fabrication.", "2026-06-30",
			     "00000010"),
		 INDEX_OK);
	T_EQ_INT(add_vacancy(w, 3, "LS", "2221", "en", "Nurses", "Nurses wanted for a rural clinic.",
			     "2027-12-31", "00000002"),
		 INDEX_OK);
	T_EQ_INT(add_vacancy(w, 4, "FR", "7212", "fr", "Soudeurs",
			     "Soudeurs recherchés pour un chantier naval.", "2026-09-30",
			     "00000020"),
		 INDEX_OK);
	T_EQ_INT(add_vacancy(w, 5, "ZA", "7126", "en", "Plumber",
			     "Plumbing and welding maintenance, welding daily.", "2028-01-01",
			     "00000001"),
		 INDEX_OK);
	T_EQ_INT(index_set_metadata(w, VX_META_LAST_SEQ, "42", &err), INDEX_OK);

	/* The writer sees its own staged documents before the commit ... */
	uint64_t n = 0;
	T_EQ_INT(index_doc_count(w, &n, &err), INDEX_OK);
	T_EQ_INT(n, 5);
	/* ... a reader does not. */
	index_db *r = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &r, &err) == INDEX_OK);
	T_EQ_INT(index_doc_count(r, &n, &err), INDEX_OK);
	T_EQ_INT(n, 0);

	T_EQ_INT(index_commit(w, &err), INDEX_OK);
	T_EQ_INT(index_commit(w, &err), INDEX_OK); /* nothing staged: still fine */
	T_EQ_INT(index_reopen(r, &err), INDEX_OK);
	T_EQ_INT(index_doc_count(r, &n, &err), INDEX_OK);
	T_EQ_INT(n, 5);
	index_close(r);
	index_close(w);
	fixture_built = 1;
}

static void test_stemming(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_db *db = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &db, NULL) == INDEX_OK);
	index_search_opts o = opts_default();

	/* English: welding, welds -> weld; welder stays welder. */
	index_query *q = parse_en("welding");
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,5");
	char *d = index_query_describe(q);
	T_CHECKF(d && strstr(d, "Zweld"), "describe: %s", d ? d : "(null)");
	free(d);
	index_query_free(q);

	q = parse_en("welder");
	T_EQ_STR(ids_of(db, q, &o, 1), "1");
	index_query_free(q);

	/* French: soudeur finds soudeurs; the English stemmer does not. */
	index_error err = {{0}};
	q = index_query_parse("soudeur", "fr", "", 0, &err);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "4");
	index_query_free(q);
	q = index_query_parse("recherché", "fr", "", 0, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "4");
	index_query_free(q);

	/* Unknown or NULL language: no stemmer, no failure; exact words only. */
	q = index_query_parse("welding", "xx", "", 0, &err);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "2,5");
	index_query_free(q);
	q = index_query_parse("welds", NULL, "", 0, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "1");
	index_query_free(q);

	/* A prefix confines the words to the title terms. */
	q = index_query_parse("welding welder", "en", VX_TITLE, 0, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "1");
	index_query_free(q);

	/* Default OR vs DEFAULT_AND. */
	q = index_query_parse("welding plumbing", "en", "", 0, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,5");
	index_query_free(q);
	q = index_query_parse("welding plumbing", "en", "", INDEX_PARSE_DEFAULT_AND, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "5");
	index_query_free(q);

	/* PARTIAL: the last word is a prefix (expanded at search time). */
	q = index_query_parse("wel", "en", "", INDEX_PARSE_PARTIAL, &err);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,5");
	index_query_free(q);

	/* Hyphens must not make phrase queries: positions are not indexed. */
	q = index_query_parse("sheet-metal", "en", "", 0, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "2");
	index_query_free(q);
	index_close(db);
}

/* The same text parsed with several stemmers, merged: each distinct term
 * once (scaled by its count), the same hits with the same weights as the
 * plain OR, under BM25 and under the evaluator's CoordWeight. */
static void test_or_merged(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	static const char *const langs[] = {"en", "fr", "es"};
	index_db *db = NULL;
	index_error err = {{0}};
	index_query *parts[3] = {0}, *plain, *merged;
	T_REQUIRE(index_open_readonly(dbpath, &db, NULL) == INDEX_OK);
	for (int i = 0; i < 3; i++)
		T_REQUIRE((parts[i] = index_query_parse("welding steel frames", langs[i], "", 0, &err)));
	plain = index_query_combine(INDEX_OP_OR, parts, 3);
	merged = index_query_or_merged(parts, 3);
	T_REQUIRE(plain && merged);
	/* "steel" stems alike in all three: one term, weighed three times */
	char *d = index_query_describe(merged);
	T_CHECKF(d && strstr(d, "3 * Zsteel@2") && strstr(d, "2 * Zwelding@1"), "describe: %s",
		 d ? d : "(null)");
	free(d);
	for (int w = 0; w < 2; w++) {
		index_search_opts o = opts_default();
		index_results *a = NULL, *b = NULL;
		o.weighting = w ? INDEX_WEIGHT_COORD : INDEX_WEIGHT_BM25;
		T_REQUIRE(index_search(db, plain, &o, &a, &err) == INDEX_OK);
		T_REQUIRE(index_search(db, merged, &o, &b, &err) == INDEX_OK);
		T_EQ_INT(index_results_count(a), index_results_count(b));
		T_CHECK(index_results_count(a) > 0);
		for (size_t i = 0; i < index_results_count(a) && i < index_results_count(b); i++) {
			const index_hit *x = index_results_hit(a, i), *y = index_results_hit(b, i);
			T_EQ_INT(x->docid, y->docid);
			T_CHECKF(x->weight - y->weight < 1e-9 && y->weight - x->weight < 1e-9,
				 "weights %g and %g", x->weight, y->weight);
		}
		index_results_free(a);
		index_results_free(b);
	}
	T_CHECK(index_query_or_merged(NULL, 1) == NULL);
	index_query_free(plain);
	index_query_free(merged);
	for (int i = 0; i < 3; i++)
		index_query_free(parts[i]);
	index_close(db);
}

/* Text indexed as stems only: no term as written, a capitalised query
 * word stemmed too, and a language without a stemmer still indexed. */
static void test_stemmed_only(void)
{
	char dir[320];
	index_db *w = NULL, *db = NULL;
	index_doc *doc = index_doc_new();
	index_error err = {{0}};
	index_search_opts o = opts_default();
	index_query *q;
	int exists = -1;

	snprintf(dir, sizeof dir, "%s/stemmed", tmpdir);
	T_REQUIRE(doc && index_open_writable(dir, &w, &err) == INDEX_OK);
	T_REQUIRE(index_doc_add_text_stemmed(doc, "Welds frames", 12, "en", 1, "", &err) == 0);
	T_REQUIRE(index_doc_add_text_stemmed(doc, "Qaraqalpaq", 10, NULL, 1, "", &err) == 0);
	T_REQUIRE(index_doc_set_data(doc, "{\"id\":1}", 8, &err) == 0);
	T_REQUIRE(index_replace(w, "Q1", doc, &err) == 0 && index_commit(w, &err) == 0);
	T_CHECK(index_term_exists(w, "Zweld", &exists, &err) == 0 && exists == 1);
	T_CHECK(index_term_exists(w, "welds", &exists, &err) == 0 && exists == 0);
	T_CHECK(index_term_exists(w, "qaraqalpaq", &exists, &err) == 0 && exists == 1);
	index_close(w);
	T_REQUIRE(index_open_readonly(dir, &db, &err) == INDEX_OK);
	q = index_query_parse("Welding", "en", "", INDEX_PARSE_STEM_ALL, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "1");
	index_query_free(q);
	/* without the flag a capitalised word is looked for as written */
	q = index_query_parse("Welding", "en", "", 0, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	index_close(db);
	index_doc_free(doc);
}

static void test_parse_errors(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_error err = {{0}};
	/* Xapian 1.4.22 rejects this rather than falling back to plain words. */
	index_query *q = index_query_parse("AND AND (", "en", "", INDEX_PARSE_BOOLEAN, &err);
	T_CHECK(q == NULL);
	T_CHECKF(strstr(err.msg, "syntax") != NULL, "msg: %s", err.msg);
	T_CHECKF(err.msg[0] >= 'a' && err.msg[0] <= 'z', "lowercase: %s", err.msg);
	/* The same with err == NULL must not crash. */
	T_CHECK(index_query_parse("welding OR", "en", "", INDEX_PARSE_BOOLEAN, NULL) == NULL);

	/* Without BOOLEAN the words are just words. */
	q = index_query_parse("AND AND (", "en", "", 0, &err);
	T_REQUIRE(q);
	char *d = index_query_describe(q);
	T_CHECKF(d && strstr(d, "and"), "describe: %s", d ? d : "(null)");
	free(d);
	index_query_free(q);

	/* With BOOLEAN the operators work. */
	index_db *db = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &db, NULL) == INDEX_OK);
	index_search_opts o = opts_default();
	q = index_query_parse("welding -plumbing", "en", "", INDEX_PARSE_BOOLEAN, &err);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2");
	index_query_free(q);
	q = index_query_parse("welding AND plumbing", "en", "", INDEX_PARSE_BOOLEAN, &err);
	T_EQ_STR(ids_of(db, q, &o, 1), "5");
	index_query_free(q);

	/* Empty text: a query, matching nothing. */
	q = index_query_parse("", "en", "", 0, &err);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	T_CHECK(index_query_parse(NULL, "en", "", 0, &err) == NULL);
	index_close(db);
}

static void test_filters(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_db *db = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &db, NULL) == INDEX_OK);
	index_search_opts o = opts_default();
	index_query *text = parse_en("welding");
	index_query *za = index_query_term(VX_COUNTRY "ZA", 1);
	index_query *ls = index_query_term(VX_COUNTRY "LS", 1);
	index_query *fr = index_query_term(VX_COUNTRY "FR", 1);
	index_query *welder_occ = index_query_term(VX_OCCUPATION "7212", 1);
	T_REQUIRE(text && za && ls && fr && welder_occ);

	index_query *subs[3] = {text, za, NULL};
	index_query *q = index_query_combine(INDEX_OP_FILTER, subs, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,5");
	/* A filter does not change the weights of the first sub-query. */
	index_results *a = NULL, *b = NULL;
	T_EQ_INT(index_search(db, q, &o, &a, NULL), INDEX_OK);
	T_EQ_INT(index_search(db, text, &o, &b, NULL), INDEX_OK);
	T_REQUIRE(a && b && index_results_count(a) == 3 && index_results_count(b) == 3);
	for (size_t i = 0; i < 3; i++) {
		T_EQ_INT(index_results_hit(a, i)->docid, index_results_hit(b, i)->docid);
		T_CHECK(index_results_hit(a, i)->weight == index_results_hit(b, i)->weight);
		T_CHECK(index_results_hit(a, i)->weight > 0);
	}
	/* Ordered by weight, best first. */
	T_CHECK(index_results_hit(b, 0)->weight >= index_results_hit(b, 1)->weight);
	T_CHECK(index_results_hit(b, 1)->weight >= index_results_hit(b, 2)->weight);
	index_results_free(a);
	index_results_free(b);
	index_query_free(q);

	subs[1] = fr;
	q = index_query_combine(INDEX_OP_FILTER, subs, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);

	/* FILTER by (ZA OR LS) on everything. */
	index_query *countries[2] = {za, ls};
	index_query *any = index_query_combine(INDEX_OP_OR, countries, 2);
	index_query *all = index_query_all();
	index_query *subs2[2] = {all, any};
	q = index_query_combine(INDEX_OP_FILTER, subs2, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,3,5");
	index_query_free(q);
	index_query_free(any);

	/* AND_NOT: the first minus all the others. */
	subs[1] = welder_occ;
	q = index_query_combine(INDEX_OP_AND_NOT, subs, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "2,5");
	index_query_free(q);
	index_query *subs3[3] = {all, welder_occ, ls};
	q = index_query_combine(INDEX_OP_AND_NOT, subs3, 3);
	T_EQ_STR(ids_of(db, q, &o, 1), "2,5");
	index_query_free(q);

	/* AND, AND_MAYBE, SYNONYM, ELITE_SET. */
	index_query *pair[2] = {za, welder_occ};
	q = index_query_combine(INDEX_OP_AND, pair, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "1");
	index_query_free(q);
	subs[1] = welder_occ;
	q = index_query_combine(INDEX_OP_AND_MAYBE, subs, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,5");
	index_query_free(q);
	index_query *w1 = index_query_term("Zweld", 1), *w2 = index_query_term("Znurs", 1);
	index_query *syn_subs[2] = {w1, w2};
	q = index_query_combine(INDEX_OP_SYNONYM, syn_subs, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,3,5");
	index_query_free(q);
	q = index_query_combine(INDEX_OP_ELITE_SET, syn_subs, 2);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,3,5");
	index_query_free(q);
	index_query_free(w1);
	index_query_free(w2);

	/* A wildcard over boolean terms. */
	q = index_query_prefix(VX_OCCUPATION "72");
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,4");
	index_query_free(q);

	/* A NULL sub-query makes the combination NULL; so does a bad op. */
	subs[1] = NULL;
	T_CHECK(index_query_combine(INDEX_OP_AND, subs, 2) == NULL);
	T_CHECK(index_query_combine((enum index_op)99, pair, 2) == NULL);
	T_CHECK(index_query_combine(INDEX_OP_AND, NULL, 2) == NULL);
	/* Zero subs: matches nothing. */
	q = index_query_combine(INDEX_OP_OR, NULL, 0);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	/* An empty term matches nothing (Xapian alone would read it as "all"). */
	q = index_query_term("", 1);
	T_REQUIRE(q);
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	q = index_query_none();
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);

	index_query_free(all);
	index_query_free(text);
	index_query_free(za);
	index_query_free(ls);
	index_query_free(fr);
	index_query_free(welder_occ);
	index_close(db);
}

static void test_value_range(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_db *db = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &db, NULL) == INDEX_OK);
	index_search_opts o = opts_default();
	o.weighting = INDEX_WEIGHT_BOOL;

	index_query *q = index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-07-01", "2027-12-31");
	T_EQ_STR(ids_of(db, q, &o, 1), "1,3,4");
	index_results *r = NULL;
	T_EQ_INT(index_search(db, q, &o, &r, NULL), INDEX_OK);
	T_REQUIRE(r && index_results_count(r) == 3);
	for (size_t i = 0; i < 3; i++)
		T_CHECK(index_results_hit(r, i)->weight == 0.0);
	/* BoolWeight: equal weights, so docid ascending. */
	T_CHECK(index_results_hit(r, 0)->docid < index_results_hit(r, 1)->docid);
	T_CHECK(index_results_hit(r, 1)->docid < index_results_hit(r, 2)->docid);
	index_results_free(r);
	index_query_free(q);

	q = index_query_value_range(VX_SLOT_VALID_UNTIL, "2027-06-01", NULL);
	T_EQ_STR(ids_of(db, q, &o, 1), "3,5");
	index_query_free(q);
	q = index_query_value_range(VX_SLOT_VALID_UNTIL, NULL, "2026-12-31");
	T_EQ_STR(ids_of(db, q, &o, 1), "2,4");
	index_query_free(q);
	q = index_query_value_range(VX_SLOT_VALID_UNTIL, NULL, NULL);
	T_EQ_STR(ids_of(db, q, &o, 1), "1,2,3,4,5");
	index_query_free(q);
	/* No document has slot 7. */
	q = index_query_value_range(7, NULL, NULL);
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	q = index_query_value_range(7, NULL, "zzzz");
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	q = index_query_value_range(7, "", "zzzz");
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	/* lo > hi: nothing. */
	q = index_query_value_range(VX_SLOT_VALID_UNTIL, "2029", "2020");
	T_EQ_STR(ids_of(db, q, &o, 1), "");
	index_query_free(q);
	index_close(db);
}

static void test_scale_and_sort(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_db *db = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &db, NULL) == INDEX_OK);
	index_search_opts o = opts_default();

	index_query *weld = parse_en("welding");
	index_query *nurse = parse_en("nurses");
	T_REQUIRE(weld && nurse);
	index_query *weld10 = index_query_scale(weld, 10);
	index_query *nurse10 = index_query_scale(nurse, 10);
	T_REQUIRE(weld10 && nurse10);
	index_query *a[2] = {weld10, nurse};
	index_query *b[2] = {weld, nurse10};
	index_query *qa = index_query_combine(INDEX_OP_OR, a, 2);
	index_query *qb = index_query_combine(INDEX_OP_OR, b, 2);
	const char *ra = ids_of(db, qa, &o, 0);
	T_CHECKF(ra[0] != '3' && strlen(ra) == 7, "welding boosted: %s", ra);
	const char *rb = ids_of(db, qb, &o, 0);
	T_CHECKF(rb[0] == '3' && strlen(rb) == 7, "nurses boosted: %s", rb);
	index_query_free(qa);
	index_query_free(qb);

	/* The weights scale exactly; factor 0 zeroes them; negative is refused. */
	index_results *r1 = NULL, *r2 = NULL;
	T_EQ_INT(index_search(db, weld, &o, &r1, NULL), INDEX_OK);
	T_EQ_INT(index_search(db, weld10, &o, &r2, NULL), INDEX_OK);
	T_REQUIRE(r1 && r2 && index_results_count(r1) == index_results_count(r2));
	for (size_t i = 0; i < index_results_count(r1); i++) {
		double w1 = index_results_hit(r1, i)->weight, w2 = index_results_hit(r2, i)->weight;
		T_CHECKF(w2 > 9.999 * w1 && w2 < 10.001 * w1, "%g vs %g", w1, w2);
	}
	index_results_free(r1);
	index_results_free(r2);
	index_query *zero = index_query_scale(weld, 0);
	T_REQUIRE(zero);
	T_EQ_INT(index_search(db, zero, &o, &r1, NULL), INDEX_OK);
	T_EQ_INT(index_results_count(r1), 3);
	T_CHECK(index_results_hit(r1, 0)->weight == 0.0);
	index_results_free(r1);
	index_query_free(zero);
	T_CHECK(index_query_scale(weld, -1) == NULL);
	T_CHECK(index_query_scale(NULL, 1) == NULL);
	index_query_free(weld10);
	index_query_free(nurse10);
	index_query_free(weld);
	index_query_free(nurse);

	/* Sort by value slot (positions, zero-padded), both directions. */
	index_query *all = index_query_all();
	o.sort_slot = VX_SLOT_POSITIONS;
	T_EQ_STR(ids_of(db, all, &o, 0), "5,3,1,2,4");
	o.sort_descending = 1;
	T_EQ_STR(ids_of(db, all, &o, 0), "4,2,1,3,5");

	/* Offset and limit page through the same order. */
	o.sort_descending = 0;
	o.offset = 1;
	o.limit = 2;
	T_EQ_STR(ids_of(db, all, &o, 0), "3,1");
	o.offset = 4;
	T_EQ_STR(ids_of(db, all, &o, 0), "4");
	o.offset = 9;
	T_EQ_STR(ids_of(db, all, &o, 0), "");

	/* Estimate: exact with enough check_at_least, even with limit 0. */
	o = opts_default();
	o.limit = 0;
	o.check_at_least = 100;
	index_results *r = NULL;
	T_EQ_INT(index_search(db, all, &o, &r, NULL), INDEX_OK);
	T_EQ_INT(index_results_count(r), 0);
	T_EQ_INT(index_results_estimate(r), 5);
	T_CHECK(index_results_hit(r, 0) == NULL);
	index_results_free(r);
	index_query *weld2 = parse_en("welding");
	o.limit = 1;
	T_EQ_INT(index_search(db, weld2, &o, &r, NULL), INDEX_OK);
	T_EQ_INT(index_results_count(r), 1);
	T_EQ_INT(index_results_estimate(r), 3);
	index_results_free(r);
	/* NULL opts: defaults (by weight, first ten). */
	T_EQ_INT(index_search(db, weld2, NULL, &r, NULL), INDEX_OK);
	T_EQ_INT(index_results_count(r), 3);
	index_results_free(r);
	index_query_free(weld2);
	index_query_free(all);
	index_close(db);
}

static void test_metadata_and_terms(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_error err = {{0}};
	index_db *db = NULL;
	T_REQUIRE(index_open_readonly(dbpath, &db, &err) == INDEX_OK);
	char *v = NULL;
	T_EQ_INT(index_get_metadata(db, VX_META_LAST_SEQ, &v, &err), INDEX_OK);
	T_EQ_STR(v, "42");
	free(v);
	v = (char *)"x";
	T_EQ_INT(index_get_metadata(db, "no.such.key", &v, &err), INDEX_OK);
	T_CHECK(v == NULL);
	int ex = -1;
	T_EQ_INT(index_term_exists(db, VX_ID "3", &ex, &err), INDEX_OK);
	T_EQ_INT(ex, 1);
	T_EQ_INT(index_term_exists(db, VX_ID "99", &ex, &err), INDEX_OK);
	T_EQ_INT(ex, 0);
	T_EQ_INT(index_term_exists(db, "", &ex, &err), INDEX_ERR);

	/* A read-only handle refuses every change. */
	T_EQ_INT(index_set_metadata(db, "k", "v", &err), INDEX_ERR);
	T_CHECKF(strstr(err.msg, "read-only") != NULL, "msg: %s", err.msg);
	T_EQ_INT(index_delete(db, VX_ID "1", &err), INDEX_ERR);
	T_EQ_INT(index_commit(db, &err), INDEX_ERR);
	index_doc *doc = index_doc_new();
	T_EQ_INT(index_replace(db, VX_ID "1", doc, &err), INDEX_ERR);
	index_doc_free(doc);
	index_close(db);
}

static void test_replace_delete_reopen(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_error err = {{0}};
	index_db *w = NULL, *r = NULL;
	uint64_t n = 0;
	index_search_opts o = opts_default();
	T_REQUIRE(index_open_writable(dbpath, &w, &err) == INDEX_OK);
	T_REQUIRE(index_open_readonly(dbpath, &r, &err) == INDEX_OK);

	/* Results copied from the reader stay valid after later changes. */
	index_query *all = index_query_all();
	index_results *before = NULL;
	T_REQUIRE(index_search(r, all, &o, &before, &err) == INDEX_OK);

	/* Replace vacancy 2 twice (the second time without the id term in the
	 * document): still one document per id term. */
	T_EQ_INT(add_vacancy(w, 2, "ZA", "7213", "en", "Boilermaker", "Boilers and pressure vessels.",
			     "2026-06-30", "00000010"),
		 INDEX_OK);
	index_doc *doc = index_doc_new();
	T_REQUIRE(doc);
	T_EQ_INT(index_doc_add_text(doc, "Boilermaker wanted", 18, "en", 1, "", &err), INDEX_OK);
	T_EQ_INT(index_doc_set_data(doc, "{\"id\":2}", 8, &err), INDEX_OK);
	T_EQ_INT(index_replace(w, VX_ID "2", doc, &err), INDEX_OK);
	T_EQ_INT(index_replace(w, VX_ID "2", doc, &err), INDEX_OK);
	T_EQ_INT(index_replace(w, "", doc, &err), INDEX_ERR);
	index_doc_free(doc);
	/* Delete vacancy 3; deleting a missing one is not an error. */
	T_EQ_INT(index_delete(w, VX_ID "3", &err), INDEX_OK);
	T_EQ_INT(index_delete(w, VX_ID "999", &err), INDEX_OK);
	T_EQ_INT(index_delete(w, "", &err), INDEX_ERR);
	T_EQ_INT(index_set_metadata(w, VX_META_LAST_SEQ, "43", &err), INDEX_OK);
	T_EQ_INT(index_commit(w, &err), INDEX_OK);

	T_EQ_INT(index_doc_count(w, &n, &err), INDEX_OK);
	T_EQ_INT(n, 4);
	/* The reader still sees its revision ... */
	T_EQ_INT(index_doc_count(r, &n, &err), INDEX_OK);
	T_EQ_INT(n, 5);
	/* ... until it reopens. */
	T_EQ_INT(index_reopen(r, &err), INDEX_OK);
	T_EQ_INT(index_doc_count(r, &n, &err), INDEX_OK);
	T_EQ_INT(n, 4);
	T_EQ_INT(index_reopen(r, &err), INDEX_OK); /* nothing new: fine */
	T_EQ_STR(ids_of(r, all, &o, 1), "1,2,4,5");
	index_query *q = parse_en("boilermaker");
	T_EQ_STR(ids_of(r, q, &o, 1), "2");
	index_query_free(q);
	q = parse_en("fabrication");
	T_EQ_STR(ids_of(r, q, &o, 1), "");
	index_query_free(q);
	char *v = NULL;
	T_EQ_INT(index_get_metadata(r, VX_META_LAST_SEQ, &v, &err), INDEX_OK);
	T_EQ_STR(v, "43");
	free(v);
	int ex = -1;
	T_EQ_INT(index_term_exists(r, VX_ID "3", &ex, &err), INDEX_OK);
	T_EQ_INT(ex, 0);

	T_EQ_INT(index_results_count(before), 5);
	const index_hit *h = index_results_hit(before, 2);
	T_REQUIRE(h);
	T_CHECK(h->data_len == 8 && memcmp(h->data, "{\"id\":3}", 8) == 0);
	index_results_free(before);

	/* Uncommitted changes (documents and metadata) are lost on close. */
	T_EQ_INT(add_vacancy(w, 77, "ZA", "7212", "en", "Welder", "Uncommitted.", "2027-01-01",
			     "00000001"),
		 INDEX_OK);
	T_EQ_INT(index_set_metadata(w, VX_META_LAST_SEQ, "44", &err), INDEX_OK);
	T_EQ_INT(index_term_exists(w, VX_ID "77", &ex, &err), INDEX_OK);
	T_EQ_INT(ex, 1);
	index_close(w);
	w = NULL;
	T_REQUIRE(index_open_writable(dbpath, &w, &err) == INDEX_OK);
	T_EQ_INT(index_term_exists(w, VX_ID "77", &ex, &err), INDEX_OK);
	T_EQ_INT(ex, 0);
	T_EQ_INT(index_doc_count(w, &n, &err), INDEX_OK);
	T_EQ_INT(n, 4);
	T_EQ_INT(index_get_metadata(w, VX_META_LAST_SEQ, &v, &err), INDEX_OK);
	T_EQ_STR(v, "43");
	free(v);

	index_query_free(all);
	index_close(r);
	index_close(w);
}

/* The value of hit 0 of `all` on db (with the cache asked for), as a
 * string in buf; its docid in *docid. */
static const char *value_of_first(index_db *db, unsigned slot, uint32_t *docid, char *buf,
				  size_t len)
{
	index_error err = {{0}};
	index_results *r = NULL;
	index_query *all = index_query_all();
	index_search_opts o = opts_default();
	const index_hit *h;

	o.want_value = 1;
	o.value_slot = slot;
	o.cache_value = 1;
	snprintf(buf, len, "ERR");
	if (all && index_search(db, all, &o, &r, &err) == INDEX_OK && (h = index_results_hit(r, 0))) {
		snprintf(buf, len, "%.*s", (int)h->value_len, h->value);
		*docid = h->docid;
	}
	index_results_free(r);
	index_query_free(all);
	return buf;
}

/* A replaced document gets a new docid, so the process-wide value cache
 * (index.cc) never gives an old value for it; a compacted copy is another
 * database and answers its own values. */
static void test_value_cache(void)
{
	char path[340], copy[340], buf[64];
	index_error err = {{0}};
	index_db *w = NULL, *r = NULL, *c = NULL;
	index_doc *doc;
	uint32_t first = 0, second = 0, third = 0;
	int i;

	snprintf(path, sizeof path, "%s/vcache", tmpdir);
	snprintf(copy, sizeof copy, "%s/vcache-compact", tmpdir);
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	for (i = 0; i < 2; i++) {
		T_REQUIRE((doc = index_doc_new()) != NULL);
		T_EQ_INT(index_doc_set_value(doc, VX_SLOT_MATCH, i ? "new" : "old", 3, &err), INDEX_OK);
		T_EQ_INT(index_replace(w, VX_ID "1", doc, &err), INDEX_OK);
		index_doc_free(doc);
		T_EQ_INT(index_commit(w, &err), INDEX_OK);
		if (i == 0) {
			T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
			T_EQ_STR(value_of_first(r, VX_SLOT_MATCH, &first, buf, sizeof buf), "old");
			T_EQ_STR(value_of_first(r, VX_SLOT_MATCH, &first, buf, sizeof buf), "old");
		}
	}
	T_EQ_INT(index_reopen(r, &err), INDEX_OK);
	T_EQ_STR(value_of_first(r, VX_SLOT_MATCH, &second, buf, sizeof buf), "new");
	T_CHECKF(second != first, "the replaced document kept docid %u", (unsigned)first);
	T_EQ_STR(value_of_first(r, VX_SLOT_MATCH, &second, buf, sizeof buf), "new");
	T_EQ_INT(index_compact(path, copy, &err), INDEX_OK);
	T_REQUIRE(index_open_readonly(copy, &c, &err) == INDEX_OK);
	T_EQ_STR(value_of_first(c, VX_SLOT_MATCH, &third, buf, sizeof buf), "new");
	T_EQ_STR(value_of_first(r, VX_SLOT_MATCH, &second, buf, sizeof buf), "new");
	index_close(c);
	index_close(r);
	index_close(w);
}

/* A reader two commits behind may hit blocks a writer has reused
 * (DatabaseModifiedError): index_search reopens and retries once, so the
 * search succeeds and, when the retry happened, shows the newer state. */
static void test_stale_reader(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_error err = {{0}};
	index_db *w = NULL, *r = NULL;
	index_search_opts o = opts_default();
	T_REQUIRE(index_open_writable(dbpath, &w, &err) == INDEX_OK);
	static char big[2000];
	memset(big, 'x', sizeof big - 1);
	for (int round = 0; round < 4; round++) {
		for (int i = 100; i < 300; i++) {
			index_doc *doc = index_doc_new();
			char term[32], text[64];
			snprintf(term, sizeof term, "%s%d", VX_ID, i);
			snprintf(text, sizeof text, "filler%d round%d", i, round);
			int ok = doc && !index_doc_add_text(doc, text, strlen(text), "en", 1, "", NULL) &&
				 !index_doc_set_data(doc, big, sizeof big - 1, NULL) &&
				 !index_replace(w, term, doc, NULL);
			index_doc_free(doc);
			if (!ok) {
				T_CHECKF(0, "filler %d failed", i);
				break;
			}
		}
		T_EQ_INT(index_commit(w, &err), INDEX_OK);
		/* The reader starts at the first round's revision, with tables
		 * big enough that their blocks are read from disk, not the root. */
		if (round == 0)
			T_REQUIRE(index_open_readonly(dbpath, &r, &err) == INDEX_OK);
	}
	index_query *q = parse_en("round0");
	index_results *res = NULL;
	int rc = index_search(r, q, &o, &res, &err);
	T_CHECKF(rc == INDEX_OK, "rc %d: %s", rc, err.msg);
	size_t n = index_results_count(res);
	/* 50 (the limit): the old revision was still readable; 0: the search
	 * met reused blocks, reopened to the last round and retried. */
	T_CHECKF(n == 0 || n == 50, "hits %zu", n);
	printf("     stale reader: %s\n", n ? "old revision still readable" : "reopened and retried");
	index_results_free(res);
	index_query_free(q);

	/* Clean up so the other cases see the original five-or-so documents. */
	for (int i = 100; i < 300; i++) {
		char term[32];
		snprintf(term, sizeof term, "%s%d", VX_ID, i);
		if (index_delete(w, term, &err) != INDEX_OK) {
			T_CHECKF(0, "delete %d: %s", i, err.msg);
			break;
		}
	}
	T_EQ_INT(index_commit(w, &err), INDEX_OK);
	index_close(r);
	index_close(w);
}

static void test_errors(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_error err = {{0}};
	index_db *w = NULL, *w2 = (index_db *)&err;
	T_REQUIRE(index_open_writable(dbpath, &w, &err) == INDEX_OK);
	/* One writer per path: a second one (even in this process) is refused. */
	T_EQ_INT(index_open_writable(dbpath, &w2, &err), INDEX_ELOCK);
	T_CHECK(w2 == NULL);
	T_CHECKF(strstr(err.msg, "lock") != NULL, "msg: %s", err.msg);
	T_CHECKF(err.msg[0] >= 'a' && err.msg[0] <= 'z', "lowercase: %s", err.msg);
	T_EQ_INT(index_open_writable(dbpath, &w2, NULL), INDEX_ELOCK);
	index_close(w);
	/* Released on close. */
	T_EQ_INT(index_open_writable(dbpath, &w, &err), INDEX_OK);
	index_close(w);

	/* A missing database opened read-only. */
	char missing[400];
	snprintf(missing, sizeof missing, "%s/no-such-db", tmpdir);
	index_db *r = (index_db *)&err;
	memset(&err, 0, sizeof err);
	T_EQ_INT(index_open_readonly(missing, &r, &err), INDEX_ENOENT);
	T_CHECK(r == NULL);
	T_CHECK(err.msg[0] != '\0');
	T_EQ_INT(index_open_readonly(missing, &r, NULL), INDEX_ENOENT);
	T_EQ_INT(index_open_readonly(NULL, &r, &err), INDEX_ERR);
	T_EQ_INT(index_open_readonly(dbpath, NULL, &err), INDEX_ERR);
	struct stat st;
	T_CHECK(stat(missing, &st) != 0); /* and nothing was created */

	/* Bad arguments everywhere report instead of crashing. */
	index_doc *doc = index_doc_new();
	T_REQUIRE(doc);
	T_EQ_INT(index_doc_add_boolean(doc, "", &err), INDEX_ERR); /* Xapian: empty term */
	T_CHECKF(err.msg[0] >= 'a' && err.msg[0] <= 'z', "lowercase: %s", err.msg);
	T_EQ_INT(index_doc_add_boolean(doc, NULL, &err), INDEX_ERR);
	T_EQ_INT(index_doc_add_term(NULL, "x", 1, &err), INDEX_ERR);
	T_EQ_INT(index_doc_add_text(doc, NULL, 3, "en", 1, "", &err), INDEX_ERR);
	T_EQ_INT(index_doc_add_text(doc, NULL, 0, "en", 1, "", &err), INDEX_OK);
	T_EQ_INT(index_doc_add_term(doc, "Tweld", 3, NULL), INDEX_OK);
	T_EQ_INT(index_doc_set_value(doc, 0, NULL, 1, &err), INDEX_ERR);
	T_EQ_INT(index_doc_set_data(doc, NULL, 0, &err), INDEX_OK);
	index_doc_free(doc);
	uint64_t n;
	T_EQ_INT(index_doc_count(NULL, &n, &err), INDEX_ERR);
	T_EQ_INT(index_reopen(NULL, &err), INDEX_ERR);
	T_EQ_INT(index_commit(NULL, NULL), INDEX_ERR);
	index_results *res = (index_results *)&err;
	T_EQ_INT(index_search(NULL, NULL, NULL, &res, &err), INDEX_ERR);

	/* A term longer than the glass limit (245 bytes) fails at replace. */
	T_REQUIRE(index_open_writable(dbpath, &w, &err) == INDEX_OK);
	char longterm[400];
	memset(longterm, 'a', sizeof longterm - 1);
	longterm[sizeof longterm - 1] = '\0';
	doc = index_doc_new();
	T_EQ_INT(index_doc_add_term(doc, longterm, 1, &err), INDEX_OK);
	int rc = index_replace(w, VX_ID "500", doc, &err);
	int rc2 = rc == INDEX_OK ? index_commit(w, &err) : rc;
	T_CHECKF(rc2 == INDEX_ERR, "rc %d %d: %s", rc, rc2, err.msg);
	index_doc_free(doc);
	index_close(w);
}

static void test_null_safety(void)
{
	index_close(NULL);
	index_doc_free(NULL);
	index_query_free(NULL);
	index_results_free(NULL);
	T_EQ_INT(index_results_count(NULL), 0);
	T_CHECK(index_results_hit(NULL, 0) == NULL);
	T_EQ_INT(index_results_estimate(NULL), 0);
	T_CHECK(index_query_describe(NULL) == NULL);
	T_CHECK(index_query_term(NULL, 1) == NULL);
	T_CHECK(index_query_prefix(NULL) == NULL);
	index_query *q = index_query_all();
	char *d = index_query_describe(q);
	T_CHECKF(d && strlen(d) > 0, "describe: %s", d ? d : "(null)");
	free(d);
	index_query_free(q);
}

static void test_compact(void)
{
	if (!fixture_built)
		T_SKIP("no fixture");
	index_error err = {{0}};
	char dst[400];
	snprintf(dst, sizeof dst, "%s/compacted", tmpdir);
	T_EQ_INT(index_compact(dbpath, dst, &err), INDEX_OK);
	index_db *a = NULL, *b = NULL;
	uint64_t na = 0, nb = 1;
	T_REQUIRE(index_open_readonly(dbpath, &a, &err) == INDEX_OK);
	T_REQUIRE(index_open_readonly(dst, &b, &err) == INDEX_OK);
	T_EQ_INT(index_doc_count(a, &na, &err), INDEX_OK);
	T_EQ_INT(index_doc_count(b, &nb, &err), INDEX_OK);
	T_EQ_INT(na, nb);
	T_CHECK(na == 4);
	index_search_opts o = opts_default();
	index_query *q = parse_en("welding");
	T_EQ_STR(ids_of(b, q, &o, 1), "1,5");
	index_query_free(q);
	char *v = NULL;
	T_EQ_INT(index_get_metadata(b, VX_META_LAST_SEQ, &v, &err), INDEX_OK);
	T_EQ_STR(v, "43");
	free(v);
	index_close(a);
	index_close(b);

	/* The compacted copy is a normal directory database: writable again. */
	index_db *w = NULL;
	T_EQ_INT(index_open_writable(dst, &w, &err), INDEX_OK);
	index_close(w);

	/* The destination must not exist; a missing source is ENOENT. */
	T_EQ_INT(index_compact(dbpath, dst, &err), INDEX_ERR);
	T_CHECKF(strstr(err.msg, "exists") != NULL, "msg: %s", err.msg);
	char missing[400], dst2[400];
	snprintf(missing, sizeof missing, "%s/no-such-db", tmpdir);
	snprintf(dst2, sizeof dst2, "%s/compacted2", tmpdir);
	T_EQ_INT(index_compact(missing, dst2, &err), INDEX_ENOENT);
	T_EQ_INT(index_compact(NULL, dst2, NULL), INDEX_ERR);
}

/* ---- the wrapper's evaluator against Xapian's matcher ---- */

#define AGREE_DOCS 70000 /* docids past two of the evaluator's 32768-docid blocks */

/* Document i holds term "XSk" when i % MOD[k] == REM[k]: lists from a few
 * postings to a third of the index, overlapping in every way. */
static const unsigned agree_mod[] = {3, 5, 7, 11, 97, 1009, 30011, 2, 13};
static const unsigned agree_rem[] = {0, 1, 2, 3, 4, 5, 6, 1, 12};
#define AGREE_TERMS (sizeof agree_mod / sizeof *agree_mod)

static int build_agree_db(const char *path)
{
	static const char *const words[] = {"alpha", "beta", "gamma", "delta"};
	static const char *const countries[] = {"ZA", "LS", "FR", "KE", "PH"};
	index_error err = {{0}};
	index_db *w = NULL;
	int rc = index_open_writable(path, &w, &err);

	for (unsigned i = 1; rc == INDEX_OK && i <= AGREE_DOCS; i++) {
		index_doc *doc = index_doc_new();
		char term[32], text[64], until[16];

		rc = doc ? INDEX_OK : INDEX_ENOMEM;
		for (size_t k = 0; rc == INDEX_OK && k < AGREE_TERMS; k++) {
			if (i % agree_mod[k] != agree_rem[k])
				continue;
			snprintf(term, sizeof term, "%s%zu", VX_SKILL, k);
			rc = index_doc_add_term(doc, term, 1, &err);
		}
		snprintf(term, sizeof term, "%s%s", VX_COUNTRY, countries[i % 5]);
		if (rc == INDEX_OK)
			rc = index_doc_add_boolean(doc, term, &err);
		snprintf(text, sizeof text, "%s %s", words[i % 4], words[(i / 4) % 4]);
		if (rc == INDEX_OK)
			rc = index_doc_add_text(doc, text, strlen(text), "en", 1, VX_TEXT, &err);
		/* Every seventh document has no date; the others spread over a year. */
		snprintf(until, sizeof until, "2026-%02u-15", 1 + i % 12);
		if (rc == INDEX_OK && i % 7)
			rc = index_doc_set_value(doc, VX_SLOT_VALID_UNTIL, until, strlen(until), &err);
		snprintf(term, sizeof term, "%s%u", VX_ID, i);
		if (rc == INDEX_OK)
			rc = index_replace(w, term, doc, &err);
		index_doc_free(doc);
	}
	if (rc == INDEX_OK)
		rc = index_commit(w, &err);
	if (rc)
		fprintf(stderr, "  build_agree_db: %s\n", err.msg);
	index_close(w);
	return rc;
}

static index_query *xs(size_t k, double factor)
{
	char term[32];
	index_query *t, *q;

	snprintf(term, sizeof term, "%s%zu", VX_SKILL, k);
	t = index_query_term(term, 1);
	q = t ? index_query_scale(t, factor) : NULL;
	index_query_free(t);
	return q;
}

static index_query *country(const char *code)
{
	char term[32];

	snprintf(term, sizeof term, "%s%s", VX_COUNTRY, code);
	return index_query_term(term, 1);
}

/* Runs q both ways and checks the same hits, weights and count: the
 * factors are binary fractions, so sums are exact in any order and even
 * the order of equal weights (docid ascending) must agree. A value range
 * is tested on the heaviest documents only, so unless every match is
 * wanted the count is an estimate then (within a factor of two here). */
static void agree(index_db *db, index_query *q, uint32_t offset, uint32_t limit,
		  double min_weight, const char *what)
{
	int has_range = strstr(what, "value") != NULL;
	index_search_opts o = opts_default(), x;
	index_results *a = NULL, *b = NULL;
	index_error err = {{0}};
	size_t i, n;

	T_CHECKF(q != NULL, "%s: query built", what);
	if (!q)
		return;
	o.weighting = INDEX_WEIGHT_COORD;
	o.offset = offset;
	o.limit = limit;
	o.min_weight = min_weight;
	o.skip_data = 1;
	x = o;
	x.xapian_matcher = 1;
	x.check_at_least = AGREE_DOCS; /* Xapian's count exact too */
	T_EQ_INT(index_search(db, q, &o, &a, &err), INDEX_OK);
	T_EQ_INT(index_search(db, q, &x, &b, &err), INDEX_OK);
	if (a && b) {
		T_CHECKF(index_results_accumulated(a) && !index_results_accumulated(b),
			 "%s: answered by the evaluator and by Xapian", what);
		n = index_results_count(a);
		T_CHECKF(n == index_results_count(b), "%s: %zu hits, Xapian %zu", what, n,
			 index_results_count(b));
		uint64_t ea = index_results_estimate(a), eb = index_results_estimate(b);
		if (has_range && n == limit)
			T_CHECKF(ea <= 2 * eb && eb <= 2 * ea, "%s: about %llu matches, Xapian %llu",
				 what, (unsigned long long)ea, (unsigned long long)eb);
		else
			T_CHECKF(ea == eb, "%s: %llu matches, Xapian %llu", what,
				 (unsigned long long)ea, (unsigned long long)eb);
		for (i = 0; i < n && i < index_results_count(b); i++) {
			const index_hit *ha = index_results_hit(a, i), *hb = index_results_hit(b, i);
			if (ha->docid != hb->docid || ha->weight != hb->weight) {
				T_CHECKF(0, "%s: hit %zu is %u (%g), Xapian %u (%g)", what, i, ha->docid,
					 ha->weight, hb->docid, hb->weight);
				break;
			}
		}
		T_CHECKF(n > 0 || strstr(what, "nothing"), "%s: some hits", what);
	}
	index_results_free(a);
	index_results_free(b);
	index_query_free(q);
}

static void test_evaluator_agrees_with_xapian(void)
{
	index_error err = {{0}};
	index_db *db = NULL;
	char path[400];
	index_query *t;

	snprintf(path, sizeof path, "%s/agree", tmpdir);
	T_REQUIRE(build_agree_db(path) == INDEX_OK);
	T_REQUIRE(index_open_readonly(path, &db, &err) == INDEX_OK);

	agree(db, comb(INDEX_OP_OR, 4, xs(0, 1), xs(1, 0.5), xs(2, 0.25), xs(4, 2)), 0, 200, 0,
	      "OR of scaled terms");
	agree(db, comb(INDEX_OP_OR, 3, xs(0, 1), xs(1, 0.5), xs(2, 0.25)), 0, 100000, 0,
	      "OR, every hit");
	agree(db,
	      comb(INDEX_OP_AND_MAYBE, 2, comb(INDEX_OP_OR, 2, xs(4, 1), xs(5, 2)),
		   comb(INDEX_OP_OR, 3, xs(0, 0.5), xs(1, 0.125), xs(7, 0.25))),
	      0, 300, 0, "AND_MAYBE: common terms only add weight");
	agree(db,
	      comb(INDEX_OP_FILTER, 2, comb(INDEX_OP_OR, 3, xs(1, 1), xs(2, 0.5), xs(3, 0.25)),
		   comb(INDEX_OP_OR, 2, country("ZA"), country("KE"))),
	      0, 200, 0, "FILTER by countries");
	agree(db,
	      comb(INDEX_OP_FILTER, 2, comb(INDEX_OP_OR, 2, xs(2, 1), xs(3, 0.5)),
		   index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-06-15", NULL)),
	      0, 200, 0, "FILTER by a value at least");
	for (uint32_t lim = 200; lim <= 100000; lim *= 500)
		agree(db,
		      comb(INDEX_OP_FILTER, 3,
			   comb(INDEX_OP_AND_MAYBE, 2, comb(INDEX_OP_OR, 2, xs(4, 1), xs(3, 0.5)),
				comb(INDEX_OP_OR, 2, xs(0, 0.25), xs(7, 0.125))),
			   index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-03-15", "2026-09-15"),
			   comb(INDEX_OP_OR, 2, country("FR"), country("PH"))),
		      0, lim, 0, "the match's shape: AND_MAYBE under a value range and countries");
	agree(db,
	      comb(INDEX_OP_AND_NOT, 2, comb(INDEX_OP_OR, 2, xs(1, 1), xs(2, 0.5)),
		   index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-02-01", "2026-10-31")),
	      5, 30, 0, "AND_NOT a value range, from an offset");
	agree(db, comb(INDEX_OP_AND_NOT, 2, comb(INDEX_OP_OR, 2, xs(1, 1), xs(2, 1)), xs(0, 1)), 0,
	      200, 0, "AND_NOT");
	agree(db,
	      comb(INDEX_OP_OR, 2, xs(4, 1),
		   index_query_scale(t = comb(INDEX_OP_AND, 2, xs(1, 1), xs(2, 2)), 0.5)),
	      0, 200, 0, "an AND nested in the OR");
	index_query_free(t);
	{
		index_query *p = index_query_parse("alpha gamma", "en", VX_TEXT,
						   INDEX_PARSE_DEFAULT_AND, &err);
		agree(db,
		      comb(INDEX_OP_OR, 2, xs(5, 1), p ? index_query_scale(p, 0.25) : NULL), 0,
		      200, 0, "parsed text (an AND of words) beside a term");
		index_query_free(p);
	}
	agree(db,
	      comb(INDEX_OP_OR, 2, xs(6, 1),
		   comb(INDEX_OP_AND_MAYBE, 2, xs(5, 1), comb(INDEX_OP_OR, 2, xs(0, 0.5), xs(1, 0.5)))),
	      0, 200, 0, "AND_MAYBE nested in the OR");
	agree(db,
	      comb(INDEX_OP_FILTER, 2, comb(INDEX_OP_OR, 2, xs(1, 1), xs(3, 1)),
		   comb(INDEX_OP_AND, 2, xs(7, 1), country("LS"))),
	      0, 200, 0, "FILTER by an AND");
	agree(db, comb(INDEX_OP_OR, 4, xs(0, 1), xs(1, 1), xs(2, 1), xs(3, 1)), 0, 50, 2.0,
	      "a weight floor");
	agree(db, comb(INDEX_OP_OR, 3, xs(0, 1), xs(1, 0.5), xs(2, 0.25)), 10, 20, 0,
	      "offset and limit");
	agree(db, comb(INDEX_OP_OR, 3, xs(4, 1), xs(4, 1), xs(5, 0)), 0, 200, 0,
	      "a term twice, and a term scaled to 0");
	agree(db,
	      comb(INDEX_OP_OR, 3, xs(5, 1), index_query_term("XSnone", 1), index_query_none()),
	      0, 200, 0, "an absent term and MatchNothing");
	agree(db, comb(INDEX_OP_FILTER, 2, xs(0, 1), index_query_none()), 0, 200, 0,
	      "a filter matching nothing");
	agree(db, comb(INDEX_OP_OR, 0), 0, 200, 0, "an empty OR matches nothing");

	/* What the evaluator does not answer goes to Xapian's matcher. */
	{
		index_query *w = comb(INDEX_OP_OR, 2, xs(0, 1), index_query_prefix(VX_SKILL));
		index_search_opts o = opts_default();
		index_results *r = NULL;

		o.weighting = INDEX_WEIGHT_COORD;
		T_EQ_INT(index_search(db, w, &o, &r, &err), INDEX_OK);
		T_CHECK(r && !index_results_accumulated(r) && index_results_count(r) > 0);
		index_results_free(r);
		index_query_free(w);
	}
	index_close(db);
}

/* ---- MaxScore (top_only) against the whole walk ---- */

static uint64_t prune_rng = 0x2545F4914F6CDD1DULL;

static unsigned prune_rand(unsigned n)
{
	prune_rng ^= prune_rng << 13;
	prune_rng ^= prune_rng >> 7;
	prune_rng ^= prune_rng << 17;
	return (unsigned)(prune_rng % n);
}

/* A term of the agree index scaled by a tenth in (0, 2] (0.1 + 0.2 is not
 * 0.3 in doubles: the evaluator's factors on a grid must make the sums the
 * same in any order, so that even ties come out the same), now and then
 * 0, and now and then a nested AND or parsed text instead. */
static index_query *prune_part(void)
{
	double f = prune_rand(12) ? (double)(1 + prune_rand(20)) / 10 : 0.0;
	index_error err = {{0}};
	index_query *q, *t;

	switch (prune_rand(8)) {
	case 0:
		t = comb(INDEX_OP_AND, 2, xs(prune_rand(AGREE_TERMS), 1),
			 xs(prune_rand(AGREE_TERMS), 0.5));
		break;
	case 1:
		t = index_query_parse(prune_rand(2) ? "alpha gamma" : "beta", "en", VX_TEXT,
				      INDEX_PARSE_DEFAULT_AND, &err);
		break;
	default:
		return xs(prune_rand(AGREE_TERMS), f);
	}
	q = t ? index_query_scale(t, f) : NULL;
	index_query_free(t);
	return q;
}

/* An OR of n random parts. */
static index_query *prune_or(size_t n)
{
	index_query *subs[COMB_MAX], *q;
	size_t i;

	for (i = 0; i < n && i < COMB_MAX; i++)
		subs[i] = prune_part();
	q = index_query_combine(INDEX_OP_OR, subs, i);
	while (i-- > 0)
		index_query_free(subs[i]);
	return q;
}

/* A random query of the match's shape: an OR of weighted terms (a term
 * twice now and then, nested ANDs, parsed text), sometimes with optional
 * terms (AND_MAYBE), filtered by countries or AND_NOT a term. */
static index_query *prune_query(void)
{
	static const char *const codes[] = {"ZA", "LS", "FR", "KE", "PH"};
	index_query *q = prune_or(1 + prune_rand(14));

	if (q && prune_rand(3) == 0)
		q = comb(INDEX_OP_AND_MAYBE, 2, q, prune_or(1 + prune_rand(3)));
	if (q && prune_rand(4) == 0)
		q = comb(INDEX_OP_FILTER, 2, q,
			 comb(INDEX_OP_OR, 2, country(codes[prune_rand(5)]),
			      country(codes[prune_rand(5)])));
	else if (q && prune_rand(8) == 0)
		q = comb(INDEX_OP_AND_NOT, 2, q, xs(prune_rand(AGREE_TERMS), 1));
	return q;
}

/* With top_only the evaluator stops bringing in documents from lists
 * that cannot lift one into the hits (MaxScore) and only probes them:
 * random queries must give exactly the hits and weights of the whole
 * walk, and the pruning must have happened (fewer documents weighed)
 * on most of them, or this would test nothing. */
static void test_pruned_top_is_exact(void)
{
	static const uint32_t limits[] = {1, 20, 200, 200, 1000};
	index_error err = {{0}};
	index_db *db = NULL;
	char path[400];
	unsigned i, pruned = 0, queries = 300;

	snprintf(path, sizeof path, "%s/agree", tmpdir);
	if (access(path, F_OK) != 0)
		T_REQUIRE(build_agree_db(path) == INDEX_OK);
	T_REQUIRE(index_open_readonly(path, &db, &err) == INDEX_OK);
	for (i = 0; i < queries; i++) {
		index_query *q = prune_query();
		index_search_opts o = opts_default(), x;
		index_results *a = NULL, *b = NULL;
		size_t n, k;

		T_REQUIRE(q != NULL);
		o.weighting = INDEX_WEIGHT_COORD;
		o.limit = limits[prune_rand(5)];
		o.offset = prune_rand(4) ? 0 : prune_rand(30);
		o.min_weight = prune_rand(6) ? 0 : (double)(1 + prune_rand(8)) / 4;
		o.skip_data = 1;
		x = o;
		o.top_only = 1;
		T_EQ_INT(index_search(db, q, &o, &a, &err), INDEX_OK);
		T_EQ_INT(index_search(db, q, &x, &b, &err), INDEX_OK);
		index_query_free(q);
		T_REQUIRE(a && b && index_results_accumulated(a) && index_results_accumulated(b));
		n = index_results_count(a);
		T_CHECKF(n == index_results_count(b), "query %u: %zu hits, the whole walk %zu", i, n,
			 index_results_count(b));
		for (k = 0; k < n && k < index_results_count(b); k++) {
			const index_hit *ha = index_results_hit(a, k), *hb = index_results_hit(b, k);
			if (ha->docid != hb->docid || ha->weight != hb->weight) {
				T_CHECKF(0, "query %u (limit %u, offset %u): hit %zu is %u (%g), the whole walk's %u (%g)",
					 i, o.limit, o.offset, k, ha->docid, ha->weight, hb->docid,
					 hb->weight);
				break;
			}
		}
		T_CHECKF(index_results_estimate(a) <= index_results_estimate(b),
			 "query %u: %llu weighed, more than the %llu matches", i,
			 (unsigned long long)index_results_estimate(a),
			 (unsigned long long)index_results_estimate(b));
		pruned += index_results_estimate(a) < index_results_estimate(b);
		index_results_free(a);
		index_results_free(b);
	}
	T_CHECKF(pruned >= queries / 2, "pruned on %u of %u queries", pruned, queries);
	index_close(db);
}

int main(void)
{
	if (mkdir("var", 0700) != 0 && errno != EEXIST)
		perror("mkdir var");
	if (mkdir("var/tmp", 0700) != 0 && errno != EEXIST)
		perror("mkdir var/tmp");
	snprintf(tmpdir, sizeof tmpdir, "var/tmp/test_index.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);

	T_RUN(test_build);
	T_RUN(test_stemming);
	T_RUN(test_or_merged);
	T_RUN(test_stemmed_only);
	T_RUN(test_parse_errors);
	T_RUN(test_filters);
	T_RUN(test_value_range);
	T_RUN(test_scale_and_sort);
	T_RUN(test_metadata_and_terms);
	T_RUN(test_replace_delete_reopen);
	T_RUN(test_stale_reader);
	T_RUN(test_value_cache);
	T_RUN(test_errors);
	T_RUN(test_null_safety);
	T_RUN(test_compact);
	T_RUN(test_evaluator_agrees_with_xapian);
	T_RUN(test_pruned_top_is_exact);

	rm_tree(tmpdir);
	return T_DONE();
}
