/*
 * keys.c - `fairmatch keys create|list|revoke|rotate`: API keys (bearer
 * tokens) for a role and an organisation. A token is printed once, alone
 * on stdout; only its hash is stored. Every action is audited (actor
 * "cli"), and a revocation reaches every running server within a moment
 * (engine/keyring.h, engine/keys.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/core/cursor.h"
#include "engine/keyring.h"

static const char usage_text[] =
	"usage: fairmatch keys create --role ROLE --org ORG [--expires WHEN]\n"
	"       fairmatch keys list [--org ORG] [--role ROLE] [--status active|expired|revoked]\n"
	"       fairmatch keys revoke KEY\n"
	"       fairmatch keys rotate KEY [--expires WHEN] [--grace WHEN]\n"
	"  create  prints a new bearer token alone on stdout; only its hash is stored\n"
	"  list    one key a line: id, role, org, status, created, expires (never a token)\n"
	"  revoke  stops KEY (k_12 or 12) on every server sharing the database within a second\n"
	"  rotate  prints a new token of KEY's role and org; KEY is revoked at once, or with\n"
	"          --grace keeps working until then. The new key expires when KEY would\n"
	"          have, or at --expires.\n"
	"  ROLE    counsellor, employer, regulator or admin\n"
	"  WHEN    2027-01-31T12:00:00Z, 2027-01-31 (midnight UTC), or 90d, 12h, 30m from now\n";

static int fail(problem *p)
{
	fprintf(stderr, "fairmatch: %s\n", p->detail[0] ? p->detail : "the key action failed");
	problem_release(p);
	return 1;
}

static int parse_when(const char *opt, const char *text, char out[KEYRING_TIME_LEN + 1])
{
	int rc = keyring_parse_time(text, 1, out);

	if (rc == -1)
		fprintf(stderr, "fairmatch: %s '%s': not a time (see --help)\n", opt, text);
	else if (rc == -2)
		fprintf(stderr, "fairmatch: %s '%s' is not in the future\n", opt, text);
	return rc;
}

static void print_key(const json_t *k)
{
	const char *exp = json_string_value(json_object_get(k, "expires_at"));

	printf("%s\t%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(k, "id")),
	       json_string_value(json_object_get(k, "role")),
	       json_string_value(json_object_get(k, "org")),
	       json_string_value(json_object_get(k, "status")),
	       json_string_value(json_object_get(k, "created_at")), exp ? exp : "never");
}

static int list(store *s, const struct keyring_query *filter)
{
	struct keyring_query q = *filter;
	char cursor[CURSOR_TEXT_MAX + 1];
	json_t *out = NULL, *k;
	problem p;
	size_t i;

	problem_init(&p);
	for (;;) {
		if (keyring_list(s, NULL, &q, &out, &p))
			return fail(&p);
		json_array_foreach(json_object_get(out, "items"), i, k)
			print_key(k);
		if (!json_is_string(json_object_get(out, "next_cursor"))) {
			json_decref(out);
			return 0;
		}
		snprintf(cursor, sizeof cursor, "%s",
			 json_string_value(json_object_get(out, "next_cursor")));
		q.cursor = cursor;
		json_decref(out);
	}
}

int cli_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", 1, 0, 'r'},   {"org", 1, 0, 'o'},   {"expires", 1, 0, 'e'},
		{"grace", 1, 0, 'g'},  {"status", 1, 0, 's'}, {"db", 1, 0, 'd'},
		{"help", 0, 0, 'h'},   {0, 0, 0, 0}};
	struct common c;
	struct keyring_query q = {0};
	const char *role = NULL, *org = NULL, *verb, *expires_opt = NULL, *grace_opt = NULL;
	char expires[KEYRING_TIME_LEN + 1], grace[KEYRING_TIME_LEN + 1];
	json_t *out = NULL;
	int64_t id = 0;
	problem p;
	store *s;
	int o, rc;

	cli_common_init(&c);
	while ((o = cli_getopt(argc, argv, opts)) != -1) {
		switch (o) {
		case 'r': role = optarg; break;
		case 'o': org = optarg; break;
		case 'e': expires_opt = optarg; break;
		case 'g': grace_opt = optarg; break;
		case 's': q.status = optarg; break;
		case 'd': snprintf(c.conninfo, sizeof c.conninfo, "%s", optarg); break;
		case 'h': printf("%s  --db CONNINFO   PostgreSQL (default $FAIRMATCH_DB, else ./var)\n", usage_text); return 0;
		default: return 2;
		}
	}
	verb = optind < argc ? argv[optind] : "";
	if (strcmp(verb, "create") == 0) {
		if (argc - optind != 1 || !role || !org || grace_opt || q.status)
			goto usage;
		if (keys_role_parse(role) == ROLE_NONE) {
			fprintf(stderr, "fairmatch: unknown role '%s' (counsellor, employer, regulator, admin)\n", role);
			return 2;
		}
	} else if (strcmp(verb, "list") == 0) {
		if (argc - optind != 1 || expires_opt || grace_opt)
			goto usage;
		q.org = org;
		q.role = role;
	} else if (strcmp(verb, "revoke") == 0 || strcmp(verb, "rotate") == 0) {
		if (argc - optind != 2 || role || org || q.status ||
		    (verb[1] == 'e' && (expires_opt || grace_opt)))
			goto usage;
		if (keys_parse_id(argv[optind + 1], &id)) {
			fprintf(stderr, "fairmatch: '%s' is not a key id (k_12 or 12)\n", argv[optind + 1]);
			return 2;
		}
	} else {
		goto usage;
	}
	if ((expires_opt && parse_when("--expires", expires_opt, expires)) ||
	    (grace_opt && parse_when("--grace", grace_opt, grace)))
		return 2;
	s = cli_open_store(c.conninfo);
	if (!s)
		return 1;
	problem_init(&p);
	if (verb[0] == 'l') {
		rc = list(s, &q);
		store_close(s);
		return rc;
	}
	if (verb[0] == 'c')
		rc = keyring_create(s, NULL, keys_role_parse(role), org, expires_opt ? expires : NULL,
				    &out, &p);
	else if (verb[1] == 'e')
		rc = keyring_revoke(s, NULL, id, &out, &p);
	else
		rc = keyring_rotate(s, id, expires_opt ? expires : NULL, grace_opt ? grace : NULL,
				    &out, &p);
	store_close(s);
	if (rc)
		return fail(&p);
	if (verb[1] == 'e')
		fprintf(stderr, "fairmatch: revoked %s\n", json_string_value(json_object_get(out, "id")));
	else
		printf("%s\n", json_string_value(json_object_get(out, "token")));
	if (verb[1] == 'o')
		fprintf(stderr, "fairmatch: %s replaces %s\n",
			json_string_value(json_object_get(out, "id")),
			json_string_value(json_object_get(out, "replaces")));
	json_decref(out);
	return 0;
usage:
	fprintf(stderr, "%s", usage_text);
	return 2;
}
