/*
 * test_shards.c - an index split into local shards (index.h, "shards"):
 * the same documents written to a plain index and to three shards give
 * the same hits, weights and order, by the wrapper's evaluator and by
 * Xapian's matcher; every document lands in exactly one shard, a
 * replaced one stays in its shard; the metadata every shard records is
 * read back; delete_all empties every shard; a layout cannot be changed
 * to another number of shards in place. (Remote shards, through
 * xapian-tcpsrv, are tests/integration/test_scaleout.c's.)
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"
#include "index/schema.h"
#include "tests/support/t.h"

#define DOCS 300

static char tmpdir[256], plain[300], sharded[300];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static const char *const words[] = {"welder", "nurse", "driver", "cook", "plumber", "teacher",
				    "baker", "mason"};

/* Document i: a few weighted words (so weights tie and differ), a country
 * term and its id value. */
static int add(index_db *w, int i, const char *extra)
{
	index_error e = {{0}};
	index_doc *d = index_doc_new();
	char term[32], text[160], id[17];
	int rc;

	if (!d)
		return INDEX_ENOMEM;
	snprintf(text, sizeof text, "%s %s %s %s", words[i % 8], words[(i / 8) % 8],
		 words[(i * 7) % 8], extra ? extra : "");
	snprintf(term, sizeof term, "%s%s", VX_COUNTRY, i % 3 ? "ZA" : "PH");
	snprintf(id, sizeof id, "%016x", (unsigned)i);
	rc = index_doc_add_text(d, text, strlen(text), "en", 1, VX_TEXT, &e);
	if (!rc)
		rc = index_doc_add_boolean(d, term, &e);
	if (!rc)
		rc = index_doc_set_value(d, VX_SLOT_ID, id, 16, &e);
	if (!rc)
		rc = index_doc_set_data(d, id, 16, &e);
	snprintf(term, sizeof term, "%s%d", VX_ID, i);
	if (!rc)
		rc = index_replace(w, term, d, &e);
	index_doc_free(d);
	return rc;
}

static int build(const char *path)
{
	index_db *w = NULL;
	index_error e = {{0}};
	int i, rc = index_open_writable(path, &w, &e);

	for (i = 1; rc == 0 && i <= DOCS; i++)
		rc = add(w, i, NULL);
	/* Replacements: each document keeps to its shard. */
	for (i = 1; rc == 0 && i <= DOCS; i += 7)
		rc = add(w, i, "mason");
	if (rc == 0)
		rc = index_set_metadata(w, VX_META_LAST_SEQ, "4242", &e);
	if (rc == 0)
		rc = index_commit(w, &e);
	if (rc)
		fprintf(stderr, "build %s: %s\n", path, e.msg);
	index_close(w);
	return rc;
}

/* "data:weight;" of the hits of text, or NULL; sorted: the hits in
 * another order (equal weights in docid order, and docids differ between
 * a plain and a sharded index). */
static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *hits(const char *path, const char *text, int weighting, int mode, int sorted)
{
	index_db *db = NULL;
	index_error e = {{0}};
	index_query *q = index_query_parse(text, "en", VX_TEXT, 0, &e);
	index_search_opts o = {.limit = DOCS, .sort_slot = -1, .weighting = weighting,
			       .xapian_matcher = mode == 1, .ties_by_value = mode == 2,
			       .tie_slot = VX_SLOT_ID};
	index_results *r = NULL;
	char *out = NULL, *items[DOCS];
	size_t i, n = 0, cap = DOCS * 48, count = 0;

	if (q && index_open_readonly(path, &db, &e) == 0 && index_search(db, q, &o, &r, &e) == 0 &&
	    (out = malloc(cap)) != NULL) {
		out[0] = '\0';
		count = index_results_count(r);
		for (i = 0; i < count && i < DOCS; i++) {
			const index_hit *h = index_results_hit(r, i);

			items[i] = malloc(48);
			if (items[i])
				snprintf(items[i], 48, "%.*s:%.6f;", (int)h->data_len, h->data,
					 h->weight);
		}
		if (sorted)
			qsort(items, count, sizeof *items, by_text);
		for (i = 0; i < count && i < DOCS; i++) {
			n += (size_t)snprintf(out + n, cap - n, "%s", items[i] ? items[i] : "?");
			free(items[i]);
		}
	} else {
		fprintf(stderr, "search %s: %s\n", path, e.msg);
	}
	index_results_free(r);
	index_query_free(q);
	index_close(db);
	return out;
}

