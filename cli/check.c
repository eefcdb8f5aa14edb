/*
 * check.c - `fairmatch check recruiters FILE.csv`: screens a list of
 * recruiters (a regulator's or a counsellor's) against the register, one
 * report line per input line, as GET /v1/recruiters/check answers each.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/integrity/integrity.h"

static const char check_help[] =
	"usage: fairmatch check recruiters FILE.csv [--format csv|jsonl]\n"
	"  FILE.csv has a header naming the columns name, licence and country (others\n"
	"  are ignored; name or licence must be present). Each line is checked as\n"
	"  GET /v1/recruiters/check would check it (the register is loaded first) and\n"
	"  reported on standard output:\n"
	"  csv (default): line,name,licence,country,verdict,recruiter,recruiter_name,\n"
	"    score,flags,possible_matches,error (the best match; flags and\n"
	"    possible_matches are counts; error names an invalid line);\n"
	"  jsonl: the check's whole answer per line, plus \"line\" and \"query\".\n"
	"  Exit status 1 when a line was invalid or the file could not be read.\n";

int cli_check(int argc, char **argv)
{
	static const struct option opts[] = {{"format", 1, 0, 'f'}, {"db", 1, 0, 'd'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct common c;
	uint64_t done = 0, bad = 0;
	int o, jsonl = 0, rc;
	store *s;

	cli_common_init(&c);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'f':
			if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "jsonl") != 0) {
				fprintf(stderr, "fairmatch: --format is csv or jsonl\n");
				return 2;
			}
			jsonl = strcmp(optarg, "jsonl") == 0;
			break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'h': printf("%s%s", check_help, cli_common_help); return 0;
		default: return 2;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "recruiters") != 0) {
		fprintf(stderr, "usage: fairmatch check recruiters FILE.csv [--format csv|jsonl]\n");
		return 2;
	}
	s = cli_open_store(c.conninfo);
	if (!s)
		return 1;
	/* The register in memory, as the server holds it, so that every line
	 * gets the server's answer (exact keys, the token index, acronyms);
	 * without it, the SQL path. */
	if (integrity_start(c.conninfo))
		fprintf(stderr, "fairmatch: check: the register could not be loaded;"
				" checking through PostgreSQL alone\n");
	rc = integrity_check_csv(s, argv[optind + 1], jsonl, stdout, stderr, &done, &bad);
	integrity_stop();
	store_close(s);
	/* A file that could not be read to its end is not "0 invalid": the
	 * summary says the check stopped, after the reason printed above. */
	if (rc)
		fprintf(stderr, "check: stopped after %llu lines, %llu of them invalid: the file or the "
				"database failed (see above); the lines after it were not checked\n",
			(unsigned long long)done, (unsigned long long)bad);
	else
		fprintf(stderr, "check: %llu lines checked, %llu invalid\n", (unsigned long long)done,
			(unsigned long long)bad);
	return rc || bad ? 1 : 0;
}
