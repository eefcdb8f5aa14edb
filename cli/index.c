/*
 * index.c - the index commands: `fairmatch reindex` rebuilds the search
 * index from PostgreSQL (indexer_rebuild) and `fairmatch verify` compares
 * the two (indexer_verify). `fairmatch compact --index` is in privacy.c,
 * with the table compaction it extends.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/core/fs.h"
#include "engine/indexer/indexer.h"
#include "index/index.h"

static const char reindex_help[] =
	"usage: fairmatch reindex [--db CONNINFO] [--index DIR]\n"
	"  Rebuilds the index from PostgreSQL (stop the server first: it holds the\n"
	"  index's write lock).\n";

static const char verify_help[] =
	"usage: fairmatch verify [--db CONNINFO] [--index DIR] [--max-lag N]\n"
	"  Compares the index with PostgreSQL: every open vacancy with positions\n"
	"  left is in the index once, with the content PostgreSQL holds now (a\n"
	"  digest per document), nothing else is, and the index is at most N\n"
	"  change-log rows behind (default 100; 0 for a stopped server).\n"
	"  Exit 1 on any difference.\n";

int cli_reindex(int argc, char **argv)
{
	struct common c;
	index_db *w = NULL;
	index_error e = {{0}};
	char err[512] = "";
	uint64_t count = 0;
	double t0 = cli_now();
	store *s;
	int rc = cli_parse_and_open(argc, argv, &c, reindex_help, &s);

	if (rc >= 0)
		return rc;
	if (fs_mkdir_parents(c.index)) {
		fprintf(stderr, "fairmatch: making the index's directory %s: %s\n", c.index,
			strerror(errno));
		store_close(s);
		return 1;
	}
	if ((rc = index_open_writable(c.index, &w, &e))) {
		fprintf(stderr, "fairmatch: opening the index: %s\n",
			rc == INDEX_ELOCK ? "a running server holds it; stop it first" : e.msg);
		store_close(s);
		return 1;
	}
	{
		/* Stamp the database's id: a server finding this index trusts it. */
		char dbid[INDEXER_DATABASE_ID_LEN + 1];
		int rebuilt;

		rc = indexer_database_id(s, dbid) ? -1 : indexer_claim(s, w, dbid, &rebuilt, err, sizeof err);
		if (rc && !err[0])
			snprintf(err, sizeof err, "reading the database id: %s", store_error(s));
	}
	if (rc == 0)
		rc = indexer_rebuild(s, c.conninfo, w, &count, err, sizeof err);
	if (rc)
		fprintf(stderr, "fairmatch: %s\n", err);
	else
		fprintf(stderr, "reindex: %llu changes applied in %.1fs\n", (unsigned long long)count,
			cli_now() - t0);
	index_close(w);
	store_close(s);
	if (rc == 0)
		cli_compact_after_build(c.index, count);
	return rc ? 1 : 0;
}

/* The first ten missing or stale vacancies are named. */
static void report_missing(const char *id, const char *what, uint64_t nth, void *arg)
{
	(void)arg;
	if (nth >= 10)
		return;
	if (strcmp(what, "stale") == 0)
		fprintf(stderr, "verify: v_%s differs in the index from PostgreSQL (stale)\n", id);
	else
		fprintf(stderr, "verify: v_%s is open in PostgreSQL but not in the index\n", id);
}

/* Takes --max-lag N out of argv (the common options parse the rest). */
static int take_max_lag(int *argc, char **argv, int64_t *max_lag)
{
	int i, j;

	for (i = 1; i < *argc; i++) {
		const char *v = NULL;
		int n = 0;
		char *end;

		if (strcmp(argv[i], "--max-lag") == 0 && i + 1 < *argc) {
			v = argv[i + 1];
			n = 2;
		} else if (strncmp(argv[i], "--max-lag=", 10) == 0) {
			v = argv[i] + 10;
			n = 1;
		}
		if (!n)
			continue;
		*max_lag = strtoll(v, &end, 10);
		if (!*v || *end || *max_lag < 0) {
			fprintf(stderr, "fairmatch: --max-lag wants a whole number of change-log rows\n");
			return -1;
		}
		for (j = i; j + n <= *argc; j++)
			argv[j] = argv[j + n];
		*argc -= n;
		i--;
	}
	return 0;
}

int cli_verify(int argc, char **argv)
{
	struct common c;
	struct indexer_verify_result v = {.max_lag = 100};
	index_db *db = NULL;
	index_error e = {{0}};
	char err[512];
	store *s;
	int rc;

	if (take_max_lag(&argc, argv, &v.max_lag))
		return 2;
	rc = cli_parse_and_open(argc, argv, &c, verify_help, &s);

	if (rc >= 0)
		return rc;
	if (index_open_readonly(c.index, &db, &e)) {
		fprintf(stderr, "fairmatch: opening the index: %s\n", e.msg);
		store_close(s);
		return 1;
	}
	rc = indexer_verify(s, db, report_missing, NULL, &v, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "fairmatch: %s\n", err);
		index_close(db);
		store_close(s);
		return 1;
	}
	printf("verify: postgresql %llu open vacancies, index %llu documents, %llu missing, "
	       "%llu stale, %lld extra, index seq %lld of %lld (lag %lld, at most %lld): %s\n",
	       (unsigned long long)v.open, (unsigned long long)v.docs,
	       (unsigned long long)v.missing, (unsigned long long)v.stale,
	       (long long)v.docs - ((long long)v.open - (long long)v.missing), (long long)v.seq,
	       (long long)v.newest, (long long)(v.newest - v.seq), (long long)v.max_lag,
	       rc ? "DIFFERENT" : "ok");
	index_close(db);
	store_close(s);
	return rc;
}
