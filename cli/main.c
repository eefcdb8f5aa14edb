/*
 * main.c - the fairmatch command line: a table of commands, each with its
 * one-line help and the function that runs it (see cli.h; one file per
 * command group). Every command takes --help, --db CONNINFO (default
 * FAIRMATCH_DB, else the private cluster under ./var) and, where it
 * touches the index, --index DIR (default FAIRMATCH_INDEX, else ./var/index).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
	const char *name;
	const char *help;
	int (*run)(int argc, char **argv);
} commands[] = {
	{.name = "serve", .help = "run the HTTP API", .run = cli_serve},
	{.name = "import", .help = "bulk-import vacancies from JSON lines", .run = cli_import},
	{.name = "reindex", .help = "rebuild the search index from PostgreSQL", .run = cli_reindex},
	{.name = "verify",
	 .help = "compare the index with PostgreSQL; non-zero on any difference",
	 .run = cli_verify},
	{.name = "keys", .help = "create, list, revoke and rotate API keys (bearer tokens)", .run = cli_keys},
	{.name = "migrate", .help = "apply missing schema migrations", .run = cli_migrate},
	{.name = "sample",
	 .help = "write generated sample vacancies or profiles as JSON lines",
	 .run = cli_sample},
	{.name = "retention",
	 .help = "erase profiles untouched for N months (retention --months N)",
	 .run = cli_retention},
	{.name = "compact",
	 .help = "rewrite the profiles table so erased rows leave its files",
	 .run = cli_compact},
	{.name = "expire",
	 .help = "close the vacancies past their valid_until (serve does it nightly)",
	 .run = cli_expire},
	{.name = "check",
	 .help = "screen a CSV list of recruiters (check recruiters FILE.csv)",
	 .run = cli_check},
	{.name = "taxonomy",
	 .help = "build the taxonomy index from ESCO (taxonomy load), or check it (taxonomy check)",
	 .run = cli_taxonomy},
};

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: fairmatch COMMAND [OPTIONS]\n\ncommands:\n", f);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\nRun 'fairmatch COMMAND --help' for a command's options.\n", f);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "fairmatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
