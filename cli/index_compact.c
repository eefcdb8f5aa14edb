/*
 * index_compact.c - cli_compact_index (see cli.h): rewrites the search
 * index compacted (full B-tree blocks, no free space left by replaced
 * documents) and swaps it in, for `compact --index` and after the bulk
 * builds of `import` and `reindex`.
 */
#include "cli/cli.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"
#include "index/schema.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Compacts the index at path into path.compact.PID and puts the copy in its
 * place, holding the write lock throughout so no server or import can
 * write meanwhile (a server that holds it: exit 1, nothing done). If the
 * process dies between the two renames the index is missing, and the next
 * `serve` rebuilds it from PostgreSQL's change log: it is derived data.
 */
int cli_compact_index(const char *path)
{
	char tmp[4096], old[4096];
	index_db *w = NULL;
	index_error e = {{0}};
	int rc;

	if (snprintf(tmp, sizeof tmp, "%s.compact.%ld", path, (long)getpid()) >= (int)sizeof tmp ||
	    snprintf(old, sizeof old, "%s.old.%ld", path, (long)getpid()) >= (int)sizeof old) {
		fprintf(stderr, "fairmatch: compact: index path too long\n");
		return 1;
	}
	{
		struct stat st;

		if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "fairmatch: compact: no index at %s\n", path);
			return 1;
		}
	}
	{
		unsigned shards = 1;
		int remote = 0;

		if (index_open_readonly(path, &w, &e) == 0 && index_shard_count(w, &shards, &remote) == 0 &&
		    shards > 1) {
			/* Database::compact of the combined shards writes one database:
			 * the SHARDS layout would be lost. */
			fprintf(stderr, "fairmatch: compact: %s is split into %u shards; compacting a"
					" sharded index is not supported (rebuild it with reindex)\n",
				path, shards);
			index_close(w);
			return 1;
		}
		index_close(w);
		w = NULL;
		e = (index_error){{0}};
	}
	rc = index_open_writable(path, &w, &e);
	if (rc == INDEX_ELOCK) {
		fprintf(stderr, "fairmatch: compact: a server or import holds the index at %s;"
				" stop it and run compact --index again\n", path);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "fairmatch: compact: %s\n", e.msg);
		return 1;
	}
	if (remove_tree(tmp) || index_compact(path, tmp, &e)) {
		fprintf(stderr, "fairmatch: compact: %s\n", e.msg[0] ? e.msg : strerror(errno));
		remove_tree(tmp);
		index_close(w);
		return 1;
	}
	/* The match's records by docid (docs/index.md, "A value slot addressed
	 * by docid"): without the file the match reads them from the value
	 * stream, slower but the same, so a failure is only said. */
	if (index_write_value_file(tmp, VX_SLOT_MATCH, &e))
		fprintf(stderr, "fairmatch: compact: %s (the match reads its records from the index)\n",
			e.msg);
	if (rename(path, old)) {
		fprintf(stderr, "fairmatch: compact: renaming %s: %s\n", path, strerror(errno));
		remove_tree(tmp);
		index_close(w);
		return 1;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, "fairmatch: compact: renaming %s: %s\n", tmp, strerror(errno));
		if (rename(old, path))
			fprintf(stderr, "fairmatch: compact: the index is at %s now\n", old);
		index_close(w);
		return 1;
	}
	index_close(w);
	if (remove_tree(old)) {
		fprintf(stderr, "fairmatch: compact: removing %s: %s\n", old, strerror(errno));
		return 1;
	}
	return 0;
}

/* After a bulk build (this run applied CLI_COMPACT_AFTER changes or more,
 * and at least half of what the index holds), the index is compacted:
 * Xapian leaves B-tree blocks part-empty while it adds, and a compacted
 * index is about a sixth smaller and reads fewer blocks per search. A
 * failed compaction leaves the index as it was: it is only said. */
void cli_compact_after_build(const char *path, uint64_t applied)
{
	index_db *db = NULL;
	index_error e = {{0}};
	uint64_t docs = 0;
	double t0 = cli_now();

	unsigned shards = 1;
	int remote = 0;

	if (applied < CLI_COMPACT_AFTER || index_open_readonly(path, &db, &e) ||
	    index_doc_count(db, &docs, &e) || index_shard_count(db, &shards, &remote)) {
		index_close(db);
		return;
	}
	index_close(db);
	if (shards > 1)
		return; /* Xapian's compact would merge the shards into one (see cli_compact_index) */
	if (applied * 2 < docs)
		return;
	if (cli_compact_index(path) == 0)
		fprintf(stderr, "index: compacted in %.1fs\n", cli_now() - t0);
}
