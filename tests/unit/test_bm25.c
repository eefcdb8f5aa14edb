/* test_bm25.c - the wrapper's BM25 evaluator (index/bm25.cc) against
 * Xapian's matcher: the same hits, in the same order, with the same
 * weights, on the search's shapes (words under kept and excluded filters
 * and value ranges, ties by docid or by a value), and still after the
 * index changes under a reader that kept document lengths, filter runs,
 * common words' postings and a date slot's values. */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/match/match.h"
#include "index/index.h"
#include "index/schema.h"
#include "tests/support/query_comb.h"
#include "tests/support/t.h"

#define DOCS 40000 /* filter runs of 1,000 documents, as a bulk load writes them */

static char tmpdir[256];

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Document i (from first): the word "Zcommon" in 9 of 10 with a wdf of 1
 * to 3, "Zrare" in one of 7, lengths from 6 to 60 (over 100 when long: the
 * average grows, and bounds kept from before must widen),
 * grouped by country-language pair in runs of 1,000 (five pairs), a date
 * on 6 of 7, a tie value on all (a few equal, so ties by value and by docid
 * differ). For the evaluator's bounds: "Zmid" in one of 3 (wdf 1 to 4),
 * "Zpeak" in every document with a wdf of 1 but 5 in 12 of every 3,000
 * (so most of its blocks cannot hold a top hit), "Zsharp" in one of 41 with
 * a wdf up to 6. */
static int add_docs(index_db *w, unsigned first, unsigned n, int long_docs)
{
	static const char *const pairs[] = {"ZA:en", "FR:fr", "GB:en", "ZA:zu", "ES:es"};
	index_error err = {{0}};
	int rc = INDEX_OK;

	for (unsigned i = first; rc == INDEX_OK && i < first + n; i++) {
		index_doc *doc = index_doc_new();
		char term[64], v[32];

		rc = doc ? INDEX_OK : INDEX_ENOMEM;
		if (rc == INDEX_OK && i % 10)
			rc = index_doc_add_term(doc, "Zcommon", 1 + i % 3 * (i % 11 == 0 ? 1 : 0) +
								(i % 29 == 0), &err);
		if (rc == INDEX_OK && i % 7 == 3)
			rc = index_doc_add_term(doc, "Zrare", 1 + i % 2, &err);
		if (rc == INDEX_OK && i % 3 == 1)
			rc = index_doc_add_term(doc, "Zmid", 1 + i * 31 % 4, &err);
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zpeak", i % 3000 < 12 ? 5 : 1, &err);
		if (rc == INDEX_OK && i % 41 == 5)
			rc = index_doc_add_term(doc, "Zsharp", 1 + i % 6, &err);
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zfill", long_docs ? 1000 + i % 500 : 5 + i * 7919 % 55,
						&err);
		snprintf(term, sizeof term, "%s%s", VX_COUNTRY_LANG, pairs[(i / 1000) % 5]);
		if (rc == INDEX_OK)
			rc = index_doc_add_boolean(doc, term, &err);
		snprintf(term, sizeof term, "%sorg%u", VX_ORG, i % 13);
		if (rc == INDEX_OK)
			rc = index_doc_add_boolean(doc, term, &err);
		snprintf(v, sizeof v, "2026-%02u-15", 1 + i % 12);
		if (rc == INDEX_OK && i % 7)
			rc = index_doc_set_value(doc, VX_SLOT_VALID_UNTIL, v, strlen(v), &err);
		snprintf(v, sizeof v, "%016x", (DOCS - i) / 3);
		if (rc == INDEX_OK)
			rc = index_doc_set_value(doc, VX_SLOT_ID, v, strlen(v), &err);
		snprintf(term, sizeof term, "%s%u", VX_ID, i);
		if (rc == INDEX_OK)
			rc = index_replace(w, term, doc, &err);
		index_doc_free(doc);
	}
	if (rc)
		fprintf(stderr, "  add_docs: %s\n", err.msg);
	return rc;
}

static index_query *term(const char *t, double factor)
{
	index_query *q = index_query_term(t, 1), *s = q ? index_query_scale(q, factor) : NULL;

	index_query_free(q);
	return s;
}

static index_query *pair(const char *p)
{
	char t[32];

	snprintf(t, sizeof t, "%s%s", VX_COUNTRY_LANG, p);
	return index_query_term(t, 1);
}

