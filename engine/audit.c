/* audit.c - appending to the audit log (see audit.h). */
#include "engine/audit.h"

#include <stdio.h>
#include <stdlib.h>

/* Prepared once per connection: every match and every profile read writes one. */
static const struct store_stmt insert_stmt = {
	"fm_audit_insert",
	"INSERT INTO audit_log (actor, role, org, action, object, detail)"
	" VALUES (NULLIF($1, '0')::bigint, $2, $3, $4, $5, $6::jsonb)",
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
