/*
 * admin.c - the set-up commands: `fairmatch migrate` (the schema),
 * `fairmatch taxonomy load` (ESCO and the taxonomy index) and `fairmatch
 * sample` (generated vacancies or profiles from the real ESCO data).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "data/sample.h"
#include "engine/taxonomy/esco.h"
#include "engine/taxonomy/taxonomy.h"

int cli_migrate(int argc, char **argv)
{
	struct common c;
	store *s;
	int rc = cli_parse_and_open(argc, argv, &c, "usage: fairmatch migrate [--db CONNINFO]\n", &s);

	if (rc >= 0)
		return rc;
	store_close(s);
	return 0;
}

int cli_sample(int argc, char **argv)
{
	static const struct option opts[] = {{"count", 1, 0, 'c'}, {"seed", 1, 0, 's'},
					     {"data", 1, 0, 'D'}, {"help", 0, 0, 'h'},
					     {0, 0, 0, 0}};
	unsigned long long count = 10000, seed = 1;
	const char *dir = NULL;
	char err[512];
	esco *tax = NULL;
	int o, rc;

	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'c': count = strtoull(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'D': dir = optarg; break;
		case 'h':
			printf("usage: fairmatch sample vacancies|profiles [--count N] [--seed S] [--data DIR]\n"
			       "  Writes N generated records (built from the real ESCO data) as JSON lines on\n"
			       "  stdout; the same seed always gives the same bytes.\n"
			       "  --count N    how many (default 10000)\n"
			       "  --seed S     the generator's seed (default 1)\n"
			       "  --data DIR   the ESCO files (default data/esco)\n");
			return 0;
		default: return 2;
		}
	}
	if (argc - optind != 1 ||
	    (strcmp(argv[optind], "vacancies") != 0 && strcmp(argv[optind], "profiles") != 0)) {
		fprintf(stderr, "usage: fairmatch sample vacancies|profiles [--count N] [--seed S]\n");
		return 2;
	}
	if (esco_load(dir, &tax, err, sizeof err)) {
		fprintf(stderr, "fairmatch: loading ESCO: %s\n", err);
		return 1;
	}
	if (strcmp(argv[optind], "vacancies") == 0)
		rc = sample_vacancies(tax, stdout, count, seed, err, sizeof err);
	else
		rc = sample_profiles(tax, stdout, count, seed, err, sizeof err);
	esco_free(tax);
	if (rc || fflush(stdout)) {
		fprintf(stderr, "fairmatch: sample: %s\n", rc ? err : strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- taxonomy ---- */

int cli_taxonomy(int argc, char **argv)
{
	char err[512];
	size_t n = 0;
	double t0 = cli_now();
	int rc;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: fairmatch taxonomy load|check\n"
		       "  load   Loads ESCO (data/esco, or $FAIRMATCH_ESCO_DIR) and rebuilds the\n"
		       "         taxonomy index ($FAIRMATCH_TAXONOMY, else var/taxonomy) in a fresh\n"
		       "         directory that is then renamed into place; running it again gives\n"
		       "         the same index.\n"
		       "  check  Says whether the index is current (built by this version from these\n"
		       "         ESCO files, compared by digest): exit 0 when it is, 1 when it is\n"
		       "         missing or stale (then run 'load'); builds nothing.\n");
		return 0;
	}
	if (argc != 2 || (strcmp(argv[1], "load") != 0 && strcmp(argv[1], "check") != 0)) {
		fprintf(stderr, "usage: fairmatch taxonomy load|check  (see --help)\n");
		return 2;
	}
	if (strcmp(argv[1], "check") == 0) {
		rc = taxonomy_index_state(err, sizeof err);
		if (rc == TAX_ERR) {
			fprintf(stderr, "fairmatch: taxonomy: %s\n", err);
			return 1;
		}
		printf("taxonomy index %s: %s\n", taxonomy_path(), err);
		return rc == 1 ? 0 : 1;
	}
	/* ESCO alone, not taxonomy_init: that would build a missing index
	 * first, and this builds it anyway. */
	if (!taxonomy_esco()) {
		(void)taxonomy_index_state(err, sizeof err); /* says why ESCO did not load */
		fprintf(stderr, "fairmatch: taxonomy: %s\n", err);
		return 1;
	}
	if (taxonomy_build(taxonomy_esco(), taxonomy_path(), NULL, NULL, &n, err, sizeof err)) {
		fprintf(stderr, "fairmatch: taxonomy: %s\n", err);
		return 1;
	}
	fprintf(stderr, "taxonomy: %zu occupations, %zu skills, %zu labels indexed at %s in %.1fs\n",
		esco_occupation_count(taxonomy_esco()), esco_skill_count(taxonomy_esco()), n,
		taxonomy_path(), cli_now() - t0);
	return 0;
}
