/*
 * audit.h - the audit log: who did what to which object, and when.
 *
 * Rows hold the actor's key id, role and organisation, an action name
 * ("profile.read", "flag.create" ...), the object id ("p_…", "r_…", "v_…")
 * and a small detail object — never the content of a profile. Write the row
 * inside the transaction of the action it records, so one never exists
 * without the other. A stored profile's id, as the object or a detail
 * member, is written as the profile's audit alias ("pa_…", kept only in its
 * row): erasing the profile unlinks every row but the erasure's own
 * (data/sql/018_audit_alias.sql, docs/privacy.md "Forgetting").
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

/*
 * The audit log read back must not re-identify people (docs/privacy.md):
 * a row naming a profile ("p_…", or its alias "pa_…") or a placement
 * ("pl_…"), as its object or anywhere in its detail, names it in the
 * clear only to a counsellor of the organisation that wrote the row (the
 * profile's own organisation: counsellors act only on their own
 * profiles). Every other viewer sees a per-viewer pseudonym, "p~" or
 * "pl~" and 16 hex digits of HMAC-SHA256(secret, viewer's organisation,
 * role, id): the same person
 * has the same pseudonym in one viewer's answers (so "read five times" is
 * still visible), a different one for every other viewer, and none can be
 * joined with a listing, a placement answer or another organisation's
 * view. The secret is FAIRMATCH_AUDIT_SECRET (set it alike on every server
 * to keep pseudonyms stable across restarts), else random per process.
 * Rewrites the "items" of an audit list answer in place; 0 or -1.
 */
int audit_pseudonymise(json_t *answer, const struct principal *viewer);

#endif
