/*
 * test_datacodec.c - document data compressed with the index's dictionary
 * (index_train_data_dictionary, index/datacodec.cc): every document's data
 * reads back as written, through search and index_fetch_data, after a
 * reopen and a compaction; the stored form is much smaller than Xapian's
 * own zlib; data that looks like a frame stays itself; a dictionary that
 * does not match is an error, never other text.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/index.h"
#include "tests/support/t.h"

#define DOCS 400

static char tmpdir[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* A card-like JSON text for document i: shared keys and phrases, its own
 * numbers and words, as vacancy cards are. */
static void card(int i, char *buf, size_t len)
{
	static const char *const words[] = {"welder", "nurse",	"driver", "cook",
					    "plumber", "teacher", "miner", "farmer"};
	static const char *const countries[] = {"ZA", "KE", "FR", "ES", "LS", "NA"};

	snprintf(buf, len,
		 "{\"id\":\"v_%06d\",\"org\":\"o_%d\",\"title\":\"%s %s\",\"country\":\"%s\","
		 "\"description\":\"We are looking for an experienced %s to join our team in "
		 "the region. Duties include daily work, safety checks and reporting. Shift "
		 "%d, contract of %d months, transport provided.\",\"languages\":[{\"code\":"
		 "\"en\",\"level\":\"B1\"}],\"skills\":{\"essential\":[%d,%d],\"optional\":"
		 "[%d]},\"salary\":{\"min\":%d,\"max\":%d,\"currency\":\"ZAR\",\"period\":"
		 "\"month\"},\"valid_until\":\"2027-%02d-%02d\",\"positions\":%d,\"status\":\"open\"}",
		 i, i % 37, words[i % 8], words[(i / 8) % 8], countries[i % 6], words[i % 8],
		 i % 3 + 1, 6 + i % 18, 1000 + i * 7 % 9000, 2000 + i * 13 % 9000,
		 3000 + i * 31 % 9000, 8000 + i * 11 % 5000, 9000 + i * 17 % 7000, 1 + i % 12,
		 1 + i % 28, 1 + i % 9);
}

static index_doc *card_doc(int i)
{
	index_error e = {{0}};
	index_doc *d = index_doc_new();
	char data[1024];

	card(i, data, sizeof data);
	/* a word every card holds, so that a BM25 search of it takes the
	 * wrapper's own evaluator (index/bm25.cc) as the search does */
	if (!d || index_doc_set_data(d, data, strlen(data), &e) ||
	    index_doc_add_term(d, "Zcard", 1 + (unsigned)i % 3, &e)) {
		index_doc_free(d);
		return NULL;
	}
	return d;
}

/* Builds an index of DOCS cards at path, trained first when train. */
static int build(const char *path, int train, int *trained)
{
	index_error e = {{0}};
	index_db *w = NULL;
	index_doc *docs[DOCS] = {0};
	char term[32];
	int i, rc = -1;

	if (index_open_writable(path, &w, &e))
		return -1;
	for (i = 0; i < DOCS; i++)
		if (!(docs[i] = card_doc(i)))
			goto out;
	if (train && index_train_data_dictionary(w, docs, DOCS, 8192, trained, &e))
		goto out;
	for (i = 0; i < DOCS; i++) {
		snprintf(term, sizeof term, "Q%d", i);
		if (index_replace(w, term, docs[i], &e))
			goto out;
	}
	rc = index_commit(w, &e) ? -1 : 0;
out:
	if (rc)
		fprintf(stderr, "build %s: %s\n", path, e.msg);
	for (i = 0; i < DOCS; i++)
		index_doc_free(docs[i]);
	index_close(w);
	return rc;
}

/* How many of the DOCS cards read back from path exactly as written (by
 * search and by index_fetch_data); -1 when reading failed. */
