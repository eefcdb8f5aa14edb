/*
 * common.c - what the commands share (see cli.h): the default connection
 * and index, the --db/--index/--help options, and opening the store.
 */
#include "cli/cli.h"
#include "engine/integrity/integrity.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char cli_common_help[] =
	"  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else the cluster under ./var)\n"
	"  --index DIR     the search index (default $FAIRMATCH_INDEX, else ./var/index)\n"
	"  --help          this text\n";

void cli_common_init(struct common *c)
{
	const char *ix = getenv("FAIRMATCH_INDEX");

	store_default_conninfo(c->conninfo, sizeof c->conninfo);
	c->index = ix && *ix ? ix : "var/index";
}

double cli_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

store *cli_open_store(const char *conninfo)
{
	struct integrity_renorm rn;
	char err[512];
	store *s;

	if (store_connect(conninfo, &s, err, sizeof err)) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return NULL;
	}
	if (store_migrate(s)) {
		fprintf(stderr, "fairmatch: migrating the schema: %s\n", store_error(s));
		store_close(s);
		return NULL;
	}
	/* The stored name forms follow the normaliser (a no-op unless its
	 * version changed): the SQL check compares today's query forms. */
	if (integrity_renormalise(s, &rn, err, sizeof err)) {
		fprintf(stderr, "fairmatch: %s\n", err);
		store_close(s);
		return NULL;
	}
	if (rn.from != rn.to && rn.recruiters) /* silent on a new database */
		fprintf(stderr,
			"fairmatch: recruiter name forms re-normalised (version %d -> %d):"
			" %llu of %llu recruiters rewritten\n",
			rn.from, rn.to, (unsigned long long)rn.changed,
			(unsigned long long)rn.recruiters);
	return s;
}

/* Every "--name" before a bare "--" must name an option exactly. */
static int long_options_exact(int argc, char **argv, const struct option *opts)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct option *o;
		size_t len;

		if (strcmp(arg, "--") == 0)
			return 0;
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
			continue;
		len = strcspn(arg + 2, "=");
		for (o = opts; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, arg + 2, len) == 0)
				break;
		if (!o->name) {
			fprintf(stderr, "fairmatch: unknown option '%.*s' (see --help)\n",
				(int)len + 2, arg);
			return -1;
		}
		if (o->has_arg == required_argument && arg[2 + len] != '=')
			i++; /* its value, whatever it looks like */
	}
	return 0;
}

int cli_getopt(int argc, char **argv, const struct option *opts)
{
	if (optind <= 1 && long_options_exact(argc, argv, opts))
		return '?';
	return getopt_long(argc, argv, "", opts, NULL);
}

int cli_parse_common_only(int argc, char **argv, struct common *c, const char *help)
{
	static const struct option opts[] = {{"db", 1, 0, 'd'}, {"index", 1, 0, 'i'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	int o;

	cli_common_init(c);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'd': snprintf(c->conninfo, sizeof c->conninfo, "%s", optarg); break;
		case 'i': c->index = optarg; break;
		case 'h': printf("%s%s", help, cli_common_help); return 0;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fairmatch: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

int cli_parse_and_open(int argc, char **argv, struct common *c, const char *help, store **s)
{
	int rc = cli_parse_common_only(argc, argv, c, help);

	*s = NULL;
	if (rc >= 0)
		return rc;
	*s = cli_open_store(c->conninfo);
	return *s ? -1 : 1;
}

int cli_count(const char *option, const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || *text == '-' || v > max) {
		fprintf(stderr, "fairmatch: --%s must be a whole number from 0 to %u\n", option, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}