static void test_layout(void)
{
	index_error e = {{0}};

	T_EQ_INT(index_set_shards(sharded, 3, NULL, &e), INDEX_OK);
	/* The same layout again is fine; another count is refused. */
	T_EQ_INT(index_set_shards(sharded, 3, NULL, &e), INDEX_OK);
	T_EQ_INT(index_set_shards(sharded, 2, NULL, &e), INDEX_ERR);
	T_CHECK(strstr(e.msg, "has 3 shards") != NULL);
	T_EQ_INT(index_set_shards(sharded, 3, (const char *const[]){"127.0.0.1", NULL, NULL}, &e),
		 INDEX_ERR);
	T_CHECK(strstr(e.msg, "HOST:PORT") != NULL);
	T_REQUIRE(build(plain) == 0);
	T_REQUIRE(build(sharded) == 0);
	/* A plain index cannot become a sharded one in place. */
	T_EQ_INT(index_set_shards(plain, 2, NULL, &e), INDEX_ERR);
}

static void test_every_document_in_one_shard(void)
{
	index_db *db = NULL, *part = NULL;
	index_error e = {{0}};
	uint64_t total = 0, n;
	unsigned shards = 0;
	int remote = 1, k;
	char path[400], *seq = NULL;

	T_REQUIRE(index_open_readonly(sharded, &db, &e) == 0);
	T_EQ_INT(index_shard_count(db, &shards, &remote), 0);
	T_EQ_INT(shards, 3);
	T_EQ_INT(remote, 0);
	T_REQUIRE(index_doc_count(db, &n, &e) == 0);
	T_EQ_INT(n, DOCS);
	T_REQUIRE(index_get_metadata(db, VX_META_LAST_SEQ, &seq, &e) == 0);
	T_EQ_STR(seq ? seq : "", "4242");
	free(seq);
	index_close(db);
	for (k = 0; k < 3; k++) {
		snprintf(path, sizeof path, "%s/shard-%d", sharded, k);
		T_REQUIRE(index_open_readonly(path, &part, &e) == 0);
		T_REQUIRE(index_doc_count(part, &n, &e) == 0);
		/* Spread, not all in one. */
		T_CHECKF(n > DOCS / 6, "shard %d holds %llu", k, (unsigned long long)n);
		total += n;
		seq = NULL;
		T_REQUIRE(index_get_metadata(part, VX_META_LAST_SEQ, &seq, &e) == 0);
		T_EQ_STR(seq ? seq : "", "4242");
		free(seq);
		index_close(part);
	}
	T_EQ_INT(total, DOCS);
}

static void test_same_hits_as_one_index(void)
{
	static const char *const queries[] = {"welder", "nurse cook", "mason baker driver",
					      "plumber teacher welder nurse"};
	static const int weightings[] = {INDEX_WEIGHT_COORD, INDEX_WEIGHT_BM25};
	size_t i, j;
	int mode;

	for (i = 0; i < sizeof queries / sizeof *queries; i++)
		for (j = 0; j < 2; j++)
			for (mode = 0; mode < 3; mode++) {
				/* The evaluator (mode 0) and the matcher (1) order
				 * equal weights by docid: the same hits and weights;
				 * with ties by value (2) the very same order too. */
				char *a = hits(plain, queries[i], weightings[j], mode, mode < 2),
				     *b = hits(sharded, queries[i], weightings[j], mode, mode < 2);

				T_CHECK(a && b && strlen(a) > 0);
				T_CHECKF(a && b && strcmp(a, b) == 0, "%s (mode %d): %.200s\nvs %.200s",
					 queries[i], mode, a ? a : "", b ? b : "");
				free(a);
				free(b);
			}
	/* The order does differ without the tie rule: else the test above
	 * would not show that ties by value is what makes it the same. */
	{
		char *a = hits(plain, "welder", INDEX_WEIGHT_COORD, 0, 0),
		     *b = hits(sharded, "welder", INDEX_WEIGHT_COORD, 0, 0);

		T_CHECK(a && b && strcmp(a, b) != 0);
		free(a);
		free(b);
	}
}

static void test_delete_all(void)
{
	index_db *w = NULL;
	index_error e = {{0}};
	uint64_t n = 1;

	T_REQUIRE(index_open_writable(sharded, &w, &e) == 0);
	T_EQ_INT(index_delete_all(w, &e), 0);
	T_EQ_INT(index_commit(w, &e), 0);
	T_EQ_INT(index_doc_count(w, &n, &e), 0);
	T_EQ_INT(n, 0);
	index_close(w);
	/* A reader cannot. */
	T_REQUIRE(index_open_readonly(plain, &w, &e) == 0);
	T_EQ_INT(index_delete_all(w, &e), INDEX_ERR);
	index_close(w);
}

int main(void)
{
	mkdir("var", 0755);
	mkdir("var/tmp", 0755);
	snprintf(tmpdir, sizeof tmpdir, "var/tmp/test_shards.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	snprintf(plain, sizeof plain, "%s/plain", tmpdir);
	snprintf(sharded, sizeof sharded, "%s/sharded", tmpdir);
	T_RUN(test_layout);
	T_RUN(test_every_document_in_one_shard);
	T_RUN(test_same_hits_as_one_index);
	T_RUN(test_delete_all);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return T_DONE();
}
