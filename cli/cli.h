/*
 * cli.h - the fairmatch command line: one function per command, each
 * taking the command's own argc/argv (argv[0] is the command's name), and
 * the option handling they share (common.c). main.c holds the table of
 * commands; nothing outside cli/ includes this header.
 *
 * Every command takes --help, --db CONNINFO (default FAIRMATCH_DB, else the
 * private cluster under ./var) and, where it touches the index, --index DIR
 * (default FAIRMATCH_INDEX, else ./var/index). A command returns the
 * process's exit status: 0 done, 1 failed, 2 a usage error.
 */
#ifndef FAIRMATCH_CLI_H
#define FAIRMATCH_CLI_H

#include "engine/store/store.h"

/* ---- the commands ---- */
int cli_serve(int argc, char **argv);     /* serve.c */
int cli_import(int argc, char **argv);    /* import.c */
int cli_reindex(int argc, char **argv);   /* index.c */
int cli_verify(int argc, char **argv);    /* index.c */
int cli_keys(int argc, char **argv);      /* keys.c */
int cli_migrate(int argc, char **argv);   /* admin.c */
int cli_sample(int argc, char **argv);    /* admin.c */
int cli_taxonomy(int argc, char **argv);  /* admin.c */
int cli_retention(int argc, char **argv); /* privacy.c */
int cli_compact(int argc, char **argv);   /* privacy.c */
int cli_check(int argc, char **argv);     /* check.c */
int cli_expire(int argc, char **argv);    /* expire.c */

/* ---- shared by the commands (common.c, index_compact.c) ---- */
/* Compacts the index at path into a copy and swaps it in, holding the
 * write lock throughout (a server holding it: 1, nothing done, said on
 * stderr). 0 done, 1 failed. */
int cli_compact_index(const char *path);
/* A bulk build (import, reindex) compacts the index afterwards when it
 * applied at least this many changes and at least half the documents. */
#define CLI_COMPACT_AFTER 10000
void cli_compact_after_build(const char *path, uint64_t applied);

/* The options most commands take. */
struct common {
	char conninfo[4096];
	const char *index;
};

/* getopt_long without its abbreviations: a long option is taken only when
 * written in full, so a mistyped '--port 8080' is an error rather than
 * '--port-file 8080' (which wrote the port to a file named 8080 and
 * listened elsewhere). Same return values as getopt_long. */
struct option;
int cli_getopt(int argc, char **argv, const struct option *opts);

/* The --help lines of --db, --index and --help. */
extern const char cli_common_help[];

/* The defaults: $FAIRMATCH_DB (else ./var's cluster), $FAIRMATCH_INDEX
 * (else var/index). */
void cli_common_init(struct common *c);
/* Parses a command that takes only --db, --index and --help (help is its
 * usage text, printed before cli_common_help). -1 to go on; else the exit
 * status (0 after --help, 2 on a usage error). */
int cli_parse_common_only(int argc, char **argv, struct common *c, const char *help);
/* cli_parse_common_only, then cli_open_store: -1 with *s open to go on;
 * else the exit status (1 when PostgreSQL cannot be reached). */
int cli_parse_and_open(int argc, char **argv, struct common *c, const char *help, store **s);
/* The value of --option as a whole number from 0 to max, into *out; 0, or
 * -1 with a message naming the option. */
int cli_count(const char *option, const char *text, unsigned max, unsigned *out);
/* Connects and applies migrations; prints the reason on failure. */
store *cli_open_store(const char *conninfo);
/* Seconds on the monotonic clock. */
double cli_now(void);

#endif
