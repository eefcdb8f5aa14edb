/*
 * expire.c - `fairmatch expire`: closes every open vacancy past its
 * valid_until now (vacancy_expire: change-log and audit rows, so the index,
 * the change feed and replicas follow). `serve` does the same nightly; this
 * is for a server run with --no-expire, or a cron job.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/core/iso.h"
#include "engine/vacancy.h"

static const char expire_help[] =
	"usage: fairmatch expire [--db CONNINFO]\n"
	"  Closes every open vacancy whose valid_until is before today (UTC), each\n"
	"  with a change-log row (the index drops it, GET /v1/vacancies/changes says\n"
	"  \"closed\") and an audit row \"vacancy.expire\". Prints how many it closed.\n"
	"  A running server picks the closures up from the change log; `serve` also\n"
	"  runs this by itself after each midnight unless started with --no-expire.\n"
	"  --db CONNINFO  PostgreSQL (default $FAIRMATCH_DB, else the private cluster)\n";

int cli_expire(int argc, char **argv)
{
	static const struct option opts[] = {{"db", 1, 0, 'd'}, {"help", 0, 0, 'h'},
					     {0, 0, 0, 0}};
	char conninfo[4096];
	long long n;
	store *s;
	int o;

	store_default_conninfo(conninfo, sizeof conninfo);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd': snprintf(conninfo, sizeof conninfo, "%s", optarg); break;
		case 'h': fputs(expire_help, stdout); return 0;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: fairmatch expire [--db CONNINFO]  (see --help)\n");
		return 2;
	}
	s = cli_open_store(conninfo);
	if (!s)
		return 1;
	if (vacancy_expire(s, NULL, &n)) {
		fprintf(stderr, "fairmatch: expire: %s\n", store_error(s));
		store_close(s);
		return 1;
	}
	printf("%lld\n", n);
	store_close(s);
	return 0;
}
