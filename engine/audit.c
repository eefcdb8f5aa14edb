/* audit.c - appending to the audit log (see audit.h). */
#include "engine/audit.h"

#include <stdio.h>
#include <stdlib.h>

int audit_write(store *s, const struct principal *who, const char *action, const char *object,
		const json_t *detail)
{
	char actor[32];
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	int rc;

	snprintf(actor, sizeof actor, "%lld", who ? (long long)who->key_id : 0LL);
	rc = store_run(s,
		       "INSERT INTO audit_log (actor, role, org, action, object, detail)"
		       " VALUES (NULLIF($1, '0')::bigint, $2, $3, $4, $5, $6::jsonb)",
		       6,
		       (const char *const[]){actor, who ? keys_role_name(who->role) : "cli",
					     who ? who->org : "cli", action, object, d});
	free(d);
	return rc;
}
