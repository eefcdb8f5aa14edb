/*
 * privacy.c - the privacy commands: `fairmatch retention --months N` erases
 * profiles untouched for N months, then compacts; `fairmatch compact`
 * rewrites the profiles table (and with --index the search index) so erased
 * rows leave the files. Both run as the owner of the tables.
 */
#include "cli/cli.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/retention.h"
#include "engine/store/store.h"
#include "index/index.h"

static const char retention_help[] =
	"usage: fairmatch retention --months N [--no-compact] [--db CONNINFO]\n"
	"  Erases every profile nobody read, changed or matched for N months (1..1200),\n"
	"  with one audit row each, then rewrites the profiles table so no byte of them\n"
	"  stays in its files (see 'fairmatch compact'). Prints the number erased.\n"
	"  Runs as the owner of the tables. 'fairmatch serve --retention-months N' (or\n"
	"  $FAIRMATCH_RETENTION_MONTHS) applies the same rule every hour.\n"
	"  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else ./var)\n";

static const char compact_help[] =
	"usage: fairmatch compact [--db CONNINFO] [--index DIR]\n"
	"  Rewrites the profiles table and its indexes (VACUUM FULL) and forces a\n"
	"  checkpoint, so profiles erased since the last run leave PostgreSQL's table\n"
	"  files (a DELETE only marks a row dead). Locks the profiles table while it\n"
	"  runs; schedule it daily. Runs as the owner of the tables.\n"
	"  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else ./var)\n"
	"  --index DIR     also compact the search index at DIR into a fresh copy that\n"
	"                  replaces it, so terms of deleted documents leave its files;\n"
	"                  only while no server holds the index (exit 1 otherwise)\n";

static int compact(store *s)
{
	char err[512];

	if (retention_compact(s, err, sizeof err)) {
		fprintf(stderr, "fairmatch: compact: %s\n", err);
		return 1;
	}
	if (err[0])
		fprintf(stderr, "fairmatch: compact: %s\n", err);
	return 0;
}

int cli_retention(int argc, char **argv)
{
	static const struct option opts[] = {{"months", 1, 0, 'm'}, {"no-compact", 0, 0, 'n'},
					     {"db", 1, 0, 'd'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	char conninfo[4096];
	int o, months = -1, no_compact = 0, rc;
	long long n;
	store *s;

	store_default_conninfo(conninfo, sizeof conninfo);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'm':
			months = retention_parse_months(optarg);
			if (months < 0) {
				fprintf(stderr, "fairmatch: --months must be a whole number from 1 to %d\n",
					RETENTION_MONTHS_MAX);
				return 2;
			}
			break;
		case 'n': no_compact = 1; break;
		case 'd': snprintf(conninfo, sizeof conninfo, "%s", optarg); break;
		case 'h': fputs(retention_help, stdout); return 0;
		default: return 2;
		}
	}
	if (months < 0 || optind != argc) {
		fprintf(stderr, "usage: fairmatch retention --months N  (see --help)\n");
		return 2;
	}
	s = cli_open_store(conninfo);
	if (!s)
		return 1;
	if (retention_apply(s, months, &n)) {
		fprintf(stderr, "fairmatch: retention: %s\n", store_error(s));
		store_close(s);
		return 1;
	}
	printf("%lld\n", n);
	fflush(stdout);
	rc = no_compact ? 0 : compact(s);
	store_close(s);
	return rc;
}

int cli_compact(int argc, char **argv)
{
	static const struct option opts[] = {{"db", 1, 0, 'd'}, {"index", 1, 0, 'i'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	char conninfo[4096];
	const char *index_path = NULL;
	store *s;
	int o, rc;

	store_default_conninfo(conninfo, sizeof conninfo);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'd': snprintf(conninfo, sizeof conninfo, "%s", optarg); break;
		case 'i': index_path = optarg; break;
		case 'h': fputs(compact_help, stdout); return 0;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: fairmatch compact [--db CONNINFO] [--index DIR]\n");
		return 2;
	}
	s = cli_open_store(conninfo);
	if (!s)
		return 1;
	rc = compact(s);
	store_close(s);
	if (index_path && cli_compact_index(index_path))
		rc = 1;
	return rc;
}
