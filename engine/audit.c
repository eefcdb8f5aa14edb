/* audit.c - appending to the audit log, and its rows' pseudonyms for
 * viewers outside the profile's organisation (see audit.h). */
#include "engine/audit.h"

#include <nettle/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Prepared once per connection: every match and every profile read writes one.
 * A stored profile's id is written as its audit alias, in the object and in
 * the detail's members (018_audit_alias.sql): the erasure of the profile
 * then unlinks every row but its own. */
static const struct store_stmt insert_stmt = {
	"fm_audit_insert",
	"INSERT INTO audit_log (actor, role, org, action, object, detail)"
	" VALUES (NULLIF($1, '0')::bigint, $2, $3, $4,"
	" CASE WHEN left($5, 2) = 'p_' THEN fairmatch_audit_alias($5) ELSE $5 END,"
	" CASE WHEN strpos($6::text, '\"p_') > 0 THEN fairmatch_audit_detail($6::jsonb, true)"
	" ELSE $6::jsonb END)",
	6};

/* Inserts the row: on its own (store_run_stmt) or, with commit, sent with
 * the transaction's COMMIT (store_run_commit). */
static int audit_insert(store *s, const struct principal *who, const char *action,
			const char *object, const json_t *detail, int commit)
{
	char actor[32];
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	const char *p[6];
	int rc;

	snprintf(actor, sizeof actor, "%lld", who ? (long long)who->key_id : 0LL);
	p[0] = actor;
	p[1] = who ? keys_role_name(who->role) : "cli";
	p[2] = who ? who->org : "cli";
	p[3] = action;
	p[4] = object;
	p[5] = d;
	rc = commit ? store_run_commit(s, &insert_stmt, p) : store_run_stmt(s, &insert_stmt, p);
	free(d);
	return rc;
}

int audit_write(store *s, const struct principal *who, const char *action, const char *object,
		const json_t *detail)
{
	return audit_insert(s, who, action, object, detail, 0);
}

int audit_write_commit(store *s, const struct principal *who, const char *action,
		       const char *object, const json_t *detail)
{
	return audit_insert(s, who, action, object, detail, 1);
}

/* ---- pseudonyms ---- */

static uint8_t secret[32];
static size_t secret_len;
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static void load_secret(void)
{
	const char *env = getenv("FAIRMATCH_AUDIT_SECRET");

	if (env && *env) {
		struct sha256_ctx h;

		sha256_init(&h);
		sha256_update(&h, strlen(env), (const uint8_t *)env);
		sha256_digest(&h, sizeof secret, secret);
		secret_len = sizeof secret;
	} else if (getrandom(secret, sizeof secret, 0) == (ssize_t)sizeof secret) {
		secret_len = sizeof secret;
	}
}

/* "p_…" or an audit alias "pa_…" -> 1, "pl_…" -> 2, else 0. */
static int person_id_kind(const char *s)
{
	if (!s)
		return 0;
	if (strncmp(s, "pl_", 3) == 0 && s[3])
		return 2;
	if (strncmp(s, "pa_", 3) == 0 && s[3])
		return 1;
	if (strncmp(s, "p_", 2) == 0 && s[2])
		return 1;
	return 0;
}

static json_t *pseudonym(const struct principal *viewer, const char *id)
{
	struct hmac_sha256_ctx h;
	uint8_t mac[SHA256_DIGEST_SIZE];
	char out[32];
	int kind = person_id_kind(id), i;

	hmac_sha256_set_key(&h, secret_len, secret);
	hmac_sha256_update(&h, strlen(viewer->org) + 1, (const uint8_t *)viewer->org);
	hmac_sha256_update(&h, strlen(keys_role_name(viewer->role)) + 1,
			   (const uint8_t *)keys_role_name(viewer->role));
	hmac_sha256_update(&h, strlen(id), (const uint8_t *)id);
	hmac_sha256_digest(&h, sizeof mac, mac);
	i = snprintf(out, sizeof out, "%s~", kind == 2 ? "pl" : "p");
	for (int k = 0; k < 8; k++)
		i += snprintf(out + i, sizeof out - (size_t)i, "%02x", mac[k]);
	return json_string(out);
}

/* Replaces every profile or placement id in v (strings, recursively). */
static int rewrite(json_t *v, const struct principal *viewer)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, x) {
			if (json_is_string(x) && person_id_kind(json_string_value(x))) {
				if (json_object_set_new(v, key, pseudonym(viewer, json_string_value(x))))
					return -1;
			} else if (rewrite(x, viewer)) {
				return -1;
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x) && person_id_kind(json_string_value(x))) {
				if (json_array_set_new(v, i, pseudonym(viewer, json_string_value(x))))
					return -1;
			} else if (rewrite(x, viewer)) {
				return -1;
			}
		}
	}
	return 0;
}

int audit_pseudonymise(json_t *answer, const struct principal *viewer)
{
	json_t *items = json_object_get(answer, "items"), *row;
	size_t i;

	pthread_once(&secret_once, load_secret);
	if (!secret_len || !viewer)
		return -1;
	json_array_foreach(items, i, row) {
		const char *org = json_string_value(json_object_get(row, "org"));

		/* A counsellor reads its own organisation's rows in the clear. */
		if (viewer->role == ROLE_COUNSELLOR && org && strcmp(org, viewer->org) == 0)
			continue;
		if (rewrite(row, viewer))
			return -1;
	}
	return 0;
}
