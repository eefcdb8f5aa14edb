/*
 * test_valuefile.c - a value slot addressed by docid in a file beside the
 * database (index_write_value_file, index/valuefile.cc): a reader answers
 * want_value from it for the docids it covers, with the values the stream
 * holds (compressed with a trained dictionary, or as they are when too few
 * to train on; held in memory or read by pread); documents written after it, deleted ones, a reopened
 * reader, a writer, another database with the same docids (the UUID), a
 * sharded directory and index_delete_all.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"
#include "tests/support/t.h"

#define SLOT 3
#define FILE_NAME "fairmatch-values-3"

static char tmpdir[256];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Document i's value: record-like bytes (a shared shape, its own numbers
 * and names, NULs), of lengths 0 to about 300; every seventh has none
 * (variant changes document 2's in a second database). */
static size_t value_of(int i, int variant, char *buf, size_t len)
{
	static const char *const names[] = {"Open Road Overseas Employment", "Acme Recruiting",
					    "Blue Sky Manpower", "Nile Placement Agency"};
	int n;

	if (i % 7 == 3)
		return 0;
	n = snprintf(buf, len, "F%c%c%c%c%c%cAE%04d2027-%02d-%02dar%c%s|%s|%d", 2, i & 0xff,
		     (i >> 8) & 0xff, 0, 1, 7, 1000 + i % 9000, 1 + i % 12, 1 + i % 28,
		     4 + i % 3, names[i % 4], variant && i == 2 ? "other" : "", i * 7919);
	for (int k = 0; k < i % 5 && n + 40 < (int)len; k++)
		n += snprintf(buf + n, len - (size_t)n, "skill %d of the vacancy %d;", k, i);
	return (size_t)n;
}

static void build(const char *path, int from, int to, int variant)
{
	index_db *w = NULL;
	index_error err = {{0}};
	char id[32], v[512];

	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	for (int i = from; i <= to; i++) {
		index_doc *doc = index_doc_new();
		size_t n = value_of(i, variant, v, sizeof v);

		T_REQUIRE(doc != NULL);
		snprintf(id, sizeof id, "Q%d", i);
		T_EQ_INT(index_doc_add_boolean(doc, "XALL", &err), INDEX_OK);
		if (n)
			T_EQ_INT(index_doc_set_value(doc, SLOT, v, n, &err), INDEX_OK);
		T_EQ_INT(index_replace(w, id, doc, &err), INDEX_OK);
		index_doc_free(doc);
	}
	T_EQ_INT(index_commit(w, &err), INDEX_OK);
	index_close(w);
}

/* Searches every document (in docid order) with their values; checks each
 * against value_of (document i is docid i here) and returns how many came
 * from the file, or -1. */
static long check_all(index_db *db, int docs, int variant, int writer)
{
	index_error err = {{0}};
	index_results *r = NULL;
	index_query *q = index_query_term("XALL", 1);
	index_search_opts o = {0};
	char want[512];
	long bad = 0, from_file;

	o.limit = (uint32_t)docs + 10;
	o.sort_slot = -1;
	/* Every document weighs 1, in docid order, by the wrapper's evaluator
	 * (Xapian 1.4.22's matcher fails on this list once a document was
	 * deleted: "Unexpected end of posting list"). */
	o.weighting = INDEX_WEIGHT_COORD;
	o.skip_data = 1;
	o.want_value = 1;
	o.value_slot = SLOT;
	o.cache_value = 0; /* the process-wide cache would answer a second search */
	(void)writer;
	if (!q || index_search(db, q, &o, &r, &err) != INDEX_OK) {
		index_query_free(q);
		T_CHECKF(0, "search: %s", err.msg);
		return -1;
	}
	T_EQ_INT((int)index_results_count(r), docs);
	for (size_t i = 0; i < index_results_count(r); i++) {
		const index_hit *h = index_results_hit(r, i);
		size_t n = value_of((int)h->docid, variant, want, sizeof want);

		if (h->value_len != n || memcmp(h->value, want, n) != 0) {
			if (bad++ < 3)
				T_CHECKF(0, "docid %u: value of %zu bytes, not the %zu written",
					 (unsigned)h->docid, h->value_len, n);
		}
	}
	T_EQ_INT((int)bad, 0);
	from_file = (long)index_results_file_values(r);
	index_results_free(r);
	index_query_free(q);
	return from_file;
}

static long long file_size(const char *dir)
{
	char name[400];
	struct stat st;

	snprintf(name, sizeof name, "%s/" FILE_NAME, dir);
	return stat(name, &st) ? -1 : (long long)st.st_size;
}

/* Many values: compressed with a dictionary, all read from the file, far
 * smaller than the values themselves; then documents added after the file
 * (read from the stream) and some deleted, seen by the reopened reader. */