static index_query *org(unsigned k)
{
	char t[32];

	snprintf(t, sizeof t, "%sorg%u", VX_ORG, k);
	return index_query_term(t, 1);
}

/* Runs q by BM25 both ways: the same docids in the same order, weights
 * equal to 1e-12 (a sum of several words may be added in another order),
 * and the count exact when every match was seen, else within a quarter. */
static void agree(index_db *db, const index_query *q, uint32_t offset, uint32_t limit,
		  int ties_by_value, const char *what)
{
	index_search_opts o = {0}, x, y;
	index_results *a = NULL, *b = NULL, *c = NULL;
	index_error err = {{0}};
	size_t i, n;

	T_CHECKF(q != NULL, "%s: query built", what);
	if (!q)
		return;
	o.sort_slot = -1;
	o.weighting = INDEX_WEIGHT_BM25;
	o.offset = offset;
	o.limit = limit;
	o.skip_data = 1;
	o.ties_by_value = ties_by_value;
	o.tie_slot = VX_SLOT_ID;
	x = o;
	x.xapian_matcher = 1;
	y = x;
	x.check_at_least = DOCS * 2;
	T_EQ_INT(index_search(db, q, &o, &a, &err), INDEX_OK);
	T_EQ_INT(index_search(db, q, &x, &b, &err), INDEX_OK);
	T_EQ_INT(index_search(db, q, &y, &c, &err), INDEX_OK);
	if (a && b && c) {
		T_CHECKF(index_results_accumulated(a) && !index_results_accumulated(b),
			 "%s: answered by the evaluator and by Xapian", what);
		n = index_results_count(a);
		T_CHECKF(n == index_results_count(b), "%s: %zu hits, Xapian %zu", what, n,
			 index_results_count(b));
		T_CHECKF(n > 0 || strstr(what, "nothing"), "%s: some hits", what);
		/* Every match seen (the wanted hits never filled): the count is
		 * exact. Else words only probed, blocks passed over and value
		 * ranges tested on the heaviest only leave an estimate: no
		 * further off than a quarter, or than Xapian's own estimate
		 * (its matcher without check_at_least) is. */
		if (n < limit) {
			T_CHECKF(index_results_estimate(a) == index_results_estimate(b),
				 "%s: %llu matches, Xapian %llu", what,
				 (unsigned long long)index_results_estimate(a),
				 (unsigned long long)index_results_estimate(b));
		} else if (!strstr(what, "value") && !strstr(what, "count not compared")) {
			const double exact = (double)index_results_estimate(b);
			const double off = fabs((double)index_results_estimate(a) - exact);
			const double xapian_off = fabs((double)index_results_estimate(c) - exact);
			T_CHECKF(off <= exact / 4 || off <= xapian_off,
				 "%s: %llu matches, exactly %llu, Xapian's estimate %llu", what,
				 (unsigned long long)index_results_estimate(a),
				 (unsigned long long)index_results_estimate(b),
				 (unsigned long long)index_results_estimate(c));
		}
		for (i = 0; i < n && i < index_results_count(b); i++) {
			const index_hit *ha = index_results_hit(a, i), *hb = index_results_hit(b, i);
			if (ha->docid != hb->docid ||
			    fabs(ha->weight - hb->weight) > 1e-12 * fabs(hb->weight)) {
				T_CHECKF(0, "%s: hit %zu is %u (%.17g), Xapian %u (%.17g)", what, i,
					 ha->docid, ha->weight, hb->docid, hb->weight);
				break;
			}
		}
	}
	index_results_free(a);
	index_results_free(b);
	index_results_free(c);
}