static int read_back(const char *path)
{
	index_error e = {{0}};
	index_db *r = NULL;
	index_query *all = index_query_all(), *word = index_query_term("Zcard", 1), *q;
	index_results *res = NULL;
	index_search_opts o = {0};
	int same = 0, pass;
	size_t i;

	if (!all || !word || index_open_readonly(path, &r, &e)) {
		index_query_free(all);
		index_query_free(word);
		return -1;
	}
	o.sort_slot = -1;
	o.limit = DOCS;
	/* Xapian's matcher (MatchAll), then the wrapper's BM25 evaluator (a
	 * word), each with the data read with the hits and through
	 * index_fetch_data */
	for (pass = 0; pass < 4; pass++) {
		q = pass < 2 ? all : word;
		o.skip_data = pass % 2;
		if (index_search(r, q, &o, &res, &e) || index_results_count(res) != DOCS ||
		    (o.skip_data && index_fetch_data(r, res, 0, DOCS, &e))) {
			same = -1;
			break;
		}
		for (i = 0; i < DOCS; i++) {
			const index_hit *h = index_results_hit(res, i);
			char want[1024];

			card((int)h->docid - 1, want, sizeof want);
			same += h->data_len == strlen(want) && memcmp(h->data, want, h->data_len) == 0;
		}
		index_results_free(res);
		res = NULL;
	}
	index_results_free(res);
	index_query_free(all);
	index_query_free(word);
	index_close(r);
	return same;
}

