/*
 * keys.c - `fairmatch keys create`: a new API key (bearer token) for a role
 * and an organisation, printed once; only its hash is stored (engine/keys.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/keys.h"

int cli_keys(int argc, char **argv)
{
	static const struct option opts[] = {{"role", 1, 0, 'r'}, {"org", 1, 0, 'o'},
					     {"db", 1, 0, 'd'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct common c;
	const char *role = NULL, *org = NULL;
	char token[KEYS_TOKEN_LEN + 1], err[512];
	store *s;
	int o, rc;

	cli_common_init(&c);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r': role = optarg; break;
		case 'o': org = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'h':
			printf("usage: fairmatch keys create --role counsellor|employer|regulator|admin --org ORG\n"
			       "  Prints a new bearer token alone on stdout; only its hash is stored.\n"
			       "  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else ./var)\n");
			return 0;
		default: return 2;
		}
	}
	if (argc - optind != 1 || strcmp(argv[optind], "create") != 0 || !role || !org) {
		fprintf(stderr, "usage: fairmatch keys create --role ROLE --org ORG  (see --help)\n");
		return 2;
	}
	if (keys_role_parse(role) == ROLE_NONE) {
		fprintf(stderr, "fairmatch: unknown role '%s' (counsellor, employer, regulator, admin)\n", role);
		return 2;
	}
	s = cli_open_store(c.conninfo);
	if (!s)
		return 1;
	rc = keys_create(s, keys_role_parse(role), org, token, sizeof token, err, sizeof err);
	store_close(s);
	if (rc) {
		fprintf(stderr, "fairmatch: %s\n", err);
		return 1;
	}
	printf("%s\n", token);
	return 0;
}