/* The shapes search_build_query makes, each by docid and by value ties. */
static void agree_all(index_db *db, const char *when)
{
	index_query *q[16] = {0};
	const char *what[16] = {0};
	char name[160];
	size_t k = 0;

	what[k] = "one word under a pair and a date value";
	q[k++] = comb(INDEX_OP_FILTER, 3, term("Zcommon", 3), pair("ZA:en"),
		      index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-06-15", NULL));
	what[k] = "two words scaled, under two pairs";
	q[k++] = comb(INDEX_OP_FILTER, 2, comb(INDEX_OP_OR, 2, term("Zcommon", 2), term("Zrare", 1)),
		      comb(INDEX_OP_OR, 2, pair("GB:en"), pair("ES:es")));
	what[k] = "a word and an absent one, organisations excluded";
	q[k++] = comb(INDEX_OP_AND_NOT, 3,
		      comb(INDEX_OP_FILTER, 2,
			   comb(INDEX_OP_OR, 2, term("Zcommon", 1), term("Znone", 1)), pair("ZA:en")),
		      org(3), org(7));
	what[k] = "the HTTP page's shape: a value range up to an id";
	q[k++] = comb(INDEX_OP_FILTER, 2,
		      comb(INDEX_OP_FILTER, 3, term("Zcommon", 1), pair("FR:fr"),
			   index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-03-15", NULL)),
		      index_query_value_range(VX_SLOT_ID, NULL, "0000000000000f00"));
	what[k] = "a rare word, every hit";
	q[k++] = comb(INDEX_OP_FILTER, 2, term("Zrare", 1), pair("ZA:zu"));
	what[k] = "four words of unequal weight (the light ones only probed)";
	q[k++] = comb(INDEX_OP_FILTER, 2,
		      comb(INDEX_OP_OR, 4, term("Zcommon", 1), term("Zmid", 1), term("Zsharp", 2),
			   term("Zrare", 1)),
		      pair("ZA:en"));
	what[k] = "a heavy word in fewer documents than wanted, lighter ones fill the rest";
	q[k++] = comb(INDEX_OP_AND_NOT, 11,
		      comb(INDEX_OP_FILTER, 2,
			   comb(INDEX_OP_OR, 3, term("Zsharp", 3), term("Zmid", 1),
				term("Zcommon", 1)),
			   pair("ZA:en")),
		      org(0), org(1), org(2), org(3), org(4), org(5), org(6), org(7), org(8), org(9));
	what[k] = "a word in every document, its top in a few blocks";
	q[k++] = comb(INDEX_OP_FILTER, 2, term("Zpeak", 1), pair("ZA:en"));
	what[k] = "two words in most documents, under a date value";
	q[k++] = comb(INDEX_OP_FILTER, 3, comb(INDEX_OP_OR, 2, term("Zpeak", 2), term("Zcommon", 1)),
		      pair("GB:en"), index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-04-15", NULL));
	/* Bounds shorter than the values (a month for a date): a value the
	 * bound is a prefix of is after it, in the values kept in memory as
	 * in the value stream's strings. */
	what[k] = "a word under a date value between two months";
	q[k++] = comb(INDEX_OP_FILTER, 2, term("Zcommon", 1),
		      index_query_value_range(VX_SLOT_VALID_UNTIL, "2026-05", "2026-09"));
	what[k] = "a filter matching nothing";
	q[k++] = comb(INDEX_OP_FILTER, 2, term("Zcommon", 1), pair("XX:xx"));
	for (size_t i = 0; i < k; i++) {
		for (int ties = 0; ties < 2; ties++) {
			snprintf(name, sizeof name, "%s: %s, ties by %s", when, what[i],
				 ties ? "value" : "docid");
			agree(db, q[i], 0, 22, ties, name);
			snprintf(name, sizeof name, "%s: %s, from an offset, ties by %s", when,
				 what[i], ties ? "value" : "docid");
			agree(db, q[i], 30, 72, ties, name);
		}
		if (strstr(what[i], "every hit")) {
			snprintf(name, sizeof name, "%s: %s, all", when, what[i]);
			agree(db, q[i], 0, DOCS, 0, name);
		}
		index_query_free(q[i]);
	}
}

static void test_bm25_agrees_with_xapian(void)
{
	index_error err = {{0}};
	index_db *w = NULL, *old = NULL, *now = NULL;
	char path[400], t[32];

	snprintf(path, sizeof path, "%s/bm25", tmpdir);
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	T_REQUIRE(add_docs(w, 1, DOCS, 0) == INDEX_OK);
	T_REQUIRE(index_commit(w, &err) == INDEX_OK);

	/* A reader: its searches keep lengths and filter runs in memory. */
	T_REQUIRE(index_open_readonly(path, &old, &err) == INDEX_OK);
	agree_all(old, "read-only");

	/* Documents deleted and added after. More than an eighth more: the
	 * new reader reads lengths and runs again, and what it read must not
	 * serve the old reader, still at its revision (where the deleted
	 * documents are). Then a few more: what was read serves the newer
	 * revision too (a superset of each filter's documents: the deleted
	 * ones are in no word's list). The writer answers its own. */
	for (unsigned i = 1; i <= DOCS; i += 3) {
		snprintf(t, sizeof t, "%s%u", VX_ID, i);
		T_REQUIRE(index_delete(w, t, &err) == INDEX_OK);
	}
	T_REQUIRE(add_docs(w, DOCS + 1, 8000, 0) == INDEX_OK);
	agree_all(w, "the writer, uncommitted");
	T_REQUIRE(index_commit(w, &err) == INDEX_OK);
	T_REQUIRE(index_open_readonly(path, &now, &err) == INDEX_OK);
	agree_all(now, "a reader after deletions and additions");
	agree_all(old, "the old reader, after a newer one");
	/* The newer reader's bounds kept again; the long documents added next
	 * raise the average length, so those bounds, still serving, must be
	 * widened (a word's part grows as the average does). */
	agree_all(now, "the newer reader again");
	for (unsigned i = 2; i <= DOCS; i += 3) {
		snprintf(t, sizeof t, "%s%u", VX_ID, i);
		T_REQUIRE(index_delete(w, t, &err) == INDEX_OK);
	}
	T_REQUIRE(add_docs(w, DOCS + 8001, 2000, 1) == INDEX_OK);
	T_REQUIRE(index_commit(w, &err) == INDEX_OK);
	T_REQUIRE(index_reopen(now, &err) == INDEX_OK);
	agree_all(now, "a reader after more deletions and additions");
	T_REQUIRE(index_reopen(old, &err) == INDEX_OK);
	agree_all(old, "the old reader reopened");

	/* What it does not answer goes to Xapian's matcher: an AND of words. */
	{
		index_query *q = comb(INDEX_OP_FILTER, 2,
				      comb(INDEX_OP_AND, 2, term("Zcommon", 1), term("Zrare", 1)),
				      pair("ZA:en"));
		index_search_opts o = {0};
		index_results *r = NULL;

		o.sort_slot = -1;
		o.limit = 10;
		o.weighting = INDEX_WEIGHT_BM25;
		T_EQ_INT(index_search(now, q, &o, &r, &err), INDEX_OK);
		T_CHECK(r && !index_results_accumulated(r) && index_results_count(r) > 0);
		index_results_free(r);
		index_query_free(q);
	}
	index_close(now);
	index_close(old);
	index_close(w);
}

/* A common word's postings kept in memory take a narrow form (16-bit docid
 * offsets in runs of 32, byte wdfs) only where it holds (accumulate.h,
 * kept_postings): "Zspread" has a run spanning more than 65,535 docids, so
 * its docids stay 32-bit; "Zheavy" has wdfs over 255, so its wdfs stay
 * 16-bit; "Zall" is narrow. Each is searched three times, the first
 * reading Xapian's list and keeping it, the others reading memory: all
 * answer as Xapian's matcher does. */
#define SPREAD_LAST 70000u
static void test_kept_forms(void)
{
	index_error err = {{0}};
	index_db *w = NULL, *r = NULL;
	char path[400], t[32];
	int rc = INDEX_OK;

	snprintf(path, sizeof path, "%s/kept", tmpdir);
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	for (unsigned i = 1; rc == INDEX_OK && i <= SPREAD_LAST; i++) {
		index_doc *doc = index_doc_new();

		rc = doc ? INDEX_OK : INDEX_ENOMEM;
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zall", 1 + i % 2, &err);
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zfill", 3 + i * 7919 % 40, &err);
		if (rc == INDEX_OK && (i <= 600 || i == SPREAD_LAST))
			rc = index_doc_add_term(doc, "Zspread", 1 + i % 4, &err);
		if (rc == INDEX_OK && i <= 2000 && i % 2 == 0)
			rc = index_doc_add_term(doc, "Zheavy", i % 100 == 0 ? 300 + i % 7 : 1 + i % 3,
						&err);
		snprintf(t, sizeof t, "%s%u", VX_ID, i);
		if (rc == INDEX_OK)
			rc = index_replace(w, t, doc, &err);
		index_doc_free(doc);
	}
	T_REQUIRE(rc == INDEX_OK);
	T_REQUIRE(index_commit(w, &err) == INDEX_OK);
	index_close(w);
	T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
	for (int pass = 0; pass < 3; pass++) {
		static const char *const words[] = {"Zspread", "Zheavy", "Zall"};
		char name[96];

		for (size_t k = 0; k < 3; k++) {
			index_query *q = term(words[k], 1);

			snprintf(name, sizeof name, "%s, pass %d", words[k], pass);
			agree(r, q, 0, 20, 0, name);
			snprintf(name, sizeof name, "%s, pass %d, from an offset", words[k], pass);
			agree(r, q, 580, 40, 0, name);
			snprintf(name, sizeof name, "%s, pass %d, every hit", words[k], pass);
			agree(r, q, 0, 2000, 0, name);
			index_query_free(q);
		}
		{
			/* skip_to along each, the other two only probed. The count
			 * is not compared: with the kept list's exact wdf bound
			 * "Zall" (in every document) is only probed from the
			 * start, and the estimate of an OR whose probed word is in
			 * every document is about a third of the truth (23,658 of
			 * 70,000; the same before the narrow form). */
			index_query *q = comb(INDEX_OP_OR, 3, term("Zspread", 2), term("Zheavy", 1),
					      term("Zall", 1));

			snprintf(name, sizeof name, "three words, pass %d (count not compared)", pass);
			agree(r, q, 0, 30, 0, name);
			index_query_free(q);
		}
	}
	index_close(r);
}

/* Lists kept from the start (index_keep_lists, as a server does before
 * its first match): the lists of a prefix long enough to keep, the longest
 * first within the bytes given, none of a writer's; what is kept answers
 * as Xapian's matcher does. And another database searched in the same
 * process (a matching server also searches the taxonomy's index) does not
 * let go of them: before the cache held two databases, its first search
 * dropped every kept list, and they were read again. */
static void test_kept_from_start(void)
{
	index_error err = {{0}};
	index_db *w = NULL, *r = NULL, *other = NULL;
	char path[400], t[32];
	uint64_t kept = 0, read = 0;
	int rc = INDEX_OK;

	snprintf(path, sizeof path, "%s/start", tmpdir);
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	for (unsigned i = 1; rc == INDEX_OK && i <= 4000; i++) {
		index_doc *doc = index_doc_new();

		rc = doc ? INDEX_OK : INDEX_ENOMEM;
		/* Zk:a in every document, Zk:b in one of 2, Zk:c in one of 4,
		 * Zk:d in 100 (too short to keep); Zfill for the lengths. */
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zk:a", 1 + i % 3, &err);
		if (rc == INDEX_OK && i % 2 == 0)
			rc = index_doc_add_term(doc, "Zk:b", 1 + i % 2, &err);
		if (rc == INDEX_OK && i % 4 == 1)
			rc = index_doc_add_term(doc, "Zk:c", 1, &err);
		if (rc == INDEX_OK && i % 40 == 7)
			rc = index_doc_add_term(doc, "Zk:d", 2, &err);
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zfill", 3 + i * 7919 % 40, &err);
		snprintf(t, sizeof t, "%s%u", VX_ID, i);
		if (rc == INDEX_OK)
			rc = index_replace(w, t, doc, &err);
		index_doc_free(doc);
	}
	T_REQUIRE(rc == INDEX_OK);
	T_REQUIRE(index_commit(w, &err) == INDEX_OK);
	T_EQ_INT(index_keep_lists(w, "Zk:", SIZE_MAX, &kept, &read, &err), INDEX_OK);
	T_CHECKF(kept == 0 && read == 0, "a writer kept %llu lists", (unsigned long long)kept);

	T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
	/* Room for the longest only (4,000 postings, about 12 KB). */
	T_EQ_INT(index_keep_lists(r, "Zk:", 13000, &kept, &read, &err), INDEX_OK);
	T_CHECKF(kept == 1 && read == 1, "kept %llu, read %llu of the longest",
		 (unsigned long long)kept, (unsigned long long)read);
	T_EQ_INT(index_keep_lists(r, "Zk:", SIZE_MAX, &kept, &read, &err), INDEX_OK);
	T_CHECKF(kept == 3 && read == 2, "kept %llu, read %llu (3 and 2 expected)",
		 (unsigned long long)kept, (unsigned long long)read);

	/* Another database searched by the evaluator. */
	snprintf(path, sizeof path, "%s/kept", tmpdir);
	T_REQUIRE(index_open_readonly(path, &other, &err) == INDEX_OK);
	{
		index_query *q = term("Zall", 1);

		agree(other, q, 0, 20, 0, "another database");
		index_query_free(q);
	}
	T_EQ_INT(index_keep_lists(r, "Zk:", SIZE_MAX, &kept, &read, &err), INDEX_OK);
	T_CHECKF(kept == 3 && read == 0,
		 "after another database's search: kept %llu, read %llu again (0 expected)",
		 (unsigned long long)kept, (unsigned long long)read);
	{
		index_query *q = comb(INDEX_OP_OR, 4, term("Zk:a", 1), term("Zk:b", 2),
				      term("Zk:c", 3), term("Zk:d", 4));

		agree(r, q, 0, 30, 0, "the kept lists");
		agree(r, q, 100, 50, 0, "the kept lists, from an offset");
		index_query_free(q);
	}
	index_close(other);
	index_close(r);
	index_close(w);
}

/* The match's lists kept from the start (match_keep_lists, as serve does
 * at start): the ISCO groups' and the skills' long lists, so that a
 * match's first use reads none of them again; short ones are left. */
static void test_match_keeps_its_lists(void)
{
	index_error err = {{0}};
	index_db *w = NULL, *r = NULL;
	char path[400], t[32];
	uint64_t kept = 0, read = 0;
	int rc = INDEX_OK;

	snprintf(path, sizeof path, "%s/matchkeep", tmpdir);
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	for (unsigned i = 1; rc == INDEX_OK && i <= 2000; i++) {
		index_doc *doc = index_doc_new();

		rc = doc ? INDEX_OK : INDEX_ENOMEM;
		if (rc == INDEX_OK)
			rc = index_doc_add_boolean(doc, i % 2 ? VX_OCCUPATION "5" : VX_OCCUPATION "7", &err);
		if (rc == INDEX_OK && i % 3)
			rc = index_doc_add_boolean(doc, VX_SKILL "cook food", &err);
		if (rc == INDEX_OK && i % 50 == 0)
			rc = index_doc_add_boolean(doc, VX_SKILL "rare skill", &err);
		if (rc == INDEX_OK)
			rc = index_doc_add_term(doc, "Zfill", 3 + i % 9, &err);
		snprintf(t, sizeof t, "%s%u", VX_ID, i);
		if (rc == INDEX_OK)
			rc = index_replace(w, t, doc, &err);
		index_doc_free(doc);
	}
	T_REQUIRE(rc == INDEX_OK);
	T_REQUIRE(index_commit(w, &err) == INDEX_OK);
	index_close(w);
	T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
	T_EQ_INT(match_keep_lists(r, &kept, &err), 0);
	T_CHECKF(kept == 3, "the match kept %llu lists (3 expected)", (unsigned long long)kept);
	T_EQ_INT(index_keep_lists(r, VX_OCCUPATION, SIZE_MAX, &kept, &read, &err), INDEX_OK);
	T_CHECKF(kept == 2 && read == 0, "ISCO groups: %llu kept, %llu read again",
		 (unsigned long long)kept, (unsigned long long)read);
	T_EQ_INT(index_keep_lists(r, VX_SKILL, SIZE_MAX, &kept, &read, &err), INDEX_OK);
	T_CHECKF(kept == 1 && read == 0, "skills: %llu kept, %llu read again",
		 (unsigned long long)kept, (unsigned long long)read);
	index_close(r);
}

int main(void)
{
	if (mkdir("var", 0700) != 0 && errno != EEXIST)
		perror("mkdir var");
	if (mkdir("var/tmp", 0700) != 0 && errno != EEXIST)
		perror("mkdir var/tmp");
	snprintf(tmpdir, sizeof tmpdir, "var/tmp/test_bm25.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_bm25_agrees_with_xapian);
	T_RUN(test_kept_forms);
	T_RUN(test_kept_from_start);
	T_RUN(test_match_keeps_its_lists);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return T_DONE();
}