static long file_size(const char *dir, const char *name)
{
	char path[400];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_round_trip_and_size(void)
{
	char plain[300], dict[300], pc[300], dc[300];
	index_error e = {{0}};
	index_db *w = NULL;
	index_doc *docs[DOCS] = {0};
	int trained = -1, has = -1, i;

	snprintf(plain, sizeof plain, "%s/plain", tmpdir);
	snprintf(dict, sizeof dict, "%s/dict", tmpdir);
	snprintf(pc, sizeof pc, "%s/plain-compact", tmpdir);
	snprintf(dc, sizeof dc, "%s/dict-compact", tmpdir);
	T_REQUIRE(build(plain, 0, NULL) == 0);
	T_REQUIRE(build(dict, 1, &trained) == 0);
	T_EQ_INT(trained, 1);
	T_EQ_INT(read_back(plain), 4 * DOCS);
	T_EQ_INT(read_back(dict), 4 * DOCS);

	/* Compaction keeps the dictionary (it is the index's metadata). */
	T_REQUIRE(index_compact(plain, pc, &e) == INDEX_OK);
	T_REQUIRE(index_compact(dict, dc, &e) == INDEX_OK);
	T_EQ_INT(read_back(dc), 4 * DOCS);
	/* 400 cards of ~560 bytes: Xapian's zlib leaves ~300 each, the
	 * dictionary under 150, so at least a third fewer bytes. */
	T_CHECKF(file_size(dc, "docdata.glass") * 3 < file_size(pc, "docdata.glass") * 2,
		 "docdata %ld bytes with the dictionary, %ld without",
		 file_size(dc, "docdata.glass"), file_size(pc, "docdata.glass"));

	/* The dictionary is never replaced: its documents name it. */
	T_REQUIRE(index_open_writable(dict, &w, &e) == INDEX_OK);
	T_CHECK(index_has_data_dictionary(w, &has, &e) == INDEX_OK && has == 1);
	for (i = 0; i < DOCS; i++)
		docs[i] = card_doc(i);
	T_CHECK(index_train_data_dictionary(w, docs, DOCS, 8192, &trained, &e) == INDEX_OK);
	T_EQ_INT(trained, 0);
	for (i = 0; i < DOCS; i++)
		index_doc_free(docs[i]);
	index_close(w);
	T_REQUIRE(index_open_writable(plain, &w, &e) == INDEX_OK);
	T_CHECK(index_has_data_dictionary(w, &has, &e) == INDEX_OK && has == 0);
	/* Too few documents to learn from: no dictionary, no error. */
	docs[0] = card_doc(0);
	T_CHECK(index_train_data_dictionary(w, docs, 1, 8192, &trained, &e) == INDEX_OK);
	T_EQ_INT(trained, 0);
	index_doc_free(docs[0]);
	index_close(w);
}

/* Data that begins with the frame's magic bytes is stored framed, with or
 * without a dictionary, and reads back as itself; so does empty data. */
static void test_frame_lookalike(void)
{
	static const char look[] = "\x28\xb5\x2f\xfd not a frame";
	char dict[300], fresh[300];
	const char *paths[2] = {dict, fresh}; /* with a dictionary, without */
	int k;

	snprintf(dict, sizeof dict, "%s/dict", tmpdir);
	snprintf(fresh, sizeof fresh, "%s/fresh", tmpdir);
	for (k = 0; k < 2; k++) {
		index_error e = {{0}};
		index_db *w = NULL, *r = NULL;
		index_doc *a = index_doc_new(), *b = index_doc_new();
		index_query *q = index_query_term("Qlook", 1);
		index_query *qe = index_query_term("Qempty", 1);
		index_results *res = NULL;
		index_search_opts o = {0};

		o.sort_slot = -1;
		o.limit = 5;
		T_REQUIRE(a && b && q && qe);
		T_REQUIRE(index_open_writable(paths[k], &w, &e) == INDEX_OK);
		T_CHECK(index_doc_set_data(a, look, sizeof look - 1, &e) == INDEX_OK);
		T_CHECK(index_replace(w, "Qlook", a, &e) == INDEX_OK);
		/* The same document written twice is not compressed twice. */
		T_CHECK(index_replace(w, "Qlook", a, &e) == INDEX_OK);
		T_CHECK(index_replace(w, "Qempty", b, &e) == INDEX_OK);
		T_CHECK(index_commit(w, &e) == INDEX_OK);
		index_close(w);
		T_REQUIRE(index_open_readonly(paths[k], &r, &e) == INDEX_OK);
		T_REQUIRE(index_search(r, q, &o, &res, &e) == INDEX_OK);
		T_REQUIRE(index_results_count(res) == 1);
		T_CHECK(index_results_hit(res, 0)->data_len == sizeof look - 1 &&
			memcmp(index_results_hit(res, 0)->data, look, sizeof look - 1) == 0);
		index_results_free(res);
		res = NULL;
		T_REQUIRE(index_search(r, qe, &o, &res, &e) == INDEX_OK);
		T_REQUIRE(index_results_count(res) == 1);
		T_EQ_INT(index_results_hit(res, 0)->data_len, 0);
		index_results_free(res);
		index_close(r);
		index_query_free(q);
		index_query_free(qe);
		index_doc_free(a);
		index_doc_free(b);
	}
}

/* A dictionary that is not the one the frames name: an error, not text. */
static void test_wrong_dictionary(void)
{
	char dict[300];
	index_error e = {{0}};
	index_db *w = NULL, *r = NULL;
	index_query *q = index_query_all();
	index_results *res = NULL;
	index_search_opts o = {0};

	snprintf(dict, sizeof dict, "%s/dict", tmpdir);
	T_REQUIRE(q);
	T_REQUIRE(index_open_writable(dict, &w, &e) == INDEX_OK);
	T_CHECK(index_set_metadata(w, "index.data_dictionary", "another dictionary", &e) == INDEX_OK);
	T_CHECK(index_commit(w, &e) == INDEX_OK);
	index_close(w);
	T_REQUIRE(index_open_readonly(dict, &r, &e) == INDEX_OK);
	o.sort_slot = -1;
	o.limit = 3;
	T_CHECK(index_search(r, q, &o, &res, &e) == INDEX_ERR);
	T_CHECKF(strstr(e.msg, "dictionary") != NULL, "message: %s", e.msg);
	index_results_free(res);
	index_close(r);
	index_query_free(q);
}

int main(void)
{
	if (mkdir("var", 0700) != 0 && errno != EEXIST)
		perror("mkdir var");
	if (mkdir("var/tmp", 0700) != 0 && errno != EEXIST)
		perror("mkdir var/tmp");
	snprintf(tmpdir, sizeof tmpdir, "var/tmp/test_datacodec.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_round_trip_and_size);
	T_RUN(test_frame_lookalike);
	T_RUN(test_wrong_dictionary);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return T_DONE();
}
