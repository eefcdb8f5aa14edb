/*
 * audit.h - the audit log: who did what to which object, and when.
 *
 * Rows hold the actor's key id, role and organisation, an action name
 * ("profile.read", "flag.create" ...), the object id ("p_…", "r_…", "v_…")
 * and a small detail object — never the content of a profile. Write the row
 * inside the transaction of the action it records, so one never exists
 * without the other.
 */
#ifndef FAIRMATCH_AUDIT_H
#define FAIRMATCH_AUDIT_H

#include <jansson.h>

#include "engine/keys.h"
#include "engine/store/store.h"

/* who NULL: the command line. detail may be NULL (borrowed). 0 or -1. */
int audit_write(store *s, const struct principal *who, const char *action, const char *object,
		const json_t *detail);

/* audit_write, then commits the open transaction (store_run_commit): the
 * row travels with COMMIT in one round trip when the transaction already
 * wrote. -1 when either failed (then roll back). */
int audit_write_commit(store *s, const struct principal *who, const char *action,
		       const char *object, const json_t *detail);

#endif