static void test_compressed(void)
{
	char path[300], v[512];
	index_db *r = NULL, *w = NULL;
	index_error err = {{0}};
	long long raw = 0;
	int covered = 0;

	snprintf(path, sizeof path, "%s/many", tmpdir);
	build(path, 1, 3000, 0);
	for (int i = 1; i <= 3000; i++) {
		size_t n = value_of(i, 0, v, sizeof v);

		raw += (long long)n;
		covered += n > 0;
	}
	T_EQ_INT(index_write_value_file(path, SLOT, &err), INDEX_OK);
	T_CHECKF(file_size(path) > 0 && file_size(path) < raw * 3 / 4,
		 "value file of %lld bytes for %lld bytes of values", file_size(path), raw);
	T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
	/* Unset values are "" either way; every docid is answered by the file. */
	T_EQ_INT((int)check_all(r, 3000, 0, 0), 3000);
	T_EQ_INT((int)check_all(r, 3000, 0, 0), 3000);
	(void)covered;

	/* Later documents and deletions. */
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	T_EQ_INT(index_delete(w, "Q10", &err), INDEX_OK);
	T_EQ_INT(index_commit(w, &err), INDEX_OK);
	index_close(w);
	build(path, 3001, 3100, 0);
	T_EQ_INT(index_reopen(r, &err), INDEX_OK);
	T_EQ_INT((int)check_all(r, 3099, 0, 0), 2999);
	/* A writer never reads the file (its docids may come back). */
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	T_EQ_INT((int)check_all(w, 3099, 0, 1), 0);
	index_close(w);
	index_close(r);
}

/* A file read by pread, not held in memory (as one over 64 MiB is): the
 * same values, records close together read in runs, later documents from
 * the stream. */
static void test_pread(void)
{
	char path[300];
	index_db *r = NULL;
	index_error err = {{0}};

	snprintf(path, sizeof path, "%s/pread", tmpdir);
	build(path, 1, 2000, 0);
	T_EQ_INT(index_write_value_file(path, SLOT, &err), INDEX_OK);
	T_REQUIRE(setenv("FAIRMATCH_VALUE_FILE_HELD", "0", 1) == 0);
	T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
	T_EQ_INT((int)check_all(r, 2000, 0, 0), 2000);
	build(path, 2001, 2050, 0);
	T_EQ_INT(index_reopen(r, &err), INDEX_OK);
	T_EQ_INT((int)check_all(r, 2050, 0, 0), 2000);
	index_close(r);
	unsetenv("FAIRMATCH_VALUE_FILE_HELD");
}

/* Too few values to train a dictionary: stored as they are. */
static void test_plain(void)
{
	char path[300];
	index_db *r = NULL;
	index_error err = {{0}};

	snprintf(path, sizeof path, "%s/few", tmpdir);
	build(path, 1, 40, 0);
	T_EQ_INT(index_write_value_file(path, SLOT, &err), INDEX_OK);
	T_CHECK(file_size(path) > 0);
	T_REQUIRE(index_open_readonly(path, &r, &err) == INDEX_OK);
	T_EQ_INT((int)check_all(r, 40, 0, 0), 40);
	index_close(r);
}

/* Another database with the same docids and all but one of the same
 * values (not one the reader samples): the file of the first names the
 * first's UUID, so the second reads its own stream. */
static void test_other_database(void)
{
	char a[300], b[300], from[400], to[400], cmd[900];
	index_db *r = NULL;
	index_error err = {{0}};

	snprintf(a, sizeof a, "%s/a", tmpdir);
	snprintf(b, sizeof b, "%s/b", tmpdir);
	build(a, 1, 500, 0);
	build(b, 1, 500, 1);
	T_EQ_INT(index_write_value_file(a, SLOT, &err), INDEX_OK);
	snprintf(from, sizeof from, "%s/" FILE_NAME, a);
	snprintf(to, sizeof to, "%s/" FILE_NAME, b);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	T_REQUIRE(system(cmd) == 0);
	T_REQUIRE(index_open_readonly(b, &r, &err) == INDEX_OK);
	T_EQ_INT((int)check_all(r, 500, 1, 0), 0);
	index_close(r);
	/* Its own file it reads. */
	T_EQ_INT(index_write_value_file(b, SLOT, &err), INDEX_OK);
	T_REQUIRE(index_open_readonly(b, &r, &err) == INDEX_OK);
	T_EQ_INT((int)check_all(r, 500, 1, 0), 500);
	index_close(r);
}

/* index_delete_all removes the file; a sharded directory gets none. */
static void test_delete_all_and_shards(void)
{
	char path[300], shards[300];
	index_db *w = NULL;
	index_error err = {{0}};

	snprintf(path, sizeof path, "%s/emptied", tmpdir);
	build(path, 1, 200, 0);
	T_EQ_INT(index_write_value_file(path, SLOT, &err), INDEX_OK);
	T_CHECK(file_size(path) > 0);
	T_REQUIRE(index_open_writable(path, &w, &err) == INDEX_OK);
	T_EQ_INT(index_delete_all(w, &err), INDEX_OK);
	T_EQ_INT(index_commit(w, &err), INDEX_OK);
	index_close(w);
	T_EQ_INT((int)file_size(path), -1);

	snprintf(shards, sizeof shards, "%s/sharded", tmpdir);
	T_EQ_INT(index_set_shards(shards, 2, NULL, &err), INDEX_OK);
	build(shards, 1, 200, 0);
	T_EQ_INT(index_write_value_file(shards, SLOT, &err), INDEX_OK);
	T_EQ_INT((int)file_size(shards), -1);
	T_CHECK(index_write_value_file(NULL, SLOT, &err) == INDEX_ERR);
}

int main(void)
{
	mkdir("var", 0755);
	mkdir("var/tmp", 0755);
	snprintf(tmpdir, sizeof tmpdir, "var/tmp/test_valuefile.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(test_compressed);
	T_RUN(test_pread);
	T_RUN(test_plain);
	T_RUN(test_other_database);
	T_RUN(test_delete_all_and_shards);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return T_DONE();
}
